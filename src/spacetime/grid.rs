//! Close pairs of events, found once through a grid and never listed.
//!
//! Each event is placed on the WGS84 ellipsoid in Earth-centred
//! coordinates (x, y, z in metres) and in a cube of side `h` (a quarter of
//! the longest distance asked about). Two events can be within `reach` of
//! each other only if their cubes are, so the grid keeps, once, every pair
//! of occupied cubes whose nearest corners are within reach, and says for
//! each whether all its event pairs fall in one distance band (then they
//! are counted by the cube pair's sizes, or by sorted dates, without looking
//! at a single pair) or not (then each candidate pair is measured).
//!
//! # Exact on the ellipsoid
//! The straight-line (chord) distance `c` between two points of the
//! ellipsoid bounds their geodesic distance `s` on both sides:
//! `c ≤ s ≤ 2R·asin(c / 2R)`, where `R` is the smallest radius of curvature
//! of WGS84, a(1 − f)² ([`crate::geodesy::WGS84_MERIDIAN_MIN`]). The left
//! side holds because a chord is the shortest path in space; the right by
//! Schur's comparison theorem, since a geodesic's curvature in space is
//! its normal curvature, at most 1/R (for arcs under πR, which every
//! distance here is). At 5 km the two bounds are 2.6·10⁻⁸ apart in
//! relative terms, so nearly every pair is settled by the chord; a pair
//! whose bounds straddle a band's end is measured with GeographicLib
//! (Karney 2013). The band of every pair is therefore the band of its
//! geodesic distance, as if each had been measured.
//!
//! # References
//! C. F. F. Karney (2013), *Algorithms for geodesics*, J. Geodesy 87.
//! A. Schur (1921), *Über die Schwarzsche Extremaleigenschaft des Kreises
//! unter den Kurven konstanter Krümmung*, Math. Ann. 83 (the comparison of
//! chords of curves with bounded curvature).

use crate::geodesy::{self, WGS84_A, WGS84_F, WGS84_MERIDIAN_MIN};
use geo::Coord;
use rayon::prelude::*;
use std::collections::HashMap;

/// Ends of bands (of distance in metres, or of days): band 0 is
/// `[e₀, e₁]`, band k ≥ 1 is `(eₖ, eₖ₊₁]`. Repeating the first end
/// (`0,0,...`) makes band 0 hold exactly `e₀` (the same place, or the same
/// day).
#[derive(Debug, Clone, PartialEq)]
pub struct Ends(Vec<f64>);

impl Ends {
    /// Ends that increase (the first may be repeated once), 0 or more,
    /// finite; at least two.
    pub fn new(ends: Vec<f64>) -> std::result::Result<Ends, String> {
        if ends.len() < 2 {
            return Err("give at least two band ends, e.g. 0,1,2,5".into());
        }
        if ends.iter().any(|e| !e.is_finite() || *e < 0.0) {
            return Err("band ends must be finite numbers 0 or more".into());
        }
        if ends[1..].windows(2).any(|w| w[1] <= w[0]) || ends[1] < ends[0] {
            return Err(
                "band ends must increase (only the first may be repeated, for a band of the same place or day)"
                    .into(),
            );
        }
        Ok(Ends(ends))
    }

    /// The ends.
    pub fn ends(&self) -> &[f64] {
        &self.0
    }

    /// Number of bands.
    pub fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// Whether there are no bands (never: at least two ends).
    pub fn is_empty(&self) -> bool {
        self.0.len() < 2
    }

    /// The last end.
    pub fn reach(&self) -> f64 {
        *self.0.last().expect("two ends")
    }

    /// The band holding `x`, if any.
    pub fn band(&self, x: f64) -> Option<usize> {
        let e = &self.0;
        if x < e[0] || x > self.reach() {
            return None;
        }
        Some(e[1..].partition_point(|&end| end < x))
    }
}

/// How the event pairs of two cubes fall.
const MIXED: u8 = u8::MAX;

/// The smallest radius of curvature, and a small slack for rounding.
const R: f64 = WGS84_MERIDIAN_MIN;
const SLACK_M: f64 = 1e-6;

/// The geodesic distance's upper bound for a chord of `c` metres.
fn upper(c: f64) -> f64 {
    2.0 * R * (c / (2.0 * R)).min(1.0).asin() * (1.0 + 1e-12) + SLACK_M
}

fn lower(c: f64) -> f64 {
    (c * (1.0 - 1e-12) - SLACK_M).max(0.0)
}

/// Earth-centred coordinates of a point on the ellipsoid.
///
/// # Units
/// Degrees in, metres out.
pub(crate) fn ecef(c: Coord) -> [f64; 3] {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let (phi, lam) = (c.y.to_radians(), c.x.to_radians());
    let n = WGS84_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    [
        n * phi.cos() * lam.cos(),
        n * phi.cos() * lam.sin(),
        n * (1.0 - e2) * phi.sin(),
    ]
}

fn chord(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
}

/// Events in cubes and the pairs of cubes within reach.
pub(crate) struct Grid {
    coords: Vec<Coord>,
    xyz: Vec<[f64; 3]>,
    space: Ends,
    /// Squared chords at or under which a pair is surely within each end
    /// (from the second end on), and over which it is surely beyond it.
    within2: Vec<f64>,
    beyond2: Vec<f64>,
    /// The events' coordinates in cube order (`xyz[order[k]]`).
    pub(crate) sorted_xyz: Vec<[f64; 3]>,
    /// Event indices, cube by cube.
    pub(crate) order: Vec<u32>,
    /// Cube k holds `order[starts[k]..starts[k + 1]]`.
    pub(crate) starts: Vec<u32>,
    /// Pairs of cubes (a ≤ b) within reach, and the band of all their
    /// event pairs, or [`MIXED`].
    pub(crate) pairs: Vec<(u32, u32, u8)>,
    /// Close event pairs of the cube pairs with few events, listed (by
    /// position in cube order) with their band: counting them under a
    /// permutation costs less than sorting and sweeping their cubes.
    pub(crate) listed: Vec<(u32, u32)>,
    /// The band of each listed pair.
    pub(crate) listed_band: Vec<u8>,
}

/// A cube pair is listed pair by pair when it has at most this many
/// event pairs per event.
const LIST_PER_EVENT: usize = 4;

/// The band of every event pair of a cube pair, if one band holds them all.
pub(crate) enum Kind {
    /// Every event pair is in this band.
    Whole(usize),
    /// Measure each.
    Mixed,
}

impl Grid {
    /// Place `coords` (lon/lat degrees) in cubes for distance bands
    /// `space` (metres; at most 1,000 km).
    pub(crate) fn new(coords: Vec<Coord>, space: Ends) -> Grid {
        let reach = space.reach();
        let h = (reach / 4.0).max(1.0);
        let xyz: Vec<[f64; 3]> = coords.par_iter().map(|&c| ecef(c)).collect();
        // Columns run along the axis closest to the points' mean direction,
        // so a column crosses the surface in few cubes.
        let mut mean = [0.0; 3];
        for p in &xyz {
            for (m, v) in mean.iter_mut().zip(p) {
                *m += v;
            }
        }
        let w_axis = (0..3)
            .max_by(|&a, &b| mean[a].abs().total_cmp(&mean[b].abs()))
            .unwrap_or(2);
        let (u_axis, v_axis) = match w_axis {
            0 => (1, 2),
            1 => (0, 2),
            _ => (0, 1),
        };
        let key = |p: &[f64; 3]| -> [i32; 3] {
            let f = |x: f64| (x / h).floor() as i32;
            [f(p[u_axis]), f(p[v_axis]), f(p[w_axis])]
        };
        let keys: Vec<[i32; 3]> = xyz.par_iter().map(key).collect();
        let mut order: Vec<u32> = (0..xyz.len() as u32).collect();
        order.par_sort_unstable_by_key(|&i| keys[i as usize]);
        let mut starts = Vec::new();
        let mut cube_keys = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            if cube_keys.last() != Some(&keys[i as usize]) {
                cube_keys.push(keys[i as usize]);
                starts.push(k as u32);
            }
        }
        starts.push(order.len() as u32);
        let mut columns: HashMap<(i32, i32), (u32, u32)> = HashMap::new();
        for (c, k) in cube_keys.iter().enumerate() {
            let e = columns.entry((k[0], k[1])).or_insert((c as u32, c as u32));
            e.1 = c as u32 + 1;
        }
        let r = (reach / h).ceil() as i32 + 1;
        let gap = |d: i32| f64::from((d.abs() - 1).max(0)) * h;
        let far = |d: i32| f64::from(d.abs() + 1) * h;
        let classify = |lo: f64, hi: f64| -> Option<u8> {
            let (a, b) = (lower(lo), upper(hi));
            if a > reach {
                return None;
            }
            match (space.band(a), space.band(b)) {
                (Some(x), Some(y)) if x == y => Some(x as u8),
                _ => Some(MIXED),
            }
        };
        let pairs: Vec<(u32, u32, u8)> = (0..cube_keys.len())
            .into_par_iter()
            .flat_map_iter(|c| {
                let k = cube_keys[c];
                let mut out = Vec::new();
                for du in -r..=r {
                    for dv in -r..=r {
                        if gap(du).hypot(gap(dv)) > reach * (1.0 + 1e-9) + SLACK_M {
                            continue;
                        }
                        let Some(&(first, end)) = columns.get(&(k[0] + du, k[1] + dv)) else {
                            continue;
                        };
                        for c2 in first.max(c as u32)..end {
                            let dw = cube_keys[c2 as usize][2] - k[2];
                            if dw.abs() > r {
                                continue;
                            }
                            let lo = (gap(du).powi(2) + gap(dv).powi(2) + gap(dw).powi(2)).sqrt();
                            let hi = (far(du).powi(2) + far(dv).powi(2) + far(dw).powi(2)).sqrt();
                            if let Some(kind) = classify(lo, hi) {
                                out.push((c as u32, c2, kind));
                            }
                        }
                    }
                }
                out
            })
            .collect();
        debug_assert!(space.len() < MIXED as usize);
        // The largest chord whose upper bound is within an end, and the
        // end itself plus the slack (a chord beyond it is beyond it).
        let within2 = space.ends()[1..]
            .iter()
            .map(|&e| {
                let c = (2.0 * R * (((e - SLACK_M).max(0.0) / (1.0 + 1e-12)) / (2.0 * R)).sin())
                    * (1.0 - 1e-9);
                debug_assert!(upper(c) <= e || e < SLACK_M);
                c * c
            })
            .collect();
        let beyond2 = space.ends()[1..]
            .iter()
            .map(|&e| {
                let c = (e + SLACK_M) / (1.0 - 1e-12) * (1.0 + 1e-12);
                c * c
            })
            .collect();
        let sorted_xyz = order.iter().map(|&i| xyz[i as usize]).collect();
        let mut grid = Grid {
            coords,
            xyz,
            space,
            within2,
            beyond2,
            sorted_xyz,
            order,
            starts,
            pairs,
            listed: Vec::new(),
            listed_band: Vec::new(),
        };
        grid.list_small_pairs();
        grid
    }

    /// The events of cube `c`.
    pub(crate) fn cube(&self, c: u32) -> std::ops::Range<usize> {
        self.starts[c as usize] as usize..self.starts[c as usize + 1] as usize
    }

    /// How the event pairs of a cube pair fall.
    pub(crate) fn kind(k: u8) -> Kind {
        if k == MIXED {
            Kind::Mixed
        } else {
            Kind::Whole(k as usize)
        }
    }

    /// The band of a pair whose squared chord is `c2`: settled by the
    /// chord alone nearly always, else by [`Grid::band`].
    #[inline]
    pub(crate) fn band_of(&self, c2: f64, i: u32, j: u32) -> Option<usize> {
        if self.space.ends()[0] > 0.0 {
            return self.band(i, j);
        }
        for (k, (&w, &b)) in self.within2.iter().zip(&self.beyond2).enumerate() {
            if c2 <= w {
                return Some(k);
            }
            if c2 <= b {
                return self.band(i, j);
            }
        }
        None
    }

    /// The distance band of events `i` and `j`: by the chord's bounds,
    /// or, when they straddle a band's end, by the geodesic distance.
    pub(crate) fn band(&self, i: u32, j: u32) -> Option<usize> {
        let c = chord(&self.xyz[i as usize], &self.xyz[j as usize]);
        let (a, b) = (lower(c), upper(c));
        if a > self.space.reach() {
            return None;
        }
        let (x, y) = (self.space.band(a), self.space.band(b));
        if x == y && (x.is_some() || b < self.space.ends()[0]) {
            return x;
        }
        self.space.band(geodesy::distance_m(
            self.coords[i as usize],
            self.coords[j as usize],
        ))
    }

    /// Move the cube pairs with few event pairs into [`Grid::listed`].
    fn list_small_pairs(&mut self) {
        let small = |&(a, b, _): &(u32, u32, u8)| {
            let (na, nb) = (self.cube(a).len(), self.cube(b).len());
            let pairs = if a == b {
                na * na.saturating_sub(1) / 2
            } else {
                na * nb
            };
            pairs <= LIST_PER_EVENT * (na + nb)
        };
        let listed: Vec<(u32, u32, u8)> = self
            .pairs
            .par_iter()
            .filter(|p| small(p))
            .flat_map_iter(|&(a, b, k)| {
                let (ra, rb) = (self.cube(a), self.cube(b));
                let mut out = Vec::new();
                for x in ra.clone() {
                    let p = self.sorted_xyz[x];
                    let ys = if a == b { x + 1..rb.end } else { rb.clone() };
                    for y in ys {
                        let band = match Grid::kind(k) {
                            Kind::Whole(s) => Some(s),
                            Kind::Mixed => {
                                let q = &self.sorted_xyz[y];
                                let d = [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
                                let c2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                                self.band_of(c2, self.order[x], self.order[y])
                            }
                        };
                        if let Some(s) = band {
                            out.push((x as u32, y as u32, s as u8));
                        }
                    }
                }
                out
            })
            .collect();
        let keep: Vec<(u32, u32, u8)> = self
            .pairs
            .par_iter()
            .filter(|p| !small(p))
            .copied()
            .collect();
        self.pairs = keep;
        self.listed = listed.iter().map(|&(x, y, _)| (x, y)).collect();
        self.listed_band = listed.iter().map(|&(_, _, s)| s).collect();
    }

    /// Event pairs per distance band, whatever their dates.
    pub(crate) fn pairs_per_band(&self) -> Vec<u64> {
        let nb = self.space.len();
        let mut listed = vec![0u64; nb];
        for &s in &self.listed_band {
            listed[s as usize] += 1;
        }
        self.pairs
            .par_iter()
            .fold(
                || vec![0u64; nb],
                |mut acc, &(a, b, k)| {
                    let (ra, rb) = (self.cube(a), self.cube(b));
                    match Grid::kind(k) {
                        Kind::Whole(s) if a == b => {
                            let n = ra.len() as u64;
                            acc[s] += n * n.saturating_sub(1) / 2;
                        }
                        Kind::Whole(s) => acc[s] += (ra.len() * rb.len()) as u64,
                        Kind::Mixed => {
                            let last2 = *self.beyond2.last().expect("an end");
                            for x in ra.clone() {
                                let p = self.sorted_xyz[x];
                                let ys = if a == b { x + 1..rb.end } else { rb.clone() };
                                for y in ys {
                                    let q = &self.sorted_xyz[y];
                                    let d = [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
                                    let c2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                                    if c2 > last2 {
                                        continue;
                                    }
                                    if let Some(s) = self.band_of(c2, self.order[x], self.order[y])
                                    {
                                        acc[s] += 1;
                                    }
                                }
                            }
                        }
                    }
                    acc
                },
            )
            .reduce(
                || vec![0u64; nb],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    a
                },
            )
            .iter()
            .zip(&listed)
            .map(|(a, b)| a + b)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn bands_hold_their_ends_as_documented() {
        let e = Ends::new(vec![0.0, 1.0, 2.0, 5.0]).unwrap();
        assert_eq!(e.band(0.0), Some(0));
        assert_eq!(e.band(1.0), Some(0));
        assert_eq!(e.band(1.0 + 1e-9), Some(1));
        assert_eq!(e.band(5.0), Some(2));
        assert_eq!(e.band(5.000001), None);
        let same = Ends::new(vec![0.0, 0.0, 7.0, 14.0]).unwrap();
        assert_eq!(same.band(0.0), Some(0));
        assert_eq!(same.band(1.0), Some(1));
        assert_eq!(same.band(7.0), Some(1));
        assert_eq!(same.band(8.0), Some(2));
        assert!(Ends::new(vec![0.0, 0.0, 0.0]).is_err());
        assert!(Ends::new(vec![1.0, 0.5]).is_err());
        assert!(Ends::new(vec![3.0]).is_err());
    }

    /// The chord's bounds hold the geodesic distance (GeographicLib) from
    /// centimetres to 1,000 km, anywhere on the ellipsoid.
    #[test]
    fn chord_bounds_hold_the_geodesic() {
        let mut rng = Rng::new(7, 0);
        for _ in 0..20_000 {
            let a = Coord {
                x: -180.0 + 360.0 * rng.f64(),
                y: -89.0 + 178.0 * rng.f64(),
            };
            let scale = 10f64.powf(-7.0 + 7.0 * rng.f64());
            let b = Coord {
                x: a.x + scale * (rng.f64() - 0.5) * 10.0,
                y: (a.y + scale * (rng.f64() - 0.5) * 10.0).clamp(-89.9, 89.9),
            };
            let s = geodesy::distance_m(a, b);
            if s > 1e6 {
                continue;
            }
            let c = chord(&ecef(a), &ecef(b));
            assert!(
                lower(c) <= s && s <= upper(c),
                "{a:?} {b:?}: {s} vs chord {c}"
            );
        }
    }

    /// Pairs per band through the grid equal a brute-force count of every
    /// pair measured with GeographicLib.
    #[test]
    fn pair_counts_match_brute_force() {
        let mut rng = Rng::new(11, 0);
        let mut coords = Vec::new();
        for _ in 0..600 {
            let (x, y) = if rng.f64() < 0.5 {
                (69.0 + 0.05 * rng.normal(), 33.0 + 0.05 * rng.normal())
            } else {
                (68.5 + rng.f64(), 32.5 + rng.f64())
            };
            coords.push(Coord { x, y });
        }
        // Some events at the very same place.
        for k in 0..30 {
            coords.push(coords[k * 3]);
        }
        for ends in [
            vec![0.0, 5000.0],
            vec![0.0, 0.0, 1000.0, 2000.0, 5000.0, 10000.0],
        ] {
            let e = Ends::new(ends).unwrap();
            let g = Grid::new(coords.clone(), e.clone());
            let mut want = vec![0u64; e.len()];
            for i in 0..coords.len() {
                for j in i + 1..coords.len() {
                    if let Some(b) = e.band(geodesy::distance_m(coords[i], coords[j])) {
                        want[b] += 1;
                    }
                }
            }
            assert_eq!(g.pairs_per_band(), want, "{e:?}");
        }
    }
}
