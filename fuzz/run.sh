#!/usr/bin/env bash
# Fuzz each reader of frontier, the map files render draws and the statistics
# commands' point files, for a bounded time (default 60 s each):
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
# Seeds come from the test fixtures and the built-in layers; crashes land in
# fuzz/artifacts/TARGET/ and each one found becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv_points geojson_points geojson_layer join_table map_spec stats_inputs)
mkdir -p corpus/csv_points corpus/join_table corpus/geojson_points corpus/geojson_layer corpus/map_spec corpus/stats_inputs
for f in ../tests/fixtures/*.csv; do head -c 65536 "$f" > "corpus/csv_points/seed-$(basename "$f")"; done
for f in ../tests/fixtures/*.csv; do head -c 65536 "$f" > "corpus/join_table/seed-$(basename "$f")"; done
for f in ../geodata/crossings.geojson ../geodata/chaman.geojson; do
    cp "$f" "corpus/geojson_points/seed-$(basename "$f")"
    cp "$f" "corpus/geojson_layer/seed-$(basename "$f")"
done
# stats_inputs: a first byte of settings (period, split, value, hexagons,
# lenient), then the file: each fixture with a few settings.
for f in ../tests/fixtures/*.csv ../assets/events-reference.csv; do
    for b in '\x00' '\x0d' '\x36' '\x2f'; do
        { printf "$b"; head -c 16384 "$f"; } > "corpus/stats_inputs/seed-$(basename "$f")-$(printf '%s' "$b" | tr -d '\\')"
    done
done
for f in ../renders/specs/*.toml; do cp "$f" "corpus/map_spec/seed-$(basename "$f")"; done
for t in "${targets[@]}"; do
    echo "== $t for ${secs}s"
    cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=65536 2>&1 |
        grep -E "^(#[0-9]+ +DONE|==[0-9]+==|SUMMARY|Done)|panicked" || true
done
