//! A molecule used as a query: search for one molecule inside another.

use super::{Query, Target};
use crate::mol::{Adjacency, BondOrder, Mol};

#[derive(Clone, Copy, Debug)]
struct QueryAtom {
    element: u8,
    aromatic: bool,
    charge: i8,
    isotope: u16,
}

#[derive(Clone, Copy, Debug)]
struct QueryBond {
    order: BondOrder,
    aromatic: bool,
}

/// A molecule as an exact-ish substructure query.
///
/// An atom matches a target atom of the same element and aromaticity; a
/// nonzero charge or isotope must match too, and hydrogen counts are not
/// looked at (so `C(=O)O` also finds esters). A `*` atom matches any atom.
/// An aromatic bond matches an aromatic bond; any other bond matches a
/// non-aromatic bond of the same order. Stereo is ignored.
///
/// ```
/// use markush::matcher::{self, MolQuery, Target};
/// let naphthalene = markush::smiles::parse("c1ccc2ccccc2c1").unwrap();
/// let benzene = MolQuery::new(&markush::smiles::parse("c1ccccc1").unwrap());
/// let target = Target::new(&naphthalene);
/// assert_eq!(matcher::count_unique(&benzene, &target, 1_000_000), Ok(2));
/// ```
#[derive(Clone, Debug)]
pub struct MolQuery {
    atoms: Vec<QueryAtom>,
    bonds: Vec<QueryBond>,
    adjacency: Adjacency,
}

impl MolQuery {
    pub fn new(mol: &Mol) -> MolQuery {
        let atoms = mol
            .atoms()
            .map(|a| QueryAtom {
                element: a.element,
                aromatic: a.aromatic,
                charge: a.charge,
                isotope: a.isotope,
            })
            .collect();
        let bonds = (0..mol.bond_count())
            .map(|e| {
                let b = mol.bond(e);
                QueryBond {
                    order: b.order,
                    aromatic: b.aromatic,
                }
            })
            .collect();
        MolQuery {
            atoms,
            bonds,
            adjacency: mol.adjacency().clone(),
        }
    }
}

impl Query for MolQuery {
    fn atom_count(&self) -> usize {
        self.atoms.len()
    }

    fn neighbors(&self, q: usize) -> &[(u32, u32)] {
        self.adjacency.neighbors(q)
    }

    fn atom_matches(&self, target: &Target, q: usize, t: usize) -> bool {
        let qa = &self.atoms[q];
        if qa.element == 0 {
            return true;
        }
        let ta = target.mol().atom(t);
        qa.element == ta.element
            && qa.aromatic == ta.aromatic
            && (qa.charge == 0 || qa.charge == ta.charge)
            && (qa.isotope == 0 || qa.isotope == ta.isotope)
    }

    fn atom_key(&self, q: usize) -> Option<u64> {
        let a = &self.atoms[q];
        Some(
            u64::from(a.element)
                | u64::from(a.aromatic) << 8
                | u64::from(a.charge as u8) << 16
                | u64::from(a.isotope) << 24,
        )
    }

    fn bond_matches(&self, target: &Target, q_bond: usize, t_bond: usize) -> bool {
        let qb = &self.bonds[q_bond];
        let tb = target.mol().bond(t_bond);
        if qb.aromatic {
            tb.aromatic
        } else {
            !tb.aromatic && qb.order == tb.order
        }
    }
}
