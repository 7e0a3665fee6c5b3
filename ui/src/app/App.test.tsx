import { render, fireEvent, waitFor, within } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { setBackend } from "../backend";
import { defaultReportCheck, mockBackend, type MockData } from "../backend/mock";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import { App } from "./App";

// The canvas needs a real browser; its logic is tested in graph/elements.test.ts.
// The aligned graph likewise: one button per pair, as a click on a node would report it.
vi.mock("../compare/DiffGraph", () => ({
  DiffGraph: (p: { diff: { pairs: { a?: { label: string }; b?: { label: string } }[] }; onSelectPair(i: number): void }) => (
    <div data-testid="diff-graph" data-pairs={p.diff.pairs.length}>
      {p.diff.pairs.map((pair, i) => (
        <button key={i} data-testid="pair" data-pair={i} onClick={() => p.onSelectPair(i)}>
          {(pair.b ?? pair.a)?.label}
        </button>
      ))}
    </div>
  ),
}));

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

function setup(extra: Partial<MockData> = {}) {
  const b = mockBackend({
    ...extra,
    summary: {
      path: "/tmp/c.custody",
      info: { title: "Demo", created_at: "now", created_by: "custody" },
      roots: [{ path: "/e", label: "e", added_at: "now", sources: [{ kind: "dvc", path: "p", files: 3, bytes: 2000, sha256: "ab12cd34ef56ab12cd34ef56" }] }],
      summary: { verified: 5, signature_valid: 2, unverifiable: 0, untrusted_key: 0, missing: 0, conflict: 0, mismatch: 1, signature_invalid: 0 },
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

// A signed model: its signature (a model-signing bundle over a manifest), the manifest's
// subjects, the key, and a model file carrying a signed-digest finding.
const SIG = "signature:serving/fraud-detector/model.sig";
const ATT = "attestation:serving/fraud-detector/model.sig";
const KEY = "key:5c384f9c9a0ba7aafea09c645ad695b50de8477c46d2058eb7ad3994f8df3959";
const PKL = "file:serving/fraud-detector/model.pkl";
const signedDetail =
  "the file's bytes are the signed bytes; the bundle's DSSE signature verifies under ECDSA P-256 key 5c384f9c9a0b (trusted: supplied by the investigator (/keys/release-p256.pub))";
const pklFinding: Finding = {
  status: "signature-valid",
  check: "signed-digest",
  node: { kind: "file", id: PKL, label: "serving/fraud-detector/model.pkl" },
  path: "serving/fraud-detector/model.pkl",
  source: { file: "serving/fraud-detector/model.sig", record: "" },
  detail: signedDetail,
};
const empty = (focus: string) => ({ focus, nodes: [], edges: [], clusters: [], upstream: [] });

function signedSetup(picks: MockData["picks"] = []) {
  const b = setup({
    picks,
    keys: [{ label: "ECDSA P-256 key 5c384f9c9a0b", algorithm: "ECDSA P-256", fingerprint: KEY.slice(4), principals: [], file: "/keys/release-p256.pub" }],
  });
  return b;
}

/** Re-stubs the mock's node queries with the signed model's nodes, opening on the signature. */
function signedData(b: ReturnType<typeof setup>) {
  const details: Record<string, NodeDetails> = {
    [SIG]: {
      node: {
        id: SIG,
        kind: "signature",
        label: "model.sig",
        status: "signature-valid",
        claims: [],
        attrs: {
          format: "Sigstore bundle (DSSE, self-managed key)",
          verdict: "signature-valid",
          signer: "ECDSA P-256 key 5c384f9c9a0b",
          key_fingerprint: KEY.slice(4),
          key_trusted: true,
          key_origin: "trusted: supplied by the investigator (/keys/release-p256.pub)",
          path: "serving/fraud-detector/model.sig",
        },
      },
      findings: [],
      outgoing: [
        { from: SIG, relation: "wasDerivedFrom", to: ATT, role: "signs" },
        { from: SIG, relation: "wasAttributedTo", to: KEY },
      ],
      incoming: [],
    },
    [ATT]: {
      node: { id: ATT, kind: "attestation", label: "model-signing manifest", claims: [], attrs: {} },
      findings: [],
      outgoing: [
        { from: ATT, relation: "wasDerivedFrom", to: PKL, role: "subject" },
        { from: ATT, relation: "wasDerivedFrom", to: "file:serving/fraud-detector/MLmodel", role: "subject" },
      ],
      incoming: [{ from: SIG, relation: "wasDerivedFrom", to: ATT, role: "signs" }],
    },
    [PKL]: {
      node: { id: PKL, kind: "file", label: "serving/fraud-detector/model.pkl", status: "signature-valid", claims: [], attrs: {} },
      findings: [pklFinding],
      outgoing: [],
      incoming: [{ from: ATT, relation: "wasDerivedFrom", to: PKL, role: "subject" }],
    },
  };
  b.nodeDetails = vi.fn(async (id: string) => {
    b.calls.push(`nodeDetails:${id}`);
    return details[id];
  });
  b.neighbourhood = vi.fn(async (ref: string) => (b.calls.push(`neighbourhood:${ref}`), empty(ref)));
  b.defaultFocus = vi.fn(async () => SIG);
  return b;
}

describe("signatures, keys and reports", () => {
  it("shows a signature's signer, key, trust and what it covers, and a covered file's signer", async () => {
    const b = signedData(signedSetup());
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    const sig = await ui.findByTestId("signature");
    expect((await ui.findByTestId("signature-verdict")).textContent).toBe("signature-valid");
    expect(sig.textContent).toContain("Sigstore bundle (DSSE, self-managed key)");
    expect(sig.textContent).toContain("ECDSA P-256 key 5c384f9c9a0b");
    expect((await ui.findByTestId("signature-trust")).textContent).toContain("yes");
    expect((await ui.findByTestId("signature-trust")).textContent).toContain("supplied by the investigator (/keys/release-p256.pub)");
    // The covered files come from the manifest the signature signs.
    await waitFor(() => expect(ui.getByTestId("signature-covers").textContent).toContain(PKL));
    expect(b.calls).toContain(`nodeDetails:${ATT}`);

    fireEvent.click(ui.getByText(PKL));
    const signed = await ui.findByTestId("signed-by");
    expect(signed.dataset.status).toBe("signature-valid");
    expect(signed.textContent).toContain("ECDSA P-256 key 5c384f9c9a0b (signature-valid)");
    expect(signed.textContent).toContain("via serving/fraud-detector/model.sig");
    expect((await ui.findByTestId("inspector-status")).textContent).toBe("signature-valid");
  });

  it("lists the trusted keys and trusts more key files, then reloads the case", async () => {
    const b = signedSetup([["/keys/provenance-ed25519.intoto.json", "/keys/allowed_signers"]]);
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    await waitFor(() => expect(ui.getAllByTestId("trusted-key")).toHaveLength(1));
    expect((await ui.findByTestId("keys")).textContent).toContain("from release-p256.pub");
    b.calls.length = 0;
    fireEvent.click(ui.getByTestId("trust-keys"));
    await waitFor(() => expect(ui.getAllByTestId("trusted-key")).toHaveLength(3));
    expect(b.calls).toEqual(expect.arrayContaining(["trustKeys:/keys/provenance-ed25519.intoto.json,/keys/allowed_signers", "caseSummary", "trustedKeys"]));
    expect(b.calls.indexOf("caseSummary")).toBeGreaterThan(b.calls.indexOf("trustKeys:/keys/provenance-ed25519.intoto.json,/keys/allowed_signers"));
  });

  it("exports a signed report into a chosen folder and checks it with the new key", async () => {
    // Dialog answers, in order: the report folder, where to save a new key.
    const b = signedSetup(["/out/report", "/home/me/investigator.pem"]);
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    fireEvent.click(await ui.findByTestId("export-report"));
    const panel = await ui.findByTestId("export-panel");
    expect((ui.getByTestId("export-go") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(panel).getByTestId("export-choose-dir"));
    await waitFor(() => expect(ui.getByTestId("export-dir").textContent).toBe("/out/report"));
    fireEvent.click(within(panel).getByTestId("export-new-key"));
    await waitFor(() => expect(ui.getByTestId("export-key").textContent).toBe("/home/me/investigator.pem"));
    expect(panel.textContent).toContain("/home/me/investigator.pem.pub");
    fireEvent.click(ui.getByTestId("export-go"));
    const result = await ui.findByTestId("export-result");
    expect(b.calls).toContain("exportReport:/out/report:/home/me/investigator.pem");
    expect(ui.getAllByTestId("export-file").map((r) => r.textContent)).toEqual([expect.stringContaining("report.html2.0 KB"), expect.stringContaining("report.json4.1 KB")]);
    expect(ui.getByTestId("export-signer").textContent).toContain("signed by key ab12cd34ef56");
    fireEvent.click(within(result).getByTestId("export-check"));
    // The public key made beside the new key is what the report is checked against.
    expect((await ui.findByTestId("report-verdict")).dataset.ok).toBe("true");
    expect(b.calls).toContain("verifyReport:/out/report:/home/me/investigator.pem.pub");
  });

  it("checks a report folder: without a key it fails and says why; with the key file it holds", async () => {
    const b = setup({
      picks: ["/reports/r1", ["/keys/investigator.pem.pub"]],
      checkReport: (dir, trust) => ({
        ...defaultReportCheck(dir, trust),
        files: [
          { name: "report.html", expected: "aa".repeat(32), observed: "cc".repeat(32), ok: false },
          { name: "report.json", expected: "bb".repeat(32), observed: "bb".repeat(32), ok: true },
        ],
        problems: ["report.html: changed after the report was written (sha256 differs from the signed statement)", ...defaultReportCheck(dir, trust).problems],
        ok: false,
      }),
    });
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-report"));
    const verdict = await ui.findByTestId("report-verdict");
    expect(verdict.dataset.ok).toBe("false");
    expect(verdict.textContent).toBe("NOT intact: signature: signature-invalid, 1 of 2 files FAIL");
    expect(ui.getAllByTestId("report-file").map((r) => r.dataset.ok)).toEqual(["false", "true"]);
    expect(ui.getAllByTestId("report-file")[0].textContent).toContain("FAIL");
    expect((await ui.findByTestId("report-problems")).textContent).toContain("no trusted key given");
    expect(b.calls).toContain("verifyReport:/reports/r1:");

    fireEvent.click(ui.getByText("Check against key files…"));
    await waitFor(() => expect(ui.getByTestId("report-signature").textContent).toBe("signature-valid"));
    expect(b.calls).toContain("verifyReport:/reports/r1:/keys/investigator.pem.pub");
    expect(ui.getByTestId("report-check").textContent).toContain("investigator.pem.pub");
  });

  it("draws a legend with every status and kind", async () => {
    setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    fireEvent.click(await ui.findByTestId("legend-toggle"));
    const legend = await ui.findByTestId("legend");
    for (const s of ["signature-valid", "untrusted-key", "signature-invalid", "mismatch", "verified"]) expect(legend.querySelector(`[data-status="${s}"]`)).toBeTruthy();
    for (const k of ["signing key", "signature", "attestation (signed statement)", "build (from provenance)"]) expect(legend.textContent).toContain(k);
  });

  it("counts the statuses in the header, zeros only on hover", async () => {
    setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    const counts = await ui.findByTestId("counts");
    expect(counts.textContent).toBe("5 verified · 2 signature-valid · 1 mismatch");
    expect(counts.title).toContain("0 untrusted-key\n0 missing\n0 conflict\n1 mismatch\n0 signature-invalid");
  });
});

describe("Compare", () => {
  const STAGING = "alias:fraud-detector@staging";
  const PRODUCTION = "alias:fraud-detector@production";

  async function choose(ui: ReturnType<typeof render>, side: "a" | "b", typed: string, id: string) {
    const box = (await ui.findByTestId(`compare-${side}`)) as HTMLInputElement;
    fireEvent.focus(box);
    fireEvent.input(box, { target: { value: typed } });
    const options = await ui.findByTestId(`compare-options-${side}`);
    fireEvent.click(options.querySelector(`[data-id="${id}"]`)!);
  }

  async function compared() {
    const b = setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    fireEvent.click(await ui.findByTestId("compare-open"));
    expect((await ui.findByTestId("compare-go")).hasAttribute("disabled")).toBe(true);
    await choose(ui, "a", "stag", STAGING);
    await choose(ui, "b", "prod", PRODUCTION);
    expect(((await ui.findByTestId("compare-a")) as HTMLInputElement).value).toBe("models:/fraud-detector@staging");
    fireEvent.click(await ui.findByTestId("compare-go"));
    await ui.findByTestId("divergences");
    return { b, ui };
  }

  const divergences = (ui: ReturnType<typeof render>, root: boolean): HTMLElement[] => ui.getAllByTestId("divergence").filter((e: HTMLElement) => e.dataset.root === String(root));

  it("compares two aliases chosen from the suggestions and lists the root causes first", async () => {
    const { b, ui } = await compared();
    // an alias is compared by its models:/ URI, which the engine resolves to the version it names
    expect(b.calls).toContain("diff:models:/fraud-detector@staging:models:/fraud-detector@production");
    expect((await ui.findByTestId("compare-summary")).textContent).toContain("3 root causes");
    expect(divergences(ui, true).map((e) => e.dataset.kind).sort()).toEqual(["code", "data", "params"]);
    expect(divergences(ui, false).length).toBeGreaterThan(0);
    const all = ui.getAllByTestId("divergence");
    expect(all.findIndex((e) => e.dataset.root === "false")).toBe(divergences(ui, true).length);
    expect((await ui.findByTestId("metrics")).textContent).toContain("auc");
    expect(ui.getByTestId("diff-legend").textContent).toContain("root cause");
    // swapping the sides shows them swapped, for the next comparison
    fireEvent.click(ui.getByTestId("compare-swap"));
    expect(((await ui.findByTestId("compare-a")) as HTMLInputElement).value).toBe("models:/fraud-detector@production");
    expect(((await ui.findByTestId("compare-b")) as HTMLInputElement).value).toBe("models:/fraud-detector@staging");
    fireEvent.click(ui.getByTestId("compare-go"));
    await waitFor(() => expect(b.calls).toContain("diff:models:/fraud-detector@production:models:/fraud-detector@staging"));
  });

  it("opens a parameter divergence as a table, with the unchanged ones behind a toggle", async () => {
    const { ui } = await compared();
    fireEvent.click(divergences(ui, true).find((e) => e.dataset.kind === "params")!);
    const table = await ui.findByTestId("params");
    const row = table.querySelector('tr[data-name="max_depth"]')!;
    expect(row.textContent).toBe("max_depth35");
    expect(table.querySelector('tr[data-name="learning_rate"]')).toBeNull();
    fireEvent.click(ui.getByTestId("params-unchanged"));
    expect((await ui.findByTestId("params")).querySelector('tr[data-name="learning_rate"]')).not.toBeNull();
  });

  it("opens the code divergence: commits, files with line counts, and a file's diff coloured by line", async () => {
    const { b, ui } = await compared();
    fireEvent.click(divergences(ui, true).find((e) => e.dataset.kind === "code")!);
    expect((await ui.findByTestId("commits")).textContent).toContain("Prepare: merge internal review data");
    const files = await ui.findByTestId("code-files");
    expect(files.textContent).toContain("src/prepare.py");
    fireEvent.click(files.querySelector('[data-path="src/prepare.py"]')!);
    const diff = await ui.findByTestId("file-diff");
    expect(diff.textContent).toContain("internal_reviews");
    expect(diff.querySelectorAll("tr.dl-add").length).toBeGreaterThan(0);
    expect(diff.querySelectorAll("tr.dl-hunk").length).toBeGreaterThan(0);
    expect(b.calls.some((c) => c.startsWith("codeFileDiff:") && c.endsWith(":src/prepare.py"))).toBe(true);
  });

  it("traces the rebuilt training set's added rows to the raw source they came from", async () => {
    const { ui } = await compared();
    const processed = divergences(ui, false).find((e) => e.textContent!.includes("data/processed"))!;
    fireEvent.click(processed);
    const table = (await ui.findAllByTestId("table-comparison")).find((t) => t.dataset.member === "train.parquet")!;
    expect(within(table).getByTestId("row-counts").textContent).toMatch(/3,200\s*→\s*4,400 rows: 1,200 added/);
    expect(within(table).getByTestId("added-from").textContent).toContain("internal_reviews.csv");
  });

  it("opens a pair's divergence from the graph, and steps through divergences with j / k", async () => {
    const { ui } = await compared();
    const code = divergences(ui, true).find((e) => e.dataset.kind === "code")!;
    fireEvent.click(code);
    const summary = (await ui.findByTestId("drilldown-summary")).textContent;
    fireEvent.click(ui.getByText("Close"));
    expect(ui.queryByTestId("drilldown")).toBeNull();
    // the pair whose node is the model version B
    const pairs = ui.getAllByTestId("pair");
    fireEvent.click(pairs[0]);
    expect((await ui.findByTestId("drilldown")).dataset.kind).toBe("model");
    fireEvent.keyDown(window, { key: "Escape" });
    expect(ui.queryByTestId("drilldown")).toBeNull();
    fireEvent.keyDown(window, { key: "j" });
    expect((await ui.findByTestId("drilldown-summary")).textContent).toBe(divergences(ui, true)[0].querySelector(".summary")!.textContent);
    expect(summary).toContain("commit");
  });

  it("says which reference is unknown", async () => {
    const b = setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    await ui.findByTestId("counts");
    fireEvent.keyDown(window, { key: "c" });
    for (const [side, text] of [["a", "models:/fraud-detector@canary"], ["b", "models:/fraud-detector@production"]]) {
      const box = await ui.findByTestId(`compare-${side}`);
      fireEvent.input(box, { target: { value: text } });
    }
    fireEvent.click(await ui.findByTestId("compare-go"));
    expect((await ui.findByTestId("error")).textContent).toContain("models:/fraud-detector@canary");
    expect(b.calls).toContain("diff:models:/fraud-detector@canary:models:/fraud-detector@production");
    // c again: back to the lineage graph
    fireEvent.keyDown(window, { key: "c" });
    expect(await ui.findByTestId("graph")).toBeTruthy();
  });

  it("compares the node in the inspector with another, from Compare with…", async () => {
    setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    await ui.findByTestId("inspector-label");
    fireEvent.click(await ui.findByTestId("compare-with"));
    expect(((await ui.findByTestId("compare-a")) as HTMLInputElement).value).toBe("model-version:m/1");
    expect(((await ui.findByTestId("compare-b")) as HTMLInputElement).value).toBe("");
  });
});
