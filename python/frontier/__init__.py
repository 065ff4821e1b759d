"""frontier: map and query the Pakistan–Afghanistan border region.

The same library the ``frontier`` command line runs, over pandas frames:
which country, province and district each point is in (:func:`locate`), how
far it is from the Durand Line or any layer (:func:`near`, :func:`nearest`),
and per-district summaries (:func:`summarize`). Distances are geodesic on
the WGS84 ellipsoid (GeographicLib, Karney 2013), in kilometres.

Frames go in and come back with columns appended; coordinates cross into
Rust as arrays, never one Python object per row. A pyarrow Table or a
GeoDataFrame of points is accepted too, and the result has the input's type.

The built-in layers carry their credit: © OpenStreetMap contributors (ODbL),
Pakistan Bureau of Statistics Census 2023.
"""

from __future__ import annotations

import io
import json
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._core import Error

__all__ = ["Error", "Map", "layer", "layers", "locate", "near", "nearest", "render", "summarize"]

#: Credit for the built-in layers, to print under a map or a table.
CREDIT = "© OpenStreetMap contributors (ODbL); Pakistan Bureau of Statistics, Census 2023"


class _Frame:
    """The caller's table as a pandas frame, and how to give it back."""

    def __init__(self, data):
        self.kind = "pandas"
        self.geometry = None
        if type(data).__module__.startswith("pyarrow"):
            self.kind = "arrow"
            df = data.to_pandas()
        elif hasattr(data, "geometry") and hasattr(data, "set_geometry"):
            self.kind = "geopandas"
            df = pd.DataFrame(data)
            self.geometry = data.geometry.name
            self.geoseries = data.geometry
            self.crs = data.crs
        elif isinstance(data, pd.DataFrame):
            df = data
        else:
            raise TypeError(
                f"expected a pandas DataFrame, a GeoDataFrame or a pyarrow Table, not {type(data).__name__}"
            )
        self.df = df

    def coordinates(self, lat: Optional[str], lon: Optional[str]) -> "_Points":
        """The coordinate arrays, and the column names to give Rust (with
        the coordinate columns named exactly)."""
        df = self.df
        columns = [str(c) for c in df.columns]
        if self.geometry is not None and lat is None and lon is None:
            if self.crs is not None and not (self.crs.equals("EPSG:4326") or self.crs.equals("OGC:CRS84")):
                raise Error(f"the GeoDataFrame is in {self.crs}, not WGS84 longitude/latitude (to_crs(4326) first)")
            geom = self.geoseries
            if len(geom) and not (geom.geom_type == "Point").all():
                raise Error("the GeoDataFrame's geometry must be points")
            return _Points(
                np.ascontiguousarray(geom.y, dtype="<f8"),
                np.ascontiguousarray(geom.x, dtype="<f8"),
                columns + ["__frontier_lat", "__frontier_lon"],
                "__frontier_lat",
                "__frontier_lon",
            )
        ilat, ilon, _, _ = _core.roles(columns, lat, lon)
        return _Points(
            _floats(df.iloc[:, ilat], columns[ilat]),
            _floats(df.iloc[:, ilon], columns[ilon]),
            columns,
            columns[ilat],
            columns[ilon],
        )

    def result(self, out: pd.DataFrame):
        if self.kind == "arrow":
            import pyarrow as pa

            return pa.Table.from_pandas(out, preserve_index=False)
        if self.kind == "geopandas":
            import geopandas as gpd

            return gpd.GeoDataFrame(out, geometry=self.geometry, crs=self.crs)
        return out


class _Points:
    """Coordinate arrays (little-endian float64) and the names Rust gets."""

    def __init__(self, lat, lon, columns, lat_name, lon_name):
        self.lat, self.lon = lat, lon
        self.columns, self.lat_name, self.lon_name = columns, lat_name, lon_name


def _add(out: pd.DataFrame, name: str, values) -> None:
    """Append a column, never over one of the input's: a name already taken
    (ignoring case) gets ``frontier_`` in front, as on the command line."""
    out[_core.added_name([str(c) for c in out.columns], name)] = values


def _floats(col: pd.Series, name: str) -> np.ndarray:
    """A column as little-endian float64 (text that is not a number is an error naming the row)."""
    try:
        return np.ascontiguousarray(col.to_numpy(dtype="<f8", na_value=np.nan))
    except (TypeError, ValueError):
        num = pd.to_numeric(col, errors="coerce")
        bad = num.isna() & col.notna()
        first = col.index[bad.to_numpy()][0]
        raise Error(f"row {first!r}: {name}: not a number: {col[first]!r}") from None


def _call(df: pd.DataFrame, fn, *args, **kwargs):
    """Call into Rust, naming a bad row by the frame's index."""
    try:
        return fn(*args, **kwargs)
    except _core.RowError as e:
        pos, column, reason = e.args
        raise Error(f"row {df.index[pos]!r} (position {pos}): {column}: {reason}") from None


def _categorical(codes: bytes, categories: Sequence[str], index) -> pd.Series:
    c = np.frombuffer(codes, dtype="<i4")
    return pd.Series(pd.Categorical.from_codes(c, categories=list(categories)), index=index)


def layers() -> pd.DataFrame:
    """The built-in layers: name, description and licence."""
    return pd.DataFrame(_core.layers(), columns=["name", "description", "licence"])


def layer(name: str):
    """A layer (built-in name or GeoJSON path) as a GeoDataFrame in WGS84,
    or as a GeoJSON dict when GeoPandas is not installed."""
    data = json.loads(_core.layer_geojson(name))
    try:
        import geopandas as gpd
    except ImportError:
        return data
    return gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")


def locate(data, lat: Optional[str] = None, lon: Optional[str] = None, layers: Iterable[str] = ()):
    """Append ``country`` (ISO3), ``province`` and ``district`` to each row,
    and one column per extra polygon layer (the feature holding the point).

    Columns are found by name as the command line finds them (``latitude``/
    ``longitude``, ``lat``/``lon``, ...) unless ``lat`` and ``lon`` name
    them. Values are the command line's; missing ones (at sea, outside
    Pakistan for province and district) are NaN. A missing or out-of-range
    coordinate raises :class:`Error` naming the row's index.
    """
    f = _Frame(data)
    p = f.coordinates(lat, lon)
    cols = _call(
        f.df,
        _core.locate,
        p.columns,
        p.lat_name,
        p.lon_name,
        p.lat.tobytes(),
        p.lon.tobytes(),
        list(layers),
    )
    out = f.df.copy()
    for name, codes, cats in cols:
        _add(out, name, _categorical(codes, cats, out.index))
    return f.result(out)


def nearest(data, layer: str, k: int = 1, lat: Optional[str] = None, lon: Optional[str] = None,
            within_km: Optional[float] = None):
    """The ``k`` nearest features of ``layer`` to each row, as the command
    line's ``nearest`` gives them: for rank ``i`` (from 1), ``nearest_i``
    (the feature) and ``distance_i_km`` (geodesic); NaN when fewer
    features lie within ``within_km``."""
    f = _Frame(data)
    p = f.coordinates(lat, lon)
    within_m = None if within_km is None else float(within_km) * 1000.0
    ranks, _ = _call(f.df, _core.nearest, p.lat.tobytes(), p.lon.tobytes(), layer, k, within_m, p.lat_name, p.lon_name)
    out = f.df.copy()
    for i, (dist, codes, cats, _, _) in enumerate(ranks, start=1):
        _add(out, f"nearest_{i}", _categorical(codes, cats, out.index))
        _add(out, f"distance_{i}_km", np.frombuffer(dist, dtype="<f8"))
    return f.result(out)


def near(data, to: str = "durand-line", within_km: Optional[float] = None,
         lat: Optional[str] = None, lon: Optional[str] = None):
    """Append ``distance_km`` (geodesic, to the nearest feature of ``to``),
    ``nearest_feature``, ``nearest_lon``, ``nearest_lat`` and, for the
    Durand Line, ``side`` (``PAK`` or ``AFG``). With ``within_km``, only the
    rows within that distance are kept."""
    f = _Frame(data)
    p = f.coordinates(lat, lon)
    within_m = None if within_km is None else float(within_km) * 1000.0
    ranks, side = _call(f.df, _core.nearest, p.lat.tobytes(), p.lon.tobytes(), to, 1, within_m, p.lat_name, p.lon_name)
    dist, codes, cats, nlon, nlat = ranks[0]
    out = f.df.copy()
    _add(out, "distance_km", np.frombuffer(dist, dtype="<f8"))
    _add(out, "nearest_feature", _categorical(codes, cats, out.index))
    _add(out, "nearest_lon", np.frombuffer(nlon, dtype="<f8"))
    _add(out, "nearest_lat", np.frombuffer(nlat, dtype="<f8"))
    if side is not None:
        _add(out, "side", _categorical(side[0], side[1], out.index))
    if within_km is not None:
        out = out[out["distance_km"].notna()]
    return f.result(out)


def _days(col: pd.Series) -> bytes:
    d = pd.to_datetime(col, errors="raise")
    days = d.to_numpy(dtype="datetime64[D]").astype("<i8")
    days[d.isna().to_numpy()] = np.iinfo(np.int64).min
    return days.tobytes()


def _summary_settings(by, value, weight, split, date_from, date_to, max_precision) -> dict:
    def iso(d, name):
        if d is None:
            return None
        try:
            return pd.Timestamp(d).date().isoformat()
        except (TypeError, ValueError):
            raise Error(f"{name}: not a date: {d!r}") from None

    return dict(by=by, value=value, weight=weight, split=iso(split, "split"),
                date_from=iso(date_from, "date_from"), date_to=iso(date_to, "date_to"),
                max_precision=max_precision)


def _tally(data, settings: dict, lat: Optional[str], lon: Optional[str]) -> str:
    """The additive tallies of a frame (JSON), for :func:`_finish`."""
    f = _Frame(data)
    p = f.coordinates(lat, lon)
    df = f.df
    columns = p.columns
    _, _, idate, iprec = _core.roles(columns, p.lat_name, p.lon_name)
    named = [c for c in (settings["value"], settings["weight"]) if c is not None]
    if iprec is not None:
        named.append(columns[iprec])
    numbers = [(c, _floats(df[c], c).tobytes()) for c in dict.fromkeys(named) if c in df.columns]
    dates = []
    if idate is not None and any(settings[k] is not None for k in ("split", "date_from", "date_to")):
        dates.append((columns[idate], _days(df.iloc[:, idate])))
    return _call(df, _core.tally, columns, p.lat_name, p.lon_name, p.lat.tobytes(), p.lon.tobytes(),
                 settings, numbers=numbers, dates=dates)


def _finish(parts, settings: dict) -> pd.DataFrame:
    text = _core.finish(list(parts), settings)
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def summarize(data, by: str = "district", value: Optional[str] = None, weight: Optional[str] = None,
              split=None, date_from=None, date_to=None, max_precision: Optional[int] = None,
              lat: Optional[str] = None, lon: Optional[str] = None) -> pd.DataFrame:
    """Per-group counts, sums, shares, rates per 100,000 people and per
    1,000 km² and before/after ``split``: the table ``frontier summarize``
    writes, one row per feature of ``by`` (``district``, ``province``, a
    layer) plus ``(outside)``. ``max_precision`` leaves out points whose
    location precision code (ACLED ``geo_precision``) is above it. Dates
    (``split``, ``date_from``, ``date_to``) are anything pandas reads as a
    date. ``value`` and ``weight`` name columns to sum."""
    settings = _summary_settings(by, value, weight, split, date_from, date_to, max_precision)
    return _finish([_tally(data, settings, lat, lon)], settings)


class Map:
    """A rendered map: PNG bytes (``.png``) that show themselves in Jupyter."""

    def __init__(self, png: bytes):
        self.png = png

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path) -> None:
        """Write the PNG to ``path``, whole or not at all (a temporary file
        beside it, renamed into place)."""
        import os
        import tempfile

        path = os.fspath(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.png)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def __repr__(self) -> str:
        return f"<frontier.Map: {len(self.png):,} bytes of PNG>"


def _points_csv(data, lat, lon, keep=()) -> str:
    """The coordinates (and the columns in ``keep``) as CSV for the map."""
    f = _Frame(data)
    p = f.coordinates(lat, lon)
    out = pd.DataFrame({"latitude": p.lat, "longitude": p.lon})
    for c in keep:
        if c is not None and c in f.df.columns:
            out[c] = f.df[c].to_numpy()
    return out.to_csv(index=False)


def render(points=None, color_by: Optional[str] = None, size_by: Optional[str] = None, density=None,
           bandwidth_km: float = 15.0, choropleth=None, column: Optional[str] = None, extent: str = "pakistan", size=(1600, 1200),
           title: Optional[str] = None, subtitle: Optional[str] = None, classes: int = 5,
           method: str = "quantile", palette: str = "ylorrd", labels: str = "none",
           layers: Iterable[str] = (), base_map: bool = True, source: Optional[str] = None,
           lat: Optional[str] = None, lon: Optional[str] = None) -> Map:
    """A thematic map, as ``frontier render`` draws it, returned as a
    :class:`Map` (PNG bytes that Jupyter shows).

    ``points`` (a frame) are drawn coloured by ``color_by`` and sized by
    ``size_by``; ``density`` (a frame) as a kernel density surface (a
    Gaussian of standard deviation ``bandwidth_km`` on the ground); ``choropleth``
    (a table from :func:`summarize`) colours its districts or provinces by
    ``column``. ``extent`` is a name (``pakistan``, ``kp``, ``waziristan``,
    ...) or ``bbox:minlon,minlat,maxlon,maxlat``; ``layers`` are built-in
    names or GeoJSON paths, each optionally with a style
    (``"cpec:color=#d95f02,width=3"``). ``source`` names the user's data
    in the map's source line (``Data: ...``); points whose ``source``
    column says ``synthetic`` on every row are credited as synthetic data.
    """
    kw = dict(
        width=int(size[0]), height=int(size[1]), extent=extent, title=title, subtitle=subtitle,
        classes=classes, method=method, palette=palette, labels=labels, layers=list(layers),
        base_map=base_map, source=source,
    )
    if points is not None:
        kw.update(points_csv=_points_csv(points, lat, lon, (color_by, size_by, "source")),
                  color_by=color_by, size_by=size_by)
    if density is not None:
        kw.update(density_csv=_points_csv(density, lat, lon, ("source",)), bandwidth_km=bandwidth_km)
    if choropleth is not None:
        table = choropleth if isinstance(choropleth, pd.DataFrame) else _Frame(choropleth).df
        kw.update(choropleth_csv=table.to_csv(index=False), column=column)
    return Map(_core.render(**kw))
