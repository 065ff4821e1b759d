"""knox and emerging in Python: the same columns and numbers as the command
line's JSON on the same SYNTHETIC events (tests/oracle/spacetime_synth.py),
from every kind of input (DataFrame, GeoDataFrame, Arrow, path), with the
command line's reading options (renamed columns, the window, bad rows and
their rejects), clear errors for bad settings, and the same on a Dask
cluster. The command line's own numbers are checked against R's
surveillance, pointpats, esda and pymannkendall in tests/spacetime.rs."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import frontier

ROOT = Path(__file__).resolve().parents[2]
NR = ROOT / "tests" / "fixtures" / "spacetime" / "synthetic-near-repeat.csv"
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


def cli_json(*args: str):
    out = subprocess.run([EXE, *args, "--format", "json", "-q"], check=True, capture_output=True).stdout
    return json.loads(out)


def same_rows(got: pd.DataFrame, rows: list) -> None:
    """A frame against the command line's JSON rows: the same columns in
    the same order, numbers equal to the last digit (the JSON writes every
    digit; whole floats as integers), text and nested values equal."""
    assert list(got.columns) == list(rows[0]), (list(got.columns), list(rows[0]))
    assert len(got) == len(rows)
    for c in got.columns:
        want = [r[c] for r in rows]
        g = got[c]
        if pd.api.types.is_numeric_dtype(g.dtype) and not pd.api.types.is_bool_dtype(g.dtype):
            w = np.array([np.nan if v is None else v for v in want], dtype=float)
            assert np.array_equal(g.to_numpy(float), w, equal_nan=True), c
        else:
            assert list(g) == want, c


@pytest.fixture(scope="module")
def nr() -> pd.DataFrame:
    return pd.read_csv(NR)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


KNOX = dict(space_km=2, time_days=14, permutations=49, seed=7)
KNOX_CLI = ["--space", "2km", "--time", "14d", "--permutations", "49", "--seed", "7"]


def test_knox_equals_the_command_line_from_every_input(nr):
    import geopandas as gpd

    rows = cli_json("knox", str(NR), *KNOX_CLI)
    gdf = gpd.GeoDataFrame(nr.drop(columns=["latitude", "longitude"]),
                           geometry=gpd.points_from_xy(nr.longitude, nr.latitude), crs="EPSG:4326")
    for data in (nr, gdf, pa.Table.from_pandas(nr), str(NR), NR):
        got = frontier.knox(data, **KNOX)
        same_rows(got, rows)
        assert got.attrs["test"] == "knox"
        assert got.attrs["account"]["counted"] == len(nr)
    # Whole numbers as int64, the rest float64: typed, never text.
    assert got["pairs_close_both"].dtype == np.int64
    assert got["p_sim"].dtype == np.float64
    # The permutation p-value: (1 + #{sim >= obs}) / (1 + permutations).
    assert got["p_sim"][0] * 50 == pytest.approx(round(got["p_sim"][0] * 50))


def test_knox_counts_against_brute_force(nr):
    """An independent count of the pairs close in space and time, by brute
    force over every pair with GeographicLib's geodesic distances, on a
    sample (pairs within a centimetre of the threshold are not counted on
    either side of it)."""
    from geographiclib.geodesic import Geodesic

    sample = nr.iloc[::12].reset_index(drop=True)
    got = frontier.knox(sample, space_km=5, time_days=14, permutations=0)
    days = pd.to_datetime(sample.event_date).to_numpy().astype("datetime64[D]").astype(np.int64)
    lat, lon = sample.latitude.to_numpy(), sample.longitude.to_numpy()
    close_space = close_time = both = 0
    g = Geodesic.WGS84
    for i in range(len(sample)):
        for j in range(i + 1, len(sample)):
            t = abs(days[i] - days[j]) <= 14
            d = g.Inverse(lat[i], lon[i], lat[j], lon[j], Geodesic.DISTANCE)["s12"]
            assert abs(d - 5000) > 0.01, "a pair on the threshold: choose another sample"
            s = d <= 5000
            close_space += s
            close_time += t
            both += s and t
    n = len(sample)
    assert got["events"][0] == n
    assert got["pairs"][0] == n * (n - 1) // 2
    assert (got["pairs_close_space"][0], got["pairs_close_time"][0], got["pairs_close_both"][0]) == (
        close_space, close_time, both)
    assert got["expected"][0] == pytest.approx(close_space * close_time / (n * (n - 1) // 2), rel=1e-12)
    assert np.isnan(got["p_sim"][0])


def test_near_repeat_bands_equal_the_command_line(nr):
    rows = cli_json("knox", str(NR), "--space-bands", "0,1,2,5km", "--time-bands", "0,7,14,30d",
                    "--permutations", "19", "--seed", "3")
    for data in (nr, str(NR)):
        got = frontier.knox(data, space_bands_km=[0, 1, 2, 5], time_bands_days=[0, 7, 14, 30], permutations=19,
                            seed=3)
        same_rows(got, rows)
        assert got.attrs["test"] == "bands"
    assert len(got) == 9
    assert got["space_to"].dtype == np.float64 and got["observed"].dtype == np.int64


def test_lead_lag_equals_the_command_line(nr):
    rows = cli_json("knox", str(NR), "--lead", "country=AFG", "--follow", "country=PAK", "--space", "25km",
                    "--time", "14d", "--permutations", "19")
    got = frontier.knox(nr, lead="country=AFG", follow="country=PAK", space_km=25, time_days=14, permutations=19)
    same_rows(got, rows)
    assert got.attrs["test"] == "lead-lag"
    assert list(got["direction"]) == [r["direction"] for r in rows]
    # A condition over a column of the points: the frame's column is read
    # (the fixture's own `side` column, not frontier's side of the line).
    rows = cli_json("knox", str(NR), "--lead", "column:side=AFG", "--follow", "column:side=PAK", "--space", "25km",
                    "--time", "14d", "--permutations", "0")
    for data in (nr, pa.Table.from_pandas(nr), str(NR)):
        got = frontier.knox(data, lead="column:side=AFG", follow="column:side=PAK", space_km=25, time_days=14,
                            permutations=0)
        same_rows(got, rows)


def test_renamed_columns_the_window_and_precision(nr):
    """``date=``, ``lat=``, ``lon=`` for columns named otherwise, and the
    window (``date_from``, ``date_to``, ``max_precision``) as on the command
    line."""
    rows = cli_json("knox", str(NR), *KNOX_CLI, "--from", "2021-03-01", "--to", "2022-06-30")
    renamed = nr.rename(columns={"event_date": "when", "latitude": "northing_deg", "longitude": "easting_deg"})
    got = frontier.knox(renamed, **KNOX, date="when", lat="northing_deg", lon="easting_deg",
                        date_from="2021-03-01", date_to=pd.Timestamp("2022-06-30"))
    same_rows(got, rows)
    assert got.attrs["account"]["outside_window"] > 0
    # Dates as datetime64 rather than text: the same.
    typed = nr.assign(event_date=pd.to_datetime(nr.event_date))
    same_rows(frontier.knox(typed, **KNOX, date_from="2021-03-01", date_to="2022-06-30"), rows)
    # A precision filter needs a precision column: named as on the command line.
    with pytest.raises(frontier.Error, match="precision"):
        frontier.knox(nr, **KNOX, max_precision=1)
    prec = nr.assign(geo_precision=np.where(np.arange(len(nr)) % 3 == 0, 3, 1))
    got = frontier.knox(prec, **KNOX, max_precision=2)
    assert got.attrs["account"]["left_out_imprecise"] == int((prec.geo_precision > 2).sum())


def test_bad_rows_are_rejected_as_on_the_command_line(nr, tmp_path):
    bad = nr.head(300).copy()
    bad["event_date"] = bad["event_date"].astype(object)
    bad.loc[5, "event_date"] = "not a date"
    bad.loc[9, "latitude"] = 123.0
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    # The first bad row stops a strict run, named as the user knows it.
    with pytest.raises(frontier.Error, match=r"row 9 \(position 9\): latitude"):
        frontier.knox(bad, **KNOX)
    with pytest.raises(frontier.Error, match="bad.csv: line 11: latitude"):
        frontier.knox(path, **KNOX)
    with pytest.raises(frontier.Error, match=r"row 5 \(position 5\): event_date: not a date"):
        frontier.knox(bad.drop(index=9), **KNOX)
    rej_csv = tmp_path / "rejects.csv"
    rows = cli_json("knox", str(path), *KNOX_CLI, "--skip-invalid", "--rejects", str(rej_csv))
    cli_rejects = pd.read_csv(rej_csv)
    for data in (bad, path):
        with pytest.warns(frontier.RejectedRowsWarning):
            frontier.knox(data, **KNOX, skip_invalid=True)
        got, rejected = frontier.knox(data, **KNOX, skip_invalid=True, rejects=True)
        same_rows(got, rows)
        acc = got.attrs["account"]
        assert acc["rows_in"] == len(bad) == acc["counted"] + acc["rejected"] + acc["outside_window"] + acc[
            "left_out_imprecise"]
        assert list(rejected["column"]) == list(cli_rejects["column"])
        assert sorted(rejected["column"]) == ["event_date", "latitude"]
    # From a frame, the rejected rows under their index labels, as they were.
    _, rejected = frontier.knox(bad, **KNOX, skip_invalid=True, rejects=True)
    assert sorted(rejected.index) == [5, 9]
    assert rejected.loc[9, "latitude"] == 123.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(space_km="2km", time_days=14), "not text"),
    (dict(space_km=-1, time_days=14), "0 or more"),
    (dict(space_km=float("nan"), time_days=14), "finite"),
    (dict(space_km=2, time_days=-1), "whole number of days"),
    (dict(space_km=2, time_days=1.5), "whole number of days"),
    (dict(space_km=2), "both space_km= and time_days="),
    (dict(space_km=5000, time_days=14), "1000 km"),
    (dict(space_bands_km=[0, 1, 2]), "go together"),
    (dict(space_bands_km="0,1,2km", time_bands_days=[0, 7]), "list of numbers"),
    (dict(space_bands_km=[0, 2, 1], time_bands_days=[0, 7]), "increase"),
    (dict(space_bands_km=[0, 1], time_bands_days=[0, 7], space_km=1), "leave out"),
    (dict(lead="country=AFG", space_km=2, time_days=14), "go together"),
    (dict(lead="country", follow="country=PAK", space_km=2, time_days=14), "FIELD=VALUE"),
    (dict(lead="country=AFG", follow="country=PAK", space_km=2, time_days=0), "1 or more days"),
    (dict(lead="nosuch=1", follow="country=PAK", space_km=2, time_days=3), "nosuch"),
    (dict(space_km=2, time_days=14, permutations=-1), "permutations"),
    (dict(space_km=2, time_days=14, date_from="2022-01-01", date_to="2021-01-01"), "2021-01-01"),
    (dict(space_km=2, time_days=14, date="nosuch"), "nosuch"),
])
def test_bad_settings_are_clear_errors(nr, kwargs, message):
    with pytest.raises(frontier.Error, match=message):
        frontier.knox(nr.head(50), **kwargs)


def test_a_table_without_dates_is_refused(nr):
    with pytest.raises(frontier.Error, match="date"):
        frontier.knox(nr.drop(columns=["event_date"]), **KNOX)


@pytest.mark.parametrize("args, cli", [
    (dict(), []),
    (dict(by="province", period="quarter", value="fatalities"),
     ["--by", "province", "--period", "quarter", "--value", "fatalities"]),
    (dict(by="hex:40", period="year", weights="knn:4", time_lags=2),
     ["--by", "hex:40", "--period", "year", "--weights", "knn:4", "--time-lags", "2"]),
])
def test_emerging_equals_the_command_line(events, args, cli):
    whole = cli_json("emerging", str(EVENTS), *cli)
    rows = whole.pop("rows")
    for data in (events, str(EVENTS)):
        got = frontier.emerging(data, **args)
        same_rows(got, rows)
        for k, v in whole.items():
            assert got.attrs[k] == v, k
        assert got.attrs["account"]["counted"] == len(events)
    # Each area's series, as the JSON has it, and counts that add up.
    measure = args.get("value", "count")
    first = pd.DataFrame(got["series"][0])
    assert list(first.columns) == ["period", measure, "gi_z", "gi_p", "class"]
    total = sum(sum(p[measure] for p in s) for s in got["series"])
    want = events[measure].sum() if measure != "count" else len(events)
    if str(args.get("by", "")).startswith("hex"):
        assert total == want  # the hexagons cover every point
    else:
        assert 0 < total <= want  # a point in no area is in no series
    assert set(got["category"]) <= {
        f"{w} {k} spot" for w in ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
                                  "oscillating", "historical") for k in ("hot", "cold")} | {"no pattern"}


def test_emerging_counts_against_pandas(events):
    """The cube's counts per province and year against pandas' own count of
    the command line's province for each point."""
    got = frontier.emerging(events, by="province", period="year")
    located = frontier.locate(events)
    years = pd.to_datetime(events.event_date).dt.year.astype(str)
    want = located.assign(year=years).groupby(["province", "year"], observed=True).size()
    for _, r in got.iterrows():
        for p in r["series"]:
            assert p["count"] == want.get((r["province"], p["period"]), 0), (r["province"], p["period"])


def test_emerging_bad_settings(events):
    for kwargs, message in [
        (dict(by="hex:-3"), "hex"),
        (dict(period="fortnight"), "fortnight"),
        (dict(weights="bishop"), "bishop"),
        (dict(time_lags=-1), "time_lags"),
        (dict(by="nosuch-layer"), "nosuch-layer"),
        (dict(value="nosuch"), "nosuch"),
        (dict(by=3), "by="),
    ]:
        with pytest.raises(frontier.Error, match=message):
            frontier.emerging(events, **kwargs)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            yield client


def test_dask_knox_and_emerging_equal_one_machine(nr, events, cluster):
    import dask.dataframe as dd

    import frontier.dask as fd

    ddf = dd.from_pandas(nr, npartitions=3)
    one = frontier.knox(nr, lead="column:side=AFG", follow="country=PAK", space_km=25, time_days=14,
                        permutations=9)
    many = fd.knox(ddf, lead="column:side=AFG", follow="country=PAK", space_km=25, time_days=14, permutations=9)
    pd.testing.assert_frame_equal(many, one)
    one = frontier.emerging(events, by="province", period="year")
    many = fd.emerging(dd.from_pandas(events, npartitions=4), by="province", period="year")
    pd.testing.assert_frame_equal(many, one)
    assert many.attrs == one.attrs
