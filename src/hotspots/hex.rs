//! A grid of equal-area hexagons over the region, so hot spots do not
//! hinge on district sizes.
//!
//! The hexagons are regular in a Lambert azimuthal equal-area projection
//! of the WGS84 ellipsoid centred on the region (69.5° E, 30.5° N), by way
//! of the authalic sphere: latitude φ becomes the authalic latitude β
//! (Snyder 3-11, 3-12), and the sphere of radius R_q is projected
//! azimuthally (Snyder 24-2 to 24-4). Both steps keep areas, so every
//! cell has the same area on the ellipsoid: 3√3/2 · s² for edge s. Edge
//! lengths are true to within the projection's scale error, under 1% within
//! 900 km of the centre.
//!
//! # References
//! J. P. Snyder, *Map Projections — A Working Manual*, USGS Professional
//! Paper 1395 (1987), §3 (authalic latitude, 3-11, 3-12, 3-18) and §24
//! (Lambert azimuthal equal-area, 24-2 to 24-4, 20-14, 20-15).

use crate::error::{Error, Param, Result};
use crate::geodesy::{WGS84_A, WGS84_F};
use geo::{Coord, LineString, Polygon};

/// Where the projection is centred (longitude, latitude degrees).
pub const CENTRE: Coord = Coord { x: 69.5, y: 30.5 };

/// The authalic sphere and the projection's centre.
#[derive(Debug, Clone, Copy)]
struct Laea {
    e: f64,
    e2: f64,
    qp: f64,
    rq: f64,
    sin_b0: f64,
    cos_b0: f64,
    lon0: f64,
}

impl Laea {
    fn new(centre: Coord) -> Laea {
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let e = e2.sqrt();
        let mut l = Laea {
            e,
            e2,
            qp: 0.0,
            rq: 0.0,
            sin_b0: 0.0,
            cos_b0: 0.0,
            lon0: centre.x.to_radians(),
        };
        l.qp = l.q(std::f64::consts::FRAC_PI_2);
        l.rq = WGS84_A * (l.qp / 2.0).sqrt();
        let b0 = l.beta(centre.y.to_radians());
        (l.sin_b0, l.cos_b0) = b0.sin_cos();
        l
    }

    /// Snyder 3-12.
    fn q(&self, phi: f64) -> f64 {
        let (e, s) = (self.e, phi.sin());
        (1.0 - self.e2)
            * (s / (1.0 - self.e2 * s * s)
                - (1.0 / (2.0 * e)) * ((1.0 - e * s) / (1.0 + e * s)).ln())
    }

    /// Authalic latitude (3-11).
    fn beta(&self, phi: f64) -> f64 {
        (self.q(phi) / self.qp).clamp(-1.0, 1.0).asin()
    }

    /// Geodetic latitude from authalic: the series (3-18), then Newton's
    /// steps on q (3-16) to full precision.
    fn phi(&self, beta: f64) -> f64 {
        let (e, e2) = (self.e, self.e2);
        let e4 = e2 * e2;
        let e6 = e4 * e2;
        let mut phi = beta
            + (e2 / 3.0 + 31.0 * e4 / 180.0 + 517.0 * e6 / 5040.0) * (2.0 * beta).sin()
            + (23.0 * e4 / 360.0 + 251.0 * e6 / 3780.0) * (4.0 * beta).sin()
            + (761.0 * e6 / 45360.0) * (6.0 * beta).sin();
        let q = self.qp * beta.sin();
        for _ in 0..2 {
            let (s, c) = phi.sin_cos();
            if c.abs() < 1e-12 {
                break;
            }
            let w = 1.0 - e2 * s * s;
            phi += w * w / (2.0 * c)
                * (q / (1.0 - e2) - s / w
                    + (1.0 / (2.0 * e)) * ((1.0 - e * s) / (1.0 + e * s)).ln());
        }
        phi
    }

    /// Projected metres.
    fn forward(&self, c: Coord) -> (f64, f64) {
        let b = self.beta(c.y.to_radians());
        let (sb, cb) = b.sin_cos();
        let (sl, cl) = (c.x.to_radians() - self.lon0).sin_cos();
        let k = (2.0 / (1.0 + self.sin_b0 * sb + self.cos_b0 * cb * cl)).sqrt();
        (
            self.rq * k * cb * sl,
            self.rq * k * (self.cos_b0 * sb - self.sin_b0 * cb * cl),
        )
    }

    fn inverse(&self, x: f64, y: f64) -> Coord {
        let rho = x.hypot(y);
        if rho == 0.0 {
            return Coord {
                x: self.lon0.to_degrees(),
                y: self.phi(self.sin_b0.asin()).to_degrees(),
            };
        }
        let c = 2.0 * (rho / (2.0 * self.rq)).clamp(-1.0, 1.0).asin();
        let (sc, cc) = c.sin_cos();
        let b = (cc * self.sin_b0 + y * sc * self.cos_b0 / rho)
            .clamp(-1.0, 1.0)
            .asin();
        let lon = self.lon0 + (x * sc).atan2(rho * self.cos_b0 * cc - y * self.sin_b0 * sc);
        Coord {
            x: lon.to_degrees(),
            y: self.phi(b).to_degrees(),
        }
    }
}

/// A hexagon grid (pointy-top, axial coordinates `(q, r)`).
#[derive(Debug, Clone, Copy)]
pub struct HexGrid {
    proj: Laea,
    /// Edge (and centre-to-corner) length, metres.
    edge_m: f64,
}

const SQRT3: f64 = 1.732_050_807_568_877_2;

/// The cell of the pointy-top hexagonal lattice of edge (and radius) `s`
/// on a plane that holds `(x, y)`: its axial coordinates (q, r), found by
/// cube rounding (the nearest centre). One lattice for the hot-spot grid
/// (on the equal-area plane, metres) and the web server's map hexagons
/// (on the map's pixels).
///
/// # Units
/// Plane coordinates and edge in one unit (any).
///
/// # References
/// A. Patel, *Hexagonal Grids* (Red Blob Games, 2013): axial coordinates,
/// pixel to hex, cube rounding.
pub fn lattice_cell((x, y): (f64, f64), s: f64) -> (i64, i64) {
    let q = (SQRT3 / 3.0 * x - y / 3.0) / s;
    let r = (2.0 / 3.0 * y) / s;
    let (cx, cz) = (q, r);
    let cy = -cx - cz;
    let (mut rx, ry, mut rz) = (cx.round(), cy.round(), cz.round());
    let (dx, dy, dz) = ((rx - cx).abs(), (ry - cy).abs(), (rz - cz).abs());
    if dx > dy && dx > dz {
        rx = -ry - rz;
    } else if dy <= dz {
        rz = -rx - ry;
    }
    (rx as i64, rz as i64)
}

/// The centre of cell `(q, r)` of the lattice of [`lattice_cell`].
///
/// # Units
/// Edge in, plane coordinates out, in one unit (any).
pub fn lattice_centre((q, r): (i64, i64), s: f64) -> (f64, f64) {
    (s * SQRT3 * (q as f64 + r as f64 / 2.0), s * 1.5 * r as f64)
}

/// The shortest and longest hexagon edges a grid takes: a metre (cells
/// smaller than that say nothing of lon/lat positions, and the cells'
/// numbers must fit in an `i32` across the projection's whole plane), and
/// 20,000 km, half the way round the Earth (one cell holds every point
/// long before that).
///
/// # Units
/// Kilometres.
pub const HEX_EDGE_KM: (f64, f64) = (0.001, 20_000.0);

/// `hex:km` checked against [`HEX_EDGE_KM`]: an [`Error::InvalidSetting`]
/// of [`Param::Areas`] outside it (NaN too).
pub(crate) fn check_hex_edge(km: f64) -> Result<()> {
    let (min, max) = HEX_EDGE_KM;
    if km >= min && km <= max {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Areas,
        value: format!("hex:{km}"),
        expected: "a hexagon edge from 0.001 km (1 m) to 20,000 km, e.g. hex:10".into(),
    })
}

impl HexGrid {
    /// A grid of hexagons with edges of `edge_km`.
    ///
    /// # Units
    /// `edge_km` in kilometres.
    pub fn new(edge_km: f64) -> HexGrid {
        HexGrid {
            proj: Laea::new(CENTRE),
            edge_m: edge_km * 1000.0,
        }
    }

    /// Each cell's area.
    ///
    /// # Units
    /// km².
    pub fn cell_area_km2(&self) -> f64 {
        1.5 * SQRT3 * self.edge_m * self.edge_m / 1e6
    }

    /// The projected point (metres).
    pub fn project(&self, c: Coord) -> (f64, f64) {
        self.proj.forward(c)
    }

    /// The cell holding projected point `(x, y)`.
    pub fn cell_at(&self, xy: (f64, f64)) -> (i32, i32) {
        let (q, r) = lattice_cell(xy, self.edge_m);
        (q as i32, r as i32)
    }

    /// The cell holding `c`.
    pub fn cell(&self, c: Coord) -> (i32, i32) {
        self.cell_at(self.project(c))
    }

    fn centre_xy(&self, (q, r): (i32, i32)) -> (f64, f64) {
        lattice_centre((i64::from(q), i64::from(r)), self.edge_m)
    }

    /// The cell's centre (longitude, latitude).
    pub fn centre(&self, cell: (i32, i32)) -> Coord {
        let (x, y) = self.centre_xy(cell);
        self.proj.inverse(x, y)
    }

    /// The cell as a polygon in longitude/latitude: its six corners with
    /// 7 points between each pair, so the straight edges between them
    /// follow the projected hexagon within metres.
    pub fn polygon(&self, cell: (i32, i32)) -> Polygon {
        let (cx, cy) = self.centre_xy(cell);
        let corner = |k: usize| {
            let a = (30.0 + 60.0 * k as f64).to_radians();
            (cx + self.edge_m * a.cos(), cy + self.edge_m * a.sin())
        };
        let mut ring = Vec::with_capacity(49);
        for k in 0..6 {
            let (a, b) = (corner(k), corner(k + 1));
            for i in 0..8 {
                let t = i as f64 / 8.0;
                ring.push(
                    self.proj
                        .inverse(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)),
                );
            }
        }
        ring.push(ring[0]);
        Polygon::new(LineString::new(ring), vec![])
    }

    /// The six cells sharing an edge with `cell`.
    pub fn adjacent(&self, (q, r): (i32, i32)) -> [(i32, i32); 6] {
        [
            (q + 1, r),
            (q - 1, r),
            (q, r + 1),
            (q, r - 1),
            (q + 1, r - 1),
            (q - 1, r + 1),
        ]
    }

    /// About how many cells [`HexGrid::cells_over`] gives (an upper
    /// bound), worked out without making them.
    pub fn count_over(&self, min: (f64, f64), max: (f64, f64)) -> f64 {
        let s = self.edge_m;
        ((max.0 - min.0 + 2.0 * s) / (s * SQRT3) + 3.0)
            * ((max.1 - min.1 + 2.0 * s) / (1.5 * s) + 3.0)
    }

    /// Every cell whose centre lies within the projected box
    /// `min..max` widened by one edge length, row by row.
    pub fn cells_over(&self, min: (f64, f64), max: (f64, f64)) -> Vec<(i32, i32)> {
        let s = self.edge_m;
        let (x0, y0, x1, y1) = (min.0 - s, min.1 - s, max.0 + s, max.1 + s);
        let mut out = Vec::new();
        let r0 = (y0 / (1.5 * s)).floor() as i32;
        let r1 = (y1 / (1.5 * s)).ceil() as i32;
        for r in r0..=r1 {
            let q0 = (x0 / (s * SQRT3) - r as f64 / 2.0).floor() as i32;
            let q1 = (x1 / (s * SQRT3) - r as f64 / 2.0).ceil() as i32;
            for q in q0..=q1 {
                let (x, y) = self.centre_xy((q, r));
                if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                    out.push((q, r));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy;
    use geo::MultiPolygon;

    #[test]
    fn the_projection_returns_its_points() {
        let g = HexGrid::new(10.0);
        for c in [
            Coord { x: 61.0, y: 24.0 },
            Coord { x: 77.5, y: 37.0 },
            Coord { x: 69.5, y: 30.5 },
            Coord { x: 70.07, y: 33.0 },
        ] {
            let (x, y) = g.project(c);
            let back = g.proj.inverse(x, y);
            assert!(
                (back.x - c.x).abs() < 1e-9 && (back.y - c.y).abs() < 1e-9,
                "{c:?} → {back:?}"
            );
        }
    }

    /// Equal area on the ellipsoid: each cell's geodesic area (Karney) is
    /// the hexagon's 3√3/2·s², near the centre and 900 km from it.
    #[test]
    fn cells_have_the_same_geodesic_area() {
        let g = HexGrid::new(20.0);
        let want = g.cell_area_km2();
        for at in [
            CENTRE,
            Coord { x: 61.5, y: 25.0 },
            Coord { x: 77.0, y: 36.5 },
        ] {
            let cell = g.cell(at);
            let area = geodesy::area_m2(&MultiPolygon::new(vec![g.polygon(cell)])) / 1e6;
            assert!(
                (area - want).abs() < 2e-4 * want,
                "{at:?}: {area} km² against {want}"
            );
        }
    }

    /// A point is in the cell whose centre is nearest in the projection
    /// (brute force over the cell's neighbourhood).
    #[test]
    fn a_lattice_cells_points_round_to_it() {
        for s in [10.0, 7_000.0] {
            for (q, r) in [(0, 0), (3, -2), (-5, 7), (40_000, -123_456)] {
                let (cx, cy) = lattice_centre((q, r), s);
                for k in 0..6 {
                    // Points inside the hexagon, 0.8 of the way to each
                    // corner, and near its centre.
                    let a = (30.0 + 60.0 * f64::from(k)).to_radians();
                    let p = (cx + 0.8 * s * a.cos(), cy + 0.8 * s * a.sin());
                    assert_eq!(lattice_cell(p, s), (q, r));
                    assert_eq!(lattice_cell((cx + 1e-3 * s, cy), s), (q, r));
                }
            }
        }
    }

    #[test]
    fn points_fall_in_the_nearest_centre() {
        let g = HexGrid::new(7.0);
        let mut rng = crate::rng::Rng::new(5, 0);
        for _ in 0..2000 {
            let c = Coord {
                x: 61.0 + 16.5 * rng.f64(),
                y: 24.0 + 13.0 * rng.f64(),
            };
            let p = g.project(c);
            let cell = g.cell_at(p);
            let d = |k: (i32, i32)| {
                let (x, y) = g.centre_xy(k);
                (x - p.0).hypot(y - p.1)
            };
            for n in g.adjacent(cell) {
                assert!(d(cell) <= d(n) + 1e-6, "{c:?}");
            }
            assert!(d(cell) <= g.edge_m * (1.0 + 1e-9));
        }
    }
}
