//! What the server holds while it runs: the datasets, the library's
//! indexes the questions use, and the tiles made so far.

use super::query::{ApiError, Query};
use super::state::Dataset;
use super::tiles::{Base, PointTiles};
use frontier::Catalogue;
use frontier::query::{DistanceIndex, Locator};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A layer measured to: its feature labels and distance index.
pub struct Measured {
    /// The layer's name.
    pub name: String,
    /// Its features' labels.
    pub labels: Vec<String>,
    /// The index.
    pub index: DistanceIndex,
    /// Whether it is the Durand Line (distances then come with a side).
    pub durand: bool,
}

/// Distance bands kept at once (the page's slider has 60 stops).
pub const MAX_BANDS: usize = 64;

/// The server's state.
pub struct App {
    /// The point files (or the demo data).
    pub datasets: Vec<Dataset>,
    /// Country, province, district.
    pub locator: Locator,
    /// Layers measured to so far, by built-in name.
    measured: Mutex<HashMap<String, Arc<Measured>>>,
    /// The distance bands drawn so far (GeoJSON), by their distance's
    /// bits.
    bands: Mutex<HashMap<u64, Arc<serde_json::Value>>>,
    /// Base map tiles.
    pub base: Base,
    /// Point tiles.
    pub points: PointTiles,
    /// The split date the page starts with.
    pub split: chrono::NaiveDate,
    /// Start-up took this long (seconds), for the page's footer.
    pub startup_s: f64,
}

impl App {
    /// A server over `datasets`.
    pub fn new(datasets: Vec<Dataset>, locator: Locator, startup_s: f64) -> App {
        App {
            datasets,
            locator,
            measured: Mutex::new(HashMap::new()),
            bands: Mutex::new(HashMap::new()),
            base: Base::default(),
            points: PointTiles::default(),
            split: chrono::NaiveDate::from_ymd_opt(2021, 8, 15).expect("a date"),
            startup_s,
        }
    }

    /// The built-in layer `name`, indexed for distances (made on first
    /// use). Only built-in layers: a request never names a file.
    pub fn measured(&self, name: &str) -> Result<Arc<Measured>, ApiError> {
        if Catalogue::builtin(name).is_none() {
            return Err(ApiError::bad(format!(
                "to={name:?} is not a built-in layer (one of: {})",
                Catalogue::builtin_names()
            )));
        }
        let mut m = self
            .measured
            .lock()
            .map_err(|_| ApiError::bad("the layer cache is unavailable"))?;
        if let Some(x) = m.get(name) {
            return Ok(x.clone());
        }
        let layer = Catalogue::shared(name)?;
        if layer.features.is_empty() {
            return Err(ApiError::bad(format!(
                "to={name}: the layer has no features, so there is nothing to measure to"
            )));
        }
        let x = Arc::new(Measured {
            name: name.to_string(),
            labels: layer.labels(),
            index: DistanceIndex::new(layer),
            durand: frontier::query::is_durand_line(layer),
        });
        m.insert(name.to_string(), x.clone());
        Ok(x)
    }

    /// The distance band `d_m` metres wide, made by `make` the first time
    /// (at most [`MAX_BANDS`] are kept).
    pub fn band(
        &self,
        d_m: f64,
        make: impl FnOnce() -> Result<serde_json::Value, ApiError>,
    ) -> Result<Arc<serde_json::Value>, ApiError> {
        let key = d_m.to_bits();
        let cached = |b: &Mutex<HashMap<u64, Arc<serde_json::Value>>>| {
            b.lock()
                .map_err(|_| ApiError::bad("the band cache is unavailable"))
                .map(|m| m.get(&key).cloned())
        };
        if let Some(v) = cached(&self.bands)? {
            return Ok(v);
        }
        // Made outside the lock: another band may be asked for meanwhile.
        let v = Arc::new(make()?);
        let mut m = self
            .bands
            .lock()
            .map_err(|_| ApiError::bad("the band cache is unavailable"))?;
        if m.len() >= MAX_BANDS {
            m.clear();
        }
        m.insert(key, v.clone());
        Ok(v)
    }

    /// The dataset numbered `k` (as a request writes it).
    pub fn dataset_named(&self, k: &str) -> Result<&Dataset, ApiError> {
        k.trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| self.datasets.get(i))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no dataset {k:?}: the server holds {} (numbered from 0)",
                    self.datasets.len()
                ))
            })
    }

    /// The dataset `ds` names (the first when not given).
    pub fn dataset(&self, q: &Query) -> Result<&Dataset, ApiError> {
        let n = self.datasets.len() as u64;
        if n == 0 {
            return Err(ApiError::not_found("the server holds no points"));
        }
        let i = q.uint("ds", 0..=n - 1)?.unwrap_or(0);
        Ok(&self.datasets[i as usize])
    }
}
