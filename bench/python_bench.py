"""The Python package against the command line and against GeoPandas, on the
same 1,000,000 synthetic points (made by `frontier synth --slim`, labelled
synthetic; clustered as real events are).

    python/.venv/bin/python bench/python_bench.py [N]

Needs the package installed in python/.venv (python/test.sh makes it) and
the release command line (cargo build --release). For each question, best
of 3 wall-clock runs:

- the command line on the CSV (read, answer, write CSV to /dev/null), and
  the Python function on the same CSV given as a path (read, answer, a
  DataFrame back): the binding's overhead over the command line (target:
  under 20%). Both wall-clock time and CPU time (user + system, of the
  process or of the command line's process) are measured: on a machine
  shared with other work the wall-clock time stretches with the load, the
  CPU time much less;
- the Python function on a DataFrame already in memory (the analyst's
  case), and on a GeoDataFrame of the same points;
- geopandas.sjoin(predicate="within") of the already built GeoDataFrame
  with the built-in districts (GeoPandas answers the district only;
  frontier the country, province and district): targets, GeoDataFrame input
  4x faster than sjoin, DataFrame input 6x.

Writes bench/PYTHON-RESULTS.md (or the file FRONTIER_BENCH_OUT names).
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
EXE = os.environ.get("FRONTIER_BIN") or str(ROOT / "target" / "release" / "frontier")


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished
    children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


#: The least CPU time of each measurement's runs, by question and how.
CPU: dict = {}


def best(fn: Callable[[], object], runs: int = 3) -> float:
    """The shortest wall-clock time of ``runs`` runs (and the least CPU
    time, kept in ``CPU`` by ``row``)."""
    t, c = float("inf"), float("inf")
    for _ in range(runs):
        c0, s = _cpu(), time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - s)
        c = min(c, _cpu() - c0)
    best.cpu = c  # type: ignore[attr-defined]
    return t


def cli(*args: str) -> Callable[[], object]:
    return lambda: subprocess.run([EXE, *args, "-o", "/dev/null", "-q"], check=True, capture_output=True)


def main() -> None:
    import geopandas as gpd
    import pandas as pd

    import frontier

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    csv = work / f"events-slim-{n}.csv"
    if not csv.exists():
        subprocess.run([EXE, "synth", "--events", str(n), "--slim", "-o", str(csv)], check=True)
    df = pd.read_csv(csv)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.longitude, df.latitude), crs="EPSG:4326")
    districts = frontier.layer("districts")[["name", "geometry"]].to_crs("EPSG:4326")

    rows: List[Tuple[str, str, float, float]] = []

    def row(question: str, how: str, seconds: float) -> float:
        cpu = best.cpu  # type: ignore[attr-defined]
        rows.append((question, how, seconds, cpu))
        CPU[(question, how)] = cpu
        print(f"{question:10} {how:58} {seconds:7.3f} s  cpu {cpu:7.3f} s", flush=True)
        return seconds

    # Agreement first: frontier's districts against GeoPandas's on the
    # points in exactly one district.
    joined = gpd.sjoin(gdf[["geometry"]], districts, predicate="within", how="left")
    once = joined[~joined.index.duplicated(keep=False)]
    got = frontier.locate(df).loc[once.index, "district"].astype(object)
    agree = int((got.fillna("").to_numpy() == once["name"].fillna("").to_numpy()).sum())
    print(f"agreement with geopandas.sjoin: {agree:,} of {len(once):,}")

    locate_cli = row("locate", "command line, CSV in, CSV out", best(cli("locate", str(csv))))
    locate_path = row("locate", "Python, CSV path in, DataFrame out", best(lambda: frontier.locate(csv)))
    locate_df = row("locate", "Python, DataFrame in and out", best(lambda: frontier.locate(df)))
    locate_gdf = row("locate", "Python, GeoDataFrame in and out", best(lambda: frontier.locate(gdf)))
    sjoin = row("locate", "geopandas.sjoin(within) districts, GeoDataFrame built", best(
        lambda: gpd.sjoin(gdf, districts, predicate="within", how="left")))

    near_cli = row("near", "command line, CSV in, CSV out", best(cli("near", str(csv), "--target", "durand-line")))
    near_path = row("near", "Python, CSV path in, DataFrame out", best(lambda: frontier.near(csv)))
    near_df = row("near", "Python, DataFrame in and out", best(lambda: frontier.near(df)))

    sum_cli = row("summarize", "command line, CSV in", best(cli("summarize", str(csv), "--value", "fatalities")))
    sum_path = row("summarize", "Python, CSV path in", best(lambda: frontier.summarize(csv, value="fatalities")))
    sum_df = row("summarize", "Python, DataFrame in", best(lambda: frontier.summarize(df, value="fatalities")))
    sum_gpd = row("summarize", "geopandas.sjoin(within) + groupby, GeoDataFrame built", best(
        lambda: gpd.sjoin(gdf[["fatalities", "geometry"]], districts, predicate="within", how="left")
        .groupby("name")["fatalities"].agg(["size", "sum"])))

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    cores = os.cpu_count()

    def cpu_ratio(q: str, a: str, b: str) -> float:
        return CPU[(q, a)] / CPU[(q, b)]

    lines = [
        "# Python package: the binding against the command line and GeoPandas",
        "",
        f"{n:,} synthetic points (`frontier synth --events {n} --slim`, clustered as events are), "
        f"best of 3 wall-clock runs, {cores} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, pandas {pd.__version__}, geopandas {gpd.__version__}. "
        "Made by `bench/python_bench.py`; the machine was shared (load average at the end "
        f"{load}: 1, 5, 15 minutes), so compare within a run, and mind the CPU time (user + system) "
        "beside the wall-clock time: under load the wall-clock time stretches.",
        "",
        f"frontier's district agrees with `geopandas.sjoin` on {agree:,} of the {len(once):,} points "
        "inside exactly one district.",
        "",
        "| question | how | seconds | CPU seconds |",
        "|---|---|---:|---:|",
        *[f"| {q} | {h} | {s:.3f} | {c:.3f} |" for q, h, s, c in rows],
        "",
        "| ratio | wall-clock | CPU | target |",
        "|---|---:|---:|---|",
        f"| locate: Python from the CSV path / command line | {locate_path / locate_cli:.2f} | "
        f"{cpu_ratio('locate', 'Python, CSV path in, DataFrame out', 'command line, CSV in, CSV out'):.2f} | under 1.20 |",
        f"| near: Python from the CSV path / command line | {near_path / near_cli:.2f} | "
        f"{cpu_ratio('near', 'Python, CSV path in, DataFrame out', 'command line, CSV in, CSV out'):.2f} | under 1.20 |",
        f"| summarize: Python from the CSV path / command line | {sum_path / sum_cli:.2f} | "
        f"{cpu_ratio('summarize', 'Python, CSV path in', 'command line, CSV in'):.2f} | under 1.20 |",
        f"| locate: Python DataFrame / command line | {locate_df / locate_cli:.2f} | | under 1.20 |",
        f"| near: Python DataFrame / command line | {near_df / near_cli:.2f} | | under 1.20 |",
        f"| summarize: Python DataFrame / command line | {sum_df / sum_cli:.2f} | | under 1.20 |",
        f"| sjoin / locate(GeoDataFrame) | {sjoin / locate_gdf:.1f}x | | at least 4x |",
        f"| sjoin / locate(DataFrame) | {sjoin / locate_df:.1f}x | | at least 6x |",
        f"| sjoin + groupby / summarize(DataFrame) | {sum_gpd / sum_df:.1f}x | | |",
        "",
    ]
    out = Path(os.environ.get("FRONTIER_BENCH_OUT") or ROOT / "bench" / "PYTHON-RESULTS.md")
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
