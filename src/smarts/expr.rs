//! The predicates a SMARTS atom or bond stands for.
//!
//! SMARTS has no parentheses inside an atom or bond expression, so every
//! expression is already in the three-level shape its operators give it:
//! `;`-joined conjuncts of `,`-joined alternatives of `&`-joined (or
//! juxtaposed) literals. Keeping that shape makes evaluation a loop, never
//! a recursion, however long the expression.

use crate::matcher::{element_bit, ANY_ELEMENT};
use crate::mol::Chirality;

/// A primitive, possibly negated (`!` repeated collapses to its parity).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Literal<P> {
    pub negated: bool,
    pub primitive: P,
}

/// `low[i]` are the `;` conjuncts, `low[i][j]` the `,` alternatives,
/// `low[i][j][k]` the `&` literals.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr<P> {
    pub low: Vec<Vec<Vec<Literal<P>>>>,
}

impl<P> Expr<P> {
    /// An expression that is exactly one primitive.
    pub fn single(primitive: P) -> Self {
        Expr {
            low: vec![vec![vec![Literal {
                negated: false,
                primitive,
            }]]],
        }
    }

    pub fn eval(&self, mut test: impl FnMut(&P) -> bool) -> bool {
        self.low.iter().all(|alternatives| {
            alternatives
                .iter()
                .any(|all| all.iter().all(|l| test(&l.primitive) != l.negated))
        })
    }

    /// Every primitive, wherever it sits.
    pub fn primitives(&self) -> impl Iterator<Item = &P> {
        self.low.iter().flatten().flatten().map(|l| &l.primitive)
    }

    /// The primitive when the expression is exactly one un-negated primitive.
    pub fn as_single(&self) -> Option<&P> {
        match self.low.as_slice() {
            [alternatives] => match alternatives.as_slice() {
                [all] => match all.as_slice() {
                    [Literal {
                        negated: false,
                        primitive,
                    }] => Some(primitive),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Every literal in order when the expression has no `,`, as most
    /// have: [`Expr::eval`] then holds exactly when each of them does,
    /// tested in this order, so a flat loop over them can stand in for it.
    ///
    /// ```
    /// use markush::smarts::{AtomPrimitive as P, Expr, Literal};
    /// let not = |primitive| Literal { negated: true, primitive };
    /// let mut e = Expr::single(P::Aromatic); // two conjuncts, `a;!*`
    /// e.and(not(P::Any));
    /// assert_eq!(e.as_conjunction(), Some(vec![Literal { negated: false, primitive: P::Aromatic }, not(P::Any)]));
    /// e.low[0].push(vec![not(P::Aliphatic)]); // a `,` alternative
    /// assert_eq!(e.as_conjunction(), None);
    /// ```
    pub fn as_conjunction(&self) -> Option<Vec<Literal<P>>>
    where
        P: Clone,
    {
        self.low
            .iter()
            .all(|alternatives| alternatives.len() == 1)
            .then(|| self.low.iter().flatten().flatten().cloned().collect())
    }

    /// Adds a conjunct at the lowest precedence (`;`).
    pub fn and(&mut self, literal: Literal<P>) {
        self.low.push(vec![vec![literal]]);
    }
}

impl Expr<AtomPrimitive> {
    /// The elements an atom must have to satisfy the expression, as a
    /// mask of [`element_bit`]s: a test a search can make before the
    /// expression itself, and a screen on the elements a molecule has.
    /// `recursive` gives the mask of `$(...)` number `i`. Conservative:
    /// negations and non-element primitives allow every element.
    pub fn elements(&self, recursive: impl Fn(u32) -> u128) -> u128 {
        let literal = |l: &Literal<AtomPrimitive>| match (&l.primitive, l.negated) {
            (_, true) => ANY_ELEMENT,
            (AtomPrimitive::Element { number, .. } | AtomPrimitive::AtomicNumber(number), _) => {
                element_bit(*number)
            }
            (AtomPrimitive::Recursive(i), _) => recursive(*i),
            _ => ANY_ELEMENT,
        };
        self.low
            .iter()
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|all| all.iter().map(literal).fold(ANY_ELEMENT, |m, x| m & x))
                    .fold(0, |m, x| m | x)
            })
            .fold(ANY_ELEMENT, |m, x| m & x)
    }
}

/// An inclusive range of counts; `{2-}` is `2..=u32::MAX`, `{-3}` is `0..=3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    pub min: u32,
    pub max: u32,
}

impl Range {
    pub const fn exactly(n: u32) -> Self {
        Range { min: n, max: n }
    }
    pub const AT_LEAST_ONE: Range = Range {
        min: 1,
        max: u32::MAX,
    };
    pub fn contains(&self, n: u32) -> bool {
        self.min <= n && n <= self.max
    }
}

/// Atom primitives, with RDKit's meaning for each.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AtomPrimitive {
    /// `*`
    Any,
    /// `a`
    Aromatic,
    /// `A`
    Aliphatic,
    /// An element with its aromaticity: `C` is aliphatic carbon, `c`
    /// aromatic carbon. Only RDKit's organic elements (B C N O P S F Cl Br
    /// I) and the aromatic symbols are read this way.
    Element { number: u8, aromatic: bool },
    /// `#6`, and element symbols outside the organic set (`[Si]`, `[H]`).
    AtomicNumber(u8),
    /// Leading mass number: `[13C]`.
    Isotope(u16),
    /// `+`, `-2`, `++`.
    Charge(i32),
    /// `D`: explicit connections (hydrogen atoms in the graph count).
    Degree(Range),
    /// `H`: all hydrogens, implicit, bracket and hydrogen-atom neighbours.
    TotalH(Range),
    /// `h`: hydrogens that are not graph atoms (RDKit `getTotalNumHs(false)`).
    ImplicitH(Range),
    /// `R`: number of rings (RDKit's ring set) containing the atom.
    RingCount(Range),
    /// `r`: size of the smallest ring containing the atom, 0 outside rings.
    RingSize(Range),
    /// `v`: total valence, hydrogens included.
    Valence(Range),
    /// `X`: total connections, hydrogens included.
    Connectivity(Range),
    /// `x`: ring bonds at the atom.
    RingBonds(Range),
    /// `z` (RDKit): neighbours that are neither carbon nor hydrogen.
    HeteroNeighbors(Range),
    /// `Z` (RDKit): aliphatic such neighbours.
    AliphaticHeteroNeighbors(Range),
    /// `@`, `@@`, `@TH1`...: read, and true in matching, as in RDKit's
    /// default (chirality is not used unless asked for).
    Chirality(Chirality),
    /// `$(...)`: index into the pattern's recursive subpatterns.
    Recursive(u32),
}

/// Bond primitives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BondPrimitive {
    /// No symbol written: single or aromatic, as in RDKit.
    SingleOrAromatic,
    /// `~`
    Any,
    /// `-`: single and not aromatic.
    Single,
    /// `=`
    Double,
    /// `#`
    Triple,
    /// `$`
    Quadruple,
    /// `:`
    Aromatic,
    /// `@`: ring bond.
    Ring,
    /// `/` and `\`: RDKit matches them as single-or-aromatic.
    Up,
    Down,
    /// `->` and `<-` (RDKit): a dative bond.
    Dative,
}
