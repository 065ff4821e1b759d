#!/usr/bin/env python3
"""GeoPandas oracle for `frontier summarize`.

Joins tests/fixtures/synthetic-events.csv (made by
`frontier synth --events 2000 --seed 11`, synthetic) to the districts of
geodata/districts.geojson with GeoPandas (sjoin, predicate "within") and
writes tests/fixtures/summarize-geopandas.csv: per district (every one, zeros
included, plus "(outside)") the number of events, the sum of fatalities, and
the counts before and on/after 2021-08-15.

Run from the repository root in a venv with geopandas:
    python3 tests/oracle/summarize_oracle.py
tests/summarize.rs compares frontier's output with this file.
"""
import geopandas as gpd
import pandas as pd

events = pd.read_csv("tests/fixtures/synthetic-events.csv")
points = gpd.GeoDataFrame(
    events,
    geometry=gpd.points_from_xy(events.longitude, events.latitude),
    crs="EPSG:4326",
)
districts = gpd.read_file("geodata/districts.geojson")[["name", "geometry"]]
joined = gpd.sjoin(points, districts, how="left", predicate="within")
assert len(joined) == len(points), "a point fell in two districts"
joined["name"] = joined["name"].fillna("(outside)")
joined["after"] = pd.to_datetime(joined.event_date) >= pd.Timestamp("2021-08-15")
g = joined.groupby("name")
out = pd.DataFrame(
    {
        "count": g.size(),
        "fatalities": g.fatalities.sum(),
        "before": g.after.apply(lambda s: int((~s).sum())),
        "after": g.after.apply(lambda s: int(s.sum())),
    }
)
names = list(districts.name) + ["(outside)"]
out = out.reindex(names, fill_value=0)
out.index.name = "district"
out.to_csv("tests/fixtures/summarize-geopandas.csv")
