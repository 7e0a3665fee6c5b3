// The application: a start screen, then the workspace (evidence, findings, graph, inspector).
// App holds the state and wires it to the views, which render from their props.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { backend, type NewKey } from "../backend";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { NodeDetails } from "../generated/NodeDetails";
import type { NodeSummary } from "../generated/NodeSummary";
import type { ReportCheck } from "../generated/ReportCheck";
import type { TrustedKeyInfo } from "../generated/TrustedKeyInfo";
import type { View } from "../generated/View";
import type { GraphHandle } from "../graph/GraphView";
import { isFailure, type Action } from "./model";
import { ReportCheckPanel } from "./Reports";
import { Compare, EMPTY_COMPARE, stepEntry, type CompareState } from "../compare/Compare";
import { referenceOf } from "../compare/model";
import { EMPTY_TRACE, TraceView, traceDecision, type TraceState } from "../trace/TraceView";
import { EMPTY_SLICE, Slice, sliceOn, type SliceState } from "../slice/Slice";
import { Header, type Mode } from "./Header";
import { LineageView } from "./LineageView";
import { useShortcuts } from "./shortcuts";
import { StartScreen } from "./StartScreen";
import { BusyBar, ErrorBar } from "./StatusBars";
import { useTasks, type Run } from "./tasks";

export function App() {
  const { busy, error, dismissError, fail, onProgress, task } = useTasks();
  const [summary, setSummary] = useState<CaseSummary | null>(null);
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

  /** Runs long work with the progress bar, then shows the case it produced. */
  const run: Run = async (label, work) => {
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

  const verify = () => run("verifying", () => backend().verify(onProgress));

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
    // an answer to an older query that arrives late never replaces the newer one's
    let current = true;
    const t = setTimeout(
      () =>
        backend()
          .search(query)
          .then((r) => current && setResults(r))
          .catch(fail),
      120,
    );
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [query, searchOpen]);

  const failures = findings.filter((f) => isFailure(f.status));
  const stepFinding = (dir: 1 | -1) => {
    if (failures.length === 0) return;
    const i = failures.findIndex((f) => f.node.id === selected);
    const next = failures[(i + dir + failures.length) % failures.length];
    focusOn(next.node.id);
  };
  const deeper = () => setDepth((d) => Math.min(6, d + 1));
  const shallower = () => setDepth((d) => Math.max(1, d - 1));

  useShortcuts(summary !== null, (action: Action) => {
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
        if (mode === "graph") deeper();
        break;
      case "shallower":
        if (mode === "graph") shallower();
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
        void verify();
        break;
    }
  });

  // A click selects the node and re-centres the view on it: its neighbourhood expands and its
  // upstream path is highlighted (both computed by the backend).
  const onSelect = useCallback((id: string) => focusOn(id), []);
  const onExpandCluster = useCallback((id: string) => {
    setOpenCluster(id);
    setClusterFilter("");
  }, []);
  const cluster = view?.clusters.find((c) => c.id === openCluster) ?? null;

  const reportPanel = report && <ReportCheckPanel check={report.check} trust={reportKeys} onAddKeys={addReportKeys} onClose={() => setReport(null)} />;
  const bars = (
    <>
      <BusyBar busy={busy} />
      <ErrorBar error={error} onClose={dismissError} />
    </>
  );

  if (!summary) {
    return (
      <StartScreen recent={recent} run={run} onProgress={onProgress} onOpenReport={openReport} reportPanel={reportPanel}>
        {bars}
      </StartScreen>
    );
  }

  return (
    <div class={mode === "compare" ? "workspace comparing" : mode === "graph" ? "workspace with-verdict" : "workspace wide"}>
      <Header
        summary={summary}
        mode={mode}
        onMode={setMode}
        traceText={traceText}
        onTraceText={setTraceText}
        traceBox={traceBox}
        onTrace={runTrace}
        onVerify={verify}
        onSearch={() => setSearchOpen(true)}
        onExport={() => setExportOpen(true)}
        onOpenReport={openReport}
      />
      {mode === "compare" ? (
        <Compare state={compare} setState={setCompare} task={task} onProgress={onProgress} onNavigate={showInGraph} onError={fail} handle={graph} />
      ) : mode === "trace" ? (
        <TraceView state={trace} setState={setTrace} task={task} onProgress={onProgress} onNavigate={showInGraph} onSlice={openSlice} onError={fail} handle={graph} />
      ) : mode === "slice" ? (
        <Slice state={slice} setState={setSlice} task={task} onProgress={onProgress} onNavigate={showInGraph} onError={fail} />
      ) : (
        <LineageView
          summary={summary}
          findings={findings}
          keys={keys}
          run={run}
          onProgress={onProgress}
          onTrustKeys={trustKeys}
          onNavigate={focusOn}
          view={view}
          graph={graph}
          depth={depth}
          onDeeper={deeper}
          onShallower={shallower}
          selected={selected}
          onSelect={onSelect}
          onExpandCluster={onExpandCluster}
          legendOpen={legendOpen}
          onToggleLegend={() => setLegendOpen((o) => !o)}
          onCloseLegend={() => setLegendOpen(false)}
          exportOpen={exportOpen}
          onCloseExport={() => setExportOpen(false)}
          task={task}
          onKeyMade={onKeyMade}
          onCheckExported={(dir) => {
            setExportOpen(false);
            void checkReport(dir, reportKeys);
          }}
          reportPanel={reportPanel}
          cluster={cluster}
          clusterFilter={clusterFilter}
          onClusterFilter={setClusterFilter}
          onShowCluster={(id) => setExpanded((x) => (x.includes(id) ? x : [...x, id]))}
          onCloseCluster={() => setOpenCluster(null)}
          searchOpen={searchOpen}
          searchBox={searchBox}
          query={query}
          onQuery={setQuery}
          results={results}
          onCloseSearch={() => setSearchOpen(false)}
          details={details}
          onCompare={compareWith}
          onSlice={(n) => openSlice(n.id, n.label)}
        />
      )}
      {bars}
    </div>
  );
}
