//! Command-line parsing and dispatch. Each subcommand lives in its own module
//! with a plain options struct and a `run` that writes to any `Write`.

mod classify;
mod explain;
mod parse;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "markush",
    version,
    about = "Read molecules and classify them against claimed Markush formulas",
    after_help = "Examples:\n  \
        markush parse fixtures/examples/dyes.smi\n  \
        zcat big.smi.gz | markush parse - | head\n  \
        markush parse --atoms molecules.smi.gz > out.jsonl\n  \
        markush classify molecules.smi > classified.jsonl\n  \
        markush explain 'CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1'\n\n\
        Exit codes: 0 done (bad records are reported in the output), \
        1 input/output failure, 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Parse(parse::ParseArgs),
    Classify(classify::ClassifyArgs),
    Explain(explain::ExplainArgs),
}

pub fn main() -> ExitCode {
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = match cli.command {
        Command::Parse(args) => parse::run(&args, &mut out),
        Command::Classify(args) => classify::run(&args, &mut out),
        Command::Explain(args) => match explain::run(&args, &mut out) {
            Ok(Err(message)) => {
                eprintln!("markush: bad SMILES: {message}");
                return ExitCode::from(2);
            }
            other => other.map(|_| ()),
        },
    }
    .and_then(|()| out.flush());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing left to do, not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("markush: {e}");
            ExitCode::FAILURE
        }
    }
}
