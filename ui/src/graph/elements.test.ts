import { describe, expect, it } from "vitest";
import type { View } from "../generated/View";
import { shortLabel, toElements, worstStatus, openingZoom, READABLE_ZOOM } from "./elements";

const view: View = {
  focus: "model-version:m/3",
  nodes: [
    { id: "model-version:m/3", kind: "model-version", label: "models:/m/3", status: "verified" },
    { id: "run:r", kind: "run", label: "train (r)", status: "conflict" },
    { id: "agent:a", kind: "agent", label: "a" },
  ],
  edges: [
    { from: "model-version:m/3", relation: "wasGeneratedBy", to: "run:r" },
    { from: "run:r", relation: "wasAssociatedWith", to: "agent:a" },
  ],
  clusters: [
    {
      id: "cluster:run:r:up:used:file",
      anchor: "run:r",
      relation: "used",
      upstream: true,
      kind: "file",
      members: [
        { id: "file:a", kind: "file", label: "a", status: "verified" },
        { id: "file:b", kind: "file", label: "b", status: "mismatch" },
      ],
    },
  ],
  upstream: ["model-version:m/3", "run:r"],
};

describe("toElements", () => {
  const els = toElements(view, "run:r");
  const byId = (id: string) => els.find((e) => e.data.id === id)!;

  it("styles nodes by kind and status, marking focus, selection and the upstream path", () => {
    expect(byId("model-version:m/3").classes).toEqual(expect.arrayContaining(["kind-model-version", "status-verified", "focus"]));
    expect(byId("run:r").classes).toEqual(expect.arrayContaining(["status-conflict", "selected", "upstream"]));
    expect(byId("agent:a").classes).toContain("status-unchecked");
    expect(byId("agent:a").classes).not.toContain("upstream");
    expect(byId("model-version:m/3|wasGeneratedBy|run:r").classes).toContain("upstream");
    expect(byId("run:r|wasAssociatedWith|agent:a").classes).not.toContain("upstream");
  });

  it("draws a cluster as one node with its count and worst member status, linked to its anchor", () => {
    const c = byId("cluster:run:r:up:used:file");
    expect(c.data.count).toBe(2);
    expect(c.data.label).toBe("2 × file");
    expect(c.data.status).toBe("mismatch");
    const edge = byId("cluster:run:r:up:used:file-edge");
    expect([edge.data.source, edge.data.target]).toEqual(["run:r", "cluster:run:r:up:used:file"]);
    expect(els.some((e) => e.data.id === "file:a")).toBe(false);
  });

  it("every edge joins two drawn nodes", () => {
    const nodes = new Set(els.filter((e) => e.group === "nodes").map((e) => e.data.id));
    for (const e of els.filter((e) => e.group === "edges")) {
      expect(nodes.has(e.data.source!)).toBe(true);
      expect(nodes.has(e.data.target!)).toBe(true);
    }
  });
});

describe("worstStatus and shortLabel", () => {
  it("orders statuses from unchecked to mismatch", () => {
    expect(worstStatus(["verified", "missing", "unverifiable"])).toBe("missing");
    expect(worstStatus([])).toBe("unchecked");
  });
  it("keeps the file name of long paths", () => {
    const long = "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl";
    expect(shortLabel(long)).toBe("…/model.pkl");
    expect(shortLabel("short")).toBe("short");
  });
});

import type { NodeKind } from "../generated/NodeKind";
import type { Status } from "../generated/Status";
import { KIND_SHAPES, STATUS_COLOURS, STYLE } from "./elements";
import { SHAPE_PATHS } from "./Legend";

// Exhaustive: adding a kind or a status to the engine fails to compile here until it is styled.
const KINDS: Record<NodeKind, true> = {
  commit: true, run: true, stage: true, dataset: true, "data-version": true, file: true, "logged-model": true,
  "model-version": true, alias: true, agent: true, key: true, signature: true, attestation: true, build: true,
};
const STATUSES: Record<Status, true> = {
  verified: true, "signature-valid": true, informational: true, unverifiable: true, "not-collected": true, "untrusted-key": true, missing: true, conflict: true, mismatch: true, "signature-invalid": true,
};

describe("signatures in the graph", () => {
  it("draws signing keys apart from other agents, and signatures, attestations and builds by kind", () => {
    const v: View = {
      focus: "signature:s/model.sig",
      nodes: [
        { id: "signature:s/model.sig", kind: "signature", label: "model.sig", status: "signature-valid" },
        { id: "attestation:s/model.sig", kind: "attestation", label: "manifest" },
        { id: "key:5c38", kind: "key", label: "ECDSA P-256 key 5c38" },
        { id: "agent:ci", kind: "agent", label: "ci" },
        { id: "build:b", kind: "build", label: "build", status: "untrusted-key" },
      ],
      edges: [],
      clusters: [],
      upstream: [],
    };
    const classes = Object.fromEntries(toElements(v, null).map((e) => [e.data.id, e.classes]));
    expect(classes["signature:s/model.sig"]).toContain("kind-signature");
    expect(classes["signature:s/model.sig"]).toContain("status-signature-valid");
    expect(classes["key:5c38"]).toContain("kind-key");
    expect(classes["agent:ci"]).toContain("kind-agent");
    expect(classes["build:b"]).toEqual(["kind-build", "status-untrusted-key"]);
  });

  it("ranks signature statuses among the others", () => {
    expect(worstStatus(["verified", "signature-valid"])).toBe("signature-valid");
    expect(worstStatus(["signature-valid", "unverifiable"])).toBe("unverifiable");
    expect(worstStatus(["untrusted-key", "missing"])).toBe("missing");
    expect(worstStatus(["mismatch", "signature-invalid", "conflict"])).toBe("signature-invalid");
  });

  it("styles every status and every kind, and the legend can draw every shape", () => {
    const selectors = STYLE.map((s) => s.selector).join(" ");
    for (const s of Object.keys(STATUSES)) {
      expect(selectors).toContain(`.status-${s}`);
      expect(STATUS_COLOURS[s as Status]).toBeTruthy();
    }
    const shaped = new Set(KIND_SHAPES.flatMap((k) => k.kinds));
    for (const k of Object.keys(KINDS)) {
      expect(shaped.has(k as NodeKind)).toBe(true);
      expect(selectors).toContain(`.kind-${k}`);
    }
    for (const k of KIND_SHAPES) expect(SHAPE_PATHS[k.shape]).toBeTruthy();
    expect(STATUS_COLOURS["signature-invalid"].border).toBe(STATUS_COLOURS.mismatch.border);
  });
});

describe("openingZoom", () => {
  it("keeps labels readable on a large graph and does not blow up a small one", () => {
    expect(openingZoom(0.2)).toBe(READABLE_ZOOM);
    expect(openingZoom(1)).toBe(1);
    expect(openingZoom(3.5)).toBe(1.6);
  });
});
