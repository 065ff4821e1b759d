//! Which feature holds a point, against an oracle that knows nothing of the
//! index: every polygon edge is a geodesic, so the oracle replaces each
//! edge longer than 1 km by points along its geodesic at most 250 m apart
//! (GeographicLib's direct problem; the pieces' chords then stray from the
//! geodesic by millimetres) and asks geo's planar point-in-polygon test on
//! the densified rings. The index may place a point differently only where
//! it lies within a metre of an edge (where a chord may stand in for its
//! geodesic), and the tests check that too.

use frontier::geodesy::{self, wgs84};
use frontier::index::PolygonIndex;
use frontier::query::DistanceIndex;
use frontier::{Catalogue, Layer};
use geo::{
    BoundingRect, Contains, Coord, Geometry, Intersects, LineString, MultiPolygon, Polygon, Rect,
};
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
    Catalogue::shared(name).unwrap()
}

// ------------------------------------------------------------------ oracle

/// A ring with every edge longer than 1 km (and not along a meridian, which
/// is a geodesic) replaced by points of its geodesic at most 250 m apart,
/// longitudes unwrapped along the ring.
fn densified(ring: &LineString) -> Vec<Coord> {
    let g = wgs84();
    let mut out: Vec<Coord> = Vec::new();
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
        let n = if s12 > 1000.0 && a.x != b.x {
            (s12 / 250.0).ceil() as usize
        } else {
            1
        };
        out.push(a);
        for i in 1..n {
            let (lat, lon): (f64, f64) = g.direct(a.y, a.x, azi1, s12 * i as f64 / n as f64);
            out.push(c(lon, lat));
        }
    }
    out.extend(ring.0.last());
    // Each longitude within 180° of the previous one.
    for i in 1..out.len() {
        let d = out[i].x - out[i - 1].x;
        out[i].x = out[i - 1].x + d - 360.0 * (d / 360.0).round();
    }
    out
}

fn shifted(ring: Vec<Coord>, by: f64) -> LineString {
    LineString(ring.into_iter().map(|p| c(p.x + by, p.y)).collect())
}

/// Every feature of a layer, densified, each polygon moved by 360° if need
/// be so that no longitude is below −180°.
struct Oracle {
    features: Vec<Option<(Rect, MultiPolygon)>>,
}

impl Oracle {
    fn new(layer: &Layer) -> Oracle {
        let polygon = |p: &Polygon| {
            let ext = densified(p.exterior());
            let lo = ext.iter().map(|q| q.x).fold(f64::INFINITY, f64::min);
            let by = if lo < -180.0 { 360.0 } else { 0.0 };
            let first = ext[0].x + by;
            let holes = p
                .interiors()
                .iter()
                .map(|h| {
                    let h = densified(h);
                    let k = ((first - h[0].x) / 360.0).round();
                    shifted(h, 360.0 * k)
                })
                .collect();
            Polygon::new(shifted(ext, by), holes)
        };
        let features = layer
            .features
            .iter()
            .map(|f| {
                let mp = match &f.geometry {
                    Geometry::Polygon(p) => MultiPolygon::new(vec![polygon(p)]),
                    Geometry::MultiPolygon(m) => {
                        MultiPolygon::new(m.0.iter().map(polygon).collect())
                    }
                    _ => return None,
                };
                Some((mp.bounding_rect()?, mp))
            })
            .collect();
        Oracle { features }
    }

    /// The first feature (file order) holding `p` inside, else the first
    /// with `p` on its boundary; `p` is also tried 360° east.
    fn locate(&self, p: Coord) -> Option<usize> {
        let probes = [p, c(p.x + 360.0, p.y)];
        let find = |test: &dyn Fn(&MultiPolygon, Coord) -> bool| {
            self.features.iter().position(|f| {
                f.as_ref()
                    .is_some_and(|(r, mp)| probes.iter().any(|&q| r.intersects(&q) && test(mp, q)))
            })
        };
        find(&|mp, q| mp.contains(&q)).or_else(|| find(&|mp, q| mp.intersects(&q)))
    }
}

/// The geodesic distance from `p` to the nearest edge of feature `i`.
fn boundary_distance(layer: &Layer, i: usize, p: Coord) -> f64 {
    let rings: Vec<&LineString> = match &layer.features[i].geometry {
        Geometry::Polygon(q) => std::iter::once(q.exterior()).chain(q.interiors()).collect(),
        Geometry::MultiPolygon(m) => {
            m.0.iter()
                .flat_map(|q| std::iter::once(q.exterior()).chain(q.interiors()))
                .collect()
        }
        _ => return f64::INFINITY,
    };
    rings
        .into_iter()
        .map(|r| geodesy::point_line_distance(p, r).0)
        .fold(f64::INFINITY, f64::min)
}

/// The index's answer is the oracle's, or the point is within a metre (and
/// a centimetre for the oracle's pieces) of an edge of one of the two
/// answers, where a chord may stand in for its geodesic.
fn agrees(layer: &Layer, index: &PolygonIndex, oracle: &Oracle, p: Coord) -> Result<(), String> {
    let (got, want) = (index.locate(p), oracle.locate(p));
    if got == want {
        return Ok(());
    }
    let near = [got, want]
        .into_iter()
        .flatten()
        .map(|i| boundary_distance(layer, i, p))
        .fold(f64::INFINITY, f64::min);
    if near <= 1.01 {
        return Ok(());
    }
    Err(format!(
        "{p:?}: index {got:?}, oracle {want:?} ({near} m from the nearer boundary)"
    ))
}

fn layer_of(features: &[String]) -> Layer {
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    Layer::from_geojson_str("test", "synthetic", &text).unwrap()
}

fn polygon_feature(rings: &[Vec<Coord>]) -> String {
    let rings: Vec<String> = rings
        .iter()
        .map(|r| {
            let mut pts: Vec<String> = r.iter().map(|p| format!("[{},{}]", p.x, p.y)).collect();
            pts.push(pts[0].clone());
            format!("[{}]", pts.join(","))
        })
        .collect();
    format!(
        r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
        rings.join(",")
    )
}

fn bbox_ring(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Coord> {
    vec![c(x0, y0), c(x1, y0), c(x1, y1), c(x0, y1)]
}

// ------------------------------------------------- the cases of the issue

/// The 60–80° E × 30–40° N box: its northern edge is the geodesic, which
/// bulges 0.43° north of 40° at 70° E, and its southern edge bulges north
/// of 30° too. So 40.3° N is inside and 30.2° N outside, for `locate` and
/// `near` alike, whichever way the box is wound.
#[test]
fn a_large_box_holds_what_its_geodesic_edges_enclose() {
    for ring in [
        bbox_ring(60.0, 30.0, 80.0, 40.0),
        bbox_ring(60.0, 30.0, 80.0, 40.0)
            .into_iter()
            .rev()
            .collect(),
    ] {
        let layer = layer_of(&[polygon_feature(&[ring])]);
        let index = PolygonIndex::new(&layer);
        let oracle = Oracle::new(&layer);
        let (inside, outside) = (c(70.0, 40.3), c(70.0, 30.2));
        assert_eq!(oracle.locate(inside), Some(0));
        assert_eq!(oracle.locate(outside), None);
        assert_eq!(index.locate(inside), Some(0));
        assert_eq!(index.locate(outside), None);
        let distance = DistanceIndex::new(&layer);
        let hit = distance.nearest(inside, None).unwrap().unwrap();
        assert_eq!(hit.distance_m, 0.0);
        // Outside, the distance is to the southern geodesic edge, measured
        // here by sampling it with GeographicLib (every 10 m near its
        // middle).
        let hit = distance.nearest(outside, None).unwrap().unwrap();
        let g = wgs84();
        let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(30.0, 60.0, 30.0, 80.0);
        let sampled = (0..=20_000)
            .map(|i| {
                let s = s12 / 2.0 + (i as f64 - 10_000.0) * 10.0;
                let (lat, lon): (f64, f64) = g.direct(30.0, 60.0, azi1, s);
                geodesy::distance_m(outside, c(lon, lat))
            })
            .fold(f64::INFINITY, f64::min);
        assert!(hit.distance_m > 10_000.0, "{}", hit.distance_m);
        assert!(
            (hit.distance_m - sampled).abs() < 1.0,
            "{} vs {sampled}",
            hit.distance_m
        );
        let mut u = uniform(31);
        for _ in 0..2000 {
            let p = c(58.0 + 24.0 * u(), 28.0 + 14.0 * u());
            agrees(&layer, &index, &oracle, p).unwrap();
        }
    }
}

/// A box across the antimeridian is the 20° box across it, not the 340°
/// band between its corners, for the index, the distances and the area.
#[test]
fn a_box_across_the_antimeridian_is_the_small_one() {
    let ring = vec![
        c(170.0, 10.0),
        c(-170.0, 10.0),
        c(-170.0, 20.0),
        c(170.0, 20.0),
    ];
    let layer = layer_of(&[polygon_feature(std::slice::from_ref(&ring))]);
    let index = PolygonIndex::new(&layer);
    let distance = DistanceIndex::new(&layer);
    for x in [175.0, 180.0, -180.0, -175.0, 179.999] {
        assert_eq!(index.locate(c(x, 15.0)), Some(0), "{x}");
        assert_eq!(
            distance
                .nearest(c(x, 15.0), None)
                .unwrap()
                .unwrap()
                .distance_m,
            0.0
        );
        assert_eq!(index.all_containing(c(x, 15.0)), vec![0]);
    }
    for x in [0.0, 160.0, -160.0, 169.9, -169.9] {
        assert_eq!(index.locate(c(x, 15.0)), None, "{x}");
    }
    // Just outside the eastern edge (a meridian, so a geodesic): 1 km east
    // of -170° at 15° N.
    let hit = distance.nearest(c(-169.99, 15.0), None).unwrap().unwrap();
    assert!((hit.distance_m - geodesy::distance_m(c(-169.99, 15.0), c(-170.0, 15.0))).abs() < 0.01);
    // The area is the same box's anywhere else (GeographicLib), to a
    // square metre in a hundred thousand square kilometres.
    let Geometry::Polygon(p) = &layer.features[0].geometry else {
        panic!()
    };
    let area = geodesy::polygon_area_m2(p);
    let elsewhere = geodesy::polygon_area_m2(&Polygon::new(
        LineString(bbox_ring(10.0, 10.0, 30.0, 20.0)),
        vec![],
    ));
    assert!((area - elsewhere).abs() < 1.0, "{area} vs {elsewhere}");
    let oracle = Oracle::new(&layer);
    let mut u = uniform(8);
    for _ in 0..2000 {
        let p = c(u() * 360.0 - 180.0, 5.0 + 20.0 * u());
        agrees(&layer, &index, &oracle, p).unwrap();
    }
}

// ------------------------------------------- random polygons, any size

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random star-shaped polygons (with a hole) up to 30° across, anywhere
    /// between 70° S and 70° N (across the antimeridian too), wound either
    /// way: the index agrees with the oracle at 300 points around each.
    #[test]
    fn random_polygons_hold_what_the_oracle_says(
        lon in -180.0..180.0f64,
        lat in -60.0..60.0f64,
        size in 0.01..15.0f64,
        seed in 1u64..1_000_000,
        clockwise in proptest::bool::ANY,
    ) {
        let mut u = uniform(seed);
        // Five points or more, each gap under 130°: the centre, and the
        // hole around it, are inside.
        let n = 5 + (u() * 8.0) as usize;
        let star = |r: f64, u: &mut dyn FnMut() -> f64| -> Vec<Coord> {
            let mut pts: Vec<Coord> = (0..n)
                .map(|i| {
                    let t = (i as f64 + 0.8 * u()) / n as f64 * std::f64::consts::TAU;
                    let rr = r * (0.5 + 0.5 * u());
                    c(lon + rr * t.cos(), (lat + rr * t.sin()).clamp(-70.0, 70.0))
                })
                .map(|p| c((p.x + 540.0).rem_euclid(360.0) - 180.0, p.y))
                .collect();
            if clockwise {
                pts.reverse();
            }
            pts
        };
        let outer = star(size, &mut u);
        let hole: Vec<Coord> = bbox_ring(lon - size * 0.05, lat - size * 0.05, lon + size * 0.05, lat + size * 0.05)
            .into_iter()
            .map(|p| c((p.x + 540.0).rem_euclid(360.0) - 180.0, p.y))
            .collect();
        let Ok(layer) = Layer::from_geojson_str(
            "t",
            "synthetic",
            &format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, polygon_feature(&[outer, hole])),
        ) else {
            // A star whose random points cross: refused, as it should be.
            return Ok(());
        };
        let index = PolygonIndex::new(&layer);
        let oracle = Oracle::new(&layer);
        for _ in 0..300 {
            let p = c(
                (lon + size * (2.4 * u() - 1.2) + 540.0).rem_euclid(360.0) - 180.0,
                (lat + size * (2.4 * u() - 1.2)).clamp(-89.0, 89.0),
            );
            prop_assert!(agrees(&layer, &index, &oracle, p).is_ok(), "{}", agrees(&layer, &index, &oracle, p).unwrap_err());
        }
    }
}

// ------------------------------------------------------ built-in layers

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn locate_matches_the_oracle_over_the_districts(lon in 60.5..78.0f64, lat in 23.5..37.2f64) {
        static O: OnceLock<(PolygonIndex, Oracle)> = OnceLock::new();
        let d = builtin("districts");
        let (idx, oracle) = O.get_or_init(|| (PolygonIndex::new(d), Oracle::new(d)));
        let p = c(lon, lat);
        prop_assert!(agrees(d, idx, oracle, p).is_ok(), "{}", agrees(d, idx, oracle, p).unwrap_err());
    }

    /// Points near boundaries (within about 1 km of a vertex), where the
    /// grid's cells and subcells are marked or split, and vertices
    /// themselves.
    #[test]
    fn locate_matches_the_oracle_near_boundaries(
        which in 0usize..1_000_000,
        dx in -0.01..0.01f64,
        dy in -0.01..0.01f64,
        on_vertex in proptest::bool::weighted(0.1),
    ) {
        static O: OnceLock<(PolygonIndex, Oracle, Vec<Coord>)> = OnceLock::new();
        let d = builtin("districts");
        let (idx, oracle, vertices) =
            O.get_or_init(|| (PolygonIndex::new(d), Oracle::new(d), district_vertices()));
        let v = vertices[which % vertices.len()];
        let p = if on_vertex { v } else { c(v.x + dx, v.y + dy) };
        prop_assert!(agrees(d, idx, oracle, p).is_ok(), "{}", agrees(d, idx, oracle, p).unwrap_err());
    }
}

/// Every exterior vertex of the built-in districts.
fn district_vertices() -> Vec<Coord> {
    builtin("districts")
        .features
        .iter()
        .flat_map(|f| match &f.geometry {
            Geometry::MultiPolygon(m) => m.0.clone(),
            _ => unreachable!(),
        })
        .flat_map(|p| p.exterior().0.clone())
        .collect()
}

/// Edges of the built-in districts that are long enough to bulge (up to
/// 9 m) from their chord: points in the bulges go where the geodesic puts
/// them.
#[test]
fn points_between_a_long_district_edge_and_its_chord_follow_the_geodesic() {
    let d = builtin("districts");
    let idx = PolygonIndex::new(d);
    let oracle = Oracle::new(d);
    let mut checked = 0;
    for f in &d.features {
        let Geometry::MultiPolygon(m) = &f.geometry else {
            continue;
        };
        for ring in m.0.iter().map(|p| p.exterior()) {
            for w in ring.0.windows(2) {
                let (a, b) = (w[0], w[1]);
                if frontier::index::edge::chord_stray_bound_m(a, b) <= 3.0 {
                    continue;
                }
                // Points across the middle of the edge, from 6 m on one side
                // of the chord to 6 m on the other (in latitude).
                let mid = c((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                for k in -12..=12 {
                    let p = c(mid.x, mid.y + k as f64 * 0.5 / 111_000.0);
                    let (got, want) = (idx.locate(p), oracle.locate(p));
                    if got != want {
                        let near = boundary_distance(d, got.or(want).unwrap(), p);
                        assert!(
                            near < 0.01,
                            "{p:?}: index {got:?}, oracle {want:?}, {near} m off"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

// ------------------------------------------ overlapping synthetic layer

/// A synthetic layer of overlapping polygons (made by code): a large
/// square, squares inside and across it, and a ring-shaped polygon with a
/// hole, so that a grid cell can lie wholly inside one feature while
/// another's boundary crosses it. Squares a degree or more across have
/// edges that bulge from their chords by up to several kilometres.
fn overlapping_layer() -> Layer {
    let square = |x: f64, y: f64, r: f64| bbox_ring(x - r, y - r, x + r, y + r);
    let mut features = vec![
        polygon_feature(&[square(70.0, 30.0, 0.5)]), // the small one first: it wins overlaps
        polygon_feature(&[square(70.0, 30.0, 3.0), square(71.0, 31.0, 0.7)]),
    ];
    for k in 0..12 {
        let a = k as f64 * 0.52;
        features.push(polygon_feature(&[square(
            70.0 + 2.0 * a.cos(),
            30.0 + 2.0 * a.sin(),
            0.3 + 0.05 * k as f64,
        )]));
    }
    features.push(polygon_feature(&[square(70.0, 30.0, 8.0)]));
    layer_of(&features)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn locate_in_overlapping_polygons_matches_the_oracle(
        lon in 61.0..79.0f64,
        lat in 21.0..39.0f64,
        snap in proptest::bool::weighted(0.2),
    ) {
        static L: OnceLock<(Layer, PolygonIndex, Oracle)> = OnceLock::new();
        let (layer, idx, oracle) = L.get_or_init(|| {
            let l = overlapping_layer();
            let i = PolygonIndex::new(&l);
            let o = Oracle::new(&l);
            (l, i, o)
        });
        // Some points snapped to a 0.05° lattice, which the squares'
        // corners (and their meridian edges) lie on.
        let p = if snap {
            c((lon * 20.0).round() / 20.0, (lat * 20.0).round() / 20.0)
        } else {
            c(lon, lat)
        };
        prop_assert!(agrees(layer, idx, oracle, p).is_ok(), "{}", agrees(layer, idx, oracle, p).unwrap_err());
    }
}

/// A marked cell answers its first points by the exact test and the rest
/// from its subcells once split: many points close together take both
/// paths. Every answer against the oracle.
#[test]
fn crowded_cells_answer_the_same_before_and_after_they_are_split() {
    let d = builtin("districts");
    let idx = PolygonIndex::new(d);
    let oracle = Oracle::new(d);
    let vertices = district_vertices();
    let mut next = uniform(99);
    for k in 0..12 {
        let v = vertices[(k * 7919) % vertices.len()];
        for _ in 0..120 {
            // Within about 1 km of a vertex: the vertex's cell and those
            // around it, crowded.
            let p = c(v.x + (next() - 0.5) * 0.02, v.y + (next() - 0.5) * 0.02);
            agrees(d, &idx, &oracle, p).unwrap();
        }
        agrees(d, &idx, &oracle, v).unwrap();
    }
    let layer = overlapping_layer();
    let idx = PolygonIndex::new(&layer);
    let oracle = Oracle::new(&layer);
    for _ in 0..3000 {
        let p = c(69.0 + 2.0 * next(), 29.0 + 2.0 * next());
        let p = if next() < 0.2 {
            c((p.x * 20.0).round() / 20.0, (p.y * 20.0).round() / 20.0)
        } else {
            p
        };
        agrees(&layer, &idx, &oracle, p).unwrap();
    }
}
