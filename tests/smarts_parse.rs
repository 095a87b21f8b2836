//! The SMARTS reader: what patterns mean, which are rejected and where,
//! and agreement with RDKit on which patterns are valid.

use markush::mol::Chirality;
use markush::smarts::{
    AtomPrimitive as P, BondPrimitive as B, Expr, Literal, Range, Smarts, SmartsError,
};
use markush::smiles::Found;

fn lit<T>(negated: bool, primitive: T) -> Literal<T> {
    Literal { negated, primitive }
}

fn atom_expr(smarts: &str) -> Expr<P> {
    let s = Smarts::parse(smarts).unwrap_or_else(|e| panic!("{}", e.display_in(smarts)));
    assert_eq!(s.atom_count(), 1, "{smarts}");
    s.atom(0).expr.clone()
}

fn single(smarts: &str) -> P {
    atom_expr(smarts)
        .as_single()
        .unwrap_or_else(|| panic!("{smarts} is not one primitive"))
        .clone()
}

const fn r(min: u32, max: u32) -> Range {
    Range { min, max }
}

#[test]
fn primitive_defaults_follow_rdkit() {
    let any = u32::MAX;
    for (smarts, want) in [
        ("[D]", P::Degree(r(1, 1))),
        ("[D3]", P::Degree(r(3, 3))),
        ("[H2]", P::TotalH(r(2, 2))),
        ("[H1]", P::TotalH(r(1, 1))),
        ("[h]", P::ImplicitH(r(1, any))),
        ("[h0]", P::ImplicitH(r(0, 0))),
        ("[R]", P::RingCount(r(1, any))),
        ("[R0]", P::RingCount(r(0, 0))),
        ("[r]", P::RingSize(r(1, any))),
        ("[r5]", P::RingSize(r(5, 5))),
        ("[v]", P::Valence(r(1, 1))),
        ("[X]", P::Connectivity(r(1, 1))),
        ("[x]", P::RingBonds(r(1, any))),
        ("[z]", P::HeteroNeighbors(r(1, any))),
        ("[Z2]", P::AliphaticHeteroNeighbors(r(2, 2))),
        ("[D{2-3}]", P::Degree(r(2, 3))),
        ("[D{2-}]", P::Degree(r(2, any))),
        ("[X{-2}]", P::Connectivity(r(0, 2))),
        ("[v{3-4}]", P::Valence(r(3, 4))),
        ("[H{1-2}]", P::TotalH(r(1, 2))),
        ("[+]", P::Charge(1)),
        ("[++]", P::Charge(2)),
        ("[+2]", P::Charge(2)),
        ("[-]", P::Charge(-1)),
        ("[--]", P::Charge(-2)),
        ("[-3]", P::Charge(-3)),
        ("[+0]", P::Charge(0)),
        ("[#6]", P::AtomicNumber(6)),
        ("[#0]", P::AtomicNumber(0)),
        ("[*]", P::Any),
        ("*", P::Any),
        ("a", P::Aromatic),
        ("[A]", P::Aliphatic),
        ("[12]", P::Isotope(12)),
    ] {
        assert_eq!(single(smarts), want, "{smarts}");
    }
}

#[test]
fn element_symbols_follow_rdkit() {
    let el = |number, aromatic| P::Element { number, aromatic };
    for (smarts, want) in [
        ("C", el(6, false)),
        ("[C]", el(6, false)),
        ("c", el(6, true)),
        ("Cl", el(17, false)),
        ("[Cl]", el(17, false)),
        ("Br", el(35, false)),
        ("[se]", el(34, true)),
        ("[as]", el(33, true)),
        ("[si]", el(14, true)),
        ("[te]", el(52, true)),
        // Outside the organic set an element is its atomic number alone.
        ("[Si]", P::AtomicNumber(14)),
        ("[Se]", P::AtomicNumber(34)),
        ("[Na]", P::AtomicNumber(11)),
        ("[Co]", P::AtomicNumber(27)),
        ("[Hg]", P::AtomicNumber(80)),
        ("[Rh]", P::AtomicNumber(45)),
        ("[Xe]", P::AtomicNumber(54)),
        // Hydrogen atoms.
        ("[H]", P::AtomicNumber(1)),
        ("[#1]", P::AtomicNumber(1)),
    ] {
        assert_eq!(single(smarts), want, "{smarts}");
    }
    // Two lowercase aromatic symbols are two primitives, as in RDKit.
    assert_eq!(
        atom_expr("[cs]").low,
        vec![vec![vec![
            lit(false, el(6, true)),
            lit(false, el(16, true))
        ]]]
    );
    // RDKit does not read Nh as an element inside SMARTS: N and h.
    assert_eq!(
        atom_expr("[Nh]").low,
        vec![vec![vec![
            lit(false, el(7, false)),
            lit(false, P::ImplicitH(Range::AT_LEAST_ONE))
        ]]]
    );
}

#[test]
fn hydrogen_atoms_and_counts_as_rdkit() {
    let h = |extra: Vec<P>| {
        let mut v = vec![lit(false, P::AtomicNumber(1))];
        v.extend(extra.into_iter().map(|p| lit(false, p)));
        v
    };
    assert_eq!(atom_expr("[H+]").low, vec![vec![h(vec![P::Charge(1)])]]);
    let two = atom_expr("[2H]");
    assert_eq!(
        two.low,
        vec![vec![vec![
            lit(false, P::Isotope(2)),
            lit(false, P::AtomicNumber(1))
        ]]]
    );
    let mapped = Smarts::parse("[H:3]").unwrap();
    assert_eq!(mapped.atom(0).map, 3);
    assert_eq!(mapped.atom(0).expr.as_single(), Some(&P::AtomicNumber(1)));
    // Counts, not atoms.
    assert_eq!(
        atom_expr("[CH]").low,
        vec![vec![vec![
            lit(
                false,
                P::Element {
                    number: 6,
                    aromatic: false
                }
            ),
            lit(false, P::TotalH(r(1, 1)))
        ]]]
    );
    assert_eq!(
        atom_expr("[H,C]").low[0][0],
        vec![lit(false, P::TotalH(r(1, 1)))]
    );
    assert_eq!(
        atom_expr("[!H]").low,
        vec![vec![vec![lit(true, P::TotalH(r(1, 1)))]]]
    );
}

#[test]
fn operator_precedence() {
    // `;` lowest, then `,`, then `&` and juxtaposition, `!` binds tightest.
    let e = atom_expr("[c,n&H1;!R2X3]");
    let c = lit(
        false,
        P::Element {
            number: 6,
            aromatic: true,
        },
    );
    let n = lit(
        false,
        P::Element {
            number: 7,
            aromatic: true,
        },
    );
    assert_eq!(
        e.low,
        vec![
            vec![vec![c], vec![n, lit(false, P::TotalH(r(1, 1)))]],
            vec![vec![
                lit(true, P::RingCount(r(2, 2))),
                lit(false, P::Connectivity(r(3, 3)))
            ]],
        ]
    );
    // `!!` cancels.
    assert_eq!(
        single("[!!C]"),
        P::Element {
            number: 6,
            aromatic: false
        }
    );
}

#[test]
fn bonds_and_graph() {
    let s = Smarts::parse("C1CC=1-,:[N;R](~*)!@O.C#N").unwrap();
    assert_eq!(s.atom_count(), 8);
    assert_eq!(s.bond_count(), 7);
    let bond = |a: u32, b: u32| {
        (0..s.bond_count())
            .map(|e| s.bond(e))
            .find(|q| q.atoms == [a, b] || q.atoms == [b, a])
            .unwrap_or_else(|| panic!("no bond {a}-{b}"))
            .expr
            .clone()
    };
    assert_eq!(bond(0, 1), Expr::single(B::SingleOrAromatic));
    // The ring bond opened without a symbol takes the closing one.
    assert_eq!(bond(2, 0), Expr::single(B::Double));
    assert_eq!(
        bond(2, 3).low,
        vec![vec![
            vec![lit(false, B::Single)],
            vec![lit(false, B::Aromatic)]
        ]]
    );
    assert_eq!(bond(3, 4), Expr::single(B::Any));
    assert_eq!(bond(3, 5).low, vec![vec![vec![lit(true, B::Ring)]]]);
    assert_eq!(bond(6, 7), Expr::single(B::Triple));
    assert_eq!(s.neighbors(3).len(), 3);
    // No bond across the dot.
    assert!(s.neighbors(6).iter().all(|&(n, _)| n == 7));
    // Juxtaposed bond primitives are joined by `&`.
    let q = Smarts::parse("C$=C").unwrap();
    assert_eq!(
        q.bond(0).expr.low,
        vec![vec![vec![lit(false, B::Quadruple), lit(false, B::Double)]]]
    );
    let d = Smarts::parse("[N]->[Cu]").unwrap();
    assert_eq!(d.bond(0).expr, Expr::single(B::Dative));
}

#[test]
fn maps_chirality_and_recursion() {
    let s = Smarts::parse("[C@@H:7][$(O[CH3]),$(N)]").unwrap();
    assert_eq!(s.atom(0).map, 7);
    assert_eq!(s.atom(0).chirality, Chirality::Tetrahedral(2));
    assert_eq!(
        s.atom(1).expr.low,
        vec![vec![
            vec![lit(false, P::Recursive(0))],
            vec![lit(false, P::Recursive(1))]
        ]]
    );
    assert_eq!(s.recursive(0).atom_count(), 2);
    assert_eq!(s.recursive(1).atom_count(), 1);
    let nested = Smarts::parse("[$([$([$(C)])])]").unwrap();
    assert_eq!(
        nested.recursive(0).recursive(0).recursive(0).atom_count(),
        1
    );
}

#[test]
fn merge_query_hs_as_rdkit() {
    // RDKit: C(-[#1])(-[#1])=O  ->  [C&!H0&!H1]=O
    let s = Smarts::parse("C(-[#1])(-[#1])=O").unwrap().merge_query_hs();
    assert_eq!(s.atom_count(), 2);
    assert_eq!(s.bond_count(), 1);
    let c = &s.atom(0).expr;
    assert_eq!(c.low.len(), 3);
    assert_eq!(c.low[1], vec![vec![lit(true, P::TotalH(r(0, 0)))]]);
    assert_eq!(c.low[2], vec![vec![lit(true, P::TotalH(r(1, 1)))]]);
    assert_eq!(s.bond(0).expr, Expr::single(B::Double));
    // H2 itself stays.
    assert_eq!(
        Smarts::parse("[#1][#1]")
            .unwrap()
            .merge_query_hs()
            .atom_count(),
        2
    );
}

#[test]
fn errors_carry_offsets() {
    let cases: &[(&str, SmartsError)] = &[
        ("C(C", SmartsError::UnclosedBranch { offset: 1 }),
        ("C)", SmartsError::UnopenedBranch { offset: 1 }),
        ("C()C", SmartsError::EmptyBranch { offset: 2 }),
        ("C1CC", SmartsError::UnclosedRing { offset: 1, ring: 1 }),
        ("C-", SmartsError::DanglingBond { offset: 1 }),
        ("CC=.C", SmartsError::DanglingBond { offset: 2 }),
        ("C11", SmartsError::RingBondDuplicate { offset: 2, ring: 1 }),
        (
            "C.",
            SmartsError::Unexpected {
                offset: 2,
                found: Found::End,
                expected: "an atom after '.'",
            },
        ),
        (
            "[C@TH3]",
            SmartsError::Unexpected {
                offset: 5,
                found: Found::Char('3'),
                expected: "a chirality number",
            },
        ),
        ("[#999]", SmartsError::NumberTooLarge { offset: 2 }),
        ("[D99999999999]", SmartsError::NumberTooLarge { offset: 2 }),
        ("[33333333333H]", SmartsError::NumberTooLarge { offset: 1 }),
        (
            "[CH3:99999999999]",
            SmartsError::NumberTooLarge { offset: 5 },
        ),
        (
            "[^2]",
            SmartsError::Unsupported {
                offset: 1,
                what: "hybridization '^'",
            },
        ),
        (
            "[Q]",
            SmartsError::UnknownElement {
                offset: 1,
                symbol: "Q".into(),
            },
        ),
        (
            "[C;]",
            SmartsError::Unexpected {
                offset: 3,
                found: Found::Char(']'),
                expected: "an atom primitive",
            },
        ),
        (
            "[C",
            SmartsError::Unexpected {
                offset: 2,
                found: Found::End,
                expected: "']'",
            },
        ),
        (
            "C=(O)C",
            SmartsError::Unexpected {
                offset: 2,
                found: Found::Char('('),
                expected: "an atom after the bond",
            },
        ),
        (
            "[C:]",
            SmartsError::Unexpected {
                offset: 3,
                found: Found::Char(']'),
                expected: "an atom map number",
            },
        ),
        ("[$(C(C)]", SmartsError::UnclosedBranch { offset: 2 }),
        (
            "CC[$(C[$(N)]Q)]",
            SmartsError::Unexpected {
                offset: 12,
                found: Found::Char('Q'),
                expected: "an atom, bond, ring bond or branch",
            },
        ),
        (
            "",
            SmartsError::Unexpected {
                offset: 0,
                found: Found::End,
                expected: "an atom",
            },
        ),
    ];
    for (smarts, want) in cases {
        let got = Smarts::parse(smarts).unwrap_err();
        assert_eq!(&got, want, "{smarts}: {}", got.display_in(smarts));
        assert!(got.offset() <= smarts.len());
    }
    let err = Smarts::parse("CC[C;]").unwrap_err();
    assert_eq!(
        err.display_in("CC[C;]").to_string(),
        "unexpected ']' at offset 5, expected an atom primitive\n  CC[C;]\n       ^"
    );
}

#[test]
fn recursion_depth_is_limited() {
    let nest = |n: usize| format!("{}C{}", "[$(".repeat(n), ")]".repeat(n));
    assert!(Smarts::parse(&nest(markush::smarts::MAX_RECURSION)).is_ok());
    let deep = nest(markush::smarts::MAX_RECURSION + 1);
    assert!(matches!(
        Smarts::parse(&deep),
        Err(SmartsError::TooDeep { .. })
    ));
    let very_deep = nest(100_000);
    assert!(matches!(
        Smarts::parse(&very_deep),
        Err(SmartsError::TooDeep { .. })
    ));
}

#[test]
fn huge_inputs_use_no_call_stack() {
    let branches = format!("C{}C{}", "(C".repeat(100_000), ")".repeat(100_000));
    let s = Smarts::parse(&branches).unwrap();
    assert_eq!(s.atom_count(), 100_002);
    let chain = "C".repeat(1_000_000);
    assert_eq!(Smarts::parse(&chain).unwrap().bond_count(), 999_999);
    let rings = "C1CC1".repeat(200_000);
    assert_eq!(Smarts::parse(&rings).unwrap().bond_count(), 799_999);
    let open = "C(".repeat(100_000);
    assert!(matches!(
        Smarts::parse(&open),
        Err(SmartsError::UnclosedBranch { offset: 199_999 })
    ));
    let bangs = format!("[{}C]", "!".repeat(100_001));
    assert_eq!(
        atom_expr(&bangs).low,
        vec![vec![vec![lit(
            true,
            P::Element {
                number: 6,
                aromatic: false
            }
        )]]]
    );
}

/// Files from the repository, skipping with a notice when absent.
fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/smarts/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Patterns where we knowingly accept or reject differently from RDKit.
fn parse_disagreements() -> Vec<String> {
    fixture("disagreements.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.first() == Some(&"parse")).then(|| cols[1].to_string())
        })
        .collect()
}

#[test]
fn acceptance_matches_rdkit() {
    let listed = parse_disagreements();
    let mut wrong = Vec::new();
    let mut total = 0;
    for line in fixture("parse.tsv").lines().filter(|l| !l.starts_with('#')) {
        let (verdict, smarts) = line.split_once('\t').expect("verdict<TAB>pattern");
        total += 1;
        let ours = Smarts::parse(smarts);
        let agree = ours.is_ok() == (verdict == "ok");
        if agree == listed.iter().any(|l| l == smarts) {
            wrong.push(format!(
                "{smarts}\tRDKit {verdict}, ours {}{}",
                if ours.is_ok() { "ok" } else { "error" },
                if agree {
                    " (listed as disagreement but agrees)"
                } else {
                    ""
                }
            ));
        }
    }
    assert!(total > 900, "only {total} parse cases");
    assert!(
        wrong.is_empty(),
        "{} of {total}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("MARKUSH_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| format!("{}/../shared/data", env!("CARGO_MANIFEST_DIR")).into());
    dir.is_dir().then_some(dir)
}

/// Open Babel's invalid SMARTS: all rejected with an offset inside the
/// input, except the two ring bonds written with different symbols at the
/// two ends, which RDKit accepts (the opening symbol wins) and so do we.
#[test]
fn openbabel_invalid_smarts_are_rejected() {
    let Some(dir) = shared_data() else {
        eprintln!("notice: shared data not found, skipping");
        return;
    };
    let text = std::fs::read_to_string(dir.join("smarts/openbabel/invalid-smarts.txt")).unwrap();
    let accepted_by_rdkit = ["C=1CCCCC#1", "C-1CCCCC:1"];
    let mut n = 0;
    for smarts in text.lines().filter(|l| !l.is_empty()) {
        n += 1;
        match Smarts::parse(smarts) {
            Ok(_) => assert!(accepted_by_rdkit.contains(&smarts), "accepted {smarts}"),
            Err(e) => {
                assert!(!accepted_by_rdkit.contains(&smarts), "rejected {smarts}");
                assert!(e.offset() <= smarts.len(), "{smarts}: {e}");
            }
        }
    }
    assert_eq!(n, 33);
    let s = Smarts::parse("C=1CCCCC#1").unwrap();
    assert_eq!(s.bond(5).expr, Expr::single(B::Double));
}

/// Open Babel's valid SMARTS (lines starting with `#` are comments there).
#[test]
fn openbabel_valid_smarts_parse() {
    let Some(dir) = shared_data() else {
        eprintln!("notice: shared data not found, skipping");
        return;
    };
    let text = std::fs::read_to_string(dir.join("smarts/openbabel/validsmarts.txt")).unwrap();
    let patterns: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(patterns.len(), 231);
    for smarts in patterns {
        if let Err(e) = Smarts::parse(smarts) {
            panic!("{}", e.display_in(smarts));
        }
    }
}
