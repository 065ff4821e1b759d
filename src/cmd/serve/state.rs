//! The points the server was given, read once at start-up and kept in
//! memory: the rows as read, each point's figures (value, date,
//! precision), the codes of its text columns, the order the tiles walk
//! them in, and (made on first use, or in the background once the server
//! answers) each point's district and province found by the library's
//! summary engine.

use super::columns::{Categories, Numbers, Size, number};
use super::load::{self, Timings};
use super::query::ApiError;
use super::tileindex::TileIndex;
use frontier::ingest::{Batch, Cell, PointSource};
use frontier::row::{Reject, Schema};
use frontier::summary::{self, Account, Figures, Grouping, Tallier};
use rayon::prelude::*;
use std::sync::OnceLock;

/// Each point's group (index into the layer), or why there is none.
type Places = OnceLock<Result<Vec<Option<u16>>, String>>;

/// One point file (or the built-in demo data).
pub struct Dataset {
    /// Its number in the API (`ds=`).
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
    /// Where each point's row is.
    rows: load::RowIndex,
    /// Each point's figures, in input order.
    pub figures: Vec<Figures>,
    /// Each point's district, as the summaries place it.
    district: Places,
    /// Each point's province, likewise.
    province: Places,
    /// The value column summed (and sizing the points by default).
    pub value: Option<String>,
    /// Text columns as codes.
    pub categories: Vec<Categories>,
    /// Columns of numbers to size points by (schema column), each read on
    /// first use.
    numbers: Vec<(usize, OnceLock<Numbers>)>,
    /// Where every row went when reading.
    pub account: Account,
    /// First and last date.
    pub dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// West, south, east, north of the points (degrees).
    pub bbox: Option<[f64; 4]>,
    /// The points in tile order.
    pub tiles: TileIndex,
    /// Each point's geodesic distance to the Durand Line, metres (made on
    /// first use).
    durand_m: OnceLock<Vec<f64>>,
}

impl Dataset {
    /// Read every row of `source`: figures with `value` summed (and the
    /// date, when the file has one), categories and tile order.
    pub fn read(
        id: usize,
        name: String,
        source: PointSource,
        value: Option<String>,
        synthetic: bool,
        timings: &mut Timings,
    ) -> Result<Dataset, frontier::Error> {
        let origin = source.origin().to_string();
        let value = value.or_else(|| {
            let s = source.schema();
            s.fatalities.map(|i| s.columns[i].clone())
        });
        let r = timings.time(format!("{origin}: reading"), || {
            load::read(source, value.as_deref())
        })?;
        let (dates, bbox) =
            timings.time(format!("{origin}: dates and extent"), || extent(&r.figures));
        let tiles = timings.time(format!("{origin}: tile order"), || {
            TileIndex::new(&r.figures)
        });
        Ok(Dataset {
            id,
            name,
            origin,
            synthetic,
            numbers: number_columns(&r.schema, &r.plan.numbers, value.as_deref()),
            schema: r.schema,
            batches: r.batches,
            rows: r.rows,
            figures: r.figures,
            district: OnceLock::new(),
            province: OnceLock::new(),
            value,
            categories: r.categories,
            account: r.account,
            dates,
            bbox,
            tiles,
            durand_m: OnceLock::new(),
        })
    }

    /// Points kept.
    pub fn len(&self) -> usize {
        self.figures.len()
    }

    /// The batch and row of point `i`.
    fn row(&self, i: usize) -> (&Batch, usize) {
        let (b, r) = self.rows.of(i);
        (&self.batches[b], r)
    }

    /// Point `i`'s cells as text, by column.
    pub fn row_text(&self, i: usize) -> Vec<(String, String)> {
        let (b, r) = self.row(i);
        self.schema
            .columns
            .iter()
            .enumerate()
            .map(|(c, name)| (name.clone(), load::text_of(b, c, r)))
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

    /// Each point's group in `by` (districts or provinces), found by
    /// the summaries' own engine on first use.
    pub fn places(&self, by: Grouping) -> Result<&[Option<u16>], ApiError> {
        let cell = match by {
            Grouping::Provinces => &self.province,
            _ => &self.district,
        };
        cell.get_or_init(|| place(&self.figures, by).map_err(|e| e.to_string()))
            .as_deref()
            .map_err(|e| ApiError::bad(e.clone()))
    }

    /// The work that start-up leaves for later, done now (in the
    /// background once the server answers): each point's district.
    pub fn prepare(&self) {
        let _ = self.places(Grouping::Districts);
    }

    /// The columns of numbers points can be sized by.
    pub fn number_columns(&self) -> impl Iterator<Item = &str> {
        self.numbers
            .iter()
            .map(|(c, _)| self.schema.columns[*c].as_str())
    }

    /// Column `name`'s numbers (read on first use, on every core; the
    /// value column's are the figures' values), if it is a column of
    /// numbers.
    pub fn numbers(&self, name: &str) -> Option<&Numbers> {
        let (c, cell) = self
            .numbers
            .iter()
            .find(|(c, _)| self.schema.columns[*c] == name)?;
        Some(cell.get_or_init(|| {
            if self.value.as_deref() == Some(name) {
                return Numbers::kept_elsewhere(
                    name.to_string(),
                    self.figures.iter().map(|f| f.value),
                );
            }
            let values = (0..self.len())
                .into_par_iter()
                .with_min_len(4096)
                .map(|i| {
                    let (b, r) = self.row(i);
                    match b.cell(*c, r) {
                        Cell::Text(t) => number(&t),
                        Cell::Number(Some(v)) => v as f32,
                        _ => f32::NAN,
                    }
                })
                .collect();
            Numbers::new(name.to_string(), values)
        }))
    }

    /// The text column `name` (`color=`) colours the points by: its index
    /// among the categories; none when not given or empty.
    pub fn color_by(&self, name: Option<&str>) -> Result<Option<usize>, ApiError> {
        match name {
            None | Some("") => Ok(None),
            Some(c) => self
                .categories
                .iter()
                .position(|x| x.name == c)
                .map(Some)
                .ok_or_else(|| {
                    let names: Vec<&str> =
                        self.categories.iter().map(|c| c.name.as_str()).collect();
                    ApiError::bad(format!(
                        "color={c:?}: {} has no text column by that name to colour by (these: {})",
                        self.name,
                        names.join(", ")
                    ))
                }),
        }
    }

    /// The numbers the points are sized by (`size_by=`): when not given,
    /// the value column's (if any); none when empty; else the column of
    /// numbers named.
    pub fn size_by(&self, name: Option<&str>) -> Result<Option<Size<'_>>, ApiError> {
        let name = match (name, &self.value) {
            (None, None) | (Some(""), _) => return Ok(None),
            (None, Some(v)) => v.as_str(),
            (Some(n), _) => n,
        };
        let n = self.number_column("size_by", name)?;
        Ok(Some(
            if n.values.is_empty() && self.value.as_deref() == Some(n.name.as_str()) {
                Size::Value(n)
            } else {
                Size::Column(n)
            },
        ))
    }

    /// Point `i`'s size number (`NaN` without one).
    pub fn size_of(&self, size: Size, i: usize) -> f64 {
        match size {
            Size::Value(_) => self.figures[i].value,
            Size::Column(n) => f64::from(n.values[i]),
        }
    }

    /// The column of numbers `name`, asked for as `param`.
    pub fn number_column(&self, param: &str, name: &str) -> Result<&Numbers, ApiError> {
        self.numbers(name).ok_or_else(|| {
            let names: Vec<&str> = self.number_columns().collect();
            ApiError::bad(format!(
                "{param}={name:?}: {} has no column of numbers by that name to size points by (these: {})",
                self.name,
                names.join(", ")
            ))
        })
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

/// The columns of numbers to size by (the value column among them), each
/// read on first use.
fn number_columns(
    schema: &Schema,
    numbers: &[usize],
    value: Option<&str>,
) -> Vec<(usize, OnceLock<Numbers>)> {
    let mut cols = numbers.to_vec();
    if let Some(v) = value.and_then(|v| schema.find(v))
        && !cols.contains(&v)
    {
        cols.push(v);
        cols.sort_unstable();
    }
    cols.into_iter().map(|c| (c, OnceLock::new())).collect()
}

/// The first and last dates and the extent of the points.
type Extent = (
    Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    Option<[f64; 4]>,
);

fn extent(figures: &[Figures]) -> Extent {
    figures
        .par_iter()
        .fold(
            || (None, None),
            |(d, b): Extent, f| {
                let d = match f.date {
                    Some(x) => Some(d.map_or((x, x), |(a, b)| (x.min(a), x.max(b)))),
                    None => d,
                };
                let (x, y) = (f.at.x, f.at.y);
                let b = Some(b.map_or([x, y, x, y], |b: [f64; 4]| {
                    [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
                }));
                (d, b)
            },
        )
        .reduce(
            || (None, None),
            |(d1, b1), (d2, b2)| {
                let d = match (d1, d2) {
                    (Some((a, b)), Some((c, e))) => Some((a.min(c), b.max(e))),
                    (x, None) | (None, x) => x,
                };
                let b = match (b1, b2) {
                    (Some(p), Some(q)) => Some([
                        p[0].min(q[0]),
                        p[1].min(q[1]),
                        p[2].max(q[2]),
                        p[3].max(q[3]),
                    ]),
                    (x, None) | (None, x) => x,
                };
                (d, b)
            },
        )
}
