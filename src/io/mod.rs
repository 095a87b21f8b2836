//! Readers and writers of record files: SMILES, CSV/TSV and SDF in, JSON
//! lines out.
//!
//! Every command of the CLI reads its molecules through [`open_input`]
//! (stdin and gzip) and [`SmiReader`] or [`read_records`], so that line
//! numbers, names and skipped lines mean the same everywhere.

mod molfile;
mod record;
mod report;
mod smi;

pub use molfile::{parse_molfile, MolfileError};
pub use record::{
    read_records, Body, ColumnError, InputFormat, InputOptions, ReadError, ReadSetupError, Record,
    RecordError, Records, MAX_SDF_RECORD,
};
pub use report::{ErrorReport, MolReport, Outcome, ParseReport};
pub use smi::{open_input, with_path, LineTooLong, SmiReader, SmiRecord, MAX_LINE};
