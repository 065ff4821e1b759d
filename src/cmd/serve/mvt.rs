//! Mapbox Vector Tiles (version 2.1) written by hand: the format is a
//! small Protocol Buffers message (a tile holds layers; a layer holds
//! features, and the keys and values their tags point into), and the
//! geometry a list of commands on integer tile coordinates.
//!
//! # References
//! Mapbox Vector Tile Specification 2.1, `vector_tile.proto` and section
//! 4.3 (geometry encoding); Protocol Buffers encoding (varints, zigzag,
//! packed repeated fields).

use std::collections::HashMap;

/// Units across a tile.
pub const EXTENT: u32 = 4096;

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// A number.
    Double(f64),
    /// A whole number 0 or more.
    Uint(u64),
}

impl Value {
    /// The key a value is shared by within a layer.
    fn key(&self) -> (u8, u64, &str) {
        match self {
            Value::Str(s) => (0, 0, s),
            Value::Double(x) => (1, x.to_bits(), ""),
            Value::Uint(u) => (2, *u, ""),
        }
    }
}

/// A feature's shape in tile coordinates (`y` down). Polygon rings must
/// wind as the specification says: exterior rings clockwise on screen
/// (positive area by the surveyor's formula with `y` down), holes the
/// other way; [`ring_area`] tells.
pub enum Shape<'a> {
    /// One or more points.
    Points(&'a [(i32, i32)]),
    /// Lines.
    Lines(&'a [Vec<(i32, i32)>]),
    /// Rings of polygons, exteriors each followed by their holes (not
    /// closed: the last vertex is not the first again).
    Polygon(&'a [Vec<(i32, i32)>]),
}

/// Twice the signed area of a ring by the surveyor's formula in tile
/// coordinates: positive for an exterior ring as MVT wants it.
pub fn ring_area(ring: &[(i32, i32)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i64::from(a.0) * i64::from(b.1) - i64::from(b.0) * i64::from(a.1)
        })
        .sum()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// A field key: number and wire type (0 varint, 1 64-bit, 2 length).
fn key(out: &mut Vec<u8>, field: u32, wire: u8) {
    varint(out, u64::from((field << 3) | u32::from(wire)));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    key(out, field, 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn packed(out: &mut Vec<u8>, field: u32, values: &[u32]) {
    let mut body = Vec::with_capacity(values.len() * 2);
    for &v in values {
        varint(&mut body, u64::from(v));
    }
    bytes_field(out, field, &body);
}

fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// The geometry commands of a shape; `None` when nothing is left (a line
/// of one point, a ring of under three).
fn geometry(shape: &Shape) -> Option<(u32, Vec<u32>)> {
    let mut out = Vec::new();
    let mut at = (0i32, 0i32);
    let mut step = |out: &mut Vec<u32>, p: (i32, i32)| {
        out.push(zigzag(p.0 - at.0));
        out.push(zigzag(p.1 - at.1));
        at = p;
    };
    let kind = match shape {
        Shape::Points(ps) => {
            if ps.is_empty() {
                return None;
            }
            out.push(command(1, ps.len() as u32));
            for &p in *ps {
                step(&mut out, p);
            }
            1
        }
        Shape::Lines(lines) => {
            for l in lines.iter().filter(|l| l.len() >= 2) {
                out.push(command(1, 1));
                step(&mut out, l[0]);
                out.push(command(2, l.len() as u32 - 1));
                for &p in &l[1..] {
                    step(&mut out, p);
                }
            }
            2
        }
        Shape::Polygon(rings) => {
            for r in rings.iter().filter(|r| r.len() >= 3) {
                out.push(command(1, 1));
                step(&mut out, r[0]);
                out.push(command(2, r.len() as u32 - 1));
                for &p in &r[1..] {
                    step(&mut out, p);
                }
                out.push(command(7, 1));
            }
            3
        }
    };
    (!out.is_empty()).then_some((kind, out))
}

/// One layer of a tile being written.
pub struct Layer {
    name: String,
    features: Vec<u8>,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<Value>,
    value_index: HashMap<(u8, u64, String), u32>,
    count: usize,
}

impl Layer {
    /// An empty layer called `name`.
    pub fn new(name: &str) -> Layer {
        Layer {
            name: name.to_string(),
            features: Vec::new(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            count: 0,
        }
    }

    fn tag(&mut self, k: &str, v: &Value) -> (u32, u32) {
        let ki = match self.key_index.get(k) {
            Some(&i) => i,
            None => {
                let i = self.keys.len() as u32;
                self.keys.push(k.to_string());
                self.key_index.insert(k.to_string(), i);
                i
            }
        };
        let (t, bits, s) = v.key();
        let vk = (t, bits, s.to_string());
        let vi = match self.value_index.get(&vk) {
            Some(&i) => i,
            None => {
                let i = self.values.len() as u32;
                self.values.push(v.clone());
                self.value_index.insert(vk, i);
                i
            }
        };
        (ki, vi)
    }

    /// Add a feature (nothing when its shape is empty).
    pub fn add(&mut self, id: Option<u64>, shape: &Shape, props: &[(&str, Value)]) {
        let Some((kind, geom)) = geometry(shape) else {
            return;
        };
        let mut tags = Vec::with_capacity(props.len() * 2);
        for (k, v) in props {
            let (ki, vi) = self.tag(k, v);
            tags.extend([ki, vi]);
        }
        let mut f = Vec::with_capacity(geom.len() * 2 + 16);
        if let Some(id) = id {
            key(&mut f, 1, 0);
            varint(&mut f, id);
        }
        if !tags.is_empty() {
            packed(&mut f, 2, &tags);
        }
        key(&mut f, 3, 0);
        varint(&mut f, u64::from(kind));
        packed(&mut f, 4, &geom);
        bytes_field(&mut self.features, 2, &f);
        self.count += 1;
    }

    /// The layer message.
    fn encode(&self, out: &mut Vec<u8>) {
        let mut l = Vec::with_capacity(self.features.len() + 256);
        key(&mut l, 15, 0);
        varint(&mut l, 2);
        bytes_field(&mut l, 1, self.name.as_bytes());
        l.extend_from_slice(&self.features);
        for k in &self.keys {
            bytes_field(&mut l, 3, k.as_bytes());
        }
        for v in &self.values {
            let mut m = Vec::new();
            match v {
                Value::Str(s) => bytes_field(&mut m, 1, s.as_bytes()),
                Value::Double(x) => {
                    key(&mut m, 3, 1);
                    m.extend_from_slice(&x.to_le_bytes());
                }
                Value::Uint(u) => {
                    key(&mut m, 5, 0);
                    varint(&mut m, *u);
                }
            }
            bytes_field(&mut l, 4, &m);
        }
        key(&mut l, 5, 0);
        varint(&mut l, u64::from(EXTENT));
        bytes_field(out, 3, &l);
    }
}

/// A tile of `layers` (empty layers are left out).
pub fn tile(layers: &[Layer]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in layers.iter().filter(|l| l.count > 0) {
        l.encode(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_as_the_protobuf_docs_give_them() {
        // protobuf.dev "Encoding": 150 is 96 01; zigzag maps -1 to 1, 1 to
        // 2, -2 to 3.
        let mut v = Vec::new();
        varint(&mut v, 150);
        assert_eq!(v, [0x96, 0x01]);
        assert_eq!([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)], [0, 1, 2, 3]);
        assert_eq!(zigzag(i32::MIN), u32::MAX);
    }

    #[test]
    fn the_specifications_point_and_polygon_examples() {
        // MVT 2.1, 4.3.5: a point at (25, 17) is [9, 50, 34]; the polygon
        // (3,6) (8,12) (20,34) is [9, 6, 12, 18, 10, 12, 24, 44, 15].
        let (k, g) = geometry(&Shape::Points(&[(25, 17)])).unwrap();
        assert_eq!((k, g), (1, vec![9, 50, 34]));
        let ring = vec![(3, 6), (8, 12), (20, 34)];
        let (k, g) = geometry(&Shape::Polygon(std::slice::from_ref(&ring))).unwrap();
        assert_eq!((k, g), (3, vec![9, 6, 12, 18, 10, 12, 24, 44, 15]));
        assert!(ring_area(&ring) > 0, "the example's exterior ring");
        // 4.3.5.2: the line (2,2) (2,10) (10,10) is [9, 4, 4, 18, 0, 16, 16, 0].
        let (k, g) = geometry(&Shape::Lines(&[vec![(2, 2), (2, 10), (10, 10)]])).unwrap();
        assert_eq!((k, g), (2, vec![9, 4, 4, 18, 0, 16, 16, 0]));
    }

    #[test]
    fn values_and_keys_are_shared_within_a_layer() {
        let mut l = Layer::new("points");
        for i in 0..3 {
            l.add(
                Some(i),
                &Shape::Points(&[(1, 1)]),
                &[
                    ("kind", Value::Str("Battles".into())),
                    ("n", Value::Uint(2)),
                ],
            );
        }
        assert_eq!((l.keys.len(), l.values.len(), l.count), (2, 2, 3));
        assert!(tile(&[Layer::new("empty")]).is_empty());
    }
}
