"""The Python package against the command line (the same library must give
the same answers), against GeoPandas (an independent point-in-polygon), and
on bad input."""

import io
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frontier

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"


def cli(*args: str) -> pd.DataFrame:
    """Run the command line (FRONTIER_BIN, or the debug build) and read its CSV."""
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    out = subprocess.run([exe, *args], check=True, capture_output=True).stdout
    return pd.read_csv(io.BytesIO(out), keep_default_na=False, na_values=[""])


def cli_json(*args: str):
    """Run the command line with --format json and parse what it prints."""
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    out = subprocess.run([exe, *args, "--format", "json"], check=True, capture_output=True).stdout
    return json.loads(out)


def same_table(got: pd.DataFrame, rows: list, decimals: int = 4) -> None:
    """A frame against the command line's JSON rows: the same columns in the
    same order, text equal, numbers equal to the JSON's ``decimals``
    (summarize's JSON rounds to 4; the frame is at full precision)."""
    want = pd.DataFrame(rows)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for c in want.columns:
        g, w = got[c], want[c]
        if pd.api.types.is_numeric_dtype(g.dtype) and not pd.api.types.is_bool_dtype(g.dtype):
            w = pd.to_numeric(w)
            assert np.allclose(g.to_numpy(float), w.to_numpy(float), rtol=0, atol=0.6 * 10**-decimals,
                               equal_nan=True), c
        else:
            assert text(g) == text(w), c


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


def text(s: pd.Series) -> list:
    """Values as text, missing as None (categorical and CSV columns alike)."""
    return [None if pd.isna(v) else str(v) for v in s]


def test_locate_equals_the_command_line(events):
    got = frontier.locate(events)
    want = cli("locate", str(EVENTS))
    assert len(got) == len(events) == len(want)
    # The file has a country column of its own: the new one is
    # frontier_country, as on the command line; the input's is untouched.
    for col in ["frontier_country", "province", "district"]:
        assert text(got[col]) == text(want[col]), col
    # The input's columns are kept as they were.
    pd.testing.assert_frame_equal(got[events.columns], events)
    assert (got["frontier_country"] == "PAK").sum() > 1000


def test_locate_in_extra_layers_equals_the_command_line(events):
    got = frontier.locate(events, layers=["waziristan", "chaman"])
    want = cli("locate", str(EVENTS), "--in", "waziristan", "--in", "chaman")
    for col in ["waziristan", "chaman"]:
        assert text(got[col]) == text(want[col]), col
    assert got["waziristan"].notna().sum() > 10


def test_locate_from_a_path_equals_the_command_line_and_a_frame(events):
    # A path is located piece by piece as it is read (the file is more than
    # one piece long), a frame once it is in memory: the same answers, and the
    # same categories in the same order (so pd.concat keeps them).
    assert EVENTS.stat().st_size > 1 << 18
    layers = ["waziristan", "chaman"]
    by_path = frontier.locate(EVENTS, layers=layers)
    by_frame = frontier.locate(events, layers=layers)
    want = cli("locate", str(EVENTS), "--in", "waziristan", "--in", "chaman")
    assert len(by_path) == len(want) == len(events)
    for col in ["frontier_country", "province", "district", "waziristan", "chaman"]:
        assert text(by_path[col]) == text(want[col]), col
        assert list(by_path[col].cat.categories) == list(by_frame[col].cat.categories), col
    assert by_path["waziristan"].notna().sum() > 10


def test_locate_agrees_with_geopandas(events):
    gpd = pytest.importorskip("geopandas")
    pts = gpd.GeoDataFrame(events[["event_id_cnty"]], geometry=gpd.points_from_xy(events.longitude, events.latitude), crs=4326)
    districts = frontier.layer("districts", crs="EPSG:4326")
    assert len(districts) == 156
    joined = gpd.sjoin(pts, districts[["name", "geometry"]], predicate="intersects", how="left")
    # Points on exactly one district (or none): the one GeoPandas finds.
    once = joined.groupby(level=0).filter(lambda g: len(g) == 1)
    got = frontier.locate(events).loc[once.index, "district"]
    assert text(got) == text(once["name"])
    assert len(once) > 1900


def test_near_equals_the_command_line(events):
    got = frontier.near(events)
    want = cli("near", str(EVENTS), "--target", "durand-line")
    assert np.allclose(got["distance_km"], want["distance_km"], atol=0.0006, rtol=0)
    assert text(got["nearest_feature"]) == text(want["nearest_feature"])
    assert text(got["side"]) == text(want["side"])
    assert np.allclose(got["nearest_lon"], want["nearest_lon"], atol=1e-6)
    within = frontier.near(events, within_km=25)
    want25 = cli("near", str(EVENTS), "--target", "durand-line", "--within", "25km")
    assert list(within["event_id_cnty"]) == list(want25["event_id_cnty"])
    assert 0 < len(within) < len(events)


def test_nearest_equals_the_command_line(events):
    got = frontier.nearest(events, "crossings", k=2)
    want = cli("nearest", str(EVENTS), "--layer", "crossings", "-k", "2")
    for i in (1, 2):
        assert text(got[f"nearest_{i}"]) == text(want[f"nearest_{i}"])
        assert np.allclose(got[f"distance_{i}_km"], want[f"distance_{i}_km"], atol=0.0006, rtol=0)


def test_nearest_crossings_are_geodesic(events):
    """The crossings are points: each distance is one GeographicLib inverse
    problem (an independent oracle), and the nearer one comes first."""
    geodesic = pytest.importorskip("geographiclib.geodesic").Geodesic.WGS84
    crossings = frontier.layer("crossings")
    if not isinstance(crossings, dict):
        crossings = json.loads(crossings.to_json())
    where = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in crossings["features"]}
    sample = events.sample(300, random_state=1)
    got = frontier.nearest(sample, "crossings", k=2)
    for (_, row), (_, ans) in zip(sample.iterrows(), got.iterrows()):
        truth = sorted(
            (geodesic.Inverse(row.latitude, row.longitude, lat, lon)["s12"] / 1000.0, name)
            for name, (lon, lat) in where.items()
        )
        for i, (km, name) in enumerate(truth, start=1):
            assert ans[f"nearest_{i}"] == name
            assert abs(ans[f"distance_{i}_km"] - km) < 0.001, (row.event_id_cnty, i)


def test_near_the_durand_line_is_geodesic(events):
    """Distances to the Durand Line against GeographicLib alone: for each
    point, the geodesic distance to every vertex, then, on every segment
    that could hold a nearer point (its nearer end less its length is
    below the best so far), a golden-section search along the segment's
    geodesic (direct problem). An oracle independent of frontier's index."""
    geodesic = pytest.importorskip("geographiclib.geodesic").Geodesic.WGS84
    line = frontier.layer("durand-line")
    if not isinstance(line, dict):
        line = json.loads(line.to_json())
    vertices = line["features"][0]["geometry"]["coordinates"]
    segs = []
    for (lon1, lat1), (lon2, lat2) in zip(vertices, vertices[1:]):
        inv = geodesic.Inverse(lat1, lon1, lat2, lon2)
        segs.append((lat1, lon1, inv["azi1"], inv["s12"]))
    sample = events.sample(12, random_state=7)
    got = frontier.near(sample, "durand-line")

    def dist(lat, lon, la, lo):
        return geodesic.Inverse(lat, lon, la, lo)["s12"]

    for (_, row), (_, ans) in zip(sample.iterrows(), got.iterrows()):
        lat, lon = row.latitude, row.longitude
        to_vertex = [dist(lat, lon, la, lo) for lo, la in vertices]
        best = min(to_vertex)
        for i, (la1, lo1, azi, s12) in enumerate(segs):
            if min(to_vertex[i], to_vertex[i + 1]) - s12 > best:
                continue
            along = lambda s: dist(lat, lon, *(lambda d: (d["lat2"], d["lon2"]))(geodesic.Direct(la1, lo1, azi, s)))
            a, b = 0.0, s12
            g = (5 ** 0.5 - 1) / 2
            for _ in range(60):
                m1, m2 = b - g * (b - a), a + g * (b - a)
                if along(m1) < along(m2):
                    b = m2
                else:
                    a = m1
            best = min(best, along((a + b) / 2))
        assert abs(ans.distance_km * 1000 - best) < 1.0, (row.event_id_cnty, ans.distance_km, best)


@pytest.mark.parametrize("by", ["district", "province", "waziristan"])
def test_summarize_equals_the_command_line(events, by):
    got = frontier.summarize(events, by=by, value="fatalities", split="2021-08-15")
    want = cli_json("summarize", str(EVENTS), "--by", by, "--value", "fatalities", "--split", "2021-08-15")
    same_table(got, want)
    # Typed, at full precision: the rates are the counts over the census
    # population, computed here by pandas (the CSV and JSON round to 4
    # decimals; no text round trip rounds the frame).
    assert got["count"].dtype == np.int64
    assert got["per_100k"].dtype == np.float64
    rate = got["count"] / got["population_2023"] * 1e5
    assert np.array_equal(got["per_100k"].to_numpy(), rate.to_numpy(), equal_nan=True)
    assert (got["per_100k"].dropna() * 1e4 % 1 != 0).any(), "more than 4 decimals"


def test_summarize_agrees_with_geopandas(events):
    """Counts and fatalities per district against a GeoPandas spatial join
    and groupby, on the points that lie in exactly one district."""
    gpd = pytest.importorskip("geopandas")
    pts = gpd.GeoDataFrame(events[["fatalities"]], geometry=gpd.points_from_xy(events.longitude, events.latitude), crs=4326)
    districts = frontier.layer("districts", crs="EPSG:4326")
    joined = gpd.sjoin(pts, districts[["name", "geometry"]], predicate="intersects", how="inner")
    once = joined.groupby(level=0).filter(lambda g: len(g) == 1)
    assert len(once) > 1800
    want = once.groupby("name").agg(events=("fatalities", "size"), fatalities=("fatalities", "sum"))
    got = frontier.summarize(events.loc[once.index], by="district", value="fatalities").set_index("district")
    got = got[got["count"] > 0].drop(index="(outside)", errors="ignore")
    assert sorted(got.index) == sorted(want.index)
    for name, row in want.iterrows():
        assert got.loc[name, "count"] == row.events, name
        assert got.loc[name, "fatalities"] == row.fatalities, name


def test_summarize_by_precision(events):
    got = frontier.summarize(events, by="province", max_precision=1)
    want = cli_json("summarize", str(EVENTS), "--by", "province", "--max-precision", "1")
    same_table(got, want)
    assert got["left_out_imprecise"].sum() > 0


def test_summarize_date_window_with_timestamps(events):
    got = frontier.summarize(events, by="province", date_from=pd.Timestamp("2020-01-01"), date_to="2022-12-31")
    want = cli_json("summarize", str(EVENTS), "--by", "province", "--from", "2020-01-01", "--to", "2022-12-31")
    same_table(got, want)
    assert got.attrs["account"]["outside_window"] > 0
    # Real dates as datetime64 give the same table as the text dates.
    typed = events.assign(event_date=pd.to_datetime(events.event_date))
    again = frontier.summarize(typed, by="province", date_from="2020-01-01", date_to="2022-12-31")
    pd.testing.assert_frame_equal(again, got)


def test_a_bad_coordinate_names_the_row():
    df = pd.DataFrame({"lat": [33.0, np.nan, 31.0], "lon": [70.0, 69.0, 66.0]}, index=["x", "y", "z"])
    with pytest.raises(frontier.Error, match=r"row 'y' \(position 1\): lat: latitude is not a finite number"):
        frontier.locate(df)
    with pytest.raises(ValueError, match="out of range"):
        frontier.near(pd.DataFrame({"latitude": [95.0], "longitude": [70.0]}))
    with pytest.raises(frontier.Error, match="no coordinate columns"):
        frontier.locate(pd.DataFrame({"a": [1.0], "b": [2.0]}))
    with pytest.raises(frontier.Error, match=r"no column named \"fatalities\" for value="):
        frontier.summarize(pd.DataFrame({"lat": [33.0], "lon": [70.0]}), value="fatalities")
    with pytest.raises(frontier.Error, match=r'split="soon" is not a date'):
        frontier.summarize(pd.DataFrame({"lat": [33.0], "lon": [70.0], "date": ["2021-01-01"]}), split="soon")
    with pytest.raises(frontier.Error, match=r"row 1: lon: not a number"):
        frontier.locate(pd.DataFrame({"lat": [33.0, 34.0], "lon": ["70.1", "east"]}))


def test_arrow_and_geopandas_come_back_as_they_went(events):
    pa = pytest.importorskip("pyarrow")
    gpd = pytest.importorskip("geopandas")
    small = events.head(50)
    table = frontier.locate(pa.Table.from_pandas(small, preserve_index=False))
    assert isinstance(table, pa.Table)
    assert table.column("district").to_pylist() == text(frontier.locate(small)["district"])
    g = gpd.GeoDataFrame(small[["event_id_cnty"]], geometry=gpd.points_from_xy(small.longitude, small.latitude), crs=4326)
    out = frontier.near(g)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs.to_epsg() == 4326
    assert np.allclose(out["distance_km"], frontier.near(small)["distance_km"])
    with pytest.raises(frontier.Error, match="not WGS84"):
        frontier.locate(g.to_crs(32642))


def test_layers_are_listed_with_their_licence():
    names = frontier.layers()
    assert {"durand-line", "districts", "cpec", "crossings"} <= set(names["name"])
    assert (names["licence"] != "").all()
    assert "OpenStreetMap" in frontier.CREDIT


@pytest.fixture(scope="module")
def cluster():
    """A local dask cluster of two worker processes."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            yield client


def test_dask_equals_one_machine(events, cluster):
    dd = pytest.importorskip("dask.dataframe")
    import frontier.dask as fd

    ddf = dd.from_pandas(events, npartitions=5)
    # Summaries combine exactly: counts and sums add, rates come after.
    for by in ("district", "province"):
        one = frontier.summarize(events, by=by, value="fatalities", split="2021-08-15")
        many = fd.summarize(ddf, by=by, value="fatalities", split="2021-08-15")
        pd.testing.assert_frame_equal(many, one)
    located = fd.locate(ddf).compute()
    single = frontier.locate(events)
    for col in ("frontier_country", "province", "district"):
        assert text(located[col]) == text(single[col])
    near = fd.near(ddf, within_km=25).compute()
    assert list(near["event_id_cnty"]) == list(frontier.near(events, within_km=25)["event_id_cnty"])
    assert np.array_equal(near["distance_km"].to_numpy(), frontier.near(events, within_km=25)["distance_km"].to_numpy())
    k2 = fd.nearest(ddf, "crossings", k=2).compute()
    assert text(k2["nearest_2"]) == text(frontier.nearest(events, "crossings", k=2)["nearest_2"])


def test_render_draws_what_the_command_line_draws(events, tmp_path):
    table = frontier.summarize(events, by="district")
    m = frontier.render(choropleth=table, column="per_100k", extent="kp", size=(800, 600),
                        title="Events per 100,000 people", labels="districts")
    assert m.png[1:4] == b"PNG" and m._repr_png_() == m.png
    m.save(tmp_path / "saved.png")
    assert (tmp_path / "saved.png").read_bytes() == m.png
    assert [p.name for p in tmp_path.iterdir()] == ["saved.png"], "no temporary file left"
    csv = tmp_path / "table.csv"
    table.to_csv(csv, index=False)
    out = tmp_path / "cli.png"
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    subprocess.run([exe, "render", "--choropleth", str(csv), "--column", "per_100k", "--extent", "kp",
                    "--size", "800x600", "--title", "Events per 100,000 people", "--labels", "districts",
                    "-o", str(out)], check=True)
    assert m.png == out.read_bytes(), "the same map, byte for byte"
    pts = frontier.render(points=events.head(300), color_by="event_type", size_by="fatalities", size=(800, 600))
    assert len(pts.png) > 10_000
    # The same points drawn by the command line (they are labelled synthetic).
    sub = tmp_path / "pts.csv"
    events.head(300).to_csv(sub, index=False)
    subprocess.run([exe, "render", "--points", str(sub), "--color-by", "event_type", "--size-by", "fatalities",
                    "--size", "800x600", "-o", str(out)], check=True)
    assert pts.png == out.read_bytes()
    with pytest.raises(frontier.Error, match="palette"):
        frontier.render(choropleth=table, column="count", palette="rainbow")


def test_the_layer_measured_to_is_target_as_on_the_command_line(events):
    """``target=`` names the layer of ``near`` and ``nearest``, as
    ``--target``; the old ``to=`` and ``layer=`` still read; both at odds
    are an Error naming them."""
    head = events.head(300)
    want = frontier.near(head, target="cpec", within_km=100)
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    cli = pd.read_csv(io.BytesIO(subprocess.run([exe, "near", str(EVENTS), "--target", "cpec", "--within", "100"],
                                                check=True, capture_output=True).stdout))
    assert list(want["event_id_cnty"]) == [e for e in cli["event_id_cnty"] if e in set(head["event_id_cnty"])]
    pd.testing.assert_frame_equal(frontier.near(head, to="cpec", within_km=100), want)
    pd.testing.assert_frame_equal(frontier.near(head, "cpec", within_km=100), want)
    k2 = frontier.nearest(head, target="crossings", k=2)
    pd.testing.assert_frame_equal(frontier.nearest(head, layer="crossings", k=2), k2)
    pd.testing.assert_frame_equal(frontier.nearest(head, "crossings", k=2), k2)
    with pytest.raises(frontier.Error, match="target='cpec' and to='durand-line'"):
        frontier.near(head, target="cpec", to="durand-line")
    with pytest.raises(frontier.Error, match="target="):
        frontier.nearest(head)
