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
pub use super::piece::Hit;
use super::piece::{Item, PIECE_M};
use super::rank::{keep_best, rank};
use super::regional::{Conformal, LayerPieces, conformal_tree};
use super::sphere::{R_MEAN, Seg3, angle, chord2_to_m, kth_smallest, nothing_within, seg3, unit};
use crate::error::{Error, Param, Result};
use crate::geodesy::{Segment, distance_m, geodesic_cuts};
use crate::index::PolygonIndex;
use crate::layer::Layer;
use geo::{Coord, CoordsIter, Geometry};
use rstar::RTree;

/// Spherical distances (geodetic latitude on a sphere of the mean radius)
/// are within about 0.6% of ellipsoidal ones; prune only beyond 1% (plus
/// 1 m) to be safe. The brute-force tests in tests/query.rs hold it to that.
const PRUNE_REL: f64 = 0.01;
const PRUNE_ABS: f64 = 1.0;

/// The most features a k-nearest query may ask for.
pub const MAX_K: usize = 100;

/// An [`Error::InvalidSetting`] naming [`Param::Point`] unless `p` is a
/// point of the globe: finite, longitude within ±180°, latitude within ±90°.
fn check_point(p: Coord) -> Result<()> {
    if p.x.is_finite() && p.y.is_finite() && p.x.abs() <= 180.0 && p.y.abs() <= 90.0 {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Point,
        value: format!("longitude {}, latitude {}", p.x, p.y),
        expected: "a longitude within ±180 and a latitude within ±90 (degrees)".into(),
    })
}

/// A prepared layer for distance queries.
pub struct DistanceIndex {
    /// The pieces on the sphere of geodetic latitudes, for points the
    /// conformal sphere does not hold for; built on first need.
    pub(super) tree: std::sync::OnceLock<RTree<Seg3>>,
    pub(super) items: Vec<Item>,
    pub(super) polygons: Option<PolygonIndex>,
    /// For a layer of regional extent: the same pieces on a conformal
    /// sphere fitted to it, ranked with a bound ~1,000 times tighter, for
    /// the points it holds for.
    pub(super) conformal: Option<Conformal>,
    /// Lower bounds of the distance by cell, to send points far beyond a
    /// search radius away at once: the layer's box, and the grid made on
    /// the first radius search.
    pub(super) bbox: [f64; 4],
    pub(super) clearance: std::sync::OnceLock<Option<Clearance>>,
    /// Features in the layer, and how many of them have something to
    /// measure (a point or a segment).
    pub(super) features: usize,
    pub(super) measurable: usize,
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

    /// An [`Error::InvalidSetting`] unless `k` and `max_m` are what the
    /// queries accept: 1 ≤ `k` ≤ [`MAX_K`] ([`Param::Count`]), and `max_m`
    /// finite and 0 or more ([`Param::Distance`]). The queries check them
    /// (and each point) themselves; a client answering many points can
    /// check its settings once, before it starts.
    ///
    /// ```
    /// use frontier::query::DistanceIndex;
    /// assert!(DistanceIndex::check_query(3, Some(25_000.0)).is_ok());
    /// assert!(DistanceIndex::check_query(0, None).is_err());
    /// assert!(DistanceIndex::check_query(1, Some(f64::NAN)).is_err());
    /// ```
    ///
    /// # Units
    /// `max_m` in metres.
    pub fn check_query(k: usize, max_m: Option<f64>) -> Result<()> {
        if !(1..=MAX_K).contains(&k) {
            return Err(Error::InvalidSetting {
                param: Param::Count,
                value: k.to_string(),
                expected: format!("a whole number from 1 to {MAX_K}"),
            });
        }
        if let Some(m) = max_m
            && !(m.is_finite() && m >= 0.0)
        {
            return Err(Error::InvalidSetting {
                param: Param::Distance,
                value: format!("{m} m"),
                expected: "a finite distance of 0 m or more".into(),
            });
        }
        Ok(())
    }

    /// The nearest feature to `p`, if one lies within `max_m` metres (or at
    /// all, when `max_m` is `None`). Inside a polygon the distance is 0.
    ///
    /// ```
    /// use frontier::{Catalogue, query::DistanceIndex};
    /// use geo::Coord;
    ///
    /// let durand = DistanceIndex::new(Catalogue::shared("durand-line")?);
    /// let peshawar = Coord { x: 71.547, y: 34.005 };
    /// let hit = durand.nearest(peshawar, None)?.expect("the line is somewhere");
    /// assert!((40_000.0..60_000.0).contains(&hit.distance_m));
    /// // A point that is not on the globe is an error, not a panic.
    /// assert!(durand.nearest(Coord { x: f64::NAN, y: 34.0 }, None).is_err());
    /// # Ok::<(), frontier::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for a point that is not finite or not on
    /// the globe, or a negative or non-finite `max_m`.
    ///
    /// # Units
    /// Degrees and metres in; the hit's distance in metres.
    pub fn nearest(&self, p: Coord, max_m: Option<f64>) -> Result<Option<Hit>> {
        Ok(self.k_nearest(p, 1, max_m)?.into_iter().next())
    }

    /// [`DistanceIndex::nearest`] for a point and limit already checked.
    fn nearest_checked(&self, p: Coord, max_m: Option<f64>) -> Option<Hit> {
        let mut hits = Vec::with_capacity(1);
        self.search(p, 1, max_m.unwrap_or(f64::INFINITY), &mut hits);
        hits.pop()
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
    /// # Errors
    /// As [`DistanceIndex::nearest`].
    ///
    /// # Units
    /// Degrees and metres in.
    pub fn nearest_feature(&self, p: Coord, max_m: f64) -> Result<Option<usize>> {
        check_point(p)?;
        Self::check_query(1, Some(max_m))?;
        Ok(self.nearest_feature_checked(p, max_m))
    }

    /// [`DistanceIndex::nearest_feature`] for a point and limit already
    /// checked.
    fn nearest_feature_checked(&self, p: Coord, max_m: f64) -> Option<usize> {
        let exact = || self.nearest_checked(p, Some(max_m)).map(|h| h.feature);
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
    /// # Errors
    /// As [`DistanceIndex::k_nearest`]; a bad point is named by its place
    /// in `points` (from 0).
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest_all(
        &self,
        points: &[Coord],
        k: usize,
        max_m: Option<f64>,
    ) -> Result<Vec<Vec<Hit>>> {
        use rayon::prelude::*;
        Self::check_query(k, max_m)?;
        if let Some((i, &p)) = points
            .iter()
            .enumerate()
            .find(|(_, p)| check_point(**p).is_err())
        {
            return Err(Error::InvalidSetting {
                param: Param::Point,
                value: format!("point {i}: longitude {}, latitude {}", p.x, p.y),
                expected: "a longitude within ±180 and a latitude within ±90 (degrees)".into(),
            });
        }
        let limit = max_m.unwrap_or(f64::INFINITY);
        Ok(points
            .par_iter()
            .with_min_len(256)
            .map(|&p| {
                let mut hits = Vec::new();
                self.search(p, k, limit, &mut hits);
                hits
            })
            .collect())
    }

    /// The `k` nearest distinct features to `p`, nearest first, among those
    /// within `max_m` metres (all, when `None`). Ties keep file order.
    ///
    /// ```
    /// use frontier::{Catalogue, query::DistanceIndex};
    /// use geo::Coord;
    ///
    /// let crossings = Catalogue::shared("crossings")?;
    /// let index = DistanceIndex::new(crossings);
    /// let quetta = Coord { x: 67.0, y: 30.19 };
    /// let hits = index.k_nearest(quetta, 2, None)?;
    /// assert_eq!(crossings.label(hits[0].feature), "Chaman-Spin Boldak");
    /// assert!(hits[0].distance_m < hits[1].distance_m);
    /// // k is from 1 to 100.
    /// assert!(index.k_nearest(quetta, 0, None).is_err());
    /// # Ok::<(), frontier::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for a point that is not finite or not on
    /// the globe, `k` outside 1 to [`MAX_K`], or a negative or non-finite
    /// `max_m` ([`DistanceIndex::check_query`]).
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest(&self, p: Coord, k: usize, max_m: Option<f64>) -> Result<Vec<Hit>> {
        let mut hits = Vec::new();
        self.k_nearest_into(p, k, max_m, &mut hits)?;
        Ok(hits)
    }

    /// [`Self::k_nearest`] into `out` (cleared first), so that a caller
    /// answering many points can keep one buffer instead of allocating one
    /// per point.
    ///
    /// # Errors
    /// As [`DistanceIndex::k_nearest`].
    ///
    /// # Units
    /// Degrees and metres in; distances in metres.
    pub fn k_nearest_into(
        &self,
        p: Coord,
        k: usize,
        max_m: Option<f64>,
        out: &mut Vec<Hit>,
    ) -> Result<()> {
        out.clear();
        check_point(p)?;
        Self::check_query(k, max_m)?;
        self.search(p, k, max_m.unwrap_or(f64::INFINITY), out);
        Ok(())
    }

    /// [`DistanceIndex::k_nearest_into`] for a point and settings already
    /// checked (`limit` infinite for no limit).
    fn search(&self, p: Coord, k: usize, limit: f64, out: &mut Vec<Hit>) {
        out.clear();
        if self.items.is_empty() {
            return;
        }
        // No more hits than features to find (so that the walk can stop).
        let k = k.min(self.measurable);
        let clearance = || {
            self.clearance
                .get_or_init(|| Clearance::new(self.bbox))
                .as_ref()
        };
        if let Some(cl) = limit.is_finite().then(clearance).flatten() {
            let far = |c| {
                self.nearest_checked(c, None)
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
            let layer = LayerPieces {
                items: &self.items,
                features: self.features,
                measurable: self.measurable,
            };
            return c.k_nearest(layer, p, k, limit, best);
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
                let want = index.nearest(p, Some(max_m)).unwrap().map(|h| h.feature);
                assert_eq!(
                    index.nearest_feature(p, max_m).unwrap(),
                    want,
                    "{p:?} within {max_m}"
                );
                settled += usize::from(want.is_some());
            }
        }
        assert!(settled > 3000, "{settled}");
    }
}
