// The drill-down of one divergence: what changed, down to the line (code), the value
// (parameters, packages), the row and column (data) or the file (models).
import { useEffect, useState } from "preact/hooks";
import { backend } from "../backend";
import type { CodeDetail } from "../generated/CodeDetail";
import type { DataDetail } from "../generated/DataDetail";
import type { EnvironmentDetail } from "../generated/EnvironmentDetail";
import type { LineageDiff } from "../generated/LineageDiff";
import type { MetricPair } from "../generated/MetricPair";
import type { ModelDetail } from "../generated/ModelDetail";
import type { ParamsDetail } from "../generated/ParamsDetail";
import type { TableComparison } from "../generated/TableComparison";
import type { TableProfile } from "../generated/TableProfile";
import { columnMoved, describeColumn, formatNumber, kindName, metricDelta, packageRow, paramRow, parseUnifiedDiff, percent, shortSha, sidesOf, type ChangeRow, type Entry } from "./model";

interface Props {
  diff: LineageDiff;
  entry: Entry;
  onNavigate(id: string): void;
  onError(e: unknown): void;
  onClose(): void;
}

export function Drilldown({ diff, entry, onNavigate, onError, onClose }: Props) {
  const d = entry.divergence;
  const { a, b } = sidesOf(diff, d);
  const detail = d.detail;
  const runMetrics = diff.metrics.filter((m) => (a?.id === m.run_a && b?.id === m.run_b));
  return (
    <div class="drilldown" data-testid="drilldown" data-kind={d.kind} data-type={detail.type}>
      <div class="row">
        <span class={`badge div-${entry.root ? "root" : "down"}`}>{entry.root ? "root cause" : "downstream"}</span>
        <span class="badge">{kindName(d.kind)}</span>
        <span class="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      <h2 data-testid="drilldown-summary">{d.summary}</h2>
      <p class="sides">
        <b>A</b> {a ? <NodeLink id={a.id} label={a.label} onNavigate={onNavigate} /> : <span class="muted">no counterpart</span>}
        <span class="muted"> · </span>
        <b>B</b> {b ? <NodeLink id={b.id} label={b.label} onNavigate={onNavigate} /> : <span class="muted">no counterpart</span>}
      </p>
      {runMetrics.length > 0 && <Metrics metrics={runMetrics} title="Metrics of the two runs" />}
      {detail.type === "code" && <CodeView detail={detail} onNavigate={onNavigate} onError={onError} />}
      {detail.type === "params" && <ParamsView detail={detail} />}
      {detail.type === "environment" && <EnvironmentView detail={detail} />}
      {detail.type === "data" && <DataView detail={detail} />}
      {detail.type === "model" && <ModelView detail={detail} />}
      {detail.type === "identity" && (
        <section>
          <h3>Identity</h3>
          <table class="changes">
            <tbody>
              <tr>
                <th>A</th>
                <td class="mono">{detail.a ?? "—"}</td>
              </tr>
              <tr>
                <th>B</th>
                <td class="mono">{detail.b ?? "—"}</td>
              </tr>
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function NodeLink({ id, label, onNavigate }: { id: string; label: string; onNavigate(id: string): void }) {
  return (
    <button class="link" title={`Show ${id} in the lineage graph`} onClick={() => onNavigate(id)}>
      {label}
    </button>
  );
}

function CodeView({ detail, onNavigate, onError }: { detail: CodeDetail; onNavigate(id: string): void; onError(e: unknown): void }) {
  const [file, setFile] = useState<string | null>(null);
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    setFile(null);
    setText(null);
  }, [detail]);
  useEffect(() => {
    if (!file || !detail.repository) return;
    let live = true;
    setText(null);
    backend()
      .codeFileDiff(detail.repository, detail.from, detail.to, file)
      .then((t) => live && setText(t))
      .catch((e) => live && onError(e));
    return () => {
      live = false;
    };
  }, [file, detail]);
  const added = detail.files.reduce((n, f) => n + f.lines_added, 0);
  const removed = detail.files.reduce((n, f) => n + f.lines_removed, 0);
  return (
    <div class="code-cols">
      <div>
        <p class="mono">
          {detail.repository ?? "no repository"} · {shortSha(detail.from)} → {shortSha(detail.to)}
        </p>
        {detail.note && <p class="note">{detail.note}</p>}
        <h3>Commits in B, not in A ({detail.commits.length})</h3>
        <ul class="commits" data-testid="commits">
          {detail.commits.map((c) => (
            <li key={c.sha}>
              <span class="mono sha">{shortSha(c.sha)}</span> {c.summary}
            </li>
          ))}
        </ul>
        {detail.commits_only_in_from.length > 0 && (
          <>
            <h3>Commits in A, not in B ({detail.commits_only_in_from.length})</h3>
            <ul class="commits">
              {detail.commits_only_in_from.map((c) => (
                <li key={c.sha}>
                  <span class="mono sha">{shortSha(c.sha)}</span> {c.summary}
                </li>
              ))}
            </ul>
          </>
        )}
        <h3>
          Files changed ({detail.files.length}) <span class="plus">+{added}</span> <span class="minus">−{removed}</span>
        </h3>
        <table class="files" data-testid="code-files">
          <tbody>
            {detail.files.map((f) => (
              <tr key={f.path} class={f.path === file ? "current" : ""}>
                <td>
                  <span class={`badge change-${f.status}`}>{f.status}</span>
                </td>
                <td>
                  <button class="link mono" data-testid="code-file" data-path={f.path} disabled={!detail.repository} onClick={() => setFile(f.path)}>
                    {f.path}
                  </button>
                </td>
                <td class="num">{f.binary ? <span class="muted">binary</span> : <span class="plus">+{f.lines_added}</span>}</td>
                <td class="num">{f.binary ? "" : <span class="minus">−{f.lines_removed}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.also_seen.length > 0 && (
          <p class="muted">
            Also seen as:{" "}
            {detail.also_seen.map((n, i) => (
              <span key={n.id}>
                {i > 0 && ", "}
                <NodeLink id={n.id} label={n.label} onNavigate={onNavigate} />
              </span>
            ))}{" "}
            (other records of the same change)
          </p>
        )}
      </div>
      <div>
        {file ? (
          <>
            <h3 class="mono">{file}</h3>
            {text === null ? <p class="muted">Reading the diff…</p> : <UnifiedDiff text={text} />}
          </>
        ) : (
          <p class="muted">Choose a file to read its diff.</p>
        )}
      </div>
    </div>
  );
}

/** A unified diff with line numbers, added lines green, removed lines red. */
export function UnifiedDiff({ text }: { text: string }) {
  const lines = parseUnifiedDiff(text);
  if (lines.length === 0) return <p class="muted">No textual difference.</p>;
  return (
    <div class="file-diff" data-testid="file-diff">
      <table>
        <tbody>
          {lines.map((l, i) => (
            <tr key={i} class={`dl-${l.kind}`}>
              <td class="ln">{l.a ?? ""}</td>
              <td class="ln">{l.b ?? ""}</td>
              <td class="sign">{l.kind === "add" ? "+" : l.kind === "del" ? "−" : ""}</td>
              <td class="code">{l.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChangeTable({ rows, name, testid }: { rows: ChangeRow[]; name: string; testid: string }) {
  return (
    <table class="changes" data-testid={testid}>
      <thead>
        <tr>
          <th>{name}</th>
          <th>A</th>
          <th>B</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} class={`ch-${r.change}`} data-name={r.name}>
            <td class="mono">{r.name}</td>
            <td class="mono">{r.change === "added" ? <span class="muted">—</span> : r.a}</td>
            <td class="mono">{r.change === "removed" ? <span class="muted">—</span> : r.b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ParamsView({ detail }: { detail: ParamsDetail }) {
  const [all, setAll] = useState(false);
  const rows = [...detail.changes, ...(all ? detail.unchanged : [])].map(paramRow);
  return (
    <section>
      <h3>
        Parameters: {detail.changes.length} changed, {detail.unchanged.length} unchanged
      </h3>
      <ChangeTable rows={rows} name="parameter" testid="params" />
      {detail.unchanged.length > 0 && (
        <button class="link toggle" data-testid="params-unchanged" onClick={() => setAll((x) => !x)}>
          {all ? "Hide" : "Show"} the {detail.unchanged.length} unchanged
        </button>
      )}
    </section>
  );
}

function EnvironmentView({ detail }: { detail: EnvironmentDetail }) {
  return (
    <>
      {detail.files.map((f) => (
        <section key={f.role}>
          <h3>
            {f.role} ({f.changes.length === 0 ? "same" : `${f.changes.length} packages differ`})
          </h3>
          <p class="mono muted">
            A: {f.a ?? "—"}
            <br />
            B: {f.b ?? "—"}
          </p>
          {f.changes.length > 0 && <ChangeTable rows={f.changes.map(packageRow)} name="package" testid="packages" />}
        </section>
      ))}
    </>
  );
}

function ModelView({ detail }: { detail: ModelDetail }) {
  return (
    <section>
      <h3>Model files ({detail.files.length})</h3>
      <table class="changes" data-testid="model-files">
        <thead>
          <tr>
            <th>file</th>
            <th>change</th>
            <th>sha256 A</th>
            <th>sha256 B</th>
          </tr>
        </thead>
        <tbody>
          {detail.files.map((f) => (
            <tr key={f.name} class={`ch-${f.change}`}>
              <td class="mono">{f.name}</td>
              <td>{f.change === "metadata" ? <span title="differs only in the ids and times MLflow stamps on every model">metadata only</span> : f.change}</td>
              <td class="mono">{f.sha256_a ? shortSha(f.sha256_a) : "—"}</td>
              <td class="mono">{f.sha256_b ? shortSha(f.sha256_b) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DataView({ detail }: { detail: DataDetail }) {
  const members = [
    ...detail.members_added.map((m) => ({ m, what: "added" })),
    ...detail.members_removed.map((m) => ({ m, what: "removed" })),
    ...detail.members_changed.map((m) => ({ m, what: "changed" })),
  ];
  return (
    <>
      <section>
        <table class="sides">
          <tbody>
            {(detail.path_a || detail.digest_a) && (
              <tr>
                <th>A</th>
                <td class="mono">
                  {detail.path_a ?? ""} {detail.digest_a && <span class="muted">{detail.digest_a}</span>}
                </td>
              </tr>
            )}
            {(detail.path_b || detail.digest_b) && (
              <tr>
                <th>B</th>
                <td class="mono">
                  {detail.path_b ?? ""} {detail.digest_b && <span class="muted">{detail.digest_b}</span>}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {members.length > 0 && (
          <>
            <h3>Files of the version</h3>
            <ul data-testid="members">
              {members.map(({ m, what }) => (
                <li key={what + m}>
                  <span class={`badge change-${what}`}>{what}</span> <span class="mono">{m}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {detail.tables.map((t) => (
        <TableView key={t.member} t={t} />
      ))}
      {detail.profiles.map((p) => (
        <ProfileView key={p.member} p={p} name={p.member || (detail.path_b ?? detail.path_a ?? "table")} />
      ))}
      {detail.notes.length > 0 && (
        <section>
          {detail.notes.map((n, i) => (
            <p key={i} class="note">
              {n}
            </p>
          ))}
        </section>
      )}
    </>
  );
}

function TableView({ t }: { t: TableComparison }) {
  const explained = t.added_from.reduce((n, s) => n + s.rows, 0);
  const [allColumns, setAllColumns] = useState(false);
  const moved = t.columns.filter((c) => c.changed_rows > 0 || columnMoved(c.a, c.b));
  const shown = allColumns ? t.columns : moved;
  return (
    <section class="table-cmp" data-testid="table-comparison" data-member={t.member}>
      <h3 class="mono">{t.member || "table"}</h3>
      <p class="rows" data-testid="row-counts">
        <b>{formatNumber(t.rows_a)}</b> → <b>{formatNumber(t.rows_b)}</b> rows: <span class="plus">{formatNumber(t.rows_added)} added</span>, <span class="minus">{formatNumber(t.rows_removed)} removed</span>,{" "}
        <span class="chg">{formatNumber(t.rows_changed)} changed</span>, {formatNumber(t.rows_unchanged)} unchanged
        {t.key && <span class="muted"> (rows paired by {t.key})</span>}
      </p>
      {(t.columns_added.length > 0 || t.columns_removed.length > 0 || t.types_changed.length > 0) && (
        <ul class="schema" data-testid="schema-changes">
          {t.columns_added.map((c) => (
            <li key={`+${c}`}>
              <span class="badge change-added">column added</span> <span class="mono">{c}</span>
            </li>
          ))}
          {t.columns_removed.map((c) => (
            <li key={`-${c}`}>
              <span class="badge change-removed">column removed</span> <span class="mono">{c}</span>
            </li>
          ))}
          {t.types_changed.map(([c, a, b]) => (
            <li key={`~${c}`}>
              <span class="badge change-modified">type changed</span> <span class="mono">{c}</span> {a} → {b}
            </li>
          ))}
        </ul>
      )}
      {t.added_from.length > 0 && (
        <>
          <h3>Added rows by raw source</h3>
          <table class="changes" data-testid="added-from">
            <tbody>
              {t.added_from.map((s) => (
                <tr key={s.node}>
                  <td class="mono">{s.source}</td>
                  <td class="num">{formatNumber(s.rows)}</td>
                  <td class="num">{t.rows_added > 0 ? percent(s.rows / t.rows_added) : ""}</td>
                  <td class="muted" title={s.matched_on.join(", ")}>
                    matched on {s.matched_on.length} columns
                  </td>
                </tr>
              ))}
              {explained < t.rows_added && (
                <tr>
                  <td class="muted">from no raw source found</td>
                  <td class="num">{formatNumber(t.rows_added - explained)}</td>
                  <td class="num">{percent((t.rows_added - explained) / t.rows_added)}</td>
                  <td />
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
      <h3>
        Columns ({moved.length} of {t.columns.length} shifted){" "}
        {t.columns.length > moved.length && (
          <button class="link toggle" onClick={() => setAllColumns((x) => !x)}>
            {allColumns ? "show only those that shifted" : "show all"}
          </button>
        )}
      </h3>
      <table class="changes columns" data-testid="column-shifts">
        <thead>
          <tr>
            <th>column</th>
            <th>A</th>
            <th>B</th>
            <th>rows changed</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.name} class={columnMoved(c.a, c.b) || c.changed_rows > 0 ? "ch-changed" : ""}>
              <td class="mono">{c.name}</td>
              <td>{describeColumn(c.a)}</td>
              <td>{describeColumn(c.b)}</td>
              <td class="num">{c.changed_rows > 0 ? formatNumber(c.changed_rows) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ProfileView({ p, name }: { p: TableProfile; name: string }) {
  return (
    <section class="table-cmp" data-testid="table-profile">
      <h3 class="mono">{name}</h3>
      <p class="rows">
        <b>{formatNumber(p.rows)}</b> rows, {p.columns.length} columns
      </p>
      <table class="changes columns">
        <tbody>
          {p.columns.map(([name, c]) => (
            <tr key={name}>
              <td class="mono">{name}</td>
              <td>{describeColumn(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The runs' metrics, A and B side by side. */
export function Metrics({ metrics, title = "Metrics of the runs" }: { metrics: MetricPair[]; title?: string }) {
  return (
    <section class="metrics">
      <h3>{title}</h3>
      <table class="changes" data-testid="metrics">
        <thead>
          <tr>
            <th>metric</th>
            <th>A</th>
            <th>B</th>
            <th>B − A</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={`${m.run_a}|${m.run_b}|${m.name}`} title={`A: ${m.run_a}\nB: ${m.run_b}`}>
              <td class="mono">{m.name}</td>
              <td class="num">{formatNumber(m.a)}</td>
              <td class="num">{formatNumber(m.b)}</td>
              <td class="num">{metricDelta(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
