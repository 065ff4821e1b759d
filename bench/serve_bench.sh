#!/usr/bin/env bash
# Benchmarks of `frontier serve` on a million points, side by side with
# PostGIS ST_AsMVT on the same points (bench/serve_bench.py says what is
# measured). Makes its own venv (bench/.venv), installs PostgreSQL and
# PostGIS from Debian's packages when missing (as root; NO_POSTGIS=1 skips
# them), builds frontier, writes bench/SERVE-RESULTS.md. Loopback only;
# each load run is bounded (SECONDS_PER_RUN, 30 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q --disable-pip-version-check "psycopg[binary]"
if [ -z "${NO_POSTGIS:-}" ] && ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
  else
    echo "bench: PostGIS is not installed (apt-get install postgresql postgis, or NO_POSTGIS=1)" >&2
  fi
fi
cargo build --release --quiet
exec bench/.venv/bin/python bench/serve_bench.py
