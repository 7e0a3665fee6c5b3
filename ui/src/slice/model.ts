// Pure logic of the slicing panel: which nodes can be sliced, how the outcome specs the engine
// reads are written, group labels, and the charts' data, scales and layout. The engine
// computes every number; this only arranges them. No DOM: unit-tested directly.
import type { GroupStats } from "../generated/GroupStats";
import type { NodeKind } from "../generated/NodeKind";
import type { SliceReport } from "../generated/SliceReport";

/** Table files the engine reads (CSV, Parquet, JSON lines). */
const TABLE_FILE = /\.(csv|tsv|parquet|pq|jsonl|ndjson)$/i;

/**
 * Whether a node stands for a table the engine can slice: a data version or dataset, a CSV,
 * Parquet or JSON-lines file, or a model (version, alias, logged model) or run, which stand
 * for their training set.
 */
export function sliceable(n: { kind: NodeKind; id: string; label: string }): boolean {
  switch (n.kind) {
    case "data-version":
    case "dataset":
    case "model-version":
    case "alias":
    case "logged-model":
    case "run":
      return true;
    case "file":
      return TABLE_FILE.test(n.id) || TABLE_FILE.test(n.label);
    default:
      return false;
  }
}

/** How an outcome is read from its column: the column itself (0/1, boolean), equal to a value, at least or above a threshold. */
export type OutcomeOp = "column" | "=" | ">=" | ">";

export interface OutcomeChoice {
  column: string;
  op: OutcomeOp;
  value: string;
}

export const NO_OUTCOME: OutcomeChoice = { column: "", op: "column", value: "" };

/**
 * The spec the engine parses (`COL`, `COL=VALUE`, `COL>=X`, `COL>X`), null for no outcome,
 * or why the choice is incomplete.
 */
export function outcomeSpec(o: OutcomeChoice): { spec: string | null; error: string | null } {
  const column = o.column.trim();
  if (column === "") return { spec: null, error: null };
  if (o.op === "column") return { spec: column, error: null };
  const value = o.value.trim();
  if (value === "") return { spec: null, error: `${column}: give the value after ${o.op}` };
  if (o.op !== "=" && !Number.isFinite(Number(value))) return { spec: null, error: `${column} ${o.op} ${value}: not a number` };
  return { spec: `${column}${o.op}${value}`, error: null };
}

/** Reads a spec back (the inverse of outcomeSpec), for a request set from outside. */
export function parseOutcome(spec: string | null | undefined): OutcomeChoice {
  if (!spec) return NO_OUTCOME;
  for (const op of [">=", ">", "="] as const) {
    const i = spec.indexOf(op);
    if (i > 0) return { column: spec.slice(0, i).trim(), op, value: spec.slice(i + op.length).trim() };
  }
  return { column: spec.trim(), op: "column", value: "" };
}

/** `COL=VALUE` filters from a text field (comma or newline separated), or the first bad one. */
export function parseFilters(text: string): { filters: string[]; error: string | null } {
  const filters = text
    .split(/[,\n]/)
    .map((f) => f.trim())
    .filter((f) => f !== "");
  const bad = filters.find((f) => !/^[^=]+=.+$/.test(f));
  return { filters, error: bad ? `${bad}: a filter is written COL=VALUE` : null };
}

/** A group's label: its values joined (`60+`, `60+ · F`); a missing value reads `∅`. */
export function groupLabel(key: (string | null)[]): string {
  if (key.length === 0) return "all rows";
  return key.map((k) => (k === null ? "∅" : k)).join(" · ");
}

/** A share or rate as a percentage, one decimal below 10%. */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  const p = v * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

/** A ratio (disparate impact, parity ratio) to two decimals. */
export function ratio(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(2);
}

/** A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten), at least `v`. */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-12) return m * p;
  return 10 * p;
}

/** How many intervals divide a nice maximum into round steps (0.5 into 0.1s, 0.2 into 0.05s). */
export function tickCount(max: number): number {
  const m = max / 10 ** Math.floor(Math.log10(max));
  return Math.abs(m - 2) < 1e-9 ? 4 : 5;
}

/** Evenly spaced ticks from 0 to `max` inclusive. */
export function ticks(max: number, count = tickCount(max)): number[] {
  const step = max / count;
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** A linear scale from [0, max] onto [0, length] (clamped, so a bar never leaves its axis). */
export function scale(max: number, length: number): (v: number) => number {
  return (v) => (max > 0 ? Math.max(0, Math.min(length, (v / max) * length)) : 0);
}

/** One series of a grouped bar chart: a value per group (null: not defined for it). */
export interface Series {
  name: string;
  colour: string;
  values: (number | null)[];
}

export interface BarData {
  groups: string[];
  series: Series[];
}

export const COLOURS = {
  dataset: "#2f6fd6",
  reference: "#adb5bd",
  base: "#e67700",
  referenceBase: "#f5c68c",
  selection: "#7048e8",
  tpr: "#2b8a3e",
  fpr: "#c2255c",
};

/** Source colours for the composition chart, in the order the report lists its sources. */
export const SOURCE_COLOURS = ["#c2255c", "#2f6fd6", "#2b8a3e", "#f59f00", "#7048e8", "#0c8599", "#862e9c", "#5c940d"];
export const UNATTRIBUTED = "#ced4da";

/** Each group's share of the table, beside its share of the reference when there is one. */
export function shareData(r: SliceReport, datasetName = "this table", referenceName = "reference"): BarData {
  const series: Series[] = [{ name: datasetName, colour: COLOURS.dataset, values: r.groups.map((g) => g.share) }];
  if (r.reference) series.push({ name: referenceName, colour: COLOURS.reference, values: r.groups.map((g) => g.reference_share ?? null) });
  return { groups: r.groups.map((g) => groupLabel(g.key)), series };
}

/** The rates defined for some group: base rate (and the reference's), selection rate, TPR, FPR. */
export function rateData(r: SliceReport): BarData {
  const candidates: { name: string; colour: string; of: (g: GroupStats) => number | null | undefined }[] = [
    { name: "base rate", colour: COLOURS.base, of: (g) => g.base_rate },
    { name: "reference base rate", colour: COLOURS.referenceBase, of: (g) => g.reference_base_rate },
    { name: "selection rate", colour: COLOURS.selection, of: (g) => g.selection_rate },
    { name: "true positive rate", colour: COLOURS.tpr, of: (g) => g.true_positive_rate },
    { name: "false positive rate", colour: COLOURS.fpr, of: (g) => g.false_positive_rate },
  ];
  const series = candidates
    .map((c) => ({ name: c.name, colour: c.colour, values: r.groups.map((g) => c.of(g) ?? null) }))
    .filter((s) => s.values.some((v) => v !== null));
  return { groups: r.groups.map((g) => groupLabel(g.key)), series };
}

/** Roughly how wide a label is at `size` px (legends are laid out without measuring text). */
export const textWidth = (text: string, size: number) => text.length * size * 0.6;

/** Legend entries placed left to right from `x`, wrapping before `right`; `lines` is how many rows they take. */
export function legendLayout(names: string[], x: number, right: number, size = 11): { items: { name: string; x: number; line: number }[]; lines: number } {
  let at = x;
  let line = 0;
  const items = names.map((name) => {
    const width = 16 + textWidth(name, size);
    if (at > x && at + width > right) {
      at = x;
      line++;
    }
    const item = { name, x: at, line };
    at += width + 14;
    return item;
  });
  return { items, lines: names.length === 0 ? 0 : line + 1 };
}

/** One bar of a grouped bar chart, laid out. */
export interface Bar {
  group: number;
  series: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
}

export interface BarLayout {
  /** The plot area inside the chart. */
  plot: { x: number; y: number; width: number; height: number };
  max: number;
  ticks: number[];
  bars: Bar[];
  /** Where each group's label is centred. */
  labels: { text: string; x: number }[];
  /** Where a value sits on the vertical axis. */
  y(v: number): number;
}

/**
 * Lays out a grouped (vertical) bar chart in a `width` × `height` box with the given margins;
 * the axis reaches at least `atLeast` (a reference line drawn over the bars).
 */
export function barLayout(data: BarData, width: number, height: number, margin = { top: 34, right: 12, bottom: 44, left: 44 }, atLeast = 0): BarLayout {
  const plot = { x: margin.left, y: margin.top, width: width - margin.left - margin.right, height: height - margin.top - margin.bottom };
  const values = data.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = niceMax(Math.max(atLeast, ...values));
  const y = scale(max, plot.height);
  const n = Math.max(1, data.groups.length);
  const band = plot.width / n;
  const inner = band * 0.78;
  const barWidth = data.series.length > 0 ? inner / data.series.length : inner;
  const bars: Bar[] = [];
  data.series.forEach((s, si) => {
    s.values.forEach((v, gi) => {
      if (v === null) return;
      const h = y(v);
      bars.push({ group: gi, series: si, x: plot.x + gi * band + (band - inner) / 2 + si * barWidth, y: plot.y + plot.height - h, width: Math.max(1, barWidth - 2), height: h, value: v });
    });
  });
  return { plot, max, ticks: ticks(max), bars, labels: data.groups.map((text, i) => ({ text, x: plot.x + i * band + band / 2 })), y: (v: number) => plot.y + plot.height - y(v) };
}

/** One segment of a group's stacked composition bar. */
export interface Segment {
  source: string;
  colour: string;
  rows: number;
  share: number;
  x: number;
  width: number;
}

export interface CompositionRow {
  group: string;
  count: number;
  y: number;
  segments: Segment[];
}

/** The sources of a report in its order, each with its colour; `unattributed` last when any group has such rows. */
export function sourceLegend(r: SliceReport): { source: string; colour: string }[] {
  const named = r.sources.filter((s) => s.node !== "").map((s, i) => ({ source: s.source, colour: SOURCE_COLOURS[i % SOURCE_COLOURS.length] }));
  const unattributed = r.groups.some((g) => g.composition.some((c) => c.source == null)) || r.sources.some((s) => s.node === "");
  return unattributed ? [...named, { source: "unattributed", colour: UNATTRIBUTED }] : named;
}

/**
 * Each group's rows by raw source as a 100% stacked horizontal bar, groups one under another
 * from `top`, bars `length` long from `left`.
 */
export function compositionRows(r: SliceReport, left: number, length: number, top = 0, rowHeight = 30): CompositionRow[] {
  const legend = sourceLegend(r);
  const colourOf = (source: string) => legend.find((l) => l.source === source)?.colour ?? UNATTRIBUTED;
  const order = (source: string) => {
    const i = legend.findIndex((l) => l.source === source);
    return i < 0 ? legend.length : i;
  };
  return r.groups.map((g, i) => {
    let x = left;
    const parts = g.composition.map((c) => ({ source: c.source ?? "unattributed", rows: c.rows, share: c.share })).sort((a, b) => order(a.source) - order(b.source));
    const segments = parts.map((p) => {
      const width = p.share * length;
      const s = { ...p, colour: colourOf(p.source), x, width };
      x += width;
      return s;
    });
    return { group: groupLabel(g.key), count: g.count, y: top + i * rowHeight, segments };
  });
}

/** A table as a chart legend names it: file name, a digest prefix, rows (`train.parquet d6ae5f90, 4,400 rows`). */
export function tableName(t: { path: string; md5?: string | null; sha256?: string | null; rows: number }, rows = t.rows): string {
  const digest = t.md5 ?? t.sha256 ?? null;
  return `${sourceName(t.path)}${digest ? ` ${digest.slice(0, 8)}` : ""}, ${rows.toLocaleString("en-US")} rows`;
}

/** A raw source's short name for a legend (its file name). */
export function sourceName(source: string): string {
  return source.split("/").pop() ?? source;
}

/** The groups the four-fifths rule flags, by label. */
export function flaggedGroups(r: SliceReport): string[] {
  return r.groups.filter((g) => g.four_fifths_flag).map((g) => groupLabel(g.key));
}

/** A file name for an exported chart: the chart and the table, without characters file systems refuse. */
export function exportName(chart: string, table: string, ext: "svg" | "png"): string {
  const base = `${chart}-${table.split("/").pop() ?? table}`.replace(/\.[a-z0-9]+$/i, "");
  return `${base.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/_+/g, "_")}.${ext}`;
}
