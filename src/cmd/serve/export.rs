//! What the page shades and exports: the district choropleth (classes
//! and colours by the render engine's own classification), the current
//! view as a print map (PNG, SVG, PDF) and as the map file that draws it
//! again, and the filtered rows (CSV, GeoParquet). Everything goes back
//! to the browser; the server writes no file.

use super::api::summary_of;
use super::app::App;
use super::filter::Filter;
use super::query::{ApiError, Query};
use super::state::Dataset;
use frontier::Named;
use frontier::output::{Column, Format as RowFormat, RowWriter};
use frontier::render::classify::{self, Method};
use frontier::render::{
    Choropleth, Extent, Format, HOTSPOT_CLASSES, Labels, MapSpec, PointDatum, PointsLayer,
};
use frontier::row::Fields;
use frontier::summary::Grouping;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What a choropleth shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Points per district.
    Count,
    /// Points per 100,000 people (Census 2023).
    Per100k,
    /// Points per 365 days before the split.
    Before,
    /// Points per 365 days on and after the split.
    After,
    /// Getis–Ord Gi* class (after the split, with one).
    Hotspots,
}

impl Named for Mode {
    const ALL: &'static [(&'static str, Mode)] = &[
        ("count", Mode::Count),
        ("per_100k", Mode::Per100k),
        ("before", Mode::Before),
        ("after", Mode::After),
        ("hotspots", Mode::Hotspots),
    ];
}

/// Number of classes of the numeric choropleths.
const CLASSES: usize = 5;
/// How their breaks are chosen: counts per district are skewed, with many
/// zeros, which quantiles would fold into fewer classes.
const METHOD: Method = Method::Jenks;
/// Their palette (ColorBrewer YlOrRd, colour-blind safe).
const PALETTE: &str = "ylorrd";

/// District → value (numbers, or a class's index for hot spots), the
/// legend title, and the hot-spot classes when that is the mode.
struct Shades {
    values: BTreeMap<String, Option<f64>>,
    title: String,
    breaks: Vec<f64>,
    categories: Option<Vec<(String, u32)>>,
}

fn shades(d: &Dataset, f: &Filter, mode: Mode) -> Result<Shades, ApiError> {
    if matches!(mode, Mode::Before | Mode::After) && f.split.is_none() {
        return Err(ApiError::bad(
            "mode=before/after needs split (e.g. split=2021-08-15)",
        ));
    }
    let s = summary_of(d, f, Grouping::Districts)?;
    let inside = s.groups.len().saturating_sub(1);
    if mode == Mode::Hotspots {
        let opts = frontier::hotspots::Options {
            window: f.window()?,
            ..Default::default()
        };
        let h = frontier::hotspots::hotspots_of_summary(s, Grouping::Districts, opts)?;
        let a = match (&h.whole, &h.split) {
            (Some(w), _) => w,
            (_, Some((_, _, after))) => after,
            _ => return Err(ApiError::bad("no hot-spot analysis")),
        };
        let values = h
            .areas
            .iter()
            .zip(&a.classes)
            .map(|(area, c)| {
                let k = HOTSPOT_CLASSES.iter().position(|(n, _)| n == c);
                (area.name.clone(), k.map(|k| k as f64))
            })
            .collect();
        let title = if f.split.is_some() {
            "Hot and cold spots from the split (Gi*)"
        } else {
            "Hot and cold spots (Gi*)"
        };
        return Ok(Shades {
            values,
            title: title.into(),
            breaks: Vec::new(),
            categories: Some(
                HOTSPOT_CLASSES
                    .iter()
                    .map(|(n, c)| (n.to_string(), *c))
                    .collect(),
            ),
        });
    }
    let value = |g: &frontier::summary::Group, t: &frontier::summary::Tally| match mode {
        Mode::Count => Some(t.count as f64),
        Mode::Per100k => g.per_100k(t.count as f64),
        Mode::Before => s.per_365d(t).and_then(|(b, _)| b),
        Mode::After => s.per_365d(t).and_then(|(_, a)| a),
        Mode::Hotspots => None,
    };
    let values: BTreeMap<String, Option<f64>> = s.groups[..inside]
        .iter()
        .map(|(g, t)| (g.name.clone(), value(g, t)))
        .collect();
    // Before and after share their classes, so the two maps compare.
    let pool: Vec<f64> = if matches!(mode, Mode::Before | Mode::After) {
        s.groups[..inside]
            .iter()
            .flat_map(|(_, t)| {
                let (b, a) = s.per_365d(t).unwrap_or((None, None));
                [b, a]
            })
            .flatten()
            .collect()
    } else {
        values.values().flatten().copied().collect()
    };
    let title = match mode {
        Mode::Count => "Events".to_string(),
        Mode::Per100k => "Events per 100,000 people".to_string(),
        _ => "Events per 365 days (before and after: the same classes)".to_string(),
    };
    Ok(Shades {
        values,
        title,
        breaks: classify::breaks(&pool, CLASSES, METHOD),
        categories: None,
    })
}

fn hex(c: u32) -> String {
    format!("#{c:06x}")
}

/// `/api/choropleth?ds&mode&filters`: each district's value and class,
/// with the classes' breaks, colours and labels as the print map draws
/// them.
pub fn choropleth(app: &App, q: &Query) -> Result<Value, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let mode = q.named::<Mode>("mode")?.unwrap_or(Mode::Count);
    q.finish()?;
    let s = shades(d, &f, mode)?;
    let (classes, class_of): (Vec<Value>, Box<dyn Fn(f64) -> usize>) = match &s.categories {
        Some(cats) => (
            cats.iter()
                .map(|(n, c)| json!({"label": n, "colour": hex(*c)}))
                .collect(),
            Box::new(|v: f64| v as usize),
        ),
        None => {
            let k = s.breaks.len().saturating_sub(1).max(1);
            let colours = classify::ramp(classify::palette(PALETTE)?, k);
            let b = s.breaks.clone();
            (
                (0..k)
                    .map(|i| {
                        let lo = b.get(i).copied().unwrap_or(0.0);
                        let hi = b.get(i + 1).copied().unwrap_or(lo);
                        json!({
                            "label": format!("{} – {}", classify::human(lo, false), classify::human(hi, false)),
                            "low": lo, "high": hi, "colour": hex(colours[i]),
                        })
                    })
                    .collect(),
                Box::new(move |v: f64| classify::class_of(v, &b)),
            )
        }
    };
    let districts: serde_json::Map<String, Value> = s
        .values
        .iter()
        .map(|(n, v)| (n.clone(), json!({"value": v, "class": v.map(&class_of)})))
        .collect();
    Ok(json!({
        "dataset": d.id,
        "mode": mode.name(),
        "title": s.title,
        "classes": classes,
        "no_data": "#d9d9d9",
        "districts": districts,
    }))
}

/// The view a map export draws.
struct View {
    bbox: [f64; 4],
    title: Option<String>,
    size: (u32, u32),
    mode: Option<Mode>,
    color: Option<usize>,
}

fn view(q: &Query, d: &Dataset) -> Result<View, ApiError> {
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
    let color = match q.get("color")? {
        None | Some("") => None,
        Some(c) => Some(
            d.categories
                .iter()
                .position(|x| x.name == c)
                .ok_or_else(|| {
                    ApiError::bad(format!(
                        "color={c:?}: no text column of {} by that name",
                        d.name
                    ))
                })?,
        ),
    };
    Ok(View {
        bbox,
        title: q.get("title")?.map(str::to_string),
        size,
        mode,
        color,
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

fn map_spec(d: &Dataset, f: &Filter, v: &View) -> Result<MapSpec, ApiError> {
    let mut spec = MapSpec {
        size: v.size,
        extent: Extent::BBox(v.bbox),
        title: v.title.clone().or_else(|| Some(d.name.clone())),
        subtitle: Some(describe(d, f)).filter(|s| !s.is_empty()),
        labels: Labels::Cities,
        sources: vec![if d.synthetic {
            "synthetic data".to_string()
        } else {
            d.origin.clone()
        }],
        ..Default::default()
    };
    match v.mode {
        None => {
            let durand = f.within_m.map(|_| d.durand_m());
            let cats = v.color.map(|c| &d.categories[c]);
            let points = (0..d.len())
                .filter(|&i| f.keeps(d, i, durand))
                .map(|i| PointDatum {
                    at: d.figures[i].at,
                    category: cats.map(|c| c.labels[c.codes[i] as usize].clone()),
                    size: d.value.as_ref().map(|_| d.figures[i].value),
                })
                .collect();
            spec.points = Some(PointsLayer {
                points,
                color_by: cats.map(|c| c.name.clone()),
                size_by: d.value.clone(),
            });
        }
        Some(mode) => {
            let s = shades(d, f, mode)?;
            spec.choropleth = Some(Choropleth {
                layer: frontier::Catalogue::shared("districts")?.clone(),
                values: s.values,
                title: s.title,
                classes: CLASSES,
                method: METHOD,
                palette: PALETTE.into(),
                percent: false,
                breaks: (!s.breaks.is_empty()).then_some(s.breaks),
                categories: s.categories,
            });
        }
    }
    Ok(spec)
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

/// `/api/export/map.{png,svg,pdf}?ds&bbox&mode&color&title&size&filters`:
/// the view through the render engine.
pub fn map(app: &App, q: &Query, format: Format) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let v = view(q, d)?;
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
    let v = view(q, d)?;
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
    if d.synthetic {
        t.push_str("sources = [\"synthetic data\"]\n");
    }
    match v.mode {
        None => {
            t.push_str("\n[points]\nfile = \"frontier-points.csv\"\n");
            if let Some(c) = v.color {
                t.push_str(&format!("color_by = {}\n", quote(&d.categories[c].name)));
            }
            if let Some(val) = &d.value {
                t.push_str(&format!("size_by = {}\n", quote(val)));
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
    Ok(Download {
        body: t.into_bytes(),
        content_type: "application/toml",
        filename: "frontier-map.toml".into(),
    })
}

/// `/api/export/points.{csv,parquet}?ds&filters`: the rows shown, as read,
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
    let (content_type, ext) = match format {
        RowFormat::GeoParquet => ("application/vnd.apache.parquet", "parquet"),
        _ => ("text/csv; charset=utf-8", "csv"),
    };
    Ok(Download {
        body,
        content_type,
        filename: format!("frontier-points.{ext}"),
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
        let opts = frontier::hotspots::Options {
            window: f.window()?,
            ..Default::default()
        };
        let h = frontier::hotspots::hotspots_of_summary(s, Grouping::Districts, opts)?;
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
