//! A scene as a one-page PDF: vector paths, text in DejaVu Sans embedded
//! as a subset (Type 0 / CIDFontType2 with a ToUnicode map, so the words
//! can be searched and copied), the no-data hatching as a tiling pattern,
//! and the density surface as an image with a soft mask.

use super::canvas::{Ink, Op, Pen, Scene};
use super::fonts::{Family, Weight, family_data, family_font};
use super::shape::{self, needs_shaping};
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

/// The glyphs a font uses, with the characters each stands for (for
/// ToUnicode).
#[derive(Default)]
struct Glyphs {
    used: BTreeMap<u16, String>,
}

/// The fonts a page may use, in the order of their resources.
const FONTS: [(Family, Weight); 4] = [
    (Family::Latin, Weight::Regular),
    (Family::Latin, Weight::Bold),
    (Family::Arabic, Weight::Regular),
    (Family::Arabic, Weight::Bold),
];

/// The index of a font in [`FONTS`].
fn font_index(family: Family, w: Weight) -> usize {
    family as usize * 2 + w as usize
}

/// The page's resource name of a font.
fn font_name(family: Family, w: Weight) -> Name<'static> {
    match (family, w) {
        (Family::Latin, Weight::Regular) => Name(b"F0"),
        (Family::Latin, Weight::Bold) => Name(b"F1"),
        (Family::Arabic, Weight::Regular) => Name(b"F2"),
        (Family::Arabic, Weight::Bold) => Name(b"F3"),
    }
}

/// The subset font's name in the PDF.
fn base_font_name(family: Family, w: Weight) -> &'static str {
    match (family, w) {
        (Family::Latin, Weight::Regular) => "FRNTRA+DejaVuSans",
        (Family::Latin, Weight::Bold) => "FRNTRB+DejaVuSans-Bold",
        (Family::Arabic, Weight::Regular) => "FRNTRC+NotoNaskhArabic",
        (Family::Arabic, Weight::Bold) => "FRNTRD+NotoNaskhArabic-Bold",
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

/// Object numbers, handed out in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        let r = Ref::new(self.0);
        self.0 += 1;
        r
    }
}

/// The page's objects as they are gathered from the scene: the content
/// stream and what its operations use.
struct Page<'a> {
    c: Content,
    refs: Refs,
    alpha: Opacities,
    /// The glyphs of each of [`FONTS`].
    glyphs: [Glyphs; 4],
    /// Images: the image's and its mask's object, and the pixels.
    images: Vec<(Ref, Ref, &'a tiny_skia::Pixmap)>,
    uses_hatch: bool,
    clipped: bool,
}

/// The objects every page has, numbered first.
struct Frame {
    catalog: Ref,
    pages: Ref,
    page: Ref,
    contents: Ref,
    hatch: Ref,
    info: Ref,
}

impl Scene {
    /// The scene as a one-page PDF of the map's size in points; the fonts
    /// are embedded as subsets of the glyphs the map uses.
    pub fn to_pdf(&self) -> Vec<u8> {
        let mut refs = Refs(1);
        let frame = Frame {
            catalog: refs.next(),
            pages: refs.next(),
            page: refs.next(),
            contents: refs.next(),
            hatch: refs.next(),
            info: refs.next(),
        };
        let mut page = Page {
            c: Content::new(),
            refs,
            alpha: Opacities::default(),
            glyphs: Default::default(),
            images: Vec::new(),
            uses_hatch: false,
            clipped: false,
        };
        // Page space is y-up from the bottom-left; the scene is y-down
        // from the top-left.
        let (u, h) = (self.unit, self.page.1);
        page.c.transform([u, 0.0, 0.0, -u, 0.0, h * u]);
        page.c.set_line_cap(LineCapStyle::RoundCap);
        page.c.set_line_join(LineJoinStyle::RoundJoin);
        for op in &self.ops {
            page.op(op);
        }
        if page.clipped {
            page.c.restore_state();
        }
        let content = deflate(&std::mem::replace(&mut page.c, Content::new()).finish());

        let mut pdf = Pdf::new();
        pdf.catalog(frame.catalog).pages(frame.pages);
        pdf.pages(frame.pages).kids([frame.page]).count(1);
        pdf.document_info(frame.info)
            .producer(pdf_writer::TextStr("frontier"));
        let fonts = page.write_fonts(&mut pdf);
        if page.uses_hatch {
            write_hatch(&mut pdf, frame.hatch);
        }
        write_images(&mut pdf, &page.images);
        let states = page.write_states(&mut pdf);
        {
            let (w, u) = (self.page.0, self.unit);
            let mut pg = pdf.page(frame.page);
            pg.media_box(Rect::new(0.0, 0.0, w * u, h * u))
                .parent(frame.pages)
                .contents(frame.contents);
            let mut res = pg.resources();
            {
                let mut f = res.fonts();
                for (name, r) in &fonts {
                    f.pair(*name, *r);
                }
            }
            {
                let mut gs = res.ext_g_states();
                for (name, r) in &states {
                    gs.pair(Name(name.as_bytes()), *r);
                }
            }
            if page.uses_hatch {
                res.patterns().pair(Name(b"Hatch"), frame.hatch);
            }
            if !page.images.is_empty() {
                let mut xo = res.x_objects();
                for (i, (id, _, _)) in page.images.iter().enumerate() {
                    let name = format!("Im{i}");
                    xo.pair(Name(name.as_bytes()), *id);
                }
            }
        }
        pdf.stream(frame.contents, &content)
            .filter(Filter::FlateDecode);
        pdf.finish()
    }
}

impl<'a> Page<'a> {
    /// Add one operation to the content stream.
    fn op(&mut self, op: &'a Op) {
        match op {
            Op::Clip(rect) => self.clip(rect.as_ref()),
            Op::Fill {
                path: p,
                ink,
                even_odd,
            } => self.fill(p, *ink, *even_odd),
            Op::Stroke { path: p, pen } => {
                self.alpha.set(&mut self.c, 1.0, pen.alpha);
                stroke_setup(&mut self.c, pen);
                path(&mut self.c, p);
                self.c.stroke();
            }
            Op::Dot {
                x,
                y,
                r,
                rgb,
                alpha: a,
                outline,
            } => {
                let c = &mut self.c;
                self.alpha.set(c, *a, 0.9);
                let (cr, cg, cb) = rgb_f(*rgb);
                c.set_fill_rgb(cr, cg, cb);
                circle(c, *x, *y, r.max(0.5));
                match outline {
                    Some(o) => {
                        stroke_setup(c, &super::canvas::pen(*o, 0.9, 0.8, None));
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
            } => self.text(text, (*x, *y), *size, *weight, *rgb, *halo),
            Op::Image { rect, image } => {
                let (id, mask) = (self.refs.next(), self.refs.next());
                let i = self.images.len();
                self.images.push((id, mask, image));
                self.c.save_state();
                self.c
                    .transform([rect[2], 0.0, 0.0, -rect[3], rect[0], rect[1] + rect[3]]);
                self.c.x_object(Name(format!("Im{i}").as_bytes()));
                self.c.restore_state();
            }
        }
    }

    /// Clip to a box from here on, or (None) no more.
    fn clip(&mut self, rect: Option<&[f32; 4]>) {
        if self.clipped {
            self.c.restore_state();
            self.clipped = false;
            // The saved state had other opacities.
            self.alpha.current = None;
        }
        if let Some(r) = rect {
            self.c.save_state();
            self.c.rect(r[0], r[1], r[2], r[3]);
            self.c.clip_nonzero();
            self.c.end_path();
            self.clipped = true;
        }
    }

    /// Fill a path with an ink.
    fn fill(&mut self, p: &Path, ink: Ink, even_odd: bool) {
        match ink {
            Ink::Solid(rgb, a) => {
                self.alpha.set(&mut self.c, a, 1.0);
                let (r, g, b) = rgb_f(rgb);
                self.c.set_fill_rgb(r, g, b);
            }
            Ink::Hatch => {
                self.uses_hatch = true;
                self.alpha.set(&mut self.c, 1.0, 1.0);
                self.c.set_fill_color_space(ColorSpaceOperand::Pattern);
                self.c.set_fill_pattern([], Name(b"Hatch"));
            }
        }
        path(&mut self.c, p);
        if even_odd {
            self.c.fill_even_odd();
        } else {
            self.c.fill_nonzero();
        }
    }

    /// A line of text with its top-left corner at `at`; with a halo, first
    /// stroked in the halo's colour.
    fn text(
        &mut self,
        text: &str,
        at: (f32, f32),
        size: f32,
        weight: Weight,
        rgb: u32,
        halo: Option<u32>,
    ) {
        let f = family_font(Family::Latin, weight);
        let em = size * f.units_per_em().unwrap_or(2048.0) / f.height_unscaled();
        let base = at.1 + size * f.ascent_unscaled() / f.height_unscaled();
        let shown = if needs_shaping(text) {
            self.shaped(text, at.0, base, em, weight)
        } else {
            vec![self.kerned(text, at.0, base, weight)]
        };
        let passes: Vec<(u32, TextRenderingMode)> = match halo {
            Some(hc) => vec![
                (hc, TextRenderingMode::Stroke),
                (rgb, TextRenderingMode::Fill),
            ],
            None => vec![(rgb, TextRenderingMode::Fill)],
        };
        self.alpha.set(&mut self.c, 1.0, 1.0);
        let c = &mut self.c;
        for (colour, mode) in passes {
            let (r, g, b) = rgb_f(colour);
            if mode == TextRenderingMode::Stroke {
                c.set_stroke_rgb(r, g, b);
                c.set_line_width(2.0);
                c.set_dash_pattern([], 0.0);
            } else {
                c.set_fill_rgb(r, g, b);
            }
            for run in &shown {
                c.begin_text();
                c.set_font(run.font, em * run.em_scale);
                c.set_text_rendering_mode(mode);
                c.set_text_matrix([1.0, 0.0, 0.0, -1.0, run.at.0, run.at.1]);
                {
                    let mut shown = c.show_positioned();
                    let mut items = shown.items();
                    for (bytes, adjust) in &run.pieces {
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
    }

    /// Text in DejaVu, letter by letter with the font's kerning.
    fn kerned(&mut self, text: &str, x: f32, base: f32, weight: Weight) -> Run {
        let f = family_font(Family::Latin, weight);
        let upem = f.units_per_em().unwrap_or(2048.0);
        let set = &mut self.glyphs[font_index(Family::Latin, weight)];
        // Glyph ids (2 bytes each) with the font's kerning.
        let mut pieces: Vec<(Vec<u8>, f32)> = vec![(Vec::new(), 0.0)];
        let mut prev: Option<GlyphId> = None;
        for ch in text.chars() {
            let id = f.glyph_id(ch);
            set.used.entry(id.0).or_insert_with(|| ch.to_string());
            if let Some(p) = prev {
                let k = f.kern_unscaled(p, id);
                if k != 0.0 {
                    pieces.push((Vec::new(), -k * 1000.0 / upem));
                }
            }
            pieces.last_mut().expect("run").0.extend(id.0.to_be_bytes());
            prev = Some(id);
        }
        Run {
            font: font_name(Family::Latin, weight),
            em_scale: 1.0,
            at: (x, base),
            pieces,
        }
    }

    /// Text shaped ([`shape::shape`]): each glyph placed where the shaper
    /// puts it, in its family's font.
    fn shaped(&mut self, text: &str, x: f32, base: f32, em: f32, weight: Weight) -> Vec<Run> {
        let line = shape::shape(text, weight);
        line.glyphs
            .iter()
            .map(|g| {
                let set = &mut self.glyphs[font_index(g.family, weight)];
                let entry = set.used.entry(g.id).or_default();
                if entry.is_empty() {
                    entry.clone_from(&g.text);
                }
                Run {
                    font: font_name(g.family, weight),
                    em_scale: g.family.em_scale(),
                    at: (x + g.x * em, base + g.y * em),
                    pieces: vec![(g.id.to_be_bytes().to_vec(), 0.0)],
                }
            })
            .collect()
    }

    /// For each font used, Type 0 → CIDFont → descriptor → subset file,
    /// plus the ToUnicode map; the page's names for them.
    fn write_fonts(&mut self, pdf: &mut Pdf) -> Vec<(Name<'static>, Ref)> {
        let mut font_refs = Vec::new();
        for (i, &(family, weight)) in FONTS.iter().enumerate() {
            let used = &self.glyphs[i].used;
            if used.is_empty() {
                continue;
            }
            let r = write_font(pdf, &mut self.refs, family, weight, used);
            font_refs.push((font_name(family, weight), r));
        }
        font_refs
    }

    /// The opacities used, as graphics states; their names.
    fn write_states(&mut self, pdf: &mut Pdf) -> Vec<(String, Ref)> {
        self.alpha
            .states
            .iter()
            .map(|(&(fa, sa), &i)| {
                let r = self.refs.next();
                pdf.ext_graphics(r)
                    .non_stroking_alpha(fa as f32 / 255.0)
                    .stroking_alpha(sa as f32 / 255.0);
                (format!("G{i}"), r)
            })
            .collect()
    }
}

/// Text in one font from one point: glyph ids with kerning adjustments.
struct Run {
    font: Name<'static>,
    /// Its em, in DejaVu's at the text's size.
    em_scale: f32,
    at: (f32, f32),
    pieces: Vec<(Vec<u8>, f32)>,
}

/// One font embedded as a subset of the glyphs `used`; its Type 0 object.
fn write_font(
    pdf: &mut Pdf,
    refs: &mut Refs,
    family: Family,
    weight: Weight,
    used: &BTreeMap<u16, String>,
) -> Ref {
    let (type0, cid, desc, file, cmap) = (
        refs.next(),
        refs.next(),
        refs.next(),
        refs.next(),
        refs.next(),
    );
    let f = family_font(family, weight);
    let upem = f.units_per_em().unwrap_or(2048.0);
    let to1000 = |v: f32| v * 1000.0 / upem;
    let base_name = base_font_name(family, weight);
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
    // The box of the glyphs used, and the capital H's height (the
    // alef's in Arabic).
    let mut bbox = [0f32, 0.0, 0.0, 0.0];
    for &g in used.keys() {
        if let Some(o) = f.outline(GlyphId(g)) {
            bbox[0] = bbox[0].min(o.bounds.min.x);
            bbox[1] = bbox[1].min(o.bounds.min.y);
            bbox[2] = bbox[2].max(o.bounds.max.x);
            bbox[3] = bbox[3].max(o.bounds.max.y);
        }
    }
    let tall = match family {
        Family::Latin => 'H',
        Family::Arabic => '\u{627}',
    };
    let cap = f
        .outline(f.glyph_id(tall))
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
    let data = family_data(family, weight);
    let sub =
        subsetter::subset(data, 0, subsetter::Profile::pdf(&ids)).unwrap_or_else(|_| data.to_vec());
    let packed = deflate(&sub);
    pdf.stream(file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), sub.len() as i32);
    let mut map = UnicodeCmap::new(Name(b"Custom"), system);
    for (&g, text) in used {
        if !text.is_empty() {
            map.pair_with_multiple(g, text.chars());
        }
    }
    let map = map.finish();
    pdf.cmap(cmap, &map);
    type0
}

/// The no-data hatching, 8 pt tiles as on the PNG.
fn write_hatch(pdf: &mut Pdf, hatch: Ref) {
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

/// Images: RGB with the alpha as a soft mask.
fn write_images(pdf: &mut Pdf, images: &[(Ref, Ref, &tiny_skia::Pixmap)]) {
    for (id, mask, image) in images {
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
}
