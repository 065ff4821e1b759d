//! Map furniture: the scale bar and the north arrow (the title and source
//! bands are drawn by [`super::render`] last).

use super::canvas::{Canvas, Ink, pen};
use super::classify::{nice_floor, scale_label};
use super::paint::{INK, MUTED};
use super::text::Weight;
use super::view::{View, bands, compact};
use super::{Labels, MapSpec, NorthArrow, ScaleBar, text};
use tiny_skia::{FillRule, PathBuilder};

/// Draw the scale bar for the map's centre: the geodesic from the centre
/// eastwards is projected to find how many pixels a round number of km
/// covers. Returns the bar and its box.
pub(super) fn scale_bar(cv: &mut Canvas, view: &View) -> (ScaleBar, [f32; 4]) {
    let area = view.area;
    // The map's scale at its centre.
    let px_per_km = view.pt_per_km();
    // A round length near a fifth of the map's width.
    let target_km = area[2] as f64 / 5.0 / px_per_km;
    // (The extent is at least `MIN_EXTENT_DEG` wide, so a fifth of the
    // map is several metres; a view without a scale draws a metre.)
    let km = Some(nice_floor(target_km))
        .filter(|k| *k > 0.0 && k.is_finite())
        .unwrap_or(0.001);
    let px = px_per_km * km;
    // The length's label is centred over the bar's end; where it is wider
    // than the box's margin, the box grows to hold it and the bar moves in.
    let label = scale_label(km);
    let (lw, _) = text::measure(&label, 12.0, Weight::Regular);
    let spill = (lw / 2.0 - 10.0).max(0.0);
    let x1 = area[0] + area[2] - 24.0 - spill;
    let x0 = x1 - px as f32;
    let y = area[1] + area[3] - 30.0;
    let bx = [x0 - 10.0, y - 26.0, px as f32 + 20.0 + spill, 40.0];
    if let Some(r) = tiny_skia::Rect::from_xywh(bx[0], bx[1], bx[2], bx[3]) {
        cv.fill_rect(r, Ink::Solid(0xffffff, 0.85));
    }
    let half = (px / 2.0) as f32;
    for (i, c) in [(0, INK), (1, 0xffffff)] {
        if let Some(r) = tiny_skia::Rect::from_xywh(x0 + i as f32 * half, y, half, 6.0) {
            cv.fill_rect(r, Ink::Solid(c, 1.0));
        }
    }
    if let Some(r) = tiny_skia::Rect::from_xywh(x0, y, px as f32, 6.0) {
        cv.stroke(&PathBuilder::from_rect(r), pen(INK, 1.0, 1.0, None));
    }
    cv.text("0", x0 - 3.0, y - 19.0, 12.0, Weight::Regular, INK, None);
    cv.text(
        &label,
        x1 - lw / 2.0 - 4.0,
        y - 19.0,
        12.0,
        Weight::Regular,
        INK,
        None,
    );
    (ScaleBar { km, px }, bx)
}

/// A north arrow pointing to true north at its own position; returns its
/// box and where it stands and points.
pub(super) fn north_arrow(cv: &mut Canvas, view: &View) -> ([f32; 4], NorthArrow) {
    let area = view.area;
    let (cx, cy) = (area[0] + area[2] - 40.0, area[1] + 52.0);
    // True north where the arrow stands, on the page (y down).
    let (ex, ny) = view.projection.north(view.lonlat(cx as f64, cy as f64));
    let (ux, uy) = (ex as f32, -ny as f32);
    let (nx, ny) = (-uy, ux);
    let tip = (cx + ux * 22.0, cy + uy * 22.0);
    let tail = (cx - ux * 16.0, cy - uy * 16.0);
    if let Some(p) = PathBuilder::from_circle(cx, cy + 4.0, 30.0) {
        cv.fill(&p, Ink::Solid(0xffffff, 0.85), FillRule::Winding);
    }
    let mut pb = PathBuilder::new();
    pb.move_to(tip.0, tip.1);
    pb.line_to(tail.0 + nx * 9.0, tail.1 + ny * 9.0);
    pb.line_to(cx - ux * 8.0, cy - uy * 8.0);
    pb.close();
    if let Some(p) = pb.finish() {
        cv.fill(&p, Ink::Solid(INK, 1.0), FillRule::Winding);
    }
    let mut pb = PathBuilder::new();
    pb.move_to(tip.0, tip.1);
    pb.line_to(tail.0 - nx * 9.0, tail.1 - ny * 9.0);
    pb.line_to(cx - ux * 8.0, cy - uy * 8.0);
    pb.close();
    if let Some(p) = pb.finish() {
        cv.fill(&p, Ink::Solid(0xffffff, 1.0), FillRule::Winding);
        cv.stroke(&p, pen(INK, 1.0, 1.2, None));
    }
    let (tw, _) = text::measure("N", 14.0, Weight::Bold);
    cv.text(
        "N",
        tail.0 - ux * 12.0 - tw / 2.0,
        tail.1 - uy * 12.0 - 6.0,
        14.0,
        Weight::Bold,
        INK,
        None,
    );
    let arrow = NorthArrow {
        at: (cx, cy),
        towards: (ux, uy),
    };
    ([cx - 32.0, cy - 28.0, 64.0, 66.0], arrow)
}

/// The source band's words: one line (the credits, and the projection at
/// the right where it fits) or, on a page too narrow for that even in
/// 7-point type, the credits on two lines.
pub(super) struct SourceLines {
    lines: Vec<String>,
    size: f32,
    projection: Option<String>,
    /// The band's height, points.
    pub(super) height: f32,
}

/// Lay out the source band of `spec` on a page `w` points wide, naming the
/// projection `proj`.
pub(super) fn source_lines(spec: &MapSpec, page: (f32, f32), proj: &str) -> SourceLines {
    let w = page.0;
    let (_, band) = bands(page);
    let mut credits: Vec<String> = crate::layer::CREDITS
        .iter()
        .map(|c| c.to_string())
        .collect();
    // The gazetteer's credit (CC BY 4.0) when its places are named.
    if matches!(spec.labels, Labels::Cities | Labels::All) {
        credits.push(format!("Places: {}", crate::layer::PLACES_CREDIT));
    }
    credits.extend(spec.sources.iter().cloned());
    let credit = format!("Sources: {}", credits.join(" · "));
    let proj = format!("frontier · {proj}, WGS84");
    let (pw, _) = text::measure(&proj, 11.0, Weight::Regular);
    let width = |t: &str, size: f32| text::measure(t, size, Weight::Regular).0;
    let mut size = if compact(page) { 10.0 } else { 12.0 };
    while size > 7.0 && width(&credit, size) + pw + 48.0 > w {
        size -= 0.5;
    }
    if width(&credit, size) + 24.0 <= w {
        let projection = (width(&credit, size) + pw + 48.0 <= w).then_some(proj);
        return SourceLines {
            lines: vec![credit],
            size,
            projection,
            height: band,
        };
    }
    // Two lines, split between credits where the halves are most even.
    let mut best = (f32::MAX, 1);
    for k in 1..credits.len().max(2) {
        let a = format!("Sources: {}", credits[..k.min(credits.len())].join(" · "));
        let b = credits[k.min(credits.len())..].join(" · ");
        let d = (width(&a, 10.0) - width(&b, 10.0)).abs();
        if d < best.0 {
            best = (d, k);
        }
    }
    let k = best.1.min(credits.len());
    let lines = vec![
        format!("Sources: {}", credits[..k].join(" · ")),
        credits[k..].join(" · "),
    ];
    let mut size = if compact(page) { 10.0 } else { 12.0 };
    while size > 6.0 && lines.iter().any(|l| width(l, size) + 24.0 > w) {
        size -= 0.5;
    }
    SourceLines {
        lines,
        size,
        projection: None,
        height: band + size * 1.25,
    }
}

/// The title band (title, subtitle) and the source band (credits, the
/// projection), drawn last, over everything.
pub(super) fn draw_bands(cv: &mut Canvas, view: &View, spec: &MapSpec, source: &SourceLines) {
    let (w, h) = cv.page;
    let (title_band, _) = bands(cv.page);
    let source_band = source.height;
    cv.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, 0.0, w, title_band).expect("rect"),
        Ink::Solid(0xffffff, 1.0),
    );
    cv.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, title_band - 1.0, w, 1.0).expect("rect"),
        Ink::Solid(0xbbbbbb, 1.0),
    );
    if let Some(t) = &spec.title {
        let ts = if view.compact { 17.0 } else { 24.0 };
        cv.text(t, 12.0, 6.0, ts, Weight::Bold, INK, None);
    }
    if let Some(s) = &spec.subtitle {
        let (sy, ss) = if view.compact {
            (27.0, 11.0)
        } else {
            (40.0, 14.0)
        };
        cv.text(s, 13.0, sy, ss, Weight::Regular, MUTED, None);
    }
    cv.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, h - source_band, w, source_band).expect("rect"),
        Ink::Solid(0xffffff, 1.0),
    );
    cv.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, h - source_band, w, 1.0).expect("rect"),
        Ink::Solid(0xbbbbbb, 1.0),
    );
    let size = source.size;
    let n = source.lines.len() as f32;
    let top = h - source_band + (source_band - size * 1.2 * n - size * 0.05 * (n - 1.0)) / 2.0;
    for (i, line) in source.lines.iter().enumerate() {
        cv.text(
            line,
            12.0,
            top + i as f32 * size * 1.25,
            size,
            Weight::Regular,
            MUTED,
            None,
        );
    }
    if let Some(proj) = &source.projection {
        let (pw, _) = text::measure(proj, 11.0, Weight::Regular);
        cv.text(
            proj,
            w - pw - 12.0,
            h - source_band + 7.0,
            11.0,
            Weight::Regular,
            0x888888,
            None,
        );
    }
}
