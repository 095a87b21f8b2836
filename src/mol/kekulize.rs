//! Kekulization: turning bonds written aromatic into single and double bonds.
//!
//! Every aromatic atom that has a free valence must receive exactly one
//! double bond, so the double bonds form a matching over the aromatic bonds
//! that covers all such atoms. The matching is found exactly (Edmonds'
//! blossom algorithm, so odd rings in fused systems are no problem) after a
//! greedy start that already settles almost every real molecule.

use super::valence::{bond_valences, implicit_h};
use super::{Atom, BondOrder, Mol};

/// Atoms that no Kekulé structure can give a double bond (atom indices,
/// ascending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KekulizeError {
    pub atoms: Vec<usize>,
}

/// Whether an aromatic atom must, may, or must not take a double bond.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Need {
    None,
    Required,
    /// The `*` atom may stand for anything, so it may stay without one.
    Optional,
}

/// `shown` is the valence the atom's bonds show with every aromatic bond
/// counted as single: the double bond we may add is the one extra unit.
#[inline]
fn need(atom: &Atom, shown: u32) -> Need {
    if atom.element == 0 {
        return Need::Optional;
    }
    let used = shown + atom.explicit_h as u32;
    // Room left below the lowest allowed valence at or above `used`, from the
    // reader's table for the neutral atoms that make up almost all of them.
    let room = implicit_h(atom.element, atom.charge, used);
    // A neutral aromatic nitrogen already showing four bond units is the
    // pentavalent Kekulé form (pyridine N-oxide as `O=n1ccccc1`, ring
    // fusion through `[n]12`) that many toolkits write; every reader of
    // the SMILES-reading benchmark gives it its ring double bond. (No
    // nitrogen valence reaches four, so no room is left there either.)
    if room > 0 || (atom.element == 7 && atom.charge == 0 && used == 4) {
        Need::Required
    } else {
        Need::None
    }
}

/// Reusable buffers: kekulization runs once per aromatic molecule, and
/// allocating its working arrays every time cost more than the matching.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Per molecule atom: its vertex, [`NONE`] when it takes no double bond.
    local: Vec<u32>,
    /// Vertices of `*` atoms, which may stay without a double bond.
    optional: Vec<u32>,
    /// The candidate graph.
    rows: RowStore,
    unmatched: Vec<usize>,
    /// Matching state, lent to [`Matching`] for one molecule.
    mate: Vec<u32>,
    blossom: BlossomScratch,
    free_deg: Vec<u32>,
    order: Vec<u32>,
    stack: Vec<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Assigns Kekulé orders to every bond flagged aromatic. Aromatic flags are
/// left as they are; aromaticity perception sets them afresh afterwards.
pub fn kekulize(mol: &mut Mol) -> Result<(), KekulizeError> {
    let bonds: Vec<(u32, u32, u32)> = mol
        .bonds()
        .enumerate()
        .filter(|(_, (_, _, bond))| bond.aromatic)
        .map(|(e, (a, b, _))| (a as u32, b as u32, e as u32))
        .collect();
    let mut atoms = Vec::new();
    candidates(mol, &bonds, &mut atoms);
    if atoms.is_empty() {
        return Ok(());
    }
    let mut shown = Vec::new();
    bond_valences(mol, &mut shown);
    // A molecule built by hand may have aromatic bonds of any order.
    with_scratch(|s| kekulize_with::<false>(mol, &mut shown, &bonds, &atoms, s))
}

/// The atoms kekulization looks at, ascending: the aromatic atoms and the
/// ends of the aromatic `bonds`.
pub(crate) fn candidates(mol: &Mol, bonds: &[(u32, u32, u32)], out: &mut Vec<u32>) {
    let mut end = vec![false; mol.atom_count()];
    for &(a, b, _) in bonds {
        end[a as usize] = true;
        end[b as usize] = true;
    }
    out.clear();
    out.extend(
        mol.atoms()
            .zip(end)
            .enumerate()
            .filter(|(_, (atom, end))| atom.aromatic || *end)
            .map(|(i, _)| i as u32),
    );
}

/// [`kekulize`] for a caller that already knows the aromatic bonds (as
/// `(atom, atom, bond)`, in bond order), the [`candidates`] and the valence
/// every atom's bonds show ([`bond_valences`]), as the SMILES reader does.
/// The aromatic bonds must be single; on success `shown` counts the new
/// double bonds. The reader lends its own `scratch`, reached once per
/// molecule with the rest of its buffers.
pub(crate) fn kekulize_prepared(
    mol: &mut Mol,
    shown: &mut [u32],
    bonds: &[(u32, u32, u32)],
    candidates: &[u32],
    scratch: &mut Scratch,
) -> Result<(), KekulizeError> {
    kekulize_with::<true>(mol, shown, bonds, candidates, scratch)
}

fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        // Only reachable if kekulize were re-entered on this thread.
        Err(_) => f(&mut Scratch::default()),
    })
}

/// Finds the double bonds and writes them; `SINGLE` says that every
/// aromatic bond is single already, so only the double ones need writing
/// (a constant: the reader's loop over the bonds then has no other case).
fn kekulize_with<const SINGLE: bool>(
    mol: &mut Mol,
    shown: &mut [u32],
    bonds: &[(u32, u32, u32)],
    candidates: &[u32],
    s: &mut Scratch,
) -> Result<(), KekulizeError> {
    let n = mol.atom_count();
    // Only the candidates' entries are read below (every aromatic bond end
    // is one) and all of them are written first, so entries left from an
    // earlier molecule do no harm.
    if s.local.len() < n {
        s.local.resize(n, NONE);
    }
    // Local numbering of the atoms that may take a double bond, in atom
    // order.
    s.optional.clear();
    let mut real = 0;
    // Sliced once: through `s`, every store would load the length again.
    let local = &mut s.local[..];
    for &i in candidates {
        local[i as usize] = match need(mol.atom(i as usize), shown[i as usize]) {
            Need::None => NONE,
            nd => {
                if nd == Need::Optional {
                    s.optional.push(real);
                }
                real += 1;
                real - 1
            }
        };
    }
    let local = &s.local[..];
    let real = real as usize;
    let simple = s.rows.build(local, bonds, real, &s.optional);
    let graph = s.rows.graph();
    let mut mate = std::mem::take(&mut s.mate);
    mate.clear();
    mate.resize(graph.deg.len(), NONE);
    // Almost every aromatic system is a set of rings and chains whose
    // double bonds are forced once the first is placed; the general
    // matching below finds the same ones, at several times the cost. (It
    // starts each ring at its lowest vertex only where the order it takes
    // the vertices in is stable.)
    if !(simple && real <= STABLE_UP_TO && forced_walk(graph, &mut mate[..real])) {
        mate.fill(NONE);
        s.free_deg.clear();
        s.free_deg.extend_from_slice(&graph.deg[..real]);
        // Each optional atom's pendant partner does not count as free.
        for &v in &s.optional {
            s.free_deg[v as usize] -= 1;
        }
        order_by_degree(&s.free_deg, &mut s.order);
        let mut matching = Matching {
            graph,
            n: graph.deg.len(),
            mate,
            s: &mut s.blossom,
        };
        let matched = matching.greedy(real, &mut s.free_deg, &s.order, &mut s.stack);
        s.unmatched.clear();
        let mut optional = s.optional.iter().peekable();
        // When the greedy pass matched every vertex, as it does for almost
        // every molecule, there is nothing to repair.
        let repair = if matched < real { 0..real } else { 0..0 };
        for v in repair {
            if matching.mate[v] != NONE {
                continue;
            }
            // Optional atoms may stay free.
            while optional.next_if(|&&o| (o as usize) < v).is_some() {}
            if optional.peek() == Some(&&(v as u32)) {
                continue;
            }
            if !matching.augment_from(v) {
                s.unmatched.push(v);
            }
        }
        mate = matching.mate;
        if !s.unmatched.is_empty() {
            s.mate = mate;
            // The vertices are numbered in atom order: one pass over the
            // candidates finds the atoms of the unmatched ones (ascending).
            let mut vertex_atoms = candidates.iter().filter(|&&i| local[i as usize] != NONE);
            let mut next = 0;
            let atoms = s
                .unmatched
                .iter()
                .map(|&v| {
                    let atom = vertex_atoms
                        .nth(v - next)
                        .expect("every vertex has an atom");
                    next = v + 1;
                    *atom as usize
                })
                .collect();
            return Err(KekulizeError { atoms });
        }
    }
    // As in `RowStore::build`: tested against `real`, without bounds checks.
    let mate_real = &mate[..real];
    for &(a, b, e) in bonds {
        let (la, lb) = (local[a as usize], local[b as usize]);
        if (la as usize) < real && (lb as usize) < real && mate_real[la as usize] == lb {
            mol.bond_mut(e as usize).order = BondOrder::Double;
            shown[a as usize] += 1;
            shown[b as usize] += 1;
        } else if !SINGLE {
            mol.bond_mut(e as usize).order = BondOrder::Single;
        }
    }
    s.mate = mate;
    Ok(())
}

/// The matching the greedy pass of [`Matching::greedy`] finds, for a graph
/// of paths and cycles only, without its bookkeeping; false when some
/// vertex stays free (an odd path or cycle, or a lone vertex), which is
/// left to the general matching.
///
/// The greedy pass takes the vertices with one neighbour first and matches
/// each to it, which forces the whole path; then the lowest vertex of each
/// cycle, matched to the first of its two neighbours (both with two free
/// neighbours), which forces the whole cycle. Each component is matched
/// alone, so the order across components does not matter.
fn forced_walk(graph: Graph, mate: &mut [u32]) -> bool {
    let real = mate.len();
    // The neighbour of `v` other than its neighbour `from`; NONE when `v`
    // has no other.
    let other = |v: u32, from: u32| match *graph.neighbors(v) {
        [a, b] => a ^ b ^ from,
        _ => NONE,
    };
    // Matches the free vertex `v`, whose neighbours are all free, to the
    // first of them, and what that forces after it.
    let walk = |mate: &mut [u32], v: u32| -> bool {
        let Some(&first) = graph.neighbors(v).first() else {
            return false;
        };
        let (mut x, mut w) = (v, first);
        loop {
            mate[x as usize] = w;
            mate[w as usize] = x;
            let y = other(w, x);
            if y == NONE || mate[y as usize] != NONE {
                return true;
            }
            // `y` has lost a partner: it is forced onto its other one.
            let z = other(y, w);
            if z == NONE || mate[z as usize] != NONE {
                return false;
            }
            (x, w) = (y, z);
        }
    };
    for v in 0..real {
        if mate[v] == NONE && graph.deg[v] < 2 && !walk(mate, v as u32) {
            return false;
        }
    }
    for v in 0..real {
        if mate[v] == NONE && !walk(mate, v as u32) {
            return false;
        }
    }
    true
}

/// The most vertices [`order_by_degree`] keeps in vertex order among equal
/// degrees.
const STABLE_UP_TO: usize = 20;

/// The vertices by ascending degree. Small systems, almost all, keep ties
/// in vertex order, as the standard library's unstable sort does at that
/// size (insertion sort up to 20 items); larger ones keep the order that
/// sort has always given them, so that every Kekulé structure stays as it
/// was.
fn order_by_degree(degree: &[u32], order: &mut Vec<u32>) {
    order.clear();
    if degree.len() <= STABLE_UP_TO {
        // A counting sort is stable too, and cheaper for these few vertices
        // and their small degrees (no more than 19 without parallel bonds).
        let mut first = [0u8; 33];
        let (mut highest, mut small, mut sorted) = (0, true, true);
        for &d in degree {
            let Some(slot) = first.get_mut(d as usize + 1) else {
                small = false;
                break;
            };
            *slot += 1;
            // Degrees come in order when every vertex has the same, as in
            // the single rings most molecules have: then the order is the
            // vertex order.
            sorted &= d as usize + 1 >= highest;
            highest = highest.max(d as usize + 1);
        }
        if small && sorted {
            order.extend(0..degree.len() as u32);
            return;
        }
        if small {
            for d in 1..=highest {
                first[d] += first[d - 1];
            }
            order.resize(degree.len(), 0);
            // A slice, so that the vector's length is not read again for
            // every store.
            let out = &mut order[..];
            for (v, &d) in (0..degree.len() as u32).zip(degree) {
                let slot = &mut first[d as usize % 32];
                out[*slot as usize] = v;
                *slot += 1;
            }
            return;
        }
    }
    order.extend(0..degree.len() as u32);
    if degree.len() > STABLE_UP_TO {
        order.sort_unstable_by_key(|&v| degree[v as usize]);
    } else {
        order.sort_by_key(|&v| degree[v as usize]);
    }
}

/// Wide enough for every aromatic atom of a real molecule (three aromatic
/// bonds) and the pendant partner of a `*`.
const WIDTH: usize = 4;

/// The candidate graph as rows of one width: the neighbours of vertex `v`,
/// in the order of the bonds to them, start at `v * width`, and `deg[v]`
/// says how many there are. One pass over the bonds fills it, where a
/// compressed row layout took four.
#[derive(Default)]
struct RowStore {
    width: usize,
    deg: Vec<u32>,
    adj: Vec<u32>,
}

impl RowStore {
    /// Fills the graph of the `real` vertices that `local` numbers, over the
    /// aromatic `bonds`, with a pendant vertex after them for each
    /// `optional` one. Returns whether the graph is only paths and cycles:
    /// no optional vertex, no loop, no vertex of degree three or more.
    fn build(
        &mut self,
        local: &[u32],
        bonds: &[(u32, u32, u32)],
        real: usize,
        optional: &[u32],
    ) -> bool {
        let total = real + optional.len();
        self.width = WIDTH;
        loop {
            self.deg.clear();
            self.deg.resize(total, 0);
            // Only the first `deg[v]` entries of a row are read: what is
            // left from an earlier molecule does no harm.
            if self.adj.len() < total * self.width {
                self.adj.resize(total * self.width, 0);
            }
            let (width, deg, adj) = (self.width, &mut self.deg[..], &mut self.adj[..]);
            // Rows of the usual width get the loop with that width built in.
            let loops = if width == WIDTH {
                link_bonds(&mut deg[..real], adj, WIDTH, local, bonds)
            } else {
                link_bonds(&mut deg[..real], adj, width, local, bonds)
            };
            for (k, &v) in optional.iter().enumerate() {
                link(deg, adj, width, v, (real + k) as u32);
                link(deg, adj, width, (real + k) as u32, v);
            }
            let widest = deg.iter().copied().max().unwrap_or(0);
            if widest as usize <= width {
                return widest <= 2 && !loops && optional.is_empty();
            }
            // An atom with more aromatic bonds than any real one: lay the
            // rows out again, wide enough.
            self.width = widest as usize;
        }
    }

    fn graph(&self) -> Graph<'_> {
        Graph {
            width: self.width,
            deg: &self.deg,
            adj: &self.adj,
        }
    }
}

/// Links the ends of the `bonds` that `local` numbers below `deg.len()`;
/// returns whether one of them is a loop.
#[inline(always)]
fn link_bonds(
    deg: &mut [u32],
    adj: &mut [u32],
    width: usize,
    local: &[u32],
    bonds: &[(u32, u32, u32)],
) -> bool {
    let real = deg.len();
    let mut loops = false;
    // A bond end's vertex is `NONE` or below `real`: tested against `real`,
    // it needs no bounds check on the degrees.
    for &(a, b, _) in bonds {
        let (la, lb) = (local[a as usize], local[b as usize]);
        if (la as usize) < real && (lb as usize) < real {
            loops |= la == lb;
            link(deg, adj, width, la, lb);
            link(deg, adj, width, lb, la);
        }
    }
    loops
}

/// Adds `w` to the row of `v` when it has room (rows of `width`), and counts
/// it in any case.
#[inline(always)]
fn link(deg: &mut [u32], adj: &mut [u32], width: usize, v: u32, w: u32) {
    let d = deg[v as usize];
    deg[v as usize] = d + 1;
    if (d as usize) < width {
        adj[v as usize * width + d as usize] = w;
    }
}

#[derive(Clone, Copy)]
struct Graph<'a> {
    width: usize,
    deg: &'a [u32],
    adj: &'a [u32],
}

impl<'a> Graph<'a> {
    fn neighbors(&self, v: u32) -> &'a [u32] {
        let start = v as usize * self.width;
        &self.adj[start..start + self.deg[v as usize] as usize]
    }
}

const NONE: u32 = u32::MAX;

/// Scratch for the blossom search, kept from molecule to molecule: the
/// greedy pass settles almost every molecule without a search, and setting
/// up and dropping empty buffers for each one cost more than lending these.
/// Every search sizes and clears what it reads.
#[derive(Default)]
struct BlossomScratch {
    parent: Vec<u32>,
    base: Vec<u32>,
    in_tree: Vec<bool>,
    in_blossom: Vec<bool>,
    seen: Vec<bool>,
    queue: Vec<u32>,
}

/// Maximum-cardinality matching state on a small general graph; the
/// blossom search's buffers are lent by the caller's workspace.
struct Matching<'a> {
    graph: Graph<'a>,
    n: usize,
    mate: Vec<u32>,
    s: &'a mut BlossomScratch,
}

impl<'a> Matching<'a> {
    /// Matches vertices with the fewest free neighbours first (`order`, with
    /// `free_deg` their counts of free neighbours among the first `real`):
    /// chains and pendant atoms are forced, and rings rarely need repair
    /// afterwards. Only the first `real` vertices take part: the partners
    /// added for optional atoms must stay free, as ends for augmenting paths.
    /// Returns how many vertices it matched.
    fn greedy(
        &mut self,
        real: usize,
        free_deg: &mut [u32],
        order: &[u32],
        stack_out: &mut Vec<u32>,
    ) -> usize {
        let g = self.graph;
        // Sliced to `real` so that the `x < real` tests below also prove
        // every index in bounds.
        let mate = &mut self.mate[..real];
        let free_deg = &mut free_deg[..real];
        // A local vector stays in registers; the buffer goes back at the end.
        let mut local = std::mem::take(stack_out);
        let stack = &mut local;
        let mut matched = 0;
        // Vertices left with one free neighbour are forced: settle them first.
        stack.clear();
        'all: for &start in order {
            // The stack is empty here: `start` goes first, without a trip
            // through it.
            let mut next = Some(start);
            while let Some(v) = next {
                // The first free neighbour with the fewest free neighbours.
                let mut w = NONE;
                if mate[v as usize] == NONE {
                    let mut fewest = u32::MAX;
                    for &x in g.neighbors(v) {
                        let x = x as usize;
                        if x < real && mate[x] == NONE && free_deg[x] < fewest {
                            (w, fewest) = (x as u32, free_deg[x]);
                        }
                    }
                }
                if w != NONE {
                    mate[v as usize] = w;
                    mate[w as usize] = v;
                    matched += 2;
                    if matched == real {
                        // Nothing is left to match, nor to count down.
                        break 'all;
                    }
                    // Neighbours that just lost a free partner may now be
                    // forced.
                    for u in [v, w] {
                        for &x in g.neighbors(u) {
                            let x = x as usize;
                            if x < real && mate[x] == NONE {
                                free_deg[x] = free_deg[x].saturating_sub(1);
                                if free_deg[x] == 1 {
                                    stack.push(x as u32);
                                }
                            }
                        }
                    }
                }
                next = stack.pop();
            }
        }
        *stack_out = local;
        matched
    }

    fn lca(&mut self, mut a: u32, mut b: u32) -> u32 {
        self.s.seen.clear();
        self.s.seen.resize(self.n, false);
        loop {
            a = self.s.base[a as usize];
            self.s.seen[a as usize] = true;
            if self.mate[a as usize] == NONE {
                break;
            }
            a = self.s.parent[self.mate[a as usize] as usize];
        }
        loop {
            b = self.s.base[b as usize];
            if self.s.seen[b as usize] {
                return b;
            }
            b = self.s.parent[self.mate[b as usize] as usize];
        }
    }

    fn mark_path(&mut self, mut v: u32, b: u32, mut child: u32) {
        while self.s.base[v as usize] != b {
            let m = self.mate[v as usize];
            self.s.in_blossom[self.s.base[v as usize] as usize] = true;
            self.s.in_blossom[self.s.base[m as usize] as usize] = true;
            self.s.parent[v as usize] = child;
            child = m;
            v = self.s.parent[m as usize];
        }
    }

    /// Edmonds' search for an augmenting path from the free vertex `root`;
    /// flips it and returns true when one exists.
    fn augment_from(&mut self, root: usize) -> bool {
        let n = self.n;
        self.s.parent.clear();
        self.s.parent.resize(n, NONE);
        self.s.in_tree.clear();
        self.s.in_tree.resize(n, false);
        self.s.in_blossom.resize(n, false);
        self.s.base.clear();
        self.s.base.extend(0..n as u32);
        self.s.queue.clear();
        self.s.queue.push(root as u32);
        self.s.in_tree[root] = true;
        let mut head = 0;
        while head < self.s.queue.len() {
            let v = self.s.queue[head];
            head += 1;
            for &to in self.graph.neighbors(v) {
                if self.s.base[v as usize] == self.s.base[to as usize]
                    || self.mate[v as usize] == to
                {
                    continue;
                }
                let to_is_outer = to as usize == root
                    || (self.mate[to as usize] != NONE
                        && self.s.parent[self.mate[to as usize] as usize] != NONE);
                if to_is_outer {
                    let cur = self.lca(v, to);
                    self.s.in_blossom.fill(false);
                    self.mark_path(v, cur, to);
                    self.mark_path(to, cur, v);
                    for i in 0..n {
                        if self.s.in_blossom[self.s.base[i] as usize] {
                            self.s.base[i] = cur;
                            if !self.s.in_tree[i] {
                                self.s.in_tree[i] = true;
                                self.s.queue.push(i as u32);
                            }
                        }
                    }
                } else if self.s.parent[to as usize] == NONE {
                    self.s.parent[to as usize] = v;
                    if self.mate[to as usize] == NONE {
                        self.flip(to);
                        return true;
                    }
                    let m = self.mate[to as usize];
                    self.s.in_tree[m as usize] = true;
                    self.s.queue.push(m);
                }
            }
        }
        false
    }

    fn flip(&mut self, mut v: u32) {
        while v != NONE {
            let pv = self.s.parent[v as usize];
            let ppv = self.mate[pv as usize];
            self.mate[v as usize] = pv;
            self.mate[pv as usize] = v;
            v = ppv;
        }
    }
}
