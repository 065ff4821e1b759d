//! Synthetic, ACLED-shaped data for tests, benchmarks and the demo.
//!
//! Everything here is made up by code and says so: every row has
//! `source = synthetic`. What is real is only the geography it is drawn on:
//! events cluster around the districts of Khyber Pakhtunkhwa and Balochistan
//! (weighted by their Census 2023 population), the CPEC towns and crossings
//! in those provinces, and the Durand Line; dates run from 2019 to 2025 with
//! 2.5 times as many events a day after 15 August 2021.
//!
//! Deterministic for a seed: rows are made in chunks, each from its own
//! generator seeded by (seed, chunk), so the bytes do not depend on the
//! number of threads.

use crate::error::{Error, Result};
use crate::layer::Catalogue;
use crate::query::Locator;
use chrono::{Days, NaiveDate};
use geo::{Coord, Geometry, InteriorPoint};
use rayon::prelude::*;
use std::io::Write;

pub use crate::rng::Rng;

fn cumulative(w: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    w.into_iter()
        .map(|x| {
            acc += x;
            acc
        })
        .collect()
}

/// A place events cluster around.
#[derive(Debug, Clone)]
struct Centre {
    at: Coord,
    name: String,
    district: String,
    province: String,
}

/// The ACLED columns the synthetic events carry (a subset of a real export's,
/// same names and order).
pub const EVENT_COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
];

/// Columns of [`Synth::write_uniform`].
pub const UNIFORM_COLUMNS: &[&str] = &[
    "id",
    "event_date",
    "latitude",
    "longitude",
    "fatalities",
    "source",
];

/// The slim event file's columns (`--slim`): ACLED's names for the columns
/// the benchmarks use.
pub const SLIM_COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "event_type",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "source",
];

/// Refugee settlement columns.
pub const REFUGEE_COLUMNS: &[&str] = &[
    "settlement_id",
    "name",
    "province",
    "district",
    "latitude",
    "longitude",
    "individuals",
    "source",
];

/// (event type, sub event type, disorder type, share, can kill).
const TYPES: &[(&str, &str, &str, f64, bool)] = &[
    ("Battles", "Armed clash", "Political violence", 0.25, true),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "Political violence",
        0.18,
        true,
    ),
    (
        "Explosions/Remote violence",
        "Suicide bomb",
        "Political violence",
        0.04,
        true,
    ),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "Political violence",
        0.08,
        true,
    ),
    (
        "Violence against civilians",
        "Attack",
        "Political violence",
        0.17,
        true,
    ),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        "Political violence",
        0.04,
        false,
    ),
    (
        "Protests",
        "Peaceful protest",
        "Demonstrations",
        0.14,
        false,
    ),
    (
        "Riots",
        "Violent demonstration",
        "Demonstrations",
        0.05,
        true,
    ),
    (
        "Strategic developments",
        "Arrests",
        "Strategic developments",
        0.05,
        false,
    ),
];

/// The Taliban's return to Kabul; events are 2.5 times as frequent after.
pub fn split_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 8, 15).expect("date")
}

/// Synthetic data generator over the built-in layers.
pub struct Synth {
    centres: Vec<Centre>,
    centre_weights: Vec<f64>,
    districts: Vec<Centre>,
    district_pop: Vec<f64>,
    type_weights: Vec<f64>,
    locator: Locator,
}

fn interior(g: &Geometry) -> Option<Coord> {
    g.interior_point().map(|p| p.0)
}

impl Synth {
    /// Prepare the cluster centres from the built-in layers.
    pub fn new() -> Result<Self> {
        let districts = Catalogue::load("districts")?;
        let locator = Locator::new()?;
        let mut centres = Vec::new();
        let mut weights = Vec::new();
        let in_scope = |p: &str| p == "Khyber Pakhtunkhwa" || p == "Balochistan";
        let mut all = Vec::new();
        let mut all_pop = Vec::new();
        for f in &districts.features {
            let province = f.property_text("province").unwrap_or_default();
            let name = f.property_text("name").unwrap_or_default();
            let Some(at) = interior(&f.geometry) else {
                continue;
            };
            let pop = f
                .properties
                .get("population_2023")
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            let c = Centre {
                at,
                name: name.clone(),
                district: name,
                province: province.clone(),
            };
            all.push(c.clone());
            all_pop.push(pop);
            if in_scope(&province) {
                centres.push(c);
                weights.push(pop.sqrt());
            }
        }
        // Real towns: the CPEC towns and the crossings in KP and Balochistan.
        let towns: Vec<(String, Coord)> = crate::layer::towns()?
            .into_iter()
            .map(|t| (t.name, t.at))
            .collect();
        let town_weight = weights.iter().sum::<f64>() / weights.len().max(1) as f64 * 2.0;
        for (name, at) in towns {
            let loc = locator.locate(at);
            if let (Some(province), Some(district)) = (loc.province, loc.district)
                && in_scope(province)
            {
                centres.push(Centre {
                    at,
                    name,
                    district: district.to_string(),
                    province: province.to_string(),
                });
                weights.push(town_weight);
            }
        }
        // The Durand Line: a centre every ~25th vertex.
        let durand = Catalogue::load("durand-line")?;
        if let Geometry::LineString(l) = &durand.features[0].geometry {
            let n = l.0.len() / 25;
            for c in l.0.iter().step_by(25) {
                let loc = locator.locate(*c);
                if let (Some(province), Some(district)) = (loc.province, loc.district)
                    && in_scope(province)
                {
                    centres.push(Centre {
                        at: *c,
                        name: "Durand Line".into(),
                        district: district.to_string(),
                        province: province.to_string(),
                    });
                    weights.push(town_weight * 20.0 / n as f64);
                }
            }
        }
        if centres.is_empty() {
            return Err(Error::Build("no cluster centres for synthetic data".into()));
        }
        Ok(Synth {
            centres,
            centre_weights: cumulative(weights),
            districts: all,
            district_pop: all_pop,
            type_weights: cumulative(TYPES.iter().map(|t| t.3)),
            locator,
        })
    }

    fn date(&self, rng: &mut Rng) -> NaiveDate {
        let start = NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
        let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        let split = split_date();
        let before = (split - start).num_days() as f64;
        let after = (end - split).num_days() as f64 + 1.0;
        let (from, len) = if rng.f64() * (before + 2.5 * after) < before {
            (start, before)
        } else {
            (split, after)
        };
        from + Days::new((rng.f64() * len) as u64)
    }

    fn fatalities(rng: &mut Rng, can_kill: bool) -> u32 {
        if !can_kill || rng.f64() < 0.45 {
            return 0;
        }
        if rng.f64() < 0.04 {
            // Heavy tail: Pareto with alpha 1.1, capped.
            let x = 10.0 / rng.f64().max(1e-9).powf(1.0 / 1.1);
            return x.min(150.0) as u32;
        }
        // Geometric with mean about 2.
        let mut n = 1;
        while rng.f64() < 0.5 && n < 40 {
            n += 1;
        }
        n
    }

    /// One event row (as CSV text, newline included); `slim` keeps only
    /// [`SLIM_COLUMNS`].
    fn event(&self, i: u64, rng: &mut Rng, out: &mut String, slim: bool) {
        use std::fmt::Write as _;
        let c = &self.centres[rng.pick(&self.centre_weights)];
        let precision = match rng.f64() {
            x if x < 0.70 => 1,
            x if x < 0.95 => 2,
            _ => 3,
        };
        let sd_km = [2.0, 8.0, 25.0][precision - 1];
        // Jitter in km, turned into degrees at the centre's latitude (the
        // points are synthetic; only their spread uses this approximation),
        // drawn again until it lands in Pakistan; admin1 and admin2 are
        // where it landed.
        let (mut lat, mut lon) = (c.at.y, c.at.x);
        let (mut admin1, mut admin2) = (c.province.as_str(), c.district.as_str());
        for _ in 0..20 {
            let y = (c.at.y + rng.normal() * sd_km / 111.0).clamp(-90.0, 90.0);
            let x = (c.at.x + rng.normal() * sd_km / (111.0 * c.at.y.to_radians().cos()))
                .clamp(-180.0, 180.0);
            let loc = self.locator.locate(Coord { x, y });
            if let (Some(province), Some(district)) = (loc.province, loc.district) {
                (lat, lon, admin1, admin2) = (y, x, province, district);
                break;
            }
        }
        let t = &TYPES[rng.pick(&self.type_weights)];
        let fat = Self::fatalities(rng, t.4);
        let date = self.date(rng);
        if slim {
            let _ = writeln!(
                out,
                "SYN{i},{},{},{lat:.5},{lon:.5},{precision},{fat},synthetic",
                date.format("%Y-%m-%d"),
                t.0
            );
            return;
        }
        let _ = writeln!(
            out,
            "SYN{i},{},{},1,{},{},{},Synthetic actor,10,,586,Southern Asia,Pakistan,{},{},{},{lat:.5},{lon:.5},{precision},synthetic,Synthetic event near {},{fat}",
            date.format("%Y-%m-%d"),
            date.format("%Y"),
            t.2,
            t.0,
            t.1,
            admin1,
            admin2,
            c.name,
            c.name,
        );
    }

    /// Write `n` events as ACLED-shaped CSV.
    pub fn write_events(&self, n: u64, seed: u64, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{}", EVENT_COLUMNS.join(","))?;
        self.chunks(n, seed, out, |s, i, rng, buf| s.event(i, rng, buf, false))
    }

    /// Write `n` events with only [`SLIM_COLUMNS`] (the same points as
    /// [`Synth::write_events`] for the same seed).
    pub fn write_events_slim(
        &self,
        n: u64,
        seed: u64,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        writeln!(out, "{}", SLIM_COLUMNS.join(","))?;
        self.chunks(n, seed, out, |s, i, rng, buf| s.event(i, rng, buf, true))
    }

    /// Write `n` points uniform in longitude and latitude over `bbox`
    /// (`[min lon, min lat, max lon, max lat]`), for benchmarks that need
    /// points spread over a whole region rather than clustered: columns
    /// [`UNIFORM_COLUMNS`], dates uniform over 2019–2025, fatalities as in
    /// [`Synth::write_events`], `source` = synthetic.
    pub fn write_uniform(
        &self,
        n: u64,
        seed: u64,
        bbox: [f64; 4],
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        writeln!(out, "{}", UNIFORM_COLUMNS.join(","))?;
        let start = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
        self.chunks(n, seed, out, |_, i, rng, buf| {
            use std::fmt::Write as _;
            let lon = bbox[0] + (bbox[2] - bbox[0]) * rng.f64();
            let lat = bbox[1] + (bbox[3] - bbox[1]) * rng.f64();
            let date = start + chrono::Days::new((rng.f64() * 2556.0) as u64);
            let fat = ((-rng.f64().max(1e-12).ln()) * 2.0) as u64;
            let _ = writeln!(
                buf,
                "UNI{i},{},{lat:.5},{lon:.5},{fat},synthetic",
                date.format("%Y-%m-%d")
            );
        })
    }

    /// One refugee settlement row.
    fn settlement(&self, i: u64, rng: &mut Rng, out: &mut String, provinces: &[(&str, f64)]) {
        use std::fmt::Write as _;
        let pw = cumulative(provinces.iter().map(|p| p.1));
        let province = provinces[rng.pick(&pw)].0;
        let idx: Vec<usize> = (0..self.districts.len())
            .filter(|&j| self.districts[j].province == province)
            .collect();
        let dw = cumulative(idx.iter().map(|&j| self.district_pop[j].max(1.0)));
        let d = &self.districts[idx[rng.pick(&dw)]];
        let lat = d.at.y + rng.normal() * 5.0 / 111.0;
        let lon = d.at.x + rng.normal() * 5.0 / (111.0 * d.at.y.to_radians().cos());
        // Log-normal sizes, a few hundred to tens of thousands.
        let individuals = (7.0 + 1.2 * rng.normal()).exp().clamp(50.0, 80_000.0) as u64;
        let _ = writeln!(
            out,
            "SYNR{i},Synthetic settlement {i},{province},{},{lat:.5},{lon:.5},{individuals},synthetic",
            d.district
        );
    }

    /// Write `n` refugee settlements: roughly half in Khyber Pakhtunkhwa, a
    /// quarter in Balochistan, the rest in Punjab, Sindh and Islamabad, each
    /// province's share spread over its districts by population.
    pub fn write_refugees(&self, n: u64, seed: u64, out: &mut impl Write) -> std::io::Result<()> {
        const SHARES: &[(&str, f64)] = &[
            ("Khyber Pakhtunkhwa", 0.50),
            ("Balochistan", 0.25),
            ("Punjab", 0.15),
            ("Sindh", 0.06),
            ("Islamabad Capital Territory", 0.04),
        ];
        writeln!(out, "{}", REFUGEE_COLUMNS.join(","))?;
        self.chunks(n, seed ^ 0x0005_EED0_FAF6, out, |s, i, rng, buf| {
            s.settlement(i, rng, buf, SHARES)
        })
    }

    fn chunks(
        &self,
        n: u64,
        seed: u64,
        out: &mut impl Write,
        row: impl Fn(&Self, u64, &mut Rng, &mut String) + Sync,
    ) -> std::io::Result<()> {
        const CHUNK: u64 = 1 << 14;
        let chunks = n.div_ceil(CHUNK);
        let batch = 64;
        let mut start = 0;
        while start < chunks {
            let end = (start + batch).min(chunks);
            let texts: Vec<String> = (start..end)
                .into_par_iter()
                .map(|c| {
                    let mut rng = Rng::new(seed, c);
                    let mut buf = String::with_capacity(200 * CHUNK as usize);
                    for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                        row(self, i + 1, &mut rng, &mut buf);
                    }
                    buf
                })
                .collect();
            for t in texts {
                out.write_all(t.as_bytes())?;
            }
            start = end;
        }
        out.flush()
    }
}
