//! Tables (one row per group, as [`crate::summary::Summary::table`] gives
//! them) as CSV for R and pandas, Markdown for reports, or JSON.

use crate::row::value_text;
use serde_json::{Map, Value};
use std::io::Write;

/// How a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV for R and pandas (non-integers rounded to 4 decimals).
    Csv,
    /// A Markdown table for reports (thousands separated, shares in %).
    Md,
    /// A JSON array of objects (numbers rounded as in CSV).
    Json,
}

impl crate::Named for TableFormat {
    const ALL: &'static [(&'static str, Self)] = &[
        ("csv", TableFormat::Csv),
        ("md", TableFormat::Md),
        ("json", TableFormat::Json),
    ];
}

/// Write `rows` (objects keyed by `cols`) in `format`.
pub fn write_table(
    out: &mut dyn Write,
    format: TableFormat,
    cols: &[String],
    rows: &[Map<String, Value>],
) -> std::io::Result<()> {
    write_table_rounded(out, format, cols, rows, rounded)
}

/// [`write_table`] with every number as computed (shortest exact form):
/// for statistics, whose p-values and intervals 4 decimals would blur.
pub fn write_table_exact(
    out: &mut dyn Write,
    format: TableFormat,
    cols: &[String],
    rows: &[Map<String, Value>],
) -> std::io::Result<()> {
    write_table_rounded(out, format, cols, rows, whole_numbers)
}

/// Whole numbers held as floats written as integers (`25`, not `25.0`);
/// every other number as it is.
fn whole_numbers(r: &Map<String, Value>) -> Map<String, Value> {
    r.iter()
        .map(|(k, v)| {
            let v = match v.as_f64() {
                Some(x) if v.is_f64() && x.fract() == 0.0 && x.abs() < 1e15 => {
                    Value::from(x as i64)
                }
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn write_table_rounded(
    out: &mut dyn Write,
    format: TableFormat,
    cols: &[String],
    rows: &[Map<String, Value>],
    round: fn(&Map<String, Value>) -> Map<String, Value>,
) -> std::io::Result<()> {
    match format {
        TableFormat::Csv => write_csv(out, cols, rows, round),
        TableFormat::Json => {
            let arr: Vec<Value> = rows.iter().map(|r| Value::Object(round(r))).collect();
            serde_json::to_writer_pretty(&mut *out, &arr).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        TableFormat::Md => write_md(out, cols, rows),
    }
}

/// Non-integer numbers rounded to 4 decimals (for CSV and JSON).
pub fn rounded(r: &Map<String, Value>) -> Map<String, Value> {
    r.iter()
        .map(|(k, v)| {
            let v = match v.as_f64() {
                Some(x) if !v.is_u64() && !v.is_i64() => {
                    if x.fract() == 0.0 && x.abs() < 1e15 {
                        Value::from(x as i64)
                    } else if x.abs() >= 1e15 {
                        // No decimals to round away (and x·10⁴ could overflow).
                        v.clone()
                    } else {
                        Value::from((x * 1e4).round() / 1e4)
                    }
                }
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn write_csv(
    out: &mut dyn Write,
    cols: &[String],
    rows: &[Map<String, Value>],
    round: fn(&Map<String, Value>) -> Map<String, Value>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(cols).map_err(std::io::Error::other)?;
    for r in rows {
        let r = round(r);
        w.write_record(cols.iter().map(|c| value_text(&r[c])))
            .map_err(std::io::Error::other)?;
    }
    w.flush()
}

/// Thousands separators for people: 1234567 → 1,234,567.
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn human(col: &str, v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::String(s) => s.replace('|', "\\|"),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if col.ends_with("share") {
                format!("{:.1}%", x * 100.0)
            } else if n.is_u64() || n.is_i64() || (x.fract() == 0.0 && x.abs() < 1e15) {
                thousands(x as i64)
            } else if x.abs() >= 100.0 {
                thousands(x.round() as i64)
            } else if x.abs() < 0.01 {
                // Small p-values and rates: three significant digits.
                format!("{x:.2e}")
            } else {
                format!("{x:.2}")
            }
        }
        other => other.to_string(),
    }
}

fn write_md(
    out: &mut dyn Write,
    cols: &[String],
    rows: &[Map<String, Value>],
) -> std::io::Result<()> {
    writeln!(out, "| {} |", cols.join(" | "))?;
    let align: Vec<&str> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 || c == "province" {
                "---"
            } else {
                "---:"
            }
        })
        .collect();
    writeln!(out, "|{}|", align.join("|"))?;
    for r in rows {
        let cells: Vec<String> = cols.iter().map(|c| human(c, &r[c])).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}
