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

use geo::Coord;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;

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
}

impl ConformalSphere {
    /// A sphere for a layer whose features lie in `bbox` (min lon, min lat,
    /// max lon, max lat) with pieces no longer than `piece_m`, answering
    /// for points up to 8° beyond it; `None` where the layer is too large
    /// or too near a pole for tight bounds.
    pub fn fitted(bbox: [f64; 4], piece_m: f64) -> Option<ConformalSphere> {
        let zone = [bbox[0] - 8.0, bbox[1] - 8.0, bbox[2] + 8.0, bbox[3] + 8.0];
        if zone[2] - zone[0] > 40.0 || zone[3] - zone[1] > 30.0 || zone[1] < -70.0 || zone[3] > 70.0
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
        Some(s)
    }

    /// Conformal latitude on the sphere, radians, for geodetic `phi` (radians).
    fn chi(&self, phi: f64) -> f64 {
        2.0 * (self.k_const * iso(self.e, phi).powf(self.c)).atan() - FRAC_PI_2
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
        // Monotone: the largest value is at an end (plus the sampling slack
        // already in k_zone, which also caps it).
        (self.k(a).max(self.k(b)) * (1.0 + 1e-12)).min(self.k_zone)
    }
}

/// tan(π/4 + φ/2)·((1 − e sin φ)/(1 + e sin φ))^(e/2).
fn iso(e: f64, phi: f64) -> f64 {
    let es = e * phi.sin();
    (FRAC_PI_4 + phi / 2.0).tan() * ((1.0 - es) / (1.0 + es)).powf(e / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut x = 3u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
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
}
