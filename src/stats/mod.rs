//! The statistics behind `trend` and `hotspots`, each checked against the
//! implementation researchers use (SciPy, statsmodels, PySAL's esda) by
//! fixtures in `tests/fixtures/stats/`:
//!
//! | module | what | reference |
//! |---|---|---|
//! | [`rate`] | two event rates compared: exact rate ratio interval and p-value | `scipy.stats.binomtest` |
//! | [`poisson`] | Poisson regression with an offset and a quasi-Poisson scale | statsmodels `GLM(..., family=Poisson()).fit(scale="X2")` |
//! | [`spatial`] | Getis–Ord Gi*, its permutation p-value, FDR classes; Moran's I | esda `G_Local(star=True)`, `Moran` |

pub mod poisson;
pub mod rate;
pub mod spatial;
