#!/usr/bin/env python3
"""RDKit's answers for the reference data sets, stored as fixtures so that
`cargo test` can compare markush with RDKit without Python.

Usage (from the crate root):
    python3 scripts/rdkit_reference.py [SHARED_DATA_DIR]
SHARED_DATA_DIR defaults to $MARKUSH_SHARED_DATA, then ../shared/data.

Writes
  fixtures/rdkit/moses_train_100k.tsv.gz  first 100,000 lines of corpus/moses_train.smi.gz
  fixtures/rdkit/znp_50k.tsv.gz           corpus/rdkit_regress_znp.50k.smi.gz
  fixtures/rdkit/chembl_20_chiral.tsv.gz  corpus/rdkit_regress_chembl_20_chiral.smi.gz
  fixtures/smiles_tables/rdkit_tables.tsv FormulaTest.smi, invalid-smiles.txt and
                                          opensmiles_examples.tsv (all lines)
Corpus columns: line (1-based line in the source), id (second field, or the
line number when there is none), then the molecule columns below.
Table columns: table, line, smiles, then the molecule columns.

Molecule columns, from Chem.MolFromSmiles(smiles) with default sanitization:
  status          ok | parse_error (not even MolFromSmiles(s, sanitize=False))
                  | sanitize_error:<RDKit exception class>
  formula         rdMolDescriptors.CalcMolFormula (isotopes not separated)
  hydrogens       all hydrogens: sum of GetTotalNumHs() plus hydrogen atoms
                  left in the graph (isotopic or bridging [H])
  heavy_atoms     GetNumHeavyAtoms() (atomic number > 1: `*` does NOT count)
  charge          sum of formal charges
  sssr            len(Chem.GetSSSR(mol)): the smallest set of smallest rings.
                  Not len(Chem.GetSymmSSSR(mol)), which adds RDKit's
                  symmetry-equivalent extra rings (cubane: 6 instead of 5).
  cyclomatic      bonds - atoms + fragments; equal to sssr for every molecule
                  of these sets, stored so that the test can say which it uses
  aromatic_atoms  atoms RDKit's default aromaticity model marks aromatic
The molecule columns are empty unless status is ok.
Output is deterministic (gzip mtime 0) so rerunning with the same RDKit
gives identical bytes.
"""
import gzip
import io
import os
import sys

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import rdMolDescriptors

RDLogger.DisableLog("rdApp.*")

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
COLUMNS = ["status", "formula", "hydrogens", "heavy_atoms", "charge", "sssr",
           "cyclomatic", "aromatic_atoms"]


def describe(smiles):
    try:
        mol = Chem.MolFromSmiles(smiles)
    except Exception as e:  # RDKit raises for some inputs instead of None
        mol = None
    if mol is None:
        raw = None
        try:
            raw = Chem.MolFromSmiles(smiles, sanitize=False)
        except Exception:
            pass
        if raw is None:
            return ["parse_error"] + [""] * 7
        try:
            Chem.SanitizeMol(raw)
            status = "sanitize_error:unknown"
        except Exception as e:
            status = "sanitize_error:" + type(e).__name__
        return [status] + [""] * 7
    hydrogens = sum(a.GetTotalNumHs() for a in mol.GetAtoms()) + sum(
        1 for a in mol.GetAtoms() if a.GetAtomicNum() == 1)
    fragments = len(Chem.GetMolFrags(mol))
    return [
        "ok",
        rdMolDescriptors.CalcMolFormula(mol),
        str(hydrogens),
        str(mol.GetNumHeavyAtoms()),
        str(sum(a.GetFormalCharge() for a in mol.GetAtoms())),
        str(len(Chem.GetSSSR(mol))),
        str(mol.GetNumBonds() - mol.GetNumAtoms() + fragments),
        str(sum(1 for a in mol.GetAtoms() if a.GetIsAromatic())),
    ]


def write_gz(path, text):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(text.encode())


def corpus(data, source, out, limit=None):
    rows = ["\t".join(["line", "id"] + COLUMNS)]
    with gzip.open(os.path.join(data, "corpus", source), "rt") as f:
        for n, line in enumerate(f, 1):
            if limit is not None and n > limit:
                break
            fields = line.split()
            ident = fields[1] if len(fields) > 1 else str(n)
            rows.append("\t".join([str(n), ident] + describe(fields[0])))
    write_gz(os.path.join(ROOT, "fixtures", "rdkit", out), "\n".join(rows) + "\n")
    print(f"{out}: {len(rows) - 1} molecules")


def tables(data):
    rows = ["\t".join(["table", "line", "smiles"] + COLUMNS)]
    sources = [
        ("FormulaTest", "smiles_tests/openbabel/FormulaTest.smi", None),
        ("invalid-smiles", "smiles_tests/openbabel/invalid-smiles.txt", "line"),
        ("opensmiles", "opensmiles/opensmiles_examples.tsv", "tab"),
    ]
    for table, path, how in sources:
        with open(os.path.join(data, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for n, line in enumerate(lines, 1):
            if how == "tab":
                if n == 1:
                    continue  # header
                smiles = line.split("\t")[0]
            elif how == "line":
                smiles = line
            else:
                parts = line.split()
                if not parts:
                    continue
                smiles = parts[0]
            # The table stays one row per line: tabs cannot occur in SMILES.
            assert "\t" not in smiles and "\n" not in smiles
            rows.append("\t".join([table, str(n), smiles] + describe(smiles)))
    out = os.path.join(ROOT, "fixtures", "smiles_tables", "rdkit_tables.tsv")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"rdkit_tables.tsv: {len(rows) - 1} rows")


def main():
    data = (sys.argv[1] if len(sys.argv) > 1 else
            os.environ.get("MARKUSH_SHARED_DATA",
                           os.path.join(ROOT, "..", "shared", "data")))
    print(f"RDKit {rdBase.rdkitVersion}, data {data}")
    os.makedirs(os.path.join(ROOT, "fixtures", "rdkit"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "fixtures", "smiles_tables"), exist_ok=True)
    tables(data)
    corpus(data, "rdkit_regress_chembl_20_chiral.smi.gz", "chembl_20_chiral.tsv.gz")
    corpus(data, "rdkit_regress_znp.50k.smi.gz", "znp_50k.tsv.gz")
    corpus(data, "moses_train.smi.gz", "moses_train_100k.tsv.gz", limit=100_000)


if __name__ == "__main__":
    main()
