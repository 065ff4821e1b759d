"""Maps: ``render`` and the :class:`Map` it returns."""

from __future__ import annotations

import os
import tempfile
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core
from ._core import Error
from ._frames import Input, _is_geodataframe, call, warn_rejects

#: A map's size: (width, height) in pixels, or text as on the command line
#: (``"1600x1200"``, a print size ``"180x120mm"``, ``"18x12cm"``, ``"7x5in"``).
Size = Union[str, Tuple[int, int], Sequence[int]]

_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


class Map:
    """A rendered map. Jupyter shows it (PNG); :meth:`save` writes PNG, SVG or
    PDF by the file's extension, as ``frontier render -o`` does.

    Attributes
    ----------
    png : bytes
        The map as PNG.
    """

    def __init__(self, png: bytes, settings: Optional[Dict[str, Any]] = None):
        self.png = png
        self._settings = settings

    def _repr_png_(self) -> bytes:
        return self.png

    def to_bytes(self, format: str = "png") -> bytes:
        """The map encoded as ``png``, ``svg`` or ``pdf``.

        Parameters
        ----------
        format : str
            ``png``, ``svg`` or ``pdf``.

        Returns
        -------
        bytes
            The file's bytes.
        """
        if format == "png":
            return self.png
        if self._settings is None:
            raise Error(f"format={format!r}: this map holds only its PNG")
        return bytes(_core.render(format=format, **self._settings)[0])

    def save(self, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> None:
        """Write the map to ``path``, whole or not at all.

        Parameters
        ----------
        path : str or os.PathLike
            A ``.png``, ``.svg`` or ``.pdf`` file (the format follows the
            extension, as on the command line).
        format : str, optional
            ``png``, ``svg`` or ``pdf``, when the extension does not say.

        Raises
        ------
        Error
            When the extension and ``format`` disagree, neither names a
            format, or the folder does not exist.
        """
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lower()
        named = _FORMATS.get(ext)
        if format is not None and named is not None and format != named:
            raise Error(f"{path}: the name says {named} but format={format!r}")
        fmt = format or named
        if fmt is None:
            raise Error(f"{path}: name the file .png, .svg or .pdf, or give format='png'|'svg'|'pdf'")
        if fmt not in _FORMATS.values():
            raise Error(f"format={fmt!r}: give png, svg or pdf")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise Error(f"{path}: the folder {folder} does not exist")
        data = self.to_bytes(fmt)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".frontier-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def __repr__(self) -> str:
        return f"<frontier.Map: {len(self.png):,} bytes of PNG>"


def _size(size: Size) -> str:
    if isinstance(size, str):
        return size
    try:
        w, h = size
    except (TypeError, ValueError):
        raise Error(f"size={size!r}: give (width, height) in pixels or text such as '1600x1200' or '180x120mm'") from None
    for v in (w, h):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise Error(f"size={size!r}: pixel sizes are whole numbers (or give text such as '180x120mm')")
    return f"{int(w)}x{int(h)}"


def _extent(extent: Any) -> str:
    """``extent=`` as the command line's ``--extent`` text: a name, a
    ``bbox:...`` text, or four numbers (min lon, min lat, max lon, max lat:
    a GeoDataFrame's ``total_bounds``)."""
    if isinstance(extent, str):
        return extent
    try:
        values = [float(v) for v in extent]
    except (TypeError, ValueError):
        raise Error(f"extent={extent!r}: give a name (e.g. 'kp'), 'bbox:minlon,minlat,maxlon,maxlat' "
                    "or four numbers (min lon, min lat, max lon, max lat)") from None
    if len(values) != 4 or any(isinstance(v, (bool, str, bytes)) for v in extent):
        raise Error(f"extent={extent!r}: give four numbers, min lon, min lat, max lon, max lat")
    return "bbox:" + ",".join(repr(v) for v in values)


def _classes(classes: Any) -> int:
    """``classes=`` checked as the command line checks ``--classes``."""
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)):
        raise Error(f"classes={classes!r}: give a whole number of classes, 2 to 9")
    if not 2 <= int(classes) <= 9:
        raise Error(f"classes={classes}: give 2 to 9 classes (as the command line's --classes)")
    return int(classes)


def _points_csv(data: Any, lat: Optional[str], lon: Optional[str], keep: Iterable[Optional[str]],
                skip_invalid: bool = False) -> str:
    """The coordinates (and the columns in ``keep``) as CSV for the map: the
    rows whose coordinates can be used (a bad one is an :class:`Error`, or
    left out with a warning with ``skip_invalid``, as on the command line)."""
    inp = Input(data, lat, lon, skip_invalid)
    kept, rejects = call(inp, _core.usable, inp.names, inp.lat_name, inp.lon_name, inp.lat, inp.lon, skip_invalid)
    warn_rejects(len(rejects) + len(inp.file_rejects))
    rows = None if not rejects else kept
    out = pd.DataFrame({"latitude": inp.lat, "longitude": inp.lon})
    for c in keep:
        if c is None:
            continue
        got = inp.column(c, c) if inp.kind != "path" else None
        if inp.kind == "path" and inp.df is not None and c in inp.df.columns:
            out[c] = inp.df[c].to_numpy()
        elif got is not None:
            kind, values = got[1]
            out[c] = values if kind != "days" else pd.to_datetime(values, unit="D", errors="coerce")
    if rows is not None:
        out = out.iloc[rows]
    return out.to_csv(index=False)


def _is_path(data: Any) -> bool:
    return isinstance(data, (str, os.PathLike))


def _areas(choropleth: Any) -> Dict[str, Any]:
    """A choropleth's areas for the core: a file by its path (a table from
    ``summarize``/``hotspots``/``emerging``, or GeoJSON polygons), a
    GeoDataFrame of polygons as GeoJSON (in lon/lat), a DataFrame (a table
    whose first column is ``district`` or ``province``) as CSV."""
    if _is_path(choropleth):
        return dict(choropleth_file=os.fspath(choropleth))
    if _is_geodataframe(choropleth):
        g = choropleth
        if g.crs is not None and g.crs.to_epsg() != 4326 and not g.crs.equals("OGC:CRS84"):
            g = g.to_crs("OGC:CRS84")
        return dict(choropleth_text=g.to_json(drop_id=True).encode(), choropleth_name="choropleth (GeoDataFrame)")
    if isinstance(choropleth, pd.DataFrame):
        return dict(choropleth_text=choropleth.to_csv(index=False).encode(), choropleth_name="choropleth (DataFrame)")
    raise TypeError(
        "choropleth= takes a DataFrame from summarize/hotspots/emerging, a GeoDataFrame of polygons, "
        f"or a path to such a table or a GeoJSON file, not {type(choropleth).__name__}"
    )


def render(points: Any = None, color_by: Optional[str] = None, size_by: Optional[str] = None, density: Any = None,
           bandwidth_km: Optional[float] = None, choropleth: Any = None, column: Optional[str] = None,
           extent: Optional[Union[str, Sequence[float]]] = None, size: Optional[Size] = None,
           dpi: Optional[float] = None, title: Optional[str] = None, subtitle: Optional[str] = None,
           classes: Optional[int] = None, method: Optional[str] = None, palette: Optional[str] = None,
           labels: Optional[str] = None, layers: Union[str, Iterable[str]] = (), base_map: Optional[bool] = None,
           source: Optional[str] = None, graticule: Optional[bool] = None, inset: Optional[bool] = None,
           lat: Optional[str] = None, lon: Optional[str] = None, color_title: Optional[str] = None,
           size_title: Optional[str] = None, legend_title: Optional[str] = None,
           skip_invalid: Optional[bool] = None, categories: Optional[bool] = None,
           spec: Union[None, str, "os.PathLike[str]"] = None) -> Map:
    """A thematic map, as ``frontier render`` draws it.

    Every setting left as ``None`` is the map file's (``spec=``), else the
    default shown; a setting given wins over the map file's, as a flag does
    beside ``--spec``.

    Parameters
    ----------
    points : frame, table or path, optional
        Points to draw, coloured by ``color_by`` and sized by ``size_by``.
        A path is read as the command line reads ``--points FILE`` (and
        credited by its name in the source line).
    density : frame, table or path, optional
        Points drawn as a kernel density surface (a Gaussian of standard
        deviation ``bandwidth_km`` on the ground; default 15 km).
    choropleth : DataFrame, GeoDataFrame or path, optional
        Areas coloured by ``column``: a table from :func:`summarize`,
        :func:`hotspots` or :func:`emerging` (first column ``district`` or
        ``province``), a GeoDataFrame of polygons with ``column`` (such as
        :func:`hotspots`' hexagons), or a path to such a table or a GeoJSON
        file of polygons (``--choropleth FILE``). Numbers are put in
        ``classes`` classes by ``method`` (``quantile``, ``equal``,
        ``jenks``) with ``palette``; text is categories.
    categories : bool, optional
        Read ``column`` as categories, numbers too (codes), one colour each
        (``--categories``; default False).
    extent : str or sequence of 4 numbers, optional
        ``pakistan`` (default), ``kp``, ``waziristan``, ..., any layer's
        name, ``bbox:minlon,minlat,maxlon,maxlat``, or those four numbers (a
        GeoDataFrame's ``total_bounds``).
    size : (int, int) or str, optional
        Pixels (default 1600x1200), or a print size as text
        (``"180x120mm"``, ``"7x5in"``).
    dpi : float, optional
        Dots per inch (default 72 for pixels, 300 for print sizes).
    title, subtitle : str, optional
        Printed above the map.
    classes : int, optional
        2 to 9 (default 5).
    method, palette : str, optional
        Default ``quantile`` and ``ylorrd``.
    labels : str, optional
        ``none`` (default), ``districts``, ``towns``, ``cities`` or ``all``
        (placed without overlapping; what does not fit is left out).
    layers : str or iterable of str
        Built-in names or GeoJSON paths, each optionally styled
        (``"cpec:color=#d95f02,width=3"``), drawn after the map file's.
    base_map, graticule, inset : bool, optional
        The built-in base map (default True); meridians and parallels; a
        locator inset (default False).
    source : str, optional
        Names the user's data in the map's source line (``Data: ...``);
        points whose ``source`` column says ``synthetic`` on every row are
        credited as synthetic data.
    lat, lon : str, optional
        The coordinate columns of ``points`` and ``density``.
    color_title, size_title, legend_title : str, optional
        The legends' titles (of the points' colours and sizes, and of the
        choropleth), as ``--color-title``, ``--size-title`` and
        ``--legend-title``; by default the columns' names.
    skip_invalid : bool, optional
        Leave out points whose coordinates cannot be used, with a
        :class:`RejectedRowsWarning` (as ``--skip-invalid``); without it such
        a point is an :class:`Error` naming its row.
    spec : str or os.PathLike, optional
        A map file (TOML), as ``--spec``: any of the settings above, the
        points', density's and choropleth's files (relative to the map
        file), layers with styles, ``sources`` and ``[reading]``. Its
        ``output`` and ``format`` are not used: :meth:`Map.save` writes
        the format its file's name says.

    Returns
    -------
    Map
        The map (PNG, shown by Jupyter; :meth:`Map.save` writes PNG, SVG or
        PDF by extension).
    """
    kw: Dict[str, Any] = dict(
        spec=None if spec is None else os.fspath(spec),
        size=None if size is None else _size(size), dpi=dpi, extent=None if extent is None else _extent(extent),
        title=title, subtitle=subtitle, classes=None if classes is None else _classes(classes),
        method=method, palette=palette, labels=labels, layers=[layers] if isinstance(layers, str) else list(layers),
        base_map=base_map, source=source, graticule=graticule, inset=inset, color_title=color_title,
        size_title=size_title, legend_title=legend_title, categories=categories, lat=lat, lon=lon,
        skip_invalid=skip_invalid,
    )
    skip = bool(skip_invalid)
    if _is_path(points):
        kw.update(points_file=os.fspath(points))
    elif points is not None:
        kw.update(points_csv=_points_csv(points, lat, lon, (color_by, size_by, "source"), skip))
    kw.update(color_by=color_by, size_by=size_by)
    if _is_path(density):
        kw.update(density_file=os.fspath(density))
    elif density is not None:
        kw.update(density_csv=_points_csv(density, lat, lon, ("source",), skip))
    kw.update(bandwidth_km=bandwidth_km)
    if choropleth is not None:
        kw.update(_areas(choropleth))
    kw.update(column=column)
    png, rejected = _core.render(format="png", **kw)
    warn_rejects(rejected)
    return Map(bytes(png), kw)
