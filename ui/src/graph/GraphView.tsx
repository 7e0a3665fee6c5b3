// The lineage canvas: Cytoscape with an ELK layered layout. It draws what the backend computed
// (neighbourhood, clusters, upstream path) and reports clicks; it never walks the graph itself.
import { useEffect } from "preact/hooks";
import type { View } from "../generated/View";
import { STYLE, toElements, type Element } from "./elements";
import { type GraphHandle, useCytoscape } from "./useCytoscape";

export type { GraphHandle } from "./useCytoscape";

/**
 * What to draw over the view (the Trace view's chain): classes added to the view's elements,
 * and elements that are not in the lineage (the decision, the log it was read from).
 */
export interface Overlay {
  decorate(elements: Element[]): Element[];
  /** The ids highlighted, for tests and the end-to-end run (`data-chain`). */
  highlighted: string[];
}

interface Props {
  view: View;
  overlay?: Overlay | null;
  /** The container's test id (`graph` by default). */
  testid?: string;
  /** Where a node's inputs are laid out: to its left (the lineage graph), or below it (a traced chain, read top-down). */
  direction?: "LEFT" | "DOWN";
  selected: string | null;
  onSelect(id: string): void;
  onExpandCluster(id: string): void;
  handle?: { current: GraphHandle | null };
}

export function GraphView({ view, overlay, testid, direction = "LEFT", selected, onSelect, onExpandCluster, handle }: Props) {
  const { container, cy } = useCytoscape(STYLE, 40, handle);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.off("tap");
    instance.on("tap", "node", (evt) => {
      const id = evt.target.id() as string;
      if (evt.target.hasClass("cluster")) onExpandCluster(id);
      else onSelect(id);
    });
  }, [onSelect, onExpandCluster]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.elements().remove();
    const elements = toElements(view, selected);
    instance.add((overlay ? overlay.decorate(elements) : elements).map((e) => ({ group: e.group, data: e.data, classes: e.classes })));
    // with an overlay, the view opens on what it highlights (the rest stays around it, dimmed)
    if (overlay) instance.one("layoutstop", () => instance.fit(instance.elements(".chain"), 50));
    instance
      .layout({
        name: "elk",
        fit: true,
        padding: 40,
        nodeDimensionsIncludeLabels: true,
        elk: { algorithm: "layered", "elk.direction": direction, "elk.spacing.nodeNode": direction === "DOWN" ? 16 : 30, "elk.layered.spacing.nodeNodeBetweenLayers": direction === "DOWN" ? 44 : 70 },
      } as never)
      .run();
  }, [view, overlay, direction]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.nodes().removeClass("selected");
    if (selected) instance.getElementById(selected).addClass("selected");
  }, [selected]);

  return <div class="graph" ref={container} data-testid={testid ?? "graph"} data-nodes={view.nodes.length} data-focus={view.focus} data-chain={overlay ? overlay.highlighted.join(" ") : undefined} />;
}
