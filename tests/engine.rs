//! The classification engine on the example templates of grammars/examples
//! and small inline libraries, with real molecules.

use markush::markush::engine::{Classification, Classifier, FormulaMatch};
use markush::markush::Library;

fn examples() -> Classifier {
    Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples")).unwrap()
}

fn explain(c: &Classifier, smiles: &str) -> Classification {
    c.explain(&markush::smiles::parse(smiles).unwrap())
}

fn matched<'a>(c: &'a Classification, formula: &str) -> &'a FormulaMatch {
    c.matches
        .iter()
        .find(|m| m.formula == formula)
        .unwrap_or_else(|| panic!("{formula} did not match: {:?}", c.misses))
}

fn miss(c: &Classification, formula: &str) -> String {
    assert!(
        c.matches.iter().all(|m| m.formula != formula),
        "{formula} matched"
    );
    c.misses
        .iter()
        .find(|m| m.formula == formula)
        .unwrap()
        .reason
        .clone()
}

const DIETHYLAMINO_DYE: &str = "CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1";

#[test]
fn heterocyclic_azo_dye_is_m_i_with_every_label_assigned() {
    let c = explain(&examples(), DIETHYLAMINO_DYE);
    let m = matched(&c, "example:M-I");
    assert_eq!(m.claims, [2]);
    assert_eq!(m.variables["B1"], "=CR1-");
    assert_eq!(m.variables["B2"], "-CR2=");
    let a = &m.assignments["A"];
    assert_eq!(a.groups[0], "heterocyclic");
    assert_eq!(a.smiles, "[*]c1nccs1");
    assert_eq!(a.atoms, [12, 13, 14, 15, 16]);
    for label in ["R5", "R6"] {
        assert_eq!(m.assignments[label].groups[0], "alkyl");
        assert_eq!(m.assignments[label].smiles, "[*]CC");
    }
    assert_eq!(m.assignments["G"].smiles, "[*]C");
    // The ring CH atoms of B1 and B2 carry hydrogen.
    for label in ["R1", "R2"] {
        assert_eq!(m.assignments[label].groups, ["hydrogen"]);
        assert!(m.assignments[label].atoms.is_empty());
    }
    // Core: the azo N=N, six ring atoms and the amino N.
    assert_eq!(m.core_atoms.len(), 9);
    assert!(m.core_atoms.contains(&2) && !m.core_atoms.contains(&0));
    assert_eq!(miss(&c, "example:C-I"), "core not found");
}

#[test]
fn a_secondary_amine_has_hydrogen_at_one_of_its_two_labels() {
    let c = explain(&examples(), "CCNc1nc(C)c(N=Nc2nccs2)cc1");
    let m = matched(&c, "example:M-I");
    let (r5, r6) = (&m.assignments["R5"], &m.assignments["R6"]);
    let mut smiles = [r5.smiles.as_str(), r6.smiles.as_str()];
    smiles.sort();
    assert_eq!(smiles, ["[*]CC", "[H]"]);
}

#[test]
fn variable_ring_atom_reports_its_alternative_and_forbid_holds() {
    let classifier = examples();
    // 2-diethylamino-pyrimidine coupler: B1 is the ring nitrogen.
    let c = explain(&classifier, "CCN(CC)c1ncc(N=Nc2nccs2)c(C)n1");
    let m = matched(&c, "example:M-I");
    assert_eq!(m.variables["B1"], "=N-");
    assert_eq!(m.variables["B2"], "-CR2=");
    assert!(!m.assignments.contains_key("R1"));
    // A triazine coupler would need both B1 and B2 to be nitrogen.
    let c = explain(&classifier, "CCN(CC)c1nnc(N=Nc2nccs2)c(C)n1");
    let why = miss(&c, "example:M-I");
    assert!(
        why.contains("the claim excludes B1 is \"=N-\" and B2 is \"-N=\""),
        "{why}"
    );
}

#[test]
fn ring_closure_between_r5_and_r6_is_reported_and_its_size_checked() {
    let classifier = examples();
    let c = explain(&classifier, "C1CCN(CC1)c1nc(C)c(N=Nc2nccs2)cc1");
    let m = matched(&c, "example:M-I");
    assert_eq!(m.assignments["R5"].ring_with.as_deref(), Some("R6"));
    assert_eq!(m.assignments["R6"].ring_with.as_deref(), Some("R5"));
    assert_eq!(m.assignments["R5"].smiles, "[*]CCCCC[*]");
    // Azetidine: a four-membered ring, which the claim does not allow.
    let c = explain(&classifier, "C1CN(C1)c1nc(C)c(N=Nc2nccs2)cc1");
    let why = miss(&c, "example:M-I");
    assert!(why.contains("R5 and R6 form a 4-membered ring"), "{why}");
}

#[test]
fn phenyl_azo_is_a_near_miss_naming_the_label() {
    let c = explain(&examples(), "CCN(CC)c1nc(C)c(N=Nc2ccccc2)cc1");
    let why = miss(&c, "example:M-I");
    assert_eq!(
        why,
        "core found, but A is an aryl group ([*]c1ccccc1), which the claim does not allow"
    );
    // A sulfo group where R5 allows none of it.
    let c = explain(&examples(), "OS(=O)(=O)N(CC)c1nc(C)c(N=Nc2nccs2)cc1");
    let why = miss(&c, "example:M-I");
    assert!(
        why.contains("is a sulfo group ([*]S(=O)(=O)O), which the claim does not allow"),
        "{why}"
    );
}

#[test]
fn spelling_atom_order_and_salts_do_not_change_the_classification() {
    let classifier = examples();
    let reference = matched(&explain(&classifier, DIETHYLAMINO_DYE), "example:M-I").clone();
    for smiles in [
        "CCN(CC)C1=NC(C)=C(N=NC2=NC=CS2)C=C1",
        "CCN(c1nc(C)c(N=Nc2nccs2)cc1)CC",
        "s1ccnc1N=Nc1ccc(N(CC)CC)nc1C",
        "[Na+].CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1.[Cl-]",
    ] {
        let c = explain(&classifier, smiles);
        let m = matched(&c, "example:M-I");
        assert_eq!(m.variables, reference.variables, "{smiles}");
        assert_eq!(m.assignments.len(), reference.assignments.len(), "{smiles}");
        for (label, a) in &reference.assignments {
            assert_eq!(m.assignments[label].groups, a.groups, "{smiles} {label}");
            assert_eq!(m.assignments[label].smiles, a.smiles, "{smiles} {label}");
        }
    }
    let salt = explain(&classifier, "[Na+].CCN(CC)c1nc(C)c(N=Nc2nccs2)cc1.[Cl-]");
    let notes = &matched(&salt, "example:M-I").notes;
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().any(|n| n.ends_with("[Na+]")));
    // Atom indices are those of the molecule as given.
    assert_eq!(
        matched(&salt, "example:M-I").assignments["A"].atoms,
        [13, 14, 15, 16, 17]
    );
}

const CUPC_TWO_SULFAMOYL: &str = "c1c(S(=O)(=O)NCCO)cc2c(c1)C1=Nc3c4cc(S(=O)(=O)NCCO)ccc4c4n3[Cu]n3c(c5cc(S(=O)(=O)O)ccc5c3=NC3=NC(=N4)c4ccccc43)=NC2=N1";

#[test]
fn phthalocyanine_counts_x_and_y_per_benzo_ring() {
    let classifier = examples();
    for smiles in [
        CUPC_TWO_SULFAMOYL,
        "O=S(=O)(O)C1=CC2=C(C=C1)C1=NC3=NC(=NC4=C5C=CC(S(=O)(=O)NCCO)=CC5=C5N=C6N=C(N=C2[N]1[Cu][N]45)C1=C6C=CC(S(=O)(=O)NCCO)=C1)C1=CC=CC=C13",
    ] {
        let c = explain(&classifier, smiles);
        let m = matched(&c, "example:C-I");
        let counts = m.counts.as_ref().unwrap();
        let a: i64 = ["a1", "a2", "a3", "a4"].iter().map(|k| counts[*k]).sum();
        let b: i64 = ["b1", "b2", "b3", "b4"].iter().map(|k| counts[*k]).sum();
        assert_eq!((a, b, counts["sum"]), (2, 14, 2), "{smiles}");
        for ring in 1..=4 {
            assert_eq!(counts[&format!("a{ring}")] + counts[&format!("b{ring}")], 4);
        }
        assert_eq!(m.variables["M"], "Cu");
        // Which benzo rings are numbered 1..4 depends on how the symmetric
        // core maps; two X variables must be set, both to the sulfamoyl form.
        let xs: Vec<&str> = m
            .variables
            .iter()
            .filter(|(k, _)| k.starts_with('X'))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(xs, ["-SO2NR21R22", "-SO2NR21R22"], "{smiles}");
        let x: Vec<_> = m.assignments.iter().filter(|(k, _)| k.starts_with('X')).collect();
        assert_eq!(x.len(), 2);
        for (_, a) in &x {
            assert_eq!(a.smiles, "[*]S(=O)(=O)NCCO");
        }
        // The sulfo group is a Y, never an X.
        let sulfo: Vec<_> = m.assignments.iter().filter(|(_, a)| a.groups.first().map(String::as_str) == Some("sulfo")).collect();
        assert_eq!(sulfo.len(), 1);
        assert!(sulfo[0].0.starts_with('Y'));
        // R21/R22 of each sulfamoyl: hydrogen and hydroxyethyl.
        assert!(m.assignments.values().any(|a| a.smiles == "[*]CCO"));
    }
}

#[test]
fn phthalocyanine_with_one_sulfamoyl_or_only_sulfo_misses_on_the_sum() {
    let classifier = examples();
    let c = explain(&classifier, "c1ccc2c(c1)C1=Nc3c4cc(S(=O)(=O)NCCO)ccc4c4n3[Cu]n3c(c5ccccc5c3=NC3=NC(=N4)c4ccccc43)=NC2=N1");
    assert_eq!(
        miss(&c, "example:C-I"),
        "core found, but a1 + a2 + a3 + a4 >= 2 does not hold (a1 + a2 + a3 + a4 is 1)"
    );
    let c = explain(&classifier, "c1ccc2c(c1)C1=Nc3c4cc(S(=O)(=O)O)ccc4c4n3[Cu]n3c(c5cc(S(=O)(=O)O)ccc5c3=NC3=NC(=N4)c4ccccc43)=NC2=N1");
    assert!(miss(&c, "example:C-I").ends_with("(a1 + a2 + a3 + a4 is 0)"));
}

#[test]
fn amino_acid_complexes_need_a_metal_of_valence_two() {
    let classifier = examples();
    for (smiles, metal, claims) in [
        ("NCC(=O)O[Cu]OC(=O)CN", "Cu", vec![1, 2]),
        (
            "[Al+3].NCC(=O)[O-].NCC(=O)[O-].NCC(=O)[O-]",
            "Al",
            vec![1, 2, 6],
        ),
    ] {
        let c = explain(&classifier, smiles);
        let m = matched(&c, "example:acid-I");
        assert_eq!(m.variables["X"], "-N<", "{smiles}");
        assert_eq!(m.variables["M"], metal);
        assert_eq!(m.claims, claims);
        let counts = m.counts.as_ref().unwrap();
        assert_eq!((counts["m"], counts["n"]), (2, 1));
        assert_eq!(m.assignments["R1"].groups, ["hydrogen"]);
        assert_eq!(m.assignments["L"].smiles, "[*]C[*]");
        assert_eq!(m.assignments["Y"].groups[0], "carboxyl");
    }
    // Sodium glycinate is a ligand, but sodium has valence one.
    let c = explain(&classifier, "NCC(=O)[O-].[Na+]");
    assert_eq!(
        miss(&c, "example:acid-I"),
        "M is Na, which is not a metal of valence >= 2"
    );
    let c = explain(&classifier, "NCC(=O)O");
    assert_eq!(
        miss(&c, "example:acid-I"),
        "the record holds no metal M for the complex"
    );
}

#[test]
fn a_molecule_is_reported_under_every_formula_it_satisfies() {
    let text = "group hydrogen \"hydrogen atom\" = [#1] exact\n\
                group halogen \"halogen atom\" = [F,Cl,Br,I] exact\n\
                group alkyl \"alkyl group\" = [CX4;!R]\n\
                formula demo:I \"halobenzene\"\n  claims 1\n  core c1ccccc1{X}\n  label X = halogen\n\
                formula demo:II \"para-substituted chlorobenzene\"\n  claims 2, 3\n  core Clc1ccc({R})cc1\n  label R = hydrogen | alkyl\n";
    let classifier =
        Classifier::new(Library::from_sources(&[("demo.markush", text)]).unwrap()).unwrap();
    let c = explain(&classifier, "Clc1ccccc1");
    assert_eq!(c.matches.len(), 2);
    assert_eq!(matched(&c, "demo:I").assignments["X"].smiles, "[*]Cl");
    assert_eq!(matched(&c, "demo:II").assignments["R"].groups, ["hydrogen"]);
    assert_eq!(matched(&c, "demo:II").claims, [2, 3]);
    // 4-chlorotoluene: demo:II only; demo:I finds the core but the methyl is unexplained.
    let c = explain(&classifier, "Cc1ccc(Cl)cc1");
    assert_eq!(matched(&c, "demo:II").assignments["R"].smiles, "[*]C");
    assert!(miss(&c, "demo:I").contains("which no label of the formula covers"));
    // 2-chlorotoluene: the methyl sits where demo:II has no label.
    let c = explain(&classifier, "Cc1ccccc1Cl");
    assert!(c.matches.is_empty());
    assert_eq!(c.misses.len(), 2);
}

#[test]
fn groups_that_make_a_label_fit_come_first() {
    let classifier =
        Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars")).unwrap();
    let c = classifier.classify(&markush::smiles::parse("c1ccnc(c1)N=Nc1nccs1").unwrap());
    let m = matched(&c, "dye-ink:Y-I");
    // The dye-ink file's own `coupler` group ([#6;R]) explains only the
    // ring carbon and ranks as specific as heterocyclic among all groups;
    // the label allows heterocyclic, which must come first.
    for (label, smiles) in [("A", "[*]c1ccccn1"), ("B", "[*]c1nccs1")] {
        let a = &m.assignments[label];
        assert_eq!(a.smiles, smiles);
        assert_eq!(a.groups, ["heterocyclic", "coupler"], "{label}");
    }
}

fn patents() -> Classifier {
    Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars")).unwrap()
}

#[test]
fn rings_closing_inside_a_substituent_variable_join_its_inner_labels() {
    let classifier = patents();
    // Julolidine: both N-propylene chains close rings onto the benzene
    // ring, R5 with R1 and R6 with R3 (or the mirror image).
    let julolidine = "O=C1C=CC(=Nc2cc3c4c(c2)CCCN4CCC3)c2ccccc12";
    let c = classifier.classify(&markush::smiles::parse(julolidine).unwrap());
    for formula in ["dye-ink:I", "dye-ink:II"] {
        let m = matched(&c, formula);
        assert_eq!(m.variables["A"], "-NR5R6");
        let partner = |l: &str| m.assignments[l].ring_with.clone();
        let pairs = [("R5", "R1"), ("R6", "R3")];
        let mirrored = [("R5", "R3"), ("R6", "R1")];
        let closes = |ps: [(&str, &str); 2]| {
            ps.iter()
                .all(|&(a, b)| partner(a).as_deref() == Some(b) && partner(b).as_deref() == Some(a))
        };
        assert!(closes(pairs) || closes(mirrored), "{:?}", m.assignments);
        assert_eq!(m.assignments["R5"].smiles, "[*]CCC[*]");
        for label in ["R2", "R4"] {
            assert_eq!(m.assignments[label].groups, ["hydrogen"]);
        }
    }
    // N-ethyl tetrahydroquinoline: one ring, the ethyl stays R5 or R6.
    let thq = "CCN1CCCc2cc(N=C3C=CC(=O)c4ccccc34)ccc21";
    let c = classifier.classify(&markush::smiles::parse(thq).unwrap());
    let m = matched(&c, "dye-ink:I");
    let ethyl: Vec<&String> = ["R5", "R6"]
        .iter()
        .map(|l| &m.assignments[*l].smiles)
        .filter(|s| *s == "[*]CC")
        .collect();
    assert_eq!(ethyl.len(), 1, "{:?}", m.assignments);
    let ring: Vec<(&str, Option<&str>)> = ["R1", "R3", "R5", "R6"]
        .iter()
        .map(|l| (*l, m.assignments[*l].ring_with.as_deref()))
        .filter(|(_, w)| w.is_some())
        .collect();
    assert_eq!(ring.len(), 2, "{:?}", m.assignments);
    assert!(matches!(
        ring.as_slice(),
        [("R1", Some("R5")), ("R5", Some("R1"))] | [("R3", Some("R6")), ("R6", Some("R3"))]
    ));
}

#[test]
fn a_ligand_bonded_to_its_metal_is_still_the_ligand() {
    let classifier = patents();
    for (smiles, formula, x) in [
        ("NCC(=O)O[Zn]OC(=O)CN", "acid-complex:II", None),
        (
            "CC(O)C(=O)O[Zr](OC(=O)C(C)O)(OC(=O)C(C)O)OC(=O)C(C)O",
            "acid-complex:III",
            Some("-O-"),
        ),
        (
            "Cl[Zr]12(Cl)(OC(=O)C[NH2]->1)OC(=O)C[NH2]->2",
            "acid-complex:I",
            Some("-N<"),
        ),
    ] {
        let c = classifier.classify(&markush::smiles::parse(smiles).unwrap());
        let m = matched(&c, formula);
        assert_eq!(m.variables.get("X").map(String::as_str), x, "{smiles}");
        let y = &m.assignments["Y"];
        assert_eq!(y.groups[0], "carboxyl", "{smiles}");
        assert_eq!(y.smiles, "[*]C(=O)[O-]", "{smiles}");
        assert!(
            m.notes
                .iter()
                .any(|n| n.starts_with("metal bonds read as ionic")),
            "{smiles}: {:?}",
            m.notes
        );
    }
}

#[test]
fn an_azomethine_needs_its_written_double_bond() {
    let classifier =
        Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars")).unwrap();
    // The imine N=C of formula (I): the coupler on a double bond matches.
    let c = explain(&classifier, "CN(C)c1ccc(N=C2CCCCC2)cc1");
    let m = matched(&c, "dye-ink:I");
    assert_eq!(m.assignments["Cp"].smiles, "[*]=C1CCCCC1");
    assert_eq!(m.assignments["A"].smiles, "[*]N(C)C");
    // The same atoms joined by a single bond are an amine, not a dye of (I).
    let c = explain(&classifier, "CN(C)c1ccc(NC2CCCCC2)cc1");
    assert_eq!(miss(&c, "dye-ink:I"), "core not found");
    // Nor is a diarylamine (4-anilinophenol, once taken for an azomethine).
    let c = explain(&classifier, "Oc1ccc(Nc2ccccc2)cc1");
    assert_eq!(miss(&c, "dye-ink:I"), "core not found");
}

#[test]
fn a_written_label_bond_picks_the_substituent_and_explains_a_miss() {
    let text = "group alkyl \"alkyl group\" = [CX4;!R]\n\
                group alkylidene \"alkylidene group\" = [CX3;!R]\n\
                formula demo:I \"an alkylidene and an alkyl on one carbon\"\n  claims 1\n  core {Q}=C({P})C\n  label Q, P = alkyl | alkylidene\n\
                formula demo:II \"an allene end\"\n  claims 1\n  core {Q}=C({P})=C\n  label Q, P = alkyl | alkylidene\n";
    let classifier =
        Classifier::new(Library::from_sources(&[("demo.markush", text)]).unwrap()).unwrap();
    // 2-methylbut-2-ene, read at C2: Q takes the double-bonded neighbour,
    // P the methyl, though the methyl would fit Q's groups too.
    let c = explain(&classifier, "CC=C(C)C");
    let m = matched(&c, "demo:I");
    assert_eq!(m.assignments["Q"].smiles, "[*]=CC");
    assert_eq!(m.assignments["P"].smiles, "[*]C");
    // Isobutene under demo:II: the core's =C takes the only double bond,
    // which leaves Q on a single bond where the formula writes `=`.
    let c = explain(&classifier, "CC(C)=C");
    assert_eq!(
        miss(&c, "demo:II"),
        "core found, but Q is bonded to core atom 1 by a single bond, not the one the formula writes"
    );
}

#[test]
fn the_acid_group_hangs_on_the_x_nearest_it() {
    let classifier =
        Classifier::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars")).unwrap();
    // Cocamidopropyl betaine: both the amide N and the betaine N+ make a
    // valid X of (R1)m-X-(L-Y)n; the carboxylate sits on the N+ through
    // one CH2, seven atoms from the amide N.
    let c = explain(&classifier, "CCCCCCCCCCCC(=O)NCCC[N+](C)(C)CC(=O)[O-]");
    let m = matched(&c, "acid-complex:I");
    assert_eq!(m.variables["X"], "-N+<");
    assert_eq!(m.assignments["L"].smiles, "[*]C[*]");
    assert_eq!(m.assignments["Y"].smiles, "[*]C(=O)[O-]");
    assert_eq!(m.counts.as_ref().unwrap()["n"], 1);
}
