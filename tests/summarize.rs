//! `frontier summarize` and `frontier synth`, run as a researcher would,
//! checked against GeoPandas and against arithmetic done by hand.

mod common;

use frontier::window::Window;

use common::{Table, err, frontier, frontier_stdin, table};
use std::collections::BTreeMap;

fn row<'a>(t: &'a Table, key: &str, name: &str) -> &'a BTreeMap<String, String> {
    t.iter()
        .find(|r| r[key] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

const SYNTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);
const GEOPANDAS: &str = include_str!("fixtures/summarize-geopandas.csv");

#[test]
fn counts_match_geopandas() {
    let o = frontier(&[
        "summarize",
        SYNTH,
        "--by",
        "district",
        "--value",
        "fatalities",
        "--split",
        "2021-08-15",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let ours = table(&o.stdout);
    let theirs = table(GEOPANDAS.as_bytes());
    // One row per district (zeros included) plus the outside row, same order.
    assert_eq!(ours.len(), 157);
    assert_eq!(theirs.len(), 157);
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a["district"], b["district"]);
        for col in ["count", "fatalities", "before", "after"] {
            assert_eq!(
                a[col], b[col],
                "{} {col}: frontier {} vs GeoPandas {}",
                a["district"], a[col], b[col]
            );
        }
    }
    let total: u64 = ours
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 2000, "every point counted once");
    assert!(
        ours.iter().any(|r| r["count"] == "0"),
        "zero rows are present"
    );
    assert_eq!(ours.last().unwrap()["district"], "(outside)");
}

/// Points for arithmetic by hand (see `split_arithmetic_by_hand`).
const BY_HAND: &str = "event_date,latitude,longitude,fatalities\n\
                       2021-01-05,34.005,71.547,1\n\
                       10 March 2021,34.01,71.55,3\n\
                       2021-08-15,34.0,71.5,0\n\
                       2021-09-01,34.02,71.56,4\n\
                       2021-12-31,34.0,71.54,6\n\
                       2021-10-10,30.19,67.0,5\n\
                       2020-06-01,30.19,67.0,9\n";

#[test]
fn split_arithmetic_by_hand() {
    // Peshawar: 2 events before (fatalities 1, 3), 3 after (0, 4, 6).
    // Quetta: 1 event after. Window: 2021-01-01 .. 2021-12-31 (--from/--to),
    // so before = 226 days (1 Jan to 14 Aug), after = 139 days (15 Aug to 31 Dec).
    let input = BY_HAND;
    let o = frontier_stdin(
        &[
            "summarize",
            "-",
            "--value",
            "fatalities",
            "--split",
            "2021-08-15",
            "--from",
            "2021-01-01",
            "--to",
            "2021-12-31",
        ],
        input,
    );
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let p = row(&t, "district", "Peshawar");
    assert_eq!(
        (
            p["count"].as_str(),
            p["before"].as_str(),
            p["after"].as_str()
        ),
        ("5", "2", "3")
    );
    assert_eq!(p["change"], "1");
    assert_eq!(p["ratio"], "1.5");
    assert_eq!(p["fatalities"], "14");
    assert_eq!(p["fatalities_before"], "4");
    assert_eq!(p["fatalities_after"], "10");
    assert_eq!(p["fatalities_change"], "6");
    assert_eq!(p["fatalities_ratio"], "2.5");
    // Rates per 365 days: 2 / 226 × 365 = 3.2301, 3 / 139 × 365 = 7.8777.
    assert_eq!(p["before_per_365d"], "3.2301");
    assert_eq!(p["after_per_365d"], "7.8777");
    // Per 100,000: Peshawar has 4,758,762 people (Census 2023): 5 / 47.58762.
    assert_eq!(p["population_2023"], "4758762");
    assert_eq!(p["per_100k"], "0.1051");
    // Share: 5 of the 6 points kept (the 2020 one is outside the window).
    assert_eq!(p["share"], "0.8333");
    let q = row(&t, "district", "Quetta");
    assert_eq!(
        (
            q["before"].as_str(),
            q["after"].as_str(),
            q["ratio"].as_str()
        ),
        ("0", "1", "")
    );
    assert!(err(&o).contains("1 outside the date window"), "{}", err(&o));
}

/// The same arithmetic through the library's typed results: counts, rates
/// per 100,000 and per 365 days, change and ratio as methods, no string
/// keys.
#[test]
fn typed_results_by_hand() {
    use frontier::ingest::{FormatHint, PointSource, ReadOptions};
    use frontier::summary::{Grouping, Options, summarize};
    let input = BY_HAND;
    let mut src = PointSource::from_reader(
        Box::new(input.as_bytes()),
        "t.csv",
        FormatHint::None,
        &ReadOptions::default(),
    )
    .unwrap();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut opts = Options::default();
    opts.value = Some("fatalities".into());
    opts.window = Window::new(
        Some(date("2021-01-01")),
        Some(date("2021-12-31")),
        Some(date("2021-08-15")),
        None,
    )
    .unwrap();
    let s = summarize(&mut src, Grouping::Districts, opts).unwrap();
    let (g, t) = s.group("Peshawar").unwrap();
    assert_eq!((t.count, t.before, t.after, t.change()), (5, 2, 3, 1));
    assert_eq!(t.ratio(), Some(1.5));
    assert_eq!((t.value_before, t.value_after), (4.0, 10.0));
    assert_eq!(g.population, Some(4_758_762.0));
    assert!((g.per_100k(t.count as f64).unwrap() - 5.0 / 47.58762).abs() < 1e-12);
    let (before, after) = s.per_365d(t).unwrap();
    assert!((before.unwrap() - 2.0 / 226.0 * 365.0).abs() < 1e-12);
    assert!((after.unwrap() - 3.0 / 139.0 * 365.0).abs() < 1e-12);
    let (_, q) = s.group("Quetta").unwrap();
    assert_eq!((q.before, q.after, q.ratio()), (0, 1, None));
    assert_eq!(s.account.outside_window, 1);
    assert_eq!(
        s.account.rows_in,
        s.account.counted + s.account.outside_window
    );
}

/// Points given as figures (coordinates and values from arrays, no file)
/// summarise to the same table as the file; a summary made in two parts
/// and merged equals the one made at once (what a cluster relies on).
#[test]
fn figures_and_merged_parts_equal_the_file_summary() {
    use frontier::ingest::{PointSource, ReadOptions, Row};
    use frontier::summary::{Figures, Grouping, Options, Tallier, summarize, summarize_figures};
    let opts = || {
        let mut o = Options::default();
        o.value = Some("fatalities".into());
        o.window = Window::new(
            None,
            None,
            chrono::NaiveDate::from_ymd_opt(2021, 8, 15),
            None,
        )
        .unwrap();
        o
    };
    let mut src = PointSource::open(SYNTH, &ReadOptions::default()).unwrap();
    let from_file = summarize(&mut src, Grouping::Districts, opts()).unwrap();
    // The same points as arrays, read independently of the summary code.
    let src = PointSource::open(SYNTH, &ReadOptions::default()).unwrap();
    let schema = src.schema().clone();
    let (fat, date) = (schema.find("fatalities").unwrap(), schema.date.unwrap());
    let precision = schema.precision.unwrap();
    let figures: Vec<Figures> = src
        .map(|row| match row.unwrap() {
            Row::Record(r) => Figures {
                at: r.coord,
                value: r.fields.text(fat).parse().unwrap(),
                date: frontier::ingest::parse_date(&r.fields.text(date)),
                precision: r.fields.text(precision).parse().ok(),
                ..Default::default()
            },
            Row::Reject(_) => unreachable!("the fixture has no bad rows"),
        })
        .collect();
    assert!(figures.len() > 100);
    let from_figures = summarize_figures(&figures, Grouping::Districts, opts()).unwrap();
    // Row by row, so that a failure names the group.
    let same = |a: &frontier::summary::Summary, what: &str| {
        let (ca, ra) = a.table();
        let (cb, rb) = from_file.table();
        assert_eq!(ca, cb, "{what}: columns");
        assert_eq!(ra.len(), rb.len(), "{what}: rows");
        for (x, y) in ra.iter().zip(&rb) {
            assert_eq!(x, y, "{what}");
        }
    };
    same(&from_figures, "figures");
    let (a, b) = figures.split_at(figures.len() / 3);
    let mut first = Tallier::new(Grouping::Districts, opts()).unwrap();
    first.add(b).unwrap();
    let mut second = Tallier::new(Grouping::Districts, opts()).unwrap();
    second.add(a).unwrap();
    // Parts sent as JSON (as from a worker) add up to the same.
    let mut third = Tallier::new(Grouping::Districts, opts()).unwrap();
    third.add(b).unwrap();
    let mut sent = Tallier::new(Grouping::Districts, opts()).unwrap();
    sent.add(a).unwrap();
    let json = serde_json::to_string(&sent.parts()).unwrap();
    third
        .add_parts(serde_json::from_str(&json).unwrap())
        .unwrap();
    let via_json = third.finish().unwrap();
    same(&via_json, "parts as JSON");
    assert_eq!(via_json.account, from_file.account);
    first.merge(second).unwrap();
    let merged = first.finish().unwrap();
    same(&merged, "merged");
    assert_eq!(merged.account, from_file.account);
    // Parts of another grouping are refused.
    let provinces = Tallier::new(Grouping::Provinces, opts()).unwrap();
    let mut districts = Tallier::new(Grouping::Districts, opts()).unwrap();
    assert!(districts.add_parts(provinces.parts()).is_err());
}

/// The fixture's points as a client would hold them in columns (read with
/// the csv crate and chrono, not frontier's reader), summarised through a
/// `Batch`, give the file's table; a bad coordinate names its row.
#[test]
fn a_batch_of_arrays_equals_the_file_summary() {
    use frontier::ingest::{Batch, Column, PointSource, ReadOptions};
    use frontier::summary::{Grouping, Options, summarize, summarize_batch};
    let opts = || {
        let mut o = Options::default();
        o.value = Some("fatalities".into());
        o.window = Window::new(
            None,
            None,
            chrono::NaiveDate::from_ymd_opt(2021, 8, 15),
            Some(2),
        )
        .unwrap();
        o
    };
    let mut src = PointSource::open(SYNTH, &ReadOptions::default()).unwrap();
    let from_file = summarize(&mut src, Grouping::Districts, opts()).unwrap();
    let mut r = csv::Reader::from_path(SYNTH).unwrap();
    let names: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |n: &str| names.iter().position(|c| c == n).unwrap();
    let (lat_i, lon_i, fat_i, date_i, prec_i) = (
        col("latitude"),
        col("longitude"),
        col("fatalities"),
        col("event_date"),
        col("geo_precision"),
    );
    let (mut lat, mut lon, mut fat, mut date, mut prec) = (vec![], vec![], vec![], vec![], vec![]);
    for rec in r.records() {
        let rec = rec.unwrap();
        lat.push(rec[lat_i].parse::<f64>().unwrap());
        lon.push(rec[lon_i].parse::<f64>().unwrap());
        fat.push(Some(rec[fat_i].parse::<f64>().unwrap()));
        date.push(chrono::NaiveDate::parse_from_str(&rec[date_i], "%Y-%m-%d").ok());
        prec.push(Some(rec[prec_i].parse::<f64>().unwrap()));
    }
    let n = lat.len();
    let batch = Batch::from_arrays("frame", names.clone(), &ReadOptions::default(), &lat, &lon)
        .unwrap()
        .with_column("fatalities", Column::Number(fat))
        .unwrap()
        .with_column("event_date", Column::Date(date))
        .unwrap()
        .with_column("geo_precision", Column::Number(prec))
        .unwrap();
    assert_eq!(batch.len(), n);
    let from_batch = summarize_batch(&batch, Grouping::Districts, opts()).unwrap();
    let ((ca, ra), (cb, rb)) = (from_batch.table(), from_file.table());
    assert_eq!(ca, cb);
    assert_eq!(ra.len(), rb.len());
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(x, y);
    }
    assert_eq!(from_batch.account, from_file.account);
    assert!(
        from_file.account.left_out_imprecise > 0,
        "the filter must bite"
    );

    // A NaN latitude on row 3: an error naming row and column, or (skipping
    // invalid rows) a reject, and every row accounted for.
    let mut bad_lat = lat.clone();
    bad_lat[2] = f64::NAN;
    let e = Batch::from_arrays(
        "frame",
        names.clone(),
        &ReadOptions::default(),
        &bad_lat,
        &lon,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "frame:3: latitude: latitude is not a finite number: \"NaN\""
    );
    let mut skip = ReadOptions::default();
    skip.skip_invalid = true;
    let fat: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64)).collect();
    let batch = Batch::from_arrays("frame", names.clone(), &skip, &bad_lat, &lon)
        .unwrap()
        .with_column("fatalities", Column::Number(fat))
        .unwrap();
    assert_eq!((batch.len(), batch.rejects().len()), (n - 1, 1));
    assert_eq!(batch.rejects()[0].line, 3);
    let mut opts = Options::default();
    opts.value = Some("fatalities".into());
    let s = summarize_batch(&batch, Grouping::Provinces, opts).unwrap();
    assert_eq!(s.account.rows_in, n as u64);
    assert_eq!(s.account.rejected, 1);
    let total: f64 = s.groups.iter().map(|(_, t)| t.value).sum();
    // Rows 1..n numbered 0..n-1, less row 3's value (2): the values kept
    // line up with their rows.
    assert_eq!(total, (n * (n - 1) / 2) as f64 - 2.0);
    // A column of the wrong length names it.
    let e = Batch::from_arrays("frame", names, &ReadOptions::default(), &lat, &lon)
        .unwrap()
        .with_column("fatalities", Column::Number(vec![Some(1.0)]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"fatalities\" has 1 values for"), "{e}");
}

#[test]
fn provinces_and_no_data_are_empty_not_zero() {
    let input = "lat,lon\n35.92,74.31\n34.0,71.5\n";
    let o = frontier_stdin(&["summarize", "-", "--by", "province"], input);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    assert_eq!(t.len(), 8);
    let gb = row(&t, "province", "Gilgit-Baltistan");
    assert_eq!(gb["count"], "1");
    assert_eq!(
        gb["population_2023"], "",
        "no census figure: empty, never 0"
    );
    assert_eq!(gb["per_100k"], "");
    assert!(gb["per_1000km2"].parse::<f64>().unwrap() > 0.0);
    let kp = row(&t, "province", "Khyber Pakhtunkhwa");
    assert_eq!(kp["population_2023"], "40856097");
}

#[test]
fn distance_bands_from_the_durand_line() {
    let o = frontier(&[
        "summarize",
        SYNTH,
        "--by",
        "province",
        "--bands",
        "0,10,25,50,100",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let cols = [
        "band_0_10km",
        "band_10_25km",
        "band_25_50km",
        "band_50_100km",
        "band_100km_plus",
    ];
    for r in &t {
        let sum: u64 = cols.iter().map(|c| r[*c].parse::<u64>().unwrap()).sum();
        assert_eq!(
            sum.to_string(),
            r["count"],
            "bands add up for {}",
            r["province"]
        );
    }
    // Cross-check the 0-10 km band against `near --within 10km`.
    let near = frontier(&["near", SYNTH, "--target", "durand-line", "--within", "10km"]);
    let near = table(&near.stdout);
    let in_band: u64 = t
        .iter()
        .map(|r| r["band_0_10km"].parse::<u64>().unwrap())
        .sum();
    let strictly_inside = near
        .iter()
        .filter(|r| r["distance_km"].parse::<f64>().unwrap() < 10.0)
        .count() as u64;
    assert_eq!(in_band, strictly_inside);
}

#[test]
fn precision_is_counted_or_left_out() {
    let o = frontier(&["summarize", SYNTH]);
    let t = table(&o.stdout);
    let imprecise: u64 = t
        .iter()
        .map(|r| r["imprecise"].parse::<u64>().unwrap())
        .sum();
    let text = std::fs::read_to_string(SYNTH).unwrap();
    let expect = text.lines().skip(1).filter(|l| {
        let p: Vec<&str> = l.split(',').collect();
        p[18] != "1"
    });
    assert_eq!(imprecise, expect.count() as u64);
    let o = frontier(&["summarize", SYNTH, "--max-precision", "1"]);
    assert!(o.status.success());
    let t2 = table(&o.stdout);
    let left: u64 = t2
        .iter()
        .map(|r| r["left_out_imprecise"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(left, imprecise);
    let counted: u64 = t2.iter().map(|r| r["count"].parse::<u64>().unwrap()).sum();
    assert_eq!(counted + left, 2000);
    assert!(
        err(&o).contains(&format!("{left} left out by --max-precision")),
        "{}",
        err(&o)
    );
}

#[test]
fn join_brings_in_user_figures() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("refugees.csv");
    std::fs::write(
        &j,
        "district,refugees\nPeshawar,\"100,000\"\nQuetta,50000\nAtlantis,5\n",
    )
    .unwrap();
    let o = frontier_stdin(
        &[
            "summarize",
            "-",
            "--join",
            j.to_str().unwrap(),
            "--on",
            "district",
        ],
        "lat,lon\n34.0,71.5\n",
    );
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let p = row(&t, "district", "Peshawar");
    assert_eq!(p["refugees"], "100000");
    // 100,000 / 4,758,762 × 100,000 = 2101.38696
    assert_eq!(p["refugees_per_100k"], "2101.3869");
    assert_eq!(
        row(&t, "district", "Swat")["refugees"],
        "",
        "no figure: empty"
    );
    assert!(
        err(&o).contains("1 name(s)") && err(&o).contains("Atlantis"),
        "{}",
        err(&o)
    );
}

#[test]
fn markdown_and_json() {
    let o = frontier(&[
        "summarize",
        SYNTH,
        "--by",
        "province",
        "--value",
        "fatalities",
        "--format",
        "md",
    ]);
    let md = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines.len(), 2 + 8);
    assert!(lines[0].starts_with("| province | population_2023 |"));
    assert!(lines[1].starts_with("|---|---:|"));
    assert!(md.contains("| Khyber Pakhtunkhwa | 40,856,097 |"), "{md}");
    assert!(md.contains("%"));
    let o = frontier(&["summarize", SYNTH, "--by", "province", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 8);
    assert!(v[0]["count"].is_u64());
    assert!(v[6]["population_2023"].is_number() || v[6]["population_2023"].is_null());
}

#[test]
fn bad_dates_and_values_name_file_and_line() {
    let input = "event_date,lat,lon,fatalities\n2021-01-01,34,71.5,1\nsoon,34,71.5,2\n2021-02-01,34,71.5,x\n";
    let o = frontier_stdin(
        &[
            "summarize",
            "-",
            "--split",
            "2021-08-15",
            "--to",
            "2021-12-31",
            "--value",
            "fatalities",
        ],
        input,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("<stdin>:3: event_date: not a date: \"soon\""),
        "{}",
        err(&o)
    );
    let o = frontier_stdin(
        &[
            "summarize",
            "-",
            "--split",
            "2021-08-15",
            "--to",
            "2021-12-31",
            "--value",
            "fatalities",
            "--skip-invalid",
        ],
        input,
    );
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("3 rows in: 1 counted"), "{e}");
    assert!(e.contains("2 rejected"), "{e}");
    assert!(e.contains("fatalities: not a number: \"x\""), "{e}");
    let o = frontier_stdin(&["summarize", "-", "--value", "deaths"], input);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("no column named \"deaths\" for --value"),
        "{}",
        err(&o)
    );
    let o = frontier_stdin(&["summarize", "-", "--bands", "10,25"], input);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("band edges must start at 0"),
        "{}",
        err(&o)
    );
}

#[test]
fn synth_is_deterministic_valid_and_acled_shaped() {
    let a = frontier(&["synth", "--events", "3000", "--seed", "5"]);
    let b = frontier(&["synth", "--events", "3000", "--seed", "5"]);
    let c = frontier(&["synth", "--events", "3000", "--seed", "6"]);
    assert!(a.status.success(), "{}", err(&a));
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    assert_ne!(a.stdout, c.stdout);
    let t = table(&a.stdout);
    assert_eq!(t.len(), 3000);
    assert!(t.iter().all(|r| r["source"] == "synthetic"));
    // Read back through the ACLED reader: every row valid, in Pakistan, and
    // in the district its admin2 names.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.csv");
    std::fs::write(&p, &a.stdout).unwrap();
    let mut src =
        frontier::ingest::PointSource::open(p.to_str().unwrap(), &Default::default()).unwrap();
    assert_eq!(src.schema().dialect, frontier::ingest::Dialect::Acled);
    let mut n = 0;
    while let Some(r) = src.next_row() {
        assert!(matches!(r.unwrap(), frontier::ingest::Row::Record(_)));
        n += 1;
    }
    assert_eq!(n, 3000);
    let o = frontier(&["locate", p.to_str().unwrap()]);
    let loc = table(&o.stdout);
    let same = loc.iter().filter(|r| r["admin2"] == r["district"]).count();
    assert!(same >= 2990, "{same} of 3000 in their admin2");
    // More events a day after 15 August 2021 than before.
    let after = t
        .iter()
        .filter(|r| r["event_date"].as_str() >= "2021-08-15")
        .count() as f64;
    let before = 3000.0 - after;
    assert!(
        after / 1600.0 > 2.0 * before / 957.0,
        "{before} before, {after} after"
    );
    // Heavy tail, realistic precision mix.
    let fat: Vec<u32> = t.iter().map(|r| r["fatalities"].parse().unwrap()).collect();
    assert!(fat.iter().filter(|&&f| f == 0).count() > 1000);
    assert!(fat.iter().any(|&f| f >= 30));
    let p1 = t.iter().filter(|r| r["geo_precision"] == "1").count();
    assert!((1800..2400).contains(&p1), "{p1}");
}

#[test]
fn synth_refugees_follow_the_provincial_shares() {
    let o = frontier(&["synth", "--refugees", "4000", "--seed", "3"]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let share = |p: &str| t.iter().filter(|r| r["province"] == p).count() as f64 / 4000.0;
    assert!((share("Khyber Pakhtunkhwa") - 0.5).abs() < 0.03);
    assert!((share("Balochistan") - 0.25).abs() < 0.03);
    assert!(
        t.iter()
            .all(|r| r["individuals"].parse::<u64>().unwrap() > 0)
    );
    let o = frontier(&["synth", "--events", "5", "--refugees", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--refugees-output"), "{}", err(&o));
}

#[test]
fn synth_uniform_spreads_points_evenly_over_the_box() {
    let args = [
        "synth",
        "--events",
        "20000",
        "--uniform",
        "61,24,77.5,37",
        "--seed",
        "5",
    ];
    let a = frontier(&args);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, frontier(&args).stdout, "same seed, same bytes");
    let rows = table(&a.stdout);
    assert_eq!(rows.len(), 20000);
    // Quarters of the box get a quarter each (binomial sd is about 61).
    let mut quarters = [0usize; 4];
    for r in &rows {
        let (lon, lat): (f64, f64) = (
            r["longitude"].parse().unwrap(),
            r["latitude"].parse().unwrap(),
        );
        assert!((61.0..=77.5).contains(&lon) && (24.0..=37.0).contains(&lat));
        assert_eq!(r["source"], "synthetic");
        quarters[usize::from(lon > 69.25) + 2 * usize::from(lat > 30.5)] += 1;
    }
    for q in quarters {
        assert!((q as i64 - 5000).abs() < 300, "{quarters:?}");
    }
}
