//! The one error type of the library.
//!
//! Every variant says *what* went wrong and *where*: the file (or built-in
//! layer), and where it makes sense the line and column or the feature index.

use std::path::PathBuf;

/// Everything that can go wrong in frontier.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
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

    /// A named layer or feature does not exist.
    #[error("{0}")]
    Unknown(String),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
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
