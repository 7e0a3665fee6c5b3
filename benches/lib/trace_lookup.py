#!/usr/bin/env python3
"""Find one prediction in an inference log, as a user would without custody (the baselines of
benches/slice.sh's trace lookup).

    trace_lookup.py pandas  LOG.parquet PREDICTION_ID
    trace_lookup.py pyarrow LOG.parquet PREDICTION_ID
    trace_lookup.py jsonl   LOG.jsonl   PREDICTION_ID

pandas: `pandas.read_parquet(LOG, filters=[("prediction_id", "==", ID)])` (pyarrow engine: row
groups whose min/max statistics exclude the id are skipped, the rest are read and filtered).
pyarrow: `pyarrow.dataset.dataset(LOG).to_table(filter=pc.field("prediction_id") == ID)`.
jsonl: read the file line by line, `json.loads` each line, stop at the first record whose
`prediction_id` is ID.

Prints one JSON object: {"matches": N, "record": the first match (the Parquet row as a flat
object, the JSON line as written)}. Only the lookup: none of this says which model, run, commit
or data the prediction came from (that is what `custody trace` adds).
"""
import json
import sys


def main():
    how, path, pid = sys.argv[1:4]
    if how == "pandas":
        import pandas as pd
        df = pd.read_parquet(path, filters=[("prediction_id", "==", pid)])
        rows = json.loads(df.to_json(orient="records", double_precision=15))
    elif how == "pyarrow":
        import pyarrow.compute as pc
        import pyarrow.dataset as ds
        rows = ds.dataset(path, format="parquet").to_table(filter=pc.field("prediction_id") == pid).to_pylist()
    elif how == "jsonl":
        rows = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("prediction_id") == pid:
                    rows.append(rec)
                    break
    else:
        raise SystemExit(__doc__)
    print(json.dumps({"matches": len(rows), "record": rows[0] if rows else None}))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
