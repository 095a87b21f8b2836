//! RDKit's clean-up of hypervalent spellings into their charge-separated
//! forms, so that `CN(=O)=O` and `C[N+](=O)[O-]` are one molecule:
//!
//! - a neutral five-valent nitrogen with a double bond to oxygen
//!   (nitro, N-oxides written `O=n1ccccc1`): `N=O` becomes `[N+]-[O-]`;
//! - a neutral five-valent nitrogen with a triple bond to nitrogen
//!   (azides written `N=N#N`): `N#N` becomes `[N+]=[N-]`;
//! - a neutral seven-valent Cl, Br or I with three double bonds to oxygen
//!   (perchlorate and kin): each `=O` becomes `-[O-]` and the halogen `+3`.
//!
//! Runs on the Kekulé structure, before hydrogens are assigned.

use super::element::neutral_implicit_h;
use super::valence::bond_valences;
use super::{Atom, BondOrder, Mol};

pub fn clean_up(mol: &mut Mol) {
    let mut shown = Vec::new();
    bond_valences(mol, &mut shown);
    clean_up_with(mol, &mut shown);
}

/// [`clean_up`] with the bond valences of every atom already known; keeps
/// `shown` in step with the bonds it lowers.
fn clean_up_with(mol: &mut Mol, shown: &mut [u32]) {
    let mut from = 0;
    while let Some((i, valence)) = next_candidate(mol, shown, from) {
        from = i + 1;
        match (mol.atom(i).element, valence) {
            (7, 5) => {
                if let Some((o, e)) = partner(mol, i, 8, BondOrder::Double) {
                    separate(mol, shown, i, o, e, BondOrder::Single, 1);
                } else if let Some((n, e)) = partner(mol, i, 7, BondOrder::Triple) {
                    separate(mol, shown, i, n, e, BondOrder::Double, 1);
                }
            }
            (_, 7) => {
                let oxos: Vec<(usize, usize)> = mol
                    .neighbors(i)
                    .filter(|&(o, e)| {
                        is_terminal(mol, o, 8) && mol.bond(e).order == BondOrder::Double
                    })
                    .collect();
                if oxos.len() == 3 {
                    for (o, e) in oxos {
                        separate(mol, shown, i, o, e, BondOrder::Single, 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// [`clean_up_with`] and then [`assign_implicit_hydrogens_with`], in one
/// pass over the atoms when nothing needs cleaning up, as for nearly every
/// molecule. Hydrogens do not enter the clean-up's tests, so assigning them
/// first and again after a clean-up gives the same result.
///
/// [`assign_implicit_hydrogens_with`]: super::valence::assign_implicit_hydrogens_with
///
/// Only the reader calls it, on atoms as read: an organic-subset atom has
/// no explicit hydrogens, and a `*` none of any kind.
#[inline]
pub(crate) fn clean_up_and_assign_hydrogens(mol: &mut Mol, shown: &mut [u32]) {
    let mut candidates = false;
    for (atom, &shown) in mol.atoms_mut().zip(shown.iter()) {
        // A bracket atom keeps the hydrogens written.
        if atom.bracket {
            candidates |= hypervalent(atom, shown).is_some();
            continue;
        }
        // An organic-subset atom, nearly every atom, is neutral as read:
        // two table look-ups and no branch. The table gives `*` no
        // hydrogens.
        debug_assert_eq!(atom.charge, 0);
        candidates |= shown == u32::from(HYPERVALENT[atom.element as usize]);
        atom.implicit_h = neutral_implicit_h(atom.element, shown);
    }
    if candidates {
        clean_up_with(mol, shown);
        super::valence::assign_implicit_hydrogens_with(mol, shown);
    }
}

/// The next neutral N, Cl, Br or I from atom `from` on that shows a
/// hypervalent valence, with that valence. One sequential pass over the
/// atoms: nearly every molecule has none.
fn next_candidate(mol: &Mol, shown: &[u32], from: usize) -> Option<(usize, u32)> {
    mol.atoms()
        .zip(shown)
        .enumerate()
        .skip(from)
        .find_map(|(i, (atom, &shown))| Some((i, hypervalent(atom, shown)?)))
}

/// Per element, the valence at which a neutral atom of it is one that
/// [`hypervalent`] picks; `u8::MAX` for the other elements (an atom that
/// shows that much only sends the molecule through [`clean_up_with`],
/// which finds nothing to do).
static HYPERVALENT: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    table[7] = 5;
    table[17] = 7;
    table[35] = 7;
    table[53] = 7;
    table
};

/// The valence of a neutral N that shows 5, or of a neutral Cl, Br or I
/// that shows 7: the atoms the clean-up rewrites around.
#[inline]
fn hypervalent(atom: &Atom, shown: u32) -> Option<u32> {
    // N, Cl, Br, I as bits: one test rules out every other atom.
    const CANDIDATES: u64 = 1 << 7 | 1 << 17 | 1 << 35 | 1 << 53;
    if atom.element >= 64 || CANDIDATES >> atom.element & 1 == 0 {
        return None;
    }
    let valence = shown + atom.explicit_h as u32;
    let hypervalent = if atom.element == 7 {
        valence == 5
    } else {
        valence == 7
    };
    (hypervalent && atom.charge == 0).then_some(valence)
}

/// A neutral terminal neighbour of the given element joined by `order`.
fn partner(mol: &Mol, i: usize, element: u8, order: BondOrder) -> Option<(usize, usize)> {
    mol.neighbors(i)
        .find(|&(j, e)| is_terminal(mol, j, element) && mol.bond(e).order == order)
}

fn is_terminal(mol: &Mol, j: usize, element: u8) -> bool {
    let a = mol.atom(j);
    a.element == element && a.charge == 0 && mol.degree(j) == 1
}

/// Lowers bond `e` (never dative) by one unit to `order`, moving one unit
/// of charge from `j` to `i`.
fn separate(
    mol: &mut Mol,
    shown: &mut [u32],
    i: usize,
    j: usize,
    e: usize,
    order: BondOrder,
    charge: i8,
) {
    mol.bond_mut(e).order = order;
    shown[i] -= 1;
    shown[j] -= 1;
    mol.atom_mut(i).charge += charge;
    mol.atom_mut(j).charge -= charge;
}
