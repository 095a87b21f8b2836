//! Property tests: no input makes the SMARTS reader panic or hang, errors
//! point inside the input, and random (pattern, molecule) pairs match
//! within a small budget without panicking.

use markush::matcher::{MatchOptions, Target};
use markush::smarts::Smarts;
use proptest::prelude::*;

const MOLECULES: &[&str] = &[
    "CC(=O)Oc1ccccc1C(=O)O",
    "c1ccc2c(c1)[nH]c1ccccc12",
    "C[N+](C)(C)CC(=O)[O-]",
    "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O",
    "[H]C([H])([H])C#N",
    "C1CC2CCC1C2",
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
    "[Cu+2].[O-]S(=O)(=O)[O-]",
    "FC(F)(F)c1ccc(cc1)S(=O)(=O)N",
    "C=CC=CC=C",
];

/// Pieces of SMARTS, glued at random: mostly valid, often not.
const ATOMS: &[&str] = &[
    "C",
    "c",
    "N",
    "n",
    "O",
    "o",
    "S",
    "*",
    "a",
    "A",
    "Cl",
    "[#6]",
    "[CH3]",
    "[nH]",
    "[O-]",
    "[N+]",
    "[R]",
    "[r6]",
    "[x2]",
    "[D3]",
    "[X4]",
    "[v3]",
    "[h]",
    "[!C;R]",
    "[c,n;H1]",
    "[$(C=O)]",
    "[$(*~[#7])]",
    "[C@H]",
    "[2H]",
    "[H]",
    "[D{2-3}]",
    "[z]",
    "[13C]",
    "[#1]",
];
const BONDS: &[&str] = &[
    "", "", "-", "=", "#", ":", "~", "@", "!@", "-,=", "!-", "/", "\\",
];

fn structured() -> impl Strategy<Value = String> {
    prop::collection::vec((0..ATOMS.len(), 0..BONDS.len(), 0u8..8), 1..12).prop_map(|parts| {
        let mut s = String::new();
        let mut open = 0;
        for (i, (atom, bond, shape)) in parts.into_iter().enumerate() {
            if i > 0 {
                s.push_str(BONDS[bond]);
            }
            s.push_str(ATOMS[atom]);
            match shape {
                0 => {
                    s.push('(');
                    open += 1;
                }
                1 if open > 0 => {
                    s.push(')');
                    open -= 1;
                }
                2 => s.push('1'),
                3 => s.push('.'),
                _ => {}
            }
        }
        s
    })
}

fn check_parse(text: &str) {
    if let Err(e) = Smarts::parse(text) {
        assert!(e.offset() <= text.len(), "{text:?}: {e}");
        let _ = e.display_in(text).to_string();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,40}") {
        check_parse(&text);
    }

    #[test]
    fn smarts_alphabet_never_panics(text in "[\\[\\]()$!&,;@=#:~/\\\\+\\-*%{}0-9CcNnOoSsHhDdRrXxVvZzAaBbl.<>^?]{0,60}") {
        check_parse(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_parse(text);
        }
    }

    #[test]
    fn random_patterns_match_within_budget(pattern in structured(), m in 0..MOLECULES.len()) {
        check_parse(&pattern);
        if let Ok(p) = Smarts::parse(&pattern) {
            let mol = markush::smiles::parse(MOLECULES[m]).unwrap();
            let target = Target::new(&mol);
            let options = MatchOptions { budget: 20_000, ..MatchOptions::default() };
            if let Ok(found) = p.matches(&target, options) {
                for mapping in &found {
                    prop_assert_eq!(mapping.len(), p.atom_count());
                    let mut atoms = mapping.clone();
                    atoms.sort_unstable();
                    atoms.dedup();
                    prop_assert_eq!(atoms.len(), p.atom_count());
                }
                let unique = p.count_unique_in(&target, 20_000);
                prop_assert!(unique.is_err() || unique == Ok(found.len()));
            }
            let merged = p.merge_query_hs();
            let _ = merged.has_match_in(&target, 20_000);
        }
    }
}
