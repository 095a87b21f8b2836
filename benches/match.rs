//! Parse plus one substructure test per molecule over the first N molecules
//! of the MOSES corpus, for a few queries; prints molecules per second.
//! `scripts/bench_match.py` runs this and RDKit on the same file and prints
//! the ratio.
//!
//! `cargo bench --bench match [-- N] [--query NAME]` (default N = 20000;
//! `--query` runs only the query of that name, so that a script can let
//! this side and RDKit take turns query by query;
//! `MARKUSH_BENCH_REPEAT` timed passes of each job, default 3, the best is
//! reported, since one pass of a fraction of a second is at the mercy of
//! the scheduler on a shared machine). The corpus is
//! looked for at `$MARKUSH_SHARED_DATA/corpus/moses_train.smi.gz`, else
//! `../shared/data/corpus/` from the crate root; without it the bench says
//! so and does nothing.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;

use markush::matcher::{Target, DEFAULT_BUDGET};
use markush::smarts::Smarts;
use markush::smiles::parse;

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

/// Seconds this thread has been on a CPU (Linux schedstat), so that the
/// figures hold on a loaded machine; wall-clock time elsewhere.
struct Clock(Option<Instant>);

impl Clock {
    fn start() -> (Clock, f64) {
        match thread_cpu_seconds() {
            Some(s) => (Clock(None), s),
            None => (Clock(Some(Instant::now())), 0.0),
        }
    }

    fn seconds_since(&self, start: f64) -> f64 {
        match self.0 {
            Some(instant) => instant.elapsed().as_secs_f64(),
            None => thread_cpu_seconds().unwrap_or(start) - start,
        }
    }
}

fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Runs `f` `repeat` times, returning its result and the fewest seconds
/// one run took. Each time is taken over as many runs as fill a quarter of
/// a second: the thread's CPU clock (schedstat) moves in scheduler ticks of
/// a few milliseconds, which over one run of 20,000 molecules (15-80 ms)
/// made rates jump by whole ticks.
fn timed<T>(repeat: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    const SPAN: f64 = 0.25;
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let (clock, start) = Clock::start();
        let mut runs = 0;
        let seconds = loop {
            out = Some(f());
            runs += 1;
            let seconds = clock.seconds_since(start);
            if seconds >= SPAN {
                break seconds;
            }
        };
        best = best.min(seconds / runs as f64);
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
        let found =
            |m: &markush::mol::Mol| query.has_match_in(&Target::new(m), DEFAULT_BUDGET) == Ok(true);
        let match_only = |mols: &[markush::mol::Mol]| mols.iter().filter(|m| found(m)).count();
        let (hits, match_s) = timed(repeat, || match_only(&mols));
        let (parse_hits, total_s) = timed(repeat, || {
            smiles
                .iter()
                .filter_map(|s| parse(s).ok())
                .filter(|m| found(m))
                .count()
        });
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
