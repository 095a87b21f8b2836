//! Matching one molecule against the compiled formulas.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;

use super::compile::{CoreForm, LabelSite, Pattern};
use super::screen::{decided, group_choices, CHEAP};
use super::{
    metals, why_not, Assignment, Classification, Classifier, Compiled, FormulaMatch, Miss,
};
use crate::groups::Session;
use crate::markush::ast::{
    CenterForm, Choice, ClosureKind, Count, CountTerm, Formula, FragmentKind,
};
use crate::matcher::{element_bit, MatchOptions, Target, DEFAULT_BUDGET};
use crate::mol::normalize::variants;
use crate::mol::{element, BondOrder, Mol};
use crate::smiles::fragment_smiles;

/// Core mappings examined per concrete core.
const MAX_MAPPINGS: usize = 2_000;
/// Label-assignment steps per core mapping.
const MAX_STEPS: usize = 20_000;
/// Variables inside variables inside ... deeper than this do not match.
const MAX_DEPTH: usize = 8;

/// Attachment atoms per pattern atom, the substituent index of each
/// attachment, and each substituent's sorted atoms.
type Substituents = (Vec<Vec<usize>>, HashMap<usize, usize>, Vec<Vec<usize>>);

/// A copy of `mol` with every bond between a metal and a non-metal broken
/// ionically (a covalent bond leaves a negative charge on the non-metal and
/// a positive one on the metal; a dative bond leaves none), so that a
/// ligand complexed to a metal reads as the ligand and the metal ion.
/// `None` when there is no such bond.
fn ionic_view(mol: &Mol) -> Option<Mol> {
    let metal = |a: usize| element::is_metal(mol.atom(a).element);
    let broken = mol.bonds().any(|(a, b, _)| metal(a) != metal(b));
    if !broken {
        return None;
    }
    let mut out = Mol::with_capacity(mol.atom_count(), mol.bond_count());
    for a in mol.atoms() {
        out.add_atom(a.clone());
    }
    for (a, b, bond) in mol.bonds() {
        if metal(a) == metal(b) {
            out.add_bond(a, b, *bond);
            continue;
        }
        if bond.order == crate::mol::BondOrder::Dative {
            continue;
        }
        let (m, x) = if metal(a) { (a, b) } else { (b, a) };
        let v = i8::try_from(bond.order.valence()).unwrap_or(1);
        let am = out.atom_mut(m);
        am.charge = am.charge.saturating_add(v);
        let ax = out.atom_mut(x);
        ax.charge = ax.charge.saturating_sub(v);
    }
    out.perceive();
    Some(out)
}

/// A molecule prepared for matching.
struct View<'m> {
    mol: &'m Mol,
    component: Vec<u32>,
}

impl<'m> View<'m> {
    fn new(mol: &'m Mol) -> View<'m> {
        let n = mol.atom_count();
        let mut component = vec![u32::MAX; n];
        let mut next = 0;
        for start in 0..n {
            if component[start] != u32::MAX {
                continue;
            }
            component[start] = next;
            let mut stack = vec![start];
            while let Some(a) = stack.pop() {
                for (b, _) in mol.neighbors(a) {
                    if component[b] == u32::MAX {
                        component[b] = next;
                        stack.push(b);
                    }
                }
            }
            next += 1;
        }
        View { mol, component }
    }
}

/// Why a formula did not match, and how far it got (a later stage is a
/// nearer miss).
#[derive(Clone, Debug)]
struct Fail {
    stage: u8,
    reason: String,
}

impl Fail {
    fn new(stage: u8, reason: impl Into<String>) -> Fail {
        Fail {
            stage,
            reason: reason.into(),
        }
    }

    fn keep_nearer(best: &mut Option<Fail>, other: Fail) {
        if best.as_ref().map_or(true, |b| other.stage > b.stage) {
            *best = Some(other);
        }
    }
}

const STAGE_CORE: u8 = 0;
const STAGE_ATOMS: u8 = 1;
const STAGE_LABELS: u8 = 2;
const STAGE_RULES: u8 = 3;

/// `quick`: only the decisions are wanted, so cheap screens may reject a
/// formula before any search, and misses are not put in words.
pub(super) fn run(clf: &Classifier, mol: &Mol, quick: bool) -> Classification {
    let variants = variants(mol);
    let ionic: Vec<Option<Mol>> = variants.iter().map(|v| ionic_view(&v.mol)).collect();
    // Each variant as written, then with its metal bonds read as ionic. A
    // complex is always read ionic, so that its metal is not part of the
    // ligand; any other formula takes the ionic reading only when the
    // written one fails, so a ligand bonded to its metal (C(=O)O[Zr]) is
    // still the ligand, and a metal the formula holds (phthalocyanine's
    // centre) keeps its bonds.
    let mut readings: Vec<Reading> = Vec::new();
    for (v, variant) in variants.iter().enumerate() {
        readings.push(Reading {
            variant: v,
            view: View::new(&variant.mol),
            session: Session::new(&clf.groups, &variant.mol, DEFAULT_BUDGET),
            ionic: false,
            has_ionic: ionic[v].is_some(),
        });
        if let Some(m) = &ionic[v] {
            readings.push(Reading {
                variant: v,
                view: View::new(m),
                session: Session::new(&clf.groups, m, DEFAULT_BUDGET),
                ionic: true,
                has_ionic: true,
            });
        }
    }
    let mut out = Classification::default();
    for (fi, formula) in clf.library.formulas.iter().enumerate() {
        let compiled = &clf.formulas[fi];
        let complex = !formula.complexes.is_empty();
        let mut best: Option<Fail> = None;
        let mut found = None;
        let mut over_budget = false;
        for reading in readings.iter_mut() {
            if complex && reading.has_ionic && !reading.ionic {
                continue;
            }
            let variant = &variants[reading.variant];
            let mut eval = Eval {
                clf,
                f: formula,
                compiled,
                view: &reading.view,
                session: &mut reading.session,
                steps: 0,
                quick,
                starts: HashMap::new(),
                over_budget: false,
            };
            let result = eval.formula();
            over_budget |= eval.over_budget;
            match result {
                Ok(mut m) => {
                    m.core_atoms = m.core_atoms.iter().map(|&a| variant.origin[a]).collect();
                    m.core_atoms.sort_unstable();
                    for a in m.assignments.values_mut() {
                        a.atoms = a.atoms.iter().map(|&x| variant.origin[x]).collect();
                        a.atoms.sort_unstable();
                    }
                    let mut notes = variant.notes.clone();
                    if reading.ionic {
                        notes.push(
                            "metal bonds read as ionic: the ligand and the metal ion".to_string(),
                        );
                    }
                    notes.append(&mut m.notes);
                    m.notes = notes;
                    found = Some(m);
                    break;
                }
                Err(fail) => Fail::keep_nearer(&mut best, fail),
            }
        }
        if found.is_none() && over_budget {
            out.over_budget.push(formula.id.clone());
        }
        match found {
            Some(m) => out.matches.push(m),
            None => out.misses.push(Miss {
                formula: formula.id.clone(),
                reason: best.map_or_else(|| "core not found".to_string(), |b| b.reason),
            }),
        }
    }
    out
}

/// One way of reading the molecule: a normalised variant, as written or
/// with its metal bonds ionic.
struct Reading<'l, 'm> {
    variant: usize,
    view: View<'m>,
    session: Session<'l, 'm>,
    ionic: bool,
    /// The variant has an ionic reading (it has metal bonds).
    has_ionic: bool,
}

/// What a label's substituent turned out to be.
#[derive(Clone, Debug)]
struct Sat {
    /// The substituent's first atom; its groups are worked out only when it
    /// is reported.
    attachment: usize,
    atoms: Vec<usize>,
    /// Variable choices made inside it (`X1: -SO2NR21R22`).
    variables: Vec<(String, String)>,
    /// Assignments of labels inside it (a chain's tail, a fragment's labels).
    inner: Vec<(String, Assignment)>,
}

/// What one core mapping gathered so far.
#[derive(Clone, Default)]
struct State {
    variables: IndexMap<String, String>,
    assignments: IndexMap<String, Assignment>,
    counts: IndexMap<String, i64>,
    /// Counted substituents that fit more than one term: the terms each
    /// fits, first term first; the conditions decide.
    pending: Vec<Vec<(String, String, Sat)>>,
}

fn insert_numbered<V>(map: &mut IndexMap<String, V>, key: &str, value: V) {
    if !map.contains_key(key) {
        map.insert(key.to_string(), value);
        return;
    }
    let mut k = 2;
    while map.contains_key(&format!("{key}#{k}")) {
        k += 1;
    }
    map.insert(format!("{key}#{k}"), value);
}

fn hydrogen_assignment(groups: Vec<String>) -> Assignment {
    Assignment {
        groups,
        smiles: "[H]".to_string(),
        atoms: Vec::new(),
        ring_with: None,
    }
}

fn article(title: &str) -> &'static str {
    match title.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

/// A position on a core atom that substituents fill.
struct Unit<'p> {
    atom: usize,
    labels: Vec<&'p LabelSite>,
    attachments: Vec<usize>,
}

struct Eval<'a, 'l, 'm> {
    clf: &'a Classifier,
    f: &'a Formula,
    compiled: &'a Compiled,
    view: &'a View<'m>,
    session: &'a mut Session<'l, 'm>,
    steps: usize,
    quick: bool,
    /// Per label: the atoms its substituent could start at ([`Eval::starts`]).
    starts: HashMap<String, Rc<[bool]>>,
    /// Some search ran past its step budget, so a failure to match is no
    /// verdict on the formula.
    over_budget: bool,
}

impl<'a, 'm> Eval<'a, '_, 'm> {
    fn mol(&self) -> &'m Mol {
        self.view.mol
    }

    fn formula(&mut self) -> Result<FormulaMatch, Fail> {
        // A complex needs its metal in the record: a cheap screen before
        // any search, which most molecules fail.
        for label in &self.f.complexes {
            if let Err(fail) = self.complex(label, &mut State::default(), &mut Vec::new()) {
                return Err(Fail::new(
                    fail.stage,
                    fail.reason.replacen("core found, but ", "", 1),
                ));
            }
        }
        let compiled = self.compiled;
        if !compiled
            .cores
            .iter()
            .any(|core| needs_met(core, self.session.target()))
        {
            return Err(Fail::new(STAGE_CORE, "core not found"));
        }
        if self.quick && compiled.screen_first && self.screened_out(CHEAP) {
            return Err(Fail::new(
                STAGE_CORE,
                "a label the formula needs fits nowhere",
            ));
        }
        let mut screened = false;
        let mut best: Option<Fail> = None;
        let mut chosen: Option<((usize, usize), FormulaMatch)> = None;
        let linkers = &compiled.linkers;
        let mut found = vec![false; compiled.cores.len()];
        for (i, core) in compiled.cores.iter().enumerate() {
            if !needs_met(core, self.session.target()) || core.within.is_some_and(|b| !found[b]) {
                continue;
            }
            let options = MatchOptions {
                unique: false,
                max_matches: Some(MAX_MAPPINGS),
                budget: DEFAULT_BUDGET,
            };
            let mappings = match core.pattern.query.matches(self.session.target(), options) {
                Ok(m) => m,
                Err(_) => {
                    self.over_budget = true;
                    Fail::keep_nearer(
                        &mut best,
                        Fail::new(
                            STAGE_CORE,
                            "search budget exceeded while looking for the core",
                        ),
                    );
                    continue;
                }
            };
            found[i] = !mappings.is_empty();
            for mapping in mappings {
                // Costly labels only once some core is found: a core search
                // is cheaper than finding where heterocyclic may start.
                if self.quick
                    && !std::mem::replace(&mut screened, true)
                    && self.screened_out(usize::MAX)
                {
                    return Err(Fail::new(
                        STAGE_CORE,
                        "a label the formula needs fits nowhere",
                    ));
                }
                let mapping: Vec<usize> = mapping.iter().map(|&a| a as usize).collect();
                match self.mapping(core, &mapping) {
                    Ok(m) if linkers.is_empty() => return Ok(m),
                    // X-(L-Y): of the readings that hold, the one whose
                    // acid group sits nearest the core, so a betaine's
                    // acid hangs on the N+ next to it, not on an amide N
                    // further away.
                    Ok(m) => {
                        let length = linker_atoms(&m, linkers);
                        if chosen.as_ref().map_or(true, |(best, _)| length < *best) {
                            chosen = Some((length, m));
                        }
                    }
                    Err(fail) => Fail::keep_nearer(&mut best, fail),
                }
            }
        }
        match chosen {
            Some((_, m)) => Ok(m),
            None => Err(best.unwrap_or_else(|| Fail::new(STAGE_CORE, "core not found"))),
        }
    }

    /// Whether the formula's [needs](super::screen) rule the molecule out,
    /// looking only at labels that cost at most `limit` to check.
    fn screened_out(&mut self, limit: usize) -> bool {
        let needs = &self.compiled.needs;
        let mut nowhere = |l: &String| needs.costs[l] <= limit && !self.starts(l).contains(&true);
        if needs.labels.iter().any(&mut nowhere) {
            return true;
        }
        let zero: Vec<&str> = needs
            .counted
            .iter()
            .filter(|(_, terms)| terms.iter().all(|chain| chain.iter().any(&mut nowhere)))
            .map(|(variable, _)| variable.as_str())
            .collect();
        !zero.is_empty()
            && self
                .f
                .conditions
                .iter()
                .any(|c| decided(&c.rule, &zero) == Some(false))
    }

    /// The atoms a substituent at `label` could start at: where one of its
    /// groups may start ([`Session::starts`]) or one of its fragments
    /// matches with atom 0. Found once per label and molecule.
    fn starts(&mut self, label: &str) -> Rc<[bool]> {
        if let Some(known) = self.starts.get(label) {
            return known.clone();
        }
        let n = self.mol().atom_count();
        let mut out = vec![false; n];
        let f = self.f;
        for choice in group_choices(f, label) {
            let starts = self.session.starts(&choice.group);
            for (o, s) in out.iter_mut().zip(starts.iter()) {
                *o |= *s;
            }
        }
        if let Some(var) = f.variable(label).filter(|_| f.label(label).is_none()) {
            for (i, alt) in var.alternatives.iter().enumerate() {
                if let FragmentKind::Group(_) = alt.kind {
                    continue;
                }
                match self.compiled.fragments.get(&(label.to_string(), i)) {
                    Some(p) => {
                        p.query
                            .mark_first_atoms(self.session.target(), DEFAULT_BUDGET, &mut out)
                    }
                    None => out.iter_mut().for_each(|o| *o = true),
                }
            }
        }
        let out: Rc<[bool]> = out.into();
        self.starts.insert(label.to_string(), out.clone());
        out
    }

    fn mapping(&mut self, core: &CoreForm, mapping: &[usize]) -> Result<FormulaMatch, Fail> {
        self.steps = 0;
        let mut state = State::default();
        for (v, t) in &core.choices {
            state.variables.insert(v.clone(), t.clone());
        }
        let home = self.view.component[mapping[0]];
        let component = &self.view.component;
        let region: Vec<bool> = component.iter().map(|&c| c == home).collect();
        let center_atom = core.center.as_ref().and_then(|c| c.atom);
        self.resolve(&core.pattern, mapping, &region, center_atom, &mut state, 0)?;
        let mut claims = self.f.claims.clone();
        if let Some(center) = &core.center {
            self.center(center, mapping, &region, &mut state, &mut claims)?;
        }
        for label in &self.f.complexes {
            self.complex(label, &mut state, &mut claims)?;
        }
        let state = self.settle(state)?;
        let mut notes = Vec::new();
        let mol = self.mol();
        let mut others: Vec<u32> = component.iter().copied().filter(|&c| c != home).collect();
        others.sort_unstable();
        others.dedup();
        for c in others {
            let atoms: Vec<usize> = (0..mol.atom_count())
                .filter(|&a| component[a] == c)
                .collect();
            notes.push(format!(
                "other component not part of the formula: {}",
                fragment_smiles(mol, &atoms, false)
            ));
        }
        Ok(FormulaMatch {
            formula: self.f.id.clone(),
            patent: self.f.patent.clone(),
            claims,
            core_atoms: mapping.to_vec(),
            variables: state.variables,
            assignments: state.assignments,
            counts: (!self.f.counts.is_empty()).then_some(state.counts),
            notes,
        })
    }

    /// Picks a term for each counted substituent (first terms preferred)
    /// so that every condition holds; the first failure is the miss.
    fn settle(&mut self, mut state: State) -> Result<State, Fail> {
        let pending = std::mem::take(&mut state.pending);
        let mut pick = vec![0usize; pending.len()];
        let mut first: Option<Fail> = None;
        for _ in 0..MAX_STEPS {
            let mut trial = state.clone();
            for (options, &p) in pending.iter().zip(&pick) {
                let (var, label, sat) = &options[p];
                *trial.counts.entry(var.clone()).or_insert(0) += 1;
                self.write_sat(&mut trial, label, sat.clone());
            }
            self.totals(&mut trial);
            let broken = self
                .f
                .conditions
                .iter()
                .find(|c| !super::holds(&c.rule, &trial.counts, &trial.variables));
            match broken {
                None => return Ok(trial),
                Some(c) => {
                    first.get_or_insert_with(|| {
                        Fail::new(
                            STAGE_RULES,
                            format!(
                                "core found, but {}",
                                why_not(&c.rule, &trial.counts, &trial.variables)
                            ),
                        )
                    });
                }
            }
            let mut k = 0;
            loop {
                if k == pick.len() {
                    return Err(first.unwrap_or_else(|| {
                        Fail::new(STAGE_RULES, "core found, but the conditions do not hold")
                    }));
                }
                pick[k] += 1;
                if pick[k] < pending[k].len() {
                    break;
                }
                pick[k] = 0;
                k += 1;
            }
        }
        Err(first.unwrap_or_else(|| {
            Fail::new(STAGE_RULES, "core found, but the conditions do not hold")
        }))
    }

    /// Every count variable (0 when nothing was counted) and their `sum`.
    fn totals(&self, state: &mut State) {
        if !self.f.counts.is_empty() {
            for count in &self.f.counts {
                for term in &count.terms {
                    state.counts.entry(term.variable.clone()).or_insert(0);
                }
            }
            if self.f.counts.len() > 1 {
                let sum = self
                    .f
                    .counts
                    .iter()
                    .filter_map(|c| c.terms.first())
                    .map(|t| state.counts[&t.variable])
                    .sum();
                state.counts.insert("sum".to_string(), sum);
            }
        }
    }

    /// The non-pattern neighbours of pattern atoms within `region`, and the
    /// substituent (connected non-pattern atoms) each starts.
    fn substituents(
        &self,
        mapping: &[usize],
        region: &[bool],
        skip: Option<usize>,
    ) -> Substituents {
        let mol = self.mol();
        let mut in_pattern = vec![false; mol.atom_count()];
        for &t in mapping {
            in_pattern[t] = true;
        }
        let mut attachments = vec![Vec::new(); mapping.len()];
        let mut comp_of: HashMap<usize, usize> = HashMap::new();
        let mut comps: Vec<Vec<usize>> = Vec::new();
        for (i, &t) in mapping.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            for (n, _) in mol.neighbors(t) {
                if in_pattern[n] || !region[n] || mol.atom(n).element == 1 {
                    continue;
                }
                attachments[i].push(n);
                if comp_of.contains_key(&n) {
                    continue;
                }
                let id = comps.len();
                let mut atoms = vec![n];
                comp_of.insert(n, id);
                let mut stack = vec![n];
                while let Some(a) = stack.pop() {
                    for (b, _) in mol.neighbors(a) {
                        if !in_pattern[b] && region[b] && !comp_of.contains_key(&b) {
                            comp_of.insert(b, id);
                            atoms.push(b);
                            stack.push(b);
                        }
                    }
                }
                atoms.sort_unstable();
                comps.push(atoms);
            }
        }
        (attachments, comp_of, comps)
    }

    /// Explains every atom beyond the pattern: label substituents, counted
    /// positions, hydrogens.
    fn resolve(
        &mut self,
        pattern: &Pattern,
        mapping: &[usize],
        region: &[bool],
        skip: Option<usize>,
        state: &mut State,
        depth: usize,
    ) -> Result<(), Fail> {
        let (attachments, comp_of, comps) = self.substituents(mapping, region, skip);
        let mut units = Vec::new();
        let mut counted = Vec::new();
        for (i, atts) in attachments.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            if let Some((count, positions)) = self.count_site(pattern, i) {
                counted.push((i, count, positions));
                continue;
            }
            let labels: Vec<&LabelSite> = pattern.labels[i].iter().collect();
            if labels.is_empty() {
                if let Some(&n) = atts.first() {
                    let smiles = fragment_smiles(self.mol(), &comps[comp_of[&n]], false);
                    return Err(Fail::new(
                        STAGE_ATOMS,
                        format!(
                            "core found, but core atom {} ({}) carries {smiles}, which no label of the formula covers",
                            mapping[i],
                            element::symbol(self.mol().atom(mapping[i]).element)
                        ),
                    ));
                }
                continue;
            }
            if atts.len() > labels.len() {
                return Err(Fail::new(
                    STAGE_ATOMS,
                    format!(
                        "core found, but core atom {} carries {} substituents where the formula has {} ({})",
                        mapping[i],
                        atts.len(),
                        labels.len(),
                        labels.iter().map(|l| l.label.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            units.push(Unit {
                atom: i,
                labels,
                attachments: atts.clone(),
            });
        }
        let mut touches = vec![0usize; comps.len()];
        for atts in &attachments {
            for n in atts {
                touches[comp_of[n]] += 1;
            }
        }
        let mut chosen: Vec<Vec<Option<usize>>> = Vec::new();
        let mut first_fail: Option<Fail> = None;
        let mut cache: HashMap<(String, usize), Result<Sat, String>> = HashMap::new();
        let ctx = Assign {
            units: &units,
            comp_of: &comp_of,
            comps: &comps,
            touches: &touches,
            mapping,
            depth,
        };
        if !self.assign(&ctx, 0, &mut chosen, &mut cache, &mut first_fail) {
            return Err(first_fail.unwrap_or_else(|| {
                Fail::new(
                    STAGE_LABELS,
                    "core found, but its substituents fit no assignment of labels",
                )
            }));
        }
        // Write the winning assignment.
        for (unit, picks) in units.iter().zip(&chosen) {
            for (l, site) in unit.labels.iter().enumerate() {
                match picks[l] {
                    None => {
                        let groups = self.hydrogen_groups(&site.label);
                        if let Some(title) = self.hydrogen_title(&site.label) {
                            insert_numbered(&mut state.variables, &site.label, title);
                        }
                        insert_numbered(
                            &mut state.assignments,
                            &site.label,
                            hydrogen_assignment(groups),
                        );
                    }
                    Some(a) => {
                        let n = unit.attachments[a];
                        let c = comp_of[&n];
                        if touches[c] > 1 {
                            let other = self.ring_partner(&ctx, &chosen, c, &site.label);
                            let groups = self.report_groups(&site.label, n, &comps[c]);
                            insert_numbered(
                                &mut state.assignments,
                                &site.label,
                                Assignment {
                                    groups,
                                    smiles: fragment_smiles(self.mol(), &comps[c], false),
                                    atoms: comps[c].clone(),
                                    ring_with: other,
                                },
                            );
                        } else if let Some(Ok(sat)) = cache.get(&(site_key(site), n)) {
                            self.write_sat(state, &site.label, sat.clone());
                        }
                    }
                }
            }
        }
        for (i, count, positions) in counted {
            self.count(
                pattern,
                mapping,
                i,
                count,
                positions,
                &attachments[i],
                &comps,
                &comp_of,
                &touches,
                state,
                depth,
            )?;
        }
        Ok(())
    }

    fn write_sat(&mut self, state: &mut State, label: &str, sat: Sat) {
        for (v, t) in sat.variables {
            insert_numbered(&mut state.variables, &v, t);
        }
        let smiles = fragment_smiles(self.mol(), &sat.atoms, false);
        let groups = self.report_groups(label, sat.attachment, &sat.atoms);
        insert_numbered(
            &mut state.assignments,
            label,
            Assignment {
                groups,
                smiles,
                atoms: sat.atoms,
                ring_with: None,
            },
        );
        for (l, a) in sat.inner {
            insert_numbered(&mut state.assignments, &l, a);
        }
    }

    /// The count a pattern atom is a site of, and how many positions it
    /// has (`None`: a variable atom, counted over all its neighbours).
    fn count_site(&self, pattern: &Pattern, i: usize) -> Option<(&'a Count, Option<usize>)> {
        let f: &'a Formula = self.f;
        for count in &f.counts {
            let n = pattern.labels[i]
                .iter()
                .filter(|l| l.label == count.site)
                .count();
            if n > 0 {
                return Some((count, Some(n)));
            }
            if pattern.roots[i].as_deref() == Some(count.site.as_str()) {
                return Some((count, None));
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn count(
        &mut self,
        pattern: &Pattern,
        mapping: &[usize],
        i: usize,
        count: &Count,
        positions: Option<usize>,
        attachments: &[usize],
        comps: &[Vec<usize>],
        comp_of: &HashMap<usize, usize>,
        touches: &[usize],
        state: &mut State,
        depth: usize,
    ) -> Result<(), Fail> {
        let mol = self.mol();
        let t = mapping[i];
        let explicit_h = mol
            .neighbors(t)
            .filter(|&(n, _)| mol.atom(n).element == 1)
            .count();
        let hydrogens = match positions {
            Some(p) => p.checked_sub(attachments.len()).ok_or_else(|| {
                Fail::new(
                    STAGE_ATOMS,
                    format!(
                        "core found, but position {} of {} carries {} substituents",
                        t,
                        count.site,
                        attachments.len()
                    ),
                )
            })?,
            None => mol.atom(t).total_h() as usize + explicit_h,
        };
        // A chained label (L then Y) counts with its chain.
        let chain_of = |label: &str| -> LabelSite {
            pattern.labels[i]
                .iter()
                .find(|l| l.label == label)
                .cloned()
                .unwrap_or(LabelSite {
                    label: label.to_string(),
                    chain: Vec::new(),
                    bond: None,
                })
        };
        for &n in attachments {
            let c = comp_of[&n];
            if touches[c] > 1 {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!("core found, but a substituent at {} closes a ring, which the counted positions do not allow", count.site),
                ));
            }
            let mut why = Vec::new();
            let mut options = Vec::new();
            // A substituent that reads as a chain (L then Y) is read so
            // before it is read as one plain label: the chain names more of
            // it (thiodiglycolic acid is X with two L-Y, not R1 and L-Y).
            let mut terms: Vec<(LabelSite, &CountTerm)> = count
                .terms
                .iter()
                .map(|t| (chain_of(&t.label), t))
                .collect();
            terms.sort_by_key(|(site, _)| std::cmp::Reverse(site.chain.len()));
            for (site, term) in &terms {
                match self.sat(site, n, &comps[c], depth) {
                    Ok(sat) => options.push((term.variable.clone(), term.label.clone(), sat)),
                    Err(reason) => why.push(reason),
                }
            }
            if options.is_empty() {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!("core found, but at {}: {}", count.site, why.join("; ")),
                ));
            }
            state.pending.push(options);
        }
        for _ in 0..hydrogens {
            let term = count.terms.iter().find(|term| {
                self.hydrogen_title(&term.label).is_some()
                    || !self.hydrogen_groups(&term.label).is_empty()
            });
            let Some(term) = term else {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!(
                        "core found, but a position of {} carries hydrogen, which none of {} allows",
                        count.site,
                        count.terms.iter().map(|t| t.label.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            *state.counts.entry(term.variable.clone()).or_insert(0) += 1;
            if let Some(title) = self.hydrogen_title(&term.label) {
                insert_numbered(&mut state.variables, &term.label, title);
            }
            let groups = self.hydrogen_groups(&term.label);
            insert_numbered(
                &mut state.assignments,
                &term.label,
                hydrogen_assignment(groups),
            );
        }
        Ok(())
    }

    /// Depth-first over units, each trying every way of giving its
    /// attachments to its labels; ring closures are checked once all units
    /// are placed.
    fn assign(
        &mut self,
        ctx: &Assign,
        u: usize,
        chosen: &mut Vec<Vec<Option<usize>>>,
        cache: &mut HashMap<(String, usize), Result<Sat, String>>,
        first_fail: &mut Option<Fail>,
    ) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.over_budget = true;
            Fail::keep_nearer(
                first_fail,
                Fail::new(
                    STAGE_ATOMS,
                    "core found, but the label assignment search ran past its budget",
                ),
            );
            return false;
        }
        if u == ctx.units.len() {
            return match self.rings_ok(ctx, chosen) {
                Ok(()) => true,
                Err(fail) => {
                    Fail::keep_nearer(first_fail, fail);
                    false
                }
            };
        }
        let unit = &ctx.units[u];
        let k = unit.labels.len();
        let m = unit.attachments.len();
        // picks[l] = attachment index given to label l.
        let mut order: Vec<usize> = (0..k).collect();
        loop {
            // Attachment a goes to label order[a]; labels order[m..] are hydrogen.
            let mut picks = vec![None; k];
            for a in 0..m {
                picks[order[a]] = Some(a);
            }
            if self.unit_ok(ctx, unit, &picks, cache, first_fail) {
                chosen.push(picks);
                if self.assign(ctx, u + 1, chosen, cache, first_fail) {
                    return true;
                }
                chosen.pop();
            }
            if !next_permutation(&mut order) {
                return false;
            }
        }
    }

    fn unit_ok(
        &mut self,
        ctx: &Assign,
        unit: &Unit,
        picks: &[Option<usize>],
        cache: &mut HashMap<(String, usize), Result<Sat, String>>,
        first_fail: &mut Option<Fail>,
    ) -> bool {
        for (l, site) in unit.labels.iter().enumerate() {
            match picks[l] {
                None => {
                    // A hydrogen is bonded singly, which a written `=` rules out.
                    let single = || {
                        site.bond.as_ref().map_or(true, |b| {
                            crate::smarts::bond_allows(b, BondOrder::Single, false, || false)
                        })
                    };
                    if (self.hydrogen_groups(&site.label).is_empty()
                        && self.hydrogen_title(&site.label).is_none())
                        || !single()
                    {
                        Fail::keep_nearer(
                            first_fail,
                            Fail::new(STAGE_LABELS, format!("core found, but {} is hydrogen, which the claim does not allow", site.label)),
                        );
                        return false;
                    }
                }
                Some(a) => {
                    let n = unit.attachments[a];
                    if let Some(fail) = self.site_bond_fail(site, ctx.mapping[unit.atom], n) {
                        Fail::keep_nearer(first_fail, fail);
                        return false;
                    }
                    let c = ctx.comp_of[&n];
                    if ctx.touches[c] > 1 {
                        continue; // a ring closure: checked with its partner
                    }
                    let key = (site_key(site), n);
                    if !cache.contains_key(&key) {
                        let r = self.sat(site, n, &ctx.comps[c], ctx.depth);
                        cache.insert(key.clone(), r);
                    }
                    if let Some(Err(reason)) = cache.get(&key) {
                        Fail::keep_nearer(
                            first_fail,
                            Fail::new(STAGE_LABELS, format!("core found, but {reason}")),
                        );
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Why the bond from core atom `core` to substituent atom `n` is not
    /// the bond the template writes for `site`, if it is not.
    fn site_bond_fail(&self, site: &LabelSite, core: usize, n: usize) -> Option<Fail> {
        let written = site.bond.as_ref()?;
        let target = self.session.target();
        let bond = self.mol().bond_between(core, n)?;
        if crate::smarts::bond_satisfies(written, target, bond) {
            return None;
        }
        let b = self.mol().bond(bond);
        let order = if b.aromatic {
            "an aromatic"
        } else {
            match b.order {
                BondOrder::Zero => "a zero-order",
                BondOrder::Single => "a single",
                BondOrder::Double => "a double",
                BondOrder::Triple => "a triple",
                BondOrder::Quadruple => "a quadruple",
                BondOrder::Dative => "a dative",
            }
        };
        Some(Fail::new(
            STAGE_LABELS,
            format!(
                "core found, but {} is bonded to core atom {core} by {order} bond, not the one the formula writes",
                site.label
            ),
        ))
    }

    /// The label at the other end of ring-closing substituent `c`.
    fn ring_partner(
        &self,
        ctx: &Assign,
        chosen: &[Vec<Option<usize>>],
        c: usize,
        label: &str,
    ) -> Option<String> {
        ring_ends(ctx, chosen, c)
            .into_iter()
            .map(|(l, _, _)| l)
            .find(|l| l != label)
    }

    fn rings_ok(&self, ctx: &Assign, chosen: &[Vec<Option<usize>>]) -> Result<(), Fail> {
        for c in 0..ctx.comps.len() {
            if ctx.touches[c] < 2 {
                continue;
            }
            let ends = ring_ends(ctx, chosen, c);
            let smiles = || fragment_smiles(self.mol(), &ctx.comps[c], false);
            let [(la, ta, na), (lb, tb, nb)] = ends.as_slice() else {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!(
                        "core found, but the substituent {} is bonded to the core {} times",
                        smiles(),
                        ctx.touches[c]
                    ),
                ));
            };
            let rule = self.f.rings.iter().find(|r| {
                r.pairs
                    .iter()
                    .any(|(x, y)| (x == la && y == lb) || (x == lb && y == la))
            });
            let Some(rule) = rule else {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!("core found, but {la} and {lb} form a ring ({}), which the claim does not allow", smiles()),
                ));
            };
            let ring = self.ring_through(ctx, c, (*ta, *na), (*tb, *nb));
            let size = ring.len();
            if !rule.sizes.is_empty() && !rule.sizes.iter().any(|&s| s as usize == size) {
                return Err(Fail::new(
                    STAGE_LABELS,
                    format!("core found, but {la} and {lb} form a {size}-membered ring, a size the claim does not allow"),
                ));
            }
            if !rule.kinds.is_empty() {
                let mol = self.mol();
                let hetero = ring.iter().any(|&a| !matches!(mol.atom(a).element, 1 | 6));
                let aromatic = ring.iter().all(|&a| mol.atom(a).aromatic);
                let ok = rule.kinds.iter().any(|k| match k {
                    ClosureKind::Heterocyclic => hetero,
                    ClosureKind::Aromatic => aromatic && !hetero,
                });
                if !ok {
                    return Err(Fail::new(
                        STAGE_LABELS,
                        format!("core found, but the ring {la} and {lb} form is not of a kind the claim allows"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Atoms of the ring a substituent closes: the shortest path through it
    /// between its two attachments, plus the shortest core path between the
    /// core atoms it is bonded to.
    fn ring_through(
        &self,
        ctx: &Assign,
        c: usize,
        a: (usize, usize),
        b: (usize, usize),
    ) -> Vec<usize> {
        let inside = &ctx.comps[c];
        let through = self.shortest_path(a.1, b.1, |x| inside.binary_search(&x).is_ok());
        let core: Vec<usize> = ctx.mapping.to_vec();
        let (ta, tb) = (ctx.mapping[a.0], ctx.mapping[b.0]);
        let around = self.shortest_path(ta, tb, |x| core.contains(&x));
        let mut ring = through;
        ring.extend(around);
        ring.sort_unstable();
        ring.dedup();
        ring
    }

    fn shortest_path(&self, from: usize, to: usize, allowed: impl Fn(usize) -> bool) -> Vec<usize> {
        let mol = self.mol();
        let mut prev: HashMap<usize, usize> = HashMap::from([(from, from)]);
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(x) = queue.pop_front() {
            if x == to {
                break;
            }
            for (y, _) in mol.neighbors(x) {
                if allowed(y) && !prev.contains_key(&y) {
                    prev.insert(y, x);
                    queue.push_back(y);
                }
            }
        }
        let mut path = vec![to];
        let mut x = to;
        while x != from {
            match prev.get(&x) {
                Some(&p) => {
                    path.push(p);
                    x = p;
                }
                None => return vec![from, to],
            }
        }
        path
    }

    fn hydrogen_groups(&self, label: &str) -> Vec<String> {
        let h = &self.clf.hydrogen;
        if group_choices(self.f, label).any(|c| h.contains(&c.group)) {
            h.clone()
        } else {
            Vec::new()
        }
    }

    /// For a variable with a hydrogen alternative, that alternative's title.
    fn hydrogen_title(&self, label: &str) -> Option<String> {
        let h = &self.clf.hydrogen;
        self.f
            .variable(label)?
            .alternatives
            .iter()
            .find_map(|a| match &a.kind {
                FragmentKind::Group(c) if h.contains(&c.group) => Some(a.title.clone()),
                _ => None,
            })
    }

    /// Every group the substituent belongs to, for a report: first those
    /// that make it fit `label` (a choice of the label or a group a choice
    /// names, as `acidic` names `carboxyl`), so the reader sees why it
    /// fits, then the others; each part most specific first.
    fn report_groups(&mut self, label: &str, n: usize, atoms: &[usize]) -> Vec<String> {
        let mut groups = self.classify(n, atoms).unwrap_or_default();
        let f = self.f;
        let library = &self.clf.groups;
        groups.sort_by_cached_key(|g| !group_choices(f, label).any(|c| library.names(&c.group, g)));
        groups
    }

    /// The substituent in words for a miss: "an alkyl group ([*]CC)". In a
    /// quick run nobody reads misses, so it skips the classification.
    fn describe(&mut self, n: Option<usize>, atoms: &[usize]) -> String {
        if self.quick {
            return String::new();
        }
        let groups: Vec<String> = match n {
            Some(n) => self.classify(n, atoms).unwrap_or_default(),
            None => Vec::new(),
        };
        let smiles = fragment_smiles(self.mol(), atoms, false);
        match groups.first() {
            Some(g) => {
                let title = self
                    .clf
                    .groups
                    .get(g)
                    .map_or(g.as_str(), |d| d.title.as_str());
                format!("{} {title} ({smiles})", article(title))
            }
            None => format!("{smiles} (none of the named groups)"),
        }
    }

    /// Whether the substituent `atoms` (attached at `n`) can be `site`.
    fn sat(
        &mut self,
        site: &LabelSite,
        n: usize,
        atoms: &[usize],
        depth: usize,
    ) -> Result<Sat, String> {
        let Some((next, rest)) = site.chain.split_first() else {
            return self.sat_label(&site.label, n, atoms, depth);
        };
        let tail_site = LabelSite {
            label: next.clone(),
            chain: rest.to_vec(),
            bond: None,
        };
        // Cut each bond of the substituent, nearest the core first: the far
        // side is the chain's tail, the near side its head.
        let order = {
            let inside = |x: usize| atoms.binary_search(&x).is_ok();
            let mut seen = vec![n];
            let mut k = 0;
            while k < seen.len() {
                let x = seen[k];
                for (y, _) in self.mol().neighbors(x) {
                    if inside(y) && !seen.contains(&y) {
                        seen.push(y);
                    }
                }
                k += 1;
            }
            seen
        };
        let mut last = format!(
            "{} cannot be split into {} and {}",
            self.describe(None, atoms),
            site.label,
            next
        );
        for &u in &order {
            for (v, _) in self.mol().neighbors(u) {
                if atoms.binary_search(&v).is_err()
                    || order.iter().position(|&x| x == v) < order.iter().position(|&x| x == u)
                {
                    continue;
                }
                // Most cuts leave a tail that cannot even start as `next`
                // (an acidic group, say): skipped before any classifying.
                if self.quick && !self.starts(next)[v] {
                    continue;
                }
                let far = self.side(v, u, atoms);
                if far.binary_search(&n).is_ok() {
                    continue;
                }
                let near: Vec<usize> = atoms
                    .iter()
                    .copied()
                    .filter(|a| far.binary_search(a).is_err())
                    .collect();
                let head = match self.sat_label(&site.label, n, &near, depth) {
                    Ok(h) => h,
                    Err(e) => {
                        last = e;
                        continue;
                    }
                };
                match self.sat(&tail_site, v, &far, depth) {
                    Ok(tail) => {
                        let mut sat = head;
                        sat.variables.extend(tail.variables.iter().cloned());
                        let smiles = fragment_smiles(self.mol(), &tail.atoms, false);
                        let groups = self.report_groups(next, tail.attachment, &tail.atoms);
                        sat.inner.push((
                            next.clone(),
                            Assignment {
                                groups,
                                smiles,
                                atoms: tail.atoms,
                                ring_with: None,
                            },
                        ));
                        sat.inner.extend(tail.inner);
                        return Ok(sat);
                    }
                    Err(e) => last = e,
                }
            }
        }
        Err(last)
    }

    /// Atoms of `atoms` reached from `start` without crossing to `from`.
    fn side(&self, start: usize, from: usize, atoms: &[usize]) -> Vec<usize> {
        let mut out = vec![start];
        let mut stack = vec![start];
        while let Some(x) = stack.pop() {
            for (y, _) in self.mol().neighbors(x) {
                if (x == start && y == from) || atoms.binary_search(&y).is_err() || out.contains(&y)
                {
                    continue;
                }
                out.push(y);
                stack.push(y);
            }
        }
        out.sort_unstable();
        out
    }

    fn classify(&mut self, n: usize, atoms: &[usize]) -> Result<Vec<String>, String> {
        match self.session.classify(n, atoms) {
            Ok(g) => Ok(g.iter().map(|s| s.to_string()).collect()),
            Err(_) => Err(self.substituent_over_budget()),
        }
    }

    fn substituent_over_budget(&mut self) -> String {
        self.over_budget = true;
        "the substituent search ran past its budget".to_string()
    }

    /// Which of `choices` the substituent fits: it belongs to the group
    /// and, for a choice with a ring size, its first atom lies in a ring of
    /// that size inside it (with a heteroatom for a hetero group).
    fn fits(
        &mut self,
        choices: &[&Choice],
        n: usize,
        atoms: &[usize],
    ) -> Result<Vec<bool>, String> {
        let names: Vec<&str> = choices.iter().map(|c| c.group.as_str()).collect();
        let member = match self.session.belongs_to_each(n, atoms, &names) {
            Ok(member) => member,
            Err(_) => return Err(self.substituent_over_budget()),
        };
        let mol = self.mol();
        Ok(choices
            .iter()
            .zip(member)
            .map(|(choice, member)| {
                let Some(size) = choice.ring_size.filter(|_| member) else {
                    return member;
                };
                let hetero_kind = choice.group.contains("hetero");
                mol.rings().rings().iter().any(|ring| {
                    ring.len() == size as usize
                        && ring.contains(&(n as u32))
                        && ring
                            .iter()
                            .all(|&a| atoms.binary_search(&(a as usize)).is_ok())
                        && (!hetero_kind
                            || ring
                                .iter()
                                .any(|&a| !matches!(mol.atom(a as usize).element, 1 | 6)))
                })
            })
            .collect())
    }

    fn sat_label(
        &mut self,
        label: &str,
        n: usize,
        atoms: &[usize],
        depth: usize,
    ) -> Result<Sat, String> {
        let f = self.f;
        let sat = |variables| Sat {
            attachment: n,
            atoms: atoms.to_vec(),
            variables,
            inner: Vec::new(),
        };
        if let Some(choice) = f.label(label) {
            let choices: Vec<&Choice> = choice.choices.iter().collect();
            if self.fits(&choices, n, atoms)?.contains(&true) {
                return Ok(sat(Vec::new()));
            }
            return Err(format!(
                "{label} is {}, which the claim does not allow",
                self.describe(Some(n), atoms)
            ));
        }
        let Some(var) = f.variable(label) else {
            return Err(format!("{label} has no choices in the formula"));
        };
        if depth >= MAX_DEPTH {
            return Err(format!("{label} nests variables too deeply"));
        }
        let choices: Vec<&Choice> = group_choices(f, label).collect();
        let mut fit = self.fits(&choices, n, atoms)?.into_iter();
        let mut inner_why = None;
        for (i, alt) in var.alternatives.iter().enumerate() {
            match &alt.kind {
                FragmentKind::Group(_) => {
                    if fit.next() == Some(true) {
                        return Ok(sat(vec![(label.to_string(), alt.title.clone())]));
                    }
                }
                FragmentKind::Smarts { .. } => {
                    let compiled = self.compiled;
                    let Some(pattern) = compiled.fragments.get(&(label.to_string(), i)) else {
                        continue;
                    };
                    let options = MatchOptions {
                        unique: false,
                        max_matches: Some(MAX_MAPPINGS),
                        budget: DEFAULT_BUDGET,
                    };
                    let Ok(mappings) =
                        pattern
                            .query
                            .matches_at(self.session.target(), 0, n, options)
                    else {
                        self.over_budget = true;
                        continue;
                    };
                    let mut region = vec![false; self.mol().atom_count()];
                    for &a in atoms {
                        region[a] = true;
                    }
                    for m in mappings {
                        let m: Vec<usize> = m.iter().map(|&a| a as usize).collect();
                        if !m.iter().all(|&a| region[a]) {
                            continue;
                        }
                        let mut sub = State::default();
                        match self.resolve(pattern, &m, &region, None, &mut sub, depth + 1) {
                            Ok(()) => {
                                // Counts inside a fragment take their first terms.
                                for options in std::mem::take(&mut sub.pending) {
                                    let (var, l, sat) = options[0].clone();
                                    *sub.counts.entry(var).or_insert(0) += 1;
                                    self.write_sat(&mut sub, &l, sat);
                                }
                                let mut variables = vec![(label.to_string(), alt.title.clone())];
                                variables.extend(sub.variables);
                                return Ok(Sat {
                                    inner: sub.assignments.into_iter().collect(),
                                    ..sat(variables)
                                });
                            }
                            Err(fail) => {
                                inner_why = Some(fail.reason.replacen("core found, but ", "", 1))
                            }
                        }
                    }
                }
            }
        }
        let what = self.describe(Some(n), atoms);
        Err(match inner_why {
            Some(why) => {
                format!("{label} is {what}, which none of its alternatives covers ({why})")
            }
            None => format!("{label} is {what}, which none of its alternatives covers"),
        })
    }

    fn center(
        &mut self,
        center: &super::compile::CenterSite,
        mapping: &[usize],
        region: &[bool],
        state: &mut State,
        claims: &mut Vec<u32>,
    ) -> Result<(), Fail> {
        let mol = self.mol();
        let Some(q) = center.atom else {
            if let Some(&t) = center
                .neighbours
                .iter()
                .map(|&q| &mapping[q])
                .find(|&&t| mol.atom(t).charge != 0)
            {
                return Err(Fail::new(
                    STAGE_ATOMS,
                    format!(
                        "core found without a central atom, but atom {t} next to {} is charged",
                        center.label
                    ),
                ));
            }
            state
                .variables
                .insert(center.label.clone(), "hydrogen".to_string());
            state.assignments.insert(
                center.label.clone(),
                hydrogen_assignment(vec!["hydrogen".to_string()]),
            );
            return Ok(());
        };
        let t = mapping[q];
        let z = mol.atom(t).element;
        let mut ligands = Vec::new();
        let mut forms = Vec::new();
        for (n, _) in mol.neighbors(t) {
            if mapping.contains(&n) || !region[n] {
                continue;
            }
            let side = self.side(
                n,
                t,
                &(0..mol.atom_count())
                    .filter(|&a| region[a] && !mapping.contains(&a))
                    .collect::<Vec<_>>(),
            );
            let a = mol.atom(n);
            let form = match (a.element, side.len()) {
                (8, 1) if a.total_h() == 0 => CenterForm::MetalOxide,
                (8, 1) => CenterForm::MetalHydroxide,
                (9 | 17 | 35 | 53, 1) => CenterForm::MetalHalide,
                (8, _) if side.iter().all(|&x| x == n || element::is_metal(mol.atom(x).element)) => CenterForm::MetalOxide,
                _ => {
                    return Err(Fail::new(
                        STAGE_LABELS,
                        format!(
                            "core found, but the central {} carries {}, which is no oxide, hydroxide or halide",
                            element::symbol(z),
                            fragment_smiles(mol, &side, false)
                        ),
                    ))
                }
            };
            forms.push(form);
            ligands.extend(side);
        }
        let allowed = self
            .f
            .centers
            .iter()
            .find(|c| c.label == center.label)
            .map(|c| c.forms.clone())
            .unwrap_or_default();
        let form = forms.first().copied().unwrap_or(CenterForm::Metal);
        if forms.iter().any(|f| *f != form) || !allowed.contains(&form) {
            return Err(Fail::new(
                STAGE_LABELS,
                format!(
                    "core found, but the central {} is a {}, which the claim does not allow",
                    element::symbol(z),
                    form_name(form)
                ),
            ));
        }
        self.metal_rules(&center.label, z, Some(claims))?;
        let mut atoms = vec![t];
        atoms.extend(ligands);
        atoms.sort_unstable();
        let smiles = fragment_smiles(mol, &atoms, false);
        state
            .variables
            .insert(center.label.clone(), element::symbol(z).to_string());
        state.assignments.insert(
            center.label.clone(),
            Assignment {
                groups: vec![form_name(form).to_string()],
                smiles,
                atoms,
                ring_with: None,
            },
        );
        Ok(())
    }

    /// Checks `label`'s own metal rules on element `z`; claims narrowed by
    /// a rule `z` fails are taken out of `claims`.
    fn metal_rules(&self, label: &str, z: u8, claims: Option<&mut Vec<u32>>) -> Result<(), Fail> {
        for rule in self
            .f
            .metals
            .iter()
            .filter(|r| r.label == label && r.claim.is_none())
        {
            if !metals::admits(rule, z) {
                return Err(Fail::new(
                    STAGE_RULES,
                    format!(
                        "core found, but {label} is {}, which is not a metal of {}",
                        element::symbol(z),
                        metals::describe(rule)
                    ),
                ));
            }
        }
        if let Some(claims) = claims {
            for rule in self.f.metals.iter().filter(|r| r.label == label) {
                if let Some(c) = rule.claim {
                    if !metals::admits(rule, z) {
                        claims.retain(|&x| x != c);
                    }
                }
            }
        }
        Ok(())
    }

    fn complex(
        &mut self,
        label: &str,
        state: &mut State,
        claims: &mut Vec<u32>,
    ) -> Result<(), Fail> {
        let mol = self.mol();
        let metal_atoms: Vec<usize> = (0..mol.atom_count())
            .filter(|&a| element::is_metal(mol.atom(a).element))
            .collect();
        let mut why = None;
        for &t in &metal_atoms {
            let z = mol.atom(t).element;
            match self.metal_rules(label, z, None) {
                Ok(()) => {
                    self.metal_rules(label, z, Some(claims))?;
                    let atoms = vec![t];
                    state
                        .variables
                        .insert(label.to_string(), element::symbol(z).to_string());
                    state.assignments.insert(
                        label.to_string(),
                        Assignment {
                            groups: vec!["metal".to_string()],
                            smiles: fragment_smiles(mol, &atoms, false),
                            atoms,
                            ring_with: None,
                        },
                    );
                    return Ok(());
                }
                Err(f) => why = Some(f),
            }
        }
        Err(why.unwrap_or_else(|| {
            Fail::new(
                STAGE_RULES,
                format!("core found, but the record holds no metal {label} for the complex"),
            )
        }))
    }
}

fn form_name(form: CenterForm) -> &'static str {
    match form {
        CenterForm::Hydrogen => "hydrogen",
        CenterForm::Metal => "metal",
        CenterForm::MetalOxide => "metal oxide",
        CenterForm::MetalHydroxide => "metal hydroxide",
        CenterForm::MetalHalide => "metal halide",
    }
}

struct Assign<'u, 'p> {
    units: &'u [Unit<'p>],
    comp_of: &'u HashMap<usize, usize>,
    comps: &'u [Vec<usize>],
    touches: &'u [usize],
    mapping: &'u [usize],
    depth: usize,
}

/// (label, pattern atom, attachment) for each end of ring-closing substituent `c`.
fn ring_ends(ctx: &Assign, chosen: &[Vec<Option<usize>>], c: usize) -> Vec<(String, usize, usize)> {
    let mut ends = Vec::new();
    for (unit, picks) in ctx.units.iter().zip(chosen) {
        for (l, pick) in picks.iter().enumerate() {
            if let Some(a) = pick {
                let n = unit.attachments[*a];
                if ctx.comp_of[&n] == c {
                    ends.push((unit.labels[l].label.clone(), unit.atom, n));
                }
            }
        }
    }
    ends
}

/// Whether `target` has the atoms of every element `core` certainly needs.
fn needs_met(core: &CoreForm, target: &Target) -> bool {
    core.pattern
        .needs
        .iter()
        .all(|&(z, n)| target.atoms_of(element_bit(z)) >= n)
}

/// How far a match's chain-end groups sit from the core: the atoms of its
/// shortest linker, then of all its linkers (counted positions, `L#2`,
/// included). Smaller is nearer.
fn linker_atoms(m: &FormulaMatch, linkers: &std::collections::HashSet<String>) -> (usize, usize) {
    let lengths = m
        .assignments
        .iter()
        .filter(|(key, _)| linkers.contains(key.split('#').next().unwrap_or(key)))
        .map(|(_, a)| a.atoms.len());
    (lengths.clone().min().unwrap_or(0), lengths.sum())
}

fn site_key(site: &LabelSite) -> String {
    let mut k = site.label.clone();
    for c in &site.chain {
        k.push('>');
        k.push_str(c);
    }
    k
}

/// The next permutation in lexicographic order; false after the last.
fn next_permutation(v: &mut [usize]) -> bool {
    if v.len() < 2 {
        return false;
    }
    let mut i = v.len() - 1;
    while i > 0 && v[i - 1] >= v[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = v.len() - 1;
    while v[j] <= v[i - 1] {
        j -= 1;
    }
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}
