// Pure logic of the Trace view: which neighbourhood of the lineage shows a traced decision's
// chain, which nodes and edges the chain highlights, what is drawn that the lineage does not
// hold (the decision itself, the log it was read from), and how the dossier's facts read.
// No DOM, no Cytoscape instance: unit-tested directly.
import type { Dossier } from "../generated/Dossier";
import type { GroupProfile } from "../generated/GroupProfile";
import type { GroupStats } from "../generated/GroupStats";
import type { LinkCheck } from "../generated/LinkCheck";
import type { Status } from "../generated/Status";
import type { Trace } from "../generated/Trace";
import type { TracedDataset } from "../generated/TracedDataset";
import type { View } from "../generated/View";
import { shortLabel, type Element } from "../graph/elements";
import type { Overlay } from "../graph/GraphView";

/** The id of an edge as the lineage graph draws it (graph/elements.ts). */
export const edgeId = (from: string, relation: string, to: string) => `${from}|${relation}|${to}`;

/** The node the neighbourhood is centred on: the model version that decided, else the chain's first node. */
export function traceFocus(trace: Trace): string | null {
  return trace.model.node ?? trace.chain[0] ?? null;
}

/** Chain nodes the view shows, as nodes or inside a cluster. */
export function coveredBy(view: View, chain: string[]): string[] {
  const shown = new Set(view.nodes.map((n) => n.id));
  for (const c of view.clusters) for (const m of c.members) shown.add(m.id);
  return chain.filter((id) => shown.has(id));
}

/** The clusters that hide a member of the chain the view does not show as a node, smallest first. */
export function clustersToOpen(view: View, chain: string[]): string[] {
  const shown = new Set(view.nodes.map((n) => n.id));
  const wanted = new Set(chain.filter((id) => !shown.has(id)));
  return view.clusters
    .filter((c) => c.members.some((m) => wanted.has(m.id)))
    .sort((a, b) => a.members.length - b.members.length)
    .map((c) => c.id);
}

export type FetchView = (depth: number, expanded: string[]) => Promise<View>;

/**
 * The smallest neighbourhood of `focus` that shows as much of the chain as any does (the
 * lineage may not connect every link: an inference log is evidence, not a node the model
 * points to), with the clusters that hide chain members opened. The engine computes each
 * neighbourhood; this only chooses the depth and the clusters.
 */
export async function chainNeighbourhood(chain: string[], fetch: FetchView, maxDepth = 6): Promise<{ view: View; depth: number; expanded: string[] }> {
  let view = await fetch(maxDepth, []);
  let depth = maxDepth;
  const most = coveredBy(view, chain).length;
  for (let d = 2; d < maxDepth; d++) {
    const v = await fetch(d, []);
    if (coveredBy(v, chain).length >= most) {
      view = v;
      depth = d;
      break;
    }
  }
  let expanded: string[] = [];
  // one cluster at a time, the smallest: a member hidden in two clusters (a model file is the
  // logged model's member and the run's output) needs only one opened, and the view stays small
  for (let round = 0; round < 8; round++) {
    const next = clustersToOpen(view, chain).find((c) => !expanded.includes(c));
    if (!next) break;
    expanded = [...expanded, next];
    view = await fetch(depth, expanded);
  }
  return { view, depth, expanded };
}

/**
 * The part of a neighbourhood that gives the chain its context: the chain's nodes, the nodes
 * one edge away from them, and the clusters hanging off chain nodes (the engine's view, cut
 * down; nothing is walked beyond the edges it returned).
 */
export function chainContext(view: View, chain: string[]): View {
  const links = new Set(chain);
  const keep = new Set(view.nodes.filter((n) => links.has(n.id)).map((n) => n.id));
  for (const e of view.edges) {
    if (links.has(e.from)) keep.add(e.to);
    if (links.has(e.to)) keep.add(e.from);
  }
  return {
    focus: view.focus,
    nodes: view.nodes.filter((n) => keep.has(n.id)),
    edges: view.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    clusters: view.clusters.filter((c) => links.has(c.anchor)),
    upstream: view.upstream.filter((id) => keep.has(id)),
  };
}

/** What the chain highlights in a view, and what it adds to it. */
export interface ChainHighlight {
  /** Chain nodes in the view. */
  nodes: string[];
  /** Edges of the view between two chain nodes. */
  edges: string[];
  /** Clusters still holding a chain member (highlighted as a whole). */
  clusters: string[];
  /** Drawn for the trace only: the decision, the log when the view lacks it, and their links. */
  extra: Element[];
  /** Chain nodes neither shown nor added (the dossier still lists them). */
  missing: string[];
}

/** The id of the decision's node (not a lineage node). */
export const decisionId = (trace: Trace) => `decision:${trace.prediction.id}`;

export function chainHighlight(view: View, trace: Trace): ChainHighlight {
  const chain = new Set(trace.chain);
  const inView = new Set(view.nodes.map((n) => n.id));
  const nodes = trace.chain.filter((id) => inView.has(id));
  const edges = view.edges.filter((e) => chain.has(e.from) && chain.has(e.to)).map((e) => edgeId(e.from, e.relation, e.to));
  const clusters = clustersToOpen(view, trace.chain);
  const inClusters = new Set(view.clusters.flatMap((c) => c.members.map((m) => m.id)));

  // The decision: logged in its log, served by the alias the log names (else the model version).
  const p = trace.prediction;
  const decision = decisionId(trace);
  const extra: Element[] = [
    { group: "nodes", data: { id: decision, label: `${p.id}\n${valueText(p.decision)}`, kind: "decision" }, classes: ["kind-decision", "chain", "synthetic"] },
  ];
  const log = trace.log_node;
  const added = new Set<string>();
  if (log) {
    if (!inView.has(log)) {
      extra.push({ group: "nodes", data: { id: log, label: shortLabel(p.log), kind: "file", status: "unchecked" }, classes: ["kind-file", "chain", "synthetic"] });
      added.add(log);
    }
    extra.push({ group: "edges", data: { id: `${decision}|logged in|${log}`, label: "logged in", source: decision, target: log }, classes: ["chain", "synthetic"] });
  }
  const served = [trace.model.alias_node, trace.model.node].find((id): id is string => typeof id === "string" && inView.has(id));
  if (served) extra.push({ group: "edges", data: { id: `${decision}|served by|${served}`, label: "served by", source: decision, target: served }, classes: ["chain", "synthetic"] });

  const missing = trace.chain.filter((id) => !inView.has(id) && !inClusters.has(id) && !added.has(id));
  return { nodes, edges, clusters, extra, missing };
}

/** Marks the chain on the view's elements (`chain`), dims the rest (`dimmed`), adds the extras. */
export function decorate(elements: Element[], h: ChainHighlight): Element[] {
  const on = new Set([...h.nodes, ...h.clusters, ...h.edges]);
  const clusterEdges = new Set(h.clusters.map((c) => `${c}-edge`));
  const out = elements.map((e) => {
    const lit = on.has(e.data.id) || clusterEdges.has(e.data.id);
    return { ...e, classes: [...e.classes.filter((c) => c !== "upstream"), lit ? "chain" : "dimmed"] };
  });
  return [...out, ...h.extra];
}

/** The overlay the graph view draws for a traced decision. */
export function chainOverlay(view: View, trace: Trace): Overlay & { highlight: ChainHighlight } {
  const highlight = chainHighlight(view, trace);
  return {
    highlight,
    decorate: (els) => decorate(els, highlight),
    highlighted: [...highlight.nodes, ...highlight.extra.filter((e) => e.group === "nodes").map((e) => e.data.id)],
  };
}

/** A logged value as text: strings as they are, numbers as written, null as a dash. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** MLflow's start time (milliseconds since the epoch) in UTC, to the second. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z").replace("T", " ");
}

/** The dataset the run trained on (role `training`), else its first dataset. */
export function trainingDataset(trace: Trace): TracedDataset | null {
  return trace.datasets.find((d) => d.role === "training") ?? trace.datasets[0] ?? null;
}

/** The verification checks grouped by link, in chain order, with how many fail. */
export function checkSummary(checks: LinkCheck[]): { status: Status; count: number }[] {
  const order: Status[] = ["signature-invalid", "mismatch", "conflict", "missing", "untrusted-key", "not-collected", "unverifiable", "informational", "signature-valid", "verified"];
  return order.map((status) => ({ status, count: checks.filter((c) => c.status === status).length })).filter((c) => c.count > 0);
}

/** One row of the dossier's group profile. */
export interface ProfileRow {
  attribute: string;
  /** The decision's value. */
  value: string;
  /** The training rows with that value; null when none has it or the group given is another's. */
  group: GroupStats | null;
  overall: GroupStats;
  /** Set when the engine answered with a group whose key is not the decision's value. */
  mismatch: string | null;
  /** The raw source holding most of the group, with its share of the group. */
  topSource: { source: string; share: number } | null;
}

/** Whether a group's key is the value (as text, or as the same number: `1` and `1.0`). */
export function keyMatches(key: (string | null)[], value: string | null): boolean {
  const k = key[0] ?? null;
  if (k === value) return true;
  if (k === null || value === null) return false;
  const a = Number(k);
  const b = Number(value);
  return k.trim() !== "" && value.trim() !== "" && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

export function profileRows(profile: GroupProfile[]): ProfileRow[] {
  return profile.map((p) => {
    const value = p.value ?? null;
    const given = p.group ?? null;
    const ok = given !== null && keyMatches(given.key, value);
    const group = ok ? given : null;
    const top = group ? [...group.composition].sort((a, b) => b.share - a.share)[0] : undefined;
    return {
      attribute: p.attribute,
      value: value ?? "∅",
      group,
      overall: p.overall,
      mismatch: given !== null && !ok ? `the engine gave the group ${given.key.map((k) => k ?? "∅").join(" · ")}, not ${value ?? "∅"}` : null,
      topSource: top ? { source: top.source ?? "unattributed", share: top.share } : null,
    };
  });
}

/** A base rate against the whole training set's: `18.5% (2.4× overall)`. */
export function rateAgainst(rate: number | null | undefined, overall: number | null | undefined): string {
  if (rate === null || rate === undefined) return "—";
  const pct = `${(rate * 100).toFixed(1)}%`;
  if (overall === null || overall === undefined || overall === 0) return pct;
  return `${pct} (${(rate / overall).toFixed(1)}× overall)`;
}

/** What the dossier's header says of the chain: checks out, or how many links fail. */
export function verdict(d: Dossier): { ok: boolean; text: string } {
  const f = d.trace.failures;
  return f === 0 ? { ok: true, text: "every link of the chain checks out" } : { ok: false, text: `${f} ${f === 1 ? "check fails" : "checks fail"} along the chain` };
}
