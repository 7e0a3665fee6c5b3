// Evidence reports: exporting the case as a (signed) report folder, and checking a report
// folder someone hands over. The engine writes and checks; these panels choose the folder and
// keys and show what came back.
import { useState } from "preact/hooks";
import { backend, type NewKey, type OnProgress } from "../backend";
import type { ReportCheck } from "../generated/ReportCheck";
import type { ReportWritten } from "../generated/ReportWritten";
import { formatBytes, reportVerdict, shortHex } from "./model";

/** Runs work with the progress bar and error bar; null when it failed. */
export type Task = <T>(label: string, work: () => Promise<T>) => Promise<T | null>;

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function ExportPanel({ task, onProgress, onClose, onKeyMade, onCheck }: { task: Task; onProgress: OnProgress; onClose(): void; onKeyMade(k: NewKey): void; onCheck(dir: string): void }) {
  const [dir, setDir] = useState<string | null>(null);
  const [signKey, setSignKey] = useState<string | null>(null);
  const [made, setMade] = useState<NewKey | null>(null);
  const [written, setWritten] = useState<ReportWritten | null>(null);

  const chooseKey = async () => {
    const [k] = await backend().pickFiles("Your signing key (Ed25519 private key, PKCS#8 PEM)", false);
    if (k) {
      setSignKey(k);
      setMade(null);
    }
  };
  const newKey = async () => {
    const p = await backend().pickSavePath("Save a new signing key as");
    if (!p) return;
    const k = await task("creating a signing key", () => backend().newKey(p));
    if (k) {
      setMade(k);
      setSignKey(k.private_key);
      onKeyMade(k);
    }
  };
  const exportNow = async () => {
    if (!dir) return;
    const w = await task("writing the report", () => backend().exportReport(dir, signKey, onProgress));
    if (w) setWritten(w);
  };

  return (
    <div class="panel report-panel" data-testid="export-panel">
      <div class="row">
        <b>Export an evidence report</b>
        <span class="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      {!written ? (
        <>
          <p class="muted">The report (HTML, JSON, PROV) goes into a new or empty folder, with an in-toto statement over its files and the case log's head, signed with your Ed25519 key when you give one.</p>
          <div class="field">
            <span>folder</span>
            <span class="mono" data-testid="export-dir">
              {dir ?? "—"}
            </span>
            <button data-testid="export-choose-dir" onClick={async () => setDir((await backend().pickFolder("An empty folder for the report")) ?? dir)}>
              Choose…
            </button>
          </div>
          <div class="field">
            <span>signing key</span>
            <span class="mono" data-testid="export-key">
              {signKey ?? "none (unsigned)"}
            </span>
            <button data-testid="export-choose-key" onClick={chooseKey}>
              Choose…
            </button>
            <button data-testid="export-new-key" onClick={newKey}>
              New key…
            </button>
            {signKey && <button onClick={() => (setSignKey(null), setMade(null))}>Unsigned</button>}
          </div>
          {made && (
            <p class="muted">
              New key {shortHex(made.fingerprint, 16)}; give its public key <span class="mono">{made.public_key}</span> to whoever checks your reports.
            </p>
          )}
          <button data-testid="export-go" disabled={!dir} onClick={exportNow}>
            Export
          </button>
        </>
      ) : (
        <div data-testid="export-result">
          <p>
            Written to <span class="mono">{written.dir}</span>
          </p>
          <p data-testid="export-signer">{written.signed_by ? <>signed by key <span class="mono">{written.signed_by}</span></> : "unsigned"}</p>
          <table>
            <tbody>
              {written.files.map((f) => (
                <tr key={f.name} data-testid="export-file">
                  <td>{f.name}</td>
                  <td>{formatBytes(Number(f.size))}</td>
                  <td class="mono" title={f.sha256}>
                    sha256 {shortHex(f.sha256, 16)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button data-testid="export-check" onClick={() => onCheck(written.dir)}>
            Check this report
          </button>
        </div>
      )}
    </div>
  );
}

/** A checked report: the signature's status, each file ok or FAIL, the case log, every problem. */
export function ReportCheckPanel({ check, trust, onAddKeys, onClose }: { check: ReportCheck; trust: string[]; onAddKeys(): void; onClose(): void }) {
  return (
    <div class="panel report-panel" data-testid="report-check">
      <div class="row">
        <b>Report check</b>
        <span class="spacer" />
        <button onClick={onAddKeys}>Check against key files…</button>
        <button onClick={onClose}>Close</button>
      </div>
      <p class="mono">{check.dir}</p>
      <p class={check.ok ? "verdict ok" : "verdict bad"} data-testid="report-verdict" data-ok={String(check.ok)}>
        {reportVerdict(check)}
      </p>
      <table>
        <tbody>
          <tr>
            <td>signature</td>
            <td>
              <span class={`status st-${check.signature}`} data-testid="report-signature">
                {check.signature}
              </span>
              {check.signer && <> by {check.signer}</>}
            </td>
          </tr>
          <tr>
            <td>checked against</td>
            <td>{trust.length === 0 ? <span class="muted">no key files (add the signer's public key)</span> : trust.map((t) => <div key={t} class="mono" title={t}>{baseName(t)}</div>)}</td>
          </tr>
          <tr>
            <td>case log</td>
            <td>{check.log_intact ? "intact against the signed head" : <b class="no">not intact</b>}</td>
          </tr>
        </tbody>
      </table>
      <h3>Files</h3>
      <table>
        <tbody>
          {check.files.map((f) => (
            <tr key={f.name} data-testid="report-file" data-ok={String(f.ok)}>
              <td>{f.ok ? <b class="yes">ok</b> : <b class="no">FAIL</b>}</td>
              <td>{f.name}</td>
              <td class="mono" title={`expected ${f.expected}${f.observed ? `, observed ${f.observed}` : ""}`}>
                {f.ok ? shortHex(f.expected, 16) : f.observed ? `expected ${shortHex(f.expected)} observed ${shortHex(f.observed)}` : "missing"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {check.problems.length > 0 && (
        <>
          <h3>Problems</h3>
          <ul class="problems" data-testid="report-problems">
            {check.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
