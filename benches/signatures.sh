#!/usr/bin/env bash
# benches/signatures.sh: how fast Custody checks a signed model folder, next to the tool that
# signed it.
#
# What it measures, in one run, on the same files: a synthetic model folder (BENCH_SIG_FILES
# files of random bytes, BENCH_SIG_MB MiB in all; default 8 files, 1024 MiB) signed with the
# real `model_signing sign key` (PyPI model-signing 1.1.1, the fixtures' venv) and the
# throwaway release key of fixtures/keys; then, each BENCH_REPS times (default 3), median wall
# time and CPU:
#   * `model_signing verify key` (hashes every file, checks the signature and the manifest);
#   * `sha256sum` over the same files (the hashing floor of one core);
#   * `custody investigate DIR --trust release-p256.pub --json` (acquire: SHA-256 of every file
#     into the register; verify: the signature, each file's digest against the manifest, the
#     register) and `custody verify CASE --json` on that case in a fresh process.
# The page cache is warmed before each timed run (an untimed read of every file). It writes
# the "Signatures" section of BENCHMARKS.md (between markers).
#
# Run:  nice -n 10 benches/signatures.sh     (needs cargo, python3, the fixtures venv or PyPI)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
. "$REPO/scripts/env"
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/custody-bench-signatures}
REPS=${BENCH_REPS:-3}
FILES=${BENCH_SIG_FILES:-8}
MB=${BENCH_SIG_MB:-1024}
VENV=${CUSTODY_FIXTURE_VENV:-$HOME/.cache/custody/fixtures-venv}
KEYS="$REPO/fixtures/keys"

if [ ! -x "$VENV/bin/model_signing" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$REPO/fixtures/requirements.txt"
fi
if [ -n "${BENCH_CUSTODY:-}" ]; then
  CUSTODY=$BENCH_CUSTODY
else
  (cd "$REPO" && cargo build --locked --release --bin custody)
  CUSTODY="$CARGO_TARGET_DIR/release/custody"
fi

model="$BENCH_DIR/model"
stamp="$BENCH_DIR/params"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$FILES $MB" ]; then
  rm -rf "$BENCH_DIR"
  mkdir -p "$model"
  per=$((MB / FILES))
  for i in $(seq 1 "$FILES"); do
    head -c "$((per * 1024 * 1024))" /dev/urandom > "$model/shard-$(printf %03d "$i").safetensors"
  done
  echo '{"arch":"bench"}' > "$model/config.json"
  "$VENV/bin/model_signing" sign key --private_key "$KEYS/release-p256.pem" --signature "$model/model.sig" "$model"
  echo "$FILES $MB" > "$stamp"
fi

warm() { cat "$model"/* > /dev/null; }
results="$BENCH_DIR/results.tsv"
: > "$results"
measure() { # name, command...
  local name=$1; shift
  for _ in $(seq 1 "$REPS"); do
    warm
    python3 - "$name" "$results" "$@" <<'PY'
import os, resource, subprocess, sys, time
name, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.perf_counter()
r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode not in (0,):
    sys.exit(f"{name}: exit {r.returncode}: {r.stderr.decode()[-400:]}")
open(out, "a").write(f"{name}\t{wall:.3f}\t{ru.ru_utime + ru.ru_stime:.3f}\n")
PY
  done
}
measure "model_signing verify key" "$VENV/bin/model_signing" verify key --signature "$model/model.sig" --public_key "$KEYS/release-p256.pub" "$model"
measure "sha256sum (one process)" sh -c "sha256sum '$model'/* > /dev/null"
for _ in $(seq 1 "$REPS"); do
  rm -f "$BENCH_DIR/case.custody"
  warm
  python3 - "custody investigate --trust" "$results" "$CUSTODY" investigate "$model" --case "$BENCH_DIR/case.custody" --trust "$KEYS/release-p256.pub" --json <<'PY'
import resource, subprocess, sys, time, json
name, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.perf_counter()
r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode != 0:
    sys.exit(f"{name}: exit {r.returncode}: {r.stderr.decode()[-400:]}")
s = json.loads(r.stdout)["summary"]
assert s["signature_valid"] >= 1 and s["signature_invalid"] == 0, s
open(out, "a").write(f"{name}\t{wall:.3f}\t{ru.ru_utime + ru.ru_stime:.3f}\n")
PY
done
measure "custody verify (fresh process)" "$CUSTODY" verify "$BENCH_DIR/case.custody" --json

section=$(python3 - "$results" "$FILES" "$MB" "$REPS" <<'PY'
import statistics, sys, collections, platform, os
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, wall, cpu = line.rstrip("\n").split("\t")
    rows[name].append((float(wall), float(cpu)))
files, mb, reps = sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = statistics.median(w for w, _ in rows["model_signing verify key"])
out = [f"## Signatures: a signed model folder ({files} files, {mb} MiB + config.json)", "",
       f"Same files, same run, page cache warm, median of {reps}; signed with `model_signing sign key` (P-256).", "",
       "| command | wall (s) | CPU utilisation | time vs `model_signing verify` |", "|---|---:|---:|---:|"]
for name, vals in rows.items():
    wall = statistics.median(w for w, _ in vals)
    cpu = statistics.median(c / w for w, c in vals if w > 0)
    out.append(f"| `{name}` | {wall:.2f} | {cpu:.2f} | {wall / base:.2f}× |")
out += ["", f"`custody investigate` does more than `model_signing verify`: it also fingerprints every file into the "
        "case's evidence register and records the case; `custody verify` re-reads the register and re-hashes "
        "every file in a fresh process. Custody hashes files on both cores, model_signing in a thread pool (see its CPU utilisation), sha256sum on one core. "
        f"Machine: {os.cpu_count()} cores, {platform.machine()}. Script: `benches/signatures.sh`."]
print("\n".join(out))
PY
)
python3 "$HERE/lib/section.py" signatures "$section" "$REPO/BENCHMARKS.md"
echo "signatures.sh: wrote the Signatures section of BENCHMARKS.md"
cat "$results"
