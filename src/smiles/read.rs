//! The SMILES reader. The chain, branch and ring-bond structure is walked by
//! a loop with an explicit branch stack, so nesting depth costs heap, never
//! call stack; the tokens inside (bracket atoms, bonds, ring numbers) are
//! nom parsers.

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{digit1, one_of};
use nom::combinator::{map, opt};
use nom::sequence::preceded;
use nom::IResult;

use super::error::{Found, SmilesError};
use crate::mol::kekulize::{kekulize, KekulizeError};
use crate::mol::{
    assign_implicit_hydrogens, clean_up, element, Atom, Bond, BondDirection, BondOrder, Chirality,
    Mol, StereoCenter,
};

/// Reads a SMILES string into a molecule: kekulized, with implicit
/// hydrogens, rings and aromaticity perceived.
///
/// ```
/// let mol = markush::smiles::parse("c1cc[nH]c1").unwrap();
/// assert_eq!(mol.formula(), "C4H5N");
/// assert_eq!(mol.atom(3).total_h(), 1);
/// assert!(mol.atoms().all(|a| a.aromatic));
/// ```
pub fn parse(smiles: &str) -> Result<Mol, SmilesError> {
    let mut mol = parse_graph(smiles)?;
    clean_up(&mut mol);
    assign_implicit_hydrogens(&mut mol);
    mol.perceive();
    Ok(mol)
}

/// Reads the graph as written and kekulizes it, without ring or aromaticity
/// perception and without implicit hydrogens.
pub fn parse_graph(smiles: &str) -> Result<Mol, SmilesError> {
    let mut reader = Reader::new(smiles);
    reader.run()?;
    let Reader {
        mut mol,
        offsets,
        star_bonds,
        ..
    } = reader;
    aromatize_ring_bonds_to_stars(&mut mol, &star_bonds);
    if let Err(KekulizeError { atoms }) = kekulize(&mut mol) {
        let offset = offsets[atoms[0]] as usize;
        return Err(SmilesError::Kekulize { offset, atoms });
    }
    Ok(mol)
}

/// RDKit reads an unwritten bond between an aromatic atom and `*` as
/// aromatic when it lies in a ring (`c1cc*cc1`), single otherwise
/// (`*c1ccccc1`): the `*` may stand for a ring atom of the aromatic system.
fn aromatize_ring_bonds_to_stars(mol: &mut Mol, candidates: &[u32]) {
    for &e in candidates {
        let (a, b) = mol.bond_atoms(e as usize);
        if connected_without(mol, a, b, e as usize) {
            mol.bond_mut(e as usize).aromatic = true;
        }
    }
}

/// Whether `a` reaches `b` without crossing bond `skip` (so `skip` is in a
/// ring). Only run for the rare bonds from aromatic atoms to `*`.
fn connected_without(mol: &Mol, a: usize, b: usize, skip: usize) -> bool {
    let mut seen = vec![false; mol.atom_count()];
    let mut stack = vec![a];
    seen[a] = true;
    while let Some(v) = stack.pop() {
        for (w, e) in mol.neighbors(v) {
            if e != skip && !seen[w] {
                if w == b {
                    return true;
                }
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    false
}

/// A bond symbol as written, before we know both its atoms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct BondSpec {
    order: BondOrder,
    aromatic: bool,
    direction: BondDirection,
    /// `<-`: the atom after the symbol donates.
    reversed: bool,
}

struct OpenRing {
    atom: u32,
    bond: Option<BondSpec>,
    offset: u32,
    /// Position in the atom's stereo neighbour list to fill on closure.
    stereo_slot: Option<(u32, u32)>,
}

/// Neighbour slot of a chiral atom waiting for its ring partner.
const PENDING: u32 = u32::MAX - 1;

struct Reader<'a> {
    input: &'a [u8],
    text: &'a str,
    pos: usize,
    mol: Mol,
    offsets: Vec<u32>,
    prev: Option<u32>,
    bond: Option<(BondSpec, usize)>,
    /// Open branches: the atom they hang from, the '(' offset, and whether
    /// an atom was read inside yet.
    branches: Vec<(u32, usize, bool)>,
    rings: Vec<Option<OpenRing>>,
    open_rings: usize,
    /// Chiral atoms and their neighbour order (index into `stereo`).
    stereo: Vec<StereoCenter>,
    stereo_of: Vec<u32>,
    /// Unwritten bonds between an aromatic atom and `*`.
    star_bonds: Vec<u32>,
}

const NO_STEREO: u32 = u32::MAX;

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        let guess = text.len() / 2 + 1;
        Reader {
            input: text.as_bytes(),
            text,
            pos: 0,
            mol: Mol::with_capacity(guess, guess + 4),
            offsets: Vec::with_capacity(guess),
            prev: None,
            bond: None,
            branches: Vec::new(),
            rings: Vec::new(),
            open_rings: 0,
            stereo: Vec::new(),
            stereo_of: Vec::with_capacity(guess),
            star_bonds: Vec::new(),
        }
    }

    fn unexpected(&self, expected: &'static str) -> SmilesError {
        unexpected_at(self.text, self.pos, expected)
    }

    fn run(&mut self) -> Result<(), SmilesError> {
        while self.pos < self.input.len() {
            let c = self.input[self.pos];
            match c {
                b'(' => {
                    let Some(prev) = self.prev else {
                        return Err(self.unexpected("an atom before '('"));
                    };
                    if self.bond.is_some() {
                        return Err(self.unexpected("an atom after the bond"));
                    }
                    if let Some(top) = self.branches.last_mut() {
                        top.2 = true;
                    }
                    self.branches.push((prev, self.pos, false));
                    self.pos += 1;
                }
                b')' => {
                    if let Some((_, at)) = self.bond {
                        return Err(SmilesError::DanglingBond { offset: at });
                    }
                    let Some((atom, _, filled)) = self.branches.pop() else {
                        return Err(SmilesError::UnopenedBranch { offset: self.pos });
                    };
                    if !filled {
                        return Err(SmilesError::EmptyBranch { offset: self.pos });
                    }
                    self.prev = Some(atom);
                    self.pos += 1;
                }
                b'.' => {
                    if let Some((_, at)) = self.bond {
                        return Err(SmilesError::DanglingBond { offset: at });
                    }
                    if self.prev.is_none() {
                        return Err(self.unexpected("an atom before '.'"));
                    }
                    self.prev = None;
                    self.pos += 1;
                    if self.pos == self.input.len() {
                        return Err(self.unexpected("an atom"));
                    }
                }
                b'0'..=b'9' | b'%' => self.ring_bond()?,
                b'-' | b'=' | b'#' | b'$' | b':' | b'/' | b'\\' | b'<' => {
                    if self.prev.is_none() {
                        return Err(self.unexpected("an atom before the bond"));
                    }
                    if self.bond.is_some() {
                        return Err(self.unexpected("an atom after the bond"));
                    }
                    let at = self.pos;
                    let (rest, spec) =
                        bond_symbol(&self.text[at..]).map_err(|_| self.unexpected("a bond"))?;
                    self.pos = self.text.len() - rest.len();
                    self.bond = Some((spec, at));
                }
                b'[' => {
                    let at = self.pos;
                    let (atom, chiral_h) = self.bracket_atom()?;
                    self.add_atom(atom, at, chiral_h);
                }
                _ => {
                    let at = self.pos;
                    let atom = self.organic_atom()?;
                    self.add_atom(atom, at, false);
                }
            }
        }
        if let Some((_, at)) = self.bond {
            return Err(SmilesError::DanglingBond { offset: at });
        }
        if let Some(&(_, at, _)) = self.branches.last() {
            return Err(SmilesError::UnclosedBranch { offset: at });
        }
        if self.open_rings > 0 {
            let (ring, open) = self
                .rings
                .iter()
                .enumerate()
                .filter_map(|(n, r)| r.as_ref().map(|r| (n, r)))
                .min_by_key(|(_, r)| r.offset)
                .expect("open ring count out of step");
            return Err(SmilesError::UnclosedRing {
                offset: open.offset as usize,
                ring: ring as u32,
            });
        }
        if self.mol.atom_count() == 0 && !self.input.is_empty() {
            return Err(self.unexpected("an atom"));
        }
        for center in self.stereo.drain(..) {
            self.mol.add_stereo_center(center);
        }
        Ok(())
    }

    fn organic_atom(&mut self) -> Result<Atom, SmilesError> {
        let rest = &self.input[self.pos..];
        let (element, aromatic, len) = match rest {
            [b'C', b'l', ..] => (17, false, 2),
            [b'B', b'r', ..] => (35, false, 2),
            [b'B', ..] => (5, false, 1),
            [b'C', ..] => (6, false, 1),
            [b'N', ..] => (7, false, 1),
            [b'O', ..] => (8, false, 1),
            [b'F', ..] => (9, false, 1),
            [b'P', ..] => (15, false, 1),
            [b'S', ..] => (16, false, 1),
            [b'I', ..] => (53, false, 1),
            [b'b', ..] => (5, true, 1),
            [b'c', ..] => (6, true, 1),
            [b'n', ..] => (7, true, 1),
            [b'o', ..] => (8, true, 1),
            [b'p', ..] => (15, true, 1),
            [b's', ..] => (16, true, 1),
            [b'*', ..] => (0, false, 1),
            _ => return Err(self.unexpected("an atom, bond, ring bond or branch")),
        };
        self.pos += len;
        Ok(Atom {
            element,
            aromatic,
            ..Atom::default()
        })
    }

    /// Returns the atom and whether its hydrogen is a stereo neighbour.
    fn bracket_atom(&mut self) -> Result<(Atom, bool), SmilesError> {
        let start = self.pos;
        let text = self.text;
        let at = |rest: &str| text.len() - rest.len();
        let inner = &text[start + 1..];
        let (rest, isotope) = opt(digit1::<&str, ()>)(inner).expect("opt never fails");
        let isotope = match isotope {
            Some(d) => d
                .parse::<u16>()
                .map_err(|_| SmilesError::NumberTooLarge { offset: at(inner) })?,
            None => 0,
        };
        let sym_at = at(rest);
        let (rest, (element, aromatic)) = element_symbol(rest).map_err(|_| {
            let symbol: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .take(3)
                .collect();
            if symbol.is_empty() {
                unexpected_at(text, sym_at, "an element symbol")
            } else {
                SmilesError::UnknownElement {
                    offset: sym_at,
                    symbol,
                }
            }
        })?;
        let (rest, chirality) = chirality(rest).map_err(|_| {
            let off = at(rest);
            unexpected_at(text, off, "a chirality class and number")
        })?;
        let (rest, h) =
            opt(preceded(tag("H"), opt(digit1::<&str, ()>)))(rest).expect("opt never fails");
        let explicit_h = match h {
            Some(Some(d)) => d.parse::<u8>().map_err(|_| SmilesError::NumberTooLarge {
                offset: at(rest) - d.len(),
            })?,
            Some(None) => 1,
            None => 0,
        };
        let charge_at = at(rest);
        let (rest, charge) =
            charge(rest).map_err(|_| SmilesError::BadCharge { offset: charge_at })?;
        let charge =
            i8::try_from(charge).map_err(|_| SmilesError::BadCharge { offset: charge_at })?;
        let (rest, class) =
            opt(preceded(tag(":"), digit1::<&str, ()>))(rest).expect("opt never fails");
        let atom_class = match class {
            Some(d) => d.parse::<u32>().map_err(|_| SmilesError::NumberTooLarge {
                offset: at(rest) - d.len(),
            })?,
            None => 0,
        };
        if !rest.starts_with(']') {
            let off = at(rest);
            let expected = if rest.starts_with(':') {
                "an atom class number"
            } else {
                "']'"
            };
            return Err(unexpected_at(text, off, expected));
        }
        self.pos = at(rest) + 1;
        let atom = Atom {
            element,
            isotope,
            charge,
            explicit_h,
            implicit_h: 0,
            aromatic,
            chirality,
            atom_class,
            bracket: true,
        };
        Ok((atom, chirality != Chirality::None && explicit_h > 0))
    }

    fn add_atom(&mut self, atom: Atom, offset: usize, chiral_h: bool) {
        let chiral = atom.chirality != Chirality::None;
        let aromatic = atom.aromatic;
        let idx = self.mol.add_atom(atom) as u32;
        self.offsets.push(offset as u32);
        if chiral {
            self.stereo_of.resize(idx as usize, NO_STEREO);
            self.stereo_of.push(self.stereo.len() as u32);
            self.stereo.push(StereoCenter {
                atom: idx,
                neighbors: Vec::with_capacity(4),
            });
        }
        if let Some(top) = self.branches.last_mut() {
            top.2 = true;
        }
        if let Some(prev) = self.prev {
            let spec = self.bond.take().map(|(s, _)| s);
            let prev_aromatic = self.mol.atom(prev as usize).aromatic;
            self.connect(prev, idx, spec, prev_aromatic && aromatic);
        }
        if chiral_h {
            self.stereo_push(idx, StereoCenter::HYDROGEN);
        }
        self.prev = Some(idx);
    }

    fn stereo_push(&mut self, atom: u32, neighbor: u32) -> Option<(u32, u32)> {
        let s = *self.stereo_of.get(atom as usize)?;
        if s == NO_STEREO {
            return None;
        }
        let list = &mut self.stereo[s as usize].neighbors;
        list.push(neighbor);
        Some((s, list.len() as u32 - 1))
    }

    fn aromatic_star_pair(&self, a: u32, b: u32) -> bool {
        let (x, y) = (self.mol.atom(a as usize), self.mol.atom(b as usize));
        (x.aromatic && y.element == 0) || (y.aromatic && x.element == 0)
    }

    fn connect(&mut self, a: u32, b: u32, spec: Option<BondSpec>, both_aromatic: bool) {
        let spec_unwritten = spec.is_none();
        let spec = spec.map_or(
            BondSpec {
                order: BondOrder::Single,
                aromatic: both_aromatic,
                direction: BondDirection::None,
                reversed: false,
            },
            |s| directed_aromatic(s, both_aromatic),
        );
        let bond = Bond {
            order: spec.order,
            aromatic: spec.aromatic,
            direction: spec.direction,
        };
        let (from, to) = if spec.reversed { (b, a) } else { (a, b) };
        let e = self.mol.add_bond(from as usize, to as usize, bond);
        if spec_unwritten && self.aromatic_star_pair(a, b) {
            self.star_bonds.push(e as u32);
        }
        self.stereo_push(a, b);
        self.stereo_push(b, a);
    }

    fn ring_bond(&mut self) -> Result<(), SmilesError> {
        let at = self.pos;
        let Some(prev) = self.prev else {
            return Err(self.unexpected("an atom before the ring bond"));
        };
        let (rest, ring) = ring_number(&self.text[at..]).map_err(|_| {
            if self.text[at + 1..].starts_with('(') {
                self.unexpected_after(at + 2, "a ring number and ')'")
            } else {
                self.unexpected_after(at + 1, "two digits after '%'")
            }
        })?;
        let ring = ring.ok_or(SmilesError::NumberTooLarge { offset: at })?;
        self.pos = self.text.len() - rest.len();
        let bond = self.bond.take();
        if ring as usize >= self.rings.len() {
            self.rings.resize_with(ring as usize + 1, || None);
        }
        match self.rings[ring as usize].take() {
            None => {
                let stereo_slot = self.stereo_push(prev, PENDING);
                self.rings[ring as usize] = Some(OpenRing {
                    atom: prev,
                    bond: bond.map(|(s, _)| s),
                    offset: at as u32,
                    stereo_slot,
                });
                self.open_rings += 1;
            }
            Some(open) => {
                self.open_rings -= 1;
                let spec = match (open.bond, bond.map(|(s, _)| s)) {
                    (Some(a), Some(b)) if !same_ring_bond(a, b) => {
                        return Err(SmilesError::RingBondMismatch { offset: at, ring });
                    }
                    // The opening side wrote the direction from its own atom;
                    // a symbol at the closing digit reads from the closing
                    // atom, so its direction and its dative sense turn round
                    // (the bond is stored from the opening atom).
                    (Some(a), _) => Some(a),
                    (None, Some(b)) => Some(BondSpec {
                        direction: flip(b.direction),
                        reversed: b.reversed ^ (b.order == BondOrder::Dative),
                        ..b
                    }),
                    (None, None) => None,
                };
                if open.atom == prev
                    || self
                        .mol
                        .bond_between(open.atom as usize, prev as usize)
                        .is_some()
                {
                    return Err(SmilesError::RingBondDuplicate { offset: at, ring });
                }
                if let Some((s, slot)) = open.stereo_slot {
                    self.stereo[s as usize].neighbors[slot as usize] = prev;
                }
                let both = self.mol.atom(open.atom as usize).aromatic
                    && self.mol.atom(prev as usize).aromatic;
                // The ring partner takes the neighbour slot at the closing
                // digit, so add the bond's stereo entries by hand.
                let spec = spec.map_or(
                    BondSpec {
                        order: BondOrder::Single,
                        aromatic: both,
                        direction: BondDirection::None,
                        reversed: false,
                    },
                    |s| directed_aromatic(s, both),
                );
                let unwritten = open.bond.is_none() && bond.is_none();
                let (from, to) = if spec.reversed {
                    (prev, open.atom)
                } else {
                    (open.atom, prev)
                };
                let e = self.mol.add_bond(
                    from as usize,
                    to as usize,
                    Bond {
                        order: spec.order,
                        aromatic: spec.aromatic,
                        direction: spec.direction,
                    },
                );
                if unwritten && self.aromatic_star_pair(open.atom, prev) {
                    self.star_bonds.push(e as u32);
                }
                self.stereo_push(prev, open.atom);
            }
        }
        Ok(())
    }

    fn unexpected_after(&self, pos: usize, expected: &'static str) -> SmilesError {
        unexpected_at(self.text, pos.min(self.text.len()), expected)
    }
}

fn unexpected_at(text: &str, pos: usize, expected: &'static str) -> SmilesError {
    let found = text[pos..].chars().next().map_or(Found::End, Found::Char);
    SmilesError::Unexpected {
        offset: pos,
        found,
        expected,
    }
}

/// `/` or `\` between two aromatic atoms marks the geometry of a nearby
/// double bond; it does not make the ring bond non-aromatic (RDKit reads
/// `Cc1ccc/c(=N/C)[nH]1` with an aromatic ring bond carrying the mark).
fn directed_aromatic(spec: BondSpec, both_aromatic: bool) -> BondSpec {
    if both_aromatic && spec.direction != BondDirection::None {
        BondSpec {
            aromatic: true,
            ..spec
        }
    } else {
        spec
    }
}

fn flip(d: BondDirection) -> BondDirection {
    match d {
        BondDirection::Up => BondDirection::Down,
        BondDirection::Down => BondDirection::Up,
        BondDirection::None => BondDirection::None,
    }
}

/// Two symbols at the ends of a ring bond agree when they give the same
/// order; directions may be written on either end (and mirror each other).
fn same_ring_bond(a: BondSpec, b: BondSpec) -> bool {
    a.order == b.order && a.aromatic == b.aromatic
}

fn bond_symbol(s: &str) -> IResult<&str, BondSpec> {
    let plain = |order, aromatic, direction| BondSpec {
        order,
        aromatic,
        direction,
        reversed: false,
    };
    alt((
        map(tag("->"), |_| BondSpec {
            order: BondOrder::Dative,
            aromatic: false,
            direction: BondDirection::None,
            reversed: false,
        }),
        map(tag("<-"), |_| BondSpec {
            order: BondOrder::Dative,
            aromatic: false,
            direction: BondDirection::None,
            reversed: true,
        }),
        map(one_of("-=#$:/\\"), move |c| match c {
            '-' => plain(BondOrder::Single, false, BondDirection::None),
            '=' => plain(BondOrder::Double, false, BondDirection::None),
            '#' => plain(BondOrder::Triple, false, BondDirection::None),
            '$' => plain(BondOrder::Quadruple, false, BondDirection::None),
            ':' => plain(BondOrder::Single, true, BondDirection::None),
            '/' => plain(BondOrder::Single, false, BondDirection::Up),
            _ => plain(BondOrder::Single, false, BondDirection::Down),
        }),
    ))(s)
}

/// A ring-bond number: `1`, `%12` or `%(123)`. `None` when too large.
fn ring_number(s: &str) -> IResult<&str, Option<u32>> {
    let digit = |c: char| c.to_digit(10).expect("one_of gives digits");
    alt((
        map(one_of("0123456789"), move |c| Some(digit(c))),
        preceded(
            tag("%"),
            alt((
                map(
                    nom::sequence::pair(one_of("0123456789"), one_of("0123456789")),
                    move |(a, b)| Some(digit(a) * 10 + digit(b)),
                ),
                map(
                    nom::sequence::delimited(tag("("), digit1, tag(")")),
                    |d: &str| d.parse::<u32>().ok().filter(|&n| n <= 99_999),
                ),
            )),
        ),
    ))(s)
}

/// Element symbol inside brackets: any element, the aromatic symbols
/// `b c n o p s se as te`, or `*`. Two-letter symbols win over one letter.
fn element_symbol(s: &str) -> IResult<&str, (u8, bool)> {
    let fail = || nom::Err::Error(nom::error::Error::new(s, nom::error::ErrorKind::Alpha));
    let b = s.as_bytes();
    match b.first() {
        Some(b'*') => Ok((&s[1..], (0, false))),
        Some(c) if c.is_ascii_uppercase() => {
            if let Some(l) = b.get(1).filter(|l| l.is_ascii_lowercase()) {
                let two = [*c, *l];
                if let Some(z) = element::from_symbol(std::str::from_utf8(&two).expect("ascii")) {
                    return Ok((&s[2..], (z, false)));
                }
            }
            let one = std::str::from_utf8(&b[..1]).expect("ascii");
            element::from_symbol(one)
                .map(|z| (&s[1..], (z, false)))
                .ok_or_else(fail)
        }
        Some(c) if c.is_ascii_lowercase() => {
            for (sym, z) in [("se", 34), ("as", 33), ("te", 52)] {
                if s.starts_with(sym) {
                    return Ok((&s[2..], (z, true)));
                }
            }
            let z = match c {
                b'b' => 5,
                b'c' => 6,
                b'n' => 7,
                b'o' => 8,
                b'p' => 15,
                b's' => 16,
                _ => return Err(fail()),
            };
            Ok((&s[1..], (z, true)))
        }
        _ => Err(fail()),
    }
}

fn chirality(s: &str) -> IResult<&str, Chirality> {
    let Some(rest) = s.strip_prefix('@') else {
        return Ok((s, Chirality::None));
    };
    if let Some(rest) = rest.strip_prefix('@') {
        return Ok((rest, Chirality::Tetrahedral(2)));
    }
    type Make = fn(u8) -> Chirality;
    let classes: [(&str, Make, u8); 5] = [
        ("TH", Chirality::Tetrahedral, 2),
        ("AL", Chirality::Allene, 2),
        ("SP", Chirality::SquarePlanar, 3),
        ("TB", Chirality::TrigonalBipyramidal, 20),
        ("OH", Chirality::Octahedral, 30),
    ];
    for (name, make, max) in classes {
        if let Some(after) = rest.strip_prefix(name) {
            let (after, d) = digit1(after)?;
            return match d.parse::<u8>() {
                Ok(n) if (1..=max).contains(&n) => Ok((after, make(n))),
                _ => Err(nom::Err::Error(nom::error::Error::new(
                    rest,
                    nom::error::ErrorKind::Digit,
                ))),
            };
        }
    }
    Ok((rest, Chirality::Tetrahedral(1)))
}

/// `+`, `-`, `+2`, `++`, `---`; absent means 0.
fn charge(s: &str) -> IResult<&str, i32> {
    let b = s.as_bytes();
    let sign = match b.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Ok((s, 0)),
    };
    let same = b.iter().take_while(|&&c| c == b[0]).count();
    if same > 1 {
        return Ok((&s[same..], sign * same as i32));
    }
    let rest = &s[1..];
    match digit1::<&str, ()>(rest) {
        Ok((after, d)) => {
            let n: i32 = d.parse().map_err(|_| {
                nom::Err::Error(nom::error::Error::new(rest, nom::error::ErrorKind::Digit))
            })?;
            if n > 15 {
                return Err(nom::Err::Error(nom::error::Error::new(
                    rest,
                    nom::error::ErrorKind::Digit,
                )));
            }
            Ok((after, sign * n))
        }
        Err(_) => Ok((rest, sign)),
    }
}
