//! `markush` reads molecules and tells which claimed Markush formula each one
//! falls under, and how.
//!
//! Layers, lowest first; data flows one way (text -> molecule -> matches ->
//! report) and no module imports one above it:
//!
//! - [`smiles`]: reading and writing SMILES;
//! - [`mol`]: the molecular graph, rings, aromaticity, clean-up;
//! - [`matcher`]: bounded subgraph search over per-molecule facts;
//! - [`smarts`]: SMARTS queries, matched with `matcher`;
//! - [`groups`]: the substituent vocabulary (alkoxy, sulfamoyl, ...);
//! - [`markush`]: the template language of `grammars/`;
//! - [`io`]: record readers and writers for the command line.

pub mod classify;
pub mod groups;
pub mod io;
pub mod markush;
pub mod matcher;
pub mod mol;
pub mod smarts;
pub mod smiles;
