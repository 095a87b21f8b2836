#!/usr/bin/env python3
"""Compare SMILES reading speed: markush against RDKit, same molecules, one thread.

Runs `cargo bench --bench parse` (markush::smiles::parse over the first N
molecules of shared/data/corpus/moses_train.smi.gz, read into memory first)
and then times RDKit's Chem.MolFromSmiles (which also sanitizes: rings,
aromaticity, valence) over the same N SMILES, and prints both rates and their
ratio, by wall clock and by CPU time of the timing thread (the steadier figure when
other jobs share the machine). Both sides report the best of --repeat passes.

    python3 scripts/bench_parse.py [--n 200000] [--repeat 3] [--rounds 1]

With --rounds R > 1 the two sides take turns R times (markush, RDKit,
markush, RDKit, ...) and the script also prints each round's CPU-time ratio
and their median: on a shared machine whose speed drifts by tens of
percent within minutes, a ratio of two runs seconds apart is steadier than
one of two runs a minute apart.

Needs RDKit (pip install rdkit). The data directory is $MARKUSH_SHARED_DATA,
else ../shared/data next to the crate.
"""

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

CRATE = Path(__file__).resolve().parent.parent
CORPUS = "corpus/moses_train.smi.gz"


def data_dir():
    env = os.environ.get("MARKUSH_SHARED_DATA")
    return Path(env) if env else CRATE.parent / "shared" / "data"


def first_smiles(path, n):
    """The SMILES of the first n records, by the rules of markush::io::SmiReader:
    blank lines and '#' lines are skipped, the SMILES ends at a space or tab."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            out.append(re.split(r"[ \t]", text, maxsplit=1)[0])
            if len(out) == n:
                break
    return out


def markush_rate(n, repeat, data):
    env = dict(os.environ, MARKUSH_BENCH_N=str(n), MARKUSH_BENCH_REPEAT=str(repeat),
               MARKUSH_SHARED_DATA=str(data))
    proc = subprocess.run(["cargo", "bench", "--bench", "parse"], cwd=CRATE, env=env,
                          stdout=subprocess.PIPE, text=True, check=True)
    print(proc.stdout.rstrip())
    rates = dict(re.findall(r"^markush_parse_mol_per_(s|cpu_s) (\d+)", proc.stdout, re.M))
    if "s" not in rates:
        sys.exit("cargo bench printed no rate (is the corpus there?)")
    return float(rates["s"]), float(rates.get("cpu_s", "nan"))


def rdkit_rate(smiles, repeat):
    from rdkit import Chem, RDLogger, rdBase

    RDLogger.DisableLog("rdApp.*")
    parse = Chem.MolFromSmiles
    best_wall = best_cpu = float("inf")
    print(f"RDKit {rdBase.rdkitVersion} Chem.MolFromSmiles, 1 thread, {len(smiles)} molecules")
    for run in range(1, repeat + 1):
        failed = 0
        cpu_start, start = time.thread_time(), time.perf_counter()
        for s in smiles:
            if parse(s) is None:
                failed += 1
        wall, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        print(f"run {run}: {wall:.3f} s wall, {cpu:.3f} s cpu, "
              f"{len(smiles) / wall:.0f} molecules/s ({failed} failed)")
    return len(smiles) / best_wall, len(smiles) / best_cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="molecules (default 200000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes, best is kept")
    ap.add_argument("--rounds", type=int, default=1,
                    help="turns each side takes, alternating (default 1)")
    args = ap.parse_args()

    data = data_dir()
    corpus = data / CORPUS
    if not corpus.exists():
        sys.exit(f"{corpus} not found (set MARKUSH_SHARED_DATA)")
    smiles = first_smiles(corpus, args.n)

    rounds = []
    for _ in range(max(args.rounds, 1)):
        ours = markush_rate(args.n, args.repeat, data)
        theirs = rdkit_rate(smiles, args.repeat)
        rounds.append(ours[1] / theirs[1])
    print()
    if len(rounds) > 1:
        print("CPU-time ratio per round: " + ", ".join(f"{r:.1f}x" for r in rounds))
        print(f"median {statistics.median(rounds):.1f}x  (goal >= 50x); the table is the last round")
    print(f"{'molecules/s':12} {'wall clock':>12} {'CPU time':>12}")
    print(f"{'markush':12} {ours[0]:12,.0f} {ours[1]:12,.0f}")
    print(f"{'RDKit':12} {theirs[0]:12,.0f} {theirs[1]:12,.0f}")
    print(f"{'ratio':12} {ours[0] / theirs[0]:11.1f}x {ours[1] / theirs[1]:11.1f}x  (goal >= 50x)")


if __name__ == "__main__":
    main()
