//! Maps for print: PNG, SVG and PDF of one layout, print sizes in mm, cm
//! and inches at a resolution, the PDF rasterised by poppler's pdftoppm
//! against the PNG, the SVG parsed as XML with its words as text.

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;

use common::{err, frontier};

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/synthetic-events.csv")
        .display()
        .to_string()
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// `frontier render` of one busy map (points by category, all labels,
/// title, legend) into `dir/name`, with extra arguments.
fn render(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let fx = fixture();
    let mut args = vec![
        "render",
        "-o",
        out.to_str().unwrap(),
        "--extent",
        "kp",
        "--title",
        "Events in Khyber Pakhtunkhwa",
        "--subtitle",
        "synthetic & labelled so",
        "--points",
        &fx,
        "--color-by",
        "event_type",
        "--labels",
        "all",
    ];
    args.extend_from_slice(extra);
    let o = frontier(&args);
    assert!(o.status.success(), "render {name}: {}", err(&o));
    out
}

/// Whether poppler's tools are here; on CI they must be.
fn poppler() -> bool {
    let ok = Command::new("pdftoppm").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftoppm (poppler-utils) is needed on CI"
        );
        eprintln!("skipped: pdftoppm (Debian's poppler-utils) is not installed");
    }
    ok
}

#[test]
fn print_sizes_give_exact_pixels() {
    let dir = tempfile::tempdir().unwrap();
    for (size, dpi, want) in [
        ("180x120mm", Some("300"), (2126, 1417)),
        ("180x120mm", None, (2126, 1417)),
        ("18x12cm", Some("150"), (1063, 709)),
        ("7x5in", Some("200"), (1400, 1000)),
        ("1000x700", None, (1000, 700)),
        ("1000x700px", Some("144"), (1000, 700)),
    ] {
        let mut extra = vec!["--size", size];
        if let Some(d) = dpi {
            extra.extend(["--dpi", d]);
        }
        let p = render(dir.path(), "s.png", &extra);
        assert_eq!(
            png_size(&std::fs::read(p).unwrap()),
            want,
            "{size} at {dpi:?} dpi"
        );
    }
}

#[test]
fn svg_is_xml_with_the_words_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = render(dir.path(), "m.svg", &["--size", "180x120mm"]);
    let svg = std::fs::read_to_string(&p).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    // 180 × 120 mm in points (2126 × 1417 px at 300 dpi).
    let pt = |a: &str| {
        root.attribute(a)
            .unwrap()
            .strip_suffix("pt")
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!((pt("width") - 2126.0 * 72.0 / 300.0).abs() < 0.01);
    assert!((pt("height") - 1417.0 * 72.0 / 300.0).abs() < 0.01);
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    for want in [
        "Events in Khyber Pakhtunkhwa",
        "synthetic & labelled so",
        "event_type",
        "Kohat",
        "Peshawar",
        "AFGHANISTAN",
        "PUNJAB",
    ] {
        assert!(
            texts.iter().any(|t| t == want),
            "{want:?} is a text element: {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t.starts_with("Sources: ")));
    assert!(doc.descendants().filter(|n| n.has_tag_name("path")).count() > 100);
}

#[test]
fn pdf_rasterised_by_poppler_matches_the_png() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let extra = ["--size", "180x120mm", "--dpi", "150"];
    let png = render(dir.path(), "m.png", &extra);
    let pdf = render(dir.path(), "m.pdf", &extra);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let want = tiny_skia::Pixmap::load_png(&png).unwrap();
    let (w, h) = (want.width(), want.height());
    assert_eq!((w, h), (1063, 709));
    let prefix = dir.path().join("poppler");
    let o = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "-scale-to-x"])
        .arg(w.to_string())
        .arg("-scale-to-y")
        .arg(h.to_string())
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = tiny_skia::Pixmap::load_png(prefix.with_extension("png")).unwrap();
    assert_eq!((got.width(), got.height()), (w, h));
    // Per pixel, the largest channel difference between the PNG and the
    // PDF's raster shifted by (dx, dy) pixels.
    let compare = |dx: i64, dy: i64| {
        let (mut sum, mut far, mut n) = (0u64, 0usize, 0usize);
        for y in 4..h as i64 - 4 {
            for x in 4..w as i64 - 4 {
                let a = want.pixels()[(y * w as i64 + x) as usize];
                let b = got.pixels()[((y + dy) * w as i64 + x + dx) as usize];
                let d = |p: u8, q: u8| (p as i32 - q as i32).unsigned_abs();
                let m = d(a.red(), b.red())
                    .max(d(a.green(), b.green()))
                    .max(d(a.blue(), b.blue()));
                sum += m as u64;
                far += (m > 64) as usize;
                n += 1;
            }
        }
        (sum as f64 / n as f64, far as f64 / n as f64)
    };
    let (mean, share) = compare(0, 0);
    eprintln!(
        "PDF against PNG: mean difference {mean:.2} levels, {:.2}% of pixels beyond 64",
        share * 100.0
    );
    // Anti-aliasing and glyph rasterising differ; the layout may not.
    assert!(mean < 5.0, "mean difference {mean:.2}");
    assert!(
        share < 0.03,
        "{:.2}% of pixels differ by more than 64",
        share * 100.0
    );
    // And everything is in the same place: shifting the PDF's raster by
    // two pixels makes it clearly worse.
    for (dx, dy) in [(2, 0), (-2, 0), (0, 2), (0, -2)] {
        let (shifted, _) = compare(dx, dy);
        assert!(
            shifted > 2.0 * mean,
            "shifted by ({dx}, {dy}): {shifted:.2} against {mean:.2}"
        );
    }

    // Fonts embedded as subsets, and the words extractable.
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("DejaVuSans "), "{fonts}");
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, unicode: {line}"
        );
    }
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for want in [
        "Events in Khyber Pakhtunkhwa",
        "Kohat",
        "Peshawar",
        "AFGHANISTAN",
        "OpenStreetMap",
    ] {
        assert!(text.contains(want), "{want:?} in the PDF's text: {text}");
    }
}

#[test]
fn every_format_gives_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.png", "a.svg", "a.pdf"] {
        let a = std::fs::read(render(dir.path(), name, &["--size", "120x90mm"])).unwrap();
        let b = std::fs::read(render(dir.path(), name, &["--size", "120x90mm"])).unwrap();
        assert!(a == b, "{name}: two runs differ");
    }
}

#[test]
fn formats_and_sizes_that_cannot_be_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    for (args, says) in [
        (
            vec!["-o", &path("m.jpg")],
            "name the file .png, .svg or .pdf",
        ),
        (
            vec!["-o", &path("m.png"), "--format", "pdf"],
            "the name says png but --format is pdf",
        ),
        (vec!["-o", &path("m.png"), "--size", "180x120"], ""),
        (
            vec!["-o", &path("m.png"), "--size", "180.5x120"],
            "pixel sizes are whole numbers",
        ),
        (
            vec!["-o", &path("m.png"), "--size", "0x120mm"],
            "positive numbers",
        ),
        (
            vec!["-o", &path("m.png"), "--size", "2000x2000mm"],
            "pixels at 300 dpi",
        ),
        (vec!["-o", &path("m.png"), "--dpi", "5000"], "--dpi 5000"),
    ] {
        let mut a = vec!["render"];
        a.extend(args.iter().copied());
        let o = frontier(&a);
        if says.is_empty() {
            // 180x120 pixels is too small: the library's range.
            assert_eq!(o.status.code(), Some(2), "{a:?}");
            assert!(err(&o).contains("200 to 8000"), "{a:?}: {}", err(&o));
            continue;
        }
        assert_eq!(o.status.code(), Some(2), "{a:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{a:?}: {}", err(&o));
    }
    // --format names a file without an extension.
    let o = frontier(&[
        "render",
        "-o",
        &path("plain"),
        "--format",
        "svg",
        "--size",
        "400x300",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        std::fs::read_to_string(path("plain"))
            .unwrap()
            .contains("<svg")
    );
}

#[test]
fn spec_files_render_and_flags_override_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(fixture(), data.join("events.csv")).unwrap();
    let spec = dir.path().join("map.toml");
    std::fs::write(
        &spec,
        r##"# A map kept as a file.
output = "out/map.svg"
extent = "kp"
size = "120x90mm"
dpi = 150
title = "From the spec"
labels = "cities"
inset = true

[points]
file = "data/events.csv"
color_by = "event_type"
color_title = "Kind of event"

[[layers]]
name = "cpec"
color = "#7b3294"
width = 3
"##,
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    let o = frontier(&["render", "--spec", spec.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let svg = std::fs::read_to_string(dir.path().join("out/map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&"From the spec"), "{texts:?}");
    assert!(texts.contains(&"Kind of event"), "{texts:?}");
    assert!(svg.contains("stroke=\"#7b3294\""));
    // Flags win: another title, a PNG elsewhere at another size.
    let png = dir.path().join("flag.png");
    let o = frontier(&[
        "render",
        "--spec",
        spec.to_str().unwrap(),
        "-o",
        png.to_str().unwrap(),
        "--title",
        "From the flag",
        "--dpi",
        "100",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    // 120 × 90 mm at 100 dpi.
    assert_eq!(png_size(&std::fs::read(&png).unwrap()), (472, 354));
    // Unknown keys and bad values: the file, line and column.
    for (text, says) in [
        (
            "title = \"x\"\ncolour = \"red\"\n",
            "map.toml:2:1: unknown field `colour`",
        ),
        (
            "[points]\nfile = \"data/events.csv\"\ncolor = \"x\"\n",
            "map.toml:3:1: unknown field `color`",
        ),
        ("extent = \"bbox:1,2\"\n", "map.toml:1:10: extent: "),
        ("title = \"unclosed\n", "map.toml:1:"),
    ] {
        std::fs::write(&spec, text).unwrap();
        let o = frontier(&[
            "render",
            "--spec",
            spec.to_str().unwrap(),
            "-o",
            png.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(err(&o).contains(says), "{text:?}: {}", err(&o));
    }
    // A spec may not name its own file, or a points file, as the output.
    std::fs::write(&spec, "output = \"map.toml\"\n").unwrap();
    let o = frontier(&["render", "--spec", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&spec).unwrap(),
        "output = \"map.toml\"\n"
    );
    std::fs::write(
        &spec,
        "output = \"data/events.csv\"\n[points]\nfile = \"data/events.csv\"\n",
    )
    .unwrap();
    let before = std::fs::read(data.join("events.csv")).unwrap();
    let o = frontier(&[
        "render",
        "--spec",
        spec.to_str().unwrap(),
        "--format",
        "png",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert_eq!(std::fs::read(data.join("events.csv")).unwrap(), before);
}

/// Naming the gazetteer's places credits it (GeoNames, CC BY 4.0) on the
/// map; a map without them does not.
#[test]
fn maps_naming_places_credit_geonames() {
    let dir = tempfile::tempdir().unwrap();
    for (labels, credited) in [("cities", true), ("all", true), ("districts", false)] {
        let out = dir.path().join(format!("{labels}.svg"));
        let o = frontier(&[
            "render",
            "-o",
            out.to_str().unwrap(),
            "--labels",
            labels,
            "--size",
            "800x600",
        ]);
        assert!(o.status.success(), "{}", err(&o));
        let svg = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            svg.contains("Places: GeoNames (geonames.org), CC BY 4.0"),
            credited,
            "{labels}"
        );
    }
}

/// A journal column (85 × 70 mm): the page has that size in the SVG and
/// the PDF, and the layout is drawn smaller so everything fits: the source
/// line (wrapped to two lines) stays on the page.
#[test]
fn a_journal_column_keeps_its_layout() {
    let dir = tempfile::tempdir().unwrap();
    let extra = ["--size", "85x70mm"];
    let png = render(dir.path(), "c.png", &extra);
    assert_eq!(png_size(&std::fs::read(png).unwrap()), (1004, 827));
    let svg = std::fs::read_to_string(render(dir.path(), "c.svg", &extra)).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let pt = |a: &str| {
        root.attribute(a)
            .unwrap()
            .trim_end_matches("pt")
            .parse::<f64>()
            .unwrap()
    };
    assert!(
        (pt("width") - 85.0 / 25.4 * 72.0).abs() < 0.1,
        "{}",
        pt("width")
    );
    assert!(
        (pt("height") - 70.0 / 25.4 * 72.0).abs() < 0.1,
        "{}",
        pt("height")
    );
    // The layout's own units: every word starts and ends on the page.
    let vb: Vec<f64> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let sources: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| {
            n.text()
                .is_some_and(|t| t.contains("OpenStreetMap") || t.contains("GeoNames"))
        })
        .collect();
    assert_eq!(sources.len(), 2, "the source line wraps to two lines");
    for n in sources {
        let x: f64 = n.attribute("x").unwrap().parse().unwrap();
        let em: f32 = n.attribute("font-size").unwrap().parse().unwrap();
        // The width as the PNG lays it out (sizes there are the font's
        // height; the SVG's are em sizes).
        use frontier::render::text::{Weight, em as em_of, measure};
        let size = em / em_of(1.0, Weight::Regular);
        let (w, _) = measure(n.text().unwrap(), size, Weight::Regular);
        assert!(
            x + w as f64 <= vb[2] - 4.0,
            "{:?} runs off the page ({x} + {w} > {})",
            n.text(),
            vb[2]
        );
    }
    if poppler() {
        let pdf = render(dir.path(), "c.pdf", &extra);
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let nums: Vec<f64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!(
            (nums[0] - 240.94).abs() < 0.1 && (nums[1] - 198.43).abs() < 0.1,
            "{line}"
        );
    }
}

/// A size that cannot be is refused in the user's words: what they gave,
/// where (the flag or the spec's line), what it comes to and what would
/// do; a vector poster is not refused for the pixels it would have as a
/// PNG.
#[test]
fn sizes_are_refused_in_the_users_words_and_posters_are_vector() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    let o = frontier(&["render", "-o", &path("m.png"), "--size", "10x10mm"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("--size 10x10mm is 118 x 118 pixels at 300 dpi")
            && e.contains("--dpi (at least 508"),
        "{e}"
    );
    let o = frontier(&["render", "-o", &path("m.png"), "--size", "1000x700mm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--size 1000x700mm") && err(&o).contains("SVG or PDF"),
        "{}",
        err(&o)
    );
    // The same poster as PDF and SVG: 1000 x 700 mm pages.
    let o = frontier(&["render", "-o", &path("poster.svg"), "--size", "1000x700mm"]);
    assert!(o.status.success(), "{}", err(&o));
    let svg = std::fs::read_to_string(path("poster.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let pt = |a: &str| {
        doc.root_element()
            .attribute(a)
            .unwrap()
            .trim_end_matches("pt")
            .parse::<f64>()
            .unwrap()
    };
    assert!(
        (pt("width") - 1000.0 / 25.4 * 72.0).abs() < 0.5,
        "{}",
        pt("width")
    );
    assert!(
        (pt("height") - 700.0 / 25.4 * 72.0).abs() < 0.5,
        "{}",
        pt("height")
    );
    let o = frontier(&["render", "-o", &path("poster.pdf"), "--size", "1000x700mm"]);
    assert!(o.status.success(), "{}", err(&o));
    if poppler() {
        let info = Command::new("pdfinfo")
            .arg(path("poster.pdf"))
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let nums: Vec<f64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!(
            (nums[0] - 2834.6).abs() < 0.5 && (nums[1] - 1984.3).abs() < 0.5,
            "{line}"
        );
    }
    // From a spec: its line.
    let spec = dir.path().join("map.toml");
    std::fs::write(&spec, "title = \"x\"\nsize = \"10x10mm\"\n").unwrap();
    let o = frontier(&[
        "render",
        "--spec",
        spec.to_str().unwrap(),
        "-o",
        &path("m.png"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("map.toml:2: size 10x10mm is 118 x 118 pixels"),
        "{}",
        err(&o)
    );
}

/// Errors about a setting the spec file made name the spec's key and
/// line, as its other errors do, not the flag the user never gave.
#[test]
fn spec_errors_name_the_key_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(), dir.path().join("events.csv")).unwrap();
    let spec = dir.path().join("map.toml");
    let png = dir.path().join("m.png");
    let run = |text: &str, out: bool| {
        std::fs::write(&spec, text).unwrap();
        let mut a = vec!["render", "--spec", spec.to_str().unwrap()];
        if out {
            a.extend(["-o", png.to_str().unwrap()]);
        }
        let o = frontier(&a);
        assert_eq!(o.status.code(), Some(2), "{text}");
        err(&o)
    };
    let e = run(
        "title = \"t\"\n\n[points]\ncolor_by = \"event_type\"\n",
        true,
    );
    assert!(
        e.contains("map.toml:3:1: [points]: missing field `file`"),
        "{e}"
    );
    let e = run(
        "output = \"events.csv\"\n[points]\nfile = \"events.csv\"\n",
        false,
    );
    assert!(
        e.contains("map.toml:1: output ")
            && e.contains("events.csv is the same file as the input ")
            && e.contains("map.toml:3: [points] file "),
        "{e}"
    );
    assert!(!e.contains("-o "), "{e}");
    let e = run(
        "[points]\nfile = \"events.csv\"\ncolor_by = \"colour\"\n",
        true,
    );
    assert!(
        e.contains("map.toml:3: ")
            && e.contains("no column named \"colour\" for [points] color_by"),
        "{e}"
    );
    assert!(!e.contains("--color-by"), "{e}");
    // The flag, when the flag said it.
    let o = frontier(&[
        "render",
        "--spec",
        spec.to_str().unwrap(),
        "-o",
        png.to_str().unwrap(),
        "--color-by",
        "hue",
    ]);
    assert!(err(&o).contains("for --color-by"), "{}", err(&o));
}

/// Urdu in a PDF: shaped (the joined forms of Noto Naskh Arabic, embedded
/// as a subset) and searchable (its ToUnicode map gives the letters back).
#[test]
fn urdu_in_a_pdf_is_shaped_embedded_and_searchable() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("u.pdf");
    let o = frontier(&[
        "render",
        "--title",
        "پشاور",
        "--size",
        "800x600",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("NotoNaskhArabic-Bold"), "{fonts}");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("پشاور"), "{text}");
}
