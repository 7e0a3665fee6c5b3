#!/usr/bin/env python3
"""The generated data of benches/slice.sh: a large training set to slice, a large inference log to
trace a decision in.

    gen_slice.py train SEED ROWS OUT_PARQUET TRUTH_JSON
    gen_slice.py log SEED ROWS TEMPLATE_JSONL OUT_PARQUET [OUT_JSONL JSONL_ROWS]

`train` writes ROWS rows shaped like the demo case's training set
(fixtures/cases/fraud-detection/project/data/processed/train.parquet: the same twelve columns,
types and value sets) plus the two columns of a scored copy of it, `score` (float64) and
`declined` (int64 0/1, score >= 0.2, the demo's decline threshold). Rows come from two sources,
as in the demo: `data/raw/transactions.csv` (the population: fraud rate ~2.8%, 10% aged 60+) and
`data/raw/internal_reviews.csv` (27% of the rows, a manual-review queue: fraud rate ~20%, 70% aged
60+, 84% in region `north`), so the fraud rate (the label's base rate) depends on the group; the
score leans on the age band and the gender as well as on the label, so selection rate, TPR and
FPR differ by group. TRUTH_JSON holds, for every (customer_age_band, customer_gender, region)
cell, the number of rows with each (is_fraud, declined) pair: every slice's counts and rates
follow from it, so the tools' answers are checked against the construction as well as each other.

`log` writes ROWS scoring decisions in the demo's inference-log shape: the field order, the
model fields (model_uri, model_version, run_id, model_sha256) and the nesting of TEMPLATE_JSONL
(the demo case's `inference/predictions.jsonl`), ids `pred-NNNNNNNN` in time order. OUT_PARQUET
is the flattened log (the columns of the demo's `predictions.csv`, inputs inlined, as pandas would
write it: strings as large_string, ints as int64); OUT_JSONL the first JSONL_ROWS of the same records (a
multiple of the chunk size, or all of them) as JSON lines, byte for byte what `json.dumps(record)`
gives (checked on a sample of every chunk), one per line.

Both are written chunk by chunk (1,000,000 rows, one Parquet row group each; snappy, pyarrow's
defaults) with numpy's default_rng(SEED): same seed, same bytes (for the same pyarrow and numpy).
"""
import json
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CHUNK = 1_000_000
AGE = ["18-25", "26-40", "41-60", "60+"]
GENDER = ["F", "M", "X"]
REGION = ["central", "east", "north", "south", "west"]
MERCHANT = ["grocery", "online_retail", "restaurants", "fuel", "electronics", "travel", "gaming", "jewelry"]
MERCHANT_P = [0.27, 0.18, 0.18, 0.14, 0.08, 0.08, 0.045, 0.025]
COUNTRY = ["GB", "DE", "FR", "ES", "IE", "NL", "US", "IT", "BR", "NG"]
COUNTRY_P = [0.46, 0.10, 0.09, 0.07, 0.06, 0.06, 0.06, 0.05, 0.03, 0.02]
SOURCES = ["data/raw/transactions.csv", "data/raw/internal_reviews.csv"]
FEATURES = ["amount", "merchant_category", "country", "customer_age_band", "customer_gender", "region",
            "card_present", "hour"]
THRESHOLD = 0.2  # the demo's decline threshold (fixtures/make: DECLINE_THRESHOLD)


def fixed_ids(prefix: str, nums: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded `nums` as a large_string array, built from bytes (no Python strings)."""
    n = len(nums)
    digits = np.empty((n, width), dtype=np.uint8)
    x = nums.astype(np.int64).copy()
    for k in range(width - 1, -1, -1):
        digits[:, k] = (x % 10 + 48).astype(np.uint8)
        x //= 10
    if (x != 0).any():
        raise SystemExit(f"an id does not fit in {width} digits")
    pre = np.frombuffer(prefix.encode(), dtype=np.uint8)
    data = np.concatenate([np.broadcast_to(pre, (n, len(pre))), digits], axis=1)
    size = data.shape[1]
    offsets = np.arange(n + 1, dtype=np.int64) * size
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes()))


def pick(values, idx) -> pa.Array:
    return pc.take(pa.array(values, pa.large_string()), pa.array(idx.astype(np.int32)))


def iso(seconds_or_ms: np.ndarray, unit: str) -> pa.Array:
    """ISO 8601 UTC strings, `Z`-suffixed: whole seconds for unit s, milliseconds for ms."""
    ts = pa.array(seconds_or_ms.astype(f"datetime64[{unit}]"))
    return pc.strftime(ts, format="%Y-%m-%dT%H:%M:%SZ").cast(pa.large_string())


def population(rng, n, internal):
    """Demographics and features of n transactions; `internal` marks review-queue rows."""
    u = rng.random(n)
    age_p = np.where(internal[:, None], [[0.10, 0.10, 0.10, 0.70]], [[0.13, 0.34, 0.43, 0.10]])
    age = (u[:, None] > np.cumsum(age_p, axis=1)).sum(axis=1)
    gender = rng.choice(3, n, p=[0.488, 0.494, 0.018])
    u = rng.random(n)
    reg_p = np.where(internal[:, None], [[0.04, 0.04, 0.84, 0.04, 0.04]], [[0.19, 0.20, 0.19, 0.21, 0.21]])
    region = (u[:, None] > np.cumsum(reg_p, axis=1)).sum(axis=1)
    return {
        "amount": np.maximum(np.round(rng.lognormal(3.6, 1.0, n), 2), 1.0),
        "merchant": rng.choice(len(MERCHANT), n, p=MERCHANT_P),
        "country": rng.choice(len(COUNTRY), n, p=COUNTRY_P),
        "age": np.minimum(age, 3),
        "gender": gender,
        "region": np.minimum(region, 4),
        "card_present": rng.integers(0, 2, n),
        "hour": rng.integers(0, 24, n),
    }


def labels_and_scores(rng, p, internal, offset=-3.1):
    """is_fraud with group-dependent base rates; a score that leans on age and gender too."""
    n = len(internal)
    base = np.where(internal, 0.20, np.array([0.027, 0.029, 0.025, 0.033])[p["age"]])
    base = base * np.array([0.9, 1.05, 1.4])[p["gender"]] * np.array([1.0, 0.95, 1.1, 1.0, 0.95])[p["region"]]
    y = (rng.random(n) < base).astype(np.int64)
    z = (offset + 2.7 * y + np.array([0.1, 0.0, -0.1, 0.8])[p["age"]] + np.array([-0.05, 0.05, 0.4])[p["gender"]]
         + 0.004 * np.minimum(p["amount"], 500) + rng.normal(0.0, 1.1, n))
    score = np.clip(np.round(1.0 / (1.0 + np.exp(-z)), 6), 0.000101, 0.999999)
    return y, score


def train(seed, rows, out, truth_path):
    rng = np.random.default_rng(seed)
    t_start, t_span = 1782864000, 123 * 86400  # 2026-07-01 .. 2026-10-31, the demo's extract window
    cells = np.zeros((4, 3, 5, 2, 2), dtype=np.int64)  # age, gender, region, is_fraud, declined
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        internal = rng.random(n) < 0.27
        p = population(rng, n, internal)
        y, score = labels_and_scores(rng, p, internal)
        declined = (score >= THRESHOLD).astype(np.int64)
        np.add.at(cells, (p["age"], p["gender"], p["region"], y, declined), 1)
        ids = rng.permutation(n) + start + 1  # shuffled, as the demo's prepared set is
        t = pa.table({
            "transaction_id": fixed_ids("tx-", ids, 8),
            "timestamp": iso(t_start + rng.integers(0, t_span, n), "s"),
            "amount": p["amount"],
            "merchant_category": pick(MERCHANT, p["merchant"]),
            "country": pick(COUNTRY, p["country"]),
            "customer_age_band": pick(AGE, p["age"]),
            "customer_gender": pick(GENDER, p["gender"]),
            "region": pick(REGION, p["region"]),
            "card_present": p["card_present"].astype(np.int64),
            "hour": p["hour"].astype(np.int64),
            "is_fraud": y,
            "source_file": pick(SOURCES, internal.astype(np.int64)),
            "score": score,
            "declined": declined,
        })
        if writer is None:
            writer = pq.ParquetWriter(out, t.schema, compression="snappy")
        writer.write_table(t)
    writer.close()
    truth = {"rows": rows, "dims": {"customer_age_band": AGE, "customer_gender": GENDER, "region": REGION},
             "cells": [{"customer_age_band": AGE[a], "customer_gender": GENDER[g], "region": REGION[r],
                        "is_fraud": yy, "declined": d, "rows": int(cells[a, g, r, yy, d])}
                       for a in range(4) for g in range(3) for r in range(5) for yy in range(2) for d in range(2)
                       if cells[a, g, r, yy, d]]}
    json.dump(truth, open(truth_path, "w"), indent=1)


def log(seed, rows, template_dir, out_parquet, meta_path, out_jsonl, jsonl_rows):
    tdir = template_dir.rstrip("/")
    with open(f"{tdir}/predictions.jsonl") as f:
        template = [json.loads(line) for line in f]
    keys = list(template[0])
    inputs = list(template[0]["inputs"])
    gt_keys = list(next(r["ground_truth"] for r in template if r.get("ground_truth")))
    known = ["prediction_id", "timestamp", "model_uri", "model_version", "run_id", "model_sha256", "transaction_id",
             "inputs", "score", "decision", "ground_truth"]
    if sorted(keys) != sorted(known) or sorted(inputs) != sorted(FEATURES) or sorted(gt_keys) != ["is_fraud", "labelled_at"]:
        raise SystemExit(f"{tdir}/predictions.jsonl: fields {keys}, inputs {inputs}, ground_truth {gt_keys}: "
                         f"the generator knows {known}, {FEATURES}, [is_fraud, labelled_at]")
    schema = pq.read_schema(f"{tdir}/predictions.parquet")  # column order and types, pandas metadata
    # The models that served, with their share of the demo's traffic (production and the canary).
    model_keys = ("model_uri", "model_version", "run_id", "model_sha256")
    served = {}
    for r in template:
        k = tuple(r[m] for m in model_keys)
        served[k] = served.get(k, 0) + 1
    models = sorted(served, key=lambda k: -served[k])
    share = np.array([served[k] for k in models], dtype=float) / len(template)
    prod = next((i for i, k in enumerate(models) if k[0].endswith("@production")), 0)
    # 12 days of traffic from 2026-11-09T00:00Z, as the demo's; the log is taken on
    # 2026-11-21T06:00Z; a day's outcomes are joined in at 02:00Z five days later (a 4-day
    # chargeback window), so days up to 2026-11-16 are labelled and the rest are null.
    day_ms = 86_400_000
    t_start, taken = 1794182400000, 1794182400000 + 12 * day_ms + 6 * 3_600_000
    gap = max((12 * day_ms - 3_600_000) // max(rows, 1), 1)
    last_labelled = 7  # 2026-11-16, as a day index from the start
    rng = np.random.default_rng(seed + 1)
    t_next = t_start
    targets = {"parquet": rows - rows // 1000}
    if out_jsonl:
        targets["jsonl"] = jsonl_rows - jsonl_rows // 1000
    found, counts = {}, {"rows": rows, "jsonl_rows": jsonl_rows if out_jsonl else 0, "template_rows": len(template), "labelled": 0,
                        "served": [0] * len(models), "declines": 0}
    writer = None
    jf = open(out_jsonl, "w") if out_jsonl else None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        p = population(rng, n, np.zeros(n, dtype=bool))
        # the live log declines fewer than the training set's scored copy (~5%, as the demo's)
        y, score_prod = labels_and_scores(rng, p, np.zeros(n, dtype=bool), offset=-4.2)
        # the canary scores without production's lean on age
        z = -4.2 + 2.7 * y + 0.004 * np.minimum(p["amount"], 500) + rng.normal(0.0, 1.1, n)
        score_stag = np.clip(np.round(1.0 / (1.0 + np.exp(-z)), 6), 0.000101, 0.999999)
        m = (rng.random(n)[:, None] > np.cumsum(share)[None, :-1]).sum(axis=1)
        score = np.where(m == prod, score_prod, score_stag)
        decline = score >= THRESHOLD
        ms = t_next + np.cumsum(rng.integers(1, 2 * gap, n))
        t_next = int(ms[-1])
        day = (ms - t_start) // day_ms
        labelled = day <= last_labelled
        counts["labelled"] += int(labelled.sum())
        counts["declines"] += int(decline.sum())
        for i in range(len(models)):
            counts["served"][i] += int((m == i).sum())
        mcol = {k: pick([mk[j] for mk in models], m) for j, k in enumerate(model_keys)}
        cols = {
            "prediction_id": fixed_ids("pred-", np.arange(start + 1, start + n + 1), 8),
            "timestamp": iso(ms, "ms"),
            **mcol,
            "transaction_id": fixed_ids("tx-live-", np.arange(start + 1, start + n + 1), 8),
            "amount": pa.array(p["amount"]),
            "merchant_category": pick(MERCHANT, p["merchant"]),
            "country": pick(COUNTRY, p["country"]),
            "customer_age_band": pick(AGE, p["age"]),
            "customer_gender": pick(GENDER, p["gender"]),
            "region": pick(REGION, p["region"]),
            "card_present": pa.array(p["card_present"].astype(np.int64)),
            "hour": pa.array(p["hour"].astype(np.int64)),
            "score": pa.array(score),
            "decision": pick(["approve", "decline"], decline.astype(np.int64)),
            "is_fraud": pa.array(y, mask=~labelled),
            "labelled_at": pc.if_else(pa.array(labelled), iso(t_start + (day + 5) * day_ms + 2 * 3_600_000, "ms"),
                                      pa.scalar(None, pa.large_string())),
        }
        if set(cols) != set(schema.names):
            raise SystemExit(f"{tdir}/predictions.parquet has columns {schema.names}; the generator makes {sorted(cols)}")
        t = pa.Table.from_arrays([cols[f.name].cast(f.type) for f in schema], schema=schema)
        if writer is None:
            writer = pq.ParquetWriter(out_parquet, schema, compression="snappy")
        writer.write_table(t)
        py = None
        for what, first in targets.items():
            # the prediction to trace: the first production decline at or after `first`
            if what not in found and start + n > first:
                lo = max(first - start, 0)
                hits = np.flatnonzero((m[lo:] == prod) & decline[lo:])
                if len(hits):
                    found[what] = t.slice(lo + int(hits[0]), 1).to_pylist()[0]
        if jf and start < jsonl_rows:
            py = {k: cols[k].to_pylist() for k in cols}
            gt = ["null" if lab is None else '{"is_fraud": %d, "labelled_at": "%s"}' % (fr, lab)
                  for fr, lab in zip(py["is_fraud"], py["labelled_at"])]
            parts, args = [], []
            for k in keys:
                if k == "inputs":
                    sub = ", ".join(f'"{c}": ' + ('"%s"' if isinstance(py[c][0], str) else "%r") for c in inputs)
                    parts.append('"inputs": {' + sub + "}")
                    args += [py[c] for c in inputs]
                elif k == "ground_truth":
                    parts.append('"ground_truth": %s')
                    args.append(gt)
                else:
                    parts.append(f'"{k}": ' + ('"%s"' if isinstance(py[k][0], str) else "%r"))
                    args.append(py[k])
            # The JSON line, as json.dumps writes it: every value is an ASCII string with nothing
            # to escape, an int, a float (repr, which json.dumps uses too) or null.
            line = "{" + ", ".join(parts) + "}\n"
            text = "".join(line % vals for vals in zip(*args))
            # The records must be what json.dumps writes: check a sample of each chunk.
            lines = text.splitlines()
            for i in list(range(0, n, max(n // 997, 1)))[:1000] + [n - 1]:
                rec = {k: ({c: py[c][i] for c in inputs} if k == "inputs" else
                           (None if py["is_fraud"][i] is None else {"is_fraud": py["is_fraud"][i], "labelled_at": py["labelled_at"][i]})
                           if k == "ground_truth" else py[k][i]) for k in keys}
                if json.dumps(rec) != lines[i]:
                    raise SystemExit(f"line {start + i + 1} differs from json.dumps:\n{lines[i]}\n{json.dumps(rec)}")
            jf.write(text)
    writer.close()
    if jf:
        jf.close()
    if t_next >= taken:
        raise SystemExit("the log runs past the time it was taken")
    meta = dict(counts, models=[dict(zip(model_keys, k), template_share=float(s)) for k, s in zip(models, share)],
                production=dict(zip(model_keys, models[prod])), targets=found)
    json.dump(meta, open(meta_path, "w"), indent=1)


def main():
    if sys.argv[1] == "train":
        train(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif sys.argv[1] == "log":
        out_jsonl = sys.argv[7] if len(sys.argv) > 7 else None
        jsonl_rows = int(sys.argv[8]) if len(sys.argv) > 8 else int(sys.argv[3])
        if jsonl_rows % CHUNK and jsonl_rows < int(sys.argv[3]):
            raise SystemExit(f"JSONL_ROWS must be a multiple of {CHUNK:,} or all the rows")
        log(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], out_jsonl, jsonl_rows)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
