// The lineage view's centre: the graph around the focus, its toolbar (depth, fit, zoom, legend),
// and what opens over it (legend, report export and check, a cluster's members, search).
import type { ComponentChildren, Ref } from "preact";
import type { NewKey, OnProgress } from "../backend";
import type { Cluster } from "../generated/Cluster";
import type { NodeSummary } from "../generated/NodeSummary";
import type { View } from "../generated/View";
import { GraphView, type GraphHandle } from "../graph/GraphView";
import { Legend } from "../graph/Legend";
import { ClusterPanel } from "./ClusterPanel";
import { ExportPanel, type Task } from "./Reports";
import { SearchPanel } from "./SearchPanel";

export interface GraphPaneProps {
  view: View | null;
  graph: { current: GraphHandle | null };
  depth: number;
  onDeeper(): void;
  onShallower(): void;
  selected: string | null;
  /** A click on a node (re-centres the view on it). */
  onSelect(id: string): void;
  onExpandCluster(id: string): void;
  /** Focuses the graph on a node. */
  onNavigate(id: string): void;
  legendOpen: boolean;
  onToggleLegend(): void;
  onCloseLegend(): void;
  exportOpen: boolean;
  onCloseExport(): void;
  task: Task;
  onProgress: OnProgress;
  onKeyMade(k: NewKey): void;
  /** Checks the report just exported (the export panel closes). */
  onCheckExported(dir: string): void;
  /** The report check panel, when a report was checked. */
  reportPanel: ComponentChildren;
  /** The cluster whose members are open, with the filter on them. */
  cluster: Cluster | null;
  clusterFilter: string;
  onClusterFilter(filter: string): void;
  onShowCluster(id: string): void;
  onCloseCluster(): void;
  searchOpen: boolean;
  searchBox: Ref<HTMLInputElement>;
  query: string;
  onQuery(query: string): void;
  results: NodeSummary[];
  onCloseSearch(): void;
}

export function GraphPane(p: GraphPaneProps) {
  return (
    <main class="center">
      <Toolbar view={p.view} graph={p.graph} depth={p.depth} onDeeper={p.onDeeper} onShallower={p.onShallower} onToggleLegend={p.onToggleLegend} />
      {p.legendOpen && <Legend onClose={p.onCloseLegend} />}
      {p.exportOpen && <ExportPanel task={p.task} onProgress={p.onProgress} onClose={p.onCloseExport} onKeyMade={p.onKeyMade} onCheck={p.onCheckExported} />}
      {p.reportPanel}
      {p.view && <GraphView view={p.view} selected={p.selected} onSelect={p.onSelect} onExpandCluster={p.onExpandCluster} handle={p.graph} />}
      {p.cluster && <ClusterPanel cluster={p.cluster} filter={p.clusterFilter} onFilter={p.onClusterFilter} onShowAll={p.onShowCluster} onClose={p.onCloseCluster} onNavigate={p.onNavigate} />}
      {p.searchOpen && <SearchPanel inputRef={p.searchBox} query={p.query} onQuery={p.onQuery} results={p.results} onNavigate={p.onNavigate} onClose={p.onCloseSearch} />}
    </main>
  );
}

function Toolbar({ view, graph, depth, onDeeper, onShallower, onToggleLegend }: Pick<GraphPaneProps, "view" | "graph" | "depth" | "onDeeper" | "onShallower" | "onToggleLegend">) {
  return (
    <div class="toolbar">
      <span>
        depth <button onClick={onShallower}>−</button> {depth} <button onClick={onDeeper}>+</button>
      </span>
      <button onClick={() => graph.current?.fit()}>Fit</button>
      <button onClick={() => graph.current?.zoom(1.25)}>Zoom in</button>
      <button onClick={() => graph.current?.zoom(0.8)}>Zoom out</button>
      <span class="muted">{view ? `${view.nodes.length} nodes, ${view.clusters.length} clusters shown` : ""}</span>
      <span class="spacer" />
      <button data-testid="legend-toggle" onClick={onToggleLegend}>
        Legend
      </button>
    </div>
  );
}
