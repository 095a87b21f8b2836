//! A parsed pattern bound to one molecule: the [`Query`] the matcher runs.

use std::cell::Cell;

use super::expr::{AtomPrimitive, BondPrimitive, Expr};
use super::Smarts;
use crate::matcher::{self, BudgetExceeded, Query, Shape, Target};
use crate::mol::BondOrder;

/// What the recursive subpatterns of a search may still spend, shared by
/// every level of `$(...)` nesting.
pub(super) struct Budget {
    remaining: Cell<u64>,
    exceeded: Cell<bool>,
}

impl Budget {
    pub(super) fn new(steps: u64) -> Self {
        Budget {
            remaining: Cell::new(steps),
            exceeded: Cell::new(false),
        }
    }

    pub(super) fn check(&self) -> Result<(), BudgetExceeded> {
        if self.exceeded.get() {
            Err(BudgetExceeded)
        } else {
            Ok(())
        }
    }
}

/// Whether bond `t_bond` of `target` satisfies `expr`, each primitive with
/// RDKit's meaning.
#[inline]
pub fn bond_satisfies(expr: &Expr<BondPrimitive>, target: &Target, t_bond: usize) -> bool {
    let bond = target.mol().bond(t_bond);
    bond_allows(expr, bond.order, bond.aromatic, || {
        target.is_ring_bond(t_bond)
    })
}

/// Whether a bond of `order` (aromatic or not) satisfies `expr`; `ring`
/// answers `@` when the expression asks. A bond that is not in a molecule
/// yet, such as the single bond of an implicit hydrogen, can be tested so.
#[inline]
pub fn bond_allows(
    expr: &Expr<BondPrimitive>,
    order: BondOrder,
    aromatic: bool,
    ring: impl Fn() -> bool,
) -> bool {
    expr.eval(|&p| primitive_allows(p, order, aromatic, &ring))
}

/// [`bond_mask`] of an expression that asks whether the bond is in a ring:
/// it is walked for each bond. No mask of bond kinds sets its top bits.
pub(super) const ASKS_RING: u16 = u16::MAX;

/// The bit of a bond of `order`, aromatic or not, in a [`bond_mask`].
#[inline]
fn bond_bit(order: BondOrder, aromatic: bool) -> u32 {
    2 * order as u32 + u32::from(aromatic)
}

/// Every kind of bond (order, aromatic or not) that `expr` allows, bit
/// [`bond_bit`] of each; [`ASKS_RING`] when that is not all it asks.
pub(super) fn bond_mask(expr: &Expr<BondPrimitive>) -> u16 {
    if expr.primitives().any(|&p| p == BondPrimitive::Ring) {
        return ASKS_RING;
    }
    let mut mask = 0;
    for order in BondOrder::ALL {
        for aromatic in [false, true] {
            if bond_allows(expr, order, aromatic, || false) {
                mask |= 1 << bond_bit(order, aromatic);
            }
        }
    }
    mask
}

/// [`bond_allows`] for one primitive.
#[inline]
fn primitive_allows(
    p: BondPrimitive,
    order: BondOrder,
    aromatic: bool,
    ring: impl Fn() -> bool,
) -> bool {
    use BondPrimitive as B;
    let plain = |o| order == o && !aromatic;
    match p {
        B::SingleOrAromatic | B::Up | B::Down => aromatic || plain(BondOrder::Single),
        B::Any => true,
        B::Single => plain(BondOrder::Single),
        B::Double => plain(BondOrder::Double),
        B::Triple => plain(BondOrder::Triple),
        B::Quadruple => plain(BondOrder::Quadruple),
        B::Aromatic => aromatic,
        B::Ring => ring(),
        B::Dative => order == BondOrder::Dative,
    }
}

const UNKNOWN: u64 = 0;
const NO: u64 = 1;
const YES: u64 = 2;

/// Words of [`Memo`] kept in place: two subpatterns on 64 atoms.
const MEMO_WORDS: usize = 4;

/// Answers of two bits each, [`UNKNOWN`] until set: in place when they
/// fit, as for nearly every molecule, so that a search with `$(...)`
/// allocates none; else on the heap. A pattern without `$(...)` asks
/// none and has none, which costs its bound query nothing to make or drop.
enum Memo {
    Unused,
    InPlace([Cell<u64>; MEMO_WORDS]),
    Heap(Box<[Cell<u64>]>),
}

impl Memo {
    fn new(entries: usize) -> Memo {
        let words = entries.div_ceil(32);
        if words > MEMO_WORDS {
            Memo::Heap(vec![Cell::new(0); words].into())
        } else {
            Memo::InPlace(Default::default())
        }
    }

    #[inline]
    fn word(&self, entry: usize) -> Option<&Cell<u64>> {
        let w = entry / 32;
        match self {
            Memo::InPlace(words) => words.get(w),
            Memo::Heap(words) => words.get(w),
            Memo::Unused => None,
        }
    }

    #[inline]
    fn get(&self, entry: usize) -> u64 {
        self.word(entry)
            .map_or(UNKNOWN, |word| word.get() >> (entry % 32 * 2) & 3)
    }

    /// Sets an entry that is still [`UNKNOWN`].
    #[inline]
    fn set(&self, entry: usize, answer: u64) {
        if let Some(word) = self.word(entry) {
            word.set(word.get() | answer << (entry % 32 * 2));
        }
    }
}

/// `smarts` for one target. Each `$(...)` is searched at most once per
/// target atom, rooted there (its first atom on that atom), and the answer
/// kept in `memo`; the search itself runs on the subpattern's own bound
/// query, so nested recursion memoizes at every level.
pub(super) struct Bound<'a> {
    smarts: &'a Smarts,
    budget: &'a Budget,
    /// Entry `i * atoms + t`: does recursive subpattern `i` match at
    /// target atom `t`?
    memo: Memo,
    atoms: usize,
    /// The subpatterns bound, kept for their own memos; none when no
    /// subpattern has a `$(...)` of its own: a subpattern's memo is then
    /// empty, and one bound where it is searched allocates nothing. An
    /// `Option`, not an empty vector: dropping that cost a call per search.
    subs: Option<Box<[Bound<'a>]>>,
}

impl<'a> Bound<'a> {
    /// Inline, so that a pattern without `$(...)`, most of them, costs
    /// the search no call: only the memos are made out of line.
    #[inline]
    pub(super) fn new(smarts: &'a Smarts, target_atoms: usize, budget: &'a Budget) -> Self {
        let mut bound = Bound::leaf(smarts, target_atoms, budget);
        if !smarts.recursive.is_empty() {
            bound.bind_subpatterns();
        }
        bound
    }

    /// [`Bound::new`] for a pattern without `$(...)`.
    #[inline]
    fn leaf(smarts: &'a Smarts, target_atoms: usize, budget: &'a Budget) -> Self {
        Bound {
            smarts,
            budget,
            memo: Memo::Unused,
            atoms: target_atoms,
            subs: None,
        }
    }

    /// Makes the memo of every subpattern, and the subpatterns' own bound
    /// queries when they nest.
    #[inline(never)]
    fn bind_subpatterns(&mut self) {
        let (smarts, atoms, budget) = (self.smarts, self.atoms, self.budget);
        self.memo = Memo::new(smarts.recursive.len() * atoms);
        if smarts.recursive.iter().any(|sub| !sub.recursive.is_empty()) {
            self.subs = Some(
                smarts
                    .recursive
                    .iter()
                    .map(|sub| Bound::new(sub, atoms, budget))
                    .collect(),
            );
        }
    }

    fn recursive_matches(&self, target: &Target, i: usize, t: usize) -> bool {
        let entry = i * self.atoms + t;
        let known = self.memo.get(entry);
        if known != UNKNOWN {
            return known == YES;
        }
        if self.budget.exceeded.get() {
            return false;
        }
        let leaf;
        let sub = match self.subs.as_deref().and_then(|subs| subs.get(i)) {
            Some(sub) => sub,
            None => {
                // No subpattern nests: this one is a leaf.
                leaf = Bound::leaf(&self.smarts.recursive[i], self.atoms, self.budget);
                &leaf
            }
        };
        let remaining = self.budget.remaining.get();
        let (found, spent) = match &sub.smarts.rooted {
            Some(plan) => matcher::rooted_has_match(sub, plan, target, t, remaining),
            None => matcher::has_match_at_spending(sub, target, 0, t, remaining),
        };
        let Ok(found) = found else {
            self.budget.exceeded.set(true);
            return false;
        };
        self.budget
            .remaining
            .set(self.budget.remaining.get().saturating_sub(spent));
        self.memo.set(entry, if found { YES } else { NO });
        found
    }

    /// Inlined into the loop over an expression's literals: the call
    /// per literal cost more than the arms it reaches, nearly all cheap.
    #[inline(always)]
    fn primitive(&self, target: &Target, p: &AtomPrimitive, t: usize) -> bool {
        use AtomPrimitive as P;
        let atom = target.mol().atom(t);
        match p {
            P::Any | P::Chirality(_) => true,
            P::Aromatic => atom.aromatic,
            P::Aliphatic => !atom.aromatic,
            P::Element { number, aromatic } => {
                atom.element == *number && atom.aromatic == *aromatic
            }
            P::AtomicNumber(z) => atom.element == *z,
            P::Isotope(i) => atom.isotope == *i,
            P::Charge(c) => atom.charge as i32 == *c,
            P::Degree(r) => r.contains(target.degree(t)),
            P::TotalH(r) => r.contains(target.total_h(t)),
            // RDKit's `h` is getTotalNumHs(false): bracket and implicit
            // hydrogens, not hydrogen atoms of the graph.
            P::ImplicitH(r) => r.contains(atom.total_h() as u32),
            P::RingCount(r) => r.contains(target.ring_count(t)),
            P::RingSize(r) => r.contains(target.min_ring_size(t)),
            P::Valence(r) => r.contains(target.valence(t)),
            P::Connectivity(r) => r.contains(target.total_degree(t)),
            P::RingBonds(r) => r.contains(target.ring_bond_count(t)),
            P::HeteroNeighbors(r) => r.contains(self.hetero_neighbors(target, t, false)),
            P::AliphaticHeteroNeighbors(r) => r.contains(self.hetero_neighbors(target, t, true)),
            P::Recursive(i) => self.recursive_matches(target, *i as usize, t),
        }
    }

    #[inline(never)]
    fn atom_expr_matches(&self, target: &Target, q: usize, t: usize) -> bool {
        match &self.smarts.facts[q].conjunction {
            Some(literals) => literals
                .iter()
                .all(|l| self.primitive(target, &l.primitive, t) != l.negated),
            None => self.smarts.atoms[q]
                .expr
                .eval(|p| self.primitive(target, p, t)),
        }
    }

    #[inline(never)]
    fn bond_expr_matches(&self, target: &Target, q_bond: usize, t_bond: usize) -> bool {
        bond_satisfies(&self.smarts.bonds[q_bond].expr, target, t_bond)
    }

    /// Neighbours other than carbon and hydrogen (RDKit's `z`, and `Z`
    /// when only aliphatic ones count).
    fn hetero_neighbors(&self, target: &Target, t: usize, aliphatic_only: bool) -> u32 {
        let mol = target.mol();
        target
            .neighbors(t)
            .iter()
            .filter(|&&(n, _)| {
                let a = mol.atom(n as usize);
                a.element != 6 && a.element != 1 && !(aliphatic_only && a.aromatic)
            })
            .count() as u32
    }
}

impl Query for Bound<'_> {
    fn atom_count(&self) -> usize {
        self.smarts.atoms.len()
    }

    fn neighbors(&self, q: usize) -> &[(u32, u32)] {
        self.smarts.neighbors(q)
    }

    fn shape(&self) -> Option<Shape<'_>> {
        Some((&self.smarts.offsets, &self.smarts.adjacency))
    }

    fn fill_keys(&self) -> Option<&[u64]> {
        Some(&self.smarts.fill_keys)
    }

    fn required_elements(&self) -> Option<&[u128]> {
        Some(&self.smarts.required_elements)
    }

    fn identity(&self) -> Option<u64> {
        Some(self.smarts.identity.0)
    }

    // The one-primitive cases inline into the search loop; whole
    // expressions, rarer, stay out of line so as not to crowd it.
    #[inline]
    fn atom_matches(&self, target: &Target, q: usize, t: usize) -> bool {
        match self.smarts.facts[q].plain {
            Some(aromatic) => target.is_aromatic(t) == aromatic,
            None => self.atom_expr_matches(target, q, t),
        }
    }

    fn atom_elements(&self, q: usize) -> u128 {
        self.smarts.facts[q].elements
    }

    fn atom_plain(&self, q: usize) -> Option<bool> {
        self.smarts.facts[q].plain
    }

    fn atom_key(&self, q: usize) -> Option<u64> {
        Some(u64::from(self.smarts.facts[q].key))
    }

    #[inline(always)]
    fn bond_matches(&self, target: &Target, q_bond: usize, t_bond: usize) -> bool {
        let mask = self.smarts.bond_masks[q_bond];
        if mask == ASKS_RING {
            return self.bond_expr_matches(target, q_bond, t_bond);
        }
        let bond = target.mol().bond(t_bond);
        mask >> bond_bit(bond.order, bond.aromatic) & 1 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search on a [`matcher::RootedPlan`] and the general one
    /// rooted at the same atom: the same answers, steps, and steps spent
    /// by nested subpatterns, at every atom and under budgets that run out
    /// anywhere.
    #[test]
    fn rooted_plan_search_is_the_general_rooted_search() {
        let patterns = [
            "N-C=O",
            "N-S(=O)=O",
            "C",
            "c1ccccc1",
            "C1CC1",
            "[#6]~[#7,#8]~*",
            "C(=O)[OH].N",
            "O.C",
            "C(C)(C)(C)C",
            "[$(C=O)]N",
            "C[$(N-[$(C=O)])]",
            "c(:c)@c",
            "[R]-,:[!#1]",
            "C1CCCCC1",
            "c1ccc2ccccc2c1",
            "[#6]1~[#6]~[#6]~[#6]~[#6]~[#6]~1-[$(C=O)]",
        ];
        let molecules = [
            "CC(=O)NC1CCC(S(=O)(=O)N)CC1",
            "c1ccc2c(c1)Nc1ccccc1S2",
            "OC(=O)CC(O)(CC(=O)O)C(=O)O.[Na+]",
            "C1CC1C(C)(C)C",
            "CN(C)C(=O)c1cccnc1O",
            "c1ccc2ccccc2c1C1CCCCC1CC(=O)N",
        ];
        for pattern in patterns {
            let sub = Smarts::parse(pattern).unwrap();
            let plan = sub.rooted.as_ref().unwrap();
            for smiles in molecules {
                let mol = crate::smiles::parse(smiles).unwrap();
                let target = Target::new(&mol);
                let n = target.atom_count();
                for t in 0..n {
                    for budget in [0, 1, 2, 3, 5, 8, 13, 1000] {
                        let (lean_budget, general_budget) = (Budget::new(50), Budget::new(50));
                        let lean = Bound::new(&sub, n, &lean_budget);
                        let general = Bound::new(&sub, n, &general_budget);
                        let got = matcher::rooted_has_match(&lean, plan, &target, t, budget);
                        let want = matcher::has_match_at_spending(&general, &target, 0, t, budget);
                        assert_eq!(got, want, "{pattern} in {smiles} at {t}, budget {budget}");
                        assert_eq!(
                            lean_budget.remaining.get(),
                            general_budget.remaining.get(),
                            "{pattern} in {smiles} at {t}, budget {budget}"
                        );
                    }
                }
            }
        }
    }
}
