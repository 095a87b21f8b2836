//! Canonical atom ranking for the SMILES writer.
//!
//! Atoms are first sorted by an invariant (degree, element, isotope,
//! aromaticity, charge, hydrogens, chirality kind, atom class), then the
//! partition is refined until every cell is equitable: atoms in one cell
//! have the same number of neighbours in every other cell, bond type by bond
//! type. Refinement is Hopcroft-style (a queue of splitter cells; a cell
//! split while not queued re-enters without its largest piece), so a
//! million-atom chain costs O(n log n), not one sweep per chain position.
//! Cells still holding several atoms are then broken by individualizing
//! one atom and refining again, until every atom has its own rank.
//!
//! Every decision depends only on cell positions, never on atom indices, so
//! two numberings of one graph get ranks that correspond atom for atom
//! (up to the graph's symmetry).

use std::collections::VecDeque;

use crate::mol::{BondDirection, BondOrder, Chirality, Mol, StereoCenter};

#[derive(Clone)]
/// Neighbour lists in compressed rows, with a bond code from the owning
/// atom's point of view.
pub(crate) struct Adjacency {
    start: Vec<u32>,
    /// `(neighbour, bond, code)`.
    entries: Vec<(u32, u32, u8)>,
}

/// Bond codes; a dative bond reads differently from its two ends.
const DATIVE_OUT: u8 = 5;
const DATIVE_IN: u8 = 6;

fn bond_code(mol: &Mol, e: usize, owner: usize) -> u8 {
    let bond = mol.bond(e);
    if bond.aromatic {
        return 3;
    }
    match bond.order {
        BondOrder::Single => 0,
        BondOrder::Double => 1,
        BondOrder::Triple => 2,
        BondOrder::Quadruple => 4,
        BondOrder::Dative if mol.bond_atoms(e).0 == owner => DATIVE_OUT,
        BondOrder::Dative => DATIVE_IN,
        BondOrder::Zero => 7,
    }
}

/// The same bond seen from its other end.
fn mirror(code: u8) -> u8 {
    match code {
        DATIVE_OUT => DATIVE_IN,
        DATIVE_IN => DATIVE_OUT,
        c => c,
    }
}

impl Adjacency {
    pub(crate) fn new(mol: &Mol) -> Self {
        let n = mol.atom_count();
        let mut start = vec![0u32; n + 1];
        for e in 0..mol.bond_count() {
            let (a, b) = mol.bond_atoms(e);
            start[a + 1] += 1;
            start[b + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut entries = vec![(0u32, 0u32, 0u8); 2 * mol.bond_count()];
        for e in 0..mol.bond_count() {
            let (a, b) = mol.bond_atoms(e);
            let code = bond_code(mol, e, a);
            entries[fill[a] as usize] = (b as u32, e as u32, code);
            fill[a] += 1;
            entries[fill[b] as usize] = (a as u32, e as u32, mirror(code));
            fill[b] += 1;
        }
        Adjacency { start, entries }
    }

    pub(crate) fn of(&self, atom: usize) -> &[(u32, u32, u8)] {
        &self.entries[self.start[atom] as usize..self.start[atom + 1] as usize]
    }

    pub(crate) fn of_mut(&mut self, atom: usize) -> &mut [(u32, u32, u8)] {
        &mut self.entries[self.start[atom] as usize..self.start[atom + 1] as usize]
    }

    pub(crate) fn degree(&self, atom: usize) -> usize {
        (self.start[atom + 1] - self.start[atom]) as usize
    }
}

fn chirality_kind(c: Chirality) -> u128 {
    match c {
        Chirality::None => 0,
        Chirality::Tetrahedral(_) => 1,
        Chirality::Allene(_) => 2,
        Chirality::SquarePlanar(_) => 3,
        Chirality::TrigonalBipyramidal(_) => 4,
        Chirality::Octahedral(_) => 5,
    }
}

/// Sort key before refinement. Degree leads so that the lowest-ranked atom,
/// where writing starts, is a chain end when there is one; element 0 (`*`)
/// then comes first among chain ends, so fragments start at their cut.
fn invariant(mol: &Mol, adj: &Adjacency, i: usize) -> u128 {
    let a = mol.atom(i);
    let degree = adj.degree(i).min((1 << 20) - 1) as u128;
    (degree << 108)
        | ((a.element as u128) << 100)
        | ((a.isotope as u128) << 84)
        | ((a.aromatic as u128) << 83)
        | (((a.charge as i16 + 128) as u128) << 75)
        | ((a.total_h() as u128) << 67)
        | (chirality_kind(a.chirality) << 64)
        | ((a.atom_class as u128) << 32)
}

/// Canonical ranks: `ranks[atom]` is a distinct number in `0..atom_count`.
///
/// With stereo, the first tie that stereo cannot settle is broken by
/// singling out the atom at offset `pick` in its cell (default: the last);
/// [`Ranking::open_tie`] gives that cell's size so the caller can try each.
pub(crate) fn canonical_ranks(mol: &Mol, adj: &Adjacency, pick: Option<usize>) -> Ranking {
    let n = mol.atom_count();
    let keys: Vec<u128> = (0..n).map(|i| invariant(mol, adj, i)).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by_key(|&a| keys[a as usize]);
    let mut refiner = Refiner::new(adj, order, |a, b| keys[a as usize] == keys[b as usize]);
    refiner.centers = centers(mol);
    refiner.double_bonds = stereo_bonds(mol, adj);
    refiner.pick = pick;
    refiner.run();
    Ranking {
        stereo: !refiner.centers.is_empty() || !refiner.double_bonds.is_empty(),
        open_tie: refiner.open_tie,
        ranks: refiner.pos,
    }
}

pub(crate) struct Ranking {
    pub ranks: Vec<u32>,
    /// Whether the molecule has stereocentres or stereo double bonds.
    pub stereo: bool,
    /// Size of the first tied cell stereo could not settle (0 if none).
    pub open_tie: usize,
}

/// A double bond with a cis/trans configuration: `u=v`, with `a` a
/// neighbour of `u` and `b` one of `v`, and whether `a` and `b` are trans.
pub(crate) struct StereoBond {
    pub u: u32,
    pub v: u32,
    pub a: u32,
    pub b: u32,
    pub trans: bool,
}

impl StereoBond {
    /// Whether neighbour `x` of `u` and neighbour `y` of `v` are trans.
    pub(crate) fn trans(&self, x: u32, y: u32) -> bool {
        self.trans ^ (x != self.a) ^ (y != self.b)
    }
}

/// Direction of bond `e` walked from atom `from` (`true` for `/`), if any.
pub(crate) fn sense(mol: &Mol, e: usize, from: usize) -> Option<bool> {
    let up = match mol.bond(e).direction {
        BondDirection::None => return None,
        BondDirection::Up => true,
        BondDirection::Down => false,
    };
    Some(up == (mol.bond_atoms(e).0 == from))
}

/// Whether bond `e` (`u`-`v`) lies in a ring of fewer than 8 atoms, where a
/// double bond can only be cis (RDKit's rule): a breadth-first search from
/// `u` without `e`, at most 6 bonds deep.
fn in_small_ring(adj: &Adjacency, e: u32, u: usize, v: usize) -> bool {
    let mut seen = vec![u as u32];
    let mut frontier = vec![u as u32];
    for _ in 0..6 {
        let mut next = Vec::new();
        for &x in &frontier {
            for &(y, f, _) in adj.of(x as usize) {
                if f == e || seen.contains(&y) {
                    continue;
                }
                if y as usize == v {
                    return true;
                }
                seen.push(y);
                next.push(y);
            }
        }
        // Dense cages would make this costly; such bonds count as ringed.
        if seen.len() > 256 {
            return true;
        }
        frontier = next;
    }
    false
}

/// Double bonds outside small rings whose ends both carry a directional
/// single bond.
pub(crate) fn stereo_bonds(mol: &Mol, adj: &Adjacency) -> Vec<StereoBond> {
    let mut out = Vec::new();
    if !(0..mol.bond_count()).any(|e| mol.bond(e).direction != BondDirection::None) {
        return out;
    }
    for e in 0..mol.bond_count() {
        let bond = mol.bond(e);
        if bond.order != BondOrder::Double || bond.aromatic {
            continue;
        }
        let (u, v) = mol.bond_atoms(e);
        if in_small_ring(adj, e as u32, u, v) {
            continue;
        }
        // `a/u=v/b` is trans: the direction into u equals the one out of v.
        let toward = |end: usize, into: bool| {
            adj.of(end).iter().find_map(|&(x, f, _)| {
                if f as usize == e {
                    return None;
                }
                let s = if into {
                    sense(mol, f as usize, x as usize)
                } else {
                    sense(mol, f as usize, end)
                };
                s.map(|s| (x, s))
            })
        };
        if let (Some((a, sa)), Some((b, sb))) = (toward(u, true), toward(v, false)) {
            out.push(StereoBond {
                u: u as u32,
                v: v as u32,
                a,
                b,
                trans: sa == sb,
            });
        }
    }
    out
}

/// A tetrahedral centre: its neighbours in stored order (hydrogen as
/// [`StereoCenter::HYDROGEN`]) and whether its tag is `@@`.
struct Center {
    atom: u32,
    neighbors: Vec<u32>,
    clockwise: bool,
}

fn centers(mol: &Mol) -> Vec<Center> {
    mol.stereo_centers()
        .iter()
        .filter_map(|c| {
            let clockwise = match mol.atom(c.atom as usize).chirality {
                Chirality::Tetrahedral(1) => false,
                Chirality::Tetrahedral(2) => true,
                _ => return None,
            };
            (3..=4).contains(&c.neighbors.len()).then(|| Center {
                atom: c.atom,
                neighbors: c.neighbors.clone(),
                clockwise,
            })
        })
        .collect()
}

/// The centre's handedness with its neighbours ordered by `key` (the
/// hydrogen lowest, a lone pair highest), or `None` while two share a key.
fn handedness(center: &Center, key: impl Fn(u32) -> u32) -> Option<bool> {
    let keys: Vec<u32> = center
        .neighbors
        .iter()
        .map(|&x| {
            if x == StereoCenter::HYDROGEN {
                0
            } else {
                key(x) + 1
            }
        })
        .collect();
    let mut odd = center.clockwise;
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            if keys[i] == keys[j] {
                return None;
            }
            odd ^= keys[i] > keys[j];
        }
    }
    Some(odd)
}

struct Refiner<'a> {
    adj: &'a Adjacency,
    /// Atoms by position; a cell is a range of positions.
    order: Vec<u32>,
    pos: Vec<u32>,
    /// Start position of each atom's cell.
    cell: Vec<u32>,
    /// End position of the cell starting at each position.
    end: Vec<u32>,
    queued: Vec<bool>,
    queue: VecDeque<u32>,
    /// Per-atom neighbour counts into the current splitter, one 16-bit
    /// field per bond code.
    count: Vec<u128>,
    touched_flag: Vec<bool>,
    touched: Vec<u32>,
    pieces: Vec<(u32, u32)>,
    centers: Vec<Center>,
    double_bonds: Vec<StereoBond>,
    pick: Option<usize>,
    open_tie: usize,
}

impl<'a> Refiner<'a> {
    fn new(adj: &'a Adjacency, order: Vec<u32>, same: impl Fn(u32, u32) -> bool) -> Self {
        let n = order.len();
        let mut pos = vec![0u32; n];
        for (p, &a) in order.iter().enumerate() {
            pos[a as usize] = p as u32;
        }
        let mut r = Refiner {
            adj,
            cell: vec![0; n],
            end: vec![0; n],
            queued: vec![false; n],
            queue: VecDeque::new(),
            count: vec![0; n],
            touched_flag: vec![false; n],
            touched: Vec::new(),
            pieces: Vec::new(),
            centers: Vec::new(),
            double_bonds: Vec::new(),
            pick: None,
            open_tie: 0,
            order,
            pos,
        };
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            while e < n && same(r.order[s], r.order[e]) {
                e += 1;
            }
            for p in s..e {
                r.cell[r.order[p] as usize] = s as u32;
            }
            r.end[s] = e as u32;
            r.queued[s] = true;
            r.queue.push_back(s as u32);
            s = e;
        }
        r
    }

    fn run(&mut self) {
        let n = self.order.len();
        let mut p = 0usize;
        loop {
            self.refine();
            if self.split_by_stereo() {
                continue;
            }
            while p < n && self.end[p] as usize == p + 1 {
                p += 1;
            }
            if p >= n {
                return;
            }
            let chosen = self.stereo_choice(p);
            self.individualize(p, chosen);
        }
    }

    /// Splits cells whose stereocentres differ in handedness, or whose
    /// double-bond ends differ in cis/trans, relative to the current cells.
    /// Returns whether anything was split.
    fn split_by_stereo(&mut self) -> bool {
        if self.centers.is_empty() && self.double_bonds.is_empty() {
            return false;
        }
        let mut touched = std::mem::take(&mut self.touched);
        for c in &self.centers {
            if let Some(odd) = handedness(c, |x| self.cell[x as usize]) {
                self.touched_flag[c.atom as usize] = true;
                touched.push(c.atom);
                self.count[c.atom as usize] = 1 + odd as u128;
            }
        }
        for d in &self.double_bonds {
            // Trans-ness of the lowest-celled neighbours at each end.
            let lowest = |end: u32, other: u32| {
                let mut best: Option<(u32, u32)> = None;
                let mut tied = false;
                for &(x, _, _) in self.adj.of(end as usize) {
                    if x == other {
                        continue;
                    }
                    let c = self.cell[x as usize];
                    match best {
                        Some((bc, _)) if bc < c => {}
                        Some((bc, _)) if bc == c => tied = true,
                        _ => {
                            best = Some((c, x));
                            tied = false;
                        }
                    }
                }
                best.filter(|_| !tied).map(|(_, x)| x)
            };
            if let (Some(x), Some(y)) = (lowest(d.u, d.v), lowest(d.v, d.u)) {
                let bit = 1 + d.trans(x, y) as u128;
                for end in [d.u, d.v] {
                    if !self.touched_flag[end as usize] {
                        self.touched_flag[end as usize] = true;
                        touched.push(end);
                    }
                    self.count[end as usize] += bit << 4;
                }
            }
        }
        let queued_before = self.queue.len();
        self.split_touched(&mut touched);
        self.touched = touched;
        self.queue.len() > queued_before
    }

    /// The atom to single out of the cell at `s`. Where a stereocentre
    /// outside the cell has exactly two neighbours in it, and all its other
    /// neighbours apart, the pick is the one that makes that centre
    /// anticlockwise: mirror-related choices would otherwise write
    /// different strings for one molecule.
    fn stereo_choice(&mut self, s: usize) -> usize {
        let e = self.end[s] as usize;
        let mut best: Option<(u32, usize)> = None;
        for c in &self.centers {
            let in_cell: Vec<u32> = c
                .neighbors
                .iter()
                .copied()
                .filter(|&x| x != StereoCenter::HYDROGEN && self.cell[x as usize] as usize == s)
                .collect();
            if in_cell.len() != 2 || self.cell[c.atom as usize] as usize == s {
                continue;
            }
            let rank = self.cell[c.atom as usize];
            if best.is_some_and(|(r, _)| r <= rank) {
                continue;
            }
            let last = (e - 1) as u32;
            let pick = in_cell.iter().copied().find(|&x| {
                let key = |y: u32| if y == x { last } else { self.cell[y as usize] };
                handedness(c, key) == Some(false)
            });
            if let Some(x) = pick {
                best = Some((rank, self.pos[x as usize] as usize));
            }
        }
        if let Some((_, p)) = best {
            return p;
        }
        if self.open_tie == 0 && !(self.centers.is_empty() && self.double_bonds.is_empty()) {
            self.open_tie = e - s;
            if let Some(k) = self.pick {
                return s + k.min(e - s - 1);
            }
        }
        e - 1
    }

    /// Splits the atom at position `chosen` off the cell at `s` into a cell
    /// of its own at the cell's end, so the rest keeps its start and needs
    /// no relabelling.
    fn individualize(&mut self, s: usize, chosen: usize) {
        let e = self.end[s] as usize;
        let atom = self.order[chosen];
        let other = self.order[e - 1];
        self.order.swap(chosen, e - 1);
        self.pos[other as usize] = chosen as u32;
        self.pos[atom as usize] = (e - 1) as u32;
        self.end[s] = (e - 1) as u32;
        self.end[e - 1] = e as u32;
        self.cell[atom as usize] = (e - 1) as u32;
        // Counts into the rest follow from counts into the old cell and
        // into the new singleton, so the singleton is the only new splitter.
        self.enqueue((e - 1) as u32);
    }

    fn enqueue(&mut self, s: u32) {
        if !self.queued[s as usize] {
            self.queued[s as usize] = true;
            self.queue.push_back(s);
        }
    }

    fn refine(&mut self) {
        while let Some(s) = self.queue.pop_front() {
            self.queued[s as usize] = false;
            let e = self.end[s as usize];
            for p in s..e {
                let a = self.order[p as usize] as usize;
                for &(b, _, code) in self.adj.of(a) {
                    let b = b as usize;
                    if !self.touched_flag[b] {
                        self.touched_flag[b] = true;
                        self.touched.push(b as u32);
                    }
                    let w = 1u128 << (16 * mirror(code) as u32);
                    self.count[b] = self.count[b].wrapping_add(w);
                }
            }
            let mut touched = std::mem::take(&mut self.touched);
            self.split_touched(&mut touched);
            self.touched = touched;
        }
    }

    /// Splits every cell by the counts of its `touched` atoms (untouched
    /// ones count zero), then clears the counts and the list.
    fn split_touched(&mut self, touched: &mut Vec<u32>) {
        {
            let (cell, count) = (&self.cell, &self.count);
            touched.sort_unstable_by_key(|&b| (cell[b as usize], count[b as usize]));
        }
        let mut i = 0;
        while i < touched.len() {
            let c = self.cell[touched[i] as usize];
            let mut j = i + 1;
            while j < touched.len() && self.cell[touched[j] as usize] == c {
                j += 1;
            }
            self.split(c as usize, &touched[i..j]);
            i = j;
        }
        for &b in touched.iter() {
            self.touched_flag[b as usize] = false;
            self.count[b as usize] = 0;
        }
        touched.clear();
    }

    /// Splits cell `c` by the counts of its `group` members (sorted by
    /// count); members of `c` outside `group` have count zero.
    fn split(&mut self, c: usize, group: &[u32]) {
        let e = self.end[c] as usize;
        let k = group.len();
        let first = self.count[group[0] as usize];
        let last = self.count[group[k - 1] as usize];
        if k == e - c && first == last {
            return;
        }
        let tail = e - k;
        for (j, &x) in group.iter().enumerate() {
            let p = tail + j;
            let px = self.pos[x as usize] as usize;
            let y = self.order[p];
            self.order[p] = x;
            self.order[px] = y;
            self.pos[x as usize] = p as u32;
            self.pos[y as usize] = px as u32;
        }
        self.pieces.clear();
        if tail > c {
            self.pieces.push((c as u32, tail as u32));
        }
        let mut j = 0;
        while j < k {
            let mut l = j + 1;
            let cj = self.count[group[j] as usize];
            while l < k && self.count[group[l] as usize] == cj {
                l += 1;
            }
            self.pieces.push(((tail + j) as u32, (tail + l) as u32));
            j = l;
        }
        for &(ps, pe) in &self.pieces {
            self.end[ps as usize] = pe;
            if ps as usize != c {
                for p in ps..pe {
                    self.cell[self.order[p as usize] as usize] = ps;
                }
            }
        }
        let skip = if self.queued[c] {
            0
        } else {
            // The first largest piece need not split anything again.
            let mut best = 0;
            for (i, &(ps, pe)) in self.pieces.iter().enumerate() {
                let (bs, be) = self.pieces[best];
                if pe - ps > be - bs {
                    best = i;
                }
            }
            best
        };
        for i in 0..self.pieces.len() {
            if i != skip {
                self.enqueue(self.pieces[i].0);
            }
        }
    }
}
