//! Statements of the template language, read with nom into the AST, and the
//! checks that need only one file.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use nom::bytes::complete::tag;
use nom::character::complete::char;
use nom::combinator::opt;

use crate::groups::def::{Alternative, GroupDef, Pattern, RingKind, RingRequirement, Slot, Span};
use crate::mol::element;

use super::ast::{
    Center, CenterForm, Choice, ClosureKind, Cmp, Cond, Condition, Core, Count, CountTerm, Formula,
    Fragment, FragmentKind, LabelChoice, Linear, MetalCriterion, MetalRule, RingRule, Site,
    Variable,
};
use super::error::{ErrorKind, Lines, TemplateError};
use super::lex::{
    cmp_op, expect, fail, formula_id, group_name, kw, label_name, opt_title, reads_as_smarts,
    smarts_word, sp, sp_cont, sp_nl, string, uint, word, PErr, R,
};
use super::template;

/// Conditions nest at most this deep (`not`, parentheses), so that no input
/// can exhaust the stack.
const MAX_NESTING: usize = 32;
/// A label range `X1..X4` names at most this many labels.
const MAX_RANGE: u32 = 64;

/// A place in a file, ready to become an error once the whole library is
/// known (an unknown group is only unknown after every file is read).
/// The line text is shared by every place on that line.
#[derive(Clone, Debug)]
pub(crate) struct Loc {
    pub file: Rc<str>,
    pub line: u32,
    pub column: u32,
    pub source_line: Rc<str>,
}

impl Loc {
    pub fn error(&self, kind: ErrorKind) -> TemplateError {
        TemplateError {
            file: self.file.to_string(),
            line: self.line,
            column: self.column,
            kind,
            source_line: self.source_line.to_string(),
        }
    }

    pub fn span(&self) -> Span {
        Span {
            file: self.file.to_string(),
            line: self.line,
            column: self.column,
        }
    }
}

/// What one file holds, before the checks across files.
#[derive(Default)]
pub(crate) struct FileParse {
    pub groups: Vec<(GroupDef, Loc)>,
    pub formulas: Vec<(Formula, Loc)>,
    /// Every group name used, with where: each must be defined somewhere.
    pub group_refs: Vec<(String, Loc)>,
    pub errors: Vec<TemplateError>,
}

/// A SMARTS with `{LABEL}` holes: the SMARTS, its sites, and each label
/// with the file offset of its `{`.
struct Labelled {
    smarts: String,
    sites: Vec<Site>,
    holes: Vec<(String, usize)>,
}

/// How a name is used in a formula line, for the checks at its end.
enum Use {
    RingLabel,
    CountSite,
    CountLabel,
    CountVariable,
    ConditionVariable,
    IsLabel,
    IsTitle(String),
    MetalLabel,
}

#[derive(Default)]
struct FormulaDraft {
    /// A line of this formula had an error: the checks at its end would
    /// only repeat it in other words, so they are skipped.
    spoiled: bool,
    id: String,
    title: String,
    at: usize,
    patent: Option<(String, usize)>,
    claims: Option<Vec<u32>>,
    core: Option<Core>,
    /// `{L}` holes of the core and of variable alternatives: label, offset.
    holes: Vec<(String, usize)>,
    /// Labels given meaning by a line: name, offset, which line.
    defined: Vec<(String, usize, &'static str)>,
    uses: Vec<(String, usize, Use)>,
    variables: Vec<Variable>,
    labels: Vec<LabelChoice>,
    centers: Vec<Center>,
    complexes: Vec<String>,
    metals: Vec<MetalRule>,
    rings: Vec<RingRule>,
    counts: Vec<Count>,
    conditions: Vec<Condition>,
}

pub(crate) struct FileParser<'t> {
    file: &'t str,
    file_name: Rc<str>,
    text: &'t str,
    lines: Lines<'t>,
    line_texts: RefCell<Vec<Option<Rc<str>>>>,
    out: FileParse,
    draft: Option<FormulaDraft>,
}

/// Reads one template file. Errors do not stop the reading: after one, the
/// reader skips to the next statement, so every error is reported.
pub(crate) fn parse_file(file: &str, text: &str) -> FileParse {
    let lines = Lines::new(text);
    let mut p = FileParser {
        file,
        file_name: Rc::from(file),
        text,
        line_texts: RefCell::new(vec![None; text.matches('\n').count() + 1]),
        lines,
        out: FileParse::default(),
        draft: None,
    };
    let mut rest = sp_nl(text);
    while !rest.is_empty() {
        rest = match p.statement(rest) {
            Ok((r, ())) => {
                let r = sp(r);
                if r.is_empty() || r.starts_with('\n') {
                    r
                } else {
                    p.push_error(r, ErrorKind::Expected("the end of the line"));
                    p.spoil_formula();
                    skip_statement(r)
                }
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                p.push_error(e.at, e.kind);
                p.spoil_formula();
                skip_statement(e.at)
            }
            Err(nom::Err::Incomplete(_)) => {
                p.push_error(rest, ErrorKind::Expected("more input"));
                p.spoil_formula();
                skip_statement(rest)
            }
        };
        rest = sp_nl(rest);
    }
    p.finish_formula();
    p.out
}

/// Skips past this line and the continuation lines after it.
fn skip_statement(i: &str) -> &str {
    let mut rest = &i[i.find('\n').unwrap_or(i.len())..];
    loop {
        let next = sp_nl(rest);
        if next.starts_with('|') || next.starts_with('=') {
            rest = &next[next.find('\n').unwrap_or(next.len())..];
        } else {
            return next;
        }
    }
}

/// `LABEL` or `X1..X4`, expanded.
fn label_item(i: &str) -> R<'_, Vec<(String, usize)>> {
    let (rest, first) = expect("a label name", label_name)(i)?;
    let (rest, dots) = opt(tag(".."))(rest)?;
    let at = i.len();
    if dots.is_none() {
        return Ok((rest, vec![(first.to_string(), at)]));
    }
    let (rest2, last) = expect("the last label of the range", label_name)(rest)?;
    let split = |s: &str| {
        let d = s.trim_end_matches(|c: char| c.is_ascii_digit());
        (d.len(), s[d.len()..].parse::<u32>().ok())
    };
    match (split(first), split(last)) {
        ((p1, Some(a)), (p2, Some(b)))
            if first[..p1] == last[..p2] && a <= b && b - a < MAX_RANGE =>
        {
            let names = (a..=b)
                .map(|n| (format!("{}{n}", &first[..p1]), at))
                .collect();
            Ok((rest2, names))
        }
        _ => fail(
            i,
            ErrorKind::Expected(
                "a label range like X1..X4 (same letters, rising numbers, at most 64)",
            ),
        ),
    }
}

/// `LABEL, X1..X4, ...`.
fn label_list(i: &str) -> R<'_, Vec<(String, usize)>> {
    let (mut rest, mut names) = label_item(sp(i))?;
    loop {
        let j = sp(rest);
        match char::<_, PErr>(',')(j) {
            Ok((k, _)) => {
                let (r, more) = label_item(sp_nl(k))?;
                names.extend(more);
                rest = r;
            }
            Err(_) => return Ok((rest, names)),
        }
    }
}

/// Parses `first (| next)*`, where continuation lines may start with `|`.
fn alternatives<'a, T>(i: &'a str, mut item: impl FnMut(&'a str) -> R<'a, T>) -> R<'a, Vec<T>> {
    let (mut rest, first) = item(sp_nl(i))?;
    let mut items = vec![first];
    loop {
        let j = sp_cont(rest);
        match char::<_, PErr>('|')(j) {
            Ok((k, _)) => {
                let (r, next) = item(sp_nl(k))?;
                items.push(next);
                rest = r;
            }
            Err(_) => return Ok((rest, items)),
        }
    }
}

/// `=` after blanks, possibly at the start of the next line.
fn equals(i: &str) -> R<'_, ()> {
    let (rest, _) = expect("'='", char('='))(sp_cont(i))?;
    Ok((rest, ()))
}

/// `size N`.
fn opt_size(i: &str) -> R<'_, Option<u8>> {
    let j = sp(i);
    match kw("size")(j) {
        Ok((k, _)) => {
            let (rest, n) = expect("a ring size", uint::<u8>)(sp(k))?;
            Ok((rest, Some(n)))
        }
        Err(_) => Ok((i, None)),
    }
}

impl<'t> FileParser<'t> {
    fn offset(&self, at: &str) -> usize {
        self.text.len() - at.len()
    }

    fn loc(&self, offset: usize) -> Loc {
        let (line, column) = self.lines.position(offset);
        let source_line = self.line_texts.borrow_mut()[line]
            .get_or_insert_with(|| Rc::from(self.lines.text_of(line)))
            .clone();
        Loc {
            file: self.file_name.clone(),
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column,
            source_line,
        }
    }

    fn push_error(&mut self, at: &str, kind: ErrorKind) {
        let o = self.offset(at);
        self.push_error_at(o, kind);
    }

    fn push_error_at(&mut self, offset: usize, kind: ErrorKind) {
        let error = self.lines.error(self.file, offset, kind);
        self.out.errors.push(error);
    }

    fn draft(
        &mut self,
        at: &'t str,
        keyword: &'static str,
    ) -> Result<&mut FormulaDraft, nom::Err<PErr<'t>>> {
        self.draft.as_mut().ok_or(nom::Err::Failure(PErr {
            at,
            kind: ErrorKind::OutsideFormula(keyword),
        }))
    }

    fn statement(&mut self, i: &'t str) -> R<'t, ()> {
        let (rest, keyword) = expect("a keyword (group, formula, core, label, ...)", word)(i)?;
        match keyword {
            "group" => self.group(rest),
            "formula" => self.formula(rest),
            "patent" => self.patent(i, rest),
            "claims" => self.claims(i, rest),
            "core" => self.core(i, rest),
            "variable" => self.variable(i, rest),
            "label" => self.label(i, rest),
            "center" => self.center(i, rest),
            "complex" => self.complex(i, rest),
            "metal" => self.metal(i, rest),
            "ring" => self.ring(i, rest),
            "count" => self.count(i, rest),
            "require" => self.condition(i, "require", rest),
            "forbid" => self.condition(i, "forbid", rest),
            "when" => self.condition(i, "when", rest),
            other => fail(i, ErrorKind::UnknownKeyword(other.to_string())),
        }
    }

    // group NAME ["TITLE"] = ALT | ALT ...
    fn group(&mut self, i: &'t str) -> R<'t, ()> {
        self.finish_formula();
        let name_at = sp(i);
        let (rest, name) = expect("a group name (lower case)", group_name)(name_at)?;
        if reads_as_smarts(name) {
            return fail(name_at, ErrorKind::NameReadsAsSmarts(name.to_string()));
        }
        let (rest, title) = opt_title(rest)?;
        let (rest, _) = equals(rest)?;
        let mut refs = Vec::new();
        let (rest, alternatives) = alternatives(rest, |j| self.group_alternative(j, &mut refs))?;
        let loc = self.loc(self.offset(name_at));
        self.push_group_refs(refs);
        self.out.groups.push((
            GroupDef {
                name: name.to_string(),
                title: title.unwrap_or_else(|| name.to_string()),
                alternatives,
                span: loc.span(),
            },
            loc,
        ));
        Ok((rest, ()))
    }

    fn group_alternative(&self, i: &'t str, refs: &mut Vec<(String, usize)>) -> R<'t, Alternative> {
        if let Ok((rest, name)) = group_name(i) {
            let ends = sp(rest);
            if !reads_as_smarts(name) && (ends.is_empty() || ends.starts_with(['|', '\n'])) {
                refs.push((name.to_string(), self.offset(i)));
                return Ok((rest, Alternative::Group(name.to_string())));
            }
        }
        let (rest, raw) = expect("a group name or SMARTS", smarts_word)(i)?;
        let checked =
            template::check(raw, self.offset(i)).map_err(|(o, kind)| self.failure_at(o, kind))?;
        let mut slots = Vec::new();
        for h in &checked.holes {
            let mut groups = Vec::new();
            let mut at = h.content_at;
            for part in h.content.split('|') {
                let name = part.trim();
                let lead = part.len() - part.trim_start().len();
                if group_name(name).map_or(true, |(r, _)| !r.is_empty()) {
                    return Err(self.failure_at(at + lead, ErrorKind::Expected("a group name")));
                }
                refs.push((name.to_string(), at + lead));
                groups.push(name.to_string());
                at += part.len() + 1;
            }
            slots.push(Slot {
                atom: h.atom,
                groups,
            });
        }
        let mut pattern = Pattern {
            smarts: checked.smarts,
            slots,
            exact: false,
            ring: None,
        };
        let mut rest = rest;
        loop {
            let j = sp(rest);
            if let Ok((k, _)) = kw("exact")(j) {
                pattern.exact = true;
                rest = k;
            } else if let Ok((k, _)) = kw("ring")(j) {
                let k = sp(k);
                let (k, kind) = if let Ok((k, _)) = kw("hetero")(k) {
                    (k, RingKind::Hetero)
                } else if let Ok((k, _)) = kw("aromatic-carbocycle")(k) {
                    (k, RingKind::AromaticCarbocycle)
                } else if let Ok((k, _)) = kw("aliphatic-carbocycle")(k) {
                    (k, RingKind::AliphaticCarbocycle)
                } else {
                    return fail(
                        k,
                        ErrorKind::Expected("hetero, aromatic-carbocycle or aliphatic-carbocycle"),
                    );
                };
                let (k, size) = opt_size(k)?;
                pattern.ring = Some(RingRequirement { kind, size });
                rest = k;
            } else {
                return Ok((rest, Alternative::Pattern(pattern)));
            }
        }
    }

    fn push_group_refs(&mut self, refs: Vec<(String, usize)>) {
        for (name, at) in refs {
            let loc = self.loc(at);
            self.out.group_refs.push((name, loc));
        }
    }

    /// A group name with an optional `size N`, when the word at `i` is one
    /// (and not SMARTS such as `c` or `n`); `None` otherwise.
    fn group_choice(
        &self,
        i: &'t str,
        refs: &mut Vec<(String, usize)>,
    ) -> Result<Option<(&'t str, Choice)>, nom::Err<PErr<'t>>> {
        let Ok((rest, name)) = group_name(i) else {
            return Ok(None);
        };
        let next = sp(rest);
        let ends =
            next.is_empty() || next.starts_with(['|', '\n', '"']) || kw("size")(next).is_ok();
        if reads_as_smarts(name) || !ends {
            return Ok(None);
        }
        refs.push((name.to_string(), self.offset(i)));
        let (rest, ring_size) = opt_size(rest)?;
        Ok(Some((
            rest,
            Choice {
                group: name.to_string(),
                ring_size,
            },
        )))
    }

    fn failure_at(&self, offset: usize, kind: ErrorKind) -> nom::Err<PErr<'t>> {
        nom::Err::Failure(PErr {
            at: &self.text[offset.min(self.text.len())..],
            kind,
        })
    }

    // formula ID ["TITLE"]
    fn formula(&mut self, i: &'t str) -> R<'t, ()> {
        self.finish_formula();
        // Until this line is read, the lines below belong to a spoiled formula.
        self.draft = Some(FormulaDraft {
            spoiled: true,
            ..FormulaDraft::default()
        });
        let at = sp(i);
        let (rest, id) = expect("a formula id like patent:name", formula_id)(at)?;
        let (rest, title) = opt_title(rest)?;
        self.draft = Some(FormulaDraft {
            id: id.to_string(),
            title: title.unwrap_or_default(),
            at: self.offset(at),
            ..FormulaDraft::default()
        });
        Ok((rest, ()))
    }

    fn patent(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        let at = sp(i);
        let (rest, name) = expect("a patent name", word)(at)?;
        let o = self.offset(at);
        let d = self.draft(kw_at, "patent")?;
        if d.patent.is_some() {
            return fail(kw_at, ErrorKind::DuplicateStatement("patent"));
        }
        d.patent = Some((name.to_string(), o));
        Ok((rest, ()))
    }

    // claims 2, 6, 8..10
    fn claims(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        let mut claims = Vec::new();
        let mut rest = i;
        loop {
            let (r, a) = expect("a claim number", uint::<u32>)(sp(rest))?;
            let (r, b) = match tag::<_, _, PErr>("..")(r) {
                Ok((r2, _)) => expect("the last claim number", uint::<u32>)(r2)?,
                Err(_) => (r, a),
            };
            if b < a || b - a > MAX_RANGE {
                return fail(rest, ErrorKind::NumberOutOfRange);
            }
            claims.extend(a..=b);
            rest = r;
            match char::<_, PErr>(',')(sp(rest)) {
                Ok((r, _)) => rest = sp_nl(r),
                Err(_) => break,
            }
        }
        let d = self.draft(kw_at, "claims")?;
        if d.claims.is_some() {
            return fail(kw_at, ErrorKind::DuplicateStatement("claims"));
        }
        d.claims = Some(claims);
        Ok((rest, ()))
    }

    /// A SMARTS with `{LABEL}` holes: the SMARTS, its sites, and each
    /// label with the offset of its `{`.
    fn labelled_smarts(&self, i: &'t str) -> R<'t, Labelled> {
        let (rest, raw) = expect("SMARTS", smarts_word)(i)?;
        let checked =
            template::check(raw, self.offset(i)).map_err(|(o, kind)| self.failure_at(o, kind))?;
        let mut sites = Vec::new();
        let mut holes = Vec::new();
        for h in &checked.holes {
            let name = h.content.trim();
            if label_name(name).map_or(true, |(r, _)| !r.is_empty()) {
                return Err(self.failure_at(h.content_at, ErrorKind::Expected("a label name")));
            }
            sites.push(Site {
                label: name.to_string(),
                atom: h.atom,
            });
            holes.push((name.to_string(), h.brace_at));
        }
        Ok((
            rest,
            Labelled {
                smarts: checked.smarts,
                sites,
                holes,
            },
        ))
    }

    fn core(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        let at = sp(i);
        let (
            rest,
            Labelled {
                smarts,
                sites,
                holes,
            },
        ) = self.labelled_smarts(at)?;
        let span = self.loc(self.offset(at)).span();
        let d = self.draft(kw_at, "core")?;
        if d.core.is_some() {
            return fail(kw_at, ErrorKind::DuplicateStatement("core"));
        }
        d.core = Some(Core {
            smarts,
            sites,
            span,
        });
        d.holes.extend(holes);
        Ok((rest, ()))
    }

    // variable B1 = c({R1}) "=CR1-" | n "=N-"
    fn variable(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, "variable")?;
        let (rest, names) = label_list(i)?;
        let (rest, _) = equals(rest)?;
        let mut holes = Vec::new();
        let mut refs = Vec::new();
        let (rest, alternatives) = alternatives(rest, |j| {
            let span = self.loc(self.offset(j)).span();
            if let Some((r, choice)) = self.group_choice(j, &mut refs)? {
                let (r, title) = opt_title(r)?;
                return Ok((
                    r,
                    Fragment {
                        title: title.unwrap_or_else(|| choice.group.clone()),
                        kind: FragmentKind::Group(choice),
                        span,
                    },
                ));
            }
            let (
                r,
                Labelled {
                    smarts,
                    sites,
                    holes: h,
                },
            ) = self.labelled_smarts(j)?;
            let (r, title) = opt_title(r)?;
            holes.extend(h);
            Ok((
                r,
                Fragment {
                    title: title.unwrap_or_else(|| smarts.clone()),
                    kind: FragmentKind::Smarts { smarts, sites },
                    span,
                },
            ))
        })?;
        self.push_group_refs(refs);
        let spans: Vec<Span> = names
            .iter()
            .map(|(_, at)| self.loc(self.text.len() - at).span())
            .collect();
        let text_len = self.text.len();
        let d = self.draft(kw_at, "variable")?;
        d.holes.extend(holes);
        for ((name, at), span) in names.into_iter().zip(spans) {
            d.defined.push((name.clone(), text_len - at, "variable"));
            d.variables.push(Variable {
                name,
                alternatives: alternatives.clone(),
                span,
            });
        }
        Ok((rest, ()))
    }

    // label R5, R6 = hydrogen | aliphatic | heterocyclic size 5
    fn label(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, "label")?;
        let (rest, names) = label_list(i)?;
        let (rest, _) = equals(rest)?;
        let mut refs = Vec::new();
        let (rest, choices) = alternatives(rest, |j| match self.group_choice(j, &mut refs)? {
            Some(found) => Ok(found),
            None => fail(j, ErrorKind::Expected("a group name")),
        })?;
        self.push_group_refs(refs);
        let text_len = self.text.len();
        let spans: Vec<Span> = names
            .iter()
            .map(|(_, at)| self.loc(text_len - at).span())
            .collect();
        let d = self.draft(kw_at, "label")?;
        for ((name, at), span) in names.into_iter().zip(spans) {
            d.defined.push((name.clone(), text_len - at, "label"));
            d.labels.push(LabelChoice {
                label: name,
                choices: choices.clone(),
                span,
            });
        }
        Ok((rest, ()))
    }

    // center M = hydrogen | metal | metal oxide | metal hydroxide | metal halide
    fn center(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, "center")?;
        let at = sp(i);
        let (rest, name) = expect("a label name", label_name)(at)?;
        let (rest, _) = equals(rest)?;
        let (rest, forms) = alternatives(rest, |j| {
            if let Ok((r, _)) = kw("hydrogen")(j) {
                return Ok((r, CenterForm::Hydrogen));
            }
            let (r, _) = expect("hydrogen or metal", kw("metal"))(j)?;
            let k = sp(r);
            for (w, form) in [
                ("oxide", CenterForm::MetalOxide),
                ("hydroxide", CenterForm::MetalHydroxide),
                ("halide", CenterForm::MetalHalide),
            ] {
                if let Ok((r2, _)) = kw(w)(k) {
                    return Ok((r2, form));
                }
            }
            Ok((r, CenterForm::Metal))
        })?;
        let o = self.offset(at);
        let span = self.loc(o).span();
        let d = self.draft(kw_at, "center")?;
        d.defined.push((name.to_string(), o, "center"));
        d.centers.push(Center {
            label: name.to_string(),
            forms,
            span,
        });
        Ok((rest, ()))
    }

    // complex M
    fn complex(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        let at = sp(i);
        let (rest, name) = expect("a label name", label_name)(at)?;
        let o = self.offset(at);
        let d = self.draft(kw_at, "complex")?;
        d.defined.push((name.to_string(), o, "complex"));
        d.complexes.push(name.to_string());
        Ok((rest, ()))
    }

    // metal M [claim 6] = any | valence >= 2 | Al | Ti | Zr, joined by `and`
    fn metal(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        let at = sp(i);
        let (rest, name) = expect("a label name", label_name)(at)?;
        let j = sp(rest);
        let (rest, claim) = match kw("claim")(j) {
            Ok((k, _)) => {
                let (k, n) = expect("a claim number", uint::<u32>)(sp(k))?;
                (k, Some(n))
            }
            Err(_) => (rest, None),
        };
        let (mut rest, _) = equals(rest)?;
        let mut criteria = Vec::new();
        loop {
            let j = sp_nl(rest);
            let (r, c) = if let Ok((r, _)) = kw("any")(j) {
                (r, MetalCriterion::Any)
            } else if let Ok((r, _)) = kw("valence")(j) {
                let (r, op) = expect("a comparison (>=, <=, =, ...)", cmp_op)(sp(r))?;
                let (r, value) = expect("a valence", uint::<u8>)(sp(r))?;
                (
                    r,
                    MetalCriterion::Valence {
                        op: cmp_of(op),
                        value,
                    },
                )
            } else {
                let (r, symbols) = alternatives(j, |k| {
                    let (r, sym) = expect("any, valence or an element symbol", word)(k)?;
                    match element::from_symbol(sym) {
                        None => fail(k, ErrorKind::UnknownElement(sym.to_string())),
                        Some(z) if !element::is_metal(z) => {
                            fail(k, ErrorKind::NotAMetal(sym.to_string()))
                        }
                        Some(z) => Ok((r, z)),
                    }
                })?;
                (r, MetalCriterion::Elements(symbols))
            };
            criteria.push(c);
            match kw("and")(sp(r)) {
                Ok((k, _)) => rest = k,
                Err(_) => {
                    rest = r;
                    break;
                }
            }
        }
        let o = self.offset(at);
        let span = self.loc(o).span();
        let d = self.draft(kw_at, "metal")?;
        d.uses.push((name.to_string(), o, Use::MetalLabel));
        d.metals.push(MetalRule {
            label: name.to_string(),
            claim,
            criteria,
            span,
        });
        Ok((rest, ()))
    }

    // ring R1 and R5, R5 and R6 size 5 | 6 aromatic | heterocyclic
    fn ring(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, "ring")?;
        let mut pairs = Vec::new();
        let mut uses = Vec::new();
        let mut rest = i;
        loop {
            let a_at = sp_nl(rest);
            let (r, a) = expect("a label name", label_name)(a_at)?;
            let (r, _) = expect("'and' between the two labels", kw("and"))(sp(r))?;
            let b_at = sp(r);
            let (r, b) = expect("a label name", label_name)(b_at)?;
            uses.push((a.to_string(), self.offset(a_at), Use::RingLabel));
            uses.push((b.to_string(), self.offset(b_at), Use::RingLabel));
            pairs.push((a.to_string(), b.to_string()));
            rest = r;
            match char::<_, PErr>(',')(sp(rest)) {
                Ok((r, _)) => rest = r,
                Err(_) => break,
            }
        }
        let mut sizes = Vec::new();
        if let Ok((r, _)) = kw("size")(sp(rest)) {
            let (r, first) = expect("a ring size", uint::<u8>)(sp(r))?;
            if let Ok((r2, _)) = tag::<_, _, PErr>("..")(r) {
                let (r2, last) = expect("the largest ring size", uint::<u8>)(r2)?;
                if last < first {
                    return fail(r, ErrorKind::NumberOutOfRange);
                }
                sizes.extend(first..=last);
                rest = r2;
            } else {
                sizes.push(first);
                rest = r;
                while let Ok((r2, _)) = char::<_, PErr>('|')(sp(rest)) {
                    let (r2, n) = expect("a ring size", uint::<u8>)(sp_nl(r2))?;
                    sizes.push(n);
                    rest = r2;
                }
            }
        }
        let mut kinds = Vec::new();
        loop {
            let j = sp(rest);
            let j = if kinds.is_empty() {
                j
            } else {
                match char::<_, PErr>('|')(j) {
                    Ok((k, _)) => sp_nl(k),
                    Err(_) => break,
                }
            };
            let (r, kind) = if let Ok((r, _)) = kw("aromatic")(j) {
                (r, ClosureKind::Aromatic)
            } else if let Ok((r, _)) = kw("heterocyclic")(j) {
                (r, ClosureKind::Heterocyclic)
            } else if kinds.is_empty() {
                break;
            } else {
                return fail(j, ErrorKind::Expected("aromatic or heterocyclic"));
            };
            kinds.push(kind);
            rest = r;
        }
        let span = self.loc(self.offset(kw_at)).span();
        let d = self.draft(kw_at, "ring")?;
        d.uses.extend(uses);
        d.rings.push(RingRule {
            pairs,
            sizes,
            kinds,
            span,
        });
        Ok((rest, ()))
    }

    // count P1: a1 of X1, b1 of Y1
    fn count(&mut self, kw_at: &'t str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, "count")?;
        let site_at = sp(i);
        let (r, site) = expect("the label of the counted positions", label_name)(site_at)?;
        let (mut rest, _) = expect("':'", char(':'))(sp(r))?;
        let mut uses = vec![(site.to_string(), self.offset(site_at), Use::CountSite)];
        let mut terms = Vec::new();
        loop {
            let v_at = sp_nl(rest);
            let (r, var) = expect("a count variable", label_name)(v_at)?;
            let (r, _) = expect("'of'", kw("of"))(sp(r))?;
            let l_at = sp(r);
            let (r, label) = expect("a label name", label_name)(l_at)?;
            uses.push((var.to_string(), self.offset(v_at), Use::CountVariable));
            uses.push((label.to_string(), self.offset(l_at), Use::CountLabel));
            terms.push(CountTerm {
                variable: var.to_string(),
                label: label.to_string(),
            });
            rest = r;
            match char::<_, PErr>(',')(sp(rest)) {
                Ok((r, _)) => rest = r,
                Err(_) => break,
            }
        }
        let span = self.loc(self.offset(kw_at)).span();
        let d = self.draft(kw_at, "count")?;
        d.uses.extend(uses);
        d.counts.push(Count {
            site: site.to_string(),
            terms,
            span,
        });
        Ok((rest, ()))
    }

    // require COND | forbid COND | when COND then COND
    fn condition(&mut self, kw_at: &'t str, keyword: &'static str, i: &'t str) -> R<'t, ()> {
        self.draft(kw_at, keyword)?;
        let mut uses = Vec::new();
        let mut cp = CondParser {
            text_len: self.text.len(),
            uses: &mut uses,
        };
        let (rest, rule) = cp.or(i, 0)?;
        let (rest, rule) = match keyword {
            "forbid" => (rest, Cond::Not(Box::new(rule))),
            "when" => {
                let (r, _) = expect("'then'", kw("then"))(sp_cont(rest))?;
                let (r, then) = cp.or(r, 0)?;
                (r, Cond::Implies(Box::new(rule), Box::new(then)))
            }
            _ => (rest, rule),
        };
        let span = self.loc(self.offset(kw_at)).span();
        let d = self.draft(kw_at, keyword)?;
        d.uses.extend(uses);
        d.conditions.push(Condition { rule, span });
        Ok((rest, ()))
    }

    fn spoil_formula(&mut self) {
        if let Some(d) = &mut self.draft {
            d.spoiled = true;
        }
    }

    /// Closes the formula being read: checks that need all its lines.
    fn finish_formula(&mut self) {
        let Some(d) = self.draft.take() else { return };
        if d.spoiled {
            return;
        }
        let mut errors = Vec::new();
        let patent = d.id.split(':').next().unwrap_or_default().to_string();
        if let Some((p, at)) = &d.patent {
            if *p != patent {
                errors.push((
                    *at,
                    ErrorKind::PatentMismatch {
                        id: d.id.clone(),
                        patent: p.clone(),
                    },
                ));
            }
        }
        let mut kinds: HashMap<&str, &str> = HashMap::new();
        for (name, at, kind) in &d.defined {
            if kinds.insert(name, kind).is_some() {
                errors.push((*at, ErrorKind::DuplicateLabel(name.clone())));
            }
        }
        let kind_of = |name: &str| kinds.get(name).copied();
        let in_core: HashSet<&str> = d.holes.iter().map(|(h, _)| h.as_str()).collect();
        let counted: HashSet<&str> = d
            .uses
            .iter()
            .filter(|(_, _, w)| matches!(w, Use::CountLabel))
            .map(|(n, _, _)| n.as_str())
            .collect();
        for (name, at, kind) in &d.defined {
            let placed = in_core.contains(name.as_str()) || counted.contains(name.as_str());
            if *kind != "complex" && !placed {
                errors.push((*at, ErrorKind::LabelNotInCore(name.clone())));
            }
        }
        let sites: HashSet<&str> = d
            .uses
            .iter()
            .filter(|(_, _, w)| matches!(w, Use::CountSite))
            .map(|(n, _, _)| n.as_str())
            .collect();
        let mut reported: HashSet<&str> = HashSet::new();
        for (name, at) in &d.holes {
            if kind_of(name).is_none() && !sites.contains(name.as_str()) && reported.insert(name) {
                errors.push((*at, ErrorKind::LabelWithoutChoices(name.clone())));
            }
        }
        let mut bound: HashSet<&str> = HashSet::new();
        let mut last_is: Option<&str> = None;
        for (name, at, how) in &d.uses {
            let kind = kind_of(name);
            match how {
                Use::RingLabel => match kind {
                    None => errors.push((*at, ErrorKind::UnknownLabel(name.clone()))),
                    Some("label" | "variable") => {}
                    Some(_) => errors.push((*at, ErrorKind::NotASubstituent(name.clone()))),
                },
                Use::CountSite => {
                    if !in_core.contains(name.as_str()) {
                        errors.push((*at, ErrorKind::UnknownLabel(name.clone())));
                    }
                }
                Use::CountLabel => {
                    if !matches!(kind, Some("label" | "variable")) {
                        errors.push((*at, ErrorKind::UnknownLabel(name.clone())));
                    }
                }
                Use::CountVariable => {
                    if !bound.insert(name) {
                        errors.push((*at, ErrorKind::DuplicateVariable(name.clone())));
                    }
                }
                Use::ConditionVariable | Use::IsLabel | Use::IsTitle(_) | Use::MetalLabel => {}
            }
        }
        for (name, at, how) in &d.uses {
            match how {
                Use::ConditionVariable if !bound.contains(name.as_str()) => {
                    errors.push((*at, ErrorKind::UnknownVariable(name.clone())));
                }
                Use::IsLabel => {
                    last_is = None;
                    match kind_of(name) {
                        None => errors.push((*at, ErrorKind::UnknownLabel(name.clone()))),
                        Some("variable") => last_is = Some(name),
                        Some(_) => errors.push((*at, ErrorKind::NotAVariable(name.clone()))),
                    }
                }
                Use::IsTitle(title) => {
                    if let Some(v) = last_is.and_then(|l| d.variables.iter().find(|v| v.name == l))
                    {
                        if !v.alternatives.iter().any(|a| a.title == *title) {
                            errors.push((
                                *at,
                                ErrorKind::UnknownAlternative {
                                    label: v.name.clone(),
                                    title: title.clone(),
                                },
                            ));
                        }
                    }
                }
                Use::MetalLabel if !matches!(kind_of(name), Some("center" | "complex")) => {
                    errors.push((*at, ErrorKind::UnknownLabel(name.clone())));
                }
                _ => {}
            }
        }
        let core = match d.core {
            Some(core) => Some(core),
            None => {
                errors.push((d.at, ErrorKind::MissingCore(d.id.clone())));
                None
            }
        };
        errors.sort_by_key(|e| e.0);
        for (at, kind) in errors.iter().cloned() {
            self.push_error_at(at, kind);
        }
        let (Some(core), true) = (core, errors.is_empty()) else {
            return;
        };
        let loc = self.loc(d.at);
        self.out.formulas.push((
            Formula {
                id: d.id,
                patent,
                title: d.title,
                claims: d.claims.unwrap_or_default(),
                core,
                variables: d.variables,
                labels: d.labels,
                centers: d.centers,
                complexes: d.complexes,
                metals: d.metals,
                rings: d.rings,
                counts: d.counts,
                conditions: d.conditions,
                span: loc.span(),
            },
            loc,
        ));
    }
}

fn cmp_of(op: &str) -> Cmp {
    match op {
        ">=" => Cmp::Ge,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        "<" => Cmp::Lt,
        "!=" => Cmp::Ne,
        _ => Cmp::Eq,
    }
}

/// Conditions: `or` of `and` of `not`/parentheses/atoms. An atom is
/// `X is "t" | "u"` or a chain of comparisons of linear sums
/// (`0 <= a1 <= 4`, `m + n = 3 | 4`).
struct CondParser<'u> {
    text_len: usize,
    uses: &'u mut Vec<(String, usize, Use)>,
}

impl CondParser<'_> {
    fn offset(&self, at: &str) -> usize {
        self.text_len - at.len()
    }

    fn or<'a>(&mut self, i: &'a str, depth: usize) -> R<'a, Cond> {
        let (mut rest, first) = self.and(i, depth)?;
        let mut items = vec![first];
        while let Ok((r, _)) = kw("or")(sp_cont(rest)) {
            let (r, c) = self.and(r, depth)?;
            items.push(c);
            rest = r;
        }
        Ok((rest, one_or(items, Cond::Or)))
    }

    fn and<'a>(&mut self, i: &'a str, depth: usize) -> R<'a, Cond> {
        let mut items = Vec::new();
        let mut rest = i;
        loop {
            let (r, c) = self.unary(rest, depth)?;
            // A chain `0 <= a <= 4` is itself an `and`: keep one flat list.
            match c {
                Cond::And(inner) => items.extend(inner),
                c => items.push(c),
            }
            match kw("and")(sp_cont(r)) {
                Ok((r, _)) => rest = r,
                Err(_) => {
                    rest = r;
                    break;
                }
            }
        }
        Ok((rest, one_or(items, Cond::And)))
    }

    fn unary<'a>(&mut self, i: &'a str, depth: usize) -> R<'a, Cond> {
        let j = sp_nl(i);
        if depth >= MAX_NESTING {
            return fail(j, ErrorKind::BadCount("nested too deeply"));
        }
        if let Ok((r, _)) = kw("not")(j) {
            let (r, c) = self.unary(r, depth + 1)?;
            return Ok((r, Cond::Not(Box::new(c))));
        }
        if let Ok((r, _)) = char::<_, PErr>('(')(j) {
            let (r, c) = self.or(r, depth + 1)?;
            let (r, _) = expect("')'", char(')'))(sp_nl(r))?;
            return Ok((r, c));
        }
        if let Ok((r, name)) = label_name(j) {
            if let Ok((r, _)) = kw("is")(sp(r)) {
                self.uses
                    .push((name.to_string(), self.offset(j), Use::IsLabel));
                let (r, titles) = alternatives(r, |k| {
                    let (r2, t) = expect("an alternative's title in quotes", string)(k)?;
                    self.uses
                        .push((t.clone(), self.offset(k), Use::IsTitle(t.clone())));
                    Ok((r2, t))
                })?;
                return Ok((
                    r,
                    Cond::Is {
                        label: name.to_string(),
                        alternatives: titles,
                    },
                ));
            }
        }
        self.chain(j)
    }

    fn chain<'a>(&mut self, i: &'a str) -> R<'a, Cond> {
        let (mut rest, mut lhs) = self.linear(i)?;
        let mut compares = Vec::new();
        while let Ok((r, op)) = cmp_op(sp(rest)) {
            let (r, rhs) = self.linear(r)?;
            compares.push((lhs, cmp_of(op), rhs.clone()));
            lhs = rhs;
            rest = r;
        }
        let j = sp(rest);
        if compares.is_empty() {
            return fail(
                j,
                ErrorKind::BadCount("expected a comparison (=, <, <=, >, >=, !=)"),
            );
        }
        if compares.len() == 1 && j.starts_with('|') {
            let (l, op, r0) = compares.remove(0);
            let mut options = vec![r0];
            while let Ok((r, _)) = char::<_, PErr>('|')(sp(rest)) {
                let (r, v) = self.linear(r)?;
                options.push(v);
                rest = r;
            }
            let items = options
                .into_iter()
                .map(|rhs| Cond::Compare {
                    lhs: l.clone(),
                    op,
                    rhs,
                })
                .collect();
            return Ok((rest, Cond::Or(items)));
        }
        let items = compares
            .into_iter()
            .map(|(lhs, op, rhs)| Cond::Compare { lhs, op, rhs })
            .collect();
        Ok((rest, one_or(items, Cond::And)))
    }

    /// `term (+|- term)*`; a term is a number, a count variable or
    /// `sum(a1..a4)`.
    fn linear<'a>(&mut self, i: &'a str) -> R<'a, Linear> {
        let mut lin = Linear::default();
        let mut rest = sp(i);
        let mut sign = match char::<_, PErr>('-')(rest) {
            Ok((r, _)) => {
                rest = r;
                -1
            }
            Err(_) => 1,
        };
        loop {
            let j = sp(rest);
            if let Ok((r, n)) = uint::<i64>(j) {
                lin.constant = lin.constant.saturating_add(sign * n);
                rest = r;
            } else if let Ok((r, _)) = kw("sum")(j) {
                let (r, _) = expect("'(' after sum", char('('))(sp(r))?;
                let (r, names) = label_list(r)?;
                let (r, _) = expect("')'", char(')'))(sp(r))?;
                for (name, at) in names {
                    self.uses
                        .push((name.clone(), self.text_len - at, Use::ConditionVariable));
                    lin.terms.push((sign, name));
                }
                rest = r;
            } else if let Ok((r, name)) = label_name(j) {
                if matches!(name, "and" | "or" | "not" | "then" | "is") {
                    return fail(
                        j,
                        ErrorKind::BadCount("expected a number, a count variable or sum(...)"),
                    );
                }
                self.uses
                    .push((name.to_string(), self.offset(j), Use::ConditionVariable));
                lin.terms.push((sign, name.to_string()));
                rest = r;
            } else {
                return fail(
                    j,
                    ErrorKind::BadCount("expected a number, a count variable or sum(...)"),
                );
            }
            let j = sp(rest);
            sign = if let Ok((r, _)) = char::<_, PErr>('+')(j) {
                rest = r;
                1
            } else if let Ok((r, _)) = char::<_, PErr>('-')(j) {
                rest = r;
                -1
            } else {
                return Ok((rest, lin));
            };
        }
    }
}

fn one_or(mut items: Vec<Cond>, many: fn(Vec<Cond>) -> Cond) -> Cond {
    if items.len() == 1 {
        items.pop().unwrap_or(Cond::And(Vec::new()))
    } else {
        many(items)
    }
}
