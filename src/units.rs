//! Quantities written as text, as users type them.

/// The units a distance may be written in.
const UNITS: &str = "km, m, mi (statute miles) or nmi (nautical miles)";

/// Parse a distance such as `25km`, `500m`, `0.5 km`, `3mi` into metres.
///
/// One rule for every distance frontier reads (`--within`, `--bandwidth`,
/// `--bands`, `--space`, `distance:`, `hex:`): a number with a unit (`km`,
/// `m`, `mi` statute miles, `nmi` nautical miles; any case), or a bare
/// number, which is kilometres.
///
/// # Units
/// Text in (km unless a unit is written), metres out.
///
/// # Examples
/// ```
/// use frontier::units::parse_distance;
/// assert_eq!(parse_distance("25km"), Ok(25_000.0));
/// assert_eq!(parse_distance("25"), Ok(25_000.0));
/// assert_eq!(parse_distance("500 m"), Ok(500.0));
/// assert!(parse_distance("-1km").is_err());
/// ```
pub fn parse_distance(text: &str) -> std::result::Result<f64, String> {
    distance_in(text, "")
}

/// [`parse_distance`] with `default_unit` for a bare number (`""`: km).
fn distance_in(text: &str, default_unit: &str) -> std::result::Result<f64, String> {
    let t = text.trim().to_ascii_lowercase();
    // The number is the longest start that reads as one; the rest (letters
    // only) is the unit.
    let (num, unit) = (0..=t.len())
        .rev()
        .filter(|&i| t.is_char_boundary(i))
        .map(|i| (t[..i].trim(), t[i..].trim()))
        .find(|(n, u)| n.parse::<f64>().is_ok() && u.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or((t.as_str(), ""));
    let v: f64 = num.parse().map_err(|_| {
        format!("{text:?} is not a distance: give a number, in km or with a unit, {UNITS} (e.g. 25km, 500m)")
    })?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "{text:?}: a distance must be a finite number 0 or more"
        ));
    }
    let unit = if unit.is_empty() { default_unit } else { unit };
    let factor = match unit {
        "km" | "" => 1000.0,
        "m" => 1.0,
        "mi" => 1609.344,
        "nmi" => 1852.0,
        other => return Err(format!("{text:?}: unknown unit {other:?}; use {UNITS}")),
    };
    let m = v * factor;
    if !m.is_finite() {
        return Err(format!("{text:?}: too large a distance"));
    }
    Ok(m)
}

/// Parse a list of distances such as `0,10,25,50km` into metres: a unit
/// written after the last number applies to every number written without
/// one; a list with no unit at all is in kilometres, as [`parse_distance`].
///
/// # Units
/// Text in (km unless a unit is written), metres out.
///
/// # Examples
/// ```
/// use frontier::units::parse_distances;
/// assert_eq!(parse_distances("0,500,1000m"), Ok(vec![0.0, 500.0, 1000.0]));
/// assert_eq!(parse_distances("0,10"), Ok(vec![0.0, 10_000.0]));
/// assert_eq!(parse_distances("0,500m,2km"), Ok(vec![0.0, 500.0, 2000.0]));
/// ```
pub fn parse_distances(text: &str) -> std::result::Result<Vec<f64>, String> {
    let last = text
        .rsplit(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let unit = last[last
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .len()..]
        .to_string();
    text.split(',').map(|x| distance_in(x, &unit)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(parse_distance("25km"), Ok(25_000.0));
        assert_eq!(parse_distance("500m"), Ok(500.0));
        assert_eq!(parse_distance("0.5 km"), Ok(500.0));
        assert_eq!(parse_distance("10KM"), Ok(10_000.0));
        // A bare number is km, as every distance flag takes it.
        assert_eq!(parse_distance("25"), Ok(25_000.0));
        assert_eq!(parse_distance("2.5"), Ok(2_500.0));
        assert!(parse_distance("1e308").unwrap_err().contains("too large"));
        assert!(parse_distance("-3km").is_err());
        assert!(parse_distance("abckm").is_err());
        assert!(parse_distance("NaNkm").is_err());
        assert!(parse_distance("infkm").is_err());
        assert_eq!(parse_distance("1e3m"), Ok(1000.0));
        assert_eq!(parse_distance("2mi"), Ok(2.0 * 1609.344));
        assert_eq!(parse_distance("1 nmi"), Ok(1852.0));
        let e = parse_distance("25 furlongs").unwrap_err();
        assert!(
            e.contains("unknown unit \"furlongs\"") && e.contains("km, m, mi"),
            "{e}"
        );
        assert_eq!(parse_distance("5MI"), Ok(5.0 * 1609.344));
        let e = parse_distance("-5").unwrap_err();
        assert!(e.contains("0 or more"), "{e}");
    }
}

#[cfg(test)]
mod list_tests {
    use super::parse_distances;

    #[test]
    fn lists_take_the_last_unit() {
        assert_eq!(parse_distances("0,1,2km"), Ok(vec![0.0, 1000.0, 2000.0]));
        assert_eq!(
            parse_distances("0, 1, 2 mi"),
            Ok(vec![0.0, 1609.344, 3218.688])
        );
        assert_eq!(parse_distances("0,1000m,2"), Ok(vec![0.0, 1000.0, 2000.0]));
        assert!(parse_distances("0,x,2km").is_err());
        assert!(
            parse_distances("0,1,2 furlongs")
                .unwrap_err()
                .contains("unknown unit")
        );
    }
}
