// The lineage view's right-hand panel: the selected node (status, signatures, findings, claims,
// edges, raw record, and Compare / Slice from it), and the keyboard shortcuts.
import type { NodeDetails } from "../generated/NodeDetails";
import type { NodeSummary } from "../generated/NodeSummary";
import { sliceable } from "../slice/model";
import { SHORTCUTS } from "./model";
import { KeySection, SignatureSection, SignedBySection } from "./Signatures";

export interface InspectorPaneProps {
  details: NodeDetails | null;
  /** Focuses the graph on a node. */
  onNavigate(id: string): void;
  onCompare(n: NodeSummary): void;
  onSlice(n: NodeSummary): void;
}

export function InspectorPane({ details, onNavigate, onCompare, onSlice }: InspectorPaneProps) {
  return (
    <aside class="right" data-testid="inspector">
      {details ? <Inspector details={details} onNavigate={onNavigate} onCompare={onCompare} onSlice={onSlice} /> : <p class="muted">Select a node.</p>}
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
  );
}

function Inspector({ details, onNavigate, onCompare, onSlice }: InspectorPaneProps & { details: NodeDetails }) {
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
      {n.kind === "key" && <KeySection details={details} onNavigate={onNavigate} />}
      {n.kind !== "signature" && <SignedBySection details={details} />}
      {details.findings.length > 0 && <NodeFindings findings={details.findings} />}
      {n.claims.length > 0 && <Claims claims={n.claims} />}
      <Edges details={details} onNavigate={onNavigate} />
      <details>
        <summary>Raw record</summary>
        <pre>{JSON.stringify(n.attrs, null, 2)}</pre>
      </details>
    </div>
  );
}

/** The node's findings, each with the file, the claim's source, and what was expected and observed. */
function NodeFindings({ findings }: { findings: NodeDetails["findings"] }) {
  return (
    <section>
      <h3>Findings</h3>
      {findings.map((f, i) => (
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
  );
}

/** What the records claim about the node, and which record says so. */
function Claims({ claims }: { claims: NodeDetails["node"]["claims"] }) {
  return (
    <section>
      <h3>Claims</h3>
      {claims.map((c, i) => (
        <div key={i} class="claim">
          <span class="key">{c.key}</span> <span class="mono">{c.value}</span>
          <div class="muted">
            by {c.source.file} {c.source.record}
          </div>
        </div>
      ))}
    </section>
  );
}

/** The node's edges both ways, each a link to the node at the other end. */
function Edges({ details, onNavigate }: { details: NodeDetails; onNavigate(id: string): void }) {
  return (
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
  );
}
