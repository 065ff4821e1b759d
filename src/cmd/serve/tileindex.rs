//! The points in tile order: Web Mercator positions as 32-bit fixed point,
//! sorted by their quadkey at zoom 16, so that the points of any tile at
//! zoom 16 or less are one run of the sorted arrays (found by two binary
//! searches, the keys made again from the positions rather than kept),
//! and deeper tiles a run filtered by position.
//!
//! # References
//! EPSG:3857 (spherical Web Mercator, as the web map tiles use it):
//! x = (λ + 180°) / 360°, y = (1 − ln(tan φ + sec φ) / π) / 2 on the unit
//! square, φ clamped to ±85.0511°.

use frontier::summary::Figures;
use rayon::prelude::*;

/// The zoom of the sort key.
pub const KEY_ZOOM: u32 = 16;
/// Latitude limit of Web Mercator, degrees.
const MAX_LAT: f64 = 85.051_128_779_806_59;

/// Unit-square Web Mercator position of a lon/lat point (degrees).
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let phi = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0))
}

/// Longitude and latitude (degrees) of a unit-square Web Mercator
/// position.
#[cfg(test)]
fn inverse(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (lon, lat)
}

fn fixed(v: f64) -> u32 {
    (v * 4_294_967_296.0).min(4_294_967_295.0) as u32
}

/// Bits of `v` spread to the even positions.
fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    x = (x | (x << 1)) & 0x5555_5555_5555_5555;
    x
}

/// The quadkey of tile (x, y) at zoom `z` ≤ 16, as a number whose high
/// bits are its parents'.
pub fn quadkey(z: u32, x: u32, y: u32) -> u32 {
    ((spread(y) << 1) | spread(x)) as u32 & ((1u64 << (2 * z)) - 1) as u32
}

/// The first of `0..n` for which `below` is false (`below` true for a
/// start of the range and false after it).
fn partition_point(n: usize, below: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The points of a dataset in tile order.
#[derive(Default)]
pub struct TileIndex {
    /// Fixed-point Web Mercator x (the unit square times 2³²).
    pub x: Vec<u32>,
    /// Fixed-point Web Mercator y.
    pub y: Vec<u32>,
    /// The point's number in the dataset.
    pub point: Vec<u32>,
    /// Its date as days from the common era ([`NO_DAY`] without one), in
    /// tile order so that filtering a tile reads memory in order.
    pub day: Vec<i32>,
    /// Its precision code ([`NO_PRECISION`] without one, at most 254).
    pub precision: Vec<u8>,
    /// Its value (for the hexagons' sums and the points' sizes).
    pub value: Vec<f32>,
    /// The zoom from which points are drawn one by one (below it, in
    /// hexagons).
    pub single_from: u32,
}

/// The day of a point without a date.
pub const NO_DAY: i32 = i32::MIN;
/// The precision of a point without a code.
pub const NO_PRECISION: u8 = u8::MAX;

/// Days from the common era.
pub fn day(d: chrono::NaiveDate) -> i32 {
    day_of(d)
}

fn day_of(d: chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d)
}

/// Fewer points than this are drawn one by one at every zoom.
pub const FEW: usize = 1000;

/// Most points in one tile drawn one by one.
pub const MAX_SINGLE: usize = 20_000;

impl TileIndex {
    /// Sort the points whose figures are `figures` (on every core; what
    /// is read in tile order is read from small arrays, the figures being
    /// too far apart in memory to be read in that order quickly).
    pub fn new(figures: &[Figures]) -> TileIndex {
        let xy: Vec<(u32, u32)> = figures
            .par_iter()
            .map(|f| {
                let (x, y) = mercator(f.at.x, f.at.y);
                (fixed(x), fixed(y))
            })
            .collect();
        // Each point's key and number in one word, sorted.
        let mut order: Vec<u64> = xy
            .par_iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let key = quadkey(KEY_ZOOM, x >> (32 - KEY_ZOOM), y >> (32 - KEY_ZOOM));
                (u64::from(key) << 32) | i as u64
            })
            .collect();
        order.par_sort_unstable();
        let point: Vec<u32> = order.par_iter().map(|&o| o as u32).collect();
        drop(order);
        let (x, y) = point.par_iter().map(|&i| xy[i as usize]).unzip();
        drop(xy);
        let n = point.len();
        let (mut day, mut precision, mut value) = (vec![0; n], vec![0; n], vec![0.0; n]);
        day.par_iter_mut()
            .zip(precision.par_iter_mut())
            .zip(value.par_iter_mut())
            .zip(point.par_iter())
            .with_min_len(4096)
            .for_each(|(((d, p), v), &i)| {
                let f = &figures[i as usize];
                *d = f.date.map_or(NO_DAY, day_of);
                *p = f.precision.map_or(NO_PRECISION, |p| p.min(254) as u8);
                *v = f.value as f32;
            });
        let mut t = TileIndex {
            x,
            y,
            point,
            day,
            precision,
            value,
            single_from: 0,
        };
        // The first zoom whose densest tile is small enough (tiles only
        // hold fewer points deeper down: found by halving).
        let (mut lo, mut hi) = (0u32, 14u32);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if t.densest(mid) <= MAX_SINGLE {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // A few points are drawn one by one at every zoom; more, from the
        // zoom where they begin to stand apart.
        t.single_from = if n < FEW { 0 } else { lo.max(6) };
        t
    }

    /// The quadkey at [`KEY_ZOOM`] of the point at `s` in tile order (the
    /// order's key, made again from its position rather than kept).
    pub fn key(&self, s: usize) -> u32 {
        quadkey(
            KEY_ZOOM,
            self.x[s] >> (32 - KEY_ZOOM),
            self.y[s] >> (32 - KEY_ZOOM),
        )
    }

    /// Most points in one tile at zoom `z`.
    fn densest(&self, z: u32) -> usize {
        let shift = 2 * (KEY_ZOOM - z.min(KEY_ZOOM));
        let mut best = 0;
        let mut start = 0;
        let n = self.x.len();
        for i in 1..=n {
            if i == n || u64::from(self.key(i)) >> shift != u64::from(self.key(start)) >> shift {
                best = best.max(i - start);
                start = i;
            }
        }
        best
    }

    /// The run of sorted points in tile (z, x, y) at zoom ≤ 16 (for a
    /// deeper tile, its parent's at 16).
    pub fn run(&self, z: u32, x: u32, y: u32) -> std::ops::Range<usize> {
        let (z, x, y) = if z > KEY_ZOOM {
            let d = z - KEY_ZOOM;
            (KEY_ZOOM, x >> d, y >> d)
        } else {
            (z, x, y)
        };
        let shift = 2 * (KEY_ZOOM - z);
        let lo = quadkey(z, x, y) << shift;
        let hi = u64::from(lo) + (1u64 << shift);
        let a = partition_point(self.x.len(), |s| self.key(s) < lo);
        let b = partition_point(self.x.len(), |s| u64::from(self.key(s)) < hi);
        a..b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_goes_there_and_back() {
        for (lon, lat) in [(69.2, 34.5), (-180.0, 0.0), (0.0, -60.0), (179.9, 80.0)] {
            let (x, y) = mercator(lon, lat);
            let (a, b) = inverse(x, y);
            assert!(
                (a - lon).abs() < 1e-9 && (b - lat).abs() < 1e-9,
                "{lon},{lat}"
            );
        }
        // The tile holding Peshawar at zoom 8 is (178, 102) (as any slippy
        // map tile calculator gives it).
        let (x, y) = mercator(71.5785, 34.0151);
        assert_eq!(((x * 256.0) as u32, (y * 256.0) as u32), (178, 102));
    }

    #[test]
    fn points_are_in_tile_order_and_tiles_find_their_runs() {
        // A grid of points over the region, and a tile's run holds exactly
        // the points inside it (checked point by point).
        let figures: Vec<Figures> = (0..4000)
            .map(|i| Figures {
                at: geo::Coord {
                    x: 60.0 + (i % 80) as f64 * 0.2,
                    y: 24.0 + (i / 80) as f64 * 0.25,
                },
                value: i as f64,
                weight: 0.0,
                date: None,
                precision: Some(i % 3),
            })
            .collect();
        let t = TileIndex::new(&figures);
        assert!((1..t.x.len()).all(|s| t.key(s - 1) <= t.key(s)));
        let mut seen: Vec<u32> = t.point.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..4000).collect::<Vec<u32>>());
        for s in 0..t.point.len() {
            let f = &figures[t.point[s] as usize];
            assert_eq!(t.value[s], f.value as f32);
            assert_eq!(u32::from(t.precision[s]), f.precision.unwrap());
        }
        for (z, x, y) in [(5, 22, 13), (7, 88, 52), (9, 357, 210)] {
            let inside: Vec<u32> = (0..4000u32)
                .filter(|&i| {
                    let f = &figures[i as usize];
                    let (mx, my) = mercator(f.at.x, f.at.y);
                    let n = f64::from(1u32 << z);
                    (mx * n) as u32 == x && (my * n) as u32 == y
                })
                .collect();
            let mut run: Vec<u32> = t.run(z, x, y).map(|s| t.point[s]).collect();
            run.sort_unstable();
            assert_eq!(run, inside, "tile {z}/{x}/{y}");
        }
        // Few enough points for single points from zoom 6 (and not so few
        // as to be drawn so at every zoom).
        assert_eq!(t.single_from, 6);
        assert_eq!(TileIndex::new(&figures[..FEW - 1]).single_from, 0);
    }

    #[test]
    fn quadkeys_nest() {
        let k = quadkey(16, 46000, 26000);
        assert_eq!(k >> 2, quadkey(15, 23000, 13000));
        assert_eq!(k >> 20, quadkey(6, 46000 >> 10, 26000 >> 10));
        assert_eq!(quadkey(1, 1, 1), 3);
        assert_eq!(quadkey(0, 0, 0), 0);
    }
}
