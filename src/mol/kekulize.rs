//! Kekulization: turning bonds written aromatic into single and double bonds.
//!
//! Every aromatic atom that has a free valence must receive exactly one
//! double bond, so the double bonds form a matching over the aromatic bonds
//! that covers all such atoms. The matching is found exactly (Edmonds'
//! blossom algorithm, so odd rings in fused systems are no problem) after a
//! greedy start that already settles almost every real molecule.

use super::{element, BondOrder, Mol};

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

fn need(mol: &Mol, i: usize, aromatic_bonds: usize) -> Need {
    let atom = mol.atom(i);
    if atom.element == 0 {
        return Need::Optional;
    }
    // Each aromatic bond counts once (its single-bond part); the double bond
    // we may add is the one extra unit.
    let nonaromatic: u32 = mol
        .neighbors(i)
        .filter(|&(_, b)| !mol.bond(b).aromatic)
        .map(|(_, b)| {
            let bond = mol.bond(b);
            if bond.order == BondOrder::Dative && mol.bond_atoms(b).0 == i {
                0
            } else {
                bond.order.valence() as u32
            }
        })
        .sum();
    let used = nonaromatic + aromatic_bonds as u32 + atom.explicit_h as u32;
    let allowed = element::allowed_valences_charged(atom.element, atom.charge);
    match allowed.iter().map(|&v| v as u32).find(|&v| v >= used) {
        Some(v) if v > used => Need::Required,
        // A neutral aromatic nitrogen already showing four bond units is the
        // pentavalent Kekulé form (pyridine N-oxide as `O=n1ccccc1`, ring
        // fusion through `[n]12`) that many toolkits write; every reader of
        // the SMILES-reading benchmark gives it its ring double bond.
        None if atom.element == 7 && atom.charge == 0 && used == 4 => Need::Required,
        _ => Need::None,
    }
}

/// Assigns Kekulé orders to every bond flagged aromatic. Aromatic flags are
/// left as they are; aromaticity perception sets them afresh afterwards.
pub fn kekulize(mol: &mut Mol) -> Result<(), KekulizeError> {
    let n = mol.atom_count();
    let mut aromatic_bonds: Vec<(u32, u32, u32)> = Vec::new();
    for e in 0..mol.bond_count() {
        if mol.bond(e).aromatic {
            let (a, b) = mol.bond_atoms(e);
            aromatic_bonds.push((a as u32, b as u32, e as u32));
        }
    }
    let mut marked: Vec<usize> = (0..n).filter(|&i| mol.atom(i).aromatic).collect();
    if aromatic_bonds.is_empty() && marked.is_empty() {
        return Ok(());
    }
    // Local numbering of the atoms that take part.
    let mut local = vec![u32::MAX; n];
    let mut atoms: Vec<usize> = Vec::new();
    let mut count = vec![0usize; n];
    for &(a, b, _) in &aromatic_bonds {
        count[a as usize] += 1;
        count[b as usize] += 1;
    }
    marked.extend(
        aromatic_bonds
            .iter()
            .flat_map(|&(a, b, _)| [a as usize, b as usize]),
    );
    marked.sort_unstable();
    marked.dedup();
    let mut needs = Vec::new();
    for &i in &marked {
        let nd = need(mol, i, count[i]);
        if nd != Need::None {
            local[i] = atoms.len() as u32;
            atoms.push(i);
            needs.push(nd);
        }
    }
    let real = atoms.len();
    // Graph over candidate atoms; each optional atom gets a pendant partner
    // so that leaving it without a double bond is just another matching.
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); real];
    let mut edge_of: Vec<(u32, u32, u32)> = Vec::new();
    for &(a, b, e) in &aromatic_bonds {
        let (la, lb) = (local[a as usize], local[b as usize]);
        if la != u32::MAX && lb != u32::MAX {
            adj[la as usize].push(lb);
            adj[lb as usize].push(la);
            edge_of.push((la, lb, e));
        }
    }
    for v in 0..real {
        if needs[v] == Need::Optional {
            let p = adj.len() as u32;
            adj.push(vec![v as u32]);
            adj[v].push(p);
        }
    }
    let mut matching = Matching::new(&adj);
    matching.greedy();
    let mut unmatched = Vec::new();
    for v in 0..real {
        if needs[v] == Need::Required && matching.mate[v] == NONE && !matching.augment_from(v) {
            unmatched.push(atoms[v]);
        }
    }
    if !unmatched.is_empty() {
        return Err(KekulizeError { atoms: unmatched });
    }
    for &(_, _, e) in &aromatic_bonds {
        mol.bond_mut(e as usize).order = BondOrder::Single;
    }
    for &(la, lb, e) in &edge_of {
        if matching.mate[la as usize] == lb {
            mol.bond_mut(e as usize).order = BondOrder::Double;
        }
    }
    Ok(())
}

const NONE: u32 = u32::MAX;

/// Maximum-cardinality matching state on a small general graph.
struct Matching<'a> {
    adj: &'a [Vec<u32>],
    mate: Vec<u32>,
    // Scratch for the blossom search, reused between searches.
    parent: Vec<u32>,
    base: Vec<u32>,
    in_tree: Vec<bool>,
    in_blossom: Vec<bool>,
    queue: Vec<u32>,
}

impl<'a> Matching<'a> {
    fn new(adj: &'a [Vec<u32>]) -> Self {
        let n = adj.len();
        Matching {
            adj,
            mate: vec![NONE; n],
            parent: vec![NONE; n],
            base: (0..n as u32).collect(),
            in_tree: vec![false; n],
            in_blossom: vec![false; n],
            queue: Vec::new(),
        }
    }

    /// Matches vertices with the fewest free neighbours first: chains and
    /// pendant atoms are forced, and rings rarely need repair afterwards.
    fn greedy(&mut self) {
        let n = self.adj.len();
        let mut free_deg: Vec<u32> = self.adj.iter().map(|a| a.len() as u32).collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&v| free_deg[v as usize]);
        let mut stack: Vec<u32> = Vec::new();
        for &start in &order {
            stack.push(start);
            while let Some(v) = stack.pop() {
                let v = v as usize;
                if self.mate[v] != NONE {
                    continue;
                }
                let best = self.adj[v]
                    .iter()
                    .copied()
                    .filter(|&w| self.mate[w as usize] == NONE)
                    .min_by_key(|&w| free_deg[w as usize]);
                let Some(w) = best else { continue };
                self.mate[v] = w;
                self.mate[w as usize] = v as u32;
                // Neighbours that just lost a free partner may now be forced.
                for &x in self.adj[v].iter().chain(self.adj[w as usize].iter()) {
                    let x = x as usize;
                    if self.mate[x] == NONE {
                        free_deg[x] = free_deg[x].saturating_sub(1);
                        if free_deg[x] == 1 {
                            stack.push(x as u32);
                        }
                    }
                }
            }
        }
    }

    fn lca(&self, mut a: u32, mut b: u32) -> u32 {
        let mut seen = vec![false; self.adj.len()];
        loop {
            a = self.base[a as usize];
            seen[a as usize] = true;
            if self.mate[a as usize] == NONE {
                break;
            }
            a = self.parent[self.mate[a as usize] as usize];
        }
        loop {
            b = self.base[b as usize];
            if seen[b as usize] {
                return b;
            }
            b = self.parent[self.mate[b as usize] as usize];
        }
    }

    fn mark_path(&mut self, mut v: u32, b: u32, mut child: u32) {
        while self.base[v as usize] != b {
            let m = self.mate[v as usize];
            self.in_blossom[self.base[v as usize] as usize] = true;
            self.in_blossom[self.base[m as usize] as usize] = true;
            self.parent[v as usize] = child;
            child = m;
            v = self.parent[m as usize];
        }
    }

    /// Edmonds' search for an augmenting path from the free vertex `root`;
    /// flips it and returns true when one exists.
    fn augment_from(&mut self, root: usize) -> bool {
        let n = self.adj.len();
        self.parent.fill(NONE);
        self.in_tree.fill(false);
        for (i, b) in self.base.iter_mut().enumerate() {
            *b = i as u32;
        }
        self.queue.clear();
        self.queue.push(root as u32);
        self.in_tree[root] = true;
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head];
            head += 1;
            for k in 0..self.adj[v as usize].len() {
                let to = self.adj[v as usize][k];
                if self.base[v as usize] == self.base[to as usize] || self.mate[v as usize] == to {
                    continue;
                }
                let to_is_outer = to as usize == root
                    || (self.mate[to as usize] != NONE
                        && self.parent[self.mate[to as usize] as usize] != NONE);
                if to_is_outer {
                    let cur = self.lca(v, to);
                    self.in_blossom.fill(false);
                    self.mark_path(v, cur, to);
                    self.mark_path(to, cur, v);
                    for i in 0..n {
                        if self.in_blossom[self.base[i] as usize] {
                            self.base[i] = cur;
                            if !self.in_tree[i] {
                                self.in_tree[i] = true;
                                self.queue.push(i as u32);
                            }
                        }
                    }
                } else if self.parent[to as usize] == NONE {
                    self.parent[to as usize] = v;
                    if self.mate[to as usize] == NONE {
                        self.flip(to);
                        return true;
                    }
                    let m = self.mate[to as usize];
                    self.in_tree[m as usize] = true;
                    self.queue.push(m);
                }
            }
        }
        false
    }

    fn flip(&mut self, mut v: u32) {
        while v != NONE {
            let pv = self.parent[v as usize];
            let ppv = self.mate[pv as usize];
            self.mate[v as usize] = pv;
            self.mate[pv as usize] = v;
            v = ppv;
        }
    }
}
