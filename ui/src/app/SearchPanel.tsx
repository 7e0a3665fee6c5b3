// The search panel over the graph: nodes by name, id or digest prefix; a result focuses the graph
// on its node.
import type { Ref } from "preact";
import type { NodeSummary } from "../generated/NodeSummary";

interface Props {
  inputRef: Ref<HTMLInputElement>;
  query: string;
  onQuery(query: string): void;
  results: NodeSummary[];
  /** Focuses the graph on a result (the panel closes after). */
  onNavigate(id: string): void;
  onClose(): void;
}

export function SearchPanel({ inputRef, query, onQuery, results, onNavigate, onClose }: Props) {
  return (
    <div class="search" data-testid="search">
      <input ref={inputRef} value={query} placeholder="name, id or digest prefix" onInput={(e) => onQuery((e.target as HTMLInputElement).value)} />
      <ul>
        {results.map((r) => (
          <li key={r.id}>
            <button
              class="link"
              data-testid="search-result"
              data-id={r.id}
              onClick={() => {
                onNavigate(r.id);
                onClose();
              }}
            >
              <span class="badge">{r.kind}</span> {r.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
