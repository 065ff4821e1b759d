"""PostGIS as a peer for frontier's proximity queries (issue 13).

A throw-away PostgreSQL cluster in a temporary folder, reached over a Unix
socket only (no TCP), loaded with the same CSV as frontier reads. Queries
run through psql and `\\copy ... TO` a CSV file, so each is timed end to
end as its own process, like every other tool in bench/compare.py.

PostgreSQL refuses to run as root: when this script runs as root, the
server and psql run as the `postgres` user that Debian's package makes.
"""
import csv
import glob
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time

PORT = "54329"


def bin_dir():
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def have_postgis():
    return bin_dir() is not None and bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


class PostGIS:
    def __init__(self):
        self.bin = bin_dir()
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="frontier-pg-")
        self.data = os.path.join(self.dir, "data")
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o777)
        self.as_user([os.path.join(self.bin, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8"],
                     quiet=True)
        opts = f"-k {self.dir} -p {PORT} -c listen_addresses='' -c max_parallel_workers_per_gather=2 -c shared_buffers=512MB -c work_mem=256MB"
        self.as_user([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-o", opts, "-l",
                      os.path.join(self.dir, "log"), "-w", "start"], quiet=True)
        self.sql("CREATE EXTENSION postgis")

    def as_user(self, cmd, quiet=False):
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.root else cmd
        out = subprocess.DEVNULL if quiet else None
        subprocess.run(full, check=True, stdout=out)

    def psql_cmd(self, sql_file):
        """The psql command line that runs `sql_file` (for timing)."""
        cmd = ["psql", "-h", self.dir, "-p", PORT, "-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", sql_file]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.root else cmd

    def script(self, name, sql):
        """Write `sql` to a file the server's user can read; return its path."""
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(sql)
        os.chmod(path, 0o644)
        return path

    def sql(self, sql):
        subprocess.run(self.psql_cmd(self.script("once.sql", sql)), check=True, stdout=subprocess.DEVNULL)

    def readable(self, path):
        """A copy of `path` the server's user can read."""
        dst = os.path.join(self.dir, os.path.basename(path))
        shutil.copyfile(path, dst)
        os.chmod(dst, 0o644)
        return dst

    def load_points(self, table, csv_path):
        """A table of the CSV's columns (text, coordinates as numbers), with a
        stored geography column and a GiST index on it (not timed)."""
        with open(csv_path, newline="") as f:
            header = next(csv.reader(f))
        cols = ", ".join(
            f'"{c}" float8' if c in ("latitude", "longitude") else f'"{c}" text' for c in header
        )
        src = self.readable(csv_path)
        self.sql(
            f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({cols});\n"
            f"\\copy {table} FROM '{src}' CSV HEADER\n"
            f"ALTER TABLE {table} ADD COLUMN g geography;\n"
            f"UPDATE {table} SET g = ST_MakePoint(longitude, latitude)::geography;\n"
            f"CREATE INDEX ON {table} USING gist (g); VACUUM ANALYZE {table};"
        )
        os.remove(src)

    def load_layer(self, table, geojson_path, name_key="name"):
        """Each feature of a GeoJSON file as (name, geography)."""
        with open(geojson_path) as f:
            fc = json.load(f)
        values = []
        for feat in fc["features"]:
            name = str(feat["properties"].get(name_key) or feat["properties"].get("corridor") or "").replace("'", "''")
            geom = json.dumps(feat["geometry"]).replace("'", "''")
            values.append(f"('{name}', ST_GeomFromGeoJSON('{geom}')::geography)")
        self.sql(
            f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (name text, g geography);\n"
            f"INSERT INTO {table} VALUES {', '.join(values)}; CREATE INDEX ON {table} USING gist (g); ANALYZE {table};"
        )

    def query_to_csv(self, name, select, out_path, id_col="id", sessions=2):
        """(command, output file it writes): `select` copied to a CSV by
        `sessions` psql sessions at once, each on its share of the points
        (split by a hash of their id), so PostGIS uses every core as
        frontier does (PostgreSQL plans no parallel workers for these
        queries). The command is one shell line that waits for them all."""
        parts = []
        cmds = []
        for i in range(sessions):
            part = os.path.join(self.dir, f"{name}-{i}.csv")
            share = f"mod(abs(hashtext(p.\"{id_col}\")), {sessions}) = {i}"
            q = select.replace(" FROM pts p", f" FROM (SELECT * FROM pts p WHERE {share}) p", 1)
            sql = self.script(f"{name}-{i}.sql", f"\\copy ({q}) TO '{part}' CSV HEADER\n")
            cmds.append(" ".join(shlex.quote(a) for a in self.psql_cmd(sql)))
            parts.append(part)
        merged = os.path.join(self.dir, f"{name}.csv")
        # Wait for every session; fail when any failed; then join the parts.
        line = " ".join(f"{c} & p{i}=$!;" for i, c in enumerate(cmds)) + " " + " && ".join(
            f"wait $p{i}" for i in range(sessions)
        )
        join = f"head -n 1 {shlex.quote(parts[0])} > {shlex.quote(merged)} && " + " && ".join(
            f"tail -n +2 {shlex.quote(p)} >> {shlex.quote(merged)}" for p in parts
        )
        return ["bash", "-c", f"set -e; {line} && {join}"], merged

    def stop(self):
        try:
            self.as_user([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"], quiet=True)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def queries(id_col):
    """The SQL each proximity task runs, given the points' id column."""
    return {
        "near-all": f"SELECT p.\"{id_col}\" AS id, ST_Distance(ST_MakePoint(p.longitude, p.latitude)::geography, d.g) / 1000.0 AS distance_km FROM pts p, durand d",
        "near-50km": f"SELECT p.*, ST_Distance(p.g, d.g) / 1000.0 AS distance_km FROM pts p, durand d WHERE ST_DWithin(p.g, d.g, 50000)",
        "nearest-crossings": f"SELECT p.\"{id_col}\" AS id, c.name, ST_Distance(p.g, c.g) / 1000.0 AS distance_km FROM pts p CROSS JOIN LATERAL (SELECT name, g FROM crossings ORDER BY p.g <-> g LIMIT 3) c",
        "nearest-cpec": f"SELECT p.\"{id_col}\" AS id, c.name, ST_Distance(p.g, c.g) / 1000.0 AS distance_km FROM pts p CROSS JOIN LATERAL (SELECT name, g FROM cpec ORDER BY p.g <-> g LIMIT 3) c",
    }


if __name__ == "__main__":
    # Smoke test: python3 bench/postgis_peer.py POINTS.csv
    import sys

    pg = PostGIS()
    try:
        pg.load_points("pts", sys.argv[1])
        pg.load_layer("durand", "geodata/durand-line.geojson")
        pg.load_layer("crossings", "geodata/crossings.geojson")
        pg.load_layer("cpec", "geodata/cpec-corridors.geojson")
        with open(sys.argv[1], newline="") as f:
            id_col = next(csv.reader(f))[0]
        for name, select in queries(id_col).items():
            cmd, out = pg.query_to_csv(name, select, None, id_col)
            t = time.perf_counter()
            subprocess.run(cmd, check=True)
            with open(out) as f:
                n = sum(1 for _ in f) - 1
            print(f"{name}: {time.perf_counter() - t:.2f} s, {n} rows")
    finally:
        pg.stop()
