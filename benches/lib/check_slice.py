#!/usr/bin/env python3
"""Do the answers of benches/slice.sh's tools agree? Exit 1 (and print every mismatch) if not.

    check_slice.py --out RUN/out --truth slice/truth.json --by A,B --trace-id ID [--jsonl-id ID]
                   --log-meta trace/log.json --mlflow mlflow.db --checks CHECKS.json

Slice: per group (the combinations of the --by attributes) the row count, share, base rate,
selection rate, TPR and FPR, and the overall values and the two disparities (demographic parity
difference, equalized odds difference), computed exactly from the generator's record, must equal
those of pandas, fairlearn (no base rate) and `custody slice` (first run of each) to 1e-9.
Trace: every lookup (pandas, pyarrow, grep, the Python scan) must find one record, the one the
generator wrote (trace/log.json);
custody's `prediction` must be that record (the fields both have; a field custody leaves out is
noted, not fatal); its model (name, version, digest), run id and commit must be the log's
model_uri/model_version/model_sha256/run_id and the run's `mlflow.source.git.commit` in the
MLflow store (a field custody does not print is noted, a different value is a mismatch).
Runs whose output is missing (a tool not run) are skipped. CHECKS.json gets what was compared.
"""
import argparse
import json
import math
import os
import re
import sqlite3
import sys

TOL = 1e-9
RATES = ["share", "base_rate", "selection_rate", "true_positive_rate", "false_positive_rate"]
DISPARITIES = ["demographic_parity_difference", "equalized_odds_difference"]


def load(out, name):
    p = os.path.join(out, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return None
    with open(p) as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        return {"_text": text}


def truth_slice(truth, by):
    groups = {}
    for c in truth["cells"]:
        key = tuple(c[b] for b in by)
        g = groups.setdefault(key, {"n": 0, "pos": 0, "sel": 0, "tp": 0, "fp": 0})
        n = c["rows"]
        g["n"] += n
        g["pos"] += n * c["is_fraud"]
        g["sel"] += n * c["declined"]
        g["tp"] += n * (c["is_fraud"] and c["declined"])
        g["fp"] += n * ((not c["is_fraud"]) and c["declined"])
    total = sum(g["n"] for g in groups.values())

    def rates(g):
        return {"count": g["n"], "share": g["n"] / total, "base_rate": g["pos"] / g["n"],
                "selection_rate": g["sel"] / g["n"],
                "true_positive_rate": g["tp"] / g["pos"] if g["pos"] else None,
                "false_positive_rate": g["fp"] / (g["n"] - g["pos"]) if g["n"] > g["pos"] else None}

    out = {k: rates(g) for k, g in sorted(groups.items())}
    allg = {f: sum(g[f] for g in groups.values()) for f in ("n", "pos", "sel", "tp", "fp")}
    spread = lambda f: max(r[f] for r in out.values()) - min(r[f] for r in out.values())
    return {"groups": out, "overall": rates(allg),
            "disparity": {"demographic_parity_difference": spread("selection_rate"),
                          "equalized_odds_difference": max(spread("true_positive_rate"), spread("false_positive_rate"))}}


def key_of(k, by, known):
    """A tool's group key as a tuple of values in --by order."""
    if isinstance(k, dict):
        if all(b in k for b in by):
            return tuple(str(k[b]) for b in by)
        vals = list(k.values())
        return tuple(str(v) for v in vals)
    if isinstance(k, (list, tuple)):
        return tuple(str(v.get("value", v)) if isinstance(v, dict) else str(v) for v in k)
    if isinstance(k, str):
        parts = [re.sub(r"^\s*[\w.]+\s*[=:]\s*", "", p).strip() for p in re.split(r"[,/|;×]|\s+&\s+", k)]
        parts = [p for p in parts if p]
        if tuple(parts) in known:
            return tuple(parts)
        hits = [t for t in known if all(re.search(r"(^|[^\w+-])" + re.escape(v) + r"($|[^\w+-])", k) for v in t)]
        if len(hits) == 1:
            return hits[0]
    return ("?", json.dumps(k))


def tool_slice(doc, by, known):
    groups = {}
    for g in doc.get("groups", []):
        groups[key_of(g.get("key", g.get("group")), by, known)] = g
    return groups


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return abs(float(a) - float(b)) <= TOL


def check_slice(args, problems, notes):
    truth = truth_slice(json.load(open(args.truth)), args.by)
    known = set(truth["groups"])
    res = {"truth": {"|".join(k): v for k, v in truth["groups"].items()}, "truth_overall": truth["overall"],
           "truth_disparity": truth["disparity"], "tools": {}}
    for tool, name, fields in (("slice-pandas-1.out", "pandas", ["count"] + RATES),
                               ("slice-fairlearn-1.out", "fairlearn", ["count", "share", "selection_rate",
                                                                       "true_positive_rate", "false_positive_rate"]),
                               ("slice-custody-1.out", "custody", ["count"] + RATES)):
        doc = load(args.out, tool)
        if doc is None:
            continue
        if "_text" in doc:
            problems.append(f"{name}: output is not JSON: {doc['_text'][:300]!r}")
            continue
        groups = tool_slice(doc, args.by, known)
        worst = 0.0
        missing_fields = set()
        t = {"groups": len(groups), "max_abs_diff": 0.0}
        if set(groups) != known:
            problems.append(f"{name}: groups {sorted(groups)} != the generator's {sorted(known)}")
        for key in sorted(known & set(groups)):
            g, want = groups[key], truth["groups"][key]
            for f in fields:
                if f not in g:
                    missing_fields.add(f)
                    continue
                if f == "count":
                    if g[f] != want[f]:
                        problems.append(f"{name}: group {key}: count {g[f]} != {want[f]}")
                    continue
                if not close(g[f], want[f]):
                    problems.append(f"{name}: group {key}: {f} {g[f]!r} != {want[f]!r} (diff {abs(float(g[f] or 0) - float(want[f] or 0)):.3g})")
                elif g[f] is not None:
                    worst = max(worst, abs(float(g[f]) - float(want[f])))
        ov = doc.get("overall") or {}
        for f in fields:
            if f in ov and f != "count" and not close(ov[f], truth["overall"][f]):
                problems.append(f"{name}: overall {f} {ov[f]!r} != {truth['overall'][f]!r}")
            elif f == "count" and f in ov and ov[f] != truth["overall"]["count"]:
                problems.append(f"{name}: overall count {ov[f]} != {truth['overall']['count']}")
            elif f not in ov:
                missing_fields.add(f"overall.{f}")
        dis = doc.get("disparity") or {}
        for f in DISPARITIES:
            if f not in dis:
                missing_fields.add(f"disparity.{f}")
            elif not close(dis[f], truth["disparity"][f]):
                problems.append(f"{name}: {f} {dis[f]!r} != {truth['disparity'][f]!r}")
            else:
                worst = max(worst, abs(float(dis[f]) - truth["disparity"][f]))
        if missing_fields:
            msg = f"{name} does not report {', '.join(sorted(missing_fields))}"
            (problems if name == "custody" and any(not m.startswith("overall.") for m in missing_fields) else notes).append(msg)
        t["max_abs_diff"] = worst
        t["missing"] = sorted(missing_fields)
        t["disparity"] = {f: dis.get(f) for f in DISPARITIES}
        if name == "custody":
            t["extra_group_fields"] = sorted({k for g in groups.values() for k in g} - {"key", "count"} - set(RATES))
            t["extra_top_fields"] = sorted(set(doc) - {"groups", "overall", "disparity"})
            t["extra_disparity_fields"] = sorted(set(dis) - set(DISPARITIES))
            t["example_key"] = (doc.get("groups") or [{}])[0].get("key")
        res["tools"][name] = t
    return res


def flatten(rec):
    """A log record as the flat row of the Parquet log: `inputs` and `ground_truth` inlined (a
    null ground truth is a null is_fraud and labelled_at)."""
    out = {}
    for k, v in (rec or {}).items():
        if k == "inputs" and isinstance(v, dict):
            out.update(v)
        elif k == "ground_truth" and (v is None or isinstance(v, dict)):
            out.update(v if v is not None else {"is_fraud": None, "labelled_at": None})
        else:
            out[k] = v
    return out


def same(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        nan = lambda x: x is None or (isinstance(x, float) and math.isnan(x))
        return nan(a) and nan(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-12 * max(1.0, abs(b))
    return a == b or str(a) == str(b)


def find_hex(v, n):
    """The first run of n hex digits in v (a string or any JSON value)."""
    m = re.search(r"\b[0-9a-f]{%d}\b" % n, json.dumps(v) if not isinstance(v, str) else v)
    return m.group(0) if m else None


def check_trace(args, problems, notes):
    res = {}
    targets = json.load(open(args.log_meta))["targets"]
    for pid, fmt, lookups, custody_label in (
            (args.trace_id, "parquet", ["trace-pandas", "trace-pyarrow"], ["trace-custody", "trace-custody-parquet"]),
            (args.jsonl_id, "jsonl", ["trace-python-jsonl", "trace-grep"], ["trace-custody-jsonl"])):
        if not pid:
            continue
        found = {}
        for label in lookups:
            doc = load(args.out, f"{label}-1.out")
            if doc is None:
                continue
            if label == "trace-grep":
                rec = json.loads(doc["_text"].splitlines()[0]) if "_text" in doc else doc
                found[label] = flatten(rec)
            else:
                if doc.get("matches") != 1:
                    problems.append(f"{label}: {doc.get('matches')} matches for {pid}")
                found[label] = flatten(doc.get("record"))
        # the generator's record of the row is the reference; every lookup must find exactly it
        ref = targets[fmt]
        if ref.get("prediction_id") != pid:
            problems.append(f"the generator's record for the {fmt} log is {ref.get('prediction_id')}, not {pid}")
        for label, rec in found.items():
            if not all(same(rec.get(k), ref.get(k)) for k in set(rec) | set(ref)):
                problems.append(f"{label} found {rec} but the generator wrote {ref}")
        r = {"id": pid, "record": ref, "lookups": sorted(found), "custody": {}}
        for label in custody_label:
            doc = load(args.out, f"{label}-1.out")
            if doc is None or ref is None:
                continue
            if "_text" in doc:
                problems.append(f"{label}: output is not JSON: {doc['_text'][:300]!r}")
                continue
            c = {"top_fields": sorted(doc)}
            p = doc.get("prediction") if isinstance(doc.get("prediction"), dict) else {}
            if not p:
                problems.append(f"{label}: no `prediction` object in custody's output (fields {sorted(doc)})")
            else:
                # 1. the record as custody read it (`fields`: the log's own names, nested ones
                #    dotted) must be the generator's, field for field
                fields = {}
                for k, v in (p.get("fields") or {}).items():
                    if k == "ground_truth" and v is None:
                        fields.update(is_fraud=None, labelled_at=None)
                    else:
                        fields[re.sub(r"^(inputs|ground_truth)\.", "", k)] = v
                if not fields:
                    notes.append(f"{label}: custody's prediction has no `fields` (the record as logged)")
                common = sorted(set(fields) & set(ref))
                diff = [f"{k}: custody {fields[k]!r}, log {ref[k]!r}" for k in common if not same(fields[k], ref[k])]
                if diff:
                    problems.append(f"{label}: the record custody read differs from the log's: {'; '.join(diff)}")
                left_out = sorted(set(ref) - set(fields))
                if fields and left_out:
                    problems.append(f"{label}: the record custody read lacks {', '.join(left_out)}")
                c["fields_compared"] = len(common)
                c["left_out"] = left_out
                # 2. what custody made of it: each role it recognised must be the right column
                roles = {"id": "prediction_id", "time": "timestamp", "model_uri": "model_uri",
                         "model_version": "model_version", "model_digest": "model_sha256", "run_id": "run_id",
                         "score": "score", "decision": "decision"}
                wrong = [f"{r} {p.get(r)!r} (the log's {col}: {ref.get(col)!r})" for r, col in roles.items()
                         if r in p and p[r] is not None and not same(p[r], ref.get(col))]
                unread = [f"{r} (the log's {col})" for r, col in roles.items() if p.get(r) is None and ref.get(col) is not None]
                inputs = p.get("inputs") if isinstance(p.get("inputs"), dict) else {}
                features = [k for k in ref if k not in set(roles.values()) | {"transaction_id", "is_fraud", "labelled_at"}]
                wrong += [f"inputs.{k} {inputs[k]!r} (the log's {ref.get(k)!r})" for k in inputs if k in ref and not same(inputs[k], ref[k])]
                extra = sorted(set(inputs) - set(features))
                missing = sorted(set(features) - set(inputs))
                gt = p.get("ground_truth")
                gt_val = gt.get("is_fraud", gt.get("value")) if isinstance(gt, dict) else gt
                if not same(gt_val, ref.get("is_fraud")):
                    wrong.append(f"ground_truth {gt!r} (the log's is_fraud: {ref.get('is_fraud')!r})")
                if wrong:
                    problems.append(f"{label}: custody's reading of the record is wrong: {'; '.join(wrong)}")
                if unread or extra or missing:
                    notes.append(f"{label}: " + "; ".join(x for x in (
                        f"custody did not recognise {', '.join(unread)}" if unread else "",
                        f"custody counts {', '.join(f'`{k}`' for k in extra)} among the model's inputs" if extra else "",
                        f"custody's inputs lack {', '.join(missing)}" if missing else "") if x))
                c["roles_wrong"], c["roles_unread"], c["inputs_extra"], c["inputs_missing"] = wrong, unread, extra, missing
                c["exit_failures"] = doc.get("failures")
                c["not_verified"] = [f"{v.get('link')}: {v.get('status')}: {v.get('detail')}" for v in doc.get("verification") or []
                                     if isinstance(v, dict) and v.get("status") not in ("verified", "signature-valid")]
                c["also_logged"] = doc.get("also_logged")
                c["log"] = p.get("log")
            # the chain
            want = {"model.name": re.sub(r"^models:/([^@/]+).*$", r"\1", ref.get("model_uri", "")),
                    "model.version": str(ref.get("model_version")), "model.digest": ref.get("model_sha256"),
                    "run.id": ref.get("run_id")}
            try:
                db = sqlite3.connect(f"file:{args.mlflow}?mode=ro", uri=True)
                row = db.execute("select value from tags where run_uuid = ? and key = 'mlflow.source.git.commit'",
                                 (ref.get("run_id"),)).fetchone()
                want["commit"] = row[0] if row else None
            except sqlite3.Error as e:
                notes.append(f"cannot read {args.mlflow}: {e}")
            model = doc.get("model") if isinstance(doc.get("model"), dict) else {}
            run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
            got = {"model.name": model.get("name"), "model.version": None if model.get("version") is None else str(model.get("version")),
                   "model.digest": find_hex(model.get("digest"), 64) if model.get("digest") is not None else None,
                   "run.id": run.get("id") if run else (doc.get("run") if isinstance(doc.get("run"), str) else None),
                   "commit": find_hex(doc.get("commit"), 40) if doc.get("commit") is not None else None}
            for k, w in want.items():
                if got.get(k) is None:
                    notes.append(f"{label}: custody's trace does not give {k} (expected {w})")
                elif w is not None and got[k] != w:
                    problems.append(f"{label}: {k} is {got[k]!r}, the log and the MLflow store say {w!r}")
            c["chain"] = got
            c["chain_expected"] = want
            for k in ("params", "datasets", "sources", "verification"):
                v = doc.get(k)
                c[k] = (len(v) if isinstance(v, (list, dict)) else v) if v is not None else None
            if isinstance(doc.get("verification"), dict):
                c["verification_summary"] = {k: v for k, v in doc["verification"].items() if not isinstance(v, (list, dict))}
            if isinstance(doc.get("datasets"), list):
                c["dataset_names"] = [d.get("path") or d.get("name") or d.get("uri") for d in doc["datasets"] if isinstance(d, dict)][:6]
            r["custody"][label] = c
        res[fmt] = r
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--by", required=True)
    ap.add_argument("--trace-id", required=True)
    ap.add_argument("--jsonl-id", default="")
    ap.add_argument("--log-meta", required=True)
    ap.add_argument("--mlflow", required=True)
    ap.add_argument("--checks", required=True)
    args = ap.parse_args()
    args.by = args.by.split(",")
    problems, notes = [], []
    checks = {"slice": check_slice(args, problems, notes), "trace": check_trace(args, problems, notes)}
    checks["notes"], checks["problems"] = notes, problems
    tools = checks["slice"]["tools"]
    checks["summary"] = (f"slice: {len(checks['slice']['truth'])} groups, "
                         + ", ".join(f"{n} within {t['max_abs_diff']:.1g} of the generator" for n, t in tools.items())
                         + "; trace: " + ", ".join(f"{fmt} {r['id']} found by {len(r['lookups'])} lookups"
                                                   + (f" and custody ({', '.join(r['custody'])})" if r["custody"] else "")
                                                   for fmt, r in checks["trace"].items()))
    json.dump(checks, open(args.checks, "w"), indent=1)
    for n in notes:
        print("NOTE:", n, file=sys.stderr)
    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
