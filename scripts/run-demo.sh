#!/usr/bin/env bash
# Installs what is needed, builds Mailpivot, builds the demo case from the bundled scenario
# simulator and opens it: in the GUI when there is a display, otherwise it prints what was found.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)"
bin=build/app/mailpivot

demo=${MAILPIVOT_DEMO_DIR:-build/demo}
rm -rf "$demo"
mkdir -p "$demo"
if "$bin" --help | grep -q '^  simulate'; then
  "$bin" simulate --out "$demo/exports" --seed 1 >/dev/null
  inputs=("$demo"/exports/*.json "$demo"/exports/*.csv)
else
  inputs=(tests/data/ingest/*/input*)
fi
"$bin" ingest "$demo/demo.mpcase" "${inputs[@]}" --quiet || true

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && "$bin" --help | grep -q 'GUI'; then
  exec "$bin" "$demo/demo.mpcase"
fi
if "$bin" --help | grep -q '^  detect'; then
  "$bin" detect "$demo/demo.mpcase"
else
  "$bin" sources "$demo/demo.mpcase"
  "$bin" events "$demo/demo.mpcase" --limit 40
fi
