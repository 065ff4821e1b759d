//! Where the user's column names meet frontier's, through the binary: the
//! user's name is kept, frontier's gets `frontier_` in front, and no table
//! or output has two columns of one name (ignoring case). The oracle is
//! the input itself: the number of points and the sum of the user's column,
//! counted here.

mod common;

use common::frontier_stdin;
use serde_json::Value;

/// Six points: four in Khyber Pakhtunkhwa (Peshawar, Mardan, Swat, Bannu),
/// two in Balochistan (Quetta, Zhob), each with a `count` of its own.
const POINTS: &str = "id,latitude,longitude,count,event_date,period,gi_z\n\
    1,34.01,71.58,10,2021-01-05,a,1\n\
    2,34.20,72.04,20,2021-03-05,b,1\n\
    3,34.77,72.36,30,2021-09-05,a,1\n\
    4,32.99,70.60,40,2021-10-05,b,1\n\
    5,30.19,67.01,5,2021-02-05,a,1\n\
    6,31.34,69.45,6,2021-11-05,b,1\n";

fn json(args: &[&str]) -> Value {
    let out = frontier_stdin(args, POINTS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn no_two_alike(keys: &[String]) {
    let mut lower: Vec<String> = keys.iter().map(|k| k.to_lowercase()).collect();
    lower.sort();
    let n = lower.len();
    lower.dedup();
    assert_eq!(lower.len(), n, "columns {keys:?}");
}

fn row<'a>(rows: &'a Value, key: &str, name: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn summarize_value_named_count_keeps_both() {
    let rows = json(&[
        "summarize",
        "-",
        "--by",
        "province",
        "--value",
        "count",
        "--format",
        "json",
    ]);
    let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
    no_two_alike(&keys);
    let kp = row(&rows, "province", "Khyber Pakhtunkhwa");
    assert_eq!(kp["frontier_count"], 4, "points");
    assert_eq!(kp["count"], 100, "the values' sum");
    let b = row(&rows, "province", "Balochistan");
    assert_eq!(
        (b["frontier_count"].as_u64(), b["count"].as_u64()),
        (Some(2), Some(11))
    );
    // per_100k is the points' rate, count_per_100k the values'.
    let pop = kp["population_2023"].as_f64().unwrap();
    let rate = |k: &str| kp[k].as_f64().unwrap();
    assert!((rate("per_100k") - (4e5 / pop * 1e4).round() / 1e4).abs() < 1e-9);
    assert!((rate("count_per_100k") - (100e5 / pop * 1e4).round() / 1e4).abs() < 1e-9);
    // CSV and Markdown name the columns the same way.
    let csv = frontier_stdin(
        &["summarize", "-", "--by", "province", "--value", "count"],
        POINTS,
    );
    let header = String::from_utf8_lossy(&csv.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(header.split(',').collect::<Vec<_>>(), keys);
    let md = frontier_stdin(
        &[
            "summarize",
            "-",
            "--by",
            "province",
            "--value",
            "count",
            "--format",
            "md",
        ],
        POINTS,
    );
    let first = String::from_utf8_lossy(&md.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    let md_keys: Vec<String> = first
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect();
    assert_eq!(md_keys, keys);
}

#[test]
fn value_and_weight_of_one_column_are_two_columns() {
    let rows = json(&[
        "summarize",
        "-",
        "--by",
        "province",
        "--value",
        "count",
        "--weight",
        "COUNT",
        "--format",
        "json",
    ]);
    let kp = row(&rows, "province", "Khyber Pakhtunkhwa");
    assert_eq!(kp["count"], 100);
    assert_eq!(kp["weight_COUNT"], 100);
    assert_eq!(kp["frontier_count"], 4);
}

#[test]
fn trend_series_and_tests_keep_both() {
    let rows = json(&[
        "trend", "-", "--period", "year", "--value", "count", "--format", "json",
    ]);
    assert_eq!(rows[0]["frontier_count"], 6);
    assert_eq!(rows[0]["count"], 111);
    let rows = json(&[
        "trend", "-", "--period", "month", "--by", "period", "--format", "json",
    ]);
    let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(&keys[..2], ["period", "frontier_period"]);
    let total = |g: &str| -> u64 {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["period"] == g)
            .map(|r| r["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!((total("a"), total("b")), (3, 3));
}

#[test]
fn hotspots_value_named_like_a_statistic() {
    let out = json(&[
        "hotspots",
        "-",
        "--by",
        "province",
        "--value",
        "gi_z",
        "--permutations",
        "0",
        "--format",
        "json",
    ]);
    let rows = &out["rows"];
    let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
    no_two_alike(&keys);
    assert_eq!(row(rows, "province", "Khyber Pakhtunkhwa")["gi_z"], 4.0);
    assert!(keys.contains(&"frontier_gi_z".to_string()));
}

#[test]
fn emerging_value_named_like_its_columns_keeps_both() {
    // `gi_z` (1 on every row) and `count` as the value: the sums are the
    // user's columns, frontier's own get `frontier_`; the series' keys
    // follow the same rule.
    for (value, sum_kp) in [("gi_z", 4.0), ("count", 100.0)] {
        let out = json(&[
            "emerging", "-", "--by", "province", "--period", "quarter", "--value", value,
            "--format", "json",
        ]);
        let rows = &out["rows"];
        let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
        no_two_alike(&keys);
        assert!(
            keys.contains(&format!("frontier_{value}")) || value == "count",
            "{keys:?}"
        );
        let kp = row(rows, "province", "Khyber Pakhtunkhwa");
        assert_eq!(kp[value], sum_kp, "{value}: {kp}");
        let first = kp["series"][0].as_object().unwrap();
        let series_keys: Vec<String> = first.keys().cloned().collect();
        no_two_alike(&series_keys);
        assert_eq!(series_keys.len(), 5, "{series_keys:?}");
        assert!(first.contains_key(value));
    }
}

#[test]
fn locate_names_avoid_the_input_and_each_other() {
    let input = "lat,lon,Country,frontier_country\n34.01,71.58,x,y\n";
    let out = frontier_stdin(&["locate", "-"], input);
    let text = String::from_utf8_lossy(&out.stdout);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "lat",
            "lon",
            "Country",
            "frontier_country",
            "frontier_frontier_country",
            "province",
            "district"
        ]
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with(",PAK,Khyber Pakhtunkhwa,Peshawar")
    );
}
