#!/usr/bin/env python3
"""Parse plus one substructure test per molecule: markush against RDKit.

Runs `cargo bench --bench match -- N` once for markush's own figures
(parse only, match only, parse plus match per query, best of --repeat
passes), then compares the two sides on the job itself, parse plus one
HasSubstructMatch (Chem.MolFromSmiles, one thread) against
`markush::smiles::parse` plus `has_match`, on the same molecules in the
same run.

The comparison interleaves the two sides chunk by chunk: the markush bench
runs as a co-process (`--serve`), and for every chunk of --chunk molecules
one side and then the other reads it and tests it (the side that goes
first alternates, and each reads the same --warm untimed molecules right
before its turn, so that it starts with caches as warm as in a run of its
own), --passes times over the N molecules. The ratio is RDKit's summed
time over markush's: the speed of a shared machine drifts by
tens of percent within seconds, and a drift then slows both sides alike
instead of one side's whole turn. Each chunk is timed once, by the CPU
time of the thread that does the work (not the time a virtual machine's
host takes away); the range of the passes' ratios is printed beside the
total.

usage: scripts/bench_match.py [N] [--chunk C] [--passes P] [--warm W]
[--repeat R] (N defaults to 20000, C to 2000, P to 5, W to 100, R to 3;
needs the corpus at $MARKUSH_SHARED_DATA or ../shared/data)
"""
import argparse
import gzip
import os
import subprocess
import time
from pathlib import Path

from rdkit import Chem, RDLogger

ROOT = Path(__file__).resolve().parent.parent


def corpus_path():
    data = Path(os.environ.get("MARKUSH_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    return data / "corpus" / "moses_train.smi.gz"


def cargo_bench(*args, **popen):
    command = ["cargo", "bench", "--quiet", "--bench", "match", "--", *map(str, args)]
    env = {**os.environ, "MARKUSH_SHARED_DATA": str(corpus_path().parent.parent)}
    return command, dict(cwd=ROOT, text=True, env=env, **popen)


def rust_results(n, repeat):
    """Rows (name, smarts, figures) of the Rust bench, one per query."""
    command, options = cargo_bench(n)
    options["env"]["MARKUSH_BENCH_REPEAT"] = str(repeat)
    out = subprocess.run(command, check=True, capture_output=True, **options).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("parse only"):
            print("markush " + line)
        if not line.startswith("query\t"):
            continue
        _, name, smarts, *fields = line.split("\t")
        values = dict(f.split("=") for f in fields)
        rows.append((name, smarts, {k: float(v) for k, v in values.items()}))
    return rows


class Markush:
    """The markush bench serving one query: chunk in, (hits, seconds) out."""

    def __init__(self, n, name):
        command, options = cargo_bench(n, "--query", name, "--serve")
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, **options)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"markush bench did not start for {name!r}")

    def run(self, start, end):
        self.process.stdin.write(f"{start} {end}\n")
        self.process.stdin.flush()
        hits, seconds = self.process.stdout.readline().split()
        return int(hits), float(seconds)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def rdkit_run(smiles, query):
    hits = 0
    start = time.thread_time()
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        if mol is not None and mol.HasSubstructMatch(query):
            hits += 1
    return hits, time.thread_time() - start


def compare(smiles, name, smarts, chunk, passes, warm):
    """Hits of each side over one pass, summed seconds of each side, and
    each pass's ratio."""
    ours = Markush(len(smiles), name)
    query = Chem.MolFromSmarts(smarts)
    sides = {"markush": ours.run,
             "rdkit": lambda start, end: rdkit_run(smiles[start:end], query)}
    # One untimed chunk each first: a fresh process's first chunk pays for
    # page faults and lazy set-up that no later chunk sees.
    for run in sides.values():
        run(0, chunk)
    total = {side: 0.0 for side in sides}
    hits = {side: 0 for side in sides}
    ratios = []
    for turn in range(passes):
        spent = {side: 0.0 for side in sides}
        for i, start in enumerate(range(0, len(smiles), chunk)):
            end = min(start + chunk, len(smiles))
            order = ["markush", "rdkit"] if (turn + i) % 2 == 0 else ["rdkit", "markush"]
            for side in order:
                # The other side's turn left the caches and branch
                # predictors cold; the same few untimed molecules warm them,
                # as a run of this side's own would have them.
                sides[side](0, warm)
                found, seconds = sides[side](start, end)
                spent[side] += seconds
                if turn == 0:
                    hits[side] += found
        ratios.append(spent["rdkit"] / spent["markush"])
        for side in total:
            total[side] += spent[side]
    ours.close()
    return hits, total, ratios


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("n", nargs="?", type=int, default=20000)
    args.add_argument("--chunk", type=int, default=2000,
                      help="molecules each side reads in one turn (default 2000)")
    args.add_argument("--passes", type=int, default=5,
                      help="interleaved passes over the N molecules (default 5)")
    args.add_argument("--warm", type=int, default=100,
                      help="untimed molecules each side reads before its turn (default 100)")
    args.add_argument("--repeat", type=int, default=3,
                      help="passes of markush's own figures, best taken (default 3)")
    args = args.parse_args()
    path = corpus_path()
    if not path.exists():
        print(f"corpus {path} not found, skipped")
        return
    RDLogger.DisableLog("rdApp.*")
    with gzip.open(path, "rt") as f:
        smiles = [line.split()[0] for _, line in zip(range(args.n), f) if line.strip()]
    rows = rust_results(args.n, args.repeat)
    chunk, passes = max(args.chunk, 1), max(args.passes, 1)
    print(f"interleaved: {passes} passes over {len(smiles)} molecules in chunks of {chunk}")
    print(f"{'query':<28} {'hits markush/rdkit':>18} {'markush mol/s':>14} "
          f"{'rdkit mol/s':>12} {'ratio':>7} {'passes':>12} {'alone':>10} {'match only':>10}")
    for name, smarts, r in rows:
        hits, total, ratios = compare(smiles, name, smarts, chunk, passes, max(args.warm, 0))
        done = len(smiles) * passes
        print(f"{name:<28} {hits['markush']:>9}/{hits['rdkit']:<8} "
              f"{done / total['markush']:>14.0f} {done / total['rdkit']:>12.0f} "
              f"{total['rdkit'] / total['markush']:>6.1f}x "
              f"{min(ratios):>6.1f}-{max(ratios):.1f}x {r['parse_and_match_mol_per_s']:>10.0f} "
              f"{r['match_only_mol_per_s']:>10.0f}")
    print("ratio: RDKit's summed seconds over markush's; passes: the range of the "
          "passes' ratios; alone, match only: markush's mol/s in its own run (parse "
          "plus match, match only), best of --repeat")


if __name__ == "__main__":
    main()
