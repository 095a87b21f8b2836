//! Errors of the SMILES and SMARTS readers, each with the byte offset it
//! refers to. The two languages share their chain grammar (see `chain`),
//! so they share one error type as well.

use std::fmt;

/// Why a SMILES or SMARTS string could not be read. Every variant carries
/// the byte offset into the input where the problem is (for SMARTS, into
/// the whole input, recursive `$(...)` parts included);
/// [`ReadError::display_in`] shows it with a caret under that spot. Most
/// variants can come from either reader; the docs of the others say which.
/// [`SmilesError`] and [`crate::smarts::SmartsError`] are this type.
///
/// ```
/// use markush::smiles::{parse, SmilesError};
/// let err = parse("C1CC").unwrap_err();
/// assert_eq!(err, SmilesError::UnclosedRing { offset: 1, ring: 1 });
/// assert_eq!(err.display_in("C1CC").to_string(),
///            "unclosed ring bond 1 at offset 1\n  C1CC\n   ^");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("unexpected {found} at offset {offset}, expected {expected}")]
    Unexpected {
        offset: usize,
        found: Found,
        expected: &'static str,
    },
    #[error("unclosed ring bond {ring} at offset {offset}")]
    UnclosedRing { offset: usize, ring: u32 },
    #[error("unclosed branch at offset {offset}")]
    UnclosedBranch { offset: usize },
    #[error("')' closes no branch at offset {offset}")]
    UnopenedBranch { offset: usize },
    #[error("empty branch at offset {offset}")]
    EmptyBranch { offset: usize },
    #[error("bond without an atom to bond to at offset {offset}")]
    DanglingBond { offset: usize },
    #[error("unknown element '{symbol}' at offset {offset}")]
    UnknownElement { offset: usize, symbol: String },
    /// SMILES only.
    #[error("'{symbol}' cannot be aromatic, at offset {offset}")]
    NotAromatic { offset: usize, symbol: String },
    /// SMILES only.
    #[error("bad charge at offset {offset}")]
    BadCharge { offset: usize },
    #[error("number too large at offset {offset}")]
    NumberTooLarge { offset: usize },
    /// SMILES only.
    #[error("ring bond {ring} closes with a different bond than it opened, at offset {offset}")]
    RingBondMismatch { offset: usize, ring: u32 },
    #[error("ring bond {ring} would bond an atom to itself or repeat a bond, at offset {offset}")]
    RingBondDuplicate { offset: usize, ring: u32 },
    /// SMILES only.
    #[error("cannot kekulize the aromatic system at atoms {}, at offset {offset}", atom_list(.atoms))]
    Kekulize { offset: usize, atoms: Vec<usize> },
    /// SMARTS only.
    #[error("recursive SMARTS nested deeper than {limit} levels at offset {offset}")]
    TooDeep { offset: usize, limit: usize },
    /// SMARTS only.
    #[error("{what} is not supported, at offset {offset}")]
    Unsupported { offset: usize, what: &'static str },
}

/// The errors of [`crate::smiles::parse`] and its kin.
pub type SmilesError = ReadError;

/// `expected` was wanted at byte `pos` of `text`; says what stands there.
/// Cold, so that the readers' checks that may fail with it stay small
/// enough to inline.
#[cold]
pub(crate) fn unexpected_at(text: &str, pos: usize, expected: &'static str) -> ReadError {
    let found = text[pos..].chars().next().map_or(Found::End, Found::Char);
    ReadError::Unexpected {
        offset: pos,
        found,
        expected,
    }
}

/// What the reader found where it expected something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    Char(char),
    End,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Char(c) => write!(f, "{c:?}"),
            Found::End => f.write_str("end of input"),
        }
    }
}

fn atom_list(atoms: &[usize]) -> String {
    // Contiguous runs read better: "4-9" rather than "4 5 6 7 8 9".
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < atoms.len() {
        let mut j = i;
        while j + 1 < atoms.len() && atoms[j + 1] == atoms[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}-{}", atoms[i], atoms[j])
        } else {
            atoms[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

impl ReadError {
    pub fn offset(&self) -> usize {
        match self {
            ReadError::Unexpected { offset, .. }
            | ReadError::UnclosedRing { offset, .. }
            | ReadError::UnclosedBranch { offset }
            | ReadError::UnopenedBranch { offset }
            | ReadError::EmptyBranch { offset }
            | ReadError::DanglingBond { offset }
            | ReadError::UnknownElement { offset, .. }
            | ReadError::NotAromatic { offset, .. }
            | ReadError::BadCharge { offset }
            | ReadError::NumberTooLarge { offset }
            | ReadError::RingBondMismatch { offset, .. }
            | ReadError::RingBondDuplicate { offset, .. }
            | ReadError::Kekulize { offset, .. }
            | ReadError::TooDeep { offset, .. }
            | ReadError::Unsupported { offset, .. } => *offset,
        }
    }

    /// The message, then the input with a caret under the offset. Long
    /// inputs are cut to a window around the offset.
    pub fn display_in<'a>(&'a self, input: &'a str) -> impl fmt::Display + 'a {
        Caret {
            message: self,
            input,
            offset: self.offset(),
        }
    }
}

/// A message followed by a caret line; shared by every reader of text.
pub(crate) struct Caret<'a, M: fmt::Display> {
    pub message: M,
    pub input: &'a str,
    pub offset: usize,
}

impl<M: fmt::Display> fmt::Display for Caret<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const WINDOW: usize = 60;
        let offset = self.offset.min(self.input.len());
        let mut start = offset.saturating_sub(WINDOW);
        while !self.input.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (offset + WINDOW).min(self.input.len());
        while !self.input.is_char_boundary(end) {
            end += 1;
        }
        let (pre, post) = (
            if start > 0 { "..." } else { "" },
            if end < self.input.len() { "..." } else { "" },
        );
        let width = pre.len() + self.input[start..offset].chars().count();
        write!(
            f,
            "{}\n  {pre}{}{post}\n  {}^",
            self.message,
            &self.input[start..end],
            " ".repeat(width)
        )
    }
}
