//! What each column of a point file holds, found by reading it: the kinds
//! that JSON and GeoParquet output keep.

use super::source::PointSource;
use crate::error::Result;
use crate::row::{CHUNK_ROWS, Fields, Kind, Row, json_number};

/// What each column of a source holds (see [`Kind`]):
/// numbers when every value that is not empty is a JSON number as written
/// ([`json_number`]), whole numbers when every one is an
/// integer that fits 64 bits, and at least one is there; `true`/`false`
/// likewise; otherwise text. Reads the whole source (and its rejects).
pub fn column_kinds(source: &mut PointSource) -> Result<Vec<Kind>> {
    let n = source.schema().columns.len();
    // Still possible per column: integer, number, boolean; and seen at all.
    let (mut int, mut num, mut boolean, mut seen) =
        (vec![true; n], vec![true; n], vec![true; n], vec![false; n]);
    let mut rows = Vec::new();
    while source.read_chunk(CHUNK_ROWS, &mut rows)? {
        for row in &rows {
            let fields = match row {
                Row::Record(r) => &r.fields,
                Row::Reject(r) => &r.fields,
            };
            if matches!(fields, Fields::Raw(_)) {
                continue;
            }
            fields.each_text(|i, t| {
                if i >= n || !(num[i] || boolean[i]) || t.is_empty() {
                    return;
                }
                seen[i] = true;
                boolean[i] = boolean[i] && (t == "true" || t == "false");
                if num[i] {
                    match json_number(t) {
                        Some(x) => int[i] = int[i] && x.is_i64(),
                        None => num[i] = false,
                    }
                }
            });
        }
    }
    Ok((0..n)
        .map(|i| match (seen[i], num[i], int[i], boolean[i]) {
            (false, ..) => Kind::Text,
            (true, true, true, _) => Kind::Integer,
            (true, true, false, _) => Kind::Float,
            (true, false, _, true) => Kind::Boolean,
            _ => Kind::Text,
        })
        .collect())
}
