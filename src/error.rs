//! The one error type of the library.
//!
//! Every variant says *what* went wrong and *where*: the file (or built-in
//! layer), and where it makes sense the line and column or the feature index.

use std::path::PathBuf;

/// Everything that can go wrong in frontier. New kinds of error may be
/// added: a client's `match` keeps an arm for the rest (`_`), which
/// [`Error::render_with`] words.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{}", io_message(path, source))]
    Io {
        /// The file concerned (empty where the error already names it: a
        /// writer that names its output).
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A file given where a layer was expected does not exist.
    #[error("{path}: no such file (and not a built-in layer name; built-in layers: {builtins})")]
    NotFound {
        /// The path as given.
        path: PathBuf,
        /// Comma-separated names of the built-in layers.
        builtins: String,
    },

    /// The text is not well-formed JSON.
    #[error("{origin}:{line}:{column}: malformed JSON: {message}")]
    Json {
        /// File name or built-in layer name.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },

    /// Well-formed JSON that is not the GeoJSON we can use.
    #[error("{origin}: {message}")]
    GeoJson {
        /// File name or built-in layer name.
        origin: String,
        /// What is wrong.
        message: String,
    },

    /// A Parquet file frontier cannot read or write as asked.
    #[error("{origin}: {message}")]
    Parquet {
        /// File name.
        origin: String,
        /// What is wrong.
        message: String,
    },

    /// One feature of a layer is unusable.
    #[error("{origin}: feature {}{name}: {message}", .index + 1)]
    Feature {
        /// File name or built-in layer name.
        origin: String,
        /// 0-based index of the feature in its FeatureCollection (messages
        /// number features from 1, as CSV lines are).
        index: usize,
        /// `" (name)"` when the feature has a name property, else empty.
        name: String,
        /// What is wrong.
        message: String,
    },

    /// An input file (points, a table) is unusable as a whole: no header,
    /// no coordinate columns, ambiguous columns.
    #[error("{origin}: {message}")]
    Input {
        /// File name.
        origin: String,
        /// What is wrong.
        message: String,
    },

    /// A row of a CSV input is unusable.
    #[error("{origin}:{line}: {column}: {message}")]
    Row {
        /// File name.
        origin: String,
        /// 1-based line of the record.
        line: u64,
        /// Column name.
        column: String,
        /// What is wrong.
        message: String,
    },

    /// A CSV file could not be parsed.
    #[error("{origin}: {source}")]
    Csv {
        /// File name.
        origin: String,
        /// What the CSV reader said.
        #[source]
        source: csv::Error,
    },

    /// The raw inputs used to regenerate `geodata/` are inconsistent.
    #[error("geodata build: {0}")]
    Build(String),

    /// A column a task needs is missing: the one named for `param` is not
    /// in the file, or (when none was named) none of the usual names is.
    #[error("{}", self.render_with(&Param::describe))]
    MissingColumn {
        /// File name.
        origin: String,
        /// What the column is for.
        param: Param,
        /// The name given for it, if one was.
        named: Option<String>,
        /// The file's columns.
        columns: Vec<String>,
    },

    /// More than one column could be the one for `param`: frontier never
    /// guesses.
    #[error("{}", self.render_with(&Param::describe))]
    AmbiguousColumn {
        /// File name.
        origin: String,
        /// What the column is for.
        param: Param,
        /// The candidates, e.g. `"lat" (column 2), "y" (column 5)`.
        candidates: String,
    },

    /// No coordinate columns were found in a point file's header.
    #[error("{}", self.render_with(&Param::describe))]
    NoCoordinates {
        /// File name.
        origin: String,
        /// How the header was split, e.g. `comma-separated`.
        read_as: String,
        /// The header's columns, as read.
        columns: String,
    },

    /// A setting's value is outside what it accepts.
    #[error("{}", self.render_with(&Param::describe))]
    InvalidSetting {
        /// The setting.
        param: Param,
        /// The value given.
        value: String,
        /// What it accepts.
        expected: String,
    },

    /// A layer used to hold points (to locate them in, or to group them
    /// by) has no polygons.
    #[error("{layer}: the layer has no polygons ({found})")]
    NoPolygons {
        /// Built-in layer name or file.
        layer: String,
        /// The geometry types it has (`LineString`, `empty`, ...).
        found: String,
    },

    /// A map file (`render --spec`) is not TOML, has a key frontier does
    /// not know, or a value it cannot use.
    #[error("{origin}:{line}:{column}: {message}")]
    Spec {
        /// The file.
        origin: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },

    /// A layer lacks a feature, or has none, where one is needed.
    #[error("{layer}: {message}")]
    Layer {
        /// Built-in layer name or file.
        layer: String,
        /// What is missing.
        message: String,
    },
}

/// `path: error`, or the error alone where it names its file itself.
fn io_message(path: &std::path::Path, source: &std::io::Error) -> String {
    if path.as_os_str().is_empty() {
        source.to_string()
    } else {
        format!("{}: {source}", path.display())
    }
}

/// What a column or setting is for. Messages name it in the library's
/// terms ([`Param::describe`]); a client words them in its own (the command
/// line names its flags) with [`Error::render_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// The latitude column (`ReadOptions::lat`).
    Latitude,
    /// The longitude column (`ReadOptions::lon`).
    Longitude,
    /// The column to sum (`summary::Options::value`).
    Value,
    /// The weight column (`summary::Options::weight`).
    Weight,
    /// The date column, needed by date filters and splits.
    Date,
    /// The location-precision column, needed by a precision filter.
    Precision,
    /// The column a table is joined on.
    JoinKey,
    /// The column points are coloured by (`PointsLayer::read`).
    ColorBy,
    /// The column points are sized by (`PointsLayer::read`).
    SizeBy,
    /// The column of a table a choropleth shows (`Choropleth::read`).
    MapColumn,
    /// An image size in pixels (`MapSpec::size`).
    ImageSize,
    /// A map's resolution in dots per inch (`MapSpec::dpi`).
    Dpi,
    /// A map's file format (`render::Format`).
    Format,
    /// A density surface's kernel bandwidth (`Density::bandwidth_km`).
    Bandwidth,
    /// A colour palette's name (`Choropleth::palette`).
    Palette,
    /// The periods of a time series (`trend::Options::period`), which
    /// need each point's date.
    Series,
    /// The column a series is grouped by (`trend::Grouping::Column`).
    GroupColumn,
    /// The date a series or a map is split at (`Options::split`).
    Split,
    /// The areas of a hot-spot analysis (`hotspots::Areas`).
    Areas,
    /// The neighbours of a hot-spot analysis (`hotspots::Weights`).
    Weights,
    /// What part of the world a map shows (`MapSpec::extent`).
    Extent,
    /// The number of classes of a choropleth (`Choropleth::classes`).
    Classes,
    /// A point a distance query is asked about (`DistanceIndex::nearest`).
    Point,
    /// How many nearest features a query asks for (`k`).
    Count,
    /// How far a distance query reaches (`max_m`).
    Distance,
}

impl Param {
    /// The library's name for it.
    pub fn describe(self) -> &'static str {
        match self {
            Param::Latitude => "ReadOptions::lat",
            Param::Longitude => "ReadOptions::lon",
            Param::Value => "summary::Options::value",
            Param::Weight => "summary::Options::weight",
            Param::Date => "a date filter or split",
            Param::Precision => "a precision filter",
            Param::JoinKey => "the join",
            Param::ColorBy => "the colour column",
            Param::SizeBy => "the size column",
            Param::MapColumn => "the mapped column",
            Param::ImageSize => "image size",
            Param::Dpi => "MapSpec::dpi",
            Param::Format => "render::Format",
            Param::Bandwidth => "Density::bandwidth_km",
            Param::Palette => "palette",
            Param::Series => "a time series",
            Param::GroupColumn => "trend::Grouping::Column",
            Param::Split => "the split date",
            Param::Areas => "hotspots::Areas",
            Param::Weights => "hotspots::Weights",
            Param::Extent => "MapSpec::extent",
            Param::Classes => "Choropleth::classes",
            Param::Point => "the query point",
            Param::Count => "k (the number of nearest features)",
            Param::Distance => "max_m (the distance limit)",
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The message, with each [`Param`] worded by `name` (the command line
    /// passes its flags; `Display` uses [`Param::describe`]).
    pub fn render_with(&self, name: &dyn Fn(Param) -> &'static str) -> String {
        match self {
            Error::MissingColumn {
                origin,
                param,
                named: Some(n),
                columns,
            } => format!(
                "{origin}: no column named {n:?} for {} (columns: {})",
                name(*param),
                columns.join(", ")
            ),
            Error::MissingColumn {
                origin,
                param,
                named: None,
                columns,
            } => {
                let (what, usual) = match param {
                    Param::Date | Param::Series => ("date", "event_date, date_start or date"),
                    Param::Precision => ("precision", "geo_precision or where_prec"),
                    Param::Latitude => ("latitude", "latitude, lat or y"),
                    Param::Longitude => ("longitude", "longitude, lon, lng, long or x"),
                    _ => ("such", "none by default"),
                };
                format!(
                    "{origin}: {} needs a {what} column ({usual}); columns: {}",
                    name(*param),
                    columns.join(", ")
                )
            }
            Error::AmbiguousColumn {
                origin,
                param,
                candidates,
            } => {
                let what = match param {
                    Param::Latitude => "latitude",
                    Param::Longitude => "longitude",
                    _ => "candidate",
                };
                format!(
                    "{origin}: more than one {what} column: {candidates}; name the one to use with {flag}, or give its number (e.g. {flag} {number})",
                    flag = name(*param),
                    number = candidates
                        .rsplit("(column ")
                        .next()
                        .and_then(|s| s.split(')').next())
                        .unwrap_or("2")
                )
            }
            Error::NoCoordinates {
                origin,
                read_as,
                columns,
            } => format!(
                "{origin}: no coordinate columns found (looked for latitude/longitude, lat/lon, lat/lng, lat/long, y/x); name them with {} and {} (read as {read_as}; columns: {columns})",
                name(Param::Latitude),
                name(Param::Longitude)
            ),
            Error::InvalidSetting {
                param,
                value,
                expected,
            } => format!("{} {value}: {expected}", name(*param)),
            other => other.to_string(),
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Turn a `serde_json` syntax error into an [`Error::Json`] naming `origin`.
    pub fn json(origin: &str, e: &serde_json::Error) -> Self {
        // serde_json's Display appends " at line L column C"; keep only the reason.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        Error::Json {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}
