//! `markush parse`: read a SMILES file, print one JSON summary a record.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use markush::io::{open_input, with_path, ParseReport, SmiReader};

#[derive(Debug, Args)]
#[command(
    about = "Read a SMILES file and print one JSON object per record",
    long_about = "Read a SMILES file (one `SMILES [name]` a line; blank lines and \
        lines starting with '#' are skipped) and print one JSON object a record, \
        in input order: `line`, `id`, then either `formula`, `heavy_atoms`, \
        `hydrogens`, `charge`, `rings`, `aromatic_atoms`, or `error` with \
        `message` and `offset` (byte offset in the SMILES).",
    after_help = "Examples:\n  \
        markush parse fixtures/examples/dyes.smi\n  \
        markush parse --atoms molecules.smi.gz\n  \
        echo 'c1ccncc1 pyridine' | markush parse -"
)]
pub struct ParseArgs {
    /// SMILES file to read, `-` for standard input; gzip is detected.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// Also print `atom_hydrogens`: the hydrogen count of each atom, in order.
    #[arg(long)]
    pub atoms: bool,
}

pub fn run(args: &ParseArgs, out: &mut impl Write) -> io::Result<()> {
    for record in SmiReader::new(open_input(&args.input)?) {
        let record = record.map_err(|e| with_path(e, &args.input))?;
        let result = markush::smiles::parse(&record.smiles);
        serde_json::to_writer(&mut *out, &ParseReport::new(&record, &result, args.atoms))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
