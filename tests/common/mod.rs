//! Helpers shared by the integration tests: run the binary, read its CSV.
#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `frontier` with `args`.
pub fn frontier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .output()
        .expect("run frontier")
}

/// Run `frontier` with `args`, `input` on standard input.
pub fn frontier_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run frontier");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_ref())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Standard output as text.
pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A CSV as rows of column → value.
pub type Table = Vec<BTreeMap<String, String>>;

/// Parse CSV text with a header.
pub fn table(bytes: &[u8]) -> Table {
    let mut r = csv::Reader::from_reader(bytes);
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}
