"""The point questions: ``locate``, ``near``, ``nearest`` (and ``read``)."""

from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, List, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._core import Error
from ._frames import Input, call, check_rejects, warn_rejects

#: Layers: one name, or several.
Layers = Union[str, Iterable[str]]


def _layers(layers: Layers) -> List[str]:
    """A string is one layer, not a sequence of one-letter names."""
    if isinstance(layers, str):
        return [layers]
    out = list(layers)
    for x in out:
        if not isinstance(x, str):
            raise Error(f"layers=: give layer names (str), not {type(x).__name__}")
    return out


def _within_m(within_km: Optional[float]) -> Optional[float]:
    """``within_km`` checked as the command line checks ``--within``."""
    if within_km is None:
        return None
    if isinstance(within_km, (str, bytes)):
        raise Error(
            f"within_km={within_km!r}: give a number of kilometres (e.g. within_km=25), not text"
        )
    if isinstance(within_km, bool) or not isinstance(within_km, numbers.Real):
        raise Error(f"within_km={within_km!r}: give a number of kilometres")
    km = float(within_km)
    if not math.isfinite(km) or km < 0:
        raise Error(f"within_km={within_km!r}: a distance must be a finite number 0 or more")
    return km * 1000.0


def _k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise Error(f"k={k!r}: give a whole number of nearest features, 1 to {_core.MAX_K}")
    if not 1 <= int(k) <= _core.MAX_K:
        raise Error(f"k={k}: give 1 to {_core.MAX_K} nearest features (as the command line's -k)")
    return int(k)


def _result(inp: Input, out: Any, rejects: List[Any], want_rejects: bool) -> Any:
    out = inp.finish(out)
    n = len(rejects) + len(inp.file_rejects)
    if want_rejects:
        return out, inp.rejected(rejects)
    warn_rejects(n)
    return out


def read(path: str, lat: Optional[str] = None, lon: Optional[str] = None, skip_invalid: bool = False,
         rejects: bool = False) -> Any:
    """Read a point file as the command line reads it.

    Parameters
    ----------
    path : str or os.PathLike
        CSV (plain, ACLED, UCDP GED; any delimiter), GeoJSON points or
        (Geo)Parquet.
    lat, lon : str, optional
        The coordinate columns (default: found by name, as on the command
        line: ``latitude``/``longitude``, ``lat``/``lon``, ...).
    skip_invalid : bool
        Leave out rows that cannot be read instead of raising :class:`Error`.
    rejects : bool
        Also return the rows left out (needs ``skip_invalid=True``).

    Returns
    -------
    pandas.DataFrame
        The file's columns, typed as the command line types them for JSON
        output (whole numbers as int64, numbers as float64, text as str);
        with ``rejects=True``, a tuple of it and the rejected rows
        (``line``, ``column``, ``reason`` and the row's text).
    """
    check_rejects(skip_invalid, rejects)
    inp = Input(path, lat, lon, skip_invalid)
    return _result(inp, inp.df, [], rejects)


def locate(data: Any, lat: Optional[str] = None, lon: Optional[str] = None, layers: Layers = (),
           skip_invalid: bool = False, rejects: bool = False) -> Any:
    """Country, province and district of each point.

    Appends ``country`` (ISO3), ``province`` and ``district`` to each row,
    and one column per extra polygon layer (the feature holding the point),
    as ``frontier locate`` does. A name the input already has (ignoring
    case) gets ``frontier_`` in front.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points: latitude/longitude columns, found by name as on the
        command line, or point geometries in WGS84.
    lat, lon : str, optional
        The coordinate columns, when their names are not recognised.
    layers : str or iterable of str
        Extra polygon layers (built-in names or GeoJSON paths).
    skip_invalid : bool
        Leave out rows whose coordinates cannot be used instead of raising
        :class:`Error` (as ``--skip-invalid``).
    rejects : bool
        Also return the rows left out (as ``--rejects``).

    Returns
    -------
    same type as ``data``
        The input's rows with the new columns as categoricals (NaN at sea,
        and outside Pakistan for province and district); a path gives a
        DataFrame. With ``rejects=True``, a tuple of it and the rejected rows
        (``column``, ``reason``, then the row).
    """
    check_rejects(skip_invalid, rejects)
    extra = _layers(layers)
    inp = Input(data, lat, lon, skip_invalid, locate=extra)
    if inp.located is not None:
        # A file: its points were located as it was read.
        cols, kept, rej = inp.located, None, []
    else:
        cols, kept, rej = call(inp, _core.locate, inp.names, inp.lat_name, inp.lon_name, inp.lat, inp.lon, extra,
                               skip_invalid)
    out = inp.base(kept if rej else None)
    names = inp.added([c for c, _ in cols])
    for name, (_, values) in zip(names, cols):
        out = inp.put(out, name, values)
    return _result(inp, out, rej, rejects)


def _target(target: Optional[str], old: Optional[str], old_name: str, default: Optional[str] = None) -> str:
    """The layer a distance is measured to: ``target=`` (the command line's
    ``--target``), or its old spelling; both, at odds, are an Error."""
    if old is not None:
        if target is not None and target != old:
            raise Error(f"target={target!r} and {old_name}={old!r}: give the layer once, with target=")
        target = old
    if target is None:
        if default is None:
            raise Error("target=: give the layer to measure to (a built-in name such as 'crossings', or a GeoJSON path)")
        target = default
    if not isinstance(target, str):
        raise Error(f"target={target!r}: give a layer's name or a GeoJSON path as text")
    return target


def nearest(data: Any, target: Optional[str] = None, k: int = 1, lat: Optional[str] = None, lon: Optional[str] = None,
            within_km: Optional[float] = None, skip_invalid: bool = False, rejects: bool = False,
            layer: Optional[str] = None) -> Any:
    """The ``k`` nearest features of a layer to each point.

    As ``frontier nearest``: for rank ``i`` (from 1), ``nearest_i`` (the
    feature) and ``distance_i_km`` (geodesic kilometres on WGS84).

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points.
    target : str
        A built-in layer's name or a GeoJSON path (``--target``).
    k : int
        How many nearest features, 1 to 100 (as ``-k``).
    lat, lon : str, optional
        The coordinate columns, when their names are not recognised.
    within_km : float, optional
        Only features within this many kilometres (NaN beyond).
    skip_invalid, rejects : bool
        As for :func:`locate`.
    layer : str, optional
        The old spelling of ``target=``.

    Returns
    -------
    same type as ``data``
        The input's rows with ``2 * k`` columns appended (NaN where fewer
        than ``k`` features are within reach).
    """
    check_rejects(skip_invalid, rejects)
    target = _target(target, layer, "layer")
    k = _k(k)
    within_m = _within_m(within_km)
    inp = Input(data, lat, lon, skip_invalid)
    ranks, _, kept, rej = call(inp, _core.nearest, inp.names, inp.lat_name, inp.lon_name, inp.lat, inp.lon, target,
                               k, within_m, skip_invalid, "target=")
    out = inp.base(kept if rej else None)
    names = inp.added([n for i in range(1, k + 1) for n in (f"nearest_{i}", f"distance_{i}_km")])
    for i, (dist, feature, _, _) in enumerate(ranks):
        out = inp.put(out, names[2 * i], feature)
        out = inp.put(out, names[2 * i + 1], dist)
    return _result(inp, out, rej, rejects)


def near(data: Any, target: Optional[str] = None, within_km: Optional[float] = None, lat: Optional[str] = None,
         lon: Optional[str] = None, skip_invalid: bool = False, rejects: bool = False, to: Optional[str] = None) -> Any:
    """The geodesic distance from each point to the nearest feature of a layer.

    As ``frontier near``: appends ``distance_km``, ``nearest_feature``,
    ``nearest_lon``, ``nearest_lat`` and, for the Durand Line, ``side``
    (``PAK`` or ``AFG``); with ``within_km``, only the rows within that
    distance are kept. A name the input already has (ignoring case) gets
    ``frontier_`` in front: the filter always reads frontier's distance.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points.
    target : str
        A built-in layer's name or a GeoJSON path (``--target``; default
        the Durand Line).
    within_km : float, optional
        Keep only rows within this many kilometres (a number, 0 or more).
    lat, lon : str, optional
        The coordinate columns, when their names are not recognised.
    skip_invalid, rejects : bool
        As for :func:`locate`.
    to : str, optional
        The old spelling of ``target=``.

    Returns
    -------
    same type as ``data``
        The rows kept, with the new columns.
    """
    check_rejects(skip_invalid, rejects)
    target = _target(target, to, "to", "durand-line")
    within_m = _within_m(within_km)
    inp = Input(data, lat, lon, skip_invalid)
    ranks, side, kept, rej = call(inp, _core.nearest, inp.names, inp.lat_name, inp.lon_name, inp.lat, inp.lon, target,
                                  1, within_m, skip_invalid, "target=")
    dist, feature, nlon, nlat = ranks[0]
    rows = kept if rej else None
    if within_m is not None:
        inside = ~np.isnan(dist)
        if not inside.all():
            rows = (kept if rej else np.arange(len(dist)))[inside]
            dist, nlon, nlat = dist[inside], nlon[inside], nlat[inside]
            feature = (feature[0][inside], feature[1])
            if side is not None:
                side = (side[0][inside], side[1])
    out = inp.base(rows)
    wanted = ["distance_km", "nearest_feature", "nearest_lon", "nearest_lat"] + (["side"] if side is not None else [])
    names = inp.added(wanted)
    for name, values in zip(names, [dist, feature, nlon, nlat] + ([side] if side is not None else [])):
        out = inp.put(out, name, values)
    return _result(inp, out, rej, rejects)


# For the dask module: the empty answer of each function on an empty frame.
def _empty_like(fn: Any, df: pd.DataFrame, **kw: Any) -> Any:
    return fn(df.iloc[:0], **kw)
