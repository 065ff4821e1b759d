//! Questions about points: which country, province and district each is in
//! ([`Locator`]), and how far each is from the features of a layer
//! ([`DistanceIndex`]).

mod conformal;
pub mod distance;

pub use distance::{DistanceIndex, Hit};

use crate::error::Result;
use crate::index::PolygonIndex;
use crate::layer::{Catalogue, Layer};
use geo::Coord;

/// How far outside every neighbour silhouette a point not in Pakistan may lie
/// and still be given the nearest neighbour's country: the silhouettes are
/// quantized to about 0.5 km.
pub const COUNTRY_SNAP_M: f64 = 2_000.0;

/// Where a point is (names borrowed from the [`Locator`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Location<'a> {
    /// ISO 3166-1 alpha-3 (`PAK`, `AFG`, `IRN`, `CHN`, `IND`), or empty.
    pub country: &'a str,
    /// Province or territory (Pakistan only), or empty.
    pub province: &'a str,
    /// District (Pakistan only), or empty.
    pub district: &'a str,
}

/// Country, province and district of points, from the built-in districts
/// and neighbours.
///
/// A point in a district is in Pakistan (`PAK`), whatever the coarser
/// neighbour silhouettes say. Otherwise it takes the country of the
/// neighbour silhouette containing it, or of the nearest one within
/// [`COUNTRY_SNAP_M`]; otherwise (the sea, or far away) the country is empty.
/// Points on a boundary shared by two districts go to the one first in file
/// order (see [`crate::index`]).
pub struct Locator {
    /// (province, district) of each district feature.
    districts: Vec<(String, String)>,
    district_index: PolygonIndex,
    /// ISO3 of each neighbour feature.
    neighbours: Vec<String>,
    neighbour_index: PolygonIndex,
    /// Distances to the neighbours, built the first time a point lies
    /// outside every silhouette.
    neighbour_distance: std::sync::OnceLock<DistanceIndex>,
    neighbour_layer: Layer,
}

impl Locator {
    /// Build from the built-in layers.
    pub fn new() -> Result<Self> {
        // The two layers are read and indexed on two cores.
        let (districts, neighbours) = rayon::join(
            || -> Result<_> {
                let layer = Catalogue::load("districts")?;
                let index = PolygonIndex::new(&layer);
                let names = layer
                    .features
                    .iter()
                    .map(|f| {
                        (
                            f.property_text("province").unwrap_or_default(),
                            f.property_text("name").unwrap_or_default(),
                        )
                    })
                    .collect();
                Ok((names, index))
            },
            || -> Result<_> {
                let layer = Catalogue::load("neighbours")?;
                let index = PolygonIndex::new(&layer);
                let names = layer
                    .features
                    .iter()
                    .map(|f| f.property_text("iso3").unwrap_or_default())
                    .collect();
                Ok((names, index, layer))
            },
        );
        let (districts, district_index) = districts?;
        let (neighbours, neighbour_index, neighbour_layer) = neighbours?;
        Ok(Locator {
            districts,
            district_index,
            neighbours,
            neighbour_index,
            neighbour_distance: std::sync::OnceLock::new(),
            neighbour_layer,
        })
    }

    /// Locate one point (lon/lat degrees).
    pub fn locate(&self, c: Coord) -> Location<'_> {
        if let Some(i) = self.district_index.locate(c) {
            let (province, district) = &self.districts[i];
            return Location {
                country: "PAK",
                province,
                district,
            };
        }
        let n = self.neighbour_index.locate(c).or_else(|| {
            // Most points off every silhouette are far from all of them.
            if self.neighbour_index.boundary_clearance(c) > COUNTRY_SNAP_M {
                return None;
            }
            self.neighbour_distance
                .get_or_init(|| DistanceIndex::new(&self.neighbour_layer))
                .nearest(c, Some(COUNTRY_SNAP_M))
                .map(|h| h.feature)
        });
        Location {
            country: n.map_or("", |i| self.neighbours[i].as_str()),
            ..Default::default()
        }
    }
}

/// Name of a feature for output: its `name` property, else its `corridor`
/// or `id`, else `#index`.
pub fn feature_label(layer: &Layer, i: usize) -> String {
    let f = &layer.features[i];
    ["name", "corridor", "id"]
        .iter()
        .find_map(|k| f.property_text(k))
        .unwrap_or_else(|| format!("#{i}"))
}

/// Parse a distance such as `25km`, `500m`, `0.5 km` into metres.
///
/// # Units
/// Text in (`m` or `km` required), metres out.
pub fn parse_distance(text: &str) -> std::result::Result<f64, String> {
    const UNITS: &str = "km, m, mi (statute miles) or nmi (nautical miles)";
    let t = text.trim().to_ascii_lowercase();
    // The number is the longest start that reads as one; the rest (letters
    // only) is the unit.
    let (num, unit) = (0..=t.len())
        .rev()
        .filter(|&i| t.is_char_boundary(i))
        .map(|i| (t[..i].trim(), t[i..].trim()))
        .find(|(n, u)| n.parse::<f64>().is_ok() && u.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or((t.as_str(), ""));
    let v: f64 = num.parse().map_err(|_| {
        format!("{text:?} is not a distance: give a number and a unit, {UNITS} (e.g. 25km, 500m)")
    })?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "{text:?}: a distance must be a finite number 0 or more"
        ));
    }
    let factor = match unit {
        "km" => 1000.0,
        "m" => 1.0,
        "mi" => 1609.344,
        "nmi" => 1852.0,
        "" => return Err(format!("{text:?}: give a unit: {UNITS} (e.g. 25km, 500m)")),
        other => return Err(format!("{text:?}: unknown unit {other:?}; use {UNITS}")),
    };
    Ok(v * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(parse_distance("25km"), Ok(25_000.0));
        assert_eq!(parse_distance("500m"), Ok(500.0));
        assert_eq!(parse_distance("0.5 km"), Ok(500.0));
        assert_eq!(parse_distance("10KM"), Ok(10_000.0));
        assert!(parse_distance("25").unwrap_err().contains("give a unit"));
        assert!(parse_distance("-3km").is_err());
        assert!(parse_distance("abckm").is_err());
        assert!(parse_distance("NaNkm").is_err());
        assert!(parse_distance("infkm").is_err());
        assert_eq!(parse_distance("1e3m"), Ok(1000.0));
        assert_eq!(parse_distance("2mi"), Ok(2.0 * 1609.344));
        assert_eq!(parse_distance("1 nmi"), Ok(1852.0));
        let e = parse_distance("25 furlongs").unwrap_err();
        assert!(
            e.contains("unknown unit \"furlongs\"") && e.contains("km, m, mi"),
            "{e}"
        );
        let e = parse_distance("-5").unwrap_err();
        assert!(e.contains("0 or more"), "{e}");
    }
}
