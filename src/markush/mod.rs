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
mod error;
mod lex;
mod parse;
mod template;

pub use ast::Library;
pub use check::{check_dir, Report};
pub use error::{ErrorKind, TemplateError};
