//! The SMILES writer: round trips, canonical order, stereo, fragments.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use markush::mol::{assign_implicit_hydrogens, Atom, Bond, BondOrder, Mol};
use markush::mol::{Chirality, StereoCenter};
use markush::smiles::{fragment_smiles, parse, to_smiles};
use proptest::prelude::*;

/// `$MARKUSH_SHARED_DATA`, else `shared/data` next to the crate (or next to
/// the worktree directory holding it).
fn shared_data() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MARKUSH_SHARED_DATA") {
        return Some(PathBuf::from(dir)).filter(|d| d.is_dir());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../shared/data", "../../shared/data"]
        .iter()
        .map(|rel| root.join(rel))
        .find(|d| d.is_dir())
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/writer")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Everything about an atom the writer must keep, independent of numbering.
fn atom_key(mol: &Mol, i: usize) -> (u8, u16, i8, u8, bool, usize, bool, u32) {
    let a = mol.atom(i);
    (
        a.element,
        a.isotope,
        a.charge,
        a.total_h(),
        a.aromatic,
        mol.degree(i),
        a.chirality != Chirality::None,
        a.atom_class,
    )
}

/// Bond type as the writer sees it: aromatic bonds have no fixed Kekulé
/// order, and cis/trans marks are rewritten (their meaning is checked by
/// the written strings and the stereo group tests).
fn bond_kind(b: &Bond) -> (bool, u8) {
    let order = if b.aromatic { 0 } else { b.order as u8 };
    (b.aromatic, order)
}

type GraphSummary = (
    String,
    Vec<(u8, u16, i8, u8, bool, usize, bool, u32)>,
    Vec<String>,
);

/// Numbering-free summary: formula, sorted atom keys, sorted bond keys
/// (a bond key holds the keys of both its atoms).
fn summary(mol: &Mol) -> GraphSummary {
    let mut atoms: Vec<_> = (0..mol.atom_count()).map(|i| atom_key(mol, i)).collect();
    atoms.sort();
    let mut bonds: Vec<String> = (0..mol.bond_count())
        .map(|e| {
            let (a, b) = mol.bond_atoms(e);
            let (ka, kb) = (atom_key(mol, a), atom_key(mol, b));
            let bond = mol.bond(e);
            // A dative bond points from donor to acceptor; others have no side.
            let (x, y) = if bond.order == BondOrder::Dative || ka <= kb {
                (ka, kb)
            } else {
                (kb, ka)
            };
            format!("{x:?}{:?}{y:?}", bond_kind(bond))
        })
        .collect();
    bonds.sort();
    (mol.formula(), atoms, bonds)
}

/// Writes `mol`, reads it back and checks that the same graph came back
/// and that the written string is stable. Returns the string.
fn round_trip(mol: &Mol, what: &str) -> Result<String, String> {
    let out = to_smiles(mol);
    let back = parse(&out).map_err(|e| format!("{what}: wrote {out}, which fails to read: {e}"))?;
    if summary(&back) != summary(mol) {
        return Err(format!("{what}: wrote {out}, read back a different graph"));
    }
    let again = to_smiles(&back);
    if again != out {
        return Err(format!("{what}: wrote {out}, its reading writes {again}"));
    }
    Ok(out)
}

fn corpus_round_trip(file: &str, limit: usize) {
    let Some(dir) = shared_data() else {
        eprintln!("NOTICE: shared data absent, skipping {file}");
        return;
    };
    let path = dir.join("corpus").join(file);
    let Ok(f) = std::fs::File::open(&path) else {
        eprintln!("NOTICE: {} absent, skipping", path.display());
        return;
    };
    let reader = BufReader::new(flate2::read::GzDecoder::new(f));
    let (mut total, mut unread, mut failures) = (0, 0, Vec::new());
    for line in reader.lines().take(limit) {
        let line = line.expect("corpus line");
        let Some(smi) = line.split_whitespace().next() else {
            continue;
        };
        total += 1;
        let Ok(mol) = parse(smi) else {
            unread += 1;
            continue;
        };
        if let Err(e) = round_trip(&mol, smi) {
            failures.push(e);
        }
    }
    eprintln!(
        "{file}: {total} molecules, {unread} not read by the reader, {} round-trip failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{}",
        failures[..failures.len().min(20)].join("\n")
    );
}

#[test]
fn round_trip_znp_first_20000() {
    corpus_round_trip("rdkit_regress_znp.50k.smi.gz", 20_000);
}

#[test]
fn round_trip_chembl_chiral() {
    corpus_round_trip("rdkit_regress_chembl_20_chiral.smi.gz", usize::MAX);
}

fn mirror(smi: &str) -> String {
    smi.replace("@@", "\0")
        .replace('@', "@@")
        .replace('\0', "@")
}

/// Fixture molecules: each round-trips, gives the same string as RDKit's
/// own rewriting of it, and tells its mirror image apart exactly when RDKit
/// does.
#[test]
fn fixture_molecules_agree_with_rdkit_rewrites() {
    let text = fixture("molecules.tsv");
    let mut failures = Vec::new();
    let mut incomparable = Vec::new();
    let mut rows = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (input, rdkit, mirror_same) = (cols[0], cols[1], cols[2] == "same");
        rows += 1;
        let mol = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        let ours = match round_trip(&mol, input) {
            Ok(s) => s,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let theirs = parse(rdkit).unwrap_or_else(|e| panic!("{rdkit}: {e}"));
        // RDKit drops explicit [H] atoms and stereo tags on atoms that are
        // no stereocentres, and (until aromaticity perception) may read as a
        // different aromatic graph: only the same graph can be compared.
        if summary(&theirs) != summary(&mol) {
            incomparable.push(input);
            continue;
        }
        let theirs = to_smiles(&theirs);
        if ours != theirs {
            failures.push(format!(
                "{input}: {ours}, but RDKit's {rdkit} gives {theirs}"
            ));
        }
        let mirrored = to_smiles(&parse(&mirror(input)).expect("mirror reads"));
        if (mirrored == ours) != mirror_same {
            failures.push(format!(
                "{input}: mirror image {mirrored} vs {ours}, RDKit says same = {mirror_same}"
            ));
        }
    }
    eprintln!(
        "{rows} fixture molecules, {} not comparable with RDKit's graph: {incomparable:?}",
        incomparable.len()
    );
    assert!(rows > 300);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The NextMove stereo sets: lines with one group id are one stereoisomer
/// written many ways, so they must give one string, and groups must differ.
fn stereo_groups(file: &str) {
    let text = fixture(file);
    let mut by_group: HashMap<&str, Vec<(&str, String)>> = HashMap::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(smi), Some(group)) = (it.next(), it.next()) else {
            continue;
        };
        let mol = parse(smi).unwrap_or_else(|e| panic!("{smi}: {e}"));
        let out = round_trip(&mol, smi).unwrap_or_else(|e| panic!("{e}"));
        by_group.entry(group).or_default().push((smi, out));
    }
    let mut strings: HashMap<&str, &str> = HashMap::new();
    for (group, members) in &by_group {
        let (first_smi, first) = &members[0];
        for (smi, out) in members {
            assert_eq!(out, first, "{file} group {group}: {smi} vs {first_smi}");
        }
        if let Some(other) = strings.insert(first.as_str(), group) {
            panic!("{file}: groups {group} and {other} both write {first}");
        }
    }
    assert!(!by_group.is_empty());
}

#[test]
fn stereo_groups_tetrahedral() {
    stereo_groups("tetrahedral.smi");
}

#[test]
fn stereo_groups_tetrahedral_distant_ring_digit() {
    stereo_groups("tetrahedral_distantbcdigit.smi");
}

#[test]
fn stereo_groups_cis_trans() {
    stereo_groups("cistrans.smi");
}

#[test]
fn stereo_groups_cis_trans_nitrogen() {
    stereo_groups("cistrans_nitrogen.smi");
}

#[test]
fn written_forms() {
    let cases = [
        ("OCC", "CCO"),
        ("c1ccccc1", "c1ccccc1"),
        ("c1ccc(-c2ccccc2)cc1", "c1ccccc1-c1ccccc1"),
        ("[nH]1cccc1", "c1ccc[nH]1"),
        ("c1cc[se]c1", "c1ccc[se]1"),
        ("[NH4+].[Cl-]", "[NH4+].[Cl-]"),
        ("[Cu]<-N", "N->[Cu]"),
        ("[2H]OC", "[2H]OC"),
        ("[H][H]", "[H][H]"),
        ("C[CH]C", "C[CH]C"),
        ("C[CH2]C", "CCC"),
        ("[CH3:4]O", "[CH3:4]O"),
        ("CS(N)(=O)=O", "CS(=O)(=O)N"),
        ("C1CC1C1CC1", "C1CC1C1CC1"),
    ];
    for (input, expected) in cases {
        let mol = parse(input).unwrap();
        assert_eq!(to_smiles(&mol), expected, "{input}");
    }
}

#[test]
fn ring_digits_are_reused_and_go_past_nine() {
    // Rings one after another reuse digit 1.
    let s = "C".to_string() + &"C1CC1".repeat(12);
    let out = round_trip(&parse(&s).unwrap(), &s).unwrap();
    assert_eq!(out.matches('1').count(), 24, "{out}");
    assert!(!out.contains('2'), "{out}");
    // The complete graph on 12 atoms keeps more than nine rings open.
    let mut k12 = Mol::new();
    for _ in 0..12 {
        k12.add_atom(Atom::new(6));
    }
    for a in 0..12 {
        for b in a + 1..12 {
            k12.add_bond(a, b, Bond::new(BondOrder::Single));
        }
    }
    assign_implicit_hydrogens(&mut k12);
    k12.perceive();
    let out = round_trip(&k12, "K12").unwrap();
    assert!(out.contains("%10"), "{out}");
    let cube = "C12C3C4C1C5C2C3C45";
    round_trip(&parse(cube).unwrap(), cube).unwrap();
}

#[test]
fn fragments() {
    let anisole = parse("COc1ccccc1").unwrap();
    assert_eq!(fragment_smiles(&anisole, &[0, 1], false), "[*]OC");
    assert_eq!(fragment_smiles(&anisole, &[1, 0], true), "[*:1]OC");
    assert_eq!(
        fragment_smiles(&anisole, &[2, 3, 4, 5, 6, 7], false),
        "[*]c1ccccc1"
    );

    let sulfa = parse("NS(=O)(=O)c1ccc(N)cc1").unwrap();
    assert_eq!(
        fragment_smiles(&sulfa, &[0, 1, 2, 3], false),
        "[*]S(=O)(=O)N"
    );
    // The same substituent elsewhere, atoms numbered otherwise.
    let other = parse("c1ccccc1CCS(N)(=O)=O").unwrap();
    assert_eq!(
        fragment_smiles(&other, &[8, 9, 10, 11], false),
        "[*]S(=O)(=O)N"
    );

    // para-Phenylene between two cuts.
    let pp = parse("Oc1ccc(N)cc1").unwrap();
    let ring = [1, 2, 3, 4, 6, 7];
    assert_eq!(fragment_smiles(&pp, &ring, false), "[*]c1ccc([*])cc1");
    // Labels follow the outside atoms' indices: O (0) gets 1, N (5) gets 2.
    let labelled = fragment_smiles(&pp, &ring, true);
    assert_eq!(labelled, "[*:1]c1ccc([*:2])cc1");
    let swapped = parse("Nc1ccc(O)cc1").unwrap();
    assert_eq!(fragment_smiles(&swapped, &ring, true), labelled);

    // Hydrogen counts stay as in the molecule; the fragment reads back.
    let ethanol = parse("CCO").unwrap();
    let frag = fragment_smiles(&ethanol, &[1, 2], false);
    assert_eq!(frag, "[*]CO");
    assert_eq!(parse(&frag).unwrap().hydrogen_count(), 3);

    // A chiral centre keeps its configuration through the cut.
    let ala = parse("C[C@H](N)C(=O)O").unwrap();
    let f = fragment_smiles(&ala, &[0, 1, 2], false);
    let ala_star = parse("C[C@H](N)[*]").unwrap();
    assert_eq!(f, to_smiles(&ala_star));
    let ent = parse("C[C@@H](N)[*]").unwrap();
    assert_ne!(f, to_smiles(&ent));

    // Two bonds from one outside atom make two stars.
    let cp = parse("C1CC1").unwrap();
    assert_eq!(fragment_smiles(&cp, &[1, 2], true), "[*:1]CC[*:2]");
    assert_eq!(fragment_smiles(&cp, &[], false), "");
}

#[test]
fn huge_inputs_do_not_recurse() {
    let n = 300_000;
    let chain = "C".repeat(n);
    let mol = parse(&chain).unwrap();
    let out = to_smiles(&mol);
    assert_eq!(out, chain);
    let mut nested = String::from("C");
    for _ in 0..50_000 {
        nested.push_str("(C");
    }
    nested.push_str(&")".repeat(50_000));
    let mol = parse(&nested).unwrap();
    assert_eq!(parse(&to_smiles(&mol)).unwrap().atom_count(), 50_001);
    let ring = format!("C1{}C1", "C".repeat(n));
    let mol = parse(&ring).unwrap();
    assert_eq!(to_smiles(&mol), ring);
}

/// Copies `mol` with atoms renumbered by `perm` (new index of old atom i
/// is perm[i]) and bonds added in the order of `bond_order`.
fn renumber(mol: &Mol, perm: &[usize], bond_order: &[usize]) -> Mol {
    let n = mol.atom_count();
    let mut inverse = vec![0; n];
    for (old, &new) in perm.iter().enumerate() {
        inverse[new] = old;
    }
    let mut out = Mol::with_capacity(n, mol.bond_count());
    for &old in &inverse {
        out.add_atom(mol.atom(old).clone());
    }
    for &e in bond_order {
        let (a, b) = mol.bond_atoms(e);
        out.add_bond(perm[a], perm[b], *mol.bond(e));
    }
    for c in mol.stereo_centers() {
        out.add_stereo_center(StereoCenter {
            atom: perm[c.atom as usize] as u32,
            neighbors: c
                .neighbors
                .iter()
                .map(|&x| {
                    if x == StereoCenter::HYDROGEN {
                        x
                    } else {
                        perm[x as usize] as u32
                    }
                })
                .collect(),
        });
    }
    out.perceive();
    out
}

fn fixture_inputs() -> Vec<String> {
    fixture("molecules.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

fn shuffled(len: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..len).collect();
    let mut x = seed | 1;
    for i in (1..len).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn renumbering_keeps_the_string(pick in 0usize..10_000, seed in any::<u64>()) {
        let inputs = fixture_inputs();
        let smi = &inputs[pick % inputs.len()];
        let mol = parse(smi).unwrap();
        let perm = shuffled(mol.atom_count(), seed);
        let bonds = shuffled(mol.bond_count(), seed.rotate_left(17));
        let other = renumber(&mol, &perm, &bonds);
        prop_assert_eq!(to_smiles(&other), to_smiles(&mol), "{}", smi);
    }

    #[test]
    fn random_molecules_round_trip(spec in random_molecule()) {
        let mol = build(&spec);
        let out = round_trip(&mol, "random").map_err(TestCaseError::fail)?;
        let perm = shuffled(mol.atom_count(), spec.seed);
        let bonds = shuffled(mol.bond_count(), spec.seed ^ 0x9e37);
        prop_assert_eq!(to_smiles(&renumber(&mol, &perm, &bonds)), out);
    }
}

#[derive(Debug, Clone)]
struct MolSpec {
    elements: Vec<u8>,
    /// Parent of atom i + 1 (an earlier atom) and the wished bond order.
    tree: Vec<(usize, u8)>,
    /// Extra bonds (ring closures) and wished orders.
    rings: Vec<(usize, usize, u8)>,
    seed: u64,
}

fn random_molecule() -> impl Strategy<Value = MolSpec> {
    (1usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(prop::sample::select(vec![6u8, 6, 6, 7, 8, 16]), n),
            prop::collection::vec((any::<prop::sample::Index>(), 1u8..4), n - 1),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    any::<prop::sample::Index>(),
                    1u8..3,
                ),
                0..5,
            ),
            any::<u64>(),
        )
            .prop_map(move |(elements, tree, rings, seed)| MolSpec {
                tree: tree
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, o))| (p.index(i + 1), o))
                    .collect(),
                rings: rings
                    .into_iter()
                    .map(|(a, b, o)| (a.index(n), b.index(n), o))
                    .collect(),
                elements,
                seed,
            })
    })
}

/// Builds the molecule, lowering bond orders where an atom's smallest
/// valence would be exceeded (S may go to 6).
fn build(spec: &MolSpec) -> Mol {
    let max = |z: u8| match z {
        6 => 4u8,
        7 => 3,
        8 => 2,
        _ => 6,
    };
    let mut mol = Mol::new();
    let mut used = vec![0u8; spec.elements.len()];
    for &z in &spec.elements {
        mol.add_atom(Atom::new(z));
    }
    let mut add = |mol: &mut Mol, a: usize, b: usize, order: u8| {
        if a == b || mol.bond_between(a, b).is_some() {
            return;
        }
        let room = (max(spec.elements[a]) - used[a]).min(max(spec.elements[b]) - used[b]);
        let order = order.min(room);
        if order == 0 {
            return;
        }
        used[a] += order;
        used[b] += order;
        let order = match order {
            1 => BondOrder::Single,
            2 => BondOrder::Double,
            _ => BondOrder::Triple,
        };
        mol.add_bond(a, b, Bond::new(order));
    };
    for (i, &(p, o)) in spec.tree.iter().enumerate() {
        // Keep the tree connected even when valence forbids the wished order.
        let before = mol.bond_count();
        add(&mut mol, p, i + 1, o);
        if mol.bond_count() == before {
            add(&mut mol, p, i + 1, 1);
        }
    }
    for &(a, b, o) in &spec.rings {
        add(&mut mol, a, b, o);
    }
    assign_implicit_hydrogens(&mut mol);
    mol.perceive();
    mol
}
