"""Benchmarks of `frontier serve` on a million points (synthetic, made by
`frontier synth`), on the loopback only, every loop bounded in time:

1. start-up: from launch to the first answer, and resident memory;
2. a filter change: the district summary for a new time window or event
   type (`/api/summary`), one request at a time;
3. tiles: 16 clients at once for 30 s over the tiles of a map being
   browsed (zooms 5 to 11), with fixed filters (tiles made once, then
   cached) and with a new one-month window on every request (tiles made
   each time); p50/p95/p99 latency and errors;
4. the same tiles from PostGIS: `ST_AsMVT` over the same points with a
   GiST index, 16 sessions at once for 30 s (single points as
   `ST_AsMVTGeom`, hexagons by `ST_HexagonGrid` below frontier's
   single-point zoom), through psycopg on PostgreSQL's Unix socket (no
   HTTP: the peer is spared the web server frontier includes).

Writes bench/SERVE-RESULTS.md. Run by bench/serve_bench.sh (which makes
the venv, installs PostGIS from Debian when missing, builds frontier).
"""
import http.client
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.path.join(ROOT, "target", "release", "frontier")
WORK = os.path.join(ROOT, "bench", "work")
CLIENTS = 16
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "30"))


def rss_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0])
    return out


def start(path):
    t0 = time.perf_counter()
    p = subprocess.Popen([BIN, "serve", "--port", "0", "--request-timeout", "120", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://([^/]+)/", line)
    if not m:
        raise RuntimeError(f"frontier serve did not start: {line} {p.stderr.read()}")
    host, port = m.group(1).split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=120)
    c.request("GET", "/api")
    info = json.loads(c.getresponse().read())
    ready = time.perf_counter() - t0
    return p, (host, int(port)), ready, info


def get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    return r.status, body


def tiles_of_views(bbox):
    """The tiles a 1400x900 browser window needs over the data, panned over
    a few places at each zoom (as someone browsing would ask)."""
    out = []
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    rnd = random.Random(7)
    for z in range(5, 12):
        for _ in range(6 if z > 6 else 1):
            lon = cx + (rnd.random() - 0.5) * (bbox[2] - bbox[0]) * 0.6
            lat = cy + (rnd.random() - 0.5) * (bbox[3] - bbox[1]) * 0.6
            n = 2 ** z
            x = (lon + 180) / 360 * n
            y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n
            # 512-pixel tiles: a 1400x900 window spans about 3x2 of them.
            for tx in range(int(x - 1.5), int(x + 1.5) + 1):
                for ty in range(int(y - 1), int(y + 1) + 1):
                    if 0 <= tx < n and 0 <= ty < n:
                        out.append((z, tx, ty))
    return sorted(set(out))


def load(target, work_items, seconds=SECONDS, clients=CLIENTS):
    """`clients` threads, each running `target(item)` on items drawn in
    turn for `seconds`; latencies in ms and errors."""
    lat, errors = [], []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run(k):
        make = target()
        rnd = random.Random(k)
        mine, bad = [], []
        while time.perf_counter() < stop:
            item = rnd.choice(work_items)
            t = time.perf_counter()
            try:
                ok = make(item)
            except Exception as e:  # noqa: BLE001 - counted, reported
                ok = False
                bad.append(str(e))
            mine.append((time.perf_counter() - t) * 1000)
            if not ok:
                bad.append(str(item))
        with lock:
            lat.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def frontier_tiles(addr, tiles, windows):
    def target():
        c = http.client.HTTPConnection(*addr, timeout=120)

        def one(t):
            z, x, y = t
            q = "?color=event_type"
            if windows:
                a, b = random.choice(windows)
                q += f"&from={a}&to={b}"
            status, _ = get(c, f"/tiles/points/0/{z}/{x}/{y}.pbf{q}")
            return status == 200
        return one
    return load(target, tiles)


def months():
    out = []
    for y in range(2019, 2026):
        for m in range(1, 13):
            last = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            out.append((f"{y}-{m:02d}-01", f"{y}-{m:02d}-{last}"))
    return out


def postgis_tiles(events_csv, tiles, single_from):
    """(fixed filters, one-month windows): latencies and errors of each run,
    or None without PostGIS."""
    import psycopg
    from postgis_peer import PostGIS, have_postgis
    if not have_postgis():
        return None
    pg = PostGIS()
    try:
        src = pg.readable(events_csv)
        pg.sql(
            "CREATE TABLE ev (id text, d text, t text, latitude float8, longitude float8, p text, fatalities text, s text);\n"
            f"\\copy ev FROM '{src}' CSV HEADER\n"
            "ALTER TABLE ev ADD COLUMN geom geometry(Point, 3857), ADD COLUMN day date, ADD COLUMN v float8;\n"
            "UPDATE ev SET geom = ST_Transform(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), 3857), "
            "day = d::date, v = fatalities::float8;\n"
            "CREATE INDEX ON ev USING gist (geom); VACUUM ANALYZE ev;")
        dsn = f"host={pg.dir} port=54329 user=postgres dbname=postgres"
        world = 40075016.685578488
        single = (
            "SELECT ST_AsMVT(q, 'points', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(geom, ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 0, false) AS geom, v, t "
            "FROM ev WHERE geom && ST_TileEnvelope(%(z)s, %(x)s, %(y)s) {w}) q")
        hexes = (
            "WITH e AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env), "
            "h AS (SELECT ST_Centroid(hx.geom) AS c, hx.geom FROM e, ST_HexagonGrid(%(size)s, ST_Expand(e.env, %(size)s)) hx), "
            "n AS (SELECT h.geom, h.c, count(*) AS count, sum(ev.v) AS value FROM h JOIN ev ON ev.geom && h.geom AND ST_Intersects(ev.geom, h.geom) {w} GROUP BY h.geom, h.c) "
            "SELECT ST_AsMVT(q, 'hexagons', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(n.geom, e.env, 4096, 64, false) AS geom, count, value FROM n, e WHERE n.c && e.env) q")

        windows = None

        def target():
            conn = psycopg.connect(dsn, autocommit=True)

            def one(t):
                z, x, y = t
                w, args = "", {"z": z, "x": x, "y": y}
                if windows:
                    a, b = random.choice(windows)
                    w, args["a"], args["b"] = "AND day BETWEEN %(a)s AND %(b)s", a, b
                if z >= single_from:
                    sql = single.format(w=w)
                else:
                    args["size"] = world / 2 ** z * 88 / 4096
                    sql = hexes.format(w=w)
                conn.execute(sql, args).fetchone()
                return True
            return one
        fixed = load(target, tiles)
        windows = months()
        return fixed, load(target, tiles)
    finally:
        pg.stop()


def row(name, lat, errors):
    if not lat:
        return f"| {name} | – | – | – | – | {len(errors)} |"
    return (f"| {name} | {len(lat):,} | {statistics.median(lat):.1f} | {pct(lat, 0.95):.1f} | "
            f"{pct(lat, 0.99):.1f} | {len(errors)} |")


def main():
    os.makedirs(WORK, exist_ok=True)
    events = os.path.join(WORK, "events-1m.csv")
    slim = os.path.join(WORK, "events-1m-slim.csv")
    for path, extra in ((events, []), (slim, ["--slim"])):
        if not os.path.exists(path):
            subprocess.run([BIN, "synth", "--events", "1000000", *extra, "-o", path], check=True)
    lines = ["# `frontier serve` on a million points", "",
             f"Synthetic ACLED-shaped events (`frontier synth --events 1000000`), {os.cpu_count()} cores, "
             f"release build, loopback only; {CLIENTS} clients for {SECONDS:.0f} s per load run.", ""]
    # 1. Start-up and memory, full rows and slim rows.
    lines += ["## Start-up and memory", "", "| file | ready (s) | resident after start (MB) | peak (MB) |", "|---|---|---|---|"]
    for path in (events, slim):
        p, addr, ready, info = start(path)
        m = rss_kib(p.pid)
        lines.append(f"| {os.path.basename(path)} ({os.path.getsize(path) / 1e6:.0f} MB) | {ready:.2f} | "
                     f"{m['VmRSS'] / 1024:.0f} | {m['VmHWM'] / 1024:.0f} |")
        if path != slim:
            p.terminate()
            p.wait()
    # The rest on the slim file (the same points).
    bbox = info["datasets"][0]["bbox"]
    single_from = info["datasets"][0]["single_from_zoom"]
    c = http.client.HTTPConnection(*addr, timeout=120)
    # 2. Filter changes.
    lines += ["", "## A filter change: the district summary", "",
              "`/api/summary` for a new filter each time (what `summarize` computes), one request at a time:", "",
              "| filter | answers | median (ms) | p95 (ms) | max (ms) |", "|---|---|---|---|---|"]
    rnd = random.Random(3)
    # Windows start before the split: a split outside the window is refused.
    for name, make in [
        ("time window", lambda: f"from={rnd.randint(2019, 2020)}-{rnd.randint(1, 12):02d}-01&to=2025-06-30&split=2021-08-15"),
        ("event type", lambda: "f.event_type=" + rnd.choice(["Battles", "Riots", "Protests", "Explosions%2FRemote%20violence"])),
    ]:
        t = []
        for _ in range(30):
            q = make()
            s0 = time.perf_counter()
            status, _ = get(c, f"/api/summary?{q}")
            assert status == 200, q
            t.append((time.perf_counter() - s0) * 1000)
        lines.append(f"| {name} | {len(t)} | {statistics.median(t):.1f} | {pct(t, 0.95):.1f} | {max(t):.1f} |")
    # 3. Tiles.
    tiles = tiles_of_views(bbox)
    lines += ["", "## Point tiles, 16 clients at once", "",
              f"{len(tiles)} tiles of a map browsed at zooms 5 to 11 (hexagons below zoom {single_from}, "
              "single points from it), drawn at random by each client for the run.", "",
              "| server | requests | p50 (ms) | p95 (ms) | p99 (ms) | errors |", "|---|---|---|---|---|---|"]
    lat, err = frontier_tiles(addr, tiles, None)
    lines.append(row("frontier, fixed filters (tiles cached after first use)", lat, err))
    front_fixed = lat
    lat, err = frontier_tiles(addr, tiles, months())
    lines.append(row("frontier, a random one-month window per request (mostly new tiles)", lat, err))
    front_months = lat
    p.terminate()
    p.wait()
    pg_fixed = pg_months = None
    if os.environ.get("NO_POSTGIS") is None:
        both = postgis_tiles(slim, tiles, single_from)
        if both:
            pg_fixed, pg_months = both
            lines.append(row("PostGIS ST_AsMVT, fixed filters", *pg_fixed))
            lines.append(row("PostGIS ST_AsMVT, a random one-month window per request", *pg_months))
    if pg_fixed:
        lines += ["", f"p95 ratio PostGIS / frontier: fixed filters {pct(pg_fixed[0], 0.95) / pct(front_fixed, 0.95):.1f}×, "
                  f"one-month windows {pct(pg_months[0], 0.95) / pct(front_months, 0.95):.1f}×."]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(ROOT, "bench", "SERVE-RESULTS.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
