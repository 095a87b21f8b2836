//! Errors of the SMARTS reader: the SMILES reader's [`ReadError`], as the
//! two share their chain grammar.

use crate::smiles::ReadError;

/// Why a SMARTS string could not be read, with the byte offset into the
/// whole input (recursive `$(...)` parts included) where the problem is;
/// `display_in` shows it with a caret.
///
/// ```
/// use markush::smarts::{Smarts, SmartsError};
/// let err = Smarts::parse("C(C").unwrap_err();
/// assert_eq!(err, SmartsError::UnclosedBranch { offset: 1 });
/// assert_eq!(err.display_in("C(C").to_string(),
///            "unclosed branch at offset 1\n  C(C\n   ^");
/// ```
pub type SmartsError = ReadError;
