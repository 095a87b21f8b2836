//! The periodic table as the rest of the crate needs it: symbols, the valences
//! RDKit allows, and outer-shell electron counts for the aromaticity model.
//!
//! Elements are plain atomic numbers (`u8`); 0 is the `*` wildcard atom.

/// Element symbols indexed by atomic number; index 0 is the `*` atom.
const SYMBOLS: [&str; 119] = [
    "*", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
    "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
    "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
];

/// Highest atomic number the table knows.
pub const MAX_ATOMIC_NUMBER: u8 = 118;

/// Symbol of an element (`"*"` for 0, `"?"` past the table).
pub fn symbol(atomic_number: u8) -> &'static str {
    SYMBOLS.get(atomic_number as usize).copied().unwrap_or("?")
}

/// Atomic number of an element symbol, case-sensitive (`"Cl"`, not `"CL"`).
pub fn from_symbol(symbol: &str) -> Option<u8> {
    SYMBOLS
        .iter()
        .position(|s| *s == symbol)
        .filter(|&i| i > 0)
        .map(|i| i as u8)
}

/// Valences RDKit allows for the neutral element, smallest first. An empty
/// slice means "any valence" (transition metals, lanthanides, ...), which is
/// also how RDKit treats them (valence list `-1`).
#[inline]
pub fn allowed_valences(atomic_number: u8) -> &'static [u8] {
    // A table indexed by every u8: the reader asks once per atom.
    VALENCES[atomic_number as usize]
}

static VALENCES: [&[u8]; 256] = {
    let mut table: [&[u8]; 256] = [&[]; 256];
    let mut z = 0;
    while z < 256 {
        table[z] = valences_of(z as u8);
        z += 1;
    }
    table
};

/// Hydrogens a neutral atom of element `z` takes when its bonds show
/// `shown` (below [`SHOWN_TABULATED`]): the lowest allowed valence at or
/// above `shown`, minus `shown`. Tabulated because the reader asks for
/// every atom it reads.
#[inline(always)]
pub(crate) fn neutral_implicit_h(z: u8, shown: u32) -> u8 {
    if shown < SHOWN_TABULATED as u32 {
        return NEUTRAL_H[z as usize][shown as usize];
    }
    untabulated_implicit_h(z, shown)
}

#[cold]
#[inline(never)]
fn untabulated_implicit_h(z: u8, shown: u32) -> u8 {
    lowest_fill(allowed_valences(z), shown)
}

const SHOWN_TABULATED: usize = 8;

static NEUTRAL_H: [[u8; SHOWN_TABULATED]; 256] = {
    let mut table = [[0u8; SHOWN_TABULATED]; 256];
    let mut z = 0;
    while z < 256 {
        let valences = valences_of(z as u8);
        let mut shown = 0;
        while shown < SHOWN_TABULATED {
            let mut k = 0;
            while k < valences.len() {
                if valences[k] as usize >= shown {
                    table[z][shown] = valences[k] - shown as u8;
                    break;
                }
                k += 1;
            }
            shown += 1;
        }
        z += 1;
    }
    table
};

/// The lowest valence of `valences` at or above `shown`, minus `shown`;
/// 0 when none is.
pub(crate) fn lowest_fill(valences: &[u8], shown: u32) -> u8 {
    valences
        .iter()
        .map(|&v| v as u32)
        .find(|&v| v >= shown)
        .map_or(0, |v| (v - shown).min(u8::MAX as u32) as u8)
}

const fn valences_of(atomic_number: u8) -> &'static [u8] {
    match atomic_number {
        1 => &[1],
        2 | 10 | 18 | 36 => &[0],
        3 | 11 | 19 | 37 | 55 | 87 => &[1],
        4 | 12 | 20 | 38 | 56 | 88 => &[2],
        5 => &[3],
        6 => &[4],
        7 => &[3],
        8 => &[2],
        9 | 17 | 35 => &[1],
        13 => &[3],
        14 | 32 => &[4],
        15 | 33 | 51 | 83 => &[3, 5, 7],
        16 | 34 | 52 | 84 => &[2, 4, 6],
        31 | 49 => &[3],
        50 | 82 => &[2, 4],
        53 | 85 => &[1, 3, 5],
        81 => &[1, 3],
        54 => &[0, 2, 4, 6],
        86 => &[0],
        _ => &[],
    }
}

/// Valences for an atom of this element carrying `charge`. Main-group ions
/// take the valences of their isoelectronic neighbour (N+ like C, O- like F,
/// C- like N), as RDKit does; where no such neighbour exists in the same
/// p-block row the list is empty, meaning "not constrained".
#[inline]
pub fn allowed_valences_charged(atomic_number: u8, charge: i8) -> &'static [u8] {
    if charge == 0 {
        return allowed_valences(atomic_number);
    }
    charged_valences(atomic_number, charge)
}

fn charged_valences(atomic_number: u8, charge: i8) -> &'static [u8] {
    let Some(row) = p_block_row(atomic_number) else {
        return &[];
    };
    let shifted = atomic_number as i16 - charge as i16;
    if shifted < 1 || shifted > MAX_ATOMIC_NUMBER as i16 {
        return &[];
    }
    let shifted = shifted as u8;
    // Moving across the row keeps the shell; falling off it (B+ to Be) does not.
    match p_block_row(shifted) {
        Some(r) if r == row => allowed_valences(shifted),
        _ if charge > 0 && atomic_number == 5 => &[2],
        _ => &[],
    }
}

/// Row number for p-block elements B..Ne, Al..Ar, Ga..Kr, In..Xe, Tl..Rn.
fn p_block_row(z: u8) -> Option<u8> {
    match z {
        5..=10 => Some(2),
        13..=18 => Some(3),
        31..=36 => Some(4),
        49..=54 => Some(5),
        81..=86 => Some(6),
        _ => None,
    }
}

/// Valence-shell electron count (group electrons), as RDKit's `nOuterElecs`.
pub fn outer_electrons(atomic_number: u8) -> u8 {
    match atomic_number {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=10 => atomic_number - 2,
        11..=18 => atomic_number - 10,
        19..=36 => group_of_period4(atomic_number - 18),
        37..=54 => group_of_period4(atomic_number - 36),
        55..=56 => atomic_number - 54,
        57..=71 => 3,
        72..=86 => group_of_period4(atomic_number - 68),
        87..=88 => atomic_number - 86,
        89..=103 => 3,
        104..=118 => group_of_period4(atomic_number - 100),
        _ => 0,
    }
}

/// Maps a position in a 18-column row (1-based) to outer electrons: groups
/// 1-12 count as their group number, groups 13-18 as group minus ten.
fn group_of_period4(pos: u8) -> u8 {
    if pos <= 12 {
        pos
    } else {
        pos - 10
    }
}

/// True for metals (everything that is not a nonmetal, metalloid or noble gas),
/// used when deciding what a central atom or counter-ion is.
pub fn is_metal(atomic_number: u8) -> bool {
    !matches!(
        atomic_number,
        0 | 1 | 2 | 5..=10 | 14..=18 | 32..=36 | 51..=54 | 85 | 86 | 117 | 118
    )
}

/// Elements that OpenSMILES allows outside brackets (the organic subset).
pub fn is_organic_subset(atomic_number: u8) -> bool {
    matches!(atomic_number, 5 | 6 | 7 | 8 | 9 | 15 | 16 | 17 | 35 | 53)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_round_trip() {
        for z in 1..=MAX_ATOMIC_NUMBER {
            assert_eq!(from_symbol(symbol(z)), Some(z));
        }
        assert_eq!(from_symbol("*"), None);
        assert_eq!(from_symbol("Xx"), None);
        assert_eq!(symbol(29), "Cu");
    }

    #[test]
    fn outer_electrons_follow_groups() {
        assert_eq!(outer_electrons(6), 4);
        assert_eq!(outer_electrons(7), 5);
        assert_eq!(outer_electrons(16), 6);
        assert_eq!(outer_electrons(34), 6);
        assert_eq!(outer_electrons(35), 7);
        assert_eq!(outer_electrons(29), 11);
        assert_eq!(outer_electrons(52), 6);
        assert_eq!(outer_electrons(82), 4);
    }

    #[test]
    fn charged_valences_are_isoelectronic() {
        assert_eq!(allowed_valences_charged(7, 1), &[4]);
        assert_eq!(allowed_valences_charged(8, -1), &[1]);
        assert_eq!(allowed_valences_charged(6, -1), &[3]);
        assert_eq!(allowed_valences_charged(8, 1), &[3]);
        assert_eq!(allowed_valences_charged(16, 1), &[3, 5, 7]);
        assert!(allowed_valences_charged(29, 2).is_empty());
    }
}
