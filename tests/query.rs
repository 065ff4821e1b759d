//! The query engine against brute force and GeographicLib: every answer of
//! the indexed search must equal the answer of measuring everything.

use frontier::geodesy::{self, point_segment_distance, wgs84};
use frontier::index::PolygonIndex;
use frontier::query::{DistanceIndex, Locator};
use frontier::{Catalogue, Feature, Layer};
use geo::{Contains, Coord, Geometry, Intersects, Point};
use geographiclib_rs::{DirectGeodesic, InverseGeodesic};
use proptest::prelude::*;
use std::sync::OnceLock;

fn c(x: f64, y: f64) -> Coord {
    Coord { x, y }
}

/// A seeded generator of numbers in [0, 1) for test data: frontier's one
/// generator.
fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut rng = frontier::synth::Rng::new(seed, 0);
    move || rng.f64()
}

fn builtin(name: &str) -> &'static Layer {
    static L: OnceLock<Vec<Layer>> = OnceLock::new();
    let all = L.get_or_init(|| {
        frontier::layer::BUILTINS
            .iter()
            .map(|b| Catalogue::load_builtin(b).unwrap())
            .collect()
    });
    all.iter().find(|l| l.name == name).unwrap()
}

fn index(name: &str) -> &'static DistanceIndex {
    static I: OnceLock<Vec<(String, DistanceIndex)>> = OnceLock::new();
    let all = I.get_or_init(|| {
        ["durand-line", "cpec", "crossings", "waziristan"]
            .iter()
            .map(|n| (n.to_string(), DistanceIndex::new(builtin(n))))
            .collect()
    });
    &all.iter().find(|(n, _)| n == name).unwrap().1
}

fn direct(p: Coord, azi: f64, s: f64) -> Coord {
    let (lat, lon): (f64, f64) = wgs84().direct(p.y, p.x, azi, s);
    c(lon, lat)
}

/// Every segment (and point) of a layer, with its feature index.
fn segments(layer: &Layer) -> Vec<(usize, Coord, Coord)> {
    let mut out = Vec::new();
    let mut line = |fi: usize, cs: &[Coord]| {
        if cs.len() == 1 {
            out.push((fi, cs[0], cs[0]));
        }
        for w in cs.windows(2) {
            out.push((fi, w[0], w[1]));
        }
    };
    for (fi, f) in layer.features.iter().enumerate() {
        match &f.geometry {
            Geometry::Point(p) => line(fi, &[p.0]),
            Geometry::MultiPoint(m) => m.0.iter().for_each(|p| line(fi, &[p.0])),
            Geometry::LineString(l) => line(fi, &l.0),
            Geometry::MultiLineString(m) => m.0.iter().for_each(|l| line(fi, &l.0)),
            Geometry::MultiPolygon(m) => {
                for p in &m.0 {
                    line(fi, &p.exterior().0);
                    p.interiors().iter().for_each(|h| line(fi, &h.0));
                }
            }
            Geometry::Polygon(p) => line(fi, &p.exterior().0),
            other => panic!("{other:?}"),
        }
    }
    out
}

/// Brute force: the exact distance from `p` to every feature, nearest first
/// (0 inside a polygon).
fn brute(layer: &Layer, p: Coord) -> Vec<(usize, f64)> {
    let mut best = vec![f64::INFINITY; layer.features.len()];
    for (fi, a, b) in segments(layer) {
        let d = if a == b {
            geodesy::distance_m(p, a)
        } else {
            point_segment_distance(p, a, b).0
        };
        best[fi] = best[fi].min(d);
    }
    for (fi, f) in layer.features.iter().enumerate() {
        if let Geometry::MultiPolygon(m) = &f.geometry
            && m.intersects(&p)
        {
            best[fi] = 0.0;
        }
    }
    let mut v: Vec<(usize, f64)> = best.into_iter().enumerate().collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    v
}

/// A point up to 1,000 km from a random vertex of the Durand Line.
fn near_durand() -> impl Strategy<Value = Coord> {
    (0usize..6000, 0.0..360.0f64, 0.0..1.0f64).prop_map(|(i, azi, u)| {
        let Geometry::LineString(l) = &builtin("durand-line").features[0].geometry else {
            unreachable!()
        };
        let v = l.0[i % l.0.len()];
        // Many points near the line, some far: s = 1,000 km · u³.
        direct(v, azi, 1_000_000.0 * u * u * u)
    })
}

/// How closely the index agrees with brute force over GeographicLib. For
/// points near a regional layer the index measures on Gauss's conformal
/// sphere fitted to it (the ellipsoidal length of the path whose image is a
/// great circle), which src/query/conformal.rs checks against
/// GeographicLib's inverse problem to 1 mm; the nearest point it finds is
/// the foot of the perpendicular on that sphere, where the distance is
/// stationary.
const INDEX_TOL_M: f64 = 0.002;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn nearest_to_the_durand_line_matches_brute_force(p in near_durand(), within_km in 1.0..200.0f64) {
        let layer = builtin("durand-line");
        let idx = index("durand-line");
        let truth = brute(layer, p)[0].1;
        let hit = idx.nearest(p, None).unwrap().unwrap();
        prop_assert!((hit.distance_m - truth).abs() < INDEX_TOL_M, "index {} vs brute {truth}", hit.distance_m);
        // The reported nearest point is on the line at that distance.
        prop_assert!((geodesy::distance_m(p, hit.nearest) - hit.distance_m).abs() < INDEX_TOL_M);
        let w = within_km * 1000.0;
        if (truth - w).abs() > INDEX_TOL_M {
            prop_assert_eq!(idx.nearest(p, Some(w)).unwrap().is_some(), truth <= w);
        }
    }

    #[test]
    fn k_nearest_matches_brute_force(p in near_durand(), k in 1usize..4) {
        for name in ["cpec", "crossings", "waziristan"] {
            let truth = brute(builtin(name), p);
            let hits = index(name).k_nearest(p, k, None).unwrap();
            prop_assert_eq!(hits.len(), k.min(truth.len()), "{}", name);
            for (h, t) in hits.iter().zip(&truth) {
                prop_assert!((h.distance_m - t.1).abs() < INDEX_TOL_M, "{name}: {} vs {}", h.distance_m, t.1);
            }
        }
    }
}

/// Distance from `p` to the geodesic a–b by GeographicLib alone: sample the
/// geodesic (direct problem) every 5 km (at least 400 points), then
/// golden-section search the
/// best bracket. Independent of the gnomonic interception under test.
fn oracle_segment(p: Coord, a: Coord, b: Coord) -> f64 {
    let g = wgs84();
    let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let at = |s: f64| geodesy::distance_m(p, direct(a, azi1, s));
    // A sample every 5 km at least (400 on short segments).
    let n = ((s12 / 5000.0).ceil() as usize).max(400);
    let (mut bi, mut bd) = (0usize, f64::INFINITY);
    for i in 0..=n {
        let d = at(s12 * i as f64 / n as f64);
        if d < bd {
            (bi, bd) = (i, d);
        }
    }
    let (mut lo, mut hi) = (
        s12 * (bi.saturating_sub(1)) as f64 / n as f64,
        s12 * ((bi + 1).min(n)) as f64 / n as f64,
    );
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..100 {
        let m1 = hi - phi * (hi - lo);
        let m2 = lo + phi * (hi - lo);
        if at(m1) < at(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    at((lo + hi) / 2.0).min(bd)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn distance_to_the_line_is_within_a_metre_of_geographiclib(p in near_durand()) {
        let layer = builtin("durand-line");
        let hit = index("durand-line").nearest(p, None).unwrap().unwrap();
        // The oracle on every segment within 2 km of the best.
        let oracle = segments(layer)
            .into_iter()
            .filter(|(_, a, b)| point_segment_distance(p, *a, *b).0 < hit.distance_m + 2000.0)
            .map(|(_, a, b)| oracle_segment(p, a, b))
            .fold(f64::INFINITY, f64::min);
        prop_assert!((hit.distance_m - oracle).abs() < 1.0, "ours {} vs GeographicLib {oracle}", hit.distance_m);
    }

    #[test]
    fn long_cpec_segments_are_measured_exactly(p in near_durand()) {
        // CPEC segments are up to hundreds of km long: the geodesic bows
        // away from the straight lon/lat line, which the index must follow.
        let layer = builtin("cpec");
        let hit = index("cpec").nearest(p, None).unwrap().unwrap();
        let oracle = segments(layer)
            .into_iter()
            .map(|(_, a, b)| oracle_segment(p, a, b))
            .fold(f64::INFINITY, f64::min);
        prop_assert!((hit.distance_m - oracle).abs() < 1.0, "ours {} vs GeographicLib {oracle}", hit.distance_m);
    }
}

/// Any longitude, with the antimeridian's neighbourhood drawn often.
fn any_lon() -> impl Strategy<Value = f64> {
    prop_oneof![-180.0..180.0f64, 175.0..180.0f64, -180.0..-175.0f64]
}

/// Any latitude, with the poles' neighbourhoods drawn often.
fn any_lat() -> impl Strategy<Value = f64> {
    prop_oneof![-90.0..90.0f64, 85.0..=90.0f64, -90.0..-85.0f64]
}

fn anywhere() -> impl Strategy<Value = Coord> {
    (any_lon(), any_lat()).prop_map(|(x, y)| c(x, y))
}

/// A user's line layer of one segment.
fn one_segment(a: Coord, b: Coord) -> Layer {
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"s"}},"geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}}}}]}}"#,
        a.x, a.y, b.x, b.y
    );
    Layer::from_geojson_str("s", "s", &text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Segments of any length short of antipodal, points anywhere on the
    /// globe (poles and antimeridian included): the distance and the
    /// indexed search are within 1 m of GeographicLib.
    #[test]
    fn any_segment_any_point_is_within_a_metre_of_geographiclib(
        a in anywhere(), b in anywhere(), p in anywhere()
    ) {
        let (s12, _, _, _): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, b.y, b.x);
        prop_assume!(s12 < 19_500_000.0);
        let oracle = oracle_segment(p, a, b);
        let (d, at) = point_segment_distance(p, a, b);
        prop_assert!((d - oracle).abs() < 1.0, "ours {d} vs GeographicLib {oracle}");
        prop_assert!((geodesy::distance_m(p, at) - d).abs() < 1e-3);
        let hit = DistanceIndex::new(&one_segment(a, b)).nearest(p, None).unwrap().unwrap();
        prop_assert!((hit.distance_m - oracle).abs() < 1.0, "index {} vs GeographicLib {oracle}", hit.distance_m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Points spread uniformly over the region and up to about 3,000 km
    /// beyond it (inside the conformal sphere's zone and outside it): the
    /// indexed nearest equals brute force over every segment.
    #[test]
    fn spread_points_match_brute_force(lon in 40.0..100.0f64, lat in 5.0..60.0f64, within in 0.0..1.5f64) {
        let p = c(lon, lat);
        for name in ["durand-line", "cpec"] {
            let hit = index(name).nearest(p, None).unwrap().unwrap();
            let truth = brute(builtin(name), p)[0].1;
            // A radius search (answered without a walk when nothing is
            // within reach) agrees: `within` times the true distance.
            let w = within * truth;
            if (truth - w).abs() > INDEX_TOL_M {
                prop_assert_eq!(index(name).nearest(p, Some(w)).unwrap().is_some(), truth <= w, "{} {:?} within {}", name, p, w);
            }
            prop_assert!((hit.distance_m - truth).abs() < INDEX_TOL_M, "{name} {p:?}: index {} vs brute force {truth}", hit.distance_m);
            prop_assert!((geodesy::distance_m(p, hit.nearest) - hit.distance_m).abs() < INDEX_TOL_M);
        }
    }
}

#[test]
fn reported_long_segment_cases() {
    // From the South Pole to a meridian segment ending 0.1° from it: the
    // nearest point is that end (was 10,001.966 km).
    let (a, b, pole) = (c(70.0, -89.9), c(70.0, 89.9), c(0.0, -90.0));
    let (d, at) = point_segment_distance(pole, a, b);
    assert_eq!(at, a);
    assert!((d - geodesy::distance_m(pole, a)).abs() < 1e-6);
    assert!((d - 11_169.0).abs() < 1.0, "{d}");
    // Karachi to London, points more than 7,000 km away (146 of 300 were
    // about 3,000 km too far).
    let (karachi, london) = (c(67.01, 24.86), c(-0.13, 51.51));
    let mut next = uniform(12345);
    let mut far = 0;
    while far < 60 {
        let p = c(next() * 360.0 - 180.0, next() * 180.0 - 90.0);
        let oracle = oracle_segment(p, karachi, london);
        if oracle < 7.0e6 {
            continue;
        }
        far += 1;
        let (d, _) = point_segment_distance(p, karachi, london);
        assert!((d - oracle).abs() < 1.0, "{p:?}: ours {d} vs {oracle}");
    }
}

/// The grid's clearance is a lower bound on the distance to the nearest
/// boundary (checked against the distance index, itself checked against
/// GeographicLib above, for points outside every feature), and not a
/// vacuous one: most points well away from every boundary are cleared of
/// the 2 km snap.
#[test]
fn boundary_clearance_is_a_lower_bound() {
    let mut next = uniform(4242);
    for (name, lon, lat) in [
        ("neighbours", (44.0, 98.0), (10.0, 47.0)),
        ("districts", (61.0, 77.0), (24.1, 37.0)),
    ] {
        let layer = builtin(name);
        let poly = PolygonIndex::new(layer);
        let dist = DistanceIndex::new(layer);
        let (mut outside, mut cleared, mut far) = (0, 0, 0);
        for _ in 0..4000 {
            let p = c(
                lon.0 + (lon.1 - lon.0) * next(),
                lat.0 + (lat.1 - lat.0) * next(),
            );
            if poly.locate(p).is_some() {
                continue;
            }
            outside += 1;
            let clearance = poly.boundary_clearance(p);
            let truth = dist.nearest(p, None).unwrap().unwrap().distance_m;
            assert!(
                clearance <= truth,
                "{name} {p:?}: clearance {clearance} m, nearest boundary {truth} m"
            );
            if truth > 50_000.0 {
                far += 1;
                cleared += usize::from(clearance > 2_000.0);
            }
        }
        assert!(
            outside > 500 && cleared * 10 >= far * 9,
            "{name}: {outside} points outside, {cleared} of {far} more than 50 km away cleared"
        );
    }
}

#[test]
fn points_on_shared_boundaries_go_to_exactly_one_district() {
    let d = builtin("districts");
    let idx = PolygonIndex::new(d);
    let mp = |n: &str| match &d.feature(n).unwrap().geometry {
        Geometry::MultiPolygon(m) => m.clone(),
        _ => unreachable!(),
    };
    let north = mp("North Waziristan");
    let south = mp("South Waziristan");
    let shared: Vec<Coord> = north.0[0]
        .exterior()
        .0
        .iter()
        .filter(|v| south.0.iter().any(|p| p.exterior().0.contains(v)))
        .copied()
        .collect();
    assert!(shared.len() > 10, "the two districts share a boundary");
    let ni = d
        .features
        .iter()
        .position(|f| f.name() == Some("North Waziristan"))
        .unwrap();
    let si = d
        .features
        .iter()
        .position(|f| f.name() == Some("South Waziristan"))
        .unwrap();
    let mut tripoints = 0;
    for v in shared {
        // On the boundary of both, in the interior of neither.
        assert!(north.intersects(&v) && south.intersects(&v));
        assert!(!north.contains(&v) && !south.contains(&v));
        // The first district in file order whose boundary holds it (a third
        // district where three meet).
        let holders: Vec<usize> = d
            .features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.geometry.intersects(&v))
            .map(|(i, _)| i)
            .collect();
        if holders.len() > 2 {
            tripoints += 1;
        } else {
            assert_eq!(holders, vec![ni.min(si), ni.max(si)]);
        }
        assert_eq!(idx.locate(v), Some(holders[0]), "{v:?}");
    }
    assert!(
        tripoints <= 2,
        "{tripoints} vertices shared by three districts"
    );
}

#[test]
fn locator_names_countries() {
    let l = Locator::new().unwrap();
    let kabul = l.locate(c(69.2075, 34.5553));
    assert_eq!((kabul.country, kabul.district), (Some("AFG"), None));
    let miranshah = l.locate(c(70.0711, 33.0006));
    assert_eq!(miranshah.country, Some("PAK"));
    assert_eq!(miranshah.province, Some("Khyber Pakhtunkhwa"));
    assert_eq!(miranshah.district, Some("North Waziristan"));
    assert_eq!(
        l.locate(c(60.86, 29.5)).country,
        Some("IRN"),
        "Zahedan side"
    );
    assert_eq!(l.locate(c(75.99, 39.47)).country, Some("CHN"), "Kashgar");
    assert_eq!(l.locate(c(77.21, 28.61)).country, Some("IND"), "Delhi");
    assert_eq!(l.locate(c(65.0, 22.0)).country, None, "Arabian Sea");
}

#[test]
fn polygon_layers_measure_zero_inside() {
    let w = builtin("waziristan");
    let idx = DistanceIndex::new(w);
    let hits = idx.k_nearest(c(70.0711, 33.0006), 3, None).unwrap();
    // Inside North Waziristan and inside the Waziristan union: both 0.
    let zero: Vec<&str> = hits
        .iter()
        .filter(|h| h.distance_m == 0.0)
        .map(|h| w.features[h.feature].name().unwrap())
        .collect();
    assert_eq!(zero, ["North Waziristan", "Waziristan"]);
}

/// A layer of synthetic features made by a test (labelled synthetic).
fn synthetic_layer(features: Vec<Feature>) -> Layer {
    Layer {
        name: "synthetic".into(),
        source: "test".into(),
        attribution: String::new(),
        licence: String::new(),
        features,
    }
}

#[test]
fn user_point_layers_work_as_targets() {
    // A synthetic layer of 300 points (generated here, labelled synthetic).
    let mut features = Vec::new();
    let mut rnd = uniform(12345);
    for i in 0..300 {
        let mut props = serde_json::Map::new();
        props.insert("name".into(), format!("synthetic-{i}").into());
        features.push(Feature::new(
            Point::new(61.0 + 16.0 * rnd(), 24.0 + 13.0 * rnd()),
            props,
        ));
    }
    let layer = synthetic_layer(features);
    let idx = DistanceIndex::new(&layer);
    for _ in 0..50 {
        let p = c(60.0 + 18.0 * rnd(), 23.0 + 15.0 * rnd());
        let truth = brute(&layer, p);
        let hits = idx.k_nearest(p, 5, None).unwrap();
        let got: Vec<usize> = hits.iter().map(|h| h.feature).collect();
        let want: Vec<usize> = truth[..5].iter().map(|t| t.0).collect();
        assert_eq!(got, want, "{p:?}");
    }
}

/// A layer of a few points (searched without a tree, as the built-in
/// crossings are), some features holding several points: the k nearest
/// features and their distances are the brute-force ones (GeographicLib's
/// inverse problem), with and without a radius, for k beyond the number of
/// features too.
#[test]
fn few_point_layers_match_brute_force() {
    use geo::MultiPoint;
    let mut rnd = uniform(4242);
    let mut features = Vec::new();
    for i in 0..6 {
        let pts: Vec<Point> = (0..1 + i % 3)
            .map(|_| Point::new(62.0 + 14.0 * rnd(), 25.0 + 11.0 * rnd()))
            .collect();
        let mut props = serde_json::Map::new();
        props.insert("name".into(), format!("synthetic-{i}").into());
        features.push(Feature::new(MultiPoint::new(pts), props));
    }
    let layer = synthetic_layer(features);
    let idx = DistanceIndex::new(&layer);
    for i in 0..400 {
        let p = c(58.0 + 22.0 * rnd(), 22.0 + 18.0 * rnd());
        let truth = brute(&layer, p);
        let k = 1 + i % 8;
        let within = (i % 2 == 0).then(|| 200_000.0 + 400_000.0 * rnd());
        let hits = idx.k_nearest(p, k, within).unwrap();
        let want: Vec<&(usize, f64)> = truth
            .iter()
            .filter(|t| within.is_none_or(|w| t.1 <= w))
            .take(k)
            .collect();
        assert_eq!(hits.len(), want.len(), "{p:?} k={k} within={within:?}");
        for (h, t) in hits.iter().zip(want) {
            assert_eq!(h.feature, t.0, "{p:?}");
            assert!(
                (h.distance_m - t.1).abs() < 1.0,
                "{p:?}: {} vs {}",
                h.distance_m,
                t.1
            );
        }
    }
}

/// The batch questions (a client's arrays of points, on every core) give,
/// point by point and in order, the district of the one-point question
/// (itself checked against an oracle in tests/containment.rs) and the
/// brute-force nearest crossings.
#[test]
fn batch_questions_answer_each_point_in_order() {
    let mut u = uniform(99);
    let pts: Vec<Coord> = (0..600)
        .map(|_| c(61.0 + 16.5 * u(), 24.0 + 13.0 * u()))
        .collect();
    let l = Locator::new().unwrap();
    let districts = builtin("districts");
    let one = PolygonIndex::new(districts);
    for (p, loc) in pts.iter().zip(l.locate_all(&pts)) {
        let want = one.locate(*p).map(|i| districts.label(i));
        assert_eq!(loc.district.map(String::from), want, "{p:?}");
    }
    let crossings = builtin("crossings");
    let all = index("crossings").k_nearest_all(&pts, 2, None).unwrap();
    assert_eq!(all.len(), pts.len());
    for (p, hits) in pts.iter().zip(all) {
        let b = brute(crossings, *p);
        assert_eq!(hits.len(), 2);
        for (h, (f, d)) in hits.iter().zip(b) {
            assert_eq!(h.feature, f, "{p:?}");
            assert!(
                (h.distance_m - d).abs() < 1.0,
                "{p:?}: {} vs {d}",
                h.distance_m
            );
        }
    }
}

/// `nearest --target places`: the nearest populated place by brute force over
/// every GeoNames place with GeographicLib, for a few points.
#[test]
fn the_nearest_place_is_the_brute_force_one() {
    use geographiclib_rs::{Geodesic, InverseGeodesic};
    let places = builtin("places");
    let index = DistanceIndex::new(places);
    let g = Geodesic::wgs84();
    for (lon, lat) in [
        (71.55, 34.02),
        (66.99, 30.18),
        (70.07, 33.0),
        (62.3, 25.2),
        (75.0, 38.5),
    ] {
        let (best, d) = places
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let geo::Geometry::Point(p) = f.geometry else {
                    panic!()
                };
                let s12: f64 = g.inverse(lat, lon, p.y(), p.x());
                (i, s12)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        let hit = index.nearest(c(lon, lat), None).unwrap().unwrap();
        assert_eq!(hit.feature, best, "({lon}, {lat})");
        assert!(
            (hit.distance_m - d).abs() < 1e-6,
            "({lon}, {lat}): {} against {d}",
            hit.distance_m
        );
    }
}

/// A point that is not on the globe, a `k` out of range or a bad distance
/// limit is an `Error` naming what is wrong from every distance query, on
/// line, point and polygon layers, never a panic (rstar's nearest-neighbour
/// walk panics on a NaN); the polygon index and the locator answer "in
/// nothing" for such a point.
#[test]
fn bad_points_and_settings_are_errors_not_panics() {
    use frontier::Error;
    use frontier::error::Param;
    fn param<T>(r: Result<T, Error>) -> Option<Param> {
        match r {
            Err(Error::InvalidSetting { param, .. }) => Some(param),
            _ => None,
        }
    }
    let bad_points = [
        c(f64::NAN, 34.0),
        c(70.0, f64::NAN),
        c(f64::INFINITY, 34.0),
        c(70.0, f64::NEG_INFINITY),
        c(200.0, 34.0),
        c(70.0, 95.0),
    ];
    let districts = DistanceIndex::new(builtin("districts"));
    let layers: [&DistanceIndex; 3] = [index("durand-line"), index("crossings"), &districts];
    for idx in layers {
        for p in bad_points {
            assert_eq!(param(idx.nearest(p, None)), Some(Param::Point), "{p:?}");
            assert_eq!(param(idx.k_nearest(p, 3, Some(1e4))), Some(Param::Point));
            assert_eq!(param(idx.nearest_feature(p, 1e4)), Some(Param::Point));
            let mut out = Vec::new();
            assert_eq!(
                param(idx.k_nearest_into(p, 2, None, &mut out)),
                Some(Param::Point)
            );
            let batch = [c(70.0, 34.0), p];
            assert_eq!(
                param(idx.k_nearest_all(&batch, 1, None)),
                Some(Param::Point)
            );
        }
        let p = c(70.0, 34.0);
        for k in [0, frontier::query::MAX_K + 1] {
            assert_eq!(param(idx.k_nearest(p, k, None)), Some(Param::Count), "{k}");
        }
        for m in [f64::NAN, -1.0, f64::INFINITY] {
            assert_eq!(param(idx.nearest(p, Some(m))), Some(Param::Distance), "{m}");
            assert_eq!(
                param(idx.nearest_feature(p, m)),
                Some(Param::Distance),
                "{m}"
            );
        }
        // A good point still answers.
        assert!(idx.nearest(p, None).unwrap().is_some());
    }
    let polygons = PolygonIndex::new(builtin("districts"));
    let locator = Locator::new().unwrap();
    for p in bad_points {
        assert_eq!(polygons.locate(p), None, "{p:?}");
        assert!(polygons.all_containing(p).is_empty(), "{p:?}");
        assert!(!polygons.contains(0, p), "{p:?}");
        assert_eq!(locator.locate(p), Default::default(), "{p:?}");
    }
}
