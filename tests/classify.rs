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
