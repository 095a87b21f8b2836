//! Errors of the SMARTS reader, each with the byte offset it refers to.

use std::fmt;

use crate::smiles::{Caret, Found};

/// Why a SMARTS string could not be read. Every variant carries the byte
/// offset into the whole input (recursive `$(...)` parts included) where
/// the problem is; [`SmartsError::display_in`] shows it with a caret.
///
/// ```
/// use markush::smarts::{Smarts, SmartsError};
/// let err = Smarts::parse("C(C").unwrap_err();
/// assert_eq!(err, SmartsError::UnclosedBranch { offset: 1 });
/// assert_eq!(err.display_in("C(C").to_string(),
///            "unclosed branch at offset 1\n  C(C\n   ^");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SmartsError {
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
    #[error("number too large at offset {offset}")]
    NumberTooLarge { offset: usize },
    #[error("ring bond {ring} would bond an atom to itself or repeat a bond, at offset {offset}")]
    RingBondDuplicate { offset: usize, ring: u32 },
    #[error("recursive SMARTS nested deeper than {limit} levels at offset {offset}")]
    TooDeep { offset: usize, limit: usize },
    #[error("{what} is not supported, at offset {offset}")]
    Unsupported { offset: usize, what: &'static str },
}

impl SmartsError {
    pub fn offset(&self) -> usize {
        match self {
            SmartsError::Unexpected { offset, .. }
            | SmartsError::UnclosedRing { offset, .. }
            | SmartsError::UnclosedBranch { offset }
            | SmartsError::UnopenedBranch { offset }
            | SmartsError::EmptyBranch { offset }
            | SmartsError::DanglingBond { offset }
            | SmartsError::UnknownElement { offset, .. }
            | SmartsError::NumberTooLarge { offset }
            | SmartsError::RingBondDuplicate { offset, .. }
            | SmartsError::TooDeep { offset, .. }
            | SmartsError::Unsupported { offset, .. } => *offset,
        }
    }

    /// The message, then the input with a caret under the offset.
    pub fn display_in<'a>(&'a self, input: &'a str) -> impl fmt::Display + 'a {
        Caret {
            message: self,
            input,
            offset: self.offset(),
        }
    }
}
