//! SMARTS queries: Daylight SMARTS as RDKit reads it, with RDKit's range
//! extension (`[D{2-3}]`), `z`/`Z` heteroatom-neighbour counts and dative
//! bonds.
//!
//! Matching follows RDKit's semantics on our RDKit-model molecules: `H` is
//! the total hydrogen count, `D` the explicit degree, the default bond is
//! "single or aromatic", and matches are unique by atom set as with
//! RDKit's `GetSubstructMatches(uniquify=True)`. Chirality is read but not
//! used in matching, as RDKit does by default.
//!
//! ```
//! use markush::smarts::Smarts;
//! let acid = Smarts::parse("[CX3](=O)[OX2H1]").unwrap();
//! assert_eq!(acid.atom_count(), 3);
//! let citric = markush::smiles::parse("OC(=O)CC(O)(CC(=O)O)C(=O)O").unwrap();
//! assert_eq!(acid.count_unique(&citric), Ok(3));
//! let ester = Smarts::parse("[#6][CX3](=O)[OX2H0][#6]").unwrap();
//! assert_eq!(ester.has_match(&citric), Ok(false));
//! assert!(Smarts::parse("[C;H2").is_err());
//! ```

mod error;
pub mod expr;
mod parse;
mod query;

pub use error::SmartsError;
pub use expr::{AtomPrimitive, BondPrimitive, Expr, Literal, Range};
pub use parse::MAX_RECURSION;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::matcher::{
    self, BudgetExceeded, MatchOptions, RootedPlan, Target, ANY_ELEMENT, DEFAULT_BUDGET,
};
use crate::mol::{Chirality, Mol};
pub use query::{bond_allows, bond_satisfies};
use query::{Bound, Budget};

/// One query atom: its predicate, the atom map (`:n`, 0 when absent) and
/// the chirality written on it (read, not used in matching).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryAtom {
    pub expr: Expr<AtomPrimitive>,
    pub map: u32,
    pub chirality: Chirality,
}

/// One query bond between two query atoms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryBond {
    pub atoms: [u32; 2],
    pub expr: Expr<BondPrimitive>,
}

/// A parsed SMARTS pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Smarts {
    atoms: Vec<QueryAtom>,
    bonds: Vec<QueryBond>,
    /// Neighbours of atom `i` are `adjacency[offsets[i]..offsets[i + 1]]`.
    offsets: Box<[u32]>,
    adjacency: Box<[(u32, u32)]>,
    /// The `$(...)` subpatterns that [`AtomPrimitive::Recursive`] points to.
    recursive: Box<[Smarts]>,
    /// Atom `i` -> what a search needs to know of its expression.
    facts: Box<[AtomFacts]>,
    /// Bond `e` -> the kinds of bond its expression allows
    /// ([`query::bond_mask`]): tested with one shift, without the
    /// expression walk, unless the expression asks about rings.
    bond_masks: Box<[u16]>,
    /// [`crate::matcher::Query::fill_keys`] of the atoms.
    fill_keys: Box<[u64]>,
    /// The plan of a search rooted at atom 0, as a `$(...)` is searched:
    /// made with the pattern, not per search. `None` for a pattern too
    /// large for that search, which then takes the general one. Boxed,
    /// as `recursive` is, so that the pattern grows no larger for it: it
    /// is held by value in enums that lint their variants' sizes.
    rooted: Option<Box<RootedPlan>>,
    /// [`crate::matcher::Query::required_elements`] of the atoms.
    required_elements: Box<[u128]>,
    identity: Identity,
}

/// A number each pattern is given when built, its
/// [`crate::matcher::Query::identity`]: no part of a pattern changes once
/// built, so a clone may keep it. Patterns equal but for it are equal.
#[derive(Clone, Copy, Debug)]
struct Identity(u64);

impl Identity {
    fn next() -> Identity {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Identity(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl PartialEq for Identity {
    fn eq(&self, _: &Identity) -> bool {
        true
    }
}

impl Eq for Identity {}

/// Facts of one query atom's expression, worked out once per pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AtomFacts {
    /// [`Expr::elements`] of the expression.
    elements: u128,
    /// The first atom with the same expression, so that a search tests
    /// each distinct predicate once per target atom.
    key: u32,
    /// `Some(aromatic)` when the whole expression is one organic element
    /// symbol (`C`, `c`, `N`): the element mask has then decided all but
    /// the aromaticity.
    plain: Option<bool>,
    /// [`Expr::as_conjunction`] of the expression: tested in one loop
    /// rather than through the three levels of [`Expr`].
    conjunction: Option<Box<[Literal<AtomPrimitive>]>>,
}

impl Smarts {
    /// Reads a SMARTS pattern.
    pub fn parse(smarts: &str) -> Result<Smarts, SmartsError> {
        parse::parse(smarts)
    }

    fn build(atoms: Vec<QueryAtom>, bonds: Vec<QueryBond>, recursive: Vec<Smarts>) -> Smarts {
        let mut counts = vec![0u32; atoms.len() + 1];
        for b in &bonds {
            counts[b.atoms[0] as usize + 1] += 1;
            counts[b.atoms[1] as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let offsets = counts.clone();
        let mut adjacency = vec![(0, 0); 2 * bonds.len()];
        for (e, b) in bonds.iter().enumerate() {
            let [x, y] = b.atoms;
            adjacency[counts[x as usize] as usize] = (y, e as u32);
            counts[x as usize] += 1;
            adjacency[counts[y as usize] as usize] = (x, e as u32);
            counts[y as usize] += 1;
        }
        let root_elements = |i: u32| {
            recursive
                .get(i as usize)
                .and_then(|sub: &Smarts| sub.facts.first().map(|f| f.elements))
                .unwrap_or(ANY_ELEMENT)
        };
        let mut first = HashMap::with_capacity(atoms.len());
        let facts: Box<[AtomFacts]> = atoms
            .iter()
            .enumerate()
            .map(|(i, a)| AtomFacts {
                elements: a.expr.elements(root_elements),
                key: *first.entry(&a.expr).or_insert(i as u32),
                plain: match a.expr.as_single() {
                    Some(AtomPrimitive::Element { aromatic, .. }) => Some(*aromatic),
                    _ => None,
                },
                conjunction: a.expr.as_conjunction().map(Vec::into_boxed_slice),
            })
            .collect();
        let bond_masks = bonds.iter().map(|b| query::bond_mask(&b.expr)).collect();
        let fill_keys = facts
            .iter()
            .map(|f| matcher::fill_key(f.key, f.elements))
            .collect();
        let required_elements = matcher::required_elements(facts.iter().map(|f| f.elements)).into();
        let mut smarts = Smarts {
            atoms,
            bonds,
            offsets: offsets.into(),
            adjacency: adjacency.into(),
            recursive: recursive.into(),
            facts,
            bond_masks,
            fill_keys,
            rooted: None,
            required_elements,
            identity: Identity::next(),
        };
        let rooted = RootedPlan::new(&Bound::new(&smarts, 0, &Budget::new(0)), 0);
        smarts.rooted = rooted.map(Box::new);
        smarts
    }

    /// A pattern assembled from parts, as the Markush engine builds concrete
    /// cores out of a template's core and its fragments. `recursive` holds
    /// the subpatterns that [`AtomPrimitive::Recursive`] indices point into;
    /// `None` when a bond names a missing atom or a recursive index is out
    /// of range.
    pub fn from_parts(
        atoms: Vec<QueryAtom>,
        bonds: Vec<QueryBond>,
        recursive: Vec<Smarts>,
    ) -> Option<Smarts> {
        let atom_ok = bonds.iter().all(|b| {
            b.atoms.iter().all(|&a| (a as usize) < atoms.len()) && b.atoms[0] != b.atoms[1]
        });
        let recursive_ok = atoms.iter().all(|a| {
            a.expr.primitives().all(|p| match p {
                AtomPrimitive::Recursive(i) => (*i as usize) < recursive.len(),
                _ => true,
            })
        });
        (atom_ok && recursive_ok).then(|| Smarts::build(atoms, bonds, recursive))
    }

    /// Number of `$(...)` subpatterns ([`Smarts::recursive`]).
    pub fn recursive_count(&self) -> usize {
        self.recursive.len()
    }

    pub fn atom_count(&self) -> usize {
        self.atoms.len()
    }

    pub fn bond_count(&self) -> usize {
        self.bonds.len()
    }

    pub fn atom(&self, i: usize) -> &QueryAtom {
        &self.atoms[i]
    }

    /// The elements query atom `i` can match, as [`Expr::elements`] gives them.
    pub fn atom_elements(&self, i: usize) -> u128 {
        self.facts[i].elements
    }

    pub fn bond(&self, e: usize) -> &QueryBond {
        &self.bonds[e]
    }

    /// `(neighbour, bond)` pairs of query atom `i`.
    pub fn neighbors(&self, i: usize) -> &[(u32, u32)] {
        &self.adjacency[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The subpattern of `$(...)` number `i` (see [`AtomPrimitive::Recursive`]).
    pub fn recursive(&self, i: usize) -> &Smarts {
        &self.recursive[i]
    }

    /// Matches in `target`, each the target atom of every query atom, in
    /// the order and with the limits `options` sets. Recursive `$(...)`
    /// searches draw on a budget of their own of `options.budget` steps.
    pub fn matches(
        &self,
        target: &Target,
        options: MatchOptions,
    ) -> Result<Vec<Vec<u32>>, BudgetExceeded> {
        self.collect_matches(target, None, options)
    }

    /// Marks in `out` every target atom that query atom 0 maps to in some
    /// match ([`matcher::images_of`]); atoms already marked are not searched
    /// again, so the alternatives of a group can share one `out`. A screen
    /// wants a superset, so past `budget` every atom is marked.
    pub fn mark_first_atoms(&self, target: &Target, budget: u64, out: &mut [bool]) {
        if self.lacks_elements_of(target) {
            return;
        }
        let shared = Budget::new(budget);
        let bound = Bound::new(self, target.atom_count(), &shared);
        match matcher::images_of(&bound, target, 0, out, budget) {
            Ok(images) if shared.check().is_ok() => {
                for t in images {
                    out[t as usize] = true;
                }
            }
            _ => out.iter_mut().for_each(|o| *o = true),
        }
    }

    /// Whether some atom asks for elements the molecule does not have. The
    /// matcher checks this too, but only once a bound query and a search
    /// exist; the screens run most patterns on molecules that fail here,
    /// so they ask first.
    fn lacks_elements_of(&self, target: &Target) -> bool {
        self.facts
            .iter()
            .any(|f| f.elements & target.elements() == 0)
    }

    /// [`Smarts::matches`] with query atom `q` fixed on target atom `t`:
    /// only the surroundings of `t` are searched.
    pub fn matches_at(
        &self,
        target: &Target,
        q: usize,
        t: usize,
        options: MatchOptions,
    ) -> Result<Vec<Vec<u32>>, BudgetExceeded> {
        self.collect_matches(target, Some((q, t)), options)
    }

    fn collect_matches(
        &self,
        target: &Target,
        anchor: Option<(usize, usize)>,
        options: MatchOptions,
    ) -> Result<Vec<Vec<u32>>, BudgetExceeded> {
        if self.lacks_elements_of(target) {
            return Ok(Vec::new());
        }
        let budget = Budget::new(options.budget);
        let bound = Bound::new(self, target.atom_count(), &budget);
        let found: Result<Vec<_>, _> = match anchor {
            None => matcher::find(&bound, target, options).collect(),
            Some((q, t)) => matcher::find_at(&bound, target, q, t, options).collect(),
        };
        budget.check()?;
        found
    }

    /// Number of matches in `target` unique by atom set (RDKit's
    /// `len(GetSubstructMatches(uniquify=True))`), within `budget` steps.
    pub fn count_unique_in(&self, target: &Target, budget: u64) -> Result<usize, BudgetExceeded> {
        let shared = Budget::new(budget);
        let bound = Bound::new(self, target.atom_count(), &shared);
        let n = matcher::count_unique(&bound, target, budget);
        shared.check()?;
        n
    }

    /// Whether the pattern occurs in `target`, within `budget` steps.
    pub fn has_match_in(&self, target: &Target, budget: u64) -> Result<bool, BudgetExceeded> {
        let shared = Budget::new(budget);
        let bound = Bound::new(self, target.atom_count(), &shared);
        let found = matcher::has_match(&bound, target, budget);
        shared.check()?;
        found
    }

    /// [`Smarts::count_unique_in`] on a molecule, with the default budget.
    pub fn count_unique(&self, mol: &Mol) -> Result<usize, BudgetExceeded> {
        self.count_unique_in(&Target::new(mol), DEFAULT_BUDGET)
    }

    /// [`Smarts::has_match_in`] on a molecule, with the default budget.
    pub fn has_match(&self, mol: &Mol) -> Result<bool, BudgetExceeded> {
        self.has_match_in(&Target::new(mol), DEFAULT_BUDGET)
    }

    /// RDKit's `mergeHs`: query hydrogens (`[#1]`, `[H]`) bonded to exactly
    /// one other atom become hydrogen-count conditions on it; the k-th
    /// merged hydrogen adds `;!H{k-1}`, so two merged hydrogens ask for at
    /// least two. Recursive subpatterns are merged too. Patterns written
    /// with explicit hydrogens (the PAINS set) are meant to be read so.
    pub fn merge_query_hs(&self) -> Smarts {
        let is_h = |i: usize| {
            matches!(
                self.atoms[i].expr.as_single(),
                Some(AtomPrimitive::AtomicNumber(1))
            )
        };
        let mergeable =
            |i: usize| is_h(i) && matches!(self.neighbors(i), [(n, _)] if !is_h(*n as usize));
        let mut atoms = Vec::with_capacity(self.atoms.len());
        let mut new_index = vec![u32::MAX; self.atoms.len()];
        for (i, atom) in self.atoms.iter().enumerate() {
            if !mergeable(i) {
                new_index[i] = atoms.len() as u32;
                atoms.push(atom.clone());
            }
        }
        let mut merged = vec![0u32; atoms.len()];
        for i in (0..self.atoms.len()).filter(|&i| mergeable(i)) {
            let heavy = new_index[self.neighbors(i)[0].0 as usize] as usize;
            atoms[heavy].expr.and(Literal {
                negated: true,
                primitive: AtomPrimitive::TotalH(Range::exactly(merged[heavy])),
            });
            merged[heavy] += 1;
        }
        let bonds = self
            .bonds
            .iter()
            .filter(|b| b.atoms.iter().all(|&a| new_index[a as usize] != u32::MAX))
            .map(|b| QueryBond {
                atoms: b.atoms.map(|a| new_index[a as usize]),
                expr: b.expr.clone(),
            })
            .collect();
        let recursive = self.recursive.iter().map(Smarts::merge_query_hs).collect();
        Smarts::build(atoms, bonds, recursive)
    }
}
