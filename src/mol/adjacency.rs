//! Compact adjacency (compressed sparse rows), built once per molecule and
//! shared by everything that walks the graph many times: ring perception,
//! aromaticity and the matcher. petgraph keeps each atom's bonds as a linked
//! list, which costs a dependent load per neighbour; a row here is one slice.

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
    /// reads builds one: entry `i <= n` holds in `.0` where atom `i`'s row
    /// starts, counted from the front of this same vector (the row ends
    /// where the next starts); the rows follow those `n + 1` entries.
    table: Vec<(u32, u32)>,
}

impl Adjacency {
    pub(super) fn of(mol: &Mol) -> Adjacency {
        let head = mol.atom_count() + 1;
        let len = head + 2 * mol.bond_count();
        // Allocated, then cleared in two parts: calloc clearing the whole
        // block cost more than the two fills.
        let mut table = Vec::with_capacity(len);
        table.resize(head, (0u32, 0u32));
        // Entry i counts up to the end of atom i's row, then each pair is
        // placed by counting down, which leaves it at the row's start.
        for (a, b, _) in mol.bonds() {
            table[a].0 += 1;
            table[b].0 += 1;
        }
        let mut end = head as u32;
        for entry in &mut table[..head] {
            end += entry.0;
            entry.0 = end;
        }
        table.resize(len, (0, 0));
        // Backwards, so that each row ends up in bond index order. The
        // bond index is counted down alongside: taken from the iterator it
        // was worked out from the element's address.
        let mut e = mol.bond_count() as u32;
        for (a, b, _) in mol.bonds().rev() {
            e -= 1;
            table[a].0 -= 1;
            let slot = table[a].0 as usize;
            table[slot] = (b as u32, e);
            table[b].0 -= 1;
            let slot = table[b].0 as usize;
            table[slot] = (a as u32, e);
        }
        Adjacency { table }
    }

    /// `(neighbour, bond)` pairs of `atom`, in bond index order.
    #[inline]
    pub fn neighbors(&self, atom: usize) -> &[(u32, u32)] {
        let (start, end) = self.row(atom);
        &self.table[start as usize..end as usize]
    }

    /// Explicit connections of `atom` (hydrogen atoms included).
    #[inline]
    pub fn degree(&self, atom: usize) -> u32 {
        let (start, end) = self.row(atom);
        end - start
    }

    /// Where `atom`'s row starts and ends. Past the last atom the header
    /// would be read on into the rows, so that is refused here, as an index
    /// out of bounds always was.
    #[inline]
    fn row(&self, atom: usize) -> (u32, u32) {
        // Row 0 starts right after the header of `atom_count + 1` entries.
        let atoms = self.table.first().map_or(0, |h| h.0 as usize - 1);
        assert!(
            atom < atoms,
            "atom {atom} out of range (molecule has {atoms})"
        );
        (self.table[atom].0, self.table[atom + 1].0)
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

#[cfg(test)]
mod tests {
    use crate::smiles::parse;

    #[test]
    fn rows_list_every_bond_in_bond_order() {
        let mut mol = parse("CC(C)(O)C1CC1").unwrap();
        let adj = mol.adjacency().clone();
        for a in 0..mol.atom_count() {
            let mut expected: Vec<(u32, u32)> = mol
                .neighbors(a)
                .map(|(n, b)| (n as u32, b as u32))
                .collect();
            expected.sort_by_key(|&(_, b)| b);
            assert_eq!(adj.neighbors(a), expected.as_slice(), "atom {a}");
            assert_eq!(adj.degree(a) as usize, mol.degree(a));
        }
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
