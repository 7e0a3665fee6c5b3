// The application: a start screen, then the workspace (evidence, findings, graph, inspector).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { backend, type NewKey, type ProgressEvent } from "../backend";
import { normalise, severity, type IpcError } from "../backend/errors";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { NodeSummary } from "../generated/NodeSummary";
import type { ReportCheck } from "../generated/ReportCheck";
import type { TrustedKeyInfo } from "../generated/TrustedKeyInfo";
import type { View } from "../generated/View";
import { GraphView, type GraphHandle } from "../graph/GraphView";
import { Legend } from "../graph/Legend";
import { actionFor, filterMembers, formatBytes, isFailure, SHORTCUTS, statusCounts } from "./model";
import { FindingsList, VerdictBanner } from "./Findings";
import { ExportPanel, ReportCheckPanel, type Task } from "./Reports";
import { KeySection, SignatureSection, SignedBySection } from "./Signatures";
import { Compare, EMPTY_COMPARE, stepEntry, type CompareState } from "../compare/Compare";
import { referenceOf } from "../compare/model";
import { EMPTY_TRACE, TraceView, traceDecision, type TraceState } from "../trace/TraceView";
import { EMPTY_SLICE, Slice, sliceOn, type SliceState } from "../slice/Slice";
import { sliceable } from "../slice/model";

type Mode = "graph" | "compare" | "trace" | "slice";

interface Busy {
  label: string;
  done: number;
  total: number;
}

export function App() {
  const [summary, setSummary] = useState<CaseSummary | null>(null);
  const [busy, setBusy] = useState<Busy | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [findings, setFindings] = useState<Finding[]>([]);
  const [focus, setFocus] = useState<string | null>(null);
  const [depth, setDepth] = useState(3);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [view, setView] = useState<View | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [details, setDetails] = useState<NodeDetails | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<NodeSummary[]>([]);
  const [openCluster, setOpenCluster] = useState<string | null>(null);
  const [clusterFilter, setClusterFilter] = useState("");
  const [keys, setKeys] = useState<TrustedKeyInfo[]>([]);
  const [legendOpen, setLegendOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [report, setReport] = useState<{ dir: string; check: ReportCheck } | null>(null);
  /** Public key files to check reports against (chosen, or made here), for this session. */
  const [reportKeys, setReportKeys] = useState<string[]>([]);
  /** The lineage graph, the Compare view (two lineages side by side), a traced decision, or the slicing panel. */
  const [mode, setMode] = useState<Mode>("graph");
  const [compare, setCompare] = useState<CompareState>(EMPTY_COMPARE);
  const [trace, setTrace] = useState<TraceState>(EMPTY_TRACE);
  const [slice, setSlice] = useState<SliceState>(EMPTY_SLICE);
  /** What the header's trace box holds. */
  const [traceText, setTraceText] = useState("");
  const graph = useRef<GraphHandle | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const traceBox = useRef<HTMLInputElement>(null);

  const fail = (e: unknown) => {
    const err = normalise(e);
    if (severity(err) !== "quiet") setError(err);
  };

  const onProgress = (e: ProgressEvent) => {
    if (e.event === "started") setBusy({ label: e.label, done: 0, total: e.total });
    else if (e.event === "advanced") setBusy((b) => (b ? { ...b, done: e.done, total: e.total } : b));
  };

  /** Runs work with the progress bar; errors go to the error bar and the result is null. */
  const task: Task = async (label, work) => {
    setError(null);
    setBusy({ label, done: 0, total: 0 });
    try {
      return await work();
    } catch (e) {
      fail(e);
      return null;
    } finally {
      setBusy(null);
    }
  };

  /** Runs long work with the progress bar, then shows the case it produced. */
  const run = async (label: string, work: () => Promise<CaseSummary>) => {
    await task(label, async () => loadCase(await work()));
  };

  const loadCase = async (s: CaseSummary) => {
    // the summary's groups index into these findings: both are set together
    const [fs, f, ks] = await Promise.all([backend().findings(), backend().defaultFocus(), backend().trustedKeys()]);
    setSummary(s);
    setExpanded([]);
    setCompare(EMPTY_COMPARE);
    setTrace(EMPTY_TRACE);
    setSlice(EMPTY_SLICE);
    setFindings(fs);
    setKeys(ks);
    if (f) focusOn(f);
  };

  /** Trusting keys re-verifies the case, so everything is reloaded after. */
  const trustKeys = async () => {
    const paths = await backend().pickFiles("Public key files to trust (PEM, OpenSSH, allowed_signers, in-toto key JSON)", true);
    if (paths.length === 0) return;
    await run("trusting keys and re-verifying", async () => {
      await backend().trustKeys(paths, onProgress);
      return backend().caseSummary();
    });
  };

  const checkReport = async (dir: string, trust: string[]) => {
    const check = await task("checking the report", () => backend().verifyReport(dir, trust));
    if (check) setReport({ dir, check });
  };
  const openReport = async () => {
    const dir = await backend().pickFolder("A report folder to check");
    if (dir) await checkReport(dir, reportKeys);
  };
  const addReportKeys = async () => {
    if (!report) return;
    const picked = await backend().pickFiles("Public key files to check the report's signature against", true);
    if (picked.length === 0) return;
    const trust = [...new Set([...reportKeys, ...picked])];
    setReportKeys(trust);
    await checkReport(report.dir, trust);
  };
  const onKeyMade = (k: NewKey) => setReportKeys((ks) => (ks.includes(k.public_key) ? ks : [...ks, k.public_key]));

  const focusOn = (id: string) => {
    setFocus(id);
    setSelected(id);
  };

  /** From the Compare view to a node of the lineage graph. */
  const showInGraph = (id: string) => {
    setMode("graph");
    focusOn(id);
  };

  /** The trace box: the decision's chain in the graph, its dossier beside it. */
  const runTrace = async (prediction: string) => {
    const id = prediction.trim();
    if (id === "") return;
    setMode("trace");
    const t = await traceDecision(id, task, onProgress);
    if (t) setTrace(t);
  };

  /** "Slice…" on a dataset-like node: the slicing panel opens on it (with a label to start from). */
  const openSlice = (reference: string, label: string, outcome?: string | null) => {
    setSlice((s) => sliceOn(s, { reference, label }, outcome));
    setMode("slice");
  };

  /** "Compare with…" from the inspector: the node becomes A, and the Compare view opens. */
  const compareWith = (n: NodeSummary) => {
    const a = { reference: referenceOf(n), label: n.label };
    setCompare((c) => ({ ...c, a, b: c.b?.reference === a.reference ? null : c.b, diff: null, open: null, generation: c.generation + 1 }));
    setMode("compare");
  };

  useEffect(() => {
    backend().recentCases().then(setRecent).catch(fail);
    backend()
      .launchOptions()
      .then((o) => {
        if (o.open_case) void run("opening the case", () => backend().openCase(o.open_case!));
        else if (o.open_demo) void run("investigating the demo case", () => backend().openDemo(onProgress));
      })
      .catch(fail);
  }, []);

  useEffect(() => {
    if (!focus || !summary) return;
    backend().neighbourhood(focus, depth, expanded).then(setView).catch(fail);
  }, [focus, depth, expanded, summary]);

  useEffect(() => {
    if (!selected || !summary) {
      setDetails(null);
      return;
    }
    backend().nodeDetails(selected).then(setDetails).catch(fail);
  }, [selected, summary]);

  useEffect(() => {
    if (!summary) return;
    let off: (() => void) | undefined;
    backend()
      .onDropPaths((paths) => {
        for (const p of paths) void run(`adding ${p}`, () => backend().addEvidence(p, null, onProgress));
      })
      .then((f) => (off = f))
      .catch(() => undefined);
    return () => off?.();
  }, [summary !== null]);

  useEffect(() => {
    if (!searchOpen || query.trim() === "") {
      setResults([]);
      return;
    }
    const t = setTimeout(() => backend().search(query).then(setResults).catch(fail), 120);
    return () => clearTimeout(t);
  }, [query, searchOpen]);

  const failures = findings.filter((f) => isFailure(f.status));
  const stepFinding = (dir: 1 | -1) => {
    if (failures.length === 0) return;
    const i = failures.findIndex((f) => f.node.id === selected);
    const next = failures[(i + dir + failures.length) % failures.length];
    focusOn(next.node.id);
  };

  const onKey = useCallback(
    (e: KeyboardEvent) => {
      const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      const action = actionFor(e.key, e.ctrlKey || e.metaKey, inField);
      if (!action || !summary) return;
      e.preventDefault();
      switch (action) {
        case "search":
          setSearchOpen(true);
          setTimeout(() => searchBox.current?.focus(), 0);
          break;
        case "escape":
          setSearchOpen(false);
          setOpenCluster(null);
          if (mode === "compare") setCompare((c) => ({ ...c, open: null }));
          break;
        case "compare":
          setSearchOpen(false);
          setMode((m) => (m === "compare" ? "graph" : "compare"));
          break;
        case "trace":
          setSearchOpen(false);
          setTimeout(() => traceBox.current?.focus(), 0);
          break;
        case "fit":
          graph.current?.fit();
          break;
        case "zoom-in":
          graph.current?.zoom(1.25);
          break;
        case "zoom-out":
          graph.current?.zoom(0.8);
          break;
        case "deeper":
          if (mode !== "graph") break;
          setDepth((d) => Math.min(6, d + 1));
          break;
        case "shallower":
          if (mode !== "graph") break;
          setDepth((d) => Math.max(1, d - 1));
          break;
        case "next-finding":
          if (mode === "compare") setCompare((c) => ({ ...c, open: stepEntry(c, 1) }));
          else if (mode === "graph") stepFinding(1);
          break;
        case "prev-finding":
          if (mode === "compare") setCompare((c) => ({ ...c, open: stepEntry(c, -1) }));
          else if (mode === "graph") stepFinding(-1);
          break;
        case "verify":
          void run("verifying", () => backend().verify(onProgress));
          break;
      }
    },
    [summary, failures, selected, mode],
  );

  useEffect(() => {
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onKey]);

  // A click selects the node and re-centres the view on it: its neighbourhood expands and its
  // upstream path is highlighted (both computed by the backend).
  const onSelect = useCallback((id: string) => focusOn(id), []);
  const onExpandCluster = useCallback((id: string) => {
    setOpenCluster(id);
    setClusterFilter("");
  }, []);
  const cluster = view?.clusters.find((c) => c.id === openCluster) ?? null;

  if (!summary) {
    return (
      <main class="start">
        <h1>Custody</h1>
        <p class="lede">Rebuild an ML lineage from the records real tools leave behind, re-verify every hash and claim, and see what was tampered with.</p>
        <div class="actions">
          <button data-testid="open-demo" onClick={() => run("investigating the demo case", () => backend().openDemo(onProgress))}>Open the demo case</button>
          <button
            onClick={async () => {
              const dir = await backend().pickFolder("Evidence folder to investigate");
              if (!dir) return;
              const casePath = await backend().pickCaseFile("Save the new case as", true);
              if (casePath) void run("investigating", () => backend().investigate(dir, casePath, onProgress));
            }}
          >
            Investigate a folder…
          </button>
          <button
            onClick={async () => {
              const p = await backend().pickCaseFile("Create a new, empty case", true);
              if (p) void run("creating the case", () => backend().newCase(p, "New investigation"));
            }}
          >
            New empty case…
          </button>
          <button
            onClick={async () => {
              const p = await backend().pickCaseFile("Open a case", false);
              if (p) void run("opening", () => backend().openCase(p));
            }}
          >
            Open a case…
          </button>
          <button data-testid="open-report" onClick={openReport}>
            Check a report…
          </button>
        </div>
        {report && <ReportCheckPanel check={report.check} trust={reportKeys} onAddKeys={addReportKeys} onClose={() => setReport(null)} />}
        {recent.length > 0 && (
          <section class="recent">
            <h2>Recent cases</h2>
            <ul>
              {recent.map((p) => (
                <li key={p}>
                  <button class="link" onClick={() => run("opening", () => backend().openCase(p))}>
                    {p}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <BusyBar busy={busy} />
        <ErrorBar error={error} onClose={() => setError(null)} />
      </main>
    );
  }

  const s = summary.summary;
  return (
    <div class={mode === "compare" ? "workspace comparing" : mode === "graph" ? "workspace with-verdict" : "workspace wide"}>
      <header>
        <strong>Custody</strong>
        <nav class="tabs">
          <button class={mode === "graph" ? "active" : ""} data-testid="tab-graph" title="The lineage graph (c toggles)" onClick={() => setMode("graph")}>
            Lineage
          </button>
          <button class={mode === "compare" ? "active" : ""} data-testid="compare-open" title="Compare two lineages (c)" onClick={() => setMode("compare")}>
            Compare
          </button>
          <button class={mode === "trace" ? "active" : ""} data-testid="tab-trace" title="The last traced decision: its chain and dossier" onClick={() => setMode("trace")}>
            Trace
          </button>
          <button class={mode === "slice" ? "active" : ""} data-testid="tab-slice" title="Slice a table by attributes (from a dataset's Slice…)" onClick={() => setMode("slice")}>
            Slice
          </button>
        </nav>
        <form
          class="trace-box"
          onSubmit={(e) => {
            e.preventDefault();
            void runTrace(traceText);
          }}
        >
          <input ref={traceBox} data-testid="trace-box" value={traceText} placeholder="trace a decision: prediction id (t)" title="A prediction id from an inference log in the evidence; Enter traces it" onInput={(e) => setTraceText((e.target as HTMLInputElement).value)} />
          <button type="submit" data-testid="trace-go" title="Trace the decision (Enter)" disabled={traceText.trim() === ""}>
            ↵
          </button>
        </form>
        <span class="case-title" title={summary.path}>
          {summary.info.title}
        </span>
        <span class="counts" data-testid="counts" title={statusCounts(s).map((c) => `${c.count} ${c.status}`).join("\n")}>
          {statusCounts(s)
            .filter((c) => c.count > 0)
            .map((c, i) => (
              <span key={c.status}>
                {i > 0 && " · "}
                <b class={`st-${c.status}`}>{c.count}</b> {c.status}
              </span>
            ))}
          {!statusCounts(s).some((c) => c.count > 0 && isFailure(c.status)) && <span class="clean"> · no failures</span>}
        </span>
        <span class={summary.log_intact ? "log ok" : "log broken"}>{summary.log_intact ? "case log intact" : "case log BROKEN"}</span>
        <span class="spacer" />
        <button data-testid="verify" onClick={() => run("verifying", () => backend().verify(onProgress))}>
          Re-verify
        </button>
        <button data-testid="search-open" onClick={() => setSearchOpen(true)}>
          Search
        </button>
        <button data-testid="export-report" onClick={() => setExportOpen(true)}>
          Export report…
        </button>
        <button data-testid="open-report" onClick={openReport}>
          Check a report…
        </button>
      </header>
      {mode === "compare" ? (
        <Compare state={compare} setState={setCompare} task={task} onProgress={onProgress} onNavigate={showInGraph} onError={fail} handle={graph} />
      ) : mode === "trace" ? (
        <TraceView state={trace} setState={setTrace} task={task} onProgress={onProgress} onNavigate={showInGraph} onSlice={openSlice} onError={fail} handle={graph} />
      ) : mode === "slice" ? (
        <Slice state={slice} setState={setSlice} task={task} onProgress={onProgress} onNavigate={showInGraph} onError={fail} />
      ) : (
        <>
          <VerdictBanner summary={summary} />
          <aside class="left">
            <section class="evidence" data-testid="evidence">
              <div class="section-head">
                <h2>Evidence</h2>
                <button
                  onClick={async () => {
                    const p = await backend().pickFolder("Evidence folder to add");
                    if (p) void run("adding evidence", () => backend().addEvidence(p, null, onProgress));
                  }}
                >
                  Add evidence…
                </button>
              </div>
              {summary.roots.map((r) => (
                <div key={r.path} class="root">
                  <div class="root-path" title={r.path}>
                    {r.label}
                  </div>
                  <ul>
                    {r.sources.map((src) => (
                      <li key={src.kind + src.path}>
                        <span class="badge">{src.kind}</span> {src.path || "."}{" "}
                        <span class="muted" title={`SHA-256 of the acquisition register: ${src.sha256}`}>
                          {src.files} files, {formatBytes(src.bytes)}, sha256 {src.sha256.slice(0, 12)}…
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
              <p class="muted">Drop a folder on the window to add it.</p>
            </section>
            <section class="trusted-keys" data-testid="keys">
              <div class="section-head">
                <h2>Trusted keys</h2>
                <button data-testid="trust-keys" onClick={trustKeys}>
                  Trust key files…
                </button>
              </div>
              {keys.length === 0 ? (
                <p class="muted">None: signatures verify only as far as "untrusted key". Trust the signers' public keys to check them.</p>
              ) : (
                <ul>
                  {keys.map((k) => (
                    <li key={k.fingerprint + k.file} data-testid="trusted-key" title={[`${k.algorithm} ${k.fingerprint}`, ...(k.principals.length > 0 ? [`as ${k.principals.join(", ")}`] : []), `from ${k.file}`].join("\n")}>
                      <b>{k.label}</b> <span class="muted">from {k.file.split(/[\\/]/).pop()}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section class="findings" data-testid="findings">
              <h2>Findings</h2>
              <FindingsList key={summary.path} summary={summary} findings={findings} onSelect={focusOn} />
              <p class="muted">
                {s.verified} checks verified, {s.signature_valid} signed digests and signatures valid.
              </p>
            </section>
          </aside>
          <main class="center">
            <div class="toolbar">
              <span>
                depth <button onClick={() => setDepth((d) => Math.max(1, d - 1))}>−</button> {depth} <button onClick={() => setDepth((d) => Math.min(6, d + 1))}>+</button>
              </span>
              <button onClick={() => graph.current?.fit()}>Fit</button>
              <button onClick={() => graph.current?.zoom(1.25)}>Zoom in</button>
              <button onClick={() => graph.current?.zoom(0.8)}>Zoom out</button>
              <span class="muted">{view ? `${view.nodes.length} nodes, ${view.clusters.length} clusters shown` : ""}</span>
              <span class="spacer" />
              <button data-testid="legend-toggle" onClick={() => setLegendOpen((o) => !o)}>
                Legend
              </button>
            </div>
            {legendOpen && <Legend onClose={() => setLegendOpen(false)} />}
            {exportOpen && (
              <ExportPanel
                task={task}
                onProgress={onProgress}
                onClose={() => setExportOpen(false)}
                onKeyMade={onKeyMade}
                onCheck={(dir) => {
                  setExportOpen(false);
                  void checkReport(dir, reportKeys);
                }}
              />
            )}
            {report && <ReportCheckPanel check={report.check} trust={reportKeys} onAddKeys={addReportKeys} onClose={() => setReport(null)} />}
            {view && <GraphView view={view} selected={selected} onSelect={onSelect} onExpandCluster={onExpandCluster} handle={graph} />}
            {cluster && (
              <div class="cluster-panel" data-testid="cluster-panel">
                <div class="row">
                  <b>
                    {cluster.members.length} × {cluster.kind}
                  </b>{" "}
                  <span class="muted">
                    {cluster.upstream ? "used by" : "using"} {cluster.anchor}
                  </span>
                  <span class="spacer" />
                  <button
                    onClick={() => {
                      setExpanded((x) => (x.includes(cluster.id) ? x : [...x, cluster.id]));
                      setOpenCluster(null);
                    }}
                  >
                    Show all in the graph
                  </button>
                  <button onClick={() => setOpenCluster(null)}>Close</button>
                </div>
                <input value={clusterFilter} placeholder="filter members" onInput={(e) => setClusterFilter((e.target as HTMLInputElement).value)} />
                <ul>
                  {filterMembers(cluster.members, clusterFilter).map((m) => (
                    <li key={m.id}>
                      <button
                        class="link"
                        onClick={() => {
                          setOpenCluster(null);
                          focusOn(m.id);
                        }}
                      >
                        <span class={`dot st-${m.status ?? "unchecked"}`} /> {m.label}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {searchOpen && (
              <div class="search" data-testid="search">
                <input ref={searchBox} value={query} placeholder="name, id or digest prefix" onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
                <ul>
                  {results.map((r) => (
                    <li key={r.id}>
                      <button
                        class="link"
                        data-testid="search-result"
                        data-id={r.id}
                        onClick={() => {
                          focusOn(r.id);
                          setSearchOpen(false);
                        }}
                      >
                        <span class="badge">{r.kind}</span> {r.label}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </main>
          <aside class="right" data-testid="inspector">
            {details ? <Inspector details={details} onNavigate={focusOn} onCompare={compareWith} onSlice={(n) => openSlice(n.id, n.label)} /> : <p class="muted">Select a node.</p>}
            <details class="keys">
              <summary>Keyboard</summary>
              <ul>
                {SHORTCUTS.map(([k, what]) => (
                  <li key={k}>
                    <kbd>{k}</kbd> {what}
                  </li>
                ))}
              </ul>
            </details>
          </aside>
        </>
      )}
      <BusyBar busy={busy} />
      <ErrorBar error={error} onClose={() => setError(null)} />
    </div>
  );
}

function Inspector({ details, onNavigate, onCompare, onSlice }: { details: NodeDetails; onNavigate(id: string): void; onCompare(n: NodeSummary): void; onSlice(n: NodeSummary): void }) {
  const n = details.node;
  return (
    <div class="inspector">
      <h2 data-testid="inspector-label">{n.label}</h2>
      <p class="inspector-head">
        <span class="badge">{n.kind}</span> <span class={`status st-${n.status ?? "unchecked"}`} data-testid="inspector-status">{n.status ?? "unchecked"}</span>
        <span class="spacer" />
        <button data-testid="compare-with" title="Compare this node's lineage with another's" onClick={() => onCompare({ id: n.id, kind: n.kind, label: n.label })}>
          Compare with…
        </button>
        {sliceable(n) && (
          <button data-testid="slice-open" title="Slice this table (a model or run: its training set) by attributes" onClick={() => onSlice({ id: n.id, kind: n.kind, label: n.label })}>
            Slice…
          </button>
        )}
      </p>
      <p class="mono muted">{n.id}</p>
      {n.kind === "signature" && <SignatureSection details={details} onNavigate={onNavigate} />}
      {n.kind === "agent" && <KeySection details={details} onNavigate={onNavigate} />}
      {n.kind !== "signature" && <SignedBySection details={details} />}
      {details.findings.length > 0 && (
        <section>
          <h3>Findings</h3>
          {details.findings.map((f, i) => (
            <div key={i} class={`finding-card st-${f.status}`} data-testid="inspector-finding" data-status={f.status}>
              <div>
                <b>{f.status}</b> · {f.check}
              </div>
              <div>{f.detail}</div>
              {f.path && <div class="mono">file: {f.path}</div>}
              {f.source && (
                <div class="mono">
                  claim by: {f.source.file} {f.source.record}
                </div>
              )}
              {f.expected && <div class="mono">expected: {f.expected}</div>}
              {f.observed && <div class="mono">observed: {f.observed}</div>}
            </div>
          ))}
        </section>
      )}
      {n.claims.length > 0 && (
        <section>
          <h3>Claims</h3>
          {n.claims.map((c, i) => (
            <div key={i} class="claim">
              <span class="key">{c.key}</span> <span class="mono">{c.value}</span>
              <div class="muted">
                by {c.source.file} {c.source.record}
              </div>
            </div>
          ))}
        </section>
      )}
      <section>
        <h3>Depends on</h3>
        <ul>
          {details.outgoing.map((e) => (
            <li key={e.to + e.relation}>
              {e.relation}
              {e.role ? ` (${e.role})` : ""}{" "}
              <button class="link" onClick={() => onNavigate(e.to)}>
                {e.to}
              </button>
            </li>
          ))}
        </ul>
        <h3>Used by</h3>
        <ul>
          {details.incoming.map((e) => (
            <li key={e.from + e.relation}>
              {e.relation}
              {e.role ? ` (${e.role})` : ""}{" "}
              <button class="link" onClick={() => onNavigate(e.from)}>
                {e.from}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <details>
        <summary>Raw record</summary>
        <pre>{JSON.stringify(n.attrs, null, 2)}</pre>
      </details>
    </div>
  );
}

function BusyBar({ busy }: { busy: Busy | null }) {
  if (!busy) return null;
  const pct = busy.total > 0 ? Math.min(100, Math.round((busy.done / busy.total) * 100)) : null;
  return (
    <div class="busy" data-testid="busy">
      <span>{busy.label}</span>
      <progress value={pct ?? undefined} max={100} />
      <button onClick={() => backend().cancel()}>Cancel</button>
    </div>
  );
}

function ErrorBar({ error, onClose }: { error: IpcError | null; onClose(): void }) {
  if (!error) return null;
  return (
    <div class={`error ${severity(error)}`} role="alert" data-testid="error">
      <span>{error.message}</span>
      <button onClick={onClose}>Dismiss</button>
    </div>
  );
}
