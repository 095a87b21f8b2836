//! markush against RDKit on three corpora: the first 100,000 MOSES
//! molecules, RDKit's znp.50k and chembl_20_chiral regression sets. RDKit's
//! answers are stored in fixtures/rdkit/ (scripts/rdkit_reference.py; see
//! fixtures/rdkit/README.md); the SMILES themselves come from the shared
//! data, so these tests skip when it is absent.
//!
//! Every entry where we differ from RDKit is listed, with its reason, in
//! fixtures/rdkit/disagreements.tsv; the tests fail when the list and the
//! measurement part ways, so the list cannot go stale.

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::BTreeMap;
use std::path::Path;

use markush::smiles;
use shared_data::{fixtures_dir, read_lines, shared_data_or_skip};

/// (fixture file, source file under corpus/, lines of the source used)
const DATA_SETS: [(&str, &str, usize); 3] = [
    ("moses_train_100k", "moses_train.smi.gz", 100_000),
    ("znp_50k", "rdkit_regress_znp.50k.smi.gz", 50_000),
    (
        "chembl_20_chiral",
        "rdkit_regress_chembl_20_chiral.smi.gz",
        10_000,
    ),
];

/// Columns that the reader alone decides.
const READER_COLUMNS: [&str; 5] = ["status", "formula", "hydrogens", "heavy_atoms", "charge"];
/// Columns that need ring and aromaticity perception (branch `arom`).
const PERCEPTION_COLUMNS: [&str; 2] = ["sssr", "aromatic_atoms"];

/// Column name -> value, for RDKit (from the fixture) or for us.
type Answers = BTreeMap<&'static str, String>;

fn ours(smiles: &str) -> Answers {
    let mut out = Answers::new();
    match smiles::parse(smiles) {
        Err(_) => {
            out.insert("status", "error".into());
        }
        Ok(mol) => {
            // Heavy atoms as RDKit counts them: atomic number above 1, so
            // the `*` atom is not one.
            let heavy = mol.heavy_atom_count();
            out.insert("status", "ok".into());
            out.insert("formula", mol.formula());
            out.insert("hydrogens", mol.hydrogen_count().to_string());
            out.insert("heavy_atoms", heavy.to_string());
            out.insert("charge", mol.charge().to_string());
            out.insert("sssr", mol.rings().sssr().len().to_string());
            out.insert("aromatic_atoms", mol.aromatic_atom_count().to_string());
        }
    }
    out
}

fn rdkit_row(header: &[&str], row: &str) -> (usize, String, Answers) {
    let f: Vec<&str> = row.split('\t').collect();
    assert_eq!(f.len(), header.len(), "fixture row: {row}");
    let mut answers = Answers::new();
    let status = if f[2] == "ok" { "ok" } else { "error" };
    answers.insert("status", status.into());
    if status == "ok" {
        for col in READER_COLUMNS[1..].iter().chain(&PERCEPTION_COLUMNS) {
            let i = header
                .iter()
                .position(|h| h == col)
                .expect("fixture column");
            answers.insert(col, f[i].to_string());
        }
    }
    (
        f[0].parse().expect("line number"),
        f[1].to_string(),
        answers,
    )
}

/// One disagreement: (data set, line, column) -> (smiles, rdkit, ours, reason).
type Disagreements = BTreeMap<(String, usize, String), [String; 4]>;

const DISAGREEMENTS_HEADER: &str = "data_set\tline\tcolumn\tsmiles\trdkit\tours\treason";

fn read_disagreements(columns: &[&str]) -> Disagreements {
    read_lines(&fixtures_dir().join("rdkit/disagreements.tsv"))
        .iter()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "disagreements.tsv row: {l}");
            (
                (
                    f[0].to_string(),
                    f[1].parse().expect("line"),
                    f[2].to_string(),
                ),
                [f[3], f[4], f[5], f[6]].map(str::to_string),
            )
        })
        .filter(|((_, _, col), _)| columns.contains(&col.as_str()))
        .collect()
}

/// Compares the given columns over every data set; prints agreement per
/// data set and column, and returns (agreement rate per column, disagreements).
fn compare(data: &Path, columns: &[&'static str]) -> (BTreeMap<&'static str, f64>, Disagreements) {
    let known = read_disagreements(columns);
    let mut found = Disagreements::new();
    let mut equal: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0usize;
    for (name, source, limit) in DATA_SETS {
        let fixture = read_lines(&fixtures_dir().join(format!("rdkit/{name}.tsv.gz")));
        let header: Vec<&str> = fixture[0].split('\t').collect();
        let sources = read_lines(&data.join("corpus").join(source));
        assert_eq!(fixture.len() - 1, limit.min(sources.len()), "{name} rows");
        let mut set_equal: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &fixture[1..] {
            let (line, id, rdkit) = rdkit_row(&header, row);
            let mut fields = sources[line - 1].split_whitespace();
            let smiles = fields.next().expect("SMILES");
            assert_eq!(
                fields.next().unwrap_or(&line.to_string()),
                id,
                "{name} line {line}"
            );
            let ours = ours(smiles);
            for &col in columns {
                let (r, o) = (rdkit.get(col), ours.get(col));
                // A molecule one side rejects disagrees in `status` only.
                if col != "status" && (r.is_none() || o.is_none()) {
                    *set_equal.entry(col).or_default() += 1;
                    continue;
                }
                if r == o {
                    *set_equal.entry(col).or_default() += 1;
                    continue;
                }
                let key = (name.to_string(), line, col.to_string());
                let reason = known.get(&key).map_or(String::new(), |k| k[3].clone());
                let show = |v: Option<&String>| v.cloned().unwrap_or_default();
                found.insert(key, [smiles.to_string(), show(r), show(o), reason]);
            }
        }
        let n = fixture.len() - 1;
        for &col in columns {
            let e = set_equal.get(col).copied().unwrap_or(0);
            println!(
                "{name} {col}: {e}/{n} equal ({:.3}%)",
                100.0 * e as f64 / n as f64
            );
            *equal.entry(col).or_default() += e;
        }
        total += n;
    }
    let rates = columns
        .iter()
        .map(|&c| (c, equal.get(c).copied().unwrap_or(0) as f64 / total as f64))
        .collect();
    if found.keys().ne(known.keys())
        || found
            .values()
            .zip(known.values())
            .any(|(a, b)| a[..3] != b[..3])
    {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("rdkit_disagreements_{}.tsv", columns.join("_")));
        let mut text = String::from(DISAGREEMENTS_HEADER);
        for ((set, line, col), [smiles, r, o, reason]) in &found {
            text.push_str(&format!(
                "\n{set}\t{line}\t{col}\t{smiles}\t{r}\t{o}\t{reason}"
            ));
        }
        text.push('\n');
        std::fs::write(&out, text).expect("write disagreements");
        panic!(
            "disagreements in {columns:?} changed: {} now, {} listed in \
             fixtures/rdkit/disagreements.tsv; current list written to {}",
            found.len(),
            known.len(),
            out.display()
        );
    }
    assert!(
        found.values().all(|r| !r[3].is_empty()),
        "every disagreement has a reason"
    );
    (rates, found)
}

#[test]
fn formula_hydrogens_heavy_atoms_and_charge_agree_with_rdkit() {
    let Some(data) = shared_data_or_skip("RDKit corpus comparison") else {
        return;
    };
    let (rates, _) = compare(&data, &READER_COLUMNS);
    for (col, rate) in rates {
        assert!(
            rate >= 0.999,
            "{col}: {:.3}% agree with RDKit, want 99.9%",
            100.0 * rate
        );
    }
}

/// Needs ring perception and RDKit's aromaticity model (branch `arom`);
/// fails until those land.
#[test]
fn sssr_and_aromatic_atoms_agree_with_rdkit() {
    let Some(data) = shared_data_or_skip("RDKit corpus comparison (rings, aromaticity)") else {
        return;
    };
    let (rates, _) = compare(&data, &PERCEPTION_COLUMNS);
    for (col, rate) in rates {
        assert!(
            rate >= 0.999,
            "{col}: {:.3}% agree with RDKit, want 99.9%",
            100.0 * rate
        );
    }
}
