//! Points from Parquet files: GeoParquet (a WKB or GeoArrow point geometry
//! column, named by the file's `geo` metadata) or plain Parquet with
//! latitude/longitude columns found by name as in a CSV header.
//!
//! Every column is carried as text, as from a CSV file (numbers in their
//! shortest round-trip form, dates as `2021-08-15`, timestamps as ISO 8601),
//! and keeps its type in the output: [`ParquetRows::kinds`] tells the
//! writers which columns are numbers. Rows are numbered from 1 in messages
//! and rejects files.

use super::{geometry_column, wkb_point};
use crate::error::{Error, Result};
use crate::ingest::ReadOptions;
use crate::ingest::coords::{check_coord, parse_coord};
use crate::ingest::header;
use crate::row::{Dialect, Fields, Kind, Line, LineSpan, LineText, RawRow, Schema};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use geo::Coord;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::fmt::Write as _;
use std::sync::Arc;

/// Rows per record batch read (and per piece handed to the workers).
const BATCH_ROWS: usize = 8192;

/// Where things are in the file.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The Arrow column of each carried column, in schema order.
    carried: Vec<usize>,
    /// The geometry column (Arrow index, and whether WKB rather than a
    /// GeoArrow point struct), for GeoParquet.
    geometry: Option<(usize, bool, String)>,
    /// Schema indices of the coordinate columns.
    lat: usize,
    lon: usize,
    lat_name: String,
    lon_name: String,
}

/// A record batch, with the number of rows before it.
#[derive(Debug)]
pub(crate) struct Piece {
    batch: RecordBatch,
    first: u64,
    layout: Arc<Layout>,
}

/// The rows of a Parquet file, a batch at a time.
pub(crate) struct ParquetRows {
    reader: ParquetRecordBatchReader,
    layout: Arc<Layout>,
    origin: Arc<str>,
    read: u64,
    kinds: Vec<Kind>,
    /// Rows of the current batch not yet handed out (row by row reading).
    pending: std::vec::IntoIter<RawRow>,
}

fn err(origin: &str, message: impl std::fmt::Display) -> Error {
    Error::Parquet {
        origin: origin.to_string(),
        message: message.to_string(),
    }
}

/// The kind of values a column of type `dt` holds.
fn kind_of(dt: &DataType) -> Kind {
    match dt {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Kind::Integer,
        DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..) => Kind::Float,
        DataType::Boolean => Kind::Boolean,
        DataType::Date32 | DataType::Date64 => Kind::Date,
        DataType::Timestamp(unit, tz) => Kind::Timestamp {
            unit: match unit {
                TimeUnit::Second => crate::row::TimeUnit::Second,
                TimeUnit::Millisecond => crate::row::TimeUnit::Millisecond,
                TimeUnit::Microsecond => crate::row::TimeUnit::Microsecond,
                TimeUnit::Nanosecond => crate::row::TimeUnit::Nanosecond,
            },
            utc: tz.is_some(),
        },
        DataType::Dictionary(_, v) => kind_of(v),
        _ => Kind::Text,
    }
}

/// Whether frontier can carry a column of type `dt` as text.
fn carriable(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Boolean
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(..)
        | DataType::Null => true,
        DataType::Dictionary(_, v) => carriable(v),
        DataType::Decimal128(..) => true,
        dt => {
            matches!(kind_of(dt), Kind::Integer)
                || matches!(dt, DataType::Float32 | DataType::Float64)
        }
    }
}

/// Appends the text of a cell (nothing for a null) to a string.
type TextFn<'a> = Box<dyn Fn(usize, &mut String) + Send + Sync + 'a>;

/// Cell by cell text of an array of a [`carriable`] type.
fn text_of(a: &dyn Array) -> TextFn<'_> {
    macro_rules! prim {
        ($t:ty) => {{
            let p = a.as_primitive::<$t>();
            Box::new(move |i, s: &mut String| {
                if p.is_valid(i) {
                    let _ = write!(s, "{}", p.value(i));
                }
            })
        }};
    }
    match a.data_type() {
        DataType::Utf8 => {
            let p = a.as_string::<i32>();
            Box::new(move |i, s| {
                if p.is_valid(i) {
                    s.push_str(p.value(i));
                }
            })
        }
        DataType::LargeUtf8 => {
            let p = a.as_string::<i64>();
            Box::new(move |i, s| {
                if p.is_valid(i) {
                    s.push_str(p.value(i));
                }
            })
        }
        DataType::Utf8View => {
            let p = a.as_string_view();
            Box::new(move |i, s| {
                if p.is_valid(i) {
                    s.push_str(p.value(i));
                }
            })
        }
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        DataType::Float32 => prim!(Float32Type),
        DataType::Float64 => prim!(Float64Type),
        DataType::Boolean => {
            let p = a.as_boolean();
            Box::new(move |i, s| {
                if p.is_valid(i) {
                    s.push_str(if p.value(i) { "true" } else { "false" });
                }
            })
        }
        DataType::Date32 => {
            let p = a.as_primitive::<Date32Type>();
            Box::new(move |i, s| {
                if let Some(d) = p.is_valid(i).then(|| p.value_as_date(i)).flatten() {
                    push_date(s, d);
                }
            })
        }
        DataType::Date64 => {
            let p = a.as_primitive::<Date64Type>();
            Box::new(move |i, s| {
                if let Some(d) = p.is_valid(i).then(|| p.value_as_date(i)).flatten() {
                    push_date(s, d);
                }
            })
        }
        DataType::Timestamp(unit, tz) => {
            use arrow_array::types::{
                TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
                TimestampSecondType,
            };
            // The values as i64 in the unit, whatever the unit's type.
            let (p, per_sec): (&dyn TimestampValues, i64) = match unit {
                TimeUnit::Second => (a.as_primitive::<TimestampSecondType>(), 1),
                TimeUnit::Millisecond => (a.as_primitive::<TimestampMillisecondType>(), 1_000),
                TimeUnit::Microsecond => (a.as_primitive::<TimestampMicrosecondType>(), 1_000_000),
                TimeUnit::Nanosecond => {
                    (a.as_primitive::<TimestampNanosecondType>(), 1_000_000_000)
                }
            };
            // A zone means the values are UTC instants: they are written
            // in the zone's local time with its offset (as a person there
            // wrote the time), so that a date is the local one.
            let zone: Option<arrow_array::timezone::Tz> =
                tz.as_deref().and_then(|z| z.parse().ok());
            Box::new(move |i, s| {
                let Some(v) = p.at(i) else {
                    return;
                };
                let (secs, sub) = (v.div_euclid(per_sec), v.rem_euclid(per_sec));
                let nanos = (sub * (1_000_000_000 / per_sec)) as u32;
                let Some(t) = chrono::DateTime::from_timestamp(secs, nanos) else {
                    return;
                };
                let _ = match zone {
                    Some(z) => {
                        let local = t.with_timezone(&z);
                        let at = local.format("%Y-%m-%dT%H:%M:%S%.f");
                        match chrono::Offset::fix(local.offset()).local_minus_utc() {
                            0 => write!(s, "{at}Z"),
                            _ => write!(s, "{at}{}", local.format("%:z")),
                        }
                    }
                    None => write!(s, "{}", t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f")),
                };
            })
        }
        DataType::Decimal128(_, scale) => {
            let p = a.as_primitive::<arrow_array::types::Decimal128Type>();
            let scale = *scale;
            Box::new(move |i, s| {
                if p.is_valid(i) {
                    s.push_str(&decimal_text(p.value(i), scale));
                }
            })
        }
        DataType::Dictionary(..) => {
            let d = a.as_any_dictionary();
            let keys = d.normalized_keys();
            let nulls = d.keys().logical_nulls();
            let values = text_of(d.values().as_ref());
            Box::new(move |i, s| {
                if nulls.as_ref().is_none_or(|n| n.is_valid(i)) {
                    values(keys[i], s);
                }
            })
        }
        _ => Box::new(|_, _| {}),
    }
}

/// A date as `YYYY-MM-DD` (years 0 to 9999; others as chrono writes them).
fn push_date(s: &mut String, d: chrono::NaiveDate) {
    use chrono::Datelike;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        let _ = write!(s, "{d}");
        return;
    }
    let (m, day) = (d.month(), d.day());
    let digit = |v: u32| char::from(b'0' + v as u8);
    let y = y as u32;
    for c in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        s.push(digit(c));
    }
    s.push('-');
    s.push(digit(m / 10));
    s.push(digit(m % 10));
    s.push('-');
    s.push(digit(day / 10));
    s.push(digit(day % 10));
}

/// A timestamp column's values, whatever its unit.
trait TimestampValues: Send + Sync {
    fn at(&self, i: usize) -> Option<i64>;
}

impl<T: arrow_array::ArrowPrimitiveType<Native = i64>> TimestampValues
    for arrow_array::PrimitiveArray<T>
{
    fn at(&self, i: usize) -> Option<i64> {
        self.is_valid(i).then(|| self.value(i))
    }
}

/// A decimal integer `v` with `scale` digits after the point.
fn decimal_text(v: i128, scale: i8) -> String {
    if scale <= 0 {
        return format!("{v}{}", "0".repeat((-scale) as usize));
    }
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let digits = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = digits.split_at(digits.len() - scale);
    format!("{}{int}.{frac}", if v < 0 { "-" } else { "" })
}

impl ParquetRows {
    /// Open a Parquet file (any [`parquet::file::reader::ChunkReader`]: a
    /// file, or bytes in memory).
    pub fn open<T>(input: T, origin: &str, opts: &ReadOptions) -> Result<(ParquetRows, Schema)>
    where
        T: parquet::file::reader::ChunkReader + 'static,
    {
        let builder = ParquetRecordBatchReaderBuilder::try_new(input)
            .map_err(|e| err(origin, format!("not a readable Parquet file: {e}")))?;
        let geo = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
            .and_then(|k| k.value.clone());
        let arrow = builder.schema().clone();
        let names: Vec<String> = arrow.fields().iter().map(|f| f.name().clone()).collect();
        let geometry = match &geo {
            Some(g) => {
                let (name, wkb) = geometry_column(origin, g)?;
                let i = names.iter().position(|n| *n == name).ok_or_else(|| {
                    err(
                        origin,
                        format!(
                            "its `geo` metadata names column {name:?}, which the file does not have"
                        ),
                    )
                })?;
                Some((i, wkb, name))
            }
            None => None,
        };
        let carried: Vec<usize> = (0..names.len())
            .filter(|&i| geometry.as_ref().is_none_or(|g| g.0 != i))
            .collect();
        for &i in &carried {
            let f = &arrow.fields()[i];
            if !carriable(f.data_type()) {
                return Err(err(
                    origin,
                    format!(
                        "column {:?} is of Arrow type {}, which frontier cannot carry: drop it or cast it to text or numbers first",
                        f.name(),
                        f.data_type()
                    ),
                ));
            }
        }
        let columns: Vec<String> = carried.iter().map(|&i| names[i].clone()).collect();
        let mut kinds: Vec<Kind> = carried
            .iter()
            .map(|&i| kind_of(arrow.fields()[i].data_type()))
            .collect();
        let schema = if geometry.is_some() {
            kinds.extend([Kind::Float, Kind::Float]);
            header::geometry_schema(Dialect::GeoParquet, columns, true)
        } else {
            let mut s =
                header::schema(origin, columns.clone(), opts, b',').map_err(|e| match e {
                    Error::NoCoordinates {
                        origin, columns, ..
                    } => Error::NoCoordinates {
                        origin,
                        read_as: "Parquet without GeoParquet metadata".into(),
                        columns,
                    },
                    e => e,
                })?;
            s.dialect = Dialect::Parquet;
            s.header_line = Some(crate::row::csv_header_line(&columns));
            s
        };
        let layout = Arc::new(Layout {
            carried,
            geometry,
            lat: schema.lat,
            lon: schema.lon,
            lat_name: schema.columns[schema.lat].clone(),
            lon_name: schema.columns[schema.lon].clone(),
        });
        let reader = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| err(origin, e))?;
        Ok((
            ParquetRows {
                reader,
                layout,
                origin: origin.into(),
                read: 0,
                kinds,
                pending: Vec::new().into_iter(),
            },
            schema,
        ))
    }

    /// The kind of values in each column of the schema.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// The next record batch, as a piece for the workers.
    pub fn next_piece(&mut self) -> Result<Option<Piece>> {
        let Some(batch) = self.reader.next() else {
            return Ok(None);
        };
        let batch =
            batch.map_err(|e| err(&self.origin, format!("after row {}: {e}", self.read)))?;
        let first = self.read;
        self.read += batch.num_rows() as u64;
        Ok(Some(Piece {
            batch,
            first,
            layout: self.layout.clone(),
        }))
    }

    /// The next row, for reading row by row.
    pub fn next_row(&mut self) -> Option<Result<RawRow>> {
        loop {
            if let Some(r) = self.pending.next() {
                return Some(Ok(r));
            }
            match self.next_piece() {
                Ok(Some(p)) => self.pending = p.rows().into_iter(),
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Piece {
    /// The piece's rows: values as text, and the position or why none.
    ///
    /// The rows' text is written as CSV lines into one buffer shared by
    /// the piece's rows (as a CSV file's lines are), so that a row costs no
    /// allocation of its own and goes to CSV output as a line; a row with a
    /// value that would need quoting is kept as a record instead.
    pub fn rows(&self) -> Vec<RawRow> {
        let l = &*self.layout;
        let n = self.batch.num_rows();
        let texts: Vec<TextFn> = l
            .carried
            .iter()
            .map(|&i| text_of(self.batch.column(i).as_ref()))
            .collect();
        let geometry = l
            .geometry
            .as_ref()
            .map(|(i, wkb, name)| (self.batch.column(*i), *wkb, name));
        let ncols = texts.len() + usize::from(geometry.is_some()) * 2;
        // Each row: its span in the text (or its record), and its position.
        type Coordinate = std::result::Result<Coord, (String, String)>;
        let mut spans: Vec<(std::ops::Range<u32>, Option<csv::StringRecord>, Coordinate)> =
            Vec::with_capacity(n);
        let mut text = String::with_capacity(n * 16 * ncols);
        let mut cells: Vec<std::ops::Range<usize>> = Vec::with_capacity(ncols);
        for r in 0..n {
            let start = text.len();
            cells.clear();
            for (k, t) in texts.iter().enumerate() {
                if k > 0 {
                    text.push(',');
                }
                let at = text.len();
                t(r, &mut text);
                cells.push(at..text.len());
            }
            let coord = match &geometry {
                Some((col, wkb, name)) => {
                    let c = point_at(col, *wkb, r).map_err(|m| (name.to_string(), m));
                    let c = c.and_then(|c| check_coord(&l.lat_name, c.y, &l.lon_name, c.x));
                    if !texts.is_empty() {
                        text.push(',');
                    }
                    if let Ok(c) = &c {
                        let _ = write!(text, "{},{}", c.x, c.y);
                    } else {
                        text.push(',');
                    }
                    c
                }
                None => {
                    let (lat, lon) = (&cells[l.lat], &cells[l.lon]);
                    parse_coord(
                        &l.lat_name,
                        &text[lat.clone()],
                        &l.lon_name,
                        &text[lon.clone()],
                    )
                }
            };
            let needs_quotes = cells.iter().any(|c| {
                text.as_bytes()[c.clone()]
                    .iter()
                    .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
            });
            if needs_quotes {
                // Split at the cells as written, then drop the line.
                let mut rec = csv::StringRecord::with_capacity(text.len() - start, ncols);
                for c in &cells {
                    rec.push_field(&text[c.clone()]);
                }
                if geometry.is_some() {
                    let tail = &text[cells.last().map_or(start, |c| c.end)..];
                    let tail = tail.strip_prefix(',').unwrap_or(tail);
                    let (x, y) = tail.split_once(',').unwrap_or(("", ""));
                    rec.push_field(x);
                    rec.push_field(y);
                }
                text.truncate(start);
                spans.push((0..0, Some(rec), coord));
            } else {
                spans.push((start as u32..text.len() as u32, None, coord));
            }
        }
        let shared = Arc::new(LineText {
            text,
            delimiter: b',',
        });
        spans
            .into_iter()
            .enumerate()
            .map(|(r, (span, rec, coord))| {
                let fields = match rec {
                    Some(rec) => Fields::Text(rec, None),
                    None => Fields::Line(Line {
                        shared: shared.clone(),
                        span: LineSpan {
                            text: span,
                            fields: ncols as u32,
                        },
                    }),
                };
                (self.first + r as u64 + 1, fields, coord)
            })
            .collect()
    }
}

/// The point in row `r` of a geometry column.
fn point_at(col: &ArrayRef, wkb: bool, r: usize) -> std::result::Result<Coord, String> {
    if col.is_null(r) {
        return Err("no geometry (null)".into());
    }
    if wkb {
        let bytes = match col.data_type() {
            DataType::Binary => col.as_binary::<i32>().value(r),
            DataType::LargeBinary => col.as_binary::<i64>().value(r),
            DataType::BinaryView => col.as_binary_view().value(r),
            other => return Err(format!("geometry column is of type {other}, not WKB bytes")),
        };
        return wkb_point(bytes);
    }
    let s = col.as_struct_opt().ok_or_else(|| {
        format!(
            "geometry column is of type {}, not a point struct",
            col.data_type()
        )
    })?;
    let axis = |name: &str| -> std::result::Result<f64, String> {
        let a = s
            .column_by_name(name)
            .ok_or_else(|| format!("point struct has no {name} field"))?;
        a.as_primitive_opt::<Float64Type>()
            .map(|p| p.value(r))
            .ok_or_else(|| format!("point {name} is of type {}, not double", a.data_type()))
    };
    Ok(Coord {
        x: axis("x")?,
        y: axis("y")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_text() {
        assert_eq!(decimal_text(12345, 2), "123.45");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(decimal_text(7, -2), "700");
    }

    /// A timestamp with a zone is written in the zone's local time with its
    /// offset, so that its date is the date there: 21:30 UTC on 14 August
    /// 2021 is 02:30 on the 15th in Pakistan (UTC+5, no summer time since
    /// 2009), whether the zone is named or an offset; without a zone the
    /// time is as stored.
    #[test]
    fn zoned_timestamps_keep_their_local_date() {
        use arrow_array::TimestampMillisecondArray;
        let at = 1_628_976_600_000; // 2021-08-14T21:30:00Z
        for (zone, want) in [
            (Some("Asia/Karachi"), "2021-08-15T02:30:00+05:00"),
            (Some("+05:00"), "2021-08-15T02:30:00+05:00"),
            (Some("UTC"), "2021-08-14T21:30:00Z"),
            (None, "2021-08-14T21:30:00"),
        ] {
            let a = TimestampMillisecondArray::from(vec![at]).with_timezone_opt(zone);
            let mut s = String::new();
            text_of(&a)(0, &mut s);
            assert_eq!(s, want, "{zone:?}");
            let date = crate::ingest::parse_date(&s).unwrap();
            let day = if want.contains("+05:00") { 15 } else { 14 };
            assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2021, 8, day).unwrap());
        }
    }
}
