//! Compact adjacency (a slice of neighbours per atom), built on first use
//! and kept with the molecule for everything that walks the graph many
//! times: the matcher's searches and SMARTS read as molecules. petgraph
//! keeps each atom's bonds as a linked list, which costs a dependent load
//! per neighbour; a row here is one slice.

use super::Mol;

/// The neighbours of atom `i`, each `(neighbour, bond)`, in bond index
/// order.
///
/// ```
/// let mol = markush::smiles::parse("CC(C)O").unwrap();
/// let adj = mol.adjacency();
/// assert_eq!(adj.neighbors(1), &[(0, 0), (2, 1), (3, 2)]);
/// assert_eq!(adj.degree(3), 1);
/// assert_eq!(adj.bond_between(1, 3), Some(2));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Adjacency {
    /// One allocation for the whole table, as every molecule a search
    /// reads builds one: entry `i` of the first `n` holds where atom `i`'s
    /// row starts, counted from the front of this same vector, and how long
    /// it is; the rows follow those `n` entries, so that atom 0's starts at
    /// `n`: the number of atoms is not kept apart (the molecule is moved
    /// about with this in it, and one word more cost its reader).
    table: Vec<(u32, u32)>,
}

/// Room for this many neighbours in every row, enough for nearly every
/// molecule: rows of one width are filled in one pass over the bonds,
/// where rows packed end to end must first be counted.
const WIDTH: u32 = 4;

impl Adjacency {
    pub(super) fn of(mol: &Mol) -> Adjacency {
        Adjacency::of_width(mol).unwrap_or_else(|| Adjacency::packed(mol))
    }

    /// Rows of [`WIDTH`] entries, or `None` when some atom has more
    /// neighbours.
    fn of_width(mol: &Mol) -> Option<Adjacency> {
        let atoms = mol.atom_count();
        let len = atoms
            .checked_mul(WIDTH as usize + 1)
            .filter(|&len| len <= u32::MAX as usize)?;
        let mut table = Vec::with_capacity(len);
        table.extend((0..atoms as u32).map(|i| (atoms as u32 + WIDTH * i, 0)));
        table.resize(len, (0, 0));
        place(&mut table, mol, WIDTH).then_some(Adjacency { table })
    }

    /// Rows packed end to end, each as long as its atom's degree.
    fn packed(mol: &Mol) -> Adjacency {
        let atoms = mol.atom_count();
        let mut table = vec![(0u32, 0u32); atoms + 2 * mol.bond_count()];
        for (a, b, _) in mol.bonds() {
            table[a].1 += 1;
            table[b].1 += 1;
        }
        let mut start = atoms as u32;
        for head in &mut table[..atoms] {
            let degree = head.1;
            *head = (start, 0);
            start += degree;
        }
        place(&mut table, mol, u32::MAX);
        Adjacency { table }
    }

    /// `(neighbour, bond)` pairs of `atom`, in bond index order.
    #[inline]
    pub fn neighbors(&self, atom: usize) -> &[(u32, u32)] {
        let (start, len) = self.head(atom);
        &self.table[start as usize..start as usize + len as usize]
    }

    /// Explicit connections of `atom` (hydrogen atoms included).
    #[inline]
    pub fn degree(&self, atom: usize) -> u32 {
        self.head(atom).1
    }

    /// Every atom's `(start, length)` of its row in [`Adjacency::table`]:
    /// for a search that keeps a position in a row rather than the row.
    pub(crate) fn heads(&self) -> &[(u32, u32)] {
        &self.table[..self.atoms()]
    }

    /// Row 0 starts right after the heads, one per atom.
    #[inline]
    fn atoms(&self) -> usize {
        self.table.first().map_or(0, |head| head.0 as usize)
    }

    /// The rows, as [`Adjacency::heads`] tells where, after the heads.
    pub(crate) fn table(&self) -> &[(u32, u32)] {
        &self.table
    }

    /// Where `atom`'s row starts, and its length. Past the last atom the
    /// rows would be read as heads, so that is refused here, as an index
    /// out of bounds always was.
    #[inline]
    fn head(&self, atom: usize) -> (u32, u32) {
        let atoms = self.atoms();
        assert!(
            atom < atoms,
            "atom {atom} out of range (molecule has {atoms})"
        );
        self.table[atom]
    }

    /// The bond between `a` and `b`, found by scanning `a`'s (short) row.
    #[inline]
    pub fn bond_between(&self, a: usize, b: usize) -> Option<usize> {
        self.neighbors(a)
            .iter()
            .find(|&&(n, _)| n as usize == b)
            .map(|&(_, bond)| bond as usize)
    }
}

/// Adds every bond of `mol` to the rows of both its atoms, in bond index
/// order; false if a row would grow past `room` entries.
fn place(table: &mut [(u32, u32)], mol: &Mol, room: u32) -> bool {
    for (e, (a, b, _)) in mol.bonds().enumerate() {
        for (from, to) in [(a, b), (b, a)] {
            let head = &mut table[from];
            let (start, len) = *head;
            if len == room {
                return false;
            }
            head.1 = len + 1;
            table[(start + len) as usize] = (to as u32, e as u32);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::smiles::parse;

    #[test]
    fn rows_list_every_bond_in_bond_order() {
        // Rows of the usual width, and (sulfur with six neighbours) packed.
        for smiles in ["CC(C)(O)C1CC1", "CS(F)(F)(F)(F)Cl.[Na+]"] {
            let mol = parse(smiles).unwrap();
            let adj = mol.adjacency();
            for a in 0..mol.atom_count() {
                let mut expected: Vec<(u32, u32)> = mol
                    .neighbors(a)
                    .map(|(n, b)| (n as u32, b as u32))
                    .collect();
                expected.sort_by_key(|&(_, b)| b);
                assert_eq!(adj.neighbors(a), expected.as_slice(), "{smiles} atom {a}");
                assert_eq!(adj.degree(a) as usize, mol.degree(a));
            }
        }
        let mut mol = parse("CC(C)(O)C1CC1").unwrap();
        let adj = mol.adjacency().clone();
        assert_eq!(adj.bond_between(4, 6), mol.bond_between(4, 6));
        assert_eq!(adj.bond_between(0, 6), None);
        // A new bond must show up: the cached table is dropped on change.
        let e = mol.add_bond(0, 6, crate::mol::Bond::default());
        assert_eq!(mol.adjacency().bond_between(6, 0), Some(e));
        assert_eq!(mol.adjacency().degree(0), 2);
    }

    #[test]
    #[should_panic(expected = "atom 3 out of range (molecule has 3)")]
    fn an_atom_past_the_end_is_refused_not_read_from_the_rows() {
        // Past the header lie the rows: without the check atom 3 of propane
        // would get a "row" made of its neighbour entries.
        let mol = parse("CCC").unwrap();
        mol.adjacency().neighbors(3);
    }
}
