//! `frontier demo`: the gallery in `renders/`, from the built-in layers,
//! synthetic data (labelled so on every map) and the reference events, and a
//! short per-district summary on standard output. The space-time pictures
//! (the Near Repeat table, emerging hot spots) are drawn in [`spacetime`].

use super::CmdError;
use frontier::Catalogue;
use frontier::hotspots::{Areas, Options as HotspotOptions, hotspots};
use frontier::ingest::{PointSource, ReadOptions};
use frontier::query::DistanceIndex;
use frontier::render::HOTSPOT_CLASSES;
use frontier::render::chart::{self, ChartSpec, chart};
use frontier::render::classify::{Method, breaks};
use frontier::render::side_by_side;
use frontier::render::{Choropleth, Extent, MapSpec, PointDatum, PointsLayer, render};
use frontier::summary::{Group, Grouping, Options, Summary, Tally, summarize};
use frontier::synth::Synth;
use frontier::trend::{Grouping as TrendGrouping, Options as TrendOptions, trend};
use frontier::window::Window;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tiny_skia::Pixmap;

mod spacetime;

const REFERENCE: &str = include_str!("../../assets/events-reference.csv");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the gallery.
    #[arg(long, default_value = "renders")]
    out: PathBuf,
    /// Synthetic events to draw.
    #[arg(long, default_value_t = 20_000)]
    events: u64,
    /// Seed for the synthetic data.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
}

fn save(pm: &Pixmap, path: &Path) -> Result<(), CmdError> {
    let png = pm
        .encode_png()
        .map_err(|e| CmdError::Usage(format!("encoding PNG: {e}")))?;
    super::write_whole(path, &png)?;
    println!("wrote {}", path.display());
    Ok(())
}

fn within(points: &[PointDatum], layer: &str, km: f64) -> Result<Vec<PointDatum>, CmdError> {
    let idx = DistanceIndex::new(&Catalogue::load(layer)?);
    Ok(points
        .iter()
        .filter(|p| matches!(idx.nearest(p.at, Some(km * 1000.0)), Ok(Some(_))))
        .cloned()
        .collect())
}

/// The fewest synthetic events the gallery can be drawn from.
const MIN_EVENTS: u64 = 1000;

/// KP and Balochistan, the extent of the before/after maps.
const KP_BALOCHISTAN: [f64; 4] = [60.5, 24.5, 74.3, 36.6];

/// Where the gallery goes: the pictures, the data they are drawn from
/// (synthetic, regenerated every run) and the maps' spec files.
struct Folders {
    out: PathBuf,
    work: PathBuf,
    specs: PathBuf,
}

/// The data files the pictures read.
struct Data {
    events: PathBuf,
    refugees: PathBuf,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    if args.events < MIN_EVENTS {
        return Err(CmdError::Usage(format!(
            "--events {}: the gallery needs at least {MIN_EVENTS} synthetic events (its trend and before/after maps need events on both sides of 15 August 2021 in many districts)",
            args.events
        )));
    }
    // The gallery reads back the data it writes: each file is in place as
    // soon as it is complete.
    super::files::commit_each_file();
    let dirs = folders(&args.out)?;
    let data = write_data(&dirs, args.events, args.seed)?;
    write_points_near_lines(&dirs, &data)?;
    let summary = district_summary(&dirs, &data)?;
    render_specs(&dirs)?;
    before_after_map(&dirs, &summary)?;
    trend_chart(&dirs, &data, args.events)?;
    hotspot_maps(&dirs, &data)?;
    // 11 and 12. Near repeats and emerging hot spots, with planted
    // processes.
    spacetime::pictures(&dirs.out, &dirs.work, &dirs.specs, &data.events, args.seed)?;
    print_top_districts(&summary);
    Ok(())
}

/// Make the gallery's folders (saying so when it replaces files).
fn folders(out: &Path) -> Result<Folders, CmdError> {
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!(
            "frontier: demo: writing the gallery into {} (its files there are replaced)",
            out.display()
        );
    }
    let dirs = Folders {
        out: out.to_path_buf(),
        work: out.join("data"),
        specs: out.join("specs"),
    };
    for d in [&dirs.out, &dirs.work, &dirs.specs] {
        std::fs::create_dir_all(d).map_err(|e| frontier::Error::io(d, e))?;
    }
    Ok(dirs)
}

/// Write the synthetic events and refugee settlements and the reference
/// events into the data folder.
fn write_data(dirs: &Folders, events: u64, seed: u64) -> Result<Data, CmdError> {
    let data = Data {
        events: dirs.work.join("synthetic-events.csv"),
        refugees: dirs.work.join("synthetic-refugees.csv"),
    };
    let synth = Synth::new()?;
    let mut ev = super::Sink::file(&data.events)?;
    synth.write_events(events, seed, &mut ev)?;
    ev.finish()?;
    let mut rf = super::Sink::file(&data.refugees)?;
    synth.write_refugees(3_000, seed, &mut rf)?;
    rf.finish()?;
    super::write_whole(
        &dirs.work.join("events-reference.csv"),
        REFERENCE.as_bytes(),
    )?;
    Ok(data)
}

/// The events as a path string, for [`PointSource::open`].
fn events_path(data: &Data) -> String {
    data.events.to_string_lossy().into_owned()
}

/// Points within a distance of a layer, for maps 2 and 7: the events
/// within 50 km of the Durand Line and within 10 km of CPEC.
fn write_points_near_lines(dirs: &Folders, data: &Data) -> Result<(), CmdError> {
    let typed = {
        let mut src = PointSource::open(&events_path(data), &ReadOptions::default())?;
        PointsLayer::read(&mut src, Some("event_type"), Some("fatalities"))?.points
    };
    let near = within(&typed, "durand-line", 50.0)?;
    write_points(&dirs.work.join("events-near-durand-50km.csv"), &near)?;
    let near = within(&typed, "cpec", 10.0)?;
    write_points(&dirs.work.join("events-near-cpec-10km.csv"), &near)?;
    Ok(())
}

/// Whether a district's province is KP or Balochistan.
fn in_scope(province: &Option<String>) -> bool {
    matches!(
        province.as_deref(),
        Some("Khyber Pakhtunkhwa") | Some("Balochistan")
    )
}

/// One value per district of KP and Balochistan, from the summary.
fn per_district(
    summary: &Summary,
    value: &dyn Fn(&Group, &Tally) -> Option<f64>,
) -> BTreeMap<String, Option<f64>> {
    summary
        .groups
        .iter()
        .filter(|(g, _)| in_scope(&g.province))
        .map(|(g, t)| (g.name.clone(), value(g, t)))
        .collect()
}

/// Events per district (fatalities summed, split at 15 August 2021), and
/// the table of events per 100,000 people that map 3 draws.
fn district_summary(dirs: &Folders, data: &Data) -> Result<Summary, CmdError> {
    let mut src = PointSource::open(&events_path(data), &ReadOptions::default())?;
    let mut options = Options::default();
    options.value = Some("fatalities".into());
    options.window = Window::new(None, None, Some(frontier::synth::split_date()), None)?;
    let summary = summarize(&mut src, Grouping::Districts, options)?;
    write_table(
        &dirs.work.join("summary-kp-balochistan.csv"),
        "events_per_100k",
        &per_district(&summary, &|g, t| g.per_100k(t.count as f64)),
    )?;
    Ok(summary)
}

/// Maps 1–3 and 5–8: the spec files, rendered as `frontier render
/// --spec` does; map 5 also as SVG and PDF.
fn render_specs(dirs: &Folders) -> Result<(), CmdError> {
    for (name, text) in SPECS {
        let spec_path = dirs.specs.join(format!("{name}.toml"));
        if std::fs::read_to_string(&spec_path).ok().as_deref() != Some(*text) {
            super::write_whole(&spec_path, text.as_bytes())?;
        }
        let formats: &[&str] = if *name == "05-waziristan" {
            &["png", "svg", "pdf"]
        } else {
            &["png"]
        };
        for ext in formats {
            let out = dirs.out.join(format!("{name}.{ext}"));
            let plan = super::render::plan(super::render::Args {
                spec: Some(spec_path.clone()),
                output: Some(out.clone()),
                ..Default::default()
            })?;
            let bytes = frontier::render::render_to(&plan.spec, plan.format)?;
            super::write_whole(&out, &bytes)?;
            println!("wrote {}", out.display());
        }
    }
    Ok(())
}

/// A district map of KP and Balochistan, 1000 × 1100 pixels, labelled
/// synthetic.
fn district_panel(
    title: &str,
    subtitle: &str,
    choropleth: Choropleth,
) -> Result<frontier::render::Rendered, CmdError> {
    let mut spec = MapSpec::default();
    spec.size = (1000, 1100);
    spec.extent = Extent::BBox(KP_BALOCHISTAN);
    spec.title = Some(title.into());
    spec.subtitle = Some(subtitle.into());
    spec.choropleth = Some(choropleth);
    spec.sources = vec!["synthetic data".into()];
    Ok(render(&spec)?)
}

/// Map 4, before and after 15 August 2021: two panels, the same classes.
fn before_after_map(dirs: &Folders, summary: &Summary) -> Result<(), CmdError> {
    let districts = Catalogue::shared("districts")?;
    let before = per_district(summary, &|_, t| summary.per_365d(t).and_then(|(b, _)| b));
    let after = per_district(summary, &|_, t| summary.per_365d(t).and_then(|(_, a)| a));
    let all: Vec<f64> = before
        .values()
        .chain(after.values())
        .filter_map(|v| *v)
        .collect();
    let shared = breaks(&all, 5, Method::Quantile);
    let panel = |values: BTreeMap<String, Option<f64>>, title: &str| {
        let mut choropleth = Choropleth::new(districts.clone(), values, "Events per 365 days");
        choropleth.breaks = Some(shared.clone());
        district_panel(title, "Synthetic events per year, by district", choropleth)
    };
    let (a, b) = (
        panel(before, "Before 15 August 2021")?,
        panel(after, "From 15 August 2021")?,
    );
    let both = side_by_side(&[a.pixmap, b.pixmap])?;
    save(&both, &dirs.out.join("04-before-after.png"))
}

/// Chart 9, the monthly trend in KP and Balochistan, split at 15 August
/// 2021.
fn trend_chart(dirs: &Folders, data: &Data, events: u64) -> Result<(), CmdError> {
    let split = frontier::synth::split_date();
    let mut src = PointSource::open(&events_path(data), &ReadOptions::default())?;
    let mut options = TrendOptions::default();
    options.window = Window::new(None, None, Some(split), None)?;
    let t = trend(&mut src, TrendGrouping::Areas(Grouping::Provinces), options)?;
    let only = ["Khyber Pakhtunkhwa".to_string(), "Balochistan".to_string()];
    let mut spec = ChartSpec::new(
        (1600, 800),
        "Synthetic events per month: Khyber Pakhtunkhwa and Balochistan",
        "events per month",
        t.period,
        chart::panels(&t, 12, &only),
    );
    spec.subtitle = Some(format!(
        "{} synthetic events; split at 15 August 2021, fitted by a segmented quasi-Poisson regression (frontier trend)",
        frontier::output::thousands(events as i64)
    ));
    spec.split = Some(split);
    spec.sources = vec!["synthetic data (frontier synth)".into()];
    let pm = chart(&spec)?;
    save(&pm, &dirs.out.join("09-trend-kp-balochistan.png"))
}

/// Map 10, hot spots before and after, side by side.
fn hotspot_maps(dirs: &Folders, data: &Data) -> Result<(), CmdError> {
    let districts = Catalogue::shared("districts")?;
    let split = frontier::synth::split_date();
    let mut src = PointSource::open(&events_path(data), &ReadOptions::default())?;
    let mut options = HotspotOptions::default();
    options.window = Window::new(None, None, Some(split), None)?;
    let h = hotspots(&mut src, Areas::Polygons(Grouping::Districts), options)?;
    let Some((_, before, after)) = &h.split else {
        unreachable!("a split was asked for")
    };
    let classes = |a: &frontier::hotspots::Analysis| -> BTreeMap<String, Option<f64>> {
        h.areas
            .iter()
            .zip(&a.classes)
            .map(|(area, c)| {
                let i = HOTSPOT_CLASSES.iter().position(|(n, _)| n == c);
                (area.name.clone(), i.map(|i| i as f64))
            })
            .collect()
    };
    let panel = |values: BTreeMap<String, Option<f64>>, title: &str| {
        district_panel(
            title,
            "Getis–Ord Gi* of synthetic events per district, queen neighbours",
            {
                let mut ch = Choropleth::new(districts.clone(), values, "Hot and cold spots (FDR)");
                ch.classes = 7;
                ch.categories = Some(
                    HOTSPOT_CLASSES
                        .iter()
                        .map(|(n, c)| (n.to_string(), *c))
                        .collect(),
                );
                ch
            },
        )
    };
    let (a, b) = (
        panel(classes(before), "Hot spots before 15 August 2021")?,
        panel(classes(after), "Hot spots from 15 August 2021")?,
    );
    save(
        &side_by_side(&[a.pixmap, b.pixmap])?,
        &dirs.out.join("10-hotspots-before-after.png"),
    )
}

/// The per-district summary on standard output: the ten districts of KP
/// and Balochistan with the most events per 100,000 people.
fn print_top_districts(summary: &Summary) {
    println!();
    println!("Synthetic events per 100,000 people, top districts of KP and Balochistan");
    println!(
        "{:<22} {:<20} {:>7} {:>9} {:>7} {:>7}",
        "district", "province", "events", "per 100k", "before", "after"
    );
    let mut top: Vec<(&Group, &Tally, f64)> = summary
        .groups
        .iter()
        .filter(|(g, _)| in_scope(&g.province))
        .filter_map(|(g, t)| Some((g, t, g.per_100k(t.count as f64)?)))
        .collect();
    top.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.name.cmp(&b.0.name)));
    for (g, t, p) in top.iter().take(10) {
        println!(
            "{:<22} {:<20} {:>7} {:>9.1} {:>7} {:>7}",
            g.name,
            g.province.clone().unwrap_or_default(),
            t.count,
            p,
            t.before,
            t.after
        );
    }
}

/// The gallery's maps kept as spec files (renders/specs/), rendered by the
/// demo and written beside the gallery.
const SPECS: &[(&str, &str)] = &[
    (
        "01-overview",
        include_str!("../../renders/specs/01-overview.toml"),
    ),
    (
        "02-durand-50km",
        include_str!("../../renders/specs/02-durand-50km.toml"),
    ),
    (
        "03-events-per-100k",
        include_str!("../../renders/specs/03-events-per-100k.toml"),
    ),
    (
        "05-waziristan",
        include_str!("../../renders/specs/05-waziristan.toml"),
    ),
    (
        "06-chaman",
        include_str!("../../renders/specs/06-chaman.toml"),
    ),
    (
        "07-cpec-10km",
        include_str!("../../renders/specs/07-cpec-10km.toml"),
    ),
    (
        "08-refugees-density",
        include_str!("../../renders/specs/08-refugees-density.toml"),
    ),
];

/// Points as a small CSV (position, event type, fatalities), labelled
/// synthetic.
fn write_points(path: &Path, points: &[PointDatum]) -> Result<(), CmdError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| CmdError::Usage(format!("{}: {e}", path.display()));
    w.write_record([
        "latitude",
        "longitude",
        "event_type",
        "fatalities",
        "source",
    ])
    .map_err(csv_err)?;
    for p in points {
        w.write_record([
            format!("{:.5}", p.at.y),
            format!("{:.5}", p.at.x),
            p.category.clone().unwrap_or_default(),
            p.size.map(|v| v.to_string()).unwrap_or_default(),
            "synthetic".to_string(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| CmdError::Usage(e.to_string()))?;
    super::write_whole(path, &bytes)
}

/// A district table with one value column (empty where there is none).
fn write_table(
    path: &Path,
    column: &str,
    values: &BTreeMap<String, Option<f64>>,
) -> Result<(), CmdError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| CmdError::Usage(format!("{}: {e}", path.display()));
    w.write_record(["district", column]).map_err(csv_err)?;
    for (name, v) in values {
        w.write_record([
            name.clone(),
            v.map(|v| format!("{v:.3}")).unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| CmdError::Usage(e.to_string()))?;
    super::write_whole(path, &bytes)
}
