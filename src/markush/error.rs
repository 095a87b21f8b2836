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

impl TemplateError {
    /// The error at byte `offset` of `text` (the whole file).
    pub(crate) fn at(file: &str, text: &str, offset: usize, kind: ErrorKind) -> TemplateError {
        let (line, column, source_line) = locate(text, offset);
        TemplateError {
            file: file.to_string(),
            line,
            column,
            kind,
            source_line,
        }
    }
}

/// 1-based line and character column of byte `offset`, and that line's text.
pub(crate) fn locate(text: &str, offset: usize) -> (u32, u32, String) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
    let line = text[..start].matches('\n').count() + 1;
    let column = text[start..offset].chars().count() + 1;
    let source_line = text[start..end].trim_end_matches('\r').to_string();
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
        source_line,
    )
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
