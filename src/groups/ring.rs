//! Ring requirements on an attachment atom (IUPAC ring classes).

use super::def::{RingKind, RingRequirement};
use crate::mol::Mol;

/// Whether `attachment`, as the first atom of the substituent `atoms`
/// (sorted), meets `requirement`.
///
/// Only rings that lie wholly inside the substituent count: a substituent
/// is heterocyclic because of its own rings, not because of a ring it
/// shares with the core. A ring system is one of the attachment atom's
/// fused systems ([`crate::mol::RingInfo::ring_systems`]) restricted to
/// those rings; the requirement holds when it holds for one of them.
/// - `Hetero`: some ring atom of the system is neither carbon nor hydrogen
///   (benzothiazol-6-yl and quinolin-6-yl qualify).
/// - `AromaticCarbocycle`: the attachment atom is aromatic and the system
///   has no ring heteroatom (phenyl, naphthyl, tetralin-6-yl).
/// - `AliphaticCarbocycle`: the attachment atom is not aromatic and the
///   system has no ring heteroatom (cyclohexyl, tetralin-1-yl).
///
/// With a size, the attachment atom must also lie in a ring of that size
/// which, for `Hetero`, itself contains a heteroatom (benzothiazol-2-yl is
/// a 5-membered heterocyclic group, benzothiazol-6-yl is not).
pub fn meets(mol: &Mol, attachment: usize, atoms: &[u32], requirement: &RingRequirement) -> bool {
    let info = mol.rings();
    let rings = info.rings();
    let inside = |ring: &[u32]| ring.iter().all(|a| atoms.binary_search(a).is_ok());
    let hetero_atom = |a: u32| !matches!(mol.atom(a as usize).element, 0 | 1 | 6);
    let hetero_ring = |ring: &[u32]| ring.iter().any(|&a| hetero_atom(a));
    let attach = attachment as u32;
    let own = |r: usize| rings[r].contains(&attach) && inside(&rings[r]);

    info.ring_systems()
        .iter()
        .filter(|system| system.iter().any(|&r| own(r)))
        .any(|system| {
            let hetero = system
                .iter()
                .any(|&r| inside(&rings[r]) && hetero_ring(&rings[r]));
            let kind_ok = match requirement.kind {
                RingKind::Hetero => hetero,
                RingKind::AromaticCarbocycle => !hetero && mol.atom(attachment).aromatic,
                RingKind::AliphaticCarbocycle => !hetero && !mol.atom(attachment).aromatic,
            };
            kind_ok
                && requirement.size.map_or(true, |size| {
                    system.iter().any(|&r| {
                        own(r)
                            && rings[r].len() == size as usize
                            && (requirement.kind != RingKind::Hetero || hetero_ring(&rings[r]))
                    })
                })
        })
}
