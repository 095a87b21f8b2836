//! SMILES writer. PLACEHOLDER: being written on branch `writer`.

use crate::mol::Mol;

/// Canonical SMILES of the whole molecule.
pub fn to_smiles(_mol: &Mol) -> String {
    unimplemented!("writer branch")
}

/// SMILES of the fragment made of `atoms`, cut bonds written as `[*]`
/// (or `[*:n]` when `label_cuts`).
pub fn fragment_smiles(_mol: &Mol, _atoms: &[usize], _label_cuts: bool) -> String {
    unimplemented!("writer branch")
}
