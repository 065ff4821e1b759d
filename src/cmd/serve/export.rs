//! What the page exports: the current view (every point layer shown, or
//! the choropleth) as a print map (PNG, SVG, PDF) and as the map file
//! that draws it again, the filtered rows (CSV, GeoParquet, GeoJSON) and
//! the summary table. Everything goes back to the browser; the server
//! writes no file.

use super::api::summary_of;
use super::app::App;
use super::choropleth::{CLASSES, METHOD, Mode, PALETTE, shades};
use super::columns::Size;
use super::filter::Filter;
use super::query::{ApiError, Query};
use super::state::Dataset;
use frontier::Named;
use frontier::layer::{Feature, Layer};
use frontier::output::{Column, Format as RowFormat, RowWriter};
use frontier::render::{
    Choropleth, Extent, Format, Labels, MapSpec, PointDatum, PointsLayer, Style,
};
use frontier::row::Fields;
use frontier::summary::Grouping;
use serde_json::Value;

/// Colours of point layers drawn in one colour (every layer shown beside
/// the analysed dataset), by dataset: the print maps' one colour, black
/// (the Okabe–Ito colour the categories leave out), then dark colours of
/// Paul Tol's muted scheme unlike any category colour (the page's
/// `LAYER_COLOURS`).
pub const LAYER_COLOURS: [u32; 5] = [0x6a3d9a, 0x000000, 0x882255, 0x999933, 0x332288];

/// The view a map export draws.
struct View<'a> {
    bbox: [f64; 4],
    title: Option<String>,
    /// Image size, pixels.
    size: (u32, u32),
    mode: Option<Mode>,
    color: Option<usize>,
    size_by: Option<Size<'a>>,
    /// Other point layers shown, each with its filters.
    with: Vec<(&'a Dataset, Filter)>,
}

fn view<'a>(app: &'a App, q: &Query, d: &'a Dataset, f: &Filter) -> Result<View<'a>, ApiError> {
    let bbox = q.need("bbox")?;
    let bbox = match Extent::parse(&format!("bbox:{bbox}")) {
        Ok(Extent::BBox(b)) => b,
        Ok(_) => unreachable!("a bbox: extent"),
        Err(e) => return Err(ApiError::bad(format!("bbox: {e}"))),
    };
    let size = match q.get("size")? {
        None => (1600, 1200),
        Some(s) => {
            let (w, h) = s
                .split_once('x')
                .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
                .ok_or_else(|| ApiError::bad(format!("size={s:?}: give WIDTHxHEIGHT in pixels")))?;
            frontier::render::check_size((w, h))?;
            (w, h)
        }
    };
    let mode = match q.get("mode")? {
        None | Some("points") => None,
        Some(m) => Some(Mode::from_name(m).map_err(|e| ApiError::bad(format!("mode: {e}")))?),
    };
    let mut with = Vec::new();
    for k in q.all("with") {
        let other = app.dataset_named(k)?;
        if other.id == d.id
            || with
                .iter()
                .any(|(o, _): &(&Dataset, Filter)| o.id == other.id)
        {
            return Err(ApiError::bad(format!(
                "with={k}: give each other layer once, and not the dataset ds itself"
            )));
        }
        with.push((other, f.for_layer(q, other)?));
    }
    Ok(View {
        bbox,
        title: q.get("title")?.map(str::to_string),
        size,
        mode,
        color: d.color_by(q.get("color")?)?,
        size_by: d.size_by(q.get("size_by")?)?,
        with,
    })
}

/// What the view's filters say, for the map's subtitle.
fn describe(d: &Dataset, f: &Filter) -> String {
    let mut parts = Vec::new();
    match (f.from, f.to) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}")),
        (Some(a), None) => parts.push(format!("from {a}")),
        (None, Some(b)) => parts.push(format!("to {b}")),
        _ => {}
    }
    for (k, keep) in &f.columns {
        let c = &d.categories[*k];
        let on: Vec<&str> = c
            .labels
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| l.as_str())
            .collect();
        parts.push(format!("{}: {}", c.name, on.join(", ")));
    }
    if let Some(m) = f.within_m {
        parts.push(format!("within {} km of the Durand Line", m / 1000.0));
    }
    if let Some(s) = f.split {
        parts.push(format!("split at {s}"));
    }
    parts.join("; ")
}

fn source_of(d: &Dataset) -> String {
    if d.synthetic {
        "synthetic data".to_string()
    } else {
        d.origin.clone()
    }
}

fn map_spec(d: &Dataset, f: &Filter, v: &View) -> Result<MapSpec, ApiError> {
    let mut sources = vec![source_of(d)];
    sources.extend(v.with.iter().map(|(o, _)| source_of(o)));
    sources.dedup();
    let mut spec = MapSpec::default();
    spec.size = v.size;
    spec.extent = Extent::BBox(v.bbox);
    spec.title = v.title.clone().or_else(|| Some(d.name.clone()));
    spec.subtitle = Some(describe(d, f)).filter(|s| !s.is_empty());
    spec.labels = Labels::Cities;
    spec.sources = sources;
    match v.mode {
        None => {
            let durand = f.within_m.map(|_| d.durand_m());
            let cats = v.color.map(|c| &d.categories[c]);
            let points = (0..d.len())
                .filter(|&i| f.keeps(d, i, durand))
                .map(|i| PointDatum {
                    at: d.figures[i].at,
                    category: cats.map(|c| c.labels[c.codes[i] as usize].clone()),
                    size: v.size_by.map(|n| d.size_of(n, i)).filter(|x| x.is_finite()),
                })
                .collect();
            let mut layer = PointsLayer::default();
            layer.points = points;
            layer.color_by = cats.map(|c| c.name.clone());
            layer.size_by = v.size_by.map(|n| n.numbers().name.clone());
            spec.points = Some(layer);
        }
        Some(mode) => {
            let s = shades(d, f, mode)?;
            let layer = frontier::Catalogue::shared("districts")?.clone();
            let mut ch = Choropleth::new(layer, s.values, s.title);
            ch.classes = CLASSES;
            ch.method = METHOD;
            ch.palette = PALETTE.into();
            ch.breaks = (!s.breaks.is_empty()).then_some(s.breaks);
            ch.categories = s.categories;
            spec.choropleth = Some(ch);
        }
    }
    // The other point layers shown, each in its own colour.
    for (o, of) in &v.with {
        let durand = of.within_m.map(|_| o.durand_m());
        let points: Vec<geo::Point> = (0..o.len())
            .filter(|&i| of.keeps(o, i, durand))
            .map(|i| geo::Point(o.figures[i].at))
            .collect();
        let layer = Layer {
            name: o.name.clone(),
            source: o.origin.clone(),
            attribution: String::new(),
            licence: String::new(),
            features: vec![Feature::new(
                geo::Geometry::MultiPoint(geo::MultiPoint(points)),
                serde_json::Map::new(),
            )],
        };
        let style = Style {
            color: layer_colour(o.id),
            width: 2.5,
            fill: None,
            dashed: false,
        };
        spec.layers.push((layer, style));
    }
    Ok(spec)
}

/// The one colour of dataset `id`'s points.
fn layer_colour(id: usize) -> u32 {
    LAYER_COLOURS[id % LAYER_COLOURS.len()]
}

/// A download: its bytes, type and file name.
pub struct Download {
    /// The bytes.
    pub body: Vec<u8>,
    /// Content type.
    pub content_type: &'static str,
    /// The file name offered.
    pub filename: String,
}

/// `/api/export/map.{png,svg,pdf}?ds&bbox&mode&color&size_by&with&title&size&filters`:
/// the view through the render engine.
pub fn map(app: &App, q: &Query, format: Format) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let v = view(app, q, d, &f)?;
    q.finish()?;
    let spec = map_spec(d, &f, &v)?;
    let body = frontier::render::render_to(&spec, format)?;
    let (content_type, ext) = match format {
        Format::Png => ("image/png", "png"),
        Format::Svg => ("image/svg+xml", "svg"),
        Format::Pdf => ("application/pdf", "pdf"),
    };
    Ok(Download {
        body,
        content_type,
        filename: format!("frontier-map.{ext}"),
    })
}

/// `/api/export/spec.toml?...`: the map file that `frontier render --spec`
/// draws the same map from, with the filtered points (or the summary) as
/// the files it names, downloaded beside it.
pub fn spec(app: &App, q: &Query) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let v = view(app, q, d, &f)?;
    q.finish()?;
    let b = v.bbox;
    let mut t = String::new();
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    t.push_str("# Drawn by `frontier serve`: the page's view, with its filters applied\n");
    t.push_str("# to the files named below (download them beside this file).\n");
    t.push_str("output = \"frontier-map.pdf\"\n");
    t.push_str(&format!(
        "extent = {}\n",
        quote(&format!("bbox:{},{},{},{}", b[0], b[1], b[2], b[3]))
    ));
    t.push_str(&format!("size = \"{}x{}\"\n", v.size.0, v.size.1));
    let title = v.title.clone().unwrap_or_else(|| d.name.clone());
    t.push_str(&format!("title = {}\n", quote(&title)));
    let sub = describe(d, &f);
    if !sub.is_empty() {
        t.push_str(&format!("subtitle = {}\n", quote(&sub)));
    }
    t.push_str("labels = \"cities\"\n");
    if d.synthetic || v.with.iter().any(|(o, _)| o.synthetic) {
        t.push_str("sources = [\"synthetic data\"]\n");
    }
    match v.mode {
        None => {
            t.push_str("\n[points]\nfile = \"frontier-points.csv\"\n");
            if let Some(c) = v.color {
                t.push_str(&format!("color_by = {}\n", quote(&d.categories[c].name)));
            }
            if let Some(n) = v.size_by {
                t.push_str(&format!("size_by = {}\n", quote(&n.numbers().name)));
            }
        }
        Some(m) => {
            let column = match m {
                Mode::Count => "count",
                Mode::Per100k => "per_100k",
                Mode::Before => "before_per_365d",
                Mode::After => "after_per_365d",
                Mode::Hotspots => "gi_class",
            };
            t.push_str(&format!(
                "\n[choropleth]\nfile = \"frontier-summary.csv\"\ncolumn = \"{column}\"\nclasses = {CLASSES}\nmethod = \"jenks\"\npalette = \"{PALETTE}\"\n"
            ));
        }
    }
    for (o, _) in &v.with {
        t.push_str(&format!(
            "\n# {}\n[[layers]]\nname = \"{}\"\ncolor = \"#{:06x}\"\nwidth = 2.5\n",
            o.name.replace('\n', " "),
            points_file(o, RowFormat::Geojson),
            layer_colour(o.id)
        ));
    }
    Ok(Download {
        body: t.into_bytes(),
        content_type: "application/toml",
        filename: "frontier-map.toml".into(),
    })
}

/// The name a dataset's rows are downloaded as (the analysed dataset's
/// CSV is `frontier-points.csv`; other layers' GeoJSON carries their
/// number).
fn points_file(d: &Dataset, format: RowFormat) -> String {
    match format {
        RowFormat::GeoParquet => "frontier-points.parquet".into(),
        RowFormat::Geojson => format!("frontier-points-{}.geojson", d.id),
        _ => "frontier-points.csv".into(),
    }
}

/// `/api/export/points.{csv,parquet,geojson}?ds&filters`: the rows shown, as read,
/// through the library's writers.
pub fn points(app: &App, q: &Query, format: RowFormat) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    q.finish()?;
    let s = &d.schema;
    let columns: Vec<Column> = s
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Column {
            geometry_only: s.synthetic_coords && (i == s.lat || i == s.lon),
            ..Column::text(c.clone())
        })
        .collect();
    let io = |e: std::io::Error| ApiError::bad(format!("writing the rows: {e}"));
    let mut w = RowWriter::new(Vec::new(), format, columns).map_err(io)?;
    let durand = f.within_m.map(|_| d.durand_m());
    for i in (0..d.len()).filter(|&i| f.keeps(d, i, durand)) {
        let fields = Fields::Json(
            d.row_text(i)
                .into_iter()
                .map(|(_, v)| Value::String(v))
                .collect(),
        );
        w.row(&fields, &[], d.figures[i].at).map_err(io)?;
    }
    let body = w.finish().map_err(io)?;
    let content_type = match format {
        RowFormat::GeoParquet => "application/vnd.apache.parquet",
        RowFormat::Geojson => "application/geo+json",
        _ => "text/csv; charset=utf-8",
    };
    Ok(Download {
        body,
        content_type,
        filename: points_file(d, format),
    })
}

/// `/api/export/summary.csv?ds&filters[&mode=hotspots]`: the `summarize`
/// table of the view (or the `hotspots` table), the file a choropleth
/// map file names.
pub fn summary_csv(app: &App, q: &Query) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let mode = q.named::<Mode>("mode")?;
    q.finish()?;
    let s = summary_of(d, &f, Grouping::Districts)?;
    let mut body = Vec::new();
    let csv = frontier::output::TableFormat::Csv;
    let written = if mode == Some(Mode::Hotspots) {
        let h =
            frontier::hotspots::hotspots_of_summary(s, Grouping::Districts, f.hotspot_options()?)?;
        let (cols, rows) = h.table();
        frontier::output::write_table_exact(&mut body, csv, &cols, &rows)
    } else {
        let (cols, rows) = s.table();
        frontier::output::write_table(&mut body, csv, &cols, &rows)
    };
    written.map_err(|e| ApiError::bad(format!("writing the table: {e}")))?;
    Ok(Download {
        body,
        content_type: "text/csv; charset=utf-8",
        filename: "frontier-summary.csv".into(),
    })
}
