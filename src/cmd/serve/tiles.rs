//! Vector tiles: the built-in layers as the base map (thinned for each
//! zoom and cut to the tile), and the points, one by one when zoomed in
//! and in hexagons below the zoom where a tile would hold too many.

use super::clip::{Rect, clip_line, clip_ring, simplify};
use super::columns::Size;
use super::filter::Filter;
use super::mvt::{EXTENT, Layer, Shape, Value, ring_area, tile};
use super::state::Dataset;
use super::tileindex::{KEY_ZOOM, mercator};
use frontier::Catalogue;
use frontier::hotspots::{lattice_cell, lattice_centre};
use geo::Geometry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The built-in layers in the base tiles, drawn in this order.
pub const BASE_LAYERS: [&str; 7] = [
    "neighbours",
    "provinces",
    "districts",
    "cpec",
    "durand-line",
    "crossings",
    "places",
];

/// Deepest zoom served.
pub const MAX_ZOOM: u32 = 20;
/// Deepest zoom at which the base layers are thinned further.
const MAX_THIN_ZOOM: u32 = 14;
/// The buffer around a tile that shapes keep, in tile units.
const BUFFER: f64 = 64.0;
/// Hexagons' radius (centre to corner), in tile units (8 units a pixel
/// on a 512-pixel tile).
const HEX_RADIUS: f64 = 88.0;

/// One shape of a base layer, in unit-square Web Mercator.
enum Part {
    Point((f64, f64)),
    Lines(Vec<Vec<(f64, f64)>>),
    /// Polygons: rings, exteriors first and each followed by its holes.
    Polygons(Vec<Vec<Vec<(f64, f64)>>>),
}

struct BaseFeature {
    bbox: Rect,
    part: Part,
    props: Vec<(&'static str, Value)>,
}

fn ring_points(r: &geo::LineString) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> = r.0.iter().map(|c| mercator(c.x, c.y)).collect();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v
}

fn polygon(p: &geo::Polygon) -> Vec<Vec<(f64, f64)>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(ring_points)
        .collect()
}

fn bbox_of(points: impl Iterator<Item = (f64, f64)>) -> Rect {
    points.fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| [b[0].min(p.0), b[1].min(p.1), b[2].max(p.0), b[3].max(p.1)],
    )
}

/// What a base layer's features carry: the name, and what the page
/// shows or styles by.
fn props(layer: &str, f: &frontier::layer::Feature) -> Vec<(&'static str, Value)> {
    let mut v = Vec::new();
    if let Some(n) = f.name() {
        v.push(("name", Value::Str(n.to_string())));
    }
    let num = |k: &str| f.properties.get(k).and_then(serde_json::Value::as_f64);
    match layer {
        "districts" => {
            if let Some(p) = f.property_text("province") {
                v.push(("province", Value::Str(p)));
            }
        }
        "places" => {
            if let Some(p) = num("population") {
                v.push(("population", Value::Double(p)));
            }
        }
        "neighbours" => {
            if let Some(p) = f.property_text("iso3") {
                v.push(("iso3", Value::Str(p)));
            }
        }
        _ => {}
    }
    v
}

fn project(layer: &str) -> Result<Vec<BaseFeature>, frontier::Error> {
    let l = Catalogue::shared(layer)?;
    let mut out = Vec::new();
    for f in &l.features {
        let part = match &f.geometry {
            Geometry::Point(p) => Part::Point(mercator(p.x(), p.y())),
            Geometry::LineString(ls) => Part::Lines(vec![ring_points_open(ls)]),
            Geometry::MultiLineString(m) => Part::Lines(m.0.iter().map(ring_points_open).collect()),
            Geometry::Polygon(p) => Part::Polygons(vec![polygon(p)]),
            Geometry::MultiPolygon(m) => Part::Polygons(m.0.iter().map(polygon).collect()),
            _ => continue,
        };
        let bbox = match &part {
            Part::Point(p) => [p.0, p.1, p.0, p.1],
            Part::Lines(ls) => bbox_of(ls.iter().flatten().copied()),
            Part::Polygons(ps) => bbox_of(ps.iter().flatten().flatten().copied()),
        };
        out.push(BaseFeature {
            bbox,
            part,
            props: props(layer, f),
        });
    }
    Ok(out)
}

fn ring_points_open(ls: &geo::LineString) -> Vec<(f64, f64)> {
    ls.0.iter().map(|c| mercator(c.x, c.y)).collect()
}

/// The tile's rectangle in unit-square coordinates, with the buffer.
fn tile_rect(z: u32, x: u32, y: u32, buffer: f64) -> Rect {
    let n = f64::from(1u32 << z.min(31));
    let b = buffer / f64::from(EXTENT);
    [
        (f64::from(x) - b) / n,
        (f64::from(y) - b) / n,
        (f64::from(x) + 1.0 + b) / n,
        (f64::from(y) + 1.0 + b) / n,
    ]
}

/// Unit-square points to whole tile units, repeated points dropped.
fn to_tile(points: &[(f64, f64)], z: u32, x: u32, y: u32) -> Vec<(i32, i32)> {
    let n = f64::from(1u32 << z) * f64::from(EXTENT);
    let (ox, oy) = (
        f64::from(x) * f64::from(EXTENT),
        f64::from(y) * f64::from(EXTENT),
    );
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for p in points {
        let q = ((p.0 * n - ox).round() as i32, (p.1 * n - oy).round() as i32);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

/// Tiles made so far, by their address (and filters).
type Cache<K> = Mutex<HashMap<K, Arc<Vec<u8>>>>;

/// The built-in layers, projected once, and tiles made so far.
#[derive(Default)]
pub struct Base {
    layers: OnceLock<Result<Vec<Vec<BaseFeature>>, String>>,
    cache: Cache<(u32, u32, u32)>,
}

/// Most tiles kept in a cache before it is emptied.
const CACHE_TILES: usize = 20_000;

impl Base {
    fn layers(&self) -> Result<&Vec<Vec<BaseFeature>>, String> {
        self.layers
            .get_or_init(|| {
                BASE_LAYERS
                    .iter()
                    .map(|l| project(l).map_err(|e| e.to_string()))
                    .collect()
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The base tile (z, x, y).
    pub fn tile(&self, z: u32, x: u32, y: u32) -> Result<Arc<Vec<u8>>, String> {
        if let Some(t) = self
            .cache
            .lock()
            .map_err(|e| e.to_string())?
            .get(&(z, x, y))
        {
            return Ok(t.clone());
        }
        let layers = self.layers()?;
        let rect = tile_rect(z, x, y, BUFFER);
        // Thinned to a quarter of a tile unit at the zoom (no finer than
        // zoom 14's).
        let tolerance = 0.25 / (f64::from(1u32 << z.min(MAX_THIN_ZOOM)) * f64::from(EXTENT));
        let mut out = Vec::new();
        for (name, features) in BASE_LAYERS.iter().zip(layers) {
            let mut layer = Layer::new(name);
            for (i, f) in features.iter().enumerate() {
                let b = f.bbox;
                if b[0] > rect[2] || b[2] < rect[0] || b[1] > rect[3] || b[3] < rect[1] {
                    continue;
                }
                let id = Some(i as u64);
                match &f.part {
                    Part::Point(p) => {
                        let pts = to_tile(&[*p], z, x, y);
                        layer.add(id, &Shape::Points(&pts), &f.props);
                    }
                    Part::Lines(ls) => {
                        let mut lines = Vec::new();
                        for l in ls {
                            for part in clip_line(&simplify(l, tolerance), rect) {
                                let t = to_tile(&part, z, x, y);
                                if t.len() >= 2 {
                                    lines.push(t);
                                }
                            }
                        }
                        layer.add(id, &Shape::Lines(&lines), &f.props);
                    }
                    Part::Polygons(ps) => {
                        let mut rings = Vec::new();
                        for p in ps {
                            for (k, r) in p.iter().enumerate() {
                                let thin = simplify_ring(r, tolerance);
                                let mut t = to_tile(&clip_ring(&thin, rect), z, x, y);
                                if t.len() > 1 && t.first() == t.last() {
                                    t.pop();
                                }
                                if t.len() < 3 || ring_area(&t) == 0 {
                                    continue;
                                }
                                // Exteriors wind one way, holes the other.
                                if (ring_area(&t) > 0) != (k == 0) {
                                    t.reverse();
                                }
                                if k > 0 && rings.is_empty() {
                                    continue;
                                }
                                rings.push(t);
                            }
                        }
                        layer.add(id, &Shape::Polygon(&rings), &f.props);
                    }
                }
            }
            out.push(layer);
        }
        let bytes = Arc::new(tile(&out));
        let mut cache = self.cache.lock().map_err(|e| e.to_string())?;
        if cache.len() >= CACHE_TILES {
            cache.clear();
        }
        cache.insert((z, x, y), bytes.clone());
        Ok(bytes)
    }
}

/// A ring thinned (closed for the thinning so its ends can go too).
fn simplify_ring(r: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if r.len() < 8 {
        return r.to_vec();
    }
    let mut closed = r.to_vec();
    closed.push(r[0]);
    let mut s = simplify(&closed, tolerance);
    s.pop();
    s
}

/// The colour code of a category rank: the commonest values keep their
/// rank, the rest share the last.
pub const CATEGORY_COLOURS: u64 = 8;

/// Point tiles made so far, per dataset.
#[derive(Default)]
pub struct PointTiles {
    cache: Cache<String>,
}

/// What a point tile shows.
pub struct PointStyle<'a> {
    /// The coded column that colours the points.
    pub color: Option<usize>,
    /// The numbers that size them (each point's `v`).
    pub size: Option<Size<'a>>,
    /// The filters.
    pub filter: &'a Filter,
}

impl PointTiles {
    /// The point tile (z, x, y) of `d`.
    pub fn tile(&self, d: &Dataset, z: u32, x: u32, y: u32, style: &PointStyle) -> Arc<Vec<u8>> {
        let key = format!(
            "{}/{z}/{x}/{y}/{:?}/{:?}/{}",
            d.id,
            style.color,
            style.size.map(|n| &n.numbers().name),
            style.filter.key()
        );
        if let Ok(c) = self.cache.lock()
            && let Some(t) = c.get(&key)
        {
            return t.clone();
        }
        let bytes = Arc::new(if z >= d.tiles.single_from {
            singles(d, z, x, y, style)
        } else {
            hexagons(d, z, x, y, style.filter)
        });
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHE_TILES {
                c.clear();
            }
            c.insert(key, bytes.clone());
        }
        bytes
    }
}

/// Fixed-point Web Mercator to world tile units at zoom `z`.
fn world(v: u32, z: u32) -> f64 {
    f64::from(v) / 4_294_967_296.0 * f64::from(1u32 << z) * f64::from(EXTENT)
}

fn singles(d: &Dataset, z: u32, x: u32, y: u32, style: &PointStyle) -> Vec<u8> {
    let t = &d.tiles;
    let durand = style.filter.within_m.map(|_| d.durand_m());
    let (ox, oy) = (
        f64::from(x) * f64::from(EXTENT),
        f64::from(y) * f64::from(EXTENT),
    );
    let colors = style.color.map(|c| &d.categories[c]);
    let mut layer = Layer::new("points");
    for s in t.run(z, x, y) {
        let i = t.point[s] as usize;
        let (px, py) = (world(t.x[s], z) - ox, world(t.y[s], z) - oy);
        // Deeper than the sort key: the parent's run, cut to the tile.
        let inside = |v: f64| (0.0..f64::from(EXTENT)).contains(&v);
        if z > KEY_ZOOM && !(inside(px) && inside(py)) {
            continue;
        }
        if !style.filter.keeps_at(d, s, durand) {
            continue;
        }
        let mut props = Vec::with_capacity(2);
        let v = match style.size {
            Some(Size::Value(_)) => f64::from(t.value[s]),
            Some(Size::Column(n)) => f64::from(n.values[i]),
            None => f64::NAN,
        };
        if v.is_finite() {
            props.push(("v", Value::Double(v)));
        }
        if let Some(c) = colors {
            props.push((
                "k",
                Value::Uint(u64::from(c.codes[i]).min(CATEGORY_COLOURS)),
            ));
        }
        let at = [(px as i32, py as i32)];
        layer.add(Some(i as u64), &Shape::Points(&at), &props);
    }
    tile(&[layer])
}

fn hexagons(d: &Dataset, z: u32, x: u32, y: u32, filter: &Filter) -> Vec<u8> {
    let t = &d.tiles;
    let durand = filter.within_m.map(|_| d.durand_m());
    let e = f64::from(EXTENT);
    let (ox, oy) = (f64::from(x) * e, f64::from(y) * e);
    // Every hexagon that reaches into the tile (its centre within a radius
    // of it) is drawn whole, with all its points: the map library cuts
    // each tile's shapes at the tile's edge, so a hexagon across an edge
    // is drawn by the tiles on both sides, each its part. Its points are
    // within two radii of the tile, found by the runs of the sub-tiles
    // five zooms down that cover them.
    let margin = HEX_RADIUS;
    let reach = margin + HEX_RADIUS;
    let zs = (z + 5).min(KEY_ZOOM);
    let sub = e / f64::from(1u32 << (zs - z));
    let n = 1i64 << zs;
    // Sub-tiles by their global numbers at zoom `zs`.
    let span = |o: f64| {
        let a = ((o - reach) / sub).floor().max(0.0) as i64;
        let b = (((o + e + reach) / sub).floor() as i64).min(n - 1);
        a..=b
    };
    let (bx0, by0) = (ox - reach, oy - reach);
    let (bx1, by1) = (ox + e + reach, oy + e + reach);

    // The hexagons whose centres are near enough, in a dense grid.
    let (row_h, col_w) = (1.5 * HEX_RADIUS, 3f64.sqrt() * HEX_RADIUS);
    let r0 = ((oy - margin) / row_h).floor() as i64 - 1;
    let r1 = ((oy + e + margin) / row_h).ceil() as i64 + 1;
    let q0 = ((ox - margin) / col_w - r1 as f64 / 2.0).floor() as i64 - 1;
    let q1 = ((ox + e + margin) / col_w - r0 as f64 / 2.0).ceil() as i64 + 1;
    let cols = (q1 - q0 + 1) as usize;
    let mut bins: Vec<(u64, f64)> = vec![(0, 0.0); cols * (r1 - r0 + 1) as usize];
    for sy in span(oy) {
        for sx in span(ox) {
            for s in t.run(zs, sx as u32, sy as u32) {
                let (px, py) = (world(t.x[s], z), world(t.y[s], z));
                if px < bx0 || px > bx1 || py < by0 || py > by1 {
                    continue;
                }
                if !filter.keeps_at(d, s, durand) {
                    continue;
                }
                let (q, r) = lattice_cell((px, py), HEX_RADIUS);
                let c = lattice_centre((q, r), HEX_RADIUS);
                if c.0 < ox - margin
                    || c.0 >= ox + e + margin
                    || c.1 < oy - margin
                    || c.1 >= oy + e + margin
                {
                    continue;
                }
                let b = &mut bins[(r - r0) as usize * cols + (q - q0) as usize];
                b.0 += 1;
                b.1 += f64::from(t.value[s]);
            }
        }
    }
    let mut layer = Layer::new("hexagons");
    for (k, &(count, value)) in bins.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (q, r) = (q0 + (k % cols) as i64, r0 + (k / cols) as i64);
        let (cx, cy) = lattice_centre((q, r), HEX_RADIUS);
        let mut ring: Vec<(i32, i32)> = (0..6)
            .map(|k| {
                let a = (30.0 + 60.0 * f64::from(k)).to_radians();
                (
                    (cx - ox + HEX_RADIUS * a.cos()).round() as i32,
                    (cy - oy + HEX_RADIUS * a.sin()).round() as i32,
                )
            })
            .collect();
        if ring_area(&ring) < 0 {
            ring.reverse();
        }
        // The same hexagon has the same number in every tile it is in.
        let zigzag = |v: i64| ((v << 1) ^ (v >> 63)) as u64 & 0xffff_ffff;
        layer.add(
            Some((zigzag(q) << 32) | zigzag(r)),
            &Shape::Polygon(&[ring]),
            &[
                ("count", Value::Uint(count)),
                ("value", Value::Double(value)),
            ],
        );
    }
    tile(&[layer])
}
