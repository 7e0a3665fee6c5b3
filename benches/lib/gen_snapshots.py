#!/usr/bin/env python3
"""Two snapshots of a transactions table as Parquet, for benches/diff.sh.

    gen_snapshots.py SEED ROWS OUT_V1 OUT_V2 TRUTH_JSON

V1 has ROWS rows: `txn_id` (unique int64, the key) and nine columns of mixed types: int64
`account_id`, timestamp `ts`, float64 `amount` (cents), string `merchant` (~2,000 values),
string `mcc` (24), string `country` (30, ~0.5% null), string `channel` (4), bool `is_fraud`,
float32 `risk_score` (~1% null). V2 is V1 with 2% of the rows removed, 1% of the rows changed
(one or two columns of each to a different value: amount, merchant, country, channel,
is_fraud or risk_score), 3% new rows (new ids) added, and every row shuffled. Both are written
by pyarrow (pandas.DataFrame.to_parquet, snappy, the defaults a user gets).

TRUTH_JSON records what was done (rows removed, added, changed, unchanged; changed rows per
column), so the diff tools' answers can be checked against the construction as well as
against each other. Same seed, same bytes.
"""
import json
import sys

import numpy as np
import pandas as pd


def table(rng, ids, t0):
    n = len(ids)
    merchants = np.array([f"m-{i:05d}" for i in range(2000)], dtype=object)
    mccs = np.array([str(5000 + 37 * i) for i in range(24)], dtype=object)
    countries = np.array(["US", "GB", "DE", "FR", "NL", "ES", "IT", "PL", "SE", "NO", "DK", "FI", "IE", "PT",
                          "BE", "AT", "CH", "CZ", "HU", "RO", "GR", "CA", "MX", "BR", "AR", "JP", "KR",
                          "IN", "AU", "NZ"], dtype=object)
    channels = np.array(["card-present", "online", "mobile", "atm"], dtype=object)
    # Zipf-ish popularity for merchants
    mw = 1.0 / np.arange(1, len(merchants) + 1) ** 0.8
    mw /= mw.sum()
    country = countries[rng.integers(0, len(countries), n)]
    country[rng.random(n) < 0.005] = None
    risk = rng.random(n).astype(np.float32)
    risk[rng.random(n) < 0.01] = np.nan
    return pd.DataFrame({
        "txn_id": ids.astype(np.int64),
        "account_id": rng.integers(100_000, 400_000, n, dtype=np.int64),
        "ts": pd.to_datetime(t0 + np.sort(rng.integers(0, 86_400 * 90, n)), unit="s"),
        "amount": np.round(rng.lognormal(3.2, 1.1, n), 2),
        "merchant": pd.array(rng.choice(merchants, n, p=mw), dtype="str"),
        "mcc": pd.array(mccs[rng.integers(0, len(mccs), n)], dtype="str"),
        "country": pd.array(country, dtype="str"),
        "channel": pd.array(channels[rng.integers(0, len(channels), n)], dtype="str"),
        "is_fraud": rng.random(n) < 0.002,
        "risk_score": risk,
    })


def main():
    seed, rows, out1, out2, truth_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    rng = np.random.default_rng(seed)
    t0 = 1_767_225_600  # 2026-01-01
    a = table(rng, np.arange(1, rows + 1) * 7 + 1_000_000, t0)

    n_removed, n_changed, n_added = rows // 50, rows // 100, rows * 3 // 100
    order = rng.permutation(rows)
    removed_idx = np.sort(order[:n_removed])
    changed_idx = np.sort(order[n_removed:n_removed + n_changed])
    b = a.copy()
    # changed rows: one or two columns each, always to a different value
    editable = ["amount", "merchant", "country", "channel", "is_fraud", "risk_score"]
    per_column = {c: 0 for c in a.columns}
    first = rng.integers(0, len(editable), n_changed)
    second = np.where(rng.random(n_changed) < 0.3, (first + 1 + rng.integers(0, len(editable) - 1, n_changed)) % len(editable), -1)
    for k, col in enumerate(editable):
        rows_k = changed_idx[(first == k) | (second == k)]
        per_column[col] = len(rows_k)
        old = b.loc[rows_k, col]
        if col == "amount":
            new = np.round(old.to_numpy() + rng.integers(1, 5000, len(rows_k)) / 100.0, 2)
        elif col == "risk_score":
            o = old.to_numpy()
            new = np.where(np.isnan(o), np.float32(0.5), np.float32(1.0) - o + np.float32(0.001)).astype(np.float32)
            new = np.where(new == o, o + np.float32(0.25), new).astype(np.float32)
        elif col == "is_fraud":
            new = ~old.to_numpy()
        elif col == "country":
            new = np.where(old.isna().to_numpy(), "US", np.where(old.to_numpy(dtype=object) == "ZZ", "US", "ZZ"))
        elif col == "merchant":
            new = np.array(["m-new-" + (v[2:] if isinstance(v, str) else "x") for v in old.to_numpy(dtype=object)], dtype=object)
        elif col == "channel":
            new = np.where(old.to_numpy(dtype=object) == "online", "mobile", "online")
        b.loc[rows_k, col] = new
    b = b.drop(index=removed_idx)
    added = table(rng, (np.arange(n_added) + rows + 1) * 7 + 1_000_000, t0 + 86_400 * 90)
    b = pd.concat([b, added], ignore_index=True)
    b = b.iloc[rng.permutation(len(b))].reset_index(drop=True)
    for col in ("merchant", "country", "channel"):
        b[col] = b[col].astype("str")
    b["risk_score"] = b["risk_score"].astype(np.float32)

    a.to_parquet(out1, index=False)
    b.to_parquet(out2, index=False)
    truth = {
        "rows_a": len(a), "rows_b": len(b),
        "rows_removed": n_removed, "rows_added": n_added, "rows_changed": n_changed,
        "rows_unchanged": rows - n_removed - n_changed,
        "changed_per_column": {c: v for c, v in per_column.items() if v},
        "columns": list(a.columns),
    }
    json.dump(truth, open(truth_path, "w"), indent=1)


if __name__ == "__main__":
    main()
