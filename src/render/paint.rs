//! Colours, paints, strokes, hatching, markers, and geometries as paths
//! in the view.

use super::clip;
use super::view::View;
use geo::{Geometry, LineString, Polygon};
use tiny_skia::{
    FillRule, FilterQuality, LineCap, LineJoin, Paint, Path, PathBuilder, Pattern, Pixmap,
    SpreadMode, Stroke, StrokeDash, Transform,
};

// ------------------------------------------------------------------ colours

/// Outside the layers (sea, and countries not in the data): plain.
pub(super) const SEA: u32 = 0xeef0f0;
pub(super) const NEIGHBOUR: u32 = 0xe3dfd6;
pub(super) const NEIGHBOUR_LINE: u32 = 0xb5afa3;
pub(super) const LAND: u32 = 0xfbfaf5;
pub(super) const DISTRICT_LINE: u32 = 0xb8b1a4;
pub(super) const PROVINCE_LINE: u32 = 0x5f584d;
pub(super) const DURAND: u32 = 0x1a1a1a;
pub(super) const INK: u32 = 0x222222;
pub(super) const MUTED: u32 = 0x555555;
pub(super) const NO_DATA: u32 = 0xd9d9d9;

pub(super) fn corridor_colour(name: &str) -> u32 {
    match name {
        "eastern" => 0x1b9e77,
        "western" => 0xd95f02,
        _ => 0x7570b3,
    }
}

pub(super) fn paint(rgb: u32, alpha: f32) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(
        (rgb >> 16) as u8,
        (rgb >> 8) as u8,
        rgb as u8,
        (alpha.clamp(0.0, 1.0) * 255.0).round() as u8,
    );
    p.anti_alias = true;
    p
}

pub(super) fn stroke(width: f32, dash: Option<Vec<f32>>) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        dash: dash.and_then(|d| StrokeDash::new(d, 0.0)),
        ..Stroke::default()
    }
}

// ---------------------------------------------------------------- geometry

pub(super) fn ring_path(pb: &mut PathBuilder, view: &View, ring: &LineString) {
    let pts: Vec<(f64, f64)> = ring.0.iter().map(|c| view.px64(*c)).collect();
    if pts.iter().all(|p| clip::within(*p)) {
        ring_points(pb, &pts);
    } else {
        let inside = clip::clip_ring(&pts);
        if inside.len() >= 3 {
            ring_points(pb, &inside);
        }
    }
}

/// A ring's points (pixels) as a closed subpath, leaving out points within
/// a quarter of a pixel of the last one kept.
fn ring_points(pb: &mut PathBuilder, pts: &[(f64, f64)]) {
    let mut first = true;
    let mut last = (f32::NAN, f32::NAN);
    for &(x, y) in pts {
        let p = (x as f32, y as f32);
        if first {
            pb.move_to(p.0, p.1);
            first = false;
            last = p;
        } else if (p.0 - last.0).abs() + (p.1 - last.1).abs() > 0.25 {
            pb.line_to(p.0, p.1);
            last = p;
        }
    }
    pb.close();
}

pub(super) fn polygons_path(view: &View, polys: &[Polygon]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for p in polys {
        ring_path(&mut pb, view, p.exterior());
        for h in p.interiors() {
            ring_path(&mut pb, view, h);
        }
    }
    pb.finish()
}

pub(super) fn line_path(view: &View, lines: &[&LineString]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for l in lines {
        let pts: Vec<(f64, f64)> = l.0.iter().map(|c| view.px64(*c)).collect();
        let pieces = if pts.iter().all(|p| clip::within(*p)) {
            vec![pts]
        } else {
            clip::clip_line(&pts)
        };
        for piece in pieces {
            for (i, &(x, y)) in piece.iter().enumerate() {
                if i == 0 {
                    pb.move_to(x as f32, y as f32);
                } else {
                    pb.line_to(x as f32, y as f32);
                }
            }
        }
    }
    pb.finish()
}

pub(super) fn polys_of(g: &Geometry) -> Vec<Polygon> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        _ => Vec::new(),
    }
}

pub(super) fn lines_of(g: &Geometry) -> Vec<&LineString> {
    match g {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        _ => Vec::new(),
    }
}

pub(super) fn geometry_path(view: &View, g: &Geometry) -> Option<Path> {
    let polys = polys_of(g);
    if !polys.is_empty() {
        return polygons_path(view, &polys);
    }
    line_path(view, &lines_of(g))
}

pub(super) fn hatch() -> Pixmap {
    let mut pm = Pixmap::new(8, 8).expect("pixmap");
    pm.fill(tiny_skia::Color::from_rgba8(0xe4, 0xe4, 0xe4, 255));
    let mut pb = PathBuilder::new();
    pb.move_to(0.0, 8.0);
    pb.line_to(8.0, 0.0);
    pb.move_to(-4.0, 4.0);
    pb.line_to(4.0, -4.0);
    pb.move_to(4.0, 12.0);
    pb.line_to(12.0, 4.0);
    if let Some(p) = pb.finish() {
        pm.stroke_path(
            &p,
            &paint(0x9a9a9a, 1.0),
            &stroke(1.0, None),
            Transform::identity(),
            None,
        );
    }
    pm
}

/// A paint that fills with the no-data hatching.
pub(super) fn hatched(pattern: &Pixmap) -> Paint<'_> {
    Paint {
        shader: Pattern::new(
            pattern.as_ref(),
            SpreadMode::Repeat,
            FilterQuality::Nearest,
            1.0,
            Transform::identity(),
        ),
        ..Paint::default()
    }
}

/// A circle sprite of radius `r` pixels with an outline `line` pixels wide,
/// drawn once per colour and radius and then copied.
pub(super) fn sprite(r: f32, rgb: u32, alpha: f32, outline: Option<u32>, line: f32) -> Pixmap {
    let size = (2.0 * r + 4.0).ceil() as u32;
    let mut pm = Pixmap::new(size, size).expect("sprite");
    let c = size as f32 / 2.0;
    if let Some(p) = PathBuilder::from_circle(c, c, r.max(0.5)) {
        let id = Transform::identity();
        pm.fill_path(&p, &paint(rgb, alpha), FillRule::Winding, id, None);
        if let Some(o) = outline {
            pm.stroke_path(&p, &paint(o, 0.9), &stroke(line, None), id, None);
        }
    }
    pm
}
