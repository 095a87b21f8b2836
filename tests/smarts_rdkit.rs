//! Unique match counts against RDKit's, from fixtures made by
//! scripts/rdkit_smarts.py: the SMARTS tables of ../shared/data/smarts
//! (patterns and molecules stored in the fixture), and a differential run
//! of several hundred patterns over 10,000 corpus molecules (molecules read
//! from ../shared/data; skipped with a notice when absent).

use std::collections::HashMap;
use std::io::Read;

use markush::matcher::Target;
use markush::mol::Mol;
use markush::smarts::Smarts;
use serde::Deserialize;

/// Generous: the fixtures hold only pairs RDKit finishes quickly.
const BUDGET: u64 = 50_000_000;

fn crate_dir() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn read_gz_json<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = format!("{}/fixtures/smarts/{name}", crate_dir());
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Listed differences: (table, pattern) -> molecules ("*" = all) and reasons.
struct Disagreements(HashMap<(String, String), Vec<String>>);

impl Disagreements {
    fn load() -> Self {
        let path = format!("{}/fixtures/smarts/disagreements.tsv", crate_dir());
        let mut map: HashMap<(String, String), Vec<String>> = HashMap::new();
        for line in std::fs::read_to_string(path).unwrap().lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "disagreements.tsv: {line}");
            map.entry((cols[0].into(), cols[1].into()))
                .or_default()
                .push(cols[2].into());
        }
        Disagreements(map)
    }

    fn listed(&self, table: &str, pattern: &str, molecule: &str) -> bool {
        [pattern, "*"].iter().any(|p| {
            self.0
                .get(&(table.to_string(), p.to_string()))
                .is_some_and(|m| m.iter().any(|m| m == "*" || m == molecule))
        })
    }
}

#[derive(Deserialize)]
struct Tables {
    tables: Vec<Table>,
}

#[derive(Deserialize)]
struct Table {
    name: String,
    merge_hs: bool,
    molecules: Vec<String>,
    rdkit_failed: Vec<usize>,
    patterns: Vec<TablePattern>,
}

#[derive(Deserialize)]
struct TablePattern {
    smarts: String,
    /// Nonzero counts as (molecule, count); None when RDKit rejects it.
    counts: Option<Vec<(usize, usize)>>,
}

fn read_pattern(smarts: &str, merge_hs: bool) -> Result<Smarts, String> {
    let s = Smarts::parse(smarts).map_err(|e| e.to_string())?;
    Ok(if merge_hs { s.merge_query_hs() } else { s })
}

/// Our count, or a description of why there is none.
fn our_count(pattern: &Result<Smarts, String>, target: Option<&Target>) -> Result<usize, String> {
    let pattern = pattern.as_ref().map_err(|e| format!("pattern: {e}"))?;
    let target = target.ok_or("molecule unreadable")?;
    pattern
        .count_unique_in(target, BUDGET)
        .map_err(|e| e.to_string())
}

struct Tally {
    pairs: usize,
    agree: usize,
    unexplained: Vec<String>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            pairs: 0,
            agree: 0,
            unexplained: Vec::new(),
        }
    }

    fn record(&mut self, ok: bool, listed: bool, describe: impl FnOnce() -> String) {
        self.pairs += 1;
        self.agree += usize::from(ok);
        if !ok && !listed {
            self.unexplained.push(describe());
        }
    }

    /// Writes every unexplained pair to target/, for updating the list.
    fn dump(&self, name: &str) {
        let path = format!("{}/target/smarts_unexplained_{name}.tsv", crate_dir());
        let _ = std::fs::write(path, self.unexplained.join("\n"));
    }

    fn rate(&self) -> f64 {
        self.agree as f64 / self.pairs.max(1) as f64
    }
}

#[test]
fn smarts_tables_match_rdkit() {
    let tables: Tables = read_gz_json("tables.json.gz");
    let listed = Disagreements::load();
    let mut all_unexplained = Vec::new();
    for table in &tables.tables {
        let mols: Vec<Option<Mol>> = table
            .molecules
            .iter()
            .map(|s| markush::smiles::parse(s).ok())
            .collect();
        let targets: Vec<Option<Target>> =
            mols.iter().map(|m| m.as_ref().map(Target::new)).collect();
        let mut tally = Tally::new();
        for p in &table.patterns {
            let Some(counts) = &p.counts else { continue };
            let ours = read_pattern(&p.smarts, table.merge_hs);
            let mut want = vec![0; mols.len()];
            for &(i, n) in counts {
                want[i] = n;
            }
            for (i, target) in targets.iter().enumerate() {
                if table.rdkit_failed.contains(&i) {
                    continue;
                }
                let got = our_count(&ours, target.as_ref());
                let smiles = &table.molecules[i];
                tally.record(
                    got == Ok(want[i]),
                    listed.listed(&table.name, &p.smarts, smiles),
                    || {
                        format!(
                            "{}\t{}\t{smiles}\tRDKit {}, ours {got:?}",
                            table.name, p.smarts, want[i]
                        )
                    },
                );
            }
        }
        eprintln!(
            "{}: {} of {} pairs agree ({:.3}%), {} unexplained",
            table.name,
            tally.agree,
            tally.pairs,
            100.0 * tally.rate(),
            tally.unexplained.len()
        );
        tally.dump(&table.name);
        all_unexplained.extend(tally.unexplained);
    }
    assert!(
        all_unexplained.is_empty(),
        "{} unexplained differences from RDKit:\n{}",
        all_unexplained.len(),
        all_unexplained
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[derive(Deserialize)]
struct Corpus {
    selection: Vec<Selection>,
    check_ids: Vec<(usize, String)>,
    rdkit_failed: Vec<usize>,
    patterns: Vec<CorpusPattern>,
}

#[derive(Deserialize)]
struct Selection {
    file: String,
    every: usize,
    count: usize,
}

#[derive(Deserialize)]
struct CorpusPattern {
    smarts: String,
    source: String,
    merge_hs: bool,
    /// One count per molecule, comma-separated.
    counts: String,
}

fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("MARKUSH_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| format!("{}/../shared/data", crate_dir()).into());
    dir.is_dir().then_some(dir)
}

/// The molecules the fixture was made from: every `every`-th record.
fn corpus_molecules(
    dir: &std::path::Path,
    selection: &[Selection],
) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for s in selection {
        let file = std::fs::File::open(dir.join(&s.file)).ok()?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .ok()?;
        out.extend(text.lines().step_by(s.every).take(s.count).map(|line| {
            let mut f = line.split_whitespace();
            let smiles = f.next().unwrap_or("").to_string();
            (smiles, f.next().unwrap_or("").to_string())
        }));
    }
    Some(out)
}

#[test]
fn corpus_counts_match_rdkit() {
    let corpus: Corpus = read_gz_json("corpus.json.gz");
    let Some(mols) = shared_data().and_then(|d| corpus_molecules(&d, &corpus.selection)) else {
        eprintln!(
            "notice: corpus molecules not found (../shared/data or $MARKUSH_SHARED_DATA); skipping"
        );
        return;
    };
    assert!(corpus.patterns.len() >= 200);
    assert_eq!(mols.len(), 10_000);
    for (i, id) in &corpus.check_ids {
        assert_eq!(&mols[*i].1, id, "corpus selection out of step at {i}");
    }
    let parsed: Vec<Option<Mol>> = mols
        .iter()
        .map(|(s, _)| markush::smiles::parse(s).ok())
        .collect();
    let targets: Vec<Option<Target>> = parsed.iter().map(|m| m.as_ref().map(Target::new)).collect();
    let listed = Disagreements::load();
    let mut tally = Tally::new();
    let mut by_source: HashMap<&str, (usize, usize)> = HashMap::new();
    for p in &corpus.patterns {
        let ours = read_pattern(&p.smarts, p.merge_hs);
        let source = by_source.entry(p.source.as_str()).or_default();
        for (i, want) in p.counts.split(',').enumerate() {
            if corpus.rdkit_failed.contains(&i) {
                continue;
            }
            let want: usize = want.parse().unwrap();
            let got = our_count(&ours, targets[i].as_ref());
            let ok = got == Ok(want);
            source.0 += 1;
            source.1 += usize::from(ok);
            tally.record(ok, listed.listed("corpus", &p.smarts, &mols[i].0), || {
                format!(
                    "corpus\t{}\t{}\tRDKit {want}, ours {got:?}",
                    p.smarts, mols[i].0
                )
            });
        }
    }
    let mut sources: Vec<_> = by_source.into_iter().collect();
    sources.sort();
    for (source, (pairs, agree)) in sources {
        eprintln!(
            "corpus/{source}: {agree} of {pairs} agree ({:.3}%)",
            100.0 * agree as f64 / pairs as f64
        );
    }
    eprintln!(
        "corpus: {} of {} pairs agree ({:.4}%), {} unexplained",
        tally.agree,
        tally.pairs,
        100.0 * tally.rate(),
        tally.unexplained.len()
    );
    tally.dump("corpus");
    assert!(
        tally.rate() >= 0.999,
        "agreement {:.4}% < 99.9%",
        100.0 * tally.rate()
    );
    assert!(
        tally.unexplained.is_empty(),
        "{} unexplained differences from RDKit:\n{}",
        tally.unexplained.len(),
        tally
            .unexplained
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
