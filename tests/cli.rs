//! Runs the `markush` binary and checks what it prints.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;

use binary::{run, spawn};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/examples")
        .join(name)
}

/// A fresh directory for one test's files.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("markush-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a command that must succeed and returns its JSON records.
fn records(args: &[&str], stdin: &[u8]) -> Vec<Value> {
    let out = run(args, stdin);
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn by_id<'a>(records: &'a [Value], id: &str) -> &'a Value {
    records.iter().find(|r| r["id"] == id).unwrap()
}

const SMALL: &str = "# SMILES name\n\
    c1ccncc1 pyridine\n\
    \n\
    CC(=O)[O-]\tacetate ion \r\n\
    C1CC unclosed\n\
    CCO\n";

#[test]
fn reads_stdin_with_names_blank_and_comment_lines() {
    let got = records(&["parse", "-"], SMALL.as_bytes());
    let lines: Vec<_> = got.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 4, 5, 6]);
    let ids: Vec<_> = got.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            Some("pyridine"),
            Some("acetate ion"),
            Some("unclosed"),
            None
        ]
    );
    assert!(got[3]["id"].is_null());

    let pyridine = &got[0];
    assert_eq!(pyridine["formula"], "C5H5N");
    assert_eq!(pyridine["heavy_atoms"], 6);
    assert_eq!(pyridine["hydrogens"], 5);
    assert_eq!(pyridine["charge"], 0);
    assert_eq!(pyridine["aromatic_atoms"], 6);
    assert_eq!(pyridine["rings"], 1);
    assert!(pyridine.get("atom_hydrogens").is_none());

    let acetate = &got[1];
    assert_eq!(acetate["formula"], "C2H3O2-");
    assert_eq!(acetate["charge"], -1);
    assert_eq!(acetate["hydrogens"], 3);

    let bad = &got[2];
    assert_eq!(bad["error"]["offset"], 1);
    let message = bad["error"]["message"].as_str().unwrap();
    assert!(message.contains("ring bond 1"), "{message}");
    assert!(bad.get("formula").is_none());

    assert_eq!(got[3]["formula"], "C2H6O");
}

#[test]
fn atoms_flag_lists_hydrogens_per_atom() {
    let got = records(&["parse", "--atoms", "-"], SMALL.as_bytes());
    assert_eq!(
        got[0]["atom_hydrogens"],
        serde_json::json!([1, 1, 1, 0, 1, 1])
    );
    assert_eq!(got[1]["atom_hydrogens"], serde_json::json!([3, 0, 0, 0]));
    assert!(
        got[2].get("atom_hydrogens").is_none(),
        "error records have no atoms"
    );
    assert_eq!(got[3]["atom_hydrogens"], serde_json::json!([3, 2, 1]));
}

#[test]
fn example_file_gives_one_record_per_molecule_line() {
    let path = example("dyes.smi");
    let text = std::fs::read_to_string(&path).unwrap();
    let expected_lines: Vec<u64> = (1..)
        .zip(text.lines())
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, _)| n)
        .collect();
    let got = records(&["parse", path.to_str().unwrap()], b"");
    let lines: Vec<u64> = got.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, expected_lines);
    assert_eq!(got.len(), 22);

    // Formula, SSSR size and aromatic atoms as RDKit gives them.
    for (id, formula, rings, aromatic) in [
        ("PSW_135", "C12H10N2O", 2, 12),
        ("PSW_310", "C13H12N4O2", 2, 12),
        ("PSW_329", "C11H7N3S", 2, 11),
        ("PSW_401", "C16H11N5O", 4, 19),
        ("D4C_1363", "C22H17N5O5S", 4, 22),
        ("CDE_row4610", "C32H20N8", 9, 36),
        ("D4C_20", "C16H14F3NO2", 4, 10),
        ("D4C_383", "C19H19BF2N2", 4, 11),
        ("D4C_202", "C20H8I4O5", 5, 18),
    ] {
        let record = by_id(&got, id);
        assert_eq!(record["formula"], formula, "{id}");
        assert_eq!(record["rings"], rings, "{id}");
        assert_eq!(record["aromatic_atoms"], aromatic, "{id}");
    }
    // [B-] and [N+] in one molecule: charged atoms, neutral molecule.
    assert_eq!(by_id(&got, "D4C_383")["charge"], 0);

    let errors: Vec<_> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["id"], "broken: ring bond 1 never closed");
    assert_eq!(errors[0]["error"]["offset"], 6);
    assert_eq!(errors[1]["error"]["offset"], 12);
}

#[test]
fn gzip_file_and_gzip_on_stdin_are_decompressed() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(SMALL.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let dir = temp_dir("gzip");
    let path = dir.join("small.smi.gz");
    std::fs::write(&path, &bytes).unwrap();

    let plain = records(&["parse", "-"], SMALL.as_bytes());
    assert_eq!(plain.len(), 4);
    assert_eq!(records(&["parse", path.to_str().unwrap()], b""), plain);
    assert_eq!(records(&["parse", "-"], &bytes), plain);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_file_is_an_io_failure() {
    let out = run(&["parse", "/nonexistent/markush/input.smi"], b"");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/markush/input.smi"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(run(&["parse"], b"").status.code(), Some(2));
    assert_eq!(
        run(&["parse", "--no-such-flag", "-"], b"").status.code(),
        Some(2)
    );
    assert_eq!(run(&["no-such-command"], b"").status.code(), Some(2));
    assert_eq!(run(&["--help"], b"").status.code(), Some(0));
}

#[test]
fn closed_output_pipe_ends_quietly() {
    let mut child = spawn(&["parse", "-"]);
    let mut input = child.stdin.take().unwrap();
    // Far more output than any pipe buffer holds, so the writer must notice.
    let writer = std::thread::spawn(move || {
        let line = b"c1ccccc1 benzene\n";
        for _ in 0..200_000 {
            if input.write_all(line).is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"formula\":\"C6H6\""), "{first}");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn truncated_gzip_is_an_io_failure_after_the_complete_records() {
    let text: String = (0..5000)
        .map(|i| format!("C{} n{i}\n", "C".repeat(i % 7)))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let dir = temp_dir("truncated");
    let path = dir.join("cut.smi.gz");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();

    let out = run(&["parse", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.smi.gz"));
    // Whatever was printed are whole records of whole lines, in order.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().count() > 100, "{stdout}");
    for (i, line) in stdout.lines().enumerate() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["line"], i + 1);
        assert_eq!(record["id"], format!("n{i}"));
        assert_eq!(record["heavy_atoms"], i % 7 + 1);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn match_counts_unique_matches_per_record() {
    let input = b"OC(=O)CC(O)(CC(=O)O)C(=O)O citric acid\nc1ccc2ccccc2c1 naphthalene\nC1CC1( broken\n\nCCO ethanol\n";
    let recs = records(&["match", "C(=O)[OH]", "-"], input);
    assert_eq!(recs.len(), 4, "one record per non-blank line");
    assert_eq!(by_id(&recs, "citric acid")["matches"], 3);
    assert_eq!(by_id(&recs, "naphthalene")["matches"], 0);
    assert_eq!(by_id(&recs, "ethanol")["matches"], 0);
    let broken = by_id(&recs, "broken");
    assert_eq!(broken["line"], 3);
    assert!(broken["error"]["message"]
        .as_str()
        .unwrap()
        .contains("branch"));
    // Benzene rings of naphthalene, with their atoms.
    let recs = records(&["match", "--atoms", "c1ccccc1", "-"], b"c1ccc2ccccc2c1\n");
    assert_eq!(recs[0]["matches"], 2);
    let mut rings: Vec<Vec<u64>> = recs[0]["atoms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let mut a: Vec<u64> = m
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            a.sort();
            a
        })
        .collect();
    rings.sort();
    assert_eq!(rings, vec![vec![0, 1, 2, 3, 8, 9], vec![3, 4, 5, 6, 7, 8]]);
}

#[test]
fn match_reports_bad_smarts_and_exhausted_budgets() {
    let out = run(&["match", "c1cc[", "-"], b"c1ccccc1\n");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("offset 5") && err.contains('^'), "{err}");
    // A 12-carbon chain query in a big branched alkane with a tiny budget.
    let alkane = format!("C{}\n", "C(C)".repeat(40));
    let recs = records(
        &["match", "--budget", "50", "CCCCCCCCCCCC", "-"],
        alkane.as_bytes(),
    );
    assert_eq!(recs[0]["error"]["message"], "search budget exceeded");
}

#[test]
fn templates_check_lists_formulas_or_points_at_errors() {
    let grammars = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/examples");
    let out = run(&["templates", "check", grammars.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("example:M-I") && listing.contains("all valid"),
        "{listing}"
    );
    let dir = temp_dir("templates");
    std::fs::write(dir.join("bad.markush"), "group a \"a\" = [C\n").unwrap();
    let out = run(&["templates", "check", dir.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.markush:1:"), "{err}");
    assert!(err.contains('^'), "{err}");
}

#[test]
fn atom_hydrogens_count_hydrogen_atoms_on_their_neighbour() {
    let recs = records(
        &["parse", "--atoms", "-"],
        b"[H]C([H])([H])O methanol\nc1cc[nH]c1\n",
    );
    assert_eq!(recs[0]["atom_hydrogens"], serde_json::json!([3, 1]));
    assert_eq!(recs[0]["heavy_atoms"], 2);
    assert_eq!(
        recs[1]["atom_hydrogens"],
        serde_json::json!([1, 1, 1, 1, 1])
    );
}
