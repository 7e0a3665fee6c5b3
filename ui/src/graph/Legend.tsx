// The graph's legend: colour by status and shape by kind, drawn from the same tables as the
// canvas stylesheet (elements.ts), so the two cannot disagree.
import type { Status } from "../generated/Status";
import { KIND_SHAPES, STATUS_COLOURS } from "./elements";

/** SVG outlines of the Cytoscape shapes the canvas uses, in a 20 × 16 box. */
export const SHAPE_PATHS: Record<string, string> = {
  rectangle: "M4 1H16V15H4Z",
  "round-rectangle": "M4 2Q2 2 2 4V12Q2 14 4 14H16Q18 14 18 12V4Q18 2 16 2Z",
  "cut-rectangle": "M5 2H15L18 5V11L15 14H5L2 11V5Z",
  diamond: "M10 1L18 8L10 15L2 8Z",
  pentagon: "M10 1L18 6.5L15 15H5L2 6.5Z",
  tag: "M2 3H13L18 8L13 13H2Z",
  hexagon: "M5 1H15L19 8L15 15H5L1 8Z",
  barrel: "M4 2Q10 0 16 2Q18 8 16 14Q10 16 4 14Q2 8 4 2Z",
  star: "M10 0.5L12.2 5.8L18 6.2L13.6 9.9L15 15.5L10 12.5L5 15.5L6.4 9.9L2 6.2L7.8 5.8Z",
  octagon: "M6.5 1H13.5L18 5.5V10.5L13.5 15H6.5L2 10.5V5.5Z",
};

export function Legend({ onClose }: { onClose(): void }) {
  const statuses = Object.keys(STATUS_COLOURS) as (Status | "unchecked")[];
  return (
    <div class="panel legend" data-testid="legend">
      <div class="row">
        <b>Legend</b>
        <span class="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      <h3>Colour: status (worst finding on the node)</h3>
      <ul>
        {statuses.map((s) => (
          <li key={s} data-status={s}>
            <svg width="20" height="16" viewBox="0 0 20 16" aria-hidden="true">
              <rect x="2" y="2" width="16" height="12" rx="3" fill={STATUS_COLOURS[s].fill} stroke={STATUS_COLOURS[s].border} stroke-width="2" stroke-dasharray={s === "untrusted-key" ? "3 2" : undefined} />
            </svg>{" "}
            <b>{s}</b> <span class="muted">{STATUS_COLOURS[s].meaning}</span>
          </li>
        ))}
      </ul>
      <h3>Shape: kind</h3>
      <ul>
        {KIND_SHAPES.map((k) => (
          <li key={k.shape} data-shape={k.shape}>
            <svg width="20" height="16" viewBox="0 0 20 16" aria-hidden="true">
              <path d={SHAPE_PATHS[k.shape]} fill="#e4e6ea" stroke="#5b6470" stroke-width="1.5" />
            </svg>{" "}
            {k.label}
          </li>
        ))}
        <li>
          <svg width="20" height="16" viewBox="0 0 20 16" aria-hidden="true">
            <path d={SHAPE_PATHS["round-rectangle"]} fill="#e6e9ee" stroke="#5b6470" stroke-width="1.5" stroke-dasharray="3 2" />
          </svg>{" "}
          a cluster of siblings (click to open)
        </li>
      </ul>
    </div>
  );
}
