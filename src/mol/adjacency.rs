//! Compact adjacency (a slice of neighbours per atom), built on first use
//! and kept with the molecule for everything that walks the graph many
//! times: the matcher's searches and SMARTS read as molecules. petgraph
//! keeps each atom's bonds as a linked list, which costs a dependent load
//! per neighbour; a row here is one slice.

use std::cell::Cell;

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
#[derive(Clone, Default)]
pub struct Adjacency {
    /// One allocation for the whole table, as every molecule a search
    /// reads builds one: entry `i` of the first `n` holds where atom `i`'s
    /// row starts, counted from the front of this same vector, and how long
    /// it is; the rows follow those `n` entries, so that atom 0's starts at
    /// `n`: the number of atoms is not kept apart (the molecule is moved
    /// about with this in it, and one word more cost its reader). Entries
    /// of a row past its length hold whatever an earlier adjacency left
    /// there (see [`fill_width`]).
    table: Vec<(u32, u32)>,
}

/// Equal when every atom has the same row: the entries past the rows'
/// ends do not count.
impl PartialEq for Adjacency {
    fn eq(&self, other: &Adjacency) -> bool {
        self.atoms() == other.atoms()
            && (0..self.atoms()).all(|a| self.neighbors(a) == other.neighbors(a))
    }
}

impl Eq for Adjacency {}

/// The rows, one per atom.
impl std::fmt::Debug for Adjacency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.atoms()).map(|a| self.neighbors(a)))
            .finish()
    }
}

/// Room for this many neighbours in every row, enough for nearly every
/// molecule: rows of one width are filled in one pass over the bonds,
/// where rows packed end to end must first be counted.
const WIDTH: u32 = 4;

impl Adjacency {
    pub(super) fn of(mol: &Mol) -> Adjacency {
        let mut table = SPARE.try_with(Cell::take).unwrap_or_default();
        if !fill_width(&mut table, mol) {
            fill_packed(&mut table, mol);
        }
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

impl Drop for Adjacency {
    /// Gives the table to the next adjacency built on this thread: nearly
    /// every molecule searched builds one and drops it with the molecule,
    /// and its allocation, the zeroing of its rows and its free cost a
    /// fifth as much as the build.
    fn drop(&mut self) {
        if (1..=KEEP).contains(&self.table.capacity()) {
            let table = std::mem::take(&mut self.table);
            // After the thread's spare is gone (at thread exit) it is freed.
            let _ = SPARE.try_with(|spare| spare.set(table));
        }
    }
}

/// Tables up to this many entries are kept for reuse.
const KEEP: usize = 1 << 12;

thread_local! {
    /// The table of the adjacency dropped last on this thread.
    static SPARE: Cell<Vec<(u32, u32)>> = const { Cell::new(Vec::new()) };
}

/// Fills `table` with rows of [`WIDTH`] entries; false when some atom has
/// more neighbours.
fn fill_width(table: &mut Vec<(u32, u32)>, mol: &Mol) -> bool {
    let atoms = mol.atom_count();
    let Some(len) = atoms
        .checked_mul(WIDTH as usize + 1)
        .filter(|&len| len <= u32::MAX as usize)
    else {
        return false;
    };
    // A table given back keeps its entries: only the heads must be set,
    // the rows' entries past their ends are never read.
    table.resize(len, (0, 0));
    for (i, head) in table[..atoms].iter_mut().enumerate() {
        *head = (atoms as u32 + WIDTH * i as u32, 0);
    }
    // Each row's place follows from its atom, so no start is read per
    // entry.
    let (heads, rows) = table.split_at_mut(atoms);
    let rows = &mut rows[..WIDTH as usize * atoms];
    for (e, (a, b, _)) in mol.bonds().enumerate() {
        for (from, to) in [(a, b), (b, a)] {
            let len = &mut heads[from].1;
            if *len >= WIDTH {
                return false;
            }
            rows[WIDTH as usize * from + *len as usize] = (to as u32, e as u32);
            *len += 1;
        }
    }
    true
}

/// Fills `table` with rows packed end to end, each as long as its atom's
/// degree.
fn fill_packed(table: &mut Vec<(u32, u32)>, mol: &Mol) {
    let atoms = mol.atom_count();
    table.clear();
    table.resize(atoms + 2 * mol.bond_count(), (0, 0));
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
    for (e, (a, b, _)) in mol.bonds().enumerate() {
        for (from, to) in [(a, b), (b, a)] {
            let head = &mut table[from];
            let (start, len) = *head;
            head.1 = len + 1;
            table[(start + len) as usize] = (to as u32, e as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::smiles::parse;

    /// Every atom's row lists its bonds in bond index order.
    fn assert_rows_follow_bonds(smiles: &str) {
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

    #[test]
    fn rows_list_every_bond_in_bond_order() {
        // Rows of the usual width, and (sulfur with six neighbours) packed.
        for smiles in ["CC(C)(O)C1CC1", "CS(F)(F)(F)(F)Cl.[Na+]"] {
            assert_rows_follow_bonds(smiles);
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
    fn a_table_given_back_is_filled_anew() {
        // Each table is the one the molecule before gave back: rows of the
        // usual width after packed ones (and a width fill that gave up
        // half way) and the other way round, longer and shorter.
        for smiles in [
            "CS(F)(F)(F)(F)Cl.[Na+]",
            "CC",
            "CC(C)(O)C1CC1",
            "CC(C)(C)CS(F)(F)(F)(F)F",
            "O",
            "S(F)(F)(F)(F)(F)F",
        ] {
            assert_rows_follow_bonds(smiles);
        }
        let first = parse("CC(C)(O)C1CC1").unwrap();
        let table = first.adjacency().table().as_ptr();
        drop(first);
        let second = parse("CCO").unwrap();
        assert_eq!(second.adjacency().table().as_ptr(), table);
        assert_eq!(second.adjacency().neighbors(1), &[(0, 0), (2, 1)]);
        // Rows over the first molecule's entries: the same adjacency as one
        // built in a fresh table (a new thread has no spare).
        let fresh = std::thread::spawn(|| parse("CCO").unwrap().adjacency().clone())
            .join()
            .unwrap();
        assert_ne!(second.adjacency().table(), fresh.table());
        assert_eq!(second.adjacency(), &fresh);
        assert_eq!(
            format!("{:?}", second.adjacency()),
            "[[(1, 0)], [(0, 0), (2, 1)], [(1, 1)]]"
        );
        assert_eq!(format!("{fresh:?}"), format!("{:?}", second.adjacency()));
        assert_ne!(&fresh, parse("C1CC1").unwrap().adjacency());
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
