//! SMILES reading and writing (OpenSMILES, plus RDKit's dative bonds `->`).

mod canon;
mod chain;
mod error;
mod read;
pub mod write;

pub(crate) use chain::{Chain, OpenRing};
pub(crate) use error::{unexpected_at, Caret};
pub use error::{Found, ReadError, SmilesError};
pub use read::{parse, parse_graph, parse_into, parse_unperceived};
pub use write::{fragment_smiles, to_smiles};
