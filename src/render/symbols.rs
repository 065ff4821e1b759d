//! Point symbols drawn on the canvas: markers (a path filled and
//! outlined), the crossings' diamond, and circles.

use super::canvas::{Canvas, Ink, pen};
use tiny_skia::{FillRule, Path, PathBuilder};

/// Fill a marker's path, then outline it (if an outline colour is given).
pub(super) fn marker(
    cv: &mut Canvas,
    path: Option<Path>,
    fill: (u32, f32),
    outline: Option<(u32, f32, f32)>,
) {
    let Some(p) = path else { return };
    cv.fill(&p, Ink::Solid(fill.0, fill.1), FillRule::Winding);
    if let Some((rgb, alpha, width)) = outline {
        cv.stroke(&p, pen(rgb, alpha, width, None));
    }
}

pub(super) fn diamond(cv: &mut Canvas, x: f32, y: f32, r: f32, rgb: u32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x, y - r);
    pb.line_to(x + r, y);
    pb.line_to(x, y + r);
    pb.line_to(x - r, y);
    pb.close();
    marker(cv, pb.finish(), (0xffffff, 1.0), Some((rgb, 1.0, 2.0)));
}

pub(super) fn circle(
    cv: &mut Canvas,
    x: f32,
    y: f32,
    r: f32,
    rgb: u32,
    alpha: f32,
    outline: Option<u32>,
) {
    marker(
        cv,
        PathBuilder::from_circle(x, y, r.max(0.5)),
        (rgb, alpha),
        outline.map(|o| (o, 0.9, 0.8)),
    );
}
