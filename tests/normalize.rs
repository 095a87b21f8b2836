//! Normalised forms (`mol::normalize::variants`): every spelling of a metal
//! complex comes out as one graph, azo dyes drawn as hydrazones get their
//! azo-enol form, and anything else passes through untouched.
//!
//! The spellings in fixtures/normalize/ are made by
//! scripts/make_normalize_fixtures.py with RDKit.

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use markush::mol::normalize::{variants, Variant, NOTE_AZO, NOTE_IONIC, NOTE_LIGAND_AROMATICITY};
use markush::mol::{BondOrder, Mol};
use markush::smiles::{parse, to_smiles};
use proptest::prelude::*;
use shared_data::{fixtures_dir, read_lines, shared_data_or_skip};

fn tsv(name: &str) -> Vec<Vec<String>> {
    read_lines(&fixtures_dir().join("normalize").join(name))
        .into_iter()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn mol(smiles: &str) -> Mol {
    parse(smiles).unwrap_or_else(|e| panic!("{smiles}: {}", e.display_in(smiles)))
}

/// What every variant must satisfy whatever the input.
fn check_invariants(input: &Mol, forms: &[Variant]) {
    assert!(!forms.is_empty());
    for v in forms {
        assert_eq!(v.mol.atom_count(), input.atom_count());
        assert_eq!(v.origin, (0..input.atom_count()).collect::<Vec<_>>());
        for i in 0..input.atom_count() {
            assert_eq!(v.mol.atom(i).element, input.atom(i).element);
        }
        assert_eq!(v.mol.charge(), input.charge(), "total charge is kept");
        assert_eq!(
            v.mol.hydrogen_count(),
            input.hydrogen_count(),
            "hydrogens move, never appear or vanish"
        );
    }
}

fn first_form(smiles: &str) -> String {
    let m = mol(smiles);
    let forms = variants(&m);
    check_invariants(&m, &forms);
    to_smiles(&forms[0].mol)
}

#[test]
fn every_metal_spelling_gives_one_graph() {
    let rows = tsv("metal_spellings.tsv");
    let mut by_group: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for row in &rows {
        let (group, spelling, smiles) = (&row[0], &row[1], &row[2]);
        by_group
            .entry(group.clone())
            .or_default()
            .entry(first_form(smiles))
            .or_default()
            .push(spelling.clone());
    }
    assert!(by_group.len() >= 10, "{:?}", by_group.keys());
    let mut seen = BTreeSet::new();
    for (group, forms) in &by_group {
        assert_eq!(
            forms.len(),
            1,
            "{group}: spellings split into {} forms: {forms:#?}",
            forms.len()
        );
        let form = forms.keys().next().unwrap();
        assert!(
            seen.insert(form.clone()),
            "{group} collides with another group"
        );
    }
}

/// The canonical copper phthalocyanine: copper bonded by single bonds to
/// two of the four inner nitrogens, nothing charged, C32H16CuN8.
#[test]
fn copper_phthalocyanine_form_is_covalent_and_neutral() {
    let rows = tsv("metal_spellings.tsv");
    let cupc: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "CuPc").collect();
    assert!(cupc.len() >= 16);
    for row in cupc {
        let m = mol(&row[2]);
        let forms = variants(&m);
        let v = &forms[0].mol;
        let cu = (0..v.atom_count())
            .find(|&i| v.atom(i).element == 29)
            .unwrap();
        let bonds: Vec<(usize, BondOrder)> =
            v.neighbors(cu).map(|(w, e)| (w, v.bond(e).order)).collect();
        assert_eq!(bonds.len(), 2, "{}: {bonds:?}", row[1]);
        for (w, order) in bonds {
            assert_eq!(v.atom(w).element, 7);
            assert_eq!(order, BondOrder::Single);
        }
        assert!(v.atoms().all(|a| a.charge == 0), "{}", row[1]);
        assert_eq!(v.formula(), "C32H16CuN8");
        // The whole ligand is aromatic, as in H2Pc, whatever the spelling.
        assert_eq!(v.aromatic_atom_count(), 40, "{}", row[1]);
        assert!(v.atoms().filter(|a| a.element != 29).all(|a| a.aromatic));
        let bond_notes = forms[0]
            .notes
            .iter()
            .filter(|n| *n != NOTE_LIGAND_AROMATICITY)
            .count();
        assert_eq!(
            bond_notes == 0,
            row[1].starts_with("covalent"),
            "{}",
            row[1]
        );
    }
}

#[test]
fn ionic_spelling_is_noted_and_sodium_stays_ionic() {
    let rows = tsv("metal_spellings.tsv");
    let row = rows
        .iter()
        .find(|r| r[0] == "CuPc-disulfonate-Na" && r[1] == "ionic-aromatic")
        .unwrap();
    let forms = variants(&mol(&row[2]));
    assert_eq!(forms.len(), 1);
    assert_eq!(
        forms[0].notes,
        vec![NOTE_IONIC.to_string(), NOTE_LIGAND_AROMATICITY.to_string()]
    );
    let v = &forms[0].mol;
    for i in 0..v.atom_count() {
        let a = v.atom(i);
        match a.element {
            11 => assert_eq!((a.charge, v.degree(i)), (1, 0)),
            29 => assert_eq!((a.charge, v.degree(i)), (0, 2)),
            _ => {}
        }
    }
    // The sulfonates keep their charge: salts are the group library's job.
    assert_eq!(v.atoms().filter(|a| a.charge == -1).count(), 2);
}

#[test]
fn chloroaluminium_phthalocyanine_pairs_the_chloride() {
    let ionic = "[Al+3].[Cl-].c1ccc2c(c1)C1=NC2=Nc2[n-]c(c3ccccc23)N=C2N=C(N=c3[n-]c(c4ccccc34)=N1)c1ccccc12";
    let forms = variants(&mol(ionic));
    let v = &forms[0].mol;
    let al = (0..v.atom_count())
        .find(|&i| v.atom(i).element == 13)
        .unwrap();
    let mut partners: Vec<u8> = v.neighbors(al).map(|(w, _)| v.atom(w).element).collect();
    partners.sort();
    assert_eq!(partners, vec![7, 7, 17]);
    assert!(v.atoms().all(|a| a.charge == 0));
}

#[test]
fn metal_free_phthalocyanine_is_its_own_form() {
    let aromatic = "c1ccc2c(c1)-c1nc-2nc2[nH]c(nc3nc(nc4[nH]c(n1)c1ccccc41)-c1ccccc1-3)c1ccccc21";
    let kekule =
        "C1=CC=C2C(=C1)C1=NC2=NC2=C3C=CC=CC3=C(N=C3N=C(N=C4NC(=N1)C1=CC=CC=C14)C1=CC=CC=C13)N2";
    for s in [aromatic, kekule] {
        let m = mol(s);
        let forms = variants(&m);
        assert_eq!(forms.len(), 1);
        assert!(forms[0].notes.is_empty());
        assert_eq!(to_smiles(&forms[0].mol), to_smiles(&m));
        assert_eq!(forms[0].mol.aromatic_atom_count(), 40);
    }
    assert_eq!(first_form(aromatic), first_form(kekule));
    let cupc =
        "C1=CC=C2C(=C1)C3=NC4=C5C=CC=CC5=C6N4[Cu]N7C(=NC2=N3)C8=CC=CC=C8C7=NC9=NC(=N6)C1=CC=CC=C19";
    assert_ne!(first_form(aromatic), first_form(cupc));
}

#[test]
fn dative_ring_closures_read_in_rdkit_direction() {
    // `N->1` at the closing digit: N donates, as RDKit reads it.
    for s in ["[Cu]1CCN->1", "N1CC[Cu]<-1", "[Cu]<-1CCN->1"] {
        let m = mol(s);
        let e = (0..m.bond_count())
            .find(|&e| m.bond(e).order == BondOrder::Dative)
            .unwrap();
        let (donor, acceptor) = m.bond_atoms(e);
        assert_eq!(
            (m.atom(donor).element, m.atom(acceptor).element),
            (7, 29),
            "{s}"
        );
    }
    let m = mol("[Cu]->1CCN1");
    let e = (0..m.bond_count())
        .find(|&e| m.bond(e).order == BondOrder::Dative)
        .unwrap();
    assert_eq!(m.atom(m.bond_atoms(e).0).element, 29);
}

#[test]
fn dative_bonds_between_nonmetals_become_charge_separated() {
    let dative = first_form("C[N](C)(C)->[O]");
    assert_eq!(dative, first_form("C[N+](C)(C)[O-]"));
}

#[test]
fn hydrazone_dyes_read_as_their_azo_form() {
    let rows = tsv("azo_tautomers.tsv");
    assert!(rows.len() >= 24);
    for row in &rows {
        let (name, hydrazone, azo) = (&row[0], &row[1], &row[2]);
        let h = mol(hydrazone);
        let forms = variants(&h);
        check_invariants(&h, &forms);
        assert!(forms[0].notes.is_empty(), "{name}");
        assert_eq!(to_smiles(&forms[0].mol), to_smiles(&h), "{name}");
        let expected = to_smiles(&mol(azo));
        let azo_forms: Vec<String> = forms[1..].iter().map(|v| to_smiles(&v.mol)).collect();
        assert!(
            azo_forms.contains(&expected),
            "{name}: {hydrazone}\n  got {azo_forms:?}\n  want {expected}"
        );
        for v in &forms[1..] {
            assert_eq!(v.notes, vec![NOTE_AZO.to_string()]);
            assert!(v.mol.bonds().any(|(a, b, bond)| {
                bond.order == BondOrder::Double
                    && v.mol.atom(a).element == 7
                    && v.mol.atom(b).element == 7
            }));
        }
        // The azo form itself has no hydrazone site.
        assert_eq!(variants(&mol(azo)).len(), 1, "{name}");
    }
}

#[test]
fn sudan_one_azo_form_is_a_naphthol() {
    let forms = variants(&mol("O=C1C=Cc2ccccc2C1=NNc1ccccc1"));
    assert_eq!(forms.len(), 2);
    let azo = &forms[1].mol;
    let o = (0..azo.atom_count())
        .find(|&i| azo.atom(i).element == 8)
        .unwrap();
    assert_eq!(azo.atom(o).total_h(), 1);
    // Both naphthalene rings aromatic, plus the phenyl: 16 atoms.
    assert_eq!(azo.aromatic_atom_count(), 16);
    let nh = (0..azo.atom_count())
        .filter(|&i| azo.atom(i).element == 7)
        .map(|i| azo.atom(i).total_h())
        .sum::<u8>();
    assert_eq!(nh, 0);
}

#[test]
fn bis_hydrazone_gives_each_half_and_both() {
    // Two pyrazolone hydrazones on one biphenyl linker.
    let s = "O=C1C(=NNc2ccc(-c3ccc(NN=C4C(=O)N(c5ccccc5)N=C4C)cc3)cc2)C(C)=NN1c1ccccc1";
    let forms = variants(&mol(s));
    assert_eq!(forms.len(), 4);
    let azo_count = |v: &Variant| {
        v.mol
            .bonds()
            .filter(|&(a, b, bond)| {
                bond.order == BondOrder::Double
                    && v.mol.atom(a).element == 7
                    && v.mol.atom(b).element == 7
            })
            .count()
    };
    let counts: Vec<usize> = forms.iter().map(azo_count).collect();
    assert_eq!(counts, vec![0, 2, 1, 1]);
    assert_eq!(to_smiles(&forms[2].mol), to_smiles(&forms[3].mol));
}

#[test]
fn plain_molecules_pass_through_unchanged() {
    for s in [
        "c1ccccc1N=Nc1ccc(N(C)C)cc1",
        "CC(=O)NN=Cc1ccccc1",
        "CC(=O)O[Na]",
        "OC(=O)CN.[Na+]",
        "NCC(=O)[O-].[Na+]",
        "O=C1C=CC(=O)C=C1",
        "CN1C=NC2=C1C(=O)N(C)C(=O)N2C",
        "[O-]S(=O)(=O)c1ccccc1.[Na+]",
        "O=C(O)C(=NNC(N)=O)C",
        "OC(=O)C(C)=NNc1ccccc1",
        "O=C(Nc1ccc(Cc2ccncc2)cc1)c1nc[nH]n1",
        "Cc1cc(Cc2ccc(C(F)(F)F)cc2)c(=O)[nH]n1",
        "O=C1NC(c2ccccc2)c2c(-c3ccccc3)n[nH]c21",
        "",
    ] {
        let m = mol(s);
        let forms = variants(&m);
        assert_eq!(forms.len(), 1, "{s}");
        assert!(forms[0].notes.is_empty(), "{s}: {:?}", forms[0].notes);
        assert_eq!(to_smiles(&forms[0].mol), to_smiles(&m), "{s}");
    }
}

/// Strings built from SMILES pieces, metals, charges and dative bonds
/// included; the parser rejects many, and every one it accepts must give
/// variants without panicking.
fn smiles_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "C", "c", "N", "n", "[n-]", "[N-]", "[nH]", "O", "=O", "[O-]", "=", "#", "(", ")", "1",
        "2", "3", "[Cu]", "[Cu+2]", "[Zn+2]", "[Al+3]", "[Cl-]", "[Na+]", "->", "<-", ".", "N=N",
        "NN", "C(=O)", "c1ccccc1", "[N+]", "[Cu-2]", "[H]", "[NH]",
    ]);
    prop::collection::vec(pieces, 1..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn never_panics_on_random_input(s in smiles_soup()) {
        if let Ok(m) = parse(&s) {
            let forms = variants(&m);
            prop_assert!(forms.len() <= 7);
            for v in &forms {
                prop_assert_eq!(v.mol.atom_count(), m.atom_count());
                prop_assert_eq!(v.origin.len(), m.atom_count());
                let _ = to_smiles(&v.mol);
            }
        }
    }
}

/// Over the dye set and a slice of the corpus: no panic, invariants hold,
/// molecules without metals or hydrazone sites come back as one unchanged
/// variant, and the whole pass stays cheap.
#[test]
fn shared_data_sweep() {
    let Some(dir) = shared_data_or_skip("normalize::shared_data_sweep") else {
        return;
    };
    let mut files = vec![(dir.join("dyes/dyes.smi"), usize::MAX)];
    files.push((dir.join("corpus/moses_train.smi.gz"), 20_000));
    for (path, limit) in files {
        if !path.exists() {
            println!("NOTICE: {} absent, skipped", path.display());
            continue;
        }
        let (mut n, mut extra, mut metal) = (0usize, 0usize, 0usize);
        let start = Instant::now();
        for line in read_lines(&path).into_iter().take(limit) {
            let Some(smiles) = line.split_whitespace().next() else {
                continue;
            };
            let Ok(m) = parse(smiles) else { continue };
            let forms = variants(&m);
            check_invariants(&m, &forms);
            n += 1;
            extra += forms.len() - 1;
            metal += usize::from(!forms[0].notes.is_empty());
            if forms[0].notes.is_empty() {
                assert_eq!(forms[0].mol.bond_count(), m.bond_count(), "{smiles}");
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{}: {n} molecules, {extra} azo-enol variants, {metal} metal spellings \
             normalised, {secs:.2} s",
            path.display()
        );
    }
}

#[test]
fn bracket_hydrogens_and_hydrogen_atoms_are_kept() {
    // Bracket NH: the count moves to the oxygen.
    let forms = variants(&mol("O=C1C=Cc2ccccc2C1=N[NH]c1ccccc1"));
    assert_eq!(forms.len(), 2);
    assert_eq!(
        to_smiles(&forms[1].mol),
        to_smiles(&mol("Oc1ccc2ccccc2c1N=Nc1ccccc1"))
    );
    // A hydrogen atom on the NH would have to move as an atom: left alone.
    let m = mol("O=C1C=Cc2ccccc2C1=NN([H])c1ccccc1");
    let forms = variants(&m);
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].mol.atom_count(), m.atom_count());
}

#[test]
fn large_inputs_stay_bounded() {
    let chain = format!("{}.[Cu+2].[Cl-].[Cl-]", "C".repeat(100_000));
    let start = Instant::now();
    let m = mol(&chain);
    assert_eq!(variants(&m).len(), 1);
    // Many hydrazone sites: a bounded number of variants.
    let unit = "c1ccc(NN=C2C(=O)N(c3ccccc3)N=C2C)cc1";
    let many = vec![unit; 200].join(".");
    let m = mol(&many);
    let forms = variants(&m);
    check_invariants(&m, &forms);
    // The molecule, the first four sites together, each of them alone.
    assert_eq!(forms.len(), 6);
    assert!(start.elapsed().as_secs() < 20);
}
