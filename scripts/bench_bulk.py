#!/usr/bin/env python3
"""The whole `markush classify` command on N corpus molecules, on 1 and 2
threads, against the same job done with RDKit in the same run.

Writes the first N lines of moses_train.smi.gz (1.58 million molecules;
the file is cycled when N is larger) to a temporary .smi file, then:

- runs `target/release/markush classify FILE --threads T -o /dev/null`
  for T = 1 and 2, timing the wall clock, with the peak resident memory
  from /usr/bin/time;
- does the RDKit job of scripts/bench_classify.py on the first
  min(N, RDKIT_N) molecules of the same file on one thread:
  Chem.MolFromSmiles, SubstructMatch against every formula's cores, and
  RGroupDecomposition of the molecules each formula's screen passed.

Prints records per second (wall clock) and CPU seconds for each, the
ratios and the peak memory. On a machine shared with other work, compare
the 2-thread wall time with its CPU time to see whether it got 2 cores.

usage: scripts/bench_bulk.py [N] [RDKIT_N]   (defaults 1000000 and 20000,
or $BENCH_N / $BENCH_RDKIT_N; needs a release build, RDKit, and the corpus
at $MARKUSH_SHARED_DATA or ../shared/data)
"""
import gzip
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_classify import rdkit_rate

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "markush"


def corpus_path():
    data = Path(os.environ.get("MARKUSH_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    return data / "corpus" / "moses_train.smi.gz"


def write_input(n, path):
    with gzip.open(corpus_path(), "rt") as src, open(path, "w") as out:
        lines = (l for l in src if l.strip())
        first = list(itertools.islice(lines, n))
        for i in range(n):
            out.write(first[i % len(first)])


def run_markush(path, threads):
    # GNU time reports the peak RSS of the command itself; os.wait4 would
    # count the memory of the forked Python before exec.
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "peak_kib=%M cpu=%U+%S", str(BIN), "classify", str(path),
         "--threads", str(threads), "-o", os.devnull, "--summary",
         "--templates", str(ROOT / "grammars")],
        capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("markush failed: " + done.stderr)
    stats = next(l for l in done.stderr.splitlines() if l.startswith("peak_kib="))
    fields = dict(f.split("=") for f in stats.split())
    cpu = sum(float(x) for x in fields["cpu"].split("+"))
    return elapsed, int(fields["peak_kib"]) / 1024, cpu, done.stdout.splitlines()[0]


def run_rdkit(path, n):
    """The RDKit job of scripts/bench_classify.py (one definition of the
    RDKit way for both comparisons) on the first n molecules of path."""
    with open(path) as f:
        smiles = [l.split()[0] for l in itertools.islice(f, n) if l.strip()]
    rate, per_formula = rdkit_rate(smiles)
    decomposed = sum(d for _, d in per_formula.values())
    return len(smiles) / rate, len(smiles), len(per_formula), decomposed


def main():
    n = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_N", 1_000_000))
    rdkit_n = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BENCH_RDKIT_N", 20_000))
    rdkit_n = min(n, rdkit_n)
    if not BIN.exists():
        sys.exit("build first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.smi"
        write_input(n, path)
        print(f"input: {n} molecules of {corpus_path().name}, {path.stat().st_size / 1e6:.1f} MB")
        rates = {}
        for threads in (1, 2):
            elapsed, rss, cpu, summary = run_markush(path, threads)
            rates[threads] = n / elapsed
            # CPU seconds show whether the machine gave the run its cores:
            # a busy machine shows up as wall time near CPU time on 2 threads.
            print(f"markush {threads} thread(s): {elapsed:.1f} s wall, {cpu:.1f} s CPU, "
                  f"{rates[threads]:,.0f} records/s, peak RSS {rss:.0f} MB ({summary})")
        elapsed, done, ncores, decomposed = run_rdkit(path, rdkit_n)
        rdkit_rate = done / elapsed
        print(f"RDKit 1 thread: {done} molecules, {ncores} formulas, {decomposed} decomposed, "
              f"{elapsed:.1f} s CPU, {rdkit_rate:,.0f} molecules/s")
        print(f"markush/RDKit on 1 thread: {rates[1] / rdkit_rate:.1f}x; "
              f"markush 2 threads / 1 thread: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
