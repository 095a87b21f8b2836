//! The lexical layer of the template language, written with nom: blanks and
//! comments, names, numbers, strings and SMARTS words. Every parser works on
//! a suffix of the whole file, so a position is `file.len() - rest.len()`.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{not, opt, peek, recognize};
use nom::error::ParseError;
use nom::sequence::{pair, terminated};
use nom::IResult;

use super::error::ErrorKind;

/// A parse failure at `at` (a suffix of the file).
#[derive(Debug)]
pub(crate) struct PErr<'a> {
    pub at: &'a str,
    pub kind: ErrorKind,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        PErr {
            at: input,
            kind: ErrorKind::Expected("something else here"),
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type R<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// A committed failure: the statement is wrong at `at`.
pub(crate) fn fail<T>(at: &str, kind: ErrorKind) -> R<'_, T> {
    Err(nom::Err::Failure(PErr { at, kind }))
}

/// Runs `p`; when it does not apply, fails with "expected `what`" at the spot.
pub(crate) fn expect<'a, T>(
    what: &'static str,
    mut p: impl FnMut(&'a str) -> R<'a, T>,
) -> impl FnMut(&'a str) -> R<'a, T> {
    move |i| match p(i) {
        Err(nom::Err::Error(_)) => fail(i, ErrorKind::Expected(what)),
        r => r,
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\r'
}

/// Blanks and a comment up to the end of this line. A comment is `#` at the
/// start of a line or after a blank; `#` inside SMARTS (`[#6]`, `C#N`) is not
/// one, because SMARTS words are read whole.
pub(crate) fn sp(i: &str) -> &str {
    let i = i.trim_start_matches(is_blank);
    if i.starts_with('#') {
        &i[i.find('\n').unwrap_or(i.len())..]
    } else {
        i
    }
}

/// Blanks, comments and line ends.
pub(crate) fn sp_nl(mut i: &str) -> &str {
    loop {
        let j = sp(i);
        match j.strip_prefix('\n') {
            Some(k) => i = k,
            None => return j,
        }
    }
}

/// Like [`sp`], and on to the next line when that line starts with `|` or
/// `=`: such a line continues the statement above it.
pub(crate) fn sp_cont(i: &str) -> &str {
    let j = sp(i);
    if j.starts_with('\n') {
        let k = sp_nl(j);
        if k.starts_with('|') || k.starts_with('=') {
            return k;
        }
    }
    j
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A keyword: the word and no name character after it.
pub(crate) fn kw<'a>(word: &'static str) -> impl FnMut(&'a str) -> R<'a, &'a str> {
    terminated(tag(word), not(peek(satisfy(is_name_char))))
}

/// A word as it starts a statement (letters, digits, `_`, `-`).
pub(crate) fn word(i: &str) -> R<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(is_name_char),
    ))(i)
}

/// A label or count variable: `R1`, `B2`, `a1`, `m` (no `-`, which would
/// read as minus in counts).
pub(crate) fn label_name(i: &str) -> R<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))(i)
}

/// A group name as written: starts with a lower-case letter.
pub(crate) fn group_name(i: &str) -> R<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_lowercase()),
        take_while(is_name_char),
    ))(i)
}

/// Whether a lower-case word would also read as SMARTS (`c`, `cn`, `c-n`):
/// its letters are all aromatic organic-subset atoms.
pub(crate) fn reads_as_smarts(name: &str) -> bool {
    name.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .all(|c| "bcnops".contains(c))
}

/// A formula id `patent:name`.
pub(crate) fn formula_id(i: &str) -> R<'_, &str> {
    recognize(pair(
        terminated(take_while1(is_name_char), char(':')),
        take_while1(|c: char| is_name_char(c) || c == '.'),
    ))(i)
}

/// An unsigned decimal number.
pub(crate) fn uint<T: std::str::FromStr>(i: &str) -> R<'_, T> {
    let (rest, digits) = digit1(i)?;
    match digits.parse() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(i, ErrorKind::NumberOutOfRange),
    }
}

/// A double-quoted string on one line; `\"` and `\\` escape.
pub(crate) fn string(i: &str) -> R<'_, String> {
    let (rest, _) = char('"')(i)?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Ok((&rest[k + 1..], out)),
            '\n' => break,
            '\\' => match chars.next() {
                Some((_, e)) if e != '\n' => out.push(e),
                _ => break,
            },
            c => out.push(c),
        }
    }
    fail(i, ErrorKind::UnterminatedString)
}

/// An optional title string after blanks.
pub(crate) fn opt_title(i: &str) -> R<'_, Option<String>> {
    let j = sp(i);
    match opt(string)(j)? {
        (rest, Some(t)) => Ok((rest, Some(t))),
        (_, None) => Ok((i, None)),
    }
}

/// A SMARTS word: everything up to a blank, a line end or a `|` outside
/// `{...}`.
pub(crate) fn smarts_word(i: &str) -> R<'_, &str> {
    let mut depth = 0usize;
    let end = i
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c.is_whitespace() || (c == '|' && depth == 0)
        })
        .map_or(i.len(), |(k, _)| k);
    if end == 0 {
        return Err(nom::Err::Error(PErr {
            at: i,
            kind: ErrorKind::Expected("SMARTS"),
        }));
    }
    Ok((&i[end..], &i[..end]))
}

/// A comparison operator.
pub(crate) fn cmp_op(i: &str) -> R<'_, &str> {
    alt((
        tag(">="),
        tag("<="),
        tag("!="),
        tag("=="),
        tag(">"),
        tag("<"),
        tag("="),
    ))(i)
}
