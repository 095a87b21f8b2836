//! The substituent vocabulary: named groups (alkyl, alkoxy, sulfo, ...) as
//! `grammars/groups.markush` defines them, and a classifier that tells which
//! of them a substituent of a molecule belongs to.
//!
//! A substituent is given by its attachment atom (the atom bonded to the
//! core) and its atom set (everything on the far side of the cut bond,
//! attachment included). A group's pattern alternative matches when
//! - its SMARTS matches with atom 0 on the attachment atom and every
//!   pattern atom inside the substituent (atoms outside it, such as the
//!   core, still count for degrees and hydrogen counts);
//! - every slot atom lands on a neighbour whose sub-substituent (the part of
//!   the substituent connected to it once the non-slot pattern atoms are
//!   removed) belongs to one of the slot's groups, recursively;
//! - for `exact` patterns, the pattern atoms and slot sub-substituents cover
//!   the whole substituent apart from hydrogen atoms; otherwise other atoms
//!   may hang anywhere ("which may be substituted");
//! - its ring requirement holds on the attachment atom ([`ring::meets`]).
//!
//! **Most specific first.** A match *explains* a number of substituent
//! atoms: its non-slot pattern atoms plus what each slot's group explains
//! in its sub-substituent. A group reached through a bare group name
//! (`aliphatic = alkyl | ...`) explains what the named group explains, one
//! reference hop further away. [`GroupLibrary::classify`] sorts the groups
//! a substituent belongs to by explained atoms (more first), then hops
//! (fewer first), then library order. So `[*]C(=O)OCC` is `alkoxycarbonyl`
//! (four atoms explained) before `carbonyl` (two), and `[*]Nc1ccccc1` is
//! `arylamino` before `amino`, which only names it.
//!
//! **Hydrogen.** A label with no substituent atoms is a hydrogen atom: it
//! belongs to the groups [`GroupLibrary::hydrogen_groups`] lists (the group
//! named `hydrogen` and every group that names it). An explicit `[H]` atom
//! as substituent is classified like any other substituent.
//!
//! ```
//! // The template parser lives in `markush`, one layer up.
//! let library = markush::markush::builtin_groups();
//! assert_eq!(library.classify_smiles("[*]OC").unwrap()[0], "alkoxy");
//! let amide = library.classify_smiles("[*]NC(C)=O").unwrap();
//! assert!(amide.contains(&"amide") && !amide.contains(&"amino"));
//! assert_eq!(library.classify_smiles("[*]S(=O)(=O)[O-].[Na+]").unwrap()[0], "sulfo");
//! assert!(library.hydrogen_groups().contains(&"hydrogen"));
//! ```

mod classify;
pub mod def;
pub mod ring;

use std::collections::HashMap;

use crate::matcher::{BudgetExceeded, DEFAULT_BUDGET};
use crate::mol::Mol;
use crate::smarts::{Smarts, SmartsError};
use crate::smiles::{self, SmilesError};
pub use classify::Session;
use def::{Alternative, GroupDef, RingRequirement, Span};

/// A set of named groups, checked and compiled for classification.
#[derive(Debug, Clone)]
pub struct GroupLibrary {
    groups: Vec<Group>,
    by_name: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
struct Group {
    def: GroupDef,
    alternatives: Vec<Compiled>,
}

#[derive(Debug, Clone)]
enum Compiled {
    Group(usize),
    Pattern(CompiledPattern),
}

#[derive(Debug, Clone)]
struct CompiledPattern {
    smarts: Smarts,
    /// Group indices allowed at each query atom; empty for non-slot atoms.
    slots: Vec<Vec<usize>>,
    exact: bool,
    ring: Option<RingRequirement>,
}

/// Why a set of group definitions cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GroupError {
    #[error("{}:{}:{}: group `{name}` is defined twice", .span.file, .span.line, .span.column)]
    Duplicate { name: String, span: Span },
    #[error("{}:{}:{}: group `{group}` refers to unknown group `{missing}`", .span.file, .span.line, .span.column)]
    Unknown {
        group: String,
        missing: String,
        span: Span,
    },
    #[error("{}:{}:{}: group `{group}`: bad SMARTS `{smarts}`: {error}", .span.file, .span.line, .span.column)]
    Smarts {
        group: String,
        smarts: String,
        error: SmartsError,
        span: Span,
    },
    #[error("{}:{}:{}: group `{group}`: slot at atom {atom} of `{smarts}` {problem}", .span.file, .span.line, .span.column)]
    Slot {
        group: String,
        smarts: String,
        atom: usize,
        problem: &'static str,
        span: Span,
    },
    /// The template text does not parse: the parser's positioned messages.
    #[error("{0}")]
    Parse(String),
}

/// Why a substituent written as SMILES cannot be classified.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SubstituentError {
    #[error("bad SMILES: {0}")]
    Smiles(#[from] SmilesError),
    #[error("the substituent needs exactly one `*` atom with exactly one neighbour")]
    Attachment,
    #[error(transparent)]
    Budget(#[from] BudgetExceeded),
}

impl GroupLibrary {
    /// Checks and compiles group definitions: names unique, every name
    /// referred to defined, SMARTS valid, slots on distinct non-attachment
    /// atoms. A cycle of bare group names (which the template checker
    /// reports) makes its groups match nothing rather than loop; recursion
    /// through slots always moves into a smaller sub-substituent, so it ends.
    pub fn new(defs: Vec<GroupDef>) -> Result<GroupLibrary, GroupError> {
        let mut by_name = HashMap::with_capacity(defs.len());
        for (i, def) in defs.iter().enumerate() {
            if by_name.insert(def.name.clone(), i).is_some() {
                return Err(GroupError::Duplicate {
                    name: def.name.clone(),
                    span: def.span.clone(),
                });
            }
        }
        let lookup = |def: &GroupDef, name: &str| {
            by_name
                .get(name)
                .copied()
                .ok_or_else(|| GroupError::Unknown {
                    group: def.name.clone(),
                    missing: name.to_string(),
                    span: def.span.clone(),
                })
        };
        let mut groups = Vec::with_capacity(defs.len());
        for def in &defs {
            let mut alternatives = Vec::with_capacity(def.alternatives.len());
            for alternative in &def.alternatives {
                alternatives.push(match alternative {
                    Alternative::Group(name) => Compiled::Group(lookup(def, name)?),
                    Alternative::Pattern(p) => {
                        let smarts =
                            Smarts::parse(&p.smarts).map_err(|error| GroupError::Smarts {
                                group: def.name.clone(),
                                smarts: p.smarts.clone(),
                                error,
                                span: def.span.clone(),
                            })?;
                        let mut slots = vec![Vec::new(); smarts.atom_count()];
                        for slot in &p.slots {
                            let problem = if slot.atom == 0 {
                                Some("is the attachment atom")
                            } else if slot.atom >= smarts.atom_count() {
                                Some("is past the last atom")
                            } else if !slots[slot.atom].is_empty() || slot.groups.is_empty() {
                                Some("is given twice or names no group")
                            } else {
                                None
                            };
                            if let Some(problem) = problem {
                                return Err(GroupError::Slot {
                                    group: def.name.clone(),
                                    smarts: p.smarts.clone(),
                                    atom: slot.atom,
                                    problem,
                                    span: def.span.clone(),
                                });
                            }
                            slots[slot.atom] = slot
                                .groups
                                .iter()
                                .map(|g| lookup(def, g))
                                .collect::<Result<_, _>>()?;
                        }
                        Compiled::Pattern(CompiledPattern {
                            smarts,
                            slots,
                            exact: p.exact,
                            ring: p.ring.clone(),
                        })
                    }
                });
            }
            groups.push(Group {
                def: def.clone(),
                alternatives,
            });
        }
        Ok(GroupLibrary { groups, by_name })
    }

    /// Group definitions in library order.
    pub fn defs(&self) -> impl Iterator<Item = &GroupDef> + '_ {
        self.groups.iter().map(|g| &g.def)
    }

    /// The definition of the group called `name`.
    pub fn get(&self, name: &str) -> Option<&GroupDef> {
        self.by_name.get(name).map(|&i| &self.groups[i].def)
    }

    /// Groups an absent substituent (a hydrogen atom) belongs to: the group
    /// named `hydrogen` and, transitively, every group that names it as an
    /// alternative. Empty when the library has no `hydrogen` group.
    pub fn hydrogen_groups(&self) -> Vec<&str> {
        let Some(&h) = self.by_name.get("hydrogen") else {
            return Vec::new();
        };
        let mut member = vec![false; self.groups.len()];
        member[h] = true;
        // Bare references form a DAG (checked in `new`), so this settles
        // within as many passes as the longest reference chain.
        let mut changed = true;
        while changed {
            changed = false;
            for (g, group) in self.groups.iter().enumerate() {
                if !member[g]
                    && group
                        .alternatives
                        .iter()
                        .any(|a| matches!(a, Compiled::Group(x) if member[*x]))
                {
                    member[g] = true;
                    changed = true;
                }
            }
        }
        self.names_where(|g| member[g])
    }

    /// Whether `group` is `member` or names it, directly or through other
    /// bare names (`aliphatic = alkyl | ...` names alkyl): then a
    /// substituent of `member` is one of `group` for the same reason.
    pub fn names(&self, group: &str, member: &str) -> bool {
        let (Some(&g), Some(&m)) = (self.by_name.get(group), self.by_name.get(member)) else {
            return false;
        };
        let mut seen = vec![false; self.groups.len()];
        let mut stack = vec![g];
        while let Some(x) = stack.pop() {
            if x == m {
                return true;
            }
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            for a in &self.groups[x].alternatives {
                if let Compiled::Group(y) = a {
                    stack.push(*y);
                }
            }
        }
        false
    }

    /// How many SMARTS patterns `group` stands for, through bare names:
    /// a measure of what searching for it costs.
    pub fn pattern_count(&self, group: &str) -> usize {
        let Some(&g) = self.by_name.get(group) else {
            return 0;
        };
        let mut seen = vec![false; self.groups.len()];
        let mut stack = vec![g];
        let mut count = 0;
        while let Some(x) = stack.pop() {
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            for a in &self.groups[x].alternatives {
                match a {
                    Compiled::Group(y) => stack.push(*y),
                    Compiled::Pattern(_) => count += 1,
                }
            }
        }
        count
    }

    fn names_where(&self, keep: impl Fn(usize) -> bool) -> Vec<&str> {
        (0..self.groups.len())
            .filter(|&g| keep(g))
            .map(|g| self.groups[g].def.name.as_str())
            .collect()
    }

    /// A classification session on one molecule: it caches what it learns
    /// about sub-substituents across calls, so an engine trying many
    /// substituents of one molecule should keep one.
    pub fn session<'m>(&self, mol: &'m Mol) -> Session<'_, 'm> {
        Session::new(self, mol, DEFAULT_BUDGET)
    }

    /// Every group the substituent (`attachment` and the atoms beyond the
    /// cut bond, `attachment` included) belongs to, most specific first.
    pub fn classify(
        &self,
        mol: &Mol,
        attachment: usize,
        atoms: &[usize],
    ) -> Result<Vec<&str>, BudgetExceeded> {
        self.session(mol).classify(attachment, atoms)
    }

    /// Classifies a substituent written as SMILES with one `*` atom that
    /// stands for the core: the attachment atom is the `*`'s neighbour and
    /// the substituent is everything connected to it (counter-ions written
    /// as separate components are not part of it).
    pub fn classify_smiles(&self, smiles: &str) -> Result<Vec<&str>, SubstituentError> {
        let mol = smiles::parse(smiles)?;
        let (attachment, atoms) = substituent_of_dummy(&mol)?;
        Ok(self.classify(&mol, attachment, &atoms)?)
    }
}

/// The attachment atom and atom set of a substituent written with one `*`.
pub fn substituent_of_dummy(mol: &Mol) -> Result<(usize, Vec<usize>), SubstituentError> {
    let mut dummies = (0..mol.atom_count()).filter(|&a| mol.atom(a).element == 0);
    let (Some(dummy), None) = (dummies.next(), dummies.next()) else {
        return Err(SubstituentError::Attachment);
    };
    let mut neighbours = mol.neighbors(dummy).map(|(n, _)| n);
    let (Some(attachment), None) = (neighbours.next(), neighbours.next()) else {
        return Err(SubstituentError::Attachment);
    };
    let mut seen = vec![false; mol.atom_count()];
    seen[dummy] = true;
    seen[attachment] = true;
    let mut stack = vec![attachment];
    let mut atoms = Vec::new();
    while let Some(a) = stack.pop() {
        atoms.push(a);
        for (n, _) in mol.neighbors(a) {
            if !seen[n] {
                seen[n] = true;
                stack.push(n);
            }
        }
    }
    Ok((attachment, atoms))
}
