//! A scene as SVG: paths as paths, text as `<text>` elements (DejaVu Sans
//! by name, halos as a stroke painted under the letters), point symbols as
//! circles, and the density surface as an embedded PNG.

use super::canvas::{Ink, Op, Pen, Scene};
use super::shape::{Family, needs_shaping, shape};
use super::text::{Weight, ascent, em};
use base64::Engine;
use std::fmt::Write;
use tiny_skia::{Path, PathSegment};

/// A number in an SVG attribute: at most two decimals, no trailing zeros.
fn num(out: &mut String, v: f32) {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    let _ = write!(out, "{r}");
}

fn rgb(c: u32) -> String {
    format!("#{:06x}", c & 0xff_ffff)
}

/// The `d` attribute of a path.
pub(super) fn path_data(p: &Path) -> String {
    let mut d = String::with_capacity(p.len() * 12);
    for seg in p.segments() {
        let (op, pts, n) = match seg {
            PathSegment::MoveTo(a) => ('M', [a, a, a], 1),
            PathSegment::LineTo(a) => ('L', [a, a, a], 1),
            PathSegment::QuadTo(a, b) => ('Q', [a, b, b], 2),
            PathSegment::CubicTo(a, b, c) => ('C', [a, b, c], 3),
            PathSegment::Close => ('Z', [tiny_skia::Point::zero(); 3], 0),
        };
        d.push(op);
        for (i, q) in pts[..n].iter().enumerate() {
            if i > 0 {
                d.push(' ');
            }
            num(&mut d, q.x);
            d.push(',');
            num(&mut d, q.y);
        }
    }
    d
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn fill_attrs(out: &mut String, ink: Ink) {
    match ink {
        Ink::Solid(c, a) => {
            let _ = write!(out, " fill=\"{}\"", rgb(c));
            if a < 1.0 {
                out.push_str(" fill-opacity=\"");
                num(out, a);
                out.push('"');
            }
        }
        Ink::Hatch => out.push_str(" fill=\"url(#hatch)\""),
    }
}

fn pen_attrs(out: &mut String, pen: &Pen) {
    let _ = write!(out, " fill=\"none\" stroke=\"{}\"", rgb(pen.rgb));
    if pen.alpha < 1.0 {
        out.push_str(" stroke-opacity=\"");
        num(out, pen.alpha);
        out.push('"');
    }
    out.push_str(" stroke-width=\"");
    num(out, pen.width);
    out.push_str("\" stroke-linecap=\"round\" stroke-linejoin=\"round\"");
    if let Some(d) = &pen.dash {
        out.push_str(" stroke-dasharray=\"");
        for (i, v) in d.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            num(out, *v);
        }
        out.push('"');
    }
}

impl Scene {
    /// The scene as an SVG document, sized in points (`width="…pt"`) with
    /// a viewBox in points, so it prints at the map's size.
    pub fn to_svg(&self) -> String {
        let (w, h) = self.page;
        let mut out = String::with_capacity(1 << 20);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
        num(&mut out, w * self.unit);
        out.push_str("pt\" height=\"");
        num(&mut out, h * self.unit);
        out.push_str("pt\" viewBox=\"0 0 ");
        num(&mut out, w);
        out.push(' ');
        num(&mut out, h);
        out.push_str("\">\n");
        if self.ops.iter().any(|o| {
            matches!(
                o,
                Op::Fill {
                    ink: Ink::Hatch,
                    ..
                }
            )
        }) {
            // The no-data hatching, as on the PNG: grey lines every 8 pt.
            out.push_str(
                "<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">\
                 <rect width=\"8\" height=\"8\" fill=\"#e4e4e4\"/>\
                 <path d=\"M0,8L8,0M-4,4L4,-4M4,12L12,4\" stroke=\"#9a9a9a\" stroke-width=\"1\"/>\
                 </pattern></defs>\n",
            );
        }
        let mut clips = 0;
        let mut clipped = false;
        for op in &self.ops {
            match op {
                Op::Clip(rect) => {
                    if clipped {
                        out.push_str("</g>\n");
                        clipped = false;
                    }
                    if let Some(r) = rect {
                        let _ = write!(out, "<clipPath id=\"clip{clips}\"><rect x=\"");
                        num(&mut out, r[0]);
                        out.push_str("\" y=\"");
                        num(&mut out, r[1]);
                        out.push_str("\" width=\"");
                        num(&mut out, r[2]);
                        out.push_str("\" height=\"");
                        num(&mut out, r[3]);
                        let _ = writeln!(out, "\"/></clipPath><g clip-path=\"url(#clip{clips})\">");
                        clips += 1;
                        clipped = true;
                    }
                }
                Op::Fill {
                    path,
                    ink,
                    even_odd,
                } => {
                    let _ = write!(out, "<path d=\"{}\"", path_data(path));
                    fill_attrs(&mut out, *ink);
                    if *even_odd {
                        out.push_str(" fill-rule=\"evenodd\"");
                    }
                    out.push_str("/>\n");
                }
                Op::Stroke { path, pen } => {
                    let _ = write!(out, "<path d=\"{}\"", path_data(path));
                    pen_attrs(&mut out, pen);
                    out.push_str("/>\n");
                }
                Op::Dot {
                    x,
                    y,
                    r,
                    rgb: c,
                    alpha,
                    outline,
                } => {
                    out.push_str("<circle cx=\"");
                    num(&mut out, *x);
                    out.push_str("\" cy=\"");
                    num(&mut out, *y);
                    out.push_str("\" r=\"");
                    num(&mut out, r.max(0.5));
                    out.push('"');
                    fill_attrs(&mut out, Ink::Solid(*c, *alpha));
                    if let Some(o) = outline {
                        let _ = write!(
                            out,
                            " stroke=\"{}\" stroke-opacity=\"0.9\" stroke-width=\"0.8\"",
                            rgb(*o)
                        );
                    }
                    out.push_str("/>\n");
                }
                Op::Text {
                    text,
                    x,
                    y,
                    size,
                    weight,
                    rgb: c,
                    halo,
                } => {
                    // Arabic script in Noto Naskh, as on the PNG; a
                    // right-to-left line anchored at its right end.
                    let shaped = needs_shaping(text).then(|| shape(text, *weight));
                    let rtl = shaped.as_ref().is_some_and(|l| l.rtl);
                    out.push_str("<text x=\"");
                    match &shaped {
                        Some(l) if rtl => num(&mut out, x + l.width * em(*size, *weight)),
                        _ => num(&mut out, *x),
                    }
                    out.push_str("\" y=\"");
                    num(&mut out, y + ascent(*size, *weight));
                    if rtl {
                        out.push_str("\" direction=\"rtl");
                    }
                    out.push_str(if shaped.is_some() {
                        "\" font-family=\"Noto Naskh Arabic, DejaVu Sans, sans-serif\" font-size=\""
                    } else {
                        "\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\""
                    });
                    // Wholly Arabic text at Naskh's own scale, as on the PNG.
                    let scale = match &shaped {
                        Some(l) if l.glyphs.iter().all(|g| g.family == Family::Arabic) => {
                            Family::Arabic.em_scale()
                        }
                        _ => 1.0,
                    };
                    num(&mut out, em(*size, *weight) * scale);
                    out.push('"');
                    if *weight == Weight::Bold {
                        out.push_str(" font-weight=\"bold\"");
                    }
                    let _ = write!(out, " fill=\"{}\"", rgb(*c));
                    if let Some(hc) = halo {
                        let _ = write!(
                            out,
                            " stroke=\"{}\" stroke-width=\"2\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                            rgb(*hc)
                        );
                    }
                    let _ = writeln!(out, " xml:space=\"preserve\">{}</text>", escape(text));
                }
                Op::Image { rect, image } => {
                    let png = image.encode_png().unwrap_or_default();
                    out.push_str("<image x=\"");
                    num(&mut out, rect[0]);
                    out.push_str("\" y=\"");
                    num(&mut out, rect[1]);
                    out.push_str("\" width=\"");
                    num(&mut out, rect[2]);
                    out.push_str("\" height=\"");
                    num(&mut out, rect[3]);
                    let _ = writeln!(
                        out,
                        "\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{}\"/>",
                        base64::engine::general_purpose::STANDARD.encode(png)
                    );
                }
            }
        }
        if clipped {
            out.push_str("</g>\n");
        }
        out.push_str("</svg>\n");
        out
    }
}
