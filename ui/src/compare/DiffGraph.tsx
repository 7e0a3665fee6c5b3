// The aligned side-by-side graph: one node per aligned pair (A's node and B's as one), laid
// out with ELK in the lineage graph's direction (inputs to the left). It draws what the
// engine compared and reports clicks; it never compares anything itself.
import { useEffect } from "preact/hooks";
import type { LineageDiff } from "../generated/LineageDiff";
import { type GraphHandle, useCytoscape } from "../graph/useCytoscape";
import { DIFF_STYLE, toDiffElements } from "./model";

interface Props {
  diff: LineageDiff;
  /** The pairs of the open divergence. */
  selected: number[];
  /** Whether unrecorded pairs are drawn. */
  unrecorded: boolean;
  onSelectPair(pair: number): void;
  handle?: { current: GraphHandle | null };
}

export function DiffGraph({ diff, selected, unrecorded, onSelectPair, handle }: Props) {
  const { container, cy } = useCytoscape(DIFF_STYLE, 30, handle);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.off("tap");
    instance.on("tap", "node", (evt) => onSelectPair(evt.target.data("pair") as number));
  }, [onSelectPair]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.elements().remove();
    instance.add(toDiffElements(diff, selected, { unrecorded }).map((e) => ({ group: e.group, data: e.data, classes: e.classes })));
    // a small graph is not blown up past reading size
    instance.one("layoutstop", () => {
      if (instance.zoom() > 1.2) {
        instance.zoom(1.2);
        instance.center();
      }
    });
    instance
      .layout({
        name: "elk",
        fit: true,
        padding: 30,
        nodeDimensionsIncludeLabels: true,
        elk: { algorithm: "layered", "elk.direction": "LEFT", "elk.spacing.nodeNode": 24, "elk.layered.spacing.nodeNodeBetweenLayers": 60 },
      } as never)
      .run();
  }, [diff, unrecorded]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.nodes().removeClass("selected");
    for (const p of selected) instance.getElementById(`pair-${p}`).addClass("selected");
  }, [selected.join(",")]);

  return <div class="graph diff-graph" ref={container} data-testid="diff-graph" data-pairs={diff.pairs.length} />;
}
