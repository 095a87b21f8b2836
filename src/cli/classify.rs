//! `markush classify`: classify every molecule of a SMILES file against the
//! template library, one JSON object a record.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use markush::classify::ClassifyRecord;
use markush::io::{open_input, with_path, SmiReader};
use markush::markush::engine::Classifier;

#[derive(Debug, Args)]
#[command(
    about = "Classify each molecule of a SMILES file against the Markush formulas",
    long_about = "Read a SMILES file and print one JSON object a record, in input \
        order: `line`, `id`, `smiles`, `matches` (every formula the molecule falls \
        under, with `formula`, `patent`, `claims`, `core_atoms`, `variables`, \
        `assignments`, `counts`, `notes`) and, when the SMILES cannot be read, \
        `error`. With --explain, `misses` gives the nearest miss of every other formula.",
    after_help = "Examples:\n  \
        markush classify dyes.smi\n  \
        markush classify --explain --templates grammars/examples molecules.smi.gz"
)]
pub struct ClassifyArgs {
    /// SMILES file to read, `-` for standard input; gzip is detected.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// Directory of `*.markush` template files.
    #[arg(long, value_name = "DIR", default_value = "grammars")]
    pub templates: PathBuf,
    /// Add `misses`: why each other formula did not match.
    #[arg(long)]
    pub explain: bool,
}

/// Compiles the templates of `dir`, as an I/O error the CLI reports.
pub fn load(dir: &Path) -> io::Result<Classifier> {
    Classifier::from_dir(dir).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}

pub fn run(args: &ClassifyArgs, out: &mut impl Write) -> io::Result<()> {
    let classifier = load(&args.templates)?;
    for record in SmiReader::new(open_input(&args.input)?) {
        let record = record.map_err(|e| with_path(e, &args.input))?;
        let report = ClassifyRecord::new(&classifier, &record, args.explain);
        serde_json::to_writer(&mut *out, &report)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
