//! The patent templates (grammars/dye-ink.markush, grammars/acid-complex.markush)
//! and the per-formula fixtures of fixtures/formulas/formulas.json (made by
//! scripts/make_formula_fixtures.py; fixtures/formulas/README.md).
//!
//! What the classification engine must answer for each record is checked
//! against the templates themselves here: every expected label, variable
//! alternative, count and group exists in its formula, and every expected
//! substituent belongs to its expected group under the template library.
//! Every record reads to one molecule from its SMILES as given, aromatic,
//! Kekulé, and with its atoms shuffled.

use std::collections::BTreeMap;

use markush::groups::GroupLibrary;
use markush::markush::ast::{Formula, FragmentKind};
use markush::markush::{check_dir, Library};
use markush::mol::{Mol, StereoCenter};
use markush::smiles::{parse, to_smiles};
use serde_json::Value;

const GRAMMARS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/grammars");
const FIXTURE: &str = include_str!("../fixtures/formulas/formulas.json");
const FORMULAS: [&str; 10] = [
    "dye-ink:I",
    "dye-ink:II",
    "dye-ink:Y-I",
    "dye-ink:M-I",
    "dye-ink:C-I",
    "acid-complex:I",
    "acid-complex:II",
    "acid-complex:III",
    "acid-complex:IV",
    "acid-complex:complex",
];

fn library() -> Library {
    Library::load_dir(GRAMMARS).unwrap_or_else(|errors| {
        panic!(
            "{}",
            errors.iter().map(|e| format!("{e}\n")).collect::<String>()
        )
    })
}

fn records() -> Vec<Value> {
    let v: Value = serde_json::from_str(FIXTURE).expect("formulas.json is JSON");
    v["records"].as_array().expect("records").clone()
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[test]
fn templates_check_clean() {
    let report = check_dir(GRAMMARS);
    assert!(report.is_ok(), "{report}");
    let lib = library();
    let ids: Vec<&str> = lib.formulas.iter().map(|f| f.id.as_str()).collect();
    for id in FORMULAS {
        assert!(ids.contains(&id), "formula {id} missing from {ids:?}");
    }
}

#[test]
fn every_formula_has_ten_matches_and_ten_near_misses() {
    let records = records();
    for id in FORMULAS {
        let matching = records
            .iter()
            .filter(|r| r["matches"].get(id).is_some())
            .count();
        let near = records
            .iter()
            .filter(|r| {
                r["near_miss_for"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == id))
            })
            .count();
        assert!(matching >= 10, "{id}: {matching} molecules that match");
        assert!(near >= 10, "{id}: {near} near misses");
        for r in &records {
            let listed_near = r["near_miss_for"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == id));
            assert!(
                !(listed_near && r["matches"].get(id).is_some()),
                "{}: both a match and a near miss of {id}",
                text(r, "id")
            );
        }
    }
}

/// The same molecule with its atoms added in another order: atom `i` of
/// `mol` becomes atom `order[i]`.
fn renumbered(mol: &Mol, order: &[usize]) -> Mol {
    let mut inverse = vec![0; order.len()];
    for (i, &o) in order.iter().enumerate() {
        inverse[o] = i;
    }
    let mut out = Mol::with_capacity(mol.atom_count(), mol.bond_count());
    for &old in &inverse {
        out.add_atom(mol.atom(old).clone());
    }
    for (a, b, bond) in mol.bonds() {
        out.add_bond(order[a], order[b], *bond);
    }
    for center in mol.stereo_centers() {
        let map = |n: u32| {
            if n == StereoCenter::HYDROGEN {
                n
            } else {
                order[n as usize] as u32
            }
        };
        out.add_stereo_center(StereoCenter {
            atom: map(center.atom),
            neighbors: center.neighbors.iter().map(|&n| map(n)).collect(),
        });
    }
    out.perceive();
    out
}

/// A fixed pseudo-random permutation (a multiplicative step coprime to n).
fn shuffle(n: usize, seed: usize) -> Vec<usize> {
    let step = (1..n.max(2))
        .map(|k| (k * 7919 + seed) % n.max(1))
        .find(|&s| s > 1 && gcd(s, n) == 1)
        .unwrap_or(1);
    (0..n).map(|i| (i * step + seed) % n.max(1)).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[test]
fn every_spelling_reads_to_one_molecule() {
    let mut failures = Vec::new();
    for r in records() {
        let id = text(&r, "id");
        let given = parse(text(&r, "smiles")).unwrap_or_else(|e| panic!("{id}: {e}"));
        let canonical = to_smiles(&given);
        for key in ["aromatic", "kekule"] {
            let other = parse(text(&r, key)).unwrap_or_else(|e| panic!("{id} {key}: {e}"));
            if to_smiles(&other) != canonical {
                failures.push(format!(
                    "{id} {key} spelling reads as {}",
                    to_smiles(&other)
                ));
            }
        }
        let order = shuffle(given.atom_count(), id.len());
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert!(
            sorted.iter().copied().eq(0..given.atom_count()),
            "{id}: a permutation"
        );
        let shuffled = renumbered(&given, &order);
        if to_smiles(&shuffled) != canonical {
            failures.push(format!("{id}: shuffled reads as {}", to_smiles(&shuffled)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Groups a label of `formula` may take: its `label` choices or the group
/// alternatives of its `variable` line.
fn label_groups<'f>(formula: &'f Formula, label: &str) -> Option<Vec<&'f str>> {
    if let Some(l) = formula.label(label) {
        return Some(l.choices.iter().map(|c| c.group.as_str()).collect());
    }
    formula.variable(label).map(|v| {
        v.alternatives
            .iter()
            .filter_map(|a| match &a.kind {
                FragmentKind::Group(c) => Some(c.group.as_str()),
                FragmentKind::Smarts { .. } => None,
            })
            .collect()
    })
}

#[test]
fn expectations_fit_the_templates() {
    let lib = library();
    let groups = GroupLibrary::new(lib.groups.clone()).expect("group library compiles");
    let hydrogen = groups.hydrogen_groups();
    let mut failures = Vec::new();
    for r in records() {
        let id = text(&r, "id");
        let matches = r["matches"].as_object().expect("matches");
        for (fid, want) in matches {
            let Some(formula) = lib.formula(fid) else {
                failures.push(format!("{id}: unknown formula {fid}"));
                continue;
            };
            let claims: Vec<u64> = want["claims"]
                .as_array()
                .expect("claims")
                .iter()
                .filter_map(Value::as_u64)
                .collect();
            for c in &claims {
                if !formula.claims.contains(&(*c as u32)) {
                    failures.push(format!(
                        "{id} {fid}: claim {c} is not a claim of the formula"
                    ));
                }
            }
            for (var, title) in want["variables"].as_object().into_iter().flatten() {
                let ok = formula.variable(var).is_some_and(|v| {
                    v.alternatives
                        .iter()
                        .any(|a| Some(a.title.as_str()) == title.as_str())
                });
                if !ok {
                    failures.push(format!(
                        "{id} {fid}: variable {var} has no alternative {title}"
                    ));
                }
            }
            for (label, a) in want["assignments"].as_object().into_iter().flatten() {
                let group = text(a, "group");
                let Some(allowed) = label_groups(formula, label) else {
                    failures.push(format!("{id} {fid}: no label {label}"));
                    continue;
                };
                // The expected group is one the substituent belongs to, and
                // the substituent belongs to one of the label's choices
                // (carboxyl is reported for a Y that must be acidic).
                let found = match a["smiles"].as_str() {
                    None => hydrogen.clone(),
                    Some(s) => match groups.classify_smiles(s) {
                        Ok(found) => found,
                        Err(e) => {
                            failures.push(format!("{id} {fid}: {label} {s}: {e}"));
                            continue;
                        }
                    },
                };
                if !found.contains(&group) {
                    failures.push(format!("{id} {fid}: {label} {a} is {found:?}, not {group}"));
                }
                if !found.iter().any(|g| allowed.contains(g)) {
                    failures.push(format!("{id} {fid}: {label} {a} is none of {allowed:?}"));
                }
            }
            let count_vars: Vec<&str> = formula
                .counts
                .iter()
                .flat_map(|c| c.terms.iter().map(|t| t.variable.as_str()))
                .collect();
            let mut per_ring: BTreeMap<String, i64> = BTreeMap::new();
            for (var, n) in want["counts"].as_object().into_iter().flatten() {
                if var != "sum" && !count_vars.contains(&var.as_str()) {
                    failures.push(format!("{id} {fid}: no count variable {var}"));
                }
                per_ring.insert(var.clone(), n.as_i64().expect("count"));
            }
            if fid == "dye-ink:C-I" {
                let a: i64 = (1..=4).map(|i| per_ring[&format!("a{i}")]).sum();
                let ok =
                    (1..=4).all(|i| per_ring[&format!("a{i}")] + per_ring[&format!("b{i}")] == 4);
                if !ok || a < 2 || a != per_ring["sum"] {
                    failures.push(format!("{id}: counts {per_ring:?} break the claim's rules"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The engine over every fixture molecule and every formula: each
/// match/no-match decision must equal the fixture's, except the pairs
/// listed with their cause in fixtures/formulas/engine_disagreements.tsv.
#[test]
fn engine_decides_every_fixture_as_expected() {
    use markush::markush::engine::Classifier;
    let classifier = Classifier::from_dir(GRAMMARS).expect("templates load");
    let listed = listed(include_str!(
        "../fixtures/formulas/engine_disagreements.tsv"
    ));
    let mut differing = std::collections::BTreeSet::new();
    let mut decisions = 0;
    for r in records() {
        let id = text(&r, "id");
        let mol = parse(text(&r, "smiles")).unwrap_or_else(|e| panic!("{id}: {e}"));
        let found: Vec<String> = classifier
            .classify(&mol)
            .matches
            .into_iter()
            .map(|m| m.formula)
            .collect();
        // explain runs without the screens that let classify reject a
        // formula early, so the two must agree.
        let thorough: Vec<String> = classifier
            .explain(&mol)
            .matches
            .into_iter()
            .map(|m| m.formula)
            .collect();
        assert_eq!(found, thorough, "{id}: classify and explain disagree");
        for f in FORMULAS {
            decisions += 1;
            let expected = r["matches"].get(f).is_some();
            if found.iter().any(|g| g == f) != expected {
                differing.insert((id.to_string(), f.to_string()));
            }
        }
    }
    assert!(decisions >= 1800, "only {decisions} decisions");
    assert_eq!(
        differing, listed,
        "engine decisions differ from fixtures/formulas/engine_disagreements.tsv"
    );
}

/// A substituent written as SMILES, canonical, so that `*c1ccn[nH]1` and
/// `[*]c1cc[nH]n1` compare equal.
fn canonical(smiles: &str) -> String {
    parse(smiles).map_or_else(|e| format!("unreadable {smiles}: {e}"), |m| to_smiles(&m))
}

/// Whether the engine's substituent is the expected one: the same SMILES
/// (none for hydrogen) and the expected group among those it reports.
fn fits(want: &Value, got: &markush::markush::engine::Assignment) -> bool {
    let same = match want["smiles"].as_str() {
        None => got.atoms.is_empty(),
        Some(s) => canonical(s) == canonical(&got.smiles),
    };
    same && got.groups.iter().any(|g| g == text(want, "group"))
}

/// Differences between a fixture expectation and the engine's match.
fn differences(want: &Value, got: &markush::markush::engine::FormulaMatch) -> Vec<String> {
    let mut out = Vec::new();
    let claims: Vec<u32> = want["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .map(|c| c as u32)
        .collect();
    if claims != got.claims {
        out.push(format!("claims {:?}, expected {claims:?}", got.claims));
    }
    for (var, title) in want["variables"].as_object().into_iter().flatten() {
        if got.variables.get(var).map(String::as_str) != title.as_str() {
            out.push(format!(
                "{var} is {:?}, expected {title}",
                got.variables.get(var)
            ));
        }
    }
    // Labels of a symmetric set may take the expected values in any order.
    let expected = want["assignments"].as_object().cloned().unwrap_or_default();
    let sets: Vec<Vec<String>> = want["symmetric"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            s.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .collect();
    let mut groups: Vec<Vec<String>> = sets.clone();
    for label in expected.keys() {
        if !sets.iter().any(|s| s.contains(label)) {
            groups.push(vec![label.clone()]);
        }
    }
    for set in groups {
        let wants: Vec<(&String, &Value)> = set
            .iter()
            .filter_map(|l| expected.get(l).map(|w| (l, w)))
            .collect();
        let mut free: Vec<&String> = set.iter().collect();
        for (label, w) in &wants {
            let pick = free
                .iter()
                .position(|l| got.assignments.get(*l).is_some_and(|g| fits(w, g)));
            match pick {
                Some(i) => {
                    free.remove(i);
                }
                None => out.push(format!(
                    "{label} should be {w}, engine has {}",
                    set.iter()
                        .map(|l| match got.assignments.get(l) {
                            Some(a) => format!("{l}: {} {:?}", a.smiles, a.groups),
                            None => format!("{l}: none"),
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
        }
    }
    let counts = got.counts.clone().unwrap_or_default();
    let wanted_counts = want["counts"].as_object().cloned().unwrap_or_default();
    if want["ring_counts_unordered"].as_bool() == Some(true) {
        let pairs = |value: &dyn Fn(&str) -> i64| {
            let mut p: Vec<(i64, i64)> = (1..=4)
                .map(|i| (value(&format!("a{i}")), value(&format!("b{i}"))))
                .collect();
            p.sort_unstable();
            p
        };
        let want_pairs = pairs(&|k| wanted_counts.get(k).and_then(Value::as_i64).unwrap_or(-1));
        let got_pairs = pairs(&|k| counts.get(k).copied().unwrap_or(-1));
        if want_pairs != got_pairs
            || wanted_counts.get("sum").and_then(Value::as_i64) != counts.get("sum").copied()
        {
            out.push(format!("counts {counts:?}, expected {wanted_counts:?}"));
        }
    } else {
        for (k, n) in &wanted_counts {
            if counts.get(k).copied() != n.as_i64() {
                out.push(format!("count {k} is {:?}, expected {n}", counts.get(k)));
            }
        }
    }
    for key in ["center", "metal"] {
        if let Some(m) = want[key].as_str() {
            if got.variables.get("M").map(String::as_str) != Some(m) {
                out.push(format!("M is {:?}, expected {m}", got.variables.get("M")));
            }
        }
    }
    if let Some(titles) = want["x_titles"].as_array() {
        let mut wanted: Vec<&str> = titles.iter().filter_map(Value::as_str).collect();
        wanted.sort_unstable();
        let mut seen: Vec<&str> = got
            .variables
            .iter()
            .filter(|(k, _)| k.starts_with('X'))
            .map(|(_, v)| v.as_str())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen != wanted {
            out.push(format!("X alternatives {seen:?}, expected {wanted:?}"));
        }
    }
    for words in want["notes_contain"].as_array().into_iter().flatten() {
        let words = words.as_str().unwrap_or_default();
        if !got.notes.iter().any(|n| n.contains(words)) {
            out.push(format!("no note mentions {words}: {:?}", got.notes));
        }
    }
    out
}

/// (id, formula) rows of a disagreements file.
fn listed(tsv: &str) -> std::collections::BTreeSet<(String, String)> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_string(), cols[1].to_string())
        })
        .collect()
}

/// For every expected match, the engine's claims, variables, substituents
/// (SMILES and group), counts and metals agree with the fixture, except
/// the matches listed with their cause in
/// fixtures/formulas/assignment_disagreements.tsv.
#[test]
fn engine_fills_every_expected_match_as_the_fixture_says() {
    use markush::markush::engine::Classifier;
    let classifier = Classifier::from_dir(GRAMMARS).expect("templates load");
    let known = listed(include_str!(
        "../fixtures/formulas/assignment_disagreements.tsv"
    ));
    let mut differing = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let mut compared = 0;
    for r in records() {
        let id = text(&r, "id");
        let mol = parse(text(&r, "smiles")).unwrap_or_else(|e| panic!("{id}: {e}"));
        let found = classifier.classify(&mol);
        for (fid, want) in r["matches"].as_object().expect("matches") {
            let Some(got) = found.matches.iter().find(|m| &m.formula == fid) else {
                continue; // a decision: engine_decides_every_fixture_as_expected
            };
            compared += 1;
            let found = differences(want, got);
            if !found.is_empty() {
                differing.insert((id.to_string(), fid.clone()));
            }
            for d in found {
                failures.push(format!("{id} {fid}: {d}"));
            }
        }
    }
    assert!(compared >= 200, "only {compared} matches compared");
    assert_eq!(
        differing,
        known,
        "fills differ from fixtures/formulas/assignment_disagreements.tsv:\n{}",
        failures.join("\n")
    );
}
