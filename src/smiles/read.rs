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

use super::chain::{Chain, OpenRing};
use super::error::{unexpected_at, SmilesError};
use crate::mol::kekulize::{candidates, kekulize_prepared, KekulizeError, Scratch};
use crate::mol::rings::{closes_rings, Forest};
use crate::mol::{
    clean_up_and_assign_hydrogens, element, Atom, Bond, BondDirection, BondOrder, Chirality, Mol,
    PerceptionWork, StereoCenter,
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
    read_new(smiles, Upto::Perception)
}

/// Reads a SMILES string into a kekulized molecule with implicit hydrogens
/// and RDKit's clean-up of hypervalent spellings, but without ring or
/// aromaticity perception: [`parse`] minus [`Mol::perceive`], for callers
/// that need only atoms, bonds and hydrogen counts.
///
/// ```
/// let mol = markush::smiles::parse_unperceived("c1ccncc1").unwrap();
/// assert_eq!(mol.formula(), "C5H5N");
/// assert!(mol.rings().sssr().is_empty());
/// ```
pub fn parse_unperceived(smiles: &str) -> Result<Mol, SmilesError> {
    read_new(smiles, Upto::Hydrogens)
}

/// Reads the graph as written and kekulizes it, without ring or aromaticity
/// perception and without implicit hydrogens.
pub fn parse_graph(smiles: &str) -> Result<Mol, SmilesError> {
    read_new(smiles, Upto::Graph)
}

/// Reads a SMILES string into `mol`, as [`parse`] does, replacing what
/// `mol` held but keeping the room it had: reading molecule after molecule
/// into one `Mol` spares allocating and freeing its buffers each time (see
/// [`Mol::clear`]). On an error `mol` is left empty (no atoms, no rings),
/// ready for the next one.
///
/// ```
/// use markush::mol::Mol;
/// use markush::smiles::parse_into;
///
/// let mut mol = Mol::new();
/// let mut aromatic = Vec::new();
/// for smiles in ["c1ccccc1O", "CC(=O)O", "C1CC", "c1cc[nH]c1"] {
///     match parse_into(smiles, &mut mol) {
///         Ok(()) => aromatic.push(mol.aromatic_atom_count()),
///         Err(_) => assert_eq!(mol.atom_count(), 0),
///     }
/// }
/// assert_eq!(aromatic, [6, 0, 5]);
/// ```
pub fn parse_into(smiles: &str, mol: &mut Mol) -> Result<(), SmilesError> {
    mol.clear();
    // Every atom takes a byte of the input at least, and so does every
    // bond: room for the input's length, kept from molecule to molecule,
    // spares counting the atoms (see [`size_hint`]) each time.
    read_into(smiles, Upto::Perception, mol, (smiles.len(), smiles.len()))
}

/// Reads `smiles` into a new molecule. The molecule is made inside the
/// result it is returned in, which saves moving it from a local into the
/// result (a `memcpy`); the result itself is still copied to the caller, as
/// its address escapes into the thread's buffers.
fn read_new(smiles: &str, upto: Upto) -> Result<Mol, SmilesError> {
    let mut result = Ok(Mol::new());
    if let Ok(mol) = &mut result {
        read_into(smiles, upto, mol, size_hint(smiles.as_bytes()))?;
    }
    result
}

/// Reads `smiles` into the empty `mol`, given room for at least the
/// `(atoms, bonds)` of the graph `smiles` spells (see [`size_hint`]); left
/// empty on an error. Inlined, as a call of its own cost [`parse`] a move of
/// the result and a frame.
#[inline(always)]
fn read_into(
    smiles: &str,
    upto: Upto,
    mol: &mut Mol,
    (atoms, bonds): (usize, usize),
) -> Result<(), SmilesError> {
    mol.make_room(atoms, bonds);
    let result = read(smiles, upto, mol);
    if result.is_err() {
        mol.clear();
    }
    result
}

/// The reader's buffers, kept per thread: a molecule of typical size is read
/// in about a microsecond, and allocating these anew each time cost a good
/// part of that.
#[derive(Default)]
struct Workspace {
    /// The open ring bonds keep the slot of the opening atom's stereo
    /// neighbour list that the closing atom fills.
    chain: Chain<BondSpec, Option<(u32, u32)>>,
    /// Chiral atoms and their neighbour order (index into `stereo`).
    stereo: Vec<StereoCenter>,
    stereo_of: Vec<u32>,
    /// Unwritten bonds between an aromatic atom and `*`.
    star_bonds: Vec<u32>,
    /// Per atom: the valence its bonds show (see `mol::bond_valences`).
    shown: Vec<u32>,
    /// Aromatic bonds as (atom, atom, bond), in bond order.
    aromatic_bonds: Vec<(u32, u32, u32)>,
    /// The atoms kekulization looks at: the aromatic atoms, ascending, and
    /// once `odd_aromatic_bond` is set, the aromatic bonds' ends as well.
    kekule_atoms: Vec<u32>,
    /// An aromatic bond has an end that is not an aromatic atom (`C:C`).
    odd_aromatic_bond: bool,
    /// The ring forest, noted as the bonds are added.
    forest: Forest,
    /// The buffers of the later steps, held here so that the thread's
    /// workspace is reached once per molecule.
    kekulize: Scratch,
    perception: PerceptionWork,
}

const AROMATIC: u8 = 1;
const STAR: u8 = 2;

/// The [`AROMATIC`] and [`STAR`] flags of an atom: what bonding it to
/// another atom looks at. Read from the atom, which costs no more than a
/// table of them would, and spares a push per atom. Without branches: the
/// reader never makes a `*` aromatic, so the two never meet.
#[inline(always)]
fn flags_of(atom: &Atom) -> u8 {
    debug_assert!(!(atom.aromatic && atom.element == 0));
    (u8::from(atom.aromatic) * AROMATIC) | (u8::from(atom.element == 0) * STAR)
}

impl Workspace {
    fn clear(&mut self) {
        self.chain.clear();
        self.stereo.clear();
        self.stereo_of.clear();
        self.star_bonds.clear();
        self.shown.clear();
        self.aromatic_bonds.clear();
        self.kekule_atoms.clear();
        self.odd_aromatic_bond = false;
        self.forest.clear();
    }

    /// Gives back the memory of a huge input instead of keeping it for the
    /// rest of the thread's life.
    fn trim(&mut self) {
        fn trim<T>(v: &mut Vec<T>) {
            if v.capacity() > KEEP {
                *v = Vec::new();
            }
        }
        self.chain.shrink_past(KEEP);
        trim(&mut self.stereo);
        trim(&mut self.stereo_of);
        trim(&mut self.star_bonds);
        trim(&mut self.shown);
        trim(&mut self.aromatic_bonds);
        trim(&mut self.kekule_atoms);
        self.forest.shrink_past(KEEP);
    }

    /// Whether [`Workspace::trim`] may find anything to give back after
    /// reading `input`. Each buffer holds at most an entry or two per byte
    /// of input, and growing at most doubles its capacity, so below
    /// [`TRIM_FROM`] bytes only a high ring number (`%(99999)`) can grow one
    /// past [`KEEP`]: the ring-bond table, indexed by number.
    #[inline]
    fn may_trim(&self, input: &str) -> bool {
        input.len() > TRIM_FROM || self.chain.ring_capacity() > KEEP
    }
}

/// The capacity past which a buffer of the [`Workspace`] is given back.
const KEEP: usize = crate::mol::KEEP_ROOM;
/// Inputs up to this long cannot grow a buffer past [`KEEP`] but the ring
/// table (see [`Workspace::may_trim`]).
const TRIM_FROM: usize = KEEP / 8;

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace::default());
}

/// How far reading goes after the graph is read and kekulized.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Upto {
    Graph,
    /// Clean-up and implicit hydrogens.
    Hydrogens,
    /// Those, then ring and aromaticity perception.
    Perception,
}

/// Reads `smiles` into the empty `mol`.
fn read(smiles: &str, upto: Upto, mol: &mut Mol) -> Result<(), SmilesError> {
    WORKSPACE.with(|ws| match ws.try_borrow_mut() {
        Ok(mut ws) => {
            let result = read_with(smiles, upto, &mut ws, mol);
            if ws.may_trim(smiles) {
                ws.trim();
            }
            result
        }
        // Only reachable if the reader were re-entered on this thread.
        Err(_) => read_with(smiles, upto, &mut Workspace::default(), mol),
    })
}

fn read_with(
    smiles: &str,
    upto: Upto,
    ws: &mut Workspace,
    mol: &mut Mol,
) -> Result<(), SmilesError> {
    ws.clear();
    Reader::new(smiles, ws, mol).run()?;
    if !ws.star_bonds.is_empty() {
        aromatize_ring_bonds_to_stars(mol, &ws.star_bonds);
        ws.odd_aromatic_bond = true;
        ws.aromatic_bonds.clear();
        ws.aromatic_bonds.extend(
            mol.bonds()
                .enumerate()
                .filter(|(_, (_, _, bond))| bond.aromatic)
                .map(|(e, (a, b, _))| (a as u32, b as u32, e as u32)),
        );
    }
    if ws.odd_aromatic_bond {
        candidates(mol, &ws.aromatic_bonds, &mut ws.kekule_atoms);
    }
    if !ws.kekule_atoms.is_empty() {
        if let Err(KekulizeError { atoms }) = kekulize_prepared(
            mol,
            &mut ws.shown,
            &ws.aromatic_bonds,
            &ws.kekule_atoms,
            &mut ws.kekulize,
        ) {
            let offset = atom_offset(smiles.as_bytes(), atoms[0]);
            return Err(SmilesError::Kekulize { offset, atoms });
        }
    }
    if upto != Upto::Graph {
        clean_up_and_assign_hydrogens(mol, &mut ws.shown);
    }
    if upto == Upto::Perception {
        mol.perceive_given(&mut ws.forest, &mut ws.perception);
    }
    Ok(())
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

/// What each byte starts outside brackets: an organic-subset atom (its
/// element plus one, with [`ORGANIC_AROMATIC`] for the aromatic spellings)
/// or nothing (0). `Cl` and `Br` start with `C` and `B`; the reader looks at
/// the second letter itself.
static ORGANIC: [u8; 256] = {
    let mut t = [0u8; 256];
    let atoms: [(u8, u8, bool); 15] = [
        (b'B', 5, false),
        (b'C', 6, false),
        (b'N', 7, false),
        (b'O', 8, false),
        (b'F', 9, false),
        (b'P', 15, false),
        (b'S', 16, false),
        (b'I', 53, false),
        (b'b', 5, true),
        (b'c', 6, true),
        (b'n', 7, true),
        (b'o', 8, true),
        (b'p', 15, true),
        (b's', 16, true),
        (b'*', 0, false),
    ];
    let mut i = 0;
    while i < atoms.len() {
        let (c, z, aromatic) = atoms[i];
        t[c as usize] = (z + 1) | if aromatic { ORGANIC_AROMATIC } else { 0 };
        i += 1;
    }
    t
};

const ORGANIC_AROMATIC: u8 = 0x80;

/// Upper bounds of the atom and bond counts, so the graph's storage is
/// allocated once, at about its size. Every atom has a letter or `*`, and
/// every atom but a component's first has a bond to an earlier atom; a ring
/// bond takes two digits or more. The bytes are counted eight at a time
/// (bit tricks on a `u64`), which is why the counts are a little loose:
/// "letters" are all bytes with bit 0x40 (also `@`, `[`, `]`, `\\`) and
/// "digits" all of 0x30..=0x3F (also `:`, `=`, `<`, `>`), which only
/// overcount. Byte by byte, this pass cost a tenth of the reading itself.
fn size_hint(input: &[u8]) -> (usize, usize) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    /// Flags the bytes of `w` that are not zero.
    fn nonzero(w: u64) -> u64 {
        (((w & !(ONES << 7)) + !(ONES << 7)) | w) >> 7 & ONES
    }
    /// Flags the bytes of `w` whose high nibble is not 3 (not "digits").
    fn non_digits(w: u64) -> u64 {
        let high = ((w ^ (ONES * 0x30)) >> 4) & (ONES * 0x0f);
        (high + ONES * 0x0f) >> 4 & ONES
    }
    /// The sum of the bytes of `w`.
    fn sum(w: u64) -> u64 {
        const LOW: u64 = 0x00ff_00ff_00ff_00ff;
        let pairs = (w & LOW) + (w >> 8 & LOW);
        pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48
    }
    let (mut atoms, mut digits) = (0u64, 0u64);
    // Each byte lane of the sums below counts one flag a word: a block of
    // 255 words cannot overflow it. Summing the lanes once a block, rather
    // than multiplying per word, keeps the loop to shifts, masks and adds.
    for block in input.chunks(8 * 255) {
        let (mut letters, mut not_stars, mut not_digits) = (0u64, 0u64, 0u64);
        let mut words = 0;
        let mut count = |w: u64| {
            letters += w >> 6 & ONES;
            not_stars += nonzero(w ^ (ONES * u64::from(b'*')));
            not_digits += non_digits(w);
            words += 8;
        };
        let mut chunks = block.chunks_exact(8);
        for chunk in &mut chunks {
            count(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        // The last bytes as the low bytes of a word, zero above them; zero
        // counts as neither a letter, nor `*`, nor a digit.
        let rest = chunks.remainder().len();
        if rest > 0 {
            let w = match block.len().checked_sub(8) {
                Some(from) => {
                    let tail = &block[from..];
                    u64::from_le_bytes(tail.try_into().expect("eight bytes")) >> (8 * (8 - rest))
                }
                None => block.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)),
            };
            count(w);
        }
        atoms += sum(letters) + words - sum(not_stars);
        digits += words - sum(not_digits);
    }
    let atoms = atoms as usize;
    (atoms, atoms + digits as usize / 2)
}

/// Byte offset of atom `k` in a SMILES string that was read without error:
/// errors found after reading (kekulization) point at an atom, and
/// recording every atom's offset while reading would cost every molecule.
fn atom_offset(input: &[u8], k: usize) -> usize {
    let mut seen = 0;
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if ORGANIC[c as usize] != 0 || c == b'[' {
            if seen == k {
                return i;
            }
            seen += 1;
            if c == b'[' {
                while i < input.len() && input[i] != b']' {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    input.len()
}

/// A bond symbol as written, before we know both its atoms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct BondSpec {
    /// The bond as stored, so adding it copies these three bytes as they are.
    bond: Bond,
    /// `<-`: the atom after the symbol donates.
    reversed: bool,
}

impl BondSpec {
    const fn plain(order: BondOrder, aromatic: bool, direction: BondDirection) -> Self {
        BondSpec {
            bond: Bond {
                order,
                aromatic,
                direction,
            },
            reversed: false,
        }
    }

    /// The bond when nothing is written between the atoms.
    const fn unwritten(both_aromatic: bool) -> Self {
        BondSpec::plain(BondOrder::Single, both_aromatic, BondDirection::None)
    }
}

/// Neighbour slot of a chiral atom waiting for its ring partner.
const PENDING: u32 = u32::MAX - 1;

struct Reader<'a, 'w> {
    input: &'a [u8],
    text: &'a str,
    pos: usize,
    /// The [`AROMATIC`] and [`STAR`] flags of `ws.chain.prev`: kept, as
    /// reading them back from the graph cost a bounds check and two loads
    /// per bond.
    prev_flags: u8,
    mol: &'w mut Mol,
    ws: &'w mut Workspace,
}

const NO_STEREO: u32 = u32::MAX;

impl<'a, 'w> Reader<'a, 'w> {
    fn new(text: &'a str, ws: &'w mut Workspace, mol: &'w mut Mol) -> Self {
        Reader {
            input: text.as_bytes(),
            text,
            pos: 0,
            prev_flags: 0,
            mol,
            ws,
        }
    }

    fn unexpected(&self, expected: &'static str) -> SmilesError {
        unexpected_at(self.text, self.pos, expected)
    }

    fn run(&mut self) -> Result<(), SmilesError> {
        while self.pos < self.input.len() {
            let c = self.input[self.pos];
            let organic = ORGANIC[c as usize];
            if organic != 0 {
                self.organic_atom(c, organic);
                continue;
            }
            match c {
                b'(' => {
                    self.ws.chain.open_branch(self.text, self.pos)?;
                    self.pos += 1;
                }
                b')' => {
                    let prev = self.ws.chain.close_branch(self.pos)?;
                    self.prev_flags = flags_of(self.mol.atom(prev as usize));
                    self.pos += 1;
                }
                b'.' => {
                    self.ws.chain.dot(self.text, self.pos, true)?;
                    self.pos += 1;
                }
                b'0'..=b'9' | b'%' => self.ring_bond()?,
                b'-' | b'=' | b'#' | b'$' | b':' | b'/' | b'\\' | b'<' => {
                    let at = self.pos;
                    self.ws.chain.bond_may_start(self.text, at)?;
                    let (len, spec) =
                        bond_symbol(&self.input[at..]).ok_or_else(|| self.unexpected("a bond"))?;
                    self.pos += len;
                    self.ws.chain.bond = Some((spec, at));
                }
                b'[' => {
                    let (atom, chiral_h) = self.bracket_atom()?;
                    self.add_atom(atom, chiral_h);
                }
                _ => return Err(self.unexpected("an atom, bond, ring bond or branch")),
            }
        }
        self.ws.chain.finish()?;
        if self.mol.atom_count() == 0 && !self.input.is_empty() {
            return Err(self.unexpected("an atom"));
        }
        // Nearly every molecule has no chiral atom: skip setting up a drain.
        if !self.ws.stereo.is_empty() {
            for center in self.ws.stereo.drain(..) {
                self.mol.add_stereo_center(center);
            }
        }
        Ok(())
    }

    /// An organic-subset atom; `code` is its [`ORGANIC`] entry.
    fn organic_atom(&mut self, c: u8, code: u8) {
        let next = self.input.get(self.pos + 1).copied();
        let (element, len) = match (c, next) {
            (b'C', Some(b'l')) => (17, 2),
            (b'B', Some(b'r')) => (35, 2),
            _ => ((code & !ORGANIC_AROMATIC) - 1, 1),
        };
        self.pos += len;
        let atom = Atom {
            element,
            aromatic: code & ORGANIC_AROMATIC != 0,
            ..Atom::default()
        };
        self.add_atom(atom, false);
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

    #[inline(always)]
    fn add_atom(&mut self, atom: Atom, chiral_h: bool) {
        let chiral = atom.chirality != Chirality::None;
        let flags = flags_of(&atom);
        let idx = self.mol.build_atom(atom) as u32;
        if flags == AROMATIC {
            self.ws.kekule_atoms.push(idx);
        }
        if chiral {
            self.ws.stereo_of.resize(idx as usize, NO_STEREO);
            self.ws.stereo_of.push(self.ws.stereo.len() as u32);
            self.ws.stereo.push(StereoCenter {
                atom: idx,
                neighbors: Vec::with_capacity(4),
            });
        }
        // The new atom's bond valence is pushed once its bond is known.
        let mut shown = 0;
        self.ws.chain.atom_read();
        if let Some(prev) = self.ws.chain.prev {
            let spec = self.ws.chain.bond.take().map(|(s, _)| s);
            let (to_prev, to_new) =
                self.add_bond::<true>(prev, idx, (self.prev_flags, flags), spec);
            self.ws.shown[prev as usize] += to_prev;
            shown = to_new;
            // Only a molecule with a chiral atom read so far has lists.
            if !self.ws.stereo.is_empty() {
                self.stereo_push(prev, idx);
                self.stereo_push(idx, prev);
            }
        } else {
            self.ws.forest.atom();
        }
        self.ws.shown.push(shown);
        if chiral_h {
            self.stereo_push(idx, StereoCenter::HYDROGEN);
        }
        self.ws.chain.prev = Some(idx);
        self.prev_flags = flags;
    }

    fn stereo_push(&mut self, atom: u32, neighbor: u32) -> Option<(u32, u32)> {
        let s = *self.ws.stereo_of.get(atom as usize)?;
        if s == NO_STEREO {
            return None;
        }
        let list = &mut self.ws.stereo[s as usize].neighbors;
        list.push(neighbor);
        Some((s, list.len() as u32 - 1))
    }

    /// Adds the bond `a`-`b` as written (`spec`, or nothing) between atoms
    /// with the [`AROMATIC`] and [`STAR`] flags `flags`, keeping the list of
    /// aromatic bonds and the ring forest up to date; `CHAIN` when `b` is
    /// the atom just read and this its first bond. Returns the valence the
    /// bond adds to `a` and to `b` (see `mol::bond_valences`): the caller
    /// counts them, as the newest atom has no entry in `shown` yet.
    #[inline(always)]
    fn add_bond<const CHAIN: bool>(
        &mut self,
        a: u32,
        b: u32,
        (fa, fb): (u8, u8),
        spec: Option<BondSpec>,
    ) -> (u32, u32) {
        let both_aromatic = fa & fb == AROMATIC;
        // Most bonds are unwritten: single or aromatic, one valence each
        // way, never reversed, so they skip the written bond's case work.
        let Some(spec) = spec else {
            let bond = BondSpec::unwritten(both_aromatic).bond;
            let e = self.mol.build_bond(a as usize, b as usize, bond) as u32;
            self.note_bond::<CHAIN>(e, a, (a, b), true);
            if both_aromatic {
                self.ws.aromatic_bonds.push((a, b, e));
            } else if fa | fb == AROMATIC | STAR {
                self.ws.star_bonds.push(e);
            }
            return (1, 1);
        };
        let spec = directed_aromatic(spec, both_aromatic);
        let bond = spec.bond;
        let (from, to) = if spec.reversed { (b, a) } else { (a, b) };
        let e = self.mol.build_bond(from as usize, to as usize, bond) as u32;
        self.note_bond::<CHAIN>(e, a, (from, to), closes_rings(bond.order));
        if bond.aromatic {
            self.ws.aromatic_bonds.push((from, to, e));
            self.ws.odd_aromatic_bond |= !both_aromatic;
        }
        let v = bond.order.valence() as u32;
        let v_from = if bond.order == BondOrder::Dative {
            0
        } else {
            v
        };
        if spec.reversed {
            (v, v_from)
        } else {
            (v_from, v)
        }
    }

    /// Notes bond `e` of `add_bond::<CHAIN>(a, b, ..)`, stored from `from`
    /// to `to`, in the ring forest: with `CHAIN` it is the first bond of the
    /// atom just read, `b`, and `a` is lower.
    #[inline(always)]
    fn note_bond<const CHAIN: bool>(
        &mut self,
        e: u32,
        a: u32,
        (from, to): (u32, u32),
        capable: bool,
    ) {
        if CHAIN {
            self.ws.forest.atom_bonded(e, a, capable);
        } else {
            self.ws.forest.bond(e, from, to, capable);
        }
    }

    fn ring_bond(&mut self) -> Result<(), SmilesError> {
        let at = self.pos;
        let prev = self.ws.chain.ring_bond_start(self.text, at)?;
        let c = self.input[at];
        let ring = if c.is_ascii_digit() {
            self.pos += 1;
            (c - b'0') as u32
        } else {
            let (rest, ring) = ring_number(&self.text[at..]).map_err(|_| {
                if self.text[at + 1..].starts_with('(') {
                    self.unexpected_after(at + 2, "a ring number and ')'")
                } else {
                    self.unexpected_after(at + 1, "two digits after '%'")
                }
            })?;
            let ring = ring.ok_or(SmilesError::NumberTooLarge { offset: at })?;
            self.pos = self.text.len() - rest.len();
            ring
        };
        let bond = self.ws.chain.bond.take();
        match self.ws.chain.take_ring(ring) {
            None => {
                let stereo_slot = self.stereo_push(prev, PENDING);
                let open = OpenRing {
                    atom: prev,
                    bond: bond.map(|(s, _)| s),
                    offset: at,
                    extra: stereo_slot,
                };
                self.ws.chain.open_ring(ring, open);
            }
            Some(open) => {
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
                        bond: Bond {
                            direction: flip(b.bond.direction),
                            ..b.bond
                        },
                        reversed: b.reversed ^ (b.bond.order == BondOrder::Dative),
                    }),
                    (None, None) => None,
                };
                if open.atom == prev
                    || self
                        .mol
                        .bond_between(prev as usize, open.atom as usize)
                        .is_some()
                {
                    return Err(SmilesError::RingBondDuplicate { offset: at, ring });
                }
                if let Some((s, slot)) = open.extra {
                    self.ws.stereo[s as usize].neighbors[slot as usize] = prev;
                }
                // The ring partner takes the neighbour slot at the closing
                // digit, so add the bond's stereo entries by hand.
                let flags = (flags_of(self.mol.atom(open.atom as usize)), self.prev_flags);
                let (to_open, to_prev) = self.add_bond::<false>(open.atom, prev, flags, spec);
                self.ws.shown[open.atom as usize] += to_open;
                self.ws.shown[prev as usize] += to_prev;
                self.stereo_push(prev, open.atom);
            }
        }
        Ok(())
    }

    fn unexpected_after(&self, pos: usize, expected: &'static str) -> SmilesError {
        unexpected_at(self.text, pos.min(self.text.len()), expected)
    }
}

/// `/` or `\` between two aromatic atoms marks the geometry of a nearby
/// double bond; it does not make the ring bond non-aromatic (RDKit reads
/// `Cc1ccc/c(=N/C)[nH]1` with an aromatic ring bond carrying the mark).
fn directed_aromatic(spec: BondSpec, both_aromatic: bool) -> BondSpec {
    if both_aromatic && spec.bond.direction != BondDirection::None {
        BondSpec {
            bond: Bond {
                aromatic: true,
                ..spec.bond
            },
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
    a.bond.order == b.bond.order && a.bond.aromatic == b.bond.aromatic
}

/// The bond symbol at the start of `s` and its length in bytes.
fn bond_symbol(s: &[u8]) -> Option<(usize, BondSpec)> {
    use BondDirection::{Down, Up};
    use BondOrder::{Dative, Double, Quadruple, Single, Triple};
    let dative = |reversed| BondSpec {
        reversed,
        ..BondSpec::plain(Dative, false, BondDirection::None)
    };
    let one = |order, aromatic, direction| Some((1, BondSpec::plain(order, aromatic, direction)));
    match s {
        [b'-', b'>', ..] => Some((2, dative(false))),
        [b'<', b'-', ..] => Some((2, dative(true))),
        [b'-', ..] => one(Single, false, BondDirection::None),
        [b'=', ..] => one(Double, false, BondDirection::None),
        [b'#', ..] => one(Triple, false, BondDirection::None),
        [b'$', ..] => one(Quadruple, false, BondDirection::None),
        [b':', ..] => one(Single, true, BondDirection::None),
        [b'/', ..] => one(Single, false, Up),
        [b'\\', ..] => one(Single, false, Down),
        _ => None,
    }
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
    for (name, make, max) in Chirality::CLASSES {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Everything a molecule tells about itself, in one comparable value:
    /// atoms, bonds, stereo centres, ring facts and adjacency rows (built
    /// here), and whether aromatic atoms are known to lie on rings.
    fn facts(mol: &Mol) -> String {
        let rings = mol.rings();
        let atoms: Vec<_> = (0..mol.atom_count())
            .map(|a| {
                let adjacency = mol.adjacency();
                (
                    mol.atom(a).clone(),
                    rings.atom_ring_count(a),
                    rings.atom_min_ring_size(a),
                    adjacency.neighbors(a).to_vec(),
                    adjacency.degree(a),
                )
            })
            .collect();
        let bonds: Vec<_> = (0..mol.bond_count())
            .map(|e| {
                (
                    mol.bond_atoms(e),
                    *mol.bond(e),
                    rings.bond_ring_count(e),
                    rings.bond_min_ring_size(e),
                )
            })
            .collect();
        format!(
            "{atoms:?}\n{bonds:?}\n{:?}\n{:?} {:?} {:?}\n{} {}",
            mol.stereo_centers(),
            rings.sssr(),
            rings.rings(),
            rings.ring_systems(),
            mol.aromatic_on_rings(),
            mol.formula(),
        )
    }

    /// Aromatic, acyclic after cyclic, charged and bracket atoms, stereo,
    /// atoms of five and six neighbours (rows packed in the adjacency),
    /// errors while reading and while kekulizing, fused and spiro rings.
    const SEQUENCE: [&str; 20] = [
        "c1ccc2ccccc2c1",
        "CCO",
        "[NH4+].[Cl-]",
        "[13CH3:7][O-]",
        "N[C@@H](C)C(=O)O",
        "F/C=C/F",
        "C[C@H]1CC[C@@H](O)CC1",
        "CS(F)(F)(F)(F)Cl",
        "C1CC",
        "c1cc[nH]c1",
        "c1cccc1",
        "F[P-](F)(F)(F)(F)F",
        "C(C",
        "C12C3C4C1C5C2C3C45",
        "C1CCC11CCCC1",
        "[Xx]",
        "",
        "c1ccccc1-c1ccccc1",
        "*c1ccc*c1",
        "O=C1NC(=O)c2ccccc21",
    ];

    /// `parse_into` on `mol` gives what `parse` gives, or the same error and
    /// an empty `mol`.
    fn check_against_parse(smiles: &str, mol: &mut Mol) {
        match (parse(smiles), parse_into(smiles, mol)) {
            (Ok(fresh), Ok(())) => assert_eq!(facts(mol), facts(&fresh), "{smiles}"),
            (Err(fresh), Err(into)) => {
                assert_eq!(into, fresh, "{smiles}");
                assert_eq!((mol.atom_count(), mol.bond_count()), (0, 0), "{smiles}");
                assert!(mol.stereo_centers().is_empty(), "{smiles}");
                assert_eq!(facts(mol), facts(&Mol::new()), "{smiles}");
            }
            (fresh, into) => panic!("{smiles}: parse {fresh:?}, parse_into {into:?}"),
        }
    }

    #[test]
    fn parse_into_one_molecule_gives_what_parse_gives() {
        let mut mol = Mol::new();
        // Twice over, so that every molecule also follows every other.
        for smiles in SEQUENCE.iter().chain(SEQUENCE.iter().rev()) {
            check_against_parse(smiles, &mut mol);
        }
        assert_eq!(
            SEQUENCE.iter().filter(|s| parse(s).is_err()).count(),
            4,
            "the sequence has its errors"
        );
    }

    #[test]
    fn parse_into_gives_back_a_huge_molecules_room() {
        let huge = "c1ccccc1".repeat(3_000);
        let mut mol = Mol::new();
        check_against_parse(&huge, &mut mol);
        assert!(mol.graph().capacity().0 > 16_000);
        for smiles in ["C1CC1", "CCO", &huge[..16], "c1ccccc1"] {
            check_against_parse(smiles, &mut mol);
            let (nodes, edges) = mol.graph().capacity();
            assert!(
                nodes.max(edges) < 100,
                "{smiles}: room for {nodes}, {edges}"
            );
        }
    }

    #[test]
    fn parse_into_keeps_the_room_of_a_molecule_of_usual_size() {
        let mut mol = Mol::new();
        parse_into("CC(=O)Nc1ccc(O)cc1", &mut mol).unwrap();
        let room = mol.graph().capacity();
        parse_into("CCO", &mut mol).unwrap();
        assert_eq!(mol.graph().capacity(), room);
        assert_eq!(mol.formula(), "C2H6O");
    }

    proptest! {
        #[test]
        fn parse_into_over_any_sequence_gives_what_parse_gives(
            picks in proptest::collection::vec(0..SEQUENCE.len(), 1..24)
        ) {
            let mut mol = Mol::new();
            for k in picks {
                check_against_parse(SEQUENCE[k], &mut mol);
            }
        }
    }

    /// [`size_hint`] byte by byte, as its doc defines it.
    fn size_hint_bytes(input: &[u8]) -> (usize, usize) {
        let atoms = input
            .iter()
            .filter(|&&b| b & 0x40 != 0 || b == b'*')
            .count();
        let digits = input.iter().filter(|&&b| b >> 4 == 3).count();
        (atoms, atoms + digits / 2)
    }

    #[test]
    fn size_hint_counts_as_its_doc_says() {
        let text = b"C%(123)c1cc[nH]c1.*[13CH3:7]=O/N\\Cl#Br$S<-P->I(*)@@";
        let long: Vec<u8> = text
            .iter()
            .copied()
            .cycle()
            .take(8 * 255 * 2 + 21)
            .collect();
        for input in [&text[..], &long[..]] {
            for start in 0..20 {
                for end in (start..input.len()).step_by(7).chain([input.len()]) {
                    let s = &input[start..end];
                    assert_eq!(size_hint(s), size_hint_bytes(s), "{start}..{end}");
                }
            }
        }
    }

    #[test]
    fn size_hint_bounds_the_graph() {
        for smiles in [
            "",
            "C",
            "*",
            "**.*",
            "c1ccccc1",
            "CC(=O)Nc1ccc(O)cc1",
            "C%10CC%(123)CC%10.C%(123)",
            "[13CH3:7][C@@H](Cl)Br",
            "C12C3C4C1C5C2C3C45",
            "OC(=O)[C@H]1CC[C@@H](N)CC1.[Na+].[Cl-]",
        ] {
            let mol = parse_graph(smiles).unwrap_or_default();
            let (atoms, bonds) = size_hint(smiles.as_bytes());
            assert!(atoms >= mol.atom_count(), "{smiles}");
            assert!(bonds >= mol.bond_count(), "{smiles}");
        }
    }
}
