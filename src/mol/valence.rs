//! Implicit hydrogens from the valence model (OpenSMILES organic subset,
//! with the valence lists RDKit uses).

use super::{element, Atom, BondOrder, Mol};

/// Gives every organic-subset (non-bracket) atom the hydrogens that bring it
/// to its smallest allowed valence at or above the valence its bonds show.
/// Run after kekulization, so aromatic bonds have their Kekulé orders.
pub fn assign_implicit_hydrogens(mol: &mut Mol) {
    let mut shown = Vec::new();
    bond_valences(mol, &mut shown);
    assign_implicit_hydrogens_with(mol, &shown);
}

/// The valence each atom's bonds show (a dative bond counts on its acceptor
/// only), in one pass over the bonds instead of an edge-list walk per atom.
pub(crate) fn bond_valences(mol: &Mol, shown: &mut Vec<u32>) {
    shown.clear();
    shown.resize(mol.atom_count(), 0);
    for (a, b, bond) in mol.bonds() {
        let order = bond.order;
        let v = order.valence() as u32;
        shown[b] += v;
        if order != BondOrder::Dative {
            shown[a] += v;
        }
    }
}

/// [`assign_implicit_hydrogens`] with the bond valences already known
/// (`shown[i]` as [`bond_valences`] gives it).
pub(crate) fn assign_implicit_hydrogens_with(mol: &mut Mol, shown: &[u32]) {
    for (atom, &shown) in mol.atoms_mut().zip(shown) {
        set_implicit_h(atom, shown);
    }
}

/// The hydrogens of one atom whose bonds show `shown`; bracket atoms and
/// `*` keep none beyond those written.
///
/// Always inlined, with the rare charged case out of line: it runs for
/// every atom, and the call cost as much as the table look-up.
#[inline(always)]
fn set_implicit_h(atom: &mut Atom, shown: u32) {
    if atom.bracket || atom.element == 0 {
        return;
    }
    atom.implicit_h = implicit_h(atom.element, atom.charge, shown);
}

/// Hydrogens that bring an atom of element `z` and charge `charge` whose
/// bonds show `shown` to its lowest allowed valence at or above that: the
/// room it has left. Neutral atoms come from the table.
#[inline(always)]
pub(super) fn implicit_h(z: u8, charge: i8, shown: u32) -> u8 {
    if charge == 0 {
        element::neutral_implicit_h(z, shown)
    } else {
        charged_implicit_h(z, charge, shown)
    }
}

#[inline(never)]
fn charged_implicit_h(z: u8, charge: i8, shown: u32) -> u8 {
    element::lowest_fill(element::allowed_valences_charged(z, charge), shown)
}
