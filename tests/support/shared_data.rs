//! Where the shared third-party data lives, and line readers for its plain
//! and gzip files. Tests over that data skip (with a notice) when it is absent.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// `$MARKUSH_SHARED_DATA`, else `../shared/data` next to the crate root.
pub fn shared_data_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("MARKUSH_SHARED_DATA").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

/// The shared data directory, or a printed notice and `None` so the test
/// can return early.
pub fn shared_data_or_skip(test: &str) -> Option<PathBuf> {
    let dir = shared_data_dir();
    if dir.is_none() {
        println!(
            "NOTICE: {test} skipped: shared data not found \
             (set MARKUSH_SHARED_DATA or provide ../shared/data)"
        );
    }
    dir
}

/// The crate's `fixtures/` directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// All lines of a file, gunzipped when its name ends in `.gz`.
pub fn read_lines(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    BufReader::new(reader)
        .lines()
        .map(|l| l.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}
