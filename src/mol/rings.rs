//! Ring perception: smallest set of smallest rings (SSSR), RDKit's
//! symmetrized extras, and per-atom / per-bond ring facts.
//! PLACEHOLDER: being written on branch `rings`.

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
    pub fn sssr(&self) -> &[Vec<u32>] {
        &self.rings[..self.sssr_count]
    }
    pub fn rings(&self) -> &[Vec<u32>] {
        &self.rings
    }
}

pub fn perceive(_mol: &Mol) -> RingInfo {
    RingInfo::default()
}
