//! Map projections on the ellipsoid, chosen to suit the extent
//! ([`Projection::for_extent`]): Lambert conformal conic for extents on one
//! side of the equator (true scale on two standard parallels at 1/6 and 5/6
//! of the extent's latitude range, centred on the extent), where the cone
//! is well defined; Mercator for extents that straddle the equator or lie
//! close to it, where the cone flattens into a cylinder (a conic with
//! standard parallels symmetric about the equator has cone constant 0 and
//! draws nothing). Both are conformal, so shapes, the scale bar and the
//! north arrow hold in every direction.
//!
//! # References
//! J. P. Snyder, *Map Projections — A Working Manual*, USGS Professional
//! Paper 1395 (1987), §7 (Mercator, equations 7-7, 7-9, 7-10) and §15
//! (Lambert conformal conic, equations 15-1 to 15-11 and 7-9, 14-15).

use geo::Coord;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

pub use crate::geodesy::{WGS84_A, WGS84_F};

/// A Lambert conformal conic projection.
#[derive(Debug, Clone, Copy)]
pub struct Lcc {
    e: f64,
    n: f64,
    af: f64,
    rho0: f64,
    lon0: f64,
}

/// The squared first eccentricity of the WGS84 ellipsoid, e² = f(2 − f):
/// the one ellipsoid constant every projection here needs besides `a`.
fn wgs84_e2() -> f64 {
    WGS84_F * (2.0 - WGS84_F)
}

fn m(e: f64, phi: f64) -> f64 {
    phi.cos() / (1.0 - (e * phi.sin()).powi(2)).sqrt()
}

/// The latitude (radians) whose `t` is `tt`, by Snyder's iteration (7-9).
fn phi_from_t(e: f64, tt: f64) -> f64 {
    let mut phi = FRAC_PI_2 - 2.0 * tt.atan();
    for _ in 0..15 {
        let es = e * phi.sin();
        let next = FRAC_PI_2 - 2.0 * (tt * ((1.0 - es) / (1.0 + es)).powf(e / 2.0)).atan();
        if (next - phi).abs() < 1e-14 {
            return next;
        }
        phi = next;
    }
    phi
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
        Self::with_ellipsoid(WGS84_A, wgs84_e2(), lat1, lat2, lat0, lon0)
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
        let phi = phi_from_t(self.e, tt);
        Coord {
            x: self.lon0 + (theta / self.n).to_degrees(),
            y: phi.to_degrees(),
        }
    }
}

/// The ellipsoidal Mercator projection with central meridian `lon0`.
#[derive(Debug, Clone, Copy)]
pub struct Mercator {
    e: f64,
    lon0: f64,
}

/// Mercator stops short of the poles, where it runs to infinity.
const MERCATOR_MAX_LAT: f64 = 85.0;

impl Mercator {
    /// On WGS84, centred on `lon0` (degrees).
    pub fn wgs84(lon0: f64) -> Self {
        Mercator {
            e: wgs84_e2().sqrt(),
            lon0,
        }
    }

    /// Project lon/lat (degrees) to x/y (metres, y north); latitudes beyond
    /// ±85° are drawn at ±85°.
    ///
    /// # Units
    /// Degrees in, metres out.
    pub fn forward(&self, c: Coord) -> (f64, f64) {
        let phi = c.y.clamp(-MERCATOR_MAX_LAT, MERCATOR_MAX_LAT).to_radians();
        let mut dl = c.x - self.lon0;
        if dl > 180.0 {
            dl -= 360.0;
        } else if dl < -180.0 {
            dl += 360.0;
        }
        // Snyder 7-7: y = a ln(1 / t(phi)).
        (WGS84_A * dl.to_radians(), -WGS84_A * t(self.e, phi).ln())
    }

    /// Unproject x/y (metres) to lon/lat (degrees).
    ///
    /// # Units
    /// Metres in, degrees out.
    pub fn inverse(&self, x: f64, y: f64) -> Coord {
        // Snyder 7-10, 7-9: iterate phi from t = exp(-y / a).
        let tt = (-y / WGS84_A).exp();
        let phi = phi_from_t(self.e, tt);
        Coord {
            x: self.lon0 + (x / WGS84_A).to_degrees(),
            y: phi.to_degrees(),
        }
    }
}

/// The ellipsoidal polar stereographic projection, true to scale on the
/// parallel `lat_c`, centred on the pole of that hemisphere.
#[derive(Debug, Clone, Copy)]
pub struct PolarStereographic {
    e: f64,
    /// +1 for the north pole, -1 for the south (Snyder's sign change).
    s: f64,
    /// a·m_c / t_c (Snyder 21-34).
    k: f64,
    lon0: f64,
}

impl PolarStereographic {
    /// On WGS84, about the pole on the side of `lat_c` (degrees, not 0),
    /// true to scale at `lat_c`, with `lon0` pointing down the map (north
    /// pole) or up (south pole).
    pub fn wgs84(lat_c: f64, lon0: f64) -> Self {
        let e = wgs84_e2().sqrt();
        let s = lat_c.signum();
        let pc = (s * lat_c).to_radians().min(FRAC_PI_2 - 1e-9);
        PolarStereographic {
            e,
            s,
            k: WGS84_A * m(e, pc) / t(e, pc),
            lon0,
        }
    }

    /// Project lon/lat (degrees) to x/y (metres, y north at `lon0`).
    ///
    /// # Units
    /// Degrees in, metres out.
    pub fn forward(&self, c: Coord) -> (f64, f64) {
        let s = self.s;
        let phi = (s * c.y).to_radians().clamp(-FRAC_PI_2 + 1e-9, FRAC_PI_2);
        let rho = self.k * t(self.e, phi);
        let dl = (s * (c.x - self.lon0)).to_radians();
        (s * rho * dl.sin(), s * -rho * dl.cos())
    }

    /// Unproject x/y (metres) to lon/lat (degrees).
    ///
    /// # Units
    /// Metres in, degrees out.
    pub fn inverse(&self, x: f64, y: f64) -> Coord {
        let s = self.s;
        let (x, y) = (s * x, s * y);
        let tt = x.hypot(y) / self.k;
        let phi = phi_from_t(self.e, tt);
        let dl = x.atan2(-y).to_degrees();
        Coord {
            x: self.lon0 + s * dl,
            y: s * phi.to_degrees(),
        }
    }
}

/// The projection a map is drawn in.
#[derive(Debug, Clone, Copy)]
pub enum Projection {
    /// Lambert conformal conic.
    Conic(Lcc),
    /// Mercator.
    Mercator(Mercator),
    /// Polar stereographic.
    Polar(PolarStereographic),
}

/// Extents whose middle lies within this many degrees of the equator, or
/// that cross it, are drawn in Mercator.
const EQUATORIAL_DEG: f64 = 15.0;
/// Extents on one side of the equator reaching this far towards a pole are
/// drawn in polar stereographic (the conic's apex, the pole, is singular).
const POLAR_DEG: f64 = 80.0;

impl Projection {
    /// The projection for an extent: the conic on one side of the equator,
    /// Mercator across it or near it, polar stereographic towards a pole
    /// (see the module docs).
    pub fn for_extent(min: Coord, max: Coord) -> Self {
        let mid = (min.y + max.y) / 2.0;
        let lon0 = (min.x + max.x) / 2.0;
        if (min.y < 0.0 && max.y > 0.0) || mid.abs() < EQUATORIAL_DEG {
            Projection::Mercator(Mercator::wgs84(lon0))
        } else if max.y >= POLAR_DEG || min.y <= -POLAR_DEG {
            // True to scale halfway from the extent's edge to the pole.
            let edge = if mid > 0.0 { min.y } else { max.y };
            let lat_c = (edge + mid.signum() * 90.0) / 2.0;
            Projection::Polar(PolarStereographic::wgs84(lat_c, lon0))
        } else {
            Projection::Conic(Lcc::for_extent(min, max))
        }
    }

    /// Its name, for the map's credit line.
    pub fn name(&self) -> &'static str {
        match self {
            Projection::Conic(_) => "Lambert conformal conic",
            Projection::Mercator(_) => "Mercator",
            Projection::Polar(_) => "polar stereographic",
        }
    }

    /// Project lon/lat (degrees) to x/y (metres, y north).
    ///
    /// # Units
    /// Degrees in, metres out.
    pub fn forward(&self, c: Coord) -> (f64, f64) {
        match self {
            Projection::Conic(p) => p.forward(c),
            Projection::Mercator(p) => p.forward(c),
            Projection::Polar(p) => p.forward(c),
        }
    }

    /// Unproject x/y (metres) to lon/lat (degrees).
    ///
    /// # Units
    /// Metres in, degrees out.
    pub fn inverse(&self, x: f64, y: f64) -> Coord {
        match self {
            Projection::Conic(p) => p.inverse(x, y),
            Projection::Mercator(p) => p.inverse(x, y),
            Projection::Polar(p) => p.inverse(x, y),
        }
    }

    /// The direction of true north at `c` on the projected plane, as a
    /// unit vector (x east, y north of the plane): the meridian's tangent,
    /// from two points on it a little either side of `c`. In all three
    /// projections the direction depends only on the longitude (Mercator:
    /// always up; the conic: turned by the convergence n·Δλ; polar: towards
    /// the pole), so the latitude is first brought inside ±84.9°, where
    /// no projection clamps: near the poles, and where Mercator stops at
    /// ±85°, the direction is that of the same meridian further in.
    ///
    /// # Units
    /// Degrees in; a unit vector out.
    pub fn north(&self, c: Coord) -> (f64, f64) {
        const STEP: f64 = 0.01;
        let lat = c.y.clamp(-84.9, 84.9);
        let (x0, y0) = self.forward(Coord {
            x: c.x,
            y: lat - STEP,
        });
        let (x1, y1) = self.forward(Coord {
            x: c.x,
            y: lat + STEP,
        });
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = dx.hypot(dy);
        if len > 0.0 && len.is_finite() {
            (dx / len, dy / len)
        } else {
            (0.0, 1.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_snyder_worked_example() {
        // Snyder (1987), p. 267: Clarke 1866; 35° N 75° W with central
        // meridian 180° → x = 11,688,673.7 m, y = 4,139,145.6 m. The same
        // formulas on WGS84, checked on the sphere's closed form at the
        // equator and by the round trip.
        let p = Mercator {
            e: 0.006_768_658_f64.sqrt(),
            lon0: -180.0,
        };
        let (x, _) = p.forward(Coord { x: -75.0, y: 35.0 });
        assert!(
            (x / 6_378_137.0 * 6_378_206.4 - 11_688_673.7).abs() < 0.5,
            "{x}"
        );
        let y = -6_378_206.4 * t(p.e, 35f64.to_radians()).ln();
        assert!((y - 4_139_145.6).abs() < 0.5, "{y}");
        let w = Mercator::wgs84(10.0);
        for (lon, lat) in [(10.0, 0.0), (-170.0, 60.0), (179.0, -45.0)] {
            let (x, y) = w.forward(Coord { x: lon, y: lat });
            let back = w.inverse(x, y);
            assert!((back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9);
        }
    }

    #[test]
    fn the_projection_suits_the_extent() {
        let c = |x, y| Coord { x, y };
        assert!(matches!(
            Projection::for_extent(c(65.0, -10.0), c(80.0, 10.0)),
            Projection::Mercator(_)
        ));
        assert!(matches!(
            Projection::for_extent(c(60.0, 23.0), c(78.0, 37.0)),
            Projection::Conic(_)
        ));
        assert!(matches!(
            Projection::for_extent(c(-180.0, 60.0), c(180.0, 90.0)),
            Projection::Polar(_)
        ));
    }

    #[test]
    fn polar_stereographic_snyder_worked_example() {
        // Snyder (1987), pp. 317-318: International ellipsoid, south
        // pole, true scale at 71° S, central meridian 100° W; 75° S 150° E
        // → x = -1,540,033.6 m, y = -560,526.4 m.
        let e2: f64 = 0.006_722_670;
        let e = e2.sqrt();
        let a = 6_378_388.0;
        let pc = 71f64.to_radians();
        let p = PolarStereographic {
            e,
            s: -1.0,
            k: a * m(e, pc) / t(e, pc),
            lon0: -100.0,
        };
        let (x, y) = p.forward(Coord { x: 150.0, y: -75.0 });
        assert!((x + 1_540_033.6).abs() < 0.5, "{x}");
        assert!((y + 560_526.4).abs() < 0.5, "{y}");
        let back = p.inverse(x, y);
        let lon = (back.x + 540.0).rem_euclid(360.0) - 180.0;
        assert!(
            (lon - 150.0).abs() < 1e-9 && (back.y + 75.0).abs() < 1e-9,
            "{back:?}"
        );
        let n = PolarStereographic::wgs84(75.0, 10.0);
        let (x, y) = n.forward(Coord { x: 40.0, y: 70.0 });
        let back = n.inverse(x, y);
        assert!(
            (back.x - 40.0).abs() < 1e-9 && (back.y - 70.0).abs() < 1e-9,
            "{back:?}"
        );
    }

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
