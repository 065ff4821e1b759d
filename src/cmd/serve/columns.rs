//! A dataset's columns as the page uses them: text columns with few
//! values as codes (to filter and colour by), and columns of numbers (to
//! size points by), read on first use.

use rayon::prelude::*;

/// Most distinct values a text column may have to be offered as a filter
/// or a colour.
pub const MAX_CATEGORIES: usize = 2000;

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

/// One batch's values of a text column and each row's code among them.
#[derive(Clone)]
pub struct Coded {
    /// The batch's distinct values, in the order met.
    pub labels: Vec<String>,
    /// Each kept row's value.
    pub codes: Vec<u16>,
}

impl Categories {
    /// Column `name` whose points have the values `labels[codes[i]]`:
    /// the values ordered most frequent first (ties alphabetical) and
    /// the codes renumbered to match.
    pub fn new(name: String, labels: Vec<String>, mut codes: Vec<u16>) -> Categories {
        let mut counts = vec![0u64; labels.len()];
        for &k in &codes {
            counts[k as usize] += 1;
        }
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(labels[a].cmp(&labels[b])));
        let mut rank = vec![0u16; labels.len()];
        for (r, &k) in order.iter().enumerate() {
            rank[k] = r as u16;
        }
        codes
            .par_iter_mut()
            .with_min_len(1 << 16)
            .for_each(|k| *k = rank[*k as usize]);
        Categories {
            name,
            labels: order.iter().map(|&k| labels[k].clone()).collect(),
            counts: order.iter().map(|&k| counts[k]).collect(),
            codes,
        }
    }
}

/// A column of numbers, read for sizing points.
pub struct Numbers {
    /// Its name.
    pub name: String,
    /// Each point's number (`NaN` where the cell is empty or not a
    /// number); single precision, for drawing. Empty for the value
    /// column, whose numbers are the figures' (and the tile index's).
    pub values: Vec<f32>,
    /// The smallest and largest numbers (none without any).
    pub range: Option<(f64, f64)>,
    /// Points whose cell is empty or not a number (drawn at the smallest
    /// size).
    pub missing: u64,
}

impl Numbers {
    /// Column `name` from each point's number.
    pub fn new(name: String, values: Vec<f32>) -> Numbers {
        let (range, missing) = range(values.iter().map(|&v| f64::from(v)));
        Numbers {
            name,
            values,
            range,
            missing,
        }
    }

    /// The value column `name`, whose numbers are kept elsewhere: only
    /// its range and what is missing.
    pub fn kept_elsewhere(name: String, values: impl Iterator<Item = f64>) -> Numbers {
        let (range, missing) = range(values);
        Numbers {
            name,
            values: Vec::new(),
            range,
            missing,
        }
    }
}

/// The smallest and largest finite numbers, and how many are not.
fn range(values: impl Iterator<Item = f64>) -> (Option<(f64, f64)>, u64) {
    let mut range: Option<(f64, f64)> = None;
    let mut missing = 0;
    for v in values {
        if v.is_finite() {
            range = Some(range.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
        } else {
            missing += 1;
        }
    }
    (range, missing)
}

/// What the points are sized by.
#[derive(Clone, Copy)]
pub enum Size<'a> {
    /// The value column (the figures' values).
    Value(&'a Numbers),
    /// Another column of numbers.
    Column(&'a Numbers),
}

impl<'a> Size<'a> {
    /// The column's name and numbers.
    pub fn numbers(self) -> &'a Numbers {
        match self {
            Size::Value(n) | Size::Column(n) => n,
        }
    }
}

/// A cell's number, if it is one (the page's sizes).
pub fn number(text: &str) -> f32 {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map_or(f32::NAN, |v| v as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_ordered_by_frequency() {
        // a b a b c b b: b 4, a 2, c 1.
        let labels = ["a", "b", "c"].map(String::from).to_vec();
        let c = Categories::new("x".into(), labels, vec![0, 1, 0, 1, 2, 1, 1]);
        assert_eq!(c.labels, ["b", "a", "c"]);
        assert_eq!(c.counts, [4, 2, 1]);
        let text: Vec<&str> = c
            .codes
            .iter()
            .map(|&k| c.labels[k as usize].as_str())
            .collect();
        assert_eq!(text, ["a", "b", "a", "b", "c", "b", "b"]);
    }

    #[test]
    fn numbers_know_their_range_and_what_is_missing() {
        let n = Numbers::new(
            "v".into(),
            vec![number("3"), number(" 10 "), number(""), number("n/a")],
        );
        assert_eq!(n.range, Some((3.0, 10.0)));
        assert_eq!(n.missing, 2);
        assert!(number("inf").is_nan());
    }
}
