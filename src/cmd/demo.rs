//! `frontier demo`: the gallery in `renders/`, from the built-in layers,
//! synthetic data (labelled so on every map) and the reference events, and a
//! short per-district summary on standard output.

use super::CmdError;
use frontier::Catalogue;
use frontier::hotspots::{Areas, Options as HotspotOptions, hotspots};
use frontier::ingest::{PointSource, ReadOptions};
use frontier::query::DistanceIndex;
use frontier::render::HOTSPOT_CLASSES;
use frontier::render::chart::{self, ChartSpec, chart};
use frontier::render::classify::{Method, breaks};
use frontier::render::{Choropleth, Extent, Labels, MapSpec, PointDatum, PointsLayer, render};
use frontier::render::{Density, side_by_side};
use frontier::summary::{Group, Grouping, Options, Tally, summarize};
use frontier::synth::Synth;
use frontier::trend::{Grouping as TrendGrouping, Options as TrendOptions, trend};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tiny_skia::Pixmap;

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
        .filter(|p| idx.nearest(p.at, Some(km * 1000.0)).is_some())
        .cloned()
        .collect())
}

pub fn run(args: Args) -> Result<(), CmdError> {
    std::fs::create_dir_all(&args.out).map_err(|e| frontier::Error::io(&args.out, e))?;
    let work = std::env::temp_dir().join(format!("frontier-demo-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| frontier::Error::io(&work, e))?;
    let events_path = work.join("synthetic-events.csv");
    let refugees_path = work.join("synthetic-refugees.csv");
    let reference_path = work.join("events-reference.csv");
    let synth = Synth::new()?;
    let mut ev = super::Sink::file(&events_path)?;
    synth.write_events(args.events, args.seed, &mut ev)?;
    ev.finish()?;
    let mut rf = super::Sink::file(&refugees_path)?;
    synth.write_refugees(3_000, args.seed, &mut rf)?;
    rf.finish()?;
    super::write_whole(&reference_path, REFERENCE.as_bytes())?;

    let opts = ReadOptions::default();
    let ev = events_path.to_string_lossy().into_owned();
    let read = |path: &str, typed: bool| -> Result<(Vec<PointDatum>, String), CmdError> {
        let mut src = PointSource::open(path, &opts)?;
        let (c, s) = if typed {
            (Some("event_type"), Some("fatalities"))
        } else {
            (None, None)
        };
        let r = PointsLayer::read(&mut src, c, s)?;
        Ok((r.points, r.credit))
    };
    let (typed, credit) = read(&ev, true)?;
    let (reference, ref_credit) = read(&reference_path.to_string_lossy(), true)?;
    let ref_credit = format!("{ref_credit} (press reports)");
    let n = args.events;

    // 1. Overview: every built-in layer, and the reference events.
    let map = render(&MapSpec {
        title: Some("The Pakistan–Afghanistan border region".into()),
        subtitle: Some("Durand Line, provinces and districts, CPEC corridors, crossings; eight widely reported attacks 2021–2024".into()),
        points: Some(PointsLayer {
            points: reference.clone(),
            color_by: Some("Reported attack (event type)".into()),
            size_by: Some("Fatalities".into()),
        }),
        labels: Labels::Towns,
        sources: vec![ref_credit.clone()],
        ..Default::default()
    })?;
    save(&map.pixmap, &args.out.join("01-overview.png"))?;

    // 2. Incidents within 50 km of the Durand Line.
    let near = within(&typed, "durand-line", 50.0)?;
    let map = render(&MapSpec {
        extent: Extent::Named("durand-line".into()),
        title: Some("Incidents within 50 km of the Durand Line".into()),
        subtitle: Some(format!(
            "{} of {n} synthetic events, coloured by event type, sized by fatalities",
            near.len()
        )),
        points: Some(PointsLayer {
            points: near,
            color_by: Some("Event type".into()),
            size_by: Some("Fatalities".into()),
        }),
        sources: vec![credit.clone()],
        ..Default::default()
    })?;
    save(&map.pixmap, &args.out.join("02-durand-50km.png"))?;

    // 3. Events per 100,000 people by district, KP and Balochistan.
    let mut src = PointSource::open(&ev, &opts)?;
    let districts = Catalogue::shared("districts")?;
    let summary = summarize(
        &mut src,
        Grouping::Districts,
        Options {
            value: Some("fatalities".into()),
            split: Some(frontier::synth::split_date()),
            ..Default::default()
        },
    )?;
    let in_scope = |p: &Option<String>| {
        matches!(
            p.as_deref(),
            Some("Khyber Pakhtunkhwa") | Some("Balochistan")
        )
    };
    // One value per district in scope, from the typed summary.
    let per = |value: &dyn Fn(&Group, &Tally) -> Option<f64>| -> BTreeMap<String, Option<f64>> {
        summary
            .groups
            .iter()
            .filter(|(g, _)| in_scope(&g.province))
            .map(|(g, t)| (g.name.clone(), value(g, t)))
            .collect()
    };
    let kp_bal = Extent::BBox([60.5, 24.5, 74.3, 36.6]);
    let map = render(&MapSpec {
        extent: kp_bal.clone(),
        title: Some("Events per 100,000 people, Khyber Pakhtunkhwa and Balochistan".into()),
        subtitle: Some(format!(
            "{n} synthetic events 2019–2025 by district; Census 2023 population; quantile classes"
        )),
        choropleth: Some(Choropleth {
            layer: districts.clone(),
            values: per(&|g, t| g.per_100k(t.count as f64)),
            title: "Events per 100,000".into(),
            classes: 5,
            method: Method::Quantile,
            palette: "ylorrd".into(),
            percent: false,
            breaks: None,
            categories: None,
        }),
        sources: vec![credit.clone()],
        ..Default::default()
    })?;
    save(&map.pixmap, &args.out.join("03-events-per-100k.png"))?;

    // 4. Before and after 15 August 2021: two panels, the same classes.
    let before = per(&|_, t| summary.per_365d(t).and_then(|(b, _)| b));
    let after = per(&|_, t| summary.per_365d(t).and_then(|(_, a)| a));
    let all: Vec<f64> = before
        .values()
        .chain(after.values())
        .filter_map(|v| *v)
        .collect();
    let shared = breaks(&all, 5, Method::Quantile);
    let panel = |values: BTreeMap<String, Option<f64>>, title: &str| {
        render(&MapSpec {
            size: (1000, 1100),
            extent: kp_bal.clone(),
            title: Some(title.into()),
            subtitle: Some("Synthetic events per year, by district".into()),
            choropleth: Some(Choropleth {
                layer: districts.clone(),
                values,
                title: "Events per 365 days".into(),
                classes: 5,
                method: Method::Quantile,
                palette: "ylorrd".into(),
                percent: false,
                breaks: Some(shared.clone()),
                categories: None,
            }),
            sources: vec!["synthetic data".into()],
            ..Default::default()
        })
    };
    let (a, b) = (
        panel(before, "Before 15 August 2021")?,
        panel(after, "From 15 August 2021")?,
    );
    let both = side_by_side(&[a.pixmap, b.pixmap])?;
    save(&both, &args.out.join("04-before-after.png"))?;

    // 5. Waziristan close-up; 6. Chaman close-up.
    for (file, extent, title, labels) in [
        (
            "05-waziristan.png",
            "waziristan",
            "Waziristan",
            Labels::Districts,
        ),
        (
            "06-chaman.png",
            "chaman",
            "Chaman and the Chaman–Spin Boldak crossing",
            Labels::All,
        ),
    ] {
        let map = render(&MapSpec {
            extent: Extent::Named(extent.into()),
            title: Some(title.into()),
            subtitle: Some("Synthetic events, coloured by event type, sized by fatalities".into()),
            points: Some(PointsLayer {
                points: typed.clone(),
                color_by: Some("Event type".into()),
                size_by: Some("Fatalities".into()),
            }),
            labels,
            sources: vec![credit.clone()],
            ..Default::default()
        })?;
        save(&map.pixmap, &args.out.join(file))?;
    }

    // 7. CPEC corridors with incidents within 10 km.
    let near_cpec = within(&typed, "cpec", 10.0)?;
    let map = render(&MapSpec {
        extent: Extent::Named("cpec".into()),
        title: Some("CPEC corridors: incidents within 10 km".into()),
        subtitle: Some(format!(
            "{} of {n} synthetic events within 10 km of a (schematic) alignment",
            near_cpec.len()
        )),
        points: Some(PointsLayer {
            points: near_cpec,
            color_by: Some("Event type".into()),
            size_by: Some("Fatalities".into()),
        }),
        labels: Labels::Towns,
        sources: vec![credit.clone()],
        ..Default::default()
    })?;
    save(&map.pixmap, &args.out.join("07-cpec-10km.png"))?;

    // 8. Refugee settlements as density.
    let (settlements, _) = read(&refugees_path.to_string_lossy(), false)?;
    let map = render(&MapSpec {
        title: Some("Afghan refugee settlements (synthetic)".into()),
        subtitle: Some("3,000 synthetic settlements: half in KP, a quarter in Balochistan, spread by district population".into()),
        density: Some(Density::new(
            settlements.iter().map(|p| p.at).collect(),
            "Settlements",
        )),
        sources: vec!["synthetic data (frontier synth)".into()],
        ..Default::default()
    })?;
    save(&map.pixmap, &args.out.join("08-refugees-density.png"))?;

    // 9. The monthly trend in KP and Balochistan, split at 15 August 2021.
    let split = frontier::synth::split_date();
    let mut src = PointSource::open(&ev, &opts)?;
    let t = trend(
        &mut src,
        TrendGrouping::Areas(Grouping::Provinces),
        TrendOptions {
            split: Some(split),
            ..Default::default()
        },
    )?;
    let only = ["Khyber Pakhtunkhwa".to_string(), "Balochistan".to_string()];
    let pm = chart(&ChartSpec {
        size: (1600, 800),
        title: "Synthetic events per month: Khyber Pakhtunkhwa and Balochistan".into(),
        subtitle: Some(format!(
            "{} synthetic events; split at 15 August 2021, fitted by a segmented quasi-Poisson regression (frontier trend)",
            frontier::output::thousands(n as i64)
        )),
        y_label: "events per month".into(),
        period: t.period,
        panels: chart::panels(&t, 12, &only),
        split: Some(split),
        sources: vec!["synthetic data (frontier synth)".into()],
    })?;
    save(&pm, &args.out.join("09-trend-kp-balochistan.png"))?;

    // 10. Hot spots before and after, side by side.
    let mut src = PointSource::open(&ev, &opts)?;
    let h = hotspots(
        &mut src,
        Areas::Polygons(Grouping::Districts),
        HotspotOptions {
            split: Some(split),
            ..Default::default()
        },
    )?;
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
        render(&MapSpec {
            size: (1000, 1100),
            extent: kp_bal.clone(),
            title: Some(title.into()),
            subtitle: Some(
                "Getis–Ord Gi* of synthetic events per district, queen neighbours".into(),
            ),
            choropleth: Some(Choropleth {
                layer: districts.clone(),
                values,
                title: "Hot and cold spots (FDR)".into(),
                classes: 7,
                method: Method::Quantile,
                palette: "ylorrd".into(),
                percent: false,
                breaks: None,
                categories: Some(
                    HOTSPOT_CLASSES
                        .iter()
                        .map(|(n, c)| (n.to_string(), *c))
                        .collect(),
                ),
            }),
            sources: vec!["synthetic data".into()],
            ..Default::default()
        })
    };
    let (a, b) = (
        panel(classes(before), "Hot spots before 15 August 2021")?,
        panel(classes(after), "Hot spots from 15 August 2021")?,
    );
    save(
        &side_by_side(&[a.pixmap, b.pixmap])?,
        &args.out.join("10-hotspots-before-after.png"),
    )?;

    // The per-district summary.
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
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
