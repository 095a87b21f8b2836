//! The Markush template language: claimed general formulas and the named
//! substituent groups they use, read from `grammars/*.markush` files.
//! `grammars/README.md` describes the language for patent analysts.
//!
//! ```
//! use markush::markush::Library;
//! let text = "group halogen \"halogen atom\" = [F,Cl,Br,I] exact\n\
//!             formula demo:I \"aryl halide\"\n  claims 1\n  core c1ccccc1{X}\n  label X = halogen\n";
//! let lib = Library::from_sources(&[("demo.markush", text)]).unwrap();
//! assert_eq!(lib.formulas[0].core.smarts, "c1ccccc1*");
//! assert_eq!(lib.formulas[0].core.sites[0].atom, 6);
//! ```

pub mod ast;
mod check;
pub mod engine;
mod error;
mod lex;
mod parse;
mod template;

use crate::groups::{GroupError, GroupLibrary};
pub use ast::Library;
pub use check::{check_dir, Report};
pub use error::{ErrorKind, TemplateError};

/// The group library of `grammars/groups.markush`, compiled into the binary.
pub const BUILTIN_GROUPS: &str = include_str!("../../grammars/groups.markush");

/// Parses group definitions written in the template language (see
/// `grammars/README.md`) and compiles them; `file` names the source in error
/// messages. Formulas in the source are read and checked too, but not kept.
///
/// The parser lives here, above `groups`, so that the substituent vocabulary
/// never depends on the template engine.
pub fn groups_from_str(source: &str, file: &str) -> Result<GroupLibrary, GroupError> {
    let library = Library::from_sources(&[(file, source)])
        .map_err(|errors| GroupError::Parse(errors.iter().map(|e| format!("{e}\n")).collect()))?;
    GroupLibrary::new(library.groups)
}

/// Reads, parses and compiles a group library file.
pub fn load_groups(path: &std::path::Path) -> Result<GroupLibrary, GroupError> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| GroupError::Parse(format!("{}: {e}", path.display())))?;
    groups_from_str(&source, &path.display().to_string())
}

/// The built-in group library ([`BUILTIN_GROUPS`]). Panics only if that file
/// is broken, which the test suite rules out.
pub fn builtin_groups() -> GroupLibrary {
    groups_from_str(BUILTIN_GROUPS, "grammars/groups.markush")
        .unwrap_or_else(|e| panic!("built-in group library: {e}"))
}
