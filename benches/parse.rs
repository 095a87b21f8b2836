//! SMILES reading throughput: `markush::smiles::parse` on one thread over the
//! first N molecules of the MOSES training set, read into memory first.
//!
//!     cargo bench --bench parse
//!
//! Environment: `MARKUSH_BENCH_N` (molecules, default 200000),
//! `MARKUSH_BENCH_REPEAT` (timed passes, default 3; the best is reported),
//! `MARKUSH_SHARED_DATA` (data directory, default `../shared/data`).
//! The last two lines, `markush_parse_mol_per_s <rate>` (wall clock) and
//! `markush_parse_mol_per_cpu_s <rate>` (CPU time of the thread, which is
//! steadier on a shared machine), are what `scripts/bench_parse.py` reads.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cpu_time::ThreadTime;

use markush::io::{open_input, SmiReader};

const CORPUS: &str = "corpus/moses_train.smi.gz";

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        Err(_) => default,
    }
}

fn data_dir() -> PathBuf {
    std::env::var_os("MARKUSH_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

struct Pass {
    wall: Duration,
    cpu: Option<Duration>,
    failed: usize,
    /// Keeps the work from being optimised away.
    atoms: usize,
}

fn pass(smiles: &[String]) -> Pass {
    // CPU time of this thread, steadier than the wall clock on a machine
    // shared with other jobs; `None` where the platform has no such clock.
    let cpu_start = ThreadTime::try_now().ok();
    let start = Instant::now();
    let (mut failed, mut atoms) = (0, 0);
    for s in smiles {
        match markush::smiles::parse(black_box(s)) {
            Ok(mol) => atoms += black_box(mol).atom_count(),
            Err(_) => failed += 1,
        }
    }
    let wall = start.elapsed();
    let cpu = cpu_start.map(|c| c.elapsed());
    Pass {
        wall,
        cpu,
        failed,
        atoms,
    }
}

fn main() {
    let n = env_usize("MARKUSH_BENCH_N", 200_000);
    let repeat = env_usize("MARKUSH_BENCH_REPEAT", 3).max(1);
    let path = data_dir().join(CORPUS);
    if !path.exists() {
        println!(
            "skipped: {} not found (set MARKUSH_SHARED_DATA)",
            path.display()
        );
        return;
    }
    let input = open_input(&path).expect("open the corpus");
    let smiles: Vec<String> = SmiReader::new(input)
        .take(n)
        .map(|r| r.expect("read the corpus").smiles)
        .collect();
    println!(
        "markush::smiles::parse, 1 thread, first {} molecules of {}",
        smiles.len(),
        path.display()
    );

    // Warm caches and the allocator before timing.
    pass(&smiles[..smiles.len().min(10_000)]);
    let n = smiles.len() as f64;
    let (mut best_wall, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for run in 1..=repeat {
        let p = pass(&smiles);
        let wall = p.wall.as_secs_f64();
        best_wall = best_wall.min(wall);
        let cpu = p.cpu.map_or(f64::NAN, |c| c.as_secs_f64());
        best_cpu = best_cpu.min(cpu);
        println!(
            "run {run}: {wall:.3} s wall, {cpu:.3} s cpu, {:.0} molecules/s ({} failed, {} atoms)",
            n / wall,
            p.failed,
            p.atoms
        );
    }
    println!("markush_parse_mol_per_s {:.0}", n / best_wall);
    if best_cpu.is_finite() && best_cpu > 0.0 {
        println!("markush_parse_mol_per_cpu_s {:.0}", n / best_cpu);
    }
}
