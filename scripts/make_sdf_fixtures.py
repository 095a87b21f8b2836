#!/usr/bin/env python3
"""Builds fixtures/sdf/ for tests/sdf.rs: the same molecules as SMILES and
as SD files written by RDKit, V2000 and V3000.

Molecules: the readable lines of fixtures/examples/dyes.smi (the example
dyes, metal complexes included), a hand-picked list of charges, isotopes,
radicals and hypervalent spellings, and a deterministic sample of the
shared ChEMBL corpus (every k-th line). Stereo is removed first, since the
Molfile reader reads the graph and not wedges. Each molecule is written
once as RDKit's SMILES (molecules.smi, `SMILES id`) and once as a Molfile
record (molecules.sdf, molecules_v3000.sdf, title = id, data item `CODE` =
id again). The Rust test checks that both give the same canonical SMILES
with our reader and writer, and the same classification.

Needs RDKit and /work/shared/data (or $MARKUSH_SHARED_DATA).
"""
import gzip
import os

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("MARKUSH_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"
OUT = os.path.join(ROOT, "fixtures", "sdf")

HAND = """
C[N+](C)(C)C ammonium
CC(=O)[O-].[Na+] sodium-acetate
[13CH3]C(=O)O carbon-13
[2H]C([2H])([2H])Cl deuterated
C[N+](=O)[O-] nitro
O=[N+]([O-])c1ccc(N=Nc2ccccc2)cc1 nitro-azo
[CH2]C radical
c1ccc2[nH]ccc2c1 indole
Cn1cnc2c1c(=O)n(C)c(=O)n2C caffeine
[O-]S(=O)(=O)c1ccc(N=Nc2ccc(N(C)C)cc2)cc1 sulfonate
[Cu+2].[O-]C(=O)C.[O-]C(=O)C copper
Cl[Pt](Cl)([NH3])[NH3] cisplatin
CS(C)=O dmso
OP(=O)(O)O phosphoric
"""


def molecules():
    for line in HAND.strip().splitlines():
        smi, name = line.split()
        yield smi, name
    with open(os.path.join(ROOT, "fixtures", "examples", "dyes.smi")) as f:
        for line in f:
            parts = line.split(None, 1)
            if parts and not parts[0].startswith("#"):
                yield parts[0], "dye-" + (parts[1].split()[0] if len(parts) > 1 else "x")
    path = os.path.join(DATA, "corpus", "rdkit_regress_chembl_20_chiral.smi.gz")
    with gzip.open(path, "rt") as f:
        for i, line in enumerate(f):
            if i % 250 == 0:
                parts = line.split()
                if parts:
                    yield parts[0], "chembl-%d" % i
            if i > 50000:
                break


def main():
    os.makedirs(OUT, exist_ok=True)
    smi = open(os.path.join(OUT, "molecules.smi"), "w")
    v2 = Chem.SDWriter(os.path.join(OUT, "molecules.sdf"))
    v3 = Chem.SDWriter(os.path.join(OUT, "molecules_v3000.sdf"))
    v3.SetForceV3000(True)
    smi.write("# made by scripts/make_sdf_fixtures.py with RDKit %s; same molecules as molecules*.sdf\n"
              % Chem.rdBase.rdkitVersion)
    n = 0
    for text, name in molecules():
        mol = Chem.MolFromSmiles(text)
        if mol is None:
            continue
        Chem.RemoveStereochemistry(mol)
        mol.SetProp("_Name", name)
        mol.SetProp("CODE", name)
        text = Chem.MolToSmiles(mol)
        # The Molfile lists the atoms in the SMILES's order, so that atom
        # indices of matches agree between the two.
        order = list(mol.GetPropsAsDict(True, True)["_smilesAtomOutputOrder"])
        mol = Chem.RenumberAtoms(mol, order)
        mol.SetProp("_Name", name)
        mol.SetProp("CODE", name)
        smi.write("%s %s\n" % (text, name))
        v2.write(mol)
        v3.write(mol)
        n += 1
    v2.close()
    v3.close()
    smi.close()
    print("wrote", n, "molecules to", OUT)


if __name__ == "__main__":
    main()
