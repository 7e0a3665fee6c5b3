#!/usr/bin/env python3
"""A row-level diff of two Parquet snapshots with pandas, as a user would write it
(the baseline of benches/diff.sh).

    diff_pandas.py A.parquet B.parquet KEY [--summaries]

Reads both files (pandas.read_parquet, pyarrow engine), joins them with
`merge(how="outer", on=<every shared column>, indicator=True)`: rows in both are unchanged,
`left_only` rows are candidates for removed, `right_only` for added. Candidates whose KEY is
on both sides are the same row changed; the changed rows are then joined on KEY to count, per
column, the rows whose value changed. Prints one JSON object with the counts custody reports
(rows_a, rows_b, rows_unchanged, rows_added, rows_removed, rows_changed, changed_per_column).

--summaries also computes what custody's table drill-down reports for every column of both
versions: nulls, and mean/min/max for numeric and boolean columns, or the number of distinct
values and the five most frequent with their share for the others.

Like custody, missing values compare equal to missing values (pandas' merge matches NaN keys).
Unlike custody, a row that occurs several times in both tables would be multiplied by the
merge (n × m matches); the benchmark's tables have a unique key, so no row is duplicated and
the plain merge is exact.
"""
import json
import sys

import numpy as np
import pandas as pd


def summaries(df):
    out = {}
    for c in df.columns:
        s = df[c]
        d = {"dtype": str(s.dtype), "nulls": int(s.isna().sum())}
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            f = s.astype("float64")
            d.update(mean=float(f.mean()), min=float(f.min()), max=float(f.max()))
        else:
            vc = s.value_counts(dropna=True)
            present = max(len(s) - d["nulls"], 1)
            d["distinct"] = int(len(vc))
            d["top"] = [[str(k), float(v) / present] for k, v in vc.head(5).items()]
        out[c] = d
    return out


def main():
    path_a, path_b, key = sys.argv[1], sys.argv[2], sys.argv[3]
    want_summaries = "--summaries" in sys.argv[4:]
    a = pd.read_parquet(path_a)
    b = pd.read_parquet(path_b)
    shared = [c for c in a.columns if c in b.columns]

    m = a.merge(b, how="outer", on=shared, indicator=True)
    side = m["_merge"]
    unchanged = int((side == "both").sum())
    only_a = m.loc[side == "left_only", shared]
    only_b = m.loc[side == "right_only", shared]

    # Pair the unmatched rows by the key column: the same row, changed.
    paired = only_a.merge(only_b, on=key, how="inner", suffixes=("_a", "_b"))
    changed = len(paired)
    per_column = {}
    for c in shared:
        if c == key:
            continue
        x, y = paired[f"{c}_a"], paired[f"{c}_b"]
        differ = ~((x == y) | (x.isna() & y.isna()))
        n = int(differ.sum())
        if n:
            per_column[c] = n
    result = {
        "rows_a": len(a),
        "rows_b": len(b),
        "rows_unchanged": unchanged,
        "rows_added": len(only_b) - changed,
        "rows_removed": len(only_a) - changed,
        "rows_changed": changed,
        "changed_per_column": per_column,
    }
    if want_summaries:
        result["summaries"] = {"a": summaries(a), "b": summaries(b)}
    json.dump(result, sys.stdout, default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    print()


if __name__ == "__main__":
    main()
