//! A lower bound on a point's distance to a layer, from a grid of cells of
//! latitude and longitude: most points of a radius search lie far beyond
//! the radius, and the bound sends them away with one lookup instead of a
//! search.
//!
//! Each cell's bound is its centre's distance to the layer less the
//! farthest any point of the cell can be from the centre (the distance to
//! a set is 1-Lipschitz), worked out the first time a point falls in the
//! cell. Beyond the grid, which covers the layer's box widened by
//! [`MARGIN_DEG`], the bound comes from the gap alone (see
//! [`Clearance::lower_bound`]).

use crate::geodesy::{WGS84_A, WGS84_F, WGS84_MERIDIAN_MIN};
use geo::Coord;
use std::f64::consts::FRAC_PI_2;
use std::sync::atomic::{AtomicU32, Ordering};

/// Degrees the grid reaches beyond the layer's box.
pub(super) const MARGIN_DEG: f64 = 4.0;
/// A cell's side, degrees.
const STEP_DEG: f64 = 0.2;
/// Largest number of cells (a layer spread wider gets larger cells).
const MAX_CELLS: f64 = 200_000.0;
/// A cell whose bound is not known yet.
const UNKNOWN: u32 = u32::MAX;

/// Lower bounds of the distance to a layer over a grid of cells.
pub(super) struct Clearance {
    x0: f64,
    y0: f64,
    step: f64,
    nx: usize,
    ny: usize,
    /// The layer's box.
    bbox: [f64; 4],
    /// Per cell: the bound in metres as `f32` bits, or [`UNKNOWN`].
    cells: Vec<AtomicU32>,
}

impl Clearance {
    /// A grid around `bbox` (`[min lon, min lat, max lon, max lat]`), or
    /// `None` when the widened box would reach the antimeridian or a pole
    /// (where the gap argument does not hold).
    pub(super) fn new(bbox: [f64; 4]) -> Option<Clearance> {
        let [x0, y0, x1, y1] = [
            bbox[0] - MARGIN_DEG,
            bbox[1] - MARGIN_DEG,
            bbox[2] + MARGIN_DEG,
            bbox[3] + MARGIN_DEG,
        ];
        // (An empty box, min above max, has no grid either.)
        if !(x0 > -180.0 && x1 < 180.0 && y0 > -80.0 && y1 < 80.0 && x0 < x1 && y0 < y1) {
            return None;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        let step = STEP_DEG.max((w * h / MAX_CELLS).sqrt());
        let (nx, ny) = ((w / step).ceil() as usize, (h / step).ceil() as usize);
        Some(Clearance {
            x0,
            y0,
            step,
            nx,
            ny,
            bbox,
            cells: (0..nx * ny).map(|_| AtomicU32::new(UNKNOWN)).collect(),
        })
    }

    /// A lower bound on the distance from `p` to the layer, given the
    /// layer's distance from any point (`distance`, called once per cell,
    /// from any thread; it may be up to 0.5 m short or long).
    ///
    /// Why it is a bound. In a cell of Δφ by Δλ around its centre `c`,
    /// any point is reached from `c` by a meridian arc of at most Δφ/2
    /// (radius of curvature at most a/(1 − f)) and then a parallel arc of
    /// at most Δλ/2 (radius N·cos φ ≤ a·cos φ_low/(1 − f), φ_low the
    /// cell's latitude nearest the equator): so within R = a/(1 − f) ·
    /// (Δφ/2 + cos φ_low·Δλ/2), and the point's distance is at least the
    /// centre's less R. Off the grid, every point of the layer differs from
    /// `p` by at least `s` (the gap to the layer's box, radians) in
    /// latitude or in longitude, and, as for
    /// [`crate::index::PolygonIndex::boundary_clearance`], a path shorter
    /// than a(1 − e²)·s·cos(|φ| + s) can cover neither.
    ///
    /// # Units
    /// Degrees in; metres out.
    pub(super) fn lower_bound(&self, p: Coord, distance: impl Fn(Coord) -> f64) -> f64 {
        let fx = (p.x - self.x0) / self.step;
        let fy = (p.y - self.y0) / self.step;
        if fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64 {
            let (cx, cy) = (fx as usize, fy as usize);
            let cell = &self.cells[cy * self.nx + cx];
            let known = cell.load(Ordering::Relaxed);
            if known != UNKNOWN {
                return f32::from_bits(known) as f64;
            }
            let bound = self.cell_bound(cx, cy, &distance);
            cell.store(bound.to_bits(), Ordering::Relaxed);
            return bound as f64;
        }
        if !(p.x.is_finite() && p.y.is_finite()) {
            return 0.0;
        }
        // Off the grid: at least MARGIN_DEG from the layer's box in
        // latitude or longitude (longitudes do not wrap: the grid stops
        // short of ±180°, so the way round is longer still).
        let [bx0, by0, bx1, by1] = self.bbox;
        let gap_x = (bx0 - p.x).max(p.x - bx1);
        let gap_y = (by0 - p.y).max(p.y - by1);
        let s = gap_x.max(gap_y).max(0.0).to_radians();
        let lat = p.y.abs().to_radians() + s;
        if lat >= FRAC_PI_2 {
            return 0.0;
        }
        WGS84_MERIDIAN_MIN * s * lat.cos()
    }

    /// The bound for cell (`cx`, `cy`), rounded down to an `f32`.
    fn cell_bound(&self, cx: usize, cy: usize, distance: &impl Fn(Coord) -> f64) -> f32 {
        let centre = Coord {
            x: self.x0 + (cx as f64 + 0.5) * self.step,
            y: self.y0 + (cy as f64 + 0.5) * self.step,
        };
        let lat_lo = (self.y0 + cy as f64 * self.step)
            .abs()
            .min((self.y0 + (cy + 1) as f64 * self.step).abs());
        let lat_lo =
            if (self.y0 + cy as f64 * self.step) * (self.y0 + (cy + 1) as f64 * self.step) <= 0.0 {
                0.0 // the cell straddles the equator
            } else {
                lat_lo
            };
        let half = self.step.to_radians() / 2.0;
        let reach = WGS84_A / (1.0 - WGS84_F) * (half + lat_lo.to_radians().cos() * half);
        // One metre less for the distance's own error and the rounding.
        let bound = (distance(centre) - reach - 1.0).max(0.0);
        // `as f32` rounds to nearest: step down when that rounded up.
        let b = bound as f32;
        if b as f64 > bound {
            f32::from_bits(b.to_bits() - 1).max(0.0)
        } else {
            b
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::{Geodesic, InverseGeodesic};

    /// The bound never exceeds the true distance (GeographicLib's), on and
    /// off the grid, for a layer that is one point, where the truth is
    /// one inverse problem; and it is not vacuous far away.
    #[test]
    fn the_bound_is_below_the_geodesic_distance() {
        let g = Geodesic::wgs84();
        let q = Coord { x: 69.2, y: 33.9 };
        let dist = |c: Coord| -> f64 {
            let d: f64 = g.inverse(q.y, q.x, c.y, c.x);
            d
        };
        let cl = Clearance::new([q.x, q.y, q.x, q.y]).unwrap();
        let mut u = crate::query::test_uniform(0x9e3779b97f4a7c15);
        let mut tight = 0;
        for _ in 0..200_000 {
            // Up to 30° away: the grid (4° around the point) and beyond.
            let p = Coord {
                x: q.x + 60.0 * u() - 30.0,
                y: q.y + 60.0 * u() - 30.0,
            };
            let (b, d) = (cl.lower_bound(p, dist), dist(p));
            assert!(b <= d, "{p:?}: bound {b} over distance {d}");
            if b > 0.5 * d {
                tight += 1;
            }
        }
        assert!(tight > 100_000, "the bound is mostly useful: {tight}");
    }
}
