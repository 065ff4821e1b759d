//! Lambert conformal conic projection on the ellipsoid, fitted to a map
//! extent: conformal (shapes and the scale bar hold in every direction),
//! true scale on two standard parallels at 1/6 and 5/6 of the extent's
//! latitude range, centred on the extent.
//!
//! # References
//! J. P. Snyder, *Map Projections — A Working Manual*, USGS Professional
//! Paper 1395 (1987), §15, equations 15-1 to 15-11 and 7-9, 14-15.

use geo::Coord;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

/// WGS84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// A Lambert conformal conic projection.
#[derive(Debug, Clone, Copy)]
pub struct Lcc {
    e: f64,
    n: f64,
    af: f64,
    rho0: f64,
    lon0: f64,
}

fn m(e: f64, phi: f64) -> f64 {
    phi.cos() / (1.0 - (e * phi.sin()).powi(2)).sqrt()
}

fn t(e: f64, phi: f64) -> f64 {
    let es = e * phi.sin();
    (FRAC_PI_4 - phi / 2.0).tan() / ((1.0 - es) / (1.0 + es)).powf(e / 2.0)
}

impl Lcc {
    /// A projection on an ellipsoid (`a` metres, squared eccentricity `e2`)
    /// with standard parallels `lat1`, `lat2`, origin latitude `lat0` and
    /// central meridian `lon0` (degrees).
    pub fn with_ellipsoid(a: f64, e2: f64, lat1: f64, lat2: f64, lat0: f64, lon0: f64) -> Self {
        let e = e2.sqrt();
        let (p1, p2, p0) = (lat1.to_radians(), lat2.to_radians(), lat0.to_radians());
        let (m1, m2) = (m(e, p1), m(e, p2));
        let (t1, t2, t0) = (t(e, p1), t(e, p2), t(e, p0));
        let n = if (p1 - p2).abs() < 1e-10 {
            p1.sin()
        } else {
            (m1.ln() - m2.ln()) / (t1.ln() - t2.ln())
        };
        let f = m1 / (n * t1.powf(n));
        Lcc {
            e,
            n,
            af: a * f,
            rho0: a * f * t0.powf(n),
            lon0,
        }
    }

    /// On WGS84.
    pub fn wgs84(lat1: f64, lat2: f64, lat0: f64, lon0: f64) -> Self {
        Self::with_ellipsoid(WGS84_A, WGS84_F * (2.0 - WGS84_F), lat1, lat2, lat0, lon0)
    }

    /// Suited to an extent: standard parallels at 1/6 and 5/6 of its
    /// latitude range, origin and central meridian at its centre.
    pub fn for_extent(min: Coord, max: Coord) -> Self {
        let dl = max.y - min.y;
        Self::wgs84(
            min.y + dl / 6.0,
            max.y - dl / 6.0,
            (min.y + max.y) / 2.0,
            (min.x + max.x) / 2.0,
        )
    }

    /// Project lon/lat (degrees) to x/y (metres, y north).
    ///
    /// # Units
    /// Degrees in, metres out.
    pub fn forward(&self, c: Coord) -> (f64, f64) {
        let phi = c.y.to_radians().clamp(-FRAC_PI_2 + 1e-9, FRAC_PI_2 - 1e-9);
        let rho = self.af * t(self.e, phi).powf(self.n);
        let mut dl = c.x - self.lon0;
        if dl > 180.0 {
            dl -= 360.0;
        } else if dl < -180.0 {
            dl += 360.0;
        }
        let theta = self.n * dl.to_radians();
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }

    /// Unproject x/y (metres) to lon/lat (degrees).
    ///
    /// # Units
    /// Metres in, degrees out.
    pub fn inverse(&self, x: f64, y: f64) -> Coord {
        let s = self.n.signum();
        let dy = self.rho0 - y;
        let rho = s * (x * x + dy * dy).sqrt();
        let theta = (s * x).atan2(s * dy);
        let tt = (rho / self.af).powf(1.0 / self.n);
        let mut phi = FRAC_PI_2 - 2.0 * tt.atan();
        for _ in 0..15 {
            let es = self.e * phi.sin();
            let next = FRAC_PI_2 - 2.0 * (tt * ((1.0 - es) / (1.0 + es)).powf(self.e / 2.0)).atan();
            if (next - phi).abs() < 1e-14 {
                phi = next;
                break;
            }
            phi = next;
        }
        Coord {
            x: self.lon0 + (theta / self.n).to_degrees(),
            y: phi.to_degrees(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snyder_worked_example() {
        // Snyder (1987), p. 296: Clarke 1866, standard parallels 33° and 45°,
        // origin 23° N 96° W; 35° N 75° W → x = 1,894,410.9 m, y = 1,564,649.5 m.
        let p = Lcc::with_ellipsoid(6_378_206.4, 0.006_768_66, 33.0, 45.0, 23.0, -96.0);
        let (x, y) = p.forward(Coord { x: -75.0, y: 35.0 });
        assert!((x - 1_894_410.9).abs() < 0.5, "{x}");
        assert!((y - 1_564_649.5).abs() < 0.5, "{y}");
        let back = p.inverse(x, y);
        assert!((back.x + 75.0).abs() < 1e-9 && (back.y - 35.0).abs() < 1e-9);
    }
}
