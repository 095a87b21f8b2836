//! Which metals a `metal` rule admits.

use crate::markush::ast::{MetalCriterion, MetalRule};
use crate::mol::element;

/// The usual positive oxidation states of a metal, as the claims mean
/// "valence": alkali metals and silver 1, alkaline earths 2, the boron
/// group, scandium, yttrium and the lanthanides 3, the titanium group 4 (and
/// 2, 3), and every other metal 2 and 3 (copper, mercury, gold also 1).
pub fn usual_valences(z: u8) -> &'static [u8] {
    match z {
        3 | 11 | 19 | 37 | 55 | 87 | 47 => &[1],
        4 | 12 | 20 | 38 | 56 | 88 => &[2],
        29 | 80 => &[1, 2],
        79 | 81 => &[1, 3],
        13 | 31 | 49 | 21 | 39 | 57..=71 => &[3],
        22 | 40 | 72 => &[2, 3, 4],
        50 | 82 => &[2, 4],
        _ if element::is_metal(z) => &[2, 3],
        _ => &[],
    }
}

/// Whether element `z` meets every criterion of `rule`.
pub fn admits(rule: &MetalRule, z: u8) -> bool {
    rule.criteria.iter().all(|c| match c {
        MetalCriterion::Any => element::is_metal(z),
        MetalCriterion::Elements(list) => list.contains(&z),
        MetalCriterion::Valence { op, value } => usual_valences(z)
            .iter()
            .any(|&v| op.holds(i64::from(v), i64::from(*value))),
    })
}

/// The rule in words, for misses: "valence >= 2", "Al, Ti or Zr".
pub fn describe(rule: &MetalRule) -> String {
    let parts: Vec<String> = rule
        .criteria
        .iter()
        .map(|c| match c {
            MetalCriterion::Any => "any metal".to_string(),
            MetalCriterion::Elements(list) => {
                let names: Vec<&str> = list.iter().map(|&z| element::symbol(z)).collect();
                names.join(" | ")
            }
            MetalCriterion::Valence { op, value } => {
                format!("valence {} {value}", super::cmp_symbol(*op))
            }
        })
        .collect();
    parts.join(" and ")
}
