#!/usr/bin/env bash
# The Python package's tests: builds and installs the package (maturin,
# release; with the `frontier` command line beside it) into a venv of its
# own (python/.venv, made on first use, from PyPI), then runs pytest on
# python/tests (which runs mypy and the example too). With FRONTIER_BIN
# set (./test.sh sets it to the command line `cargo test` has just built),
# that command line is the one installed, rather than building another.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check \
  "maturin>=1.5,<2" pytest numpy pandas pyarrow geopandas geographiclib "dask[dataframe]" distributed \
  duckdb duckdb-extension-spatial pyogrio mypy pandas-stubs dask-geopandas
FRONTIER_CLI_BIN="${FRONTIER_BIN:-}" PATH="$PWD/.venv/bin:$PATH" \
  .venv/bin/pip install -q --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps .
.venv/bin/pytest -q -p no:cacheprovider --import-mode=importlib tests "$@"
