// One Cytoscape canvas (with the ELK layout registered), mounted once in a component's
// container: the lineage graph and the Compare view's aligned graph share it.
import cytoscape from "cytoscape";
import type { Core } from "cytoscape";
import elk from "cytoscape-elk";
import { useEffect, useRef } from "preact/hooks";

cytoscape.use(elk);

/** What the toolbar buttons (fit, zoom) call on a graph. */
export interface GraphHandle {
  fit(): void;
  zoom(factor: number): void;
}

/** Mounts a canvas with `style` into the returned container ref; `handle` gets fit and zoom. */
export function useCytoscape(style: unknown, fitPadding: number, handle?: { current: GraphHandle | null }) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  useEffect(() => {
    if (!container.current) return;
    const instance = cytoscape({ container: container.current, style: style as never, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
    cy.current = instance;
    if (handle) {
      handle.current = {
        fit: () => instance.fit(undefined, fitPadding),
        zoom: (factor) => instance.zoom({ level: instance.zoom() * factor, renderedPosition: { x: instance.width() / 2, y: instance.height() / 2 } }),
      };
    }
    return () => instance.destroy();
  }, []);
  return { container, cy };
}
