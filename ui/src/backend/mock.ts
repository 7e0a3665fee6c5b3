// A scripted backend for tests: records calls, answers from the given data.
import { vi } from "vitest";
import type { Backend, SliceRequest } from "./index";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { ReportCheck } from "../generated/ReportCheck";
import type { TrustedKeyInfo } from "../generated/TrustedKeyInfo";
import type { View } from "../generated/View";
import type { LineageDiff } from "../generated/LineageDiff";
import type { NodeSummary } from "../generated/NodeSummary";
import type { Dossier } from "../generated/Dossier";
import type { SliceReport } from "../generated/SliceReport";
import type { TableIdentity } from "../generated/TableIdentity";
import { DEMO_COMPARABLES, DEMO_DIFF, DEMO_FILE_DIFFS } from "./mockDiff";
import { DEMO_DOSSIER } from "./mockTrace";
import { DEMO_SLICE, DEMO_TABLE } from "./mockSlice";

/** An answer a file dialog gives: a path, several, or null (dismissed). */
export type Pick = string | string[] | null;

export interface MockData {
  summary: CaseSummary;
  findings: Finding[];
  views: Record<string, View>;
  details: Record<string, NodeDetails>;
  focus: string;
  /** The keys the case trusts (trustKeys adds to it). */
  keys?: TrustedKeyInfo[];
  /** What the file dialogs answer, in order; each dialog takes the next (null when empty). */
  picks?: Pick[];
  /** The verdict on a report folder; by default ok when any key file is given. */
  checkReport?: (dir: string, trust: string[]) => ReportCheck;
  /** What `diff` answers (by default the demo's staging against production), and the file diffs by path. */
  diff?: LineageDiff;
  fileDiffs?: Record<string, string>;
  comparables?: NodeSummary[];
  /** Dossiers by prediction id (by default the demo's pred-000017); others are unknown. */
  dossiers?: Record<string, Dossier>;
  /** What `slice` answers (by default the demo's production training set by age band). */
  slice?: (r: SliceRequest) => SliceReport;
  /** What `table_columns` answers by reference (by default the demo's training set for any). */
  tables?: Record<string, TableIdentity>;
}

const baseName = (p: string) => p.split("/").pop() ?? p;

/** A report check: ok when checked against a key, else the signature cannot be trusted. */
export function defaultReportCheck(dir: string, trust: string[]): ReportCheck {
  const ok = trust.length > 0;
  return {
    dir,
    signature: ok ? "signature-valid" : "signature-invalid",
    signer: ok ? "Ed25519 key ab12cd34ef56" : undefined,
    files: [
      { name: "report.html", expected: "11".repeat(32), observed: "11".repeat(32), ok: true },
      { name: "report.json", expected: "22".repeat(32), observed: "22".repeat(32), ok: true },
    ],
    log_intact: true,
    problems: ok ? [] : ["report.intoto.json: no trusted key given (--trust KEY) to check the signature against"],
    ok,
  };
}

export function mockBackend(data: MockData): Backend & { calls: string[]; exported: { path: string; bytes: Uint8Array }[] } {
  const calls: string[] = [];
  const exported: { path: string; bytes: Uint8Array }[] = [];
  const dossiers = data.dossiers ?? { "pred-000017": DEMO_DOSSIER };
  const log = (name: string) => calls.push(name);
  const keys = data.keys ?? [];
  const picks = data.picks ?? [];
  const pick = (): Pick => (picks.length > 0 ? picks.shift()! : null);
  const one = (p: Pick) => (Array.isArray(p) ? (p[0] ?? null) : p);
  return {
    calls,
    exported,
    caseSummary: vi.fn(async () => (log("caseSummary"), data.summary)),
    openCase: vi.fn(async () => (log("openCase"), data.summary)),
    newCase: vi.fn(async () => (log("newCase"), data.summary)),
    openDemo: vi.fn(async (onProgress) => {
      log("openDemo");
      onProgress({ event: "started", phase: "hash", label: "re-hashing", total: 10 });
      onProgress({ event: "advanced", phase: "hash", done: 10, total: 10 });
      return data.summary;
    }),
    investigate: vi.fn(async () => (log("investigate"), data.summary)),
    addEvidence: vi.fn(async () => (log("addEvidence"), data.summary)),
    verify: vi.fn(async () => (log("verify"), data.summary)),
    cancel: vi.fn(async () => void log("cancel")),
    neighbourhood: vi.fn(async (reference: string) => {
      log(`neighbourhood:${reference}`);
      const v = data.views[reference];
      if (!v) throw { code: "usage", message: `unknown ${reference}` };
      return v;
    }),
    nodeDetails: vi.fn(async (id: string) => {
      log(`nodeDetails:${id}`);
      const d = data.details[id];
      if (!d) throw { code: "usage", message: `unknown ${id}` };
      return d;
    }),
    findings: vi.fn(async () => data.findings),
    search: vi.fn(async () => []),
    defaultFocus: vi.fn(async () => data.focus),
    diff: vi.fn(async (a: string, b: string, onProgress) => {
      log(`diff:${a}:${b}`);
      const known = (r: string) => (data.comparables ?? DEMO_COMPARABLES).some((n) => n.id === r || n.label === r);
      for (const r of [a, b]) if (!known(r)) throw { code: "usage", message: `\`${r}\` matches nothing in the case` };
      onProgress({ event: "started", phase: "compare", label: "comparing lineages", total: 10 });
      return data.diff ?? DEMO_DIFF;
    }),
    codeFileDiff: vi.fn(async (repository: string, from: string, to: string, path: string) => {
      log(`codeFileDiff:${repository}:${from.slice(0, 8)}:${to.slice(0, 8)}:${path}`);
      const d = (data.fileDiffs ?? DEMO_FILE_DIFFS)[path];
      if (d === undefined) throw { code: "usage", message: `${repository} has no ${path}` };
      return d;
    }),
    comparables: vi.fn(async () => (log("comparables"), data.comparables ?? DEMO_COMPARABLES)),
    trace: vi.fn(async (prediction: string, onProgress) => {
      log(`trace:${prediction}`);
      onProgress({ event: "started", phase: "parse", label: "reading the evidence", total: 1 });
      const d = dossiers[prediction];
      if (!d) throw { code: "usage", message: `no inference log in the case records prediction \`${prediction}\`` };
      return d;
    }),
    saveDossier: vi.fn(async (prediction: string, dir: string) => {
      log(`saveDossier:${prediction}:${dir}`);
      if (!dossiers[prediction]) throw { code: "usage", message: `no inference log in the case records prediction \`${prediction}\`` };
      return { html: `${dir}/dossier.html`, json: `${dir}/dossier.json` };
    }),
    slice: vi.fn(async (r: SliceRequest, onProgress) => {
      log(`slice:${r.dataset}:${r.by.join(",")}:${r.label ?? ""}:${r.prediction ?? ""}:${r.reference ?? ""}:${r.filters.join(",")}`);
      onProgress({ event: "started", phase: "parse", label: "reading the evidence", total: 1 });
      if (r.by.length === 0) throw { code: "usage", message: "choose at least one attribute" };
      return data.slice ? data.slice(r) : DEMO_SLICE;
    }),
    tableColumns: vi.fn(async (reference: string) => {
      log(`tableColumns:${reference}`);
      const t = data.tables ? data.tables[reference] : { ...DEMO_TABLE, reference };
      if (!t) throw { code: "usage", message: `\`${reference}\` matches nothing in the case` };
      return t;
    }),
    saveExport: vi.fn(async (path: string, bytes: Uint8Array) => {
      log(`saveExport:${path}`);
      if (!/\.(png|svg)$/i.test(path)) throw { code: "usage", message: `${path}: an exported chart is saved as a .png or .svg file only` };
      exported.push({ path, bytes });
      return { path, bytes: bytes.length };
    }),
    trustedKeys: vi.fn(async () => (log("trustedKeys"), [...keys])),
    trustKeys: vi.fn(async (paths: string[], onProgress) => {
      log(`trustKeys:${paths.join(",")}`);
      onProgress({ event: "started", phase: "check", label: "cross-checking", total: 1 });
      const added = paths.map((p, i) => ({ label: `key ${baseName(p)}`, algorithm: "Ed25519", fingerprint: `${i}`.repeat(64), principals: [], file: p }));
      keys.push(...added);
      return added;
    }),
    exportReport: vi.fn(async (dir: string, signKey: string | null, onProgress) => {
      log(`exportReport:${dir}:${signKey ?? "unsigned"}`);
      onProgress({ event: "started", phase: "report", label: "writing report", total: 4 });
      return {
        dir,
        files: [
          { name: "report.html", sha256: "11".repeat(32), size: 2048 },
          { name: "report.json", sha256: "22".repeat(32), size: 4096 },
        ],
        signed_by: signKey ? "ab12cd34ef56".padEnd(64, "0") : undefined,
      };
    }),
    verifyReport: vi.fn(async (dir: string, trust: string[]) => {
      log(`verifyReport:${dir}:${trust.join(",")}`);
      return (data.checkReport ?? defaultReportCheck)(dir, trust);
    }),
    newKey: vi.fn(async (path: string) => (log(`newKey:${path}`), { private_key: path, public_key: `${path}.pub`, fingerprint: "ab12cd34ef56".padEnd(64, "0") })),
    recentCases: vi.fn(async () => []),
    launchOptions: vi.fn(async () => ({ open_demo: false, open_case: null })),
    pickFolder: vi.fn(async () => one(pick())),
    pickCaseFile: vi.fn(async () => one(pick())),
    pickFiles: vi.fn(async () => {
      const p = pick();
      return p === null ? [] : Array.isArray(p) ? p : [p];
    }),
    pickSavePath: vi.fn(async () => one(pick())),
    onDropPaths: vi.fn(async () => () => undefined),
  };
}
