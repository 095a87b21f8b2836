#!/usr/bin/env python3
"""Builds fixtures/writer/molecules.tsv for tests/writer.rs.

Columns: input SMILES, RDKit's canonical isomeric SMILES of it, and
"same"/"differ": whether RDKit finds the input's mirror image (every @ and
@@ swapped) to be the same molecule. The Rust test checks that our writer
gives one string for the input and for RDKit's rewriting of it, and that
it tells mirror images apart exactly when RDKit does.

Inputs: a hand-picked list of corner cases (below) plus a deterministic
sample of the shared corpora (every k-th line). Needs RDKit and
/work/shared/data (or $MARKUSH_SHARED_DATA).
"""
import gzip
import os
import sys

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("MARKUSH_SHARED_DATA", os.path.join(ROOT, "..", "..", "shared", "data"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"

HAND = """
CCO
OCC
C
[H][H]
[H]C([H])([H])[H]
[2H]C([2H])([2H])O
[13CH4]
[18OH2]
[NH4+].[Cl-]
[Na+].[O-]C(=O)C
C[N+](C)(C)C
[O-][N+](=O)c1ccccc1
C[S+](C)C
[Fe+2].[Cl-].[Cl-]
[Cu]
[Pt](Cl)(Cl)(N)N
N->[Cu](<-N)(Cl)Cl
C1=CC=CC=C1
c1ccccc1
c1ccc(-c2ccccc2)cc1
c1ccc2ccccc2c1
c1ccc2cc3ccccc3cc2c1
c1cc[nH]c1
c1ccncc1
c1ccoc1
c1ccsc1
c1cc[se]c1
c1cc[te]c1
c1cc[nH+]cc1
C[n+]1ccccc1
[O-][n+]1ccccc1
O=c1cc[nH]cc1
O=c1[nH]c(=O)c2[nH]cnc2[nH]1
Cn1cnc2c1c(=O)n(C)c(=O)n2C
c1ccc2[nH]ccc2c1
B1=CC=CC=C1
c1ccbcc1
OB(O)c1ccccc1
C1CC1
C1CC2CCC1C2
C12C3C4C1C5C2C3C45
C1CCC2(CC1)CCCCC2
CC#N
C#C
N#N
[C-]#[O+]
C=C=C
O=C=O
CS(=O)(=O)N
NS(=O)(=O)c1ccccc1
CS(C)=O
O=P(O)(O)O
F[P-](F)(F)(F)(F)F
F[S](F)(F)(F)(F)F
ClI(Cl)Cl
OI(=O)=O
[Si](C)(C)(C)C
C[Se]C
[Xe]
[He]
[CH2]
[CH3]
[CH]
[C]
[NH2-]
[OH-]
[O-2]
[Fe+3]
[U+6]
C[C@H](N)O
N[C@@H](C)O
O[C@H](N)C
[C@H](C)(N)O
C[C@@H]1CCCC[C@H]1C
C[C@H]1CC[C@@H](C)CC1
N[C@@H](Cc1ccccc1)C(=O)O
OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O
C[S@](=O)CC
CC[S@@](C)=O
[S@](=O)(C)CC
C[P@](=O)(O)CC
F/C=C/F
F/C=C\\F
C(=C\\F)/F
F\\C=C\\F
C/C=C/C=C/C
CC/C=C(/C)Cl
C/N=N/C
C/C=N/O
F/C=C/C=C/F
C1CC/C=C/CCC1
N[C@@H](C)C(=O)O.Cl
[NH3+][C@@H](C)C([O-])=O
C[C@]12CC[C@H]3[C@@H](CC=C4C[C@@H](O)CC[C@]34C)[C@@H]1CC[C@@H]2O
[C@@H]1(F)(Cl)Br
Br[C@@H]1CCCC1
OC(=O)[C@@H]1CCCN1
*C
*c1ccccc1
[*:1]CC[*:2]
C[CH2:7]O
[CH3:1][OH:2]
CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC
C1CCCCCCCCCCCCCCCCCCCCCCCCCCCCC1
OCC(O)C(O)C(O)C(O)CO
CC(C)(C)C(C)(C)C
C1CC11CC1
C1CCC1.C1CCC1
O.O.O
[Na+].[Na+].[O-]S([O-])(=O)=O
c1ccc2c(c1)ccc1ccccc12
c1ccc2c(c1)c1ccccc1c1ccccc21
C1=CC2=CC=CC=CC2=C1
c1cc2ccc3cccc4ccc(c1)c2c34
O=C1C=CC(=O)C=C1
N1C=CC=C1
C1=CN=CN1
Cc1cc(C)nc(C)n1
[nH]1cccc1
n1c[nH]cc1
c1ncc[nH]1
""".split()


def canonical(smi):
    m = Chem.MolFromSmiles(smi)
    if m is None:
        return None
    return Chem.MolToSmiles(m)


def mirror(smi):
    return smi.replace("@@", "\0").replace("@", "@@").replace("\0", "@")


def sample(path, step, limit):
    out = []
    with gzip.open(path, "rt") as f:
        for i, line in enumerate(f):
            if i % step == 0:
                out.append(line.split()[0])
            if len(out) >= limit:
                break
    return out


def main():
    corpus = os.path.join(DATA, "corpus")
    inputs = list(HAND)
    inputs += sample(os.path.join(corpus, "rdkit_regress_chembl_20_chiral.smi.gz"), 97, 100)
    inputs += sample(os.path.join(corpus, "rdkit_regress_znp.50k.smi.gz"), 499, 100)
    seen = set()
    rows = []
    for smi in inputs:
        if smi in seen:
            continue
        seen.add(smi)
        can = canonical(smi)
        if can is None:
            print("RDKit rejects", smi, file=sys.stderr)
            continue
        mir = canonical(mirror(smi))
        rows.append((smi, can, "same" if mir == can else "differ"))
    dest = os.path.join(ROOT, "fixtures", "writer", "molecules.tsv")
    with open(dest, "w") as f:
        f.write("# input\trdkit_canonical\tmirror (made by scripts/make_writer_fixtures.py)\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(len(rows), "rows ->", dest)


if __name__ == "__main__":
    main()
