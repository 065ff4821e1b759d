"""Every kind of input a Python user has: pandas, GeoPandas (and a plain
frame with a geometry column), pyarrow Tables and readers (GeoParquet read
by pyarrow: WKB with ``geo`` metadata, and GeoArrow points), GeoParquet and
CSV paths; the answer comes back in the input's type, equal to the answer
for the plain CSV (itself checked against the command line and GeoPandas
elsewhere)."""

import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frontier

gpd = pytest.importorskip("geopandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


def text(s) -> list:
    return [None if pd.isna(v) else str(v) for v in s]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


@pytest.fixture(scope="module")
def points(events):
    return gpd.GeoDataFrame(
        events.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(events.longitude, events.latitude),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def want(events) -> pd.DataFrame:
    return frontier.locate(events)


def test_geodataframe_in_and_out(points, want):
    got = frontier.locate(points)
    assert isinstance(got, gpd.GeoDataFrame) and got.crs == points.crs
    assert got.geometry.name == "geometry"
    assert text(got["district"]) == text(want["district"])
    assert got.index.equals(points.index)


def test_a_plain_frame_with_a_geometry_column(points, want):
    """A pandas DataFrame that merely has a geometry column (shapely
    points, or WKB bytes), once GeoPandas is imported."""
    plain = pd.DataFrame(points)
    assert not isinstance(plain, gpd.GeoDataFrame)
    got = frontier.locate(plain)
    assert type(got) is pd.DataFrame
    assert text(got["district"]) == text(want["district"])
    wkb = plain.assign(geometry=gpd.GeoSeries(plain["geometry"]).to_wkb().to_numpy())
    assert text(frontier.locate(wkb)["district"]) == text(want["district"])


def test_not_points_is_refused(points):
    poly = points.head(3).copy()
    poly.loc[poly.index[1], "geometry"] = poly.geometry.iloc[1].buffer(0.1)
    with pytest.raises(frontier.Error, match=r"row 1 \(position 1\): geometry: a Polygon, not a point"):
        frontier.locate(poly)
    with pytest.raises(frontier.Error, match="EPSG:32642"):
        frontier.locate(points.to_crs(32642))


def test_arrow_tables_and_readers(events, want):
    table = pa.Table.from_pandas(events, preserve_index=False)
    got = frontier.locate(table)
    assert isinstance(got, pa.Table)
    assert got.column("district").to_pylist() == text(want["district"])
    assert pa.types.is_dictionary(got.schema.field("district").type)
    # The input's columns are the same arrays (no copy, no conversion).
    assert got.column("event_id_cnty").chunks[0].buffers()[2].address == table.column("event_id_cnty").chunks[0].buffers()[2].address
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=500))
    assert frontier.locate(reader).column("district").to_pylist() == text(want["district"])
    near = frontier.near(table, within_km=25)
    assert near.num_rows == len(frontier.near(events, within_km=25))


def test_geoparquet_read_by_pyarrow_is_points(points, want, tmp_path):
    points.to_parquet(tmp_path / "wkb.parquet")
    points.to_parquet(tmp_path / "geoarrow.parquet", geometry_encoding="geoarrow")
    for name in ["wkb.parquet", "geoarrow.parquet"]:
        table = pq.read_table(tmp_path / name)
        got = frontier.locate(table)
        assert got.column("district").to_pylist() == text(want["district"]), name
        # And the path itself, read as the command line reads it.
        by_path = frontier.locate(tmp_path / name)
        assert text(by_path["district"]) == text(want["district"]), name
    with pytest.raises(frontier.Error, match="EPSG:32642"):
        points.to_crs(32642).to_parquet(tmp_path / "utm.parquet")
        frontier.locate(pq.read_table(tmp_path / "utm.parquet"))


def test_any_path_the_command_line_reads(events, want, tmp_path):
    got = frontier.locate(EVENTS)
    assert text(got["district"]) == text(want["district"])
    assert got["fatalities"].dtype == np.int64 and got["event_date"].dtype != np.int64
    semi = tmp_path / "semi.csv"
    events.to_csv(semi, sep=";", index=False)
    assert text(frontier.locate(str(semi))["district"]) == text(want["district"])
    geojson = tmp_path / "e.geojson"
    gpd.GeoDataFrame(events[["event_id_cnty"]], geometry=gpd.points_from_xy(events.longitude, events.latitude),
                     crs=4326).to_file(geojson, driver="GeoJSON")
    assert text(frontier.locate(geojson)["district"]) == text(want["district"])
    # Tables from a path equal the command line's, with the same account.
    t = frontier.summarize(EVENTS, by="province")
    assert t.attrs["account"]["rows_in"] == len(events)
    pd.testing.assert_frame_equal(t, frontier.summarize(events, by="province"))


def test_read_types_columns_as_the_command_line(events):
    got = frontier.read(EVENTS)
    assert len(got) == len(events)
    assert got["fatalities"].dtype == np.int64
    assert got["latitude"].dtype == np.float64
    assert np.array_equal(got["latitude"].to_numpy(), events["latitude"].to_numpy())
    assert text(got["event_id_cnty"]) == text(events["event_id_cnty"])


def test_read_types_every_column_as_the_command_lines_json(tmp_path):
    """A file read once, in pieces on every core, gives each column the kind
    the command line's JSON gives it (its own first pass over the file):
    columns whose first pieces are numbers and later ones are not, a whole
    number column with an empty cell late, booleans with an empty cell,
    text that looks like numbers (``007``); values equal to the JSON's, row
    for row."""
    import json

    n = 20_000  # more rows than one piece of input
    rng = np.random.default_rng(5)
    df = pd.DataFrame({
        "latitude": np.round(rng.uniform(30, 35, n), 5),
        "longitude": np.round(rng.uniform(66, 72, n), 5),
        "late_text": [str(i) if i < n - 7 else "n/a" for i in range(n)],
        "late_empty": [str(i) if i != n - 3 else "" for i in range(n)],
        "whole": rng.integers(-5, 5, n).astype(str),
        "number": [f"{x:.3f}" for x in rng.normal(size=n)],
        "flag": np.where(np.arange(n) == n - 5, "", np.where(rng.random(n) < 0.5, "true", "false")),
        "zeros": [f"{i:03d}" for i in range(n)],
        "words": rng.choice(["a", "b, with a comma", "", "c \"quoted\""], n),
    })
    path = tmp_path / "kinds.csv"
    df.to_csv(path, index=False)
    got = frontier.read(path)
    rows = json.loads(subprocess.run([EXE, "locate", str(path), "--format", "json"], check=True,
                                     capture_output=True).stdout)
    assert len(got) == len(rows) == n
    assert got["whole"].dtype == np.int64 or got["whole"].isna().any()
    assert got["late_empty"].dtype == np.float64 and np.isnan(got["late_empty"][n - 3])
    assert got["number"].dtype == np.float64
    assert got["flag"].dtype == "boolean"  # with a missing value
    for c in df.columns:
        want = [r[c] for r in rows]
        g = got[c].astype(object).where(got[c].notna(), None).tolist()
        if c == "flag":
            # JSON carries a CSV's booleans as their text.
            assert [{"true": True, "false": False}.get(w) for w in want] == g, c
        elif all(isinstance(w, str) or w is None for w in want):
            # Text: an empty cell is missing in the frame, "" in the JSON.
            assert [w or None for w in want] == g, c
        else:
            assert [None if w is None else w for w in want] == g, c


def test_index_and_dtypes_are_kept(events):
    df = events.head(200).copy()
    df.index = pd.Index(np.arange(5_000_000, 5_000_200), name="event")
    got = frontier.near(df, within_km=50)
    assert got.index.name == "event" and set(got.index) <= set(df.index)
    assert got["fatalities"].dtype == df["fatalities"].dtype
    assert isinstance(got["nearest_feature"].dtype, pd.CategoricalDtype)


def test_categories_are_the_same_for_every_answer(events):
    """Every answer's categoricals have all the values the column can take,
    sorted, so that two answers concatenate as categoricals."""
    a = frontier.locate(events.head(100))
    b = frontier.locate(events.tail(100))
    both = pd.concat([a, b])
    for c in ("frontier_country", "province", "district"):
        assert isinstance(both[c].dtype, pd.CategoricalDtype), c
        cats = list(a[c].cat.categories)
        assert cats == sorted(cats) and cats == list(b[c].cat.categories), c
    assert len(a["district"].cat.categories) == len(frontier.layer("districts"))
    n = pd.concat([frontier.near(events.head(50)), frontier.near(events.tail(50))])
    assert isinstance(n["side"].dtype, pd.CategoricalDtype)
    assert list(n["side"].cat.categories) == ["AFG", "PAK"]
