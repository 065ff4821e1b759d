//! Any text as a GeoJSON point file: nothing may panic, and with
//! --skip-invalid every feature is a record or a reject.
#![no_main]

use frontier::ingest::{FormatHint, PointSource, ReadOptions, Row};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for skip_invalid in [false, true] {
        let mut opts = ReadOptions::default();
        opts.skip_invalid = skip_invalid;
        let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
        let Ok(mut src) =
            PointSource::from_reader(input, "fuzz.geojson", FormatHint::GeoJson, &opts)
        else {
            continue;
        };
        let schema = src.schema().clone();
        let mut rejects = frontier::pipeline::Rejects::new(Vec::new(), &schema).unwrap();
        while let Some(row) = src.next_row() {
            match row {
                Ok(Row::Record(r)) => assert!(r.coord.x.abs() <= 180.0 && r.coord.y.abs() <= 90.0),
                Ok(Row::Reject(r)) => rejects.write(&r).unwrap(),
                Err(e) => {
                    assert!(!skip_invalid, "{e}");
                    break;
                }
            }
        }
    }
});
