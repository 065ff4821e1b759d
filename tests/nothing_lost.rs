//! Nothing lost: no command damages an input, outputs appear whole or not
//! at all, rejected rows are kept exactly as they came, and awkward real
//! files (semicolons, tabs, GeoJSON without its extension, ambiguous
//! columns, empty layers) are read or refused clearly. Each test here
//! failed on the code before the fix it guards (issue 12).

mod common;

use common::{err, frontier, frontier_stdin, locate_keeping_rejects, out, table};
use std::path::{Path, PathBuf};

const EVENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);

/// A small polygon layer (a box around Peshawar) as a file.
const BOX: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Box"},"geometry":{"type":"Polygon","coordinates":[[[71,33.5],[72,33.5],[72,34.5],[71,34.5],[71,33.5]]]}}]}"#;

/// A line layer as a file.
const LINE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Road"},"geometry":{"type":"LineString","coordinates":[[70,33],[72,35]]}}]}"#;

/// A summary table for choropleths and joins.
const TABLE: &str = "district,refugees\nPeshawar,100\n";

/// The files every case can aim at: their roles and contents.
struct Kit {
    dir: tempfile::TempDir,
}

impl Kit {
    fn new() -> Kit {
        let dir = tempfile::tempdir().unwrap();
        let k = Kit { dir };
        std::fs::copy(EVENTS, k.path("events.csv")).unwrap();
        std::fs::write(k.path("box.geojson"), BOX).unwrap();
        std::fs::write(k.path("line.geojson"), LINE).unwrap();
        std::fs::write(k.path("table.csv"), TABLE).unwrap();
        k
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn s(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }
}

/// One command line: its arguments, with `{name}` standing for a file of
/// the kit; which of its arguments are inputs and which are outputs.
struct Case {
    args: &'static [&'static str],
    inputs: &'static [&'static str],
    outputs: &'static [&'static str],
}

/// Every command with every file it reads and writes.
const CASES: &[Case] = &[
    Case {
        args: &[
            "locate",
            "{events.csv}",
            "--layer",
            "{box.geojson}",
            "--skip-invalid",
            "--rejects",
            "{rejects.csv}",
            "-o",
            "{out.csv}",
        ],
        inputs: &["events.csv", "box.geojson"],
        outputs: &["rejects.csv", "out.csv"],
    },
    Case {
        args: &[
            "near",
            "{events.csv}",
            "--to",
            "{line.geojson}",
            "--skip-invalid",
            "--rejects",
            "{rejects.csv}",
            "-o",
            "{out.csv}",
        ],
        inputs: &["events.csv", "line.geojson"],
        outputs: &["rejects.csv", "out.csv"],
    },
    Case {
        args: &[
            "nearest",
            "{events.csv}",
            "--layer",
            "{line.geojson}",
            "--skip-invalid",
            "--rejects",
            "{rejects.csv}",
            "-o",
            "{out.csv}",
        ],
        inputs: &["events.csv", "line.geojson"],
        outputs: &["rejects.csv", "out.csv"],
    },
    Case {
        args: &[
            "summarize",
            "{events.csv}",
            "--by",
            "{box.geojson}",
            "--bands",
            "0,10",
            "--target",
            "{line.geojson}",
            "--join",
            "{table.csv}",
            "--on",
            "district",
            "--skip-invalid",
            "--rejects",
            "{rejects.csv}",
            "-o",
            "{out.csv}",
        ],
        inputs: &["events.csv", "box.geojson", "line.geojson", "table.csv"],
        outputs: &["rejects.csv", "out.csv"],
    },
    Case {
        args: &[
            "render",
            "--points",
            "{events.csv}",
            "--density",
            "{events2.csv}",
            "--choropleth",
            "{table.csv}",
            "--column",
            "refugees",
            "--layer",
            "{box.geojson}",
            "--size",
            "300x200",
            "-o",
            "{out.png}",
        ],
        inputs: &["events.csv", "events2.csv", "table.csv", "box.geojson"],
        outputs: &["out.png"],
    },
    Case {
        args: &[
            "synth",
            "--events",
            "10",
            "--refugees",
            "10",
            "-o",
            "{out.csv}",
            "--refugees-output",
            "{ref.csv}",
        ],
        inputs: &[],
        outputs: &["out.csv", "ref.csv"],
    },
];

/// The arguments with `{name}` replaced: `aim` sends that output to
/// another file's path.
fn argv(k: &Kit, c: &Case, aim: Option<(&str, &str)>) -> Vec<String> {
    c.args
        .iter()
        .map(
            |a| match a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
                Some(name) => match aim {
                    Some((from, to)) if from == name => to.to_string(),
                    _ => k.s(name),
                },
                None => a.to_string(),
            },
        )
        .collect()
}

fn run(args: &[String]) -> std::process::Output {
    frontier(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Every file in the kit, by name, with its bytes.
fn snapshot(k: &Kit) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(k.dir.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_case_runs_as_given() {
    for c in CASES {
        let k = Kit::new();
        std::fs::copy(EVENTS, k.path("events2.csv")).unwrap();
        let o = run(&argv(&k, c, None));
        assert!(o.status.success(), "{:?}: {}", c.args, err(&o));
        for name in c.outputs {
            assert!(k.path(name).exists(), "{:?} wrote no {name}", c.args);
        }
    }
}

#[test]
fn every_output_aimed_at_every_input_is_refused_and_the_input_kept() {
    // Each output at each input: by the same path, through a symlink and
    // through a hard link.
    let mut checked = 0;
    for c in CASES {
        for output in c.outputs {
            for input in c.inputs {
                for how in ["path", "symlink", "hard link"] {
                    let k = Kit::new();
                    std::fs::copy(EVENTS, k.path("events2.csv")).unwrap();
                    let target = match how {
                        "path" => k.s(input),
                        "symlink" => {
                            let l = k.path("alias");
                            std::os::unix::fs::symlink(k.path(input), &l).unwrap();
                            k.s("alias")
                        }
                        _ => {
                            std::fs::hard_link(k.path(input), k.path("alias")).unwrap();
                            k.s("alias")
                        }
                    };
                    let before = snapshot(&k);
                    let o = run(&argv(&k, c, Some((output, &target))));
                    let e = err(&o);
                    let what = format!("{} with {output} at {input} by {how}", c.args[0]);
                    assert_eq!(o.status.code(), Some(2), "{what}: {e}");
                    assert!(
                        e.contains("same file") && e.contains(&target) && e.contains(&k.s(input)),
                        "{what}: the message names both files: {e}"
                    );
                    assert_eq!(snapshot(&k), before, "{what}: files changed");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 60, "{checked} combinations");
}

#[test]
fn two_outputs_at_one_file_are_refused() {
    for c in CASES.iter().filter(|c| c.outputs.len() > 1) {
        let k = Kit::new();
        std::fs::copy(EVENTS, k.path("events2.csv")).unwrap();
        let (a, b) = (c.outputs[0], c.outputs[1]);
        // Once where the file does not exist yet, once where it does.
        for exists in [false, true] {
            if exists {
                std::fs::write(k.path(b), "keep\n").unwrap();
            }
            let o = run(&argv(&k, c, Some((a, &k.s(b)))));
            assert_eq!(o.status.code(), Some(2), "{}: {}", c.args[0], err(&o));
            assert!(err(&o).contains("are the same file"), "{}", err(&o));
            let now = std::fs::read(k.path(b)).ok();
            assert_eq!(now, exists.then(|| b"keep\n".to_vec()));
        }
    }
}

/// `-` as an output is standard output, as `-` as an input is standard
/// input: the bytes are the same as the file's, and no file named `-`
/// appears. Two outputs cannot both be standard output.
#[test]
fn an_output_named_dash_is_standard_output() {
    let mut checked = 0;
    for c in CASES {
        for output in c.outputs {
            let k = Kit::new();
            std::fs::copy(EVENTS, k.path("events2.csv")).unwrap();
            let to_file = run(&argv(&k, c, None));
            assert!(to_file.status.success(), "{:?}: {}", c.args, err(&to_file));
            let file = std::fs::read(k.path(output)).unwrap();
            std::fs::remove_file(k.path(output)).unwrap();
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"));
            let o = cmd
                .args(argv(&k, c, Some((output, "-"))))
                .current_dir(k.dir.path())
                .output()
                .unwrap();
            let what = format!("{} with {output} at -", c.args[0]);
            assert!(o.status.success(), "{what}: {}", err(&o));
            assert_eq!(
                o.stdout, file,
                "{what}: standard output differs from the file"
            );
            assert!(!k.path("-").exists(), "{what}: wrote a file named -");
            assert!(!k.path(output).exists(), "{what}: wrote {output} as well");
            checked += 1;
        }
        if let [a, b, ..] = c.outputs {
            let k = Kit::new();
            std::fs::copy(EVENTS, k.path("events2.csv")).unwrap();
            let mut args = argv(&k, c, Some((a, "-")));
            let b_path = k.s(b);
            for x in args.iter_mut().filter(|x| **x == b_path) {
                *x = "-".into();
            }
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{}: {}", c.args[0], err(&o));
            assert!(
                err(&o).contains("both write to standard output"),
                "{}",
                err(&o)
            );
            assert!(
                o.stdout.is_empty(),
                "{}: wrote to standard output",
                c.args[0]
            );
        }
    }
    assert!(checked >= 10, "{checked} outputs");
}

/// A big input whose last row is bad, so a strict run fails late.
fn failing_late(dir: &Path) -> PathBuf {
    let p = dir.join("late.csv");
    let mut s = String::from("id,lat,lon\n");
    for i in 0..200_000 {
        s.push_str(&format!(
            "{i},{},{}\n",
            30.0 + (i % 500) as f64 * 0.01,
            70.5
        ));
    }
    s.push_str("bad,north,70\n");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn a_failed_run_leaves_the_previous_output_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let input = failing_late(dir.path());
    let out_p = dir.path().join("out.csv");
    for cmd in [
        vec!["locate"],
        vec!["near", "--target", "durand-line"],
        vec!["nearest", "--layer", "crossings"],
        vec!["summarize"],
    ] {
        // No previous file: none after the failure.
        let _ = std::fs::remove_file(&out_p);
        let mut args = cmd.clone();
        args.extend([input.to_str().unwrap(), "-o", out_p.to_str().unwrap()]);
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(err(&o).contains("late.csv:200002"), "{}", err(&o));
        assert!(!out_p.exists(), "{cmd:?} left a partial output");
        // A previous file: kept as it was.
        std::fs::write(&out_p, "previous\n").unwrap();
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&out_p).unwrap(), "previous\n");
        // And no temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{cmd:?}: {names:?}");
    }
}

#[test]
fn rejects_keep_each_record_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let rejects = dir.path().join("rejects.csv");
    let rows: [&[u8]; 5] = [
        b"1,34.0,71.5,ok",
        b"2,\xff\xfe,71,not utf-8",
        b"3,33,71,extra,fields,beyond",
        b"4,\"3\xe94\",70,\"quoted, not a number\"",
        b"5,,70,\"two\nlines\"",
    ];
    let mut bytes = b"id,lat,lon,note\r\n".to_vec();
    for r in rows {
        bytes.extend_from_slice(r);
        bytes.extend_from_slice(b"\r\n");
    }
    std::fs::write(&input, &bytes).unwrap();
    let o = locate_keeping_rejects(&input, &rejects);
    assert!(o.status.success(), "{}", err(&o));
    let got = std::fs::read(&rejects).unwrap();
    let mut want = b"line,column,reason,id,lat,lon,note\n".to_vec();
    for (line, col, reason, row) in [
        (3, "lat", "not valid UTF-8", rows[1]),
        (
            4,
            "(row)",
            "\"has 6 fields, the header has 4 (comma-separated)\"",
            rows[2],
        ),
        (5, "lat", "not valid UTF-8", rows[3]),
        (6, "lat", "empty latitude", rows[4]),
    ] {
        want.extend_from_slice(format!("{line},{col},{reason},").as_bytes());
        want.extend_from_slice(row);
        want.push(b'\n');
    }
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want)
    );
    assert_eq!(got, want);
    assert_eq!(table(&o.stdout).len(), 1);
}

#[test]
fn an_empty_layer_is_refused_rather_than_dropping_rows() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.geojson");
    std::fs::write(&empty, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    for args in [
        vec!["near", EVENTS, "--to", empty.to_str().unwrap()],
        vec!["nearest", EVENTS, "--layer", empty.to_str().unwrap()],
    ] {
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(err(&o).contains("no features"), "{}", err(&o));
        assert!(o.stdout.is_empty());
    }
    // locate refuses it too: it has no polygons to hold anything.
    let o = frontier(&["locate", EVENTS, "--in", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no polygons (empty)"), "{}", err(&o));
}

const MIXED: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[71.5,34.0]}},
{"type":"Feature","properties":{"id":2},"geometry":null},
{"type":"Feature","properties":{"id":3,"name":"Road"},"geometry":{"type":"LineString","coordinates":[[71.5,34.0],[72,34]]}},
{"type":"Feature","properties":{"id":4},"geometry":{"type":"Point","coordinates":[200,34.0]}},
{"type":"Feature","properties":{"id":5},"geometry":{"type":"Point","coordinates":[66.45,30.91]}}
]}"#;

#[test]
fn geojson_features_are_rejected_one_by_one_numbered_from_1() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pts.geojson");
    let rj = dir.path().join("rejects.csv");
    std::fs::write(&p, MIXED).unwrap();
    // Strict: the first bad feature stops the run, numbered from 1.
    let o = frontier(&["locate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("pts.geojson: feature 2: has no geometry"),
        "{}",
        err(&o)
    );
    let o = locate_keeping_rejects(&p, &rj);
    assert!(o.status.success(), "{}", err(&o));
    let kept = table(&o.stdout);
    assert_eq!(
        kept.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["1", "5"]
    );
    let rejects = table(&std::fs::read(&rj).unwrap());
    assert_eq!(
        rejects
            .iter()
            .map(|r| (r["feature"].as_str(), r["column"].as_str()))
            .collect::<Vec<_>>(),
        [("2", "geometry"), ("3", "geometry"), ("4", "geometry")]
    );
    assert!(rejects[1]["reason"].contains("LineString"));
    assert!(rejects[2]["reason"].contains("out of range"));
    // The feature as it was, as JSON.
    let f: serde_json::Value = serde_json::from_str(&rejects[1]["geojson"]).unwrap();
    assert_eq!(f["properties"]["name"], "Road");
}

#[test]
fn geojson_is_recognised_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("points.txt");
    std::fs::write(&p, MIXED).unwrap();
    let by_file = frontier(&["locate", p.to_str().unwrap(), "--skip-invalid"]);
    let by_stdin = frontier_stdin(&["locate", "-", "--skip-invalid"], MIXED);
    for o in [&by_file, &by_stdin] {
        assert!(o.status.success(), "{}", err(o));
        let rows = table(&o.stdout);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["district"], "Peshawar");
        assert_eq!(rows[1]["district"], "Chaman");
    }
}

#[test]
fn semicolons_tabs_and_pipes_read_like_commas() {
    let comma = "id,lat,lon,note\n1,34.0,71.5,a\n2,30.91,66.45,b\n";
    let want = out(&frontier_stdin(&["locate", "-"], comma));
    assert!(
        want.contains("Peshawar") && want.contains("Chaman"),
        "{want}"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, d, flag) in [
        ("s.csv", ";", None),
        ("t.tsv", "\t", None),
        ("t.txt", "\t", None),
        ("p.csv", "|", None),
        ("x.csv", ";", Some(";")),
        ("y.csv", "\t", Some("tab")),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, comma.replace(',', d)).unwrap();
        let mut args = vec!["locate", p.to_str().unwrap()];
        if let Some(f) = flag {
            args.extend(["--delimiter", f]);
        }
        let o = frontier(&args);
        assert!(o.status.success(), "{name}: {}", err(&o));
        assert_eq!(out(&o), want, "{name}");
    }
    // A wrong --delimiter says how the file was read.
    let p = dir.path().join("s.csv");
    let o = frontier(&["locate", p.to_str().unwrap(), "--delimiter", ","]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("read as comma-separated; columns: id;lat;lon;note"),
        "{}",
        err(&o)
    );
}

#[test]
fn ambiguous_coordinate_columns_are_refused_with_the_candidates() {
    for (header, what, candidates) in [
        (
            "Lat,lat,lon",
            "latitude",
            "\"Lat\" (column 1), \"lat\" (column 2)",
        ),
        (
            "latitude,lat,lon",
            "latitude",
            "\"latitude\" (column 1), \"lat\" (column 2)",
        ),
        (
            "lat,lat,lon",
            "latitude",
            "\"lat\" (column 1), \"lat\" (column 2)",
        ),
        (
            "lat,lon,lng",
            "longitude",
            "\"lon\" (column 2), \"lng\" (column 3)",
        ),
    ] {
        let o = frontier_stdin(&["locate", "-"], format!("{header}\n34,71.5,71.5\n"));
        assert_eq!(o.status.code(), Some(2), "{header}");
        let e = err(&o);
        assert!(
            e.contains(&format!("more than one {what} column: {candidates}")),
            "{header}: {e}"
        );
    }
    // Naming the column settles it; y/x are used only when no lat/lon is there.
    let o = frontier_stdin(
        &["locate", "-", "--lat", "latitude"],
        "latitude,lat,lon\n34,0,71.5\n",
    );
    assert_eq!(table(&o.stdout)[0]["district"], "Peshawar", "{}", err(&o));
    let o = frontier_stdin(&["locate", "-"], "lat,lon,x,y\n34,71.5,0,0\n");
    assert_eq!(table(&o.stdout)[0]["district"], "Peshawar", "{}", err(&o));
}

const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/events-reference.csv");

#[test]
fn a_join_carries_numbers_leaves_text_out_and_keeps_missing_missing() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.csv");
    std::fs::write(
        &j,
        "district,province,refugees,camps\nPeshawar,Khyber Pakhtunkhwa,\"1,200\",\nQuetta,Balochistan,,3\n",
    )
    .unwrap();
    let o = frontier(&[
        "summarize",
        REFERENCE,
        "--join",
        j.to_str().unwrap(),
        "--on",
        "district",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("left out of the join") && err(&o).contains("province (text on line 2)"),
        "{}",
        err(&o)
    );
    let rows = table(&o.stdout);
    let row = |n: &str| rows.iter().find(|r| r["district"] == n).unwrap().clone();
    let (p, q) = (row("Peshawar"), row("Quetta"));
    assert_eq!(p["refugees"], "1200");
    // Census 2023: Peshawar 4,758,762 people.
    let rate: f64 = p["refugees_per_100k"].parse().unwrap();
    assert!((rate - 1200.0 / 4_758_762.0 * 1e5).abs() < 1e-4, "{rate}");
    // Empty cells are missing: no value and no rate, not 0.
    assert_eq!(
        (p["camps"].as_str(), p["camps_per_100k"].as_str()),
        ("", "")
    );
    assert_eq!((q["refugees"].as_str(), q["camps"].as_str()), ("", "3"));
    // NaN or infinity is an error naming file, line and column.
    for bad in ["NaN", "inf", "-Infinity"] {
        std::fs::write(&j, format!("district,refugees\nPeshawar,5\nQuetta,{bad}\n")).unwrap();
        let o = frontier(&[
            "summarize",
            REFERENCE,
            "--join",
            j.to_str().unwrap(),
            "--on",
            "district",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(err(&o).contains("j.csv:3: refugees:"), "{}", err(&o));
    }
}

#[test]
fn unreadable_precision_codes_are_bad_rows_under_max_precision() {
    let input = "id,lat,lon,geo_precision\n1,34,71.5,1\n2,34,71.5,high\n3,34,71.5,\n4,34,71.5,-1\n5,34,71.5,1.5\n6,34,71.5,3\n";
    let o = frontier_stdin(&["summarize", "-", "--max-precision", "1"], input);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("<stdin>:3: geo_precision: precision code is not a whole number"),
        "{}",
        err(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let rj = dir.path().join("r.csv");
    let o = frontier_stdin(
        &[
            "summarize",
            "-",
            "--max-precision",
            "1",
            "--skip-invalid",
            "--rejects",
            rj.to_str().unwrap(),
        ],
        input,
    );
    assert!(o.status.success(), "{}", err(&o));
    let peshawar = table(&o.stdout)
        .into_iter()
        .find(|r| r["district"] == "Peshawar")
        .unwrap();
    assert_eq!(peshawar["count"], "1");
    assert_eq!(peshawar["left_out_imprecise"], "1");
    let rejects = table(&std::fs::read(&rj).unwrap());
    assert_eq!(
        rejects.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["2", "3", "4", "5"]
    );
    // Without --max-precision the codes are not needed and nothing is rejected.
    let o = frontier_stdin(&["summarize", "-"], input);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn non_finite_choropleth_values_are_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let table_p = dir.path().join("t.csv");
    let o = frontier(&["summarize", EVENTS, "-o", table_p.to_str().unwrap()]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&table_p).unwrap();
    // Replace some rates by NaN / infinity, and by nothing: the maps must
    // be the same picture.
    let mut with_nan = String::new();
    let mut with_empty = String::new();
    let col = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "per_100k")
        .unwrap();
    for (i, line) in text.lines().enumerate() {
        let mut f: Vec<&str> = line.split(',').collect();
        if i > 0 && i % 4 == 1 {
            let bad = ["NaN", "inf", "-inf"][i % 3];
            f[col] = bad;
            with_nan.push_str(&f.join(","));
            f[col] = "";
            with_empty.push_str(&f.join(","));
        } else {
            with_nan.push_str(line);
            with_empty.push_str(line);
        }
        with_nan.push('\n');
        with_empty.push('\n');
    }
    let mut pngs = Vec::new();
    for (name, body) in [("nan.csv", &with_nan), ("empty.csv", &with_empty)] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let png = dir.path().join(format!("{name}.png"));
        let o = frontier(&[
            "render",
            "-o",
            png.to_str().unwrap(),
            "--extent",
            "kp",
            "--size",
            "400x300",
            "--choropleth",
            p.to_str().unwrap(),
            "--column",
            "per_100k",
        ]);
        assert!(o.status.success(), "{}", err(&o));
        assert!(err(&o).contains("shown as No data"), "{}", err(&o));
        pngs.push(std::fs::read(png).unwrap());
    }
    assert!(pngs[0] == pngs[1], "NaN and infinity must draw as No data");
}

#[test]
fn odd_sizes_are_drawn_small_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let pts = dir.path().join("p.csv");
    std::fs::write(
        &pts,
        "lat,lon,fatalities\n34,71.5,10\n34.1,71.6,\n34.2,71.7,NaN\n34.3,71.8,-4\n34.4,71.9,0\n",
    )
    .unwrap();
    let png = dir.path().join("m.png");
    let o = frontier(&[
        "render",
        "-o",
        png.to_str().unwrap(),
        "--points",
        pts.to_str().unwrap(),
        "--size-by",
        "fatalities",
        "--size",
        "300x200",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains(
            "3 points with an empty, non-finite or negative fatalities drawn at the smallest size"
        ),
        "{}",
        err(&o)
    );
}

#[test]
fn messages_say_what_and_where_in_words() {
    // The reject summary names each kind of fault in full.
    let o = frontier_stdin(
        &["locate", "-", "--skip-invalid"],
        "id,lat,lon\n1,95,71.5\n2,x,3\n3,34,71.5,9\n4,34\n5,34,71.5\n",
    );
    assert!(o.status.success());
    let e = err(&o);
    assert!(
        e.contains("4 rows rejected")
            && e.contains("2 × wrong number of fields")
            && e.contains("1 × latitude is not a number")
            && e.contains("1 × latitude is out of range (must be within ±90)"),
        "{e}"
    );
    // Field counts in words, with the delimiter named.
    let o = frontier_stdin(&["locate", "-"], "id,lat,lon\n1\n");
    assert!(
        err(&o).contains("<stdin>:2: (row): has 1 field, the header has 3 (comma-separated)"),
        "{}",
        err(&o)
    );
    // Distances: a negative one is read as a value, units are named.
    for (d, says) in [
        ("-5km", "a distance must be a finite number 0 or more"),
        ("-5", "a distance must be a finite number 0 or more"),
        (
            "25 furlongs",
            "unknown unit \"furlongs\"; use km, m, mi (statute miles) or nmi (nautical miles)",
        ),
        ("25 parsecs", "unknown unit \"parsecs\""),
    ] {
        let o = frontier(&["near", REFERENCE, "--target", "durand-line", "--within", d]);
        assert_eq!(o.status.code(), Some(2));
        assert!(err(&o).contains(says), "{d}: {}", err(&o));
        assert!(!err(&o).contains("-- -5"), "{}", err(&o));
    }
    let km = frontier(&[
        "near",
        REFERENCE,
        "--target",
        "durand-line",
        "--within",
        "40.2335km",
    ]);
    let mi = frontier(&[
        "near",
        REFERENCE,
        "--target",
        "durand-line",
        "--within",
        "25mi",
    ]);
    assert!(mi.status.success(), "{}", err(&mi));
    assert_eq!(out(&km), out(&mi), "25 miles = 40.2335 km");
    // An unterminated quote is called that, with the line it opened on.
    let o = frontier_stdin(
        &["locate", "-"],
        "id,lat,lon,note\n1,34,71.5,\"ok\"\n2,34,71.5,\"open\n3,34,71.5,x\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains(
            "<stdin>:3: note: unterminated quote: the quoted field opened on line 3 never closes"
        ),
        "{}",
        err(&o)
    );
    // The choropleth's header message quotes the column, not Rust's Option.
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.csv");
    std::fs::write(&t, "event_id_cnty,x\na,1\n").unwrap();
    let o = frontier(&[
        "render",
        "-o",
        dir.path().join("m.png").to_str().unwrap(),
        "--choropleth",
        t.to_str().unwrap(),
        "--column",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("not \"event_id_cnty\"") && !err(&o).contains("Some("),
        "{}",
        err(&o)
    );
}

#[test]
fn near_and_nearest_spell_the_layer_the_same_way() {
    for cmd in ["near", "nearest"] {
        let a = frontier(&[cmd, REFERENCE, "--target", "crossings"]);
        let b = frontier(&[cmd, REFERENCE, "--layer", "crossings"]);
        assert!(a.status.success(), "{cmd}: {}", err(&a));
        assert_eq!(out(&a), out(&b), "{cmd}");
    }
}

#[test]
fn json_outputs_write_numeric_columns_as_numbers() {
    let csv = "id,code,lat,lon,fatalities,note,big\n1,007,34,71.5,13,a,123456789012345678901\n2,010,34.1,71.6,,b,5\n3,011,34.2,71.7,2.50,c,6\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("n.csv");
    std::fs::write(&p, csv).unwrap();
    for (format, src) in [("ndjson", "file"), ("json", "file"), ("geojson", "stdin")] {
        let o = if src == "stdin" {
            frontier_stdin(&["locate", "-", "--format", format], csv)
        } else {
            frontier(&["locate", p.to_str().unwrap(), "--format", format])
        };
        assert!(o.status.success(), "{}", err(&o));
        let objects: Vec<serde_json::Value> = match format {
            "ndjson" => out(&o)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
            "json" => serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).unwrap(),
            _ => serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["properties"].clone())
                .collect(),
        };
        let o0 = &objects[0];
        assert_eq!(o0["id"], serde_json::json!(1), "{format}");
        assert_eq!(o0["lat"], serde_json::json!(34), "{format}");
        assert_eq!(o0["fatalities"], serde_json::json!(13), "{format}");
        assert_eq!(objects[2]["fatalities"], serde_json::json!(2.5));
        // Missing, not 0 or "".
        assert_eq!(objects[1]["fatalities"], serde_json::Value::Null);
        // Text stays text: leading zeros, words, integers beyond 64 bits.
        assert_eq!(o0["code"], "007");
        assert_eq!(o0["note"], "a");
        assert_eq!(o0["big"], "123456789012345678901");
        assert_eq!(objects[1]["big"], "5");
        assert_eq!(o0["district"], "Peshawar");
    }
    // CSV output stays byte for byte as it came.
    let o = frontier(&["locate", p.to_str().unwrap()]);
    let first = out(&o).lines().nth(1).unwrap().to_string();
    assert!(
        first.starts_with("1,007,34,71.5,13,a,123456789012345678901,PAK"),
        "{first}"
    );
}

/// Inputs the fuzzers found crashing frontier (fuzz/run.sh), each kept as
/// a regression test: a clear message and exit code 2, never a panic.
#[test]
fn fuzz_findings_are_refused_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in &files {
        let f = f.to_str().unwrap();
        for args in [
            vec!["layers", "show", f],
            vec!["locate", f],
            vec!["locate", f, "--skip-invalid"],
            vec!["near", REFERENCE, "--to", f],
        ] {
            let o = frontier(&args);
            let e = err(&o);
            assert!(!e.contains("panicked"), "{args:?}: {e}");
            if args[0] == "locate" && args.len() == 3 {
                assert!(o.status.success(), "{args:?}: {e}");
            } else {
                assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
                assert!(
                    e.contains("a position must hold two or more numbers"),
                    "{args:?}: {e}"
                );
            }
        }
    }
    // The same fault anywhere in a geometry.
    for g in [
        r#"{"type":"LineString","coordinates":[[70,30],[]]}"#,
        r#"{"type":"Polygon","coordinates":[[[70,30],[71,30],[71],[70,30]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[[[70,30],[71,30],[71,"x"],[70,30]]]]}"#,
    ] {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{g}}}]}}"#
        );
        let e = frontier::Layer::from_geojson_str("t", "t", &text)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a position must hold two or more numbers"),
            "{e}"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_output_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let o = frontier(&[
        "synth",
        "--events",
        "400000",
        "--slim",
        "-o",
        input.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let output = dir.path().join("out.csv");
    for signal in ["TERM", "INT"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
            .args([
                "near",
                input.to_str().unwrap(),
                "--target",
                "durand-line",
                "-o",
            ])
            .arg(&output)
            .spawn()
            .unwrap();
        // Wait until the temporary output exists, then interrupt.
        let started = std::time::Instant::now();
        while std::fs::read_dir(dir.path()).unwrap().count() < 2 {
            assert!(
                started.elapsed().as_secs() < 60,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        if status.success() {
            // It finished first: nothing to check this time.
            std::fs::remove_file(&output).unwrap();
            continue;
        }
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["in.csv"], "{signal}");
    }
}

/// Run `frontier` with standard output into `stdout` (a device, say).
fn run_into(args: &[&str], stdout: std::fs::File) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .stdout(stdout)
        .output()
        .unwrap()
}

/// Run `frontier` reading only the first `keep` bytes of its standard
/// output, then closing the pipe (as `| head -c KEEP` does).
fn run_into_closed_pipe(args: &[&str], keep: usize) -> std::process::Output {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = vec![0u8; keep];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

/// `n` rows, every other one with no latitude.
fn half_bad(n: usize) -> String {
    let mut s = String::from("id,lat,lon\n");
    for i in 0..n {
        if i % 2 == 0 {
            s.push_str(&format!("{i},34.0,71.5\n"));
        } else {
            s.push_str(&format!("{i},,71.5\n"));
        }
    }
    s
}

#[cfg(unix)]
#[test]
fn a_stream_failing_after_a_file_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,lat,lon\n1,34.0,71.5\n2,,71.5\n3,abc,71\n").unwrap();
    let o = dir.path().join("o.csv");
    std::fs::write(&o, "previous\n").unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let r = run_into(
        &[
            "locate",
            bad.to_str().unwrap(),
            "--skip-invalid",
            "--rejects",
            "-",
            "-o",
            o.to_str().unwrap(),
        ],
        full,
    );
    assert_eq!(
        r.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("standard output"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert_eq!(std::fs::read_to_string(&o).unwrap(), "previous\n");
    // No temporary file left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_closed_pipe_never_costs_the_other_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("manybad.csv");
    std::fs::write(&many, half_bad(60_000)).unwrap();
    // Rejects to the closed pipe: the output file is still completed.
    let o = dir.path().join("o.csv");
    let r = run_into_closed_pipe(
        &[
            "locate",
            many.to_str().unwrap(),
            "--skip-invalid",
            "--rejects",
            "-",
            "-o",
            o.to_str().unwrap(),
        ],
        100,
    );
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let written = std::fs::read_to_string(&o).unwrap();
    assert_eq!(written.lines().count(), 1 + 30_000);
    // The rows to the closed pipe: the rejects file is still completed.
    let rj = dir.path().join("rj.csv");
    let r = run_into_closed_pipe(
        &[
            "locate",
            many.to_str().unwrap(),
            "--skip-invalid",
            "--rejects",
            rj.to_str().unwrap(),
        ],
        10,
    );
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let rejected = std::fs::read_to_string(&rj).unwrap();
    assert_eq!(rejected.lines().count(), 1 + 30_000);
}

#[test]
fn a_side_output_follows_the_closed_pipe_rule() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c.png");
    std::fs::write(&chart, "previous").unwrap();
    let r = run_into_closed_pipe(
        &[
            "trend",
            EVENTS,
            "--period",
            "week",
            "--by",
            "district",
            "--chart",
            chart.to_str().unwrap(),
            "-q",
        ],
        10,
    );
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    // The chart is complete (a PNG), not the previous file, not half.
    let png = std::fs::read(&chart).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        png.ends_with(&[0xAE, 0x42, 0x60, 0x82]),
        "PNG ends with IEND"
    );
    // The same with the geojson side output of hotspots.
    let g = dir.path().join("h.geojson");
    let r = run_into_closed_pipe(
        &["hotspots", EVENTS, "--geojson", g.to_str().unwrap(), "-q"],
        10,
    );
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&g).unwrap()).unwrap();
    assert!(!v["features"].as_array().unwrap().is_empty());
}

/// A temporary output that a killed run left behind (its process gone, the
/// file an hour old) is removed by the next run writing that output; one of
/// a running process, or a fresh one, is left alone.
#[test]
fn stale_temporary_files_of_dead_runs_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    // A process id that has ended: a child run to completion.
    let dead = std::process::Command::new("true").spawn().unwrap();
    let pid = dead.id();
    let mut dead = dead;
    dead.wait().unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let stale = dir.path().join(format!(".o.csv.{pid}-0.frontier-tmp"));
    let fresh = dir.path().join(format!(".o.csv.{pid}-1.frontier-tmp"));
    let live = dir
        .path()
        .join(format!(".o.csv.{}-0.frontier-tmp", std::process::id()));
    for f in [&stale, &fresh, &live] {
        std::fs::write(f, "partial").unwrap();
    }
    for f in [&stale, &live] {
        std::fs::File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
    let out = dir.path().join("o.csv");
    let o = frontier(&["locate", REFERENCE, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.exists());
    if std::path::Path::new("/proc/self").exists() {
        assert!(!stale.exists(), "the dead run's old file is removed");
    }
    assert!(fresh.exists(), "a fresh file may be another machine's run");
    assert!(live.exists(), "a running process's file is kept");
}
