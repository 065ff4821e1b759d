#!/usr/bin/env bash
# Side-by-side comparison of frontier with GeoPandas and DuckDB spatial,
# end to end from CSV file to CSV file, on the same machine, in one run.
# Makes its own venv (bench/.venv), builds frontier, generates synthetic
# inputs with `frontier synth`, and writes bench/RESULTS.md.
#
#   bench/compare.sh            # 1M and 10M points
#   SIZES=1000000 bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q --disable-pip-version-check \
  geopandas shapely pyproj geographiclib duckdb duckdb-extension-spatial
cargo build --release --quiet
cargo build --release --quiet --example csv_copy
exec bench/.venv/bin/python bench/compare.py "${SIZES:-1000000,10000000}"
