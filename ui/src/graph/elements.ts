// Turns a backend View (nodes, edges, clusters, upstream path) into Cytoscape elements. Pure:
// no DOM, no Cytoscape instance, so it is unit-tested directly.
import type { View } from "../generated/View";
import type { NodeKind } from "../generated/NodeKind";
import type { Status } from "../generated/Status";

export interface ElementData {
  id: string;
  label: string;
  kind?: NodeKind | "cluster";
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

export function toElements(view: View, selected: string | null): Element[] {
  const upstream = new Set(view.upstream);
  const out: Element[] = [];
  for (const n of view.nodes) {
    const status = n.status ?? "unchecked";
    const classes = [`kind-${n.kind}`, `status-${status}`];
    if (n.id === view.focus) classes.push("focus");
    if (n.id === selected) classes.push("selected");
    if (upstream.has(n.id) && n.id !== view.focus) classes.push("upstream");
    out.push({ group: "nodes", data: { id: n.id, label: shortLabel(n.label), kind: n.kind, status }, classes });
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

const ORDER: (Status | "unchecked")[] = ["unchecked", "verified", "unverifiable", "missing", "conflict", "mismatch"];

export function worstStatus(statuses: (Status | "unchecked")[]): Status | "unchecked" {
  let worst: Status | "unchecked" = "unchecked";
  for (const s of statuses) if (ORDER.indexOf(s) > ORDER.indexOf(worst)) worst = s;
  return worst;
}

/** Cytoscape stylesheet: shape by kind, colour by verification status. */
export const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 10, "text-wrap": "wrap", "text-max-width": "150px", "text-valign": "bottom", "text-margin-y": 4, width: 26, height: 26, "background-color": "#b8bec7", "border-width": 2, "border-color": "#5b6470", color: "#1d232b" } },
  { selector: "edge", style: { width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8, "line-color": "#a2a9b3", "target-arrow-color": "#a2a9b3", label: "data(label)", "font-size": 8, color: "#6b7380", "text-rotation": "autorotate" } },
  { selector: ".kind-run, .kind-stage", style: { shape: "round-rectangle", width: 34 } },
  { selector: ".kind-commit", style: { shape: "diamond" } },
  { selector: ".kind-agent", style: { shape: "pentagon" } },
  { selector: ".kind-model-version, .kind-logged-model, .kind-alias", style: { shape: "hexagon", width: 30, height: 30 } },
  { selector: ".kind-data-version, .kind-dataset", style: { shape: "barrel" } },
  { selector: ".kind-file", style: { shape: "rectangle", width: 20, height: 24 } },
  { selector: ".cluster", style: { shape: "round-rectangle", width: 46, height: 30, "background-color": "#e6e9ee", "border-style": "dashed" } },
  { selector: ".status-verified", style: { "border-color": "#2e8b57", "background-color": "#cdebd9" } },
  { selector: ".status-unverifiable", style: { "border-color": "#8a8f98", "background-color": "#e4e6ea" } },
  { selector: ".status-missing", style: { "border-color": "#7b4fb3", "background-color": "#e6dcf5" } },
  { selector: ".status-conflict", style: { "border-color": "#d9822b", "background-color": "#fbe3cc" } },
  { selector: ".status-mismatch", style: { "border-color": "#c62828", "background-color": "#f8d0d0", "border-width": 3 } },
  { selector: "edge.upstream", style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", width: 2.2 } },
  { selector: "node.upstream", style: { "border-color": "#2f6fd6" } },
  { selector: ".focus", style: { "border-width": 4 } },
  { selector: ".selected", style: { "overlay-color": "#2f6fd6", "overlay-opacity": 0.18, "overlay-padding": 6 } },
];
