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
  recentCases: () => call("recent_cases"),
  launchOptions: () => call("launch_options"),
  pickFolder: async (title) => {
    const r = await open({ title, directory: true, multiple: false });
    return typeof r === "string" ? r : null;
  },
  pickCaseFile: async (title, wantSave) => {
    const filters = [{ name: "Custody case", extensions: ["custody"] }];
    const r = wantSave ? await save({ title, filters }) : await open({ title, multiple: false, filters });
    return typeof r === "string" ? r : null;
  },
  onDropPaths: (cb) =>
    getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === "drop") cb(e.payload.paths);
    }),
};
