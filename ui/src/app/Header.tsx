// The workspace's header: the view tabs (lineage, compare, trace, slice), the trace box, the
// case's title, status counts and log state, and the case-wide actions.
import type { Ref } from "preact";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Summary } from "../generated/Summary";
import { isFailure, statusCounts } from "./model";

/** The workspace's views: the lineage graph, Compare (two lineages side by side), a traced decision, or the slicing panel. */
export type Mode = "graph" | "compare" | "trace" | "slice";

interface Props {
  summary: CaseSummary;
  mode: Mode;
  onMode(m: Mode): void;
  traceText: string;
  onTraceText(text: string): void;
  traceBox: Ref<HTMLInputElement>;
  onTrace(prediction: string): void;
  onVerify(): void;
  onSearch(): void;
  onExport(): void;
  onOpenReport(): void;
}

export function Header({ summary, mode, onMode, traceText, onTraceText, traceBox, onTrace, onVerify, onSearch, onExport, onOpenReport }: Props) {
  return (
    <header>
      <strong>Custody</strong>
      <Tabs mode={mode} onMode={onMode} />
      <TraceBox text={traceText} onText={onTraceText} box={traceBox} onTrace={onTrace} />
      <span class="case-title" title={summary.path}>
        {summary.info.title}
      </span>
      <Counts s={summary.summary} />
      <span class={summary.log_intact ? "log ok" : "log broken"}>{summary.log_intact ? "case log intact" : "case log BROKEN"}</span>
      <span class="spacer" />
      <button data-testid="verify" onClick={onVerify}>
        Re-verify
      </button>
      <button data-testid="search-open" onClick={onSearch}>
        Search
      </button>
      <button data-testid="export-report" onClick={onExport}>
        Export report…
      </button>
      <button data-testid="open-report" onClick={onOpenReport}>
        Check a report…
      </button>
    </header>
  );
}

function Tabs({ mode, onMode }: { mode: Mode; onMode(m: Mode): void }) {
  return (
    <nav class="tabs">
      <button class={mode === "graph" ? "active" : ""} data-testid="tab-graph" title="The lineage graph (c toggles)" onClick={() => onMode("graph")}>
        Lineage
      </button>
      <button class={mode === "compare" ? "active" : ""} data-testid="compare-open" title="Compare two lineages (c)" onClick={() => onMode("compare")}>
        Compare
      </button>
      <button class={mode === "trace" ? "active" : ""} data-testid="tab-trace" title="The last traced decision: its chain and dossier" onClick={() => onMode("trace")}>
        Trace
      </button>
      <button class={mode === "slice" ? "active" : ""} data-testid="tab-slice" title="Slice a table by attributes (from a dataset's Slice…)" onClick={() => onMode("slice")}>
        Slice
      </button>
    </nav>
  );
}

/** A prediction id to trace; Enter (or ↵) traces it. */
function TraceBox({ text, onText, box, onTrace }: { text: string; onText(text: string): void; box: Ref<HTMLInputElement>; onTrace(prediction: string): void }) {
  return (
    <form
      class="trace-box"
      onSubmit={(e) => {
        e.preventDefault();
        onTrace(text);
      }}
    >
      <input ref={box} data-testid="trace-box" value={text} placeholder="trace a decision: prediction id (t)" title="A prediction id from an inference log in the evidence; Enter traces it" onInput={(e) => onText((e.target as HTMLInputElement).value)} />
      <button type="submit" data-testid="trace-go" title="Trace the decision (Enter)" disabled={text.trim() === ""}>
        ↵
      </button>
    </form>
  );
}

/** The non-zero status counts, best first (every count on hover), or that nothing failed. */
function Counts({ s }: { s: Summary }) {
  const counts = statusCounts(s);
  return (
    <span class="counts" data-testid="counts" title={counts.map((c) => `${c.count} ${c.status}`).join("\n")}>
      {counts
        .filter((c) => c.count > 0)
        .map((c, i) => (
          <span key={c.status}>
            {i > 0 && " · "}
            <b class={`st-${c.status}`}>{c.count}</b> {c.status}
          </span>
        ))}
      {!counts.some((c) => c.count > 0 && isFailure(c.status)) && <span class="clean"> · no failures</span>}
    </span>
  );
}
