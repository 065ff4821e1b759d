//! Writing point rows: one writer per format (CSV, GeoJSON, JSON, NDJSON),
//! all streaming, all keeping the input order and the column order.

use geo::Coord;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A GeoJSON FeatureCollection of Point features.
    Geojson,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

/// A column of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name.
    pub name: String,
    /// For numeric columns frontier adds: decimals to print in CSV.
    pub decimals: Option<usize>,
    /// Leave out of GeoJSON properties (the coordinates frontier made up for
    /// GeoJSON input, which are in the geometry).
    pub geometry_only: bool,
}

impl Column {
    /// A carried (text) column.
    pub fn text(name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            decimals: None,
            geometry_only: false,
        }
    }

    /// A numeric column printed with `d` decimals in CSV.
    pub fn fixed(name: impl Into<String>, d: usize) -> Self {
        Column {
            name: name.into(),
            decimals: Some(d),
            geometry_only: false,
        }
    }
}

/// Writes rows in one format.
pub struct RowWriter<W: Write> {
    sink: Sink<W>,
    format: Format,
    columns: Vec<Column>,
    rows: u64,
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Raw(W),
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

fn cell_text(v: &Value, decimals: Option<usize>) -> String {
    match (v, decimals) {
        (Value::Number(n), Some(d)) => match n.as_f64() {
            Some(x) => format!("{x:.d$}"),
            None => n.to_string(),
        },
        (Value::String(s), _) => s.clone(),
        (Value::Null, _) => String::new(),
        (other, _) => other.to_string(),
    }
}

impl<W: Write> RowWriter<W> {
    /// Start writing: the header (CSV) or the opening of the collection.
    pub fn new(mut out: W, format: Format, columns: Vec<Column>) -> io::Result<Self> {
        let sink = match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .from_writer(out);
                w.write_record(columns.iter().map(|c| c.name.as_str()))
                    .map_err(csv_io)?;
                Sink::Csv(Box::new(w))
            }
            Format::Geojson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
                Sink::Raw(out)
            }
            Format::Json => {
                out.write_all(b"[\n")?;
                Sink::Raw(out)
            }
            Format::Ndjson => Sink::Raw(out),
        };
        Ok(RowWriter {
            sink,
            format,
            columns,
            rows: 0,
        })
    }

    fn object(&self, values: &[Value], geojson: bool) -> Map<String, Value> {
        let mut m = Map::new();
        for (c, v) in self.columns.iter().zip(values) {
            if geojson && c.geometry_only {
                continue;
            }
            let v = match (v, c.decimals) {
                (Value::Number(n), Some(d)) => n
                    .as_f64()
                    .map(|x| {
                        let k = 10f64.powi(d as i32);
                        Value::from((x * k).round() / k)
                    })
                    .unwrap_or_else(|| v.clone()),
                _ => v.clone(),
            };
            m.insert(c.name.clone(), v);
        }
        m
    }

    /// Write one row: its values in column order, and its position.
    pub fn row(&mut self, values: &[Value], coord: Coord) -> io::Result<()> {
        let sep = if self.rows == 0 { "" } else { ",\n" };
        let text = match self.format {
            Format::Csv => String::new(),
            Format::Geojson => format!(
                "{sep}{{\"type\":\"Feature\",\"properties\":{},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}}}}",
                Value::Object(self.object(values, true)),
                coord.x,
                coord.y
            ),
            Format::Json => format!("{sep}{}", Value::Object(self.object(values, false))),
            Format::Ndjson => format!("{}\n", Value::Object(self.object(values, false))),
        };
        match &mut self.sink {
            Sink::Csv(w) => w
                .write_record(
                    self.columns
                        .iter()
                        .zip(values)
                        .map(|(c, v)| cell_text(v, c.decimals)),
                )
                .map_err(csv_io)?,
            Sink::Raw(out) => out.write_all(text.as_bytes())?,
        }
        self.rows += 1;
        Ok(())
    }

    /// Close the collection, flush, and hand back the output.
    pub fn finish(self) -> io::Result<W> {
        match self.sink {
            Sink::Csv(w) => w
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|mut o| {
                    o.flush()?;
                    Ok(o)
                }),
            Sink::Raw(mut out) => {
                match self.format {
                    Format::Geojson => out.write_all(b"\n]}\n")?,
                    Format::Json => out.write_all(b"\n]\n")?,
                    _ => {}
                }
                out.flush()?;
                Ok(out)
            }
        }
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
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
        w.row(
            &[
                Value::from("Wana"),
                Value::from("a, \"quoted\"\nnote"),
                Value::from(12.3),
            ],
            Coord { x: 69.5, y: 32.3 },
        )
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
}
