//! What a formula needs of a molecule before any core search: labels that
//! every match fills with a substituent, and count variables only
//! substituents can raise. Checked against the atoms each label's
//! substituent could start at (one pattern search per group per molecule),
//! this rejects most molecules in microseconds: an acid-complex formula
//! needs an acidic group somewhere, a phthalocyanine of formula C-I two
//! sulfinyl or sulfonyl groups. Every need is necessary, never sufficient,
//! so the screen cannot change a decision.

use indexmap::IndexMap;

use super::compile::CoreForm;
use crate::groups::GroupLibrary;
use crate::markush::ast::{Choice, Cond, Formula, FragmentKind};

#[derive(Clone, Debug, Default)]
pub(super) struct Needs {
    /// Labels a substituent fills in every match, so each must be able to
    /// start at some atom.
    pub labels: Vec<String>,
    /// Count variables that only substituents raise (no term can be
    /// hydrogen), with the labels of each of their terms: the variable is 0
    /// when every term has a label that starts nowhere.
    pub counted: Vec<(String, Vec<Vec<String>>)>,
    /// What checking each label above costs ([`cost`]).
    pub costs: IndexMap<String, usize>,
}

/// Labels that cost at most this many pattern searches are checked before
/// the core search; the others only once a core is found.
pub(super) const CHEAP: usize = 16;

/// The group choices of `label` in `f`: its `label` line, or the group
/// alternatives of its `variable` line.
pub(super) fn group_choices<'f>(f: &'f Formula, label: &str) -> impl Iterator<Item = &'f Choice> {
    let from_label = f.label(label).map(|l| l.choices.iter());
    let from_variable = f
        .variable(label)
        .filter(|_| f.label(label).is_none())
        .map(|v| {
            v.alternatives.iter().filter_map(|a| match &a.kind {
                FragmentKind::Group(c) => Some(c),
                FragmentKind::Smarts { .. } => None,
            })
        });
    from_label
        .into_iter()
        .flatten()
        .chain(from_variable.into_iter().flatten())
}

/// The site of `label` on `core` atom `i` with its chain (`{L}{Y}`).
fn chain_at(core: &CoreForm, i: usize, label: &str) -> Vec<String> {
    let mut out = vec![label.to_string()];
    if let Some(site) = core.pattern.labels[i].iter().find(|l| l.label == label) {
        out.extend(site.chain.iter().cloned());
    }
    out
}

fn intersect(acc: &mut Option<Vec<String>>, set: Vec<String>) {
    match acc {
        None => *acc = Some(set),
        Some(a) => a.retain(|x| set.contains(x)),
    }
}

/// What finding where `label` could start costs: the patterns it stands
/// for. The screen looks at cheap labels first and stops at the first
/// that starts nowhere.
fn cost(f: &Formula, groups: &GroupLibrary, label: &str) -> usize {
    let fragments = f.variable(label).map_or(0, |v| {
        v.alternatives
            .iter()
            .filter(|a| matches!(a.kind, FragmentKind::Smarts { .. }))
            .count()
    });
    group_choices(f, label)
        .map(|c| groups.pattern_count(&c.group))
        .sum::<usize>()
        + fragments
}

pub(super) fn needs(
    f: &Formula,
    cores: &[CoreForm],
    groups: &GroupLibrary,
    hydrogen: &[String],
) -> Needs {
    let may_be_h = |label: &str| group_choices(f, label).any(|c| hydrogen.contains(&c.group));
    // A ring closure fills a label without the label's groups.
    let in_ring = |label: &str| {
        f.rings
            .iter()
            .flat_map(|r| &r.pairs)
            .any(|(x, y)| x == label || y == label)
    };
    let site_of = |core: &CoreForm, i: usize, site: &str| {
        core.pattern.labels[i].iter().any(|l| l.label == site)
            || core.pattern.roots[i].as_deref() == Some(site)
    };
    let counted_atom =
        |core: &CoreForm, i: usize| f.counts.iter().any(|c| site_of(core, i, &c.site));
    let mut labels: Option<Vec<String>> = None;
    for core in cores {
        let center = core.center.as_ref().and_then(|c| c.atom);
        let mut here = Vec::new();
        for (i, sites) in core.pattern.labels.iter().enumerate() {
            if Some(i) == center || counted_atom(core, i) {
                continue;
            }
            for site in sites {
                let chain: Vec<&String> = std::iter::once(&site.label).chain(&site.chain).collect();
                if !may_be_h(&site.label) && !chain.iter().any(|l| in_ring(l)) {
                    here.extend(chain.into_iter().cloned());
                }
            }
        }
        intersect(&mut labels, here);
    }
    let mut counted: IndexMap<String, Option<Vec<Vec<String>>>> = IndexMap::new();
    for count in &f.counts {
        for term in &count.terms {
            let mut chain: Option<Vec<String>> = None;
            for core in cores {
                for i in 0..core.pattern.labels.len() {
                    if site_of(core, i, &count.site) {
                        intersect(&mut chain, chain_at(core, i, &term.label));
                    }
                }
            }
            let chain = chain.unwrap_or_else(|| vec![term.label.clone()]);
            let entry = counted
                .entry(term.variable.clone())
                .or_insert_with(|| Some(Vec::new()));
            match entry {
                Some(terms) if !may_be_h(&term.label) => terms.push(chain),
                _ => *entry = None,
            }
        }
    }
    let by_cost = |labels: &mut Vec<String>| {
        labels.sort_by_cached_key(|l| cost(f, groups, l));
        labels.dedup();
    };
    let mut labels = labels.unwrap_or_default();
    by_cost(&mut labels);
    let mut counted: Vec<(String, Vec<Vec<String>>)> = counted
        .into_iter()
        .filter_map(|(v, terms)| terms.map(|t| (v, t)))
        .collect();
    for chain in counted.iter_mut().flat_map(|(_, terms)| terms.iter_mut()) {
        by_cost(chain);
    }
    let costs = labels
        .iter()
        .chain(counted.iter().flat_map(|(_, terms)| terms.iter().flatten()))
        .map(|l| (l.clone(), cost(f, groups, l)))
        .collect();
    Needs {
        labels,
        counted,
        costs,
    }
}

/// The value of `cond` when the count variables in `zero` are 0 and
/// nothing else is known; `None` when it depends on something else.
pub(super) fn decided(cond: &Cond, zero: &[&str]) -> Option<bool> {
    match cond {
        Cond::Compare { lhs, op, rhs } => {
            let known = |l: &crate::markush::ast::Linear| {
                l.terms.iter().all(|(_, v)| zero.contains(&v.as_str()))
            };
            (known(lhs) && known(rhs)).then(|| op.holds(lhs.eval(|_| 0), rhs.eval(|_| 0)))
        }
        Cond::Is { .. } => None,
        Cond::Not(c) => decided(c, zero).map(|b| !b),
        Cond::And(cs) => {
            let each: Vec<Option<bool>> = cs.iter().map(|c| decided(c, zero)).collect();
            if each.contains(&Some(false)) {
                Some(false)
            } else {
                each.iter().all(|b| *b == Some(true)).then_some(true)
            }
        }
        Cond::Or(cs) => {
            let each: Vec<Option<bool>> = cs.iter().map(|c| decided(c, zero)).collect();
            if each.contains(&Some(true)) {
                Some(true)
            } else {
                each.iter().all(|b| *b == Some(false)).then_some(false)
            }
        }
        Cond::Implies(a, b) => match (decided(a, zero), decided(b, zero)) {
            (Some(false), _) | (_, Some(true)) => Some(true),
            (Some(true), Some(false)) => Some(false),
            _ => None,
        },
    }
}
