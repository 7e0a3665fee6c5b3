// The start screen, before a case is open: open the demo, investigate a folder, create or open a
// case, check a report folder, or reopen a recent case.
import type { ComponentChildren } from "preact";
import { backend, type OnProgress } from "../backend";
import type { Run } from "./tasks";

interface Props {
  recent: string[];
  run: Run;
  onProgress: OnProgress;
  onOpenReport(): void;
  /** The report check panel, when a report was checked. */
  reportPanel: ComponentChildren;
  /** The busy and error bars. */
  children: ComponentChildren;
}

export function StartScreen({ recent, run, onProgress, onOpenReport, reportPanel, children }: Props) {
  return (
    <main class="start">
      <h1>Custody</h1>
      <p class="lede">Rebuild an ML lineage from the records real tools leave behind, re-verify every hash and claim, and see what was tampered with.</p>
      <StartActions run={run} onProgress={onProgress} onOpenReport={onOpenReport} />
      {reportPanel}
      {recent.length > 0 && (
        <section class="recent">
          <h2>Recent cases</h2>
          <ul>
            {recent.map((p) => (
              <li key={p}>
                <button class="link" onClick={() => run("opening", () => backend().openCase(p))}>
                  {p}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {children}
    </main>
  );
}

function StartActions({ run, onProgress, onOpenReport }: Pick<Props, "run" | "onProgress" | "onOpenReport">) {
  return (
    <div class="actions">
      <button data-testid="open-demo" onClick={() => run("investigating the demo case", () => backend().openDemo(onProgress))}>Open the demo case</button>
      <button
        onClick={async () => {
          const dir = await backend().pickFolder("Evidence folder to investigate");
          if (!dir) return;
          const casePath = await backend().pickCaseFile("Save the new case as", true);
          if (casePath) void run("investigating", () => backend().investigate(dir, casePath, onProgress));
        }}
      >
        Investigate a folder…
      </button>
      <button
        onClick={async () => {
          const p = await backend().pickCaseFile("Create a new, empty case", true);
          if (p) void run("creating the case", () => backend().newCase(p, "New investigation"));
        }}
      >
        New empty case…
      </button>
      <button
        onClick={async () => {
          const p = await backend().pickCaseFile("Open a case", false);
          if (p) void run("opening", () => backend().openCase(p));
        }}
      >
        Open a case…
      </button>
      <button data-testid="open-report" onClick={onOpenReport}>
        Check a report…
      </button>
    </div>
  );
}
