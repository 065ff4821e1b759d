//! The streaming loop shared by the point commands: read the input in
//! pieces, answer each readable row on every core, write the answers in
//! input order, and account for every row (rows in = rows out + rows
//! filtered + rows rejected).

use crate::error::{Error, Result};
use crate::ingest::{Piece, PointSource, RowParser};
use crate::output::{Block, Cell, Formatter, RowWriter};
use crate::row::{Dialect, Record, Reject, Row, Schema, csv_field};
use geo::Coord;
use std::collections::BTreeMap;
use std::io::Write;

pub use crate::row::CHUNK_ROWS;

/// What happened to the rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    /// Rows read (header excluded).
    pub rows_in: u64,
    /// Rows written to the output.
    pub rows_out: u64,
    /// Readable rows left out on purpose (e.g. beyond a search radius).
    pub filtered: u64,
    /// Unreadable rows (when invalid rows are skipped).
    pub rejected: u64,
    /// Reasons for rejection, counted.
    pub reject_reasons: BTreeMap<String, u64>,
    /// Readable rows far outside the region that would fall in Pakistan
    /// with latitude and longitude swapped.
    pub swap_suspects: u64,
}

impl Stats {
    /// A warning when many points look like swapped coordinates; `how`
    /// says how to name the columns (the command line gives its flags).
    pub fn swap_warning(&self, how: &str) -> Option<String> {
        let readable = self.rows_in - self.rejected;
        (self.swap_suspects > 0 && self.swap_suspects * 20 >= readable).then(|| {
            format!(
                "warning: {} of {} points lie far outside the region but would fall in Pakistan with latitude and longitude swapped; check the coordinate columns ({how})",
                self.swap_suspects, readable
            )
        })
    }

    /// A one-line account of the rows, e.g. for stderr.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} rows in, {} written, {} filtered out, {} rejected",
            self.rows_in, self.rows_out, self.filtered, self.rejected
        );
        if !self.reject_reasons.is_empty() {
            let reasons: Vec<String> = self
                .reject_reasons
                .iter()
                .map(|(r, n)| format!("{n} × {r}"))
                .collect();
            s.push_str(&format!(" ({})", reasons.join("; ")));
        }
        s
    }
}

/// Pakistan's bounding box, with a little margin, and the wider region's.
const PAK_BOX: ([f64; 2], [f64; 2]) = ([60.5, 23.5], [78.0, 37.2]);
const REGION_BOX: ([f64; 2], [f64; 2]) = ([44.0, 10.0], [98.0, 47.0]);

fn inside(b: ([f64; 2], [f64; 2]), x: f64, y: f64) -> bool {
    x >= b.0[0] && x <= b.1[0] && y >= b.0[1] && y <= b.1[1]
}

/// Whether a point far outside the region would land in Pakistan swapped.
pub(crate) fn swap_suspect(c: Coord) -> bool {
    !inside(REGION_BOX, c.x, c.y) && inside(PAK_BOX, c.y, c.x)
}

/// Where rejected rows go: a file in the input's own dialect, each
/// rejected record exactly as it came (bytes that are not UTF-8 and fields
/// beyond the header's count included) after its `line`, `column` and
/// `reason`. For GeoJSON input the record is the feature as JSON, in one
/// field named `feature`, after its 1-based `feature` number.
pub struct Rejects<W: Write> {
    out: W,
    delimiter: u8,
    geojson: bool,
}

impl<W: Write> Rejects<W> {
    /// Start the file: the header `line`, `column`, `reason`, then the
    /// input's header line as it came.
    pub fn new(mut out: W, schema: &Schema) -> Result<Self> {
        let geojson = schema.dialect == Dialect::GeoJson;
        let d = schema.delimiter as char;
        let head = if geojson {
            "feature,column,reason,geojson\n".to_string()
        } else {
            // Parquet rows are numbered; CSV rows are known by their line.
            let at = if schema.dialect.numbers_rows() {
                "row"
            } else {
                "line"
            };
            format!(
                "{at}{d}column{d}reason{d}{}\n",
                schema.header_line.as_deref().unwrap_or_default()
            )
        };
        out.write_all(head.as_bytes())
            .map_err(|e| Error::io("", e))?;
        Ok(Rejects {
            out,
            delimiter: schema.delimiter,
            geojson,
        })
    }

    /// Write one rejected row.
    pub fn write(&mut self, r: &Reject) -> Result<()> {
        let d = self.delimiter;
        let mut rec = Vec::with_capacity(128);
        rec.extend_from_slice(r.line.to_string().as_bytes());
        for f in [&r.column, &r.reason] {
            rec.push(d);
            csv_field(&mut rec, f.as_bytes(), d);
        }
        rec.push(d);
        match r.fields.raw() {
            Some(raw) if !self.geojson => rec.extend_from_slice(raw),
            Some(raw) => csv_field(&mut rec, raw, d),
            // A record known only by its values: written as CSV.
            None => {
                for i in 0..r.fields.len() {
                    if i > 0 {
                        rec.push(d);
                    }
                    csv_field(&mut rec, r.fields.text(i).as_bytes(), d);
                }
            }
        }
        rec.push(b'\n');
        self.out.write_all(&rec).map_err(|e| Error::io("", e))
    }

    /// Flush, and hand back the output.
    pub fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(|e| Error::io("", e))?;
        Ok(self.out)
    }
}

/// Run `answer` over every readable row of `source` and write the row's
/// values and the cells `answer` pushed for every row it keeps (returns
/// true for), in input order. `progress` is called after each piece with
/// the bytes read so far.
///
/// A reader thread hands out pieces of input, numbered; one worker per
/// core takes the next piece, parses, answers and formats it (so a row
/// lives and dies on one core); this thread writes the pieces in order.
/// At most a few pieces per core are in flight, so memory does not grow
/// with the input.
pub fn run<'a, W, R, F>(
    source: &mut PointSource,
    out: &mut RowWriter<W>,
    mut rejects: Option<&mut Rejects<R>>,
    answer: F,
    mut progress: impl FnMut(u64),
) -> Result<Stats>
where
    W: Write + Send,
    R: Write,
    F: Fn(&Record, &mut Vec<Cell<'a>>) -> bool + Sync,
{
    use std::sync::mpsc::sync_channel;
    let mut stats = Stats::default();
    let parser = source.parser();
    let columns = out.columns().to_vec();
    let fmt = Formatter::new(out.format(), &columns);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Buffers done with go back to where they are filled (input batches to
    // the reader, output blocks to the workers), so a long run keeps using
    // the same memory instead of touching fresh pages.
    let (spare_input, spare_output) = (Spare::default(), Spare::default());
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = sync_channel(workers);
        let spare = &spare_input;
        scope.spawn(move || {
            for seq in 0u64.. {
                if let Some(buf) = spare.take() {
                    source.reuse(buf);
                }
                let Some(piece) = source.next_piece().transpose() else {
                    break;
                };
                let failed = piece.is_err();
                if tx.send((seq, piece, source.position_bytes())).is_err() || failed {
                    break;
                }
            }
        });
        // The workers share the receiving end; when they have all stopped
        // it is dropped, which stops the reader.
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let (done_tx, done_rx) = sync_channel(2 * workers);
        for _ in 0..workers {
            let (rx, done_tx) = (rx.clone(), done_tx.clone());
            let (parser, fmt, answer) = (&parser, &fmt, &answer);
            let spares = (&spare_input, &spare_output);
            scope.spawn(move || {
                loop {
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((seq, piece, pos)) = next else {
                        break;
                    };
                    let task = piece.and_then(|p| work(parser, fmt, answer, p, spares));
                    if done_tx.send((seq, task, pos)).is_err() {
                        break; // this thread stopped: its error is returned
                    }
                }
            });
        }
        drop((rx, done_tx));
        let mut waiting = BTreeMap::new();
        let mut next = 0u64;
        for (seq, task, pos) in done_rx {
            waiting.insert(seq, (task, pos));
            while let Some((task, pos)) = waiting.remove(&next) {
                next += 1;
                let t: Task = task?;
                stats.rows_in += t.rows_in;
                stats.rows_out += t.block.rows();
                stats.filtered += t.filtered;
                stats.swap_suspects += t.swapped;
                out.write_block(&t.block).map_err(|e| Error::io("", e))?;
                spare_output.give(t.block.into_buffer());
                for r in &t.rejected {
                    stats.rejected += 1;
                    *stats
                        .reject_reasons
                        .entry(reason_kind(&r.reason))
                        .or_default() += 1;
                    if let Some(rj) = rejects.as_deref_mut() {
                        rj.write(r)?;
                    }
                }
                progress(pos);
            }
        }
        Ok(())
    })?;
    Ok(stats)
}

/// Parse, answer and format one piece; hand its input buffer back to
/// `spares.0`, take the output buffer from `spares.1`.
fn work<'a, F>(
    parser: &RowParser,
    fmt: &Formatter,
    answer: &F,
    piece: Piece,
    spares: (&Spare, &Spare),
) -> Result<Task>
where
    F: Fn(&Record, &mut Vec<Cell<'a>>) -> bool,
{
    // Room for the rows as read and a half more for the added columns.
    let room = piece.csv_bytes() * 3 / 2;
    let mut t = Task {
        block: Block::with_buffer(spares.1.take().unwrap_or_default(), room),
        ..Task::default()
    };
    let mut cells = Vec::new();
    let input = parser.for_each(piece, |row| {
        t.rows_in += 1;
        match row {
            Row::Record(r) => {
                if swap_suspect(r.coord) {
                    t.swapped += 1;
                }
                cells.clear();
                if answer(&r, &mut cells) {
                    fmt.row(&mut t.block, &r.fields, &cells, r.coord);
                } else {
                    t.filtered += 1;
                }
            }
            Row::Reject(r) => t.rejected.push(r),
        }
    })?;
    if let Some(buf) = input {
        spares.0.give(buf);
    }
    Ok(t)
}

/// Byte buffers done with, kept for reuse by another thread.
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// Keep at most this many.
    const MAX: usize = 16;

    fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn give(&self, buf: Vec<u8>) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < Self::MAX {
            kept.push(buf);
        }
    }
}

/// What one core made of one piece of input.
#[derive(Default)]
struct Task {
    rows_in: u64,
    block: Block,
    rejected: Vec<Reject>,
    filtered: u64,
    swapped: u64,
}

/// The kind of a rejection reason, without the offending value, for
/// counting: the part before a colon (`latitude is not a number`), or the
/// reason with its numbers left out (`has 5 fields, the header has 3` →
/// `wrong number of fields`).
fn reason_kind(reason: &str) -> String {
    if let Some(i) = reason.find(':') {
        return reason[..i].to_string();
    }
    if reason.starts_with("has ") && reason.contains("field") {
        return "wrong number of fields".into();
    }
    reason
        .split(' ')
        .filter(|w| w.parse::<f64>().is_err())
        .collect::<Vec<_>>()
        .join(" ")
}
