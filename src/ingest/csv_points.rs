//! CSV point files: plain, ACLED and UCDP GED. UTF-8 with or without BOM,
//! CRLF or LF, quoted fields with commas and newlines; `-` is standard input.

use super::coords::parse_coord;
use super::header::delimiter_name;
use super::quoted::QuotedReader;
use crate::error::{Error, Result};
use crate::row::{Fields, Line, LineSpan, LineText, RawRow, Schema};
use std::io::Read;

type RowResult = Result<RawRow>;

/// Bytes of CSV per batch: each batch is parsed on its own core.
pub const BATCH_BYTES: usize = 1 << 18;

/// CSV read in batches of whole records, so batches can be parsed on
/// any thread. The reader only finds where records end ([`Scanner`]);
/// [`parse_batch`] reads the records.
pub struct CsvRows {
    input: Box<dyn Read + Send>,
    /// Bytes per batch (about).
    batch: usize,
    /// Bytes read and not yet handed out; starts at a record boundary.
    buf: Vec<u8>,
    scan: Scanner,
    eof: bool,
    /// Bytes handed out so far, and the line the next batch starts on.
    consumed: u64,
    line: u64,
    /// The rows of the first batch after the header, parsed at open.
    first: Option<Batch>,
    /// A buffer handed back for the next batch ([`CsvRows::reuse`]).
    spare: Option<Vec<u8>>,
    /// Rows parsed and not yet taken by [`CsvRows::next`].
    pending: std::vec::IntoIter<RawRow>,
    origin: String,
}

/// Whole CSV records, and the line of the file the first byte is on.
#[derive(Debug)]
pub struct Batch {
    pub(super) bytes: Vec<u8>,
    line: u64,
    /// The file ends inside a quoted field, in this (last) batch.
    open_quote: bool,
}

/// Finds where records end in CSV bytes, reading quotes the way the csv
/// crate does: a quote opens a quoted field only at the start of a field,
/// `""` inside quotes is a quote, and a newline inside quotes is data.
/// Only `\n` ends a batch (a file with bare `\r` line ends is one batch).
#[derive(Debug, Default)]
struct Scanner {
    /// The field delimiter.
    delimiter: u8,
    /// Bytes looked at so far.
    pos: usize,
    /// Inside a quoted field.
    quoted: bool,
    /// Just after a quote that closed a quoted field (or begins `""`).
    after_quote: bool,
    /// End of the last complete record found.
    last_end: usize,
}

impl Scanner {
    /// Look at `b[self.pos..]`; `b` starts at a record boundary.
    fn scan(&mut self, b: &[u8]) {
        let mut i = self.pos;
        while i < b.len() {
            if self.quoted {
                match memchr::memchr(b'"', &b[i..]) {
                    Some(k) => {
                        i += k + 1;
                        self.quoted = false;
                        self.after_quote = true;
                    }
                    None => i = b.len(),
                }
            } else if self.after_quote {
                self.after_quote = false;
                if b[i] == b'"' {
                    self.quoted = true;
                    i += 1;
                }
            } else {
                match memchr::memchr2(b'"', b'\n', &b[i..]) {
                    None => i = b.len(),
                    Some(k) => {
                        let j = i + k;
                        if b[j] == b'\n' {
                            self.last_end = j + 1;
                        } else if j == 0
                            || b[j - 1] == self.delimiter
                            || matches!(b[j - 1], b'\n' | b'\r')
                        {
                            self.quoted = true;
                        }
                        i = j + 1;
                    }
                }
            }
        }
        self.pos = i;
    }

    /// The first `n` bytes were handed out.
    fn shift(&mut self, n: usize) {
        self.pos -= n;
        self.last_end -= n;
    }
}

impl CsvRows {
    /// Read CSV from `input` in batches of about `batch` bytes: the reader,
    /// the columns, and the header line as it came.
    pub fn from_reader(
        input: Box<dyn Read + Send>,
        origin: &str,
        delimiter: u8,
        batch: usize,
    ) -> Result<(CsvRows, Vec<String>, String)> {
        let mut rows = CsvRows {
            input,
            batch,
            buf: Vec::new(),
            scan: Scanner {
                delimiter,
                ..Scanner::default()
            },
            eof: false,
            consumed: 0,
            line: 1,
            first: None,
            spare: None,
            pending: Vec::new().into_iter(),
            origin: origin.to_string(),
        };
        // The header is the first record of the first batch, read by the
        // csv crate (blank lines before it skipped, as it does).
        let (first, open_quote) = rows
            .next_batch()?
            .map_or_else(|| (Vec::new(), false), |b| (b.bytes, b.open_quote));
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(first.as_slice());
        let columns = super::header::csv_header(&mut reader, origin)?;
        if columns.is_empty() || (columns.len() == 1 && columns[0].trim().is_empty()) {
            return Err(Error::Input {
                origin: origin.to_string(),
                message: "empty file: no header row".into(),
            });
        }
        let at = reader.position();
        let (offset, line) = (at.byte() as usize, at.line());
        let offset = offset.min(first.len());
        let header_line = String::from_utf8_lossy(&first[..offset])
            .trim_start_matches('\u{feff}')
            .trim_start_matches(['\r', '\n'])
            .trim_end_matches(['\r', '\n'])
            .to_string();
        rows.first = Some(Batch {
            bytes: first[offset..].to_vec(),
            line,
            open_quote,
        });
        Ok((rows, columns, header_line))
    }

    /// Keep `buf` (a batch's bytes, done with) for a later batch, so that a
    /// long read reuses the same memory.
    pub fn reuse(&mut self, buf: Vec<u8>) {
        self.spare = Some(buf);
    }

    /// Bytes of input handed out so far.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    /// The next batch of whole records (about `batch` bytes); `None` at
    /// the end.
    pub fn next_batch(&mut self) -> Result<Option<Batch>> {
        if let Some(b) = self.first.take() {
            return Ok(Some(b));
        }
        loop {
            if self.eof || self.scan.last_end >= self.batch {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                // At the end everything left is the last batch (a final
                // record may lack its line end).
                let cut = if self.eof {
                    self.buf.len()
                } else {
                    self.scan.last_end
                };
                // The rest (a partial record) moves to a fresh buffer
                // with room for the next batch.
                let mut rest = self.spare.take().unwrap_or_default();
                rest.clear();
                rest.reserve(2 * self.batch);
                rest.extend_from_slice(&self.buf[cut..]);
                self.buf.truncate(cut);
                let bytes = std::mem::replace(&mut self.buf, rest);
                let open_quote = self.eof && self.scan.quoted;
                if self.eof {
                    self.scan = Scanner {
                        delimiter: self.scan.delimiter,
                        ..Scanner::default()
                    };
                } else {
                    self.scan.shift(cut);
                }
                let line = self.line;
                self.line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
                self.consumed += bytes.len() as u64;
                return Ok(Some(Batch {
                    bytes,
                    line,
                    open_quote,
                }));
            }
            // Read up to another batch's worth, in as few reads as the
            // input allows.
            let have = self.buf.len();
            self.buf.resize(have + self.batch, 0);
            let mut got = 0;
            while got < self.batch {
                match self.input.read(&mut self.buf[have + got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(&self.origin, e)),
                }
            }
            self.buf.truncate(have + got);
            if got == 0 {
                self.eof = true;
            } else {
                self.scan.scan(&self.buf);
            }
        }
    }

    /// The next row, parsing a batch when needed.
    pub fn next(&mut self, schema: &Schema) -> Option<RowResult> {
        loop {
            if let Some(r) = self.pending.next() {
                return Some(Ok(r));
            }
            match self.next_batch() {
                Ok(Some(b)) => {
                    let mut rows = Vec::new();
                    parse_batch(b, schema, |r| rows.push(r));
                    self.pending = rows.into_iter();
                }
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Every record of `batch` (on any thread), handed to `each` in order:
/// line, fields, and the position or why there is none.
///
/// A line without quotes or carriage returns inside it is split at its
/// commas directly, and its text stays in the batch's, shared with the
/// other lines ([`Fields::Line`]); any other record (quoted fields, quoted
/// newlines, bare `\r` line ends) is read by the csv crate's parser, as a
/// whole-file reader would read it.
///
/// Gives back the batch's bytes when no row handed out kept a share of
/// them.
pub fn parse_batch(batch: Batch, schema: &Schema, each: impl FnMut(RawRow)) -> Option<Vec<u8>> {
    parse_records(batch, schema, &mut Rows { schema, each })
}

/// What [`parse_records`] hands each record to.
pub(crate) trait Records {
    /// A line without quotes or carriage returns, all UTF-8: bytes `span`
    /// of `text`, on file line `line`.
    fn line(&mut self, line: u64, text: &std::sync::Arc<LineText>, span: std::ops::Range<usize>);
    /// Any other record (quoted fields, bare `\r`), or one that cannot be
    /// read (not UTF-8, an unterminated quote).
    fn row(&mut self, row: RawRow);
}

/// Records as rows: a line split at its delimiter only up to the
/// coordinates, its text shared with the batch's ([`Fields::Line`]).
struct Rows<'a, F> {
    schema: &'a Schema,
    each: F,
}

impl<F: FnMut(RawRow)> Records for Rows<'_, F> {
    fn line(&mut self, line: u64, text: &std::sync::Arc<LineText>, span: std::ops::Range<usize>) {
        let s = self.schema;
        let (fields, lat, lon) = split_line(&text.text[span.clone()], s.delimiter, s.lat, s.lon);
        let coord = check_fields(s, fields, lat, lon);
        let span = LineSpan {
            text: span.start as u32..span.end as u32,
            fields: fields as u32,
        };
        let shared = text.clone();
        (self.each)((line, Fields::Line(Line { shared, span }), coord));
    }

    fn row(&mut self, row: RawRow) {
        (self.each)(row)
    }
}

/// A record of `fields` fields, its latitude and longitude fields `lat`
/// and `lon`: the position, or (column, reason) why there is none (the
/// wrong number of fields, or coordinates that are not usable).
pub(crate) fn check_fields(
    schema: &Schema,
    fields: usize,
    lat: &str,
    lon: &str,
) -> std::result::Result<geo::Coord, (String, String)> {
    let ncols = schema.columns.len();
    if fields != ncols {
        Err((
            "(row)".to_string(),
            format!(
                "has {}, the header has {ncols} ({})",
                plural(fields, "field"),
                delimiter_name(schema.delimiter)
            ),
        ))
    } else {
        parse_coord(
            &schema.columns[schema.lat],
            lat,
            &schema.columns[schema.lon],
            lon,
        )
    }
}

/// Every record of `batch` (on any thread), handed to `sink` in order:
/// a line without quotes as its text ([`Records::line`]), any other record
/// read by the csv crate's parser, or rejected ([`Records::row`]), as
/// [`parse_batch`] describes. Gives back the batch's bytes when no record
/// kept a share of them.
pub(crate) fn parse_records(
    batch: Batch,
    schema: &Schema,
    sink: &mut impl Records,
) -> Option<Vec<u8>> {
    let ncols = schema.columns.len();
    let delim = schema.delimiter;
    let Batch {
        bytes,
        line,
        open_quote,
    } = batch;
    // The batch as text: all of it when it is UTF-8 (no copy); otherwise a
    // copy with `?` for each stray byte (the records holding one are
    // rejected, checked on the bytes as read).
    let (text, raw) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let raw = e.into_bytes();
            (stand_in(&raw), Some(raw))
        }
    };
    let shared = std::sync::Arc::new(LineText {
        text,
        delimiter: delim,
    });
    let t = shared.text.as_str();
    let b = t.as_bytes();
    // Mostly there is no quote or carriage return in the whole batch.
    let plain = memchr::memchr2(b'"', b'\r', b).is_none();
    // Made on the first record with quotes (its tables take a while).
    let mut quoted: Option<QuotedReader> = None;
    let check = |fields: usize, lat: &str, lon: &str| check_fields(schema, fields, lat, lon);
    let (mut p, mut line) = (0usize, line);
    while p < b.len() {
        // Line ends before a record are blank lines: no record.
        if matches!(b[p], b'\r' | b'\n') {
            line += u64::from(b[p] == b'\n');
            p += 1;
            continue;
        }
        let nl = memchr::memchr(b'\n', &b[p..]).map_or(b.len(), |k| p + k);
        let mut end = nl;
        if b[end - 1] == b'\r' {
            end -= 1;
        }
        if plain || memchr::memchr2(b'"', b'\r', &b[p..end]).is_none() {
            match raw.as_deref().map(|r| std::str::from_utf8(&r[p..end])) {
                Some(Err(e)) => {
                    let field = memchr::memchr_iter(delim, &b[p..p + e.valid_up_to()]).count();
                    let bytes = raw.as_deref().unwrap_or(b)[p..end].to_vec();
                    sink.row((line, Fields::Raw(bytes), Err(utf8_column(schema, field))));
                }
                _ => sink.line(line, &shared, p..end),
            }
            p = nl + 1;
            line += 1;
            continue;
        }
        // Quotes or a carriage return: the csv crate's parser reads one
        // record (which may run over several lines) from the bytes as read.
        let input = &raw.as_deref().unwrap_or(b)[p..];
        let (record, used) = quoted
            .get_or_insert_with(|| QuotedReader::new(delim))
            .read(input);
        // The record as it came, without its line end.
        let mut rec_end = p + used;
        while rec_end > p && matches!(b[rec_end - 1], b'\n' | b'\r') {
            rec_end -= 1;
        }
        let unterminated = if open_quote && p + used >= b.len() {
            unclosed_quote(&input[..used], delim)
        } else {
            None
        };
        match record {
            None => {}
            Some(_) if unterminated.is_some() => {
                let at = unterminated.unwrap_or(0);
                let from = line + memchr::memchr_iter(b'\n', &input[..at]).count() as u64;
                // All of it is data, line ends included.
                let lines = memchr::memchr_iter(b'\n', &input[at..rec_end - p]).count();
                let field = input[..at].iter().filter(|&&c| c == delim).count();
                let column = schema
                    .columns
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| format!("field {}", field + 1));
                sink.row((
                    line,
                    Fields::Raw(input[..used].to_vec()),
                    Err((
                        column,
                        format!(
                            "unterminated quote: the quoted field opened on line {from} never closes (the rest of the file, {}, was read into it)",
                            plural(lines + 1, "line")
                        ),
                    )),
                ));
            }
            Some(Ok(r)) => {
                let coord = if r.len() == ncols {
                    check(ncols, &r[schema.lat], &r[schema.lon])
                } else {
                    check(r.len(), "", "")
                };
                let span = Line {
                    shared: shared.clone(),
                    span: LineSpan {
                        text: p as u32..rec_end as u32,
                        fields: r.len() as u32,
                    },
                };
                sink.row((line, Fields::Text(r, Some(span)), coord));
            }
            Some(Err(field)) => sink.row((
                line,
                Fields::Raw(input[..rec_end - p].to_vec()),
                Err(utf8_column(schema, field)),
            )),
        }
        line += memchr::memchr_iter(b'\n', &input[..used]).count() as u64;
        p += used.max(1);
    }
    std::sync::Arc::try_unwrap(shared)
        .ok()
        .map(|t| t.text.into_bytes())
}

/// Where the quote that is still open at the end of `rec` opened (a byte
/// offset), reading quotes as [`Scanner`] does; `None` when every quote
/// closes.
fn unclosed_quote(rec: &[u8], delim: u8) -> Option<usize> {
    let (mut quoted, mut after_quote, mut opened) = (false, false, 0);
    for (i, &c) in rec.iter().enumerate() {
        if quoted {
            if c == b'"' {
                quoted = false;
                after_quote = true;
            }
        } else if after_quote {
            after_quote = false;
            if c == b'"' {
                quoted = true;
            }
        } else if c == b'"'
            && (i == 0 || rec[i - 1] == delim || matches!(rec[i - 1], b'\n' | b'\r'))
        {
            quoted = true;
            opened = i;
        }
    }
    quoted.then_some(opened)
}

/// `n` and a noun, plural when `n` is not 1.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The bytes equal to `d` in eight bytes of a line, as the high bit of
/// each such byte: `x` is zero there, and adding 0x7f to the low bits of
/// every byte carries into the high bit of every other byte, never across
/// bytes. What the row reader's split and the column reader's cut share.
#[inline]
pub(super) fn delimiter_bits(chunk: &[u8], d: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ (ONES * u64::from(d));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The number of fields of a line without quotes, and its fields `lat` and
/// `lon` (empty when the line is shorter).
fn split_line(line: &str, delim: u8, lat: usize, lon: usize) -> (usize, &str, &str) {
    let b = line.as_bytes();
    let mut s = Splitter {
        line,
        lat,
        lon,
        last: lat.max(lon),
        field: 0,
        start: 0,
        la: "",
        lo: "",
    };
    // Eight bytes at a time.
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut m = delimiter_bits(chunk, delim);
        while m != 0 {
            if s.field > s.last {
                // Past the coordinates: the rest only needs counting.
                s.field += m.count_ones() as usize;
                break;
            }
            s.delimiter_at(base + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        base += 8;
    }
    for (j, &c) in chunks.remainder().iter().enumerate() {
        if c == delim {
            s.delimiter_at(base + j);
        }
    }
    if s.field == lat {
        s.la = &line[s.start..];
    }
    if s.field == lon {
        s.lo = &line[s.start..];
    }
    (s.field + 1, s.la, s.lo)
}

/// Where `split_line` has got to.
struct Splitter<'a> {
    line: &'a str,
    lat: usize,
    lon: usize,
    last: usize,
    field: usize,
    start: usize,
    la: &'a str,
    lo: &'a str,
}

impl<'a> Splitter<'a> {
    /// A delimiter at byte `k` ends field `self.field`.
    #[inline(always)]
    fn delimiter_at(&mut self, k: usize) {
        if self.field <= self.last {
            if self.field == self.lat {
                self.la = &self.line[self.start..k];
            }
            if self.field == self.lon {
                self.lo = &self.line[self.start..k];
            }
        }
        self.field += 1;
        self.start = k + 1;
    }
}

/// `raw` with each byte that is not part of a UTF-8 character replaced by
/// `?` (so the text has the same length and the same offsets).
fn stand_in(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    out
}

/// The (column, reason) of a record that is not UTF-8 in field `field`.
fn utf8_column(schema: &Schema, field: usize) -> (String, String) {
    let col = schema
        .columns
        .get(field)
        .cloned()
        .unwrap_or_else(|| format!("field {}", field + 1));
    (col, "not valid UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Dialect;
    use proptest::prelude::*;

    /// Every record as the csv crate reads the whole text at once, with
    /// the line its first character is on (counting `\n`; the csv crate's
    /// own line number is one short after a `\r\n`); a record that is not
    /// UTF-8 as the one field `not UTF-8 in field K`.
    fn oracle(text: &[u8]) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text);
        let header = r
            .headers()
            .unwrap()
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let rows = r
            .byte_records()
            .map(|rec| {
                let rec = rec.unwrap();
                let mut at = rec.position().unwrap().byte() as usize;
                while matches!(text.get(at), Some(b'\r' | b'\n')) {
                    at += 1;
                }
                let line = 1 + text[..at].iter().filter(|&&b| b == b'\n').count() as u64;
                let fields = match csv::StringRecord::from_byte_record(rec) {
                    Ok(rec) => rec.iter().map(String::from).collect(),
                    Err(e) => vec![format!("not UTF-8 in field {}", e.utf8_error().field())],
                };
                (line, fields)
            })
            .collect();
        (header, rows)
    }

    /// The same, read in batches of `batch` bytes and parsed batch by batch.
    fn batched(text: &[u8], batch: usize) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
        let input: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(text.to_vec()));
        let (mut rows, columns, _) = CsvRows::from_reader(input, "t", b',', batch).unwrap();
        let schema = Schema {
            columns: columns.clone(),
            dialect: Dialect::Plain,
            lat: 0,
            lon: 0,
            date: None,
            precision: None,
            fatalities: None,
            synthetic_coords: false,
            header_line: None,
            delimiter: b',',
        };
        let mut out = Vec::new();
        while let Some(r) = rows.next(&schema) {
            let (line, fields, coord) = r.unwrap();
            let fields = match coord {
                // The rest of the file read into one open quoted field:
                // rejected, with the bytes as they came; read them as the
                // csv crate reads that last record.
                Err((_, reason)) if reason.starts_with("unterminated quote") => {
                    let raw = fields.raw().unwrap().to_vec();
                    let mut r = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .flexible(true)
                        .from_reader(raw.as_slice());
                    let rec = r.byte_records().next().unwrap().unwrap();
                    match csv::StringRecord::from_byte_record(rec) {
                        Ok(rec) => rec.iter().map(String::from).collect(),
                        Err(e) => vec![format!("not UTF-8 in field {}", e.utf8_error().field())],
                    }
                }
                Err((column, reason)) if reason == "not valid UTF-8" => {
                    let k = match columns.iter().position(|c| *c == column) {
                        Some(k) => k,
                        None => column["field ".len()..].parse::<usize>().unwrap() - 1,
                    };
                    vec![format!("not UTF-8 in field {k}")]
                }
                _ => (0..fields.len())
                    .map(|i| fields.text(i).into_owned())
                    .collect(),
            };
            out.push((line, fields));
        }
        (columns, out)
    }

    #[test]
    fn quoted_newlines_and_crlf_across_batches() {
        let text = "\u{feff}id,lat,lon,note\r\n1,30,70,plain\r\n\r\n2,31,71,\"two\nlines, \"\"q\"\"\"\r\n3,32,72,\"\"\n4,33,73,x\"y\n5,34,74,\"a\"b\n6,35,75,last";
        for batch in 1..40 {
            assert_eq!(
                batched(text.as_bytes(), batch),
                oracle(text.as_bytes()),
                "batch {batch}"
            );
        }
    }

    proptest! {
        /// Any text of CSV's special characters (and bytes that are not
        /// UTF-8) reads the same in batches of any size as in one piece.
        #[test]
        fn batches_read_like_one_piece(
            body in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"a"[..], b"7", b",", b"\"", b"\n", b"\r", b"\r\n", b" ",
                    "é".as_bytes(), b"\"\"", b"\xff",
                ]),
                0..120,
            ),
            batch in 1usize..64,
        ) {
            let text = [&b"h1,h2\n"[..], &body.concat()].concat();
            prop_assert_eq!(batched(&text, batch), oracle(&text));
        }

        /// Splitting a line in one pass gives the fields `str::split` does.
        #[test]
        fn split_line_agrees_with_split(
            line in "[a1, ]{0,80}",
            lat in 0usize..8,
            lon in 0usize..8,
        ) {
            let fields: Vec<&str> = line.split(',').collect();
            let field = |i: usize| fields.get(i).copied().unwrap_or("");
            prop_assert_eq!(split_line(&line, b',', lat, lon), (fields.len(), field(lat), field(lon)));
        }
    }
}
