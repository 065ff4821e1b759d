//! CSV point files: plain, ACLED and UCDP GED. UTF-8 with or without BOM,
//! CRLF or LF, quoted fields with commas and newlines; `-` is standard input.

use super::{Dialect, Fields, ReadOptions, Schema, find_column, parse_coord};
use crate::error::{Error, Result};
use std::io::Read;

type RowResult = Result<super::RawRow>;

/// Coordinate column pairs looked for, in order of preference.
pub const COORD_NAMES: &[(&str, &str)] = &[
    ("latitude", "longitude"),
    ("lat", "lon"),
    ("lat", "lng"),
    ("lat", "long"),
    ("y", "x"),
];

pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::StringRecord,
    origin: String,
    ncols: usize,
}

impl CsvRows {
    pub fn open(path: &str, origin: &str) -> Result<(CsvRows, Vec<String>, Option<u64>)> {
        let (input, len): (Box<dyn Read + Send>, Option<u64>) = if path == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(std::io::BufReader::with_capacity(1 << 20, f)), len)
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader.headers().map_err(|e| Error::Csv {
            origin: origin.to_string(),
            source: e,
        })?;
        if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
            return Err(Error::GeoJson {
                origin: origin.to_string(),
                message: "empty file: no header row".into(),
            });
        }
        let columns: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let ncols = columns.len();
        Ok((
            CsvRows {
                reader,
                record: csv::StringRecord::new(),
                origin: origin.to_string(),
                ncols,
            },
            columns,
            len,
        ))
    }

    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    pub fn next(&mut self, schema: &Schema) -> Option<RowResult> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let coord = if self.record.len() != self.ncols {
                    Err((
                        "(row)".to_string(),
                        format!(
                            "has {} fields, the header has {}",
                            self.record.len(),
                            self.ncols
                        ),
                    ))
                } else {
                    parse_coord(
                        &schema.columns[schema.lat],
                        &self.record[schema.lat],
                        &schema.columns[schema.lon],
                        &self.record[schema.lon],
                    )
                };
                Some(Ok((line, Fields::Text(self.record.clone()), coord)))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                match e.kind() {
                    csv::ErrorKind::Utf8 { err, .. } => {
                        let col = schema
                            .columns
                            .get(err.field())
                            .cloned()
                            .unwrap_or_else(|| format!("field {}", err.field() + 1));
                        Some(Ok((
                            line,
                            Fields::Text(csv::StringRecord::new()),
                            Err((col, "not valid UTF-8".to_string())),
                        )))
                    }
                    _ => Some(Err(Error::Csv {
                        origin: self.origin.clone(),
                        source: e,
                    })),
                }
            }
        }
    }
}

/// Work out the coordinate columns and the dialect from the header.
pub fn schema(origin: &str, columns: Vec<String>, opts: &ReadOptions) -> Result<Schema> {
    let listing = || columns.join(", ");
    let named = |flag: &str, name: &Option<String>| -> Result<Option<usize>> {
        match name {
            None => Ok(None),
            Some(n) => find_column(&columns, n).map(Some).ok_or_else(|| {
                Error::Unknown(format!(
                    "{origin}: no column named {n:?} for {flag} (columns: {})",
                    listing()
                ))
            }),
        }
    };
    let mut lat = named("--lat", &opts.lat)?;
    let mut lon = named("--lon", &opts.lon)?;
    if lat.is_none() || lon.is_none() {
        for (la, lo) in COORD_NAMES {
            if let (Some(a), Some(b)) = (find_column(&columns, la), find_column(&columns, lo)) {
                lat = lat.or(Some(a));
                lon = lon.or(Some(b));
                break;
            }
        }
    }
    let (Some(lat), Some(lon)) = (lat, lon) else {
        return Err(Error::Unknown(format!(
            "{origin}: no coordinate columns found (looked for latitude/longitude, lat/lon, lat/lng, lat/long, y/x); name them with --lat and --lon (columns: {})",
            listing()
        )));
    };
    let has = |n: &str| find_column(&columns, n);
    let dialect = if has("event_id_cnty").is_some() && has("event_date").is_some() {
        Dialect::Acled
    } else if has("date_start").is_some() && has("where_prec").is_some() {
        Dialect::Ucdp
    } else {
        Dialect::Plain
    };
    let (date, precision, fatalities) = match dialect {
        Dialect::Acled => (has("event_date"), has("geo_precision"), has("fatalities")),
        Dialect::Ucdp => (has("date_start"), has("where_prec"), has("best")),
        _ => (
            has("event_date").or_else(|| has("date")),
            has("geo_precision").or_else(|| has("precision")),
            has("fatalities"),
        ),
    };
    Ok(Schema {
        columns,
        dialect,
        lat,
        lon,
        date,
        precision,
        fatalities,
        synthetic_coords: false,
    })
}
