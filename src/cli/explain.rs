//! `markush explain`: one molecule's classification in words.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use markush::classify::explain_text;

use super::classify::Failure;

#[derive(Debug, Args)]
#[command(
    about = "Explain in words which formulas one molecule falls under, and why not the others",
    after_help = "Examples:\n  \
        markush explain 'CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1'\n  \
        markush explain --templates grammars/examples 'NCC(=O)[O-].[Na+]'"
)]
pub struct ExplainArgs {
    /// The molecule, as SMILES.
    #[arg(value_name = "SMILES")]
    pub smiles: String,
    /// Directory of `*.markush` template files.
    #[arg(long, value_name = "DIR", default_value = "grammars")]
    pub templates: PathBuf,
}

/// Writes the explanation; a SMILES that cannot be read is a usage error
/// (`Err` with the message, caret included).
pub fn run(args: &ExplainArgs, out: &mut impl Write) -> io::Result<Result<(), String>> {
    let classifier = super::classify::load(&args.templates).map_err(|f| match f {
        Failure::Io(e) => e,
        Failure::Usage(m) => io::Error::new(io::ErrorKind::InvalidData, m),
    })?;
    match explain_text(&classifier, &args.smiles) {
        Ok(text) => {
            out.write_all(text.as_bytes())?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(e.display_in(&args.smiles).to_string())),
    }
}
