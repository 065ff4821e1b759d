//! The Mann–Kendall test for a monotonic trend in a series, with the
//! variance corrected for ties, as `pymannkendall.original_test` computes
//! it.
//!
//! S = Σ_{i<j} sign(x_j − x_i); Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18
//! over the groups of t equal values; z = (S − 1)/√Var(S) for S > 0,
//! (S + 1)/√Var(S) for S < 0, 0 otherwise; the p-value is two-sided
//! normal; Kendall's τ = S / (n(n−1)/2).
//!
//! # References
//! H. B. Mann (1945), *Nonparametric tests against trend*, Econometrica
//! 13; M. G. Kendall (1975), *Rank Correlation Methods*, 4th ed.
//! M. M. Hussain and I. Mahmud (2019), *pyMannKendall*, JOSS 4(39) 1556.

use crate::stats::poisson::normal_p_two_sided;

/// The test of one series.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MannKendall {
    /// S: concordant less discordant pairs.
    pub s: f64,
    /// Var(S), tie-corrected.
    pub var_s: f64,
    /// The normal score with continuity correction.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Kendall's τ.
    pub tau: f64,
}

/// Mann–Kendall of `x` (values that are not finite are left out, as
/// pymannkendall drops NaN). Fewer than 2 values give z = 0, p = 1.
pub fn mann_kendall(x: &[f64]) -> MannKendall {
    let x: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let d = x[j] - x[i];
            s += if d > 0.0 {
                1.0
            } else if d < 0.0 {
                -1.0
            } else {
                0.0
            };
        }
    }
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut k = 0;
    while k < n {
        let mut e = k;
        while e < n && sorted[e] == sorted[k] {
            e += 1;
        }
        let t = (e - k) as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        k = e;
    }
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let z = if s > 0.0 && var_s > 0.0 {
        (s - 1.0) / var_s.sqrt()
    } else if s < 0.0 && var_s > 0.0 {
        (s + 1.0) / var_s.sqrt()
    } else {
        0.0
    };
    let pairs = nf * (nf - 1.0) / 2.0;
    MannKendall {
        s,
        var_s,
        z,
        p: normal_p_two_sided(z),
        tau: if pairs > 0.0 { s / pairs } else { f64::NAN },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rising_series_with_ties() {
        // By hand: pairs of [1, 2, 2, 3]: 5 concordant, 1 tied, S = 5;
        // Var = (4·3·13 − 2·1·9)/18 = 138/18.
        let m = mann_kendall(&[1.0, 2.0, 2.0, 3.0]);
        assert_eq!(m.s, 5.0);
        assert!((m.var_s - 138.0 / 18.0).abs() < 1e-12);
        assert!((m.z - 4.0 / (138.0f64 / 18.0).sqrt()).abs() < 1e-12);
        let flat = mann_kendall(&[2.0; 6]);
        assert_eq!((flat.s, flat.z, flat.p), (0.0, 0.0, 1.0));
    }
}
