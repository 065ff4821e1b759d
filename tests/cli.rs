//! The `frontier` binary, run as a user would: listings, and every bad
//! input with the message and exit code it must give.

mod common;

use common::{err, frontier, out};
use std::path::Path;

fn stdout(o: &std::process::Output) -> String {
    out(o)
}

fn stderr(o: &std::process::Output) -> String {
    err(o)
}

#[test]
fn layers_lists_every_builtin() {
    let o = frontier(&["layers"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 12, "header + 11 layers:\n{out}");
    assert!(lines[0].starts_with("name"));
    for (name, geom, n) in [
        ("durand-line", "LineString", "1"),
        ("provinces", "MultiPolygon", "7"),
        ("districts", "MultiPolygon", "156"),
        ("kp", "MultiPolygon", "36"),
        ("balochistan", "MultiPolygon", "35"),
        ("waziristan", "MultiPolygon", "3"),
        ("chaman", "MultiPolygon+Point", "2"),
        ("cpec", "LineString", "3"),
        ("crossings", "Point", "2"),
        ("neighbours", "MultiPolygon", "4"),
        ("places", "Point", "1676"),
    ] {
        let row = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{out}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!((cols[1], cols[2]), (geom, n), "{row}");
        let licence = if name == "places" {
            "CC-BY-4.0"
        } else {
            "ODbL-1.0"
        };
        assert!(row.contains(licence), "{row}");
    }
}

#[test]
fn layers_json_is_machine_readable() {
    let o = frontier(&["layers", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 11);
    let d = arr.iter().find(|x| x["name"] == "districts").unwrap();
    assert_eq!(d["features"], 156);
    assert_eq!(d["geometry"], "MultiPolygon");
    assert_eq!(d["licence"], "ODbL-1.0");
    assert_eq!(d["file"], "geodata/districts.geojson");
}

#[test]
fn layers_show_lists_features_with_properties() {
    let o = frontier(&["layers", "show", "waziristan"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains("North Waziristan") && out.contains("South Waziristan"));
    assert!(out.contains("region"));
    let o = frontier(&["layers", "show", "districts", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 156);
    let chaman = arr.iter().find(|f| f["name"] == "Chaman").unwrap();
    assert_eq!(chaman["province"], "Balochistan");
    assert_eq!(chaman["id"], "PK-BA-chaman");
}

#[test]
fn layers_show_accepts_a_user_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("camps.geojson");
    std::fs::write(
        &p,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Camp A","individuals":1200},"geometry":{"type":"Point","coordinates":[71.5,34.0]}}]}"#,
    )
    .unwrap();
    let o = frontier(&["layers", "show", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Camp A"));
    assert!(stdout(&o).contains("1200"));
}

/// One bad input: file contents, and the message the user must see.
struct Bad {
    what: &'static str,
    contents: Option<&'static str>,
    message: &'static str,
}

const BAD: &[Bad] = &[
    Bad {
        what: "malformed JSON (line and column)",
        contents: Some(
            "{\"type\":\"FeatureCollection\",\n\"features\":[\n  {\"type\":\"Feature\",,}\n]}",
        ),
        message: "bad.geojson:3:21: malformed JSON: key must be a string",
    },
    Bad {
        what: "longitude out of range (which feature)",
        contents: Some(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Point","coordinates":[70,30]}},
{"type":"Feature","properties":{"name":"Far"},"geometry":{"type":"Point","coordinates":[200,30]}}]}"#,
        ),
        message: "bad.geojson: feature 2 (Far): coordinate [200, 30] is out of range: longitude must be within ±180 and latitude within ±90",
    },
    Bad {
        what: "latitude out of range",
        contents: Some(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[66.9,100.5]}}]}"#,
        ),
        message: "bad.geojson: feature 1: coordinate [66.9, 100.5] is out of range: longitude must be within ±180 and latitude within ±90",
    },
    Bad {
        what: "empty geometry",
        contents: Some(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Nothing"},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}"#,
        ),
        message: "bad.geojson: feature 1 (Nothing): empty MultiPolygon geometry",
    },
    Bad {
        what: "null geometry",
        contents: Some(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Ghost"},"geometry":null}]}"#,
        ),
        message: "bad.geojson: feature 1 (Ghost): has no geometry (null or missing)",
    },
    Bad {
        what: "unsupported geometry",
        contents: Some(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[]}}]}"#,
        ),
        message: "bad.geojson: feature 1: unsupported geometry type GeometryCollection",
    },
    Bad {
        what: "not GeoJSON at all",
        contents: Some("[1, 2, 3]"),
        message: "bad.geojson: top level is not a JSON object",
    },
    Bad {
        what: "file that does not exist",
        contents: None,
        message: "bad.geojson: no such file (and not a built-in layer name; built-in layers: durand-line, provinces, districts",
    },
];

#[test]
fn bad_inputs_give_clear_messages_and_exit_2() {
    let mut failures = Vec::new();
    for b in BAD {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.geojson");
        if let Some(c) = b.contents {
            std::fs::write(&p, c).unwrap();
        }
        let o = frontier(&["layers", "show", p.to_str().unwrap()]);
        let err = stderr(&o).replace(
            &format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR),
            "",
        );
        let code = o.status.code();
        if code != Some(2) || !err.contains(b.message) {
            failures.push(format!(
                "{}:\n  expected exit 2 and: {}\n  got exit {code:?} and: {err}",
                b.what, b.message
            ));
        }
        assert!(!err.contains("panicked"), "{}: {err}", b.what);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn swapped_coordinates_get_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("swapped.geojson");
    std::fs::write(
        &p,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[30.2,107.5]}}"#,
    )
    .unwrap();
    let o = frontier(&["layers", "show", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("latitude and longitude swapped?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_usage_is_reported() {
    let o = frontier(&["layers", "frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unrecognized subcommand 'frobnicate'"),
        "{}",
        stderr(&o)
    );
    let o = frontier(&["layers", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format"), "{}", stderr(&o));
}

#[test]
fn geodata_build_names_a_missing_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = frontier(&[
        "geodata",
        "build",
        "--data",
        dir.path().to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("pakistan-admin-2023.topojson"), "{err}");
    assert!(err.contains("No such file"), "{err}");
    assert!(!Path::new(&dir.path().join("out")).exists());
}
