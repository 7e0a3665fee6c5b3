//! The lineage graph: every entity, activity and agent the evidence mentions, in W3C PROV
//! terms, with the claims each source makes about them.
//!
//! Why: the same model, run, commit or data file is described by several tools. The graph is
//! where those descriptions meet: a node has one identity (a run id, a commit SHA, a path at a
//! content digest) however many sources mention it, and each claim about it keeps the source
//! record that made it, so a contradiction can be shown with both witnesses.
//!
//! Guarantees: node ids are stable across rebuilds of the same evidence (they are derived from
//! the identities the tools assign, never from insertion order); edges run from the dependent
//! to what it depends on, as PROV writes them (`run used dataset`, `model wasGeneratedBy run`),
//! so "upstream" is always "follow outgoing edges".

pub mod build;
pub mod export;
pub mod id;
pub mod payload;
pub mod query;
pub mod resolve;
pub mod served;
pub mod signed;
pub mod status;

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use custody_evidence::RelPath;
pub use id::NodeId;
pub use payload::Payload;
pub use status::{Status, VerdictClass};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum NodeKind {
    /// A git commit (entity: the code at that point).
    Commit,
    /// An MLflow run (activity).
    Run,
    /// A DVC stage execution as locked (activity).
    Stage,
    /// A dataset record MLflow logged as a run input (entity).
    Dataset,
    /// A path at one content digest, as DVC records it (entity).
    DataVersion,
    /// A file in the evidence (entity).
    File,
    /// A model logged by a run (entity).
    LoggedModel,
    /// A registered model version (entity).
    ModelVersion,
    /// A registry alias such as `production` (entity, an alternate name of a version).
    Alias,
    /// A person or service identity (agent).
    Agent,
    /// A signing key (agent): who signed, as far as the bytes can tell.
    Key,
    /// A signature over bytes (DSSE envelope, Sigstore bundle, SSH/OpenPGP, detached).
    Signature,
    /// An attestation: an in-toto statement about subjects named by digest.
    Attestation,
    /// A build described by provenance (activity), when it is not a known run.
    Build,
}

/// The PROV class of a node kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProvClass {
    Entity,
    Activity,
    Agent,
}

impl NodeKind {
    pub fn prov_class(self) -> ProvClass {
        match self {
            NodeKind::Run | NodeKind::Stage | NodeKind::Build => ProvClass::Activity,
            NodeKind::Agent | NodeKind::Key => ProvClass::Agent,
            _ => ProvClass::Entity,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Commit => "commit",
            NodeKind::Run => "run",
            NodeKind::Stage => "stage",
            NodeKind::Dataset => "dataset",
            NodeKind::DataVersion => "data-version",
            NodeKind::File => "file",
            NodeKind::LoggedModel => "logged-model",
            NodeKind::ModelVersion => "model-version",
            NodeKind::Alias => "alias",
            NodeKind::Agent => "agent",
            NodeKind::Key => "key",
            NodeKind::Signature => "signature",
            NodeKind::Attestation => "attestation",
            NodeKind::Build => "build",
        }
    }
}

/// A PROV relation, from the dependent node to what it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Relation {
    /// activity used entity
    Used,
    /// entity wasGeneratedBy activity
    WasGeneratedBy,
    /// entity wasDerivedFrom entity
    WasDerivedFrom,
    /// activity wasAssociatedWith agent
    WasAssociatedWith,
    /// entity wasAttributedTo agent
    WasAttributedTo,
    /// entity alternateOf entity (an alias of a version; a file copy of a data version)
    AlternateOf,
    /// collection hadMember entity (a model's files)
    HadMember,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Relation::Used => "used",
            Relation::WasGeneratedBy => "wasGeneratedBy",
            Relation::WasDerivedFrom => "wasDerivedFrom",
            Relation::WasAssociatedWith => "wasAssociatedWith",
            Relation::WasAttributedTo => "wasAttributedTo",
            Relation::AlternateOf => "alternateOf",
            Relation::HadMember => "hadMember",
        }
    }
}

/// The source record that made a claim: a file and a place in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Witness {
    /// The file, relative to the evidence root (for git: `repo@commit:path`).
    pub file: String,
    /// Row, key or line inside it: `runs[run_uuid=…]`, `stages.train.outs[0]`.
    pub record: String,
}

impl Witness {
    pub fn new(file: impl Into<String>, record: impl Into<String>) -> Witness {
        Witness { file: file.into(), record: record.into() }
    }
    pub fn at(file: &RelPath, record: impl Into<String>) -> Witness {
        Witness { file: file.as_str().to_string(), record: record.into() }
    }
}

impl std::fmt::Display for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.record.is_empty() { write!(f, "{}", self.file) } else { write!(f, "{} {}", self.file, self.record) }
    }
}

/// One thing a source says about a node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Claim {
    pub key: String,
    pub value: String,
    pub source: Witness,
}

/// A node of the lineage graph.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Node {
    pub id: String,
    /// What the sources established about it; on the wire its `kind` and `attrs` (the
    /// attributes are these typed facts, shown as they are).
    #[serde(flatten)]
    pub payload: Payload,
    pub label: String,
    pub claims: Vec<Claim>,
    /// The worst verification status of the findings about this node.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<Status>,
}

impl Node {
    /// A node of the kind its facts describe.
    pub fn new(id: impl Into<String>, label: impl Into<String>, payload: impl Into<Payload>) -> Node {
        Node { id: id.into(), payload: payload.into(), label: label.into(), claims: Vec::new(), status: None }
    }

    pub fn kind(&self) -> NodeKind {
        self.payload.kind()
    }

    pub fn claim(mut self, key: &str, value: impl Into<String>, source: Witness) -> Node {
        self.claims.push(Claim { key: key.to_string(), value: value.into(), source });
        self
    }
}

/// An edge, as stored and exported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Edge {
    pub from: String,
    pub relation: Relation,
    pub to: String,
    /// The role of the used entity (`training`, `code`, `params` …), when the source names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub role: Option<String>,
}

/// The graph itself.
#[derive(Debug, Default)]
pub struct Lineage {
    graph: StableDiGraph<Node, (Relation, Option<String>)>,
    index: HashMap<String, NodeIndex>,
    edges_seen: HashSet<(NodeIndex, NodeIndex, Relation)>,
}

impl Lineage {
    pub fn new() -> Lineage {
        Lineage::default()
    }

    /// Adds a node, or merges its facts (see [`Payload::absorb`]) and claims into the node with
    /// the same id.
    pub fn add(&mut self, node: Node) -> &mut Node {
        let idx = match self.index.get(&node.id) {
            Some(&idx) => {
                let existing = &mut self.graph[idx];
                existing.payload.absorb(node.payload);
                for c in node.claims {
                    if !existing.claims.contains(&c) {
                        existing.claims.push(c);
                    }
                }
                idx
            }
            None => {
                let id = node.id.clone();
                let idx = self.graph.add_node(node);
                self.index.insert(id, idx);
                idx
            }
        };
        &mut self.graph[idx]
    }

    /// Adds `from -relation-> to` once; both nodes must exist.
    pub fn link(&mut self, from: &str, relation: Relation, to: &str, role: Option<&str>) {
        let (Some(&a), Some(&b)) = (self.index.get(from), self.index.get(to)) else { return };
        if a != b && self.edges_seen.insert((a, b, relation)) {
            self.graph.add_edge(a, b, (relation, role.map(str::to_string)));
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.graph[i])
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.index.get(id).copied().map(move |i| &mut self.graph[i])
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// All nodes, sorted by id (stable output).
    pub fn nodes(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.graph.node_weights().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// All edges, sorted (stable output).
    pub fn edges(&self) -> Vec<Edge> {
        let mut v: Vec<Edge> = (&self.graph).edge_references().map(|e| self.edge_of(e)).collect();
        v.sort();
        v
    }

    fn edge_of(&self, e: petgraph::stable_graph::EdgeReference<'_, (Relation, Option<String>)>) -> Edge {
        Edge { from: self.graph[e.source()].id.clone(), relation: e.weight().0, to: self.graph[e.target()].id.clone(), role: e.weight().1.clone() }
    }

    /// Edges leaving `id` (what it depends on).
    pub fn outgoing(&self, id: &str) -> Vec<Edge> {
        self.adjacent(id, Direction::Outgoing)
    }

    /// Edges arriving at `id` (what depends on it).
    pub fn incoming(&self, id: &str) -> Vec<Edge> {
        self.adjacent(id, Direction::Incoming)
    }

    fn adjacent(&self, id: &str, dir: Direction) -> Vec<Edge> {
        let Some(&idx) = self.index.get(id) else { return Vec::new() };
        let mut v: Vec<Edge> = self.graph.edges_directed(idx, dir).map(|e| self.edge_of(e)).collect();
        v.sort();
        v
    }

    /// Ids of every node reachable upstream of `id` (following outgoing edges), within
    /// `depth` steps (`None` for unlimited), in breadth-first order, `id` first.
    pub fn upstream(&self, id: &str, depth: Option<usize>) -> Vec<String> {
        self.reach(id, depth, Direction::Outgoing)
    }

    /// Ids of every node downstream of `id` (what was derived from it).
    pub fn downstream(&self, id: &str, depth: Option<usize>) -> Vec<String> {
        self.reach(id, depth, Direction::Incoming)
    }

    fn reach(&self, id: &str, depth: Option<usize>, dir: Direction) -> Vec<String> {
        let Some(&start) = self.index.get(id) else { return Vec::new() };
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0usize)]);
        let mut out = Vec::new();
        while let Some((idx, d)) = queue.pop_front() {
            out.push(self.graph[idx].id.clone());
            if depth.is_some_and(|max| d >= max) {
                continue;
            }
            for next in self.graph.neighbors_directed(idx, dir) {
                if seen.insert(next) {
                    queue.push_back((next, d + 1));
                }
            }
        }
        out
    }

    /// Rebuilds a lineage from stored nodes and edges (as a case file keeps them).
    pub fn from_parts(nodes: Vec<Node>, edges: Vec<Edge>) -> Lineage {
        let mut g = Lineage::new();
        for n in nodes {
            g.add(n);
        }
        for e in edges {
            g.link(&e.from, e.relation, &e.to, e.role.as_deref());
        }
        g
    }

    /// Adds every node and edge of `other` (nodes with the same id merge).
    pub fn absorb(&mut self, other: Lineage) {
        let edges = other.edges();
        for n in other.nodes() {
            self.add(n.clone());
        }
        for e in edges {
            self.link(&e.from, e.relation, &e.to, e.role.as_deref());
        }
    }

    /// Sets each node's status to the worst of the statuses given for it (a finding's node and
    /// status, say).
    pub fn apply_statuses<'s>(&mut self, statuses: impl IntoIterator<Item = (&'s str, Status)>) {
        for (id, status) in statuses {
            if let Some(node) = self.node_mut(id) {
                node.status = Some(match node.status {
                    Some(s) if s.severity() >= status.severity() => s,
                    _ => status,
                });
            }
        }
    }
}
