//! Event dates as ACLED, UCDP and plain files write them.

use chrono::NaiveDate;

/// Parse a date: ISO 8601 (`2021-08-15`, also with a time after it, as UCDP's
/// `2021-08-15 00:00:00.000`), ACLED's `15 August 2021` (or `15 Aug 2021`),
/// or `15/08/2021` (day first). `None` if it is none of these.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    // The common case first, without a format parser: `YYYY-MM-DD`,
    // alone or followed by a time.
    let b = t.as_bytes();
    if b.len() >= 10
        && (b.len() == 10 || matches!(b[10], b'T' | b' '))
        && b[4] == b'-'
        && b[7] == b'-'
    {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |a, &c| {
                c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    if t.len() >= 10
        && let Some(head) = t.get(..10)
        && let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d")
        && (t.len() == 10 || matches!(t.as_bytes()[10], b'T' | b' '))
    {
        return Some(d);
    }
    for f in ["%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2021, 8, 15).unwrap();
        for s in [
            "2021-08-15",
            "2021-08-15 00:00:00.000",
            "2021-08-15T10:00:00Z",
            "15 August 2021",
            "15 Aug 2021",
            " 15 August 2021 ",
            "15/08/2021",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        for s in ["", "2021-13-01", "August 2021", "2021-08-15x", "yesterday"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
