//! The edges of a polygon, and when the straight line in longitude and
//! latitude may stand in for one.
//!
//! An edge of a polygon is the geodesic between its two vertices (see
//! `docs/distances.md`). Testing a point against the straight line between
//! them in longitude/latitude (the *chord*) is cheap and gives the same
//! answer everywhere except in the thin *lune* between the chord and the
//! geodesic. [`chord_stray_bound_m`] bounds how wide that lune can be; an
//! edge whose bound exceeds [`CHORD_TOLERANCE_M`] is *curved*, and a point
//! in its lune (chord and geodesic putting it on different sides) is tested
//! against the geodesic itself. The short edges of real boundaries
//! (OpenStreetMap vertices a few hundred metres apart) stray by millimetres
//! and keep the cheap test.

use crate::geodesy::{Segment, WGS84_A, WGS84_F};
use geo::Coord;
use geo::kernels::{Kernel, Orientation};

/// How far (at most) the chord of an edge may stray from its geodesic for
/// the chord to stand in for it in containment tests. A point is placed
/// by the chord only where the two cannot differ by more than this.
///
/// # Units
/// Metres.
pub const CHORD_TOLERANCE_M: f64 = 1.0;

/// Squared eccentricity of WGS84.
const E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// An upper bound on how far the straight line from `a` to `b` in
/// longitude/latitude (the chord, with `b.x` taken as given, not wrapped)
/// strays from the geodesic between them: no point of the chord is farther
/// from the geodesic than this. Infinite within 0.1° of a pole, and for
/// chords too long for the bound to hold (about a third of a meridian).
///
/// Derivation. On an ellipsoid of revolution with meridional radius M,
/// prime-vertical radius N and parallel radius r = N cos φ, the geodesic
/// curvature of a curve crossing the meridians at angle θ is, by Liouville's
/// formula, κ = dθ/ds − (tan φ / N) sin θ. Along the chord the ratio
/// dλ/dφ is constant, so tan θ = (r/M)(dλ/dφ) changes only through r/M,
/// whose derivative is −sin φ · F with F = 1 + 3e² cos²φ/(1 − e²) (using
/// dr/dφ = −M sin φ and dM/dφ = 3e² M sin φ cos φ / (1 − e² sin²φ)); so
/// dθ/ds = −F (tan φ / N) sin θ cos²θ and
///
/// |κ| = (tan |φ| / N) · sin θ (1 + F cos²θ).
///
/// The last factor is at most g(F) = √(1 − c)(1 + F c) with c = (2F − 1)/(3F)
/// (its maximum over θ; 1.0887 on a sphere, where F = 1), and at most
/// (1 + F) sin θ_max, which is small for chords running nearly north–south
/// (0 on a meridian, which is a geodesic). The distance y of the chord from
/// the geodesic, as a function of arc length t along the chord, vanishes at
/// both ends and has |y''| ≤ κ + K|y| (K = 1/(MN), the Gaussian curvature,
/// the Jacobi equation's term), so |y| ≤ (κ + K max|y|) t(ℓ − t)/2 and
///
/// max |y| ≤ κ ℓ² / 8 / (1 − K ℓ²/8),
///
/// with ℓ ≤ √((M_max Δφ)² + (r_max Δλ)²) the chord's length. The maxima and
/// minima of M, N, r, K and tan φ are taken over the chord's latitudes (M
/// and N grow with |φ|, r shrinks). The tests measure the chord's stray
/// against GeographicLib on random edges and check that the bound holds
/// and is tight to within a few per cent.
///
/// # Units
/// Degrees in (`x` longitude, `y` latitude); metres out.
///
/// # References
/// - C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87 (2013).
/// - M. P. do Carmo, *Differential Geometry of Curves and Surfaces*
///   (1976), §4-4 (Liouville's formula for the geodesic curvature).
pub fn chord_stray_bound_m(a: Coord, b: Coord) -> f64 {
    let (p1, p2) = (a.y.to_radians(), b.y.to_radians());
    let hi = p1.abs().max(p2.abs());
    let lo = if p1 * p2 <= 0.0 {
        0.0
    } else {
        p1.abs().min(p2.abs())
    };
    if hi >= 89.9f64.to_radians() {
        return f64::INFINITY;
    }
    let dphi = (p2 - p1).abs();
    let dlam = (b.x - a.x).abs().to_radians();
    let w2 = |p: f64| 1.0 - E2 * p.sin().powi(2);
    let m = |p: f64| WGS84_A * (1.0 - E2) / (w2(p) * w2(p).sqrt());
    let n = |p: f64| WGS84_A / w2(p).sqrt();
    let (m_max, m_min) = (m(hi), m(lo));
    let n_min = n(lo);
    let r_max = n_min * lo.cos();
    let len = ((m_max * dphi).powi(2) + (r_max * dlam).powi(2)).sqrt();
    // The factor sin θ (1 + F cos²θ), bounded over all θ and over the
    // chord's own directions.
    let f = 1.0 + 3.0 * E2 / (1.0 - E2);
    let c = (2.0 * f - 1.0) / (3.0 * f);
    let over_all = (1.0 - c).sqrt() * (1.0 + f * c);
    let sin_max = if dphi > 0.0 {
        let tan = (r_max / m_min) * dlam / dphi;
        tan / tan.hypot(1.0)
    } else {
        1.0
    };
    let kappa = over_all.min((1.0 + f) * sin_max) * hi.tan() / n_min;
    let q = len * len / (8.0 * m_min * n_min);
    if q >= 0.5 {
        return f64::INFINITY;
    }
    kappa * len * len / 8.0 / (1.0 - q)
}

/// Whether the chord from `a` to `b` may stand in for the geodesic in
/// containment tests: its stray is within [`CHORD_TOLERANCE_M`]. Short
/// edges away from the poles are settled without trigonometry.
pub(super) fn is_straight(a: Coord, b: Coord) -> bool {
    // Under 80° of latitude the bound is at most 1.12 · tan 80° · ℓ² / (8a)
    // with ℓ² ≤ (Δφ² + Δλ²) a²/(1 − e²) (radians; 1.12 covers the factor
    // g(F) and the Jacobi term for chords this short): within the
    // tolerance when Δφ² + Δλ² < 1.3e-7 (chords under about 2.3 km).
    let (dx, dy) = ((b.x - a.x).to_radians(), (b.y - a.y).to_radians());
    let short = dx * dx + dy * dy < 1.3e-7;
    (short && a.y.abs() < 80.0 && b.y.abs() < 80.0)
        || chord_stray_bound_m(a, b) <= CHORD_TOLERANCE_M
}

/// Where an edge is, seen from a point, along the meridian through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cross {
    /// The point is on the edge.
    On,
    /// The edge crosses the meridian north of the point (counted with the
    /// lower end of its longitudes in and the upper out).
    North,
    /// Neither.
    No,
}

/// An edge whose chord may stray from its geodesic by more than
/// [`CHORD_TOLERANCE_M`]: the geodesic, the box holding it and the chord
/// (the lune's box), and the band about the chord that holds the lune.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Curved {
    /// The geodesic, from the edge's first vertex to its second.
    pub segment: Segment,
    /// The box holding chord and geodesic: min lon, min lat, max lon, max
    /// lat (longitudes in the polygon's frame).
    pub lune: [f64; 4],
    /// The chord's western and eastern ends.
    west: Coord,
    east: Coord,
    /// Whether the geodesic runs east (its first vertex is the western).
    eastward: bool,
    /// How far in latitude the geodesic can be from the chord at any
    /// longitude between its ends, degrees: the lune lies within this of
    /// the chord.
    band: f64,
}

/// A margin on the lune's box for rounding in the vertex latitude, degrees
/// (about a millimetre).
const BOX_MARGIN_DEG: f64 = 1e-8;

impl Curved {
    /// The edge from `a` to `b` (in the polygon's frame: `b.x − a.x` is the
    /// edge's longitude span, under 180° either way).
    ///
    /// The band: every point of the geodesic is within S of the chord
    /// (S = [`chord_stray_bound_m`]: the lune is thin and its two sides are
    /// graphs over each other, so the bound holds both ways; 1% and 1 mm
    /// are added for that), so a geodesic point g is within S/M of the
    /// latitude and S/r of the longitude of some chord point q (M and r the
    /// least meridional and parallel radii over the lune's latitudes and S
    /// beyond). At g's longitude the chord is then within S/M + |slope|·S/r
    /// of g's latitude, the slope being the chord's Δφ/Δλ.
    pub fn new(a: Coord, b: Coord) -> Curved {
        let segment = Segment::new(a, b);
        let (lat_lo, lat_hi) = segment.latitude_range();
        let lune = [
            a.x.min(b.x),
            lat_lo - BOX_MARGIN_DEG,
            a.x.max(b.x),
            lat_hi + BOX_MARGIN_DEG,
        ];
        let (west, east) = if a.x <= b.x { (a, b) } else { (b, a) };
        let stray = chord_stray_bound_m(a, b) * 1.01 + 0.001;
        let reach = (stray / (WGS84_A * (1.0 - E2))).to_degrees();
        let hi = (lune[1].abs().max(lune[3].abs()) + reach)
            .min(90.0)
            .to_radians();
        let lo = if lune[1] * lune[3] <= 0.0 {
            0.0
        } else {
            (lune[1].abs().min(lune[3].abs()) - reach)
                .max(0.0)
                .to_radians()
        };
        let w2 = |p: f64| 1.0 - E2 * p.sin().powi(2);
        let m_min = WGS84_A * (1.0 - E2) / w2(lo).powf(1.5);
        let r_min = WGS84_A * hi.cos() / w2(hi).sqrt();
        let slope = ((east.y - west.y) / (east.x - west.x)).abs();
        let band = if r_min > 0.0 && stray.is_finite() {
            (stray / m_min + slope * stray / r_min).to_degrees()
        } else {
            f64::INFINITY
        };
        Curved {
            segment,
            lune,
            west,
            east,
            eastward: a.x <= b.x,
            band,
        }
    }

    /// Whether `c` (in the polygon's frame) may lie between the chord and
    /// the geodesic: strictly between the ends' longitudes, in the lune's
    /// box and within the band about the chord. Elsewhere the chord and
    /// the geodesic place `c` alike.
    pub fn may_differ(&self, c: Coord) -> bool {
        let [_, y0, _, y1] = self.lune;
        if !(c.x > self.west.x && c.x < self.east.x && c.y >= y0 && c.y <= y1) {
            return false;
        }
        let t = (c.x - self.west.x) / (self.east.x - self.west.x);
        let chord = self.west.y + t * (self.east.y - self.west.y);
        (c.y - chord).abs() <= self.band
    }

    /// Whether the chord and the geodesic place `c` (in the polygon's
    /// frame, between the ends' longitudes) on different sides, or `c` is
    /// on either: true exactly in the lune and on its sides.
    pub fn differs(&self, c: Coord) -> bool {
        let chord = <f64 as geo::GeoNum>::Ker::orient2d(self.west, self.east, c);
        let side = self.segment.side(c);
        // Left of a line running east is north.
        let geodesic_north = (side > 0.0) == self.eastward;
        match chord {
            Orientation::Collinear => true,
            _ if side == 0.0 => true,
            Orientation::CounterClockwise => !geodesic_north,
            Orientation::Clockwise => geodesic_north,
        }
    }
}

/// Where the edge from `a` to `b` is seen from `c` (all in the polygon's
/// frame): on it, crossing the meridian of `c` north of it, or neither.
/// The chord answers unless the edge is `curved` and `c` may lie in its
/// lune ([`Curved::may_differ`]), where the geodesic does
/// ([`Segment::side`]).
pub(super) fn crossing(a: Coord, b: Coord, curved: Option<&Curved>, c: Coord) -> Cross {
    let (w, e) = if a.x <= b.x { (a, b) } else { (b, a) };
    if c.x < w.x || c.x > e.x {
        return Cross::No;
    }
    if let Some(cv) = curved.filter(|cv| cv.may_differ(c)) {
        // Left of the geodesic's direction is north when it runs east.
        let side = cv.segment.side(c);
        if side == 0.0 {
            return Cross::On;
        }
        let south_of_edge = (side < 0.0) == cv.eastward;
        return if south_of_edge && c.x < e.x {
            Cross::North
        } else {
            Cross::No
        };
    }
    if w.x == e.x {
        // A meridian (or a point): on it or not; never crossed.
        let on = c.x == w.x && c.y >= w.y.min(e.y) && c.y <= w.y.max(e.y);
        return if on { Cross::On } else { Cross::No };
    }
    match <f64 as geo::GeoNum>::Ker::orient2d(w, e, c) {
        Orientation::Collinear => Cross::On,
        Orientation::Clockwise if c.x < e.x => Cross::North,
        _ => Cross::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance_m;
    use geographiclib_rs::InverseGeodesic;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    /// The chord's greatest distance from the geodesic, measured: points
    /// along the chord, each measured to the geodesic segment exactly.
    fn measured_stray(a: Coord, b: Coord) -> f64 {
        let seg = Segment::new(a, b);
        (1..200)
            .map(|i| {
                let t = i as f64 / 200.0;
                seg.distance(c(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
                    .0
            })
            .fold(0.0, f64::max)
    }

    /// The bound holds for edges from 100 m to 1,000 km anywhere between
    /// 85° S and 85° N, in every direction, and is within a quarter of the
    /// measured stray for edges under 1° running mostly east–west (where
    /// the stray is largest and the tolerance decides).
    #[test]
    fn the_stray_bound_holds_and_is_tight() {
        let mut u = crate::query::test_uniform(0x57a7);
        let mut tight = 0;
        for _ in 0..3000 {
            let a = c(u() * 360.0 - 180.0, u() * 170.0 - 85.0);
            let len_deg = 10f64.powf(u() * 4.0 - 3.0); // 0.001° to 10°
            let t = u() * std::f64::consts::TAU;
            let b = c(
                a.x + len_deg * t.cos(),
                (a.y + len_deg * t.sin()).clamp(-85.0, 85.0),
            );
            let bound = chord_stray_bound_m(a, b);
            let stray = measured_stray(a, b);
            assert!(
                stray <= bound + 1e-6,
                "{a:?}-{b:?}: stray {stray} > bound {bound}"
            );
            let east_west = (b.y - a.y).abs() < 0.3 * (b.x - a.x).abs();
            if stray > 0.01 && east_west && len_deg < 1.0 && a.y.abs().min(b.y.abs()) > 5.0 {
                assert!(
                    bound < 1.25 * stray,
                    "{a:?}-{b:?}: bound {bound}, stray {stray}"
                );
                tight += 1;
            }
        }
        assert!(tight > 200, "{tight}");
    }

    /// A chord along a parallel: the stray of an east–west edge of length
    /// L at latitude φ is about L² tan φ / (8N), which the bound meets.
    #[test]
    fn an_east_west_chord_strays_as_a_parallel_does() {
        for lat in [10.0, 35.0, 60.0] {
            let (a, b) = (c(70.0, lat), c(70.2, lat));
            let len = distance_m(a, b);
            let expected = len * len * f64::to_radians(lat).tan() / (8.0 * WGS84_A);
            let stray = measured_stray(a, b);
            assert!(
                (stray / expected - 1.0).abs() < 0.02,
                "{lat}: {stray} vs {expected}"
            );
            let bound = chord_stray_bound_m(a, b);
            assert!(
                bound >= stray && bound < 1.12 * stray,
                "{lat}: {bound} vs {stray}"
            );
        }
    }

    #[test]
    fn meridians_are_straight() {
        assert_eq!(chord_stray_bound_m(c(98.0, 28.0), c(98.0, 42.0)), 0.0);
        assert!(is_straight(c(98.0, 28.0), c(98.0, 42.0)));
    }

    /// Edges settled without the bound's trigonometry are straight by it.
    #[test]
    fn the_quick_test_agrees_with_the_bound() {
        let mut u = crate::query::test_uniform(77);
        for _ in 0..20_000 {
            let a = c(u() * 360.0 - 180.0, u() * 160.0 - 80.0);
            let b = c(
                a.x + 0.05 * u() - 0.025,
                (a.y + 0.05 * u() - 0.025).clamp(-79.99, 79.99),
            );
            if is_straight(a, b) {
                assert!(
                    chord_stray_bound_m(a, b) <= CHORD_TOLERANCE_M,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// The geodesic answers inside the lune: a 20° edge along 40° N bulges
    /// north, so a point just north of the chord at its middle is south of
    /// the edge (the edge crosses its meridian to the north).
    #[test]
    fn the_geodesic_decides_in_the_lune() {
        let (a, b) = (c(60.0, 40.0), c(80.0, 40.0));
        let cv = Curved::new(a, b);
        assert!(cv.lune[3] > 40.4, "{:?}", cv.lune);
        let p = c(70.0, 40.3);
        assert_eq!(crossing(a, b, Some(&cv), p), Cross::North);
        assert_eq!(crossing(b, a, Some(&cv), p), Cross::North);
        // The chord alone says the edge is south of it.
        assert_eq!(crossing(a, b, None, p), Cross::No);
        assert!(cv.may_differ(p) && cv.differs(p));
        assert!(cv.differs(c(70.0, 40.0)), "on the chord");
        assert!(!cv.differs(c(70.0, 39.9)), "south of both");
        // North of the bulge: no crossing either way.
        assert_eq!(crossing(a, b, Some(&cv), c(70.0, 41.0)), Cross::No);
        // The vertices are on the edge.
        assert_eq!(crossing(a, b, Some(&cv), a), Cross::On);
        assert_eq!(crossing(a, b, Some(&cv), b), Cross::On);
    }

    /// The band holds the lune: points of the geodesic (GeographicLib's
    /// direct problem) of random long edges are all within it.
    #[test]
    fn the_band_holds_the_geodesic() {
        use geographiclib_rs::DirectGeodesic;
        let mut u = crate::query::test_uniform(0xba2d);
        let g = crate::geodesy::wgs84();
        let mut seen = 0;
        for _ in 0..500 {
            let a = c(u() * 300.0 - 150.0, u() * 160.0 - 80.0);
            let len = 10f64.powf(u() * 2.5 - 1.0); // 0.1° to 30°
            let t = u() * std::f64::consts::TAU;
            let b = c(
                a.x + len * t.cos(),
                (a.y + len * t.sin()).clamp(-85.0, 85.0),
            );
            if is_straight(a, b) || crate::geodesy::distance_m(a, b) > 5e6 {
                continue;
            }
            let cv = Curved::new(a, b);
            let (s12, azi1, _, _): (f64, f64, f64, f64) =
                crate::geodesy::wgs84().inverse(a.y, a.x, b.y, b.x);
            for i in 1..100 {
                let (lat, lon): (f64, f64) = g.direct(a.y, a.x, azi1, s12 * i as f64 / 100.0);
                // In the polygon's frame: within 180° of `a`.
                let x = a.x + (lon - a.x + 540.0).rem_euclid(360.0) - 180.0;
                let p = c(x, lat);
                if p.x > cv.west.x && p.x < cv.east.x {
                    assert!(
                        cv.may_differ(p),
                        "{a:?}-{b:?}: {p:?} outside the band {}",
                        cv.band
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 10_000, "{seen}");
    }
}
