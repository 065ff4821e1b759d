//! The built-in layers against outside facts: published census figures,
//! published areas, the tripoints, an independent geodesic oracle, and
//! geometric validity. Each test can fail on wrong data or wrong code.

use frontier::geodesy;
use frontier::index::PolygonIndex;
use frontier::{Catalogue, Layer};
use geo::{
    BooleanOps, BoundingRect, Coord, Geometry, Intersects, MultiPolygon, Validation, Winding,
};
use std::collections::BTreeMap;

fn layer(name: &str) -> Layer {
    Catalogue::load(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Each built-in layer parsed once per test binary.
fn cached(name: &str) -> &'static Layer {
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<BTreeMap<String, &'static Layer>>> = OnceLock::new();
    let mut m = CACHE.get_or_init(Default::default).lock().unwrap();
    m.entry(name.to_string())
        .or_insert_with(|| Box::leak(Box::new(layer(name))))
}

fn num(f: &frontier::Feature, k: &str) -> Option<f64> {
    f.properties.get(k).and_then(|v| v.as_f64())
}

fn multipolygon(g: &Geometry) -> MultiPolygon {
    match g {
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        other => panic!("not a polygon: {other:?}"),
    }
}

fn c(lon: f64, lat: f64) -> Coord {
    Coord { x: lon, y: lat }
}

// ---------------------------------------------------------------- Durand Line

#[test]
fn durand_line_length_and_tripoints() {
    let l = layer("durand-line");
    assert_eq!(l.features.len(), 1);
    let Geometry::LineString(line) = &l.features[0].geometry else {
        panic!("Durand Line is not a LineString");
    };
    let km = geodesy::length_m(line) / 1000.0;
    // SOURCES.md: about 2,700 km on these data (commonly cited: 2,640 km).
    assert!((2550.0..=2800.0).contains(&km), "length {km} km");
    // The property agrees with the geometry.
    let prop = num(&l.features[0], "length_km").unwrap();
    assert!(
        (prop - km).abs() < 0.001,
        "length_km {prop} vs measured {km}"
    );
    let first = line.0[0];
    let last = *line.0.last().unwrap();
    let iran = c(60.87, 29.86);
    let china = c(74.55, 37.03);
    let d_iran = geodesy::distance_m(first, iran) / 1000.0;
    let d_china = geodesy::distance_m(last, china) / 1000.0;
    assert!(d_iran < 15.0, "Iran end is {d_iran} km from the tripoint");
    assert!(
        d_china < 15.0,
        "China end is {d_china} km from the tripoint"
    );
}

#[test]
fn durand_line_separates_pakistan_from_afghanistan() {
    // Every vertex of the line is on the boundary of some district, and
    // within 1.5 km of the Afghanistan silhouette (quantized to ~0.5 km).
    let l = layer("durand-line");
    let Geometry::LineString(line) = &l.features[0].geometry else {
        panic!()
    };
    let nb = layer("neighbours");
    let afg = nb
        .features
        .iter()
        .find(|f| f.property_text("iso3").as_deref() == Some("AFG"))
        .unwrap();
    let afg_mp = multipolygon(&afg.geometry);
    let rings: Vec<&geo::LineString> = afg_mp
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    for v in line.0.iter().step_by(50) {
        let d = rings
            .iter()
            .map(|r| geodesy::point_line_distance(*v, r).0)
            .fold(f64::INFINITY, f64::min);
        assert!(d < 1500.0, "vertex {v:?} is {d} m from Afghanistan");
    }
}

#[test]
fn crossings_are_on_the_line_and_near_their_stated_points() {
    let l = layer("crossings");
    let durand = layer("durand-line");
    let Geometry::LineString(line) = &durand.features[0].geometry else {
        panic!()
    };
    assert_eq!(l.features.len(), 2);
    for f in &l.features {
        let Geometry::Point(p) = f.geometry else {
            panic!()
        };
        let (on, _) = geodesy::point_line_distance(p.0, line);
        assert!(on < 1.0, "{:?} is {on} m off the line", f.name());
        let orig = c(
            num(f, "original_lon").unwrap(),
            num(f, "original_lat").unwrap(),
        );
        let snap = geodesy::distance_m(orig, p.0) / 1000.0;
        assert!((snap - num(f, "snap_km").unwrap()).abs() < 0.01);
        assert!(
            snap <= num(f, "approx_km").unwrap(),
            "{:?} moved {snap} km, more than its stated precision",
            f.name()
        );
    }
}

// ----------------------------------------------------------- census figures

#[test]
fn population_sums_to_the_census_total() {
    let d = layer("districts");
    assert_eq!(d.features.len(), 156);
    let with: Vec<_> = d
        .features
        .iter()
        .filter(|f| f.properties.contains_key("population_2023"))
        .collect();
    assert_eq!(with.len(), 136, "census districts");
    let total: u64 = with
        .iter()
        .map(|f| f.properties["population_2023"].as_u64().unwrap())
        .sum();
    // PBS, 7th Population and Housing Census 2023.
    assert_eq!(total, 241_499_431);
    // AJK and GB have no census figures: absent, not zero.
    for f in &d.features {
        let prov = f.property_text("province").unwrap();
        let absent = !f.properties.contains_key("population_2023");
        let ajk_gb = prov == "Azad Jammu & Kashmir" || prov == "Gilgit-Baltistan";
        assert_eq!(absent, ajk_gb, "{:?}", f.name());
    }
}

#[test]
fn province_population_is_the_sum_of_its_districts() {
    let d = layer("districts");
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for f in &d.features {
        if let Some(p) = f.properties.get("population_2023").and_then(|v| v.as_u64()) {
            *sums
                .entry(f.property_text("province").unwrap())
                .or_default() += p;
        }
    }
    let p = layer("provinces");
    assert_eq!(p.features.len(), 7);
    for f in &p.features {
        let name = f.name().unwrap();
        let got = f.properties.get("population_2023").and_then(|v| v.as_u64());
        assert_eq!(got, sums.get(name).copied(), "{name}");
    }
    assert_eq!(sums.values().sum::<u64>(), 241_499_431);
}

// ---------------------------------------------------------------- areas

/// Districts whose measured (OpenStreetMap) area differs from the PBS
/// published area by more than 5%, with the reason. The issue hoped for at
/// most 16 such districts; on these boundaries there are 69. They fall in
/// three groups, and the groups sum correctly where the lines, not the land,
/// differ (see `division_and_province_areas_match_published`):
///
/// - C, coast: PBS counts tidal creeks and mangrove flats as land; the
///   OpenStreetMap coastline puts them in the sea (Indus delta, Karachi,
///   Makran coast).
/// - S, splits and merges: a district carved out of another (Surab from
///   Kalat, Duki from Loralai, Sohbatpur from Jaffarabad, Sherani from Zhob,
///   Kolai Pallas from Kohistan, Chaman from Killa Abdullah, ...) or folded
///   back into one for the 2023 census (Central Dir into Lower Dir, Lower and
///   Upper South Waziristan, Karezat into Pishin, Kot Addu into
///   Muzaffargarh): OpenStreetMap draws the line between the new and the old
///   district elsewhere than PBS's table assumes.
/// - L, lines: the line between two older districts sits elsewhere in
///   OpenStreetMap than in PBS's figures; neighbours err in opposite
///   directions.
const AREA_EXCEPTIONS: &[(&str, char)] = &[
    ("Sujawal", 'C'),
    ("Karachi West", 'C'),
    ("Sherani", 'S'),
    ("Sohbatpur", 'S'),
    ("Karachi South", 'C'),
    ("Upper Dir", 'S'),
    ("Kharan", 'L'),
    ("Thatta", 'C'),
    ("Zhob", 'S'),
    ("Killa Abdullah", 'S'),
    ("Karak", 'L'),
    ("Keamari", 'C'),
    ("Khuzdar", 'L'),
    ("Kolai Pallas Kohistan", 'S'),
    ("Awaran", 'L'),
    ("Shangla", 'L'),
    ("Abbotabad", 'L'),
    ("Gwadar", 'C'),
    ("Orakzai", 'L'),
    ("Loralai", 'S'),
    ("Pishin", 'S'),
    ("Sanghar", 'L'),
    ("Karachi Central", 'L'),
    ("Buner", 'L'),
    ("Muzaffargarh", 'S'),
    ("Lower Chitral", 'L'),
    ("Gujrat", 'L'),
    ("Korangi", 'C'),
    ("Peshawar", 'L'),
    ("Kasur", 'L'),
    ("Dera Bugti", 'L'),
    ("Kohlu", 'L'),
    ("Badin", 'C'),
    ("South Waziristan", 'S'),
    ("Musa Khel", 'L'),
    ("Upper Chitral", 'L'),
    ("Karachi East", 'L'),
    ("Jacobabad", 'L'),
    ("Panjgur", 'L'),
    ("Bajaur", 'L'),
    ("Kashmore", 'L'),
    ("Rajanpur", 'L'),
    ("Ghotki", 'L'),
    ("Islamabad", 'L'),
    ("Batagram", 'L'),
    ("Jhal Magsi", 'L'),
    ("Haripur", 'L'),
    ("Rahim Yar Khan", 'L'),
    ("Jaffarabad", 'S'),
    ("Khyber", 'L'),
    ("Duki", 'S'),
    ("Matiari", 'L'),
    ("Washuk", 'L'),
    ("Barkhan", 'L'),
    ("Mirpur Khas", 'L'),
    ("Kachhi (Bolan)", 'L'),
    ("Kohat", 'L'),
    ("Chaman", 'S'),
    ("Torghar", 'L'),
    ("Harnai", 'S'),
    ("Hangu", 'L'),
    ("Malir", 'C'),
    ("Tando Mohammad Khan", 'L'),
    ("Kalat", 'S'),
    ("Lower Kohistan", 'S'),
    ("Lower Dir", 'S'),
    ("Mastung", 'L'),
    ("Killa Saifullah", 'L'),
    ("Surab", 'S'),
];

#[test]
fn district_areas_match_published_except_the_listed() {
    let d = layer("districts");
    let mut within = 0;
    for f in &d.features {
        let Some(published) = num(f, "area_km2_published") else {
            continue;
        };
        let name = f.name().unwrap();
        let measured = geodesy::area_m2(&multipolygon(&f.geometry)) / 1e6;
        let rel = (measured - published) / published;
        let listed = AREA_EXCEPTIONS.iter().any(|(n, _)| *n == name);
        if rel.abs() <= 0.05 {
            within += 1;
            assert!(!listed, "{name} is listed as an exception but is within 5%");
        } else {
            assert!(
                listed,
                "{name}: {measured:.0} km² vs published {published} ({:+.1}%)",
                rel * 100.0
            );
        }
    }
    assert_eq!(within + AREA_EXCEPTIONS.len(), 136);
}

#[test]
fn division_and_province_areas_match_published() {
    // Where districts disagree only about where a shared line runs, their
    // sums agree: provinces within 1% except Sindh (coast, 5%) and the
    // Islamabad Capital Territory (one district, +6.5%: line with Rawalpindi).
    let d = layer("districts");
    let mut by: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut total = (0.0, 0.0);
    for f in &d.features {
        let Some(published) = num(f, "area_km2_published") else {
            continue;
        };
        let measured = geodesy::area_m2(&multipolygon(&f.geometry)) / 1e6;
        let e = by.entry(f.property_text("province").unwrap()).or_default();
        e.0 += measured;
        e.1 += published;
        total.0 += measured;
        total.1 += published;
    }
    // SOURCES.md: published areas sum to 796,096 km² without AJK and GB.
    assert_eq!(total.1.round(), 796_096.0);
    assert!((total.0 / total.1 - 1.0).abs() < 0.015, "{total:?}");
    for (prov, (m, p)) in &by {
        let tol = match prov.as_str() {
            "Sindh" => 0.05,
            "Islamabad Capital Territory" => 0.07,
            _ => 0.01,
        };
        assert!((m / p - 1.0).abs() < tol, "{prov}: {m:.0} vs {p:.0}");
    }
}

#[test]
fn areas_and_lengths_agree_with_geographiclib_c() {
    // tests/fixtures/oracle-geodesic.csv comes from tests/oracle/geodesic_oracle.py
    // (pyproj's Geod, i.e. GeographicLib's C implementation).
    let text = include_str!("fixtures/oracle-geodesic.csv");
    let mut n = 0;
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let (lname, fname, measure, value) = (cols[0], cols[1], cols[2], cols[3]);
        let oracle: f64 = value.parse().unwrap();
        let l = cached(lname);
        let key = if lname == "cpec" { "corridor" } else { "name" };
        let f = l
            .features
            .iter()
            .find(|f| f.property_text(key).as_deref() == Some(fname))
            .unwrap_or_else(|| panic!("{lname}/{fname} missing"));
        let got = match (measure, &f.geometry) {
            ("area_km2", g) => geodesy::area_m2(&multipolygon(g)) / 1e6,
            ("length_km", Geometry::LineString(ls)) => geodesy::length_m(ls) / 1e3,
            other => panic!("unexpected {other:?}"),
        };
        // 1 m² per km² of area, 1 mm per km of length.
        assert!(
            (got - oracle).abs() <= 1e-6 * oracle.abs() + 1e-6,
            "{lname}/{fname} {measure}: got {got}, GeographicLib C {oracle}"
        );
        // The stored property is the measure, rounded.
        assert!((num(f, measure).unwrap() - got).abs() < 0.0006);
        n += 1;
    }
    assert!(n >= 170, "oracle rows: {n}");
}

// ------------------------------------------------------------- validity

#[test]
fn every_layer_is_valid_and_wound_per_rfc7946() {
    for b in frontier::layer::BUILTINS {
        let l = Catalogue::load_builtin(b).unwrap();
        assert!(!l.features.is_empty(), "{}", b.name);
        // Every layer credits its source: OpenStreetMap, or GeoNames for
        // the gazetteer.
        let credit = if b.name == "places" {
            "GeoNames"
        } else {
            "OpenStreetMap"
        };
        assert!(l.attribution.contains(credit), "{}", b.name);
        for f in &l.features {
            if let Err(e) = f.geometry.check_validation() {
                panic!("{} / {:?}: {e}", b.name, f.name());
            }
            if let Geometry::MultiPolygon(mp) = &f.geometry {
                for p in &mp.0 {
                    assert!(p.exterior().is_ccw(), "{} / {:?}", b.name, f.name());
                    for h in p.interiors() {
                        assert!(h.is_cw(), "{} / {:?} hole", b.name, f.name());
                    }
                }
            }
        }
    }
}

#[test]
fn repaired_coastal_districts_are_kept() {
    // The four invalid-as-shipped coastal districts are repaired, not dropped,
    // and keep their area (provenance: Gwadar 11,364, Lasbela 15,584,
    // Karachi South 85, Malir 2,649 km² after the coastline clip).
    let d = layer("districts");
    for (name, expected) in [
        ("Gwadar", 11_364.0),
        ("Lasbela", 15_584.0),
        ("Karachi South", 85.0),
        ("Malir", 2_649.0),
    ] {
        let f = d.feature(name).unwrap_or_else(|| panic!("{name} dropped"));
        let km2 = geodesy::area_m2(&multipolygon(&f.geometry)) / 1e6;
        assert!((km2 / expected - 1.0).abs() < 0.01, "{name}: {km2}");
    }
}

/// No two districts overlap by more than 100 m² (a district's area is
/// counted once: a point in an overlap would go to whichever comes first).
#[test]
fn no_two_districts_overlap() {
    let d = layer("districts");
    let polys: Vec<(MultiPolygon, geo::Rect)> = d
        .features
        .iter()
        .map(|f| {
            let mp = multipolygon(&f.geometry);
            let r = mp.bounding_rect().unwrap();
            (mp, r)
        })
        .collect();
    let mut pairs = 0;
    let mut overlaps = Vec::new();
    for i in 0..polys.len() {
        for j in i + 1..polys.len() {
            if !polys[i].1.intersects(&polys[j].1) {
                continue;
            }
            pairs += 1;
            let inter = polys[i].0.intersection(&polys[j].0);
            let m2 = geodesy::area_m2(&inter);
            if m2 > 100.0 {
                overlaps.push(format!(
                    "{} and {} overlap by {m2:.0} m²",
                    d.label(i),
                    d.label(j)
                ));
            }
        }
    }
    assert!(overlaps.is_empty(), "{}", overlaps.join("; "));
    assert!(pairs > 300, "only {pairs} candidate pairs tested");
}

#[test]
fn waziristan_is_the_union_of_its_two_districts() {
    let w = layer("waziristan");
    let region = w.feature("Waziristan").unwrap();
    let a = geodesy::area_m2(&multipolygon(&region.geometry));
    let parts: f64 = ["North Waziristan", "South Waziristan"]
        .iter()
        .map(|n| geodesy::area_m2(&multipolygon(&w.feature(n).unwrap().geometry)))
        .sum();
    assert!((a - parts).abs() < 1.0, "union {a} m² vs parts {parts} m²");
    assert_eq!(
        multipolygon(&region.geometry).0.len(),
        1,
        "one piece of land"
    );
}

// ---------------------------------------------------------- containment

#[test]
fn towns_land_in_their_districts() {
    // Town coordinates from public gazetteers (town precision); the district
    // each is the seat of, or lies in, per the same sources.
    let d = layer("districts");
    let idx = PolygonIndex::new(&d);
    let cases = [
        ("Miranshah", 70.0711, 33.0006, "North Waziristan"),
        ("Wana", 69.5725, 32.2989, "South Waziristan"),
        ("Chaman", 66.446, 30.921, "Chaman"),
        ("Quetta", 67.000, 30.190, "Quetta"),
        ("Peshawar", 71.547, 34.005, "Peshawar"),
        ("Zhob", 69.449, 31.341, "Zhob"),
        ("Khar", 71.525, 34.730, "Bajaur"),
        ("Besham", 72.866, 34.930, "Shangla"),
        ("Daraban", 70.330, 31.720, "Dera Ismail Khan"),
        ("Gwadar", 62.325, 25.122, "Gwadar"),
        ("Lahore", 74.359, 31.520, "Lahore"),
        ("Gilgit", 74.309, 35.922, "Gilgit"),
    ];
    for (town, lon, lat, district) in cases {
        let got = idx
            .locate(c(lon, lat))
            .map(|i| d.features[i].name().unwrap());
        assert_eq!(got, Some(district), "{town}");
    }
    // Kabul is in no district, and in Afghanistan.
    assert_eq!(idx.locate(c(69.2075, 34.5553)), None);
    let nb = layer("neighbours");
    let ni = PolygonIndex::new(&nb);
    let k = ni.locate(c(69.2075, 34.5553)).unwrap();
    assert_eq!(nb.features[k].property_text("iso3").as_deref(), Some("AFG"));
}

// ------------------------------------------------------------ regeneration

#[test]
fn regeneration_reproduces_geodata_byte_for_byte() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    // A checkout without the raw inputs beside it skips this test; CI has
    // them and sets FRONTIER_REQUIRE_RAW_DATA, so there it always runs.
    if !data.join("pakistan-admin-2023.topojson").exists() {
        assert!(
            std::env::var_os("FRONTIER_REQUIRE_RAW_DATA").is_none(),
            "raw inputs not found at {} (FRONTIER_REQUIRE_RAW_DATA is set)",
            data.display()
        );
        eprintln!("skipped: raw inputs not found at {}", data.display());
        return;
    }
    let out = tempfile::tempdir().unwrap();
    frontier::geodata::build(&data, out.path()).unwrap();
    for b in frontier::layer::BUILTINS {
        let fresh = std::fs::read_to_string(out.path().join(b.file)).unwrap();
        assert!(
            fresh == b.text,
            "geodata/{} differs from a fresh build: run `cargo run --release -- geodata build`",
            b.file
        );
    }
}

// ------------------------------------------------------------ places

/// The gazetteer layer holds every row of GeoNames' extract, as it came:
/// the raw CSV read here with the csv crate is the oracle. GeoNames'
/// credit travels with the layer.
#[test]
fn places_are_the_geonames_rows() {
    let places = cached("places");
    assert_eq!(places.features.len(), 1676, "SOURCES.md: 1,676 places");
    assert_eq!(places.licence, "CC-BY-4.0");
    assert!(places.attribution.contains("GeoNames"));
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/geonames-cities15000-region.csv");
    if !data.exists() {
        assert!(std::env::var_os("FRONTIER_REQUIRE_RAW_DATA").is_none());
        return;
    }
    let mut r = csv::Reader::from_path(&data).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), places.features.len());
    for (row, f) in rows.iter().zip(&places.features) {
        assert_eq!(f.property_text("name").as_deref(), Some(&row[1]));
        assert_eq!(num(f, "population"), Some(row[4].parse().unwrap()));
        let Geometry::Point(p) = f.geometry else {
            panic!("not a point")
        };
        assert_eq!(
            (p.x(), p.y()),
            (row[6].parse().unwrap(), row[5].parse().unwrap())
        );
    }
    // Pakistan's 370 places (SOURCES.md).
    let pk = places
        .features
        .iter()
        .filter(|f| f.property_text("country").as_deref() == Some("PK"))
        .count();
    assert_eq!(pk, 370);
}
