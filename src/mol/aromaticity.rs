//! Aromaticity perception after RDKit's default model.
//! PLACEHOLDER: being written on branch `aromaticity`.

use super::Mol;

pub fn perceive(_mol: &mut Mol) {}
