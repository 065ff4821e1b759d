#!/usr/bin/env python3
"""Reference values for `frontier knox` and `frontier emerging`, computed
independently of frontier from tests/fixtures/spacetime/synthetic-near-repeat.csv
(SYNTHETIC, made by tests/oracle/spacetime_synth.py).

Writes tests/fixtures/spacetime/:
- knox-reference.csv: for several (distance, days), the counts of R's
  surveillance::knox computed on the same pairs by its definitions
  (close in time |dt| <= eps.t, close in space ds <= eps.s, expected =
  sum(closeInTime)/npairs*sum(closeInSpace), p-value
  ppois(X, expected, lower.tail = FALSE) = scipy.stats.poisson.sf(X, expected)).
  These are its definitions written out in Python over geodesic
  distances from GeographicLib (pairs first screened by the haversine
  distance, with a 1% margin); R's own knox() on the same pairs is run by
  tests/oracle/spacetime_knox_r.py (knox-surveillance.csv), and agrees. No pair lies within a centimetre of a threshold (checked).
  Beside them, pointpats.spacetime.Knox on coordinates projected with an
  azimuthal equidistant projection about the events' centre (pointpats
  measures in the plane): its counts where they equal the geodesic ones
  (pointpats_agrees = 1), and its p_poisson.
- bands-reference.csv: pairs per distance band x time band, by the band
  rule frontier documents (band 0 holds both ends, the others their upper
  end), and the exact expectation of each under a random permutation of
  the dates, S_s * T_t / npairs.
- leadlag-reference.csv: directed pairs (a lead event, then a follow event
  0 < dt <= days later within the distance) for side AFG -> PAK and back.
- mk-pymannkendall.csv: pymannkendall.original_test on fixed series (with
  ties, trends, constants).
- emerging-esda.csv: the monthly space-time cube of events per district
  (districts from a GeoPandas join with geodata/districts.geojson), Gi* of
  every cell from esda G_Local(star=True, transform="B") on libpysal
  weights whose neighbours are the district's Queen neighbours and itself
  in the same month and the month before (time lag 1), less the cell.
- emerging-categories.csv: per district, the FDR classes (Benjamini-
  Hochberg over all cells at 10/5/1%), pymannkendall on the Gi* z series,
  and the category by the rules of docs/spacetime.md, written out here
  again from the series.

Run from the repository root in a venv with numpy, scipy, pandas,
geopandas, libpysal, esda, pointpats, pymannkendall and geographiclib:
    python3 tests/oracle/spacetime_synth.py   # the events (already committed)
    python3 tests/oracle/spacetime_oracle.py
tests/spacetime.rs compares frontier's output with these files.
"""
import os
import warnings

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pymannkendall as mk
from geographiclib.geodesic import Geodesic
from pointpats.spacetime import Knox
from pyproj import CRS, Transformer
from scipy import stats

warnings.filterwarnings("ignore")
OUT = "tests/fixtures/spacetime"
G = Geodesic.WGS84
ev = pd.read_csv(f"{OUT}/synthetic-near-repeat.csv", parse_dates=["event_date"])
# The background events alone: no triggering at all (a null process).
ev[ev.kind == "background"].to_csv(f"{OUT}/synthetic-background.csv", index=False,
                                   date_format="%Y-%m-%d")
n = len(ev)
lat = ev.latitude.to_numpy()
lon = ev.longitude.to_numpy()
day = ((ev.event_date - pd.Timestamp("2021-01-01")).dt.days).to_numpy()
I, J = np.triu_indices(n, 1)
npairs = len(I)

# ---- Geodesic distances of the pairs that can be within the longest band --
MAXD = 50_000.0
la, lo = np.radians(lat), np.radians(lon)
h = (np.sin((la[J] - la[I]) / 2) ** 2
     + np.cos(la[I]) * np.cos(la[J]) * np.sin((lo[J] - lo[I]) / 2) ** 2)
hav = 2 * 6371008.8 * np.arcsin(np.sqrt(h))
cand = np.nonzero(hav <= MAXD * 1.01)[0]
dist = np.full(npairs, np.inf)
for k in cand:
    dist[k] = G.Inverse(lat[I[k]], lon[I[k]], lat[J[k]], lon[J[k]])["s12"]
dt = day[J] - day[I]
adt = np.abs(dt)


def no_pair_near(d_m):
    assert not np.any(np.abs(dist - d_m) < 0.01), f"a pair within 1 cm of {d_m} m"


# Projected coordinates for pointpats: azimuthal equidistant about the centre.
aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat.mean()} +lon_0={lon.mean()} +datum=WGS84 +units=m")
x, y = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True).transform(lon, lat)
xy = np.column_stack([x, y])
planar = np.hypot(x[J] - x[I], y[J] - y[I])

rows = []
bg = (ev.kind == "background").to_numpy()
for d_km, t, only_bg in [(1, 7, 0), (2, 14, 0), (5, 14, 0), (10, 30, 0), (25, 7, 0), (30, 60, 0),
                         (2, 14, 1), (10, 30, 1), (25, 7, 1)]:
    d_m = d_km * 1000.0
    no_pair_near(d_m)
    keep = (bg[I] & bg[J]) if only_bg else np.ones(npairs, bool)
    cs = (dist <= d_m) & keep
    ct = (adt <= t) & keep
    npairs_k = int(keep.sum())
    X = int(np.sum(cs & ct))
    S, T = int(cs.sum()), int(ct.sum())
    expected = T / npairs_k * S
    sel = bg if only_bg else np.ones(n, bool)
    pp = Knox(xy[sel], day[sel].reshape(-1, 1).astype(float), d_m, t, permutations=0)
    planar_same = (int(np.sum((planar <= d_m) & keep)) == S
                   and int(np.sum((planar <= d_m) & ct)) == X)
    rows.append(dict(
        file="synthetic-background.csv" if only_bg else "synthetic-near-repeat.csv",
        space_km=d_km, time_days=t, events=int(sel.sum()), pairs=npairs_k,
        pairs_close_space=S, pairs_close_time=T, pairs_close_both=X,
        expected=expected, ratio=X / expected,
        p_poisson=float(stats.poisson.sf(X, expected)),
        pointpats_agrees=int(planar_same),
        pointpats_nst=int(pp.nst), pointpats_expected=float(pp.expected[0, 0]),
        pointpats_p_poisson=float(pp.p_poisson),
    ))
pd.DataFrame(rows).to_csv(f"{OUT}/knox-reference.csv", index=False)

# ---- Near Repeat bands -------------------------------------------------------
SB = [0, 0, 1000, 2000, 5000, 10000, 30000]
TB = [0, 7, 14, 30, 60]


def band(x, ends):
    if x < ends[0] or x > ends[-1]:
        return None
    for k in range(1, len(ends)):
        if x <= ends[k]:
            return k - 1


for e in SB[1:]:
    if e > 0:
        no_pair_near(e)
sb = np.array([band(v, SB) if np.isfinite(v) else -1 for v in dist], dtype=object)
tb = np.array([band(v, TB) for v in adt], dtype=object)
rows = []
for s in range(len(SB) - 1):
    ins = np.array([b == s for b in sb])
    for t in range(len(TB) - 1):
        intime = np.array([b == t for b in tb])
        rows.append(dict(
            space_from=SB[s] / 1000, space_to=SB[s + 1] / 1000,
            time_from=TB[t], time_to=TB[t + 1],
            observed=int(np.sum(ins & intime)),
            expected=ins.sum() * intime.sum() / npairs,
        ))
pd.DataFrame(rows).to_csv(f"{OUT}/bands-reference.csv", index=False)

# ---- Lead-lag ---------------------------------------------------------------
side = ev.side.to_numpy()
rows = []
for d_km, t in [(25, 14), (50, 14), (10, 7)]:
    d_m = d_km * 1000.0
    no_pair_near(d_m)
    close = dist <= d_m
    counts = {}
    for a, b in [("AFG", "PAK"), ("PAK", "AFG")]:
        # pair (i, j), i < j: i leads when dt > 0, j leads when dt < 0.
        fwd = close & (dt > 0) & (dt <= t) & (side[I] == a) & (side[J] == b)
        bwd = close & (dt < 0) & (-dt <= t) & (side[J] == a) & (side[I] == b)
        counts[(a, b)] = int(fwd.sum() + bwd.sum())
    na, np_ = int(np.sum(side == "AFG")), int(np.sum(side == "PAK"))
    rows.append(dict(space_km=d_km, time_days=t, afg_events=na, pak_events=np_,
                     afg_to_pak=counts[("AFG", "PAK")], pak_to_afg=counts[("PAK", "AFG")]))
pd.DataFrame(rows).to_csv(f"{OUT}/leadlag-reference.csv", index=False)

# ---- Mann-Kendall ------------------------------------------------------------
rng = np.random.default_rng(7)
series = [
    [1, 2, 2, 3, 5, 4, 6, 6, 7, 9],
    [5, 5, 5, 5, 5, 5, 5, 5],
    [3.2, 1.0, 4.4, 0.5, 2.2, 2.2, 1.0, 0.1, -0.5, -1.2, -0.4, -2.0],
    list(np.round(rng.normal(size=24), 3)),
    list(np.round(np.arange(24) * 0.1 + rng.normal(size=24), 2)),
    [0, 0, 1, 0, 0, 2, 0, 3, 0, 0, 4, 5, 0, 6],
    [2.5, 1.5],
]
rows = []
for k, s in enumerate(series):
    r = mk.original_test(np.array(s, dtype=float))
    rows.append(dict(series=k, values=" ".join(str(v) for v in s), s=r.s, var_s=r.var_s,
                     z=r.z, p=r.p, tau=r.Tau))
pd.DataFrame(rows).to_csv(f"{OUT}/mk-pymannkendall.csv", index=False)

# ---- Emerging hot spots ------------------------------------------------------
districts = gpd.read_file("geodata/districts.geojson")
pts = gpd.GeoDataFrame(ev, geometry=gpd.points_from_xy(ev.longitude, ev.latitude), crs="EPSG:4326")
joined = gpd.sjoin(pts, districts[["name", "geometry"]], how="left", predicate="within")
joined = joined[~joined.index.duplicated(keep="first")]
joined = joined[joined["name"].notna()]
months = pd.period_range("2021-01", "2022-12", freq="M")
P = len(months)
names = list(districts["name"])
A = len(names)
cube = np.zeros((A, P))
mi = {m: k for k, m in enumerate(months)}
ai = {nm: k for k, nm in enumerate(names)}
for nm, d in zip(joined["name"], joined.event_date):
    cube[ai[nm], mi[d.to_period("M")]] += 1
queen = libpysal.weights.Queen.from_dataframe(districts, use_index=False, silence_warnings=True)
LAGS = 1
nbrs = {}
for a in range(A):
    for t in range(P):
        v = []
        for t2 in range(max(0, t - LAGS), t + 1):
            for b in [a] + list(queen.neighbors[a]):
                if (b, t2) != (a, t):
                    v.append(b * P + t2)
        nbrs[a * P + t] = sorted(v)
w = libpysal.weights.W(nbrs, silence_warnings=True)
y = cube.reshape(-1)
g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
z = np.asarray(g.Zs)
p = 2 * stats.norm.sf(np.abs(z))
pd.DataFrame(dict(
    district=np.repeat(names, P), period=[str(m) for m in months] * A,
    count=y.astype(int), gi_z=z, gi_p=p,
)).to_csv(f"{OUT}/emerging-esda.csv", index=False)


def fdr_classes(z, p):
    m = len(p)
    order = np.argsort(p, kind="stable")
    cls = np.array(["not significant"] * m, dtype=object)
    for alpha, name in [(0.10, "90%"), (0.05, "95%"), (0.01, "99%")]:
        ok = p[order] <= (np.arange(1, m + 1) * alpha / m)
        if ok.any():
            r = np.max(np.nonzero(ok)[0])
            for i in order[: r + 1]:
                cls[i] = ("hot " if z[i] > 0 else "cold ") + name
    return cls


cls = fdr_classes(z, p)


def kind(this, other, stronger, weaker):
    n = len(this)
    cnt = sum(this)
    most = cnt >= 0.9 * n
    if not this[-1]:
        return "historical" if most else None
    if most:
        return "intensifying" if stronger else ("diminishing" if weaker else "persistent")
    if cnt == 1:
        return "new"
    run = 0
    for v in reversed(this):
        if not v:
            break
        run += 1
    if run == cnt:
        return "consecutive"
    return "oscillating" if any(other) else "sporadic"


rows = []
for a, nm in enumerate(names):
    c = cls[a * P:(a + 1) * P]
    zs = z[a * P:(a + 1) * P]
    hot = [s.startswith("hot") for s in c]
    cold = [s.startswith("cold") for s in c]
    r = mk.original_test(zs)
    up = r.p <= 0.10 and r.z > 0
    down = r.p <= 0.10 and r.z < 0
    k = kind(hot, cold, up, down)
    cat = f"{k} hot spot" if k else None
    if cat is None:
        k = kind(cold, hot, down, up)
        cat = f"{k} cold spot" if k else "no pattern"
    rows.append(dict(district=nm, category=cat, trend_z=r.z, trend_p=r.p,
                     hot_periods=sum(hot), cold_periods=sum(cold), final_class=c[-1]))
pd.DataFrame(rows).to_csv(f"{OUT}/emerging-categories.csv", index=False)
print(pd.DataFrame(rows).category.value_counts().to_dict())
