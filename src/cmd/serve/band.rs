//! The distance band's area: the points within a geodesic distance of the
//! Durand Line, as a polygon the page draws (its outline and a light
//! fill), so the band the points are counted in is seen on the map.
//!
//! The area within `d` of a line is the union of the discs of radius `d`
//! about its points. Its edge is made on the ellipsoid, as offsetting
//! libraries make it on the plane: the points `d` to either side of every
//! segment at right angles to its geodesic, and arcs of radius `d` about
//! the vertices where the line turns away from that side and about its
//! ends, each point found by the direct geodesic problem (Karney 2013).
//! That curve, taken round the line, winds round the band's points and
//! loops where the line turns towards a side; the points it winds round
//! a positive number of times are the band (found in longitude and
//! latitude, where every edge is short: segments are cut to at most
//! 10 km first). The line is first thinned geodesically: a vertex is left
//! out only when the thinned line stays within a tolerance of it, which
//! moves the band's edge by at most that much.
//!
//! The outline's points are at the geodesic distance `d` from the line
//! to within [`Band::tolerance_m`], a 200th of `d` (tests/serve.rs
//! measures them with `frontier near`). The points are counted and
//! highlighted by their own exact distances, not by this outline.

use super::app::App;
use super::query::{ApiError, Query};
use frontier::Catalogue;
use frontier::geodesy::{Segment, geodesic_cuts, wgs84};
use geo::algorithm::bool_ops::{BooleanOps, FillRule, OpType};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use geographiclib_rs::DirectGeodesic;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The widest band drawn, km: wider, a disc about the line's points
/// would no longer be small beside the Earth (the count is still given).
pub const MAX_DRAWN_KM: f64 = 1000.0;

/// Segments are cut into pieces of at most this length before their
/// sides are offset, so an edge between two offset points stays short.
const PIECE_M: f64 = 10_000.0;

/// A band's area and how near its edge is to the exact one.
pub struct Band {
    /// The area within the distance.
    pub area: MultiPolygon,
    /// The outline's points are within this of the distance, metres.
    pub tolerance_m: f64,
}

/// The band within `d_m` metres of the lines `lines` (a layer's line
/// strings).
///
/// # Units
/// Degrees and metres in; degrees out.
pub fn band(lines: &[Thinnable], d_m: f64) -> Band {
    let step = step_m(d_m);
    let mut area = MultiPolygon::new(vec![]);
    for line in lines {
        let kept = line.thinned(step);
        if d_m <= 0.0 || kept.is_empty() {
            continue;
        }
        let mut pts: Vec<Coord> = Vec::with_capacity(kept.len());
        for w in kept.windows(2) {
            let cuts = geodesic_cuts(w[0], w[1], PIECE_M);
            pts.extend_from_slice(&cuts[..cuts.len() - 1]);
        }
        pts.extend(kept.last().copied());
        pts.dedup();
        let ring = LineString::new(around(&pts, d_m, step));
        let one = Polygon::new(ring, vec![]);
        area = area.union(&MultiPolygon::new(vec![one]).boolean_op_with_fill_rule(
            &MultiPolygon::<f64>::new(vec![]),
            OpType::Union,
            FillRule::Positive,
        ));
    }
    Band {
        area,
        tolerance_m: 2.0 * step,
    }
}

/// The curve `d_m` to the right of the path `pts` there and back (out
/// along its right side, round its far end, back along its left side and
/// round its start), counter-clockwise round the path: at a turn away from
/// the side an arc about the vertex, at a turn towards it the vertex itself
/// (so the loops the sides make there wind the same way as the rest). The
/// points wound round a positive number of times are the band (the raw
/// offset curve of Clipper's offsetting, Johnson 2010–2024).
fn around(pts: &[Coord], d_m: f64, step_m: f64) -> Vec<Coord> {
    // The path there and back: a → … → b → … → a.
    let path: Vec<Coord> = pts
        .iter()
        .chain(pts.iter().rev().skip(1))
        .copied()
        .collect();
    // A single point: the path is a U-turn on the spot.
    if path.len() == 1 {
        return disc(path[0], d_m, step_m);
    }
    // Each segment's azimuths at its start and end.
    let azis: Vec<(f64, f64)> = path
        .windows(2)
        .map(|w| {
            let (_s12, a1, a2, _a12): (f64, f64, f64, f64) =
                geographiclib_rs::InverseGeodesic::inverse(wgs84(), w[0].y, w[0].x, w[1].y, w[1].x);
            (a1, a2)
        })
        .collect();
    // Points of a full circle (so an arc's chords cut in at most step_m).
    let theta = (1.0 - (step_m / d_m).min(1.0)).acos();
    let per_degree = (std::f64::consts::PI / theta).ceil().clamp(12.0, 720.0) / 360.0;
    let n = azis.len();
    let mut out = Vec::new();
    for i in 0..n {
        let (a1, a2) = azis[i];
        out.push(reach(path[i], a1 + 90.0, d_m));
        out.push(reach(path[i + 1], a2 + 90.0, d_m));
        // The join at the segment's end with the next (the path closes on
        // itself at `a`).
        let next = azis[(i + 1) % n].0;
        let mut turn = (next - a2).rem_euclid(360.0);
        if turn > 180.0 {
            turn -= 360.0;
        }
        // A U-turn (the path's two ends) is rounded like a left turn.
        if turn >= 180.0 - 1e-9 {
            turn = -180.0;
        }
        let v = path[(i + 1) % n];
        if turn < 0.0 {
            let k = (turn.abs() * per_degree).ceil() as usize;
            for j in 1..k {
                out.push(reach(v, a2 + 90.0 + turn * j as f64 / k as f64, d_m));
            }
        } else if turn > 0.0 {
            out.push(v);
        }
    }
    out
}

/// How far the thinning may move the line, and the arcs' chords cut in
/// between their points, for a band of `d_m` metres: a 400th of the
/// distance, at least 5 m (the outline is then within a 200th of the
/// distance of the exact one: 250 m for 50 km, under a pixel wherever
/// the map shows the band whole).
///
/// # Units
/// Metres in, metres out.
fn step_m(d_m: f64) -> f64 {
    (d_m / 400.0).max(5.0)
}

/// A line ready to be thinned at any tolerance: for each vertex, the
/// largest tolerance at which Douglas–Peucker, measured on the ellipsoid,
/// keeps it (the split is worked out once for every tolerance).
pub struct Thinnable {
    pts: Vec<Coord>,
    /// Keep vertex `i` for tolerances under this, metres.
    keep_below: Vec<f64>,
}

impl Thinnable {
    /// The splits of `line`.
    pub fn new(line: &[Coord]) -> Thinnable {
        let n = line.len();
        let mut keep_below = vec![0.0; n];
        if n > 0 {
            keep_below[0] = f64::INFINITY;
            keep_below[n - 1] = f64::INFINITY;
        }
        // A span's vertices are split at the one farthest from its chord;
        // the split survives a tolerance under its distance, and under
        // every distance of the splits above it.
        let mut stack = vec![(0usize, n.saturating_sub(1), f64::INFINITY)];
        while let Some((a, b, above)) = stack.pop() {
            if b <= a + 1 {
                continue;
            }
            let s = Segment::new(line[a], line[b]);
            let (far, far_m) = (a + 1..b)
                .map(|i| (i, s.distance(line[i]).0))
                .fold((a + 1, -1.0), |x, y| if y.1 > x.1 { y } else { x });
            let k = far_m.min(above);
            keep_below[far] = k;
            stack.push((a, far, k));
            stack.push((far, b, k));
        }
        Thinnable {
            pts: line.to_vec(),
            keep_below,
        }
    }

    /// The vertices kept so that the line through them passes within
    /// `tol_m` (geodesic) of every vertex left out.
    ///
    /// # Units
    /// Metres in.
    pub fn thinned(&self, tol_m: f64) -> Vec<Coord> {
        self.pts
            .iter()
            .zip(&self.keep_below)
            .filter(|(_, k)| **k > tol_m)
            .map(|(c, _)| *c)
            .collect()
    }
}

/// The point `d_m` from `c` along azimuth `azi` (degrees).
fn reach(c: Coord, azi: f64, d_m: f64) -> Coord {
    let (lat, lon): (f64, f64) = wgs84().direct(c.y, c.x, azi, d_m);
    Coord { x: lon, y: lat }
}

/// The circle of geodesic radius `d_m` about `c`, counter-clockwise, with
/// enough points that its chords cut in by at most `step_m`.
fn disc(c: Coord, d_m: f64, step_m: f64) -> Vec<Coord> {
    // A chord of a circle of radius d subtending 2θ cuts in d(1 − cos θ).
    let theta = (1.0 - (step_m / d_m).min(1.0)).acos();
    let n = ((std::f64::consts::PI / theta).ceil() as usize).clamp(12, 720);
    (0..n)
        .map(|i| reach(c, -360.0 * i as f64 / n as f64, d_m))
        .collect()
}

/// `/api/band?within=D`: the area within `D` (`50km`, `20mi`, a bare
/// number in km) of the Durand Line, as GeoJSON, for the page to draw the
/// band its points are counted in (made once per distance).
pub fn endpoint(app: &App, q: &Query) -> Result<std::sync::Arc<Value>, ApiError> {
    let d_m = q
        .distance("within")?
        .ok_or_else(|| ApiError::bad("within is missing"))?;
    q.finish()?;
    if d_m > MAX_DRAWN_KM * 1000.0 {
        return Err(ApiError::bad(format!(
            "within={}: the band's area is drawn up to {MAX_DRAWN_KM} km",
            q.get("within")?.unwrap_or_default()
        )));
    }
    app.band(d_m, || {
        Ok(geojson(&band(durand()?, d_m), d_m, "durand-line"))
    })
}

/// The Durand Line ready to be thinned (its splits worked out on first
/// use, a second or two).
fn durand() -> Result<&'static [Thinnable], ApiError> {
    static DURAND: OnceLock<Vec<Thinnable>> = OnceLock::new();
    let layer = Catalogue::shared("durand-line")?;
    Ok(DURAND.get_or_init(|| {
        layer
            .features
            .iter()
            .flat_map(|f| match &f.geometry {
                geo::Geometry::LineString(l) => vec![Thinnable::new(&l.0)],
                geo::Geometry::MultiLineString(m) => {
                    m.0.iter().map(|l| Thinnable::new(&l.0)).collect()
                }
                _ => vec![],
            })
            .collect()
    }))
}

/// Work out what every band needs (made while the server answers, so the
/// first band asked for comes sooner).
pub fn prepare() {
    let _ = durand();
}

/// The band as GeoJSON: a feature collection with one multipolygon (none
/// for a band of 0), coordinates to 1e-6 degree (under 0.12 m).
pub fn geojson(b: &Band, d_m: f64, target: &str) -> Value {
    let round = |c: &Coord| json!([(c.x * 1e6).round() / 1e6, (c.y * 1e6).round() / 1e6]);
    let ring = |r: &LineString| Value::Array(r.0.iter().map(round).collect());
    let polys: Vec<Value> = b
        .area
        .0
        .iter()
        .map(|p| {
            let mut rings = vec![ring(p.exterior())];
            rings.extend(p.interiors().iter().map(ring));
            Value::Array(rings)
        })
        .collect();
    let features = if polys.is_empty() {
        vec![]
    } else {
        vec![json!({
            "type": "Feature",
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
            "properties": {
                "target": target,
                "within_m": d_m,
                "within_km": d_m / 1000.0,
                "tolerance_m": b.tolerance_m,
            },
        })]
    };
    json!({"type": "FeatureCollection", "features": features})
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontier::geodesy::distance_m;

    #[test]
    fn a_segments_band_is_its_points_within_the_distance() {
        // A 100 km segment: points 20 km away at right angles to its middle
        // and beyond its ends lie on the outline; nearer ones inside.
        let (a, b) = (Coord { x: 70.0, y: 33.0 }, Coord { x: 71.0, y: 33.3 });
        let d = 20_000.0;
        let band = band(&[Thinnable::new(&[a, b])], d);
        assert_eq!(band.area.0.len(), 1);
        let seg = Segment::new(a, b);
        for p in band.area.0[0].exterior().0.iter() {
            let got = seg.distance(*p).0;
            assert!((got - d).abs() <= band.tolerance_m, "{p:?}: {got} m");
        }
        use geo::Contains;
        let inside = reach(a, 0.0, d - 100.0);
        let outside = reach(a, 180.0, d + 100.0);
        assert!(band.area.contains(&geo::Point(inside)));
        assert!(!band.area.contains(&geo::Point(outside)));
        assert!(distance_m(inside, a) < d);
    }

    #[test]
    fn a_winding_lines_band_holds_exactly_the_points_within() {
        // A line turning back and forth more tightly than the distance (as
        // the Durand Line does): every point of a grid over it is inside
        // the band when its geodesic distance to the line is under the
        // distance, outside when over (beyond the tolerance either way).
        let line: Vec<Coord> = (0..120)
            .map(|i| {
                let t = i as f64 * 0.05;
                Coord {
                    x: 69.0 + 0.4 * t.cos() + 0.02 * t * t,
                    y: 32.0 + 0.3 * (1.7 * t).sin(),
                }
            })
            .collect();
        let line = LineString::new(line);
        use geo::Contains;
        for d in [3_000.0, 25_000.0, 80_000.0] {
            let b = band(&[Thinnable::new(&line.0)], d);
            let (mut inside, mut outside) = (0, 0);
            for i in 0..60 {
                for j in 0..60 {
                    let p = Coord {
                        x: 67.5 + i as f64 * 0.075,
                        y: 30.8 + j as f64 * 0.045,
                    };
                    let (m, _) = frontier::geodesy::point_line_distance(p, &line);
                    let shown = b.area.contains(&geo::Point(p));
                    if m < d - b.tolerance_m {
                        assert!(shown, "d={d}: {p:?} is {m} m away but outside");
                        inside += 1;
                    } else if m > d + b.tolerance_m {
                        assert!(!shown, "d={d}: {p:?} is {m} m away but inside");
                        outside += 1;
                    }
                }
            }
            assert!(inside > 20 && outside > 20, "d={d}: {inside} {outside}");
            for poly in &b.area.0 {
                for r in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for p in &r.0 {
                        let (m, _) = frontier::geodesy::point_line_distance(*p, &line);
                        assert!((m - d).abs() <= b.tolerance_m, "d={d}: {p:?} {m}");
                    }
                }
            }
        }
    }

    #[test]
    fn thinning_keeps_every_vertex_near() {
        let line: Vec<Coord> = (0..200)
            .map(|i| Coord {
                x: 69.0 + i as f64 * 0.01,
                y: 32.0 + 0.02 * (i as f64 * 0.3).sin(),
            })
            .collect();
        let t = Thinnable::new(&line);
        for tol in [0.0, 5.0, 50.0, 400.0] {
            let kept = t.thinned(tol);
            assert!(kept.len() < line.len() || tol == 0.0);
            assert_eq!((kept[0], *kept.last().unwrap()), (line[0], line[199]));
            let thinned = LineString::new(kept);
            for p in &line {
                let (m, _) = frontier::geodesy::point_line_distance(*p, &thinned);
                assert!(m <= tol + 1e-6, "{tol}: {p:?} is {m} m away");
            }
        }
        assert_eq!(t.thinned(0.0).len(), 200);
    }
}
