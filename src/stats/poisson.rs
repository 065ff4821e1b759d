//! Poisson regression with a log link and an offset, fitted by iteratively
//! reweighted least squares, with a quasi-Poisson scale for
//! overdispersion: the same estimates, standard errors and Wald intervals
//! as statsmodels' `GLM(y, X, family=Poisson(), offset=o).fit(scale="X2")`.
//!
//! Counts of violent events are overdispersed (they come in bursts), so
//! plain Poisson standard errors are too small. The quasi-Poisson scale
//! `φ = Σ (y − μ)²/μ / (n − p)` (Pearson's χ² over the residual degrees of
//! freedom) multiplies the covariance; the coefficients are the Poisson
//! ones. φ is used as estimated, as statsmodels does, even below 1 (an
//! underdispersed series gets narrower intervals than plain Poisson).
//!
//! # References
//! P. McCullagh and J. A. Nelder, *Generalized Linear Models* (2nd ed.,
//! 1989), §2.5 (IRLS) and §6.2 (quasi-likelihood, the Pearson estimate of
//! the dispersion).

use statrs::distribution::{ContinuousCDF, Normal};

/// One fitted coefficient.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coefficient {
    /// Estimate on the log scale.
    pub coef: f64,
    /// Its standard error (scaled by the quasi-Poisson φ).
    pub se: f64,
    /// Wald z = coef / se.
    pub z: f64,
    /// Two-sided normal p-value of coef = 0.
    pub p_value: f64,
    /// 95% Wald interval, log scale.
    pub ci_low: f64,
    /// See `ci_low`.
    pub ci_high: f64,
}

impl Coefficient {
    /// The multiplicative effect exp(coef) and its interval.
    pub fn exp(&self) -> (f64, f64, f64) {
        (self.coef.exp(), self.ci_low.exp(), self.ci_high.exp())
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// One per column of the design, in order.
    pub coefficients: Vec<Coefficient>,
    /// The quasi-Poisson scale φ (Pearson χ² / residual degrees of freedom).
    pub scale: f64,
    /// Poisson deviance.
    pub deviance: f64,
    /// Observations.
    pub n: usize,
    /// IRLS iterations taken.
    pub iterations: usize,
    /// Fitted means, one per observation.
    pub fitted: Vec<f64>,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitError {
    /// Fewer observations than coefficients plus one (no scale).
    TooFewObservations,
    /// The design's columns are not independent (or the counts leave a
    /// coefficient at infinity, e.g. no events at all on one side).
    Singular,
    /// IRLS did not settle in 100 iterations.
    NoConvergence,
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self {
            FitError::TooFewObservations => "too few periods for the model",
            FitError::Singular => {
                "the model cannot be estimated (a coefficient is infinite or not identified)"
            }
            FitError::NoConvergence => "the fit did not converge",
        })
    }
}

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Two-sided normal p-value of `z`.
pub fn normal_p_two_sided(z: f64) -> f64 {
    2.0 * Normal::standard().sf(z.abs())
}

/// Fit `log E[y] = X β + offset` to counts `y` (`x` holds the rows of the
/// design).
pub fn fit(x: &[Vec<f64>], y: &[f64], offset: &[f64]) -> Result<Fit, FitError> {
    let n = y.len();
    let p = x.first().map_or(0, Vec::len);
    if n < p + 1 {
        return Err(FitError::TooFewObservations);
    }
    let ybar = y.iter().sum::<f64>() / n as f64;
    // statsmodels' start: μ = (y + ȳ)/2.
    let mut mu: Vec<f64> = y.iter().map(|&v| (v + ybar) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut beta = vec![0.0; p];
    let mut dev = deviance(y, &mu);
    let mut xtwx = vec![vec![0.0; p]; p];
    let mut iterations = 0;
    loop {
        iterations += 1;
        if iterations > 100 {
            return Err(FitError::NoConvergence);
        }
        // Weighted least squares on the working response.
        let mut xtwz = vec![0.0; p];
        for row in xtwx.iter_mut() {
            row.fill(0.0);
        }
        for i in 0..n {
            let w = mu[i];
            let z = eta[i] - offset[i] + (y[i] - mu[i]) / mu[i];
            for a in 0..p {
                xtwz[a] += x[i][a] * w * z;
                for b in 0..=a {
                    xtwx[a][b] += x[i][a] * w * x[i][b];
                }
            }
        }
        beta = cholesky_solve(&xtwx, &xtwz).ok_or(FitError::Singular)?;
        for i in 0..n {
            eta[i] = offset[i] + x[i].iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
            mu[i] = eta[i].exp();
        }
        if beta.iter().any(|b| !b.is_finite()) || mu.iter().any(|m| m.is_nan() || *m <= 0.0) {
            return Err(FitError::Singular);
        }
        let next = deviance(y, &mu);
        let settled = (next - dev).abs() <= 1e-12 * (next.abs() + 1e-12);
        dev = next;
        if settled {
            break;
        }
    }
    // The information matrix at the estimate.
    for row in xtwx.iter_mut() {
        row.fill(0.0);
    }
    for i in 0..n {
        for a in 0..p {
            for b in 0..=a {
                xtwx[a][b] += x[i][a] * mu[i] * x[i][b];
            }
        }
    }
    let cov = cholesky_inverse(&xtwx).ok_or(FitError::Singular)?;
    let pearson: f64 = y.iter().zip(&mu).map(|(y, m)| (y - m) * (y - m) / m).sum();
    let scale = pearson / (n - p) as f64;
    // A coefficient driven to infinity (e.g. no events on one side) shows
    // as a huge standard error: not an estimate.
    let coefficients: Vec<Coefficient> = (0..p)
        .map(|a| {
            let se = (cov[a][a] * scale).sqrt();
            let z = beta[a] / se;
            Coefficient {
                coef: beta[a],
                se,
                z,
                p_value: normal_p_two_sided(z),
                ci_low: beta[a] - Z95 * se,
                ci_high: beta[a] + Z95 * se,
            }
        })
        .collect();
    if coefficients.iter().any(|c| !c.se.is_finite() || c.se > 1e3) {
        return Err(FitError::Singular);
    }
    Ok(Fit {
        coefficients,
        scale,
        deviance: dev,
        n,
        iterations,
        fitted: mu,
    })
}

/// Poisson deviance 2 Σ [y ln(y/μ) − (y − μ)].
fn deviance(y: &[f64], mu: &[f64]) -> f64 {
    2.0 * y
        .iter()
        .zip(mu)
        .map(|(&y, &m)| if y > 0.0 { y * (y / m).ln() } else { 0.0 } - (y - m))
        .sum::<f64>()
}

/// The lower Cholesky factor of the symmetric matrix whose lower triangle
/// is `a`; `None` unless it is positive definite.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut l = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                // Relative to the diagonal, so a column that is (nearly) a
                // combination of the others is refused.
                if s.is_nan() || s <= 1e-12 * a[i][i].abs() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solve `A x = b` for the symmetric positive definite `A` (lower
/// triangle given).
fn cholesky_solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    Some(solve_with(&l, b))
}

fn solve_with(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let p = l.len();
    let mut y = vec![0.0; p];
    for i in 0..p {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        x[i] = (y[i] - (i + 1..p).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

/// The inverse of the symmetric positive definite matrix whose lower
/// triangle is `a`.
fn cholesky_inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let l = cholesky(a)?;
    let p = a.len();
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|j| {
            let e: Vec<f64> = (0..p).map(|i| f64::from(u8::from(i == j))).collect();
            solve_with(&l, &e)
        })
        .collect();
    Some(
        (0..p)
            .map(|i| (0..p).map(|j| cols[j][i]).collect())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An intercept-only model's estimate is ln(mean rate), in closed form.
    #[test]
    fn an_intercept_alone_is_the_log_mean_rate() {
        let y = [3.0, 7.0, 4.0, 9.0, 2.0];
        let days = [31.0, 28.0, 31.0, 30.0, 31.0];
        let x: Vec<Vec<f64>> = y.iter().map(|_| vec![1.0]).collect();
        let off: Vec<f64> = days.iter().map(|d: &f64| d.ln()).collect();
        let f = fit(&x, &y, &off).unwrap();
        let rate = y.iter().sum::<f64>() / days.iter().sum::<f64>();
        assert!((f.coefficients[0].coef - rate.ln()).abs() < 1e-12);
        // Poisson information is Σμ = Σy, so se = sqrt(φ / Σy).
        let mu: Vec<f64> = days.iter().map(|d| d * rate).collect();
        let phi: f64 = y
            .iter()
            .zip(&mu)
            .map(|(y, m)| (y - m).powi(2) / m)
            .sum::<f64>()
            / 4.0;
        let se = (phi / y.iter().sum::<f64>()).sqrt();
        assert!(
            (f.coefficients[0].se - se).abs() < 1e-12 * se.max(1.0),
            "{}",
            f.coefficients[0].se
        );
        assert!((f.scale - phi).abs() < 1e-12);
    }

    #[test]
    fn collinear_columns_are_refused() {
        let y = [1.0, 2.0, 3.0, 4.0];
        let x: Vec<Vec<f64>> = (0..4)
            .map(|i| vec![1.0, i as f64, 2.0 * i as f64])
            .collect();
        assert_eq!(fit(&x, &y, &[0.0; 4]), Err(FitError::Singular));
    }
}
