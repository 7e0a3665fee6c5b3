#!/usr/bin/env bash
# benches/slice.sh: how fast `custody slice` profiles a large training set by demographic
# attributes and `custody trace` finds one decision in a large inference log, next to what a user
# would otherwise run on the same files.
#
# Two datasets, made with numpy/pyarrow from a fixed seed (benches/lib/gen_slice.py) and cached in
# the work folder:
#   * slice: `slice/evidence/data/train.parquet`, BENCH_SLICE_ROWS (10,000,000) rows shaped like
#     the demo case's training set (fixtures/cases/fraud-detection/project/data/processed/
#     train.parquet: its twelve columns, types and value sets; customer_age_band 4 values,
#     customer_gender 3, region 5; rows from two sources with different fraud rates, so the label
#     `is_fraud` has group-dependent base rates) plus a scored copy's `score` and `declined` (0/1,
#     score >= 0.2). The generator records how many rows each (age band, gender, region, is_fraud,
#     declined) cell holds (`slice/truth.json`).
#   * trace: a copy of the demo case (`cp -r fixtures/cases/fraud-detection`) whose `inference/`
#     holds, instead of the demo's small log, `predictions.parquet` with BENCH_TRACE_ROWS
#     (10,000,000) decisions in the demo log's shape (its Parquet schema and JSON field order,
#     read from the demo's files: prediction_id `pred-NNNNNNNN` in time order over the demo's 12
#     days, timestamp, model_uri/model_version/run_id/model_sha256 of production or, for the
#     demo's canary share, staging, transaction_id `tx-live-NNNNNNNN`, the eight input features,
#     score, decision, and ground truth is_fraud/labelled_at, null for the days whose chargeback
#     window had not closed) and the first BENCH_TRACE_JSONL_ROWS of the same records as JSON
#     lines `predictions.jsonl` (nested `inputs` and `ground_truth`, byte for byte json.dumps,
#     like the demo's); by default as many rows (in whole millions, at most BENCH_TRACE_ROWS) as
#     keep the two datasets under BENCH_SLICE_MAX_GB (6) GB. The demo log's detached signature
#     (`predictions.jsonl.sig`) and CSV copy are left out: they would describe the small log.
#     The generator records the prediction to trace in each log (`trace/log.json`): the first
#     decline by the production model 99.9% of the way in.
# Each is made into a case with `custody investigate` (the trace case with the investigator keys
# its CASE.md lists); that is timed once, as context, not as part of a lookup.
# Then, in one run, each command BENCH_REPS times (default 3; fairlearn BENCH_FAIRLEARN_REPS,
# default 1, because one run takes minutes), median wall time, CPU and peak RSS:
#   slice:  pandas (benches/lib/slice_pandas.py: read_parquet of the four columns used, groupby
#           the two attributes: count, share, base rate, selection rate, TPR, FPR per group, and
#           the disparities); fairlearn (benches/lib/slice_fairlearn.py: read_parquet, MetricFrame
#           with count, selection_rate, true_positive_rate, false_positive_rate by the two
#           attributes, demographic_parity_difference, equalized_odds_difference); `custody slice
#           CASE data/train.parquet --by customer_age_band,customer_gender --label is_fraud
#           --prediction declined --json`. The counts and rates of the generator's record,
#           pandas, fairlearn and custody must agree (to 1e-9), or the script fails.
#   trace:  for that prediction, `custody trace CASE ID --json` (every log custody finds) and
#           with `--log` naming each log;
#           pandas `read_parquet(filters=[("prediction_id", "==", ID)])` and a pyarrow.dataset
#           filter (benches/lib/trace_lookup.py); on the JSON lines, `grep -m1 -F
#           '"prediction_id": "ID"'` and a Python line scan with json.loads. Every lookup must
#           find the record the generator wrote, and custody's `prediction` must be it, or the
#           script fails (benches/lib/check_slice.py);
#           custody's model, run and commit are checked against the log's model fields and the
#           MLflow store (a mismatch fails too; a field custody does not print is reported).
# Before every timed run the page cache is warmed (an untimed read of the dataset the command
# works on, the cases, the binaries and the Python packages; this kernel evicts pages unused for
# ~30 s) and 1 GiB of fresh memory is touched (this VM's balloon makes first-touched memory slow;
# see benches/diff.sh); the script waits for the machine to be idle and repeats runs that other
# work disturbed, as benches/diff.sh does. It writes the marked "slice" section of BENCHMARKS.md
# (benches/lib/section.py).
#
# Run:  nice -n 10 benches/slice.sh
# The first run generates the datasets (about 15 minutes on 2 cores, most of it writing the JSON
# lines) and builds custody in release mode (10-30 minutes); later runs reuse both and take about
# 20-25 minutes, half of it fairlearn. Environment (all optional):
#   BENCH_DIR=${TMPDIR:-/tmp}/custody-bench-slice   work folder (datasets, cases, raw results)
#   BENCH_REPS=3  BENCH_FAIRLEARN_REPS=1  BENCH_SEED=42
#   BENCH_SLICE_ROWS=10000000  BENCH_TRACE_ROWS=10000000
#   BENCH_TRACE_JSONL_ROWS=auto|0|N   (0: no JSON lines log)  BENCH_SLICE_MAX_GB=6
#   BENCH_PRETOUCH_MB=1024  BENCH_DROP=0|1  BENCH_IDLE_WAIT=600  BENCH_MAX_OTHERS=0.15
#   BENCH_RETRIES=3  BENCH_OUT=<repo>/BENCHMARKS.md
#   BENCH_SLICE_GENERATE_ONLY=1      make (or check) the datasets and stop
#   BENCH_SLICE_BASELINES_ONLY=1     time only pandas, fairlearn and the lookups (no custody, no
#                                    cases), check them against each other, print the section to
#                                    standard output instead of writing BENCHMARKS.md
#   BENCH_CUSTODY=/path/to/custody   use this binary instead of building (for trying the script
#                                    out; the numbers in BENCHMARKS.md are from a release build)
# Needs: cargo, python3 (with venv), grep; PyPI the first time unless the fixtures venv exists.
set -euo pipefail

started_at=$SECONDS
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
. "$REPO/scripts/env"
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/custody-bench-slice}
REPS=${BENCH_REPS:-3}
FAIRLEARN_REPS=${BENCH_FAIRLEARN_REPS:-1}
SEED=${BENCH_SEED:-42}
SLICE_ROWS=${BENCH_SLICE_ROWS:-10000000}
TRACE_ROWS=${BENCH_TRACE_ROWS:-10000000}
JSONL_ROWS=${BENCH_TRACE_JSONL_ROWS:-auto}
MAX_GB=${BENCH_SLICE_MAX_GB:-6}
IDLE_WAIT=${BENCH_IDLE_WAIT:-600}
MAX_OTHERS=${BENCH_MAX_OTHERS:-0.15}
RETRIES=${BENCH_RETRIES:-3}
OUT=${BENCH_OUT:-$REPO/BENCHMARKS.md}
BASELINES_ONLY=${BENCH_SLICE_BASELINES_ONLY:-0}
BY=customer_age_band,customer_gender
LABEL=is_fraud
PREDICTION=declined
FIXTURE=$REPO/fixtures/cases/fraud-detection
CHUNK=1000000   # gen_slice.py's chunk (one Parquet row group each)

say() { printf '[slice %4ds] %s\n' $((SECONDS - started_at)) "$*" >&2; }
die() { say "error: $*"; exit 2; }

case $BENCH_DIR in
    "$REPO"|"$REPO"/*) die "BENCH_DIR must be outside the repository ($BENCH_DIR)";;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ---------------------------------------------------------------------------------------------
# 1. Python with the pinned pandas, pyarrow, numpy and fairlearn (the fixtures' venv when it
#    exists).
REQS=$REPO/fixtures/requirements.txt
pin() { grep -E "^$1==" "$REQS" | head -n1; }
FAIRLEARN_PIN=$(pin fairlearn || true)
FAIRLEARN_PIN=${FAIRLEARN_PIN:-fairlearn==0.15.0}
if [[ -x $HOME/.cache/custody/fixtures-venv/bin/python ]]; then
    VENV=$HOME/.cache/custody/fixtures-venv
else
    VENV=$HOME/.cache/custody/bench-venv
fi
if ! "$VENV/bin/python" -c 'import pandas, pyarrow, numpy' 2> /dev/null; then
    say "installing $(pin pandas) $(pin pyarrow) $(pin numpy) into $VENV"
    [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$REQS" \
        "$(pin pandas)" "$(pin pyarrow)" "$(pin numpy)" >&2
fi
if [[ $("$VENV/bin/python" -c 'import fairlearn; print(fairlearn.__version__)' 2> /dev/null) != "${FAIRLEARN_PIN#*==}" ]]; then
    say "installing $FAIRLEARN_PIN into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$REQS" "$FAIRLEARN_PIN" >&2
fi
PY=$VENV/bin/python
VERSIONS=$("$PY" -c 'import fairlearn, sklearn, pandas, pyarrow, numpy, sys; print(fairlearn.__version__, sklearn.__version__, pandas.__version__, pyarrow.__version__, numpy.__version__, sys.version.split()[0])')
read -r FAIRLEARN_VERSION SKLEARN_VERSION PANDAS_VERSION PYARROW_VERSION NUMPY_VERSION PY_VERSION <<< "$VERSIONS"
say "fairlearn $FAIRLEARN_VERSION (scikit-learn $SKLEARN_VERSION), pandas $PANDAS_VERSION, pyarrow $PYARROW_VERSION, numpy $NUMPY_VERSION (Python $PY_VERSION) from $VENV"
SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
STDLIB=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')

# ---------------------------------------------------------------------------------------------
# 2. Dataset "slice": the training set to slice, in an evidence folder of its own.
SL_DIR=$BENCH_DIR/slice
SL_EV=$SL_DIR/evidence
TRAIN=$SL_EV/data/train.parquet
SL_PARAMS="slice-train-v1 seed=$SEED rows=$SLICE_ROWS pyarrow=$PYARROW_VERSION numpy=$NUMPY_VERSION"
if [[ -f $SL_DIR/.generated && $(cat "$SL_DIR/.generated") == "$SL_PARAMS" && -f $TRAIN ]]; then
    say "reusing the slice dataset in $SL_EV"
    SL_GENERATED=0
else
    say "generating the slice dataset in $SL_EV ($SL_PARAMS)"
    t0=$SECONDS
    rm -rf "$SL_DIR"
    mkdir -p "$SL_EV/data"
    "$PY" "$HERE/lib/gen_slice.py" train "$SEED" "$SLICE_ROWS" "$TRAIN" "$SL_DIR/truth.json"
    printf '%s\n' "$SL_PARAMS" > "$SL_DIR/.generated"
    SL_GENERATED=$((SECONDS - t0))
fi
TRAIN_BYTES=$(stat -c %s "$TRAIN")

# ---------------------------------------------------------------------------------------------
# 3. Dataset "trace": the demo case with a large inference log.
TR_DIR=$BENCH_DIR/trace
TR_EV=$TR_DIR/evidence
LOG_PQ=$TR_EV/inference/predictions.parquet
LOG_JL=$TR_EV/inference/predictions.jsonl
[[ -f $FIXTURE/inference/predictions.jsonl ]] || die "no demo case at $FIXTURE"
# The demo case as it is now (regenerating it changes the copy): a digest of its files.
FIXTURE_ID=$(cd "$FIXTURE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [[ $JSONL_ROWS == auto ]]; then
    # Whole millions of JSON lines that keep both datasets under MAX_GB, from the sizes per row
    # measured on this generator (about 29 bytes per training row, 29 per Parquet log row and 600
    # per JSON line).
    JSONL_ROWS=$(awk -v g="$MAX_GB" -v s="$SLICE_ROWS" -v t="$TRACE_ROWS" -v c=$CHUNK 'BEGIN {
        n = int((g * 1e9 - s * 29 - t * 29) / 600 / c) * c; if (n < 0) n = 0; if (n > t) n = t; print n }')
fi
((JSONL_ROWS <= TRACE_ROWS)) || die "BENCH_TRACE_JSONL_ROWS ($JSONL_ROWS) is more than BENCH_TRACE_ROWS ($TRACE_ROWS)"
TR_PARAMS="trace-log-v2 seed=$SEED rows=$TRACE_ROWS jsonl_rows=$JSONL_ROWS fixture=$FIXTURE_ID pyarrow=$PYARROW_VERSION numpy=$NUMPY_VERSION"
if [[ -f $TR_DIR/.generated && $(cat "$TR_DIR/.generated") == "$TR_PARAMS" && -f $LOG_PQ ]]; then
    say "reusing the trace dataset in $TR_EV"
    TR_GENERATED=0
else
    say "generating the trace dataset in $TR_EV ($TR_PARAMS)"
    t0=$SECONDS
    rm -rf "$TR_DIR"
    mkdir -p "$TR_DIR"
    cp -r "$FIXTURE" "$TR_EV"
    mv "$TR_EV/inference" "$TR_DIR/template"
    mkdir "$TR_EV/inference"
    if ((JSONL_ROWS > 0)); then
        "$PY" "$HERE/lib/gen_slice.py" log "$SEED" "$TRACE_ROWS" "$TR_DIR/template" "$LOG_PQ" "$TR_DIR/log.json" "$LOG_JL" "$JSONL_ROWS"
    else
        "$PY" "$HERE/lib/gen_slice.py" log "$SEED" "$TRACE_ROWS" "$TR_DIR/template" "$LOG_PQ" "$TR_DIR/log.json"
    fi
    printf '%s\n' "$TR_PARAMS" > "$TR_DIR/.generated"
    TR_GENERATED=$((SECONDS - t0))
fi
LOG_PQ_BYTES=$(stat -c %s "$LOG_PQ")
LOG_JL_BYTES=0
[[ -f $LOG_JL ]] && LOG_JL_BYTES=$(stat -c %s "$LOG_JL")
# The prediction to trace in each log: the first decline by the production model 99.9% of the
# way in (ids are in log order; the generator records it).
TRACE_ID=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["targets"]["parquet"]["prediction_id"])' "$TR_DIR/log.json")
JSONL_ID=$( ((JSONL_ROWS > 0)) && "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["targets"]["jsonl"]["prediction_id"])' "$TR_DIR/log.json" || true)
say "slice: $TRAIN ($((TRAIN_BYTES / 1000000)) MB); trace: $LOG_PQ ($((LOG_PQ_BYTES / 1000000)) MB, id $TRACE_ID)$( ((JSONL_ROWS > 0)) && printf ', %s (%d MB, %d rows, id %s)' "$LOG_JL" $((LOG_JL_BYTES / 1000000)) "$JSONL_ROWS" "$JSONL_ID")"

if [[ ${BENCH_SLICE_GENERATE_ONLY:-0} == 1 ]]; then
    say "datasets ready (BENCH_SLICE_GENERATE_ONLY=1)"
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# 4. The binary (after the datasets, which do not need it).
CUSTODY=
if [[ $BASELINES_ONLY == 1 ]]; then
    say "BENCH_SLICE_BASELINES_ONLY=1: no custody"
elif [[ -n ${BENCH_CUSTODY:-} ]]; then
    CUSTODY=$BENCH_CUSTODY
    say "using the given custody binary $CUSTODY (no build)"
else
    say "building custody (release) in $CARGO_TARGET_DIR"
    (cd "$REPO" && cargo build --release --locked --bin custody) >&2
    CUSTODY=$CARGO_TARGET_DIR/release/custody
fi
if [[ -n $CUSTODY ]]; then
    [[ -x $CUSTODY ]] || die "no binary at $CUSTODY"
    for c in slice trace; do
        "$CUSTODY" "$c" --help > /dev/null 2>&1 || die "$CUSTODY has no '$c' command"
    done
fi

# ---------------------------------------------------------------------------------------------
# 5. Cases, made once before any timed run (and timed, as context: not part of a lookup).
RUN_DIR=$BENCH_DIR/run
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/out" "$RUN_DIR/cases" "$RUN_DIR/probe"
RESULTS=$RUN_DIR/results.jsonl
: > "$RESULTS"
SL_CASE=$RUN_DIR/cases/slice.custody
TR_CASE=$RUN_DIR/cases/trace.custody
# The investigator's keys for the demo case, as its CASE.md lists them.
TRUST=()
while read -r k; do TRUST+=(--trust "$REPO/$k"); done < <(grep -oE -- '--trust [^ ]+' "$FIXTURE/CASE.md" | awk '{print $2}' | sort -u)
((${#TRUST[@]})) || die "$FIXTURE/CASE.md lists no --trust keys"
INVESTIGATE=()
SL_REF=data/train.parquet
LOG_REF_PQ=inference/predictions.parquet
LOG_REF_JL=inference/predictions.jsonl
if [[ -n $CUSTODY ]]; then
    for which in slice trace; do
        if [[ $which == slice ]]; then ev=$SL_EV c=$SL_CASE extra=(); else ev=$TR_EV c=$TR_CASE extra=("${TRUST[@]}"); fi
        line=$("$PY" "$HERE/lib/measure.py" --label "investigate-$which" --rep 1 --stdout "$RUN_DIR/out/investigate-$which.json" \
            -- "$CUSTODY" investigate "$ev" --case "$c" "${extra[@]}" --json)
        [[ -f $c ]] || die "custody investigate made no case for $ev: $line"
        INVESTIGATE+=("$line")
        say "investigate $which: $line"
    done
    # How the commands name the dataset and the logs: relative to the evidence root (as every
    # reference), else the file's path (noted in the report).
    REF_NOTES=$RUN_DIR/ref-notes.txt
    : > "$REF_NOTES"
    probe() {   # NAME REL ABS -- CMD-WITH-@REF@...: print the form of the reference that works
        # (exit 0, or 1: findings, such as a link of the chain that fails to verify)
        local name=$1 rel=$2 abs=$3 form rc
        shift 4
        for form in "$rel" "$abs"; do
            rc=0
            "${@//@REF@/$form}" > "$RUN_DIR/probe/$name.out" 2> "$RUN_DIR/probe/$name.err" || rc=$?
            if ((rc <= 1)); then
                [[ $form == "$rel" ]] || printf '`%s` did not resolve (%s); the path `%s` was used\n' "$rel" "$(head -c 300 "$RUN_DIR/probe/$name.err" | tr '\n' ' ')" "$abs" >> "$REF_NOTES"
                printf '%s\n' "$form"
                return
            fi
        done
        die "$name: neither $rel nor $abs works: $(head -c 2000 "$RUN_DIR/probe/$name.err")"
    }
    SL_REF=$(probe slice "$SL_REF" "$TRAIN" -- "$CUSTODY" slice "$SL_CASE" @REF@ --by "$BY" --label "$LABEL" --prediction "$PREDICTION" --json)
    LOG_REF_PQ=$(probe trace-parquet "$LOG_REF_PQ" "$LOG_PQ" -- "$CUSTODY" trace "$TR_CASE" "$TRACE_ID" --json --log @REF@)
    if ((JSONL_ROWS > 0)); then
        LOG_REF_JL=$(probe trace-jsonl "$LOG_REF_JL" "$LOG_JL" -- "$CUSTODY" trace "$TR_CASE" "$JSONL_ID" --json --log @REF@)
    fi
    rc=0
    "$CUSTODY" trace "$TR_CASE" "$TRACE_ID" --json > "$RUN_DIR/probe/trace.out" 2> "$RUN_DIR/probe/trace.err" || rc=$?
    ((rc <= 1)) || die "custody trace $TR_CASE $TRACE_ID failed (exit $rc): $(head -c 2000 "$RUN_DIR/probe/trace.err")"
fi

# ---------------------------------------------------------------------------------------------
# 6. Measurements.
# Before every timed run, untimed:
# * read everything the command reads: the dataset of its group (the slice evidence for the
#   slicing commands, the whole trace evidence, both logs included, for the lookups), the cases,
#   the binaries and their shared libraries, Python's packages and standard library. This
#   machine's kernel runs DAMON proactive reclaim: file pages nobody read for ~30 s are evicted,
#   so a page cache warmed once does not stay warm.
# * touch BENCH_PRETOUCH_MB (1024) MB of fresh memory and free it: this virtual machine's memory
#   balloon makes the first touch of a page handed back to the host cost system time (see
#   benches/diff.sh), so every command starts on an equal footing.
# * with BENCH_DROP=1, drop the page cache first (off by default).
DROP=${BENCH_DROP:-0}
PRETOUCH_MB=${BENCH_PRETOUCH_MB:-1024}
DROPPED=0
if [[ $DROP == 1 && -w /proc/sys/vm/drop_caches ]]; then DROPPED=1; fi
WARM_EXTRA=()
while read -r lib; do [[ -f $lib ]] && WARM_EXTRA+=("$lib"); done < <(ldd ${CUSTODY:+"$CUSTODY"} "$(command -v grep)" "$(readlink -f "$PY")" 2> /dev/null | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
warm_page_cache() {   # DIR...: the group's data
    if ((DROPPED)); then
        sync
        echo 1 > /proc/sys/vm/drop_caches
    fi
    find "$@" "$RUN_DIR/cases" "$SITE" "$(dirname "$STDLIB")" "${WARM_EXTRA[@]}" -type f -print0 | xargs -0 cat > /dev/null
    cat ${CUSTODY:+"$CUSTODY"} "$PY" "$(command -v grep)" > /dev/null
    if ((PRETOUCH_MB > 0)); then
        "$PY" -c 'import sys, numpy; numpy.ones(int(sys.argv[1]) << 20, dtype=numpy.uint8)' "$PRETOUCH_MB"
    fi
}

# measure LABEL REP WARM_DIR -- CMD...   (see benches/lib/measure.sh; WARM_DIR: what to read
# into the page cache before the run)
source "$HERE/lib/measure.sh"
measure() {
    local label=$1 rep=$2
    WARM_ARGS=("$3")
    shift 3
    measured_run "$label" "$rep" "$@"
}

wait_started=$SECONDS
say "waiting for the machine to be idle (at most ${IDLE_WAIT}s)"
"$PY" "$HERE/lib/measure.py" --wait-idle "$IDLE_WAIT" || say "machine still busy; measuring anyway"
WAITED=$((WAITED + SECONDS - wait_started))
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "timed runs, page cache warm, $REPS repetitions each, fairlearn $FAIRLEARN_REPS (load average $LOAD_START)"
T0=$SECONDS
SLICE_ARGS=(--by "$BY" --label "$LABEL" --prediction "$PREDICTION")
for ((r = 1; r <= REPS; r++)); do
    measure slice-pandas "$r" "$SL_EV" -- "$PY" "$HERE/lib/slice_pandas.py" "$TRAIN" "${SLICE_ARGS[@]}"
    if ((r <= FAIRLEARN_REPS)); then
        measure slice-fairlearn "$r" "$SL_EV" -- "$PY" "$HERE/lib/slice_fairlearn.py" "$TRAIN" "${SLICE_ARGS[@]}"
    fi
    if [[ -n $CUSTODY ]]; then
        measure slice-custody "$r" "$SL_EV" -- "$CUSTODY" slice "$SL_CASE" "$SL_REF" "${SLICE_ARGS[@]}" --json
    fi
done
for ((r = 1; r <= REPS; r++)); do
    if [[ -n $CUSTODY ]]; then
        measure trace-custody "$r" "$TR_EV" -- "$CUSTODY" trace "$TR_CASE" "$TRACE_ID" --json
        measure trace-custody-parquet "$r" "$TR_EV" -- "$CUSTODY" trace "$TR_CASE" "$TRACE_ID" --json --log "$LOG_REF_PQ"
    fi
    measure trace-pandas "$r" "$TR_EV" -- "$PY" "$HERE/lib/trace_lookup.py" pandas "$LOG_PQ" "$TRACE_ID"
    measure trace-pyarrow "$r" "$TR_EV" -- "$PY" "$HERE/lib/trace_lookup.py" pyarrow "$LOG_PQ" "$TRACE_ID"
    if ((JSONL_ROWS > 0)); then
        if [[ -n $CUSTODY ]]; then
            measure trace-custody-jsonl "$r" "$TR_EV" -- "$CUSTODY" trace "$TR_CASE" "$JSONL_ID" --json --log "$LOG_REF_JL"
        fi
        measure trace-grep "$r" "$TR_EV" -- grep -m1 -F "\"prediction_id\": \"$JSONL_ID\"" "$LOG_JL"
        measure trace-python-jsonl "$r" "$TR_EV" -- "$PY" "$HERE/lib/trace_lookup.py" jsonl "$LOG_JL" "$JSONL_ID"
    fi
done
TIMED_S=$((SECONDS - T0))
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# 7. Do the answers agree? (benches/lib/check_slice.py: the generator's record, pandas,
#    fairlearn and custody for the slice; every lookup and custody's trace for the log.)
CHECKS=$RUN_DIR/checks.json
"$PY" "$HERE/lib/check_slice.py" --out "$RUN_DIR/out" --truth "$SL_DIR/truth.json" --by "$BY" \
    --trace-id "$TRACE_ID" --jsonl-id "$JSONL_ID" --log-meta "$TR_DIR/log.json" --mlflow "$TR_EV/mlflow/mlflow.db" --checks "$CHECKS" \
    || die "the tools' answers disagree (see above; the outputs are in $RUN_DIR/out)"
say "answers agree: $("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"])' "$CHECKS")"

# ---------------------------------------------------------------------------------------------
# 8. The report.
META=$RUN_DIR/meta.json
if [[ -n $CUSTODY ]]; then
    CUSTODY_VERSION=$("$CUSTODY" --version)
else
    CUSTODY_VERSION="(not run)"
fi
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes)')
"$PY" - "$META" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "nproc": int("$(nproc)"),
    "cpu": """$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')""",
    "mem": """$(free -g | awk '/^Mem:/ {print $2 " GiB"}')""",
    "kernel": "$(uname -r)",
    "reps": $REPS, "fairlearn_reps": $FAIRLEARN_REPS, "seed": $SEED,
    "slice_rows": $SLICE_ROWS, "trace_rows": $TRACE_ROWS, "jsonl_rows": $JSONL_ROWS, "max_gb": $MAX_GB,
    "by": "$BY", "label": "$LABEL", "prediction": "$PREDICTION",
    "trace_id": "$TRACE_ID", "jsonl_id": "$JSONL_ID",
    "bench_dir": "$BENCH_DIR",
    "train_bytes": $TRAIN_BYTES, "log_parquet_bytes": $LOG_PQ_BYTES, "log_jsonl_bytes": $LOG_JL_BYTES,
    "train_row_groups": int("$("$PY" -c 'import pyarrow.parquet as pq, sys; print(pq.ParquetFile(sys.argv[1]).num_row_groups)' "$TRAIN")"),
    "log_row_groups": int("$("$PY" -c 'import pyarrow.parquet as pq, sys; print(pq.ParquetFile(sys.argv[1]).num_row_groups)' "$LOG_PQ")"),
    "refs": {"slice": "$SL_REF", "log_parquet": "$LOG_REF_PQ", "log_jsonl": "$LOG_REF_JL"},
    "ref_notes": [l.rstrip("\n") for l in open("${REF_NOTES:-/dev/null}") if l.strip()],
    "trust": """${TRUST[*]}""".replace("$REPO/", "").split(),
    "fixture_id": "$FIXTURE_ID",
    "log": {k: v for k, v in json.load(open("$TR_DIR/log.json")).items() if k != "targets"},
    "case_bytes": {n: __import__("os").path.getsize(p) for n, p in (("slice", "$SL_CASE"), ("trace", "$TR_CASE"))
                   if __import__("os").path.exists(p)},
    "investigate": [json.loads(l) for l in '''$(printf '%s\n' "${INVESTIGATE[@]}")'''.splitlines() if l.strip()],
    "slice_generated_s": $SL_GENERATED, "trace_generated_s": $TR_GENERATED,
    "versions": {
        "custody": """$CUSTODY_VERSION""",
        "custody_commit": """$COMMIT""",
        "rustc": """$(rustc --version 2>/dev/null || echo unknown)""",
        "fairlearn": "$FAIRLEARN_VERSION", "sklearn": "$SKLEARN_VERSION", "pandas": "$PANDAS_VERSION",
        "pyarrow": "$PYARROW_VERSION", "numpy": "$NUMPY_VERSION", "python": "$PY_VERSION",
        "grep": """$(grep --version | head -n1)""",
    },
    "custody_binary": "$CUSTODY",
    "custody_given": bool(${BENCH_CUSTODY:+1}0),
    "baselines_only": bool($BASELINES_ONLY),
    "load_start": "$LOAD_START", "load_end": "$LOAD_END",
    "timed_section_s": $TIMED_S, "max_others": $MAX_OTHERS,
    "dropped_caches": bool($DROPPED), "pretouch_mb": $PRETOUCH_MB,
    "elapsed_s": $((SECONDS - started_at)),
    "waited_s": $WAITED,
}, open(sys.argv[1], "w"), indent=1)
EOF
section=$("$PY" "$HERE/lib/report_slice.py" --meta "$META" --results "$RESULTS" --checks "$CHECKS" --runs "$RUN_DIR")
if [[ $BASELINES_ONLY == 1 ]]; then
    printf '%s\n' "$section"
    say "BENCH_SLICE_BASELINES_ONLY=1: section printed, $OUT left alone (raw results in $RESULTS); total $((SECONDS - started_at)) s"
else
    "$PY" "$HERE/lib/section.py" slice "$section" "$OUT"
    say "wrote the slice section of $OUT (raw results in $RESULTS); total $((SECONDS - started_at)) s"
fi
