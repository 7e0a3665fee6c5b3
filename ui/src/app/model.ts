// Pure UI logic: grouping findings, formatting, keyboard shortcuts. Unit-tested.
import type { Finding } from "../generated/Finding";
import type { NodeSummary } from "../generated/NodeSummary";
import type { Status } from "../generated/Status";
import type { NodeDetails } from "../generated/NodeDetails";
import type { Summary } from "../generated/Summary";
import type { ReportCheck } from "../generated/ReportCheck";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Coverage } from "../generated/Coverage";
import type { FindingGroup as EngineGroup } from "../generated/FindingGroup";
import type { VerdictClass } from "../generated/VerdictClass";
import type { SignatureFacts } from "../generated/SignatureFacts";
import type { Signer } from "../generated/Signer";

/** Every status, worst first (the engine's order, reversed). */
export const SEVERITY: Status[] = ["signature-invalid", "mismatch", "conflict", "missing", "untrusted-key", "not-collected", "unverifiable", "informational", "signature-valid", "verified"];

/** The verdict classes in the order an investigator reads them (the engine's `VerdictClass`). */
export const CLASS_ORDER: VerdictClass[] = ["tamper", "contradiction", "loss", "not-collected", "informational", "verified"];

/** What a class is called in the findings list and the banner. */
export const CLASS_NAMES: Record<VerdictClass, string> = {
  tamper: "Tamper-indicating",
  contradiction: "Contradiction",
  loss: "Loss",
  "not-collected": "Not collected",
  informational: "Informational",
  verified: "Verified",
};

/** The class of a status (the engine's `Status::class()`). */
export function classOf(s: Status): VerdictClass {
  switch (s) {
    case "mismatch":
    case "signature-invalid":
    case "untrusted-key":
      return "tamper";
    case "conflict":
      return "contradiction";
    case "missing":
      return "loss";
    case "not-collected":
      return "not-collected";
    case "informational":
    case "unverifiable":
      return "informational";
    default:
      return "verified";
  }
}

/** One of the engine's groups with its findings resolved: what the findings list shows. */
export interface ShownGroup {
  group: EngineGroup;
  findings: Finding[];
  /** Whether its findings are listed without a click: a single finding, or a few failures. */
  open: boolean;
}

/** Failure groups up to this size are listed open; bigger ones, and every other class, are a click away. */
export const OPEN_UP_TO = 3;

/**
 * The engine's groups in verdict order (class, then as the engine ranked them), each with its
 * member findings (the groups index into `findings`); members that are not there are skipped.
 */
export function shownGroups(groups: EngineGroup[], findings: Finding[]): ShownGroup[] {
  const rank = (g: EngineGroup) => CLASS_ORDER.indexOf(g.class);
  return groups
    .map((group, i) => ({ group, i }))
    .sort((a, b) => rank(a.group) - rank(b.group) || a.i - b.i)
    .map(({ group }) => {
      const members = group.members.map((m) => findings[m]).filter((f): f is Finding => f !== undefined);
      return { group, findings: members, open: members.length === 1 || (failingClass(group.class) && members.length <= OPEN_UP_TO) };
    })
    .filter((g) => g.findings.length > 0);
}

/** The banner's colour: the worst class found (a rewritten case log counts as tampering). */
export function bannerClass(s: Pick<CaseSummary, "groups" | "log_intact">): VerdictClass {
  if (!s.log_intact) return "tamper";
  let worst: VerdictClass = "verified";
  for (const g of s.groups) if (CLASS_ORDER.indexOf(g.class) < CLASS_ORDER.indexOf(worst)) worst = g.class;
  return worst;
}

/** What the banner says about coverage: "412 files: 380 read, 20 checked, 12 not interpreted", and the unread formats named. */
export function coverageText(c: Coverage | null): { line: string; formats: string[]; other: string[] } {
  if (!c) return { line: "Coverage: re-verify to account for every evidence file (the latest verification predates coverage)", formats: [], other: [] };
  const n = (k: number) => k.toLocaleString("en-US");
  const line = `${n(c.files)} file${c.files === 1 ? "" : "s"}: ${n(c.read)} read, ${n(c.checked)} checked, ${n(c.not_interpreted)} not interpreted`;
  const where = (folder: string, files: number) => `${files} file${files === 1 ? "" : "s"}${folder ? ` under ${folder}/` : ""}`;
  return {
    line,
    formats: c.groups.filter((g) => g.known_format).map((g) => g.description),
    other: c.groups.filter((g) => !g.known_format).map((g) => `${g.description} (${where(g.folder, g.files)})`),
  };
}

/** Tampering, loss, contradiction, or a signature that cannot be relied on. */
export function isFailure(s: Status): boolean {
  return failingClass(classOf(s));
}

/** Only these classes are failures (the CLI's exit code 1). */
export function failingClass(c: VerdictClass): boolean {
  return c === "tamper" || c === "contradiction" || c === "loss";
}

/** The header's counts, worst first, with a summary field per status. */
export function statusCounts(s: Summary): { status: Status; count: number }[] {
  const field: Record<Status, keyof Summary> = {
    "signature-invalid": "signature_invalid",
    mismatch: "mismatch",
    conflict: "conflict",
    missing: "missing",
    "untrusted-key": "untrusted_key",
    "not-collected": "not_collected",
    unverifiable: "unverifiable",
    informational: "informational",
    "signature-valid": "signature_valid",
    verified: "verified",
  };
  return [...SEVERITY].reverse().map((status) => ({ status, count: s[field[status]] ?? 0 }));
}

/** One signature a file or commit is covered by, from its `signed-digest` / `commit-signature` findings. */
export interface SignedBy {
  status: Status;
  /** Who signed (the engine's structured signer: label, key fingerprint, trust); null when no key or identity verified the signature. */
  signer: Signer | null;
  /** The record carrying the signature (a signature file, or the repository for a commit). */
  via: string;
  detail: string;
}

export function signedBy(findings: Finding[]): SignedBy[] {
  return findings
    .filter((f) => f.check === "signed-digest" || f.check === "commit-signature")
    .map((f) => ({ status: f.status, signer: f.signer ?? null, via: f.source?.file ?? f.path ?? "", detail: f.detail }));
}

/** What the inspector says about a signature node. */
export interface SignatureInfo {
  format: string;
  verdict: string;
  signer: string | null;
  fingerprint: string | null;
  trusted: boolean | null;
  /** Why the key is or is not trusted (where it came from). */
  origin: string | null;
  /** The key's node, when a key verified the signature. */
  key: string | null;
  /** What the signature signs directly (an attestation or a commit). */
  signs: string[];
  /** The files and commits it covers: its own subjects, or those of the statement it signs. */
  covers: string[];
}

/** The signature's facts from its typed attributes and its edges; `signed` is the statement it signs, when fetched. */
export function signatureInfo(sig: NodeDetails, signed: NodeDetails[] = []): SignatureInfo {
  const a: Partial<SignatureFacts> = sig.node.kind === "signature" ? sig.node.attrs : {};
  const signs = sig.outgoing.filter((e) => e.role === "signs").map((e) => e.to);
  const subjects = [...sig.outgoing, ...signed.flatMap((d) => d.outgoing)].filter((e) => e.role === "subject").map((e) => e.to);
  const kindOf = new Map(sig.neighbours.map((n) => [n.id, n.kind]));
  const covers = [...new Set([...signs.filter((id) => kindOf.get(id) === "commit"), ...subjects])];
  return {
    format: a.format ?? "signature",
    verdict: a.verdict ?? sig.node.status ?? "unchecked",
    signer: a.signer ?? null,
    fingerprint: a.key_fingerprint ?? null,
    trusted: a.key_trusted ?? null,
    origin: a.key_origin ?? null,
    key: sig.outgoing.find((e) => e.relation === "wasAttributedTo")?.to ?? null,
    signs,
    covers,
  };
}

/** A signing key's facts, or null for other nodes. */
export function keyInfo(d: NodeDetails): { algorithm: string; fingerprint: string; trusted: boolean; origins: string[]; principals: string[]; signed: string[] } | null {
  if (d.node.kind !== "key") return null;
  const a = d.node.attrs;
  return {
    algorithm: a.algorithm,
    fingerprint: a.fingerprint,
    trusted: a.trusted,
    origins: a.origins,
    principals: a.principals ?? [],
    signed: d.incoming.filter((e) => e.relation === "wasAttributedTo").map((e) => e.from),
  };
}

/** A one-line verdict on a checked report folder. */
export function reportVerdict(c: ReportCheck): string {
  const failed = c.files.filter((f) => !f.ok).length;
  if (c.ok) return `intact: signature valid${c.signer ? ` (signed by ${c.signer})` : ""}, ${c.files.length} files match, case log intact`;
  const parts = [c.signature === "signature-valid" ? "signature valid" : `signature: ${c.signature}`];
  if (failed > 0) parts.push(`${failed} of ${c.files.length} files FAIL`);
  if (!c.log_intact) parts.push("case log not intact");
  return `NOT intact: ${parts.join(", ")}`;
}

/** A short form of a long hex fingerprint or digest. */
export function shortHex(h: string, n = 12): string {
  return h.length > n ? `${h.slice(0, n)}…` : h;
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export type Action = "search" | "compare" | "trace" | "fit" | "zoom-in" | "zoom-out" | "deeper" | "shallower" | "next-finding" | "prev-finding" | "verify" | "escape";

/** Keyboard shortcuts for the common moves (ignored while typing in a field). */
export function actionFor(key: string, ctrl: boolean, inField: boolean): Action | null {
  if (key === "Escape") return "escape";
  if (ctrl && key.toLowerCase() === "k") return "search";
  if (inField) return null;
  switch (key) {
    case "/":
      return "search";
    case "f":
      return "fit";
    case "+":
    case "=":
      return "zoom-in";
    case "-":
      return "zoom-out";
    case "]":
      return "deeper";
    case "[":
      return "shallower";
    case "j":
      return "next-finding";
    case "k":
      return "prev-finding";
    case "v":
      return "verify";
    case "c":
      return "compare";
    case "t":
      return "trace";
    default:
      return null;
  }
}

export const SHORTCUTS: [string, string][] = [
  ["/ or Ctrl+K", "search"],
  ["c", "compare two lineages / back to the graph"],
  ["t", "trace a decision (the trace box)"],
  ["j / k", "next / previous finding (divergence in Compare)"],
  ["[ / ]", "less / more depth"],
  ["f", "fit the graph"],
  ["+ / -", "zoom"],
  ["v", "re-verify"],
  ["Esc", "close search, or a drill-down"],
];

/** The members of a cluster matching a filter (label or id, case-insensitive), failures first. */
export function filterMembers(members: NodeSummary[], filter: string): NodeSummary[] {
  const q = filter.trim().toLowerCase();
  const rank = (m: NodeSummary) => SEVERITY.indexOf(m.status ?? "verified");
  return members
    .filter((m) => q === "" || m.label.toLowerCase().includes(q) || m.id.toLowerCase().includes(q))
    .sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
}
