//! The classification engine: which formulas of a [`Library`] a molecule
//! falls under, with the evidence (core atoms, variable-atom choices,
//! substituent assignments, counts), or for each formula it misses, the
//! nearest miss in words.
//!
//! For each formula the engine builds concrete cores (every combination of
//! variable-atom alternatives, with and without a central metal), screens
//! the molecule on the elements each core needs, then tries every mapping
//! of a core (symmetric cores map several ways) until one satisfies the
//! whole formula: each substituent (the non-core atoms reached from a core
//! atom) goes to a label whose groups it belongs to, labels without a
//! substituent are hydrogen, substituents joining two labels need a `ring`
//! rule, counts and conditions hold, and central atoms and complexed
//! metals meet their `metal` rules. Components without core atoms
//! (counter-ions, solvent) never stop a match; they are listed in `notes`.
//!
//! ```
//! use markush::markush::{engine::Classifier, Library};
//! let text = "group hydrogen = [#1] exact\n\
//!             group halogen \"halogen atom\" = [F,Cl,Br,I] exact\n\
//!             group sulfo \"sulfo group\" = S(=O)(=O)[OX2H1,OX1-] exact\n\
//!             formula demo:I \"halobenzene\"\n  claims 1\n  core c1ccccc1{X}\n\
//!               label X = halogen\n";
//! let classifier = Classifier::new(Library::from_sources(&[("demo.markush", text)]).unwrap()).unwrap();
//! let found = classifier.classify(&markush::smiles::parse("Clc1ccccc1").unwrap());
//! assert_eq!(found.matches[0].formula, "demo:I");
//! assert_eq!(found.matches[0].assignments["X"].groups, ["halogen"]);
//! assert_eq!(found.matches[0].assignments["X"].smiles, "[*]Cl");
//! let missed = classifier.explain(&markush::smiles::parse("OS(=O)(=O)c1ccccc1").unwrap());
//! assert!(missed.matches.is_empty());
//! assert_eq!(missed.misses[0].reason, "core found, but X is a sulfo group ([*]S(=O)(=O)O), which the claim does not allow");
//! ```

mod compile;
mod eval;
pub mod metals;
mod screen;

use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::groups::{GroupError, GroupLibrary};
use crate::markush::ast::{Cmp, Cond, Library, Linear};
use crate::markush::TemplateError;
use crate::mol::Mol;

/// A template library compiled for classification.
#[derive(Debug, Clone)]
pub struct Classifier {
    library: Library,
    groups: GroupLibrary,
    /// The groups a hydrogen atom belongs to.
    hydrogen: Vec<String>,
    formulas: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    cores: Vec<compile::CoreForm>,
    /// Compiled SMARTS alternatives of each variable, by (variable, alternative).
    fragments: IndexMap<(String, usize), compile::Pattern>,
    needs: screen::Needs,
    /// Labels a chain continues (`L` of `{L}{Y}`): the linkers between the
    /// core and the group at the chain's end. Readings with shorter
    /// linkers win (see `eval`).
    linkers: std::collections::HashSet<String>,
    /// Whether the cheap label screens run before the core search: only
    /// when some core is small (see [`SELECTIVE_CORE`]).
    screen_first: bool,
}

/// Cores of at least this many atoms are searched before any label
/// screen. Such a search fails fast on a molecule without the core (its
/// rarest atoms are tried first), faster than finding where the label
/// groups could start; a smaller core, such as the lone X of
/// acid-complex (I), fits almost any molecule, so its labels are screened
/// first. Measured on MOSES: 16% fewer instructions, 5% on the dye set.
const SELECTIVE_CORE: usize = 5;

/// Why templates cannot be used for classification.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Template(Vec<TemplateError>),
    #[error(transparent)]
    Groups(#[from] GroupError),
    #[error("formula {formula}: {problem}")]
    Formula { formula: String, problem: String },
    #[error("{0}")]
    Io(String),
}

/// Everything the engine found for one molecule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub matches: Vec<FormulaMatch>,
    /// For [`Classifier::explain`]: the nearest miss of each formula that
    /// did not match, in library order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
    /// Formulas not matched because a search ran past its step budget
    /// before it could decide: for these, no match is no verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub over_budget: Vec<String>,
}

/// A formula the molecule falls under, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormulaMatch {
    pub formula: String,
    pub patent: String,
    /// The formula's claims that hold (a claim that narrows a metal drops
    /// out when the metal is not one it names).
    pub claims: Vec<u32>,
    /// Indices, in the molecule as given, of the atoms the core matched.
    pub core_atoms: Vec<usize>,
    /// The alternative each variable atom took: `"B1": "=N-"`; a central
    /// atom or complexed metal gives its element symbol.
    pub variables: IndexMap<String, String>,
    /// The substituent at each label. A label filled more than once
    /// (counted positions) appears as `X1`, `X1#2`, ...
    pub assignments: IndexMap<String, Assignment>,
    /// Count variables (`a1`, `b1`, ..., and `sum` of the first term of
    /// each count) where the formula has `count` lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<IndexMap<String, i64>>,
    /// Normalisations used, other components ignored.
    pub notes: Vec<String>,
}

/// One label's substituent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Groups of the label's choices the substituent belongs to, most
    /// specific first, then the other groups it belongs to; `["hydrogen",
    /// ...]` for a hydrogen atom.
    pub groups: Vec<String>,
    /// The substituent with its attachment point as `[*]`; `[H]` for hydrogen.
    pub smiles: String,
    /// Indices, in the molecule as given, of the substituent's atoms.
    pub atoms: Vec<usize>,
    /// The other label, when one substituent fills both (a ring closure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_with: Option<String>,
}

/// The nearest miss of a formula, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Miss {
    pub formula: String,
    pub reason: String,
}

impl Classifier {
    /// Compiles every formula's concrete cores and fragments.
    pub fn new(library: Library) -> Result<Classifier, EngineError> {
        let groups = GroupLibrary::new(library.groups.clone())?;
        let hydrogen: Vec<String> = groups
            .hydrogen_groups()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut formulas = Vec::with_capacity(library.formulas.len());
        for f in &library.formulas {
            let problem = |problem: String| EngineError::Formula {
                formula: f.id.clone(),
                problem,
            };
            let cores = compile::cores(f).map_err(problem)?;
            let mut fragments = IndexMap::new();
            for v in &f.variables {
                for (i, alt) in v.alternatives.iter().enumerate() {
                    if let crate::markush::ast::FragmentKind::Smarts { smarts, sites } = &alt.kind {
                        let p = compile::fragment(smarts, sites).map_err(problem)?;
                        fragments.insert((v.name.clone(), i), p);
                    }
                }
            }
            let needs = screen::needs(f, &cores, &groups, &hydrogen);
            let linkers = cores
                .iter()
                .flat_map(|c| c.pattern.labels.iter().flatten())
                .filter(|site| !site.chain.is_empty())
                .map(|site| site.label.clone())
                .collect();
            let screen_first = cores
                .iter()
                .any(|c| c.pattern.query.atom_count() < SELECTIVE_CORE);
            formulas.push(Compiled {
                cores,
                fragments,
                needs,
                linkers,
                screen_first,
            });
        }
        Ok(Classifier {
            library,
            groups,
            hydrogen,
            formulas,
        })
    }

    /// Reads every `*.markush` file of `dir` as one library and compiles it.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Classifier, EngineError> {
        let dir = dir.as_ref();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| EngineError::Io(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "markush"))
            .collect();
        paths.sort();
        let library = Library::load_files(&paths).map_err(EngineError::Template)?;
        Classifier::new(library)
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    pub fn groups(&self) -> &GroupLibrary {
        &self.groups
    }

    /// Every formula `mol` falls under, in library order.
    pub fn classify(&self, mol: &Mol) -> Classification {
        let mut c = eval::run(self, mol, true);
        c.misses.clear();
        c
    }

    /// [`Classifier::classify`] plus the nearest miss of every other formula.
    pub fn explain(&self, mol: &Mol) -> Classification {
        eval::run(self, mol, false)
    }
}

/// The value of a condition under `counts` and the variable choices.
pub(crate) fn holds(
    cond: &Cond,
    counts: &IndexMap<String, i64>,
    variables: &IndexMap<String, String>,
) -> bool {
    let value = |v: &str| counts.get(v).copied().unwrap_or(0);
    match cond {
        Cond::Compare { lhs, op, rhs } => op.holds(lhs.eval(value), rhs.eval(value)),
        Cond::Is {
            label,
            alternatives,
        } => variables
            .get(label)
            .is_some_and(|t| alternatives.iter().any(|a| a == t)),
        Cond::Not(c) => !holds(c, counts, variables),
        Cond::And(cs) => cs.iter().all(|c| holds(c, counts, variables)),
        Cond::Or(cs) => cs.iter().any(|c| holds(c, counts, variables)),
        Cond::Implies(a, b) => !holds(a, counts, variables) || holds(b, counts, variables),
    }
}

pub(crate) fn cmp_symbol(op: Cmp) -> &'static str {
    match op {
        Cmp::Eq => "=",
        Cmp::Ne => "!=",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
    }
}

fn linear_text(l: &Linear) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (c, v) in &l.terms {
        let term = match c {
            1 => v.clone(),
            -1 => format!("-{v}"),
            c => format!("{c}*{v}"),
        };
        parts.push(term);
    }
    if l.constant != 0 || parts.is_empty() {
        parts.push(l.constant.to_string());
    }
    parts.join(" + ").replace("+ -", "- ")
}

/// A condition written back as template text.
pub(crate) fn cond_text(cond: &Cond) -> String {
    match cond {
        Cond::Compare { lhs, op, rhs } => {
            format!(
                "{} {} {}",
                linear_text(lhs),
                cmp_symbol(*op),
                linear_text(rhs)
            )
        }
        Cond::Is {
            label,
            alternatives,
        } => {
            let alts: Vec<String> = alternatives.iter().map(|a| format!("\"{a}\"")).collect();
            format!("{label} is {}", alts.join(" | "))
        }
        Cond::Not(c) => format!("not ({})", cond_text(c)),
        Cond::And(cs) => cs.iter().map(cond_text).collect::<Vec<_>>().join(" and "),
        Cond::Or(cs) => format!(
            "({})",
            cs.iter().map(cond_text).collect::<Vec<_>>().join(" or ")
        ),
        Cond::Implies(a, b) => format!("when {} then {}", cond_text(a), cond_text(b)),
    }
}

/// Why a condition fails, with the values it saw: "a1 + a2 + a3 + a4 >= 2
/// does not hold (a1 + a2 + a3 + a4 is 1)".
pub(crate) fn why_not(
    cond: &Cond,
    counts: &IndexMap<String, i64>,
    variables: &IndexMap<String, String>,
) -> String {
    let value = |v: &str| counts.get(v).copied().unwrap_or(0);
    match cond {
        Cond::Compare { lhs, rhs, .. } => {
            let side = |l: &Linear| {
                if l.terms.is_empty() {
                    None
                } else {
                    Some(format!("{} is {}", linear_text(l), l.eval(value)))
                }
            };
            let seen: Vec<String> = [side(lhs), side(rhs)].into_iter().flatten().collect();
            format!("{} does not hold ({})", cond_text(cond), seen.join(", "))
        }
        Cond::And(cs) => cs
            .iter()
            .find(|c| !holds(c, counts, variables))
            .map_or_else(|| cond_text(cond), |c| why_not(c, counts, variables)),
        Cond::Implies(a, b) => format!(
            "{} holds, but {}",
            cond_text(a),
            why_not(b, counts, variables)
        ),
        Cond::Not(c) => {
            let chosen: Vec<String> = variables
                .iter()
                .map(|(k, v)| format!("{k} is \"{v}\""))
                .collect();
            format!(
                "the claim excludes {} ({})",
                cond_text(c),
                chosen.join(", ")
            )
        }
        _ => format!("{} does not hold", cond_text(cond)),
    }
}
