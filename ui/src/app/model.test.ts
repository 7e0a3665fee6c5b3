import { describe, expect, it } from "vitest";
import type { Finding } from "../generated/Finding";
import type { FindingGroup } from "../generated/FindingGroup";
import { actionFor, bannerClass, classOf, coverageText, filterMembers, formatBytes, shownGroups } from "./model";

const f = (status: Finding["status"], id: string): Finding => ({
  status,
  check: "dvc-workspace",
  node: { kind: "data-version", id, label: id },
  detail: "",
});

describe("actionFor", () => {
  it("maps keys, but not while typing, except Escape and Ctrl+K", () => {
    expect(actionFor("/", false, false)).toBe("search");
    expect(actionFor("j", false, true)).toBeNull();
    expect(actionFor("k", true, true)).toBe("search");
    expect(actionFor("Escape", false, true)).toBe("escape");
    expect(actionFor("]", false, false)).toBe("deeper");
    expect(actionFor("c", false, false)).toBe("compare");
    expect(actionFor("c", false, true)).toBeNull();
    expect(actionFor("t", false, false)).toBe("trace");
    expect(actionFor("t", false, true)).toBeNull();
  });
});

describe("formatBytes", () => {
  it("uses decimal units", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(3_300_000)).toBe("3.3 MB");
  });
});

describe("filterMembers", () => {
  const members = [
    { id: "file:a/model.pkl", kind: "file" as const, label: "a/model.pkl", status: "verified" as const },
    { id: "file:a/MLmodel", kind: "file" as const, label: "a/MLmodel", status: "mismatch" as const },
    { id: "file:a/conda.yaml", kind: "file" as const, label: "a/conda.yaml" },
  ];
  it("filters by label or id and lists failures first", () => {
    expect(filterMembers(members, "").map((m) => m.label)).toEqual(["a/MLmodel", "a/conda.yaml", "a/model.pkl"]);
    expect(filterMembers(members, "MODEL").map((m) => m.label)).toEqual(["a/MLmodel", "a/model.pkl"]);
    expect(filterMembers(members, "nothing")).toEqual([]);
  });
});

import type { NodeDetails } from "../generated/NodeDetails";
import type { Payload } from "../generated/Payload";
import type { SignatureFacts } from "../generated/SignatureFacts";
import type { ReportCheck } from "../generated/ReportCheck";
import type { Signer } from "../generated/Signer";
import { isFailure, keyInfo, reportVerdict, SEVERITY, signatureInfo, signedBy, statusCounts } from "./model";

const validDetail =
  "the file's bytes are the signed bytes; the bundle's DSSE signature verifies under ECDSA P-256 key 5c384f9c9a0b (trusted: supplied by the investigator (/keys/release-p256.pub))";
const untrustedDetail =
  "the file's bytes are the signed bytes; the DSSE signature verifies under ECDSA P-256 key ff57169879e7 (not trusted: carried inside the signature (serving/fraud-detector/model.sig)); supply the signer's key with --trust if it is the expected signer";

describe("signature statuses", () => {
  it("orders every status worst first and counts the signature failures as failures", () => {
    expect(SEVERITY[0]).toBe("signature-invalid");
    expect(SEVERITY.indexOf("untrusted-key")).toBeLessThan(SEVERITY.indexOf("unverifiable"));
    expect(SEVERITY.indexOf("signature-valid")).toBeLessThan(SEVERITY.indexOf("verified"));
    expect(SEVERITY.filter(isFailure)).toEqual(["signature-invalid", "mismatch", "conflict", "missing", "untrusted-key"]);
  });

  it("reads the header counts from the summary, best first", () => {
    const counts = statusCounts({ verified: 63, signature_valid: 29, informational: 2, unverifiable: 3, not_collected: 1, untrusted_key: 1, missing: 0, conflict: 0, mismatch: 2, signature_invalid: 4 });
    expect(counts.map((c) => `${c.count} ${c.status}`)).toEqual([
      "63 verified",
      "29 signature-valid",
      "2 informational",
      "3 unverifiable",
      "1 not-collected",
      "1 untrusted-key",
      "0 missing",
      "0 conflict",
      "2 mismatch",
      "4 signature-invalid",
    ]);
  });
});

describe("signers", () => {
  const supplied: Signer = {
    label: "ECDSA P-256 key 5c384f9c9a0b",
    key_fingerprint: "5c384f9c9a0b".padEnd(64, "0"),
    trusted: true,
    trust: "supplied-key",
    origin: "trusted: supplied by the investigator (/keys/release-p256.pub)",
  };
  const embedded: Signer = {
    label: "ECDSA P-256 key ff57169879e7",
    key_fingerprint: "ff57169879e7".padEnd(64, "0"),
    trusted: false,
    trust: "embedded-key",
    origin: "not trusted: carried inside the signature (serving/fraud-detector/model.sig)",
  };

  it("lists the signatures covering a file or commit from its signed-digest and commit-signature findings, signer as the engine names it", () => {
    const invalid = "the file's digest matches the signed statement, but the DSSE signature is invalid: x";
    const findings: Finding[] = [
      { ...f("signature-valid", "file:m.pkl"), check: "signed-digest", detail: validDetail, signer: supplied, source: { file: "serving/fraud-detector/model.sig", record: "" } },
      { ...f("verified", "file:m.pkl"), check: "evidence-register", signer: supplied },
      { ...f("untrusted-key", "commit:abc"), check: "commit-signature", detail: untrustedDetail, signer: embedded, path: "repo" },
      { ...f("signature-invalid", "file:m.pkl"), check: "signed-digest", detail: invalid, path: "a.sig" },
    ];
    expect(signedBy(findings)).toEqual([
      { status: "signature-valid", signer: supplied, via: "serving/fraud-detector/model.sig", detail: validDetail },
      { status: "untrusted-key", signer: embedded, via: "repo", detail: untrustedDetail },
      { status: "signature-invalid", signer: null, via: "a.sig", detail: invalid },
    ]);
  });

  it("takes the signer from the finding's signer field only, never from its words", () => {
    // the detail names a key and its trust, but the engine gave no signer: none is made up
    const [s] = signedBy([{ ...f("signature-valid", "file:m.pkl"), check: "signed-digest", detail: validDetail }]);
    expect(s.signer).toBeNull();
    // and a keyless identity, which has no key fingerprint, is shown as given
    const keyless: Signer = { label: "release@example.com", trusted: false, trust: "untrusted-identity", origin: "not trusted: a certificate identity the investigator has not said to trust" };
    const [k] = signedBy([{ ...f("untrusted-key", "file:m.pkl"), check: "signed-digest", detail: "d", signer: keyless }]);
    expect(k.signer).toEqual(keyless);
  });
});

/** A node's details from its typed facts (`payload`: its kind and attributes) and edges. */
const node = (id: string, payload: Payload, outgoing: NodeDetails["outgoing"] = [], incoming: NodeDetails["incoming"] = [], neighbours: NodeDetails["neighbours"] = []): NodeDetails => ({
  node: { id, label: id, claims: [], ...payload },
  findings: [],
  outgoing,
  incoming,
  neighbours,
});

describe("signatureInfo", () => {
  const attrs: SignatureFacts = {
    format: "Sigstore bundle (DSSE, self-managed key)",
    verdict: "signature-valid",
    signer: "ECDSA P-256 key 5c384f9c9a0b",
    key_fingerprint: "5c384f9c".padEnd(64, "0"),
    key_trusted: true,
    key_origin: "trusted: supplied by the investigator (/keys/release-p256.pub)",
  };
  it("covers the subjects of the statement it signs", () => {
    const sig = node("signature:s/model.sig", { kind: "signature", attrs }, [
      { from: "signature:s/model.sig", relation: "wasDerivedFrom", to: "attestation:s/model.sig", role: "signs" },
      { from: "signature:s/model.sig", relation: "wasDerivedFrom", to: "file:s/model.sig", role: "stored-in" },
      { from: "signature:s/model.sig", relation: "wasAttributedTo", to: "key:5c38" },
    ]);
    const att = node("attestation:s/model.sig", { kind: "attestation", attrs: { path: "s/model.sig", predicate_type: "https://model_signing/signature/v1.0", statement_type: "https://in-toto.io/Statement/v1", subjects: 2 } }, [
      { from: "attestation:s/model.sig", relation: "wasDerivedFrom", to: "file:s/model.pkl", role: "subject" },
      { from: "attestation:s/model.sig", relation: "wasDerivedFrom", to: "file:s/MLmodel", role: "subject" },
    ]);
    const info = signatureInfo(sig, [att]);
    expect(info).toMatchObject({ format: attrs.format, verdict: "signature-valid", signer: attrs.signer, trusted: true, origin: attrs.key_origin, key: "key:5c38" });
    expect(info.signs).toEqual(["attestation:s/model.sig"]);
    expect(info.covers).toEqual(["file:s/model.pkl", "file:s/MLmodel"]);
    expect(signatureInfo(sig).covers).toEqual([]);
  });

  it("covers its own subjects (a detached signature) or the commit it signs", () => {
    const detached = node("signature:p.sig", { kind: "signature", attrs: { format: "detached Ed25519 signature", verdict: "unverifiable" } }, [
      { from: "signature:p.sig", relation: "wasDerivedFrom", to: "file:p.jsonl", role: "subject" },
    ]);
    expect(signatureInfo(detached)).toMatchObject({ verdict: "unverifiable", signer: null, trusted: null, key: null, covers: ["file:p.jsonl"] });
    const commit = node("signature:git@abc", { kind: "signature", attrs: { format: "git ssh signature", verdict: "untrusted-key", key_trusted: false } }, [
      { from: "signature:git@abc", relation: "wasDerivedFrom", to: "commit:abc", role: "signs" },
    ], [], [{ id: "commit:abc", kind: "commit", label: "abc Add the model" }]);
    expect(signatureInfo(commit)).toMatchObject({ trusted: false, signs: ["commit:abc"], covers: ["commit:abc"] });
    // what a signature signs is covered when it is a commit by kind, whatever its id reads
    const statement = node("signature:s.json", { kind: "signature", attrs: { format: "DSSE envelope", verdict: "signature-valid" } }, [
      { from: "signature:s.json", relation: "wasDerivedFrom", to: "attestation:s.json", role: "signs" },
    ], [], [{ id: "attestation:s.json", kind: "attestation", label: "statement" }]);
    expect(signatureInfo(statement)).toMatchObject({ signs: ["attestation:s.json"], covers: [] });
  });
});

describe("keyInfo", () => {
  it("reads a signing key's node, and nothing from agents", () => {
    const key = node(
      "key:14837f",
      { kind: "key", attrs: { algorithm: "Ed25519", fingerprint: "14837f", securesystemslib_keyid: "ab12", trusted: false, origins: ["not trusted: found in the evidence (k.pub)"], principals: ["m@example"] } },
      [],
      [{ from: "signature:git@abc", relation: "wasAttributedTo", to: "key:14837f" }],
    );
    expect(keyInfo(key)).toEqual({ algorithm: "Ed25519", fingerprint: "14837f", trusted: false, origins: ["not trusted: found in the evidence (k.pub)"], principals: ["m@example"], signed: ["signature:git@abc"] });
    expect(keyInfo(node("agent:alice", { kind: "agent", attrs: { keyless_identity: true, trusted: true } }))).toBeNull();
  });
});

describe("reportVerdict", () => {
  const check: ReportCheck = {
    dir: "/r",
    signature: "signature-valid",
    signer: "Ed25519 key ab12",
    files: [
      { name: "report.html", expected: "aa", observed: "aa", ok: true },
      { name: "report.json", expected: "bb", observed: "bb", ok: true },
    ],
    log_intact: true,
    problems: [],
    ok: true,
  };
  it("says intact, or what fails", () => {
    expect(reportVerdict(check)).toBe("intact: signature valid (signed by Ed25519 key ab12), 2 files match, case log intact");
    const changed = { ...check, ok: false, files: [check.files[0], { ...check.files[1], observed: "cc", ok: false }], log_intact: false, problems: ["report.json: changed"] };
    expect(reportVerdict(changed)).toBe("NOT intact: signature valid, 1 of 2 files FAIL, case log not intact");
    expect(reportVerdict({ ...check, ok: false, signature: "unsigned", signer: undefined })).toBe("NOT intact: signature: unsigned");
  });
});

describe("the verdict at a glance", () => {
  const g = (cls: FindingGroup["class"], status: Finding["status"], members: number[]): FindingGroup => ({ class: cls, status, check: "dvc-workspace", title: `${members.length} ${status}`, members });
  const fs = [f("informational", "r1"), f("mismatch", "d1"), f("informational", "r2"), f("missing", "d2"), f("conflict", "r3"), f("not-collected", "d3")];

  it("orders groups by class, keeping the engine's order within one", () => {
    const shown = shownGroups([g("informational", "informational", [0, 2]), g("loss", "missing", [3]), g("tamper", "mismatch", [1]), g("not-collected", "not-collected", [5]), g("contradiction", "conflict", [4])], fs);
    expect(shown.map((s) => s.group.class)).toEqual(["tamper", "contradiction", "loss", "not-collected", "informational"]);
    expect(shown[4].findings.map((x) => x.node.id)).toEqual(["r1", "r2"]);
  });

  it("lists a single finding or a few failures open, the rest a click away", () => {
    const many = [0, 1, 2, 3, 4];
    const shown = shownGroups([g("tamper", "mismatch", [1]), g("loss", "missing", many), g("informational", "informational", [0, 2]), g("informational", "unverifiable", [3])], fs);
    expect(shown.map((s) => s.open)).toEqual([true, false, false, true]);
    expect(shownGroups([g("contradiction", "conflict", [0, 1, 2])], fs)[0].open).toBe(true);
  });

  it("skips members that are not in the findings, and groups left empty", () => {
    expect(shownGroups([g("tamper", "mismatch", [1, 99]), g("loss", "missing", [42])], fs).map((s) => s.findings.length)).toEqual([1]);
  });

  it("colours the banner by the worst class; a rewritten log is tampering", () => {
    expect(bannerClass({ groups: [], log_intact: true })).toBe("verified");
    expect(bannerClass({ groups: [g("informational", "informational", [0]), g("loss", "missing", [3])], log_intact: true })).toBe("loss");
    expect(bannerClass({ groups: [g("informational", "informational", [0])], log_intact: true })).toBe("informational");
    expect(bannerClass({ groups: [], log_intact: false })).toBe("tamper");
  });

  it("maps every status to its class as the engine does", () => {
    expect(classOf("untrusted-key")).toBe("tamper");
    expect(classOf("unverifiable")).toBe("informational");
    expect(classOf("signature-valid")).toBe("verified");
  });

  it("says what was read of the evidence and names the unread formats", () => {
    const c = coverageText({
      files: 1412,
      read: 1380,
      checked: 20,
      not_interpreted: 12,
      groups: [
        { kind: "mlflow-file-store", description: "an MLflow FileStore (mlruns/): not read", known_format: true, folder: "mlruns", files: 10, examples: [] },
        { kind: "document", description: "documents (prose, not records)", known_format: false, folder: "", files: 2, examples: [] },
      ],
    });
    expect(c.line).toBe("1,412 files: 1,380 read, 20 checked, 12 not interpreted");
    expect(c.formats).toEqual(["an MLflow FileStore (mlruns/): not read"]);
    expect(c.other).toEqual(["documents (prose, not records) (2 files)"]);
    expect(coverageText(null).line).toMatch(/re-verify/);
  });
});
