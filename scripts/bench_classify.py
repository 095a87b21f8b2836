#!/usr/bin/env python3
"""Classification throughput: markush against the RDKit way of doing the job.

Runs `cargo bench --bench classify` (the full template library of grammars/
over the dye set and the first N corpus molecules, one thread) and then does
the same job with RDKit on the same molecules in the same run: parse each
SMILES, screen it with SubstructMatch against the cores of every formula,
and run RGroupDecomposition of every formula's cores over the molecules that
passed its screen. Both sides time the CPU seconds of their own thread.

The RDKit cores below are the templates' cores (grammars/*.markush) with
every variable atom expanded into its alternatives and every label written
as an R group `[*:n]`; labels that are whole groups (A, B of Y-I, the acid Y
of the acid-complex formulas) become SMARTS screens. RDKit has no notion of
the claims' conditions (group classes, counts, m + n), so its job is the
smaller one: markush also checks every assignment against the claim.

usage: scripts/bench_classify.py [--n N] [--set dyes|corpus|both]
(needs `pip install rdkit` and the shared data at $MARKUSH_SHARED_DATA or
../shared/data)
"""
import argparse
import gzip
import itertools
import os
import re
import subprocess
import sys
import time
from pathlib import Path

CRATE = Path(__file__).resolve().parent.parent

# Formula (I)/(II) of the dye-ink patent: {Cp}=Nc1{B2}{B1}c({A})c({R1})c1{R2}
AZOMETHINE = [
    f"[*:1]=Nc1{b2}{b1}c({a})c([*:2])c1[*:3]"
    for b2, b1, a in itertools.product(
        ["c([*:4])", "n"], ["c([*:5])", "n"], ["N([*:6])[*:7]", "[OX2H1]"])
]
# (M-I): {A}N=Nc1{B2}{B1}c(N({R5}){R6})nc1{G}, B1 and B2 not both N
DIAMINOPYRIDINE = [
    f"[*:1]N=Nc1{b2}{b1}c(N([*:5])[*:6])nc1[*:7]"
    for b2, b1 in itertools.product(["c([*:2])", "n"], ["c([*:3])", "n"])
    if (b2, b1) != ("n", "n")
]
# (C-I): the phthalocyanine core of grammars/dye-ink.markush with its 16
# benzo positions as R groups; the centre is left out so that metal-free
# and metallated forms both pass the screen.
PC = ("[#6]%11%15~[#6]1~[#6](P)~[#6](P)~[#6](P)~[#6](P)~[#6]~1~[#6](~[#7]~%11)~[#7]~"
      "[#6]%12~[#6]2~[#6](P)~[#6](P)~[#6](P)~[#6](P)~[#6]~2~[#6](~[#7]~%12)~[#7]~"
      "[#6]%13~[#6]3~[#6](P)~[#6](P)~[#6](P)~[#6](P)~[#6]~3~[#6](~[#7]~%13)~[#7]~"
      "[#6]%14~[#6]4~[#6](P)~[#6](P)~[#6](P)~[#6](P)~[#6]~4~[#6](~[#7]~%14)~[#7]~%15")
PHTHALOCYANINE = [re.sub("P", lambda m, c=itertools.count(1): f"[*:{next(c)}]", PC)]

ACID = ("[$([CX3](=O)[OX2H1,OX1-]),$([SX4](=O)(=O)[OX2H1,OX1-]),"
        "$([SX3](=O)[OX2H1,OX1-]),$([PX4](=O)[OX2H1,OX1-]),$(O[PX4](=O)[OX2H1,OX1-])]")
HETEROCYCLE = "[a;!#6,$(a@[a;!#6]),$(a@a@[a;!#6])]"
X_ATOMS = ("[$([OX2;!R;!$([OX2H1][CX3]=[OX1])]),$([SX2;!R]),$([SX3;!R]=O),"
           "$([SX4;!R](=O)=O),$([NX3;+0;!R]),$([NX4+;!R])]")
# any element but the non-metals, noble gases and alkali metals: a metal of
# valence two or more
METAL = "[!#1;!#5;!#6;!#7;!#8;!#9;!#14;!#15;!#16;!#17;!#34;!#35;!#53;!#2;!#10;!#18;!#3;!#11;!#19;!#37;!#55]"

# formula -> (RGD cores, extra screens every one of which must also match)
FORMULAS = {
    "dye-ink:I": (AZOMETHINE, []),
    "dye-ink:II": (AZOMETHINE, []),
    "dye-ink:Y-I": (["[*:1]N=N[*:2]"], [f"{HETEROCYCLE}N=N{HETEROCYCLE}"]),
    "dye-ink:M-I": (DIAMINOPYRIDINE, []),
    "dye-ink:C-I": (PHTHALOCYANINE, []),
    "acid-complex:I": ([f"[*:1]{X_ATOMS}[*:2]"], [ACID]),
    "acid-complex:II": (["[*:1][N;!R]([*:2])[*:3]"], ["[CX3](=O)[OX2H1,OX1-]"]),
    "acid-complex:III": (["[*:1][OX2;!R;!$([OX2H1][CX3]=[OX1])][*:2]"], ["[CX3](=O)[OX2H1,OX1-]"]),
    "acid-complex:IV": (["[*:1][NX4+;!R]([*:2])([*:3])[*:4]"], ["[CX3](=O)[OX1-]"]),
    "acid-complex:complex": ([f"[*:1]{X_ATOMS}[*:2]"], [ACID, METAL]),
}


def data_dir():
    return Path(os.environ.get("MARKUSH_SHARED_DATA", CRATE / ".." / "shared" / "data")).resolve()


def load(data, which, n):
    """The molecules cargo bench --bench classify reads, in its order."""
    if which == "dyes":
        with open(data / "dyes" / "dyes.smi") as f:
            return [line.split("\t")[0] for line in f if line.strip() and not line.startswith("#")]
    out = []
    with gzip.open(data / "corpus" / "moses_train.smi.gz", "rt") as f:
        for line in f:
            if line.strip():
                out.append(line.split()[0])
                if len(out) == n:
                    break
    return out


def markush_rates(n, data):
    env = dict(os.environ, MARKUSH_BENCH_N=str(n), MARKUSH_SHARED_DATA=str(data))
    proc = subprocess.run(["cargo", "bench", "--bench", "classify"], cwd=CRATE, env=env,
                          stdout=subprocess.PIPE, text=True, check=True)
    print(proc.stdout.rstrip())
    rates = {}
    for name, count, rate in re.findall(r"^classify (\S+): (\d+) molecules, ([\d.]+) mol/s", proc.stdout, re.M):
        rates[name] = (int(count), float(rate))
    if not rates:
        sys.exit("cargo bench --bench classify printed no rate (is the shared data there?)")
    return rates


def without_r_groups(core):
    """The screen for a core: the core without its R groups, which may be
    hydrogen. R groups are the only mapped atoms of the cores."""
    from rdkit import Chem

    rw = Chem.RWMol(core)
    for atom in sorted((a.GetIdx() for a in core.GetAtoms() if a.GetAtomMapNum()), reverse=True):
        rw.RemoveAtom(atom)
    return rw.GetMol()


def rdkit_rate(smiles):
    from rdkit import Chem, RDLogger
    from rdkit.Chem import rdRGroupDecomposition as rgd

    RDLogger.DisableLog("rdApp.*")
    compiled = {}
    for name, (cores, screens) in FORMULAS.items():
        cores = [Chem.MolFromSmarts(c) for c in cores]
        if any(c is None for c in cores):
            sys.exit(f"bad RDKit core for {name}")
        bare = [without_r_groups(c) for c in cores]
        compiled[name] = (cores, bare, [Chem.MolFromSmarts(s) for s in screens])

    start = time.thread_time()
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    passed = {name: [] for name in compiled}
    for mol in mols:
        if mol is None:
            continue
        for name, (_, bare, screens) in compiled.items():
            if all(mol.HasSubstructMatch(s) for s in screens) and any(mol.HasSubstructMatch(b) for b in bare):
                passed[name].append(mol)
    decomposed = {}
    for name, (cores, _, _) in compiled.items():
        if passed[name]:
            groups, unmatched = rgd.RGroupDecompose(cores, passed[name], asSmiles=True)
            decomposed[name] = len(passed[name]) - len(unmatched)
        else:
            decomposed[name] = 0
    seconds = time.thread_time() - start
    return len(smiles) / seconds, {k: (len(passed[k]), decomposed[k]) for k in compiled}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="corpus molecules (default 20000)")
    ap.add_argument("--set", choices=["dyes", "corpus", "both"], default="both")
    args = ap.parse_args()

    data = data_dir()
    if not (data / "corpus").exists():
        sys.exit(f"{data}/corpus not found (set MARKUSH_SHARED_DATA)")
    ours = markush_rates(args.n, data)
    from rdkit import rdBase
    print(f"\nRDKit {rdBase.rdkitVersion}: parse, SubstructMatch of the cores, "
          "RGroupDecomposition; 1 thread, CPU time")
    sets = ["dyes", "corpus"] if args.set == "both" else [args.set]
    rows = []
    for which in sets:
        smiles = load(data, which, args.n)
        rate, per_formula = rdkit_rate(smiles)
        for name, (screened, decomposed) in per_formula.items():
            print(f"  {which} {name}: {screened} passed the core screen, {decomposed} decomposed")
        if which in ours:
            count, mine = ours[which]
            if count != len(smiles):
                print(f"  note: markush read {count} molecules of {which}, RDKit {len(smiles)}")
            rows.append((which, len(smiles), mine, rate))
    print()
    print(f"{'set':8} {'molecules':>10} {'markush mol/s':>14} {'RDKit mol/s':>12} {'ratio':>8}")
    for which, count, mine, rate in rows:
        print(f"{which:8} {count:10} {mine:14,.0f} {rate:12,.0f} {mine / rate:7.1f}x  (goal >= 50x)")


if __name__ == "__main__":
    main()
