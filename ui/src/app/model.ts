// Pure UI logic: grouping findings, formatting, keyboard shortcuts. Unit-tested.
import type { Finding } from "../generated/Finding";
import type { NodeSummary } from "../generated/NodeSummary";
import type { Status } from "../generated/Status";

export const SEVERITY: Status[] = ["mismatch", "conflict", "missing", "unverifiable", "verified"];

export interface FindingGroup {
  status: Status;
  findings: Finding[];
}

/** Findings grouped by status, worst first; empty groups left out. */
export function groupBySeverity(findings: Finding[]): FindingGroup[] {
  return SEVERITY.map((status) => ({ status, findings: findings.filter((f) => f.status === status) })).filter((g) => g.findings.length > 0);
}

export function isFailure(s: Status): boolean {
  return s === "mismatch" || s === "conflict" || s === "missing";
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export type Action = "search" | "fit" | "zoom-in" | "zoom-out" | "deeper" | "shallower" | "next-finding" | "prev-finding" | "verify" | "escape";

/** Keyboard shortcuts for the common moves (ignored while typing in a field). */
export function actionFor(key: string, ctrl: boolean, inField: boolean): Action | null {
  if (key === "Escape") return "escape";
  if (ctrl && key.toLowerCase() === "k") return "search";
  if (inField) return null;
  switch (key) {
    case "/":
      return "search";
    case "f":
      return "fit";
    case "+":
    case "=":
      return "zoom-in";
    case "-":
      return "zoom-out";
    case "]":
      return "deeper";
    case "[":
      return "shallower";
    case "j":
      return "next-finding";
    case "k":
      return "prev-finding";
    case "v":
      return "verify";
    default:
      return null;
  }
}

export const SHORTCUTS: [string, string][] = [
  ["/ or Ctrl+K", "search"],
  ["j / k", "next / previous finding"],
  ["[ / ]", "less / more depth"],
  ["f", "fit the graph"],
  ["+ / -", "zoom"],
  ["v", "re-verify"],
  ["Esc", "close search"],
];

/** The members of a cluster matching a filter (label or id, case-insensitive), failures first. */
export function filterMembers(members: NodeSummary[], filter: string): NodeSummary[] {
  const q = filter.trim().toLowerCase();
  const rank = (m: NodeSummary) => SEVERITY.indexOf(m.status ?? "verified");
  return members
    .filter((m) => q === "" || m.label.toLowerCase().includes(q) || m.id.toLowerCase().includes(q))
    .sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
}
