//! GeoJSON point files: a FeatureCollection of Point features. Properties
//! become columns (the union of all features' keys, in order of first
//! appearance), followed by `longitude` and `latitude` from the geometry.

use super::{Dialect, Schema};
use crate::error::{Error, Result};
use crate::layer::Layer;
use geo::Geometry;
use serde_json::Value;

type Rows = Vec<super::RawRow>;

pub fn read(origin: &str, text: &str) -> Result<(Schema, Rows)> {
    // The layer loader validates JSON syntax, structure and coordinate ranges.
    let layer = Layer::from_geojson_str("points", origin, text)?;
    let mut columns: Vec<String> = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        if !matches!(f.geometry, Geometry::Point(_)) {
            return Err(Error::Feature {
                origin: origin.to_string(),
                index: i,
                name: f.name().map(|n| format!(" ({n})")).unwrap_or_default(),
                message: format!(
                    "is a {}, not a Point: point inputs must hold Point features only",
                    crate::layer::geometry_type_name(&f.geometry)
                ),
            });
        }
        for k in f.properties.keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut lon_name = "longitude".to_string();
    while columns.contains(&lon_name) {
        lon_name.insert(0, '_');
    }
    let mut lat_name = "latitude".to_string();
    while columns.contains(&lat_name) {
        lat_name.insert(0, '_');
    }
    let lon = columns.len();
    columns.push(lon_name);
    let lat = columns.len();
    columns.push(lat_name);
    let rows = layer
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let Geometry::Point(p) = f.geometry else {
                unreachable!("checked above")
            };
            let mut values: Vec<Value> = columns[..lon]
                .iter()
                .map(|k| f.properties.get(k).cloned().unwrap_or(Value::Null))
                .collect();
            values.push(Value::from(p.x()));
            values.push(Value::from(p.y()));
            (i as u64 + 1, super::Fields::Json(values), Ok(p.0))
        })
        .collect();
    let has = |n: &str| super::find_column(&columns, n);
    let schema = Schema {
        dialect: Dialect::GeoJson,
        lat,
        lon,
        date: has("event_date")
            .or_else(|| has("date_start"))
            .or_else(|| has("date")),
        precision: has("geo_precision").or_else(|| has("where_prec")),
        fatalities: has("fatalities").or_else(|| has("best")),
        synthetic_coords: true,
        columns,
    };
    Ok((schema, rows))
}
