//! The typed form of a template file, as the classification engine reads it.
//!
//! Every name here is resolved and checked: labels exist, groups exist,
//! SMARTS parse. Spans point into the template file for later reports.

use serde::Serialize;

use crate::groups::def::GroupDef;
pub use crate::groups::def::Span;

/// Everything read from a set of template files.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Library {
    pub groups: Vec<GroupDef>,
    pub formulas: Vec<Formula>,
}

impl Library {
    pub fn group(&self, name: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.name == name)
    }

    pub fn formula(&self, id: &str) -> Option<&Formula> {
        self.formulas.iter().find(|f| f.id == id)
    }
}

/// One claimed general formula: `formula dye-ink:M-I "..."` and its lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Formula {
    /// `patent:name`, e.g. `dye-ink:M-I`.
    pub id: String,
    pub patent: String,
    pub title: String,
    /// The claims this formula stands for.
    pub claims: Vec<u32>,
    pub core: Core,
    /// Variable core atoms and structural substituents (`variable B1 = ...`).
    pub variables: Vec<Variable>,
    /// Substituent choices per label (`label R1, R2 = hydrogen | halogen`).
    pub labels: Vec<LabelChoice>,
    /// Central atom alternatives (`center M = hydrogen | metal | ...`).
    pub centers: Vec<Center>,
    /// Labels of metals that the compound is a complex with (`complex M`).
    pub complexes: Vec<String>,
    /// Which metals a center or complex label may be (`metal M = ...`).
    pub metals: Vec<MetalRule>,
    /// Permitted ring closures between substituent labels.
    pub rings: Vec<RingRule>,
    /// Counted substituents on a site (`count P1: a1 of X1, b1 of Y1`).
    pub counts: Vec<Count>,
    /// `require`, `forbid` and `when ... then ...` lines.
    pub conditions: Vec<Condition>,
    pub span: Span,
}

impl Formula {
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }

    pub fn label(&self, name: &str) -> Option<&LabelChoice> {
        self.labels.iter().find(|l| l.label == name)
    }
}

/// The core SMARTS. Each `{L}` of the template became a `*` atom; `sites`
/// says which atom carries which label (a label may sit on several atoms,
/// e.g. the four positions of a benzo ring that a `count` line fills).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Core {
    pub smarts: String,
    pub sites: Vec<Site>,
    pub span: Span,
}

/// A `*` atom standing for a label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    pub label: String,
    /// Index of the `*` atom in the SMARTS.
    pub atom: usize,
}

/// `variable B1 = c({R1}) "=CR1-" | n "=N-"`: the label's `*` is replaced
/// by one of the fragments; the fragment's atom 0 takes the label's bonds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variable {
    pub name: String,
    pub alternatives: Vec<Fragment>,
    pub span: Span,
}

/// One alternative of a variable.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fragment {
    /// The claim's wording for this alternative (`"=N-"`); conditions refer
    /// to alternatives by it. Defaults to the SMARTS or the group name.
    pub title: String,
    pub kind: FragmentKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum FragmentKind {
    /// A SMARTS fragment with labels of its own (`c({R1})`).
    Smarts { smarts: String, sites: Vec<Site> },
    /// A named group, as in a `label` line (`hydroxy`).
    Group(Choice),
}

/// `label R5, R6 = hydrogen | aliphatic | ...`, one per label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelChoice {
    pub label: String,
    pub choices: Vec<Choice>,
    pub span: Span,
}

/// One allowed group for a label, possibly asking for a ring size
/// (`heterocyclic size 5`: the attachment atom lies in a 5-membered ring
/// that holds the heteroatom).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub group: String,
    pub ring_size: Option<u8>,
}

/// `center M = hydrogen | metal | metal oxide | ...`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Center {
    pub label: String,
    pub forms: Vec<CenterForm>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CenterForm {
    /// No central atom: hydrogens on the ring atoms (metal-free form).
    Hydrogen,
    /// A bare metal atom.
    Metal,
    /// A metal carrying oxide (`=O` or `-O-` bridging) ligands.
    MetalOxide,
    /// A metal carrying hydroxide ligands.
    MetalHydroxide,
    /// A metal carrying halide ligands.
    MetalHalide,
}

/// `metal M = valence >= 2` or, for one claim, `metal M claim 6 = Al | Ti | Zr`.
/// All criteria must hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetalRule {
    pub label: String,
    /// `None`: the formula's own rule; `Some(n)`: claim n narrows it.
    pub claim: Option<u32>,
    pub criteria: Vec<MetalCriterion>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum MetalCriterion {
    /// Any metal element.
    Any,
    /// One of these elements (atomic numbers, in the order written).
    Elements(Vec<u8>),
    /// The metal's valence (its usual positive oxidation states) compares
    /// with `value`; `valence >= 2` holds when some valence is 2 or more.
    Valence { op: Cmp, value: u8 },
}

/// `ring R1 and R5, R5 and R6 size 5 | 6`: any of these label pairs may be
/// joined by one substituent that closes a ring of an allowed size and kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RingRule {
    pub pairs: Vec<(String, String)>,
    /// Allowed ring sizes; empty means any size.
    pub sizes: Vec<u8>,
    /// Allowed kinds; empty means any ring.
    pub kinds: Vec<ClosureKind>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClosureKind {
    /// A carbocyclic aromatic ring.
    Aromatic,
    /// A ring that contains a heteroatom.
    Heterocyclic,
}

/// `count P1: a1 of X1, b1 of Y1`: the atoms labelled `site` carry, between
/// them, `a1` substituents of label X1 and `b1` of Y1. On a variable atom
/// (`count X: m of R1, n of L`) the counts are of its neighbours; a label
/// that starts a chain of labels (L then Y) is counted with its chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Count {
    pub site: String,
    pub terms: Vec<CountTerm>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountTerm {
    pub variable: String,
    pub label: String,
}

/// A rule over count variables and variable-atom choices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    pub rule: Cond,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Cond {
    /// `lhs op rhs` over linear sums of count variables.
    Compare {
        lhs: Linear,
        op: Cmp,
        rhs: Linear,
    },
    /// `X is "-O-" | "-S-"`: the variable atom took one of these alternatives.
    Is {
        label: String,
        alternatives: Vec<String>,
    },
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// `when a then b`.
    Implies(Box<Cond>, Box<Cond>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

/// `constant + sum(coefficient * variable)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Linear {
    pub constant: i64,
    pub terms: Vec<(i64, String)>,
}

impl Linear {
    /// The value under `value_of` for each variable.
    pub fn eval(&self, value_of: impl Fn(&str) -> i64) -> i64 {
        self.terms.iter().fold(self.constant, |acc, (c, v)| {
            acc.saturating_add(c.saturating_mul(value_of(v)))
        })
    }
}
