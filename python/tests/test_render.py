"""Maps from Python as the command line draws them: a map file (``spec=``,
``--spec``) with settings given beside it winning, and choropleths of
GeoJSON areas (a file, or a GeoDataFrame) with a value column (``render
--choropleth AREAS.geojson --column C``). The oracle is the command line's
output for the same inputs: the same PNG bytes, the same SVG text."""

import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import frontier

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


def cli(*args: str) -> None:
    subprocess.run([EXE, *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A map file beside its inputs: points without a ``source`` column
    (so the source line credits the file by name), one row with a latitude
    off the globe (left out by the spec's ``[reading] skip_invalid``), and a
    summary table."""
    d = tmp_path_factory.mktemp("spec")
    events = pd.read_csv(EVENTS).head(400).drop(columns=["source"], errors="ignore")
    events.loc[3, "latitude"] = 95.0
    events.to_csv(d / "events.csv", index=False)
    frontier.summarize(pd.read_csv(EVENTS), by="district").to_csv(d / "table.csv", index=False)
    (d / "map.toml").write_text(
        """extent = "kp"
size = "120x90mm"
dpi = 80
title = "Events in Khyber Pakhtunkhwa"
subtitle = "synthetic fixture"
labels = "cities"
graticule = true
sources = ["Events: frontier's synthetic fixture"]

[reading]
skip_invalid = true

[points]
file = "events.csv"
color_by = "event_type"
color_title = "Kind of event"

[choropleth]
file = "table.csv"
column = "per_100k"
classes = 4
method = "equal"
palette = "blues"
title = "Events per 100,000"

[[layers]]
name = "cpec"
color = "#d95f02"
width = 2
"""
    )
    return d


def test_a_map_file_draws_the_command_lines_map(folder, tmp_path):
    spec = folder / "map.toml"
    with pytest.warns(frontier.RejectedRowsWarning, match="1 row"):
        m = frontier.render(spec=spec)
    cli("render", "--spec", str(spec), "-o", str(tmp_path / "cli.png"))
    assert m.png == (tmp_path / "cli.png").read_bytes(), "the same PNG, byte for byte"
    cli("render", "--spec", str(spec), "-o", str(tmp_path / "cli.svg"))
    svg = m.to_bytes("svg")  # warned once, when the map was made
    assert svg == (tmp_path / "cli.svg").read_bytes(), "the same SVG"
    assert b"Data: events.csv" in svg and b"Events: frontier" in svg
    # Settings given win over the map file's, as flags beside --spec do.
    with pytest.warns(frontier.RejectedRowsWarning):
        m = frontier.render(spec=str(spec), title="Other title", size=(500, 400), palette="greens",
                            layers="durand-line:color=#000000", color_by="fatalities")
    cli("render", "--spec", str(spec), "--title", "Other title", "--size", "500x400", "--palette", "greens",
        "--layer", "durand-line:color=#000000", "--color-by", "fatalities", "-o", str(tmp_path / "flags.png"))
    assert m.png == (tmp_path / "flags.png").read_bytes()
    # The map file's settings do change the map: without it, another one.
    assert frontier.render(size=(500, 400)).png != m.png


def test_a_map_files_mistakes_are_errors_naming_it(folder, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extent = "kp"\ncolour = "red"\n')
    with pytest.raises(frontier.Error, match=r"bad\.toml.*2"):
        frontier.render(spec=bad)
    missing = tmp_path / "missing.toml"
    missing.write_text('[points]\nfile = "nowhere.csv"\n')
    with pytest.raises(frontier.Error, match="nowhere.csv"):
        frontier.render(spec=missing)
    # Without skip_invalid (given False beside the file's true), the bad
    # row is an Error naming the file and its line.
    with pytest.raises(frontier.Error, match=r"events\.csv.*5"):
        frontier.render(spec=folder / "map.toml", skip_invalid=False)


@pytest.fixture(scope="module")
def cells(tmp_path_factory) -> Path:
    """Hexagons with Getis-Ord classes, written by the command line."""
    d = tmp_path_factory.mktemp("cells")
    out = d / "cells.geojson"
    cli("hotspots", str(EVENTS), "--by", "hex:25km", "--geojson", str(out), "-o", str(d / "cells.csv"))
    return out


def test_geojson_areas_draw_the_command_lines_choropleth(cells, tmp_path):
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "cli.png"
    # Text (the hot-spot classes): categories in their own colours.
    m = frontier.render(choropleth=cells, column="gi_class", extent="kp", size=(600, 450))
    cli("render", "--choropleth", str(cells), "--column", "gi_class", "--extent", "kp", "--size", "600x450",
        "-o", str(out))
    assert m.png == out.read_bytes()
    # Numbers, classed.
    m = frontier.render(choropleth=str(cells), column="gi_z", classes=6, method="jenks", palette="purples",
                        legend_title="Gi* z", extent="kp", size=(600, 450))
    cli("render", "--choropleth", str(cells), "--column", "gi_z", "--classes", "6", "--method", "jenks",
        "--palette", "purples", "--legend-title", "Gi* z", "--extent", "kp", "--size", "600x450", "-o", str(out))
    assert m.png == out.read_bytes()
    svg = m.to_bytes("svg")
    cli("render", "--choropleth", str(cells), "--column", "gi_z", "--classes", "6", "--method", "jenks",
        "--palette", "purples", "--legend-title", "Gi* z", "--extent", "kp", "--size", "600x450",
        "-o", str(tmp_path / "cli.svg"))
    assert svg == (tmp_path / "cli.svg").read_bytes()
    # The same areas as a GeoDataFrame (as GeoPandas reads the file), and
    # in another CRS (put back in lon/lat first).
    g = gpd.read_file(cells)
    assert frontier.render(choropleth=g, column="gi_z", classes=6, method="jenks", palette="purples",
                           legend_title="Gi* z", extent="kp", size=(600, 450)).png == out.read_bytes()
    projected = frontier.render(choropleth=g.to_crs("EPSG:32642"), column="gi_class", extent="kp", size=(600, 450))
    assert projected.png[1:4] == b"PNG"
    # Counts as categories (codes), as --categories.
    m = frontier.render(choropleth=cells, column="count", categories=True, extent="kp", size=(600, 450))
    cli("render", "--choropleth", str(cells), "--column", "count", "--categories", "--extent", "kp", "--size",
        "600x450", "-o", str(out))
    assert m.png == out.read_bytes()


def test_geojson_areas_errors(cells, tmp_path):
    with pytest.raises(frontier.Error, match="gi_nothing"):
        frontier.render(choropleth=cells, column="gi_nothing")
    with pytest.raises(frontier.Error, match="column="):
        frontier.render(choropleth=cells)
    with pytest.raises(frontier.Error, match="categories"):
        frontier.render(categories=True)
    with pytest.raises(TypeError, match="choropleth="):
        frontier.render(choropleth=[1, 2, 3], column="x")
    points = tmp_path / "points.geojson"
    points.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1},'
                      '"geometry":{"type":"Point","coordinates":[70,33]}}]}')
    with pytest.raises(frontier.Error, match="[Pp]olygon"):
        frontier.render(choropleth=points, column="v")


def test_hotspots_and_emerging_areas_come_to_python_and_draw_the_command_lines_map(cells, tmp_path):
    """``geometry=True``: the areas' polygons beside their rows (as
    ``--geojson`` writes them), a GeoDataFrame ``render`` draws as the
    command line draws the GeoJSON file."""
    gpd = pytest.importorskip("geopandas")
    import numpy as np
    import pyproj
    import shapely

    h = frontier.hotspots(EVENTS, by="hex:25km", geometry=True)
    assert isinstance(h, gpd.GeoDataFrame) and h.crs == pyproj.CRS("OGC:CRS84")
    written = gpd.read_file(cells)
    assert len(h) == len(written)
    assert shapely.equals_exact(h.geometry.values, written.geometry.values, tolerance=1e-12).all()
    assert np.array_equal(h.gi_z.to_numpy(), written.gi_z.to_numpy())
    assert list(h.gi_class) == list(written.gi_class)
    assert h.attrs["moran"] == frontier.hotspots(EVENTS, by="hex:25km").attrs["moran"]
    out = tmp_path / "cli.png"
    cli("render", "--choropleth", str(cells), "--column", "gi_class", "--extent", "kp", "--size", "600x450",
        "-o", str(out))
    assert frontier.render(choropleth=h, column="gi_class", extent="kp", size=(600, 450)).png == out.read_bytes()
    # Districts: the layer's polygons.
    d = frontier.hotspots(EVENTS, by="province", geometry=True)
    assert len(d) == len(frontier.hotspots(EVENTS, by="province")) and d.geometry.geom_type.isin(
        ["Polygon", "MultiPolygon"]).all()
    # Emerging hot spots' categories, drawn from Python and from the file.
    e = frontier.emerging(EVENTS, by="hex:25km", period="quarter", geometry=True)
    areas = tmp_path / "emerging.geojson"
    cli("emerging", str(EVENTS), "--by", "hex:25km", "--period", "quarter", "--geojson", str(areas),
        "-o", str(tmp_path / "emerging.csv"))
    assert list(e.category) == list(gpd.read_file(areas).category)
    cli("render", "--choropleth", str(areas), "--column", "category", "--extent", "kp", "--size", "600x450",
        "-o", str(out))
    assert frontier.render(choropleth=e.drop(columns="series"), column="category", extent="kp",
                           size=(600, 450)).png == out.read_bytes()


def test_hexagon_edges_take_every_unit_as_the_command_line():
    """``by="hex:D"`` reads D as every distance is read: a bare number is
    km; m, km, mi and nmi (it took only km before)."""
    import json

    km = frontier.hotspots(EVENTS, by="hex:25km")
    pd.testing.assert_frame_equal(frontier.hotspots(EVENTS, by="hex:25000m"), km)
    pd.testing.assert_frame_equal(frontier.hotspots(EVENTS, by="hex:25"), km)
    mi = frontier.hotspots(EVENTS, by="hex:10mi")
    out = subprocess.run([EXE, "hotspots", str(EVENTS), "--by", "hex:10mi", "--format", "json"], check=True,
                         capture_output=True).stdout
    j = json.loads(out)
    assert mi.attrs["hex_km"] == j["hex_km"] == pytest.approx(16.09344)
    assert list(mi.hex) == [r["hex"] for r in j["rows"]]
    e = frontier.emerging(EVENTS, by="hex:10mi", period="quarter")
    assert e.attrs["hex_km"] == pytest.approx(16.09344)
    with pytest.raises(frontier.Error, match="hex:10km"):
        frontier.hotspots(EVENTS, by="hex:ten")


def test_trend_chart_is_the_command_lines_chart(tmp_path):
    """``trend_chart`` draws what ``trend --chart`` draws: the same PNG,
    from a path (credited by its name) and from a frame with that credit;
    groups to draw by name, a name that is no group an Error listing them."""
    out = tmp_path / "cli.png"
    cli("trend", str(EVENTS), "--period", "quarter", "--by", "province", "--split", "2021-08-15", "--chart",
        str(out), "--chart-size", "1000x700", "-o", str(tmp_path / "t.csv"))
    m = frontier.trend_chart(EVENTS, period="quarter", by="province", split="2021-08-15", size=(1000, 700))
    assert m.png == out.read_bytes()
    frame = pd.read_csv(EVENTS)
    assert frontier.trend_chart(frame, period="quarter", by="province", split="2021-08-15", size="1000x700",
                                source="synthetic-events.csv").png == out.read_bytes()
    cli("trend", str(EVENTS), "--by", "province", "--chart", str(out), "--chart-groups",
        "Balochistan,Khyber Pakhtunkhwa", "--title", "Two provinces", "-o", str(tmp_path / "t.csv"))
    assert frontier.trend_chart(EVENTS, by="province", groups=["Balochistan", "Khyber Pakhtunkhwa"],
                                title="Two provinces").png == out.read_bytes()
    with pytest.raises(frontier.Error, match='no group "Atlantis".*Balochistan'):
        frontier.trend_chart(EVENTS, by="province", groups=["Atlantis"])
    with pytest.raises(frontier.Error, match="size="):
        frontier.trend_chart(EVENTS, size=(10, 10))
