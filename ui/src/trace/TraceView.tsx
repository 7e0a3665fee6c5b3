// The Trace view: one logged decision, traced by the engine to the model version, run,
// commit, parameters, datasets and raw sources behind it. The chain is highlighted in the
// neighbourhood of the lineage graph that holds it (the rest dimmed), with the dossier beside
// it; the dossier can be saved, and its datasets opened in the slicing panel.
import { useMemo } from "preact/hooks";
import { backend, type OnProgress } from "../backend";
import type { Task } from "../app/Reports";
import type { Dossier as DossierData } from "../generated/Dossier";
import type { DossierWritten } from "../generated/DossierWritten";
import type { View } from "../generated/View";
import { GraphView, type GraphHandle } from "../graph/GraphView";
import { Dossier } from "./Dossier";
import { chainContext, chainNeighbourhood, chainOverlay, traceFocus } from "./model";

/** What the Trace view keeps while the user looks elsewhere and comes back. */
export interface TraceState {
  dossier: DossierData | null;
  /** The neighbourhood that shows the chain, how deep, and the clusters opened in it. */
  view: View | null;
  depth: number;
  expanded: string[];
  /** Draw the chain with its direct neighbours only, or the whole neighbourhood. */
  context: "chain" | "neighbourhood";
  saved: DossierWritten | null;
}

export const EMPTY_TRACE: TraceState = { dossier: null, view: null, depth: 3, expanded: [], context: "chain", saved: null };

/** Traces a decision (with the progress bar), then finds the neighbourhood that shows its chain. */
export async function traceDecision(prediction: string, task: Task, onProgress: OnProgress): Promise<TraceState | null> {
  return task(`tracing ${prediction}`, async () => {
    const dossier = await backend().trace(prediction, onProgress);
    const focus = traceFocus(dossier.trace);
    if (!focus) return { ...EMPTY_TRACE, dossier };
    const { view, depth, expanded } = await chainNeighbourhood(dossier.trace.chain, (d, e) => backend().neighbourhood(focus, d, e));
    return { ...EMPTY_TRACE, dossier, view, depth, expanded };
  });
}

interface Props {
  state: TraceState;
  setState(update: (s: TraceState) => TraceState): void;
  task: Task;
  onProgress: OnProgress;
  onNavigate(id: string): void;
  onSlice(node: string, display: string, label: string): void;
  onError(e: unknown): void;
  handle: { current: GraphHandle | null };
}

export function TraceView({ state, setState, task, onProgress, onNavigate, onSlice, onError, handle }: Props) {
  const { dossier } = state;
  const view = useMemo(() => (dossier && state.view && state.context === "chain" ? chainContext(state.view, dossier.trace.chain) : state.view), [dossier, state.view, state.context]);
  const overlay = useMemo(() => (dossier && view ? chainOverlay(view, dossier.trace) : null), [dossier, view]);

  const save = async () => {
    if (!dossier) return;
    const dir = await backend().pickFolder("A new or empty folder for the dossier");
    if (!dir) return;
    const written = await task("writing the dossier", () => backend().saveDossier(dossier.trace.prediction.id, dir, onProgress));
    if (written) setState((s) => ({ ...s, saved: written }));
  };

  const openCluster = (id: string) => {
    const focus = dossier ? traceFocus(dossier.trace) : null;
    if (!focus || state.expanded.includes(id)) return;
    const expanded = [...state.expanded, id];
    backend()
      .neighbourhood(focus, state.depth, expanded)
      .then((v) => setState((s) => ({ ...s, view: v, expanded })))
      .catch(onError);
  };

  if (!dossier) {
    return (
      <main class="trace wide-view" data-testid="trace-view">
        <div class="compare-empty">
          <p>
            Enter a <b>prediction id</b> from an inference log in the <b>Trace</b> box above (<kbd>t</kbd>), for instance <span class="mono">pred-000017</span>.
          </p>
          <p class="muted">
            Custody finds the logged decision, then the model version and the exact artifact that served it, the run that trained it, the commit, parameters, environment, datasets and raw sources behind that, and re-checks every link. The chain is highlighted in the lineage graph, with the decision's dossier beside it.
          </p>
        </div>
      </main>
    );
  }

  const missing = overlay?.highlight.missing ?? [];
  return (
    <main class="trace wide-view" data-testid="trace-view">
      <div class="trace-body">
        <section class="trace-graph">
          {view && overlay && <GraphView view={view} overlay={overlay} testid="trace-graph" direction="DOWN" selected={null} onSelect={onNavigate} onExpandCluster={openCluster} handle={handle} />}
          <div class="graph-tools">
            <button
              data-testid="trace-context"
              title={state.context === "chain" ? `Show the whole neighbourhood the chain lies in (depth ${state.depth})` : "Show the chain with its direct neighbours only"}
              onClick={() => setState((s) => ({ ...s, context: s.context === "chain" ? "neighbourhood" : "chain" }))}
            >
              {state.context === "chain" ? "Whole neighbourhood" : "Chain and neighbours"}
            </button>
            <button onClick={() => handle.current?.fit()}>Fit</button>
            <button title="Zoom in" onClick={() => handle.current?.zoom(1.25)}>
              +
            </button>
            <button title="Zoom out" onClick={() => handle.current?.zoom(0.8)}>
              −
            </button>
          </div>
          <div class="trace-legend">
            <span class="swatch chain" /> the decision's chain ({overlay?.highlighted.length ?? 0} nodes) <span class="swatch dim" /> {state.context === "chain" ? "their direct neighbours" : `the rest of the neighbourhood (depth ${state.depth})`} · click a node to open it in the lineage graph
            {missing.length > 0 && <span class="muted"> · not in the lineage: {missing.join(", ")}</span>}
          </div>
        </section>
        <aside class="trace-dossier">
          <Dossier dossier={dossier} saved={state.saved} onSave={save} onNavigate={onNavigate} onSlice={onSlice} />
        </aside>
      </div>
    </main>
  );
}
