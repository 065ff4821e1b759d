//! Quantities written as text, as users type them.

/// Parse a distance such as `25km`, `500m`, `0.5 km` into metres.
///
/// # Units
/// Text in (`m` or `km` required), metres out.
pub fn parse_distance(text: &str) -> std::result::Result<f64, String> {
    const UNITS: &str = "km, m, mi (statute miles) or nmi (nautical miles)";
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
        format!("{text:?} is not a distance: give a number and a unit, {UNITS} (e.g. 25km, 500m)")
    })?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "{text:?}: a distance must be a finite number 0 or more"
        ));
    }
    let factor = match unit {
        "km" => 1000.0,
        "m" => 1.0,
        "mi" => 1609.344,
        "nmi" => 1852.0,
        "" => return Err(format!("{text:?}: give a unit: {UNITS} (e.g. 25km, 500m)")),
        other => return Err(format!("{text:?}: unknown unit {other:?}; use {UNITS}")),
    };
    Ok(v * factor)
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
        assert!(parse_distance("25").unwrap_err().contains("give a unit"));
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
        let e = parse_distance("-5").unwrap_err();
        assert!(e.contains("0 or more"), "{e}");
    }
}
