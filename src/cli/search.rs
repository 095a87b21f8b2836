//! `markush match`: count a SMARTS pattern's matches in every record.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use markush::io::{open_input, with_path, ErrorReport, SmiReader};
use markush::matcher::{MatchOptions, Target, DEFAULT_BUDGET};
use markush::mol::Mol;
use markush::smarts::Smarts;
use markush::smiles::parse_into;
use serde::Serialize;

#[derive(Debug, Args)]
#[command(
    about = "Count a SMARTS pattern's matches in every record of a SMILES file",
    long_about = "Read a SMILES file and print one JSON object a record, in input \
        order: `line`, `id`, and `matches` (the number of matches unique by atom \
        set, as RDKit's GetSubstructMatches counts them), with `--atoms` also \
        `atoms` (the matched atom indices, in SMARTS atom order); or `error` \
        with `message` and `offset` for a record that cannot be read, or with \
        `message` \"search budget exceeded\" when the search gave up.",
    after_help = "Examples:\n  \
        markush match 'c1ccccc1' fixtures/examples/dyes.smi\n  \
        markush match --atoms '[#6]N=N[#6]' fixtures/examples/dyes.smi\n  \
        zcat corpus.smi.gz | markush match 'C(=O)[OH]' -\n\n\
        Exit codes: 0 done, 1 input/output failure, 2 usage error or bad SMARTS."
)]
pub struct MatchArgs {
    /// The SMARTS pattern.
    #[arg(value_name = "SMARTS")]
    pub smarts: String,
    /// SMILES file to read, `-` for standard input; gzip is detected.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// Also print the matched atom indices of every match.
    #[arg(long)]
    pub atoms: bool,
    /// Search steps allowed per molecule before it is reported as
    /// "search budget exceeded".
    #[arg(long, default_value_t = DEFAULT_BUDGET)]
    pub budget: u64,
}

#[derive(Serialize)]
struct MatchReport<'a> {
    line: usize,
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    atoms: Option<Vec<Vec<u32>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorReport>,
}

/// Parses the pattern first: a bad SMARTS is a usage error, reported with a
/// caret under its position, before any record is read.
pub fn parse_pattern(args: &MatchArgs) -> Result<Smarts, String> {
    Smarts::parse(&args.smarts).map_err(|e| e.display_in(&args.smarts).to_string())
}

pub fn run(args: &MatchArgs, pattern: &Smarts, out: &mut impl Write) -> io::Result<()> {
    // Every record is read into this one molecule, which keeps its buffers.
    let mut mol = Mol::new();
    for record in SmiReader::new(open_input(&args.input)?) {
        let record = record.map_err(|e| with_path(e, &args.input))?;
        let mut report = MatchReport {
            line: record.line,
            id: record.id.as_deref(),
            matches: None,
            atoms: None,
            error: None,
        };
        match parse_into(&record.smiles, &mut mol) {
            Err(e) => report.error = Some((&e).into()),
            Ok(()) => {
                let target = Target::new(&mol);
                let options = MatchOptions {
                    budget: args.budget,
                    ..MatchOptions::default()
                };
                let found = if args.atoms {
                    pattern.matches(&target, options).map(|m| {
                        report.matches = Some(m.len());
                        report.atoms = Some(m);
                    })
                } else {
                    pattern
                        .count_unique_in(&target, args.budget)
                        .map(|n| report.matches = Some(n))
                };
                if let Err(e) = found {
                    report.error = Some(ErrorReport {
                        message: e.to_string(),
                        offset: 0,
                    });
                }
            }
        }
        serde_json::to_writer(&mut *out, &report)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
