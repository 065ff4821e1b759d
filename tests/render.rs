//! Maps tested as pictures: golden PNGs (with a small tolerance for
//! anti-aliasing), the scale bar against a geodesic distance, labels against
//! each other and the furniture, and the same input giving the same bytes.
//!
//! To accept new goldens after a deliberate change in drawing, run
//! `FRONTIER_BLESS=1 cargo test --test render` and look at tests/images/.

use frontier::Catalogue;
use frontier::geodesy;
use frontier::render::classify::Method;
use frontier::render::{Choropleth, Extent, Labels, MapSpec, PointDatum, PointsLayer, render};
use geo::Coord;
use std::collections::BTreeMap;
use std::path::Path;
mod common;

use common::{frontier, with};

fn golden(name: &str, spec: &MapSpec) {
    let map = render(spec).unwrap();
    let png = map.pixmap.encode_png().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/images")
        .join(name);
    if std::env::var_os("FRONTIER_BLESS").is_some() || !path.exists() {
        std::fs::write(&path, &png).unwrap();
        if std::env::var_os("FRONTIER_BLESS").is_none() {
            panic!("{name}: no golden image yet; wrote one, look at it and commit it");
        }
        return;
    }
    let want = tiny_skia::Pixmap::load_png(&path).unwrap();
    assert_eq!(
        (want.width(), want.height()),
        (map.pixmap.width(), map.pixmap.height())
    );
    let differ = want
        .pixels()
        .iter()
        .zip(map.pixmap.pixels())
        .filter(|(a, b)| {
            let d = |x: u8, y: u8| (x as i32 - y as i32).abs();
            d(a.red(), b.red())
                .max(d(a.green(), b.green()))
                .max(d(a.blue(), b.blue()))
                > 24
        })
        .count();
    let share = differ as f64 / want.pixels().len() as f64;
    if share > 0.005 {
        let got = path.with_extension("got.png");
        std::fs::write(&got, &png).unwrap();
        panic!(
            "{name}: {:.2}% of pixels differ from the golden (see {})",
            share * 100.0,
            got.display()
        );
    }
}

fn small(extent: &str) -> MapSpec {
    with(MapSpec::default(), |s| {
        s.size = (480, 360);
        s.extent = Extent::Named(extent.into());
        s.title = Some(format!("Golden: {extent}"));
    })
}

#[test]
fn golden_base_map_waziristan() {
    golden(
        "base-waziristan.png",
        &with(small("waziristan"), |s| {
            s.labels = Labels::Districts;
        }),
    );
}

#[test]
fn golden_points_and_choropleth() {
    let districts = Catalogue::load("districts").unwrap();
    let mut values = BTreeMap::new();
    for (i, f) in districts.features.iter().enumerate() {
        if f.property_text("province").as_deref() == Some("Balochistan") {
            // A fixed pattern, one value per district; every 9th has no data.
            values.insert(
                f.name().unwrap().to_string(),
                (i % 9 != 0).then_some((i * 37 % 101) as f64),
            );
        }
    }
    golden(
        "choropleth-balochistan.png",
        &with(small("balochistan"), |s| {
            s.choropleth = Some(with(
                Choropleth::new(districts, values, "Test values"),
                |s| {
                    s.classes = 4;
                    s.method = Method::Jenks;
                    s.palette = "blues".into();
                },
            ));
        }),
    );
    let points: Vec<PointDatum> = (0..60)
        .map(|i| PointDatum {
            at: Coord {
                x: 66.3 + (i % 10) as f64 * 0.03,
                y: 30.8 + (i / 10) as f64 * 0.03,
            },
            category: Some(["Battles", "Protests", "Riots"][i % 3].into()),
            size: Some((i % 7) as f64 * 3.0),
        })
        .collect();
    golden(
        "points-chaman.png",
        &with(small("chaman"), |s| {
            s.points = Some(with(PointsLayer::default(), |s| {
                s.points = points;
                s.color_by = Some("Event type".into());
                s.size_by = Some("Fatalities".into());
            }));
            s.labels = Labels::All;
            s.sources = vec!["synthetic data".into()];
        }),
    );
}

/// Each drawn thing on its own, without the base map: a golden per
/// thing, so a change in one shows in its own picture.
#[test]
fn golden_each_drawn_thing_alone() {
    let bare = |extent: &str| {
        with(small(extent), |s| {
            s.base_map = false;
        })
    };
    // Furniture only: title and source bands, scale bar, north arrow.
    golden("alone-furniture.png", &bare("pakistan"));
    // District labels.
    golden(
        "alone-labels.png",
        &with(bare("kp"), |s| {
            s.labels = Labels::Districts;
        }),
    );
    // A density surface of a fixed lattice of points (generated here).
    let lattice: Vec<Coord> = (0..4000)
        .map(|i| Coord {
            x: 70.5 + (i % 80) as f64 * 0.01 + (i / 80 % 3) as f64 * 0.4,
            y: 33.0 + (i / 80) as f64 * 0.02,
        })
        .collect();
    golden(
        "alone-density.png",
        &with(bare("kp"), |s| {
            s.density = Some(frontier::render::Density::new(lattice, "Test points"));
        }),
    );
    // User layers: a dashed line, a filled polygon, points.
    let user = frontier::Layer::from_geojson_str(
        "test-layer",
        "synthetic",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[66.2,30.7],[66.6,31.1]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[66.3,30.9],[66.5,30.9],[66.5,31.0],[66.3,31.0],[66.3,30.9]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[66.25,31.05],[66.55,30.8]]}}]}"#,
    )
    .unwrap();
    let style =
        frontier::render::Style::parse("color=#1b9e77,width=2,fill=#a6d854,dash=true").unwrap();
    golden(
        "alone-layers.png",
        &with(bare("chaman"), |s| {
            s.layers = vec![(user, style)];
        }),
    );
}

/// Without the base map nothing of it is drawn: the map area is the plain
/// background but for the furniture.
#[test]
fn the_base_map_can_be_left_out() {
    let with_base = render(&small("waziristan")).unwrap();
    let without = render(&with(small("waziristan"), |s| {
        s.base_map = false;
    }))
    .unwrap();
    let sea = tiny_skia::PremultipliedColorU8::from_rgba(0xee, 0xf0, 0xf0, 255).unwrap();
    let area = without.view.area;
    let inside = |i: usize| {
        let (x, y) = ((i % 480) as f32, (i / 480) as f32);
        x > area[0] && y > area[1] && x < area[0] + area[2] && y < area[1] + area[3]
    };
    let covered = |fur: &[[f32; 4]], i: usize| {
        let (x, y) = ((i % 480) as f32, (i / 480) as f32);
        fur.iter().any(|b| {
            x >= b[0] - 2.0 && y >= b[1] - 2.0 && x <= b[0] + b[2] + 2.0 && y <= b[1] + b[3] + 2.0
        })
    };
    let (mut plain, mut base) = (0, 0);
    for (i, (a, b)) in with_base
        .pixmap
        .pixels()
        .iter()
        .zip(without.pixmap.pixels())
        .enumerate()
    {
        if inside(i) && !covered(&without.furniture, i) {
            assert_eq!(*b, sea, "pixel {i} drawn without a base map");
            plain += 1;
            base += usize::from(*a != sea);
        }
    }
    assert!(
        plain > 10_000 && base > plain / 2,
        "{plain} plain pixels, {base} drawn with the base map"
    );
}

#[test]
fn scale_bar_is_right_at_the_centre() {
    for (extent, size) in [
        ("pakistan", (1600, 1200)),
        ("waziristan", (800, 600)),
        ("chaman", (1200, 900)),
    ] {
        let map = render(&with(small(extent), |s| {
            s.size = size;
        }))
        .unwrap();
        let v = map.view;
        let (cx, cy) = (
            (v.area[0] + v.area[2] / 2.0) as f64,
            (v.area[1] + v.area[3] / 2.0) as f64,
        );
        // Independent of how the bar was made: unproject a horizontal run of
        // the bar's pixel length through the centre and measure it geodesically.
        let half = map.scale_bar.px / 2.0;
        let a = v.lonlat(cx - half, cy);
        let b = v.lonlat(cx + half, cy);
        let km = geodesy::distance_m(a, b) / 1000.0;
        let err = (km - map.scale_bar.km).abs() / map.scale_bar.km;
        assert!(
            err < 0.02,
            "{extent}: bar says {} km, measures {km:.3} km",
            map.scale_bar.km
        );
    }
}

#[test]
fn labels_never_overlap_each_other_or_the_furniture() {
    for extent in [
        "pakistan",
        "kp",
        "balochistan",
        "waziristan",
        "chaman",
        "cpec",
    ] {
        let map = render(&with(small(extent), |s| {
            s.size = (1200, 900);
            s.labels = Labels::All;
        }))
        .unwrap();
        assert!(!map.labels.is_empty(), "{extent}: no labels at all");
        let hit = |a: &[f32; 4], b: &[f32; 4]| {
            a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
        };
        for (i, a) in map.labels.iter().enumerate() {
            for b in &map.labels[i + 1..] {
                assert!(!hit(a, b), "{extent}: labels {a:?} and {b:?} overlap");
            }
            for f in &map.furniture {
                assert!(!hit(a, f), "{extent}: label {a:?} overlaps furniture {f:?}");
            }
            let area = map.view.area;
            assert!(
                a[0] >= area[0] && a[0] + a[2] <= area[0] + area[2],
                "{extent}: label clipped"
            );
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let spec = with(small("kp"), |s| {
        s.labels = Labels::Towns;
    });
    let a = render(&spec).unwrap().pixmap.encode_png().unwrap();
    let b = render(&spec).unwrap().pixmap.encode_png().unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_map_is_in_the_right_place() {
    // A point drawn at Quetta lands on Quetta's pixel: the pixels that a
    // marker changes are centred on the view's position for it (within a
    // pixel), and that position maps back to Quetta (within a metre: the
    // pixel is a float).
    let quetta = Coord { x: 67.0, y: 30.19 };
    let plain = small("balochistan");
    let marked = with(small("balochistan"), |s| {
        s.points = Some(with(PointsLayer::default(), |s| {
            s.points = vec![PointDatum {
                at: quetta,
                category: None,
                size: None,
            }];
        }));
    });
    let (a, b) = (render(&plain).unwrap(), render(&marked).unwrap());
    let w = a.pixmap.width() as usize;
    let (px, py) = b.view.px(quetta);
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (i, (p, q)) in a.pixmap.pixels().iter().zip(b.pixmap.pixels()).enumerate() {
        // (Pixel centres; only pixels near the marker count.)
        let (x, y) = ((i % w) as f64 + 0.5, (i / w) as f64 + 0.5);
        if p != q && (x - px as f64).hypot(y - py as f64) < 12.0 {
            n += 1.0;
            sx += x;
            sy += y;
        }
    }
    assert!(n >= 20.0, "the marker changed {n} pixels");
    let (cx, cy) = (sx / n, sy / n);
    assert!(
        (cx - px as f64).abs() < 1.0 && (cy - py as f64).abs() < 1.0,
        "marker centred at ({cx:.1}, {cy:.1}), Quetta at ({px:.1}, {py:.1})"
    );
    let back = b.view.lonlat(px as f64, py as f64);
    assert!(geodesy::distance_m(quetta, back) < 1.0, "{back:?}");
    // The extent holds the whole province: its westmost, eastmost,
    // northmost and southmost vertices are inside the map area, and the
    // fit is tight (an edge within 10% of the area's size).
    let provinces = Catalogue::load("provinces").unwrap();
    let balochistan = provinces.feature("Balochistan").unwrap();
    let area = b.view.area;
    let mut slack = f32::MAX;
    for c in geo::CoordsIter::coords_iter(&balochistan.geometry) {
        let (x, y) = b.view.px(c);
        assert!(
            x >= area[0] && y >= area[1] && x <= area[0] + area[2] && y <= area[1] + area[3],
            "{c:?} at ({x}, {y}) is outside the map area {area:?}"
        );
        slack = slack
            .min(x - area[0])
            .min(area[0] + area[2] - x)
            .min(y - area[1])
            .min(area[1] + area[3] - y);
    }
    assert!(
        slack < 0.1 * area[2].min(area[3]),
        "loose fit: {slack} px spare"
    );
}

#[test]
fn render_command_and_its_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.png");
    let o = frontier(&[
        "render",
        "-o",
        out.to_str().unwrap(),
        "--size",
        "600x450",
        "--extent",
        "bbox:66,29,71,34",
        "--points",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/synthetic-events.csv"
        ),
        "--color-by",
        "event_type",
        "--size-by",
        "fatalities",
        "--layer",
        "crossings:color=#d95f02,width=3",
        "--labels",
        "districts",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pm = tiny_skia::Pixmap::load_png(&out).unwrap();
    assert_eq!((pm.width(), pm.height()), (600, 450));
    for (args, message) in [
        (
            vec!["--size", "10x10"],
            "each side must be 200 to 8000 pixels",
        ),
        (
            vec!["--extent", "bbox:70,30,60,35"],
            "bbox must be minlon,minlat,maxlon,maxlat",
        ),
        (
            vec!["--layer", "cpec:color=red"],
            "\"red\" is not a colour like #d95f02",
        ),
        (
            vec!["--palette", "rainbow"],
            "--palette rainbow: use ylorrd",
        ),
        (
            vec![
                "--points",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/synthetic-events.csv"
                ),
                "--color-by",
                "colour",
            ],
            "no column named \"colour\" for --color-by",
        ),
        (
            vec![
                "--choropleth",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/synthetic-events.csv"
                ),
                "--column",
                "fatalities",
            ],
            "the first column must be district or province",
        ),
        (vec!["--extent", "atlantis"], "atlantis: no such file"),
    ] {
        let mut a = vec!["render", "-o", out.to_str().unwrap()];
        a.extend(args.iter().copied());
        let o = frontier(&a);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(message),
            "{args:?}: expected {message:?}, got {e}"
        );
    }
}

#[test]
fn choropleth_from_a_summary_table() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("s.csv");
    let o = frontier(&[
        "summarize",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/synthetic-events.csv"
        ),
        "-o",
        table.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let out = dir.path().join("c.png");
    let o = frontier(&[
        "render",
        "-o",
        out.to_str().unwrap(),
        "--size",
        "500x400",
        "--choropleth",
        table.to_str().unwrap(),
        "--column",
        "per_100k",
        "--method",
        "jenks",
        "--classes",
        "4",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tiny_skia::Pixmap::load_png(&out).is_ok());
}

#[test]
fn demo_writes_the_gallery_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let o = frontier(&[
        "demo",
        "--out",
        dir.path().to_str().unwrap(),
        "--events",
        "3000",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    for f in [
        "01-overview.png",
        "02-durand-50km.png",
        "03-events-per-100k.png",
        "04-before-after.png",
        "05-waziristan.png",
        "06-chaman.png",
        "07-cpec-10km.png",
        "08-refugees-density.png",
    ] {
        let pm = tiny_skia::Pixmap::load_png(dir.path().join(f)).unwrap();
        assert!(pm.width() >= 1000, "{f}");
        assert!(out.contains(f), "{f} not reported");
    }
    for (f, magic) in [
        ("05-waziristan.svg", &b"<?xml"[..]),
        ("05-waziristan.pdf", &b"%PDF-"[..]),
    ] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        assert!(bytes.starts_with(magic), "{f}");
        assert!(out.contains(f), "{f} not reported");
    }
    // The specs written beside the gallery are the repository's, and
    // `frontier render --spec` of one gives the demo's map byte for byte.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("renders/specs");
    let mut n = 0;
    for e in std::fs::read_dir(&repo).unwrap() {
        let e = e.unwrap();
        let written =
            std::fs::read_to_string(dir.path().join("specs").join(e.file_name())).unwrap();
        assert_eq!(
            written,
            std::fs::read_to_string(e.path()).unwrap(),
            "{:?}",
            e.file_name()
        );
        n += 1;
    }
    assert!(n >= 7);
    let again = dir.path().join("again.png");
    let spec = dir.path().join("specs/02-durand-50km.toml");
    let o = frontier(&[
        "render",
        "--spec",
        spec.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read(&again).unwrap()
            == std::fs::read(dir.path().join("02-durand-50km.png")).unwrap(),
        "the spec renders the demo's map"
    );
    assert!(out.contains("per 100k"), "{out}");
    assert!(
        out.lines()
            .filter(|l| l.contains("Balochistan") || l.contains("Khyber Pakhtunkhwa"))
            .count()
            >= 10
    );
}

/// A square of "land" `half` degrees either side of `c`.
fn land(c: Coord, half: f64) -> frontier::Layer {
    let (x0, x1, y0, y1) = (c.x - half, c.x + half, c.y - half, c.y + half);
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"Land"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}]}}"#
    );
    frontier::Layer::from_geojson_str("land", "land", &text).unwrap()
}

#[test]
fn extents_anywhere_on_the_globe_draw_land_scale_bar_and_arrow() {
    use frontier::render::Style;
    for (bbox, centre) in [
        ([65.0, -10.0, 80.0, 10.0], Coord { x: 72.5, y: 0.0 }),
        ([100.0, -10.0, 140.0, 5.0], Coord { x: 120.0, y: -2.0 }),
        ([-80.0, -40.0, -60.0, -20.0], Coord { x: -70.0, y: -30.0 }),
        ([-125.0, 25.0, -65.0, 50.0], Coord { x: -95.0, y: 38.0 }),
        ([160.0, -50.0, 180.0, -30.0], Coord { x: 170.0, y: -40.0 }),
        ([-180.0, 60.0, 180.0, 90.0], Coord { x: 0.0, y: 72.0 }),
        ([-180.0, -90.0, 180.0, -60.0], Coord { x: 0.0, y: -72.0 }),
        ([-20.0, -60.0, 60.0, 60.0], Coord { x: 20.0, y: 0.0 }),
    ] {
        let spec = with(MapSpec::default(), |s| {
            s.size = (600, 450);
            s.extent = Extent::BBox(bbox);
        });
        let bare = render(&spec).unwrap();
        let style = Style::parse("color=#1b9e77,fill=#66c2a5").unwrap();
        let map = render(&with(spec, |s| {
            s.layers = vec![(land(centre, 2.0), style)];
        }))
        .unwrap();
        let v = map.view;
        // The land is drawn where it is.
        let (px, py) = v.px(centre);
        assert!(
            px.is_finite() && py.is_finite() && px > v.area[0] && px < v.area[0] + v.area[2],
            "{bbox:?}: centre at {px},{py}"
        );
        let at = |m: &frontier::render::Rendered| m.pixmap.pixel(px as u32, py as u32).unwrap();
        assert_ne!(at(&map), at(&bare), "{bbox:?}: no land at its centre");
        // A scale bar of a real length, true at the centre (within 2%): on
        // maps this small in scale the scale changes along the bar itself,
        // so measure 10 px across the centre and scale up.
        let (cx, cy) = (
            (v.area[0] + v.area[2] / 2.0) as f64,
            (v.area[1] + v.area[3] / 2.0) as f64,
        );
        let km = geodesy::distance_m(v.lonlat(cx - 5.0, cy), v.lonlat(cx + 5.0, cy)) / 1000.0
            * map.scale_bar.px
            / 10.0;
        assert!(map.scale_bar.km > 0.0, "{bbox:?}: {} km", map.scale_bar.km);
        assert!(
            (km - map.scale_bar.km).abs() / map.scale_bar.km < 0.02,
            "{bbox:?}: bar says {} km, measures {km:.1} km",
            map.scale_bar.km
        );
        // North is somewhere: a step north of the arrow moves on the map.
        let arrow = map.furniture[3];
        let (ax, ay) = (arrow[0] + arrow[2] / 2.0, arrow[1] + arrow[3] / 2.0);
        let here = v.lonlat(ax as f64, ay as f64);
        let (nx, ny) = v.px(Coord {
            x: here.x,
            y: (here.y + 0.05).min(90.0),
        });
        assert!(nx.is_finite() && ny.is_finite() && (nx - ax).hypot(ny - ay) > 0.0);
    }
}

#[test]
fn a_bbox_must_be_finite() {
    for bad in [
        "bbox:NaN,30,75,35",
        "bbox:60,30,inf,35",
        "bbox:60,-inf,75,35",
    ] {
        let e = Extent::parse(bad).unwrap_err();
        assert!(e.contains("finite"), "{bad}: {e}");
    }
    let o = frontier(&["render", "--extent", "bbox:NaN,30,75,35", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A summary table saved with a byte order mark (as spreadsheet programs
/// do) reads like one without: the first column is still `district`.
#[test]
fn a_choropleth_table_with_a_byte_order_mark_reads() {
    let text = "\u{feff}district,count\nPeshawar,3\nQuetta,\n";
    let (ch, no_data) = Choropleth::read(
        text.as_bytes(),
        "t.csv",
        "count",
        4,
        Method::Quantile,
        "blues",
    )
    .unwrap();
    assert_eq!(ch.values.get("Peshawar"), Some(&Some(3.0)));
    assert_eq!((ch.values.get("Quetta"), no_data), (Some(&None), 1));
}

/// The density surface is in points per km² on the ground: one point with
/// a 5 km bandwidth peaks at 1/(2π·25 km²), 0.64 per 100 km², which the
/// legend states; at 30 km, 0.018 (the legend rounds it).
#[test]
fn kernel_density_peaks_at_the_gaussian_of_the_bandwidth() {
    for (bw, want) in [
        (5.0, 100.0 / (2.0 * std::f64::consts::PI * 25.0)),
        (30.0, 100.0 / (2.0 * std::f64::consts::PI * 900.0)),
    ] {
        let spec = with(MapSpec::default(), |s| {
            s.size = (1200, 900);
            s.extent = Extent::Named("balochistan".into());
            s.density = Some(frontier::render::Density {
                points: vec![Coord { x: 67.0, y: 30.2 }],
                title: "One point".into(),
                bandwidth_km: bw,
            });
        });
        let scene = frontier::render::render_scene(&spec)
            .unwrap()
            .scene
            .unwrap();
        let label = scene
            .ops
            .iter()
            .find_map(|op| match op {
                frontier::render::Op::Text { text, .. } => {
                    text.strip_suffix(" per 100 km²").map(str::to_string)
                }
                _ => None,
            })
            .expect("the legend states the peak");
        let got: f64 = label.parse().unwrap();
        // 8% for the pixel grid and the box filters, plus the legend's rounding.
        let decimals = label.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
        let slack = 0.08 * want + 0.5 * 10f64.powi(-decimals);
        assert!(
            (got - want).abs() <= slack,
            "{bw} km: legend says {got}, the Gaussian's peak is {want:.4}"
        );
        assert!(scene.ops.iter().any(|op| matches!(op, frontier::render::Op::Text { text, .. } if text == &format!("Gaussian kernel, σ = {bw} km; log scale"))));
    }
}

/// The base map names what it shows (the four neighbours, the Arabian
/// Sea, the provinces), with a graticule and a locator inset: a golden,
/// and the names checked as text in the drawing, each inside the area it
/// names, none on another or on the furniture.
#[test]
fn golden_names_graticule_and_inset() {
    let spec = with(MapSpec::default(), |s| {
        s.size = (900, 700);
        s.title = Some("Golden: names, graticule, inset".into());
        s.graticule = true;
        s.inset = true;
    });
    golden("names-graticule-inset.png", &spec);
    let map = frontier::render::render_scene(&spec).unwrap();
    let texts: Vec<(String, f32, f32)> = map
        .scene
        .as_ref()
        .unwrap()
        .ops
        .iter()
        .filter_map(|op| match op {
            frontier::render::Op::Text {
                text, x, y, size, ..
            } => {
                let (w, h) = frontier::render::text::measure(
                    text,
                    *size,
                    frontier::render::text::Weight::Regular,
                );
                Some((text.clone(), x + w / 2.0, y + h / 2.0))
            }
            _ => None,
        })
        .collect();
    let at = |name: &str| {
        texts
            .iter()
            .find(|t| t.0 == name)
            .map(|t| map.view.lonlat(t.1 as f64, t.2 as f64))
            .unwrap_or_else(|| panic!("{name} is named: {texts:?}"))
    };
    // Each name's centre lies in its country or province (the layers'
    // polygons), and the sea's on no land.
    use geo::Contains;
    for (layer, name, label) in [
        ("neighbours", "Afghanistan", "AFGHANISTAN"),
        ("neighbours", "Iran", "IRAN"),
        ("neighbours", "India", "INDIA"),
        ("neighbours", "China", "CHINA"),
        ("provinces", "Balochistan", "BALOCHISTAN"),
        ("provinces", "Punjab", "PUNJAB"),
        ("provinces", "Sindh", "SINDH"),
    ] {
        let c = at(label);
        let f = Catalogue::shared(layer)
            .unwrap()
            .features
            .iter()
            .find(|f| f.name() == Some(name))
            .unwrap();
        assert!(
            f.geometry.contains(&geo::Point(c)),
            "{label} at {c:?} is in {name}"
        );
    }
    let sea = at("Arabian Sea");
    for layer in ["neighbours", "provinces"] {
        for f in &Catalogue::shared(layer).unwrap().features {
            assert!(
                !f.geometry.contains(&geo::Point(sea)),
                "the sea's name at {sea:?} is on {:?}",
                f.name()
            );
        }
    }
    assert!(sea.y < 25.5 && sea.x > 60.5, "{sea:?}");
    // Graticule labels at round degrees.
    assert!(texts.iter().any(|t| t.0 == "30°N"), "{texts:?}");
    assert!(texts.iter().any(|t| t.0 == "70°E"), "{texts:?}");
    // Nothing placed overlaps: names, graticule labels and the inset.
    let boxes: Vec<[f32; 4]> = map.labels.iter().chain(&map.furniture).copied().collect();
    for (i, a) in map.labels.iter().enumerate() {
        for (j, b) in boxes.iter().enumerate() {
            if i != j && b[2] > 0.0 {
                let overlap = a[0] < b[0] + b[2]
                    && b[0] < a[0] + a[2]
                    && a[1] < b[1] + b[3]
                    && b[1] < a[1] + a[3];
                assert!(!overlap, "label {a:?} overlaps {b:?}");
            }
        }
    }
}

/// The scale bar's words stay inside its white box, and the legend keeps
/// clear of the scale bar and the north arrow, on pages from a small print
/// size to a large screen map.
#[test]
fn furniture_keeps_its_words_in_its_boxes() {
    use frontier::render::text::{Weight, measure};
    for (size, dpi) in [
        ((394, 315), 100.0),
        ((1063, 709), 150.0),
        ((1600, 1200), 72.0),
    ] {
        let spec = with(MapSpec::default(), |s| {
            s.size = size;
            s.dpi = dpi;
        });
        let map = frontier::render::render_scene(&spec).unwrap();
        let [_, legend, bar, arrow, _] = map.furniture[..5] else {
            panic!("five furniture boxes")
        };
        for t in &map.scene.as_ref().unwrap().ops {
            if let frontier::render::Op::Text {
                text, x, y, size, ..
            } = t
                && (text.ends_with(" km") || text == "0")
                && *y > bar[1] - 1.0
            {
                let (w, h) = measure(text, *size, Weight::Regular);
                assert!(
                    *x >= bar[0]
                        && x + w <= bar[0] + bar[2]
                        && *y >= bar[1]
                        && y + h <= bar[1] + bar[3],
                    "{text:?} at {x},{y} outside the bar's box {bar:?} ({size:?})"
                );
            }
        }
        let overlap = |a: [f32; 4], b: [f32; 4]| {
            a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
        };
        if legend[3] < map.view.area[3] * 0.6 {
            assert!(
                !overlap(legend, bar),
                "{size:?}: legend {legend:?} on the bar {bar:?}"
            );
            assert!(!overlap(legend, arrow), "{size:?}: legend on the arrow");
        }
    }
}

/// A map of a centimetre (a mistyped bbox) once panicked inside tiny-skia:
/// the extent is widened to the smallest a map shows, about its centre,
/// and the base map's millions of points off the page are clipped before
/// they reach the rasteriser.
#[test]
fn a_bbox_of_a_centimetre_is_drawn_not_a_panic() {
    let spec = with(MapSpec::default(), |s| {
        s.size = (640, 480);
        s.extent = Extent::BBox([71.0, 34.0, 71.000_000_1, 34.000_000_1]);
    });
    for format in [
        frontier::render::Format::Png,
        frontier::render::Format::Svg,
        frontier::render::Format::Pdf,
    ] {
        assert!(frontier::render::render_to(&spec, format).is_ok());
    }
    let map = render(&spec).unwrap();
    // The view holds the smallest extent, centred on the box.
    let v = map.view;
    let (x0, y0) = (v.area[0] as f64, (v.area[1] + v.area[3] / 2.0) as f64);
    let west = v.lonlat(x0, y0);
    let east = v.lonlat((v.area[0] + v.area[2]) as f64, y0);
    assert!(east.x - west.x >= frontier::render::MIN_EXTENT_DEG * 0.999);
    let (cx, cy) = v.px(Coord { x: 71.0, y: 34.0 });
    assert!((cx - (v.area[0] + v.area[2] / 2.0)).abs() < 2.0, "{cx}");
    assert!((cy - (v.area[1] + v.area[3] / 2.0)).abs() < 2.0, "{cy}");
    // Peshawar's district is land: the map is not the sea's colour.
    let sea = tiny_skia::PremultipliedColorU8::from_rgba(0xee, 0xf0, 0xf0, 255).unwrap();
    assert_ne!(map.pixmap.pixel(cx as u32, cy as u32).unwrap(), sea);
    let o = frontier(&[
        "render",
        "--extent",
        "bbox:71,34,71.0000001,34.0000001",
        "-o",
        "/dev/null",
        "--format",
        "png",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The furniture over any extent: the scale bar and its words inside its
/// box, the box inside the map area, and the north arrow along the
/// meridian, found independently as the direction in which the latitude
/// (unprojected) grows fastest.
fn check_furniture(bbox: [f64; 4], size: (u32, u32)) -> Result<(), String> {
    let map = render(&with(MapSpec::default(), |s| {
        s.size = size;
        s.extent = Extent::BBox(bbox);
    }))
    .map_err(|e| e.to_string())?;
    let v = map.view;
    let bar = map.furniture[2];
    let a = v.area;
    let inside = |b: [f32; 4], c: [f32; 4]| {
        b[0] >= c[0] - 0.5
            && b[1] >= c[1] - 0.5
            && b[0] + b[2] <= c[0] + c[2] + 0.5
            && b[1] + b[3] <= c[1] + c[3] + 0.5
    };
    if !inside(bar, a) {
        return Err(format!("scale bar box {bar:?} outside the map area {a:?}"));
    }
    if !(map.scale_bar.px > 0.0 && (map.scale_bar.px as f32) + 20.0 <= bar[2] + 0.5) {
        return Err(format!(
            "bar {:?} longer than its box {bar:?}",
            map.scale_bar
        ));
    }
    let arrow = map.north_arrow;
    let (ax, ay) = (arrow.at.0 as f64, arrow.at.1 as f64);
    let lat = |x: f64, y: f64| v.lonlat(x, y).y;
    let h = 0.5;
    let (gx, gy) = (
        lat(ax + h, ay) - lat(ax - h, ay),
        lat(ax, ay + h) - lat(ax, ay - h),
    );
    let g = gx.hypot(gy);
    let (tx, ty) = (arrow.towards.0 as f64, arrow.towards.1 as f64);
    let cos = (gx * tx + gy * ty) / g;
    if !(g > 0.0 && cos > 0.999) {
        return Err(format!(
            "arrow points {:?}, north is ({:.4}, {:.4}) (cos {cos})",
            arrow.towards,
            gx / g,
            gy / g
        ));
    }
    Ok(())
}

#[test]
fn furniture_of_the_reported_extents() {
    // Mercator over the world: the arrow pointed west.
    check_furniture([-180.0, -80.0, 180.0, 80.0], (800, 600)).unwrap();
    // A bbox of a hundredth of a millimetre: the bar ran out of its box.
    check_furniture([60.0, 20.0, 60.000_000_1, 20.000_000_1], (800, 600)).unwrap();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Extents from a centimetre to the world, anywhere, on pages from
    /// small to large.
    #[test]
    fn furniture_holds_over_extents(
        lon in -180.0f64..180.0,
        lat in -89.0f64..89.0,
        log_w in -7.0f64..2.6,
        aspect in 0.2f64..5.0,
        w in 300u32..1400,
        h in 260u32..1000,
    ) {
        let dw = 10f64.powf(log_w);
        let dh = (dw / aspect).min(170.0);
        let x0 = (lon - dw / 2.0).max(-180.0);
        let x1 = (lon + dw / 2.0).min(180.0);
        let y0 = (lat - dh / 2.0).max(-89.5);
        let y1 = (lat + dh / 2.0).min(89.5);
        proptest::prop_assume!(x0 < x1 && y0 < y1);
        let r = check_furniture([x0, y0, x1, y1], (w, h));
        proptest::prop_assert!(r.is_ok(), "{:?} on {}x{}: {}", [x0, y0, x1, y1], w, h, r.unwrap_err());
    }
}

/// Points at the places named, their Urdu names in the point layer's
/// category column.
fn urdu_places() -> Vec<PointDatum> {
    // GeoNames positions (geodata/places.geojson); the names as Urdu
    // writes them.
    [
        ("پشاور", 71.57849, 34.008),
        ("مردان", 72.04965, 34.19794),
        ("مینگورہ", 72.36265, 34.7795),
        ("ایبٹ آباد", 73.21168, 34.1463),
        ("کوہاٹ", 71.44929, 33.58196),
        ("بنوں", 70.60403, 32.98527),
        ("ڈیرہ اسماعیل خان", 70.9017, 31.83129),
    ]
    .into_iter()
    .map(|(name, x, y)| PointDatum {
        at: Coord { x, y },
        category: Some(name.into()),
        size: None,
    })
    .collect()
}

/// Urdu, Pashto and Dari are this region's own: a title and place names in
/// Urdu, joined and read right to left (the golden was looked at).
#[test]
fn golden_urdu_title_and_place_names() {
    let spec = with(MapSpec::default(), |s| {
        s.size = (640, 480);
        s.extent = Extent::Named("kp".into());
        s.title = Some("خیبر پختونخوا".into());
        s.subtitle = Some("شہر · Cities".into());
        s.points = Some(with(PointsLayer::default(), |s| {
            s.points = urdu_places();
            s.color_by = Some("شہر".into());
            s.size_by = None;
        }));
    });
    golden("urdu-title-and-places.png", &spec);
    // The title is drawn as joined forms: not the letters one by one.
    use frontier::render::shape::{Family, shape};
    use frontier::render::text::Weight;
    let line = shape("خیبر پختونخوا", Weight::Bold);
    assert!(line.rtl && line.glyphs.iter().all(|g| g.family == Family::Arabic));
    let alone: Vec<u16> = "خیبر"
        .chars()
        .map(|c| shape(&c.to_string(), Weight::Bold).glyphs[0].id)
        .collect();
    let joined: Vec<u16> = shape("خیبر", Weight::Bold)
        .glyphs
        .iter()
        .rev()
        .map(|g| g.id)
        .collect();
    assert_ne!(alone, joined, "letters joined");
}

/// The rules every client shares live in the library: a spec that breaks
/// one is an error naming the setting, whoever made it.
#[test]
fn a_map_spec_that_breaks_a_rule_is_an_error_naming_it() {
    use frontier::error::Param;
    let districts = Catalogue::load("districts").unwrap();
    let choropleth = |classes| {
        with(
            Choropleth::new(districts.clone(), BTreeMap::new(), "t"),
            |s| {
                s.classes = classes;
                s.palette = "blues".into();
            },
        )
    };
    let param = |spec: MapSpec| match spec.validate().and(render(&spec).map(|_| ())) {
        Err(frontier::Error::InvalidSetting { param, .. }) => Some(param),
        Err(e) => panic!("{e}"),
        Ok(()) => None,
    };
    let base = || {
        with(MapSpec::default(), |s| {
            s.size = (400, 300);
        })
    };
    assert_eq!(param(base()), None);
    assert_eq!(
        param(with(base(), |s| {
            s.choropleth = Some(choropleth(12));
        })),
        Some(Param::Classes)
    );
    assert_eq!(
        param(with(base(), |s| {
            s.choropleth = Some(choropleth(1));
        })),
        Some(Param::Classes)
    );
    assert_eq!(
        param(with(base(), |s| {
            s.dpi = f32::NAN;
        })),
        Some(Param::Dpi)
    );
    assert_eq!(
        param(with(base(), |s| {
            s.size = (100, 300);
        })),
        Some(Param::ImageSize)
    );
    assert_eq!(
        param(with(base(), |s| {
            s.extent = Extent::BBox([10.0, 5.0, f64::NAN, 6.0]);
        })),
        Some(Param::Extent)
    );
    assert_eq!(
        param(with(base(), |s| {
            s.density = Some(frontier::render::Density {
                points: vec![],
                title: "d".into(),
                bandwidth_km: 0.0,
            });
        })),
        Some(Param::Bandwidth)
    );
}

/// The hexagons of `hotspots --by hex:KM` are drawn from the GeoJSON it
/// writes beside its table; the table alone says so.
#[test]
fn hexagon_hot_spots_are_drawn_from_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (table, cells) = (dir.path().join("h.csv"), dir.path().join("h.geojson"));
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/synthetic-events.csv"
    );
    let o = frontier(&[
        "hotspots",
        fixture,
        "--by",
        "hex:25",
        "--permutations",
        "0",
        "-o",
        table.to_str().unwrap(),
        "--geojson",
        cells.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = dir.path().join("h.png");
    let o = frontier(&[
        "render",
        "--choropleth",
        cells.to_str().unwrap(),
        "--column",
        "gi_class",
        "--size",
        "600x450",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Every cell of the table is a feature of the choropleth, with its class.
    let text = std::fs::read_to_string(&cells).unwrap();
    let (ch, _) = Choropleth::read(
        text.as_bytes(),
        "h.geojson",
        "gi_class",
        5,
        Method::Quantile,
        "ylorrd",
    )
    .unwrap();
    let rows = std::fs::read_to_string(&table).unwrap().lines().count() - 1;
    assert_eq!(ch.layer.features.len(), rows);
    assert_eq!(ch.values.len(), rows);
    assert!(ch.title.starts_with("Hot and cold spots"), "{}", ch.title);
    let o = frontier(&[
        "render",
        "--choropleth",
        table.to_str().unwrap(),
        "--column",
        "gi_class",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("hotspots --geojson"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A vector file of millions of points is large: the map says about how
/// large before it is written (`render` warns and suggests a density).
#[test]
fn the_size_of_a_vector_map_of_many_points_is_estimated() {
    use frontier::render::{Format, LARGE_FILE_BYTES};
    let points: Vec<PointDatum> = (0..1_000_000)
        .map(|i| PointDatum {
            at: Coord {
                x: 66.0 + (i % 1000) as f64 * 0.005,
                y: 28.0 + (i / 1000) as f64 * 0.005,
            },
            category: None,
            size: None,
        })
        .collect();
    let spec = with(MapSpec::default(), |s| {
        s.points = Some(with(PointsLayer::default(), |s| {
            s.points = points;
        }));
    });
    // 135 and 80 bytes a point, as measured on 5 million (672 and 400 MB).
    let svg = spec.estimate_bytes(Format::Svg);
    assert!(
        svg > LARGE_FILE_BYTES && (130e6..140e6).contains(&(svg as f64)),
        "{svg}"
    );
    assert!(spec.estimate_bytes(Format::Pdf) < svg);
    assert_eq!(spec.estimate_bytes(Format::Png), 0);
    assert!(MapSpec::default().estimate_bytes(Format::Svg) < LARGE_FILE_BYTES);
}

/// A user layer of a few geometries anywhere (synthetic).
fn wild_layer(coords: &[(f64, f64)]) -> Option<frontier::Layer> {
    let pts: Vec<String> = coords.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
    if pts.len() < 4 {
        return None;
    }
    let ring = format!("[{},{},{},{}]", pts[0], pts[1], pts[2], pts[0]);
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
          {{"type":"Feature","properties":{{"name":"a"}},"geometry":{{"type":"Point","coordinates":{}}}}},
          {{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString","coordinates":[{}]}}}},
          {{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}]}}"#,
        pts[0],
        pts.join(",")
    );
    frontier::Layer::from_geojson_str("wild", "synthetic", &text).ok()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Any map spec, sensible or not, gives an image or an error; never a
    /// panic (nor a process aborted): extents from a centimetre to the
    /// world and beyond it, sizes and resolutions in and out of range,
    /// layers and points anywhere (non-finite too), titles in any script.
    #[test]
    fn any_map_spec_gives_an_image_or_an_error(
        bbox in proptest::array::uniform4(-200.0f64..200.0),
        tiny in proptest::bool::ANY,
        w in proptest::sample::select(vec![0u32, 150, 200, 333, 480, 9000]),
        h in proptest::sample::select(vec![0u32, 199, 200, 301, 360]),
        dpi in proptest::sample::select(vec![0.0f32, 35.0, 72.0, 150.0, 300.0, 2000.0, f32::NAN]),
        type_scale in proptest::sample::select(vec![0.1f32, 0.55, 1.0, 5.0]),
        labels in proptest::sample::select(vec![Labels::None, Labels::Districts, Labels::All]),
        coords in proptest::collection::vec((-400.0f64..400.0, -100.0f64..100.0), 0..8),
        nan_point in proptest::bool::ANY,
        title in "\\PC{0,30}",
        classes in 0usize..12,
        bandwidth in proptest::sample::select(vec![-1.0f64, 0.0, 0.05, 15.0, 5000.0]),
        format in proptest::sample::select(vec![
            frontier::render::Format::Png,
            frontier::render::Format::Svg,
            frontier::render::Format::Pdf,
        ]),
    ) {
        let bbox = if tiny {
            [bbox[0], bbox[1], bbox[0] + 1e-9, bbox[1] + 1e-9]
        } else {
            bbox
        };
        let mut points: Vec<PointDatum> = coords
            .iter()
            .map(|&(x, y)| PointDatum { at: Coord { x, y }, category: Some(title.clone()), size: Some(x) })
            .collect();
        if nan_point {
            points.push(PointDatum { at: Coord { x: f64::NAN, y: f64::INFINITY }, category: None, size: Some(f64::NAN) });
        }
        let mut values = BTreeMap::new();
        values.insert("Peshawar".to_string(), Some(1.0));
        values.insert("Quetta".to_string(), coords.first().map(|c| c.0));
        let spec = with(MapSpec::default(), |s| { s.size = (w, h); s.dpi = dpi; s.type_scale = type_scale; s.extent = Extent::BBox(bbox); s.title = Some(title.clone()); s.subtitle = Some(title.chars().rev().collect()); s.points = Some(with(PointsLayer::default(), |s| { s.points = points; s.color_by = Some(title.clone()); s.size_by = Some("s".into()); })); s.density = Some(frontier::render::Density {
                points: coords.iter().map(|&(x, y)| Coord { x, y }).collect(),
                title: title.clone(),
                bandwidth_km: bandwidth,
            }); s.choropleth = Some(with(Choropleth::new(Catalogue::load("districts").unwrap(), values, title.clone()), |s| { s.classes = classes; s.method = Method::Jenks; s.palette = "viridis".into(); s.percent = false; s.breaks = None; s.categories = None; })); s.layers = wild_layer(&coords)
                .map(|l| (l, frontier::render::Style::default()))
                .into_iter()
                .collect(); s.labels = labels; s.graticule = true; s.inset = tiny; });
        // Ok or Err, both fine; a panic fails the test.
        let _ = frontier::render::render_to(&spec, format);
    }
}
