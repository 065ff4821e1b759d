//! Benchmarks on the real layers with synthetic points (generated here with
//! frontier's own seeded generator; not real events).
//!
//! Run: `cargo bench --bench frontier` (or one group: `cargo bench --bench frontier -- render`).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use frontier::Catalogue;
use frontier::index::PolygonIndex;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::query::{DistanceIndex, Locator};
use frontier::render::{Extent, MapSpec, PointDatum, PointsLayer, render};
use frontier::summary;
use frontier::synth::{Rng, Synth, split_date};
use geo::Coord;
use rayon::prelude::*;
use std::hint::black_box;

/// `n` synthetic points uniformly over Pakistan's bounding box.
fn points(n: usize) -> Vec<Coord> {
    let mut rng = Rng::new(42, 0);
    (0..n)
        .map(|_| Coord {
            x: 61.0 + 16.0 * rng.f64(),
            y: 24.0 + 13.0 * rng.f64(),
        })
        .collect()
}

fn index_build(c: &mut Criterion) {
    let districts = Catalogue::load("districts").unwrap();
    let durand = Catalogue::load("durand-line").unwrap();
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.bench_function("load districts layer", |b| {
        b.iter(|| black_box(Catalogue::load("districts").unwrap()))
    });
    g.bench_function("polygon index, 156 districts", |b| {
        b.iter(|| black_box(PolygonIndex::new(&districts)))
    });
    g.bench_function("distance index, Durand Line", |b| {
        b.iter(|| black_box(DistanceIndex::new(&durand)))
    });
    g.finish();
}

fn queries(c: &mut Criterion) {
    let pts = points(1_000_000);
    let locator = Locator::new().unwrap();
    let durand = DistanceIndex::new(&Catalogue::load("durand-line").unwrap());
    let mut g = c.benchmark_group("query 1M points");
    g.sample_size(10);
    g.bench_function("locate", |b| {
        b.iter(|| {
            let n = pts
                .par_iter()
                .filter(|p| locator.locate(**p).country == Some("PAK"))
                .count();
            black_box(n)
        })
    });
    g.bench_function("near durand-line within 50 km", |b| {
        b.iter(|| {
            let n = pts
                .par_iter()
                .filter(|p| matches!(durand.nearest(**p, Some(50_000.0)), Ok(Some(_))))
                .count();
            black_box(n)
        })
    });
    // Issue 13: every point measured, however far from the line.
    g.bench_function("near durand-line, every point", |b| {
        b.iter(|| {
            let d: f64 = pts
                .par_iter()
                .map(|p| {
                    durand
                        .nearest(*p, None)
                        .unwrap()
                        .map_or(0.0, |h| h.distance_m)
                })
                .sum();
            black_box(d)
        })
    });
    for layer in ["cpec", "crossings"] {
        let index = DistanceIndex::new(&Catalogue::load(layer).unwrap());
        g.bench_function(format!("3 nearest {layer}"), |b| {
            b.iter(|| {
                let n: usize = pts
                    .par_iter()
                    .map(|p| index.k_nearest(*p, 3, None).unwrap().len())
                    .sum();
                black_box(n)
            })
        });
    }
    g.finish();
}

fn summarizing(c: &mut Criterion) {
    // 1M synthetic ACLED-like events (frontier's own generator), on disk.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    Synth::new()
        .unwrap()
        .write_events(1_000_000, 7, &mut out)
        .unwrap();
    drop(out);
    let path = path.to_str().unwrap().to_string();
    let mut g = c.benchmark_group("summarize 1M points");
    g.sample_size(10);
    g.bench_function(
        "per district: counts, fatalities, before/after 15 Aug 2021",
        |b| {
            b.iter(|| {
                let mut source = PointSource::open(&path, &ReadOptions::default()).unwrap();
                let mut opts = summary::Options::default();
                opts.value = Some("fatalities".into());
                opts.window =
                    frontier::window::Window::new(None, None, Some(split_date()), None).unwrap();
                black_box(
                    summary::summarize(&mut source, summary::Grouping::Districts, opts).unwrap(),
                )
            })
        },
    );
    g.finish();
}

fn rendering(c: &mut Criterion) {
    let pts = points(1_000_000);
    let mut g = c.benchmark_group("render 1M points");
    g.sample_size(10);
    g.bench_function("density", |b| {
        b.iter_batched(
            || pts.clone(),
            |p| {
                let mut spec = MapSpec::default();
                spec.extent = Extent::Named("pakistan".into());
                spec.density = Some(frontier::render::Density::new(p, "Density"));
                let m = render(&spec).unwrap();
                black_box(m.pixmap.encode_png().unwrap())
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("points", |b| {
        b.iter_batched(
            || {
                pts.iter()
                    .enumerate()
                    .map(|(i, p)| PointDatum {
                        at: *p,
                        category: Some(["Battles", "Riots", "Protests"][i % 3].into()),
                        size: None,
                    })
                    .collect::<Vec<_>>()
            },
            |p| {
                let mut layer = PointsLayer::default();
                layer.points = p;
                layer.color_by = Some("Event type".into());
                let mut spec = MapSpec::default();
                spec.points = Some(layer);
                let m = render(&spec).unwrap();
                black_box(m.pixmap.encode_png().unwrap())
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, index_build, queries, summarizing, rendering);
criterion_main!(benches);
