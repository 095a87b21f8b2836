//! The bulk run of `markush classify` (reading, parallel classification
//! against the templates of `grammars/`, ordered JSON output) on the first
//! N molecules of the MOSES corpus, on 1 and 2 threads; prints records per
//! second and the speed-up. `scripts/bench_bulk.py` times the whole binary
//! on a file, with peak memory and RDKit doing the same job.
//!
//! `cargo bench --bench bulk [-- N]` (default N = 2000). The corpus is
//! looked for at `$MARKUSH_SHARED_DATA/corpus/moses_train.smi.gz`, else
//! `../shared/data/corpus/` from the crate root; without it the bench says
//! so and does nothing.

use std::io::{BufRead, Cursor};
use std::path::PathBuf;
use std::time::Instant;

use markush::classify::{classify_stream, BulkOptions};
use markush::io::{open_input, read_records, InputOptions};
use markush::markush::engine::Classifier;

#[path = "../tests/support/shared_data.rs"]
mod shared_data;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let corpus = shared_data::shared_data_dir().map(|d| d.join("corpus/moses_train.smi.gz"));
    let Some(path) = corpus.filter(|p| p.exists()) else {
        println!("bulk bench: corpus moses_train.smi.gz not found, skipped");
        return;
    };
    let mut text = Vec::new();
    for line in open_input(&path).expect("open corpus").lines().take(n) {
        text.extend_from_slice(line.expect("read corpus").as_bytes());
        text.push(b'\n');
    }
    let grammars = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("grammars");
    let classifier = Classifier::from_dir(grammars).expect("templates");
    let mut rates = Vec::new();
    for threads in [1, 2] {
        let records = read_records(
            Box::new(Cursor::new(text.clone())),
            &InputOptions::default(),
        )
        .expect("records");
        let options = BulkOptions {
            threads: Some(threads),
            ..BulkOptions::default()
        };
        let start = Instant::now();
        let summary = classify_stream(
            &classifier,
            records,
            &options,
            &mut std::io::sink(),
            &mut |_| {},
        )
        .expect("classify");
        let rate = summary.records as f64 / start.elapsed().as_secs_f64();
        println!(
            "bulk classify, {threads} thread(s): {} records, {} matched, {rate:.0} records/s",
            summary.records, summary.matched
        );
        rates.push(rate);
    }
    println!("2 threads / 1 thread: {:.2}x", rates[1] / rates[0]);
}
