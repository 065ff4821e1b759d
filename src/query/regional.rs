//! k-nearest queries near a layer of regional extent, on Gauss's conformal
//! sphere fitted to it (see [`super::distance`] for when this is used and
//! why its answers are exact to about a millimetre).

use super::conformal::ConformalSphere;
use super::piece::{Hit, Item, PIECE_M};
use super::rank::{Ranked, keep_best, rank};
use super::sphere::{Seg3, arc_foot, branch_and_bound, kth_smallest, nothing_within, seg3};
use geo::Coord;
use rstar::RTree;

/// The pieces on a conformal sphere fitted to them, when they are of
/// regional extent (see [`ConformalSphere::fitted`]).
pub(super) fn conformal_tree(items: &[Item], bbox: [f64; 4]) -> Option<Conformal> {
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

/// A layer's pieces on its conformal sphere.
pub(super) struct Conformal {
    pub(super) cs: ConformalSphere,
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

impl Ranked for Candidate {
    fn key(&self) -> (f64, usize) {
        (self.estimate, self.feature)
    }
}

/// A layer as the search sees it.
pub(super) struct LayerPieces<'a> {
    /// Its pieces.
    pub(super) items: &'a [Item],
    /// How many features it has, and how many of them have something to
    /// measure (a point or a segment).
    pub(super) features: usize,
    pub(super) measurable: usize,
}

impl Conformal {
    /// [`super::DistanceIndex::k_nearest`] for a point the conformal
    /// sphere holds for, among the pieces of `layer` (the pieces this
    /// sphere was fitted to); `out` holds the features containing `p` on
    /// entry (at distance 0), and the hits on return.
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
    pub(super) fn k_nearest(
        &self,
        layer: LayerPieces<'_>,
        p: Coord,
        k: usize,
        limit: f64,
        out: &mut Vec<Hit>,
    ) {
        let c = self;
        let LayerPieces {
            items,
            features,
            measurable,
        } = layer;
        let cs = &c.cs;
        let up = cs.unit(p);
        let slack = 2.0 * cs.delta + 0.005;
        // Nothing within reach at all: the common case for a radius search
        // far from the layer, answered without a walk.
        if nothing_within(&c.tree, up, (limit * cs.k_zone + cs.delta) / cs.r) {
            return;
        }
        if let Some(points) = &c.points
            && k >= measurable
        {
            // Every feature is among the k nearest: each point is measured
            // (as the walk would measure it), without ranking or bounds,
            // and kept as a hit straight away.
            for s in points {
                let it = &items[s.item];
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
                let it = &items[seg.item];
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
        } else if k > 1 && features > 1 && features <= FEW_FEATURES {
            let trees = c
                .by_feature
                .get_or_init(|| feature_trees(cs, items, features));
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
}

/// The pieces `items` of a layer of `features` features on the conformal
/// sphere, one tree per feature.
fn feature_trees(cs: &ConformalSphere, items: &[Item], features: usize) -> Vec<RTree<Seg3>> {
    let mut groups: Vec<Vec<Seg3>> = (0..features).map(|_| Vec::new()).collect();
    for (i, it) in items.iter().enumerate() {
        groups[it.feature].push(seg3(i, cs.unit(it.a), cs.unit(it.b)));
    }
    groups.into_iter().map(RTree::bulk_load).collect()
}
