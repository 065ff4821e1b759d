//! GeoParquet output of point rows: each carried column with its kind
//! (Int64, Float64, Boolean, Date32, Timestamp in the input's unit (UTC
//! when the input's had a zone) or text; an empty value is null), the columns
//! frontier adds, and the point as WKB in a `geometry` column, with the
//! GeoParquet 1.1 `geo` metadata (OGC:CRS84, the points' bounding box).
//!
//! Workers encode rows into a block's buffer ([`encode_row`]); the writer
//! decodes them into Arrow builders in order and writes a record batch
//! every [`super::BATCH_ROWS`] rows.

use super::{BATCH_ROWS, ParquetSink, geo_metadata, push_wkb_point};
use crate::output::cell::{Cell, Column, write_fixed};
use crate::row::{Fields, Kind, TimeUnit, date_days, timestamp_count};
use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder,
    PrimitiveBuilder, StringBuilder,
};
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use geo::Coord;
use std::io::{self, Write};
use std::sync::Arc;

const NULL: u8 = 0;
const INT: u8 = 1;
const FLOAT: u8 = 2;
const BOOL: u8 = 3;
const TEXT: u8 = 4;
/// Days since 1970-01-01, as i64.
const DATE: u8 = 5;
/// A timestamp's count of its column's unit since 1970-01-01T00:00:00.
const TIME: u8 = 6;

/// Append one row to `out`: the position, then a tagged value per column
/// written (columns only in the geometry are left out).
pub(crate) fn encode_row(
    out: &mut Vec<u8>,
    columns: &[Column],
    fields: &Fields,
    added: &[Cell],
    coord: Coord,
) {
    out.extend_from_slice(&coord.x.to_le_bytes());
    out.extend_from_slice(&coord.y.to_le_bytes());
    let carried = columns.len() - added.len();
    // Fields missing from a short row are empty.
    let mut next = 0;
    let cell = |i: usize, t: &str, out: &mut Vec<u8>| {
        let c = &columns[i];
        if c.geometry_only {
            return;
        }
        if t.is_empty() {
            out.push(NULL);
            return;
        }
        match c.kind {
            Kind::Integer => match t.parse::<i64>() {
                Ok(v) => {
                    out.push(INT);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                Err(_) => text(out, t),
            },
            Kind::Float => match t.parse::<f64>() {
                Ok(v) => {
                    out.push(FLOAT);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                Err(_) => text(out, t),
            },
            Kind::Boolean => match t {
                "true" | "false" => out.extend_from_slice(&[BOOL, u8::from(t == "true")]),
                _ => text(out, t),
            },
            Kind::Date => match date_days(t) {
                Some(v) => {
                    out.push(DATE);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                None => text(out, t),
            },
            Kind::Timestamp { unit, .. } => match timestamp_count(t, unit) {
                Some(v) => {
                    out.push(TIME);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                None => text(out, t),
            },
            Kind::Text => text(out, t),
        }
    };
    fields.each_text(|i, t| {
        if i < carried {
            cell(i, t, out);
            next = i + 1;
        }
    });
    for i in next..carried {
        cell(i, "", out);
    }
    let mut digits = Vec::new();
    for (v, c) in added.iter().zip(&columns[carried..]) {
        match v {
            Cell::Text(t) if !t.is_empty() => text(out, t),
            Cell::Number(x) if x.is_finite() => {
                // The number the CSV shows, so every format gives the same.
                let x = match c.decimals {
                    Some(d) => {
                        digits.clear();
                        write_fixed(&mut digits, *x, d);
                        std::str::from_utf8(&digits)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(*x)
                    }
                    None => *x,
                };
                out.push(FLOAT);
                out.extend_from_slice(&x.to_le_bytes());
            }
            _ => out.push(NULL),
        }
    }
}

fn text(out: &mut Vec<u8>, t: &str) {
    out.push(TEXT);
    out.extend_from_slice(&(t.len() as u32).to_le_bytes());
    out.extend_from_slice(t.as_bytes());
}

/// The Arrow type of a column written (the numbers frontier adds are the
/// columns with decimals).
fn data_type(c: &Column) -> DataType {
    match c.kind {
        _ if c.decimals.is_some() => DataType::Float64,
        Kind::Integer => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Boolean => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::Timestamp { unit, utc } => DataType::Timestamp(
            match unit {
                TimeUnit::Second => arrow_schema::TimeUnit::Second,
                TimeUnit::Millisecond => arrow_schema::TimeUnit::Millisecond,
                TimeUnit::Microsecond => arrow_schema::TimeUnit::Microsecond,
                TimeUnit::Nanosecond => arrow_schema::TimeUnit::Nanosecond,
            },
            // The carried text is the UTC instant: the input's zone name
            // is not kept, its instants are.
            utc.then(|| "UTC".into()),
        ),
        Kind::Text => DataType::Utf8,
    }
}

/// A timestamp column's builder, whatever its unit (the values are counts
/// of the unit, as [`timestamp_count`] gives them).
enum Clock {
    Second(PrimitiveBuilder<TimestampSecondType>),
    Milli(PrimitiveBuilder<TimestampMillisecondType>),
    Micro(PrimitiveBuilder<TimestampMicrosecondType>),
    Nano(PrimitiveBuilder<TimestampNanosecondType>),
}

enum Builder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Time(Clock, Option<Arc<str>>),
    Text(StringBuilder),
}

impl Builder {
    fn new(dt: &DataType) -> Builder {
        use arrow_schema::TimeUnit as U;
        match dt {
            DataType::Int64 => Builder::Int(Int64Builder::new()),
            DataType::Float64 => Builder::Float(Float64Builder::new()),
            DataType::Boolean => Builder::Bool(BooleanBuilder::new()),
            DataType::Date32 => Builder::Date(Date32Builder::new()),
            DataType::Timestamp(unit, tz) => Builder::Time(
                match unit {
                    U::Second => Clock::Second(PrimitiveBuilder::new()),
                    U::Millisecond => Clock::Milli(PrimitiveBuilder::new()),
                    U::Microsecond => Clock::Micro(PrimitiveBuilder::new()),
                    U::Nanosecond => Clock::Nano(PrimitiveBuilder::new()),
                },
                tz.clone(),
            ),
            _ => Builder::Text(StringBuilder::new()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Time(c, tz) => match c {
                Clock::Second(b) => Arc::new(b.finish().with_timezone_opt(tz.clone())),
                Clock::Milli(b) => Arc::new(b.finish().with_timezone_opt(tz.clone())),
                Clock::Micro(b) => Arc::new(b.finish().with_timezone_opt(tz.clone())),
                Clock::Nano(b) => Arc::new(b.finish().with_timezone_opt(tz.clone())),
            },
            Builder::Text(b) => Arc::new(b.finish()),
        }
    }
}

impl Clock {
    fn append(&mut self, v: Option<i64>) {
        match self {
            Clock::Second(b) => b.append_option(v),
            Clock::Milli(b) => b.append_option(v),
            Clock::Micro(b) => b.append_option(v),
            Clock::Nano(b) => b.append_option(v),
        }
    }
}

/// The GeoParquet writer behind a [`crate::output::RowWriter`].
pub(crate) struct GeoOut<W: Write + Send> {
    sink: ParquetSink<W>,
    schema: Arc<Schema>,
    names: Vec<String>,
    geometry_name: String,
    builders: Vec<Builder>,
    geometry: BinaryBuilder,
    bbox: Option<[f64; 4]>,
    rows: u64,
}

fn io_err(e: impl Into<IoOrOther>) -> io::Error {
    match e.into() {
        // The output's own error (it names the output), kind and all.
        IoOrOther::Lib(crate::Error::Io { source, .. }) => source,
        IoOrOther::Lib(e) => io::Error::other(e.to_string()),
        IoOrOther::Other(e) => io::Error::other(e),
    }
}

/// An error on the way to the output: the library's, or another's text.
enum IoOrOther {
    Lib(crate::Error),
    Other(String),
}

impl From<crate::Error> for IoOrOther {
    fn from(e: crate::Error) -> Self {
        IoOrOther::Lib(e)
    }
}

impl From<std::str::Utf8Error> for IoOrOther {
    fn from(e: std::str::Utf8Error) -> Self {
        IoOrOther::Other(e.to_string())
    }
}

impl From<arrow_schema::ArrowError> for IoOrOther {
    fn from(e: arrow_schema::ArrowError) -> Self {
        IoOrOther::Other(e.to_string())
    }
}

impl<W: Write + Send> GeoOut<W> {
    pub fn new(out: W, columns: &[Column]) -> io::Result<Self> {
        let written: Vec<&Column> = columns.iter().filter(|c| !c.geometry_only).collect();
        let names: Vec<String> = written.iter().map(|c| c.name.clone()).collect();
        let geometry_name = crate::row::added_name(&names, "geometry");
        let mut fields: Vec<Field> = written
            .iter()
            .map(|c| Field::new(&c.name, data_type(c), true))
            .collect();
        let builders = fields.iter().map(|f| Builder::new(f.data_type())).collect();
        fields.push(Field::new(&geometry_name, DataType::Binary, false));
        let schema = Arc::new(Schema::new(fields));
        let sink = ParquetSink::new(out, schema.clone(), "output").map_err(io_err)?;
        Ok(GeoOut {
            sink,
            schema,
            names,
            geometry_name,
            builders,
            geometry: BinaryBuilder::new(),
            bbox: None,
            rows: 0,
        })
    }

    /// Take the rows of a block's buffer.
    pub fn write_block(&mut self, mut buf: &[u8]) -> io::Result<()> {
        let f64_at = |b: &[u8]| f64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
        let mut wkb = Vec::with_capacity(21);
        while !buf.is_empty() {
            let c = Coord {
                x: f64_at(buf),
                y: f64_at(&buf[8..]),
            };
            buf = &buf[16..];
            wkb.clear();
            push_wkb_point(&mut wkb, c);
            self.geometry.append_value(&wkb);
            let b = self.bbox.get_or_insert([c.x, c.y, c.x, c.y]);
            b[0] = b[0].min(c.x);
            b[1] = b[1].min(c.y);
            b[2] = b[2].max(c.x);
            b[3] = b[3].max(c.y);
            self.rows += 1;
            for (k, builder) in self.builders.iter_mut().enumerate() {
                let tag = buf[0];
                buf = &buf[1..];
                let mismatch = |what: &str| {
                    io::Error::other(format!(
                        "output row {}: column {:?} holds {what} where the input's first pass found only values of its type",
                        self.rows, self.names[k]
                    ))
                };
                match (tag, &mut *builder) {
                    (NULL, Builder::Int(b)) => b.append_null(),
                    (NULL, Builder::Float(b)) => b.append_null(),
                    (NULL, Builder::Bool(b)) => b.append_null(),
                    (NULL, Builder::Date(b)) => b.append_null(),
                    (NULL, Builder::Time(c, _)) => c.append(None),
                    (NULL, Builder::Text(b)) => b.append_null(),
                    (INT, Builder::Int(b)) => {
                        b.append_value(i64::from_le_bytes(buf[..8].try_into().expect("8")));
                        buf = &buf[8..];
                    }
                    (FLOAT, Builder::Float(b)) => {
                        b.append_value(f64_at(buf));
                        buf = &buf[8..];
                    }
                    (DATE, Builder::Date(b)) => {
                        let days = i64::from_le_bytes(buf[..8].try_into().expect("8"));
                        buf = &buf[8..];
                        let days = i32::try_from(days).map_err(|_| {
                            mismatch(&format!("a date {days} days from 1970, beyond Date32"))
                        })?;
                        b.append_value(days);
                    }
                    (TIME, Builder::Time(c, _)) => {
                        c.append(Some(i64::from_le_bytes(buf[..8].try_into().expect("8"))));
                        buf = &buf[8..];
                    }
                    (BOOL, Builder::Bool(b)) => {
                        b.append_value(buf[0] == 1);
                        buf = &buf[1..];
                    }
                    (TEXT, Builder::Text(b)) => {
                        let n = u32::from_le_bytes(buf[..4].try_into().expect("4")) as usize;
                        let s = std::str::from_utf8(&buf[4..4 + n]).map_err(io_err)?;
                        b.append_value(s);
                        buf = &buf[4 + n..];
                    }
                    (TEXT, _) => {
                        let n = u32::from_le_bytes(buf[..4].try_into().expect("4")) as usize;
                        let s = String::from_utf8_lossy(&buf[4..4 + n]).into_owned();
                        return Err(mismatch(&format!("{s:?}")));
                    }
                    _ => return Err(mismatch("a value of another type")),
                }
            }
            if self.geometry.len() >= BATCH_ROWS {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        arrays.push(Arc::new(self.geometry.finish()));
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(io_err)?;
        self.sink.write(&batch).map_err(io_err)
    }

    /// The last rows, the footer with the `geo` metadata; the output back.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.geometry.is_empty() {
            self.flush()?;
        }
        let geo = geo_metadata(&self.geometry_name, &["Point"], self.bbox);
        self.sink.finish(&geo).map_err(io_err)
    }
}
