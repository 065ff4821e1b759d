"""The caller's data as arrays for the Rust core, and the answers back in
the caller's type. Nothing here makes one Python object per row for a
numeric column: coordinates and numbers cross as numpy arrays (read where
they lie), answers come back as numpy arrays, categoricals (codes and
categories) and Arrow dictionary arrays."""

from __future__ import annotations

import json
import os
import sys
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _core
from ._core import Error

#: A reject as the core reports it: (position, column, reason).
Reject = Tuple[int, str, str]


class RejectedRowsWarning(UserWarning):
    """Rows were left out by ``skip_invalid=True``; ``rejects=True`` returns them."""


def label(index: pd.Index, pos: int) -> str:
    """A row's index label as the user wrote it (``2235646``, ``'y'``)."""
    v = index[pos]
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, np.generic):
        v = v.item()
    return str(v)


def find(columns: Sequence[str], name: str) -> Optional[int]:
    """A column by name: exact, then ignoring case and surrounding spaces
    (the command line's rule)."""
    for i, c in enumerate(columns):
        if c == name:
            return i
    for i, c in enumerate(columns):
        if c.strip().casefold() == name.strip().casefold():
            return i
    return None


def _is_geodataframe(data: Any) -> bool:
    gpd = sys.modules.get("geopandas")
    return gpd is not None and isinstance(data, gpd.GeoDataFrame)


def _is_arrow(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "pyarrow"


def _geo_crs_ok(crs: Any) -> bool:
    """Whether a GeoParquet ``crs`` (PROJJSON, absent for OGC:CRS84) is
    longitude/latitude on WGS84."""
    if crs is None:
        return True
    ident = crs.get("id") if isinstance(crs, dict) else None
    if isinstance(ident, dict):
        return (str(ident.get("authority")).upper(), str(ident.get("code")).upper()) in {
            ("EPSG", "4326"),
            ("OGC", "CRS84"),
        }
    return False


def _crs_name(crs: Any) -> str:
    ident = crs.get("id") if isinstance(crs, dict) else None
    if isinstance(ident, dict):
        return f"{ident.get('authority')}:{ident.get('code')}"
    return str(crs.get("name", "an unknown CRS")) if isinstance(crs, dict) else str(crs)


def _floats(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


class Input:
    """Where the points are, and how to hand back an answer in the same
    type: a pandas DataFrame, a GeoDataFrame, a pyarrow Table (or anything
    with ``__arrow_c_stream__``: a RecordBatchReader, a polars frame), or a
    path to a file the command line reads."""

    kind: str
    df: Optional[pd.DataFrame] = None
    table: Any = None
    path: Optional[str] = None
    columns: List[str]
    names: List[str]
    lat_name: str
    lon_name: str
    lat: np.ndarray
    lon: np.ndarray

    def __init__(self, data: Any, lat: Optional[str], lon: Optional[str], skip_invalid: bool = False,
                 load: bool = True, locate: Optional[List[str]] = None):
        self.lat_opt, self.lon_opt, self.skip_invalid = lat, lon, skip_invalid
        # Given extra layers, a file is located as it is read (see `located`).
        self.locate_layers = locate
        self.located: Optional[List[Tuple[str, Tuple[np.ndarray, List[str]]]]] = None
        self.file_rejects: List[Tuple[int, str, str, List[str]]] = []
        self.header: List[str] = []
        if isinstance(data, (str, os.PathLike)) and not load:
            # The table functions read the file in Rust, as the command line does.
            self.kind, self.path = "path", os.fspath(data)
            self.columns, self.names = [], []
            self.lat_name = self.lon_name = ""
            self.lat = self.lon = np.zeros(0)
        elif isinstance(data, (str, os.PathLike)):
            self._from_path(os.fspath(data))
        elif _is_geodataframe(data):
            self.kind = "geopandas"
            self.df = data
            self.columns = [str(c) for c in data.columns]
            self._from_geometry(data.geometry.name, data.crs)
        elif isinstance(data, pd.DataFrame):
            self.kind = "pandas"
            self.df = data
            self.columns = [str(c) for c in data.columns]
            geom = find(self.columns, "geometry") if lat is None and lon is None else None
            if geom is not None and not self._has_coordinate_columns():
                self._from_geometry(data.columns[geom], getattr(data.iloc[:, geom], "crs", None))
            else:
                self._from_columns()
        elif _is_arrow(data) or hasattr(data, "__arrow_c_stream__"):
            import pyarrow as pa

            self.kind = "arrow"
            if isinstance(data, pa.RecordBatchReader):
                data = data.read_all()
            elif isinstance(data, pa.RecordBatch):
                data = pa.Table.from_batches([data])
            elif not isinstance(data, pa.Table):
                data = pa.table(data)
            self.table = data
            self.columns = [str(c) for c in data.column_names]
            self._from_arrow()
        else:
            raise TypeError(
                "expected a pandas DataFrame, a GeoDataFrame, a pyarrow Table or RecordBatchReader, "
                f"or a path to a point file, not {type(data).__name__}"
            )

    # -- where the coordinates are ------------------------------------------------

    def _has_coordinate_columns(self) -> bool:
        try:
            _core.roles(self.columns, self.lat_opt, self.lon_opt)
            return True
        except Error:
            return False

    def _from_columns(self) -> None:
        ilat, ilon, _, _ = _core.roles(self.columns, self.lat_opt, self.lon_opt)
        self.lat_name, self.lon_name = self.columns[ilat], self.columns[ilon]
        self.names = self.columns
        self.lat = self._number_column(ilat, self.lat_name)
        self.lon = self._number_column(ilon, self.lon_name)

    def _from_geometry(self, name: Any, crs: Any) -> None:
        """Points from a geometry column (shapely objects, or WKB bytes)."""
        import shapely

        assert self.df is not None
        if crs is not None and not (crs.equals("EPSG:4326") or crs.equals("OGC:CRS84")):
            raise Error(f"the {name} column is in {crs}, not WGS84 longitude/latitude (to_crs(4326) first)")
        values = self.df[name]
        arr = values.array
        geoms = getattr(arr, "_data", None)
        if geoms is None:
            raw = values.to_numpy()
            if len(raw) and isinstance(raw[0], (bytes, bytearray, memoryview)):
                geoms = shapely.from_wkb(raw)
            else:
                geoms = np.asarray(raw, dtype=object)
        # x and y are NaN for what is not a point (and for a missing or
        # empty point): only those are looked at.
        x, y = shapely.get_x(geoms), shapely.get_y(geoms)
        odd = np.flatnonzero(np.isnan(x))
        if len(odd):
            kinds = shapely.get_type_id(geoms[odd])
            # 0: Point (empty); -1: None (a missing point: a bad row below).
            bad = odd[(kinds != 0) & (kinds != -1)]
            if len(bad):
                pos = int(bad[0])
                raise Error(
                    f"row {label(self.df.index, pos)} (position {pos}): {name}: "
                    f"a {geoms[pos].geom_type}, not a point: frontier reads points"
                )
        self.lat, self.lon = _floats(y), _floats(x)
        self.lat_name, self.lon_name = f"{name} (latitude)", f"{name} (longitude)"
        self.names = self.columns + [self.lat_name, self.lon_name]

    def _from_arrow(self) -> None:
        import pyarrow as pa

        t = self.table
        meta = (t.schema.metadata or {}).get(b"geo")
        geo = json.loads(meta) if meta else None
        geom_name = geo.get("primary_column", "geometry") if geo else None
        if geom_name is None and self.lat_opt is None and "geometry" in self.columns and not self._has_coordinate_columns():
            geom_name = "geometry"
        if geom_name is None or self.lat_opt is not None or self.lon_opt is not None:
            self._from_columns()
            return
        if geo is not None:
            crs = geo.get("columns", {}).get(geom_name, {}).get("crs")
            if not _geo_crs_ok(crs):
                raise Error(f"the {geom_name} column is in {_crs_name(crs)}, not WGS84 longitude/latitude")
        col = t.column(geom_name).combine_chunks()
        if isinstance(col.type, pa.ExtensionType):
            col = col.storage
        if pa.types.is_struct(col.type):
            self.lon = _floats(col.field("x").to_numpy(zero_copy_only=False))
            self.lat = _floats(col.field("y").to_numpy(zero_copy_only=False))
        elif pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
            width = np.int32 if pa.types.is_binary(col.type) else np.int64
            bufs = col.buffers()
            offsets = np.frombuffer(bufs[1], dtype=width)[col.offset : col.offset + len(col) + 1].astype(np.int64)
            data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
            valid = col.is_valid().to_numpy(zero_copy_only=False) if col.null_count else None
            self.lon, self.lat = _core.wkb_points(offsets, data, valid)
        else:
            raise Error(f"the {geom_name} column holds {col.type}, not points (WKB or x/y)")
        self.lat_name, self.lon_name = f"{geom_name} (latitude)", f"{geom_name} (longitude)"
        self.names = self.columns + [self.lat_name, self.lon_name]

    def _from_path(self, path: str) -> None:
        self.kind = "path"
        self.path = path
        cols, (ilat, ilon), lat, lon, lines, rejected, self.located = _core.read_points(
            path, self.lat_opt, self.lon_opt, self.skip_invalid, self.locate_layers
        )
        data = {name: _file_column(kind, values) for name, kind, values in cols}
        self.columns = [c[0] for c in cols]
        self.df = pd.DataFrame(data, columns=self.columns, copy=False) if cols else pd.DataFrame(
            index=range(len(lat)))
        self.lines = lines
        self.file_rejects = rejected
        self.header = self.columns
        self.lat, self.lon = lat, lon
        self.lat_name, self.lon_name = self.columns[ilat], self.columns[ilon]
        self.names = self.columns

    # -- columns ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.lat)

    @property
    def index(self) -> pd.Index:
        if self.df is not None:
            return self.df.index
        return pd.RangeIndex(len(self.lat))

    def _series(self, i: int) -> Any:
        if self.kind == "arrow":
            return self.table.column(i)
        assert self.df is not None
        return self.df.iloc[:, i]

    def _number_column(self, i: int, name: str) -> np.ndarray:
        """Column ``i`` as float64 (NaN for missing); text that is not a
        number is an error naming the row."""
        col = self._series(i)
        if self.kind == "arrow":
            import pyarrow as pa
            import pyarrow.compute as pc

            try:
                return _floats(pc.cast(col, pa.float64()).to_numpy())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                col = col.to_pandas()
        try:
            return _floats(col.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            num = pd.to_numeric(col, errors="coerce")
            bad = np.flatnonzero((num.isna() & col.notna()).to_numpy())
            pos = int(bad[0])
            raise Error(f"row {label(self.index, pos)}: {name}: not a number: {col.iloc[pos]!r}") from None

    def column(self, name: str, role: str) -> Optional[Tuple[str, Tuple[str, Any]]]:
        """The column ``name`` as the core reads it: numbers as float64,
        dates as days, anything else as text (read by the command line's
        rules, so that a bad cell is named as on the command line). None
        when the table has no such column (the core then names it)."""
        i = find(self.columns, name)
        if i is None:
            return None
        col = self._series(i)
        real = self.columns[i]
        if self.kind == "arrow":
            import pyarrow as pa
            import pyarrow.compute as pc

            t = col.type
            if pa.types.is_date(t) or pa.types.is_timestamp(t):
                days = pc.cast(pc.cast(col, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
                return real, ("days", _days_from(days, col.is_null().to_numpy(zero_copy_only=False)))
            if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
                return real, ("number", _floats(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)))
            return real, ("text", [None if v is None else str(v) for v in col.to_pylist()])
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            if getattr(col.dt, "tz", None) is not None:
                col = col.dt.tz_localize(None)
            d = col.to_numpy(dtype="datetime64[D]")
            return real, ("days", _days_from(d.astype(np.int64), col.isna().to_numpy()))
        if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
            return real, ("number", _floats(col.to_numpy(dtype=np.float64, na_value=np.nan)))
        return real, ("text", [None if pd.isna(v) else str(v) for v in col.to_numpy(dtype=object)])

    def arrays(self, extra: Sequence[Tuple[str, Tuple[str, Any]]] = ()) -> Dict[str, Any]:
        """What the core's table functions take: a frame's arrays, or the
        file itself (read as the command line reads it)."""
        return dict(
            columns=self.names,
            lat_name=self.lat_name,
            lon_name=self.lon_name,
            lat=self.lat,
            lon=self.lon,
            extra=list(extra),
            skip_invalid=self.skip_invalid,
        )

    def source(self, extra: Sequence[Tuple[str, Tuple[str, Any]]] = ()) -> Any:
        if self.kind == "path":
            return (self.path, self.lat_opt, self.lon_opt, self.skip_invalid)
        return self.arrays(extra)

    # -- answers ---------------------------------------------------------------

    def base(self, keep: Optional[np.ndarray]) -> Any:
        """The input's rows (only ``keep``, positions, when given) to add
        answers to, without copying the data (pandas copy-on-write)."""
        if self.kind == "arrow":
            return self.table if keep is None else self.table.take(keep)
        assert self.df is not None
        if keep is None:
            return self.df.copy(deep=False)
        return self.df.take(keep)

    def added(self, wanted: Sequence[str]) -> List[str]:
        return list(_core.added_names(self.columns, list(wanted)))

    def put(self, out: Any, name: str, values: Any) -> Any:
        """Append column ``name`` (a float64 array, or (codes, categories))."""
        if self.kind == "arrow":
            import pyarrow as pa

            if isinstance(values, tuple):
                codes, cats = values
                idx = pa.array(codes, type=pa.int32(), mask=codes < 0)
                arr = pa.DictionaryArray.from_arrays(idx, pa.array(list(cats), type=pa.string()))
            else:
                arr = pa.array(values, type=pa.float64(), from_pandas=True)
            return out.append_column(name, arr)
        if isinstance(values, tuple):
            codes, cats = values
            values = pd.Categorical.from_codes(codes, categories=pd.Index(list(cats), dtype=object), validate=False)
        out[name] = values if not isinstance(values, np.ndarray) else pd.Series(values, index=out.index, copy=False)
        return out

    def finish(self, out: Any) -> Any:
        if self.kind == "path":
            return out.reset_index(drop=True) if isinstance(out, pd.DataFrame) else out
        return out

    def rejected(self, rejects: Sequence[Reject]) -> pd.DataFrame:
        """The rejected rows: where and why (``column``, ``reason``), then the
        row as it came; a frame keeps its index labels, a file its
        ``line``."""
        if self.kind == "path":
            col, why = _core.added_names(self.header, ["column", "reason"])
            line = _core.added_names(self.header, ["line"])[0]
            rows = [[ln, c, r] + list(f) for ln, c, r, f in self.file_rejects]
            width = 3 + len(self.header)
            rows = [r + [None] * (width - len(r)) if len(r) < width else r[:width] for r in rows]
            return pd.DataFrame(rows, columns=[line, col, why] + self.header)
        pos = np.array([p for p, _, _ in rejects], dtype=np.int64)
        col, why = _core.added_names(self.columns, ["column", "reason"])
        if self.kind == "arrow":
            base = self.table.take(pos).to_pandas()
            base.index = pd.Index(pos)
        else:
            assert self.df is not None
            base = pd.DataFrame(self.df.iloc[pos])
        head = pd.DataFrame({col: [c for _, c, _ in rejects], why: [r for _, _, r in rejects]}, index=base.index)
        return pd.concat([head, base], axis=1)


def _file_column(kind: str, values: Any) -> Any:
    """A column of a file as the core reads it, for a pandas frame, from the
    buffers it comes in (no Python object per cell): ``int``/``float`` numpy
    arrays as they are; ``bool`` values and validity (a ``boolean`` array
    where a cell is empty); ``text`` as Arrow's offsets, bytes and validity
    bitmap (pandas' Arrow-backed strings where pandas has them);
    ``datetime`` counts of a unit (``datetime64``, UTC when the file's
    timestamps had a zone; a date is midnight, ``datetime64[s]``). Text
    comes as one Arrow chunk per batch read, kept as chunks."""
    if kind == "text":
        import pyarrow as pa

        chunks = [
            pa.LargeStringArray.from_buffers(
                len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(chars),
                pa.py_buffer(bitmap) if nulls else None, nulls,
            )
            for offsets, chars, bitmap, nulls in values
        ]
        return pa.chunked_array(chunks, type=pa.large_string()).to_pandas()
    if kind == "bool":
        v, valid = values
        return v if valid.all() else pd.arrays.BooleanArray(v, ~valid)
    if kind == "datetime":
        counts, unit, utc = values
        out = pd.Series(counts.view(f"datetime64[{unit}]"), copy=False)
        return out.dt.tz_localize("UTC") if utc else out
    return values


def _days_from(days: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = np.asarray(days, dtype=np.int64).copy()
    out[np.asarray(missing, dtype=bool)] = np.iinfo(np.int64).min
    return out


def check_rejects(skip_invalid: bool, rejects: bool) -> None:
    if rejects and not skip_invalid:
        raise Error("rejects=True needs skip_invalid=True (without it the first bad row is an error)")


def warn_rejects(n: int, what: str = "rows") -> None:
    if n:
        warnings.warn(
            f"{n} {what if n != 1 else 'row'} rejected by skip_invalid=True (give rejects=True to get them back)",
            RejectedRowsWarning,
            stacklevel=3,
        )


def with_geometry(out: pd.DataFrame, features: str) -> Any:
    """``out`` as a GeoDataFrame whose geometry is each row's area from the
    GeoJSON text the core wrote beside it (one feature per row, in order;
    lon/lat, ``OGC:CRS84``)."""
    import geopandas as gpd
    import shapely

    feats = json.loads(features)["features"]
    if len(feats) != len(out):
        raise Error(f"internal error in frontier: {len(feats)} areas for {len(out)} rows; please report it")
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats])
    return gpd.GeoDataFrame(out, geometry=geoms, crs="OGC:CRS84")


def frame_of(columns: Sequence[Tuple[str, str, Any]], index: Optional[pd.Index] = None) -> pd.DataFrame:
    """A frame from the core's typed columns: ``int`` and ``float`` numpy
    arrays as they are, ``bool``, ``str`` (None missing) and ``json``
    (nested values) as objects."""
    data: Dict[str, Any] = {}
    for name, kind, values in columns:
        if kind == "json":
            values = [None if v is None else json.loads(v) for v in values]
            data[name] = pd.Series(values, dtype=object)
        elif kind == "str":
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = values
    return pd.DataFrame(data, columns=[c[0] for c in columns], index=index)


def call(inp: Input, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call into Rust, naming a bad row by its index label as written."""
    try:
        return fn(*args, **kwargs)
    except _core.RowError as e:
        pos, column, reason = e.args
        if inp.kind == "path":
            raise Error(f"{inp.path}: line {pos + 1}: {column}: {reason}") from None
        raise Error(f"row {label(inp.index, pos)} (position {pos}): {column}: {reason}") from None
