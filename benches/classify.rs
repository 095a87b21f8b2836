//! Classification throughput: every SMILES read and classified against the
//! full template library of `grammars/` on one thread, over the dye set
//! and over the MOSES corpus, read into memory first.
//!
//!     cargo bench --bench classify
//!
//! Environment: `MARKUSH_BENCH_N` (molecules per set at most, default
//! 20000; the dye set has 5558), `MARKUSH_BENCH_REPEAT` (timed passes,
//! default 3; the fastest is reported), `MARKUSH_SHARED_DATA` (data
//! directory, default `../shared/data`). For each set found it prints
//!
//!     classify <set>: <N> molecules, <rate> mol/s
//!
//! (`<set>` is `dyes` or `corpus`, `<rate>` molecules per second of the
//! thread's CPU time, wall clock where that is not available) and a line
//! `matched <set>: ...` with what fell under a formula, so a run can be
//! checked against the RDKit comparison.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cpu_time::ThreadTime;

use markush::io::{open_input, SmiReader};
use markush::markush::engine::Classifier;

/// (name, file under the data directory).
const SETS: [(&str, &str); 2] = [
    ("dyes", "dyes/dyes.smi"),
    ("corpus", "corpus/moses_train.smi.gz"),
];

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

/// One pass: seconds taken, and how many molecules matched some formula.
fn pass(classifier: &Classifier, smiles: &[String]) -> (f64, usize) {
    // CPU time of this thread, so that rates hold on a machine shared with
    // other jobs; the wall clock where the platform has no such clock.
    let cpu = ThreadTime::try_now().ok();
    let wall = Instant::now();
    let mut matched = 0;
    for s in smiles {
        if let Ok(mol) = markush::smiles::parse(black_box(s)) {
            if !black_box(classifier.classify(&mol)).matches.is_empty() {
                matched += 1;
            }
        }
    }
    let seconds = cpu
        .map_or_else(|| wall.elapsed(), |c| c.elapsed())
        .as_secs_f64();
    (seconds, matched)
}

fn read(path: &Path, n: usize) -> Vec<String> {
    let input = open_input(path).expect("open the data set");
    SmiReader::new(input)
        .take(n)
        .map(|r| r.expect("read the data set").smiles)
        .collect()
}

fn main() {
    let n = setting("MARKUSH_BENCH_N", 20_000);
    let repeat = setting("MARKUSH_BENCH_REPEAT", 3).max(1);
    let data = std::env::var_os("MARKUSH_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let classifier = Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars"))
        .expect("the templates of grammars/ compile");
    for (set, file) in SETS {
        let path = data.join(file);
        if !path.exists() {
            println!(
                "skipped {set}: {} not found (set MARKUSH_SHARED_DATA)",
                path.display()
            );
            continue;
        }
        let smiles = read(&path, n);
        // A first pass over a slice warms the caches and the allocator.
        pass(&classifier, &smiles[..smiles.len().min(500)]);
        let mut fastest = f64::INFINITY;
        let mut matched = 0;
        for _ in 0..repeat {
            let (seconds, m) = pass(&classifier, &smiles);
            fastest = fastest.min(seconds);
            matched = m;
        }
        println!(
            "classify {set}: {} molecules, {:.0} mol/s",
            smiles.len(),
            smiles.len() as f64 / fastest
        );
        println!(
            "matched {set}: {matched} of {} fall under some formula ({})",
            smiles.len(),
            path.display()
        );
    }
}
