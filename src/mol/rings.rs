//! Ring perception: smallest set of smallest rings (SSSR), RDKit's
//! symmetrized extras, and per-atom / per-bond ring facts.
//!
//! The SSSR follows RDKit's ring finder (a Figueras-style search: prune
//! chains, take the smallest rings through one atom of every chain of
//! degree-2 atoms, break ties at degree-3 atoms), because which of several
//! equally small rings ends up in the set decides both the ring count SMARTS
//! `R` sees and, in a few fused systems, aromaticity. Rings found and then
//! dropped as dependent are offered back the way RDKit's `symmetrizeSSSR`
//! does (cubane keeps 6 faces, not 5).
//!
//! Everything is iterative and bounded: atoms outside cycles are pruned
//! first (so a million-atom chain costs one linear pass), the breadth-first
//! searches stop at the first ring size found, and the rare path search
//! RDKit falls back on for highly fused cages has a hard cap, after which a
//! depth-first cycle basis is used as RDKit itself does.
//!
//! ```
//! let mol = markush::smiles::parse("c1ccc2ccccc2c1").unwrap();
//! let rings = mol.rings();
//! assert_eq!(rings.sssr().len(), 2);
//! assert_eq!(rings.atom_ring_count(3), 2);
//! assert_eq!(rings.ring_systems().len(), 1);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use super::{BondOrder, Mol};

/// Rings of a molecule. `sssr()` is the smallest set of smallest rings
/// (its length is the cyclomatic number); `rings()` adds the symmetric
/// extras RDKit keeps, and is what ring counts per atom are taken from.
#[derive(Clone, Debug, Default)]
pub struct RingInfo {
    rings: Vec<Vec<u32>>,
    bonds: Vec<Vec<u32>>,
    sssr_count: usize,
    /// Per atom / bond: rings containing it and the smallest such ring
    /// (0 = none). Empty when the molecule has no ring, so acyclic
    /// molecules allocate nothing.
    atom_rings: Vec<u32>,
    atom_min: Vec<u32>,
    bond_rings: Vec<u32>,
    bond_min: Vec<u32>,
    systems: Vec<Vec<usize>>,
}

impl RingInfo {
    /// The smallest set of smallest rings, each as atoms in cyclic order.
    pub fn sssr(&self) -> &[Vec<u32>] {
        &self.rings[..self.sssr_count]
    }
    /// SSSR plus RDKit's symmetrized extras (same order convention).
    pub fn rings(&self) -> &[Vec<u32>] {
        &self.rings
    }
    /// Bonds of `rings()[ring]`, in the same cyclic order as its atoms:
    /// bond `i` joins atoms `i` and `i + 1`, the last one closes the ring.
    pub fn ring_bonds(&self, ring: usize) -> &[u32] {
        &self.bonds[ring]
    }
    /// Number of rings in `rings()` that contain the atom (SMARTS `R`).
    pub fn atom_ring_count(&self, atom: usize) -> usize {
        self.atom_rings.get(atom).map_or(0, |&n| n as usize)
    }
    /// Size of the smallest ring containing the atom (SMARTS `r`).
    pub fn atom_min_ring_size(&self, atom: usize) -> Option<usize> {
        nonzero(self.atom_min.get(atom))
    }
    pub fn bond_ring_count(&self, bond: usize) -> usize {
        self.bond_rings.get(bond).map_or(0, |&n| n as usize)
    }
    pub fn bond_min_ring_size(&self, bond: usize) -> Option<usize> {
        nonzero(self.bond_min.get(bond))
    }
    pub fn is_ring_atom(&self, atom: usize) -> bool {
        self.atom_ring_count(atom) > 0
    }
    pub fn is_ring_bond(&self, bond: usize) -> bool {
        self.bond_ring_count(bond) > 0
    }
    /// Fused ring systems: groups of indices into `rings()` whose rings are
    /// joined through shared bonds (naphthalene is one system, biphenyl two).
    pub fn ring_systems(&self) -> &[Vec<usize>] {
        &self.systems
    }

    fn from_rings(
        atom_count: usize,
        bond_count: usize,
        rings: Vec<Vec<u32>>,
        bonds: Vec<Vec<u32>>,
        sssr_count: usize,
    ) -> RingInfo {
        let mut atom_rings = vec![0u32; atom_count];
        let mut atom_min = vec![0u32; atom_count];
        let mut bond_rings = vec![0u32; bond_count];
        let mut bond_min = vec![0u32; bond_count];
        let note = |count: &mut [u32], min: &mut [u32], i: u32, size: u32| {
            let i = i as usize;
            count[i] += 1;
            if min[i] == 0 || size < min[i] {
                min[i] = size;
            }
        };
        for (ring, ring_bonds) in rings.iter().zip(&bonds) {
            let size = ring.len() as u32;
            for &a in ring {
                note(&mut atom_rings, &mut atom_min, a, size);
            }
            for &b in ring_bonds {
                note(&mut bond_rings, &mut bond_min, b, size);
            }
        }
        let systems = ring_systems(bond_count, &bonds);
        RingInfo {
            rings,
            bonds,
            sssr_count,
            atom_rings,
            atom_min,
            bond_rings,
            bond_min,
            systems,
        }
    }
}

fn nonzero(v: Option<&u32>) -> Option<usize> {
    v.copied().filter(|&n| n > 0).map(|n| n as usize)
}

/// Groups rings that share a bond (union-find over rings, keyed by the
/// first ring seen on each bond).
fn ring_systems(bond_count: usize, bonds: &[Vec<u32>]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..bonds.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut first = vec![usize::MAX; bond_count];
    for (r, ring) in bonds.iter().enumerate() {
        for &b in ring {
            let f = first[b as usize];
            if f == usize::MAX {
                first[b as usize] = r;
            } else {
                let (x, y) = (find(&mut parent, f), find(&mut parent, r));
                if x != y {
                    parent[x.max(y)] = x.min(y);
                }
            }
        }
    }
    let mut slot = vec![usize::MAX; bonds.len()];
    let mut systems: Vec<Vec<usize>> = Vec::new();
    for r in 0..bonds.len() {
        let root = find(&mut parent, r);
        if slot[root] == usize::MAX {
            slot[root] = systems.len();
            systems.push(Vec::new());
        }
        systems[slot[root]].push(r);
    }
    systems
}

pub fn perceive(mol: &Mol) -> RingInfo {
    let graph = Graph::new(mol);
    let Some(core) = graph.cycle_core() else {
        return RingInfo::default();
    };
    let rings = match Finder::new(&graph, core).run() {
        Some(found) => found,
        None => graph.dfs_cycles(),
    };
    let sssr_count = rings.sssr_count;
    let mut all = rings.sssr;
    all.extend(rings.extras);
    let bonds = all.iter().map(|r| graph.ring_bonds(r)).collect();
    RingInfo::from_rings(graph.n, graph.ends.len(), all, bonds, sssr_count)
}

/// Compact adjacency (per atom, neighbours in the order RDKit walks them) plus which bonds may close rings: zero-order and
/// dative bonds may not, as in RDKit.
struct Graph {
    n: usize,
    start: Vec<u32>,
    adj: Vec<(u32, u32)>,
    ends: Vec<(u32, u32)>,
    ring_capable: Vec<bool>,
}

const NONE: u32 = u32::MAX;

impl Graph {
    fn new(mol: &Mol) -> Graph {
        let n = mol.atom_count();
        let m = mol.bond_count();
        let mut start = vec![0u32; n + 1];
        let mut ends = Vec::with_capacity(m);
        let mut ring_capable = Vec::with_capacity(m);
        for e in 0..m {
            let (a, b) = mol.bond_atoms(e);
            ends.push((a as u32, b as u32));
            ring_capable.push(!matches!(
                mol.bond(e).order,
                BondOrder::Zero | BondOrder::Dative
            ));
            start[a + 1] += 1;
            start[b + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        // RDKit numbers a SMILES' ring-closure bonds after all chain bonds
        // and walks each atom's bonds in that numbering; its ring finder
        // depends on that order (in tetraarylporphyrins the wrong order
        // yields a 20-ring instead of the 16-ring). A chain bond is the
        // first bond of its higher-numbered atom.
        let mut first = vec![NONE; n];
        for (e, &(a, b)) in ends.iter().enumerate() {
            let hi = a.max(b) as usize;
            if first[hi] == NONE {
                first[hi] = e as u32;
            }
        }
        let is_chain = |e: usize| first[ends[e].0.max(ends[e].1) as usize] == e as u32;
        let order = (0..m)
            .filter(|&e| is_chain(e))
            .chain((0..m).filter(|&e| !is_chain(e)));
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut adj = vec![(0u32, 0u32); 2 * m];
        for e in order {
            let (a, b) = ends[e];
            adj[fill[a as usize] as usize] = (b, e as u32);
            fill[a as usize] += 1;
            adj[fill[b as usize] as usize] = (a, e as u32);
            fill[b as usize] += 1;
        }
        Graph {
            n,
            start,
            adj,
            ends,
            ring_capable,
        }
    }

    fn neighbors(&self, a: u32) -> &[(u32, u32)] {
        &self.adj[self.start[a as usize] as usize..self.start[a as usize + 1] as usize]
    }

    fn bond_between(&self, a: u32, b: u32) -> u32 {
        self.neighbors(a)
            .iter()
            .find(|&&(x, _)| x == b)
            .map_or(NONE, |&(_, e)| e)
    }

    fn ring_bonds(&self, ring: &[u32]) -> Vec<u32> {
        (0..ring.len())
            .map(|i| self.bond_between(ring[i], ring[(i + 1) % ring.len()]))
            .collect()
    }

    /// Repeatedly strips atoms with fewer than two ring-capable bonds. What
    /// is left (degrees and live bonds) is where every ring lies; `None`
    /// when nothing is left, the common case of an acyclic molecule.
    fn cycle_core(&self) -> Option<Core> {
        let m = self.ends.len();
        if m < 3 {
            return None;
        }
        let mut deg = vec![0u32; self.n];
        let mut active = self.ring_capable.clone();
        for (e, &(a, b)) in self.ends.iter().enumerate() {
            if active[e] {
                deg[a as usize] += 1;
                deg[b as usize] += 1;
            }
        }
        let mut stack: Vec<u32> = (0..self.n as u32)
            .filter(|&a| deg[a as usize] < 2)
            .collect();
        let mut removed = stack.len();
        while let Some(a) = stack.pop() {
            for &(b, e) in self.neighbors(a) {
                if active[e as usize] {
                    active[e as usize] = false;
                    deg[a as usize] -= 1;
                    deg[b as usize] -= 1;
                    if deg[b as usize] == 1 {
                        stack.push(b);
                        removed += 1;
                    }
                }
            }
        }
        if removed == self.n {
            return None;
        }
        Some(Core { deg, active })
    }

    /// RDKit's fallback when its search cannot find enough rings: one cycle
    /// per back edge of a depth-first search over all bonds. Not minimal,
    /// but a cycle basis, and what RDKit reports in the same situation.
    fn dfs_cycles(&self) -> FoundRings {
        let mut color = vec![0u8; self.n];
        let mut rings = Vec::new();
        let degree = |a: u32| self.start[a as usize + 1] - self.start[a as usize];
        // Frame: atom, the atom it was entered from, next neighbour slot.
        let mut frames: Vec<(u32, u32, u32)> = Vec::new();
        for root in 0..self.n as u32 {
            if color[root as usize] != 0 {
                continue;
            }
            if degree(root) < 2 {
                color[root as usize] = 2;
                continue;
            }
            color[root as usize] = 1;
            frames.push((root, NONE, self.start[root as usize]));
            while let Some(&mut (atom, from, ref mut slot)) = frames.last_mut() {
                if *slot == self.start[atom as usize + 1] {
                    color[atom as usize] = 2;
                    frames.pop();
                    continue;
                }
                let (nbr, _) = self.adj[*slot as usize];
                *slot += 1;
                match color[nbr as usize] {
                    0 if degree(nbr) < 2 => color[nbr as usize] = 2,
                    0 => {
                        color[nbr as usize] = 1;
                        frames.push((nbr, atom, self.start[nbr as usize]));
                    }
                    1 if from != NONE && nbr != from => {
                        let mut cycle: Vec<u32> = frames
                            .iter()
                            .rev()
                            .map(|f| f.0)
                            .take_while(|&a| a != nbr)
                            .collect();
                        cycle.push(nbr);
                        rings.push(cycle);
                    }
                    _ => {}
                }
            }
        }
        FoundRings {
            sssr_count: rings.len(),
            sssr: rings,
            extras: Vec::new(),
        }
    }
}

struct Core {
    deg: Vec<u32>,
    active: Vec<bool>,
}

struct FoundRings {
    sssr: Vec<Vec<u32>>,
    sssr_count: usize,
    extras: Vec<Vec<u32>>,
}

/// A ring's atom set as RDKit orders its ring invariants (a bitset compared
/// as a number): atoms sorted descending, compared lexicographically.
type RingKey = Vec<u32>;

fn ring_key(ring: &[u32]) -> RingKey {
    let mut key = ring.to_vec();
    key.sort_unstable_by(|a, b| b.cmp(a));
    key
}

/// Rings above this size trigger the minimality check of `ensure_minimal`.
const MACROCYCLE: usize = 12;

/// Horton's candidate set grows with atoms times bonds; ring systems larger
/// than this keep the search's answer unchecked.
const MAX_MINIMALITY_CHECK: usize = 300;

/// Upper bound on partial paths the connecting-ring search may hold; RDKit
/// gives up at 200,000 queued paths, we bound total work the same way.
const MAX_PATHS: usize = 200_000;

struct Finder<'g> {
    g: &'g Graph,
    deg: Vec<u32>,
    active: Vec<bool>,
    bfs: Bfs,
    sssr: Vec<Vec<u32>>,
    extras: Vec<Vec<u32>>,
    ring_bonds_seen: Vec<bool>,
    ring_atoms_seen: Vec<bool>,
    /// Scratch for `pick_d2_nodes`, all false between calls.
    covered: Vec<bool>,
    /// Bonds of the pruned graph before the search started trimming.
    core_bonds: Vec<bool>,
}

impl<'g> Finder<'g> {
    fn new(g: &'g Graph, core: Core) -> Finder<'g> {
        Finder {
            g,
            deg: core.deg,
            core_bonds: core.active.clone(),
            active: core.active,
            bfs: Bfs::new(g.n),
            sssr: Vec::new(),
            extras: Vec::new(),
            ring_bonds_seen: vec![false; g.ends.len()],
            ring_atoms_seen: vec![false; g.n],
            covered: vec![false; g.n],
        }
    }

    /// `None` when the search cannot account for every ring and the
    /// depth-first fallback must be used instead.
    fn run(mut self) -> Option<FoundRings> {
        let mut component = vec![false; self.g.n];
        let mut stack = Vec::new();
        for root in 0..self.g.n as u32 {
            if self.deg[root as usize] < 2 || component[root as usize] {
                continue;
            }
            let mut atoms = vec![root];
            component[root as usize] = true;
            stack.push(root);
            let mut bond_ends = 0usize;
            while let Some(a) = stack.pop() {
                for &(b, e) in self.g.neighbors(a) {
                    if self.active[e as usize] {
                        bond_ends += 1;
                        if !component[b as usize] {
                            component[b as usize] = true;
                            atoms.push(b);
                            stack.push(b);
                        }
                    }
                }
            }
            atoms.sort_unstable();
            let expected = bond_ends / 2 + 1 - atoms.len();
            self.component(&atoms, expected)?;
        }
        let sssr_count = self.sssr.len();
        let extras = self.symmetrize();
        Some(FoundRings {
            sssr: self.sssr,
            sssr_count,
            extras,
        })
    }

    /// Rings of one connected piece of the pruned graph (`atoms` ascending,
    /// `expected` its cyclomatic number).
    fn component(&mut self, atoms: &[u32], expected: usize) -> Option<()> {
        let mut found: Vec<Vec<u32>> = Vec::new();
        let mut keys: BTreeSet<RingKey> = BTreeSet::new();
        let mut done = 0usize;
        let mut changed: Vec<u32> = Vec::new();
        let mut is_done = vec![false; atoms.len()];
        let local = |a: u32, atoms: &[u32]| atoms.binary_search(&a).unwrap_or(0);
        while done < atoms.len() {
            while let Some(a) = changed.pop() {
                let i = local(a, atoms);
                if !is_done[i] {
                    is_done[i] = true;
                    done += 1;
                    self.trim(a, &mut changed);
                }
            }
            let d2 = self.pick_d2_nodes(atoms);
            if !d2.is_empty() {
                self.rings_from_d2_nodes(&d2, &mut found, &mut keys);
                for &a in &d2 {
                    is_done[local(a, atoms)] = true;
                    done += 1;
                    self.trim(a, &mut changed);
                }
            } else if done < atoms.len() {
                let Some(&cand) = atoms.iter().find(|&&a| self.deg[a as usize] == 3) else {
                    break;
                };
                self.rings_from_d3_node(cand, &mut found, &mut keys);
                is_done[local(cand, atoms)] = true;
                done += 1;
                self.trim(cand, &mut changed);
            }
        }
        if found.len() < expected {
            self.find_connecting_rings(atoms, &mut found, &mut keys)?;
            if found.len() < expected {
                return None;
            }
        }
        if found.len() > expected {
            self.remove_extra_rings(&mut found);
        }
        if found.len() > 1
            && atoms.len() <= MAX_MINIMALITY_CHECK
            && found.iter().any(|r| r.len() > MACROCYCLE)
        {
            self.ensure_minimal(atoms, &mut found);
        }
        self.sssr.append(&mut found);
        Some(())
    }

    /// Trimming a whole round of degree-2 atoms at once can cut the short
    /// way round a macrocycle (tetraarylporphyrins come out with a 20-ring
    /// instead of the 16-ring through the nitrogens; RDKit 2026.09 finds the
    /// 16). Where a ring is that large, check the basis against Horton's
    /// candidates (shortest-path cycles through every atom) and, if a
    /// shorter basis exists, take it, preferring the rings already found.
    fn ensure_minimal(&mut self, atoms: &[u32], found: &mut Vec<Vec<u32>>) {
        let mut candidates: Vec<Vec<u32>> = found.clone();
        let mut bfs_order = Vec::new();
        let mut parent = vec![NONE; self.g.n];
        let mut seen = vec![false; self.g.n];
        for &root in atoms {
            bfs_order.clear();
            bfs_order.push(root);
            seen[root as usize] = true;
            let mut head = 0;
            while head < bfs_order.len() {
                let a = bfs_order[head];
                head += 1;
                for &(b, e) in self.g.neighbors(a) {
                    if self.core_bonds[e as usize] && !seen[b as usize] {
                        seen[b as usize] = true;
                        parent[b as usize] = a;
                        bfs_order.push(b);
                    }
                }
            }
            let path = |mut a: u32| {
                let mut p = vec![a];
                while a != root {
                    a = parent[a as usize];
                    p.push(a);
                }
                p
            };
            for &a in &bfs_order {
                for &(b, e) in self.g.neighbors(a) {
                    if a < b
                        && self.core_bonds[e as usize]
                        && parent[b as usize] != a
                        && parent[a as usize] != b
                    {
                        let (pa, pb) = (path(a), path(b));
                        // Simple only if the two paths meet at the root alone.
                        if pa
                            .iter()
                            .rev()
                            .nth(1)
                            .is_some_and(|x| pb.iter().rev().nth(1) == Some(x))
                        {
                            continue;
                        }
                        let mut ring: Vec<u32> = pa.into_iter().rev().collect();
                        ring.extend(pb.into_iter().take_while(|&x| x != root));
                        let mut sorted = ring.clone();
                        sorted.sort_unstable();
                        if sorted.windows(2).all(|w| w[0] != w[1]) {
                            candidates.push(ring);
                        }
                    }
                }
            }
            for &a in &bfs_order {
                seen[a as usize] = false;
                parent[a as usize] = NONE;
            }
        }
        // Stable sort keeps the found rings first among rings of one size.
        candidates.sort_by_key(|r| r.len());
        let words = self.g.ends.len().div_ceil(64);
        let mut basis: Vec<(usize, Vec<u64>)> = Vec::new();
        let mut chosen = Vec::new();
        for ring in candidates {
            if chosen.len() == found.len() {
                break;
            }
            let mut v = vec![0u64; words];
            for e in self.g.ring_bonds(&ring) {
                v[e as usize / 64] ^= 1 << (e % 64);
            }
            for (pivot, row) in &basis {
                if v[pivot / 64] >> (pivot % 64) & 1 == 1 {
                    for (x, y) in v.iter_mut().zip(row) {
                        *x ^= y;
                    }
                }
            }
            let Some(word) = v.iter().position(|&w| w != 0) else {
                continue;
            };
            let pivot = word * 64 + v[word].trailing_zeros() as usize;
            basis.push((pivot, v));
            chosen.push(ring);
        }
        let total = |rings: &[Vec<u32>]| rings.iter().map(|r| r.len()).sum::<usize>();
        if chosen.len() == found.len() && total(&chosen) < total(found) {
            *found = chosen;
        }
    }

    /// Removes every live bond of `a`; neighbours left with at most one
    /// bond are queued for pruning.
    fn trim(&mut self, a: u32, changed: &mut Vec<u32>) {
        trim_bonds(self.g, a, &mut self.deg, &mut self.active, changed);
    }

    /// One atom from every chain of degree-2 atoms, in atom order.
    fn pick_d2_nodes(&mut self, atoms: &[u32]) -> Vec<u32> {
        let mut picked = Vec::new();
        let mut covered = Vec::new();
        let mut stack = Vec::new();
        for &root in atoms {
            if self.deg[root as usize] != 2 || self.covered[root as usize] {
                continue;
            }
            picked.push(root);
            self.covered[root as usize] = true;
            covered.push(root);
            stack.push(root);
            while let Some(a) = stack.pop() {
                for &(b, e) in self.g.neighbors(a) {
                    if self.active[e as usize]
                        && self.deg[b as usize] == 2
                        && !self.covered[b as usize]
                    {
                        self.covered[b as usize] = true;
                        covered.push(b);
                        stack.push(b);
                    }
                }
            }
        }
        for a in covered {
            self.covered[a as usize] = false;
        }
        picked
    }

    fn note_ring_atoms_bonds(&mut self, ring: &[u32]) {
        for i in 0..ring.len() {
            let e = self.g.bond_between(ring[i], ring[(i + 1) % ring.len()]);
            if e != NONE {
                self.ring_bonds_seen[e as usize] = true;
            }
            self.ring_atoms_seen[ring[i] as usize] = true;
        }
    }

    fn rings_from_d2_nodes(
        &mut self,
        d2: &[u32],
        found: &mut Vec<Vec<u32>>,
        keys: &mut BTreeSet<RingKey>,
    ) {
        // For each ring, the d2 nodes that found it; nodes that found a
        // ring some other node found too are "duplicates" of each other.
        let mut finders: BTreeMap<RingKey, Vec<u32>> = BTreeMap::new();
        let mut duplicates: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut rings = Vec::new();
        for &cand in d2 {
            rings.clear();
            self.bfs
                .smallest_rings(self.g, &self.active, cand, &[], &mut rings);
            for ring in &rings {
                let key = ring_key(ring);
                if !keys.contains(&key) {
                    self.note_ring_atoms_bonds(ring);
                    found.push(ring.clone());
                    keys.insert(key.clone());
                }
                let others = finders.entry(key).or_default();
                for &other in others.iter() {
                    if other != cand {
                        duplicates.entry(cand).or_default().push(other);
                        duplicates.entry(other).or_default().push(cand);
                    }
                }
                others.push(cand);
            }
            if rings.is_empty() {
                // A chain on a path between ring systems: it closes no ring,
                // so drop it now rather than search from it again.
                let mut changed = vec![cand];
                let mut deg = std::mem::take(&mut self.deg);
                let mut active = std::mem::take(&mut self.active);
                while let Some(a) = changed.pop() {
                    trim_bonds(self.g, a, &mut deg, &mut active, &mut changed);
                }
                self.deg = deg;
                self.active = active;
            }
        }
        // Nodes that found the same ring may each also close a second,
        // larger ring that the other hides: cut the duplicates away and look
        // again (RDKit's example: C12=CON=C1C(C4)CC3CC2CC4C3).
        for cands in finders.values() {
            if cands.len() < 2 {
                continue;
            }
            let mut candidates = Vec::new();
            let mut min_size = usize::MAX;
            for &cand in cands {
                let mut deg = self.deg.clone();
                let mut active = self.active.clone();
                let mut ignored = Vec::new();
                for &other in duplicates.get(&cand).map_or(&[][..], |v| v) {
                    trim_bonds(self.g, other, &mut deg, &mut active, &mut ignored);
                }
                let before = candidates.len();
                self.bfs
                    .smallest_rings(self.g, &active, cand, &[], &mut candidates);
                for ring in &candidates[before..] {
                    min_size = min_size.min(ring.len());
                }
            }
            for ring in candidates {
                if ring.len() == min_size {
                    let key = ring_key(&ring);
                    if keys.insert(key) {
                        found.push(ring);
                    }
                }
            }
        }
    }

    /// No degree-2 atom is left: find the (up to three) rings through a
    /// degree-3 atom, each pair of its bonds in one ring.
    fn rings_from_d3_node(
        &mut self,
        cand: u32,
        found: &mut Vec<Vec<u32>>,
        keys: &mut BTreeSet<RingKey>,
    ) {
        let mut add = |rings: &[Vec<u32>], found: &mut Vec<Vec<u32>>| {
            for ring in rings {
                if keys.insert(ring_key(ring)) {
                    found.push(ring.clone());
                }
            }
        };
        let mut rings = Vec::new();
        let small = self
            .bfs
            .smallest_rings(self.g, &self.active, cand, &[], &mut rings);
        add(&rings, found);
        if small >= 3 || rings.is_empty() {
            return;
        }
        let n: Vec<u32> = self
            .g
            .neighbors(cand)
            .iter()
            .filter(|&&(_, e)| self.active[e as usize])
            .map(|&(b, _)| b)
            .take(3)
            .collect();
        if n.len() < 3 {
            return;
        }
        let mut more = Vec::new();
        if small == 2 {
            // The neighbour both rings share is kept out of the third.
            let Some(&f) = n
                .iter()
                .find(|&&x| rings[0].contains(&x) && rings[1].contains(&x))
            else {
                return;
            };
            self.bfs
                .smallest_rings(self.g, &self.active, cand, &[f], &mut more);
            add(&more, found);
        } else {
            let (f1, f2) = match n.iter().position(|x| !rings[0].contains(x)) {
                Some(0) => (n[1], n[2]),
                Some(1) => (n[0], n[2]),
                Some(_) => (n[0], n[1]),
                None => return,
            };
            for forbidden in [f2, f1] {
                more.clear();
                self.bfs
                    .smallest_rings(self.g, &self.active, cand, &[forbidden], &mut more);
                add(&more, found);
            }
        }
    }

    /// Too few rings: some ring is made only of atoms already in rings.
    /// Look for a ring through each bond joining two ring atoms that no
    /// ring uses yet (RDKit's fix for highly fused systems). `None` when
    /// the path search hits its bound.
    fn find_connecting_rings(
        &mut self,
        atoms: &[u32],
        found: &mut Vec<Vec<u32>>,
        keys: &mut BTreeSet<RingKey>,
    ) -> Option<()> {
        let mut dead = BTreeSet::new();
        loop {
            let next = atoms.iter().find_map(|&a| {
                self.g.neighbors(a).iter().find_map(|&(b, e)| {
                    (a < b
                        && self.g.ring_capable[e as usize]
                        && !self.ring_bonds_seen[e as usize]
                        && !dead.contains(&e)
                        && self.ring_atoms_seen[a as usize]
                        && self.ring_atoms_seen[b as usize])
                        .then_some((a, b, e))
                })
            });
            let Some((a, b, e)) = next else {
                return Some(());
            };
            match self.connecting_ring(a, b, keys)? {
                Some(ring) => {
                    self.note_ring_atoms_bonds(&ring);
                    keys.insert(ring_key(&ring));
                    found.push(ring);
                    self.ring_bonds_seen[e as usize] = true;
                }
                None => {
                    dead.insert(e);
                }
            }
        }
    }

    /// Breadth-first search over simple paths from `from` to `to` through
    /// ring atoms, for the first ring not yet known. `None` on overflow.
    fn connecting_ring(
        &self,
        from: u32,
        to: u32,
        keys: &BTreeSet<RingKey>,
    ) -> Option<Option<Vec<u32>>> {
        // Paths as a tree: (atom, index of the previous step).
        let mut steps: Vec<(u32, u32)> = vec![(from, NONE)];
        let path = |steps: &[(u32, u32)], mut i: u32| {
            let mut p = Vec::new();
            while i != NONE {
                p.push(steps[i as usize].0);
                i = steps[i as usize].1;
            }
            p.reverse();
            p
        };
        let mut head = 0usize;
        while head < steps.len() {
            if steps.len() > MAX_PATHS {
                return None;
            }
            let (cur, _) = steps[head];
            let here = path(&steps, head as u32);
            for &(nbr, e) in self.g.neighbors(cur) {
                if !self.g.ring_capable[e as usize] {
                    continue;
                }
                if nbr == to {
                    if cur != from {
                        let mut ring = here.clone();
                        ring.push(nbr);
                        if !keys.contains(&ring_key(&ring)) {
                            return Some(Some(ring));
                        }
                    }
                } else if self.ring_atoms_seen[nbr as usize] && !here.contains(&nbr) {
                    steps.push((nbr, head as u32));
                }
            }
            head += 1;
        }
        Some(None)
    }

    /// More rings than the cyclomatic number: keep, smallest first, every
    /// ring that brings a bond not yet covered; among rings of one size,
    /// prefer the one overlapping most with what is kept. The rest are
    /// remembered as candidates for symmetrization.
    fn remove_extra_rings(&mut self, found: &mut Vec<Vec<u32>>) {
        found.sort_by_key(|r| r.len());
        let words = self.g.ends.len().div_ceil(64);
        let bits: Vec<Vec<u64>> = found
            .iter()
            .map(|r| {
                let mut v = vec![0u64; words];
                for e in self.g.ring_bonds(r) {
                    if e != NONE {
                        v[e as usize / 64] |= 1 << (e % 64);
                    }
                }
                v
            })
            .collect();
        let subset = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(x, y)| x & !y == 0);
        let overlap = |a: &[u64], b: &[u64]| -> u32 {
            a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
        };
        let n = found.len();
        let mut avail = vec![true; n];
        let mut keep = vec![false; n];
        let mut union = vec![0u64; words];
        let add = |union: &mut Vec<u64>, r: &[u64]| {
            for (u, x) in union.iter_mut().zip(r) {
                *u |= x;
            }
        };
        for i in 0..n {
            if subset(&bits[i], &union) {
                avail[i] = false;
            }
            if !avail[i] {
                continue;
            }
            add(&mut union, &bits[i]);
            keep[i] = true;
            let size = found[i].len();
            let mut consider: Vec<usize> = (i + 1..n)
                .filter(|&j| avail[j] && found[j].len() == size)
                .collect();
            while !consider.is_empty() {
                let mut best = 0;
                let mut best_overlap = -1i64;
                for (k, &j) in consider.iter().enumerate() {
                    let o = overlap(&bits[j], &union) as i64;
                    if o > best_overlap {
                        best_overlap = o;
                        best = k;
                    }
                }
                let j = consider.remove(best);
                avail[j] = false;
                if !subset(&bits[j], &union) {
                    keep[j] = true;
                    add(&mut union, &bits[j]);
                }
            }
        }
        let all = std::mem::take(found);
        for (ring, kept) in all.into_iter().zip(keep) {
            if kept {
                found.push(ring);
            } else {
                self.extras.push(ring);
            }
        }
    }

    /// RDKit's `symmetrizeSSSR`: a dropped ring joins the ring list when it
    /// could stand in for one SSSR ring of its size: it shares a bond with
    /// it and carries every bond only that ring provides.
    fn symmetrize(&mut self) -> Vec<Vec<u32>> {
        if self.extras.is_empty() {
            return Vec::new();
        }
        let sssr_bonds: Vec<Vec<u32>> = self.sssr.iter().map(|r| self.g.ring_bonds(r)).collect();
        let mut count = vec![0u32; self.g.ends.len()];
        for e in sssr_bonds.iter().flatten() {
            if *e != NONE {
                count[*e as usize] += 1;
            }
        }
        let mut kept = Vec::new();
        for extra in std::mem::take(&mut self.extras) {
            let extra_bonds = self.g.ring_bonds(&extra);
            let fits = sssr_bonds.iter().any(|ring| {
                ring.len() == extra_bonds.len()
                    && ring.iter().any(|e| extra_bonds.contains(e))
                    && ring
                        .iter()
                        .all(|e| *e == NONE || count[*e as usize] != 1 || extra_bonds.contains(e))
            });
            if fits {
                kept.push(extra);
            }
        }
        kept
    }
}

fn trim_bonds(g: &Graph, a: u32, deg: &mut [u32], active: &mut [bool], changed: &mut Vec<u32>) {
    for &(b, e) in g.neighbors(a) {
        if !active[e as usize] {
            continue;
        }
        if deg[b as usize] <= 2 {
            changed.push(b);
        }
        active[e as usize] = false;
        deg[b as usize] -= 1;
        deg[a as usize] -= 1;
    }
}

/// Breadth-first search for the smallest rings through one atom, with
/// scratch arrays reset only where the last search touched them.
struct Bfs {
    color: Vec<u8>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    queue: Vec<u32>,
    mark: Vec<u32>,
    stamp: u32,
}

const WHITE: u8 = 0;
const GRAY: u8 = 1;
const BLACK: u8 = 2;

impl Bfs {
    fn new(n: usize) -> Bfs {
        Bfs {
            color: vec![WHITE; n],
            parent: vec![NONE; n],
            depth: vec![0; n],
            queue: Vec::new(),
            mark: vec![0; n],
            stamp: 0,
        }
    }

    /// Appends every smallest ring through `root` (avoiding `forbidden`
    /// atoms) to `out`, each starting at `root`; returns how many.
    fn smallest_rings(
        &mut self,
        g: &Graph,
        active: &[bool],
        root: u32,
        forbidden: &[u32],
        out: &mut Vec<Vec<u32>>,
    ) -> usize {
        for &f in forbidden {
            self.color[f as usize] = BLACK;
        }
        self.queue.clear();
        self.queue.push(root);
        let mut found = 0usize;
        let mut best = usize::MAX;
        let mut head = 0;
        'search: while head < self.queue.len() {
            let cur = self.queue[head];
            head += 1;
            self.color[cur as usize] = BLACK;
            let depth = self.depth[cur as usize] + 1;
            if depth as usize > best {
                break;
            }
            for &(nbr, e) in g.neighbors(cur) {
                if !active[e as usize] {
                    continue;
                }
                let c = self.color[nbr as usize];
                if c == BLACK || self.parent[cur as usize] == nbr {
                    continue;
                }
                if c == WHITE {
                    self.parent[nbr as usize] = cur;
                    self.color[nbr as usize] = GRAY;
                    self.depth[nbr as usize] = depth;
                    self.queue.push(nbr);
                } else if let Some(ring) = self.close_ring(root, cur, nbr) {
                    if ring.len() > best {
                        break 'search;
                    }
                    best = ring.len();
                    out.push(ring);
                    found += 1;
                }
            }
        }
        for &a in self.queue.iter().chain(forbidden) {
            self.color[a as usize] = WHITE;
            self.parent[a as usize] = NONE;
            self.depth[a as usize] = 0;
        }
        found
    }

    /// Joins the tree paths root..cur and nbr..root into a ring; `None`
    /// when they meet before the root (not a ring through it).
    fn close_ring(&mut self, root: u32, cur: u32, nbr: u32) -> Option<Vec<u32>> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let mut tail = vec![nbr];
        self.mark[nbr as usize] = stamp;
        let mut p = self.parent[nbr as usize];
        while p != NONE && p != root {
            tail.push(p);
            self.mark[p as usize] = stamp;
            p = self.parent[p as usize];
        }
        let mut head = vec![cur];
        self.mark[cur as usize] = stamp;
        let mut p = self.parent[cur as usize];
        while p != NONE {
            if self.mark[p as usize] == stamp {
                return None;
            }
            self.mark[p as usize] = stamp;
            head.push(p);
            p = self.parent[p as usize];
        }
        if head.len() + tail.len() < 2 {
            return None;
        }
        head.reverse();
        head.extend(tail);
        Some(head)
    }
}
