//! Questions asked of a built lineage: which node a reference means, what surrounds a node,
//! what matches a search. Computed here, in Rust, so a user interface never walks a 100k-node
//! graph itself.
//!
//! References follow the CLI contract: `models:/NAME@ALIAS`, `models:/NAME/VERSION`, an MLflow
//! run id (or a unique prefix of one), an MLflow dataset digest, `sha256:HEX` or `md5:HEX` (a unique prefix is enough), a
//! commit SHA prefix or a tag, a path relative to an evidence root (with `@REV` for the
//! version DVC recorded at a git revision), or a node id. An unknown or ambiguous reference is
//! an error that lists the candidates.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use petgraph::Direction;

use super::{Lineage, Node, NodeId, NodeKind, Payload, Relation};

/// A node, briefly: what lists and search results show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NodeSummary {
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<super::Status>,
}

impl From<&Node> for NodeSummary {
    fn from(n: &Node) -> Self {
        NodeSummary { id: n.id.clone(), kind: n.kind(), label: n.label.clone(), status: n.status }
    }
}

/// Why a reference does not name exactly one node.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RefError {
    #[error("`{reference}` matches nothing in the case{}", hint(.suggestions))]
    Unknown { reference: String, suggestions: Vec<NodeSummary> },
    #[error("`{reference}` is ambiguous; it matches {}", list(.candidates))]
    Ambiguous { reference: String, candidates: Vec<NodeSummary> },
}

impl RefError {
    /// A reference that names no node, or several, is the caller's to fix.
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        custody_evidence::ErrorKind::Usage
    }
}

fn list(nodes: &[NodeSummary]) -> String {
    let shown: Vec<String> = nodes.iter().take(12).map(|n| format!("{} ({})", n.id, n.label)).collect();
    let more = if nodes.len() > 12 { format!(" and {} more", nodes.len() - 12) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn hint(nodes: &[NodeSummary]) -> String {
    if nodes.is_empty() { String::new() } else { format!("; did you mean {}", list(nodes)) }
}

fn one(reference: &str, lineage: &Lineage, ids: Vec<String>) -> Result<String, RefError> {
    let mut ids: Vec<String> = ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
    match ids.len() {
        1 => Ok(ids.remove(0)),
        0 => Err(RefError::Unknown { reference: reference.to_string(), suggestions: search(lineage, reference, 5) }),
        _ => Err(RefError::Ambiguous {
            reference: reference.to_string(),
            candidates: ids.iter().filter_map(|id| lineage.node(id)).map(NodeSummary::from).collect(),
        }),
    }
}

/// The SHA-256 a file is known by.
fn file_sha256(n: &Node) -> Option<&str> {
    n.payload.file()?.sha256.as_deref()
}

/// The MD5 a data version is recorded at (`hex` or `hex.dir`).
fn data_md5(n: &Node) -> Option<&str> {
    Some(n.payload.data_version()?.md5.as_str())
}

/// The identifiers a node is known by and found by a prefix: a commit's SHA, a run's id, a
/// 3.x logged model's id, an MLflow dataset's digest (pandas' hash of the logged frame).
fn hex_identifier(n: &Node) -> Option<&str> {
    match &n.payload {
        Payload::Commit(c) => Some(c.sha.as_str()),
        Payload::Run(r) => Some(r.run_id.as_str()),
        Payload::Dataset(d) => Some(d.digest.as_str()),
        Payload::LoggedModel(m) => m.model_id.as_deref(),
        _ => None,
    }
}

/// Resolves a reference to one node id.
pub fn resolve(lineage: &Lineage, reference: &str) -> Result<String, RefError> {
    let r = reference.trim();
    if lineage.contains(r) {
        return Ok(r.to_string());
    }
    let nodes = lineage.nodes();
    if let Some(rest) = r.strip_prefix("models:/") {
        if let Some((name, alias)) = rest.split_once('@') {
            let alias_id = NodeId::alias(name, alias).to_string();
            let targets: Vec<String> = lineage.outgoing(&alias_id).into_iter().filter(|e| e.relation == Relation::AlternateOf).map(|e| e.to).collect();
            return one(r, lineage, targets);
        }
        if let Some((name, version)) = rest.rsplit_once('/') {
            let id = version.parse().ok().map(|v| NodeId::model_version(name, v).to_string()).filter(|id| lineage.contains(id));
            return one(r, lineage, id.into_iter().collect());
        }
    }
    for (prefix, digest) in [("sha256:", file_sha256 as fn(&Node) -> Option<&str>), ("md5:", data_md5)] {
        if let Some(hex) = r.strip_prefix(prefix) {
            let hex = hex.to_ascii_lowercase();
            let ids = nodes
                .iter()
                .filter(|n| digest(n).is_some_and(|v| v.starts_with(&hex)))
                .map(|n| n.id.clone())
                .collect();
            return one(r, lineage, ids);
        }
    }
    let is_hex = r.len() >= 4 && r.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        let hex = r.to_ascii_lowercase();
        let ids = nodes
            .iter()
            .filter(|n| matches!(n.kind(), NodeKind::Run | NodeKind::Commit | NodeKind::Dataset) && hex_identifier(n).is_some_and(|v| v.starts_with(&hex)))
            .map(|n| n.id.clone())
            .collect::<Vec<_>>();
        if !ids.is_empty() {
            return one(r, lineage, ids);
        }
    }
    // A tag.
    let tagged: Vec<String> = nodes
        .iter()
        .filter(|n| n.payload.commit().is_some_and(|c| c.tags.iter().any(|t| t == r)))
        .map(|n| n.id.clone())
        .collect();
    if !tagged.is_empty() {
        return one(r, lineage, tagged);
    }
    // A path, optionally at a revision.
    let (path, rev) = match r.rsplit_once('@') {
        Some((p, rev)) if !p.is_empty() && !rev.is_empty() => (p, Some(rev)),
        _ => (r, None),
    };
    let path = path.trim_start_matches("./").trim_end_matches('/');
    let versions: Vec<&Node> = nodes.iter().copied().filter(|n| n.payload.data_version().is_some_and(|d| d.path.as_str() == path)).collect();
    match rev {
        Some(rev) => {
            let commit = resolve(lineage, rev).ok().filter(|id| crate::id::is_kind(id, NodeKind::Commit));
            let Some(commit) = commit.and_then(|c| lineage.node(&c)).and_then(|c| c.payload.commit()).map(|c| c.sha.clone()) else {
                return Err(RefError::Unknown { reference: r.to_string(), suggestions: versions.iter().map(|n| NodeSummary::from(*n)).collect() });
            };
            let ids = versions.iter().filter(|n| n.payload.data_version().is_some_and(|d| d.claimed_at(&commit))).map(|n| n.id.clone()).collect();
            one(r, lineage, ids)
        }
        None => {
            let file = NodeId::file(path).to_string();
            if lineage.contains(&file) {
                return Ok(file);
            }
            let in_tree: Vec<String> = versions.iter().filter(|n| n.payload.data_version().is_some_and(|d| d.claimed_at(crate::build::WORK_TREE))).map(|n| n.id.clone()).collect();
            if !in_tree.is_empty() {
                return one(r, lineage, in_tree);
            }
            one(r, lineage, versions.iter().map(|n| n.id.clone()).collect())
        }
    }
}

/// Nodes matching a free-text query: an id or label containing it (case-insensitive), or a
/// digest or id starting with it. Best matches first.
pub fn search(lineage: &Lineage, query: &str, limit: usize) -> Vec<NodeSummary> {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let q_hex = q.split_once(':').map(|(_, h)| h).unwrap_or(&q).to_string();
    let mut scored: Vec<(u8, &Node)> = Vec::new();
    for n in lineage.nodes() {
        let label = n.label.to_ascii_lowercase();
        let id = n.id.to_ascii_lowercase();
        let digest_hit = [data_md5(n), file_sha256(n), hex_identifier(n).filter(|_| n.kind() != NodeKind::Dataset)].into_iter().flatten().any(|v| v.starts_with(&q_hex));
        let score = if id == q || label == q {
            0
        } else if digest_hit {
            1
        } else if label.starts_with(&q) {
            2
        } else if label.contains(&q) {
            3
        } else if id.contains(&q) {
            4
        } else {
            continue;
        };
        scored.push((score, n));
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.label.len().cmp(&b.1.label.len())).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(limit).map(|(_, n)| NodeSummary::from(n)).collect()
}

/// An edge of a view.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ViewEdge {
    pub from: String,
    pub relation: Relation,
    pub to: String,
}

/// Siblings collapsed into one box: `count` nodes of one kind hanging off `anchor` by one
/// relation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Cluster {
    pub id: String,
    pub anchor: String,
    pub relation: Relation,
    /// Whether the members depend on the anchor (incoming edges) or the anchor on them.
    pub upstream: bool,
    pub kind: NodeKind,
    pub members: Vec<NodeSummary>,
}

/// What to draw around a node.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct View {
    pub focus: String,
    pub nodes: Vec<NodeSummary>,
    pub edges: Vec<ViewEdge>,
    pub clusters: Vec<Cluster>,
    /// Ids upstream of the focus within the view (to highlight its provenance path).
    pub upstream: Vec<String>,
}

/// The neighbourhood of `focus` within `depth` steps in both directions. Groups of
/// `cluster_at` or more siblings of one kind and relation around a node collapse into a
/// [`Cluster`] unless listed in `expanded` (cluster ids).
pub fn neighbourhood(lineage: &Lineage, focus: &str, depth: usize, cluster_at: usize, expanded: &[String]) -> Option<View> {
    lineage.node(focus)?;
    let expanded: HashSet<&str> = expanded.iter().map(String::as_str).collect();
    let mut seen: HashSet<String> = HashSet::from([focus.to_string()]);
    let mut order = vec![focus.to_string()];
    let mut queue = VecDeque::from([(focus.to_string(), 0usize)]);
    let mut clusters = Vec::new();
    while let Some((id, d)) = queue.pop_front() {
        if d >= depth {
            continue;
        }
        for (dir, upstream) in [(Direction::Outgoing, true), (Direction::Incoming, false)] {
            let edges = if dir == Direction::Outgoing { lineage.outgoing(&id) } else { lineage.incoming(&id) };
            let mut groups: BTreeMap<(Relation, NodeKind), Vec<String>> = BTreeMap::new();
            for e in edges {
                let other = if upstream { e.to } else { e.from };
                let Some(n) = lineage.node(&other) else { continue };
                groups.entry((e.relation, n.kind())).or_default().push(other);
            }
            for ((relation, kind), members) in groups {
                let cluster_id = format!("cluster:{id}:{}:{}:{}", if upstream { "up" } else { "down" }, relation.name(), kind.name());
                let fresh: Vec<String> = members.into_iter().filter(|m| !seen.contains(m) && m != focus).collect();
                if fresh.len() >= cluster_at && !expanded.contains(cluster_id.as_str()) {
                    clusters.push(Cluster {
                        id: cluster_id,
                        anchor: id.clone(),
                        relation,
                        upstream,
                        kind,
                        members: fresh.iter().filter_map(|m| lineage.node(m)).map(NodeSummary::from).collect(),
                    });
                    continue;
                }
                for m in fresh {
                    if seen.insert(m.clone()) {
                        order.push(m.clone());
                        queue.push_back((m, d + 1));
                    }
                }
            }
        }
    }
    let in_view: HashSet<&str> = order.iter().map(String::as_str).collect();
    let mut edges = Vec::new();
    for id in &order {
        for e in lineage.outgoing(id) {
            if in_view.contains(e.to.as_str()) {
                edges.push(ViewEdge { from: e.from, relation: e.relation, to: e.to });
            }
        }
    }
    edges.sort();
    let upstream = lineage.upstream(focus, Some(depth)).into_iter().filter(|id| in_view.contains(id.as_str())).collect();
    Some(View {
        focus: focus.to_string(),
        nodes: order.iter().filter_map(|id| lineage.node(id)).map(NodeSummary::from).collect(),
        edges,
        clusters,
        upstream,
    })
}
