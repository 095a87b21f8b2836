//! Readers and writers of record files: SMILES files in, JSON lines out.
//!
//! Every command of the CLI reads its molecules through [`SmiReader`] (fed by
//! [`open_input`], which handles stdin and gzip) so that line numbers, names
//! and skipped lines mean the same everywhere.

mod report;
mod smi;

pub use report::{ErrorReport, MolReport, Outcome, ParseReport};
pub use smi::{open_input, with_path, SmiReader, SmiRecord};
