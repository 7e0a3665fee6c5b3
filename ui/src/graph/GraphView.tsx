// The lineage canvas: Cytoscape with an ELK layered layout. It draws what the backend computed
// (neighbourhood, clusters, upstream path) and reports clicks; it never walks the graph itself.
import cytoscape from "cytoscape";
import type { Core } from "cytoscape";
import elk from "cytoscape-elk";
import { useEffect, useRef } from "preact/hooks";
import type { View } from "../generated/View";
import { STYLE, toElements } from "./elements";

cytoscape.use(elk);

export interface GraphHandle {
  fit(): void;
  zoom(factor: number): void;
}

interface Props {
  view: View;
  selected: string | null;
  onSelect(id: string): void;
  onExpandCluster(id: string): void;
  handle?: { current: GraphHandle | null };
}

export function GraphView({ view, selected, onSelect, onExpandCluster, handle }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const instance = cytoscape({ container: container.current, style: STYLE as never, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
    cy.current = instance;
    if (handle) {
      handle.current = {
        fit: () => instance.fit(undefined, 40),
        zoom: (factor) => instance.zoom({ level: instance.zoom() * factor, renderedPosition: { x: instance.width() / 2, y: instance.height() / 2 } }),
      };
    }
    return () => instance.destroy();
  }, []);

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
