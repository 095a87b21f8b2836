#!/usr/bin/env python3
"""The whole `markush classify` command on N corpus molecules, on 1 and 2
threads, against the same job done with RDKit in the same run.

Writes the first N lines of moses_train.smi.gz (1.58 million molecules;
the file is cycled when N is larger) to a temporary .smi file, then:

- runs `target/release/markush classify FILE --threads T -o /dev/null`
  for T = 1 and 2, timing the wall clock and reading the child's peak
  resident memory from os.wait4;
- does the RDKit job on the first min(N, RDKIT_N) molecules of the same
  file on one thread: Chem.MolFromSmiles, HasSubstructMatch against every
  formula's core (the template core with each `{slot}` as a `*` atom, the
  nearest a SMARTS core can come), and RGroupDecomposition of the
  molecules that matched, core by core. Cores made only of slots are
  left out (see `cores`), which makes RDKit's job lighter than ours.

Prints records per second for each, the ratios and the peak memory.

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
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN), "classify", str(path), "--threads", str(threads), "-o", os.devnull,
         "--summary", "--templates", str(ROOT / "grammars")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    summary = child.stdout.read().decode()
    if status != 0:
        sys.exit("markush failed: " + child.stderr.read().decode())
    # ru_maxrss is in KiB on Linux.
    return elapsed, usage.ru_maxrss / 1024, summary.splitlines()[0]


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
            elapsed, rss, summary = run_markush(path, threads)
            rates[threads] = n / elapsed
            print(f"markush {threads} thread(s): {elapsed:.1f} s, {rates[threads]:,.0f} records/s, "
                  f"peak RSS {rss:.0f} MB ({summary})")
        elapsed, done, ncores, decomposed = run_rdkit(path, rdkit_n)
        rdkit_rate = done / elapsed
        print(f"RDKit 1 thread: {done} molecules, {ncores} cores, {decomposed} decomposed, "
              f"{elapsed:.1f} s CPU, {rdkit_rate:,.0f} molecules/s")
        print(f"markush/RDKit on 1 thread: {rates[1] / rdkit_rate:.1f}x; "
              f"markush 2 threads / 1 thread: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
