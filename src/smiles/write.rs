//! The SMILES writer: canonical SMILES of a molecule or of a fragment.
//!
//! Atoms are ranked canonically (see `canon`), each component is written
//! from its lowest-ranked atom by a depth-first walk that takes neighbours
//! joined by multiple bonds first (as branches) and otherwise goes in rank
//! order, so `[*]S(=O)(=O)N` rather than `[*]S(N)(=O)=O`. Both the walk and
//! the writing use explicit stacks, never the call stack.
//!
//! ```
//! use markush::smiles::{parse, to_smiles};
//! let a = to_smiles(&parse("OCC").unwrap());
//! let b = to_smiles(&parse("C(O)C").unwrap());
//! assert_eq!(a, b);
//! assert_eq!(a, "CCO");
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write;

use super::canon::{canonical_ranks, stereo_bonds, Adjacency, StereoBond};
use crate::mol::{element, Atom, BondOrder, Chirality, Mol, StereoCenter};

const NONE: u32 = u32::MAX;

/// Canonical SMILES of the whole molecule: molecules that are the same
/// graph (atoms, bonds, charges, hydrogens, isotopes, aromaticity, stereo
/// tags) give the same string however their atoms are numbered.
///
/// Aromatic atoms are written lowercase with implicit aromatic bonds;
/// organic-subset atoms go without brackets when the reader would give them
/// exactly their hydrogen count. Tetrahedral `@`/`@@` are rewritten for the
/// new neighbour order; other chirality classes are copied as they are.
pub fn to_smiles(mol: &Mol) -> String {
    let adj = Adjacency::new(mol);
    let ranking = canonical_ranks(mol, &adj, None);
    if !ranking.stereo || ranking.open_tie < 2 {
        return Writer::new(mol, adj, ranking.ranks).write();
    }
    // A symmetric tie among stereo atoms (inositol, say): every choice is
    // a valid ranking, and the smallest string is the canonical one.
    (0..ranking.open_tie.min(MAX_TIE_TRIALS))
        .map(|k| {
            let ranks = canonical_ranks(mol, &adj, Some(k)).ranks;
            Writer::new(mol, adj.clone(), ranks).write()
        })
        .min()
        .unwrap_or_default()
}

/// Choices tried for a stereo tie; past this many the string is still a
/// correct SMILES but may depend on atom order.
const MAX_TIE_TRIALS: usize = 32;

/// Canonical SMILES of the fragment made of `atoms` (duplicates ignored).
/// Every bond from the fragment to an atom outside it becomes a bond to a
/// `[*]` atom of its own. With `label_cuts`, those are `[*:1]`, `[*:2]`, ...
/// numbered in order of the outside atom's index, then the inside atom's
/// index, so label `n` names the `n`-th cut bond in that order. Hydrogen
/// counts and aromatic flags stay as in the molecule.
///
/// ```
/// use markush::smiles::{fragment_smiles, parse};
/// let anisole = parse("COc1ccccc1").unwrap();
/// assert_eq!(fragment_smiles(&anisole, &[0, 1], false), "[*]OC");
/// assert_eq!(fragment_smiles(&anisole, &[0, 1], true), "[*:1]OC");
/// ```
pub fn fragment_smiles(mol: &Mol, atoms: &[usize], label_cuts: bool) -> String {
    let mut map = vec![NONE; mol.atom_count()];
    let mut sub = Mol::with_capacity(atoms.len() + 4, atoms.len() + 4);
    let mut inside = Vec::with_capacity(atoms.len());
    for &a in atoms {
        if a < map.len() && map[a] == NONE {
            map[a] = sub.add_atom(mol.atom(a).clone()) as u32;
            inside.push(a);
        }
    }
    // (outside atom, inside atom, bond)
    let mut cuts: Vec<(usize, usize, usize)> = Vec::new();
    for &a in &inside {
        for (b, e) in mol.neighbors(a) {
            if map[b] == NONE {
                cuts.push((b, a, e));
            } else if mol.bond_atoms(e).0 == a {
                sub.add_bond(map[a] as usize, map[b] as usize, *mol.bond(e));
            }
        }
    }
    cuts.sort_unstable();
    let mut stars = Vec::with_capacity(cuts.len());
    for (k, &(_, a, e)) in cuts.iter().enumerate() {
        let star = sub.add_atom(Atom {
            bracket: true,
            atom_class: if label_cuts { k as u32 + 1 } else { 0 },
            ..Atom::new(0)
        });
        if mol.bond_atoms(e).0 == a {
            sub.add_bond(map[a] as usize, star, *mol.bond(e));
        } else {
            sub.add_bond(star, map[a] as usize, *mol.bond(e));
        }
        stars.push(star as u32);
    }
    for center in mol.stereo_centers() {
        let c = center.atom as usize;
        if map[c] == NONE {
            continue;
        }
        let neighbors = center
            .neighbors
            .iter()
            .map(|&x| {
                if x == StereoCenter::HYDROGEN {
                    x
                } else if map[x as usize] != NONE {
                    map[x as usize]
                } else {
                    let k = cuts
                        .iter()
                        .position(|&(b, a, _)| b == x as usize && a == c)
                        .expect("every outside neighbour is a cut");
                    stars[k]
                }
            })
            .collect();
        sub.add_stereo_center(StereoCenter {
            atom: map[c],
            neighbors,
        });
    }
    to_smiles(&sub)
}

/// A ring bond as seen from one of its atoms.
#[derive(Clone, Copy)]
struct RingEnd {
    partner: u32,
    bond: u32,
    opens: bool,
}

enum Step {
    Atom { atom: u32, bond: u32, from: u32 },
    Open,
    Close,
    Dot,
}

struct Writer<'a> {
    mol: &'a Mol,
    /// Neighbours in visiting order: multiple bonds first, then by rank.
    adj: Adjacency,
    ranks: Vec<u32>,
    /// Preorder index of each atom.
    pre: Vec<u32>,
    parent_bond: Vec<u32>,
    ring_start: Vec<u32>,
    ring_ends: Vec<RingEnd>,
    roots: Vec<u32>,
    stereo_of: Vec<u32>,
    double_bonds: Vec<StereoBond>,
    /// For each bond, the stereo double bonds it is a substituent bond of
    /// (empty when there are none).
    marks_for: Vec<Vec<u32>>,
}

impl<'a> Writer<'a> {
    fn new(mol: &'a Mol, mut adj: Adjacency, ranks: Vec<u32>) -> Self {
        for a in 0..mol.atom_count() {
            adj.of_mut(a).sort_unstable_by_key(|&(b, e, _)| {
                let multiple = !mol.bond(e as usize).aromatic
                    && matches!(
                        mol.bond(e as usize).order,
                        BondOrder::Double | BondOrder::Triple | BondOrder::Quadruple
                    );
                (!multiple, ranks[b as usize])
            });
        }
        let mut stereo_of = Vec::new();
        if !mol.stereo_centers().is_empty() {
            stereo_of = vec![NONE; mol.atom_count()];
            for (k, c) in mol.stereo_centers().iter().enumerate() {
                if let Some(slot) = stereo_of.get_mut(c.atom as usize) {
                    *slot = k as u32;
                }
            }
        }
        let mut w = Writer {
            mol,
            adj,
            ranks,
            pre: Vec::new(),
            parent_bond: Vec::new(),
            ring_start: Vec::new(),
            ring_ends: Vec::new(),
            roots: Vec::new(),
            stereo_of,
            double_bonds: Vec::new(),
            marks_for: Vec::new(),
        };
        w.double_bonds = stereo_bonds(mol, &w.adj);
        if !w.double_bonds.is_empty() {
            w.marks_for = vec![Vec::new(); mol.bond_count()];
            for (k, d) in w.double_bonds.iter().enumerate() {
                for (end, other) in [(d.u, d.v), (d.v, d.u)] {
                    for &(x, f, _) in w.adj.of(end as usize) {
                        let bond = mol.bond(f as usize);
                        if x != other && bond.order == BondOrder::Single && !bond.aromatic {
                            w.marks_for[f as usize].push(k as u32);
                        }
                    }
                }
            }
        }
        w.walk();
        w
    }

    /// First pass: the spanning forest and its ring bonds.
    fn walk(&mut self) {
        let n = self.mol.atom_count();
        self.pre = vec![NONE; n];
        self.parent_bond = vec![NONE; n];
        let mut by_rank = vec![0u32; n];
        for (a, &r) in self.ranks.iter().enumerate() {
            by_rank[r as usize] = a as u32;
        }
        let mut is_ring = vec![false; self.mol.bond_count()];
        let mut ring_bonds: Vec<u32> = Vec::new();
        let mut next = 0u32;
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for &root in &by_rank {
            if self.pre[root as usize] != NONE {
                continue;
            }
            self.roots.push(root);
            self.pre[root as usize] = next;
            next += 1;
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (v, i) = (top.0 as usize, top.1 as usize);
                let nbrs = self.adj.of(v);
                if i == nbrs.len() {
                    stack.pop();
                    continue;
                }
                top.1 += 1;
                let (w, e, _) = nbrs[i];
                if e == self.parent_bond[v] {
                    continue;
                }
                if self.pre[w as usize] == NONE {
                    self.pre[w as usize] = next;
                    next += 1;
                    self.parent_bond[w as usize] = e;
                    stack.push((w, 0));
                } else if self.parent_bond[w as usize] != e && !is_ring[e as usize] {
                    is_ring[e as usize] = true;
                    ring_bonds.push(e);
                }
            }
        }
        let mut start = vec![0u32; n + 1];
        for &e in &ring_bonds {
            let (a, b) = self.mol.bond_atoms(e as usize);
            start[a + 1] += 1;
            start[b + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill: Vec<u32> = start[..n].to_vec();
        let empty = RingEnd {
            partner: 0,
            bond: 0,
            opens: false,
        };
        let mut ends = vec![empty; 2 * ring_bonds.len()];
        for &e in &ring_bonds {
            let (a, b) = self.mol.bond_atoms(e as usize);
            let a_first = self.pre[a] < self.pre[b];
            for (x, y, opens) in [(a, b, a_first), (b, a, !a_first)] {
                ends[fill[x] as usize] = RingEnd {
                    partner: y as u32,
                    bond: e,
                    opens,
                };
                fill[x] += 1;
            }
        }
        // Closings first, then openings; each by the partner's position.
        let pre = &self.pre;
        for a in 0..n {
            ends[start[a] as usize..start[a + 1] as usize]
                .sort_unstable_by_key(|r| (r.opens, pre[r.partner as usize]));
        }
        self.ring_start = start;
        self.ring_ends = ends;
    }

    fn ring_ends(&self, atom: usize) -> &[RingEnd] {
        &self.ring_ends[self.ring_start[atom] as usize..self.ring_start[atom + 1] as usize]
    }

    /// Tree children of `atom` in writing order.
    fn children(&self, atom: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        // A bond that is some atom's parent bond leads down from its other end.
        self.adj
            .of(atom)
            .iter()
            .filter(move |&&(w, e, _)| self.parent_bond[w as usize] == e)
            .map(|&(w, e, _)| (w, e))
    }

    fn write(&self) -> String {
        let mut out = String::with_capacity(self.mol.atom_count() * 2 + 8);
        let mut free_digits: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
        let mut next_digit = 1u32;
        let mut digit_of = vec![0u32; self.mol.bond_count()];
        let mut stack: Vec<Step> = Vec::new();
        for (k, &root) in self.roots.iter().enumerate().rev() {
            stack.push(Step::Atom {
                atom: root,
                bond: NONE,
                from: NONE,
            });
            if k > 0 {
                stack.push(Step::Dot);
            }
        }
        let mut children: Vec<(u32, u32)> = Vec::new();
        let mut freed: Vec<u32> = Vec::new();
        let mut marks: Vec<Option<bool>> = vec![None; self.marks_for.len()];
        while let Some(step) = stack.pop() {
            let (v, bond, from) = match step {
                Step::Open => {
                    out.push('(');
                    continue;
                }
                Step::Close => {
                    out.push(')');
                    continue;
                }
                Step::Dot => {
                    out.push('.');
                    continue;
                }
                Step::Atom { atom, bond, from } => (atom as usize, bond, from),
            };
            if bond != NONE {
                self.write_bond(&mut out, bond as usize, from as usize, &mut marks);
            }
            children.clear();
            children.extend(self.children(v));
            self.write_atom(&mut out, v, from, &children);
            for r in self.ring_ends(v) {
                let digit = if r.opens {
                    let d = match free_digits.pop() {
                        Some(Reverse(d)) => d,
                        None => {
                            next_digit += 1;
                            next_digit - 1
                        }
                    };
                    digit_of[r.bond as usize] = d;
                    self.write_bond(&mut out, r.bond as usize, v, &mut marks);
                    d
                } else {
                    freed.push(digit_of[r.bond as usize]);
                    digit_of[r.bond as usize]
                };
                write_ring_digit(&mut out, digit);
            }
            // Freed only after the atom, so it never reads `C11`.
            for d in freed.drain(..) {
                free_digits.push(Reverse(d));
            }
            if let Some((&(last, last_bond), branches)) = children.split_last() {
                let from = v as u32;
                stack.push(Step::Atom {
                    atom: last,
                    bond: last_bond,
                    from,
                });
                for &(c, e) in branches.iter().rev() {
                    stack.push(Step::Close);
                    stack.push(Step::Atom {
                        atom: c,
                        bond: e,
                        from,
                    });
                    stack.push(Step::Open);
                }
            }
        }
        out
    }

    /// Writes bond `e` from atom `from`. Cis/trans marks are not copied
    /// but derived from each double bond's configuration: every single bond
    /// around a stereo double bond gets one, the first written of a linked
    /// set is `/`, and the rest follow, so `F/C=C/F`, `F\\C=C\\F` and
    /// `C(\\F)=C/F` are one string. `marks` holds the chosen direction of
    /// each bond from its first atom (`true` for `/`).
    fn write_bond(&self, out: &mut String, e: usize, from: usize, marks: &mut [Option<bool>]) {
        if self.marks_for.get(e).map_or(true, |m| m.is_empty()) {
            out.push_str(bond_symbol(self.mol, e, from));
            return;
        }
        let forward = self.mol.bond_atoms(e).0 == from;
        if marks[e].is_none() {
            self.propagate_marks(e, forward, marks);
        }
        let up = marks[e] == Some(forward);
        out.push_str(if up { "/" } else { "\\" });
    }

    /// Sets bond `e` to `first_up` (from its first atom) and everything the
    /// stereo double bonds around it then fix.
    fn propagate_marks(&self, e: usize, first_up: bool, marks: &mut [Option<bool>]) {
        marks[e] = Some(first_up);
        let mut queue = vec![e as u32];
        while let Some(f) = queue.pop() {
            let f = f as usize;
            let (fa, fb) = self.mol.bond_atoms(f);
            let f_up = marks[f].expect("queued bonds are marked");
            for &k in &self.marks_for[f] {
                let d = &self.double_bonds[k as usize];
                // sigma: direction walking towards the double bond on the u
                // side, away from it on the v side; `x/u=v/y` has them equal
                // exactly when x and y are trans.
                let at_u = fa == d.u as usize || fb == d.u as usize;
                let (end, other) = if at_u { (d.u, d.v) } else { (d.v, d.u) };
                let x = if fa == end as usize { fb } else { fa } as u32;
                let sigma_of = |g: usize, up: bool, end: u32| {
                    let from_end = self.mol.bond_atoms(g).0 == end as usize;
                    // Walked away from `end`, the bond reads `up` when
                    // written from its first atom and `end` is first.
                    let away = up == from_end;
                    if end == d.u {
                        !away
                    } else {
                        away
                    }
                };
                let sigma = sigma_of(f, f_up, end);
                for (side, far) in [(end, other), (other, end)] {
                    for &(y, g, _) in self.adj.of(side as usize) {
                        let g = g as usize;
                        if y == far || g == f || !self.marks_for[g].contains(&k) {
                            continue;
                        }
                        let want = if side == end {
                            !sigma
                        } else {
                            let trans = if at_u { d.trans(x, y) } else { d.trans(y, x) };
                            sigma == trans
                        };
                        // Back from sigma to the direction from g's first atom.
                        let from_side = self.mol.bond_atoms(g).0 == side as usize;
                        let away = if side == d.u { !want } else { want };
                        let up = away == from_side;
                        if marks[g].is_none() {
                            marks[g] = Some(up);
                            queue.push(g as u32);
                        }
                    }
                }
            }
        }
    }

    fn write_atom(&self, out: &mut String, v: usize, from: u32, children: &[(u32, u32)]) {
        let atom = self.mol.atom(v);
        let chirality = self.chirality(v, from, children);
        if chirality == Chirality::None && !self.needs_bracket(v) {
            out.push_str(symbol(atom));
            return;
        }
        out.push('[');
        if atom.isotope != 0 {
            let _ = write!(out, "{}", atom.isotope);
        }
        out.push_str(symbol(atom));
        match chirality {
            Chirality::None => {}
            Chirality::Tetrahedral(1) => out.push('@'),
            Chirality::Tetrahedral(2) => out.push_str("@@"),
            Chirality::Tetrahedral(k) => {
                let _ = write!(out, "@TH{k}");
            }
            Chirality::Allene(k) => {
                let _ = write!(out, "@AL{k}");
            }
            Chirality::SquarePlanar(k) => {
                let _ = write!(out, "@SP{k}");
            }
            Chirality::TrigonalBipyramidal(k) => {
                let _ = write!(out, "@TB{k}");
            }
            Chirality::Octahedral(k) => {
                let _ = write!(out, "@OH{k}");
            }
        }
        match atom.total_h() {
            0 => {}
            1 => out.push('H'),
            h => {
                let _ = write!(out, "H{h}");
            }
        }
        match atom.charge {
            0 => {}
            1 => out.push('+'),
            -1 => out.push('-'),
            q if q > 0 => {
                let _ = write!(out, "+{q}");
            }
            q => {
                let _ = write!(out, "-{}", -(q as i16));
            }
        }
        if atom.atom_class != 0 {
            let _ = write!(out, ":{}", atom.atom_class);
        }
        out.push(']');
    }

    /// Whether the reader, given the bare symbol, would get this atom's
    /// hydrogen count (and, for atoms with aromatic bonds, its share of the
    /// Kekulé double bonds) right by itself.
    fn needs_bracket(&self, v: usize) -> bool {
        let atom = self.mol.atom(v);
        if !element::is_organic_subset(atom.element)
            || atom.isotope != 0
            || atom.charge != 0
            || atom.atom_class != 0
        {
            return true;
        }
        let allowed = element::allowed_valences(atom.element);
        let smallest_from = |used: u32| allowed.iter().map(|&x| x as u32).find(|&x| x >= used);
        let mut nonaromatic = 0u32;
        let mut aromatic = 0u32;
        let mut doubles = 0u32;
        for &(_, e, _) in self.adj.of(v) {
            let bond = self.mol.bond(e as usize);
            if bond.aromatic {
                aromatic += 1;
                doubles += u32::from(bond.order == BondOrder::Double);
            } else if !(bond.order == BondOrder::Dative && self.mol.bond_atoms(e as usize).0 == v) {
                nonaromatic += bond.order.valence() as u32;
            }
        }
        if atom.aromatic || aromatic > 0 {
            // The reader's kekulizer gives the atom a double bond exactly
            // when its valence, bare, has room for one.
            let used = nonaromatic + aromatic;
            let required = smallest_from(used).is_some_and(|x| x > used);
            if required != (doubles > 0) {
                return true;
            }
        }
        let bonded = self.mol.bonded_valence(v);
        let expected = smallest_from(bonded).map_or(0, |x| x - bonded);
        atom.total_h() as u32 != expected
    }

    /// The chirality tag to write: tetrahedral tags are flipped when the
    /// written neighbour order is an odd permutation of the stored one.
    fn chirality(&self, v: usize, from: u32, children: &[(u32, u32)]) -> Chirality {
        let atom = self.mol.atom(v);
        let Chirality::Tetrahedral(k @ 1..=2) = atom.chirality else {
            return atom.chirality;
        };
        let Some(&s) = self.stereo_of.get(v).filter(|&&s| s != NONE) else {
            return atom.chirality;
        };
        let stored = &self.mol.stereo_centers()[s as usize].neighbors;
        let mut written: Vec<u32> = Vec::with_capacity(4);
        if from != NONE {
            written.push(from);
        }
        if stored.contains(&StereoCenter::HYDROGEN) {
            written.push(StereoCenter::HYDROGEN);
        }
        written.extend(self.ring_ends(v).iter().map(|r| r.partner));
        written.extend(children.iter().map(|&(c, _)| c));
        // With three neighbours the lone pair counts as the last one, as
        // RDKit reads it, so the two lists compare directly.
        match permutation_parity(stored, &written) {
            Some(false) => atom.chirality,
            Some(true) => Chirality::Tetrahedral(3 - k),
            None => atom.chirality,
        }
    }
}

/// Parity of the permutation taking `a` to `b` (`true` when odd), or `None`
/// when they do not hold the same distinct items.
fn permutation_parity(a: &[u32], b: &[u32]) -> Option<bool> {
    if a.len() != b.len() {
        return None;
    }
    let mut perm = Vec::with_capacity(a.len());
    for x in b {
        perm.push(a.iter().position(|y| y == x)?);
    }
    let mut odd = false;
    for i in 0..perm.len() {
        for j in i + 1..perm.len() {
            if perm[i] == perm[j] {
                return None;
            }
            odd ^= perm[i] > perm[j];
        }
    }
    Some(odd)
}

fn symbol(atom: &Atom) -> &'static str {
    if atom.aromatic {
        match atom.element {
            5 => return "b",
            6 => return "c",
            7 => return "n",
            8 => return "o",
            15 => return "p",
            16 => return "s",
            33 => return "as",
            34 => return "se",
            52 => return "te",
            _ => {}
        }
    }
    atom.symbol()
}

/// The bond symbol for bond `e` written from atom `from` to its partner,
/// cis/trans marks aside.
fn bond_symbol(mol: &Mol, e: usize, from: usize) -> &'static str {
    let bond = mol.bond(e);
    let (a, b) = mol.bond_atoms(e);
    let forward = a == from;
    let both_aromatic = mol.atom(a).aromatic && mol.atom(b).aromatic;
    match bond.order {
        BondOrder::Dative if forward => "->",
        BondOrder::Dative => "<-",
        _ if bond.aromatic => {
            if both_aromatic {
                ""
            } else {
                ":"
            }
        }
        BondOrder::Single if both_aromatic => "-",
        BondOrder::Single => "",
        BondOrder::Double => "=",
        BondOrder::Triple => "#",
        BondOrder::Quadruple => "$",
        BondOrder::Zero => "~",
    }
}

fn write_ring_digit(out: &mut String, d: u32) {
    let _ = match d {
        0..=9 => write!(out, "{d}"),
        10..=99 => write!(out, "%{d}"),
        _ => write!(out, "%({d})"),
    };
}
