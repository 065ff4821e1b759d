//! A point file's header: the delimiter, the coordinate columns (named, or
//! found by their usual names, never guessed between two), and the
//! dialect (ACLED, UCDP GED, plain) with its date, precision and
//! fatalities columns.

use super::options::ReadOptions;
use crate::error::{Error, Param, Result};
use crate::row::{Dialect, Schema, added_name, csv_header_line, find_column};

/// The header of a CSV reader as column names, a byte order mark left
/// out; `origin` names the file in errors.
pub fn csv_header<R: std::io::Read>(r: &mut csv::Reader<R>, origin: &str) -> Result<Vec<String>> {
    Ok(r.headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => Error::Row {
                origin: origin.to_string(),
                line: 1,
                column: format!("column {}", err.field() + 1),
                message: "the header is not valid UTF-8 (save the file as UTF-8)".into(),
            },
            _ => Error::Csv {
                origin: origin.to_string(),
                source: e,
            },
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// How a delimiter reads in a message.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma-separated",
        b';' => "semicolon-separated",
        b'\t' => "tab-separated",
        b'|' => "pipe-separated",
        _ => "separated by a custom delimiter",
    }
}

/// The delimiter of a CSV file, from its first line: whichever of comma,
/// semicolon, tab and pipe occurs most often outside quotes (comma when
/// none does, or tab for a `.tsv` file: `tsv`).
pub fn sniff_delimiter(head: &[u8], tsv: bool) -> u8 {
    let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(head.len());
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    let mut quoted = false;
    for &c in &head[start..] {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = CANDIDATES.iter().position(|&d| d == c) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&k| (counts[k], 4 - k)).unwrap_or(0);
    if counts[best] == 0 && tsv {
        b'\t'
    } else if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

/// Names looked for, in two tiers: the second only when the first finds
/// nothing.
const LAT_NAMES: [&[&str]; 2] = [&["latitude", "lat"], &["y"]];
const LON_NAMES: [&[&str]; 2] = [&["longitude", "lon", "lng", "long"], &["x"]];

/// The column for one coordinate: the one named (exactly, else ignoring
/// case), or the one column whose name is a known name of it. More than
/// one candidate is an error listing them: frontier never guesses.
fn coordinate_column(
    origin: &str,
    columns: &[String],
    param: Param,
    named: Option<&str>,
    tiers: [&[&str]; 2],
) -> Result<Option<usize>> {
    let listing = |found: &[usize]| {
        found
            .iter()
            .map(|&i| format!("{:?} (column {})", columns[i], i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ambiguous = |found: &[usize]| Error::AmbiguousColumn {
        origin: origin.to_string(),
        param,
        candidates: listing(found),
    };
    let norm = |c: &str| c.trim().to_ascii_lowercase();
    if let Some(n) = named {
        let exact: Vec<usize> = (0..columns.len()).filter(|&i| columns[i] == n).collect();
        // A column number (from 1), where no column is called so: the way
        // to choose between two columns of one name.
        if let (true, Ok(k)) = (exact.is_empty(), n.trim().parse::<usize>())
            && (1..=columns.len()).contains(&k)
        {
            return Ok(Some(k - 1));
        }
        let found = if exact.is_empty() {
            (0..columns.len())
                .filter(|&i| norm(&columns[i]) == norm(n))
                .collect()
        } else {
            exact
        };
        return match found.len() {
            0 => Err(Error::MissingColumn {
                origin: origin.to_string(),
                param,
                named: Some(n.to_string()),
                columns: columns.to_vec(),
            }),
            1 => Ok(Some(found[0])),
            _ => Err(ambiguous(&found)),
        };
    }
    for names in tiers {
        let found: Vec<usize> = (0..columns.len())
            .filter(|&i| names.contains(&norm(&columns[i]).as_str()))
            .collect();
        match found.len() {
            0 => continue,
            1 => return Ok(Some(found[0])),
            _ => return Err(ambiguous(&found)),
        }
    }
    Ok(None)
}

/// Work out the coordinate columns and the dialect from the header.
pub fn schema(
    origin: &str,
    columns: Vec<String>,
    opts: &ReadOptions,
    delimiter: u8,
) -> Result<Schema> {
    let lat = coordinate_column(
        origin,
        &columns,
        Param::Latitude,
        opts.lat.as_deref(),
        LAT_NAMES,
    )?;
    let lon = coordinate_column(
        origin,
        &columns,
        Param::Longitude,
        opts.lon.as_deref(),
        LON_NAMES,
    )?;
    let (Some(lat), Some(lon)) = (lat, lon) else {
        let shown = String::from_utf8_lossy(&[delimiter]).into_owned();
        return Err(Error::NoCoordinates {
            origin: origin.to_string(),
            read_as: delimiter_name(delimiter).to_string(),
            columns: columns.join(&format!("{shown} ")),
        });
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
        header_line: None,
        delimiter,
    })
}

/// The schema of a file whose points come from a geometry (GeoJSON,
/// GeoParquet): its `columns`, then the longitude and latitude frontier
/// adds (`longitude`, or `frontier_longitude` when the file has one, as
/// for every column frontier adds), and
/// the date, precision and fatalities columns found by name.
pub(crate) fn geometry_schema(
    dialect: Dialect,
    mut columns: Vec<String>,
    header_line: bool,
) -> Schema {
    let lon_name = added_name(&columns, "longitude");
    columns.push(lon_name);
    let lat_name = added_name(&columns, "latitude");
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
