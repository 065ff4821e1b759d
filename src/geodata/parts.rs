//! The built-in layers made from the raw inputs, one function each
//! (districts, provinces, neighbours, the Durand Line, crossings, CPEC
//! corridors and the extracts of KP, Balochistan, Waziristan and Chaman),
//! called in that order by [`super::derive`].

use super::durand::{self, Derived};
use super::topojson::{self, TopoGeometry, Topology};
use super::{
    CensusRow, CpecRow, CrossingRow, NEIGHBOUR_ISO3, PROVINCE_CODES, Report, area_km2, boxes_meet,
    polygons_of, prop_str, props, repair, round_to, slug,
};
use crate::error::{Error, Result};
use crate::geodesy;
use crate::layer::Feature;
use geo::{Coord, LineString, MultiPolygon, Point, Validation};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The ISO 3166-2 code of a province or territory, by its name.
fn province_code(name: &str) -> Option<&'static str> {
    PROVINCE_CODES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// The districts: each one's polygons, repaired where invalid; a district
/// whose rings crossed (and so, repaired, may reach across an arc it
/// shares with a neighbour) cut back along its neighbours' boundaries;
/// joined to the census by name (every census row must find its
/// district).
pub(super) fn districts(
    admin: &Topology,
    topo_districts: &[TopoGeometry],
    census: &[CensusRow],
    report: &mut Report,
) -> Result<Vec<Feature>> {
    let mut census_by_name: BTreeMap<&str, &CensusRow> = BTreeMap::new();
    for row in census {
        census_by_name.insert(row.district.as_str(), row);
    }
    let mut units = Vec::new();
    for g in topo_districts {
        let name = prop_str(g, "name")?;
        let (mp, rep) = repair::build(&name, polygons_of(admin, g))?;
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
        let code = province_code(&province)
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
    Ok(districts)
}

/// The provinces and territories, with their districts' census totals.
pub(super) fn provinces(
    admin: &Topology,
    districts: &[Feature],
    report: &mut Report,
) -> Result<Vec<Feature>> {
    let mut provinces = Vec::new();
    for g in &admin.geometries("provinces")? {
        let name = prop_str(g, "name")?;
        let (mp, rep) = repair::build(&name, polygons_of(admin, g))?;
        if let Some(why) = &rep.invalid_reason {
            report.lines.push(format!(
                "province {name}: repaired invalid geometry ({why})"
            ));
        }
        let code =
            province_code(&name).ok_or_else(|| Error::Build(format!("unknown province {name}")))?;
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
    Ok(provinces)
}

/// Each neighbouring country's outline by its ISO 3166-1 alpha-3 code.
type Silhouettes = Vec<(String, MultiPolygon)>;

/// The neighbouring countries, and each one's silhouette (the Durand Line
/// is found against Afghanistan's).
pub(super) fn neighbours(nbt: &Topology) -> Result<(Vec<Feature>, Silhouettes)> {
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
        let (mp, _) = repair::build(&name, polygons_of(nbt, g))?;
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
    Ok((neighbours, silhouettes))
}

/// The Durand Line's feature, its length and ends reported.
pub(super) fn durand_line(derived: &Derived, report: &mut Report) -> Feature {
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
    Feature::new(
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
    )
}

/// The crossings, snapped onto the line (how far each moved reported).
pub(super) fn crossings(
    rows: &[CrossingRow],
    line: &LineString,
    report: &mut Report,
) -> Vec<Feature> {
    let mut crossings = Vec::new();
    for c in rows {
        let original = Coord { x: c.lon, y: c.lat };
        let (d, snapped) = geodesy::point_line_distance(original, line);
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
    crossings
}

/// The CPEC corridors, in the order the file first names them: straight
/// segments between each corridor's towns in their order.
pub(super) fn corridors(cpec: &[CpecRow], report: &mut Report) -> Vec<Feature> {
    let mut order: Vec<&str> = Vec::new();
    for r in cpec {
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
    corridors
}

/// A copy of `f` with its role in an extract (`province`, `district`,
/// `region`, `crossing`).
fn with_role(f: &Feature, role: &str) -> Feature {
    let mut f = f.clone();
    f.properties.insert("role".into(), json!(role));
    f
}

/// A province's extract: its outline, then its districts.
pub(super) fn province_extract(
    provinces: &[Feature],
    districts: &[Feature],
    province: &str,
) -> Vec<Feature> {
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
}

/// Waziristan: the two districts and their union, merged on shared arcs.
pub(super) fn waziristan(
    admin: &Topology,
    topo_districts: &[TopoGeometry],
    districts: &[Feature],
) -> Result<Vec<Feature>> {
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
    let rings = durand::outline_rings(admin, &wz_topo);
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
    Ok(waziristan)
}

/// Chaman: the district and its crossing.
pub(super) fn chaman(districts: &[Feature], crossings: &[Feature]) -> Result<Vec<Feature>> {
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
    Ok(chaman)
}
