//! A scene as a one-page PDF: vector paths, text in DejaVu Sans embedded
//! as a subset (Type 0 / CIDFontType2 with a ToUnicode map, so the words
//! can be searched and copied), the no-data hatching as a tiling pattern,
//! and the density surface as an image with a soft mask.

use super::canvas::{Ink, Op, Pen, Scene};
use super::text::{Weight, font, font_data};
use ab_glyph::{Font, GlyphId};
use pdf_writer::types::UnicodeCmap;
use pdf_writer::types::{
    CidFontType, ColorSpaceOperand, FontFlags, LineCapStyle, LineJoinStyle, PaintType, SystemInfo,
    TextRenderingMode, TilingType,
};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use tiny_skia::{Path, PathSegment};

/// Compressed with zlib (PDF's FlateDecode).
fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn rgb_f(c: u32) -> (f32, f32, f32) {
    (
        ((c >> 16) & 0xff) as f32 / 255.0,
        ((c >> 8) & 0xff) as f32 / 255.0,
        (c & 0xff) as f32 / 255.0,
    )
}

/// Appends a path to the content stream (quadratic pieces as cubics).
fn path(c: &mut Content, p: &Path) {
    let mut last = tiny_skia::Point::zero();
    for seg in p.segments() {
        match seg {
            PathSegment::MoveTo(a) => {
                c.move_to(a.x, a.y);
                last = a;
            }
            PathSegment::LineTo(a) => {
                c.line_to(a.x, a.y);
                last = a;
            }
            PathSegment::QuadTo(q, a) => {
                let c1 = (
                    last.x + 2.0 / 3.0 * (q.x - last.x),
                    last.y + 2.0 / 3.0 * (q.y - last.y),
                );
                let c2 = (a.x + 2.0 / 3.0 * (q.x - a.x), a.y + 2.0 / 3.0 * (q.y - a.y));
                c.cubic_to(c1.0, c1.1, c2.0, c2.1, a.x, a.y);
                last = a;
            }
            PathSegment::CubicTo(a, b, d) => {
                c.cubic_to(a.x, a.y, b.x, b.y, d.x, d.y);
                last = d;
            }
            PathSegment::Close => {
                c.close_path();
            }
        }
    }
}

/// A circle as four cubic Béziers.
fn circle(c: &mut Content, x: f32, y: f32, r: f32) {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    c.move_to(x + r, y);
    c.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
    c.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
    c.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
    c.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
    c.close_path();
}

/// The graphics states (fill and stroke opacity) a page uses, by name.
#[derive(Default)]
struct Opacities {
    states: BTreeMap<(u8, u8), usize>,
    current: Option<(u8, u8)>,
}

impl Opacities {
    fn set(&mut self, c: &mut Content, fill: f32, stroke: f32) {
        let key = (
            (fill.clamp(0.0, 1.0) * 255.0).round() as u8,
            (stroke.clamp(0.0, 1.0) * 255.0).round() as u8,
        );
        if self.current == Some(key) {
            return;
        }
        let n = self.states.len();
        let i = *self.states.entry(key).or_insert(n);
        c.set_parameters(Name(format!("G{i}").as_bytes()));
        self.current = Some(key);
    }
}

/// The glyphs a weight uses, with a character for each (for ToUnicode).
#[derive(Default)]
struct Glyphs {
    used: BTreeMap<u16, char>,
}

/// The page's resource name of a weight's font.
fn font_name(w: Weight) -> Name<'static> {
    match w {
        Weight::Regular => Name(b"F0"),
        Weight::Bold => Name(b"F1"),
    }
}

fn stroke_setup(c: &mut Content, pen: &Pen) {
    let (r, g, b) = rgb_f(pen.rgb);
    c.set_stroke_rgb(r, g, b);
    c.set_line_width(pen.width);
    match &pen.dash {
        Some(d) => c.set_dash_pattern(d.iter().copied(), 0.0),
        None => c.set_dash_pattern([], 0.0),
    };
}

impl Scene {
    /// The scene as a one-page PDF of the map's size in points; the fonts
    /// are embedded as subsets of the glyphs the map uses.
    pub fn to_pdf(&self) -> Vec<u8> {
        let (w, h) = self.page;
        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let pages = alloc();
        let page = alloc();
        let contents = alloc();
        let hatch = alloc();
        let info = alloc();

        let mut c = Content::new();
        // Page space is y-up from the bottom-left; the scene is y-down
        // from the top-left.
        let u = self.unit;
        c.transform([u, 0.0, 0.0, -u, 0.0, h * u]);
        c.set_line_cap(LineCapStyle::RoundCap);
        c.set_line_join(LineJoinStyle::RoundJoin);
        let mut alpha = Opacities::default();
        let mut glyphs: [Glyphs; 2] = Default::default();
        let mut images: Vec<(Ref, Ref, &tiny_skia::Pixmap)> = Vec::new();
        let mut uses_hatch = false;
        let mut clipped = false;
        for op in &self.ops {
            match op {
                Op::Clip(rect) => {
                    if clipped {
                        c.restore_state();
                        clipped = false;
                        // The saved state had other opacities.
                        alpha.current = None;
                    }
                    if let Some(r) = rect {
                        c.save_state();
                        c.rect(r[0], r[1], r[2], r[3]);
                        c.clip_nonzero();
                        c.end_path();
                        clipped = true;
                    }
                }
                Op::Fill {
                    path: p,
                    ink,
                    even_odd,
                } => {
                    match ink {
                        Ink::Solid(rgb, a) => {
                            alpha.set(&mut c, *a, 1.0);
                            let (r, g, b) = rgb_f(*rgb);
                            c.set_fill_rgb(r, g, b);
                        }
                        Ink::Hatch => {
                            uses_hatch = true;
                            alpha.set(&mut c, 1.0, 1.0);
                            c.set_fill_color_space(ColorSpaceOperand::Pattern);
                            c.set_fill_pattern([], Name(b"Hatch"));
                        }
                    }
                    path(&mut c, p);
                    if *even_odd {
                        c.fill_even_odd();
                    } else {
                        c.fill_nonzero();
                    }
                }
                Op::Stroke { path: p, pen } => {
                    alpha.set(&mut c, 1.0, pen.alpha);
                    stroke_setup(&mut c, pen);
                    path(&mut c, p);
                    c.stroke();
                }
                Op::Dot {
                    x,
                    y,
                    r,
                    rgb,
                    alpha: a,
                    outline,
                } => {
                    alpha.set(&mut c, *a, 0.9);
                    let (cr, cg, cb) = rgb_f(*rgb);
                    c.set_fill_rgb(cr, cg, cb);
                    circle(&mut c, *x, *y, r.max(0.5));
                    match outline {
                        Some(o) => {
                            stroke_setup(&mut c, &super::canvas::pen(*o, 0.9, 0.8, None));
                            c.fill_nonzero_and_stroke();
                        }
                        None => {
                            c.fill_nonzero();
                        }
                    }
                }
                Op::Text {
                    text,
                    x,
                    y,
                    size,
                    weight,
                    rgb,
                    halo,
                } => {
                    let f = font(*weight);
                    let upem = f.units_per_em().unwrap_or(2048.0);
                    let em = size * upem / f.height_unscaled();
                    let base = y + size * f.ascent_unscaled() / f.height_unscaled();
                    let set = &mut glyphs[*weight as usize];
                    let name = font_name(*weight);
                    // Glyph ids (2 bytes each) with the font's kerning.
                    let mut runs: Vec<(Vec<u8>, f32)> = vec![(Vec::new(), 0.0)];
                    let mut prev: Option<GlyphId> = None;
                    for ch in text.chars() {
                        let id = f.glyph_id(ch);
                        set.used.entry(id.0).or_insert(ch);
                        if let Some(p) = prev {
                            let k = f.kern_unscaled(p, id);
                            if k != 0.0 {
                                runs.push((Vec::new(), -k * 1000.0 / upem));
                            }
                        }
                        runs.last_mut().expect("run").0.extend(id.0.to_be_bytes());
                        prev = Some(id);
                    }
                    let passes: Vec<(u32, TextRenderingMode)> = match halo {
                        Some(hc) => vec![
                            (*hc, TextRenderingMode::Stroke),
                            (*rgb, TextRenderingMode::Fill),
                        ],
                        None => vec![(*rgb, TextRenderingMode::Fill)],
                    };
                    alpha.set(&mut c, 1.0, 1.0);
                    for (colour, mode) in passes {
                        let (r, g, b) = rgb_f(colour);
                        if mode == TextRenderingMode::Stroke {
                            c.set_stroke_rgb(r, g, b);
                            c.set_line_width(2.0);
                            c.set_dash_pattern([], 0.0);
                        } else {
                            c.set_fill_rgb(r, g, b);
                        }
                        c.begin_text();
                        c.set_font(name, em);
                        c.set_text_rendering_mode(mode);
                        c.set_text_matrix([1.0, 0.0, 0.0, -1.0, *x, base]);
                        {
                            let mut shown = c.show_positioned();
                            let mut items = shown.items();
                            for (bytes, adjust) in &runs {
                                if *adjust != 0.0 {
                                    items.adjust(*adjust);
                                }
                                if !bytes.is_empty() {
                                    items.show(Str(bytes));
                                }
                            }
                        }
                        c.end_text();
                    }
                }
                Op::Image { rect, image } => {
                    let (id, mask) = (alloc(), alloc());
                    let i = images.len();
                    images.push((id, mask, image));
                    c.save_state();
                    c.transform([rect[2], 0.0, 0.0, -rect[3], rect[0], rect[1] + rect[3]]);
                    c.x_object(Name(format!("Im{i}").as_bytes()));
                    c.restore_state();
                }
            }
        }
        if clipped {
            c.restore_state();
        }
        let content = deflate(&c.finish());

        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        pdf.document_info(info)
            .producer(pdf_writer::TextStr("frontier"));

        // Fonts: for each weight used, Type 0 → CIDFont → descriptor →
        // subset file, plus the ToUnicode map.
        let mut font_refs: Vec<(Name, Ref)> = Vec::new();
        for (i, weight) in [Weight::Regular, Weight::Bold].into_iter().enumerate() {
            let used = &glyphs[i].used;
            if used.is_empty() {
                continue;
            }
            let (type0, cid, desc, file, cmap) = (alloc(), alloc(), alloc(), alloc(), alloc());
            let f = font(weight);
            let upem = f.units_per_em().unwrap_or(2048.0);
            let to1000 = |v: f32| v * 1000.0 / upem;
            let base_name = match weight {
                Weight::Regular => "FRNTRA+DejaVuSans",
                Weight::Bold => "FRNTRB+DejaVuSans-Bold",
            };
            let system = SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            };
            pdf.type0_font(type0)
                .base_font(Name(base_name.as_bytes()))
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(cid)
                .to_unicode(cmap);
            {
                let mut cf = pdf.cid_font(cid);
                cf.subtype(CidFontType::Type2)
                    .base_font(Name(base_name.as_bytes()))
                    .system_info(system)
                    .font_descriptor(desc)
                    .default_width(0.0)
                    .cid_to_gid_map_predefined(Name(b"Identity"));
                let mut widths = cf.widths();
                for &g in used.keys() {
                    widths.consecutive(g, [to1000(f.h_advance_unscaled(GlyphId(g)))]);
                }
            }
            // The box of the glyphs used, and the capital H's height.
            let mut bbox = [0f32, 0.0, 0.0, 0.0];
            for &g in used.keys() {
                if let Some(o) = f.outline(GlyphId(g)) {
                    bbox[0] = bbox[0].min(o.bounds.min.x);
                    bbox[1] = bbox[1].min(o.bounds.min.y);
                    bbox[2] = bbox[2].max(o.bounds.max.x);
                    bbox[3] = bbox[3].max(o.bounds.max.y);
                }
            }
            let cap = f
                .outline(f.glyph_id('H'))
                .map_or(f.ascent_unscaled(), |o| o.bounds.max.y);
            pdf.font_descriptor(desc)
                .name(Name(base_name.as_bytes()))
                .flags(FontFlags::NON_SYMBOLIC)
                .bbox(Rect::new(
                    to1000(bbox[0]),
                    to1000(bbox[1]),
                    to1000(bbox[2]),
                    to1000(bbox[3]),
                ))
                .italic_angle(0.0)
                .ascent(to1000(f.ascent_unscaled()))
                .descent(to1000(f.descent_unscaled()))
                .cap_height(to1000(cap))
                .stem_v(if weight == Weight::Bold { 140.0 } else { 80.0 })
                .font_file2(file);
            let ids: Vec<u16> = std::iter::once(0).chain(used.keys().copied()).collect();
            let data = font_data(weight);
            let sub = subsetter::subset(data, 0, subsetter::Profile::pdf(&ids))
                .unwrap_or_else(|_| data.to_vec());
            let packed = deflate(&sub);
            pdf.stream(file, &packed)
                .filter(Filter::FlateDecode)
                .pair(Name(b"Length1"), sub.len() as i32);
            let mut map = UnicodeCmap::new(Name(b"Custom"), system);
            for (&g, &ch) in used {
                map.pair(g, ch);
            }
            let map = map.finish();
            pdf.cmap(cmap, &map);
            font_refs.push((font_name(weight), type0));
        }

        // The hatching, 8 pt tiles as on the PNG.
        if uses_hatch {
            let mut t = Content::new();
            t.set_fill_rgb(
                0xe4 as f32 / 255.0,
                0xe4 as f32 / 255.0,
                0xe4 as f32 / 255.0,
            );
            t.rect(0.0, 0.0, 8.0, 8.0);
            t.fill_nonzero();
            let g = 0x9a as f32 / 255.0;
            t.set_stroke_rgb(g, g, g);
            t.set_line_width(1.0);
            for (a, b) in [
                ((0.0, 0.0), (8.0, 8.0)),
                ((-4.0, 4.0), (4.0, 12.0)),
                ((4.0, -4.0), (12.0, 4.0)),
            ] {
                t.move_to(a.0, a.1);
                t.line_to(b.0, b.1);
            }
            t.stroke();
            let t = t.finish();
            pdf.tiling_pattern(hatch, &t)
                .tiling_type(TilingType::ConstantSpacing)
                .paint_type(PaintType::Colored)
                .bbox(Rect::new(0.0, 0.0, 8.0, 8.0))
                .x_step(8.0)
                .y_step(8.0);
        }

        // Images: RGB with the alpha as a soft mask.
        for (id, mask, image) in &images {
            let mut rgb = Vec::with_capacity(image.pixels().len() * 3);
            let mut a = Vec::with_capacity(image.pixels().len());
            for p in image.pixels() {
                let q = p.demultiply();
                rgb.extend_from_slice(&[q.red(), q.green(), q.blue()]);
                a.push(q.alpha());
            }
            let (rgb, a) = (deflate(&rgb), deflate(&a));
            let mut x = pdf.image_xobject(*id, &rgb);
            x.filter(Filter::FlateDecode);
            x.width(image.width() as i32)
                .height(image.height() as i32)
                .bits_per_component(8)
                .s_mask(*mask);
            x.color_space().device_rgb();
            x.finish();
            let mut m = pdf.image_xobject(*mask, &a);
            m.filter(Filter::FlateDecode);
            m.width(image.width() as i32)
                .height(image.height() as i32)
                .bits_per_component(8);
            m.color_space().device_gray();
            m.finish();
        }

        let states: Vec<(String, Ref)> = alpha
            .states
            .iter()
            .map(|(&(fa, sa), &i)| {
                let r = alloc();
                pdf.ext_graphics(r)
                    .non_stroking_alpha(fa as f32 / 255.0)
                    .stroking_alpha(sa as f32 / 255.0);
                (format!("G{i}"), r)
            })
            .collect();
        {
            let mut pg = pdf.page(page);
            pg.media_box(Rect::new(0.0, 0.0, w * u, h * u))
                .parent(pages)
                .contents(contents);
            let mut res = pg.resources();
            {
                let mut fonts = res.fonts();
                for (name, r) in &font_refs {
                    fonts.pair(*name, *r);
                }
            }
            {
                let mut gs = res.ext_g_states();
                for (name, r) in &states {
                    gs.pair(Name(name.as_bytes()), *r);
                }
            }
            if uses_hatch {
                res.patterns().pair(Name(b"Hatch"), hatch);
            }
            if !images.is_empty() {
                let mut xo = res.x_objects();
                for (i, (id, _, _)) in images.iter().enumerate() {
                    let name = format!("Im{i}");
                    xo.pair(Name(name.as_bytes()), *id);
                }
            }
        }
        pdf.stream(contents, &content).filter(Filter::FlateDecode);
        pdf.finish()
    }
}
