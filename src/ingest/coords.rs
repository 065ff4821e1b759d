//! Coordinates from text or numbers: checked to be finite and within
//! ±90 (latitude) and ±180 (longitude), with a plain-decimal fast path.

use geo::Coord;

/// Check a latitude/longitude pair as text; the error is (column, reason).
pub(crate) fn parse_coord(
    lat_col: &str,
    lat: &str,
    lon_col: &str,
    lon: &str,
) -> std::result::Result<Coord, (String, String)> {
    let one = |col: &str, text: &str, limit: f64, what: &str| {
        if let Some(v) = plain_decimal(text) {
            return in_range(col, v, text, limit, what);
        }
        let t = text.trim();
        if t.is_empty() {
            return Err((col.to_string(), format!("empty {what}")));
        }
        let v = t
            .parse::<f64>()
            .map_err(|_| (col.to_string(), format!("{what} is not a number: {t:?}")))?;
        in_range(col, v, t, limit, what)
    };
    let y = one(lat_col, lat, 90.0, "latitude")?;
    let x = one(lon_col, lon, 180.0, "longitude")?;
    Ok(Coord { x, y })
}

/// The value of a plain decimal such as `-33.61234` (an optional minus,
/// digits, an optional point and digits; at most 15 digits in all), or
/// None for anything else (which `str::parse` then reads).
///
/// Exact: the digits make an integer below 2^53 and the power of ten is at
/// most 10^15, both exactly representable, so the one division is rounded
/// once, correctly, as `str::parse` rounds (Clinger's fast path).
#[inline]
pub(crate) fn plain_decimal(text: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = text.as_bytes();
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if b.len() > 16 {
        return None;
    }
    // The digits before the point, then those after it.
    let (mut m, mut i) = (0u64, 0);
    while i < b.len() && b[i].is_ascii_digit() {
        m = m * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    let mut digits = i;
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            m = m * 10 + u64::from(b[i] - b'0');
            i += 1;
        }
        frac = i - start;
        digits += frac;
    }
    if i != b.len() || digits == 0 || digits > 15 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// Check a latitude/longitude pair of numbers (finite, within ±90 and
/// ±180); the error is (column, reason), worded as for text.
pub(crate) fn check_coord(
    lat_col: &str,
    lat: f64,
    lon_col: &str,
    lon: f64,
) -> std::result::Result<Coord, (String, String)> {
    if lat.abs() <= 90.0 && lon.abs() <= 180.0 {
        // Finite and in range (NaN fails both comparisons).
        return Ok(Coord { x: lon, y: lat });
    }
    let y = in_range(lat_col, lat, &lat.to_string(), 90.0, "latitude")?;
    let x = in_range(lon_col, lon, &lon.to_string(), 180.0, "longitude")?;
    Ok(Coord { x, y })
}

/// `v` (written `t`) when finite and within ±`limit`.
#[inline]
fn in_range(
    col: &str,
    v: f64,
    t: &str,
    limit: f64,
    what: &str,
) -> std::result::Result<f64, (String, String)> {
    // (NaN fails the comparison.)
    if v.abs() <= limit {
        return Ok(v);
    }
    Err(out_of_range(col, v, t, limit, what))
}

/// Why `v` is not a usable coordinate.
#[cold]
fn out_of_range(col: &str, v: f64, t: &str, limit: f64, what: &str) -> (String, String) {
    if !v.is_finite() {
        (
            col.to_string(),
            format!("{what} is not a finite number: {t:?}"),
        )
    } else {
        (
            col.to_string(),
            format!("{what} {t} is out of range (must be within ±{limit})"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::plain_decimal;
    use proptest::prelude::*;

    #[test]
    fn plain_decimals_read_as_std_reads_them() {
        for t in [
            "0",
            "-0",
            "-0.0",
            "33.61234",
            "-33.61234",
            "1.",
            ".5",
            "-.5",
            "180",
            "90.000000000001",
            "123456789012345",
            "0.00000000000001",
            "69.1234567890123",
        ] {
            let v = plain_decimal(t).unwrap_or_else(|| panic!("{t}"));
            let std: f64 = t.parse().unwrap();
            assert_eq!(v.to_bits(), std.to_bits(), "{t}");
        }
        // Left to `str::parse` (or refused by it).
        for t in [
            "",
            "-",
            ".",
            "..",
            "1.2.3",
            "+1",
            "1e5",
            " 1",
            "1 ",
            "nan",
            "inf",
            "1,5",
            "1234567890123456",
            "0.1234567890123456",
            "--1",
        ] {
            assert_eq!(plain_decimal(t), None, "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn plain_decimal_is_std_parse(
            neg in any::<bool>(),
            int in "[0-9]{0,8}",
            frac in proptest::option::of("[0-9]{0,12}"),
        ) {
            let t = format!("{}{}{}", if neg { "-" } else { "" }, int, frac.map(|f| format!(".{f}")).unwrap_or_default());
            if let Some(v) = plain_decimal(&t) {
                let std: f64 = t.parse().unwrap();
                prop_assert_eq!(v.to_bits(), std.to_bits(), "{}", t);
            } else {
                let digits = t.bytes().filter(u8::is_ascii_digit).count();
                prop_assert!(digits == 0 || digits > 15, "{} refused", t);
            }
        }
    }
}
