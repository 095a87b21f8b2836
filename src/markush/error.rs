//! Errors in template files: what went wrong and where (file, line, column),
//! shown with the offending line and a caret under the spot.

use std::fmt;

use crate::smiles::Caret;

/// What is wrong with a template. Positions live in [`TemplateError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("unknown keyword '{0}'")]
    UnknownKeyword(String),
    #[error("expected {0}")]
    Expected(&'static str),
    #[error("unterminated string (a string ends with '\"' on the same line)")]
    UnterminatedString,
    #[error("'{0}' is only allowed inside a formula (after a 'formula' line)")]
    OutsideFormula(&'static str),
    #[error("unknown group '{0}'")]
    UnknownGroup(String),
    #[error("unknown label '{0}' in this formula")]
    UnknownLabel(String),
    #[error("unknown count variable '{0}' (count variables are named in 'count' lines)")]
    UnknownVariable(String),
    #[error("'{label}' has no alternative titled \"{title}\"")]
    UnknownAlternative { label: String, title: String },
    #[error("'{0}' is not a variable atom (conditions 'X is \"...\"' need a 'variable' line)")]
    NotAVariable(String),
    #[error("formula '{0}' is defined twice")]
    DuplicateFormula(String),
    #[error("group '{0}' is defined twice")]
    DuplicateGroup(String),
    #[error("'{0}' is defined twice in this formula")]
    DuplicateLabel(String),
    #[error("count variable '{0}' is bound twice in this formula")]
    DuplicateVariable(String),
    #[error("this formula already has a '{0}' line")]
    DuplicateStatement(&'static str),
    #[error("bad SMARTS: {0}")]
    BadSmarts(String),
    #[error("formula '{0}' has no 'core' line")]
    MissingCore(String),
    #[error(
        "label '{0}' is used but never given choices ('label', 'variable', 'center' or 'count')"
    )]
    LabelWithoutChoices(String),
    #[error(
        "label '{0}' is given choices but appears in neither the core nor any alternative or count"
    )]
    LabelNotInCore(String),
    #[error("group definitions form a cycle: {0}")]
    CyclicGroup(String),
    #[error("bad count expression: {0}")]
    BadCount(&'static str),
    #[error("'{0}' is not a chemical element")]
    UnknownElement(String),
    #[error("'{0}' is not a metal")]
    NotAMetal(String),
    #[error("group name '{0}' would read as SMARTS; use a name with a letter other than b, c, n, o, p, s")]
    NameReadsAsSmarts(String),
    #[error("formula id '{id}' does not start with its patent '{patent}:'")]
    PatentMismatch { id: String, patent: String },
    #[error("'{0}' is not a substituent of this formula (ring closures join 'label' or 'variable' substituents)")]
    NotASubstituent(String),
    #[error("number out of range")]
    NumberOutOfRange,
    #[error("cannot read file: {0}")]
    Io(String),
}

/// One error in one template file, with a 1-based line and column (in
/// characters) and the text of that line for the caret display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub kind: ErrorKind,
    pub source_line: String,
}

/// Line starts of a file, so that positions are found by binary search
/// rather than by scanning the file for each one.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let ascii = (0..starts.len())
            .map(|l| text[starts[l]..Self::end_of(text, &starts, l)].is_ascii())
            .collect();
        Lines {
            text,
            starts,
            ascii,
        }
    }

    fn end_of(text: &str, starts: &[usize], line: usize) -> usize {
        starts.get(line + 1).map_or(text.len(), |&s| s - 1)
    }

    /// 0-based line index and 1-based character column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = if self.ascii[line] {
            offset - start
        } else {
            self.text[start..offset].chars().count()
        };
        (line, u32::try_from(column + 1).unwrap_or(u32::MAX))
    }

    /// The text of 0-based line `line`, without its line end.
    pub fn text_of(&self, line: usize) -> &'t str {
        let end = Self::end_of(self.text, &self.starts, line);
        self.text[self.starts[line]..end].trim_end_matches('\r')
    }

    /// The error at byte `offset` of the file.
    pub fn error(&self, file: &str, offset: usize, kind: ErrorKind) -> TemplateError {
        let (line, column) = self.position(offset);
        TemplateError {
            file: file.to_string(),
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column,
            kind,
            source_line: self.text_of(line).to_string(),
        }
    }
}

impl fmt::Display for TemplateError {
    /// `file:line:col: message`, then the line and a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = format!("{}:{}:{}: {}", self.file, self.line, self.column, self.kind);
        let offset = self
            .source_line
            .char_indices()
            .nth(self.column.saturating_sub(1) as usize)
            .map_or(self.source_line.len(), |(i, _)| i);
        Caret {
            message: header,
            input: &self.source_line,
            offset,
        }
        .fmt(f)
    }
}

impl std::error::Error for TemplateError {}
