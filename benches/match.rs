//! Parse plus one substructure test per molecule over the first N molecules
//! of the MOSES corpus, for a few queries; prints molecules per second.
//! `scripts/bench_match.py` runs this and RDKit on the same file and prints
//! the ratio.
//!
//! `cargo bench --bench match [-- N] [--query NAME [--serve]]` (default
//! N = 20000; `--query` runs only the query of that name, so that a script
//! can let this side and RDKit take turns query by query; `--serve` then
//! skips the timed passes and answers requests on stdin instead, one line
//! `START END` each, with `hits seconds` for parse plus the query over
//! molecules START..END, so that a script can interleave the two sides
//! chunk by chunk; `MARKUSH_BENCH_REPEAT` timed passes of each job, default
//! 3, the best is reported, since one pass of a fraction of a second is at
//! the mercy of the scheduler on a shared machine). The corpus is
//! looked for at `$MARKUSH_SHARED_DATA/corpus/moses_train.smi.gz`, else
//! `../shared/data/corpus/` from the crate root; without it the bench says
//! so and does nothing.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use cpu_time::ThreadTime;
use markush::matcher::{Target, DEFAULT_BUDGET};
use markush::mol::Mol;
use markush::smarts::Smarts;
use markush::smiles::{parse, parse_into};

/// (name, SMARTS); scripts/bench_match.py gives RDKit the same SMARTS.
const QUERIES: &[(&str, &str)] = &[
    ("benzene", "c1ccccc1"),
    ("carboxylic acid", "C(=O)[OH]"),
    ("amide", "C(=O)N"),
    ("aryl azo", "c/N=N/c"),
    ("phenothiazine", "c1ccc2c(c1)Nc1ccccc1S2"),
    (
        "recursive: amine not amide",
        "[NX3;!$(N-C=O);!$(N-S(=O)=O)]",
    ),
];

/// Runs `f` `repeat` times, returning its result and the fewest seconds
/// of CPU time one run took on this thread, so that the figures hold on a
/// loaded machine (a virtual one's stolen time is not counted, as it is
/// not in RDKit's `time.thread_time`).
fn timed<T>(repeat: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let clock = ThreadTime::now();
        out = Some(f());
        best = best.min(clock.elapsed().as_secs_f64());
    }
    (out.expect("at least one run"), best)
}

fn corpus() -> Option<PathBuf> {
    let data = std::env::var_os("MARKUSH_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let path = data.join("corpus/moses_train.smi.gz");
    path.exists().then_some(path)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20_000);
    let only = args
        .iter()
        .position(|a| a == "--query")
        .map(|i| args.get(i + 1).map(String::as_str).unwrap_or_default());
    let queries: Vec<(&str, &str)> = QUERIES
        .iter()
        .copied()
        .filter(|(name, _)| only.map_or(true, |o| o == *name))
        .collect();
    if queries.is_empty() {
        let names: Vec<&str> = QUERIES.iter().map(|(name, _)| *name).collect();
        eprintln!("match bench: no query named {only:?}; the queries are {names:?}");
        std::process::exit(2);
    }
    let repeat = std::env::var("MARKUSH_BENCH_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let Some(path) = corpus() else {
        println!("match bench: corpus moses_train.smi.gz not found, skipped");
        return;
    };
    let file = std::fs::File::open(&path).expect("open corpus");
    let lines: Vec<String> = BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .take(n)
        .map(|l| l.expect("read corpus"))
        .collect();
    let smiles: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    if args.iter().any(|a| a == "--serve") {
        match queries[..] {
            [(_, smarts)] => serve(&smiles, smarts),
            _ => {
                eprintln!("match bench: --serve needs --query NAME");
                std::process::exit(2);
            }
        }
        return;
    }

    let (mols, parse_s) = timed(repeat, || {
        smiles
            .iter()
            .filter_map(|s| parse(s).ok())
            .collect::<Vec<_>>()
    });
    println!(
        "parse only: {} molecules ({} read) {:.0} mol/s",
        smiles.len(),
        mols.len(),
        smiles.len() as f64 / parse_s
    );

    let (atoms, target_s) = timed(repeat, || {
        mols.iter()
            .map(|m| Target::new(m).atom_count())
            .sum::<usize>()
    });
    println!(
        "target facts only: {:.0} mol/s ({:.1} atoms on average)",
        mols.len() as f64 / target_s,
        atoms as f64 / mols.len() as f64
    );

    for (name, smarts) in queries {
        let query = Smarts::parse(smarts).expect("bench SMARTS");
        let (hits, match_s) = timed(repeat, || mols.iter().filter(|m| found(&query, m)).count());
        let (parse_hits, total_s) = timed(repeat, || parse_and_match(&smiles, &query));
        assert_eq!(hits, parse_hits);
        // One machine-readable line per query for scripts/bench_match.py.
        println!(
            "query\t{name}\t{smarts}\tmolecules={}\thits={hits}\tparse_and_match_mol_per_s={:.0}\tmatch_only_mol_per_s={:.0}",
            smiles.len(),
            smiles.len() as f64 / total_s,
            mols.len() as f64 / match_s,
        );
    }
}

fn found(query: &Smarts, mol: &Mol) -> bool {
    query.has_match_in(&Target::new(mol), DEFAULT_BUDGET) == Ok(true)
}

/// The job RDKit is compared on: read each SMILES, test the query. Read
/// the way a bulk caller reads: into one molecule, reused ([`parse_into`]).
fn parse_and_match(smiles: &[&str], query: &Smarts) -> usize {
    let mut mol = Mol::new();
    smiles
        .iter()
        .filter(|s| parse_into(s, &mut mol).is_ok() && found(query, &mol))
        .count()
}

/// Answers `START END` lines on stdin with `hits seconds` for parse plus
/// `smarts` over `smiles[START..END]`, timed once.
fn serve(smiles: &[&str], smarts: &str) {
    let query = Smarts::parse(smarts).expect("bench SMARTS");
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|()| out.flush())
        .expect("write");
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("read request");
        let range: Vec<usize> = line
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        let [start, end] = range[..] else {
            eprintln!("match bench: request {line:?} is not START END");
            std::process::exit(2);
        };
        let chunk = &smiles[start.min(smiles.len())..end.min(smiles.len())];
        let (hits, seconds) = timed(1, || parse_and_match(chunk, &query));
        writeln!(out, "{hits} {seconds:.9}")
            .and_then(|()| out.flush())
            .expect("write");
    }
}
