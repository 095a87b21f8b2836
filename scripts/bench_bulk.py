#!/usr/bin/env python3
"""The whole `markush classify` command on N corpus molecules, on 1 and 2
threads, against the same job done with RDKit in the same run.

Writes the first N lines of moses_train.smi.gz (1.58 million molecules;
the file is cycled when N is larger) to a temporary .smi file, then:

- runs `target/release/markush classify FILE --threads T -o /dev/null`
  for T = 1 and 2, timing the wall clock, with the peak resident memory
  from /usr/bin/time;
- does the RDKit job on the first min(N, RDKIT_N) molecules of the same
  file on one thread: Chem.MolFromSmiles, HasSubstructMatch against every
  formula's core (the template core with each `{slot}` as a `*` atom, the
  nearest a SMARTS core can come), and RGroupDecomposition of the
  molecules that matched, core by core. Cores made only of slots are
  left out (see `cores`), which makes RDKit's job lighter than ours.

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
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdkit import Chem, RDLogger
from rdkit.Chem import rdRGroupDecomposition

RDLogger.DisableLog("rdApp.*")
ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "markush"


def corpus_path():
    data = Path(os.environ.get("MARKUSH_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    if not data.is_dir():
        data = Path("/work/shared/data")
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


def cores():
    out = []
    for path in sorted((ROOT / "grammars").glob("*.markush")):
        for line in path.read_text().splitlines():
            m = re.match(r"\s*core\s+(\S+)", line)
            if m:
                smarts = re.sub(r"\{[^}]*\}", "*", m.group(1))
                query = Chem.MolFromSmarts(smarts)
                # A core of slots only (`{R1}{X}{L}{Y}`) is all `*` atoms:
                # it matches everything and sends RGroupDecomposition into
                # a combinatorial search, so RDKit is not given it.
                if query is not None and re.search(r"[A-Za-z#]", smarts):
                    out.append(query)
    return out


def run_rdkit(path, n):
    queries = cores()
    with open(path) as f:
        smiles = [l.split()[0] for l in itertools.islice(f, n) if l.strip()]
    start = time.process_time()
    hits = [[] for _ in queries]
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        if mol is None:
            continue
        for q, found in zip(queries, hits):
            if mol.HasSubstructMatch(q):
                found.append(mol)
    decomposed = 0
    for q, found in zip(queries, hits):
        if found:
            groups, _ = rdRGroupDecomposition.RGroupDecompose([q], found, asSmiles=True)
            decomposed += len(groups)
    elapsed = time.process_time() - start
    return elapsed, len(smiles), len(queries), decomposed


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
        print(f"RDKit 1 thread: {done} molecules, {ncores} cores, {decomposed} decomposed, "
              f"{elapsed:.1f} s CPU, {rdkit_rate:,.0f} molecules/s")
        print(f"markush/RDKit on 1 thread: {rates[1] / rdkit_rate:.1f}x; "
              f"markush 2 threads / 1 thread: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
