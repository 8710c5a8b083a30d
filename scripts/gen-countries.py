#!/usr/bin/env python3
"""Generate resources/countries.csv: the country table compiled into mp_geo.

    scripts/gen-countries.py [--iso FILE] [--atlas DIR] [--out FILE]

Inputs (nothing is downloaded here):
  * ISO 3166-1 from the Debian iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json)
  * world-atlas TopoJSON (countries-110m.json and countries-50m.json), as unpacked by
    scripts/fetch-data.sh into $MAILPIVOT_DATA_DIR/map (default ~/.local/share/mailpivot/map)

Each row carries a representative point used when an address resolves to a country only:
the centroid of the country's largest polygon in the 110m map (50m for countries too small
to appear there), moved inside the polygon when the centroid falls outside it (a concave
or crescent-shaped country). A few territories appear in neither map; their points are
listed by hand below.

Columns: alpha2,alpha3,numeric,name,latitude,longitude,aliases
  aliases: '|'-separated alternative English names that logs use; matched case-insensitively.

The output is deterministic so that regenerating it gives an empty diff.
"""
import argparse
import csv
import io
import json
import math
import os
import sys
import unicodedata

# Territories absent from both world-atlas maps: a point on the main island / main town.
MANUAL_POINTS = {
    "BQ": (12.18, -68.25),    # Bonaire
    "BV": (-54.42, 3.36),     # Bouvet Island
    "CC": (-12.17, 96.87),    # Cocos (Keeling) Islands
    "CX": (-10.49, 105.63),   # Christmas Island
    "GI": (36.14, -5.35),     # Gibraltar
    "GP": (16.25, -61.58),    # Guadeloupe
    "GF": (3.93, -53.13),     # French Guiana
    "MQ": (14.64, -61.02),    # Martinique
    "YT": (-12.83, 45.14),    # Mayotte
    "RE": (-21.12, 55.53),    # Réunion
    "SJ": (78.22, 15.65),     # Svalbard (Longyearbyen)
    "TK": (-9.17, -171.82),   # Tokelau
    "TV": (-8.52, 179.20),    # Tuvalu (Funafuti)
    "UM": (19.28, 166.65),    # US Minor Outlying Islands (Wake Island)
}

# Names that sign-in and audit logs, WHOIS and other tools use besides the ISO ones.
EXTRA_ALIASES = {
    "BN": ["Brunei"],
    "BO": ["Bolivia"],
    "BS": ["The Bahamas"],
    "CD": ["Congo (Kinshasa)", "DR Congo", "DRC", "Democratic Republic of Congo",
           "Congo, Democratic Republic of the", "Congo, The Democratic Republic of the"],
    "CG": ["Congo (Brazzaville)", "Republic of Congo", "Congo, Republic of the"],
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "FK": ["Falkland Islands"],
    "FM": ["Micronesia"],
    "GB": ["UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "GM": ["The Gambia"],
    "HK": ["Hong Kong SAR", "Hong Kong SAR China", "Hong Kong, China"],
    "IR": ["Iran"],
    "KP": ["North Korea", "Korea, North", "DPRK"],
    "KR": ["South Korea", "Korea", "Korea, South", "Republic of Korea"],
    "LA": ["Laos"],
    "MD": ["Moldova"],
    "MK": ["Macedonia", "Macedonia, the former Yugoslav Republic of"],
    "MM": ["Burma"],
    "MO": ["Macau", "Macao SAR", "Macau SAR", "Macao, China"],
    "NL": ["The Netherlands", "Holland", "Netherlands (Kingdom of the)"],
    "PS": ["Palestine", "Palestinian Territory", "Palestinian Territories"],
    "RU": ["Russia"],
    "SH": ["Saint Helena"],
    "SY": ["Syria"],
    "SZ": ["Swaziland"],
    "TR": ["Turkey", "Turkiye"],
    "TW": ["Taiwan", "Taiwan, Republic of China"],
    "TZ": ["Tanzania"],
    "US": ["USA", "U.S.", "U.S.A.", "America", "United States of America"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "VE": ["Venezuela"],
    "VN": ["Vietnam"],
    "AE": ["UAE"],
    "VG": ["British Virgin Islands"],
    "VI": ["US Virgin Islands", "U.S. Virgin Islands"],
}


def ascii_fold(s):
    """'Côte d'Ivoire' -> 'Cote d'Ivoire', so that logs without diacritics still match."""
    s = s.replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def decode_arcs(topo):
    """Absolute lon/lat coordinates of every arc (TopoJSON quantised, delta-encoded arcs)."""
    t = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for p in arc:
            if t:
                x += p[0]
                y += p[1]
                pts.append((x * t["scale"][0] + t["translate"][0],
                            y * t["scale"][1] + t["translate"][1]))
            else:
                pts.append((p[0], p[1]))
        out.append(pts)
    return out


def ring_coords(arcs, ring):
    pts = []
    for idx in ring:
        a = arcs[idx] if idx >= 0 else list(reversed(arcs[~idx]))
        # Consecutive arcs share their joining point.
        pts.extend(a if not pts else a[1:])
    return pts


def polygons_of(geometry, arcs):
    if geometry.get("type") == "Polygon":
        polys = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polys = geometry["arcs"]
    else:
        return []
    return [[unwrap(ring_coords(arcs, r)) for r in poly] for poly in polys]


def unwrap(ring):
    """Rings cut at the antimeridian (Fiji, Chukotka) jump from -180 to 180 twice; moving the
    western half by +360 makes them contiguous so area and centroid come out right. A ring
    with an odd number of jumps circles a pole (Antarctica) and is left alone."""
    jumps = sum(1 for i in range(len(ring)) if abs(ring[i][0] - ring[i - 1][0]) > 180)
    if jumps == 0 or jumps % 2:
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


def signed_area_centroid(ring):
    """Shoelace area and centroid in plain lon/lat; good enough to rank and place a point."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    a *= 0.5
    if abs(a) < 1e-12:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, (sum(xs) / n, sum(ys) / n)
    return a, (cx / (6 * a), cy / (6 * a))


def inside(ring, x, y):
    c = False
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        if (y0 > y) != (y1 > y):
            xi = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x < xi:
                c = not c
    return c


def inside_polygon(poly, x, y):
    return inside(poly[0], x, y) and not any(inside(h, x, y) for h in poly[1:])


def widest_span_midpoint(poly, y):
    """Midpoint of the widest interior segment of the horizontal line at latitude y."""
    xs = []
    for ring in poly:
        n = len(ring)
        for i in range(n):
            x0, y0 = ring[i]
            x1, y1 = ring[(i + 1) % n]
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    best = None
    for i in range(0, len(xs) - 1, 2):
        w = xs[i + 1] - xs[i]
        if best is None or w > best[0]:
            best = (w, (xs[i] + xs[i + 1]) / 2)
    return None if best is None else best[1]


def representative_point(poly):
    _, (cx, cy) = signed_area_centroid(poly[0])
    if inside_polygon(poly, cx, cy):
        return cy, cx
    # Try the centroid's latitude first, then nearby latitudes, keeping the point inside.
    ys = [p[1] for p in poly[0]]
    lo, hi = min(ys), max(ys)
    for k in range(0, 41):
        for sign in (1, -1):
            y = cy + sign * k * (hi - lo) / 80
            if not lo < y < hi:
                continue
            x = widest_span_midpoint(poly, y)
            if x is not None and inside_polygon(poly, x, y):
                return y, x
    return cy, cx


def polygons_by_id(path):
    """{numeric id (int): [polygon, ...]}; 50m splits some countries over several features
    with one id (Australia and Ashmore and Cartier Is.), so polygons are grouped by id."""
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    arcs = decode_arcs(topo)
    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        gid = g.get("id")
        if gid is None or not str(gid).isdigit():
            continue
        out.setdefault(int(gid), []).extend(polygons_of(g, arcs))
    return {k: v for k, v in out.items() if v}


def point_for(polys):
    """(lat, lon) inside the largest polygon. Area is scaled with cos(latitude) so that
    high-latitude islands do not outweigh the mainland in plate carree."""
    def weight(poly):
        a, (_, cy) = signed_area_centroid(poly[0])
        return abs(a) * math.cos(math.radians(cy))

    lat, lon = representative_point(max(polys, key=weight))
    return lat, (lon + 180) % 360 - 180


def inside_any(polys, lat, lon):
    return any(inside_polygon(p, x, lat) for p in polys for x in (lon, lon + 360))


def main():
    data_dir = os.environ.get("MAILPIVOT_DATA_DIR") or os.path.expanduser("~/.local/share/mailpivot")
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iso", default="/usr/share/iso-codes/json/iso_3166-1.json")
    ap.add_argument("--atlas", default=os.path.join(data_dir, "map"),
                    help="folder with countries-110m.json and countries-50m.json")
    ap.add_argument("--out", default=os.path.join(here, "..", "resources", "countries.csv"))
    args = ap.parse_args()

    for f in (args.iso, os.path.join(args.atlas, "countries-110m.json")):
        if not os.path.exists(f):
            sys.exit(f"gen-countries: {f} not found (iso-codes package; scripts/fetch-data.sh for the map)")

    with open(args.iso, encoding="utf-8") as f:
        iso = json.load(f)["3166-1"]
    g110 = polygons_by_id(os.path.join(args.atlas, "countries-110m.json"))
    g50 = polygons_by_id(os.path.join(args.atlas, "countries-50m.json"))

    rows = []
    sources = {"110m": 0, "50m": 0, "manual": 0}
    for e in sorted(iso, key=lambda e: e["alpha_2"]):
        a2, a3, num = e["alpha_2"], e["alpha_3"], int(e["numeric"])
        # 110m first, as the map draws it; but 110m merges some neighbouring islands or
        # exclaves into one coarse shape (Falklands, Brunei) whose centroid falls in the sea,
        # so a 110m point must also lie on land in the finer 50m map.
        p110 = point_for(g110[num]) if num in g110 else None
        if p110 and (num not in g50 or inside_any(g50[num], *p110)):
            lat, lon = p110
            sources["110m"] += 1
        elif num in g50:
            lat, lon = point_for(g50[num])
            sources["50m"] += 1
        elif a2 in MANUAL_POINTS:
            lat, lon = MANUAL_POINTS[a2]
            sources["manual"] += 1
        else:
            sys.exit(f"gen-countries: no point for {a2} {e['name']}; add it to MANUAL_POINTS")
        name = e["name"]
        aliases = []
        for cand in [e.get("official_name"), e.get("common_name"), *EXTRA_ALIASES.get(a2, [])]:
            if cand:
                aliases.append(cand)
        for cand in list(aliases) + [name]:
            folded = ascii_fold(cand)
            if folded != cand:
                aliases.append(folded)
        seen = {name.lower()}
        uniq = []
        for a in aliases:
            if a.lower() not in seen and "|" not in a:
                seen.add(a.lower())
                uniq.append(a)
        rows.append([a2, a3, f"{num:03d}", name, f"{lat:.4f}", f"{lon:.4f}", "|".join(uniq)])

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["alpha2", "alpha3", "numeric", "name", "latitude", "longitude", "aliases"])
    w.writerows(rows)
    out = os.path.normpath(args.out)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    print(f"gen-countries: wrote {len(rows)} countries to {out} "
          f"(points: {sources['110m']} from 110m, {sources['50m']} from 50m, {sources['manual']} by hand)")


if __name__ == "__main__":
    main()
