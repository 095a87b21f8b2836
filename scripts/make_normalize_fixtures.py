#!/usr/bin/env python3
"""Fixtures for tests/normalize.rs, made with RDKit.

fixtures/normalize/metal_spellings.tsv: `group  spelling  smiles`. Every
line of a group is one molecule written another way (covalent, ionic,
dative, charge-separated; Kekule and aromatic; shuffled atom order), so
normalisation must bring all lines of a group to one graph, and different
groups to different graphs. Each group starts from a metal-free
macrocycle (H2Pc, H2TPP) that is metallated here: the two NH nitrogens
lose their hydrogen and bond to the metal (the covalent spelling); the
other spellings are derived from that one with RDKit's own tools
(MetalDisconnector for the ionic spelling) or by editing bonds and charges.

fixtures/normalize/azo_tautomers.tsv: `name  hydrazone  azo`: an azo dye
drawn as its keto-hydrazone and as its azo-enol form, each in a shuffled
Kekule spelling as well (lines with the same name). RDKit checks that both
columns have the same formula.

usage: scripts/make_normalize_fixtures.py
"""
import random
from pathlib import Path

from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "normalize"

H2PC = "c1ccc2c(c1)-c1nc-2nc2[nH]c(nc3nc(nc4[nH]c(n1)c1ccccc41)-c1ccccc1-3)c1ccccc21"
H2TPP = ("c1ccc(-c2c3ccc(n3)c(-c3ccccc3)c3ccc([nH]3)c(-c3ccccc3)c3ccc(n3)"
         "c(-c3ccccc3)c3ccc2[nH]3)cc1")
SULFAMOYL = "S(N)(=O)=O"
SULFONATE = "S(=O)(=O)[O-]"


def inner_nitrogens(mol):
    """N atoms in five-membered rings: the four that face the cavity."""
    ri = mol.GetRingInfo()
    return [a.GetIdx() for a in mol.GetAtoms()
            if a.GetSymbol() == "N" and ri.IsAtomInRingOfSize(a.GetIdx(), 5)]


def substituted(smiles, group, count):
    """One `group` on the first CH of each of `count` benzo rings."""
    mol = Chem.MolFromSmiles(smiles)
    ri = mol.GetRingInfo()
    sites = []
    for ring in ri.AtomRings():
        atoms = [mol.GetAtomWithIdx(i) for i in ring]
        if len(ring) == 6 and all(a.GetSymbol() == "C" for a in atoms):
            ch = [a.GetIdx() for a in atoms if a.GetTotalNumHs() == 1]
            if len(ch) >= 3:
                sites.append(min(ch))
    rw = Chem.RWMol(mol)
    for site in sites[:count]:
        frag = Chem.MolFromSmiles(group)
        offset = rw.GetNumAtoms()
        for a in frag.GetAtoms():
            rw.AddAtom(a)
        for b in frag.GetBonds():
            rw.AddBond(b.GetBeginAtomIdx() + offset, b.GetEndAtomIdx() + offset,
                       b.GetBondType())
        rw.AddBond(site, offset, Chem.BondType.SINGLE)
        rw.GetAtomWithIdx(site).SetNumExplicitHs(0)
        rw.GetAtomWithIdx(site).SetNoImplicit(False)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return Chem.MolToSmiles(out)


def metallated(h2_smiles, metal, axial=None, counter=0):
    """The covalent spelling: metal bonded to the two former NH nitrogens
    (plus an axial halide), and `counter` sodium ions for anionic groups."""
    mol = Chem.MolFromSmiles(h2_smiles)
    rw = Chem.RWMol(mol)
    m = rw.AddAtom(Chem.Atom(metal))
    for n in inner_nitrogens(mol):
        atom = rw.GetAtomWithIdx(n)
        if atom.GetTotalNumHs() == 1:
            atom.SetNumExplicitHs(0)
            atom.SetNoImplicit(True)
            rw.AddBond(n, m, Chem.BondType.SINGLE)
    if axial:
        x = rw.AddAtom(Chem.Atom(axial))
        rw.AddBond(m, x, Chem.BondType.SINGLE)
    for _ in range(counter):
        na = rw.AddAtom(Chem.Atom("Na"))
        rw.GetAtomWithIdx(na).SetFormalCharge(1)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out


def metal_index(mol, metal):
    return next(a.GetIdx() for a in mol.GetAtoms() if a.GetSymbol() == metal)


def dative(cov, metal, anionic):
    """The two other inner N donate to the metal; with `anionic`, the two
    covalent bonds become dative bonds from [n-] to a charged metal too."""
    rw = Chem.RWMol(cov)
    m = metal_index(cov, metal)
    for n in inner_nitrogens(cov):
        if rw.GetBondBetweenAtoms(n, m) is not None:
            if not anionic:
                continue
            rw.RemoveBond(n, m)
            rw.GetAtomWithIdx(n).SetFormalCharge(-1)
            rw.GetAtomWithIdx(m).SetFormalCharge(rw.GetAtomWithIdx(m).GetFormalCharge() + 1)
        rw.AddBond(n, m, Chem.BondType.DATIVE)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out


def charge_separated(cov, metal):
    """Four single bonds to the metal: the two extra N are [N+], the metal -2."""
    rw = Chem.RWMol(cov)
    m = metal_index(cov, metal)
    for n in inner_nitrogens(cov):
        if rw.GetBondBetweenAtoms(n, m) is None:
            rw.AddBond(n, m, Chem.BondType.SINGLE)
            rw.GetAtomWithIdx(n).SetFormalCharge(1)
            rw.GetAtomWithIdx(m).SetFormalCharge(rw.GetAtomWithIdx(m).GetFormalCharge() - 1)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out


def spellings(mol, rng):
    """Aromatic, Kekule and two shuffled Kekule SMILES of one molecule."""
    kek = Chem.Mol(mol)
    Chem.Kekulize(kek, clearAromaticFlags=True)
    out = [("aromatic", Chem.MolToSmiles(mol)),
           ("kekule", Chem.MolToSmiles(kek, kekuleSmiles=True))]
    for k in range(2):
        Chem.rdBase.SeedRandomNumberGenerator(rng.randrange(1 << 30))
        out.append((f"shuffled{k}", Chem.MolToSmiles(kek, kekuleSmiles=True,
                                                     doRandom=True, canonical=False)))
    return out


def metal_groups(rng):
    groups = []
    cases = [
        ("CuPc", H2PC, "Cu", None, None, 0),
        ("ZnPc", H2PC, "Zn", None, None, 0),
        ("NiPc", H2PC, "Ni", None, None, 0),
        ("CoPc", H2PC, "Co", None, None, 0),
        ("ClAlPc", H2PC, "Al", "Cl", None, 0),
        ("CuPc-tetrasulfamoyl", substituted(H2PC, SULFAMOYL, 4), "Cu", None, None, 0),
        ("CuPc-disulfonate-Na", substituted(H2PC, SULFONATE, 2), "Cu", None, None, 2),
        ("CuTPP", H2TPP, "Cu", None, None, 0),
    ]
    for name, h2, metal, axial, _, counter in cases:
        cov = metallated(h2, metal, axial, counter)
        makers = [("covalent", lambda: cov),
                  ("ionic", lambda: rdMolStandardize.MetalDisconnector().Disconnect(Chem.Mol(cov))),
                  ("dative", lambda: dative(cov, metal, anionic=False)),
                  ("dative-ionic", lambda: dative(cov, metal, anionic=True)),
                  ("charge-separated", lambda: charge_separated(cov, metal))]
        for kind, make in makers:
            try:
                mol = make()
            except Chem.AtomValenceException:
                # RDKit's valence model has no five-coordinate Al; skip.
                continue
            assert CalcMolFormula(mol) == CalcMolFormula(cov), (name, kind)
            for style, smi in spellings(mol, rng):
                groups.append((name, f"{kind}-{style}", smi))
    for name, h2 in [("H2Pc", H2PC), ("H2TPP", H2TPP)]:
        for style, smi in spellings(Chem.MolFromSmiles(h2), rng):
            groups.append((name, f"metal-free-{style}", smi))
    return groups


AZO = [
    ("Sudan I", "O=C1C=Cc2ccccc2C1=NNc1ccccc1", "Oc1ccc2ccccc2c1N=Nc1ccccc1"),
    ("4-phenylazo-1-naphthol", "O=C1C=CC(=NNc2ccccc2)c2ccccc12",
     "Oc1ccc(N=Nc2ccccc2)c2ccccc12"),
    ("pyrazolone yellow", "O=C1C(=NNc2ccccc2)C(C)=NN1c1ccccc1",
     "Cc1nn(-c2ccccc2)c(O)c1N=Nc1ccccc1"),
    ("tartrazine acid", "O=C(O)C1=NN(c2ccc(S(=O)(=O)O)cc2)C(=O)C1=NNc1ccc(S(=O)(=O)O)cc1",
     "O=C(O)c1nn(-c2ccc(S(=O)(=O)O)cc2)c(O)c1N=Nc1ccc(S(=O)(=O)O)cc1"),
    ("pyridone yellow", "CC1=C(C#N)C(=O)N(C)C(=O)C1=NNc1ccccc1",
     "Cc1c(C#N)c(=O)n(C)c(O)c1N=Nc1ccccc1"),
    ("Orange II acid", "O=C1C=Cc2ccccc2C1=NNc1ccc(S(=O)(=O)O)cc1",
     "Oc1ccc2ccccc2c1N=Nc1ccc(S(=O)(=O)O)cc1"),
    ("naphthol AS red", "O=C1C(=NNc2ccc(C)cc2[N+](=O)[O-])c2ccccc2C=C1C(=O)Nc1ccccc1",
     "Oc1c(C(=O)Nc2ccccc2)cc2ccccc2c1N=Nc1ccc(C)cc1[N+](=O)[O-]"),
    ("acetoacetanilide yellow", "CC(=O)C(=NNc1ccccc1[N+](=O)[O-])C(=O)Nc1ccccc1",
     "CC(O)=C(N=Nc1ccccc1[N+](=O)[O-])C(=O)Nc1ccccc1"),
]


def azo_rows(rng):
    rows = []
    for name, hydrazone, azo in AZO:
        h, a = Chem.MolFromSmiles(hydrazone), Chem.MolFromSmiles(azo)
        assert CalcMolFormula(h) == CalcMolFormula(a), name
        rows.append((name, Chem.MolToSmiles(h), Chem.MolToSmiles(a)))
        hs = [s for _, s in spellings(h, rng)[1:]]
        az = [s for _, s in spellings(a, rng)[1:]]
        rows.extend((name, x, y) for x, y in zip(hs, az))
    return rows


def write(path, header, rows):
    with open(path, "w") as f:
        f.write("#" + "\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")


def main():
    rng = random.Random(5)
    OUT.mkdir(parents=True, exist_ok=True)
    write(OUT / "metal_spellings.tsv", ["group", "spelling", "smiles"], metal_groups(rng))
    write(OUT / "azo_tautomers.tsv", ["name", "hydrazone", "azo"], azo_rows(rng))


if __name__ == "__main__":
    main()
