//! # frontier
//!
//! Map and query the Pakistan–Afghanistan border region: the Durand Line,
//! provinces (Khyber Pakhtunkhwa and Balochistan among them), districts
//! (North and South Waziristan, Chaman, ...), CPEC corridors, crossings and
//! neighbouring countries, with every distance and area measured on the WGS84
//! ellipsoid.
//!
//! ## Capabilities
//! | module | what it does |
//! |---|---|
//! | [`layer`] | layers, the catalogue of built-in layers, GeoJSON loading and validation |
//! | [`geodesy`] | geodesic distance, length, area and point-to-segment distance (Karney 2013) |
//! | [`index`] | R-tree + prepared polygons for point-in-polygon |
//! | [`geodata`] | regenerating the built-in layers from the raw inputs |
//! | [`error`] | the one error type |
//!
//! ## Data
//! Boundaries © OpenStreetMap contributors (ODbL 1.0); population from the
//! Pakistan Bureau of Statistics, 7th Population and Housing Census 2023.
#![deny(missing_docs)]

pub mod error;
pub mod geodata;
pub mod geodesy;
pub mod index;
pub mod ingest;
pub mod layer;
pub mod output;
pub mod pipeline;
pub mod query;
pub mod render;
pub mod summary;
pub mod synth;
pub mod units;

pub use error::{Error, Result};

/// A choice spelled by a name (an output format, a classification method):
/// the names any client (the command line, Python) accepts.
pub trait Named: Copy + 'static {
    /// Every choice with its name, the default first.
    const ALL: &'static [(&'static str, Self)];

    /// The choice called `name` (ignoring case); the error lists the names.
    fn from_name(name: &str) -> std::result::Result<Self, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
                format!("{name:?} is not one of {}", names.join(", "))
            })
    }

    /// This choice's name.
    fn name(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(n, _)| n)
    }
}
pub use layer::{Catalogue, Feature, Layer};
