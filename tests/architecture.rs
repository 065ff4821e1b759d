//! The shape of the source tree, checked: no import circles between files,
//! no file over 700 lines before its tests, no glob imports outside test
//! modules. These hold the house rules that a reviewer would otherwise
//! have to check by reading.

use std::collections::{BTreeMap, BTreeSet};

/// Known exceptions, each being worked on: a file named here is let off.
/// The list only shrinks.
const PENDING: &[&str] = &[];

fn pending(p: &str) -> bool {
    PENDING.iter().any(|x| p.contains(x))
}
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under `src/` (`src/ingest/mod.rs` →
/// `["ingest"]`, `src/query/sphere.rs` → `["query", "sphere"]`), or None
/// for the crate roots and the binary's files.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if parts[0] == "main.rs" || parts[0] == "lib.rs" || parts[0] == "cmd" {
        return None;
    }
    let last = parts.pop().unwrap();
    if last != "mod.rs" {
        parts.push(last.trim_end_matches(".rs").to_string());
    }
    Some(parts)
}

/// The source before its test module (the code a reader holds), without
/// comment lines.
fn code_lines(text: &str) -> Vec<&str> {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect()
}

/// The paths a file names through `crate::` or `super::` (use trees
/// expanded one level: `use super::{a, b::C}` names `super::a` and
/// `super::b::C`).
fn named_paths(code: &[&str]) -> Vec<String> {
    let text = code.join("\n");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let starts = (rest.starts_with(b"crate::") || rest.starts_with(b"super::"))
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b':')
        {
            j += 1;
        }
        let head = text[i..j].trim_end_matches(':').to_string();
        if bytes.get(j) == Some(&b'{') {
            // A group: each item's first segment after the head.
            let mut depth = 0;
            let mut k = j;
            let mut item = String::new();
            while k < bytes.len() {
                let c = bytes[k] as char;
                match c {
                    '{' => {
                        depth += 1;
                        if depth > 1 {
                            item.push(c);
                        }
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            out.push(format!("{head}::{}", first_segment(&item)));
                            break;
                        }
                        item.push(c);
                    }
                    ',' if depth == 1 => {
                        out.push(format!("{head}::{}", first_segment(&item)));
                        item.clear();
                    }
                    _ => item.push(c),
                }
                k += 1;
            }
            i = k;
        } else {
            out.push(head);
            i = j;
        }
    }
    out
}

fn first_segment(item: &str) -> String {
    item.trim()
        .split("::")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The file a path resolves to: the deepest module prefix that is a file.
fn resolve(
    from: &[String],
    path: &str,
    files: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = match segs.first() {
        Some(&"crate") => {
            segs.remove(0);
            Vec::new()
        }
        Some(&"super") => {
            // The parent of the module the file is (a mod.rs is its
            // folder's module).
            let mut b = from.to_vec();
            b.pop();
            segs.remove(0);
            while segs.first() == Some(&"super") {
                b.pop();
                segs.remove(0);
            }
            b
        }
        _ => return None,
    };
    let mut best = None;
    for s in segs {
        base.push(s.to_string());
        if files.contains_key(&base) {
            best = Some(base.clone());
        } else {
            break;
        }
    }
    best
}

fn source_files() -> (PathBuf, Vec<PathBuf>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    (src, files)
}

#[test]
fn no_import_circles_between_files() {
    let (src, paths) = source_files();
    let mut files: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
    for p in &paths {
        if let Some(m) = module_of(&src, p) {
            files.insert(m, p.clone());
        }
    }
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, p) in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let code = code_lines(&text);
        for path in named_paths(&code) {
            let Some(to) = resolve(m, &path, &files) else {
                continue;
            };
            // A file naming its own module, or a façade (mod.rs) above it,
            // is not a dependency between files.
            if to == *m || (m.starts_with(&to) && files[&to].ends_with("mod.rs")) {
                continue;
            }
            edges.entry(m.clone()).or_default().insert(to);
        }
    }
    // Depth-first search for a cycle.
    let mut state: BTreeMap<&Vec<String>, u8> = BTreeMap::new();
    let mut cycles = Vec::new();
    fn visit<'a>(
        n: &'a Vec<String>,
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<&'a Vec<String>, u8>,
        stack: &mut Vec<&'a Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(n, 1);
        stack.push(n);
        for t in edges.get(n).into_iter().flatten() {
            match state.get(t).copied().unwrap_or(0) {
                0 => visit(t, edges, state, stack, cycles),
                1 => {
                    let at = stack.iter().position(|s| *s == t).unwrap();
                    let names: Vec<String> = stack[at..].iter().map(|s| s.join("::")).collect();
                    cycles.push(format!("{} -> {}", names.join(" -> "), t.join("::")));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
    }
    for n in files.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            visit(n, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    cycles.retain(|c| {
        !c.split(" -> ")
            .all(|m| pending(&format!("src/{}.rs", m.replace("::", "/"))))
    });
    assert!(cycles.is_empty(), "import circles:\n{}", cycles.join("\n"));
}

#[test]
fn no_file_over_700_lines_before_its_tests() {
    let (_, paths) = source_files();
    let long: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
            let n = text[..end].lines().count();
            (n > 700 && !pending(&p.to_string_lossy()))
                .then(|| format!("{}: {n} lines", p.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over 700 lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_glob_imports_outside_tests() {
    let (_, paths) = source_files();
    let globs: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let code = code_lines(&text);
            let n = code
                .iter()
                .filter(|l| {
                    let l = l.trim();
                    l.starts_with("use ") && l.ends_with("::*;") && !l.contains("prelude")
                })
                .count();
            (n > 0 && !pending(&p.to_string_lossy())).then(|| format!("{}: {n}", p.display()))
        })
        .collect();
    assert!(globs.is_empty(), "glob imports:\n{}", globs.join("\n"));
}

/// The library without its default features pulls in none of the command
/// line's, the drawing's, the server's or Parquet's crates: a program that
/// only measures and locates builds none of them.
#[test]
fn the_bare_library_depends_on_no_client_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--no-default-features",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            "frontier",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: BTreeSet<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains("geographiclib-rs"), "{tree}");
    let client = [
        "clap",
        "indicatif",
        "ctrlc",
        "tempfile",
        "tiny-skia",
        "pdf-writer",
        "hyper",
        "tokio",
        "parquet",
    ];
    let found: Vec<&&str> = client.iter().filter(|c| crates.contains(**c)).collect();
    assert!(
        found.is_empty(),
        "`cargo tree --no-default-features -e normal` lists {found:?}"
    );
}

/// The doc comment just above the first line of `file` that starts with
/// `item` (attributes between them skipped); for `item` `//!`, the
/// module's own doc comment.
fn doc_of(file: &str, item: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    if item == "//!" {
        return lines
            .iter()
            .map_while(|l| l.strip_prefix("//!"))
            .map(|d| d.trim().to_string())
            .collect();
    }
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with(item))
        .unwrap_or_else(|| panic!("{file}: no line starts with {item:?}"));
    let mut doc = Vec::new();
    for l in lines[..at].iter().rev() {
        let l = l.trim_start();
        if l.starts_with("#[") {
            continue;
        }
        match l.strip_prefix("///") {
            Some(d) => doc.push(d.trim().to_string()),
            None => break,
        }
    }
    doc.reverse();
    doc
}

/// Whether a doc comment holds an example that runs: a code block that is
/// Rust (no language named, or `rust`) and not `ignore`d.
fn runs_an_example(doc: &[String]) -> bool {
    doc.iter().any(|l| l == "```" || l == "```rust")
}

/// The entry points a library user starts from each carry an example that
/// runs as a doc test (`cargo test --doc`).
#[test]
fn entry_points_have_examples_that_run() {
    let entry_points = [
        ("src/ingest/source.rs", "pub fn open("),
        ("src/ingest/source.rs", "pub fn from_reader("),
        ("src/ingest/batch.rs", "pub struct Batch"),
        ("src/layer/mod.rs", "pub fn from_geojson_str("),
        ("src/query/locator.rs", "pub struct Locator"),
        ("src/query/distance.rs", "pub fn nearest("),
        ("src/query/distance.rs", "pub fn k_nearest("),
        ("src/index/mod.rs", "pub struct PolygonIndex"),
        ("src/geodesy.rs", "pub fn distance_m("),
        ("src/geodesy.rs", "pub fn area_m2("),
        ("src/summary/mod.rs", "//!"),
        ("src/trend/mod.rs", "pub fn trend("),
        ("src/hotspots/mod.rs", "pub fn hotspots("),
        ("src/spacetime/knox.rs", "pub fn run("),
        ("src/stats/rate.rs", "pub fn compare_rates("),
        ("src/render/mod.rs", "pub fn render_to("),
        ("src/render/chart.rs", "pub fn chart("),
        ("src/render/heat_table.rs", "pub fn heat_table("),
        ("src/output/table.rs", "pub fn write_table("),
        ("src/output/file.rs", "pub struct AtomicFile"),
        ("src/units.rs", "pub fn parse_distance("),
        ("src/window.rs", "pub struct Window"),
    ];
    let missing: Vec<String> = entry_points
        .iter()
        .filter(|(file, item)| !runs_an_example(&doc_of(file, item)))
        .map(|(file, item)| format!("{file}: {item}"))
        .collect();
    assert!(
        missing.is_empty(),
        "entry points without an example:\n{}",
        missing.join("\n")
    );
    assert!(entry_points.len() >= 20);
}

/// The attributes just above the first line of `file` that starts with
/// `item`.
fn attributes_of(file: &str, item: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(item))
        .unwrap_or_else(|| panic!("{file}: no line starts with {item:?}"));
    lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("#["))
        .map(str::to_string)
        .collect()
}

/// The library's error and option structs are `#[non_exhaustive]`, so a
/// field added later breaks no client: outside the library they are built
/// from `default()` (or a `new`) and their fields set.
#[test]
fn errors_and_option_structs_are_non_exhaustive() {
    let items = [
        ("src/error.rs", "pub enum Error"),
        ("src/window.rs", "pub struct Window"),
        ("src/ingest/options.rs", "pub struct ReadOptions"),
        ("src/summary/mod.rs", "pub struct Options"),
        ("src/trend/mod.rs", "pub struct Options"),
        ("src/hotspots/mod.rs", "pub struct Options"),
        ("src/spacetime/emerging.rs", "pub struct EmergingOptions"),
        ("src/render/spec.rs", "pub struct MapSpec"),
        ("src/render/spec.rs", "pub struct PointsLayer"),
        ("src/render/spec.rs", "pub struct Choropleth"),
        ("src/render/chart.rs", "pub struct ChartSpec"),
        ("src/render/heat_table.rs", "pub struct HeatTable"),
    ];
    let missing: Vec<String> = items
        .iter()
        .filter(|(f, i)| !attributes_of(f, i).iter().any(|a| a == "#[non_exhaustive]"))
        .map(|(f, i)| format!("{f}: {i}"))
        .collect();
    assert!(missing.is_empty(), "not #[non_exhaustive]: {missing:?}");
}
