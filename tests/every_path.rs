//! One answer on every path: a test for each defect that awkward inputs
//! found in the command line (each failed before its fix), numbered as the
//! defects were reported.

mod common;

use common::frontier;

/// Write `text` to `name` in a new temporary folder.
fn file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    (dir, p.to_str().unwrap().to_string())
}

fn stdout(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// #4: Two columns of one name are both kept, renamed, in every format.
#[test]
fn duplicate_column_names_are_kept_in_every_format() {
    let (dir, dup) = file("dup.csv", "id,id,lat,lon\n1,a,34.0,71.5\n2,b,30.1,67.0\n");
    let csv = frontier(&["locate", &dup]);
    let text = stdout(&csv);
    assert!(text.starts_with("id,id_2,lat,lon,country,"), "{text}");
    assert!(stderr(&csv).contains("\"id_2\""), "{}", stderr(&csv));
    for format in ["json", "ndjson", "geojson"] {
        let text = stdout(&frontier(&["locate", &dup, "--format", format]));
        for (first, second) in [("1", "\"a\""), ("2", "\"b\"")] {
            assert!(
                text.contains(&format!("\"id\":{first},\"id_2\":{second}")),
                "{format}: {text}"
            );
        }
    }
    let out = dir.path().join("d.parquet");
    stdout(&frontier(&["locate", &dup, "-o", out.to_str().unwrap()]));
    let reader =
        parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&out).unwrap())
            .unwrap();
    use parquet::file::reader::FileReader;
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "id", "id_2", "lat", "lon", "country", "province", "district", "geometry"
        ]
    );
}

/// #26: The coordinates frontier adds to GeoJSON input are named as
/// every added column is: `frontier_` before a name the input already
/// has.
#[test]
fn added_coordinate_columns_take_the_frontier_prefix() {
    let (_dir, g) = file(
        "g.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"longitude":5,"Latitude":"x"},"geometry":{"type":"Point","coordinates":[71.5,34]}}]}"#,
    );
    let text = stdout(&frontier(&["locate", &g]));
    assert_eq!(
        text.lines().next().unwrap(),
        "longitude,Latitude,frontier_longitude,frontier_latitude,country,province,district"
    );
}

const EVENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);

/// #7: One window rule for every table command: a window that ends before
/// it starts, or a split that leaves one side empty, is refused (exit 2,
/// naming the flag), never answered with an all-zero table or with every
/// area "no longer hot".
#[test]
fn every_table_command_refuses_the_same_windows() {
    for cmd in ["summarize", "trend", "hotspots"] {
        let o = frontier(&[cmd, EVENTS, "--from", "2022-01-01", "--to", "2021-01-01"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("--from"), "{cmd}: {}", stderr(&o));
        let o = frontier(&[cmd, EVENTS, "--split", "2030-01-01", "-q"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--split 2030-01-01") && stderr(&o).contains("both sides"),
            "{cmd}: {}",
            stderr(&o)
        );
        let o = frontier(&[cmd, EVENTS, "--split", "1990-01-01", "-q"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        // A split inside the data is taken.
        let o = frontier(&[cmd, EVENTS, "--split", "2021-08-15", "-q"]);
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
    }
}

/// #16: A named pipe, `<(cmd)` or /dev/stdin is read as a stream, as `-`
/// is, in every format (JSON output reads its input twice).
#[cfg(unix)]
#[test]
fn a_named_pipe_reads_as_standard_input_does() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("points.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let expected = stdout(&frontier(&["locate", EVENTS, "--format", "json"]));
    let feeder = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            std::io::Write::write_all(&mut f, &std::fs::read(EVENTS).unwrap()).unwrap();
        })
    };
    let got = stdout(&frontier(&[
        "locate",
        fifo.to_str().unwrap(),
        "--format",
        "json",
    ]));
    feeder.join().unwrap();
    assert_eq!(got, expected);
}

/// #15: Many columns in JSON: every column is written, each once (the
/// writer splits a line once per row, not once per column; before, 100,000
/// columns took half a minute).
#[test]
fn a_wide_file_is_written_whole_as_json() {
    let n = 20_000;
    let mut text = String::from("lat,lon");
    for i in 0..n {
        text.push_str(&format!(",c{i}"));
    }
    text.push_str("\n34.0,71.5");
    for i in 0..n {
        text.push_str(&format!(",{i}"));
    }
    text.push('\n');
    let (_dir, wide) = file("wide.csv", &text);
    let out = stdout(&frontier(&["locate", &wide, "--format", "ndjson"]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let o = v.as_object().unwrap();
    assert_eq!(o.len(), n + 2 + 3);
    assert_eq!(o["c19999"], 19999);
    assert_eq!(o["district"], "Peshawar");
}

/// #8: Sums that would overflow are an error naming the file, line and
/// column in every table command, not an empty cell, a NaN Moran's I or an
/// infinite rate.
#[test]
fn sums_that_overflow_are_refused_naming_line_and_column() {
    let (_dir, ov) = file(
        "ov.csv",
        "event_date,lat,lon,fatalities\n2021-01-01,34,71.5,1e308\n2021-02-01,34,71.5,1e308\n2021-03-01,30.2,67,1\n",
    );
    for args in [
        vec!["summarize", ov.as_str(), "--value", "fatalities"],
        vec!["trend", ov.as_str(), "--value", "fatalities"],
        vec!["hotspots", ov.as_str(), "--value", "fatalities"],
        vec![
            "hotspots",
            ov.as_str(),
            "--value",
            "fatalities",
            "--by",
            "hex:20",
        ],
    ] {
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("ov.csv:3: fatalities: the values of this column add up beyond"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // Values that are large but sum finitely are summed.
    let (_dir, big) = file(
        "big.csv",
        "event_date,lat,lon,fatalities\n2021-01-01,34,71.5,1e307\n2021-02-01,34,71.5,1e307\n",
    );
    let o = stdout(&frontier(&[
        "summarize",
        &big,
        "--value",
        "fatalities",
        "--by",
        "province",
    ]));
    assert!(o.contains(",2e+307,1,4.895230202728371e+304,"), "{o}");
}

/// #9: A split over no events: the table keeps its header (zero rows, as
/// any empty window), and no "infinite" change is claimed from 0 vs 0.
#[test]
fn a_split_over_no_events_keeps_its_header() {
    let (_dir, empty) = file("empty.csv", "event_date,lat,lon\n");
    let csv = stdout(&frontier(&["trend", &empty, "--split", "2021-08-15"]));
    assert!(csv.starts_with("group,events_before,days_before,"), "{csv}");
    assert_eq!(csv.lines().count(), 1);
    let md = stdout(&frontier(&[
        "trend",
        &empty,
        "--split",
        "2021-08-15",
        "--format",
        "md",
    ]));
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines.len(), 2, "{md}");
    assert_eq!(lines[0].matches('|').count(), lines[1].matches('|').count());
    // 0 events on both sides of a split in a window: undefined, not infinite.
    let (_dir, one) = file("one.csv", "event_date,lat,lon\n2021-01-05,34,71.5\n");
    let csv = stdout(&frontier(&[
        "trend",
        &one,
        "--split",
        "2021-06-01",
        "--from",
        "2020-01-01",
        "--to",
        "2021-12-31",
        "--by",
        "province",
        "-q",
    ]));
    let quetta = csv.lines().find(|l| l.starts_with("Balochistan,")).unwrap();
    assert!(
        quetta.ends_with(
            "\"no events on either side of the split, so the change at it is undefined\""
        ),
        "{quetta}"
    );
}

/// #13: A mistyped year cannot stretch a weekly window over thousands of
/// years until memory runs out: the run is refused naming the dates and
/// their lines; periods of years before 1000 are written with four digits.
#[test]
fn a_window_too_long_to_count_names_the_dates_that_stretch_it() {
    let (_dir, x) = file(
        "x.csv",
        "event_date,latitude,longitude\n2021-08-15,34,71.5\n0021-08-15,34,71.5\n",
    );
    let o = frontier(&["trend", &x, "--period", "week", "--by", "district"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("from 0021-08-15 (line 3) to 2021-08-15 (line 2)"),
        "{}",
        stderr(&o)
    );
    let years = stdout(&frontier(&["trend", &x, "--period", "year"]));
    assert!(
        years
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("0021,0021-01-01,0021-12-31,365,1"),
        "{years}"
    );
    let months = stdout(&frontier(&[
        "trend",
        &x,
        "--period",
        "month",
        "--to",
        "0022-01-31",
    ]));
    assert!(months.contains("\n0021-08,"), "{months}");
}

/// #18: A full device names the output, in plain words.
#[cfg(unix)]
#[test]
fn a_full_device_names_the_output_in_plain_words() {
    for args in [
        vec![
            "layers",
            "show",
            "districts",
            "--format",
            "geoparquet",
            "-o",
            "/dev/full",
        ],
        vec!["locate", EVENTS, "-o", "/dev/full"],
        vec![
            "locate",
            EVENTS,
            "-o",
            "/dev/full",
            "--format",
            "geoparquet",
        ],
        vec!["summarize", EVENTS, "-o", "/dev/full"],
    ] {
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&o).trim(),
            "frontier: error: /dev/full: No space left on device (os error 28)",
            "{args:?}"
        );
    }
}

/// #19: A header that is not UTF-8 is named by line and column.
#[test]
fn a_header_that_is_not_utf8_is_named_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.csv");
    std::fs::write(&h, b"id,l\xe9at,lat,lon\n1,2,34,71\n").unwrap();
    let o = frontier(&["locate", h.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("h.csv:1: column 2: the header is not valid UTF-8"),
        "{}",
        stderr(&o)
    );
}

/// #20: Two columns of one name: the message says how to choose, and
/// choosing by number works.
#[test]
fn two_columns_of_one_name_are_chosen_by_number() {
    let (_dir, f) = file("twolat.csv", "id,lat,lat,lon\n1,2,34,71.5\n");
    let o = frontier(&["locate", &f]);
    assert!(
        stderr(&o).contains("or give its number (e.g. --lat 3)"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&frontier(&["locate", &f, "--lat", "3"]));
    assert!(out.ends_with(",PAK,Khyber Pakhtunkhwa,Peshawar\n"), "{out}");
}

/// #23: Hot-spot messages say what is really wrong.
#[test]
fn hotspot_messages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let islands = dir.path().join("islands.geojson");
    let square = |x: f64, y: f64| {
        format!(
            "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
            x + 0.5,
            x + 0.5,
            y + 0.5,
            y + 0.5
        )
    };
    let features: Vec<String> = [("A", 70.0, 30.0), ("B", 72.0, 32.0), ("C", 74.0, 34.0), ("D", 76.0, 34.5)]
        .iter()
        .map(|(n, x, y)| format!(r#"{{"type":"Feature","properties":{{"name":"{n}"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#, square(*x, *y)))
        .collect();
    std::fs::write(
        &islands,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let (_d, pts) = file(
        "p.csv",
        "event_date,lat,lon\n2021-01-01,30.2,70.2\n2021-01-01,32.2,72.2\n2021-01-01,32.3,72.2\n",
    );
    let o = frontier(&["hotspots", &pts, "--by", islands.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("Moran's I: undefined (no area has a neighbour by queen weights)"),
        "{}",
        stderr(&o)
    );
    let o = frontier(&["hotspots", EVENTS, "--weights", "knn:500", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--weights knn:500: K below the number of areas (156)"),
        "{}",
        stderr(&o)
    );
    let o = frontier(&["trend", EVENTS, "--by", "crossings", "-q"]);
    assert!(
        stderr(&o).contains("--by crossings: the layer has no polygons"),
        "{}",
        stderr(&o)
    );
}

/// #25: one meaning per flag. `--to` is an end date only, the layer measured
/// to is `--target` (the old `--to`/`--layer` still read as it); `--by` names
/// the groups in every table command (trend's period is `--period`; its old
/// `--by week` still reads as the period, with a note).
#[test]
fn one_meaning_per_flag_and_old_spellings_still_read() {
    let near = stdout(&frontier(&["near", EVENTS, "--target", "durand-line"]));
    for old in ["--to", "--layer"] {
        assert_eq!(
            stdout(&frontier(&["near", EVENTS, old, "durand-line"])),
            near,
            "{old}"
        );
    }
    let nearest = stdout(&frontier(&["nearest", EVENTS, "--target", "crossings"]));
    assert_eq!(
        stdout(&frontier(&["nearest", EVENTS, "--to", "crossings"])),
        nearest
    );
    let bands = [
        "summarize",
        EVENTS,
        "--bands",
        "0,10,50",
        "--target",
        "cpec",
    ];
    let old_bands = [
        "summarize",
        EVENTS,
        "--bands",
        "0,10,50",
        "--from-layer",
        "cpec",
    ];
    assert_eq!(stdout(&frontier(&bands)), stdout(&frontier(&old_bands)));
    let located = stdout(&frontier(&["locate", EVENTS, "--in", "waziristan"]));
    assert!(
        located.lines().next().unwrap().ends_with(",waziristan"),
        "{located}"
    );
    assert_eq!(
        stdout(&frontier(&["locate", EVENTS, "--layer", "waziristan"])),
        located
    );

    let weekly = stdout(&frontier(&[
        "trend", EVENTS, "--period", "week", "--by", "province",
    ]));
    assert!(weekly.starts_with("province,period,"), "{weekly}");
    let old = frontier(&["trend", EVENTS, "--by", "week", "--group", "province"]);
    assert_eq!(stdout(&old), weekly);
    assert!(
        stderr(&old).contains("--by week is read as --period week"),
        "{}",
        stderr(&old)
    );
    let o = frontier(&["trend", EVENTS, "--period", "week", "--by", "year"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the period is --period"),
        "{}",
        stderr(&o)
    );

    // In every command's help, --to is a date (where it is shown at all)
    // and --by the areas or groups.
    for cmd in [
        "near",
        "nearest",
        "summarize",
        "trend",
        "hotspots",
        "knox",
        "emerging",
        "locate",
    ] {
        let help = stdout(&frontier(&[cmd, "--help"]));
        for line in help.lines().map(str::trim) {
            if line.starts_with("--to ") {
                assert!(line.contains("<DATE>"), "{cmd}: {line}");
            }
            if line.starts_with("--by ") {
                assert!(line.contains("district"), "{cmd}: {line}");
            }
            assert!(!line.starts_with("--layer "), "{cmd}: {line}");
            assert!(!line.starts_with("--group "), "{cmd}: {line}");
        }
    }
}

/// #25: one unit rule for every distance: a bare number is km, and m, km,
/// mi and nmi are read wherever a distance is.
#[test]
fn every_distance_reads_the_same_units() {
    let near = |d: &str| {
        stdout(&frontier(&[
            "near",
            EVENTS,
            "--target",
            "durand-line",
            "--within",
            d,
        ]))
    };
    let km = near("25km");
    assert!(km.lines().count() > 2, "{km}");
    for same in ["25", "25000m", "25 KM"] {
        assert_eq!(near(same), km, "{same}");
    }
    // 15.534 mi is 25.000 km to the metre (1 mi = 1609.344 m).
    let miles = near("15.53428mi");
    assert_eq!(miles, km);

    let bands = |b: &str| stdout(&frontier(&["summarize", EVENTS, "--bands", b]));
    let want = bands("0,10,50km");
    for same in ["0,10,50", "0,10000,50000m", "0,10km,50"] {
        assert_eq!(bands(same), want, "{same}");
    }

    // hex:5mi is hex:8.04672 (km).
    let hex = |b: &str| stdout(&frontier(&["hotspots", EVENTS, "--by", b, "-q"]));
    assert_eq!(hex("hex:5mi"), hex("hex:8.04672"));
    assert_eq!(hex("hex:8046.72m"), hex("hex:8.04672km"));

    let weights = |w: &str| {
        stdout(&frontier(&[
            "hotspots",
            EVENTS,
            "--by",
            "province",
            "--weights",
            w,
            "-q",
        ]))
    };
    assert_eq!(weights("distance:300"), weights("distance:300000m"));

    let render = |b: &str| {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("d.png");
        stdout(&frontier(&[
            "render",
            "--density",
            EVENTS,
            "--bandwidth",
            b,
            "--size",
            "300x200",
            "-o",
            png.to_str().unwrap(),
        ]));
        std::fs::read(png).unwrap()
    };
    assert_eq!(render("20"), render("20km"));
    assert_eq!(render("20000m"), render("20km"));
}

/// #27: every command's help names what it reads and writes; one prefix for
/// every error, clap's or frontier's.
#[test]
fn help_names_every_format_and_errors_share_a_prefix() {
    for cmd in [
        "locate",
        "near",
        "nearest",
        "summarize",
        "trend",
        "hotspots",
        "knox",
        "emerging",
    ] {
        let help = stdout(&frontier(&[cmd, "--help"]));
        let points = help
            .lines()
            .find(|l| l.trim().starts_with("<POINTS>"))
            .unwrap_or("");
        assert!(
            points.contains("(Geo)Parquet") && points.contains("GeoJSON"),
            "{cmd}: {points}"
        );
        assert!(!help.contains("FORMAT_FLAG"), "{cmd}");
    }
    // The other commands that read points name the same formats.
    for (cmd, arg) in [
        ("render", "--points <FILE>"),
        ("render", "--density <FILE>"),
        ("serve", "[POINTS]..."),
    ] {
        let help = stdout(&frontier(&[cmd, "--help"]));
        let at = help
            .find(&format!("  {arg}"))
            .unwrap_or_else(|| panic!("{cmd} --help has no {arg}:\n{help}"));
        // The argument's help: from its name to the next argument.
        let text = &help[at + arg.len() + 2..];
        let text = &text[..text.find("\n  -").unwrap_or(text.len())];
        assert!(
            text.contains("(Geo)Parquet") && text.contains("GeoJSON"),
            "{cmd} {arg}: {text}"
        );
    }
    let top = stdout(&frontier(&["--help"]));
    let render = top
        .lines()
        .find(|l| l.trim().starts_with("render"))
        .unwrap();
    assert!(render.contains("PNG, SVG or PDF"), "{render}");
    let layers = stdout(&frontier(&["layers", "--help"]));
    assert!(
        layers.contains("Usage: frontier layers [OPTIONS] [COMMAND]"),
        "{layers}"
    );
    assert!(layers.contains("show "), "{layers}");
    let show = frontier(&["layers", "show"]);
    assert_eq!(show.status.code(), Some(2));
    assert!(stderr(&show).contains("<NAME>"), "{}", stderr(&show));
    // A clap error and a frontier error begin alike.
    for args in [
        vec!["near", EVENTS],
        vec!["near", "/no/such/file.csv", "--target", "durand-line"],
        vec!["layers", "bogus"],
        vec!["trend", EVENTS, "--period", "fortnight"],
    ] {
        let o = frontier(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).starts_with("frontier: error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// #28: synth says when a flag cannot apply, and a box may start with a
/// minus sign without `=`.
#[test]
fn synth_refuses_what_it_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.csv");
    let o = frontier(&[
        "synth",
        "--refugees",
        "5",
        "--refugees-output",
        r.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--refugees-output"), "{}", stderr(&o));
    assert!(!r.exists());
    let text = stdout(&frontier(&[
        "synth",
        "--events",
        "10",
        "--uniform",
        "-180,-90,180,90",
    ]));
    assert_eq!(text.lines().count(), 11, "{text}");
    for line in text.lines().skip(1) {
        assert!(line.contains("synthetic"), "{line}");
    }
}

/// #29: a line break in a group's name stays inside its Markdown cell; a
/// grouping layer whose features share a name says so; a value that rounds
/// to zero is never written `-0.000000`.
#[test]
fn names_with_line_breaks_shared_names_and_negative_zero() {
    let (_d, csv) = file(
        "ev.csv",
        "event_date,event_type,latitude,longitude\n2021-01-05,\"Battles\nnorth\",34.0,71.5\n2021-02-05,Riots,34.0,71.5\n",
    );
    let md = stdout(&frontier(&[
        "trend",
        &csv,
        "--by",
        "event_type",
        "--format",
        "md",
        "-q",
    ]));
    assert!(md.contains("Battles<br>north"), "{md}");
    for line in md.lines() {
        assert!(line.starts_with('|') && line.ends_with('|'), "{line}\n{md}");
    }

    // Two polygons of one name (the same 1° square twice, apart).
    let square = |x: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"Zone"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},33],[{},33],[{},35],[{x},35],[{x},33]]]}}}}"#,
            x + 1.0,
            x + 1.0
        )
    };
    let (_l, layer) = file(
        "zones.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            square(70.0),
            square(72.0)
        ),
    );
    let o = frontier(&["summarize", &csv, "--by", &layer]);
    let table = stdout(&o);
    assert!(
        stderr(&o).contains("features 1, 2 are all named \"Zone\""),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        table.lines().filter(|l| l.starts_with("Zone,")).count(),
        2,
        "{table}"
    );

    // A point a ten-millionth of a degree west of Greenwich, as the nearest
    // point of a layer: its longitude rounds to 0 and is written so.
    let (_p, pt) = file(
        "pt.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[-0.0000001,0.5]}}]}"#,
    );
    let (_q, q) = file("q.csv", "id,lat,lon\n1,0.5,-0.1\n");
    let near = stdout(&frontier(&["near", &q, "--target", &pt]));
    assert!(near.contains(",P,0.000000,0.500000"), "{near}");
    assert!(!near.contains("-0.000000"), "{near}");
    let json = stdout(&frontier(&[
        "near", &q, "--target", &pt, "--format", "json",
    ]));
    assert!(
        json.contains("\"nearest_lon\":0.0") || json.contains("\"nearest_lon\":0,"),
        "{json}"
    );
}
