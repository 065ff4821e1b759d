//! A quicker reading of the common case: a FeatureCollection whose
//! geometries name their `type` before their `coordinates` and whose
//! positions are `[longitude, latitude]` pairs, read straight into geo
//! types without an intermediate JSON tree. Anything else (and any error)
//! is left to the general reader, which gives the same features and the
//! messages for bad input.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A FeatureCollection as the quick reader takes it.
#[derive(Deserialize)]
pub(super) struct Collection {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attribution: Option<String>,
    #[serde(default)]
    pub licence: Option<String>,
    pub features: Vec<RawFeature>,
}

/// A feature: properties and a geometry.
#[derive(Deserialize)]
pub(super) struct RawFeature {
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    pub geometry: Shape,
}

/// A geometry read straight into geo.
pub(super) struct Shape(pub Geometry);

type Ring = Vec<[f64; 2]>;

fn line(r: Ring) -> LineString {
    LineString(r.into_iter().map(|[x, y]| Coord { x, y }).collect())
}

fn polygon<E: de::Error>(mut rings: Vec<Ring>) -> Result<Polygon, E> {
    if rings.is_empty() {
        return Err(E::custom("a polygon without rings"));
    }
    let exterior = line(rings.remove(0));
    Ok(Polygon::new(
        exterior,
        rings.into_iter().map(line).collect(),
    ))
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON geometry with its type first")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut kind: Option<String> = None;
        let mut shape: Option<Geometry> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = Some(map.next_value()?),
                "coordinates" => {
                    let Some(k) = kind.as_deref() else {
                        return Err(de::Error::custom("coordinates before type"));
                    };
                    shape = Some(match k {
                        "Point" => {
                            let [x, y]: [f64; 2] = map.next_value()?;
                            Point::new(x, y).into()
                        }
                        "MultiPoint" => MultiPoint(
                            line(map.next_value()?)
                                .0
                                .into_iter()
                                .map(Point::from)
                                .collect(),
                        )
                        .into(),
                        "LineString" => line(map.next_value()?).into(),
                        "MultiLineString" => {
                            let v: Vec<Ring> = map.next_value()?;
                            MultiLineString(v.into_iter().map(line).collect()).into()
                        }
                        "Polygon" => polygon(map.next_value()?)?.into(),
                        "MultiPolygon" => {
                            let v: Vec<Vec<Ring>> = map.next_value()?;
                            MultiPolygon(v.into_iter().map(polygon).collect::<Result<_, _>>()?)
                                .into()
                        }
                        other => return Err(de::Error::custom(format!("type {other}"))),
                    });
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        shape
            .map(Shape)
            .ok_or_else(|| de::Error::custom("no coordinates"))
    }
}
