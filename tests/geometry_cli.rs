//! One geometry, one answer, through the binary: a polygon's edges are
//! geodesics for `locate`, `near`/`nearest`, `summarize` (its areas too)
//! alike; either winding is read the same; a box across the antimeridian is
//! the small box; a self-crossing ring is refused with a message naming the
//! file and the feature. Areas are checked against GeographicLib's
//! `PolygonArea` and distances against the geodesic sampled with
//! GeographicLib's direct problem.

mod common;

use common::{err, frontier, out, table};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic, PolygonArea, Winding};
use std::path::{Path, PathBuf};

/// A GeoJSON layer of one polygon (rings of `[lon, lat]`, closed here)
/// named `name`, written to `dir`.
fn polygon_file(dir: &Path, name: &str, rings: &[&[(f64, f64)]]) -> PathBuf {
    let rings: Vec<String> = rings
        .iter()
        .map(|r| {
            let mut pts: Vec<String> = r.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            pts.push(pts[0].clone());
            format!("[{}]", pts.join(","))
        })
        .collect();
    let path = dir.join(format!("{name}.geojson"));
    std::fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}]}}"#,
            rings.join(",")
        ),
    )
    .unwrap();
    path
}

/// Points (id, lat, lon) as a CSV in `dir`.
fn points_file(dir: &Path, points: &[(f64, f64)]) -> PathBuf {
    let path = dir.join("points.csv");
    let mut text = String::from("id,lat,lon\n");
    for (i, (lat, lon)) in points.iter().enumerate() {
        text += &format!("{},{lat},{lon}\n", i + 1);
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// GeographicLib's area of a ring (either winding), km².
fn ring_km2(ring: &[(f64, f64)]) -> f64 {
    let g = Geodesic::wgs84();
    let mut pa = PolygonArea::new(&g, Winding::CounterClockwise);
    for &(x, y) in ring {
        pa.add_point(y, x);
    }
    pa.compute(true).1.abs() / 1e6
}

/// `summarize --by LAYER`'s row for the layer's one feature.
fn summary_row(points: &Path, layer: &Path) -> std::collections::BTreeMap<String, String> {
    let o = frontier(&[
        "summarize",
        points.to_str().unwrap(),
        "--by",
        layer.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    table(out(&o).as_bytes()).remove(0)
}

const BOX: [(f64, f64); 4] = [(60.0, 30.0), (64.0, 30.0), (64.0, 34.0), (60.0, 34.0)];

/// A clockwise box has the area of the box, not of the rest of the globe,
/// and its rate per 1,000 km² follows.
#[test]
fn a_clockwise_box_has_the_boxs_area() {
    let dir = tempfile::tempdir().unwrap();
    let clockwise: Vec<(f64, f64)> = BOX.iter().rev().copied().collect();
    let layer = polygon_file(dir.path(), "cw", &[&clockwise]);
    let points = points_file(dir.path(), &[(32.0, 62.0), (31.0, 61.0)]);
    let row = summary_row(&points, &layer);
    let area: f64 = row["area_km2"].parse().unwrap();
    let want = ring_km2(&BOX);
    assert!((area - want).abs() < 0.001, "{area} vs {want}");
    assert!((160_000.0..175_000.0).contains(&area), "{area}");
    assert_eq!(row["count"], "2");
    let rate: f64 = row["per_1000km2"].parse().unwrap();
    assert!((rate - 2.0 / want * 1000.0).abs() < 1e-4, "{rate}");
}

/// A box with a hole wound the same way as its exterior: the box's area
/// less the hole's, and the points in the hole are not in it.
#[test]
fn a_hole_wound_like_its_exterior_is_still_a_hole() {
    let dir = tempfile::tempdir().unwrap();
    let hole = [(61.0, 31.0), (63.0, 31.0), (63.0, 33.0), (61.0, 33.0)];
    let layer = polygon_file(dir.path(), "holed", &[&BOX, &hole]);
    let points = points_file(dir.path(), &[(32.0, 62.0), (30.5, 60.5)]);
    let row = summary_row(&points, &layer);
    let area: f64 = row["area_km2"].parse().unwrap();
    let want = ring_km2(&BOX) - ring_km2(&hole);
    assert!((area - want).abs() < 0.001, "{area} vs {want}");
    assert_eq!(row["count"], "1", "the point in the hole is outside");
}

/// The 60–80° E × 30–40° N box: its edges along 30° and 40° N are
/// geodesics, which bulge north. 40.3° N, 70° E is inside for `locate` and
/// 0 km away for `near` and `nearest`; 30.2° N, 70° E is outside for all
/// three, as far from the box as from the southern geodesic.
#[test]
fn containment_and_distance_use_the_same_edges() {
    let dir = tempfile::tempdir().unwrap();
    let layer = polygon_file(
        dir.path(),
        "box",
        &[&[(60.0, 30.0), (80.0, 30.0), (80.0, 40.0), (60.0, 40.0)]],
    );
    let points = points_file(dir.path(), &[(40.3, 70.0), (30.2, 70.0)]);
    let (points, layer) = (points.to_str().unwrap(), layer.to_str().unwrap());
    let o = frontier(&["locate", points, "--layer", layer]);
    assert!(o.status.success(), "{}", err(&o));
    let rows = table(out(&o).as_bytes());
    assert_eq!(
        (rows[0]["box"].as_str(), rows[1]["box"].as_str()),
        ("box", "")
    );
    let o = frontier(&["near", points, "--to", layer]);
    assert!(o.status.success(), "{}", err(&o));
    let rows = table(out(&o).as_bytes());
    assert_eq!(rows[0]["distance_km"], "0.000");
    // The southern edge sampled every 10 m near 70° E.
    let g = Geodesic::wgs84();
    let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(30.0, 60.0, 30.0, 80.0);
    let sampled = (0..=40_000)
        .map(|i| {
            let (lat, lon): (f64, f64) =
                g.direct(30.0, 60.0, azi1, s12 / 2.0 + (i as f64 - 20_000.0) * 10.0);
            g.inverse(30.2, 70.0, lat, lon)
        })
        .fold(f64::INFINITY, f64::min);
    let got: f64 = rows[1]["distance_km"].parse().unwrap();
    assert!(
        (got - sampled / 1000.0).abs() <= 0.0015,
        "{got} km vs {} km",
        sampled / 1000.0
    );
    assert!(got > 15.0, "{got}");
    // `nearest` measures the same way.
    let o = frontier(&["nearest", points, "--to", layer]);
    assert!(o.status.success(), "{}", err(&o));
    let rows = table(out(&o).as_bytes());
    assert_eq!(rows[0]["distance_1_km"], "0.000");
    assert_eq!(rows[1]["distance_1_km"], format!("{got:.3}"));
}

/// A box across the antimeridian is the 20° box across it for `locate`,
/// `near`, `nearest` and `summarize` (whose area is GeographicLib's for
/// the ring).
#[test]
fn a_box_across_the_antimeridian_is_the_small_box() {
    let dir = tempfile::tempdir().unwrap();
    let ring = [(170.0, 10.0), (-170.0, 10.0), (-170.0, 20.0), (170.0, 20.0)];
    let layer = polygon_file(dir.path(), "pacific", &[&ring]);
    let points = points_file(
        dir.path(),
        &[(15.0, 175.0), (15.0, -175.0), (15.0, 180.0), (15.0, 0.0)],
    );
    let (p, l) = (points.to_str().unwrap(), layer.to_str().unwrap());
    let o = frontier(&["locate", p, "--layer", l]);
    assert!(o.status.success(), "{}", err(&o));
    let held: Vec<String> = table(out(&o).as_bytes())
        .iter()
        .map(|r| r["pacific"].clone())
        .collect();
    assert_eq!(held, ["pacific", "pacific", "pacific", ""]);
    let o = frontier(&["near", p, "--to", l]);
    let distances: Vec<String> = table(out(&o).as_bytes())
        .iter()
        .map(|r| r["distance_km"].clone())
        .collect();
    assert_eq!(distances[..3], ["0.000", "0.000", "0.000"]);
    assert!(distances[3].parse::<f64>().unwrap() > 15_000.0);
    let o = frontier(&["nearest", p, "--to", l]);
    let nearest: Vec<String> = table(out(&o).as_bytes())
        .iter()
        .map(|r| r["distance_1_km"].clone())
        .collect();
    assert_eq!(nearest, distances);
    let row = summary_row(&points, &layer);
    assert_eq!(row["count"], "3");
    let area: f64 = row["area_km2"].parse().unwrap();
    assert!((area - ring_km2(&ring)).abs() < 0.001, "{area}");
    assert!(area < 2_500_000.0, "{area}");
}

/// A self-crossing ring has no agreed inside: refused, naming the file,
/// the feature and where the ring crosses itself, exit 2.
#[test]
fn a_self_crossing_ring_is_refused_with_where() {
    let dir = tempfile::tempdir().unwrap();
    let layer = polygon_file(
        dir.path(),
        "bow",
        &[&[(60.0, 30.0), (62.0, 32.0), (62.0, 30.0), (60.0, 32.0)]],
    );
    let points = points_file(dir.path(), &[(31.0, 61.0)]);
    for args in [
        vec![
            "summarize",
            points.to_str().unwrap(),
            "--by",
            layer.to_str().unwrap(),
        ],
        vec![
            "locate",
            points.to_str().unwrap(),
            "--layer",
            layer.to_str().unwrap(),
        ],
        vec![
            "near",
            points.to_str().unwrap(),
            "--to",
            layer.to_str().unwrap(),
        ],
    ] {
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = err(&o);
        assert!(
            e.contains("bow.geojson: feature 1 (bow)")
                && e.contains("crosses itself near (61.0000000, 31.0000000)"),
            "{e}"
        );
        assert!(out(&o).is_empty());
    }
}
