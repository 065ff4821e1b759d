//! Decoding the TopoJSON inputs (arcs, delta-encoded quantized arcs, and the
//! arc references of polygons) into `geo` coordinates.
//!
//! Only what the raw inputs use is supported: Polygon, MultiPolygon and Point
//! geometries inside GeometryCollection objects.

use crate::error::{Error, Result};
use geo::Coord;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Coordinates are rounded to this many decimal places when decoded
/// (1e-7 degree is about 1 cm). Rounding happens once, on the shared arcs,
/// so boundaries shared by two units stay identical.
pub const DECIMALS: i32 = 7;

#[derive(Deserialize)]
struct RawTopology {
    arcs: Vec<Vec<Vec<f64>>>,
    transform: Option<RawTransform>,
    objects: Map<String, Value>,
}

#[derive(Deserialize)]
struct RawTransform {
    scale: [f64; 2],
    translate: [f64; 2],
}

/// One geometry of a TopoJSON GeometryCollection.
#[derive(Debug, Clone)]
pub struct TopoGeometry {
    /// `Polygon`, `MultiPolygon`, `Point`, ...
    pub kind: String,
    /// For polygons: polygons → rings → arc references (`~i` = reversed arc i).
    pub polygons: Vec<Vec<Vec<i64>>>,
    /// For points: the decoded position.
    pub point: Option<Coord>,
    /// The geometry's properties.
    pub properties: Map<String, Value>,
}

/// A decoded topology.
#[derive(Debug)]
pub struct Topology {
    /// Every arc, decoded to absolute, rounded lon/lat.
    pub arcs: Vec<Vec<Coord>>,
    objects: Map<String, Value>,
    transform: Option<([f64; 2], [f64; 2])>,
}

/// Round to [`DECIMALS`] places.
pub fn round(v: f64) -> f64 {
    let k = 10f64.powi(DECIMALS);
    (v * k).round() / k
}

impl Topology {
    /// Parse and decode a TopoJSON text; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self> {
        let raw: RawTopology = serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?;
        let transform = raw.transform.map(|t| (t.scale, t.translate));
        let arcs = raw
            .arcs
            .iter()
            .map(|arc| {
                let mut out = Vec::with_capacity(arc.len());
                let (mut x, mut y) = (0.0, 0.0);
                for p in arc {
                    let c = match transform {
                        Some((scale, translate)) => {
                            // Quantized arcs are delta-encoded.
                            x += p[0];
                            y += p[1];
                            Coord {
                                x: x * scale[0] + translate[0],
                                y: y * scale[1] + translate[1],
                            }
                        }
                        None => Coord { x: p[0], y: p[1] },
                    };
                    out.push(Coord {
                        x: round(c.x),
                        y: round(c.y),
                    });
                }
                out
            })
            .collect();
        Ok(Topology {
            arcs,
            objects: raw.objects,
            transform,
        })
    }

    /// The geometries of the GeometryCollection object `name`.
    pub fn geometries(&self, name: &str) -> Result<Vec<TopoGeometry>> {
        let obj = self
            .objects
            .get(name)
            .ok_or_else(|| Error::Build(format!("topology has no object {name:?}")))?;
        let geoms = obj
            .get("geometries")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::Build(format!("object {name:?} is not a GeometryCollection")))?;
        geoms
            .iter()
            .enumerate()
            .map(|(i, g)| self.geometry(name, i, g))
            .collect()
    }

    fn geometry(&self, name: &str, i: usize, g: &Value) -> Result<TopoGeometry> {
        let bad = |what: &str| Error::Build(format!("object {name:?} geometry {i}: {what}"));
        let kind = g
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no type"))?
            .to_string();
        let properties = g
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let ids = |v: &Value| -> Result<Vec<i64>> {
            v.as_array()
                .ok_or_else(|| bad("arc list is not an array"))?
                .iter()
                .map(|x| {
                    x.as_i64()
                        .ok_or_else(|| bad("arc reference is not an integer"))
                })
                .collect()
        };
        let rings = |v: &Value| -> Result<Vec<Vec<i64>>> {
            v.as_array()
                .ok_or_else(|| bad("ring list is not an array"))?
                .iter()
                .map(ids)
                .collect()
        };
        let mut polygons = Vec::new();
        let mut point = None;
        match kind.as_str() {
            "Polygon" => polygons.push(rings(g.get("arcs").ok_or_else(|| bad("no arcs"))?)?),
            "MultiPolygon" => {
                for p in g
                    .get("arcs")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad("no arcs"))?
                {
                    polygons.push(rings(p)?);
                }
            }
            "Point" => {
                let c = g
                    .get("coordinates")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad("no coordinates"))?;
                let x = c
                    .first()
                    .and_then(Value::as_f64)
                    .ok_or_else(|| bad("bad x"))?;
                let y = c
                    .get(1)
                    .and_then(Value::as_f64)
                    .ok_or_else(|| bad("bad y"))?;
                let c = match self.transform {
                    Some((s, t)) => Coord {
                        x: x * s[0] + t[0],
                        y: y * s[1] + t[1],
                    },
                    None => Coord { x, y },
                };
                point = Some(Coord {
                    x: round(c.x),
                    y: round(c.y),
                });
            }
            other => return Err(bad(&format!("unsupported type {other}"))),
        }
        Ok(TopoGeometry {
            kind,
            polygons,
            point,
            properties,
        })
    }

    /// The coordinates of arc reference `id` (`~i`, i.e. `-i-1`, is arc `i`
    /// reversed).
    pub fn arc(&self, id: i64) -> Vec<Coord> {
        if id >= 0 {
            self.arcs[id as usize].clone()
        } else {
            let mut a = self.arcs[(!id) as usize].clone();
            a.reverse();
            a
        }
    }

    /// The closed ring made by joining arc references head to tail (each arc
    /// after the first drops its first point, which repeats the previous
    /// arc's last).
    pub fn ring(&self, ids: &[i64]) -> Vec<Coord> {
        let mut out: Vec<Coord> = Vec::new();
        for (k, &id) in ids.iter().enumerate() {
            let a = self.arc(id);
            out.extend(if k == 0 { &a[..] } else { &a[1..] });
        }
        out
    }
}
