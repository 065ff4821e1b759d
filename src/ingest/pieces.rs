//! Pieces of input for the pipeline: a reader hands out pieces (a batch
//! of whole CSV records, or a run of features), any thread turns a piece
//! into rows, and finished buffers come back to be reused. Internal to the
//! crate; clients read rows with [`PointSource::next_row`] or iterate.

use super::csv_points::{self, Records};
use super::options::ReadOptions;
use super::source::{Inner, PointSource, finish};
use crate::error::Result;
use crate::row::{RawRow, Row, Schema};

impl PointSource {
    /// Keep `buf` (a piece's buffer, done with, from
    /// [`RowParser::for_each`]) for a later piece, so that a long read
    /// reuses the same memory.
    pub(crate) fn reuse(&mut self, buf: Vec<u8>) {
        if let Inner::Csv(r) = &mut self.inner {
            r.reuse(buf);
        }
    }

    /// The next piece of input: a batch of whole CSV records (about
    /// 256 KB) or [`PIECE_ROWS`] features; `None` at
    /// the end. A piece is turned into rows by [`RowParser::for_each`], on
    /// any thread.
    pub(crate) fn next_piece(&mut self) -> Result<Option<Piece>> {
        Ok(match &mut self.inner {
            Inner::Csv(r) => r.next_batch()?.map(|b| Piece(PieceKind::Csv(b))),
            Inner::Features(it) => {
                let rows: Vec<RawRow> = it.by_ref().take(PIECE_ROWS).collect();
                (!rows.is_empty()).then(|| Piece(PieceKind::Rows(rows)))
            }
            #[cfg(feature = "geoparquet")]
            Inner::Parquet(r) => r.next_piece()?.map(|p| Piece(PieceKind::Arrow(p))),
        })
    }

    /// The next pieces of input, together about `bytes` of CSV (or as many
    /// pieces of features); empty at the end.
    pub(crate) fn next_pieces(&mut self, bytes: usize) -> Result<Vec<Piece>> {
        let mut pieces = Vec::new();
        for _ in 0..bytes.div_ceil(csv_points::BATCH_BYTES) {
            match self.next_piece()? {
                Some(p) => pieces.push(p),
                None => break,
            }
        }
        Ok(pieces)
    }

    /// What turns pieces into rows (shareable between threads).
    pub(crate) fn parser(&self) -> RowParser {
        RowParser {
            schema: self.schema.clone(),
            opts: self.opts.clone(),
            origin: self.origin.clone(),
        }
    }

    /// Read about `n` rows into `out` (pieces parsed on every core); false
    /// when the input is exhausted.
    pub(crate) fn read_chunk(&mut self, n: usize, out: &mut Vec<Row>) -> Result<bool> {
        use rayon::prelude::*;
        out.clear();
        // About 70 bytes a row in a slim export.
        let pieces = self.next_pieces(n * 70)?;
        if pieces.is_empty() {
            return Ok(false);
        }
        let parser = self.parser();
        let parsed: Vec<Result<Vec<Row>>> =
            pieces.into_par_iter().map(|p| parser.rows(p)).collect();
        for p in parsed {
            out.extend(p?);
        }
        Ok(true)
    }
}

/// Features per piece of GeoJSON input.
pub(crate) const PIECE_ROWS: usize = 2048;

/// A piece of input, turned into rows by [`RowParser::rows`].
#[derive(Debug)]
pub struct Piece(PieceKind);

impl Piece {
    /// Bytes of CSV in the piece (0 for features).
    pub fn csv_bytes(&self) -> usize {
        match &self.0 {
            PieceKind::Csv(b) => b.bytes.len(),
            PieceKind::Rows(_) => 0,
            #[cfg(feature = "geoparquet")]
            PieceKind::Arrow(_) => 0,
        }
    }
}

#[derive(Debug)]
enum PieceKind {
    Csv(csv_points::Batch),
    Rows(Vec<RawRow>),
    #[cfg(feature = "geoparquet")]
    Arrow(crate::geoparquet::read::Piece),
}

/// Turns pieces of input into rows, on any thread.
#[derive(Debug, Clone)]
pub struct RowParser {
    schema: Schema,
    opts: ReadOptions,
    origin: String,
}

impl RowParser {
    /// Hand each row of a piece to `f`, in order; in strict mode the first
    /// bad row is an error naming file, line and column (and ends the piece).
    /// Gives back the piece's buffer, when no row kept a share of it, for
    /// [`PointSource::reuse`].
    pub fn for_each(&self, piece: Piece, mut f: impl FnMut(Row)) -> Result<Option<Vec<u8>>> {
        let (schema, opts, origin) = (&self.schema, &self.opts, self.origin.as_str());
        match piece.0 {
            PieceKind::Csv(b) => {
                let mut failed = None;
                let buf = csv_points::parse_batch(b, schema, |raw| {
                    if failed.is_none() {
                        match finish(schema, opts, origin, raw) {
                            Ok(row) => f(row),
                            Err(e) => failed = Some(e),
                        }
                    }
                });
                failed.map_or(Ok(buf), Err)
            }
            PieceKind::Rows(rows) => {
                for raw in rows {
                    f(finish(schema, opts, origin, raw)?);
                }
                Ok(None)
            }
            #[cfg(feature = "geoparquet")]
            PieceKind::Arrow(p) => {
                for raw in p.rows() {
                    f(finish(schema, opts, origin, raw)?);
                }
                Ok(None)
            }
        }
    }

    /// Hand each record of a piece to `sink`, in order: a CSV line without
    /// quotes as its text ([`Records::line`]), any other record as read,
    /// not yet checked against the options ([`Records::row`]; see
    /// [`finish`]).
    pub(crate) fn records(&self, piece: Piece, sink: &mut impl Records) {
        match piece.0 {
            PieceKind::Csv(b) => {
                csv_points::parse_records(b, &self.schema, sink);
            }
            PieceKind::Rows(rows) => rows.into_iter().for_each(|r| sink.row(r)),
            #[cfg(feature = "geoparquet")]
            PieceKind::Arrow(p) => p.rows().into_iter().for_each(|r| sink.row(r)),
        }
    }

    /// The schema, options and name of the input the pieces come from.
    pub(crate) fn input(&self) -> (&Schema, &ReadOptions, &str) {
        (&self.schema, &self.opts, &self.origin)
    }

    /// The rows of a piece, in order (see [`RowParser::for_each`]).
    pub fn rows(&self, piece: Piece) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.for_each(piece, |r| rows.push(r))?;
        Ok(rows)
    }
}
