#!/usr/bin/env python3
"""The source files of a wide DVC pipeline, for benches/diff.sh (the lineage diff).

    gen_pipeline.py init PROJECT SEED ITEMS PER_SHARD
    gen_pipeline.py change-inputs PROJECT SEED COUNT     (edits COUNT raw inputs, seeded; prints them)
    gen_pipeline.py set-param PROJECT KEY VALUE          (KEY: process.scale, aggregate.threshold)

`init` writes, into an existing folder (a git repository with `dvc init` done):
  * `data/raw/sNNN/iNNNNN.csv` and `data/labels/sNNN/iNNNNN.csv`: two small CSV tables per item
    (12 readings, ~10 labels; seeded), tracked by git;
  * `src/process.py`, `src/aggregate.py`: the pipeline's code (standard library only, so a
    stage starts quickly);
  * `params.yaml`: `process.scale` (read by every item stage) and `aggregate.threshold`;
  * `pipelines/sNNN/dvc.yaml`, one per PER_SHARD items: a `foreach` stage `process` over that
    shard's items, each `python ../../src/process.py sNNN iNNNNN` with deps `src/process.py`
    and the item's two raw CSVs, param `process.scale`, outs `data/features/…csv`,
    `data/clean/…csv` and `data/stats/…json` (paths relative to the dvc.yaml, as DVC records
    them). The items are split over many small `dvc.yaml` files because DVC re-parses and
    rewrites a stage's whole `dvc.lock` after every stage it runs: one lock of thousands of
    entries makes `dvc repro` quadratic;
  * `dvc.yaml` at the root: `aggregate`, which depends on `src/aggregate.py` and on every item
    out, listed one by one (so the lock records each out's digest), and writes
    `data/summary.json`, with param `aggregate.threshold`.
Every DVC entry becomes a data-version node in custody's graph and every stage a stage node:
per item two raw inputs, one stage and three outs, so about 6 × ITEMS nodes upstream of
`data/summary.json`.
"""
import json
import os
import random
import sys

PROCESS = '''"""One item: its raw readings scaled and joined with its labels; and its statistics."""
import csv
import json
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
lines = open("params.yaml").read().splitlines()
scale = float(next(l.split(":", 1)[1] for l in lines if l.strip().startswith("scale:")))
shard, item = sys.argv[1], sys.argv[2]
raw = list(csv.DictReader(open(f"data/raw/{shard}/{item}.csv")))
labels = {r["id"]: r["label"] for r in csv.DictReader(open(f"data/labels/{shard}/{item}.csv"))}
for d in ("features", "clean", "stats"):
    os.makedirs(f"data/{d}/{shard}", exist_ok=True)
total = 0.0
with open(f"data/features/{shard}/{item}.csv", "w", newline="") as f, open(f"data/clean/{shard}/{item}.csv", "w", newline="") as g:
    fw, gw = csv.writer(f), csv.writer(g)
    fw.writerow(["id", "value", "scaled", "running_mean"])
    gw.writerow(["id", "value", "label"])
    for i, r in enumerate(raw, 1):
        v = float(r["value"])
        total += v
        fw.writerow([r["id"], r["value"], f"{v * scale:.4f}", f"{total / i:.4f}"])
        if r["id"] in labels:
            gw.writerow([r["id"], f"{v * scale:.4f}", labels[r["id"]]])
json.dump({"item": item, "rows": len(raw), "labelled": sum(1 for r in raw if r["id"] in labels),
           "sum": round(total * scale, 4)}, open(f"data/stats/{shard}/{item}.json", "w"))
'''

AGGREGATE = '''"""The summary over all items: rows, sum, and how many items exceed the threshold."""
import glob
import json

lines = open("params.yaml").read().splitlines()
start = lines.index("aggregate:")
threshold = float(next(l.split(":", 1)[1] for l in lines[start:] if l.strip().startswith("threshold:")))
stats = [json.load(open(p)) for p in sorted(glob.glob("data/stats/*/*.json"))]
clean = sum(len(open(p).read().splitlines()) - 1 for p in sorted(glob.glob("data/clean/*/*.csv")))
features = sum(len(open(p).read().splitlines()) - 1 for p in sorted(glob.glob("data/features/*/*.csv")))
json.dump({"items": len(stats), "rows": sum(s["rows"] for s in stats), "features": features, "clean": clean,
           "sum": round(sum(s["sum"] for s in stats), 4),
           "over_threshold": sum(1 for s in stats if s["sum"] / max(s["rows"], 1) > threshold)},
          open("data/summary.json", "w"), indent=1)
'''


def items(n, per_shard):
    """(shard, item) names, PER_SHARD consecutive items a shard."""
    return [(f"s{i // per_shard:03d}", f"i{i:05d}") for i in range(n)]


def raw_table(rng, item):
    lines = ["id,value"]
    for k in range(12):
        lines.append(f"{item}-{k:02d},{rng.uniform(0, 100):.3f}")
    return "\n".join(lines) + "\n"


def labels_table(rng, item):
    lines = ["id,label"]
    for k in range(12):
        if rng.random() < 0.8:
            lines.append(f"{item}-{k:02d},{rng.choice('abcde')}")
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def init(project, seed, n, per_shard):
    rng = random.Random(seed)
    all_items = items(n, per_shard)
    for shard, item in all_items:
        write(f"{project}/data/raw/{shard}/{item}.csv", raw_table(rng, item))
        write(f"{project}/data/labels/{shard}/{item}.csv", labels_table(rng, item))
    write(f"{project}/src/process.py", PROCESS)
    write(f"{project}/src/aggregate.py", AGGREGATE)
    write(f"{project}/params.yaml", "process:\n  scale: 1.0\naggregate:\n  threshold: 50.0\n")
    by_shard = {}
    for shard, item in all_items:
        by_shard.setdefault(shard, []).append(item)
    for shard, its in by_shard.items():
        # Paths relative to the dvc.yaml (as DVC records them in the lock). Not `wdir: ../..`
        # inside `do:`: custody reads only a stage's top-level wdir (see benches/diff.sh).
        doc = ["stages:", "  process:",
               f"    foreach: {json.dumps(its)}", "    do:",
               f"      cmd: python ../../src/process.py {shard} ${{item}}",
               "      deps:", "        - ../../src/process.py", f"        - ../../data/raw/{shard}/${{item}}.csv",
               f"        - ../../data/labels/{shard}/${{item}}.csv",
               "      params:", "        - ../../params.yaml:", "          - process.scale",
               "      outs:", f"        - ../../data/features/{shard}/${{item}}.csv",
               f"        - ../../data/clean/{shard}/${{item}}.csv", f"        - ../../data/stats/{shard}/${{item}}.json"]
        write(f"{project}/pipelines/{shard}/dvc.yaml", "\n".join(doc) + "\n")
    root = ["stages:", "  aggregate:", "    cmd: python src/aggregate.py", "    deps:", "      - src/aggregate.py"]
    for shard, item in all_items:
        for d, ext in (("features", "csv"), ("clean", "csv"), ("stats", "json")):
            root.append(f"      - data/{d}/{shard}/{item}.{ext}")
    root += ["    params:", "      - aggregate.threshold", "    outs:", "      - data/summary.json"]
    write(f"{project}/dvc.yaml", "\n".join(root) + "\n")


def change_inputs(project, seed, count):
    rng = random.Random(seed * 7919 + 1)
    raw = sorted(os.path.join(d, f) for d, _, fs in os.walk(f"{project}/data/raw") for f in fs)
    chosen = rng.sample(raw, count)
    for path in sorted(chosen):
        lines = open(path).read().splitlines()
        k = rng.randrange(1, len(lines))
        ident, value = lines[k].split(",")
        lines[k] = f"{ident},{float(value) + rng.uniform(1, 50):.3f}"
        write(path, "\n".join(lines) + "\n")
    print("\n".join(os.path.relpath(p, project) for p in sorted(chosen)))


def set_param(project, key, value):
    section, name = key.split(".")
    lines = open(f"{project}/params.yaml").read().splitlines()
    start = lines.index(f"{section}:")
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith(f"{name}:"):
            lines[i] = f"  {name}: {value}"
            break
    else:
        sys.exit(f"no {key} in params.yaml")
    write(f"{project}/params.yaml", "\n".join(lines) + "\n")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "init":
        init(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "change-inputs":
        change_inputs(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "set-param":
        set_param(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
