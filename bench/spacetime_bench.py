#!/usr/bin/env python3
"""Benchmark of `frontier knox` and `frontier emerging` (not a test): 1M
SYNTHETIC events with --space 5km --time 14d --permutations 99 (target:
under a minute and under 2 GB), `emerging` on the same events (by
district and by 10 km hexagons, monthly), and the Knox test side by side
with PySAL's pointpats.spacetime.Knox on the largest samples it takes.

The events come from `frontier synth --events 1000000 --seed 7 --slim`
(clustered around the districts, towns and the Durand Line, as conflict
events are; labelled synthetic). The samples are the file's first N rows.
pointpats measures in the plane, so its events are projected with an
azimuthal equidistant projection about their centre (pyproj); its counts
can differ from frontier's geodesic ones by the pairs whose projected
distance falls on the other side of 5 km.

Run from the repository root after `cargo build --release`, in a venv with
numpy, pandas, pyproj and pointpats:
    python3 bench/spacetime_bench.py [--sizes 5000,10000,20000] [--skip-pointpats]
It writes bench/SPACETIME-RESULTS.md (with --skip-pointpats, the side by side
section of the file already there is kept as it was).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd

FRONTIER = os.environ.get("FRONTIER", "target/release/frontier")
WORK = "bench/work"
os.makedirs(WORK, exist_ok=True)
BIG = f"{WORK}/spacetime-1m.csv"
UNIFORM = f"{WORK}/spacetime-1m-uniform.csv"

ap = argparse.ArgumentParser()
ap.add_argument("--sizes", default="5000,10000,20000")
ap.add_argument("--skip-1m", action="store_true")
ap.add_argument("--skip-pointpats", action="store_true")
args = ap.parse_args()

if not os.path.exists(BIG):
    subprocess.run([FRONTIER, "synth", "--events", "1000000", "--seed", "7", "--slim", "-o", BIG], check=True)
if not os.path.exists(UNIFORM):
    subprocess.run([FRONTIER, "synth", "--events", "1000000", "--seed", "7", "--uniform", "61,24,77.5,37",
                    "-o", UNIFORM], check=True)


def measure(args):
    """Wall time, peak memory, processor time and the JSON output of a
    frontier command."""
    cmd = ["/usr/bin/time", "-v", FRONTIER, *args, "--format", "json", "--quiet"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([0-9.]+)", p.stderr).group(1)) for k in ["User", "System"])
    return wall, rss_kb / 1024, json.loads(p.stdout), cpu


def run_frontier(path, perms=99):
    """Wall time, peak memory and the result of frontier knox."""
    wall, mb, out, cpu = measure(["knox", path, "--space", "5km", "--time", "14d",
                                  "--permutations", str(perms)])
    return wall, mb, out[0], cpu


lines = ["# `frontier knox` and `frontier emerging` benchmark", "",
         "SYNTHETIC events (`frontier synth --events 1000000 --seed 7 --slim`), "
         "`--space 5km --time 14d --permutations 99`; produced by `python3 bench/spacetime_bench.py` "
         f"on {os.cpu_count()} cores (the load average below says how busy they were).", ""]
if not args.skip_1m:
    lines += ["## 1,000,000 events", "",
              "Clustered: `synth --slim` (70% of events within about 2 km of ~100 centres: every event has "
              "thousands of others within 5 km). Uniform: `synth --uniform 61,24,77.5,37` (the same count "
              "spread evenly over Pakistan and Afghanistan's box).", "",
              "`wall` is as measured on this machine, shared with other work (see the load average); "
              "`cpu / 2` is the processor time over the 2 cores, the wall time of an otherwise idle machine "
              "if the work spreads evenly over both.", "",
              f"Load average when started: {os.getloadavg()[0]:.1f}.", "",
              "| events | wall (s) | cpu / 2 (s) | peak memory (MB) | pairs close in space | close in time | close in both | ratio | p_sim |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, path in [("clustered", BIG), ("uniform", UNIFORM)]:
        wall, mb, r, cpu = run_frontier(path)
        lines.append(f"| {name} | {wall:.1f} | {cpu / 2:.1f} | {mb:.0f} | {r['pairs_close_space']:,} | {r['pairs_close_time']:,} | "
                     f"{r['pairs_close_both']:,} | {r['ratio']:.3f} | {r['p_sim']} |")
        print(lines[-1], file=sys.stderr)
    lines += ["", "### `frontier emerging` on the same events", "",
              "Monthly periods over the events' seven years (2019–2025, 84 months), queen neighbours for the "
              "districts and the six touching hexagons for `hex:10`, one time lag.", "",
              "| events | areas | cells | wall (s) | cpu / 2 (s) | peak memory (MB) | in no area | not `no pattern` |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, path in [("clustered", BIG), ("uniform", UNIFORM)]:
        for by in ["district", "hex:10"]:
            wall, mb, r, cpu = measure(["emerging", path, "--by", by])
            areas = len(r["rows"])
            patterned = sum(1 for row in r["rows"] if row["category"] != "no pattern")
            # The areas' events against the events read: the rest lay in no area.
            counted = sum(row["count"] for row in r["rows"])
            lines.append(f"| {name} | {by} ({areas:,}) | {areas * r['periods']:,} | {wall:.1f} | {cpu / 2:.1f} | "
                         f"{mb:.0f} | {1_000_000 - counted:,} | {patterned:,} |")
            print(lines[-1], file=sys.stderr)
    lines.append("")

if args.skip_pointpats:
    # Keep the side by side section measured before.
    try:
        old = open("bench/SPACETIME-RESULTS.md").read()
    except FileNotFoundError:
        old = ""
    at = old.find("## Side by side with pointpats")
    end = old.find("What this says", at)
    kept = old[at:end if end >= 0 else len(old)].rstrip("\n").split("\n") if at >= 0 else []
    if kept and "Kept from an earlier run" not in old:
        kept[1:1] = ["", "(Kept from an earlier run of this script: `--skip-pointpats` leaves it as it was.)"]
    open("bench/SPACETIME-RESULTS.md", "w").write("\n".join(lines + kept) + "\n")
    sys.exit(0)
from pointpats.spacetime import Knox  # noqa: E402,F401
from pyproj import CRS, Transformer  # noqa: E402

ev = pd.read_csv(BIG, nrows=max(int(s) for s in args.sizes.split(",")))
day = (pd.to_datetime(ev.event_date) - pd.Timestamp("2019-01-01")).dt.days.to_numpy()
aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={ev.latitude.mean()} +lon_0={ev.longitude.mean()} +datum=WGS84 +units=m")
x, y = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True).transform(ev.longitude.to_numpy(), ev.latitude.to_numpy())
lines += ["## Side by side with pointpats.spacetime.Knox", "",
          "The first N events of the same file; pointpats on projected coordinates (azimuthal equidistant), "
          "99 permutations each.", "",
          "| events | frontier wall (s) | frontier cpu / 2 (s) | frontier MB | frontier close in both | pointpats wall (s) | pointpats MB | pointpats close in both |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|"]
for n in [int(s) for s in args.sizes.split(",")]:
    path = f"{WORK}/spacetime-{n}.csv"
    ev.iloc[:n].to_csv(path, index=False)
    fw, fmb, fr, fcpu = run_frontier(path)
    code = (
        "import numpy as np, time, resource, sys\n"
        "from pointpats.spacetime import Knox\n"
        f"d = np.load('{WORK}/pp.npz')\n"
        "t0 = time.perf_counter()\n"
        "k = Knox(d['xy'], d['t'], 5000.0, 14.0, permutations=99)\n"
        "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, k.nst)\n"
    )
    np.savez(f"{WORK}/pp.npz", xy=np.column_stack([x[:n], y[:n]]), t=day[:n].reshape(-1, 1).astype(float))
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
        pw, pmb, pst = out.stdout.split()
        pw, pmb = f"{float(pw):.1f}", f"{float(pmb):.0f}"
    except subprocess.TimeoutExpired:
        pw, pmb, pst = "> 300", "–", "–"
    except subprocess.CalledProcessError as e:
        pw, pmb, pst = "failed", "–", (e.stderr.strip().splitlines() or ["?"])[-1][:60]
    lines.append(f"| {n:,} | {fw:.2f} | {fcpu / 2:.2f} | {fmb:.0f} | {fr['pairs_close_both']:,} | {pw} | {pmb} | {pst} |")
    print(lines[-1], file=sys.stderr)
open("bench/SPACETIME-RESULTS.md", "w").write("\n".join(lines) + "\n")
