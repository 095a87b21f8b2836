//! Substructure search: a query graph of atom and bond predicates ([`Query`])
//! against a molecule ([`Target`]), by subgraph monomorphism.
//!
//! Every query atom maps to a distinct target atom and every query bond onto
//! the target bond between the images of its atoms; the target may have
//! extra bonds. The search is VF2-like: query atoms are visited in a fixed
//! order (the rarest first, then always an atom bonded to one already
//! placed), candidates come from the neighbours of an already placed atom's
//! image, and every candidate pair tried counts against a step budget, so
//! no query and molecule can make it run away.
//!
//! ```
//! use markush::matcher::{self, MolQuery, Target};
//! let mol = markush::smiles::parse("OC(=O)CC(O)(CC(=O)O)C(=O)O").unwrap();
//! let acid = MolQuery::new(&markush::smiles::parse("C(=O)O").unwrap());
//! let target = Target::new(&mol);
//! assert_eq!(matcher::count_unique(&acid, &target, 1_000_000), Ok(3));
//! ```

mod mol_query;
mod search;
mod target;

pub use mol_query::MolQuery;
pub use search::Matches;
use search::Root;
pub(crate) use search::{rooted_has_match, RootedPlan};
pub use target::Target;

/// A pattern graph whose atoms and bonds are predicates.
pub trait Query {
    fn atom_count(&self) -> usize;
    /// (neighbour query atom, query bond index) pairs.
    fn neighbors(&self, q: usize) -> &[(u32, u32)];
    /// Whether target atom `t` satisfies query atom `q`. The search only
    /// asks for atoms whose element is in [`Query::atom_elements`] of `q`,
    /// so an implementation need not test the element again.
    fn atom_matches(&self, target: &Target, q: usize, t: usize) -> bool;
    fn bond_matches(&self, target: &Target, q_bond: usize, t_bond: usize) -> bool;
    /// Final check on a complete mapping (query atom i -> mapping[i]); chirality and
    /// component-level grouping live here. Default: accept.
    fn accept(&self, _target: &Target, _mapping: &[u32]) -> bool {
        true
    }
    /// Optional: query atoms with equal keys test the same atom predicate,
    /// so a search evaluates it once per target atom for all of them
    /// (benzene's six atoms cost one pass). Default: no key.
    fn atom_key(&self, _q: usize) -> Option<u64> {
        None
    }
    /// Optional: the elements query atom `q` can match, bit `z` for atomic
    /// number `z` ([`element_bit`]); a search gives up at once when the
    /// target lacks them, and tests a target atom's element against it
    /// before [`Query::atom_matches`]. Default: every element.
    fn atom_elements(&self, _q: usize) -> u128 {
        ANY_ELEMENT
    }
    /// Optional: `Some(aromatic)` when query atom `q` matches exactly the
    /// atoms of its elements ([`Query::atom_elements`]) that are aromatic
    /// (or not) as told, as `c` or `N` do; a search then finds them with no
    /// call per atom. Default: `None`, ask [`Query::atom_matches`].
    fn atom_plain(&self, _q: usize) -> Option<bool> {
        None
    }
    /// Optional: every row of [`Query::neighbors`] at once, as `(offsets,
    /// rows)` with atom `q`'s row `rows[offsets[q]..offsets[q + 1]]` and
    /// `offsets[0] == 0`. A search keeps the plan it built for the last
    /// query's bonds, and with these tells whether it fits the next in two
    /// comparisons rather than one per atom. Default: `None`.
    fn shape(&self) -> Option<Shape<'_>> {
        None
    }
    /// Optional: every atom's [`Query::atom_key`] and whether its
    /// [`Query::atom_elements`] hold carbon, as `key << 1 | carbon`, all
    /// at once. A search keeps the order it fills domain rows in for the
    /// last query's keys, and with these tells whether it fits the next
    /// in one comparison rather than two calls per atom. Default: `None`.
    fn fill_keys(&self) -> Option<&[u64]> {
        None
    }
    /// Optional: element masks such that a target with no element of one of
    /// them has no match, and one with some element of each lacks none of
    /// any atom's [`Query::atom_elements`]: those masks with repeats and
    /// supersets of others left out. A search that gives up on a missing
    /// element then tests each once (benzene's six atoms one), not once
    /// per atom. Default: `None`, test every atom.
    fn required_elements(&self) -> Option<&[u128]> {
        None
    }
    /// Optional: a number that no query with other bonds or other
    /// [`Query::fill_keys`] ever gives. A search keeps the plan and row
    /// order it made for the last query, and skips comparing them with the
    /// next when its number is the same. Default: `None`, compare.
    fn identity(&self) -> Option<u64> {
        None
    }
}

/// [`Query::required_elements`] for atoms with these element masks, in the
/// order first met.
pub(crate) fn required_elements(masks: impl IntoIterator<Item = u128>) -> Vec<u128> {
    let mut required: Vec<u128> = Vec::new();
    for mask in masks {
        // A superset of a mask kept is met whenever that one is.
        if required.iter().all(|&kept| kept & !mask != 0) {
            required.retain(|&kept| mask & !kept != 0);
            required.push(mask);
        }
    }
    required
}

/// Every row of a query's neighbours at once ([`Query::shape`]): `(offsets,
/// rows)`.
pub type Shape<'a> = (&'a [u32], &'a [(u32, u32)]);

/// Every element, as an element mask ([`Query::atom_elements`]).
pub const ANY_ELEMENT: u128 = u128::MAX;

/// The mask bit of atomic number `z`; numbers past the mask share the top
/// bit, so a mask built from these stays a superset.
pub fn element_bit(z: u8) -> u128 {
    1 << z.min(127)
}

/// Whether an element mask holds carbon.
pub(crate) fn may_be_carbon(elements: u128) -> bool {
    elements & element_bit(6) != 0
}

/// One atom's entry of [`Query::fill_keys`]: its [`Query::atom_key`] and
/// whether its [`Query::atom_elements`] hold carbon, the two things a
/// search's row fill order is worked out from.
pub(crate) fn fill_key(key: u32, elements: u128) -> u64 {
    u64::from(key) << 1 | u64::from(may_be_carbon(elements))
}

/// How [`find`] reports matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchOptions {
    /// Report each set of target atoms once (RDKit uniquify=True). Default true.
    pub unique: bool,
    /// Stop after this many matches. Default: no limit.
    pub max_matches: Option<usize>,
    /// Search steps (candidate pairs tried) before giving up. Default: 1_000_000.
    pub budget: u64,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            unique: true,
            max_matches: None,
            budget: DEFAULT_BUDGET,
        }
    }
}

/// The default step budget: a few milliseconds of search.
pub const DEFAULT_BUDGET: u64 = 1_000_000;

/// The search tried more candidate pairs than its budget allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("search budget exceeded")]
pub struct BudgetExceeded;

/// Lazy iterator over matches; each item is the mapping (query atom -> target atom)
/// or BudgetExceeded (after which it ends). Dropping it stops the search.
pub fn find<'a, Q: Query + ?Sized>(
    query: &'a Q,
    target: &'a Target<'a>,
    options: MatchOptions,
) -> Matches<'a, Q> {
    Matches::new(query, target, options, Root::Free, &[])
}

/// Like [`find`], with query atom `q` fixed on target atom `t`: the search
/// recursive SMARTS (`$(...)`) needs, and far cheaper than a free search
/// because only the surroundings of `t` are explored.
pub fn find_at<'a, Q: Query + ?Sized>(
    query: &'a Q,
    target: &'a Target<'a>,
    q: usize,
    t: usize,
    options: MatchOptions,
) -> Matches<'a, Q> {
    Matches::new(query, target, options, Root::At(q, t), &[])
}

/// Every target atom that query atom `q` maps to in some match, in
/// increasing order, leaving out the atoms marked in `skip`. Each image
/// costs one match, not all of them: after a match the search moves
/// straight on to the next candidate for `q`, so a symmetric pattern does
/// not enumerate its automorphisms.
///
/// ```
/// use markush::matcher::{self, MolQuery, Target};
/// let mol = markush::smiles::parse("OC(=O)c1ccccc1C(=O)O").unwrap();
/// let acid = MolQuery::new(&markush::smiles::parse("C(=O)O").unwrap());
/// let target = Target::new(&mol);
/// assert_eq!(matcher::images_of(&acid, &target, 0, &[], 1_000_000), Ok(vec![1, 9]));
/// ```
pub fn images_of<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    q: usize,
    skip: &[bool],
    budget: u64,
) -> Result<Vec<u32>, BudgetExceeded> {
    let options = MatchOptions {
        unique: false,
        max_matches: None,
        budget,
    };
    let mut matches = Matches::new(query, target, options, Root::Images(q), skip);
    let mut images = Vec::new();
    while let Some(m) = matches.advance() {
        images.push(m?[q]);
    }
    Ok(images)
}

/// Whether the query occurs in the target at all.
pub fn has_match<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    budget: u64,
) -> Result<bool, BudgetExceeded> {
    first_of(find(query, target, first_only(budget)))
}

/// Whether the query occurs with query atom `q` on target atom `t`.
pub fn has_match_at<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    q: usize,
    t: usize,
    budget: u64,
) -> Result<bool, BudgetExceeded> {
    first_of(find_at(query, target, q, t, first_only(budget)))
}

/// [`has_match_at`] with `budget`, and the steps the search took, for a
/// caller that shares a budget among searches (recursive SMARTS). The match
/// is not copied out, as [`Iterator::next`] would.
pub(crate) fn has_match_at_spending<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    q: usize,
    t: usize,
    budget: u64,
) -> (Result<bool, BudgetExceeded>, u64) {
    let mut matches = find_at(query, target, q, t, first_only(budget));
    let found = match matches.advance() {
        Some(Ok(_)) => Ok(true),
        Some(Err(e)) => Err(e),
        None => Ok(false),
    };
    (found, matches.steps())
}

/// Number of matches that differ in their set of target atoms.
pub fn count_unique<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    budget: u64,
) -> Result<usize, BudgetExceeded> {
    let options = MatchOptions {
        budget,
        ..MatchOptions::default()
    };
    let mut matches = find(query, target, options);
    let mut count = 0;
    while let Some(m) = matches.advance() {
        m?;
        count += 1;
    }
    Ok(count)
}

fn first_only(budget: u64) -> MatchOptions {
    MatchOptions {
        unique: false,
        max_matches: Some(1),
        budget,
    }
}

fn first_of<Q: Query + ?Sized>(mut matches: Matches<'_, Q>) -> Result<bool, BudgetExceeded> {
    match matches.advance() {
        Some(Ok(_)) => Ok(true),
        Some(Err(e)) => Err(e),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_elements_drop_repeats_and_supersets() {
        let (c, n, o) = (element_bit(6), element_bit(7), element_bit(8));
        // A superset before its subset is dropped when the subset comes.
        let masks = [c | n, c, ANY_ELEMENT, c, o, n | o];
        assert_eq!(required_elements(masks), vec![c, o]);
        assert_eq!(required_elements([ANY_ELEMENT]), vec![ANY_ELEMENT]);
    }
}
