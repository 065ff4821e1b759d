"""Where a user's column name meets one of frontier's, in every command: the
command line, Python and Dask. The user's column keeps its name and its
values; frontier's gets ``frontier_`` in front (ignoring case; again when
``frontier_x`` is taken too); answers always read frontier's own column.
Each oracle is independent of the name rule: pandas on the input, or
frontier's answer on the same rows without the clashing column."""

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
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


def run(*args: str) -> bytes:
    return subprocess.run([EXE, *args], check=True, capture_output=True).stdout


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


@pytest.fixture(scope="module")
def plain(events) -> pd.DataFrame:
    """The events without any column frontier adds (``country`` dropped)."""
    return events.drop(columns=["country"])


# The three spellings of a clash: the same name, another case, and the
# name with frontier_ already taken as well.
SPELLINGS = ["{}", "{}".upper(), "frontier_{}"]


@pytest.mark.parametrize("spelling", ["same", "case", "prefixed"])
def test_near_within_reads_frontiers_distance(plain, spelling):
    """A frame with its own distance_km (here: nonsense, 0 everywhere) must
    not decide which rows are within 10 km."""
    df = plain.copy()
    if spelling == "same":
        df["distance_km"] = 0.0
    elif spelling == "case":
        df["DISTANCE_KM"] = 0.0
    else:
        df["distance_km"] = 0.0
        df["frontier_distance_km"] = 0.0
    truth = frontier.near(plain)  # no clash: distance_km is frontier's
    inside = truth[truth["distance_km"] <= 10]
    got = frontier.near(df, within_km=10)
    assert list(got.index) == list(inside.index)
    name = {"same": "frontier_distance_km", "case": "frontier_distance_km",
            "prefixed": "frontier_frontier_distance_km"}[spelling]
    assert np.array_equal(got[name].to_numpy(), inside["distance_km"].to_numpy())
    # The user's columns are untouched.
    for c in df.columns:
        assert got[c].equals(df.loc[inside.index, c]), c
    assert 0 < len(got) < len(df)


def test_dask_near_within_reads_frontiers_distance(plain):
    dd = pytest.importorskip("dask.dataframe")
    import frontier.dask as fd

    df = plain.assign(distance_km=0.0)
    got = fd.near(dd.from_pandas(df, npartitions=3), within_km=10).compute()
    truth = frontier.near(plain)
    assert list(got.index) == list(truth.index[truth["distance_km"] <= 10])


def test_summarize_value_named_count_keeps_both(plain):
    """``value="count"``: the sum of the user's count column and the number
    of points, each under its own name, in Python and on the command line
    (CSV, JSON, Markdown); per_100k is the points' rate, count_per_100k the
    values'."""
    rng = np.random.default_rng(3)
    df = plain.assign(count=rng.integers(0, 50, len(plain)))
    got = frontier.summarize(df, by="province", value="count")
    # The oracle: pandas on the districts frontier.locate gives (tested
    # against GeoPandas elsewhere), summed per province.
    located = frontier.locate(df)
    prov = located["province"].astype(object).fillna("(outside)")
    want = df.groupby(prov.to_numpy()).agg(n=("count", "size"), total=("count", "sum"))
    g = got.set_index("province")
    for name, row in want.iterrows():
        assert g.loc[name, "frontier_count"] == row.n, name
        assert g.loc[name, "count"] == row.total, name
    assert (g["count"] != g["frontier_count"]).any()
    kp = g.loc["Khyber Pakhtunkhwa"]
    assert kp["per_100k"] == pytest.approx(kp["frontier_count"] / kp["population_2023"] * 1e5, rel=1e-12)
    assert kp["count_per_100k"] == pytest.approx(kp["count"] / kp["population_2023"] * 1e5, rel=1e-12)
    # The command line, every table format.
    csv = ROOT / "target" / "names-count.csv"
    df.to_csv(csv, index=False)
    rows = json.loads(run("summarize", str(csv), "--by", "province", "--value", "count", "--format", "json"))
    assert list(rows[0]) == list(got.columns)
    assert [r["frontier_count"] for r in rows] == list(got["frontier_count"])
    assert [r["count"] for r in rows] == list(got["count"])
    table = pd.read_csv(io.BytesIO(run("summarize", str(csv), "--by", "province", "--value", "count")))
    assert list(table.columns) == list(got.columns)
    md = run("summarize", str(csv), "--by", "province", "--value", "count", "--format", "md").decode()
    header = [c.strip() for c in md.splitlines()[0].strip("|").split("|")]
    assert header == list(got.columns)


@pytest.mark.parametrize("value", ["COUNT", "frontier_count", "per_100k", "share", "province"])
def test_summarize_every_clash_is_two_columns(plain, value):
    """Whatever the value's name, no two columns share a name (ignoring
    case) and the points' count is always there."""
    df = plain.assign(**{value: 1.0})
    if value == "frontier_count":
        df = df.assign(count=2.0)
    got = frontier.summarize(df, by="province", value=value)
    lower = [c.lower() for c in got.columns]
    assert len(set(lower)) == len(lower), list(got.columns)
    n = len(df)
    counts = [c for c in got.columns if c.lower().endswith("count") and c != value]
    assert any(got[c].sum() == n for c in counts), list(got.columns)
    assert got[value].sum() == n  # the values' sum: 1 per point


def test_value_and_weight_the_same_column(plain):
    got = frontier.summarize(plain, by="province", value="fatalities", weight="fatalities")
    assert "fatalities" in got.columns and "weight_fatalities" in got.columns
    assert np.array_equal(got["fatalities"].to_numpy(), got["weight_fatalities"].to_numpy())
    assert got["fatalities"].sum() == plain["fatalities"].sum()


def test_locate_with_taken_names(plain):
    df = plain.assign(Country="mine", frontier_country="also mine", district=7)
    got = frontier.locate(df)
    truth = frontier.locate(plain)
    assert list(got["Country"].unique()) == ["mine"]
    assert list(got["frontier_country"].unique()) == ["also mine"]
    assert (got["district"] == 7).all()
    assert got["frontier_frontier_country"].astype(object).equals(truth["country"].astype(object))
    assert got["frontier_district"].astype(object).equals(truth["district"].astype(object))
    # The command line names them the same way.
    csv = ROOT / "target" / "names-locate.csv"
    df.to_csv(csv, index=False)
    cli = pd.read_csv(io.BytesIO(run("locate", str(csv))))
    assert list(cli.columns) == list(got.columns)


def test_nearest_with_taken_names(plain):
    df = plain.assign(nearest_1="mine", DISTANCE_1_KM=-1.0)
    got = frontier.nearest(df, "crossings", k=2)
    truth = frontier.nearest(plain, "crossings", k=2)
    assert (got["nearest_1"] == "mine").all() and (got["DISTANCE_1_KM"] == -1).all()
    assert np.array_equal(got["frontier_distance_1_km"].to_numpy(), truth["distance_1_km"].to_numpy())
    csv = ROOT / "target" / "names-nearest.csv"
    df.to_csv(csv, index=False)
    cli = pd.read_csv(io.BytesIO(run("nearest", str(csv), "--target", "crossings", "-k", "2")))
    assert list(cli.columns) == list(got.columns)


def test_trend_value_named_count(plain):
    df = plain.assign(count=2)
    got = frontier.trend(df, period="year", value="count")
    assert {"count", "frontier_count"} <= set(got.columns)
    years = pd.to_datetime(plain.event_date).dt.year
    per_year = years.value_counts().sort_index()
    g = got.set_index("period")
    for y, n in per_year.items():
        assert g.loc[str(y), "frontier_count"] == n
        assert g.loc[str(y), "count"] == 2 * n
    csv = ROOT / "target" / "names-trend.csv"
    df.to_csv(csv, index=False)
    rows = json.loads(run("trend", str(csv), "--period", "year", "--value", "count", "--format", "json"))
    assert list(rows[0]) == list(got.columns)


def test_trend_grouped_by_a_column_named_like_frontiers(plain):
    df = plain.assign(period=np.where(np.arange(len(plain)) % 2 == 0, "even", "odd"))
    got = frontier.trend(df, period="year", by="period")
    assert list(got.columns[:2]) == ["period", "frontier_period"]
    assert set(got["period"]) == {"even", "odd"}
    assert got.groupby("period")["count"].sum().to_dict() == {"even": (len(df) + 1) // 2, "odd": len(df) // 2}


def test_hotspots_value_named_like_frontiers(plain):
    df = plain.assign(gi_z=1.0)
    got = frontier.hotspots(df, by="province", value="gi_z", permutations=0)
    assert {"gi_z", "frontier_gi_z"} <= set(got.columns)
    located = frontier.locate(plain)
    per = located.groupby(located["province"].astype(object)).size()
    g = got.set_index("province")
    for name, n in per.items():
        assert g.loc[name, "gi_z"] == n


@pytest.mark.parametrize("name", ["category", "GI_Z", "period", "frontier_gi_class"])
def test_emerging_value_named_like_frontiers(plain, name, tmp_path):
    """A value column named like one of emerging's own columns (or a key of
    its series): both are kept, the user's under its name; the oracle is the
    same analysis with the value column under a name nobody uses."""
    df = plain.assign(**{name: plain["fatalities"]})
    got = frontier.emerging(df, by="province", period="year", value=name)
    want = frontier.emerging(plain, by="province", period="year", value="fatalities")
    assert len(got.columns) == len(set(c.lower() for c in got.columns)), list(got.columns)
    # The user's column holds the sums; frontier's own columns are all there.
    assert got[name].tolist() == want["fatalities"].tolist()
    for c in want.columns:
        if c in ("fatalities", "fatalities_trend_z", "fatalities_trend_p", "series"):
            continue
        ours = c if c.lower() != name.lower() else f"frontier_{c}"
        if ours.lower() == name.lower():
            ours = f"frontier_{ours}"
        assert got[ours].tolist() == want[c].tolist(), c
    first = got["series"][0][0]
    assert first[name] == want["series"][0][0]["fatalities"]
    assert len(first) == 5
    # The command line names them the same.
    csv = tmp_path / "emerging.csv"
    df.to_csv(csv, index=False)
    whole = json.loads(run("emerging", str(csv), "--by", "province", "--period", "year", "--value", name,
                           "--format", "json"))
    assert list(whole["rows"][0]) == list(got.columns)
