#!/usr/bin/env bash
# benches/verify.sh: how fast Custody verifies a DVC project, next to the tools a user would
# otherwise reach for.
#
# What it measures, on one synthetic DVC project (~1.5 GB of data in ~300 files, tracked by
# `dvc add` as one directory output with cache.type=copy, so the DVC cache holds a second copy of
# every byte: ~3 GB of evidence), in one run, on the same files, each command repeated
# BENCH_REPS times (default 3) and summarised by the median wall time:
#   * coreutils sha256sum and md5sum over the data folder and over the whole project (one
#     process, as a user would run them), and the whole project again with `xargs -P2`;
#   * `dvc status` and `dvc data status`, cold (DVC's hash cache pointed at a fresh empty
#     folder each run, so DVC must re-hash the work tree) and warm;
#   * `custody investigate PROJECT --case NEW --json` (acquire + verify: SHA-256 of every file,
#     then MD5 of every DVC-tracked work-tree file and every cache object) and
#     `custody verify CASE --json` on the case made by the first investigate run (re-hashes
#     everything again in a fresh process).
# For each run it records wall time, user+sys CPU (CPU utilisation = (user+sys)/wall; 2.0 is
# both cores busy) and the bytes the process tree read (/proc/PID/io rchar, and read_bytes: the
# part that came from the disk). The page cache is warmed before every timed run (an untimed
# read of every file: this kernel evicts pages unused for ~30 s); when
# /proc/sys/vm/drop_caches is writable, one cold-cache run of the main commands follows.
# Optionally (when `perf` is installed) one profiled run of each custody command shows where
# the time goes. It then rewrites BENCHMARKS.md at the repository root.
#
# Run (from anywhere). The first release build of custody takes about 30 minutes on 2 cores and
# generating the dataset under a minute; both are reused later. The measuring itself takes about
# 4 minutes, plus any time spent waiting for the machine to be idle:
#   nice -n 10 benches/verify.sh
# Environment (all optional):
#   BENCH_DIR=${TMPDIR:-/tmp}/custody-bench   work folder (dataset in a git-free DVC project, cases,
#                                             raw results); reused when generated with the same
#                                             parameters
#   BENCH_REPS=3  BENCH_SEED=42  BENCH_BIN_FILES=260  BENCH_CSV_FILES=40
#   BENCH_COLD=auto|0|1   cold-cache runs (auto: when drop_caches is writable)
#   BENCH_PERF=auto|0     perf profile of custody (auto: when perf is installed)
#   BENCH_IDLE_WAIT=600   seconds to wait at most, before the timed runs and before a retry,
#                         for a 3-second window with under 0.15 cores busy
#   BENCH_MAX_OTHERS=0.15 BENCH_RETRIES=3   a run during which other work used more than
#                         BENCH_MAX_OTHERS cores is repeated when idle, up to BENCH_RETRIES times
#   BENCH_OUT=<repo>/BENCHMARKS.md
#   CARGO_TARGET_DIR=$HOME/.cache/custody/target
#   BENCH_CUSTODY=/path/to/custody   use this binary instead of building (for trying the script
#                                    out; the numbers in BENCHMARKS.md are from a release build)
# Needs: cargo, python3 (with venv), openssl, coreutils, findutils; PyPI access the first time
# (dvc is installed into $HOME/.cache/custody/bench-venv unless the fixtures venv exists).
set -euo pipefail

started_at=$SECONDS
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/custody-bench}
REPS=${BENCH_REPS:-3}
SEED=${BENCH_SEED:-42}
NBIN=${BENCH_BIN_FILES:-260}
NCSV=${BENCH_CSV_FILES:-40}
COLD=${BENCH_COLD:-auto}
PERF=${BENCH_PERF:-auto}
IDLE_WAIT=${BENCH_IDLE_WAIT:-600}
MAX_OTHERS=${BENCH_MAX_OTHERS:-0.15}
RETRIES=${BENCH_RETRIES:-3}
OUT=${BENCH_OUT:-$REPO/BENCHMARKS.md}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/custody/target}
# DVC must not phone home or start its updater daemon (there is no network here anyway).
export DVC_NO_ANALYTICS=1

say() { printf '[bench %4ds] %s\n' $((SECONDS - started_at)) "$*" >&2; }
die() { say "error: $*"; exit 2; }

case $BENCH_DIR in
    "$REPO"|"$REPO"/*) die "BENCH_DIR must be outside the repository ($BENCH_DIR)";;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ---------------------------------------------------------------------------------------------
# 1. The release binary.
if [[ -n ${BENCH_CUSTODY:-} ]]; then
    CUSTODY=$BENCH_CUSTODY
    say "using the given custody binary $CUSTODY (no build)"
else
    say "building custody (release) in $CARGO_TARGET_DIR"
    (cd "$REPO" && cargo build --release --locked --bin custody) >&2
    CUSTODY=$CARGO_TARGET_DIR/release/custody
fi
[[ -x $CUSTODY ]] || die "no binary at $CUSTODY"

# ---------------------------------------------------------------------------------------------
# 2. A Python environment with the pinned DVC.
REQS=$REPO/fixtures/requirements.txt
DVC_PIN=$(grep -E '^dvc==' "$REQS" | head -n1)
[[ -n $DVC_PIN ]] || die "no dvc== pin in $REQS"
if [[ -x $HOME/.cache/custody/fixtures-venv/bin/dvc ]]; then
    VENV=$HOME/.cache/custody/fixtures-venv
else
    VENV=$HOME/.cache/custody/bench-venv
    if [[ ! -x $VENV/bin/dvc ]] || [[ $("$VENV/bin/dvc" --version 2>/dev/null) != "${DVC_PIN#dvc==}" ]]; then
        say "installing $DVC_PIN into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$REQS" "$DVC_PIN" >&2
    fi
fi
PY=$VENV/bin/python
DVC=$VENV/bin/dvc
DVC_VERSION=$("$DVC" --version)
say "dvc $DVC_VERSION from $VENV"

# ---------------------------------------------------------------------------------------------
# 3. The dataset: a git-free DVC project with `dvc add data`.
PROJECT=$BENCH_DIR/project
WARM_SITE=$BENCH_DIR/dvc-site-warm     # DVC's hash cache for the warm runs (and `dvc add`)
PARAMS="custody-bench-v1 seed=$SEED bin=$NBIN csv=$NCSV dvc=$DVC_VERSION"

# Reproducible file sizes: a 64-bit LCG (bash arithmetic wraps modulo 2^64).
lcg_state=0
lcg_next() { lcg_state=$(( lcg_state * 6364136223846793005 + 1442695040888963407 )); lcg=$(( (lcg_state >> 33) & 0x7fffffff )); }

generate() {
    say "generating the dataset in $PROJECT ($PARAMS)"
    rm -rf "$PROJECT" "$WARM_SITE" "$BENCH_DIR/.generated"
    mkdir -p "$PROJECT/data/tables"
    lcg_state=$SEED
    local i size key shard file
    for ((i = 0; i < NBIN; i++)); do
        lcg_next
        size=$(( 1048576 + lcg % (9 * 1048576 + 1) ))     # 1 MiB .. 10 MiB
        shard=$(printf 'shard-%02d' $((i % 10)))
        file=$PROJECT/data/raw/$shard/blob-$(printf '%04d' "$i").bin
        mkdir -p "${file%/*}"
        # AES-128-CTR keystream: pseudo-random, fast (AES-NI), and the same bytes everywhere for
        # the same key; the key is derived from the seed and the file number.
        key=$(printf 'custody-bench/%s/%d' "$SEED" "$i" | sha256sum | cut -c1-32)
        { openssl enc -aes-128-ctr -K "$key" -iv 00000000000000000000000000000000 -nosalt \
              -in /dev/zero 2>/dev/null || true; } | head -c "$size" > "$file"
        [[ $(stat -c %s "$file") == "$size" ]] || die "short file $file"
    done
    "$PY" "$HERE/lib/gen_csv.py" "$SEED" "$PROJECT/data/tables" "$NCSV"
    (
        cd "$PROJECT"
        export DVC_SITE_CACHE_DIR=$WARM_SITE
        "$DVC" init --no-scm -q
        "$DVC" config core.analytics false
        "$DVC" config core.check_update false
        "$DVC" config cache.type copy
        "$DVC" add -q data
    ) >&2
    printf '%s\n' "$PARAMS" > "$BENCH_DIR/.generated"
}
GENERATED=0
if [[ -f $BENCH_DIR/.generated && $(cat "$BENCH_DIR/.generated") == "$PARAMS" && -f $PROJECT/data.dvc ]]; then
    say "reusing the dataset in $PROJECT"
else
    generate
    GENERATED=1
fi

# Byte and file counts of the sets each tool reads.
sum_sizes() { find "$@" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}'; }   # %d overflows in mawk
count_files() { find "$@" -type f | wc -l; }
DATA_BYTES=$(sum_sizes "$PROJECT/data")
DATA_FILES=$(count_files "$PROJECT/data")
CACHE_BYTES=$(sum_sizes "$PROJECT/.dvc/cache")
CACHE_FILES=$(count_files "$PROJECT/.dvc/cache")
ALL_BYTES=$(sum_sizes "$PROJECT")
ALL_FILES=$(count_files "$PROJECT")
DIR_MD5=$(awk '/md5:/ {print $NF; exit}' "$PROJECT/data.dvc")
say "data: $DATA_FILES files, $DATA_BYTES bytes; whole project: $ALL_FILES files, $ALL_BYTES bytes"

# ---------------------------------------------------------------------------------------------
# 4. Measurements.
RUN_DIR=$BENCH_DIR/run
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/out" "$RUN_DIR/cases" "$RUN_DIR/site"
RESULTS=$RUN_DIR/results.jsonl
: > "$RESULTS"
COMMANDS=$RUN_DIR/commands.tsv     # label <TAB> command line as documented
: > "$COMMANDS"

# This machine's kernel runs DAMON proactive reclaim (a `pageout` scheme in
# /sys/kernel/mm/damon/admin/kdamonds): file pages nobody read for about 30 s are evicted, so a
# page cache warmed once does not stay warm. Every warm run is therefore preceded by an untimed
# read of the whole project (and of the custody binary), and each run's read_bytes (bytes that
# came from the disk, the program's own code and libraries included) is kept.
warm_page_cache() {
    find "$PROJECT" -type f -print0 | xargs -0 cat > /dev/null
    cat "$CUSTODY" > /dev/null
}

# measure MODE LABEL REP [--env K=V]... -- CMD...   (MODE: warm or cold)
# A run during which the rest of the machine used more than MAX_OTHERS cores is set aside (in
# run/discarded.jsonl) and repeated once the machine is idle again, up to RETRIES times.
# FRESH names a file or folder that must be new for each attempt (removed; folders re-made).
FRESH=
WAITED=0
measure() {
    local mode=$1 label=$2 rep=$3
    shift 3
    local line others attempt
    for ((attempt = 1; ; attempt++)); do
        if [[ -n $FRESH ]]; then
            if [[ -d $FRESH ]]; then rm -rf "$FRESH" && mkdir -p "$FRESH"; else rm -f "$FRESH"; fi
        fi
        if [[ $mode == cold ]]; then
            sync
            echo 3 > /proc/sys/vm/drop_caches
        else
            warm_page_cache
        fi
        line=$("$PY" "$HERE/lib/measure.py" --label "$label" --rep "$rep" \
            --stdout "$RUN_DIR/out/$label-$mode-$rep.out" "$@")
        line=${line%\}}", \"mode\": \"$mode\", \"attempt\": $attempt}"
        others=${line##*\"others_cores\": }
        others=${others%%[,\}]*}
        if ((attempt <= RETRIES)) && awk -v o="$others" -v m="$MAX_OTHERS" 'BEGIN {exit !(o > m)}'; then
            printf '%s\n' "$line" >> "$RUN_DIR/discarded.jsonl"
            say "$(printf '%-26s %-4s rep %d: disturbed (other work used %s cores); retrying when idle' "$label" "$mode" "$rep" "$others")"
            local w0=$SECONDS
            "$PY" "$HERE/lib/measure.py" --wait-idle "$IDLE_WAIT" || say "still busy after ${IDLE_WAIT}s; retrying anyway"
            WAITED=$((WAITED + SECONDS - w0))
            continue
        fi
        break
    done
    FRESH=
    printf '%s\n' "$line" >> "$RESULTS"
    say "$(printf '%-26s %-4s rep %d: %s' "$label" "$mode" "$rep" "$line")"
}

doc() { printf '%s\t%s\n' "$1" "$2" >> "$COMMANDS"; }

P=$PROJECT
doc sha256sum-data    "find \$P/data -type f -exec sha256sum {} +"
doc md5sum-data       "find \$P/data -type f -exec md5sum {} +"
doc sha256sum-all     "find \$P -type f -exec sha256sum {} +"
doc md5sum-all        "find \$P -type f -exec md5sum {} +"
doc sha256sum-all-P2  "find \$P -type f -print0 | xargs -0 -n 4 -P 2 sha256sum"
doc md5sum-all-P2     "find \$P -type f -print0 | xargs -0 -n 4 -P 2 md5sum"
doc dvc-status        "cd \$P && DVC_SITE_CACHE_DIR=<dir> dvc status"
doc dvc-data-status   "cd \$P && DVC_SITE_CACHE_DIR=<dir> dvc data status --json"
doc custody-investigate "custody investigate \$P --case <new file> --json"
doc custody-verify    "custody verify <case of the first investigate run> --json   (cold: the cold investigate run's case)"

run_hashers() {     # MODE REP
    measure "$1" sha256sum-data "$2" -- find "$P/data" -type f -exec sha256sum {} +
    measure "$1" md5sum-data "$2" -- find "$P/data" -type f -exec md5sum {} +
    measure "$1" sha256sum-all "$2" -- find "$P" -type f -exec sha256sum {} +
    measure "$1" md5sum-all "$2" -- find "$P" -type f -exec md5sum {} +
    measure "$1" sha256sum-all-P2 "$2" -- bash -c 'find "$1" -type f -print0 | xargs -0 -n 4 -P 2 sha256sum' _ "$P"
    measure "$1" md5sum-all-P2 "$2" -- bash -c 'find "$1" -type f -print0 | xargs -0 -n 4 -P 2 md5sum' _ "$P"
}

run_dvc_cold() {     # MODE REP
    local site
    site=$(mktemp -d "$RUN_DIR/site/cold-XXXXXX")
    FRESH=$site
    measure "$1" dvc-status-cold "$2" --env "DVC_SITE_CACHE_DIR=$site" -- env -C "$P" "$DVC" status
    [[ $1 == cold ]] && return
    site=$(mktemp -d "$RUN_DIR/site/cold-XXXXXX")
    FRESH=$site
    measure "$1" dvc-data-status-cold "$2" --env "DVC_SITE_CACHE_DIR=$site" -- env -C "$P" "$DVC" data status --json
}
run_dvc_warm() {     # REP
    measure warm dvc-status-warm "$1" --env "DVC_SITE_CACHE_DIR=$WARM_SITE" -- env -C "$P" "$DVC" status
    measure warm dvc-data-status-warm "$1" --env "DVC_SITE_CACHE_DIR=$WARM_SITE" -- env -C "$P" "$DVC" data status --json
}

FIRST_CASE=$RUN_DIR/cases/investigate-1.custody
run_investigate() {  # MODE REP
    local c=$RUN_DIR/cases/investigate-$1-$2.custody
    FRESH=$c
    measure "$1" custody-investigate "$2" -- "$CUSTODY" investigate "$P" --case "$c" --json
    if [[ $1 == warm && $2 == 1 ]]; then cp "$c" "$FIRST_CASE"; fi
}
# DVC rewrites .dvc/tmp/lock (its PID) on every command, so a case is only verified when no DVC
# command ran since it was made: otherwise custody rightly reports that file as changed.
run_verify() {       # MODE REP CASE
    measure "$1" custody-verify "$2" -- "$CUSTODY" verify "$3" --json
}

# Other work on the machine skews the numbers (2 cores: one busy compiler halves custody's
# parallelism). Wait up to IDLE_WAIT seconds for the machine to be idle before the timed runs
# (and again before any run that was disturbed), and record what the machine did besides our
# commands (from /proc/stat) for the report.
wait_started=$SECONDS
say "waiting for the machine to be idle (at most ${IDLE_WAIT}s)"
"$PY" "$HERE/lib/measure.py" --wait-idle "$IDLE_WAIT" || say "machine still busy; measuring anyway"
WAITED=$((WAITED + SECONDS - wait_started))
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

say "timed runs, page cache warm (every file re-read, untimed, before each run), $REPS repetitions each (load average $LOAD_START)"
T0=$SECONDS
for ((r = 1; r <= REPS; r++)); do run_hashers warm "$r"; done
# Prime the warm DVC hash cache (the state `dvc add` left is already warm; this makes sure).
env -C "$P" DVC_SITE_CACHE_DIR="$WARM_SITE" "$DVC" status > /dev/null
env -C "$P" DVC_SITE_CACHE_DIR="$WARM_SITE" "$DVC" data status --json > /dev/null || true
for ((r = 1; r <= REPS; r++)); do run_dvc_cold warm "$r"; done
for ((r = 1; r <= REPS; r++)); do run_dvc_warm "$r"; done
for ((r = 1; r <= REPS; r++)); do run_investigate warm "$r"; done
for ((r = 1; r <= REPS; r++)); do run_verify warm "$r" "$FIRST_CASE"; done
TIMED_S=$((SECONDS - T0))
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# Where custody's time goes: one profiled run of each (untimed, sampled with perf).
PERF_DIR=$RUN_DIR/perf
if [[ $PERF != 0 ]] && command -v perf > /dev/null; then
    mkdir -p "$PERF_DIR"
    say "profiling custody with perf"
    for what in investigate verify; do
        if [[ $what == investigate ]]; then
            args=(investigate "$P" --case "$PERF_DIR/investigate.custody" --json)
        else
            cp "$FIRST_CASE" "$PERF_DIR/verify.custody"
            args=(verify "$PERF_DIR/verify.custody" --json)
        fi
        warm_page_cache
        if perf record -q -F 999 -o "$PERF_DIR/$what.data" -- "$CUSTODY" "${args[@]}" > /dev/null 2> "$PERF_DIR/$what.err" \
            || [[ $? == 1 ]]; then
            perf report -i "$PERF_DIR/$what.data" --stdio --no-children --sort symbol --percent-limit 1 \
                2> /dev/null | grep -E '^ +[0-9]' > "$PERF_DIR/$what.txt" || true
        fi
    done
fi

# Cold page cache: one run each, after dropping the kernel's caches.
COLD_DONE=0
if [[ $COLD == 1 || ( $COLD == auto && -w /proc/sys/vm/drop_caches ) ]]; then
    if sync && echo 3 2> /dev/null > /proc/sys/vm/drop_caches; then
        say "cold-cache runs (drop_caches before each)"
        measure cold sha256sum-all 1 -- find "$P" -type f -exec sha256sum {} +
        measure cold md5sum-all 1 -- find "$P" -type f -exec md5sum {} +
        run_dvc_cold cold 1
        run_investigate cold 1
        run_verify cold 1 "$RUN_DIR/cases/investigate-cold-1.custody"
        COLD_DONE=1
    else
        say "cannot drop caches; skipping cold-cache runs"
    fi
fi

# ---------------------------------------------------------------------------------------------
# 5. The report.
META=$RUN_DIR/meta.json
"$PY" - "$META" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "nproc": int("$(nproc)"),
    "cpu": """$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')""",
    "cpu_flags": """$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'sha_ni|aes|avx2|avx512f' | sort | tr '\n' ' ')""".split(),
    "mem": """$(free -g | awk '/^Mem:/ {print $2 " GiB"}')""",
    "kernel": "$(uname -r)",
    "reps": $REPS,
    "seed": $SEED,
    "params": "$PARAMS",
    "bench_dir": "$BENCH_DIR",
    "data_bytes": $DATA_BYTES, "data_files": $DATA_FILES,
    "cache_bytes": $CACHE_BYTES, "cache_files": $CACHE_FILES,
    "all_bytes": $ALL_BYTES, "all_files": $ALL_FILES,
    "dir_md5": "$DIR_MD5",
    "bin_files": $NBIN, "csv_files": $NCSV,
    "versions": {
        "custody": """$("$CUSTODY" --version)""",
        "custody_commit": """$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes)')""",
        "rustc": """$(rustc --version)""",
        "dvc": "$DVC_VERSION",
        "python": """$("$PY" --version)""",
        "coreutils": """$(sha256sum --version | head -n1)""",
        "openssl": """$(openssl version)""",
    },
    "cold_done": bool($COLD_DONE),
    "load_start": "$LOAD_START", "load_end": "$LOAD_END",
    "timed_section_s": $TIMED_S, "max_others": $MAX_OTHERS,
    "generated": bool($GENERATED),
    "custody_binary": "$CUSTODY",
    "custody_given": bool(${BENCH_CUSTODY:+1}0),
    "perf_dir": "$PERF_DIR",
    "elapsed_s": $((SECONDS - started_at)),
    "waited_s": $WAITED,
}, open(sys.argv[1], "w"), indent=1)
EOF
"$PY" "$HERE/lib/report.py" --meta "$META" --results "$RESULTS" --commands "$COMMANDS" \
    --out "$OUT" --runs "$RUN_DIR"
say "wrote $OUT (raw results in $RESULTS); total $((SECONDS - started_at)) s"
