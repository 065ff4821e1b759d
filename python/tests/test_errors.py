"""Errors and limits, Python-shaped: one exception type that pickles, rows
named by their index labels, the command line's limits (k, distances,
units, dates) as clear errors, bad rows left out and handed back with
``skip_invalid=True, rejects=True``, maps saved in the format their name
says, and no Rust panic reaching Python."""

import os
import pickle
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frontier

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS)


def test_error_is_frontiers_and_pickles():
    assert frontier.Error.__module__ == "frontier"
    assert frontier.Error.__name__ == "Error"
    assert issubclass(frontier.Error, ValueError)
    try:
        frontier.near(pd.DataFrame({"lat": [33.0], "lon": [70.0]}), within_km=-5)
    except frontier.Error as e:
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is frontier.Error and str(back) == str(e)
    else:
        pytest.fail("no error")


def test_messages_name_rows_as_written():
    df = pd.DataFrame({"lat": [33.0, 95.0], "lon": [70.0, 70.0]}, index=pd.Index([2235645, 2235646], dtype=np.int64))
    with pytest.raises(frontier.Error) as e:
        frontier.locate(df)
    msg = str(e.value)
    assert "row 2235646 (position 1)" in msg and "np.int64" not in msg
    gpd = pytest.importorskip("geopandas")
    g = gpd.GeoDataFrame({"a": [1, 2]}, geometry=gpd.points_from_xy([70.0, 70.0], [33.0, 95.0]), crs=4326)
    with pytest.raises(frontier.Error) as e:
        frontier.locate(g)
    assert "__frontier" not in str(e.value) and "row 1" in str(e.value) and "geometry" in str(e.value)


def test_a_string_of_layers_is_one_layer(events):
    one = frontier.locate(events.head(50), layers="waziristan")
    assert "waziristan" in one.columns and "w" not in one.columns


@pytest.mark.parametrize("k", [0, -1, 101, 10**9, 10**12, 2.5, "3"])
def test_k_is_bounded_as_on_the_command_line(events, k):
    with pytest.raises(frontier.Error, match="k="):
        frontier.nearest(events.head(10), "crossings", k=k)


@pytest.mark.parametrize("within", [-5, float("nan"), float("inf"), "25km", "25"])
def test_within_must_be_a_distance(events, within):
    with pytest.raises(frontier.Error, match="within_km="):
        frontier.near(events.head(10), within_km=within)
    with pytest.raises(frontier.Error, match="within_km="):
        frontier.nearest(events.head(10), "crossings", within_km=within)


def test_within_zero_is_a_distance(events):
    assert len(frontier.near(events.head(50), within_km=0)) == 0


def test_dates_that_do_not_parse_name_row_and_column():
    df = pd.DataFrame({"lat": [33.0, 34.0, 31.0], "lon": [70.0, 71.0, 66.0],
                       "event_date": ["2021-01-01", "someday", "2021-03-01"]}, index=["a", "b", "c"])
    with pytest.raises(frontier.Error, match=r"row 'b' \(position 1\): event_date: not a date: \"someday\""):
        frontier.summarize(df, split="2021-02-01")
    with pytest.raises(frontier.Error, match=r"row 'b'.*event_date"):
        frontier.trend(df, period="month")
    got, bad = frontier.summarize(df, by="province", split="2021-02-01", skip_invalid=True, rejects=True)
    assert list(bad.index) == ["b"] and bad["column"].tolist() == ["event_date"]
    assert got.attrs["account"] == {"rows_in": 3, "counted": 2, "rejected": 1, "outside_window": 0,
                                    "left_out_imprecise": 0}


def test_date_column_by_name():
    df = pd.DataFrame({"lat": [33.0, 34.0], "lon": [70.0, 71.0], "when": ["2021-01-01", "2021-03-01"]})
    got = frontier.summarize(df, by="province", split="2021-02-01", date="when")
    assert got["before"].sum() == 1 and got["after"].sum() == 1
    with pytest.raises(frontier.Error, match="date="):
        frontier.summarize(df, by="province", split="2021-02-01")


def test_skip_invalid_and_rejects_everywhere(events):
    df = events.head(300).copy()
    df.index = df.index + 1000
    df.loc[1005, "latitude"] = np.nan
    df.loc[1007, "longitude"] = 200.0
    df.loc[1009, "fatalities"] = np.nan
    bad_rows = [1005, 1007]
    for fn, kw in [(frontier.locate, {}), (frontier.near, {}), (frontier.nearest, {"layer": "cpec"})]:
        with pytest.raises(frontier.Error, match="row 1005"):
            fn(df, **kw)
        got, rej = fn(df, skip_invalid=True, rejects=True, **kw)
        assert list(rej.index) == bad_rows
        assert rej["column"].tolist() == ["latitude", "longitude"]
        assert len(got) == len(df) - 2 and 1005 not in got.index
        with pytest.warns(frontier.RejectedRowsWarning, match="2 rows"):
            fn(df, skip_invalid=True, **kw)
    got, rej = frontier.summarize(df, value="fatalities", skip_invalid=True, rejects=True)
    assert list(rej.index) == [1005, 1007, 1009]
    assert got.attrs["account"]["counted"] == len(df) - 3
    assert got["count"].sum() == len(df) - 3
    for fn in (frontier.trend, frontier.hotspots):
        kw = {"permutations": 0} if fn is frontier.hotspots else {}
        got, rej = fn(df, value="fatalities", skip_invalid=True, rejects=True, **kw)
        assert list(rej.index) == [1005, 1007, 1009], fn.__name__
    with pytest.raises(frontier.Error, match="skip_invalid"):
        frontier.locate(df, rejects=True)


def test_rejects_from_a_file_as_on_the_command_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,lat,lon\n1,33,70\n2,x,70\n3,34,71\n")
    got, rej = frontier.locate(path, skip_invalid=True, rejects=True)
    assert len(got) == 2 and rej["line"].tolist() == [3]
    out = tmp_path / "rejects.csv"
    subprocess.run([EXE, "locate", str(path), "--skip-invalid", "--rejects", str(out), "-q"], check=True,
                   capture_output=True)
    cli = pd.read_csv(out, dtype=str)
    assert cli["line"].astype(int).tolist() == rej["line"].tolist()
    assert cli["reason"].tolist() == rej["reason"].tolist()


def test_an_awkward_file_in_many_pieces_as_on_the_command_line(tmp_path):
    """A file long enough to be read in many pieces on every core, with a
    byte order mark, CRLF, semicolons, quoted fields holding the delimiter,
    quotes and line ends, empty cells, bad coordinates and short rows (made
    here, synthetic): the same rows kept in the same order with the same
    cells, and the same rejects, as the command line; rows in = rows out +
    rejected; in strict mode the command line's error."""
    rng = np.random.default_rng(11)
    rows = ["\ufeffid;latitude;longitude;note;n"]
    n = 0
    for i in range(30_000):
        lat, note, r = f"{rng.uniform(30, 35):.5f}", "plain", i % 997
        if r == 1:
            lat = "x"
        elif r == 2:
            lat = "95"
        elif r == 3:
            note = '"two\r\nlines; and ""quotes"""'
        elif r == 4:
            note = ""
        rows.append(f"E{i};{lat};{rng.uniform(66, 72):.4f};{note};{i if r != 6 else 'n/a'}")
        n += 1
        if r == 5:
            rows.append(f"S{i};33;70")  # a field short
            n += 1
    path = tmp_path / "awkward.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode())
    assert path.stat().st_size > 1_000_000
    got, rej = frontier.locate(path, skip_invalid=True, rejects=True)
    out, rejects = tmp_path / "out.csv", tmp_path / "rejects.csv"
    subprocess.run([EXE, "locate", str(path), "--skip-invalid", "--rejects", str(rejects), "-o", str(out), "-q"],
                   check=True, capture_output=True)
    cli = pd.read_csv(out, dtype=str, keep_default_na=False)
    cli_rej = pd.read_csv(rejects, sep=";", dtype=str, keep_default_na=False)
    assert len(got) + len(rej) == n
    assert len(got) == len(cli) and len(rej) == len(cli_rej) > 0
    assert got["id"].tolist() == cli["id"].tolist()
    assert got["note"].fillna("").tolist() == cli["note"].tolist()
    assert got["n"].tolist() == cli["n"].tolist()  # text: one cell is "n/a"
    assert got["district"].astype(object).fillna("").tolist() == cli["district"].tolist()
    assert rej["line"].tolist() == cli_rej["line"].astype(int).tolist()
    assert rej["reason"].tolist() == cli_rej["reason"].tolist()
    strict = subprocess.run([EXE, "locate", str(path), "-q"], capture_output=True, text=True)
    assert strict.returncode == 2
    with pytest.raises(frontier.Error) as e:
        frontier.read(path)
    assert str(e.value) in strict.stderr


def test_map_format_follows_the_extension(events, tmp_path):
    m = frontier.render(points=events.head(50), size=(400, 300), extent="kp")
    m.save(tmp_path / "m.png")
    m.save(tmp_path / "m.svg")
    m.save(tmp_path / "m.pdf")
    assert (tmp_path / "m.png").read_bytes()[1:4] == b"PNG"
    assert b"<svg" in (tmp_path / "m.svg").read_bytes()[:300]
    assert (tmp_path / "m.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(frontier.Error, match="name the file"):
        m.save(tmp_path / "m.gif")
    with pytest.raises(frontier.Error, match="the name says svg"):
        m.save(tmp_path / "x.svg", format="pdf")
    with pytest.raises(frontier.Error, match=str(tmp_path / "missing")):
        m.save(tmp_path / "missing" / "m.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pdf", "m.png", "m.svg"]


def test_print_sizes_are_the_command_lines(tmp_path):
    m = frontier.render(size="80x60mm", extent="kp", dpi=100)
    out = tmp_path / "cli.png"
    subprocess.run([EXE, "render", "--size", "80x60mm", "--dpi", "100", "--extent", "kp", "-o", str(out)],
                   check=True)
    assert m.png == out.read_bytes()
    with pytest.raises(frontier.Error, match="size="):
        frontier.render(size="10x10mm")
    with pytest.raises(frontier.Error, match="size="):
        frontier.render(size=(10, 10, 10))


def test_no_panic_reaches_python(events):
    """Inputs that once panicked or aborted in Rust: each is an Error (or an
    answer), never pyo3's PanicException (a BaseException)."""
    cases = [
        lambda: frontier.nearest(events.head(5), "crossings", k=10**9),
        lambda: frontier.locate(pd.DataFrame({"lat": np.array([], float), "lon": np.array([], float)})),
        lambda: frontier.summarize(events.head(5), by="no-such-layer"),
        lambda: frontier.hotspots(events.head(5), by="hex:0"),
        lambda: frontier.hotspots(events.head(5), weights="knn:0"),
        lambda: frontier.trend(events.head(5), period="fortnight"),
        lambda: frontier.render(extent="bbox:1,2"),
        lambda: frontier.near(pd.DataFrame({"lat": [np.inf], "lon": [70.0]})),
    ]
    for case in cases:
        try:
            case()
        except frontier.Error:
            pass
        except BaseException as e:  # noqa: BLE001
            pytest.fail(f"{type(e).__name__}: {e}")


def test_render_extent_and_classes_are_the_command_lines(events, tmp_path):
    """``extent=`` and ``classes=`` draw what ``--extent`` and ``--classes``
    draw; bad ones are ``frontier.Error``s naming the keyword (the library's
    Extent and Classes settings, as Python words them), never a panic."""
    table = frontier.summarize(events)
    csv = tmp_path / "table.csv"
    table.to_csv(csv, index=False)
    for extent, flag, classes in [("waziristan", "waziristan", 4), ((69.0, 32.0, 71.5, 34.5), "bbox:69,32,71.5,34.5", 7),
                                  ("bbox:69,32,71.5,34.5", "bbox:69,32,71.5,34.5", 2)]:
        m = frontier.render(choropleth=table, column="count", extent=extent, classes=classes, size=(500, 400))
        out = tmp_path / "cli.png"
        subprocess.run([EXE, "render", "--choropleth", str(csv), "--column", "count", "--extent", flag,
                        "--classes", str(classes), "--size", "500x400", "-o", str(out)], check=True)
        assert m.png == out.read_bytes(), (extent, classes)
    # A GeoDataFrame's total_bounds as the extent.
    import geopandas as gpd

    bounds = gpd.GeoSeries(gpd.points_from_xy([69.0, 71.5], [32.0, 34.5]), crs=4326).total_bounds
    assert frontier.render(extent=bounds, size=(300, 200)).png == frontier.render(
        extent="bbox:69,32,71.5,34.5", size=(300, 200)).png
    bad = [
        (dict(extent="nowhere-at-all"), "nowhere-at-all"),
        (dict(extent="bbox:1,2"), "extent="),
        (dict(extent="bbox:71,30,70,31"), "extent="),
        (dict(extent="bbox:nan,30,70,31"), "extent="),
        (dict(extent=(1, 2, 3)), "extent="),
        (dict(extent=(70, 30, float("inf"), 31)), "extent="),
        (dict(extent=("a", 30, 71, 31)), "extent="),
        (dict(extent=[]), "extent="),
        (dict(choropleth=table, column="count", classes=1), "classes="),
        (dict(choropleth=table, column="count", classes=10), "classes="),
        (dict(choropleth=table, column="count", classes=-1), "classes="),
        (dict(choropleth=table, column="count", classes=2.5), "classes="),
        (dict(choropleth=table, column="count", classes="5"), "classes="),
    ]
    for kwargs, message in bad:
        try:
            frontier.render(size=(300, 200), **kwargs)
        except frontier.Error as e:
            assert message in str(e), (kwargs, str(e))
        except BaseException as e:  # noqa: BLE001
            pytest.fail(f"{kwargs}: {type(e).__name__}: {e}")
        else:
            pytest.fail(f"{kwargs}: no error")


def test_render_leaves_out_no_point_silently(events, tmp_path):
    """A point that cannot be drawn is an Error naming its row, or, with
    ``skip_invalid=True``, left out with a warning: the map equals the
    command line's ``--skip-invalid`` map of the same rows. The legends'
    titles are the command line's ``--color-title``/``--legend-title``."""
    df = events.head(200).copy()
    df.loc[7, "latitude"] = 95.0
    with pytest.raises(frontier.Error, match=r"row 7 \(position 7\): latitude"):
        frontier.render(points=df, size=(400, 300))
    with pytest.warns(frontier.RejectedRowsWarning, match="1 row"):
        m = frontier.render(points=df, color_by="event_type", color_title="Kind of event", size=(400, 300),
                            skip_invalid=True)
    csv = tmp_path / "points.csv"
    df.to_csv(csv, index=False)
    out = tmp_path / "cli.png"
    subprocess.run([EXE, "render", "--points", str(csv), "--color-by", "event_type", "--color-title",
                    "Kind of event", "--size", "400x300", "--skip-invalid", "-o", str(out)], check=True)
    assert m.png == out.read_bytes()
    table = frontier.summarize(events)
    table.to_csv(tmp_path / "t.csv", index=False)
    m = frontier.render(choropleth=table, column="count", legend_title="Events", size=(400, 300))
    subprocess.run([EXE, "render", "--choropleth", str(tmp_path / "t.csv"), "--column", "count", "--legend-title",
                    "Events", "--size", "400x300", "-o", str(out)], check=True)
    assert m.png == out.read_bytes()
