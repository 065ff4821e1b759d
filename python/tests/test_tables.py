"""trend and hotspots in Python: the same columns and numbers as the command
line's JSON (the statistics at full precision), the nested statistics as
attributes, the counts against pandas; and the same on a Dask cluster."""

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
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


def cli_json(*args: str):
    out = subprocess.run([EXE, *args, "--format", "json", "-q"], check=True, capture_output=True).stdout
    return json.loads(out)


def text(s) -> list:
    return [None if pd.isna(v) else str(v) for v in s]


def same_rows(got: pd.DataFrame, rows: list) -> None:
    """A frame against JSON rows: same columns, numbers exactly equal (the
    JSON of trend and hotspots holds every digit), text equal."""
    assert len(got) == len(rows)
    for c in got.columns:
        want = [r[c] for r in rows]
        g = got[c]
        if pd.api.types.is_numeric_dtype(g.dtype) and not pd.api.types.is_bool_dtype(g.dtype):
            w = np.array([np.nan if v is None else v for v in want], dtype=float)
            assert np.array_equal(g.to_numpy(float), w, equal_nan=True), c
        else:
            assert text(g) == [None if v is None else str(v) for v in want], c


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


@pytest.mark.parametrize("args", [
    dict(period="month"),
    dict(period="quarter", by="province", value="fatalities"),
    dict(period="year", by="event_type"),
])
def test_trend_equals_the_command_line(events, args):
    got = frontier.trend(events, **args)
    flags = ["--period", args["period"]]
    for k in ("by", "value"):
        if k in args:
            flags += [f"--{k}", args[k]]
    rows = cli_json("trend", str(EVENTS), *flags)
    assert list(got.columns) == list(rows[0])
    same_rows(got, rows)
    assert got["count"].dtype == np.int64


def test_trend_counts_against_pandas(events):
    got = frontier.trend(events, period="year")
    want = pd.to_datetime(events.event_date).dt.year.value_counts().sort_index()
    assert got.set_index("period")["count"].to_dict() == {str(y): n for y, n in want.items()}


def test_trend_split_keeps_the_tests_and_the_regression(events):
    got = frontier.trend(events, period="month", by="province", split="2021-08-15")
    rows = cli_json("trend", str(EVENTS), "--period", "month", "--by", "province", "--split", "2021-08-15")
    flat = [{k: v for k, v in r.items() if k not in ("its", "series")} for r in rows]
    assert list(got.columns) == list(flat[0])
    same_rows(got, flat)
    # The regression and the series: attributes, as in the JSON.
    for r in rows:
        assert got.attrs["its"][r["province"]] == r["its"]
        assert got.attrs["series"][r["province"]] == r["series"]
    kp = got.attrs["its"]["Khyber Pakhtunkhwa"]
    assert set(kp) >= {"level", "trend", "level_change", "trend_change", "scale"}
    assert kp["level_change"]["exp"] == pytest.approx(np.exp(kp["level_change"]["coef"]))
    # Events before and after, against pandas.
    d = pd.to_datetime(events.event_date)
    located = frontier.locate(events)
    kp_rows = located["province"] == "Khyber Pakhtunkhwa"
    g = got.set_index("province").loc["Khyber Pakhtunkhwa"]
    assert g["events_before"] == (kp_rows & (d < "2021-08-15")).sum()
    assert g["events_after"] == (kp_rows & (d >= "2021-08-15")).sum()


@pytest.mark.parametrize("args", [
    dict(by="district"),
    dict(by="province", weights="knn:3", value="fatalities"),
    dict(by="hex:50", split="2021-08-15", permutations=99),
])
def test_hotspots_equal_the_command_line(events, args):
    got = frontier.hotspots(events, **args)
    flags = []
    for k, v in args.items():
        flags += [f"--{k}", str(v)]
    whole = cli_json("hotspots", str(EVENTS), *flags)
    assert list(got.columns) == list(whole["rows"][0])
    same_rows(got, whole["rows"])
    for k in ("moran", "areas", "hex_km", "weights", "classes"):
        assert got.attrs[k] == whole[k], k


def test_hotspot_counts_against_pandas(events):
    got = frontier.hotspots(events, by="province", permutations=0)
    located = frontier.locate(events)
    want = located.groupby(located["province"].astype(object)).size()
    g = got.set_index("province")["count"]
    for name, n in want.items():
        assert g[name] == n, name
    assert set(got.attrs["moran"]) == {"i", "expected", "z", "p_value", "z_normal", "p_value_normal"}


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            yield client


def test_dask_trend_and_hotspots_equal_one_machine(events, cluster):
    dd = pytest.importorskip("dask.dataframe")
    import frontier.dask as fd

    ddf = dd.from_pandas(events, npartitions=4)
    one = frontier.trend(events, period="quarter", by="province", value="fatalities")
    many = fd.trend(ddf, period="quarter", by="province", value="fatalities")
    pd.testing.assert_frame_equal(many, one)
    one = frontier.hotspots(events, by="district", split="2021-08-15", permutations=99)
    many = fd.hotspots(ddf, by="district", split="2021-08-15", permutations=99)
    pd.testing.assert_frame_equal(many, one)
    assert many.attrs["moran"] == one.attrs["moran"]
    # skip_invalid on the workers, and an error on the workers caught as
    # frontier.Error on the client (it pickles as itself).
    bad = events.assign(latitude=events.latitude.where(events.index != 7, 95.0))
    dbad = dd.from_pandas(bad, npartitions=4)
    with pytest.raises(frontier.Error, match="row 7"):
        fd.locate(dbad).compute()
    located = fd.locate(dbad, skip_invalid=True).compute()
    assert len(located) == len(events) - 1 and 7 not in located.index
    s = fd.summarize(dbad, by="province", skip_invalid=True)
    assert s.attrs["account"]["rejected"] == 1


def test_trend_reads_the_old_spellings_as_the_command_line(events):
    """``period=`` is the period and ``by=`` the groups, as ``--period`` and
    ``--by`` (and as summarize's ``by=``); the old ``by="quarter"`` and
    ``group=`` still give the same table, the first with a FutureWarning,
    as the command line reads ``--by quarter --group province``; the two
    spellings at odds are Errors."""
    new = frontier.trend(events, period="quarter", by="province")
    rows = cli_json("trend", str(EVENTS), "--by", "quarter", "--group", "province")
    same_rows(new, rows)
    with pytest.warns(FutureWarning, match="period='quarter'"):
        old = frontier.trend(events, by="quarter", group="province")
    pd.testing.assert_frame_equal(old, new)
    pd.testing.assert_frame_equal(frontier.trend(events, "quarter", group="province"), new)
    with pytest.raises(frontier.Error, match="give the groups once"):
        frontier.trend(events, by="district", group="province")
    with pytest.raises(frontier.Error, match="the period is period="):
        frontier.trend(events, period="month", by="year")


def same_rounded_rows(got: pd.DataFrame, rows: list) -> None:
    """A summary frame (full precision) against the command line's JSON
    rows (numbers rounded to 4 decimals)."""
    assert list(got.columns) == list(rows[0])
    assert len(got) == len(rows)
    for c in got.columns:
        want = [r[c] for r in rows]
        g = got[c]
        if pd.api.types.is_numeric_dtype(g.dtype) and not pd.api.types.is_bool_dtype(g.dtype):
            w = np.array([np.nan if v is None else v for v in want], dtype=float)
            assert np.allclose(g.to_numpy(float), w, rtol=0, atol=0.5e-4 + 1e-12, equal_nan=True), c
        else:
            assert text(g) == [None if v is None else str(v) for v in want], c


def test_summarize_distance_bands_and_a_joined_table_as_the_command_line(events, tmp_path):
    """``bands_km=``/``target=`` and ``join=``/``on=`` are ``--bands``,
    ``--target``, ``--join`` and ``--on``: the same table. The bands count
    each point once (their sum is the points within the last edge, as
    ``near`` finds them), and a joined table's figures are summed per
    group. The joined figures are synthetic, made here."""
    got = frontier.summarize(events, by="province", bands_km=[0, 10, 25, 50])
    same_rounded_rows(got, cli_json("summarize", str(EVENTS), "--by", "province", "--bands", "0,10,25,50"))
    assert [c for c in got.columns if c.startswith("band_")] == ["band_0_10km", "band_10_25km", "band_25_50km",
                                                                  "band_50km_plus"]
    within = len(frontier.near(events, within_km=50))
    assert int(got[["band_0_10km", "band_10_25km", "band_25_50km"]].to_numpy().sum()) == within
    assert int(got.filter(like="band_").to_numpy().sum()) == len(events)
    cpec = frontier.summarize(events, by="province", bands_km=[0, 5, 20], target="cpec")
    same_rounded_rows(cpec, cli_json("summarize", str(EVENTS), "--by", "province", "--bands", "0,5,20", "--target",
                                     "cpec"))
    for bad in ([10, 20], [0, 20, 10], "0,10", [0, float("nan")], [0, "10"]):
        with pytest.raises(frontier.Error, match="bands_km="):
            frontier.summarize(events, bands_km=bad)
    # A table of figures per district (synthetic), with a text column and a
    # name that matches no district.
    districts = frontier.summarize(events)["district"].tolist()[:6]
    table = pd.DataFrame({"district": districts + ["Nowhere"], "refugees": [100 * i + 7 for i in range(7)],
                          "remark": ["synthetic"] * 7})
    csv = tmp_path / "figures.csv"
    table.to_csv(csv, index=False)
    with pytest.warns(UserWarning) as said:
        joined = frontier.summarize(events, join=table, on="district")
    messages = " | ".join(str(w.message) for w in said)
    assert "remark" in messages and "Nowhere" in messages
    rows = cli_json("summarize", str(EVENTS), "--join", str(csv), "--on", "district")
    same_rounded_rows(joined, rows)
    assert "refugees" in joined.columns
    by_name = joined.set_index("district")["refugees"]
    for name, n in zip(districts, table.refugees):
        assert by_name[name] == n
    with pytest.warns(UserWarning):
        from_file = frontier.summarize(events, join=csv, on="district")
    pd.testing.assert_frame_equal(from_file, joined)
    with pytest.raises(frontier.Error, match="on="):
        frontier.summarize(events, join=table)
    with pytest.raises(frontier.Error, match="join="):
        frontier.summarize(events, on="district")


def test_dask_summarize_bands_join_and_geometry_equal_one_machine(events, cluster):
    """The options added to summarize (bands, a joined table) and to
    hotspots/emerging (the areas' polygons) give on a cluster what they
    give on one machine. The joined figures are synthetic, made here."""
    dd = pytest.importorskip("dask.dataframe")
    import frontier.dask as fd

    ddf = dd.from_pandas(events, npartitions=4)
    one = frontier.summarize(events, by="province", bands_km=[0, 10, 25, 50], target="durand-line")
    many = fd.summarize(ddf, by="province", bands_km=[0, 10, 25, 50], target="durand-line")
    pd.testing.assert_frame_equal(many, one)
    assert int(many.filter(like="band_").to_numpy().sum()) == len(events)
    districts = frontier.summarize(events)["district"].tolist()[:5]
    table = pd.DataFrame({"district": districts, "refugees": [100 * i + 3 for i in range(len(districts))]})
    one = frontier.summarize(events, join=table, on="district")
    many = fd.summarize(ddf, join=table, on="district")
    pd.testing.assert_frame_equal(many, one)
    one = frontier.hotspots(events, by="district", permutations=0, geometry=True)
    many = fd.hotspots(ddf, by="district", permutations=0, geometry=True)
    pd.testing.assert_frame_equal(pd.DataFrame(many.drop(columns="geometry")),
                                  pd.DataFrame(one.drop(columns="geometry")))
    assert many.geometry.geom_equals(one.geometry).all()
