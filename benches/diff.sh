#!/usr/bin/env bash
# benches/diff.sh: how fast `custody diff` compares two versions of a table row by row and two
# large lineages, next to what a user would otherwise run on the same repository.
#
# Two datasets, both made by the real tools (numpy/pandas/pyarrow, git, DVC; never hand-written
# imitations of their output), cached in the work folder:
#   * rows: a git + DVC project holding `data/snap.parquet`, a 1,000,000-row transactions table
#     (BENCH_DIFF_ROWS; `txn_id` key and nine int/float/bool/timestamp/string columns, some
#     nulls), added with `dvc add` and tagged v1; then a second snapshot (2% of rows removed, 1%
#     changed in one or two columns, 3% added, every row shuffled), `dvc add`, tagged v2. DVC's
#     cache (cache.type default: copy here) keeps both versions.
#   * lineage: a git + DVC project whose pipeline has BENCH_DIFF_ITEMS (1,700) `foreach` item
#     stages (two raw CSVs in, three outs each) over many small dvc.yaml files, and an aggregate
#     stage that depends on every out; `dvc repro`, tagged v1. v2: BENCH_DIFF_CHANGED (25) raw
#     inputs edited and the aggregate's parameter changed, `dvc repro` (re-runs those items and
#     the aggregate). v3: the parameter every item stage reads (`process.scale`) changed,
#     `dvc repro` (re-runs everything). Upstream of `data/summary.json` are ~10,200 nodes in
#     custody's graph at each version (counted from `custody graph --format json`).
# Then, in one run, each command BENCH_REPS times (default 3), median wall time, CPU and peak RSS:
#   rows:    `dvc diff --json v1 v2` (file level: what DVC offers); a pandas row-level diff
#            (benches/lib/diff_pandas.py: read both Parquet files, outer merge with
#            indicator=True on every column, changed rows paired by txn_id; and again with the
#            per-column summaries custody also computes); `custody diff CASE
#            project/data/snap.parquet@v1 project/data/snap.parquet@v2 --json`. The counts
#            (rows added/removed/changed/unchanged and changed rows per column) of pandas,
#            custody and the generator's record must agree, or the script fails.
#   lineage: `dvc diff --json` and `git diff --stat` between the tags, and `custody diff CASE
#            project/data/summary.json@vA project/data/summary.json@vB --json`, for v1→v2 (a few
#            branches differ) and v2→v3 (every stage and out differs).
#   both:    `custody graph CASE REF --depth 1 --format json` (opening the case and loading its
#            graph, the fixed part of every diff) and, when perf is installed, one profiled run
#            of each custody diff (where the time goes); with BENCH_PERF not 0, one run of the
#            lineage's `dvc diff` under cProfile (where DVC's time goes).
# The lineage diffs are also checked against git: custody's data root causes must be the
# pipeline inputs `git diff --name-only` says changed (a mismatch is reported, not fatal).
# Before every timed run the page cache is warmed (an untimed read of the evidence, the case,
# the binaries and the Python packages; this kernel evicts pages unused for ~30 s) and 1 GiB of
# fresh memory is touched (this VM's balloon makes first-touched memory slow; see below); the script
# waits for the machine to be idle and repeats runs that other work disturbed, as
# benches/verify.sh does. It writes the marked "diff" section of BENCHMARKS.md
# (benches/lib/section.py).
#
# Run:  nice -n 10 benches/diff.sh
# The first run generates the datasets (about 15-25 minutes on 2 cores, nearly all of it
# `dvc repro` of the item stages) and builds custody in release mode (about 30 minutes); later
# runs reuse both. Environment (all optional):
#   BENCH_DIR=${TMPDIR:-/tmp}/custody-bench-diff   work folder (datasets, cases, raw results)
#   BENCH_REPS=3  BENCH_SEED=42  BENCH_DIFF_ROWS=1000000
#   BENCH_DIFF_ITEMS=1700  BENCH_DIFF_PER_SHARD=10  BENCH_DIFF_CHANGED=25
#   BENCH_PERF=auto|0  BENCH_PRETOUCH_MB=1024  BENCH_DROP=0|1   (see "Before every timed run")
#   BENCH_IDLE_WAIT=600  BENCH_MAX_OTHERS=0.15  BENCH_RETRIES=3
#   BENCH_OUT=<repo>/BENCHMARKS.md
#   BENCH_DIFF_GENERATE_ONLY=1       make (or check) the datasets and stop
#   BENCH_CUSTODY=/path/to/custody   use this binary instead of building (for trying the script
#                                    out; the numbers in BENCHMARKS.md are from a release build)
# Needs: cargo, git, python3 (with venv); PyPI the first time unless the fixtures venv exists.
set -euo pipefail

started_at=$SECONDS
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
. "$REPO/scripts/env"
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/custody-bench-diff}
REPS=${BENCH_REPS:-3}
SEED=${BENCH_SEED:-42}
ROWS=${BENCH_DIFF_ROWS:-1000000}
ITEMS=${BENCH_DIFF_ITEMS:-1700}
PER_SHARD=${BENCH_DIFF_PER_SHARD:-10}
CHANGED=${BENCH_DIFF_CHANGED:-25}
PERF=${BENCH_PERF:-auto}
IDLE_WAIT=${BENCH_IDLE_WAIT:-600}
MAX_OTHERS=${BENCH_MAX_OTHERS:-0.15}
RETRIES=${BENCH_RETRIES:-3}
OUT=${BENCH_OUT:-$REPO/BENCHMARKS.md}
export DVC_NO_ANALYTICS=1
# git commits of the generated projects: fixed identity and dates, so the same seed gives the
# same history.
export GIT_AUTHOR_NAME="Bench" GIT_AUTHOR_EMAIL="bench@example.com" GIT_COMMITTER_NAME="Bench" GIT_COMMITTER_EMAIL="bench@example.com"

say() { printf '[diff %4ds] %s\n' $((SECONDS - started_at)) "$*" >&2; }
die() { say "error: $*"; exit 2; }

case $BENCH_DIR in
    "$REPO"|"$REPO"/*) die "BENCH_DIR must be outside the repository ($BENCH_DIR)";;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ---------------------------------------------------------------------------------------------
# 1. Python with the pinned DVC, pandas, pyarrow and numpy (the fixtures' venv when it exists).
REQS=$REPO/fixtures/requirements.txt
pin() { grep -E "^$1==" "$REQS" | head -n1; }
if [[ -x $HOME/.cache/custody/fixtures-venv/bin/dvc ]]; then
    VENV=$HOME/.cache/custody/fixtures-venv
else
    VENV=$HOME/.cache/custody/bench-venv
fi
if ! "$VENV/bin/python" -c 'import dvc, pandas, pyarrow, numpy' 2> /dev/null \
    || [[ $("$VENV/bin/dvc" --version 2>/dev/null) != "$(pin dvc | cut -d= -f3)" ]]; then
    say "installing $(pin dvc) $(pin pandas) $(pin pyarrow) $(pin numpy) into $VENV"
    [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$REQS" \
        "$(pin dvc)" "$(pin pandas)" "$(pin pyarrow)" "$(pin numpy)" >&2
fi
PY=$VENV/bin/python
DVC=$VENV/bin/dvc
export PATH=$VENV/bin:$PATH     # the pipeline's stages run `python`
VERSIONS=$("$PY" -c 'import dvc.version, pandas, pyarrow, numpy, sys; print(dvc.version.__version__, pandas.__version__, pyarrow.__version__, numpy.__version__, sys.version.split()[0])')
read -r DVC_VERSION PANDAS_VERSION PYARROW_VERSION NUMPY_VERSION PY_VERSION <<< "$VERSIONS"
say "dvc $DVC_VERSION, pandas $PANDAS_VERSION, pyarrow $PYARROW_VERSION, numpy $NUMPY_VERSION (Python $PY_VERSION) from $VENV"
SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
STDLIB=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')

new_repo() {   # DIR: an empty git + DVC project
    rm -rf "$1"
    mkdir -p "$1"
    git -C "$1" init -q -b main
    git -C "$1" config commit.gpgsign false
    (cd "$1" && "$DVC" init -q && "$DVC" config core.analytics false && "$DVC" config core.check_update false)
}
commit() {     # DIR DAYS MESSAGE TAG: commit everything, dated DAYS after 2026-03-01, and tag
    local when
    when=$(( 1772323200 + $2 * 86400 ))
    git -C "$1" add -A
    GIT_AUTHOR_DATE="$when +0000" GIT_COMMITTER_DATE="$when +0000" git -C "$1" commit -q -m "$3"
    git -C "$1" tag "$4"
}

# ---------------------------------------------------------------------------------------------
# 2. Dataset "rows": two Parquet snapshots in a git + DVC project.
ROWS_DIR=$BENCH_DIR/rows
RP=$ROWS_DIR/evidence/project
ROWS_PARAMS="diff-rows-v1 seed=$SEED rows=$ROWS dvc=$DVC_VERSION pandas=$PANDAS_VERSION pyarrow=$PYARROW_VERSION"
if [[ -f $ROWS_DIR/.generated && $(cat "$ROWS_DIR/.generated") == "$ROWS_PARAMS" && -f $RP/data/snap.parquet.dvc ]]; then
    say "reusing the rows dataset in $RP"
    ROWS_GENERATED=0
else
    say "generating the rows dataset in $RP ($ROWS_PARAMS)"
    t0=$SECONDS
    rm -rf "$ROWS_DIR"
    mkdir -p "$ROWS_DIR/gen"
    "$PY" "$HERE/lib/gen_snapshots.py" "$SEED" "$ROWS" "$ROWS_DIR/gen/v1.parquet" "$ROWS_DIR/gen/v2.parquet" "$ROWS_DIR/truth.json"
    new_repo "$RP"
    mkdir -p "$RP/data"
    printf '# Transactions snapshots\n\n`data/snap.parquet` is tracked by DVC.\n' > "$RP/README.md"
    cp "$ROWS_DIR/gen/v1.parquet" "$RP/data/snap.parquet"
    (cd "$RP" && "$DVC" add -q data/snap.parquet)
    commit "$RP" 0 "Snapshot v1" v1
    cp "$ROWS_DIR/gen/v2.parquet" "$RP/data/snap.parquet"
    (cd "$RP" && "$DVC" add -q data/snap.parquet)
    commit "$RP" 7 "Snapshot v2" v2
    rm -rf "$ROWS_DIR/gen"
    printf '%s\n' "$ROWS_PARAMS" > "$ROWS_DIR/.generated"
    ROWS_GENERATED=$((SECONDS - t0))
fi
# The two versions' bytes, where DVC keeps them (the cache objects named by the .dvc files).
cache_object() {   # PROJECT REV DVCFILE
    local md5
    md5=$(git -C "$1" show "$2:$3" | awk '/md5:/ {print $NF; exit}')
    printf '%s/.dvc/cache/files/md5/%s/%s\n' "$1" "${md5:0:2}" "${md5:2}"
}
SNAP_A=$(cache_object "$RP" v1 data/snap.parquet.dvc)
SNAP_B=$(cache_object "$RP" v2 data/snap.parquet.dvc)
[[ -f $SNAP_A && -f $SNAP_B ]] || die "the DVC cache does not hold both snapshots ($SNAP_A, $SNAP_B)"
SNAP_BYTES_A=$(stat -c %s "$SNAP_A")
SNAP_BYTES_B=$(stat -c %s "$SNAP_B")

# ---------------------------------------------------------------------------------------------
# 3. Dataset "lineage": a wide DVC pipeline at three tags.
LIN_DIR=$BENCH_DIR/lineage
LP=$LIN_DIR/evidence/project
LIN_PARAMS="diff-lineage-v1 seed=$SEED items=$ITEMS per_shard=$PER_SHARD changed=$CHANGED dvc=$DVC_VERSION"
REPRO_S=()
if [[ -f $LIN_DIR/.generated && $(cat "$LIN_DIR/.generated") == "$LIN_PARAMS" && -f $LP/dvc.lock ]]; then
    say "reusing the lineage dataset in $LP"
    LIN_GENERATED=0
    read -r -a REPRO_S < "$LIN_DIR/repro-seconds"
else
    say "generating the lineage dataset in $LP ($LIN_PARAMS)"
    t0=$SECONDS
    rm -rf "$LIN_DIR"
    new_repo "$LP"
    "$PY" "$HERE/lib/gen_pipeline.py" init "$LP" "$SEED" "$ITEMS" "$PER_SHARD"
    commit "$LP" 0 "Pipeline: $ITEMS items" pipeline
    repro() {   # TAG-to-be: dvc repro of everything that changed, timed
        local r0=$SECONDS
        (cd "$LP" && "$DVC" repro -q) > "$LIN_DIR/repro-$1.log" 2>&1 || { tail -n 20 "$LIN_DIR/repro-$1.log" >&2; die "dvc repro failed for $1"; }
        REPRO_S+=($((SECONDS - r0)))
        say "dvc repro for $1: $((SECONDS - r0)) s"
    }
    repro v1
    commit "$LP" 1 "Run the pipeline" v1
    "$PY" "$HERE/lib/gen_pipeline.py" change-inputs "$LP" "$SEED" "$CHANGED" > "$LIN_DIR/changed-inputs.txt"
    "$PY" "$HERE/lib/gen_pipeline.py" set-param "$LP" aggregate.threshold 55.0
    repro v2
    commit "$LP" 8 "Corrected $CHANGED raw readings; aggregate threshold 55" v2
    "$PY" "$HERE/lib/gen_pipeline.py" set-param "$LP" process.scale 1.25
    repro v3
    commit "$LP" 15 "Scale readings by 1.25" v3
    printf '%s\n' "${REPRO_S[@]}" | paste -sd' ' > "$LIN_DIR/repro-seconds"
    printf '%s\n' "$LIN_PARAMS" > "$LIN_DIR/.generated"
    LIN_GENERATED=$((SECONDS - t0))
fi
git -C "$LP" diff --quiet && [[ -z $(git -C "$LP" status --porcelain) ]] || die "$LP has uncommitted changes"

if [[ ${BENCH_DIFF_GENERATE_ONLY:-0} == 1 ]]; then
    say "datasets ready (BENCH_DIFF_GENERATE_ONLY=1)"
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# 4. The binary (after the datasets, which do not need it).
if [[ -n ${BENCH_CUSTODY:-} ]]; then
    CUSTODY=$BENCH_CUSTODY
    say "using the given custody binary $CUSTODY (no build)"
else
    say "building custody (release) in $CARGO_TARGET_DIR"
    (cd "$REPO" && cargo build --release --locked --bin custody) >&2
    CUSTODY=$CARGO_TARGET_DIR/release/custody
fi
[[ -x $CUSTODY ]] || die "no binary at $CUSTODY"
"$CUSTODY" diff --help > /dev/null 2>&1 || die "$CUSTODY has no 'diff' command"

# ---------------------------------------------------------------------------------------------
# 5. Cases, references, graph sizes.
RUN_DIR=$BENCH_DIR/run
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/out" "$RUN_DIR/cases"
RESULTS=$RUN_DIR/results.jsonl
: > "$RESULTS"
ROWS_CASE=$RUN_DIR/cases/rows.custody
LIN_CASE=$RUN_DIR/cases/lineage.custody

# The case is made once, before any timed run (and timed, as context: it is not part of a diff).
INVESTIGATE=()
for which in rows lineage; do
    if [[ $which == rows ]]; then ev=$ROWS_DIR/evidence; c=$ROWS_CASE; else ev=$LIN_DIR/evidence; c=$LIN_CASE; fi
    line=$("$PY" "$HERE/lib/measure.py" --label "investigate-$which" --rep 1 --stdout "$RUN_DIR/out/investigate-$which.json" \
        -- "$CUSTODY" investigate "$ev" --case "$c" --json)
    [[ -f $c ]] || die "custody investigate made no case for $ev: $line"
    INVESTIGATE+=("$line")
    say "investigate $which: $line"
done

# resolve CASE REF: the node id the reference names, or nothing (custody exits 2).
resolve() {
    "$CUSTODY" graph "$1" "$2" --depth 0 --format json 2> /dev/null | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["focus"])' 2> /dev/null || true
}
# ref CASE PATH TAG: the reference to give `custody diff` for PATH at TAG: PATH@TAG when that
# resolves, else the id of the data version whose claims include TAG's commit (noted).
REF_NOTES=$RUN_DIR/ref-notes.txt
: > "$REF_NOTES"
ref() {
    local id
    id=$(resolve "$1" "$2@$3")
    if [[ -n $id ]]; then
        printf '%s@%s\n' "$2" "$3"
        return
    fi
    local sha
    sha=$(git -C "$4" rev-parse "$3^{commit}")
    id=$("$CUSTODY" graph "$1" --format json | "$PY" -c '
import json, sys
g = json.load(sys.stdin)
ids = [n["id"] for n in g["nodes"] if n.get("attrs", n).get("path") == sys.argv[1] and sys.argv[2] in n.get("attrs", n).get("claimed_at", [])]
print(ids[0] if len(ids) == 1 else "")' "$2" "$sha")
    [[ -n $id ]] || die "neither $2@$3 nor a node id for it resolves in $1"
    printf '`%s@%s` did not resolve; the node id `%s` was used\n' "$2" "$3" "$id" >> "$REF_NOTES"
    say "warning: $2@$3 does not resolve; using node id $id"
    printf '%s\n' "$id"
}
ROWS_A=$(ref "$ROWS_CASE" project/data/snap.parquet v1 "$RP")
ROWS_B=$(ref "$ROWS_CASE" project/data/snap.parquet v2 "$RP")
LIN_1=$(ref "$LIN_CASE" project/data/summary.json v1 "$LP")
LIN_2=$(ref "$LIN_CASE" project/data/summary.json v2 "$LP")
LIN_3=$(ref "$LIN_CASE" project/data/summary.json v3 "$LP")
say "references: $ROWS_A $ROWS_B; $LIN_1 $LIN_2 $LIN_3"

"$CUSTODY" graph "$LIN_CASE" --format json > "$RUN_DIR/lineage-graph.json"
"$PY" "$HERE/lib/graph_upstream.py" "$RUN_DIR/lineage-graph.json" \
    "$(resolve "$LIN_CASE" "$LIN_1")" "$(resolve "$LIN_CASE" "$LIN_2")" "$(resolve "$LIN_CASE" "$LIN_3")" > "$RUN_DIR/lineage-graph-stats.json"
say "lineage graph: $("$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["nodes"], "nodes,", d["edges"], "edges; upstream of the compared nodes:", [u["nodes"] for u in d["upstream"].values()])' "$RUN_DIR/lineage-graph-stats.json")"

# ---------------------------------------------------------------------------------------------
# 6. Measurements.
# Before every timed run, untimed:
# * read everything the commands read: the evidence, the cases, the binaries and their shared
#   libraries, DVC's site cache (its index of each project), Python's packages and standard
#   library. This machine's kernel runs DAMON proactive reclaim: file pages nobody read for
#   ~30 s are evicted, so a page cache warmed once does not stay warm.
# * touch BENCH_PRETOUCH_MB (1024) MB of fresh memory and free it. This is a virtual machine with
#   a memory balloon (virtio_balloon, virtio_mem): the first touch of a page the guest has handed
#   back to the host costs system time (touching 1 GiB took 3-7 s here, 3 GiB 10-18 s), so a
#   process's run time depended on whether the memory it allocated was fresh (the pandas diff,
#   which peaks at ~740 MB: 3.0-7.4 s, with 0.3-3.5 s of it system time). Right after the
#   pre-touch the freed pages are backed again, and every command starts on an equal footing.
# * with BENCH_DROP=1, drop the page cache first (off by default: the re-read pages must then be
#   faulted in from the host again, which made runs noisier, not steadier).
DROP=${BENCH_DROP:-0}
PRETOUCH_MB=${BENCH_PRETOUCH_MB:-1024}
DROPPED=0
if [[ $DROP == 1 && -w /proc/sys/vm/drop_caches ]]; then DROPPED=1; fi
DVC_SITE=$("$PY" -c 'import sys
from dvc.repo import Repo
for p in sys.argv[1:]:
    print(Repo(p).site_cache_dir)' "$RP" "$LP" 2> /dev/null || true)
WARM_EXTRA=()
while read -r d; do [[ -n $d && -d $d ]] && WARM_EXTRA+=("$d"); done <<< "$DVC_SITE"
while read -r lib; do [[ -f $lib ]] && WARM_EXTRA+=("$lib"); done < <(ldd "$CUSTODY" "$(command -v git)" "$(readlink -f "$PY")" 2> /dev/null | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
warm_page_cache() {
    if ((DROPPED)); then
        sync
        echo 1 > /proc/sys/vm/drop_caches
    fi
    find "$ROWS_DIR/evidence" "$LIN_DIR/evidence" "$RUN_DIR/cases" "$SITE" "$(dirname "$STDLIB")" "${WARM_EXTRA[@]}" -type f -print0 | xargs -0 cat > /dev/null
    cat "$CUSTODY" "$PY" "$(command -v git)" > /dev/null
    if ((PRETOUCH_MB > 0)); then
        "$PY" -c 'import sys, numpy; numpy.ones(int(sys.argv[1]) << 20, dtype=numpy.uint8)' "$PRETOUCH_MB"
    fi
}

# measure LABEL REP -- CMD...   (see benches/lib/measure.sh)
source "$HERE/lib/measure.sh"
measure() { measured_run "$@"; }

wait_started=$SECONDS
say "waiting for the machine to be idle (at most ${IDLE_WAIT}s)"
"$PY" "$HERE/lib/measure.py" --wait-idle "$IDLE_WAIT" || say "machine still busy; measuring anyway"
WAITED=$((WAITED + SECONDS - wait_started))
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "timed runs, page cache warm, $REPS repetitions each (load average $LOAD_START)"
T0=$SECONDS
for ((r = 1; r <= REPS; r++)); do
    measure rows-dvc-diff "$r" -- env -C "$RP" "$DVC" diff --json v1 v2
    measure rows-pandas "$r" -- "$PY" "$HERE/lib/diff_pandas.py" "$SNAP_A" "$SNAP_B" txn_id
    measure rows-pandas-summaries "$r" -- "$PY" "$HERE/lib/diff_pandas.py" "$SNAP_A" "$SNAP_B" txn_id --summaries
    measure rows-custody-graph "$r" -- "$CUSTODY" graph "$ROWS_CASE" "$ROWS_A" --depth 1 --format json
    measure rows-custody-diff "$r" -- "$CUSTODY" diff "$ROWS_CASE" "$ROWS_A" "$ROWS_B" --json
done
for ((r = 1; r <= REPS; r++)); do
    for pair in 1:2 2:3; do
        a=${pair%:*} b=${pair#*:}
        ref_a=LIN_$a ref_b=LIN_$b
        measure "lineage-v$a-v$b-dvc-diff" "$r" -- env -C "$LP" "$DVC" diff --json "v$a" "v$b"
        measure "lineage-v$a-v$b-git-diff" "$r" -- git -C "$LP" diff --stat "v$a" "v$b"
        measure "lineage-v$a-v$b-custody-diff" "$r" -- "$CUSTODY" diff "$LIN_CASE" "${!ref_a}" "${!ref_b}" --json
    done
    measure lineage-custody-graph "$r" -- "$CUSTODY" graph "$LIN_CASE" "$LIN_1" --depth 1 --format json
done
TIMED_S=$((SECONDS - T0))
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# Where custody's time goes: one profiled run of each diff (untimed, sampled with perf).
PERF_DIR=$RUN_DIR/perf
if [[ $PERF != 0 ]] && command -v perf > /dev/null; then
    mkdir -p "$PERF_DIR"
    say "profiling custody diff with perf"
    profile() {   # NAME CASE REF_A REF_B
        # DWARF call graphs with the largest stack copy perf allows: with frame pointers (absent
        # in release builds) or smaller copies, deep stacks lose their outer frames and the
        # share of the phases (load, compare, print) comes out wrong.
        warm_page_cache
        if perf record -q -F 499 --call-graph dwarf,65528 -o "$PERF_DIR/$1.data" -- "$CUSTODY" diff "$2" "$3" "$4" --json > /dev/null 2> "$PERF_DIR/$1.err"; then
            perf report -i "$PERF_DIR/$1.data" --stdio --no-children --no-inline --sort symbol --percent-limit 1 -g none \
                2> /dev/null | grep -E '^ +[0-9]' > "$PERF_DIR/$1.txt" || true
            perf report -i "$PERF_DIR/$1.data" --stdio --children --no-inline --sort symbol --percent-limit 0.5 -g none \
                2> /dev/null | grep -E '^ +[0-9]' > "$PERF_DIR/$1.children.txt" || true
            rm -f "$PERF_DIR/$1.data"
        fi
    }
    profile rows "$ROWS_CASE" "$ROWS_A" "$ROWS_B"
    profile lineage-v1-v2 "$LIN_CASE" "$LIN_1" "$LIN_2"
    profile lineage-v2-v3 "$LIN_CASE" "$LIN_2" "$LIN_3"
fi
# And where `dvc diff`'s time goes on the lineage (one run under cProfile, which slows it down:
# only the shares are kept).
if [[ $PERF != 0 ]]; then
    mkdir -p "$PERF_DIR"
    warm_page_cache
    (cd "$LP" && "$PY" -m cProfile -o "$PERF_DIR/dvc-diff.prof" "$DVC" diff --json v1 v2 > /dev/null)
    "$PY" - "$PERF_DIR/dvc-diff.prof" > "$PERF_DIR/dvc-diff.json" <<'PY'
import json, pstats, sys
st = pstats.Stats(sys.argv[1]).stats
def cum(path_end, func):
    return sum(v[3] for (f, _, fn), v in st.items() if f.endswith(path_end) and fn == func)
print(json.dumps({"total_s": cum("dvc/cli/__init__.py", "main"), "index_from_repo_s": cum("dvc/repo/index.py", "from_repo"),
                  "parse_yaml_s": cum("dvc/utils/serialize/_yaml.py", "parse_yaml")}))
PY
fi

# ---------------------------------------------------------------------------------------------
# 7. Do the answers agree? pandas, custody and the generator's record must give the same counts.
CHECKS=$RUN_DIR/checks.json
"$PY" - "$RUN_DIR/out" "$ROWS_DIR/truth.json" "$CHECKS" "$LP" <<'EOF' || die "the row counts of the diff tools disagree (see above)"
import collections, json, os, subprocess, sys
out, truth_path, checks_path, project = sys.argv[1:]
truth = json.load(open(truth_path))
keys = ["rows_a", "rows_b", "rows_unchanged", "rows_added", "rows_removed", "rows_changed"]
problems, checks = [], {}

def load(name):
    return json.load(open(os.path.join(out, name)))

pandas = load("rows-pandas-1.out")
pandas_s = load("rows-pandas-summaries-1.out")
diff = load("rows-custody-diff-1.out")
tables = [t for d in diff.get("divergences", []) + diff.get("downstream", [])
          if d.get("detail", {}).get("type") == "data" for t in d["detail"].get("tables", [])]
if len(tables) != 1:
    problems.append(f"custody diff reported {len(tables)} compared tables (expected 1): {json.dumps(diff)[:2000]}")
else:
    t = tables[0]
    custody = {k: t[k] for k in keys}
    custody["changed_per_column"] = {c["name"]: c["changed_rows"] for c in t["columns"] if c["changed_rows"]}
    custody["key"] = t.get("key")
    checks["rows"] = {"truth": truth, "pandas": pandas, "custody": custody}
    for k in keys + ["changed_per_column"]:
        vals = {"generator": truth[k], "pandas": pandas[k], "pandas --summaries": pandas_s[k], "custody": custody[k]}
        if len({json.dumps(v, sort_keys=True) for v in vals.values()}) != 1:
            problems.append(f"{k}: {vals}")
    # the column summaries custody and pandas computed (means of numeric columns)
    summ = {}
    for c in t["columns"]:
        for side in ("a", "b"):
            cs, ps = c.get(side), pandas_s["summaries"][side].get(c["name"])
            if cs and ps and cs.get("mean") is not None and ps.get("mean") is not None:
                ok = abs(cs["mean"] - ps["mean"]) <= 1e-6 * max(1.0, abs(ps["mean"]))
                summ[f"{c['name']}.{side}"] = ok
                if not ok:
                    problems.append(f"mean of {c['name']} ({side}): custody {cs['mean']}, pandas {ps['mean']}")
    checks["rows"]["means_agree"] = summ

dvc = load("rows-dvc-diff-1.out")
checks.setdefault("rows", {})["dvc"] = {k: [e["path"] for e in v] for k, v in dvc.items()}

warnings = []
for pair in ("v1-v2", "v2-v3"):
    d = load(f"lineage-{pair}-custody-diff-1.out")
    root = [{"kind": x["kind"], "summary": x["summary"][:200], "type": x["detail"].get("type")} for x in d["divergences"]]
    count = lambda xs: dict(sorted(collections.Counter(xs).items()))
    tables = sum(len(x["detail"].get("tables", [])) for x in d["divergences"] + d["downstream"] if x["detail"].get("type") == "data")
    dv = load(f"lineage-{pair}-dvc-diff-1.out")
    gd = open(os.path.join(out, f"lineage-{pair}-git-diff-1.out")).read().splitlines()
    # What really changed among the pipeline's git-tracked inputs (raw CSVs, code), per git.
    ta, tb = ("v" + x for x in pair.replace("v", "").split("-"))
    expected = set(subprocess.run(["git", "-C", project, "diff", "--name-only", ta, tb, "--", "data/raw", "data/labels", "src"],
                                  capture_output=True, text=True, check=True).stdout.split())
    reported = set()
    for x in d["divergences"]:
        if x["kind"] == "data":
            det = x["detail"]
            reported.add((det.get("path_b") or det.get("path_a") or "").removeprefix("project/"))
    structural = [x["summary"][:160] for x in d["divergences"] if x["summary"].startswith(("added input", "removed input"))]
    # data root causes custody could not drill into row by row, with its reason
    undrilled = [x for x in d["divergences"] if x["kind"] == "data" and not x["detail"].get("tables")]
    c = {"root_causes": len(d["divergences"]), "root_kinds": count(x["kind"] for x in d["divergences"]),
         "downstream": len(d["downstream"]), "downstream_kinds": count(x["kind"] for x in d["downstream"]),
         "pairs": len(d["pairs"]), "pair_states": count(p["state"] for p in d["pairs"]), "tables_compared": tables,
         "root_examples": root[:6], "dvc": {k: len(v) for k, v in dv.items()},
         "git_stat_summary": gd[-1].strip() if gd else "",
         "inputs_changed_per_git": len(expected), "inputs_found": len(expected & reported),
         "inputs_missed": sorted(expected - reported), "inputs_false": sorted(reported - expected),
         "structural": structural, "undrilled": len(undrilled),
         "undrilled_example": ({"summary": undrilled[0]["summary"][:200], "notes": undrilled[0]["detail"].get("notes", [])[:2]}
                               if undrilled else None)}
    checks[pair] = c
    if c["inputs_missed"] or c["inputs_false"] or structural:
        warnings.append(f"lineage {pair}: git says {len(expected)} pipeline inputs changed; custody's data root causes "
                        f"found {len(expected & reported)}, missed {c['inputs_missed'][:5]}, and named {len(c['inputs_false'])} "
                        f"that git says did not change {c['inputs_false'][:5]}; {len(structural)} added/removed-input "
                        f"root causes (the pipeline's structure did not change): {structural[:3]}")
checks["warnings"] = warnings
json.dump(checks, open(checks_path, "w"), indent=1)
for p in problems:
    print("MISMATCH:", p, file=sys.stderr)
for p in warnings:
    print("WARNING (custody's lineage diff does not match git):", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
say "counts agree (generator, pandas, custody): $(cat "$CHECKS" | "$PY" -c 'import json, sys; c = json.load(sys.stdin)["rows"]["custody"]; print({k: v for k, v in c.items() if k != "changed_per_column"})')"

# ---------------------------------------------------------------------------------------------
# 8. The report.
META=$RUN_DIR/meta.json
CUSTODY_VERSION=$("$CUSTODY" --version)
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes)')
"$PY" - "$META" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "nproc": int("$(nproc)"),
    "cpu": """$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')""",
    "mem": """$(free -g | awk '/^Mem:/ {print $2 " GiB"}')""",
    "kernel": "$(uname -r)",
    "reps": $REPS, "seed": $SEED, "rows": $ROWS, "items": $ITEMS, "per_shard": $PER_SHARD, "changed": $CHANGED,
    "bench_dir": "$BENCH_DIR",
    "snap_bytes": [$SNAP_BYTES_A, $SNAP_BYTES_B],
    "refs": {"rows": ["$ROWS_A", "$ROWS_B"], "lineage": ["$LIN_1", "$LIN_2", "$LIN_3"]},
    "ref_notes": [l.rstrip("\n") for l in open("$REF_NOTES") if l.strip()],
    "investigate": [json.loads(l) for l in '''$(printf '%s\n' "${INVESTIGATE[@]}")'''.splitlines() if l.strip()],
    "repro_s": [int(x) for x in "${REPRO_S[*]}".split()],
    "rows_generated_s": $ROWS_GENERATED, "lineage_generated_s": $LIN_GENERATED,
    "lineage_files": int("$(find "$LP" -path "$LP/.git" -prune -o -type f -print | wc -l)"),
    "lineage_dvc_files": int("$(find "$LP/pipelines" -name dvc.yaml | wc -l)"),
    "versions": {
        "custody": """$CUSTODY_VERSION""",
        "custody_commit": """$COMMIT""",
        "rustc": """$(rustc --version 2>/dev/null || echo unknown)""",
        "dvc": "$DVC_VERSION", "pandas": "$PANDAS_VERSION", "pyarrow": "$PYARROW_VERSION",
        "numpy": "$NUMPY_VERSION", "python": "$PY_VERSION",
        "git": """$(git --version)""",
    },
    "custody_binary": "$CUSTODY",
    "custody_given": bool(${BENCH_CUSTODY:+1}0),
    "load_start": "$LOAD_START", "load_end": "$LOAD_END",
    "timed_section_s": $TIMED_S, "max_others": $MAX_OTHERS,
    "perf_dir": "$PERF_DIR",
    "dropped_caches": bool($DROPPED), "pretouch_mb": $PRETOUCH_MB,
    "elapsed_s": $((SECONDS - started_at)),
    "waited_s": $WAITED,
}, open(sys.argv[1], "w"), indent=1)
EOF
section=$("$PY" "$HERE/lib/report_diff.py" --meta "$META" --results "$RESULTS" --checks "$CHECKS" \
    --graph "$RUN_DIR/lineage-graph-stats.json" --runs "$RUN_DIR")
"$PY" "$HERE/lib/section.py" diff "$section" "$OUT"
say "wrote the diff section of $OUT (raw results in $RESULTS); total $((SECONDS - started_at)) s"
