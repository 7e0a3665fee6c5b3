#!/usr/bin/env python3
"""Group statistics of a Parquet table by one or more attributes with pandas, as a user would
write it (a baseline of benches/slice.sh).

    slice_pandas.py TABLE.parquet --by COL[,COL] --label COL --prediction COL [--all-columns]

Reads the table (pandas.read_parquet, pyarrow engine; only the columns used, unless
--all-columns), then one `groupby(by)`: per group the row count, its share of all rows, the
label's mean (base rate), the prediction's mean (selection rate), and the prediction's mean
among the rows whose label is 1 (true positive rate) and 0 (false positive rate), each a second
groupby on the filtered rows. Label and prediction are 0/1 columns. The same for all rows
(`overall`), and the two disparities fairlearn calls demographic parity difference (largest
minus smallest selection rate) and equalized odds difference (the larger of the TPR and FPR
spreads). Prints one JSON object (the shape benches/slice.sh compares across tools).
"""
import argparse
import json
import math

import pandas as pd


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table")
    ap.add_argument("--by", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--prediction", required=True)
    ap.add_argument("--all-columns", action="store_true")
    a = ap.parse_args()
    by = a.by.split(",")
    y, p = a.label, a.prediction
    df = pd.read_parquet(a.table, columns=None if a.all_columns else [*by, y, p])

    g = df.groupby(by, observed=True, sort=True)
    res = g.agg(count=(y, "size"), base_rate=(y, "mean"), selection_rate=(p, "mean"))
    res["share"] = res["count"] / len(df)
    res["true_positive_rate"] = df[df[y] == 1].groupby(by, observed=True)[p].mean()
    res["false_positive_rate"] = df[df[y] == 0].groupby(by, observed=True)[p].mean()

    groups = []
    for key, r in res.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        groups.append({"key": dict(zip(by, key)), "count": int(r["count"]), "share": num(r["share"]),
                       "base_rate": num(r["base_rate"]), "selection_rate": num(r["selection_rate"]),
                       "true_positive_rate": num(r["true_positive_rate"]),
                       "false_positive_rate": num(r["false_positive_rate"])})
    overall = {"count": len(df), "share": 1.0, "base_rate": num(df[y].mean()), "selection_rate": num(df[p].mean()),
               "true_positive_rate": num(df.loc[df[y] == 1, p].mean()),
               "false_positive_rate": num(df.loc[df[y] == 0, p].mean())}
    spread = lambda c: float(res[c].max() - res[c].min())
    disparity = {"demographic_parity_difference": spread("selection_rate"),
                 "equalized_odds_difference": max(spread("true_positive_rate"), spread("false_positive_rate"))}
    print(json.dumps({"tool": "pandas", "by": by, "groups": groups, "overall": overall, "disparity": disparity}))


if __name__ == "__main__":
    main()
