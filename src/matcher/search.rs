//! The backtracking search behind [`super::find`]: an explicit stack over
//! query atoms in a precomputed order, with every piece of state allocated
//! once when the search starts.

use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::{may_be_carbon, BudgetExceeded, MatchOptions, Query, Target};

/// Marks an unmapped query atom, or a query atom without a parent.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Running,
    Done,
}

/// What a search asks of its visiting order: the candidate counts (query
/// atom -> count), the forced first atom, and whether the plan's
/// `fill_from` holds the query's keys (a free search, after
/// [`Plan::fill_fits`]).
#[derive(Clone, Copy)]
struct Wanted<'c> {
    candidates: &'c [u32],
    first: Option<usize>,
    keys_in_fill: bool,
}

impl<'c> Wanted<'c> {
    /// Just these counts: no atom forced, the keys not known to be in the
    /// plan's `fill_from`.
    #[cfg(test)]
    fn counts(candidates: &'c [u32]) -> Self {
        Wanted {
            candidates,
            first: None,
            keys_in_fill: false,
        }
    }
}

/// A visiting order and, for each depth, the bonds back to atoms placed
/// before it, with what [`Plan::build`] built it from.
#[derive(Debug, Default)]
struct Order {
    /// Depth -> query atom.
    order: Vec<u32>,
    /// Depth -> (earliest placed neighbour, query bond to it), or `NONE` for
    /// the first atom of a query component. Candidates for the atom are the
    /// neighbours of that parent's image.
    parent: Vec<(u32, u32)>,
    /// Other bonds to placed atoms: `back[back_start[d]..back_start[d + 1]]`.
    back_start: Vec<u32>,
    back: Vec<(u32, u32)>,
    /// What the order was built from: the forced first atom and the
    /// comparisons of keys that chose it, as (winner, loser) pairs, but
    /// for those between twins ([`twins`]), which are kept apart as
    /// pairs that must stay twins. `built` is false until it is.
    first: Option<usize>,
    duels: Vec<(u32, u32)>,
    ties: Vec<(u32, u32)>,
    built: bool,
    /// Whether `ties` are known to hold for the keys in the plan's
    /// `fill_from`: once checked, they need no look while `fill` fits the
    /// query.
    ties_hold: bool,
}

/// Orders a plan keeps besides the one in use: a small query's order
/// follows which of its atoms is rarest in the molecule, so that the
/// amide `C(=O)N` takes turns between four, each built once rather than
/// every time the rarest atom changes.
const KEPT_ORDERS: usize = 7;

/// The visiting orders for one query's bonds and the order its domain
/// rows are filled in.
///
/// An order depends on nothing but the query's bonds, the order of the
/// atoms' keys ([`order_key`]) and the forced first atom, so it is kept
/// with what it was built from: a run of searches for one query, the usual
/// case, builds each order it needs once. So is the order the domain rows
/// are filled in, which depends on the atoms' predicate keys and elements.
#[derive(Debug, Default)]
struct Plan {
    /// The order of the current search.
    visit: Order,
    /// Orders built before for the same bonds, up to [`KEPT_ORDERS`], and
    /// the one the next new order replaces once they are that many.
    others: Vec<Order>,
    next_out: usize,
    /// The query bonds the plan is for ([`Plan::shape`]): its rows of
    /// neighbours, one after the other, each as long as `degree` says.
    rows: Vec<(u32, u32)>,
    /// Query atom -> number of query neighbours (a target atom needs as
    /// many), the lengths of the rows.
    degree: Vec<u32>,
    /// Where each row starts in `rows`, and past the last where they end:
    /// what [`Query::shape`] gives to compare.
    offsets: Vec<u32>,
    /// The order [`Matches::fill_domain`] fills rows in: each query atom
    /// with an earlier one of the same key, whose row it starts from, or
    /// `NONE`, and the atoms its row must hold at least: those of its key
    /// and no lower degree, which all map to distinct atoms of that row
    /// (one when it has no key).
    fill: Vec<(u32, u32, u32)>,
    /// The atoms left out of `fill` as their rows are copies, with the
    /// atom of the same key and degree whose row is copied (marked in
    /// `fill`): benzene's five atoms after the first. Their rows and counts
    /// are those of the atoms copied, so they are set after `fill` is done,
    /// with no test of a count.
    copies: Vec<(u32, u32)>,
    /// What `fill` was worked out from: query atom -> its key and whether
    /// it may be carbon. Empty until it is.
    fill_from: Vec<(Option<u64>, bool)>,
    /// [`Query::fill_keys`] of the query `fill_from` was taken from, if
    /// it gave them.
    fill_keys: Vec<u64>,
    /// The [`Query::identity`] of a query whose bonds the plan is for, and
    /// of one that `fill` is the order for, if known: a query of the same
    /// identity needs no comparison of either.
    bonds_of: Option<u64>,
    fill_of: Option<u64>,
}

/// The last three criteria of [`Plan::build`]'s order packed in one key:
/// fewest candidates, then highest degree, then lowest index.
#[inline]
fn order_key(count: u32, degree: u32, q: u32) -> u128 {
    u128::from(count) << 64 | u128::from(!degree) << 32 | u128::from(q)
}

/// [`order_key`] of every atom.
fn order_keys(candidates: &[u32], degree: &[u32], keys: &mut Vec<u128>) {
    keys.clear();
    for (q, (&count, &degree)) in candidates.iter().zip(degree).enumerate() {
        keys.push(order_key(count, degree, q as u32));
    }
}

impl Plan {
    /// Whether the plan is for the bonds of `query`, whose
    /// [`Query::identity`] is `id`.
    fn is_for<Q: Query + ?Sized>(&self, query: &Q, id: Option<u64>) -> bool {
        if id.is_some() && id == self.bonds_of {
            return true;
        }
        if let Some((offsets, rows)) = query.shape() {
            return self.offsets == offsets && same_rows(&self.rows, rows);
        }
        // The atom count first: subpatterns taking turns mostly differ
        // there, and a row-by-row look would go some way before telling.
        let n = query.atom_count();
        if self.degree.len() != n {
            return false;
        }
        let mut at = 0;
        self.degree.iter().enumerate().all(|(q, &len)| {
            let row = query.neighbors(q);
            let end = at + row.len();
            let same = len as usize == row.len() && self.rows.get(at..end) == Some(row);
            at = end;
            same
        }) && at == self.rows.len()
    }

    /// Makes the plan one for the bonds of `query`, no order built.
    fn shape<Q: Query + ?Sized>(&mut self, query: &Q) {
        self.visit.built = false;
        self.others.clear();
        self.fill_of = None;
        self.fill_from.clear();
        self.fill_keys.clear();
        self.rows.clear();
        self.degree.clear();
        self.offsets.clear();
        self.offsets.push(0);
        for q in 0..query.atom_count() {
            let row = query.neighbors(q);
            self.rows.extend_from_slice(row);
            self.degree.push(row.len() as u32);
            self.offsets.push(self.rows.len() as u32);
        }
    }

    /// Whether `fill` is the order for the atoms of `query`, of
    /// [`Query::identity`] `id`, which the plan [`Plan::is_for`].
    fn fill_fits<Q: Query + ?Sized>(&self, query: &Q, id: Option<u64>) -> bool {
        if id.is_some() && id == self.fill_of {
            return true;
        }
        if let Some(keys) = query.fill_keys() {
            // Equal keys say equal `fill_from`: none when `fill` was not
            // worked out from keys.
            return same_all(&self.fill_keys, keys, |k| k);
        }
        self.fill_from.len() == query.atom_count()
            && self.fill_from.iter().enumerate().all(|(q, &from)| {
                from == (query.atom_key(q), may_be_carbon(query.atom_elements(q)))
            })
    }

    /// Works out `fill` for `query`, which the plan [`Plan::is_for`].
    ///
    /// Atoms that may be carbon last, so that a row of rarer elements
    /// left empty ends the search before the common ones are tested;
    /// then lowest degree first, so that a later atom with the same
    /// predicate key (and so the same elements) narrows an earlier row
    /// by degree instead of testing again. Every key is tested once
    /// whatever the order, so the order changes no row, only how soon an
    /// empty row is met (and the steps of a search that one ends).
    /// `rank` is working space.
    fn order_fill<Q: Query + ?Sized>(&mut self, query: &Q, rank: &mut Vec<u128>) {
        for order in std::iter::once(&mut self.visit).chain(&mut self.others) {
            order.ties_hold = false;
        }
        self.fill_keys.clear();
        self.fill_keys
            .extend_from_slice(query.fill_keys().unwrap_or_default());
        self.fill_from.clear();
        self.fill_from.extend(
            (0..query.atom_count())
                .map(|q| (query.atom_key(q), may_be_carbon(query.atom_elements(q)))),
        );
        rank.clear();
        rank.extend((self.fill_from.iter().zip(&self.degree)).enumerate().map(
            |(q, (&(_, carbon), &degree))| {
                u128::from(carbon) << 64 | u128::from(degree) << 32 | q as u128
            },
        ));
        rank.sort_unstable();
        self.fill.clear();
        self.copies.clear();
        for (i, &r) in rank.iter().enumerate() {
            let q = r as u32;
            let key = self.fill_from[q as usize].0;
            let same = rank[..i]
                .iter()
                .map(|&p| p as u32)
                .find(|&p| key.is_some() && self.fill_from[p as usize].0 == key);
            // The first atom of a key is the one marked, and the lowest in
            // degree: an atom of the same degree takes its row as it is.
            match same {
                Some(p) if self.degree[p as usize] == self.degree[q as usize] => {
                    self.copies.push((q, p));
                }
                _ => {
                    let degree = self.degree[q as usize];
                    let need = match key {
                        Some(_) => (self.fill_from.iter().zip(&self.degree))
                            .filter(|&(&(k, _), &d)| k == key && d >= degree)
                            .count() as u32,
                        None => 1,
                    };
                    self.fill.push((q, same.unwrap_or(NONE), need));
                }
            }
        }
    }

    /// Whether [`Plan::build`] would make the order in use for `wanted`,
    /// for the query the plan is [`Plan::is_for`].
    #[cfg(test)]
    fn fits<Q: Query + ?Sized>(&self, query: &Q, wanted: Wanted) -> bool {
        self.visit.fits(query, &self.degree, wanted)
    }

    /// Makes the order in use the one [`Plan::build`] would make for
    /// `wanted`: the same order kept from before if one fits, else built,
    /// the order it replaces kept. `rank` and `scratch` are working space.
    #[inline]
    fn choose<Q: Query + ?Sized>(
        &mut self,
        query: &Q,
        wanted: Wanted,
        rank: &mut Vec<u128>,
        scratch: &mut Vec<u32>,
    ) {
        if !self.visit.fits(query, &self.degree, wanted) {
            self.change(query, wanted, rank, scratch);
        }
        // The ties now hold for the query's keys, which a free search
        // has found in `fill_from`.
        self.visit.ties_hold |= wanted.keys_in_fill;
    }

    /// [`Plan::choose`] when the order in use does not fit. Out of line:
    /// a run of searches for one query mostly keeps its order.
    #[inline(never)]
    fn change<Q: Query + ?Sized>(
        &mut self,
        query: &Q,
        wanted: Wanted,
        rank: &mut Vec<u128>,
        scratch: &mut Vec<u32>,
    ) {
        let degree = &self.degree;
        let fits = |order: &Order| order.fits(query, degree, wanted);
        if let Some(i) = self.others.iter().position(fits) {
            std::mem::swap(&mut self.visit, &mut self.others[i]);
            return;
        }
        if self.visit.built {
            // The order replaced is kept, in the place of the oldest kept
            // once they are enough.
            if self.others.len() < KEPT_ORDERS {
                self.others.push(Order::default());
            }
            let out = self.next_out % self.others.len();
            self.next_out = out + 1;
            std::mem::swap(&mut self.visit, &mut self.others[out]);
        }
        order_keys(wanted.candidates, &self.degree, rank);
        self.build(query, rank, wanted.first, scratch);
    }

    /// Makes the order in use the greedy VF2++-style order for these keys.
    /// `scratch` is working space.
    fn build<Q: Query + ?Sized>(
        &mut self,
        query: &Q,
        keys: &[u128],
        first: Option<usize>,
        scratch: &mut Vec<u32>,
    ) {
        self.visit.build(query, &self.degree, keys, first, scratch);
    }
}

/// Whether atoms `a` and `b` of `query`, of these degrees (query atom ->
/// degree), always have as many candidates: the same predicate and degree
/// make the same row, so a duel between them is decided on index, the
/// same way every time.
fn twins<Q: Query + ?Sized>(query: &Q, degree: &[u32], a: u32, b: u32) -> bool {
    same_key(query, a, b) && degree.get(a as usize) == degree.get(b as usize)
}

impl Order {
    /// Whether [`Order::build`] would make this order for `wanted`, for a
    /// query of these degrees (query atom -> degree) with the bonds the
    /// order is for.
    #[inline]
    fn fits<Q: Query + ?Sized>(&self, query: &Q, degree: &[u32], wanted: Wanted) -> bool {
        let Wanted {
            candidates,
            first,
            keys_in_fill,
        } = wanted;
        // The build looks at keys only to pick the least among atoms tied
        // on placed neighbours: the same picks make the same plan.
        let key = |q: u32| {
            let i = q as usize;
            Some(order_key(*candidates.get(i)?, *degree.get(i)?, q))
        };
        self.built
            && self.first == first
            && self
                .duels
                .iter()
                .all(|&(winner, loser)| key(winner) < key(loser))
            // Degrees come with the bonds: only the keys can have changed.
            && (keys_in_fill && self.ties_hold
                || self.ties.iter().all(|&(a, b)| same_key(query, a, b)))
    }

    /// Greedy VF2++-style order: next comes the atom with the most bonds to
    /// atoms already placed, then the least key. A new component starts at
    /// its least key, the rarest atom. `first` forces the first atom.
    /// `scratch` is working space.
    fn build<Q: Query + ?Sized>(
        &mut self,
        query: &Q,
        degree: &[u32],
        keys: &[u128],
        first: Option<usize>,
        scratch: &mut Vec<u32>,
    ) {
        let n = keys.len();
        self.built = true;
        self.ties_hold = false;
        self.first = first;
        self.duels.clear();
        self.ties.clear();
        // Each step scans the atoms not yet placed for the most placed
        // neighbours, then the least key.
        let (rest, tail) = prefix(scratch, 4 * n, 0).split_at_mut(n);
        let (depth_of, tail) = tail.split_at_mut(n);
        let (placed_neighbors, tied) = tail.split_at_mut(n);
        for (q, r) in rest.iter_mut().enumerate() {
            *r = q as u32;
        }
        depth_of.fill(NONE);
        self.order.clear();
        self.parent.clear();
        self.back_start.clear();
        self.back.clear();
        for d in 0..n {
            let live = &mut rest[..n - d];
            let pick = match first {
                Some(q) if d == 0 => q.min(n - 1),
                _ => {
                    let mut pick = 0;
                    let mut most = placed_neighbors[live[0] as usize];
                    let mut least = keys[live[0] as usize];
                    for (i, &r) in live.iter().enumerate().skip(1) {
                        let placed = placed_neighbors[r as usize];
                        if placed > most || placed == most && keys[r as usize] < least {
                            (pick, most, least) = (i, placed, keys[r as usize]);
                        }
                    }
                    let winner = live[pick];
                    for &r in live.iter() {
                        if r != winner && placed_neighbors[r as usize] == most {
                            if twins(query, degree, winner, r) {
                                // Twins are a class: each member once, with
                                // its first twin, stands for every pair.
                                for x in [winner, r] {
                                    if tied[x as usize] == 0 {
                                        tied[x as usize] = 1;
                                        let first = (0..x).find(|&p| twins(query, degree, p, x));
                                        self.ties.extend(first.map(|p| (p, x)));
                                    }
                                }
                            } else {
                                self.duels.push((winner, r));
                            }
                        }
                    }
                    pick
                }
            };
            let next = live[pick] as usize;
            live.swap(pick, n - d - 1);
            depth_of[next] = d as u32;
            self.order.push(next as u32);
            self.back_start.push(self.back.len() as u32);
            // Of the bonds to atoms placed before, the one to the earliest
            // (the first bond to it if several) leads to the candidates;
            // any others are checked once a candidate is found.
            let neighbors = query.neighbors(next);
            let mut parent = (NONE, NONE);
            let mut parent_depth = NONE;
            let mut earlier = 0;
            for &(nb, bond) in neighbors {
                let depth = depth_of[nb as usize];
                if depth < d as u32 {
                    earlier += 1;
                    if depth < parent_depth {
                        parent_depth = depth;
                        parent = (nb, bond);
                    }
                } else {
                    placed_neighbors[nb as usize] += 1;
                }
            }
            self.parent.push(parent);
            if earlier > 1 {
                for &(nb, bond) in neighbors {
                    if depth_of[nb as usize] < d as u32 && nb != parent.0 {
                        self.back.push((nb, bond));
                    }
                }
            }
        }
        self.back_start.push(self.back.len() as u32);
    }
}

/// `a == b` for rows of neighbours, every entry compared without an
/// early exit: the plan's rows are most often the query's, and a fold of
/// differences costs fewer instructions than the test of a pair of
/// numbers per entry.
fn same_rows(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    same_all(a, b, |(v, e)| u64::from(v) << 32 | u64::from(e))
}

/// `a == b` for slices whose entries `bits` tells apart, in the way of
/// [`same_rows`].
#[inline]
fn same_all<T: Copy>(a: &[T], b: &[T], bits: impl Fn(T) -> u64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .fold(0, |diff, (&x, &y)| diff | bits(x) ^ bits(y))
            == 0
}

/// Whether query atoms `a` and `b` have the same predicate key.
fn same_key<Q: Query + ?Sized>(query: &Q, a: u32, b: u32) -> bool {
    let key = query.atom_key(a as usize);
    key.is_some() && key == query.atom_key(b as usize)
}

/// The first `len` elements of `v`, all set to `value`. Workspace vectors
/// only grow: once long enough, they are reset by a fill, with no call to
/// resize them.
#[inline]
fn prefix<T: Copy>(v: &mut Vec<T>, len: usize, value: T) -> &mut [T] {
    let part = sized(v, len, value);
    part.fill(value);
    part
}

/// The first `len` elements of `v` as a past search left them, grown with
/// `value` if short: for what the search writes before it reads, where a
/// fill would be a call to memset per search.
#[inline]
fn sized<T: Copy>(v: &mut Vec<T>, len: usize, value: T) -> &mut [T] {
    if v.len() < len {
        v.resize(len, value);
    }
    &mut v[..len]
}

/// Copies row `from` of `domain` over row `to`, rows being `words` long.
#[inline]
fn copy_row(domain: &mut [u64], from: usize, to: usize, words: usize) {
    // Rows are mostly one word, which a call to memmove costs many times
    // over.
    if words == 1 {
        domain[to] = domain[from];
    } else {
        domain.copy_within(from * words..(from + 1) * words, to * words);
    }
}

/// Clears in `row` (bit `t` for target atom `t`) the atoms that fail
/// `pass`, asked in increasing order (an atom predicate may run a
/// recursive search, so the order is kept), and counts the rest.
fn keep(row: &mut [u64], mut pass: impl FnMut(usize) -> bool) -> u32 {
    let mut count = 0;
    for (w, word) in row.iter_mut().enumerate() {
        let mut bits = *word;
        while bits != 0 {
            let b = bits.trailing_zeros();
            bits &= bits - 1;
            if !pass(w * 64 + b as usize) {
                *word &= !(1 << b);
            }
        }
        count += word.count_ones();
    }
    count
}

/// [`keep`] for the atoms of `row` with at least `min` connections that
/// pass `pass`. Degrees are read from the target's adjacency when it is
/// built, or when the row holds enough atoms that the search most likely
/// runs and builds it anyway; else walked in the graph
/// ([`Target::walk_degree`]), so that a search that ends on an empty row
/// never builds it.
fn keep_degree(
    target: &Target,
    row: &mut [u64],
    min: u32,
    mut pass: impl FnMut(usize) -> bool,
) -> u32 {
    let many = || row.iter().map(|w| w.count_ones()).sum::<u32>() > FEW_ATOMS;
    match target
        .built_adjacency()
        .or_else(|| many().then(|| target.adjacency()))
    {
        Some(adjacency) => {
            let heads = adjacency.heads();
            keep(row, |t| heads[t].1 >= min && pass(t))
        }
        None => keep(row, |t| target.walk_degree(t, min) && pass(t)),
    }
}

/// [`keep_degree`] for a row of atoms that pass their predicate, all
/// aromatic when `aromatic` is.
#[inline]
fn keep_plain(target: &Target, row: &mut [u64], min: u32, aromatic: bool) -> u32 {
    // Aromatic atoms on rings all have two bonds: no degree to look up.
    if aromatic && min <= 2 && target.aromatic_on_rings() {
        return row.iter().map(|w| w.count_ones()).sum();
    }
    keep_degree(target, row, min, |_| true)
}

/// Whether target atom `t` can take query atom `q`, in a search without
/// domain rows. Out of line: the rows spare the common free search the call.
#[inline(never)]
fn passes<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    degree: &[u32],
    q: usize,
    t: usize,
) -> bool {
    target.element_in(t, query.atom_elements(q))
        && target.degree(t) >= degree[q]
        && query.atom_matches(target, q, t)
}

/// Every bond in `back` (atom placed before, whose image `image_of`
/// gives, query bond to it) exists on `t` and matches: the bonds of an
/// atom back to earlier atoms other than its parent.
#[inline]
fn back_bonds_match<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    back: &[(u32, u32)],
    image_of: impl Fn(usize) -> u32,
    t: usize,
) -> bool {
    back.iter().all(|&(p, q_bond)| {
        let image = image_of(p as usize);
        target
            .neighbors(t)
            .iter()
            .find(|&&(nb, _)| nb == image)
            .is_some_and(|&(_, t_bond)| {
                query.bond_matches(target, q_bond as usize, t_bond as usize)
            })
    })
}

/// In unique mode, whether `mapping` covers a new atom set (and remembers
/// it); `key` is working space.
fn is_new(
    unique: bool,
    mapping: &[u32],
    key: &mut Vec<u32>,
    seen: &mut HashSet<Box<[u32]>, BuildHasherDefault<DefaultHasher>>,
) -> bool {
    if !unique {
        return true;
    }
    key.clear();
    key.extend_from_slice(mapping);
    key.sort_unstable();
    if seen.contains(&key[..]) {
        return false;
    }
    seen.insert(key.clone().into_boxed_slice());
    true
}

/// Everything a search allocates. Finished searches hand theirs back to a
/// small per-thread pool, so a run of searches allocates nothing once the
/// buffers have grown to size. The pool holds them boxed: taking one and
/// giving it back moves a pointer, not two dozen vector headers. The
/// vectors sized by the query or the target are used through [`prefix`]:
/// only their first atom-count elements belong to the current search.
#[derive(Debug, Default)]
struct Workspace {
    /// The plan of this search first, then the one before, kept should the
    /// search after be for that other query (as the two subpatterns of
    /// `[N;!$(N-C=O);!$(N-S(=O)=O)]` take turns). Boxed, so that they
    /// trade places by a swap of pointers, not of their many vectors.
    plans: [Box<Plan>; 2],
    candidates: Vec<u32>,
    scratch: Vec<u32>,
    /// Free search only: bit `t` of row `q` says target atom `t` passes
    /// query atom `q`'s predicate and has enough neighbours. Rows are
    /// `Matches::words` long, none when the search is rooted.
    domain: Vec<u64>,
    /// Query atom -> target atom: the last image of the atom, left from a
    /// past search until it is first placed; only placed atoms' are read.
    mapping: Vec<u32>,
    used: Vec<bool>,
    /// Depth -> position of the next candidate to try and, for an atom
    /// with a parent, the end of the parent's image's row: positions in
    /// the target's [`crate::mol::Adjacency::table`], else atom indices.
    cursor: Vec<(u32, u32)>,
    seen: HashSet<Box<[u32]>, BuildHasherDefault<DefaultHasher>>,
    key: Vec<u32>,
    /// Query atoms packed with their sort key, to work out the order domain
    /// rows are filled in ([`Plan::order_fill`]), then their [`order_keys`].
    rank: Vec<u128>,
}

/// Atoms of a domain row up to which their degrees are found without
/// building the target's adjacency ([`Target::walk_degree`]).
const FEW_ATOMS: u32 = 8;

/// Workspaces kept per thread besides the last one given back; more are
/// only needed by nested searches.
const SPARE_WORKSPACES: usize = 4;
/// Workspaces grown past this many target atoms are not kept.
const KEEP_ATOMS: usize = 1 << 16;

thread_local! {
    /// The workspace given back last: a run of searches one at a time
    /// moves it out and in again with no borrow of the pool. The last
    /// given back is the first taken, as from the pool.
    static LAST: Cell<Option<Box<Workspace>>> = const { Cell::new(None) };
    // Boxed on purpose: a search moves its workspace in and out of here.
    #[allow(clippy::vec_box)]
    static SPARE: RefCell<Vec<Box<Workspace>>> = const { RefCell::new(Vec::new()) };
}

impl Workspace {
    fn take() -> Box<Workspace> {
        LAST.try_with(Cell::take)
            .ok()
            .flatten()
            .or_else(|| SPARE.try_with(|spare| spare.borrow_mut().pop()).ok()?)
            .unwrap_or_default()
    }

    fn give_back(mut self: Box<Self>) {
        let grown = self.candidates.capacity() > 0;
        if !grown || self.used.capacity() > KEEP_ATOMS || self.domain.capacity() > KEEP_ATOMS {
            return;
        }
        self.seen.clear();
        let Ok(Some(before)) = LAST.try_with(|last| last.replace(Some(self))) else {
            return;
        };
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_WORKSPACES {
                spare.push(before);
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
    /// Taken from the pool once the search is known to be worth starting.
    ws: Option<Box<Workspace>>,
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
            ws: None,
        }
    }

    /// Candidate pairs tried so far, including the predicate evaluations
    /// that order a free search.
    pub fn steps(&self) -> u64 {
        self.steps
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
            let lacks = |mask: u128| mask & target.elements() == 0;
            if match query.required_elements() {
                Some(masks) => masks.iter().any(|&mask| lacks(mask)),
                None => (0..n).any(|q| lacks(query.atom_elements(q))),
            } {
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
        let plans = &mut ws.plans;
        let id = query.identity();
        if !plans[0].is_for(query, id) {
            plans.swap(0, 1);
            if !plans[0].is_for(query, id) {
                plans[0].shape(query);
            }
        }
        plans[0].bonds_of = id;
        // A free search counts every atom's candidates; a rooted one has
        // no rows to count and keeps zeros.
        if rooted {
            prefix(&mut ws.candidates, n, 0);
        } else if !(self.fill_domain(&mut ws) && self.drop_skipped(&mut ws)) {
            ws.give_back();
            return Ok(false);
        }
        let Workspace {
            plans: [plan, _],
            candidates,
            scratch,
            rank,
            ..
        } = &mut *ws;
        plan.choose(
            query,
            Wanted {
                candidates,
                first,
                keys_in_fill: !rooted,
            },
            rank,
            scratch,
        );
        sized(&mut ws.mapping, n, NONE);
        prefix(&mut ws.used, t_n, false);
        // Each deeper depth's cursor is set as the search reaches it.
        sized(&mut ws.cursor, n, (0, 0))[0] = (0, 0);
        self.ws = Some(ws);
        Ok(true)
    }

    /// Fills the candidate rows of a free search and counts them; false
    /// when some row holds fewer atoms than the query atoms that must map
    /// to distinct atoms of it.
    fn fill_domain(&mut self, ws: &mut Workspace) -> bool {
        let (query, target) = (self.query, self.target);
        let (n, t_n) = (query.atom_count(), target.atom_count());
        let words = t_n.div_ceil(64);
        self.words = words;
        let Workspace {
            plans: [plan, _],
            domain,
            candidates,
            rank,
            ..
        } = ws;
        let id = query.identity();
        if !plan.fill_fits(query, id) {
            plan.order_fill(query, rank);
        }
        plan.fill_of = id;
        let degree = &plan.degree[..n];
        let candidates = sized(candidates, n, 0);
        // Every row is written whole (marked or copied) before it is read.
        let domain = sized(domain, n * words, 0);
        for &(q, same, need) in &plan.fill {
            let q = q as usize;
            let min_degree = degree[q];
            let count = match same {
                NONE => {
                    self.steps += t_n as u64;
                    let row = &mut domain[q * words..(q + 1) * words];
                    let plain = query.atom_plain(q);
                    target.mark(query.atom_elements(q), plain, row);
                    // The elements are tested for every atom at once; the
                    // degree and any predicate beyond them on the atoms left.
                    match plain {
                        Some(aromatic) => keep_plain(target, row, min_degree, aromatic),
                        None => keep_degree(target, row, min_degree, |t| {
                            query.atom_matches(target, q, t)
                        }),
                    }
                }
                p => {
                    // Rows sharing a key come lowest degree first: `p`'s row
                    // holds `q`'s atoms, and some of too low a degree. The
                    // same key: `p`'s atoms passed `q`'s predicate, which
                    // only the degree is left to narrow.
                    let to = q * words;
                    copy_row(domain, p as usize, q, words);
                    let aromatic = query.atom_plain(q) == Some(true);
                    keep_plain(target, &mut domain[to..to + words], min_degree, aromatic)
                }
            };
            // Fewer than `need` (a pyridine's five carbons for benzene's
            // six) leave no match to search for.
            if count < need {
                return false;
            }
            candidates[q] = count;
        }
        for &(q, p) in &plan.copies {
            let (q, p) = (q as usize, p as usize);
            copy_row(domain, p, q, words);
            candidates[q] = candidates[p];
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

    /// Runs the search to the next complete, accepted, new mapping and
    /// leaves it in `ws.mapping`. `Ok(false)` when there is none.
    fn search(&mut self) -> Result<bool, BudgetExceeded> {
        let Some(mut ws) = self.ws.take() else {
            return Ok(false);
        };
        // Compiled apart, a search with rows asks no question per
        // candidate about having them.
        let found = if self.words == 0 {
            self.run::<false>(&mut ws)
        } else {
            self.run::<true>(&mut ws)
        };
        self.ws = Some(ws);
        found
    }

    /// [`Matches::search`] on the workspace taken out of `self`: the state
    /// the loop touches lives in locals, not behind `self`. `ROWS` when
    /// the search has domain rows (is not rooted).
    fn run<const ROWS: bool>(&mut self, ws: &mut Workspace) -> Result<bool, BudgetExceeded> {
        let (query, target) = (self.query, self.target);
        let Workspace {
            plans: [plan, _],
            domain,
            mapping,
            used,
            cursor,
            seen,
            key,
            ..
        } = ws;
        let (plan, degree) = (&plan.visit, &plan.degree[..]);
        let n = plan.order.len();
        let t_n = target.atom_count();
        let words = self.words;
        // Slices, not vectors: their bounds stay in registers across calls.
        let domain = &domain[..n * words];
        let (order, parents) = (&plan.order[..n], &plan.parent[..n]);
        // Most atoms have no bond back but to their parent: told apart by
        // two reads of bounds known here, not a slice made per candidate.
        let (back_start, back) = (&plan.back_start[..=n], &plan.back[..]);
        let back_of = |depth: usize| {
            let (from, to) = (back_start[depth] as usize, back_start[depth + 1] as usize);
            back.get(from..to).unwrap_or_default()
        };
        let (mapping, used, cursor) = (&mut mapping[..n], &mut used[..t_n], &mut cursor[..n]);
        let adjacency = target.adjacency();
        let (heads, table) = (adjacency.heads(), adjacency.table());
        let budget = self.options.budget;
        let mut steps = self.steps;
        let mut depth = self.depth;
        // A rooted search has no rows: its predicates are tested as met.
        let in_domain = |q: usize, t: usize| {
            if !ROWS {
                passes(query, target, degree, q, t)
            } else {
                domain[q * words + t / 64] >> (t % 64) & 1 == 1
            }
        };
        // Atoms unmapped keep their last image in `mapping`: nothing reads
        // it before the atom is placed again.
        let backtrack = |depth: &mut usize, mapping: &mut [u32], used: &mut [bool]| {
            *depth -= 1;
            let q = order[*depth] as usize;
            used[mapping[q] as usize] = false;
        };
        if std::mem::take(&mut self.at_match) {
            backtrack(&mut depth, mapping, used);
            if let Root::Images(_) = self.root {
                while depth > 0 {
                    backtrack(&mut depth, mapping, used);
                }
            }
        }
        let found = 'search: loop {
            if depth >= n {
                if query.accept(target, mapping) && is_new(self.options.unique, mapping, key, seen)
                {
                    self.at_match = true;
                    break Ok(true);
                }
                backtrack(&mut depth, mapping, used);
                continue;
            }
            // The next candidate for the query atom at `depth`, moving that
            // depth's cursor past it; every pair tried costs a step.
            let q = order[depth] as usize;
            let (parent, parent_bond) = parents[depth];
            let mut next = None;
            if parent != NONE {
                // The rest of the parent's image's row, as positions.
                let (mut i, end) = cursor[depth];
                while i < end {
                    let (t, t_bond) = table[i as usize];
                    i += 1;
                    steps += 1;
                    if steps > budget {
                        break 'search Err(BudgetExceeded);
                    }
                    let t = t as usize;
                    if !used[t]
                        && in_domain(q, t)
                        && query.bond_matches(target, parent_bond as usize, t_bond as usize)
                        && back_bonds_match(query, target, back_of(depth), |p| mapping[p], t)
                    {
                        next = Some(t);
                        break;
                    }
                }
                cursor[depth].0 = i;
            } else if let (0, Root::At(_, t)) = (depth, self.root) {
                if cursor[0].0 == 0 {
                    cursor[0].0 = 1;
                    steps += 1;
                    if steps > budget {
                        break 'search Err(BudgetExceeded);
                    }
                    next = in_domain(q, t).then_some(t);
                }
            } else {
                let mut t = cursor[depth].0 as usize;
                while t < t_n {
                    if ROWS {
                        // Skip straight to the next candidate bit of the row.
                        let word = domain[q * words + t / 64] >> (t % 64);
                        if word == 0 {
                            t = (t / 64 + 1) * 64;
                            continue;
                        }
                        t += word.trailing_zeros() as usize;
                    }
                    cursor[depth].0 = t as u32 + 1;
                    steps += 1;
                    if steps > budget {
                        break 'search Err(BudgetExceeded);
                    }
                    // With rows, `t` is a bit of the row: in the domain.
                    if !used[t] && (ROWS || in_domain(q, t)) {
                        next = Some(t);
                        break;
                    }
                    t += 1;
                }
                if next.is_none() {
                    cursor[depth].0 = t_n as u32;
                }
            }
            match next {
                Some(t) => {
                    mapping[q] = t as u32;
                    used[t] = true;
                    depth += 1;
                    // The next atom's candidates: its parent's image's
                    // row, looked up once here rather than on every return
                    // to this depth; without a parent, from the first atom.
                    if let Some(&(parent, _)) = parents.get(depth) {
                        cursor[depth] = match mapping.get(parent as usize) {
                            Some(&image) => {
                                let (start, len) = heads[image as usize];
                                (start, start + len)
                            }
                            None => (0, 0),
                        };
                    }
                }
                None if depth == 0 => break Ok(false),
                None => backtrack(&mut depth, mapping, used),
            }
        };
        self.steps = steps;
        self.depth = depth;
        found
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
                Some(Ok(self.ws.as_deref().map_or(&[], |ws| {
                    &ws.mapping[..ws.plans[0].visit.order.len()]
                })))
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
        if let Some(ws) = self.ws.take() {
            ws.give_back();
        }
    }
}

/// Query atoms up to which a rooted search can run on a [`RootedPlan`]:
/// its state then fits in arrays on the stack.
const ROOTED_ATOMS: usize = 16;

/// One depth of a [`RootedPlan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RootedStep {
    /// The query atom placed at this depth, its elements, and its number
    /// of query neighbours, which its image needs at least.
    q: u32,
    elements: u128,
    degree: u32,
    /// For an atom that [`Query::atom_plain`] says its element and
    /// aromaticity decide, the [`Target::code_of`] its images have: one
    /// byte compared, no predicate call.
    code: Option<u8>,
    /// The depth of the atom whose image's neighbours are the candidates,
    /// and the query bond to it; `NONE` for the first atom of a query
    /// component, whose candidates are every target atom.
    parent: u32,
    bond: u32,
    /// This depth's other bonds back, `RootedPlan::back[back.0..back.1]`.
    back: (u32, u32),
}

/// The plan of a search with one query atom fixed on a target atom, as a
/// recursive SMARTS subpattern runs it once per atom it is asked about.
/// With no rows to count, the general search's plan depends on the
/// query's bonds alone, so it is built once with the pattern, and such a
/// search ([`rooted_has_match`]) needs none of the general set-up: no
/// workspace, no plan to check, no set of used atoms the size of the
/// target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RootedPlan {
    /// Depth -> what is placed there.
    steps: Box<[RootedStep]>,
    /// (depth of an atom placed before, query bond to it).
    back: Box<[(u32, u32)]>,
}

impl RootedPlan {
    /// The plan [`super::find_at`] follows for `query` with atom `root`
    /// fixed, and the atoms' facts it needs; `None` past [`ROOTED_ATOMS`]
    /// atoms or without such an atom.
    pub(crate) fn new<Q: Query + ?Sized>(query: &Q, root: usize) -> Option<RootedPlan> {
        let n = query.atom_count();
        if root >= n || n > ROOTED_ATOMS {
            return None;
        }
        let mut plan = Plan::default();
        plan.shape(query);
        // A rooted search counts no candidates: every count is zero, and
        // the keys' only other part is the atoms' degrees.
        let mut keys = Vec::new();
        order_keys(&vec![0; n], &plan.degree, &mut keys);
        plan.build(query, &keys, Some(root), &mut Vec::new());
        let mut depth_of = vec![NONE; n];
        for (d, &q) in plan.visit.order.iter().enumerate() {
            depth_of[q as usize] = d as u32;
        }
        let depth = |q: u32| depth_of.get(q as usize).copied().unwrap_or(NONE);
        let steps = (0..n)
            .map(|d| {
                let q = plan.visit.order[d];
                let (parent, bond) = plan.visit.parent[d];
                let elements = query.atom_elements(q as usize);
                RootedStep {
                    q,
                    elements,
                    degree: plan.degree[q as usize],
                    code: query
                        .atom_plain(q as usize)
                        .and_then(|aromatic| Target::code_of(elements, aromatic)),
                    parent: depth(parent),
                    bond,
                    back: (plan.visit.back_start[d], plan.visit.back_start[d + 1]),
                }
            })
            .collect();
        let back = plan
            .visit
            .back
            .iter()
            .map(|&(p, bond)| (depth(p), bond))
            .collect();
        Some(RootedPlan { steps, back })
    }
}

/// What [`passes`] asks of target atom `t` for the atom placed at `step`,
/// but of a plain atom, which its byte answers, no predicate call.
#[inline(always)]
fn rooted_passes<Q: Query + ?Sized>(
    query: &Q,
    target: &Target,
    codes: &[u8],
    heads: &[(u32, u32)],
    step: &RootedStep,
    t: usize,
) -> bool {
    let fits = match step.code {
        Some(code) => codes[t] == code,
        None => target.element_in(t, step.elements),
    };
    fits && heads[t].1 >= step.degree
        && (step.code.is_some() || query.atom_matches(target, step.q as usize, t))
}

/// Whether `query` has a match with `plan`'s root atom on target atom `t`,
/// and the steps that took: the same answer and steps as the general
/// search rooted there, candidates tried in the same order, and so the
/// same predicate calls, which a recursive predicate's memo and budget
/// see. `plan` must be the query's own. Out of line: inlined into the
/// atom predicate that asks, it cost that more than the call.
#[inline(never)]
pub(crate) fn rooted_has_match<Q: Query + ?Sized>(
    query: &Q,
    plan: &RootedPlan,
    target: &Target,
    t: usize,
    budget: u64,
) -> (Result<bool, BudgetExceeded>, u64) {
    let plan_steps = &plan.steps[..];
    let n = plan_steps.len();
    let codes = target.codes();
    let Some(&root) = plan_steps.first().filter(|_| n <= codes.len()) else {
        return (Ok(false), 0);
    };
    if t >= codes.len() {
        return (Ok(false), 0);
    }
    if budget == 0 {
        return (Err(BudgetExceeded), 1);
    }
    let adjacency = target.adjacency();
    let (heads, table) = (adjacency.heads(), adjacency.table());
    let passes = |step: &RootedStep, t: usize| rooted_passes(query, target, codes, heads, step, t);
    if !passes(&root, t) {
        return (Ok(false), 1);
    }
    // Depth -> the image placed there, the next candidate and the end of
    // the candidates: positions in the adjacency table, or atoms for a
    // component's first atom. The images placed are the first `depth`,
    // few enough to be searched rather than marked.
    let mut at = [(0u32, 0u32, 0u32); ROOTED_ATOMS];
    at[0].0 = t as u32;
    // The candidates of the atom at a depth just reached: its parent's
    // image's row, or every atom.
    let candidates = |step: &RootedStep, at: &[(u32, u32, u32)]| match at.get(step.parent as usize)
    {
        Some(&(image, _, _)) => {
            let (start, len) = heads[image as usize];
            (start, start + len)
        }
        None => (0, codes.len() as u32),
    };
    if let Some(step) = plan_steps.get(1) {
        (at[1].1, at[1].2) = candidates(step, &at);
    }
    let mut steps = 1;
    let mut depth = 1;
    while depth < n {
        let step = &plan_steps[depth];
        let (_, mut i, end) = at[depth];
        let mut next = None;
        while i < end {
            steps += 1;
            if steps > budget {
                return (Err(BudgetExceeded), steps);
            }
            let (c, t_bond) = match step.parent {
                NONE => (i, NONE),
                _ => table[i as usize],
            };
            i += 1;
            if !at[..depth].iter().any(|&(image, _, _)| image == c)
                && passes(step, c as usize)
                && (step.parent == NONE
                    || query.bond_matches(target, step.bond as usize, t_bond as usize))
                && back_bonds_match(
                    query,
                    target,
                    &plan.back[step.back.0 as usize..step.back.1 as usize],
                    |d| at[d].0,
                    c as usize,
                )
            {
                next = Some(c);
                break;
            }
        }
        at[depth].1 = i;
        match next {
            Some(c) => {
                at[depth].0 = c;
                depth += 1;
                if let Some(step) = plan_steps.get(depth) {
                    (at[depth].1, at[depth].2) = candidates(step, &at);
                }
            }
            None if depth == 1 => return (Ok(false), steps),
            None => depth -= 1,
        }
    }
    (Ok(true), steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::MolQuery;
    use crate::smiles::parse;

    fn plan_for(q: &MolQuery, candidates: &[u32], first: Option<usize>) -> Plan {
        let mut plan = Plan::default();
        plan.shape(q);
        let mut keys = Vec::new();
        order_keys(candidates, &plan.degree, &mut keys);
        plan.build(q, &keys, first, &mut Vec::new());
        plan
    }

    #[test]
    fn plan_starts_rarest_and_stays_connected() {
        // Acetamide-like chain C-C(=O)-N-C.C: atom 3 (N) is given the fewest
        // candidates, the dot-separated carbon forms its own component.
        let q = MolQuery::new(&parse("CC(=O)NC.C").unwrap());
        let candidates = [9, 9, 4, 1, 9, 9];
        let plan = plan_for(&q, &candidates, None);
        assert_eq!(plan.visit.order[0], 3);
        // N's neighbours next: C1 (degree 3) before C4 (degree 1); then the
        // O, with fewer candidates than the carbons also bonded to placed atoms.
        assert_eq!(&plan.visit.order[1..3], &[1, 2]);
        assert_eq!(plan.visit.order[5], 5);
        for (d, &(parent, _)) in plan.visit.parent.iter().enumerate() {
            let is_root = d == 0 || plan.visit.order[d] == 5;
            assert_eq!(parent == NONE, is_root, "depth {d}");
            if parent != NONE {
                let p = plan.visit.order.iter().position(|&a| a == parent).unwrap();
                assert!(p < d);
            }
        }
        // A forced first atom is honoured.
        let plan = plan_for(&q, &candidates, Some(0));
        assert_eq!(&plan.visit.order[..2], &[0, 1]);
    }

    /// Whether two plans' orders in use visit alike.
    fn same_order(a: &Plan, b: &Plan) -> bool {
        let (a, b) = (&a.visit, &b.visit);
        a.order == b.order
            && a.parent == b.parent
            && a.back_start == b.back_start
            && a.back == b.back
    }

    #[test]
    fn orders_kept_are_the_orders_built() {
        // C, O and N of the amide each the rarest in turn, twice: the
        // second round builds nothing, and takes each order from those
        // kept.
        let q = MolQuery::new(&parse("C(=O)N").unwrap());
        let mut plan = Plan::default();
        plan.shape(&q);
        let (mut rank, mut scratch) = (Vec::new(), Vec::new());
        let counts = [[1, 5, 5], [5, 1, 5], [5, 5, 1], [1, 5, 4]];
        let mut builds = 0;
        for round in 0..2 {
            for candidates in &counts {
                plan.choose(&q, Wanted::counts(candidates), &mut rank, &mut scratch);
                let fresh = plan_for(&q, candidates, None);
                assert!(same_order(&plan, &fresh), "{candidates:?}");
            }
            if round == 0 {
                builds = plan.next_out;
            }
        }
        assert_eq!(plan.next_out, builds);
        assert_eq!(plan.others.len(), 3);
        // A chain of ten elements started from each atom in turn: more
        // orders than are kept, the oldest replaced, every one still the
        // one built. (Atoms of one element and degree are twins, whose
        // counts are always equal.)
        let q = MolQuery::new(&parse("[Li][Be]BCNO[Na][Mg][Al][Si]").unwrap());
        let mut plan = Plan::default();
        plan.shape(&q);
        for round in 0..2 {
            for first in 0..10 {
                let mut candidates = [9; 10];
                candidates[(first * 3 + round) % 10] = 1;
                plan.choose(&q, Wanted::counts(&candidates), &mut rank, &mut scratch);
                let fresh = plan_for(&q, &candidates, None);
                assert!(same_order(&plan, &fresh), "{candidates:?}");
            }
        }
        assert_eq!(plan.others.len(), KEPT_ORDERS);
        // New bonds, no order kept.
        plan.shape(&MolQuery::new(&parse("CC(C)C").unwrap()));
        assert!(plan.others.is_empty() && !plan.visit.built);
    }

    #[test]
    fn ring_closure_becomes_a_back_bond() {
        let q = MolQuery::new(&parse("C1CC1").unwrap());
        let plan = plan_for(&q, &[1, 1, 1], None);
        // The last atom of the triangle has its parent and one more bond back.
        assert_eq!(plan.visit.back_start, [0, 0, 0, 1]);
        assert_eq!(plan.visit.back.len(), 1);
    }

    #[test]
    fn a_plan_fits_only_what_it_was_built_from() {
        let q = MolQuery::new(&parse("CC(=O)N").unwrap());
        let plan = plan_for(&q, &[5, 5, 2, 1], None);
        // Other counts with the same least atom: the same plan, whatever
        // the order of the others.
        assert!(plan.fits(&q, Wanted::counts(&[9, 7, 4, 3])));
        assert!(plan.fits(&q, Wanted::counts(&[6, 2, 4, 1])));
        // O before N, or the first atom forced: not.
        assert!(!plan.fits(&q, Wanted::counts(&[5, 5, 1, 2])));
        assert!(!plan.fits(
            &q,
            Wanted {
                first: Some(0),
                ..Wanted::counts(&[5, 5, 2, 1])
            }
        ));
        // Bond orders are not the plan's business; which atoms are bonded is.
        assert!(plan.is_for(&q, None));
        assert!(plan.is_for(&MolQuery::new(&parse("CC(N)=O").unwrap()), None));
        assert!(!plan.is_for(&MolQuery::new(&parse("C1CC1N").unwrap()), None));
    }
}
