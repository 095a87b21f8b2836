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
        // offsets[i] counts up to the end of atom i's row, then each pair is
        // placed by counting down, which leaves offsets[i] at the row's start.
        let mut offsets = vec![0u32; n + 1];
        for e in graph.edge_references() {
            let (a, b) = (e.source().index(), e.target().index());
            offsets[a] += 1;
            offsets[b] += 1;
        }
        let mut total = 0;
        for o in &mut offsets {
            total += *o;
            *o = total;
        }
        let mut pairs = vec![(0u32, 0u32); total as usize];
        // Backwards, so that each row ends up in bond index order.
        for e in graph.edge_references().rev() {
            let (a, b, id) = (
                e.source().index(),
                e.target().index(),
                e.id().index() as u32,
            );
            offsets[a] -= 1;
            pairs[offsets[a] as usize] = (b as u32, id);
            offsets[b] -= 1;
            pairs[offsets[b] as usize] = (a as u32, id);
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

/// Ring facts, computed on the first ring question.
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
    /// Hydrogen and valence facts, computed on the first question: plain
    /// element and bond queries never ask.
    facts: OnceLock<Vec<AtomFacts>>,
    rings: OnceLock<RingFacts>,
    /// Atom -> element, next to the adjacency: the first test of every
    /// atom predicate reads it.
    element: Vec<u8>,
    elements: u128,
    /// (element bit position, atoms) for each element present.
    per_element: Vec<(u8, u32)>,
}

impl<'m> Target<'m> {
    pub fn new(mol: &'m Mol) -> Self {
        let element: Vec<u8> = mol.atoms().map(|a| a.element).collect();
        let mut per_element: Vec<(u8, u32)> = Vec::new();
        for &z in &element {
            let bit = super::element_bit(z).trailing_zeros() as u8;
            match per_element.iter_mut().find(|(b, _)| *b == bit) {
                Some((_, n)) => *n += 1,
                None => per_element.push((bit, 1)),
            }
        }
        Target {
            mol,
            csr: Csr::of(mol),
            facts: OnceLock::new(),
            rings: OnceLock::new(),
            elements: per_element.iter().fold(0, |m, &(bit, _)| m | 1 << bit),
            element,
            per_element,
        }
    }

    pub fn mol(&self) -> &'m Mol {
        self.mol
    }

    pub fn atom_count(&self) -> usize {
        self.mol.atom_count()
    }

    /// [`super::element_bit`] of atom `t`'s element.
    #[inline]
    pub fn element_bit(&self, t: usize) -> u128 {
        super::element_bit(self.element[t])
    }

    /// How many atoms have an element of `mask` ([`super::element_bit`]s).
    pub fn atoms_of(&self, mask: u128) -> u32 {
        let present = mask & self.elements;
        if present == self.elements {
            return self.element.len() as u32;
        }
        // Most query atoms name one element: one lookup.
        if present.is_power_of_two() {
            let bit = present.trailing_zeros() as u8;
            return self
                .per_element
                .iter()
                .find(|&&(b, _)| b == bit)
                .map_or(0, |&(_, n)| n);
        }
        self.per_element
            .iter()
            .filter(|&&(bit, _)| present >> bit & 1 == 1)
            .map(|&(_, n)| n)
            .sum()
    }

    /// The elements of the molecule, as a mask of [`super::element_bit`]s.
    pub fn elements(&self) -> u128 {
        self.elements
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
        self.mol.atom(atom).total_h() as u32 + self.atom_facts()[atom].h_neighbors
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smiles::parse;

    #[test]
    fn csr_rows_list_every_bond_in_bond_order() {
        let mol = parse("CC(C)(O)C1CC1").unwrap();
        let csr = Csr::of(&mol);
        for a in 0..mol.atom_count() {
            let mut expected: Vec<(u32, u32)> = mol
                .neighbors(a)
                .map(|(n, b)| (n as u32, b as u32))
                .collect();
            expected.sort_by_key(|&(_, b)| b);
            assert_eq!(csr.neighbors(a), expected.as_slice(), "atom {a}");
            assert_eq!(csr.degree(a) as usize, mol.degree(a));
        }
        assert_eq!(
            csr.bond_between(4, 6),
            mol.bond_between(4, 6).map(|b| b as u32)
        );
        assert_eq!(csr.bond_between(0, 6), None);
    }
}
