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

pub use error::{Error, Result};
pub use layer::{Catalogue, Feature, Layer};
