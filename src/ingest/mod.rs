//! Point records: incidents, events, refugee settlements, read from CSV
//! (plain, ACLED or UCDP GED exports) or GeoJSON, one reader per format.
//!
//! Every row ends up as a [`Record`] (carried to the output) or a [`Reject`]
//! (with the file line, the column and the reason); with
//! [`ReadOptions::skip_invalid`] off, the first bad row is an error instead.

mod csv_points;
pub mod dates;
mod geojson_points;

use crate::error::{Error, Result};
use geo::Coord;
use serde_json::Value;

pub use dates::parse_date;

/// Which kind of export a file is, recognised from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Any CSV with coordinate columns.
    Plain,
    /// ACLED export (event_id_cnty, event_date, ..., geo_precision, fatalities).
    Acled,
    /// UCDP Georeferenced Event Dataset (id, date_start, ..., where_prec, best).
    Ucdp,
    /// GeoJSON FeatureCollection of points.
    GeoJson,
}

impl Dialect {
    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Plain => "plain CSV",
            Dialect::Acled => "ACLED",
            Dialect::Ucdp => "UCDP GED",
            Dialect::GeoJson => "GeoJSON",
        }
    }
}

/// The columns of a point file and the roles frontier understands.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Every column, in file order; all are carried to the output.
    pub columns: Vec<String>,
    /// What kind of file this is.
    pub dialect: Dialect,
    /// Index of the latitude column.
    pub lat: usize,
    /// Index of the longitude column.
    pub lon: usize,
    /// Index of the event date column (ACLED `event_date`, UCDP `date_start`, or `date`).
    pub date: Option<usize>,
    /// Index of the location precision column (ACLED `geo_precision`, UCDP `where_prec`).
    pub precision: Option<usize>,
    /// Index of the fatalities column (ACLED `fatalities`, UCDP `best`).
    pub fatalities: Option<usize>,
    /// True when the coordinate columns were made by frontier (GeoJSON input).
    pub synthetic_coords: bool,
}

impl Schema {
    /// The index of a column by name (exact first, then case-insensitive).
    pub fn find(&self, name: &str) -> Option<usize> {
        find_column(&self.columns, name)
    }
}

/// Index of `name` among `columns`: exact match first, then
/// case-insensitive, ignoring surrounding spaces.
pub fn find_column(columns: &[String], name: &str) -> Option<usize> {
    columns.iter().position(|c| c == name).or_else(|| {
        columns
            .iter()
            .position(|c| c.trim().eq_ignore_ascii_case(name.trim()))
    })
}

/// The values of a row, in schema order: CSV fields as read (one
/// allocation for the whole row), or GeoJSON properties as JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// A CSV record.
    Text(csv::StringRecord),
    /// GeoJSON property values (and the coordinates frontier added).
    Json(Vec<Value>),
}

impl Fields {
    /// Field `i` as text (empty when missing or null; other JSON values as JSON).
    pub fn text(&self, i: usize) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Fields::Text(r) => Cow::Borrowed(r.get(i).unwrap_or("")),
            Fields::Json(v) => match v.get(i) {
                None | Some(Value::Null) => Cow::Borrowed(""),
                Some(Value::String(s)) => Cow::Borrowed(s),
                Some(other) => Cow::Owned(other.to_string()),
            },
        }
    }

    /// Field `i` as a JSON value (CSV fields are strings).
    pub fn value(&self, i: usize) -> Value {
        match self {
            Fields::Text(r) => Value::String(r.get(i).unwrap_or("").to_string()),
            Fields::Json(v) => v.get(i).cloned().unwrap_or(Value::Null),
        }
    }

    /// Number of fields present.
    pub fn len(&self) -> usize {
        match self {
            Fields::Text(r) => r.len(),
            Fields::Json(v) => v.len(),
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A readable point: where it came from, its values and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line of the file where the record starts (GeoJSON: feature index + 1).
    pub line: u64,
    /// Every column's value, in schema order.
    pub fields: Fields,
    /// Longitude (`x`) and latitude (`y`), degrees.
    pub coord: Coord,
}

/// A row that could not be used, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The column at fault.
    pub column: String,
    /// What is wrong.
    pub reason: String,
    /// The row's values as read.
    pub fields: Fields,
}

/// One row, readable or not.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A usable point.
    Record(Record),
    /// An unusable row.
    Reject(Reject),
}

/// How to read a point file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Latitude column name (otherwise found by name).
    pub lat: Option<String>,
    /// Longitude column name (otherwise found by name).
    pub lon: Option<String>,
    /// Keep going past bad rows (they become [`Row::Reject`]); otherwise the
    /// first bad row is an [`Error::Row`].
    pub skip_invalid: bool,
    /// Also require a readable date in the date column.
    pub require_date: bool,
}

/// A stream of rows from a point file.
pub struct PointSource {
    origin: String,
    schema: Schema,
    opts: ReadOptions,
    inner: Inner,
    /// Bytes of input consumed so far (for progress), where known.
    len: Option<u64>,
}

/// A row as a reader yields it: line, values, and the position or
/// (column, reason) why there is none.
type RawRow = (u64, Fields, std::result::Result<Coord, (String, String)>);

enum Inner {
    Csv(csv_points::CsvRows),
    Features(std::vec::IntoIter<RawRow>),
}

/// Check a latitude/longitude pair as text; the error is (column, reason).
pub fn parse_coord(
    lat_col: &str,
    lat: &str,
    lon_col: &str,
    lon: &str,
) -> std::result::Result<Coord, (String, String)> {
    let one = |col: &str, text: &str, limit: f64, what: &str| {
        let t = text.trim();
        if t.is_empty() {
            return Err((col.to_string(), format!("empty {what}")));
        }
        let v: f64 = t
            .parse()
            .map_err(|_| (col.to_string(), format!("{what} is not a number: {t:?}")))?;
        if !v.is_finite() {
            return Err((
                col.to_string(),
                format!("{what} is not a finite number: {t:?}"),
            ));
        }
        if v.abs() > limit {
            return Err((
                col.to_string(),
                format!("{what} {t} is out of range (must be within ±{limit})"),
            ));
        }
        Ok(v)
    };
    let y = one(lat_col, lat, 90.0, "latitude")?;
    let x = one(lon_col, lon, 180.0, "longitude")?;
    Ok(Coord { x, y })
}

impl PointSource {
    /// Open `path` (`-` for standard input). GeoJSON is recognised by the
    /// `.geojson`/`.json` extension or by a leading `{`; anything else is CSV.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<PointSource> {
        let origin = if path == "-" {
            "<stdin>".to_string()
        } else {
            path.to_string()
        };
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".geojson") || lower.ends_with(".json") {
            let text = if path == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                    .map_err(|e| Error::io("<stdin>", e))?;
                s
            } else {
                std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
            };
            let len = Some(text.len() as u64);
            let (schema, rows) = geojson_points::read(&origin, &text)?;
            return Ok(PointSource {
                origin,
                schema,
                opts: opts.clone(),
                inner: Inner::Features(rows.into_iter()),
                len,
            });
        }
        let (rows, columns, len) = csv_points::CsvRows::open(path, &origin)?;
        let schema = csv_points::schema(&origin, columns, opts)?;
        Ok(PointSource {
            origin,
            schema,
            opts: opts.clone(),
            inner: Inner::Csv(rows),
            len,
        })
    }

    /// The file's columns and their roles.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The name used in messages (`<stdin>` for standard input).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Total input size in bytes, where known.
    pub fn len_bytes(&self) -> Option<u64> {
        self.len
    }

    /// Bytes consumed so far (CSV only; 0 otherwise).
    pub fn position_bytes(&self) -> u64 {
        match &self.inner {
            Inner::Csv(r) => r.position(),
            Inner::Features(_) => 0,
        }
    }

    /// The next row; `None` at the end. In strict mode a bad row is an
    /// `Err` naming file, line and column.
    pub fn next_row(&mut self) -> Option<Result<Row>> {
        let (line, fields, coord) = match &mut self.inner {
            Inner::Csv(r) => match r.next(&self.schema)? {
                Ok(x) => x,
                Err(e) => return Some(Err(e)),
            },
            Inner::Features(it) => it.next()?,
        };
        let mut coord = coord;
        if coord.is_ok() && self.opts.require_date {
            match self.schema.date {
                None => {
                    return Some(Err(Error::GeoJson {
                        origin: self.origin.clone(),
                        message: "no date column (event_date, date_start or date)".into(),
                    }));
                }
                Some(d) => {
                    let text = fields.text(d);
                    if parse_date(&text).is_none() {
                        coord = Err((
                            self.schema.columns[d].clone(),
                            format!(
                                "not a date: {text:?} (expected e.g. 2021-08-15 or 15 August 2021)"
                            ),
                        ));
                    }
                }
            }
        }
        Some(match coord {
            Ok(coord) => Ok(Row::Record(Record {
                line,
                fields,
                coord,
            })),
            Err((column, reason)) if self.opts.skip_invalid => Ok(Row::Reject(Reject {
                line,
                column,
                reason,
                fields,
            })),
            Err((column, message)) => Err(Error::Row {
                origin: self.origin.clone(),
                line,
                column,
                message,
            }),
        })
    }

    /// Read up to `n` rows into `out`; false when the input is exhausted.
    pub fn read_chunk(&mut self, n: usize, out: &mut Vec<Row>) -> Result<bool> {
        out.clear();
        while out.len() < n {
            match self.next_row() {
                None => return Ok(false),
                Some(r) => out.push(r?),
            }
        }
        Ok(true)
    }
}

/// A value as plain text: strings without quotes, null as empty.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
