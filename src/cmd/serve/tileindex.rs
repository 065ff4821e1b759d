//! The points in tile order: Web Mercator positions as 32-bit fixed point,
//! sorted by their quadkey at zoom 16, so that the points of any tile at
//! zoom 16 or less are one run of the sorted arrays (found by two binary
//! searches), and deeper tiles a run filtered by position.
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

/// The points of a dataset in tile order.
#[derive(Default)]
pub struct TileIndex {
    /// Quadkeys at [`KEY_ZOOM`], ascending.
    pub keys: Vec<u32>,
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
    chrono::Datelike::num_days_from_ce(&d)
}

/// Most points in one tile drawn one by one.
pub const MAX_SINGLE: usize = 20_000;

impl TileIndex {
    /// Sort the points whose figures are `figures`.
    pub fn new(figures: &[Figures]) -> TileIndex {
        let mut rows: Vec<(u32, u32, u32, u32)> = figures
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let (x, y) = mercator(f.at.x, f.at.y);
                let (fx, fy) = (fixed(x), fixed(y));
                let key = quadkey(KEY_ZOOM, fx >> (32 - KEY_ZOOM), fy >> (32 - KEY_ZOOM));
                (key, fx, fy, i as u32)
            })
            .collect();
        rows.par_sort_unstable();
        let fig = |r: &(u32, u32, u32, u32)| &figures[r.3 as usize];
        let mut t = TileIndex {
            keys: rows.iter().map(|r| r.0).collect(),
            x: rows.iter().map(|r| r.1).collect(),
            y: rows.iter().map(|r| r.2).collect(),
            point: rows.iter().map(|r| r.3).collect(),
            day: rows
                .iter()
                .map(|r| fig(r).date.map_or(NO_DAY, day))
                .collect(),
            precision: rows
                .iter()
                .map(|r| fig(r).precision.map_or(NO_PRECISION, |p| p.min(254) as u8))
                .collect(),
            value: rows.iter().map(|r| fig(r).value as f32).collect(),
            single_from: 0,
        };
        t.single_from = (0..=14)
            .find(|&z| t.densest(z) <= MAX_SINGLE)
            .unwrap_or(14)
            .max(6);
        t
    }

    /// Most points in one tile at zoom `z`.
    fn densest(&self, z: u32) -> usize {
        let shift = 2 * (KEY_ZOOM - z.min(KEY_ZOOM));
        let mut best = 0;
        let mut start = 0;
        for i in 1..=self.keys.len() {
            if i == self.keys.len()
                || u64::from(self.keys[i]) >> shift != u64::from(self.keys[start]) >> shift
            {
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
        let a = self.keys.partition_point(|&k| k < lo);
        let b = self.keys.partition_point(|&k| u64::from(k) < hi);
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
    fn quadkeys_nest() {
        let k = quadkey(16, 46000, 26000);
        assert_eq!(k >> 2, quadkey(15, 23000, 13000));
        assert_eq!(k >> 20, quadkey(6, 46000 >> 10, 26000 >> 10));
        assert_eq!(quadkey(1, 1, 1), 3);
        assert_eq!(quadkey(0, 0, 0), 0);
    }
}
