// The verdict at a glance: the banner (the engine's verdict sentence and the coverage), and the
// findings list by class, repeated findings of one kind as one group a click away.
import { useState } from "preact/hooks";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Finding } from "../generated/Finding";
import { bannerClass, CLASS_NAMES, coverageText, shownGroups } from "./model";

/** The engine's verdict sentence, coloured by the worst class, with what was read of the evidence. */
export function VerdictBanner({ summary }: { summary: CaseSummary }) {
  const cls = bannerClass(summary);
  const cov = coverageText(summary.coverage);
  return (
    <section class={`verdict vc-${cls}`} data-testid="verdict" data-class={cls}>
      <p class="verdict-sentence" data-testid="verdict-sentence">
        {summary.verdict}
      </p>
      <p class="verdict-coverage" data-testid="coverage" title={cov.other.join("\n")}>
        {cov.line}
        {cov.formats.map((f) => (
          <span key={f} class="unread-format" data-testid="unread-format">
            {f}
          </span>
        ))}
        {cov.other.length > 0 && <span class="muted"> · {cov.other.length} other group{cov.other.length === 1 ? "" : "s"} of files not interpreted</span>}
      </p>
    </section>
  );
}

/** The findings of the latest verification, grouped as the engine grouped them, in verdict order. */
export function FindingsList({ summary, findings, onSelect }: { summary: CaseSummary; findings: Finding[]; onSelect(id: string): void }) {
  /** Groups the user opened or closed, by status and check; the rest keep their default. */
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const shown = shownGroups(summary.groups, findings);
  return (
    <>
      {shown.map((g, i) => {
        const key = `${g.group.status}|${g.group.check}`;
        const open = toggled[key] ?? g.open;
        const heading = i === 0 || shown[i - 1].group.class !== g.group.class;
        return (
          <div key={key}>
            {heading && (
              <h3 class={`class-head vc-${g.group.class}`} data-testid="finding-class" data-class={g.group.class}>
                {CLASS_NAMES[g.group.class]}
              </h3>
            )}
            <div class={`fgroup group st-${g.group.status}`} data-testid="finding-group" data-class={g.group.class} data-status={g.group.status} data-check={g.group.check} data-count={g.findings.length} data-open={String(open)}>
              <button class="fgroup-head" data-testid="finding-group-toggle" aria-expanded={open} title={open ? "Hide the findings" : "Show the findings"} onClick={() => setToggled((t) => ({ ...t, [key]: !open }))}>
                <span class="chev">{open ? "▾" : "▸"}</span>
                <span class="title">{g.group.title}</span>
              </button>
              {open && (
                <ul>
                  {g.findings.map((f, j) => (
                    <li key={j}>
                      <button class="finding" data-testid="finding" data-node={f.node.id} onClick={() => onSelect(f.node.id)}>
                        <span class="label">{f.node.label}</span>
                        <span class="detail">{f.detail}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        );
      })}
    </>
  );
}
