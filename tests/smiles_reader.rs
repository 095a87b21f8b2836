//! The OpenSMILES features the reader must understand, one test per feature,
//! each checked on atoms, hydrogens, charges and bonds.

use markush::mol::{BondDirection, BondOrder, Chirality, Mol};
use markush::smiles::{parse, Found, SmilesError};

fn mol(s: &str) -> Mol {
    parse(s).unwrap_or_else(|e| panic!("{}", e.display_in(s)))
}

fn hydrogens(m: &Mol) -> Vec<u8> {
    m.atoms().map(|a| a.total_h()).collect()
}

fn order(m: &Mol, a: usize, b: usize) -> BondOrder {
    m.bond(m.bond_between(a, b).expect("bond")).order
}

#[test]
fn organic_subset_gets_implicit_hydrogens() {
    let m = mol("CC(=O)N");
    assert_eq!(hydrogens(&m), vec![3, 0, 0, 2]);
    assert_eq!(m.formula(), "C2H5NO");
    // Higher valences of P, S and I are taken when the bonds need them.
    assert_eq!(hydrogens(&mol("CS(=O)(=O)C")), vec![3, 0, 0, 0, 3]);
    assert_eq!(hydrogens(&mol("OP(=O)(O)O")), vec![1, 0, 0, 1, 1]);
    assert_eq!(hydrogens(&mol("FI(F)F")), vec![0, 0, 0, 0]);
    assert_eq!(hydrogens(&mol("B")), vec![3]);
    assert_eq!(mol("ClBr").formula(), "BrCl");
}

#[test]
fn bracket_atoms_keep_exactly_their_hydrogens() {
    let m = mol("[CH2]=[CH2]");
    assert_eq!(hydrogens(&m), vec![2, 2]);
    let m = mol("[C]");
    assert_eq!(hydrogens(&m), vec![0]);
    assert_eq!(m.formula(), "C");
    let m = mol("[NH4+]");
    assert_eq!((m.atom(0).explicit_h, m.atom(0).charge), (4, 1));
    assert_eq!(m.formula(), "H4N+");
}

#[test]
fn isotopes_charges_and_classes() {
    let m = mol("[13CH4]");
    assert_eq!(m.atom(0).isotope, 13);
    assert_eq!(m.formula(), "CH4");
    assert_eq!(mol("[2H]C([2H])([2H])[2H]").hydrogen_count(), 4);
    for (s, q) in [
        ("[Cu+2]", 2),
        ("[Cu++]", 2),
        ("[Fe+3]", 3),
        ("[Fe+++]", 3),
        ("[O-2]", -2),
        ("[P---]", -3),
        ("[N+]", 1),
        ("[Cl-]", -1),
    ] {
        assert_eq!(mol(s).atom(0).charge, q, "{s}");
    }
    assert_eq!(mol("[Zn+2]").formula(), "Zn+2");
    assert_eq!(mol("CC(=O)[O-]").formula(), "C2H3O2-");
    let m = mol("[CH3:7]C[OH:12]");
    assert_eq!((m.atom(0).atom_class, m.atom(2).atom_class), (7, 12));
}

#[test]
fn every_bond_symbol() {
    let m = mol("C-C=C#C");
    assert_eq!(order(&m, 0, 1), BondOrder::Single);
    assert_eq!(order(&m, 1, 2), BondOrder::Double);
    assert_eq!(order(&m, 2, 3), BondOrder::Triple);
    assert_eq!(order(&mol("[Rh]$[Rh]"), 0, 1), BondOrder::Quadruple);
    // ':' forces an aromatic bond even between atoms written in upper case
    // only inside aromatic rings; here it joins two aromatic atoms explicitly.
    let m = mol("c1:c:c:c:c:c:1");
    assert_eq!(m.formula(), "C6H6");
    let m = mol("F/C=C/F");
    let b = m.bond_between(0, 1).unwrap();
    assert_eq!(m.bond(b).direction, BondDirection::Up);
    let b = m.bond_between(2, 3).unwrap();
    assert_eq!(m.bond(b).direction, BondDirection::Up);
    let m = mol(r"F\C=C/F");
    assert_eq!(m.bond(0).direction, BondDirection::Down);
}

#[test]
fn dative_bonds_count_on_the_acceptor_only() {
    let m = mol("C[NH2]->[Cu]");
    let b = m.bond_between(1, 2).unwrap();
    assert_eq!(m.bond(b).order, BondOrder::Dative);
    assert_eq!(m.bond_atoms(b), (1, 2));
    assert_eq!(m.bonded_valence(1), 1);
    assert_eq!(m.bonded_valence(2), 1);
    let m = mol("[Cu]<-N");
    let b = m.bond_between(0, 1).unwrap();
    assert_eq!(m.bond_atoms(b), (1, 0), "the donor is the first atom");
    assert_eq!(hydrogens(&m), vec![0, 3]);
}

#[test]
fn branches_and_ring_closures() {
    let m = mol("CC(C)(C)C");
    assert_eq!(m.degree(1), 4);
    assert_eq!(hydrogens(&m), vec![3, 0, 3, 3, 3]);
    let m = mol("C1CCCCC1");
    assert_eq!(m.bond_count(), 6);
    assert!(m.bond_between(0, 5).is_some());
    // Ring bond symbols may sit on either end; numbers are reused.
    let m = mol("C=1CCCCC1C1CC1");
    assert_eq!(order(&m, 0, 5), BondOrder::Double);
    assert!(m.bond_between(6, 8).is_some());
    let m = mol("C%10CCC%10");
    assert!(m.bond_between(0, 3).is_some());
    let m = mol("C%(123)CCC%(123)");
    assert!(m.bond_between(0, 3).is_some());
    let m = mol("C0CC0");
    assert_eq!(m.bond_count(), 3);
}

#[test]
fn components_and_the_star_atom() {
    let m = mol("[Na+].[Cl-]");
    assert_eq!((m.atom_count(), m.bond_count(), m.charge()), (2, 0, 0));
    assert_eq!(m.formula(), "ClNa");
    let m = mol("*C(=O)O");
    assert_eq!(m.atom(0).element, 0);
    assert_eq!(hydrogens(&m), vec![0, 0, 0, 1]);
    let m = mol("c1cc*cc1");
    assert_eq!(m.formula(), "C5H5*");
}

#[test]
fn chirality_classes_are_kept_with_their_neighbour_order() {
    let m = mol("N[C@@H](C)C(=O)O");
    assert_eq!(m.atom(1).chirality, Chirality::Tetrahedral(2));
    let c = &m.stereo_centers()[0];
    assert_eq!(c.atom, 1);
    assert_eq!(
        c.neighbors,
        vec![0, markush::mol::StereoCenter::HYDROGEN, 2, 3]
    );
    // A ring bond takes its neighbour slot where its digit is written.
    let m = mol("[C@]12(F)CC1.C2");
    assert_eq!(m.stereo_centers()[0].neighbors, vec![3, 4, 1, 2]);
    for (s, c) in [
        ("F[C@TH1](Cl)(Br)I", Chirality::Tetrahedral(1)),
        ("F[C@AL2]=C=CF", Chirality::Allene(2)),
        ("F[Pt@SP3](F)(Cl)Cl", Chirality::SquarePlanar(3)),
        ("S[As@TB15](F)(Cl)(Br)N", Chirality::TrigonalBipyramidal(15)),
        ("C[Co@OH30](F)(F)(F)(F)Cl", Chirality::Octahedral(30)),
    ] {
        let m = mol(s);
        assert_eq!(m.atom(1).chirality, c, "{s}");
    }
}

#[test]
fn aromatic_input_is_kekulized_with_correct_hydrogens() {
    for (s, formula, h) in [
        ("c1ccccc1", "C6H6", vec![1, 1, 1, 1, 1, 1]),
        ("c1cc[nH]c1", "C4H5N", vec![1, 1, 1, 1, 1]),
        ("c1ccncc1", "C5H5N", vec![1, 1, 1, 0, 1, 1]),
        ("Cn1cccc1", "C5H7N", vec![3, 0, 1, 1, 1, 1]),
        ("c1ccoc1", "C4H4O", vec![1, 1, 1, 0, 1]),
        ("c1ccsc1", "C4H4S", vec![1, 1, 1, 0, 1]),
        ("c1cc[se]c1", "C4H4Se", vec![1, 1, 1, 0, 1]),
        ("C[n+]1ccccc1", "C6H8N+", vec![3, 0, 1, 1, 1, 1, 1]),
        ("c1cc[n-]c1", "C4H4N-", vec![1, 1, 1, 0, 1]),
        ("[cH-]1cccc1", "C5H5-", vec![1, 1, 1, 1, 1]),
        ("c1cc[o+]cc1", "C5H5O+", vec![1, 1, 1, 0, 1, 1]),
        ("O=c1cccc[nH]1", "C5H5NO", vec![0, 0, 1, 1, 1, 1, 1]),
        ("c1ccc2[nH]ccc2c1", "C8H7N", vec![1, 1, 1, 0, 1, 1, 1, 0, 1]),
        (
            "c1nc2[nH]cnc2c(N)n1",
            "C5H5N5",
            vec![1, 0, 0, 1, 1, 0, 0, 0, 2, 0],
        ),
        (
            "c1ccc2ccccc2c1",
            "C10H8",
            vec![1, 1, 1, 0, 1, 1, 1, 1, 0, 1],
        ),
    ] {
        let m = mol(s);
        assert_eq!(m.formula(), formula, "{s}");
        assert_eq!(hydrogens(&m), h, "{s}");
    }
}

#[test]
fn kekule_structure_is_a_real_one() {
    // Every aromatic carbon gets exactly one double bond.
    let m = mol("c1ccc2cc3ccccc3cc2c1");
    for i in 0..m.atom_count() {
        let doubles = m
            .neighbors(i)
            .filter(|&(_, b)| m.bond(b).order == BondOrder::Double)
            .count();
        assert_eq!(doubles, 1, "atom {i}");
    }
    // Pyrrole: the NH takes no double bond.
    let m = mol("c1cc[nH]c1");
    assert_eq!(m.valence(3), 3);
    assert_eq!(
        m.neighbors(3)
            .filter(|&(_, b)| m.bond(b).order == BondOrder::Double)
            .count(),
        0
    );
}

#[test]
fn unkekulizable_aromatic_systems_are_errors() {
    // Pyrrole without its hydrogen: five atoms that all need a double bond.
    let err = parse("c1ccnc1").unwrap_err();
    assert!(matches!(err, SmilesError::Kekulize { .. }), "{err}");
    // An aromatic atom outside any aromatic bond cannot be kekulized either.
    let err = parse("Cc").unwrap_err();
    assert_eq!(
        err,
        SmilesError::Kekulize {
            offset: 1,
            atoms: vec![1]
        }
    );
    assert!(matches!(
        parse("c1cccc1").unwrap_err(),
        SmilesError::Kekulize { .. }
    ));
}

#[test]
fn errors_point_at_the_problem() {
    let cases: &[(&str, SmilesError)] = &[
        ("C1CC", SmilesError::UnclosedRing { offset: 1, ring: 1 }),
        ("CC(C", SmilesError::UnclosedBranch { offset: 2 }),
        ("CC)C", SmilesError::UnopenedBranch { offset: 2 }),
        ("CC()C", SmilesError::EmptyBranch { offset: 3 }),
        ("CC=", SmilesError::DanglingBond { offset: 2 }),
        ("C=.C", SmilesError::DanglingBond { offset: 1 }),
        (
            "C[Xx]",
            SmilesError::UnknownElement {
                offset: 2,
                symbol: "Xx".into(),
            },
        ),
        (
            "C[N+-]",
            SmilesError::Unexpected {
                offset: 4,
                found: Found::Char('-'),
                expected: "']'",
            },
        ),
        ("[C+99]", SmilesError::BadCharge { offset: 2 }),
        ("[99999999C]", SmilesError::NumberTooLarge { offset: 1 }),
        (
            "C=1CC-1",
            SmilesError::RingBondMismatch { offset: 6, ring: 1 },
        ),
        ("C11", SmilesError::RingBondDuplicate { offset: 2, ring: 1 }),
        (
            "C12CC12",
            SmilesError::RingBondDuplicate { offset: 6, ring: 2 },
        ),
        (
            "C[CH3",
            SmilesError::Unexpected {
                offset: 5,
                found: Found::End,
                expected: "']'",
            },
        ),
        (
            "(C)",
            SmilesError::Unexpected {
                offset: 0,
                found: Found::Char('('),
                expected: "an atom before '('",
            },
        ),
        (
            "CxC",
            SmilesError::Unexpected {
                offset: 1,
                found: Found::Char('x'),
                expected: "an atom, bond, ring bond or branch",
            },
        ),
        (
            "C%1",
            SmilesError::Unexpected {
                offset: 2,
                found: Found::Char('1'),
                expected: "two digits after '%'",
            },
        ),
        (
            "[C@XY1]",
            SmilesError::Unexpected {
                offset: 3,
                found: Found::Char('X'),
                expected: "']'",
            },
        ),
        (
            "C.",
            SmilesError::Unexpected {
                offset: 2,
                found: Found::End,
                expected: "an atom after '.'",
            },
        ),
    ];
    for (s, want) in cases {
        assert_eq!(&parse(s).unwrap_err(), want, "{s}");
    }
}

#[test]
fn error_display_has_a_caret() {
    let s = "CC(C)C1CC";
    let shown = parse(s).unwrap_err().display_in(s).to_string();
    assert_eq!(
        shown,
        "unclosed ring bond 1 at offset 6\n  CC(C)C1CC\n        ^"
    );
    // Long inputs are cut to a window around the spot.
    let long = format!("{}C1", "C".repeat(500));
    let shown = parse(&long).unwrap_err().display_in(&long).to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[1].starts_with("  ...") && lines[1].len() < 140);
    assert_eq!(lines[2].find('^'), lines[1].find("C1").map(|p| p + 1));
}

#[test]
fn empty_input_is_an_empty_molecule() {
    let m = parse("").unwrap();
    assert_eq!((m.atom_count(), m.formula()), (0, String::new()));
}

#[test]
fn hypervalent_spellings_are_charge_separated_as_rdkit_does() {
    use markush::smiles::to_smiles;
    for (written, separated) in [
        ("CN(=O)=O", "C[N+](=O)[O-]"),
        ("O=n1ccccc1", "[O-][n+]1ccccc1"),
        ("c1ccc2n(=O)cccc2c1", "[O-][n+]1cccc2ccccc21"),
        ("CN=N#N", "CN=[N+]=[N-]"),
        ("OCl(=O)(=O)=O", "[O-][Cl+3]([O-])([O-])O"),
        ("[O-]Cl(=O)(=O)=O", "[O-][Cl+3]([O-])([O-])[O-]"),
    ] {
        let a = mol(written);
        let b = mol(separated);
        assert_eq!(to_smiles(&a), to_smiles(&b), "{written}");
        assert_eq!(a.formula(), b.formula(), "{written}");
    }
    // Already separated or ordinary valences are left alone.
    let m = mol("C[N+](=O)[O-]");
    assert_eq!((m.atom(1).charge, m.atom(3).charge), (1, -1));
    let m = mol("CS(=O)(=O)O");
    assert!(m.atoms().all(|a| a.charge == 0));
}
