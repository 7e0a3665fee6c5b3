import { render, fireEvent } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { setBackend } from "../backend";
import { mockBackend } from "../backend/mock";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import { App } from "./App";

// The canvas needs a real browser; its logic is tested in graph/elements.test.ts.
vi.mock("../graph/GraphView", () => ({
  GraphView: (p: { view: { focus: string; clusters: { id: string }[] }; onExpandCluster(id: string): void }) => (
    <div data-testid="graph" data-focus={p.view.focus}>
      {p.view.clusters.map((c) => (
        <button key={c.id} data-testid="cluster" onClick={() => p.onExpandCluster(c.id)} />
      ))}
    </div>
  ),
}));

const mismatch: Finding = {
  status: "mismatch",
  check: "dvc-workspace",
  node: { kind: "data-version", id: "data:p/raw.csv@aa", label: "raw.csv @ aa" },
  path: "p/raw.csv",
  expected: "aa",
  observed: "bb",
  detail: "work-tree copy does not match its recorded md5",
};

const details = (id: string, status: NodeDetails["node"]["status"], findings: Finding[]): NodeDetails => ({
  node: { id, kind: "data-version", label: id, attrs: {}, claims: [], status },
  findings,
  outgoing: [],
  incoming: [],
});

function setup() {
  const b = mockBackend({
    summary: {
      path: "/tmp/c.custody",
      info: { title: "Demo", created_at: "now", created_by: "custody" },
      roots: [{ path: "/e", label: "e", added_at: "now", sources: [{ kind: "dvc", path: "p", files: 3, bytes: 2000, sha256: "ab12cd34ef56ab12cd34ef56" }] }],
      summary: { verified: 5, unverifiable: 0, missing: 0, conflict: 0, mismatch: 1 },
      nodes: 3,
      edges: 2,
      log_intact: true,
    },
    findings: [mismatch],
    focus: "model-version:m/1",
    views: {
      "model-version:m/1": {
        focus: "model-version:m/1",
        nodes: [],
        edges: [],
        clusters: [
          {
            id: "cluster:m",
            anchor: "model-version:m/1",
            relation: "hadMember",
            upstream: true,
            kind: "file",
            members: [
              { id: "file:a/model.pkl", kind: "file", label: "a/model.pkl", status: "verified" },
              { id: "file:a/MLmodel", kind: "file", label: "a/MLmodel", status: "verified" },
            ],
          },
        ],
        upstream: [],
      },
      "file:a/MLmodel": { focus: "file:a/MLmodel", nodes: [], edges: [], clusters: [], upstream: [] },
      "data:p/raw.csv@aa": { focus: "data:p/raw.csv@aa", nodes: [], edges: [], clusters: [], upstream: [] },
    },
    details: {
      "model-version:m/1": details("model-version:m/1", "verified", []),
      "data:p/raw.csv@aa": details("data:p/raw.csv@aa", "mismatch", [mismatch]),
      "file:a/MLmodel": details("file:a/MLmodel", "verified", []),
    },
  });
  setBackend(b);
  return b;
}

describe("App", () => {
  it("opens the demo case, lists the mismatch, and follows it to the node's inspector", async () => {
    const b = setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    expect(await ui.findByText("Evidence")).toBeTruthy();
    expect((await ui.findByTestId("evidence")).textContent).toContain("3 files, 2.0 KB, sha256 ab12cd34ef56");
    expect((await ui.findByTestId("counts")).textContent).toContain("1 mismatch");
    expect((await ui.findByTestId("graph")).dataset.focus).toBe("model-version:m/1");

    fireEvent.click(await ui.findByText("raw.csv @ aa"));
    expect((await ui.findByTestId("inspector-status")).textContent).toBe("mismatch");
    const card = await ui.findByTestId("inspector-finding");
    expect(card.textContent).toContain("expected: aa");
    expect(card.textContent).toContain("observed: bb");
    expect(b.calls).toContain("neighbourhood:data:p/raw.csv@aa");
  });

  it("opens a cluster, filters its members and focuses the one chosen", async () => {
    const b = setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    fireEvent.click(await ui.findByTestId("cluster"));
    const panel = await ui.findByTestId("cluster-panel");
    expect(panel.textContent).toContain("2 × file");
    fireEvent.input(panel.querySelector("input")!, { target: { value: "mlmodel" } });
    expect((await ui.findByTestId("cluster-panel")).textContent).not.toContain("model.pkl");
    fireEvent.click(await ui.findByText("a/MLmodel", { exact: false }));
    expect((await ui.findByTestId("graph")).dataset.focus).toBe("file:a/MLmodel");
    expect(b.calls).toContain("neighbourhood:file:a/MLmodel");
  });

  it("shows backend errors by message", async () => {
    const b = setup();
    b.openDemo = vi.fn(async () => {
      throw { code: "input", message: "/e/project/dvc.lock: not valid YAML" };
    });
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    expect((await ui.findByTestId("error")).textContent).toContain("dvc.lock: not valid YAML");
  });
});
