//! Geodesic distance from points to the features of a layer.
//!
//! An R-tree holds the lon/lat envelope of every segment (line and polygon
//! boundary) and every point of the layer. A query looks at the segments in
//! a lon/lat box that is proven to contain every place within the search
//! radius (see [`search_box`]), ranks them by a cheap spherical distance, and
//! measures the best of them exactly on the ellipsoid
//! ([`crate::geodesy::point_segment_distance`]). A segment is skipped only when
//! its spherical distance, less a margin larger than the sphere's worst error,
//! already exceeds the best exact distance. Without a radius the search
//! starts at 20 km and grows until the nearest feature is inside it.
//!
//! rstar's own metric is never used for metres: the tree only answers "which
//! envelopes meet this box".

use crate::geodesy::{distance_m, point_segment_distance};
use crate::index::PolygonIndex;
use crate::layer::Layer;
use geo::{Coord, CoordsIter, Geometry};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Mean Earth radius used by the spherical ranking (IUGG R1), metres.
const R_MEAN: f64 = 6_371_008.8;
/// Smallest radius of curvature on WGS84 (meridional, at the equator),
/// metres: no geodesic of length `s` turns through more than `s / R_MIN`.
const R_MIN: f64 = 6_335_439.0;
/// Length of one degree of latitude at the equator (the shortest), metres.
const M_DEG_MIN: f64 = 110_574.0;
/// The spherical ranking is within 0.6% of the ellipsoidal distance; prune
/// only beyond 2% (plus 1 m) to be safe.
const PRUNE_REL: f64 = 0.02;
const PRUNE_ABS: f64 = 1.0;
/// First radius of an unbounded search, metres.
const FIRST_RADIUS_M: f64 = 20_000.0;

/// A feature found near a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index of the feature in its layer.
    pub feature: usize,
    /// Geodesic distance, metres (0 inside a polygon).
    pub distance_m: f64,
    /// The nearest point of the feature (the query point itself inside a polygon).
    pub nearest: Coord,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    feature: usize,
    a: Coord,
    b: Coord,
    ua: [f64; 3],
    ub: [f64; 3],
}

/// A prepared layer for distance queries.
pub struct DistanceIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    items: Vec<Item>,
    polygons: Option<PolygonIndex>,
    features: usize,
}

fn unit(c: Coord) -> [f64; 3] {
    let (sl, cl) = c.y.to_radians().sin_cos();
    let (so, co) = c.x.to_radians().sin_cos();
    [cl * co, cl * so, sl]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn angle(a: [f64; 3], b: [f64; 3]) -> f64 {
    let c = cross(a, b);
    dot(c, c).sqrt().atan2(dot(a, b))
}

/// Angle (radians) from `p` to the great-circle arc `a`–`b` on the unit sphere.
fn sphere_point_arc(p: [f64; 3], a: [f64; 3], b: [f64; 3]) -> f64 {
    let n = cross(a, b);
    let nn = dot(n, n).sqrt();
    if nn < 1e-15 {
        return angle(p, a).min(angle(p, b));
    }
    let n = [n[0] / nn, n[1] / nn, n[2] / nn];
    let h = dot(p, n);
    let c = [p[0] - h * n[0], p[1] - h * n[1], p[2] - h * n[2]];
    if dot(cross(a, c), n) >= 0.0 && dot(cross(c, b), n) >= 0.0 {
        h.abs().clamp(0.0, 1.0).asin()
    } else {
        angle(p, a).min(angle(p, b))
    }
}

/// A lon/lat box containing every point within `radius_m` (geodesic) of
/// `p`: latitude widened by the shortest degree of latitude, longitude by the
/// spherical bound `sin(Δλ/2) ≤ sin(σ/2) / cos φmax` with `σ` the largest
/// angle a geodesic of that length can subtend and `φmax` the box's
/// highest latitude. Both are widened 1% more for safety. The whole
/// longitude range when the box reaches a pole.
///
/// # Units
/// Degrees and metres in; degrees out (`[min_lon, min_lat]`, `[max_lon, max_lat]`).
pub fn search_box(p: Coord, radius_m: f64) -> ([f64; 2], [f64; 2]) {
    let r = radius_m * 1.01 + 1.0;
    let dlat = r / M_DEG_MIN;
    let lat_lo = (p.y - dlat).max(-90.0);
    let lat_hi = (p.y + dlat).min(90.0);
    let phi_max = lat_lo.abs().max(lat_hi.abs());
    let sigma = (r / R_MIN).min(std::f64::consts::PI);
    let cos_max = phi_max.to_radians().cos();
    let s = (sigma / 2.0).sin() / cos_max.max(1e-12);
    let dlon = if phi_max >= 89.999 || s >= 1.0 {
        360.0
    } else {
        2.0 * s.asin().to_degrees()
    };
    if dlon >= 180.0 {
        ([-180.0, lat_lo], [180.0, lat_hi])
    } else {
        ([p.x - dlon, lat_lo], [p.x + dlon, lat_hi])
    }
}

impl DistanceIndex {
    /// Index every segment and point of `layer`.
    pub fn new(layer: &Layer) -> Self {
        let mut items = Vec::new();
        let mut has_polygons = false;
        for (fi, f) in layer.features.iter().enumerate() {
            let mut push_line = |cs: &[Coord]| {
                if cs.len() == 1 {
                    items.push((fi, cs[0], cs[0]));
                }
                for w in cs.windows(2) {
                    items.push((fi, w[0], w[1]));
                }
            };
            match &f.geometry {
                Geometry::Point(p) => push_line(&[p.0]),
                Geometry::MultiPoint(m) => {
                    for p in &m.0 {
                        push_line(&[p.0]);
                    }
                }
                Geometry::LineString(l) => push_line(&l.0),
                Geometry::MultiLineString(m) => {
                    for l in &m.0 {
                        push_line(&l.0);
                    }
                }
                Geometry::Polygon(_) | Geometry::MultiPolygon(_) => {
                    has_polygons = true;
                    let polys: Vec<&geo::Polygon> = match &f.geometry {
                        Geometry::Polygon(p) => vec![p],
                        Geometry::MultiPolygon(m) => m.0.iter().collect(),
                        _ => unreachable!(),
                    };
                    for p in polys {
                        push_line(&p.exterior().0);
                        for h in p.interiors() {
                            push_line(&h.0);
                        }
                    }
                }
                other => {
                    let cs: Vec<Coord> = other.coords_iter().collect();
                    push_line(&cs);
                }
            }
        }
        let items: Vec<Item> = items
            .into_iter()
            .map(|(feature, a, b)| Item {
                feature,
                a,
                b,
                ua: unit(a),
                ub: unit(b),
            })
            .collect();
        let tree = RTree::bulk_load(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    GeomWithData::new(
                        Rectangle::from_corners([it.a.x, it.a.y], [it.b.x, it.b.y]),
                        i,
                    )
                })
                .collect(),
        );
        DistanceIndex {
            tree,
            items,
            polygons: has_polygons.then(|| PolygonIndex::new(layer)),
            features: layer.features.len(),
        }
    }

    /// Number of features in the indexed layer.
    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// The nearest feature to `p`, if one lies within `max_m` metres (or at
    /// all, when `max_m` is `None`).
    ///
    /// # Units
    /// Degrees and metres in; the hit's distance in metres.
    pub fn nearest(&self, p: Coord, max_m: Option<f64>) -> Option<Hit> {
        self.k_nearest(p, 1, max_m).into_iter().next()
    }

    /// The `k` nearest distinct features to `p`, nearest first, among those
    /// within `max_m` metres (all, when `None`). Ties keep file order.
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest(&self, p: Coord, k: usize, max_m: Option<f64>) -> Vec<Hit> {
        if k == 0 || self.items.is_empty() {
            return Vec::new();
        }
        let up = unit(p);
        let mut radius = max_m.unwrap_or(FIRST_RADIUS_M);
        loop {
            let (lo, hi) = search_box(p, radius);
            let mut cands: Vec<(f64, usize)> = self
                .tree
                .locate_in_envelope_intersecting(&AABB::from_corners(lo, hi))
                .map(|e| {
                    let it = &self.items[e.data];
                    (sphere_point_arc(up, it.ua, it.ub) * R_MEAN, e.data)
                })
                .collect();
            cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let hits = self.exact(p, &cands, k, radius);
            let done = hits.len() >= k || max_m.is_some() || radius > 2.1e7;
            if done {
                let mut hits: Vec<Hit> = hits
                    .into_iter()
                    .filter(|h| max_m.is_none_or(|m| h.distance_m <= m))
                    .collect();
                hits.truncate(k);
                return hits;
            }
            radius *= 4.0;
        }
    }

    /// Exact distances for the best features among `cands` (sorted by
    /// spherical distance); only hits within `radius` are trustworthy and
    /// returned, sorted.
    fn exact(&self, p: Coord, cands: &[(f64, usize)], k: usize, radius: f64) -> Vec<Hit> {
        // Best exact hit per feature so far.
        let mut best: Vec<Hit> = Vec::new();
        let kth = |best: &Vec<Hit>| -> f64 {
            if best.len() < k {
                f64::INFINITY
            } else {
                let mut d: Vec<f64> = best.iter().map(|h| h.distance_m).collect();
                d.sort_by(f64::total_cmp);
                d[k - 1]
            }
        };
        let mut inside_checked: Vec<usize> = Vec::new();
        for &(approx, i) in cands {
            let it = &self.items[i];
            let bound = approx * (1.0 - PRUNE_REL) - PRUNE_ABS;
            let slot = best.iter().position(|h| h.feature == it.feature);
            // Skip when this segment cannot beat the feature's best, nor the
            // k-th best overall.
            if let Some(s) = slot
                && bound > best[s].distance_m
            {
                continue;
            }
            if slot.is_none() && bound > kth(&best).min(radius) {
                break;
            }
            if slot.is_none()
                && let Some(polys) = &self.polygons
                && !inside_checked.contains(&it.feature)
            {
                inside_checked.push(it.feature);
                if polys.contains(it.feature, p) {
                    best.push(Hit {
                        feature: it.feature,
                        distance_m: 0.0,
                        nearest: p,
                    });
                    continue;
                }
            }
            let (d, at) = if it.a == it.b {
                (distance_m(p, it.a), it.a)
            } else {
                point_segment_distance(p, it.a, it.b)
            };
            match slot {
                Some(s) if d < best[s].distance_m => {
                    best[s].distance_m = d;
                    best[s].nearest = at;
                }
                Some(_) => {}
                None => best.push(Hit {
                    feature: it.feature,
                    distance_m: d,
                    nearest: at,
                }),
            }
        }
        best.retain(|h| h.distance_m <= radius);
        best.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.feature.cmp(&b.feature))
        });
        best
    }
}
