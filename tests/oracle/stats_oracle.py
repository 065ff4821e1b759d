#!/usr/bin/env python3
"""Reference values for `frontier trend` and `frontier hotspots`, computed
with the libraries researchers use: SciPy, statsmodels, libpysal and esda.

Writes tests/fixtures/stats/:
- rates-scipy.csv: exact rate comparisons (before/after counts and days)
  by scipy.stats.binomtest: p-value and the Clopper-Pearson interval of the
  after-share, mapped to the rate ratio.
- its-statsmodels.csv: segmented quasi-Poisson regressions of the monthly
  (and weekly, quarterly) series of tests/fixtures/synthetic-events.csv
  (synthetic, made by `frontier synth --events 2000 --seed 11`), per
  province (found by a GeoPandas join with geodata/provinces.geojson) and
  overall, split at 2021-08-15, by statsmodels GLM (Poisson, offset
  log(days), scale="X2").
- hotspots-esda.csv and moran-esda.csv: Getis-Ord Gi* (esda G_Local,
  star=True, binary weights) and Moran's I (esda Moran, row-standardised)
  of the events per district, with libpysal Queen and Rook weights from
  geodata/districts.geojson, and KNN and distance-band weights from
  geodesic distances between the districts' centroids (GeographicLib),
  given to libpysal as neighbour lists: libpysal's own KNN and
  DistanceBand measure on a sphere (distance_metric="arc") or the plane,
  and with arc distances pick other neighbours for 2 (knn:6) and 6
  (150 km) of the 156 districts.

The series and the periods are built here from the raw events with pandas,
independently of frontier. Run from the repository root in a venv with
scipy, statsmodels, geopandas, libpysal, esda and geographiclib:
    python3 tests/oracle/stats_oracle.py
tests/stats.rs compares frontier's output with these files.
"""
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

OUT = "tests/fixtures/stats"
os.makedirs(OUT, exist_ok=True)
SPLIT = pd.Timestamp("2021-08-15")

# ---- Exact rate comparisons ------------------------------------------------
cases = [
    (155, 957, 763, 1600),
    (202, 957, 873, 1600),
    (1, 957, 1, 1600),
    (0, 957, 2, 1600),
    (5, 100, 0, 200),
    (3, 10, 3, 10),
    (40, 365, 20, 365),
    (1000, 1000, 1100, 1000),
    (123456, 2000, 130000, 2100),
    (0, 30, 0, 30),
]
rows = []
for before, db, after, da in cases:
    n = before + after
    p0 = da / (db + da)
    if n == 0:
        rows.append(dict(before=before, days_before=db, after=after, days_after=da,
                         p_value=1.0, ci_low=0.0, ci_high=""))
        continue
    t = stats.binomtest(after, n, p0)
    ci = t.proportion_ci(confidence_level=0.95, method="exact")
    odds = lambda p: p / (1 - p) * db / da
    rows.append(dict(
        before=before, days_before=db, after=after, days_after=da,
        p_value=float(t.pvalue), ci_low=float(odds(ci.low)),
        ci_high="" if ci.high >= 1 else float(odds(ci.high)),
    ))
pd.DataFrame(rows).to_csv(f"{OUT}/rates-scipy.csv", index=False)

# ---- Interrupted time series -----------------------------------------------
events = pd.read_csv("tests/fixtures/synthetic-events.csv", parse_dates=["event_date"])
pts = gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(events.longitude, events.latitude), crs="EPSG:4326")
provinces = gpd.read_file("geodata/provinces.geojson")[["name", "geometry"]]
joined = gpd.sjoin(pts, provinces, how="left", predicate="within")
assert len(joined) == len(pts)
joined["province"] = joined["name"].fillna("(outside)")


def spans(freq):
    """The periods from the first event's to the last event's, the one
    holding the split cut at it: (label, start, end, t, after)."""
    first = events.event_date.min().to_period(freq)
    last = events.event_date.max().to_period(freq)
    out = []
    for t, p in enumerate(pd.period_range(first, last, freq=freq)):
        s, e = p.start_time.normalize(), p.end_time.normalize()
        if s < SPLIT <= e:
            out.append((str(p), s, SPLIT - pd.Timedelta(days=1), t, 0))
            out.append((str(p), SPLIT, e, t, 1))
        else:
            out.append((str(p), s, e, t, int(s >= SPLIT)))
    return out


rows = []
for freq, by in [("M", "month"), ("W-SUN", "week"), ("Q", "quarter")]:
    sp = spans(freq)
    groups = [("all", joined)] if by != "month" else [("all", joined)] + [
        (name, joined[joined.province == name]) for name in ["Khyber Pakhtunkhwa", "Balochistan"]
    ]
    for name, df in groups:
        y = np.array([((df.event_date >= s) & (df.event_date <= e)).sum() for _, s, e, _, _ in sp], float)
        assert y.sum() == len(df)
        days = np.array([(e - s).days + 1 for _, s, e, _, _ in sp], float)
        t = np.array([x[3] for x in sp], float)
        d = np.array([x[4] for x in sp], float)
        t0 = min(x[3] for x in sp if x[4] == 1)
        X = np.column_stack([np.ones_like(t), t, d, (t - t0) * d])
        fit = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(days)).fit(scale="X2", tol=1e-12)
        ci = fit.conf_int(alpha=0.05)
        for k, term in enumerate(["level", "trend", "level_change", "trend_change"]):
            rows.append(dict(
                by=by, group=name, term=term, coef=float(fit.params[k]), se=float(fit.bse[k]),
                p_value=float(fit.pvalues[k]), ci_low=float(ci[k, 0]), ci_high=float(ci[k, 1]),
                scale=float(fit.scale), periods=len(y),
            ))
pd.DataFrame(rows).to_csv(f"{OUT}/its-statsmodels.csv", index=False)
print(f"wrote {OUT}/rates-scipy.csv and {OUT}/its-statsmodels.csv")

# ---- Hot spots and Moran's I -----------------------------------------------
import warnings

import esda
import libpysal
from geographiclib.geodesic import Geodesic

warnings.filterwarnings("ignore")
districts = gpd.read_file("geodata/districts.geojson")[["name", "geometry"]]
counts = pd.read_csv("tests/fixtures/summarize-geopandas.csv").set_index("district")["count"]
y = counts.reindex(districts.name).to_numpy(float)
# Centroids of the lon/lat polygons (as frontier takes them), distances on
# the ellipsoid.
cent = districts.geometry.centroid
n = len(districts)
geod = Geodesic.WGS84
dist = np.zeros((n, n))
for i in range(n):
    for j in range(i + 1, n):
        dist[i, j] = dist[j, i] = geod.Inverse(cent.y[i], cent.x[i], cent.y[j], cent.x[j])["s12"] / 1000.0


def knn(k):
    nb = {}
    for i in range(n):
        order = sorted((dist[i, j], j) for j in range(n) if j != i)
        nb[i] = sorted(j for _, j in order[:k])
    return libpysal.weights.W(nb, silence_warnings=True)


def band(km):
    return libpysal.weights.W({i: [j for j in range(n) if j != i and dist[i, j] <= km] for i in range(n)},
                              silence_warnings=True)


weights = {
    "queen": libpysal.weights.Queen.from_dataframe(districts, use_index=False, silence_warnings=True),
    "rook": libpysal.weights.Rook.from_dataframe(districts, use_index=False, silence_warnings=True),
    "knn:6": knn(6),
    "distance:150km": band(150.0),
}
rows, mrows = [], []
for name, w in weights.items():
    g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    m = esda.Moran(y, w, transformation="r", permutations=0)
    for i in range(n):
        rows.append(dict(weights=name, district=districts.name[i], neighbours=len(w.neighbors[i]),
                         gi=float(g.Gs[i]), gi_z=float(g.Zs[i]), gi_p_two_sided=float(2 * g.p_norm[i])))
    mrows.append(dict(weights=name, i=float(m.I), expected=float(m.EI), z=float(m.z_rand), p=float(m.p_rand),
                      z_norm=float(m.z_norm), p_norm=float(m.p_norm)))
pd.DataFrame(rows).to_csv(f"{OUT}/hotspots-esda.csv", index=False)
pd.DataFrame(mrows).to_csv(f"{OUT}/moran-esda.csv", index=False)
print(f"wrote {OUT}/hotspots-esda.csv and {OUT}/moran-esda.csv")
