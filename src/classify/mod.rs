//! Reports on classifications: the JSON record `markush classify` prints
//! for each input molecule, and the text `markush explain` prints for an
//! analyst. Both only present what [`Classifier`] returns.
//!
//! ```
//! use markush::classify::{explain_text, ClassifyRecord};
//! use markush::io::{Record, SmiRecord};
//! use markush::markush::{engine::Classifier, Library};
//! let text = "group hydrogen = [#1] exact\n\
//!             group halogen \"halogen atom\" = [F,Cl,Br,I] exact\n\
//!             formula demo:I \"halobenzene\"\n  claims 1\n  core c1ccccc1{X}\n  label X = halogen\n";
//! let classifier = Classifier::new(Library::from_sources(&[("demo.markush", text)]).unwrap()).unwrap();
//! let record = Record::from(SmiRecord::from_line(1, "Brc1ccccc1 bromobenzene").unwrap());
//! let json = serde_json::to_string(&ClassifyRecord::new(&classifier, &record, false)).unwrap();
//! assert!(json.starts_with(r#"{"line":1,"id":"bromobenzene","smiles":"Brc1ccccc1","matches":[{"formula":"demo:I""#));
//! let words = explain_text(&classifier, "Brc1ccccc1").unwrap();
//! assert!(words.contains("X: halogen atom, [*]Br"));
//! ```

mod bulk;

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::io::{ReadError, Record};
use crate::markush::engine::{Assignment, Classification, Classifier, FormulaMatch, Miss};
use crate::smiles::{self, to_smiles, SmilesError};

pub use bulk::{classify_stream, BulkOptions, OutputFormat, Summary, CSV_COLUMNS};

/// One output line of `markush classify`.
#[derive(Debug, Serialize)]
pub struct ClassifyRecord<'a> {
    pub line: usize,
    pub id: Option<&'a str>,
    /// The SMILES as given; for a connection table, the canonical SMILES of
    /// the molecule read, or `null` when none was.
    pub smiles: Option<Cow<'a, str>>,
    pub matches: Vec<FormulaMatch>,
    /// With `--explain`: the nearest miss of every formula not matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub misses: Option<Vec<Miss>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

/// Why a record has no (complete) classification, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `smiles`, `molfile`, `record` (the input could not be split into a
    /// record) or `budget exceeded`.
    pub kind: &'static str,
    pub message: String,
    /// Byte offset in the SMILES, for `smiles` errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// Line of the input file, for `molfile` and `record` errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_line: Option<usize>,
}

/// The kind of [`Problem`] a molecule gets when a search of the engine
/// ran out of steps: its classification may miss formulas.
pub const BUDGET_EXCEEDED: &str = "budget exceeded";

impl From<&ReadError> for Problem {
    fn from(err: &ReadError) -> Self {
        let (offset, at_line) = match err {
            ReadError::Smiles(e) => (Some(e.offset()), None),
            ReadError::Molfile(e) => (None, Some(e.line())),
            ReadError::Record(e) => (None, Some(e.line())),
        };
        Problem {
            kind: err.kind(),
            message: err.to_string(),
            offset,
            at_line,
        }
    }
}

impl<'a> ClassifyRecord<'a> {
    /// Reads and classifies one record; a record that gives no molecule has
    /// an empty match list and the error. A formula whose search ran past
    /// the matcher's step budget makes the record a `budget exceeded` one,
    /// keeping the matches that were found.
    pub fn new(classifier: &Classifier, record: &'a Record, explain: bool) -> Self {
        let mut smiles = record.smiles().map(Cow::Borrowed);
        let (matches, misses, error) = match record.mol() {
            Ok(mol) => {
                if smiles.is_none() {
                    smiles = Some(Cow::Owned(to_smiles(&mol)));
                }
                let c = if explain {
                    classifier.explain(&mol)
                } else {
                    classifier.classify(&mol)
                };
                let error = budget_problem(&c);
                (c.matches, explain.then_some(c.misses), error)
            }
            Err(e) => (Vec::new(), None, Some(Problem::from(&e))),
        };
        ClassifyRecord {
            line: record.line,
            id: record.id.as_deref(),
            smiles,
            matches,
            misses,
            error,
        }
    }
}

/// The `budget exceeded` problem of a molecule for which some formula's
/// search ran past its step budget before it could decide; with the misses
/// of `explain`, the message says where each search stopped.
fn budget_problem(c: &Classification) -> Option<Problem> {
    let over: Vec<String> = c
        .over_budget
        .iter()
        .map(
            |formula| match c.misses.iter().find(|m| &m.formula == formula) {
                Some(miss) => format!("{formula}: {}", miss.reason),
                None => formula.clone(),
            },
        )
        .collect();
    (!over.is_empty()).then(|| Problem {
        kind: BUDGET_EXCEEDED,
        message: format!("search ran past its budget for {}", over.join("; ")),
        offset: None,
        at_line: None,
    })
}

/// `markush explain`: the classification of one SMILES in words.
pub fn explain_text(classifier: &Classifier, smiles: &str) -> Result<String, SmilesError> {
    let mol = smiles::parse(smiles)?;
    Ok(render(classifier, smiles, &classifier.explain(&mol)))
}

/// The words for a classification of `smiles`.
pub fn render(classifier: &Classifier, smiles: &str, c: &Classification) -> String {
    let library = classifier.library();
    let title_of = |id: &str| library.formula(id).map_or("", |f| f.title.as_str());
    let mut out = String::new();
    let _ = writeln!(out, "{smiles}");
    if c.matches.is_empty() {
        let _ = writeln!(out, "Falls under no formula.");
    }
    for m in &c.matches {
        let claims: Vec<String> = m.claims.iter().map(u32::to_string).collect();
        let _ = writeln!(
            out,
            "\nFalls under {} ({}), patent {}, claims {}.",
            m.formula,
            title_of(&m.formula),
            m.patent,
            claims.join(", ")
        );
        let _ = writeln!(out, "  core atoms: {}", list(&m.core_atoms));
        for (v, alt) in &m.variables {
            let _ = writeln!(out, "  {v} is {alt}");
        }
        for (label, a) in &m.assignments {
            let _ = writeln!(out, "  {label}: {}", assignment_words(classifier, a));
        }
        if let Some(counts) = &m.counts {
            let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            let _ = writeln!(out, "  counts: {}", parts.join(", "));
        }
        for note in &m.notes {
            let _ = writeln!(out, "  note: {note}");
        }
    }
    for miss in &c.misses {
        let _ = writeln!(
            out,
            "\nDoes not fall under {} ({}): {}.",
            miss.formula,
            title_of(&miss.formula),
            miss.reason
        );
    }
    out
}

fn assignment_words(classifier: &Classifier, a: &Assignment) -> String {
    let title = |g: &str| {
        classifier
            .groups()
            .get(g)
            .map_or_else(|| g.to_string(), |d| d.title.clone())
    };
    if a.atoms.is_empty() && a.smiles == "[H]" {
        return title("hydrogen");
    }
    let mut words = match a.groups.first() {
        Some(g) => format!("{}, {}", title(g), a.smiles),
        None => a.smiles.clone(),
    };
    if a.groups.len() > 1 {
        let _ = write!(words, " (also {})", a.groups[1..].join(", "));
    }
    let _ = write!(words, "; atoms {}", list(&a.atoms));
    if let Some(other) = &a.ring_with {
        let _ = write!(words, "; forms a ring with {other}");
    }
    words
}

fn list(atoms: &[usize]) -> String {
    atoms
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
