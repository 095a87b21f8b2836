//! The reader never panics, hangs or overflows the stack, whatever it is fed.

use markush::smiles::{parse, SmilesError};
use proptest::prelude::*;

#[test]
fn hundred_thousand_nested_branches() {
    let depth = 100_000;
    let s = format!("C{}C{}", "(C".repeat(depth), ")".repeat(depth));
    let m = parse(&s).expect("deep nesting is valid SMILES");
    assert_eq!(m.atom_count(), depth + 2);
    // Unclosed at the same depth: an error at the innermost '('.
    let s = format!("C{}", "(C".repeat(depth));
    assert_eq!(
        parse(&s).unwrap_err(),
        SmilesError::UnclosedBranch {
            offset: 1 + 2 * (depth - 1)
        }
    );
}

#[test]
fn million_atom_chain() {
    let n = 1_000_000;
    let m = parse(&"C".repeat(n)).unwrap();
    assert_eq!(m.atom_count(), n);
    assert_eq!(m.hydrogen_count(), 2 * n + 2);
    // An aromatic chain of the same length kekulizes as alternating bonds
    // only when it is a ring; as a chain of even length it still pairs up.
    let ring = format!("c1{}c1", "c".repeat(99_998));
    let m = parse(&ring).unwrap();
    assert_eq!(m.formula(), "C100000H100000");
}

#[test]
fn every_byte_value_alone_and_in_context() {
    for b in 0u8..=255 {
        let bytes = [b];
        let lone = String::from_utf8_lossy(&bytes).into_owned();
        let _ = parse(&lone);
        for ctx in ["C{}C", "[{}]", "C1{}CC1", "[C{}]", "c1cc{}cc1", "C({})C"] {
            let _ = parse(&ctx.replace("{}", &lone));
        }
    }
}

#[test]
fn many_ring_bonds_open_at_once() {
    let mut s = String::from("C");
    for i in 10..100 {
        s.push_str(&format!("%{i}"));
    }
    s.push_str("CCC");
    for i in 10..100 {
        s.push_str(&format!("C%{i}"));
    }
    let m = parse(&s).unwrap();
    assert_eq!(m.atom_count(), 4 + 90);
    assert_eq!(m.degree(0), 91);
}

#[test]
fn large_kekulization_needing_repairs_stays_fast() {
    // A long polyacene: the greedy pass alone cannot settle all rings.
    let mut s = String::from("c1ccc2cc");
    for _ in 0..2_000 {
        s.push_str("c3cc");
    }
    let _ = parse(&s);
    let acene = "c1ccc2cc3cc4cc5ccccc5cc4cc3cc2c1";
    assert_eq!(parse(acene).unwrap().formula(), "C22H14");
}

/// Random strings over the SMILES alphabet hit far more code paths than
/// arbitrary bytes.
fn smiles_like() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "C", "c", "N", "n", "O", "o", "S", "s", "P", "Cl", "Br", "B", "*", "[nH]", "[NH4+]",
        "[C@@H]", "[13C]", "[Cu+2]", "[se]", "[O-]", "(", ")", "1", "2", "%10", "%(200)", "=", "#",
        "$", ":", "/", "\\", "-", ".", "->", "<-", "[", "]", "@", "+", "H", "%",
    ]);
    prop::collection::vec(tokens, 0..40).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,60}") {
        let _ = parse(&s);
    }

    #[test]
    fn smiles_like_text_never_panics(s in smiles_like()) {
        if let Err(e) = parse(&s) {
            // The offset always lies inside the input (or at its end).
            prop_assert!(e.offset() <= s.len(), "{e} for {s:?}");
            let _ = e.display_in(&s).to_string();
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = parse(&s);
    }
}
