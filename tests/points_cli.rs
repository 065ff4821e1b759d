//! `locate`, `near` and `nearest` run as a user would: on the reference
//! events, on generated files, on every kind of bad input. Rows in must
//! always equal rows out + rows rejected.

mod common;

use common::{Table, err, frontier, frontier_stdin, locate_keeping_rejects, out, table};
use std::io::Read;
use std::process::{Command, Stdio};

fn csv_rows(text: &str) -> Table {
    table(text.as_bytes())
}

const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/events-reference.csv");

#[test]
fn locate_puts_the_reference_events_in_the_districts_the_press_reported() {
    let o = frontier(&["locate", EVENTS]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(err(&o), "", "quiet when stderr is not a terminal");
    let rows = csv_rows(&out(&o));
    assert_eq!(rows.len(), 8);
    for r in &rows {
        // The file has its own district/province columns (from press
        // reports); frontier's are prefixed to avoid the clash.
        assert_eq!(r["country"], "PAK");
        assert_eq!(r["frontier_district"], r["district"], "{}", r["place"]);
        assert_eq!(r["frontier_province"], r["province"], "{}", r["place"]);
    }
}

#[test]
fn locate_with_extra_layers_and_the_header_kept_in_order() {
    let o = frontier(&[
        "locate",
        EVENTS,
        "--layer",
        "waziristan",
        "--layer",
        "balochistan",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "event_date,place,district,province,latitude,longitude,geo_precision,event_type,fatalities,description,country,frontier_province,frontier_district,waziristan,balochistan"
    );
    let rows = csv_rows(&text);
    let quetta = rows.iter().find(|r| r["place"] == "Quetta").unwrap();
    assert_eq!(
        quetta["balochistan"], "Balochistan",
        "the province outline comes first in the file"
    );
    assert_eq!(quetta["waziristan"], "");
}

#[test]
fn near_filters_by_distance_and_agrees_with_the_unfiltered_run() {
    let all = frontier(&["near", EVENTS, "--target", "durand-line"]);
    assert!(all.status.success(), "{}", err(&all));
    let all = csv_rows(&out(&all));
    assert_eq!(all.len(), 8, "without --within every row comes out");
    let near = frontier(&[
        "near",
        EVENTS,
        "--target",
        "durand-line",
        "--within",
        "50km",
    ]);
    let near = csv_rows(&out(&near));
    let expected: Vec<&str> = all
        .iter()
        .filter(|r| r["distance_km"].parse::<f64>().unwrap() <= 50.0)
        .map(|r| r["place"].as_str())
        .collect();
    let got: Vec<&str> = near.iter().map(|r| r["place"].as_str()).collect();
    assert_eq!(got, expected);
    let chaman = all.iter().find(|r| r["place"] == "Chaman").unwrap();
    // Chaman town lies a few km from the border crossing.
    assert!(chaman["distance_km"].parse::<f64>().unwrap() < 6.0);
    assert_eq!(chaman["side"], "PAK");
    assert_eq!(chaman["nearest_feature"], "Durand Line");
    // Three decimals.
    assert_eq!(chaman["distance_km"].split('.').nth(1).unwrap().len(), 3);
}

#[test]
fn near_on_the_afghan_side_says_afg() {
    let input = "name,lat,lon\nSpin Boldak,31.005,66.397\nKabul,34.5553,69.2075\n";
    let o = frontier_stdin(&["near", "-", "--target", "durand-line"], input.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[0]["side"], "AFG");
    assert!(rows[0]["distance_km"].parse::<f64>().unwrap() < 15.0);
    assert_eq!(rows[1]["side"], "AFG");
}

/// The side comes with the Durand Line however it is given: by name, as
/// its GeoJSON file, or as a copy of that file under another name; not
/// with another line layer.
#[test]
fn the_side_comes_with_the_durand_line_however_it_is_named() {
    let by_name = frontier(&["near", EVENTS, "--target", "durand-line"]);
    assert!(by_name.status.success(), "{}", err(&by_name));
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/durand-line.geojson");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("border.geojson");
    std::fs::copy(file, &copy).unwrap();
    for path in [file, copy.to_str().unwrap()] {
        let o = frontier(&["near", EVENTS, "--to", path]);
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(out(&o), out(&by_name), "--to {path}");
    }
    let rows = csv_rows(&out(&by_name));
    assert!(
        rows.iter()
            .all(|r| ["PAK", "AFG"].contains(&r["side"].as_str()))
    );
    let cpec = frontier(&["near", EVENTS, "--target", "cpec"]);
    assert!(!csv_rows(&out(&cpec))[0].contains_key("side"));
}

#[test]
fn nearest_gives_k_features_per_row() {
    let o = frontier(&["nearest", EVENTS, "--layer", "crossings", "-k", "2"]);
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows.len(), 8);
    for r in &rows {
        let d1: f64 = r["distance_1_km"].parse().unwrap();
        let d2: f64 = r["distance_2_km"].parse().unwrap();
        assert!(d1 <= d2);
        assert_ne!(r["nearest_1"], r["nearest_2"]);
    }
    let peshawar = rows.iter().find(|r| r["place"] == "Peshawar").unwrap();
    assert_eq!(peshawar["nearest_1"], "Torkham");
}

#[test]
fn output_formats() {
    let o = frontier(&[
        "near", EVENTS, "--target", "cpec", "--within", "10km", "--format", "geojson",
    ]);
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let feats = g["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    assert_eq!(feats[0]["geometry"]["type"], "Point");
    assert!(feats[0]["properties"]["distance_km"].is_number());
    let o = frontier(&["locate", EVENTS, "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 8);
    let o = frontier(&["locate", EVENTS, "--format", "ndjson"]);
    assert_eq!(out(&o).lines().count(), 8);
    for l in out(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["country"], "PAK");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.csv");
    let o = frontier(&["locate", EVENTS, "-o", p.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(out(&o), "");
    assert_eq!(std::fs::read_to_string(p).unwrap().lines().count(), 9);
}

#[test]
fn geojson_points_in_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("camps.geojson");
    std::fs::write(
        &p,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Camp A","individuals":1200},"geometry":{"type":"Point","coordinates":[71.55,34.0]}},
{"type":"Feature","properties":{"name":"Camp B"},"geometry":{"type":"Point","coordinates":[66.99,30.19]}}]}"#,
    )
    .unwrap();
    let o = frontier(&["locate", p.to_str().unwrap(), "--format", "geojson"]);
    assert!(o.status.success(), "{}", err(&o));
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &g["features"];
    assert_eq!(
        f[0]["properties"]["individuals"], 1200,
        "numbers stay numbers"
    );
    assert_eq!(f[0]["properties"]["district"], "Peshawar");
    assert_eq!(f[1]["properties"]["district"], "Quetta");
    assert!(f[1]["properties"]["individuals"].is_null());
    assert_eq!(f[0]["geometry"]["coordinates"][0], 71.55);
    assert!(f[0]["properties"].get("longitude").is_none());
    // To CSV: the coordinates come along as columns.
    let o = frontier(&["locate", p.to_str().unwrap()]);
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[0]["longitude"], "71.55");
}

#[test]
fn csv_dialect_details_bom_crlf_quoted_newlines_stdin() {
    let input = "\u{feff}ID,Note,LAT,LNG\r\n1,\"multi\r\nline, with comma\",34.005,71.547\r\n2,plain,30.19,67.0\r\n";
    let o = frontier_stdin(&["locate", "-"], input.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ID"], "1", "BOM stripped from the first header");
    assert_eq!(rows[0]["Note"], "multi\r\nline, with comma");
    assert_eq!(rows[0]["district"], "Peshawar");
    assert_eq!(rows[1]["district"], "Quetta");
}

#[test]
fn acled_and_ucdp_exports_are_read() {
    let acled = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,admin1,admin2,location,latitude,longitude,geo_precision,fatalities\nPAK1,15 August 2021,2021,Battles,Armed clash,X,Khyber Pakhtunkhwa,North Waziristan,Miranshah,33.0006,70.0711,1,3\n";
    let o = frontier_stdin(&["locate", "-"], acled.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[0]["district"], "North Waziristan");
    assert_eq!(rows[0]["event_date"], "15 August 2021");
    let ucdp = "id,date_start,type_of_violence,best,low,high,latitude,longitude,where_prec,adm_1,adm_2,country\n1,2022-12-11 00:00:00.000,1,6,6,8,30.921,66.446,1,Balochistan,Chaman,Pakistan\n";
    let o = frontier_stdin(&["near", "-", "--target", "crossings"], ucdp.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(
        rows[0]["country"], "Pakistan",
        "the input's own column is untouched"
    );
    assert_eq!(rows[0]["nearest_feature"], "Chaman-Spin Boldak");
}

struct Bad {
    what: &'static str,
    args: &'static [&'static str],
    input: &'static str,
    message: &'static str,
}

const BAD: &[Bad] = &[
    Bad {
        what: "empty latitude",
        args: &["locate"],
        input: "id,lat,lon\n1,34,71\n2,,71\n",
        message: "in.csv:3: lat: empty latitude",
    },
    Bad {
        what: "non-numeric",
        args: &["locate"],
        input: "id,lat,lon\n1,34,abc\n",
        message: "in.csv:2: lon: longitude is not a number: \"abc\"",
    },
    Bad {
        what: "NaN",
        args: &["locate"],
        input: "id,lat,lon\n1,NaN,71\n",
        message: "in.csv:2: lat: latitude is not a finite number: \"NaN\"",
    },
    Bad {
        what: "infinite",
        args: &["locate"],
        input: "id,lat,lon\n1,34,inf\n",
        message: "in.csv:2: lon: longitude is not a finite number: \"inf\"",
    },
    Bad {
        what: "latitude out of range",
        args: &["locate"],
        input: "id,lat,lon\n1,95,71\n",
        message: "in.csv:2: lat: latitude 95 is out of range (must be within ±90)",
    },
    Bad {
        what: "longitude out of range",
        args: &["locate"],
        input: "id,lat,lon\n1,34,181\n",
        message: "in.csv:2: lon: longitude 181 is out of range (must be within ±180)",
    },
    Bad {
        what: "short row",
        args: &["locate"],
        input: "id,lat,lon\n1,34\n",
        message: "in.csv:2: (row): has 2 fields, the header has 3",
    },
    Bad {
        what: "line numbers count quoted newlines",
        args: &["locate"],
        input: "id,lat,lon\n\"a\nb\",34,71\n2,x,71\n",
        message: "in.csv:4: lat: latitude is not a number: \"x\"",
    },
    Bad {
        what: "no coordinate columns",
        args: &["locate"],
        input: "id,north,east\n1,34,71\n",
        message: "in.csv: no coordinate columns found (looked for latitude/longitude, lat/lon, lat/lng, lat/long, y/x); name them with --lat and --lon (read as comma-separated; columns: id, north, east)",
    },
    Bad {
        what: "--lat names a missing column",
        args: &["locate", "--lat", "northing", "--lon", "east"],
        input: "id,north,east\n1,34,71\n",
        message: "in.csv: no column named \"northing\" for --lat (columns: id, north, east)",
    },
    Bad {
        what: "empty file",
        args: &["locate"],
        input: "",
        message: "in.csv: empty file: no header row",
    },
    Bad {
        what: "bad distance unit",
        args: &["near", "--target", "durand-line", "--within", "25 furlongs"],
        input: "id,lat,lon\n",
        message: "invalid value '25 furlongs' for '--within <DIST>': \"25 furlongs\": unknown unit \"furlongs\"; use km, m, mi (statute miles) or nmi (nautical miles)",
    },
    Bad {
        what: "unknown layer",
        args: &["near", "--target", "durand"],
        input: "id,lat,lon\n",
        message: "durand: no such file (and not a built-in layer name; built-in layers: durand-line,",
    },
    Bad {
        what: "locate on a line layer",
        args: &["locate", "--in", "cpec"],
        input: "id,lat,lon\n",
        message: "--in cpec: the layer has no polygons (LineString); locate needs polygons",
    },
];

#[test]
fn bad_inputs_stop_with_file_line_column_and_exit_2() {
    let mut failures = Vec::new();
    for b in BAD {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.csv");
        std::fs::write(&p, b.input).unwrap();
        let mut args: Vec<&str> = vec![b.args[0], p.to_str().unwrap()];
        args.extend_from_slice(&b.args[1..]);
        let o = frontier(&args);
        let e = err(&o).replace(&format!("{}/", dir.path().display()), "");
        if o.status.code() != Some(2) || !e.contains(b.message) {
            failures.push(format!(
                "{}:\n  expected exit 2 and: {}\n  got exit {:?} and: {e}",
                b.what,
                b.message,
                o.status.code()
            ));
        }
        assert!(!e.contains("panicked"), "{}: {e}", b.what);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_non_point_geojson_feature_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pts.geojson");
    std::fs::write(
        &p,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[71,34]}},
{"type":"Feature","properties":{"name":"Road"},"geometry":{"type":"LineString","coordinates":[[71,34],[72,35]]}}]}"#,
    )
    .unwrap();
    let o = frontier(&["locate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("pts.geojson: feature 2 (Road): is a LineString, not a Point"),
        "{}",
        err(&o)
    );
}

/// A generated file: `n` rows, every 7th row bad in one of several ways.
fn generated(n: usize) -> (String, usize) {
    let mut s = String::from("id,latitude,longitude,note\n");
    let mut bad = 0;
    for i in 0..n {
        let lat = 24.0 + (i % 1300) as f64 * 0.01;
        let lon = 61.0 + (i % 1600) as f64 * 0.01;
        let row = match i % 7 {
            3 => {
                bad += 1;
                match i % 3 {
                    0 => format!("{i},,{lon},empty\n"),
                    1 => format!("{i},{lat},east,text\n"),
                    _ => format!("{i},{lat},{}\n", lon + 500.0),
                }
            }
            _ => format!("{i},{lat},{lon},\"ok, row {i}\"\n"),
        };
        s.push_str(&row);
    }
    (s, bad)
}

#[test]
fn skip_invalid_accounts_for_every_row() {
    let (input, bad) = generated(5000);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gen.csv");
    let rj = dir.path().join("rejects.csv");
    std::fs::write(&p, &input).unwrap();
    let o = locate_keeping_rejects(&p, &rj);
    assert!(o.status.success(), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    let rejects = csv_rows(&std::fs::read_to_string(&rj).unwrap());
    assert_eq!(
        rows.len() + rejects.len(),
        5000,
        "rows in = rows out + rejected"
    );
    assert_eq!(rejects.len(), bad);
    // Order kept, and each reject names its line (header is line 1).
    let ids: Vec<usize> = rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    for r in &rejects {
        let id: usize = r["id"].parse().unwrap();
        assert_eq!(r["line"], (id + 2).to_string());
        assert!(!r["reason"].is_empty());
    }
    // Without --rejects, stderr says how many and why.
    let o = frontier(&["locate", p.to_str().unwrap(), "--skip-invalid"]);
    assert!(o.status.success());
    let e = err(&o);
    assert!(e.contains(&format!("{bad} rows rejected")), "{e}");
    assert!(e.contains("empty latitude"), "{e}");
    assert!(e.contains("longitude is not a number"), "{e}");
    assert!(
        e.contains(&format!("5000 rows in, {} written", 5000 - bad)),
        "{e}"
    );
}

#[test]
fn swapped_coordinates_are_warned_about() {
    // Latitude and longitude exchanged: (71.5, 34.0) as lat, lon is in the
    // Arctic Sea, and would be Peshawar the right way round.
    let mut s = String::from("id,latitude,longitude\n");
    for i in 0..20 {
        s.push_str(&format!("{i},{},{}\n", 71.5 + i as f64 * 0.01, 34.0));
    }
    let o = frontier_stdin(&["locate", "-"], s.as_bytes());
    assert!(o.status.success());
    assert!(err(&o).contains("warning: 20 of 20 points lie far outside the region but would fall in Pakistan with latitude and longitude swapped"), "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[0]["country"], "");
}

#[test]
fn header_only_input_gives_header_only_output() {
    let o = frontier_stdin(&["locate", "-"], b"id,lat,lon\n");
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o), "id,lat,lon,country,province,district\n");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let (input, _) = generated(200_000);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    std::fs::write(&p, input).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(["locate", p.to_str().unwrap(), "--skip-invalid"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("error"), "{}", err(&o));
}
