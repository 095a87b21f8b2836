//! SDF/Molfile and CSV input: the same molecules read from SMILES and from
//! RDKit-written SD files (fixtures/sdf, made by scripts/make_sdf_fixtures.py)
//! are the same graph and classify the same; readers never panic.

use std::io::{BufRead, Cursor};
use std::path::Path;

use markush::classify::ClassifyRecord;
use markush::io::{
    open_input, read_records, Body, InputFormat, InputOptions, LineTooLong, ReadError, Record,
    RecordError, MAX_LINE,
};
use markush::markush::engine::Classifier;
use markush::smiles::to_smiles;
use proptest::prelude::*;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sdf")
        .join(name)
}

fn read(input: Box<dyn BufRead>, format: InputFormat, id: Option<&str>) -> Vec<Record> {
    let options = InputOptions {
        format: Some(format),
        id_column: id.map(str::to_owned),
        ..InputOptions::default()
    };
    read_records(input, &options)
        .unwrap()
        .collect::<std::io::Result<_>>()
        .unwrap()
}

fn read_file(name: &str, format: InputFormat, id: Option<&str>) -> Vec<Record> {
    read(open_input(&fixture(name)).unwrap(), format, id)
}

fn read_text(text: &str, format: InputFormat) -> Vec<Record> {
    read(Box::new(Cursor::new(text.to_owned())), format, None)
}

#[test]
fn sdf_records_are_the_graphs_of_their_smiles() {
    let smiles = read_file("molecules.smi", InputFormat::Smi, None);
    assert!(smiles.len() >= 70);
    for file in ["molecules.sdf", "molecules_v3000.sdf"] {
        let sdf = read_file(file, InputFormat::Sdf, None);
        assert_eq!(sdf.len(), smiles.len(), "{file}");
        for (s, m) in smiles.iter().zip(&sdf) {
            assert_eq!(s.id, m.id, "{file}: titles are the ids");
            let from_smiles = to_smiles(&s.mol().unwrap());
            let from_sdf = to_smiles(&m.mol().unwrap_or_else(|e| panic!("{file} {:?}: {e}", m.id)));
            assert_eq!(from_sdf, from_smiles, "{file} {:?}", m.id);
        }
    }
}

#[test]
fn a_data_item_can_be_the_id() {
    let sdf = read_file("molecules.sdf", InputFormat::Sdf, Some("CODE"));
    assert_eq!(sdf[0].id.as_deref(), Some("ammonium"));
    let missing = read_file("molecules.sdf", InputFormat::Sdf, Some("NOPE"));
    assert_eq!(missing[0].id, None);
}

#[test]
fn sdf_and_smiles_classify_identically() {
    let grammars = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
    let classifier = Classifier::from_dir(grammars).unwrap();
    let smiles = read_file("molecules.smi", InputFormat::Smi, None);
    let sdf = read_file("molecules_v3000.sdf", InputFormat::Sdf, None);
    let mut matched = 0;
    for (s, m) in smiles.iter().zip(&sdf) {
        let a = ClassifyRecord::new(&classifier, s, false);
        let b = ClassifyRecord::new(&classifier, m, false);
        assert!(a.error.is_none() && b.error.is_none(), "{:?}", s.id);
        assert_eq!(a.matches, b.matches, "{:?}", s.id);
        matched += usize::from(!a.matches.is_empty());
    }
    // The example dyes include molecules of both patents.
    assert!(matched >= 3, "{matched}");
}

const ETHANOL: &str = "ethanol\n  test\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n\
    \x20   0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n\
    \x20   0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n\
    \x20   0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n\
    \x20 1  2  1  0\n  2  3  1  0\nM  END\n";

#[test]
fn bad_records_are_records_with_their_line_and_reading_goes_on() {
    let bad_bond = ETHANOL.replace("  2  3  1  0", "  2  9  1  0");
    let text = format!(
        "{ETHANOL}$$$$\n{bad_bond}$$$$\n$$$$\n{}",
        ETHANOL.replace("ethanol", "last")
    );
    let got = read_text(&text, InputFormat::Sdf);
    assert_eq!(got.len(), 4);
    assert_eq!(got[0].mol().unwrap().formula(), "C2H6O");
    assert_eq!(got[1].line, 12);
    match got[1].mol() {
        Err(ReadError::Molfile(e)) => {
            assert_eq!(e.line(), 20, "{e}");
            assert!(e.to_string().contains("atom 9"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        got[2].body,
        Body::Unreadable(RecordError::EmptyRecord { line: 23 })
    );
    // The last record has no `$$$$`, as a Molfile.
    assert_eq!(got[3].id.as_deref(), Some("last"));
    assert_eq!(got[3].line, 24);
    assert!(got[3].mol().is_ok());
    // A cut-off table.
    let cut: String = ETHANOL.lines().take(5).map(|l| format!("{l}\n")).collect();
    assert!(matches!(
        read_text(&cut, InputFormat::Sdf)[0].mol(),
        Err(ReadError::Molfile(_))
    ));
}

#[test]
fn molfile_charges_isotopes_radicals_and_aromatic_bonds() {
    // Pyridinium with aromatic bonds (type 4), M CHG, M ISO, and a methyl
    // radical via M RAD.
    let text = "x\n\n\n  8  7  0  0  0  0  0  0  0  0999 V2000\n".to_owned()
        + &["N", "C", "C", "C", "C", "C", "C", "C"]
            .iter()
            .map(|s| format!("    0.0000    0.0000    0.0000 {s:<3} 0  0  0  0  0  0  0  0  0  0  0  0\n"))
            .collect::<String>()
        + "  1  2  4  0\n  2  3  4  0\n  3  4  4  0\n  4  5  4  0\n  5  6  4  0\n  6  1  4  0\n  7  8  1  0\n\
           M  CHG  1   1   1\nM  ISO  1   2  13\nM  RAD  1   8   2\nM  END\n";
    let mol = read_text(&text, InputFormat::Sdf)[0].mol().unwrap();
    assert_eq!(
        to_smiles(&mol),
        to_smiles(&markush::smiles::parse("[13cH]1cccc[nH+]1.[CH2]C").unwrap())
    );
}

#[test]
fn csv_and_tsv_take_named_columns_and_quoted_fields() {
    let csv =
        "Name,Structure,Note\n\"a, b\",CCO,x\nshort\n\n\"c\",\"C1CC\",\"multi\nline\"\nd,c1ccccc1,\n";
    let options = InputOptions {
        format: Some(InputFormat::Csv),
        smiles_column: Some("structure".into()),
        id_column: None,
    };
    let got: Vec<Record> = read_records(Box::new(Cursor::new(csv)), &options)
        .unwrap()
        .collect::<std::io::Result<_>>()
        .unwrap();
    let lines: Vec<usize> = got.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5, 7]);
    assert_eq!(got[0].id.as_deref(), Some("a, b"));
    assert_eq!(got[0].smiles(), Some("CCO"));
    assert_eq!(
        got[1].body,
        Body::Unreadable(RecordError::MissingColumn { line: 3, column: 2 })
    );
    assert!(matches!(got[2].mol(), Err(ReadError::Smiles(_))));
    assert_eq!(got[3].mol().unwrap().formula(), "C6H6");
    let missing = InputOptions {
        smiles_column: Some("SMILES".into()),
        ..options
    };
    let err = read_records(Box::new(Cursor::new(csv)), &missing)
        .err()
        .unwrap();
    assert!(err.to_string().contains("no column \"SMILES\""), "{err}");
    // A row past MAX_LINE, here an unclosed quote spanning many lines, is
    // a bad record of its own and is not kept in memory.
    let long = format!("id,smiles\na,\"{}\nb,CC\n", "C\n".repeat(MAX_LINE));
    let got = read_text(&long, InputFormat::Csv);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].body,
        Body::Unreadable(RecordError::LineTooLong(LineTooLong { line: 2 }))
    );
    let closed = format!("id,smiles\na,\"{}\"\nb,CC\n", "C\n".repeat(MAX_LINE));
    let got = read_text(&closed, InputFormat::Csv);
    assert_eq!(got.len(), 2);
    assert_eq!((got[1].line, got[1].smiles()), (MAX_LINE + 3, Some("CC")));
    let tsv = read_text("id\tsmiles\nm1\tCC\n", InputFormat::Tsv);
    assert_eq!(
        (tsv[0].id.as_deref(), tsv[0].smiles()),
        (Some("m1"), Some("CC"))
    );
}

#[test]
fn input_kind_comes_from_the_extension() {
    let kind = |p: &str| InputFormat::from_path(Path::new(p));
    assert_eq!(kind("a.smi.gz"), Some(InputFormat::Smi));
    assert_eq!(kind("A.CSV"), Some(InputFormat::Csv));
    assert_eq!(kind("x.tsv"), Some(InputFormat::Tsv));
    assert_eq!(kind("x.sdf.gz"), Some(InputFormat::Sdf));
    assert_eq!(kind("x.mol"), Some(InputFormat::Sdf));
    assert_eq!(kind("-"), None);
}

/// Every record the reader yields turned into a molecule or an error,
/// with lines increasing; nothing panics.
fn read_everything(bytes: Vec<u8>, format: InputFormat) {
    let options = InputOptions {
        format: Some(format),
        ..InputOptions::default()
    };
    let Ok(records) = read_records(Box::new(Cursor::new(bytes)), &options) else {
        return;
    };
    let mut last = 0;
    for record in records {
        let Ok(record) = record else { return };
        assert!(record.line > last || format != InputFormat::Sdf);
        last = record.line;
        let _ = record.mol();
    }
}

/// Bytes that look like an SDF record often enough to reach the table code.
fn sdf_like() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "x\n",
        "\n",
        "  3  2  0  0  0  0  0  0  0  0999 V2000\n",
        " 99 99  0 V3000\n",
        "    0.0000    0.0000    0.0000 C   0  5  0  0  0  0  0  0  0 15\n",
        "    0.0000    0.0000    0.0000 Xx  0  0\n",
        "  1  2  4  0\n",
        "  1  1  1\n",
        "  2  3  9\n",
        "M  CHG  2   1  -1   9   1\n",
        "M  RAD  1   1   2\n",
        "M  ISO  9\n",
        "M  END\n",
        "$$$$\n",
        "M  V30 BEGIN CTAB\n",
        "M  V30 BEGIN ATOM\n",
        "M  V30 1 C 0 0 0 0 CHG=-1 VAL=-1\n",
        "M  V30 2 N 0 0 0 0 RAD=2 MASS=15 -\n",
        "M  V30 END ATOM\n",
        "M  V30 BEGIN BOND\n",
        "M  V30 1 4 1 2\n",
        "M  V30 2 1 1 7\n",
        "M  V30 END BOND\n",
        "M  V30 END CTAB\n",
        "> <id>\n",
        "\u{e9}\u{ff}",
        "M  V30 COUNTS 2 1 0 0 0\n",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn sdf_reader_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        read_everything(bytes, InputFormat::Sdf);
    }

    #[test]
    fn sdf_reader_survives_broken_tables(bytes in sdf_like()) {
        read_everything(bytes, InputFormat::Sdf);
    }

    #[test]
    fn csv_reader_survives_arbitrary_bytes(bytes in prop::collection::vec(
        prop::sample::select(b"C1(=O)\",\t\n\r;x\xff ".to_vec()), 0..2000)
    ) {
        read_everything(bytes.clone(), InputFormat::Csv);
        read_everything(bytes, InputFormat::Tsv);
    }
}
