//! A point file read straight into columns: each piece of input split once
//! per line, each cell put in its column's buffer as it is met (numbers
//! read once, as `f64` and `i64`; text as bytes end to end and where each
//! cell ends, as Arrow holds it), with what the cells say of the column's
//! [`Kind`] by the rules of [`super::column_kinds`]. For clients that want
//! a table rather than rows (the Python package's frames).
//!
//! Every rule of the row reader holds, because the rows are found by the
//! same code ([`super::csv_points::parse_records`], then the same checks of
//! fields, coordinates and options): a row is a point (its cells in the
//! columns), a reject (with file, line, column and reason), or, in strict
//! mode, an error naming them.

use super::csv_points::{Records, check_fields, delimiter_bits};
use super::options::ReadOptions;
use super::source::{PointSource, finish};
use crate::error::{Error, Result};
use crate::row::{
    Fields, Kind, Line, LineSpan, LineText, RawRow, Reject, Row, Schema, json_number,
};
use geo::Coord;
use std::borrow::Cow;
use std::sync::Arc;

/// What a column may still be, from the cells seen so far (the rules of
/// [`super::column_kinds`]: numbers when every cell that is not empty is a
/// JSON number as written, whole numbers when every one fits 64 bits, and
/// at least one is there; `true`/`false` likewise; otherwise text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSeen {
    int: bool,
    num: bool,
    boolean: bool,
    seen: bool,
}

/// One cell read as a number: a whole number that fits `i64`, or another.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Default for KindSeen {
    fn default() -> Self {
        KindSeen::ANY
    }
}

impl KindSeen {
    /// Before any cell: anything.
    pub const ANY: KindSeen = KindSeen {
        int: true,
        num: true,
        boolean: true,
        seen: false,
    };

    /// Take one cell.
    pub fn take(&mut self, cell: &str) {
        self.take_number(cell);
    }

    /// Take one cell; while the column may be numbers, the cell's number.
    fn take_number(&mut self, t: &str) -> Option<Num> {
        if !(self.num || self.boolean) || t.is_empty() {
            return None;
        }
        self.seen = true;
        self.boolean = self.boolean && (t == "true" || t == "false");
        if self.num {
            match number(t) {
                Some(x) => {
                    self.int = self.int && matches!(x, Num::Int(_));
                    return Some(x);
                }
                None => self.num = false,
            }
        }
        None
    }

    /// What both `self` and `other` (cells of two parts of one column)
    /// say together.
    pub fn and(self, other: KindSeen) -> KindSeen {
        KindSeen {
            int: self.int && other.int,
            num: self.num && other.num,
            boolean: self.boolean && other.boolean,
            seen: self.seen || other.seen,
        }
    }

    /// The column's kind.
    pub fn kind(self) -> Kind {
        match (self.seen, self.num, self.int, self.boolean) {
            (false, ..) => Kind::Text,
            (true, true, true, _) => Kind::Integer,
            (true, true, false, _) => Kind::Float,
            (true, false, _, true) => Kind::Boolean,
            _ => Kind::Text,
        }
    }
}

/// `t` as [`json_number`] reads it (`None` when it is not a JSON number as
/// written), reading the usual short ones directly: a whole number of at
/// most 18 digits, or a decimal of at most 15 digits without exponent
/// (exact: the digits are an integer below 2^53, divided once by a power
/// of ten that is exact, so rounded once, as `str::parse` rounds).
fn number(t: &str) -> Option<Num> {
    const POW10: [f64; 16] = [
        1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = t.as_bytes();
    let neg = b.first() == Some(&b'-');
    let mut i = usize::from(neg);
    let mut m: u64 = 0;
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while i < b.len() && b[i].is_ascii_digit() {
                m = m.wrapping_mul(10).wrapping_add(u64::from(b[i] - b'0'));
                i += 1;
            }
        }
        _ => return None,
    }
    let whole = i - usize::from(neg);
    if i == b.len() && whole <= 18 {
        let v = m as i64;
        return Some(Num::Int(if neg { -v } else { v }));
    }
    if b.get(i) == Some(&b'.') && whole <= 15 {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_digit() {
            m = m.wrapping_mul(10).wrapping_add(u64::from(b[j] - b'0'));
            j += 1;
        }
        let frac = j - start;
        if j == b.len() && frac > 0 && whole + frac <= 15 {
            let v = m as f64 / POW10[frac];
            return Some(Num::Float(if neg { -v } else { v }));
        }
    }
    let x = json_number(t)?;
    Some(match x.as_i64() {
        Some(v) => Num::Int(v),
        None => Num::Float(x.as_f64()?),
    })
}

/// Cells as text: their bytes end to end, and where each ends.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextCells {
    /// The cells' bytes (UTF-8), one after another.
    pub data: Vec<u8>,
    /// Where each cell ends in `data`.
    pub ends: Vec<i64>,
}

impl TextCells {
    /// Add a cell.
    pub fn push(&mut self, t: &str) {
        self.data.extend_from_slice(t.as_bytes());
        self.ends.push(self.data.len() as i64);
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`.
    pub fn cell(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        // Whole cells of UTF-8 text.
        std::str::from_utf8(&self.data[start..self.ends[i] as usize]).unwrap_or_default()
    }
}

/// Cells as numbers: whole numbers while every cell is one that fits 64
/// bits, else every cell as `f64` (NaN where empty).
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    /// Every cell a whole number that fits 64 bits.
    Whole(Vec<i64>),
    /// Every cell as a float (NaN where empty).
    Real(Vec<f64>),
}

impl Numbers {
    /// The cells as floats (NaN where empty).
    pub fn into_floats(self) -> Vec<f64> {
        match self {
            Numbers::Whole(v) => v.into_iter().map(|x| x as f64).collect(),
            Numbers::Real(v) => v,
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Numbers::Whole(v) => v.len(),
            Numbers::Real(v) => v.len(),
        }
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A cell that is not a whole number, or empty: from here on floats.
    #[cold]
    fn make_real(&mut self) -> &mut Vec<f64> {
        if let Numbers::Whole(v) = self {
            let mut f = Vec::with_capacity(v.capacity());
            f.extend(v.iter().map(|&x| x as f64));
            *self = Numbers::Real(f);
        }
        match self {
            Numbers::Real(f) => f,
            Numbers::Whole(_) => unreachable!("made floats above"),
        }
    }
}

/// One column of a piece: its usable rows' cells, as numbers while every
/// one is a number (or empty), else as text; and what all its cells (the
/// rejected rows' too, as [`super::column_kinds`] reads them) say of its
/// kind.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadColumn {
    /// What the cells say of the column's kind.
    pub seen: KindSeen,
    /// The cells as numbers, while every one is a number or empty.
    pub numbers: Option<Numbers>,
    /// The cells as text, once they are not all numbers (else empty).
    pub text: TextCells,
}

impl ReadColumn {
    fn new() -> ReadColumn {
        ReadColumn {
            seen: KindSeen::ANY,
            numbers: Some(Numbers::Whole(Vec::new())),
            text: TextCells::default(),
        }
    }

    /// Take cell `t` of the next usable row; `earlier` writes the text of
    /// the rows before it, when the column turns out not to be numbers.
    #[inline]
    fn push(&mut self, t: &str, earlier: impl FnOnce(&mut TextCells)) {
        let x = self.seen.take_number(t);
        if let Some(n) = &mut self.numbers {
            if self.seen.num {
                match (x, &mut *n) {
                    (Some(Num::Int(v)), Numbers::Whole(w)) => w.push(v),
                    (Some(Num::Int(v)), Numbers::Real(f)) => f.push(v as f64),
                    (Some(Num::Float(v)), Numbers::Real(f)) => f.push(v),
                    (None, Numbers::Real(f)) => f.push(f64::NAN),
                    (Some(Num::Float(v)), n) => n.make_real().push(v),
                    (None, n) => n.make_real().push(f64::NAN),
                }
                return;
            }
            self.numbers = None;
            earlier(&mut self.text);
        }
        if self.text.data.capacity() == 0 {
            // About as many bytes a cell as this one (room for as many
            // cells as the piece is expected to have is in `ends`).
            let rows = self.text.ends.capacity().max(1);
            self.text.data.reserve(rows * (t.len() + 2));
        }
        self.text.push(t);
    }

    /// Make room for `rows` cells.
    fn reserve(&mut self, rows: usize) {
        match &mut self.numbers {
            Some(Numbers::Whole(v)) => v.reserve(rows),
            Some(Numbers::Real(v)) => v.reserve(rows),
            None => {}
        }
        self.text.ends.reserve(rows);
    }
}

/// Where a usable row's text is: a line of the piece's text, or its
/// fields as read (a record with quotes, a feature).
#[derive(Debug, Clone)]
enum Source {
    Span(u32, u32),
    Fields(Box<Fields>),
}

/// A piece of a point file in columns: the usable rows' cells, positions
/// and lines, and the rows that could not be used.
#[derive(Debug, Clone, Default)]
pub struct ColumnPiece {
    columns: Vec<ReadColumn>,
    lines: Vec<u64>,
    coords: Vec<Coord>,
    rejects: Vec<Reject>,
    /// The piece's CSV text, and where each usable row is.
    text: Option<Arc<LineText>>,
    sources: Vec<Source>,
}

impl ColumnPiece {
    /// Number of usable rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when no row is usable.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Each column's cells, in schema order.
    pub fn columns(&self) -> &[ReadColumn] {
        &self.columns
    }

    /// The columns, taken out of the piece (the rows' text stays, for
    /// [`ColumnPiece::text_of`]).
    pub fn take_columns(&mut self) -> Vec<ReadColumn> {
        std::mem::take(&mut self.columns)
    }

    /// The points, longitude `x` and latitude `y` in degrees.
    pub fn coords(&self) -> &[Coord] {
        &self.coords
    }

    /// The file line (1-based; a feature's or Parquet row's number) of
    /// each usable row.
    pub fn lines(&self) -> &[u64] {
        &self.lines
    }

    /// The rows that could not be used, in order (only when invalid rows
    /// are skipped; otherwise the first is an error).
    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }

    /// Column `k` of the usable rows as text (for a column read as numbers
    /// whose kind, over the whole file, turned out otherwise).
    pub fn text_of(&self, k: usize) -> TextCells {
        let mut t = TextCells::default();
        for j in 0..self.sources.len() {
            t.push(&cell_text(&self.sources, self.text.as_deref(), j, k));
        }
        t
    }
}

/// Field `k` of usable row `j`.
fn cell_text<'a>(
    sources: &'a [Source],
    text: Option<&'a LineText>,
    j: usize,
    k: usize,
) -> Cow<'a, str> {
    match (&sources[j], text) {
        (Source::Span(s, e), Some(t)) => Cow::Borrowed(
            t.text[*s as usize..*e as usize]
                .split(t.delimiter as char)
                .nth(k)
                .unwrap_or(""),
        ),
        (Source::Fields(f), _) => f.text(k),
        (Source::Span(..), None) => Cow::Borrowed(""),
    }
}

/// Where the delimiters `d` of `line` are, into `out`.
#[inline]
fn cut(line: &[u8], d: u8, out: &mut Vec<usize>) {
    out.clear();
    let mut chunks = line.chunks_exact(8);
    let mut base = 0;
    // Eight bytes at a time, as the row reader's split.
    for chunk in &mut chunks {
        let mut m = delimiter_bits(chunk, d);
        while m != 0 {
            out.push(base + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        base += 8;
    }
    for (j, &c) in chunks.remainder().iter().enumerate() {
        if c == d {
            out.push(base + j);
        }
    }
}

/// Turns a piece's records into a [`ColumnPiece`].
struct Sink<'a> {
    schema: &'a Schema,
    opts: &'a ReadOptions,
    origin: &'a str,
    piece: ColumnPiece,
    cuts: Vec<usize>,
    failed: Option<Error>,
}

impl Sink<'_> {
    /// A usable row whose fields are `field(k)`.
    #[inline]
    fn record<'f>(
        &mut self,
        line: u64,
        coord: Coord,
        source: Source,
        field: impl Fn(usize) -> &'f str,
    ) {
        self.cells(field);
        self.row_done(line, coord, source);
    }

    /// The cells `field(k)` of the next usable row.
    #[inline]
    fn cells<'f>(&mut self, field: impl Fn(usize) -> &'f str) {
        let ColumnPiece {
            columns,
            sources,
            text,
            ..
        } = &mut self.piece;
        let j = sources.len();
        for (k, c) in columns.iter_mut().enumerate() {
            c.push(field(k), |t| {
                t.ends.reserve(j);
                for i in 0..j {
                    t.push(&cell_text(sources, text.as_deref(), i, k));
                }
            });
        }
    }

    /// Where the row whose cells were just taken came from.
    #[inline]
    fn row_done(&mut self, line: u64, coord: Coord, source: Source) {
        self.piece.sources.push(source);
        self.piece.lines.push(line);
        self.piece.coords.push(coord);
    }
}

impl Records for Sink<'_> {
    fn line(&mut self, line: u64, text: &Arc<LineText>, span: std::ops::Range<usize>) {
        if self.failed.is_some() {
            return;
        }
        if self.piece.text.is_none() {
            self.piece.text = Some(text.clone());
            // Room for about as many rows as lines like this one fill the
            // piece with.
            let rows = text.text.len() / (span.len() + 1) * 5 / 4 + 8;
            let p = &mut self.piece;
            p.columns.iter_mut().for_each(|c| c.reserve(rows));
            p.sources.reserve(rows);
            p.lines.reserve(rows);
            p.coords.reserve(rows);
        }
        let s = &text.text[span.clone()];
        let mut cuts = std::mem::take(&mut self.cuts);
        cut(s.as_bytes(), text.delimiter, &mut cuts);
        let field = |k: usize| -> &str {
            if k > cuts.len() {
                return "";
            }
            let start = if k == 0 { 0 } else { cuts[k - 1] + 1 };
            &s[start..cuts.get(k).copied().unwrap_or(s.len())]
        };
        let n = cuts.len() + 1;
        let coord = check_fields(
            self.schema,
            n,
            field(self.schema.lat),
            field(self.schema.lon),
        );
        match coord {
            Ok(c) if !self.opts.require_date => self.record(
                line,
                c,
                Source::Span(span.start as u32, span.end as u32),
                field,
            ),
            coord => {
                let span = LineSpan {
                    text: span.start as u32..span.end as u32,
                    fields: n as u32,
                };
                let fields = Fields::Line(Line {
                    shared: text.clone(),
                    span,
                });
                self.row((line, fields, coord));
            }
        }
        self.cuts = cuts;
    }

    fn row(&mut self, raw: RawRow) {
        if self.failed.is_some() {
            return;
        }
        match finish(self.schema, self.opts, self.origin, raw) {
            Ok(Row::Record(r)) => {
                {
                    let texts = r.fields.texts();
                    self.cells(|k| texts.get(k).map_or("", |t| t.as_ref()));
                }
                self.row_done(r.line, r.coord, Source::Fields(Box::new(r.fields)));
            }
            Ok(Row::Reject(r)) => {
                if !matches!(r.fields, Fields::Raw(_)) {
                    let columns = &mut self.piece.columns;
                    r.fields.each_text(|k, t| {
                        if let Some(c) = columns.get_mut(k) {
                            c.seen.take(t);
                        }
                    });
                }
                self.piece.rejects.push(r);
            }
            Err(e) => self.failed = Some(e),
        }
    }
}

impl PointSource {
    /// Read the whole input into columns, as [`PointSource::par_batches`]
    /// reads it into rows (a piece read while the pieces already read are
    /// parsed on rayon's pool): each piece is handed to `f` as a
    /// [`ColumnPiece`] with its place `k` in the input (from 0), on any
    /// thread, in no particular order. The same rows are points, rejects or
    /// errors as with [`PointSource::next_row`]; in strict mode the error
    /// is the input's first bad row (later pieces may have been handed to
    /// `f` already).
    pub fn par_columns(&mut self, f: impl Fn(usize, ColumnPiece) + Sync) -> Result<()> {
        self.par_pieces(
            |parser, piece| {
                let (schema, opts, origin) = parser.input();
                let mut sink = Sink {
                    schema,
                    opts,
                    origin,
                    piece: ColumnPiece {
                        columns: (0..schema.columns.len())
                            .map(|_| ReadColumn::new())
                            .collect(),
                        ..ColumnPiece::default()
                    },
                    cuts: Vec::new(),
                    failed: None,
                };
                parser.records(piece, &mut sink);
                match sink.failed {
                    Some(e) => Err(e),
                    None => Ok(sink.piece),
                }
            },
            f,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `json_number` makes of `t`, as [`Num`].
    fn oracle(t: &str) -> Option<Num> {
        let x = json_number(t)?;
        Some(match x.as_i64() {
            Some(v) => Num::Int(v),
            None => Num::Float(x.as_f64()?),
        })
    }

    #[test]
    fn numbers_read_as_json_reads_them() {
        for t in [
            "0",
            "-0",
            "7",
            "-12",
            "007",
            "01",
            "1.",
            ".5",
            "0.5",
            "-0.0",
            "1.0",
            "1e3",
            "+5",
            "NaN",
            "inf",
            "",
            "-",
            "36.18155",
            "123456789012345678",
            "1234567890123456789",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "0.123456789012345",
            "0.1234567890123456",
            "1 ",
            " 1",
            "1_0",
            "١",
        ] {
            assert_eq!(number(t), oracle(t), "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn numbers_agree_with_json_number(t in "-?[0-9]{0,20}(\\.[0-9]{0,18})?([eE][+-]?[0-9]{0,3})?") {
            prop_assert_eq!(number(&t), oracle(&t));
        }

        #[test]
        fn cut_finds_every_delimiter(line in "[a;,\"é ]{0,40}") {
            let mut got = Vec::new();
            cut(line.as_bytes(), b';', &mut got);
            let want: Vec<usize> = line.bytes().enumerate().filter(|(_, c)| *c == b';').map(|(i, _)| i).collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn kinds_follow_the_command_lines_rules() {
        let kind = |values: &[&str]| {
            let mut s = KindSeen::ANY;
            values.iter().for_each(|v| s.take(v));
            s.kind()
        };
        assert_eq!(kind(&["1", "", "-3"]), Kind::Integer);
        assert_eq!(kind(&["1", "2.5"]), Kind::Float);
        assert_eq!(kind(&["007"]), Kind::Text);
        assert_eq!(kind(&["true", "", "false"]), Kind::Boolean);
        assert_eq!(kind(&["", ""]), Kind::Text);
        assert_eq!(kind(&["1", "x"]), Kind::Text);
        let (mut a, mut b) = (KindSeen::ANY, KindSeen::ANY);
        a.take("1");
        b.take("2.5");
        assert_eq!(a.and(b).kind(), Kind::Float);
    }
}
