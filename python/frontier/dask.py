"""frontier on dask DataFrames, for data larger than one machine.

The functions take a ``dask.dataframe.DataFrame`` and run frontier on each
partition, on whatever cluster the current ``dask.distributed`` client
points at (or dask's local scheduler without one); frontier must be
installed on every worker.

- :func:`locate`, :func:`near`, :func:`nearest` are lazy: they return a dask
  DataFrame with the same columns as the single-machine functions (text
  columns as categoricals whose categories differ by partition).
- :func:`summarize` computes: each partition is tallied where it lies
  (counts and sums per group, a few kilobytes), the tallies are brought
  together and added, and the rates are worked out only after that, so the
  table equals the one :func:`frontier.summarize` gives for the whole frame.
- :func:`trend`, :func:`hotspots`, :func:`knox` and :func:`emerging`
  compute: the columns they read (the coordinates, the date, the value, the
  precision code, the grouping column or the lead and follow conditions'
  columns; a few numbers per row) are brought to the client and analysed
  there, so the answer equals the single-machine function's on the whole
  frame (a space-time test needs every pair of events at once).

``skip_invalid=True`` works as on one machine; ``rejects=True`` is not
offered (a partition's rows are known by their index labels only where
they lie): run :func:`frontier.summarize` on the partitions you suspect.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Sequence, Union

import pandas as pd

import frontier as _f

from . import _core, _points, _tables
from ._frames import find

__all__ = ["emerging", "hotspots", "knox", "locate", "near", "nearest", "summarize", "trend"]


def _meta(fn: Any, ddf: Any, **kw: Any) -> Any:
    """The result's empty frame: ``fn`` run on the input's, with categories
    left unknown (they differ by partition)."""
    import dask.dataframe as dd

    meta = fn(ddf._meta, **kw)
    return dd.utils.clear_known_categories(meta)


def _apply(fn: Any, ddf: Any, **kw: Any) -> Any:
    import warnings

    def run(df: pd.DataFrame, **k: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", _f.RejectedRowsWarning)
            return fn(df, **k)

    return ddf.map_partitions(run, meta=_meta(fn, ddf, **kw), **kw)


def locate(ddf: Any, lat: Optional[str] = None, lon: Optional[str] = None,
           layers: Union[str, Iterable[str]] = (), skip_invalid: bool = False) -> Any:
    """:func:`frontier.locate` on every partition (lazy)."""
    return _apply(_f.locate, ddf, lat=lat, lon=lon, layers=[layers] if isinstance(layers, str) else tuple(layers),
                  skip_invalid=skip_invalid)


def near(ddf: Any, target: Optional[str] = None, within_km: Optional[float] = None, lat: Optional[str] = None,
         lon: Optional[str] = None, skip_invalid: bool = False, to: Optional[str] = None) -> Any:
    """:func:`frontier.near` on every partition (lazy)."""
    target = _points._target(target, to, "to", "durand-line")
    return _apply(_f.near, ddf, target=target, within_km=within_km, lat=lat, lon=lon, skip_invalid=skip_invalid)


def nearest(ddf: Any, target: Optional[str] = None, k: int = 1, within_km: Optional[float] = None,
             lat: Optional[str] = None, lon: Optional[str] = None, skip_invalid: bool = False,
             layer: Optional[str] = None) -> Any:
    """:func:`frontier.nearest` on every partition (lazy)."""
    target = _points._target(target, layer, "layer")
    return _apply(_f.nearest, ddf, target=target, k=k, within_km=within_km, lat=lat, lon=lon,
                  skip_invalid=skip_invalid)


def summarize(ddf: Any, by: str = "district", value: Optional[str] = None, weight: Optional[str] = None,
              split: Any = None, date_from: Any = None, date_to: Any = None, max_precision: Optional[int] = None,
              lat: Optional[str] = None, lon: Optional[str] = None, date: Optional[str] = None,
              skip_invalid: bool = False, bands_km: Optional[Sequence[float]] = None, target: str = "durand-line",
              join: Any = None, on: Optional[str] = None) -> pd.DataFrame:
    """:func:`frontier.summarize` over every partition, combined exactly
    (computes; returns a pandas DataFrame)."""
    settings = _tables._settings(by, value, weight, split, date_from, date_to, max_precision, date, bands_km, target,
                                 join, on)

    def tally(df: pd.DataFrame) -> pd.Series:
        parts, _, _ = _tables._tally(df, settings, lat, lon, skip_invalid)
        return pd.Series([parts], dtype=object)

    parts = ddf.map_partitions(tally, meta=(None, object)).compute()
    out = _tables._finish(list(parts), settings)
    from ._frames import warn_rejects

    warn_rejects(out.attrs["account"].get("rejected", 0))
    return out


def _columns_read(ddf: Any, lat: Optional[str], lon: Optional[str], date: Optional[str],
                  named: List[Optional[str]]) -> List[str]:
    """The columns an analysis reads: coordinates (or geometry), date,
    precision code, and the named ones."""
    cols = [str(c) for c in ddf.columns]
    try:
        ilat, ilon, idate, iprec = _core.roles(cols, lat, lon)
        keep = [cols[ilat], cols[ilon]]
    except _f.Error:
        g = find(cols, "geometry")
        if g is None:
            raise
        _, _, idate, iprec = _core.roles(cols + ["latitude", "longitude"], None, None)
        keep = [cols[g]]
    for i in (idate, iprec):
        if i is not None and i < len(cols):
            keep.append(cols[i])
    for n in [date, *named]:
        if n is not None:
            i = find(cols, n)
            if i is not None:
                keep.append(cols[i])
    return list(dict.fromkeys(keep))


def trend(ddf: Any, period: Optional[str] = None, by: Optional[str] = None, value: Optional[str] = None,
          split: Any = None, date_from: Any = None, date_to: Any = None, max_precision: Optional[int] = None,
          lat: Optional[str] = None, lon: Optional[str] = None, date: Optional[str] = None,
          skip_invalid: bool = False, group: Optional[str] = None) -> pd.DataFrame:
    """:func:`frontier.trend` of the whole frame (computes)."""
    period, groups = _tables._period_and_groups(period, by, group)
    cols = _columns_read(ddf, lat, lon, date, [value, groups])
    return _f.trend(ddf[cols].compute(), period=period, by=groups, value=value, split=split, date_from=date_from,
                    date_to=date_to, max_precision=max_precision, lat=lat, lon=lon, date=date,
                    skip_invalid=skip_invalid)


def hotspots(ddf: Any, by: str = "district", weights: str = "queen", value: Optional[str] = None, split: Any = None,
             permutations: int = 999, seed: int = 12345, date_from: Any = None, date_to: Any = None,
             max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
             date: Optional[str] = None, skip_invalid: bool = False, geometry: bool = False) -> pd.DataFrame:
    """:func:`frontier.hotspots` of the whole frame (computes)."""
    cols = _columns_read(ddf, lat, lon, date, [value])
    return _f.hotspots(ddf[cols].compute(), by=by, weights=weights, value=value, split=split,
                       permutations=permutations, seed=seed, date_from=date_from, date_to=date_to,
                       max_precision=max_precision, lat=lat, lon=lon, date=date, skip_invalid=skip_invalid,
                       geometry=geometry)


def knox(ddf: Any, space_km: Optional[float] = None, time_days: Optional[int] = None,
         space_bands_km: Optional[Sequence[float]] = None, time_bands_days: Optional[Sequence[int]] = None,
         lead: Optional[str] = None, follow: Optional[str] = None, permutations: int = 999, seed: int = 12345,
         date_from: Any = None, date_to: Any = None, max_precision: Optional[int] = None, lat: Optional[str] = None,
         lon: Optional[str] = None, date: Optional[str] = None, skip_invalid: bool = False) -> pd.DataFrame:
    """:func:`frontier.knox` of the whole frame (computes)."""
    named = [_core.condition_column(c, n) for c, n in ((lead, "lead"), (follow, "follow")) if isinstance(c, str)]
    cols = _columns_read(ddf, lat, lon, date, named)
    return _f.knox(ddf[cols].compute(), space_km=space_km, time_days=time_days, space_bands_km=space_bands_km,
                   time_bands_days=time_bands_days, lead=lead, follow=follow, permutations=permutations, seed=seed,
                   date_from=date_from, date_to=date_to, max_precision=max_precision, lat=lat, lon=lon, date=date,
                   skip_invalid=skip_invalid)


def emerging(ddf: Any, by: str = "district", period: str = "month", weights: str = "queen", time_lags: int = 1,
             value: Optional[str] = None, date_from: Any = None, date_to: Any = None,
             max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
             date: Optional[str] = None, skip_invalid: bool = False, geometry: bool = False) -> pd.DataFrame:
    """:func:`frontier.emerging` of the whole frame (computes)."""
    cols = _columns_read(ddf, lat, lon, date, [value])
    return _f.emerging(ddf[cols].compute(), by=by, period=period, weights=weights, time_lags=time_lags, value=value,
                       date_from=date_from, date_to=date_to, max_precision=max_precision, lat=lat, lon=lon,
                       date=date, skip_invalid=skip_invalid, geometry=geometry)
