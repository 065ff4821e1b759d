//! What a map shows ([`MapSpec`]): the extent, the points, density,
//! choropleth and layers with their styles, the labels and furniture; and
//! the rules a spec must keep ([`MapSpec::validate`]), which every client
//! (the command line, Python, a server) is held to.

use super::classify::{self, Method};
use super::density::Density;
use super::page::{Format, check_page};
use super::view::extent_box;
use crate::error::{Error, Param, Result};
use crate::layer::Layer;
use geo::Coord;
use std::collections::BTreeMap;

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
#[non_exhaustive]
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
#[non_exhaustive]
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
    /// feature's category as an index into this list
    /// ([`Choropleth::read_categories`] and
    /// [`super::categories::classes`] make it from names).
    pub categories: Option<Vec<(String, u32)>>,
}

/// Everything a map shows.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// ([`PageSize::type_scale`](crate::render::PageSize::type_scale)).
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
    /// region ([`INSET_REGION`](crate::render::INSET_REGION)), in the corner where it hides least.
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
    pub(super) fn validate_content(&self) -> Result<()> {
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
    /// A choropleth of `values` (feature name → value, `None` for no data)
    /// over the polygons of `layer`, its legend titled `title`, in the
    /// command line's defaults: 5 quantile classes of YlOrRd, values as
    /// numbers, breaks computed (set the fields after to change them).
    pub fn new(
        layer: Layer,
        values: BTreeMap<String, Option<f64>>,
        title: impl Into<String>,
    ) -> Choropleth {
        Choropleth {
            layer,
            values,
            title: title.into(),
            classes: 5,
            method: Method::Quantile,
            palette: "ylorrd".into(),
            percent: false,
            breaks: None,
            categories: None,
        }
    }

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
