//! Renders of a lineage (or part of one) for other tools: Graphviz DOT for a picture, and
//! W3C PROV-JSON so the graph can be read by any PROV tooling.
//!
//! Both renders are deterministic (nodes and edges sorted), so they can be diffed and
//! snapshot-tested.

use serde_json::{Map, Value, json};

use super::{Edge, Node, NodeKind, ProvClass, Relation};

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn shape(kind: NodeKind) -> &'static str {
    match kind.prov_class() {
        ProvClass::Activity => "box",
        ProvClass::Agent => "house",
        ProvClass::Entity => match kind {
            NodeKind::Commit => "note",
            NodeKind::Signature => "octagon",
            NodeKind::Attestation => "tab",
            NodeKind::ModelVersion | NodeKind::LoggedModel | NodeKind::Alias => "component",
            _ => "ellipse",
        },
    }
}

fn colour(node: &Node) -> &'static str {
    use super::Status::*;
    match node.status {
        Some(Mismatch) | Some(SignatureInvalid) => "#d62728",
        Some(UntrustedKey) => "#e6a100",
        Some(SignatureValid) => "#1f77b4",
        Some(Conflict) => "#ff7f0e",
        Some(Missing) => "#9467bd",
        Some(Unverifiable) => "#7f7f7f",
        Some(NotCollected) => "#a0a8b0",
        Some(Informational) => "#6baed6",
        Some(Verified) => "#2ca02c",
        None => "#bbbbbb",
    }
}

/// Graphviz DOT.
pub fn to_dot(nodes: &[&Node], edges: &[Edge]) -> String {
    let mut out = String::from("digraph lineage {\n  rankdir=RL;\n  node [fontname=\"sans-serif\", fontsize=10];\n");
    let mut nodes: Vec<&&Node> = nodes.iter().collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    for n in nodes {
        let status = n.status.map(|s| s.name()).unwrap_or("unchecked");
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\\n{} · {}\", shape={}, color=\"{}\"];\n",
            dot_escape(&n.id),
            dot_escape(&n.label),
            n.kind().name(),
            status,
            shape(n.kind()),
            colour(n)
        ));
    }
    let mut edges: Vec<&Edge> = edges.iter().collect();
    edges.sort();
    for e in edges {
        out.push_str(&format!("  \"{}\" -> \"{}\" [label=\"{}\"];\n", dot_escape(&e.from), dot_escape(&e.to), e.relation.name()));
    }
    out.push_str("}\n");
    out
}

fn qname(id: &str) -> String {
    format!("custody:{}", id.replace(' ', "%20"))
}

/// W3C PROV-JSON (https://www.w3.org/submissions/prov-json/).
pub fn to_prov_json(nodes: &[&Node], edges: &[Edge]) -> Value {
    let mut doc = Map::new();
    doc.insert("prefix".into(), json!({ "custody": "urn:custody:", "prov": "http://www.w3.org/ns/prov#" }));
    let mut classes: [(ProvClass, &str, Map<String, Value>); 3] =
        [(ProvClass::Entity, "entity", Map::new()), (ProvClass::Activity, "activity", Map::new()), (ProvClass::Agent, "agent", Map::new())];
    let mut sorted: Vec<&&Node> = nodes.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for n in sorted {
        let mut attrs = Map::new();
        attrs.insert("prov:label".into(), json!(n.label));
        attrs.insert("prov:type".into(), json!(format!("custody:{}", n.kind().name())));
        if let Some(s) = n.status {
            attrs.insert("custody:status".into(), json!(s.name()));
        }
        for (k, v) in n.payload.attributes() {
            let v = if v.is_object() || v.is_array() { json!(v.to_string()) } else { v };
            attrs.insert(format!("custody:{k}"), v);
        }
        for (class, _, map) in classes.iter_mut() {
            if *class == n.kind().prov_class() {
                map.insert(qname(&n.id), Value::Object(attrs.clone()));
            }
        }
    }
    for (_, name, map) in classes {
        if !map.is_empty() {
            doc.insert(name.into(), Value::Object(map));
        }
    }
    let mut sorted: Vec<&Edge> = edges.iter().collect();
    sorted.sort();
    let mut relations: Map<String, Value> = Map::new();
    for (i, e) in sorted.iter().enumerate() {
        let (from_key, to_key) = match e.relation {
            Relation::Used => ("prov:activity", "prov:entity"),
            Relation::WasGeneratedBy => ("prov:entity", "prov:activity"),
            Relation::WasDerivedFrom => ("prov:generatedEntity", "prov:usedEntity"),
            Relation::WasAssociatedWith => ("prov:activity", "prov:agent"),
            Relation::WasAttributedTo => ("prov:entity", "prov:agent"),
            Relation::AlternateOf => ("prov:alternate1", "prov:alternate2"),
            Relation::HadMember => ("prov:collection", "prov:entity"),
        };
        let mut rec = Map::new();
        rec.insert(from_key.into(), json!(qname(&e.from)));
        rec.insert(to_key.into(), json!(qname(&e.to)));
        if let Some(role) = &e.role {
            rec.insert("prov:role".into(), json!(role));
        }
        let bucket = relations.entry(e.relation.name().to_string()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = bucket {
            m.insert(format!("_:r{i}"), Value::Object(rec));
        }
    }
    for (k, v) in relations {
        doc.insert(k, v);
    }
    Value::Object(doc)
}
