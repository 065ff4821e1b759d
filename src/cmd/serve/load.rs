//! Reading a point file for the server, on every core: the library's
//! reader hands out batches of rows while the batches already read become,
//! each on its own, figures (the summaries' own [`summary::read_figures`]),
//! codes of the text columns and kept rows; the parts are then joined in
//! input order, so the result is the same as reading row by row. What a
//! column is (text to filter and colour by, numbers to size by) is judged
//! on the first rows.

use super::columns::{Categories, Coded, MAX_CATEGORIES};
use frontier::ingest::{Batch, Cell, PointSource};
use frontier::row::{CHUNK_ROWS, Reject, Schema};
use frontier::summary::{self, Account, Figures};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Rows judged to tell what the columns are.
const SAMPLE: usize = 20_000;
/// Most text columns kept as categories.
const MAX_CATEGORY_COLUMNS: usize = 12;
/// Batches read ahead of the ones being turned into parts.
const QUEUE: usize = 4;

/// A fast hash for short texts (FxHash's mixing): the cells of a text
/// column are looked up once per row.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by text, hashed with [`Fx`].
pub type TextMap<V> = HashMap<String, V, BuildHasherDefault<Fx>>;

/// A cell's text as the page shows it (trimmed; numbers and dates
/// written out).
pub fn text_of(b: &Batch, col: usize, i: usize) -> String {
    match b.cell(col, i) {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Cell::Missing => String::new(),
    }
}

/// Every cell of row `i` of `b`, in column order (a file's row split
/// once; columns a short row lacks are empty).
fn each_cell(b: &Batch, i: usize, ncols: usize, mut f: impl FnMut(usize, &str)) {
    match b.row(i).filter(|_| b.cells_are_rows()) {
        Some(fields) => {
            let mut next = 0;
            fields.each_text(|c, t| {
                if c < ncols {
                    f(c, t.trim());
                    next = c + 1;
                }
            });
            for c in next..ncols {
                f(c, "");
            }
        }
        None => {
            for c in 0..ncols {
                f(c, &text_of(b, c, i));
            }
        }
    }
}

/// What the first rows say the columns are.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// Text columns with few values (filtered and coloured by), at most
    /// [`MAX_CATEGORY_COLUMNS`].
    pub categories: Vec<usize>,
    /// Columns of numbers (points can be sized by them): every cell of
    /// the first rows empty or a number, and at least one a number.
    pub numbers: Vec<usize>,
}

impl Plan {
    /// Judge the columns of `schema` on the first [`SAMPLE`] rows of
    /// `batches`.
    fn judge(schema: &Schema, batches: &[Batch]) -> Plan {
        let ncols = schema.columns.len();
        let skip = [
            Some(schema.lat),
            Some(schema.lon),
            schema.date,
            schema.precision,
        ];
        let mut seen: Vec<HashSet<String>> = vec![HashSet::new(); ncols];
        let mut numbers = vec![0usize; ncols];
        let mut texts = vec![0usize; ncols];
        let mut rows = 0;
        'rows: for b in batches {
            for i in 0..b.len() {
                if rows == SAMPLE {
                    break 'rows;
                }
                rows += 1;
                each_cell(b, i, ncols, |c, t| {
                    if t.parse::<f64>().is_ok_and(f64::is_finite) {
                        numbers[c] += 1;
                    } else if !t.is_empty() {
                        texts[c] += 1;
                    }
                    if seen[c].len() <= MAX_CATEGORIES / 4 && !seen[c].contains(t) {
                        seen[c].insert(t.to_string());
                    }
                });
            }
        }
        let categories = (0..ncols)
            .filter(|c| !skip.contains(&Some(*c)))
            .filter(|&c| {
                let n = seen[c].len();
                n > 1 && n <= MAX_CATEGORIES / 4 && numbers[c] < rows
            })
            .take(MAX_CATEGORY_COLUMNS)
            .collect();
        let numbers = (0..ncols)
            .filter(|&c| c != schema.lat && c != schema.lon && Some(c) != schema.date)
            .filter(|&c| numbers[c] > 0 && texts[c] == 0)
            .collect();
        Plan {
            categories,
            numbers,
        }
    }
}

/// One batch's share of the dataset.
struct Part {
    batch: Batch,
    figures: Vec<Figures>,
    /// Rows rejected (the reader's and those whose figures cannot be read).
    rejects: Vec<Reject>,
    /// The rows kept (indexes into the batch).
    kept: Vec<u32>,
    /// Per planned category column: the batch's values and each kept
    /// row's code among them (`None`: too many values).
    codes: Vec<Option<Coded>>,
}

fn part(batch: Batch, opts: &summary::Options, plan: &Plan) -> Result<Part, frontier::Error> {
    let (figures, rejects) = summary::read_figures(&batch, opts)?;
    let kept: Vec<u32> = if rejects.is_empty() {
        (0..batch.len() as u32).collect()
    } else {
        let bad: HashSet<u64> = rejects.iter().map(|r| r.line).collect();
        (0..batch.len() as u32)
            .filter(|&i| !bad.contains(&batch.lines()[i as usize]))
            .collect()
    };
    debug_assert_eq!(kept.len(), figures.len());
    let ncols = batch.schema().columns.len();
    let mut slot = vec![usize::MAX; ncols];
    for (k, &c) in plan.categories.iter().enumerate() {
        slot[c] = k;
    }
    let n = plan.categories.len();
    let mut index: Vec<TextMap<u16>> = vec![TextMap::default(); n];
    let mut labels: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut codes: Vec<Vec<u16>> = vec![Vec::with_capacity(kept.len()); n];
    let mut over = vec![false; n];
    for &i in &kept {
        each_cell(&batch, i as usize, ncols, |c, t| {
            let k = slot[c];
            if k == usize::MAX || over[k] {
                return;
            }
            let t = if t.is_empty() { "(empty)" } else { t };
            let code = match index[k].get(t) {
                Some(&code) => code,
                None if labels[k].len() >= MAX_CATEGORIES => {
                    over[k] = true;
                    return;
                }
                None => {
                    let code = labels[k].len() as u16;
                    labels[k].push(t.to_string());
                    index[k].insert(t.to_string(), code);
                    code
                }
            };
            codes[k].push(code);
        });
    }
    let codes = labels
        .into_iter()
        .zip(codes)
        .zip(over)
        .map(|((labels, codes), over)| (!over).then_some(Coded { labels, codes }))
        .collect();
    Ok(Part {
        batch,
        figures,
        rejects,
        kept,
        codes,
    })
}

/// Everything read from one point file.
pub struct Read {
    /// The columns and their roles.
    pub schema: Schema,
    /// The rows as read, by batch.
    pub batches: Vec<Batch>,
    /// Where each point's row is.
    pub rows: RowIndex,
    /// Each point's figures, in input order.
    pub figures: Vec<Figures>,
    /// Where every row went.
    pub account: Account,
    /// What the columns are.
    pub plan: Plan,
    /// The text columns as codes.
    pub categories: Vec<Categories>,
}

/// Where each point's row is: the batches' first points, and the rows
/// kept of the batches that lost some (few: the others keep every row).
#[derive(Debug, Default)]
pub struct RowIndex {
    /// The number of each batch's first point.
    starts: Vec<u32>,
    /// The rows kept of each batch that lost some.
    kept: Vec<Option<Vec<u32>>>,
}

impl RowIndex {
    /// A batch of `len` rows whose `kept` rows are the points from `start`.
    fn add(&mut self, start: usize, len: usize, kept: Vec<u32>) {
        self.starts.push(start as u32);
        self.kept.push((kept.len() != len).then_some(kept));
    }

    /// The batch and row of point `i`.
    pub fn of(&self, i: usize) -> (usize, usize) {
        let b = self.starts.partition_point(|&s| s as usize <= i) - 1;
        let k = i - self.starts[b] as usize;
        let r = match &self.kept[b] {
            Some(kept) => kept[k] as usize,
            None => k,
        };
        (b, r)
    }
}

/// The parts joined in input order as they are made (each part's memory
/// given back as soon as it is joined), and the first error met.
struct Joiner {
    next: usize,
    waiting: std::collections::BTreeMap<usize, Result<Part, frontier::Error>>,
    error: Option<frontier::Error>,
    batches: Vec<Batch>,
    rows: RowIndex,
    figures: Vec<Figures>,
    account: Account,
    columns: Vec<Joining>,
}

impl Joiner {
    fn new(plan: &Plan) -> Joiner {
        Joiner {
            next: 0,
            waiting: Default::default(),
            error: None,
            batches: Vec::new(),
            rows: RowIndex::default(),
            figures: Vec::new(),
            account: Account::default(),
            columns: plan.categories.iter().map(|_| Joining::default()).collect(),
        }
    }

    /// Part `k` made (or its error); the parts now in order are joined.
    fn add(&mut self, k: usize, part: Result<Part, frontier::Error>) {
        self.waiting.insert(k, part);
        while let Some(p) = self.waiting.remove(&self.next) {
            self.next += 1;
            match p {
                Ok(p) if self.error.is_none() => self.join(p),
                Ok(_) => {}
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
    }

    fn join(&mut self, p: Part) {
        let a = &mut self.account;
        a.rows_in += (p.batch.len() + p.batch.rejects().len()) as u64;
        a.rejected += p.rejects.len() as u64;
        a.rejects.extend(p.rejects);
        self.figures.extend(p.figures);
        self.rows
            .add(self.figures.len() - p.kept.len(), p.batch.len(), p.kept);
        self.batches.push(p.batch);
        for (c, codes) in self.columns.iter_mut().zip(p.codes) {
            c.add(codes);
        }
    }
}

/// A text column's codes joined so far (values numbered as met).
#[derive(Default)]
struct Joining {
    index: TextMap<u16>,
    labels: Vec<String>,
    codes: Vec<u16>,
    /// More than [`MAX_CATEGORIES`] values: left out.
    over: bool,
}

impl Joining {
    fn add(&mut self, part: Option<Coded>) {
        if self.over {
            return;
        }
        let Some(part) = part else {
            self.over = true;
            self.codes = Vec::new();
            return;
        };
        let mut map = Vec::with_capacity(part.labels.len());
        for l in part.labels {
            let k = match self.index.get(l.as_str()) {
                Some(&k) => k,
                None if self.labels.len() >= MAX_CATEGORIES => {
                    self.over = true;
                    self.codes = Vec::new();
                    return;
                }
                None => {
                    let k = self.labels.len() as u16;
                    self.labels.push(l.clone());
                    self.index.insert(l, k);
                    k
                }
            };
            map.push(k);
        }
        self.codes
            .extend(part.codes.iter().map(|&k| map[k as usize]));
    }

    fn finish(self, name: String) -> Option<Categories> {
        (!self.over).then(|| Categories::new(name, self.labels, self.codes))
    }
}

/// Read every row of `source`, with `value` summed and the date read
/// when the file has one (as `summarize --value --from` reads them).
pub fn read(mut source: PointSource, value: Option<&str>) -> Result<Read, frontier::Error> {
    let schema = source.schema().clone();
    let origin = source.origin().to_string();
    let mut opts = summary::Options::default();
    opts.value = value.map(str::to_string);
    opts.window = frontier::window::Window::new(
        schema.date.map(|_| chrono::NaiveDate::MIN),
        None,
        None,
        None,
    )?;
    // The first rows, to judge the columns by (a reading error among
    // them is reported after any in the rows before it).
    let mut first = Vec::new();
    let mut early = None;
    let mut rows = 0;
    while rows < SAMPLE {
        match source.next_batch(CHUNK_ROWS) {
            Ok(Some(b)) => {
                rows += b.len();
                first.push(b);
            }
            Ok(None) => break,
            Err(e) => {
                early = Some(e);
                break;
            }
        }
    }
    let plan = Plan::judge(&schema, &first);
    // The rest is read on a thread of its own (parsing on every core)
    // while this one hands the batches read to the cores, each to be made
    // into a part and joined. (No core waits for the reader: a core
    // waiting would leave none for the reader's own parsing.)
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Batch)>(QUEUE);
    let joiner = std::sync::Mutex::new(Joiner::new(&plan));
    let failed = std::sync::atomic::AtomicBool::new(false);
    let read = std::thread::scope(|s| {
        let failed = &failed;
        let reader = s.spawn(move || -> Result<(), frontier::Error> {
            let mut k = 0;
            for b in first {
                if tx.send((k, b)).is_err() {
                    return Ok(());
                }
                k += 1;
            }
            if let Some(e) = early {
                return Err(e);
            }
            while !failed.load(std::sync::atomic::Ordering::Relaxed)
                && let Some(b) = source.next_batch(CHUNK_ROWS)?
            {
                if tx.send((k, b)).is_err() {
                    return Ok(());
                }
                k += 1;
            }
            Ok(())
        });
        rayon::in_place_scope(|cores| {
            for (k, b) in rx {
                let (joiner, opts, plan) = (&joiner, &opts, &plan);
                cores.spawn(move |_| {
                    let p = part(b, opts, plan);
                    if p.is_err() {
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    if let Ok(mut j) = joiner.lock() {
                        j.add(k, p);
                    }
                });
            }
        });
        reader.join().unwrap_or_else(|_| {
            Err(frontier::Error::Input {
                origin: origin.clone(),
                message: "the reading stopped unexpectedly".into(),
            })
        })
    });
    let j = joiner.into_inner().map_err(|_| frontier::Error::Input {
        origin: origin.clone(),
        message: "the reading stopped unexpectedly".into(),
    })?;
    // The first error in input order is the one reported (the reader's
    // comes after every batch it handed out).
    if let Some(e) = j.error {
        return Err(e);
    }
    read?;
    let mut account = j.account;
    account.counted = j.figures.len() as u64;
    let categories = plan
        .categories
        .par_iter()
        .zip(j.columns)
        .filter_map(|(&c, joined)| joined.finish(schema.columns[c].clone()))
        .collect();
    Ok(Read {
        schema,
        batches: j.batches,
        rows: j.rows,
        figures: j.figures,
        account,
        plan,
        categories,
    })
}

/// How long each step of start-up took, the processor time it used on
/// every core and the memory the process had used at most by its end
/// (printed with `--timings`).
#[derive(Debug, Default)]
pub struct Timings(pub Vec<Timing>);

/// One step of start-up.
#[derive(Debug)]
pub struct Timing {
    /// What was done.
    pub what: String,
    /// Seconds it took.
    pub wall: f64,
    /// Seconds of processor time (where the system tells it).
    pub cpu: Option<f64>,
    /// Most memory resident so far, bytes (likewise).
    pub peak: Option<u64>,
}

/// Processor time used by the process so far, seconds, and the most
/// memory it has had resident, bytes (where the system tells them:
/// Linux).
pub fn usage() -> (Option<f64>, Option<u64>) {
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // The fields after the command name (which is in parentheses).
            let rest = &stat[stat.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        });
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb = l.split_whitespace().nth(1)?.parse::<u64>().ok()?;
            Some(kb * 1024)
        });
    (cpu, peak)
}

impl Timings {
    /// Run `f`, noting how long it took as `what`.
    pub fn time<T>(&mut self, what: impl Into<String>, f: impl FnOnce() -> T) -> T {
        let (t, (c0, _)) = (std::time::Instant::now(), usage());
        let out = f();
        let (c1, peak) = usage();
        self.0.push(Timing {
            what: what.into(),
            wall: t.elapsed().as_secs_f64(),
            cpu: c1.zip(c0).map(|(b, a)| b - a),
            peak,
        });
        out
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {:.3} s", self.what, self.wall)?;
        if let Some(c) = self.cpu {
            write!(f, ", {c:.2} s of processor time")?;
        }
        if let Some(p) = self.peak {
            write!(f, ", at most {} MB resident so far", p / 1_000_000)?;
        }
        Ok(())
    }
}
