// End-to-end test of the real, built desktop app: tauri-driver drives WebKitWebDriver, which
// drives the Tauri window (run under xvfb-run on machines with no display).
//
//   node e2e/run.mjs <path to custody-app binary>
//
// It launches the app, opens the demo case (its scenario's keys trusted), checks the graph is
// drawn, reads a signed model file's signature in the inspector, exports a signed report and
// checks it, compares staging with production (root causes, the code change down to the
// line), traces a logged decision to its chain and dossier, slices the production training
// set against staging's and exports a chart, opens a tampered copy of the demo case, reads the mismatch in the inspector, and
// follows a finding to its node; then opens a corpus sweep (fixtures/corpus/sweep-loop), clean
// and with a data byte flipped, and reads the verdict banner and the findings grouped in
// verdict order; last, on a generated history of 100,000 commits (fixtures/make-large), starts a
// re-verification and opens a node while it runs: the answer comes before the verification ends.
//
// The system file dialogs cannot be driven over WebDriver: the test queues the answers a user
// would give in `window.__custodyPicks`, which the app's dialogs take instead of opening
// (ui/src/backend/tauri.ts). Everything after the dialog is the real app.
// Screenshots go to e2e/screenshots/ (representative ones are copied to docs/).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const app = resolve(process.argv[2] ?? "");
const driverPort = 4444;
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;

/** A copy of `caseDir` under a temporary folder named `name`, with a tampered variant's overlay applied when given. */
function materialise(caseDir, name, overlay) {
  const root = join(mkdtempSync(join(tmpdir(), "custody-e2e-")), name);
  cpSync(caseDir, root, { recursive: true });
  renameGitDirs(root);
  if (!overlay) return { root, truth: null };
  cpSync(join(overlay, "files"), root, { recursive: true, force: true });
  const truth = JSON.parse(readFileSync(join(overlay, "truth.json"), "utf8"));
  for (const rel of truth.deleted ?? []) rmSync(join(root, rel), { recursive: true, force: true });
  return { root, truth };
}

/** The corpus stores work-tree repositories as `_git` (fixtures/corpus/README.md): back to `.git`. */
function renameGitDirs(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name === "_git") renameSync(join(dir, e.name), join(dir, ".git"));
    else renameGitDirs(join(dir, e.name));
  }
}

function tamperedDemo(variant) {
  return materialise(join(repo, "fixtures/cases/fraud-detection"), "fraud-detection", join(repo, "fixtures/tampered", variant));
}

/** A corpus scenario's case (fixtures/corpus/<scenario>/case), tampered by `variant` when given. */
function corpusCase(scenario, variant) {
  const dir = join(repo, "fixtures/corpus", scenario);
  return materialise(join(dir, "case"), scenario, variant ? join(dir, "tampered", variant) : null);
}

async function wd(method, path, body) {
  const res = await fetch(`http://127.0.0.1:${driverPort}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok || json.value?.error) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${driverPort}/status`);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error("tauri-driver did not start");
}

function session(id) {
  const s = `/session/${id}`;
  const find = async (css, timeoutMs = 60000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        const el = await wd("POST", `${s}/element`, { using: "css selector", value: css });
        return Object.values(el)[0];
      } catch (e) {
        if (Date.now() > end) throw new Error(`no element ${css}: ${e.message}`);
        await sleep(250);
      }
    }
  };
  return {
    find,
    async findAll(css) {
      const els = await wd("POST", `${s}/elements`, { using: "css selector", value: css });
      return els.map((e) => Object.values(e)[0]);
    },
    click: (el) => wd("POST", `${s}/element/${el}/click`, {}),
    type: (el, text) => wd("POST", `${s}/element/${el}/value`, { text }),
    text: (el) => wd("GET", `${s}/element/${el}/text`),
    attr: (el, name) => wd("GET", `${s}/element/${el}/attribute/${name}`),
    exec: (script, args = []) => wd("POST", `${s}/execute/sync`, { script, args }),
    async waitText(css, pattern, timeoutMs = 60000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        try {
          const t = await this.text(await find(css, 1000));
          if (pattern.test(t)) return t;
        } catch {}
        if (Date.now() > end) throw new Error(`${css} never matched ${pattern}`);
        await sleep(250);
      }
    },
    async screenshot(name) {
      const png = await wd("GET", `${s}/screenshot`);
      writeFileSync(join(shots, `${name}.png`), Buffer.from(png, "base64"));
    },
    close: () => wd("DELETE", s),
  };
}

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${e.stack ?? e}`);
  }
}

async function withApp(env, body) {
  const driver = spawn("tauri-driver", ["--port", String(driverPort)], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
  try {
    await waitForDriver();
    const created = await wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: app } } } });
    const s = session(created.sessionId);
    try {
      await body(s);
    } finally {
      await s.close().catch(() => undefined);
    }
  } finally {
    driver.kill();
    await sleep(500);
  }
}

if (!app) {
  console.error("usage: node e2e/run.mjs <custody-app binary>");
  process.exit(2);
}

const home = mkdtempSync(join(tmpdir(), "custody-e2e-home-"));
const base = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };

await withApp({ ...base, CUSTODY_DEMO_DIR: join(repo, "fixtures/cases/fraud-detection") }, async (s) => {
  await check("the app starts on the start screen", async () => {
    await s.find('[data-testid="open-demo"]');
    await s.screenshot("start");
  });
  await check("the demo case opens and its graph is drawn", async () => {
    await s.click(await s.find('[data-testid="open-demo"]'));
    const graph = await s.find('[data-testid="graph"]', 120000);
    const nodes = Number(await s.attr(graph, "data-nodes"));
    if (!(nodes > 3)) throw new Error(`graph shows ${nodes} nodes`);
    await s.waitText('[data-testid="counts"]', /no failures/);
    await sleep(1500);
    await s.screenshot("demo-graph");
  });
  await check("the demo's scenario keys are trusted", async () => {
    const counts = await s.waitText('[data-testid="counts"]', /[1-9]\d* signature-valid/);
    if (/untrusted-key|signature-invalid/.test(counts)) throw new Error(`signatures fail: ${counts}`);
    const keys = await s.findAll('[data-testid="trusted-key"]');
    if (keys.length < 4) throw new Error(`${keys.length} trusted keys listed`);
  });
  await check("a signed model file reads signature-valid, signed by the release key", async () => {
    await s.click(await s.find('[data-testid="search-open"]'));
    await s.type(await s.find('[data-testid="search"] input'), "serving/fraud-detector/model.pkl");
    await s.click(await s.find('[data-testid="search-result"][data-id="file:serving/fraud-detector/model.pkl"]'));
    await s.waitText('[data-testid="inspector-label"]', /serving\/fraud-detector\/model\.pkl/);
    await s.waitText('[data-testid="inspector-status"]', /^signature-valid$/);
    const signers = (await Promise.all((await s.findAll('[data-testid="signed-by"]')).map((e) => s.text(e)))).join("\n");
    if (!/ECDSA P-256 key .*\(signature-valid\)/.test(signers)) throw new Error(`no signed-by line for the release key: ${signers}`);
    if (!signers.includes("via serving/fraud-detector/model.sig")) throw new Error(`signature file not named: ${signers}`);
  });
  await check("the model's signature node shows its signer, trusted key and what it covers", async () => {
    await s.click(await s.find('[data-testid="search-open"]'));
    const box = await s.find('[data-testid="search"] input');
    // Clear the previous query the way typing would (an input event), then search again.
    await s.exec("const i = document.querySelector('[data-testid=\"search\"] input'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
    await s.type(box, "model.sig");
    await s.click(await s.find('[data-testid="search-result"][data-id="signature:serving/fraud-detector/model.sig"]'));
    await s.waitText('[data-testid="signature-verdict"]', /^signature-valid$/);
    await s.waitText('[data-testid="signature-trust"]', /yes[\s\S]*supplied by the investigator/);
    await s.waitText('[data-testid="signature-covers"]', /file:serving\/fraud-detector\/model\.pkl/);
    await sleep(1500);
    await s.screenshot("signature-inspector");
  });
  await check("a signed report is exported, and checks out against the new key", async () => {
    const work = mkdtempSync(join(tmpdir(), "custody-e2e-report-"));
    const out = join(work, "report");
    const key = join(work, "investigator.pem");
    // The answers to the two dialogs: the report folder, then where to save a new key.
    await s.exec("window.__custodyPicks = arguments[0];", [[out, key]]);
    await s.click(await s.find('[data-testid="export-report"]'));
    await s.click(await s.find('[data-testid="export-choose-dir"]'));
    await s.waitText('[data-testid="export-dir"]', /report$/);
    await s.click(await s.find('[data-testid="export-new-key"]'));
    await s.waitText('[data-testid="export-key"]', /investigator\.pem$/);
    await s.click(await s.find('[data-testid="export-go"]'));
    await s.waitText('[data-testid="export-signer"]', /signed by key [0-9a-f]{64}/, 120000);
    const files = readdirSync(out).sort();
    for (const f of ["report.html", "report.intoto.json", "report.json"]) if (!files.includes(f)) throw new Error(`${f} not written: ${files}`);
    if (!existsSync(`${key}.pub`)) throw new Error("the new key's public key was not written");
    await s.screenshot("report-exported");
    await s.click(await s.find('[data-testid="export-check"]'));
    await s.waitText('[data-testid="report-signature"]', /^signature-valid$/);
    const verdict = await s.find('[data-testid="report-verdict"]');
    if ((await s.attr(verdict, "data-ok")) !== "true") throw new Error(`report check fails: ${await s.text(verdict)}`);
    await s.exec("window.__custodyPicks = undefined;");
    await sleep(500);
    await s.screenshot("report-check");
  });
  await check("staging and production diverge at the parameters, the code and the data; the code change reads down to the line", async () => {
    await s.click(await s.find('[data-testid="compare-open"]'));
    // Each chooser: type, then pick the alias from the suggestions.
    for (const [side, alias] of [["a", "staging"], ["b", "production"]]) {
      await s.type(await s.find(`[data-testid="compare-${side}"]`), alias);
      await s.click(await s.find(`[data-testid="compare-options-${side}"] [data-testid="compare-option"][data-id="alias:fraud-detector@${alias}"]`));
      const value = await s.exec(`return document.querySelector('[data-testid="compare-${side}"]').value;`);
      if (value !== `models:/fraud-detector@${alias}`) throw new Error(`chooser ${side} reads ${value}`);
    }
    await s.click(await s.find('[data-testid="compare-go"]'));
    await s.waitText('[data-testid="compare-summary"]', /3 root causes/, 120000);
    const roots = await s.findAll('[data-testid="divergence"][data-root="true"]');
    const listed = await Promise.all(roots.map(async (e) => `${await s.attr(e, "data-kind")}: ${await s.text(e)}`));
    if (!listed.some((t) => t.startsWith("params:") && t.includes("max_depth"))) throw new Error(`no max_depth root cause: ${listed.join("\n")}`);
    for (const kind of ["code", "data"]) if (!listed.some((t) => t.startsWith(`${kind}:`))) throw new Error(`no ${kind} root cause: ${listed.join("\n")}`);
    const graph = await s.find('[data-testid="diff-graph"]');
    if (!(Number(await s.attr(graph, "data-pairs")) > 5)) throw new Error("the aligned graph is empty");

    await s.click(await s.find('[data-testid="divergence"][data-root="true"][data-kind="code"]'));
    await s.waitText('[data-testid="code-files"]', /src\/prepare\.py/);
    await s.waitText('[data-testid="commits"]', /Prepare: merge internal review data/);
    await s.click(await s.find('[data-testid="code-file"][data-path="src/prepare.py"]'));
    const diff = await s.waitText('[data-testid="file-diff"]', /internal_reviews/);
    if (!/@@ -\d+/.test(diff)) throw new Error(`no hunk in the diff: ${diff.slice(0, 400)}`);
    const added = await s.findAll('[data-testid="file-diff"] tr.dl-add');
    if (added.length === 0) throw new Error("no added line coloured in the diff");
    await sleep(1500);
    await s.screenshot("diff-view");
  });
  await check("a decision traces to its model, run and training set: the chain is highlighted in the graph, the dossier beside it", async () => {
    // Enter in the trace box traces the decision
    await s.type(await s.find('[data-testid="trace-box"]'), "pred-000017\uE007");
    await s.waitText('[data-testid="dossier-run-id"]', /^c006e5c16bb94ca6a182449d8782fa5e$/, 120000);
    const graph = await s.find('[data-testid="trace-graph"]');
    const chain = ((await s.attr(graph, "data-chain")) ?? "").split(" ");
    for (const id of ["model-version:fraud-detector/3", "run:c006e5c16bb94ca6a182449d8782fa5e", "decision:pred-000017"]) if (!chain.includes(id)) throw new Error(`${id} not highlighted: ${chain.join(" ")}`);
    await s.waitText('[data-testid="dossier-dataset"][data-role="training"]', /sha256 1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4/);
    const verdict = await s.find('[data-testid="dossier-verdict"]');
    if ((await s.attr(verdict, "data-ok")) !== "true") throw new Error(`the chain does not check out: ${await s.text(verdict)}`);
    const checks = await s.findAll('[data-testid="dossier-check"]');
    if (checks.length < 10) throw new Error(`${checks.length} checks listed`);
    await s.waitText('[data-testid="dossier-model-digest"]', /ebd79302e7feb36356af7f8b7383f589f1819c183bebd50ede899283e3b10d55/);
    // the decision's age band (41-60) in the training set: its own group's rows
    const age = await s.find('[data-testid="profile-row"][data-attribute="customer_age_band"]');
    if ((await s.attr(age, "data-matched")) !== "true" || !/41-60[\s\S]*1,216/.test(await s.text(age))) throw new Error(`age band profile: ${await s.text(age)}`);
    await sleep(1500);
    await s.screenshot("trace-view");
  });
  await check("the dossier is saved into a chosen folder", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "custody-e2e-dossier-")), "dossier");
    await s.exec("window.__custodyPicks = arguments[0];", [[out]]);
    await s.click(await s.find('[data-testid="dossier-save"]'));
    await s.waitText('[data-testid="dossier-saved"]', /dossier\.html/, 60000);
    await s.exec("window.__custodyPicks = undefined;");
    const saved = JSON.parse(readFileSync(join(out, "dossier.json"), "utf8"));
    if (saved.trace?.run?.id !== "c006e5c16bb94ca6a182449d8782fa5e") throw new Error(`dossier.json traces to ${saved.trace?.run?.id}`);
    if (!existsSync(join(out, "dossier.html"))) throw new Error("dossier.html not written");
  });
  await check("the production training set slices by age band against staging's: shares, rates and the internal reviews' share of 60+", async () => {
    await s.click(await s.find('[data-testid="dossier-slice"][data-role="training"]'));
    await s.click(await s.find('[data-testid="slice-attr"][data-column="customer_age_band"]', 60000));
    // the dossier's label (is_fraud) is preset; choose it all the same, as a user would
    await s.exec("const l = document.querySelector('[data-testid=\"slice-label\"]'); l.value = 'is_fraud'; l.dispatchEvent(new Event('change', { bubbles: true }));");
    await s.type(await s.find('[data-testid="slice-reference"]'), "staging");
    await s.click(await s.find('[data-testid="slice-reference-options"] [data-testid="compare-option"][data-id="alias:fraud-detector@staging"]'));
    await s.click(await s.find('[data-testid="slice-go"]'));
    const results = await s.find('[data-testid="slice-results"]', 120000);
    if ((await s.attr(results, "data-groups")) !== "4") throw new Error(`${await s.attr(results, "data-groups")} groups`);
    const summary = await s.text(await s.find('[data-testid="slice-summary"]'));
    if (!/4,400 rows of project\/data\/processed\/train\.parquet/.test(summary) || !summary.includes("3,200 rows")) throw new Error(`summary: ${summary}`);
    const bars = await s.findAll('[data-testid="chart-shares"] rect.bar');
    if (bars.length !== 8) throw new Error(`${bars.length} share bars`);
    if ((await s.findAll('[data-testid="chart-rates"] rect.bar')).length !== 8) throw new Error("no rate bars");
    const old = await s.text(await s.find('[data-testid="slice-group"][data-key="60+"]'));
    if (!/1,316/.test(old) || !/30%/.test(old) || !/15%/.test(old)) throw new Error(`60+ row: ${old}`);
    const share = await s.exec("const e = [...document.querySelectorAll('[data-testid=\"composition-segment\"]')].find((x) => x.getAttribute('data-group') === '60+' && x.getAttribute('data-source').endsWith('internal_reviews.csv')); return e ? Number(e.getAttribute('data-share')) : null;");
    if (!(share > 0.5)) throw new Error(`internal reviews' share of 60+: ${share}`);
    const comp = await s.text(await s.find('[data-testid="chart-composition"]'));
    if (!comp.includes("internal_reviews.csv")) throw new Error(`composition legend: ${comp}`);
    await sleep(1000);
    await s.screenshot("slice-view");
  });
  await check("a chart exports as SVG and as PNG", async () => {
    const work = mkdtempSync(join(tmpdir(), "custody-e2e-charts-"));
    const svg = join(work, "shares.svg");
    const png = join(work, "shares");
    await s.exec("window.__custodyPicks = arguments[0];", [[svg, png]]);
    await s.click(await s.find('[data-testid="chart-shares"] [data-testid="export-svg"]'));
    await s.waitText('[data-testid="chart-shares"] [data-testid="export-saved"]', /shares\.svg$/);
    await s.click(await s.find('[data-testid="chart-shares"] [data-testid="export-png"]'));
    await s.waitText('[data-testid="chart-shares"] [data-testid="export-saved"]', /shares\.png$/);
    await s.exec("window.__custodyPicks = undefined;");
    const text = readFileSync(svg, "utf8");
    if (!text.startsWith("<?xml") || !text.includes("<svg") || !text.includes("60+")) throw new Error(`not the chart: ${text.slice(0, 200)}`);
    const bytes = readFileSync(`${png}.png`);
    if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error("not a PNG");
    // a 2× rendering of the chart (the PNG's IHDR against the SVG's size)
    const size = /<svg\b[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(text);
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    if (!size || w !== 2 * Number(size[1]) || h !== 2 * Number(size[2])) throw new Error(`PNG is ${w} × ${h}, the SVG ${size?.[1]} × ${size?.[2]}`);
  });
});

const tampered = tamperedDemo("raw-byte-flip");
await withApp({ ...base, CUSTODY_DEMO_DIR: tampered.root, CUSTODY_DEMO_KEYS: join(repo, "fixtures/keys") }, async (s) => {
  await check("a tampered node's mismatch is read in the inspector", async () => {
    await s.click(await s.find('[data-testid="open-demo"]'));
    await s.waitText('[data-testid="counts"]', /[1-9]\d* mismatch/, 120000);
    // The app opens on the worst finding's node.
    await s.waitText('[data-testid="inspector-status"]', /mismatch/);
    const card = await s.find('[data-testid="inspector-finding"][data-status="mismatch"]');
    const text = await s.text(card);
    const changed = tampered.truth.changed[0];
    if (!text.includes(changed.path)) throw new Error(`inspector does not name ${changed.path}: ${text}`);
    if (!text.includes(changed.what.md5_after)) throw new Error(`inspector does not show the observed digest: ${text}`);
    await sleep(1000);
    await s.screenshot("tampered-inspector");
  });
  await check("a finding leads to its node", async () => {
    const findings = await s.findAll('[data-testid="finding"]');
    if (findings.length === 0) throw new Error("no findings listed");
    const target = await s.attr(findings[0], "data-node");
    await s.click(findings[0]);
    await s.waitText('[data-testid="inspector-label"]', /.+/);
    const graph = await s.find('[data-testid="graph"]');
    const deadline = Date.now() + 20000;
    while ((await s.attr(graph, "data-focus")) !== target) {
      if (Date.now() > deadline) throw new Error(`graph did not focus ${target}`);
      await sleep(250);
    }
    await s.screenshot("finding-focus");
  });
});

/** The findings list as it reads: each group's class, status, count, whether it is open, and its title. */
async function groupsOf(s) {
  const groups = await s.findAll('[data-testid="finding-group"]');
  return Promise.all(groups.map(async (g) => ({ el: g, class: await s.attr(g, "data-class"), count: Number(await s.attr(g, "data-count")), open: (await s.attr(g, "data-open")) === "true", title: await s.text(g) })));
}

/** The search result whose text matches `pattern`, once the results for the whole query are in. */
async function searchHit(s, pattern, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const el of await s.findAll('[data-testid="search-result"]').catch(() => [])) {
      if (pattern.test(await s.text(el).catch(() => ""))) return el;
    }
    if (Date.now() > deadline) throw new Error(`no search result matched ${pattern}`);
    await sleep(250);
  }
}

/** Waits until the graph is drawn around `id`. */
async function waitFocus(s, id) {
  const graph = await s.find('[data-testid="graph"]', 120000);
  const deadline = Date.now() + 30000;
  while ((await s.attr(graph, "data-focus")) !== id) {
    if (Date.now() > deadline) throw new Error(`graph focuses ${await s.attr(graph, "data-focus")}, not ${id}`);
    await sleep(250);
  }
}

const sweep = corpusCase("sweep-loop");
await withApp({ ...base, CUSTODY_DEMO_DIR: sweep.root }, async (s) => {
  await check("a clean sweep reads clean at a glance: the verdict, the coverage, and its 14 exploratory runs as one group", async () => {
    await s.click(await s.find('[data-testid="open-demo"]'));
    await s.waitText('[data-testid="verdict-sentence"]', /^Clean: no tampering, contradiction or loss found/, 120000);
    const banner = await s.find('[data-testid="verdict"]');
    if ((await s.attr(banner, "data-class")) !== "informational") throw new Error(`banner coloured ${await s.attr(banner, "data-class")}`);
    await s.waitText('[data-testid="coverage"]', /^\d[\d,]* files: [\d,]+ read, [\d,]+ checked, [\d,]+ not interpreted/);
    const groups = await groupsOf(s);
    const runs = groups.find((g) => /params differ from the pipeline at their commit \(exploratory runs\)/.test(g.title));
    if (!runs || runs.count !== 14 || runs.open || runs.class !== "informational") throw new Error(`exploratory runs: ${JSON.stringify(groups.map(({ el, ...g }) => g))}`);
    if (groups.some((g) => g.class !== "informational" && g.class !== "not-collected")) throw new Error(`a failure in a clean case: ${groups.map((g) => g.title).join("; ")}`);
    if ((await s.findAll('[data-testid="finding"]')).length > groups.filter((g) => g.open).reduce((n, g) => n + g.count, 0)) throw new Error("closed groups list their findings");
    // the graph opens on the verdict's first node: the first member of the first group
    const firstNode = () => s.exec("return document.querySelector('[data-testid=\"finding-group\"] [data-testid=\"finding\"]')?.getAttribute('data-node') ?? null;");
    if (!groups[0].open) await s.click(await s.find('[data-testid="finding-group-toggle"]'));
    const first = await firstNode();
    if (!first) throw new Error("the first group lists no finding when opened");
    await waitFocus(s, first);
    if (!groups[0].open) await s.click(await s.find('[data-testid="finding-group-toggle"]'));
    await sleep(1500);
    await s.screenshot("sweep-clean");
  });
  await check("a member of a group leads to its node", async () => {
    const runs = (await groupsOf(s)).find((g) => g.count === 14);
    await s.click(await s.find(`[data-testid="finding-group"][data-count="14"] [data-testid="finding-group-toggle"]`));
    const members = await s.findAll('[data-testid="finding-group"][data-count="14"] [data-testid="finding"]');
    if (members.length !== runs.count) throw new Error(`${members.length} members listed`);
    const target = await s.attr(members[3], "data-node");
    await s.click(members[3]);
    await waitFocus(s, target);
    await s.waitText('[data-testid="inspector-status"]', /^informational$/);
  });
});

const flipped = corpusCase("sweep-loop", "data-byte-flip");
await withApp({ ...base, CUSTODY_DEMO_DIR: flipped.root }, async (s) => {
  await check("a tampered sweep: the tamper group first, the exploratory runs grouped with the informational ones at the end, the graph on the tampered data", async () => {
    await s.click(await s.find('[data-testid="open-demo"]'));
    await s.waitText('[data-testid="verdict-sentence"]', /^Tampering indicated: [1-9]\d* tamper-indicating finding/, 120000);
    const banner = await s.find('[data-testid="verdict"]');
    if ((await s.attr(banner, "data-class")) !== "tamper") throw new Error(`banner coloured ${await s.attr(banner, "data-class")}`);
    const groups = await groupsOf(s);
    const listed = JSON.stringify(groups.map(({ el, ...g }) => g));
    if (groups[0]?.class !== "tamper" || !groups[0].open) throw new Error(`the tamper group is not first and open: ${listed}`);
    // the informational groups close the list (largest first); the exploratory runs are one of them, closed
    const runs = groups.find((g) => /exploratory runs/.test(g.title));
    const firstInformational = groups.findIndex((g) => g.class === "informational");
    if (!runs || runs.class !== "informational" || runs.count !== 14 || runs.open || groups.indexOf(runs) < firstInformational || groups.slice(firstInformational).some((g) => g.class !== "informational")) {
      throw new Error(`the exploratory runs are not grouped among the informational groups at the end: ${listed}`);
    }
    const order = ["tamper", "contradiction", "loss", "not-collected", "informational"];
    for (let i = 1; i < groups.length; i++) if (order.indexOf(groups[i].class) < order.indexOf(groups[i - 1].class)) throw new Error(`out of order: ${listed}`);
    const expected = flipped.truth.expect[0];
    const first = await s.find('[data-testid="finding-group"] [data-testid="finding"]');
    if ((await s.attr(first, "data-node")) !== expected.node) throw new Error(`the first finding is ${await s.attr(first, "data-node")}`);
    await waitFocus(s, expected.node);
    await s.waitText('[data-testid="inspector-status"]', /^mismatch$/);
    await sleep(1500);
    await s.screenshot("sweep-tampered");
  });
});

// A query made during a verification answers at once: the session lock is never held while
// evidence is read (src-tauri/src/commands.rs), so opening a node does not wait for the verify.
const large = mkdtempSync(join(tmpdir(), "custody-e2e-large-"));
execFileSync(join(repo, "fixtures/make-large"), [join(large, "evidence"), "100000"], { stdio: ["ignore", "ignore", "inherit"] });
await withApp({ ...base, CUSTODY_DEMO_DIR: join(large, "evidence") }, async (s) => {
  await check("during a re-verification of 100,000 commits, a node opens before the verification ends", async () => {
    await s.click(await s.find('[data-testid="open-demo"]'));
    await s.find('[data-testid="graph"]', 300000);
    await s.waitText('[data-testid="verdict-sentence"]', /.+/, 300000);
    const busy = () => s.exec("return document.querySelector('[data-testid=\"busy\"]') !== null;");
    const deadline = Date.now() + 60000;
    while (await busy()) {
      if (Date.now() > deadline) throw new Error("the investigation never finished");
      await sleep(250);
    }
    await s.click(await s.find('[data-testid="verify"]'));
    await s.find('[data-testid="busy"]', 10000);
    const asked = Date.now();
    await s.click(await s.find('[data-testid="search-open"]'));
    await s.type(await s.find('[data-testid="search"] input'), "Pipeline change 4242");
    // the result for the whole query, not one for a prefix typed on the way
    const hit = await searchHit(s, /\bPipeline change 4242$/, 30000);
    const id = await s.attr(hit, "data-id");
    await s.click(hit);
    await s.waitText('[data-testid="inspector-label"]', /Pipeline change 4242/, 30000);
    const answered = Date.now();
    const stillVerifying = await busy();
    await s.screenshot("query-during-verify");
    if (!stillVerifying) throw new Error(`the verification had ended before ${id} opened (${answered - asked} ms after asking): this shows nothing`);
    // and the verification itself completes
    const end = Date.now() + 120000;
    while (await busy()) {
      if (Date.now() > end) throw new Error("the verification never finished");
      await sleep(250);
    }
  });
});
rmSync(large, { recursive: true, force: true });

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
