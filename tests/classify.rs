//! The report layer and the `classify` / `explain` subcommands.

use std::process::Command;

use markush::classify::{explain_text, ClassifyRecord};
use markush::io::{Record, SmiRecord};
use markush::markush::engine::Classifier;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples");

fn record_json(classifier: &Classifier, line: &str, explain: bool) -> serde_json::Value {
    let record = Record::from(SmiRecord::from_line(7, line).unwrap());
    serde_json::to_value(ClassifyRecord::new(classifier, &record, explain)).unwrap()
}

#[test]
fn json_record_has_the_documented_shape() {
    let classifier = Classifier::from_dir(EXAMPLES).unwrap();
    let v = record_json(&classifier, "CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1 dye-1", false);
    let record =
        Record::from(SmiRecord::from_line(7, "CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1 dye-1").unwrap());
    let text = serde_json::to_string(&ClassifyRecord::new(&classifier, &record, false)).unwrap();
    assert!(text.starts_with(r#"{"line":7,"id":"dye-1","smiles":"CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1","matches":[{"formula":"example:M-I","patent":"example","claims":[2],"core_atoms":["#));
    assert!(!text.contains("\"misses\"") && !text.contains("\"error\""));
    assert_eq!(v["line"], 7);
    assert_eq!(v["id"], "dye-1");
    let m = &v["matches"][0];
    assert_eq!(m["formula"], "example:M-I");
    assert_eq!(m["claims"], serde_json::json!([2]));
    assert_eq!(m["variables"]["B1"], "=CR1-");
    assert_eq!(m["assignments"]["A"]["smiles"], "[*]c1nccs1");
    assert_eq!(m["assignments"]["A"]["groups"][0], "heterocyclic");
    assert_eq!(
        m["assignments"]["R1"]["groups"],
        serde_json::json!(["hydrogen"])
    );
    assert!(m.get("counts").is_none());
    // --explain adds the misses.
    let v = record_json(&classifier, "CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1 dye-1", true);
    assert_eq!(v["misses"][0]["formula"], "example:acid-I");
    assert_eq!(v["misses"][1]["reason"], "core not found");
}

#[test]
fn unreadable_smiles_gives_an_error_and_no_matches() {
    let classifier = Classifier::from_dir(EXAMPLES).unwrap();
    let v = record_json(&classifier, "C1CC broken", false);
    assert_eq!(v["matches"], serde_json::json!([]));
    assert_eq!(v["error"]["offset"], 1);
}

#[test]
fn explain_text_reads_as_words() {
    let classifier = Classifier::from_dir(EXAMPLES).unwrap();
    let text = explain_text(&classifier, "C1CCN(CC1)c1nc(C)c(N=Nc2nccs2)cc1.[Na+]").unwrap();
    assert!(text.contains("Falls under example:M-I (Heterocyclic azo dye with a 2,6-diaminopyridine coupler), patent example, claims 2."), "{text}");
    assert!(text.contains("  R5: "), "{text}");
    assert!(text.contains("forms a ring with R6"), "{text}");
    assert!(text.contains("  R1: hydrogen atom"), "{text}");
    assert!(
        text.contains("note: other component not part of the formula: [Na+]"),
        "{text}"
    );
    assert!(
        text.contains(
            "Does not fall under example:C-I (X-substituted phthalocyanine): core not found."
        ),
        "{text}"
    );
}

#[test]
fn cli_classify_and_explain() {
    let dir = std::env::temp_dir().join(format!("markush-classify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.smi");
    std::fs::write(
        &input,
        "# dyes\nCCN(CC)c1nc(C)c(N=Nc2nccs2)cc1 one\nNCC(=O)[O-].[Na+] two\nC1CC three\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_markush");
    let out = Command::new(bin)
        .args(["classify", "--explain", "--templates", EXAMPLES])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["matches"][0]["formula"], "example:M-I");
    assert_eq!(lines[1]["matches"], serde_json::json!([]));
    assert_eq!(
        lines[1]["misses"][0]["reason"],
        "M is Na, which is not a metal of valence >= 2"
    );
    assert!(lines[2]["error"]["message"].is_string());
    let out = Command::new(bin)
        .args(["explain", "--templates", EXAMPLES, "NCC(=O)O[Cu]OC(=O)CN"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Falls under example:acid-I"), "{text}");
    assert!(text.contains("X is -N<"), "{text}");
    let out = Command::new(bin)
        .args(["explain", "--templates", EXAMPLES, "C1CC"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// SMILES of an N on a 19-carbon circulant (every carbon bonded to the
/// next two), with a separate 10-carbon circulant: a chain of N and 20
/// carbons has atoms enough of each kind but cannot fit, and proving that
/// walks the circulant's simple paths, far past the matcher's step budget.
fn circulant_trap() -> String {
    let mut next_ring = 10;
    let mut circulant = |n: usize| {
        let mut closures = vec![Vec::new(); n];
        let pairs = (0..n - 2)
            .map(|i| (i, i + 2))
            .chain([(n - 2, 0), (n - 1, 1), (n - 1, 0)]);
        for (a, b) in pairs {
            closures[a].push(next_ring);
            closures[b].push(next_ring);
            next_ring += 1;
        }
        closures
            .iter()
            .map(|c| format!("C{}", c.iter().map(|r| format!("%{r}")).collect::<String>()))
            .collect::<String>()
    };
    let big = circulant(19);
    format!("N{big}.{}", circulant(10))
}

#[test]
fn a_search_past_its_budget_is_a_budget_exceeded_record() {
    let template = format!(
        "group hydrogen = [#1] exact\n\
         formula trap:I \"N-icosyl\"\n  claims 1\n  core N{}{{R}}\n  label R = hydrogen\n\
         formula trap:II \"amine\"\n  claims 1\n  core [NX3]{{R}}\n  label R = hydrogen\n",
        "C".repeat(20)
    );
    let classifier = Classifier::new(
        markush::markush::Library::from_sources(&[("trap.markush", &template)]).unwrap(),
    )
    .unwrap();
    let trap = circulant_trap();
    let mol = markush::smiles::parse(&trap).unwrap();
    for c in [classifier.classify(&mol), classifier.explain(&mol)] {
        assert_eq!(c.over_budget, ["trap:I"]);
        assert!(c.matches.iter().all(|m| m.formula != "trap:I"));
    }
    for explain in [false, true] {
        let v = record_json(&classifier, &format!("{trap} trap"), explain);
        assert_eq!(v["error"]["kind"], "budget exceeded", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("trap:I"), "{message}");
        assert!(!message.contains("trap:II"), "{message}");
    }
    // The same formula on a molecule it fits decides within budget.
    let chain = format!("N{} icosylamine", "C".repeat(20));
    let v = record_json(&classifier, &chain, false);
    assert!(v.get("error").is_none(), "{v}");
    assert_eq!(v["matches"][0]["formula"], "trap:I");
}
