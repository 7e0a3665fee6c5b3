// The lineage canvas: Cytoscape with an ELK layered layout. It draws what the backend computed
// (neighbourhood, clusters, upstream path) and reports clicks; it never walks the graph itself.
import { useEffect } from "preact/hooks";
import type { View } from "../generated/View";
import { STYLE, toElements } from "./elements";
import { type GraphHandle, useCytoscape } from "./useCytoscape";

export type { GraphHandle } from "./useCytoscape";

interface Props {
  view: View;
  selected: string | null;
  onSelect(id: string): void;
  onExpandCluster(id: string): void;
  handle?: { current: GraphHandle | null };
}

export function GraphView({ view, selected, onSelect, onExpandCluster, handle }: Props) {
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
    instance.add(toElements(view, selected).map((e) => ({ group: e.group, data: e.data, classes: e.classes })));
    instance
      .layout({
        name: "elk",
        fit: true,
        padding: 40,
        nodeDimensionsIncludeLabels: true,
        elk: { algorithm: "layered", "elk.direction": "LEFT", "elk.spacing.nodeNode": 30, "elk.layered.spacing.nodeNodeBetweenLayers": 70 },
      } as never)
      .run();
  }, [view]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.nodes().removeClass("selected");
    if (selected) instance.getElementById(selected).addClass("selected");
  }, [selected]);

  return <div class="graph" ref={container} data-testid="graph" data-nodes={view.nodes.length} data-focus={view.focus} />;
}
