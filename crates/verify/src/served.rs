//! Inference logs as witnesses of the served model's bytes.
//!
//! Why: a scoring service that logs the SHA-256 of the model file behind each decision makes
//! a claim about that model's bytes, as a signature does. A model swapped in the registry (a
//! version repointed, a model file replaced) contradicts that witness. Checking it once per
//! distinct (model, digest) pair the log records puts the contradiction in the case verdict,
//! not only in the trace of one decision.
//!
//! Guarantees: one finding per distinct claim, on the model version the log names (resolved
//! as [`custody_lineage::served`] resolves it), naming the log, the first record and how many
//! records make the claim; a claim is verified only when a file of that version has exactly
//! the logged digest; the log is read once, streaming.

use std::collections::HashMap;

use super::{Check, DigestTable, Finding, NodeRef, Status};
use custody_evidence::RelPath;
use custody_sources::inference::{FieldOverrides, InferenceLog, ServedModel};
use custody_lineage::served::{self, Resolved, ServedRef};
use custody_lineage::{Lineage, NodeKind, Witness};
use custody_sources::Evidence;

/// Checks every model digest every JSON-lines inference log records.
pub fn check(ev: &Evidence, lineage: &Lineage, table: &DigestTable) -> Vec<Finding> {
    let mut by_sha: HashMap<&str, Vec<&RelPath>> = HashMap::new();
    for (rel, d) in &table.digests {
        if let Some(s) = &d.sha256 {
            by_sha.entry(s.as_str()).or_default().push(rel);
        }
    }
    let mut out = Vec::new();
    for rel in &ev.inference_logs {
        let log_node = NodeRef { kind: NodeKind::File, id: custody_lineage::build::id::file(rel), label: rel.as_str().to_string() };
        let claims = InferenceLog::open(&rel.to_local(&ev.root), rel.as_str(), &FieldOverrides::default()).and_then(|log| log.served_models());
        match claims {
            Ok(claims) => {
                for c in claims.iter().filter(|c| c.model_digest.is_some()) {
                    out.push(check_claim(lineage, table, &by_sha, c, &log_node, ev.mlflow.is_empty()));
                }
            }
            Err(e) => out.push(Finding::new(Status::Unverifiable, Check::ServedModel, log_node, format!("the log's model digests could not be read: {e}")).at(rel)),
        }
    }
    out
}

fn check_claim(lineage: &Lineage, table: &DigestTable, by_sha: &HashMap<&str, Vec<&RelPath>>, c: &ServedModel, log_node: &NodeRef, no_registry: bool) -> Finding {
    let digest = c.model_digest.as_deref().unwrap_or_default().trim().trim_start_matches("sha256:").to_ascii_lowercase();
    let named = c.model_uri.clone().or_else(|| c.model_name.as_ref().map(|n| format!("{n}/{}", c.model_version.as_deref().unwrap_or("?")))).unwrap_or_else(|| "no model name".into());
    let resolved = served::resolve(lineage, &ServedRef { uri: c.model_uri.as_deref(), name: c.model_name.as_deref(), version: c.model_version.as_deref() });
    let version_label = match &resolved {
        Resolved::Version { id, .. } => lineage.node(id).map(|n| n.label.clone()).unwrap_or_else(|| id.clone()),
        _ => named.clone(),
    };
    let witness = Witness::new(c.log.as_str(), format!("model digest ({named}{}), first at {}", if version_label != named { format!(", {version_label}") } else { String::new() }, c.first_record));
    let mut elsewhere = by_sha.get(digest.as_str()).map(|v| v.iter().map(|r| r.as_str()).collect::<Vec<_>>()).unwrap_or_default();
    elsewhere.sort_unstable();
    let records = if c.records == 1 { "1 record".to_string() } else { format!("{} records", c.records) };
    let f = match resolved {
        Resolved::Version { id, via_alias } => {
            let node = crate::node_ref(lineage, &id, NodeKind::ModelVersion, &id);
            let files: Vec<(RelPath, String)> = served::model_files(lineage, &id)
                .into_iter()
                .filter_map(|f| custody_lineage::id::file_path(&f).and_then(|p| RelPath::new(&p).ok()))
                .filter_map(|rel| table.get(&rel, super::Algorithm::Sha256).ok().map(|h| (rel.clone(), h.to_string())))
                .collect();
            let alias_note = via_alias.map(|a| format!(" (served as {a}, the alias's version now: MLflow keeps no alias history)")).unwrap_or_default();
            if let Some((rel, _)) = files.iter().find(|(_, h)| *h == digest) {
                Finding::new(Status::Verified, Check::ServedModel, node, format!("the {records} of {} served by {version_label}{alias_note} carry the SHA-256 of its model file {rel}", c.log)).at(rel).expect(digest.clone(), Some(digest.clone()))
            } else if files.is_empty() {
                Finding::new(Status::Unverifiable, Check::ServedModel, node, format!("the {records} of {} served by {version_label} carry sha256 {digest}, but the version's model files are not in the evidence", c.log)).expect(digest.clone(), None)
            } else {
                let weights = files.iter().filter(|(r, _)| served::is_weights(r.as_str())).max_by_key(|(r, _)| table.digests.get(r).map(|d| d.size).unwrap_or(0)).unwrap_or(&files[0]);
                let other = if elsewhere.is_empty() { "no file in the evidence has those bytes".to_string() } else { format!("those are the bytes of {}", elsewhere.join(", ")) };
                Finding::new(
                    Status::Mismatch,
                    Check::ServedModel,
                    node,
                    format!("the {records} of {} served by {version_label}{alias_note} say the model file had sha256 {digest}; the version's {} has sha256 {} ({other}): the model behind the version is not the one that served", c.log, weights.0, weights.1),
                )
                .at(&weights.0)
                .expect(digest.clone(), Some(weights.1.clone()))
            }
        }
        Resolved::Unknown { named } if no_registry => Finding::new(
            Status::NotCollected,
            Check::ServedModel,
            log_node.clone(),
            format!("the {records} of {} name {named}, but no MLflow registry is part of the evidence to check the digest against", c.log),
        )
        .expect(digest.clone(), None),
        Resolved::Unknown { named } => Finding::new(Status::Missing, Check::ServedModel, log_node.clone(), format!("the {records} of {} name {named}, which the registry in the evidence does not hold", c.log)).expect(digest.clone(), None),
        Resolved::Ambiguous { named, versions } => Finding::new(Status::Unverifiable, Check::ServedModel, log_node.clone(), format!("the {records} of {} name {named}, from which several versions come ({})", c.log, versions.join(", "))),
        Resolved::NotNamed if elsewhere.is_empty() => Finding::new(Status::Missing, Check::ServedModel, log_node.clone(), format!("the {records} of {} carry model digest {digest}, which matches no file in the evidence: the model that made these decisions is not among the known artifacts", c.log)).expect(digest.clone(), None),
        Resolved::NotNamed => Finding::new(Status::Verified, Check::ServedModel, log_node.clone(), format!("the {records} of {} name no model version; their digest is the SHA-256 of {}", c.log, elsewhere.join(", "))).expect(digest.clone(), Some(digest.clone())),
    };
    let path = f.path.clone();
    let mut f = f.by(witness);
    if path.is_none() {
        f.path = Some(c.log.clone());
    }
    f
}
