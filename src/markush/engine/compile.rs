//! Turning a formula's core and fragments into concrete queries.
//!
//! A template core is SMARTS with `*` atoms for labels. The engine needs
//! queries without those `*`s: a label is not an atom to find but a place
//! where a substituent starts. So every core is rebuilt as a graph: the
//! `*` of a variable atom (`{B1}` between two ring atoms) is replaced by one
//! of its fragments, a central atom (`{M}`) by a metal query or by nothing
//! (the metal-free form), and every remaining label `*` is removed and
//! remembered on the query atom it was bonded to.

use std::collections::HashSet;

use crate::markush::ast::{CenterForm, Formula, FragmentKind, Site, Variable};
use crate::mol::element;
use crate::smarts::{AtomPrimitive, BondPrimitive, Expr, Literal, QueryAtom, QueryBond, Smarts};

/// Concrete cores per formula stop here; a template with more variable
/// combinations than this keeps the first ones.
pub(super) const MAX_CORES: usize = 512;

/// A label on a query atom. `chain` lists labels that continue it
/// (`{L}{Y}`: the substituent is an L followed by a Y).
#[derive(Clone, Debug)]
pub(super) struct LabelSite {
    pub label: String,
    pub chain: Vec<String>,
    /// The bond to the core as the template writes it (`{Cp}=N`); `None`
    /// for the plain single-or-aromatic bond, which is not checked.
    pub bond: Option<Expr<BondPrimitive>>,
}

/// A query with the labels of each of its atoms.
#[derive(Clone, Debug)]
pub(super) struct Pattern {
    pub query: Smarts,
    pub labels: Vec<Vec<LabelSite>>,
    /// The variable whose fragment put this atom in (its first atom only).
    pub roots: Vec<Option<String>>,
    /// Atoms per element the query certainly needs, for the screen.
    pub needs: Vec<(u8, u32)>,
}

/// One concrete core: a pattern with a choice for every variable atom.
#[derive(Clone, Debug)]
pub(super) struct CoreForm {
    pub pattern: Pattern,
    /// (variable, alternative title) for each variable atom, in formula order.
    pub choices: Vec<(String, String)>,
    pub center: Option<CenterSite>,
    /// For a core with a variable opened into it: the core it extends,
    /// which holds a subgraph of its query, so where that one is not found
    /// this one cannot be either.
    pub within: Option<usize>,
}

#[derive(Clone, Debug)]
pub(super) struct CenterSite {
    pub label: String,
    /// Query atom of the metal; `None` in the metal-free form, where
    /// `neighbours` are the query atoms that bonded to the centre.
    pub atom: Option<usize>,
    pub neighbours: Vec<usize>,
}

#[derive(Clone, Debug)]
enum Node {
    Atom(QueryAtom),
    Site(String),
    Gone,
}

/// A graph under construction.
#[derive(Clone, Debug, Default)]
struct Draft {
    nodes: Vec<Node>,
    bonds: Vec<QueryBond>,
    recursive: Vec<Smarts>,
    roots: Vec<Option<String>>,
}

impl Draft {
    fn new(smarts: &Smarts, sites: &[Site]) -> Draft {
        let mut d = Draft::default();
        d.add(smarts, sites, None);
        d
    }

    /// Adds `smarts`; with `root`, its atom 0 replaces that node and takes
    /// its bonds. Returns the node of each atom.
    fn add(&mut self, smarts: &Smarts, sites: &[Site], root: Option<usize>) -> Vec<usize> {
        let offset = self.recursive.len() as u32;
        self.recursive
            .extend((0..smarts.recursive_count()).map(|i| smarts.recursive(i).clone()));
        let site_at = |a: usize| sites.iter().find(|s| s.atom == a).map(|s| s.label.clone());
        let mut index = Vec::with_capacity(smarts.atom_count());
        for a in 0..smarts.atom_count() {
            let node = match site_at(a) {
                Some(label) => Node::Site(label),
                None => Node::Atom(shift_recursive(smarts.atom(a).clone(), offset)),
            };
            match (a, root) {
                (0, Some(r)) => {
                    self.nodes[r] = node;
                    index.push(r);
                }
                _ => {
                    self.nodes.push(node);
                    self.roots.push(None);
                    index.push(self.nodes.len() - 1);
                }
            }
        }
        for e in 0..smarts.bond_count() {
            let b = smarts.bond(e);
            self.bonds.push(QueryBond {
                atoms: b.atoms.map(|a| index[a as usize] as u32),
                expr: b.expr.clone(),
            });
        }
        index
    }

    fn neighbours(&self, node: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (e, b) in self.bonds.iter().enumerate() {
            let [x, y] = b.atoms.map(|a| a as usize);
            if x == node {
                out.push((y, e));
            } else if y == node {
                out.push((x, e));
            }
        }
        out
    }

    /// Removes the label `*`s and builds the query.
    fn finish(self) -> Result<(Pattern, Vec<usize>), String> {
        let mut new_index = vec![usize::MAX; self.nodes.len()];
        let mut atoms = Vec::new();
        let mut roots = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if let Node::Atom(a) = node {
                new_index[i] = atoms.len();
                atoms.push(a.clone());
                roots.push(self.roots[i].clone());
            }
        }
        let mut labels = vec![Vec::new(); atoms.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            let Node::Site(label) = node else { continue };
            let near = self.neighbours(i);
            let concrete: Vec<(usize, usize)> = near
                .iter()
                .copied()
                .filter(|&(n, _)| new_index[n] != usize::MAX)
                .collect();
            match concrete.as_slice() {
                [] => {} // a chain member, reached from its head below
                [(c, e)] => {
                    let mut chain = Vec::new();
                    let mut seen = HashSet::from([i]);
                    let mut at = i;
                    while let Some(next) = self
                        .neighbours(at)
                        .into_iter()
                        .map(|(n, _)| n)
                        .find(|&n| matches!(self.nodes[n], Node::Site(_)) && !seen.contains(&n))
                    {
                        if let Node::Site(l) = &self.nodes[next] {
                            chain.push(l.clone());
                        }
                        seen.insert(next);
                        at = next;
                    }
                    let bond = &self.bonds[*e].expr;
                    labels[new_index[*c]].push(LabelSite {
                        label: label.clone(),
                        chain,
                        bond: (bond.as_single() != Some(&BondPrimitive::SingleOrAromatic))
                            .then(|| bond.clone()),
                    });
                }
                _ => {
                    return Err(format!(
                        "label {label} is bonded to more than one core atom"
                    ))
                }
            }
        }
        let bonds = self
            .bonds
            .iter()
            .filter(|b| b.atoms.iter().all(|&a| new_index[a as usize] != usize::MAX))
            .map(|b| QueryBond {
                atoms: b.atoms.map(|a| new_index[a as usize] as u32),
                expr: b.expr.clone(),
            })
            .collect();
        let needs = element_needs(&atoms);
        let mut recursive = self.recursive;
        // A label written with its own bond (`{Cp}=N`) needs that bond at
        // its core atom: a condition the search can test, where most
        // molecules fail it, instead of the label check after the search.
        for (a, sites) in labels.iter().enumerate() {
            for bond in sites.iter().filter_map(|s| s.bond.as_ref()) {
                let any = || QueryAtom {
                    expr: Expr::single(AtomPrimitive::Any),
                    map: 0,
                    chirality: Default::default(),
                };
                let edge = QueryBond {
                    atoms: [0, 1],
                    expr: bond.clone(),
                };
                if let Some(sub) = Smarts::from_parts(vec![any(), any()], vec![edge], Vec::new()) {
                    atoms[a].expr.and(Literal {
                        negated: false,
                        primitive: AtomPrimitive::Recursive(recursive.len() as u32),
                    });
                    recursive.push(sub);
                }
            }
        }
        let query = Smarts::from_parts(atoms, bonds, recursive)
            .ok_or_else(|| "the core could not be assembled".to_string())?;
        Ok((
            Pattern {
                query,
                labels,
                roots,
                needs,
            },
            new_index,
        ))
    }
}

fn shift_recursive(mut atom: QueryAtom, offset: u32) -> QueryAtom {
    for lit in atom.expr.low.iter_mut().flatten().flatten() {
        if let AtomPrimitive::Recursive(i) = &mut lit.primitive {
            *i += offset;
        }
    }
    atom
}

fn element_needs(atoms: &[QueryAtom]) -> Vec<(u8, u32)> {
    let mut counts = [0u32; 256];
    for a in atoms {
        match a.expr.as_single() {
            Some(AtomPrimitive::Element { number, .. })
            | Some(AtomPrimitive::AtomicNumber(number))
                if *number > 1 =>
            {
                counts[*number as usize] += 1
            }
            _ => {}
        }
    }
    (0..=255u8)
        .filter(|&z| counts[z as usize] > 0)
        .map(|z| (z, counts[z as usize]))
        .collect()
}

fn fragment_options(var: &Variable) -> Result<Vec<AxisOption>, String> {
    let mut options = Vec::new();
    for alt in &var.alternatives {
        if let FragmentKind::Smarts { smarts, sites } = &alt.kind {
            let parsed = Smarts::parse(smarts).map_err(|e| format!("bad SMARTS {smarts}: {e}"))?;
            options.push(AxisOption::Fragment(
                alt.title.clone(),
                Box::new(parsed),
                sites.clone(),
            ));
        }
    }
    Ok(options)
}

/// Whether a label inside one of `var`'s fragments has a ring rule with a
/// label outside that fragment.
fn rings_leave(formula: &Formula, var: &Variable) -> bool {
    var.alternatives.iter().any(|alt| {
        let FragmentKind::Smarts { sites, .. } = &alt.kind else {
            return false;
        };
        let inside = |l: &str| sites.iter().any(|s| s.label == l);
        formula
            .rings
            .iter()
            .flat_map(|r| &r.pairs)
            .any(|(x, y)| inside(x) != inside(y))
    })
}

/// A query atom that is any metal.
fn metal_atom() -> QueryAtom {
    let any_metal: Vec<Vec<Literal<AtomPrimitive>>> = (3..=118u8)
        .filter(|&z| element::is_metal(z))
        .map(|z| {
            vec![Literal {
                negated: false,
                primitive: AtomPrimitive::AtomicNumber(z),
            }]
        })
        .collect();
    QueryAtom {
        expr: Expr {
            low: vec![any_metal],
        },
        map: 0,
        chirality: Default::default(),
    }
}

/// Compiles a fragment (a variable's alternative) as a pattern of its own,
/// atom 0 first.
pub(super) fn fragment(smarts: &str, sites: &[Site]) -> Result<Pattern, String> {
    let parsed = Smarts::parse(smarts).map_err(|e| format!("bad SMARTS {smarts}: {e}"))?;
    Ok(Draft::new(&parsed, sites).finish()?.0)
}

/// Every concrete core of `formula`.
pub(super) fn cores(formula: &Formula) -> Result<Vec<CoreForm>, String> {
    let core = Smarts::parse(&formula.core.smarts)
        .map_err(|e| format!("bad core SMARTS {}: {e}", formula.core.smarts))?;
    let base = Draft::new(&core, &formula.core.sites);
    // Labels whose `*` is a core atom rather than a substituent: variables
    // bonded to two or more core atoms, and central atoms.
    let mut axes: Vec<(usize, Axis)> = Vec::new();
    let mut opened: Vec<(usize, Axis)> = Vec::new();
    for site in &formula.core.sites {
        let degree = core.neighbors(site.atom).len();
        if let Some(center) = formula.centers.iter().find(|c| c.label == site.label) {
            let mut options = Vec::new();
            if center.forms.contains(&CenterForm::Hydrogen) {
                options.push(AxisOption::NoCenter);
            }
            if center.forms.iter().any(|f| *f != CenterForm::Hydrogen) {
                options.push(AxisOption::Metal);
            }
            axes.push((site.atom, Axis::Center(site.label.clone(), options)));
        } else if let (Some(var), true) = (formula.variable(&site.label), degree >= 2) {
            let options = fragment_options(var)?;
            axes.push((site.atom, Axis::Variable(var.name.clone(), options)));
        } else if let Some(var) = formula
            .variable(&site.label)
            .filter(|v| rings_leave(formula, v))
        {
            // A substituent variable (`A = N({R5}){R6}`) whose inner labels
            // close rings with labels outside it (R6 with R3 in a
            // julolidine): only with its fragment in the core do those
            // rings join the labels the ring rules name. Kept as a label
            // too, first, so substituents that close no ring report as
            // before.
            let mut options = vec![AxisOption::Label];
            options.extend(fragment_options(var)?);
            opened.push((site.atom, Axis::Variable(var.name.clone(), options)));
        }
    }
    // Opened variables vary slowest, so every core with them as labels
    // comes before any with them opened.
    let first_opened = axes.len();
    axes.append(&mut opened);
    // Cores come in mixed-radix order of the picks, first axis fastest.
    let index_of = |pick: &[usize]| {
        let mut index = 0;
        let mut scale = 1;
        for (p, (_, axis)) in pick.iter().zip(&axes) {
            index += p * scale;
            scale *= axis.options().len().max(1);
        }
        index
    };
    let mut out = Vec::new();
    let mut pick = vec![0usize; axes.len()];
    loop {
        let mut core = build(&base, &axes, &pick)?;
        if pick[first_opened..].iter().any(|&p| p != 0) {
            let mut as_labels = pick.clone();
            as_labels[first_opened..].fill(0);
            core.within = Some(index_of(&as_labels));
        }
        out.push(core);
        if out.len() >= MAX_CORES || !advance(&mut pick, &axes) {
            break;
        }
    }
    Ok(out)
}

enum Axis {
    Variable(String, Vec<AxisOption>),
    Center(String, Vec<AxisOption>),
}

enum AxisOption {
    Fragment(String, Box<Smarts>, Vec<Site>),
    /// The variable stays a label.
    Label,
    NoCenter,
    Metal,
}

impl Axis {
    fn options(&self) -> &[AxisOption] {
        match self {
            Axis::Variable(_, o) | Axis::Center(_, o) => o,
        }
    }
}

fn advance(pick: &mut [usize], axes: &[(usize, Axis)]) -> bool {
    for (p, (_, axis)) in pick.iter_mut().zip(axes) {
        if *p + 1 < axis.options().len() {
            *p += 1;
            return true;
        }
        *p = 0;
    }
    false
}

fn build(base: &Draft, axes: &[(usize, Axis)], pick: &[usize]) -> Result<CoreForm, String> {
    let mut draft = base.clone();
    let mut choices = Vec::new();
    let mut center: Option<(String, usize, bool)> = None;
    for ((node, axis), &p) in axes.iter().zip(pick) {
        let Some(option) = axis.options().get(p) else {
            continue; // a variable without SMARTS alternatives stays a label
        };
        match (axis, option) {
            (Axis::Variable(name, _), AxisOption::Fragment(title, smarts, sites)) => {
                draft.add(smarts, sites, Some(*node));
                draft.roots[*node] = Some(name.clone());
                choices.push((name.clone(), title.clone()));
            }
            (Axis::Center(label, _), AxisOption::Metal) => {
                draft.nodes[*node] = Node::Atom(metal_atom());
                for (_, e) in draft.neighbours(*node) {
                    draft.bonds[e].expr = Expr::single(BondPrimitive::Any);
                }
                center = Some((label.clone(), *node, true));
            }
            (Axis::Center(label, _), AxisOption::NoCenter) => {
                draft.nodes[*node] = Node::Gone;
                center = Some((label.clone(), *node, false));
            }
            _ => {}
        }
    }
    let neighbours_of_center: Vec<usize> = center
        .as_ref()
        .map(|(_, node, _)| {
            draft
                .neighbours(*node)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        })
        .unwrap_or_default();
    let (pattern, index) = draft.finish()?;
    let center = center.map(|(label, node, metal)| CenterSite {
        label,
        atom: metal.then(|| index[node]),
        neighbours: neighbours_of_center
            .iter()
            .map(|&n| index[n])
            .filter(|&n| n != usize::MAX)
            .collect(),
    });
    Ok(CoreForm {
        pattern,
        choices,
        center,
        within: None,
    })
}
