//! Classifying a whole input. The calling thread reads records and hands
//! them to the workers of a rayon pool, which read the molecule, classify it and render
//! its output; the calling thread writes the results in input order. At
//! most a window of records is in flight, so memory stays bounded whatever
//! the input size, and unlike chunk-at-a-time processing one slow molecule
//! holds up no other worker.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Mutex};

use indexmap::IndexMap;

use crate::io::{Body, Record, Records};
use crate::markush::engine::Classifier;

use super::{ClassifyRecord, Problem};

/// Records in flight: enough to keep every worker busy while a slow
/// molecule holds up the writer, few enough to take a few megabytes.
const WINDOW_RECORDS: usize = 4096;
/// Input bytes in flight, so that a file of huge records stays bounded too.
const WINDOW_BYTES: usize = 32 << 20;
/// Records a worker takes at a time: handing them over one by one spent
/// about 15% of a run waking threads.
const BATCH: usize = 32;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON object a record.
    #[default]
    Jsonl,
    /// One row a match, or one `no match` or `error` row.
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
    fn add(&mut self, done: &Done) {
        self.records += 1;
        if !done.formulas.is_empty() {
            self.matched += 1;
        }
        for f in &done.formulas {
            *self.per_formula.entry(f.clone()).or_default() += 1;
        }
        if let Some(kind) = done.error {
            self.errors += 1;
            *self.per_error.entry(kind).or_default() += 1;
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

/// What a worker gives back for one record: its output, ready to write,
/// and what the summary counts.
struct Done {
    text: Vec<u8>,
    formulas: Vec<String>,
    error: Option<&'static str>,
}

impl Done {
    fn new(classifier: &Classifier, record: &Record, options: &BulkOptions) -> io::Result<Done> {
        // A bug in the engine on one molecule costs that record, not the run.
        let r = catch_unwind(AssertUnwindSafe(|| {
            ClassifyRecord::new(classifier, record, options.explain)
        }))
        .unwrap_or_else(|_| ClassifyRecord {
            line: record.line,
            id: record.id.as_deref(),
            smiles: record.smiles().map(Into::into),
            matches: Vec::new(),
            misses: None,
            error: Some(Problem {
                kind: "internal",
                message: "the classifier failed on this molecule".into(),
                offset: None,
                at_line: None,
            }),
        });
        let mut text = Vec::new();
        if !(options.only_matches && r.matches.is_empty()) {
            match options.format {
                OutputFormat::Jsonl => {
                    serde_json::to_writer(&mut text, &r)?;
                    text.push(b'\n');
                }
                OutputFormat::Csv | OutputFormat::Tsv => {
                    let mut w = csv_writer(options.format, &mut text);
                    write_rows(&mut w, &r)?;
                    w.flush()?;
                }
            }
        }
        Ok(Done {
            text,
            formulas: r.matches.into_iter().map(|m| m.formula).collect(),
            error: r.error.map(|e| e.kind),
        })
    }
}

fn csv_writer<W: Write>(format: OutputFormat, out: W) -> csv::Writer<W> {
    let delimiter = if format == OutputFormat::Tsv {
        b'\t'
    } else {
        b','
    };
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_writer(out)
}

fn body_len(record: &Record) -> usize {
    match &record.body {
        Body::Smiles(s) | Body::Molfile(s) => s.len(),
        Body::Unreadable(_) => 0,
    }
}

/// Classifies every record of `records` and writes one output record for
/// each (or, with `only_matches`, for each that matches), in input order.
/// `progress` is called every few hundred records. Stops only on an I/O
/// error, of the input or the output, after writing every record read
/// before an input error.
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
    if options.format != OutputFormat::Jsonl {
        csv_writer(options.format, &mut *out).write_record(CSV_COLUMNS)?;
    }
    let mut summary = Summary::default();
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<Record>)>(WINDOW_RECORDS);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<io::Result<Done>>)>();
    // The calling thread stays outside the pool: it owns the input, which
    // need not be Send.
    pool.in_place_scope(|scope| {
        for _ in 0..pool.current_num_threads() {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move |_| loop {
                // The lock is held only to take a job, never while working.
                let job = work_rx
                    .lock()
                    .map_err(drop)
                    .and_then(|rx| rx.recv().map_err(drop));
                let Ok((first, batch)) = job else { return };
                let done = batch
                    .iter()
                    .map(|record| Done::new(classifier, record, options))
                    .collect();
                if done_tx.send((first, done)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let result = (|| {
            let (mut read, mut written, mut bytes) = (0, 0, 0);
            let mut sizes = std::collections::VecDeque::new();
            let mut ready = BTreeMap::new();
            let mut input_error = None;
            let mut input_done = false;
            let mut batch = Vec::with_capacity(BATCH);
            loop {
                while !input_done && read - written < WINDOW_RECORDS && bytes < WINDOW_BYTES {
                    match records.next() {
                        Some(Ok(record)) => {
                            let size = body_len(&record);
                            bytes += size;
                            sizes.push_back(size);
                            batch.push(record);
                            read += 1;
                            if batch.len() == BATCH {
                                // Cannot block: the channel holds the window.
                                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                                work_tx
                                    .send((read - BATCH, full))
                                    .map_err(io::Error::other)?;
                            }
                        }
                        Some(Err(e)) => {
                            input_error = Some(e);
                            input_done = true;
                        }
                        None => input_done = true,
                    }
                }
                // What is read is sent before waiting on results, or the
                // writer would wait for records no worker has.
                if !batch.is_empty() {
                    let first = read - batch.len();
                    work_tx
                        .send((first, std::mem::take(&mut batch)))
                        .map_err(io::Error::other)?;
                }
                if written == read {
                    return input_error.map_or(Ok(()), Err);
                }
                let (first, done) = done_rx
                    .recv()
                    .map_err(|_| io::Error::other("every classification worker stopped"))?;
                for (k, done) in done.into_iter().enumerate() {
                    ready.insert(first + k, done?);
                }
                while let Some(done) = ready.remove(&written) {
                    out.write_all(&done.text)?;
                    summary.add(&done);
                    bytes -= sizes.pop_front().unwrap_or(0);
                    written += 1;
                    if written % 256 == 0 {
                        progress(&summary);
                    }
                }
            }
        })();
        // Workers stop once the queue is empty and closed; after a failure
        // the queued records are dropped rather than classified for nothing.
        drop(work_tx);
        if result.is_err() {
            if let Ok(rx) = work_rx.lock() {
                while rx.try_recv().is_ok() {}
            }
        }
        progress(&summary);
        result
    })?;
    Ok(summary)
}

fn write_rows<W: Write>(w: &mut csv::Writer<W>, r: &ClassifyRecord) -> io::Result<()> {
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
