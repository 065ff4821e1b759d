//! Keeping the best hit (or candidate) per feature, and ranking them.

use super::piece::Hit;

/// A hit or a candidate: kept per feature, then ranked.
pub(super) trait Ranked {
    /// Its distance (metres) and feature.
    fn key(&self) -> (f64, usize);
}

impl Ranked for Hit {
    fn key(&self) -> (f64, usize) {
        (self.distance_m, self.feature)
    }
}

/// Keep `c` as its feature's best (its place in `best` is `slot`, if it
/// has one); false when the feature already has one at least as near.
pub(super) fn keep_best<T: Ranked>(best: &mut Vec<T>, slot: Option<usize>, c: T) -> bool {
    match slot {
        Some(s) if c.key().0 < best[s].key().0 => {
            best[s] = c;
            true
        }
        Some(_) => false,
        None => {
            best.push(c);
            true
        }
    }
}

/// Keep the hits (or candidates) within `limit` metres, nearest first
/// (ties in feature order), at most `k` of them.
pub(super) fn rank<T: Ranked>(hits: &mut Vec<T>, limit: f64, k: usize) {
    hits.retain(|h| h.key().0 <= limit);
    hits.sort_by(|a, b| {
        let (a, b) = (a.key(), b.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    });
    hits.truncate(k);
}
