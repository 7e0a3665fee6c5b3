// The Compare view: choose two lineages (aliases, model versions, runs, or any node found by
// search), compare them in the engine, and read where they diverge: the aligned graph, the
// root causes first, what follows from them, and a drill-down of each.
import { useEffect, useState } from "preact/hooks";
import { backend, type OnProgress } from "../backend";
import type { LineageDiff } from "../generated/LineageDiff";
import type { NodeSummary } from "../generated/NodeSummary";
import type { Task } from "../app/Reports";
import type { GraphHandle } from "../graph/GraphView";
import { DiffGraph } from "./DiffGraph";
import { Drilldown, Metrics } from "./Drilldown";
import { Chooser, type Choice } from "./Chooser";
import { counts, entries, entryForPair, kindName, LOOKS, pairsOf, type Entry } from "./model";

export type { Choice } from "./Chooser";

/** What the Compare view keeps while the user looks at the lineage graph and comes back. */
export interface CompareState {
  a: Choice | null;
  b: Choice | null;
  diff: LineageDiff | null;
  /** The open divergence (an Entry key). */
  open: string | null;
  /** Bumped when A or B is set from outside the choosers (swap, "Compare with…"), so they show it. */
  generation: number;
}

export const EMPTY_COMPARE: CompareState = { a: null, b: null, diff: null, open: null, generation: 0 };

/** The next or previous divergence to open (j / k in the Compare view). */
export function stepEntry(state: CompareState, dir: 1 | -1): string | null {
  if (!state.diff) return null;
  const list = entries(state.diff);
  if (list.length === 0) return null;
  const i = list.findIndex((e) => e.key === state.open);
  const next = i < 0 ? (dir === 1 ? 0 : list.length - 1) : (i + dir + list.length) % list.length;
  return list[next].key;
}

interface Props {
  state: CompareState;
  setState(update: (s: CompareState) => CompareState): void;
  task: Task;
  onProgress: OnProgress;
  onNavigate(id: string): void;
  onError(e: unknown): void;
  handle: { current: GraphHandle | null };
}

export function Compare({ state, setState, task, onProgress, onNavigate, onError, handle }: Props) {
  const [comparables, setComparables] = useState<NodeSummary[]>([]);
  const [legendOpen, setLegendOpen] = useState(true);
  const [showUnrecorded, setShowUnrecorded] = useState(false);
  useEffect(() => {
    backend().comparables().then(setComparables).catch(onError);
  }, []);

  const { a, b, diff } = state;
  const list = diff ? entries(diff) : [];
  const open = list.find((e) => e.key === state.open) ?? null;
  const compare = async () => {
    if (!a || !b) return;
    const result = await task("comparing lineages", () => backend().diff(a.reference, b.reference, onProgress));
    if (result) setState((s) => ({ ...s, diff: result, open: null }));
  };
  const openEntry = (e: Entry | null) => setState((s) => ({ ...s, open: e?.key ?? null }));
  const onSelectPair = (pair: number) => openEntry(entryForPair(entries(state.diff!), pair, state.diff!));
  const c = diff ? counts(diff) : null;

  return (
    <main class="compare" data-testid="compare">
      <div class="compare-bar">
        <Chooser key={`a${state.generation}`} caption="A" testid="compare-a" optionsTestid="compare-options-a" value={a} comparables={comparables} onChange={(v) => setState((s) => ({ ...s, a: v }))} onError={onError} />
        <button title="Swap A and B" data-testid="compare-swap" onClick={() => setState((s) => ({ ...s, a: s.b, b: s.a, generation: s.generation + 1 }))}>
          ⇄
        </button>
        <Chooser key={`b${state.generation}`} caption="B" testid="compare-b" optionsTestid="compare-options-b" value={b} comparables={comparables} onChange={(v) => setState((s) => ({ ...s, b: v }))} onError={onError} />
        <button class="primary" data-testid="compare-go" disabled={!a || !b} onClick={compare}>
          Compare
        </button>
        {diff && c && (
          <span class="compare-summary" data-testid="compare-summary">
            <b>{diff.a.label}</b> vs <b>{diff.b.label}</b>: {c.roots === 0 && c.downstream === 0 ? "no divergence" : `${c.roots} root ${c.roots === 1 ? "cause" : "causes"}, ${c.downstream} downstream`}, {c.equal} of {c.pairs} equal
          </span>
        )}
      </div>
      {!diff ? (
        <div class="compare-empty">
          <p>
            Choose two lineages: <b>A</b> (for instance the last good staging model) and <b>B</b> (the production model), then <b>Compare</b>.
          </p>
          <p class="muted">
            Custody aligns their upstream graphs node by node and names the root causes: the commits, data, parameters and environments that differ while their own inputs are the same. Everything else that differs follows from them.
          </p>
        </div>
      ) : (
        <div class="compare-body">
          <section class="compare-graph">
            <DiffGraph diff={diff} selected={open ? pairsOf(diff, open.divergence) : []} unrecorded={showUnrecorded} onSelectPair={onSelectPair} handle={handle} />
            <div class="graph-tools">
              {c!.unrecorded > 0 && (
                <button data-testid="diff-unrecorded" title="Pairs one side records and the other records nothing of (evidence one side lacks, not a difference of lineage)" onClick={() => setShowUnrecorded((x) => !x)}>
                  {showUnrecorded ? "Hide" : "Show"} {c!.unrecorded} unrecorded
                </button>
              )}
              <button onClick={() => handle.current?.fit()}>Fit</button>
              <button title="Zoom in" onClick={() => handle.current?.zoom(1.25)}>
                +
              </button>
              <button title="Zoom out" onClick={() => handle.current?.zoom(0.8)}>
                −
              </button>
              <button data-testid="diff-legend-toggle" onClick={() => setLegendOpen((o) => !o)}>
                Legend
              </button>
            </div>
            {legendOpen && <DiffLegend />}
          </section>
          <aside class="divergences" data-testid="divergences">
            <h2>Root causes ({diff.divergences.length})</h2>
            {diff.divergences.length === 0 && <p class="muted">The lineages do not diverge.</p>}
            <EntryList list={list.filter((e) => e.root)} open={state.open} onOpen={openEntry} />
            <h2>Downstream ({diff.downstream.length})</h2>
            <EntryList list={list.filter((e) => !e.root)} open={state.open} onOpen={openEntry} />
          </aside>
          <section class="drill">
            {open ? (
              <Drilldown diff={diff} entry={open} onNavigate={onNavigate} onError={onError} onClose={() => openEntry(null)} />
            ) : (
              <div class="drill-hint">
                <p>Select a root cause or a downstream divergence, in the list or in the graph, to see what changed.</p>
                <p class="muted">
                  Each node of the graph is a pair: A's node and B's, drawn as one. Its label reads <span class="mono">A | B</span> where the two differ, <span class="mono">+ B</span> for an input only B has, <span class="mono">− A</span> for one only A has; arrows point from a node to its inputs, which are to its left.
                </p>
                {diff.metrics.length > 0 && <Metrics metrics={diff.metrics} />}
              </div>
            )}
          </section>
        </div>
      )}
    </main>
  );
}

function EntryList({ list, open, onOpen }: { list: Entry[]; open: string | null; onOpen(e: Entry): void }) {
  return (
    <ul class="entries">
      {list.map((e) => (
        <li key={e.key}>
          <button class={`divergence ${e.root ? "root" : "down"} ${e.key === open ? "current" : ""}`} data-testid="divergence" data-kind={e.divergence.kind} data-root={String(e.root)} onClick={() => onOpen(e)}>
            <span class="badge">{kindName(e.divergence.kind)}</span>
            <span class="summary">{e.divergence.summary}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function DiffLegend() {
  return (
    <div class="diff-legend" data-testid="diff-legend">
      {LOOKS.map((l) => (
        <span key={l.look} class="item" title={l.meaning} data-look={l.look}>
          <svg width="16" height="12" viewBox="0 0 16 12" aria-hidden="true">
            <rect x="1.5" y="1.5" width="13" height="9" rx="2" fill={l.fill} stroke={l.border} stroke-width={l.look === "root-cause" ? 3 : 1.5} stroke-dasharray={l.look === "added" || l.look === "removed" ? "3 1.5" : l.look === "unrecorded" ? "1 1.5" : undefined} opacity={l.look === "equal" ? 0.6 : 1} />
          </svg>
          {l.label}
        </span>
      ))}
      <span class="item muted">shape: kind, as in the lineage graph</span>
    </div>
  );
}
