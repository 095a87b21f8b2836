//! The patent templates (grammars/dye-ink.markush, grammars/acid-complex.markush)
//! and the per-formula fixtures of fixtures/formulas/.

use markush::markush::check_dir;

const GRAMMARS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/grammars");

#[test]
fn templates_check_clean() {
    let report = check_dir(GRAMMARS);
    assert!(report.is_ok(), "{report}");
    println!("{report}");
}
