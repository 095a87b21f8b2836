//! The O'Boyle & Mayfield SMILES-reading benchmark: aromatic SMILES of 47,464
//! ChEMBL molecules as written by 13 toolkits; a reader must give every atom
//! the hydrogen count that the Kekulé original implies. Expected answers are
//! the entries where every published reader agreed (see
//! shared/data/README.md, "consensus").
//!
//! Hydrogen counts are per atom in SMILES order, implicit plus bracket H.
//! Hydrogen *atoms* (`[H]`) get no entry of their own: like the readers
//! that made the consensus (which delete them, as RDKit's default does),
//! each one is counted on the atom it is bonded to.

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::BTreeMap;
use std::path::Path;

use markush::smiles;
use shared_data::{fixtures_dir, read_lines, shared_data_or_skip};

/// Per-atom hydrogen counts as the benchmark writes them, or the error.
fn hcounts(smiles: &str) -> Result<String, String> {
    let mol = smiles::parse(smiles).map_err(|e| format!("error: {e}"))?;
    let kept: Vec<String> = mol
        .heavy_atom_hydrogens()
        .iter()
        .map(u32::to_string)
        .collect();
    Ok(kept.join(" "))
}

/// One benchmark entry where every reader agreed.
struct Entry {
    id: String,
    smiles: String,
    expected: String,
}

/// `id -> hcounts` for the unanimous lines of a consensus file.
fn unanimous(path: &Path) -> BTreeMap<String, String> {
    read_lines(path)
        .iter()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 3 && f[1] == f[2]).then(|| (f[0].to_string(), f[3..].join(" ")))
        })
        .collect()
}

/// The entries of one writer that have a unanimous answer.
fn writer_entries(data: &Path, writer: &str) -> Vec<Entry> {
    let base = data.join("smilesreading");
    let expected = unanimous(
        &base
            .join("3-results/consensus")
            .join(format!("consensus_reading_{writer}.txt.gz")),
    );
    read_lines(
        &base
            .join("2-aromaticsmiles/chembl")
            .join(format!("{writer}.smi.gz")),
    )
    .iter()
    .filter_map(|l| {
        let mut f = l.split_whitespace();
        let (smiles, id) = (f.next()?, f.next()?);
        let expected = expected.get(id)?.clone();
        Some(Entry {
            id: id.to_string(),
            smiles: smiles.to_string(),
            expected,
        })
    })
    .collect()
}

fn writers(data: &Path) -> Vec<String> {
    let dir = data.join("smilesreading/2-aromaticsmiles/chembl");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".smi.gz").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// A row of `differences.tsv`: (writer, id) -> (smiles, consensus, ours, reason).
type Differences = BTreeMap<(String, String), [String; 4]>;

fn read_differences(path: &Path) -> Differences {
    read_lines(path)
        .iter()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "differences.tsv row: {l}");
            (
                (f[0].to_string(), f[1].to_string()),
                [f[2], f[3], f[4], f[5]].map(str::to_string),
            )
        })
        .collect()
}

const DIFFERENCES_HEADER: &str = "writer\tid\tsmiles\tconsensus\tours\treason";

#[test]
fn smilesreading_benchmark_agrees_with_unanimous_readers() {
    let Some(data) = shared_data_or_skip("smilesreading benchmark") else {
        return;
    };
    let fixture = fixtures_dir().join("smilesreading/differences.tsv");
    let known = read_differences(&fixture);
    let mut found = Differences::new();
    let (mut total, mut equal) = (0usize, 0usize);
    let writers = writers(&data);
    assert_eq!(writers.len(), 13, "writer files in the benchmark");
    for writer in &writers {
        let entries = writer_entries(&data, writer);
        let mut same = 0;
        for e in &entries {
            let ours = hcounts(&e.smiles).unwrap_or_else(|err| err);
            if ours == e.expected {
                same += 1;
            } else {
                let key = (writer.clone(), e.id.clone());
                let reason = known.get(&key).map_or(String::new(), |r| r[3].clone());
                found.insert(key, [e.smiles.clone(), e.expected.clone(), ours, reason]);
            }
        }
        println!(
            "{writer}: {same}/{} unanimous entries equal ({:.3}%)",
            entries.len(),
            100.0 * same as f64 / entries.len().max(1) as f64
        );
        total += entries.len();
        equal += same;
    }
    let rate = equal as f64 / total as f64;
    println!("all writers: {equal}/{total} equal ({:.4}%)", 100.0 * rate);
    if found.keys().ne(known.keys())
        || found
            .values()
            .zip(known.values())
            .any(|(a, b)| a[..3] != b[..3])
    {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smilesreading_differences.tsv");
        let mut text = String::from(DIFFERENCES_HEADER);
        for ((w, id), [smiles, cons, ours, reason]) in &found {
            text.push_str(&format!("\n{w}\t{id}\t{smiles}\t{cons}\t{ours}\t{reason}"));
        }
        text.push('\n');
        std::fs::write(&out, text).expect("write differences");
        panic!(
            "differences changed: {} now, {} in {}; current list written to {}",
            found.len(),
            known.len(),
            fixture.display(),
            out.display()
        );
    }
    assert!(
        found.values().all(|r| !r[3].is_empty()),
        "every difference has a reason"
    );
    assert!(
        rate >= 0.9999,
        "agreement {:.4}% below 99.99%",
        100.0 * rate
    );
}

/// The stored excerpt (300 unanimous entries from six writers, tricky
/// classes first; made by scripts/smilesreading_excerpt.py) runs without
/// the shared data. Entries listed in differences.tsv must keep the answer
/// recorded there; every other one must match the readers.
#[test]
fn smilesreading_excerpt_matches_unanimous_readers() {
    let dir = fixtures_dir().join("smilesreading");
    let known = read_differences(&dir.join("differences.tsv"));
    let rows = read_lines(&dir.join("excerpt.tsv"));
    assert_eq!(rows[0], "writer\tid\tsmiles\tconsensus");
    let mut checked = 0;
    for row in &rows[1..] {
        let f: Vec<&str> = row.split('\t').collect();
        let (writer, id, smiles, expected) = (f[0], f[1], f[2], f[3]);
        let ours = hcounts(smiles).unwrap_or_else(|err| err);
        match known.get(&(writer.to_string(), id.to_string())) {
            Some(diff) => assert_eq!(ours, diff[2], "{writer} {id} {smiles}"),
            None => assert_eq!(ours, expected, "{writer} {id} {smiles}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 300);
}
