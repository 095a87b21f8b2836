//! Molfile connection tables, V2000 and V3000, into a [`Mol`] finished the
//! way the SMILES reader finishes one (kekulized, cleaned up, implicit
//! hydrogens, rings and aromaticity), so that an SDF record and the SMILES
//! of the same molecule give the same graph.
//!
//! Coordinates and stereo flags are read past: classification works on the
//! graph. Query features (atom lists, query bonds) are errors, not guesses.
//!
//! ```
//! let block = "ethanol\n  test\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n\
//! \x20   0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n\
//! \x20   0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n\
//! \x20   0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n\
//! \x20 1  2  1  0\n  2  3  1  0\nM  END\n";
//! let mol = markush::io::parse_molfile(block, 1).unwrap();
//! assert_eq!(mol.formula(), "C2H6O");
//! ```

use std::collections::HashMap;

use crate::mol::kekulize::kekulize;
use crate::mol::{assign_implicit_hydrogens, clean_up, element, Atom, Bond, BondOrder, Mol};

/// Why a connection table could not be read; `line` is the line of the
/// input file (1-based) the problem is on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MolfileError {
    #[error("line {line}: the record ends before its {what}")]
    Truncated { line: usize, what: &'static str },
    #[error("line {line}: bad {what}")]
    Field { line: usize, what: &'static str },
    #[error("line {line}: unknown element {symbol:?}")]
    UnknownElement { line: usize, symbol: String },
    #[error("line {line}: bond to atom {atom}, which the table does not have")]
    NoSuchAtom { line: usize, atom: usize },
    #[error("line {line}: bond repeats a bond or bonds an atom to itself")]
    DuplicateBond { line: usize },
    #[error("line {line}: query feature {what} is not a molecule")]
    Query { line: usize, what: String },
    #[error("line {line}: cannot kekulize the aromatic bonds at atoms {atoms:?}")]
    Kekulize { line: usize, atoms: Vec<usize> },
}

impl MolfileError {
    pub fn line(&self) -> usize {
        match self {
            MolfileError::Truncated { line, .. }
            | MolfileError::Field { line, .. }
            | MolfileError::UnknownElement { line, .. }
            | MolfileError::NoSuchAtom { line, .. }
            | MolfileError::DuplicateBond { line }
            | MolfileError::Query { line, .. }
            | MolfileError::Kekulize { line, .. } => *line,
        }
    }
}

/// Per-atom facts of the table that the finishing steps need after the
/// graph is built.
#[derive(Clone, Copy, Default)]
struct Extra {
    /// The valence field: `Some(0)` for "zero valence" (V2000 15, V3000 -1).
    valence: Option<u8>,
    /// Unpaired electrons (1 for a doublet, 2 for singlet and triplet).
    radical: u8,
}

struct Table {
    mol: Mol,
    extra: Vec<Extra>,
}

/// Reads the connection table at the top of `text` (a Molfile, or one SDF
/// record: the data items after `M  END` are not looked at). `first_line`
/// is the file line of the text's first line, for error positions.
pub fn parse_molfile(text: &str, first_line: usize) -> Result<Mol, MolfileError> {
    let lines: Vec<&str> = text.lines().collect();
    let at = |i: usize| first_line + i;
    let counts = *lines.get(3).ok_or(MolfileError::Truncated {
        line: at(lines.len()),
        what: "counts line",
    })?;
    let table = if counts.contains("V3000") {
        v3000(&lines, first_line)?
    } else {
        v2000(&lines, first_line)?
    };
    finish(table, first_line + 3)
}

/// Trimmed columns `start..end` of a fixed-width line; empty when the line
/// is shorter or the range does not fall on character boundaries.
fn column(line: &str, start: usize, end: usize) -> &str {
    line.get(start..end.min(line.len())).unwrap_or("").trim()
}

fn number<T: std::str::FromStr + Default>(
    text: &str,
    line: usize,
    what: &'static str,
) -> Result<T, MolfileError> {
    if text.is_empty() {
        return Ok(T::default());
    }
    text.parse().map_err(|_| MolfileError::Field { line, what })
}

/// An atom of the given symbol; pseudo-atoms (`R#`, `A`, `*`, ...) are `*`.
fn atom_of(symbol: &str, line: usize) -> Result<Atom, MolfileError> {
    let mut atom = match symbol {
        "D" => Atom {
            isotope: 2,
            ..Atom::new(1)
        },
        "T" => Atom {
            isotope: 3,
            ..Atom::new(1)
        },
        "*" | "A" | "Q" | "R" | "R#" | "X" | "M" => Atom::new(0),
        "L" | "LP" => {
            return Err(MolfileError::Query {
                line,
                what: format!("atom {symbol}"),
            })
        }
        _ => match element::from_symbol(symbol) {
            Some(z) => Atom::new(z),
            None => {
                return Err(MolfileError::UnknownElement {
                    line,
                    symbol: symbol.to_owned(),
                })
            }
        },
    };
    atom.bracket = false;
    Ok(atom)
}

fn bond_of(kind: u32, line: usize) -> Result<Bond, MolfileError> {
    let order = match kind {
        1 => BondOrder::Single,
        2 => BondOrder::Double,
        3 => BondOrder::Triple,
        // Kekulé orders come from kekulization, as for lowercase SMILES.
        4 => BondOrder::Single,
        9 => BondOrder::Dative,
        10 => BondOrder::Zero,
        _ => {
            return Err(MolfileError::Query {
                line,
                what: format!("bond type {kind}"),
            })
        }
    };
    Ok(Bond {
        aromatic: kind == 4,
        ..Bond::new(order)
    })
}

fn add_bond(
    table: &mut Table,
    a: usize,
    b: usize,
    bond: Bond,
    line: usize,
) -> Result<(), MolfileError> {
    let n = table.mol.atom_count();
    for atom in [a, b] {
        if atom == 0 || atom > n {
            return Err(MolfileError::NoSuchAtom { line, atom });
        }
    }
    let (a, b) = (a - 1, b - 1);
    if a == b || table.mol.bond_between(a, b).is_some() {
        return Err(MolfileError::DuplicateBond { line });
    }
    if bond.aromatic {
        table.mol.atom_mut(a).aromatic = true;
        table.mol.atom_mut(b).aromatic = true;
    }
    table.mol.add_bond(a, b, bond);
    Ok(())
}

fn v2000(lines: &[&str], first_line: usize) -> Result<Table, MolfileError> {
    let counts = lines[3];
    let atoms: usize = number(column(counts, 0, 3), first_line + 3, "atom count")?;
    let bonds: usize = number(column(counts, 3, 6), first_line + 3, "bond count")?;
    let line_at = |i: usize, what: &'static str| {
        lines.get(i).copied().ok_or(MolfileError::Truncated {
            line: first_line + lines.len(),
            what,
        })
    };
    let mut table = Table {
        mol: Mol::with_capacity(atoms.min(lines.len()), bonds.min(lines.len())),
        extra: Vec::with_capacity(atoms.min(lines.len())),
    };
    let mut charges_in_block = Vec::with_capacity(atoms.min(lines.len()));
    for i in 4..4 + atoms {
        let text = line_at(i, "atom block")?;
        let line = first_line + i;
        let mut atom = atom_of(column(text, 31, 34), line)?;
        let charge: u8 = number(column(text, 36, 39), line, "charge field")?;
        let mut extra = Extra::default();
        // The old charge codes: 4 is a doublet radical, not a charge.
        match charge {
            0 => {}
            1..=3 => atom.charge = 4 - charge as i8,
            4 => extra.radical = 1,
            5..=7 => atom.charge = 4 - charge as i8,
            _ => {
                return Err(MolfileError::Field {
                    line,
                    what: "charge field",
                })
            }
        }
        let valence: u8 = number(column(text, 48, 51), line, "valence field")?;
        extra.valence = match valence {
            0 => None,
            15 => Some(0),
            v => Some(v),
        };
        charges_in_block.push((atom.charge, extra.radical));
        table.mol.add_atom(atom);
        table.extra.push(extra);
    }
    for i in 4 + atoms..4 + atoms + bonds {
        let text = line_at(i, "bond block")?;
        let line = first_line + i;
        let a: usize = number(column(text, 0, 3), line, "bond atom")?;
        let b: usize = number(column(text, 3, 6), line, "bond atom")?;
        let kind: u32 = number(column(text, 6, 9), line, "bond type")?;
        add_bond(&mut table, a, b, bond_of(kind, line)?, line)?;
    }
    let mut reset = false;
    for (i, text) in lines.iter().enumerate().skip(4 + atoms + bonds) {
        let line = first_line + i;
        if text.starts_with("M  END") {
            return Ok(table);
        }
        let key: &'static str = match column(text, 0, 6) {
            "M  CHG" => "M  CHG",
            "M  RAD" => "M  RAD",
            "M  ISO" => "M  ISO",
            _ => continue,
        };
        // Any CHG or RAD line replaces every charge and radical of the
        // atom block (the format's rule, which RDKit follows).
        if key != "M  ISO" && !reset {
            reset = true;
            for (k, _) in charges_in_block.iter().enumerate() {
                table.mol.atom_mut(k).charge = 0;
                table.extra[k].radical = 0;
            }
        }
        let fields: Vec<&str> = text.get(6..).unwrap_or("").split_whitespace().collect();
        let pairs: usize = number(fields.first().copied().unwrap_or(""), line, key)?;
        if fields.len() < 1 + 2 * pairs {
            return Err(MolfileError::Field {
                line,
                what: "property line",
            });
        }
        for p in 0..pairs {
            let atom: usize = number(fields[1 + 2 * p], line, "property atom")?;
            if atom == 0 || atom > table.mol.atom_count() {
                return Err(MolfileError::NoSuchAtom { line, atom });
            }
            let value = fields[2 + 2 * p];
            match key {
                "M  CHG" => table.mol.atom_mut(atom - 1).charge = number(value, line, "charge")?,
                "M  ISO" => table.mol.atom_mut(atom - 1).isotope = number(value, line, "isotope")?,
                _ => {
                    let kind: u8 = number(value, line, "radical")?;
                    table.extra[atom - 1].radical = if kind == 2 { 1 } else { kind.min(2) };
                }
            }
        }
    }
    Err(MolfileError::Truncated {
        line: first_line + lines.len(),
        what: "M  END line",
    })
}

/// The `M  V30` lines of a V3000 table, continuation lines (`-` at the end)
/// joined, each with the file line it starts on.
fn v30_lines(lines: &[&str], first_line: usize) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut continued = false;
    for (i, text) in lines.iter().enumerate() {
        if text.starts_with("M  END") {
            break;
        }
        let Some(body) = text.strip_prefix("M  V30 ") else {
            continued = false;
            continue;
        };
        let body = body.trim_end();
        let (body, more) = match body.strip_suffix('-') {
            Some(b) => (b, true),
            None => (body, false),
        };
        match out.last_mut() {
            Some((_, last)) if continued => last.push_str(body),
            _ => out.push((first_line + i, body.to_owned())),
        }
        continued = more;
    }
    out
}

/// `KEY=VALUE` fields after the positional ones; quoted values are kept
/// whole so that a list never splits into fake keys.
fn v30_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ' ' | '\t' if !quoted && depth == 0 => {
                if let Some(s) = start.take() {
                    fields.push(&text[s..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        fields.push(&text[s..]);
    }
    fields
}

fn v3000(lines: &[&str], first_line: usize) -> Result<Table, MolfileError> {
    let mut table = Table {
        mol: Mol::new(),
        extra: Vec::new(),
    };
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut section = "";
    let mut ended = false;
    for (line, text) in v30_lines(lines, first_line) {
        let fields = v30_fields(&text);
        match fields.as_slice() {
            ["BEGIN", "CTAB", ..] => continue,
            ["END", "CTAB", ..] => {
                ended = true;
                break;
            }
            ["BEGIN", what, ..] => {
                section = match *what {
                    "ATOM" => "atom",
                    "BOND" => "bond",
                    _ => "other",
                };
                continue;
            }
            ["END", ..] => {
                section = "";
                continue;
            }
            ["COUNTS", ..] => continue,
            _ => {}
        }
        match section {
            "atom" => {
                if fields.len() < 2 {
                    return Err(MolfileError::Field {
                        line,
                        what: "atom line",
                    });
                }
                let symbol = fields[1];
                if symbol.starts_with('[') || symbol.contains("NOT") {
                    return Err(MolfileError::Query {
                        line,
                        what: format!("atom list {symbol}"),
                    });
                }
                let mut atom = atom_of(symbol, line)?;
                let mut extra = Extra::default();
                for field in fields.iter().skip(6) {
                    let Some((key, value)) = field.split_once('=') else {
                        continue;
                    };
                    match key {
                        "CHG" => atom.charge = number(value, line, "CHG")?,
                        "MASS" => atom.isotope = number(value, line, "MASS")?,
                        "RAD" => {
                            let kind: u8 = number(value, line, "RAD")?;
                            extra.radical = if kind == 2 { 1 } else { kind.min(2) };
                        }
                        "VAL" => {
                            let v: i16 = number(value, line, "VAL")?;
                            extra.valence = match v {
                                0 => None,
                                -1 => Some(0),
                                v => Some(
                                    u8::try_from(v)
                                        .map_err(|_| MolfileError::Field { line, what: "VAL" })?,
                                ),
                            };
                        }
                        _ => {}
                    }
                }
                let index = table.mol.add_atom(atom);
                table.extra.push(extra);
                index_of.insert(fields[0].to_owned(), index + 1);
            }
            "bond" => {
                if fields.len() < 4 {
                    return Err(MolfileError::Field {
                        line,
                        what: "bond line",
                    });
                }
                let kind: u32 = number(fields[1], line, "bond type")?;
                let end = |f: &str| {
                    index_of
                        .get(f)
                        .copied()
                        .ok_or_else(|| MolfileError::NoSuchAtom {
                            line,
                            atom: f.parse().unwrap_or(0),
                        })
                };
                let (a, b) = (end(fields[2])?, end(fields[3])?);
                add_bond(&mut table, a, b, bond_of(kind, line)?, line)?;
            }
            _ => {}
        }
    }
    if !ended {
        return Err(MolfileError::Truncated {
            line: first_line + lines.len(),
            what: "END CTAB line",
        });
    }
    Ok(table)
}

/// The SMILES reader's finishing steps, plus what the table fixed itself:
/// atoms with a valence field or unpaired electrons get exactly the
/// hydrogens that leaves, as bracket atoms do in SMILES.
fn finish(table: Table, line: usize) -> Result<Mol, MolfileError> {
    let Table { mut mol, extra } = table;
    if let Err(e) = kekulize(&mut mol) {
        return Err(MolfileError::Kekulize {
            line,
            atoms: e.atoms.iter().map(|a| a + 1).collect(),
        });
    }
    clean_up(&mut mol);
    assign_implicit_hydrogens(&mut mol);
    for (i, extra) in extra.iter().enumerate() {
        let shown = mol.bonded_valence(i);
        let atom = mol.atom_mut(i);
        // The valence field counts bonds and hydrogens, not unpaired
        // electrons; without it, those take the place of hydrogens.
        let h = match extra.valence {
            Some(v) => (v as u32).saturating_sub(shown),
            None if extra.radical > 0 => {
                (atom.implicit_h as u32).saturating_sub(extra.radical as u32)
            }
            None => continue,
        };
        atom.bracket = true;
        atom.implicit_h = 0;
        atom.explicit_h = h.min(u8::MAX as u32) as u8;
    }
    mol.perceive();
    Ok(mol)
}
