// The lineage view (the workspace's graph mode): the verdict banner, the evidence / keys /
// findings sidebar, the graph with its drill-downs, and the inspector. Layout only.
import { VerdictBanner } from "./Findings";
import { GraphPane, type GraphPaneProps } from "./GraphPane";
import { InspectorPane, type InspectorPaneProps } from "./Inspector";
import { Sidebar, type SidebarProps } from "./Sidebar";

export type LineageViewProps = SidebarProps & GraphPaneProps & InspectorPaneProps;

export function LineageView(p: LineageViewProps) {
  return (
    <>
      <VerdictBanner summary={p.summary} />
      <Sidebar {...p} />
      <GraphPane {...p} />
      <InspectorPane {...p} />
    </>
  );
}
