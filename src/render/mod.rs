//! Thematic maps as PNG, SVG or PDF, and time-series charts: the built-in
//! base map (neighbours, provinces, districts, the Durand Line, CPEC
//! corridors, crossings), points coloured and sized by columns, density
//! surfaces, choropleths of numbers in classes or of categories
//! ([`categories`]; from summary, hot-spot and emerging hot-spot tables, or GeoJSON
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
//! // MapSpec is #[non_exhaustive]: start from its defaults and set fields.
//! let mut spec = MapSpec::default();
//! spec.size = (480, 360);
//! spec.extent = Extent::Named("kp".into());
//! spec.title = Some("Khyber Pakhtunkhwa".into());
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
//! let mut spec = MapSpec::default();
//! spec.size = page.pixels(300.0);
//! spec.dpi = 300.0;
//! spec.type_scale = page.type_scale();
//! spec.extent = Extent::Named("waziristan".into());
//! spec.title = Some("وزیرستان".into());
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
//! let mut spec = MapSpec::default();
//! spec.size = (400, 300);
//! spec.choropleth = Some(choropleth.clone());
//! let map = render(&spec)?;
//! assert_eq!(map.pixmap.width(), 400);
//! choropleth.classes = 12; // 2 to 9
//! spec.choropleth = Some(choropleth);
//! assert!(spec.validate().is_err() && render(&spec).is_err());
//! # Ok::<(), frontier::Error>(())
//! ```

mod base;
mod canvas;
pub mod categories;
pub mod chart;
mod choropleth;
pub mod classify;
mod clip;
mod density;
mod fonts;
mod furniture;
mod graticule;
pub mod heat_table;
mod input;
mod labels;
mod layers;
mod legend;
pub mod mapfile;
mod names;
mod page;
mod paint;
mod pdf;
mod points;
pub mod projection;
mod series;
pub mod shape;
mod spec;
mod svg;
mod symbols;
pub mod text;
mod trend_chart;
pub use trend_chart::MAX_PANELS;
mod view;

use canvas::Canvas;
pub use canvas::{Ink, Op, Pen, Scene};
pub use categories::{EMERGING_CLASSES, HOTSPOT_CLASSES};
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
pub use page::{
    DPIS, Format, MAX_VECTOR_INCHES, PageSize, SIZES, check_dpi, check_page, check_size,
};
use paint::{SEA, paint};
use points::draw_points;
pub use spec::{
    CLASSES, Choropleth, Extent, LARGE_FILE_BYTES, Labels, MapSpec, PointDatum, PointsLayer, Style,
    check_bandwidth,
};
pub use view::{MIN_EXTENT_DEG, View, extent_box};
use view::{bands, fit, visible_box};

use crate::error::{Error, Param, Result};
use crate::layer::Catalogue;
use projection::Projection;
use tiny_skia::{Pixmap, PixmapPaint, Transform};

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

/// Render a map as an image.
pub fn render(spec: &MapSpec) -> Result<Rendered> {
    draw(spec, false)
}

/// Render a map as an image and keep its drawing as a [`Scene`] for the
/// vector writers ([`Scene::to_svg`], [`Scene::to_pdf`]).
pub fn render_scene(spec: &MapSpec) -> Result<Rendered> {
    draw(spec, true)
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
/// let mut spec = MapSpec::default();
/// spec.size = (400, 300);
/// spec.extent = Extent::BBox([66.0, 30.5, 67.0, 31.5]); // Chaman and Quetta
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
