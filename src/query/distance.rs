//! Geodesic distance from points to the features of a layer.
//!
//! Every segment (line or polygon boundary) and every point of the layer is
//! cut into pieces of at most 20 km and put in an R-tree in three
//! dimensions: its ends as unit vectors on a sphere, its box widened by the
//! arc's bulge so that the box holds the whole great-circle arc. A box is
//! never farther from a query than the arc it holds, so a branch-and-bound
//! walk that skips boxes beyond the current reach skips nothing that could
//! be nearer. There is no longitude/latitude box to widen: the 3-D search
//! has no trouble with latitude, poles or the antimeridian.
//!
//! Two ways of measuring, chosen per query point:
//!
//! - **Near a layer of regional extent** (within 8° of its box, which is at
//!   most 24° × 18° and within 62° of the equator): on Gauss's conformal
//!   sphere fitted to the layer (the private `conformal` module). A piece's lower bound is its sphere distance
//!   over the largest scale factor its path can meet (a proven bound, see
//!   that module); its distance is the ellipsoidal length of the path from
//!   the point to the foot of the perpendicular on the sphere (R∫dσ/k
//!   along it), which agrees with GeographicLib's
//!   inverse problem to about a millimetre (measured in that module's
//!   tests, and against brute force over GeographicLib in
//!   tests/query.rs). About five pieces are looked at per query.
//! - **Anywhere else**: on the sphere of geodetic latitudes, with a 1%
//!   margin for its error, each candidate measured exactly by GeographicLib
//!   ([`crate::geodesy::Segment::distance`]).
//!
//! Geodesic metres never enter the tree: it only orders candidates by chord.

use super::clearance::Clearance;
use super::conformal::ConformalSphere;
use super::sphere::*;
use crate::geodesy::{Segment, distance_m, geodesic_cuts};
use crate::index::PolygonIndex;
use crate::layer::Layer;
use geo::{Coord, CoordsIter, Geometry};
use rstar::RTree;

/// Mean Earth radius used by the spherical ranking (IUGG R1), metres.
pub(super) const R_MEAN: f64 = 6_371_008.8;
/// Spherical distances (geodetic latitude on a sphere of the mean radius)
/// are within about 0.6% of ellipsoidal ones; prune only beyond 1% (plus
/// 1 m) to be safe. The brute-force tests in tests/query.rs hold it to that.
const PRUNE_REL: f64 = 0.01;
const PRUNE_ABS: f64 = 1.0;
/// Longest piece of a segment in the tree. The great-circle arc between a
/// piece's ends (taken as points on the sphere) strays from the ellipsoid's
/// geodesic by about e²·L²/(8R) at most, under 0.1 m for 20 km, well
/// inside the pruning margin; segments of user layers thousands of km long
/// would otherwise stray by tens of km.
const PIECE_M: f64 = 20_000.0;

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

#[derive(Debug)]
struct Item {
    feature: usize,
    a: Coord,
    b: Coord,
    ua: [f64; 3],
    ub: [f64; 3],
    /// The geodesic a–b with its length and azimuths, worked out the first
    /// time a query measures it (most pieces never are).
    segment: std::sync::OnceLock<Segment>,
}

/// The pieces on a conformal sphere fitted to them, when they are of
/// regional extent (see [`ConformalSphere::fitted`]).
fn conformal_tree(items: &[Item], bbox: [f64; 4]) -> Option<Conformal> {
    if items.is_empty() {
        return None;
    }
    let cs = ConformalSphere::fitted(bbox, PIECE_M)?;
    // Consecutive pieces share a vertex: its image is worked out once.
    let mut last: Option<(Coord, [f64; 3])> = None;
    let mut image = |c: Coord| match last {
        Some((at, u)) if at == c => u,
        _ => {
            let u = cs.unit(c);
            last = Some((c, u));
            u
        }
    };
    let tree = RTree::bulk_load(
        items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let ua = image(it.a);
                seg3(i, ua, image(it.b))
            })
            .collect(),
    );
    let points = (items.len() <= FEW_POINTS && items.iter().all(|it| it.a == it.b)).then(|| {
        items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let u = cs.unit(it.a);
                seg3(i, u, u)
            })
            .collect()
    });
    Some(Conformal {
        cs,
        tree,
        by_feature: std::sync::OnceLock::new(),
        points,
    })
}

/// A prepared layer for distance queries.
pub struct DistanceIndex {
    /// The pieces on the sphere of geodetic latitudes, for points the
    /// conformal sphere does not hold for; built on first need.
    tree: std::sync::OnceLock<RTree<Seg3>>,
    items: Vec<Item>,
    polygons: Option<PolygonIndex>,
    /// For a layer of regional extent: the same pieces on a conformal
    /// sphere fitted to it, ranked with a bound ~1,000 times tighter, for
    /// the points it holds for.
    conformal: Option<Conformal>,
    /// Lower bounds of the distance by cell, to send points far beyond a
    /// search radius away at once: the layer's box, and the grid made on
    /// the first radius search.
    bbox: [f64; 4],
    clearance: std::sync::OnceLock<Option<Clearance>>,
    /// Features in the layer, and how many of them have something to
    /// measure (a point or a segment).
    features: usize,
    measurable: usize,
}

/// A layer's pieces on its conformal sphere.
struct Conformal {
    cs: ConformalSphere,
    tree: RTree<Seg3>,
    /// One tree per feature, for k-nearest queries on layers of a few
    /// features (so that the pieces of nearer features are not walked one
    /// by one while the k-th is sought); built on first need.
    by_feature: std::sync::OnceLock<Vec<RTree<Seg3>>>,
    /// When the layer is at most [`FEW_POINTS`] points (border crossings,
    /// say): their images, measured in order of their chord without a
    /// tree.
    points: Option<Vec<Seg3>>,
}

/// Point layers of at most this many points are searched without a tree.
const FEW_POINTS: usize = 16;

/// Layers of at most this many features answer k-nearest queries (k > 1)
/// feature by feature.
const FEW_FEATURES: usize = 64;

/// What a walk searches: a tree of pieces, or a few points.
#[derive(Clone, Copy)]
enum Pieces<'a> {
    Tree(&'a RTree<Seg3>),
    Points(&'a [Seg3]),
}

/// Where a candidate's nearest point is, before it is measured.
#[derive(Clone, Copy)]
enum Foot {
    /// The query point is inside (or on) a polygon of the feature.
    Inside,
    /// A vertex of the layer (exact coordinates).
    Vertex(Coord),
    /// Inside a piece: a point of the great-circle arc between the images
    /// of the piece's ends on the conformal sphere.
    Sphere([f64; 3]),
}

/// The best candidate of a feature so far: its estimated distance (metres,
/// see [`ConformalSphere::length`]) and where its nearest point is.
#[derive(Clone, Copy)]
struct Candidate {
    feature: usize,
    estimate: f64,
    foot: Foot,
}

/// A hit or a candidate: kept per feature, then ranked.
trait Ranked {
    /// Its distance (metres) and feature.
    fn key(&self) -> (f64, usize);
}

impl Ranked for Hit {
    fn key(&self) -> (f64, usize) {
        (self.distance_m, self.feature)
    }
}

impl Ranked for Candidate {
    fn key(&self) -> (f64, usize) {
        (self.estimate, self.feature)
    }
}

/// Keep `c` as its feature's best (its place in `best` is `slot`, if it
/// has one); false when the feature already has one at least as near.
fn keep_best<T: Ranked>(best: &mut Vec<T>, slot: Option<usize>, c: T) -> bool {
    match slot {
        Some(s) if c.key().0 < best[s].key().0 => {
            best[s] = c;
            true
        }
        Some(_) => false,
        None => {
            best.push(c);
            true
        }
    }
}

/// Keep the hits (or candidates) within `limit` metres, nearest first
/// (ties in feature order), at most `k` of them.
fn rank<T: Ranked>(hits: &mut Vec<T>, limit: f64, k: usize) {
    hits.retain(|h| h.key().0 <= limit);
    hits.sort_by(|a, b| {
        let (a, b) = (a.key(), b.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    });
    hits.truncate(k);
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
                    // A long segment goes in as pieces of its geodesic, so
                    // that the great-circle arc ranking each piece stays
                    // within the pruning margin of the geodesic itself.
                    if angle(unit(w[0]), unit(w[1])) * R_MEAN > 0.9 * PIECE_M {
                        for p in geodesic_cuts(w[0], w[1], PIECE_M).windows(2) {
                            items.push((fi, p[0], p[1]));
                        }
                    } else {
                        items.push((fi, w[0], w[1]));
                    }
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
                segment: std::sync::OnceLock::new(),
            })
            .collect();
        // The pieces' box: min lon, min lat, max lon, max lat.
        let bbox = items.iter().flat_map(|it| [it.a, it.b]).fold(
            [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
            |[x0, y0, x1, y1], c| [x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y)],
        );
        let conformal = conformal_tree(&items, bbox);
        let mut seen = vec![false; layer.features.len()];
        for it in &items {
            seen[it.feature] = true;
        }
        let measurable = seen.iter().filter(|&&s| s).count();
        DistanceIndex {
            bbox,
            clearance: std::sync::OnceLock::new(),
            tree: std::sync::OnceLock::new(),
            items,
            polygons: has_polygons.then(|| PolygonIndex::new(layer)),
            conformal,
            features: layer.features.len(),
            measurable,
        }
    }

    /// [`DistanceIndex::new`] with what queries would otherwise build on
    /// first need built now.
    pub fn prepared(layer: &Layer) -> Self {
        let index = DistanceIndex::new(layer);
        index.geodetic_tree();
        index
    }

    /// The index of the layer's polygons (which one holds a point), when
    /// it has any.
    pub fn polygons(&self) -> Option<&PolygonIndex> {
        self.polygons.as_ref()
    }

    /// The pieces on the sphere of geodetic latitudes.
    fn geodetic_tree(&self) -> &RTree<Seg3> {
        self.tree.get_or_init(|| {
            RTree::bulk_load(
                self.items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| seg3(i, it.ua, it.ub))
                    .collect(),
            )
        })
    }

    /// The nearest feature to `p`, if one lies within `max_m` metres (or at
    /// all, when `max_m` is `None`).
    ///
    /// # Units
    /// Degrees and metres in; the hit's distance in metres.
    pub fn nearest(&self, p: Coord, max_m: Option<f64>) -> Option<Hit> {
        self.k_nearest(p, 1, max_m).into_iter().next()
    }

    /// The feature [`DistanceIndex::nearest`] gives within `max_m` metres
    /// of `p`, for when the feature is all that is wanted: measured exactly
    /// only when the spherical bounds cannot tell. Meant for points already
    /// known to be near the layer (a far point is sent away faster by
    /// [`DistanceIndex::nearest`]'s grid of lower bounds).
    ///
    /// Why the bounds settle it: on the sphere of geodetic latitudes (mean
    /// radius R) a path's length is its ellipsoidal one times a factor
    /// between M_min/R and N_max/R (0.9943 to 1.0045: the ellipsoid's
    /// smallest and largest radii of curvature), so the distances differ by
    /// under 0.6%; and a piece's great-circle arc strays from its geodesic
    /// by under 0.1 m. So the ellipsoidal distance to a piece is within 1%
    /// plus 1 m of the spherical one, both ways (the margin the ranking
    /// already prunes with). When every piece whose lower bound is within
    /// `max_m` belongs to one feature, that feature is the answer if one
    /// upper bound is within `max_m`; no feature is, if no lower bound is.
    ///
    /// # Units
    /// Degrees and metres in.
    pub fn nearest_feature(&self, p: Coord, max_m: f64) -> Option<usize> {
        let exact = || self.nearest(p, Some(max_m)).map(|h| h.feature);
        let inside = self.polygons.as_ref().and_then(|polys| polys.locate(p));
        let conformal = self.conformal.as_ref().is_some_and(|c| c.cs.holds_for(p));
        if inside.is_some() || conformal || !max_m.is_finite() {
            return inside.or_else(exact);
        }
        let tree = self.geodetic_tree();
        let up = unit(p);
        if nothing_within(tree, up, ((max_m + PRUNE_ABS) / (1.0 - PRUNE_REL)) / R_MEAN) {
            return None;
        }
        let (mut feature, mut upper) = (None, f64::INFINITY);
        for (seg, d2) in tree.nearest_neighbor_iter_with_distance_2(&up) {
            let sphere = chord2_to_m(d2);
            if sphere * (1.0 - PRUNE_REL) - PRUNE_ABS > max_m {
                break;
            }
            let f = self.items[seg.item].feature;
            if feature.is_some_and(|g| g != f) {
                return exact(); // two features within reach
            }
            feature = Some(f);
            upper = upper.min(sphere * (1.0 + PRUNE_REL) + PRUNE_ABS);
        }
        if upper <= max_m {
            feature
        } else {
            feature.and_then(|_| exact())
        }
    }

    /// [`DistanceIndex::k_nearest`] for every point of `points` (e.g. a
    /// [`crate::ingest::Batch::coords`]), on every core, in order.
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest_all(&self, points: &[Coord], k: usize, max_m: Option<f64>) -> Vec<Vec<Hit>> {
        use rayon::prelude::*;
        points
            .par_iter()
            .with_min_len(256)
            .map(|&p| self.k_nearest(p, k, max_m))
            .collect()
    }

    /// The `k` nearest distinct features to `p`, nearest first, among those
    /// within `max_m` metres (all, when `None`). Ties keep file order.
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest(&self, p: Coord, k: usize, max_m: Option<f64>) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.k_nearest_into(p, k, max_m, &mut hits);
        hits
    }

    /// [`Self::k_nearest`] into `out` (cleared first), so that a caller
    /// answering many points can keep one buffer instead of allocating one
    /// per point.
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest_into(&self, p: Coord, k: usize, max_m: Option<f64>, out: &mut Vec<Hit>) {
        out.clear();
        if k == 0 || self.items.is_empty() {
            return;
        }
        // No more hits than features to find (so that the walk can stop).
        let k = k.min(self.measurable);
        let limit = max_m.unwrap_or(f64::INFINITY);
        let clearance = || {
            self.clearance
                .get_or_init(|| Clearance::new(self.bbox))
                .as_ref()
        };
        if let Some(cl) = limit.is_finite().then(clearance).flatten() {
            let far = |c| {
                self.nearest(c, None)
                    .map_or(f64::INFINITY, |h| h.distance_m)
            };
            if cl.lower_bound(p, far) > limit {
                return;
            }
        }
        // Best exact hit per feature so far, and the k-th best distance.
        let best = out;
        let mut kth = f64::INFINITY;
        if let Some(polys) = &self.polygons {
            // Inside (or on) a polygon is distance 0, whatever the order in
            // which its boundary segments would come up.
            let inside = if k == 1 {
                polys.locate(p).into_iter().collect()
            } else {
                polys.all_containing(p)
            };
            for f in inside {
                best.push(Hit {
                    feature: f,
                    distance_m: 0.0,
                    nearest: p,
                });
            }
            if best.len() >= k {
                best.truncate(k);
                return;
            }
            kth = kth_smallest(best.iter().map(|h| h.distance_m), k);
        }
        if let Some(c) = self.conformal.as_ref().filter(|c| c.cs.holds_for(p)) {
            return self.k_nearest_conformal(c, p, k, limit, best);
        }
        // On the sphere of geodetic latitudes, each candidate measured
        // exactly: `bound` is a lower bound for every candidate still to
        // come.
        let tree = self.geodetic_tree();
        let up = unit(p);
        if nothing_within(tree, up, ((limit + PRUNE_ABS) / (1.0 - PRUNE_REL)) / R_MEAN) {
            return;
        }
        for (seg, d2) in tree.nearest_neighbor_iter_with_distance_2(&up) {
            let it = &self.items[seg.item];
            let bound = chord2_to_m(d2) * (1.0 - PRUNE_REL) - PRUNE_ABS;
            if bound > limit || bound > kth {
                break;
            }
            let slot = best.iter().position(|h| h.feature == it.feature);
            if let Some(s) = slot
                && bound > best[s].distance_m
            {
                continue;
            }
            let (d, at) = if it.a == it.b {
                (distance_m(p, it.a), it.a)
            } else {
                it.segment
                    .get_or_init(|| Segment::new(it.a, it.b))
                    .distance(p)
            };
            let hit = Hit {
                feature: it.feature,
                distance_m: d,
                nearest: at,
            };
            if !keep_best(best, slot, hit) {
                continue;
            }
            kth = kth_smallest(best.iter().map(|h| h.distance_m), k);
        }
        rank(best, limit, k);
    }

    /// [`Self::k_nearest`] for a point the conformal sphere holds for.
    ///
    /// Candidates come from the tree on the sphere; each is measured by its
    /// integrated length ([`ConformalSphere::length_over`]: the ellipsoidal
    /// length of the path to the foot of the perpendicular on the sphere,
    /// within 5 mm of GeographicLib over any zone). For each feature the
    /// piece of least length wins; its nearest point is a vertex of the
    /// layer or that foot taken back to the ellipsoid.
    ///
    /// Nothing that could be nearer is left out. A piece is skipped only
    /// when its lower bound L (sphere distance less the piece's stray from
    /// its arc, over the largest scale factor on the way: a true lower bound
    /// of its ellipsoidal distance, see [`ConformalSphere`]) exceeds the
    /// best length found plus `slack`. The lengths never fall short of the
    /// true distance by more than the quadrature's error and the stray δ,
    /// both inside `slack`; so if the truly nearest piece were skipped, its
    /// distance (≥ L) would exceed the best length plus `slack`, hence the
    /// distance of the piece that length belongs to: a contradiction.
    fn k_nearest_conformal(
        &self,
        c: &Conformal,
        p: Coord,
        k: usize,
        limit: f64,
        out: &mut Vec<Hit>,
    ) {
        let cs = &c.cs;
        let up = cs.unit(p);
        let slack = 2.0 * cs.delta + 0.005;
        // Nothing within reach at all: the common case for a radius search
        // far from the layer, answered without a walk.
        if nothing_within(&c.tree, up, (limit * cs.k_zone + cs.delta) / cs.r) {
            return;
        }
        if let Some(points) = &c.points
            && k >= self.measurable
        {
            // Every feature is among the k nearest: each point is measured
            // (as the walk would measure it), without ranking or bounds,
            // and kept as a hit straight away.
            for s in points {
                let it = &self.items[s.item];
                let slot = out.iter().position(|h| h.feature == it.feature);
                let hit = Hit {
                    feature: it.feature,
                    distance_m: cs.length(up, s.ua),
                    nearest: it.a,
                };
                keep_best(out, slot, hit);
            }
            rank(out, limit, k);
            return;
        }
        let mut best: Vec<Candidate> = out
            .iter()
            .map(|h| Candidate {
                feature: h.feature,
                estimate: 0.0,
                foot: Foot::Inside,
            })
            .collect();
        let mut kth = kth_smallest(best.iter().map(|h| h.estimate), k);
        // `one_feature`: the tree holds the pieces of one feature, so the
        // walk can stop short of anything farther than its best so far.
        let walk = |pieces: Pieces, one_feature: bool, best: &mut Vec<Candidate>, kth: &mut f64| {
            // Squared chord beyond which no piece can be within the limit or
            // among the k nearest.
            let chord2 = |m: f64| {
                let angle = (m * cs.k_zone + cs.delta) / cs.r + 1e-12;
                if angle >= std::f64::consts::PI {
                    4.0
                } else {
                    (2.0 * (angle / 2.0).sin()).powi(2)
                }
            };
            let reach = std::cell::Cell::new(chord2(limit.min(*kth + slack)));
            let mut visit = |seg: &Seg3| {
                let it = &self.items[seg.item];
                let (sigma, foot, end) = arc_foot(up, seg.ua, seg.ub);
                let sphere_m = cs.r * sigma - cs.delta;
                let lo = p.y.min(it.a.y).min(it.b.y);
                let hi = p.y.max(it.a.y).max(it.b.y);
                let bound = sphere_m / cs.k_max(lo, hi);
                if bound > limit || bound > *kth + slack {
                    return;
                }
                let slot = best.iter().position(|h| h.feature == it.feature);
                if let Some(s) = slot
                    && bound > best[s].estimate + slack
                {
                    return;
                }
                let estimate = cs.length_over(up, foot, sigma);
                let foot = match end {
                    Some(false) => Foot::Vertex(it.a),
                    Some(true) => Foot::Vertex(it.b),
                    None => Foot::Sphere(foot),
                };
                let candidate = Candidate {
                    feature: it.feature,
                    estimate,
                    foot,
                };
                if !keep_best(best, slot, candidate) {
                    return;
                }
                *kth = kth_smallest(best.iter().map(|h| h.estimate), k);
                let own = if one_feature {
                    estimate + slack
                } else {
                    f64::INFINITY
                };
                reach.set(chord2(limit.min(*kth + slack).min(own)));
            };
            match pieces {
                Pieces::Tree(tree) => {
                    branch_and_bound(tree.root(), up, &|| reach.get(), &mut visit)
                }
                Pieces::Points(points) => {
                    // Nearest chord first, as the tree would give them.
                    let mut order = [(0.0f64, 0usize); FEW_POINTS];
                    for (i, s) in points.iter().enumerate() {
                        order[i] = ((0..3).map(|j| (up[j] - s.ua[j]).powi(2)).sum(), i);
                    }
                    let order = &mut order[..points.len()];
                    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                    for &(key, i) in order.iter() {
                        if key > reach.get() {
                            break;
                        }
                        visit(&points[i]);
                    }
                }
            }
        };
        if let Some(points) = &c.points {
            walk(Pieces::Points(points), false, &mut best, &mut kth);
        } else if k > 1 && self.features > 1 && self.features <= FEW_FEATURES {
            let trees = c.by_feature.get_or_init(|| self.feature_trees(cs));
            for tree in trees {
                walk(Pieces::Tree(tree), true, &mut best, &mut kth);
            }
        } else {
            walk(Pieces::Tree(&c.tree), false, &mut best, &mut kth);
        }
        rank(&mut best, limit, k);
        out.clear();
        out.extend(best.into_iter().map(|h| Hit {
            feature: h.feature,
            distance_m: h.estimate,
            nearest: match h.foot {
                Foot::Inside => p,
                Foot::Vertex(v) => v,
                Foot::Sphere(u) => cs.geo(u),
            },
        }));
    }

    /// The pieces on the conformal sphere, one tree per feature.
    fn feature_trees(&self, cs: &ConformalSphere) -> Vec<RTree<Seg3>> {
        let mut groups: Vec<Vec<Seg3>> = (0..self.features).map(|_| Vec::new()).collect();
        for (i, it) in self.items.iter().enumerate() {
            groups[it.feature].push(seg3(i, cs.unit(it.a), cs.unit(it.b)));
        }
        groups.into_iter().map(RTree::bulk_load).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Catalogue;

    /// The spherical distance to a piece is within 1% plus 1 m of the
    /// ellipsoidal one both ways (the bound [`DistanceIndex::nearest_feature`]
    /// settles by), measured against GeographicLib on the built-in
    /// neighbours' pieces, for points up to about 500 km away.
    #[test]
    fn spherical_distances_bound_the_geodesic_ones_both_ways() {
        let index = DistanceIndex::new(Catalogue::shared("neighbours").unwrap());
        let mut u = crate::query::test_uniform(0x5eed_1234_abcd);
        let (mut worst_low, mut worst_high) = (0.0f64, 0.0f64);
        for k in 0..4000 {
            let it = &index.items[(k * 7919) % index.items.len()];
            let p = Coord {
                x: it.a.x + 10.0 * u() - 5.0,
                y: it.a.y + 10.0 * u() - 5.0,
            };
            let s = seg3(0, it.ua, it.ub);
            let sphere = chord2_to_m(rstar::PointDistance::distance_2(&s, &unit(p)));
            let exact = Segment::new(it.a, it.b).distance(p).0;
            assert!(
                exact <= sphere * (1.0 + PRUNE_REL) + PRUNE_ABS,
                "{p:?}: {exact} vs {sphere}"
            );
            assert!(
                exact >= sphere * (1.0 - PRUNE_REL) - PRUNE_ABS,
                "{p:?}: {exact} vs {sphere}"
            );
            if sphere > 1000.0 {
                worst_low = worst_low.min(exact / sphere - 1.0);
                worst_high = worst_high.max(exact / sphere - 1.0);
            }
        }
        // The factor's range, M_min/R − 1 to N_max/R − 1.
        assert!(
            worst_low > -0.0058 && worst_high < 0.0046,
            "{worst_low} {worst_high}"
        );
    }

    /// Only the feature: the same as the nearest hit's, within several
    /// radii, for points around the neighbours' boundaries (most of them
    /// outside every polygon, where the bounds do the work).
    #[test]
    fn the_nearest_feature_is_the_nearest_hits() {
        let index = DistanceIndex::new(Catalogue::shared("neighbours").unwrap());
        let mut u = crate::query::test_uniform(0x0bad_cafe);
        let mut settled = 0;
        for k in 0..3000 {
            let it = &index.items[(k * 104_729) % index.items.len()];
            let p = Coord {
                x: it.a.x + 0.1 * u() - 0.05,
                y: it.a.y + 0.1 * u() - 0.05,
            };
            for max_m in [500.0, 2000.0, 20_000.0] {
                let want = index.nearest(p, Some(max_m)).map(|h| h.feature);
                assert_eq!(
                    index.nearest_feature(p, max_m),
                    want,
                    "{p:?} within {max_m}"
                );
                settled += usize::from(want.is_some());
            }
        }
        assert!(settled > 3000, "{settled}");
    }
}
