//! The canvas every map is drawn on: a raster image (tiny-skia) and,
//! when a vector file is wanted, the same drawing recorded as a
//! [`Scene`] for the SVG and PDF writers, so all three show one layout.
//!
//! Drawing is in **points** (1/72 inch) on the page; the raster has
//! `scale` pixels per point (`dpi / 72`), so line widths and type sizes
//! are the same on paper at any resolution. At 72 dpi (the default for
//! sizes given in pixels) one point is one pixel and the transform is
//! the identity.

use super::paint::{NEIGHBOUR, SEA, hatch, hatched, paint, sprite, stroke};
use super::text::Weight;
use super::{clip, text};
use crate::error::{Error, Param, Result};
use std::collections::BTreeMap;
use tiny_skia::{FillRule, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Transform};

/// How an area is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ink {
    /// A colour (0xRRGGBB) and its opacity (0–1).
    Solid(u32, f32),
    /// The no-data hatching: grey diagonal lines on light grey.
    Hatch,
}

/// How a line is drawn: colour, opacity, width (points) and dash pattern
/// (points); joins and caps are round.
#[derive(Debug, Clone, PartialEq)]
pub struct Pen {
    /// Colour, 0xRRGGBB.
    pub rgb: u32,
    /// Opacity, 0–1.
    pub alpha: f32,
    /// Width, points.
    pub width: f32,
    /// Dash and gap lengths, points.
    pub dash: Option<Vec<f32>>,
}

/// One drawing operation, in page points (y down from the top-left).
#[derive(Debug, Clone)]
pub enum Op {
    /// Fill a path.
    Fill {
        /// The outline.
        path: Path,
        /// The fill.
        ink: Ink,
        /// Even-odd (holes) or non-zero winding.
        even_odd: bool,
    },
    /// Stroke a path.
    Stroke {
        /// The line.
        path: Path,
        /// How.
        pen: Pen,
    },
    /// A line of text with its top-left corner at (`x`, `y`).
    Text {
        /// The words.
        text: String,
        /// Left, points.
        x: f32,
        /// Top of the text box, points (the baseline is an ascent lower).
        y: f32,
        /// Type size, points.
        size: f32,
        /// Regular or bold.
        weight: Weight,
        /// Colour.
        rgb: u32,
        /// A halo of this colour around the letters (labels over the map).
        halo: Option<u32>,
    },
    /// A filled circle with a thin outline (a point symbol).
    Dot {
        /// Centre, points.
        x: f32,
        /// Centre, points.
        y: f32,
        /// Radius, points.
        r: f32,
        /// Fill colour.
        rgb: u32,
        /// Fill opacity.
        alpha: f32,
        /// Outline colour (opacity 0.9, width 0.8 pt).
        outline: Option<u32>,
    },
    /// From here on, draw only inside the box (x, y, w, h), or (None)
    /// everywhere again.
    Clip(Option<[f32; 4]>),
    /// An image (a density surface) covering the box (`x`, `y`, `w`, `h`).
    Image {
        /// Box, points.
        rect: [f32; 4],
        /// The pixels.
        image: Pixmap,
    },
}

/// A map as drawing operations on a page, for the vector writers.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Page width and height in layout units (the operations' units).
    pub page: (f32, f32),
    /// Points on paper per layout unit: 1, or less where a small print
    /// page is laid out larger and drawn smaller ([`MapSpec::type_scale`](crate::render::MapSpec::type_scale)).
    pub unit: f32,
    /// Operations, bottom to top.
    pub ops: Vec<Op>,
}

/// The raster image with its scale, and the recorded scene if asked for.
pub(super) struct Canvas {
    pub(super) pm: Pixmap,
    /// Pixels per layout unit.
    pub(super) scale: f32,
    /// Points on paper per layout unit.
    pub(super) unit: f32,
    /// Page size, points.
    pub(super) page: (f32, f32),
    rec: Option<Vec<Op>>,
    sprites: BTreeMap<(u32, u32, u32, Option<u32>), Pixmap>,
    hatch: Pixmap,
    mask: Option<tiny_skia::Mask>,
}

impl Canvas {
    /// A canvas of `pixels`, with `scale` pixels per layout unit and `unit`
    /// points on paper per layout unit, filled with `background`; `record`
    /// keeps the operations for a vector file.
    pub(super) fn new(
        pixels: (u32, u32),
        scale: f32,
        unit: f32,
        background: u32,
        record: bool,
    ) -> Result<Canvas> {
        let (w, h) = pixels;
        let mut pm = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
            param: Param::ImageSize,
            value: format!("{w}x{h}"),
            expected: "cannot allocate an image this large".into(),
        })?;
        pm.fill(tiny_skia::Color::from_rgba8(
            (background >> 16) as u8,
            (background >> 8) as u8,
            background as u8,
            255,
        ));
        let page = (w as f32 / scale, h as f32 / scale);
        let mut c = Canvas {
            pm,
            scale,
            unit,
            page,
            rec: record.then(Vec::new),
            sprites: BTreeMap::new(),
            hatch: hatch(),
            mask: None,
        };
        if let Some(rec) = &mut c.rec {
            rec.push(Op::Fill {
                path: PathBuilder::from_rect(
                    tiny_skia::Rect::from_xywh(0.0, 0.0, page.0, page.1).expect("page"),
                )
                .clone(),
                ink: Ink::Solid(background, 1.0),
                even_odd: false,
            });
        }
        Ok(c)
    }

    fn transform(&self) -> Transform {
        if self.scale == 1.0 {
            Transform::identity()
        } else {
            Transform::from_scale(self.scale, self.scale)
        }
    }

    fn record(&mut self, op: impl FnOnce() -> Op) {
        if let Some(rec) = &mut self.rec {
            rec.push(op());
        }
    }

    /// Fill `path` with `ink`.
    pub(super) fn fill(&mut self, path: &Path, ink: Ink, rule: FillRule) {
        if !in_reach(path) {
            return;
        }
        let t = self.transform();
        let paint = paint_of(&self.hatch, ink);
        self.pm.fill_path(path, &paint, rule, t, self.mask.as_ref());
        self.record(|| Op::Fill {
            path: path.clone(),
            ink,
            even_odd: rule == FillRule::EvenOdd,
        });
    }

    /// Fill a rectangle with `ink`.
    pub(super) fn fill_rect(&mut self, r: tiny_skia::Rect, ink: Ink) {
        let t = self.transform();
        let paint = paint_of(&self.hatch, ink);
        self.pm.fill_rect(r, &paint, t, self.mask.as_ref());
        self.record(|| Op::Fill {
            path: PathBuilder::from_rect(r),
            ink,
            even_odd: false,
        });
    }

    /// Stroke `path` with `pen`.
    pub(super) fn stroke(&mut self, path: &Path, pen: Pen) {
        if !in_reach(path) {
            return;
        }
        let t = self.transform();
        self.pm.stroke_path(
            path,
            &paint(pen.rgb, pen.alpha),
            &stroke(pen.width, pen.dash.clone()),
            t,
            self.mask.as_ref(),
        );
        self.record(|| Op::Stroke {
            path: path.clone(),
            pen,
        });
    }

    /// Draw `text` with its top-left corner at (`x`, `y`); returns its box.
    #[allow(clippy::too_many_arguments)] // position, size, weight, colour, halo: all needed
    pub(super) fn text(
        &mut self,
        text: &str,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        rgb: u32,
        halo: Option<u32>,
    ) -> (f32, f32, f32, f32) {
        let s = self.scale;
        // The halo is about a point wide at any resolution.
        let ring = halo.map(|c| (c, s.round().max(1.0) as i32));
        let (_, _, w, h) = text::draw_with_halo(
            &mut self.pm,
            text,
            x * s,
            y * s,
            size * s,
            weight,
            rgb,
            ring,
        );
        self.record(|| Op::Text {
            text: text.to_string(),
            x,
            y,
            size,
            weight,
            rgb,
            halo,
        });
        (x, y, w / s, h / s)
    }

    /// A point symbol: a circle filled with `rgb` at `alpha`, outlined
    /// (white by default), drawn from a sprite cached per colour and size.
    pub(super) fn dot(
        &mut self,
        x: f32,
        y: f32,
        r: f32,
        rgb: u32,
        alpha: f32,
        outline: Option<u32>,
    ) {
        let s = self.scale;
        let key = (rgb, (r * s * 4.0).round() as u32, alpha.to_bits(), outline);
        let sp = self
            .sprites
            .entry(key)
            .or_insert_with(|| sprite(key.1 as f32 / 4.0, rgb, alpha, outline, 0.8 * s));
        let half = sp.width() as f32 / 2.0;
        self.pm.draw_pixmap(
            (x * s - half).round() as i32,
            (y * s - half).round() as i32,
            sp.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            self.mask.as_ref(),
        );
        self.record(|| Op::Dot {
            x,
            y,
            r,
            rgb,
            alpha,
            outline,
        });
    }

    /// An image at the raster's resolution whose top-left pixel is at
    /// (`x`, `y`) points: drawn 1:1 on the raster, recorded as an image
    /// covering its size in points.
    pub(super) fn image(&mut self, x: f32, y: f32, img: &Pixmap) {
        let s = self.scale;
        self.pm.draw_pixmap(
            (x * s).round() as i32,
            (y * s).round() as i32,
            img.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            self.mask.as_ref(),
        );
        self.record(|| Op::Image {
            rect: [x, y, img.width() as f32 / s, img.height() as f32 / s],
            image: img.clone(),
        });
    }

    /// Draw only inside `rect` (x, y, w, h, points) from here on, or
    /// everywhere again (None). Text is not clipped.
    pub(super) fn clip(&mut self, rect: Option<[f32; 4]>) {
        self.mask = rect.and_then(|r| {
            let mut m = tiny_skia::Mask::new(self.pm.width(), self.pm.height())?;
            let p = PathBuilder::from_rect(tiny_skia::Rect::from_xywh(r[0], r[1], r[2], r[3])?);
            m.fill_path(&p, FillRule::Winding, true, self.transform());
            Some(m)
        });
        self.record(|| Op::Clip(rect));
    }

    /// The colour (0xRRGGBB) of the raster under the point (`x`, `y`),
    /// None outside the image.
    pub(super) fn colour_at(&self, x: f32, y: f32) -> Option<u32> {
        let (px, py) = ((x * self.scale) as i32, (y * self.scale) as i32);
        let (w, h) = (self.pm.width() as i32, self.pm.height() as i32);
        if px < 0 || py < 0 || px >= w || py >= h {
            return None;
        }
        let c = self.pm.pixels()[(py * w + px) as usize];
        Some(((c.red() as u32) << 16) | ((c.green() as u32) << 8) | c.blue() as u32)
    }

    /// Of the candidate top-left corners, the one where a `w` × `h` box
    /// hides least of the map: the fewest pixels (sampled every `step`
    /// points) that are neither sea nor a neighbouring country, a pixel
    /// off the image counting four; `None` if every candidate is refused.
    pub(super) fn least_busy(
        &self,
        candidates: &[(f32, f32)],
        (w, h): (f32, f32),
        step: usize,
        refuse: impl Fn(&[f32; 4]) -> bool,
    ) -> Option<(f32, f32)> {
        let cost = |x0: f32, y0: f32| -> usize {
            let mut n = 0;
            for y in (y0 as i32..(y0 + h) as i32).step_by(step) {
                for x in (x0 as i32..(x0 + w) as i32).step_by(step) {
                    match self.colour_at(x as f32, y as f32) {
                        None => n += 4,
                        Some(rgb) if rgb != SEA && rgb != NEIGHBOUR => n += 1,
                        Some(_) => {}
                    }
                }
            }
            n
        };
        candidates
            .iter()
            .copied()
            .filter(|&(x, y)| !refuse(&[x, y, w, h]))
            .min_by_key(|&(x, y)| cost(x, y))
    }

    /// The raster, and the scene if it was recorded.
    pub(super) fn finish(self) -> (Pixmap, Option<Scene>) {
        let (page, unit) = (self.page, self.unit);
        (self.pm, self.rec.map(|ops| Scene { page, unit, ops }))
    }
}

/// Whether a path lies within the rasteriser's reach ([`clip::REACH`]).
/// Paths made from geometries are clipped to it; one that is not (a
/// marker far off the page on a map of a few metres) is off the page
/// and is not drawn.
fn in_reach(path: &Path) -> bool {
    let b = path.bounds();
    let r = clip::REACH as f32;
    b.left() >= -r && b.top() >= -r && b.right() <= r && b.bottom() <= r
}

/// The raster paint of an ink (`hatch`: the no-data pattern's tile).
fn paint_of(hatch: &Pixmap, ink: Ink) -> Paint<'_> {
    match ink {
        Ink::Solid(rgb, a) => paint(rgb, a),
        Ink::Hatch => hatched(hatch),
    }
}

/// A pen of `width` points, solid or dashed.
pub(super) fn pen(rgb: u32, alpha: f32, width: f32, dash: Option<Vec<f32>>) -> Pen {
    Pen {
        rgb,
        alpha,
        width,
        dash,
    }
}
