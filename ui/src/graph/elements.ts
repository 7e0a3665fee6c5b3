// Turns a backend View (nodes, edges, clusters, upstream path) into Cytoscape elements. Pure:
// no DOM, no Cytoscape instance, so it is unit-tested directly.
import type { View } from "../generated/View";
import type { NodeKind } from "../generated/NodeKind";
import type { Status } from "../generated/Status";

/** What a node is drawn as: its kind, or `key` for an agent that is a signing key. */
/** A node is drawn by its kind (signing keys are a kind of their own). */
export type Shape = NodeKind;

export interface ElementData {
  id: string;
  label: string;
  kind?: Shape | "cluster" | "decision";
  status?: Status | "unchecked";
  source?: string;
  target?: string;
  relation?: string;
  count?: number;
  anchor?: string;
}

export interface Element {
  group: "nodes" | "edges";
  data: ElementData;
  classes: string[];
}

/** Shortens long labels (paths, ids) for the canvas; the inspector shows them whole. */
export function shortLabel(label: string, max = 42): string {
  if (label.length <= max) return label;
  const slash = label.lastIndexOf("/");
  if (slash > 0 && label.length - slash < max - 2) return "…" + label.slice(slash);
  return label.slice(0, max - 1) + "…";
}

/** Padding around a fitted graph, in pixels. */
export const FIT_PADDING = 28;

/** Below this zoom the canvas's 11px labels are too small to read (under about 9px). */
export const READABLE_ZOOM = 0.85;

/** Above this zoom a small graph looks blown up. */
export const MAX_OPENING_ZOOM = 1.6;

/** The zoom a graph opens at: the fitted zoom, kept between readable and not blown up. */
export function openingZoom(fitted: number): number {
  return Math.min(MAX_OPENING_ZOOM, Math.max(READABLE_ZOOM, fitted));
}

export function toElements(view: View, selected: string | null): Element[] {
  const upstream = new Set(view.upstream);
  const out: Element[] = [];
  for (const n of view.nodes) {
    const status = n.status ?? "unchecked";
    const shape: Shape = n.kind;
    const classes = [`kind-${shape}`, `status-${status}`];
    if (n.id === view.focus) classes.push("focus");
    if (n.id === selected) classes.push("selected");
    if (upstream.has(n.id) && n.id !== view.focus) classes.push("upstream");
    out.push({ group: "nodes", data: { id: n.id, label: shortLabel(n.label), kind: shape, status }, classes });
  }
  for (const c of view.clusters) {
    const worst = worstStatus(c.members.map((m) => m.status ?? "unchecked"));
    out.push({
      group: "nodes",
      data: { id: c.id, label: `${c.members.length} × ${c.kind}`, kind: "cluster", status: worst, count: c.members.length, anchor: c.anchor },
      classes: ["cluster", `status-${worst}`],
    });
    // The cluster hangs off its anchor like its members would.
    const [source, target] = c.upstream ? [c.anchor, c.id] : [c.id, c.anchor];
    out.push({ group: "edges", data: { id: `${c.id}-edge`, label: c.relation, source, target, relation: c.relation }, classes: ["cluster-edge"] });
  }
  for (const e of view.edges) {
    const classes = [`rel-${e.relation}`];
    if (upstream.has(e.from) && upstream.has(e.to)) classes.push("upstream");
    out.push({ group: "edges", data: { id: `${e.from}|${e.relation}|${e.to}`, label: e.relation, source: e.from, target: e.to, relation: e.relation }, classes });
  }
  return out;
}

/** Best to worst, as the engine orders statuses; nodes with no finding are `unchecked`. */
const ORDER: (Status | "unchecked")[] = ["unchecked", "verified", "signature-valid", "informational", "unverifiable", "not-collected", "untrusted-key", "missing", "conflict", "mismatch", "signature-invalid"];

export function worstStatus(statuses: (Status | "unchecked")[]): Status | "unchecked" {
  let worst: Status | "unchecked" = "unchecked";
  for (const s of statuses) if (ORDER.indexOf(s) > ORDER.indexOf(worst)) worst = s;
  return worst;
}

/** Colour by status: border and fill (the legend and the canvas share these). */
export const STATUS_COLOURS: Record<Status | "unchecked", { border: string; fill: string; meaning: string }> = {
  unchecked: { border: "#5b6470", fill: "#b8bec7", meaning: "no check made a claim about it" },
  verified: { border: "#2e8b57", fill: "#cdebd9", meaning: "the claims hold against the bytes" },
  "signature-valid": { border: "#1f6fb2", fill: "#d3e5f6", meaning: "signed, and the signature verifies under a key you trust" },
  informational: { border: "#4f8fbf", fill: "#dcebf6", meaning: "worth knowing, not a failure (an exploratory run, a run with no artifacts)" },
  unverifiable: { border: "#8a8f98", fill: "#e4e6ea", meaning: "nothing to check against (or no key for the signature)" },
  "not-collected": { border: "#8a8f98", fill: "#f2f3f5", meaning: "its bytes are in a store that was not collected (a DVC remote, an artifact store)" },
  "untrusted-key": { border: "#c98a00", fill: "#fcebb6", meaning: "the signature verifies, but under a key you have not trusted" },
  missing: { border: "#7b4fb3", fill: "#e6dcf5", meaning: "something recorded is absent" },
  conflict: { border: "#d9822b", fill: "#fbe3cc", meaning: "two records contradict each other" },
  mismatch: { border: "#c62828", fill: "#f8d0d0", meaning: "the bytes differ from what was recorded or signed" },
  "signature-invalid": { border: "#c62828", fill: "#f8d0d0", meaning: "the signature does not verify: the signed content or signature was changed" },
};

/** Shape by kind (Cytoscape shape names; the legend draws the same). */
export const KIND_SHAPES: { kinds: Shape[]; shape: string; label: string }[] = [
  { kinds: ["run", "stage"], shape: "round-rectangle", label: "run, pipeline stage" },
  { kinds: ["build"], shape: "cut-rectangle", label: "build (from provenance)" },
  { kinds: ["commit"], shape: "diamond", label: "commit" },
  { kinds: ["agent"], shape: "pentagon", label: "person or service" },
  { kinds: ["key"], shape: "tag", label: "signing key" },
  { kinds: ["model-version", "logged-model", "alias"], shape: "hexagon", label: "model, version, alias" },
  { kinds: ["data-version", "dataset"], shape: "barrel", label: "dataset, data version" },
  { kinds: ["file"], shape: "rectangle", label: "file" },
  { kinds: ["signature"], shape: "star", label: "signature" },
  { kinds: ["attestation"], shape: "octagon", label: "attestation (signed statement)" },
];

const SIZE: Partial<Record<Shape, { width: number; height: number }>> = {
  run: { width: 34, height: 26 },
  stage: { width: 34, height: 26 },
  build: { width: 34, height: 26 },
  "model-version": { width: 30, height: 30 },
  "logged-model": { width: 30, height: 30 },
  alias: { width: 30, height: 30 },
  file: { width: 20, height: 24 },
  signature: { width: 30, height: 30 },
  attestation: { width: 30, height: 30 },
  key: { width: 30, height: 24 },
};

/** Cytoscape stylesheet: shape by kind, colour by verification status. */
export const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": "140px", "text-valign": "bottom", "text-margin-y": 4, "text-background-color": "#f6f7f9", "text-background-opacity": 0.75, "text-background-padding": "1px", width: 26, height: 26, "background-color": "#b8bec7", "border-width": 2, "border-color": "#5b6470", color: "#1d232b" } },
  { selector: "edge", style: { width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8, "line-color": "#a2a9b3", "target-arrow-color": "#a2a9b3", label: "data(label)", "font-size": 9, "min-zoomed-font-size": 6, color: "#6b7380", "text-rotation": "autorotate" } },
  ...KIND_SHAPES.map(({ kinds, shape }) => ({ selector: kinds.map((k) => `.kind-${k}`).join(", "), style: { shape, ...(SIZE[kinds[0]] ?? {}) } })),
  { selector: ".cluster", style: { shape: "round-rectangle", width: 46, height: 30, "background-color": "#e6e9ee", "border-style": "dashed" } },
  ...(Object.keys(STATUS_COLOURS) as (Status | "unchecked")[])
    .filter((s) => s !== "unchecked")
    .map((s) => ({ selector: `.status-${s}`, style: { "border-color": STATUS_COLOURS[s].border, "background-color": STATUS_COLOURS[s].fill } })),
  { selector: ".status-mismatch, .status-signature-invalid", style: { "border-width": 3 } },
  { selector: ".status-signature-invalid", style: { "border-style": "double", "border-width": 5 } },
  { selector: ".status-untrusted-key", style: { "border-style": "dashed", "border-width": 3 } },
  { selector: "edge.upstream", style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", width: 2.2 } },
  { selector: "node.upstream", style: { "border-color": "#2f6fd6" } },
  { selector: ".focus", style: { "border-width": 4 } },
  { selector: ".selected", style: { "overlay-color": "#2f6fd6", "overlay-opacity": 0.18, "overlay-padding": 6 } },
  // A traced decision's chain (the Trace view): the chain stands out, the rest recedes.
  { selector: ".dimmed", style: { opacity: 0.22 } },
  { selector: "node.chain", style: { "underlay-color": "#f59f00", "underlay-opacity": 0.45, "underlay-padding": 7, "font-weight": "bold", "font-size": 11, "text-background-color": "#fbfcfd", "text-background-opacity": 0.85, "text-background-padding": "1px" } },
  { selector: "edge.chain", style: { "line-color": "#e67700", "target-arrow-color": "#e67700", width: 3.2, color: "#8a4b00" } },
  { selector: ".kind-decision", style: { shape: "ellipse", width: 30, height: 30, "background-color": "#ffe8cc", "border-color": "#e67700", "border-width": 3 } },
  { selector: "edge.synthetic", style: { "line-style": "dashed" } },
];
