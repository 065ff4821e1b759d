//! Deterministic GeoJSON text: one feature per line, properties in order,
//! coordinates in Rust's shortest round-trip decimal form. The same layer
//! always gives the same bytes.

use super::Layer;
use geo::{Coord, Geometry, LineString, Polygon};
use std::fmt::Write;

fn coord(out: &mut String, c: Coord) {
    let _ = write!(out, "[{},{}]", c.x, c.y);
}

fn coords(out: &mut String, cs: &[Coord]) {
    out.push('[');
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coord(out, *c);
    }
    out.push(']');
}

fn lines(out: &mut String, ls: &[LineString]) {
    out.push('[');
    for (i, l) in ls.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coords(out, &l.0);
    }
    out.push(']');
}

fn polygon(out: &mut String, p: &Polygon) {
    let rings: Vec<LineString> = std::iter::once(p.exterior().clone())
        .chain(p.interiors().iter().cloned())
        .collect();
    lines(out, &rings);
}

/// Append a geometry as a GeoJSON geometry object.
pub fn write_geometry(out: &mut String, g: &Geometry) {
    match g {
        Geometry::Point(p) => {
            out.push_str("{\"type\":\"Point\",\"coordinates\":");
            coord(out, p.0);
        }
        Geometry::MultiPoint(m) => {
            out.push_str("{\"type\":\"MultiPoint\",\"coordinates\":");
            let cs: Vec<Coord> = m.0.iter().map(|p| p.0).collect();
            coords(out, &cs);
        }
        Geometry::LineString(l) => {
            out.push_str("{\"type\":\"LineString\",\"coordinates\":");
            coords(out, &l.0);
        }
        Geometry::Line(l) => {
            out.push_str("{\"type\":\"LineString\",\"coordinates\":");
            coords(out, &[l.start, l.end]);
        }
        Geometry::MultiLineString(m) => {
            out.push_str("{\"type\":\"MultiLineString\",\"coordinates\":");
            lines(out, &m.0);
        }
        Geometry::Polygon(p) => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            polygon(out, p);
        }
        Geometry::Rect(r) => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            polygon(out, &r.to_polygon());
        }
        Geometry::Triangle(t) => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            polygon(out, &t.to_polygon());
        }
        Geometry::MultiPolygon(m) => {
            out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, p) in m.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                polygon(out, p);
            }
            out.push(']');
        }
        Geometry::GeometryCollection(gc) => {
            out.push_str("{\"type\":\"GeometryCollection\",\"geometries\":[");
            for (i, g) in gc.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_geometry(out, g);
            }
            out.push(']');
        }
    }
    out.push('}');
}

/// The layer as a GeoJSON FeatureCollection. The layer's name, attribution
/// and licence travel with it as foreign members of the collection.
pub fn to_geojson(layer: &Layer) -> String {
    let mut out = String::new();
    out.push_str("{\"type\":\"FeatureCollection\",\n");
    let member = |k: &str, v: &str| format!("{}:{},\n", json_str(k), json_str(v));
    out.push_str(&member("name", &layer.name));
    if !layer.attribution.is_empty() {
        out.push_str(&member("attribution", &layer.attribution));
    }
    if !layer.licence.is_empty() {
        out.push_str(&member("licence", &layer.licence));
    }
    out.push_str("\"features\":[\n");
    for (i, f) in layer.features.iter().enumerate() {
        out.push_str("{\"type\":\"Feature\",\"properties\":");
        out.push_str(&serde_json::Value::Object(f.properties.clone()).to_string());
        out.push_str(",\"geometry\":");
        write_geometry(&mut out, &f.geometry);
        out.push('}');
        if i + 1 < layer.features.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("]}\n");
    out
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
