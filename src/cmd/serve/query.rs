//! A request's query string, read into typed values: every bad or
//! unknown parameter is a 400 whose message names it and says what was
//! expected.

use frontier::Named;

/// An answer that is not a success: its status and what was wrong (sent
/// as JSON `{"error": ..., "status": ...}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// What was wrong, for a person.
    pub message: String,
}

impl ApiError {
    /// 400 Bad Request.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            message: message.into(),
        }
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 404,
            message: message.into(),
        }
    }
}

impl From<frontier::Error> for ApiError {
    /// A library error: the request asked for something the library
    /// refuses (its settings worded as this API's query parameters).
    fn from(e: frontier::Error) -> ApiError {
        ApiError::bad(e.render_with(&param))
    }
}

/// The query parameter that sets a library [`frontier::error::Param`].
pub fn param(p: frontier::error::Param) -> &'static str {
    use frontier::error::Param;
    match p {
        Param::Latitude => "lat",
        Param::Longitude => "lon",
        Param::Value => "value",
        Param::Weight => "weight",
        Param::Date => "from/to/split",
        Param::Precision => "max_precision",
        Param::JoinKey => "on",
        Param::ColorBy => "color",
        Param::SizeBy => "size_by",
        Param::MapColumn => "mode",
        Param::ImageSize => "size",
        Param::Dpi => "dpi",
        Param::Format => "format",
        Param::Bandwidth => "bandwidth",
        Param::Palette => "palette",
        Param::Series => "a date column (trend)",
        Param::GroupColumn => "group",
        Param::Split => "split",
        Param::Areas => "by",
        Param::Weights => "weights",
        Param::Extent => "bbox",
        Param::Classes => "mode (its classes)",
        Param::Point => "lon/lat",
        Param::Count => "k",
        Param::Distance => "within",
    }
}

/// `s` with its `%XX` escapes decoded; `None` when an escape is not two
/// hex digits or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = b.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(h).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parsed query parameters (repeatable: `f.event_type=A&f.event_type=B`).
pub struct Query {
    pairs: Vec<(String, String)>,
    used: std::cell::RefCell<Vec<bool>>,
}

/// Longest query string read.
pub const MAX_QUERY: usize = 8192;

impl Query {
    /// Read `query` (without the `?`).
    pub fn parse(query: Option<&str>) -> Result<Query, ApiError> {
        let q = query.unwrap_or("");
        if q.len() > MAX_QUERY {
            return Err(ApiError {
                status: 414,
                message: format!("the query string is {} bytes; at most {MAX_QUERY}", q.len()),
            });
        }
        // Each part must decode (a `%` followed by two hex digits, UTF-8)
        // and be named: the lenient decoding below would otherwise read
        // `%zz` as itself and stray bytes as `�`.
        for part in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            if [k, v]
                .iter()
                .any(|x| percent_decode(&x.replace('+', " ")).is_none())
            {
                return Err(ApiError::bad(format!(
                    "the query string's {part:?} is not percent-encoded UTF-8 (% must be followed by two hex digits)"
                )));
            }
            if k.is_empty() {
                return Err(ApiError::bad(format!(
                    "the query string's {part:?} has no parameter name"
                )));
            }
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let used = std::cell::RefCell::new(vec![false; pairs.len()]);
        Ok(Query { pairs, used })
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        let mut used = self.used.borrow_mut();
        self.pairs
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| k == key)
            .map(|(i, (_, v))| {
                used[i] = true;
                v.as_str()
            })
            .collect()
    }

    /// Keys starting with `prefix`, with their values.
    pub fn prefixed(&self, prefix: &str) -> Vec<(&str, &str)> {
        let mut used = self.used.borrow_mut();
        self.pairs
            .iter()
            .enumerate()
            .filter_map(|(i, (k, v))| {
                let rest = k.strip_prefix(prefix)?;
                used[i] = true;
                Some((rest, v.as_str()))
            })
            .collect()
    }

    /// The value of `key`; given twice is an error.
    pub fn get(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.all(key).as_slice() {
            [] => Ok(None),
            [v] => Ok(Some(v)),
            _ => Err(ApiError::bad(format!("{key} is given more than once"))),
        }
    }

    /// The value of `key`, or of its older spelling `alias`; both given
    /// is an error.
    pub fn get_either(&self, key: &str, alias: &str) -> Result<Option<&str>, ApiError> {
        match (self.get(key)?, self.get(alias)?) {
            (Some(_), Some(_)) => Err(ApiError::bad(format!(
                "{key} and {alias} are the same parameter ({alias} is its older name): give one"
            ))),
            (a, b) => Ok(a.or(b)),
        }
    }

    /// A distance (`25km`, `500m`, `3mi`, `1nmi`; a bare number is km, as
    /// every distance the command line reads), in metres.
    ///
    /// # Units
    /// Text in (km unless a unit is written), metres out.
    pub fn distance(&self, key: &str) -> Result<Option<f64>, ApiError> {
        self.get(key)?
            .map(|v| {
                frontier::units::parse_distance(v).map_err(|e| ApiError::bad(format!("{key}: {e}")))
            })
            .transpose()
    }

    /// The value of `key`, which must be given.
    pub fn need(&self, key: &str) -> Result<&str, ApiError> {
        self.get(key)?
            .ok_or_else(|| ApiError::bad(format!("{key} is missing")))
    }

    /// A number.
    pub fn f64(&self, key: &str) -> Result<Option<f64>, ApiError> {
        self.get(key)?
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| ApiError::bad(format!("{key}={v:?} is not a finite number")))
            })
            .transpose()
    }

    /// A whole number in `range`.
    pub fn uint(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, ApiError> {
        self.get(key)?
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|x| range.contains(x))
                    .ok_or_else(|| {
                        ApiError::bad(format!(
                            "{key}={v:?} is not a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ))
                    })
            })
            .transpose()
    }

    /// A date (`2021-08-15`, or as the command line reads dates).
    pub fn date(&self, key: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
        self.get(key)?
            .filter(|v| !v.is_empty())
            .map(|v| {
                frontier::ingest::parse_date(v).ok_or_else(|| {
                    ApiError::bad(format!("{key}={v:?} is not a date (e.g. 2021-08-15)"))
                })
            })
            .transpose()
    }

    /// A library choice by name.
    pub fn named<T: Named>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.get(key)?
            .map(|v| T::from_name(v).map_err(|e| ApiError::bad(format!("{key}: {e}"))))
            .transpose()
    }

    /// A longitude and latitude (`lon`, `lat`), in range.
    pub fn coord(&self) -> Result<geo::Coord, ApiError> {
        let lon = self
            .f64("lon")?
            .ok_or_else(|| ApiError::bad("lon is missing"))?;
        let lat = self
            .f64("lat")?
            .ok_or_else(|| ApiError::bad("lat is missing"))?;
        if !(-180.0..=180.0).contains(&lon) {
            return Err(ApiError::bad(format!(
                "lon={lon} is outside -180 to 180 degrees"
            )));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(ApiError::bad(format!(
                "lat={lat} is outside -90 to 90 degrees"
            )));
        }
        Ok(geo::Coord { x: lon, y: lat })
    }

    /// Refuse parameters the endpoint did not read (a typo must not be
    /// silently ignored).
    pub fn finish(&self) -> Result<(), ApiError> {
        let used = self.used.borrow();
        let mut unknown: Vec<String> = self
            .pairs
            .iter()
            .zip(used.iter())
            .filter(|(_, u)| !**u)
            .map(|((k, _), _)| format!("{k:?}"))
            .collect();
        unknown.dedup();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad(format!(
                "unknown query parameter(s): {} (see /api for what each endpoint takes)",
                unknown.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_decoded_and_checked() {
        let q = Query::parse(Some(
            "lon=71.5&lat=34%2E01&f.event_type=Battles&f.event_type=Riots",
        ))
        .unwrap();
        let c = q.coord().unwrap();
        assert_eq!((c.x, c.y), (71.5, 34.01));
        assert_eq!(q.prefixed("f.").len(), 2);
        assert!(q.finish().is_ok());
        let q = Query::parse(Some("lon=200&lat=1&x=2")).unwrap();
        assert!(q.coord().unwrap_err().message.contains("lon=200"));
        assert!(q.finish().unwrap_err().message.contains("x"));
        let q = Query::parse(Some("lat=1&lat=2")).unwrap();
        assert!(q.get("lat").unwrap_err().message.contains("more than once"));
        let q = Query::parse(Some("lon=NaN&lat=1")).unwrap();
        assert!(q.coord().unwrap_err().message.contains("finite"));
        // Malformed escapes, stray bytes and nameless parts are refused;
        // empty parts are not parts.
        for bad in ["a=%zz", "a=%", "a=%f", "%ff=1", "a=%C3%28", "=x"] {
            assert_eq!(
                Query::parse(Some(bad)).err().map(|e| e.status),
                Some(400),
                "{bad}"
            );
        }
        let q = Query::parse(Some("within=2.5&w2=500m&w3=3%20furlongs")).unwrap();
        assert_eq!(q.distance("within").unwrap(), Some(2500.0));
        assert_eq!(q.distance("w2").unwrap(), Some(500.0));
        assert!(
            q.distance("w3")
                .unwrap_err()
                .message
                .contains("unknown unit")
        );
        assert_eq!(q.distance("none").unwrap(), None);
        let q = Query::parse(Some("target=a&to=b")).unwrap();
        assert!(q.get_either("target", "to").is_err());
        let q = Query::parse(Some("to=b")).unwrap();
        assert_eq!(q.get_either("target", "to").unwrap(), Some("b"));
        let q = Query::parse(Some("&&lat=1&&")).unwrap();
        assert_eq!(q.get("lat").unwrap(), Some("1"));
        assert_eq!(percent_decode("a%20b+c").as_deref(), Some("a b+c"));
    }
}
