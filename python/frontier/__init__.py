"""frontier: map and query the Pakistan–Afghanistan border region.

The same library the ``frontier`` command line runs, over pandas frames,
GeoDataFrames, Arrow tables and point files: which country, province and
district each point is in (:func:`locate`), how far it is from the Durand
Line or any layer (:func:`near`, :func:`nearest`), per-district summaries
(:func:`summarize`), event series and their change at a date
(:func:`trend`, charted by :func:`trend_chart`), hot and cold spots (:func:`hotspots`), space and time
together (:func:`knox`: near repeats and cross-border lead–lag;
:func:`emerging`: emerging hot spots) and maps (:func:`render`). Distances are geodesic on the WGS84 ellipsoid
(GeographicLib, Karney 2013), in kilometres.

Every function takes a pandas DataFrame, a GeoDataFrame of points, a
pyarrow Table or RecordBatchReader (a GeoParquet table's WKB ``geometry``
is read as points), or the path of any file the command line reads (CSV of
any dialect, GeoJSON, GeoParquet). Coordinates and numbers cross into Rust
as numpy arrays, never one Python object per row. The point functions give
back the input's type with columns appended; the table functions give a
pandas DataFrame with the columns and numbers of the command line's JSON.

Bad input raises :class:`Error` naming the row by its index label and the
column, as the command line names the file's line. ``skip_invalid=True``
leaves such rows out (as ``--skip-invalid``); ``rejects=True`` also
returns them, as a second value, with the column and the reason (as
``--rejects``).

The built-in layers carry their credit: © OpenStreetMap contributors (ODbL),
Pakistan Bureau of Statistics Census 2023.
"""

from __future__ import annotations

from typing import Any, List

from . import _core
from ._core import Error, RowError
from ._frames import RejectedRowsWarning
from ._points import locate, near, nearest, read
from ._render import Map, render
from ._spacetime import emerging, knox
from ._tables import hotspots, summarize, trend, trend_chart

__version__: str = _core.__version__

__all__ = [
    "CREDIT",
    "Error",
    "Map",
    "RejectedRowsWarning",
    "__version__",
    "emerging",
    "hotspots",
    "knox",
    "layer",
    "layers",
    "locate",
    "near",
    "nearest",
    "read",
    "render",
    "summarize",
    "trend",
    "trend_chart",
]

#: Credit for the built-in layers, to print under a map or a table.
CREDIT = "© OpenStreetMap contributors (ODbL); Pakistan Bureau of Statistics, Census 2023"


def layers() -> Any:
    """The built-in layers.

    Returns
    -------
    pandas.DataFrame
        One row per layer: ``name``, ``description`` and ``licence``.
    """
    import pandas as pd

    return pd.DataFrame(_core.layers(), columns=["name", "description", "licence"])


def layer(name: str, crs: str = "OGC:CRS84") -> Any:
    """A layer as a GeoDataFrame.

    Parameters
    ----------
    name : str
        A built-in layer's name (see :func:`layers`) or a GeoJSON path.
    crs : str
        The CRS the frame says it is in: ``OGC:CRS84`` (the default: the
        CRS of GeoJSON and of the GeoParquet the command line writes, so
        the two join without a CRS-mismatch warning) or ``EPSG:4326`` (to
        join frames made with ``crs=4326``). The coordinates are the same
        longitudes and latitudes either way.

    Returns
    -------
    geopandas.GeoDataFrame or dict
        The features, or the GeoJSON as a dict when GeoPandas is not
        installed.
    """
    import json

    if crs not in ("OGC:CRS84", "EPSG:4326"):
        raise Error(f"crs={crs!r}: give 'OGC:CRS84' or 'EPSG:4326' (the layers are WGS84 longitude/latitude)")
    data = json.loads(_core.layer_geojson(name))
    try:
        import geopandas as gpd
    except ImportError:
        return data
    return gpd.GeoDataFrame.from_features(data["features"], crs=crs)


def __dir__() -> List[str]:
    return sorted(set(__all__) | {"dask"})

