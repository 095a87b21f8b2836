//! `markush classify`: classify every record of a file against the template
//! library, in parallel, one output record per input record.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use markush::classify::{classify_stream, BulkOptions, OutputFormat, Summary};
use markush::io::{open_input, read_records, with_path, InputFormat, InputOptions, ReadSetupError};
use markush::markush::engine::Classifier;

#[derive(Debug, Args)]
#[command(
    about = "Classify each molecule of a SMILES, CSV/TSV or SDF file against the Markush formulas",
    long_about = "Read molecules and print one output record per input record, in input \
        order, errors included. JSON lines (default): `line`, `id`, `smiles`, `matches` \
        (every formula the molecule falls under, with `formula`, `patent`, `claims`, \
        `core_atoms`, `variables`, `assignments`, `counts`, `notes`) and, for a bad \
        record, `error` (`kind`: smiles, molfile, record or budget exceeded; `message`; \
        `offset` in the SMILES or `at_line` in the file). With --explain, `misses` gives \
        the nearest miss of every other formula.\n\n\
        --format csv|tsv writes the columns line, id, smiles, status (match, no match, \
        error), formula, patent, claims (;-separated), assignments (label=SMILES, \
        ;-separated), error_kind, error_message: one row per match, or one row for a \
        molecule without matches.\n\n\
        The input kind comes from the extension (.smi, .csv, .tsv, .sdf, .mol, each \
        optionally .gz) or --input-format; standard input (`-`) is SMILES unless told. \
        Gzip is also recognised by its content.",
    after_help = "Examples:\n  \
        markush classify dyes.smi                                   # SMILES [name] lines, header optional\n  \
        markush classify library.smi.gz --summary > out.jsonl\n  \
        zcat library.smi.gz | markush classify - --format csv > out.csv\n  \
        markush classify export.csv --smiles-column Structure --id-column RegNo\n  \
        markush classify screen.tsv --only-matches\n  \
        markush classify export.sdf.gz --id-column CAS --threads 8\n  \
        markush classify record.mol --explain\n  \
        cat export.sdf | markush classify - --input-format sdf\n\n\
        Exit codes: 0 done (bad records are reported in the output), 1 input/output \
        failure, 2 usage or template error."
)]
pub struct ClassifyArgs {
    /// File to read, `-` for standard input.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// Directory of `*.markush` template files.
    #[arg(long, value_name = "DIR", default_value = "grammars")]
    pub templates: PathBuf,
    /// Add `misses`: why each other formula did not match (JSON only).
    #[arg(long)]
    pub explain: bool,
    /// Input kind, when the file name does not say it.
    #[arg(long, value_enum, value_name = "KIND")]
    pub input_format: Option<InputFormat>,
    /// CSV/TSV column holding the SMILES [default: `smiles`, else the first].
    #[arg(long, value_name = "NAME")]
    pub smiles_column: Option<String>,
    /// CSV/TSV column, or SDF data item, holding the id [default: `id` or
    /// `name`; the SDF title line].
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub format: OutputFormat,
    /// Write only records with a match.
    #[arg(long)]
    pub only_matches: bool,
    /// Print counts per formula and per error kind at the end (to standard
    /// error, or standard output with --output).
    #[arg(long)]
    pub summary: bool,
    /// Write records to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Why a classify run failed, by exit code.
pub enum Failure {
    /// Bad options or templates: exit 2.
    Usage(String),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Compiles the templates of `dir`.
pub fn load(dir: &Path) -> Result<Classifier, Failure> {
    Classifier::from_dir(dir).map_err(|e| Failure::Usage(e.to_string()))
}

pub fn run(args: &ClassifyArgs, stdout: &mut impl Write) -> Result<(), Failure> {
    let classifier = load(&args.templates)?;
    let options = InputOptions {
        format: args
            .input_format
            .or_else(|| InputFormat::from_path(&args.input)),
        smiles_column: args.smiles_column.clone(),
        id_column: args.id_column.clone(),
    };
    let records = match read_records(open_input(&args.input)?, &options) {
        Ok(records) => records,
        Err(ReadSetupError::Io(e)) => return Err(with_path(e, &args.input).into()),
        Err(ReadSetupError::Column(e)) => {
            return Err(Failure::Usage(format!("{}: {e}", args.input.display())))
        }
    };
    let bulk = BulkOptions {
        format: args.format,
        explain: args.explain,
        only_matches: args.only_matches,
        threads: args.threads,
    };
    let bar = progress_bar();
    let mut update = |s: &Summary| {
        bar.set_position(s.records);
        let rate = s.records as f64 / bar.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!(
            "{rate:.0} records/s, {} matched, {} errors",
            s.matched, s.errors
        ));
    };
    let mut file;
    let out: &mut dyn Write = match &args.output {
        Some(path) => {
            file = BufWriter::new(File::create(path).map_err(|e| with_path(e, path))?);
            &mut file
        }
        None => stdout,
    };
    let result = classify_stream(&classifier, records, &bulk, out, &mut update);
    bar.finish_and_clear();
    let summary = result.map_err(|e| with_path(e, &args.input))?;
    out.flush()?;
    if args.summary {
        match args.output {
            Some(_) => {
                out.flush()?;
                stdout.write_all(summary.text().as_bytes())?;
            }
            None => eprint!("{}", summary.text()),
        }
    }
    Ok(())
}

/// Records per second and errors, redrawn a few times a second; hidden
/// (drawing nothing at all) when standard error is not a terminal.
fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} records in {elapsed}: {msg}")
            .expect("the template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
