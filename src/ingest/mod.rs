//! Point records: incidents, events, refugee settlements, read from CSV
//! (plain, ACLED or UCDP GED exports) or GeoJSON, one reader per format.
//!
//! Every row ends up as a [`Record`] (carried to the output) or a [`Reject`]
//! (with the file line, the column and the reason); with
//! [`ReadOptions::skip_invalid`] off, the first bad row is an error instead.

mod batch;
mod columns;
pub(crate) mod coords;
mod csv_points;
pub mod dates;
mod geojson_points;
pub(crate) mod header;
mod kinds;
mod options;
mod pieces;
mod quoted;
mod source;

pub(crate) use pieces::{Piece, RowParser};

/// The pipeline's piece-by-piece reading, for the fuzz targets only (the
/// `fuzzing` feature); not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use super::PointSource;
    pub use super::pieces::{Piece, RowParser};
    use crate::error::Result;

    /// What turns pieces into rows.
    pub fn parser(src: &PointSource) -> RowParser {
        src.parser()
    }

    /// The next piece of input.
    pub fn next_piece(src: &mut PointSource) -> Result<Option<Piece>> {
        src.next_piece()
    }
}

pub use batch::{Batch, Cell, Column};
pub use columns::{ColumnPiece, KindSeen, Numbers, ReadColumn, TextCells};
pub use dates::parse_date;
pub(crate) use header::csv_header;
pub use kinds::column_kinds;
pub use options::{FormatHint, ReadOptions, parse_delimiter};
pub use source::PointSource;
// The row types, defined with the writers' in [`crate::row`], are also the
// readers' vocabulary.
pub use crate::row::{
    Dialect, Fields, Line, Record, Reject, Row, Schema, find_column, named_column, value_text,
};
