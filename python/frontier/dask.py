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
"""

from __future__ import annotations

from typing import Iterable, Optional

import pandas as pd

import frontier as _f

__all__ = ["locate", "near", "nearest", "summarize"]


def _meta(fn, ddf, **kw):
    """The result's empty frame: ``fn`` run on the input's, with categories
    left unknown (they differ by partition)."""
    import dask.dataframe as dd

    meta = fn(ddf._meta, **kw)
    return dd.utils.clear_known_categories(meta)


def _apply(fn, ddf, **kw):
    return ddf.map_partitions(fn, meta=_meta(fn, ddf, **kw), **kw)


def locate(ddf, lat: Optional[str] = None, lon: Optional[str] = None, layers: Iterable[str] = ()):
    """:func:`frontier.locate` on every partition (lazy)."""
    return _apply(_f.locate, ddf, lat=lat, lon=lon, layers=tuple(layers))


def near(ddf, to: str = "durand-line", within_km: Optional[float] = None,
         lat: Optional[str] = None, lon: Optional[str] = None):
    """:func:`frontier.near` on every partition (lazy)."""
    return _apply(_f.near, ddf, to=to, within_km=within_km, lat=lat, lon=lon)


def nearest(ddf, layer: str, k: int = 1, within_km: Optional[float] = None,
            lat: Optional[str] = None, lon: Optional[str] = None):
    """:func:`frontier.nearest` on every partition (lazy)."""
    return _apply(_f.nearest, ddf, layer=layer, k=k, within_km=within_km, lat=lat, lon=lon)


def summarize(ddf, by: str = "district", value: Optional[str] = None, weight: Optional[str] = None,
              split=None, date_from=None, date_to=None, max_precision: Optional[int] = None,
              lat: Optional[str] = None, lon: Optional[str] = None) -> pd.DataFrame:
    """:func:`frontier.summarize` over every partition, combined exactly
    (computes; returns a pandas DataFrame)."""
    settings = _f._summary_settings(by, value, weight, split, date_from, date_to, max_precision)

    def tally(df: pd.DataFrame) -> pd.Series:
        return pd.Series([_f._tally(df, settings, lat, lon)], dtype=object)

    parts = ddf.map_partitions(tally, meta=(None, object)).compute()
    return _f._finish(list(parts), settings)
