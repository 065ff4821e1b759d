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

/// A CSV field delimiter as a user writes it: `tab` (or `\t`) or one
/// ASCII character other than a quote or a line break (`,` `;` `|` ...).
///
/// ```
/// use frontier::ingest::parse_delimiter;
/// assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
/// assert_eq!(parse_delimiter(";"), Ok(b';'));
/// assert!(parse_delimiter("\"").is_err() && parse_delimiter(",,").is_err());
/// ```
pub fn parse_delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && !matches!(s, "\"" | "\n" | "\r") => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!(
            "{s:?} is not a delimiter: give one character such as , ; | or the word tab"
        )),
    }
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
