//! Points in columns: what a point file, a data frame, an Arrow table or
//! any other client hands to the questions (the summaries read every point
//! through it).
//!
//! A [`Batch`] holds the coordinates as arrays, the columns' roles (a
//! [`Schema`], found by the same rules as a file's header), and the fields
//! either as typed arrays given by a client ([`Column`]) or as the rows a
//! file was read into (kept as they came, for the rejects file).

use super::coords::check_coord;
use super::options::ReadOptions;
use super::pieces::{Piece, RowParser};
use super::source::PointSource;
use crate::error::{Error, Result};
use crate::row::{Fields, Reject, Row, Schema};
use chrono::NaiveDate;
use geo::Coord;

/// One column's values, one per point.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers; `NaN` or `None` where the cell is empty.
    Number(Vec<Option<f64>>),
    /// Dates; `None` where the cell is empty.
    Date(Vec<Option<NaiveDate>>),
    /// Text, read by the same rules as a file's cells.
    Text(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Number(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
}

/// One cell of a [`Batch`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// A number (`None` when empty).
    Number(Option<f64>),
    /// A date (`None` when empty).
    Date(Option<NaiveDate>),
    /// Text, as a file holds it.
    Text(std::borrow::Cow<'a, str>),
    /// The column was not carried.
    Missing,
}

/// Points in columns: coordinates, where each came from, and fields.
///
/// ```
/// use frontier::ingest::{Batch, Column, ReadOptions};
/// use frontier::summary::{Grouping, Options, summarize_batch};
///
/// // Two points in Khyber, one in Quetta, as a data frame would hold them.
/// let columns = ["lat", "lon", "fatalities"].map(String::from).to_vec();
/// let batch = Batch::from_arrays(
///     "frame",
///     columns,
///     &ReadOptions::default(),
///     &[34.03, 34.05, 30.18],
///     &[71.19, 71.25, 66.99],
/// )?
/// .with_column("fatalities", Column::Number(vec![Some(2.0), Some(0.0), Some(5.0)]))?;
/// let mut opts = Options::default();
/// opts.value = Some("fatalities".into());
/// let summary = summarize_batch(&batch, Grouping::Provinces, opts)?;
/// let (_, kp) = summary.group("Khyber Pakhtunkhwa").unwrap();
/// assert_eq!((kp.count, kp.value), (2, 2.0));
/// # Ok::<(), frontier::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Batch {
    origin: String,
    schema: Schema,
    lines: Vec<u64>,
    coords: Vec<Coord>,
    /// The rows as read (file batches), else empty.
    rows: Vec<Fields>,
    /// Typed columns given by a client, by schema column.
    columns: Vec<Option<Column>>,
    /// Rows the reader could not use, in order.
    rejects: Vec<Reject>,
    /// Unusable rows are rejects rather than errors.
    skip_invalid: bool,
}

impl Batch {
    /// Points from coordinate arrays (degrees), for a table whose columns
    /// are `columns`: the latitude and longitude columns are found among
    /// them by the rules of a file's header (or named in `opts`), and so
    /// are the date and precision columns. Row `i` is called row `i + 1`
    /// in messages. A coordinate that is not finite or out of range is an
    /// [`Error::Row`] naming its row and column, unless `opts.skip_invalid`
    /// is set: then the row is a reject ([`Batch::rejects`]).
    ///
    /// Add the other columns a question needs with [`Batch::with_column`].
    pub fn from_arrays(
        origin: &str,
        columns: Vec<String>,
        opts: &ReadOptions,
        lat: &[f64],
        lon: &[f64],
    ) -> Result<Batch> {
        if lat.len() != lon.len() {
            return Err(Error::Input {
                origin: origin.to_string(),
                message: format!("{} latitudes but {} longitudes", lat.len(), lon.len()),
            });
        }
        let schema = super::header::schema(origin, columns, opts, b',')?;
        let mut b = Batch {
            origin: origin.to_string(),
            lines: Vec::with_capacity(lat.len()),
            coords: Vec::with_capacity(lat.len()),
            rows: Vec::new(),
            columns: vec![None; schema.columns.len()],
            rejects: Vec::new(),
            skip_invalid: opts.skip_invalid,
            schema,
        };
        let (lat_col, lon_col) = (
            b.schema.columns[b.schema.lat].clone(),
            b.schema.columns[b.schema.lon].clone(),
        );
        {
            use rayon::prelude::*;
            // Mostly every position is usable (as check_coord's first test
            // finds): then they are taken as they are, on every core.
            let usable = |(y, x): (&f64, &f64)| y.abs() <= 90.0 && x.abs() <= 180.0;
            if lat.par_iter().zip(lon).all(usable) {
                lat.par_iter()
                    .zip(lon)
                    .map(|(&y, &x)| Coord { x, y })
                    .collect_into_vec(&mut b.coords);
                (0..lat.len())
                    .into_par_iter()
                    .map(|i| i as u64 + 1)
                    .collect_into_vec(&mut b.lines);
                return Ok(b);
            }
        }
        for (i, (&y, &x)) in lat.iter().zip(lon).enumerate() {
            let line = i as u64 + 1;
            match check_coord(&lat_col, y, &lon_col, x) {
                Ok(c) => {
                    b.lines.push(line);
                    b.coords.push(c);
                }
                Err((column, message)) if !opts.skip_invalid => {
                    return Err(Error::Row {
                        origin: origin.to_string(),
                        line,
                        column,
                        message,
                    });
                }
                Err((column, reason)) => b.rejects.push(Reject {
                    line,
                    column,
                    reason,
                    fields: Fields::Json(Vec::new()),
                }),
            }
        }
        Ok(b)
    }

    /// Add the values of column `name` (one of the table's columns), one
    /// per row given to [`Batch::from_arrays`] (rows rejected there are
    /// left out here too).
    pub fn with_column(mut self, name: &str, column: Column) -> Result<Batch> {
        let rows = self.lines.len() + self.rejects.len();
        let Some(i) = self.schema.find(name) else {
            return Err(Error::Input {
                origin: self.origin.clone(),
                message: format!(
                    "no column {name:?} among the table's columns ({})",
                    self.schema.columns.join(", ")
                ),
            });
        };
        if column.len() != rows {
            return Err(Error::Input {
                origin: self.origin.clone(),
                message: format!(
                    "column {name:?} has {} values for {rows} rows",
                    column.len()
                ),
            });
        }
        // Keep the values of the rows whose coordinates were usable.
        let kept = |k: usize| {
            self.rejects
                .binary_search_by_key(&(k as u64 + 1), |r| r.line)
                .is_err()
        };
        let column = if self.rejects.is_empty() {
            column
        } else {
            match column {
                Column::Number(v) => Column::Number(keep(v, kept)),
                Column::Date(v) => Column::Date(keep(v, kept)),
                Column::Text(v) => Column::Text(keep(v, kept)),
            }
        };
        self.columns[i] = Some(column);
        Ok(self)
    }

    /// Where the points came from (a file name, or what a client called
    /// its table).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The columns and their roles.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Number of usable points.
    pub fn len(&self) -> usize {
        self.coords.len()
    }

    /// True when no point is usable.
    pub fn is_empty(&self) -> bool {
        self.coords.is_empty()
    }

    /// The points, longitude `x` and latitude `y` in degrees.
    pub fn coords(&self) -> &[Coord] {
        &self.coords
    }

    /// Where each point came from: its file line (1-based), or its row
    /// number (1-based) in a client's arrays.
    pub fn lines(&self) -> &[u64] {
        &self.lines
    }

    /// Rows without a usable position, in order (only when invalid rows
    /// are skipped; otherwise the first is an error).
    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }

    /// Whether unusable rows become rejects (read with
    /// [`ReadOptions::skip_invalid`]) rather than errors.
    pub fn skips_invalid(&self) -> bool {
        self.skip_invalid
    }

    /// The cell of schema column `col` for point `i`.
    pub fn cell(&self, col: usize, i: usize) -> Cell<'_> {
        match self.columns.get(col) {
            Some(Some(Column::Number(v))) => Cell::Number(v[i].filter(|x| !x.is_nan())),
            Some(Some(Column::Date(v))) => Cell::Date(v[i]),
            Some(Some(Column::Text(v))) => Cell::Text(v[i].as_str().into()),
            _ => match self.rows.get(i) {
                Some(f) => Cell::Text(f.text(col)),
                None => Cell::Missing,
            },
        }
    }

    /// The fields of point `i` as a file held them (`None` for a batch made
    /// from arrays): each field's text is [`Fields::each_text`] away,
    /// without splitting a line once per cell as [`Batch::cell`] must.
    pub fn row(&self, i: usize) -> Option<&Fields> {
        self.rows.get(i)
    }

    /// Whether every cell is in the rows as read ([`Batch::row`]): no typed
    /// column was given by a client.
    pub fn cells_are_rows(&self) -> bool {
        self.columns.iter().all(Option::is_none)
    }

    /// The fields of point `i` as read (file batches), or as JSON values
    /// of its typed columns: what a rejects file gets.
    pub(crate) fn fields(&self, i: usize) -> Fields {
        if let Some(f) = self.rows.get(i) {
            return f.clone();
        }
        Fields::Json(
            (0..self.schema.columns.len())
                .map(|c| match self.cell(c, i) {
                    Cell::Number(Some(x)) => serde_json::json!(x),
                    Cell::Date(Some(d)) => serde_json::json!(d.to_string()),
                    Cell::Text(t) => serde_json::json!(t),
                    _ => serde_json::Value::Null,
                })
                .collect(),
        )
    }
}

fn keep<T>(v: Vec<T>, kept: impl Fn(usize) -> bool) -> Vec<T> {
    v.into_iter()
        .enumerate()
        .filter(|(k, _)| kept(*k))
        .map(|(_, x)| x)
        .collect()
}

impl PointSource {
    /// The next batch of about `n` rows (parsed on every core): the usable
    /// points with their rows as read, and the rows the reader could not
    /// use as [`Batch::rejects`]; `None` at the end of the input.
    pub fn next_batch(&mut self, n: usize) -> Result<Option<Batch>> {
        let mut chunk = Vec::new();
        if !self.read_chunk(n, &mut chunk)? {
            return Ok(None);
        }
        let empty = self.empty_batch();
        Ok(Some(empty.with_rows(chunk)))
    }

    /// A batch of this source, with no rows yet.
    fn empty_batch(&self) -> Batch {
        Batch {
            origin: self.origin().to_string(),
            schema: self.schema().clone(),
            lines: Vec::new(),
            coords: Vec::new(),
            rows: Vec::new(),
            columns: Vec::new(),
            rejects: Vec::new(),
            skip_invalid: self.options().skip_invalid,
        }
    }

    /// Read the whole input as the point commands stream it: the calling
    /// thread reads a piece of input (about 256 KB of CSV, or a run of
    /// features) while the pieces already read are parsed on rayon's pool,
    /// each handed to `f` as a [`Batch`] with its place `k` in the input
    /// (from 0), on any thread, in no particular order. At most a few
    /// pieces per core wait to be parsed, so a large input is not read far
    /// ahead of its parsing. In strict mode the error is the input's first
    /// bad row (later pieces may have been handed to `f` already).
    pub fn par_batches(&mut self, f: impl Fn(usize, Batch) + Sync) -> Result<()> {
        let empty = self.empty_batch();
        self.par_pieces(
            |parser, piece| Ok(empty.clone().with_rows(parser.rows(piece)?)),
            f,
        )
    }

    /// Read the whole input as [`PointSource::par_batches`] does, each
    /// piece turned by `parse` (on rayon's pool) into what `f` is handed.
    pub(crate) fn par_pieces<T>(
        &mut self,
        parse: impl Fn(&RowParser, Piece) -> Result<T> + Sync,
        f: impl Fn(usize, T) + Sync,
    ) -> Result<()> {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let parser = self.parser();
        let waiting = AtomicUsize::new(0);
        let most = 4 * rayon::current_num_threads().max(1);
        // The earliest piece's error.
        let failed: Mutex<Option<(usize, Error)>> = Mutex::new(None);
        let read = rayon::scope(|s| -> Result<()> {
            let mut k = 0;
            while let Some(piece) = self.next_piece()? {
                while waiting.load(Ordering::Acquire) >= most {
                    // Parse a waiting piece here rather than read on.
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::thread::yield_now();
                    }
                }
                waiting.fetch_add(1, Ordering::AcqRel);
                let (parser, waiting, failed, f, parse) = (&parser, &waiting, &failed, &f, &parse);
                s.spawn(move |_| {
                    match parse(parser, piece) {
                        Ok(t) => f(k, t),
                        Err(e) => {
                            if let Ok(mut first) = failed.lock()
                                && first.as_ref().is_none_or(|(at, _)| k < *at)
                            {
                                *first = Some((k, e));
                            }
                        }
                    }
                    waiting.fetch_sub(1, Ordering::AcqRel);
                });
                k += 1;
            }
            Ok(())
        });
        if let Some((_, e)) = failed.into_inner().ok().flatten() {
            return Err(e);
        }
        read
    }
}

impl Batch {
    /// This (empty) batch with `rows`: the records as points, the rejects
    /// as rejects.
    fn with_rows(mut self, chunk: Vec<Row>) -> Batch {
        self.lines.reserve(chunk.len());
        self.coords.reserve(chunk.len());
        self.rows.reserve(chunk.len());
        for row in chunk {
            match row {
                Row::Record(r) => {
                    self.lines.push(r.line);
                    self.coords.push(r.coord);
                    self.rows.push(r.fields);
                }
                Row::Reject(r) => self.rejects.push(r),
            }
        }
        self
    }
}
