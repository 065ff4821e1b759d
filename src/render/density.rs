//! Points as a density surface.

use super::*;

pub(super) fn nice_floor(v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= v {
            return m * p;
        }
    }
    p
}

pub(super) fn density(
    cv: &mut Canvas,
    view: &View,
    pts: &[Coord],
    title: &str,
    legend: &mut Vec<Entry>,
) {
    const CELL: f32 = 5.0;
    let area = view.area;
    let (gw, gh) = (
        (area[2] / CELL).ceil() as usize,
        (area[3] / CELL).ceil() as usize,
    );
    let mut grid = vec![0f32; gw * gh];
    for p in pts {
        let (x, y) = view.px(*p);
        let (gx, gy) = ((x - area[0]) / CELL, (y - area[1]) / CELL);
        if gx >= 0.0 && gy >= 0.0 && (gx as usize) < gw && (gy as usize) < gh {
            grid[gy as usize * gw + gx as usize] += 1.0;
        }
    }
    // Smooth with a Gaussian kernel (σ = 1.5 cells, separable).
    let k: Vec<f32> = (-4..=4)
        .map(|i: i32| (-((i * i) as f32) / (2.0 * 1.5 * 1.5)).exp())
        .collect();
    let ks: f32 = k.iter().sum();
    let mut tmp = vec![0f32; gw * gh];
    blur_pass(&grid, &mut tmp, gw, gh, &k, ks, (1, 0));
    blur_pass(&tmp, &mut grid, gw, gh, &k, ks, (0, 1));
    let max = grid.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return;
    }
    // Points per 100 km² at the map's scale.
    let cell_km = CELL as f64 * view.metres_per_px() / 1000.0;
    let per100 = 100.0 / (cell_km * cell_km);
    let pal = sequential("ylorrd").expect("palette");
    let colours = ramp(pal, 7);
    let floor = max * 0.004;
    for y in 0..gh {
        for x in 0..gw {
            let v = grid[y * gw + x];
            if v <= floor {
                continue;
            }
            // Log scale from the floor to the max.
            let t = ((v / floor).ln() / (max / floor).ln()).clamp(0.0, 1.0);
            let c = colours[((t * 6.999) as usize).min(6)];
            let alpha = 0.35 + 0.5 * t;
            cv.fill_rect(
                tiny_skia::Rect::from_xywh(
                    area[0] + x as f32 * CELL,
                    area[1] + y as f32 * CELL,
                    CELL,
                    CELL,
                )
                .expect("cell"),
                Ink::Solid(c, alpha),
            );
        }
    }
    legend.push(Entry::Header(title.to_string()));
    legend.push(Entry::Ramp(
        colours,
        human(floor as f64 * per100, false),
        format!("{} per 100 km²", human(max as f64 * per100, false)),
    ));
}

/// One pass of a separable blur over a `w`×`h` grid, along `dir` ((1, 0)
/// horizontal, (0, 1) vertical), with the kernel `k` centred and summing to `ks`.
pub(super) fn blur_pass(
    src: &[f32],
    dst: &mut [f32],
    w: usize,
    h: usize,
    k: &[f32],
    ks: f32,
    dir: (usize, usize),
) {
    let half = (k.len() / 2) as isize;
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
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
            dst[y * w + x] = s / ks;
        }
    }
}
