//! Per-molecule facts that query predicates test, computed once per molecule.

use std::sync::OnceLock;

use petgraph::visit::EdgeRef;

use crate::mol::{BondOrder, Mol};

/// Adjacency in compressed sparse rows: the neighbours of atom `i` are
/// `pairs[offsets[i]..offsets[i + 1]]`, each `(neighbour, bond)`, in bond
/// index order.
#[derive(Clone, Debug, Default)]
pub(super) struct Csr {
    offsets: Vec<u32>,
    pairs: Vec<(u32, u32)>,
}

impl Csr {
    pub(super) fn of(mol: &Mol) -> Csr {
        let n = mol.atom_count();
        let graph = mol.graph();
        let mut offsets = vec![0u32; n + 1];
        for e in graph.edge_references() {
            offsets[e.source().index() + 1] += 1;
            offsets[e.target().index() + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut pairs = vec![(0u32, 0u32); 2 * mol.bond_count()];
        for e in graph.edge_references() {
            let (a, b, id) = (
                e.source().index(),
                e.target().index(),
                e.id().index() as u32,
            );
            pairs[fill[a] as usize] = (b as u32, id);
            fill[a] += 1;
            pairs[fill[b] as usize] = (a as u32, id);
            fill[b] += 1;
        }
        Csr { offsets, pairs }
    }

    #[inline]
    pub(super) fn neighbors(&self, atom: usize) -> &[(u32, u32)] {
        &self.pairs[self.offsets[atom] as usize..self.offsets[atom + 1] as usize]
    }

    #[inline]
    pub(super) fn degree(&self, atom: usize) -> u32 {
        self.offsets[atom + 1] - self.offsets[atom]
    }

    /// The bond between `a` and `b`, found by scanning `a`'s (short) list.
    #[inline]
    pub(super) fn bond_between(&self, a: usize, b: u32) -> Option<u32> {
        self.neighbors(a)
            .iter()
            .find(|&&(n, _)| n == b)
            .map(|&(_, bond)| bond)
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct AtomFacts {
    /// Hydrogen atoms bonded to this one as graph atoms.
    h_neighbors: u32,
    /// Bond valences, a dative bond counting on its acceptor only.
    bonded_valence: u32,
}

/// Ring facts, computed on the first ring question: most queries ask none.
#[derive(Clone, Debug)]
struct RingFacts {
    ring_count: Vec<u32>,
    min_ring_size: Vec<u32>,
    ring_bond_count: Vec<u32>,
    ring_bond: Vec<bool>,
}

/// Per-molecule facts, computed once per molecule and shared by every query.
#[derive(Debug)]
pub struct Target<'m> {
    mol: &'m Mol,
    csr: Csr,
    facts: Vec<AtomFacts>,
    rings: OnceLock<RingFacts>,
}

impl<'m> Target<'m> {
    pub fn new(mol: &'m Mol) -> Self {
        let csr = Csr::of(mol);
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
        Target {
            mol,
            csr,
            facts,
            rings: OnceLock::new(),
        }
    }

    pub fn mol(&self) -> &'m Mol {
        self.mol
    }

    pub fn atom_count(&self) -> usize {
        self.facts.len()
    }

    /// (neighbour atom, bond index) pairs, CSR storage.
    #[inline]
    pub fn neighbors(&self, atom: usize) -> &[(u32, u32)] {
        self.csr.neighbors(atom)
    }

    /// The bond between two atoms, if any.
    #[inline]
    pub fn bond_between(&self, a: usize, b: usize) -> Option<usize> {
        self.csr.bond_between(a, b as u32).map(|bond| bond as usize)
    }

    /// SMARTS `D`: explicit connections (hydrogen atoms included).
    #[inline]
    pub fn degree(&self, atom: usize) -> u32 {
        self.csr.degree(atom)
    }

    /// SMARTS `H`: implicit and bracket hydrogens plus hydrogen-atom neighbours.
    #[inline]
    pub fn total_h(&self, atom: usize) -> u32 {
        self.mol.atom(atom).total_h() as u32 + self.facts[atom].h_neighbors
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
        self.facts[atom].bonded_valence + self.mol.atom(atom).total_h() as u32
    }

    /// SMARTS `R<n>`: rings of `mol.rings().rings()` containing the atom.
    pub fn ring_count(&self, atom: usize) -> u32 {
        self.ring_facts().ring_count[atom]
    }

    /// SMARTS `r<n>`: size of the smallest ring containing the atom, 0 if none.
    pub fn min_ring_size(&self, atom: usize) -> u32 {
        self.ring_facts().min_ring_size[atom]
    }

    /// SMARTS `x<n>`: ring bonds at the atom.
    pub fn ring_bond_count(&self, atom: usize) -> u32 {
        self.ring_facts().ring_bond_count[atom]
    }

    /// SMARTS `@`: the bond lies in a ring.
    pub fn is_ring_bond(&self, bond: usize) -> bool {
        self.ring_facts().ring_bond[bond]
    }

    fn ring_facts(&self) -> &RingFacts {
        self.rings.get_or_init(|| {
            let n = self.atom_count();
            let mut facts = RingFacts {
                ring_count: vec![0; n],
                min_ring_size: vec![0; n],
                ring_bond_count: vec![0; n],
                ring_bond: vec![false; self.mol.bond_count()],
            };
            for ring in self.mol.rings().rings() {
                let size = ring.len() as u32;
                for (k, &a) in ring.iter().enumerate() {
                    let a = a as usize;
                    facts.ring_count[a] += 1;
                    if facts.min_ring_size[a] == 0 || size < facts.min_ring_size[a] {
                        facts.min_ring_size[a] = size;
                    }
                    let next = ring[(k + 1) % ring.len()];
                    if let Some(bond) = self.csr.bond_between(a, next) {
                        facts.ring_bond[bond as usize] = true;
                    }
                }
            }
            for a in 0..n {
                facts.ring_bond_count[a] = self
                    .neighbors(a)
                    .iter()
                    .filter(|&&(_, bond)| facts.ring_bond[bond as usize])
                    .count() as u32;
            }
            facts
        })
    }
}
