//! Paths kept within the rasteriser's reach. On a map of a few hundred
//! metres the built-in layers reach millions of points off the page, where
//! single-precision coordinates lose their fractions and tiny-skia's
//! fixed-point edges overflow. A ring or line with a vertex further than
//! [`REACH`] from the page's origin is clipped to the square of that
//! half-width first, in double precision (Sutherland and Hodgman 1974 for
//! rings: the part of a filled ring inside the square fills the same
//! pixels; Liang and Barsky 1984 for lines). Rings and lines within reach,
//! which is every one on maps of a kilometre or more, are left exactly as
//! they are. Points that are not finite are dropped.

/// How far from the page's origin (points, either way) a path's
/// coordinates may lie before it is clipped: far beyond any page (at most
/// 8000 pixels a side), and well inside the range where a single-precision
/// coordinate keeps a tenth of a point.
pub(super) const REACH: f64 = 1.0e6;

/// Whether a point lies within reach (false for NaN).
pub(super) fn within(p: (f64, f64)) -> bool {
    p.0.abs() <= REACH && p.1.abs() <= REACH
}

/// The four sides of the square, each as (axis, sign): a point is inside
/// a side when `sign * coordinate <= REACH`.
const SIDES: [(usize, f64); 4] = [(0, 1.0), (0, -1.0), (1, 1.0), (1, -1.0)];

fn coord(p: (f64, f64), axis: usize) -> f64 {
    if axis == 0 { p.0 } else { p.1 }
}

/// A closed ring (the last point joins the first) clipped to the square:
/// the ring of its part inside, possibly with edges along the square's
/// sides; empty when nothing of it is inside.
pub(super) fn clip_ring(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = ring
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    for (axis, sign) in SIDES {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            return out;
        };
        let inside = |p: (f64, f64)| sign * coord(p, axis) <= REACH;
        let cross = |a: (f64, f64), b: (f64, f64)| {
            let (ca, cb) = (coord(a, axis), coord(b, axis));
            let t = (sign * REACH - ca) / (cb - ca);
            let at = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            // Exactly on the side, whatever the rounding.
            if axis == 0 {
                (sign * REACH, at.1)
            } else {
                (at.0, sign * REACH)
            }
        };
        let mut prev = last;
        for &p in &input {
            match (inside(prev), inside(p)) {
                (true, true) => out.push(p),
                (true, false) => out.push(cross(prev, p)),
                (false, true) => {
                    out.push(cross(prev, p));
                    out.push(p);
                }
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

/// The pieces of a polyline inside the square, each a polyline.
pub(super) fn clip_line(line: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut finish = |current: &mut Vec<(f64, f64)>| {
        if current.len() >= 2 {
            pieces.push(std::mem::take(current));
        }
        current.clear();
    };
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some((ta, tb)) = segment_inside(a, b) else {
            finish(&mut current);
            continue;
        };
        // On the square's side, whatever the rounding.
        let at = |t: f64| {
            (
                (a.0 + t * (b.0 - a.0)).clamp(-REACH, REACH),
                (a.1 + t * (b.1 - a.1)).clamp(-REACH, REACH),
            )
        };
        let (pa, pb) = (
            if ta == 0.0 { a } else { at(ta) },
            if tb == 1.0 { b } else { at(tb) },
        );
        if current.last() != Some(&pa) {
            finish(&mut current);
            current.push(pa);
        }
        current.push(pb);
        if tb < 1.0 {
            finish(&mut current);
        }
    }
    finish(&mut current);
    pieces
}

/// Liang–Barsky: the parameters (0 ≤ t0 ≤ t1 ≤ 1) of the part of the
/// segment a→b inside the square, if any.
fn segment_inside(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 + REACH),
        (dx, REACH - a.0),
        (-dy, a.1 + REACH),
        (dy, REACH - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

#[cfg(test)]
mod tests {
    use super::{REACH, clip_line, clip_ring, within};

    /// Winding number of a closed ring about a point (brute force).
    fn winding(ring: &[(f64, f64)], p: (f64, f64)) -> i32 {
        let mut w = 0;
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            let side = (b.0 - a.0) * (p.1 - a.1) - (p.0 - a.0) * (b.1 - a.1);
            if a.1 <= p.1 && b.1 > p.1 && side > 0.0 {
                w += 1;
            } else if a.1 > p.1 && b.1 <= p.1 && side < 0.0 {
                w -= 1;
            }
        }
        w
    }

    #[test]
    fn a_clipped_ring_winds_the_same_about_every_point_inside() {
        let far = 4.0e10;
        let rings = [
            vec![(-far, -far), (far, -far), (far, far), (-far, far)],
            vec![(-far, 10.0), (500.0, -far), (far, 300.0), (200.0, far)],
            vec![(0.0, 0.0), (far, 5.0), (100.0, 100.0)],
            vec![(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)],
        ];
        for ring in &rings {
            let c = clip_ring(ring);
            assert!(c.iter().all(|p| within(*p)), "{c:?}");
            for p in [(0.5, 0.5), (150.0, 40.0), (-3.0e5, 7.0e5), (15.0, 12.0)] {
                assert_eq!(winding(ring, p), winding(&c, p), "{ring:?} at {p:?}");
            }
        }
        assert!(
            clip_ring(&[(2.0 * REACH, 0.0), (3.0 * REACH, 1.0), (3.0 * REACH, 5.0)]).is_empty()
        );
        assert!(clip_ring(&[(f64::NAN, 0.0)]).is_empty());
    }

    #[test]
    fn a_clipped_line_keeps_its_course_inside() {
        let far = 1.0e12;
        let pieces = clip_line(&[(-far, -far), (far, far), (0.0, 0.0), (1.0, 1.0)]);
        // Across the square, out; back in and ending inside (to within
        // the rounding of a segment a million times longer than the square).
        let want = [
            vec![(-REACH, -REACH), (REACH, REACH)],
            vec![(REACH, REACH), (0.0, 0.0), (1.0, 1.0)],
        ];
        assert_eq!(pieces.len(), want.len(), "{pieces:?}");
        for (got, want) in pieces.iter().zip(&want) {
            assert_eq!(got.len(), want.len(), "{pieces:?}");
            for (a, b) in got.iter().zip(want) {
                assert!(
                    (a.0 - b.0).abs() < 1e-3 && (a.1 - b.1).abs() < 1e-3,
                    "{pieces:?}"
                );
            }
        }
        // Never inside: nothing.
        assert!(clip_line(&[(-far, 0.0), (far, 2.0 * far)]).is_empty());
        // A line wholly inside is kept whole.
        let l = vec![(0.0, 0.0), (5.0, 1.0), (9.0, -3.0)];
        assert_eq!(clip_line(&l), vec![l]);
    }
}
