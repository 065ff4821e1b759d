//! The gallery's space-time pictures: the Near Repeat table of the demo's
//! synthetic events with planted near repeats and a planted spillover
//! across the Durand Line, and the districts' emerging hot spots, both
//! labelled synthetic.

use super::save;
use crate::cmd::CmdError;
use frontier::Catalogue;
use frontier::hotspots::Areas;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::output::{TableFormat, thousands, write_table_exact};
use frontier::query::{DistanceIndex, Locator};
use frontier::render::heat_table::{HeatTable, heat_table};
use frontier::spacetime::plant::{Event, Offspring, across, near_repeats};
use frontier::spacetime::{EmergingOptions, Outcome, Test, emerging, test_file};
use frontier::summary::Grouping;
use frontier::window::Window;
use geo::Coord;
use std::path::Path;

/// Permutations of the dates for the pictures' p-values.
const PERMUTATIONS: usize = 199;
/// Their seed.
const SEED: u64 = 12345;

/// The planted processes, as the pictures' notes and docs/spacetime.md
/// describe them.
const NEAR_REPEATS: Offspring = Offspring {
    share: 0.2,
    metres: (0.0, 1000.0),
    days: (1, 7),
};
/// Afghan-side events: for events within 30 km of the Durand Line, some
/// across it, 5–40 km away, within half a year either way (no lead or lag).
const AFGHAN_SIDE: Offspring = Offspring {
    share: 0.6,
    metres: (5000.0, 40_000.0),
    days: (-180, 180),
};
/// The spillover: Afghan-side events making one on the Pakistani side
/// 1–25 km away, 1–14 days later.
const SPILLOVER: Offspring = Offspring {
    share: 0.35,
    metres: (1000.0, 25_000.0),
    days: (1, 14),
};

/// Draw the Near Repeat table (11) and the emerging hot spots (12) from
/// the demo's synthetic events at `events`, writing their data into
/// `work` and their map file into `specs`.
pub(super) fn pictures(
    out: &Path,
    work: &Path,
    specs: &Path,
    events: &Path,
    seed: u64,
) -> Result<(), CmdError> {
    let base = read(events)?;
    let near = near_repeats(&base, &NEAR_REPEATS, seed);
    let locator = Locator::new()?;
    let line = DistanceIndex::new(&Catalogue::load("durand-line")?);
    let by_line: Vec<Event> = base
        .iter()
        .filter(|e| matches!(line.nearest(e.at, Some(30_000.0)), Ok(Some(_))))
        .copied()
        .collect();
    let afghan = across(&by_line, &AFGHAN_SIDE, "AFG", &locator, seed);
    let spill = across(&afghan, &SPILLOVER, "PAK", &locator, seed + 1);
    let path = work.join("synthetic-spacetime.csv");
    write_events(
        &path,
        &[
            ("background", &base),
            ("near-repeat", &near),
            ("afghan-side", &afghan),
            ("spillover", &spill),
        ],
    )?;
    let p = path.to_string_lossy().into_owned();
    let opts = ReadOptions::default();
    // The synthetic events' own days: planted events that fall outside
    // them are left out (and counted so) rather than make thin periods at
    // the ends.
    let window = Window::new(
        base.iter().map(|e| e.date).min(),
        base.iter().map(|e| e.date).max(),
        None,
        None,
    )?;

    // 11. The Near Repeat table, and the lead–lag count in its notes.
    let (space, days) = (
        vec![0.0, 1000.0, 2000.0, 5000.0, 10_000.0],
        vec![0, 7, 14, 30, 60],
    );
    let t = test_file(
        &mut PointSource::open(&p, &opts)?,
        Test::Bands {
            space_m: space,
            days,
        },
        &window,
        None,
        PERMUTATIONS,
        SEED,
    )?;
    let Outcome::Bands(bands) = &t.outcome else {
        unreachable!("a table was asked for")
    };
    let lead_lag = test_file(
        &mut PointSource::open(&p, &opts)?,
        Test::LeadLag {
            lead: "side=AFG".parse().map_err(CmdError::Usage)?,
            follow: "side=PAK".parse().map_err(CmdError::Usage)?,
            space_m: 25_000.0,
            days: 14,
        },
        &window,
        None,
        PERMUTATIONS,
        SEED,
    )?;
    let Outcome::LeadLag(dirs) = &lead_lag.outcome else {
        unreachable!("a lead-lag count was asked for")
    };
    let direction = |i: usize| {
        let d = &dirs[i];
        format!(
            "{}: {} pairs against {} expected (ratio {}, p = {})",
            d.direction.replace("side=", "").replace("->", "→"),
            thousands(d.observed as i64),
            d.expected
                .map_or("–".into(), |e| thousands(e.round() as i64)),
            d.ratio.map_or("–".into(), |r| format!("{r:.2}")),
            d.p_sim.map_or("–".into(), |p| format!("{p:.3}")),
        )
    };
    let (rows, columns, cells) = HeatTable::bands(bands);
    let mut spec = HeatTable::new(
        (1600, 1000),
        "Near repeats: do synthetic events make others nearby within days?",
        rows,
        columns,
        cells,
    );
    spec.subtitle = Some(format!(
        "{} SYNTHETIC events 2019–2025 (frontier synth, with planted near repeats and a planted spillover across the Durand Line); frontier knox --space-bands 0,1,2,5,10km --time-bands 0,7,14,30,60d",
        thousands(t.account.counted as i64)
    ));
    spec.permutations = PERMUTATIONS;
    spec.notes = vec![
            format!(
                "Planted: {:.0}% of the events make one more 0–1 km away 1–7 days later; {:.0}% of the events on the Afghan side make one on the Pakistani side 1–25 km away 1–14 days later.",
                NEAR_REPEATS.share * 100.0,
                SPILLOVER.share * 100.0
            ),
            "Distances geodesic on WGS84; a band holds its upper end (the first both ends). Expected: the mean over permutations of the dates; each cell is one test, not corrected for the table's 16.".into(),
            format!(
                "Lead–lag across the Durand Line within 25 km and 14 days: {}; {}.",
                direction(0),
                direction(1)
            ),
            "Pairs close in space and time more often than chance show a space-time interaction, not that one event caused another.".into(),
        ];
    spec.sources = vec!["synthetic data (frontier synth, planted processes)".into()];
    let pm = heat_table(&spec)?;
    save(&pm, &out.join("11-near-repeat-table.png"))?;

    // 12. Emerging hot spots of the districts, monthly.
    let mut options = EmergingOptions::default();
    options.window = window;
    let e = emerging(
        &mut PointSource::open(&p, &opts)?,
        Areas::Polygons(Grouping::Districts),
        options,
    )?;
    let mut table = Vec::new();
    let (cols, rows) = e.table(false);
    write_table_exact(&mut table, TableFormat::Csv, &cols, &rows)?;
    crate::cmd::write_whole(&work.join("emerging-districts.csv"), &table)?;
    let spec_path = specs.join("12-emerging-hot-spots.toml");
    if std::fs::read_to_string(&spec_path).ok().as_deref() != Some(EMERGING_SPEC) {
        crate::cmd::write_whole(&spec_path, EMERGING_SPEC.as_bytes())?;
    }
    let png = out.join("12-emerging-hot-spots.png");
    let plan = crate::cmd::render::plan(crate::cmd::render::Args {
        spec: Some(spec_path),
        output: Some(png.clone()),
        ..Default::default()
    })?;
    crate::cmd::write_whole(&png, &frontier::render::render_to(&plan.spec, plan.format)?)?;
    println!("wrote {}", png.display());
    Ok(())
}

/// The map file of picture 12 (kept in renders/specs/).
const EMERGING_SPEC: &str = include_str!("../../../renders/specs/12-emerging-hot-spots.toml");

/// The dated places of the demo's synthetic events.
fn read(path: &Path) -> Result<Vec<Event>, CmdError> {
    let origin = path.display().to_string();
    let mut r = csv::Reader::from_path(path).map_err(|e| frontier::Error::Csv {
        origin: origin.clone(),
        source: e,
    })?;
    let h = r
        .headers()
        .map_err(|e| frontier::Error::Csv {
            origin: origin.clone(),
            source: e,
        })?
        .clone();
    let col = |n: &str| {
        h.iter()
            .position(|c| c == n)
            .ok_or_else(|| CmdError::Usage(format!("{origin}: no column {n}")))
    };
    let (d, la, lo) = (col("event_date")?, col("latitude")?, col("longitude")?);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| frontier::Error::Csv {
            origin: origin.clone(),
            source: e,
        })?;
        let bad = || CmdError::Usage(format!("{origin}: unreadable synthetic row {rec:?}"));
        out.push(Event {
            at: Coord {
                x: rec[lo].parse().map_err(|_| bad())?,
                y: rec[la].parse().map_err(|_| bad())?,
            },
            date: rec[d].parse().map_err(|_| bad())?,
        });
    }
    Ok(out)
}

/// The events of each kind as one CSV, labelled synthetic.
fn write_events(path: &Path, kinds: &[(&str, &[Event])]) -> Result<(), CmdError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| CmdError::Usage(format!("{}: {e}", path.display()));
    w.write_record([
        "id",
        "event_date",
        "latitude",
        "longitude",
        "kind",
        "source",
    ])
    .map_err(csv_err)?;
    let mut id = 0;
    for (kind, events) in kinds {
        for e in events.iter() {
            id += 1;
            w.write_record([
                format!("SYNST{id}"),
                e.date.to_string(),
                format!("{:.6}", e.at.y),
                format!("{:.6}", e.at.x),
                kind.to_string(),
                "synthetic".into(),
            ])
            .map_err(csv_err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| CmdError::Usage(e.to_string()))?;
    crate::cmd::write_whole(path, &bytes)
}
