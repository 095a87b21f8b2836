use markush::markush::check_dir;
#[test]
fn examples_check_clean() {
    let r = check_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples"));
    print!("{r}");
    assert!(r.is_ok());
}
