//! Ring perception: smallest set of smallest rings (SSSR), RDKit's
//! symmetrized extras, and per-atom / per-bond ring facts.
//! PLACEHOLDER BODIES: being written on branch `arom`; the API is fixed.

use super::Mol;

/// Rings of a molecule. `sssr()` is the smallest set of smallest rings
/// (its length is the cyclomatic number); `rings()` adds the symmetric
/// extras RDKit keeps, and is what ring counts per atom are taken from.
#[derive(Clone, Debug, Default)]
pub struct RingInfo {
    rings: Vec<Vec<u32>>,
    sssr_count: usize,
}

impl RingInfo {
    /// The smallest set of smallest rings, each as atoms in cyclic order.
    pub fn sssr(&self) -> &[Vec<u32>] {
        &self.rings[..self.sssr_count]
    }
    /// SSSR plus RDKit's symmetrized extras (same order convention).
    pub fn rings(&self) -> &[Vec<u32>] {
        &self.rings
    }
    /// Bonds of `rings()[ring]`, in the same cyclic order as its atoms.
    pub fn ring_bonds(&self, _ring: usize) -> &[u32] {
        unimplemented!()
    }
    /// Number of rings in `rings()` that contain the atom (SMARTS `R`).
    pub fn atom_ring_count(&self, _atom: usize) -> usize {
        unimplemented!()
    }
    /// Size of the smallest ring containing the atom (SMARTS `r`).
    pub fn atom_min_ring_size(&self, _atom: usize) -> Option<usize> {
        unimplemented!()
    }
    pub fn bond_ring_count(&self, _bond: usize) -> usize {
        unimplemented!()
    }
    pub fn bond_min_ring_size(&self, _bond: usize) -> Option<usize> {
        unimplemented!()
    }
    pub fn is_ring_atom(&self, atom: usize) -> bool {
        self.atom_ring_count(atom) > 0
    }
    pub fn is_ring_bond(&self, bond: usize) -> bool {
        self.bond_ring_count(bond) > 0
    }
    /// Fused ring systems: groups of indices into `rings()` whose rings are
    /// joined through shared bonds (naphthalene is one system, biphenyl two).
    pub fn ring_systems(&self) -> &[Vec<usize>] {
        unimplemented!()
    }
}

pub fn perceive(_mol: &Mol) -> RingInfo {
    RingInfo::default()
}
