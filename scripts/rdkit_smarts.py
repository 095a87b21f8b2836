#!/usr/bin/env python3
"""RDKit's answers for the SMARTS tests, stored as fixtures so `cargo test`
needs no Python.

Writes into fixtures/smarts/:
  parse.tsv        every pattern we test for parsing: `ok|error <TAB> pattern`
                   (RDKit's Chem.MolFromSmarts acceptance)
  tables.json.gz   unique match counts for the SMARTS tables of
                   ../shared/data/smarts (patterns and molecules included)
  corpus.json.gz   unique match counts of >= 200 patterns against 10,000
                   corpus molecules selected deterministically from
                   ../shared/data/corpus (molecules not included; every
                   500th id is, to check the selection)

Counts are len(mol.GetSubstructMatches(patt, uniquify=True,
maxMatches=MAX_MATCHES)), molecules read with Chem.MolFromSmiles defaults.
PAINS patterns (explicit [#1] atoms) are read with mergeHs=True, as RDKit's
own PAINS test does; the fixture marks them with "merge_hs".

Usage: python3 scripts/rdkit_smarts.py [SHARED_DATA_DIR]
"""

import gzip
import json
import os
import sys

import rdkit
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

MAX_MATCHES = 1_000_000
HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
OUT = os.path.join(CRATE, "fixtures", "smarts")
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(CRATE, "..", "shared", "data")

# Corpus selection, mirrored by tests/smarts_rdkit.rs: every `step`-th
# record (0-based record index % step == 0) of the file, `count` records.
CORPUS = [
    ("corpus/rdkit_regress_znp.50k.smi.gz", 10, 5000),
    ("corpus/rdkit_regress_chembl_20_chiral.smi.gz", 2, 5000),
]

# Extra parse cases: corners of RDKit's SMARTS grammar.
EXTRA_PARSE = """
[H] [2H] [H+] [H-1] [H:1] [H1] [H,C] [HH] [!H] [#1H] [*H] [CH] [C+H]
[D] [D{2-3}] [D{-3}] [D{2-}] [D{}] [D{3-1}] [R] [R0] [R{1-}] [r] [r{5-6}] [x] [x{2-}]
[h] [h0] [h{1-}] [v{3-4}] [X{-2}] [z] [Z] [z{1-2}] [C{1-2}] [D{1-2}C]
[+] [++] [+2] [-] [--] [-2] [+0] [-0] [+-] [C+++] [C---] [C-+] [+10]
[13C] [0C] [1] [13] [6#6] [#0] [#118] [999C] [C13] [C-13]
[Cl] [CL] [cl] [se] [as] [si] [te] [cs] [co] [sb] [ge] [Si] [Nh] [Mc] [Ts] [Og] [Fl] [Uue]
[NA] [aC] [Xe] [X] [Rh] [R2] [Hg] [Hs] [Ds] [Zn]
[C@H] [C@@H] [C@?] [@] [@TH1] [@OH1] [C@SP1] [C@TH3] [*@*]
[$(C)$(N)] [C$(N)] [$(C)&!$(N)] [!$(C)] [$([$(C)])] [$()] [$(C)
[C:] [C:0] [C:1:2] [C;:1] [C&] [&C] [;C] [C;] [C,] [!] [!!C] [C!] [D3&]
C:1 C) C(C () C()C C. .C C..C C1 C1.C1 (C)C C- C-!C C=(O)C C-(C)C C(1)CC1 C1CC(1)
C%10CC%10 C%(10)CC%(10) C1CC-1 C-1CC1 C=1CC-1 C12CC1C2 C(C)1CC1 C-1-C C1CC!@1
C!-C C-&=C C~~C C,C C;C C@C C!@C C/C C\\C C/?C C>C C->C C<-C C$C C$=C C*C
C!!-C C-@C C!:C C-;!@C C!~C C(=O)=,#C CC(C)(C)(C)(C)(C) [^2] [C^2]
a A aA se Cl Br B b H [] [ ] C C1CC1 c1ccccc1
""".split()


def table_lines(path):
    with open(path) as f:
        return [line.rstrip("\n") for line in f]


def count(patt, mol):
    return len(mol.GetSubstructMatches(patt, uniquify=True, maxMatches=MAX_MATCHES))


def sparse_counts(patt, mols):
    """[[molecule index, count], ...] for nonzero counts."""
    out = []
    for i, mol in enumerate(mols):
        if mol is not None:
            n = count(patt, mol)
            if n:
                out.append([i, n])
    return out


def read_smarts(smarts, merge_hs=False):
    try:
        return Chem.MolFromSmarts(smarts, mergeHs=merge_hs)
    except RuntimeError:  # e.g. [#119] trips a precondition
        return None


def table(name, patterns, smiles, merge_hs=False):
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    entries = []
    for p in patterns:
        patt = read_smarts(p, merge_hs)
        entries.append({
            "smarts": p,
            "counts": None if patt is None else sparse_counts(patt, mols),
        })
    return {
        "name": name,
        "merge_hs": merge_hs,
        "molecules": smiles,
        "rdkit_failed": [i for i, m in enumerate(mols) if m is None],
        "patterns": entries,
    }


def read_corpus():
    ids, smiles = [], []
    for path, step, want in CORPUS:
        got = 0
        with gzip.open(os.path.join(DATA, path), "rt") as f:
            for i, line in enumerate(f):
                if i % step:
                    continue
                fields = line.split()
                smiles.append(fields[0])
                ids.append(fields[1] if len(fields) > 1 else "")
                got += 1
                if got == want:
                    break
    return ids, smiles


def main():
    smarts_dir = os.path.join(DATA, "smarts")
    ob = os.path.join(smarts_dir, "openbabel")
    smartstest = table_lines(os.path.join(ob, "smartstest.txt"))
    attype = [l.split()[0] for l in table_lines(os.path.join(ob, "attype.00.smi")) if l.strip()]
    validsmarts = [l for l in table_lines(os.path.join(ob, "validsmarts.txt"))
                   if l and not l.startswith("#")]
    invalid = [l for l in table_lines(os.path.join(ob, "invalid-smarts.txt")) if l]
    rlewis = [l.split()[0] for l in table_lines(os.path.join(smarts_dir, "RLewis_smarts.txt"))
              if l.strip() and not l.startswith("#")]
    pains_dir = os.path.join(smarts_dir, "rdkit_pains")
    pains = []
    with open(os.path.join(pains_dir, "wehi_pains.csv")) as f:
        for line in f:
            pains.append(line.split('","')[0].lstrip('"'))
    pains_mols = [l.split()[2] for l in table_lines(os.path.join(pains_dir, "test_set3.txt"))
                  if l.strip() and not l.startswith("#")]
    fg = [l.split("\t")[0] for l in table_lines(os.path.join(OUT, "functional_groups.txt"))
          if l.strip() and not l.startswith("#")]

    # Parse acceptance.
    seen = set()
    with open(os.path.join(OUT, "parse.tsv"), "w") as f:
        f.write(f"# RDKit {rdkit.__version__} Chem.MolFromSmarts acceptance; "
                "made by scripts/rdkit_smarts.py\n")
        for p in smartstest + validsmarts + invalid + rlewis + pains + fg + EXTRA_PARSE:
            if p in seen:
                continue
            seen.add(p)
            ok = read_smarts(p) is not None
            f.write(f"{'ok' if ok else 'error'}\t{p}\n")

    tables = {
        "rdkit_version": rdkit.__version__,
        "max_matches": MAX_MATCHES,
        "tables": [
            table("openbabel_smartstest_x_attype", smartstest, attype),
            table("rdkit_wehi_pains_x_test_set3", pains, pains_mols, merge_hs=True),
        ],
    }
    with gzip.open(os.path.join(OUT, "tables.json.gz"), "wt") as f:
        json.dump(tables, f, separators=(",", ":"))

    # Differential corpus: every valid pattern of smartstest, the functional
    # groups, every 8th RLewis filter and every 16th PAINS pattern. Counts
    # are dense, comma-separated, one per molecule (zeros gzip well).
    chosen = [(p, "smartstest", False) for p in smartstest if read_smarts(p) is not None]
    chosen += [(p, "functional_groups", False) for p in fg]
    chosen += [(p, "RLewis", False) for p in rlewis[::8] if read_smarts(p) is not None]
    chosen += [(p, "wehi_pains", True) for p in pains[::16]]
    ids, smiles = read_corpus()
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    entries = []
    for p, source, merge_hs in chosen:
        patt = read_smarts(p, merge_hs)
        dense = [0 if m is None else count(patt, m) for m in mols]
        entries.append({"smarts": p, "source": source, "merge_hs": merge_hs,
                        "counts": ",".join(map(str, dense))})
    corpus = {
        "rdkit_version": rdkit.__version__,
        "max_matches": MAX_MATCHES,
        "selection": [{"file": p, "every": s, "count": n} for p, s, n in CORPUS],
        "check_ids": [[i, ids[i]] for i in range(0, len(ids), 500)],
        "rdkit_failed": [i for i, m in enumerate(mols) if m is None],
        "patterns": entries,
    }
    with gzip.open(os.path.join(OUT, "corpus.json.gz"), "wt") as f:
        json.dump(corpus, f, separators=(",", ":"))
    print(f"{len(entries)} corpus patterns x {len(mols)} molecules")


if __name__ == "__main__":
    main()
