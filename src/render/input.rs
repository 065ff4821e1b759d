//! What a map reads: points from a point file (coloured and sized by
//! columns) and a summary table for a choropleth.

use super::categories::{self, Scheme};
use super::classify::Method;
use super::{Choropleth, PointDatum, PointsLayer, Style};
use crate::error::{Error, Param, Result};
use crate::ingest::{PointSource, Row, named_column};
use crate::layer::{Catalogue, Layer};
use std::collections::BTreeMap;

/// Points read for a map, and what was left out or odd.
#[derive(Debug, Clone)]
pub struct PointsRead {
    /// The points.
    pub points: Vec<PointDatum>,
    /// The credit for the map's source line: `synthetic data (frontier
    /// synth)` when every row says so in a `source` column, else `Data:
    /// FILE`.
    pub credit: String,
    /// Unreadable rows (when the source skips invalid rows) left off.
    pub rejected: u64,
    /// Points whose size value is empty, not finite or negative (drawn at
    /// the smallest size).
    pub odd_sizes: u64,
}

impl PointsLayer {
    /// A layer of `points` whose legends show the columns `color_by` and
    /// `size_by` (no legend for one not given), titled `color_title` and
    /// `size_title` where given, else by the columns' names (as `render
    /// --color-title` and a map file's `color_title` do).
    pub fn titled(
        points: Vec<PointDatum>,
        color_by: Option<&str>,
        color_title: Option<String>,
        size_by: Option<&str>,
        size_title: Option<String>,
    ) -> PointsLayer {
        let title = |column: Option<&str>, given: Option<String>| {
            column.map(|c| given.unwrap_or_else(|| c.to_string()))
        };
        PointsLayer {
            points,
            color_by: title(color_by, color_title),
            size_by: title(size_by, size_title),
        }
    }

    /// Read every point of `src`, its category from column `color_by` and
    /// its size from `size_by` (a number; empty is no size).
    pub fn read(
        src: &mut PointSource,
        color_by: Option<&str>,
        size_by: Option<&str>,
    ) -> Result<PointsRead> {
        let schema = src.schema().clone();
        let origin = src.origin().to_string();
        let ci = named_column(&origin, &schema.columns, color_by, Param::ColorBy)?;
        let si = named_column(&origin, &schema.columns, size_by, Param::SizeBy)?;
        let source_col = schema.find("source");
        let mut all_synthetic = source_col.is_some();
        let (mut points, mut rejected, mut odd_sizes) = (Vec::new(), 0u64, 0u64);
        while let Some(row) = src.next_row() {
            match row? {
                Row::Reject(_) => rejected += 1,
                Row::Record(r) => {
                    if let Some(s) = source_col {
                        all_synthetic &= r.fields.text(s) == "synthetic";
                    }
                    let size = match si {
                        None => None,
                        Some(i) => {
                            let t = r.fields.text(i);
                            if t.trim().is_empty() {
                                None
                            } else {
                                Some(t.trim().parse::<f64>().map_err(|_| Error::Row {
                                    origin: origin.clone(),
                                    line: r.line,
                                    column: schema.columns[i].clone(),
                                    message: format!("not a number: {t:?}"),
                                })?)
                            }
                        }
                    };
                    if si.is_some() && !size.is_some_and(|v| v.is_finite() && v >= 0.0) {
                        odd_sizes += 1;
                    }
                    points.push(PointDatum {
                        at: r.coord,
                        category: ci.map(|i| r.fields.text(i).into_owned()),
                        size,
                    });
                }
            }
        }
        let name = std::path::Path::new(&origin)
            .file_name()
            .map_or(origin.clone(), |n| n.to_string_lossy().into_owned());
        let credit = if all_synthetic && !points.is_empty() {
            "synthetic data (frontier synth)".to_string()
        } else {
            format!("Data: {name}")
        };
        Ok(PointsRead {
            points,
            credit,
            rejected,
            odd_sizes,
        })
    }
}

/// Where a choropleth's value was read, for messages.
#[derive(Debug, Clone, Copy)]
enum At {
    /// A line of a table.
    Line(u64),
    /// A feature of a GeoJSON file (from 0).
    Feature(usize),
}

/// A choropleth's cell as read: the feature's name, where, and the text.
type Cell = (String, At, String);

/// The legend's title of categories: the hot-spot classes' (`gi_class`,
/// `gi_class_before`, ...) and emerging categories' own, or the column's
/// name.
fn legend_title(column: &str, scheme: Option<Scheme>) -> String {
    match scheme {
        Some(s) if s == categories::HOTSPOTS => {
            let when = column
                .strip_prefix("gi_class")
                .unwrap_or("")
                .replace('_', " ");
            format!("Hot and cold spots{when} (Gi*, FDR)")
        }
        Some(s) => s.title.to_string(),
        None => column.replace('_', " "),
    }
}

/// How a choropleth's column is read.
#[derive(Debug, Clone, Copy)]
enum Reading<'a> {
    /// Numbers are classed; a column with any text is categories.
    Auto,
    /// Categories, numbers too (codes), the legend in this order first.
    Categories(&'a [String]),
}

impl Choropleth {
    /// A choropleth of `column` from a table that `frontier summarize` or
    /// `frontier hotspots` wrote (its first column `district` or
    /// `province`), or from a GeoJSON file of polygons with `column` among
    /// their properties (such as the hexagons `frontier hotspots --by
    /// hex:KM --geojson FILE` writes), read from `input` (`origin` names it
    /// in messages; a GeoJSON file is known by its first character, `{`).
    /// Empty, NaN and infinite values are no data; the number of them is
    /// returned beside.
    pub fn read(
        input: impl std::io::Read,
        origin: &str,
        column: &str,
        classes: usize,
        method: Method,
        palette: &str,
    ) -> Result<(Choropleth, usize)> {
        let (ch, no_data) = Choropleth::read_as(input, origin, column, Reading::Auto)?;
        let ch = Choropleth {
            classes,
            method,
            palette: palette.to_string(),
            ..ch
        };
        ch.validate()?;
        Ok((ch, no_data))
    }

    /// A choropleth of categories: as [`Choropleth::read`], but every
    /// value of `column` is a category's name, numbers too (codes), each
    /// drawn in a colour of its own ([`categories::classes`]: the
    /// hot-spot classes and emerging hot-spot categories in their own
    /// colours and order, other names in `order` then alphabetically).
    ///
    /// # Examples
    /// ```
    /// use frontier::render::{Choropleth, MapSpec, render};
    ///
    /// let table = "district,category\nPeshawar,new hot spot\nQuetta,no pattern\n";
    /// let (ch, _) = Choropleth::read_categories(table.as_bytes(), "e.csv", "category", &[])?;
    /// let legend = ch.categories.clone().unwrap();
    /// assert_eq!(legend[0].0, "new hot spot");
    /// assert_eq!(legend[1], ("no pattern".to_string(), 0xeeeeee));
    /// let mut spec = MapSpec::default();
    /// spec.size = (400, 300);
    /// spec.choropleth = Some(ch);
    /// let map = render(&spec)?;
    /// assert_eq!(map.pixmap.width(), 400);
    /// # Ok::<(), frontier::Error>(())
    /// ```
    pub fn read_categories(
        input: impl std::io::Read,
        origin: &str,
        column: &str,
        order: &[String],
    ) -> Result<(Choropleth, usize)> {
        Choropleth::read_as(input, origin, column, Reading::Categories(order))
    }

    /// Read the cells of `column` from a table or GeoJSON file, as
    /// `reading` says.
    fn read_as(
        mut input: impl std::io::Read,
        origin: &str,
        column: &str,
        reading: Reading,
    ) -> Result<(Choropleth, usize)> {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(origin, e))?;
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        let first = text.iter().find(|b| !b.is_ascii_whitespace());
        let (layer, cells) = if first == Some(&b'{') {
            geojson_cells(text, origin, column)?
        } else {
            table_cells(&bytes, origin, column)?
        };
        Choropleth::of_cells(layer, cells, origin, column, reading)
    }

    /// The choropleth of the cells (feature name, where read, text), with
    /// the default classes; how many cells have no data.
    fn of_cells(
        layer: Layer,
        cells: Vec<Cell>,
        origin: &str,
        column: &str,
        reading: Reading,
    ) -> Result<(Choropleth, usize)> {
        // Categories when asked for, or when some cell is text that is not
        // a number ([`categories::classes`] colours and orders them).
        let is_text = |t: &str| !t.is_empty() && t.parse::<f64>().is_err();
        let order = match reading {
            Reading::Categories(order) => Some(order),
            Reading::Auto => cells.iter().any(|c| is_text(&c.2)).then_some(&[][..]),
        };
        let classed = order.map(|order| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for c in cells.iter().filter(|c| !c.2.is_empty()) {
                *counts.entry(c.2.clone()).or_default() += 1;
            }
            categories::classes(&counts, order)
        });
        let mut values = BTreeMap::new();
        let mut no_data = 0;
        for (name, at, t) in cells {
            let v = match &classed {
                _ if t.is_empty() => None,
                Some(c) => c.index.get(&t).map(|&i| i as f64),
                None => Some(t.parse::<f64>().map_err(|_| {
                    let message = format!("{column}: not a number: {t:?}");
                    match at {
                        At::Line(line) => Error::Row {
                            origin: origin.to_string(),
                            line,
                            column: column.to_string(),
                            message: format!("not a number: {t:?}"),
                        },
                        At::Feature(index) => Error::Feature {
                            origin: origin.to_string(),
                            index,
                            name: String::new(),
                            message,
                        },
                    }
                })?),
            };
            // NaN and infinity are no data, never a class.
            let v = v.filter(|x| x.is_finite());
            no_data += usize::from(v.is_none());
            values.insert(name, v);
        }
        Ok((
            Choropleth {
                layer,
                values,
                title: legend_title(column, classed.as_ref().and_then(|c| c.scheme)),
                classes: 5,
                method: Method::Quantile,
                palette: "ylorrd".into(),
                percent: column == "share" || column.ends_with("_share"),
                breaks: None,
                categories: classed.map(|c| c.legend),
            },
            no_data,
        ))
    }
}

/// The built-in layer a summary table's rows name, and each row's name,
/// line and `column` text.
fn table_cells(input: &[u8], origin: &str, column: &str) -> Result<(Layer, Vec<Cell>)> {
    let csv_err = |e| Error::Csv {
        origin: origin.to_string(),
        source: e,
    };
    let mut r = csv::Reader::from_reader(input);
    let headers = crate::ingest::csv_header(&mut r, origin)?;
    let layer_name = match headers.first().map(String::as_str) {
        Some("district") => "districts",
        Some("province") => "provinces",
        Some("hex") => {
            return Err(Error::Input {
                origin: origin.to_string(),
                message: "a table of hexagons (`frontier hotspots --by hex:KM`) does not hold their outlines: draw the GeoJSON of the cells that `hotspots --geojson FILE.geojson` writes beside it (render --choropleth FILE.geojson --column gi_class)".into(),
            });
        }
        other => {
            return Err(Error::Input {
                origin: origin.to_string(),
                message: format!(
                    "the first column must be district or province (from `frontier summarize` or `frontier hotspots`), not {:?}; or give a GeoJSON file of polygons",
                    other.unwrap_or_default()
                ),
            });
        }
    };
    let ci = headers
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| Error::MissingColumn {
            origin: origin.to_string(),
            param: Param::MapColumn,
            named: Some(column.to_string()),
            columns: headers.clone(),
        })?;
    let layer = Catalogue::shared(layer_name)?.clone();
    let mut cells = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(csv_err)?;
        let name = rec.get(0).unwrap_or("").to_string();
        if name == crate::summary::OUTSIDE {
            continue;
        }
        if layer.feature(&name).is_none() {
            return Err(Error::Input {
                origin: origin.to_string(),
                message: format!(
                    "{name:?} is not a {} of the built-in layer",
                    &layer_name[..layer_name.len() - 1]
                ),
            });
        }
        let line = rec.position().map_or(0, |p| p.line());
        cells.push((
            name,
            At::Line(line),
            rec.get(ci).unwrap_or("").trim().to_string(),
        ));
    }
    Ok((layer, cells))
}

/// A GeoJSON file's polygons, each keyed by its [`Layer::label`], and its
/// `column` property as text (absent or null: no data).
fn geojson_cells(input: &[u8], origin: &str, column: &str) -> Result<(Layer, Vec<Cell>)> {
    let text = std::str::from_utf8(input).map_err(|e| Error::Input {
        origin: origin.to_string(),
        message: format!("not UTF-8 text ({e})"),
    })?;
    let name = std::path::Path::new(origin)
        .file_stem()
        .map_or(origin.to_string(), |s| s.to_string_lossy().into_owned());
    let layer = Layer::from_geojson_str(&name, origin, text)?;
    layer.require_polygons()?;
    if !layer
        .features
        .iter()
        .any(|f| f.properties.contains_key(column))
    {
        let mut columns: Vec<String> = Vec::new();
        for f in &layer.features {
            for k in f.properties.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        return Err(Error::MissingColumn {
            origin: origin.to_string(),
            param: Param::MapColumn,
            named: Some(column.to_string()),
            columns,
        });
    }
    let mut cells = Vec::with_capacity(layer.features.len());
    let mut seen = std::collections::BTreeSet::new();
    for (i, f) in layer.features.iter().enumerate() {
        let key = layer.label(i);
        if !seen.insert(key.clone()) {
            return Err(Error::Feature {
                origin: origin.to_string(),
                index: i,
                name: format!(" ({key})"),
                message: "another feature has the same name: each area needs its own".into(),
            });
        }
        let value = f.property_text(column).unwrap_or_default();
        cells.push((key, At::Feature(i), value.trim().to_string()));
    }
    Ok((layer, cells))
}

/// A layer with its style, written `NAME[:STYLE]` (a built-in name or a
/// GeoJSON path, then `key=value` pairs, see [`Style::parse`]): what the
/// command line's `--layer` and the Python package's `layers=` take.
pub fn styled_layer(spec: &str) -> Result<(Layer, Style)> {
    let (name, style) = match spec.rsplit_once(':') {
        Some((n, s)) if s.contains('=') => (
            n,
            Style::parse(s).map_err(|message| Error::Input {
                origin: n.to_string(),
                message,
            })?,
        ),
        _ => (spec, Style::default()),
    };
    Ok((Catalogue::load(name)?, style))
}

/// The layer name in `NAME[:STYLE]` ([`styled_layer`]).
pub fn styled_layer_name(spec: &str) -> &str {
    match spec.rsplit_once(':') {
        Some((n, s)) if s.contains('=') => n,
        _ => spec,
    }
}
