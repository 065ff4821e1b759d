#!/usr/bin/env bash
# Every test of frontier: the Rust crate's (`cargo test`, arguments passed
# on), then the Python package's (python/test.sh: a venv of its own from
# PyPI, the package built with maturin, pytest), then the map page's in a
# headless browser (web/test.sh). The Python and browser tests compare
# against the command line that `cargo test` has just built.
set -euo pipefail
cd "$(dirname "$0")"
cargo test "$@"
FRONTIER_BIN="$PWD/target/debug/frontier" python/test.sh
FRONTIER_BIN="$PWD/target/debug/frontier" web/test.sh
