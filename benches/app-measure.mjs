// Measures the desktop app on a large case through tauri-driver (run under xvfb-run):
// start to interactive, case open to graph drawn, the neighbourhood IPC round trip, and the
// app process's memory. Prints one JSON object.
//
//   node benches/app-measure.mjs <custody-app binary> <case file> <reference>
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const [app, caseFile, reference] = process.argv.slice(2);
const port = 4454;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const wd = async (method, path, body) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
};
const rssOf = (name) => {
  const pids = execFileSync("pgrep", ["-f", name]).toString().trim().split("\n");
  let best = { rss: 0, hwm: 0 };
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (k) => Number((status.match(new RegExp(`${k}:\\s+(\\d+)`)) ?? [0, 0])[1]);
      if (kb("VmRSS") > best.rss) best = { rss: kb("VmRSS"), hwm: kb("VmHWM") };
    } catch {}
  }
  return best;
};

async function launch(args) {
  const t0 = performance.now();
  const s = await wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: app, args } } } });
  return { id: s.sessionId, t0 };
}

async function waitFor(id, script, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await wd("POST", `/session/${id}/execute/sync`, { script, args: [] }).catch(() => false);
    if (ok) return performance.now();
    if (Date.now() > end) throw new Error(`timed out waiting for: ${script}`);
    await sleep(50);
  }
}

const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], { stdio: "ignore" });
await sleep(1500);
const out = {};
try {
  {
    const { id, t0 } = await launch([]);
    const t1 = await waitFor(id, "return !!document.querySelector('[data-testid=open-demo]')", 60000);
    out.start_to_interactive_ms = Math.round(t1 - t0);
    out.idle_rss_mb = Math.round(rssOf("custody-app").rss / 1024);
    await wd("DELETE", `/session/${id}`);
  }
  await sleep(500);
  {
    const { id, t0 } = await launch(["--case", caseFile]);
    const t1 = await waitFor(id, "const g = document.querySelector('[data-testid=graph]'); return !!g && Number(g.dataset.nodes) > 0", 300000);
    out.open_large_case_to_graph_ms = Math.round(t1 - t0);
    const timings = [];
    for (const depth of [2, 3]) {
      for (let i = 0; i < 5; i++) {
        const r = await wd("POST", `/session/${id}/execute/async`, {
          script: `const done = arguments[arguments.length - 1]; const t = performance.now();
            window.__TAURI_INTERNALS__.invoke('neighbourhood', { reference: ${JSON.stringify(reference)}, depth: ${depth}, expanded: [] })
              .then(v => done({ ms: performance.now() - t, nodes: v.nodes.length, clusters: v.clusters.length }), e => done({ error: String(e && e.message || e) }));`,
          args: [],
        });
        if (r.error) throw new Error(r.error);
        timings.push({ depth, ...r });
      }
    }
    const median = (depth) => {
      const ms = timings.filter((t) => t.depth === depth).map((t) => t.ms).sort((a, b) => a - b);
      return Math.round(ms[Math.floor(ms.length / 2)] * 10) / 10;
    };
    out.neighbourhood_depth2_ms = median(2);
    out.neighbourhood_depth3_ms = median(3);
    out.neighbourhood_depth2_nodes = timings.find((t) => t.depth === 2).nodes;
    out.neighbourhood_depth3_nodes = timings.find((t) => t.depth === 3).nodes;
    const mem = rssOf("custody-app");
    out.large_case_rss_mb = Math.round(mem.rss / 1024);
    out.large_case_peak_rss_mb = Math.round(mem.hwm / 1024);
    await wd("DELETE", `/session/${id}`);
  }
} finally {
  driver.kill();
}
console.log(JSON.stringify(out));
