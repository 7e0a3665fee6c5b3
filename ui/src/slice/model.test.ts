import { describe, expect, it } from "vitest";
import { DEMO_SLICE, DEMO_SLICE_DECISIONS } from "../backend/mockSlice";
import {
  barLayout,
  compositionRows,
  exportName,
  flaggedGroups,
  groupLabel,
  legendLayout,
  niceMax,
  outcomeSpec,
  parseFilters,
  parseOutcome,
  pct,
  rateData,
  ratio,
  scale,
  shareData,
  sliceable,
  sourceLegend,
  sourceName,
  tableName,
  ticks,
  UNATTRIBUTED,
} from "./model";

describe("what can be sliced", () => {
  it("offers data versions, datasets, table files, and models and runs (their training sets)", () => {
    for (const [kind, id] of [
      ["data-version", "data:project/data/processed@d9ed.dir"],
      ["dataset", "dataset:ea7fe454"],
      ["model-version", "model-version:fraud-detector/3"],
      ["alias", "alias:fraud-detector@production"],
      ["run", "run:c006e5c1"],
      ["file", "file:inference/predictions.parquet"],
      ["file", "file:inference/predictions.jsonl"],
      ["file", "file:data/raw/transactions.CSV"],
    ] as const)
      expect(sliceable({ kind, id, label: id })).toBe(true);
    for (const [kind, id] of [
      ["file", "file:serving/fraud-detector/model.pkl"],
      ["commit", "commit:0a90b199"],
      ["stage", "stage:project/dvc.lock:prepare"],
      ["agent", "agent:priya"],
      ["signature", "signature:inference/predictions.jsonl.sig"],
    ] as const)
      expect(sliceable({ kind, id, label: id })).toBe(false);
  });
});

describe("outcome specs", () => {
  it("writes what the engine parses", () => {
    expect(outcomeSpec({ column: "is_fraud", op: "column", value: "" })).toEqual({ spec: "is_fraud", error: null });
    expect(outcomeSpec({ column: "decision", op: "=", value: " decline " })).toEqual({ spec: "decision=decline", error: null });
    expect(outcomeSpec({ column: "score", op: ">=", value: "0.2" })).toEqual({ spec: "score>=0.2", error: null });
    expect(outcomeSpec({ column: "score", op: ">", value: "0.5" }).spec).toBe("score>0.5");
    expect(outcomeSpec({ column: "", op: "=", value: "x" })).toEqual({ spec: null, error: null });
  });

  it("says what is missing", () => {
    expect(outcomeSpec({ column: "decision", op: "=", value: "" }).error).toBe("decision: give the value after =");
    expect(outcomeSpec({ column: "score", op: ">=", value: "high" }).error).toBe("score >= high: not a number");
  });

  it("reads a spec back", () => {
    for (const spec of ["is_fraud", "decision=decline", "score>=0.2", "score>0.5"]) expect(outcomeSpec(parseOutcome(spec)).spec).toBe(spec);
    expect(parseOutcome(null)).toEqual({ column: "", op: "column", value: "" });
  });

  it("splits filters and names a bad one", () => {
    expect(parseFilters("model_version=3, region=north\n")).toEqual({ filters: ["model_version=3", "region=north"], error: null });
    expect(parseFilters("").filters).toEqual([]);
    expect(parseFilters("model_version").error).toBe("model_version: a filter is written COL=VALUE");
  });
});

describe("labels and numbers", () => {
  it("labels groups by their values", () => {
    expect(groupLabel(["60+"])).toBe("60+");
    expect(groupLabel(["60+", "F"])).toBe("60+ · F");
    expect(groupLabel([null])).toBe("∅");
    expect(groupLabel([])).toBe("all rows");
  });

  it("formats shares, rates and ratios", () => {
    expect(pct(0.2990909)).toBe("30%");
    expect(pct(0.0378)).toBe("3.8%");
    expect(pct(0)).toBe("0%");
    expect(pct(null)).toBe("—");
    expect(ratio(0.0848)).toBe("0.08");
    expect(ratio(undefined)).toBe("—");
    expect(sourceName("project/data/raw/internal_reviews.csv")).toBe("internal_reviews.csv");
    expect(tableName(DEMO_SLICE.dataset)).toBe("train.parquet d6ae5f90, 4,400 rows");
    expect(tableName(DEMO_SLICE_DECISIONS.dataset, DEMO_SLICE_DECISIONS.rows)).toMatch(/^predictions\.parquet [0-9a-f]{8}, 2,558 rows$/);
  });

  it("rounds axes up and spaces ticks", () => {
    expect(niceMax(0.299)).toBe(0.5);
    expect(niceMax(0.185)).toBe(0.2);
    expect(niceMax(0.21)).toBeCloseTo(0.25);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(0)).toBe(1);
    expect(ticks(0.2)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(ticks(0.5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(ticks(0.25)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(ticks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const s = scale(0.5, 200);
    expect(s(0.25)).toBe(100);
    expect(s(2)).toBe(200);
    expect(s(-1)).toBe(0);
  });
});

describe("the charts' data", () => {
  it("puts each group's share beside its share in the reference", () => {
    const d = shareData(DEMO_SLICE, "v2.0", "v1.1");
    expect(d.groups).toEqual(["18-25", "26-40", "41-60", "60+"]);
    expect(d.series.map((s) => s.name)).toEqual(["v2.0", "v1.1"]);
    expect(d.series[0].values[3]).toBeCloseTo(0.299, 3);
    expect(d.series[1].values[3]).toBeCloseTo(0.149, 3);
    expect(shareData(DEMO_SLICE_DECISIONS).series).toHaveLength(1);
  });

  it("keeps only the rates some group has", () => {
    expect(rateData(DEMO_SLICE).series.map((s) => s.name)).toEqual(["base rate", "reference base rate"]);
    expect(rateData(DEMO_SLICE_DECISIONS).series.map((s) => s.name)).toEqual(["base rate", "selection rate", "true positive rate", "false positive rate"]);
  });

  it("lays grouped bars out in their bands, on a shared axis", () => {
    const L = barLayout(shareData(DEMO_SLICE), 560, 270, { top: 48, right: 14, bottom: 40, left: 46 });
    expect(L.plot).toEqual({ x: 46, y: 48, width: 500, height: 182 });
    expect(L.max).toBe(0.5);
    expect(L.bars).toHaveLength(8);
    const [old, oldRef] = [L.bars.find((b) => b.group === 3 && b.series === 0)!, L.bars.find((b) => b.group === 3 && b.series === 1)!];
    expect(old.x).toBeGreaterThan(46 + 3 * 125);
    expect(oldRef.x).toBeGreaterThan(old.x);
    expect(oldRef.x + oldRef.width).toBeLessThan(46 + 4 * 125);
    expect(old.y + old.height).toBeCloseTo(230);
    expect(old.height).toBeCloseTo((0.2990909 / 0.5) * 182, 1);
    expect(L.y(0.25)).toBeCloseTo(48 + 91);
    expect(L.labels.map((l) => l.x)).toEqual([108.5, 233.5, 358.5, 483.5]);
    // a reference line above every bar raises the axis
    expect(barLayout(rateData(DEMO_SLICE_DECISIONS), 560, 270, undefined, 0.8).max).toBe(1);
  });

  it("stacks each group's rows by raw source, in the report's source order", () => {
    expect(sourceLegend(DEMO_SLICE).map((l) => l.source)).toEqual(["project/data/raw/internal_reviews.csv", "project/data/raw/transactions.csv"]);
    const rows = compositionRows(DEMO_SLICE, 80, 400, 50, 30);
    expect(rows.map((r) => r.group)).toEqual(["18-25", "26-40", "41-60", "60+"]);
    const old = rows[3];
    expect(old.y).toBe(140);
    expect(old.count).toBe(1316);
    expect(old.segments.map((s) => s.source)).toEqual(["project/data/raw/internal_reviews.csv", "project/data/raw/transactions.csv"]);
    expect(old.segments[0].rows).toBe(840);
    expect(old.segments[0].share).toBeCloseTo(0.638, 3);
    expect(old.segments[0].x).toBe(80);
    expect(old.segments[1].x).toBeCloseTo(80 + 0.638 * 400, 0);
    expect(old.segments[1].x + old.segments[1].width).toBeCloseTo(480);
  });

  it("colours rows no source holds as unattributed", () => {
    const r = { ...DEMO_SLICE, groups: [{ ...DEMO_SLICE.groups[0], composition: [...DEMO_SLICE.groups[0].composition, { source: null, node: null, rows: 3, share: 0.01 }] }] };
    expect(sourceLegend(r).map((l) => l.source)).toContain("unattributed");
    expect(compositionRows(r, 0, 100)[0].segments.at(-1)).toMatchObject({ source: "unattributed", colour: UNATTRIBUTED });
  });

  it("names the groups the four-fifths rule flags", () => {
    expect(flaggedGroups(DEMO_SLICE_DECISIONS)).toEqual(["18-25", "26-40", "41-60"]);
    expect(flaggedGroups(DEMO_SLICE)).toEqual([]);
  });

  it("wraps a legend that does not fit on one line", () => {
    expect(legendLayout(["a", "b"], 12, 548)).toEqual({ items: [{ name: "a", x: 12, line: 0 }, { name: "b", x: 12 + 16 + 6.6 + 14, line: 0 }], lines: 1 });
    const long = legendLayout(["train.parquet d6ae5f90, 4,400 rows", "reference: train.parquet 0a223d78, 3,200 rows", "x"], 12, 400);
    expect(long.items.map((i) => i.line)).toEqual([0, 1, 1]);
    expect(long.items[1].x).toBe(12);
    expect(long.lines).toBe(2);
    expect(legendLayout([], 0, 100).lines).toBe(0);
  });

  it("names exported files after the chart and the table", () => {
    expect(exportName("shares", "project/data/processed/train.parquet", "svg")).toBe("shares-train.svg");
    expect(exportName("disparate impact", "inference/predictions.parquet", "png")).toBe("disparate_impact-predictions.png");
  });
});
