#!/usr/bin/env bash
# The page's tests in a real browser: headless Chromium (Debian's
# `chromium` package, driven by Playwright for Python, which is told where
# it is and downloads no browser of its own), against `frontier serve` on
# the loopback, compared with the command line's own outputs. A venv of
# their own (web/.venv, from PyPI). Screenshots go to renders/.
#
#   FRONTIER_BIN=target/debug/frontier web/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check "playwright>=1.45,<2" pytest mapbox-vector-tile
export FRONTIER_BIN="${FRONTIER_BIN:-$PWD/../target/debug/frontier}"
export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
if [ -z "$CHROMIUM" ]; then
  if [ -n "${CI:-}" ]; then
    echo "web/test.sh: Debian's chromium is needed (apt-get install chromium)" >&2
    exit 1
  fi
  echo "web/test.sh: no chromium: the browser tests are skipped (apt-get install chromium)" >&2
  exit 0
fi
# Playwright must not fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
.venv/bin/pytest -q -p no:cacheprovider tests "$@"
