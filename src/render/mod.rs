//! Thematic maps as PNG, SVG or PDF, and time-series charts: the built-in
//! base map (neighbours, provinces, districts, the Durand Line, CPEC
//! corridors, crossings), points coloured and sized by columns, density
//! surfaces, choropleths (from summary and hot-spot tables, or GeoJSON
//! polygons such as hot-spot hexagons), user layers, labels placed without
//! overlap, and the map furniture a printed map needs (title, legend,
//! scale bar, north arrow, sources). Text in Arabic script (Urdu, Pashto,
//! Dari) is shaped right to left ([`shape`]).
//!
//! Drawing is anti-aliased (tiny-skia) in a projection fitted to the extent
//! ([`projection::Projection`]: Lambert conformal conic, Mercator at the
//! equator, polar stereographic towards a pole); the same input gives the
//! same bytes. The one layout is drawn on a raster (PNG) and recorded as a
//! [`Scene`] for the vector writers ([`Scene::to_svg`], [`Scene::to_pdf`]).
//! The rules a map must keep (sizes, resolutions, classes, bandwidths,
//! extents) are checked here, by [`MapSpec::validate`] and when drawing, so
//! every client refuses the same maps with the same words.
//!
//! Behind the `render` feature (on by default).
//!
//! # Examples
//! A map of Khyber Pakhtunkhwa as SVG and as PDF, from one layout:
//! ```
//! use frontier::render::{Extent, Format, MapSpec, render_to};
//!
//! let spec = MapSpec {
//!     size: (480, 360),
//!     extent: Extent::Named("kp".into()),
//!     title: Some("Khyber Pakhtunkhwa".into()),
//!     ..Default::default()
//! };
//! let svg = String::from_utf8(render_to(&spec, Format::Svg)?).unwrap();
//! assert!(svg.contains("<text") && svg.contains("Khyber Pakhtunkhwa"));
//! let pdf = render_to(&spec, Format::Pdf)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! A print size: 180 × 120 mm at 300 dots per inch, and a title in Urdu:
//! ```
//! use frontier::render::{Extent, Format, MapSpec, PageSize, render_to};
//!
//! let page = PageSize::parse("180x120mm").unwrap();
//! let spec = MapSpec {
//!     size: page.pixels(300.0),
//!     dpi: 300.0,
//!     type_scale: page.type_scale(),
//!     extent: Extent::Named("waziristan".into()),
//!     title: Some("وزیرستان".into()),
//!     ..Default::default()
//! };
//! assert_eq!(spec.size, (2126, 1417));
//! let png = render_to(&spec, Format::Png)?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! A choropleth of a summary table, and a spec that breaks a rule:
//! ```
//! use frontier::render::classify::Method;
//! use frontier::render::{Choropleth, MapSpec, render};
//!
//! let table = "district,events\nPeshawar,12\nQuetta,7\nKarachi South,3\n";
//! let (mut choropleth, no_data) =
//!     Choropleth::read(table.as_bytes(), "s.csv", "events", 3, Method::Quantile, "blues")?;
//! assert_eq!(no_data, 0);
//! let spec = MapSpec {
//!     size: (400, 300),
//!     choropleth: Some(choropleth.clone()),
//!     ..Default::default()
//! };
//! let map = render(&spec)?;
//! assert_eq!(map.pixmap.width(), 400);
//! choropleth.classes = 12; // 2 to 9
//! let spec = MapSpec { choropleth: Some(choropleth), ..spec };
//! assert!(spec.validate().is_err() && render(&spec).is_err());
//! # Ok::<(), frontier::Error>(())
//! ```

mod base;
mod canvas;
pub mod chart;
mod choropleth;
pub mod classify;
mod clip;
mod density;
mod fonts;
mod furniture;
mod graticule;
mod input;
mod labels;
mod layers;
mod legend;
pub mod mapfile;
mod names;
mod paint;
mod pdf;
mod points;
pub mod projection;
pub mod shape;
mod svg;
mod symbols;
pub mod text;
mod view;

use canvas::Canvas;
pub use canvas::{Ink, Op, Pen, Scene};
use choropleth::draw_choropleth;
use density::density;
pub use density::{DEFAULT_BANDWIDTH_KM, Density, parse_bandwidth};
use furniture::{draw_bands, north_arrow, scale_bar, source_lines};
pub use graticule::INSET_REGION;
use graticule::{graticule_labels, graticule_lines, inset};
pub use input::{PointsRead, styled_layer, styled_layer_name};
use labels::place_labels;
use layers::draw_layers;
use legend::{Entry, draw_legend};
use names::place_names;
use paint::{SEA, paint};
use points::draw_points;
pub use view::{MIN_EXTENT_DEG, View, extent_box};
use view::{bands, fit, visible_box};

use crate::error::{Error, Param, Result};
use crate::layer::{Catalogue, Layer};
use classify::Method;
use geo::Coord;
use projection::Projection;
use std::collections::BTreeMap;
use tiny_skia::{Pixmap, PixmapPaint, Transform};

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
    /// Major cities and towns from the built-in `places` layer (GeoNames),
    /// largest first: in Pakistan and Afghanistan, those of 250,000
    /// people or more on a map over 800 km wide, 50,000 over 300 km,
    /// all (15,000+) closer in; elsewhere, those of 2 million or more
    /// (1 million on maps under 800 km wide).
    Cities,
    /// Cities, then the CPEC towns and crossings, then district names,
    /// each where it still fits.
    All,
    /// No labels.
    None,
}

impl crate::Named for Labels {
    const ALL: &'static [(&'static str, Labels)] = &[
        ("districts", Labels::Districts),
        ("towns", Labels::Towns),
        ("cities", Labels::Cities),
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
    /// Feature ([`Layer::label`]: its name) → value (None: in the table
    /// without a value: no data).
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
    /// A column of categories instead of numbers: each category's name
    /// and colour, in legend order; [`Choropleth::values`] then hold each
    /// feature's category as an index into this list.
    pub categories: Option<Vec<(String, u32)>>,
}

/// The classes of `frontier hotspots` (`gi_class`), hot to cold, in a
/// diverging red–blue palette (ColorBrewer RdBu) with a neutral grey for
/// areas that are not significant.
pub const HOTSPOT_CLASSES: [(&str, u32); 7] = [
    ("hot 99%", 0xb2182b),
    ("hot 95%", 0xef8a62),
    ("hot 90%", 0xfddbc7),
    ("not significant", 0xeeeeee),
    ("cold 90%", 0xd1e5f0),
    ("cold 95%", 0x67a9cf),
    ("cold 99%", 0x2166ac),
];

/// Everything a map shows.
#[derive(Debug, Clone)]
pub struct MapSpec {
    /// Image size in pixels.
    pub size: (u32, u32),
    /// Pixels per inch: the page is `size` at this resolution, and line
    /// widths and type sizes are in points (1/72 inch), so a map looks the
    /// same at any resolution. At 72 (the default) one point is one pixel.
    pub dpi: f32,
    /// How large type, lines and furniture are drawn, relative to their
    /// sizes in points: 1 by default; below 1 the map is laid out on a page
    /// `1/type_scale` times larger and drawn smaller, so a small print page
    /// (a journal column) keeps the layout of a larger one. The command
    /// line sets it for print sizes under 480 × 400 points
    /// ([`PageSize::type_scale`]).
    pub type_scale: f32,
    /// Extent.
    pub extent: Extent,
    /// Title.
    pub title: Option<String>,
    /// Subtitle (second line under the title).
    pub subtitle: Option<String>,
    /// Points.
    pub points: Option<PointsLayer>,
    /// Points as a kernel density surface.
    pub density: Option<Density>,
    /// Choropleth.
    pub choropleth: Option<Choropleth>,
    /// User layers with styles.
    pub layers: Vec<(Layer, Style)>,
    /// Labels.
    pub labels: Labels,
    /// Extra source credits (the user's data files, or "synthetic data").
    pub sources: Vec<String>,
    /// Meridians and parallels every round number of degrees, labelled
    /// at the map's left and bottom edges.
    pub graticule: bool,
    /// A locator inset: the map's extent on a small overview of the
    /// region ([`INSET_REGION`]), in the corner where it hides least.
    pub inset: bool,
    /// Draw the built-in base map (neighbours, land, boundaries, CPEC,
    /// the Durand Line, crossings) and its legend; off, only the thematic
    /// layers on a plain background.
    pub base_map: bool,
}

impl Default for MapSpec {
    fn default() -> Self {
        MapSpec {
            size: (1600, 1200),
            dpi: 72.0,
            type_scale: 1.0,
            extent: Extent::Named("pakistan".into()),
            title: None,
            subtitle: None,
            points: None,
            density: None,
            choropleth: None,
            layers: Vec::new(),
            labels: Labels::None,
            sources: Vec::new(),
            graticule: false,
            inset: false,
            base_map: true,
        }
    }
}

/// A rendered map and what tests may want to check about it.
pub struct Rendered {
    /// The image.
    pub pixmap: Pixmap,
    /// The same map as drawing operations on a page in points, for SVG
    /// and PDF ([`render_scene`] keeps it; [`render`] does not).
    pub scene: Option<Scene>,
    /// Scale bar: its length in km and in pixels, and where it was drawn.
    pub scale_bar: ScaleBar,
    /// Boxes of the names and labels drawn (x, y, w, h), points.
    pub labels: Vec<[f32; 4]>,
    /// Boxes of the furniture (title band, legend, scale bar, north arrow, source band).
    pub furniture: Vec<[f32; 4]>,
    /// The north arrow: where it stands and which way it points.
    pub north_arrow: NorthArrow,
    /// The projection and the pixel transform, to check positions.
    pub view: View,
}

/// The north arrow drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NorthArrow {
    /// Its centre, points from the page's top-left.
    pub at: (f32, f32),
    /// The way it points, a unit vector on the page (y down).
    pub towards: (f32, f32),
}

/// The scale bar drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    /// Length it stands for, km.
    pub km: f64,
    /// Its length on the map, px.
    pub px: f64,
}

/// Maps of one height side by side (small multiples), a 2-pixel grey rule
/// between each pair.
pub fn side_by_side(maps: &[Pixmap]) -> Result<Pixmap> {
    let h = maps.iter().map(Pixmap::height).max().unwrap_or(0);
    let w: u32 = maps.iter().map(Pixmap::width).sum();
    let mut out = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: "side by side, the maps must make an image of some size".into(),
    })?;
    let mut x = 0;
    for (i, m) in maps.iter().enumerate() {
        out.draw_pixmap(
            x as i32,
            0,
            m.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        if i > 0 {
            let rule =
                tiny_skia::Rect::from_xywh(x as f32 - 1.0, 0.0, 2.0, h as f32).expect("rect");
            out.fill_rect(rule, &paint(0x888888, 1.0), Transform::identity(), None);
        }
        x += m.width();
    }
    Ok(out)
}

/// A map's size: pixels, or a print size (mm, cm or inches) that becomes
/// pixels at a resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageSize {
    /// Width and height, pixels.
    Pixels(u32, u32),
    /// Width and height, inches.
    Inches(f64, f64),
}

impl PageSize {
    /// Parse `1600x1200` (pixels), `180x120mm`, `18x12cm`, `7x5in` (a unit
    /// after the height is the unit of both; `px` may be written).
    pub fn parse(s: &str) -> std::result::Result<PageSize, String> {
        let t = s.trim().to_ascii_lowercase();
        let (body, per_inch) = if let Some(b) = t.strip_suffix("mm") {
            (b, Some(25.4))
        } else if let Some(b) = t.strip_suffix("cm") {
            (b, Some(2.54))
        } else if let Some(b) = t.strip_suffix("in") {
            (b, Some(1.0))
        } else {
            (t.strip_suffix("px").unwrap_or(&t), None)
        };
        let (a, b) = body.split_once('x').ok_or_else(|| {
            format!("{s:?}: give WIDTHxHEIGHT in pixels (1600x1200) or with a unit (180x120mm, 18x12cm, 7x5in)")
        })?;
        match per_inch {
            None => {
                let w = a.trim().parse::<u32>();
                let h = b.trim().parse::<u32>();
                match (w, h) {
                    (Ok(w), Ok(h)) => Ok(PageSize::Pixels(w, h)),
                    _ => Err(format!(
                        "{s:?}: pixel sizes are whole numbers, e.g. 1600x1200 (or give a unit: 180x120mm)"
                    )),
                }
            }
            Some(k) => {
                let w = a
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0);
                let h = b
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0);
                match (w, h) {
                    (Some(w), Some(h)) => Ok(PageSize::Inches(w / k, h / k)),
                    _ => Err(format!("{s:?}: width and height must be positive numbers")),
                }
            }
        }
    }

    /// The resolution used when none is given: 72 dpi for sizes in pixels
    /// (one point is one pixel, as maps have always been drawn), 300 dpi
    /// for print sizes.
    pub fn default_dpi(&self) -> f32 {
        match self {
            PageSize::Pixels(..) => 72.0,
            PageSize::Inches(..) => 300.0,
        }
    }

    /// The [`MapSpec::type_scale`] for this size: for print sizes under
    /// 480 × 400 points (about 170 × 140 mm), the ratio to that, but not
    /// below 0.55 (labels of about 5.5 points); 1 otherwise.
    pub fn type_scale(&self) -> f32 {
        match *self {
            PageSize::Pixels(..) => 1.0,
            PageSize::Inches(w, h) => {
                ((w * 72.0 / 480.0).min(h * 72.0 / 400.0) as f32).clamp(0.55, 1.0)
            }
        }
    }

    /// Width and height in pixels at `dpi` (print sizes rounded to the
    /// nearest pixel: 180 × 120 mm at 300 dpi is 2126 × 1417).
    pub fn pixels(&self, dpi: f32) -> (u32, u32) {
        match *self {
            PageSize::Pixels(w, h) => (w, h),
            PageSize::Inches(w, h) => (
                (w * dpi as f64).round().clamp(0.0, u32::MAX as f64) as u32,
                (h * dpi as f64).round().clamp(0.0, u32::MAX as f64) as u32,
            ),
        }
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

/// Render a map as an image.
pub fn render(spec: &MapSpec) -> Result<Rendered> {
    draw(spec, false)
}

/// Render a map as an image and keep its drawing as a [`Scene`] for the
/// vector writers ([`Scene::to_svg`], [`Scene::to_pdf`]).
pub fn render_scene(spec: &MapSpec) -> Result<Rendered> {
    draw(spec, true)
}

/// A map's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PNG image (the same bytes for the same input).
    Png,
    /// SVG: paths, text as text, the density surface as an embedded PNG.
    Svg,
    /// PDF: one page of the map's size, fonts embedded as subsets.
    Pdf,
}

impl crate::Named for Format {
    const ALL: &'static [(&'static str, Format)] = &[
        ("png", Format::Png),
        ("svg", Format::Svg),
        ("pdf", Format::Pdf),
    ];
}

impl Format {
    /// The format a file name's extension says (`.png`, `.svg`, `.pdf`,
    /// any case), if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        <Format as crate::Named>::ALL
            .iter()
            .find(|(n, _)| *n == ext)
            .map(|(_, f)| *f)
    }
}

/// The largest side of an SVG or PDF page, inches: the PDF page limit
/// (200 inches, 5.08 m).
pub const MAX_VECTOR_INCHES: f64 = 200.0;

/// Check a page of `size` pixels at `dpi` for `format`. A PNG has
/// [`SIZES`] pixels a side. An SVG or PDF is drawn in points, so only its
/// layout needs the pixels: at least [`SIZES`]' least, and at most
/// [`MAX_VECTOR_INCHES`] a side, however many pixels that is at `dpi`
/// (the raster that guides where the legend and names go is then drawn at
/// a lower resolution).
///
/// # Examples
/// ```
/// use frontier::render::{Format, PageSize, check_page};
///
/// // A poster of 1000 × 700 mm at 300 dpi: too many pixels for a PNG,
/// // a page like any other for a PDF.
/// let poster = PageSize::parse("1000x700mm").unwrap().pixels(300.0);
/// assert!(check_page(poster, 300.0, Format::Png).is_err());
/// assert!(check_page(poster, 300.0, Format::Pdf).is_ok());
/// ```
pub fn check_page(size: (u32, u32), dpi: f32, format: Format) -> Result<()> {
    check_dpi(dpi)?;
    if format == Format::Png {
        return check_size(size);
    }
    let longest = size.0.max(size.1) as f64 / dpi as f64;
    if size.0.min(size.1) >= *SIZES.start() && longest <= MAX_VECTOR_INCHES {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{}x{}", size.0, size.1),
        expected: format!(
            "each side must be at least {} pixels, and at most {MAX_VECTOR_INCHES} inches ({} mm) on an SVG or PDF page",
            SIZES.start(),
            MAX_VECTOR_INCHES * 25.4
        ),
    })
}

/// Check a resolution against [`DPIS`].
pub fn check_dpi(dpi: f32) -> Result<()> {
    if DPIS.contains(&dpi) {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Dpi,
        value: dpi.to_string(),
        expected: format!("{} to {} dots per inch", DPIS.start(), DPIS.end()),
    })
}

/// The spec a vector page is laid out with: itself, or, when it is more
/// than [`SIZES`]' most pixels a side, the same page at a resolution that
/// makes it that many (the layout is in points; only the raster that
/// guides it changes).
fn vector_layout(spec: &MapSpec) -> Result<std::borrow::Cow<'_, MapSpec>> {
    check_page(spec.size, spec.dpi, Format::Svg)?;
    let longest = spec.size.0.max(spec.size.1);
    if longest <= *SIZES.end() {
        return Ok(std::borrow::Cow::Borrowed(spec));
    }
    let f = *SIZES.end() as f64 / longest as f64;
    let side = |v: u32| ((v as f64 * f).round() as u32).clamp(*SIZES.start(), *SIZES.end());
    Ok(std::borrow::Cow::Owned(MapSpec {
        size: (side(spec.size.0), side(spec.size.1)),
        dpi: (spec.dpi as f64 * f) as f32,
        ..spec.clone()
    }))
}

/// Render a map and encode it in `format`.
///
/// # Examples
/// ```
/// use frontier::render::{Extent, Format, MapSpec, render_to};
///
/// let spec = MapSpec {
///     size: (400, 300),
///     extent: Extent::BBox([66.0, 30.5, 67.0, 31.5]), // Chaman and Quetta
///     ..Default::default()
/// };
/// let png = render_to(&spec, Format::Png)?;
/// assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn render_to(spec: &MapSpec, format: Format) -> Result<Vec<u8>> {
    let map = match format {
        Format::Png => draw(spec, false)?,
        Format::Svg | Format::Pdf => draw(vector_layout(spec)?.as_ref(), true)?,
    };
    Ok(match (format, map.scene) {
        (Format::Svg, Some(scene)) => scene.to_svg().into_bytes(),
        (Format::Pdf, Some(scene)) => scene.to_pdf(),
        _ => map.pixmap.encode_png().map_err(|e| Error::InvalidSetting {
            param: Param::Format,
            value: "png".into(),
            expected: format!("an image that can be encoded ({e})"),
        })?,
    })
}

/// Resolutions a map may have, dots per inch.
pub const DPIS: std::ops::RangeInclusive<f32> = 36.0..=1200.0;

impl MapSpec {
    /// Check the settings every client may get wrong, before anything is
    /// drawn: the size and resolution ([`check_page`] for a PNG), the type
    /// scale, a density's bandwidth, a choropleth's classes and palette,
    /// the user layers' line widths, and the extent.
    pub fn validate(&self) -> Result<()> {
        check_page(self.size, self.dpi, Format::Png)?;
        self.validate_content()
    }

    /// [`MapSpec::validate`] but for the size and resolution.
    fn validate_content(&self) -> Result<()> {
        if !(0.25..=4.0).contains(&self.type_scale) {
            return Err(Error::InvalidSetting {
                param: Param::Dpi,
                value: format!("type scale {}", self.type_scale),
                expected: "a type scale from 0.25 to 4".into(),
            });
        }
        if let Some(d) = &self.density {
            check_bandwidth(d.bandwidth_km)?;
        }
        if let Some(ch) = &self.choropleth {
            ch.validate()?;
        }
        for (layer, style) in &self.layers {
            if !(style.width > 0.0 && style.width < 50.0) {
                return Err(Error::Input {
                    origin: layer.name.clone(),
                    message: format!(
                        "style width {}: a line width in points, above 0 and below 50",
                        style.width
                    ),
                });
            }
        }
        extent_box(&self.extent).map(|_| ())
    }
}

/// An SVG or PDF expected to be this large (bytes) or larger is worth a
/// warning ([`MapSpec::estimate_bytes`]).
pub const LARGE_FILE_BYTES: u64 = 100_000_000;

impl MapSpec {
    /// About how many bytes the map takes as `format`, for a warning
    /// before a long write: in an SVG or PDF each point in the extent is
    /// an element of its own, about 135 bytes in SVG and 80 in PDF
    /// (measured on 5 million points: 672 and 400 MB), on about a megabyte
    /// for the rest. A PNG's size depends on its pixels only: 0.
    pub fn estimate_bytes(&self, format: Format) -> u64 {
        let per_point = match format {
            Format::Png => return 0,
            Format::Svg => 135,
            Format::Pdf => 80,
        };
        let Some(points) = &self.points else {
            return 1_000_000;
        };
        let inside = match extent_box(&self.extent) {
            Ok(r) => points
                .points
                .iter()
                .filter(|p| {
                    p.at.x >= r.min().x
                        && p.at.x <= r.max().x
                        && p.at.y >= r.min().y
                        && p.at.y <= r.max().y
                })
                .count(),
            Err(_) => points.points.len(),
        };
        1_000_000 + per_point * inside as u64
    }
}

/// Check a density's bandwidth, km: 0.1 to 2000.
pub fn check_bandwidth(km: f64) -> Result<()> {
    if (0.1..=2000.0).contains(&km) {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Bandwidth,
        value: km.to_string(),
        expected: "a bandwidth from 0.1 to 2000 km".into(),
    })
}

/// The number of classes a choropleth may have.
pub const CLASSES: std::ops::RangeInclusive<usize> = 2..=9;

impl Choropleth {
    /// Check the classes ([`CLASSES`], unless the breaks are given or the
    /// values are categories) and the palette.
    pub fn validate(&self) -> Result<()> {
        if self.categories.is_none() && self.breaks.is_none() && !CLASSES.contains(&self.classes) {
            return Err(Error::InvalidSetting {
                param: Param::Classes,
                value: self.classes.to_string(),
                expected: format!("{} to {} classes", CLASSES.start(), CLASSES.end()),
            });
        }
        if let Some(b) = &self.breaks
            && (b.iter().any(|v| !v.is_finite()) || b.windows(2).any(|w| w[0] > w[1]))
        {
            return Err(Error::InvalidSetting {
                param: Param::Classes,
                value: format!("{b:?}"),
                expected: "finite breaks, in order".into(),
            });
        }
        if self.categories.is_none() {
            classify::palette(&self.palette)?;
        }
        Ok(())
    }
}

fn draw(spec: &MapSpec, record: bool) -> Result<Rendered> {
    check_size(spec.size)?;
    check_dpi(spec.dpi)?;
    spec.validate_content()?;
    let scale = spec.dpi / 72.0 * spec.type_scale;
    let mut cv = Canvas::new(spec.size, scale, spec.type_scale, SEA, record)?;
    let page = cv.page;
    let extent = extent_box(&spec.extent)?;
    let source = source_lines(
        spec,
        page,
        Projection::for_extent(extent.min(), extent.max()).name(),
    );
    let view = fit(extent, page, source.height);
    // Bottom to top: land, fills, lines, the user's layers, points,
    // crossings; then the furniture, the labels around it, and the bands.
    let mut legend: Vec<Entry> = Vec::new();
    if spec.base_map {
        base::draw_land(&mut cv, &view)?;
    }
    if let Some(ch) = &spec.choropleth {
        draw_choropleth(&mut cv, &view, ch, &mut legend)?;
    }
    if let Some(d) = &spec.density {
        density(&mut cv, &view, d, &mut legend);
    }
    let corridors = if spec.base_map {
        base::draw_lines(&mut cv, &view, extent)?
    } else {
        Vec::new()
    };
    if spec.graticule {
        graticule_lines(&mut cv, &view, visible_box(&view));
    }
    let user_legend = draw_layers(&mut cv, &view, &spec.layers);
    if let Some(pl) = &spec.points {
        draw_points(&mut cv, &view, pl, &mut legend);
    }
    if spec.base_map {
        let crossings = base::draw_crossings(&mut cv, &view, extent)?;
        legend.extend(base::legend(corridors, crossings));
    }
    legend.extend(user_legend);

    let (title_band, _) = bands(page);
    let source_band = source.height;
    let title_box = [0.0, 0.0, page.0, title_band];
    let source_box = [0.0, page.1 - source_band, page.0, source_band];
    // The scale bar and north arrow stand in fixed places; the legend
    // keeps clear of them.
    let (bar, bar_box) = scale_bar(&mut cv, &view);
    let (arrow_box, arrow) = north_arrow(&mut cv, &view);
    let legend_box = draw_legend(&mut cv, &view, &legend, &[bar_box, arrow_box]);
    let mut furniture = vec![title_box, legend_box, bar_box, arrow_box, source_box];
    if spec.inset {
        let b = inset(&mut cv, &view, extent, &furniture)?;
        furniture.push(b);
    }
    let districts = Catalogue::shared("districts")?;
    // The base map's names first (countries, sea, provinces), then the
    // labels asked for around them.
    let mut labels = if spec.base_map {
        place_names(&mut cv, &view, &furniture)?
    } else {
        Vec::new()
    };
    if spec.graticule {
        let mut busy = furniture.clone();
        busy.extend(labels.iter().copied());
        labels.extend(graticule_labels(&mut cv, &view, visible_box(&view), &busy));
    }
    let mut busy = furniture.clone();
    busy.extend(labels.iter().copied());
    labels.extend(place_labels(&mut cv, &view, spec.labels, districts, &busy)?);
    draw_bands(&mut cv, &view, spec, &source);
    let (pixmap, scene) = cv.finish();
    Ok(Rendered {
        pixmap,
        scene,
        scale_bar: bar,
        labels,
        furniture,
        north_arrow: arrow,
        view,
    })
}
