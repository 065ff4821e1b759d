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
pub mod repair;
pub mod topojson;

use crate::error::{Error, Result};
use crate::geodesy;
use crate::layer::catalogue::ATTRIBUTION;
use crate::layer::{Feature, Layer, to_geojson};
use geo::{Coord, LineString, MultiPolygon, Point, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
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

    // Districts.
    let topo_districts = admin.geometries("districts")?;
    let mut census_by_name: BTreeMap<&str, &CensusRow> = BTreeMap::new();
    for row in &census {
        census_by_name.insert(row.district.as_str(), row);
    }
    // Each district's polygons, repaired where invalid; then a district
    // whose rings crossed (and so, repaired, may reach across an arc it
    // shares with a neighbour) is cut back along its neighbours'
    // boundaries.
    let mut units = Vec::new();
    for g in &topo_districts {
        let name = prop_str(g, "name")?;
        let (mp, rep) = repair::build(&name, polygons_of(&admin, g))?;
        if let Some(why) = &rep.invalid_reason {
            report.lines.push(format!(
                "district {name}: repaired invalid geometry ({why})"
            ));
        }
        if rep.degenerate_rings > 0 {
            report.lines.push(format!(
                "district {name}: dropped {} degenerate ring(s) of zero area",
                rep.degenerate_rings
            ));
        }
        units.push((g, name, mp, rep.invalid_reason.is_some()));
    }
    for i in 0..units.len() {
        if !units[i].3 {
            continue;
        }
        for j in 0..units.len() {
            if i == j || !boxes_meet(&units[i].2, &units[j].2) {
                continue;
            }
            let (cut, gave_up) = repair::cut_back(&units[i].2, &units[j].2);
            // (Overlaps under a square metre are rounding, not a fold.)
            if gave_up > 1.0 {
                if let Err(e) = cut.check_validation() {
                    return Err(Error::Build(format!(
                        "district {}: invalid after cutting back along {}: {e}",
                        units[i].1, units[j].1
                    )));
                }
                report.lines.push(format!(
                    "district {}: cut back along the boundary of {}: {gave_up:.0} m² both held left to {}",
                    units[i].1, units[j].1, units[j].1
                ));
                units[i].2 = cut;
            }
        }
    }
    let mut districts = Vec::new();
    let mut joined = 0;
    for (g, name, mp, _) in units {
        let division = prop_str(g, "division")?;
        let province = prop_str(g, "province")?;
        let code = PROVINCE_CODES
            .iter()
            .find(|(n, _)| *n == province)
            .map(|(_, c)| *c)
            .ok_or_else(|| Error::Build(format!("district {name}: unknown province {province}")))?;
        let mut p = props(vec![
            ("id", json!(format!("{code}-{}", slug(&name)))),
            ("name", json!(name)),
            ("division", json!(division)),
            ("province", json!(province)),
        ]);
        if let Some(c) = census_by_name.get(name.as_str()) {
            if c.province != province || c.division != division {
                return Err(Error::Build(format!(
                    "census row {} says {}/{}, topology says {division}/{province}",
                    c.district, c.division, c.province
                )));
            }
            joined += 1;
            p.insert("population_2023".into(), json!(c.population_2023));
            p.insert("households_2023".into(), json!(c.households_2023));
            p.insert("area_km2_published".into(), json!(c.area_km2_published));
            p.insert("literacy_rate_10plus".into(), json!(c.literacy_rate_10plus));
        }
        p.insert("area_km2".into(), json!(area_km2(&mp)));
        p.insert(
            "osm_relations".into(),
            g.properties
                .get("osmRelations")
                .cloned()
                .unwrap_or(json!([])),
        );
        districts.push(Feature::new(mp, p));
    }
    if joined != census.len() {
        let names: Vec<&str> = census
            .iter()
            .filter(|c| {
                !topo_districts
                    .iter()
                    .any(|g| prop_str(g, "name").ok().as_deref() == Some(&c.district))
            })
            .map(|c| c.district.as_str())
            .collect();
        return Err(Error::Build(format!(
            "census rows that match no district: {}",
            names.join(", ")
        )));
    }
    report.lines.push(format!(
        "districts: {} ({} with census figures)",
        districts.len(),
        joined
    ));

    // Provinces.
    let mut provinces = Vec::new();
    for g in &admin.geometries("provinces")? {
        let name = prop_str(g, "name")?;
        let (mp, rep) = repair::build(&name, polygons_of(&admin, g))?;
        if let Some(why) = &rep.invalid_reason {
            report.lines.push(format!(
                "province {name}: repaired invalid geometry ({why})"
            ));
        }
        let code = PROVINCE_CODES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .ok_or_else(|| Error::Build(format!("unknown province {name}")))?;
        let kind = if prop_str(g, "kind")? == "province" {
            "province"
        } else {
            "territory"
        };
        let mut p = props(vec![
            ("id", json!(code)),
            ("name", json!(name)),
            ("kind", json!(kind)),
        ]);
        let mine: Vec<&Feature> = districts
            .iter()
            .filter(|d| d.properties["province"] == json!(name))
            .collect();
        let with_census: Vec<&&Feature> = mine
            .iter()
            .filter(|d| d.properties.contains_key("population_2023"))
            .collect();
        if !with_census.is_empty() {
            let sum = |k: &str| -> u64 {
                with_census
                    .iter()
                    .map(|d| d.properties[k].as_u64().unwrap_or(0))
                    .sum()
            };
            p.insert("population_2023".into(), json!(sum("population_2023")));
            p.insert("households_2023".into(), json!(sum("households_2023")));
        }
        p.insert("districts".into(), json!(mine.len()));
        p.insert("area_km2".into(), json!(area_km2(&mp)));
        provinces.push(Feature::new(mp, p));
    }

    // Neighbours.
    let mut neighbours = Vec::new();
    let mut silhouettes = Vec::new();
    for g in &nbt.geometries("neighbours")? {
        let iso2 = prop_str(g, "iso")?;
        let name = prop_str(g, "name")?;
        let iso3 = NEIGHBOUR_ISO3
            .iter()
            .find(|(a, _)| *a == iso2)
            .map(|(_, b)| *b)
            .ok_or_else(|| Error::Build(format!("unknown neighbour {iso2}")))?;
        let (mp, _) = repair::build(&name, polygons_of(&nbt, g))?;
        silhouettes.push((iso3.to_string(), mp.clone()));
        neighbours.push(Feature::new(
            mp,
            props(vec![
                ("iso3", json!(iso3)),
                ("name", json!(name)),
                (
                    "faces",
                    g.properties.get("faces").cloned().unwrap_or(Value::Null),
                ),
            ]),
        ));
    }

    // Durand Line.
    let derived = durand::derive(&admin, &topo_districts, &silhouettes)?;
    let durand_km = geodesy::length_m(&derived.line) / 1000.0;
    let first = derived.line.0[0];
    let last = *derived.line.0.last().expect("line has points");
    report.lines.push(format!(
        "durand-line: {:.1} km geodesic, {} vertices, from ({:.4} N, {:.4} E) to ({:.4} N, {:.4} E), at most {:.0} m from the Afghanistan silhouette",
        durand_km,
        derived.line.0.len(),
        first.y,
        first.x,
        last.y,
        last.x,
        derived.max_offset_m
    ));
    let durand = Feature::new(
        derived.line.clone(),
        props(vec![
            ("name", json!("Durand Line")),
            ("length_km", json!(round_to(durand_km, 3))),
            ("from", json!("Pakistan-Afghanistan-Iran tripoint")),
            ("to", json!("Pakistan-Afghanistan-China tripoint")),
            (
                "derivation",
                json!(
                    "the part of Pakistan's outer district boundary that faces the Afghanistan silhouette"
                ),
            ),
        ]),
    );

    // Crossings, snapped onto the line.
    let mut crossings = Vec::new();
    for c in &crossings_in {
        let original = Coord { x: c.lon, y: c.lat };
        let (d, snapped) = geodesy::point_line_distance(original, &derived.line);
        let snapped = Coord {
            x: topojson::round(snapped.x),
            y: topojson::round(snapped.y),
        };
        report.lines.push(format!(
            "crossing {}: snapped {:.2} km onto the Durand Line (stated precision {} km)",
            c.name,
            d / 1000.0,
            c.approx_km
        ));
        crossings.push(Feature::new(
            Point(snapped),
            props(vec![
                ("name", json!(c.name)),
                ("note", json!(c.note)),
                ("original_lon", json!(c.lon)),
                ("original_lat", json!(c.lat)),
                ("approx_km", json!(c.approx_km)),
                ("snap_km", json!(round_to(d / 1000.0, 3))),
            ]),
        ));
    }

    // CPEC corridors, in the order the file first names them.
    let mut order: Vec<&str> = Vec::new();
    for r in &cpec {
        if !order.contains(&r.corridor.as_str()) {
            order.push(&r.corridor);
        }
    }
    let mut corridors = Vec::new();
    for name in order {
        let mut rows: Vec<&CpecRow> = cpec.iter().filter(|r| r.corridor == name).collect();
        rows.sort_by_key(|r| r.seq);
        let line = LineString::new(rows.iter().map(|r| Coord { x: r.lon, y: r.lat }).collect());
        let km = geodesy::length_m(&line) / 1000.0;
        report.lines.push(format!(
            "cpec {name}: {} towns, {km:.1} km (schematic)",
            rows.len()
        ));
        corridors.push(Feature::new(
            line,
            props(vec![
                ("corridor", json!(name)),
                ("name", json!(format!("CPEC {name} alignment"))),
                ("towns", json!(rows.iter().map(|r| r.town.clone()).collect::<Vec<_>>())),
                ("length_km", json!(round_to(km, 3))),
                ("schematic", json!(true)),
                (
                    "note",
                    json!("straight segments between listed towns; for orientation and proximity screening, not engineering"),
                ),
            ]),
        ));
    }

    // Province extracts: the outline plus its districts.
    let with_role = |f: &Feature, role: &str| {
        let mut f = f.clone();
        f.properties.insert("role".into(), json!(role));
        f
    };
    let extract = |province: &str| -> Vec<Feature> {
        let mut v: Vec<Feature> = provinces
            .iter()
            .filter(|p| p.properties["name"] == json!(province))
            .map(|p| with_role(p, "province"))
            .collect();
        v.extend(
            districts
                .iter()
                .filter(|d| d.properties["province"] == json!(province))
                .map(|d| with_role(d, "district")),
        );
        v
    };
    let kp = extract("Khyber Pakhtunkhwa");
    let balochistan = extract("Balochistan");

    // Waziristan: the two districts and their union, merged on shared arcs.
    let wz_names = ["North Waziristan", "South Waziristan"];
    let wz_topo: Vec<TopoGeometry> = topo_districts
        .iter()
        .filter(|g| {
            wz_names
                .iter()
                .any(|n| g.properties.get("name") == Some(&json!(n)))
        })
        .cloned()
        .collect();
    if wz_topo.len() != 2 {
        return Err(Error::Build(
            "North and South Waziristan not both found".into(),
        ));
    }
    let rings = durand::outline_rings(&admin, &wz_topo);
    let (wz_union, _) = repair::build("Waziristan", rings.into_iter().map(|r| vec![r]).collect())?;
    let mut waziristan: Vec<Feature> = districts
        .iter()
        .filter(|d| wz_names.iter().any(|n| d.properties["name"] == json!(n)))
        .map(|d| with_role(d, "district"))
        .collect();
    let pop: u64 = waziristan
        .iter()
        .map(|d| d.properties["population_2023"].as_u64().unwrap_or(0))
        .sum();
    waziristan.push(Feature::new(
        wz_union.clone(),
        props(vec![
            ("name", json!("Waziristan")),
            ("role", json!("region")),
            ("districts", json!(wz_names)),
            ("province", json!("Khyber Pakhtunkhwa")),
            ("population_2023", json!(pop)),
            ("area_km2", json!(area_km2(&wz_union))),
        ]),
    ));

    // Chaman: the district and its crossing.
    let mut chaman: Vec<Feature> = districts
        .iter()
        .filter(|d| d.properties["name"] == json!("Chaman"))
        .map(|d| with_role(d, "district"))
        .collect();
    chaman.extend(
        crossings
            .iter()
            .filter(|c| c.properties["name"] == json!("Chaman-Spin Boldak"))
            .map(|c| with_role(c, "crossing")),
    );
    if chaman.len() != 2 {
        return Err(Error::Build(
            "Chaman district or the Chaman-Spin Boldak crossing is missing".into(),
        ));
    }

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
