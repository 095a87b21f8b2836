//! Classifying a whole input: records are taken in chunks, each chunk is
//! read and classified in parallel (rayon, on whatever pool the caller
//! installs) and written in input order, so memory stays bounded by the
//! chunk whatever the input size.

use std::io::{self, Write};

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::io::{Body, Record, Records};
use crate::markush::engine::Classifier;

use super::ClassifyRecord;

/// Records per chunk: enough to keep every core busy between the serial
/// read and write steps, few enough that a chunk's molecules and results
/// take a few megabytes.
const CHUNK_RECORDS: usize = 512;
/// Input bytes per chunk, so a file of huge records cannot make a chunk big.
const CHUNK_BYTES: usize = 8 << 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON object a record.
    #[default]
    Jsonl,
    /// One row a match, or a `no match` or `error` row ([`CSV_COLUMNS`]).
    Csv,
    /// As `csv`, tab-separated.
    Tsv,
}

/// The columns of `--format csv|tsv`, in order; stable, so scripts may
/// rely on them.
pub const CSV_COLUMNS: [&str; 10] = [
    "line",
    "id",
    "smiles",
    "status",
    "formula",
    "patent",
    "claims",
    "assignments",
    "error_kind",
    "error_message",
];

/// How [`classify_stream`] writes.
#[derive(Clone, Debug, Default)]
pub struct BulkOptions {
    pub format: OutputFormat,
    /// Add the nearest miss of every formula not matched (JSON only).
    pub explain: bool,
    /// Write only records with at least one match; the summary still
    /// counts every record.
    pub only_matches: bool,
    /// Worker threads; `None` is one per core.
    pub threads: Option<usize>,
}

/// Counts over the records seen so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: u64,
    pub matched: u64,
    /// Records with an error of any kind (a budget-exceeded record may also
    /// have matches).
    pub errors: u64,
    /// Records matching each formula, in the order first seen.
    pub per_formula: IndexMap<String, u64>,
    pub per_error: IndexMap<&'static str, u64>,
}

impl Summary {
    fn add(&mut self, r: &ClassifyRecord) {
        self.records += 1;
        if !r.matches.is_empty() {
            self.matched += 1;
        }
        for m in &r.matches {
            *self.per_formula.entry(m.formula.clone()).or_default() += 1;
        }
        if let Some(e) = &r.error {
            self.errors += 1;
            *self.per_error.entry(e.kind).or_default() += 1;
        }
    }

    /// The counts as lines of text for `--summary`.
    pub fn text(&self) -> String {
        let mut out = format!(
            "records: {}, matched: {}, no match: {}, errors: {}\n",
            self.records,
            self.matched,
            self.records - self.matched,
            self.errors
        );
        for (f, n) in &self.per_formula {
            out.push_str(&format!("formula {f}: {n}\n"));
        }
        for (k, n) in &self.per_error {
            out.push_str(&format!("error {k}: {n}\n"));
        }
        out
    }
}

fn body_len(record: &Record) -> usize {
    match &record.body {
        Body::Smiles(s) | Body::Molfile(s) => s.len(),
        Body::Unreadable(_) => 0,
    }
}

/// Classifies every record of `records` and writes one output record for
/// each (or, with `only_matches`, for each that matches), in input order.
/// `progress` is called after every chunk. Stops only on an I/O error, of
/// the input or the output.
pub fn classify_stream(
    classifier: &Classifier,
    mut records: Records,
    options: &BulkOptions,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(&Summary),
) -> io::Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(io::Error::other)?;
    let mut summary = Summary::default();
    let mut sink = match options.format {
        OutputFormat::Jsonl => Sink::Json(out),
        OutputFormat::Csv | OutputFormat::Tsv => {
            let delimiter = if options.format == OutputFormat::Csv {
                b','
            } else {
                b'\t'
            };
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(out);
            w.write_record(CSV_COLUMNS)?;
            Sink::Csv(w)
        }
    };
    let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_RECORDS);
    let mut pending = None;
    loop {
        chunk.clear();
        let mut bytes = 0;
        for record in records.by_ref() {
            match record {
                Ok(r) => {
                    bytes += body_len(&r);
                    chunk.push(r);
                    if chunk.len() == CHUNK_RECORDS || bytes >= CHUNK_BYTES {
                        break;
                    }
                }
                // Write what was read before the failure, then report it.
                Err(e) => {
                    pending = Some(e);
                    break;
                }
            }
        }
        if chunk.is_empty() && pending.is_none() {
            break;
        }
        let results: Vec<ClassifyRecord> = pool.install(|| {
            chunk
                .par_iter()
                .map(|r| ClassifyRecord::new(classifier, r, options.explain))
                .collect()
        });
        for r in &results {
            summary.add(r);
            if options.only_matches && r.matches.is_empty() {
                continue;
            }
            match &mut sink {
                Sink::Json(out) => {
                    serde_json::to_writer(&mut **out, r)?;
                    out.write_all(b"\n")?;
                }
                Sink::Csv(w) => write_rows(w, r)?,
            }
        }
        // The csv writer buffers; what is classified should reach the
        // output (and a closed pipe be noticed) chunk by chunk.
        if let Sink::Csv(w) = &mut sink {
            w.flush()?;
        }
        progress(&summary);
        if let Some(e) = pending {
            return Err(e);
        }
    }
    if let Sink::Csv(w) = &mut sink {
        w.flush()?;
    }
    Ok(summary)
}

enum Sink<'a> {
    Json(&'a mut dyn Write),
    Csv(csv::Writer<&'a mut dyn Write>),
}

fn write_rows(w: &mut csv::Writer<&mut dyn Write>, r: &ClassifyRecord) -> io::Result<()> {
    let line = r.line.to_string();
    let id = r.id.unwrap_or("");
    let smiles = r.smiles.as_deref().unwrap_or("");
    let (error_kind, error_message) = r
        .error
        .as_ref()
        .map_or(("", ""), |e| (e.kind, e.message.as_str()));
    for m in &r.matches {
        let claims: Vec<String> = m.claims.iter().map(u32::to_string).collect();
        let assignments: Vec<String> = m
            .assignments
            .iter()
            .map(|(label, a)| format!("{label}={}", a.smiles))
            .collect();
        w.write_record([
            line.as_str(),
            id,
            smiles,
            "match",
            &m.formula,
            &m.patent,
            &claims.join(";"),
            &assignments.join(";"),
            error_kind,
            error_message,
        ])?;
    }
    if r.matches.is_empty() {
        let status = if r.error.is_some() {
            "error"
        } else {
            "no match"
        };
        w.write_record([
            line.as_str(),
            id,
            smiles,
            status,
            "",
            "",
            "",
            "",
            error_kind,
            error_message,
        ])?;
    }
    Ok(())
}
