//! The text forms of a cell: what a column holds ([`Kind`]), numbers as
//! JSON writes them, CSV quoting, and the names of added columns.

use serde_json::Value;

/// What a carried column holds, for formats that keep types (JSON,
/// GeoParquet): found from a first pass over the input, or from a
/// Parquet file's schema.
///
/// Dates and timestamps come only from a file that types them (Parquet):
/// they are carried as the text the reader writes for them (`2021-08-15`,
/// `2021-08-15T09:00:00+05:00`), which is what CSV and JSON output show,
/// and GeoParquet output turns that text back into a date or a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Anything (CSV's text).
    #[default]
    Text,
    /// Whole numbers that fit 64 bits.
    Integer,
    /// Numbers.
    Float,
    /// `true` or `false`.
    Boolean,
    /// Calendar dates, carried as `YYYY-MM-DD`.
    Date,
    /// Instants, carried as ISO 8601 (`2021-08-15T04:00:00.5`); when `utc`
    /// (the input's column had a time zone: its values are instants) in
    /// the zone's local time with its offset (`+05:00`, `Z` at UTC);
    /// `unit` is the resolution they had.
    Timestamp {
        /// Seconds, milli-, micro- or nanoseconds.
        unit: TimeUnit,
        /// Whether the values are UTC instants (the input named a zone).
        utc: bool,
    },
}

/// The resolution of a [`Kind::Timestamp`] column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Whole seconds.
    Second,
    /// Milliseconds.
    Millisecond,
    /// Microseconds.
    Microsecond,
    /// Nanoseconds.
    Nanosecond,
}

impl TimeUnit {
    /// How many of the unit make a second.
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        }
    }
}

/// The days since 1970-01-01 of a date carried as text (`YYYY-MM-DD`, or
/// a year beyond 0 to 9999 as chrono writes it), as a [`Kind::Date`]
/// column holds it.
pub fn date_days(text: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    Some(d.signed_duration_since(epoch).num_days())
}

/// The instant of a timestamp carried as text (ISO 8601, seconds with any
/// fraction; an offset such as `+05:00`, a `Z`, or none), as a count of
/// `unit` since 1970-01-01T00:00:00 UTC, as a [`Kind::Timestamp`] column
/// holds it; `None` when the text is not one or the count does not fit 64
/// bits.
pub fn timestamp_count(text: &str, unit: TimeUnit) -> Option<i64> {
    let t = text.trim();
    let at = match chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%:z") {
        Ok(local) => local.to_utc(),
        Err(_) => {
            let t = t.strip_suffix('Z').unwrap_or(t);
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()?
                .and_utc()
        }
    };
    match unit {
        TimeUnit::Second => Some(at.timestamp()),
        TimeUnit::Millisecond => Some(at.timestamp_millis()),
        TimeUnit::Microsecond => Some(at.timestamp_micros()),
        TimeUnit::Nanosecond => at.timestamp_nanos_opt(),
    }
}

/// `text` as a JSON number, when it is one exactly as written (so nothing
/// is lost: `007`, `+5`, `.5`, `NaN` and integers too large for 64 bits
/// stay text).
pub fn json_number(text: &str) -> Option<serde_json::Number> {
    let b = text.as_bytes();
    let digits = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    let mut i = usize::from(b.first() == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digits(i) {
                i += 1;
            }
        }
        _ => return None,
    }
    let mut integer = true;
    if b.get(i) == Some(&b'.') {
        integer = false;
        i += 1;
        if !digits(i) {
            return None;
        }
        while digits(i) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integer = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(i) {
            return None;
        }
        while digits(i) {
            i += 1;
        }
    }
    if i != b.len() {
        return None;
    }
    if integer {
        text.parse::<i64>()
            .ok()
            .map(serde_json::Number::from)
            .or_else(|| text.parse::<u64>().ok().map(serde_json::Number::from))
    } else {
        text.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .and_then(serde_json::Number::from_f64)
    }
}

/// A value as plain text: strings without quotes, null as empty.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Append one CSV field, quoted when it holds the delimiter `d`, a quote or
/// a line end (as the csv crate's writer does; a quote inside is doubled).
#[inline]
pub(crate) fn csv_field(out: &mut Vec<u8>, f: &[u8], d: u8) {
    // One table lookup a byte for the usual comma.
    const COMMA: [bool; 256] = {
        let mut t = [false; 256];
        t[b',' as usize] = true;
        t[b'"' as usize] = true;
        t[b'\r' as usize] = true;
        t[b'\n' as usize] = true;
        t
    };
    let special = if d == b',' {
        f.iter().any(|&c| COMMA[c as usize])
    } else {
        f.iter()
            .any(|&c| c == d || matches!(c, b'"' | b'\r' | b'\n'))
    };
    if special {
        out.push(b'"');
        for &c in f {
            if c == b'"' {
                out.push(b'"');
            }
            out.push(c);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(f);
    }
}

/// Columns as a CSV header line (for the rejects file).
pub(crate) fn csv_header_line(columns: &[String]) -> String {
    let mut out = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(&mut out, c.as_bytes(), b',');
    }
    String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
}

/// A name for a column frontier adds that does not collide with the
/// input's (ignoring case): `name`, else `frontier_name`, and so on. The
/// command line and the Python package name their columns by it.
pub fn added_name(columns: &[String], name: &str) -> String {
    let mut n = name.to_string();
    while columns.iter().any(|c| c.eq_ignore_ascii_case(&n)) {
        n = format!("frontier_{n}");
    }
    n
}

/// A column renamed by [`unique_names`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// Its position among the columns, from 0.
    pub index: usize,
    /// The name it had (shared with an earlier column).
    pub from: String,
    /// The name it is written with.
    pub to: String,
}

/// The columns' names made unique, ignoring case (JSON objects,
/// GeoParquet and most databases cannot hold two columns of one name): the
/// first keeps its name, a later one gets `_2`, `_3`, ... (the first
/// suffix free among all the names). The renamed columns are listed, for a
/// client to say so.
///
/// ```
/// use frontier::row::unique_names;
/// let cols: Vec<String> = ["id", "ID", "lat", "id_2"].map(String::from).to_vec();
/// let (names, renamed) = unique_names(&cols);
/// assert_eq!(names, ["id", "ID_3", "lat", "id_2"]);
/// assert_eq!((renamed[0].index, renamed[0].to.as_str()), (1, "ID_3"));
/// ```
pub fn unique_names(columns: &[String]) -> (Vec<String>, Vec<Renamed>) {
    use std::collections::HashSet;
    let all: HashSet<String> = columns.iter().map(|c| c.to_lowercase()).collect();
    let mut seen: HashSet<String> = HashSet::with_capacity(columns.len());
    let mut names: Vec<String> = Vec::with_capacity(columns.len());
    let mut renamed = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if seen.insert(c.to_lowercase()) {
            names.push(c.clone());
            continue;
        }
        let mut k = 2;
        let fresh = loop {
            let n = format!("{c}_{k}");
            let key = n.to_lowercase();
            if !seen.contains(&key) && !all.contains(&key) {
                seen.insert(key);
                break n;
            }
            k += 1;
        };
        renamed.push(Renamed {
            index: i,
            from: c.clone(),
            to: fresh.clone(),
        });
        names.push(fresh);
    }
    (names, renamed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_read_back_as_counts() {
        // Days and seconds since 1970 worked out by Python's datetime:
        // date(2021, 8, 15) - date(1970, 1, 1) is 18854 days, and
        // 2021-08-15T04:00:00Z is 1629000000 s.
        assert_eq!(date_days("2021-08-15"), Some(18854));
        assert_eq!(date_days("1969-12-31"), Some(-1));
        assert_eq!(date_days("15 August 2021"), None);
        assert_eq!(date_days(""), None);
        let at = "2021-08-15T04:00:00";
        assert_eq!(timestamp_count(at, TimeUnit::Second), Some(1_629_000_000));
        // In a zone's local time with its offset: the same instant.
        assert_eq!(
            timestamp_count("2021-08-15T09:00:00+05:00", TimeUnit::Second),
            Some(1_629_000_000)
        );
        assert_eq!(
            timestamp_count("2021-08-15T00:30:00.5-03:30", TimeUnit::Millisecond),
            Some(1_629_000_000_500)
        );
        assert_eq!(
            timestamp_count("2021-08-15T04:00:00.123Z", TimeUnit::Millisecond),
            Some(1_629_000_000_123)
        );
        assert_eq!(
            timestamp_count("1969-12-31T00:00:00.000001Z", TimeUnit::Microsecond),
            Some(-86_400_000_000 + 1)
        );
        assert_eq!(
            timestamp_count("2021-08-15T04:00:00.000000001Z", TimeUnit::Nanosecond),
            Some(1_629_000_000_000_000_001)
        );
        // Beyond what nanoseconds since 1970 hold in 64 bits.
        assert_eq!(
            timestamp_count("2300-01-01T00:00:00", TimeUnit::Nanosecond),
            None
        );
        assert_eq!(timestamp_count("2021-08-15", TimeUnit::Second), None);
        // The years a Parquet reader writes beyond 0 to 9999 read back.
        for y in [-1, 0, 10_000, 262_142] {
            let d = chrono::NaiveDate::from_ymd_opt(y, 3, 4).unwrap();
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            let days = (d - epoch).num_days();
            assert_eq!(date_days(&d.to_string()), Some(days), "{d}");
            let t = d
                .and_hms_opt(1, 2, 3)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S%.f");
            let want = days * 86_400 + 3723;
            assert_eq!(
                timestamp_count(&format!("{t}Z"), TimeUnit::Second),
                Some(want),
                "{t}"
            );
        }
    }
}
