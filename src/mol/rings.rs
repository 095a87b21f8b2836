//! Ring perception: smallest set of smallest rings (SSSR), RDKit's
//! symmetrized extras, and per-atom / per-bond ring facts.
//!
//! The SSSR follows RDKit's ring finder (a Figueras-style search: prune
//! chains, take the smallest rings through one atom of every chain of
//! degree-2 atoms, break ties at degree-3 atoms), because which of several
//! equally small rings ends up in the set decides both the ring count SMARTS
//! `R` sees and, in a few fused systems, aromaticity. Rings found and then
//! dropped as dependent are offered back the way RDKit's `symmetrizeSSSR`
//! does (cubane keeps 6 faces, not 5).
//!
//! Everything is iterative and bounded: bonds on no cycle are found first
//! in one near-linear pass (so a million-atom chain costs one linear pass),
//! the breadth-first searches stop at the first ring size found, and the
//! rare path search RDKit falls back on for highly fused cages has a hard
//! cap, after which a depth-first cycle basis is used as RDKit itself does.
//!
//! Performance: the search's buffers live in a per-thread workspace, the
//! adjacency holds only the cycle bonds (all bonds only on the rare paths
//! that walk off the cycles), a ring system that is one ring, two rings
//! sharing a bond or an atom (most fused systems of drug-like molecules),
//! or a tree of rings fused by single bonds (tricyclic cores), is stored
//! as the search would find it without running the search, and
//! the result is stored flat with the bonds found along the way (the
//! nested `sssr()` / `rings()` / `ring_systems()` views are built on first
//! use). Molecules whose ring systems are all of one ring, or of two as
//! above (nearly all drug-like ones), take their rings from walks up the
//! chain-bond forest, with neither the forest cover nor the adjacency.
//! What is left of the cost is spread thinly: one pass over the bonds, the
//! walks, the result, and for the rest the cover, the adjacency and the
//! search.
//!
//! ```
//! let mol = markush::smiles::parse("c1ccc2ccccc2c1").unwrap();
//! let rings = mol.rings();
//! assert_eq!(rings.sssr().len(), 2);
//! assert_eq!(rings.atom_ring_count(3), 2);
//! assert_eq!(rings.ring_systems().len(), 1);
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::{BondOrder, Mol};

/// Rings of a molecule. `sssr()` is the smallest set of smallest rings
/// (its length is the cyclomatic number); `rings()` adds the symmetric
/// extras RDKit keeps, and is what ring counts per atom are taken from.
///
/// Rings are stored back to back in one flat buffer; the nested views that
/// `sssr()`, `rings()` and `ring_systems()` hand out are built on first use,
/// so perception allocates once whatever the ring count.
#[derive(Clone, Debug, Default)]
pub struct RingInfo {
    /// In order: the atoms of every ring of `rings()` back to back, the
    /// bonds of every ring at the same positions, the ring starts (ring `r`
    /// at `start[r]..start[r + 1]` of either), then the facts: per atom the
    /// rings containing it and its smallest such ring (0 = none), side by
    /// side, then the same two per bond. Empty when the molecule has no ring, so
    /// acyclic molecules allocate nothing.
    data: Vec<u32>,
    /// Where the starts and the facts begin in `data` (the bonds at half
    /// `start_at`: kept at 128 bytes, a `RingInfo` is moved without a `memcpy`).
    start_at: usize,
    facts_at: usize,
    sssr_count: usize,
    atom_count: usize,
    /// No two rings share an atom (so no bond either).
    disjoint: bool,
    nested: OnceLock<Vec<Vec<u32>>>,
    systems: OnceLock<Vec<Vec<usize>>>,
}

impl RingInfo {
    // The accessors below run per atom and bond in perception and matching,
    // often from another codegen unit: `#[inline]` lets them be inlined there.
    /// The smallest set of smallest rings, each as atoms in cyclic order.
    pub fn sssr(&self) -> &[Vec<u32>] {
        &self.rings()[..self.sssr_count]
    }
    /// SSSR plus RDKit's symmetrized extras (same order convention).
    pub fn rings(&self) -> &[Vec<u32>] {
        self.nested.get_or_init(|| {
            (0..self.ring_count())
                .map(|r| self.ring_atoms(r).to_vec())
                .collect()
        })
    }
    /// Bonds of `rings()[ring]`, in the same cyclic order as its atoms:
    /// bond `i` joins atoms `i` and `i + 1`, the last one closes the ring.
    #[inline]
    pub fn ring_bonds(&self, ring: usize) -> &[u32] {
        let r = self.range(ring);
        &self.data[self.bonds_at()..][r]
    }
    /// Number of rings in `rings()` that contain the atom (SMARTS `R`).
    #[inline]
    pub fn atom_ring_count(&self, atom: usize) -> usize {
        self.atom_fact(atom, 0) as usize
    }
    /// Size of the smallest ring containing the atom (SMARTS `r`).
    #[inline]
    pub fn atom_min_ring_size(&self, atom: usize) -> Option<usize> {
        nonzero(self.atom_fact(atom, 1))
    }
    #[inline]
    pub fn bond_ring_count(&self, bond: usize) -> usize {
        self.bond_fact(bond, 0) as usize
    }
    #[inline]
    pub fn bond_min_ring_size(&self, bond: usize) -> Option<usize> {
        nonzero(self.bond_fact(bond, 1))
    }
    #[inline]
    pub fn is_ring_atom(&self, atom: usize) -> bool {
        self.atom_ring_count(atom) > 0
    }
    #[inline]
    pub fn is_ring_bond(&self, bond: usize) -> bool {
        self.bond_ring_count(bond) > 0
    }
    /// Fused ring systems: groups of indices into `rings()` whose rings are
    /// joined through shared bonds (naphthalene is one system, biphenyl two).
    pub fn ring_systems(&self) -> &[Vec<usize>] {
        self.systems.get_or_init(|| self.find_ring_systems())
    }

    /// Number of rings in `rings()`, without building the nested view.
    #[inline]
    pub(crate) fn ring_count(&self) -> usize {
        (self.facts_at - self.start_at).saturating_sub(1)
    }
    /// Atoms of `rings()[ring]`, without building the nested view.
    #[inline]
    pub(crate) fn ring_atoms(&self, ring: usize) -> &[u32] {
        &self.data[self.range(ring)]
    }
    /// Atoms and bonds of `rings()[ring]` (see `ring_bonds`), the range
    /// looked up once.
    #[inline]
    pub(crate) fn ring(&self, ring: usize) -> (&[u32], &[u32]) {
        let r = self.range(ring);
        let (atoms, rest) = self.data.split_at(self.bonds_at());
        (&atoms[r.clone()], &rest[r])
    }
    /// Atoms and bonds (see `ring_bonds`) of every ring of `rings()`, in
    /// order: for passes over all rings, without a look-up per ring.
    #[inline]
    pub(crate) fn rings_with_bonds(&self) -> impl Iterator<Item = (&[u32], &[u32])> + '_ {
        let (atoms, rest) = self.data.split_at(self.bonds_at());
        let start = &self.data[self.start_at..self.facts_at];
        start.windows(2).map(move |w| {
            let r = w[0] as usize..w[1] as usize;
            (&atoms[r.clone()], &rest[r])
        })
    }
    /// Per bond, the number of rings on it and the size of the smallest,
    /// side by side: for passes over every bond.
    #[inline]
    pub(crate) fn bond_ring_facts(&self) -> &[u32] {
        self.facts().get(2 * self.atom_count..).unwrap_or(&[])
    }
    /// Whether no two rings share an atom, as known from how they were
    /// found: `false` may still have them disjoint.
    #[inline]
    pub(crate) fn known_disjoint(&self) -> bool {
        self.disjoint
    }

    #[inline]
    fn bonds_at(&self) -> usize {
        self.start_at / 2
    }

    #[inline]
    fn range(&self, ring: usize) -> std::ops::Range<usize> {
        let start = &self.data[self.start_at..self.facts_at];
        start[ring] as usize..start[ring + 1] as usize
    }

    #[inline]
    fn facts(&self) -> &[u32] {
        &self.data[self.facts_at..]
    }

    #[inline]
    fn atom_fact(&self, atom: usize, which: usize) -> u32 {
        if atom >= self.atom_count {
            return 0;
        }
        self.facts().get(2 * atom + which).copied().unwrap_or(0)
    }

    #[inline]
    fn bond_count(&self) -> usize {
        self.facts().len().saturating_sub(2 * self.atom_count) / 2
    }

    #[inline]
    fn bond_fact(&self, bond: usize, which: usize) -> u32 {
        let bonds = self.bond_count();
        if bond >= bonds {
            return 0;
        }
        self.facts()[2 * (self.atom_count + bond) + which]
    }

    /// Sets these to the rings `found` in `store` (none when `None`), in
    /// place: built and then moved in, the `RingInfo` cost a copy and the
    /// drop of the one it replaced.
    fn fill(&mut self, n: usize, m: usize, store: &RingList, found: Option<Found>) {
        let Some(Found {
            sssr_count,
            disjoint,
        }) = found
        else {
            if !self.data.is_empty() {
                self.clear(usize::MAX);
            }
            return;
        };
        let list = &store.rings;
        let len = list.atoms.len();
        let start_at = 2 * len;
        let facts_at = start_at + list.start.len();
        // The buffer of the rings these replace is reused when it has the
        // room, so that a molecule read into a cleared one allocates nothing
        // here; else a new one costs less than growing it (`reserve`).
        let need = facts_at + 2 * n + 2 * m;
        let data = &mut self.data;
        if data.capacity() < need {
            *data = Vec::with_capacity(need);
        } else {
            data.clear();
        }
        data.extend_from_slice(&list.atoms);
        data.extend_from_slice(&store.bonds);
        data.extend_from_slice(&list.start);
        data.resize(need, 0);
        let facts = &mut data[facts_at..];
        // Two loops, so that neither asks `disjoint` per item.
        if disjoint {
            note_rings::<true>(facts, 2 * n, store);
        } else {
            note_rings::<false>(facts, 2 * n, store);
        }
        self.start_at = start_at;
        self.facts_at = facts_at;
        self.sssr_count = sssr_count;
        self.atom_count = n;
        self.disjoint = disjoint;
        self.nested.take();
        self.systems.take();
    }

    /// Empties these (no rings), keeping the buffer's room unless it is
    /// past `keep` entries.
    pub(crate) fn clear(&mut self, keep: usize) {
        if self.data.capacity() > keep {
            self.data = Vec::new();
        }
        self.data.clear();
        // Field by field, as `RingInfo::default()` would set them: building
        // a default and moving it in cost a copy and a drop per molecule.
        self.start_at = 0;
        self.facts_at = 0;
        self.sssr_count = 0;
        self.atom_count = 0;
        self.disjoint = false;
        self.nested.take();
        self.systems.take();
    }

    /// Groups rings that share a bond (union-find over rings, keyed by the
    /// first ring seen on each bond).
    fn find_ring_systems(&self) -> Vec<Vec<usize>> {
        let rings = self.ring_count();
        let mut parent: Vec<usize> = (0..rings).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        let mut first = vec![usize::MAX; self.bond_count()];
        for r in 0..rings {
            for &b in self.ring_bonds(r) {
                let Some(f) = first.get_mut(b as usize) else {
                    continue;
                };
                if *f == usize::MAX {
                    *f = r;
                } else {
                    let (x, y) = (find(&mut parent, *f), find(&mut parent, r));
                    if x != y {
                        parent[x.max(y)] = x.min(y);
                    }
                }
            }
        }
        let mut slot = vec![usize::MAX; rings];
        let mut systems: Vec<Vec<usize>> = Vec::new();
        for r in 0..rings {
            let root = find(&mut parent, r);
            if slot[root] == usize::MAX {
                slot[root] = systems.len();
                systems.push(Vec::new());
            }
            systems[slot[root]].push(r);
        }
        systems
    }
}

/// Notes every ring of `store` on its atoms and bonds: `facts` holds the
/// atoms' facts, then from `bonds_at` on the bonds'. `ONLY` as in [`note`].
#[inline(always)]
fn note_rings<const ONLY: bool>(facts: &mut [u32], bonds_at: usize, store: &RingList) {
    let list = &store.rings;
    let (atom_facts, bond_facts) = facts.split_at_mut(bonds_at);
    // Atoms and bonds in step, the rings back to back: one loop per ring,
    // and the ring's size from its start alone.
    let (mut atoms, mut bonds) = (&list.atoms[..], &store.bonds[..]);
    for w in list.start.windows(2) {
        let size = w[1].wrapping_sub(w[0]);
        let k = size as usize;
        if atoms.len() < k || bonds.len() < k {
            return;
        }
        let ((ring, rest), (ring_bonds, rest_bonds)) = (atoms.split_at(k), bonds.split_at(k));
        (atoms, bonds) = (rest, rest_bonds);
        for (&a, &e) in ring.iter().zip(ring_bonds) {
            note(atom_facts, a, size, ONLY);
            note(bond_facts, e, size, ONLY);
        }
    }
}

/// Counts one more ring of `size` on item `i`, keeping its smallest ring
/// size (0 is none yet, which the wrapping subtraction puts above all).
/// `only` when no other ring has the item. An item past the facts (a ring
/// bond not found, `NONE`) is skipped: the bounds check is the test.
#[inline]
fn note(facts: &mut [u32], i: u32, size: u32, only: bool) {
    // From a `u32` the sum cannot overflow.
    let at = 2 * i as usize;
    let Some([count, min]) = facts.get_mut(at..at + 2) else {
        return;
    };
    if only {
        (*count, *min) = (1, size);
        return;
    }
    if min.wrapping_sub(1) >= size {
        *min = size;
    }
    *count += 1;
}

fn nonzero(v: u32) -> Option<usize> {
    (v > 0).then_some(v as usize)
}

/// Rings back to back: ring `r` is `atoms[start[r]..start[r + 1]]`.
#[derive(Default)]
struct RingStore {
    atoms: Vec<u32>,
    start: Vec<u32>,
}

impl RingStore {
    fn clear(&mut self) {
        self.atoms.clear();
        self.start.clear();
        self.start.push(0);
    }
    fn len(&self) -> usize {
        self.start.len() - 1
    }
    fn get(&self, r: usize) -> &[u32] {
        &self.atoms[self.start[r] as usize..self.start[r + 1] as usize]
    }
    fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|r| self.get(r))
    }
    fn push(&mut self, ring: &[u32]) {
        self.atoms.extend_from_slice(ring);
        self.close();
    }
    /// Ends the ring whose atoms were pushed onto `atoms` since the last one.
    fn close(&mut self) {
        self.start.push(self.atoms.len() as u32);
    }
}

/// The rings found, each with its bonds in step: bond `i` of a ring joins
/// its atoms `i` and `i + 1`, the last one closes it.
#[derive(Default)]
struct RingList {
    rings: RingStore,
    bonds: Vec<u32>,
}

impl RingList {
    fn clear(&mut self) {
        self.rings.clear();
        self.bonds.clear();
    }
    fn len(&self) -> usize {
        self.rings.len()
    }
    fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.rings.iter()
    }
    /// Adds a ring given by its atoms, looking its bonds up.
    fn push(&mut self, g: &Graph, ring: &[u32]) {
        self.rings.push(ring);
        self.bonds.extend(g.ring_bonds(ring));
    }
    /// Adds one step of the ring being walked: an atom and its bond on.
    fn step(&mut self, atom: u32, bond: u32) {
        self.rings.atoms.push(atom);
        self.bonds.push(bond);
    }
    /// Adds a ring given in cyclic order with its bonds, starting from its
    /// atom `at`, towards the next atom if `forward`, else the previous.
    fn emit(&mut self, cycle: &[u32], cycle_bonds: &[u32], at: usize, forward: bool) {
        let (to_atoms, to_bonds) = (&mut self.rings.atoms, &mut self.bonds);
        if forward {
            for (to, from) in [(&mut *to_atoms, cycle), (&mut *to_bonds, cycle_bonds)] {
                to.extend_from_slice(&from[at..]);
                to.extend_from_slice(&from[..at]);
            }
        } else {
            // Backwards, the bond from an atom on is the one before it.
            to_atoms.extend(
                cycle[..=at]
                    .iter()
                    .rev()
                    .chain(cycle[at + 1..].iter().rev()),
            );
            to_bonds.extend(
                cycle_bonds[..at]
                    .iter()
                    .rev()
                    .chain(cycle_bonds[at..].iter().rev()),
            );
        }
        self.rings.close();
    }
    /// Drops the steps of an unfinished ring.
    fn cancel(&mut self) {
        let at = *self.rings.start.last().unwrap_or(&0) as usize;
        self.rings.atoms.truncate(at);
        self.bonds.truncate(at);
    }
}

/// Buffers reused from molecule to molecule on one thread, so that
/// perceiving a drug-like molecule allocates only its result.
#[derive(Default)]
pub(crate) struct Work {
    g: Graph,
    s: Scratch,
}

thread_local! {
    static WORK: RefCell<Work> = RefCell::new(Work::default());
}

/// Molecules above this many atoms or bonds get buffers of their own, so
/// that one huge input does not leave a thread holding them for good.
pub(crate) const KEEP_BUFFERS_UP_TO: usize = 1 << 16;

pub fn perceive(mol: &Mol) -> RingInfo {
    let mut rings = RingInfo::default();
    with_work(size(mol), &mut rings, |w, rings| {
        let found = w.perceive(mol, None);
        rings.fill(w.g.n, w.g.m, &w.s.store, found);
    });
    rings
}

/// [`perceive`] into `mol`.
#[inline(always)]
pub(crate) fn perceive_into_mol(mol: &mut Mol) {
    with_work(size(mol), mol, |w, mol| perceive_into(w, mol, None));
}

/// [`perceive_into_mol`], given the [`Forest`] the molecule's builder noted
/// and with the builder's buffers.
#[inline(always)]
pub(crate) fn perceive_given(mol: &mut Mol, forest: &mut Forest, work: &mut Work) {
    if size(mol) > KEEP_BUFFERS_UP_TO {
        return with_own_work(mol, |w, mol| perceive_into(w, mol, Some(forest)));
    }
    perceive_into(work, mol, Some(forest));
}

/// Stored from inside the caller that holds the buffers: returned out of
/// it, the `RingInfo` was copied twice on the way.
#[inline(always)]
fn perceive_into(w: &mut Work, mol: &mut Mol, forest: Option<&mut Forest>) {
    let found = w.perceive(mol, forest);
    mol.rings.fill(w.g.n, w.g.m, &w.s.store, found);
}

/// What [`Work::perceive`] found, the rings themselves left in its store.
#[derive(Clone, Copy)]
struct Found {
    sssr_count: usize,
    /// No two rings share an atom: each item is then on one ring, which
    /// the facts are set to without comparing.
    disjoint: bool,
}

/// What [`KEEP_BUFFERS_UP_TO`] bounds, here and in aromaticity.
#[inline(always)]
pub(crate) fn size(mol: &Mol) -> usize {
    mol.atom_count().max(mol.bond_count())
}

/// Runs `f` on `target` with the thread's buffers, or with buffers of its
/// own for a molecule of a [`size`] above [`KEEP_BUFFERS_UP_TO`].
#[inline(always)]
fn with_work<T>(size: usize, target: T, f: impl FnOnce(&mut Work, T)) {
    if size > KEEP_BUFFERS_UP_TO {
        return with_own_work(target, f);
    }
    WORK.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => f(&mut w, target),
        // Only reachable if perception were re-entered on this thread.
        Err(_) => with_own_work(target, f),
    })
}

/// [`with_work`] with buffers of its own. Kept out of line, so that the
/// common path through the thread's buffers stays small enough to inline.
#[cold]
#[inline(never)]
fn with_own_work<T>(target: T, f: impl FnOnce(&mut Work, T)) {
    f(&mut Work::default(), target)
}

impl Work {
    /// Finds the rings of `mol` into the store; `None` when it has none.
    /// With `forest`, takes its buffers for the forest instead of reading
    /// it from the bonds, and leaves it others to reuse.
    fn perceive(&mut self, mol: &Mol, forest: Option<&mut Forest>) -> Option<Found> {
        if mol.bond_count() < 3 {
            return None;
        }
        let Work { g, s } = self;
        match forest {
            Some(forest) => {
                debug_assert_eq!(forest.tree_bond.len(), mol.atom_count());
                g.n = mol.atom_count();
                g.m = mol.bond_count();
                std::mem::swap(&mut g.forest, forest);
            }
            None => g.build::<false>(mol),
        }
        if g.forest.closures.is_empty() {
            return None;
        }
        // When no ring system has more than two rings (and two only as
        // `Finder::two_rings` takes them), the forest alone gives the rings.
        // Otherwise usually the chain bonds span the molecule and only the
        // cycle bonds they reveal need adjacency; if not, all bonds do.
        match s.lone_rings(g) {
            Lone::All => {
                return Some(Found {
                    sssr_count: s.store.len(),
                    disjoint: true,
                })
            }
            Lone::Until(c) if s.paired_rings(g, c) => {
                return Some(Found {
                    sssr_count: s.store.len(),
                    disjoint: false,
                });
            }
            _ => {}
        }
        g.build::<true>(mol);
        if s.cover_forest(g) {
            g.adjacency(Some((&s.active, &s.deg)));
        } else {
            g.adjacency(None);
            if !s.bridges(g) {
                return None;
            }
        }
        let sssr_count = loop {
            let finder = Finder {
                g,
                s: &mut *s,
                extras: Vec::new(),
            };
            match finder.run() {
                Ok(count) => break count,
                // Looking for connecting rings walks bonds off the cycles
                // too: search again with them all (rare: cages).
                Err(Stop::AllBonds) => {
                    g.adjacency(None);
                    s.cover_forest(g);
                }
                // Only a search over all bonds gives up.
                Err(Stop::Fallback) => break g.dfs_cycles(&mut s.store),
            }
        };
        Some(Found {
            sssr_count,
            disjoint: false,
        })
    }
}

/// What `Scratch::lone_rings` made of the forest rings.
enum Lone {
    /// No atom is on two of them: the rings are stored.
    All,
    /// The forest ring of this ring closure is the first to share an atom
    /// with an earlier one: those earlier ones are stored and claimed.
    Until(usize),
    /// A ring closure joins two trees, or closes a ring of fewer than
    /// three atoms.
    Neither,
}

/// Compact adjacency (per atom, neighbours in the order RDKit walks them)
/// plus which bonds may close rings: zero-order and dative bonds may not, as
/// in RDKit.
#[derive(Default)]
struct Graph {
    n: usize,
    start: Vec<u32>,
    adj: Vec<(u32, u32)>,
    /// Whether `adj` holds every bond, or only the cycle bonds.
    all_bonds: bool,
    /// Atoms of each bond, whether it is a chain bond and whether it may
    /// close a ring; filled only for the search (see `build`).
    ends: Vec<(u32, u32, bool, bool)>,
    /// The chain-bond forest and the ring closures.
    forest: Forest,
    /// Number of bonds, whether or not `ends` is filled.
    m: usize,
}

const NONE: u32 = u32::MAX;
/// `Forest::tree_bond` of an atom whose chain bond may not close rings.
const NO_TREE: u32 = NONE - 1;

/// Whether a bond of this order may close a ring: zero-order and dative
/// bonds may not, as in RDKit.
#[inline]
pub(crate) fn closes_rings(order: BondOrder) -> bool {
    !matches!(order, BondOrder::Zero | BondOrder::Dative)
}

/// The chain-bond forest and the ring closures, noted bond by bond in bond
/// order: by `Graph::build`, or by a builder that adds the bonds in order
/// (the SMILES reader), which spares perception that pass over the bonds.
#[derive(Default)]
pub(crate) struct Forest {
    /// Per atom, its ring-capable chain bond to a lower-numbered atom: these
    /// bonds form a spanning forest whenever the chain bonds connect every
    /// ring (always, for SMILES without dot-crossing ring closures).
    /// `NO_TREE` when its chain bond cannot close rings, `NONE` when it has
    /// none yet (one buffer for both, as it is sized per molecule). With
    /// it, the atom at its other end: the walks up the forest need no
    /// look-up of the bond.
    tree_bond: Vec<(u32, u32)>,
    /// The ring-capable bonds that are not forest bonds, ascending: the
    /// ring closures, a handful per molecule, so that covering the forest
    /// need not scan every bond; each with its atoms.
    closures: Vec<(u32, u32, u32)>,
}

impl Forest {
    pub(crate) fn clear(&mut self) {
        self.tree_bond.clear();
        self.closures.clear();
    }

    /// Gives back the memory of a huge molecule.
    pub(crate) fn shrink_past(&mut self, keep: usize) {
        if self.tree_bond.capacity() > keep {
            self.tree_bond = Vec::new();
        }
        if self.closures.capacity() > keep {
            self.closures = Vec::new();
        }
    }

    /// The next atom, whose first bond, if any, is not yet noted.
    #[inline]
    pub(crate) fn atom(&mut self) {
        self.tree_bond.push((NONE, 0));
    }

    /// The next atom, with its first bond: bond `e` to the lower-numbered
    /// atom `to` (as [`Forest::bond`] would note it).
    #[inline]
    pub(crate) fn atom_bonded(&mut self, e: u32, to: u32, capable: bool) {
        self.tree_bond.push((if capable { e } else { NO_TREE }, to));
    }

    /// Bond `e` from `a` to `b`, noted after every bond numbered below it;
    /// `capable` when it may close rings ([`closes_rings`]). A chain bond
    /// is the first bond of its higher-numbered atom (RDKit numbers a
    /// SMILES' ring-closure bonds after all chain bonds). Returns whether
    /// it is one.
    #[inline]
    pub(crate) fn bond(&mut self, e: u32, a: u32, b: u32, capable: bool) -> bool {
        let tree = &mut self.tree_bond[a.max(b) as usize];
        let chain = tree.0 == NONE;
        if chain {
            let bond = if capable && a != b { e } else { NO_TREE };
            *tree = (bond, a.min(b));
        }
        if capable && !(chain && a != b) {
            self.closures.push((e, a, b));
        }
        chain
    }
}

impl Graph {
    /// Reads the forest and the ring closures, and with `ENDS` each bond's
    /// `ends`: the forest walks need none of them, only the search does.
    fn build<const ENDS: bool>(&mut self, mol: &Mol) {
        let n = mol.atom_count();
        self.n = n;
        self.m = mol.bond_count();
        // RDKit numbers a SMILES' ring-closure bonds after all chain bonds
        // and walks each atom's bonds in that numbering; its ring finder
        // depends on that order (in tetraarylporphyrins the wrong order
        // yields a 20-ring instead of the 16-ring). A chain bond is the
        // first bond of its higher-numbered atom.
        let Graph { forest, ends, .. } = self;
        forest.clear();
        forest.tree_bond.resize(n, (NONE, 0));
        ends.clear();
        let bonds = mol.bonds().enumerate().map(|(e, (a, b, bond))| {
            let capable = closes_rings(bond.order);
            let (a, b) = (a as u32, b as u32);
            let chain = forest.bond(e as u32, a, b, capable);
            (a, b, chain, capable)
        });
        if ENDS {
            // Extended from an iterator of known length: no capacity check
            // per bond.
            ends.extend(bonds);
        } else {
            bonds.for_each(drop);
        }
    }

    /// Builds the adjacency of every bond, or (given `active` and the count
    /// per atom of its bonds) of the active ones only, in the same order:
    /// an atom's chain bonds first, each kind in bond order.
    fn adjacency(&mut self, only: Option<(&[bool], &[u32])>) {
        let n = self.n;
        self.all_bonds = only.is_none();
        let Graph {
            start,
            adj,
            ends,
            forest,
            ..
        } = self;
        // Each atom's end, then (filled from the back, non-chain bonds
        // first, each kind from the last bond down) its start.
        start.clear();
        let mut sum = 0;
        match only {
            // Summed while copied: one pass.
            Some((_, deg)) => start.extend(deg[..n].iter().map(|&d| {
                sum += d;
                sum
            })),
            None => {
                start.resize(n, 0);
                for &(a, b, ..) in ends.iter() {
                    start[a as usize] += 1;
                    start[b as usize] += 1;
                }
                for s in start.iter_mut() {
                    sum += *s;
                    *s = sum;
                }
            }
        }
        start.push(sum);
        adj.clear();
        adj.resize(sum as usize, (0, 0));
        let mut put = |e: usize| {
            let (a, b, ..) = ends[e];
            for (x, y) in [(b, a), (a, b)] {
                let slot = &mut start[x as usize];
                *slot -= 1;
                adj[*slot as usize] = (y, e as u32);
            }
        };
        match only {
            // The active bonds off the chain are the ring closures.
            Some((active, _)) => {
                for &(e, ..) in forest.closures.iter().rev() {
                    if !ends[e as usize].2 {
                        put(e as usize);
                    }
                }
                for e in (0..ends.len()).rev() {
                    if ends[e].2 && active[e] {
                        put(e);
                    }
                }
            }
            None => {
                for chain in [false, true] {
                    for e in (0..ends.len()).rev() {
                        if ends[e].2 == chain {
                            put(e);
                        }
                    }
                }
            }
        }
    }

    fn neighbors(&self, a: u32) -> &[(u32, u32)] {
        &self.adj[self.start[a as usize] as usize..self.start[a as usize + 1] as usize]
    }

    /// Neighbours of `a` by bonds still marked in `active`, with the bonds.
    fn live_bonds<'a>(
        &'a self,
        active: &'a [bool],
        a: u32,
    ) -> impl Iterator<Item = (u32, u32)> + 'a {
        self.neighbors(a)
            .iter()
            .filter(move |&&(_, e)| active[e as usize])
            .copied()
    }

    fn bond_between(&self, a: u32, b: u32) -> u32 {
        self.neighbors(a)
            .iter()
            .find(|&&(x, _)| x == b)
            .map_or(NONE, |&(_, e)| e)
    }

    fn ring_bonds<'a>(&'a self, ring: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        (0..ring.len()).map(|i| self.bond_between(ring[i], ring[(i + 1) % ring.len()]))
    }

    /// RDKit's fallback when its search cannot find enough rings: one cycle
    /// per back edge of a depth-first search over all bonds. Not minimal,
    /// but a cycle basis, and what RDKit reports in the same situation.
    /// Replaces the rings in `store`; returns how many.
    fn dfs_cycles(&self, store: &mut RingList) -> usize {
        store.clear();
        let mut ring = Vec::new();
        let mut color = vec![0u8; self.n];
        let degree = |a: u32| self.start[a as usize + 1] - self.start[a as usize];
        // Frame: atom, the atom it was entered from, next neighbour slot.
        let mut frames: Vec<(u32, u32, u32)> = Vec::new();
        for root in 0..self.n as u32 {
            if color[root as usize] != 0 {
                continue;
            }
            if degree(root) < 2 {
                color[root as usize] = 2;
                continue;
            }
            color[root as usize] = 1;
            frames.push((root, NONE, self.start[root as usize]));
            while let Some(&mut (atom, from, ref mut slot)) = frames.last_mut() {
                if *slot == self.start[atom as usize + 1] {
                    color[atom as usize] = 2;
                    frames.pop();
                    continue;
                }
                let (nbr, _) = self.adj[*slot as usize];
                *slot += 1;
                match color[nbr as usize] {
                    0 if degree(nbr) < 2 => color[nbr as usize] = 2,
                    0 => {
                        color[nbr as usize] = 1;
                        frames.push((nbr, atom, self.start[nbr as usize]));
                    }
                    1 if from != NONE && nbr != from => {
                        ring.clear();
                        for &(a, _, _) in frames.iter().rev() {
                            if a == nbr {
                                break;
                            }
                            ring.push(a);
                        }
                        ring.push(nbr);
                        store.push(self, &ring);
                    }
                    _ => {}
                }
            }
        }
        store.len()
    }
}

/// Per-molecule state of the ring search, kept between molecules.
#[derive(Default)]
struct Scratch {
    /// Bonds on some cycle (ring-capable and not a bridge); the search
    /// trims them as it goes.
    active: Vec<bool>,
    /// Live bonds per atom.
    deg: Vec<u32>,
    /// `active` before the search trimmed anything.
    core_bonds: Vec<bool>,
    /// Depth-first numbering and low links (bridge search).
    order: Vec<u32>,
    low: Vec<u32>,
    frames: Vec<(u32, u32, u32)>,
    /// Union-find over forest atoms (`cover_forest`).
    frames_up: Vec<u32>,
    /// Atoms already assigned to a ring system.
    seen: Vec<bool>,
    stack: Vec<u32>,
    atoms: Vec<u32>,
    /// Scratch for `lone_rings`: one ring laid out around the middle, each
    /// ring's lowest atom with its index, and the rings while reordered.
    cycle_atoms: Vec<u32>,
    cycle_bonds: Vec<u32>,
    roots: Vec<(u32, u32)>,
    reordered: RingList,
    /// Per atom, the last `stamp` that put it on a ring, and with it the
    /// first forest ring it is on and whether it is on two.
    on_ring: Vec<u32>,
    owner: Vec<u32>,
    shared: Vec<u32>,
    stamp: u32,
    /// Scratch for `paired_rings`: every forest ring, and for each the
    /// forest ring it shares atoms with (`NONE` if none).
    cycles: RingList,
    partner: Vec<u32>,
    /// Scratch for `two_rings`.
    atoms_two: Vec<u32>,
    bonds_two: Vec<u32>,
    /// Scratch for `fused_rings`: per atom its counts, the rings peeled,
    /// each one's lowest chain atom with its index and position, and per
    /// bond the rings on it (with the stamp it was counted under).
    inner: Vec<Inner>,
    fused: RingList,
    firsts: Vec<(u32, u32, u32)>,
    bond_uses: Vec<(u32, u32)>,
    store: RingList,
    /// Whether the buffers below are sized and cleared for this molecule;
    /// only fused systems need them.
    prepared: bool,
    bfs: Bfs,
    ring_bonds_seen: Vec<bool>,
    ring_atoms_seen: Vec<bool>,
    /// Scratch for `pick_d2_nodes`, all false between calls.
    covered: Vec<bool>,
    covered_list: Vec<u32>,
    keys: RingSet,
    changed: Vec<u32>,
    is_done: Vec<bool>,
    d2: Vec<u32>,
    events: Vec<(u32, u32)>,
    rings: Vec<Vec<u32>>,
    /// Per ring of `keys`: found in this round.
    hits: Vec<bool>,
}

impl Scratch {
    /// Cycle bonds from the chain-bond forest: a ring closure lies on a
    /// cycle, and so does every forest bond on the forest path between its
    /// ends; the rest are bridges. Paths are walked with a union-find that
    /// jumps over bonds already covered, so the pass is near linear.
    /// Counts the cycle bonds per atom into `deg` as it marks them.
    /// `false` (and `active` and `deg` unusable) when a ring closure joins
    /// two trees of the forest, which then does not span the graph.
    fn cover_forest(&mut self, g: &Graph) -> bool {
        self.active.clear();
        self.active.resize(g.ends.len(), false);
        self.deg.clear();
        self.deg.resize(g.n, 0);
        self.frames_up.clear();
        self.frames_up.extend(0..g.n as u32);
        let (up, deg, active) = (
            &mut self.frames_up[..],
            &mut self.deg[..],
            &mut self.active[..],
        );
        let find = |up: &mut [u32], mut x: u32| {
            while up[x as usize] != x {
                let next = up[up[x as usize] as usize];
                up[x as usize] = next;
                x = next;
            }
            x
        };
        let mut mark = |e: u32, a: u32, b: u32| {
            active[e as usize] = true;
            deg[a as usize] += 1;
            deg[b as usize] += 1;
        };
        // Each bond is marked once: a closure is listed once, and a forest
        // bond is jumped over by the union-find once marked.
        for &(e, a, b) in &g.forest.closures {
            mark(e, a, b);
            let (mut u, mut v) = (find(up, a), find(up, b));
            // A forest parent is numbered below its child, so the higher of
            // the two is no ancestor of the other and steps up: no depths
            // needed. Reaching a root that way means two trees.
            while u != v {
                if u < v {
                    std::mem::swap(&mut u, &mut v);
                }
                let (t, parent) = g.forest.tree_bond[u as usize];
                if t >= NO_TREE {
                    return false;
                }
                mark(t, u, parent);
                up[u as usize] = parent;
                u = find(up, parent);
            }
        }
        true
    }

    /// When no atom is on two rings, each ring closure closes one ring: its
    /// bond and the forest paths from its ends up to where they meet, the
    /// ring's lowest atom. Stores those rings as `walk_lone_ring` finds
    /// them, without the adjacency: in order of their lowest atom, walked
    /// from it out by its first bond in adjacency order (chain bonds before
    /// ring closures, each kind in bond order). When an atom turns out to be
    /// on two rings, the rings before stay stored and claimed (in `on_ring`
    /// and `owner`) for `paired_rings` to go on from. `Lone::Neither` when a
    /// ring closure joins two trees of the forest, and on a ring of fewer
    /// than three atoms (parallel bonds or a loop), which that walk reads
    /// another way.
    ///
    /// Rings that share no atom are exactly what leaves every atom with at
    /// most two cycle bonds, so most molecules need no forest cover.
    fn lone_rings(&mut self, g: &Graph) -> Lone {
        let n = g.n;
        let stamp = self.next_stamp(n);
        let (atoms, bonds) = (&mut self.cycle_atoms, &mut self.cycle_bonds);
        let (on_ring, owner) = (&mut self.on_ring, &mut self.owner);
        let store = &mut self.store;
        store.clear();
        self.roots.clear();
        for (c, &closure) in g.forest.closures.iter().enumerate() {
            let Some(at) = forest_ring(g, closure, atoms, bonds) else {
                return Lone::Neither;
            };
            let ring = &atoms[at.clone()];
            let shared = ring.iter().position(|&a| {
                let a = a as usize;
                if on_ring[a] == stamp {
                    return true;
                }
                on_ring[a] = stamp;
                owner[a] = c as u32;
                false
            });
            if let Some(i) = shared {
                // Unclaimed again (no stamp is 0): `paired_rings` walks this
                // ring afresh.
                for &a in &ring[..i] {
                    on_ring[a as usize] = 0;
                }
                return Lone::Until(c);
            }
            let (lo, hi, u) = (at.start + 1, at.end, atoms[at.start]);
            // The lowest atom's first bond: the lower of two chain bonds,
            // or its chain bond before the closure.
            let a_first = lo < n && (hi == n || bonds[lo - 1] < bonds[hi - 1]);
            let (ring, ring_bonds) = (&atoms[at.clone()], &bonds[at]);
            if a_first {
                store.rings.atoms.extend_from_slice(ring);
                store.bonds.extend_from_slice(ring_bonds);
            } else {
                store.rings.atoms.push(u);
                store.rings.atoms.extend(ring[1..].iter().rev());
                store.bonds.extend(ring_bonds.iter().rev());
            }
            store.rings.close();
            self.roots.push((u, self.roots.len() as u32));
        }
        if self.roots.windows(2).any(|w| w[0].0 > w[1].0) {
            self.roots.sort_unstable();
            let (from, to) = (&self.store, &mut self.reordered);
            to.clear();
            for &(_, r) in &self.roots {
                let r = r as usize;
                let at = from.rings.start[r] as usize..from.rings.start[r + 1] as usize;
                to.rings.push(&from.rings.atoms[at.clone()]);
                to.bonds.extend_from_slice(&from.bonds[at]);
            }
            std::mem::swap(&mut self.store, &mut self.reordered);
        }
        Lone::All
    }

    /// A fresh stamp for `on_ring` and `shared` (an atom holding the
    /// molecule's stamp is marked: nothing to clear per molecule), with
    /// the buffers of the forest walks sized for `n` atoms.
    #[inline]
    fn next_stamp(&mut self, n: usize) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.cycle_atoms.len() <= 2 * n || self.on_ring.len() < n || self.stamp == 0 {
            self.renew(n);
        }
        self.stamp
    }

    /// The rare part of `next_stamp`, out of line so that the rest inlines:
    /// buffers too small for `n` atoms grow, and wrapped stamps restart.
    #[cold]
    #[inline(never)]
    fn renew(&mut self, n: usize) {
        if self.cycle_atoms.len() <= 2 * n {
            self.cycle_atoms.resize(2 * n + 1, 0);
            self.cycle_bonds.resize(2 * n + 1, 0);
        }
        if self.on_ring.len() < n {
            self.on_ring.resize(n, 0);
            self.shared.resize(n, 0);
            self.owner.resize(n, 0);
            self.inner.resize(n, Inner::default());
        }
        if self.stamp == 0 {
            self.on_ring.fill(0);
            self.shared.fill(0);
            self.bond_uses.fill((0, 0));
            self.stamp = 1;
        }
    }

    /// When every ring system is one ring or two (`Finder::two_rings`'
    /// kind: sharing one atom or one bond), stores the rings as the search
    /// would, from the forest walks, with neither the forest cover nor the
    /// adjacency: `true`. `false` (the store then unusable) when some ring
    /// system has more rings or is bridged, or as `lone_rings`. Goes on from
    /// `lone_rings`, whose first `from` rings are stored and claimed: the
    /// store holds each from its lowest atom, which is all that counts here,
    /// whichever way round.
    ///
    /// Each ring closure's forest ring is walked; an atom met again joins
    /// its ring to the one that met it first. Two forest rings that share
    /// one atom or one bond are the system's rings; when they share a
    /// longer path, one of them is that path closed by a bond (else the
    /// system is bridged), and the other ring is that bond closing the rest
    /// of the other forest ring.
    fn paired_rings(&mut self, g: &Graph, from: usize) -> bool {
        let stamp = self.stamp;
        std::mem::swap(&mut self.cycles, &mut self.store);
        let (atoms, bonds) = (&mut self.cycle_atoms, &mut self.cycle_bonds);
        let (on_ring, shared, owner) = (&mut self.on_ring, &mut self.shared, &mut self.owner);
        let (cycles, partner) = (&mut self.cycles, &mut self.partner);
        partner.clear();
        // An extend inlines where `resize` is a call, for a ring or two.
        partner.extend(std::iter::repeat(NONE).take(from));
        for &closure in &g.forest.closures[from..] {
            let c = partner.len() as u32;
            partner.push(NONE);
            let mut claim = |a: u32| {
                let a = a as usize;
                if on_ring[a] != stamp {
                    on_ring[a] = stamp;
                    owner[a] = c;
                    return true;
                }
                shared[a] = stamp;
                let o = owner[a];
                if partner[c as usize] == NONE && partner[o as usize] == NONE {
                    partner[c as usize] = o;
                    partner[o as usize] = c;
                }
                partner[c as usize] == o
            };
            let Some(at) = forest_ring(g, closure, atoms, bonds) else {
                return false;
            };
            if !atoms[at.clone()].iter().all(|&a| claim(a)) {
                return false;
            }
            cycles.rings.push(&atoms[at.clone()]);
            cycles.bonds.extend_from_slice(&bonds[at]);
        }
        // Ring systems in the order of their lowest atom, which a forest
        // ring starts from: the order the search takes them in.
        let roots = &mut self.roots;
        roots.clear();
        for (c, &p) in partner.iter().enumerate() {
            let root = cycles.rings.atoms[cycles.rings.start[c] as usize];
            if p == NONE {
                roots.push((root, c as u32));
            } else if p as usize > c {
                let other = cycles.rings.atoms[cycles.rings.start[p as usize] as usize];
                roots.push((root.min(other), c as u32));
            }
        }
        roots.sort_unstable();
        self.store.clear();
        let is_shared = |a: u32| self.shared[a as usize] == stamp;
        // Whether the bond on from atom `at` comes before the one back in
        // its adjacency (chain bonds first, each kind in bond order). A
        // ring's chain bonds are forest bonds, each its higher atom's.
        let next_first = |ring: &[u32], ring_bonds: &[u32], at: usize| {
            let len = ring.len();
            let key = |i: usize| {
                let e = ring_bonds[i];
                let top = ring[i].max(ring[(i + 1) % len]);
                (g.forest.tree_bond[top as usize].0 != e, e)
            };
            key(at) < key((at + len - 1) % len)
        };
        // A ring of two from its lowest atom off the `branch` atoms (those
        // on more than two of its system's bonds), and which way it is
        // walked, as `Finder::two_rings` has them.
        let start = |ring: &[u32], ring_bonds: &[u32], branch: [u32; 2]| {
            let at = (0..ring.len())
                .filter(|&i| !branch.contains(&ring[i]))
                .min_by_key(|&i| ring[i])
                .unwrap_or(0);
            let forward = next_first(ring, ring_bonds, at) == (ring.len() % 2 == 1);
            (ring[at], at, forward)
        };
        let get = |c: usize| {
            let at = cycles.rings.start[c] as usize..cycles.rings.start[c + 1] as usize;
            (&cycles.rings.atoms[at.clone()], &cycles.bonds[at])
        };
        for &(_, c) in self.roots.iter() {
            let c = c as usize;
            let (ring, ring_bonds) = get(c);
            if partner[c] == NONE {
                // From its lowest atom, where the forest ring starts, out
                // by its first bond, as `Finder::walk_lone_ring` has it.
                self.store
                    .emit(ring, ring_bonds, 0, next_first(ring, ring_bonds, 0));
                continue;
            }
            let (other, other_bonds) = get(partner[c] as usize);
            let k = other.iter().filter(|&&a| is_shared(a)).count();
            let (made, made_bonds) = (&mut self.atoms_two, &mut self.bonds_two);
            let (mut pair, branch) = if k <= 2 {
                // The shared atom, or the two of the shared bond.
                let mut ends = other.iter().copied().filter(|&a| is_shared(a));
                let x = ends.next().unwrap_or(NONE);
                let y = ends.next().unwrap_or(x);
                ([(ring, ring_bonds), (other, other_bonds)], [x, y])
            } else {
                // One of the two is the shared path closed by a bond.
                let (chord, full) = if ring.len() == k {
                    ((ring, ring_bonds), (other, other_bonds))
                } else if other.len() == k {
                    ((other, other_bonds), (ring, ring_bonds))
                } else {
                    return false;
                };
                if !close_off(full, chord, k, is_shared, made, made_bonds) {
                    return false;
                }
                let branch = [made[0], made[made.len() - 1]];
                ([chord, (&made[..], &made_bonds[..])], branch)
            };
            let mut starts = pair.map(|(r, b)| start(r, b, branch));
            if starts[1].0 < starts[0].0 {
                starts.swap(0, 1);
                pair.swap(0, 1);
            }
            for ((r, b), (_, at, forward)) in pair.into_iter().zip(starts) {
                self.store.emit(r, b, at, forward);
            }
        }
        true
    }

    /// Bridges by Tarjan's low-link (iterative), over every bond: `active`
    /// is left true on ring-capable bonds that are not bridges, counted per
    /// atom in `deg`. `false` when there is none.
    fn bridges(&mut self, g: &Graph) -> bool {
        let n = g.n;
        self.order.clear();
        self.order.resize(n, 0);
        self.low.clear();
        self.low.resize(n, 0);
        self.active.clear();
        self.active.extend(g.ends.iter().map(|end| end.3));
        let (order, low, active) = (&mut self.order, &mut self.low, &mut self.active);
        let frames = &mut self.frames;
        let mut counter = 0u32;
        for root in 0..n as u32 {
            if order[root as usize] != 0 {
                continue;
            }
            counter += 1;
            order[root as usize] = counter;
            low[root as usize] = counter;
            // Frame: atom, bond it was entered by, next neighbour slot.
            frames.push((root, NONE, g.start[root as usize]));
            while let Some(&mut (a, via, ref mut slot)) = frames.last_mut() {
                if *slot == g.start[a as usize + 1] {
                    frames.pop();
                    if let Some(&(parent, _, _)) = frames.last() {
                        low[parent as usize] = low[parent as usize].min(low[a as usize]);
                        if low[a as usize] > order[parent as usize] {
                            active[via as usize] = false;
                        }
                    }
                    continue;
                }
                let (b, e) = g.adj[*slot as usize];
                *slot += 1;
                if !g.ends[e as usize].3 || e == via {
                    continue;
                }
                if order[b as usize] == 0 {
                    counter += 1;
                    order[b as usize] = counter;
                    low[b as usize] = counter;
                    frames.push((b, e, g.start[b as usize]));
                } else {
                    low[a as usize] = low[a as usize].min(order[b as usize]);
                }
            }
        }
        self.deg.clear();
        self.deg.resize(n, 0);
        let mut any = false;
        for (&(a, b, ..), &on) in g.ends.iter().zip(self.active.iter()) {
            if on {
                self.deg[a as usize] += 1;
                self.deg[b as usize] += 1;
                any = true;
            }
        }
        any
    }
}

/// A ring's atom set as RDKit orders its ring invariants (a bitset compared
/// as a number): atoms sorted descending, compared lexicographically.
type RingKey = Vec<u32>;

/// Atom sets of the rings found so far in one ring system, each with an
/// index, looked up by an order-independent hash of the set.
#[derive(Default)]
struct RingSet {
    /// Hash to the first key with that hash; `next` chains the others.
    table: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    next: Vec<u32>,
    /// Keys (atoms sorted descending) back to back.
    keys: RingStore,
    sorted: Vec<u32>,
}

impl RingSet {
    fn clear(&mut self) {
        self.table.clear();
        self.next.clear();
        self.keys.clear();
    }

    fn key(&self, i: u32) -> &[u32] {
        self.keys.get(i as usize)
    }

    fn hash(ring: &[u32]) -> u64 {
        ring.iter().fold(ring.len() as u64, |h, &a| {
            // splitmix64 of each atom, summed so that order does not matter.
            let mut z = (a as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            h.wrapping_add(z ^ (z >> 31))
        })
    }

    /// Index of the ring's atom set, if present.
    fn find(&mut self, ring: &[u32], hash: u64) -> Option<u32> {
        let mut i = *self.table.get(&hash)?;
        self.sorted.clear();
        self.sorted.extend_from_slice(ring);
        self.sorted.sort_unstable_by(|a, b| b.cmp(a));
        while i != NONE {
            if self.keys.get(i as usize) == self.sorted.as_slice() {
                return Some(i);
            }
            i = self.next[i as usize];
        }
        None
    }

    fn contains(&mut self, ring: &[u32]) -> bool {
        self.find(ring, Self::hash(ring)).is_some()
    }

    /// The ring's index and whether it is new.
    fn insert(&mut self, ring: &[u32]) -> (u32, bool) {
        let hash = Self::hash(ring);
        if let Some(i) = self.find(ring, hash) {
            return (i, false);
        }
        let i = self.keys.len() as u32;
        let at = self.keys.atoms.len();
        self.keys.atoms.extend_from_slice(ring);
        self.keys.atoms[at..].sort_unstable_by(|a, b| b.cmp(a));
        self.keys.close();
        let head = self.table.entry(hash).or_insert(NONE);
        self.next.push(*head);
        *head = i;
        (i, true)
    }
}

/// The identity hasher: `RingSet` keys are hashes already.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// Rings above this size trigger the minimality check of `ensure_minimal`.
const MACROCYCLE: usize = 12;

/// Horton's candidate set grows with atoms times bonds; ring systems larger
/// than this keep the search's answer unchecked.
const MAX_MINIMALITY_CHECK: usize = 300;

/// Upper bound on partial paths the connecting-ring search may hold; RDKit
/// gives up at 200,000 queued paths, we bound total work the same way.
const MAX_PATHS: usize = 200_000;

/// Why the search stopped short.
enum Stop {
    /// It needs the bonds off the cycles too (`Graph::adjacency`).
    AllBonds,
    /// It cannot account for every ring: use RDKit's depth-first fallback.
    Fallback,
}

struct Finder<'g> {
    g: &'g Graph,
    s: &'g mut Scratch,
    extras: Vec<Vec<u32>>,
}

impl<'g> Finder<'g> {
    /// Fills `s.store` with the SSSR followed by the symmetrized extras and
    /// returns the SSSR's size.
    fn run(mut self) -> Result<usize, Stop> {
        let n = self.g.n;
        self.s.store.clear();
        self.s.seen.clear();
        self.s.seen.resize(n, false);
        self.s.prepared = false;
        let mut atoms = std::mem::take(&mut self.s.atoms);
        let mut from = 0;
        while let Some(root) = self.next_root(from) {
            from = root as usize + 1;
            // Most ring systems of drug-like molecules are one ring.
            if self.walk_lone_ring(root) {
                continue;
            }
            atoms.clear();
            atoms.push(root);
            self.s.seen[root as usize] = true;
            self.s.stack.push(root);
            let mut bond_ends = 0usize;
            // Unless it lists all bonds, the adjacency lists only cycle
            // bonds, and the search trims none outside the systems it is
            // done with.
            let all = self.g.all_bonds;
            while let Some(a) = self.s.stack.pop() {
                for &(b, e) in self.g.neighbors(a) {
                    if !all || self.s.active[e as usize] {
                        bond_ends += 1;
                        if !self.s.seen[b as usize] {
                            self.s.seen[b as usize] = true;
                            atoms.push(b);
                            self.s.stack.push(b);
                        }
                    }
                }
            }
            let expected = bond_ends / 2 + 1 - atoms.len();
            // Most fused systems of drug-like molecules are two rings.
            if expected == 2 && self.two_rings(&atoms) {
                continue;
            }
            if expected > 2 && self.fused_rings(&atoms, expected) {
                continue;
            }
            atoms.sort_unstable();
            if let Err(stop) = self.component(&atoms, expected) {
                self.s.atoms = atoms;
                return Err(stop);
            }
        }
        self.s.atoms = atoms;
        let sssr_count = self.s.store.len();
        for ring in self.symmetrize() {
            self.s.store.push(self.g, &ring);
        }
        Ok(sssr_count)
    }

    /// The first atom from `from` on with cycle bonds and not yet in a
    /// ring system.
    fn next_root(&self, from: usize) -> Option<u32> {
        let n = self.g.n;
        let (deg, seen) = (&self.s.deg[from..n], &self.s.seen[from..n]);
        let skip = deg
            .iter()
            .zip(seen)
            .position(|(&d, &seen)| d >= 2 && !seen)?;
        Some((from + skip) as u32)
    }

    /// If the ring system of `root` is a single ring (every atom has two
    /// live bonds), stores it, walking from `root` out by its first live
    /// bond as the search from it would, and marks its atoms seen.
    fn walk_lone_ring(&mut self, root: u32) -> bool {
        let (g, s) = (self.g, &mut *self.s);
        let (mut prev, mut cur) = (NONE, root);
        loop {
            if s.deg[cur as usize] != 2 {
                let at = *s.store.rings.start.last().unwrap_or(&0) as usize;
                for &a in &s.store.rings.atoms[at..] {
                    s.seen[a as usize] = false;
                }
                s.store.cancel();
                return false;
            }
            s.seen[cur as usize] = true;
            let row = g.neighbors(cur);
            // Two bonds listed and two live: both are live.
            let next = match *row {
                [x, y] => [x, y].into_iter().find(|&(b, _)| b != prev),
                _ => row
                    .iter()
                    .find(|&&(b, e)| s.active[e as usize] && b != prev)
                    .copied(),
            };
            match next {
                Some((b, e)) if b != root => {
                    s.store.step(cur, e);
                    prev = cur;
                    cur = b;
                }
                Some((_, e)) => {
                    s.store.step(cur, e);
                    break;
                }
                // Only parallel bonds (no SMILES makes them) end it so.
                None => {
                    s.store.step(cur, g.bond_between(cur, root));
                    break;
                }
            }
        }
        s.store.rings.close();
        true
    }

    /// A ring system of cycle rank 2 (its atoms all have two live bonds but
    /// one with four, or two with three) whose rings share one atom or one
    /// bond: stores its two rings as the search would find them, and `true`.
    /// `false` for a bridged system (no bond between the two branch atoms),
    /// where ties between paths leave the search's answer to the search.
    ///
    /// The search takes the lowest atom off each ring's chain of two-bond
    /// atoms, in atom order, and finds from it the one smallest ring through
    /// it: its own ring, as every other ring through it is longer. That ring
    /// comes out of the breadth-first search starting at the lowest atom and
    /// heading to its first live neighbour if the ring is odd (the two arms
    /// meet at a bond, seen from the first arm's end) and to the second if
    /// it is even (the far atom joins the first arm and is met from the
    /// second).
    fn two_rings(&mut self, atoms: &[u32]) -> bool {
        let (g, s) = (self.g, &mut *self.s);
        let mut branch = [NONE; 2];
        let mut k = 0;
        for &a in atoms {
            if s.deg[a as usize] != 2 {
                if k == 2 {
                    return false;
                }
                branch[k] = a;
                k += 1;
            }
        }
        let active = &s.active;
        let live = |a: u32| g.live_bonds(active, a);
        let (x, y, xy) = match k {
            1 => (branch[0], branch[0], NONE),
            _ => match live(branch[0]).find(|&(b, _)| b == branch[1]) {
                Some((_, e)) => (branch[0], branch[1], e),
                None => return false,
            },
        };
        // Each ring in cyclic order from `x` with its bonds, back to back,
        // and the lowest atom off the branch atoms with its position.
        let (ring, bonds) = (&mut s.atoms_two, &mut s.bonds_two);
        ring.clear();
        bonds.clear();
        let mut ends = [(0usize, 0usize, NONE, 0usize); 2];
        let mut r = 0;
        for (first, e) in live(x) {
            // Spiro: the walk out by one bond comes back by another.
            if first == y || (r == 1 && ring.last() == Some(&first)) {
                continue;
            }
            let base = ring.len();
            ring.push(x);
            bonds.push(e);
            let (mut prev, mut cur) = (x, first);
            let (mut low, mut at) = (NONE, 0);
            while cur != y {
                if cur < low {
                    (low, at) = (cur, ring.len() - base);
                }
                ring.push(cur);
                let Some((next, e)) = live(cur).find(|&(b, _)| b != prev) else {
                    return false;
                };
                bonds.push(e);
                (prev, cur) = (cur, next);
            }
            if x != y {
                ring.push(y);
                bonds.push(xy);
            }
            ends[r] = (base, ring.len(), low, at);
            r += 1;
            if r == 2 {
                break;
            }
        }
        if r < 2 {
            return false;
        }
        if ends[1].2 < ends[0].2 {
            ends.swap(0, 1);
        }
        for (base, end, low, at) in ends {
            let (cycle, cycle_bonds) = (&ring[base..end], &bonds[base..end]);
            let len = cycle.len();
            let first_live = live(low).next().map(|(b, _)| b);
            let forward = (first_live == Some(cycle[(at + 1) % len])) == (len % 2 == 1);
            s.store.emit(cycle, cycle_bonds, at, forward);
        }
        true
    }

    /// A ring system of three or more rings fused as a tree (neighbouring
    /// rings share one bond, no atom is on three rings, none has fewer than
    /// four atoms or more than `MACROCYCLE`) whose every ring has a chain of
    /// two-bond atoms: stores its rings as the search would find them, and
    /// `true`; `false` for any other system.
    ///
    /// The rings are peeled off one by one: a chain whose ends are bonded
    /// closes a ring at the edge of the tree, and once its atoms are gone
    /// its ends join the chain of the ring next to it. The search picks the
    /// lowest atom of every chain, in atom order, and finds from it its own
    /// ring alone (a ring with several chains is found again from the
    /// others, and nothing new turns up once they are cut): any other ring
    /// through it takes a detour of at least two more bonds around a
    /// neighbouring ring. A ring comes out of the breadth-first search from
    /// its lowest chain atom as in `two_rings`.
    fn fused_rings(&mut self, atoms: &[u32], expected: usize) -> bool {
        let (g, s) = (self.g, &mut *self.s);
        let stamp = s.next_stamp(g.n);
        if s.bond_uses.len() < g.m {
            s.bond_uses.resize(g.m, (0, 0));
        }
        let active = &s.active;
        let live = |a: u32| g.live_bonds(active, a);
        // `on_ring` holding the stamp marks an atom peeled off.
        let (gone, inner, deg) = (&mut s.on_ring, &mut s.inner, &s.deg);
        for &a in atoms {
            let d = deg[a as usize];
            if !(2..=3).contains(&d) {
                return false;
            }
            inner[a as usize] = Inner {
                deg: d,
                uses: 0,
                fused: 0,
            };
        }
        let rings = &mut s.fused;
        rings.clear();
        let mut left = atoms.len();
        for _ in 1..expected {
            let mut peeled = false;
            'find: for &x in atoms {
                if gone[x as usize] == stamp || inner[x as usize].deg != 3 {
                    continue;
                }
                for (first, e) in live(x) {
                    if gone[first as usize] == stamp || inner[first as usize].deg != 2 {
                        continue;
                    }
                    rings.step(x, e);
                    let (mut prev, mut cur) = (x, first);
                    while inner[cur as usize].deg == 2 && cur != x {
                        // Bounded however the counts came out.
                        if rings.rings.atoms.len() > g.m {
                            return false;
                        }
                        let next = live(cur).find(|&(b, _)| b != prev && gone[b as usize] != stamp);
                        let Some((next, e)) = next else {
                            return false;
                        };
                        rings.step(cur, e);
                        (prev, cur) = (cur, next);
                    }
                    let closing = live(cur).find(|&(b, _)| b == x && cur != x);
                    let Some((_, e)) = closing else {
                        rings.cancel();
                        continue;
                    };
                    rings.step(cur, e);
                    let from = *rings.rings.start.last().unwrap_or(&0) as usize;
                    let ring = &rings.rings.atoms[from..];
                    for &a in &ring[1..ring.len() - 1] {
                        gone[a as usize] = stamp;
                    }
                    left -= ring.len() - 2;
                    inner[x as usize].deg -= 1;
                    inner[cur as usize].deg -= 1;
                    rings.rings.close();
                    peeled = true;
                    break 'find;
                }
            }
            if !peeled {
                return false;
            }
        }
        // The last ring: every atom left, each with two bonds left.
        let Some(&x) = atoms.iter().find(|&&a| gone[a as usize] != stamp) else {
            return false;
        };
        let (mut prev, mut cur) = (NONE, x);
        loop {
            if inner[cur as usize].deg != 2 || rings.rings.atoms.len() > g.m {
                return false;
            }
            let next = live(cur).find(|&(b, _)| b != prev && gone[b as usize] != stamp);
            let Some((next, e)) = next else {
                return false;
            };
            rings.step(cur, e);
            if next == x {
                break;
            }
            (prev, cur) = (cur, next);
        }
        let from = *rings.rings.start.last().unwrap_or(&0) as usize;
        if rings.rings.atoms.len() - from != left {
            return false;
        }
        rings.rings.close();
        // A tree of rings: each three-bond atom on two of them and on one
        // bond two share, `expected - 1` such bonds, none on three.
        let bond_uses = &mut s.bond_uses;
        let firsts = &mut s.firsts;
        firsts.clear();
        for r in 0..expected {
            let at = rings.rings.start[r] as usize..rings.rings.start[r + 1] as usize;
            if !(4..=MACROCYCLE).contains(&at.len()) {
                return false;
            }
            let mut low = (NONE, 0);
            for (i, &a) in rings.rings.atoms[at.clone()].iter().enumerate() {
                inner[a as usize].uses += 1;
                if deg[a as usize] == 2 {
                    low = low.min((a, i as u32));
                }
            }
            if low.0 == NONE {
                return false;
            }
            firsts.push((low.0, r as u32, low.1));
            for &e in &rings.bonds[at] {
                let uses = &mut bond_uses[e as usize];
                *uses = (stamp, if uses.0 == stamp { uses.1 + 1 } else { 1 });
            }
        }
        let mut shared = 0;
        for r in 0..expected {
            let at = rings.rings.start[r] as usize..rings.rings.start[r + 1] as usize;
            let (ring, ring_bonds) = (&rings.rings.atoms[at.clone()], &rings.bonds[at]);
            for (i, &e) in ring_bonds.iter().enumerate() {
                let uses = &mut bond_uses[e as usize].1;
                if *uses > 2 {
                    return false;
                }
                if *uses == 2 {
                    // Counted once, from the first of its two rings.
                    *uses = 0;
                    shared += 1;
                    inner[ring[i] as usize].fused += 1;
                    inner[ring[(i + 1) % ring.len()] as usize].fused += 1;
                }
            }
        }
        if shared + 1 != expected {
            return false;
        }
        for &a in atoms {
            let (i, d) = (inner[a as usize], deg[a as usize]);
            if i.uses != d - 1 || i.fused != d - 2 {
                return false;
            }
        }
        firsts.sort_unstable();
        for &(low, r, at) in firsts.iter() {
            let r = r as usize;
            let range = rings.rings.start[r] as usize..rings.rings.start[r + 1] as usize;
            let (cycle, cycle_bonds) = (&rings.rings.atoms[range.clone()], &rings.bonds[range]);
            let (len, at) = (cycle.len(), at as usize);
            let first_live = live(low).next().map(|(b, _)| b);
            let forward = (first_live == Some(cycle[(at + 1) % len])) == (len % 2 == 1);
            s.store.emit(cycle, cycle_bonds, at, forward);
        }
        true
    }

    /// Sizes the buffers only fused systems use, once per molecule.
    fn prepare(&mut self) {
        let s = &mut *self.s;
        if s.prepared {
            return;
        }
        s.prepared = true;
        let (n, m) = (self.g.n, self.g.ends.len());
        s.bfs.ensure(n);
        s.core_bonds.clear();
        s.core_bonds.extend_from_slice(&s.active);
        for (v, len) in [(&mut s.ring_bonds_seen, m), (&mut s.ring_atoms_seen, n)] {
            v.clear();
            v.resize(len, false);
        }
        if s.covered.len() < n {
            s.covered.resize(n, false);
        }
    }

    /// Rings of one connected piece of the pruned graph (`atoms` ascending,
    /// `expected` its cyclomatic number).
    fn component(&mut self, atoms: &[u32], expected: usize) -> Result<(), Stop> {
        self.prepare();
        let mut found: Vec<Vec<u32>> = Vec::new();
        let mut keys = std::mem::take(&mut self.s.keys);
        keys.clear();
        let mut done = 0usize;
        let mut changed = std::mem::take(&mut self.s.changed);
        changed.clear();
        let mut is_done = std::mem::take(&mut self.s.is_done);
        is_done.clear();
        is_done.resize(atoms.len(), false);
        let mut d2 = std::mem::take(&mut self.s.d2);
        let local = |a: u32, atoms: &[u32]| atoms.binary_search(&a).unwrap_or(0);
        while done < atoms.len() {
            while let Some(a) = changed.pop() {
                let i = local(a, atoms);
                if !is_done[i] {
                    is_done[i] = true;
                    done += 1;
                    self.trim(a, &mut changed);
                }
            }
            self.pick_d2_nodes(atoms, &mut d2);
            if !d2.is_empty() {
                self.rings_from_d2_nodes(&d2, &mut found, &mut keys);
                for &a in &d2 {
                    is_done[local(a, atoms)] = true;
                    done += 1;
                    self.trim(a, &mut changed);
                }
            } else if done < atoms.len() {
                let Some(&cand) = atoms.iter().find(|&&a| self.s.deg[a as usize] == 3) else {
                    break;
                };
                self.rings_from_d3_node(cand, &mut found, &mut keys);
                is_done[local(cand, atoms)] = true;
                done += 1;
                self.trim(cand, &mut changed);
            }
        }
        self.s.changed = changed;
        self.s.is_done = is_done;
        self.s.d2 = d2;
        if found.len() < expected && !self.g.all_bonds {
            self.s.keys = keys;
            return Err(Stop::AllBonds);
        }
        let complete = found.len() >= expected
            || (self
                .find_connecting_rings(atoms, &mut found, &mut keys)
                .is_some()
                && found.len() >= expected);
        self.s.keys = keys;
        if !complete {
            return Err(Stop::Fallback);
        }
        if found.len() > expected {
            self.remove_extra_rings(&mut found);
        }
        if found.len() > 1
            && atoms.len() <= MAX_MINIMALITY_CHECK
            && found.iter().any(|r| r.len() > MACROCYCLE)
        {
            self.ensure_minimal(atoms, &mut found);
        }
        for ring in &found {
            self.s.store.push(self.g, ring);
        }
        Ok(())
    }

    /// Trimming a whole round of degree-2 atoms at once can cut the short
    /// way round a macrocycle (tetraarylporphyrins come out with a 20-ring
    /// instead of the 16-ring through the nitrogens; RDKit 2026.09 finds the
    /// 16). Where a ring is that large, check the basis against Horton's
    /// candidates (shortest-path cycles through every atom) and, if a
    /// shorter basis exists, take it, preferring the rings already found.
    fn ensure_minimal(&mut self, atoms: &[u32], found: &mut Vec<Vec<u32>>) {
        let mut candidates: Vec<Vec<u32>> = found.clone();
        let mut bfs_order = Vec::new();
        let mut parent = vec![NONE; self.g.n];
        let mut seen = vec![false; self.g.n];
        for &root in atoms {
            bfs_order.clear();
            bfs_order.push(root);
            seen[root as usize] = true;
            let mut head = 0;
            while head < bfs_order.len() {
                let a = bfs_order[head];
                head += 1;
                for &(b, e) in self.g.neighbors(a) {
                    if self.s.core_bonds[e as usize] && !seen[b as usize] {
                        seen[b as usize] = true;
                        parent[b as usize] = a;
                        bfs_order.push(b);
                    }
                }
            }
            let path = |mut a: u32| {
                let mut p = vec![a];
                while a != root {
                    a = parent[a as usize];
                    p.push(a);
                }
                p
            };
            for &a in &bfs_order {
                for &(b, e) in self.g.neighbors(a) {
                    if a < b
                        && self.s.core_bonds[e as usize]
                        && parent[b as usize] != a
                        && parent[a as usize] != b
                    {
                        let (pa, pb) = (path(a), path(b));
                        // Simple only if the two paths meet at the root alone.
                        if pa
                            .iter()
                            .rev()
                            .nth(1)
                            .is_some_and(|x| pb.iter().rev().nth(1) == Some(x))
                        {
                            continue;
                        }
                        let mut ring: Vec<u32> = pa.into_iter().rev().collect();
                        ring.extend(pb.into_iter().take_while(|&x| x != root));
                        let mut sorted = ring.clone();
                        sorted.sort_unstable();
                        if sorted.windows(2).all(|w| w[0] != w[1]) {
                            candidates.push(ring);
                        }
                    }
                }
            }
            for &a in &bfs_order {
                seen[a as usize] = false;
                parent[a as usize] = NONE;
            }
        }
        // Stable sort keeps the found rings first among rings of one size.
        candidates.sort_by_key(|r| r.len());
        let words = self.g.ends.len().div_ceil(64);
        let mut basis: Vec<(usize, Vec<u64>)> = Vec::new();
        let mut chosen = Vec::new();
        for ring in candidates {
            if chosen.len() == found.len() {
                break;
            }
            let mut v = vec![0u64; words];
            for e in self.g.ring_bonds(&ring) {
                v[e as usize / 64] ^= 1 << (e % 64);
            }
            for (pivot, row) in &basis {
                if v[pivot / 64] >> (pivot % 64) & 1 == 1 {
                    for (x, y) in v.iter_mut().zip(row) {
                        *x ^= y;
                    }
                }
            }
            let Some(word) = v.iter().position(|&w| w != 0) else {
                continue;
            };
            let pivot = word * 64 + v[word].trailing_zeros() as usize;
            basis.push((pivot, v));
            chosen.push(ring);
        }
        let total = |rings: &[Vec<u32>]| rings.iter().map(|r| r.len()).sum::<usize>();
        if chosen.len() == found.len() && total(&chosen) < total(found) {
            *found = chosen;
        }
    }

    /// Removes every live bond of `a`; neighbours left with at most one
    /// bond are queued for pruning.
    fn trim(&mut self, a: u32, changed: &mut Vec<u32>) {
        trim_bonds(self.g, a, &mut self.s.deg, &mut self.s.active, changed);
    }

    /// One atom from every chain of degree-2 atoms, in atom order.
    fn pick_d2_nodes(&mut self, atoms: &[u32], picked: &mut Vec<u32>) {
        picked.clear();
        let mut covered = std::mem::take(&mut self.s.covered_list);
        let mut stack = std::mem::take(&mut self.s.stack);
        for &root in atoms {
            if self.s.deg[root as usize] != 2 || self.s.covered[root as usize] {
                continue;
            }
            picked.push(root);
            self.s.covered[root as usize] = true;
            covered.push(root);
            stack.push(root);
            while let Some(a) = stack.pop() {
                for &(b, e) in self.g.neighbors(a) {
                    if self.s.active[e as usize]
                        && self.s.deg[b as usize] == 2
                        && !self.s.covered[b as usize]
                    {
                        self.s.covered[b as usize] = true;
                        covered.push(b);
                        stack.push(b);
                    }
                }
            }
        }
        for &a in &covered {
            self.s.covered[a as usize] = false;
        }
        covered.clear();
        self.s.covered_list = covered;
        self.s.stack = stack;
    }

    fn note_ring_atoms_bonds(&mut self, ring: &[u32]) {
        for i in 0..ring.len() {
            let e = self.g.bond_between(ring[i], ring[(i + 1) % ring.len()]);
            if e != NONE {
                self.s.ring_bonds_seen[e as usize] = true;
            }
            self.s.ring_atoms_seen[ring[i] as usize] = true;
        }
    }

    fn rings_from_d2_nodes(&mut self, d2: &[u32], found: &mut Vec<Vec<u32>>, keys: &mut RingSet) {
        // Which d2 node found which ring (by its index in `keys`), in order.
        let mut events: Vec<(u32, u32)> = std::mem::take(&mut self.s.events);
        events.clear();
        let mut rings = std::mem::take(&mut self.s.rings);
        for &cand in d2 {
            self.s
                .bfs
                .smallest_rings(self.g, &self.s.active, cand, &[], &mut rings);
            if rings.is_empty() {
                // A chain on a path between ring systems: it closes no ring,
                // so drop it now rather than search from it again.
                let mut changed = vec![cand];
                while let Some(a) = changed.pop() {
                    trim_bonds(self.g, a, &mut self.s.deg, &mut self.s.active, &mut changed);
                }
            }
            for ring in rings.drain(..) {
                let (key, new) = keys.insert(&ring);
                if new {
                    self.note_ring_atoms_bonds(&ring);
                    found.push(ring);
                }
                events.push((key, cand));
            }
        }
        self.s.rings = rings;
        let hits = &mut self.s.hits;
        hits.clear();
        hits.resize(keys.keys.len(), false);
        let twice = events
            .iter()
            .any(|&(k, _)| std::mem::replace(&mut hits[k as usize], true));
        if twice {
            self.rings_from_duplicates(&events, found, keys);
        }
        self.s.events = events;
    }

    /// Nodes that found the same ring may each also close a second, larger
    /// ring that the other hides: cut the duplicates away and look again
    /// (RDKit's example: C12=CON=C1C(C4)CC3CC2CC4C3).
    fn rings_from_duplicates(
        &mut self,
        events: &[(u32, u32)],
        found: &mut Vec<Vec<u32>>,
        keys: &mut RingSet,
    ) {
        // For each ring, the d2 nodes that found it; nodes that found a
        // ring some other node found too are "duplicates" of each other.
        let mut finders: BTreeMap<RingKey, Vec<u32>> = BTreeMap::new();
        let mut duplicates: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &(key, cand) in events {
            let others = finders.entry(keys.key(key).to_vec()).or_default();
            for &other in others.iter() {
                if other != cand {
                    duplicates.entry(cand).or_default().push(other);
                    duplicates.entry(other).or_default().push(cand);
                }
            }
            others.push(cand);
        }
        for cands in finders.values() {
            if cands.len() < 2 {
                continue;
            }
            let mut candidates = Vec::new();
            let mut min_size = usize::MAX;
            for &cand in cands {
                let mut deg = self.s.deg.clone();
                let mut active = self.s.active.clone();
                let mut ignored = Vec::new();
                for &other in duplicates.get(&cand).map_or(&[][..], |v| v) {
                    trim_bonds(self.g, other, &mut deg, &mut active, &mut ignored);
                }
                let before = candidates.len();
                self.s
                    .bfs
                    .smallest_rings(self.g, &active, cand, &[], &mut candidates);
                for ring in &candidates[before..] {
                    min_size = min_size.min(ring.len());
                }
            }
            for ring in candidates {
                if ring.len() == min_size && keys.insert(&ring).1 {
                    found.push(ring);
                }
            }
        }
    }

    /// No degree-2 atom is left: find the (up to three) rings through a
    /// degree-3 atom, each pair of its bonds in one ring.
    fn rings_from_d3_node(&mut self, cand: u32, found: &mut Vec<Vec<u32>>, keys: &mut RingSet) {
        let mut add = |rings: &[Vec<u32>], found: &mut Vec<Vec<u32>>| {
            for ring in rings {
                if keys.insert(ring).1 {
                    found.push(ring.clone());
                }
            }
        };
        let mut rings = Vec::new();
        let small = self
            .s
            .bfs
            .smallest_rings(self.g, &self.s.active, cand, &[], &mut rings);
        add(&rings, found);
        if small >= 3 || rings.is_empty() {
            return;
        }
        let n: Vec<u32> = self
            .g
            .neighbors(cand)
            .iter()
            .filter(|&&(_, e)| self.s.active[e as usize])
            .map(|&(b, _)| b)
            .take(3)
            .collect();
        if n.len() < 3 {
            return;
        }
        let mut more = Vec::new();
        if small == 2 {
            // The neighbour both rings share is kept out of the third.
            let Some(&f) = n
                .iter()
                .find(|&&x| rings[0].contains(&x) && rings[1].contains(&x))
            else {
                return;
            };
            self.s
                .bfs
                .smallest_rings(self.g, &self.s.active, cand, &[f], &mut more);
            add(&more, found);
        } else {
            let (f1, f2) = match n.iter().position(|x| !rings[0].contains(x)) {
                Some(0) => (n[1], n[2]),
                Some(1) => (n[0], n[2]),
                Some(_) => (n[0], n[1]),
                None => return,
            };
            for forbidden in [f2, f1] {
                more.clear();
                self.s
                    .bfs
                    .smallest_rings(self.g, &self.s.active, cand, &[forbidden], &mut more);
                add(&more, found);
            }
        }
    }

    /// Too few rings: some ring is made only of atoms already in rings.
    /// Look for a ring through each bond joining two ring atoms that no
    /// ring uses yet (RDKit's fix for highly fused systems). `None` when
    /// the path search hits its bound.
    fn find_connecting_rings(
        &mut self,
        atoms: &[u32],
        found: &mut Vec<Vec<u32>>,
        keys: &mut RingSet,
    ) -> Option<()> {
        let mut dead = BTreeSet::new();
        loop {
            let next = atoms.iter().find_map(|&a| {
                self.g.neighbors(a).iter().find_map(|&(b, e)| {
                    (a < b
                        && self.g.ends[e as usize].3
                        && !self.s.ring_bonds_seen[e as usize]
                        && !dead.contains(&e)
                        && self.s.ring_atoms_seen[a as usize]
                        && self.s.ring_atoms_seen[b as usize])
                        .then_some((a, b, e))
                })
            });
            let Some((a, b, e)) = next else {
                return Some(());
            };
            match self.connecting_ring(a, b, keys)? {
                Some(ring) => {
                    self.note_ring_atoms_bonds(&ring);
                    keys.insert(&ring);
                    found.push(ring);
                    self.s.ring_bonds_seen[e as usize] = true;
                }
                None => {
                    dead.insert(e);
                }
            }
        }
    }

    /// Breadth-first search over simple paths from `from` to `to` through
    /// ring atoms, for the first ring not yet known. `None` on overflow.
    fn connecting_ring(&self, from: u32, to: u32, keys: &mut RingSet) -> Option<Option<Vec<u32>>> {
        // Paths as a tree: (atom, index of the previous step).
        let mut steps: Vec<(u32, u32)> = vec![(from, NONE)];
        let path = |steps: &[(u32, u32)], mut i: u32| {
            let mut p = Vec::new();
            while i != NONE {
                p.push(steps[i as usize].0);
                i = steps[i as usize].1;
            }
            p.reverse();
            p
        };
        let mut head = 0usize;
        while head < steps.len() {
            if steps.len() > MAX_PATHS {
                return None;
            }
            let (cur, _) = steps[head];
            let here = path(&steps, head as u32);
            for &(nbr, e) in self.g.neighbors(cur) {
                if !self.g.ends[e as usize].3 {
                    continue;
                }
                if nbr == to {
                    if cur != from {
                        let mut ring = here.clone();
                        ring.push(nbr);
                        if !keys.contains(&ring) {
                            return Some(Some(ring));
                        }
                    }
                } else if self.s.ring_atoms_seen[nbr as usize] && !here.contains(&nbr) {
                    steps.push((nbr, head as u32));
                }
            }
            head += 1;
        }
        Some(None)
    }

    /// More rings than the cyclomatic number: keep, smallest first, every
    /// ring that brings a bond not yet covered; among rings of one size,
    /// prefer the one overlapping most with what is kept. The rest are
    /// remembered as candidates for symmetrization.
    fn remove_extra_rings(&mut self, found: &mut Vec<Vec<u32>>) {
        found.sort_by_key(|r| r.len());
        let words = self.g.ends.len().div_ceil(64);
        let bits: Vec<Vec<u64>> = found
            .iter()
            .map(|r| {
                let mut v = vec![0u64; words];
                for e in self.g.ring_bonds(r) {
                    if e != NONE {
                        v[e as usize / 64] |= 1 << (e % 64);
                    }
                }
                v
            })
            .collect();
        let subset = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(x, y)| x & !y == 0);
        let overlap = |a: &[u64], b: &[u64]| -> u32 {
            a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
        };
        let n = found.len();
        let mut avail = vec![true; n];
        let mut keep = vec![false; n];
        let mut union = vec![0u64; words];
        let add = |union: &mut Vec<u64>, r: &[u64]| {
            for (u, x) in union.iter_mut().zip(r) {
                *u |= x;
            }
        };
        for i in 0..n {
            if subset(&bits[i], &union) {
                avail[i] = false;
            }
            if !avail[i] {
                continue;
            }
            add(&mut union, &bits[i]);
            keep[i] = true;
            let size = found[i].len();
            let mut consider: Vec<usize> = (i + 1..n)
                .filter(|&j| avail[j] && found[j].len() == size)
                .collect();
            while !consider.is_empty() {
                let mut best = 0;
                let mut best_overlap = -1i64;
                for (k, &j) in consider.iter().enumerate() {
                    let o = overlap(&bits[j], &union) as i64;
                    if o > best_overlap {
                        best_overlap = o;
                        best = k;
                    }
                }
                let j = consider.remove(best);
                avail[j] = false;
                if !subset(&bits[j], &union) {
                    keep[j] = true;
                    add(&mut union, &bits[j]);
                }
            }
        }
        let all = std::mem::take(found);
        for (ring, kept) in all.into_iter().zip(keep) {
            if kept {
                found.push(ring);
            } else {
                self.extras.push(ring);
            }
        }
    }

    /// RDKit's `symmetrizeSSSR`: a dropped ring joins the ring list when it
    /// could stand in for one SSSR ring of its size: it shares a bond with
    /// it and carries every bond only that ring provides.
    fn symmetrize(&mut self) -> Vec<Vec<u32>> {
        if self.extras.is_empty() {
            return Vec::new();
        }
        let sssr_bonds: Vec<Vec<u32>> = self
            .s
            .store
            .iter()
            .map(|r| self.g.ring_bonds(r).collect())
            .collect();
        let mut count = vec![0u32; self.g.ends.len()];
        for e in sssr_bonds.iter().flatten() {
            if *e != NONE {
                count[*e as usize] += 1;
            }
        }
        let mut kept = Vec::new();
        for extra in std::mem::take(&mut self.extras) {
            let extra_bonds: Vec<u32> = self.g.ring_bonds(&extra).collect();
            let fits = sssr_bonds.iter().any(|ring| {
                ring.len() == extra_bonds.len()
                    && ring.iter().any(|e| extra_bonds.contains(e))
                    && ring
                        .iter()
                        .all(|e| *e == NONE || count[*e as usize] != 1 || extra_bonds.contains(e))
            });
            if fits {
                kept.push(extra);
            }
        }
        kept
    }
}

/// Lays out in `atoms` and `bonds` the forest ring that ring closure `e`
/// (from `b` to `a`) closes: the closure and the forest paths from its ends up to where they
/// meet, the ring's lowest atom. Returns the ring's range, where it runs
/// from its lowest atom down the side of the closure's second atom and
/// `bonds[i]` joins atoms `i` and `i + 1` (the last one back to the lowest
/// atom). `None` when the ends are in two trees, and on a ring of fewer
/// than three atoms. `atoms` and `bonds` hold `2 * n + 1`.
// Inlined into its two callers' loops, where it is most of the work.
#[inline(always)]
fn forest_ring(
    g: &Graph,
    (e, b, a): (u32, u32, u32),
    atoms: &mut [u32],
    bonds: &mut [u32],
) -> Option<std::ops::Range<usize>> {
    let (n, tree) = (g.n, &g.forest.tree_bond[..]);
    // A SMILES ring closure's first atom opens the ring and is usually its
    // lowest atom, so the whole ring is usually on the side of its second
    // atom, `a` here.
    // The path up from `a` goes leftwards from `n - 1`, the one up from `b`
    // rightwards from `n`, and the lowest atom left of both. As in
    // `Scratch::cover_forest`, the higher atom is never the other's
    // ancestor and steps up.
    let (mut lo, mut hi) = (n, n);
    bonds[n - 1] = e;
    // The side of `a` steps while it is the higher, in an inner loop of
    // its own: that is the whole ring when `b` is an ancestor of `a`.
    let (mut u, mut v) = (a, b);
    loop {
        while u > v {
            let (t, parent) = tree[u as usize];
            if t >= NO_TREE {
                return None;
            }
            lo -= 1;
            atoms[lo] = u;
            bonds[lo - 1] = t;
            u = parent;
        }
        if u == v {
            break;
        }
        let (t, parent) = tree[v as usize];
        if t >= NO_TREE {
            return None;
        }
        atoms[hi] = v;
        bonds[hi] = t;
        hi += 1;
        v = parent;
    }
    if hi - lo < 2 {
        return None;
    }
    atoms[lo - 1] = u;
    Some(lo - 1..hi)
}

/// The ring of a two-ring system that `chord` (a path shared with `full`,
/// closed by one bond; each ring as atoms and bonds) does not give: that
/// bond closing the part of `full` off the path, laid out in `atoms` and
/// `bonds` from one end of the path to the other. `shared` tells the
/// path's `k` atoms. `false` if `full` is not of that shape.
fn close_off(
    (full, full_bonds): (&[u32], &[u32]),
    (chord, chord_bonds): (&[u32], &[u32]),
    k: usize,
    shared: impl Fn(u32) -> bool,
    atoms: &mut Vec<u32>,
    bonds: &mut Vec<u32>,
) -> bool {
    let len = full.len();
    // The first atom off the path: the rest follow it up to the path.
    let Some(first) = (0..len).find(|&i| !shared(full[i]) && shared(full[(i + len - 1) % len]))
    else {
        return false;
    };
    // From the path's end before it to the path's other end, with the
    // bonds between.
    let off = len - k;
    atoms.clear();
    bonds.clear();
    for j in 0..off + 2 {
        atoms.push(full[(first + len - 1 + j) % len]);
    }
    for j in 0..off + 1 {
        bonds.push(full_bonds[(first + len - 1 + j) % len]);
    }
    let (x, y) = (atoms[0], atoms[off + 1]);
    let clen = chord.len();
    let Some(xy) = (0..clen).find(|&i| {
        let (p, q) = (chord[i], chord[(i + 1) % clen]);
        (p == x && q == y) || (p == y && q == x)
    }) else {
        return false;
    };
    bonds.push(chord_bonds[xy]);
    shared(y) && atoms[1..=off].iter().all(|&a| !shared(a))
}

fn trim_bonds(g: &Graph, a: u32, deg: &mut [u32], active: &mut [bool], changed: &mut Vec<u32>) {
    for &(b, e) in g.neighbors(a) {
        if !active[e as usize] {
            continue;
        }
        if deg[b as usize] <= 2 {
            changed.push(b);
        }
        active[e as usize] = false;
        deg[b as usize] -= 1;
        deg[a as usize] -= 1;
    }
}

/// An atom of a ring system `Finder::fused_rings` looks at: its cycle
/// bonds not yet peeled off, and how many of its rings hold it, and how
/// many bonds shared by two of them.
#[derive(Clone, Copy, Default)]
struct Inner {
    deg: u32,
    uses: u32,
    fused: u32,
}

/// Breadth-first search for the smallest rings through one atom, with
/// scratch arrays reset only where the last search touched them.
#[derive(Default)]
struct Bfs {
    color: Vec<u8>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    queue: Vec<u32>,
    mark: Vec<u32>,
    stamp: u32,
    /// The two tree paths `close_ring` joins.
    head: Vec<u32>,
    tail: Vec<u32>,
}

const WHITE: u8 = 0;
const GRAY: u8 = 1;
const BLACK: u8 = 2;

impl Bfs {
    /// Room for `n` atoms; entries are left clean by every search.
    fn ensure(&mut self, n: usize) {
        if self.color.len() < n {
            self.color.resize(n, WHITE);
            self.parent.resize(n, NONE);
            self.depth.resize(n, 0);
            self.mark.resize(n, 0);
        }
    }

    /// Appends every smallest ring through `root` (avoiding `forbidden`
    /// atoms) to `out`, each starting at `root`; returns how many.
    fn smallest_rings(
        &mut self,
        g: &Graph,
        active: &[bool],
        root: u32,
        forbidden: &[u32],
        out: &mut Vec<Vec<u32>>,
    ) -> usize {
        for &f in forbidden {
            self.color[f as usize] = BLACK;
        }
        self.queue.clear();
        self.queue.push(root);
        let mut found = 0usize;
        let mut best = usize::MAX;
        let mut head = 0;
        'search: while head < self.queue.len() {
            let cur = self.queue[head];
            head += 1;
            self.color[cur as usize] = BLACK;
            let depth = self.depth[cur as usize] + 1;
            // A ring closed from here is at least `2 * depth - 1` long (its
            // other end is queued, so no shallower): once that is over the
            // best, nothing more can be kept.
            if 2 * depth as usize - 1 > best {
                break;
            }
            for &(nbr, e) in g.neighbors(cur) {
                if !active[e as usize] {
                    continue;
                }
                let c = self.color[nbr as usize];
                if c == BLACK || self.parent[cur as usize] == nbr {
                    continue;
                }
                if c == WHITE {
                    self.parent[nbr as usize] = cur;
                    self.color[nbr as usize] = GRAY;
                    self.depth[nbr as usize] = depth;
                    self.queue.push(nbr);
                } else if let Some(ring) = self.close_ring(root, cur, nbr) {
                    if ring.len() > best {
                        break 'search;
                    }
                    best = ring.len();
                    out.push(ring);
                    found += 1;
                }
            }
        }
        for &a in self.queue.iter().chain(forbidden) {
            self.color[a as usize] = WHITE;
            self.parent[a as usize] = NONE;
            self.depth[a as usize] = 0;
        }
        found
    }

    /// Joins the tree paths root..cur and nbr..root into a ring; `None`
    /// when they meet before the root (not a ring through it).
    fn close_ring(&mut self, root: u32, cur: u32, nbr: u32) -> Option<Vec<u32>> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let (head, tail) = (&mut self.head, &mut self.tail);
        tail.clear();
        tail.push(nbr);
        self.mark[nbr as usize] = stamp;
        let mut p = self.parent[nbr as usize];
        while p != NONE && p != root {
            tail.push(p);
            self.mark[p as usize] = stamp;
            p = self.parent[p as usize];
        }
        head.clear();
        head.push(cur);
        self.mark[cur as usize] = stamp;
        let mut p = self.parent[cur as usize];
        while p != NONE {
            if self.mark[p as usize] == stamp {
                return None;
            }
            self.mark[p as usize] = stamp;
            head.push(p);
            p = self.parent[p as usize];
        }
        if head.len() + tail.len() < 2 {
            return None;
        }
        let mut ring = Vec::with_capacity(head.len() + tail.len());
        ring.extend(head.iter().rev());
        ring.extend_from_slice(tail);
        Some(ring)
    }
}
