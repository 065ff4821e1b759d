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

/// Write `rows` (objects keyed by `cols`) in `format`; a column missing
/// from a row is no data (an empty CSV cell, `–` in Markdown; a JSON row
/// holds its own keys).
///
/// # Examples
/// A summary's table as CSV (as [`crate::summary::Summary::table`] gives
/// it, or any rows of one's own):
/// ```
/// use frontier::output::{TableFormat, write_table};
/// use serde_json::{Map, Value, json};
///
/// let cols = ["district", "events", "per_100k"].map(String::from).to_vec();
/// let row = |v: Value| -> Map<String, Value> { v.as_object().unwrap().clone() };
/// let rows = [
///     row(json!({"district": "Peshawar", "events": 12, "per_100k": 0.252_837})),
///     row(json!({"district": "Kurram, Upper", "events": 3})),
/// ];
/// let mut out = Vec::new();
/// write_table(&mut out, TableFormat::Csv, &cols, &rows)?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "district,events,per_100k\nPeshawar,12,0.2528\n\"Kurram, Upper\",3,\n"
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
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

/// Below this size a number is written 0: an underflowed p-value
/// (`5e-324`) says no more than 0 does, and `-0` is 0.
pub const UNDERFLOW: f64 = 1e-300;

/// Whole numbers held as floats written as integers (`25`, not `25.0`),
/// numbers below [`UNDERFLOW`] (and -0) as 0; every other number as it is.
fn whole_numbers(r: &Map<String, Value>) -> Map<String, Value> {
    r.iter()
        .map(|(k, v)| {
            let v = match v.as_f64() {
                Some(x) if v.is_f64() && x.abs() < UNDERFLOW => Value::from(0),
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
                        // (+ 0.0: a value rounding to -0 is 0.)
                        Value::from((x * 1e4).round() / 1e4 + 0.0)
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
        w.write_record(
            cols.iter()
                .map(|c| value_text(r.get(c).unwrap_or(&Value::Null))),
        )
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
        Value::String(s) => md_text(s),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if x > 0.0 && x < UNDERFLOW {
                "<1e-300".into()
            } else if x.abs() < UNDERFLOW {
                "0".into()
            } else if col.ends_with("share") {
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

/// Text as one Markdown table cell: `|` escaped, line breaks as `<br>`
/// (a raw newline would end the row and break the table).
fn md_text(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn write_md(
    out: &mut dyn Write,
    cols: &[String],
    rows: &[Map<String, Value>],
) -> std::io::Result<()> {
    let header: Vec<String> = cols.iter().map(|c| md_text(c)).collect();
    writeln!(out, "| {} |", header.join(" | "))?;
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
        let cells: Vec<String> = cols
            .iter()
            .map(|c| human(c, r.get(c).unwrap_or(&Value::Null)))
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(format: TableFormat, rows: &[(&str, Value)]) -> String {
        let cols: Vec<String> = rows.iter().map(|(c, _)| c.to_string()).collect();
        let row: Map<String, Value> = rows
            .iter()
            .map(|(c, v)| (c.to_string(), v.clone()))
            .collect();
        let mut out = Vec::new();
        write_table_exact(&mut out, format, &cols, &[row]).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// An underflowed p-value is 0 in CSV and JSON and `<1e-300` for a
    /// reader; -0 is 0; a line break in a name stays inside its cell.
    #[test]
    fn underflow_negative_zero_and_line_breaks() {
        let row = [
            ("name", Value::from("Khyber\nAgency | north")),
            ("p", Value::from(5e-324)),
            ("z", Value::from(-0.0)),
            ("q", Value::from(1e-12)),
        ];
        let csv = table(TableFormat::Csv, &row);
        assert_eq!(csv, "name,p,z,q\n\"Khyber\nAgency | north\",0,0,1e-12\n");
        let json = table(TableFormat::Json, &row);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["p"], Value::from(0));
        assert_eq!(v[0]["z"], Value::from(0));
        let md = table(TableFormat::Md, &row);
        assert_eq!(md.lines().count(), 3, "{md}");
        assert!(
            md.contains("| Khyber<br>Agency \\| north | <1e-300 | 0 | 1.00e-12 |"),
            "{md}"
        );
        let mut rounded_row = Map::new();
        rounded_row.insert("x".into(), Value::from(-0.00001));
        assert_eq!(
            rounded(&rounded_row)["x"].as_f64().unwrap().to_bits(),
            0f64.to_bits()
        );
    }

    /// A row without one of the columns is no data, not a panic.
    #[test]
    fn a_missing_cell_is_no_data() {
        let cols = ["district", "events"].map(String::from).to_vec();
        let mut row = Map::new();
        row.insert("district".into(), Value::from("Quetta"));
        let rows = [row];
        let mut csv = Vec::new();
        write_table(&mut csv, TableFormat::Csv, &cols, &rows).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "district,events\nQuetta,\n"
        );
        let mut md = Vec::new();
        write_table(&mut md, TableFormat::Md, &cols, &rows).unwrap();
        assert!(String::from_utf8(md).unwrap().ends_with("| Quetta | – |\n"));
    }
}
