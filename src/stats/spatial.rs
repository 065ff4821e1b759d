//! Local and global spatial statistics over areas with neighbour lists:
//! Getis–Ord Gi* (hot and cold spots) and Moran's I (clustering overall).
//!
//! Neighbours are binary (`neighbours[i]` lists the areas next to `i`, not
//! `i` itself). Gi* adds each area to its own neighbourhood with weight 1,
//! as ArcGIS's Hot Spot Analysis and PySAL's
//! `esda.G_Local(y, w, transform="B", star=True)` do; Moran's I
//! row-standardises the weights, as `esda.Moran(y, w)` does by default.
//!
//! # References
//! J. K. Ord and A. Getis (1995), *Local spatial autocorrelation
//! statistics: distributional issues and an application*, Geographical
//! Analysis 27(4), 286–306 (Gi*, its moments under randomisation).
//! A. D. Cliff and J. K. Ord, *Spatial Processes* (1981), §2.3 (the
//! moments of Moran's I). Y. Benjamini and Y. Hochberg (1995),
//! *Controlling the false discovery rate*, JRSS B 57(1), 289–300.

use super::poisson::normal_p_two_sided;
use crate::rng::Rng;
use rayon::prelude::*;

/// Getis–Ord Gi* of one area.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LocalG {
    /// The statistic: the share of the total in the area and its neighbours.
    pub g: f64,
    /// Its z-score under randomisation.
    pub z: f64,
    /// Two-sided normal p-value of `z`.
    pub p: f64,
    /// Pseudo p-value from conditional permutations, one-sided toward the
    /// observed side: `(min(draws ≥ G, draws ≤ G) + 1)/(permutations + 1)`;
    /// `None` without permutations. esda counts ties on one side only, so
    /// it calls an area among equal values extreme; this does not.
    pub p_sim: Option<f64>,
}

/// Gi* for every area: `y` per area (counts or sums; when all are equal,
/// z, p and the pseudo p-value are undefined: NaN and `None`),
/// `neighbours` binary and without the area itself. With `permutations`
/// above 0, each area's value is held while the others are drawn at
/// random (without replacement) into its neighbourhood that many times;
/// the draws come from `seed` and the area's index, so the result does not
/// depend on the number of threads.
pub fn local_g_star(
    y: &[f64],
    neighbours: &[Vec<usize>],
    permutations: usize,
    seed: u64,
) -> Vec<LocalG> {
    let n = y.len();
    let nf = n as f64;
    let total: f64 = y.iter().sum();
    let mean = total / nf;
    let variance = y.iter().map(|v| v * v).sum::<f64>() / nf - mean * mean;
    // Equal values everywhere (no events at all, say): nothing stands out.
    let constant = variance.is_nan() || variance <= 1e-12 * mean * mean || total == 0.0;
    (0..n)
        .into_par_iter()
        .map(|i| {
            if constant {
                return LocalG {
                    g: if total == 0.0 { f64::NAN } else { y[i] / total },
                    z: f64::NAN,
                    p: f64::NAN,
                    p_sim: None,
                };
            }
            let nb = &neighbours[i];
            let g = (y[i] + nb.iter().map(|&j| y[j]).sum::<f64>()) / total;
            let c = (nb.len() + 1) as f64;
            let expected = c / nf;
            let var = c * (nf - c) / (nf - 1.0) / (nf * nf) * variance / (mean * mean);
            let z = (g - expected) / var.sqrt();
            let p_sim = (permutations > 0 && n > 1).then(|| {
                let mut rng = Rng::new(seed, i as u64);
                // The other areas' values, shuffled in place: the first k
                // after a partial Fisher–Yates are a draw without
                // replacement.
                let mut others: Vec<f64> = (0..n).filter(|&j| j != i).map(|j| y[j]).collect();
                let k = nb.len().min(others.len());
                let m = others.len() as u64;
                let (mut above, mut below) = (0usize, 0usize);
                for _ in 0..permutations {
                    let mut s = y[i];
                    for t in 0..k {
                        let j = t + rng.below(m - t as u64) as usize;
                        others.swap(t, j);
                        s += others[t];
                    }
                    let r = s / total;
                    above += usize::from(r >= g);
                    below += usize::from(r <= g);
                }
                // The side the statistic lies on; a draw equal to it
                // counts on both sides, so an area whose neighbourhood
                // every draw matches (zeros among zeros) is not extreme.
                (above.min(below) + 1) as f64 / (permutations + 1) as f64
            });
            LocalG {
                g,
                z,
                p: normal_p_two_sided(z),
                p_sim,
            }
        })
        .collect()
}

/// Confidence levels of the hot/cold classes, most confident first.
pub const LEVELS: [(f64, &str); 3] = [(0.01, "99%"), (0.05, "95%"), (0.10, "90%")];

/// The class of each area at the false discovery rate of each level
/// (Benjamini–Hochberg over all areas' `p`): `hot 99%`, `cold 95%`, ...,
/// by the sign of `z` and the most confident level at which the area is a
/// discovery; `not significant` otherwise.
pub fn classes(z: &[f64], p: &[f64]) -> Vec<String> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).filter(|&i| p[i].is_finite()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut class = vec!["not significant".to_string(); m];
    // From the least confident level, so a more confident one overwrites.
    for &(alpha, name) in LEVELS.iter().rev() {
        // The largest rank r with p(r) ≤ r·α/m: ranks 1..=r are discoveries.
        let r = (0..order.len())
            .rev()
            .find(|&k| p[order[k]] <= (k + 1) as f64 * alpha / m as f64);
        if let Some(r) = r {
            for &i in &order[..=r] {
                let side = if z[i] > 0.0 { "hot" } else { "cold" };
                class[i] = format!("{side} {name}");
            }
        }
    }
    class
}

/// Global Moran's I with row-standardised weights.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Moran {
    /// The statistic.
    pub i: f64,
    /// Its expectation without autocorrelation, −1/(n − 1).
    pub expected: f64,
    /// z-score under randomisation.
    pub z: f64,
    /// Two-sided p-value of `z`.
    pub p: f64,
    /// z-score under normality.
    pub z_norm: f64,
    /// Two-sided p-value of `z_norm`.
    pub p_norm: f64,
}

/// Moran's I of `y` over `neighbours` (binary, without the area itself),
/// row-standardised; areas without neighbours get a row of zeros.
/// `None` for fewer than 4 areas or a constant `y`.
pub fn moran(y: &[f64], neighbours: &[Vec<usize>]) -> Option<Moran> {
    let n = y.len();
    if n < 4 {
        return None;
    }
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    if m2 <= 0.0 {
        return None;
    }
    // w_ij = 1/|N(i)|; s0 = Σw, s1 = ½Σ(w_ij + w_ji)², s2 = Σ(row_i + col_i)².
    let w = |i: usize| 1.0 / neighbours[i].len() as f64;
    let mut s0 = 0.0;
    let mut cross = 0.0;
    let mut col = vec![0.0; n];
    // Ordered, so that s1 is summed in the same order on every run (a
    // HashMap's order differs by process, and so would the last bits of z).
    let mut pairs: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
    for (i, nb) in neighbours.iter().enumerate() {
        for &j in nb {
            let wij = w(i);
            s0 += wij;
            cross += wij * z[i] * z[j];
            col[j] += wij;
            *pairs.entry((i.min(j), i.max(j))).or_default() += wij;
        }
    }
    if s0 <= 0.0 {
        return None;
    }
    let s1 = 0.5 * pairs.values().map(|v| v * v).sum::<f64>() * 2.0;
    let s2: f64 = (0..n)
        .map(|i| {
            let row = if neighbours[i].is_empty() { 0.0 } else { 1.0 };
            (row + col[i]).powi(2)
        })
        .sum();
    let i_stat = nf / s0 * cross / m2;
    let expected = -1.0 / (nf - 1.0);
    let s02 = s0 * s0;
    let n2 = nf * nf;
    let var_norm =
        (n2 * s1 - nf * s2 + 3.0 * s02) / ((nf - 1.0) * (nf + 1.0) * s02) - expected * expected;
    let k = (z.iter().map(|v| v.powi(4)).sum::<f64>() / nf) / (m2 / nf).powi(2);
    let a = nf * ((n2 - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s02);
    let b = k * ((n2 - nf) * s1 - 2.0 * nf * s2 + 6.0 * s02);
    let var_rand = (a - b) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0) * s02) - expected * expected;
    let z_rand = (i_stat - expected) / var_rand.sqrt();
    let z_norm = (i_stat - expected) / var_norm.sqrt();
    Some(Moran {
        i: i_stat,
        expected,
        z: z_rand,
        p: normal_p_two_sided(z_rand),
        z_norm,
        p_norm: normal_p_two_sided(z_norm),
    })
}
