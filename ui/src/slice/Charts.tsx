// The slicing panel's charts: plain SVG drawn from the layouts in model.ts, styled with
// attributes only (no stylesheet, no remote font), so each one exports as a standalone SVG or
// PNG file exactly as it is shown.
import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";
import { backend } from "../backend";
import type { Task } from "../app/Reports";
import type { SliceReport } from "../generated/SliceReport";
import { serializeSvg, svgToPng, utf8, withExtension } from "./export";
import { barLayout, compositionRows, exportName, groupLabel, legendLayout, pct, ratio, sourceLegend, sourceName, type BarData } from "./model";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const INK = "#1d232b";
const MUTED = "#6b7380";
const GRID = "#e3e7ec";

/** A chart with its title and the two export buttons. */
export function ChartCard({ name, table, testid, task, children }: { name: string; table: string; testid: string; task: Task; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const exportAs = async (ext: "svg" | "png") => {
    const svg = box.current?.querySelector("svg");
    if (!svg) return;
    const path = await backend().pickSavePath(`Export the chart as ${ext.toUpperCase()}`, { name: ext === "png" ? "PNG image" : "SVG image", extensions: [ext] }, exportName(name, table, ext));
    if (!path) return;
    const written = await task(`exporting the chart as ${ext.toUpperCase()}`, async () => {
      const text = serializeSvg(svg);
      const bytes = ext === "svg" ? utf8(text) : await svgToPng(text);
      return backend().saveExport(withExtension(path, ext), bytes);
    });
    if (written) setSaved(written.path);
  };
  return (
    <figure class="chart" data-testid={testid}>
      <div ref={box}>{children}</div>
      <figcaption>
        <button data-testid="export-svg" title="Save this chart as an SVG file" onClick={() => exportAs("svg")}>
          Export SVG…
        </button>
        <button data-testid="export-png" title="Save this chart as a PNG image" onClick={() => exportAs("png")}>
          Export PNG…
        </button>
        {saved && (
          <span class="muted mono" data-testid="export-saved">
            saved {saved}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

const LINE = 16;

/** A legend laid out by legendLayout, its first line's baseline at `y`. */
function Legend({ items, x, y, right }: { items: { name: string; colour: string }[]; x: number; y: number; right: number }) {
  const { items: placed } = legendLayout(
    items.map((it) => it.name),
    x,
    right,
  );
  return (
    <g>
      {placed.map((p, i) => (
        <g key={p.name}>
          <rect x={p.x} y={y + p.line * LINE - 9} width={12} height={10} rx={2} fill={items[i].colour} />
          <text x={p.x + 16} y={y + p.line * LINE} font-size={11} fill={INK}>
            {p.name}
          </text>
        </g>
      ))}
    </g>
  );
}

/** How many more pixels a legend needs below its first line. */
const legendExtra = (names: string[], right: number) => (Math.max(1, legendLayout(names, 12, right).lines) - 1) * LINE;

interface BarChartProps {
  title: string;
  data: BarData;
  width?: number;
  height?: number;
  format?(v: number): string;
  /** A reference line (the four-fifths rule's 0.8) and its label. */
  threshold?: { value: number; label: string };
  /** A bar's colour other than its series' (a flagged group). */
  colourOf?(group: number, series: number): string | null;
  testid: string;
}

/** Grouped vertical bars: groups along the bottom, one bar per series in each. */
export function BarChart({ title, data, width = 560, height: plotHeight = 270, format = pct, threshold, colourOf, testid }: BarChartProps) {
  const extra = legendExtra(
    data.series.map((s) => s.name),
    width - 12,
  );
  const height = plotHeight + extra;
  const L = barLayout(data, width, height, { top: 56 + extra, right: 14, bottom: 40, left: 46 }, threshold?.value ?? 0);
  const { plot, bars, y: yOf } = L;
  const labelled = bars.length <= 20;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={title} font-family={FONT} data-testid={testid}>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      <text x={12} y={20} font-size={13} font-weight={600} fill={INK}>
        {title}
      </text>
      <Legend items={data.series.map((s) => ({ name: s.name, colour: s.colour }))} x={12} y={38} right={width - 12} />
      {L.ticks.map((t) => (
        <g key={t}>
          <line x1={plot.x} x2={plot.x + plot.width} y1={yOf(t)} y2={yOf(t)} stroke={GRID} stroke-width={1} />
          <text x={plot.x - 6} y={yOf(t) + 3.5} font-size={10} fill={MUTED} text-anchor="end">
            {format(t)}
          </text>
        </g>
      ))}
      {bars.map((b) => {
        const s = data.series[b.series];
        const fill = colourOf?.(b.group, b.series) ?? s.colour;
        return (
          <g key={`${b.series}-${b.group}`}>
            <rect class="bar" data-group={data.groups[b.group]} data-series={s.name} data-value={b.value} x={b.x} y={b.y} width={b.width} height={b.height} fill={fill}>
              <title>{`${data.groups[b.group]} · ${s.name}: ${format(b.value)}`}</title>
            </rect>
            {labelled && (
              <text x={b.x + b.width / 2} y={b.y - 3} font-size={9} fill={INK} text-anchor="middle">
                {format(b.value)}
              </text>
            )}
          </g>
        );
      })}
      {threshold && (
        <g>
          <line x1={plot.x} x2={plot.x + plot.width} y1={yOf(threshold.value)} y2={yOf(threshold.value)} stroke="#c62828" stroke-width={1.2} stroke-dasharray="5 3" />
          <text x={plot.x + plot.width} y={yOf(threshold.value) - 4} font-size={10} fill="#c62828" text-anchor="end">
            {threshold.label}
          </text>
        </g>
      )}
      <line x1={plot.x} x2={plot.x + plot.width} y1={plot.y + plot.height} y2={plot.y + plot.height} stroke={MUTED} stroke-width={1} />
      {L.labels.map((l) => (
        <text key={l.text} x={l.x} y={plot.y + plot.height + 16} font-size={11} fill={INK} text-anchor="middle">
          {l.text}
        </text>
      ))}
    </svg>
  );
}

/** Each group's rows by raw source, as 100% stacked horizontal bars. */
export function CompositionChart({ report, width = 560, testid }: { report: SliceReport; width?: number; testid: string }) {
  const legend = sourceLegend(report);
  const left = 78;
  const right = 86;
  const top =
    52 +
    legendExtra(
      legend.map((l) => sourceName(l.source)),
      width - 12,
    );
  const rowHeight = 30;
  const rows = compositionRows(report, left, width - left - right, top, rowHeight);
  const height = top + rows.length * rowHeight + 14;
  const title = `Rows by raw source, per ${report.by.join(" · ")}`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={title} font-family={FONT} data-testid={testid}>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      <text x={12} y={20} font-size={13} font-weight={600} fill={INK}>
        {title}
      </text>
      <Legend items={legend.map((l) => ({ name: sourceName(l.source), colour: l.colour }))} x={12} y={38} right={width - 12} />
      {rows.map((r) => (
        <g key={r.group}>
          <text x={left - 8} y={r.y + rowHeight / 2 + 4} font-size={11} fill={INK} text-anchor="end">
            {r.group}
          </text>
          {r.segments.map((s) => (
            <g key={s.source}>
              <rect class="segment" data-testid="composition-segment" data-group={r.group} data-source={s.source} data-share={s.share} x={s.x} y={r.y + 4} width={Math.max(0, s.width)} height={rowHeight - 8} fill={s.colour} stroke="#ffffff" stroke-width={1}>
                <title>{`${r.group} · ${s.source}: ${s.rows.toLocaleString("en-US")} rows (${pct(s.share)})`}</title>
              </rect>
              {s.width > 34 && (
                <text x={s.x + s.width / 2} y={r.y + rowHeight / 2 + 4} font-size={10} fill="#ffffff" text-anchor="middle" font-weight={600}>
                  {pct(s.share)}
                </text>
              )}
            </g>
          ))}
          <text x={width - right + 8} y={r.y + rowHeight / 2 + 4} font-size={10} fill={MUTED}>
            {r.count.toLocaleString("en-US")} rows
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Disparate impact per group (selection rate over the highest), with the four-fifths line. */
export function ImpactChart({ report, testid }: { report: SliceReport; testid: string }) {
  const data: BarData = {
    groups: report.groups.map((g) => groupLabel(g.key)),
    series: [{ name: "disparate impact (selection rate ÷ highest)", colour: "#495057", values: report.groups.map((g) => g.disparate_impact ?? null) }],
  };
  return (
    <BarChart
      title={`Disparate impact of ${report.prediction ?? "the prediction"}`}
      data={data}
      format={ratio}
      threshold={{ value: 0.8, label: "four-fifths rule (0.8)" }}
      colourOf={(g) => (report.groups[g]?.four_fifths_flag ? "#c62828" : null)}
      testid={testid}
    />
  );
}
