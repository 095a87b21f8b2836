//! `markush` reads molecules and tells which claimed Markush formula each one
//! falls under, and how.
//!
//! Layers, lowest first: [`smiles`] reads text into a [`mol::Mol`]; `mol`
//! holds the graph with rings and aromaticity. Higher layers never reach
//! down past the one below them.

pub mod io;
pub mod matcher;
pub mod mol;
pub mod smarts;
pub mod smiles;
