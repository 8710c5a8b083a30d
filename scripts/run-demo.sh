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
# The demo tenant: the seed's attack scenarios, a two-victim campaign and benign traps.
"$bin" simulate --out "$demo/exports" --seed 1 >/dev/null
exports=("$demo/exports/signins.json" "$demo/exports/audit.csv" "$demo/exports/messagetrace.csv")
"$bin" ingest "$demo/demo.mpcase" "${exports[@]}"
# The case's own tuning file: detect reads it by default, the workspace adds to it.
cp "$demo/exports/tuning.json" "$demo/demo.tuning.json"
"$bin" detect "$demo/demo.mpcase" >"$demo/findings.txt"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$bin" "$demo/demo.mpcase"
fi
cat "$demo/findings.txt"
