//! Small SMILES tables with known answers, copied into fixtures/smiles_tables/
//! (provenance in its README.md): Open Babel's FormulaTest.smi and
//! invalid-smiles.txt, and the example tables of the OpenSMILES spec.
//! RDKit's answers for every line are in rdkit_tables.tsv
//! (scripts/rdkit_reference.py).
//!
//! - rejections.tsv lists every line markush must reject, with the error
//!   kind and the byte offset it must point at; every other line must read.
//! - formula_differences.tsv lists every line where our formula, hydrogen
//!   count, heavy atoms or charge differ from RDKit, or our formula from
//!   Open Babel's expected one, with the reason (mostly Open Babel's radical
//!   convention for lone aromatic atoms).

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use markush::mol::Mol;
use markush::smiles::{self, SmilesError};
use shared_data::{fixtures_dir, read_lines};

/// FormulaTest.smi lines 50-57 are Open Babel's own prose (its `-e` option
/// skips them); they must be rejected, and have no formula.
const FORMULA_TEST_PROSE: RangeInclusive<usize> = 50..=57;

/// One line of a table with RDKit's answer.
struct Row {
    table: String,
    line: usize,
    smiles: String,
    /// The rest of the source line (FormulaTest: expected formula and
    /// remarks; opensmiles: the description column).
    remark: String,
    rdkit: BTreeMap<String, String>,
}

fn table_lines(file: &str) -> Vec<String> {
    read_lines(&fixtures_dir().join("smiles_tables").join(file))
}

/// The rows of rdkit_tables.tsv, each checked against the copied table it
/// claims to describe.
fn rows() -> Vec<Row> {
    let formula_test = table_lines("FormulaTest.smi");
    let invalid = table_lines("invalid-smiles.txt");
    let opensmiles = table_lines("opensmiles_examples.tsv");
    let rdkit = table_lines("rdkit_tables.tsv");
    let header: Vec<&str> = rdkit[0].split('\t').collect();
    rdkit[1..]
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), header.len(), "rdkit_tables.tsv row: {l}");
            let (table, line, smiles) = (f[0], f[1].parse::<usize>().expect("line"), f[2]);
            let source = match table {
                "FormulaTest" => &formula_test,
                "invalid-smiles" => &invalid,
                "opensmiles" => &opensmiles,
                _ => panic!("unknown table {table}"),
            };
            let text = &source[line - 1];
            let remark = match table {
                "FormulaTest" => text.trim_start()[smiles.len()..].trim().to_string(),
                "opensmiles" => text.split('\t').nth(1).unwrap_or("").to_string(),
                _ => String::new(),
            };
            let written = match table {
                "FormulaTest" => text.split_whitespace().next().unwrap_or(""),
                "opensmiles" => text.split('\t').next().unwrap_or(""),
                _ => text.as_str(),
            };
            assert_eq!(
                written, smiles,
                "{table} line {line} out of step with its copy"
            );
            Row {
                table: table.to_string(),
                line,
                smiles: smiles.to_string(),
                remark,
                rdkit: header[3..]
                    .iter()
                    .zip(&f[3..])
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// The variant name of an error, as rejections.tsv writes it.
fn kind(err: &SmilesError) -> String {
    let debug = format!("{err:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// (table, line) -> (error kind, offset).
fn rejections() -> BTreeMap<(String, usize), (String, usize)> {
    table_lines("rejections.tsv")[1..]
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "rejections.tsv row: {l}");
            (
                (f[0].to_string(), f[1].parse().expect("line")),
                (f[2].to_string(), f[3].parse().expect("offset")),
            )
        })
        .collect()
}

#[test]
fn listed_lines_are_rejected_at_the_listed_offset_and_others_read() {
    let rejections = rejections();
    let rows = rows();
    let mut rejected = 0;
    for row in &rows {
        let key = (row.table.clone(), row.line);
        let result = smiles::parse(&row.smiles);
        match (rejections.get(&key), result) {
            (Some((want, offset)), Err(err)) => {
                assert_eq!(
                    (kind(&err).as_str(), err.offset()),
                    (want.as_str(), *offset),
                    "{} line {}: {}",
                    row.table,
                    row.line,
                    err.display_in(&row.smiles)
                );
                // The caret display must cope with every offset we give.
                assert!(err.display_in(&row.smiles).to_string().contains('^'));
                rejected += 1;
            }
            (Some(want), Ok(_)) => panic!(
                "{} line {} {:?} read, but must fail with {want:?}",
                row.table, row.line, row.smiles
            ),
            (None, Err(err)) => panic!(
                "{} line {} failed: {}",
                row.table,
                row.line,
                err.display_in(&row.smiles)
            ),
            (None, Ok(_)) => {}
        }
    }
    assert_eq!(
        rejected,
        rejections.len(),
        "every listed rejection is a table line"
    );
    for line in FORMULA_TEST_PROSE {
        assert!(rejections.contains_key(&("FormulaTest".to_string(), line)));
    }
    // Of Open Babel's 25 invalid SMILES only the empty line reads: the
    // OpenSMILES grammar and RDKit both take it as the empty molecule.
    let invalid: Vec<&Row> = rows
        .iter()
        .filter(|r| r.table == "invalid-smiles")
        .collect();
    assert_eq!(invalid.len(), 25);
    for row in invalid {
        let listed = rejections.contains_key(&(row.table.clone(), row.line));
        assert_eq!(
            listed,
            !row.smiles.is_empty(),
            "invalid-smiles line {}",
            row.line
        );
    }
    assert_eq!(smiles::parse("").expect("empty SMILES").atom_count(), 0);
}

/// Element counts of a formula like `CH3D` or `HNO2`, deuterium counted as
/// hydrogen (RDKit and markush do not separate isotopes in formulas).
fn element_counts(formula: &str) -> Option<BTreeMap<String, u32>> {
    let mut counts = BTreeMap::new();
    let mut chars = formula.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        let mut symbol = c.to_string();
        if let Some(&l) = chars.peek().filter(|l| l.is_ascii_lowercase()) {
            symbol.push(l);
            chars.next();
        }
        let mut digits = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(d);
            chars.next();
        }
        if symbol == "D" {
            symbol = "H".into();
        } else if markush::mol::element::from_symbol(&symbol).is_none() {
            return None;
        }
        *counts.entry(symbol).or_default() += digits.parse().unwrap_or(1);
    }
    (!counts.is_empty()).then_some(counts)
}

/// Open Babel's expected formula: the last word of the remark that reads as
/// a formula (`C atom` -> C, `methoxy radical CH3O` -> CH3O).
fn openbabel_formula(remark: &str) -> Option<&str> {
    remark
        .split_whitespace()
        .rev()
        .find(|w| element_counts(w).is_some())
}

/// Our answers in RDKit's column names; `formula` holds `error:<Kind>` when
/// we reject the line.
fn ours(mol: Result<Mol, SmilesError>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match mol {
        Err(err) => {
            out.insert("formula".into(), format!("error:{}", kind(&err)));
        }
        Ok(mol) => {
            let heavy = mol.atoms().filter(|a| a.element > 1).count();
            out.insert("formula".into(), mol.formula());
            out.insert("hydrogens".into(), mol.hydrogen_count().to_string());
            out.insert("heavy_atoms".into(), heavy.to_string());
            out.insert("charge".into(), mol.charge().to_string());
        }
    }
    out
}

#[test]
fn formulas_agree_with_rdkit_and_open_babel_except_listed() {
    let listed: BTreeMap<(String, usize), [String; 3]> = table_lines("formula_differences.tsv")
        [1..]
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "formula_differences.tsv row: {l}");
            assert!(!f[6].is_empty(), "a reason for {l}");
            (
                (f[0].to_string(), f[1].parse().expect("line")),
                [f[3], f[4], f[5]].map(str::to_string),
            )
        })
        .collect();
    let mut found = BTreeMap::new();
    let mut compared = 0;
    for row in rows() {
        if row.table == "invalid-smiles"
            || (row.table == "FormulaTest" && FORMULA_TEST_PROSE.contains(&row.line))
        {
            continue;
        }
        let ours = ours(smiles::parse(&row.smiles));
        let rdkit_ok = row.rdkit["status"] == "ok";
        let agrees_rdkit = if rdkit_ok {
            ["formula", "hydrogens", "heavy_atoms", "charge"]
                .iter()
                .all(|c| ours.get(*c) == row.rdkit.get(*c))
        } else {
            ours["formula"].starts_with("error:")
        };
        let openbabel = (row.table == "FormulaTest")
            .then(|| openbabel_formula(&row.remark))
            .flatten();
        let agrees_openbabel = openbabel.map_or(true, |ob| {
            element_counts(ob) == element_counts(&ours["formula"])
        });
        let rdkit = if rdkit_ok {
            row.rdkit["formula"].clone()
        } else {
            row.rdkit["status"].clone()
        };
        if !(agrees_rdkit && agrees_openbabel) {
            found.insert(
                (row.table.clone(), row.line),
                [
                    ours["formula"].clone(),
                    rdkit,
                    openbabel.unwrap_or("").to_string(),
                ],
            );
        }
        compared += 1;
    }
    assert_eq!(compared, 69 - FORMULA_TEST_PROSE.count() + 63);
    assert_eq!(
        found, listed,
        "differences (ours, rdkit, openbabel) differ from formula_differences.tsv"
    );
}

/// The spec's tables give equivalent spellings: "same as: `CC`" and the
/// ring-number form "`C1.C1` | ethane". Both spellings must give the same
/// heavy-atom graph and hydrogens.
#[test]
fn opensmiles_equivalent_spellings_read_alike() {
    fn shape(smiles: &str) -> (String, usize, usize) {
        let mol = smiles::parse(smiles).unwrap_or_else(|e| panic!("{}", e.display_in(smiles)));
        let heavy_bonds = (0..mol.bond_count())
            .filter(|&b| {
                let (x, y) = mol.bond_atoms(b);
                mol.atom(x).element != 1 && mol.atom(y).element != 1
            })
            .count();
        (mol.formula(), mol.heavy_atom_count(), heavy_bonds)
    }
    let mut pairs = 0;
    for row in rows().iter().filter(|r| r.table == "opensmiles") {
        let other = row
            .remark
            .split('`')
            .nth(1)
            .filter(|_| row.remark.starts_with("same as:") || row.remark.starts_with('`'));
        if let Some(other) = other {
            assert_eq!(
                shape(&row.smiles),
                shape(other),
                "{} vs {other}",
                row.smiles
            );
            pairs += 1;
        }
    }
    assert_eq!(pairs, 5);
    // "What is Normalization?": five spellings of ethanol, the last with
    // every hydrogen as an atom of its own.
    let ethanol: Vec<_> = [
        "CCO",
        "OCC",
        "C(O)C",
        "[CH3][CH2][OH]",
        "[H][C]([H])([H])C([H])([H])[O][H]",
    ]
    .iter()
    .map(|s| shape(s))
    .collect();
    assert!(
        ethanol.iter().all(|s| *s == ("C2H6O".to_string(), 3, 2)),
        "{ethanol:?}"
    );
}
