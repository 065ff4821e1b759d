"""The table questions: ``summarize``, ``trend``, ``hotspots``. Each gives a
pandas DataFrame with the columns and numbers of the command line's JSON
output (full precision, typed: whole numbers as int64, numbers as float64,
text as objects), and where the rows went in ``DataFrame.attrs``."""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pandas as pd

from . import _core
from ._core import Error
from ._frames import Input, call, check_rejects, find, frame_of, warn_rejects, with_geometry

#: A date: anything pandas reads as one (``"2021-08-15"``, a Timestamp, a date).
DateLike = Any


def _iso(d: DateLike, name: str) -> Optional[str]:
    if d is None:
        return None
    if isinstance(d, str):
        return d
    try:
        return pd.Timestamp(d).date().isoformat()
    except (TypeError, ValueError):
        raise Error(f"{name}={d!r} is not a date") from None


def _precision(max_precision: Optional[int]) -> Optional[int]:
    if max_precision is None:
        return None
    if isinstance(max_precision, bool) or not isinstance(max_precision, int) or max_precision < 0:
        raise Error(f"max_precision={max_precision!r}: give a whole number 0 or more")
    return max_precision


def _needed(inp: Input, names: Sequence[Optional[str]], date: Optional[str], dated: bool) -> List[Tuple[str, Any]]:
    """The columns a table reads beyond the coordinates: the named ones,
    the precision code and (when ``dated``) the date."""
    if inp.kind == "path":
        return []
    _, _, idate, iprec = _core.roles(inp.names, inp.lat_name, inp.lon_name)
    wanted = [n for n in names if n is not None]
    if iprec is not None:
        wanted.append(inp.names[iprec])
    if dated:
        if date is not None:
            wanted.append(date)
        elif idate is not None:
            wanted.append(inp.names[idate])
    out: Dict[str, Any] = {}
    for n in wanted:
        c = inp.column(n, n)
        if c is not None and c[0] not in out:
            out[c[0]] = c[1]
    return list(out.items())


def _rejects(inp: Input, rejects: List[Tuple[int, str, str]], want: bool, account: Dict[str, int]) -> Any:
    if want:
        if inp.kind == "path":
            return _file_rejects(inp, rejects)
        return inp.rejected(rejects)
    warn_rejects(account.get("rejected", 0))
    return None


def _file_rejects(inp: Input, rejects: List[Tuple[int, str, str]]) -> pd.DataFrame:
    """A file's rejects: its line, the column and the reason (the row itself
    is in the file at that line)."""
    return pd.DataFrame(
        {"line": [p + 1 for p, _, _ in rejects], "column": [c for _, c, _ in rejects],
         "reason": [r for _, _, r in rejects]}
    )


def _bands(bands_km: Any) -> Optional[List[float]]:
    if bands_km is None:
        return None
    if isinstance(bands_km, (str, bytes)) or not hasattr(bands_km, "__iter__"):
        raise Error(f"bands_km={bands_km!r}: give the band edges in km as a list of numbers, e.g. [0, 10, 25, 50]")
    out = []
    for v in bands_km:
        if isinstance(v, (bool, str, bytes)):
            raise Error(f"bands_km={bands_km!r}: give the band edges in km as numbers, e.g. [0, 10, 25, 50]")
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise Error(f"bands_km={bands_km!r}: give the band edges in km as numbers, e.g. [0, 10, 25, 50]") from None
    return out


def _join(join: Any, on: Optional[str]) -> Dict[str, Any]:
    """``join=`` for the core: a file by its path, a frame as CSV text."""
    if join is None:
        return dict(join_file=None, join_csv=None, join_name=None, on=on)
    if isinstance(join, (str, os.PathLike)):
        return dict(join_file=os.fspath(join), join_csv=None, join_name=None, on=on)
    if isinstance(join, pd.DataFrame):
        return dict(join_file=None, join_csv=join.to_csv(index=False), join_name="join (DataFrame)", on=on)
    raise TypeError(f"join= takes a DataFrame or a path to a CSV, not {type(join).__name__}")


def _settings(by: str, value: Optional[str], weight: Optional[str], split: DateLike, date_from: DateLike,
              date_to: DateLike, max_precision: Optional[int], date: Optional[str], bands_km: Any = None,
              target: str = "durand-line", join: Any = None, on: Optional[str] = None) -> Dict[str, Any]:
    return dict(by=by, value=value, weight=weight, split=_iso(split, "split"),
                date_from=_iso(date_from, "date_from"), date_to=_iso(date_to, "date_to"),
                max_precision=_precision(max_precision), date=date, bands_km=_bands(bands_km), target=target,
                **_join(join, on))


def _tally(data: Any, settings: Dict[str, Any], lat: Optional[str], lon: Optional[str],
           skip_invalid: bool = False) -> Tuple[str, List[Tuple[int, str, str]], Input]:
    """The additive tallies of some points (JSON) and their rejects."""
    inp = Input(data, lat, lon, skip_invalid, load=False)
    dated = any(settings[k] is not None for k in ("split", "date_from", "date_to"))
    extra = _needed(inp, [settings["value"], settings["weight"]], settings["date"], dated)
    parts, rej = call(inp, _core.tally, inp.source(extra), settings)
    return parts, rej, inp


def _finish(parts: Sequence[str], settings: Dict[str, Any]) -> pd.DataFrame:
    cols, account, notes = _core.finish(list(parts), settings)
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=3)
    out = frame_of(cols)
    out.attrs["account"] = dict(account)
    return out


def summarize(data: Any, by: str = "district", value: Optional[str] = None, weight: Optional[str] = None,
              split: DateLike = None, date_from: DateLike = None, date_to: DateLike = None,
              max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
              date: Optional[str] = None, skip_invalid: bool = False, rejects: bool = False,
              bands_km: Optional[Sequence[float]] = None, target: str = "durand-line", join: Any = None,
              on: Optional[str] = None) -> Any:
    """Per-group counts, sums, shares and rates, before and after a date.

    The table ``frontier summarize`` writes, one row per feature of ``by``
    plus ``(outside)``, at full precision (the CSV rounds to 4 decimals).
    A value or weight column keeps its name; one of frontier's columns whose
    name it takes (ignoring case) gets ``frontier_`` in front: with
    ``value="count"``, ``count`` is the values' sum and ``frontier_count``
    the number of points.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points.
    by : str
        ``district``, ``province``, or a polygon layer (built-in name or
        GeoJSON path).
    value, weight : str, optional
        Columns to sum (e.g. ``fatalities``, ``individuals``).
    split : date-like, optional
        Count before (earlier) and after (on or later) this date.
    date_from, date_to : date-like, optional
        Keep points within these dates (inclusive).
    max_precision : int, optional
        Leave out points whose precision code (ACLED ``geo_precision``) is
        above it.
    lat, lon, date : str, optional
        The coordinate and date columns, when their names are not recognised.
    skip_invalid, rejects : bool
        Leave out unreadable rows (as ``--skip-invalid``); also return them
        (as ``--rejects``).
    bands_km : sequence of float, optional
        Distance band edges in km, from 0 (``[0, 10, 25, 50, 100]``, as
        ``--bands``): each group's points counted per band of geodesic
        distance to ``target``, beyond the last edge in the last column.
    target : str
        The layer the bands measure to (``--target``; default the Durand
        Line).
    join : DataFrame or path, optional
        A table of your own figures per group (e.g. refugees by district),
        its numeric columns summed and rated per 100,000 people as the
        counts are (``--join``); text columns are left out and names that
        match no group are said, with a ``UserWarning`` each.
    on : str, optional
        The column of ``join`` that names the groups (``--on``).

    Returns
    -------
    pandas.DataFrame
        The table; ``attrs["account"]`` says where every row went
        (``rows_in``, ``counted``, ``rejected``, ``outside_window``,
        ``left_out_imprecise``). With ``rejects=True``, a tuple of it and the
        rejected rows.
    """
    check_rejects(skip_invalid, rejects)
    settings = _settings(by, value, weight, split, date_from, date_to, max_precision, date, bands_km, target, join, on)
    parts, rej, inp = _tally(data, settings, lat, lon, skip_invalid)
    out = _finish([parts], settings)
    bad = _rejects(inp, rej, rejects, out.attrs["account"])
    return (out, bad) if rejects else out


#: The periods of :func:`trend` (the command line's ``--period``).
PERIODS = ("week", "month", "quarter", "year")


def _period_and_groups(period: Optional[str], by: Optional[str], group: Optional[str]) -> Tuple[str, Optional[str]]:
    """The period and the groups, from the keywords as written today or
    before (``by="month"`` once named the period, ``group=`` the groups),
    by the command line's rule for ``--period``, ``--by`` and ``--group``."""
    by_period = by if isinstance(by, str) and by.strip().lower() in PERIODS else None
    if by is not None and group is not None and by_period is None:
        raise Error(f"by={by!r} and group={group!r}: give the groups once, with by=")
    if period is not None and by_period is not None:
        raise Error(f"period={period!r} and by={by!r}: by= names the groups (district, province, a layer or a "
                    "column); the period is period=")
    if by_period is not None:
        warnings.warn(f"by={by!r} is read as period={by!r}; trend's by= names the groups, as in summarize",
                      FutureWarning, stacklevel=3)
        return by_period, group
    return period if period is not None else "month", by if by is not None else group


def trend(data: Any, period: Optional[str] = None, by: Optional[str] = None, value: Optional[str] = None,
          split: DateLike = None, date_from: DateLike = None, date_to: DateLike = None,
          max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
          date: Optional[str] = None, skip_invalid: bool = False, rejects: bool = False,
          group: Optional[str] = None) -> Any:
    """Events per period, per area or category, and whether they changed at a date.

    As ``frontier trend --format json``. Without ``split``: one row per
    period (and group), ``period``, ``start``, ``end``, ``days``, ``count``
    and the value's sum. With ``split``: one row per group with the rates
    before and after, their exact ratio, interval and p-value, and the
    interrupted time series' ``its_note``.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points, with dates.
    period : str, optional
        ``week``, ``month`` (default), ``quarter`` or ``year``
        (``--period``).
    by : str, optional
        One series per ``district``, ``province``, polygon layer, or value
        of a column of the points (e.g. ``event_type``), as ``--by`` (and as
        :func:`summarize`'s ``by=``). A period given here, as once written
        (``by="month"``), is read as ``period=`` with a ``FutureWarning``.
    value : str, optional
        A column to sum beside the counts.
    split : date-like, optional
        Test for a change at this date.
    date_from, date_to, max_precision, lat, lon, date, skip_invalid, rejects
        As for :func:`summarize`.
    group : str, optional
        The old spelling of ``by=`` (the groups).

    Returns
    -------
    pandas.DataFrame
        The rows of the command line's JSON. The nested parts of that JSON
        are attributes: with ``split``, ``attrs["its"]`` maps each group to
        its segmented quasi-Poisson regression (``level``, ``trend``,
        ``level_change``, ``trend_change``: each ``coef``, ``se``, ``z``,
        ``p_value``, 95% interval and their ``exp``; or None, with the
        reason in the ``its_note`` column) and ``attrs["series"]`` maps each
        group to its series (a list of rows). ``attrs["account"]`` as for
        :func:`summarize`.
    """
    out, bad, _ = _trend(data, period, by, value, split, date_from, date_to, max_precision, lat, lon, date,
                         skip_invalid, rejects, group, None)
    return (out, bad) if rejects else out


def _trend(data: Any, period: Optional[str], by: Optional[str], value: Optional[str], split: DateLike,
           date_from: DateLike, date_to: DateLike, max_precision: Optional[int], lat: Optional[str],
           lon: Optional[str], date: Optional[str], skip_invalid: bool, rejects: bool, group: Optional[str],
           chart: Optional[Dict[str, Any]]) -> Tuple[pd.DataFrame, Any, Optional[bytes]]:
    """The trend's frame, its rejects (with ``rejects``) and, with
    ``chart`` (the chart's settings), the chart's PNG."""
    period, group = _period_and_groups(period, by, group)
    check_rejects(skip_invalid, rejects)
    settings = dict(period=period, group=group, value=value, split=_iso(split, "split"),
                    date_from=_iso(date_from, "date_from"), date_to=_iso(date_to, "date_to"),
                    max_precision=_precision(max_precision), date=date)
    settings.update(chart or dict(chart=False, chart_size=(0, 0), chart_groups=[], title=None, source=None))
    inp = Input(data, lat, lon, skip_invalid, load=False)
    group_col = group if group is not None and find(inp.columns, group) is not None else None
    if group in ("district", "province"):
        group_col = None
    extra = _needed(inp, [value, group_col], date, True)
    cols, text, account, rej, png = call(inp, _core.trend, inp.source(extra),
                                         inp.names if inp.kind != "path" else None, settings)
    out = frame_of([c for c in cols if c[0] not in ("its", "series")])
    out.attrs["account"] = dict(account)
    if split is not None:
        rows = json.loads(text)
        key = cols[0][0] if cols else "group"
        out.attrs["its"] = {r[key]: r.get("its") for r in rows}
        out.attrs["series"] = {r[key]: r.get("series") for r in rows}
    bad = _rejects(inp, rej, rejects, out.attrs["account"])
    return out, bad, None if png is None else bytes(png)


def _pixels(size: Any) -> Tuple[int, int]:
    """A chart's size: ``(width, height)`` in pixels or ``"WxH"`` text."""
    if isinstance(size, str):
        w, sep, h = size.lower().partition("x")
        if sep and w.strip().isdigit() and h.strip().isdigit():
            return int(w), int(h)
    else:
        try:
            w, h = size
            if not any(isinstance(v, bool) or not isinstance(v, int) for v in (w, h)):
                return int(w), int(h)
        except (TypeError, ValueError):
            pass
    raise Error(f"size={size!r}: give (width, height) in pixels or text such as '1600x1000'")


def trend_chart(data: Any, period: Optional[str] = None, by: Optional[str] = None, value: Optional[str] = None,
                split: DateLike = None, date_from: DateLike = None, date_to: DateLike = None,
                max_precision: Optional[int] = None, lat: Optional[str] = None, lon: Optional[str] = None,
                date: Optional[str] = None, skip_invalid: bool = False, size: Any = (1600, 1000),
                groups: Optional[Sequence[str]] = None, title: Optional[str] = None,
                source: Optional[str] = None) -> Any:
    """The chart of :func:`trend`'s series, as ``frontier trend --chart``
    draws it: bars per period, the split and the fitted segments marked;
    small multiples when grouped.

    Parameters
    ----------
    data, period, by, value, split, date_from, date_to, max_precision, lat, lon, date, skip_invalid
        As for :func:`trend`.
    size : (int, int) or str
        Pixels (``--chart-size``; default 1600x1000).
    groups : sequence of str, optional
        The groups to draw, in this order (``--chart-groups``; default the
        12 with the most events). A name that is no group is an
        :class:`Error` listing the groups.
    title : str, optional
        The chart's title (``--title``; default: what is counted, per what
        period, by what).
    source : str, optional
        The source line's credit (default: a path's file name, as on the
        command line; none for a frame).

    Returns
    -------
    Map
        The chart (PNG, shown by Jupyter; :meth:`Map.save` writes it to a
        ``.png``).
    """
    from ._render import Map

    if isinstance(groups, str):
        groups = [groups]
    if source is None and isinstance(data, (str, os.PathLike)):
        source = os.path.basename(os.fspath(data))
    chart = dict(chart=True, chart_size=_pixels(size), chart_groups=list(groups or []), title=title, source=source)
    _, _, png = _trend(data, period, by, value, split, date_from, date_to, max_precision, lat, lon, date,
                       skip_invalid, False, None, chart)
    assert png is not None
    return Map(png)


def hotspots(data: Any, by: str = "district", weights: str = "queen", value: Optional[str] = None,
             split: DateLike = None, permutations: int = 999, seed: int = 12345, date_from: DateLike = None,
             date_to: DateLike = None, max_precision: Optional[int] = None, lat: Optional[str] = None,
             lon: Optional[str] = None, date: Optional[str] = None, skip_invalid: bool = False,
             rejects: bool = False, geometry: bool = False) -> Any:
    """Hot and cold spots (Getis–Ord Gi*) per area, and Moran's I.

    As ``frontier hotspots --format json``: one row per area with its count
    (or the value's sum), ``gi_z``, ``gi_p``, ``gi_p_sim`` and ``gi_class``
    (before and after with ``split``). The names follow PySAL's
    (``esda.G_Local``: ``Zs``, ``p_norm``, ``p_sim``).

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, pyarrow.Table, RecordBatchReader or path
        The points.
    by : str
        ``district``, ``province``, a polygon layer, or ``hex:D``
        (equal-area hexagons with edges of D over the points' extent:
        ``hex:10`` or ``hex:10km``, ``hex:500m``, ``hex:5mi``).
    weights : str
        ``queen``, ``rook``, ``knn:K`` or ``distance:KM`` (geodesic).
    value : str, optional
        Sum this column instead of counting events.
    split : date-like, optional
        Analyse before and after this date.
    permutations, seed : int
        Conditional permutations for ``gi_p_sim`` (0: none) and their seed.
    date_from, date_to, max_precision, lat, lon, date, skip_invalid, rejects
        As for :func:`summarize`.
    geometry : bool
        Return a GeoDataFrame: the rows with each area's polygon (the
        hexagons, or the layer's polygons) in ``OGC:CRS84``, as
        ``--geojson`` writes them; ready for :func:`render`'s
        ``choropleth=``.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        The areas' rows. The rest of the command line's JSON object is in
        ``attrs``: ``moran`` (Moran's I: ``i``, ``expected``, ``z``,
        ``p_value``, ``z_normal``, ``p_value_normal``; ``before`` and
        ``after`` with a split), ``areas``, ``hex_km``, ``weights`` and
        ``classes``; ``attrs["account"]`` as for :func:`summarize`.
    """
    check_rejects(skip_invalid, rejects)
    for name, v in (("permutations", permutations), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise Error(f"{name}={v!r}: give a whole number 0 or more")
    settings = dict(by=by, weights=weights, value=value, split=_iso(split, "split"),
                    date_from=_iso(date_from, "date_from"), date_to=_iso(date_to, "date_to"),
                    max_precision=_precision(max_precision), permutations=permutations, seed=seed, date=date,
                    geometry=bool(geometry))
    inp = Input(data, lat, lon, skip_invalid, load=False)
    dated = any(settings[k] is not None for k in ("split", "date_from", "date_to"))
    extra = _needed(inp, [value], date, dated)
    cols, text, account, rej, features = call(inp, _core.hotspots, inp.source(extra), settings)
    out = frame_of(cols)
    if features is not None:
        out = with_geometry(out, features)
    out.attrs.update(json.loads(text))
    out.attrs["account"] = dict(account)
    bad = _rejects(inp, rej, rejects, out.attrs["account"])
    return (out, bad) if rejects else out
