//! Input records of every kind (SMILES lines, CSV/TSV rows, SDF records and
//! Molfiles) behind one type, so that bulk classification treats them alike.
//!
//! Readers only split the input into records and pick out the id: turning a
//! record into a molecule ([`Record::mol`]) is left to the caller, which can
//! do it in parallel. A record that cannot even be split out (a missing
//! column, an overlong line or SDF record) is still a [`Record`], with
//! [`Body::Unreadable`], so that every record gives one result.
//!
//! ```
//! use markush::io::{read_records, InputFormat, InputOptions};
//! let options = InputOptions { format: Some(InputFormat::Csv), ..InputOptions::default() };
//! let csv = "id,smiles\nethanol,CCO\nbroken,C1CC\n";
//! let records: Vec<_> = read_records(Box::new(csv.as_bytes()), &options)?
//!     .collect::<std::io::Result<_>>()?;
//! assert_eq!(records[0].line, 2);
//! assert_eq!(records[0].id.as_deref(), Some("ethanol"));
//! assert_eq!(records[0].mol().unwrap().formula(), "C2H6O");
//! assert!(records[1].mol().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, BufRead};
use std::path::Path;

use crate::mol::Mol;
use crate::smiles::{self, SmilesError};

use super::molfile::{parse_molfile, MolfileError};
use super::smi::{read_line_capped, LineTooLong, SmiReader, SmiRecord, MAX_LINE};

/// The most bytes of one SDF record kept; a bigger record is a bad record.
pub const MAX_SDF_RECORD: usize = 16 << 20;

/// What kind of records a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// SMILES, optionally a name, one a line.
    Smi,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// SD file or Molfile, V2000 or V3000.
    Sdf,
}

impl InputFormat {
    /// The kind a file name says, looking past a `.gz`: `.smi`/`.smiles`,
    /// `.csv`, `.tsv`, `.sdf`/`.sd`/`.mol`.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = Path::new(name).extension()?.to_str()?;
        Some(match ext {
            "smi" | "smiles" | "ism" | "can" => InputFormat::Smi,
            "csv" => InputFormat::Csv,
            "tsv" | "tab" => InputFormat::Tsv,
            "sdf" | "sd" | "mol" => InputFormat::Sdf,
            _ => return None,
        })
    }
}

/// How to read an input; the defaults read a SMILES file.
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// `None`: SMILES.
    pub format: Option<InputFormat>,
    /// CSV/TSV column of the SMILES; `None` takes the column named `smiles`
    /// (any case), else the first column.
    pub smiles_column: Option<String>,
    /// CSV/TSV column, or SDF data item, of the id; `None` takes a column
    /// named `id` or `name` (any case), and for SDF the title line.
    pub id_column: Option<String>,
}

/// Why a record could not be split out of the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    LineTooLong(#[from] LineTooLong),
    #[error("line {line}: the row has no field {column}")]
    MissingColumn { line: usize, column: usize },
    #[error("line {line}: the SDF record is longer than {MAX_SDF_RECORD} bytes")]
    RecordTooLarge { line: usize },
    #[error("line {line}: empty SDF record")]
    EmptyRecord { line: usize },
}

impl RecordError {
    pub fn line(&self) -> usize {
        match self {
            RecordError::LineTooLong(e) => e.line,
            RecordError::MissingColumn { line, .. }
            | RecordError::RecordTooLarge { line }
            | RecordError::EmptyRecord { line } => *line,
        }
    }
}

/// The columns named in [`InputOptions`] are not in the header.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no column {name:?} in the header ({header})")]
pub struct ColumnError {
    pub name: String,
    pub header: String,
}

/// One input record: where it starts, its id, and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of the (decompressed) input where the record starts.
    pub line: usize,
    pub id: Option<String>,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Smiles(String),
    /// A connection table: a Molfile or one SDF record, as text.
    Molfile(String),
    Unreadable(RecordError),
}

/// Why a record gives no molecule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Smiles(#[from] SmilesError),
    #[error(transparent)]
    Molfile(#[from] MolfileError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl ReadError {
    /// A short name of the kind of error, for counts and CSV columns.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::Smiles(_) => "smiles",
            ReadError::Molfile(_) => "molfile",
            ReadError::Record(_) => "record",
        }
    }
}

impl Record {
    /// The molecule the record holds.
    pub fn mol(&self) -> Result<Mol, ReadError> {
        match &self.body {
            Body::Smiles(s) => Ok(smiles::parse(s)?),
            Body::Molfile(text) => Ok(parse_molfile(text, self.line)?),
            Body::Unreadable(e) => Err(e.clone().into()),
        }
    }

    /// The SMILES as given, for SMILES and CSV records.
    pub fn smiles(&self) -> Option<&str> {
        match &self.body {
            Body::Smiles(s) => Some(s),
            _ => None,
        }
    }
}

impl From<SmiRecord> for Record {
    fn from(r: SmiRecord) -> Record {
        Record {
            line: r.line,
            id: r.id,
            body: Body::Smiles(r.smiles),
        }
    }
}

/// A stream of records in input order; an `Err` is an I/O failure, after
/// which the stream should be dropped.
pub type Records = Box<dyn Iterator<Item = io::Result<Record>>>;

/// Splits `input` into records of the kind `options` says.
pub fn read_records(
    input: Box<dyn BufRead>,
    options: &InputOptions,
) -> Result<Records, ReadSetupError> {
    Ok(match options.format.unwrap_or(InputFormat::Smi) {
        InputFormat::Smi => Box::new(SmiReader::new(input).map(|r| match r {
            Ok(r) => Ok(Record::from(r)),
            Err(e) => match e.get_ref().and_then(|i| i.downcast_ref::<LineTooLong>()) {
                Some(&too_long) => Ok(Record {
                    line: too_long.line,
                    id: None,
                    body: Body::Unreadable(too_long.into()),
                }),
                None => Err(e),
            },
        })),
        InputFormat::Csv => Box::new(CsvReader::new(input, b',', options)?),
        InputFormat::Tsv => Box::new(CsvReader::new(input, b'\t', options)?),
        InputFormat::Sdf => Box::new(SdfReader::new(input, options.id_column.clone())),
    })
}

/// Why reading could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReadSetupError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Column(#[from] ColumnError),
}

/// Rows of a CSV or TSV file with a header row. The reader finds where a
/// row ends itself (a line break outside quotes, which an even count of
/// `"` so far tells, since quotes inside fields are doubled) so that a row
/// is held in memory only up to [`MAX_LINE`] bytes and line numbers are
/// exact; the csv crate then splits the row into fields.
struct CsvReader {
    input: Box<dyn BufRead>,
    delimiter: u8,
    line: usize,
    buf: Vec<u8>,
    smiles: usize,
    id: Option<usize>,
}

/// One row: its first line and its fields, or why it was not kept.
type Row = (usize, Result<csv::ByteRecord, RecordError>);

impl CsvReader {
    fn new(
        input: Box<dyn BufRead>,
        delimiter: u8,
        options: &InputOptions,
    ) -> Result<Self, ReadSetupError> {
        let mut reader = CsvReader {
            input,
            delimiter,
            line: 0,
            buf: Vec::new(),
            smiles: 0,
            id: None,
        };
        let header: Vec<String> = match reader.row()? {
            Some((_, Ok(fields))) => fields
                .iter()
                .map(|h| String::from_utf8_lossy(h).trim().to_owned())
                .collect(),
            _ => Vec::new(),
        };
        let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let named = |name: &String| {
            find(name).ok_or_else(|| ColumnError {
                name: name.clone(),
                header: header.join(","),
            })
        };
        reader.smiles = match &options.smiles_column {
            Some(name) => named(name)?,
            None => find("smiles").unwrap_or(0),
        };
        reader.id = match &options.id_column {
            Some(name) => Some(named(name)?),
            None => find("id").or_else(|| find("name")),
        };
        Ok(reader)
    }

    /// The next row that is not a blank line; `None` at the end.
    fn row(&mut self) -> io::Result<Option<Row>> {
        let mut text = Vec::new();
        let mut start = 0;
        let mut quotes = 0usize;
        let mut problem = None;
        while let Some(too_long) = read_line_capped(&mut self.input, &mut self.buf)? {
            self.line += 1;
            if text.is_empty() && problem.is_none() {
                if self.buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                start = self.line;
            }
            quotes += self.buf.iter().filter(|&&b| b == b'"').count();
            if too_long || text.len() + self.buf.len() > MAX_LINE {
                problem.get_or_insert(RecordError::LineTooLong(LineTooLong { line: start }));
                text = Vec::new();
            }
            if problem.is_none() {
                text.extend_from_slice(&self.buf);
            }
            if quotes % 2 == 0 {
                break;
            }
        }
        if start == 0 {
            return Ok(None);
        }
        if let Some(e) = problem {
            return Ok(Some((start, Err(e))));
        }
        let mut fields = csv::ByteRecord::new();
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_slice())
            .read_byte_record(&mut fields)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Some((start, Ok(fields))))
    }
}

impl Iterator for CsvReader {
    type Item = io::Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, fields) = match self.row() {
            Ok(row) => row?,
            Err(e) => return Some(Err(e)),
        };
        let fields = match fields {
            Ok(fields) => fields,
            Err(e) => {
                return Some(Ok(Record {
                    line,
                    id: None,
                    body: Body::Unreadable(e),
                }))
            }
        };
        let field = |i: usize| {
            fields
                .get(i)
                .map(|f| String::from_utf8_lossy(f).trim().to_owned())
        };
        let body = match field(self.smiles) {
            Some(s) => Body::Smiles(s),
            None => Body::Unreadable(RecordError::MissingColumn {
                line,
                column: self.smiles + 1,
            }),
        };
        let id = self.id.and_then(field).filter(|s| !s.is_empty());
        Some(Ok(Record { line, id, body }))
    }
}

/// Records of an SD file, each ending at a `$$$$` line; a Molfile is one
/// record without it.
struct SdfReader {
    input: Box<dyn BufRead>,
    line: usize,
    buf: Vec<u8>,
    id_item: Option<String>,
}

impl SdfReader {
    fn new(input: Box<dyn BufRead>, id_item: Option<String>) -> Self {
        SdfReader {
            input,
            line: 0,
            buf: Vec::new(),
            id_item,
        }
    }

    /// The id: the named data item's first line, else the title line.
    fn id(&self, text: &str) -> Option<String> {
        let id = match &self.id_item {
            Some(name) => {
                let mut lines = text.lines().skip_while(|l| !l.starts_with("M  END"));
                lines
                    .by_ref()
                    .find(|l| l.starts_with('>') && data_item_name(l) == Some(name.as_str()))?;
                lines.next()?
            }
            None => text.lines().next()?,
        };
        Some(id.trim().to_owned()).filter(|s| !s.is_empty())
    }
}

/// `NAME` of a data header line `> <NAME> (1)`.
fn data_item_name(line: &str) -> Option<&str> {
    let start = line.find('<')? + 1;
    let end = start + line[start..].find('>')?;
    Some(&line[start..end])
}

impl Iterator for SdfReader {
    type Item = io::Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut text = String::new();
        let mut start = None;
        let mut problem = None;
        loop {
            let too_long = match read_line_capped(&mut self.input, &mut self.buf) {
                Ok(Some(too_long)) => too_long,
                Ok(None) if text.trim().is_empty() && problem.is_none() => return None,
                Ok(None) => break,
                Err(e) => return Some(Err(e)),
            };
            self.line += 1;
            let first = *start.get_or_insert(self.line);
            let line = String::from_utf8_lossy(&self.buf);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim_end() == "$$$$" {
                if text.trim().is_empty() && problem.is_none() {
                    problem = Some(RecordError::EmptyRecord { line: first });
                }
                break;
            }
            if problem.is_some() {
                continue;
            }
            if too_long {
                problem = Some(LineTooLong { line: self.line }.into());
            } else if text.len() + line.len() >= MAX_SDF_RECORD {
                problem = Some(RecordError::RecordTooLarge { line: first });
            } else {
                text.push_str(line);
                text.push('\n');
                continue;
            }
            text = String::new();
        }
        let line = start.unwrap_or(self.line);
        Some(Ok(match problem {
            Some(e) => Record {
                line,
                id: None,
                body: Body::Unreadable(e),
            },
            None => Record {
                line,
                id: self.id(&text),
                body: Body::Molfile(text),
            },
        }))
    }
}
