//! The sphere the distance index searches on: pieces of segments as arcs
//! between unit vectors, in an R-tree whose boxes hold the whole arc; the
//! branch-and-bound walk over it, chord and angle conversions, and the foot
//! of the perpendicular from a point to an arc.

use geo::Coord;
use rstar::{AABB, PointDistance, RTree, RTreeNode, RTreeObject};

/// Mean Earth radius of the sphere the distance index ranks on (IUGG R1).
///
/// # Units
/// Metres.
pub(super) const R_MEAN: f64 = 6_371_008.8;

/// A segment in the tree: its index and its 3-D envelope.
pub(super) struct Seg3 {
    pub(super) item: usize,
    pub(super) ua: [f64; 3],
    pub(super) ub: [f64; 3],
    envelope: AABB<[f64; 3]>,
}

impl RTreeObject for Seg3 {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Seg3 {
    /// Squared chord, on the unit sphere, from the point to the arc.
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        let chord = 2.0 * (arc_foot(*p, self.ua, self.ub).0 / 2.0).sin();
        chord * chord
    }
}

pub(super) fn seg3(item: usize, ua: [f64; 3], ub: [f64; 3]) -> Seg3 {
    // The arc bulges away from its chord by at most 1 - cos(θ/2).
    let bulge = 1.0 - (angle(ua, ub) / 2.0).cos() + 1e-12;
    let lo = [0, 1, 2].map(|i| ua[i].min(ub[i]) - bulge);
    let hi = [0, 1, 2].map(|i| ua[i].max(ub[i]) + bulge);
    Seg3 {
        item,
        ua,
        ub,
        envelope: AABB::from_corners(lo, hi),
    }
}

/// Visits the pieces of the tree that may lie within `reach()` (a squared
/// chord on the unit sphere, which may shrink as pieces are visited) of
/// `q`, by branch and bound: the children of a node in order of the squared
/// chord to their boxes, skipping those farther than the reach (a box is
/// never farther than the arcs it holds).
pub(super) fn branch_and_bound<'a>(
    node: &'a rstar::ParentNode<Seg3>,
    q: [f64; 3],
    reach: &dyn Fn() -> f64,
    visit: &mut dyn FnMut(&'a Seg3),
) {
    let children = node.children();
    let mut keyed: Vec<(f64, &'a RTreeNode<Seg3>)> = Vec::new();
    let mut small = [(0.0f64, 0usize); 16];
    let order: &mut [(f64, usize)] = if children.len() <= small.len() {
        for (i, c) in children.iter().enumerate() {
            small[i] = (key(c, q), i);
        }
        &mut small[..children.len()]
    } else {
        keyed.extend(children.iter().map(|c| (key(c, q), c)));
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (k, c) in keyed {
            if k > reach() {
                break;
            }
            descend(c, q, reach, visit);
        }
        return;
    };
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    for &(k, i) in order.iter() {
        if k > reach() {
            break;
        }
        descend(&children[i], q, reach, visit);
    }
}

/// Squared distance from `q` to a node's box (0 inside).
pub(super) fn key(node: &RTreeNode<Seg3>, q: [f64; 3]) -> f64 {
    let b = match node {
        RTreeNode::Parent(p) => p.envelope(),
        RTreeNode::Leaf(s) => s.envelope,
    };
    let (lo, hi) = (b.lower(), b.upper());
    let mut d2 = 0.0;
    for i in 0..3 {
        let d = (lo[i] - q[i]).max(q[i] - hi[i]).max(0.0);
        d2 += d * d;
    }
    d2
}

pub(super) fn descend<'a>(
    node: &'a RTreeNode<Seg3>,
    q: [f64; 3],
    reach: &dyn Fn() -> f64,
    visit: &mut dyn FnMut(&'a Seg3),
) {
    match node {
        RTreeNode::Parent(p) => branch_and_bound(p, q, reach, visit),
        RTreeNode::Leaf(s) => visit(s),
    }
}

/// Spherical distance in metres from a squared chord on the unit sphere.
pub(super) fn chord2_to_m(d2: f64) -> f64 {
    chord2_to_angle(d2) * R_MEAN
}

/// The angle (radians) a squared chord on the unit sphere subtends.
pub(super) fn chord2_to_angle(d2: f64) -> f64 {
    2.0 * (d2.sqrt() / 2.0).min(1.0).asin()
}

pub(super) fn unit(c: Coord) -> [f64; 3] {
    let (sl, cl) = c.y.to_radians().sin_cos();
    let (so, co) = c.x.to_radians().sin_cos();
    [cl * co, cl * so, sl]
}

pub(super) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(super) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(super) fn angle(a: [f64; 3], b: [f64; 3]) -> f64 {
    let c = cross(a, b);
    dot(c, c).sqrt().atan2(dot(a, b))
}

/// Whether no piece of the tree lies within `angle` (radians, on the
/// tree's unit sphere) of `q`: a depth-first search that stops at the first
/// piece found, and never enters a box beyond the angle.
pub(super) fn nothing_within(tree: &RTree<Seg3>, q: [f64; 3], angle: f64) -> bool {
    let angle = angle + 1e-9;
    if !angle.is_finite() || angle >= std::f64::consts::PI {
        return false;
    }
    let chord = 2.0 * (angle / 2.0).sin();
    tree.locate_within_distance(q, chord * chord)
        .next()
        .is_none()
}

/// The k-th smallest of `values` (infinite with fewer than k), without
/// allocating for up to 16 values.
pub(super) fn kth_smallest(values: impl ExactSizeIterator<Item = f64>, k: usize) -> f64 {
    let n = values.len();
    if n < k {
        return f64::INFINITY;
    }
    if k == 1 {
        return values.fold(f64::INFINITY, f64::min);
    }
    let mut small = [0.0f64; 16];
    let mut large = Vec::new();
    let d: &mut [f64] = if n <= small.len() {
        for (x, v) in small.iter_mut().zip(values) {
            *x = v;
        }
        &mut small[..n]
    } else {
        large.extend(values);
        &mut large
    };
    d.sort_unstable_by(f64::total_cmp);
    d[k - 1]
}

/// The point of the great-circle arc `a`–`b` nearest to `p` (unit vectors),
/// its angle from `p` (radians), and which end it is (`Some(false)` for
/// `a`, `Some(true)` for `b`, `None` inside the arc).
pub(super) fn arc_foot(p: [f64; 3], a: [f64; 3], b: [f64; 3]) -> (f64, [f64; 3], Option<bool>) {
    if a == b {
        return (angle(p, a), a, Some(false));
    }
    // The nearer end: the one with the larger cosine.
    let ends = || {
        if dot(p, a) >= dot(p, b) {
            (angle(p, a), a, Some(false))
        } else {
            (angle(p, b), b, Some(true))
        }
    };
    let n = cross(a, b);
    let nn = dot(n, n).sqrt();
    if nn < 1e-15 {
        return ends();
    }
    let n = [n[0] / nn, n[1] / nn, n[2] / nn];
    let h = dot(p, n);
    let c = [p[0] - h * n[0], p[1] - h * n[1], p[2] - h * n[2]];
    let cn = dot(c, c).sqrt();
    if cn > 1e-15 && dot(cross(a, c), n) >= 0.0 && dot(cross(c, b), n) >= 0.0 {
        let foot = [c[0] / cn, c[1] / cn, c[2] / cn];
        (h.abs().clamp(0.0, 1.0).asin(), foot, None)
    } else {
        ends()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstar::Envelope;

    /// Points along the arc (spherical interpolation) lie in its envelope,
    /// for arcs from 1 m to 2,000 km anywhere on the globe.
    #[test]
    fn envelopes_hold_their_arcs() {
        let mut rnd = crate::query::test_uniform(7);
        for _ in 0..2000 {
            let a = Coord {
                x: rnd() * 360.0 - 180.0,
                y: rnd() * 170.0 - 85.0,
            };
            let len = 10f64.powf(rnd() * 5.3) / 111_000.0; // degrees
            let b = Coord {
                x: (a.x + len * (rnd() - 0.5) * 2.0).clamp(-180.0, 180.0),
                y: (a.y + len * (rnd() - 0.5) * 2.0).clamp(-90.0, 90.0),
            };
            let (ua, ub) = (unit(a), unit(b));
            let s = seg3(0, ua, ub);
            let th = angle(ua, ub);
            for k in 0..=20 {
                let t = k as f64 / 20.0;
                let (w1, w2) = if th > 1e-12 {
                    (((1.0 - t) * th).sin() / th.sin(), (t * th).sin() / th.sin())
                } else {
                    (1.0 - t, t)
                };
                let q = [0, 1, 2].map(|i| w1 * ua[i] + w2 * ub[i]);
                assert!(
                    s.envelope.contains_point(&q),
                    "{a:?}-{b:?} at {t}: {q:?} outside {:?}",
                    s.envelope
                );
            }
        }
    }

    #[test]
    fn chord_conversion_round_trips() {
        let up = unit(Coord { x: 70.0, y: 33.0 });
        let uq = unit(Coord { x: 71.0, y: 34.0 });
        let th = angle(up, uq);
        let chord2 = (0..3).map(|i| (up[i] - uq[i]).powi(2)).sum::<f64>();
        assert!((chord2_to_m(chord2) - th * R_MEAN).abs() < 1e-6);
    }
}
