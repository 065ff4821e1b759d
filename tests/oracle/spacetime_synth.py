#!/usr/bin/env python3
"""SYNTHETIC events with a planted near-repeat process and a planted
cross-border process, for `frontier knox` and `frontier emerging`.

Nothing here is real: the events are drawn by this script from a seeded
generator. Writes tests/fixtures/spacetime/synthetic-near-repeat.csv with
columns id, event_date, latitude, longitude, side, kind, source
(source = synthetic).

The process, over 2021-01-01 .. 2022-12-31 (730 days):
- 1,800 background events, uniform in time, placed 3 to 60 km from a
  point drawn uniformly along the Durand Line (geodata/durand-line.geojson),
  on either side; `side` is PAK inside the built-in districts
  (geodata/districts.geojson), AFG inside the Afghan silhouette of
  geodata/neighbours.geojson; events within 3 km of the line, or in
  neither, are drawn again (so frontier's own side agrees with `side`);
- near repeats: each background event, with probability 0.30, triggers
  one event 0 to 1 km away (uniform in the disc) 1 to 7 days later
  (uniform whole days): kind = near-repeat;
- cross-border spillover: each background event on the Afghan side, with
  probability 0.35, triggers one event on the Pakistani side 1 to 25 km
  away, 1 to 14 days later: kind = spillover. Nothing triggers the other
  way.
- a growing cluster for the emerging hot spots: 400 more events in North
  Waziristan around Miranshah (70.07 E, 33.00 N, 8 km spread), their
  number rising month by month through 2022: kind = growing.

Run from the repository root in a venv with numpy, pandas, geopandas,
shapely and geographiclib:
    python3 tests/oracle/spacetime_synth.py
"""
import os

import geopandas as gpd
import numpy as np
import pandas as pd
from geographiclib.geodesic import Geodesic
from shapely.geometry import Point
from shapely.ops import unary_union

OUT = "tests/fixtures/spacetime"
os.makedirs(OUT, exist_ok=True)
G = Geodesic.WGS84
rng = np.random.default_rng(20210815)
START = pd.Timestamp("2021-01-01")
DAYS = 730

line = gpd.read_file("geodata/durand-line.geojson").geometry.iloc[0]
pak = unary_union(gpd.read_file("geodata/districts.geojson").geometry.values)
nb = gpd.read_file("geodata/neighbours.geojson")
afg = unary_union(nb[nb["iso3"] == "AFG"].geometry.values)
# Distances to the line in degrees are only used to keep points away from
# it (3 km is about 0.027 degrees; 0.04 leaves room).
NEAR_LINE_DEG = 0.04


def side_of(lon, lat):
    p = Point(lon, lat)
    if line.distance(p) < NEAR_LINE_DEG:
        return None
    if pak.contains(p):
        return "PAK"
    if afg.contains(p):
        return "AFG"
    return None


def move(lon, lat, km, azimuth):
    g = G.Direct(lat, lon, azimuth, km * 1000.0)
    return g["lon2"], g["lat2"]


rows = []


def add(lon, lat, day, side, kind):
    rows.append(dict(day=int(day), latitude=round(lat, 6), longitude=round(lon, 6), side=side, kind=kind))


background = []
while len(background) < 1800:
    at = line.interpolate(rng.uniform(0, line.length))
    lon, lat = move(at.x, at.y, rng.uniform(3, 60), rng.uniform(0, 360))
    s = side_of(lon, lat)
    if s is None:
        continue
    day = rng.integers(0, DAYS)
    background.append((lon, lat, day, s))
    add(lon, lat, day, s, "background")

for lon, lat, day, s in background:
    if rng.uniform() < 0.30:
        for _ in range(50):
            r = 1.0 * np.sqrt(rng.uniform())
            x, y = move(lon, lat, r, rng.uniform(0, 360))
            s2 = side_of(x, y)
            if s2 is not None:
                add(x, y, day + rng.integers(1, 8), s2, "near-repeat")
                break
    if s == "AFG" and rng.uniform() < 0.35:
        for _ in range(200):
            x, y = move(lon, lat, rng.uniform(1, 25), rng.uniform(0, 360))
            if side_of(x, y) == "PAK":
                add(x, y, day + rng.integers(1, 15), "PAK", "spillover")
                break

# A cluster that grows through 2022.
months = pd.date_range("2021-01-01", periods=24, freq="MS")
weights = np.array([1.0] * 12 + [1.0 + 1.5 * k for k in range(12)])
per_month = rng.multinomial(400, weights / weights.sum())
for m, k in zip(months, per_month):
    length = (m + pd.offsets.MonthBegin(1) - m).days
    done = 0
    while done < k:
        x, y = move(70.07, 33.00, abs(rng.normal(0, 8)), rng.uniform(0, 360))
        s = side_of(x, y)
        if s is None:
            continue
        add(x, y, (m - START).days + rng.integers(0, length), s, "growing")
        done += 1

df = pd.DataFrame(rows)
df = df[df.day < DAYS].sort_values(["day", "longitude"]).reset_index(drop=True)
df["event_date"] = (START + pd.to_timedelta(df.day, unit="D")).dt.strftime("%Y-%m-%d")
df["id"] = [f"SYNNR{i + 1}" for i in range(len(df))]
df["source"] = "synthetic"
df[["id", "event_date", "latitude", "longitude", "side", "kind", "source"]].to_csv(
    f"{OUT}/synthetic-near-repeat.csv", index=False
)
print(len(df), "synthetic events;", df.kind.value_counts().to_dict(), df.side.value_counts().to_dict())
