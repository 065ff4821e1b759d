//! A column of the output and one value frontier adds to a row: what every
//! writer (CSV, JSON, GeoJSON, GeoParquet) is given, and the fixed-decimal
//! printing they share.

use crate::row::Kind;
use serde_json::Value;
use std::io::Write;

/// A column of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name.
    pub name: String,
    /// For numeric columns frontier adds: decimals to print in CSV.
    pub decimals: Option<usize>,
    /// Leave out of GeoJSON properties (the coordinates frontier made up for
    /// GeoJSON input, which are in the geometry).
    pub geometry_only: bool,
    /// What a carried column holds. A column of numbers (see
    /// [`json_number`](crate::row::json_number)) is written as numbers in JSON formats, an empty
    /// cell as `null`; GeoParquet keeps every kind. CSV output is not
    /// affected.
    pub kind: Kind,
}

impl Column {
    /// A carried (text) column.
    pub fn text(name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            decimals: None,
            geometry_only: false,
            kind: Kind::Text,
        }
    }

    /// A numeric column printed with `d` decimals in CSV.
    pub fn fixed(name: impl Into<String>, d: usize) -> Self {
        Column {
            name: name.into(),
            decimals: Some(d),
            geometry_only: false,
            kind: Kind::Float,
        }
    }
}

/// One value frontier adds to a row: text (borrowed from a layer, so
/// answering a row need not allocate), a number printed with its
/// column's decimals, or nothing (empty in CSV, `null` in JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// A name or a code.
    Text(&'a str),
    /// A number (non-finite ones are written as nothing).
    Number(f64),
    /// No value.
    Empty,
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(t: &'a str) -> Self {
        Cell::Text(t)
    }
}

impl From<f64> for Cell<'_> {
    fn from(x: f64) -> Self {
        Cell::Number(x)
    }
}

impl Cell<'_> {
    /// As JSON, rounded to `decimals` where given (as in CSV).
    pub(crate) fn json(&self, decimals: Option<usize>) -> Value {
        match self {
            Cell::Text(t) => Value::from(*t),
            Cell::Number(x) => {
                // The number CSV shows, so both formats give the same value.
                let x = match decimals {
                    // (+ 0.0: a value rounding to -0 is 0.)
                    Some(d) if x.is_finite() => format!("{x:.d$}").parse().unwrap_or(*x) + 0.0,
                    _ => *x,
                };
                // serde_json writes a non-finite number as null.
                Value::from(x)
            }
            Cell::Empty => Value::Null,
        }
    }
}

/// Append `x` with `d` decimals, byte for byte as `format!("{x:.d$}")`
/// writes it (but a value that rounds to zero is `0.000`, never `-0.000`),
/// without the general formatter's cost where that is certain: `x·10^d` is
/// rounded to an integer unless it lies so near a half that the product's
/// own rounding could decide (then the formatter does it).
pub(crate) fn write_fixed(out: &mut Vec<u8>, x: f64, d: usize) {
    let start = out.len();
    fixed_digits(out, x, d);
    if out.get(start) == Some(&b'-') && out[start + 1..].iter().all(|&b| b == b'0' || b == b'.') {
        out.remove(start);
    }
}

fn fixed_digits(out: &mut Vec<u8>, x: f64, d: usize) {
    const POW10: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    let y = if d < POW10.len() {
        (x * POW10[d]).abs()
    } else {
        f64::INFINITY
    };
    // Below 2^42 the product is within 2^-10 of x·10^d exactly. (The
    // integer part by conversion: `floor` and `round` are library calls.)
    let whole = if y < 4.0e12 { y as u64 } else { 0 };
    let frac = y - whole as f64;
    if y.is_nan() || y >= 4.0e12 || (frac - 0.5).abs() < 1e-3 {
        let _ = write!(out, "{x:.d$}");
        return;
    }
    // The digits of round(x·10^d), written from the last: d after the
    // point, then the whole part (at least one digit).
    let mut m = whole + u64::from(frac > 0.5);
    let mut buf = [0u8; 32];
    let mut i = buf.len();
    take_digits(&mut buf, &mut i, &mut m, d);
    if d > 0 {
        i -= 1;
        buf[i] = b'.';
    }
    let n = m.checked_ilog10().map_or(1, |l| l as usize + 1);
    take_digits(&mut buf, &mut i, &mut m, n);
    if x.is_sign_negative() {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// Write the last `n` decimal digits of `*m` (with leading zeros) into
/// `buf` before index `*i`, two at a time from a table of 00..99, and drop
/// them from `*m`.
fn take_digits(buf: &mut [u8], i: &mut usize, m: &mut u64, n: usize) {
    const PAIRS: [u8; 200] = {
        let mut t = [0u8; 200];
        let mut k = 0;
        while k < 100 {
            t[2 * k] = b'0' + (k / 10) as u8;
            t[2 * k + 1] = b'0' + (k % 10) as u8;
            k += 1;
        }
        t
    };
    for _ in 0..n / 2 {
        let r = (*m % 100) as usize;
        *m /= 100;
        *i -= 2;
        buf[*i..*i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    }
    if n % 2 == 1 {
        *i -= 1;
        buf[*i] = b'0' + (*m % 10) as u8;
        *m /= 10;
    }
}
