//! `frontier knox` and `frontier emerging`, run as a researcher would,
//! checked against fixtures from tests/oracle/spacetime_oracle.py (R
//! surveillance::knox's definitions, pointpats, esda/libpysal,
//! pymannkendall) on SYNTHETIC events (tests/oracle/spacetime_synth.py),
//! and against simulated processes with and without near repeats.

mod common;

use common::{err, frontier, table};
use frontier::spacetime::{Events, Outcome, Test, mann_kendall::mann_kendall, run};
use frontier::synth::Rng;
use geo::Coord;
use serde_json::Value;
use std::collections::BTreeMap;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spacetime/");
const NR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/spacetime/synthetic-near-repeat.csv"
);

fn fixture(name: &str) -> common::Table {
    table(&std::fs::read(format!("{DIR}{name}")).unwrap())
}

fn f(s: &str) -> f64 {
    s.parse().unwrap()
}

fn close(ours: f64, theirs: f64, rel: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= rel * theirs.abs().max(1e-300),
        "{what}: frontier {ours}, reference {theirs}"
    );
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = frontier(&a);
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn knox_counts_and_poisson_p_match_surveillance_and_pointpats() {
    for r in fixture("knox-reference.csv") {
        let file = format!("{DIR}{}", r["file"]);
        let space = format!("{}km", r["space_km"]);
        let time = format!("{}d", r["time_days"]);
        let what = format!("{} {space} {time}", r["file"]);
        let v = json(&[
            "knox",
            &file,
            "--space",
            &space,
            "--time",
            &time,
            "--permutations",
            "0",
        ]);
        let us = &v[0];
        for k in [
            "events",
            "pairs",
            "pairs_close_space",
            "pairs_close_time",
            "pairs_close_both",
        ] {
            assert_eq!(
                us[k].as_u64().unwrap(),
                r[k].parse::<u64>().unwrap(),
                "{what} {k}"
            );
        }
        close(
            us["expected"].as_f64().unwrap(),
            f(&r["expected"]),
            1e-12,
            &what,
        );
        close(us["ratio"].as_f64().unwrap(), f(&r["ratio"]), 1e-12, &what);
        close(
            us["p_poisson"].as_f64().unwrap(),
            f(&r["p_poisson"]),
            1e-9,
            &format!("{what} p"),
        );
        assert!(us["p_sim"].is_null());
        // pointpats measures in the plane: where its projected counts are
        // the geodesic ones, it agrees.
        if r["pointpats_agrees"] == "1" {
            assert_eq!(
                us["pairs_close_both"].as_u64().unwrap(),
                r["pointpats_nst"].parse::<u64>().unwrap(),
                "{what} pointpats"
            );
            close(
                us["expected"].as_f64().unwrap(),
                f(&r["pointpats_expected"]),
                1e-9,
                &format!("{what} pointpats expected"),
            );
        }
    }
}

#[test]
fn near_repeat_table_counts_every_band_and_expects_by_permutation() {
    let v = json(&[
        "knox",
        NR,
        "--space-bands",
        "0,0,1,2,5,10,30km",
        "--time-bands",
        "0,7,14,30,60d",
        "--permutations",
        "199",
    ]);
    let rows = v.as_array().unwrap();
    let reference = fixture("bands-reference.csv");
    assert_eq!(rows.len(), reference.len());
    for (us, r) in rows.iter().zip(&reference) {
        let what = format!(
            "{}-{} km, {}-{} days",
            r["space_from"], r["space_to"], r["time_from"], r["time_to"]
        );
        assert_eq!(
            us["space_from"].as_f64().unwrap(),
            f(&r["space_from"]),
            "{what}"
        );
        assert_eq!(
            us["time_to"].as_u64().unwrap(),
            r["time_to"].parse::<u64>().unwrap()
        );
        assert_eq!(
            us["observed"].as_u64().unwrap(),
            r["observed"].parse::<u64>().unwrap(),
            "{what}"
        );
        // The permutations' mean against the exact expectation under a
        // random permutation of the dates: within 5 standard errors
        // (a band's count varies about like a Poisson count).
        let e = f(&r["expected"]);
        let got = us["expected"].as_f64().unwrap();
        assert!(
            (got - e).abs() <= 5.0 * (e / 199.0).sqrt() + 0.05,
            "{what}: mean {got}, exact {e}"
        );
    }
    // The planted process (near repeats 0-1 km, 1-7 days) is the band
    // that stands out.
    let ratio = |r: &Value| r["ratio"].as_f64().unwrap_or(0.0);
    let best = rows
        .iter()
        .max_by(|a, b| ratio(a).total_cmp(&ratio(b)))
        .unwrap();
    assert_eq!(
        (best["space_to"].as_f64(), best["time_to"].as_u64()),
        (Some(1.0), Some(7))
    );
    assert!(ratio(best) > 5.0 && best["p_sim"].as_f64().unwrap() <= 0.005);
}

#[test]
fn lead_lag_counts_directed_pairs_across_the_line() {
    for r in fixture("leadlag-reference.csv") {
        let space = format!("{}km", r["space_km"]);
        let time = format!("{}d", r["time_days"]);
        // The file's own side column, and frontier's located side: the
        // synthetic events lie 3 km or more from the line, so they agree.
        for (lead, follow) in [
            ("column:side=AFG", "column:side=PAK"),
            ("side=AFG", "side=PAK"),
        ] {
            let v = json(&[
                "knox",
                NR,
                "--lead",
                lead,
                "--follow",
                follow,
                "--space",
                &space,
                "--time",
                &time,
                "--permutations",
                "99",
            ]);
            let what = format!("{lead} {space} {time}");
            let pairs =
                r["afg_events"].parse::<u64>().unwrap() * r["pak_events"].parse::<u64>().unwrap();
            assert_eq!(v[0]["direction"], format!("{lead} -> {follow}"));
            assert_eq!(v[0]["pairs"].as_u64().unwrap(), pairs, "{what}");
            assert_eq!(
                v[0]["observed"].as_u64().unwrap(),
                r["afg_to_pak"].parse::<u64>().unwrap(),
                "{what}"
            );
            assert_eq!(
                v[1]["observed"].as_u64().unwrap(),
                r["pak_to_afg"].parse::<u64>().unwrap(),
                "{what}"
            );
        }
    }
    // The planted spillover runs from the Afghan side only.
    let v = json(&[
        "knox",
        NR,
        "--lead",
        "side=AFG",
        "--follow",
        "side=PAK",
        "--space",
        "25km",
        "--time",
        "14d",
        "--permutations",
        "199",
    ]);
    assert!(v[0]["ratio"].as_f64().unwrap() > 1.5 && v[0]["p_sim"].as_f64().unwrap() <= 0.01);
    assert!(v[1]["p_sim"].as_f64().unwrap() > 0.05, "{}", v[1]);
}

#[test]
fn mann_kendall_matches_pymannkendall() {
    for r in fixture("mk-pymannkendall.csv") {
        let x: Vec<f64> = r["values"].split(' ').map(f).collect();
        let m = mann_kendall(&x);
        let what = format!("series {}", r["series"]);
        assert_eq!(m.s, f(&r["s"]), "{what}");
        close(m.var_s, f(&r["var_s"]), 1e-12, &what);
        assert!(
            (m.z - f(&r["z"])).abs() < 1e-12,
            "{what}: z {} vs {}",
            m.z,
            r["z"]
        );
        // The normal tail of statrs and of SciPy differ in the 11th digit.
        close(m.p, f(&r["p"]), 1e-9, &format!("{what} p"));
    }
}

#[test]
fn emerging_gi_star_and_categories_match_esda_and_the_rules() {
    let v = json(&["emerging", NR, "--from", "2021-01-01", "--to", "2022-12-31"]);
    assert_eq!(v["periods"], 24);
    let rows: BTreeMap<&str, &Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["district"].as_str().unwrap(), r))
        .collect();
    assert_eq!(rows.len(), 156);
    for r in fixture("emerging-esda.csv") {
        let us = &rows[r["district"].as_str()]["series"];
        let cell = us
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["period"] == r["period"].as_str())
            .unwrap();
        let what = format!("{} {}", r["district"], r["period"]);
        assert_eq!(
            cell["count"].as_u64().unwrap(),
            r["count"].parse::<u64>().unwrap(),
            "{what}"
        );
        assert!(
            (cell["gi_z"].as_f64().unwrap() - f(&r["gi_z"])).abs() < 1e-9,
            "{what}: {cell}"
        );
        close(cell["gi_p"].as_f64().unwrap(), f(&r["gi_p"]), 1e-7, &what);
    }
    for r in fixture("emerging-categories.csv") {
        let us = rows[r["district"].as_str()];
        let what = r["district"].clone();
        assert_eq!(us["category"], r["category"].as_str(), "{what}");
        assert_eq!(us["gi_class"], r["final_class"].as_str(), "{what}");
        for k in ["hot_periods", "cold_periods"] {
            assert_eq!(
                us[k].as_u64().unwrap(),
                r[k].parse::<u64>().unwrap(),
                "{what} {k}"
            );
        }
        assert!(
            (us["trend_z"].as_f64().unwrap() - f(&r["trend_z"])).abs() < 1e-9,
            "{what}"
        );
        assert!(
            (us["trend_p"].as_f64().unwrap() - f(&r["trend_p"])).abs() < 1e-9,
            "{what}"
        );
    }
    // The growing cluster around Miranshah.
    assert_eq!(rows["North Waziristan"]["category"], "consecutive hot spot");
}

#[test]
fn emerging_writes_csv_and_geojson_whole() {
    let dir = tempfile::tempdir().unwrap();
    let gj = dir.path().join("emerging.geojson");
    let csv = dir.path().join("emerging.csv");
    let o = frontier(&[
        "emerging",
        NR,
        "--period",
        "quarter",
        "--by",
        "province",
        "-o",
        csv.to_str().unwrap(),
        "--geojson",
        gj.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&std::fs::read(&csv).unwrap());
    assert!(
        t.iter()
            .all(|r| !r["category"].is_empty() && r["periods"] == "8")
    );
    let g: Value = serde_json::from_slice(&std::fs::read(&gj).unwrap()).unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), t.len());
    // A bad setting leaves no output behind.
    let gj2 = dir.path().join("none.geojson");
    let o = frontier(&[
        "emerging",
        NR,
        "--period",
        "year",
        "--from",
        "2022-01-01",
        "--geojson",
        gj2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("at least 2 periods"), "{}", err(&o));
    assert!(!gj2.exists());
}

#[test]
fn every_row_is_accounted_for_and_bad_rows_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    std::fs::write(
        &input,
        "id,event_date,latitude,longitude\n1,2021-01-01,33.0,70.0\n2,not a date,33.0,70.0\n3,2021-01-03,33.001,70.0\n4,2020-01-01,33.0,70.0\n",
    )
    .unwrap();
    let o = frontier(&[
        "knox",
        input.to_str().unwrap(),
        "--space",
        "1km",
        "--time",
        "7d",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("events.csv:3"), "{}", err(&o));
    let rejects = dir.path().join("rejects.csv");
    let o = frontier(&[
        "knox",
        input.to_str().unwrap(),
        "--space",
        "1km",
        "--time",
        "7d",
        "--from",
        "2021-01-01",
        "--skip-invalid",
        "--rejects",
        rejects.to_str().unwrap(),
        "--permutations",
        "9",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("4 rows in: 2 counted")
            && e.contains("1 rejected")
            && e.contains("1 outside the date window"),
        "{e}"
    );
    let t = table(&o.stdout);
    assert_eq!(
        (t[0]["events"].as_str(), t[0]["pairs_close_both"].as_str()),
        ("2", "1")
    );
    assert_eq!(table(&std::fs::read(&rejects).unwrap()).len(), 1);
}

/// Events uniform in a 40 km square and over a year; with `trigger`, each
/// has that chance of an offspring 0–500 m away, 1–5 days later.
fn simulate(n: usize, trigger: f64, seed: u64) -> Events {
    let mut rng = Rng::new(seed, 0);
    let mut coords = Vec::new();
    let mut days = Vec::new();
    for _ in 0..n {
        let at = Coord {
            x: 70.0 + 0.43 * rng.f64(),
            y: 33.0 + 0.36 * rng.f64(),
        };
        let d = rng.below(365) as i64;
        coords.push(at);
        days.push(d);
        if rng.f64() < trigger {
            // ~500 m in degrees at 33° N.
            coords.push(Coord {
                x: at.x + 0.005 * (rng.f64() - 0.5),
                y: at.y + 0.004 * (rng.f64() - 0.5),
            });
            days.push(d + 1 + rng.below(5) as i64);
        }
    }
    Events {
        coords,
        days,
        ..Default::default()
    }
}

fn p_sim(events: &Events, seed: u64) -> f64 {
    let test = Test::Knox {
        space_m: 1000.0,
        days: 7,
    };
    match run(events, &test, 99, seed).unwrap() {
        Outcome::Knox(k) => k.p_sim.unwrap(),
        _ => unreachable!(),
    }
}

/// A planted near-repeat process is found at almost every seed; without
/// it, p_sim is roughly uniform over seeds (Knox counts are discrete, so
/// p_sim sits a little above uniform).
#[test]
fn a_near_repeat_process_is_detected_and_a_null_one_is_not() {
    let found = (0..20)
        .filter(|&s| p_sim(&simulate(600, 0.15, s), s) <= 0.05)
        .count();
    assert!(found >= 19, "found in {found} of 20");
    let ps: Vec<f64> = (100..160)
        .map(|s| p_sim(&simulate(600, 0.0, s), s))
        .collect();
    let share = |a: f64| ps.iter().filter(|&&p| p <= a).count() as f64 / ps.len() as f64;
    let mean = ps.iter().sum::<f64>() / ps.len() as f64;
    assert!(share(0.05) <= 0.12, "P(p ≤ 0.05) = {}", share(0.05));
    assert!(
        (0.25..=0.35).contains(&share(0.3)) || (share(0.3) - 0.3).abs() <= 0.15,
        "{ps:?}"
    );
    assert!((mean - 0.5).abs() < 0.12, "mean p_sim {mean}");
}

/// `render --choropleth emerging.csv --column category`: the categories
/// the map shows, named in the legend in ArcGIS's order with `no pattern`
/// last in its pale grey, and every district filled in its category's
/// colour where it lies.
#[test]
fn emerging_categories_are_mapped_in_their_colours_and_order() {
    use frontier::render::{Choropleth, EMERGING_CLASSES, Extent, MapSpec, render};
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("emerging.csv");
    let o = frontier(&[
        "emerging",
        NR,
        "--from",
        "2021-01-01",
        "--to",
        "2022-12-31",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let rows = table(&std::fs::read(&csv).unwrap());
    let colour = |name: &str| EMERGING_CLASSES.iter().find(|c| c.0 == name).unwrap().1;
    // The legend, through the binary: the names present, in ArcGIS's order.
    let svg = dir.path().join("emerging.svg");
    let o = frontier(&[
        "render",
        "--choropleth",
        csv.to_str().unwrap(),
        "--column",
        "category",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let svg = std::fs::read_to_string(&svg).unwrap();
    let present: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["category"].as_str()).collect();
    assert!(present.len() >= 3, "{present:?}");
    let mut at = Vec::new();
    for (name, c) in EMERGING_CLASSES {
        let found = svg.find(&format!(">{name}</text>"));
        assert_eq!(
            found.is_some(),
            present.contains(name),
            "{name} in the legend"
        );
        if let Some(i) = found {
            at.push(i);
            assert!(
                svg.contains(&format!("fill=\"#{c:06x}\"")),
                "{name}'s colour"
            );
        }
    }
    assert!(at.windows(2).all(|w| w[0] < w[1]), "ArcGIS's order");
    assert!(svg.contains(">Emerging hot and cold spots</text>"));
    // The fills, through the library: the pixel at each district's
    // interior point (without the base map over it).
    let (ch, no_data) =
        Choropleth::read_categories(std::fs::File::open(&csv).unwrap(), "e.csv", "category", &[])
            .unwrap();
    assert_eq!(no_data, 0);
    let mut spec = MapSpec::default();
    spec.size = (1400, 1200);
    spec.extent = Extent::Named("pakistan".into());
    spec.choropleth = Some(ch);
    spec.base_map = false;
    let map = render(&spec).unwrap();
    let districts = frontier::Catalogue::load("districts").unwrap();
    let (mut checked, mut matched) = (0, 0);
    let mut seen = std::collections::BTreeSet::new();
    for r in &rows {
        let f = districts.feature(&r["district"]).unwrap();
        let p = geo::InteriorPoint::interior_point(&f.geometry).unwrap();
        let (x, y) = map.view.px(p.0);
        let Some(px) = map.pixmap.pixel(x as u32, y as u32) else {
            continue;
        };
        checked += 1;
        let got = (px.red() as u32) << 16 | (px.green() as u32) << 8 | px.blue() as u32;
        if got == colour(&r["category"]) {
            matched += 1;
            seen.insert(r["category"].clone());
        }
    }
    // A few interior points of thin districts sit on an anti-aliased edge.
    assert!(
        checked >= 150 && matched as f64 >= 0.95 * checked as f64,
        "{matched} of {checked}"
    );
    assert_eq!(seen.len(), present.len(), "{seen:?}");
}

/// A map file asks for categories: `categories = true` reads numbers as
/// codes, each its own class in the order given, rather than classes of
/// numbers; `--categories` does the same on the command line.
#[test]
fn a_map_file_asks_for_categories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("codes.csv"),
        "district,code\nPeshawar,3\nQuetta,1\nKarachi South,2\nLahore,3\n",
    )
    .unwrap();
    let spec = dir.path().join("map.toml");
    std::fs::write(
        &spec,
        "output = \"map.svg\"\n[choropleth]\nfile = \"codes.csv\"\ncolumn = \"code\"\ncategories = true\norder = [\"3\", \"2\"]\n",
    )
    .unwrap();
    let o = frontier(&["render", "--spec", spec.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    let pos = |t: &str| svg.find(&format!(">{t}</text>"));
    // Okabe–Ito in the order given, then the rest.
    let (a, b, c) = (pos("3").unwrap(), pos("2").unwrap(), pos("1").unwrap());
    assert!(a < b && b < c, "{a} {b} {c}");
    for c in ["#e69f00", "#56b4e9", "#009e73"] {
        assert!(svg.contains(&format!("fill=\"{c}\"")), "{c}");
    }
    // Without it, the same numbers are classed.
    let plain = dir.path().join("plain.svg");
    let codes = dir.path().join("codes.csv");
    let o = frontier(&[
        "render",
        "--choropleth",
        codes.to_str().unwrap(),
        "--column",
        "code",
        "--classes",
        "2",
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let plain = std::fs::read_to_string(&plain).unwrap();
    // (Two quantile classes from 1 to 3: a legend of ranges.)
    assert!(
        plain.contains(">1 – ") && plain.contains(" – 3</text>") && !plain.contains(">3</text>")
    );
    let flag = dir.path().join("flag.svg");
    let o = frontier(&[
        "render",
        "--choropleth",
        codes.to_str().unwrap(),
        "--column",
        "code",
        "--categories",
        "-o",
        flag.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        std::fs::read_to_string(&flag)
            .unwrap()
            .contains(">2</text>")
    );
    let o = frontier(&["render", "--categories", "-o", flag.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--categories"), "{}", err(&o));
}

/// R's own `surveillance::knox` (tests/oracle/spacetime_knox_r.py hands it
/// the pairs' closeness in space and time): the same Knox statistic, the
/// same Poisson mean and its p-value, for every setting.
#[test]
fn knox_equals_r_surveillance_knox() {
    let rows = fixture("knox-surveillance.csv");
    assert_eq!(rows.len(), 9);
    for r in rows {
        let file = format!("{DIR}{}", r["file"]);
        let space = format!("{}km", r["space_km"]);
        let time = format!("{}d", r["time_days"]);
        let what = format!(
            "{} {space} {time} (surveillance {})",
            r["file"], r["surveillance"]
        );
        let v = json(&[
            "knox",
            &file,
            "--space",
            &space,
            "--time",
            &time,
            "--permutations",
            "0",
        ]);
        let us = &v[0];
        for (ours, theirs) in [
            ("pairs", "pairs"),
            ("pairs_close_both", "statistic"),
            ("pairs_close_space", "close_space"),
            ("pairs_close_time", "close_time"),
        ] {
            assert_eq!(
                us[ours].as_u64().unwrap(),
                r[theirs].parse::<u64>().unwrap(),
                "{what} {ours}"
            );
        }
        close(
            us["expected"].as_f64().unwrap(),
            f(&r["expected"]),
            1e-12,
            &what,
        );
        // Below 1e-300 both are nought (R gives a subnormal 1.4e-322 where
        // frontier's tail underflows to 0).
        let (p, rp) = (us["p_poisson"].as_f64().unwrap(), f(&r["p_value"]));
        assert!(
            (p - rp).abs() <= 1e-9 * rp.abs() + 1e-300,
            "{what}: p_poisson {p}, R {rp}"
        );
    }
}

/// p_sim is (1 + #{permutations at or above the observed count}) /
/// (1 + permutations): every permutation ties when every event is at one
/// place on one day (p_sim = 1), and none reaches the observed count when
/// two far-apart groups each keep their own day (p_sim = 1/(1 + P)).
#[test]
fn p_sim_counts_ties_and_the_observed_as_the_reference_does() {
    let knox = |coords: Vec<Coord>, days: Vec<i64>| {
        let events = Events {
            coords,
            days,
            ..Default::default()
        };
        let test = Test::Knox {
            space_m: 1000.0,
            days: 0,
        };
        match run(&events, &test, 99, 5).unwrap() {
            Outcome::Knox(k) => k,
            _ => unreachable!(),
        }
    };
    let at = |x: f64| Coord { x, y: 33.0 };
    let k = knox(vec![at(70.0); 12], vec![100; 12]);
    assert_eq!((k.pairs_close_both, k.p_sim), (66, Some(1.0)));
    let mut coords = vec![at(70.0); 10];
    coords.extend(vec![at(71.0); 10]);
    let mut days = vec![100; 10];
    days.extend(vec![200; 10]);
    let k = knox(coords, days);
    // Observed: the 2 × 45 pairs within each group; a permutation keeps
    // them all only by keeping the groups' days (1 in C(20, 10)).
    assert_eq!(k.pairs_close_both, 90);
    assert_eq!(k.p_sim, Some(1.0 / 100.0));
}

/// `--max-precision` leaves out imprecise events and counts them so;
/// `country=` conditions are located as `side=` ones are (the fixture's
/// events lie in Pakistan or Afghanistan, 3 km or more from the line).
#[test]
fn precision_and_country_conditions_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    std::fs::write(
        &input,
        "event_date,latitude,longitude,geo_precision\n2021-01-01,33.0,70.0,1\n2021-01-02,33.001,70.0,1\n2021-01-02,33.002,70.0,2\n2021-01-03,33.0,70.001,3\n",
    )
    .unwrap();
    let o = frontier(&[
        "knox",
        input.to_str().unwrap(),
        "--space",
        "1km",
        "--time",
        "7d",
        "--max-precision",
        "1",
        "--permutations",
        "9",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("4 rows in: 2 counted")
            && err(&o).contains("2 left out by --max-precision"),
        "{}",
        err(&o)
    );
    let t = table(&o.stdout);
    assert_eq!(
        (t[0]["events"].as_str(), t[0]["pairs_close_both"].as_str()),
        ("2", "1")
    );
    let r = &fixture("leadlag-reference.csv")[0];
    let v = json(&[
        "knox",
        NR,
        "--lead",
        "country=AFG",
        "--follow",
        "country=PAK",
        "--space",
        &format!("{}km", r["space_km"]),
        "--time",
        &format!("{}d", r["time_days"]),
        "--permutations",
        "0",
    ]);
    assert_eq!(v[0]["direction"], "country=AFG -> country=PAK");
    assert_eq!(
        v[0]["observed"].as_u64().unwrap(),
        r["afg_to_pak"].parse::<u64>().unwrap()
    );
    assert_eq!(
        v[1]["observed"].as_u64().unwrap(),
        r["pak_to_afg"].parse::<u64>().unwrap()
    );
}

/// `--value COL` sums a column into the cube instead of counting: with
/// every event worth 2, each cell holds twice its count, and Gi* (scale
/// free) is the same.
#[test]
fn emerging_sums_a_value_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("valued.csv");
    let text = std::fs::read_to_string(NR).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},worth\n", lines.next().unwrap());
    for l in lines {
        out.push_str(&format!("{l},2\n"));
    }
    std::fs::write(&input, out).unwrap();
    let args = [
        "--from",
        "2021-01-01",
        "--to",
        "2022-12-31",
        "--by",
        "province",
    ];
    let mut a = vec!["emerging", NR];
    a.extend(args);
    let counted = json(&a);
    let mut a = vec!["emerging", input.to_str().unwrap(), "--value", "worth"];
    a.extend(args);
    let summed = json(&a);
    let (c, s) = (
        counted["rows"].as_array().unwrap(),
        summed["rows"].as_array().unwrap(),
    );
    assert_eq!(c.len(), s.len());
    for (c, s) in c.iter().zip(s) {
        for (cp, sp) in c["series"]
            .as_array()
            .unwrap()
            .iter()
            .zip(s["series"].as_array().unwrap())
        {
            assert_eq!(
                sp["worth"].as_f64().unwrap(),
                2.0 * cp["count"].as_f64().unwrap()
            );
            if let (Some(a), Some(b)) = (cp["gi_z"].as_f64(), sp["gi_z"].as_f64()) {
                assert!((a - b).abs() < 1e-9, "{a} {b}");
            }
        }
        assert_eq!(c["category"], s["category"]);
    }
}

/// The band rule, counted by hand: a pair at the same place is in the
/// first distance band, or in a `0,0` band of its own; a pair exactly 7
/// days apart is in the 0–7 day band, one 8 days apart in the next.
#[test]
fn the_same_place_and_whole_days_fall_in_the_documented_bands() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    // A, B, C at one place on days 0, 7, 8; D about 500 m north on day 0.
    std::fs::write(
        &input,
        "id,event_date,latitude,longitude\nA,2021-03-01,33.0,70.0\nB,2021-03-08,33.0,70.0\nC,2021-03-09,33.0,70.0\nD,2021-03-01,33.0045,70.0\n",
    )
    .unwrap();
    let bands = |space: &str| -> Vec<u64> {
        let v = json(&[
            "knox",
            input.to_str().unwrap(),
            "--space-bands",
            space,
            "--time-bands",
            "0,7,14d",
            "--permutations",
            "0",
        ]);
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["observed"].as_u64().unwrap())
            .collect()
    };
    // Same place: A–B (7 days), B–C (1); A–C (8). Within 1 km: A–D (0),
    // B–D (7); C–D (8).
    assert_eq!(bands("0,0,1km"), [2, 1, 2, 1]);
    assert_eq!(bands("0,1km"), [4, 2]);
}

/// `--date COL` names the column the space-time tests read dates from: a
/// file whose `event_date` holds other days (the dates shuffled) and whose
/// `reported` column holds the fixture's own gives the fixture's answers
/// with `--date reported`, and other answers without it.
#[test]
fn knox_and_emerging_read_the_date_column_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("two-dates.csv");
    let text = std::fs::read_to_string(NR).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut out = format!("{header},reported\n");
    for (i, r) in rows.iter().enumerate() {
        // Another row's date (a fixed permutation: 7 is prime to the count).
        let other = rows[(i * 7 + 3) % rows.len()][1];
        let mut cells = r.clone();
        cells[1] = other;
        out.push_str(&format!("{},{}\n", cells.join(","), r[1]));
    }
    assert!(!rows.len().is_multiple_of(7));
    std::fs::write(&input, out).unwrap();
    let input = input.to_str().unwrap();
    let knox = |file: &str, date: &[&str]| {
        let mut a = vec![
            "knox",
            file,
            "--space",
            "2km",
            "--time",
            "7d",
            "--permutations",
            "0",
        ];
        a.extend(date);
        json(&a)[0]["pairs_close_both"].as_u64().unwrap()
    };
    let (ours, shuffled) = (knox(NR, &[]), knox(input, &[]));
    assert_ne!(ours, shuffled, "the shuffled dates must change the test");
    assert_eq!(knox(input, &["--date", "reported"]), ours);
    let emerging = |file: &str, date: &[&str]| {
        let mut a = vec![
            "emerging",
            file,
            "--by",
            "province",
            "--from",
            "2021-01-01",
            "--to",
            "2022-12-31",
        ];
        a.extend(date);
        json(&a)["rows"].clone()
    };
    let ours = emerging(NR, &[]);
    assert_ne!(emerging(input, &[]), ours);
    assert_eq!(emerging(input, &["--date", "reported"]), ours);
}
