//! SMILES reading and writing (OpenSMILES, plus RDKit's dative bonds `->`).

mod branches;
mod canon;
mod error;
mod read;
pub mod write;

#[allow(unused_imports)]
pub(crate) use branches::{Branches, CloseError};
pub(crate) use error::Caret;
pub use error::{Found, SmilesError};
pub use read::{parse, parse_graph, parse_unperceived};
pub use write::{fragment_smiles, to_smiles};
