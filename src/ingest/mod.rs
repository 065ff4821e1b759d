//! Point records: incidents, events, refugee settlements, read from CSV
//! (plain, ACLED or UCDP GED exports) or GeoJSON, one reader per format.
//!
//! Every row ends up as a [`Record`] (carried to the output) or a [`Reject`]
//! (with the file line, the column and the reason); with
//! [`ReadOptions::skip_invalid`] off, the first bad row is an error instead.

mod batch;
mod csv_points;
pub mod dates;
mod geojson_points;
mod header;
#[cfg(feature = "geoparquet")]
mod parquet_points;
mod pieces;
mod quoted;
pub(crate) use pieces::{Piece, RowParser};

/// The pipeline's piece-by-piece reading, for the fuzz targets only (the
/// `fuzzing` feature); not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use super::pieces::{Piece, RowParser};
    use super::{PointSource, Result};

    /// What turns pieces into rows.
    pub fn parser(src: &PointSource) -> RowParser {
        src.parser()
    }

    /// The next piece of input.
    pub fn next_piece(src: &mut PointSource) -> Result<Option<Piece>> {
        src.next_piece()
    }
}

use crate::error::{Error, Param, Result};
use geo::Coord;
use serde_json::Value;
use std::io::Read as _;

pub use batch::{Batch, Cell, Column};
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
    /// Parquet with latitude/longitude columns.
    Parquet,
    /// GeoParquet: Parquet with a point geometry column.
    GeoParquet,
}

impl Dialect {
    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Plain => "plain CSV",
            Dialect::Acled => "ACLED",
            Dialect::Ucdp => "UCDP GED",
            Dialect::GeoJson => "GeoJSON",
            Dialect::Parquet => "Parquet",
            Dialect::GeoParquet => "GeoParquet",
        }
    }

    /// Whether rows are numbered (Parquet) rather than lines.
    pub fn numbers_rows(self) -> bool {
        matches!(self, Dialect::Parquet | Dialect::GeoParquet)
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
    /// The header line as it came (CSV; without byte order mark and line
    /// end), for the rejects file.
    pub header_line: Option<String>,
    /// The field delimiter of a CSV input (`,` `;` tab or `|`).
    pub delimiter: u8,
}

impl Schema {
    /// The index of a column by name (exact first, then case-insensitive).
    pub fn find(&self, name: &str) -> Option<usize> {
        find_column(&self.columns, name)
    }
}

/// The header of a CSV reader as column names, a byte order mark left
/// out; `origin` names the file in errors.
pub fn csv_header<R: std::io::Read>(r: &mut csv::Reader<R>, origin: &str) -> Result<Vec<String>> {
    Ok(r.headers()
        .map_err(|e| Error::Csv {
            origin: origin.to_string(),
            source: e,
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// The column called `name`, if one is asked for ([`find_column`]); a
/// name that is not among `columns` is an [`Error::MissingColumn`] for
/// `param`, naming `origin`.
pub fn named_column(
    origin: &str,
    columns: &[String],
    name: Option<&str>,
    param: crate::error::Param,
) -> Result<Option<usize>> {
    let Some(n) = name else { return Ok(None) };
    match find_column(columns, n) {
        Some(i) => Ok(Some(i)),
        None => Err(Error::MissingColumn {
            origin: origin.to_string(),
            param,
            named: Some(n.to_string()),
            columns: columns.to_vec(),
        }),
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

/// The values of a row, in schema order: a CSV line split at its commas,
/// a CSV record as the csv crate parsed it, or GeoJSON properties as JSON
/// values.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// A CSV line without quotes: its text is shared with the other lines
    /// read with it, and goes to CSV output as it came.
    Line(Line),
    /// A CSV record (any record with quotes), and the record's text as it
    /// came where it was read from a file.
    Text(csv::StringRecord, Option<Line>),
    /// GeoJSON property values (and the coordinates frontier added).
    Json(Vec<Value>),
    /// An unreadable record's bytes as they came (a CSV record that is not
    /// UTF-8, a GeoJSON feature as JSON text): it has no fields.
    Raw(Vec<u8>),
}

/// CSV text read together (a batch of whole records).
#[derive(Debug)]
pub struct LineText {
    text: String,
    /// The field delimiter.
    delimiter: u8,
}

/// Where one line is in a [`LineText`], and how many fields it has.
#[derive(Debug, Clone)]
struct LineSpan {
    text: std::ops::Range<u32>,
    fields: u32,
}

/// One CSV line without quotes, split at its commas.
#[derive(Debug, Clone)]
pub struct Line {
    shared: std::sync::Arc<LineText>,
    span: LineSpan,
}

impl Line {
    /// The line as it was read (without its line end).
    pub fn as_str(&self) -> &str {
        &self.shared.text[self.span.text.start as usize..self.span.text.end as usize]
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.span.fields as usize
    }

    /// True when the line has no fields (never: a line has at least one).
    pub fn is_empty(&self) -> bool {
        self.span.fields == 0
    }

    /// Field `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        // The delimiter is ASCII, so its positions are character
        // boundaries.
        let s = self.as_str();
        let ends = memchr::memchr_iter(self.shared.delimiter, s.as_bytes()).chain([s.len()]);
        let mut start = 0;
        for (k, end) in ends.enumerate() {
            if k == i {
                return Some(&s[start..end]);
            }
            start = end + 1;
        }
        None
    }
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Fields {
    /// The row as CSV text, when it is a line that came without quotes
    /// (written out as it came, it is the same CSV as writing its fields).
    pub fn csv_line(&self) -> Option<&str> {
        match self {
            Fields::Line(l) if l.shared.delimiter == b',' => Some(l.as_str()),
            _ => None,
        }
    }

    /// The record's bytes as they came, where known (without line end).
    pub fn raw(&self) -> Option<&[u8]> {
        match self {
            Fields::Line(l) | Fields::Text(_, Some(l)) => Some(l.as_str().as_bytes()),
            Fields::Raw(b) => Some(b),
            Fields::Text(_, None) | Fields::Json(_) => None,
        }
    }

    /// Field `i` as text (empty when missing or null; other JSON values as JSON).
    pub fn text(&self, i: usize) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Fields::Line(l) => Cow::Borrowed(l.get(i).unwrap_or("")),
            Fields::Text(r, _) => Cow::Borrowed(r.get(i).unwrap_or("")),
            Fields::Raw(_) => Cow::Borrowed(""),
            Fields::Json(v) => match v.get(i) {
                None | Some(Value::Null) => Cow::Borrowed(""),
                Some(Value::String(s)) => Cow::Borrowed(s),
                Some(other) => Cow::Owned(other.to_string()),
            },
        }
    }

    /// Each field's text in order, as [`Fields::text`] gives them (a line
    /// is split once, not once per field).
    pub fn each_text(&self, mut f: impl FnMut(usize, &str)) {
        match self {
            Fields::Line(l) => l
                .as_str()
                .split(l.shared.delimiter as char)
                .enumerate()
                .for_each(|(i, t)| f(i, t)),
            Fields::Text(r, _) => r.iter().enumerate().for_each(|(i, t)| f(i, t)),
            Fields::Raw(_) => {}
            Fields::Json(v) => {
                for i in 0..v.len() {
                    f(i, &self.text(i));
                }
            }
        }
    }

    /// Field `i` as a JSON value (CSV fields are strings).
    pub fn value(&self, i: usize) -> Value {
        match self {
            Fields::Line(l) => Value::String(l.get(i).unwrap_or("").to_string()),
            Fields::Text(r, _) => Value::String(r.get(i).unwrap_or("").to_string()),
            Fields::Raw(_) => Value::Null,
            Fields::Json(v) => v.get(i).cloned().unwrap_or(Value::Null),
        }
    }

    /// Number of fields present.
    pub fn len(&self) -> usize {
        match self {
            Fields::Line(l) => l.len(),
            Fields::Text(r, _) => r.len(),
            Fields::Raw(_) => 0,
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
    /// The row as read ([`Fields::raw`] gives its bytes as they came).
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
    /// The CSV field delimiter; otherwise found from the header line
    /// (comma, semicolon, tab or pipe).
    pub delimiter: Option<u8>,
}

/// What a file's name says of its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatHint {
    /// Nothing: the content decides.
    None,
    /// `.geojson` or `.json`.
    GeoJson,
    /// `.tsv`: tab-separated when the header line has no other delimiter.
    Tsv,
}

impl FormatHint {
    /// What the name of `path` says.
    pub fn from_path(path: &str) -> FormatHint {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".geojson") || lower.ends_with(".json") {
            FormatHint::GeoJson
        } else if lower.ends_with(".tsv") {
            FormatHint::Tsv
        } else {
            FormatHint::None
        }
    }
}

/// The first bytes of a Parquet file.
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// What a Parquet file is read from: a file, or bytes in memory.
#[cfg(feature = "geoparquet")]
trait ParquetInput {
    type Chunks: parquet::file::reader::ChunkReader + 'static;
    fn chunks(self) -> Self::Chunks;
}

#[cfg(feature = "geoparquet")]
impl ParquetInput for std::fs::File {
    type Chunks = std::fs::File;
    fn chunks(self) -> std::fs::File {
        self
    }
}

#[cfg(feature = "geoparquet")]
impl ParquetInput for Vec<u8> {
    type Chunks = bytes::Bytes;
    fn chunks(self) -> bytes::Bytes {
        bytes::Bytes::from(self)
    }
}

/// The schema of a file whose points come from a geometry (GeoJSON,
/// GeoParquet): its `columns`, then the longitude and latitude frontier
/// adds (`longitude`, or `_longitude` and so on when the file has one), and
/// the date, precision and fatalities columns found by name.
fn geometry_schema(dialect: Dialect, mut columns: Vec<String>, header_line: bool) -> Schema {
    let fresh = |base: &str, cols: &[String]| {
        let mut n = base.to_string();
        while cols.contains(&n) {
            n.insert(0, '_');
        }
        n
    };
    let lon_name = fresh("longitude", &columns);
    columns.push(lon_name);
    let lat_name = fresh("latitude", &columns);
    columns.push(lat_name);
    let has = |n: &str| find_column(&columns, n);
    Schema {
        dialect,
        lat: columns.len() - 1,
        lon: columns.len() - 2,
        date: has("event_date")
            .or_else(|| has("date_start"))
            .or_else(|| has("date")),
        precision: has("geo_precision").or_else(|| has("where_prec")),
        fatalities: has("fatalities").or_else(|| has("best")),
        synthetic_coords: true,
        header_line: header_line.then(|| csv_header_line(&columns)),
        delimiter: b',',
        columns,
    }
}

/// Columns as a CSV header line (for the rejects file).
fn csv_header_line(columns: &[String]) -> String {
    let mut out = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::output::csv_field(&mut out, c.as_bytes(), b',');
    }
    String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
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
    #[cfg(feature = "geoparquet")]
    Parquet(parquet_points::ParquetRows),
}

/// Rows in file order: `for row in source { ... }` (see
/// [`PointSource::next_row`]).
impl Iterator for PointSource {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        self.next_row()
    }
}

/// Check a latitude/longitude pair as text; the error is (column, reason).
pub fn parse_coord(
    lat_col: &str,
    lat: &str,
    lon_col: &str,
    lon: &str,
) -> std::result::Result<Coord, (String, String)> {
    let one = |col: &str, text: &str, limit: f64, what: &str| {
        if let Some(v) = plain_decimal(text) {
            return in_range(col, v, text, limit, what);
        }
        let t = text.trim();
        if t.is_empty() {
            return Err((col.to_string(), format!("empty {what}")));
        }
        let v = t
            .parse::<f64>()
            .map_err(|_| (col.to_string(), format!("{what} is not a number: {t:?}")))?;
        in_range(col, v, t, limit, what)
    };
    let y = one(lat_col, lat, 90.0, "latitude")?;
    let x = one(lon_col, lon, 180.0, "longitude")?;
    Ok(Coord { x, y })
}

/// The value of a plain decimal such as `-33.61234` (an optional minus,
/// digits, an optional point and digits; at most 15 digits in all), or
/// None for anything else (which `str::parse` then reads).
///
/// Exact: the digits make an integer below 2^53 and the power of ten is at
/// most 10^15, both exactly representable, so the one division is rounded
/// once, correctly, as `str::parse` rounds (Clinger's fast path).
#[inline]
pub fn plain_decimal(text: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = text.as_bytes();
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if b.len() > 16 {
        return None;
    }
    // The digits before the point, then those after it.
    let (mut m, mut i) = (0u64, 0);
    while i < b.len() && b[i].is_ascii_digit() {
        m = m * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    let mut digits = i;
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            m = m * 10 + u64::from(b[i] - b'0');
            i += 1;
        }
        frac = i - start;
        digits += frac;
    }
    if i != b.len() || digits == 0 || digits > 15 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// Check a latitude/longitude pair of numbers (finite, within ±90 and
/// ±180); the error is (column, reason), worded as for text.
pub fn check_coord(
    lat_col: &str,
    lat: f64,
    lon_col: &str,
    lon: f64,
) -> std::result::Result<Coord, (String, String)> {
    if lat.abs() <= 90.0 && lon.abs() <= 180.0 {
        // Finite and in range (NaN fails both comparisons).
        return Ok(Coord { x: lon, y: lat });
    }
    let y = in_range(lat_col, lat, &lat.to_string(), 90.0, "latitude")?;
    let x = in_range(lon_col, lon, &lon.to_string(), 180.0, "longitude")?;
    Ok(Coord { x, y })
}

/// `v` (written `t`) when finite and within ±`limit`.
#[inline]
fn in_range(
    col: &str,
    v: f64,
    t: &str,
    limit: f64,
    what: &str,
) -> std::result::Result<f64, (String, String)> {
    // (NaN fails the comparison.)
    if v.abs() <= limit {
        return Ok(v);
    }
    Err(out_of_range(col, v, t, limit, what))
}

/// Why `v` is not a usable coordinate.
#[cold]
fn out_of_range(col: &str, v: f64, t: &str, limit: f64, what: &str) -> (String, String) {
    if !v.is_finite() {
        (
            col.to_string(),
            format!("{what} is not a finite number: {t:?}"),
        )
    } else {
        (
            col.to_string(),
            format!("{what} {t} is out of range (must be within ±{limit})"),
        )
    }
}

impl PointSource {
    /// Open `path` (`-` for standard input). GeoJSON is recognised by its
    /// content (the first character is `{`), whatever the file is called,
    /// or by the `.geojson`/`.json` extension; anything else is CSV.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<PointSource> {
        let origin = if path == "-" {
            "<stdin>".to_string()
        } else {
            path.to_string()
        };
        let (input, len): (Box<dyn std::io::Read + Send>, Option<u64>) = if path == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let len = f.metadata().ok().map(|m| m.len());
            let mut magic = [0u8; 4];
            let n = std::io::Read::read(&mut f, &mut magic).map_err(|e| Error::io(path, e))?;
            if magic[..n].starts_with(PARQUET_MAGIC) && n == 4 {
                // Parquet is read from its footer: the file itself, not a stream.
                return PointSource::parquet(f, &origin, opts);
            }
            std::io::Seek::rewind(&mut f).map_err(|e| Error::io(path, e))?;
            (Box::new(f), len)
        };
        let hint = FormatHint::from_path(path);
        let mut source = PointSource::from_reader(input, &origin, hint, opts)?;
        source.len = len;
        Ok(source)
    }

    /// Read points from any reader; `origin` names it in messages. GeoJSON
    /// is recognised by its content (or `hint`), anything else is CSV with
    /// its delimiter found from the header line.
    pub fn from_reader(
        mut input: Box<dyn std::io::Read + Send>,
        origin: &str,
        hint: FormatHint,
        opts: &ReadOptions,
    ) -> Result<PointSource> {
        let origin = origin.to_string();
        let len = None;
        // Look at the start of the input, then read on from there.
        let mut head = Vec::with_capacity(4096);
        std::io::Read::by_ref(&mut input)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(&origin, e))?;
        let input: Box<dyn std::io::Read + Send> =
            Box::new(std::io::Cursor::new(head.clone()).chain(input));
        if head.starts_with(PARQUET_MAGIC) {
            // A stream of Parquet is held in memory: the reader starts
            // from the footer.
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut { input }, &mut bytes)
                .map_err(|e| Error::io(&origin, e))?;
            return PointSource::parquet(bytes, &origin, opts);
        }
        if hint == FormatHint::GeoJson || geojson_points::looks_like_json(&head) {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut { input }, &mut bytes)
                .map_err(|e| Error::io(&origin, e))?;
            let text = String::from_utf8(bytes).map_err(|e| Error::GeoJson {
                origin: origin.clone(),
                message: format!(
                    "not valid UTF-8 at byte {} (GeoJSON must be UTF-8)",
                    e.utf8_error().valid_up_to()
                ),
            })?;
            let (schema, rows) = geojson_points::read(&origin, &text)?;
            return Ok(PointSource {
                origin,
                schema,
                opts: opts.clone(),
                inner: Inner::Features(rows.into_iter()),
                len,
            });
        }
        let delimiter = match opts.delimiter {
            Some(d) => d,
            None => header::sniff_delimiter(&head, hint == FormatHint::Tsv),
        };
        let (rows, columns, header_line) =
            csv_points::CsvRows::from_reader(input, &origin, delimiter, csv_points::BATCH_BYTES)?;
        let mut schema = header::schema(&origin, columns, opts, delimiter)?;
        schema.header_line = Some(header_line);
        Ok(PointSource {
            origin,
            schema,
            opts: opts.clone(),
            inner: Inner::Csv(rows),
            len,
        })
    }

    /// A Parquet file, from a file or bytes.
    #[cfg(feature = "geoparquet")]
    fn parquet<T: ParquetInput>(input: T, origin: &str, opts: &ReadOptions) -> Result<PointSource> {
        let (rows, schema) = parquet_points::ParquetRows::open(input.chunks(), origin, opts)?;
        Ok(PointSource {
            origin: origin.to_string(),
            schema,
            opts: opts.clone(),
            inner: Inner::Parquet(rows),
            len: None,
        })
    }

    #[cfg(not(feature = "geoparquet"))]
    fn parquet<T>(_: T, origin: &str, _: &ReadOptions) -> Result<PointSource> {
        Err(Error::Parquet {
            origin: origin.to_string(),
            message: "is a Parquet file, and this build of frontier reads none (built without the geoparquet feature)".into(),
        })
    }

    /// The kind of values in each column, where the file says (Parquet);
    /// otherwise they are found by reading ([`column_kinds`]).
    pub fn known_kinds(&self) -> Option<Vec<crate::output::Kind>> {
        match &self.inner {
            #[cfg(feature = "geoparquet")]
            Inner::Parquet(r) => Some(r.kinds().to_vec()),
            _ => None,
        }
    }

    /// How the file is read.
    pub fn options(&self) -> &ReadOptions {
        &self.opts
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
            #[cfg(feature = "geoparquet")]
            Inner::Parquet(_) => 0,
        }
    }

    /// The next row; `None` at the end. In strict mode a bad row is an
    /// `Err` naming file, line and column.
    pub fn next_row(&mut self) -> Option<Result<Row>> {
        let raw = match &mut self.inner {
            Inner::Csv(r) => match r.next(&self.schema)? {
                Ok(x) => x,
                Err(e) => return Some(Err(e)),
            },
            Inner::Features(it) => it.next()?,
            #[cfg(feature = "geoparquet")]
            Inner::Parquet(r) => match r.next_row()? {
                Ok(x) => x,
                Err(e) => return Some(Err(e)),
            },
        };
        Some(finish(&self.schema, &self.opts, &self.origin, raw))
    }
}

/// A row as read, checked against the options: a [`Row`], or in
/// strict mode an error naming file, line and column.
fn finish(
    schema: &Schema,
    opts: &ReadOptions,
    origin: &str,
    (line, fields, coord): RawRow,
) -> Result<Row> {
    let mut coord = coord;
    if coord.is_ok() && opts.require_date {
        let Some(d) = schema.date else {
            return Err(Error::MissingColumn {
                origin: origin.to_string(),
                param: Param::Date,
                named: None,
                columns: schema.columns.clone(),
            });
        };
        let text = fields.text(d);
        if parse_date(&text).is_none() {
            coord = Err((
                schema.columns[d].clone(),
                format!("not a date: {text:?} (expected e.g. 2021-08-15 or 15 August 2021)"),
            ));
        }
    }
    match coord {
        Ok(coord) => Ok(Row::Record(Record {
            line,
            fields,
            coord,
        })),
        Err((column, reason)) if opts.skip_invalid => Ok(Row::Reject(Reject {
            line,
            column,
            reason,
            fields,
        })),
        Err((column, message)) if schema.dialect.numbers_rows() => Err(Error::Parquet {
            origin: origin.to_string(),
            message: format!("row {line}: {column}: {message}"),
        }),
        Err((_, message)) if schema.dialect == Dialect::GeoJson => Err(Error::Feature {
            origin: origin.to_string(),
            index: line.saturating_sub(1) as usize,
            name: feature_name(&fields),
            message,
        }),
        Err((column, message)) => Err(Error::Row {
            origin: origin.to_string(),
            line,
            column,
            message,
        }),
    }
}

/// `" (name)"` for a GeoJSON feature (kept as JSON text) with a name.
fn feature_name(fields: &Fields) -> String {
    let Some(raw) = fields.raw() else {
        return String::new();
    };
    serde_json::from_slice::<Value>(raw)
        .ok()
        .and_then(|f| {
            f.get("properties")?
                .get("name")?
                .as_str()
                .map(|n| format!(" ({n})"))
        })
        .unwrap_or_default()
}

/// What each column of a source holds (see [`crate::output::Kind`]):
/// numbers when every value that is not empty is a JSON number as written
/// ([`crate::output::json_number`]), whole numbers when every one is an
/// integer that fits 64 bits, and at least one is there; `true`/`false`
/// likewise; otherwise text. Reads the whole source (and its rejects).
pub fn column_kinds(source: &mut PointSource) -> Result<Vec<crate::output::Kind>> {
    use crate::output::Kind;
    let n = source.schema().columns.len();
    // Still possible per column: integer, number, boolean; and seen at all.
    let (mut int, mut num, mut boolean, mut seen) =
        (vec![true; n], vec![true; n], vec![true; n], vec![false; n]);
    let mut rows = Vec::new();
    while source.read_chunk(crate::pipeline::CHUNK_ROWS, &mut rows)? {
        for row in &rows {
            let fields = match row {
                Row::Record(r) => &r.fields,
                Row::Reject(r) => &r.fields,
            };
            if matches!(fields, Fields::Raw(_)) {
                continue;
            }
            fields.each_text(|i, t| {
                if i >= n || !(num[i] || boolean[i]) || t.is_empty() {
                    return;
                }
                seen[i] = true;
                boolean[i] = boolean[i] && (t == "true" || t == "false");
                if num[i] {
                    match crate::output::json_number(t) {
                        Some(x) => int[i] = int[i] && x.is_i64(),
                        None => num[i] = false,
                    }
                }
            });
        }
    }
    Ok((0..n)
        .map(|i| match (seen[i], num[i], int[i], boolean[i]) {
            (false, ..) => Kind::Text,
            (true, true, true, _) => Kind::Integer,
            (true, true, false, _) => Kind::Float,
            (true, false, _, true) => Kind::Boolean,
            _ => Kind::Text,
        })
        .collect())
}

/// A value as plain text: strings without quotes, null as empty.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::plain_decimal;
    use proptest::prelude::*;

    #[test]
    fn plain_decimals_read_as_std_reads_them() {
        for t in [
            "0",
            "-0",
            "-0.0",
            "33.61234",
            "-33.61234",
            "1.",
            ".5",
            "-.5",
            "180",
            "90.000000000001",
            "123456789012345",
            "0.00000000000001",
            "69.1234567890123",
        ] {
            let v = plain_decimal(t).unwrap_or_else(|| panic!("{t}"));
            let std: f64 = t.parse().unwrap();
            assert_eq!(v.to_bits(), std.to_bits(), "{t}");
        }
        // Left to `str::parse` (or refused by it).
        for t in [
            "",
            "-",
            ".",
            "..",
            "1.2.3",
            "+1",
            "1e5",
            " 1",
            "1 ",
            "nan",
            "inf",
            "1,5",
            "1234567890123456",
            "0.1234567890123456",
            "--1",
        ] {
            assert_eq!(plain_decimal(t), None, "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn plain_decimal_is_std_parse(
            neg in any::<bool>(),
            int in "[0-9]{0,8}",
            frac in proptest::option::of("[0-9]{0,12}"),
        ) {
            let t = format!("{}{}{}", if neg { "-" } else { "" }, int, frac.map(|f| format!(".{f}")).unwrap_or_default());
            if let Some(v) = plain_decimal(&t) {
                let std: f64 = t.parse().unwrap();
                prop_assert_eq!(v.to_bits(), std.to_bits(), "{}", t);
            } else {
                let digits = t.bytes().filter(u8::is_ascii_digit).count();
                prop_assert!(digits == 0 || digits > 15, "{} refused", t);
            }
        }
    }
}
