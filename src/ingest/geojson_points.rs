//! GeoJSON point files: a FeatureCollection of Point features. Properties
//! become columns (the union of all features' keys, in order of first
//! appearance), followed by `longitude` and `latitude` from the geometry.
//!
//! Each feature is checked on its own: one with no geometry, a geometry
//! that is not a Point, or a coordinate out of range is a bad row like a
//! bad CSV row (an error in strict mode, a reject when invalid rows are skipped),
//! numbered from 1 in file order.

use super::header::geometry_schema;
use crate::error::{Error, Result};
use crate::layer::{Members, parse_feature};
use crate::row::{Dialect, Fields, RawRow, Schema};
use geo::Geometry;
use serde_json::Value;

type Rows = Vec<RawRow>;

/// Whether `text` (the start of a file, or all of it) looks like JSON: its
/// first character after a byte order mark and white space is `{`.
pub fn looks_like_json(text: &[u8]) -> bool {
    let t = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    t.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

pub fn read(origin: &str, text: &str) -> Result<(Schema, Rows)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let members = Members::read(origin, text)?;
    let mut columns: Vec<String> = Vec::new();
    for f in &members.features {
        if let Some(Value::Object(p)) = f.get("properties") {
            for k in p.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let schema = geometry_schema(Dialect::GeoJson, columns, false);
    let (columns, lon) = (&schema.columns, schema.lon);
    let rows = members
        .features
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let number = i as u64 + 1;
            let bad = |message: String| {
                let json = serde_json::to_vec(raw).unwrap_or_default();
                (
                    number,
                    Fields::Raw(json),
                    Err(("geometry".to_string(), message)),
                )
            };
            let f = match parse_feature(origin, i, raw) {
                Ok(f) => f,
                Err(Error::Feature { message, .. }) => return bad(message),
                Err(e) => return bad(e.to_string()),
            };
            let Geometry::Point(p) = f.geometry else {
                return bad(format!(
                    "is a {}, not a Point: point inputs must hold Point features only",
                    crate::layer::geometry_type_name(&f.geometry)
                ));
            };
            let mut values: Vec<Value> = columns[..lon]
                .iter()
                .map(|k| f.properties.get(k).cloned().unwrap_or(Value::Null))
                .collect();
            values.push(Value::from(p.x()));
            values.push(Value::from(p.y()));
            (number, Fields::Json(values), Ok(p.0))
        })
        .collect();
    Ok((schema, rows))
}
