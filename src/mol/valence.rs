//! Implicit hydrogens from the valence model (OpenSMILES organic subset,
//! with the valence lists RDKit uses).

use super::{element, Mol};

/// Gives every organic-subset (non-bracket) atom the hydrogens that bring it
/// to its smallest allowed valence at or above the valence its bonds show.
/// Run after kekulization, so aromatic bonds have their Kekulé orders.
pub fn assign_implicit_hydrogens(mol: &mut Mol) {
    for i in 0..mol.atom_count() {
        let atom = mol.atom(i);
        if atom.bracket || atom.element == 0 {
            continue;
        }
        let shown = mol.bonded_valence(i);
        let h = element::allowed_valences(atom.element)
            .iter()
            .map(|&v| v as u32)
            .find(|&v| v >= shown)
            .map_or(0, |v| v - shown);
        mol.atom_mut(i).implicit_h = h.min(u8::MAX as u32) as u8;
    }
}
