//! Per-molecule facts that query predicates test, computed once per molecule.

use std::sync::OnceLock;

use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::mol::{Adjacency, BondOrder, Mol};

#[derive(Clone, Copy, Debug, Default)]
struct AtomFacts {
    /// Hydrogen atoms bonded to this one as graph atoms.
    h_neighbors: u32,
    /// Bond valences, a dative bond counting on its acceptor only.
    bonded_valence: u32,
}

/// Per-molecule facts, computed once per molecule and shared by every query.
#[derive(Debug)]
pub struct Target<'m> {
    /// Its [`Mol::adjacency`] is built on the first question that needs
    /// it: a search that ends on an empty domain row asks none.
    mol: &'m Mol,
    /// Hydrogen and valence facts, computed on the first question: plain
    /// element and bond queries never ask.
    facts: OnceLock<Vec<AtomFacts>>,
    /// Atom -> bit position of its element in element masks (the atomic
    /// number, capped as [`super::element_bit`] caps it), with
    /// [`AROMATIC`] set for an aromatic atom: the first tests of every atom
    /// predicate read one byte, not the atom in the graph. Zeros follow up
    /// to a multiple of eight bytes, for [`Target::mark`] to read in words.
    atoms: Codes,
    elements: u128,
    /// Atoms per element bit position, counted on the first
    /// [`Target::atoms_of`]: the search does not ask, and a table per
    /// molecule cost more to clear than the searches that used it.
    per_element: OnceLock<Box<[u32; 128]>>,
}

/// The aromatic flag in [`Target`]'s per-atom byte.
const AROMATIC: u8 = 0x80;

/// The bytes of up to this many atoms are kept in the [`Target`] itself.
const IN_PLACE: usize = 64;

/// [`Target`]'s per-atom bytes: in place for a molecule of up to
/// [`IN_PLACE`] atoms, nearly every one, which then costs no allocation
/// and no free.
#[derive(Debug)]
enum Codes {
    InPlace([u8; IN_PLACE]),
    Heap(Vec<u8>),
}

impl Codes {
    /// `len` zeros.
    fn zeros(len: usize) -> Codes {
        if len <= IN_PLACE {
            Codes::InPlace([0; IN_PLACE])
        } else {
            Codes::Heap(vec![0; len])
        }
    }

    /// All the bytes: past the atoms (and their padding) in place, zeros.
    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Codes::InPlace(bytes) => bytes,
            Codes::Heap(bytes) => bytes,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Codes::InPlace(bytes) => bytes,
            Codes::Heap(bytes) => bytes,
        }
    }
}

/// Bit `i` set where byte `i` of `bytes`, masked by `keep`, is `want`.
#[inline]
fn bytes_equal(bytes: [u8; 8], keep: u8, want: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let splat = |b: u8| u64::from_le_bytes([b; 8]);
    let x = u64::from_le_bytes(bytes) & splat(keep) ^ splat(want);
    // The top bit of each byte set where the byte is zero; no carry
    // crosses bytes, so no byte is reported for its neighbour's sake.
    let zero = !((x & LOW7).wrapping_add(LOW7) | x | LOW7);
    // Byte i's flag moved to bit i.
    (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// [`bytes_equal`] over up to 64 bytes, a multiple of eight: bit `i` for
/// byte `i`.
#[inline]
fn bytes_equal_bits(bytes: &[u8], keep: u8, want: u8) -> u64 {
    // Shifted in from the top, last group first: a chain the compiler
    // leaves scalar, where shifts by position were turned into slower
    // vector multiplies.
    let mut bits = 0;
    for group in bytes.chunks_exact(8).rev() {
        let mut eight = [0; 8];
        eight.copy_from_slice(group);
        bits = bits << 8 | bytes_equal(eight, keep, want);
    }
    bits
}

impl<'m> Target<'m> {
    pub fn new(mol: &'m Mol) -> Self {
        // Filled in place: collected, the graph's node iterator pushed
        // one byte at a time.
        let n = mol.atom_count();
        let mut atoms = Codes::zeros(n.div_ceil(8) * 8);
        // Elements past 63 are rare enough that they are left to a second
        // pass, made only if the first meets one (`over` gathers every
        // element's top bits); the first then has one word of mask to
        // set, and no element to cap at 127.
        let (mut low, mut over) = (0u64, 0u8);
        // Slices zipped, which the compiler walks by one index.
        for (code, node) in atoms.bytes_mut().iter_mut().zip(mol.graph().raw_nodes()) {
            let a = &node.weight;
            *code = a.element | if a.aromatic { AROMATIC } else { 0 };
            low |= 1 << (a.element & 63);
            over |= a.element;
        }
        // The mask in two words: a 128-bit shift per atom costs twice the
        // rest of the loop.
        let mut high = 0u64;
        if over >= 64 {
            low = 0;
            for (code, a) in atoms.bytes_mut().iter_mut().zip(mol.atoms()) {
                let z = a.element.min(127);
                *code = z | if a.aromatic { AROMATIC } else { 0 };
                if z < 64 {
                    low |= 1 << z;
                } else {
                    high |= 1 << (z - 64);
                }
            }
        }
        Target {
            mol,
            facts: OnceLock::new(),
            elements: u128::from(high) << 64 | u128::from(low),
            atoms,
            per_element: OnceLock::new(),
        }
    }

    pub fn mol(&self) -> &'m Mol {
        self.mol
    }

    pub fn atom_count(&self) -> usize {
        self.mol.atom_count()
    }

    /// The per-atom bytes, without the padding: for a search that tests
    /// many atoms against [`Target::code_of`].
    #[inline]
    pub(super) fn codes(&self) -> &[u8] {
        &self.atoms.bytes()[..self.atom_count()]
    }

    /// The byte of [`Target::codes`] that exactly the atoms of the one
    /// element of `mask` that are aromatic (or not) as told have; `None`
    /// when `mask` has other elements too.
    pub(super) fn code_of(mask: u128, aromatic: bool) -> Option<u8> {
        let z = mask.trailing_zeros() as u8;
        (mask.count_ones() == 1).then_some(z | if aromatic { AROMATIC } else { 0 })
    }

    /// Whether atom `t`'s element is in `mask` ([`super::element_bit`]s):
    /// one 64-bit word tested, not a 128-bit bit built, as this runs once
    /// per target atom per query atom.
    #[inline]
    pub fn element_in(&self, t: usize, mask: u128) -> bool {
        let z = self.atoms.bytes()[t] & !AROMATIC;
        let word = if z < 64 {
            mask as u64
        } else {
            (mask >> 64) as u64
        };
        word >> (z & 63) & 1 != 0
    }

    /// Sets in `row` (bit `t` for atom `t`) the atoms whose element is in
    /// `mask` and, unless `aromatic` is `None`, whose aromaticity is as
    /// told, clearing the others: the element test of every atom, and all
    /// of a plain atom predicate ([`super::Query::atom_plain`]), without a
    /// branch per atom.
    pub(super) fn mark(&self, mask: u128, aromatic: Option<bool>, row: &mut [u64]) {
        let (low, high) = (mask as u64, (mask >> 64) as u64);
        // One element below 64 (one word to test, not two), as most query
        // atoms ask: its byte compared, eight atoms at a time.
        if high == 0 && low != 0 && low & (low - 1) == 0 {
            let z = low.trailing_zeros() as u8;
            let (keep, want) = match aromatic {
                Some(true) => (u8::MAX, z | AROMATIC),
                Some(false) => (u8::MAX, z),
                None => (!AROMATIC, z),
            };
            let n = self.atom_count();
            let groups = n.div_ceil(8) * 8;
            match &self.atoms {
                // One word, its groups in an array of known length: no
                // chunks of 64 to set up for the usual molecule.
                Codes::InPlace(bytes) => {
                    if let Some(word) = row.first_mut() {
                        // Capped at the array's length: no bound to check.
                        *word = bytes_equal_bits(&bytes[..groups.min(IN_PLACE)], keep, want);
                    }
                }
                Codes::Heap(bytes) => {
                    let padded = bytes.get(..groups).unwrap_or_default();
                    for (chunk, word) in padded.chunks(64).zip(row.iter_mut()) {
                        *word = bytes_equal_bits(chunk, keep, want);
                    }
                }
            }
            // The padding read past the last atom is zeros, which only a
            // byte of zero matches: that of a `*` atom not aromatic.
            if want == 0 {
                if let Some(last) = row.get_mut(n / 64).filter(|_| n % 64 != 0) {
                    *last &= (1 << (n % 64)) - 1;
                }
            }
            return;
        }
        self.mark_any(low, high, aromatic, row);
    }

    /// [`Target::mark`] for any mask, in words `low` and `high`. Out of
    /// line: the registers it needs would be saved on every call of the
    /// one-element case.
    #[inline(never)]
    fn mark_any(&self, low: u64, high: u64, aromatic: Option<bool>, row: &mut [u64]) {
        // An atom's byte indexes this table of 256 bits: the element mask
        // in the half of each aromaticity allowed, none in the other.
        let table = match aromatic {
            Some(true) => [0, 0, low, high],
            Some(false) => [low, high, 0, 0],
            None => [low, high, low, high],
        };
        for (chunk, word) in self.codes().chunks(64).zip(row) {
            // Shifted in from the top, last atom first: a chain the
            // compiler leaves scalar, where bits set by position were
            // turned into slower vector shifts.
            let mut bits = 0u64;
            for &code in chunk.iter().rev() {
                bits = bits << 1 | table[usize::from(code >> 6)] >> (code & 63) & 1;
            }
            *word = bits;
        }
    }

    /// Whether atom `t` is aromatic.
    #[inline]
    pub fn is_aromatic(&self, t: usize) -> bool {
        self.atoms.bytes()[t] & AROMATIC != 0
    }

    /// How many atoms have an element of `mask` ([`super::element_bit`]s).
    pub fn atoms_of(&self, mask: u128) -> u32 {
        let mut present = mask & self.elements;
        if present == self.elements {
            return self.atom_count() as u32;
        }
        let per_element = self.per_element.get_or_init(|| {
            let mut counts = Box::new([0u32; 128]);
            for &code in self.codes() {
                counts[usize::from(code & !AROMATIC)] += 1;
            }
            counts
        });
        let mut atoms = 0;
        while present != 0 {
            atoms += per_element[present.trailing_zeros() as usize];
            present &= present - 1;
        }
        atoms
    }

    /// The elements of the molecule, as a mask of [`super::element_bit`]s.
    pub fn elements(&self) -> u128 {
        self.elements
    }

    /// The molecule's adjacency, built on the first call.
    #[inline]
    pub(super) fn adjacency(&self) -> &'m Adjacency {
        self.mol.adjacency()
    }

    /// (neighbour atom, bond index) pairs, in bond index order.
    #[inline]
    pub fn neighbors(&self, atom: usize) -> &[(u32, u32)] {
        self.adjacency().neighbors(atom)
    }

    /// The bond between two atoms, if any.
    #[inline]
    pub fn bond_between(&self, a: usize, b: usize) -> Option<usize> {
        self.adjacency().bond_between(a, b)
    }

    /// SMARTS `D`: explicit connections (hydrogen atoms included).
    #[inline]
    pub fn degree(&self, atom: usize) -> u32 {
        self.adjacency().degree(atom)
    }

    /// Whether every aromatic atom is known to have two bonds at least
    /// ([`Mol::aromatic_on_rings`]).
    #[inline]
    pub(super) fn aromatic_on_rings(&self) -> bool {
        self.mol.aromatic_on_rings()
    }

    /// The molecule's adjacency if something has built it.
    #[inline]
    pub(super) fn built_adjacency(&self) -> Option<&'m Adjacency> {
        self.mol.built_adjacency()
    }

    /// Whether `atom` has at least `k` connections, found by walking the
    /// graph's own lists of the atom's bonds as far as `k`: for a few
    /// atoms, cheaper than building the adjacency.
    pub(super) fn walk_degree(&self, atom: usize, k: u32) -> bool {
        // Both lists, as the adjacency counts a bond to the atom itself
        // twice.
        let graph = self.mol.graph();
        let (nodes, edges) = (graph.raw_nodes(), graph.raw_edges());
        let mut seen = 0;
        for direction in [Direction::Outgoing, Direction::Incoming] {
            let mut e = nodes[atom].next_edge(direction);
            while seen < k {
                let Some(edge) = edges.get(e.index()) else {
                    break;
                };
                seen += 1;
                e = edge.next_edge(direction);
            }
        }
        seen >= k
    }

    /// SMARTS `H`: implicit and bracket hydrogens plus hydrogen-atom neighbours.
    #[inline]
    pub fn total_h(&self, atom: usize) -> u32 {
        let own = self.mol.atom(atom).total_h() as u32;
        // Hydrogen atoms in the graph are rare: without any, no facts needed.
        if self.elements & super::element_bit(1) == 0 {
            return own;
        }
        own + self.atom_facts()[atom].h_neighbors
    }

    /// SMARTS `h`: the implicit hydrogen count.
    #[inline]
    pub fn implicit_h(&self, atom: usize) -> u32 {
        self.mol.atom(atom).implicit_h as u32
    }

    /// SMARTS `X`: explicit connections plus implicit and bracket hydrogens.
    #[inline]
    pub fn total_degree(&self, atom: usize) -> u32 {
        self.degree(atom) + self.mol.atom(atom).total_h() as u32
    }

    /// SMARTS `v`: RDKit's total valence, bond orders plus all hydrogens.
    /// Bond orders are Kekulé, so an aromatic carbon shows 4, pyridine N 3.
    #[inline]
    pub fn valence(&self, atom: usize) -> u32 {
        self.atom_facts()[atom].bonded_valence + self.mol.atom(atom).total_h() as u32
    }

    /// SMARTS `R<n>`: rings of `mol.rings().rings()` containing the atom.
    // The four ring questions stay out of line: inlined, they grow the atom
    // predicate past what the compiler inlines into the search loop.
    #[inline(never)]
    pub fn ring_count(&self, atom: usize) -> u32 {
        self.mol.rings().atom_ring_count(atom) as u32
    }

    /// SMARTS `r<n>`: size of the smallest ring containing the atom, 0 if none.
    #[inline(never)]
    pub fn min_ring_size(&self, atom: usize) -> u32 {
        self.mol.rings().atom_min_ring_size(atom).unwrap_or(0) as u32
    }

    /// SMARTS `x<n>`: ring bonds at the atom.
    #[inline(never)]
    pub fn ring_bond_count(&self, atom: usize) -> u32 {
        let rings = self.mol.rings();
        self.neighbors(atom)
            .iter()
            .filter(|&&(_, bond)| rings.is_ring_bond(bond as usize))
            .count() as u32
    }

    /// SMARTS `@`: the bond lies in a ring.
    #[inline(never)]
    pub fn is_ring_bond(&self, bond: usize) -> bool {
        self.mol.rings().is_ring_bond(bond)
    }

    fn atom_facts(&self) -> &[AtomFacts] {
        self.facts.get_or_init(|| {
            let mol = self.mol;
            let mut facts = vec![AtomFacts::default(); mol.atom_count()];
            for e in mol.graph().edge_references() {
                let (a, b) = (e.source().index(), e.target().index());
                let bond = e.weight();
                let order = bond.order.valence() as u32;
                if bond.order != BondOrder::Dative {
                    facts[a].bonded_valence += order;
                }
                facts[b].bonded_valence += order;
                facts[a].h_neighbors += u32::from(mol.atom(b).element == 1);
                facts[b].h_neighbors += u32::from(mol.atom(a).element == 1);
            }
            facts
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::element_bit;

    #[test]
    fn walked_degrees_are_the_adjacency_degrees() {
        for smiles in ["CC(C)(O)C1CC1", "CS(F)(F)(F)(F)Cl.[Na+]", "c1ccccc1N(=O)=O"] {
            let mol = crate::smiles::parse(smiles).unwrap();
            let target = Target::new(&mol);
            let walked: Vec<Vec<bool>> = (0..mol.atom_count())
                .map(|t| (0..8).map(|k| target.walk_degree(t, k)).collect())
                .collect();
            // Walked before anything built the adjacency.
            assert!(target.built_adjacency().is_none());
            for (t, walked) in walked.iter().enumerate() {
                for (k, &at_least) in walked.iter().enumerate() {
                    assert_eq!(at_least, target.degree(t) >= k as u32, "{smiles} {t} {k}");
                }
            }
        }
    }

    #[test]
    fn mark_sets_exactly_the_atoms_asked_for() {
        // Under eight atoms; and past 64, with a second word's tail that is
        // no multiple of eight.
        let long = "c1ccccc1".to_owned() + &"CN(O)S".repeat(17) + "[NH4+].[Cl-].[*].[U]";
        for smiles in ["OC=O", long.as_str()] {
            let mol = crate::smiles::parse(smiles).unwrap();
            let target = Target::new(&mol);
            let n = mol.atom_count();
            let words = n.div_ceil(64);
            for mask in [
                element_bit(0),
                element_bit(6),
                element_bit(7),
                element_bit(17),
                element_bit(92),
                element_bit(6) | element_bit(8),
            ] {
                for aromatic in [None, Some(true), Some(false)] {
                    let mut row = vec![u64::MAX; words];
                    target.mark(mask, aromatic, &mut row);
                    for t in 0..n {
                        let expected = target.element_in(t, mask)
                            && aromatic.map_or(true, |a| target.is_aromatic(t) == a);
                        let got = row[t / 64] >> (t % 64) & 1 == 1;
                        assert_eq!(got, expected, "atom {t}, mask {mask:x}, {aromatic:?}");
                    }
                    // Nothing past the last atom.
                    assert_eq!(row[words - 1] >> (n % 64), 0);
                }
            }
        }
    }
}
