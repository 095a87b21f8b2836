//! Named substituent groups as the template language defines them.

use serde::Serialize;

/// Where a definition came from, for error messages: file, 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// A named group: `alkoxy "alkoxy group"` and its alternatives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupDef {
    pub name: String,
    pub title: String,
    pub alternatives: Vec<Alternative>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Alternative {
    /// Another group by name (`aliphatic = alkyl | cycloalkyl ...`).
    Group(String),
    /// A SMARTS pattern whose atom 0 is the attachment atom.
    Pattern(Pattern),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pattern {
    /// SMARTS with every `{...}` slot replaced by a `*` atom.
    pub smarts: String,
    /// Slots: the SMARTS atom index of the `*` that replaced each `{...}`, and the
    /// group names allowed for the sub-substituent that starts at that atom.
    pub slots: Vec<Slot>,
    /// No atoms beyond the pattern (and its slots' sub-substituents) may belong to the
    /// substituent; hydrogens are always allowed.
    pub exact: bool,
    /// Requirement on the ring system of the attachment atom.
    pub ring: Option<RingRequirement>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slot {
    pub atom: usize,
    pub groups: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RingRequirement {
    pub kind: RingKind,
    /// The attachment atom must lie in a ring of this size that (for `Hetero`) contains
    /// a ring heteroatom.
    pub size: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RingKind {
    /// A fused ring system containing a ring heteroatom (IUPAC heterocyclyl).
    Hetero,
    /// A carbocyclic aromatic ring system (aryl).
    AromaticCarbocycle,
    /// A carbocyclic non-aromatic ring system (cycloalkyl, cycloalkenyl).
    AliphaticCarbocycle,
}
