// A cluster's drill-down over the graph: the nodes folded into one cluster, filterable, each a
// click away, or all of them shown in the graph.
import type { Cluster } from "../generated/Cluster";
import { filterMembers } from "./model";

interface Props {
  cluster: Cluster;
  filter: string;
  onFilter(filter: string): void;
  /** Expands the cluster in the graph (the panel closes after). */
  onShowAll(id: string): void;
  onClose(): void;
  /** Focuses the graph on a member (the panel closes first). */
  onNavigate(id: string): void;
}

export function ClusterPanel({ cluster, filter, onFilter, onShowAll, onClose, onNavigate }: Props) {
  return (
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
            onShowAll(cluster.id);
            onClose();
          }}
        >
          Show all in the graph
        </button>
        <button onClick={onClose}>Close</button>
      </div>
      <input value={filter} placeholder="filter members" onInput={(e) => onFilter((e.target as HTMLInputElement).value)} />
      <ul>
        {filterMembers(cluster.members, filter).map((m) => (
          <li key={m.id}>
            <button
              class="link"
              onClick={() => {
                onClose();
                onNavigate(m.id);
              }}
            >
              <span class={`dot st-${m.status ?? "unchecked"}`} /> {m.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
