//! The streaming loop shared by the point commands: read a chunk of rows,
//! answer each readable row on every core, write the answers in input order,
//! and account for every row (rows in = rows out + rows filtered + rows
//! rejected).

use crate::error::{Error, Result};
use crate::ingest::{PointSource, Record, Reject, Row};
use crate::output::{Block, Cell, Formatter, RowWriter};
use geo::Coord;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;

/// Rows per chunk: large enough to keep every core busy, small enough to
/// stream (memory does not grow with the input).
pub const CHUNK_ROWS: usize = 1 << 15;

/// Bytes of input handed to the cores at a time.
const CHUNK_BYTES: usize = 1 << 21;

/// What happened to the rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    /// Rows read (header excluded).
    pub rows_in: u64,
    /// Rows written to the output.
    pub rows_out: u64,
    /// Readable rows left out on purpose (e.g. beyond `--within`).
    pub filtered: u64,
    /// Unreadable rows (with `--skip-invalid`), by reason.
    pub rejected: u64,
    /// Reasons for rejection, counted.
    pub reject_reasons: BTreeMap<String, u64>,
    /// Readable rows far outside the region that would fall in Pakistan
    /// with latitude and longitude swapped.
    pub swap_suspects: u64,
}

impl Stats {
    /// A warning when many points look like swapped coordinates.
    pub fn swap_warning(&self) -> Option<String> {
        let readable = self.rows_in - self.rejected;
        (self.swap_suspects > 0 && self.swap_suspects * 20 >= readable).then(|| {
            format!(
                "warning: {} of {} points lie far outside the region but would fall in Pakistan with latitude and longitude swapped; check the coordinate columns (--lat/--lon)",
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
pub fn swap_suspect(c: Coord) -> bool {
    !inside(REGION_BOX, c.x, c.y) && inside(PAK_BOX, c.y, c.x)
}

/// Where rejected rows go.
pub struct Rejects<W: Write> {
    writer: csv::Writer<W>,
    columns: usize,
}

impl<W: Write> Rejects<W> {
    /// A CSV of rejected rows: `line`, `column`, `reason`, then the row's own
    /// columns.
    pub fn new(out: W, columns: &[String]) -> Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        let mut header = vec!["line".to_string(), "column".into(), "reason".into()];
        header.extend(columns.iter().cloned());
        writer
            .write_record(&header)
            .map_err(|e| Error::io("rejects", e.into()))?;
        Ok(Rejects {
            writer,
            columns: columns.len(),
        })
    }

    /// Write one rejected row.
    pub fn write(&mut self, r: &Reject) -> Result<()> {
        let mut rec = vec![r.line.to_string(), r.column.clone(), r.reason.clone()];
        // The row's fields, as many as the header has (a short row padded,
        // as the reader saw it).
        rec.extend((0..self.columns).map(|i| r.fields.text(i).into_owned()));
        self.writer
            .write_record(&rec)
            .map_err(|e| Error::io("rejects", e.into()))
    }

    /// Flush the file.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(|e| Error::io("rejects", e))
    }
}

/// Run `answer` over every readable row of `source` and write the row's
/// values and the cells `answer` pushed for every row it keeps (returns
/// true for), in input order. `progress` is called after each chunk with
/// the bytes read so far.
pub fn run<'a, W, R, F>(
    source: &mut PointSource,
    out: &mut RowWriter<W>,
    mut rejects: Option<&mut Rejects<R>>,
    answer: F,
    mut progress: impl FnMut(u64),
) -> Result<Stats>
where
    W: Write + Send,
    R: Write + Send,
    F: Fn(&Record, &mut Vec<Cell<'a>>) -> bool + Sync,
{
    let mut stats = Stats::default();
    let parser = source.parser();
    // Three stages: a reader thread reads the next pieces of input, this
    // thread has every core parse, answer and format one piece each (so a
    // row lives and dies on one core), and a writer thread writes the
    // pieces before.
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            loop {
                let r = source
                    .next_pieces(CHUNK_BYTES)
                    .map(|p| (p, source.position_bytes()));
                let stop = !matches!(&r, Ok((p, _)) if !p.is_empty());
                if tx.send(r).is_err() || stop {
                    break;
                }
            }
        });
        let (format, columns) = (out.format(), out.columns().to_vec());
        let fmt = Formatter::new(format, &columns);
        let (wtx, wrx) = std::sync::mpsc::sync_channel::<(Vec<Block>, Vec<Reject>)>(1);
        let writer = scope.spawn(move || -> Result<()> {
            for (blocks, rejected) in wrx {
                for block in &blocks {
                    out.write_block(block).map_err(|e| Error::io("output", e))?;
                }
                if let Some(rj) = rejects.as_deref_mut() {
                    for r in &rejected {
                        rj.write(r)?;
                    }
                }
            }
            Ok(())
        });
        for received in rx {
            let (pieces, pos) = received?;
            if pieces.is_empty() {
                break;
            }
            let tasks: Vec<Result<Task>> = pieces
                .into_par_iter()
                .map(|piece| {
                    let mut t = Task::default();
                    let mut cells = Vec::new();
                    parser.for_each(piece, |row| {
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
                    Ok(t)
                })
                .collect();
            let mut blocks = Vec::with_capacity(tasks.len());
            let mut rejected = Vec::new();
            for t in tasks {
                let t = t?;
                stats.rows_in += t.rows_in;
                stats.rows_out += t.block.rows();
                stats.filtered += t.filtered;
                stats.swap_suspects += t.swapped;
                for r in &t.rejected {
                    stats.rejected += 1;
                    *stats
                        .reject_reasons
                        .entry(reason_kind(&r.reason))
                        .or_default() += 1;
                }
                blocks.push(t.block);
                rejected.extend(t.rejected);
            }
            if wtx.send((blocks, rejected)).is_err() {
                break; // the writer stopped: its error is reported below
            }
            progress(pos);
        }
        drop(wtx);
        writer.join().expect("the writer thread panicked")
    })?;
    Ok(stats)
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

/// The kind of a rejection reason, without the offending value, for counting.
fn reason_kind(reason: &str) -> String {
    match reason.find(':') {
        Some(i) => reason[..i].to_string(),
        None => reason
            .split(' ')
            .take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
            .collect::<Vec<_>>()
            .join(" "),
    }
}
