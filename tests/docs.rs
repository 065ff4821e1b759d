//! The user documentation agrees with the project and with itself: the
//! Rust version it asks for is the one Cargo.toml pins, the README stays
//! short, and no page reads like a development diary.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, docs/*.md, bench/README.md and python/README.md.
fn user_docs() -> Vec<PathBuf> {
    let mut out = vec![
        root().join("README.md"),
        root().join("bench/README.md"),
        root().join("python/README.md"),
    ];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out
}

/// The `rust-version` of Cargo.toml (`1.88`).
fn rust_version() -> String {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = toml
        .lines()
        .find(|l| l.starts_with("rust-version"))
        .expect("Cargo.toml pins a rust-version");
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn the_readmes_ask_for_the_pinned_rust_version() {
    let want = rust_version();
    for doc in ["README.md", "python/README.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let asked: Vec<&str> = text
            .match_indices("Rust ")
            .chain(text.match_indices("Rust ("))
            .filter_map(|(i, m)| {
                let rest = text[i + m.len()..].trim_start_matches('(');
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(rest.len());
                let v = rest[..end].trim_end_matches('.');
                v.contains('.').then_some(v)
            })
            .collect();
        assert!(!asked.is_empty(), "{doc} names no Rust version");
        for v in asked {
            assert_eq!(v, want, "{doc} asks for Rust {v}, Cargo.toml pins {want}");
        }
    }
}

#[test]
fn the_readme_is_short() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let n = text.lines().count();
    assert!(n <= 400, "README.md has {n} lines");
}

/// Words of a diary, not of a manual: which issue or step of the work a
/// thing came from means nothing to a reader.
#[test]
fn no_development_diary_in_user_docs() {
    let ordinals = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    let mut found = Vec::new();
    for p in user_docs() {
        let text = std::fs::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let low = line.to_lowercase();
            let words: Vec<&str> = low
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let diary = words.windows(2).any(|w| {
                (w[0] == "issue" && w[1].parse::<u32>().is_ok())
                    || (ordinals.contains(&w[0]) && w[1] == "step")
                    || (w[0] == "this" && w[1] == "session")
            });
            if diary {
                found.push(format!("{}:{}: {line}", p.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
