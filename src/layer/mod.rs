//! Layers: named collections of features with geometry and properties,
//! loaded from GeoJSON (built in or from a file) and validated on the way in.

pub mod catalogue;
mod fast;
mod rings;
mod write;

pub use catalogue::{
    ATTRIBUTION, BUILTINS, Builtin, CREDITS, Catalogue, PLACES_CREDIT, Town, towns,
};
pub use rings::MAX_EDGE_M;
pub(crate) use rings::unwrapped;
pub use write::{to_geojson, write_geometry};

use crate::error::{Error, Result};
use geo::{CoordsIter, Geometry};
use serde_json::{Map, Value};
use std::path::Path;

/// One feature: a geometry in WGS84 lon/lat and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The geometry (`x` = longitude, `y` = latitude, degrees).
    pub geometry: Geometry,
    /// The GeoJSON properties, in file order.
    pub properties: Map<String, Value>,
}

impl Feature {
    /// A feature from a geometry and properties.
    pub fn new(geometry: impl Into<Geometry>, properties: Map<String, Value>) -> Self {
        Feature {
            geometry: geometry.into(),
            properties,
        }
    }

    /// The `name` property, if it is a string.
    pub fn name(&self) -> Option<&str> {
        self.properties.get("name").and_then(Value::as_str)
    }

    /// A property as a string (numbers are formatted), if present and not null.
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// A named collection of features.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The layer's name (a built-in name, or the file stem of a user file).
    pub name: String,
    /// Where it came from: `built-in` or the file path.
    pub source: String,
    /// Attribution to show with the data (empty if the file gives none).
    pub attribution: String,
    /// Licence of the data (empty if the file gives none).
    pub licence: String,
    /// The features, in file order.
    pub features: Vec<Feature>,
}

/// Name of a geometry's type as GeoJSON spells it.
pub fn geometry_type_name(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::LineString(_) | Geometry::Line(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

impl Layer {
    /// The name of feature `i` for output: its `name` property, else its
    /// `corridor` or `id`, else `#i`.
    pub fn label(&self, i: usize) -> String {
        let f = &self.features[i];
        ["name", "corridor", "id"]
            .iter()
            .find_map(|k| f.property_text(k))
            .unwrap_or_else(|| format!("#{i}"))
    }

    /// Every feature's [`Layer::label`], in file order.
    pub fn labels(&self) -> Vec<String> {
        (0..self.features.len()).map(|i| self.label(i)).collect()
    }

    /// An [`Error::NoPolygons`] unless some feature is a polygon.
    pub fn require_polygons(&self) -> Result<()> {
        let found = self.geometry_type();
        if found.contains("Polygon") {
            Ok(())
        } else {
            Err(Error::NoPolygons {
                layer: self.name.clone(),
                found,
            })
        }
    }

    /// Read and validate a GeoJSON file. The layer is named after the file stem.
    pub fn from_path(path: &Path) -> Result<Layer> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "layer".into());
        let origin = path.display().to_string();
        let mut layer = Layer::from_geojson_str(&name, &origin, &text)?;
        layer.source = origin;
        Ok(layer)
    }

    /// Parse and validate GeoJSON text: a FeatureCollection, a Feature or a
    /// bare geometry. `origin` names the text in error messages.
    ///
    /// Errors name the place: malformed JSON by line and column; a feature
    /// with no geometry, an empty or unsupported geometry, or a coordinate
    /// outside longitude ±180 / latitude ±90 by feature index (and name).
    ///
    /// Polygons are wound per RFC 7946 whatever the file's winding, and a
    /// ring that crosses itself, goes round a pole or spans 180° of
    /// longitude is refused (see `docs/distances.md`).
    ///
    /// # Examples
    /// A user layer of one area, used as any built-in polygon layer is; a
    /// coordinate out of range is an error naming the feature:
    /// ```
    /// use frontier::Layer;
    /// use frontier::index::PolygonIndex;
    /// use geo::Coord;
    ///
    /// let text = r#"{"type": "Feature", "properties": {"name": "camp"},
    ///   "geometry": {"type": "Polygon", "coordinates":
    ///     [[[71.5, 34.0], [71.6, 34.0], [71.6, 34.1], [71.5, 34.1], [71.5, 34.0]]]}}"#;
    /// let layer = Layer::from_geojson_str("camps", "camps.geojson", text)?;
    /// assert_eq!(layer.geometry_type(), "Polygon");
    /// let index = PolygonIndex::new(&layer);
    /// assert_eq!(index.locate(Coord { x: 71.55, y: 34.05 }), Some(0));
    /// assert_eq!(index.locate(Coord { x: 71.65, y: 34.05 }), None);
    ///
    /// let bad = text.replace("71.6, 34.1", "191.6, 34.1");
    /// let e = Layer::from_geojson_str("camps", "camps.geojson", &bad).unwrap_err();
    /// assert!(e.to_string().starts_with("camps.geojson: feature 1"), "{e}");
    /// # Ok::<(), frontier::Error>(())
    /// ```
    pub fn from_geojson_str(name: &str, origin: &str, text: &str) -> Result<Layer> {
        Layer::read_geojson(name, origin, text, true)
    }

    /// [`Layer::from_geojson_str`] for a built-in layer, whose rings are
    /// known to be wound per RFC 7946 and to need none of the ring checks
    /// (`tests/geodata.rs` checks every one), so that they are not made
    /// at every start.
    pub(crate) fn from_builtin_str(name: &str, origin: &str, text: &str) -> Result<Layer> {
        Layer::read_geojson(name, origin, text, false)
    }

    /// Read GeoJSON text; `rings` false trusts the polygons' rings
    /// (see [`Layer::from_builtin_str`]).
    fn read_geojson(name: &str, origin: &str, text: &str, rings: bool) -> Result<Layer> {
        if let Ok(c) = serde_json::from_str::<fast::Collection>(text)
            && c.kind == "FeatureCollection"
        {
            let features = c
                .features
                .into_iter()
                .enumerate()
                .map(|(index, f)| {
                    checked(
                        origin,
                        index,
                        f.geometry.0,
                        f.properties.unwrap_or_default(),
                        rings,
                    )
                })
                .collect::<Result<_>>()?;
            return Ok(Layer {
                name: name.to_string(),
                source: origin.to_string(),
                attribution: c.attribution.unwrap_or_default(),
                licence: c.licence.unwrap_or_default(),
                features,
            });
        }
        Layer::from_geojson_general(name, origin, text, rings)
    }

    /// [`Layer::from_geojson_str`] through a JSON tree: any GeoJSON, and
    /// the messages for bad input.
    fn from_geojson_general(name: &str, origin: &str, text: &str, rings: bool) -> Result<Layer> {
        let members = Members::read(origin, text)?;
        let mut features = Vec::with_capacity(members.features.len());
        for (index, raw) in members.features.iter().enumerate() {
            features.push(read_feature(origin, index, raw, rings)?);
        }
        Ok(Layer {
            name: name.to_string(),
            source: origin.to_string(),
            attribution: members.attribution,
            licence: members.licence,
            features,
        })
    }

    /// The geometry type of the layer: one GeoJSON type name, or the distinct
    /// names joined with `+` when features differ.
    pub fn geometry_type(&self) -> String {
        let mut kinds: Vec<&str> = Vec::new();
        for f in &self.features {
            let k = geometry_type_name(&f.geometry);
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            "empty".into()
        } else {
            kinds.join("+")
        }
    }

    /// The first feature whose `name` property equals `name`.
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name() == Some(name))
    }
}

/// The parts of a GeoJSON text: its features as JSON values (a bare
/// Feature or geometry counts as a collection of one), and the collection's
/// `attribution` and `licence` members.
pub(crate) struct Members {
    pub features: Vec<Value>,
    pub attribution: String,
    pub licence: String,
}

impl Members {
    /// Read the members; malformed JSON is an error naming line and column.
    pub(crate) fn read(origin: &str, text: &str) -> Result<Members> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?;
        let gerr = |message: String| Error::GeoJson {
            origin: origin.to_string(),
            message,
        };
        let Value::Object(mut top) = value else {
            return Err(gerr("top level is not a JSON object".into()));
        };
        let kind = top
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| gerr("no \"type\" member at top level".into()))?
            .to_string();
        let text_member = |top: &Map<String, Value>, k: &str| {
            top.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let attribution = text_member(&top, "attribution");
        let licence = text_member(&top, "licence");
        let features: Vec<Value> = match kind.as_str() {
            "FeatureCollection" => match top.remove("features") {
                Some(Value::Array(a)) => a,
                _ => return Err(gerr("FeatureCollection has no \"features\" array".into())),
            },
            "Feature" => vec![Value::Object(top)],
            _ => {
                let mut f = Map::new();
                f.insert("type".into(), "Feature".into());
                f.insert("properties".into(), Value::Object(Map::new()));
                f.insert("geometry".into(), Value::Object(top));
                vec![Value::Object(f)]
            }
        };
        Ok(Members {
            features,
            attribution,
            licence,
        })
    }
}

/// Parse and check feature `index` (0-based) of a collection.
pub(crate) fn parse_feature(origin: &str, index: usize, raw: &Value) -> Result<Feature> {
    read_feature(origin, index, raw, true)
}

/// [`parse_feature`], checking and winding polygons' rings when `rings` is
/// true.
fn read_feature(origin: &str, index: usize, raw: &Value, rings: bool) -> Result<Feature> {
    use serde::Deserialize;
    let fname = raw
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let ferr = |message: String| Error::Feature {
        origin: origin.to_string(),
        index,
        name: fname.clone(),
        message,
    };
    if raw.get("geometry").is_none_or(Value::is_null) {
        return Err(ferr("has no geometry (null or missing)".into()));
    }
    if let Some(t) = raw
        .get("geometry")
        .and_then(|g| g.get("type"))
        .and_then(Value::as_str)
        && t == "GeometryCollection"
    {
        return Err(ferr(
            "unsupported geometry type GeometryCollection (use Multi* geometries)".into(),
        ));
    }
    if let Some(g) = raw.get("geometry") {
        short_position(g).map_or(Ok(()), |m| Err(ferr(m)))?;
    }
    let f = geojson::Feature::deserialize(raw)
        .map_err(|e| ferr(format!("not a valid GeoJSON Feature: {e}")))?;
    let properties = f.properties.clone().unwrap_or_default();
    let g = f
        .geometry
        .ok_or_else(|| ferr("has no geometry (null or missing)".into()))?;
    let geometry: Geometry =
        Geometry::try_from(&g.value).map_err(|e| ferr(format!("unusable geometry: {e}")))?;
    checked(origin, index, geometry, properties, rings)
}

/// A position of `geometry` (a GeoJSON geometry object) that is not an
/// array of at least two numbers, described; `None` when all are (or the
/// geometry is not one this checks: the GeoJSON reader reports those).
/// The `geojson` crate would panic on a short position inside a line or a
/// polygon (found by fuzzing).
fn short_position(geometry: &Value) -> Option<String> {
    let depth = match geometry.get("type").and_then(Value::as_str)? {
        "Point" => 0,
        "MultiPoint" | "LineString" => 1,
        "MultiLineString" | "Polygon" => 2,
        "MultiPolygon" => 3,
        _ => return None,
    };
    fn walk(v: &Value, depth: usize) -> Option<String> {
        let a = v.as_array()?;
        if depth > 0 {
            return a.iter().find_map(|x| walk(x, depth - 1));
        }
        let numbers = a.iter().filter(|x| x.is_number()).count();
        (numbers < 2 || numbers != a.len()).then(|| {
            format!("a position must hold two or more numbers (longitude, latitude), not {v}")
        })
    }
    walk(geometry.get("coordinates")?, depth)
}

/// A feature whose geometry has coordinates, all in range, no empty parts
/// and (when `rings` is true) polygons whose rings can be read, wound per
/// RFC 7946 (see [`rings`]); the error names the feature.
fn checked(
    origin: &str,
    index: usize,
    geometry: Geometry,
    properties: Map<String, Value>,
    rings: bool,
) -> Result<Feature> {
    let ferr = |message: String| Error::Feature {
        origin: origin.to_string(),
        index,
        name: properties
            .get("name")
            .and_then(Value::as_str)
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        message,
    };
    if geometry.coords_count() == 0 {
        return Err(ferr(format!(
            "empty {} geometry",
            geometry_type_name(&geometry)
        )));
    }
    for c in geometry.coords_iter() {
        let ok_lon = c.x.is_finite() && (-180.0..=180.0).contains(&c.x);
        let ok_lat = c.y.is_finite() && (-90.0..=90.0).contains(&c.y);
        if !(ok_lon && ok_lat) {
            let hint = if ok_lon && c.x.abs() <= 90.0 && c.y.abs() <= 180.0 {
                " (latitude and longitude swapped? GeoJSON is [longitude, latitude])"
            } else {
                ""
            };
            return Err(ferr(format!(
                "coordinate [{}, {}] is out of range: longitude must be within ±180 and latitude within ±90{hint}",
                c.x, c.y
            )));
        }
    }
    if let Some(bad) = empty_part(&geometry) {
        return Err(ferr(bad));
    }
    let geometry = if rings {
        self::rings::normalise(geometry).map_err(ferr)?
    } else {
        geometry
    };
    Ok(Feature {
        geometry,
        properties,
    })
}

/// A part of a geometry that has no coordinates (e.g. a polygon with an
/// empty ring among others), described, or `None`.
fn empty_part(g: &Geometry) -> Option<String> {
    let polygon_bad =
        |p: &geo::Polygon| p.exterior().0.len() < 4 || p.interiors().iter().any(|r| r.0.len() < 4);
    match g {
        Geometry::LineString(l) if l.0.len() < 2 => {
            Some("LineString has fewer than 2 positions".into())
        }
        Geometry::MultiLineString(m) if m.0.iter().any(|l| l.0.len() < 2) => {
            Some("a part of the MultiLineString has fewer than 2 positions".into())
        }
        Geometry::Polygon(p) if polygon_bad(p) => {
            Some("a ring of the Polygon has fewer than 4 positions".into())
        }
        Geometry::MultiPolygon(m) if m.0.iter().any(polygon_bad) => {
            Some("a ring of the MultiPolygon has fewer than 4 positions".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reader gives exactly what the general one gives.
    #[test]
    fn quick_reader_agrees_with_the_general_one() {
        for b in BUILTINS {
            // (The quick reader takes every built-in layer.)
            assert!(
                serde_json::from_str::<fast::Collection>(b.text).is_ok(),
                "{}",
                b.name
            );
            let quick = Layer::from_geojson_str(b.name, b.name, b.text).unwrap();
            // The ring checks find nothing to refuse or rewind in a
            // built-in layer (which is why they are not made on its reads).
            let trusted = Layer::from_builtin_str(b.name, b.name, b.text).unwrap();
            assert_eq!(quick.features, trusted.features, "{}", b.name);
            let general = Layer::from_geojson_general(b.name, b.name, b.text, true).unwrap();
            assert_eq!(quick.features, general.features, "{}", b.name);
            assert_eq!(
                (&quick.attribution, &quick.licence),
                (&general.attribution, &general.licence)
            );
        }
        // Cases the quick reader leaves to the general one.
        for text in [
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"coordinates":[[[60,30],[61,30],[61,31],[60,30]]],"type":"Polygon"}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"LineString","coordinates":[[60,30,5],[61,30,5]]}}]}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[69.2,34.5]}}"#,
            // Taken by the quick reader: exponents, white space, every type.
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates": [ 6.92e1 , -3.45E+1 ] }},
              {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[60,30],[61.5,-0.0]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[60,30],[61.123456789012345678,30.1]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[60,30],[61,30]],[[62,31],[63,32]]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[60,30],[64,30],[64,34],[60,30]],[[61,31],[62,32],[63,31],[61,31]]],[[[70,30],[71,30],[71,31],[70,30]]]]}}
            ]}"#,
        ] {
            assert_eq!(
                Layer::from_geojson_str("t", "t", text).unwrap().features,
                Layer::from_geojson_general("t", "t", text, true)
                    .unwrap()
                    .features
            );
        }
        // Bad input gets the general reader's message.
        let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[34.5,100.2]}}]}"#;
        let e = Layer::from_geojson_str("t", "t", bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("swapped") && e.contains("(x)"), "{e}");
    }
}
