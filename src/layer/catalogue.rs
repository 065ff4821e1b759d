//! The catalogue of built-in layers, embedded in the binary, and the rule
//! that lets a user's GeoJSON file stand wherever a layer name is accepted.

use super::Layer;
use crate::error::{Error, Result};
use std::path::Path;
use std::sync::OnceLock;

/// Attribution carried by every built-in layer.
pub const ATTRIBUTION: &str = "Boundaries © OpenStreetMap contributors (ODbL 1.0); population: Pakistan Bureau of Statistics, Census 2023; CPEC alignments schematic, compiled from public route descriptions";

/// [`ATTRIBUTION`] as a map's source line gives it, short.
pub const CREDITS: [&str; 2] = [
    "Boundaries © OpenStreetMap contributors (ODbL)",
    "Population: PBS Census 2023",
];

/// The credit the `places` layer's data (GeoNames, CC BY 4.0) asks for,
/// on every map that names its places.
pub const PLACES_CREDIT: &str = "GeoNames (geonames.org), CC BY 4.0";

/// One built-in layer.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Name used on the command line (`durand-line`, `districts`, ...).
    pub name: &'static str,
    /// File name under `geodata/`.
    pub file: &'static str,
    /// One line on what it holds.
    pub description: &'static str,
    /// Where the data comes from.
    pub source: &'static str,
    /// Licence of the data.
    pub licence: &'static str,
    /// The GeoJSON text, embedded at compile time.
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal, $file:literal, $desc:literal, $source:literal, $licence:literal) => {
        Builtin {
            name: $name,
            file: $file,
            description: $desc,
            source: $source,
            licence: $licence,
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/", $file)),
        }
    };
}

/// Every built-in layer, in catalogue order.
pub const BUILTINS: &[Builtin] = &[
    builtin!(
        "durand-line",
        "durand-line.geojson",
        "Pakistan-Afghanistan boundary, Iran tripoint to China tripoint (derived)",
        "OpenStreetMap",
        "ODbL-1.0"
    ),
    builtin!(
        "provinces",
        "provinces.geojson",
        "4 provinces, Islamabad Capital Territory, AJK, Gilgit-Baltistan",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "districts",
        "districts.geojson",
        "156 districts (136 census + 10 AJK + 10 GB) with census figures",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "kp",
        "kp.geojson",
        "Khyber Pakhtunkhwa outline and its districts",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "balochistan",
        "balochistan.geojson",
        "Balochistan outline and its districts",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "waziristan",
        "waziristan.geojson",
        "North and South Waziristan and their union",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "chaman",
        "chaman.geojson",
        "Chaman district and the Chaman-Spin Boldak crossing",
        "OpenStreetMap; PBS Census 2023",
        "ODbL-1.0"
    ),
    builtin!(
        "cpec",
        "cpec-corridors.geojson",
        "CPEC eastern, western and central alignments (schematic)",
        "public route descriptions (schematic)",
        "ODbL-1.0"
    ),
    builtin!(
        "crossings",
        "crossings.geojson",
        "Torkham and Chaman-Spin Boldak, snapped to the Durand Line",
        "public gazetteer; OpenStreetMap",
        "ODbL-1.0"
    ),
    builtin!(
        "neighbours",
        "neighbours.geojson",
        "Afghanistan, China, India, Iran silhouettes",
        "OpenStreetMap",
        "ODbL-1.0"
    ),
    builtin!(
        "places",
        "places.geojson",
        "1,676 populated places of 15,000 people or more (lon 58-80, lat 22-40)",
        "GeoNames",
        "CC-BY-4.0"
    ),
];

/// Finds layers by built-in name or file path.
#[derive(Debug, Default, Clone, Copy)]
pub struct Catalogue;

impl Catalogue {
    /// The built-in layer called `name`.
    pub fn builtin(name: &str) -> Option<&'static Builtin> {
        BUILTINS.iter().find(|b| b.name == name)
    }

    /// Comma-separated built-in names, for messages.
    pub fn builtin_names() -> String {
        BUILTINS
            .iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Load a layer: a built-in name, or else a path to a GeoJSON file.
    pub fn load(name_or_path: &str) -> Result<Layer> {
        if let Some(b) = Self::builtin(name_or_path) {
            return Self::load_builtin(b);
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            return Err(Error::NotFound {
                path: path.to_path_buf(),
                builtins: Self::builtin_names(),
            });
        }
        Layer::from_path(path)
    }

    /// A built-in layer, parsed once per process and shared (the map and
    /// the locator use the same few layers again and again).
    pub fn shared(name: &str) -> Result<&'static Layer> {
        static CACHE: OnceLock<Vec<OnceLock<Layer>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| BUILTINS.iter().map(|_| OnceLock::new()).collect());
        let Some(i) = BUILTINS.iter().position(|b| b.name == name) else {
            return Err(Error::NotFound {
                path: name.into(),
                builtins: Self::builtin_names(),
            });
        };
        if let Some(layer) = cache[i].get() {
            return Ok(layer);
        }
        let layer = Self::load_builtin(&BUILTINS[i])?;
        // (Two threads may parse it at once; the first one kept wins.)
        Ok(cache[i].get_or_init(|| layer))
    }

    /// Parse an embedded built-in layer.
    pub fn load_builtin(b: &Builtin) -> Result<Layer> {
        let mut layer = Layer::from_builtin_str(b.name, b.file, b.text)?;
        layer.source = "built-in".into();
        if layer.licence.is_empty() {
            layer.licence = b.licence.into();
        }
        Ok(layer)
    }
}

/// A named place on the built-in layers: a CPEC town or a crossing.
#[derive(Debug, Clone, PartialEq)]
pub struct Town {
    /// Its name.
    pub name: String,
    /// Where (lon/lat degrees).
    pub at: geo::Coord,
    /// True for a border crossing, false for a town on a CPEC route.
    pub crossing: bool,
}

/// The towns named along the CPEC alignments (each once, in route order),
/// then the crossings.
pub fn towns() -> Result<Vec<Town>> {
    let mut out: Vec<Town> = Vec::new();
    for f in &Catalogue::shared("cpec")?.features {
        let names = f
            .properties
            .get("towns")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str());
        if let geo::Geometry::LineString(l) = &f.geometry {
            for (n, c) in names.zip(l.0.iter()) {
                if !out.iter().any(|t| t.name == n) {
                    out.push(Town {
                        name: n.to_string(),
                        at: *c,
                        crossing: false,
                    });
                }
            }
        }
    }
    for f in &Catalogue::shared("crossings")?.features {
        if let geo::Geometry::Point(p) = f.geometry {
            out.push(Town {
                name: f.name().unwrap_or("crossing").to_string(),
                at: p.0,
                crossing: true,
            });
        }
    }
    Ok(out)
}
