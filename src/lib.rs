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
//! | [`query`] | country/province/district of a point ([`query::Locator`]), the side of the Durand Line, distances and k nearest features ([`query::DistanceIndex`]) |
//! | [`index`] | point-in-polygon over any polygon layer ([`index::PolygonIndex`]) |
//! | [`geodesy`] | geodesic distance, length, area and point-to-segment distance (Karney 2013) |
//! | [`row`] | a row of a point file and its schema, shared by readers and writers |
//! | [`ingest`] | reading points: CSV (any delimiter, ACLED and UCDP columns) and GeoJSON, from a path or any reader; points in columns from a client's arrays ([`ingest::Batch`]) |
//! | [`pipeline`] | the streaming loop over a point file that accounts for every row |
//! | [`summary`] | per-area counts, sums, rates per 100,000 people and per 1,000 km², before/after a date, from a file, a [`ingest::Batch`] or tallies merged across machines |
//! | [`trend`] | events per week, month, quarter or year, per area or category; before/after tests (exact rate ratio, interrupted time series) |
//! | [`hotspots`] | Getis–Ord Gi* hot and cold spots per district, layer or equal-area hexagon, Moran's I; before/after a date |
//! | [`spacetime`] | space and time together: Knox's test, the Near Repeat table of bands, directed lead–lag pairs, emerging hot spots (Gi* on a space-time cube, Mann–Kendall) |
//! | [`stats`] | the statistics: exact rate comparison, quasi-Poisson regression, Getis–Ord Gi*, Moran's I |
//! | `render` | thematic maps as PNG, SVG or PDF (choropleths, points, density, user layers, labels, the furniture of a printed map) and time-series charts; behind the `render` feature (on by default) |
//! | [`output`] | CSV, JSON, NDJSON and GeoJSON writers; files that appear whole or not at all |
//! | [`units`] | distances written as text (`25km`) |
//! | [`error`] | the one error type; [`error::Param`] names what a client sets |
//!
//! Project tooling outside the API, behind the `tools` feature (on with the
//! default `cli`): `geodata` regenerates the built-in layers from the raw
//! inputs, `synth` makes synthetic events and settlements (labelled so) for
//! tests, benchmarks and the demo.
//!
//! ## Examples
//! Which district is Miranshah in?
//! ```
//! use frontier::query::Locator;
//! use geo::Coord;
//!
//! let locator = Locator::new()?;
//! let here = locator.locate(Coord { x: 70.0711, y: 33.0006 });
//! assert_eq!(here.country, Some("PAK"));
//! assert_eq!(here.district, Some("North Waziristan"));
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! How far is Spin Boldak from the Durand Line, and on which side?
//! ```
//! use frontier::Catalogue;
//! use frontier::query::{DistanceIndex, Locator, Side};
//! use geo::Coord;
//!
//! let line = Catalogue::load("durand-line")?;
//! let index = DistanceIndex::new(&line);
//! let spin_boldak = Coord { x: 66.397, y: 31.005 };
//! let hit = index.nearest(spin_boldak, None)?.expect("the layer has a feature");
//! assert!(hit.distance_m < 15_000.0); // geodesic metres on WGS84
//! assert_eq!(Locator::new()?.durand_side(spin_boldak), Some(Side::Afghanistan));
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! Events per province, from CSV text (any reader, or a path with
//! [`ingest::PointSource::open`]):
//! ```
//! use frontier::ingest::{FormatHint, PointSource, ReadOptions};
//! use frontier::summary::{Grouping, Options, summarize};
//!
//! let csv = "id,latitude,longitude,fatalities\n\
//!            1,34.01,71.58,2\n\
//!            2,30.19,67.01,0\n\
//!            3,33.72,73.06,1\n";
//! let mut points = PointSource::from_reader(
//!     Box::new(csv.as_bytes()),
//!     "events.csv",
//!     FormatHint::None,
//!     &ReadOptions::default(),
//! )?;
//! let mut options = Options::default(); // #[non_exhaustive]: set fields
//! options.value = Some("fatalities".into());
//! let summary = summarize(&mut points, Grouping::Provinces, options)?;
//! let kp = summary.groups.iter().find(|(g, _)| g.name == "Khyber Pakhtunkhwa").unwrap();
//! assert_eq!((kp.1.count, kp.1.value), (1, 2.0)); // Peshawar
//! assert_eq!(summary.account.rows_in, summary.account.counted);
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! A map of Khyber Pakhtunkhwa, as PNG bytes:
//! ```
//! use frontier::render::{Extent, MapSpec, render};
//!
//! let mut spec = MapSpec::default();
//! spec.size = (480, 360);
//! spec.extent = Extent::Named("kp".into());
//! spec.title = Some("Khyber Pakhtunkhwa".into());
//! let png = render(&spec)?.pixmap.encode_png().expect("PNG encoding");
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), frontier::Error>(())
//! ```
//!
//! ## Data
//! Boundaries © OpenStreetMap contributors (ODbL 1.0); population from the
//! Pakistan Bureau of Statistics, 7th Population and Housing Census 2023.
#![deny(missing_docs)]

pub mod error;
#[cfg(feature = "tools")]
pub mod geodata;
pub mod geodesy;
#[cfg(feature = "geoparquet")]
pub mod geoparquet;
pub mod hotspots;
pub mod index;
pub mod ingest;
pub mod layer;
pub mod output;
pub mod pipeline;
pub mod query;
#[cfg(feature = "render")]
pub mod render;
pub(crate) mod rng;
pub mod row;
pub mod spacetime;
pub mod stats;
pub mod summary;
#[cfg(feature = "tools")]
pub mod synth;
pub mod trend;
pub mod units;
pub mod window;

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
