#!/usr/bin/env python3
"""Parse plus one substructure test per molecule: markush against RDKit.

Runs `cargo bench --bench match -- N` (which prints one `query` line per
query with its SMARTS), then does the same job with RDKit on the same
molecules in the same run (Chem.MolFromSmiles + HasSubstructMatch, one
thread), and prints both rates, the hit counts and the ratio. Both sides
time the CPU seconds of their own thread, not the wall clock, and report
the best of --repeat passes of each job.

With --rounds K > 1 each query is run K times on each side, the two sides
taking turns (markush, RDKit, markush, RDKit, ...), and the table shows
every round's ratio and their median: the speed of a shared machine drifts
by tens of percent within minutes, so a ratio of two runs seconds apart is
steadier than one of two runs a minute apart.

usage: scripts/bench_match.py [N] [--repeat R] [--rounds K]   (N defaults
to 20000, R to 3, K to 1; needs the corpus at $MARKUSH_SHARED_DATA or
../shared/data)
"""
import argparse
import gzip
import os
import statistics
import subprocess
import time
from pathlib import Path

from rdkit import Chem, RDLogger

ROOT = Path(__file__).resolve().parent.parent


def corpus_path():
    data = Path(os.environ.get("MARKUSH_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    return data / "corpus" / "moses_train.smi.gz"


def rust_results(n, repeat, query=None):
    """Rows (name, smarts, figures) of the Rust bench: every query, or only
    the one named `query`."""
    only = ["--query", query] if query else []
    out = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "match", "--", str(n), *only],
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, "MARKUSH_SHARED_DATA": str(corpus_path().parent.parent),
             "MARKUSH_BENCH_REPEAT": str(repeat)},
    ).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("parse only") and not query:
            print("markush " + line)
        if not line.startswith("query\t"):
            continue
        _, name, smarts, *fields = line.split("\t")
        values = dict(f.split("=") for f in fields)
        rows.append((name, smarts, {k: float(v) for k, v in values.items()}))
    return rows


def rdkit_rate(smiles, smarts, repeat):
    query = Chem.MolFromSmarts(smarts)
    best = float("inf")
    for _ in range(max(repeat, 1)):
        hits = 0
        # CPU time of this thread, as the Rust bench measures: the figures
        # then hold on a loaded machine.
        start = time.thread_time()
        for s in smiles:
            mol = Chem.MolFromSmiles(s)
            if mol is not None and mol.HasSubstructMatch(query):
                hits += 1
        best = min(best, time.thread_time() - start)
    return hits, len(smiles) / best


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("n", nargs="?", type=int, default=20000)
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--rounds", type=int, default=1,
                      help="turns each side takes per query, alternating (default 1)")
    args = args.parse_args()
    n = args.n
    path = corpus_path()
    if not path.exists():
        print(f"corpus {path} not found, skipped")
        return
    RDLogger.DisableLog("rdApp.*")
    with gzip.open(path, "rt") as f:
        smiles = [line.split()[0] for _, line in zip(range(n), f) if line.strip()]
    rows = rust_results(n, args.repeat)
    rounds = max(args.rounds, 1)
    print(f"{'query':<16} {'hits rust/rdkit':>16} {'markush mol/s':>14} "
          f"{'rdkit mol/s':>12} {'ratio':>7} {'match-only mol/s':>17}"
          + ("  ratio per round" if rounds > 1 else ""))
    for name, smarts, r in rows:
        ratios = []
        for turn in range(rounds):
            if rounds > 1:
                # Right before RDKit's turn, not in the run of all queries above.
                [(_, _, r)] = rust_results(n, args.repeat, name)
            hits, rate = rdkit_rate(smiles, smarts, args.repeat)
            ours = r["parse_and_match_mol_per_s"]
            ratios.append(ours / rate)
        ratio = statistics.median(ratios)
        rounds_text = "  " + ", ".join(f"{x:.1f}x" for x in ratios) if rounds > 1 else ""
        print(f"{name:<16} {int(r['hits']):>7}/{hits:<8} {ours:>14.0f} {rate:>12.0f} "
              f"{ratio:>6.1f}x {r['match_only_mol_per_s']:>17.0f}{rounds_text}")
    if rounds > 1:
        print("ratio is the median of the rounds; the rates are the last round's")


if __name__ == "__main__":
    main()
