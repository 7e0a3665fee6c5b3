// The dossier of one traced decision, beside its chain in the graph: the decision and its
// inputs, the model that made it (version, alias, served digest), the run, commit, parameters,
// environment, datasets with their hashes, raw sources, every verification check with its
// status, and the decision's group in the training data. The engine assembled all of it.
import type { ComponentChildren } from "preact";
import type { Dossier as DossierData } from "../generated/Dossier";
import type { DossierWritten } from "../generated/DossierWritten";
import type { TracedFile } from "../generated/TracedFile";
import type { TracedDataset } from "../generated/TracedDataset";
import { pct, sliceable } from "../slice/model";
import { checkSummary, formatTime, profileRows, rateAgainst, trainingDataset, valueText, verdict } from "./model";

interface Props {
  dossier: DossierData;
  saved: DossierWritten | null;
  onSave(): void;
  onNavigate(id: string): void;
  /** Opens the slicing panel on a dataset (shown as `display`), with a label to start from. */
  onSlice(node: string, display: string, label: string): void;
}

export function Dossier({ dossier, saved, onSave, onNavigate, onSlice }: Props) {
  const t = dossier.trace;
  const p = t.prediction;
  const m = t.model;
  const v = verdict(dossier);
  const training = trainingDataset(t);
  const rows = profileRows(dossier.group_profile);
  return (
    <div class="dossier" data-testid="dossier">
      <div class="row">
        <h2 data-testid="dossier-title">Decision {p.id}</h2>
        <span class="spacer" />
        <button class="primary" data-testid="dossier-save" title="Write dossier.html and dossier.json into a folder" onClick={onSave}>
          Save dossier…
        </button>
      </div>
      <p class={v.ok ? "verdict ok" : "verdict bad"} data-testid="dossier-verdict" data-ok={String(v.ok)}>
        {v.text}
      </p>
      {saved && (
        <p class="muted" data-testid="dossier-saved">
          Saved <span class="mono">{saved.html}</span> and <span class="mono">{saved.json}</span>
        </p>
      )}

      <section data-testid="dossier-decision">
        <h3>The decision</h3>
        <table class="facts">
          <tbody>
            <Fact k="decision" v={<b>{valueText(p.decision)}</b>} />
            <Fact k="score" v={valueText(p.score)} />
            <Fact k="time" v={p.time ?? "—"} />
            <Fact k="ground truth" v={valueText(p.ground_truth)} />
            <Fact k="logged in" v={<span class="mono">{`${p.log}, ${p.record} (${p.format})`}</span>} />
            {t.also_logged.length > 0 && <Fact k="also in" v={<span class="mono">{t.also_logged.join("; ")}</span>} />}
          </tbody>
        </table>
        <h3>Inputs</h3>
        <table class="facts" data-testid="dossier-inputs">
          <tbody>
            {Object.entries(p.inputs).map(([k, val]) => (
              <Fact key={k} k={k} v={<span class="mono">{valueText(val)}</span>} />
            ))}
          </tbody>
        </table>
      </section>

      <section data-testid="dossier-model">
        <h3>Model</h3>
        <table class="facts">
          <tbody>
            <Fact k="version" v={m.node ? <Link id={m.node} text={`${m.name ?? "?"} version ${m.version ?? "?"}`} onNavigate={onNavigate} /> : `${m.name ?? "?"} version ${m.version ?? "?"}`} />
            {m.alias && <Fact k="served as" v={`@${m.alias}${m.alias_now ? ` (now version ${m.alias_now})` : ""}`} />}
            <Fact k="digest" v={<span class="mono" data-testid="dossier-model-digest">{m.digest ? `sha256 ${m.digest}` : "—"}</span>} />
            {m.logged_model && <Fact k="logged model" v={<Link id={m.logged_model} text={m.logged_model} onNavigate={onNavigate} />} />}
            {m.artifacts.length > 0 && <Fact k="same bytes" v={<span class="mono">{m.artifacts.join("\n")}</span>} />}
          </tbody>
        </table>
      </section>

      {t.run && (
        <section data-testid="dossier-run">
          <h3>Training run</h3>
          <table class="facts">
            <tbody>
              <Fact k="run" v={<Link id={t.run.node} text={t.run.id} testid="dossier-run-id" onNavigate={onNavigate} />} />
              <Fact k="name" v={t.run.name} />
              {t.run.user && <Fact k="by" v={t.run.user} />}
              <Fact k="started" v={formatTime(t.run.start_time)} />
              {Object.keys(t.run.metrics).length > 0 && (
                <Fact
                  k="metrics"
                  v={Object.entries(t.run.metrics)
                    .map(([k, x]) => `${k} ${x}`)
                    .join(", ")}
                />
              )}
            </tbody>
          </table>
        </section>
      )}

      {t.commit && (
        <section data-testid="dossier-commit">
          <h3>Code</h3>
          <p>
            <Link id={t.commit.node} text={t.commit.sha} onNavigate={onNavigate} /> {t.commit.summary}
            {t.commit.tags.length > 0 && <span class="badge">{t.commit.tags.join(", ")}</span>}
            {t.commit.repository && <span class="muted"> in {t.commit.repository}</span>}
          </p>
        </section>
      )}

      {Object.keys(t.params).length > 0 && (
        <section data-testid="dossier-params">
          <h3>Parameters</h3>
          <table class="facts">
            <tbody>
              {Object.entries(t.params).map(([k, val]) => (
                <Fact key={k} k={k} v={<span class="mono">{val}</span>} />
              ))}
            </tbody>
          </table>
        </section>
      )}

      {t.environment.length > 0 && (
        <section data-testid="dossier-environment">
          <h3>Environment</h3>
          <Files files={t.environment} onNavigate={onNavigate} />
        </section>
      )}

      <section data-testid="dossier-datasets">
        <h3>Datasets</h3>
        {t.datasets.length === 0 && <p class="muted">The run records no dataset.</p>}
        <ul class="files">
          {t.datasets.map((d) => (
            <DatasetItem key={d.node} d={d} label={dossier.label} onNavigate={onNavigate} onSlice={onSlice} />
          ))}
        </ul>
      </section>

      {t.sources.length > 0 && (
        <section data-testid="dossier-sources">
          <h3>Raw sources</h3>
          <Files files={t.sources} onNavigate={onNavigate} />
        </section>
      )}

      <section data-testid="dossier-checks">
        <h3>
          Verification{" "}
          <span class="muted">
            ({checkSummary(t.verification)
              .map((c) => `${c.count} ${c.status}`)
              .join(", ")}
            )
          </span>
        </h3>
        <ul class="checks">
          {t.verification.map((c, i) => (
            <li key={i} data-testid="dossier-check" data-link={c.link} data-status={c.status}>
              <span class={`pill st-${c.status}`}>{c.status}</span> <span class="badge">{c.link}</span> <span class="detail">{c.detail}</span>
            </li>
          ))}
        </ul>
      </section>

      <section data-testid="dossier-profile">
        <h3>The decision's group in the training data</h3>
        {dossier.training ? (
          <p class="muted">
            <span class="mono">{dossier.training.path}</span> ({dossier.training.rows.toLocaleString("en-US")} rows{dossier.label ? `, label ${dossier.label}` : ""})
          </p>
        ) : (
          <p class="muted">No training set to profile the decision's group in.</p>
        )}
        {rows.length > 0 && (
          <table class="changes profile">
            <thead>
              <tr>
                <th>attribute</th>
                <th>value</th>
                <th class="num">training rows</th>
                <th class="num">base rate</th>
                <th>largest source</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.attribute} data-testid="profile-row" data-attribute={r.attribute} data-matched={String(r.group !== null)}>
                  <td>{r.attribute}</td>
                  <td class="mono">{r.value}</td>
                  {r.group ? (
                    <>
                      <td class="num">
                        {r.group.count.toLocaleString("en-US")} ({pct(r.group.share)})
                      </td>
                      <td class="num">{rateAgainst(r.group.base_rate, r.overall.base_rate)}</td>
                      <td>{r.topSource ? `${r.topSource.source.split("/").pop()} ${pct(r.topSource.share)}` : "—"}</td>
                    </>
                  ) : (
                    <td colSpan={3} class="muted">
                      {r.mismatch ?? "no training row has this value"}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {dossier.sources.length > 0 && (
          <p class="muted">
            Training rows by raw source:{" "}
            {dossier.sources.map((s) => `${s.source.split("/").pop()} ${s.rows.toLocaleString("en-US")} (${pct(s.share)})`).join(", ")}
          </p>
        )}
        {training && training.node && sliceable({ kind: "dataset", id: training.node, label: training.path }) && (
          <p>
            <button data-testid="dossier-slice-training" onClick={() => onSlice(training.node, `${training.path} (${training.role})`, dossier.label ?? "")}>
              Slice the training set…
            </button>
          </p>
        )}
      </section>

      {dossier.notes.length > 0 && (
        <section>
          <h3>Notes</h3>
          <ul class="notes">
            {dossier.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Fact({ k, v }: { k: string; v: ComponentChildren }) {
  return (
    <tr>
      <th>{k}</th>
      <td>{v}</td>
    </tr>
  );
}

function Link({ id, text, testid, onNavigate }: { id: string; text: string; testid?: string; onNavigate(id: string): void }) {
  return (
    <button class="link mono" data-testid={testid} title={`Show ${id} in the lineage graph`} onClick={() => onNavigate(id)}>
      {text}
    </button>
  );
}

function Files({ files, onNavigate }: { files: TracedFile[]; onNavigate(id: string): void }) {
  return (
    <ul class="files">
      {files.map((f) => (
        <li key={f.path}>
          {f.status && <span class={`pill st-${f.status}`}>{f.status}</span>} {f.node ? <Link id={f.node} text={f.path} onNavigate={onNavigate} /> : <span class="mono">{f.path}</span>}
          <div class="mono muted">
            {f.sha256 ? `sha256 ${f.sha256}` : ""}
            {f.md5 ? `${f.sha256 ? " · " : ""}md5 ${f.md5}` : ""}
          </div>
        </li>
      ))}
    </ul>
  );
}

function DatasetItem({ d, label, onNavigate, onSlice }: { d: TracedDataset; label: string | null; onNavigate(id: string): void; onSlice(node: string, display: string, label: string): void }) {
  return (
    <li data-testid="dossier-dataset" data-role={d.role} data-node={d.node}>
      {d.status && <span class={`pill st-${d.status}`}>{d.status}</span>} <span class="badge">{d.role}</span> <Link id={d.node} text={d.path} onNavigate={onNavigate} />
      {d.rows != null && <span class="muted"> · {d.rows.toLocaleString("en-US")} rows</span>}
      <button class="small" data-testid="dossier-slice" data-role={d.role} title="Slice this dataset by attributes" onClick={() => onSlice(d.node, `${d.path} (${d.role})`, d.role === "training" || d.role === "testing" ? (label ?? "") : "")}>
        Slice…
      </button>
      <div class="mono muted" data-testid="dossier-dataset-hashes">
        {d.sha256 ? `sha256 ${d.sha256}` : "sha256 —"}
        {d.md5 ? ` · md5 ${d.md5}` : ""}
        {d.digest ? ` · MLflow digest ${d.digest}` : ""}
        {d.data_version ? ` · ${d.data_version}` : ""}
      </div>
    </li>
  );
}
