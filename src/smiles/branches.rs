//! The open branches of a SMILES or SMARTS chain, shared by both readers:
//! the atom each branch hangs from, where its '(' stands, and whether an
//! atom was read inside it yet (an empty branch is an error in both).

#[derive(Clone, Copy, Debug)]
struct Open {
    atom: u32,
    at: usize,
    filled: bool,
}

/// Why a ')' could not close a branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CloseError {
    /// No branch is open.
    Unopened,
    /// The branch holds no atom.
    Empty,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Branches(Vec<Open>);

impl Branches {
    /// A '(' at byte `at` after `atom`.
    pub(crate) fn open(&mut self, atom: u32, at: usize) {
        self.atom_read();
        self.0.push(Open {
            atom,
            at,
            filled: false,
        });
    }

    /// A ')': the atom the chain goes on from.
    pub(crate) fn close(&mut self) -> Result<u32, CloseError> {
        let open = self.0.pop().ok_or(CloseError::Unopened)?;
        if open.filled {
            Ok(open.atom)
        } else {
            Err(CloseError::Empty)
        }
    }

    /// Records that an atom was read inside the innermost branch.
    pub(crate) fn atom_read(&mut self) {
        if let Some(top) = self.0.last_mut() {
            top.filled = true;
        }
    }

    /// Where the innermost branch still open starts.
    pub(crate) fn innermost_open(&self) -> Option<usize> {
        self.0.last().map(|o| o.at)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Gives back the memory a huge input made it grow past `keep` entries.
    pub(crate) fn shrink_past(&mut self, keep: usize) {
        if self.0.capacity() > keep {
            self.0 = Vec::new();
        }
    }
}
