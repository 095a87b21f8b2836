//! `markush classify` on big inputs of every kind: one output record per
//! input record, in order, bad records included; gzip, stdin, threads,
//! CSV output, summary and exit codes. A tiny template keeps 100,000
//! records fast.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;

use binary::run;
const N: usize = 100_000;

const TEMPLATE: &str = "group hydrogen = [#1] exact\n\
    group halogen \"halogen atom\" = [F,Cl,Br,I] exact\n\
    formula demo:I \"halobenzene\"\n  claims 1\n  core c1ccccc1{X}\n  label X = halogen\n";

/// A fresh directory with the demo template in `templates/`.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("markush-bulk-{}-{test}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/demo.markush"), TEMPLATE).unwrap();
    dir
}

fn classify(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let templates = dir.join("templates");
    let mut all = vec!["classify", "--templates", templates.to_str().unwrap()];
    all.extend_from_slice(args);
    run(&all, stdin)
}

fn json_lines(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What molecule `i` is: every tenth (i % 10 == 3) is corrupted.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Broken,
    Bromobenzene,
    Ethanol,
    Chlorobenzene,
}

fn kind(i: usize) -> Kind {
    if i % 10 == 3 {
        return Kind::Broken;
    }
    [Kind::Bromobenzene, Kind::Ethanol, Kind::Chlorobenzene][i % 3]
}

fn smiles(k: Kind) -> &'static str {
    match k {
        Kind::Broken => "C1CC",
        Kind::Bromobenzene => "Brc1ccccc1",
        Kind::Ethanol => "CCO",
        Kind::Chlorobenzene => "Clc1ccccc1",
    }
}

/// A V2000 record in Kekulé form; the broken one bonds to a missing atom.
fn molblock(k: Kind, id: &str) -> String {
    let (atoms, bonds): (&[&str], &[(usize, usize, u8)]) = match k {
        Kind::Ethanol => (&["C", "C", "O"], &[(1, 2, 1), (2, 3, 1)]),
        // Halogen first, then the ring, in Kekulé form.
        Kind::Bromobenzene | Kind::Broken | Kind::Chlorobenzene => (
            if k == Kind::Chlorobenzene {
                &["Cl", "C", "C", "C", "C", "C", "C"]
            } else {
                &["Br", "C", "C", "C", "C", "C", "C"]
            },
            &[
                (1, 2, 1),
                (2, 3, 2),
                (3, 4, 1),
                (4, 5, 2),
                (5, 6, 1),
                (6, 7, 2),
                (7, 2, 1),
            ],
        ),
    };
    let mut text = format!(
        "{id}\n  test\n\n{:3}{:3}  0  0  0  0  0  0  0  0999 V2000\n",
        atoms.len(),
        bonds.len()
    );
    for a in atoms {
        text +=
            &format!("    0.0000    0.0000    0.0000 {a:<3} 0  0  0  0  0  0  0  0  0  0  0  0\n");
    }
    for (n, &(a, b, o)) in bonds.iter().enumerate() {
        let b = if k == Kind::Broken && n == 3 { 42 } else { b };
        text += &format!("{a:3}{b:3}{o:3}  0\n");
    }
    text + "M  END\n> <CODE>\n" + id + "\n\n$$$$\n"
}

/// Checks the records of the generated input: one per molecule, in order,
/// at the right lines, with the right error or matches.
fn check(records: &[Value], lines: &[usize], error_kind: &str) {
    assert_eq!(records.len(), N);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["line"], lines[i], "record {i}");
        assert_eq!(r["id"], format!("m{i}"), "record {i}");
        let k = kind(i);
        if k == Kind::Broken {
            assert_eq!(r["error"]["kind"], error_kind, "{r}");
            assert!(r["error"]["message"].is_string(), "{r}");
            assert_eq!(r["matches"], serde_json::json!([]));
        } else {
            assert!(r.get("error").is_none(), "{r}");
            let matched = r["matches"].as_array().unwrap().len();
            assert_eq!(matched, usize::from(k != Kind::Ethanol), "{r}");
        }
    }
}

#[test]
fn a_hundred_thousand_smiles_lines_with_a_tenth_broken() {
    let dir = temp_dir("smi");
    let mut text = String::from("SMILES id\n");
    for i in 0..N {
        text += &format!("{} m{i}\n", smiles(kind(i)));
    }
    let path = dir.join("in.smi");
    std::fs::write(&path, &text).unwrap();
    let lines: Vec<usize> = (0..N).map(|i| i + 2).collect();
    let plain = classify(&dir, &[path.to_str().unwrap(), "--summary"], b"");
    let records = json_lines(&plain);
    check(&records, &lines, "smiles");
    assert_eq!(records[3]["error"]["offset"], 1);
    let summary = String::from_utf8_lossy(&plain.stderr);
    let matched = (0..N)
        .filter(|&i| !matches!(kind(i), Kind::Broken | Kind::Ethanol))
        .count();
    assert!(
        summary.contains(&format!(
            "records: {N}, matched: {matched}, no match: {}, errors: {}",
            N - matched,
            N / 10
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("formula demo:I: {matched}")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("error smiles: {}", N / 10)),
        "{summary}"
    );

    // Gzip on standard input, and one thread: the same bytes out.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let piped = classify(&dir, &["-", "--threads", "1"], &gz);
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "no summary, no progress bar off a terminal"
    );
    assert!(piped.stdout == plain.stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_hundred_thousand_csv_rows_with_a_tenth_broken() {
    let dir = temp_dir("csv");
    let mut text = String::from("name,note,smiles\n");
    for i in 0..N {
        text += &format!("m{i},\"row, {i}\",{}\n", smiles(kind(i)));
    }
    let path = dir.join("in.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let lines: Vec<usize> = (0..N).map(|i| i + 2).collect();
    let records = json_lines(&classify(
        &dir,
        &[path.to_str().unwrap(), "--id-column", "NAME"],
        b"",
    ));
    check(&records, &lines, "smiles");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_hundred_thousand_sdf_records_with_a_tenth_broken() {
    let dir = temp_dir("sdf");
    let mut text = String::new();
    let mut lines = Vec::with_capacity(N);
    let mut line = 1;
    for i in 0..N {
        lines.push(line);
        let block = molblock(kind(i), &format!("m{i}"));
        line += block.lines().count();
        text += &block;
    }
    let path = dir.join("in.sdf");
    std::fs::write(&path, &text).unwrap();
    let records = json_lines(&classify(&dir, &[path.to_str().unwrap()], b""));
    check(&records, &lines, "molfile");
    // The error points at the bond line, 4 header lines and 7 atoms in.
    assert_eq!(records[3]["error"]["at_line"], lines[3] + 4 + 7 + 3);
    assert_eq!(records[0]["smiles"], "Brc1ccccc1");
    // The same from standard input, told the kind, with the data item as id.
    let piped = json_lines(&classify(
        &dir,
        &["-", "--input-format", "sdf", "--id-column", "CODE"],
        text.as_bytes(),
    ));
    assert_eq!(piped, records);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn csv_output_only_matches_and_exit_codes() {
    let dir = temp_dir("out");
    let input = b"Brc1ccccc1 bromo\nCCO ethanol\nC1CC broken\nIc1ccccc1 two\n";
    let out = classify(&dir, &["-", "--format", "csv"], input);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "line,id,smiles,status,formula,patent,claims,assignments,error_kind,error_message"
    );
    assert_eq!(rows[1], "1,bromo,Brc1ccccc1,match,demo:I,demo,1,X=[*]Br,,");
    assert_eq!(rows[2], "2,ethanol,CCO,no match,,,,,,");
    assert_eq!(
        rows[3],
        "3,broken,C1CC,error,,,,,smiles,unclosed ring bond 1 at offset 1"
    );
    assert!(
        rows[4].starts_with("4,two,Ic1ccccc1,match,demo:I"),
        "{}",
        rows[4]
    );
    assert_eq!(rows.len(), 5);

    let out = classify(&dir, &["-", "--only-matches", "--format", "tsv"], input);
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert_eq!(ids, ["bromo", "two"]);

    // --output: records to the file, the summary to standard output.
    let file = dir.join("out.jsonl");
    let out = classify(
        &dir,
        &["-", "--summary", "-o", file.to_str().unwrap()],
        input,
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 4);
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("records: 4, matched: 2, no match: 2, errors: 1\n"));

    let code = |args: &[&str]| classify(&dir, args, b"id,smiles\n").status.code();
    assert_eq!(
        code(&["-", "--input-format", "csv", "--smiles-column", "nope"]),
        Some(2)
    );
    assert_eq!(code(&["/no/such/file.smi"]), Some(1));
    std::fs::write(dir.join("templates/bad.markush"), "formula oops\n").unwrap();
    assert_eq!(code(&["-"]), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_shows_an_example_for_each_input_kind() {
    let out = run(&["classify", "--help"], b"");
    let help = String::from_utf8(out.stdout).unwrap();
    for example in [
        ".smi",
        ".csv",
        ".tsv",
        ".sdf",
        ".mol",
        "classify -",
        "Exit codes",
    ] {
        assert!(help.contains(example), "{example}: {help}");
    }
}
