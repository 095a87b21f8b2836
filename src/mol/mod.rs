//! The molecule: an undirected petgraph graph of atoms and bonds, with the
//! facts every layer above needs (implicit hydrogens, rings, aromaticity).
//!
//! Atom indices follow the order the atoms were added, which for a parsed
//! SMILES is the order they appear in the string.
//!
//! ```
//! let mol = markush::smiles::parse("c1ccncc1O").unwrap();
//! assert_eq!(mol.atom_count(), 7);
//! assert_eq!(mol.formula(), "C5H5NO");
//! assert!(mol.atom(3).aromatic);
//! assert_eq!(mol.atom(6).total_h(), 1);
//! ```

mod adjacency;
pub mod aromaticity;
mod cleanup;
pub mod element;
pub mod kekulize;
pub mod normalize;
pub mod rings;
mod valence;

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::sync::OnceLock;

pub use adjacency::Adjacency;
pub use cleanup::clean_up;
pub(crate) use cleanup::clean_up_and_assign_hydrogens;
pub use rings::RingInfo;
pub use valence::assign_implicit_hydrogens;

/// The buffers ring and aromaticity perception reuse from molecule to
/// molecule, for a builder that holds them beside its own.
#[derive(Default)]
pub(crate) struct PerceptionWork {
    rings: rings::Work,
    aromaticity: aromaticity::Work,
}

/// Chirality as written in SMILES. The number is the OpenSMILES permutation
/// index: `@` is `Tetrahedral(1)`, `@@` is `Tetrahedral(2)`, `@TB7` is
/// `TrigonalBipyramidal(7)`. The neighbour order it refers to is kept in
/// [`Mol::stereo_centers`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Chirality {
    #[default]
    None,
    Tetrahedral(u8),
    Allene(u8),
    SquarePlanar(u8),
    TrigonalBipyramidal(u8),
    Octahedral(u8),
}

/// A chirality class's variant, from its number.
pub(crate) type ChiralClass = fn(u8) -> Chirality;

impl Chirality {
    /// The named classes as SMILES and SMARTS write them (`@TH1`, `@SP3`):
    /// name, the variant, and the highest number the class has.
    pub(crate) const CLASSES: [(&'static str, ChiralClass, u8); 5] = [
        ("TH", Chirality::Tetrahedral, 2),
        ("AL", Chirality::Allene, 2),
        ("SP", Chirality::SquarePlanar, 3),
        ("TB", Chirality::TrigonalBipyramidal, 20),
        ("OH", Chirality::Octahedral, 30),
    ];
}

/// One atom. `explicit_h` is the count written inside brackets (`[NH4+]`
/// has 4); `implicit_h` is what the valence model adds to organic-subset
/// atoms. Bracket atoms never get implicit hydrogens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Atom {
    /// Atomic number; 0 is the `*` atom.
    pub element: u8,
    /// Mass number, 0 when not given.
    pub isotope: u16,
    pub charge: i8,
    pub explicit_h: u8,
    pub implicit_h: u8,
    pub aromatic: bool,
    pub chirality: Chirality,
    /// Atom class (`[CH3:7]` has 7), 0 when not given.
    pub atom_class: u32,
    /// Written in brackets, so its hydrogen count is exactly `explicit_h`.
    pub bracket: bool,
}

impl Atom {
    /// An organic-subset atom of the given element, as `C` or `N` in SMILES.
    pub fn new(element: u8) -> Self {
        Atom {
            element,
            ..Atom::default()
        }
    }

    /// Hydrogens on this atom that are not graph atoms of their own.
    pub fn total_h(&self) -> u8 {
        self.explicit_h + self.implicit_h
    }

    pub fn symbol(&self) -> &'static str {
        element::symbol(self.element)
    }
}

/// Kekulé bond order. Aromaticity is a separate flag on [`Bond`], so an
/// aromatic bond still has the single or double order of one Kekulé form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum BondOrder {
    /// `.`-free zero-order link (RDKit's `~` in some outputs); counts nothing.
    Zero,
    #[default]
    Single,
    Double,
    Triple,
    Quadruple,
    /// Dative bond `->`: the edge's first atom donates, valence counts on the
    /// second atom only.
    Dative,
}

impl BondOrder {
    /// Every order, in declaration order (`ALL[o as usize] == o`), for
    /// tables indexed by order.
    ///
    /// ```
    /// use markush::mol::BondOrder;
    /// assert!(BondOrder::ALL.iter().enumerate().all(|(i, &o)| o as usize == i));
    /// ```
    pub const ALL: [BondOrder; 6] = [
        BondOrder::Zero,
        BondOrder::Single,
        BondOrder::Double,
        BondOrder::Triple,
        BondOrder::Quadruple,
        BondOrder::Dative,
    ];

    /// Contribution to the valence of an atom that is not the donor.
    pub fn valence(self) -> u8 {
        match self {
            BondOrder::Zero => 0,
            BondOrder::Single | BondOrder::Dative => 1,
            BondOrder::Double => 2,
            BondOrder::Triple => 3,
            BondOrder::Quadruple => 4,
        }
    }
}

/// Bond direction as written (`/` is `Up`, `\` is `Down`), read from the
/// bond's first atom towards its second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum BondDirection {
    #[default]
    None,
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Bond {
    pub order: BondOrder,
    pub aromatic: bool,
    pub direction: BondDirection,
}

impl Bond {
    pub fn new(order: BondOrder) -> Self {
        Bond {
            order,
            ..Bond::default()
        }
    }
}

/// Neighbour order a chirality tag refers to: the atoms around `atom` in
/// the order the SMILES wrote them, with [`StereoCenter::HYDROGEN`] standing
/// for the bracket hydrogen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StereoCenter {
    pub atom: u32,
    pub neighbors: Vec<u32>,
}

impl StereoCenter {
    pub const HYDROGEN: u32 = u32::MAX;
}

/// The most atoms, bonds, ring entries or stereo centres whose room
/// [`Mol::clear`] keeps, and the most entries a buffer of the SMILES
/// reader keeps between molecules: one bound for a bulk run's memory.
pub(crate) const KEEP_ROOM: usize = 1 << 14;

/// A molecule. Build it with [`crate::smiles::parse`], or atom by atom with
/// [`Mol::add_atom`] and [`Mol::add_bond`] followed by [`Mol::perceive`].
#[derive(Clone, Debug, Default)]
pub struct Mol {
    graph: UnGraph<Atom, Bond, u32>,
    rings: RingInfo,
    stereo: Vec<StereoCenter>,
    /// Built on first use, dropped when an atom or bond is added.
    adjacency: OnceLock<Adjacency>,
    /// Whether every aromatic atom lies on a ring, and so has two bonds at
    /// least: set by [`Mol::perceive`], which marks ring atoms only, and
    /// cleared when an atom is added or handed out mutable. No bond is ever
    /// removed, so one added keeps it true.
    aromatic_on_rings: bool,
}

impl Mol {
    // The small accessors are `#[inline]`: every layer calls them per atom
    // and bond, mostly from other codegen units.
    pub fn new() -> Self {
        Mol::default()
    }

    pub fn with_capacity(atoms: usize, bonds: usize) -> Self {
        Mol {
            graph: UnGraph::with_capacity(atoms, bonds),
            ..Mol::default()
        }
    }

    /// Empties the molecule, keeping the room its atoms, bonds, rings and
    /// stereo centres took, so that the next molecule read into it (see
    /// [`crate::smiles::parse_into`]) need not allocate it again. Room for
    /// more than 16,384 atoms, bonds or ring entries is given back: one huge
    /// molecule does not leave a bulk reader holding its memory for the rest
    /// of the run.
    ///
    /// ```
    /// let mut mol = markush::smiles::parse("c1ccccc1").unwrap();
    /// mol.clear();
    /// assert_eq!(mol.atom_count(), 0);
    /// assert!(mol.rings().sssr().is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.graph.clear();
        let (nodes, edges) = self.graph.capacity();
        if nodes.max(edges) > KEEP_ROOM {
            self.graph = UnGraph::default();
        }
        self.rings.clear(KEEP_ROOM);
        self.stereo.clear();
        if self.stereo.capacity() > KEEP_ROOM {
            self.stereo = Vec::new();
        }
        self.adjacency.take();
        self.aromatic_on_rings = false;
    }

    /// Makes room for `atoms` and `bonds` in the molecule, which must be
    /// empty: a new graph of that size, where the one it has is too small,
    /// costs less than growing it (`reserve`, made for growth by steps).
    pub(crate) fn make_room(&mut self, atoms: usize, bonds: usize) {
        debug_assert_eq!(self.atom_count(), 0);
        let (nodes, edges) = self.graph.capacity();
        if nodes < atoms || edges < bonds {
            self.graph = UnGraph::with_capacity(atoms.max(nodes), bonds.max(edges));
        }
    }

    #[inline]
    pub fn add_atom(&mut self, atom: Atom) -> usize {
        self.adjacency.take();
        self.aromatic_on_rings = false;
        self.build_atom(atom)
    }

    /// Adds a bond from `a` to `b` (for a dative bond, `a` is the donor).
    #[inline]
    pub fn add_bond(&mut self, a: usize, b: usize, bond: Bond) -> usize {
        self.adjacency.take();
        self.build_bond(a, b, bond)
    }

    /// [`Mol::add_atom`] for a molecule still being built, whose adjacency
    /// was never asked for and which was not perceived yet: the reader adds
    /// every atom this way, and resetting the cache each time was a
    /// measurable part of reading.
    #[inline]
    pub(crate) fn build_atom(&mut self, atom: Atom) -> usize {
        debug_assert!(self.adjacency.get().is_none() && !self.aromatic_on_rings);
        self.graph.add_node(atom).index()
    }

    /// [`Mol::add_bond`] for a molecule still being built (see
    /// [`Mol::build_atom`]).
    #[inline]
    pub(crate) fn build_bond(&mut self, a: usize, b: usize, bond: Bond) -> usize {
        debug_assert!(self.adjacency.get().is_none());
        self.graph
            .add_edge(NodeIndex::new(a), NodeIndex::new(b), bond)
            .index()
    }

    #[inline]
    pub fn atom_count(&self) -> usize {
        self.graph.node_count()
    }

    #[inline]
    pub fn bond_count(&self) -> usize {
        self.graph.edge_count()
    }

    #[inline]
    pub fn atom(&self, i: usize) -> &Atom {
        &self.graph[NodeIndex::new(i)]
    }

    #[inline]
    pub fn atom_mut(&mut self, i: usize) -> &mut Atom {
        self.aromatic_on_rings = false;
        &mut self.graph[NodeIndex::new(i)]
    }

    #[inline]
    pub fn atoms(&self) -> impl Iterator<Item = &Atom> + '_ {
        self.graph.node_weights()
    }

    /// Every atom, mutable, in index order; one pass without index lookups.
    #[inline]
    pub(crate) fn atoms_mut(&mut self) -> impl Iterator<Item = &mut Atom> + '_ {
        self.aromatic_on_rings = false;
        self.graph.node_weights_mut()
    }

    /// Every bond, mutable, in index order.
    #[inline]
    pub(crate) fn bonds_mut(&mut self) -> impl Iterator<Item = &mut Bond> + '_ {
        self.graph.edge_weights_mut()
    }

    #[inline]
    pub fn bond(&self, e: usize) -> &Bond {
        &self.graph[EdgeIndex::new(e)]
    }

    #[inline]
    pub fn bond_mut(&mut self, e: usize) -> &mut Bond {
        &mut self.graph[EdgeIndex::new(e)]
    }

    /// Every bond as `(first atom, second atom, bond)`, in bond index order;
    /// one sequential pass, cheaper than looking bonds up one by one.
    #[inline]
    pub fn bonds(
        &self,
    ) -> impl DoubleEndedIterator<Item = (usize, usize, &Bond)> + ExactSizeIterator + '_ {
        self.graph
            .raw_edges()
            .iter()
            .map(|e| (e.source().index(), e.target().index(), &e.weight))
    }

    /// The two atoms of bond `e`, first atom first.
    #[inline]
    pub fn bond_atoms(&self, e: usize) -> (usize, usize) {
        let (a, b) = self
            .graph
            .edge_endpoints(EdgeIndex::new(e))
            .expect("bond index out of range");
        (a.index(), b.index())
    }

    /// `(neighbour atom, bond)` pairs of atom `i`.
    pub fn neighbors(&self, i: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let n = NodeIndex::new(i);
        self.graph.edges(n).map(move |e| {
            let other = if e.source() == n {
                e.target()
            } else {
                e.source()
            };
            (other.index(), e.id().index())
        })
    }

    #[inline]
    pub fn bond_between(&self, a: usize, b: usize) -> Option<usize> {
        self.graph
            .find_edge(NodeIndex::new(a), NodeIndex::new(b))
            .map(|e| e.index())
    }

    /// Number of explicit neighbours (graph atoms, hydrogens atoms included).
    pub fn degree(&self, i: usize) -> usize {
        self.graph.edges(NodeIndex::new(i)).count()
    }

    /// Sum of bond valences on atom `i` plus its hydrogens: the valence the
    /// atom shows. A dative bond counts only on its acceptor.
    pub fn valence(&self, i: usize) -> u32 {
        self.bonded_valence(i) + self.atom(i).total_h() as u32
    }

    /// Sum of bond valences on atom `i`, hydrogens not counted.
    pub fn bonded_valence(&self, i: usize) -> u32 {
        // petgraph reports every undirected edge with `i` as its source, so
        // the donor end of a dative bond must come from the stored endpoints.
        self.neighbors(i)
            .map(|(_, e)| {
                let b = self.bond(e);
                if b.order == BondOrder::Dative && self.bond_atoms(e).0 == i {
                    0
                } else {
                    b.order.valence() as u32
                }
            })
            .sum()
    }

    /// The bonds of every atom as one compact table, built on the first
    /// call and kept until the next atom or bond is added. Rows list bonds in
    /// index order (unlike [`Mol::neighbors`], which follows petgraph).
    #[inline]
    pub fn adjacency(&self) -> &Adjacency {
        self.adjacency.get_or_init(|| Adjacency::of(self))
    }

    /// [`Mol::adjacency`] if it is built, without building it.
    #[inline]
    pub(crate) fn built_adjacency(&self) -> Option<&Adjacency> {
        self.adjacency.get()
    }

    /// The underlying petgraph graph, for algorithms that want it.
    pub fn graph(&self) -> &UnGraph<Atom, Bond, u32> {
        &self.graph
    }

    #[inline]
    pub fn rings(&self) -> &RingInfo {
        &self.rings
    }

    pub fn stereo_centers(&self) -> &[StereoCenter] {
        &self.stereo
    }

    pub fn add_stereo_center(&mut self, center: StereoCenter) {
        self.stereo.push(center);
    }

    /// Perceives rings and aromaticity from the Kekulé structure; call after
    /// building a molecule by hand (the SMILES reader calls it itself).
    /// Hydrogen counts must already be set.
    pub fn perceive(&mut self) {
        rings::perceive_into_mol(self);
        aromaticity::perceive(self);
        self.aromatic_on_rings = true;
    }

    /// [`Mol::perceive`], given the ring forest the molecule's builder noted
    /// while adding the bonds (see [`rings::Forest`]), with the builder's
    /// buffers: one thread-local access per molecule, not one per step.
    pub(crate) fn perceive_given(&mut self, forest: &mut rings::Forest, work: &mut PerceptionWork) {
        rings::perceive_given(self, forest, &mut work.rings);
        aromaticity::perceive_in(self, &mut work.aromaticity);
        self.aromatic_on_rings = true;
    }

    /// Whether every aromatic atom is known to lie on a ring, and so to
    /// have two bonds at least: true from [`Mol::perceive`] until an atom
    /// is added or changed.
    #[inline]
    pub(crate) fn aromatic_on_rings(&self) -> bool {
        self.aromatic_on_rings
    }

    /// Total formal charge.
    pub fn charge(&self) -> i32 {
        self.atoms().map(|a| a.charge as i32).sum()
    }

    /// Atoms heavier than hydrogen; like RDKit, the `*` atom is not one.
    pub fn heavy_atom_count(&self) -> usize {
        self.atoms().filter(|a| a.element > 1).count()
    }

    /// All hydrogens: implicit, bracket counts and hydrogen atoms.
    pub fn hydrogen_count(&self) -> usize {
        self.atoms()
            .map(|a| a.total_h() as usize + usize::from(a.element == 1))
            .sum()
    }

    /// Hydrogens on every atom other than hydrogen, in atom order, with
    /// hydrogen atoms of the graph counted on the atom they are bonded to:
    /// what RDKit reports after removing explicit hydrogens, and the form
    /// the SMILES-reading benchmark publishes its answers in.
    pub fn heavy_atom_hydrogens(&self) -> Vec<u32> {
        let mut counts: Vec<u32> = self.atoms().map(|a| u32::from(a.total_h())).collect();
        for (a, b, _) in self.bonds() {
            if self.atom(a).element == 1 {
                counts[b] += 1;
            }
            if self.atom(b).element == 1 {
                counts[a] += 1;
            }
        }
        (0..self.atom_count())
            .filter(|&i| self.atom(i).element != 1)
            .map(|i| counts[i])
            .collect()
    }

    pub fn aromatic_atom_count(&self) -> usize {
        self.atoms().filter(|a| a.aromatic).count()
    }

    /// Molecular formula in Hill order with the charge the way RDKit's
    /// `CalcMolFormula` writes it (`C2H3O2-`, `C6H8N+`, `Cu+2`).
    pub fn formula(&self) -> String {
        let mut counts = [0usize; element::MAX_ATOMIC_NUMBER as usize + 1];
        for a in self.atoms() {
            counts[a.element as usize] += 1;
            counts[1] += a.total_h() as usize;
        }
        let mut out = String::new();
        let mut push = |z: usize, n: usize| {
            if n > 0 {
                out.push_str(element::symbol(z as u8));
                if n > 1 {
                    out.push_str(&n.to_string());
                }
            }
        };
        let mut order: Vec<usize> = (0..counts.len()).filter(|&z| counts[z] > 0).collect();
        // RDKit writes H right after C, and first when there is no carbon
        // (`HCl`, `H3N`), where strict Hill order would say `ClH`.
        push(6, counts[6]);
        push(1, counts[1]);
        order.retain(|&z| z != 6 && z != 1);
        order.sort_by_key(|&z| element::symbol(z as u8));
        for z in order {
            push(z, counts[z]);
        }
        match self.charge() {
            0 => {}
            1 => out.push('+'),
            -1 => out.push('-'),
            q if q > 0 => out.push_str(&format!("+{q}")),
            q => out.push_str(&format!("-{}", -q)),
        }
        out
    }
}
