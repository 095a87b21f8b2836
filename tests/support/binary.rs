//! Runs the `markush` binary with piped standard streams.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_markush");

/// The binary with all three standard streams piped.
pub fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs the binary on `stdin` to the end.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn(args);
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // The child may exit without reading (usage errors), so a failed write
    // is not the test's concern; its exit status is.
    let writer = std::thread::spawn(move || input.write_all(&stdin).is_ok());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}
