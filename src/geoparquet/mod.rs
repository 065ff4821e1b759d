//! GeoParquet: what frontier's Parquet reader and writers share. Geometry
//! as WKB (OGC Simple Features, ISO 13249; the EWKB flags of PostGIS are
//! read too), the `geo` file metadata of GeoParquet 1.1
//! (<https://geoparquet.org/releases/v1.1.0/>), and WGS84 longitude/latitude
//! (OGC:CRS84) as the only coordinate system.
//!
//! Built with the `geoparquet` feature (on by default). The reader of
//! point files is in `read`, the writer of point rows in `write`; this
//! file holds what both share and the layer writer.

pub(crate) mod read;
pub(crate) mod write;

use crate::error::{Error, Result};
use crate::layer::Layer;
use arrow_array::builder::StringBuilder;
use arrow_array::builder::{BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema as ArrowSchema};
use geo::{Coord, Geometry};
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::arrow::{ARROW_SCHEMA_META_KEY, ArrowWriter, encode_arrow_schema};
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;

/// The GeoParquet version frontier writes.
pub const VERSION: &str = "1.1.0";

/// OGC:CRS84 (WGS84, longitude then latitude, degrees) as PROJJSON, as
/// PROJ 9.5 defines it (`projinfo OGC:CRS84 -o PROJJSON`): the coordinate
/// system of everything frontier reads and writes.
pub(crate) const CRS84_PROJJSON: &str = r#"{"$schema":"https://proj.org/schemas/v0.7/projjson.schema.json","type":"GeographicCRS","name":"WGS 84 (CRS84)","datum_ensemble":{"name":"World Geodetic System 1984 ensemble","members":[{"name":"World Geodetic System 1984 (Transit)","id":{"authority":"EPSG","code":1166}},{"name":"World Geodetic System 1984 (G730)","id":{"authority":"EPSG","code":1152}},{"name":"World Geodetic System 1984 (G873)","id":{"authority":"EPSG","code":1153}},{"name":"World Geodetic System 1984 (G1150)","id":{"authority":"EPSG","code":1154}},{"name":"World Geodetic System 1984 (G1674)","id":{"authority":"EPSG","code":1155}},{"name":"World Geodetic System 1984 (G1762)","id":{"authority":"EPSG","code":1156}},{"name":"World Geodetic System 1984 (G2139)","id":{"authority":"EPSG","code":1309}},{"name":"World Geodetic System 1984 (G2296)","id":{"authority":"EPSG","code":1383}}],"ellipsoid":{"name":"WGS 84","semi_major_axis":6378137,"inverse_flattening":298.257223563},"accuracy":"2.0","id":{"authority":"EPSG","code":6326}},"coordinate_system":{"subtype":"ellipsoidal","axis":[{"name":"Geodetic longitude","abbreviation":"Lon","direction":"east","unit":"degree"},{"name":"Geodetic latitude","abbreviation":"Lat","direction":"north","unit":"degree"}]},"scope":"Not known.","area":"World.","bbox":{"south_latitude":-90,"west_longitude":-180,"north_latitude":90,"east_longitude":180},"id":{"authority":"OGC","code":"CRS84"}}"#;

/// Rows per record batch (and so per page run) in the files frontier writes.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// The name of a WKB geometry type code (without Z/M/SRID flags).
fn wkb_type_name(code: u32) -> &'static str {
    match code {
        1 => "Point",
        2 => "LineString",
        3 => "Polygon",
        4 => "MultiPoint",
        5 => "MultiLineString",
        6 => "MultiPolygon",
        7 => "GeometryCollection",
        _ => "geometry of unknown type",
    }
}

/// The position in a WKB Point (2D, Z, M or ZM, ISO or EWKB; any Z or M
/// is left aside), or why there is none.
pub(crate) fn wkb_point(b: &[u8]) -> std::result::Result<Coord, String> {
    if b.len() < 5 || b[0] > 1 {
        return Err("geometry is not WKB".into());
    }
    let le = b[0] == 1;
    let u32_at = |i: usize| {
        let w: [u8; 4] = b[i..i + 4].try_into().expect("4 bytes");
        if le {
            u32::from_le_bytes(w)
        } else {
            u32::from_be_bytes(w)
        }
    };
    let ty = u32_at(1);
    // EWKB flags: Z, M, SRID (then 4 bytes of SRID before the coordinates).
    let mut at = 5;
    if ty & 0x2000_0000 != 0 {
        at += 4;
    }
    let code = (ty & 0x0fff_ffff) % 1000;
    if code != 1 {
        return Err(format!(
            "geometry is a {}, not a Point: point inputs must hold points only",
            wkb_type_name(code)
        ));
    }
    if b.len() < at + 16 {
        return Err("geometry is cut short (WKB point without coordinates)".into());
    }
    let f64_at = |i: usize| {
        let w: [u8; 8] = b[i..i + 8].try_into().expect("8 bytes");
        if le {
            f64::from_le_bytes(w)
        } else {
            f64::from_be_bytes(w)
        }
    };
    let (x, y) = (f64_at(at), f64_at(at + 8));
    if x.is_nan() && y.is_nan() {
        return Err("geometry is an empty point".into());
    }
    Ok(Coord { x, y })
}

/// A 2D point as little-endian WKB (21 bytes).
pub(crate) fn push_wkb_point(out: &mut Vec<u8>, c: Coord) {
    out.push(1);
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

/// Any geometry as little-endian 2D WKB.
pub(crate) fn push_wkb(out: &mut Vec<u8>, g: &Geometry) {
    fn head(out: &mut Vec<u8>, code: u32) {
        out.push(1);
        out.extend_from_slice(&code.to_le_bytes());
    }
    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn coords(out: &mut Vec<u8>, cs: &[Coord]) {
        count(out, cs.len());
        for c in cs {
            out.extend_from_slice(&c.x.to_le_bytes());
            out.extend_from_slice(&c.y.to_le_bytes());
        }
    }
    fn polygon(out: &mut Vec<u8>, p: &geo::Polygon) {
        head(out, 3);
        count(out, 1 + p.interiors().len());
        coords(out, &p.exterior().0);
        for r in p.interiors() {
            coords(out, &r.0);
        }
    }
    match g {
        Geometry::Point(p) => push_wkb_point(out, p.0),
        Geometry::Line(l) => {
            head(out, 2);
            coords(out, &[l.start, l.end]);
        }
        Geometry::LineString(l) => {
            head(out, 2);
            coords(out, &l.0);
        }
        Geometry::Polygon(p) => polygon(out, p),
        Geometry::MultiPoint(m) => {
            head(out, 4);
            count(out, m.0.len());
            for p in &m.0 {
                push_wkb_point(out, p.0);
            }
        }
        Geometry::MultiLineString(m) => {
            head(out, 5);
            count(out, m.0.len());
            for l in &m.0 {
                head(out, 2);
                coords(out, &l.0);
            }
        }
        Geometry::MultiPolygon(m) => {
            head(out, 6);
            count(out, m.0.len());
            for p in &m.0 {
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            head(out, 7);
            count(out, c.0.len());
            for g in &c.0 {
                push_wkb(out, g);
            }
        }
        Geometry::Rect(r) => polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon()),
    }
}

/// The `geo` metadata of a file whose one geometry column `column` holds
/// WKB of `types` (GeoParquet names, e.g. `Point`) within `bbox` (min lon,
/// min lat, max lon, max lat; left out when there is no geometry).
pub(crate) fn geo_metadata(column: &str, types: &[&str], bbox: Option<[f64; 4]>) -> String {
    let crs: Value = serde_json::from_str(CRS84_PROJJSON).expect("PROJJSON");
    let mut col = json!({
        "encoding": "WKB",
        "geometry_types": types,
        "crs": crs,
        "edges": "planar",
    });
    if let Some(b) = bbox {
        col["bbox"] = json!(b);
    }
    json!({
        "version": VERSION,
        "primary_column": column,
        "columns": { column: col },
    })
    .to_string()
}

/// The geometry column of a GeoParquet file, from its `geo` metadata:
/// its name and whether it is WKB (else GeoArrow's native `point`
/// encoding, a struct of x and y). Anything frontier cannot read as
/// WGS84 longitude/latitude points is an error naming the file.
pub(crate) fn geometry_column(origin: &str, geo: &str) -> Result<(String, bool)> {
    let bad = |message: String| Error::Parquet {
        origin: origin.to_string(),
        message,
    };
    let v: Value = serde_json::from_str(geo)
        .map_err(|e| bad(format!("its `geo` metadata is not JSON: {e}")))?;
    let primary = v
        .get("primary_column")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("its `geo` metadata names no primary_column".into()))?;
    let col = v
        .get("columns")
        .and_then(|c| c.get(primary))
        .ok_or_else(|| {
            bad(format!(
                "its `geo` metadata does not describe column {primary:?}"
            ))
        })?;
    let wkb = match col.get("encoding").and_then(Value::as_str) {
        Some(e) if e.eq_ignore_ascii_case("wkb") => true,
        Some("point") => false,
        Some(other) => {
            return Err(bad(format!(
                "geometry column {primary:?} is encoded as {other:?}; frontier reads WKB or GeoArrow point columns"
            )));
        }
        None => return Err(bad(format!("geometry column {primary:?} has no encoding"))),
    };
    match col.get("crs") {
        // No crs means OGC:CRS84 (GeoParquet 1.1, "crs").
        None => {}
        Some(Value::Null) => {
            return Err(bad(format!(
                "geometry column {primary:?} has an undefined CRS (crs: null); frontier reads WGS84 longitude/latitude only"
            )));
        }
        Some(crs) if is_wgs84_lon_lat(crs) => {}
        Some(crs) => {
            let id = crs
                .get("id")
                .map(|i| format!("{}:{}", value_text(&i["authority"]), value_text(&i["code"])))
                .or_else(|| crs.get("name").map(value_text))
                .unwrap_or_else(|| "not named".into());
            return Err(bad(format!(
                "geometry column {primary:?} is in CRS {id}; frontier reads WGS84 longitude/latitude (OGC:CRS84 or EPSG:4326) only: reproject it first"
            )));
        }
    }
    Ok((primary.to_string(), wkb))
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A PROJJSON (or string) CRS that is WGS84 longitude/latitude in degrees:
/// OGC:CRS84, or EPSG:4326 (whose GeoParquet coordinates are longitude
/// first all the same).
fn is_wgs84_lon_lat(crs: &Value) -> bool {
    if let Some(s) = crs.as_str() {
        let s = s.to_ascii_uppercase();
        return s.contains("CRS84") || s.ends_with("EPSG:4326") || s.contains("\"WGS 84\"");
    }
    match crs.get("id") {
        Some(id) => {
            let auth = value_text(&id["authority"]).to_ascii_uppercase();
            let code = value_text(&id["code"]).to_ascii_uppercase();
            (auth == "OGC" && code == "CRS84") || (auth == "EPSG" && code == "4326")
        }
        None => false,
    }
}

/// Write a layer as a GeoParquet file: one row per feature, a column per
/// property (numbers as Int64 or Float64 when every value of the property
/// is one, booleans as Boolean, anything else as text; lists and objects as
/// JSON text), and the geometry as WKB. The layer's source and attribution
/// go with it as file metadata (`frontier:source`, `frontier:attribution`,
/// `frontier:licence`).
pub fn write_layer<W: Write + Send>(layer: &Layer, out: W) -> Result<W> {
    let origin = format!("layer {}", layer.name);
    let mut keys: Vec<String> = Vec::new();
    for f in &layer.features {
        for k in f.properties.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    fn values<'a>(layer: &'a Layer, k: &'a str) -> impl Iterator<Item = Option<&'a Value>> + 'a {
        layer.features.iter().map(move |f| f.properties.get(k))
    }
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for k in &keys {
        let present = || values(layer, k).flatten().filter(|v| !v.is_null());
        let (dt, array): (DataType, ArrayRef) = if present().all(|v| v.is_i64()) {
            let mut b = Int64Builder::new();
            values(layer, k).for_each(|v| b.append_option(v.and_then(Value::as_i64)));
            (DataType::Int64, Arc::new(b.finish()))
        } else if present().all(Value::is_number) {
            let mut b = Float64Builder::new();
            values(layer, k).for_each(|v| b.append_option(v.and_then(Value::as_f64)));
            (DataType::Float64, Arc::new(b.finish()))
        } else if present().all(Value::is_boolean) {
            let mut b = BooleanBuilder::new();
            values(layer, k).for_each(|v| b.append_option(v.and_then(Value::as_bool)));
            (DataType::Boolean, Arc::new(b.finish()))
        } else {
            let mut b = StringBuilder::new();
            values(layer, k).for_each(|v| match v {
                None | Some(Value::Null) => b.append_null(),
                Some(v) => b.append_value(value_text(v)),
            });
            (DataType::Utf8, Arc::new(b.finish()))
        };
        fields.push(Field::new(k, dt, true));
        arrays.push(array);
    }
    let geometry = crate::row::added_name(&keys, "geometry");
    let mut types: Vec<&str> = Vec::new();
    let mut bbox: Option<[f64; 4]> = None;
    let mut g = BinaryBuilder::new();
    let mut wkb = Vec::new();
    for f in &layer.features {
        let name = crate::layer::geometry_type_name(&f.geometry);
        if !types.contains(&name) {
            types.push(name);
        }
        if let Some(r) = geo::BoundingRect::bounding_rect(&f.geometry) {
            let b =
                bbox.get_or_insert([f64::INFINITY, f64::INFINITY, -f64::INFINITY, -f64::INFINITY]);
            b[0] = b[0].min(r.min().x);
            b[1] = b[1].min(r.min().y);
            b[2] = b[2].max(r.max().x);
            b[3] = b[3].max(r.max().y);
        }
        wkb.clear();
        push_wkb(&mut wkb, &f.geometry);
        g.append_value(&wkb);
    }
    fields.push(Field::new(&geometry, DataType::Binary, false));
    arrays.push(Arc::new(g.finish()));
    let schema = Arc::new(ArrowSchema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| Error::Parquet {
        origin: origin.clone(),
        message: e.to_string(),
    })?;
    let mut w = ParquetSink::new(out, schema, &origin)?;
    w.metadata("frontier:source", &layer.source);
    w.metadata("frontier:attribution", &layer.attribution);
    w.metadata("frontier:licence", &layer.licence);
    w.write(&batch)?;
    w.finish(&geo_metadata(&geometry, &types, bbox))
}

/// An Arrow writer of Parquet (snappy-compressed, as GeoPandas and DuckDB
/// write by default) with frontier's messages.
///
/// The file's metadata (`geo`, and frontier's own keys) is written twice,
/// as GeoPandas and pyarrow write it: as Parquet key-value metadata (where
/// GDAL and DuckDB read it) and in the Arrow schema stored in the file
/// (`ARROW:schema`, where pyarrow's `read_schema`, `pyarrow.dataset` and
/// dask-geopandas read it). The Arrow schema is written at the end, when
/// the `geo` metadata (with the data's bounding box) is known.
pub(crate) struct ParquetSink<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: Arc<ArrowSchema>,
    metadata: Vec<(String, String)>,
    origin: String,
}

impl<W: Write + Send> ParquetSink<W> {
    /// A writer of `schema`; its binary columns (the geometry, where
    /// values rarely repeat) are written without a dictionary.
    pub fn new(out: W, schema: Arc<ArrowSchema>, origin: &str) -> Result<Self> {
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("frontier {}", env!("CARGO_PKG_VERSION")));
        for f in schema.fields() {
            if f.data_type() == &DataType::Binary {
                props = props.set_column_dictionary_enabled(f.name().as_str().into(), false);
            }
        }
        let options = ArrowWriterOptions::new()
            .with_properties(props.build())
            .with_skip_arrow_metadata(true);
        let writer = ArrowWriter::try_new_with_options(out, schema.clone(), options)
            .map_err(|e| writing(origin, e))?;
        Ok(ParquetSink {
            writer,
            schema,
            metadata: Vec::new(),
            origin: origin.to_string(),
        })
    }

    fn err(&self, e: parquet::errors::ParquetError) -> Error {
        writing(&self.origin, e)
    }

    /// Add a key to the file's metadata (empty values are left out).
    pub fn metadata(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.metadata.push((key.to_string(), value.to_string()));
        }
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(|e| self.err(e))
    }

    /// Write the footer with the `geo` metadata (in the key-value metadata
    /// and in the stored Arrow schema), and hand back the output.
    pub fn finish(mut self, geo: &str) -> Result<W> {
        self.metadata("geo", geo);
        let schema = self.schema.as_ref().clone().with_metadata(
            self.metadata
                .iter()
                .cloned()
                .collect::<std::collections::HashMap<_, _>>(),
        );
        self.writer.append_key_value_metadata(KeyValue::new(
            ARROW_SCHEMA_META_KEY.to_string(),
            encode_arrow_schema(&schema),
        ));
        for (k, v) in std::mem::take(&mut self.metadata) {
            self.writer.append_key_value_metadata(KeyValue::new(k, v));
        }
        let origin = self.origin;
        self.writer.into_inner().map_err(|e| writing(&origin, e))
    }
}

/// A Parquet writer's error: the output's own I/O error (a full disk, a
/// closed pipe: the output names itself) as it is, anything else as a
/// Parquet error of `origin`.
fn writing(origin: &str, e: parquet::errors::ParquetError) -> Error {
    match e {
        parquet::errors::ParquetError::External(inner) => {
            match inner.downcast::<std::io::Error>() {
                Ok(io) => Error::Io {
                    path: std::path::PathBuf::new(),
                    source: *io,
                },
                Err(other) => Error::Parquet {
                    origin: origin.to_string(),
                    message: other.to_string(),
                },
            }
        }
        other => Error::Parquet {
            origin: origin.to_string(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkb_points_both_byte_orders_and_ewkb() {
        let mut le = Vec::new();
        push_wkb_point(&mut le, Coord { x: 69.5, y: 32.25 });
        assert_eq!(le.len(), 21);
        assert_eq!(wkb_point(&le), Ok(Coord { x: 69.5, y: 32.25 }));
        // Big-endian, and EWKB with an SRID and a Z.
        let mut be = vec![0u8];
        be.extend_from_slice(&1u32.to_be_bytes());
        be.extend_from_slice(&69.5f64.to_be_bytes());
        be.extend_from_slice(&32.25f64.to_be_bytes());
        assert_eq!(wkb_point(&be), Ok(Coord { x: 69.5, y: 32.25 }));
        let mut ewkb = vec![1u8];
        ewkb.extend_from_slice(&(1u32 | 0x8000_0000 | 0x2000_0000).to_le_bytes());
        ewkb.extend_from_slice(&4326u32.to_le_bytes());
        for v in [69.5f64, 32.25, 1200.0] {
            ewkb.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(wkb_point(&ewkb), Ok(Coord { x: 69.5, y: 32.25 }));
        let mut line = Vec::new();
        push_wkb(
            &mut line,
            &Geometry::LineString(geo::LineString::from(vec![(0.0, 0.0), (1.0, 1.0)])),
        );
        assert!(wkb_point(&line).unwrap_err().contains("LineString"));
        let mut empty = Vec::new();
        push_wkb_point(
            &mut empty,
            Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
        );
        assert!(wkb_point(&empty).unwrap_err().contains("empty"));
        assert!(wkb_point(&le[..10]).unwrap_err().contains("cut short"));
        assert!(wkb_point(b"PK").is_err());
    }

    #[test]
    fn crs_must_be_wgs84_longitude_latitude() {
        let ok = |crs: &str| {
            geometry_column(
                "f",
                &format!(r#"{{"primary_column":"g","columns":{{"g":{{"encoding":"WKB"{crs}}}}}}}"#),
            )
        };
        assert_eq!(ok("").unwrap(), ("g".to_string(), true));
        assert!(ok(&format!(r#","crs":{CRS84_PROJJSON}"#)).is_ok());
        assert!(ok(r#","crs":{"id":{"authority":"EPSG","code":4326}}"#).is_ok());
        let utm =
            ok(r#","crs":{"name":"WGS 84 / UTM zone 42N","id":{"authority":"EPSG","code":32642}}"#)
                .unwrap_err()
                .to_string();
        assert!(
            utm.contains("EPSG:32642") && utm.contains("reproject"),
            "{utm}"
        );
        assert!(
            ok(r#","crs":null"#)
                .unwrap_err()
                .to_string()
                .contains("undefined")
        );
    }
}
