// The lineage canvas: Cytoscape with an ELK layered layout. It draws what the backend computed
// (neighbourhood, clusters, upstream path) and reports clicks; it never walks the graph itself.
import { useEffect } from "preact/hooks";
import type { View } from "../generated/View";
import { FIT_PADDING, openingZoom, STYLE, toElements, type Element } from "./elements";
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
  /** Where a node's inputs are laid out: below it (the lineage graph and a traced chain, read top-down), or to its left. */
  direction?: "LEFT" | "DOWN";
  selected: string | null;
  onSelect(id: string): void;
  onExpandCluster(id: string): void;
  handle?: { current: GraphHandle | null };
}

export function GraphView({ view, overlay, testid, direction = "DOWN", selected, onSelect, onExpandCluster, handle }: Props) {
  const { container, cy } = useCytoscape(STYLE, FIT_PADDING, handle);

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
    // With an overlay, the view opens on what it highlights (the rest stays around it, dimmed);
    // otherwise on the whole view, but never so far out that labels cannot be read: then it
    // opens on the focus at the least readable zoom, the rest a pan away.
    instance.one("layoutstop", () => {
      instance.fit(overlay ? instance.elements(".chain") : undefined, FIT_PADDING);
      const zoom = openingZoom(instance.zoom());
      if (zoom === instance.zoom()) return;
      instance.zoom(zoom);
      const focus = instance.getElementById(view.focus);
      if (focus.nonempty()) instance.center(focus);
      else instance.center();
    });
    instance
      .layout({
        name: "elk",
        fit: false,
        nodeDimensionsIncludeLabels: true,
        elk: { algorithm: "layered", "elk.direction": direction, "elk.spacing.nodeNode": direction === "DOWN" ? 20 : 30, "elk.layered.spacing.nodeNodeBetweenLayers": direction === "DOWN" ? 48 : 70, "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF" },
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
