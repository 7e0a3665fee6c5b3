// The backend over Tauri IPC: one `invoke` per engine use case, progress over a Channel.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { Backend, OnProgress, ProgressEvent } from "./index";
import { normalise } from "./errors";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw normalise(e);
  }
}

function channel(onProgress: OnProgress): Channel<ProgressEvent> {
  const ch = new Channel<ProgressEvent>();
  ch.onmessage = onProgress;
  return ch;
}

// The end-to-end tests cannot drive the system's file dialogs, so they queue the answers the
// user would give in `window.__custodyPicks` (see e2e/run.mjs): while that queue exists, each
// dialog takes the next answer instead of opening. It grants nothing new: a page script could
// already pass the same paths to the commands.
type Pick = string | string[] | null;
declare global {
  interface Window {
    __custodyPicks?: Pick[];
  }
}
const scripted = () => typeof window !== "undefined" && Array.isArray(window.__custodyPicks);
const scriptedPick = (): Pick => window.__custodyPicks!.shift() ?? null;
const asPath = (p: Pick) => (Array.isArray(p) ? (p[0] ?? null) : p);
const asPaths = (p: Pick) => (p === null ? [] : Array.isArray(p) ? p : [p]);

export const tauriBackend: Backend = {
  caseSummary: () => call("case_summary"),
  openCase: (path) => call("open_case", { path }),
  newCase: (path, title) => call("new_case", { path, title }),
  openDemo: (onProgress) => call("open_demo", { onProgress: channel(onProgress) }),
  investigate: (dir, casePath, onProgress) => call("investigate", { dir, casePath, onProgress: channel(onProgress) }),
  addEvidence: (path, kind, onProgress) => call("add_evidence", { path, kind, onProgress: channel(onProgress) }),
  verify: (onProgress) => call("verify", { onProgress: channel(onProgress) }),
  cancel: () => call("cancel"),
  neighbourhood: (reference, depth, expanded) => call("neighbourhood", { reference, depth, expanded }),
  nodeDetails: (id) => call("node_details", { id }),
  findings: () => call("findings"),
  search: (query) => call("search", { query }),
  defaultFocus: () => call("default_focus"),
  diff: (referenceA, referenceB, onProgress) => call("diff", { referenceA, referenceB, onProgress: channel(onProgress) }),
  codeFileDiff: (repository, from, to, path) => call("code_file_diff", { repository, from, to, path }),
  comparables: () => call("comparables"),
  trace: (prediction, onProgress) => call("trace", { prediction, onProgress: channel(onProgress) }),
  saveDossier: (prediction, dir, onProgress) => call("save_dossier", { prediction, dir, onProgress: channel(onProgress) }),
  slice: (request, onProgress) => call("slice", { request, onProgress: channel(onProgress) }),
  tableColumns: (reference, onProgress) => call("table_columns", { reference, onProgress: channel(onProgress) }),
  // a chart is small (a few hundred KB): its bytes travel as a JSON array, like any argument
  saveExport: (path, bytes) => call("save_export", { path, bytes: Array.from(bytes) }),
  trustedKeys: () => call("trusted_keys"),
  trustKeys: (paths, onProgress) => call("trust_keys", { paths, onProgress: channel(onProgress) }),
  exportReport: (dir, signKey, onProgress) => call("export_report", { dir, signKey, onProgress: channel(onProgress) }),
  verifyReport: (dir, trust) => call("verify_report", { dir, trust }),
  newKey: (path) => call("new_key", { path }),
  recentCases: () => call("recent_cases"),
  launchOptions: () => call("launch_options"),
  pickFolder: async (title) => {
    if (scripted()) return asPath(scriptedPick());
    const r = await open({ title, directory: true, multiple: false });
    return typeof r === "string" ? r : null;
  },
  pickCaseFile: async (title, wantSave) => {
    if (scripted()) return asPath(scriptedPick());
    const filters = [{ name: "Custody case", extensions: ["custody"] }];
    const r = wantSave ? await save({ title, filters }) : await open({ title, multiple: false, filters });
    return typeof r === "string" ? r : null;
  },
  pickFiles: async (title, multiple) => {
    if (scripted()) return asPaths(scriptedPick());
    const r = await open({ title, multiple, directory: false });
    return r === null ? [] : Array.isArray(r) ? r : [r];
  },
  pickSavePath: async (title, filter, defaultName) => {
    if (scripted()) return asPath(scriptedPick());
    const r = await save({ title, ...(filter ? { filters: [filter] } : {}), ...(defaultName ? { defaultPath: defaultName } : {}) });
    return typeof r === "string" ? r : null;
  },
  onDropPaths: (cb) =>
    getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === "drop") cb(e.payload.paths);
    }),
};
