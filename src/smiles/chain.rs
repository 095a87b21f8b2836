//! The chain grammar that SMILES and SMARTS share: atoms joined by bonds,
//! `(` `)` branches, `.` between components and ring-bond numbers. Both
//! readers keep their place in a [`Chain`] and let it check the
//! punctuation, so the two languages reject the same mistakes with the same
//! errors; each reader parses its own atoms and bond symbols.

use super::error::{unexpected_at, ReadError};

/// Where a chain stands between two tokens. `B` is the reader's bond as
/// written, `X` what it keeps with an open ring bond besides the atom, the
/// bond and the offset.
#[derive(Clone, Debug)]
pub(crate) struct Chain<B, X> {
    /// The atom the next bond starts from (`None` at a component's start).
    pub prev: Option<u32>,
    /// A bond symbol waiting for its second atom, and its offset.
    pub bond: Option<(B, usize)>,
    /// Open branches, innermost last: nesting costs heap, never call stack.
    branches: Vec<Branch>,
    /// Open ring bonds by number.
    rings: Vec<Option<OpenRing<B, X>>>,
    open_rings: usize,
    /// Atoms read so far: a branch is empty when this has not moved since
    /// its `(`. Counting costs an atom one add, where marking the innermost
    /// branch as filled cost a test of the branch stack and a store.
    atoms_read: usize,
}

#[derive(Clone, Copy, Debug)]
struct Branch {
    atom: u32,
    at: usize,
    /// [`Chain::atoms_read`] at its `(` (an empty branch is an error).
    atoms_before: usize,
}

/// A ring-bond number waiting for its second atom.
#[derive(Clone, Debug)]
pub(crate) struct OpenRing<B, X> {
    pub atom: u32,
    /// The bond written before the opening number.
    pub bond: Option<B>,
    pub offset: usize,
    pub extra: X,
}

impl<B, X> Default for Chain<B, X> {
    fn default() -> Self {
        Chain {
            prev: None,
            bond: None,
            branches: Vec::new(),
            rings: Vec::new(),
            open_rings: 0,
            atoms_read: 0,
        }
    }
}

impl<B, X> Chain<B, X> {
    pub fn clear(&mut self) {
        self.prev = None;
        self.bond = None;
        self.branches.clear();
        // With no ring left open every slot is empty already: keeping them
        // spares the next read growing the table at each opening digit.
        if self.open_rings > 0 {
            self.rings.clear();
            self.open_rings = 0;
        }
    }

    /// Gives back the memory a huge input made it grow past `keep` entries.
    pub fn shrink_past(&mut self, keep: usize) {
        if self.branches.capacity() > keep {
            self.branches = Vec::new();
        }
        if self.rings.capacity() > keep {
            self.rings = Vec::new();
        }
    }

    /// Entries the open ring-bond table has room for: as many as the
    /// highest ring number read asks for.
    pub fn ring_capacity(&self) -> usize {
        self.rings.capacity()
    }

    /// An atom was read: the open branches are not empty. The reader
    /// then bonds it to `prev` with the pending `bond` and makes it `prev`
    /// (by hand: that is the reader's hot path).
    #[inline(always)]
    pub fn atom_read(&mut self) {
        self.atoms_read += 1;
    }

    /// A `(` at byte `at` of `text`.
    #[inline]
    pub fn open_branch(&mut self, text: &str, at: usize) -> Result<(), ReadError> {
        let Some(atom) = self.prev else {
            return Err(unexpected_at(text, at, "an atom before '('"));
        };
        if self.bond.is_some() {
            return Err(unexpected_at(text, at, "an atom after the bond"));
        }
        self.branches.push(Branch {
            atom,
            at,
            atoms_before: self.atoms_read,
        });
        Ok(())
    }

    /// A `)` at byte `at`: the chain goes on from the branch's atom, which
    /// it returns.
    pub fn close_branch(&mut self, at: usize) -> Result<u32, ReadError> {
        self.no_dangling_bond()?;
        let open = self
            .branches
            .pop()
            .ok_or(ReadError::UnopenedBranch { offset: at })?;
        if open.atoms_before == self.atoms_read {
            return Err(ReadError::EmptyBranch { offset: at });
        }
        self.prev = Some(open.atom);
        Ok(open.atom)
    }

    /// A `.` at byte `at` of `text`; `text` ends where the pattern ends, so
    /// a `.` at its end is an error. SMILES allows `.` inside a branch
    /// (`in_branch`), SMARTS, as RDKit reads it, does not.
    pub fn dot(&mut self, text: &str, at: usize, in_branch: bool) -> Result<(), ReadError> {
        self.no_dangling_bond()?;
        if self.prev.is_none() || (!in_branch && !self.branches.is_empty()) {
            return Err(unexpected_at(text, at, "an atom before '.'"));
        }
        if at + 1 == text.len() {
            return Err(unexpected_at(text, at + 1, "an atom after '.'"));
        }
        self.prev = None;
        Ok(())
    }

    /// A bond symbol starts at byte `at` of `text`.
    #[inline]
    pub fn bond_may_start(&self, text: &str, at: usize) -> Result<(), ReadError> {
        if self.prev.is_none() {
            return Err(unexpected_at(text, at, "an atom before the bond"));
        }
        if self.bond.is_some() {
            return Err(unexpected_at(text, at, "an atom after the bond"));
        }
        Ok(())
    }

    /// A ring-bond number starts at byte `at` of `text`: the atom it bonds.
    pub fn ring_bond_start(&self, text: &str, at: usize) -> Result<u32, ReadError> {
        self.prev
            .ok_or_else(|| unexpected_at(text, at, "an atom before the ring bond"))
    }

    /// The open ring bond `ring`, if any; it is closed by taking it.
    pub fn take_ring(&mut self, ring: u32) -> Option<OpenRing<B, X>> {
        let open = self.rings.get_mut(ring as usize)?.take()?;
        self.open_rings -= 1;
        Some(open)
    }

    /// Opens ring bond `ring` (not open now: see [`Chain::take_ring`]).
    pub fn open_ring(&mut self, ring: u32, open: OpenRing<B, X>) {
        if ring as usize >= self.rings.len() {
            self.rings.resize_with(ring as usize + 1, || None);
        }
        self.rings[ring as usize] = Some(open);
        self.open_rings += 1;
    }

    /// The end of the text: nothing may be left open. Inlined, with the
    /// errors out of line: it runs once a read, and the call and its
    /// returned result cost more than the three tests.
    #[inline]
    pub fn finish(&self) -> Result<(), ReadError> {
        if self.bond.is_none() && self.branches.is_empty() && self.open_rings == 0 {
            return Ok(());
        }
        self.unfinished()
    }

    /// What [`Chain::finish`] found left open.
    #[cold]
    fn unfinished(&self) -> Result<(), ReadError> {
        self.no_dangling_bond()?;
        if let Some(open) = self.branches.last() {
            return Err(ReadError::UnclosedBranch { offset: open.at });
        }
        if self.open_rings > 0 {
            let (ring, open) = self
                .rings
                .iter()
                .enumerate()
                .filter_map(|(n, r)| r.as_ref().map(|r| (n as u32, r)))
                .min_by_key(|(_, r)| r.offset)
                .expect("open ring count out of step");
            return Err(ReadError::UnclosedRing {
                offset: open.offset,
                ring,
            });
        }
        Ok(())
    }

    fn no_dangling_bond(&self) -> Result<(), ReadError> {
        match self.bond {
            Some((_, at)) => Err(ReadError::DanglingBond { offset: at }),
            None => Ok(()),
        }
    }
}
