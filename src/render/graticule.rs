//! The graticule (meridians and parallels every round number of degrees,
//! curved as the projection draws them, labelled at the map's left and
//! bottom edges) and the locator inset (the map's extent on a small
//! overview of the region).

use super::canvas::{Canvas, Ink, pen};
use super::labels::overlaps;
use super::paint::{DURAND, LAND, NEIGHBOUR, NEIGHBOUR_LINE, PROVINCE_LINE, SEA, geometry_path};
use super::text;
use super::text::Weight;
use super::view::{View, fit_in};
use crate::error::Result;
use crate::layer::Catalogue;
use geo::{Coord, Rect};
use tiny_skia::{FillRule, PathBuilder};

/// A round step in degrees for about six lines across the extent.
pub(super) fn step_deg(span: f64) -> f64 {
    let target = span / 6.0;
    [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0]
        .into_iter()
        .find(|s| *s >= target)
        .unwrap_or(30.0)
}

/// A degree label: `30°N`, `70°E`, `0.5°S`.
pub(super) fn degrees(v: f64, pos: char, neg: char) -> String {
    let a = (v.abs() * 100.0).round() / 100.0;
    let h = if v < 0.0 { neg } else { pos };
    if a == 0.0 {
        return "0°".into();
    }
    format!("{a}°{h}")
}

/// The meridians and parallels over `extent`, degrees.
fn lines(extent: Rect) -> (Vec<f64>, Vec<f64>) {
    let step = step_deg(extent.width().max(extent.height()));
    let run = |lo: f64, hi: f64| {
        let mut v = Vec::new();
        let mut k = (lo / step).ceil() as i64;
        while k as f64 * step <= hi + 1e-9 {
            v.push(k as f64 * step);
            k += 1;
        }
        v
    };
    (
        run(extent.min().x, extent.max().x),
        run(extent.min().y, extent.max().y),
    )
}

/// Draw the graticule's lines over `extent`, thin and grey.
pub(super) fn graticule_lines(cv: &mut Canvas, view: &View, extent: Rect) {
    let (lons, lats) = lines(extent);
    // Each line sampled finely, so it curves as the projection does.
    let n = 120;
    let mut pb = PathBuilder::new();
    let mut trace = |at: &dyn Fn(f64) -> Coord| {
        for i in 0..=n {
            let (px, py) = view.px(at(i as f64 / n as f64));
            if i == 0 {
                pb.move_to(px, py);
            } else {
                pb.line_to(px, py);
            }
        }
    };
    for &lon in &lons {
        trace(&|t| Coord {
            x: lon,
            y: extent.min().y + extent.height() * t,
        });
    }
    for &lat in &lats {
        trace(&|t| Coord {
            x: extent.min().x + extent.width() * t,
            y: lat,
        });
    }
    if let Some(p) = pb.finish() {
        cv.stroke(&p, pen(0x7d8a94, 0.55, 0.5, None));
    }
}

/// Label the graticule where its lines meet the map's left and bottom
/// edges, clear of `busy`; returns the labels' boxes.
pub(super) fn graticule_labels(
    cv: &mut Canvas,
    view: &View,
    extent: Rect,
    busy: &[[f32; 4]],
) -> Vec<[f32; 4]> {
    let area = view.area;
    let (lons, lats) = lines(extent);
    // Labels where each line meets the map's left or bottom edge.
    let size = if view.compact { 9.0 } else { 10.0 };
    let mut placed: Vec<[f32; 4]> = Vec::new();
    let mut label = |cv: &mut Canvas, text: String, x: f32, y: f32| {
        let (tw, th) = text::measure(&text, size, Weight::Regular);
        let b = [x, y, tw + 2.0, th];
        let inside = b[0] >= area[0]
            && b[1] >= area[1]
            && b[0] + b[2] <= area[0] + area[2]
            && b[1] + b[3] <= area[1] + area[3];
        if inside
            && !busy.iter().any(|f| overlaps(&b, f))
            && !placed.iter().any(|p| overlaps(&b, p))
        {
            cv.text(
                &text,
                b[0] + 1.0,
                b[1],
                size,
                Weight::Regular,
                0x4f5a63,
                Some(0xffffff),
            );
            placed.push(b);
        }
    };
    let bottom = area[1] + area[3];
    for &lon in &lons {
        // Where the meridian crosses the bottom edge: walk up from the
        // extent's south edge to the first point on the map.
        if let Some((px, _)) = edge_crossing(
            view,
            |t| Coord {
                x: lon,
                y: extent.min().y + extent.height() * t,
            },
            |_, py| py <= bottom - 2.0,
        ) {
            let text = degrees(lon, 'E', 'W');
            let (tw, th) = text::measure(&text, size, Weight::Regular);
            label(cv, text, px - tw / 2.0, bottom - th - 3.0);
        }
    }
    for &lat in &lats {
        if let Some((_, py)) = edge_crossing(
            view,
            |t| Coord {
                x: extent.min().x + extent.width() * t,
                y: lat,
            },
            |px, _| px >= area[0] + 2.0,
        ) {
            let text = degrees(lat, 'N', 'S');
            let (_, th) = text::measure(&text, size, Weight::Regular);
            label(cv, text, area[0] + 3.0, py - th / 2.0);
        }
    }
    placed
}

/// The first point of the curve `at(t)`, t from 0 to 1, that `on_map`
/// accepts (in pixels).
fn edge_crossing(
    view: &View,
    at: impl Fn(f64) -> Coord,
    on_map: impl Fn(f32, f32) -> bool,
) -> Option<(f32, f32)> {
    (0..=400).find_map(|i| {
        let (x, y) = view.px(at(i as f64 / 400.0));
        on_map(x, y).then_some((x, y))
    })
}

/// The region the inset shows: Pakistan and Afghanistan with a margin.
pub const INSET_REGION: [f64; 4] = [58.0, 22.0, 80.0, 39.5];

/// Draw the locator inset in the corner where it hides least of the map:
/// the region's countries and provinces and, in red, the map's extent.
/// Returns its box.
pub(super) fn inset(
    cv: &mut Canvas,
    view: &View,
    extent: Rect,
    busy: &[[f32; 4]],
) -> Result<[f32; 4]> {
    let a = view.area;
    let region = Rect::new(
        Coord {
            x: INSET_REGION[0],
            y: INSET_REGION[1],
        },
        Coord {
            x: INSET_REGION[2],
            y: INSET_REGION[3],
        },
    );
    let w = (a[2] * 0.2).clamp(110.0, 260.0);
    let probe = fit_in(region, [0.0, 0.0, w, w], true);
    let h = {
        // The region's aspect in its projection.
        let (x0, y0) = probe.px(Coord {
            x: region.min().x,
            y: region.max().y,
        });
        let (x1, y1) = probe.px(Coord {
            x: region.max().x,
            y: region.min().y,
        });
        (w * ((y1 - y0) / (x1 - x0)).abs()).clamp(60.0, 300.0)
    };
    let m = 14.0;
    let candidates = [
        (a[0] + m, a[1] + a[3] - h - m),
        (a[0] + a[2] - w - m, a[1] + a[3] - h - 60.0),
        (a[0] + m, a[1] + m),
        (a[0] + a[2] - w - m, a[1] + 96.0),
    ];
    // Anywhere but on the furniture; if every corner has some, the
    // emptiest corner regardless.
    let (x0, y0) = cv
        .least_busy(&candidates, (w, h), 3, |b| {
            busy.iter().any(|f| overlaps(b, f))
        })
        .or_else(|| cv.least_busy(&candidates, (w, h), 3, |_| false))
        .expect("candidates");
    let b = [x0, y0, w, h];
    let r = tiny_skia::Rect::from_xywh(x0, y0, w, h).expect("inset box");
    cv.fill_rect(r, Ink::Solid(SEA, 1.0));
    let iv = fit_in(region, b, true);
    cv.clip(Some(b));
    for f in &Catalogue::shared("neighbours")?.features {
        if let Some(p) = geometry_path(&iv, &f.geometry) {
            cv.fill(&p, Ink::Solid(NEIGHBOUR, 1.0), FillRule::EvenOdd);
            cv.stroke(&p, pen(NEIGHBOUR_LINE, 1.0, 0.4, None));
        }
    }
    for f in &Catalogue::shared("provinces")?.features {
        if let Some(p) = geometry_path(&iv, &f.geometry) {
            cv.fill(&p, Ink::Solid(LAND, 1.0), FillRule::EvenOdd);
            cv.stroke(&p, pen(PROVINCE_LINE, 1.0, 0.4, None));
        }
    }
    if let Some(p) = geometry_path(&iv, &Catalogue::shared("durand-line")?.features[0].geometry) {
        cv.stroke(&p, pen(DURAND, 1.0, 0.8, None));
    }
    // The map's extent, its edges sampled so they curve as on the overview.
    let mut pb = PathBuilder::new();
    let ring = extent_ring(extent, 40);
    for (i, c) in ring.iter().enumerate() {
        let (x, y) = iv.px(*c);
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    if let Some(p) = pb.finish() {
        cv.fill(&p, Ink::Solid(0xd7301f, 0.15), FillRule::Winding);
        cv.stroke(&p, pen(0xd7301f, 1.0, 1.4, None));
    }
    cv.clip(None);
    cv.stroke(&PathBuilder::from_rect(r), pen(0x777777, 1.0, 0.8, None));
    Ok(b)
}

/// The boundary of a lon/lat box, `n` points a side.
fn extent_ring(e: Rect, n: usize) -> Vec<Coord> {
    let (x0, y0, x1, y1) = (e.min().x, e.min().y, e.max().x, e.max().y);
    let mut out = Vec::with_capacity(4 * n);
    for i in 0..n {
        out.push(Coord {
            x: x0 + (x1 - x0) * i as f64 / n as f64,
            y: y0,
        });
    }
    for i in 0..n {
        out.push(Coord {
            x: x1,
            y: y0 + (y1 - y0) * i as f64 / n as f64,
        });
    }
    for i in 0..n {
        out.push(Coord {
            x: x1 - (x1 - x0) * i as f64 / n as f64,
            y: y1,
        });
    }
    for i in 0..n {
        out.push(Coord {
            x: x0,
            y: y1 - (y1 - y0) * i as f64 / n as f64,
        });
    }
    out
}
