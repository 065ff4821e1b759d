//! Gauss's conformal sphere, fitted to a layer, for ranking distance
//! candidates with a bound tight enough that a query measures two or three
//! segments instead of dozens.
//!
//! The ellipsoid is mapped conformally onto a sphere of radius
//! R = √(M₀N₀) (Gauss's double projection: conformal latitude χ from φ,
//! scaled by c so that the scale factor k is 1 at the fitted latitude φ₀
//! with its first and second derivatives 0 there). The map stretches every
//! curve near a point by the scale factor k there, and k depends on
//! latitude only; over a band of ±7° it stays within 5e-6 of 1 (the
//! geodetic-latitude sphere frontier ranks with otherwise is off by up to
//! 0.6%).
//!
//! The bound: the ellipsoidal geodesic from a point p to its nearest point
//! x on a segment maps to a curve on the sphere no longer than k_max times
//! its length, where k_max is the largest scale factor on the geodesic; the
//! sphere's great-circle distance from the images of p to x is no longer
//! still. So d(p, segment) ≥ R·σ(p′, x′)/k_max ≥ (R·σ(p′, arc′) − δ)/k_max,
//! where arc′ is the great-circle arc between the images of the segment's
//! ends and δ bounds how far the image of the segment strays from that arc.
//! k_max is taken over every latitude the geodesic can reach: the latitudes
//! of its ends widened by the most a geodesic inside the zone can bulge
//! towards the pole.
//!
//! # References
//! - J. P. Snyder, *Map Projections — A Working Manual*, USGS Professional
//!   Paper 1395 (1987), §3: conformal latitude, equation 3-1.
//! - IOGP, *Coordinate Conversions and Transformations including Formulas*,
//!   Geomatics Guidance Note 7 part 2, Oblique Stereographic (EPSG method
//!   9809): Gauss's conformal sphere, its radius R = √(ρ₀ν₀) and exponent
//!   n (here `c`); the constant K here fixes the sphere's latitude at φ₀
//!   to χ₀ = asin(sin φ₀ / c), as in Schreiber's form used for the Swiss
//!   federal projection.

#[cfg(test)]
use super::sphere::angle;
use super::sphere::dot;
use geo::Coord;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

use crate::geodesy::{WGS84_A as A, WGS84_F as F};

/// Latitude samples per degree for the scale-factor checks at build.
const SAMPLES_PER_DEG: f64 = 200.0;

/// The conformal sphere and the zone of points it answers for.
#[derive(Debug, Clone)]
pub(crate) struct ConformalSphere {
    e: f64,
    c: f64,
    k_const: f64,
    /// Radius of the sphere, metres.
    pub r: f64,
    lon0: f64,
    /// Query points must lie in this box (degrees).
    zone: [f64; 4],
    /// Every geodesic between two points of the zone stays within these
    /// latitudes.
    reach: (f64, f64),
    /// How far (degrees) a geodesic between two points of the zone can
    /// reach beyond the latitudes of its ends.
    bulge: f64,
    /// Largest scale factor over `reach`.
    pub k_zone: f64,
    /// The scale factor only grows, or only falls, with latitude over
    /// `reach` (so its largest value on an interval is at an end).
    monotone: bool,
    /// Bound on how far the image of a segment piece strays from the
    /// great-circle arc between its ends' images, metres.
    pub delta: f64,
    /// k at latitudes `k_lat0 + i·K_STEP` degrees over the reach, for
    /// [`ConformalSphere::k_max`] without transcendental functions.
    k_lat0: f64,
    k_tab: Vec<f64>,
    /// 1/k (ellipsoid length per sphere length) at z = sin χ equal to
    /// `w_z0 + i·w_dz` over the reach, for [`ConformalSphere::length`].
    w_z0: f64,
    w_dz: f64,
    w_per_dz: f64,
    w_tab: Vec<f64>,
    /// φ − χ on the same grid, to start [`Self::geo`]'s iteration.
    lift_tab: Vec<f64>,
    /// sin χ, cos χ and dχ/dφ at φ = `chi_lat0 + i·TRIG_STEP` (radians)
    /// over the reach, for [`Self::unit`] by cubic Hermite interpolation.
    chi_lat0: f64,
    chi_tab: Vec<Trig>,
}

/// A sine and cosine, and the slope of their angle against the table's
/// variable.
#[derive(Debug, Clone, Copy)]
struct Trig {
    sin: f64,
    cos: f64,
    slope: f64,
}

impl Trig {
    fn of(angle: f64, slope: f64) -> Trig {
        let (sin, cos) = angle.sin_cos();
        Trig { sin, cos, slope }
    }
}

/// The sine and cosine at `x` (in steps of `TRIG_STEP` from the table's
/// start) by cubic Hermite interpolation between the two nearest entries
/// (their values and slopes exact); `None` off the table.
fn trig_at(tab: &[Trig], x: f64) -> Option<(f64, f64)> {
    if !(x >= 0.0 && x < (tab.len() - 1) as f64) {
        return None;
    }
    let i = x as usize;
    let t = x - i as f64;
    let (a, b) = (tab[i], tab[i + 1]);
    let (t2, t3) = (t * t, t * t * t);
    let (h00, h10, h01, h11) = (
        2.0 * t3 - 3.0 * t2 + 1.0,
        (t3 - 2.0 * t2 + t) * TRIG_STEP,
        3.0 * t2 - 2.0 * t3,
        (t3 - t2) * TRIG_STEP,
    );
    // d(sin θ) = cos θ·dθ, d(cos θ) = −sin θ·dθ.
    let sin = h00 * a.sin + h10 * a.cos * a.slope + h01 * b.sin + h11 * b.cos * b.slope;
    let cos = h00 * a.cos - h10 * a.sin * a.slope + h01 * b.cos - h11 * b.sin * b.slope;
    Some((sin, cos))
}

/// Latitude step (degrees) of the scale-factor table.
const K_STEP: f64 = 0.01;
/// A Gauss–Legendre rule on [−1, 1]: the weight of its node at 0 (0 for
/// rules with an even number of points) and its positive nodes with their
/// weights (the negative nodes mirror them). Abramowitz and Stegun,
/// *Handbook of Mathematical Functions* (1964), table 25.4.
struct Rule<const N: usize> {
    centre: f64,
    pairs: [(f64, f64); N],
}

const GAUSS_2: Rule<1> = Rule {
    centre: 0.0,
    pairs: [(0.577_350_269_189_625_8, 1.0)],
};
const GAUSS_3: Rule<1> = Rule {
    centre: 8.0 / 9.0,
    pairs: [(0.774_596_669_241_483_4, 5.0 / 9.0)],
};
const GAUSS_4: Rule<2> = Rule {
    centre: 0.0,
    pairs: [
        (0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
        (0.861_136_311_594_052_6, 0.347_854_845_137_453_9),
    ],
};
const GAUSS_5: Rule<2> = Rule {
    centre: 0.568_888_888_888_888_9,
    pairs: [
        (0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
        (0.906_179_845_938_664, 0.236_926_885_056_189_1),
    ],
};
const GAUSS_6: Rule<3> = Rule {
    centre: 0.0,
    pairs: [
        (0.238_619_186_083_196_9, 0.467_913_934_572_691),
        (0.661_209_386_466_264_5, 0.360_761_573_048_138_6),
        (0.932_469_514_203_152, 0.171_324_492_379_170_3),
    ],
};
/// The longest arc (radians) the rules with 2, 3, 4, 5 and 6 points
/// integrate.
const GAUSS_REACH: [f64; 5] = [0.05, 0.12, 0.25, 0.45, 0.90];
/// Entries of the table of 1/k against sin χ.
const W_SIZE: usize = 4096;
/// Step (radians, 0.05°) of the tables of sines and cosines for
/// [`ConformalSphere::unit`]. A cubic Hermite interpolant through exact
/// values and slopes errs by at most h⁴/384 times the largest fourth
/// derivative (about 1e-15 here, a few nanometres on the sphere; checked
/// in the tests).
const TRIG_STEP: f64 = 0.05 * std::f64::consts::PI / 180.0;

impl ConformalSphere {
    /// A sphere for a layer whose features lie in `bbox` (min lon, min lat,
    /// max lon, max lat) with pieces no longer than `piece_m`, answering
    /// for points up to 8° beyond it; `None` where the layer is too large
    /// or too near a pole for tight bounds.
    pub fn fitted(bbox: [f64; 4], piece_m: f64) -> Option<ConformalSphere> {
        let zone = [bbox[0] - 8.0, bbox[1] - 8.0, bbox[2] + 8.0, bbox[3] + 8.0];
        if zone[2] - zone[0] > 40.0 || zone[3] - zone[1] > 34.0 || zone[1] < -70.0 || zone[3] > 70.0
        {
            return None;
        }
        let e2 = F * (2.0 - F);
        let e = e2.sqrt();
        let phi0 = ((bbox[1] + bbox[3]) / 2.0).to_radians();
        let c = (1.0 + e2 * phi0.cos().powi(4) / (1.0 - e2)).sqrt();
        let chi0 = (phi0.sin() / c).asin();
        let k_const = (FRAC_PI_4 + chi0 / 2.0).tan() / iso(e, phi0).powf(c);
        let r = A * (1.0 - e2).sqrt() / (1.0 - e2 * phi0.sin().powi(2));
        // A geodesic between two points of the zone reaches no further
        // towards a pole than the great circle between the zone's poleward
        // corners (tan φ_v = tan φ / cos(Δλ/2)), plus half a degree for the
        // ellipsoid's difference from the sphere and safety.
        let half_dlon = ((zone[2] - zone[0]) / 2.0).to_radians();
        let bulge = |phi: f64| -> f64 {
            let p = phi.abs().to_radians();
            ((p.tan() / half_dlon.cos()).atan().to_degrees() - phi.abs()).max(0.0) + 0.5
        };
        let widest = bulge(zone[1]).max(bulge(zone[3]));
        let reach = (zone[1] - widest, zone[3] + widest);
        let mut s = ConformalSphere {
            e,
            c,
            k_const,
            r,
            lon0: (bbox[0] + bbox[2]) / 2.0,
            zone,
            reach,
            bulge: widest,
            k_zone: 0.0,
            monotone: false,
            delta: 0.0,
            k_lat0: reach.0,
            k_tab: Vec::new(),
            w_z0: 0.0,
            w_dz: 0.0,
            w_per_dz: 0.0,
            w_tab: Vec::new(),
            lift_tab: Vec::new(),
            chi_lat0: reach.0.to_radians(),
            chi_tab: Vec::new(),
        };
        // Sample k over the reach: its largest value (less the most it can
        // rise between samples), whether it is monotone, and its steepest
        // slope, which bounds the geodesic curvature of a geodesic's image
        // (|∇ ln k|) and so how far a piece strays from its chord's arc.
        let n = ((reach.1 - reach.0) * SAMPLES_PER_DEG).ceil() as usize;
        let step = (reach.1 - reach.0) / n as f64;
        let ks: Vec<f64> = (0..=n).map(|i| s.k(reach.0 + step * i as f64)).collect();
        let slope = ks
            .windows(2)
            .map(|w| (w[1] - w[0]).abs() / step.to_radians())
            .fold(0.0, f64::max);
        let rises = ks.windows(2).all(|w| w[1] >= w[0]);
        let falls = ks.windows(2).all(|w| w[1] <= w[0]);
        s.monotone = rises || falls;
        // Between samples k can exceed its sampled values by at most the
        // slope times a step (twice, for safety).
        s.k_zone = ks.iter().copied().fold(0.0, f64::max) + 2.0 * slope * step.to_radians();
        // Curvature of a geodesic's image ≤ |dk/dφ| / (k·M) per metre; a
        // piece of length L strays from its chord by at most κL²/8.
        let m_min = A * (1.0 - e2);
        let kappa = 2.0 * slope / m_min;
        s.delta = kappa * piece_m * piece_m / 8.0 + 1e-3;
        // Tables: k on a fine latitude grid (monotone, so its largest value
        // on a cell of the grid is at one of the cell's ends), and 1/k
        // against sin χ for integrating lengths along great circles.
        let nk = ((reach.1 - reach.0) / K_STEP).ceil() as usize + 1;
        s.k_tab = (0..=nk).map(|i| s.k(reach.0 + K_STEP * i as f64)).collect();
        let z0 = s.chi(reach.0.to_radians()).sin();
        let z1 = s.chi(reach.1.to_radians()).sin();
        s.w_z0 = z0;
        s.w_dz = (z1 - z0) / (W_SIZE - 1) as f64;
        s.w_per_dz = 1.0 / s.w_dz;
        // Each entry's iteration starts from its neighbour's φ − χ.
        let mut lift = 0.0;
        let (w_tab, lift_tab) = (0..W_SIZE)
            .map(|i| {
                let chi = (z0 + s.w_dz * i as f64).clamp(-1.0, 1.0).asin();
                let phi = s.phi_from(chi, chi + lift);
                lift = phi - chi;
                (1.0 / s.k(phi.to_degrees()), lift)
            })
            .unzip();
        s.w_tab = w_tab;
        s.lift_tab = lift_tab;
        let n_chi = ((reach.1 - reach.0).to_radians() / TRIG_STEP).ceil() as usize + 1;
        s.chi_tab = (0..=n_chi)
            .map(|i| {
                let phi = s.chi_lat0 + TRIG_STEP * i as f64;
                Trig::of(s.chi(phi), s.chi_slope(phi))
            })
            .collect();
        Some(s)
    }

    /// Geodetic latitude (radians) of conformal latitude `chi` (radians):
    /// the inverse of [`Self::chi`], by fixed-point iteration from `start`
    /// (each step gains a factor of about e² ≈ 0.007).
    fn phi_from(&self, chi: f64, start: f64) -> f64 {
        let big_s = ((FRAC_PI_4 + chi / 2.0).tan() / self.k_const).powf(1.0 / self.c);
        let mut phi = start;
        for _ in 0..20 {
            let es = self.e * phi.sin();
            let next =
                2.0 * (big_s * ((1.0 + es) / (1.0 - es)).powf(self.e / 2.0)).atan() - FRAC_PI_2;
            let done = (next - phi).abs() < 1e-15;
            phi = next;
            if done {
                break;
            }
        }
        phi
    }

    /// The point (degrees) whose image is the unit vector `u`: the inverse
    /// of [`Self::unit`].
    pub fn geo(&self, u: [f64; 3]) -> Coord {
        let chi = u[2].atan2(u[0].hypot(u[1]));
        let lon = self.lon0 + (u[1].atan2(u[0]) / self.c).to_degrees();
        // From the tabled φ − χ, a step or two of the iteration suffices.
        let start = chi + self.interpolate(&self.lift_tab, u[2]);
        Coord {
            x: lon,
            y: self.phi_from(chi, start).to_degrees(),
        }
    }

    /// 1/k at sin χ = `z`, interpolated in the table.
    fn w(&self, z: f64) -> f64 {
        self.interpolate(&self.w_tab, z)
    }

    /// A table over sin χ, interpolated at `z`.
    fn interpolate(&self, tab: &[f64], z: f64) -> f64 {
        let x = ((z - self.w_z0) * self.w_per_dz).clamp(0.0, (W_SIZE - 1) as f64);
        let i = (x as usize).min(W_SIZE - 2);
        let f = x - i as f64;
        tab[i] + f * (tab[i + 1] - tab[i])
    }

    /// The ellipsoidal length of the curve whose image is the great-circle
    /// arc from `u` to `v` (unit vectors): R times the integral of 1/k along
    /// the arc, by Gauss–Legendre quadrature (1/k is smooth and within 2e-5
    /// of 1). The shortest path between the preimages is at most this long,
    /// and shorter only by second-order terms (the great circle is the
    /// shortest path for a metric that differs from the sphere's by a
    /// factor within 2e-5 of 1): far below a millimetre over the zone,
    /// checked against GeographicLib in the tests.
    ///
    /// # Units
    /// Metres.
    pub fn length(&self, u: [f64; 3], v: [f64; 3]) -> f64 {
        let (s, d) = (sum3(u, v), diff3(v, u));
        self.length_with(s, d, 2.0 * norm3(d).atan2(norm3(s)))
    }

    /// The length of the path between `u` and `v` (see [`Self::length`]),
    /// when the angle `sigma` between them is known.
    ///
    /// # Units
    /// Radians in, metres out.
    pub fn length_over(&self, u: [f64; 3], v: [f64; 3], sigma: f64) -> f64 {
        self.length_with(sum3(u, v), diff3(v, u), sigma)
    }

    /// The length of the arc of angle `sigma` whose ends' sum is `s` and
    /// difference `d`: the point at angle δ from the arc's midpoint
    /// m = s/|s| towards its end is cos δ·m + sin δ·t, with t = d/|d| the
    /// unit tangent there, so the nodes of the rule come in pairs about the
    /// midpoint, each pair from one sine and cosine. The rule's points grow
    /// with the arc (2 up to 0.05 rad, 6 up to 0.9 rad; longer arcs are
    /// halved), keeping the quadrature within 0.1 mm of a fine Simpson's
    /// rule over every zone (tested).
    fn length_with(&self, s: [f64; 3], d: [f64; 3], sigma: f64) -> f64 {
        if sigma == 0.0 {
            return 0.0;
        }
        let (sn, dn) = (norm3(s), norm3(d));
        if sigma > GAUSS_REACH[GAUSS_REACH.len() - 1] {
            // Halves: from an end u = (s − d)/2 to the midpoint m, and from
            // m to the other end v = (s + d)/2.
            let m = [s[0] / sn, s[1] / sn, s[2] / sn];
            let (u, v) = (
                [
                    (s[0] - d[0]) / 2.0,
                    (s[1] - d[1]) / 2.0,
                    (s[2] - d[2]) / 2.0,
                ],
                [
                    (s[0] + d[0]) / 2.0,
                    (s[1] + d[1]) / 2.0,
                    (s[2] + d[2]) / 2.0,
                ],
            );
            return self.length_over(u, m, sigma / 2.0) + self.length_over(m, v, sigma / 2.0);
        }
        let (zm, zt) = (s[2] / sn, d[2] / dn);
        let sum = if sigma <= GAUSS_REACH[0] {
            self.gauss(&GAUSS_2, zm, zt, sigma)
        } else if sigma <= GAUSS_REACH[1] {
            self.gauss(&GAUSS_3, zm, zt, sigma)
        } else if sigma <= GAUSS_REACH[2] {
            self.gauss(&GAUSS_4, zm, zt, sigma)
        } else if sigma <= GAUSS_REACH[3] {
            self.gauss(&GAUSS_5, zm, zt, sigma)
        } else {
            self.gauss(&GAUSS_6, zm, zt, sigma)
        };
        self.r * sigma * sum / 2.0
    }

    /// The rule's weighted sum of 1/k over an arc of angle `sigma` whose
    /// midpoint has z = `zm` and whose tangent there has z = `zt`.
    #[inline(always)]
    fn gauss<const N: usize>(&self, rule: &Rule<N>, zm: f64, zt: f64, sigma: f64) -> f64 {
        let mut sum = if rule.centre != 0.0 {
            rule.centre * self.w(zm)
        } else {
            0.0
        };
        for &(x, w) in &rule.pairs {
            let (sd, cd) = node_sin_cos(x * sigma / 2.0);
            sum += w * (self.w(cd * zm + sd * zt) + self.w(cd * zm - sd * zt));
        }
        sum
    }

    /// Conformal latitude on the sphere, radians, for geodetic `phi` (radians).
    fn chi(&self, phi: f64) -> f64 {
        2.0 * (self.k_const * iso(self.e, phi).powf(self.c)).atan() - FRAC_PI_2
    }

    /// dχ/dφ: c·cos χ·dψ/dφ, with the isometric latitude's slope
    /// dψ/dφ = (1 − e²)/((1 − e² sin² φ)·cos φ).
    fn chi_slope(&self, phi: f64) -> f64 {
        let e2 = self.e * self.e;
        let s = phi.sin();
        self.c * self.chi(phi).cos() * (1.0 - e2) / ((1.0 - e2 * s * s) * phi.cos())
    }

    /// The scale factor (sphere length per ellipsoid length) at latitude
    /// `lat` (degrees).
    pub fn k(&self, lat: f64) -> f64 {
        let p = lat.to_radians();
        let e2 = self.e * self.e;
        let n = A / (1.0 - e2 * p.sin().powi(2)).sqrt();
        self.r * self.c * self.chi(p).cos() / (n * p.cos())
    }

    /// Whether the bounds hold for a query point.
    pub fn holds_for(&self, p: Coord) -> bool {
        p.x >= self.zone[0] && p.x <= self.zone[2] && p.y >= self.zone[1] && p.y <= self.zone[3]
    }

    /// The image of a point as a unit vector.
    pub fn unit(&self, q: Coord) -> [f64; 3] {
        let phi = q.y.to_radians();
        let (sc, cc) = trig_at(&self.chi_tab, (phi - self.chi_lat0) / TRIG_STEP)
            .unwrap_or_else(|| self.chi(phi).sin_cos());
        // Within any zone |λ| is at most 0.35 rad (half of at most 40°,
        // times c < 1.004), inside the series' range.
        let (sl, cl) = node_sin_cos(self.c * (q.x - self.lon0).to_radians());
        [cc * cl, cc * sl, sc]
    }

    /// [`Self::unit`] by the formulas alone, for the tests.
    #[cfg(test)]
    fn unit_exact(&self, q: Coord) -> [f64; 3] {
        let chi = self.chi(q.y.to_radians());
        let lam = self.c * (q.x - self.lon0).to_radians();
        let (sc, cc) = chi.sin_cos();
        let (sl, cl) = lam.sin_cos();
        [cc * cl, cc * sl, sc]
    }

    /// The largest scale factor on any geodesic between points at
    /// latitudes within `lo..=hi` (degrees) in the zone.
    pub fn k_max(&self, lo: f64, hi: f64) -> f64 {
        if !self.monotone {
            return self.k_zone;
        }
        let (a, b) = (
            (lo - self.bulge).max(self.reach.0),
            (hi + self.bulge).min(self.reach.1),
        );
        // Monotone: the largest value is at an end of the interval, and no
        // larger than the larger of the table's values around that end.
        let around = |lat: f64| {
            let i = (((lat - self.k_lat0) / K_STEP) as usize).min(self.k_tab.len() - 2);
            self.k_tab[i].max(self.k_tab[i + 1])
        };
        (around(a).max(around(b)) * (1.0 + 1e-12)).min(self.k_zone)
    }
}

/// sin h and cos h: for |h| ≤ 0.45 (the farthest node of a rule from its
/// arc's midpoint) by their Taylor series to h¹³ and h¹⁴, whose next terms
/// (below 5e-18) vanish in rounding.
fn node_sin_cos(h: f64) -> (f64, f64) {
    // 1/(2n(2n+1)) and 1/((2n−1)2n): the ratios of successive terms.
    const S: [f64; 6] = [
        1.0 / 6.0,
        1.0 / 20.0,
        1.0 / 42.0,
        1.0 / 72.0,
        1.0 / 110.0,
        1.0 / 156.0,
    ];
    const C: [f64; 6] = [
        1.0 / 2.0,
        1.0 / 12.0,
        1.0 / 30.0,
        1.0 / 56.0,
        1.0 / 90.0,
        1.0 / 132.0,
    ];
    if h.abs() > 0.45 {
        return h.sin_cos();
    }
    let h2 = h * h;
    let (mut sin, mut cos) = (1.0, 1.0);
    for i in (0..6).rev() {
        sin = 1.0 - h2 * S[i] * sin;
        cos = 1.0 - h2 * C[i] * cos;
    }
    (h * sin, cos)
}

fn sum3(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn diff3(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn norm3(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// tan(π/4 + φ/2)·((1 − e sin φ)/(1 + e sin φ))^(e/2).
fn iso(e: f64, phi: f64) -> f64 {
    let es = e * phi.sin();
    (FRAC_PI_4 + phi / 2.0).tan() * ((1.0 - es) / (1.0 + es)).powf(e / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The boxes the tests fit spheres to: the Durand Line's, the largest
    /// box a sphere is fitted to at the highest latitudes allowed (north
    /// and south), and one on the equator.
    const BOXES: [[f64; 4]; 4] = [
        [60.8, 29.4, 77.8, 37.1],
        [0.0, 44.0, 24.0, 62.0],
        [-80.0, -62.0, -56.0, -44.0],
        [100.0, -9.0, 124.0, 9.0],
    ];

    /// A point uniform over the sphere's zone.
    fn in_zone(s: &ConformalSphere, next: &mut impl FnMut() -> f64) -> Coord {
        let [x0, y0, x1, y1] = s.zone;
        Coord {
            x: x0 + (x1 - x0) * next(),
            y: y0 + (y1 - y0) * next(),
        }
    }

    /// Seeded uniform numbers in [0, 1) (a 64-bit LCG's top 53 bits).
    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut x = seed;
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn the_scale_factor_is_one_at_the_fitted_latitude_and_flat_there() {
        let s = ConformalSphere::fitted([60.0, 29.0, 75.0, 37.0], 20_000.0).unwrap();
        assert!((s.k(33.0) - 1.0).abs() < 1e-12);
        for lat in [25.0, 30.0, 36.0, 41.0] {
            assert!((s.k(lat) - 1.0).abs() < 2e-5, "{lat}: {}", s.k(lat));
        }
        assert!(s.monotone);
        assert!(s.delta < 0.01, "{}", s.delta);
    }

    #[test]
    fn sphere_distances_bound_geodesic_ones() {
        // For points of the zone, R·σ/k_max ≤ the geodesic distance.
        let s = ConformalSphere::fitted([60.0, 29.0, 75.0, 37.0], 20_000.0).unwrap();
        let mut next = uniform(3);
        for _ in 0..2000 {
            let p = Coord {
                x: 52.0 + 31.0 * next(),
                y: 21.0 + 24.0 * next(),
            };
            let q = Coord {
                x: 52.0 + 31.0 * next(),
                y: 21.0 + 24.0 * next(),
            };
            let (up, uq) = (s.unit(p), s.unit(q));
            let dot = up[0] * uq[0] + up[1] * uq[1] + up[2] * uq[2];
            let cross = [
                up[1] * uq[2] - up[2] * uq[1],
                up[2] * uq[0] - up[0] * uq[2],
                up[0] * uq[1] - up[1] * uq[0],
            ];
            let sigma = (cross[0].powi(2) + cross[1].powi(2) + cross[2].powi(2))
                .sqrt()
                .atan2(dot);
            let d = crate::geodesy::distance_m(p, q);
            let lb = s.r * sigma / s.k_max(p.y.min(q.y), p.y.max(q.y));
            assert!(lb <= d + 1e-6, "{p:?} {q:?}: bound {lb} > {d}");
            // And tight: within 3e-5 of the distance.
            assert!(d - lb <= 3e-5 * d + 1e-6, "{p:?} {q:?}: {lb} vs {d}");
        }
    }

    /// The tabled image agrees with the formulas to 1e-14 (60 nm on the
    /// sphere) across the zone and beyond the tables; a wrong slope in a
    /// table (dropping the factor c from dχ/dφ) errs by 1e-7.
    #[test]
    fn images_from_the_tables_match_the_formulas() {
        let s = ConformalSphere::fitted([60.8, 29.4, 77.8, 37.1], 20_000.0).unwrap();
        let mut rnd = crate::query::test_uniform(11);
        let mut worst = 0.0f64;
        for _ in 0..200_000 {
            let q = Coord {
                x: 40.0 + 60.0 * rnd(),
                y: 5.0 + 55.0 * rnd(),
            };
            let (a, b) = (s.unit(q), s.unit_exact(q));
            for i in 0..3 {
                worst = worst.max((a[i] - b[i]).abs());
            }
        }
        assert!(worst < 1e-14, "worst {worst:e}");
    }

    /// The series agree with the library's sine and cosine over their range.
    #[test]
    fn node_sines_and_cosines() {
        for i in -45_000..=45_000 {
            let h = 0.45 * i as f64 / 45_000.0;
            let (s, c) = node_sin_cos(h);
            assert!(
                (s - h.sin()).abs() < 1.2e-16 && (c - h.cos()).abs() < 2.3e-16,
                "{h}: {:e} {:e}",
                s - h.sin(),
                c - h.cos()
            );
        }
    }

    #[test]
    fn points_come_back_from_the_sphere() {
        let s = ConformalSphere::fitted([60.8, 29.4, 77.8, 37.1], 20_000.0).unwrap();
        for (x, y) in [(61.0, 24.0), (69.3, 30.5), (85.0, 45.0), (52.9, 21.4)] {
            let q = s.geo(s.unit(Coord { x, y }));
            assert!(
                (q.x - x).abs() < 1e-11 && (q.y - y).abs() < 1e-11,
                "{x} {y}: {q:?}"
            );
        }
    }

    /// The Gauss–Legendre rules agree with Simpson's rule on 4,000
    /// intervals (the same integrand, to well under a micrometre) within
    /// 0.1 mm, for arcs of every length in four zones; the longest arcs of
    /// each rule are the worst. (With one point fewer in each rule the
    /// error grows to millimetres.)
    #[test]
    fn the_quadrature_matches_a_fine_simpson_rule() {
        fn simpson(s: &ConformalSphere, u: [f64; 3], v: [f64; 3]) -> f64 {
            let sigma = angle(u, v);
            let n = 4000;
            let cs = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
            let ss = (1.0 - cs * cs).sqrt().max(1e-300);
            let tz = (v[2] - cs * u[2]) / ss;
            let mut sum = s.w(u[2]) + s.w(v[2]);
            for i in 1..n {
                let (si, ci) = (sigma * i as f64 / n as f64).sin_cos();
                sum += if i % 2 == 1 { 4.0 } else { 2.0 } * s.w(ci * u[2] + si * tz);
            }
            s.r * sigma * sum / (3.0 * n as f64)
        }
        for bbox in BOXES {
            let s = ConformalSphere::fitted(bbox, 20_000.0).unwrap();
            let mut next = uniform(5);
            let mut worst = 0.0f64;
            for _ in 0..6_000 {
                let (p, q) = (in_zone(&s, &mut next), in_zone(&s, &mut next));
                let (u, v) = (s.unit(p), s.unit(q));
                if angle(u, v) < 1e-3 {
                    continue;
                }
                let e = (s.length(u, v) - simpson(&s, u, v)).abs();
                assert!(e < 1e-4, "{bbox:?}: {p:?} {q:?}: {e:e} m");
                worst = worst.max(e);
            }
            eprintln!("{bbox:?}: worst {worst:.1e} m");
        }
        // Arcs longer than the last rule's reach are halved: the widest
        // zone's opposite corners.
        let s = ConformalSphere::fitted([100.0, -9.0, 124.0, 9.0], 20_000.0).unwrap();
        let (u, v) = (
            s.unit(Coord { x: 92.0, y: -17.0 }),
            s.unit(Coord { x: 132.0, y: 17.0 }),
        );
        assert!(angle(u, v) > GAUSS_REACH[GAUSS_REACH.len() - 1]);
        let e = (s.length(u, v) - simpson(&s, u, v)).abs();
        assert!(e < 1e-4, "{e:e}");
    }

    #[test]
    fn lengths_on_the_sphere_match_geographiclib() {
        // Pairs anywhere in the zone of a layer's box, from metres to the
        // zone's whole width apart: the integrated length agrees with
        // GeographicLib's inverse problem to 1 cm (measured: -0.01 to
        // +1.0 mm in the Durand Line's zone, up to +4.3 mm in zones at
        // 36-70° N or S; positive as it must be, the length of a path being
        // no less than the geodesic's, but for the quadrature's own error).
        for bbox in BOXES {
            let s = ConformalSphere::fitted(bbox, 20_000.0).unwrap();
            let [x0, y0, x1, y1] = s.zone;
            let mut next = uniform(11);
            let (mut lo, mut hi) = (0.0f64, 0.0f64);
            for i in 0..10_000 {
                let p = in_zone(&s, &mut next);
                let q = if i % 2 == 0 {
                    in_zone(&s, &mut next)
                } else {
                    let r = 10f64.powf(next() * 4.0 - 3.0);
                    Coord {
                        x: (p.x + r * (next() - 0.5)).clamp(x0, x1),
                        y: (p.y + r * (next() - 0.5)).clamp(y0, y1),
                    }
                };
                let d = crate::geodesy::distance_m(p, q);
                let ours = s.length(s.unit(p), s.unit(q));
                lo = lo.min(ours - d);
                hi = hi.max(ours - d);
                assert!(
                    (ours - d).abs() < 1e-2,
                    "{bbox:?}: {p:?} {q:?}: {ours} vs GeographicLib {d}"
                );
            }
            eprintln!("{bbox:?}: differences from GeographicLib {lo:.2e} to {hi:.2e} m");
        }
    }
}
