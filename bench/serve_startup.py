"""Start-up of `frontier serve` on a million points, on two distributions
(the synthetic default, ACLED-shaped rows clustered along the border, and
points uniform over a box), on the loopback only:

- ready: from launch to the first answer of `/api` (what the page asks
  first), and the processor time used by then on every core;
- first tile: to the first point tile answered (zoom 6 over the data);
- first summary: to the first district summary answered (each point's
  district is placed in the background after start-up: this waits for it);
- resident memory after that, and the most used on the way.

Runs of the binary given are interleaved with runs of a second one when
given (BEFORE=path), so both see the same load on a shared machine; the
load average is written beside the figures. Median and best of RUNS (5).
Writes bench/SERVE-STARTUP.md (or OUT, with NOTE said under the title).
Makes its files with `frontier synth` when missing:

    python3 bench/serve_startup.py            # after cargo build --release
    BEFORE=/path/to/old/frontier python3 bench/serve_startup.py
"""
import http.client
import json
import math
import os
import re
import statistics
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("FRONTIER_BIN", os.path.join(ROOT, "target", "release", "frontier"))
BEFORE = os.environ.get("BEFORE")
WORK = os.path.join(ROOT, "bench", "work")
RUNS = int(os.environ.get("RUNS", "5"))
OUT = os.environ.get("OUT", os.path.join(ROOT, "bench", "SERVE-STARTUP.md"))
# Said under the title (e.g. how the runs were prioritised).
NOTE = os.environ.get("NOTE", "")
FILES = [
    ("events-1m.csv", [], "synthetic ACLED rows (22 columns), clustered"),
    ("uniform-1m.csv", ["--uniform", "61,24,77.5,37"], "uniform over 61–77.5°E, 24–37°N (6 columns)"),
]


def proc(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) / 1024
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    out["cpu"] = (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")
    return out


def tile_of(lon, lat, z):
    n = 2 ** z
    r = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)


def one(binary, path):
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "serve", "--port", "0", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    try:
        line = p.stdout.readline()
        m = re.search(r"http://([^/]+)/", line)
        if not m:
            raise RuntimeError(f"{binary} serve did not start: {line!r}")
        host, port = m.group(1).rsplit(":", 1)
        c = http.client.HTTPConnection(host, int(port), timeout=300)

        def get(q):
            c.request("GET", q)
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"{q}: {r.status} {body[:200]!r}")
            return body

        info = json.loads(get("/api"))
        ready = time.perf_counter() - t0
        cpu = proc(p.pid)["cpu"]
        w, s, e, n = info["datasets"][0]["bbox"]
        x, y = tile_of((w + e) / 2, (s + n) / 2, 6)
        get(f"/tiles/points/0/6/{x}/{y}.pbf")
        tile = time.perf_counter() - t0
        get("/api/summary")
        summary = time.perf_counter() - t0
        mem = proc(p.pid)
        return {"ready": ready, "cpu": cpu, "tile": tile, "summary": summary,
                "rss": mem["VmRSS"], "peak": mem["VmHWM"], "load": load}
    finally:
        p.terminate()
        p.wait()


def main():
    os.makedirs(WORK, exist_ok=True)
    for name, extra, _ in FILES:
        path = os.path.join(WORK, name)
        if not os.path.exists(path):
            subprocess.run([BIN, "synth", "--events", "1000000", *extra, "-o", path], check=True)
    binaries = [("now", BIN)] + ([("before", BEFORE)] if BEFORE else [])
    results = {}
    for _ in range(RUNS):
        for name, _, _ in FILES:
            for label, b in binaries:
                r = one(b, os.path.join(WORK, name))
                results.setdefault((name, label), []).append(r)
                print(name, label, {k: round(v, 2) for k, v in r.items()}, flush=True)
    lines = ["# `frontier serve`: start-up on a million points", "",
             f"{os.cpu_count()} cores shared with other work (load average at each launch in the last column), "
             f"release build, loopback; median (best) of {RUNS} launches"
             + (", the two builds launched in turn" if BEFORE else "") + ". Written by `bench/serve_startup.py`."
             + (f" {NOTE}" if NOTE else ""), ""]
    for name, _, what in FILES:
        size = os.path.getsize(os.path.join(WORK, name)) / 1e6
        lines.append(f"- `{name}` ({size:.0f} MB): {what}")
    lines += ["", "| file | build | ready (s) | processor time by then (s) | first tile (s) | first district summary (s) "
              "| resident (MB) | peak (MB) | load average |", "|---|---|---|---|---|---|---|---|---|"]
    for name, _, _ in FILES:
        for label, _ in binaries:
            rs = results[(name, label)]

            def f(k, d=2):
                v = [r[k] for r in rs]
                return f"{statistics.median(v):.{d}f} ({min(v):.{d}f})"
            loads = [r["load"] for r in rs]
            lines.append(f"| {name} | {label} | {f('ready')} | {f('cpu')} | {f('tile')} | {f('summary')} | "
                         f"{f('rss', 0)} | {f('peak', 0)} | {min(loads):.1f} to {max(loads):.1f} |")
    text = "\n".join(lines) + "\n"
    with open(OUT, "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
