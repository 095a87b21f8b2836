//! The forms of a molecule to classify: the molecule as given, with its
//! metal bonds brought to one spelling, and the azo-enol forms of azo dyes
//! drawn as hydrazones.
//!
//! Metal spelling. Phthalocyanines and other metal complexes are written
//! covalently (`[n]2[Cu][n]3`), ionically (`[n-]` ligand with `[Cu+2]` as a
//! component of its own), with dative bonds (`n->[Cu]`) or charge-separated
//! (`[n+]` bonded to `[Cu-2]`). The first variant brings them all to one
//! graph: single bonds from the metal to the atoms that carry the ligand's
//! negative charge, no charges on them, and no bond from an atom whose
//! valence is already full (a dative bond adds nothing to the donor's
//! valence, so the ligand reads the same without it). The ligand's
//! aromaticity is that of its metal-free form (metal-bound N read as NH),
//! so a phthalocyanine is aromatic as a whole, like H2Pc, and one core
//! query (`n` for the inner nitrogens) finds the metal-free and every
//! metallated form.
//!
//! Tautomers. An azo dye drawn as its keto-hydrazone (`O=C-C=N-NH-Ar`, also
//! through a vinylogous `O=C-C=C-C=N-NH-Ar` path) gets an extra variant in
//! the azo-enol form (`HO-C=C-N=N-Ar`): the hydrogen moves from the NH to the
//! oxygen and the double bonds shift along the path. One rewrite per
//! hydrazone site; no tautomer enumeration.
//!
//! Atoms are never added, removed or reordered (explicit `[H]` atoms stay),
//! so every variant's `origin` is the identity.
//!
//! ```
//! use markush::mol::normalize::variants;
//! use markush::smiles::{parse, to_smiles};
//! let sudan = parse("O=C1C=Cc2ccccc2C1=NNc1ccccc1").unwrap();
//! let forms = variants(&sudan);
//! assert_eq!(forms.len(), 2);
//! let azo = parse("Oc1ccc2ccccc2c1N=Nc1ccccc1").unwrap();
//! assert_eq!(to_smiles(&forms[1].mol), to_smiles(&azo));
//! ```

use super::{assign_implicit_hydrogens, element, Bond, BondDirection, BondOrder, Chirality, Mol};

/// One form of a molecule to classify: the molecule itself, or a normalised form.
#[derive(Clone, Debug)]
pub struct Variant {
    pub mol: Mol,
    /// Index in the original molecule of each atom of `mol` (same length as
    /// mol.atom_count()); normalisation never adds heavy atoms.
    pub origin: Vec<usize>,
    /// What was done, for the report ("hydrazone tautomer read as azo",
    /// "ionic metal bonds written covalently"); empty for the molecule as given.
    pub notes: Vec<String>,
}

pub const NOTE_AZO: &str = "hydrazone tautomer read as azo (azo-enol form)";
pub const NOTE_IONIC: &str = "ionic metal bonds written covalently";
pub const NOTE_DATIVE_COVALENT: &str = "dative bonds from anionic donors written covalently";
pub const NOTE_DATIVE_DROPPED: &str =
    "dative bonds to the metal left out (the donor's valence is full without them)";
pub const NOTE_CHARGE_SEPARATED: &str = "charge-separated metal bonds neutralised";
pub const NOTE_LIGAND_AROMATICITY: &str =
    "aromaticity of the metal-bound ligand read as in its metal-free form";
pub const NOTE_DATIVE_NONMETAL: &str = "dative bonds between non-metals written charge-separated";

/// Hydrazone sites rewritten at most; past this a molecule is a polymer-like
/// record, and the first few sites are what a dye formula can use.
const MAX_AZO_SITES: usize = 4;
/// Longest carbon path from the hydrazone carbon to the carbonyl carbon:
/// 1 is the ortho form (`O=C-C=N`), 3 the para form (`O=C-C=C-C=N`).
const MAX_AZO_PATH: usize = 3;
/// Azo-enol variants at most per molecule.
const MAX_AZO_VARIANTS: usize = 6;

/// The forms to try, the molecule as given (after metal normalisation if
/// needed) first. A molecule without metals, dative bonds or hydrazone
/// sites gives exactly one variant, the molecule unchanged.
pub fn variants(mol: &Mol) -> Vec<Variant> {
    let first = match normalise_metals(mol) {
        Some((mol, notes)) => Variant {
            origin: (0..mol.atom_count()).collect(),
            mol,
            notes,
        },
        None => Variant {
            mol: mol.clone(),
            origin: (0..mol.atom_count()).collect(),
            notes: Vec::new(),
        },
    };
    let azo = azo_variants(&first);
    let mut out = Vec::with_capacity(1 + azo.len());
    out.push(first);
    out.extend(azo);
    out
}

// ---------------------------------------------------------------- metals

/// Bond and charge edits for the metal pass, applied at the end by
/// rebuilding the molecule (bonds cannot be removed in place).
struct MetalEdits {
    charge: Vec<i8>,
    removed: Vec<bool>,
    to_single: Vec<bool>,
    added: Vec<(usize, usize)>,
    notes: Vec<&'static str>,
}

impl MetalEdits {
    fn note(&mut self, note: &'static str) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }
}

fn is_metal(mol: &Mol, i: usize) -> bool {
    element::is_metal(mol.atom(i).element)
}

/// The metal-normalised molecule and what was done, or `None` when the
/// molecule has no metal spelling to change.
fn normalise_metals(mol: &Mol) -> Option<(Mol, Vec<String>)> {
    let has_metal = (0..mol.atom_count()).any(|i| is_metal(mol, i));
    let has_dative = mol.bonds().any(|(_, _, b)| b.order == BondOrder::Dative);
    if !has_metal && !has_dative {
        return None;
    }
    let mut edits = MetalEdits {
        charge: mol.atoms().map(|a| a.charge).collect(),
        removed: vec![false; mol.bond_count()],
        to_single: vec![false; mol.bond_count()],
        added: Vec::new(),
        notes: Vec::new(),
    };
    for e in 0..mol.bond_count() {
        edit_bond(mol, e, &mut edits);
    }
    if has_metal {
        pair_ions(mol, &mut edits);
    }
    let mut notes: Vec<String> = edits.notes.iter().map(|s| s.to_string()).collect();
    let mut out = (!edits.is_empty()).then(|| rebuild(mol, &edits));
    let current = out.as_ref().unwrap_or(mol);
    if let Some((atoms, bonds)) = ligand_aromaticity(current) {
        let target = out.get_or_insert_with(|| mol.clone());
        for (i, flag) in atoms.into_iter().enumerate() {
            target.atom_mut(i).aromatic = flag;
        }
        for (e, flag) in bonds.into_iter().enumerate() {
            target.bond_mut(e).aromatic = flag;
        }
        notes.push(NOTE_LIGAND_AROMATICITY.to_string());
    }
    out.map(|m| (m, notes))
}

/// Aromaticity of a metal complex read as in its metal-free ligand, with
/// each metal-bound nitrogen standing for an NH: `(atom flags, bond
/// flags)`, or `None` when that changes nothing. A metal bridging a
/// macrocycle takes the inner ring out of the smallest set of rings, so
/// perception on the complex itself marks only part of a phthalocyanine
/// aromatic, and which part follows the Kekule form written; the ligand
/// is aromatic as a whole (as H2Pc is), whatever the spelling.
fn ligand_aromaticity(mol: &Mol) -> Option<(Vec<bool>, Vec<bool>)> {
    let metal_n: Vec<bool> = mol
        .bonds()
        .map(|(a, b, bond)| {
            let n_end = |x: usize, y: usize| {
                is_metal(mol, x) && mol.atom(y).element == 7 && mol.atom(y).charge == 0
            };
            bond.order == BondOrder::Single && (n_end(a, b) || n_end(b, a))
        })
        .collect();
    if !metal_n.contains(&true) {
        return None;
    }
    let mut ligand = Mol::with_capacity(mol.atom_count(), mol.bond_count());
    for atom in mol.atoms() {
        ligand.add_atom(atom.clone());
    }
    for (e, (a, b, bond)) in mol.bonds().enumerate() {
        if metal_n[e] {
            let n = ligand.atom_mut(if is_metal(mol, a) { b } else { a });
            // Perception reads a bracket atom's hydrogens from its brackets.
            let h = if n.bracket {
                &mut n.explicit_h
            } else {
                &mut n.implicit_h
            };
            *h = h.saturating_add(1);
        } else {
            ligand.add_bond(a, b, *bond);
        }
    }
    ligand.perceive();
    let atoms: Vec<bool> = ligand.atoms().map(|a| a.aromatic).collect();
    let bonds: Vec<bool> = mol
        .bonds()
        .map(|(a, b, _)| {
            ligand
                .bond_between(a, b)
                .is_some_and(|e| ligand.bond(e).aromatic)
        })
        .collect();
    let same = mol.atoms().zip(&atoms).all(|(x, &f)| x.aromatic == f)
        && mol
            .bonds()
            .zip(&bonds)
            .all(|((_, _, x), &f)| x.aromatic == f);
    (!same).then_some((atoms, bonds))
}

fn allows(mol: &Mol, x: usize, charge: i8, valence: u32) -> bool {
    element::allowed_valences_charged(mol.atom(x).element, charge)
        .iter()
        .any(|&v| v as u32 == valence)
}

/// Below the smallest valence its element and charge allow: an anion drawn
/// neutral (`[n]` with two ring bonds).
fn under_valent(mol: &Mol, x: usize, charge: i8) -> bool {
    element::allowed_valences_charged(mol.atom(x).element, charge)
        .first()
        .is_some_and(|&v| mol.valence(x) < v as u32)
}

fn edit_bond(mol: &Mol, e: usize, edits: &mut MetalEdits) {
    let (a, b) = mol.bond_atoms(e);
    let order = mol.bond(e).order;
    let (ma, mb) = (is_metal(mol, a), is_metal(mol, b));
    if order == BondOrder::Dative && !ma && !mb {
        // N->O is [N+]-[O-], the spelling clean-up gives N(=O)=O and kin.
        edits.to_single[e] = true;
        edits.charge[a] = edits.charge[a].saturating_add(1);
        edits.charge[b] = edits.charge[b].saturating_sub(1);
        edits.note(NOTE_DATIVE_NONMETAL);
        return;
    }
    if ma == mb {
        return;
    }
    let (m, x) = if ma { (a, b) } else { (b, a) };
    if mol.atom(x).element <= 1 {
        return;
    }
    // The bond rules below read a bond to N, O, P or S as a dative bond in
    // disguise; bonds to carbon (organometallics) stay as written.
    let donor_element = matches!(mol.atom(x).element, 7 | 8 | 15 | 16);
    let xq = edits.charge[x];
    match order {
        // Only a non-metal donating to the metal; a metal donating is rare
        // enough to keep as written.
        BondOrder::Dative if x == a => {
            if xq < 0 || under_valent(mol, x, xq) {
                edits.to_single[e] = true;
                if xq < 0 {
                    edits.charge[x] += 1;
                    edits.charge[m] = edits.charge[m].saturating_sub(1);
                }
                edits.note(NOTE_DATIVE_COVALENT);
            } else {
                edits.removed[e] = true;
                edits.note(NOTE_DATIVE_DROPPED);
            }
        }
        BondOrder::Single if donor_element => {
            let v = mol.valence(x);
            if xq == 1 && allows(mol, x, 0, v - 1) {
                // [n+]-[Cu-2]: a dative bond written with charges.
                edits.removed[e] = true;
                edits.charge[x] = 0;
                edits.charge[m] = edits.charge[m].saturating_add(1);
                edits.note(NOTE_CHARGE_SEPARATED);
            } else if xq == 0 && !allows(mol, x, 0, v) && allows(mol, x, 0, v - 1) {
                // A neutral four-valent N on the metal: the same bond with
                // the charges left out.
                edits.removed[e] = true;
                edits.note(NOTE_DATIVE_DROPPED);
            } else if xq < 0 && edits.charge[m] > 0 {
                edits.charge[x] += 1;
                edits.charge[m] -= 1;
                edits.note(NOTE_CHARGE_SEPARATED);
            }
        }
        _ => {}
    }
}

/// Connected components over the bonds the edits keep.
fn components(mol: &Mol, removed: &[bool]) -> Vec<usize> {
    let n = mol.atom_count();
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    for start in 0..n {
        if comp[start] != usize::MAX {
            continue;
        }
        comp[start] = start;
        stack.push(start);
        while let Some(v) = stack.pop() {
            for (w, e) in mol.neighbors(v) {
                if !removed[e] && comp[w] == usize::MAX {
                    comp[w] = start;
                    stack.push(w);
                }
            }
        }
    }
    comp
}

/// Bonds a multivalent metal cation standing alone to the anionic ring
/// nitrogens of a ligand (two or more of them: a macrocycle or chelate, as
/// in `[Cu+2].[n-]...[n-]`), then to lone halide anions while its charge
/// stays positive (`[Al+3]`, `[Cl-]` and a phthalocyanine dianion is
/// ClAlPc). Salts of single anions (`[Na+]`, sulfonamide or tetrazole
/// anions) stay as written.
fn pair_ions(mol: &Mol, edits: &mut MetalEdits) {
    let comp = components(mol, &edits.removed);
    let alone = |i: usize| {
        !mol.neighbors(i)
            .any(|(w, e)| !edits.removed[e] && mol.atom(w).element > 1)
    };
    let mut cations: Vec<usize> = (0..mol.atom_count())
        .filter(|&i| is_metal(mol, i) && edits.charge[i] >= 2 && alone(i))
        .collect();
    if cations.is_empty() {
        return;
    }
    // Anionic ring N per ligand component, in atom order.
    let mut ligands: Vec<(usize, Vec<usize>)> = Vec::new();
    for (x, &c) in comp.iter().enumerate() {
        let ok = mol.atom(x).element == 7
            && edits.charge[x] == -1
            && mol.rings().is_ring_atom(x)
            && !mol.neighbors(x).any(|(w, _)| is_metal(mol, w));
        if !ok {
            continue;
        }
        match ligands.iter_mut().find(|(l, _)| *l == c) {
            Some((_, atoms)) => atoms.push(x),
            None => ligands.push((c, vec![x])),
        }
    }
    let mut bonded_metals = Vec::new();
    // A macrocycle or chelate holds two to four; more is not one ligand site.
    for (_, anions) in ligands.iter().filter(|(_, a)| (2..=8).contains(&a.len())) {
        let k = anions.len() as i8;
        // The cation whose charge fits best: equal to k, else the smallest above.
        let Some(pos) = (0..cations.len())
            .filter(|&p| edits.charge[cations[p]] >= k)
            .min_by_key(|&p| edits.charge[cations[p]])
        else {
            continue;
        };
        let m = cations.swap_remove(pos);
        for &x in anions {
            edits.added.push((m, x));
            edits.charge[x] = 0;
        }
        edits.charge[m] -= k;
        bonded_metals.push(m);
        edits.note(NOTE_IONIC);
    }
    let mut halides = (0..mol.atom_count())
        .filter(|&i| {
            matches!(mol.atom(i).element, 9 | 17 | 35 | 53)
                && edits.charge[i] == -1
                && mol.atom(i).total_h() == 0
                && mol.degree(i) == 0
        })
        .collect::<Vec<_>>()
        .into_iter();
    for m in bonded_metals {
        while edits.charge[m] > 0 {
            let Some(x) = halides.next() else { return };
            edits.added.push((m, x));
            edits.charge[x] = 0;
            edits.charge[m] -= 1;
        }
    }
}

/// The molecule with the edits applied: same atoms in the same order,
/// hydrogens recomputed on the atoms whose bonds or charges changed, rings
/// and aromaticity perceived afresh.
fn rebuild(mol: &Mol, edits: &MetalEdits) -> Mol {
    let n = mol.atom_count();
    let mut touched = vec![false; n];
    let mut out = Mol::with_capacity(n, mol.bond_count() + edits.added.len());
    for (i, atom) in mol.atoms().enumerate() {
        let mut atom = atom.clone();
        touched[i] = atom.charge != edits.charge[i];
        atom.charge = edits.charge[i];
        out.add_atom(atom);
    }
    for (e, (a, b, bond)) in mol.bonds().enumerate() {
        if edits.removed[e] {
            touched[a] = true;
            touched[b] = true;
            continue;
        }
        let mut bond = *bond;
        if edits.to_single[e] {
            bond.order = BondOrder::Single;
            touched[a] = true;
            touched[b] = true;
        }
        out.add_bond(a, b, bond);
    }
    for &(m, x) in &edits.added {
        out.add_bond(m, x, Bond::new(BondOrder::Single));
        touched[m] = true;
        touched[x] = true;
    }
    // A chirality tag's neighbour order no longer fits an atom whose bonds
    // changed.
    for center in mol.stereo_centers() {
        if touched[center.atom as usize] {
            out.atom_mut(center.atom as usize).chirality = Chirality::None;
        } else {
            out.add_stereo_center(center.clone());
        }
    }
    recompute_hydrogens(&mut out, &touched);
    out.perceive();
    out
}

/// Implicit hydrogens from the valence model on the touched atoms only;
/// the others keep what they had.
fn recompute_hydrogens(mol: &mut Mol, touched: &[bool]) {
    let before: Vec<u8> = mol.atoms().map(|a| a.implicit_h).collect();
    assign_implicit_hydrogens(mol);
    for (i, h) in before.into_iter().enumerate() {
        if !touched[i] {
            mol.atom_mut(i).implicit_h = h;
        }
    }
}

// ---------------------------------------------------------------- azo

/// Azo-enol forms of the hydrazone sites of `base`: all sites rewritten
/// together first; then, when there are several sites or a site has two
/// equally good carbonyls, each site and carbonyl alone, so a formula with
/// one azo group finds either half.
fn azo_variants(base: &Variant) -> Vec<Variant> {
    let sites = hydrazone_sites(&base.mol);
    if sites.is_empty() {
        return Vec::new();
    }
    let make = |paths: &[&[usize]]| -> Option<Variant> {
        let mut mol = base.mol.clone();
        let mut touched = vec![false; mol.atom_count()];
        let mut any = false;
        for path in paths {
            // An earlier rewrite may have used an atom of this one.
            if is_hydrazone_path(&mol, path) {
                rewrite_to_azo(&mut mol, path, &mut touched);
                any = true;
            }
        }
        if !any {
            return None;
        }
        recompute_hydrogens(&mut mol, &touched);
        mol.perceive();
        let mut notes = base.notes.clone();
        notes.push(NOTE_AZO.to_string());
        Some(Variant {
            mol,
            origin: base.origin.clone(),
            notes,
        })
    };
    let firsts: Vec<&[usize]> = sites.iter().map(|s| s[0].as_slice()).collect();
    let mut out: Vec<Variant> = make(&firsts).into_iter().collect();
    let singles: Vec<&[usize]> = sites
        .iter()
        .flat_map(|s| s.iter().map(Vec::as_slice))
        .collect();
    if singles.len() > 1 {
        for path in singles {
            if out.len() == MAX_AZO_VARIANTS {
                break;
            }
            if sites.len() > 1 || path != firsts[0] {
                out.extend(make(&[path]));
            }
        }
    }
    out
}

/// The keto-hydrazone sites: per `C=N-NH-R`, the best paths (one, or two
/// when two carbonyls rank equal) `[NH, N, C, c1 .. ck, O]` from the
/// hydrazone carbon through an alternating single/double carbon path of
/// odd length up to [`MAX_AZO_PATH`] to a carbonyl oxygen.
fn hydrazone_sites(mol: &Mol) -> Vec<Vec<Vec<usize>>> {
    let mut sites = Vec::new();
    for (a, b, bond) in mol.bonds() {
        if bond.order != BondOrder::Double || sites.len() == MAX_AZO_SITES {
            continue;
        }
        let (c, n1) = match (mol.atom(a).element, mol.atom(b).element) {
            (6, 7) => (a, b),
            (7, 6) => (b, a),
            _ => continue,
        };
        let Some(n2) = hydrazone_nh(mol, n1, c) else {
            continue;
        };
        let paths: Vec<Vec<usize>> = carbonyl_paths(mol, c)
            .into_iter()
            .map(|tail| [n2, n1].into_iter().chain(tail).collect())
            .collect();
        if !paths.is_empty() {
            sites.push(paths);
        }
    }
    sites
}

/// The NH of `C=N-NH-Ar`: a neutral N with a hydrogen count (not a hydrogen
/// atom, which would have to move) on an aromatic ring, the diazo component
/// of the azo dye-to-be. Semicarbazones and acyl hydrazones (`C=N-NH-C(=O)`)
/// are not azo dyes. The `C=N-N` link is outside rings, as an azo link is:
/// pyrazoles and pyridazinones have ring `N-NH` of their own.
fn hydrazone_nh(mol: &Mol, n1: usize, c: usize) -> Option<usize> {
    let a1 = mol.atom(n1);
    if a1.charge != 0 || a1.total_h() != 0 || mol.degree(n1) != 2 || mol.atom(c).charge != 0 {
        return None;
    }
    let rings = mol.rings();
    if mol.neighbors(n1).any(|(_, e)| rings.is_ring_bond(e)) {
        return None;
    }
    let (n2, e) = mol.neighbors(n1).find(|&(w, _)| w != c)?;
    let a2 = mol.atom(n2);
    let ok = a2.element == 7
        && a2.charge == 0
        && a2.total_h() >= 1
        && mol.bond(e).order == BondOrder::Single
        && mol
            .neighbors(n2)
            .any(|(w, _)| w != n1 && mol.atom(w).aromatic);
    ok.then_some(n2)
}

/// From the hydrazone carbon `c`: paths `c, c1 .. ck, O` with `c-c1`
/// single, `c1=c2` double, ..., `ck=O` double. Shorter paths win, then
/// ketones over amides (a C=O with a heteroatom on its carbon enolises
/// less readily); of equals, the first two found. The order among
/// those depends on atom order, so callers try each.
fn carbonyl_paths(mol: &Mol, c: usize) -> Vec<Vec<usize>> {
    let carbon = |i: usize| mol.atom(i).element == 6 && mol.atom(i).charge == 0;
    let order = |e: usize| mol.bond(e).order;
    // Past the oxo group, the carbonyl carbon's other neighbours.
    let others = |path: &[usize]| {
        let (ck, o) = (path[path.len() - 2], path[path.len() - 1]);
        mol.neighbors(ck)
            .filter(move |&(w, _)| w != o)
            .map(|(w, _)| mol.atom(w).element)
    };
    let rank = |path: &[usize]| (path.len(), others(path).any(|z| !matches!(z, 1 | 6)));
    let mut found: Vec<Vec<usize>> = Vec::new();
    // Explicit stack of partial paths; the depth bound keeps it tiny.
    let mut stack: Vec<Vec<usize>> = vec![vec![c]];
    while let Some(path) = stack.pop() {
        let last = path[path.len() - 1];
        let k = path.len() - 1;
        if k % 2 == 1 {
            let oxo = mol.neighbors(last).find(|&(w, e)| {
                let a = mol.atom(w);
                a.element == 8
                    && a.charge == 0
                    && mol.degree(w) == 1
                    && order(e) == BondOrder::Double
            });
            if let Some((o, _)) = oxo {
                let mut full = path;
                full.push(o);
                found.push(full);
                continue;
            }
            if k == MAX_AZO_PATH {
                continue;
            }
        }
        // Odd steps go by a single bond, even ones by a double bond.
        let want = if k % 2 == 0 {
            BondOrder::Single
        } else {
            BondOrder::Double
        };
        for (w, e) in mol.neighbors(last) {
            if order(e) == want && carbon(w) && !path.contains(&w) {
                let mut next = path.clone();
                next.push(w);
                stack.push(next);
            }
        }
    }
    // An acid or ester carbonyl (`C(=O)O`) has no azo-enol form.
    found.retain(|p| !others(p).any(|z| z == 8));
    let Some(best) = found.iter().map(|p| rank(p)).min() else {
        return found;
    };
    found.retain(|p| rank(p) == best);
    found.truncate(2);
    found
}

/// Whether `path` still reads `NH-N=C-C(=C-C)...=O` in `mol`.
fn is_hydrazone_path(mol: &Mol, path: &[usize]) -> bool {
    let n2 = path[0];
    if mol.atom(n2).total_h() == 0 {
        return false;
    }
    path.windows(2).enumerate().all(|(i, w)| {
        let want = if i % 2 == 0 {
            BondOrder::Single
        } else {
            BondOrder::Double
        };
        mol.bond_between(w[0], w[1])
            .is_some_and(|e| mol.bond(e).order == want)
    })
}

/// Moves the hydrogen from the NH to the oxygen and swaps single and double
/// bonds along the path. Cis/trans marks on bonds at the path no longer
/// describe the new double bonds, so they go.
fn rewrite_to_azo(mol: &mut Mol, path: &[usize], touched: &mut [bool]) {
    for w in path.windows(2) {
        if let Some(e) = mol.bond_between(w[0], w[1]) {
            let bond = mol.bond_mut(e);
            bond.order = match bond.order {
                BondOrder::Single => BondOrder::Double,
                _ => BondOrder::Single,
            };
        }
    }
    for &i in path {
        let bonds: Vec<usize> = mol.neighbors(i).map(|(_, e)| e).collect();
        for e in bonds {
            mol.bond_mut(e).direction = BondDirection::None;
        }
    }
    let (n2, o) = (path[0], path[path.len() - 1]);
    let nh = mol.atom_mut(n2);
    if nh.bracket {
        nh.explicit_h -= 1;
    }
    let oh = mol.atom_mut(o);
    if oh.bracket {
        oh.explicit_h = oh.explicit_h.saturating_add(1);
    }
    touched[n2] = true;
    touched[o] = true;
}
