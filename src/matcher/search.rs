//! The backtracking search behind [`super::find`]: an explicit stack over
//! query atoms in a precomputed order, with every piece of state allocated
//! once when the search starts.

use std::collections::HashSet;

use super::{BudgetExceeded, MatchOptions, Query, Target};

/// Marks an unmapped query atom, or a query atom without a parent.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Running,
    Done,
}

/// The visiting order and, for each depth, the bonds back to atoms placed
/// before it.
#[derive(Debug, Default)]
struct Plan {
    /// Depth -> query atom.
    order: Vec<u32>,
    /// Depth -> (earliest placed neighbour, query bond to it), or `NONE` for
    /// the first atom of a query component. Candidates for the atom are the
    /// neighbours of that parent's image.
    parent: Vec<(u32, u32)>,
    /// Other bonds to placed atoms: `back[back_start[d]..back_start[d + 1]]`.
    back_start: Vec<u32>,
    back: Vec<(u32, u32)>,
    /// Query atom -> number of query neighbours (a target atom needs as many).
    degree: Vec<u32>,
}

impl Plan {
    /// Greedy VF2++-style order: next comes the atom with the most bonds to
    /// atoms already placed, then the fewest candidates, then the highest
    /// degree. A new component starts at its rarest atom. `first` forces the
    /// first atom.
    fn new<Q: Query + ?Sized>(query: &Q, candidates: &[u32], first: Option<usize>) -> Plan {
        let n = query.atom_count();
        let degree: Vec<u32> = (0..n).map(|q| query.neighbors(q).len() as u32).collect();
        let mut depth_of = vec![NONE; n];
        let mut placed_neighbors = vec![0u32; n];
        let mut order = Vec::with_capacity(n);
        for d in 0..n {
            let next = match first {
                Some(q) if d == 0 => q,
                _ => (0..n)
                    .filter(|&q| depth_of[q] == NONE)
                    .min_by_key(|&q| {
                        (
                            std::cmp::Reverse(placed_neighbors[q]),
                            candidates[q],
                            std::cmp::Reverse(degree[q]),
                        )
                    })
                    .expect("an unplaced atom remains"),
            };
            depth_of[next] = d as u32;
            order.push(next as u32);
            for &(nb, _) in query.neighbors(next) {
                placed_neighbors[nb as usize] += 1;
            }
        }
        let mut parent = Vec::with_capacity(n);
        let mut back_start = Vec::with_capacity(n + 1);
        let mut back = Vec::new();
        for (d, &q) in order.iter().enumerate() {
            back_start.push(back.len() as u32);
            let earlier = || {
                query
                    .neighbors(q as usize)
                    .iter()
                    .filter(|&&(nb, _)| depth_of[nb as usize] < d as u32)
            };
            let first_placed = earlier().min_by_key(|&&(nb, _)| depth_of[nb as usize]);
            parent.push(first_placed.copied().unwrap_or((NONE, NONE)));
            back.extend(earlier().filter(|&&(nb, _)| Some(nb) != first_placed.map(|p| p.0)));
        }
        back_start.push(back.len() as u32);
        Plan {
            order,
            parent,
            back_start,
            back,
            degree,
        }
    }
}

/// Lazy iterator over matches; each item is the mapping (query atom -> target atom)
/// or BudgetExceeded (after which it ends). Dropping it stops the search.
pub struct Matches<'a, Q: Query + ?Sized> {
    query: &'a Q,
    target: &'a Target<'a>,
    options: MatchOptions,
    /// (query atom, target atom) fixed before the search starts.
    root: Option<(usize, usize)>,
    phase: Phase,
    steps: u64,
    found: usize,
    plan: Plan,
    /// Free search only: bit `t` of row `q` says target atom `t` passes
    /// query atom `q`'s predicate and has enough neighbours. Rows are
    /// `words` long. Empty when the search is rooted.
    domain: Vec<u64>,
    words: usize,
    mapping: Vec<u32>,
    used: Vec<bool>,
    /// Depth -> position of the next candidate to try.
    cursor: Vec<u32>,
    depth: usize,
    seen: HashSet<Box<[u32]>>,
    key: Vec<u32>,
}

impl<'a, Q: Query + ?Sized> Matches<'a, Q> {
    pub(super) fn new(
        query: &'a Q,
        target: &'a Target<'a>,
        options: MatchOptions,
        root: Option<(usize, usize)>,
    ) -> Self {
        Matches {
            query,
            target,
            options,
            root,
            phase: Phase::Start,
            steps: 0,
            found: 0,
            plan: Plan::default(),
            domain: Vec::new(),
            words: 0,
            mapping: Vec::new(),
            used: Vec::new(),
            cursor: Vec::new(),
            depth: 0,
            seen: HashSet::new(),
            key: Vec::new(),
        }
    }

    /// Candidate pairs tried so far, including the predicate evaluations
    /// that order a free search.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    #[inline]
    fn charge(&mut self, steps: u64) -> Result<(), BudgetExceeded> {
        self.steps += steps;
        if self.steps > self.options.budget {
            Err(BudgetExceeded)
        } else {
            Ok(())
        }
    }

    /// Builds the plan and the state. `Ok(false)` when no match can exist.
    fn start(&mut self) -> Result<bool, BudgetExceeded> {
        let (query, target) = (self.query, self.target);
        let n = query.atom_count();
        let t_n = target.atom_count();
        if n == 0 || n > t_n || self.options.max_matches == Some(0) {
            return Ok(false);
        }
        let mut candidates = vec![0u32; n];
        let first = match self.root {
            Some((q, t)) => {
                if q >= n || t >= t_n {
                    return Ok(false);
                }
                Some(q)
            }
            None => {
                self.words = t_n.div_ceil(64);
                self.domain = vec![0u64; n * self.words];
                for (q, count) in candidates.iter_mut().enumerate() {
                    self.charge(t_n as u64)?;
                    let degree = query.neighbors(q).len() as u32;
                    let row = &mut self.domain[q * self.words..(q + 1) * self.words];
                    for t in 0..t_n {
                        if target.degree(t) >= degree && query.atom_matches(target, q, t) {
                            row[t / 64] |= 1 << (t % 64);
                            *count += 1;
                        }
                    }
                    if *count == 0 {
                        return Ok(false);
                    }
                }
                None
            }
        };
        self.plan = Plan::new(query, &candidates, first);
        self.mapping = vec![NONE; n];
        self.used = vec![false; t_n];
        self.cursor = vec![0; n];
        Ok(true)
    }

    #[inline]
    fn in_domain(&self, q: usize, t: usize) -> bool {
        if self.domain.is_empty() {
            self.target.degree(t) >= self.plan.degree[q]
                && self.query.atom_matches(self.target, q, t)
        } else {
            self.domain[q * self.words + t / 64] >> (t % 64) & 1 == 1
        }
    }

    /// Every bond from the atom at `depth` back to an earlier atom other
    /// than its parent exists on `t` and matches.
    #[inline]
    fn back_bonds_match(&self, depth: usize, t: usize) -> bool {
        let plan = &self.plan;
        let range = plan.back_start[depth] as usize..plan.back_start[depth + 1] as usize;
        plan.back[range].iter().all(|&(p, q_bond)| {
            let image = self.mapping[p as usize];
            self.target
                .neighbors(t)
                .iter()
                .find(|&&(nb, _)| nb == image)
                .is_some_and(|&(_, t_bond)| {
                    self.query
                        .bond_matches(self.target, q_bond as usize, t_bond as usize)
                })
        })
    }

    /// The next target atom for the query atom at the current depth, moving
    /// that depth's cursor past it.
    fn next_candidate(&mut self) -> Result<Option<usize>, BudgetExceeded> {
        let d = self.depth;
        let q = self.plan.order[d] as usize;
        let (parent, parent_bond) = self.plan.parent[d];
        if parent != NONE {
            let neighbors = self
                .target
                .neighbors(self.mapping[parent as usize] as usize);
            while let Some(&(t, t_bond)) = neighbors.get(self.cursor[d] as usize) {
                self.cursor[d] += 1;
                self.charge(1)?;
                let t = t as usize;
                if !self.used[t]
                    && self.in_domain(q, t)
                    && self
                        .query
                        .bond_matches(self.target, parent_bond as usize, t_bond as usize)
                    && self.back_bonds_match(d, t)
                {
                    return Ok(Some(t));
                }
            }
            return Ok(None);
        }
        if let (0, Some((_, t))) = (d, self.root) {
            if self.cursor[0] > 0 {
                return Ok(None);
            }
            self.cursor[0] = 1;
            self.charge(1)?;
            return Ok(self.in_domain(q, t).then_some(t));
        }
        let t_n = self.target.atom_count();
        let mut t = self.cursor[d] as usize;
        while t < t_n {
            if !self.domain.is_empty() {
                // Skip straight to the next candidate bit of the row.
                let word = self.domain[q * self.words + t / 64] >> (t % 64);
                if word == 0 {
                    t = (t / 64 + 1) * 64;
                    continue;
                }
                t += word.trailing_zeros() as usize;
            }
            self.cursor[d] = t as u32 + 1;
            self.charge(1)?;
            if !self.used[t] && self.in_domain(q, t) {
                return Ok(Some(t));
            }
            t += 1;
        }
        self.cursor[d] = t_n as u32;
        Ok(None)
    }

    fn backtrack(&mut self) {
        self.depth -= 1;
        let q = self.plan.order[self.depth] as usize;
        self.used[self.mapping[q] as usize] = false;
        self.mapping[q] = NONE;
    }

    /// In unique mode, whether the current mapping covers a new atom set
    /// (and remembers it).
    fn is_new(&mut self) -> bool {
        if !self.options.unique {
            return true;
        }
        self.key.clear();
        self.key.extend_from_slice(&self.mapping);
        self.key.sort_unstable();
        if self.seen.contains(&self.key[..]) {
            return false;
        }
        self.seen.insert(self.key.clone().into_boxed_slice());
        true
    }

    fn search(&mut self) -> Result<Option<Vec<u32>>, BudgetExceeded> {
        let n = self.plan.order.len();
        loop {
            if self.depth == n {
                let hit = self.query.accept(self.target, &self.mapping) && self.is_new();
                let mapping = hit.then(|| self.mapping.clone());
                self.backtrack();
                if mapping.is_some() {
                    return Ok(mapping);
                }
                continue;
            }
            match self.next_candidate()? {
                Some(t) => {
                    let q = self.plan.order[self.depth] as usize;
                    self.mapping[q] = t as u32;
                    self.used[t] = true;
                    self.depth += 1;
                    if self.depth < n {
                        self.cursor[self.depth] = 0;
                    }
                }
                None if self.depth == 0 => return Ok(None),
                None => self.backtrack(),
            }
        }
    }
}

impl<Q: Query + ?Sized> Iterator for Matches<'_, Q> {
    type Item = Result<Vec<u32>, BudgetExceeded>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.phase == Phase::Start {
            self.phase = match self.start() {
                Ok(true) => Phase::Running,
                Ok(false) => Phase::Done,
                Err(e) => {
                    self.phase = Phase::Done;
                    return Some(Err(e));
                }
            };
        }
        if self.phase == Phase::Done {
            return None;
        }
        match self.search() {
            Ok(Some(mapping)) => {
                self.found += 1;
                if Some(self.found) == self.options.max_matches {
                    self.phase = Phase::Done;
                }
                Some(Ok(mapping))
            }
            Ok(None) => {
                self.phase = Phase::Done;
                None
            }
            Err(e) => {
                self.phase = Phase::Done;
                Some(Err(e))
            }
        }
    }
}
