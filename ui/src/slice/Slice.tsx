// The slicing panel: a table (any dataset-like node: a data version, a dataset, a CSV, Parquet
// or JSON-lines file, or a model or run standing for its training set), the attributes to
// group it by, the label and prediction, a reference table and filters; the engine slices it
// and the panel draws the shares, the rates, the disparities with their four-fifths flags and
// each group's rows by raw source, every chart exportable as SVG or PNG.
import { useEffect, useState } from "preact/hooks";
import { backend, type OnProgress } from "../backend";
import type { Task } from "../app/Reports";
import type { NodeSummary } from "../generated/NodeSummary";
import type { SliceReport } from "../generated/SliceReport";
import type { TableIdentity } from "../generated/TableIdentity";
import { Chooser, type Choice } from "../compare/Chooser";
import { BarChart, ChartCard, CompositionChart, ImpactChart } from "./Charts";
import { flaggedGroups, groupLabel, tableName, NO_OUTCOME, outcomeSpec, parseFilters, pct, rateData, ratio, shareData, sourceName, type OutcomeChoice, type OutcomeOp } from "./model";

/** What the panel keeps while the user looks elsewhere and comes back. */
export interface SliceState {
  dataset: Choice | null;
  /** The table the dataset resolved to (its columns offer the attributes). */
  table: TableIdentity | null;
  reference: Choice | null;
  by: string[];
  label: OutcomeChoice;
  prediction: OutcomeChoice;
  filters: string;
  report: SliceReport | null;
  /** Bumped when the dataset or reference is set from outside, so the choosers show it. */
  generation: number;
}

export const EMPTY_SLICE: SliceState = { dataset: null, table: null, reference: null, by: [], label: NO_OUTCOME, prediction: NO_OUTCOME, filters: "", report: null, generation: 0 };

/** The panel opened on a table: its choices kept where they still apply, the last result dropped. */
export function sliceOn(s: SliceState, dataset: Choice, label?: string | null): SliceState {
  const same = s.dataset?.reference === dataset.reference;
  return {
    ...s,
    dataset,
    table: same ? s.table : null,
    label: label && !s.label.column ? { column: label, op: "column", value: "" } : s.label,
    reference: s.reference?.reference === dataset.reference ? null : s.reference,
    report: same ? s.report : null,
    generation: s.generation + 1,
  };
}

interface Props {
  state: SliceState;
  setState(update: (s: SliceState) => SliceState): void;
  task: Task;
  onProgress: OnProgress;
  onNavigate(id: string): void;
  onError(e: unknown): void;
}

export function Slice({ state, setState, task, onProgress, onNavigate, onError }: Props) {
  const [comparables, setComparables] = useState<NodeSummary[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    backend().comparables().then(setComparables).catch(onError);
  }, []);

  const { dataset, table, report } = state;
  // the chosen table's columns: the attributes, label and prediction are chosen among them
  useEffect(() => {
    if (!dataset || (table && table.reference === dataset.reference)) return;
    let live = true;
    void task("reading the table", () => backend().tableColumns(dataset.reference, onProgress)).then((t) => {
      if (live && t) setState((s) => (s.dataset?.reference === dataset.reference ? { ...s, table: t, by: s.by.filter((c) => t.columns.includes(c)) } : s));
    });
    return () => {
      live = false;
    };
  }, [dataset?.reference]);

  const label = outcomeSpec(state.label);
  const prediction = outcomeSpec(state.prediction);
  const filters = parseFilters(state.filters);
  const invalid = label.error ?? prediction.error ?? filters.error ?? (state.by.length === 0 ? "choose at least one attribute to group by" : null);

  const run = async () => {
    if (!dataset) return;
    setProblem(invalid);
    if (invalid) return;
    const r = await task("slicing", () =>
      backend().slice({ dataset: dataset.reference, by: state.by, label: label.spec, prediction: prediction.spec, reference: state.reference?.reference ?? null, filters: filters.filters }, onProgress),
    );
    if (r) setState((s) => ({ ...s, report: r }));
  };
  const toggle = (column: string) => setState((s) => ({ ...s, by: s.by.includes(column) ? s.by.filter((c) => c !== column) : [...s.by, column] }));
  const columns = table?.columns ?? [];

  return (
    <main class="slice wide-view" data-testid="slice-panel">
      <div class="compare-bar">
        <Chooser
          key={`d${state.generation}`}
          caption="Table"
          testid="slice-dataset"
          optionsTestid="slice-dataset-options"
          placeholder="a dataset, data file, model or run (its training set); Enter"
          commit="enter"
          value={dataset}
          comparables={comparables}
          onChange={(v) => setState((s) => ({ ...s, dataset: v, table: null, report: null }))}
          onError={onError}
        />
        {table && (
          <span class="muted" data-testid="slice-table">
            <span class="mono">{table.path}</span> · {table.rows.toLocaleString("en-US")} rows · {table.columns.length} columns
            {table.sha256 && <span class="mono" title={`sha256 ${table.sha256}`}> · sha256 {table.sha256.slice(0, 12)}…</span>}
          </span>
        )}
      </div>
      <div class="slice-body">
        <aside class="slice-form" data-testid="slice-form">
          {!dataset && <p class="muted">Choose a table: open the panel from a dataset-like node (its inspector's “Slice…”, or a dataset of a traced decision), or type a reference.</p>}
          {dataset && !table && <p class="muted">Reading the table…</p>}
          {table && (
            <>
              <h2>Group by</h2>
              <ul class="columns" data-testid="slice-attrs">
                {columns.map((c) => (
                  <li key={c}>
                    <label>
                      <input type="checkbox" data-testid="slice-attr" data-column={c} checked={state.by.includes(c)} onChange={() => toggle(c)} /> {c}
                    </label>
                  </li>
                ))}
              </ul>
              <h2>Label (true outcome)</h2>
              <OutcomeField testid="slice-label" columns={columns} value={state.label} onChange={(v) => setState((s) => ({ ...s, label: v }))} />
              <h2>Prediction</h2>
              <OutcomeField testid="slice-prediction" columns={columns} value={state.prediction} onChange={(v) => setState((s) => ({ ...s, prediction: v }))} />
              <h2>Reference</h2>
              <Chooser
                key={`r${state.generation}`}
                caption=""
                testid="slice-reference"
                optionsTestid="slice-reference-options"
                placeholder="another table, e.g. models:/NAME@staging"
                value={state.reference}
                comparables={comparables}
                onChange={(v) => setState((s) => ({ ...s, reference: v }))}
                onError={onError}
              />
              <h2>Filters</h2>
              <input class="filters" data-testid="slice-filters" value={state.filters} placeholder="COL=VALUE, …" onInput={(e) => setState((s) => ({ ...s, filters: (e.target as HTMLInputElement).value }))} />
              <p>
                <button class="primary" data-testid="slice-go" onClick={run}>
                  Slice
                </button>
              </p>
              {problem && (
                <p class="note" data-testid="slice-problem">
                  {problem}
                </p>
              )}
            </>
          )}
        </aside>
        <section class="slice-results">{report ? <Results report={report} task={task} onNavigate={onNavigate} /> : <SliceHint />}</section>
      </div>
    </main>
  );
}

function SliceHint() {
  return (
    <div class="drill-hint">
      <p>Choose the attributes to group the table by, then <b>Slice</b>.</p>
      <p class="muted">
        With a <b>label</b> (a 0/1 column, <span class="mono">COL=VALUE</span> or <span class="mono">COL≥X</span>) each group gets its base rate; with a <b>prediction</b> too, its selection rate, true and false positive rates and disparate impact (the four-fifths rule). A <b>reference</b> table (for instance the last good model's training set) puts each group's share beside its share there. Each group's rows are also traced to the raw source they came from.
      </p>
    </div>
  );
}

const OPS: { op: OutcomeOp; label: string }[] = [
  { op: "column", label: "is 1 / true" },
  { op: "=", label: "equals" },
  { op: ">=", label: "≥" },
  { op: ">", label: ">" },
];

function OutcomeField({ testid, columns, value, onChange }: { testid: string; columns: string[]; value: OutcomeChoice; onChange(v: OutcomeChoice): void }) {
  return (
    <div class="outcome">
      <select data-testid={testid} value={value.column} onChange={(e) => onChange({ ...value, column: (e.target as HTMLSelectElement).value })}>
        <option value="">none</option>
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {value.column && (
        <>
          <select data-testid={`${testid}-op`} value={value.op} onChange={(e) => onChange({ ...value, op: (e.target as HTMLSelectElement).value as OutcomeOp })}>
            {OPS.map((o) => (
              <option key={o.op} value={o.op}>
                {o.label}
              </option>
            ))}
          </select>
          {value.op !== "column" && <input data-testid={`${testid}-value`} value={value.value} placeholder={value.op === "=" ? "value" : "threshold"} onInput={(e) => onChange({ ...value, value: (e.target as HTMLInputElement).value })} />}
        </>
      )}
    </div>
  );
}

function Results({ report: r, task, onNavigate }: { report: SliceReport; task: Task; onNavigate(id: string): void }) {
  const table = r.dataset.path;
  const rates = rateData(r);
  const flagged = flaggedGroups(r);
  const d = r.disparity ?? null;
  return (
    <div data-testid="slice-results" data-groups={r.groups.length}>
      <p class="slice-summary" data-testid="slice-summary">
        <b>{r.rows.toLocaleString("en-US")}</b> rows of <NodeRef id={r.dataset.node ?? null} text={r.dataset.path} onNavigate={onNavigate} /> by <b>{r.by.join(" · ")}</b>
        {r.label && (
          <>
            , label <span class="mono">{r.label}</span>
          </>
        )}
        {r.prediction && (
          <>
            , prediction <span class="mono">{r.prediction}</span>
          </>
        )}
        {r.reference && (
          <>
            ; reference <NodeRef id={r.reference.node ?? null} text={r.reference.path} onNavigate={onNavigate} /> ({(r.reference_rows ?? r.reference.rows).toLocaleString("en-US")} rows, {r.reference.reference})
          </>
        )}
      </p>
      <div class="charts">
        <ChartCard name="shares" table={table} testid="chart-shares" task={task}>
          <BarChart title={`Share of rows per ${r.by.join(" · ")}`} data={shareData(r, tableName(r.dataset, r.rows), r.reference ? `reference: ${tableName(r.reference, r.reference_rows ?? r.reference.rows)}` : "reference")} testid="svg-shares" />
        </ChartCard>
        {rates.series.length > 0 && (
          <ChartCard name="rates" table={table} testid="chart-rates" task={task}>
            <BarChart title={`Rates per ${r.by.join(" · ")}`} data={rates} testid="svg-rates" />
          </ChartCard>
        )}
        {r.sources.length > 0 && (
          <ChartCard name="composition" table={table} testid="chart-composition" task={task}>
            <CompositionChart report={r} testid="svg-composition" />
          </ChartCard>
        )}
        {d && (
          <ChartCard name="disparate-impact" table={table} testid="chart-impact" task={task}>
            <ImpactChart report={r} testid="svg-impact" />
          </ChartCard>
        )}
      </div>
      {d && (
        <section class="disparity" data-testid="slice-disparity">
          <h3>Disparity between groups</h3>
          <table class="changes compact">
            <tbody>
              <tr>
                <th>demographic parity difference</th>
                <td class="num">{ratio(d.demographic_parity_difference)}</td>
                <td class="muted">highest minus lowest selection rate</td>
              </tr>
              <tr>
                <th>demographic parity ratio</th>
                <td class="num">{ratio(d.demographic_parity_ratio)}</td>
                <td class="muted">lowest over highest selection rate</td>
              </tr>
              {d.equalized_odds_difference != null && (
                <tr>
                  <th>equalized odds difference</th>
                  <td class="num">{ratio(d.equalized_odds_difference)}</td>
                  <td class="muted">the larger of the TPR and FPR differences</td>
                </tr>
              )}
              {d.equalized_odds_ratio != null && (
                <tr>
                  <th>equalized odds ratio</th>
                  <td class="num">{ratio(d.equalized_odds_ratio)}</td>
                  <td class="muted">the smaller of the TPR and FPR ratios</td>
                </tr>
              )}
              <tr>
                <th>highest / lowest selection</th>
                <td colSpan={2}>
                  {groupLabel(d.max_selection_group)} / {groupLabel(d.min_selection_group)}
                </td>
              </tr>
              <tr>
                <th>four-fifths rule</th>
                <td colSpan={2} data-testid="slice-four-fifths">
                  {d.four_fifths_violations === 0 ? "no group below 0.8 of the highest selection rate" : `${d.four_fifths_violations} ${d.four_fifths_violations === 1 ? "group" : "groups"} below 0.8: ${flagged.join(", ")}`}
                </td>
              </tr>
            </tbody>
          </table>
        </section>
      )}
      <section>
        <h3>Groups</h3>
        <table class="changes groups" data-testid="slice-groups">
          <thead>
            <tr>
              <th>{r.by.join(" · ")}</th>
              <th class="num">rows</th>
              <th class="num">share</th>
              {r.reference && <th class="num">reference share</th>}
              {r.label && <th class="num">base rate</th>}
              {r.reference && r.label && <th class="num">reference base rate</th>}
              {r.prediction && <th class="num">selection rate</th>}
              {r.prediction && r.label && <th class="num">TPR</th>}
              {r.prediction && r.label && <th class="num">FPR</th>}
              {r.prediction && <th class="num">disparate impact</th>}
              {r.sources.length > 0 && <th>largest source</th>}
            </tr>
          </thead>
          <tbody>
            {r.groups.map((g) => {
              const key = groupLabel(g.key);
              const top = [...g.composition].sort((a, b) => b.share - a.share)[0];
              return (
                <tr key={key} data-testid="slice-group" data-key={key} class={g.four_fifths_flag ? "flagged" : ""}>
                  <td>{key}</td>
                  <td class="num">{g.count.toLocaleString("en-US")}</td>
                  <td class="num">{pct(g.share)}</td>
                  {r.reference && <td class="num">{pct(g.reference_share)}</td>}
                  {r.label && <td class="num">{pct(g.base_rate)}</td>}
                  {r.reference && r.label && <td class="num">{pct(g.reference_base_rate)}</td>}
                  {r.prediction && <td class="num">{pct(g.selection_rate)}</td>}
                  {r.prediction && r.label && <td class="num">{pct(g.true_positive_rate)}</td>}
                  {r.prediction && r.label && <td class="num">{pct(g.false_positive_rate)}</td>}
                  {r.prediction && (
                    <td class="num">
                      {ratio(g.disparate_impact)} {g.four_fifths_flag && <span class="badge flag">below 0.8</span>}
                    </td>
                  )}
                  {r.sources.length > 0 && <td>{top ? `${sourceName(top.source ?? "unattributed")} ${pct(top.share)}` : "—"}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {r.sources.length > 0 && (
        <section data-testid="slice-sources">
          <h3>Raw sources of the rows</h3>
          <ul>
            {r.sources.map((s) => {
              const matched = r.matched_on.find((m) => m.source === s.source);
              return (
                <li key={s.source}>
                  <NodeRef id={s.node || null} text={s.source} onNavigate={onNavigate} />: {s.rows.toLocaleString("en-US")} rows ({pct(s.share)})
                  {matched && matched.columns.length > 0 && <span class="muted"> · matched on {matched.columns.length} columns</span>}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {r.notes.length > 0 && (
        <section>
          <h3>Notes</h3>
          <ul class="notes">
            {r.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function NodeRef({ id, text, onNavigate }: { id: string | null; text: string; onNavigate(id: string): void }) {
  if (!id) return <span class="mono">{text}</span>;
  return (
    <button class="link mono" title={`Show ${id} in the lineage graph`} onClick={() => onNavigate(id)}>
      {text}
    </button>
  );
}
