//! The readers never panic: random bytes, truncated files, enormous numbers,
//! NaN and infinities, Unicode, BOM, CRLF, quoted newlines, empty and
//! header-only files all end in a clear error or a correct result.

use frontier::Layer;
use frontier::ingest::{PointSource, ReadOptions, Row};
use proptest::prelude::*;
use std::io::Write;

/// Read every row of `bytes` as a point file named `name`; Ok(rows, rejects)
/// or the error's text.
fn read_all(name: &str, bytes: &[u8], skip: bool) -> Result<(usize, usize), String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    let mut opts = ReadOptions::default();
    opts.skip_invalid = skip;
    let mut src = PointSource::open(p.to_str().unwrap(), &opts).map_err(|e| e.to_string())?;
    let (mut ok, mut bad) = (0, 0);
    while let Some(r) = src.next_row() {
        match r.map_err(|e| e.to_string())? {
            Row::Record(rec) => {
                assert!(rec.coord.x.abs() <= 180.0 && rec.coord.y.abs() <= 90.0);
                ok += 1;
            }
            Row::Reject(_) => bad += 1,
        }
    }
    Ok((ok, bad))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_all("x.csv", &bytes, false);
        let _ = read_all("x.csv", &bytes, true);
        let _ = read_all("x.geojson", &bytes, false);
        let _ = Layer::from_geojson_str("x", "x.geojson", &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn csv_with_random_cells_accounts_for_every_row(
        cells in proptest::collection::vec(
            prop_oneof![
                Just("".to_string()),
                Just("NaN".to_string()),
                Just("inf".to_string()),
                Just("-1e308".to_string()),
                Just("1e400".to_string()),
                Just("\"34,5\"".to_string()),
                Just("ß∂ƒ".to_string()),
                Just("\"a\nb\"".to_string()),
                (-200.0..200.0f64).prop_map(|v| format!("{v}")),
                (-100.0..100.0f64).prop_map(|v| format!("{v:.3}")),
            ],
            0..60,
        ),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut s = String::new();
        if bom {
            s.push('\u{feff}');
        }
        s.push_str("name,lat,lon");
        s.push_str(nl);
        let rows = cells.len() / 2;
        for i in 0..rows {
            s.push_str(&format!("r{i},{},{}{nl}", cells[2 * i], cells[2 * i + 1]));
        }
        // Every row is read or rejected, never an error for the file; a row
        // is read when both cells are finite numbers in range.
        let number = |c: &str, max: f64| c.parse::<f64>().is_ok_and(|v| v.is_finite() && v.abs() <= max);
        let valid = (0..rows)
            .filter(|&i| number(&cells[2 * i], 90.0) && number(&cells[2 * i + 1], 180.0))
            .count();
        prop_assert_eq!(read_all("c.csv", s.as_bytes(), true), Ok((valid, rows - valid)));
    }

    #[test]
    fn truncated_files_give_an_error_or_fewer_rows(cut in 0usize..140) {
        let full = "id,latitude,longitude\n1,34.0,71.5\n2,\"30.1\",67.0\n3,25.1,62.3\n";
        let text = &full[..cut.min(full.len())];
        // What survives the cut: a header that still names both coordinate
        // columns reads; each data line left, whole or cut, is a row, read
        // when its third field has begun (the longitude is a number from
        // its first digit) and rejected otherwise.
        let mut lines = text.split('\n');
        let header = lines.next().unwrap();
        let cols: Vec<&str> = header.split(',').collect();
        let want = if text.is_empty() {
            Err("empty file")
        } else if cols.len() == 3 && ["lon", "long", "longitude"].contains(&cols[2]) {
            let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
            let ok = rows
                .iter()
                .filter(|l| l.split(',').nth(2).is_some_and(|f| !f.is_empty()))
                .count();
            Ok((ok, rows.len() - ok))
        } else {
            Err("no coordinate columns found")
        };
        match (read_all("t.csv", text.as_bytes(), true), want) {
            (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "{:?}", text),
            (Err(e), Err(want)) => prop_assert!(e.contains(want), "{:?}: {}", text, e),
            (got, want) => prop_assert!(false, "{:?}: got {:?}, want {:?}", text, got, want),
        }
        let gj = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[71.5,34.0]}}]}"#;
        let g = &gj.as_bytes()[..cut.min(gj.len())];
        let r = read_all("t.geojson", g, false);
        if cut < gj.len() {
            prop_assert!(r.is_err(), "a truncated GeoJSON must be an error");
        } else {
            prop_assert_eq!(r, Ok((1, 0)));
        }
    }
}

#[test]
fn empty_and_header_only_files() {
    assert!(
        read_all("e.csv", b"", false)
            .unwrap_err()
            .contains("empty file")
    );
    assert_eq!(read_all("h.csv", b"lat,lon\n", false), Ok((0, 0)));
    assert_eq!(
        read_all("h.csv", b"\xef\xbb\xbflat,lon\r\n", false),
        Ok((0, 0))
    );
    assert!(
        read_all("e.geojson", b"", false)
            .unwrap_err()
            .contains("malformed JSON")
    );
    assert_eq!(
        read_all(
            "h.geojson",
            br#"{"type":"FeatureCollection","features":[]}"#,
            false
        ),
        Ok((0, 0))
    );
}

#[test]
fn invalid_utf8_is_a_row_error_not_a_panic() {
    let bytes = b"name,lat,lon\nok,34,71\n\xff\xfe,30,67\n";
    let e = read_all("u.csv", bytes, false).unwrap_err();
    assert!(e.contains("u.csv:3: name: not valid UTF-8"), "{e}");
    assert_eq!(read_all("u.csv", bytes, true), Ok((1, 1)));
}

#[test]
fn a_large_generated_input_keeps_every_row_in_order() {
    // 300,000 rows (generated here, not committed), 1 in 11 bad.
    let mut s = String::from("id,latitude,longitude\n");
    let mut bad = 0;
    for i in 0..300_000u32 {
        if i % 11 == 5 {
            bad += 1;
            s.push_str(&format!("{i},x,70\n"));
        } else {
            s.push_str(&format!(
                "{i},{},{}\n",
                24.0 + (i % 1300) as f64 * 0.01,
                61.0 + (i % 1600) as f64 * 0.01
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    let rj = dir.path().join("rejects.csv");
    std::fs::write(&p, s).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args([
            "locate",
            p.to_str().unwrap(),
            "--skip-invalid",
            "--rejects",
            rj.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let ids: Vec<u32> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    let rejected = std::fs::read_to_string(&rj).unwrap().lines().count() - 1;
    assert_eq!(ids.len() + rejected, 300_000);
    assert_eq!(rejected, bad);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "output order = input order"
    );

    // Strict mode, one bad row deep in the file (many batches in): the
    // error names its line, and the command fails.
    let mut s = String::from("id,latitude,longitude\n");
    for i in 0..300_000u32 {
        if i == 250_000 {
            s.push_str("250000,30,east\n");
        } else {
            s.push_str(&format!("{i},30.5,70.5\n"));
        }
    }
    std::fs::write(&p, s).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(["locate", p.to_str().unwrap(), "-o"])
        .arg(dir.path().join("out.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("big.csv:250002: longitude: longitude is not a number: \"east\""),
        "{err}"
    );
}

/// The library's messages say what and where in its own terms, never a
/// command-line flag (the command line words them as flags itself).
#[test]
fn library_errors_name_no_flags() {
    use frontier::error::{Error, Param};
    use frontier::ingest::FormatHint;
    let read = |text: &'static str, opts: &ReadOptions| {
        PointSource::from_reader(Box::new(text.as_bytes()), "in.csv", FormatHint::None, opts)
    };
    let mut errors = Vec::new();
    errors.push(read("a,b\n1,2\n", &ReadOptions::default()).err().unwrap());
    let mut named = ReadOptions::default();
    named.lat = Some("north".into());
    errors.push(read("id,lat,lon\n1,2,3\n", &named).err().unwrap());
    errors.push(
        read(
            "id,lat,y,latitude,lon\n1,2,3,4,5\n",
            &ReadOptions::default(),
        )
        .err()
        .unwrap_or_else(|| {
            // Tiers: `lat` and `latitude` are both first-tier names.
            panic!("two latitude columns must be refused")
        }),
    );
    let mut src = read("id,lat,lon\n1,30,70\n", &ReadOptions::default()).unwrap();
    let mut opts = frontier::summary::Options::default();
    opts.value = Some("deaths".into());
    errors.push(
        frontier::summary::summarize(&mut src, frontier::summary::Grouping::Provinces, opts)
            .err()
            .unwrap(),
    );
    let mut spec = frontier::render::MapSpec::default();
    spec.size = (10, 10);
    errors.push(frontier::render::render(&spec).err().unwrap());
    errors.push(
        frontier::render::classify::palette("rainbow")
            .err()
            .unwrap(),
    );
    let params = [
        Param::Latitude,
        Param::Latitude,
        Param::Latitude,
        Param::Value,
        Param::ImageSize,
        Param::Palette,
    ];
    for (e, p) in errors.iter().zip(params) {
        let text = e.to_string();
        assert!(!text.contains("--"), "{text}");
        assert!(
            text.contains(p.describe()),
            "{text} should name {}",
            p.describe()
        );
        let flagged = e.render_with(&|_| "--flag");
        assert!(flagged.contains("--flag"), "{flagged}");
        assert!(
            matches!(
                e,
                Error::MissingColumn { .. }
                    | Error::AmbiguousColumn { .. }
                    | Error::NoCoordinates { .. }
                    | Error::InvalidSetting { .. }
            ),
            "{e:?}"
        );
    }
}
