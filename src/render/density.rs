//! Points as a kernel density surface, computed at the output's pixel
//! resolution.
//!
//! The estimate at a place is the sum over the points of a two-dimensional
//! Gaussian kernel whose standard deviation is the bandwidth (in km on the
//! ground): `f(x) = Σ exp(−d²/2h²) / (2πh²)`, points per km², whose
//! integral over the plane is the number of points. It is computed on the
//! map's pixel grid: points are counted per pixel, then smoothed by the
//! Gaussian itself when it is narrower than 10 pixels, and otherwise by
//! five successive box filters in each direction whose combined variance
//! is h² in pixels (the standard fast approximation of a Gaussian: Wells
//! 1986; box widths as Kovesi 2010; its standard deviation is within 2% of
//! h and its peak 5–7% flatter), so the time hardly depends on the
//! bandwidth and millions of points take a pass over them and a few over
//! the pixels. Distances are in the map's conformal projection, scaled by
//! its scale at the map's centre: within the projection's scale error over
//! the extent (well under 1% across Pakistan).

use super::canvas::Canvas;
use super::classify::{human, ramp, scale_label, sequential};
use super::legend::Entry;
use super::view::View;
use geo::Coord;
use tiny_skia::Pixmap;

/// A density surface to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// The points.
    pub points: Vec<Coord>,
    /// The legend's title.
    pub title: String,
    /// The Gaussian kernel's standard deviation, km.
    pub bandwidth_km: f64,
}

/// The bandwidth when none is given, km.
pub const DEFAULT_BANDWIDTH_KM: f64 = 15.0;

impl Density {
    /// A surface of `points` with the default bandwidth.
    pub fn new(points: Vec<Coord>, title: impl Into<String>) -> Density {
        Density {
            points,
            title: title.into(),
            bandwidth_km: DEFAULT_BANDWIDTH_KM,
        }
    }
}

/// Parse a bandwidth: `15km`, `15 km`, `500m`, `10mi`, or a number of km
/// (the rule of [`crate::units::parse_distance`]), from 100 m to 2000 km.
///
/// # Units
/// Text in, kilometres out.
pub fn parse_bandwidth(s: &str) -> std::result::Result<f64, String> {
    crate::units::parse_distance(s)
        .ok()
        .map(|m| m / 1000.0)
        .filter(|v| *v >= 0.1 && *v <= 2000.0)
        .ok_or_else(|| format!("{s:?}: give a bandwidth from 100m to 2000km, e.g. 15km"))
}

/// Widths (odd) of `n` box filters whose variances add up to about `sigma`²
/// (pixels): Kovesi's choice of two neighbouring odd widths.
pub(super) fn box_widths(sigma: f64, n: usize) -> Vec<usize> {
    let nf = n as f64;
    let ideal = (12.0 * sigma * sigma / nf + 1.0).sqrt();
    let mut wl = ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wl = wl.max(1);
    let wu = wl + 2;
    let m = ((12.0 * sigma * sigma - nf * (wl * wl) as f64 - 4.0 * nf * wl as f64 - 3.0 * nf)
        / (-4.0 * wl as f64 - 4.0))
        .round()
        .clamp(0.0, nf) as usize;
    (0..n)
        .map(|i| if i < m { wl as usize } else { wu as usize })
        .collect()
}

/// One box filter of odd width `width` along rows (`dir` (1, 0)) or
/// columns ((0, 1)), zero outside the grid (what leaves the map is lost).
fn box_pass(src: &[f32], dst: &mut [f32], w: usize, h: usize, width: usize, dir: (usize, usize)) {
    let r = (width / 2) as isize;
    let inv = 1.0 / width as f64;
    let (lines, len) = if dir.0 == 1 { (h, w) } else { (w, h) };
    let at = |line: usize, i: usize| {
        if dir.0 == 1 {
            line * w + i
        } else {
            i * w + line
        }
    };
    for line in 0..lines {
        // A running sum in f64: no drift over long lines.
        let mut sum = 0.0f64;
        for i in 0..=(r as usize).min(len - 1) {
            sum += src[at(line, i)] as f64;
        }
        for i in 0..len {
            dst[at(line, i)] = (sum * inv) as f32;
            let add = i as isize + r + 1;
            let sub = i as isize - r;
            if add < len as isize {
                sum += src[at(line, add as usize)] as f64;
            }
            if sub >= 0 {
                sum -= src[at(line, sub as usize)] as f64;
            }
        }
    }
}

/// One pass of a separable convolution with the centred kernel `k` along
/// rows or columns, zero outside the grid.
fn kernel_pass(src: &[f32], dst: &mut [f32], w: usize, h: usize, k: &[f32], dir: (usize, usize)) {
    let half = (k.len() / 2) as isize;
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0f32;
            for (j, kv) in k.iter().enumerate() {
                let off = j as isize - half;
                let (xx, yy) = (
                    x as isize + off * dir.0 as isize,
                    y as isize + off * dir.1 as isize,
                );
                if xx >= 0 && yy >= 0 && (xx as usize) < w && (yy as usize) < h {
                    s += src[yy as usize * w + xx as usize] * kv;
                }
            }
            dst[y * w + x] = s;
        }
    }
}

/// Box filters each way for a wide Gaussian: with five, the standard
/// deviation is within 2% and the peak 5–7% below the Gaussian's (three,
/// the usual choice, leave it 9–11% low).
const BOXES: usize = 5;

/// Below this standard deviation (pixels) the Gaussian is applied exactly
/// (its kernel is short); above, five box filters each way, whose
/// standard deviation is then within 2% of the asked one.
const EXACT_BELOW: f64 = 10.0;

/// Smooth `grid` (w × h) by a Gaussian of standard deviation `sigma`
/// pixels: exactly when it is narrow, else by box filters each way.
pub(super) fn smooth(grid: &mut [f32], w: usize, h: usize, sigma: f64) {
    if sigma < 0.3 || w == 0 || h == 0 {
        return;
    }
    let mut tmp = vec![0f32; grid.len()];
    if sigma < EXACT_BELOW {
        let r = (3.5 * sigma).ceil() as i64;
        let k: Vec<f64> = (-r..=r)
            .map(|i| (-((i * i) as f64) / (2.0 * sigma * sigma)).exp())
            .collect();
        let total: f64 = k.iter().sum();
        let k: Vec<f32> = k.iter().map(|v| (v / total) as f32).collect();
        kernel_pass(grid, &mut tmp, w, h, &k, (1, 0));
        kernel_pass(&tmp, grid, w, h, &k, (0, 1));
        return;
    }
    for width in box_widths(sigma, BOXES) {
        box_pass(grid, &mut tmp, w, h, width, (1, 0));
        box_pass(&tmp, grid, w, h, width, (0, 1));
    }
}

/// Colour of `t` (0–1) along the ramp, interpolated.
fn along(colours: &[u32], t: f32) -> u32 {
    let x = t.clamp(0.0, 1.0) * (colours.len() - 1) as f32;
    let i = (x as usize).min(colours.len() - 2);
    let f = x - i as f32;
    let ch = |c: u32, s: u32| ((c >> s) & 0xff) as f32;
    let mix =
        |s: u32| ((ch(colours[i], s) * (1.0 - f) + ch(colours[i + 1], s) * f).round() as u32) << s;
    mix(16) | mix(8) | mix(0)
}

pub(super) fn density(cv: &mut Canvas, view: &View, d: &Density, legend: &mut Vec<Entry>) {
    let s = cv.scale as f64;
    let area = view.area;
    // The map area in raster pixels.
    let (x0, y0) = ((area[0] as f64 * s).round(), (area[1] as f64 * s).round());
    let (gw, gh) = (
        (area[2] as f64 * s).round().max(1.0) as usize,
        (area[3] as f64 * s).round().max(1.0) as usize,
    );
    let mut grid = vec![0f32; gw * gh];
    for p in &d.points {
        let (x, y) = view.px(*p);
        let (gx, gy) = (x as f64 * s - x0, y as f64 * s - y0);
        if gx >= 0.0 && gy >= 0.0 && (gx as usize) < gw && (gy as usize) < gh {
            grid[gy as usize * gw + gx as usize] += 1.0;
        }
    }
    let km_per_px = 1.0 / (view.pt_per_km() * s);
    smooth(&mut grid, gw, gh, d.bandwidth_km / km_per_px);
    let max = grid.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return;
    }
    // Points per pixel to points per 100 km².
    let per100 = 100.0 / (km_per_px * km_per_px);
    let colours = ramp(sequential("ylorrd").expect("palette"), 7);
    let floor = max * 0.004;
    let span = (max / floor).ln();
    let mut img = Pixmap::new(gw as u32, gh as u32).expect("density image");
    for (px, v) in img.pixels_mut().iter_mut().zip(&grid) {
        if *v <= floor {
            continue;
        }
        // Log scale from the floor to the max; the lowest part fades in,
        // so the surface has no hard edge.
        let t = ((v / floor).ln() / span).clamp(0.0, 1.0);
        let c = along(&colours, t);
        let alpha = 0.85 * (t / 0.3).min(1.0);
        let a = (alpha * 255.0).round() as u8;
        let pm = |sh: u32| ((((c >> sh) & 0xff) as f32 * alpha).round() as u8).min(a);
        if let Some(q) = tiny_skia::PremultipliedColorU8::from_rgba(pm(16), pm(8), pm(0), a) {
            *px = q;
        }
    }
    cv.image((x0 / s) as f32, (y0 / s) as f32, &img);
    legend.push(Entry::Header(d.title.clone()));
    legend.push(Entry::Ramp(
        colours,
        human(floor as f64 * per100, false),
        format!("{} per 100 km²", human(max as f64 * per100, false)),
    ));
    legend.push(Entry::Note(format!(
        "Gaussian kernel, σ = {}; log scale",
        scale_label(d.bandwidth_km)
    )));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One point smoothed: the mass is kept, the spread (second moment)
    /// is the bandwidth's square, and the peak is the Gaussian's
    /// 1/(2πσ²), all against the closed form.
    #[test]
    fn an_impulse_becomes_the_gaussian_of_the_bandwidth() {
        for sigma in [1.5f64, 3.0, 7.5, 9.9, 10.0, 12.0, 25.0] {
            let n = 301usize;
            let mut g = vec![0f32; n * n];
            g[150 * n + 150] = 1.0;
            smooth(&mut g, n, n, sigma);
            let mass: f64 = g.iter().map(|v| *v as f64).sum();
            assert!((mass - 1.0).abs() < 1e-4, "σ {sigma}: mass {mass}");
            let var_x: f64 = g
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let x = (i % n) as f64 - 150.0;
                    x * x * *v as f64
                })
                .sum();
            assert!(
                (var_x.sqrt() / sigma - 1.0).abs() < 0.02,
                "σ {sigma}: spread {}",
                var_x.sqrt()
            );
            let peak = g[150 * n + 150] as f64;
            let want = 1.0 / (2.0 * std::f64::consts::PI * sigma * sigma);
            // The box filters flatten the top a little (documented).
            let tol = if sigma < EXACT_BELOW { 0.01 } else { 0.08 };
            assert!(
                (peak / want - 1.0).abs() < tol,
                "σ {sigma}: peak {peak} against {want}"
            );
            // Symmetric, and falls off as the Gaussian at 2σ (within 15%).
            let at = |dx: usize| g[150 * n + 150 + dx] as f64;
            let two = (2.0 * sigma).round() as usize;
            let want2 = want * (-((two * two) as f64) / (2.0 * sigma * sigma)).exp();
            assert!((at(two) / want2 - 1.0).abs() < 0.15, "σ {sigma}");
            assert!((g[150 * n + 150 - two] as f64 - at(two)).abs() < 1e-7);
        }
    }

    #[test]
    fn box_widths_add_up_to_the_variance() {
        for sigma in [10.0f64, 11.3, 15.0, 60.0] {
            let v: f64 = box_widths(sigma, BOXES)
                .iter()
                .map(|w| ((w * w) as f64 - 1.0) / 12.0)
                .sum();
            assert!(box_widths(sigma, BOXES).iter().all(|w| w % 2 == 1));
            assert!(
                (v.sqrt() / sigma - 1.0).abs() < 0.02,
                "σ {sigma}: {}",
                v.sqrt()
            );
        }
    }

    #[test]
    fn bandwidths_read_as_people_write_them() {
        assert_eq!(parse_bandwidth("15km"), Ok(15.0));
        assert_eq!(parse_bandwidth("15 km"), Ok(15.0));
        assert_eq!(parse_bandwidth("500m"), Ok(0.5));
        assert_eq!(parse_bandwidth("40"), Ok(40.0));
        assert!(parse_bandwidth("0km").is_err());
        assert!(parse_bandwidth("NaN").is_err());
        assert!(parse_bandwidth("15 miles").is_err());
        assert_eq!(parse_bandwidth("10mi"), Ok(16.09344));
    }
}
