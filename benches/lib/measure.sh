# Sourced by benches/diff.sh and benches/slice.sh: one timed run, repeated when other work
# disturbed it.
#
# measured_run LABEL REP -- CMD...
#   warms the page cache (warm_page_cache "${WARM_ARGS[@]}", defined by the caller), times CMD
#   with lib/measure.py, and appends its JSON line to $RESULTS. A run during which other work
#   used more than MAX_OTHERS cores on average and more than 0.05 CPU-seconds in all (/proc/stat
#   counts in 10 ms ticks, so for a run of a few milliseconds one tick of someone else's work
#   reads as a whole core) is set aside in $RUN_DIR/discarded.jsonl and repeated once the
#   machine is idle, up to RETRIES times; the time spent waiting adds to WAITED.
# Expects PY, HERE, RUN_DIR, RESULTS, RETRIES, MAX_OTHERS, IDLE_WAIT and a `say` function.
WAITED=0
WARM_ARGS=()
measured_run() {
    local label=$1 rep=$2
    shift 2
    local line others attempt wall
    for ((attempt = 1; ; attempt++)); do
        warm_page_cache "${WARM_ARGS[@]}"
        line=$("$PY" "$HERE/lib/measure.py" --label "$label" --rep "$rep" \
            --stdout "$RUN_DIR/out/$label-$rep.out" "$@")
        line=${line%\}}", \"mode\": \"warm\", \"attempt\": $attempt}"
        others=${line##*\"others_cores\": }
        others=${others%%[,\}]*}
        wall=${line#*\"wall_s\": }
        wall=${wall%%[,\}]*}
        if ((attempt <= RETRIES)) && awk -v o="$others" -v m="$MAX_OTHERS" -v w="$wall" 'BEGIN {exit !(o > m && o * w > 0.05)}'; then
            printf '%s\n' "$line" >> "$RUN_DIR/discarded.jsonl"
            say "$(printf '%-24s rep %d: disturbed (other work used %s cores); retrying when idle' "$label" "$rep" "$others")"
            local w0=$SECONDS
            "$PY" "$HERE/lib/measure.py" --wait-idle "$IDLE_WAIT" || say "still busy after ${IDLE_WAIT}s; retrying anyway"
            WAITED=$((WAITED + SECONDS - w0))
            continue
        fi
        break
    done
    printf '%s\n' "$line" >> "$RESULTS"
    say "$(printf '%-24s rep %d: %s' "$label" "$rep" "$line")"
}
