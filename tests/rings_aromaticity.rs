//! Ring perception and aromaticity against known chemistry and against
//! RDKit's answers for ~16,000 molecules (fixtures/aromaticity/, made by
//! scripts/rdkit_aromaticity.py).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use markush::mol::Mol;
use markush::smiles::parse;

fn mol(smiles: &str) -> Mol {
    parse(smiles).unwrap_or_else(|e| panic!("{smiles}: {e:?}"))
}

fn sssr_sizes(m: &Mol) -> Vec<usize> {
    let mut s: Vec<usize> = m.rings().sssr().iter().map(|r| r.len()).collect();
    s.sort_unstable();
    s
}

fn aromatic_atoms(m: &Mol) -> Vec<usize> {
    (0..m.atom_count())
        .filter(|&i| m.atom(i).aromatic)
        .collect()
}

fn aromatic_bonds(m: &Mol) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = (0..m.bond_count())
        .filter(|&e| m.bond(e).aromatic)
        .map(|e| {
            let (a, b) = m.bond_atoms(e);
            (a.min(b), a.max(b))
        })
        .collect();
    v.sort_unstable();
    v
}

/// Each ring is a closed path: consecutive atoms are bonded by the listed
/// bond, the ring has no repeated atom.
fn assert_rings_well_formed(m: &Mol) {
    let info = m.rings();
    for (r, ring) in info.rings().iter().enumerate() {
        let bonds = info.ring_bonds(r);
        assert_eq!(ring.len(), bonds.len());
        let mut atoms = ring.clone();
        atoms.sort_unstable();
        atoms.dedup();
        assert_eq!(atoms.len(), ring.len(), "repeated atom in ring {ring:?}");
        for i in 0..ring.len() {
            let (a, b) = (ring[i] as usize, ring[(i + 1) % ring.len()] as usize);
            assert_eq!(m.bond_between(a, b), Some(bonds[i] as usize));
        }
    }
}

#[test]
fn benzene_is_one_aromatic_six_ring() {
    let m = mol("C1=CC=CC=C1");
    assert_eq!(sssr_sizes(&m), [6]);
    assert_eq!(m.rings().rings().len(), 1);
    assert_eq!(aromatic_atoms(&m).len(), 6);
    assert_eq!(aromatic_bonds(&m).len(), 6);
    assert!((0..6).all(|a| m.rings().atom_ring_count(a) == 1));
    assert!((0..6).all(|a| m.rings().atom_min_ring_size(a) == Some(6)));
    assert_rings_well_formed(&m);
}

#[test]
fn acyclic_molecules_have_no_rings() {
    let m = mol("CCC(=O)OCC(N)C=C");
    assert!(m.rings().rings().is_empty());
    assert!(m.rings().ring_systems().is_empty());
    assert_eq!(m.rings().atom_ring_count(2), 0);
    assert_eq!(m.rings().atom_min_ring_size(2), None);
    assert!(!m.rings().is_ring_bond(0));
    assert_eq!(m.aromatic_atom_count(), 0);
}

#[test]
fn naphthalene_has_two_six_rings_in_one_system() {
    let m = mol("c1ccc2ccccc2c1");
    assert_eq!(sssr_sizes(&m), [6, 6]);
    assert_eq!(m.rings().rings().len(), 2);
    assert_eq!(m.rings().ring_systems(), [vec![0, 1]]);
    // Fusion atoms 3 and 8 are in both rings, the fusion bond too.
    assert_eq!(m.rings().atom_ring_count(3), 2);
    assert_eq!(m.rings().atom_ring_count(8), 2);
    let fusion = m.bond_between(3, 8).unwrap();
    assert_eq!(m.rings().bond_ring_count(fusion), 2);
    assert_eq!(m.aromatic_atom_count(), 10);
    assert_eq!(aromatic_bonds(&m).len(), 11);
    assert_rings_well_formed(&m);
}

#[test]
fn biphenyl_is_two_systems_and_the_link_is_not_a_ring_bond() {
    let m = mol("c1ccccc1-c1ccccc1");
    assert_eq!(m.rings().ring_systems().len(), 2);
    let link = m.bond_between(5, 6).unwrap();
    assert!(!m.rings().is_ring_bond(link));
    assert!(!m.bond(link).aromatic);
}

#[test]
fn cubane_sssr_is_five_and_rdkit_keeps_all_six_faces() {
    let m = mol("C12C3C4C1C5C4C3C25");
    assert_eq!(sssr_sizes(&m), [4, 4, 4, 4, 4]);
    assert_eq!(m.rings().rings().len(), 6);
    assert!((0..8).all(|a| m.rings().atom_ring_count(a) == 3));
    assert_eq!(m.rings().ring_systems().len(), 1);
    assert_rings_well_formed(&m);
}

#[test]
fn norbornane_has_a_five_and_a_five() {
    let m = mol("C1CC2CCC1C2");
    assert_eq!(sssr_sizes(&m), [5, 5]);
    // The bridgehead atoms are in both rings, the one-carbon bridge too.
    assert_eq!(m.rings().atom_ring_count(2), 2);
    assert_eq!(m.rings().atom_ring_count(5), 2);
    assert_eq!(m.rings().atom_ring_count(6), 2);
    assert_eq!(m.rings().atom_ring_count(0), 1);
}

#[test]
fn spiro_rings_are_separate_systems() {
    let m = mol("C1CCC2(CC1)CCCC2");
    assert_eq!(sssr_sizes(&m), [5, 6]);
    assert_eq!(m.rings().ring_systems().len(), 2);
    assert_eq!(m.rings().atom_ring_count(3), 2);
    assert_eq!(m.rings().atom_min_ring_size(3), Some(5));
    assert_eq!(m.rings().atom_min_ring_size(0), Some(6));
}

#[test]
fn adamantane_has_three_rings_plus_a_symmetric_fourth() {
    let m = mol("C1C2CC3CC1CC(C2)C3");
    assert_eq!(sssr_sizes(&m), [6, 6, 6]);
    assert!(m.rings().rings().len() >= 3);
    assert_rings_well_formed(&m);
}

#[test]
fn azulene_is_aromatic_over_both_rings_but_not_its_fusion_bond() {
    let m = mol("C1=CC2=CC=CC=CC2=C1");
    assert_eq!(m.aromatic_atom_count(), 10);
    let fusion = m.bond_between(2, 8).unwrap();
    assert!(!m.bond(fusion).aromatic);
    assert_eq!(aromatic_bonds(&m).len(), 10);
}

#[test]
fn quinones_stay_non_aromatic() {
    for s in [
        "O=C1C=CC(=O)C=C1",
        "O=C1C=CC=CC1=O",
        "O=C1C(=O)c2ccccc2C=C1",
    ] {
        let m = mol(s);
        let ring_atoms: Vec<usize> = m.rings().rings()[0].iter().map(|&a| a as usize).collect();
        assert!(
            ring_atoms.iter().all(|&a| !m.atom(a).aromatic) || s.contains("c2"),
            "{s}"
        );
    }
    assert_eq!(mol("O=C1C=CC(=O)C=C1").aromatic_atom_count(), 0);
    // Anthraquinone: the benzo rings are aromatic, the quinone ring is not.
    let m = mol("O=C1c2ccccc2C(=O)c2ccccc12");
    assert_eq!(m.aromatic_atom_count(), 12);
    assert!(!m.atom(1).aromatic);
}

#[test]
fn pyridone_and_friends_are_aromatic_as_in_rdkit() {
    assert_eq!(mol("O=C1C=CC=CN1").aromatic_atom_count(), 6);
    assert_eq!(mol("O=c1cccc[nH]1").aromatic_atom_count(), 6);
    // Exocyclic C=C is not electronegative: fulvene is not aromatic.
    assert_eq!(mol("C=C1C=CC=C1").aromatic_atom_count(), 0);
    // Uracil-like 2,4-dione with two NH: aromatic in RDKit.
    assert_eq!(mol("O=C1C=CNC(=O)N1").aromatic_atom_count(), 6);
}

#[test]
fn five_membered_heteroaromatics() {
    for s in [
        "c1ccoc1",
        "c1ccsc1",
        "c1cc[nH]c1",
        "c1c[nH]cn1",
        "c1cocn1",
        "c1ccn[nH]1",
        "[se]1cccc1",
    ] {
        assert_eq!(mol(s).aromatic_atom_count(), 5, "{s}");
    }
    // Cyclopentadiene is not aromatic, its anion is.
    assert_eq!(mol("C1=CCC=C1").aromatic_atom_count(), 0);
    assert_eq!(mol("C1=C[CH-]C=C1").aromatic_atom_count(), 5);
}

#[test]
fn charged_rings() {
    // Pyrylium and tropylium are aromatic (6 electrons).
    assert_eq!(mol("C1=CC=[O+]C=C1").aromatic_atom_count(), 6);
    assert_eq!(mol("C1=CC=C[CH+]C=C1").aromatic_atom_count(), 7);
    // Cyclopropenyl cation (2 electrons) too.
    assert_eq!(mol("C1=C[CH+]1").aromatic_atom_count(), 3);
    // Pyridinium and N-oxide.
    assert_eq!(mol("C[n+]1ccccc1").aromatic_atom_count(), 6);
    assert_eq!(mol("[O-][n+]1ccccc1").aromatic_atom_count(), 6);
    // Cyclooctatetraene (8 electrons) is not.
    assert_eq!(mol("C1=CC=CC=CC=C1").aromatic_atom_count(), 0);
}

#[test]
fn fused_heteroaromatics() {
    for (s, n) in [
        ("c1ccc2[nH]ccc2c1", 9),        // indole
        ("c1ncc2[nH]cnc2n1", 9),        // purine
        ("c1ccc2[nH]cnc2c1", 9),        // benzimidazole
        ("c1ccc2ncccc2c1", 10),         // quinoline
        ("c1ccc2sccc2c1", 9),           // benzothiophene
        ("c1ccc2c(c1)ccc1ccccc12", 14), // phenanthrene
    ] {
        let m = mol(s);
        assert_eq!(m.aromatic_atom_count(), n, "{s}");
        assert_rings_well_formed(&m);
    }
}

#[test]
fn porphyrin_and_phthalocyanine() {
    // RDKit: the 18-electron path over the 16-ring and the two NH pyrroles
    // is aromatic; the CH=CH bonds of the two imine-type pyrroles are not.
    let porphine = mol("C1=CC2=CC3=CC=C(N3)C=C4C=CC(=N4)C=C5C=CC(=N5)C=C1N2");
    assert_eq!(sssr_sizes(&porphine), [5, 5, 5, 5, 16]);
    assert_eq!(porphine.aromatic_atom_count(), 20);
    assert!(!porphine.atom(11).aromatic && !porphine.atom(17).aromatic);
    let pc = mol("c1ccc2c(c1)c1nc2nc2[nH]c(nc3nc(nc4[nH]c(n1)c1ccccc41)c1ccccc31)c1ccccc21");
    assert_eq!(pc.aromatic_atom_count(), 40);
}

#[test]
fn kekule_and_aromatic_spellings_agree() {
    for (kekule, aromatic) in [
        ("C1=CC=C2NC=CC2=C1", "c1ccc2[nH]ccc2c1"),
        ("O=C1C=CC=CN1", "O=c1cccc[nH]1"),
        ("C1=CC2=CC=CC=CC2=C1", "c1cc2cccccc2c1"),
        ("CN1C=NC2=C1C(=O)N(C)C(=O)N2C", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"),
        ("C1=CC=C2C=C3C=CC=CC3=CC2=C1", "c1ccc2cc3ccccc3cc2c1"),
    ] {
        let (k, a) = (mol(kekule), mol(aromatic));
        assert_eq!(
            aromatic_atoms(&k),
            aromatic_atoms(&a),
            "{kekule} vs {aromatic}"
        );
        assert_eq!(
            aromatic_bonds(&k),
            aromatic_bonds(&a),
            "{kekule} vs {aromatic}"
        );
        assert!(!aromatic_atoms(&k).is_empty());
    }
}

#[test]
fn long_chain_and_big_ring_are_cheap_and_iterative() {
    let chain = format!("C{}", "C".repeat(200_000));
    let m = mol(&chain);
    assert!(m.rings().rings().is_empty());
    let big_ring = format!("C1{}C1", "C".repeat(100_000));
    let m = mol(&big_ring);
    assert_eq!(sssr_sizes(&m), [100_002]);
}

#[test]
fn large_fused_systems_are_bounded() {
    // Octacene: every ring found, all aromatic.
    let m = mol("c1ccc2cc3cc4cc5cc6cc7cc8ccccc8cc7cc6cc5cc4cc3cc2c1");
    assert_eq!(sssr_sizes(&m), [6; 8]);
    assert_eq!(m.aromatic_atom_count(), 34);
    // Buckminsterfullerene: an all-degree-3 cage with no chain to start from.
    let c60 = mol("c12c3c4c5c1c1c6c7c2c2c8c3c3c9c4c4c%10c5c5c1c1c6c6c%11c7c2c2c7c8c3c3c8c9c4c4c9c%10c5c5c1c1c6c6c%11c2c2c7c3c3c8c4c4c9c5c1c1c6c2c3c41");
    assert_eq!(c60.atom_count(), 60);
    assert_eq!(c60.rings().sssr().len(), 31);
    assert_rings_well_formed(&c60);
}

#[test]
fn rings_closed_past_a_dative_chain_bond_or_across_a_dot() {
    // Atom 4 is reached by a dative bond, which closes no ring, so its ring
    // bonds join it to the rest from outside the chain-bond tree.
    let m = mol("C1CC(C2)->[Fe]12");
    assert_eq!(m.rings().sssr(), [vec![0, 1, 2, 3, 4]]);
    assert_eq!(m.bond_between(2, 4), Some(3));
    assert!(!m.rings().is_ring_bond(3));
    assert_rings_well_formed(&m);
    let m = mol("C1CC->[Fe]1");
    assert!(m.rings().rings().is_empty());
    let m = mol("C1CC2.C12");
    assert_eq!(m.rings().sssr(), [vec![0, 1, 2, 3]]);
    assert!(mol("C1CC.C1").rings().rings().is_empty());
}

/// Everything ring perception reports about a molecule.
type RingFacts = (
    Vec<Vec<u32>>,
    Vec<Vec<u32>>,
    Vec<Vec<u32>>,
    Vec<Vec<usize>>,
    Vec<(usize, Option<usize>)>,
    Vec<(usize, Option<usize>)>,
    Vec<usize>,
    Vec<(usize, usize)>,
);

fn ring_facts(m: &Mol) -> RingFacts {
    let info = m.rings();
    (
        info.sssr().to_vec(),
        info.rings().to_vec(),
        (0..info.rings().len())
            .map(|r| info.ring_bonds(r).to_vec())
            .collect(),
        info.ring_systems().to_vec(),
        (0..m.atom_count())
            .map(|a| (info.atom_ring_count(a), info.atom_min_ring_size(a)))
            .collect(),
        (0..m.bond_count())
            .map(|b| (info.bond_ring_count(b), info.bond_min_ring_size(b)))
            .collect(),
        aromatic_atoms(m),
        aromatic_bonds(m),
    )
}

#[test]
fn results_do_not_depend_on_what_the_thread_perceived_before() {
    // Perception keeps its buffers per thread: read molecules of very
    // different shapes in one order here and in the other order on a fresh
    // thread, and compare.
    let big_ring = format!("C1{}C1", "C".repeat(2_000));
    let smiles: Vec<String> = [
        "c1ccc2ccccc2c1",
        "C12C3C4C1C5C2C3C45",
        "CC",
        "C1CC2CCC1C2",
        "c1ccccc1-c1ccccc1",
        big_ring.as_str(),
        "C12=CON=C1C(C4)CC3CC2CC4C3",
        "O=C1C=CC(=O)C=C1",
        "C1CC(C2)->[Fe]12",
        "c1ccc2cc3cc4cc5cc6cc7cc8ccccc8cc7cc6cc5cc4cc3cc2c1",
        "C1CC12CC2",
        "c1ccc2c(c1)[nH]c1ccccc12",
        "C1CCCCC1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let forward: Vec<RingFacts> = smiles.iter().map(|s| ring_facts(&mol(s))).collect();
    let mut backward = std::thread::spawn(move || {
        smiles
            .iter()
            .rev()
            .map(|s| ring_facts(&mol(s)))
            .collect::<Vec<_>>()
    })
    .join()
    .unwrap();
    backward.reverse();
    assert_eq!(forward, backward);
    assert_eq!(forward[1].0.len(), 5);
    assert_eq!(forward[1].1.len(), 6);
}

// --- Comparison with RDKit -------------------------------------------------

struct Expected {
    source: String,
    smiles: String,
    sssr: Vec<usize>,
    rings: usize,
    atoms: Vec<usize>,
    bonds: Vec<(usize, usize)>,
}

fn list<T>(s: &str, f: impl Fn(&str) -> T) -> Vec<T> {
    if s == "-" {
        Vec::new()
    } else {
        s.split(',').map(f).collect()
    }
}

fn read_fixture() -> Vec<Expected> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/aromaticity/rdkit.tsv.gz");
    let file = std::fs::File::open(&path).expect("fixture present");
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if line.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        out.push(Expected {
            source: c[0].to_string(),
            smiles: c[1].to_string(),
            sssr: list(c[2], |x| x.parse().unwrap()),
            rings: c[3].parse().unwrap(),
            atoms: list(c[4], |x| x.parse().unwrap()),
            bonds: list(c[5], |x| {
                let (a, b) = x.split_once('-').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            }),
        });
    }
    out
}

/// Documented disagreements: smiles -> reason.
fn documented() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/aromaticity/disagreements.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 5).then(|| (c[0].to_string(), c[4].to_string()))
        })
        .collect()
}

fn fmt<T: std::fmt::Debug>(v: &[T]) -> String {
    format!("{v:?}").replace(' ', "")
}

#[test]
fn agrees_with_rdkit_on_fixture_molecules() {
    let expected = read_fixture();
    assert!(expected.len() > 15_000);
    let known = documented();
    let (mut parsed, mut sssr_ok, mut rings_ok, mut atoms_ok, mut bonds_ok) = (0, 0, 0, 0, 0);
    let mut reader_failures = Vec::new();
    let mut undocumented = Vec::new();
    for e in &expected {
        let m = match parse(&e.smiles) {
            Ok(m) => m,
            Err(err) => {
                reader_failures.push(format!("{}\t{}\t{err:?}", e.source, e.smiles));
                continue;
            }
        };
        parsed += 1;
        let sssr = sssr_sizes(&m);
        let atoms = aromatic_atoms(&m);
        let bonds = aromatic_bonds(&m);
        let rings = m.rings().rings().len();
        sssr_ok += usize::from(sssr == e.sssr);
        rings_ok += usize::from(rings == e.rings);
        atoms_ok += usize::from(atoms == e.atoms);
        bonds_ok += usize::from(bonds == e.bonds);
        let differs = sssr != e.sssr || rings != e.rings || atoms != e.atoms || bonds != e.bonds;
        if differs && !known.contains_key(&e.smiles) {
            undocumented.push(format!(
                "{}\trdkit sssr={} rings={} atoms={}\tours sssr={} rings={} atoms={}",
                e.smiles,
                fmt(&e.sssr),
                e.rings,
                fmt(&e.atoms),
                fmt(&sssr),
                rings,
                fmt(&atoms)
            ));
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / parsed as f64;
    println!(
        "{} molecules, {} parsed, {} rejected by the SMILES reader",
        expected.len(),
        parsed,
        reader_failures.len()
    );
    println!(
        "SSSR sizes {:.3}%, ring count {:.3}%, aromatic atoms {:.3}%, aromatic bonds {:.3}%",
        pct(sssr_ok),
        pct(rings_ok),
        pct(atoms_ok),
        pct(bonds_ok)
    );
    for f in &reader_failures {
        println!("reader: {f}");
    }
    for d in &undocumented {
        println!("undocumented: {d}");
    }
    // Every SSSR difference must be one of the documented ones.
    assert!(
        sssr_ok + known.len() >= parsed,
        "SSSR sizes agree on {sssr_ok} of {parsed}"
    );
    assert!(
        pct(atoms_ok) >= 99.9,
        "aromatic atoms agree on {:.3}%",
        pct(atoms_ok)
    );
    assert!(
        undocumented.is_empty(),
        "{} undocumented disagreements",
        undocumented.len()
    );
}
