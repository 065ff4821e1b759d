"""The space-time questions: ``knox`` (Knox's test, the Near Repeat table of
bands, the cross-border lead–lag test) and ``emerging`` (emerging hot
spots). Each gives a pandas DataFrame with the columns and numbers of the
command line's JSON output (``frontier knox``/``frontier emerging --format
json``), and where the rows went in ``DataFrame.attrs``."""

from __future__ import annotations

import json
import math
import numbers
from typing import Any, List, Optional, Sequence

from . import _core
from ._core import Error
from ._frames import Input, call, check_rejects, frame_of, with_geometry
from ._tables import DateLike, _iso, _needed, _precision, _rejects


def _km(v: Any, name: str) -> float:
    """A distance in km, checked as the command line checks ``--space``; in
    metres."""
    if isinstance(v, (str, bytes)):
        raise Error(f"{name}={v!r}: give a number of kilometres (e.g. {name}=2), not text")
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise Error(f"{name}={v!r}: give a number of kilometres")
    km = float(v)
    if not math.isfinite(km) or km < 0:
        raise Error(f"{name}={v!r}: a distance must be a finite number 0 or more")
    return km * 1000.0


def _days(v: Any, name: str) -> int:
    """A whole number of days, 0 or more."""
    if isinstance(v, (str, bytes)):
        raise Error(f"{name}={v!r}: give a whole number of days (e.g. {name}=14), not text")
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or int(v) < 0:
        raise Error(f"{name}={v!r}: give a whole number of days, 0 or more")
    if int(v) > 2**32 - 1:
        raise Error(f"{name}={v!r}: at most {2**32 - 1} days")
    return int(v)


def _list(v: Any, name: str) -> List[Any]:
    if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
        raise Error(f"{name}={v!r}: give the band ends as a list of numbers, e.g. [0, 1, 2, 5, 10]")
    return list(v)


def _count(v: Any, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or int(v) < 0:
        raise Error(f"{name}={v!r}: give a whole number 0 or more")
    return int(v)


def _condition(v: Any, name: str) -> Optional[str]:
    if v is None:
        return None
    if not isinstance(v, str):
        raise Error(f"{name}={v!r}: give FIELD=VALUE as text, e.g. {name}='country=AFG'")
    return v


def _numbers(out: Any) -> Any:
    """Columns with no value at all (``p_sim`` without permutations, a trend
    of a constant series) as float64 NaN: every column of these tables that
    can be empty holds numbers."""
    for c in out.columns:
        if out[c].dtype == object and len(out) and out[c].isna().all():
            out[c] = out[c].astype("float64")
    return out


def knox(data: Any, space_km: Optional[float] = None, time_days: Optional[int] = None,
         space_bands_km: Optional[Sequence[float]] = None, time_bands_days: Optional[Sequence[int]] = None,
         lead: Optional[str] = None, follow: Optional[str] = None, permutations: int = 999, seed: int = 12345,
         date_from: DateLike = None, date_to: DateLike = None, max_precision: Optional[int] = None,
         lat: Optional[str] = None, lon: Optional[str] = None, date: Optional[str] = None,
         skip_invalid: bool = False, rejects: bool = False) -> Any:
    """Space-time interaction: Knox's test, the Near Repeat table, or a lead–lag test.

    As ``frontier knox --format json``. Pairs of events are close in space
    when their geodesic distance on WGS84 is at most the distance, and in
    time when their dates are at most so many days apart; the expected
    counts and ``p_sim`` come from ``permutations`` shuffles of the dates
    over the events (seeded by ``seed``). One of three tests:

    - Knox's test (``space_km``, ``time_days``): one row with ``space_km``,
      ``time_days``, ``events``, ``pairs``, ``pairs_close_space``,
      ``pairs_close_time``, ``pairs_close_both`` (the Knox statistic),
      ``expected``, ``ratio``, ``p_poisson`` (as R's ``surveillance::knox``),
      ``p_sim`` and ``permutations``;
    - the Near Repeat Calculator's table (``space_bands_km``,
      ``time_bands_days``): one row per distance band × time band with
      ``space_from``, ``space_to`` (km), ``time_from``, ``time_to`` (days),
      ``observed``, ``expected`` (the mean over the permutations), ``ratio``
      and ``p_sim``; the first band holds both its ends, each other band its
      upper end only (``[0, 0, 1]`` makes a band of the same place);
    - a lead–lag test (``lead``, ``follow``, ``space_km``, ``time_days``):
      directed pairs, a lead event then a follow event 1 to ``time_days``
      days later within ``space_km``; one row per direction (lead → follow
      first), with ``direction``, ``pairs``, ``observed``, ``expected``,
      ``ratio`` and ``p_sim``.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points, with dates.
    space_km : float, optional
        Pairs at most this far apart (geodesic km) are close in space.
    time_days : int, optional
        Pairs at most this many days apart are close in time.
    space_bands_km, time_bands_days : list, optional
        Ends of the distance bands (km, e.g. ``[0, 1, 2, 5, 10]``) and of the
        time bands (days, e.g. ``[0, 7, 14, 30, 60]``): the Near Repeat table.
    lead, follow : str, optional
        ``FIELD=VALUE``: the events that lead and those that follow, over the
        points' columns or frontier's own ``country``, ``province``,
        ``district`` and ``side`` (e.g. ``lead="country=AFG"``,
        ``follow="country=PAK"``; ``column:country=...`` reads a column of
        the points called ``country``).
    permutations, seed : int
        Shuffles of the dates (0: none, and no ``p_sim``) and their seed.
    date_from, date_to : date-like, optional
        Test only the events within these dates (inclusive).
    max_precision : int, optional
        Leave out points whose precision code is above it.
    lat, lon, date : str, optional
        The coordinate and date columns, when their names are not recognised.
    skip_invalid, rejects : bool
        Leave out unreadable rows (as ``--skip-invalid``); also return them
        (as ``--rejects``).

    Returns
    -------
    pandas.DataFrame
        The rows of the command line's JSON (whole numbers int64, numbers
        float64, at full precision). ``attrs["test"]`` is ``knox``, ``bands``
        or ``lead-lag``; ``attrs["permutations"]`` and ``attrs["seed"]`` as
        given; ``attrs["account"]`` says where every row went (``rows_in``,
        ``counted``, ``rejected``, ``outside_window``,
        ``left_out_imprecise``). With ``rejects=True``, a tuple of it and the
        rejected rows.
    """
    check_rejects(skip_invalid, rejects)
    lead, follow = _condition(lead, "lead"), _condition(follow, "follow")
    settings = dict(
        space_m=None if space_km is None else _km(space_km, "space_km"),
        days=None if time_days is None else _days(time_days, "time_days"),
        space_bands_m=None if space_bands_km is None else [
            _km(v, "space_bands_km") for v in _list(space_bands_km, "space_bands_km")],
        time_bands=None if time_bands_days is None else [
            _days(v, "time_bands_days") for v in _list(time_bands_days, "time_bands_days")],
        lead=lead, follow=follow,
        permutations=_count(permutations, "permutations"), seed=_count(seed, "seed"),
        date_from=_iso(date_from, "date_from"), date_to=_iso(date_to, "date_to"),
        max_precision=_precision(max_precision), date=date,
    )
    if int(seed) > 2**64 - 1:
        raise Error(f"seed={seed}: at most 2**64 - 1")
    inp = Input(data, lat, lon, skip_invalid, load=False)
    columns = [_core.condition_column(c, n) for c, n in ((lead, "lead"), (follow, "follow")) if c is not None]
    extra = _needed(inp, columns, date, True)
    cols, test, account, rej = call(inp, _core.knox, inp.source(extra), settings)
    out = _numbers(frame_of(cols))
    out.attrs.update(test=test, permutations=settings["permutations"], seed=settings["seed"])
    out.attrs["account"] = dict(account)
    bad = _rejects(inp, rej, rejects, out.attrs["account"])
    return (out, bad) if rejects else out


def emerging(data: Any, by: str = "district", period: str = "month", weights: str = "queen", time_lags: int = 1,
             value: Optional[str] = None, date_from: DateLike = None, date_to: DateLike = None,
             max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
             date: Optional[str] = None, skip_invalid: bool = False, rejects: bool = False,
             geometry: bool = False) -> Any:
    """Emerging hot and cold spots: Gi* on a space-time cube, Mann–Kendall trends, ArcGIS's categories.

    As ``frontier emerging --format json``: the cube holds the count (or
    ``value``'s sum) of every area × every period of the window, zeros
    included; Gi* is taken for each cell over its area, the area's spatial
    neighbours and itself, in the same period and the ``time_lags`` periods
    before (ArcGIS's definition), classed with the same false discovery rate
    as :func:`hotspots`; each area's Gi* z series gets a Mann–Kendall trend
    test and one of ArcGIS Pro's categories (``new hot spot``,
    ``consecutive``, ``intensifying``, ``persistent``, ``diminishing``,
    ``sporadic``, ``oscillating``, ``historical``; the same for cold spots;
    or ``no pattern``).

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points, with dates.
    by : str
        ``district``, ``province``, a polygon layer (built-in name or
        GeoJSON path) or ``hex:D`` (equal-area hexagons with edges of D:
        ``hex:10`` or ``hex:10km``, ``hex:500m``, ``hex:5mi``).
    period : str
        The cube's time step: ``week``, ``month``, ``quarter`` or ``year``.
    weights : str
        Spatial neighbours: ``queen``, ``rook``, ``knn:K`` or
        ``distance:KM`` (geodesic).
    time_lags : int
        Earlier periods in each cell's neighbourhood (ArcGIS's time step
        interval count K).
    value : str, optional
        Sum this column (e.g. ``fatalities``) instead of counting events.
    date_from, date_to, max_precision, lat, lon, date, skip_invalid, rejects
        As for :func:`knox`.
    geometry : bool
        Return a GeoDataFrame: the rows with each area's polygon (the
        hexagons, or the layer's polygons) in ``OGC:CRS84``, as
        ``--geojson`` writes them; ready for :func:`render`'s
        ``choropleth=``.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        One row per area, as in the command line's JSON: the area's name
        (``district``, ``province``, the layer's key, or ``hex``), its
        ``category``, ``trend_z``, ``trend_p``, ``trend_s`` (Mann–Kendall of
        the Gi* z series), ``hot_periods``, ``cold_periods``, ``periods``,
        the count (or value) and its own trend, the ``final_period``'s
        ``gi_z``, ``gi_p`` and ``gi_class``, and ``series``: the area's
        periods as a list of dicts (``period``, the count, ``gi_z``, ``gi_p``,
        ``class``; ``pandas.DataFrame(row.series)`` makes a frame of it).
        The rest of the JSON object is in ``attrs`` (``areas``, ``hex_km``,
        ``period``, ``periods``, ``first_period``, ``final_period``,
        ``weights``, ``time_lags``, ``classes``, ``categories``), with
        ``attrs["account"]`` as for :func:`knox`.
    """
    check_rejects(skip_invalid, rejects)
    for name, v in (("by", by), ("period", period), ("weights", weights)):
        if not isinstance(v, str):
            raise Error(f"{name}={v!r}: give text, e.g. {name}={'district' if name == 'by' else 'month' if name == 'period' else 'queen'!r}")
    settings = dict(
        by=by, period=period, weights=weights, time_lags=_count(time_lags, "time_lags"), value=value,
        date_from=_iso(date_from, "date_from"), date_to=_iso(date_to, "date_to"),
        max_precision=_precision(max_precision), date=date, geometry=bool(geometry),
    )
    inp = Input(data, lat, lon, skip_invalid, load=False)
    extra = _needed(inp, [value], date, True)
    cols, text, account, rej, features = call(inp, _core.emerging, inp.source(extra), settings)
    out = _numbers(frame_of(cols))
    if features is not None:
        out = with_geometry(out, features)
    out.attrs.update(json.loads(text))
    out.attrs["account"] = dict(account)
    bad = _rejects(inp, rej, rejects, out.attrs["account"])
    return (out, bad) if rejects else out
