#!/usr/bin/env python3
"""R's own surveillance::knox on the pairs of the SYNTHETIC events of
tests/fixtures/spacetime/ (made by tests/oracle/spacetime_synth.py), for
the Knox settings of knox-reference.csv.

For each setting this script finds which pairs are close in space
(geodesic distance on WGS84 from GeographicLib <= the distance; pairs
first screened by the haversine distance with a 1% margin) and close in
time (|days apart| <= the days), hands both logical vectors to R's
`surveillance::knox(dt, ds, simulate.p.value = FALSE)` (which takes
"logical vectors indicating temporal/spatial closeness"), and writes what
R returns to tests/fixtures/spacetime/knox-surveillance.csv: the
statistic (pairs close in both), lambda (the Poisson mean, R's expected
count), R's p.value (ppois(X, lambda, lower.tail = FALSE)) and its
contingency table's margins. No pair lies within a centimetre of a
threshold (checked), so the distances' last digits cannot move a pair.

Run from the repository root, with R and the surveillance package
(Debian: apt-get install r-cran-surveillance) and a venv with numpy,
pandas and geographiclib:
    python3 tests/oracle/spacetime_knox_r.py
tests/spacetime.rs compares frontier's output with this file.
"""
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
from geographiclib.geodesic import Geodesic

OUT = "tests/fixtures/spacetime"
G = Geodesic.WGS84
SETTINGS = [(1, 7, 0), (2, 14, 0), (5, 14, 0), (10, 30, 0), (25, 7, 0), (30, 60, 0),
            (2, 14, 1), (10, 30, 1), (25, 7, 1)]
R = r"""
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[3])
dt <- as.logical(readBin(args[1], "integer", n = n, size = 1))
ds <- as.logical(readBin(args[2], "integer", n = n, size = 1))
k <- knox(dt, ds, simulate.p.value = FALSE)
t <- k$table
cat(sprintf("%d %.17g %.17g %d %d %d %s\n", k$statistic, k$parameter, k$p.value,
            t["close", "close"] + t["not close", "close"],
            t["close", "close"] + t["close", "not close"], sum(t),
            as.character(packageVersion("surveillance"))))
"""

rows = []
for name in ["synthetic-near-repeat.csv", "synthetic-background.csv"]:
    ev = pd.read_csv(f"{OUT}/{name}", parse_dates=["event_date"])
    n = len(ev)
    lat, lon = ev.latitude.to_numpy(), ev.longitude.to_numpy()
    day = ((ev.event_date - pd.Timestamp("2021-01-01")).dt.days).to_numpy()
    I, J = np.triu_indices(n, 1)
    la, lo = np.radians(lat), np.radians(lon)
    h = (np.sin((la[J] - la[I]) / 2) ** 2
         + np.cos(la[I]) * np.cos(la[J]) * np.sin((lo[J] - lo[I]) / 2) ** 2)
    hav = 2 * 6371008.8 * np.arcsin(np.sqrt(h))
    dist = np.full(len(I), np.inf)
    for k in np.nonzero(hav <= 30_000.0 * 1.01)[0]:
        dist[k] = G.Inverse(lat[I[k]], lon[I[k]], lat[J[k]], lon[J[k]])["s12"]
    adt = np.abs(day[J] - day[I])
    for d_km, t, only_bg in SETTINGS:
        if (name == "synthetic-background.csv") != bool(only_bg):
            continue
        d_m = d_km * 1000.0
        assert not np.any(np.abs(dist - d_m) < 0.01), f"a pair within 1 cm of {d_m} m"
        with tempfile.TemporaryDirectory() as tmp:
            (adt <= t).astype(np.int8).tofile(f"{tmp}/dt")
            (dist <= d_m).astype(np.int8).tofile(f"{tmp}/ds")
            script = f"{tmp}/knox.R"
            open(script, "w").write(R)
            out = subprocess.run(["Rscript", script, f"{tmp}/dt", f"{tmp}/ds", str(len(I))],
                                 capture_output=True, text=True, check=True).stdout.split()
        rows.append(dict(file=name, space_km=d_km, time_days=t, pairs=int(out[5]),
                         statistic=int(out[0]), expected=float(out[1]), p_value=float(out[2]),
                         close_space=int(out[3]), close_time=int(out[4]),
                         surveillance=out[6]))
        print(rows[-1])
pd.DataFrame(rows).to_csv(f"{OUT}/knox-surveillance.csv", index=False)
