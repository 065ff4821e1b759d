//! Country, province and district of a point, and its side of the Durand
//! Line.

use crate::error::Result;
use crate::index::PolygonIndex;
use crate::layer::{Catalogue, Layer};
use crate::query::DistanceIndex;
use geo::Coord;

/// How far outside every neighbour silhouette a point not in Pakistan may lie
/// and still be given the nearest neighbour's country: the silhouettes are
/// quantized to about 0.5 km.
pub const COUNTRY_SNAP_M: f64 = 2_000.0;

/// Where a point is (names borrowed from the [`Locator`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Location<'a> {
    /// ISO 3166-1 alpha-3 (`PAK`, `AFG`, `IRN`, `CHN`, `IND`); `None` at
    /// sea or far away.
    pub country: Option<&'a str>,
    /// Province or territory (Pakistan only).
    pub province: Option<&'a str>,
    /// District (Pakistan only).
    pub district: Option<&'a str>,
}

/// Country, province and district of points, from the built-in districts
/// and neighbours, and the feature holding them in any further polygon
/// layers ([`Locator::with_layer`]).
///
/// ```
/// use frontier::{Catalogue, query::Locator};
/// use geo::Coord;
///
/// let locator = Locator::new()?.with_layer(Catalogue::shared("waziristan")?)?;
/// let miranshah = Coord { x: 70.0711, y: 33.0006 };
/// assert_eq!(locator.locate(miranshah).province, Some("Khyber Pakhtunkhwa"));
/// assert_eq!(locator.locate_in(0, miranshah), Some("North Waziristan"));
/// # Ok::<(), frontier::Error>(())
/// ```
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
    /// Distances to the neighbours, and their polygon index.
    neighbour_distance: DistanceIndex,
    /// Further polygon layers: name, feature labels, index.
    extra: Vec<(String, Vec<String>, PolygonIndex)>,
}

impl Locator {
    /// Build from the built-in layers.
    pub fn new() -> Result<Self> {
        // The two layers are read and indexed on two cores.
        let (districts, neighbours) = rayon::join(
            || -> Result<_> {
                let layer = Catalogue::shared("districts")?;
                let index = PolygonIndex::new(layer);
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
                let layer = Catalogue::shared("neighbours")?;
                layer.require_polygons()?;
                // Its polygon index answers which silhouette holds a point;
                // the distances, for the 2 km snap, are made now rather
                // than by the first point that needs them (which would hold
                // up every core while they are made).
                let distance = DistanceIndex::prepared(layer);
                let names = layer
                    .features
                    .iter()
                    .map(|f| f.property_text("iso3").unwrap_or_default())
                    .collect();
                Ok((names, distance))
            },
        );
        let (districts, district_index) = districts?;
        let (neighbours, neighbour_distance) = neighbours?;
        Ok(Locator {
            districts,
            district_index,
            neighbours,
            neighbour_distance,
            extra: Vec::new(),
        })
    }

    /// Also find which feature of `layer` holds each point
    /// ([`Locator::locate_in`]), by the boundary rule of [`crate::index`].
    /// The layer must have polygons ([`crate::Error::NoPolygons`]).
    pub fn with_layer(mut self, layer: &Layer) -> Result<Self> {
        layer.require_polygons()?;
        self.extra
            .push((layer.name.clone(), layer.labels(), PolygonIndex::new(layer)));
        Ok(self)
    }

    /// The names of the layers added with [`Locator::with_layer`], in order.
    pub fn layer_names(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(n, _, _)| n.as_str())
    }

    /// The label ([`Layer::label`]) of the feature of the `k`-th added
    /// layer holding `c`, if any.
    pub fn locate_in(&self, k: usize, c: Coord) -> Option<&str> {
        let (_, labels, index) = &self.extra[k];
        index.locate(c).map(|i| labels[i].as_str())
    }

    /// Locate one point (lon/lat degrees). A point that is not on the globe
    /// (not finite, or beyond ±180° / ±90°) is in no country.
    pub fn locate(&self, c: Coord) -> Location<'_> {
        if !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0) {
            return Location::default();
        }
        if let Some(i) = self.district_index.locate(c) {
            let (province, district) = &self.districts[i];
            return Location {
                country: Some("PAK"),
                province: Some(province),
                district: Some(district),
            };
        }
        let distance = &self.neighbour_distance;
        let polygons = distance.polygons().expect("checked in Locator::new");
        let n = polygons.locate(c).or_else(|| {
            // Most points off every silhouette are far from all of them.
            if polygons.boundary_clearance(c) > COUNTRY_SNAP_M {
                return None;
            }
            // (The point is on the globe and the limit a finite distance:
            // no error is possible.)
            distance.nearest_feature(c, COUNTRY_SNAP_M).ok().flatten()
        });
        Location {
            country: n.map(|i| self.neighbours[i].as_str()),
            ..Default::default()
        }
    }

    /// Locate every point of `points` (e.g. a
    /// [`crate::ingest::Batch::coords`]), on every core, in order.
    pub fn locate_all(&self, points: &[Coord]) -> Vec<Location<'_>> {
        use rayon::prelude::*;
        points
            .par_iter()
            .with_min_len(1024)
            .map(|&c| self.locate(c))
            .collect()
    }
}

/// The side of the Durand Line a point is on: the country it is in, when
/// that is Pakistan or Afghanistan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// In Pakistan.
    Pakistan,
    /// In Afghanistan.
    Afghanistan,
}

impl Side {
    /// ISO 3166-1 alpha-3 code: `PAK` or `AFG` (what the CLI writes).
    pub fn iso3(self) -> &'static str {
        match self {
            Side::Pakistan => "PAK",
            Side::Afghanistan => "AFG",
        }
    }
}

impl Locator {
    /// The side of the Durand Line `c` is on: Pakistan or Afghanistan by
    /// [`Locator::locate`]'s country, `None` for points in neither (Iran,
    /// India, China, the sea, or far away).
    pub fn durand_side(&self, c: Coord) -> Option<Side> {
        match self.locate(c).country? {
            "PAK" => Some(Side::Pakistan),
            "AFG" => Some(Side::Afghanistan),
            _ => None,
        }
    }
}

/// Whether `layer` is the built-in Durand Line, however it was named or
/// loaded: by its built-in name, from `geodata/durand-line.geojson`, or
/// from a copy of it (the features' geometries are the built-in ones).
pub fn is_durand_line(layer: &Layer) -> bool {
    let Ok(durand) = Catalogue::shared("durand-line") else {
        return false;
    };
    layer.features.len() == durand.features.len()
        && layer
            .features
            .iter()
            .zip(&durand.features)
            .all(|(a, b)| a.geometry == b.geometry)
}
