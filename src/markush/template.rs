//! SMARTS with `{...}` holes: a hole is a label (`{R1}`) in cores and
//! fragments, or a slot of group names (`{aliphatic|aryl}`) in group
//! patterns. Holes become `*` atoms; the SMARTS is read with
//! [`Smarts::parse`], and its errors are moved back to the template text.

use crate::smarts::Smarts;

use super::error::ErrorKind;

/// One `{...}`: its text, where the `{` is in the file, and the atom index
/// of the `*` that replaced it.
pub(crate) struct Hole<'a> {
    pub content: &'a str,
    pub content_at: usize,
    pub brace_at: usize,
    pub atom: usize,
}

pub(crate) struct Checked<'a> {
    /// The SMARTS with every hole replaced by `*`.
    pub smarts: String,
    pub holes: Vec<Hole<'a>>,
}

/// Reads `raw`, which starts at byte `at` of the file. Errors carry a file
/// offset.
pub(crate) fn check(raw: &str, at: usize) -> Result<Checked<'_>, (usize, ErrorKind)> {
    let mut smarts = String::with_capacity(raw.len());
    // File offset of each byte of `smarts`, and one past the end.
    let mut origin: Vec<usize> = Vec::with_capacity(raw.len() + 1);
    // Byte position in `smarts` of each hole's `*`.
    let mut stars: Vec<usize> = Vec::new();
    let mut holes = Vec::new();
    let mut in_bracket = false;
    let mut k = 0;
    while k < raw.len() {
        let c = raw[k..].chars().next().unwrap_or(' ');
        match c {
            '[' => in_bracket = true,
            ']' => in_bracket = false,
            _ => {}
        }
        // `{2-3}` inside a bracket atom is RDKit's range syntax, not a hole.
        if c == '{' && !in_bracket {
            let close = raw[k..]
                .find('}')
                .ok_or((at + k, ErrorKind::Expected("'}' to close this '{'")))?;
            let content = &raw[k + 1..k + close];
            if content.trim().is_empty() {
                return Err((at + k, ErrorKind::Expected("a name inside '{...}'")));
            }
            stars.push(smarts.len());
            origin.push(at + k);
            smarts.push('*');
            holes.push(Hole {
                content,
                content_at: at + k + 1,
                brace_at: at + k,
                atom: 0,
            });
            k += close + 1;
            continue;
        }
        if c == '}' && !in_bracket {
            return Err((at + k, ErrorKind::Expected("a '{' before this '}'")));
        }
        for _ in 0..c.len_utf8() {
            origin.push(at + k);
        }
        smarts.push(c);
        k += c.len_utf8();
    }
    origin.push(at + raw.len());
    let parsed = Smarts::parse(&smarts).map_err(|e| {
        let o = e.offset().min(origin.len() - 1);
        (
            origin[o],
            ErrorKind::BadSmarts(without_offset(&e.to_string())),
        )
    })?;
    if !holes.is_empty() {
        // Number the holes' `*` with atom maps above any the author used,
        // then read the atom index of each back.
        let base = (0..parsed.atom_count())
            .map(|a| parsed.atom(a).map)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let mut mapped = String::with_capacity(smarts.len() + 8 * stars.len());
        let mut last = 0;
        for (n, &s) in stars.iter().enumerate() {
            mapped.push_str(&smarts[last..s]);
            mapped.push_str(&format!("[*:{}]", u64::from(base) + n as u64));
            last = s + 1;
        }
        mapped.push_str(&smarts[last..]);
        let with_maps = Smarts::parse(&mapped).map_err(|e| {
            // Only possible when the maps overflow: report at the first hole.
            (
                holes[0].brace_at,
                ErrorKind::BadSmarts(without_offset(&e.to_string())),
            )
        })?;
        for a in 0..with_maps.atom_count() {
            let map = with_maps.atom(a).map;
            if map >= base {
                if let Some(h) = holes.get_mut((map - base) as usize) {
                    h.atom = a;
                }
            }
        }
    }
    Ok(Checked { smarts, holes })
}

/// The SMARTS reader's message without its " at offset N": that offset is
/// into the SMARTS after holes were replaced, and the template error shows
/// the file position instead.
fn without_offset(message: &str) -> String {
    const AT: &str = " at offset ";
    match message.find(AT) {
        Some(p) => {
            let tail = &message[p + AT.len()..];
            let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            format!("{}{}", &message[..p], &tail[digits..])
        }
        None => message.to_string(),
    }
}
