#!/usr/bin/env python3
"""Independent oracle for frontier's geodesic measures.

Measures the built-in layers under geodata/ with pyproj's Geod (which wraps
Karney's GeographicLib C library, an implementation independent of the Rust
geographiclib-rs used by frontier) and writes tests/fixtures/oracle-geodesic.csv:
one row per (layer, feature name, measure, value).

Run from the repository root, in a venv with pyproj and shapely:
    python3 tests/oracle/geodesic_oracle.py
The Rust test tests/geodata.rs compares frontier's figures with this file.
"""
import csv
import json
import sys

from pyproj import Geod
from shapely.geometry import shape

GEOD = Geod(ellps="WGS84")


def area_km2(geom):
    # geometry_area_perimeter is signed by winding; take the magnitude per polygon.
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    return sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in polys) / 1e6


def length_km(geom):
    return GEOD.geometry_length(geom) / 1e3


def main():
    rows = []
    for layer, file, name_key, measure in [
        ("districts", "districts.geojson", "name", "area_km2"),
        ("provinces", "provinces.geojson", "name", "area_km2"),
        ("waziristan", "waziristan.geojson", "name", "area_km2"),
        ("durand-line", "durand-line.geojson", "name", "length_km"),
        ("cpec", "cpec-corridors.geojson", "corridor", "length_km"),
    ]:
        with open(f"geodata/{file}") as f:
            fc = json.load(f)
        for feat in fc["features"]:
            geom = shape(feat["geometry"])
            value = area_km2(geom) if measure == "area_km2" else length_km(geom)
            rows.append((layer, feat["properties"][name_key], measure, f"{value:.6f}"))
    w = csv.writer(sys.stdout if "--stdout" in sys.argv else open("tests/fixtures/oracle-geodesic.csv", "w", newline=""))
    w.writerow(["layer", "name", "measure", "value"])
    w.writerows(rows)


if __name__ == "__main__":
    main()
