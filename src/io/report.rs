//! The JSON record `markush parse` writes for each input record.

use serde::Serialize;

use crate::mol::Mol;
use crate::smiles::SmilesError;

use super::SmiRecord;

/// One output line: where the record came from, then either what was read
/// or why it could not be.
#[derive(Debug, Serialize)]
pub struct ParseReport<'a> {
    pub line: usize,
    pub id: Option<&'a str>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Mol(MolReport),
    Error { error: ErrorReport },
}

/// A summary of a molecule that was read.
#[derive(Debug, Serialize)]
pub struct MolReport {
    pub formula: String,
    pub heavy_atoms: usize,
    pub hydrogens: usize,
    pub charge: i32,
    pub rings: usize,
    pub aromatic_atoms: usize,
    /// Hydrogens on each non-hydrogen atom in atom order, hydrogen atoms
    /// counted on their neighbour ([`Mol::heavy_atom_hydrogens`]); only
    /// asked for with `--atoms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub atom_hydrogens: Option<Vec<u32>>,
}

/// Why a SMILES could not be read, and the byte offset in the SMILES.
#[derive(Debug, Serialize)]
pub struct ErrorReport {
    pub message: String,
    pub offset: usize,
}

impl MolReport {
    pub fn new(mol: &Mol, atom_hydrogens: bool) -> Self {
        MolReport {
            formula: mol.formula(),
            heavy_atoms: mol.heavy_atom_count(),
            hydrogens: mol.hydrogen_count(),
            charge: mol.charge(),
            rings: mol.rings().sssr().len(),
            aromatic_atoms: mol.aromatic_atom_count(),
            atom_hydrogens: atom_hydrogens.then(|| mol.heavy_atom_hydrogens()),
        }
    }
}

impl From<&SmilesError> for ErrorReport {
    fn from(err: &SmilesError) -> Self {
        ErrorReport {
            message: err.to_string(),
            offset: err.offset(),
        }
    }
}

impl<'a> ParseReport<'a> {
    pub fn new(
        record: &'a SmiRecord,
        result: &Result<Mol, SmilesError>,
        atom_hydrogens: bool,
    ) -> Self {
        ParseReport {
            line: record.line,
            id: record.id.as_deref(),
            outcome: match result {
                Ok(mol) => Outcome::Mol(MolReport::new(mol, atom_hydrogens)),
                Err(err) => Outcome::Error { error: err.into() },
            },
        }
    }
}
