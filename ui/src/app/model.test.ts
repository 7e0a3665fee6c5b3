import { describe, expect, it } from "vitest";
import type { Finding } from "../generated/Finding";
import { actionFor, filterMembers, formatBytes, groupBySeverity } from "./model";

const f = (status: Finding["status"], id: string): Finding => ({
  status,
  check: "dvc-workspace",
  node: { kind: "data-version", id, label: id },
  detail: "",
});

describe("groupBySeverity", () => {
  it("puts the worst first and drops empty groups", () => {
    const groups = groupBySeverity([f("verified", "a"), f("mismatch", "b"), f("missing", "c"), f("mismatch", "d")]);
    expect(groups.map((g) => g.status)).toEqual(["mismatch", "missing", "verified"]);
    expect(groups[0].findings.map((x) => x.node.id)).toEqual(["b", "d"]);
  });
});

describe("actionFor", () => {
  it("maps keys, but not while typing, except Escape and Ctrl+K", () => {
    expect(actionFor("/", false, false)).toBe("search");
    expect(actionFor("j", false, true)).toBeNull();
    expect(actionFor("k", true, true)).toBe("search");
    expect(actionFor("Escape", false, true)).toBe("escape");
    expect(actionFor("]", false, false)).toBe("deeper");
  });
});

describe("formatBytes", () => {
  it("uses decimal units", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(3_300_000)).toBe("3.3 MB");
  });
});

describe("filterMembers", () => {
  const members = [
    { id: "file:a/model.pkl", kind: "file" as const, label: "a/model.pkl", status: "verified" as const },
    { id: "file:a/MLmodel", kind: "file" as const, label: "a/MLmodel", status: "mismatch" as const },
    { id: "file:a/conda.yaml", kind: "file" as const, label: "a/conda.yaml" },
  ];
  it("filters by label or id and lists failures first", () => {
    expect(filterMembers(members, "").map((m) => m.label)).toEqual(["a/MLmodel", "a/conda.yaml", "a/model.pkl"]);
    expect(filterMembers(members, "MODEL").map((m) => m.label)).toEqual(["a/MLmodel", "a/model.pkl"]);
    expect(filterMembers(members, "nothing")).toEqual([]);
  });
});
