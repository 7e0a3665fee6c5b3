declare module "cytoscape-elk" {
  const ext: cytoscape.Ext;
  export default ext;
}
