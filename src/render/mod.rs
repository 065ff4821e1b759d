//! Thematic maps as PNG: the built-in base map (neighbours, provinces,
//! districts, the Durand Line, CPEC corridors, crossings), points coloured
//! and sized by columns, density surfaces, choropleths from summary tables,
//! user layers, labels placed without overlap, and the map furniture a
//! printed map needs (title, legend, scale bar, north arrow, sources).
//!
//! Drawing is anti-aliased (tiny-skia) in a projection fitted to the extent
//! ([`projection::Projection`]: Lambert conformal conic, or Mercator at the
//! equator); the same input gives the same bytes.

pub mod classify;
pub mod projection;
pub mod text;

use crate::error::{Error, Param, Result};
use crate::geodesy;
use crate::layer::{Catalogue, Layer};
use classify::{CATEGORICAL, Method, breaks, class_of, human, ramp, sequential};
use geo::{BoundingRect, Coord, Geometry, InteriorPoint, LineString, MultiPolygon, Polygon, Rect};
use geographiclib_rs::DirectGeodesic;
use projection::Projection;
use std::collections::BTreeMap;
use text::Weight;
use tiny_skia::{
    FillRule, FilterQuality, LineCap, LineJoin, Paint, Path, PathBuilder, Pattern, Pixmap,
    PixmapPaint, SpreadMode, Stroke, StrokeDash, Transform,
};

/// What part of the world to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Extent {
    /// A named extent (`pakistan`, `kp`, `balochistan`, `waziristan`,
    /// `chaman`, `durand-line`, `cpec`) or any layer name or file.
    Named(String),
    /// min lon, min lat, max lon, max lat.
    BBox([f64; 4]),
}

impl Extent {
    /// Parse `NAME` or `bbox:minlon,minlat,maxlon,maxlat`.
    pub fn parse(s: &str) -> std::result::Result<Extent, String> {
        if let Some(b) = s.strip_prefix("bbox:") {
            let v: Vec<f64> = b
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| {
                    format!("{s:?}: bbox needs four numbers: bbox:minlon,minlat,maxlon,maxlat")
                })?;
            if v.iter().any(|x| !x.is_finite()) {
                return Err(format!(
                    "{s:?}: bbox numbers must be finite (no NaN or infinity)"
                ));
            }
            if v.len() != 4
                || v[0] >= v[2]
                || v[1] >= v[3]
                || v[0] < -180.0
                || v[2] > 180.0
                || v[1] < -90.0
                || v[3] > 90.0
            {
                return Err(format!(
                    "{s:?}: bbox must be minlon,minlat,maxlon,maxlat with min < max, within ±180/±90"
                ));
            }
            return Ok(Extent::BBox([v[0], v[1], v[2], v[3]]));
        }
        Ok(Extent::Named(s.to_string()))
    }
}

/// Which labels to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// District names.
    Districts,
    /// Towns on the CPEC routes and the crossings.
    Towns,
    /// District names, then towns where they still fit.
    All,
    /// No labels.
    None,
}

impl crate::Named for Labels {
    const ALL: &'static [(&'static str, Labels)] = &[
        ("districts", Labels::Districts),
        ("towns", Labels::Towns),
        ("all", Labels::All),
        ("none", Labels::None),
    ];
}

/// Style of a user layer: `color=#d95f02,width=2,fill=none`.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// Line and point colour.
    pub color: u32,
    /// Line width, px.
    pub width: f32,
    /// Fill colour of polygons (None: no fill).
    pub fill: Option<u32>,
    /// Dashed lines.
    pub dashed: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: 0xd95f02,
            width: 2.0,
            fill: None,
            dashed: false,
        }
    }
}

fn hex(s: &str) -> std::result::Result<u32, String> {
    let t = s.trim().trim_start_matches('#');
    if t.len() != 6 {
        return Err(format!("{s:?} is not a colour like #d95f02"));
    }
    u32::from_str_radix(t, 16).map_err(|_| format!("{s:?} is not a colour like #d95f02"))
}

impl Style {
    /// Parse `key=value` pairs separated by commas: `color`, `width`,
    /// `fill` (a colour or `none`), `dash` (`true`/`false`).
    pub fn parse(s: &str) -> std::result::Result<Style, String> {
        let mut st = Style::default();
        for kv in s.split(',').filter(|x| !x.trim().is_empty()) {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("style {kv:?}: expected key=value"))?;
            match k.trim() {
                "color" | "colour" => st.color = hex(v)?,
                "width" => {
                    st.width = v
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|w| *w > 0.0 && *w < 50.0)
                        .ok_or_else(|| format!("style width {v:?}: a number of pixels"))?
                }
                "fill" => {
                    st.fill = if v.trim() == "none" {
                        None
                    } else {
                        Some(hex(v)?)
                    }
                }
                "dash" => st.dashed = v.trim() == "true",
                other => {
                    return Err(format!(
                        "style key {other:?}: use color, width, fill or dash"
                    ));
                }
            }
        }
        Ok(st)
    }
}

/// One point to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PointDatum {
    /// Where.
    pub at: Coord,
    /// Category (for colour).
    pub category: Option<String>,
    /// Magnitude (for size).
    pub size: Option<f64>,
}

/// Points coloured by a category and sized by a magnitude.
#[derive(Debug, Clone, Default)]
pub struct PointsLayer {
    /// The points.
    pub points: Vec<PointDatum>,
    /// Legend title for colours (the column name).
    pub color_by: Option<String>,
    /// Legend title for sizes (the column name).
    pub size_by: Option<String>,
}

/// A choropleth: a value per feature of a polygon layer.
#[derive(Debug, Clone)]
pub struct Choropleth {
    /// The polygon layer (districts or provinces).
    pub layer: Layer,
    /// Feature name → value (None: in the table without a value: no data).
    pub values: BTreeMap<String, Option<f64>>,
    /// Legend title.
    pub title: String,
    /// Number of classes.
    pub classes: usize,
    /// How breaks are chosen.
    pub method: Method,
    /// Palette name.
    pub palette: String,
    /// Format classes as percentages.
    pub percent: bool,
    /// Fixed breaks (to compare panels); otherwise computed by `method`.
    pub breaks: Option<Vec<f64>>,
}

/// Everything a map shows.
#[derive(Debug, Clone)]
pub struct MapSpec {
    /// Image size in pixels.
    pub size: (u32, u32),
    /// Extent.
    pub extent: Extent,
    /// Title.
    pub title: Option<String>,
    /// Subtitle (second line under the title).
    pub subtitle: Option<String>,
    /// Points.
    pub points: Option<PointsLayer>,
    /// Points as a density surface, with a legend title.
    pub density: Option<(Vec<Coord>, String)>,
    /// Choropleth.
    pub choropleth: Option<Choropleth>,
    /// User layers with styles.
    pub layers: Vec<(Layer, Style)>,
    /// Labels.
    pub labels: Labels,
    /// Extra source credits (the user's data files, or "synthetic data").
    pub sources: Vec<String>,
}

impl Default for MapSpec {
    fn default() -> Self {
        MapSpec {
            size: (1600, 1200),
            extent: Extent::Named("pakistan".into()),
            title: None,
            subtitle: None,
            points: None,
            density: None,
            choropleth: None,
            layers: Vec::new(),
            labels: Labels::None,
            sources: Vec::new(),
        }
    }
}

/// A rendered map and what tests may want to check about it.
pub struct Rendered {
    /// The image.
    pub pixmap: Pixmap,
    /// Scale bar: its length in km and in pixels, and where it was drawn.
    pub scale_bar: ScaleBar,
    /// Boxes of the labels drawn (x, y, w, h).
    pub labels: Vec<[f32; 4]>,
    /// Boxes of the furniture (title band, legend, scale bar, north arrow, source band).
    pub furniture: Vec<[f32; 4]>,
    /// The projection and the pixel transform, to check positions.
    pub view: View,
}

/// The scale bar drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    /// Length it stands for, km.
    pub km: f64,
    /// Its length on the map, px.
    pub px: f64,
}

/// Projection plus the affine map from projected metres to pixels.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// The projection.
    pub projection: Projection,
    scale: f64,
    xc: f64,
    yc: f64,
    cx: f64,
    cy: f64,
    /// The map area (x, y, w, h) in pixels.
    pub area: [f32; 4],
    /// Small image: smaller type and furniture.
    pub compact: bool,
}

impl View {
    /// Pixel position of a lon/lat.
    pub fn px(&self, c: Coord) -> (f32, f32) {
        let (x, y) = self.projection.forward(c);
        (
            (self.cx + (x - self.xc) * self.scale) as f32,
            (self.cy - (y - self.yc) * self.scale) as f32,
        )
    }

    /// Lon/lat at a pixel position.
    pub fn lonlat(&self, px: f64, py: f64) -> Coord {
        self.projection.inverse(
            self.xc + (px - self.cx) / self.scale,
            self.yc - (py - self.cy) / self.scale,
        )
    }

    /// Projected metres per pixel.
    pub fn metres_per_px(&self) -> f64 {
        1.0 / self.scale
    }
}

// ------------------------------------------------------------------ colours

/// Outside the layers (sea, and countries not in the data): plain.
const SEA: u32 = 0xeef0f0;
const NEIGHBOUR: u32 = 0xe3dfd6;
const NEIGHBOUR_LINE: u32 = 0xb5afa3;
const LAND: u32 = 0xfbfaf5;
const DISTRICT_LINE: u32 = 0xb8b1a4;
const PROVINCE_LINE: u32 = 0x5f584d;
const DURAND: u32 = 0x1a1a1a;
const INK: u32 = 0x222222;
const MUTED: u32 = 0x555555;
const NO_DATA: u32 = 0xd9d9d9;

fn corridor_colour(name: &str) -> u32 {
    match name {
        "eastern" => 0x1b9e77,
        "western" => 0xd95f02,
        _ => 0x7570b3,
    }
}

fn paint(rgb: u32, alpha: f32) -> Paint<'static> {
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

fn stroke(width: f32, dash: Option<Vec<f32>>) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        dash: dash.and_then(|d| StrokeDash::new(d, 0.0)),
        ..Stroke::default()
    }
}

// ---------------------------------------------------------------- geometry

fn ring_path(pb: &mut PathBuilder, view: &View, ring: &LineString) {
    let mut first = true;
    let mut last = (f32::NAN, f32::NAN);
    for c in &ring.0 {
        let p = view.px(*c);
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

fn polygons_path(view: &View, polys: &[Polygon]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for p in polys {
        ring_path(&mut pb, view, p.exterior());
        for h in p.interiors() {
            ring_path(&mut pb, view, h);
        }
    }
    pb.finish()
}

fn line_path(view: &View, lines: &[&LineString]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for l in lines {
        for (i, c) in l.0.iter().enumerate() {
            let p = view.px(*c);
            if i == 0 {
                pb.move_to(p.0, p.1);
            } else {
                pb.line_to(p.0, p.1);
            }
        }
    }
    pb.finish()
}

fn polys_of(g: &Geometry) -> Vec<Polygon> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        _ => Vec::new(),
    }
}

fn lines_of(g: &Geometry) -> Vec<&LineString> {
    match g {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        _ => Vec::new(),
    }
}

fn geometry_path(view: &View, g: &Geometry) -> Option<Path> {
    let polys = polys_of(g);
    if !polys.is_empty() {
        return polygons_path(view, &polys);
    }
    line_path(view, &lines_of(g))
}

fn bbox_of(layer: &Layer, filter: impl Fn(&crate::Feature) -> bool) -> Option<Rect> {
    let mut r: Option<Rect> = None;
    for f in layer.features.iter().filter(|f| filter(f)) {
        if let Some(b) = f.geometry.bounding_rect() {
            r = Some(match r {
                None => b,
                Some(a) => Rect::new(
                    Coord {
                        x: a.min().x.min(b.min().x),
                        y: a.min().y.min(b.min().y),
                    },
                    Coord {
                        x: a.max().x.max(b.max().x),
                        y: a.max().y.max(b.max().y),
                    },
                ),
            });
        }
    }
    r
}

/// The lon/lat box of an extent, with its margin.
pub fn extent_box(e: &Extent) -> Result<Rect> {
    let (r, margin) = match e {
        Extent::BBox(b) => (
            Rect::new(Coord { x: b[0], y: b[1] }, Coord { x: b[2], y: b[3] }),
            0.0,
        ),
        Extent::Named(n) => {
            let province = |name: &'static str| -> Result<Rect> {
                let l = Catalogue::shared("provinces")?;
                bbox_of(l, |f| f.name() == Some(name)).ok_or_else(|| Error::Layer {
                    layer: "provinces".into(),
                    message: format!("no province named {name:?}"),
                })
            };
            let r = match n.as_str() {
                "pakistan" => bbox_of(Catalogue::shared("districts")?, |_| true),
                "kp" => Some(province("Khyber Pakhtunkhwa")?),
                "balochistan" => Some(province("Balochistan")?),
                "chaman" => bbox_of(Catalogue::shared("chaman")?, |_| true),
                other => bbox_of(&Catalogue::load(other)?, |_| true),
            }
            .ok_or_else(|| Error::Layer {
                layer: n.clone(),
                message: "the layer is empty, so it gives no extent".into(),
            })?;
            (r, 0.06)
        }
    };
    // Margin: 6% each side, at least 0.05° (about 5 km).
    let dx = (r.width() * margin).max(if margin > 0.0 { 0.05 } else { 0.0 });
    let dy = (r.height() * margin).max(if margin > 0.0 { 0.05 } else { 0.0 });
    Ok(Rect::new(
        Coord {
            x: (r.min().x - dx).max(-180.0),
            y: (r.min().y - dy).max(-89.0),
        },
        Coord {
            x: (r.max().x + dx).min(180.0),
            y: (r.max().y + dy).min(89.0),
        },
    ))
}

/// Heights of the title and source bands: smaller on small images.
fn bands(size: (u32, u32)) -> (f32, f32) {
    if compact(size) {
        (44.0, 20.0)
    } else {
        (64.0, 26.0)
    }
}

fn compact(size: (u32, u32)) -> bool {
    size.0 < 800 || size.1 < 650
}

fn fit(extent: Rect, size: (u32, u32)) -> View {
    let projection = Projection::for_extent(extent.min(), extent.max());
    let (title_band, source_band) = bands(size);
    let area = [
        0.0,
        title_band,
        size.0 as f32,
        size.1 as f32 - title_band - source_band,
    ];
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..=40 {
        let t = i as f64 / 40.0;
        for c in [
            Coord {
                x: extent.min().x + t * extent.width(),
                y: extent.min().y,
            },
            Coord {
                x: extent.min().x + t * extent.width(),
                y: extent.max().y,
            },
            Coord {
                x: extent.min().x,
                y: extent.min().y + t * extent.height(),
            },
            Coord {
                x: extent.max().x,
                y: extent.min().y + t * extent.height(),
            },
        ] {
            let (x, y) = projection.forward(c);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    let scale = (area[2] as f64 / (x1 - x0)).min(area[3] as f64 / (y1 - y0));
    View {
        projection,
        scale,
        xc: (x0 + x1) / 2.0,
        yc: (y0 + y1) / 2.0,
        cx: (area[0] + area[2] / 2.0) as f64,
        cy: (area[1] + area[3] / 2.0) as f64,
        area,
        compact: compact(size),
    }
}

fn overlaps(a: &[f32; 4], b: &[f32; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

/// A legend entry.
enum Entry {
    Header(String),
    Fill(u32, String),
    Hatched(String),
    Line(u32, f32, bool, String),
    Marker(u32, String),
    Circle(u32, f32, String),
    Ramp(Vec<u32>, String, String),
}

fn hatch() -> Pixmap {
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
fn hatched(pattern: &Pixmap) -> Paint<'_> {
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

/// Width and height a map may have, pixels.
pub const SIZES: std::ops::RangeInclusive<u32> = 200..=8000;

/// Check a map's size (width, height in pixels) against [`SIZES`].
pub fn check_size((w, h): (u32, u32)) -> Result<()> {
    if SIZES.contains(&w) && SIZES.contains(&h) {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: format!(
            "each side must be {} to {} pixels",
            SIZES.start(),
            SIZES.end()
        ),
    })
}

/// Render a map.
pub fn render(spec: &MapSpec) -> Result<Rendered> {
    check_size(spec.size)?;
    let (w, h) = spec.size;
    let extent = extent_box(&spec.extent)?;
    let view = fit(extent, spec.size);
    let mut pm = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: "cannot allocate an image this large".into(),
    })?;
    pm.fill(tiny_skia::Color::from_rgba8(
        (SEA >> 16) as u8,
        (SEA >> 8) as u8,
        SEA as u8,
        255,
    ));
    let id = Transform::identity();
    let mut legend: Vec<Entry> = Vec::new();

    // Neighbours, muted.
    let neighbours = Catalogue::shared("neighbours")?;
    for f in &neighbours.features {
        if let Some(p) = geometry_path(&view, &f.geometry) {
            pm.fill_path(&p, &paint(NEIGHBOUR, 1.0), FillRule::EvenOdd, id, None);
            pm.stroke_path(
                &p,
                &paint(NEIGHBOUR_LINE, 1.0),
                &stroke(0.8, None),
                id,
                None,
            );
        }
    }
    // Pakistan's land.
    let provinces = Catalogue::shared("provinces")?;
    for f in &provinces.features {
        if let Some(p) = geometry_path(&view, &f.geometry) {
            pm.fill_path(&p, &paint(LAND, 1.0), FillRule::EvenOdd, id, None);
        }
    }
    // Choropleth fills.
    if let Some(ch) = &spec.choropleth {
        let vals: Vec<f64> = ch.values.values().filter_map(|v| *v).collect();
        let b = ch
            .breaks
            .clone()
            .unwrap_or_else(|| breaks(&vals, ch.classes, ch.method));
        let pal = classify::palette(&ch.palette)?;
        let k = b.len().saturating_sub(1).max(1);
        let colours = ramp(pal, k);
        let hatch_pm = hatch();
        let mut any_no_data = false;
        for f in &ch.layer.features {
            let Some(name) = f.name() else { continue };
            let Some(v) = ch.values.get(name) else {
                continue;
            };
            let Some(path) = geometry_path(&view, &f.geometry) else {
                continue;
            };
            match v {
                Some(v) if !b.is_empty() => {
                    let c = colours[class_of(*v, &b).min(k - 1)];
                    pm.fill_path(&path, &paint(c, 1.0), FillRule::EvenOdd, id, None);
                }
                _ => {
                    any_no_data = true;
                    pm.fill_path(&path, &hatched(&hatch_pm), FillRule::EvenOdd, id, None);
                }
            }
        }
        legend.push(Entry::Header(ch.title.clone()));
        for (i, colour) in colours.iter().enumerate() {
            let (lo, hi) = (
                b.get(i).copied().unwrap_or(0.0),
                b.get(i + 1).copied().unwrap_or(0.0),
            );
            legend.push(Entry::Fill(
                *colour,
                format!("{} – {}", human(lo, ch.percent), human(hi, ch.percent)),
            ));
        }
        if any_no_data {
            legend.push(Entry::Hatched("No data".into()));
        }
    }
    // Density surface.
    if let Some((pts, title)) = &spec.density {
        density(&mut pm, &view, pts, title, &mut legend);
    }
    // District and province boundaries.
    let districts = Catalogue::shared("districts")?;
    for f in &districts.features {
        if let Some(p) = geometry_path(&view, &f.geometry) {
            pm.stroke_path(&p, &paint(DISTRICT_LINE, 1.0), &stroke(0.6, None), id, None);
        }
    }
    for f in &provinces.features {
        if let Some(p) = geometry_path(&view, &f.geometry) {
            pm.stroke_path(&p, &paint(PROVINCE_LINE, 1.0), &stroke(1.6, None), id, None);
        }
    }
    // CPEC corridors.
    let cpec = Catalogue::shared("cpec")?;
    let visible = |g: &Geometry| {
        g.bounding_rect().is_some_and(|b| {
            b.max().x >= extent.min().x
                && b.min().x <= extent.max().x
                && b.max().y >= extent.min().y
                && b.min().y <= extent.max().y
        })
    };
    let mut cpec_legend = Vec::new();
    for f in &cpec.features {
        let corridor = f.property_text("corridor").unwrap_or_default();
        if let Some(p) = geometry_path(&view, &f.geometry) {
            pm.stroke_path(&p, &paint(0xffffff, 0.9), &stroke(4.2, None), id, None);
            pm.stroke_path(
                &p,
                &paint(corridor_colour(&corridor), 1.0),
                &stroke(2.4, None),
                id,
                None,
            );
            if visible(&f.geometry) {
                cpec_legend.push(Entry::Line(
                    corridor_colour(&corridor),
                    2.4,
                    false,
                    format!("CPEC {corridor} (schematic)"),
                ));
            }
        }
    }
    // Durand Line.
    let durand = Catalogue::shared("durand-line")?;
    if let Some(p) = geometry_path(&view, &durand.features[0].geometry) {
        pm.stroke_path(&p, &paint(0xffffff, 0.9), &stroke(5.0, None), id, None);
        pm.stroke_path(
            &p,
            &paint(DURAND, 1.0),
            &stroke(2.4, Some(vec![10.0, 5.0])),
            id,
            None,
        );
    }
    // User layers.
    let mut user_legend = Vec::new();
    for (layer, st) in &spec.layers {
        for f in &layer.features {
            match &f.geometry {
                Geometry::Point(p) => {
                    let (x, y) = view.px(p.0);
                    circle(&mut pm, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                }
                Geometry::MultiPoint(m) => {
                    for p in &m.0 {
                        let (x, y) = view.px(p.0);
                        circle(&mut pm, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                    }
                }
                g => {
                    if let Some(p) = geometry_path(&view, g) {
                        if let Some(fc) = st.fill {
                            pm.fill_path(&p, &paint(fc, 0.55), FillRule::EvenOdd, id, None);
                        }
                        let dash = st.dashed.then(|| vec![st.width * 4.0, st.width * 2.0]);
                        pm.stroke_path(
                            &p,
                            &paint(st.color, 1.0),
                            &stroke(st.width, dash),
                            id,
                            None,
                        );
                    }
                }
            }
        }
        user_legend.push(Entry::Line(
            st.color,
            st.width,
            st.dashed,
            layer.name.clone(),
        ));
    }
    // Points.
    if let Some(pl) = &spec.points {
        draw_points(&mut pm, &view, pl, &mut legend);
    }

    // Crossings.
    let crossings = Catalogue::shared("crossings")?;
    let mut crossing_visible = false;
    for f in &crossings.features {
        if let Geometry::Point(p) = f.geometry {
            let (x, y) = view.px(p.0);
            crossing_visible |= visible(&f.geometry);
            diamond(&mut pm, x, y, 6.0, INK);
        }
    }
    // Base map legend entries.
    legend.push(Entry::Header("Boundaries".into()));
    legend.push(Entry::Line(DURAND, 2.4, true, "Durand Line".into()));
    legend.push(Entry::Line(PROVINCE_LINE, 1.6, false, "Province".into()));
    legend.push(Entry::Line(DISTRICT_LINE, 1.0, false, "District".into()));
    legend.extend(cpec_legend);
    if crossing_visible {
        legend.push(Entry::Marker(INK, "Border crossing".into()));
    }
    legend.extend(user_legend);

    // Furniture.
    let mut furniture: Vec<[f32; 4]> = Vec::new();
    let (title_band, source_band) = bands(spec.size);
    let title_box = [0.0, 0.0, w as f32, title_band];
    let source_box = [0.0, h as f32 - source_band, w as f32, source_band];
    let legend_box = draw_legend(&mut pm, &view, &legend);
    let (bar, bar_box) = scale_bar(&mut pm, &view);
    let arrow_box = north_arrow(&mut pm, &view);
    furniture.extend([title_box, legend_box, bar_box, arrow_box, source_box]);

    // Labels, placed around the furniture.
    let labels = place_labels(&mut pm, &view, spec.labels, districts, &furniture)?;

    // Title and source bands last, over everything.
    pm.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, 0.0, w as f32, title_band).expect("rect"),
        &paint(0xffffff, 1.0),
        id,
        None,
    );
    pm.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, title_band - 1.0, w as f32, 1.0).expect("rect"),
        &paint(0xbbbbbb, 1.0),
        id,
        None,
    );
    if let Some(t) = &spec.title {
        let ts = if view.compact { 17.0 } else { 24.0 };
        text::draw(&mut pm, t, 12.0, 6.0, ts, Weight::Bold, INK, None);
    }
    if let Some(s) = &spec.subtitle {
        let (sy, ss) = if view.compact {
            (27.0, 11.0)
        } else {
            (40.0, 14.0)
        };
        text::draw(&mut pm, s, 13.0, sy, ss, Weight::Regular, MUTED, None);
    }
    pm.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, h as f32 - source_band, w as f32, source_band)
            .expect("rect"),
        &paint(0xffffff, 1.0),
        id,
        None,
    );
    pm.fill_rect(
        tiny_skia::Rect::from_xywh(0.0, h as f32 - source_band, w as f32, 1.0).expect("rect"),
        &paint(0xbbbbbb, 1.0),
        id,
        None,
    );
    let mut credits = vec![
        "Boundaries © OpenStreetMap contributors (ODbL)".to_string(),
        "Population: PBS Census 2023".to_string(),
    ];
    credits.extend(spec.sources.iter().cloned());
    let credit = format!("Sources: {}", credits.join(" · "));
    let proj = format!("frontier · {}, WGS84", view.projection.name());
    let (pw, _) = text::measure(&proj, 11.0, Weight::Regular);
    let mut size = if view.compact { 10.0 } else { 12.0 };
    while size > 7.0 && text::measure(&credit, size, Weight::Regular).0 + pw + 48.0 > w as f32 {
        size -= 0.5;
    }
    text::draw(
        &mut pm,
        &credit,
        12.0,
        h as f32 - source_band + (source_band - size * 1.2) / 2.0,
        size,
        Weight::Regular,
        MUTED,
        None,
    );
    if text::measure(&credit, size, Weight::Regular).0 + pw + 48.0 <= w as f32 {
        text::draw(
            &mut pm,
            &proj,
            w as f32 - pw - 12.0,
            h as f32 - source_band + 7.0,
            11.0,
            Weight::Regular,
            0x888888,
            None,
        );
    }
    Ok(Rendered {
        pixmap: pm,
        scale_bar: bar,
        labels,
        furniture,
        view,
    })
}

/// Fill a marker's path, then outline it (if an outline colour is given).
fn marker(pm: &mut Pixmap, path: Option<Path>, fill: (u32, f32), outline: Option<(u32, f32, f32)>) {
    let Some(p) = path else { return };
    let id = Transform::identity();
    pm.fill_path(&p, &paint(fill.0, fill.1), FillRule::Winding, id, None);
    if let Some((rgb, alpha, width)) = outline {
        pm.stroke_path(&p, &paint(rgb, alpha), &stroke(width, None), id, None);
    }
}

fn diamond(pm: &mut Pixmap, x: f32, y: f32, r: f32, rgb: u32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x, y - r);
    pb.line_to(x + r, y);
    pb.line_to(x, y + r);
    pb.line_to(x - r, y);
    pb.close();
    marker(pm, pb.finish(), (0xffffff, 1.0), Some((rgb, 1.0, 2.0)));
}

fn circle(pm: &mut Pixmap, x: f32, y: f32, r: f32, rgb: u32, alpha: f32, outline: Option<u32>) {
    marker(
        pm,
        PathBuilder::from_circle(x, y, r.max(0.5)),
        (rgb, alpha),
        outline.map(|o| (o, 0.9, 0.8)),
    );
}

/// A circle sprite, drawn once per colour and radius and then copied.
fn sprite(r: f32, rgb: u32, alpha: f32) -> Pixmap {
    let size = (2.0 * r + 4.0).ceil() as u32;
    let mut pm = Pixmap::new(size, size).expect("sprite");
    let c = size as f32 / 2.0;
    circle(&mut pm, c, c, r, rgb, alpha, Some(0xffffff));
    pm
}

fn draw_points(pm: &mut Pixmap, view: &View, pl: &PointsLayer, legend: &mut Vec<Entry>) {
    // Categories by frequency; beyond seven, "other".
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &pl.points {
        if let Some(c) = &p.category {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut cats: Vec<(&str, usize)> = counts.into_iter().collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = cats.iter().take(7).map(|c| c.0).collect();
    let other = cats.len() > 7;
    let colour_of = |c: &Option<String>| -> u32 {
        match c {
            Some(c) => shown
                .iter()
                .position(|s| *s == c.as_str())
                .map_or(0x8c8c8c, |i| CATEGORICAL[i]),
            None => 0x6a3d9a,
        }
    };
    // Sizes: area proportional to the value, largest 18 px radius.
    let vmax = pl
        .points
        .iter()
        .filter_map(|p| p.size)
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(0.0, f64::max);
    let r_max = 18.0f32;
    let radius = |v: Option<f64>| -> f32 {
        match (v, pl.size_by.is_some() && vmax > 0.0) {
            (Some(v), true) if v > 0.0 => (r_max * (v / vmax).sqrt() as f32).max(2.5),
            (_, true) => 2.5,
            _ => {
                if pl.points.len() > 20_000 {
                    1.6
                } else {
                    4.0
                }
            }
        }
    };
    let mut order: Vec<usize> = (0..pl.points.len()).collect();
    // Largest first, so small points stay visible on top.
    order.sort_by(|&a, &b| {
        radius(pl.points[b].size)
            .total_cmp(&radius(pl.points[a].size))
            .then(a.cmp(&b))
    });
    let alpha = if pl.points.len() > 5_000 { 0.45 } else { 0.78 };
    let mut cache: BTreeMap<(u32, u32), Pixmap> = BTreeMap::new();
    let area = view.area;
    for i in order {
        let p = &pl.points[i];
        let (x, y) = view.px(p.at);
        if x < area[0] - 20.0
            || y < area[1] - 20.0
            || x > area[0] + area[2] + 20.0
            || y > area[1] + area[3] + 20.0
        {
            continue;
        }
        let r = radius(p.size);
        let key = (colour_of(&p.category), (r * 4.0).round() as u32);
        let sp = cache
            .entry(key)
            .or_insert_with(|| sprite(key.1 as f32 / 4.0, key.0, alpha));
        let half = sp.width() as f32 / 2.0;
        pm.draw_pixmap(
            (x - half).round() as i32,
            (y - half).round() as i32,
            sp.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
    }
    if let Some(title) = &pl.color_by {
        legend.push(Entry::Header(title.clone()));
        for (i, c) in shown.iter().enumerate() {
            legend.push(Entry::Circle(CATEGORICAL[i], 5.0, c.to_string()));
        }
        if other {
            legend.push(Entry::Circle(0x8c8c8c, 5.0, "other".into()));
        }
    } else {
        legend.push(Entry::Circle(
            0x6a3d9a,
            4.0,
            format!("{} points", pl.points.len()),
        ));
    }
    if let (Some(title), true) = (&pl.size_by, vmax > 0.0) {
        legend.push(Entry::Header(title.clone()));
        // Nice values: the max, rounded, and two smaller steps.
        let top = nice_floor(vmax);
        for v in [top, nice_floor(top / 4.0), nice_floor(top / 20.0)] {
            if v > 0.0 {
                legend.push(Entry::Circle(
                    0xbbbbbb,
                    (r_max * (v / vmax).sqrt() as f32).max(2.5),
                    human(v, false),
                ));
            }
        }
    }
}

fn nice_floor(v: f64) -> f64 {
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

fn density(pm: &mut Pixmap, view: &View, pts: &[Coord], title: &str, legend: &mut Vec<Entry>) {
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
            pm.fill_rect(
                tiny_skia::Rect::from_xywh(
                    area[0] + x as f32 * CELL,
                    area[1] + y as f32 * CELL,
                    CELL,
                    CELL,
                )
                .expect("cell"),
                &paint(c, alpha),
                Transform::identity(),
                None,
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
fn blur_pass(
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

fn draw_legend(pm: &mut Pixmap, view: &View, entries: &[Entry]) -> [f32; 4] {
    let (pad, row, size): (f32, f32, f32) = if view.compact {
        (8.0, 16.0, 11.0)
    } else {
        (12.0, 20.0, 13.0)
    };
    // The thematic entries always; the base map's ("Boundaries" onwards)
    // only if they fit in the map's height.
    let base_from = entries
        .iter()
        .position(|e| matches!(e, Entry::Header(t) if t == "Boundaries"))
        .unwrap_or(entries.len());
    let full_height = legend_height(entries, pad, row);
    let entries = if full_height > view.area[3] * 0.8 && base_from > 0 {
        &entries[..base_from]
    } else {
        entries
    };
    let mut width: f32 = 120.0;
    let mut height = pad;
    for e in entries {
        let (label, extra) = match e {
            Entry::Header(t) => (t.as_str(), 0.0),
            Entry::Fill(_, t)
            | Entry::Hatched(t)
            | Entry::Line(_, _, _, t)
            | Entry::Marker(_, t) => (t.as_str(), 34.0),
            Entry::Circle(_, r, t) => (t.as_str(), 14.0 + 2.0 * r.max(5.0)),
            Entry::Ramp(_, a, b) => {
                width = width.max(
                    text::measure(a, 11.0, Weight::Regular).0
                        + text::measure(b, 11.0, Weight::Regular).0
                        + 40.0,
                );
                height += 34.0;
                continue;
            }
        };
        let wt = if matches!(e, Entry::Header(_)) {
            Weight::Bold
        } else {
            Weight::Regular
        };
        width = width.max(text::measure(label, size, wt).0 + extra);
        height += match e {
            Entry::Header(_) => row + 4.0,
            Entry::Circle(_, r, _) => row.max(2.0 * r + 4.0),
            _ => row,
        };
    }
    width += 2.0 * pad;
    height += pad - 4.0;
    // The corner where the legend hides the least of the map: count the
    // pixels that are neither sea nor neighbour under each candidate box.
    let a = view.area;
    let candidates = [
        (a[0] + 14.0, a[1] + a[3] - height - 14.0),
        (a[0] + 14.0, a[1] + 14.0),
        (a[0] + a[2] - width - 14.0, a[1] + a[3] - height - 60.0),
        (a[0] + a[2] - width - 14.0, a[1] + 96.0),
    ];
    let busy = |x0: f32, y0: f32| -> usize {
        let (pw, ph) = (pm.width() as i32, pm.height() as i32);
        let px = pm.pixels();
        let mut n = 0;
        for y in (y0 as i32..(y0 + height) as i32).step_by(2) {
            for x in (x0 as i32..(x0 + width) as i32).step_by(2) {
                if x < 0 || y < 0 || x >= pw || y >= ph {
                    n += 4;
                    continue;
                }
                let c = px[(y * pw + x) as usize];
                let rgb = ((c.red() as u32) << 16) | ((c.green() as u32) << 8) | c.blue() as u32;
                if rgb != SEA && rgb != NEIGHBOUR {
                    n += 1;
                }
            }
        }
        n
    };
    let (x0, y0) = candidates
        .iter()
        .copied()
        .min_by_key(|&(x, y)| busy(x, y))
        .expect("candidates");
    let id = Transform::identity();
    if let Some(r) = tiny_skia::Rect::from_xywh(x0, y0, width, height) {
        pm.fill_rect(r, &paint(0xffffff, 0.92), id, None);
        let p = PathBuilder::from_rect(r);
        pm.stroke_path(&p, &paint(0x999999, 1.0), &stroke(1.0, None), id, None);
    }
    let mut y = y0 + pad;
    let hatch_pm = hatch();
    for (i, e) in entries.iter().enumerate() {
        let x = x0 + pad;
        match e {
            Entry::Header(t) => {
                if i > 0 {
                    y += 4.0;
                }
                text::draw(pm, t, x, y, size, Weight::Bold, INK, None);
                y += row;
            }
            Entry::Fill(_, t) | Entry::Hatched(t) => {
                if let Some(r) = tiny_skia::Rect::from_xywh(x, y + 1.0, 24.0, 14.0) {
                    match e {
                        Entry::Fill(..) => pm.fill_rect(r, &paint(*c_of(e), 1.0), id, None),
                        _ => {
                            pm.fill_rect(r, &hatched(&hatch_pm), id, None);
                        }
                    }
                    pm.stroke_path(
                        &PathBuilder::from_rect(r),
                        &paint(0x888888, 1.0),
                        &stroke(0.6, None),
                        id,
                        None,
                    );
                }
                text::draw(pm, t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Line(c, wd, dashed, t) => {
                let mut pb = PathBuilder::new();
                pb.move_to(x, y + 8.0);
                pb.line_to(x + 24.0, y + 8.0);
                if let Some(p) = pb.finish() {
                    let dash = dashed.then(|| vec![7.0, 4.0]);
                    pm.stroke_path(&p, &paint(*c, 1.0), &stroke(*wd, dash), id, None);
                }
                text::draw(pm, t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Marker(c, t) => {
                diamond(pm, x + 12.0, y + 8.0, 6.0, *c);
                text::draw(pm, t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Circle(c, r, t) => {
                let hgt = row.max(2.0 * r + 4.0);
                let cx = x + 2.0 + r.max(5.0);
                circle(pm, cx, y + hgt / 2.0, *r, *c, 0.85, Some(0x666666));
                text::draw(
                    pm,
                    t,
                    x + 14.0 + 2.0 * r.max(5.0),
                    y + hgt / 2.0 - 8.0,
                    size,
                    Weight::Regular,
                    INK,
                    None,
                );
                y += hgt;
            }
            Entry::Ramp(cs, a, b) => {
                let n = cs.len() as f32;
                let bw = 150.0 / n;
                for (j, c) in cs.iter().enumerate() {
                    if let Some(r) = tiny_skia::Rect::from_xywh(x + j as f32 * bw, y, bw, 12.0) {
                        pm.fill_rect(r, &paint(*c, 0.85), id, None);
                    }
                }
                text::draw(pm, a, x, y + 14.0, 11.0, Weight::Regular, MUTED, None);
                let (bwid, _) = text::measure(b, 11.0, Weight::Regular);
                text::draw(
                    pm,
                    b,
                    (x + 150.0 - bwid).max(x + 40.0),
                    y + 14.0,
                    11.0,
                    Weight::Regular,
                    MUTED,
                    None,
                );
                y += 34.0;
            }
        }
    }
    [x0, y0, width, height]
}

fn c_of(e: &Entry) -> &u32 {
    match e {
        Entry::Fill(c, _) => c,
        _ => &NO_DATA,
    }
}

fn legend_height(entries: &[Entry], pad: f32, row: f32) -> f32 {
    let mut h = pad;
    for e in entries {
        h += match e {
            Entry::Header(_) => row + 4.0,
            Entry::Circle(_, r, _) => row.max(2.0 * r + 4.0),
            Entry::Ramp(..) => 34.0,
            _ => row,
        };
    }
    h + pad - 4.0
}

/// Draw the scale bar for the map's centre: the geodesic from the centre
/// eastwards is projected to find how many pixels a round number of km
/// covers. Returns the bar and its box.
fn scale_bar(pm: &mut Pixmap, view: &View) -> (ScaleBar, [f32; 4]) {
    let area = view.area;
    let centre = view.lonlat(
        (area[0] + area[2] / 2.0) as f64,
        (area[1] + area[3] / 2.0) as f64,
    );
    // The map's scale at its centre: pixels for 1 km due east, in
    // projected metres (f64), so it holds on maps of any scale. The
    // projections are conformal, so it is the same in every direction.
    let px_per_km = {
        let (lat, lon): (f64, f64) = geodesy::wgs84().direct(centre.y, centre.x, 90.0, 1000.0);
        let (x0, y0) = view.projection.forward(centre);
        let (x1, y1) = view.projection.forward(Coord { x: lon, y: lat });
        (x1 - x0).hypot(y1 - y0) * view.scale
    };
    // A round length near a fifth of the map's width.
    let target_km = area[2] as f64 / 5.0 / px_per_km;
    let km = nice_floor(target_km).max(0.001);
    let px = px_per_km * km;
    let x1 = area[0] + area[2] - 24.0;
    let x0 = x1 - px as f32;
    let y = area[1] + area[3] - 30.0;
    let id = Transform::identity();
    let bx = [x0 - 10.0, y - 26.0, px as f32 + 20.0, 40.0];
    if let Some(r) = tiny_skia::Rect::from_xywh(bx[0], bx[1], bx[2], bx[3]) {
        pm.fill_rect(r, &paint(0xffffff, 0.85), id, None);
    }
    let half = (px / 2.0) as f32;
    for (i, c) in [(0, INK), (1, 0xffffff)] {
        if let Some(r) = tiny_skia::Rect::from_xywh(x0 + i as f32 * half, y, half, 6.0) {
            pm.fill_rect(r, &paint(c, 1.0), id, None);
        }
    }
    if let Some(r) = tiny_skia::Rect::from_xywh(x0, y, px as f32, 6.0) {
        pm.stroke_path(
            &PathBuilder::from_rect(r),
            &paint(INK, 1.0),
            &stroke(1.0, None),
            id,
            None,
        );
    }
    let label = scale_label(km);
    let (lw, _) = text::measure(&label, 12.0, Weight::Regular);
    text::draw(
        pm,
        "0",
        x0 - 3.0,
        y - 19.0,
        12.0,
        Weight::Regular,
        INK,
        None,
    );
    text::draw(
        pm,
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

/// A scale bar's length as a reader says it: `500 m`, `25 km`, `1,000 km`.
fn scale_label(km: f64) -> String {
    if km < 1.0 {
        return format!("{} m", (km * 1000.0).round());
    }
    let whole = km.round() as u64;
    if (km - whole as f64).abs() > 1e-9 {
        return format!("{km} km");
    }
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out} km")
}

/// A north arrow pointing to true north at its own position.
fn north_arrow(pm: &mut Pixmap, view: &View) -> [f32; 4] {
    let area = view.area;
    let (cx, cy) = (area[0] + area[2] - 40.0, area[1] + 52.0);
    let here = view.lonlat(cx as f64, cy as f64);
    let (x1, y1) = view.px(Coord {
        x: here.x,
        y: here.y + 0.05,
    });
    let (dx, dy) = (x1 - cx, y1 - cy);
    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy, ux);
    let tip = (cx + ux * 22.0, cy + uy * 22.0);
    let tail = (cx - ux * 16.0, cy - uy * 16.0);
    let id = Transform::identity();
    if let Some(p) = PathBuilder::from_circle(cx, cy + 4.0, 30.0) {
        pm.fill_path(&p, &paint(0xffffff, 0.85), FillRule::Winding, id, None);
    }
    let mut pb = PathBuilder::new();
    pb.move_to(tip.0, tip.1);
    pb.line_to(tail.0 + nx * 9.0, tail.1 + ny * 9.0);
    pb.line_to(cx - ux * 8.0, cy - uy * 8.0);
    pb.close();
    if let Some(p) = pb.finish() {
        pm.fill_path(&p, &paint(INK, 1.0), FillRule::Winding, id, None);
    }
    let mut pb = PathBuilder::new();
    pb.move_to(tip.0, tip.1);
    pb.line_to(tail.0 - nx * 9.0, tail.1 - ny * 9.0);
    pb.line_to(cx - ux * 8.0, cy - uy * 8.0);
    pb.close();
    if let Some(p) = pb.finish() {
        pm.fill_path(&p, &paint(0xffffff, 1.0), FillRule::Winding, id, None);
        pm.stroke_path(&p, &paint(INK, 1.0), &stroke(1.2, None), id, None);
    }
    let (tw, _) = text::measure("N", 14.0, Weight::Bold);
    text::draw(
        pm,
        "N",
        tail.0 - ux * 12.0 - tw / 2.0,
        tail.1 - uy * 12.0 - 6.0,
        14.0,
        Weight::Bold,
        INK,
        None,
    );
    [cx - 32.0, cy - 28.0, 64.0, 66.0]
}

fn place_labels(
    pm: &mut Pixmap,
    view: &View,
    which: Labels,
    districts: &Layer,
    furniture: &[[f32; 4]],
) -> Result<Vec<[f32; 4]>> {
    let area = view.area;
    let inside = |b: &[f32; 4]| {
        b[0] >= area[0] + 2.0
            && b[1] >= area[1] + 2.0
            && b[0] + b[2] <= area[0] + area[2] - 2.0
            && b[1] + b[3] <= area[1] + area[3] - 2.0
    };
    let mut placed: Vec<[f32; 4]> = Vec::new();
    let free = |b: &[f32; 4], placed: &Vec<[f32; 4]>| {
        inside(b)
            && !furniture.iter().any(|f| overlaps(b, f))
            && !placed.iter().any(|p| overlaps(b, p))
    };
    match which {
        Labels::None => {}
        Labels::All => {
            // Towns (with markers) first, then district names around them.
            let mut v = place_labels(pm, view, Labels::Towns, districts, furniture)?;
            let mut busy = furniture.to_vec();
            busy.extend(v.iter().copied());
            v.extend(place_labels(pm, view, Labels::Districts, districts, &busy)?);
            return Ok(v);
        }
        Labels::Districts => {
            // Largest districts first.
            let mut items: Vec<(f64, String, Coord)> = districts
                .features
                .iter()
                .filter_map(|f| {
                    let mp: MultiPolygon = MultiPolygon::new(polys_of(&f.geometry));
                    let at = mp.interior_point()?.0;
                    Some((geodesy::area_m2(&mp), f.name()?.to_string(), at))
                })
                .collect();
            items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, name, at) in items {
                let (x, y) = view.px(at);
                let (tw, th) = text::measure(&name, 12.0, Weight::Regular);
                let b = [x - tw / 2.0 - 2.0, y - th / 2.0 - 1.0, tw + 4.0, th + 2.0];
                if free(&b, &placed) {
                    text::draw(
                        pm,
                        &name,
                        b[0] + 2.0,
                        b[1] + 1.0,
                        12.0,
                        Weight::Regular,
                        0x333333,
                        Some(0xffffff),
                    );
                    placed.push(b);
                }
            }
        }
        Labels::Towns => {
            // Crossings first, then the towns in route order.
            let mut towns = crate::layer::towns()?;
            towns.sort_by_key(|t| !t.crossing);
            for crate::layer::Town { name, at, .. } in towns {
                let (x, y) = view.px(at);
                if !inside(&[x - 3.0, y - 3.0, 6.0, 6.0]) {
                    continue;
                }
                let (tw, th) = text::measure(&name, 12.0, Weight::Regular);
                let candidates = [
                    [x + 6.0, y - th / 2.0, tw + 4.0, th],
                    [x - tw - 10.0, y - th / 2.0, tw + 4.0, th],
                    [x - tw / 2.0, y - th - 6.0, tw + 4.0, th],
                    [x - tw / 2.0, y + 5.0, tw + 4.0, th],
                ];
                let dot = [x - 3.0, y - 3.0, 6.0, 6.0];
                if !free(&dot, &placed) {
                    continue;
                }
                if let Some(b) = candidates
                    .iter()
                    .find(|b| free(b, &placed) && !overlaps(b, &dot))
                {
                    circle(pm, x, y, 3.0, INK, 1.0, Some(0xffffff));
                    text::draw(
                        pm,
                        &name,
                        b[0] + 2.0,
                        b[1],
                        12.0,
                        Weight::Regular,
                        INK,
                        Some(0xffffff),
                    );
                    placed.push(*b);
                    placed.push(dot);
                }
            }
        }
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn scale_labels_read_as_people_write_them() {
        assert_eq!(super::scale_label(0.5), "500 m");
        assert_eq!(super::scale_label(25.0), "25 km");
        assert_eq!(super::scale_label(1000.0), "1,000 km");
        assert_eq!(super::scale_label(2000.0), "2,000 km");
    }
}
