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

const UNKNOWN: u8 = 0;
const NO: u8 = 1;
const YES: u8 = 2;

/// `smarts` for one target. Each `$(...)` is searched at most once per
/// target atom, rooted there (its first atom on that atom), and the answer
/// kept in `memo`; the search itself runs on the subpattern's own bound
/// query, so nested recursion memoizes at every level.
pub(super) struct Bound<'a> {
    smarts: &'a Smarts,
    budget: &'a Budget,
    /// `memo[i * atoms + t]`: does recursive subpattern `i` match at target
    /// atom `t`? One allocation for all subpatterns.
    memo: Vec<Cell<u8>>,
    atoms: usize,
    /// The subpatterns bound, kept for their own memos; none when no
    /// subpattern has a `$(...)` of its own: a subpattern's memo is then
    /// empty, and one bound where it is searched allocates nothing.
    subs: Vec<Bound<'a>>,
}

impl<'a> Bound<'a> {
    /// Inline, so that a pattern without `$(...)`, most of them, costs
    /// the search no call: only the memos are made out of line.
    #[inline]
    pub(super) fn new(smarts: &'a Smarts, target_atoms: usize, budget: &'a Budget) -> Self {
        let mut bound = Bound {
            smarts,
            budget,
            memo: Vec::new(),
            atoms: target_atoms,
            subs: Vec::new(),
        };
        if !smarts.recursive.is_empty() {
            bound.bind_subpatterns();
        }
        bound
    }

    /// Makes the memo of every subpattern, and the subpatterns' own bound
    /// queries when they nest.
    #[inline(never)]
    fn bind_subpatterns(&mut self) {
        let (smarts, atoms, budget) = (self.smarts, self.atoms, self.budget);
        // Cleared by a fill after the allocation: calloc cost more.
        let len = smarts.recursive.len() * atoms;
        let mut memo = Vec::with_capacity(len);
        memo.resize(len, Cell::new(UNKNOWN));
        self.memo = memo;
        if smarts.recursive.iter().any(|sub| !sub.recursive.is_empty()) {
            self.subs = smarts
                .recursive
                .iter()
                .map(|sub| Bound::new(sub, atoms, budget))
                .collect();
        }
    }

    fn recursive_matches(&self, target: &Target, i: usize, t: usize) -> bool {
        let memo = &self.memo[i * self.atoms + t];
        let known = memo.get();
        if known != UNKNOWN {
            return known == YES;
        }
        if self.budget.exceeded.get() {
            return false;
        }
        let leaf;
        let sub = match self.subs.get(i) {
            Some(sub) => sub,
            None => {
                leaf = Bound::new(&self.smarts.recursive[i], self.atoms, self.budget);
                &leaf
            }
        };
        let remaining = self.budget.remaining.get();
        let (found, spent) = matcher::has_match_at_spending(sub, target, 0, t, remaining);
        let Ok(found) = found else {
            self.budget.exceeded.set(true);
            return false;
        };
        self.budget
            .remaining
            .set(self.budget.remaining.get().saturating_sub(spent));
        memo.set(if found { YES } else { NO });
        found
    }

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
        self.smarts.atoms[q]
            .expr
            .eval(|p| self.primitive(target, p, t))
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
