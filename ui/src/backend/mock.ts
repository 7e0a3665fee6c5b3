// A scripted backend for tests: records calls, answers from the given data.
import { vi } from "vitest";
import type { Backend } from "./index";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { View } from "../generated/View";

export interface MockData {
  summary: CaseSummary;
  findings: Finding[];
  views: Record<string, View>;
  details: Record<string, NodeDetails>;
  focus: string;
}

export function mockBackend(data: MockData): Backend & { calls: string[] } {
  const calls: string[] = [];
  const log = (name: string) => calls.push(name);
  return {
    calls,
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
      return data.details[id];
    }),
    findings: vi.fn(async () => data.findings),
    search: vi.fn(async () => []),
    defaultFocus: vi.fn(async () => data.focus),
    recentCases: vi.fn(async () => []),
    launchOptions: vi.fn(async () => ({ open_demo: false, open_case: null })),
    pickFolder: vi.fn(async () => null),
    pickCaseFile: vi.fn(async () => null),
    onDropPaths: vi.fn(async () => () => undefined),
  };
}
