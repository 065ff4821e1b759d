"""GeoParquet between frontier and its peers: every file the command line
writes (locate, near, nearest, and the built-in layers) is read by GeoPandas
and by DuckDB with its spatial extension, with the geometry recognised; and
the files GeoPandas and DuckDB write are read by frontier, with the answers
of the CSV."""

import os
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "synthetic-events.csv"


def run(*args: str) -> bytes:
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    return subprocess.run([exe, *args], check=True, capture_output=True).stdout


def duckdb_spatial():
    """A DuckDB connection with the spatial extension from PyPI's
    duckdb-extension-spatial (no download at run time)."""
    duckdb = pytest.importorskip("duckdb")
    ext = pytest.importorskip("duckdb_extension_spatial")
    base = Path(ext.__file__).parent / "extensions"
    found = sorted(base.rglob("*.duckdb_extension"))
    assert found, f"no spatial extension under {base}"
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.load_extension(str(found[0]))
    return con


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    d = tmp_path_factory.mktemp("geoparquet")
    files = {}
    for name, args in {
        "locate": ["locate"],
        "near": ["near", "--target", "durand-line", "--within", "100km"],
        "nearest": ["nearest", "--target", "cpec", "-k", "2"],
    }.items():
        p = d / f"{name}.parquet"
        run(*args, str(EVENTS), "-o", str(p))
        files[name] = p
    for layer in ["districts", "provinces", "durand-line", "crossings", "cpec"]:
        p = d / f"layer-{layer}.parquet"
        run("layers", "show", layer, "--format", "geoparquet", "-o", str(p))
        files[layer] = p
    return files


def test_geopandas_reads_every_file(written):
    crs84 = pyproj.CRS("OGC:CRS84")
    for name, p in written.items():
        g = gpd.read_parquet(p)
        assert g.crs == crs84, name
        assert len(g) > 0 and g.geometry.notna().all(), name
    events = pd.read_csv(EVENTS)
    g = gpd.read_parquet(written["locate"])
    assert len(g) == len(events)
    assert np.array_equal(g.geometry.x.to_numpy(), events.longitude.to_numpy())
    assert np.array_equal(g.geometry.y.to_numpy(), events.latitude.to_numpy())
    assert g.fatalities.dtype == np.int64
    located = pd.read_csv(io_csv(run("locate", str(EVENTS))), keep_default_na=False)
    assert list(g.district.fillna("")) == list(located.district)
    near = gpd.read_parquet(written["near"])
    assert (near.distance_km <= 100).all()


def io_csv(b: bytes):
    import io

    return io.BytesIO(b)


def test_layers_match_their_geojson(written):
    for layer in ["districts", "durand-line", "crossings"]:
        from_json = gpd.read_file(io_csv(run("layers", "show", layer, "--format", "geojson")))
        # GeoJSON is OGC:CRS84 by definition (RFC 7946).
        from_json = from_json.set_crs("OGC:CRS84", allow_override=True)
        from_parquet = gpd.read_parquet(written[layer])
        assert list(from_parquet["name"]) == list(from_json["name"]), layer
        same = from_parquet.geometry.geom_equals_exact(from_json.geometry, tolerance=0)
        assert same.all(), layer
    # Whole numbers stay whole (GeoPandas shows them as float where some
    # districts have none).
    import pyarrow.parquet as pq

    assert str(pq.read_schema(written["districts"]).field("population_2023").type) == "int64"


def test_duckdb_reads_every_file(written):
    con = duckdb_spatial()
    for name, p in written.items():
        n, kind = con.sql(
            f"select count(*), any_value(typeof(geometry)) from read_parquet('{p}')"
        ).fetchone()
        assert n > 0 and kind.startswith("GEOMETRY"), (name, kind)
    events = pd.read_csv(EVENTS)
    xy = con.sql(
        f"select ST_X(geometry) as x, ST_Y(geometry) as y, district from read_parquet('{written['locate']}')"
    ).df()
    assert np.array_equal(xy.x.to_numpy(), events.longitude.to_numpy())
    assert np.array_equal(xy.y.to_numpy(), events.latitude.to_numpy())
    kinds = con.sql(
        f"select distinct ST_GeometryType(geometry)::varchar from read_parquet('{written['districts']}')"
    ).fetchall()
    assert kinds == [("MULTIPOLYGON",)]


def test_frontier_reads_what_the_peers_write(tmp_path):
    events = pd.read_csv(EVENTS)
    want = pd.read_csv(io_csv(run("locate", str(EVENTS))), keep_default_na=False)
    g = gpd.GeoDataFrame(
        events.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(events.longitude, events.latitude),
        crs="EPSG:4326",
    )
    g.to_parquet(tmp_path / "wkb.parquet")
    g.to_parquet(tmp_path / "geoarrow.parquet", geometry_encoding="geoarrow")
    con = duckdb_spatial()
    con.sql(
        f"copy (select event_id_cnty, ST_Point(longitude, latitude) as geom "
        f"from read_csv('{EVENTS}')) to '{tmp_path / 'duck.parquet'}' (format parquet)"
    )
    for name in ["wkb.parquet", "geoarrow.parquet", "duck.parquet"]:
        got = pd.read_csv(io_csv(run("locate", str(tmp_path / name))), keep_default_na=False)
        assert list(got.event_id_cnty) == list(want.event_id_cnty), name
        # The three columns locate adds come last (named country, or
        # frontier_country where the input has a country column).
        assert got.iloc[:, -3:].values.tolist() == want.iloc[:, -3:].values.tolist(), name
    # In another CRS: refused, naming it.
    g.to_crs(32642).to_parquet(tmp_path / "utm.parquet")
    exe = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "debug" / "frontier")
    r = subprocess.run([exe, "locate", str(tmp_path / "utm.parquet")], capture_output=True, text=True)
    assert r.returncode == 2 and "EPSG:32642" in r.stderr


def test_one_crs_for_layers_and_exports(written):
    """frontier.layer() and the command line's GeoParquet export name the
    same CRS, so GeoPandas joins them without a CRS-mismatch warning."""
    import warnings

    import frontier

    exported = gpd.read_parquet(written["districts"])
    layer = frontier.layer("districts")
    assert layer.crs == exported.crs == pyproj.CRS("OGC:CRS84")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        joined = gpd.sjoin(layer[["name", "geometry"]], exported[["name", "geometry"]], predicate="intersects")
    assert len(joined) >= len(layer)


def test_geo_metadata_where_every_peer_looks(written, tmp_path):
    """The `geo` metadata is in the Parquet footer (GDAL, DuckDB) and in the
    stored Arrow schema (pyarrow's read_schema, pyarrow.dataset,
    dask-geopandas), the same in both; each peer reads the points back."""
    import json

    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    for name, p in written.items():
        schema_geo = (pq.read_schema(p).metadata or {}).get(b"geo")
        assert schema_geo is not None, name
        footer = pq.ParquetFile(p).metadata.metadata
        assert json.loads(footer[b"geo"]) == json.loads(schema_geo), name
        assert json.loads(schema_geo)["primary_column"] == "geometry", name
        assert b"geo" in (ds.dataset(p).schema.metadata or {}), name
    events = pd.read_csv(EVENTS)
    dgpd = pytest.importorskip("dask_geopandas")
    d = dgpd.read_parquet(written["locate"]).compute()
    assert d.crs == pyproj.CRS("OGC:CRS84")
    assert np.array_equal(d.geometry.x.to_numpy(), events.longitude.to_numpy())
    # The layers' metadata (source, licence) is in the Arrow schema too.
    meta = pq.read_schema(written["districts"]).metadata
    assert b"frontier:licence" in meta


def gdal_parquet():
    """GDAL (PyPI's pyogrio bundles it) with a way into Parquet: its own
    Parquet driver where the build has one (PyPI's wheels have not: it
    needs Arrow C++), else its ADBC driver over DuckDB's ADBC entry point,
    which the duckdb wheel carries. Returns (pyogrio, prefix, open
    options)."""
    pyogrio = pytest.importorskip("pyogrio", reason="pyogrio (GDAL) not installed")
    drivers = pyogrio.list_drivers()
    if "Parquet" in drivers:
        return pyogrio, "", {}
    if "ADBC" not in drivers:
        pytest.skip(f"GDAL {pyogrio.__gdal_version_string__} has neither a Parquet nor an ADBC driver")
    duckdb = pytest.importorskip("duckdb")
    found = sorted(Path(duckdb.__file__).parent.parent.glob("_duckdb*.so"))
    if not found:
        pytest.skip("no DuckDB library (ADBC entry point) beside the duckdb package")
    return pyogrio, "ADBC:", {"ADBC_DRIVER": str(found[0])}


def test_gdal_reads_every_file(written, tmp_path):
    """GDAL reads each GeoParquet file frontier writes: the geometry (from
    the `geo` metadata: without it GDAL finds none), the CRS, the columns,
    the same points and polygons as GeoPandas."""
    import pyarrow.parquet as pq
    import shapely

    pyogrio, prefix, opts = gdal_parquet()
    crs84 = pyproj.CRS("OGC:CRS84")
    for name, p in written.items():
        g = pyogrio.read_dataframe(prefix + str(p), **opts)
        ref = gpd.read_parquet(p)
        assert len(g) == len(ref) > 0, name
        assert pyproj.CRS(g.crs) == crs84, name
        assert g.geometry.geom_type.tolist() == ref.geometry.geom_type.tolist(), name
        assert shapely.equals_exact(g.geometry.values, ref.geometry.values, tolerance=0).all(), name
        assert [c for c in g.columns if c != "geometry"] == [c for c in ref.columns if c != "geometry"], name
    events = pd.read_csv(EVENTS)
    g = pyogrio.read_dataframe(prefix + str(written["locate"]), **opts)
    assert np.array_equal(g.geometry.y.to_numpy(), events.latitude.to_numpy())
    assert list(g.event_id_cnty) == list(events.event_id_cnty)
    assert g.fatalities.dtype == np.int64
    # The same file without its `geo` metadata: GDAL sees no geometry.
    t = pq.read_table(written["locate"])
    bare = tmp_path / "bare.parquet"
    pq.write_table(t.replace_schema_metadata({}), bare)
    info = pyogrio.read_info(prefix + str(bare), **opts)
    assert info["geometry_type"] is None and "geometry" in list(info["fields"])
    assert pyogrio.read_info(prefix + str(written["locate"]), **opts)["geometry_type"] == "Point"


def test_dates_and_timestamps_stay_typed(tmp_path):
    """A GeoParquet file with a timestamp, a date and a zoned timestamp:
    the command line's GeoParquet output keeps each as a timestamp or date
    (GeoPandas, pyarrow and DuckDB read back the same instants and days),
    and frontier.read / frontier.locate give them as datetime64."""
    import datetime as dt

    import pyarrow.parquet as pq

    import frontier

    events = pd.read_csv(EVENTS).head(500)
    when = pd.to_datetime(events.event_date) + pd.to_timedelta(np.arange(len(events)) * 7919, unit="s")
    g = gpd.GeoDataFrame(
        {
            "event_id_cnty": events.event_id_cnty,
            "when": when.astype("datetime64[ms]"),
            "day": [d.date() for d in pd.to_datetime(events.event_date)],
            "at": when.dt.tz_localize("Asia/Karachi").astype("datetime64[us, Asia/Karachi]"),
        },
        geometry=gpd.points_from_xy(events.longitude, events.latitude),
        crs="EPSG:4326",
    )
    g.loc[3, "when"] = pd.NaT
    g.loc[4, "day"] = None
    src = tmp_path / "dated.parquet"
    g.to_parquet(src)
    assert str(pq.read_schema(src).field("day").type) == "date32[day]"
    out = tmp_path / "out.parquet"
    run("locate", str(src), "-o", str(out))

    schema = pq.read_schema(out)
    assert str(schema.field("when").type) == "timestamp[ms]"
    assert str(schema.field("day").type) == "date32[day]"
    assert str(schema.field("at").type) == "timestamp[us, tz=UTC]"
    back = gpd.read_parquet(out)
    assert back["when"].equals(g["when"])
    assert list(back["day"]) == list(g["day"])
    assert (back["at"] == g["at"]).all()  # the same instants, now named in UTC
    assert str(back["at"].dt.tz) == "UTC"
    assert list(back.district.fillna("")) == list(frontier.locate(g).district.astype(object).fillna(""))

    con = duckdb_spatial()
    types = con.sql(f"select typeof(\"when\"), typeof(day), typeof(\"at\") from read_parquet('{out}') limit 1").fetchone()
    assert types == ("TIMESTAMP", "DATE", "TIMESTAMP WITH TIME ZONE"), types

    # From Python: datetime64, not text; a date is midnight.
    for got in (frontier.read(src), frontier.locate(src)):
        assert str(got["when"].dtype) == "datetime64[ms]"
        assert got["when"].equals(g["when"].reset_index(drop=True))
        assert str(got["day"].dtype) == "datetime64[s]"
        assert got["day"].isna().tolist() == g["day"].isna().tolist()
        assert [None if pd.isna(d) else d.date() for d in got["day"]] == list(g["day"])
        assert str(got["at"].dtype) == "datetime64[us, UTC]"
        assert (got["at"] == g["at"]).all()
    assert frontier.read(src)["day"][0] == pd.Timestamp(dt.date.fromisoformat(events.event_date[0]))
