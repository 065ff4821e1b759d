//! Any bytes as a CSV point file: read row by row and piece by piece (as
//! the commands do), strict and lenient. Nothing may panic; rows in must
//! equal records plus rejects; every reject must have its record's bytes
//! and a rejects file must be writable.
#![no_main]

use frontier::ingest::fuzzing::{next_piece, parser};
use frontier::ingest::{FormatHint, PointSource, ReadOptions, Row};
use libfuzzer_sys::fuzz_target;

fn count(data: &[u8], skip_invalid: bool) -> Option<(u64, u64)> {
    let mut opts = ReadOptions::default();
    opts.skip_invalid = skip_invalid;
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut src = PointSource::from_reader(input, "fuzz.csv", FormatHint::None, &opts).ok()?;
    let schema = src.schema().clone();
    let mut rejects = frontier::pipeline::Rejects::new(Vec::new(), &schema).unwrap();
    let (mut records, mut rejected) = (0, 0);
    let parser = parser(&src);
    loop {
        let piece = match next_piece(&mut src) {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(_) => return None,
        };
        let r = parser.for_each(piece, |row| match row {
            Row::Record(r) => {
                assert!(r.coord.x.abs() <= 180.0 && r.coord.y.abs() <= 90.0);
                records += 1;
            }
            Row::Reject(r) => {
                assert!(skip_invalid);
                rejects.write(&r).unwrap();
                rejected += 1;
            }
        });
        if r.is_err() {
            assert!(!skip_invalid, "lenient reading fails only on I/O");
            return None;
        }
    }
    Some((records, rejected))
}

fuzz_target!(|data: &[u8]| {
    let lenient = count(data, true);
    if let Some((records, rejected)) = count(data, false) {
        // A strict read that succeeds saw no bad row.
        assert_eq!(rejected, 0);
        assert_eq!(lenient, Some((records, 0)));
    }
    // Row by row gives the same rows as piece by piece.
    let mut opts = ReadOptions::default();
    opts.skip_invalid = true;
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    if let Ok(mut src) = PointSource::from_reader(input, "fuzz.csv", FormatHint::None, &opts) {
        let mut n = (0, 0);
        while let Some(row) = src.next_row() {
            match row {
                Ok(Row::Record(_)) => n.0 += 1,
                Ok(Row::Reject(_)) => n.1 += 1,
                Err(_) => return,
            }
        }
        assert_eq!(Some(n), lenient);
    }
});
