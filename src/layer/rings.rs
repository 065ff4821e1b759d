//! The rings of polygons as they are read: wound per RFC 7946 whatever the
//! file's winding, and refused, with what is wrong and where, when they
//! cannot be read as frontier's polygons (edges are geodesics; see
//! `docs/distances.md`).
//!
//! A ring is refused when it:
//! - crosses itself or another ring of its polygon (a self-crossing ring
//!   has no agreed inside: its area and what it holds would depend on the
//!   rule chosen), or is a hole outside its exterior;
//! - has a vertex at a pole, or encircles one, or spans 180° of longitude
//!   or more (its inside would be ambiguous: frontier's polygons lie
//!   within 180° of longitude, so that a ring always bounds the smaller of
//!   the two regions it divides the globe into);
//! - has an edge of 10,000 km or more (a quarter of the globe: split it),
//!   or two consecutive vertices 180° of longitude apart (which way round?).
//!
//! Longitudes are unwrapped along each ring (each taken within 180° of the
//! previous vertex's) before any of this, so a ring across the antimeridian
//! is the small ring across it.

use crate::geodesy::{WGS84_A, WGS84_F, distance_m};
use geo::algorithm::sweep::{Cross, Intersections};
use geo::{Coord, Geometry, Line, LineString, Polygon};

/// Longest edge a ring may have.
///
/// # Units
/// Metres.
pub const MAX_EDGE_M: f64 = 10_000_000.0;

/// The longitudes of `ring` unwrapped: each taken within 180° of the
/// previous vertex's, by adding or taking 360° (the coordinates are kept
/// bit for bit up to the first crossing of the antimeridian).
pub(crate) fn unwrapped(ring: &LineString) -> Vec<Coord> {
    let mut offset = 0.0;
    let mut out: Vec<Coord> = Vec::with_capacity(ring.0.len());
    let mut prev: Option<f64> = None;
    for &c in &ring.0 {
        if let Some(p) = prev {
            if c.x - p > 180.0 {
                offset -= 360.0;
            } else if c.x - p < -180.0 {
                offset += 360.0;
            }
        }
        prev = Some(c.x);
        out.push(Coord {
            x: c.x + offset,
            y: c.y,
        });
    }
    out
}

/// Twice the signed area of a ring in the plane of (unwrapped) longitude
/// and latitude: positive counter-clockwise.
fn signed_area2(ring: &[Coord]) -> f64 {
    ring.windows(2)
        .map(|w| (w[0].x - w[1].x) * (w[0].y + w[1].y))
        .sum::<f64>()
}

/// What is wrong with one ring, if anything: `role` names it in the
/// message.
fn ring_problem(ring: &[Coord], role: &str) -> Option<String> {
    if let Some(c) = ring.iter().find(|c| c.y.abs() == 90.0) {
        return Some(format!(
            "{role} has a vertex at a pole ({}, {}): polygons around or on a pole are not supported",
            c.x, c.y
        ));
    }
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (b.x - a.x).abs() == 180.0 {
            return Some(format!(
                "{role} has an edge between vertices 180° of longitude apart ({}, {}) to ({}, {}): add a vertex between them to say which way it goes",
                a.x, a.y, b.x, b.y
            ));
        }
        // The straight line in longitude/latitude is at most this long, and
        // no shorter than the geodesic.
        let rough =
            WGS84_A / (1.0 - WGS84_F) * (b.x - a.x).to_radians().hypot((b.y - a.y).to_radians());
        if rough >= MAX_EDGE_M && distance_m(a, b) >= MAX_EDGE_M {
            return Some(format!(
                "{role} has an edge of {:.0} km from ({}, {}) to ({}, {}): edges must be shorter than {:.0} km; add vertices along it",
                distance_m(a, b) / 1000.0,
                a.x,
                a.y,
                b.x,
                b.y,
                MAX_EDGE_M / 1000.0
            ));
        }
    }
    let (first, last) = (ring.first()?, ring.last()?);
    if last.x != first.x {
        return Some(format!(
            "{role} goes all the way round the globe, around a pole: polygons around a pole are not supported"
        ));
    }
    let (lo, hi) = ring
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c.x), hi.max(c.x))
        });
    if hi - lo >= 180.0 {
        return Some(format!(
            "{role} spans {:.1}° of longitude: polygons must lie within 180° of longitude (split it)",
            hi - lo
        ));
    }
    None
}

/// An edge of a polygon in its frame, for the crossing search.
#[derive(Clone)]
struct Edge {
    line: Line,
    ring: usize,
    index: usize,
}

impl Cross for Edge {
    type Scalar = f64;
    fn line(&self) -> Line {
        self.line
    }
}

/// Where two rings (or a ring and itself) of a polygon cross, if they do:
/// a proper crossing of two edges, in the frame of the rings. Touching at a
/// vertex, or running along each other, is not crossing.
fn crossing(rings: &[Vec<Coord>]) -> Option<(usize, usize, Coord)> {
    let edges = rings.iter().enumerate().flat_map(|(ring, r)| {
        r.windows(2).enumerate().map(move |(index, w)| Edge {
            line: Line::new(w[0], w[1]),
            ring,
            index,
        })
    });
    Intersections::from_iter(edges).find_map(|(a, b, x)| match x {
        geo::LineIntersection::SinglePoint {
            intersection,
            is_proper: true,
        } if !(a.ring == b.ring && a.index.abs_diff(b.index) == 1) => {
            Some((a.ring, b.ring, intersection))
        }
        _ => None,
    })
}

/// `p` with its rings checked, wound per RFC 7946 (exterior
/// counter-clockwise, holes clockwise, judged in the ring's unwrapped
/// frame), and the coordinates kept as they were. `polygon` names it in
/// messages (empty for a lone Polygon).
fn normalised(p: Polygon, polygon: &str) -> Result<Polygon, String> {
    let (exterior, interiors) = p.into_inner();
    let mut rings: Vec<LineString> = std::iter::once(exterior).chain(interiors).collect();
    // The rings in their frames, kept for the crossing search.
    let mut frames: Vec<Vec<Coord>> = Vec::new();
    let mut middle = 0.0;
    for (k, ring) in rings.iter_mut().enumerate() {
        let mut frame = unwrapped(ring);
        let role = || {
            if k == 0 {
                format!("the exterior ring{polygon}")
            } else {
                format!("hole {k}{polygon}")
            }
        };
        if let Some(problem) = ring_problem(&frame, &role()) {
            return Err(problem);
        }
        // Holes in the exterior's frame, for the crossing search.
        if k == 0 {
            let (lo, hi) = frame
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                    (lo.min(c.x), hi.max(c.x))
                });
            middle = (lo + hi) / 2.0;
        } else if let Some(first) = frame.first() {
            let by = 360.0 * ((middle - first.x) / 360.0).round();
            if by != 0.0 {
                frame.iter_mut().for_each(|c| c.x += by);
            }
        }
        let ccw = signed_area2(&frame) > 0.0;
        frames.push(frame);
        if ccw != (k == 0) {
            ring.0.reverse();
        }
    }
    if let Some((r1, r2, at)) = crossing(&frames) {
        let name = |r: usize| {
            if r == 0 {
                "the exterior ring".to_string()
            } else {
                format!("hole {r}")
            }
        };
        let what = if r1 == r2 {
            format!("{} crosses itself", name(r1))
        } else {
            format!("{} and {} cross", name(r1.min(r2)), name(r1.max(r2)))
        };
        return Err(format!(
            "{what}{polygon} near ({:.7}, {:.7}): a self-crossing polygon has no agreed inside; repair it (e.g. QGIS's Fix Geometries, or ST_MakeValid) and read it again",
            at.x, at.y
        ));
    }
    if frames.len() > 1 {
        use geo::Intersects;
        // With no crossings, a hole is inside its exterior when one of its
        // vertices is.
        let exterior = Polygon::new(LineString(frames[0].clone()), vec![]);
        if let Some(k) = (1..frames.len()).find(|&k| !exterior.intersects(&frames[k][0])) {
            return Err(format!(
                "hole {k}{polygon} lies outside the exterior ring: a hole must be inside it"
            ));
        }
    }
    let mut rings = rings.into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
    Ok(Polygon::new(exterior, rings.collect()))
}

/// `g` with its polygons' rings checked and wound per RFC 7946 (see the
/// module docs); other geometries as they are. The message says what is
/// wrong and where in the geometry.
pub(super) fn normalise(g: Geometry) -> Result<Geometry, String> {
    Ok(match g {
        Geometry::Polygon(p) => Geometry::Polygon(normalised(p, "")?),
        Geometry::MultiPolygon(m) => Geometry::MultiPolygon(geo::MultiPolygon(
            m.0.into_iter()
                .enumerate()
                .map(|(i, p)| normalised(p, &format!(" of polygon {}", i + 1)))
                .collect::<Result<_, _>>()?,
        )),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn clockwise_rings_are_rewound_and_keep_their_coordinates() {
        let cw = polygon![(x: 60.0, y: 30.0), (x: 60.0, y: 34.0), (x: 64.0, y: 34.0), (x: 64.0, y: 30.0)];
        let Geometry::Polygon(p) = normalise(cw.clone().into()).unwrap() else {
            panic!()
        };
        let mut back = p.exterior().0.clone();
        back.reverse();
        assert_eq!(back, cw.exterior().0);
    }

    #[test]
    fn a_bow_tie_is_refused_with_where_it_crosses() {
        let bow = polygon![(x: 60.0, y: 30.0), (x: 62.0, y: 32.0), (x: 62.0, y: 30.0), (x: 60.0, y: 32.0)];
        let e = normalise(bow.into()).unwrap_err();
        assert!(
            e.contains("crosses itself") && e.contains("(61.0000000, 31.0000000)"),
            "{e}"
        );
    }

    #[test]
    fn a_hole_outside_its_exterior_is_refused() {
        let p = Polygon::new(
            LineString::from(vec![(60.0, 30.0), (61.0, 30.0), (61.0, 31.0), (60.0, 30.0)]),
            vec![LineString::from(vec![
                (62.0, 30.0),
                (63.0, 30.0),
                (63.0, 31.0),
                (62.0, 30.0),
            ])],
        );
        let e = normalise(p.into()).unwrap_err();
        assert!(e.contains("hole 1 lies outside"), "{e}");
    }

    #[test]
    fn rings_around_a_pole_or_too_wide_are_refused() {
        let cap = polygon![(x: 0.0, y: 80.0), (x: 120.0, y: 80.0), (x: -120.0, y: 80.0)];
        let e = normalise(cap.into()).unwrap_err();
        assert!(e.contains("around a pole"), "{e}");
        let wide = polygon![
            (x: -100.0, y: 0.0), (x: -50.0, y: 1.0), (x: 0.0, y: 1.0), (x: 50.0, y: 1.0),
            (x: 100.0, y: 0.0), (x: 50.0, y: -1.0), (x: 0.0, y: -1.0), (x: -50.0, y: -1.0)
        ];
        let e = normalise(wide.into()).unwrap_err();
        assert!(e.contains("spans 200.0°"), "{e}");
    }

    /// A ring across the antimeridian is read in its unwrapped frame: its
    /// winding is judged there (this one is counter-clockwise) and it is
    /// no crossing of itself.
    #[test]
    fn a_ring_across_the_antimeridian_is_the_small_one() {
        let ring = polygon![(x: 170.0, y: 10.0), (x: -170.0, y: 10.0), (x: -170.0, y: 20.0), (x: 170.0, y: 20.0)];
        let Geometry::Polygon(p) = normalise(ring.clone().into()).unwrap() else {
            panic!()
        };
        assert_eq!(p, ring);
    }
}
