//! SMILES files: one record a line, `SMILES[<space|tab>name]`.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens `path` for buffered reading; `-` is standard input. Gzip input is
/// recognised by a `.gz` extension or by its magic bytes, so piped
/// compressed data works too.
///
/// ```no_run
/// use markush::io::{open_input, SmiReader};
/// let input = open_input("molecules.smi.gz".as_ref())?;
/// for record in SmiReader::new(input) {
///     let record = record?;
///     println!("{} {}", record.line, record.smiles);
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn open_input(path: &Path) -> io::Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return maybe_gunzip(BufReader::new(io::stdin().lock()), false);
    }
    let named_gz = path.extension().is_some_and(|ext| ext == "gz");
    File::open(path)
        .and_then(|file| maybe_gunzip(BufReader::new(file), named_gz))
        .map_err(|e| with_path(e, path))
}

fn maybe_gunzip<R: BufRead + 'static>(
    mut input: R,
    named_gz: bool,
) -> io::Result<Box<dyn BufRead>> {
    // fill_buf peeks without consuming, so the decoder still sees the header.
    let gzip = named_gz || input.fill_buf()?.starts_with(&GZIP_MAGIC);
    Ok(if gzip {
        // Multi-member so that concatenated and bgzip files read in full.
        Box::new(BufReader::new(MultiGzDecoder::new(input)))
    } else {
        Box::new(input)
    })
}

/// The error with the file name in front, keeping its kind.
pub fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

/// The longest line a reader takes in; a longer one is a bad record, read
/// past without keeping it, so one runaway line cannot exhaust memory.
pub const MAX_LINE: usize = 1 << 20;

/// Reads one line (with its `\n`) into `buf`, keeping at most [`MAX_LINE`]
/// bytes of it. `Ok(None)` at the end of input, `Ok(Some(true))` when the
/// line was longer and the rest of it was skipped.
pub(crate) fn read_line_capped(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
) -> io::Result<Option<bool>> {
    buf.clear();
    let n = io::Read::take(&mut *input, MAX_LINE as u64).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n < MAX_LINE || buf.ends_with(b"\n") {
        return Ok(Some(false));
    }
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(Some(true));
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(Some(true));
            }
            None => {
                let len = chunk.len();
                input.consume(len);
            }
        }
    }
}

/// A line longer than [`MAX_LINE`]; the SMILES reader gives it as an
/// `InvalidData` I/O error wrapping this, which record readers turn into a
/// bad record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is longer than {MAX_LINE} bytes")]
pub struct LineTooLong {
    pub line: usize,
}

/// One molecule line of a SMILES file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmiRecord {
    /// 1-based line number in the (decompressed) input.
    pub line: usize,
    pub smiles: String,
    /// The rest of the line after the SMILES and its separating whitespace,
    /// trimmed; `None` when nothing follows the SMILES.
    pub id: Option<String>,
}

impl SmiRecord {
    /// Splits one line into a record; `None` for blank lines and `#`
    /// comments, which are not records. A line may end in `\n` or `\r\n`.
    pub fn from_line(line: usize, text: &str) -> Option<SmiRecord> {
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            return None;
        }
        let (smiles, id) = match text.find([' ', '\t']) {
            Some(end) => (&text[..end], Some(text[end..].trim())),
            None => (text, None),
        };
        Some(SmiRecord {
            line,
            smiles: smiles.to_owned(),
            id: id.map(str::to_owned),
        })
    }
}

/// Whether the first record line is a column header such as
/// `SMILES Name` or `canonical_smiles\tid`: its first word names a SMILES
/// column rather than being one.
fn is_header(record: &SmiRecord) -> bool {
    let word = record.smiles.to_ascii_lowercase();
    word.contains("smiles") || word == "smi" || word == "structure"
}

/// Streams the records of a SMILES file, one line at a time, in input
/// order. Bytes that are not UTF-8 are replaced (U+FFFD) rather than
/// aborting the file, so such a line still yields its record and the
/// SMILES reader reports where it went wrong. A header line (see
/// `is_header`) before the first record is skipped like a comment.
pub struct SmiReader<R> {
    input: R,
    line: usize,
    buf: Vec<u8>,
    seen_record: bool,
}

impl<R: BufRead> SmiReader<R> {
    pub fn new(input: R) -> Self {
        SmiReader {
            input,
            line: 0,
            buf: Vec::new(),
            seen_record: false,
        }
    }
}

impl<R: BufRead> Iterator for SmiReader<R> {
    type Item = io::Result<SmiRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let too_long = match read_line_capped(&mut self.input, &mut self.buf) {
                Ok(None) => return None,
                Ok(Some(too_long)) => too_long,
                Err(e) => return Some(Err(e)),
            };
            self.line += 1;
            if too_long {
                self.seen_record = true;
                let err = LineTooLong { line: self.line };
                return Some(Err(io::Error::new(io::ErrorKind::InvalidData, err)));
            }
            let text = String::from_utf8_lossy(&self.buf);
            if let Some(record) = SmiRecord::from_line(self.line, &text) {
                let first = !std::mem::replace(&mut self.seen_record, true);
                if first && is_header(&record) {
                    continue;
                }
                return Some(Ok(record));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(bytes: &[u8]) -> Vec<SmiRecord> {
        SmiReader::new(bytes).collect::<io::Result<_>>().unwrap()
    }

    fn records(text: &str) -> Vec<SmiRecord> {
        read_all(text.as_bytes())
    }

    fn rec(line: usize, smiles: &str, id: Option<&str>) -> SmiRecord {
        SmiRecord {
            line,
            smiles: smiles.into(),
            id: id.map(Into::into),
        }
    }

    #[test]
    fn splits_smiles_and_names() {
        let got = records("c1ccncc1 pyridine\nCC(=O)[O-]\tacetate ion  \r\nCCO\n");
        assert_eq!(
            got,
            vec![
                rec(1, "c1ccncc1", Some("pyridine")),
                rec(2, "CC(=O)[O-]", Some("acetate ion")),
                rec(3, "CCO", None),
            ]
        );
    }

    #[test]
    fn skips_blank_and_comment_lines_but_counts_them() {
        let got = records("#SMILES\tid\n\n   \nC methane\n# note\nN\t\n");
        assert_eq!(got, vec![rec(4, "C", Some("methane")), rec(6, "N", None)]);
    }

    #[test]
    fn a_header_line_is_not_a_record() {
        assert_eq!(
            records("SMILES Name\nC methane\n"),
            vec![rec(2, "C", Some("methane"))]
        );
        assert_eq!(records("canonical_smiles\nC\n"), vec![rec(2, "C", None)]);
        // Only before the first record.
        assert_eq!(records("C\nsmiles x\n").len(), 2);
    }

    #[test]
    fn an_overlong_line_is_an_error_and_reading_goes_on() {
        let mut text = "C".repeat(MAX_LINE + 10);
        text.push_str(" huge\nO water\n");
        let got: Vec<_> = SmiReader::new(text.as_bytes()).collect();
        assert_eq!(got.len(), 2);
        let err = got[0].as_ref().unwrap_err();
        let inner = err.get_ref().unwrap().downcast_ref::<LineTooLong>();
        assert_eq!(inner, Some(&LineTooLong { line: 1 }));
        assert_eq!(got[1].as_ref().unwrap(), &rec(2, "O", Some("water")));
    }

    #[test]
    fn last_line_without_newline_is_read() {
        assert_eq!(
            records("C\nO water"),
            vec![rec(1, "C", None), rec(2, "O", Some("water"))]
        );
    }

    #[test]
    fn invalid_utf8_still_gives_a_record() {
        let got = read_all(b"C\xffC bad\nO\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].smiles, "C\u{fffd}C");
        assert_eq!(got[1], rec(2, "O", None));
    }

    #[test]
    fn gzip_is_detected_by_magic_bytes() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"c1ccccc1 benzene\n").unwrap();
        let bytes = gz.finish().unwrap();
        let input = maybe_gunzip(io::Cursor::new(bytes), false).unwrap();
        let got: Vec<_> = SmiReader::new(input).collect::<io::Result<_>>().unwrap();
        assert_eq!(got, vec![rec(1, "c1ccccc1", Some("benzene"))]);
    }

    #[test]
    fn plain_text_is_passed_through() {
        let input = maybe_gunzip(io::Cursor::new(b"C\n".to_vec()), false).unwrap();
        assert_eq!(SmiReader::new(input).count(), 1);
    }
}
