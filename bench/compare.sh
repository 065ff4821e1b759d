#!/usr/bin/env bash
# Side-by-side comparison of frontier with GeoPandas, DuckDB spatial and
# PostGIS, end to end from CSV file to CSV file, on the same machine, in
# one run. Makes its own venv (bench/.venv), installs PostgreSQL and PostGIS
# from Debian's packages when they are missing (as root; NO_POSTGIS=1 skips
# them), builds frontier and its Python package, generates synthetic inputs with `frontier synth`
# (clustered events, and points uniform over the region and over a box that
# is mostly Afghanistan), and writes bench/RESULTS.md. PostGIS runs in a
# throw-away cluster in a temporary folder, on a Unix socket only.
#
#   bench/compare.sh            # 1M and 10M points (proximity on 1M)
#   SIZES=1000000 bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q --disable-pip-version-check \
  geopandas shapely pyproj geographiclib duckdb duckdb-extension-spatial
if [ -z "${NO_POSTGIS:-}" ] && ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
  else
    echo "bench: PostGIS is not installed (apt-get install postgresql postgis, or NO_POSTGIS=1)" >&2
  fi
fi
cargo build --release --quiet
cargo build --release --quiet --example csv_copy
# The Python package, for the in-memory comparison with geopandas.sjoin.
bench/.venv/bin/pip install -q --disable-pip-version-check maturin
PATH="$PWD/bench/.venv/bin:$PATH" bench/.venv/bin/pip install -q --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps ./python
exec bench/.venv/bin/python bench/compare.py "${SIZES:-1000000,10000000}"
