//! How to read a point file: the options, and what a file's name says of
//! its format.

/// How to read a point file.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Latitude column: its name, or its number from 1 where no column is
    /// called that (to choose between two columns of one name); otherwise
    /// found by the usual names.
    pub lat: Option<String>,
    /// Longitude column: its name or number, as [`ReadOptions::lat`].
    pub lon: Option<String>,
    /// Keep going past bad rows (they become [`crate::row::Row::Reject`]); otherwise the
    /// first bad row is an [`crate::Error::Row`].
    pub skip_invalid: bool,
    /// Also require a readable date in the date column.
    pub require_date: bool,
    /// The CSV field delimiter; otherwise found from the header line
    /// (comma, semicolon, tab or pipe).
    pub delimiter: Option<u8>,
}

/// What a file's name says of its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatHint {
    /// Nothing: the content decides.
    None,
    /// `.geojson` or `.json`.
    GeoJson,
    /// `.tsv`: tab-separated when the header line has no other delimiter.
    Tsv,
}

impl FormatHint {
    /// What the name of `path` says.
    pub fn from_path(path: &str) -> FormatHint {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".geojson") || lower.ends_with(".json") {
            FormatHint::GeoJson
        } else if lower.ends_with(".tsv") {
            FormatHint::Tsv
        } else {
            FormatHint::None
        }
    }
}
