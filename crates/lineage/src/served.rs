//! Which registered model version a served-model reference names, in the graph.
//!
//! Why: an inference log names the model that made each decision in whatever way the serving
//! stack wrote it (`models:/NAME@ALIAS`, `models:/NAME/VERSION`, a name and a version, an
//! MLflow 3 logged model `models:/m-…`, `runs:/RUN/PATH`). Verification checks the digest the
//! log records against that version's files, and the trace follows the same version back to
//! its data; both need the same answer to "which version is this".
//!
//! Guarantees: only edges of the graph are followed (alias → version, version → logged
//! model, logged model → files); an alias resolves to the version it points to now (MLflow
//! keeps no alias history), and the answer says so.

use super::build::id;
use super::{Lineage, NodeKind, Relation};

/// How a log names the model that served.
#[derive(Debug, Clone, Default)]
pub struct ServedRef<'a> {
    pub uri: Option<&'a str>,
    pub name: Option<&'a str>,
    pub version: Option<&'a str>,
}

/// The version a reference resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The model version node; `via_alias` when an alias was followed (to its version now).
    Version { id: String, via_alias: Option<String> },
    /// The reference names something the graph does not hold.
    Unknown { named: String },
    /// Several versions come from what the reference names.
    Ambiguous { named: String, versions: Vec<String> },
    /// The reference names no model.
    NotNamed,
}

/// Resolves a served-model reference to a model version node.
pub fn resolve(lineage: &Lineage, r: &ServedRef<'_>) -> Resolved {
    if let Some(uri) = r.uri {
        if let Some(rest) = uri.strip_prefix("runs:/") {
            let run = id::run(rest.split('/').next().unwrap_or(rest));
            return from_versions(lineage, &run, Relation::WasGeneratedBy, uri);
        }
        if let Some(rest) = uri.strip_prefix("models:/") {
            if let Some((name, alias)) = rest.split_once('@') {
                // the version the log itself records beats the alias's version now
                if let Some(version) = r.version {
                    return version_named(lineage, r.name.unwrap_or(name), version);
                }
                let aid = id::alias(name, alias);
                return match lineage.outgoing(&aid).into_iter().find(|e| e.relation == Relation::AlternateOf) {
                    Some(e) if lineage.contains(&e.to) => Resolved::Version { id: e.to, via_alias: Some(uri.to_string()) },
                    _ => Resolved::Unknown { named: uri.to_string() },
                };
            }
            if rest.starts_with("m-") && !rest.contains('/') {
                return from_versions(lineage, &id::logged_model(rest), Relation::WasDerivedFrom, uri);
            }
            if let Some((name, version)) = rest.rsplit_once('/') {
                return version_named(lineage, name, version);
            }
        }
    }
    match (r.name, r.version) {
        (Some(name), Some(version)) => version_named(lineage, name, version),
        _ => Resolved::NotNamed,
    }
}

fn version_named(lineage: &Lineage, name: &str, version: &str) -> Resolved {
    match version.trim().parse::<u32>() {
        Ok(v) if lineage.contains(&id::model_version(name, v)) => Resolved::Version { id: id::model_version(name, v), via_alias: None },
        _ => Resolved::Unknown { named: format!("models:/{name}/{version}") },
    }
}

/// The versions registered from `from` (a run or a logged model).
fn from_versions(lineage: &Lineage, from: &str, relation: Relation, uri: &str) -> Resolved {
    let mut versions: Vec<String> = lineage
        .incoming(from)
        .into_iter()
        .filter(|e| e.relation == relation && lineage.node(&e.from).is_some_and(|n| n.kind() == NodeKind::ModelVersion))
        .map(|e| e.from)
        .collect();
    versions.sort();
    versions.dedup();
    match versions.len() {
        0 => Resolved::Unknown { named: uri.to_string() },
        1 => Resolved::Version { id: versions.remove(0), via_alias: None },
        _ => Resolved::Ambiguous { named: uri.to_string(), versions },
    }
}

/// File names MLflow writes beside a model that are not the model's weights.
pub const MODEL_METADATA_FILES: [&str; 7] = ["MLmodel", "conda.yaml", "python_env.yaml", "requirements.txt", "input_example.json", "serving_input_example.json", "registered_model_meta"];

/// The file nodes of a version's logged model(s) (MLflow's copy of the model folder).
pub fn model_files(lineage: &Lineage, version: &str) -> Vec<String> {
    let mut out: Vec<String> = lineage
        .outgoing(version)
        .into_iter()
        .filter(|e| e.relation == Relation::WasDerivedFrom && lineage.node(&e.to).is_some_and(|n| n.kind() == NodeKind::LoggedModel))
        .flat_map(|e| lineage.outgoing(&e.to))
        .filter(|e| e.relation == Relation::HadMember)
        .map(|e| e.to)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a model file is the weights rather than MLflow's metadata beside them.
pub fn is_weights(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    !MODEL_METADATA_FILES.contains(&name)
}
