use markush::markush::engine::{Classification, Classifier};

fn examples() -> Classifier {
    Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples")).unwrap()
}

fn explain(c: &Classifier, smiles: &str) -> Classification {
    c.explain(&markush::smiles::parse(smiles).unwrap())
}

#[test]
fn scratch() {
    let c = examples();
    for s in std::env::var("SMI").unwrap_or_default().split_whitespace() {
        println!(
            "{s}\n{}",
            serde_json::to_string_pretty(&explain(&c, s)).unwrap()
        );
    }
}
