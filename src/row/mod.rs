//! A row of a point file and its schema: the bottom layer that readers
//! ([`crate::ingest`]) and writers ([`crate::output`]) share, so that
//! neither needs the other.
//!
//! - [`Schema`] and [`Dialect`]: a file's columns and the roles frontier
//!   understands (coordinates, date, precision, fatalities);
//! - [`Fields`]: a row's values as they came (a CSV line, a parsed record,
//!   GeoJSON properties), and [`Record`]/[`Reject`]/[`Row`];
//! - the text forms of a cell ([`Kind`], [`json_number`], [`value_text`],
//!   CSV quoting) and the names of the columns frontier adds
//!   ([`added_name`]).

mod fields;
mod text;

pub use fields::{Fields, Line};
pub(crate) use fields::{LineSpan, LineText};
pub use text::{
    Kind, Renamed, TimeUnit, added_name, date_days, json_number, timestamp_count, unique_names,
    value_text,
};
pub(crate) use text::{csv_field, csv_header_line};

use crate::error::{Error, Result};
use geo::Coord;

/// Rows per chunk for commands that read whole chunks (`summarize`,
/// `trend`, `hotspots`, finding the columns' kinds): large enough to keep
/// every core busy, small enough to stream.
pub const CHUNK_ROWS: usize = 1 << 15;

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

/// A row as a reader yields it: line, values, and the position or
/// (column, reason) why there is none.
pub(crate) type RawRow = (u64, Fields, std::result::Result<Coord, (String, String)>);
