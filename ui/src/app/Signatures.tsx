// The inspector's signature sections: a signature node (what signed what, under which key,
// trusted or not and why), a signing key, and "signed by" on a file or commit. They read only
// what the engine put on the nodes and findings; the one extra call fetches the statement a
// signature signs, to list what that statement covers.
import { useEffect, useState } from "preact/hooks";
import { backend } from "../backend";
import type { NodeDetails } from "../generated/NodeDetails";
import { keyInfo, shortHex, signatureInfo, signedBy } from "./model";

type Navigate = (id: string) => void;

function NodeLink({ id, onNavigate }: { id: string; onNavigate: Navigate }) {
  return (
    <button class="link mono" onClick={() => onNavigate(id)}>
      {id}
    </button>
  );
}

export function SignatureSection({ details, onNavigate }: { details: NodeDetails; onNavigate: Navigate }) {
  const [signed, setSigned] = useState<NodeDetails[]>([]);
  // the statements it signs, by their kind (a signature may also sign a commit)
  const attestations = new Set(details.neighbours.filter((n) => n.kind === "attestation").map((n) => n.id));
  const statements = details.outgoing.filter((e) => e.role === "signs" && attestations.has(e.to)).map((e) => e.to);
  useEffect(() => {
    let live = true;
    setSigned([]);
    Promise.all(statements.map((id) => backend().nodeDetails(id)))
      .then((d) => live && setSigned(d))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [details.node.id]);
  const info = signatureInfo(details, signed);
  return (
    <section class="signature" data-testid="signature">
      <h3>Signature</h3>
      <table>
        <tbody>
          <tr>
            <td>format</td>
            <td>{info.format}</td>
          </tr>
          <tr>
            <td>verdict</td>
            <td>
              <span class={`status st-${info.verdict}`} data-testid="signature-verdict">
                {info.verdict}
              </span>
            </td>
          </tr>
          <tr>
            <td>signer</td>
            <td>{info.signer ?? <span class="muted">no key verifies it</span>}</td>
          </tr>
          {info.fingerprint && (
            <tr>
              <td>key</td>
              <td class="mono" title={info.fingerprint}>
                {info.key ? (
                  <button class="link mono" onClick={() => onNavigate(info.key!)}>
                    {shortHex(info.fingerprint, 16)}
                  </button>
                ) : (
                  shortHex(info.fingerprint, 16)
                )}
              </td>
            </tr>
          )}
          {info.trusted !== null && (
            <tr>
              <td>trusted</td>
              <td data-testid="signature-trust">
                <b class={info.trusted ? "yes" : "no"}>{info.trusted ? "yes" : "no"}</b>
                {info.origin && <div class="muted">{info.origin}</div>}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {info.signs.length > 0 && (
        <>
          <h3>Signs</h3>
          <ul>
            {info.signs.map((id) => (
              <li key={id}>
                <NodeLink id={id} onNavigate={onNavigate} />
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Covers ({info.covers.length})</h3>
      <ul data-testid="signature-covers">
        {info.covers.map((id) => (
          <li key={id}>
            <NodeLink id={id} onNavigate={onNavigate} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function KeySection({ details, onNavigate }: { details: NodeDetails; onNavigate: Navigate }) {
  const k = keyInfo(details);
  if (!k) return null;
  return (
    <section class="signing-key" data-testid="signing-key">
      <h3>Signing key</h3>
      <table>
        <tbody>
          <tr>
            <td>algorithm</td>
            <td>{k.algorithm}</td>
          </tr>
          <tr>
            <td>fingerprint</td>
            <td class="mono">{k.fingerprint}</td>
          </tr>
          <tr>
            <td>trusted</td>
            <td>
              <b class={k.trusted ? "yes" : "no"}>{k.trusted ? "yes" : "no"}</b>
              {k.origins.map((o) => (
                <div key={o} class="muted">
                  {o}
                </div>
              ))}
            </td>
          </tr>
          {k.principals.length > 0 && (
            <tr>
              <td>principals</td>
              <td>{k.principals.join(", ")}</td>
            </tr>
          )}
        </tbody>
      </table>
      {k.signed.length > 0 && (
        <>
          <h3>Signed with it</h3>
          <ul>
            {k.signed.map((id) => (
              <li key={id}>
                <NodeLink id={id} onNavigate={onNavigate} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** "Signed by …" for a file or commit, one line per signature that covers it. */
export function SignedBySection({ details }: { details: NodeDetails }) {
  const list = signedBy(details.findings);
  if (list.length === 0) return null;
  return (
    <section data-testid="signed-by-list">
      <h3>Signed by</h3>
      <ul>
        {list.map((s, i) => (
          <li key={i} class="signed-by" data-testid="signed-by" data-status={s.status} data-trust={s.signer?.trust} title={s.signer?.key_fingerprint}>
            {s.signer?.label ?? <span class="muted">no verified signer</span>}{" "}
            <span class={`status st-${s.status}`}>({s.status})</span>
            <div class="muted mono">via {s.via}</div>
            {s.signer && <div class="muted">{s.signer.origin}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
