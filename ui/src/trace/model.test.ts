import { describe, expect, it } from "vitest";
import { DEMO_DOSSIER } from "../backend/mockTrace";
import type { GroupProfile } from "../generated/GroupProfile";
import type { GroupStats } from "../generated/GroupStats";
import type { View } from "../generated/View";
import { toElements } from "../graph/elements";
import {
  chainContext,
  chainHighlight,
  chainNeighbourhood,
  chainOverlay,
  checkSummary,
  clustersToOpen,
  coveredBy,
  decisionId,
  decorate,
  formatTime,
  keyMatches,
  profileRows,
  rateAgainst,
  traceFocus,
  trainingDataset,
  valueText,
  verdict,
} from "./model";

const trace = DEMO_DOSSIER.trace;
const MV = "model-version:fraud-detector/3";
const RUN = "run:c006e5c16bb94ca6a182449d8782fa5e";
const ALIAS = "alias:fraud-detector@production";
const LOGGED = "logged-model:m-714b3dc3007242b982c6451ca7bad30c";
const PKL = "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl";
const COMMIT = "commit:0a90b199aada753eb54ef1c1a6e94b6d40cccb06";
const LOG = "file:inference/predictions.jsonl";

const node = (id: string, kind: View["nodes"][number]["kind"]) => ({ id, kind, label: id, status: "verified" as const });

/** The model version's neighbourhood: its alias, run, commit and logged model; the logged model's files clustered; a staging sibling off the chain. */
const view: View = {
  focus: MV,
  nodes: [node(MV, "model-version"), node(ALIAS, "alias"), node(RUN, "run"), node(COMMIT, "commit"), node(LOGGED, "logged-model"), node("agent:priya", "agent")],
  edges: [
    { from: ALIAS, relation: "alternateOf", to: MV },
    { from: MV, relation: "wasGeneratedBy", to: RUN },
    { from: MV, relation: "wasDerivedFrom", to: LOGGED },
    { from: RUN, relation: "used", to: COMMIT },
    { from: RUN, relation: "wasAssociatedWith", to: "agent:priya" },
  ],
  clusters: [
    {
      id: `cluster:${LOGGED}:up:hadMember:file`,
      anchor: LOGGED,
      relation: "hadMember",
      upstream: true,
      kind: "file",
      members: [node(PKL, "file"), node("file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/MLmodel", "file")],
    },
    { id: `cluster:${RUN}:up:used:file`, anchor: RUN, relation: "used", upstream: true, kind: "file", members: [node("file:other", "file")] },
  ],
  upstream: [MV, RUN, COMMIT, LOGGED],
};

describe("the trace's chain in a view", () => {
  it("centres on the model version that decided", () => {
    expect(traceFocus(trace)).toBe(MV);
    expect(traceFocus({ ...trace, model: { ...trace.model, node: null } })).toBe(LOG);
  });

  it("knows which chain nodes a view shows, and which clusters hide some", () => {
    expect(coveredBy(view, trace.chain)).toEqual([ALIAS, MV, LOGGED, PKL, RUN, COMMIT]);
    expect(clustersToOpen(view, trace.chain)).toEqual([`cluster:${LOGGED}:up:hadMember:file`]);
  });

  it("highlights the chain's nodes and the edges between two of them, and adds the decision", () => {
    const h = chainHighlight(view, trace);
    expect(h.nodes).toEqual([ALIAS, MV, LOGGED, RUN, COMMIT]);
    expect(h.edges.sort()).toEqual([`${ALIAS}|alternateOf|${MV}`, `${MV}|wasDerivedFrom|${LOGGED}`, `${MV}|wasGeneratedBy|${RUN}`, `${RUN}|used|${COMMIT}`].sort());
    expect(h.clusters).toEqual([`cluster:${LOGGED}:up:hadMember:file`]);
    // the decision, the log (not a lineage neighbour of the model) and their links
    const ids = h.extra.map((e) => e.data.id);
    expect(ids).toEqual([decisionId(trace), LOG, `decision:pred-000017|logged in|${LOG}`, `decision:pred-000017|served by|${ALIAS}`]);
    expect(h.extra[0].data.label).toBe("pred-000017\napprove");
    // the datasets, data versions and raw sources are further away than this view reaches
    expect(h.missing).toContain("dataset:ea7fe454b4cd4c558adafae2d8fa15d2");
    expect(h.missing).not.toContain(PKL);
    expect(h.missing).not.toContain(LOG);
  });

  it("serves from the model version when the alias is not in the view", () => {
    const bare = { ...view, nodes: view.nodes.filter((n) => n.id !== ALIAS), edges: view.edges.filter((e) => e.from !== ALIAS) };
    const h = chainHighlight(bare, trace);
    expect(h.extra.map((e) => e.data.id)).toContain(`decision:pred-000017|served by|${MV}`);
  });

  it("dims what is off the chain and drops the upstream highlight", () => {
    const out = decorate(toElements(view, null), chainHighlight(view, trace));
    const classes = (id: string) => out.find((e) => e.data.id === id)!.classes;
    expect(classes(RUN)).toContain("chain");
    expect(classes(RUN)).not.toContain("upstream");
    expect(classes("agent:priya")).toContain("dimmed");
    expect(classes(`${RUN}|wasAssociatedWith|agent:priya`)).toContain("dimmed");
    expect(classes(`${MV}|wasGeneratedBy|${RUN}`)).toContain("chain");
    expect(classes(`cluster:${LOGGED}:up:hadMember:file`)).toContain("chain");
    expect(classes(`cluster:${LOGGED}:up:hadMember:file-edge`)).toContain("chain");
    expect(classes(`cluster:${RUN}:up:used:file`)).toContain("dimmed");
    expect(out.filter((e) => e.classes.includes("synthetic"))).toHaveLength(4);
  });

  it("names what it highlights for the end-to-end run", () => {
    const o = chainOverlay(view, trace);
    expect(o.highlighted).toEqual([ALIAS, MV, LOGGED, RUN, COMMIT, decisionId(trace), LOG]);
  });
});

describe("the neighbourhood that shows the chain", () => {
  /** A fake engine: each depth shows more of the chain; clusters open when asked. */
  const fetches: string[] = [];
  const fetch = async (depth: number, expanded: string[]): Promise<View> => {
    fetches.push(`${depth}:${expanded.join(",")}`);
    const reach = [ALIAS, MV, LOGGED, RUN, COMMIT].slice(0, Math.min(5, depth + 1));
    const clustered = expanded.length === 0;
    return {
      ...view,
      nodes: [...reach.map((id) => node(id, "run")), ...(clustered ? [] : [node(PKL, "file")])],
      clusters: clustered && depth >= 2 ? [view.clusters[0]] : [],
    };
  };

  it("takes the smallest depth that shows as much of the chain as the deepest, then opens the clusters hiding chain members", async () => {
    fetches.length = 0;
    const r = await chainNeighbourhood(trace.chain, fetch);
    expect(r.depth).toBe(4);
    expect(r.expanded).toEqual([`cluster:${LOGGED}:up:hadMember:file`]);
    expect(r.view.nodes.map((n) => n.id)).toContain(PKL);
    expect(fetches).toEqual(["6:", "2:", "3:", "4:", `4:cluster:${LOGGED}:up:hadMember:file`]);
  });
});

describe("a chain member in two clusters", () => {
  const big = { id: `cluster:${RUN}:down:wasGeneratedBy:file`, anchor: RUN, relation: "wasGeneratedBy" as const, upstream: false, kind: "file" as const, members: [node(PKL, "file"), ...Array.from({ length: 14 }, (_, i) => node(`file:out-${i}`, "file"))] };
  const small = { ...view.clusters[0] };
  const fetch = async (_depth: number, expanded: string[]): Promise<View> => {
    const open = expanded.includes(small.id);
    return {
      ...view,
      nodes: [...view.nodes, ...(open ? small.members : [])],
      // once the file is drawn, the run's cluster holds only the others
      clusters: open ? [{ ...big, members: big.members.slice(1) }] : [big, small],
    };
  };

  it("opens only the smallest cluster that shows it", async () => {
    expect(clustersToOpen(await fetch(3, []), trace.chain)).toEqual([small.id, big.id]);
    const r = await chainNeighbourhood(trace.chain, fetch);
    expect(r.expanded).toEqual([small.id]);
    expect(clustersToOpen(r.view, trace.chain)).toEqual([]);
  });
});

const stats = (key: string | null, count: number, base: number, composition: GroupStats["composition"] = []): GroupStats => ({
  key: [key],
  count,
  share: count / 1000,
  reference_count: null,
  reference_share: null,
  labelled: count,
  base_rate: base,
  reference_base_rate: null,
  selection_rate: null,
  true_positive_rate: null,
  false_positive_rate: null,
  disparate_impact: null,
  four_fifths_flag: false,
  composition,
});

describe("the dossier", () => {
  it("matches a group to the decision's value as text or as the same number", () => {
    expect(keyMatches(["41-60"], "41-60")).toBe(true);
    expect(keyMatches(["1"], "1.0")).toBe(true);
    expect(keyMatches(["18-25"], "41-60")).toBe(false);
    expect(keyMatches([null], null)).toBe(true);
    expect(keyMatches([""], "0")).toBe(false);
  });

  it("profiles the decision's group, and will not show another group's numbers as its own", () => {
    const overall = stats(null, 1000, 0.05);
    const profile: GroupProfile[] = [
      { attribute: "age", value: "60+", group: stats("60+", 300, 0.185, [{ source: "raw/internal.csv", node: "data:i", rows: 190, share: 0.63 }, { source: "raw/tx.csv", node: "data:t", rows: 110, share: 0.37 }]), overall },
      { attribute: "region", value: "west", group: stats("central", 200, 0.02), overall },
      { attribute: "country", value: "ZZ", group: null, overall },
    ];
    const [age, region, country] = profileRows(profile);
    expect(age.group?.count).toBe(300);
    expect(age.topSource).toEqual({ source: "raw/internal.csv", share: 0.63 });
    expect(region.group).toBeNull();
    expect(region.mismatch).toBe("the engine gave the group central, not west");
    expect(country.group).toBeNull();
    expect(country.mismatch).toBeNull();
  });

  it("reads the demo's dossier: the training set, the checks, the verdict", () => {
    expect(trainingDataset(trace)?.sha256).toBe("1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4");
    expect(checkSummary(trace.verification)).toEqual([
      { status: "unverifiable", count: 2 },
      { status: "signature-valid", count: 5 },
      { status: "verified", count: 11 },
    ]);
    expect(verdict(DEMO_DOSSIER)).toEqual({ ok: true, text: "every link of the chain checks out" });
    expect(verdict({ ...DEMO_DOSSIER, trace: { ...trace, failures: 2 } }).text).toBe("2 checks fail along the chain");
    const rows = profileRows(DEMO_DOSSIER.group_profile);
    expect(rows.every((r) => r.mismatch === null && r.group !== null)).toBe(true);
    const age = rows.find((r) => r.attribute === "customer_age_band")!;
    expect(age).toMatchObject({ value: "41-60", group: { count: 1216 } });
    expect(age.topSource?.source).toBe("project/data/raw/transactions.csv");
  });

  it("formats logged values, times and rates", () => {
    expect(valueText("approve")).toBe("approve");
    expect(valueText(0.017663)).toBe("0.017663");
    expect(valueText(null)).toBe("—");
    expect(valueText({ is_fraud: 0 })).toBe('{"is_fraud":0}');
    expect(formatTime(1793897525701)).toBe("2026-11-05 16:52:05Z");
    expect(formatTime(null)).toBe("—");
    expect(rateAgainst(0.185, 0.0757)).toBe("18.5% (2.4× overall)");
    expect(rateAgainst(null, 0.1)).toBe("—");
  });
});

describe("the chain's context", () => {
  it("keeps the chain, its direct neighbours and the clusters off chain nodes", () => {
    const far: View = {
      ...view,
      nodes: [...view.nodes, node("agent:far", "agent")],
      edges: [...view.edges, { from: "agent:priya", relation: "wasAttributedTo", to: "agent:far" }],
      clusters: [...view.clusters, { id: "cluster:agent:priya:down:x", anchor: "agent:priya", relation: "wasAssociatedWith", upstream: false, kind: "run", members: [node("run:other", "run")] }],
    };
    const c = chainContext(far, trace.chain);
    // the agent is the run's neighbour; the agent's own neighbours are not
    expect(c.nodes.map((n) => n.id)).toEqual([MV, ALIAS, RUN, COMMIT, LOGGED, "agent:priya"]);
    expect(c.edges.some((e) => e.to === "agent:far")).toBe(false);
    expect(c.clusters.map((x) => x.anchor)).toEqual([LOGGED, RUN]);
    expect(c.focus).toBe(MV);
  });
});
