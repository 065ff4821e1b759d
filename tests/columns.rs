//! The column reader ([`PointSource::par_columns`]) against the row reader
//! ([`PointSource::next_row`] and [`column_kinds`]) on awkward CSV: quoted
//! fields with delimiters, quotes and newlines inside, empty cells, bad
//! numbers and coordinates, rows of the wrong length, a byte order mark,
//! CRLF and bare CR line ends, bytes that are not UTF-8, an unterminated
//! quote, every delimiter, and files long enough to be read in many
//! pieces (so that a column's kind changes in a later piece than its
//! first cells). The same rows must be points (with the same cells),
//! rejects (with the same line, column, reason and fields) or the same
//! error, and the columns the same kinds.

use frontier::ingest::{
    ColumnPiece, FormatHint, KindSeen, Numbers, PointSource, ReadOptions, Row, column_kinds,
};
use frontier::row::{Kind, json_number};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::Mutex;

// Built field by field, as options made outside the library are.
#[allow(clippy::field_reassign_with_default)]
fn source(text: &[u8], skip_invalid: bool) -> frontier::Result<PointSource> {
    let mut opts = ReadOptions::default();
    opts.skip_invalid = skip_invalid;
    PointSource::from_reader(
        Box::new(Cursor::new(text.to_vec())),
        "awkward.csv",
        FormatHint::None,
        &opts,
    )
}

/// The pieces of the column reader, in input order.
fn by_columns(text: &[u8], skip_invalid: bool) -> frontier::Result<Vec<ColumnPiece>> {
    let mut src = source(text, skip_invalid)?;
    let parts = Mutex::new(Vec::new());
    src.par_columns(|k, p| parts.lock().unwrap().push((k, p)))?;
    let mut parts = parts.into_inner().unwrap();
    parts.sort_by_key(|(k, _)| *k);
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}

/// The rows of the row reader, in order.
fn by_rows(text: &[u8], skip_invalid: bool) -> frontier::Result<Vec<Row>> {
    source(text, skip_invalid)?.collect()
}

/// Check that the column reader reads `text` as the row reader does.
fn check(text: &[u8], skip_invalid: bool) {
    let (cols, rows) = (by_columns(text, skip_invalid), by_rows(text, skip_invalid));
    let (pieces, rows) = match (cols, rows) {
        (Ok(p), Ok(r)) => (p, r),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "the same error");
            return;
        }
        (a, b) => panic!(
            "one reader failed: columns {:?}, rows {:?}",
            a.err().map(|e| e.to_string()),
            b.err().map(|e| e.to_string())
        ),
    };
    let ncols = source(text, skip_invalid).unwrap().schema().columns.len();
    let records: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Record(r) => Some(r),
            Row::Reject(_) => None,
        })
        .collect();
    let rejects: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Reject(r) => Some(r),
            Row::Record(_) => None,
        })
        .collect();
    // The same points, in order, with the same cells.
    let lines: Vec<u64> = pieces.iter().flat_map(|p| p.lines().to_vec()).collect();
    let want: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, want, "lines of the points");
    let coords: Vec<_> = pieces.iter().flat_map(|p| p.coords().to_vec()).collect();
    let want: Vec<_> = records.iter().map(|r| r.coord).collect();
    assert_eq!(coords, want, "positions");
    for k in 0..ncols {
        let mut i = 0;
        for p in &pieces {
            let c = &p.columns()[k];
            let as_text = p.text_of(k);
            for j in 0..p.len() {
                let r = records[i];
                let cell = r.fields.text(k);
                assert_eq!(as_text.cell(j), cell, "line {} column {k} as text", r.line);
                match &c.numbers {
                    Some(n) => {
                        let x = json_number(&cell);
                        assert!(x.is_some() || cell.is_empty(), "{cell:?} kept as a number");
                        let f = x.as_ref().and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
                        let int = x.as_ref().and_then(|x| x.as_i64());
                        match n {
                            Numbers::Whole(v) => {
                                assert_eq!(Some(v[j]), int, "{cell:?} as i64")
                            }
                            Numbers::Real(v) => {
                                assert_eq!(v[j].to_bits(), f.to_bits(), "{cell:?} as f64")
                            }
                        }
                    }
                    None => assert_eq!(c.text.cell(j), cell, "line {} column {k}", r.line),
                }
                i += 1;
            }
        }
    }
    // The same rejects.
    let got: Vec<_> = pieces.iter().flat_map(|p| p.rejects().to_vec()).collect();
    assert_eq!(got.len(), rejects.len(), "rejects");
    for (a, b) in got.iter().zip(&rejects) {
        assert_eq!(
            (
                a.line,
                &a.column,
                &a.reason,
                a.fields.texts(),
                a.fields.raw()
            ),
            (
                b.line,
                &b.column,
                &b.reason,
                b.fields.texts(),
                b.fields.raw()
            ),
        );
    }
    // The same kinds (a file of rows and rejects).
    let kinds: Vec<Kind> = (0..ncols)
        .map(|k| {
            pieces
                .iter()
                .fold(KindSeen::ANY, |a, p| a.and(p.columns()[k].seen))
                .kind()
        })
        .collect();
    let mut src = source(text, skip_invalid).unwrap();
    assert_eq!(kinds, column_kinds(&mut src).unwrap(), "kinds");
}

/// A tiny random number generator (the test's data is made, not stored).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// A file of `rows` rows (synthetic), delimiter `d`: mostly ordinary rows,
/// with awkward ones among them at the rate `odd` in 100; the columns
/// `n` (whole numbers, but for `late` on one row near the end), `x`
/// (numbers and empty cells), `flag` and `note` (anything).
fn awkward(seed: u64, rows: usize, d: char, odd: usize, late: &str) -> Vec<u8> {
    let mut g = Lcg(seed);
    let mut out = Vec::new();
    out.extend_from_slice(
        "\u{feff}id,latitude,longitude,n,x,flag,note\r\n"
            .replace(',', &d.to_string())
            .as_bytes(),
    );
    let notes = [
        "plain",
        "",
        "\"a,b;c\td|e\"",
        "\"two\nlines\"",
        "\"say \"\"hi\"\"\"",
        "é",
        " 5",
        "007",
        "1e3",
        "-0",
        "true",
        "x\"y",
    ];
    for i in 0..rows {
        let awkward_row = g.next(100) < odd;
        let lat = if awkward_row {
            ["", "abc", "95", "NaN", "36.5", " 34.2", "-0", "1e1"][g.next(8)].to_string()
        } else {
            format!("{:.5}", 30.0 + g.next(600_000) as f64 / 1e5)
        };
        let lon = format!("{:.4}", 66.0 + g.next(70_000) as f64 / 1e4);
        let n = if i == rows - 3 {
            late.to_string()
        } else {
            g.next(1000).to_string()
        };
        let x = ["", "2.5", "-3", "0.1", "12345678901234567890", "7"][g.next(6)];
        let flag = ["true", "false", ""][g.next(3)];
        let note = if awkward_row {
            notes[g.next(notes.len())]
        } else {
            "ok"
        };
        let mut fields = vec![
            format!("E{i}"),
            lat,
            lon,
            n,
            x.to_string(),
            flag.to_string(),
            note.to_string(),
        ];
        if awkward_row && g.next(10) == 0 {
            // The wrong number of fields.
            if g.next(2) == 0 {
                fields.pop();
            } else {
                fields.push("extra".into());
            }
        }
        out.extend_from_slice(fields.join(&d.to_string()).as_bytes());
        if awkward_row && g.next(20) == 0 {
            out.extend_from_slice(b"\xff");
        }
        match g.next(if awkward_row { 4 } else { 1 }) {
            0 => out.push(b'\n'),
            1 => out.extend_from_slice(b"\r\n"),
            2 => out.extend_from_slice(b"\n\n"),
            _ => out.push(b'\r'),
        }
    }
    out
}

#[test]
fn many_pieces_of_awkward_rows_read_alike() {
    for (seed, d) in [(1, ','), (2, ';'), (3, '\t'), (4, '|')] {
        // About 700 KB: several pieces of 256 KB.
        let text = awkward(seed, 20_000, d, 3, "x");
        assert!(text.len() > 600_000);
        check(&text, true);
        check(&text, false);
    }
}

#[test]
fn a_column_of_numbers_turns_to_text_late_and_kinds_follow() {
    // `n` is whole numbers in every piece but the last, where one cell is
    // text: the earlier pieces' numbers must come back as their text.
    let text = awkward(7, 30_000, ',', 0, "n/a");
    check(&text, true);
    let pieces = by_columns(&text, true).unwrap();
    assert!(pieces.len() > 2);
    assert!(pieces[0].columns()[3].numbers.is_some());
    let kind = |k: usize| {
        pieces
            .iter()
            .fold(KindSeen::ANY, |a, p| a.and(p.columns()[k].seen))
            .kind()
    };
    assert_eq!(kind(3), Kind::Text);
    assert_eq!(kind(1), Kind::Float);
    // Whole numbers, and one too large for 64 bits: numbers.
    assert_eq!(kind(4), Kind::Float);
    assert_eq!(kind(5), Kind::Boolean);
    // Ordinary rows only, whole numbers everywhere.
    let text = awkward(8, 5_000, ',', 0, "12");
    let p = by_columns(&text, false).unwrap();
    assert_eq!(
        (0..7)
            .map(|k| {
                p.iter()
                    .fold(KindSeen::ANY, |a, p| a.and(p.columns()[k].seen))
                    .kind()
            })
            .collect::<Vec<_>>(),
        [
            Kind::Text,
            Kind::Float,
            Kind::Float,
            Kind::Integer,
            Kind::Float,
            Kind::Boolean,
            Kind::Text
        ]
    );
}

#[test]
fn a_rejected_row_counts_in_the_kinds_not_in_the_cells() {
    // Row 3's `n` is text, but the row is rejected (latitude 95): the
    // column is text (as column_kinds reads it), and the usable rows'
    // cells come back as their text.
    let text = b"id,latitude,longitude,n\n1,34,71,5\n2,95,71,abc\n3,35,72,6\n";
    check(text, true);
    let p = by_columns(text, true).unwrap();
    assert_eq!(p[0].columns()[3].seen.kind(), Kind::Text);
    assert_eq!(p[0].text_of(3).cell(1), "6");
    assert_eq!(p[0].rejects()[0].line, 3);
    // Rows in = points + rejected.
    assert_eq!(p[0].len() + p[0].rejects().len(), 3);
    // Strict: the error names file, line and column, as the row reader's.
    let e = by_columns(text, false).unwrap_err().to_string();
    assert!(e.starts_with("awkward.csv:3: latitude:"), "{e}");
}

#[test]
fn an_unterminated_quote_and_bytes_that_are_not_utf8() {
    check(b"id,lat,lon,note\n1,34,71,\"open\n2,35,72,x\n", true);
    check(b"id,lat,lon,note\n1,34,71,\"open\n2,35,72,x\n", false);
    check(b"id,lat,lon,note\n1,34,71,ok\xff\n2,35,72,x\n", true);
    check(b"id,lat,lon,note\n1,34,71,ok\xff\n2,35,72,x\n", false);
    check(b"\xef\xbb\xbfid,lat,lon\r\n\r\n1,34,71\r\n2,35,72", true);
}

#[test]
fn geojson_features_read_alike() {
    let text = br#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "Torkham", "n": 3, "ok": true},
       "geometry": {"type": "Point", "coordinates": [71.096, 34.126]}},
      {"type": "Feature", "properties": {"name": "Sea", "n": 2.5, "ok": null},
       "geometry": {"type": "Point", "coordinates": [191.0, 34.0]}},
      {"type": "Feature", "properties": {"name": "Chaman", "n": null, "ok": false},
       "geometry": {"type": "Point", "coordinates": [66.45, 30.92]}}]}"#;
    check(text, true);
    check(text, false);
    let p = by_columns(text, true).unwrap();
    assert_eq!((p[0].len(), p[0].rejects().len()), (2, 1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any text of CSV's special characters after a header reads alike.
    #[test]
    fn any_text_reads_alike(
        body in proptest::collection::vec(
            proptest::sample::select(vec![
                &b"a"[..], b"7", b"34.5", b"-2", b",", b"\"", b"\n", b"\r", b"\r\n", b" ",
                "é".as_bytes(), b"\"\"", b"\xff", b"true", b"",
            ]),
            0..80,
        ),
        skip in any::<bool>(),
    ) {
        let text = [&b"lat,lon,v\n"[..], &body.concat()].concat();
        check(&text, skip);
    }
}
