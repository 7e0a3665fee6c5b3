import { render, fireEvent, waitFor, within } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { setBackend } from "../backend";
import { defaultReportCheck, mockBackend, type MockData } from "../backend/mock";
import { DEMO_SLICE_DECISIONS } from "../backend/mockSlice";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { View } from "../generated/View";
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
  GraphView: (p: { view: { focus: string; clusters: { id: string }[] }; testid?: string; overlay?: { highlighted: string[] } | null; onExpandCluster(id: string): void }) => (
    <div data-testid={p.testid ?? "graph"} data-focus={p.view.focus} data-chain={p.overlay?.highlighted.join(" ")}>
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
  node: { id, kind: "data-version", label: id, attrs: { path: "p/raw.csv", md5: "aa", hash: "md5", claimed_at: ["work tree"] }, claims: [], status },
  findings,
  outgoing: [],
  incoming: [],
  neighbours: [],
});

function setup(extra: Partial<MockData> = {}, patch: Partial<CaseSummary> = {}) {
  const b = mockBackend({
    ...extra,
    summary: {
      verdict: "Tampering indicated: 1 tamper-indicating finding.",
      groups: [{ class: "tamper", status: "mismatch", check: "dvc-workspace", title: "1 dvc-workspace finding (mismatch)", members: [0] }],
      coverage: { files: 12, read: 9, checked: 2, not_interpreted: 1, groups: [{ kind: "mlflow-file-store", description: "an MLflow FileStore (mlruns/): not read", known_format: true, folder: "mlruns", files: 1, examples: ["mlruns/0/meta.yaml"] }] },
      ...patch,
      path: "/tmp/c.custody",
      info: { title: "Demo", created_at: "now", created_by: "custody" },
      roots: [{ path: "/e", label: "e", added_at: "now", sources: [{ kind: "dvc", path: "p", files: 3, bytes: 2000, sha256: "ab12cd34ef56ab12cd34ef56" }] }],
      summary: { verified: 5, signature_valid: 2, informational: 0, unverifiable: 0, not_collected: 0, untrusted_key: 0, missing: 0, conflict: 0, mismatch: 1, signature_invalid: 0 },
      nodes: 3,
      edges: 2,
      log_intact: true,
    },
    findings: extra.findings ?? [mismatch],
    focus: "model-version:m/1",
    views: {
      ...extra.views,
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

  it("says the verdict in a banner coloured by the worst class, with the coverage, and lists the groups in verdict order", async () => {
    const run = (id: string): Finding => ({ status: "informational", check: "run-params", node: { kind: "run", id, label: id }, detail: "params differ" });
    const findings = [mismatch, run("run:a"), run("run:b")];
    setup(
      { findings, views: { "run:a": { focus: "run:a", nodes: [], edges: [], clusters: [], upstream: [] } }, details: {} },
      {
        groups: [
          { class: "informational", status: "informational", check: "run-params", title: "2 runs: params differ from the pipeline at their commit (exploratory runs)", members: [1, 2] },
          { class: "tamper", status: "mismatch", check: "dvc-workspace", title: "1 dvc-workspace finding (mismatch)", members: [0] },
        ],
      },
    );
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    const banner = await ui.findByTestId("verdict");
    expect(banner.dataset.class).toBe("tamper");
    expect(ui.getByTestId("verdict-sentence").textContent).toBe("Tampering indicated: 1 tamper-indicating finding.");
    expect(ui.getByTestId("coverage").textContent).toContain("12 files: 9 read, 2 checked, 1 not interpreted");
    expect(ui.getByTestId("unread-format").textContent).toBe("an MLflow FileStore (mlruns/): not read");
    const groups = await ui.findAllByTestId("finding-group");
    expect(groups.map((g) => g.dataset.class)).toEqual(["tamper", "informational"]);
    expect(groups.map((g) => g.dataset.open)).toEqual(["true", "false"]);
    expect(ui.getAllByTestId("finding-class").map((h) => h.textContent)).toEqual(["Tamper-indicating", "Informational"]);
    // the exploratory runs are one group, a click away; a member leads to its node
    expect(within(groups[1]).queryAllByTestId("finding")).toHaveLength(0);
    fireEvent.click(within(groups[1]).getByTestId("finding-group-toggle"));
    const members = await within((await ui.findAllByTestId("finding-group"))[1]).findAllByTestId("finding");
    expect(members.map((m) => m.dataset.node)).toEqual(["run:a", "run:b"]);
    fireEvent.click(members[0]);
    await waitFor(() => expect(ui.getByTestId("graph").dataset.focus).toBe("run:a"));
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
  signer: {
    label: "ECDSA P-256 key 5c384f9c9a0b",
    key_fingerprint: KEY.slice(4),
    trusted: true,
    trust: "supplied-key",
    origin: "trusted: supplied by the investigator (/keys/release-p256.pub)",
  },
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
      neighbours: [
        { id: ATT, kind: "attestation", label: "model-signing manifest" },
        { id: KEY, kind: "key", label: "ECDSA P-256 key 5c384f9c9a0b" },
      ],
    },
    [ATT]: {
      node: { id: ATT, kind: "attestation", label: "model-signing manifest", claims: [], attrs: { path: "serving/fraud-detector/model.sig", predicate_type: "https://model_signing/signature/v1.0", statement_type: "https://in-toto.io/Statement/v1", subjects: 2 } },
      findings: [],
      outgoing: [
        { from: ATT, relation: "wasDerivedFrom", to: PKL, role: "subject" },
        { from: ATT, relation: "wasDerivedFrom", to: "file:serving/fraud-detector/MLmodel", role: "subject" },
      ],
      incoming: [{ from: SIG, relation: "wasDerivedFrom", to: ATT, role: "signs" }],
      neighbours: [],
    },
    [PKL]: {
      node: { id: PKL, kind: "file", label: "serving/fraud-detector/model.pkl", status: "signature-valid", claims: [], attrs: {} },
      findings: [pklFinding],
      outgoing: [],
      incoming: [{ from: ATT, relation: "wasDerivedFrom", to: PKL, role: "subject" }],
      neighbours: [],
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
    expect(signed.textContent).toContain("trusted: supplied by the investigator (/keys/release-p256.pub)");
    expect(signed.dataset.trust).toBe("supplied-key");
    expect(signed.title).toBe(KEY.slice(4));
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

describe("Trace and Slice", () => {
  const MV = "model-version:fraud-detector/3";
  const RUN = "run:c006e5c16bb94ca6a182449d8782fa5e";
  const TRAINING = "dataset:ea7fe454b4cd4c558adafae2d8fa15d2";
  const n = (id: string, kind: NodeDetails["node"]["kind"]) => ({ id, kind, label: id, status: "verified" as const });
  // the production model's neighbourhood, as far as the run and its training set
  const traceViews: Record<string, View> = {
    [MV]: {
      focus: MV,
      nodes: [n(MV, "model-version"), n("alias:fraud-detector@production", "alias"), n(RUN, "run"), n(TRAINING, "dataset")],
      edges: [
        { from: "alias:fraud-detector@production", relation: "alternateOf", to: MV },
        { from: MV, relation: "wasGeneratedBy", to: RUN },
        { from: RUN, relation: "used", to: TRAINING },
      ],
      clusters: [],
      upstream: [MV, RUN, TRAINING],
    },
  };
  traceViews[RUN] = { ...traceViews[MV], focus: RUN };

  async function setupTrace(picks: MockData["picks"] = []) {
    const b = setup({ picks, views: traceViews });
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    await ui.findByTestId("graph");
    fireEvent.input(ui.getByTestId("trace-box"), { target: { value: " pred-000017 " } });
    fireEvent.click(ui.getByTestId("trace-go"));
    await ui.findByTestId("dossier");
    return { b, ui };
  }

  it("traces a decision from the trace box: the chain highlighted in the graph, the dossier beside it", async () => {
    const { b, ui } = await setupTrace();
    expect(b.calls).toContain("trace:pred-000017");
    // the neighbourhood of the model version that decided
    expect(b.calls).toContain(`neighbourhood:${MV}`);
    const chain = (await ui.findByTestId("trace-graph")).dataset.chain!.split(" ");
    expect(chain).toEqual(expect.arrayContaining([MV, RUN, TRAINING, "decision:pred-000017", "file:inference/predictions.jsonl"]));
    expect(ui.getByTestId("dossier-verdict").textContent).toBe("every link of the chain checks out");
    expect(ui.getByTestId("dossier-decision").textContent).toContain("approve");
    expect(ui.getByTestId("dossier-inputs").textContent).toContain("customer_age_band41-60");
    expect(ui.getByTestId("dossier-model-digest").textContent).toBe("sha256 ebd79302e7feb36356af7f8b7383f589f1819c183bebd50ede899283e3b10d55");
    expect(ui.getByTestId("dossier-model").textContent).toContain("@production (now version 3)");
    expect(ui.getByTestId("dossier-run-id").textContent).toBe("c006e5c16bb94ca6a182449d8782fa5e");
    expect(ui.getByTestId("dossier-commit").textContent).toContain("Train: deeper trees");
    expect(ui.getByTestId("dossier-params").textContent).toContain("max_depth5");
    const training = ui.getAllByTestId("dossier-dataset").find((d) => d.dataset.role === "training")!;
    expect(training.textContent).toContain("sha256 1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4");
    expect(ui.getByTestId("dossier-sources").textContent).toContain("project/data/raw/internal_reviews.csv");
    const checks = ui.getAllByTestId("dossier-check");
    expect(checks).toHaveLength(18);
    expect(checks[0].dataset.link).toBe("log");
    expect(checks[0].querySelector(".pill")!.textContent).toBe("signature-valid");
    expect(checks.filter((c) => c.dataset.status === "unverifiable")).toHaveLength(2);
    const age = ui.getAllByTestId("profile-row").find((r) => r.dataset.attribute === "customer_age_band")!;
    expect(age.dataset.matched).toBe("true");
    expect(age.textContent).toContain("1,216 (28%)");
    expect(age.textContent).toContain("2.5% (0.3× overall)");
    // a node of the chain opens in the lineage graph
    fireEvent.click(ui.getByTestId("dossier-run-id"));
    expect((await ui.findByTestId("graph")).dataset.focus).toBe(RUN);
    fireEvent.click(ui.getByTestId("tab-trace"));
    expect((await ui.findByTestId("dossier-run-id")).textContent).toBe("c006e5c16bb94ca6a182449d8782fa5e");
  });

  it("saves the dossier into a chosen folder", async () => {
    const { b, ui } = await setupTrace(["/cases/dossier-17"]);
    fireEvent.click(ui.getByTestId("dossier-save"));
    expect((await ui.findByTestId("dossier-saved")).textContent).toContain("/cases/dossier-17/dossier.html");
    expect(b.calls).toContain("saveDossier:pred-000017:/cases/dossier-17");
  });

  it("names an unknown decision", async () => {
    const b = setup();
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    await ui.findByTestId("graph");
    // t goes to the trace box
    fireEvent.keyDown(window, { key: "t" });
    await waitFor(() => expect(document.activeElement).toBe(ui.getByTestId("trace-box")));
    fireEvent.input(ui.getByTestId("trace-box"), { target: { value: "pred-999999" } });
    fireEvent.submit(ui.getByTestId("trace-box").closest("form")!);
    expect((await ui.findByTestId("error")).textContent).toContain("pred-999999");
    expect(b.calls).toContain("trace:pred-999999");
    expect(ui.queryByTestId("dossier")).toBeNull();
  });

  async function chooseReference(ui: ReturnType<typeof render>, typed: string, id: string) {
    const box = (await ui.findByTestId("slice-reference")) as HTMLInputElement;
    fireEvent.focus(box);
    fireEvent.input(box, { target: { value: typed } });
    const options = await ui.findByTestId("slice-reference-options");
    fireEvent.click(options.querySelector(`[data-id="${id}"]`)!);
  }

  it("slices the training set from the dossier against staging's: shares, rates and each group's sources", async () => {
    const { b, ui } = await setupTrace();
    fireEvent.click(ui.getAllByTestId("dossier-slice").find((x) => x.dataset.role === "training")!);
    await ui.findByTestId("slice-panel");
    await waitFor(() => expect(b.calls).toContain(`tableColumns:${TRAINING}`));
    expect(((await ui.findByTestId("slice-dataset")) as HTMLInputElement).value).toBe("project/data/processed/train.parquet (training)");
    expect((await ui.findByTestId("slice-table")).textContent).toContain("4,400 rows");
    // the dossier's label is preset
    expect(((await ui.findByTestId("slice-label")) as HTMLSelectElement).value).toBe("is_fraud");
    // nothing to group by yet
    fireEvent.click(ui.getByTestId("slice-go"));
    expect((await ui.findByTestId("slice-problem")).textContent).toContain("at least one attribute");
    fireEvent.click(ui.getAllByTestId("slice-attr").find((c) => c.dataset.column === "customer_age_band")!);
    await chooseReference(ui, "stag", "alias:fraud-detector@staging");
    fireEvent.click(ui.getByTestId("slice-go"));
    const results = await ui.findByTestId("slice-results");
    expect(b.calls).toContain(`slice:${TRAINING}:customer_age_band:is_fraud::models:/fraud-detector@staging:`);
    expect(results.dataset.groups).toBe("4");
    expect(ui.getByTestId("chart-shares").querySelectorAll("rect.bar")).toHaveLength(8);
    expect(ui.getByTestId("chart-rates").querySelectorAll("rect.bar")).toHaveLength(8);
    const old = ui.getAllByTestId("slice-group").find((g) => g.dataset.key === "60+")!;
    expect(old.textContent).toContain("1,316");
    expect(old.textContent).toContain("30%");
    expect(old.textContent).toContain("15%");
    expect(old.textContent).toContain("internal_reviews.csv 64%");
    const segment = Array.from(ui.getByTestId("chart-composition").querySelectorAll('[data-group="60+"]')).find((e) => e.getAttribute("data-source") === "project/data/raw/internal_reviews.csv")!;
    expect(Number(segment.getAttribute("data-share"))).toBeCloseTo(0.638, 3);
    expect(ui.getByTestId("slice-sources").textContent).toContain("1,200 rows");
    expect(ui.queryByTestId("slice-disparity")).toBeNull();
  });

  it("shows the disparities and four-fifths flags of decisions, and exports a chart as SVG", async () => {
    const b = setup({ picks: ["/exports/impact"], slice: () => DEMO_SLICE_DECISIONS });
    const ui = render(<App />);
    fireEvent.click(await ui.findByTestId("open-demo"));
    fireEvent.click(await ui.findByText("raw.csv @ aa"));
    // the inspector opens the panel on a dataset-like node
    fireEvent.click(await ui.findByTestId("slice-open"));
    await waitFor(() => expect(b.calls).toContain("tableColumns:data:p/raw.csv@aa"));
    fireEvent.click((await ui.findAllByTestId("slice-attr")).find((c) => c.dataset.column === "customer_age_band")!);
    fireEvent.change(ui.getByTestId("slice-prediction"), { target: { value: "amount" } });
    fireEvent.change(await ui.findByTestId("slice-prediction-op"), { target: { value: ">=" } });
    fireEvent.input(await ui.findByTestId("slice-prediction-value"), { target: { value: "500" } });
    fireEvent.input(ui.getByTestId("slice-filters"), { target: { value: "region=north" } });
    fireEvent.click(ui.getByTestId("slice-go"));
    await ui.findByTestId("slice-results");
    expect(b.calls).toContain("slice:data:p/raw.csv@aa:customer_age_band::amount>=500::region=north");
    expect(ui.getByTestId("slice-four-fifths").textContent).toBe("3 groups below 0.8: 18-25, 26-40, 41-60");
    expect(ui.getAllByTestId("slice-group").filter((g) => g.classList.contains("flagged"))).toHaveLength(3);
    const impact = ui.getByTestId("chart-impact");
    fireEvent.click(impact.querySelector('[data-testid="export-svg"]')!);
    expect((await ui.findByTestId("export-saved")).textContent).toBe("saved /exports/impact.svg");
    expect(b.exported[0].path).toBe("/exports/impact.svg");
    const text = new TextDecoder().decode(b.exported[0].bytes);
    expect(text).toContain("<svg");
    expect(text).toContain("four-fifths rule (0.8)");
  });
});
