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

/// `frontier locate INPUT --skip-invalid --rejects REJECTS`.
pub fn locate_keeping_rejects(input: &std::path::Path, rejects: &std::path::Path) -> Output {
    frontier(&[
        "locate",
        input.to_str().unwrap(),
        "--skip-invalid",
        "--rejects",
        rejects.to_str().unwrap(),
    ])
}

/// Run `frontier` with `args`, `input` on standard input. The input is
/// written from another thread while the output is collected (so a large
/// input cannot fill both pipes), and a command that exits without reading
/// all of it (an error on an early row) is not a test failure here: its
/// status and messages are in the output.
pub fn frontier_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run frontier");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.as_ref().to_vec();
    let writer = std::thread::spawn(move || match stdin.write_all(&input) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.unwrap(),
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
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
    // Flexible: a rejects file keeps each record as it came, so its rows
    // may have more or fewer fields than the header.
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
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

/// `value` after `set` has changed some of its fields: how the tests build
/// the library's option structs, which are `#[non_exhaustive]` (so a
/// struct literal, even with `..Default::default()`, is refused outside
/// the library), e.g. `with(MapSpec::default(), |s| s.size = (480, 360))`.
pub fn with<T>(mut value: T, set: impl FnOnce(&mut T)) -> T {
    set(&mut value);
    value
}
