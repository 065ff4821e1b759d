//! [`PointSource`]: a stream of rows from a point file, whatever its
//! format (CSV, GeoJSON, (Geo)Parquet), from a path or any reader.

use super::dates::parse_date;
use super::options::{FormatHint, ReadOptions};
use super::{csv_points, geojson_points, header};
use crate::error::{Error, Param, Result};
#[cfg(feature = "geoparquet")]
use crate::geoparquet::read::ParquetRows;
use crate::row::{Dialect, Fields, RawRow, Record, Reject, Row, Schema};
use serde_json::Value;
use std::io::Read as _;

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

/// A stream of rows from a point file.
pub struct PointSource {
    pub(super) origin: String,
    pub(super) schema: Schema,
    pub(super) opts: ReadOptions,
    pub(super) inner: Inner,
    /// Bytes of input consumed so far (for progress), where known.
    pub(super) len: Option<u64>,
}

pub(super) enum Inner {
    Csv(csv_points::CsvRows),
    Features(std::vec::IntoIter<RawRow>),
    #[cfg(feature = "geoparquet")]
    Parquet(ParquetRows),
}

/// Rows in file order: `for row in source { ... }` (see
/// [`PointSource::next_row`]).
impl Iterator for PointSource {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        self.next_row()
    }
}

impl PointSource {
    /// Open `path` (`-` for standard input; a named pipe or device is read
    /// as a stream too). GeoJSON is recognised by its
    /// content (the first character is `{`), whatever the file is called,
    /// or by the `.geojson`/`.json` extension; anything else is CSV.
    ///
    /// # Examples
    /// The eight reference events shipped with frontier, row by row:
    /// ```
    /// use frontier::ingest::{PointSource, ReadOptions, Row};
    ///
    /// let mut events = PointSource::open("assets/events-reference.csv", &ReadOptions::default())?;
    /// assert_eq!(events.schema().columns[0], "event_date");
    /// let mut lines = Vec::new();
    /// while let Some(row) = events.next_row() {
    ///     match row? {
    ///         Row::Record(r) => lines.push((r.line, r.coord.x, r.coord.y)),
    ///         Row::Reject(_) => unreachable!("a strict read stops at a bad row with an Err"),
    ///     }
    /// }
    /// assert_eq!(lines.len(), 8);
    /// assert_eq!(lines[0], (2, 73.290, 35.292)); // Dasu, on the file's line 2
    /// # Ok::<(), frontier::Error>(())
    /// ```
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
            let meta = f.metadata().map_err(|e| Error::io(path, e))?;
            if !meta.is_file() {
                // A named pipe, a device, `<(cmd)` or /dev/stdin: read as a
                // stream, as standard input is (no seeking back).
                let hint = FormatHint::from_path(path);
                return PointSource::from_reader(Box::new(f), &origin, hint, opts);
            }
            let len = Some(meta.len());
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
    ///
    /// # Examples
    /// GeoJSON points held in memory; a bad row is an error naming the
    /// place, or a reject with [`ReadOptions::skip_invalid`]:
    /// ```
    /// use frontier::ingest::{FormatHint, PointSource, ReadOptions, Row};
    ///
    /// let geojson = r#"{"type": "FeatureCollection", "features": [
    ///   {"type": "Feature", "properties": {"name": "Torkham"},
    ///    "geometry": {"type": "Point", "coordinates": [71.096, 34.126]}}]}"#;
    /// let mut src = PointSource::from_reader(
    ///     Box::new(geojson.as_bytes()),
    ///     "crossings.geojson",
    ///     FormatHint::None,
    ///     &ReadOptions::default(),
    /// )?;
    /// let Some(Ok(Row::Record(torkham))) = src.next_row() else { panic!("one point") };
    /// assert_eq!((torkham.coord.x, torkham.coord.y), (71.096, 34.126));
    /// assert!(src.next_row().is_none());
    ///
    /// let csv = "id,latitude,longitude\n1,34.0,71.5\n2,95.0,71.5\n";
    /// let mut lenient = ReadOptions::default();
    /// lenient.skip_invalid = true;
    /// let src = PointSource::from_reader(Box::new(csv.as_bytes()), "e.csv", FormatHint::None, &lenient)?;
    /// let rows: Vec<Row> = src.collect::<Result<_, _>>()?;
    /// assert!(matches!(&rows[1], Row::Reject(r) if r.line == 3));
    /// # Ok::<(), frontier::Error>(())
    /// ```
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
        let (rows, schema) = ParquetRows::open(input.chunks(), origin, opts)?;
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
    /// otherwise they are found by reading ([`super::column_kinds`]).
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
pub(super) fn finish(
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
