//! `frontier serve` over HTTP on the loopback: bad requests are 4xx JSON
//! errors that say what was wrong, nothing outside the server's own files
//! is served (however `..` is encoded), idle and slow clients are cut off,
//! a bounded load gets no error, and the API's numbers are the command
//! line's on the same file.
#![cfg(feature = "serve")]

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EVENTS: &str = "tests/fixtures/synthetic-events.csv";

/// A running server, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .arg("serve")
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start frontier serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the URL line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// A response: status, headers (lower-case names) and body.
struct Resp {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }
}

/// Send `raw` as it is and read the whole answer (the request closes the
/// connection).
fn raw(addr: &str, raw: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(raw).expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

fn get(addr: &str, path: &str) -> Resp {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A 4xx whose JSON error mentions `says`.
fn refused(r: &Resp, status: u16, says: &str) {
    let body = String::from_utf8_lossy(&r.body);
    assert_eq!(r.status, status, "{body}");
    assert_eq!(
        r.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    let e = r.json();
    let msg = e["error"].as_str().expect("an error message");
    assert!(msg.contains(says), "{msg:?} should say {says:?}");
    assert_eq!(e["status"], status);
}

#[test]
fn bad_requests_are_4xx_json_errors_that_say_what_was_wrong() {
    let s = serve(&[EVENTS]);
    let a = &s.addr;
    refused(&get(a, "/api/locate?lon=abc&lat=34"), 400, "lon=\"abc\"");
    refused(&get(a, "/api/locate?lon=71"), 400, "lat is missing");
    refused(&get(a, "/api/locate?lon=200&lat=34"), 400, "-180 to 180");
    refused(&get(a, "/api/locate?lon=71&lat=34&lng=3"), 400, "lng");
    refused(
        &get(a, "/api/near?lon=71&lat=34&target=../../etc/passwd"),
        400,
        "not a built-in layer",
    );
    refused(&get(a, "/api/nearest?lon=71&lat=34&k=0"), 400, "k=\"0\"");
    refused(&get(a, "/api/summary?from=yesterday"), 400, "not a date");
    refused(
        &get(a, "/api/summary?from=2024-01-01&to=2020-01-01"),
        400,
        "after",
    );
    refused(&get(a, "/api/summary?f.event_type=Parades"), 400, "Parades");
    refused(&get(a, "/api/summary?f.nosuch=x"), 400, "no column");
    refused(&get(a, "/api/summary?ds=7"), 400, "ds=\"7\"");
    refused(&get(a, "/api/trend?district=Atlantis"), 404, "Atlantis");
    refused(&get(a, "/api/trend?period=fortnight"), 400, "period");
    refused(&get(a, "/api/hotspots?weights=friends"), 400, "weights");
    refused(&get(a, "/api/point?i=99999999"), 400, "i=");
    refused(&get(a, "/api/export/map.png?bbox=1,2,3"), 400, "bbox");
    refused(
        &get(a, "/api/export/map.png?bbox=60,24,75,37&size=99999x99999"),
        400,
        "size",
    );
    refused(&get(a, "/api/choropleth?mode=before"), 400, "split");
    refused(
        &get(a, "/tiles/base/3/9/1.pbf"),
        400,
        "x and y run from 0 to 7",
    );
    refused(&get(a, "/tiles/base/40/0/0.pbf"), 400, "zoom");
    refused(&get(a, "/tiles/points/5/1/0/0.pbf"), 404, "no dataset");
    refused(
        &get(a, "/tiles/points/0/1/0/0.pbf?color=nosuch"),
        400,
        "color",
    );
    refused(&get(a, "/nowhere"), 404, "nothing at /nowhere");
    let post = raw(
        a,
        format!("POST /api/locate HTTP/1.1\r\nHost: {a}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").as_bytes(),
    );
    refused(&post, 405, "GET");
    let long = format!("/api/locate?lon=71&lat=34&pad={}", "x".repeat(9000));
    refused(&get(a, &long), 414, "query string");
    let long = format!("/api/locate?lon=71&lat=34&pad={}", "x".repeat(40_000));
    refused(&get(a, &long), 414, "query string");
    refused(&get(a, &format!("/{}", "a".repeat(2000))), 414, "path");
    // Malformed query strings.
    refused(&get(a, "/api/summary?from=%ff"), 400, "UTF-8");
    refused(&get(a, "/api/summary?from=%zz"), 400, "percent-encoded");
    refused(
        &get(a, "/api/locate?lon=71&lat=34&a=%"),
        400,
        "percent-encoded",
    );
    refused(
        &get(a, "/api/locate?=x&lon=71&lat=34"),
        400,
        "no parameter name",
    );
    refused(
        &get(a, "/api/locate?lon=71&lat=34&lat=35"),
        400,
        "more than once",
    );
    refused(&get(a, "/api/locate?lon=1e400&lat=34"), 400, "finite");
    assert_eq!(get(a, "/api/locate?lon=71&lat=34&&").status, 200);
    // Huge or empty extents and bands, huge sizes.
    refused(
        &get(a, "/api/export/map.png?bbox=-1000,-1000,1000,1000"),
        400,
        "bbox",
    );
    refused(&get(a, "/api/export/map.png?bbox=70,30,70,30"), 400, "bbox");
    refused(
        &get(a, "/api/export/map.png?bbox=NaN,30,71,31"),
        400,
        "bbox",
    );
    refused(&get(a, "/api/count?within=1e308"), 400, "within");
    refused(&get(a, "/api/count?within=-1"), 400, "within");
    refused(
        &get(a, "/api/count?within=20001km"),
        400,
        "at most 20000 km",
    );
    // Distances are read as the command line reads them: a bad unit is
    // named, with the units there are.
    refused(
        &get(a, "/api/count?within=25furlongs"),
        400,
        "within: \"25furlongs\": unknown unit \"furlongs\"; use km, m, mi",
    );
    refused(
        &get(a, "/api/near?lon=71&lat=34&within=5%20parsecs"),
        400,
        "unknown unit \"parsecs\"",
    );
    refused(&get(a, "/api/count?within=km"), 400, "not a distance");
    // The layer is `target`; `to` is its older name, not both.
    refused(
        &get(a, "/api/near?lon=71&lat=34&target=crossings&to=durand-line"),
        400,
        "give one",
    );
    // Unknown layers, datasets and columns.
    refused(
        &get(a, "/api/near?lon=71&lat=34&to=nosuch"),
        400,
        "built-in layer",
    );
    refused(&get(a, "/tiles/points/abc/1/0/0.pbf"), 404, "no dataset");
    refused(&get(a, "/tiles/nosuch/1/0/0.pbf"), 404, "nothing at");
    refused(
        &get(a, "/tiles/points/0/1/0/0.pbf?size_by=event_type"),
        400,
        "size_by",
    );
    refused(&get(a, "/api/numbers?column=nosuch"), 400, "column");
    refused(&get(a, "/api/numbers"), 400, "column is missing");
    refused(
        &get(a, "/api/export/map.png?bbox=66,29,72,35&with=3"),
        404,
        "no dataset",
    );
    refused(
        &get(a, "/api/export/map.png?bbox=66,29,72,35&with=0"),
        400,
        "with=0",
    );
    // A head larger than the server reads is refused, not read forever.
    let big = raw(
        a,
        format!(
            "GET / HTTP/1.1\r\nHost: {a}\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
            "y".repeat(300_000)
        )
        .as_bytes(),
    );
    assert!((400..500).contains(&big.status), "{}", big.status);
    // The server is still answering.
    assert_eq!(get(a, "/api/locate?lon=71.5&lat=34.0").status, 200);
}

#[test]
fn nothing_outside_the_servers_own_files_is_served() {
    let s = serve(&[EVENTS]);
    let a = &s.addr;
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2e%2e/Cargo.toml",
        "/vendor/../../Cargo.toml",
        "/vendor/%2e%2e/%2e%2e/Cargo.toml",
        "/vendor/..%2f..%2fCargo.toml",
        "/vendor/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..%5c..%5cCargo.toml",
        "/.%2e/.%2e/etc/passwd",
        "/tiles/base/../../../etc/passwd",
        "/fonts/%00.ttf",
    ] {
        let r = get(a, path);
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        let body = String::from_utf8_lossy(&r.body);
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{path} leaked: {body}"
        );
        assert!(r.json()["error"].is_string(), "{path}");
    }
    // What is served is the embedded page, the map library and its licence.
    assert_eq!(get(a, "/").status, 200);
    assert_eq!(get(a, "/vendor/maplibre-gl.mjs").status, 200);
    let lic = get(a, "/vendor/LICENSE-maplibre-gl.txt");
    assert!(String::from_utf8_lossy(&lic.body).contains("BSD"));
}

#[test]
fn idle_and_slow_clients_are_cut_off() {
    let s = serve(&[EVENTS, "--idle-timeout", "1"]);
    let closed_within = |prefix: &[u8]| {
        let mut c = TcpStream::connect(&s.addr).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        c.write_all(prefix).unwrap();
        let t = Instant::now();
        let mut buf = Vec::new();
        let _ = c.read_to_end(&mut buf);
        t.elapsed()
    };
    // Nothing sent at all, and half a request head then silence.
    assert!(closed_within(b"") < Duration::from_secs(5));
    assert!(
        closed_within(b"GET /api/locate?lon=71&lat=34 HTTP/1.1\r\nHost: x\r\n")
            < Duration::from_secs(5)
    );
    // A kept-alive connection that goes quiet after its answer is closed too.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    c.write_all(b"GET /api/locate?lon=71.5&lat=34 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// The CLI's output as JSON.
fn cli_json(args: &[&str]) -> Value {
    let o = common::frontier(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON from the CLI")
}

/// The CLI's CSV output as rows of column → text.
fn cli_csv(args: &[&str]) -> Vec<BTreeMap<String, String>> {
    let o = common::frontier(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_reader(&o.stdout[..]);
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            h.iter()
                .map(String::from)
                .zip(x.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn a_points_place_and_distances_are_locate_near_and_nearest() {
    let s = serve(&[EVENTS]);
    let located = cli_csv(&["locate", EVENTS]);
    let near = cli_csv(&["near", EVENTS, "--target", "durand-line"]);
    let nearest = cli_csv(&["nearest", EVENTS, "--target", "crossings"]);
    for i in [0usize, 1, 17, 444, 1999] {
        let p = get(&s.addr, &format!("/api/point?i={i}")).json();
        let loc = &p["location"];
        assert_eq!(
            loc["district"].as_str().unwrap_or(""),
            located[i]["district"],
            "row {i}"
        );
        assert_eq!(
            loc["province"].as_str().unwrap_or(""),
            located[i]["province"]
        );
        // (The file has a country column of its own: locate's is renamed.)
        assert_eq!(
            loc["country"].as_str().unwrap_or(""),
            located[i]["frontier_country"]
        );
        // The CLI writes km to 3 decimals: within half a metre.
        let km: f64 = near[i]["distance_km"].parse().unwrap();
        let api_km = p["durand_line"]["distance_m"].as_f64().unwrap() / 1000.0;
        assert!(close(api_km, km, 0.0005), "row {i}: {api_km} vs {km}");
        assert_eq!(p["durand_line"]["side"], near[i]["side"].as_str());
        let km: f64 = nearest[i]["distance_1_km"].parse().unwrap();
        let api_km = p["nearest_crossing"]["distance_m"].as_f64().unwrap() / 1000.0;
        assert!(close(api_km, km, 0.0005), "row {i}: {api_km} vs {km}");
        assert_eq!(
            p["nearest_crossing"]["nearest_feature"],
            nearest[i]["nearest_1"].as_str()
        );
        assert_eq!(
            p["row"]["event_id_cnty"],
            located[i]["event_id_cnty"].as_str()
        );
    }
    // Coordinates given by hand, as `locate` and `near` answer them.
    let l = get(&s.addr, "/api/locate?lon=70.0711&lat=33.0006").json();
    assert_eq!(l["district"], "North Waziristan");
    let n = get(
        &s.addr,
        "/api/near?lon=66.397&lat=31.005&target=durand-line",
    )
    .json();
    assert_eq!(n["side"], "AFG");
    assert_eq!(n["target"], "durand-line");
    let m = n["distance_m"].as_f64().unwrap();
    assert!(m < 15_000.0);
    // `to` is still read as the layer; `within` in any unit, a bare
    // number in km, null beyond it.
    let old = get(&s.addr, "/api/near?lon=66.397&lat=31.005&to=durand-line").json();
    assert_eq!(old, n);
    for w in [
        format!("{}m", (m + 1.0).ceil()),
        format!("{}", (m + 1.0).ceil() / 1000.0),
        format!("{}nmi", (m + 1.0).ceil() / 1852.0),
    ] {
        let q = format!("/api/near?lon=66.397&lat=31.005&target=durand-line&within={w}");
        assert_eq!(get(&s.addr, &q).json(), n, "within={w}");
    }
    let q = format!(
        "/api/near?lon=66.397&lat=31.005&within={}mi",
        (m - 1.0) / 1609.344
    );
    assert_eq!(get(&s.addr, &q).json(), serde_json::Value::Null);
    let k = get(&s.addr, "/api/nearest?lon=71&lat=34&target=crossings&k=2").json();
    assert_eq!(k["nearest"].as_array().unwrap().len(), 2);
    assert_eq!(k["nearest"][0]["feature"], "Torkham");
    let old = get(&s.addr, "/api/nearest?lon=71&lat=34&to=crossings&k=2").json();
    assert_eq!(old, k);
}

#[test]
fn summaries_trends_hotspots_and_counts_are_the_command_lines() {
    let s = serve(&[EVENTS]);
    let a = &s.addr;
    let window = [
        "--from",
        "2020-03-01",
        "--to",
        "2024-06-30",
        "--split",
        "2021-08-15",
    ];
    let mut args = vec![
        "summarize",
        EVENTS,
        "--value",
        "fatalities",
        "--format",
        "json",
    ];
    args.extend(window);
    let cli = cli_json(&args);
    let api = get(
        a,
        "/api/summary?from=2020-03-01&to=2024-06-30&split=2021-08-15",
    )
    .json();
    let rows = api["rows"].as_array().unwrap();
    let cli_rows = cli.as_array().expect("rows");
    assert_eq!(rows.len(), cli_rows.len());
    for (r, c) in rows.iter().zip(cli_rows) {
        assert_eq!(r["district"], c["district"]);
        for k in ["count", "before", "after", "fatalities"] {
            assert_eq!(r[k].as_f64(), c[k].as_f64(), "{} {k}", r["district"]);
        }
        for k in ["per_100k", "before_per_365d", "after_per_365d"] {
            match (r[k].as_f64(), c[k].as_f64()) {
                (Some(x), Some(y)) => {
                    assert!(close(x, y, 1e-4 * y.abs().max(1.0)), "{k}: {x} vs {y}")
                }
                (x, y) => assert_eq!(x, y, "{} {k}", r["district"]),
            }
        }
    }
    // The count shown for a time window is the rows the summary counted.
    let counted: u64 = cli_rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    let n = get(a, "/api/count?from=2020-03-01&to=2024-06-30").json();
    assert_eq!(n["count"].as_u64(), Some(counted));

    // A district's trend and its split test.
    let t = cli_json(&[
        "trend",
        EVENTS,
        "--by",
        "district",
        "--split",
        "2021-08-15",
        "--format",
        "json",
    ]);
    let peshawar = t
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["district"] == "Peshawar")
        .expect("Peshawar");
    let api = get(a, "/api/trend?district=Peshawar&split=2021-08-15").json();
    let series = api["series"].as_array().unwrap();
    let cli_series = peshawar["series"].as_array().unwrap();
    assert_eq!(series.len(), cli_series.len());
    for (x, y) in series.iter().zip(cli_series) {
        assert_eq!(
            (x["period"].clone(), x["count"].clone()),
            (y["period"].clone(), y["count"].clone())
        );
    }
    for k in [
        "rate_ratio",
        "rate_ratio_ci_low",
        "rate_ratio_ci_high",
        "p_value",
        "events_before",
        "events_after",
    ] {
        let (x, y) = (
            api["test"][k].as_f64().unwrap(),
            peshawar[k].as_f64().unwrap(),
        );
        assert!(close(x, y, 1e-9 * y.abs().max(1e-300)), "{k}: {x} vs {y}");
    }

    // Hot spots per district.
    let h = cli_json(&["hotspots", EVENTS, "--format", "json"]);
    let api = get(a, "/api/hotspots").json();
    assert_eq!(api["areas"], h["areas"]);
    // Moran's I: the same to the last few bits (sums in another order).
    for k in [
        "i",
        "expected",
        "z",
        "p_value",
        "z_normal",
        "p_value_normal",
    ] {
        let (x, y) = (
            api["moran"][k].as_f64().unwrap(),
            h["moran"][k].as_f64().unwrap(),
        );
        assert!(close(x, y, 1e-12 * y.abs()), "moran {k}: {x} vs {y}");
    }

    // The band: `near --within` keeps the same rows.
    let within = cli_csv(&[
        "near",
        EVENTS,
        "--target",
        "durand-line",
        "--within",
        "25km",
    ]);
    for w in ["25", "25km", "25000m", "25%20KM"] {
        let n = get(a, &format!("/api/count?within={w}")).json();
        assert_eq!(n["count"].as_u64(), Some(within.len() as u64), "{w}");
        assert_eq!(n["within_km"].as_f64(), Some(25.0));
    }
    // In miles, as `near --within 10mi` reads them.
    let within = cli_csv(&[
        "near",
        EVENTS,
        "--target",
        "durand-line",
        "--within",
        "10mi",
    ]);
    let n = get(a, "/api/count?within=10mi").json();
    assert_eq!(n["count"].as_u64(), Some(within.len() as u64));
    // A column filter keeps exactly its rows.
    let battles = common::frontier(&["locate", EVENTS]);
    let battles = String::from_utf8_lossy(&battles.stdout)
        .matches(",Battles,")
        .count();
    let n = get(a, "/api/count?f.event_type=Battles").json();
    assert_eq!(n["count"].as_u64(), Some(battles as u64));
}

#[test]
fn exports_are_whole_files_that_the_command_line_reads_again() {
    let s = serve(&[EVENTS]);
    let a = &s.addr;
    let q = "f.event_type=Battles&bbox=66,29,72,35&color=event_type&size_by=fatalities";
    let png = get(a, &format!("/api/export/map.png?{q}"));
    assert_eq!(png.status, 200);
    assert_eq!(&png.body[1..4], b"PNG");
    assert!(png.headers["content-disposition"].contains("frontier-map.png"));
    let pdf = get(a, &format!("/api/export/map.pdf?{q}&mode=per_100k"));
    assert!(pdf.body.starts_with(b"%PDF"));
    let csv = get(a, "/api/export/points.csv?f.event_type=Battles");
    let n = get(a, "/api/count?f.event_type=Battles").json()["count"]
        .as_u64()
        .unwrap();
    let mut r = csv::Reader::from_reader(&csv.body[..]);
    assert_eq!(r.records().count() as u64, n);
    let pq = get(a, "/api/export/points.parquet?f.event_type=Battles");
    assert_eq!(&pq.body[..4], b"PAR1");
    // The map file draws the same map with `frontier render --spec`.
    let dir = tempfile::tempdir().unwrap();
    let spec = get(a, &format!("/api/export/spec.toml?{q}"));
    std::fs::write(dir.path().join("frontier-map.toml"), &spec.body).unwrap();
    std::fs::write(dir.path().join("frontier-points.csv"), &csv.body).unwrap();
    let out = dir.path().join("again.png");
    let o = common::frontier(&[
        "render",
        "--spec",
        dir.path().join("frontier-map.toml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::metadata(&out).unwrap().len() > 10_000);
}

#[test]
fn a_bounded_load_gets_every_answer() {
    let s = serve(&[EVENTS]);
    let paths = [
        "/tiles/base/4/11/6.pbf",
        "/tiles/base/6/44/26.pbf",
        "/tiles/points/0/4/11/6.pbf?color=event_type",
        "/tiles/points/0/7/89/52.pbf?from=2021-01-01",
        "/tiles/points/0/9/357/210.pbf",
        "/api/locate?lon=69.5&lat=32.5",
        "/api/summary?split=2021-08-15",
        "/api/count?f.event_type=Riots",
    ];
    let start = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let addr = s.addr.clone();
            std::thread::spawn(move || {
                let mut bad = Vec::new();
                for i in 0..25 {
                    let p = paths[(t + i) % paths.len()];
                    let r = get(&addr, p);
                    if r.status != 200 {
                        bad.push(format!("{p}: {}", r.status));
                    }
                }
                bad
            })
        })
        .collect();
    let bad: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert!(start.elapsed() < Duration::from_secs(120));
}

#[test]
fn with_no_points_it_serves_the_demo_data_labelled_synthetic() {
    let s = serve(&["--demo-events", "500"]);
    let info = get(&s.addr, "/api").json();
    let ds = info["datasets"].as_array().unwrap();
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0]["synthetic"], true);
    assert_eq!(ds[0]["points"], 500);
    assert_eq!(ds[1]["points"], 8);
    assert_eq!(ds[1]["synthetic"], false);
}

#[test]
fn rejected_rows_are_counted_and_offered() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("some-bad.csv");
    std::fs::write(
        &f,
        "id,latitude,longitude,event_date,fatalities\n1,34.0,71.5,2022-01-01,2\n2,north,71.5,2022-01-02,1\n3,30.2,67.0,someday,0\n",
    )
    .unwrap();
    let s = serve(&[f.to_str().unwrap(), "--skip-invalid"]);
    let info = get(&s.addr, "/api").json();
    let acc = &info["datasets"][0]["account"];
    assert_eq!(
        (
            acc["rows_in"].as_u64(),
            acc["rejected"].as_u64(),
            acc["kept"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    let r = get(&s.addr, "/api/rejects.csv");
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("north") && text.contains("someday"), "{text}");
    // Without --skip-invalid the first bad row stops it, naming the line.
    let o = common::frontier(&["serve", "--port", "0", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("some-bad.csv:3: latitude"), "{err}");
}

/// A column's numbers as the test reads them from a CSV: smallest,
/// largest, and rows without a number.
fn column_numbers(path: &str, column: &str) -> (f64, f64, u64) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    let (mut lo, mut hi, mut missing) = (f64::INFINITY, f64::NEG_INFINITY, 0);
    for rec in r.records() {
        match rec.unwrap()[i].trim().parse::<f64>() {
            Ok(v) => {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            Err(_) => missing += 1,
        }
    }
    (lo, hi, missing)
}

#[test]
fn several_files_are_layers_each_coloured_and_sized_by_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    // A GeoJSON file of points: a text column and a column of numbers
    // with one missing.
    let gj = dir.path().join("camps.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[71.56,34.01]},"properties":{"name":"A","kind":"camp","people":1200}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[66.99,30.18]},"properties":{"name":"B","kind":"village","people":300}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[70.10,33.00]},"properties":{"name":"C","kind":"camp","people":null}}]}"#,
    )
    .unwrap();
    let reference = "assets/events-reference.csv";
    let s = serve(&[EVENTS, reference, gj.to_str().unwrap()]);
    let a = &s.addr;
    let info = get(a, "/api").json();
    let ds = info["datasets"].as_array().unwrap();
    let rows = |p: &str| csv::Reader::from_path(p).unwrap().records().count() as u64;
    assert_eq!(ds.len(), 3);
    assert_eq!(ds[0]["points"].as_u64(), Some(rows(EVENTS)));
    assert_eq!(ds[1]["points"].as_u64(), Some(rows(reference)));
    assert_eq!(ds[2]["points"], 3);
    assert_eq!(ds[2]["name"], "camps.geojson");
    // Each layer's columns to colour and size by are its own.
    assert!(
        ds[2]["numbers"]
            .as_array()
            .unwrap()
            .contains(&"people".into())
    );
    let cats: Vec<&str> = ds[2]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(cats.contains(&"kind"), "{cats:?}");
    assert_eq!(ds[1]["value"], "fatalities");
    // A column's numbers, as the file has them.
    for (k, path, col) in [
        (0, EVENTS, "fatalities"),
        (0, EVENTS, "geo_precision"),
        (1, reference, "fatalities"),
    ] {
        let n = get(a, &format!("/api/numbers?ds={k}&column={col}")).json();
        let (lo, hi, missing) = column_numbers(path, col);
        assert_eq!(
            (n["min"].as_f64(), n["max"].as_f64()),
            (Some(lo), Some(hi)),
            "{path} {col}"
        );
        assert_eq!(n["missing"].as_u64(), Some(missing));
    }
    let n = get(a, "/api/numbers?ds=2&column=people").json();
    assert_eq!(
        (n["min"].as_f64(), n["max"].as_f64(), n["missing"].as_u64()),
        (Some(300.0), Some(1200.0), Some(1))
    );
    // Every layer answers its tiles, coloured and sized by its columns.
    for q in [
        "/tiles/points/1/6/44/26.pbf?color=event_type&size_by=geo_precision",
        "/tiles/points/2/6/44/26.pbf?color=kind&size_by=people",
        "/tiles/points/2/6/44/26.pbf?color=&size_by=",
    ] {
        assert_eq!(get(a, q).status, 200, "{q}");
    }
    refused(
        &get(a, "/tiles/points/2/6/44/26.pbf?color=event_type"),
        400,
        "kind",
    );
    // The dates filter a dated layer; a layer without dates refuses them.
    refused(
        &get(a, "/api/count?ds=2&from=2022-01-01"),
        400,
        "no date column",
    );
    // The print map draws every layer shown; the map file draws it again
    // from the files downloaded beside it.
    let q = "ds=0&bbox=60,24,78,37&color=event_type&size_by=fatalities&with=1&with=2&f2.kind=camp&from=2021-01-01";
    let png = get(a, &format!("/api/export/map.png?{q}"));
    assert_eq!(png.status, 200, "{}", String::from_utf8_lossy(&png.body));
    let spec = get(a, &format!("/api/export/spec.toml?{q}"));
    let text = String::from_utf8_lossy(&spec.body).to_string();
    assert!(
        text.contains("frontier-points-1.geojson") && text.contains("frontier-points-2.geojson"),
        "{text}"
    );
    std::fs::write(dir.path().join("frontier-map.toml"), &spec.body).unwrap();
    let rows_q = "ds=0&from=2021-01-01";
    let csv = get(a, &format!("/api/export/points.csv?{rows_q}"));
    std::fs::write(dir.path().join("frontier-points.csv"), &csv.body).unwrap();
    for (k, f) in [(1, "from=2021-01-01"), (2, "f.kind=camp")] {
        let g = get(a, &format!("/api/export/points.geojson?ds={k}&{f}"));
        assert_eq!(g.status, 200);
        assert!(g.headers["content-disposition"].contains(&format!("frontier-points-{k}.geojson")));
        std::fs::write(
            dir.path().join(format!("frontier-points-{k}.geojson")),
            &g.body,
        )
        .unwrap();
    }
    let camps: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("frontier-points-2.geojson")).unwrap(),
    )
    .unwrap();
    assert_eq!(camps["features"].as_array().unwrap().len(), 2);
    let out = dir.path().join("again.png");
    let o = common::frontier(&[
        "render",
        "--spec",
        dir.path().join("frontier-map.toml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // An unknown column of another layer is refused by its name.
    refused(
        &get(
            a,
            "/api/export/map.png?ds=0&bbox=60,24,78,37&with=2&f2.event_type=Battles",
        ),
        400,
        "f2.event_type",
    );
}

#[test]
fn a_file_read_in_many_batches_keeps_every_row_in_order() {
    // 30,000 synthetic ACLED rows (many batches), three of them spoilt far
    // apart: a value, a date and a latitude.
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.csv");
    let o = common::frontier(&["synth", "--events", "30000", "-o", clean.to_str().unwrap()]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&clean).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<String> = lines[0].split(',').map(String::from).collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let spoil = |line: &mut String, c: usize, v: &str| {
        let mut f: Vec<String> = line.split(',').map(String::from).collect();
        f[c] = v.into();
        *line = f.join(",");
    };
    // File lines 2 000, 17 000 and 29 000 (1-based, the header is line 1).
    spoil(&mut lines[1999], col("fatalities"), "many");
    spoil(&mut lines[16999], col("event_date"), "someday");
    spoil(&mut lines[28999], col("latitude"), "north");
    let bad_lines = [2000u64, 17000, 29000];
    let path = dir.path().join("spoilt.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let p = path.to_str().unwrap();

    // Without --skip-invalid the first spoilt row in the file stops it.
    let o = common::frontier(&["serve", "--port", "0", p]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("spoilt.csv:2000"), "{err}");

    let s = serve(&[p, "--skip-invalid"]);
    let a = &s.addr;
    let info = get(a, "/api").json();
    let d = &info["datasets"][0];
    assert_eq!(d["account"]["rows_in"], 30000);
    assert_eq!(d["account"]["rejected"], 3);
    assert_eq!(d["points"], 29997);
    // The rejects, in file order, with their lines.
    let r = get(a, "/api/rejects.csv");
    let mut rd = csv::Reader::from_reader(&r.body[..]);
    let li = rd
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "line")
        .unwrap();
    let got: Vec<u64> = rd
        .records()
        .map(|x| x.unwrap()[li].parse().unwrap())
        .collect();
    assert_eq!(got, bad_lines);
    // Points keep the file's order: point i is the i-th row kept.
    let kept: Vec<(u64, &String)> = lines[1..]
        .iter()
        .enumerate()
        .map(|(k, l)| (k as u64 + 2, l))
        .filter(|(n, _)| !bad_lines.contains(n))
        .collect();
    let id = col("event_id_cnty");
    for i in [0usize, 1998, 1999, 16000, 16998, 20000, 29996] {
        let pt = get(a, &format!("/api/point?i={i}")).json();
        assert_eq!(pt["line"].as_u64(), Some(kept[i].0), "point {i}");
        assert_eq!(
            pt["row"]["event_id_cnty"].as_str(),
            Some(kept[i].1.split(',').nth(id).unwrap()),
            "point {i}"
        );
    }
    // Every value of a text column counted, as the file has them.
    let et = col("event_type");
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for (_, l) in &kept {
        *counts
            .entry(l.split(',').nth(et).unwrap().to_string())
            .or_default() += 1;
    }
    let cats = d["categories"].as_array().unwrap();
    let c = cats.iter().find(|c| c["name"] == "event_type").unwrap();
    let served: BTreeMap<String, u64> = c["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v[0].as_str().unwrap().to_string(), v[1].as_u64().unwrap()))
        .collect();
    assert_eq!(served, counts);
    // And a filter on it counts the same rows.
    let (name, n) = counts.iter().next().unwrap();
    let q: String = form_urlencoded_value(name);
    let got = get(a, &format!("/api/count?f.event_type={q}")).json();
    assert_eq!(got["count"].as_u64(), Some(*n));
}

/// `v` percent-encoded for a query string.
fn form_urlencoded_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_text_columns_values_are_found_by_any_part() {
    let s = serve(&[EVENTS]);
    // The file's admin2 values containing "waz", counted as the file has them.
    let mut r = csv::Reader::from_path(EVENTS).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "admin2")
        .unwrap();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for rec in r.records() {
        let v = rec.unwrap()[i].to_string();
        if v.to_lowercase().contains("waz") {
            *counts.entry(v).or_default() += 1;
        }
    }
    assert!(!counts.is_empty());
    let found = get(&s.addr, "/api/values?column=admin2&q=WAZ").json();
    let got: BTreeMap<String, u64> = found["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v[0].as_str().unwrap().to_string(), v[1].as_u64().unwrap()))
        .collect();
    assert_eq!(got, counts);
    refused(
        &get(&s.addr, "/api/values?column=fatalities"),
        400,
        "text column",
    );
    refused(&get(&s.addr, "/api/values"), 400, "column is missing");
}

#[test]
fn the_bands_outline_is_at_its_distance_as_near_measures_it() {
    // The band's area drawn on the page: every point of its outline is
    // the distance from the Durand Line, as `frontier near` measures it,
    // within the tolerance the answer states; in miles too.
    let s = serve(&[EVENTS]);
    let a = &s.addr;
    for (within, km) in [("50km", 50.0), ("5", 5.0), ("100mi", 160.9344)] {
        let b = get(a, &format!("/api/band?within={within}")).json();
        assert_eq!(b["type"], "FeatureCollection");
        let f = &b["features"][0];
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        let tol_km = f["properties"]["tolerance_m"].as_f64().unwrap() / 1000.0;
        assert!(tol_km <= km / 200.0 + 1e-9, "{within}: {tol_km}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outline.csv");
        let mut text = String::from("longitude,latitude\n");
        let mut n = 0;
        for poly in f["geometry"]["coordinates"].as_array().unwrap() {
            for ring in poly.as_array().unwrap() {
                for c in ring.as_array().unwrap() {
                    text += &format!("{},{}\n", c[0], c[1]);
                    n += 1;
                }
            }
        }
        std::fs::write(&path, text).unwrap();
        let near = cli_csv(&["near", path.to_str().unwrap(), "--target", "durand-line"]);
        assert_eq!(near.len(), n);
        assert!(n > 100, "{within}: {n} points");
        for r in &near {
            let d: f64 = r["distance_km"].parse().unwrap();
            // The CLI writes km to 3 decimals; the answer's coordinates
            // are to 1e-6 degree.
            assert!(
                (d - km).abs() <= tol_km + 0.0007,
                "{within}: {r:?} is {d} km from the line"
            );
        }
    }
    // No band, no area; wider than drawn, or in no known unit, a 400.
    let b = get(a, "/api/band?within=0").json();
    assert_eq!(b["features"].as_array().map(Vec::len), Some(0));
    refused(&get(a, "/api/band?within=2000km"), 400, "up to 1000 km");
    refused(
        &get(a, "/api/band?within=3%20leagues"),
        400,
        "unknown unit \"leagues\"",
    );
    refused(&get(a, "/api/band"), 400, "within is missing");
}
