// Pure logic of the Compare view: the aligned graph's elements, how each pair and divergence
// is classified and labelled, and the formatting of drill-downs (unified diffs, parameters,
// column summaries, metrics). No DOM, no Cytoscape instance: unit-tested directly.
import type { AlignedNode } from "../generated/AlignedNode";
import type { ColumnSummary } from "../generated/ColumnSummary";
import type { Divergence } from "../generated/Divergence";
import type { DivergenceKind } from "../generated/DivergenceKind";
import type { LineageDiff } from "../generated/LineageDiff";
import type { MetricPair } from "../generated/MetricPair";
import type { NodeSummary } from "../generated/NodeSummary";
import type { PackageChange } from "../generated/PackageChange";
import type { ParamChange } from "../generated/ParamChange";
import { KIND_SHAPES, shortLabel, type Shape } from "../graph/elements";

/** How a pair is drawn: its state, or its presence when it is on one side only. */
export type Look = "root-cause" | "downstream" | "equal" | "added" | "removed" | "unrecorded";

/** A divergence as the UI refers to it: root causes and downstream in one list. */
export interface Entry {
  /** `root-0`, `down-3`: stable within one diff. */
  key: string;
  root: boolean;
  divergence: Divergence;
}

export function entries(diff: LineageDiff): Entry[] {
  return [
    ...diff.divergences.map((d, i) => ({ key: `root-${i}`, root: true, divergence: d })),
    ...diff.downstream.map((d, i) => ({ key: `down-${i}`, root: false, divergence: d })),
  ];
}

/** The id a pair has in the aligned graph. */
export const pairId = (index: number) => `pair-${index}`;

/**
 * The divergence to open for a pair clicked in the graph: its first root cause, else its first
 * downstream entry, else the code divergence that folded the pair in as another witness of the
 * same change (a DVC dependency on a changed source file).
 */
export function entryForPair(list: Entry[], pair: number, diff?: LineageDiff): Entry | null {
  const own = list.find((e) => e.root && e.divergence.pair === pair) ?? list.find((e) => e.divergence.pair === pair);
  if (own) return own;
  const p = diff?.pairs[pair];
  const ids = [p?.a?.id, p?.b?.id].filter((x): x is string => typeof x === "string");
  return list.find((e) => e.divergence.detail.type === "code" && e.divergence.detail.also_seen.some((n) => ids.includes(n.id))) ?? null;
}

export function lookOf(p: AlignedNode): Look {
  if (p.presence === "added") return "added";
  if (p.presence === "removed") return "removed";
  if (p.presence === "unrecorded" || p.state === "unrecorded") return "unrecorded";
  return p.state;
}

/** What the legend says of each look, in the order it lists them (shared with the canvas). */
export const LOOKS: { look: Look; border: string; fill: string; label: string; meaning: string }[] = [
  { look: "root-cause", border: "#c2255c", fill: "#ffc9dc", label: "root cause", meaning: "differs while its own inputs are equal: where the lineages diverge" },
  { look: "downstream", border: "#d08c00", fill: "#fff0c2", label: "downstream", meaning: "differs because an input differs" },
  { look: "added", border: "#2b8a3e", fill: "#d3f9d8", label: "only in B", meaning: "an input B has and A does not" },
  { look: "removed", border: "#5f3dc4", fill: "#e5dbff", label: "only in A", meaning: "an input A has and B does not" },
  { look: "unrecorded", border: "#868e96", fill: "#f1f3f5", label: "unrecorded", meaning: "on one side, where the other records nothing of its kind" },
  { look: "equal", border: "#adb5bd", fill: "#e9ecef", label: "equal", meaning: "the same on both sides" },
];

/** A pair's label on the canvas: one label when both sides agree, `A | B` when they differ, one side otherwise. */
export function pairLabel(p: AlignedNode, max = 28): string {
  // The engine writes an absent side as null (the generated type says optional): accept both.
  const a = p.a?.label ?? null;
  const b = p.b?.label ?? null;
  // A over B, so the two sides read as two lines of one node
  if (a !== null && b !== null) return a === b ? shortLabel(a, max * 2) : `${shortLabel(a, max)} |\n${shortLabel(b, max)}`;
  if (b !== null) return `${p.presence === "added" ? "+ " : ""}${shortLabel(b, max * 2)}`;
  if (a !== null) return `${p.presence === "removed" ? "− " : ""}${shortLabel(a, max * 2)}`;
  return p.slot;
}

/** A pair's node kind (B's, else A's). */
export function kindOf(p: AlignedNode): Shape {
  const n = p.b ?? p.a;
  return n ? n.kind : "file";
}

export interface DiffElement {
  group: "nodes" | "edges";
  data: { id: string; label: string; source?: string; target?: string; pair?: number; look?: Look };
  classes: string[];
}

/**
 * The aligned graph: one node per pair (the two sides drawn as one), one edge per input, from
 * the pair to its input as in the lineage graph. Pairs that are the roots of the comparison
 * are marked `ends`; the selected pair `selected`. Unrecorded pairs (evidence one side lacks,
 * not a difference of lineage) are left out unless asked for.
 */
export function toDiffElements(diff: LineageDiff, selected: number[] | number | null, opts: { unrecorded?: boolean } = {}): DiffElement[] {
  const chosen = new Set(selected === null ? [] : Array.isArray(selected) ? selected : [selected]);
  const out: DiffElement[] = [];
  const shown = (i: number) => opts.unrecorded !== false || lookOf(diff.pairs[i]) !== "unrecorded";
  diff.pairs.forEach((p, i) => {
    if (!shown(i)) return;
    const look = lookOf(p);
    const classes = [`kind-${kindOf(p)}`, `look-${look}`];
    if (p.state === "root-cause") classes.push("root-cause");
    if (p.depth === 0) classes.push("ends");
    if (chosen.has(i)) classes.push("selected");
    out.push({ group: "nodes", data: { id: pairId(i), label: pairLabel(p), pair: i, look }, classes });
  });
  const seen = new Set<string>();
  for (const [from, to] of diff.edges) {
    const id = `${pairId(from)}>${pairId(to)}`;
    if (seen.has(id) || from >= diff.pairs.length || to >= diff.pairs.length || !shown(from) || !shown(to)) continue;
    seen.add(id);
    const quiet = lookOf(diff.pairs[from]) === "equal" && lookOf(diff.pairs[to]) === "equal";
    out.push({ group: "edges", data: { id, label: "", source: pairId(from), target: pairId(to) }, classes: quiet ? ["quiet"] : [] });
  }
  return out;
}

/** The pairs to highlight for an open divergence: its own, and those of the other records of the same change. */
export function pairsOf(diff: LineageDiff, d: Divergence): number[] {
  const out = [d.pair];
  if (d.detail.type === "code") {
    const ids = new Set(d.detail.also_seen.map((n) => n.id));
    diff.pairs.forEach((p, i) => {
      if ((p.a && ids.has(p.a.id)) || (p.b && ids.has(p.b.id))) out.push(i);
    });
  }
  return out;
}

/** Counts for the summary line. */
export function counts(diff: LineageDiff): { roots: number; downstream: number; equal: number; unrecorded: number; pairs: number } {
  return {
    roots: diff.divergences.length,
    downstream: diff.downstream.length,
    equal: diff.pairs.filter((p) => lookOf(p) === "equal").length,
    unrecorded: diff.pairs.filter((p) => lookOf(p) === "unrecorded").length,
    pairs: diff.pairs.length,
  };
}

const KIND_NAMES: Record<DivergenceKind, string> = {
  code: "code",
  data: "data",
  params: "parameters",
  environment: "environment",
  model: "model",
  run: "run",
  stage: "pipeline stage",
  agent: "person or service",
  other: "other",
};

export function kindName(k: DivergenceKind): string {
  return KIND_NAMES[k];
}

/** The two sides of a divergence's pair, for its heading: `A label → B label`, or one side. */
export function sidesOf(diff: LineageDiff, d: Divergence): { a: NodeSummary | null; b: NodeSummary | null } {
  const p = diff.pairs[d.pair];
  return { a: p?.a ?? null, b: p?.b ?? null };
}

/** One line of a unified diff, classified for colouring, with its line numbers in A and B. */
export interface DiffLine {
  kind: "meta" | "hunk" | "add" | "del" | "context" | "note";
  text: string;
  a?: number;
  b?: number;
}

/** Parses a unified diff (`git diff` format) into lines with their kind and line numbers. */
export function parseUnifiedDiff(text: string): DiffLine[] {
  const out: DiffLine[] = [];
  let a = 0;
  let b = 0;
  let inHunk = false;
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      a = Number(hunk[1]);
      b = Number(hunk[2]);
      inHunk = true;
      out.push({ kind: "hunk", text: line });
    } else if (!inHunk || line.startsWith("diff --git ") || line.startsWith("index ")) {
      inHunk = false;
      out.push({ kind: "meta", text: line });
    } else if (line.startsWith("\\")) {
      out.push({ kind: "note", text: line });
    } else if (line.startsWith("+")) {
      out.push({ kind: "add", text: line.slice(1), b: b++ });
    } else if (line.startsWith("-")) {
      out.push({ kind: "del", text: line.slice(1), a: a++ });
    } else {
      out.push({ kind: "context", text: line.slice(1), a: a++, b: b++ });
    }
  }
  return out;
}

/** A parameter or package change as a table row: name, value in A, value in B, what happened. */
export interface ChangeRow {
  name: string;
  a: string;
  b: string;
  change: "added" | "removed" | "changed" | "unchanged";
}

export function paramRow(c: ParamChange): ChangeRow {
  switch (c.change) {
    case "added":
      return { name: c.name, a: "", b: c.b, change: "added" };
    case "removed":
      return { name: c.name, a: c.a, b: "", change: "removed" };
    case "changed":
      return { name: c.name, a: c.a, b: c.b, change: "changed" };
    case "unchanged":
      return { name: c.name, a: c.value, b: c.value, change: "unchanged" };
  }
}

export function packageRow(c: PackageChange): ChangeRow {
  switch (c.change) {
    case "added":
      return { name: c.package, a: "", b: c.b, change: "added" };
    case "removed":
      return { name: c.package, a: c.a, b: "", change: "removed" };
    case "changed":
      return { name: c.package, a: c.a, b: c.b, change: "changed" };
  }
}

/** A number for a table: integers as they are, others to 4 significant digits. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** B minus A, signed, when both sides have the metric. */
export function metricDelta(m: MetricPair): string {
  if (m.a == null || m.b == null) return "";
  const d = m.b - m.a;
  if (d === 0) return "=";
  return `${d > 0 ? "+" : "−"}${formatNumber(Math.abs(d))}`;
}

/** One column's distribution, in a line: `float64, mean 12.3 (0 – 99)` or `str, 4 distinct: a 50%, b 25%`. */
export function describeColumn(c: ColumnSummary | null | undefined): string {
  if (!c) return "—";
  const parts = [c.dtype];
  if (c.mean != null) {
    let s = `mean ${formatNumber(c.mean)}`;
    if (c.min != null && c.max != null) s += ` (${formatNumber(c.min)} – ${formatNumber(c.max)})`;
    parts.push(s);
  } else if (c.distinct != null) {
    // the most frequent values, unless every value is rare (an id, a timestamp)
    const frequent = (c.top ?? [])[0]?.[1] >= 0.02 ? (c.top ?? []) : [];
    const top = frequent.slice(0, 3).map(([v, share]) => `${v === "" ? "∅" : v} ${percent(share)}`);
    parts.push(`${c.distinct} distinct${top.length > 0 ? `: ${top.join(", ")}` : ""}`);
  }
  if (c.nulls > 0) parts.push(`${c.nulls} null`);
  return parts.join(", ");
}

/** A share (0–1) as a percentage. */
export function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

/** Whether a column's summary moved between A and B (for highlighting the row). */
export function columnMoved(a: ColumnSummary | null | undefined, b: ColumnSummary | null | undefined): boolean {
  return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
}

export const shortSha = (sha: string) => sha.slice(0, 8);

/**
 * The reference a chosen node is compared by: its `models:/` URI for an alias or a model
 * version (which the engine resolves to the model version, as MLflow does, so an alias compares
 * as the version it names), else its id.
 */
export function referenceOf(n: NodeSummary): string {
  return (n.kind === "alias" || n.kind === "model-version") && n.label.startsWith("models:/") ? n.label : n.id;
}

/** Comparables and search hits for a chooser, filtered by what was typed, without duplicates. */
export function chooserOptions(comparables: NodeSummary[], hits: NodeSummary[], typed: string, limit = 40): NodeSummary[] {
  const q = typed.trim().toLowerCase();
  const matches = (n: NodeSummary) => q === "" || n.label.toLowerCase().includes(q) || n.id.toLowerCase().includes(q);
  const out: NodeSummary[] = [];
  const seen = new Set<string>();
  for (const n of [...comparables.filter(matches), ...hits]) {
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    out.push(n);
    if (out.length >= limit) break;
  }
  return out;
}

/** Cytoscape stylesheet of the aligned graph: shape by kind (as in the lineage graph), colour by look. */
export const DIFF_STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 10,
      "text-wrap": "wrap",
      "text-max-width": "180px",
      "text-valign": "bottom",
      "text-margin-y": 4,
      width: 26,
      height: 26,
      "border-width": 2,
      color: "#1d232b",
      "text-background-color": "#fbfcfd",
      "text-background-opacity": 0.85,
      "text-background-padding": "1px",
    },
  },
  { selector: "edge", style: { width: 1.4, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8, "line-color": "#9aa3ae", "target-arrow-color": "#9aa3ae" } },
  { selector: "edge.quiet", style: { opacity: 0.35 } },
  ...KIND_SHAPES.map(({ kinds, shape }) => ({ selector: kinds.map((k) => `.kind-${k}`).join(", "), style: { shape } })),
  ...LOOKS.map(({ look, border, fill }) => ({ selector: `.look-${look}`, style: { "border-color": border, "background-color": fill } })),
  { selector: ".look-equal", style: { opacity: 0.4, color: "#6b7380" } },
  { selector: ".look-unrecorded", style: { "border-style": "dotted", opacity: 0.6, color: "#6b7380" } },
  { selector: ".look-added, .look-removed", style: { "border-style": "dashed", "border-width": 3 } },
  { selector: ".look-downstream", style: { "border-width": 3 } },
  { selector: ".ends", style: { "border-width": 4 } },
  { selector: ".root-cause", style: { "border-width": 5, width: 34, height: 34, "font-weight": "bold" } },
  { selector: ".selected", style: { "overlay-color": "#2f6fd6", "overlay-opacity": 0.2, "overlay-padding": 7 } },
];
