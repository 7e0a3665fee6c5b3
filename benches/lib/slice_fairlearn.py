#!/usr/bin/env python3
"""Group metrics of a Parquet table with fairlearn's MetricFrame, as its documentation shows
(a baseline of benches/slice.sh).

    slice_fairlearn.py TABLE.parquet --by COL[,COL] --label COL --prediction COL [--all-columns]

Reads the table (pandas.read_parquet, pyarrow engine; only the columns used, unless
--all-columns), then

    MetricFrame(metrics={"count": count, "selection_rate": selection_rate,
                         "true_positive_rate": true_positive_rate,
                         "false_positive_rate": false_positive_rate},
                y_true=df[label], y_pred=df[prediction], sensitive_features=df[by])

(groups are the combinations of the attributes), its `by_group` and `overall`, and
`demographic_parity_difference` and `equalized_odds_difference` (method "between_groups", the
default) with the same sensitive features; each of these builds its own MetricFrame. Prints one
JSON object in the shape of slice_pandas.py (share computed from the counts; no base rate:
fairlearn has no metric for the label's mean by group without a custom function).
"""
import argparse
import json
import math

import pandas as pd
from fairlearn.metrics import (MetricFrame, count, demographic_parity_difference, equalized_odds_difference,
                               false_positive_rate, selection_rate, true_positive_rate)


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
    df = pd.read_parquet(a.table, columns=None if a.all_columns else [*by, a.label, a.prediction])
    y_true, y_pred, sf = df[a.label], df[a.prediction], df[by]

    metrics = {"count": count, "selection_rate": selection_rate,
               "true_positive_rate": true_positive_rate, "false_positive_rate": false_positive_rate}
    mf = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=sf)
    dpd = demographic_parity_difference(y_true, y_pred, sensitive_features=sf)
    eod = equalized_odds_difference(y_true, y_pred, sensitive_features=sf)

    total = len(df)
    groups = []
    for key, r in mf.by_group.sort_index().iterrows():
        key = key if isinstance(key, tuple) else (key,)
        groups.append({"key": dict(zip(by, key)), "count": int(r["count"]), "share": int(r["count"]) / total,
                       "selection_rate": num(r["selection_rate"]),
                       "true_positive_rate": num(r["true_positive_rate"]),
                       "false_positive_rate": num(r["false_positive_rate"])})
    o = mf.overall
    overall = {"count": int(o["count"]), "share": 1.0, "selection_rate": num(o["selection_rate"]),
               "true_positive_rate": num(o["true_positive_rate"]), "false_positive_rate": num(o["false_positive_rate"])}
    print(json.dumps({"tool": "fairlearn", "by": by, "groups": groups, "overall": overall,
                      "disparity": {"demographic_parity_difference": float(dpd), "equalized_odds_difference": float(eod)}}))


if __name__ == "__main__":
    main()
