//! Regenerating `geodata/` from the raw inputs (`frontier geodata build`).
//!
//! Reads the files described in the raw data folder's SOURCES.md (the
//! district topology, the neighbour silhouettes, the PBS census table, the
//! CPEC town lists and the crossings) and writes the built-in layers as
//! GeoJSON. The output is deterministic: the same inputs give the same bytes.
//!
//! The normal build does not need the raw inputs: the layers written here are
//! committed under `geodata/` and embedded in the binary.

pub mod durand;
mod parts;
pub mod repair;
pub mod topojson;

use crate::error::{Error, Result};
use crate::geodesy;
use crate::layer::catalogue::ATTRIBUTION;
use crate::layer::{Feature, Layer, to_geojson};
use geo::{Coord, MultiPolygon};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::path::Path;
use topojson::{TopoGeometry, Topology};

/// ISO 3166-2 code of each first-level unit, by its name in the topology.
pub const PROVINCE_CODES: &[(&str, &str)] = &[
    ("Balochistan", "PK-BA"),
    ("Gilgit-Baltistan", "PK-GB"),
    ("Islamabad Capital Territory", "PK-IS"),
    ("Khyber Pakhtunkhwa", "PK-KP"),
    ("Azad Jammu & Kashmir", "PK-JK"),
    ("Punjab", "PK-PB"),
    ("Sindh", "PK-SD"),
];

/// ISO 3166-1 alpha-3 of the neighbours, by the alpha-2 in the raw data.
const NEIGHBOUR_ISO3: &[(&str, &str)] =
    &[("AF", "AFG"), ("CN", "CHN"), ("IN", "IND"), ("IR", "IRN")];

#[derive(Debug, Deserialize)]
struct CensusRow {
    district: String,
    division: String,
    province: String,
    population_2023: u64,
    households_2023: u64,
    area_km2_published: f64,
    literacy_rate_10plus: f64,
}

#[derive(Debug, Deserialize)]
struct CpecRow {
    corridor: String,
    seq: u32,
    town: String,
    lat: f64,
    lon: f64,
}

#[derive(Debug, Deserialize)]
struct CrossingRow {
    name: String,
    lat: f64,
    lon: f64,
    approx_km: f64,
    note: String,
}

#[derive(Debug, serde::Deserialize)]
struct PlaceRow {
    geonameid: u64,
    name: String,
    country: String,
    admin1: String,
    population: u64,
    latitude: f64,
    longitude: f64,
}

/// The credit GeoNames asks for, carried by the `places` layer.
pub const PLACES_ATTRIBUTION: &str = crate::layer::PLACES_CREDIT;

/// The populated places of the gazetteer as a point layer, in the file's
/// order (by population, largest first): every row kept, checked for a
/// position on the globe and a unique GeoNames id.
fn places(rows: &[PlaceRow], report: &mut Report) -> Result<Layer> {
    let mut seen = std::collections::BTreeSet::new();
    let mut features = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let line = i + 2;
        if !(r.latitude.abs() <= 90.0 && r.longitude.abs() <= 180.0) {
            return Err(Error::Build(format!(
                "geonames-cities15000-region.csv:{line}: {} is not on the globe ({}, {})",
                r.name, r.latitude, r.longitude
            )));
        }
        if r.name.trim().is_empty() || !seen.insert(r.geonameid) {
            return Err(Error::Build(format!(
                "geonames-cities15000-region.csv:{line}: empty name or repeated geonameid {}",
                r.geonameid
            )));
        }
        features.push(Feature::new(
            geo::Point::new(r.longitude, r.latitude),
            props(vec![
                ("name", json!(r.name)),
                ("geonameid", json!(r.geonameid)),
                ("country", json!(r.country)),
                ("admin1", json!(r.admin1)),
                ("population", json!(r.population)),
            ]),
        ));
    }
    report.lines.push(format!(
        "places: {} GeoNames places of 15,000 people or more",
        features.len()
    ));
    Ok(Layer {
        name: "places".into(),
        source: "built-in".into(),
        attribution: PLACES_ATTRIBUTION.into(),
        licence: "CC-BY-4.0".into(),
        features,
    })
}

/// What a build did, for the person running it.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per notable fact (repairs, lengths, snaps, files written).
    pub lines: Vec<String>,
}

fn read(dir: &Path, file: &str) -> Result<String> {
    let p = dir.join(file);
    std::fs::read_to_string(&p).map_err(|e| Error::io(p, e))
}

fn csv_rows<T: serde::de::DeserializeOwned>(dir: &Path, file: &str) -> Result<Vec<T>> {
    let p = dir.join(file);
    let mut r = csv::Reader::from_path(&p).map_err(|e| Error::Csv {
        origin: p.display().to_string(),
        source: e,
    })?;
    r.deserialize()
        .map(|row| {
            row.map_err(|e| Error::Csv {
                origin: p.display().to_string(),
                source: e,
            })
        })
        .collect()
}

/// Round to `d` decimal places, for properties.
pub fn round_to(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// A stable identifier: lower case, runs of other characters as one `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn prop_str(g: &TopoGeometry, k: &str) -> Result<String> {
    g.properties
        .get(k)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Build(format!("topology geometry without a {k:?} property")))
}

fn polygons_of(topo: &Topology, g: &TopoGeometry) -> Vec<Vec<Vec<Coord>>> {
    g.polygons
        .iter()
        .map(|rings| rings.iter().map(|r| topo.ring(r)).collect())
        .collect()
}

/// Whether the boxes of two multipolygons meet.
fn boxes_meet(a: &MultiPolygon, b: &MultiPolygon) -> bool {
    use geo::{BoundingRect, Intersects};
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(x), Some(y)) => x.intersects(&y),
        _ => false,
    }
}

fn area_km2(mp: &MultiPolygon) -> f64 {
    round_to(geodesy::area_m2(mp) / 1e6, 3)
}

fn layer(name: &str, features: Vec<Feature>) -> Layer {
    Layer {
        name: name.into(),
        source: "built-in".into(),
        attribution: ATTRIBUTION.into(),
        licence: "ODbL-1.0".into(),
        features,
    }
}

fn props(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Regenerate every built-in layer from the raw inputs in `data` and write
/// them to `out`.
pub fn build(data: &Path, out: &Path) -> Result<Report> {
    let mut report = Report::default();
    let layers = derive(data, &mut report)?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    for (file, l) in &layers {
        let p = out.join(file);
        let mut f = crate::output::AtomicFile::create(&p)?;
        std::io::Write::write_all(&mut f, to_geojson(l).as_bytes())
            .map_err(|e| Error::io(&p, e))?;
        f.commit()?;
        report.lines.push(format!(
            "wrote {} ({} features)",
            p.display(),
            l.features.len()
        ));
    }
    Ok(report)
}

/// Derive every built-in layer from the raw inputs, as (file name, layer).
pub fn derive(data: &Path, report: &mut Report) -> Result<Vec<(&'static str, Layer)>> {
    let admin_file = "pakistan-admin-2023.topojson";
    let admin = Topology::parse(admin_file, &read(data, admin_file)?)?;
    let nb_file = "neighbours.topojson";
    let nbt = Topology::parse(nb_file, &read(data, nb_file)?)?;
    let census: Vec<CensusRow> = csv_rows(data, "census-2023-districts.csv")?;
    let cpec: Vec<CpecRow> = csv_rows(data, "cpec-alignments.csv")?;
    let crossings_in: Vec<CrossingRow> = csv_rows(data, "crossings.csv")?;
    let places_in: Vec<PlaceRow> = csv_rows(data, "geonames-cities15000-region.csv")?;
    let places = places(&places_in, report)?;

    let topo_districts = admin.geometries("districts")?;
    let districts = parts::districts(&admin, &topo_districts, &census, report)?;
    let provinces = parts::provinces(&admin, &districts, report)?;
    let (neighbours, silhouettes) = parts::neighbours(&nbt)?;
    let derived = durand::derive(&admin, &topo_districts, &silhouettes)?;
    let durand = parts::durand_line(&derived, report);
    let crossings = parts::crossings(&crossings_in, &derived.line, report);
    let corridors = parts::corridors(&cpec, report);
    let kp = parts::province_extract(&provinces, &districts, "Khyber Pakhtunkhwa");
    let balochistan = parts::province_extract(&provinces, &districts, "Balochistan");
    let waziristan = parts::waziristan(&admin, &topo_districts, &districts)?;
    let chaman = parts::chaman(&districts, &crossings)?;

    Ok(vec![
        ("durand-line.geojson", layer("durand-line", vec![durand])),
        ("provinces.geojson", layer("provinces", provinces)),
        ("districts.geojson", layer("districts", districts)),
        ("kp.geojson", layer("kp", kp)),
        ("balochistan.geojson", layer("balochistan", balochistan)),
        ("waziristan.geojson", layer("waziristan", waziristan)),
        ("chaman.geojson", layer("chaman", chaman)),
        ("cpec-corridors.geojson", layer("cpec", corridors)),
        ("crossings.geojson", layer("crossings", crossings)),
        ("neighbours.geojson", layer("neighbours", neighbours)),
        ("places.geojson", places),
    ])
}
