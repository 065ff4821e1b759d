//! `frontier trend`, run as a researcher would: the series checked by
//! counting the events by hand, the tests against SciPy and statsmodels
//! (fixtures from tests/oracle/stats_oracle.py).

mod common;

use chrono::NaiveDate;
use common::{err, frontier, frontier_stdin, table};
use serde_json::Value;
use std::collections::BTreeMap;

const SYNTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);
const RATES: &str = include_str!("fixtures/stats/rates-scipy.csv");
const ITS: &str = include_str!("fixtures/stats/its-statsmodels.csv");

fn close(ours: f64, theirs: f64, rel: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= rel * theirs.abs().max(1e-300),
        "{what}: frontier {ours}, reference {theirs}"
    );
}

fn f(s: &str) -> f64 {
    s.parse().unwrap()
}

#[test]
fn rate_comparisons_match_scipy() {
    let cases = table(RATES.as_bytes());
    assert_eq!(cases.len(), 10);
    for c in &cases {
        let r = frontier::stats::rate::compare_rates(
            c["before"].parse().unwrap(),
            f(&c["days_before"]),
            c["after"].parse().unwrap(),
            f(&c["days_after"]),
        )
        .unwrap();
        let what = format!("{c:?}");
        close(r.p_value, f(&c["p_value"]), 1e-6, &format!("p {what}"));
        if f(&c["ci_low"]) == 0.0 {
            assert_eq!(r.ci_low, 0.0, "{what}");
        } else {
            close(r.ci_low, f(&c["ci_low"]), 1e-6, &format!("low {what}"));
        }
        match (r.ci_high, c["ci_high"].as_str()) {
            (None, "") => {}
            (Some(h), t) if !t.is_empty() => close(h, f(t), 1e-6, &format!("high {what}")),
            (h, t) => panic!("{what}: upper end {h:?} against {t:?}"),
        }
    }
}

/// The JSON test rows of `trend --split 2021-08-15`.
fn tests_json(extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["trend", SYNTH, "--split", "2021-08-15", "--format", "json"];
    args.extend_from_slice(extra);
    let o = frontier(&args);
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn interrupted_time_series_match_statsmodels() {
    let reference = table(ITS.as_bytes());
    let mut runs: BTreeMap<(String, String), Value> = BTreeMap::new();
    for by in ["month", "week", "quarter"] {
        for row in tests_json(&["--by", by]) {
            runs.insert((by.into(), "all".into()), row);
        }
    }
    for row in tests_json(&["--by", "province"]) {
        let name = row["province"].as_str().unwrap().to_string();
        runs.insert(("month".into(), name), row);
    }
    let mut checked = 0;
    for r in &reference {
        let ours = &runs[&(r["by"].clone(), r["group"].clone())];
        let its = &ours["its"];
        let what = format!("{} {} {}", r["by"], r["group"], r["term"]);
        assert_eq!(
            its["periods"].as_u64().unwrap(),
            r["periods"].parse::<u64>().unwrap(),
            "{what}"
        );
        close(its["scale"].as_f64().unwrap(), f(&r["scale"]), 1e-6, &what);
        let term = &its[r["term"].as_str()];
        for k in ["coef", "se", "p_value", "ci_low", "ci_high"] {
            close(
                term[k].as_f64().unwrap(),
                f(&r[k]),
                1e-6,
                &format!("{what} {k}"),
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 20);
}

/// Events per month counted from the CSV by hand (csv crate, chrono).
fn hand_counts() -> BTreeMap<String, (u64, f64)> {
    let mut r = csv::Reader::from_path(SYNTH).unwrap();
    let h = r.headers().unwrap().clone();
    let di = h.iter().position(|c| c == "event_date").unwrap();
    let fi = h.iter().position(|c| c == "fatalities").unwrap();
    let mut m: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let e = m.entry(rec[di][..7].to_string()).or_default();
        e.0 += 1;
        e.1 += f(&rec[fi]);
    }
    m
}

#[test]
fn every_month_is_present_and_counted() {
    let o = frontier(&["trend", SYNTH, "--value", "fatalities"]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let hand = hand_counts();
    // From the first event's month to the last's, none missing.
    let first = hand.keys().next().unwrap().clone();
    let last = hand.keys().last().unwrap().clone();
    assert_eq!(t[0]["period"], first);
    assert_eq!(t.last().unwrap()["period"], last);
    let months = |p: &str| p[..4].parse::<i64>().unwrap() * 12 + p[5..].parse::<i64>().unwrap();
    assert_eq!(t.len() as i64, months(&last) - months(&first) + 1);
    let mut total = 0;
    for row in &t {
        let (n, fat) = hand.get(&row["period"]).copied().unwrap_or((0, 0.0));
        assert_eq!(row["count"].parse::<u64>().unwrap(), n, "{}", row["period"]);
        assert_eq!(f(&row["fatalities"]), fat, "{}", row["period"]);
        let start = NaiveDate::parse_from_str(&row["start"], "%Y-%m-%d").unwrap();
        let end = NaiveDate::parse_from_str(&row["end"], "%Y-%m-%d").unwrap();
        assert_eq!(
            row["days"].parse::<i64>().unwrap(),
            (end - start).num_days() + 1
        );
        total += n;
    }
    assert_eq!(total, 2000);
}

#[test]
fn the_split_cuts_its_month_and_the_rates_are_the_counts_over_days() {
    let o = frontier(&["trend", SYNTH, "--split", "2021-08-15", "--format", "json"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let all = &v[0];
    let series = all["series"].as_array().unwrap();
    let august: Vec<&Value> = series.iter().filter(|s| s["period"] == "2021-08").collect();
    assert_eq!(august.len(), 2);
    assert_eq!(
        (august[0]["days"].as_i64(), august[1]["days"].as_i64()),
        (Some(14), Some(17))
    );
    assert_eq!(
        (august[0]["side"].as_str(), august[1]["side"].as_str()),
        (Some("before"), Some("after"))
    );
    // By hand: events before 15 August 2021, and days from the first of
    // the first event's month to the last day of the last event's.
    let mut r = csv::Reader::from_path(SYNTH).unwrap();
    let dates: Vec<String> = r.records().map(|x| x.unwrap()[1].to_string()).collect();
    let before = dates.iter().filter(|x| x.as_str() < "2021-08-15").count() as u64;
    let first = format!("{}-01", &dates.iter().min().unwrap()[..7]);
    let last_month = &dates.iter().max().unwrap()[..7];
    assert_eq!(last_month, "2025-12");
    assert_eq!(all["events_before"].as_u64(), Some(before));
    assert_eq!(all["events_after"].as_u64(), Some(2000 - before));
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let days_before = (d("2021-08-15") - d(&first)).num_days() as f64;
    let days_after = (d("2025-12-31") - d("2021-08-15")).num_days() as f64 + 1.0;
    assert_eq!(all["days_before"].as_f64(), Some(days_before));
    assert_eq!(all["days_after"].as_f64(), Some(days_after));
    let rr = ((2000 - before) as f64 / days_after) / (before as f64 / days_before);
    close(all["rate_ratio"].as_f64().unwrap(), rr, 1e-12, "rate ratio");
    // The CSV of the same run: one row per group, the regression flattened.
    let o = frontier(&["trend", SYNTH, "--split", "2021-08-15", "--by", "province"]);
    let t = table(&o.stdout);
    assert_eq!(
        t.len(),
        8,
        "7 provinces and territories and the outside row"
    );
    let kp = t
        .iter()
        .find(|r| r["province"] == "Khyber Pakhtunkhwa")
        .unwrap();
    assert!(f(&kp["its_level_change"]) > 1.0 && f(&kp["p_value"]) < 1e-6);
    let punjab = t.iter().find(|r| r["province"] == "Punjab").unwrap();
    assert_eq!(punjab["rate_ratio"], "", "no events before: infinite");
    assert!(
        punjab["its_note"].contains("no events before"),
        "{}",
        punjab["its_note"]
    );
}

#[test]
fn a_column_of_the_points_groups_the_series() {
    let o = frontier(&["trend", SYNTH, "--by", "event_type", "--period", "year"]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let mut r = csv::Reader::from_path(SYNTH).unwrap();
    let mut hand: BTreeMap<(String, String), u64> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        *hand
            .entry((rec[5].to_string(), rec[1][..4].to_string()))
            .or_default() += 1;
    }
    let types: std::collections::BTreeSet<&String> = hand.keys().map(|k| &k.0).collect();
    assert_eq!(
        t.len(),
        types.len() * 7,
        "every type has every year 2019-2025"
    );
    for row in &t {
        let n = hand
            .get(&(row["event_type"].clone(), row["period"].clone()))
            .copied()
            .unwrap_or(0);
        assert_eq!(row["count"].parse::<u64>().unwrap(), n);
    }
}

#[test]
fn bad_settings_and_rows_are_clear_errors() {
    let csv = "id,latitude,longitude,event_date\n1,34.0,71.5,2021-01-03\n2,34.0,71.5,someday\n3,30.2,67.0,2021-03-09\n";
    let o = frontier_stdin(&["trend", "-"], csv);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("<stdin>:3: event_date: not a date"),
        "{}",
        err(&o)
    );
    let o = frontier_stdin(&["trend", "-", "--skip-invalid", "--period", "week"], csv);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("3 rows in: 2 counted"), "{}", err(&o));
    let weeks = table(&o.stdout);
    // 28 Dec 2020 (Monday of 3 Jan's week) to 14 Mar 2021: 11 weeks.
    assert_eq!(weeks.len(), 11);
    assert_eq!(weeks[0]["period"], "2020-W53");
    let o = frontier_stdin(
        &["trend", "-", "--split", "2030-01-01"],
        "id,latitude,longitude,date\n1,34,71,2021-01-03\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--split 2030-01-01"), "{}", err(&o));
    let o = frontier_stdin(&["trend", "-"], "id,latitude,longitude\n1,34,71\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("needs a date column"), "{}", err(&o));
    let o = frontier_stdin(
        &["trend", "-", "--by", "no-such-layer"],
        "id,latitude,longitude,date\n1,34,71,2021-01-03\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no-such-layer"), "{}", err(&o));
}

/// The chart: its size, the bars' colour, the split's dashed line at the
/// date's place between the first and last bar, and the fitted line.
#[test]
fn the_chart_marks_the_split_and_the_fit() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("trend.png");
    let o = frontier(&[
        "trend",
        SYNTH,
        "--split",
        "2021-08-15",
        "--chart",
        png.to_str().unwrap(),
        "--chart-size",
        "1200x700",
        "-o",
        dir.path().join("t.csv").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let pm = tiny_skia::Pixmap::load_png(&png).unwrap();
    assert_eq!((pm.width(), pm.height()), (1200, 700));
    let px = |x: u32, y: u32| {
        let p = pm.pixel(x, y).unwrap();
        [p.red(), p.green(), p.blue()]
    };
    let count = |rgb: [u8; 3]| {
        pm.pixels()
            .iter()
            .filter(|p| [p.red(), p.green(), p.blue()] == rgb)
            .count()
    };
    assert!(count([0x9f, 0xb7, 0xcc]) > 10_000, "bars");
    assert!(count([0xc0, 0x39, 0x2b]) > 500, "fitted lines");
    // The split: a column of dark dashes; its place between the plot's
    // ends matches the date's between 1 Jan 2019 and 1 Jan 2026.
    let dark_in = |x: u32| {
        (100..650)
            .filter(|&y| px(x, y) == [0x22, 0x22, 0x22])
            .count()
    };
    let split_x = (0..1200).max_by_key(|&x| dark_in(x)).unwrap();
    assert!(dark_in(split_x) > 150, "a dashed line");
    let bars: Vec<u32> = (0..1200)
        .filter(|&x| (100..650).any(|y| px(x, y) == [0x9f, 0xb7, 0xcc]))
        .collect();
    let (first, last) = (*bars.first().unwrap() as f64, *bars.last().unwrap() as f64);
    let want = (957.0 / 2557.0) * (last - first) + first;
    assert!(
        (split_x as f64 - want).abs() < 6.0,
        "split at x = {split_x}, expected about {want}"
    );
}
