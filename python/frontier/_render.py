"""Maps: ``render`` and the :class:`Map` it returns."""

from __future__ import annotations

import os
import tempfile
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core
from ._core import Error
from ._frames import Input, call, warn_rejects

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
        return bytes(_core.render(format=format, **self._settings))

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


def render(points: Any = None, color_by: Optional[str] = None, size_by: Optional[str] = None, density: Any = None,
           bandwidth_km: Optional[float] = None, choropleth: Any = None, column: Optional[str] = None,
           extent: Union[str, Sequence[float]] = "pakistan", size: Size = (1600, 1200), dpi: Optional[float] = None,
           title: Optional[str] = None, subtitle: Optional[str] = None, classes: int = 5,
           method: str = "quantile", palette: str = "ylorrd", labels: str = "none",
           layers: Union[str, Iterable[str]] = (), base_map: bool = True, source: Optional[str] = None,
           graticule: bool = False, inset: bool = False, lat: Optional[str] = None,
           lon: Optional[str] = None, color_title: Optional[str] = None, size_title: Optional[str] = None,
           legend_title: Optional[str] = None, skip_invalid: bool = False) -> Map:
    """A thematic map, as ``frontier render`` draws it.

    Parameters
    ----------
    points : frame, table or path, optional
        Points to draw, coloured by ``color_by`` and sized by ``size_by``.
    density : frame, table or path, optional
        Points drawn as a kernel density surface (a Gaussian of standard
        deviation ``bandwidth_km`` on the ground; default 15 km).
    choropleth : DataFrame, optional
        A table from :func:`summarize`; its districts or provinces are
        coloured by ``column`` in ``classes`` classes by ``method``
        (``quantile``, ``equal``, ``jenks``) with ``palette``.
    extent : str or sequence of 4 numbers
        ``pakistan``, ``kp``, ``waziristan``, ..., any layer's name,
        ``bbox:minlon,minlat,maxlon,maxlat``, or those four numbers (a
        GeoDataFrame's ``total_bounds``).
    size : (int, int) or str
        Pixels, or a print size as text (``"180x120mm"``, ``"7x5in"``).
    dpi : float, optional
        Dots per inch (default 72 for pixels, 300 for print sizes).
    title, subtitle : str, optional
        Printed above the map.
    labels : str
        ``none``, ``provinces``, ``districts`` or ``all``.
    layers : str or iterable of str
        Built-in names or GeoJSON paths, each optionally styled
        (``"cpec:color=#d95f02,width=3"``).
    base_map, graticule, inset : bool
        The built-in base map; meridians and parallels; a locator inset.
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
    skip_invalid : bool
        Leave out points whose coordinates cannot be used, with a
        :class:`RejectedRowsWarning` (as ``--skip-invalid``); without it such
        a point is an :class:`Error` naming its row.

    Returns
    -------
    Map
        The map (PNG, shown by Jupyter; :meth:`Map.save` writes PNG, SVG or
        PDF by extension).
    """
    kw: Dict[str, Any] = dict(
        size=_size(size), dpi=dpi, extent=_extent(extent), title=title, subtitle=subtitle, classes=_classes(classes),
        method=method,
        palette=palette, labels=labels, layers=[layers] if isinstance(layers, str) else list(layers),
        base_map=base_map, source=source, graticule=graticule, inset=inset, color_title=color_title,
        size_title=size_title, legend_title=legend_title,
    )
    if points is not None:
        kw.update(points_csv=_points_csv(points, lat, lon, (color_by, size_by, "source"), skip_invalid))
    kw.update(color_by=color_by, size_by=size_by)
    if density is not None:
        kw.update(density_csv=_points_csv(density, lat, lon, ("source",), skip_invalid))
    kw.update(bandwidth_km=bandwidth_km)
    if choropleth is not None:
        table = choropleth if isinstance(choropleth, pd.DataFrame) else Input(choropleth, None, None).df
        assert table is not None
        kw.update(choropleth_csv=table.to_csv(index=False))
    kw.update(column=column)
    return Map(bytes(_core.render(format="png", **kw)), kw)
