import { describe, expect, it } from "vitest";
import { DEMO_DIFF } from "../backend/mockDiff";
import type { LineageDiff } from "../generated/LineageDiff";
import type { MetricPair } from "../generated/MetricPair";
import { chooserOptions, counts, pairsOf, describeColumn, entries, entryForPair, formatNumber, lookOf, metricDelta, packageRow, pairLabel, paramRow, parseUnifiedDiff, toDiffElements } from "./model";

const mv = (v: number) => ({ id: `model-version:m/${v}`, kind: "model-version" as const, label: `models:/m/${v}` });
const run = (r: string) => ({ id: `run:${r}`, kind: "run" as const, label: `train (${r})` });
const raw = { id: "data:raw.csv@aa", kind: "data-version" as const, label: "raw.csv @ aa" };
const extra = { id: "data:extra.csv@bb", kind: "data-version" as const, label: "extra.csv @ bb" };
const agent = { id: "agent:ci", kind: "agent" as const, label: "ci" };

// m/1 ← run r1 ← raw.csv        against        m/2 ← run r2 ← raw.csv, extra.csv
const diff: LineageDiff = {
  a: mv(1),
  b: mv(2),
  divergences: [
    { kind: "data", pair: 3, node_a: null, node_b: extra.id, summary: "added input of train: extra.csv @ bb", detail: { type: "data", path_a: null, path_b: "extra.csv", digest_a: null, digest_b: "bb", members_added: [], members_removed: [], members_changed: [], tables: [], profiles: [], notes: [] } },
    { kind: "params", pair: 1, node_a: "run:r1", node_b: "run:r2", summary: "train (r1) → train (r2): max_depth 3 → 5 (2 unchanged)", detail: { type: "params", changes: [{ change: "changed", name: "max_depth", a: "3", b: "5" }], unchanged: [] } },
  ],
  downstream: [
    { kind: "run", pair: 1, node_a: "run:r1", node_b: "run:r2", summary: "train (r1) → train (r2): differs because its inputs do", detail: { type: "identity", a: "run:r1", b: "run:r2" } },
    { kind: "model", pair: 0, node_a: mv(1).id, node_b: mv(2).id, summary: "models:/m/1 → models:/m/2", detail: { type: "identity", a: mv(1).id, b: mv(2).id } },
  ],
  metrics: [{ run_a: "run:r1", run_b: "run:r2", name: "auc", a: 0.91, b: 0.87 }],
  pairs: [
    { slot: "", a: mv(1), b: mv(2), presence: "both", state: "downstream", depth: 0 },
    { slot: "wasGeneratedBy|run", a: run("r1"), b: run("r2"), presence: "both", state: "root-cause", depth: 1 },
    { slot: "used|data-version|raw.csv", a: raw, b: raw, presence: "both", state: "equal", depth: 2 },
    { slot: "used|data-version|extra.csv", a: null, b: extra, presence: "added", state: "root-cause", depth: 2 },
    { slot: "wasAssociatedWith|agent", a: agent, b: null, presence: "unrecorded", state: "unrecorded", depth: 2 },
  ],
  edges: [
    [0, 1],
    [1, 2],
    [1, 3],
    [1, 4],
  ],
};

describe("the aligned graph", () => {
  const els = toDiffElements(diff, 1);
  const node = (i: number) => els.find((e) => e.data.id === `pair-${i}`)!;

  it("draws one node per pair, classified by state and presence, shaped by kind", () => {
    expect(els.filter((e) => e.group === "nodes")).toHaveLength(5);
    expect(node(0).classes).toEqual(expect.arrayContaining(["kind-model-version", "look-downstream", "ends"]));
    expect(node(1).classes).toEqual(expect.arrayContaining(["kind-run", "look-root-cause", "root-cause", "selected"]));
    expect(node(2).classes).toContain("look-equal");
    expect(node(3).classes).toEqual(expect.arrayContaining(["look-added", "root-cause"]));
    expect(node(4).classes).toContain("look-unrecorded");
  });

  it("labels a pair with both sides when they differ, one when they agree, and marks one-sided pairs", () => {
    expect(node(1).data.label).toBe("train (r1) |\ntrain (r2)");
    expect(node(2).data.label).toBe("raw.csv @ aa");
    expect(node(3).data.label).toBe("+ extra.csv @ bb");
    expect(pairLabel({ slot: "s", a: raw, b: null, presence: "removed", state: "root-cause", depth: 1 })).toBe("− raw.csv @ aa");
  });

  it("leaves unrecorded pairs and their edges out when asked", () => {
    const some = toDiffElements(diff, null, { unrecorded: false });
    expect(some.filter((e) => e.group === "nodes").map((e) => e.data.id)).toEqual(["pair-0", "pair-1", "pair-2", "pair-3"]);
    expect(some.some((e) => e.data.target === "pair-4")).toBe(false);
  });

  it("links each pair to its inputs, as the lineage graph does, and mutes edges between equal pairs", () => {
    const edges = els.filter((e) => e.group === "edges");
    expect(edges.map((e) => [e.data.source, e.data.target])).toEqual([
      ["pair-0", "pair-1"],
      ["pair-1", "pair-2"],
      ["pair-1", "pair-3"],
      ["pair-1", "pair-4"],
    ]);
    expect(edges.every((e) => !e.classes.includes("quiet"))).toBe(true);
    const equalOnly: LineageDiff = { ...diff, pairs: diff.pairs.map((p) => ({ ...p, state: "equal", presence: "both" })) };
    expect(toDiffElements(equalOnly, null).filter((e) => e.group === "edges" && e.classes.includes("quiet"))).toHaveLength(4);
  });

  it("classifies presence before state", () => {
    expect(diff.pairs.map(lookOf)).toEqual(["downstream", "root-cause", "equal", "added", "unrecorded"]);
    expect(counts(diff)).toEqual({ roots: 2, downstream: 2, equal: 1, unrecorded: 1, pairs: 5 });
  });
});

describe("divergence entries", () => {
  const list = entries(diff);
  it("lists root causes first, then downstream, each with a stable key", () => {
    expect(list.map((e) => e.key)).toEqual(["root-0", "root-1", "down-0", "down-1"]);
    expect(list.map((e) => e.root)).toEqual([true, true, false, false]);
  });
  it("opens a clicked pair's root cause before its downstream entry, and nothing for an equal pair", () => {
    expect(entryForPair(list, 1)?.key).toBe("root-1");
    expect(entryForPair(list, 0)?.key).toBe("down-1");
    expect(entryForPair(list, 2)).toBeNull();
  });
});

describe("the engine's staging against production (absent sides are null on the wire)", () => {
  const els = toDiffElements(DEMO_DIFF, null);
  const label = (i: number) => els.find((e) => e.data.id === `pair-${i}`)!.data.label;
  const at = (pred: (l: string) => boolean) => DEMO_DIFF.pairs.findIndex((p) => pred(p.b?.label ?? p.a?.label ?? ""));

  it("labels one-sided pairs by the side that exists", () => {
    const reviews = at((l) => l.startsWith("data/raw/internal_reviews.csv @"));
    expect(DEMO_DIFF.pairs[reviews].presence).toBe("added");
    expect(label(reviews)).toMatch(/^\+ data\/raw\/internal_reviews\.csv @/);
    const unrecorded = DEMO_DIFF.pairs.findIndex((p) => p.presence === "unrecorded");
    expect(label(unrecorded)).not.toMatch(/^[+−] /);
    expect(label(0)).toBe("models:/fraud-detector/2 |\nmodels:/fraud-detector/3");
  });

  it("opens the code divergence for a source file DVC recorded, which the engine folded into it", () => {
    const list = entries(DEMO_DIFF);
    const prepare = at((l) => l.startsWith("src/prepare.py @"));
    expect(DEMO_DIFF.pairs[prepare].state).toBe("root-cause");
    expect(list.some((e) => e.divergence.pair === prepare)).toBe(false);
    expect(entryForPair(list, prepare, DEMO_DIFF)?.divergence.kind).toBe("code");
    // opening the code divergence highlights its commit pair and the folded-in file pair
    const code = DEMO_DIFF.divergences.find((d) => d.kind === "code")!;
    expect(pairsOf(DEMO_DIFF, code)).toEqual([code.pair, prepare]);
    const selected = toDiffElements(DEMO_DIFF, pairsOf(DEMO_DIFF, code)).filter((e) => e.classes.includes("selected"));
    expect(selected.map((e) => e.data.pair)).toEqual([code.pair, prepare]);
  });

  it("handles metrics as the engine writes them", () => {
    const auc = DEMO_DIFF.metrics.find((m) => m.name === "auc")!;
    expect(metricDelta(auc)).toBe("−0.04347");
    expect(metricDelta({ ...auc, b: null })).toBe("");
  });
});

describe("parseUnifiedDiff", () => {
  const text = [
    "diff --git a/params.yaml b/params.yaml",
    "index 1111111..2222222 100644",
    "--- a/params.yaml",
    "+++ b/params.yaml",
    "@@ -3,3 +3,4 @@ train:",
    "   n_estimators: 200",
    "-  max_depth: 3",
    "+  max_depth: 5",
    "+  min_samples: 2",
    "   learning_rate: 0.2",
    "\\ No newline at end of file",
    "",
  ].join("\n");
  const lines = parseUnifiedDiff(text);

  it("classifies header, hunk, added, removed and context lines", () => {
    expect(lines.map((l) => l.kind)).toEqual(["meta", "meta", "meta", "meta", "hunk", "context", "del", "add", "add", "context", "note"]);
    expect(lines[6].text).toBe("  max_depth: 3");
  });

  it("numbers lines on each side from the hunk header", () => {
    expect(lines[5]).toMatchObject({ a: 3, b: 3 });
    expect(lines[6]).toMatchObject({ a: 4 });
    expect(lines[6].b).toBeUndefined();
    expect(lines[7]).toMatchObject({ b: 4 });
    expect(lines[8]).toMatchObject({ b: 5 });
    expect(lines[9]).toMatchObject({ a: 5, b: 6 });
  });

  it("reads a second file's header as a header again, and an empty diff as nothing", () => {
    const two = parseUnifiedDiff(`${text}diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n`);
    expect(two.slice(11).map((l) => l.kind)).toEqual(["meta", "meta", "meta", "hunk", "del", "add"]);
    expect(parseUnifiedDiff("")).toEqual([]);
  });
});

describe("formatting", () => {
  it("turns parameter and package changes into rows", () => {
    expect(paramRow({ change: "changed", name: "max_depth", a: "3", b: "5" })).toEqual({ name: "max_depth", a: "3", b: "5", change: "changed" });
    expect(paramRow({ change: "unchanged", name: "seed", value: "42" })).toEqual({ name: "seed", a: "42", b: "42", change: "unchanged" });
    expect(paramRow({ change: "added", name: "n", b: "1" })).toMatchObject({ a: "", b: "1" });
    expect(packageRow({ change: "removed", package: "scipy", a: "==1.17.1" })).toEqual({ name: "scipy", a: "==1.17.1", b: "", change: "removed" });
  });

  it("formats numbers, metric deltas and column summaries", () => {
    expect(formatNumber(4400)).toBe("4,400");
    expect(formatNumber(0.912345)).toBe("0.9123");
    expect(formatNumber(undefined)).toBe("—");
    const m: MetricPair = { run_a: "a", run_b: "b", name: "auc", a: 0.91, b: 0.87 };
    expect(metricDelta(m)).toBe("−0.04");
    expect(metricDelta({ ...m, b: 0.95 })).toBe("+0.04");
    expect(metricDelta({ ...m, b: null })).toBe("");
    expect(describeColumn({ dtype: "f64", nulls: 0, mean: 52.5, min: 1, max: 980.25 })).toBe("f64, mean 52.5 (1 – 980.3)");
    expect(describeColumn({ dtype: "str", nulls: 3, distinct: 2, top: [["a", 0.75], ["b", 0.05]] })).toBe("str, 2 distinct: a 75%, b 5.0%, 3 null");
    expect(describeColumn(undefined)).toBe("—");
    // an id-like column: every value rare, so no "most frequent" values
    expect(describeColumn({ dtype: "str", nulls: 0, distinct: 1200, top: [["rv-000001", 0.0008]] })).toBe("str, 1200 distinct");
  });
});

describe("chooserOptions", () => {
  const comparables = [
    { id: "alias:m@staging", kind: "alias" as const, label: "models:/m@staging" },
    { id: "alias:m@production", kind: "alias" as const, label: "models:/m@production" },
    mv(1),
  ];
  it("filters the comparables by what was typed, then adds search hits without duplicates", () => {
    expect(chooserOptions(comparables, [], "").map((n) => n.id)).toEqual(["alias:m@staging", "alias:m@production", "model-version:m/1"]);
    expect(chooserOptions(comparables, [], "STAG").map((n) => n.id)).toEqual(["alias:m@staging"]);
    expect(chooserOptions(comparables, [comparables[0], raw], "stag").map((n) => n.id)).toEqual(["alias:m@staging", raw.id]);
  });
});
