#!/usr/bin/env python3
"""Write RDKit's ring and aromaticity answers as a fixture for the Rust tests.

Usage (from the crate root):
    python3 scripts/rdkit_aromaticity.py [DATA_DIR] > /dev/null
DATA_DIR defaults to ../shared/data (or ../../shared/data). Writes fixtures/aromaticity/rdkit.tsv.gz.

One line per molecule, tab-separated:
    source  smiles  sssr_sizes  n_rings  aromatic_atoms  aromatic_bonds
sssr_sizes are the sorted sizes of Chem.GetSymmSSSR's SSSR part (GetSSSR),
n_rings is len(GetRingInfo().AtomRings()) (SSSR plus RDKit's symmetrized
extras), aromatic atoms are atom indices, aromatic bonds are "a-b" with a < b.
Lists are comma-separated, "-" when empty. Explicit [H] atoms are kept
(removeHs=False) so atom indices follow the SMILES, as in markush.
"""

import gzip
import random
import sys
from pathlib import Path

from rdkit import Chem, RDLogger, rdBase

SAMPLE = 3000
SEED = 20240611


def read_nci(path):
    # Two spellings per molecule (Kekulé, aromatic): both are kept, so the
    # tests see the same molecule written both ways.
    with open(path) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            for s in cols[:2]:
                if s:
                    yield s


def read_first_column(path, opener=open):
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            yield line.split()[0]


def sample(items, n, rng):
    items = list(items)
    if len(items) <= n:
        return items
    return rng.sample(items, n)


def describe(smiles, params):
    mol = Chem.MolFromSmiles(smiles, params)
    if mol is None:
        return None
    sssr = sorted(len(r) for r in Chem.GetSSSR(mol))
    # GetSSSR re-runs ring finding; take the ring count from a fresh parse so
    # it is the ring info MolFromSmiles leaves (symmetrized SSSR).
    mol = Chem.MolFromSmiles(smiles, params)
    n_rings = len(mol.GetRingInfo().AtomRings())
    atoms = [a.GetIdx() for a in mol.GetAtoms() if a.GetIsAromatic()]
    bonds = sorted(
        tuple(sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx())))
        for b in mol.GetBonds()
        if b.GetIsAromatic()
    )

    def join(xs):
        return ",".join(xs) if xs else "-"

    return (
        join([str(s) for s in sssr]),
        str(n_rings),
        join([str(a) for a in atoms]),
        join([f"{a}-{b}" for a, b in bonds]),
    )


def main():
    RDLogger.DisableLog("rdApp.*")
    root = Path(__file__).resolve().parent.parent
    if len(sys.argv) > 1:
        data = Path(sys.argv[1])
    else:
        # The crate may sit in /work/main or in a worktree one level deeper.
        candidates = [root.parent / "shared" / "data", root.parent.parent / "shared" / "data"]
        data = next((c for c in candidates if c.is_dir()), candidates[0])
    rng = random.Random(SEED)
    sources = [
        ("nci", read_nci(data / "smiles_tests/rdkit/NCI_aromat_regress.txt")),
        ("obabel", read_first_column(data / "smiles_tests/openbabel/aromatics.smi")),
        ("dyes", sample(read_first_column(data / "dyes/dyes.smi"), SAMPLE, rng)),
        (
            "znp",
            sample(
                read_first_column(data / "corpus/rdkit_regress_znp.50k.smi.gz", gzip.open),
                SAMPLE,
                rng,
            ),
        ),
    ]
    params = Chem.SmilesParserParams()
    params.removeHs = False
    out_dir = root / "fixtures" / "aromaticity"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = failed = 0
    with gzip.open(out_dir / "rdkit.tsv.gz", "wt", compresslevel=9) as out:
        out.write(f"# RDKit {rdBase.rdkitVersion}; columns: source smiles sssr_sizes n_rings aromatic_atoms aromatic_bonds\n")
        for name, smiles_list in sources:
            for s in smiles_list:
                row = describe(s, params)
                if row is None:
                    failed += 1
                    continue
                out.write("\t".join((name, s) + row) + "\n")
                written += 1
    print(f"wrote {written} molecules, RDKit rejected {failed}", file=sys.stderr)


if __name__ == "__main__":
    main()
