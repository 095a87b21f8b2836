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

/// Streams the records of a SMILES file, one line at a time, in input
/// order. Bytes that are not UTF-8 are replaced (U+FFFD) rather than
/// aborting the file, so such a line still yields its record and the
/// SMILES reader reports where it went wrong.
pub struct SmiReader<R> {
    input: R,
    line: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> SmiReader<R> {
    pub fn new(input: R) -> Self {
        SmiReader {
            input,
            line: 0,
            buf: Vec::new(),
        }
    }
}

impl<R: BufRead> Iterator for SmiReader<R> {
    type Item = io::Result<SmiRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
            self.line += 1;
            let text = String::from_utf8_lossy(&self.buf);
            if let Some(record) = SmiRecord::from_line(self.line, &text) {
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
