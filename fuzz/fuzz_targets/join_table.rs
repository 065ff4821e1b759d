//! Any bytes as a table to join: nothing may panic, and every value
//! brought in is finite.
#![no_main]

use frontier::summary::Join;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(j) = Join::from_reader(data, "fuzz.csv", "district") {
        for v in j.rows.values() {
            assert_eq!(v.len(), j.columns.len());
            assert!(v.iter().flatten().all(|x| x.is_finite()));
        }
    }
});
