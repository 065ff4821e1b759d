//! The points the server was given, read once at start-up and kept in
//! memory: the rows as read, each point's figures (value, date,
//! precision) and district found by the library's summary engine, the
//! codes of its text columns, and the order the tiles walk them in.

use super::tileindex::TileIndex;
use frontier::ingest::{Batch, Cell, PointSource};
use frontier::row::{CHUNK_ROWS, Reject, Schema};
use frontier::summary::{self, Account, Figures, Grouping, Tallier};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Most distinct values a text column may have to be offered as a filter
/// or a colour.
pub const MAX_CATEGORIES: usize = 2000;
/// Most text columns kept as categories.
const MAX_CATEGORY_COLUMNS: usize = 12;

/// A text column's values as codes.
pub struct Categories {
    /// Its name.
    pub name: String,
    /// Distinct values, most frequent first (`(empty)` for empty cells).
    pub labels: Vec<String>,
    /// Points per value.
    pub counts: Vec<u64>,
    /// Each point's value.
    pub codes: Vec<u16>,
}

/// One point file (or the built-in demo data).
pub struct Dataset {
    /// Its number in the API (`/api/datasets/{id}`).
    pub id: usize,
    /// What the page calls it.
    pub name: String,
    /// The file read (or what the demo data is).
    pub origin: String,
    /// Synthetic data (labelled so on the page and in exports).
    pub synthetic: bool,
    /// The columns and their roles.
    pub schema: Schema,
    /// The rows as read, by batch.
    batches: Vec<Batch>,
    /// Each point's batch and row in it.
    row_at: Vec<(u32, u32)>,
    /// Each point's figures, in input order.
    pub figures: Vec<Figures>,
    /// Each point's district (index into the districts layer), as the
    /// summaries place it.
    pub district: Vec<Option<u16>>,
    /// Each point's province, likewise (made on first use).
    province: OnceLock<Vec<Option<u16>>>,
    /// The value column summed and sizing the points.
    pub value: Option<String>,
    /// Text columns as codes.
    pub categories: Vec<Categories>,
    /// Where every row went when reading.
    pub account: Account,
    /// First and last date.
    pub dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The points in tile order.
    pub tiles: TileIndex,
    /// Each point's geodesic distance to the Durand Line, metres (made on
    /// first use).
    durand_m: OnceLock<Vec<f64>>,
}

fn text_of(b: &Batch, col: usize, i: usize) -> String {
    match b.cell(col, i) {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Cell::Missing => String::new(),
    }
}

impl Dataset {
    /// Read every row of `source`: figures with `value` summed (and the
    /// date, when the file has one), places, categories and tile order.
    pub fn read(
        id: usize,
        name: String,
        mut source: PointSource,
        value: Option<String>,
        synthetic: bool,
    ) -> Result<Dataset, frontier::Error> {
        let schema = source.schema().clone();
        let origin = source.origin().to_string();
        let value = value.or_else(|| schema.fatalities.map(|i| schema.columns[i].clone()));
        // Dates are read whenever the file has them (the page's time
        // filter), as `summarize --from/--to` reads them.
        let opts = summary::Options {
            value: value.clone(),
            window: frontier::window::Window::new(
                schema.date.map(|_| chrono::NaiveDate::MIN),
                None,
                None,
                None,
            )?,
            ..Default::default()
        };
        let mut batches = Vec::new();
        let mut figures = Vec::new();
        let mut row_at = Vec::new();
        let mut account = Account::default();
        while let Some(batch) = source.next_batch(CHUNK_ROWS)? {
            let (f, rejects) = summary::read_figures(&batch, &opts)?;
            let bad: std::collections::HashSet<u64> = rejects.iter().map(|r| r.line).collect();
            let b = batches.len() as u32;
            let reader_rejects = batch.rejects().len();
            for (i, line) in batch.lines().iter().enumerate() {
                if !bad.contains(line) {
                    row_at.push((b, i as u32));
                }
            }
            account.rows_in += (batch.len() + reader_rejects) as u64;
            account.rejected += rejects.len() as u64;
            account.rejects.extend(rejects);
            figures.extend(f);
            batches.push(batch);
        }
        debug_assert_eq!(figures.len(), row_at.len());
        account.counted = figures.len() as u64;
        let dates = figures
            .par_iter()
            .filter_map(|f| f.date)
            .fold(
                || None,
                |a: Option<(chrono::NaiveDate, chrono::NaiveDate)>, d| {
                    Some(a.map_or((d, d), |(x, y)| (x.min(d), y.max(d))))
                },
            )
            .reduce(
                || None,
                |a, b| match (a, b) {
                    (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
                    (x, None) | (None, x) => x,
                },
            );
        // The district of each point, by the summaries' own engine.
        let district = place(&figures, Grouping::Districts)?;
        let mut d = Dataset {
            id,
            name,
            origin,
            synthetic,
            schema,
            batches,
            row_at,
            figures,
            district,
            province: OnceLock::new(),
            value,
            categories: Vec::new(),
            account,
            dates,
            tiles: TileIndex::default(),
            durand_m: OnceLock::new(),
        };
        d.categories = d.find_categories();
        d.tiles = TileIndex::new(&d.figures);
        Ok(d)
    }

    /// Points kept.
    pub fn len(&self) -> usize {
        self.figures.len()
    }

    /// The batch and row of point `i`.
    fn row(&self, i: usize) -> (&Batch, usize) {
        let (b, r) = self.row_at[i];
        (&self.batches[b as usize], r as usize)
    }

    /// Point `i`'s cells as text, by column.
    pub fn row_text(&self, i: usize) -> Vec<(String, String)> {
        let (b, r) = self.row(i);
        self.schema
            .columns
            .iter()
            .enumerate()
            .map(|(c, name)| (name.clone(), text_of(b, c, r)))
            .collect()
    }

    /// The file line (or feature number) point `i` came from.
    pub fn line(&self, i: usize) -> u64 {
        let (b, r) = self.row(i);
        b.lines()[r]
    }

    /// Rows rejected when reading.
    pub fn rejects(&self) -> &[Reject] {
        &self.account.rejects
    }

    /// The text columns with few enough values to filter and colour by
    /// (judged on the first rows, then coded on every core).
    fn find_categories(&self) -> Vec<Categories> {
        let s = &self.schema;
        let skip = [Some(s.lat), Some(s.lon), s.date, s.precision];
        let sample = self.len().min(20_000);
        let candidates: Vec<usize> = (0..s.columns.len())
            .filter(|c| !skip.contains(&Some(*c)))
            .filter(|&c| {
                let mut seen = std::collections::HashSet::new();
                let mut numbers = 0;
                for i in 0..sample {
                    let (b, r) = self.row(i);
                    let t = text_of(b, c, r);
                    if t.parse::<f64>().is_ok() {
                        numbers += 1;
                    }
                    seen.insert(t);
                    if seen.len() > MAX_CATEGORIES / 4 {
                        return false;
                    }
                }
                seen.len() > 1 && numbers < sample
            })
            .take(MAX_CATEGORY_COLUMNS)
            .collect();
        candidates
            .into_par_iter()
            .filter_map(|c| self.code(c))
            .collect()
    }

    /// Column `c` as codes, or `None` with too many values. Cells are
    /// looked up as they were read (no copy unless the value is new).
    fn code(&self, c: usize) -> Option<Categories> {
        let mut index: HashMap<String, u16> = HashMap::new();
        let mut labels: Vec<String> = Vec::new();
        let mut codes = Vec::with_capacity(self.len());
        for i in 0..self.len() {
            let (b, r) = self.row(i);
            let cell = b.cell(c, r);
            let owned;
            let t = match &cell {
                Cell::Text(t) => t.trim(),
                _ => {
                    owned = text_of(b, c, r);
                    owned.as_str()
                }
            };
            let t = if t.is_empty() { "(empty)" } else { t };
            let k = match index.get(t) {
                Some(&k) => k,
                None => {
                    if labels.len() >= MAX_CATEGORIES {
                        return None;
                    }
                    let k = labels.len() as u16;
                    labels.push(t.to_string());
                    index.insert(t.to_string(), k);
                    k
                }
            };
            codes.push(k);
        }
        let mut counts = vec![0u64; labels.len()];
        for &k in &codes {
            counts[k as usize] += 1;
        }
        // Most frequent first (ties alphabetical), codes renumbered.
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(labels[a].cmp(&labels[b])));
        let mut rank = vec![0u16; labels.len()];
        for (r, &k) in order.iter().enumerate() {
            rank[k] = r as u16;
        }
        for k in &mut codes {
            *k = rank[*k as usize];
        }
        Some(Categories {
            name: self.schema.columns[c].clone(),
            labels: order.iter().map(|&k| labels[k].clone()).collect(),
            counts: order.iter().map(|&k| counts[k]).collect(),
            codes,
        })
    }

    /// Each point's group in `by` (districts or provinces).
    pub fn places(&self, by: Grouping) -> Result<&[Option<u16>], frontier::Error> {
        match by {
            Grouping::Provinces => {
                if let Some(p) = self.province.get() {
                    return Ok(p);
                }
                let p = place(&self.figures, by)?;
                Ok(self.province.get_or_init(|| p))
            }
            _ => Ok(&self.district),
        }
    }

    /// Each point's geodesic distance to the Durand Line in metres, as
    /// `frontier near --to durand-line` measures it (made on first use,
    /// on every core).
    pub fn durand_m(&self) -> &[f64] {
        self.durand_m.get_or_init(|| {
            let Ok(line) = frontier::Catalogue::shared("durand-line") else {
                return vec![f64::INFINITY; self.len()];
            };
            let index = frontier::query::DistanceIndex::new(line);
            self.figures
                .par_iter()
                .with_min_len(1024)
                .map(|f| {
                    // (The dataset's points were checked as they were
                    // read: the query refuses none of them.)
                    index
                        .nearest(f.at, None)
                        .ok()
                        .flatten()
                        .map_or(f64::INFINITY, |h| h.distance_m)
                })
                .collect()
        })
    }
}

/// The group of each point in `by`, by the summaries' own engine
/// ([`Tallier::place`]), on every core.
fn place(figures: &[Figures], by: Grouping) -> Result<Vec<Option<u16>>, frontier::Error> {
    let placer = Tallier::new(by, summary::Options::default())?;
    Ok(figures
        .par_iter()
        .with_min_len(1024)
        .map(|f| placer.place(f.at).0.map(|d| d as u16))
        .collect())
}
