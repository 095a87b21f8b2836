//! SMARTS matching on hand-picked molecules, with counts checked in RDKit
//! (`len(mol.GetSubstructMatches(Chem.MolFromSmarts(p)))`; molecules with
//! `[H]` atoms read with `removeHs=False`, since our reader keeps them).

use markush::matcher::{MatchOptions, Target};
use markush::smarts::Smarts;

fn count(smarts: &str, smiles: &str) -> usize {
    let pattern = Smarts::parse(smarts).unwrap_or_else(|e| panic!("{}", e.display_in(smarts)));
    let mol = markush::smiles::parse(smiles).unwrap();
    pattern.count_unique(&mol).unwrap()
}

fn check(cases: &[(&str, &str, usize)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(p, s, want)| {
            let got = count(p, s);
            (got != want).then(|| format!("{p} in {s}: want {want}, got {got}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn elements_and_aromaticity() {
    check(&[
        ("C", "CCO", 2),
        ("c", "c1ccccc1C", 6),
        ("[#6]", "c1ccccc1C", 7),
        ("a", "c1ccncc1", 6),
        ("A", "c1ccncc1CO", 2),
        ("[n]", "c1ccncc1", 1),
        ("N", "c1ccncc1", 0),
        ("[Cl,Br]", "ClCCBr", 2),
        ("*", "CC(=O)O", 4),
        ("[Si]", "C[Si](C)(C)C", 1),
        ("[Na+]", "[Na+].[Cl-]", 1),
        ("[13C]", "[13CH4].C", 1),
        ("[12C]", "[13CH4].C", 0),
    ]);
}

#[test]
fn hydrogen_counts_degree_valence() {
    check(&[
        ("[CH3]", "CC(C)O", 2),
        ("[CH1]", "CC(C)O", 1),
        ("[OH]", "CC(C)O", 1),
        ("[H]", "[H]C([H])([H])[H]", 4),
        ("[#1]", "[H][H]", 2),
        ("[CH4]", "[H]C([H])([H])[H]", 1),
        ("[D4]", "[H]C([H])([H])[H]", 1),
        ("[D1]", "CC(C)(C)C", 4),
        ("[D4]", "CC(C)(C)C", 1),
        ("[D{2-3}]", "CC(C)C(C)CC", 3),
        ("[X4]", "CC(C)(C)C", 5),
        ("[X1]", "C#N", 1),
        ("[v4]", "C#N", 1),
        ("[v3]", "C#N", 1),
        ("[h2]", "CCC", 1),
        ("[h]", "CC(=O)N", 2),
        ("[nH]", "c1cc[nH]c1", 1),
        ("[h1]", "c1cc[nH]c1", 5),
        ("[H0]", "CC(C)(C)C", 1),
        ("[!H0]", "CC(C)(C)C", 4),
        ("[+]", "C[N+](C)(C)C", 1),
        ("[-]", "CC(=O)[O-]", 1),
        ("[+0]", "CC(=O)[O-]", 3),
        ("[z2]", "OC(O)C", 1),
        ("[Z1]", "c1ccccc1O", 1),
    ]);
}

#[test]
fn bonds() {
    check(&[
        ("C-C", "CC=CC", 2),
        ("C=C", "CC=CC", 1),
        ("C~C", "CC=CC", 3),
        ("C#N", "CC#N", 1),
        ("c:c", "c1ccccc1", 6),
        ("cc", "c1ccccc1", 6),
        ("c-c", "c1ccccc1", 0),
        ("c=c", "c1ccccc1", 0),
        ("c-c", "c1ccccc1-c1ccccc1", 1),
        ("[#6]!-[#6]", "CC=CC", 1),
        ("C=,#C", "C=CC#C", 2),
        ("C/C=C/C", "C/C=C/C", 1),
        ("C/C=C/C", "C/C=C\\C", 1),
        ("[#7]->[#29]", "[NH3]->[Cu]", 1),
        ("CO.CO", "OCCO", 1),
        ("C.C", "CCC", 3),
    ]);
}

#[test]
fn rings_and_perceived_aromaticity() {
    check(&[
        ("[R]", "c1ccc2ccccc2c1CC", 10),
        ("[R2]", "c1ccc2ccccc2c1", 2),
        ("[R0]", "c1ccccc1CC", 2),
        ("[r5]", "c1ccc2[nH]ccc2c1", 5),
        ("[r6]", "c1ccc2[nH]ccc2c1", 4),
        ("[x3]", "C1CC2CCC1C2", 2),
        ("[r{3-4}]", "C1CC1C1CCC1", 7),
        ("*@*", "C1CCCCC1CC", 6),
        ("*!@*", "C1CCCCC1CC", 2),
        ("C@C", "C1CCCCC1CC", 6),
        // Aromaticity comes from perception, however the SMILES was written.
        ("c", "C1=CC=CC=C1", 6),
        ("c:c", "C1=CC=CC=C1", 6),
        ("C=C", "C1=CC=CC=C1", 0),
        ("[nH]", "C1=CNC=C1", 1),
        ("a1aaaaa1", "C1=CC=C2C=CC=CC2=C1", 2),
        ("[a;r5]", "O=c1cc[nH]cc1.c1ccsc1", 5),
    ]);
}

#[test]
fn recursive_smarts() {
    check(&[
        ("[$(CO)]", "CCO", 1),
        ("[$(C=O)]O", "CC(=O)O", 1),
        ("[C;!$(C=O)]", "CC(=O)O", 1),
        ("[$([CH3]C),$(O)]", "CCO", 2),
        ("[$(C[$(C=O)])]", "CCC(=O)O", 1),
        ("[$([$([$(O)])])]", "CCO", 1),
        ("[!$(*=*)]", "C=CCO", 2),
        ("C[$(aaO);$(aaaN)]", "Cc1c(O)cccc1N", 0),
        ("[$(C(=O)[OH1]),$(C(=O)[O-])]", "OC(=O)CC(=O)[O-]", 2),
    ]);
}

#[test]
fn merged_query_hydrogens() {
    let mol = markush::smiles::parse("CC(=O)NC").unwrap();
    let aldehyde_like = Smarts::parse("[#6](-[#1])(-[#1])-[#6]=[#8]").unwrap();
    assert_eq!(aldehyde_like.count_unique(&mol), Ok(0));
    assert_eq!(aldehyde_like.merge_query_hs().count_unique(&mol), Ok(1));
    let nh = Smarts::parse("[#7]-[#1]").unwrap().merge_query_hs();
    assert_eq!(nh.count_unique(&mol), Ok(1));
    let nh2 = Smarts::parse("[#7](-[#1])-[#1]").unwrap().merge_query_hs();
    assert_eq!(nh2.count_unique(&mol), Ok(0));
}

#[test]
fn matches_reports_atoms_and_limits() {
    let mol = markush::smiles::parse("OCC(O)CO").unwrap();
    let target = Target::new(&mol);
    let alcohol = Smarts::parse("[CX4][OH]").unwrap();
    let all = alcohol.matches(&target, MatchOptions::default()).unwrap();
    let mut pairs: Vec<Vec<u32>> = all.clone();
    pairs.sort();
    assert_eq!(pairs, vec![vec![1, 0], vec![2, 3], vec![4, 5]]);
    let one = MatchOptions {
        max_matches: Some(1),
        ..MatchOptions::default()
    };
    assert_eq!(alcohol.matches(&target, one).unwrap().len(), 1);
    // Unique by atom set: C-C-C in propane-1,2,3-triol once, not twice.
    let ccc = Smarts::parse("CCC").unwrap();
    assert_eq!(ccc.count_unique_in(&target, 1_000), Ok(1));
    let all_orders = MatchOptions {
        unique: false,
        ..MatchOptions::default()
    };
    assert_eq!(ccc.matches(&target, all_orders).unwrap().len(), 2);
}

#[test]
fn budget_is_reported() {
    let mol = markush::smiles::parse(&"C".repeat(200)).unwrap();
    let target = Target::new(&mol);
    let chain = Smarts::parse(&"C".repeat(30)).unwrap();
    assert!(chain.count_unique_in(&target, 100).is_err());
    let recursive = Smarts::parse(&format!("[$({})]", "C".repeat(30))).unwrap();
    assert!(recursive.has_match_in(&target, 100).is_err());
    assert_eq!(recursive.has_match_in(&target, 1_000_000), Ok(true));
}

#[test]
fn element_masks_are_what_an_atom_can_be() {
    use markush::matcher::{element_bit, ANY_ELEMENT};
    let p = Smarts::parse("[$([CX3]=O),$([SX4])]N[C,N;!R][!#6][#8,O]*").unwrap();
    assert_eq!(p.atom_elements(0), element_bit(6) | element_bit(16));
    assert_eq!(p.atom_elements(1), element_bit(7));
    assert_eq!(p.atom_elements(2), element_bit(6) | element_bit(7));
    // A negation says nothing about which element is left.
    assert_eq!(p.atom_elements(3), ANY_ELEMENT);
    assert_eq!(p.atom_elements(4), element_bit(8));
    assert_eq!(p.atom_elements(5), ANY_ELEMENT);
    // The masks only skip work: sulfonamide and acid counts as RDKit gives them.
    check(&[
        ("[$([CX3]=O),$([SX4])]N", "CS(=O)(=O)NC(C)=O", 2),
        ("[$([CX3]=O),$([SX4])]N", "CC(=O)NC", 1),
        ("S(=O)(=O)N", "CC(=O)NC", 0),
        ("[!#6]", "CS(=O)(=O)N", 4),
    ]);
}

#[test]
fn first_atoms_of_a_symmetric_pattern_are_found_once_each() {
    // Phthalic acid: two carboxyl carbons, each the start of a match in
    // two ways (the two oxygens), and a skip mask keeps one out.
    let acid = Smarts::parse("C(~O)~O").unwrap();
    let mol = markush::smiles::parse("OC(=O)c1ccccc1C(=O)O").unwrap();
    let target = Target::new(&mol);
    let mut out = vec![false; mol.atom_count()];
    acid.mark_first_atoms(&target, 1_000_000, &mut out);
    let marked: Vec<usize> = (0..out.len()).filter(|&i| out[i]).collect();
    assert_eq!(marked, [1, 9]);
    let bound = markush::matcher::MolQuery::new(&markush::smiles::parse("C(=O)O").unwrap());
    let mut skip = vec![false; mol.atom_count()];
    skip[1] = true;
    assert_eq!(
        markush::matcher::images_of(&bound, &target, 0, &skip, 1_000_000),
        Ok(vec![9])
    );
    // Past the budget every atom is marked: a screen stays a superset.
    let mut out = vec![false; mol.atom_count()];
    acid.mark_first_atoms(&target, 3, &mut out);
    assert!(out.iter().all(|&o| o));
}

#[test]
fn a_bond_outside_any_molecule_is_tested_like_a_molecule_bond() {
    use markush::mol::BondOrder;
    use markush::smarts::bond_allows;
    // The bond of `C/C`, `C=C` and `C@C`: an implicit hydrogen's plain single
    // bond satisfies `/` (RDKit matches it as single or aromatic), not `=` or `@`.
    let bond = |s: &str| Smarts::parse(s).unwrap().bond(0).expr.clone();
    assert!(bond_allows(&bond("C/C"), BondOrder::Single, false, || {
        false
    }));
    assert!(bond_allows(&bond("CC"), BondOrder::Single, false, || false));
    assert!(!bond_allows(&bond("C=C"), BondOrder::Single, false, || {
        false
    }));
    assert!(!bond_allows(&bond("C@C"), BondOrder::Single, false, || {
        false
    }));
    assert!(bond_allows(&bond("C=C"), BondOrder::Double, false, || {
        false
    }));
    assert!(!bond_allows(&bond("C=C"), BondOrder::Double, true, || true));
}
