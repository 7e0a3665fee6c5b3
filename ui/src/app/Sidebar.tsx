// The lineage view's left-hand panel: the evidence the case holds, the keys it trusts, and the
// findings by class.
import { backend, type OnProgress } from "../backend";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import type { TrustedKeyInfo } from "../generated/TrustedKeyInfo";
import { FindingsList } from "./Findings";
import { formatBytes } from "./model";
import type { Run } from "./tasks";

export interface SidebarProps {
  summary: CaseSummary;
  findings: Finding[];
  keys: TrustedKeyInfo[];
  run: Run;
  onProgress: OnProgress;
  onTrustKeys(): void;
  /** Focuses the graph on a node. */
  onNavigate(id: string): void;
}

export function Sidebar({ summary, findings, keys, run, onProgress, onTrustKeys, onNavigate }: SidebarProps) {
  return (
    <aside class="left">
      <Evidence summary={summary} run={run} onProgress={onProgress} />
      <TrustedKeys keys={keys} onTrustKeys={onTrustKeys} />
      <section class="findings" data-testid="findings">
        <h2>Findings</h2>
        <FindingsList key={summary.path} summary={summary} findings={findings} onSelect={onNavigate} />
        <p class="muted">
          {summary.summary.verified} checks verified, {summary.summary.signature_valid} signed digests and signatures valid.
        </p>
      </section>
    </aside>
  );
}

/** The evidence roots and their sources, each with its acquisition register's digest; more can be added. */
function Evidence({ summary, run, onProgress }: Pick<SidebarProps, "summary" | "run" | "onProgress">) {
  return (
    <section class="evidence" data-testid="evidence">
      <div class="section-head">
        <h2>Evidence</h2>
        <button
          onClick={async () => {
            const p = await backend().pickFolder("Evidence folder to add");
            if (p) void run("adding evidence", () => backend().addEvidence(p, null, onProgress));
          }}
        >
          Add evidence…
        </button>
      </div>
      {summary.roots.map((r) => (
        <div key={r.path} class="root">
          <div class="root-path" title={r.path}>
            {r.label}
          </div>
          <ul>
            {r.sources.map((src) => (
              <li key={src.kind + src.path}>
                <span class="badge">{src.kind}</span> {src.path || "."}{" "}
                <span class="muted" title={`SHA-256 of the acquisition register: ${src.sha256}`}>
                  {src.files} files, {formatBytes(src.bytes)}, sha256 {src.sha256.slice(0, 12)}…
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p class="muted">Drop a folder on the window to add it.</p>
    </section>
  );
}

function TrustedKeys({ keys, onTrustKeys }: Pick<SidebarProps, "keys" | "onTrustKeys">) {
  return (
    <section class="trusted-keys" data-testid="keys">
      <div class="section-head">
        <h2>Trusted keys</h2>
        <button data-testid="trust-keys" onClick={onTrustKeys}>
          Trust key files…
        </button>
      </div>
      {keys.length === 0 ? (
        <p class="muted">None: signatures verify only as far as "untrusted key". Trust the signers' public keys to check them.</p>
      ) : (
        <ul>
          {keys.map((k) => (
            <li key={k.fingerprint + k.file} data-testid="trusted-key" title={[`${k.algorithm} ${k.fingerprint}`, ...(k.principals.length > 0 ? [`as ${k.principals.join(", ")}`] : []), `from ${k.file}`].join("\n")}>
              <b>{k.label}</b> <span class="muted">from {k.file.split(/[\\/]/).pop()}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
