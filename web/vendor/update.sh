#!/usr/bin/env bash
# Vendor MapLibre GL JS from its npm registry package at a pinned version:
# the built library, its stylesheet and its licence, copied into this
# folder (embedded in the frontier binary at build time). Node.js is not
# needed to build or run frontier; only this script uses npm.
#
#   web/vendor/update.sh            # the pinned version
#   web/vendor/update.sh 6.21.0     # another version (then update VERSION below)
set -euo pipefail
VERSION="${1:-6.20.0}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "maplibre-gl@$VERSION" >/dev/null
tar -xzf "maplibre-gl-$VERSION.tgz"
# Version 6 is ES modules: the library, and the worker it loads from
# beside itself.
cp package/dist/maplibre-gl.mjs "$here/maplibre-gl.mjs"
cp package/dist/maplibre-gl-worker.mjs "$here/maplibre-gl-worker.mjs"
cp package/dist/maplibre-gl.css "$here/maplibre-gl.css"
# The source maps are not vendored: drop the comments that point to them.
sed -i '/^\/\/# sourceMappingURL=/d' "$here/maplibre-gl.mjs" "$here/maplibre-gl-worker.mjs"
cp package/LICENSE.txt "$here/LICENSE-maplibre-gl.txt"
sha256sum "maplibre-gl-$VERSION.tgz" | cut -d' ' -f1 > sha
cat > "$here/VERSION" <<INFO
maplibre-gl $VERSION (npm registry package maplibre-gl-$VERSION.tgz, sha256 $(cat sha))
Files: dist/maplibre-gl.mjs, dist/maplibre-gl-worker.mjs, dist/maplibre-gl.css, LICENSE.txt (BSD-3-Clause)
INFO
echo "vendored maplibre-gl $VERSION into $here"
