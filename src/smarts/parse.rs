//! The SMARTS reader. Chains, branches and ring bonds are walked by a loop
//! with an explicit branch stack (nesting costs heap, never call stack);
//! atom and bond expressions are flat loops over nom token parsers. Only
//! recursive SMARTS `$(...)` recurse, and at most [`MAX_RECURSION`] deep.

use std::collections::HashSet;

use nom::character::complete::digit1;
use nom::IResult;

use super::error::SmartsError;
use super::expr::{AtomPrimitive, BondPrimitive, Expr, Literal, Range};
use super::{QueryAtom, QueryBond, Smarts};
use crate::mol::{element, Chirality};
use crate::smiles::{unexpected_at, Chain, OpenRing};

/// Deepest nesting of `$(...)` accepted.
pub const MAX_RECURSION: usize = 64;

pub(super) fn parse(text: &str) -> Result<Smarts, SmartsError> {
    Parser::new(text, 0, text.len(), 0).run()
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// This pattern ends at `end` (it starts where `pos` starts); offsets
    /// stay absolute so errors inside `$(...)` point into the whole input.
    end: usize,
    pos: usize,
    depth: usize,
    atoms: Vec<QueryAtom>,
    bonds: Vec<QueryBond>,
    recursive: Vec<Smarts>,
    chain: Chain<Expr<BondPrimitive>, ()>,
    /// Bonded atom pairs, smaller index first, to reject repeated bonds.
    bonded: HashSet<(u32, u32)>,
    /// Offset of an `H` that stands for a hydrogen atom in the current
    /// bracket atom.
    hydrogen_at: Option<usize>,
}

type Step<'a, T> = IResult<&'a str, T, ()>;

fn number(s: &str) -> Step<'_, &str> {
    digit1(s)
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, start: usize, end: usize, depth: usize) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            end,
            pos: start,
            depth,
            atoms: Vec::new(),
            bonds: Vec::new(),
            recursive: Vec::new(),
            chain: Chain::default(),
            bonded: HashSet::new(),
            hydrogen_at: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.bytes[self.pos])
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        let p = self.pos + ahead;
        (p < self.end).then(|| self.bytes[p])
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..self.end]
    }

    /// This pattern's text: up to its end, so that `$(...)`'s closing
    /// parenthesis reads as the end of the pattern in errors.
    fn pattern(&self) -> &'a str {
        &self.text[..self.end]
    }

    fn unexpected(&self, expected: &'static str) -> SmartsError {
        unexpected_at(self.pattern(), self.pos, expected)
    }

    fn run(mut self) -> Result<Smarts, SmartsError> {
        while let Some(c) = self.peek() {
            match c {
                b'(' => {
                    self.chain.open_branch(self.pattern(), self.pos)?;
                    self.pos += 1;
                }
                b')' => {
                    self.chain.close_branch(self.pos)?;
                    self.pos += 1;
                }
                b'.' => {
                    self.chain.dot(self.pattern(), self.pos, false)?;
                    self.pos += 1;
                }
                b'0'..=b'9' | b'%' => self.ring_bond()?,
                b'[' => {
                    let atom = self.bracket_atom()?;
                    self.add_atom(atom);
                }
                _ if bond_start(c) => {
                    let at = self.pos;
                    self.chain.bond_may_start(self.pattern(), at)?;
                    let expr = self.expression(Self::bond_primitive, "a bond primitive")?;
                    self.chain.bond = Some((expr, at));
                }
                _ => {
                    let atom = self.bare_atom()?;
                    self.add_atom(atom);
                }
            }
        }
        self.chain.finish()?;
        if self.atoms.is_empty() {
            return Err(self.unexpected("an atom"));
        }
        Ok(Smarts::build(self.atoms, self.bonds, self.recursive))
    }

    fn add_atom(&mut self, atom: QueryAtom) {
        let idx = self.atoms.len() as u32;
        self.atoms.push(atom);
        self.chain.atom_read();
        if let Some(prev) = self.chain.prev {
            let expr = self
                .chain
                .bond
                .take()
                .map_or_else(|| Expr::single(BondPrimitive::SingleOrAromatic), |b| b.0);
            self.bonded.insert((prev, idx));
            self.bonds.push(QueryBond {
                atoms: [prev, idx],
                expr,
            });
        }
        self.chain.prev = Some(idx);
    }

    fn ring_bond(&mut self) -> Result<(), SmartsError> {
        let at = self.pos;
        let prev = self.chain.ring_bond_start(self.pattern(), at)?;
        let ring = self.ring_number()?;
        let bond = self.chain.bond.take().map(|b| b.0);
        match self.chain.take_ring(ring) {
            None => {
                let open = OpenRing {
                    atom: prev,
                    bond,
                    offset: at,
                    extra: (),
                };
                self.chain.open_ring(ring, open);
            }
            Some(OpenRing {
                atom: open,
                bond: open_bond,
                ..
            }) => {
                let duplicate =
                    open == prev || self.bonded.contains(&(open.min(prev), open.max(prev)));
                if duplicate {
                    return Err(SmartsError::RingBondDuplicate { offset: at, ring });
                }
                // RDKit keeps the opening side's bond when both ends differ.
                let expr = open_bond
                    .or(bond)
                    .unwrap_or_else(|| Expr::single(BondPrimitive::SingleOrAromatic));
                self.bonded.insert((open.min(prev), open.max(prev)));
                self.bonds.push(QueryBond {
                    atoms: [open, prev],
                    expr,
                });
            }
        }
        Ok(())
    }

    /// `1`, `%12` or `%(123)`.
    fn ring_number(&mut self) -> Result<u32, SmartsError> {
        let at = self.pos;
        let digit = |b: u8| (b - b'0') as u32;
        if let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            self.pos += 1;
            return Ok(digit(d));
        }
        self.pos += 1; // the '%'
        match (self.peek(), self.peek_at(1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.pos += 2;
                Ok(digit(a) * 10 + digit(b))
            }
            (Some(b'('), _) => {
                self.pos += 1;
                let Ok((after, d)) = number(self.rest()) else {
                    return Err(self.unexpected("a ring number"));
                };
                self.pos = self.end - after.len();
                if self.peek() != Some(b')') {
                    return Err(self.unexpected("')'"));
                }
                self.pos += 1;
                d.parse::<u32>()
                    .ok()
                    .filter(|&n| n <= 99_999)
                    .ok_or(SmartsError::NumberTooLarge { offset: at })
            }
            _ => Err(self.unexpected("two digits after '%'")),
        }
    }

    /// An atom outside brackets: the organic subset, its aromatic forms,
    /// `*`, `a` and `A`.
    fn bare_atom(&mut self) -> Result<QueryAtom, SmartsError> {
        use AtomPrimitive as P;
        let rest = &self.bytes[self.pos..self.end];
        let (primitive, len) = match rest {
            [b'C', b'l', ..] => (organic(17, false), 2),
            [b'B', b'r', ..] => (organic(35, false), 2),
            [b'B', ..] => (organic(5, false), 1),
            [b'C', ..] => (organic(6, false), 1),
            [b'N', ..] => (organic(7, false), 1),
            [b'O', ..] => (organic(8, false), 1),
            [b'F', ..] => (organic(9, false), 1),
            [b'P', ..] => (organic(15, false), 1),
            [b'S', ..] => (organic(16, false), 1),
            [b'I', ..] => (organic(53, false), 1),
            [b'b', ..] => (organic(5, true), 1),
            [b'c', ..] => (organic(6, true), 1),
            [b'n', ..] => (organic(7, true), 1),
            [b'o', ..] => (organic(8, true), 1),
            [b'p', ..] => (organic(15, true), 1),
            [b's', ..] => (organic(16, true), 1),
            [b'*', ..] => (P::Any, 1),
            [b'a', ..] => (P::Aromatic, 1),
            [b'A', ..] => (P::Aliphatic, 1),
            _ => return Err(self.unexpected("an atom, bond, ring bond or branch")),
        };
        self.pos += len;
        Ok(QueryAtom {
            expr: Expr::single(primitive),
            map: 0,
            chirality: Chirality::None,
        })
    }

    fn bracket_atom(&mut self) -> Result<QueryAtom, SmartsError> {
        self.pos += 1; // '['
                       // RDKit reads `[H]`, `[2H]`, `[H+]` and `[H:1]` as hydrogen atoms,
                       // but `[H1]`, `[H,C]` and `[CH]` as hydrogen counts.
        let after_isotope = self.pos
            + self.bytes[self.pos..self.end]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
        self.hydrogen_at = (self.bytes.get(after_isotope) == Some(&b'H')
            && matches!(
                self.bytes.get(after_isotope + 1),
                Some(b']' | b'+' | b'-' | b':')
            ))
        .then_some(after_isotope);
        let expr = self.expression(Self::atom_primitive, "an atom primitive")?;
        let mut map = 0;
        if self.peek() == Some(b':') {
            self.pos += 1;
            map = self.number::<u32>("an atom map number")?;
        }
        if self.peek() != Some(b']') {
            return Err(self.unexpected("']'"));
        }
        self.pos += 1;
        let chirality = expr
            .primitives()
            .find_map(|p| match p {
                AtomPrimitive::Chirality(c) => Some(*c),
                _ => None,
            })
            .unwrap_or_default();
        Ok(QueryAtom {
            expr,
            map,
            chirality,
        })
    }

    /// Reads `!`, `&`, `,`, `;` and juxtaposition around primitives. Stops
    /// before the first byte that neither continues nor joins the expression.
    fn expression<P>(
        &mut self,
        primitive: fn(&mut Self) -> Result<Option<P>, SmartsError>,
        expected: &'static str,
    ) -> Result<Expr<P>, SmartsError> {
        let mut low = Vec::new();
        let mut alternatives = Vec::new();
        let mut all = Vec::new();
        // After an operator a literal is required; after a literal, another
        // one may follow by juxtaposition.
        let mut required = true;
        loop {
            let mut negated = false;
            let mut negations = 0;
            while self.peek() == Some(b'!') {
                negated = !negated;
                negations += 1;
                self.pos += 1;
            }
            match primitive(self)? {
                Some(p) => all.push(Literal {
                    negated,
                    primitive: p,
                }),
                None if required || negations > 0 => return Err(self.unexpected(expected)),
                None => break,
            }
            required = false;
            match self.peek() {
                Some(b'&') => {
                    self.pos += 1;
                    required = true;
                }
                Some(b',') => {
                    self.pos += 1;
                    alternatives.push(std::mem::take(&mut all));
                    required = true;
                }
                Some(b';') => {
                    self.pos += 1;
                    alternatives.push(std::mem::take(&mut all));
                    low.push(std::mem::take(&mut alternatives));
                    required = true;
                }
                _ => {}
            }
        }
        alternatives.push(all);
        low.push(alternatives);
        Ok(Expr { low })
    }

    fn number<T: std::str::FromStr>(&mut self, expected: &'static str) -> Result<T, SmartsError> {
        let at = self.pos;
        let Ok((after, d)) = number(self.rest()) else {
            return Err(self.unexpected(expected));
        };
        self.pos = self.end - after.len();
        d.parse::<T>()
            .map_err(|_| SmartsError::NumberTooLarge { offset: at })
    }

    fn optional_number<T: std::str::FromStr>(&mut self) -> Result<Option<T>, SmartsError> {
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.number("a number").map(Some)
        } else {
            Ok(None)
        }
    }

    /// The count after `D`, `H`, `R`...: a number, an RDKit range `{n-m}`,
    /// `{n-}` or `{-m}`, or nothing (then `default`).
    fn count(&mut self, default: Range) -> Result<Range, SmartsError> {
        if self.peek() == Some(b'{') {
            self.pos += 1;
            let min = self.optional_number::<u32>()?;
            if self.peek() != Some(b'-') {
                return Err(self.unexpected("'-' in a range"));
            }
            self.pos += 1;
            let max = self.optional_number::<u32>()?;
            if min.is_none() && max.is_none() {
                return Err(self.unexpected("a number in the range"));
            }
            if self.peek() != Some(b'}') {
                return Err(self.unexpected("'}'"));
            }
            self.pos += 1;
            return Ok(Range {
                min: min.unwrap_or(0),
                max: max.unwrap_or(u32::MAX),
            });
        }
        Ok(self
            .optional_number::<u32>()?
            .map_or(default, Range::exactly))
    }

    fn atom_primitive(&mut self) -> Result<Option<AtomPrimitive>, SmartsError> {
        use AtomPrimitive as P;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let next = self.peek_at(1);
        let at = self.pos;
        let exactly_one = Range::exactly(1);
        let primitive = match c {
            b'0'..=b'9' => {
                let isotope = self.number::<u16>("a mass number")?;
                return Ok(Some(P::Isotope(isotope)));
            }
            b'H' if self.hydrogen_at == Some(at) => {
                self.pos += 1;
                return Ok(Some(P::AtomicNumber(1)));
            }
            b'*' => {
                self.pos += 1;
                P::Any
            }
            b'#' => {
                self.pos += 1;
                let n = self.number::<u32>("an atomic number")?;
                if n > element::MAX_ATOMIC_NUMBER as u32 {
                    return Err(SmartsError::NumberTooLarge { offset: at + 1 });
                }
                P::AtomicNumber(n as u8)
            }
            b'+' | b'-' => {
                let sign = if c == b'+' { 1 } else { -1 };
                self.pos += 1;
                let magnitude = if self.peek() == Some(c) {
                    // `++` is +2; a third sign starts a new primitive, as in RDKit.
                    self.pos += 1;
                    2
                } else {
                    match self.optional_number::<u8>()? {
                        Some(n) if n <= 127 => n as i32,
                        Some(_) => return Err(SmartsError::NumberTooLarge { offset: at + 1 }),
                        None => 1,
                    }
                };
                P::Charge(sign * magnitude)
            }
            b'@' => P::Chirality(self.chirality()?),
            b'$' => {
                if next != Some(b'(') {
                    self.pos += 1;
                    return Err(self.unexpected("'(' after '$'"));
                }
                P::Recursive(self.recursive()?)
            }
            b'^' => {
                return Err(SmartsError::Unsupported {
                    offset: at,
                    what: "hybridization '^'",
                })
            }
            b'A'..=b'Z' => {
                if let Some(z) = next.and_then(|l| two_letter_element(c, l)) {
                    self.pos += 2;
                    element_primitive(z, false)
                } else {
                    self.pos += 1;
                    match c {
                        b'A' => P::Aliphatic,
                        b'D' => P::Degree(self.count(exactly_one)?),
                        b'H' => P::TotalH(self.count(exactly_one)?),
                        b'R' => P::RingCount(self.count(Range::AT_LEAST_ONE)?),
                        b'X' => P::Connectivity(self.count(exactly_one)?),
                        b'Z' => P::AliphaticHeteroNeighbors(self.count(Range::AT_LEAST_ONE)?),
                        _ => match element::from_symbol(&self.text[at..at + 1]) {
                            Some(z) => element_primitive(z, false),
                            None => {
                                return Err(SmartsError::UnknownElement {
                                    offset: at,
                                    symbol: (c as char).to_string(),
                                })
                            }
                        },
                    }
                }
            }
            b'a'..=b'z' => {
                let two = next.and_then(|l| match [c, l] {
                    [b's', b'e'] => Some(34),
                    [b'a', b's'] => Some(33),
                    [b's', b'i'] => Some(14),
                    [b't', b'e'] => Some(52),
                    _ => None,
                });
                if let Some(z) = two {
                    self.pos += 2;
                    organic(z, true)
                } else {
                    self.pos += 1;
                    match c {
                        b'a' => P::Aromatic,
                        b'b' => organic(5, true),
                        b'c' => organic(6, true),
                        b'n' => organic(7, true),
                        b'o' => organic(8, true),
                        b'p' => organic(15, true),
                        b's' => organic(16, true),
                        b'h' => P::ImplicitH(self.count(Range::AT_LEAST_ONE)?),
                        b'r' => P::RingSize(self.count(Range::AT_LEAST_ONE)?),
                        b'v' => P::Valence(self.count(exactly_one)?),
                        b'x' => P::RingBonds(self.count(Range::AT_LEAST_ONE)?),
                        b'z' => P::HeteroNeighbors(self.count(Range::AT_LEAST_ONE)?),
                        _ => {
                            self.pos = at;
                            return Err(self.unexpected("an atom primitive"));
                        }
                    }
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(primitive))
    }

    fn chirality(&mut self) -> Result<Chirality, SmartsError> {
        self.pos += 1; // '@'
        let clockwise = self.peek() == Some(b'@');
        if clockwise {
            self.pos += 1;
        }
        // Daylight's `@?` / `@@?` ("this chirality or unspecified") asks for
        // nothing chirality matching would check, which is none; RDKit
        // rejects it, Daylight and Open Babel read it.
        if self.peek() == Some(b'?') {
            self.pos += 1;
            return Ok(Chirality::None);
        }
        if clockwise {
            return Ok(Chirality::Tetrahedral(2));
        }
        for (name, make, max) in Chirality::CLASSES {
            if self.rest().starts_with(name) {
                self.pos += 2;
                let at = self.pos;
                return match self.number::<u8>("a chirality number") {
                    Ok(n) if (1..=max).contains(&n) => Ok(make(n)),
                    Ok(_) | Err(SmartsError::NumberTooLarge { .. }) => {
                        self.pos = at;
                        Err(self.unexpected("a chirality number"))
                    }
                    Err(e) => Err(e),
                };
            }
        }
        Ok(Chirality::Tetrahedral(1))
    }

    /// `$(...)`: parses the inside as a pattern of its own.
    fn recursive(&mut self) -> Result<u32, SmartsError> {
        let open = self.pos + 1;
        if self.depth + 1 > MAX_RECURSION {
            return Err(SmartsError::TooDeep {
                offset: self.pos,
                limit: MAX_RECURSION,
            });
        }
        let mut depth = 0usize;
        let mut close = None;
        for (i, &b) in self.bytes[open..self.end].iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else {
            return Err(SmartsError::UnclosedBranch { offset: open });
        };
        let inner = Parser::new(self.text, open + 1, close, self.depth + 1).run()?;
        self.pos = close + 1;
        self.recursive.push(inner);
        Ok(self.recursive.len() as u32 - 1)
    }

    fn bond_primitive(&mut self) -> Result<Option<BondPrimitive>, SmartsError> {
        use BondPrimitive as B;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let (primitive, len) = match (c, self.peek_at(1)) {
            (b'-', Some(b'>')) => (B::Dative, 2),
            (b'<', Some(b'-')) => (B::Dative, 2),
            (b'-', _) => (B::Single, 1),
            (b'=', _) => (B::Double, 1),
            (b'#', _) => (B::Triple, 1),
            (b'$', _) => (B::Quadruple, 1),
            (b':', _) => (B::Aromatic, 1),
            (b'~', _) => (B::Any, 1),
            (b'@', _) => (B::Ring, 1),
            (b'/', _) => (B::Up, 1),
            (b'\\', _) => (B::Down, 1),
            _ => return Ok(None),
        };
        self.pos += len;
        Ok(Some(primitive))
    }
}

fn bond_start(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'=' | b'#' | b'$' | b':' | b'~' | b'@' | b'/' | b'\\' | b'<' | b'!'
    )
}

/// An element symbol read with RDKit's meaning: the organic elements are
/// aliphatic, every other element is its atomic number alone.
fn element_primitive(z: u8, aromatic: bool) -> AtomPrimitive {
    if element::is_organic_subset(z) {
        organic(z, aromatic)
    } else {
        AtomPrimitive::AtomicNumber(z)
    }
}

fn organic(number: u8, aromatic: bool) -> AtomPrimitive {
    AtomPrimitive::Element { number, aromatic }
}

/// A two-letter element symbol inside brackets. RDKit's SMARTS lexer does
/// not know Nh (so `[Nh]` is `N` and `h`), Mc, Ts or Og.
fn two_letter_element(c: u8, l: u8) -> Option<u8> {
    if !l.is_ascii_lowercase() {
        return None;
    }
    let sym = [c, l];
    let z = element::from_symbol(std::str::from_utf8(&sym).ok()?)?;
    (!matches!(z, 113 | 115 | 117 | 118)).then_some(z)
}
