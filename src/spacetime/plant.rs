//! Space-time processes planted on SYNTHETIC events, for the gallery and
//! for tests that need a known answer: near repeats (an event makes
//! another nearby within days) and events placed across a border (in a
//! country the locator names), before or after the events they come from.
//!
//! Offspring are placed on the ellipsoid: a geodesic of the drawn length
//! and azimuth from their parent (GeographicLib's direct problem, Karney
//! 2013), uniform over the disc or ring of the drawn distances.
//!
//! # References
//! C. F. F. Karney (2013), *Algorithms for geodesics*, J. Geodesy 87.

use crate::geodesy::wgs84;
use crate::query::Locator;
use crate::rng::Rng;
use chrono::{Days, NaiveDate};
use geo::Coord;
use geographiclib_rs::DirectGeodesic;

/// A dated place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Where (longitude, latitude, degrees).
    pub at: Coord,
    /// When.
    pub date: NaiveDate,
}

/// How offspring are drawn from a parent.
#[derive(Debug, Clone, PartialEq)]
pub struct Offspring {
    /// The chance that an event has one.
    pub share: f64,
    /// Its distance from the parent, metres: uniform over the ring
    /// between these (so over its area, not its radius).
    pub metres: (f64, f64),
    /// Its date, in days after the parent's (negative: before), uniform
    /// over these whole days, both included.
    pub days: (i32, i32),
}

/// The point `metres` from `at` along azimuth `azimuth` (degrees) on
/// WGS84.
///
/// # Units
/// Degrees in (longitude, latitude, azimuth), metres; degrees out.
pub fn direct(at: Coord, azimuth: f64, metres: f64) -> Coord {
    let (lat, lon): (f64, f64) = wgs84().direct(at.y, at.x, azimuth, metres);
    Coord { x: lon, y: lat }
}

impl Offspring {
    /// One offspring of `parent`, if its chance comes up.
    fn draw(&self, parent: &Event, rng: &mut Rng) -> Option<Event> {
        if rng.f64() >= self.share {
            return None;
        }
        Some(self.place(parent, rng))
    }

    /// An offspring of `parent`, whatever the chance.
    fn place(&self, parent: &Event, rng: &mut Rng) -> Event {
        let (r0, r1) = self.metres;
        // Uniform over the ring's area.
        let r = (r0 * r0 + (r1 * r1 - r0 * r0) * rng.f64()).sqrt();
        let at = direct(parent.at, 360.0 * rng.f64(), r);
        let span = (self.days.1 - self.days.0).max(0) as u64 + 1;
        let d = self.days.0 as i64 + rng.below(span) as i64;
        let date = if d >= 0 {
            parent.date.checked_add_days(Days::new(d as u64))
        } else {
            parent.date.checked_sub_days(Days::new(d.unsigned_abs()))
        }
        .unwrap_or(parent.date);
        Event { at, date }
    }
}

/// Near repeats: each event of `events`, with the chance `how.share`, has
/// one offspring `how.metres` away, `how.days` later.
pub fn near_repeats(events: &[Event], how: &Offspring, seed: u64) -> Vec<Event> {
    let mut rng = Rng::new(seed, 1);
    events
        .iter()
        .filter_map(|e| how.draw(e, &mut rng))
        .collect()
}

/// Offspring in the country `iso3` (as [`Locator::locate`] names it):
/// each event of `events`, with the chance `how.share`, has one, drawn
/// again (up to 50 times) until it lands there; an event whose draws all
/// land elsewhere has none.
pub fn across(
    events: &[Event],
    how: &Offspring,
    iso3: &str,
    locator: &Locator,
    seed: u64,
) -> Vec<Event> {
    let mut rng = Rng::new(seed, 2);
    let mut out = Vec::new();
    for e in events {
        if rng.f64() >= how.share {
            continue;
        }
        for _ in 0..50 {
            let o = how.place(e, &mut rng);
            if locator.locate(o.at).country == Some(iso3) {
                out.push(o);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance_m as distance;

    fn at(x: f64, y: f64) -> Event {
        Event {
            at: Coord { x, y },
            date: NaiveDate::from_ymd_opt(2021, 8, 15).unwrap(),
        }
    }

    #[test]
    fn offspring_fall_within_their_ring_and_days() {
        // Parents about 9 km apart: an offspring's nearest parent is its own.
        let parents: Vec<Event> = (0..400).map(|i| at(60.0 + i as f64 * 0.1, 33.0)).collect();
        let how = Offspring {
            share: 0.5,
            metres: (200.0, 1000.0),
            days: (1, 7),
        };
        let kids = near_repeats(&parents, &how, 7);
        // About half the parents, each kid measured against GeographicLib's
        // inverse from some parent.
        assert!((150..=250).contains(&kids.len()), "{}", kids.len());
        for k in &kids {
            let near = parents
                .iter()
                .map(|p| (distance(p.at, k.at), p))
                .filter(|(d, _)| (199.999..=1000.001).contains(d))
                .count();
            assert!(near >= 1, "{k:?}");
            let dd = (k.date - parents[0].date).num_days();
            assert!((1..=7).contains(&dd), "{dd}");
        }
        // Uniform over the area: about (0.6² − 0.2²)/(1 − 0.2²) = 1/3
        // of them within 600 m of their parent.
        let inner = kids
            .iter()
            .filter(|k| {
                parents
                    .iter()
                    .map(|p| distance(p.at, k.at))
                    .fold(f64::INFINITY, f64::min)
                    <= 600.0
            })
            .count() as f64
            / kids.len() as f64;
        assert!((0.24..=0.43).contains(&inner), "{inner}");
    }

    #[test]
    fn across_lands_in_the_country_named() {
        let locator = Locator::new().unwrap();
        // Near Chaman, on the Pakistani side of the Durand Line.
        let parents = vec![at(66.45, 30.92); 40];
        let how = Offspring {
            share: 1.0,
            metres: (1000.0, 25_000.0),
            days: (-14, -1),
        };
        let kids = across(&parents, &how, "AFG", &locator, 3);
        assert!(kids.len() >= 38, "{}", kids.len());
        for k in &kids {
            assert_eq!(locator.locate(k.at).country, Some("AFG"));
            let dd = (k.date - parents[0].date).num_days();
            assert!((-14..=-1).contains(&dd), "{dd}");
        }
    }
}
