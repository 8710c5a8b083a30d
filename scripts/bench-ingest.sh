#!/usr/bin/env bash
# Ingest benchmark: `mailpivot ingest` against a plain-Python import of the same Purview audit
# export, side by side, each pinned to one core.
#
#   scripts/bench-ingest.sh [N]        N records (default 1000000: 887 MB at ~887 bytes/record)
#   scripts/bench-ingest.sh 2420000    the "2 GB export" run (2.15e9 bytes = 2.0 GiB; needs ~9 GB
#                                      free in $BENCH_DIR for the CSV, a case and the Python db)
#
# Steps: builds Release into build-bench when needed (cmake --build is a no-op when up to date),
# generates the CSV once with bench/purview_gen_bench.cpp (cached in $BENCH_DIR, keyed on N, seed
# and the generator's source), then times, each on a fresh case / database, pinned with
# `taskset -c $BENCH_CPU` under `/usr/bin/time -v`:
#   mailpivot+geo  `mailpivot ingest` with the GeoIP data of scripts/fetch-data.sh, if present
#                  (~/.local/share/mailpivot: the realistic case)
#   mailpivot      `mailpivot ingest --geo-dir <empty dir>` (no enrichment)
#   python         scripts/bench_ingest_python.py (csv + json + sqlite3, same columns, indexes)
# and prints records, MB (10^6 bytes of input), wall and CPU seconds, records/s, MB/s, peak RSS,
# rows imported, case size, and the ratios. Wall time is what a user waits; CPU time
# (user + sys) is the better figure when the machine is shared, since another process on the same
# core stretches wall time but not CPU time. Both runs read the file from the page cache.
#
# Targets (ingestion issue): >= 150 MB/s (~200k records/s) on one core with the original records
# kept and indexes built, >= 5x the Python script, and peak RSS that does not grow with the file
# (< 300 MB for a 2 GB export).
#
# With BENCH_STAGES=1, bench/ingest_stages_bench.cpp then runs once on the same file and core:
# each stage of the import (SHA-256, read, GeoIP, rows, text, indexes) timed on its own, set
# against the budget of the 150 MB/s target.
#
# Environment: BENCH_DIR (default /tmp/mailpivot-bench), BENCH_SEED (default 20230920), BENCH_CPU
# (default 0), BENCH_RUNS (rounds of every run, default 1; with more, the table shows each run's
# median round by CPU time: use an odd number), BENCH_STAGES=1, BENCH_SKIP_PYTHON=1, BENCH_SKIP_NOGEO=1,
# BENCH_KEEP=1 (keep the cases), MAILPIVOT_BUILD (build dir, default <repo>/build-bench),
# MAILPIVOT_BIN (a mailpivot to time instead of the one built here).
#
# Needs /usr/bin/time (GNU time: `apt-get install time`; installed here when missing and running
# as root), taskset (util-linux) and python3.
set -euo pipefail

N=${1:-1000000}
[[ $N =~ ^[0-9]+$ && $N -gt 0 ]] || { echo "usage: $0 [RECORDS]" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${MAILPIVOT_BUILD:-$ROOT/build-bench}
BENCH_DIR=${BENCH_DIR:-/tmp/mailpivot-bench}
SEED=${BENCH_SEED:-20230920}
CPU=${BENCH_CPU:-0}
RUNS=${BENCH_RUNS:-1}
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || { echo "BENCH_RUNS must be a positive number" >&2; exit 2; }
GEO_DIR=${MAILPIVOT_DATA_DIR:-$HOME/.local/share/mailpivot}

die() { echo "bench-ingest: $*" >&2; exit 1; }

# GNU time gives peak RSS (the shell's `time` keyword does not).
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "bench-ingest: /usr/bin/time is missing: installing the 'time' package with apt-get" >&2
        apt-get install -y -q time >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
            || die "could not install 'time'"
    else
        die "/usr/bin/time is missing: apt-get install time"
    fi
fi
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
command -v python3 >/dev/null || die "python3 is missing"

# --- build --------------------------------------------------------------------------------------
if [[ ! -f $BUILD/build.ninja && ! -f $BUILD/Makefile ]]; then
    gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
    cmake -S "$ROOT" -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake configure failed"
fi
targets=(--target purview_gen_bench)
[[ -z ${BENCH_STAGES:-} ]] || targets+=(--target ingest_stages_bench)
[[ -n ${MAILPIVOT_BIN:-} ]] || targets+=(--target mailpivot)
cmake --build "$BUILD" "${targets[@]}" >"$BUILD/bench-ingest-build.log" 2>&1 \
    || { tail -20 "$BUILD/bench-ingest-build.log" >&2; die "build failed (cmake --build $BUILD)"; }
GEN=$BUILD/bench/purview_gen_bench
MP=${MAILPIVOT_BIN:-$BUILD/app/mailpivot}
[[ -x $GEN && -x $MP ]] || die "missing $GEN or $MP"
grep -qi '^CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" 2>/dev/null \
    || echo "bench-ingest: warning: $BUILD is not a Release build" >&2

# --- input --------------------------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
genhash=$(sha1sum "$ROOT/bench/purview_gen_bench.cpp" | cut -c1-8)
CSV=$BENCH_DIR/purview-$N-s$SEED-$genhash.csv
avail=$(df -Pk "$BENCH_DIR" | awk 'NR==2 {print $4}')
need=$((N * 4 / 1024 + 1))   # KB: the CSV (~0.9 KB/record) plus a case and the Python db
[[ -f $CSV ]] && need=$((N * 3 / 1024 + 1))
((avail > need)) || die "$BENCH_DIR has $((avail / 1024)) MB free, needs ~$((need / 1024)) MB for $N records"
if [[ ! -f $CSV ]]; then
    echo "generating $CSV" >&2
    "$GEN" --records "$N" --seed "$SEED" --out "$CSV.part"
    mv "$CSV.part" "$CSV"
fi
BYTES=$(stat -c %s "$CSV")

RUN=$BENCH_DIR/run
rm -rf "$RUN"
mkdir -p "$RUN/no-geo"
RESULTS=$RUN/results.tsv
: >"$RESULTS"

# run LABEL OUTPUT_DB -- COMMAND...: times COMMAND on one core and appends a result line.
run() {
    local label=$1 db=$2
    shift 3
    rm -f "$db" "$db-wal" "$db-shm"
    cat "$CSV" >/dev/null # same warm page cache for every run
    echo "running $label: $*" >&2
    local rc=0
    taskset -c "$CPU" /usr/bin/time -v -o "$RUN/$label.time" "$@" >"$RUN/$label.out" 2>"$RUN/$label.err" || rc=$?
    local size=0
    [[ -f $db ]] && size=$( (du -cb "$db" "$db-wal" 2>/dev/null || true) | tail -1 | cut -f1)
    python3 - "$label" "$rc" "$size" "$RUN/$label.time" "$RUN/$label.out" >>"$RESULTS" <<'EOF'
import json, re, sys
label, rc, size, timefile, outfile = sys.argv[1:]
t = open(timefile).read()
def field(name):
    m = re.search(re.escape(name) + r"\): (\S+)", t) or re.search(re.escape(name) + r": (\S+)", t)
    return m.group(1) if m else "0"
wall = 0.0
for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss").split(":"):
    wall = wall * 60 + float(part)
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)"))
imported = -1
try:
    doc = json.loads(open(outfile).read().strip().splitlines()[-1])
    imported = doc["files"][0]["imported"] if "files" in doc else doc["imported"]
except Exception:
    pass
print("\t".join(map(str, [label, rc, wall, cpu, rss, imported, size])))
EOF
    if [[ $rc -ne 0 ]]; then
        echo "bench-ingest: $label exited with $rc; stderr:" >&2
        tail -5 "$RUN/$label.err" >&2 || true
        head -1 "$RUN/$label.time" >&2 || true
    fi
    [[ -n ${BENCH_KEEP:-} ]] || rm -f "$db" "$db-wal" "$db-shm"
}

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" >&2
[[ -d $GEO_DIR/geo ]] \
    || echo "bench-ingest: no GeoIP data in $GEO_DIR/geo (scripts/fetch-data.sh): the realistic run is skipped" >&2
# The rounds interleave the three runs, so that a slow spell of a shared machine does not fall on
# one of them only; the table shows each run's median round by CPU time.
for ((round = 1; round <= RUNS; ++round)); do
    [[ ! -d $GEO_DIR/geo ]] \
        || run mailpivot+geo "$RUN/geo.mpcase" -- "$MP" ingest "$RUN/geo.mpcase" "$CSV" --json --geo-dir "$GEO_DIR"
    [[ -n ${BENCH_SKIP_NOGEO:-} ]] \
        || run mailpivot "$RUN/nogeo.mpcase" -- "$MP" ingest "$RUN/nogeo.mpcase" "$CSV" --json --geo-dir "$RUN/no-geo"
    [[ -n ${BENCH_SKIP_PYTHON:-} ]] \
        || run python "$RUN/python.db" -- python3 "$ROOT/scripts/bench_ingest_python.py" "$CSV" "$RUN/python.db"
done
echo "load average after the runs:  $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -n ${BENCH_STAGES:-} ]]; then
    cat "$CSV" >/dev/null
    echo "running the stages of an import one by one: ingest_stages_bench" >&2
    STAGES=$(taskset -c "$CPU" "$BUILD/bench/ingest_stages_bench" "$CSV" --geo-dir "$GEO_DIR" --case "$RUN/stages.mpcase") \
        || die "ingest_stages_bench failed"
    rm -f "$RUN/stages.mpcase" "$RUN/stages.mpcase-wal" "$RUN/stages.mpcase-shm"
fi

# --- table --------------------------------------------------------------------------------------
status=0
python3 - "$N" "$BYTES" "$CSV" "$RESULTS" "$CPU" <<'EOF' || status=$?
import sys
n, nbytes, csv, results, cpu = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
mb = nbytes / 1e6
rounds = {}
for l in open(results):
    if l.strip():
        row = l.rstrip("\n").split("\t")
        rounds.setdefault(row[0], []).append(row)
# A failed round is reported as the run's result; otherwise the median round by CPU time.
rows = []
for label, runs in rounds.items():
    bad = [r for r in runs if r[1] != "0"]
    rows.append(bad[0] if bad else sorted(runs, key=lambda r: float(r[3]))[(len(runs) - 1) // 2])
nruns = max(len(r) for r in rounds.values()) if rounds else 0
print(f"\ninput  {csv}\n       {n:,} records, {mb:,.1f} MB ({nbytes / n:.0f} bytes/record), one core (taskset -c {cpu})")
print(f"       {'median of ' + str(nruns) + ' rounds by CPU time' if nruns > 1 else 'one round'}\n")
head = ("run", "records", "MB", "wall s", "cpu s", "rec/s", "MB/s", "rec/s cpu", "MB/s cpu",
        "peak RSS MB", "imported", "db MB", "exit")
fmt = "{:<14}{:>10}{:>9}{:>9}{:>9}{:>10}{:>8}{:>11}{:>10}{:>13}{:>11}{:>9}{:>6}"
print(fmt.format(*head))
rate = {}
failed = []
for label, rc, wall, cpu_s, rss, imported, size in rows:
    wall, cpu_s, rss, imported, size = float(wall), float(cpu_s), int(rss), int(imported), int(size)
    ok = rc == "0" and imported == n and wall > 0 and cpu_s > 0
    if ok:
        rate[label] = (n / wall, n / cpu_s)
        cells = (f"{n / wall:,.0f}", f"{mb / wall:.1f}", f"{n / cpu_s:,.0f}", f"{mb / cpu_s:.1f}")
    else:
        failed.append(label)
        cells = ("FAILED", "-", "-", "-")
    print(fmt.format(label, f"{n:,}", f"{mb:,.0f}", f"{wall:.1f}", f"{cpu_s:.1f}", *cells,
                     f"{rss / 1024:.0f}", f"{imported:,}" if imported >= 0 else "?",
                     f"{size / 1e6:,.0f}", rc))
print()
if "python" in rate:
    py_w, py_c = rate["python"]
    for label in ("mailpivot+geo", "mailpivot"):
        if label in rate:
            w, c = rate[label]
            print(f"{label:<14} vs python: {w / py_w:.1f}x wall, {c / py_c:.1f}x cpu")
for label in failed:
    print(f"FAILED: {label} crashed, failed or did not import all {n:,} records "
          f"(see {results.rsplit('/', 1)[0]}/{label}.err and .time)")
sys.exit(1 if failed else 0)
EOF
if [[ -n ${STAGES:-} ]]; then
    echo
    echo "stages of the import, each on its own (bench/ingest_stages_bench.cpp, one core):"
    echo "$STAGES"
fi
exit $status
