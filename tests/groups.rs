//! The named-group library (grammars/groups.markush) and its classifier,
//! checked row by row against fixtures/groups/substituents.tsv.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use markush::groups::def::{Alternative, GroupDef, Pattern, RingKind, RingRequirement, Slot, Span};
use markush::groups::{ring, substituent_of_dummy, GroupError, GroupLibrary, Session};
use markush::matcher::BudgetExceeded;
use markush::smiles;

const FIXTURE: &str = include_str!("../fixtures/groups/substituents.tsv");

struct Row<'a> {
    line: usize,
    group: &'a str,
    expected: bool,
    smiles: &'a str,
    note: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    FIXTURE
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "line {}: four tab-separated fields", i + 1);
            let expected = match f[1] {
                "yes" => true,
                "no" => false,
                other => panic!("line {}: expected is yes or no, not {other}", i + 1),
            };
            Row {
                line: i + 1,
                group: f[0],
                expected,
                smiles: f[2],
                note: f[3],
            }
        })
        .collect()
}

#[test]
fn every_fixture_row_holds() {
    let library = markush::markush::builtin_groups();
    let mut failures = Vec::new();
    for row in rows() {
        let groups = library
            .classify_smiles(row.smiles)
            .unwrap_or_else(|e| panic!("line {}: {}: {e}", row.line, row.smiles));
        if groups.contains(&row.group) != row.expected {
            failures.push(format!(
                "line {}: {} {} {} ({}) -> {:?}",
                row.line,
                row.smiles,
                if row.expected {
                    "should be"
                } else {
                    "should not be"
                },
                row.group,
                row.note,
                groups
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_group_has_three_positives_and_three_negatives() {
    let library = markush::markush::builtin_groups();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for row in rows() {
        assert!(
            library.get(row.group).is_some(),
            "line {}: unknown group {}",
            row.line,
            row.group
        );
        let c = counts.entry(row.group).or_default();
        if row.expected {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    for def in library.defs() {
        let (yes, no) = counts.get(def.name.as_str()).copied().unwrap_or_default();
        assert!(
            yes >= 3 && no >= 3,
            "group {}: {yes} positive and {no} negative fixtures, need 3 each",
            def.name
        );
    }
}

#[test]
fn the_issue_names_every_group_the_library_needs() {
    let library = markush::markush::builtin_groups();
    let named = [
        "hydrogen",
        "halogen",
        "aliphatic",
        "alkyl",
        "cycloalkyl",
        "alkenyl",
        "alkynyl",
        "aralkyl",
        "aromatic",
        "aryl",
        "heterocyclic",
        "cyano",
        "hydroxy",
        "nitro",
        "amino",
        "alkylamino",
        "arylamino",
        "heterocyclic-amino",
        "alkoxy",
        "aryloxy",
        "heterocyclic-oxy",
        "amide",
        "acylamino",
        "ureido",
        "sulfamoylamino",
        "alkylthio",
        "arylthio",
        "heterocyclic-thio",
        "alkoxycarbonylamino",
        "aryloxycarbonylamino",
        "sulfonamide",
        "carbamoyl",
        "sulfamoyl",
        "sulfonyl",
        "sulfinyl",
        "alkoxycarbonyl",
        "aryloxycarbonyl",
        "alkoxycarbonyloxy",
        "aryloxycarbonyloxy",
        "acyl",
        "acyloxy",
        "carbamoyloxy",
        "silyloxy",
        "azo",
        "imide",
        "phosphoryl",
        "carboxyl",
        "sulfo",
        "substituted-amino",
        "alkylsulfonyl",
        "arylsulfonyl",
        "alkylsulfinyl",
        "arylsulfinyl",
        "alkylarylsulfonylamino",
        "arylsulfonylamino",
    ];
    for name in named {
        assert!(library.get(name).is_some(), "library lacks {name}");
    }
}

/// The issue's examples: the first group is the most specific one, and the
/// near misses are not in the list at all.
#[test]
fn most_specific_group_comes_first() {
    let library = markush::markush::builtin_groups();
    let cases: &[(&str, &str, &[&str])] = &[
        ("[*]OC", "alkoxy", &["hydroxy", "aryloxy", "alkyl"]),
        ("[*]NC(C)=O", "amide", &["amino", "alkylamino", "carbamoyl"]),
        ("[*]S(=O)(=O)N", "sulfamoyl", &["sulfonyl", "sulfonamide"]),
        ("[*]NS(C)(=O)=O", "sulfonamide", &["sulfamoyl", "amino"]),
        ("[*]S(=O)(=O)O", "sulfo", &["sulfonyl", "alkylsulfonyl"]),
        ("[*]C(=O)OCC", "alkoxycarbonyl", &["acyl", "carboxyl"]),
        ("[*]OC(C)=O", "acyloxy", &["alkoxy", "acyl"]),
        ("[*]S(=O)(=O)[O-].[Na+]", "sulfo", &["sulfonyl"]),
        ("[*]C(=O)[O-]", "carboxyl", &["acyl", "hydroxy"]),
        ("[*]Nc1ccccc1", "arylamino", &["aryl", "heterocyclic-amino"]),
        ("[*]c1ccc2ncsc2c1", "heterocyclic", &["aryl", "aromatic"]),
    ];
    for &(smiles, first, absent) in cases {
        let groups = library.classify_smiles(smiles).unwrap();
        assert_eq!(groups.first(), Some(&first), "{smiles}: {groups:?}");
        for a in absent {
            assert!(!groups.contains(a), "{smiles} is not {a}: {groups:?}");
        }
    }
    // A group reached through a bare name comes after the group it names.
    let groups = library.classify_smiles("[*]N(C)C").unwrap();
    let at = |g: &str| groups.iter().position(|x| *x == g).unwrap();
    assert!(at("alkylamino") < at("substituted-amino"));
    assert!(at("substituted-amino") < at("amino"));
    // More atoms explained wins over fewer: alkenyl (3) before alkyl (1).
    let groups = library.classify_smiles("[*]CC=C").unwrap();
    assert_eq!(groups, ["alkenyl", "aliphatic", "alkyl"]);
}

#[test]
fn hydrogen_is_the_absent_substituent() {
    let library = markush::markush::builtin_groups();
    let h = library.hydrogen_groups();
    assert_eq!(h, ["hydrogen"]);
    let mut defs: Vec<GroupDef> = library.defs().cloned().collect();
    defs.push(group("r-choice", vec![name("hydrogen"), name("halogen")]));
    defs.push(group("outer", vec![name("r-choice")]));
    let extended = GroupLibrary::new(defs).unwrap();
    assert_eq!(
        extended.hydrogen_groups(),
        ["hydrogen", "r-choice", "outer"]
    );
}

#[test]
fn ring_size_is_checked_on_the_attachment_atom() {
    let five = RingRequirement {
        kind: RingKind::Hetero,
        size: Some(5),
    };
    let six = RingRequirement {
        kind: RingKind::Hetero,
        size: Some(6),
    };
    let meets = |smiles: &str, req: &RingRequirement| {
        let mol = smiles::parse(smiles).unwrap();
        let (a, atoms) = substituent_of_dummy(&mol).unwrap();
        let mut atoms: Vec<u32> = atoms.iter().map(|&x| x as u32).collect();
        atoms.sort_unstable();
        ring::meets(&mol, a, &atoms, req)
    };
    // benzothiazol-2-yl sits in the thiazole ring, benzothiazol-6-yl in the benzene ring.
    assert!(meets("[*]c1nc2ccccc2s1", &five));
    assert!(!meets("[*]c1ccc2ncsc2c1", &five));
    assert!(!meets("[*]c1ccc2ncsc2c1", &six));
    assert!(meets("[*]c1nccs1", &five));
    assert!(meets("[*]c1ccncc1", &six));
    assert!(!meets("[*]c1ccncc1", &five));
    // A ring shared with the core does not make the substituent cyclic.
    let mol = smiles::parse("C1CCNC1").unwrap();
    let aromatic = RingRequirement {
        kind: RingKind::Hetero,
        size: None,
    };
    assert!(!ring::meets(&mol, 0, &[0, 1], &aromatic));
    assert!(ring::meets(&mol, 0, &[0, 1, 2, 3, 4], &aromatic));
}

#[test]
fn a_session_answers_like_fresh_calls() {
    let library = markush::markush::builtin_groups();
    // Both substituents of one molecule: methoxy and acetamido on benzene.
    let mol = smiles::parse("COc1ccc(NC(C)=O)cc1").unwrap();
    let methoxy = [0usize, 1];
    let acetamido = [6usize, 7, 8, 9];
    let mut session = library.session(&mol);
    let a = session.classify(1, &methoxy).unwrap();
    let b = session.classify(6, &acetamido).unwrap();
    assert_eq!(a, library.classify(&mol, 1, &methoxy).unwrap());
    assert_eq!(b, library.classify(&mol, 6, &acetamido).unwrap());
    assert_eq!(a[0], "alkoxy");
    assert_eq!(b[0], "amide");
    assert!(session.belongs_to(6, &acetamido, "acylamino").unwrap());
    assert!(!session.belongs_to(6, &acetamido, "amino").unwrap());
    assert!(!session.belongs_to(6, &acetamido, "no-such-group").unwrap());
    // The attachment must be in the substituent.
    assert!(session.classify(2, &methoxy).unwrap().is_empty());
}

#[test]
fn large_substituents_stay_bounded() {
    let library = markush::markush::builtin_groups();
    let start = Instant::now();
    // A long chain ending in phenyl: recursion through aralkyl slots stops
    // at the depth limit instead of walking the chain.
    let chain = format!("[*]{}c1ccccc1", "C".repeat(5000));
    let groups = library.classify_smiles(&chain).unwrap();
    assert!(groups.contains(&"alkyl"));
    assert!(!groups.contains(&"aralkyl"));
    let near = format!("[*]{}c1ccccc1", "C".repeat(10));
    assert!(library.classify_smiles(&near).unwrap().contains(&"aralkyl"));
    // Deep branching.
    let branched = format!("[*]{}C{}", "C(".repeat(2000), ")".repeat(2000));
    assert!(library
        .classify_smiles(&branched)
        .unwrap()
        .contains(&"alkyl"));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

fn span() -> Span {
    Span {
        file: "test".into(),
        line: 1,
        column: 1,
    }
}

fn group(name: &str, alternatives: Vec<Alternative>) -> GroupDef {
    GroupDef {
        name: name.into(),
        title: name.into(),
        alternatives,
        span: span(),
    }
}

fn name(n: &str) -> Alternative {
    Alternative::Group(n.into())
}

fn pattern(smarts: &str, slots: Vec<Slot>) -> Alternative {
    Alternative::Pattern(Pattern {
        smarts: smarts.into(),
        slots,
        exact: false,
        ring: None,
    })
}

#[test]
fn bad_definitions_are_reported() {
    let unknown = GroupLibrary::new(vec![group("a", vec![name("b")])]).unwrap_err();
    assert!(matches!(unknown, GroupError::Unknown { ref missing, .. } if missing == "b"));
    assert!(unknown.to_string().starts_with("test:1:1: "));
    let bad = GroupLibrary::new(vec![group("a", vec![pattern("C(", vec![])])]).unwrap_err();
    assert!(matches!(bad, GroupError::Smarts { .. }));
    let slot = |atom| {
        vec![Slot {
            atom,
            groups: vec!["a".into()],
        }]
    };
    for atom in [0, 2] {
        let err = GroupLibrary::new(vec![group("a", vec![pattern("O*", slot(atom))])]).unwrap_err();
        assert!(matches!(err, GroupError::Slot { .. }), "{err}");
    }
    let twice = GroupLibrary::new(vec![group("a", vec![]), group("a", vec![])]).unwrap_err();
    assert!(matches!(twice, GroupError::Duplicate { .. }));
    let parse = markush::markush::groups_from_str("group a = [C", "broken.markush").unwrap_err();
    assert!(parse.to_string().contains("broken.markush:1:"), "{parse}");
}

#[test]
fn a_cycle_of_bare_names_matches_nothing() {
    let library = GroupLibrary::new(vec![
        group("a", vec![name("b")]),
        group("b", vec![name("a"), pattern("[Cl]", vec![])]),
    ])
    .unwrap();
    let groups = library.classify_smiles("[*]Cl").unwrap();
    assert!(groups.contains(&"b"));
    assert!(library.classify_smiles("[*]Br").unwrap().is_empty());
}

#[test]
fn a_tiny_budget_gives_an_error_not_a_wrong_answer() {
    let library = markush::markush::builtin_groups();
    let mol = smiles::parse("CC(=O)Nc1ccc(S(=O)(=O)O)cc1").unwrap();
    let sulfo = [8usize, 9, 10, 11, 12];
    let mut starved = Session::new(&library, &mol, 1);
    assert_eq!(starved.classify(8, &sulfo), Err(BudgetExceeded));
    assert_eq!(starved.classify(8, &sulfo), Err(BudgetExceeded));
    assert_eq!(library.classify(&mol, 8, &sulfo).unwrap()[0], "sulfo");
}
