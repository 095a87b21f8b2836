//! The substituent vocabulary: named groups (alkyl, alkoxy, sulfo, ...) that
//! the template language defines in `grammars/groups.markush`.

pub mod def;
