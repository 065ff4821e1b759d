//! Two event rates compared exactly: events before and after a date, each
//! over its number of days.
//!
//! Conditional on the total `n = before + after`, the events after the
//! date are binomial with `p = r·T₁ / (T₀ + r·T₁)`, where `r` is the rate
//! ratio after/before and `T₀`, `T₁` the days before and after. The rate
//! ratio's interval is the Clopper–Pearson interval of `p` mapped back to
//! `r`, and the p-value of `r = 1` is the exact binomial test's, two-sided
//! by the likelihood (the probabilities of every outcome no more likely
//! than the observed one, as `scipy.stats.binomtest` sums them).
//!
//! # References
//! C. J. Clopper and E. S. Pearson (1934), *The use of confidence or
//! fiducial limits illustrated in the case of the binomial*, Biometrika
//! 26, 404–413. W. G. Cochran's conditional test of two Poisson rates as
//! in K. J. Rothman, S. Greenland, *Modern Epidemiology* (3rd ed., 2008),
//! chapter 14.

use crate::error::{Error, Result};
use statrs::distribution::{Beta, Binomial, ContinuousCDF, Discrete, DiscreteCDF};

/// Two rates compared: `after` events in `days_after` days against
/// `before` events in `days_before` days.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RateComparison {
    /// Events before the date.
    pub before: u64,
    /// Events on or after the date.
    pub after: u64,
    /// Days before the date in the window.
    pub days_before: f64,
    /// Days from the date to the end of the window.
    pub days_after: f64,
    /// Rate after over rate before; `None` when there were no events
    /// before (infinite) or none at all (undefined).
    pub rate_ratio: Option<f64>,
    /// Lower end of its exact 95% interval (0 when there were no events
    /// after or none at all).
    pub ci_low: f64,
    /// Upper end; `None` when infinite (no events before).
    pub ci_high: Option<f64>,
    /// Exact two-sided p-value of "the rate did not change" (1 without
    /// events).
    pub p_value: f64,
}

/// The two-sided 95% level.
const ALPHA: f64 = 0.05;

/// Compare the rate after a date with the rate before it. Days that are
/// not finite, negative, or both 0 are an [`Error::Input`].
///
/// # Units
/// `days_before` and `days_after` in days (any unit of time, the same for
/// both), 0 or more, not both 0.
///
/// # Examples
/// 155 events in 957 days, then 763 in 1,600 days; SciPy's
/// `binomtest(763, 918, 1600/2557)` and its exact interval, turned into a
/// rate ratio, give p = 3.3859e-42 and 2.4743 to 3.5223
/// (`tests/fixtures/stats/rates-scipy.csv`):
/// ```
/// use frontier::stats::rate::compare_rates;
///
/// let r = compare_rates(155, 957.0, 763, 1600.0)?;
/// let ratio = r.rate_ratio.unwrap();
/// assert!((ratio - (763.0 / 1600.0) / (155.0 / 957.0)).abs() < 1e-12);
/// assert!((r.p_value / 3.385929507717594e-42 - 1.0).abs() < 1e-6);
/// assert!((r.ci_low / 2.4742862947074915 - 1.0).abs() < 1e-6);
/// assert!((r.ci_high.unwrap() / 3.522306049640246 - 1.0).abs() < 1e-6);
/// assert!(compare_rates(1, 0.0, 2, 0.0).is_err());
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn compare_rates(
    before: u64,
    days_before: f64,
    after: u64,
    days_after: f64,
) -> Result<RateComparison> {
    let valid = |d: f64| d.is_finite() && d >= 0.0;
    if !(valid(days_before) && valid(days_after) && days_before + days_after > 0.0) {
        return Err(Error::Input {
            origin: "rate comparison".into(),
            message: format!(
                "days before {days_before} and after {days_after}: each must be a finite number 0 or more, and not both 0"
            ),
        });
    }
    let n = before + after;
    let odds_to_ratio = |p: f64| p / (1.0 - p) * days_before / days_after;
    let (rate_ratio, ci_low, ci_high) = if n == 0 {
        (None, 0.0, None)
    } else {
        let k = after as f64;
        let nf = n as f64;
        let low = if after == 0 {
            0.0
        } else {
            Beta::new(k, nf - k + 1.0)
                .expect("positive shapes")
                .inverse_cdf(ALPHA / 2.0)
        };
        let high = (after < n).then(|| {
            Beta::new(k + 1.0, nf - k)
                .expect("positive shapes")
                .inverse_cdf(1.0 - ALPHA / 2.0)
        });
        (
            (before > 0).then(|| (after as f64 / days_after) / (before as f64 / days_before)),
            odds_to_ratio(low),
            high.map(odds_to_ratio),
        )
    };
    let p0 = days_after / (days_before + days_after);
    Ok(RateComparison {
        before,
        after,
        days_before,
        days_after,
        rate_ratio,
        ci_low,
        ci_high,
        p_value: binomial_two_sided(after, n, p0),
    })
}

/// Exact two-sided binomial p-value of `k` successes in `n` trials with
/// probability `p`: the probability of every outcome at most as likely
/// as `k` (with a relative tolerance of 1e-7, as SciPy's `binomtest`);
/// `p` in [0, 1].
pub(crate) fn binomial_two_sided(k: u64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let b = Binomial::new(p, n).expect("p in [0, 1]");
    let d = b.pmf(k) * (1.0 + 1e-7);
    let mean = p * n as f64;
    let cdf = |x: i64| if x < 0 { 0.0 } else { b.cdf(x as u64) };
    let sf = |x: i64| if x < 0 { 1.0 } else { b.sf(x as u64) };
    let pval = if (k as f64) == mean {
        1.0
    } else if (k as f64) < mean {
        // The first outcome above the mean no more likely than k: the
        // probabilities fall from the mode, so search.
        let (mut lo, mut hi) = (mean.ceil() as u64, n + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if b.pmf(mid) <= d {
                hi = mid
            } else {
                lo = mid + 1
            }
        }
        cdf(k as i64) + sf(lo as i64 - 1)
    } else {
        // The last outcome below the mean no more likely than k.
        let (mut lo, mut hi) = (0i64, mean.floor() as i64 + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if b.pmf(mid as u64) <= d {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        cdf(lo - 1) + sf(k as i64 - 1)
    };
    pval.min(1.0)
}
