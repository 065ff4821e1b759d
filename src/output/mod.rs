//! Writing point rows: one writer per format (CSV, GeoJSON, JSON, NDJSON),
//! all streaming, all keeping the input order and the column order.

pub(crate) mod cell;
mod file;
mod table;

#[cfg(feature = "geoparquet")]
use crate::geoparquet::write as geoparquet;
pub(crate) use cell::write_fixed;
pub use cell::{Cell, Column};
pub use file::{AtomicFile, remove_pending};
pub use table::{TableFormat, rounded, thousands, write_table, write_table_exact};

use crate::row::{Fields, csv_field};
pub use crate::row::{Kind, added_name, json_number};
use geo::Coord;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A GeoJSON FeatureCollection of Point features.
    Geojson,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// GeoParquet 1.1: the columns with their kinds, and the points as WKB.
    GeoParquet,
}

impl Format {
    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::GeoParquet
    }
}

impl crate::Named for Format {
    const ALL: &'static [(&'static str, Format)] = &[
        ("csv", Format::Csv),
        ("geojson", Format::Geojson),
        ("json", Format::Json),
        ("ndjson", Format::Ndjson),
        ("geoparquet", Format::GeoParquet),
    ];
}

/// Rows formatted ahead of writing (on any thread), in input order.
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// CSV bytes, or one JSON text per row.
    csv: Vec<u8>,
    json: Vec<String>,
    rows: u64,
}

impl Block {
    /// An empty block writing its CSV into `buf` (emptied), with room for
    /// at least `bytes`.
    pub fn with_buffer(mut buf: Vec<u8>, bytes: usize) -> Self {
        buf.clear();
        buf.reserve(bytes);
        Block {
            csv: buf,
            ..Block::default()
        }
    }

    /// The CSV buffer, for reuse.
    pub fn into_buffer(self) -> Vec<u8> {
        self.csv
    }

    /// Rows in the block.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// Formats rows; cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Formatter<'a> {
    format: Format,
    columns: &'a [Column],
}

/// The I/O error inside a CSV error (so a closed pipe stays recognisable).
fn csv_io(e: csv::Error) -> io::Error {
    if let csv::ErrorKind::Io(_) = e.kind() {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            _ => unreachable!(),
        }
    } else {
        io::Error::other(e)
    }
}

impl<'a> Formatter<'a> {
    /// A formatter for `columns` (the carried ones, then the added ones).
    pub fn new(format: Format, columns: &'a [Column]) -> Self {
        Formatter { format, columns }
    }

    fn object(&self, fields: &Fields, added: &[Cell], geojson: bool) -> Map<String, Value> {
        let mut m = Map::new();
        let carried = self.columns.len() - added.len();
        // JSON values keep their own types; CSV text is split once.
        let texts = match fields {
            Fields::Json(_) => Vec::new(),
            _ => fields.texts(),
        };
        let text = |i: usize| match fields {
            Fields::Json(_) => fields.text(i),
            _ => texts.get(i).cloned().unwrap_or_default(),
        };
        for (i, c) in self.columns.iter().enumerate() {
            if geojson && c.geometry_only {
                continue;
            }
            // Numbers as numbers; booleans stay as they came in JSON.
            let v = if i < carried && matches!(c.kind, Kind::Integer | Kind::Float) {
                match json_number(&text(i)) {
                    Some(n) => Value::Number(n),
                    None => Value::Null,
                }
            } else if i < carried {
                match fields {
                    Fields::Json(_) => fields.value(i),
                    _ => Value::String(text(i).into_owned()),
                }
            } else {
                added[i - carried].json(c.decimals)
            };
            m.insert(c.name.clone(), v);
        }
        m
    }

    /// Append one row (carried fields, added values, position) to `b`.
    pub(crate) fn row(&self, b: &mut Block, fields: &Fields, added: &[Cell], coord: Coord) {
        match self.format {
            Format::Csv => {
                let out = &mut b.csv;
                let carried = self.columns.len() - added.len();
                match fields.csv_line() {
                    // A line read without quotes is already its own CSV.
                    Some(line) if fields.len() == carried => out.extend_from_slice(line.as_bytes()),
                    _ => {
                        let texts = fields.texts();
                        for i in 0..carried {
                            if i > 0 {
                                out.push(b',');
                            }
                            let t = texts.get(i).map_or("", |t| t.as_ref());
                            csv_field(out, t.as_bytes(), b',');
                        }
                    }
                }
                for (v, c) in added.iter().zip(&self.columns[carried..]) {
                    out.push(b',');
                    match v {
                        Cell::Text(t) => csv_field(out, t.as_bytes(), b','),
                        Cell::Number(x) if x.is_finite() => {
                            // Numbers hold no byte that needs quoting.
                            match c.decimals {
                                Some(d) => write_fixed(out, *x, d),
                                None => {
                                    let _ = write!(out, "{x}");
                                }
                            }
                        }
                        Cell::Number(_) | Cell::Empty => {}
                    }
                }
                out.push(b'\n');
            }
            Format::Geojson => b.json.push(format!(
                "{{\"type\":\"Feature\",\"properties\":{},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}}}}",
                Value::Object(self.object(fields, added, true)),
                coord.x,
                coord.y
            )),
            Format::Json | Format::Ndjson => b
                .json
                .push(Value::Object(self.object(fields, added, false)).to_string()),
            #[cfg(feature = "geoparquet")]
            Format::GeoParquet => geoparquet::encode_row(&mut b.csv, self.columns, fields, added, coord),
            #[cfg(not(feature = "geoparquet"))]
            Format::GeoParquet => unreachable!("no GeoParquet writer without the feature"),
        }
        b.rows += 1;
    }
}

/// Writes rows in one format, in order.
pub struct RowWriter<W: Write + Send> {
    out: Out<W>,
    format: Format,
    columns: Vec<Column>,
    rows: u64,
}

/// Where rows go: straight to the output, or through the GeoParquet writer.
enum Out<W: Write + Send> {
    Plain(W),
    #[cfg(feature = "geoparquet")]
    Geo(Box<geoparquet::GeoOut<W>>),
}

impl<W: Write + Send> RowWriter<W> {
    /// Start writing: the header (CSV) or the opening of the collection.
    pub fn new(mut out: W, format: Format, columns: Vec<Column>) -> io::Result<Self> {
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(columns.iter().map(|c| c.name.as_str()))
                    .map_err(csv_io)?;
                out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
            }
            Format::Geojson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?
            }
            Format::Json => out.write_all(b"[\n")?,
            Format::Ndjson => {}
            #[cfg(feature = "geoparquet")]
            Format::GeoParquet => {
                return Ok(RowWriter {
                    out: Out::Geo(Box::new(geoparquet::GeoOut::new(out, &columns)?)),
                    format,
                    columns,
                    rows: 0,
                });
            }
            #[cfg(not(feature = "geoparquet"))]
            Format::GeoParquet => {
                return Err(io::Error::other(
                    "this build of frontier writes no GeoParquet (built without the geoparquet feature)",
                ));
            }
        }
        Ok(RowWriter {
            out: Out::Plain(out),
            format,
            columns,
            rows: 0,
        })
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The output columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// A formatter for blocks of rows, usable from any thread.
    pub fn formatter(&self) -> Formatter<'_> {
        Formatter {
            format: self.format,
            columns: &self.columns,
        }
    }

    /// Write a formatted block.
    // Without the geoparquet feature `Out` has one variant.
    #[allow(clippy::infallible_destructuring_match)]
    pub(crate) fn write_block(&mut self, b: &Block) -> io::Result<()> {
        let out = match &mut self.out {
            Out::Plain(out) => out,
            #[cfg(feature = "geoparquet")]
            Out::Geo(g) => {
                g.write_block(&b.csv)?;
                self.rows += b.rows;
                return Ok(());
            }
        };
        match self.format {
            Format::Csv => out.write_all(&b.csv)?,
            Format::Ndjson => {
                for j in &b.json {
                    out.write_all(j.as_bytes())?;
                    out.write_all(b"\n")?;
                }
            }
            Format::Geojson | Format::Json => {
                for (i, j) in b.json.iter().enumerate() {
                    if self.rows + i as u64 > 0 {
                        out.write_all(b",\n")?;
                    }
                    out.write_all(j.as_bytes())?;
                }
            }
            Format::GeoParquet => unreachable!("GeoParquet goes through its writer"),
        }
        self.rows += b.rows;
        Ok(())
    }

    /// Write one row: carried fields, added values, position.
    pub fn row(&mut self, fields: &Fields, added: &[Cell], coord: Coord) -> io::Result<()> {
        let mut b = Block::default();
        self.formatter().row(&mut b, fields, added, coord);
        self.write_block(&b)
    }

    /// Close the collection, flush, and hand back the output.
    #[allow(clippy::infallible_destructuring_match)]
    pub fn finish(self) -> io::Result<W> {
        let mut out = match self.out {
            Out::Plain(out) => out,
            #[cfg(feature = "geoparquet")]
            Out::Geo(g) => {
                let mut out = g.finish()?;
                out.flush()?;
                return Ok(out);
            }
        };
        match self.format {
            Format::Geojson => out.write_all(b"\n]}\n")?,
            Format::Json => out.write_all(b"\n]\n")?,
            _ => {}
        }
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(format: Format) -> String {
        let cols = vec![
            Column::text("name"),
            Column::text("note"),
            Column::fixed("distance_km", 3),
        ];
        let mut w = RowWriter::new(Vec::new(), format, cols).unwrap();
        let fields = Fields::Text(
            csv::StringRecord::from(vec!["Wana", "a, \"quoted\"\nnote"]),
            None,
        );
        w.row(&fields, &[Cell::from(12.3)], Coord { x: 69.5, y: 32.3 })
            .unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn csv_quotes_and_fixes_decimals() {
        assert_eq!(
            rows(Format::Csv),
            "name,note,distance_km\nWana,\"a, \"\"quoted\"\"\nnote\",12.300\n"
        );
    }

    #[test]
    fn json_formats_parse_back() {
        let g: Value = serde_json::from_str(&rows(Format::Geojson)).unwrap();
        assert_eq!(g["features"][0]["geometry"]["coordinates"][0], 69.5);
        assert_eq!(g["features"][0]["properties"]["distance_km"], 12.3);
        let j: Value = serde_json::from_str(&rows(Format::Json)).unwrap();
        assert_eq!(j[0]["name"], "Wana");
        let n = rows(Format::Ndjson);
        assert_eq!(n.lines().count(), 1);
        let o: Value = serde_json::from_str(n.lines().next().unwrap()).unwrap();
        assert_eq!(o["note"], "a, \"quoted\"\nnote");
    }

    #[test]
    fn added_cells_in_csv_and_json() {
        let cols = vec![
            Column::text("id"),
            Column::text("name"),
            Column::fixed("km", 2),
            Column::fixed("none", 2),
            Column::text("empty"),
        ];
        let fields = Fields::Text(csv::StringRecord::from(vec!["7"]), None);
        let cells = [
            Cell::from("Dera Ismail Khan, KP"),
            Cell::from(1.005_f64 + 1.0),
            Cell::from(f64::NAN),
            Cell::Empty,
        ];
        let mut w = RowWriter::new(Vec::new(), Format::Csv, cols.clone()).unwrap();
        w.row(&fields, &cells, Coord { x: 0.0, y: 0.0 }).unwrap();
        let csv = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            csv.lines().nth(1),
            Some("7,\"Dera Ismail Khan, KP\",2.00,,")
        );
        let mut w = RowWriter::new(Vec::new(), Format::Ndjson, cols).unwrap();
        w.row(&fields, &cells, Coord { x: 0.0, y: 0.0 }).unwrap();
        let o: Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
        assert_eq!(o["name"], "Dera Ismail Khan, KP");
        assert_eq!(o["km"], 2.0, "rounded as in the CSV");
        assert_eq!(o["none"], Value::Null);
        assert_eq!(o["empty"], Value::Null);
    }

    #[test]
    fn fixed_decimals_are_written_as_the_formatter_writes_them() {
        let mut x = 5u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x
        };
        let mut cases: Vec<f64> = vec![
            0.0, -0.0, 0.5, 1.5, 2.5, -0.0004, -0.0005, 0.0005, 0.0015, 1e-9, 123.4565, 999.9995,
            4.0e12, 1e300, -1e300, 0.125, 0.375,
        ];
        for _ in 0..200_000 {
            let r = next();
            let scale = 10f64.powi((r % 14) as i32 - 4);
            let v = ((next() >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * scale;
            cases.push(v);
            // Values on and next to a decimal half.
            let h = ((next() % 2_000_000) as f64 + 0.5) / 1000.0;
            cases.push(h);
            cases.push(f64::from_bits(h.to_bits() + 1));
            cases.push(f64::from_bits(h.to_bits() - 1));
        }
        for v in cases {
            for d in [0usize, 1, 3, 5, 6, 9, 12] {
                let mut out = Vec::new();
                write_fixed(&mut out, v, d);
                let want = format!("{v:.d$}");
                // The formatter's `-0.00` is written `0.00`.
                let want = match want.strip_prefix('-') {
                    Some(z) if z.bytes().all(|b| b == b'0' || b == b'.') => z.to_string(),
                    _ => want,
                };
                assert_eq!(String::from_utf8(out).unwrap(), want, "{v:e} with {d}");
            }
        }
    }
}
