//! Classification of substituents against a [`GroupLibrary`], with a cache
//! of sub-substituent answers per molecule.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use super::{ring, Compiled, CompiledPattern, GroupLibrary};
use crate::matcher::{BudgetExceeded, MatchOptions, Target};
use crate::mol::Mol;

/// Slots nested deeper than this do not match: a long chain then stops
/// counting as, say, aralkyl once the aryl is this many slots away, and no
/// substituent can drive the recursion deep.
pub const MAX_DEPTH: usize = 48;

/// Pattern mappings examined per (pattern, substituent).
const MAX_MAPPINGS: usize = 4096;

/// New (group, substituent) evaluations one public call may make before
/// it gives up with [`BudgetExceeded`].
const MAX_EVALUATIONS: usize = 200_000;

/// Cached answers a session keeps; past this it starts afresh, so a long
/// session on a big molecule does not grow without bound.
const MAX_CACHED: usize = 2_000_000;

/// How well a group fits a substituent (see the module docs): more
/// explained atoms first, then fewer reference hops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fit {
    explained: usize,
    hops: usize,
}

impl Fit {
    fn better_than(self, other: Fit) -> bool {
        self.rank(other) == Ordering::Less
    }

    /// `Less` means `self` is the more specific fit.
    fn rank(self, other: Fit) -> Ordering {
        other
            .explained
            .cmp(&self.explained)
            .then(self.hops.cmp(&other.hops))
    }
}

fn best(a: Option<Fit>, b: Option<Fit>) -> Option<Fit> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.better_than(x) { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A fit, and whether [`MAX_DEPTH`] cut the search for it short.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    fit: Option<Fit>,
    cut: bool,
}

impl Outcome {
    const NONE: Outcome = Outcome {
        fit: None,
        cut: false,
    };

    fn or(self, other: Outcome) -> Outcome {
        Outcome {
            fit: best(self.fit, other.fit),
            cut: self.cut || other.cut,
        }
    }
}

/// A substituent: attachment atom and sorted atom set.
type Key = (u32, Rc<[u32]>);

/// Classifies substituents of one molecule, remembering every (group,
/// substituent) answer, so sub-substituents shared between calls and
/// between alternatives are classified once.
pub struct Session<'l, 'm> {
    library: &'l GroupLibrary,
    mol: &'m Mol,
    target: Target<'m>,
    budget: u64,
    keys: HashMap<Key, u32>,
    substituents: Vec<Key>,
    /// (substituent, group) -> outcome and the depth it was found at.
    memo: HashMap<(u32, u32), (Outcome, usize)>,
    /// Evaluations left in the current public call.
    evaluations_left: usize,
    /// Per group: the atoms a substituent of that group could start at.
    starts: HashMap<usize, Rc<[bool]>>,
}

impl<'l, 'm> Session<'l, 'm> {
    /// `budget` is the matcher step budget of each pattern search.
    pub fn new(library: &'l GroupLibrary, mol: &'m Mol, budget: u64) -> Session<'l, 'm> {
        Session {
            library,
            mol,
            target: Target::new(mol),
            budget,
            keys: HashMap::new(),
            substituents: Vec::new(),
            memo: HashMap::new(),
            evaluations_left: MAX_EVALUATIONS,
            starts: HashMap::new(),
        }
    }

    /// The molecule's search facts, for other searches over the same
    /// molecule to share.
    pub fn target(&self) -> &Target<'m> {
        &self.target
    }

    /// The atoms a substituent of `group` could be attached at: those
    /// where one of the group's patterns (or of the groups it names)
    /// matches the whole molecule with atom 0. A necessary condition only,
    /// found with one search per pattern per session, so an engine can
    /// drop candidates before classifying anything. An unknown group
    /// starts nowhere; a search past its budget counts as starting
    /// everywhere, so the answer never rules out a real fit.
    pub fn starts(&mut self, group: &str) -> Rc<[bool]> {
        match self.library.by_name.get(group) {
            Some(&g) => self.starts_of(g, &mut Vec::new()),
            None => vec![false; self.mol.atom_count()].into(),
        }
    }

    fn starts_of(&mut self, g: usize, open: &mut Vec<usize>) -> Rc<[bool]> {
        if let Some(known) = self.starts.get(&g) {
            return known.clone();
        }
        let n = self.mol.atom_count();
        let mut out = vec![false; n];
        // A cycle of bare names matches nothing (see `GroupLibrary::new`).
        if open.contains(&g) {
            return out.into();
        }
        open.push(g);
        let library: &'l GroupLibrary = self.library;
        for alternative in &library.groups[g].alternatives {
            match alternative {
                Compiled::Group(h) => {
                    let sub = self.starts_of(*h, open);
                    for (o, s) in out.iter_mut().zip(sub.iter()) {
                        *o |= *s;
                    }
                }
                Compiled::Pattern(p) => {
                    p.smarts
                        .mark_first_atoms(&self.target, self.budget, &mut out)
                }
            }
        }
        open.pop();
        let out: Rc<[bool]> = out.into();
        self.starts.insert(g, out.clone());
        out
    }

    /// Every group the substituent belongs to, most specific first (see the
    /// [module docs](super)). `atoms` must contain `attachment`; an atom
    /// index past the molecule, or an attachment outside `atoms`, gives no
    /// groups. [`BudgetExceeded`] when a pattern search runs past the
    /// session's step budget or the call needs more than 200,000 (group,
    /// sub-substituent) evaluations; the session stays usable.
    pub fn classify(
        &mut self,
        attachment: usize,
        atoms: &[usize],
    ) -> Result<Vec<&'l str>, BudgetExceeded> {
        let Some(key) = self.key_of(attachment, atoms) else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for g in 0..self.library.groups.len() {
            if let Some(fit) = self.fit(g, key, 0)? {
                found.push((fit, g));
            }
        }
        found.sort_by(|(a, g), (b, h)| a.rank(*b).then(g.cmp(h)));
        let library: &'l GroupLibrary = self.library;
        Ok(found
            .into_iter()
            .map(|(_, g)| library.groups[g].def.name.as_str())
            .collect())
    }

    /// Whether the substituent belongs to the group called `group`
    /// (false for an unknown name).
    pub fn belongs_to(
        &mut self,
        attachment: usize,
        atoms: &[usize],
        group: &str,
    ) -> Result<bool, BudgetExceeded> {
        let (Some(key), Some(&g)) = (
            self.key_of(attachment, atoms),
            self.library.by_name.get(group),
        ) else {
            return Ok(false);
        };
        Ok(self.fit(g, key, 0)?.is_some())
    }

    /// For each of `groups`, whether the substituent belongs to it (false
    /// for an unknown name): [`Session::belongs_to`] for several groups at
    /// once, without ranking every group of the library as
    /// [`Session::classify`] does.
    pub fn belongs_to_each(
        &mut self,
        attachment: usize,
        atoms: &[usize],
        groups: &[&str],
    ) -> Result<Vec<bool>, BudgetExceeded> {
        let Some(key) = self.key_of(attachment, atoms) else {
            return Ok(vec![false; groups.len()]);
        };
        let mut out = Vec::with_capacity(groups.len());
        for name in groups {
            let fits = match self.library.by_name.get(*name) {
                Some(&g) => self.fit(g, key, 0)?.is_some(),
                None => false,
            };
            out.push(fits);
        }
        Ok(out)
    }

    /// Starts a public call: resets its evaluation allowance, trims the
    /// cache, and interns the substituent.
    fn key_of(&mut self, attachment: usize, atoms: &[usize]) -> Option<u32> {
        self.evaluations_left = MAX_EVALUATIONS;
        if self.memo.len() > MAX_CACHED {
            self.memo.clear();
            self.keys.clear();
            self.substituents.clear();
        }
        let n = self.mol.atom_count();
        if attachment >= n || atoms.iter().any(|&a| a >= n) || !atoms.contains(&attachment) {
            return None;
        }
        let mut sorted: Vec<u32> = atoms.iter().map(|&a| a as u32).collect();
        sorted.sort_unstable();
        sorted.dedup();
        Some(self.intern(attachment as u32, sorted.into()))
    }

    fn intern(&mut self, attachment: u32, atoms: Rc<[u32]>) -> u32 {
        let key = (attachment, atoms);
        if let Some(&id) = self.keys.get(&key) {
            return id;
        }
        let id = self.substituents.len() as u32;
        self.substituents.push(key.clone());
        self.keys.insert(key, id);
        id
    }

    fn fit(&mut self, g: usize, key: u32, depth: usize) -> Result<Option<Fit>, BudgetExceeded> {
        Ok(self.outcome(g, key, depth)?.fit)
    }

    fn outcome(&mut self, g: usize, key: u32, depth: usize) -> Result<Outcome, BudgetExceeded> {
        if let Some(&(known, at)) = self.memo.get(&(key, g as u32)) {
            // A failure cut short by the depth limit holds at the depth it
            // was found and deeper, where the limit is nearer still.
            if known.fit.is_some() || !known.cut || at <= depth {
                return Ok(known);
            }
        }
        if self.evaluations_left == 0 {
            return Err(BudgetExceeded);
        }
        self.evaluations_left -= 1;
        // Placeholder while this evaluation runs: only a cycle of bare group
        // names could ask for it again, and such a cycle matches nothing. An
        // error takes it out again, so no half-made answer stays cached.
        self.memo.insert((key, g as u32), (Outcome::NONE, 0));
        match self.evaluate(g, key, depth) {
            Ok(result) => {
                self.memo.insert((key, g as u32), (result, depth));
                Ok(result)
            }
            Err(e) => {
                self.memo.remove(&(key, g as u32));
                Err(e)
            }
        }
    }

    fn evaluate(&mut self, g: usize, key: u32, depth: usize) -> Result<Outcome, BudgetExceeded> {
        let library: &'l GroupLibrary = self.library;
        let mut result = Outcome::NONE;
        for alternative in &library.groups[g].alternatives {
            let outcome = match alternative {
                Compiled::Group(h) => {
                    let o = self.outcome(*h, key, depth)?;
                    Outcome {
                        fit: o.fit.map(|f| Fit {
                            explained: f.explained,
                            hops: f.hops + 1,
                        }),
                        ..o
                    }
                }
                Compiled::Pattern(p) => self.pattern_outcome(p, key, depth)?,
            };
            result = result.or(outcome);
        }
        Ok(result)
    }

    fn pattern_outcome(
        &mut self,
        p: &CompiledPattern,
        key: u32,
        depth: usize,
    ) -> Result<Outcome, BudgetExceeded> {
        let (attachment, atoms) = self.substituents[key as usize].clone();
        if let Some(req) = &p.ring {
            if !ring::meets(self.mol, attachment as usize, &atoms, req) {
                return Ok(Outcome::NONE);
            }
        }
        let options = MatchOptions {
            unique: false,
            max_matches: Some(MAX_MAPPINGS),
            budget: self.budget,
        };
        let mappings = p
            .smarts
            .matches_at(&self.target, 0, attachment as usize, options)?;
        let inside = |a: u32| atoms.binary_search(&a).is_ok();
        let mut result = Outcome::NONE;
        for mapping in mappings {
            if mapping.iter().all(|&a| inside(a)) {
                result = result.or(self.mapping_outcome(p, &mapping, &atoms, depth)?);
            }
        }
        Ok(result)
    }

    fn mapping_outcome(
        &mut self,
        p: &CompiledPattern,
        mapping: &[u32],
        atoms: &[u32],
        depth: usize,
    ) -> Result<Outcome, BudgetExceeded> {
        let index = |a: u32| atoms.binary_search(&a).ok();
        // Substituent atoms accounted for: the non-slot pattern atoms, then
        // each slot's sub-substituent.
        let mut pattern_atoms = vec![false; atoms.len()];
        let mut explained = 0;
        for (q, &t) in mapping.iter().enumerate() {
            if p.slots[q].is_empty() {
                if let Some(i) = index(t) {
                    pattern_atoms[i] = true;
                }
                explained += 1;
            }
        }
        let mut covered = pattern_atoms.clone();
        for (q, &t) in mapping.iter().enumerate() {
            if p.slots[q].is_empty() {
                continue;
            }
            if depth + 1 >= MAX_DEPTH {
                return Ok(Outcome {
                    fit: None,
                    cut: true,
                });
            }
            let part = self.component(t, atoms, &pattern_atoms);
            for &a in part.iter() {
                if let Some(i) = index(a) {
                    covered[i] = true;
                }
            }
            let sub = self.intern(t, part);
            let mut slot = Outcome::NONE;
            for &g in &p.slots[q] {
                slot = slot.or(self.outcome(g, sub, depth + 1)?);
            }
            match slot.fit {
                Some(f) => explained += f.explained,
                None => return Ok(slot),
            }
        }
        let stray = |(&a, &c): (&u32, &bool)| !c && self.mol.atom(a as usize).element != 1;
        if p.exact && atoms.iter().zip(&covered).any(stray) {
            return Ok(Outcome::NONE);
        }
        Ok(Outcome {
            fit: Some(Fit { explained, hops: 0 }),
            cut: false,
        })
    }

    /// The atoms of `atoms` connected to `start` without passing through
    /// an atom marked in `blocked` (indexed like `atoms`), sorted.
    fn component(&self, start: u32, atoms: &[u32], blocked: &[bool]) -> Rc<[u32]> {
        let mut seen = blocked.to_vec();
        let mut found = vec![start];
        if let Ok(i) = atoms.binary_search(&start) {
            seen[i] = true;
        }
        let mut stack = vec![start];
        while let Some(a) = stack.pop() {
            for (n, _) in self.mol.neighbors(a as usize) {
                let n = n as u32;
                if let Ok(i) = atoms.binary_search(&n) {
                    if !seen[i] {
                        seen[i] = true;
                        found.push(n);
                        stack.push(n);
                    }
                }
            }
        }
        found.sort_unstable();
        found.into()
    }
}
