// The one door to the backend. Components never import @tauri-apps/api: they call `backend`,
// which is the Tauri implementation in the app and a mock in tests.
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { NodeSummary } from "../generated/NodeSummary";
import type { SourceKind } from "../generated/SourceKind";
import type { View } from "../generated/View";
import type { Phase } from "../generated/Phase";
import type { ReportCheck } from "../generated/ReportCheck";
import type { ReportWritten } from "../generated/ReportWritten";
import type { TrustedKeyInfo } from "../generated/TrustedKeyInfo";
import type { LineageDiff } from "../generated/LineageDiff";
import type { Dossier } from "../generated/Dossier";
import type { DossierWritten } from "../generated/DossierWritten";
import type { SliceReport } from "../generated/SliceReport";
import type { TableIdentity } from "../generated/TableIdentity";

/** What the slicing panel asks the engine (`slice`): the table, the attributes to group by,
 * the outcome specs (`COL`, `COL=VALUE`, `COL>=X`), a reference table and `COL=VALUE` filters. */
export interface SliceRequest {
  dataset: string;
  by: string[];
  label: string | null;
  prediction: string | null;
  reference: string | null;
  filters: string[];
}

/** A chart written by `save_export`. */
export interface ExportWritten {
  path: string;
  bytes: number;
}

/** A file type the save dialog offers (`{ name: "PNG image", extensions: ["png"] }`). */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/** A new investigator signing key (`new_key`). */
export interface NewKey {
  private_key: string;
  public_key: string;
  fingerprint: string;
}

/** What long work reports while it runs. */
export type ProgressEvent =
  | { event: "started"; phase: Phase; label: string; total: number }
  | { event: "advanced"; phase: Phase; done: number; total: number }
  | { event: "finished"; phase: Phase };

export type OnProgress = (e: ProgressEvent) => void;

export interface Backend {
  caseSummary(): Promise<CaseSummary>;
  openCase(path: string): Promise<CaseSummary>;
  newCase(path: string, title: string): Promise<CaseSummary>;
  openDemo(onProgress: OnProgress): Promise<CaseSummary>;
  investigate(dir: string, casePath: string, onProgress: OnProgress): Promise<CaseSummary>;
  addEvidence(path: string, kind: SourceKind | null, onProgress: OnProgress): Promise<CaseSummary>;
  verify(onProgress: OnProgress): Promise<CaseSummary>;
  cancel(): Promise<void>;
  neighbourhood(reference: string, depth: number, expanded: string[]): Promise<View>;
  nodeDetails(id: string): Promise<NodeDetails>;
  findings(): Promise<Finding[]>;
  search(query: string): Promise<NodeSummary[]>;
  defaultFocus(): Promise<string | null>;
  /** Where the lineages upstream of two references diverge (long: reads the evidence). */
  diff(referenceA: string, referenceB: string, onProgress: OnProgress): Promise<LineageDiff>;
  /** The unified diff of one file between two commits of a repository in the evidence. */
  codeFileDiff(repository: string, from: string, to: string, path: string): Promise<string>;
  /** What the Compare view's choosers offer: aliases, then model versions, then runs. */
  comparables(): Promise<NodeSummary[]>;
  /** Traces one logged decision and profiles its group in the training data (long: reads the evidence). */
  trace(prediction: string, onProgress: OnProgress): Promise<Dossier>;
  /** Writes the decision's dossier (`dossier.html`, `dossier.json`) into a folder. */
  saveDossier(prediction: string, dir: string, onProgress: OnProgress): Promise<DossierWritten>;
  /** Slices a table by attributes: shares, rates, disparities, composition by source. */
  slice(request: SliceRequest, onProgress: OnProgress): Promise<SliceReport>;
  /** The table a reference names (a dataset-like node, `PATH@REV`, a model's training set): its columns. */
  tableColumns(reference: string, onProgress: OnProgress): Promise<TableIdentity>;
  /** Writes an exported chart (PNG or SVG bytes) to a path chosen in the save dialog. */
  saveExport(path: string, bytes: Uint8Array): Promise<ExportWritten>;
  /** The keys the open case trusts. */
  trustedKeys(): Promise<TrustedKeyInfo[]>;
  /** Trusts more key files, then re-verifies; returns the keys newly trusted. */
  trustKeys(paths: string[], onProgress: OnProgress): Promise<TrustedKeyInfo[]>;
  /** Writes the case's evidence report into an empty folder, signed when a key is given. */
  exportReport(dir: string, signKey: string | null, onProgress: OnProgress): Promise<ReportWritten>;
  /** Re-checks a report folder against the given public key files. */
  verifyReport(dir: string, trust: string[]): Promise<ReportCheck>;
  /** Creates an Ed25519 signing key at `path` and its public key at `path.pub`. */
  newKey(path: string): Promise<NewKey>;
  recentCases(): Promise<string[]>;
  launchOptions(): Promise<{ open_demo: boolean; open_case: string | null }>;
  /** Asks the user for a folder (evidence) or a file (a case); null when dismissed. */
  pickFolder(title: string): Promise<string | null>;
  pickCaseFile(title: string, save: boolean): Promise<string | null>;
  /** Asks for one or more files (keys); an empty list when dismissed. */
  pickFiles(title: string, multiple: boolean): Promise<string[]>;
  /** Asks where to save a new file (of the filter's type, under a suggested name, when given); null when dismissed. */
  pickSavePath(title: string, filter?: FileFilter, defaultName?: string): Promise<string | null>;
  /** Calls back with the paths of files or folders dropped on the window. */
  onDropPaths(cb: (paths: string[]) => void): Promise<() => void>;
}

let current: Backend | null = null;

export function setBackend(b: Backend): void {
  current = b;
}

export function backend(): Backend {
  if (!current) throw new Error("backend not initialised");
  return current;
}
