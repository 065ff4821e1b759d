//! `frontier hotspots`, run as a researcher would, checked against PySAL
//! (esda and libpysal; fixtures from tests/oracle/stats_oracle.py) and
//! against the permutation test's own distribution.

mod common;

use common::{err, frontier, frontier_stdin, table};
use frontier::stats::spatial::{classes, local_g_star};
use frontier::synth::Rng;
use serde_json::Value;
use std::collections::BTreeMap;

const SYNTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);
const GI: &str = include_str!("fixtures/stats/hotspots-esda.csv");
const MORAN: &str = include_str!("fixtures/stats/moran-esda.csv");

fn f(s: &str) -> f64 {
    s.parse().unwrap()
}

fn close(ours: f64, theirs: f64, tol: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= tol * theirs.abs().max(1.0),
        "{what}: frontier {ours}, esda {theirs}"
    );
}

#[test]
fn gi_star_and_moran_match_esda_for_every_weighting() {
    let reference = table(GI.as_bytes());
    let morans = table(MORAN.as_bytes());
    for w in ["queen", "rook", "knn:6", "distance:150km"] {
        let o = frontier(&[
            "hotspots",
            SYNTH,
            "--weights",
            w,
            "--permutations",
            "0",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", err(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let rows = v["rows"].as_array().unwrap();
        let ours: BTreeMap<&str, &Value> = rows
            .iter()
            .map(|r| (r["district"].as_str().unwrap(), r))
            .collect();
        let theirs: Vec<_> = reference.iter().filter(|r| r["weights"] == w).collect();
        assert_eq!(theirs.len(), 156, "{w}");
        assert_eq!(ours.len(), 156, "{w}");
        for r in theirs {
            let us = ours[r["district"].as_str()];
            let what = format!("{w} {}", r["district"]);
            assert_eq!(
                us["neighbours"].as_u64().unwrap(),
                r["neighbours"].parse::<u64>().unwrap(),
                "{what}"
            );
            close(
                us["gi_z"].as_f64().unwrap(),
                f(&r["gi_z"]),
                1e-6,
                &format!("{what} z"),
            );
            close(
                us["gi_p"].as_f64().unwrap(),
                f(&r["gi_p_two_sided"]),
                1e-6,
                &format!("{what} p"),
            );
            assert!(us["gi_p_sim"].is_null());
        }
        let m = morans.iter().find(|r| r["weights"] == w).unwrap();
        let mi = &v["moran"];
        for (ours, theirs) in [
            ("i", "i"),
            ("expected", "expected"),
            ("z", "z"),
            ("p_value", "p"),
            ("z_normal", "z_norm"),
            ("p_value_normal", "p_norm"),
        ] {
            close(
                mi[ours].as_f64().unwrap(),
                f(&m[theirs]),
                1e-6,
                &format!("{w} Moran {ours}"),
            );
        }
    }
}

/// A lattice of `side`² cells with rook neighbours.
fn lattice(side: usize) -> Vec<Vec<usize>> {
    let mut nb = vec![Vec::new(); side * side];
    for r in 0..side {
        for c in 0..side {
            let i = r * side + c;
            if r > 0 {
                nb[i].push(i - side)
            }
            if c > 0 {
                nb[i].push(i - 1)
            }
            if c + 1 < side {
                nb[i].push(i + 1)
            }
            if r + 1 < side {
                nb[i].push(i + side)
            }
        }
    }
    nb
}

/// Without clustering, the permutation p-values follow their null
/// distribution: one-sided toward the observed side, so P(p ≤ a) ≈ 2a;
/// and on a large sample they agree with the normal approximation.
#[test]
fn permutation_p_values_have_their_distribution() {
    let nb = lattice(40);
    let mut rng = Rng::new(99, 0);
    // Continuous values: no ties.
    let y: Vec<f64> = (0..1600).map(|_| 20.0 + 5.0 * rng.normal()).collect();
    let g = local_g_star(&y, &nb, 999, 7);
    let sims: Vec<f64> = g.iter().map(|l| l.p_sim.unwrap()).collect();
    for a in [0.05, 0.1, 0.25] {
        let share = sims.iter().filter(|&&p| p <= a).count() as f64 / sims.len() as f64;
        assert!((share - 2.0 * a).abs() < 0.03, "P(p_sim ≤ {a}) = {share}");
    }
    // The permutations hold each area's own value and draw its
    // neighbours' from the others: their sum then has mean k·μ and
    // variance k·σ²·(m − k)/(m − 1) over the other m values (sampling
    // without replacement). The one-sided normal p of that sum agrees
    // with the simulated p on average (999 draws: sampling error ~0.01).
    let normal = |z: f64| 0.5 * erfc(z / std::f64::consts::SQRT_2);
    let mut gap = 0.0;
    for (i, l) in g.iter().enumerate() {
        let others: Vec<f64> = (0..y.len()).filter(|&j| j != i).map(|j| y[j]).collect();
        let m = others.len() as f64;
        let mu = others.iter().sum::<f64>() / m;
        let var = others.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / m;
        let k = nb[i].len() as f64;
        let s: f64 = nb[i].iter().map(|&j| y[j]).sum();
        let z = (s - k * mu) / (k * var * (m - k) / (m - 1.0)).sqrt();
        gap += (normal(z.abs()) - l.p_sim.unwrap()).abs();
    }
    let mean_gap = gap / g.len() as f64;
    assert!(mean_gap < 0.015, "mean |p_normal − p_sim| = {mean_gap}");
    // A planted cluster is found by both.
    let mut y2 = y.clone();
    for r in 10..14 {
        for c in 10..14 {
            y2[r * 40 + c] += 15.0;
        }
    }
    let g2 = local_g_star(&y2, &nb, 999, 7);
    let centre = 11 * 40 + 11;
    assert!(
        g2[centre].z > 4.0 && g2[centre].p_sim.unwrap() <= 0.002,
        "{:?}",
        g2[centre]
    );
    // Same seed, same answer; another seed, other draws.
    assert_eq!(local_g_star(&y, &nb, 99, 7), local_g_star(&y, &nb, 99, 7));
    assert_ne!(local_g_star(&y, &nb, 99, 7), local_g_star(&y, &nb, 99, 8));
}

/// Benjamini–Hochberg by hand: m = 10 p-values, levels 1%, 5%, 10%.
#[test]
fn classes_follow_benjamini_hochberg() {
    let p = [0.0005, 0.004, 0.012, 0.03, 0.041, 0.2, 0.5, 0.7, 0.9, 0.06];
    let z = [3.5, -2.9, 2.5, 2.2, -2.0, 1.3, 0.7, -0.4, 0.1, 1.9];
    let c = classes(&z, &p);
    // 1%: thresholds 0.001, 0.002, 0.003: only rank 1 (0.0005).
    // 5%: 0.005, 0.01, 0.015, 0.02, 0.025, 0.03: ranks 1-3 (0.012 ≤ 0.015;
    //     0.03 > 0.02 at rank 4, 0.041 > 0.025, 0.06 > 0.03).
    // 10%: 0.01, 0.02, 0.03, 0.04, 0.05, 0.06: rank 6 is 0.06 ≤ 0.06, so 1-6.
    let want = [
        "hot 99%",
        "cold 95%",
        "hot 95%",
        "hot 90%",
        "cold 90%",
        "not significant",
        "not significant",
        "not significant",
        "not significant",
        "hot 90%",
    ];
    assert_eq!(c, want);
}

#[test]
fn permutations_do_not_depend_on_threads() {
    let run = |threads: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
            .args(["hotspots", SYNTH, "--permutations", "199", "--seed", "3"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
}

#[test]
fn hexagons_hold_every_point_and_map_as_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let gj = dir.path().join("hex.geojson");
    let o = frontier(&[
        "hotspots",
        SYNTH,
        "--by",
        "hex:30",
        "--split",
        "2021-08-15",
        "--geojson",
        gj.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    let before: u64 = t
        .iter()
        .map(|r| r["count_before"].parse::<u64>().unwrap())
        .sum();
    let after: u64 = t
        .iter()
        .map(|r| r["count_after"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(before + after, 2000, "every event is in a hexagon");
    // Inner hexagons have 6 neighbours; none has more.
    assert!(
        t.iter()
            .all(|r| r["neighbours"].parse::<u32>().unwrap() <= 6)
    );
    assert!(t.iter().any(|r| r["neighbours"] == "6"));
    // The change column follows the classes.
    for r in &t {
        let hot = |c: &str| c.starts_with("hot");
        if !hot(&r["gi_class_before"]) && hot(&r["gi_class_after"]) {
            assert_eq!(r["change"], "became hot");
        }
    }
    let v: Value = serde_json::from_slice(&std::fs::read(&gj).unwrap()).unwrap();
    let feats = v["features"].as_array().unwrap();
    assert_eq!(feats.len(), t.len());
    assert_eq!(feats[0]["geometry"]["type"], "Polygon");
    assert_eq!(
        feats[0]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .len(),
        49
    );
    assert!(feats[0]["properties"]["gi_class_after"].is_string());
}

#[test]
fn bad_settings_are_clear_errors() {
    let csv = "id,latitude,longitude\n1,34.0,71.5\n2,30.2,67.0\n";
    for (args, says) in [
        (vec!["hotspots", "-", "--weights", "bishop"], "bishop"),
        (vec!["hotspots", "-", "--by", "hex:-3"], "hex:-3"),
        (vec!["hotspots", "-", "--by", "durand-line"], "no polygons"),
        (
            vec!["hotspots", "-", "--split", "2021-08-15"],
            "needs a date column",
        ),
        (
            vec!["hotspots", "-", "--by", "hex:0.001"],
            "more than 200,000",
        ),
    ] {
        let o = frontier_stdin(&args, csv);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
    }
}

/// The complementary error function (W. J. Cody's rational Chebyshev
/// approximation as in Numerical Recipes §6.2, erfcc: relative error
/// under 1.2e-7, plenty for a test of p-values to 0.015).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The classes map with their own palette and legend order.
#[test]
fn the_classes_map_as_a_diverging_choropleth() {
    let dir = tempfile::tempdir().unwrap();
    let table_path = dir.path().join("hot.csv");
    let png = dir.path().join("hot.png");
    let o = frontier(&["hotspots", SYNTH, "-q", "-o", table_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&std::fs::read(&table_path).unwrap());
    let hot99 = t.iter().filter(|r| r["gi_class"] == "hot 99%").count();
    assert!(hot99 > 0, "the synthetic events have a 99% hot spot");
    let o = frontier(&[
        "render",
        "--choropleth",
        table_path.to_str().unwrap(),
        "--column",
        "gi_class",
        "-o",
        png.to_str().unwrap(),
        "--size",
        "800x700",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let img = tiny_skia::Pixmap::load_png(&png).unwrap();
    let has = |rgb: [u8; 3]| {
        img.pixels()
            .iter()
            .any(|p| [p.red(), p.green(), p.blue()] == rgb && p.alpha() == 255)
    };
    assert!(has([0xb2, 0x18, 0x2b]), "hot 99% fill");
    assert!(has([0xee, 0xee, 0xee]), "not significant fill");
}

/// A library user's hexagon edge of any size is an answer or an `Error`,
/// never a panic (the command line checks `--by hex:D` first; the library
/// must too).
#[test]
fn any_hexagon_edge_gives_an_answer_or_an_error() {
    use frontier::hotspots::{Areas, Options, hotspots_batch};
    use frontier::ingest::{Batch, ReadOptions};
    let cols = ["lat", "lon"].map(String::from).to_vec();
    let lat = [34.0, 34.2, 34.4, 30.2, 30.4, 33.0];
    let lon = [71.5, 71.6, 71.7, 67.0, 67.1, 70.0];
    let batch = Batch::from_arrays("points", cols, &ReadOptions::default(), &lat, &lon).unwrap();
    for km in [
        1e308,
        f64::MAX,
        1e20,
        1e-300,
        f64::MIN_POSITIVE,
        0.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        25.0,
    ] {
        let mut o = Options::default();
        o.permutations = 9;
        let r = std::panic::catch_unwind(|| hotspots_batch(&batch, Areas::Hex(km), o));
        let r = r.unwrap_or_else(|_| panic!("hex:{km} panicked"));
        if km == 25.0 {
            assert!(r.is_ok(), "hex:25: {:?}", r.err());
        }
    }
}
