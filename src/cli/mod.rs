//! Command-line parsing and dispatch. Each subcommand lives in its own module
//! with a plain options struct and a `run` that writes to any `Write`.

mod classify;
mod explain;
mod parse;
mod search;
mod templates;

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
        markush match 'c1ccccc1' fixtures/examples/dyes.smi\n  \
        markush templates check grammars\n  \
        markush classify molecules.smi > classified.jsonl\n  \
        markush explain 'CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1'\n\n\
        Exit codes: 0 done (bad records are reported in the output), \
        1 input/output failure, 2 usage or template error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Parse(parse::ParseArgs),
    #[command(name = "match")]
    Match(search::MatchArgs),
    Templates(templates::TemplatesArgs),
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
        Command::Match(args) => match search::parse_pattern(&args) {
            Ok(pattern) => search::run(&args, &pattern, &mut out),
            Err(message) => {
                eprintln!("markush: bad SMARTS: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Templates(args) => return ExitCode::from(templates::run(&args)),
        Command::Classify(args) => match classify::run(&args, &mut out) {
            Ok(()) => Ok(()),
            Err(classify::Failure::Io(e)) => Err(e),
            Err(classify::Failure::Usage(message)) => {
                eprintln!("markush: {message}");
                return ExitCode::from(2);
            }
        },
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
