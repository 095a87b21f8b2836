//! The backtracking search behind [`super::find`]: an explicit stack over
//! query atoms in a precomputed order, with every piece of state allocated
//! once when the search starts.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

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
    /// first atom. `scratch` is working space.
    fn fill<Q: Query + ?Sized>(
        &mut self,
        query: &Q,
        candidates: &[u32],
        first: Option<usize>,
        scratch: &mut Vec<u32>,
    ) {
        let n = query.atom_count();
        self.degree.clear();
        self.degree
            .extend((0..n).map(|q| query.neighbors(q).len() as u32));
        scratch.clear();
        scratch.resize(2 * n, 0);
        let (depth_of, placed_neighbors) = scratch.split_at_mut(n);
        depth_of.fill(NONE);
        self.order.clear();
        for d in 0..n {
            let next = match first {
                Some(q) if d == 0 => q,
                // One packed key per atom (the lowest index wins ties, as
                // with a first-minimum search over the three criteria).
                _ => (0..n)
                    .filter(|&q| depth_of[q] == NONE)
                    .map(|q| {
                        u128::from(!placed_neighbors[q]) << 96
                            | u128::from(candidates[q]) << 64
                            | u128::from(!self.degree[q]) << 32
                            | q as u128
                    })
                    .min()
                    .map(|key| key as u32 as usize)
                    .expect("an unplaced atom remains"),
            };
            depth_of[next] = d as u32;
            self.order.push(next as u32);
            for &(nb, _) in query.neighbors(next) {
                placed_neighbors[nb as usize] += 1;
            }
        }
        self.parent.clear();
        self.back_start.clear();
        self.back.clear();
        for (d, &q) in self.order.iter().enumerate() {
            self.back_start.push(self.back.len() as u32);
            let earlier = || {
                query
                    .neighbors(q as usize)
                    .iter()
                    .filter(|&&(nb, _)| depth_of[nb as usize] < d as u32)
            };
            let parent = earlier()
                .min_by_key(|&&(nb, _)| depth_of[nb as usize])
                .copied()
                .unwrap_or((NONE, NONE));
            self.parent.push(parent);
            self.back
                .extend(earlier().filter(|&&(nb, _)| nb != parent.0));
        }
        self.back_start.push(self.back.len() as u32);
    }
}

/// Everything a search allocates. Finished searches hand theirs back to a
/// small per-thread pool, so a run of searches allocates nothing once the
/// buffers have grown to size.
#[derive(Debug, Default)]
struct Workspace {
    plan: Plan,
    candidates: Vec<u32>,
    scratch: Vec<u32>,
    /// Free search only: bit `t` of row `q` says target atom `t` passes
    /// query atom `q`'s predicate and has enough neighbours. Empty when the
    /// search is rooted.
    domain: Vec<u64>,
    /// Query atom -> target atom, `NONE` while unmapped.
    mapping: Vec<u32>,
    used: Vec<bool>,
    /// Depth -> position of the next candidate to try.
    cursor: Vec<u32>,
    seen: HashSet<Box<[u32]>, BuildHasherDefault<DefaultHasher>>,
    key: Vec<u32>,
    /// Query atoms packed with their sort key, to fill domain rows in order.
    rank: Vec<u128>,
}

/// Workspaces kept per thread; more are only needed by nested searches.
const SPARE_WORKSPACES: usize = 4;
/// Workspaces grown past this many target atoms are not kept.
const KEEP_ATOMS: usize = 1 << 16;

thread_local! {
    static SPARE: RefCell<Vec<Workspace>> = const { RefCell::new(Vec::new()) };
}

impl Workspace {
    fn take() -> Workspace {
        SPARE
            .try_with(|spare| spare.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(mut self) {
        let grown = self.candidates.capacity() > 0;
        if !grown || self.used.capacity() > KEEP_ATOMS || self.domain.capacity() > KEEP_ATOMS {
            return;
        }
        self.seen.clear();
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_WORKSPACES {
                spare.push(self);
            }
        });
    }
}

/// Where a search starts.
#[derive(Clone, Copy, Debug)]
pub(super) enum Root {
    /// Anywhere: every match.
    Free,
    /// Query atom `.0` fixed on target atom `.1`.
    At(usize, usize),
    /// One match per image of query atom `.0`: after each match the search
    /// moves straight on to that atom's next candidate.
    Images(usize),
}

/// Lazy iterator over matches; each item is the mapping (query atom -> target atom)
/// or BudgetExceeded (after which it ends). Dropping it stops the search.
pub struct Matches<'a, Q: Query + ?Sized> {
    query: &'a Q,
    target: &'a Target<'a>,
    options: MatchOptions,
    root: Root,
    /// [`Root::Images`] only: target atoms not to try for the root atom.
    skip: &'a [bool],
    phase: Phase,
    steps: u64,
    found: usize,
    /// Domain row length in words.
    words: usize,
    depth: usize,
    /// The last match is still in `ws.mapping`; undo it before going on.
    at_match: bool,
    ws: Workspace,
}

impl<'a, Q: Query + ?Sized> Matches<'a, Q> {
    pub(super) fn new(
        query: &'a Q,
        target: &'a Target<'a>,
        options: MatchOptions,
        root: Root,
        skip: &'a [bool],
    ) -> Self {
        Matches {
            query,
            target,
            options,
            root,
            skip,
            phase: Phase::Start,
            steps: 0,
            found: 0,
            words: 0,
            depth: 0,
            at_match: false,
            ws: Workspace::default(),
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
        let first = match self.root {
            Root::At(q, t) if q >= n || t >= t_n => return Ok(false),
            Root::Images(q) if q >= n => return Ok(false),
            Root::At(q, _) | Root::Images(q) => Some(q),
            Root::Free => None,
        };
        let rooted = matches!(self.root, Root::At(..));
        if !rooted {
            // An element the molecule lacks rules the query out before any
            // set-up.
            if (0..n).any(|q| query.atom_elements(q) & target.elements() == 0) {
                return Ok(false);
            }
            // Each row costs one predicate call per target atom: charge
            // them all up front so that no huge pair allocates first.
            if (n as u64).saturating_mul(t_n as u64)
                > self.options.budget.saturating_sub(self.steps)
            {
                self.steps = self.options.budget;
                return Err(BudgetExceeded);
            }
        }
        let mut ws = Workspace::take();
        ws.candidates.clear();
        ws.candidates.resize(n, 0);
        ws.domain.clear();
        if !(rooted || self.fill_domain(&mut ws) && self.drop_skipped(&mut ws)) {
            ws.give_back();
            return Ok(false);
        }
        let Workspace {
            plan,
            candidates,
            scratch,
            ..
        } = &mut ws;
        plan.fill(query, candidates, first, scratch);
        ws.mapping.clear();
        ws.mapping.resize(n, NONE);
        ws.used.clear();
        ws.used.resize(t_n, false);
        ws.cursor.clear();
        ws.cursor.resize(n, 0);
        self.ws = ws;
        Ok(true)
    }

    /// Fills the candidate rows of a free search and counts them; false
    /// when some query atom has no candidate at all.
    fn fill_domain(&mut self, ws: &mut Workspace) -> bool {
        let (query, target) = (self.query, self.target);
        let (n, t_n) = (query.atom_count(), target.atom_count());
        let words = t_n.div_ceil(64);
        self.words = words;
        ws.domain.resize(n * words, 0);
        // Atoms of rare elements first, so that a row left empty ends the
        // search before the common ones are tested; then lowest degree
        // first, so that a later atom with the same predicate key (and so
        // the same elements) narrows an earlier row by degree instead of
        // testing again.
        let degree = |q: usize| query.neighbors(q).len() as u32;
        ws.rank.clear();
        ws.rank.extend((0..n).map(|q| {
            u128::from(target.atoms_of(query.atom_elements(q))) << 64
                | u128::from(degree(q)) << 32
                | q as u128
        }));
        ws.rank.sort_unstable();
        ws.scratch.clear();
        ws.scratch.extend(ws.rank.iter().map(|&r| r as u32));
        for i in 0..n {
            let q = ws.scratch[i] as usize;
            let min_degree = degree(q);
            let key = query.atom_key(q);
            let same = key.and_then(|k| {
                ws.scratch[..i]
                    .iter()
                    .find(|&&p| query.atom_key(p as usize) == Some(k))
            });
            let mut count = 0;
            if let Some(&p) = same.filter(|&&p| degree(p as usize) == min_degree) {
                // Rows sharing a key come lowest degree first, so an equal
                // degree means an equal row (benzene's six atoms).
                let from = p as usize * words;
                ws.domain.copy_within(from..from + words, q * words);
                count = ws.candidates[p as usize];
            } else if let Some(&p) = same {
                for w in 0..words {
                    let mut bits = ws.domain[p as usize * words + w];
                    let mut row = 0u64;
                    while bits != 0 {
                        let b = bits.trailing_zeros();
                        bits &= bits - 1;
                        if target.degree(w * 64 + b as usize) >= min_degree {
                            row |= 1 << b;
                        }
                    }
                    ws.domain[q * words + w] = row;
                    count += row.count_ones();
                }
            } else {
                self.steps += t_n as u64;
                let row = &mut ws.domain[q * words..(q + 1) * words];
                // The element test first, inline (the predicate relies on
                // it): most atoms fail it, and it spares them a call.
                let elements = query.atom_elements(q);
                for t in 0..t_n {
                    if target.element_in(t, elements)
                        && target.degree(t) >= min_degree
                        && query.atom_matches(target, q, t)
                    {
                        row[t / 64] |= 1 << (t % 64);
                        count += 1;
                    }
                }
            }
            if count == 0 {
                return false;
            }
            ws.candidates[q] = count;
        }
        true
    }

    /// Takes the atoms of `skip` out of the root atom's row; false when
    /// none is left.
    fn drop_skipped(&self, ws: &mut Workspace) -> bool {
        let Root::Images(q) = self.root else {
            return true;
        };
        let row = &mut ws.domain[q * self.words..(q + 1) * self.words];
        for (t, _) in self.skip.iter().enumerate().filter(|(_, &s)| s) {
            if let Some(word) = row.get_mut(t / 64) {
                *word &= !(1 << (t % 64));
            }
        }
        row.iter().any(|&w| w != 0)
    }

    #[inline]
    fn in_domain(&self, q: usize, t: usize) -> bool {
        if self.ws.domain.is_empty() {
            self.target.element_in(t, self.query.atom_elements(q))
                && self.target.degree(t) >= self.ws.plan.degree[q]
                && self.query.atom_matches(self.target, q, t)
        } else {
            self.ws.domain[q * self.words + t / 64] >> (t % 64) & 1 == 1
        }
    }

    /// Every bond from the atom at `depth` back to an earlier atom other
    /// than its parent exists on `t` and matches.
    #[inline]
    fn back_bonds_match(&self, depth: usize, t: usize) -> bool {
        let plan = &self.ws.plan;
        let range = plan.back_start[depth] as usize..plan.back_start[depth + 1] as usize;
        plan.back[range].iter().all(|&(p, q_bond)| {
            let image = self.ws.mapping[p as usize];
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
        let q = self.ws.plan.order[d] as usize;
        let (parent, parent_bond) = self.ws.plan.parent[d];
        if parent != NONE {
            let neighbors = self
                .target
                .neighbors(self.ws.mapping[parent as usize] as usize);
            while let Some(&(t, t_bond)) = neighbors.get(self.ws.cursor[d] as usize) {
                self.ws.cursor[d] += 1;
                self.charge(1)?;
                let t = t as usize;
                if !self.ws.used[t]
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
        if let (0, Root::At(_, t)) = (d, self.root) {
            if self.ws.cursor[0] > 0 {
                return Ok(None);
            }
            self.ws.cursor[0] = 1;
            self.charge(1)?;
            return Ok(self.in_domain(q, t).then_some(t));
        }
        let t_n = self.target.atom_count();
        let mut t = self.ws.cursor[d] as usize;
        while t < t_n {
            if !self.ws.domain.is_empty() {
                // Skip straight to the next candidate bit of the row.
                let word = self.ws.domain[q * self.words + t / 64] >> (t % 64);
                if word == 0 {
                    t = (t / 64 + 1) * 64;
                    continue;
                }
                t += word.trailing_zeros() as usize;
            }
            self.ws.cursor[d] = t as u32 + 1;
            self.charge(1)?;
            if !self.ws.used[t] && self.in_domain(q, t) {
                return Ok(Some(t));
            }
            t += 1;
        }
        self.ws.cursor[d] = t_n as u32;
        Ok(None)
    }

    fn backtrack(&mut self) {
        self.depth -= 1;
        let q = self.ws.plan.order[self.depth] as usize;
        self.ws.used[self.ws.mapping[q] as usize] = false;
        self.ws.mapping[q] = NONE;
    }

    /// In unique mode, whether the current mapping covers a new atom set
    /// (and remembers it).
    fn is_new(&mut self) -> bool {
        if !self.options.unique {
            return true;
        }
        let ws = &mut self.ws;
        ws.key.clear();
        ws.key.extend_from_slice(&ws.mapping);
        ws.key.sort_unstable();
        if ws.seen.contains(&ws.key[..]) {
            return false;
        }
        ws.seen.insert(ws.key.clone().into_boxed_slice());
        true
    }

    /// Runs the search to the next complete, accepted, new mapping and
    /// leaves it in `ws.mapping`. `Ok(false)` when there is none.
    fn search(&mut self) -> Result<bool, BudgetExceeded> {
        let n = self.ws.plan.order.len();
        if std::mem::take(&mut self.at_match) {
            self.backtrack();
            if let Root::Images(_) = self.root {
                while self.depth > 0 {
                    self.backtrack();
                }
            }
        }
        loop {
            if self.depth == n {
                if self.query.accept(self.target, &self.ws.mapping) && self.is_new() {
                    self.at_match = true;
                    return Ok(true);
                }
                self.backtrack();
                continue;
            }
            match self.next_candidate()? {
                Some(t) => {
                    let q = self.ws.plan.order[self.depth] as usize;
                    self.ws.mapping[q] = t as u32;
                    self.ws.used[t] = true;
                    self.depth += 1;
                    if self.depth < n {
                        self.ws.cursor[self.depth] = 0;
                    }
                }
                None if self.depth == 0 => return Ok(false),
                None => self.backtrack(),
            }
        }
    }

    /// The next match as a borrowed mapping: what [`Iterator::next`]
    /// returns, without the copy.
    pub(super) fn advance(&mut self) -> Option<Result<&[u32], BudgetExceeded>> {
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
            Ok(true) => {
                self.found += 1;
                if Some(self.found) == self.options.max_matches {
                    self.phase = Phase::Done;
                }
                Some(Ok(&self.ws.mapping))
            }
            Ok(false) => {
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

impl<Q: Query + ?Sized> Iterator for Matches<'_, Q> {
    type Item = Result<Vec<u32>, BudgetExceeded>;

    fn next(&mut self) -> Option<Self::Item> {
        self.advance().map(|m| m.map(<[u32]>::to_vec))
    }
}

impl<Q: Query + ?Sized> Drop for Matches<'_, Q> {
    fn drop(&mut self) {
        std::mem::take(&mut self.ws).give_back();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::MolQuery;
    use crate::smiles::parse;

    #[test]
    fn plan_starts_rarest_and_stays_connected() {
        // Acetamide-like chain C-C(=O)-N-C.C: atom 3 (N) is given the fewest
        // candidates, the dot-separated carbon forms its own component.
        let q = MolQuery::new(&parse("CC(=O)NC.C").unwrap());
        let candidates = [9, 9, 4, 1, 9, 9];
        let mut plan = Plan::default();
        plan.fill(&q, &candidates, None, &mut Vec::new());
        assert_eq!(plan.order[0], 3);
        // N's neighbours next: C1 (degree 3) before C4 (degree 1); then the
        // O, with fewer candidates than the carbons also bonded to placed atoms.
        assert_eq!(&plan.order[1..3], &[1, 2]);
        assert_eq!(plan.order[5], 5);
        for (d, &(parent, _)) in plan.parent.iter().enumerate() {
            let is_root = d == 0 || plan.order[d] == 5;
            assert_eq!(parent == NONE, is_root, "depth {d}");
            if parent != NONE {
                let p = plan.order.iter().position(|&a| a == parent).unwrap();
                assert!(p < d);
            }
        }
        // A forced first atom is honoured.
        plan.fill(&q, &candidates, Some(0), &mut Vec::new());
        assert_eq!(&plan.order[..2], &[0, 1]);
    }

    #[test]
    fn ring_closure_becomes_a_back_bond() {
        let q = MolQuery::new(&parse("C1CC1").unwrap());
        let mut plan = Plan::default();
        plan.fill(&q, &[1, 1, 1], None, &mut Vec::new());
        // The last atom of the triangle has its parent and one more bond back.
        assert_eq!(plan.back_start, [0, 0, 0, 1]);
        assert_eq!(plan.back.len(), 1);
    }
}
