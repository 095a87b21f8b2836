//! Aromaticity perception after RDKit's default model
//! (`MolOps::setAromaticity` with `AROMATICITY_RDKIT`).
//!
//! Every ring atom gets an electron-donor type from its Kekulé
//! surroundings (a ring C=C carbon gives one electron, pyrrole-type N/O/S
//! two, a carbon with an exocyclic C=O none, ...). A ring all of whose atoms
//! can take part is a candidate; candidate rings are joined into fused
//! systems through single shared bonds, and the 4n+2 rule is tried on every
//! connected combination of up to six rings of a system (only pairs for
//! systems over 300 rings), counting the electrons of the atoms on the
//! combination's rim (atoms in one or two of its rings). A combination that
//! passes makes its rim bonds and their atoms aromatic, which is how azulene
//! (10 electrons over both rings) becomes aromatic while its fusion bond
//! does not.
//!
//! ```
//! let mol = markush::smiles::parse("O=C1C=CC(=O)C=C1").unwrap();
//! assert_eq!(mol.aromatic_atom_count(), 0);
//! let mol = markush::smiles::parse("O=C1C=CC=CN1").unwrap();
//! assert_eq!(mol.aromatic_atom_count(), 6);
//! ```

use super::{BondOrder, Mol};

/// RDKit's default valences (first entry of its valence lists; -1 = any),
/// indexed by atomic number.
const DEFAULT_VALENCE: [i8; 119] = [
    -1, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, 3, 4, 3, 2, 1, 0, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 3, 2, 3, 2, 1, 0, 1, 2,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 2, 3, 2, 1, 0, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
];

/// RDKit's outer-shell electron counts, which also rank electronegativity
/// in its model.
const OUTER_ELECTRONS: [u8; 119] = [
    0, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2,
    3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 3, 4, 5,
    6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4,
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
];

/// Rings larger than this are not fused with others (a bit over the outer
/// ring of a porphyrin), and combinations stop at this many rings.
const MAX_FUSED_RING_SIZE: usize = 24;
const MAX_FUSED_RINGS: usize = 6;
/// Systems with more rings only try single rings and pairs.
const HUGE_SYSTEM: usize = 300;

fn default_valence(z: i32) -> i32 {
    usize::try_from(z)
        .ok()
        .and_then(|z| DEFAULT_VALENCE.get(z))
        .map_or(-1, |&v| v as i32)
}

fn outer_electrons(z: u8) -> i32 {
    OUTER_ELECTRONS.get(z as usize).map_or(0, |&v| v as i32)
}

/// RDKit's electronegativity proxy: more outer electrons, then the lighter
/// element of the same group.
fn more_electronegative(a: u8, b: u8) -> bool {
    let (ea, eb) = (outer_electrons(a), outer_electrons(b));
    ea > eb || (ea == eb && a < b)
}

/// How many pi electrons an atom can put into a ring.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Donor {
    /// Empty p orbital (C+ in tropylium, C of an exocyclic C=O).
    Vacant,
    One,
    Two,
    /// The `*` atom: one or two.
    Any,
    None,
}

/// Facts about one atom that the donor rules look at, in RDKit's terms.
struct AtomFacts {
    z: u8,
    charge: i32,
    /// Bond valences plus bracket hydrogens (RDKit's explicit valence).
    explicit_valence: i32,
    total_valence: i32,
    /// Bonds in the graph, whatever their order.
    degree: i32,
    /// Bonds contributing nothing to this atom (zero-order, dative from it).
    null_bonds: i32,
    explicit_h: i32,
    total_h: i32,
    radicals: i32,
    double_or_triple: i32,
    /// The neighbour across the first non-ring bond of order two or more.
    exocyclic_multiple: Option<u8>,
    cyclic_multiple: bool,
}

/// What a bond of this order adds to its atoms: valence on the first atom,
/// on the second, and 1 for a double or triple bond.
const fn order_sums(order: BondOrder) -> [i32; 3] {
    match order {
        BondOrder::Zero => [0, 0, 0],
        BondOrder::Single => [1, 1, 0],
        BondOrder::Double => [2, 2, 1],
        BondOrder::Triple => [3, 3, 1],
        BondOrder::Quadruple => [4, 4, 0],
        // The donor keeps its electrons to itself.
        BondOrder::Dative => [0, 1, 0],
    }
}

/// An atom's bonds summed up, and the donor code found from them. The four
/// counts are 32 bits each (as wide as the counts RDKit keeps), two to an
/// integer, so a bond adds to an atom in one addition per integer, and a
/// single bond, most bonds, in one.
#[derive(Clone, Copy)]
struct BondFacts {
    /// Bonds and valence; bonds contributing nothing and double or triple
    /// bonds.
    counts: [u64; 2],
    cyclic_multiple: bool,
    /// One past the latest non-ring bond of order two or more the atom
    /// starts / ends (0 = none): RDKit's rule looks at the first such bond
    /// in petgraph's order, which lists an atom's bonds latest first, those
    /// it starts before those it ends.
    exo: [u32; 2],
    /// The atom's donor code, [`UNKNOWN`] until one of its rings is looked
    /// at. Kept here, in what would be padding, so that looking an atom up
    /// costs one bounds check.
    donor: u8,
}

impl BondFacts {
    const EMPTY: BondFacts = BondFacts {
        counts: [0; 2],
        cyclic_multiple: false,
        exo: [0; 2],
        donor: UNKNOWN,
    };

    const fn pack(degree: u32, valence: u32, null_bonds: u32, double_or_triple: u32) -> u128 {
        degree as u128
            | (valence as u128) << 32
            | (null_bonds as u128) << 64
            | (double_or_triple as u128) << 96
    }
    /// Adds counts given as [`BondFacts::pack`] gives them.
    fn add(&mut self, counts: u128) {
        self.counts[0] += counts as u64;
        self.counts[1] += (counts >> 64) as u64;
    }
    fn degree(&self) -> i32 {
        self.counts[0] as u32 as i32
    }
    fn valence(&self) -> i32 {
        (self.counts[0] >> 32) as u32 as i32
    }
    fn null_bonds(&self) -> i32 {
        self.counts[1] as u32 as i32
    }
    fn double_or_triple(&self) -> i32 {
        (self.counts[1] >> 32) as u32 as i32
    }
}

/// What a bond of each order (by `BondOrder as usize`) adds to the counts
/// of its first and of its second atom, as [`BondFacts::pack`] gives them.
const ORDER_COUNTS: [[u128; 2]; 6] = {
    let orders = BondOrder::ALL;
    let mut table = [[0; 2]; 6];
    let mut i = 0;
    while i < orders.len() {
        let [first, second, multiple] = order_sums(orders[i]);
        let mut side = 0;
        while side < 2 {
            let v = [first, second][side] as u32;
            table[orders[i] as usize][side] =
                BondFacts::pack(1, v, (v == 0) as u32, multiple as u32);
            side += 1;
        }
        i += 1;
    }
    table
};

/// Sums every atom's bonds in one pass over the bonds. Returns whether
/// every bond is single or double.
fn bond_facts(mol: &Mol, facts: &mut Vec<BondFacts>) -> bool {
    facts.clear();
    facts.resize(mol.atom_count(), BondFacts::EMPTY);
    let facts = &mut facts[..];
    let ring_facts = mol.rings().bond_ring_facts();
    let mut plain = true;
    for (e, (a, b, bond)) in mol.bonds().enumerate() {
        // Most bonds are single: one bond and one unit of valence for both
        // atoms, and nothing else to note.
        if bond.order == BondOrder::Single {
            const SINGLE: u64 = BondFacts::pack(1, 1, 0, 0) as u64;
            facts[a].counts[0] += SINGLE;
            facts[b].counts[0] += SINGLE;
            continue;
        }
        // Next come the double bonds of Kekulé rings and carbonyls: both
        // atoms alike, and a multiple bond in or out of a ring.
        let multiple = if bond.order == BondOrder::Double {
            const DOUBLE: u128 = BondFacts::pack(1, 2, 0, 1);
            facts[a].add(DOUBLE);
            facts[b].add(DOUBLE);
            true
        } else {
            let [first, second] = ORDER_COUNTS[bond.order as usize];
            facts[a].add(first);
            facts[b].add(second);
            plain = false;
            matches!(bond.order, BondOrder::Triple | BondOrder::Quadruple)
        };
        if multiple {
            if ring_facts.get(2 * e).is_some_and(|&rings| rings > 0) {
                facts[a].cyclic_multiple = true;
                facts[b].cyclic_multiple = true;
            } else {
                facts[a].exo[0] = e as u32 + 1;
                facts[b].exo[1] = e as u32 + 1;
            }
        }
    }
    plain
}

/// The element across the atom's exocyclic multiple bond that RDKit's rule
/// looks at, if it has one.
fn exocyclic_partner(mol: &Mol, i: usize, b: &BondFacts) -> Option<u8> {
    let exo = if b.exo[0] != 0 { b.exo[0] } else { b.exo[1] };
    (exo != 0).then(|| {
        let (x, y) = mol.bond_atoms(exo as usize - 1);
        mol.atom(if x == i { y } else { x }).element
    })
}

fn atom_facts(mol: &Mol, i: usize, b: &BondFacts) -> AtomFacts {
    let atom = mol.atom(i);
    let exocyclic_multiple = exocyclic_partner(mol, i, b);
    let mut facts = AtomFacts {
        z: atom.element,
        charge: atom.charge as i32,
        explicit_valence: atom.explicit_h as i32 + b.valence(),
        total_valence: atom.total_h() as i32 + b.valence(),
        degree: b.degree(),
        null_bonds: b.null_bonds(),
        explicit_h: atom.explicit_h as i32,
        total_h: atom.total_h() as i32,
        radicals: 0,
        double_or_triple: b.double_or_triple(),
        exocyclic_multiple,
        cyclic_multiple: b.cyclic_multiple,
    };
    if atom.bracket {
        facts.radicals = radicals(&facts);
    }
    facts
}

/// Unpaired electrons of a bracket atom written below its valence
/// (`[CH]1C=CC=C1`), as RDKit assigns them.
fn radicals(f: &AtomFacts) -> i32 {
    if default_valence(f.z as i32) < 0 {
        return 0;
    }
    let outer = outer_electrons(f.z);
    let base = if f.z <= 2 { 2 } else { 8 };
    let octet = (base - outer - f.explicit_valence + f.charge).max(0);
    let shell = outer - f.explicit_valence - f.charge;
    if shell >= 0 {
        octet.min(shell)
    } else {
        octet
    }
}

/// Electrons the atom could donate, -1 when it cannot be conjugated.
fn count_electrons(f: &AtomFacts) -> i32 {
    let dv = default_valence(f.z as i32);
    if dv <= 1 {
        return -1;
    }
    let degree = f.degree + f.total_h - f.null_bonds;
    if degree > 3 {
        return -1;
    }
    let lone = (outer_electrons(f.z) - dv - f.charge).max(0);
    let mut n = dv - degree + lone - f.radicals;
    if n > 1 && f.explicit_valence - f.degree > 1 {
        // A triple bond leaves a single electron for the ring.
        n = 1;
    }
    n
}

fn donor_type(f: &AtomFacts) -> Donor {
    if f.z == 0 {
        return if f.cyclic_multiple {
            Donor::One
        } else {
            Donor::Any
        };
    }
    let mut n = count_electrons(f);
    let steals = f
        .exocyclic_multiple
        .is_some_and(|other| more_electronegative(other, f.z));
    match n {
        n if n < 0 => Donor::None,
        0 if f.exocyclic_multiple.is_some() => Donor::Vacant,
        0 if f.cyclic_multiple => Donor::One,
        0 => Donor::None,
        1 if f.exocyclic_multiple.is_some() => {
            if steals {
                Donor::Vacant
            } else {
                Donor::One
            }
        }
        1 => {
            let multiple = f.explicit_valence != f.degree + f.explicit_h - f.null_bonds;
            if multiple {
                Donor::One
            } else if f.charge == 1 {
                Donor::Vacant
            } else {
                Donor::None
            }
        }
        _ => {
            if steals {
                n -= 1;
            }
            if n % 2 == 1 {
                Donor::One
            } else {
                Donor::Two
            }
        }
    }
}

fn is_candidate(f: &AtomFacts, donor: Donor) -> bool {
    if f.z > 18 && f.z != 34 && f.z != 52 {
        return false;
    }
    if donor == Donor::None {
        return false;
    }
    if default_valence(f.z as i32) > 0 && f.total_valence > default_valence(f.z as i32 - f.charge) {
        return false;
    }
    if f.radicals > 0 && (f.z != 6 || f.charge != 0) {
        return false;
    }
    // Two multiple bonds on one atom (C1=C=NC=N1) shut it out.
    !(f.explicit_valence - f.degree > 1 && f.double_or_triple > 1)
}

/// Per-atom donor code: the [`Donor`] in the low bits, plus flags;
/// [`UNKNOWN`] until the atom's ring is looked at.
const CANDIDATE: u8 = 8;
const DUMMY: u8 = 16;
const UNKNOWN: u8 = u8::MAX;

fn donor_code(mol: &Mol, bonds: &BondFacts, a: usize) -> u8 {
    let atom = mol.atom(a);
    if atom.charge == 0 && !atom.bracket {
        if let Some(code) = common_donor_code(mol, bonds, a, atom.element, atom.total_h()) {
            debug_assert_eq!(code, donor_code_by_rules(mol, bonds, a));
            return code;
        }
    }
    donor_code_by_rules(mol, bonds, a)
}

/// The donor code of the neutral atoms written without brackets that make
/// up most ring atoms looked at, settled from their counts alone (`None`
/// for any other atom): each case is what the rules below give it.
fn common_donor_code(mol: &Mol, bonds: &BondFacts, a: usize, z: u8, h: u8) -> Option<u8> {
    // The counts as the two integers `BondFacts::counts` holds them in.
    let pack = |degree, valence, null_bonds, double_or_triple| {
        let p = BondFacts::pack(degree, valence, null_bonds, double_or_triple);
        [p as u64, (p >> 64) as u64]
    };
    let (counts, cyclic) = (bonds.counts, bonds.cyclic_multiple);
    // Hydrogens count as neighbours and valence, both in the first integer:
    // added to the counts, they are compared with constants (one addition,
    // not two subtractions).
    let with_h = [
        counts[0].wrapping_add(h as u64 * pack(1, 1, 0, 0)[0]),
        counts[1],
    ];
    let donor = match z {
        // Kekulé aromatic carbon: one ring double bond and single bonds to
        // three neighbours and hydrogens in all; one electron.
        6 if h <= 3 && cyclic && with_h == pack(3, 4, 0, 1) => Donor::One,
        // Carbon of an exocyclic double bond (ring C=O, C=N, C=C) and two
        // ring single bonds: its one electron, which a more electronegative
        // partner takes.
        6 if h == 0 && !cyclic && counts == pack(3, 4, 0, 1) => {
            if more_electronegative(exocyclic_partner(mol, a, bonds)?, 6) {
                Donor::Vacant
            } else {
                Donor::One
            }
        }
        // Pyridine-type nitrogen: one ring double bond, two neighbours; one
        // electron.
        7 if h == 0 && cyclic && counts == pack(2, 3, 0, 1) => Donor::One,
        // Pyrrole-type nitrogen: single bonds to three neighbours and
        // hydrogens in all; its lone pair.
        7 if h <= 1 && with_h == pack(3, 3, 0, 0) => Donor::Two,
        // Furan- and thiophene-type oxygen and sulfur: its lone pair.
        8 | 16 if h == 0 && counts == pack(2, 2, 0, 0) => Donor::Two,
        _ => return None,
    };
    Some(donor as u8 | CANDIDATE)
}

fn donor_code_by_rules(mol: &Mol, bonds: &BondFacts, a: usize) -> u8 {
    let atom = mol.atom(a);
    if atom.element != 0
        && (default_valence(atom.element as i32) <= 1
            || bonds.degree() + atom.total_h() as i32 - bonds.null_bonds() > 3)
    {
        // What count_electrons rules out first: no donor, no candidate.
        return Donor::None as u8;
    }
    let f = atom_facts(mol, a, bonds);
    let d = donor_type(&f);
    d as u8 | if is_candidate(&f, d) { CANDIDATE } else { 0 } | if f.z == 0 { DUMMY } else { 0 }
}

/// Electrons a donor code may contribute: the minimum, and 1 for `*`
/// (which may give one more), 32 bits each in one integer (at two
/// electrons an atom, only a rim of 2^31 atoms could carry over), so that a
/// rim's atoms are summed in one addition each; [`huckel`] takes the sum
/// apart.
fn electrons(code: u8) -> u64 {
    const fn pack(low: u32, any: u32) -> u64 {
        low as u64 | (any as u64) << 32
    }
    const RANGE: [u64; 8] = {
        let mut t = [0; 8];
        t[Donor::One as usize] = pack(1, 0);
        t[Donor::Two as usize] = pack(2, 0);
        t[Donor::Any as usize] = pack(1, 1);
        t
    };
    RANGE[(code & 7) as usize]
}

/// Buffers reused from molecule to molecule on one thread.
#[derive(Default)]
pub(crate) struct Work {
    bonds: Vec<BondFacts>,
    candidates: Vec<usize>,
    stamps: BondStamps,
    systems: Systems,
    marks: Marks,
}

thread_local! {
    static WORK: std::cell::RefCell<Work> = std::cell::RefCell::new(Work::default());
}

pub fn perceive(mol: &mut Mol) {
    WORK.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => perceive_in(mol, &mut w),
        // Only reachable if perception were re-entered on this thread.
        Err(_) => perceive_in(mol, &mut Work::default()),
    })
}

/// [`perceive`] with the caller's buffers.
#[inline(always)]
pub(crate) fn perceive_in(mol: &mut Mol, w: &mut Work) {
    if mol.rings().ring_count() == 0 {
        for atom in mol.atoms_mut() {
            atom.aromatic = false;
        }
        for bond in mol.bonds_mut() {
            bond.aromatic = false;
        }
        return;
    }
    if super::rings::size(mol) > super::rings::KEEP_BUFFERS_UP_TO {
        return perceive_with(mol, &mut Work::default());
    }
    perceive_with(mol, w)
}

fn perceive_with(mol: &mut Mol, w: &mut Work) {
    let n = mol.atom_count();
    let m = mol.bond_count();
    w.marks.plain = bond_facts(mol, &mut w.bonds);
    w.candidates.clear();
    let marks = &mut w.marks;
    marks.reset(n, m);
    let info = mol.rings();
    // Without two fusable candidate rings on one bond every ring is a system
    // of its own, and only the ring itself can pass the 4n+2 rule. A bond
    // already stamped for this molecule lies in two fusable candidate rings.
    let disjoint = info.known_disjoint();
    let stamp = if disjoint { 0 } else { w.stamps.next(m) };
    let mut fused = false;
    // Sliced once: through `w`, every look-up would load the length again.
    let facts_of = &mut w.bonds[..];
    for (r, (atoms, bonds)) in info.rings_with_bonds().enumerate() {
        let mut all_candidates = true;
        // Every code's bits in common: `DUMMY` tells whether all are `*`.
        let mut common = u8::MAX;
        // Summed on the way, while the codes are at hand: the ring's own
        // 4n+2 test needs nothing else.
        let mut rim = 0;
        for &a in atoms {
            let a = a as usize;
            let facts = &mut facts_of[a];
            let mut code = facts.donor;
            if code == UNKNOWN {
                code = donor_code(mol, facts, a);
                facts.donor = code;
            }
            common &= code;
            if code & CANDIDATE == 0 {
                // The rest of the ring is looked at by the rings it is
                // part of, if ever needed.
                all_candidates = false;
                break;
            }
            rim += electrons(code);
        }
        if !all_candidates || common & DUMMY != 0 {
            continue;
        }
        w.candidates.push(r);
        // Every ring is tried on its own, fused or not: marks only add up,
        // so the combinations of fused systems can come afterwards.
        if huckel(rim) {
            marks.mark_whole_ring(mol, atoms, bonds);
        }
        if !disjoint && bonds.len() <= MAX_FUSED_RING_SIZE {
            let stamps = &mut w.stamps.marks[..];
            for &e in bonds {
                fused |= std::mem::replace(&mut stamps[e as usize], stamp) == stamp;
            }
        }
    }
    if fused {
        w.systems.build(info, &w.candidates, &mut w.stamps, m);
        for system in w.systems.groups() {
            huckel_on_system(mol, &w.candidates, &w.systems, system, &w.bonds, marks);
        }
    }
    marks.set_flags(mol);
}

/// Per bond: the latest stamp that marked it. A fresh stamp stands for an
/// empty set of bonds, which spares clearing the marks between sets.
#[derive(Default)]
struct BondStamps {
    marks: Vec<u32>,
    stamp: u32,
}

impl BondStamps {
    /// A stamp no mark of the first `bonds` holds yet.
    fn next(&mut self, bonds: usize) -> u32 {
        if self.marks.len() < bonds {
            self.marks.resize(bonds, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }
}

/// Candidate rings (indices into `candidates`) joined when they share
/// exactly one bond and neither is larger than [`MAX_FUSED_RING_SIZE`]:
/// each ring's neighbours (ascending) and the connected groups, flat.
#[derive(Default)]
struct Systems {
    start: Vec<usize>,
    adj: Vec<usize>,
    pairs: Vec<(usize, usize)>,
    group_start: Vec<usize>,
    group_rings: Vec<usize>,
    seen: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

impl Systems {
    fn neighbors(&self, r: usize) -> &[usize] {
        &self.adj[self.start[r]..self.start[r + 1]]
    }

    fn groups(&self) -> impl Iterator<Item = &[usize]> + '_ {
        self.group_start
            .windows(2)
            .map(|w| &self.group_rings[w[0]..w[1]])
    }

    fn build(
        &mut self,
        info: &super::RingInfo,
        candidates: &[usize],
        stamps: &mut BondStamps,
        bonds: usize,
    ) {
        let k = candidates.len();
        self.pairs.clear();
        for i in 0..k {
            let bi = info.ring_bonds(candidates[i]);
            if bi.len() > MAX_FUSED_RING_SIZE {
                continue;
            }
            // With ring i's bonds stamped, each later ring counts the bonds
            // it shares in one pass instead of a search per bond.
            let stamp = stamps.next(bonds);
            let marks = &mut stamps.marks[..];
            for &e in bi {
                marks[e as usize] = stamp;
            }
            for (j, &cj) in candidates.iter().enumerate().skip(i + 1) {
                let bj = info.ring_bonds(cj);
                if bj.len() > MAX_FUSED_RING_SIZE {
                    continue;
                }
                if bj.iter().filter(|&&e| marks[e as usize] == stamp).count() == 1 {
                    self.pairs.push((i, j));
                }
            }
        }
        // Pairs come by ascending first then second ring, so every list
        // fills in ascending order.
        self.start.clear();
        self.start.resize(k + 1, 0);
        for &(i, j) in &self.pairs {
            self.start[i + 1] += 1;
            self.start[j + 1] += 1;
        }
        for r in 0..k {
            self.start[r + 1] += self.start[r];
        }
        self.adj.clear();
        self.adj.resize(self.start[k], 0);
        let mut fill = std::mem::take(&mut self.group_start);
        fill.clear();
        fill.extend_from_slice(&self.start[..k]);
        for &(i, j) in &self.pairs {
            self.adj[fill[i]] = j;
            fill[i] += 1;
            self.adj[fill[j]] = i;
            fill[j] += 1;
        }
        // Depth-first from the lowest unvisited ring, neighbours in order.
        self.group_start = fill;
        self.group_start.clear();
        self.group_start.push(0);
        self.group_rings.clear();
        self.seen.clear();
        self.seen.resize(k, false);
        for first in 0..k {
            if self.seen[first] {
                continue;
            }
            self.group_rings.push(first);
            self.seen[first] = true;
            self.stack.push((first, 0));
            while let Some((r, next)) = self.stack.last_mut() {
                let Some(&nb) = self.adj[self.start[*r]..self.start[*r + 1]].get(*next) else {
                    self.stack.pop();
                    continue;
                };
                *next += 1;
                if !self.seen[nb] {
                    self.seen[nb] = true;
                    self.group_rings.push(nb);
                    self.stack.push((nb, 0));
                }
            }
            self.group_start.push(self.group_rings.len());
        }
    }
}

/// Aromatic bonds and atoms found so far, plus scratch counters over atoms
/// and bonds. Every array is all zero between molecules (a molecule only
/// grows them), and the aromatic flags are set from them in one pass each.
#[derive(Default)]
struct Marks {
    bonds: Vec<bool>,
    atoms: Vec<bool>,
    atom_uses: Vec<u8>,
    bond_uses: Vec<u8>,
    /// Every bond of the molecule is single or double, so every aromatic
    /// bond makes its atoms aromatic.
    plain: bool,
}

impl Marks {
    fn reset(&mut self, atoms: usize, bonds: usize) {
        if self.bonds.len() < bonds {
            self.bonds.resize(bonds, false);
            self.bond_uses.resize(bonds, 0);
        }
        if self.atoms.len() < atoms {
            self.atoms.resize(atoms, false);
            self.atom_uses.resize(atoms, 0);
        }
    }

    /// Marks the bonds of the ring of `atoms` and `bonds` (as
    /// `RingInfo::ring` gives them) that `keep` accepts as aromatic, with
    /// their atoms when single or double: the atoms are marked here, from
    /// the ring's own atom list, so that no pass over all bonds needs to
    /// find them afterwards.
    fn mark_ring(
        &mut self,
        mol: &Mol,
        (atoms, bonds): (&[u32], &[u32]),
        keep: impl Fn(&Self, usize) -> bool,
    ) {
        // Bond `i` joins atoms `i` and `i + 1`, the last one closes the
        // ring: so the bond before atom `i` joins the atom before and it.
        let (Some(&last_atom), Some(&last_bond)) = (atoms.last(), bonds.last()) else {
            return;
        };
        let (mut a, mut e) = (last_atom as usize, last_bond as usize);
        for (&b, &next) in atoms.iter().zip(bonds) {
            let b = b as usize;
            if keep(self, e) {
                self.bonds[e] = true;
                if matches!(mol.bond(e).order, BondOrder::Single | BondOrder::Double) {
                    self.atoms[a] = true;
                    self.atoms[b] = true;
                }
            }
            (a, e) = (b, next as usize);
        }
    }

    /// Marks every bond of a ring aromatic, with their atoms when single or
    /// double.
    fn mark_whole_ring(&mut self, mol: &Mol, atoms: &[u32], bonds: &[u32]) {
        if !self.plain {
            return self.mark_ring(mol, (atoms, bonds), |_, _| true);
        }
        for (&a, &e) in atoms.iter().zip(bonds) {
            self.atoms[a as usize] = true;
            self.bonds[e as usize] = true;
        }
    }

    /// Sets every aromatic flag afresh: the marked bonds and atoms, and
    /// nothing else. Leaves the marks all false.
    fn set_flags(&mut self, mol: &mut Mol) {
        for (bond, marked) in mol.bonds_mut().zip(&mut self.bonds) {
            bond.aromatic = std::mem::take(marked);
        }
        for (atom, marked) in mol.atoms_mut().zip(&mut self.atoms) {
            atom.aromatic = std::mem::take(marked);
        }
    }
}

/// Tries the combinations of two or more rings of a fused system (each
/// ring alone has been tried already).
fn huckel_on_system(
    mol: &Mol,
    candidates: &[usize],
    systems: &Systems,
    system: &[usize],
    facts: &[BondFacts],
    marks: &mut Marks,
) {
    let info = mol.rings();
    let all_marked = |marks: &Marks| {
        system.iter().all(|&r| {
            info.ring_bonds(candidates[r])
                .iter()
                .all(|&e| marks.bonds[e as usize])
        })
    };
    let mut max_size = system.len().min(MAX_FUSED_RINGS);
    if system.len() > HUGE_SYSTEM {
        max_size = max_size.min(2);
    }
    let mut subset = Vec::new();
    for size in 2..=max_size {
        if all_marked(marks) {
            break;
        }
        if system.len() == 2 {
            // The one connected pair, without the enumeration's buffers.
            try_rings(mol, candidates, system, facts, marks);
            continue;
        }
        for &start in system {
            subset.clear();
            subset.push(start);
            let extension: Vec<usize> = systems
                .neighbors(start)
                .iter()
                .copied()
                .filter(|&r| r > start)
                .collect();
            grow(
                size,
                &mut subset,
                extension,
                start,
                &mut |rings| try_rings(mol, candidates, rings, facts, marks),
                systems,
            );
        }
    }
}

/// Visits every connected set of `size` rings whose smallest member is
/// `start` exactly once (Wernicke's ESU enumeration); depth is at most
/// [`MAX_FUSED_RINGS`].
fn grow(
    size: usize,
    subset: &mut Vec<usize>,
    mut extension: Vec<usize>,
    start: usize,
    visit: &mut dyn FnMut(&[usize]),
    systems: &Systems,
) {
    if subset.len() == size {
        visit(subset);
        return;
    }
    while let Some(w) = extension.pop() {
        let mut next = extension.clone();
        for &u in systems.neighbors(w) {
            if u > start
                && !subset.contains(&u)
                && u != w
                && !next.contains(&u)
                && !subset.iter().any(|&s| systems.neighbors(s).contains(&u))
            {
                next.push(u);
            }
        }
        subset.push(w);
        grow(size, subset, next, start, visit, systems);
        subset.pop();
    }
}

/// The 4n+2 rule on a rim with `low..=high` pi electrons, `any` of its
/// atoms being `*` (which may give one or two), summed as [`electrons`]
/// gives them.
fn huckel(rim: u64) -> bool {
    let (low, any) = (rim as u32 as i64, rim >> 32);
    // Every `*` may give one electron more than its minimum.
    let high = low + any as i64;
    any <= 1
        && if high >= 6 {
            (low..=high).any(|e| e >= 2 && (e - 2) % 4 == 0)
        } else {
            high == 2
        }
}

/// Applies the 4n+2 rule to the rim of a set of two or more rings (indices
/// into `candidates`) and, when it holds, marks the bonds that belong to
/// just one of them.
fn try_rings(
    mol: &Mol,
    candidates: &[usize],
    rings: &[usize],
    facts: &[BondFacts],
    marks: &mut Marks,
) {
    let info = mol.rings();
    for &r in rings {
        for &a in info.ring_atoms(candidates[r]) {
            marks.atom_uses[a as usize] = marks.atom_uses[a as usize].saturating_add(1);
        }
    }
    let mut rim = 0;
    for &r in rings {
        for &a in info.ring_atoms(candidates[r]) {
            let uses = &mut marks.atom_uses[a as usize];
            if *uses == 1 || *uses == 2 {
                rim += electrons(facts[a as usize].donor);
            }
            // Count each atom once however many of the rings hold it.
            *uses = u8::MAX;
        }
    }
    for &r in rings {
        for &a in info.ring_atoms(candidates[r]) {
            marks.atom_uses[a as usize] = 0;
        }
    }
    if !huckel(rim) {
        return;
    }
    for &r in rings {
        for &e in info.ring_bonds(candidates[r]) {
            marks.bond_uses[e as usize] = marks.bond_uses[e as usize].saturating_add(1);
        }
    }
    for &r in rings {
        let ring = info.ring(candidates[r]);
        marks.mark_ring(mol, ring, |marks, e| marks.bond_uses[e] == 1);
    }
    for &r in rings {
        for &e in info.ring_bonds(candidates[r]) {
            marks.bond_uses[e as usize] = 0;
        }
    }
}
