//! Shapes cut to a tile: rings clipped by a rectangle (Sutherland and
//! Hodgman), lines by each segment (Liang and Barsky), and both thinned
//! for the zoom (Ramer–Douglas–Peucker, by geo) before they are cut.
//!
//! # References
//! Sutherland, I. E. and Hodgman, G. W. (1974), Reentrant polygon
//! clipping, CACM 17(1). Liang, Y.-D. and Barsky, B. A. (1984), A new
//! concept and method for line clipping, ACM TOG 3(1).

/// A rectangle: min x, min y, max x, max y.
pub type Rect = [f64; 4];

/// `ring` (not closed) clipped to `r`; may come back with fewer than three
/// points (nothing left). Concave rings may keep zero-width slivers along
/// the rectangle's edges, which draw nothing (the rectangle is a tile's
/// buffer, outside what is shown).
pub fn clip_ring(ring: &[(f64, f64)], r: Rect) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    // Each edge: which side is inside, and where a segment crosses it.
    for edge in 0..4 {
        if out.is_empty() {
            break;
        }
        let inside = |p: (f64, f64)| match edge {
            0 => p.0 >= r[0],
            1 => p.1 >= r[1],
            2 => p.0 <= r[2],
            _ => p.1 <= r[3],
        };
        let cross = |a: (f64, f64), b: (f64, f64)| match edge {
            0 | 2 => {
                let x = if edge == 0 { r[0] } else { r[2] };
                let t = (x - a.0) / (b.0 - a.0);
                (x, a.1 + t * (b.1 - a.1))
            }
            _ => {
                let y = if edge == 1 { r[1] } else { r[3] };
                let t = (y - a.1) / (b.1 - a.1);
                (a.0 + t * (b.0 - a.0), y)
            }
        };
        let input = std::mem::take(&mut out);
        let n = input.len();
        for i in 0..n {
            let cur = input[i];
            let prev = input[(i + n - 1) % n];
            match (inside(prev), inside(cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cross(prev, cur)),
                (false, true) => {
                    out.push(cross(prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
        }
    }
    out
}

/// `line` clipped to `r`: the parts inside, in order.
pub fn clip_line(line: &[(f64, f64)], r: Rect) -> Vec<Vec<(f64, f64)>> {
    let mut parts: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        match segment(a, b, r) {
            Some((p, q)) => {
                if cur.last() != Some(&p) {
                    if cur.len() >= 2 {
                        parts.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(p);
                }
                cur.push(q);
                if q != b {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            None => {
                if cur.len() >= 2 {
                    parts.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        parts.push(cur);
    }
    parts
}

/// The part of segment `a`–`b` inside `r` (Liang–Barsky).
fn segment(a: (f64, f64), b: (f64, f64), r: Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a.0 - r[0]),
        (dx, r[2] - a.0),
        (-dy, a.1 - r[1]),
        (dy, r[3] - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}

/// `points` thinned so that no point left out is further than `tolerance`
/// from what is kept (Ramer–Douglas–Peucker, by geo).
pub fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    use geo::Simplify;
    let ls: geo::LineString<f64> = points
        .iter()
        .map(|&(x, y)| geo::coord! { x: x, y: y })
        .collect();
    ls.simplify(tolerance)
        .0
        .into_iter()
        .map(|c| (c.x, c.y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_across_the_corner_keeps_the_quarter_inside() {
        let square = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)];
        let c = clip_ring(&square, [0.0, 0.0, 2.0, 2.0]);
        let area: f64 = (0..c.len())
            .map(|i| {
                let (a, b) = (c[i], c[(i + 1) % c.len()]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f64>()
            / 2.0;
        assert!((area.abs() - 1.0).abs() < 1e-12, "{c:?}");
        assert!(clip_ring(&square, [5.0, 5.0, 6.0, 6.0]).len() < 3);
    }

    #[test]
    fn a_line_leaving_and_coming_back_is_two_parts() {
        let line = [(-1.0, 0.5), (0.5, 0.5), (2.0, 0.5), (2.0, 0.8), (0.5, 0.8)];
        let parts = clip_line(&line, [0.0, 0.0, 1.0, 1.0]);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0], vec![(0.0, 0.5), (0.5, 0.5), (1.0, 0.5)]);
        assert_eq!(parts[1], vec![(1.0, 0.8), (0.5, 0.8)]);
    }
}
