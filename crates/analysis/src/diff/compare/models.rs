//! Logged models: two models compared by their member files.
//!
//! Why: an MLflow logged model is a folder (weights, `MLmodel`, environment files), so two
//! models differ where their files do, each named by its place in the model. MLflow stamps
//! every `MLmodel` with ids and times of its own; an `MLmodel` that differs only there is
//! metadata, not a change of the model, and alone does not make two models differ.
//!
//! Guarantees: members are compared by the SHA-256 the lineage records; only an `MLmodel` is
//! read from the evidence (through the sources' one `MLmodel` reader, which knows the stamps),
//! and one that cannot be read or parsed counts as changed.

use std::collections::BTreeMap;

use custody_lineage::{Lineage, Node, Relation};
use custody_sources::EvidenceSet;
use custody_sources::mlmodel::MlModel;

use super::{Detail, MemberChange, MemberChangeKind, ModelDetail};

/// How two logged models differ, if they do beyond metadata: a one-line summary and every
/// member that differs.
pub(super) fn compare(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> Option<(String, Detail)> {
    let files = members(lineage, evidence, a, b);
    let real: Vec<&MemberChange> = files.iter().filter(|f| f.change != MemberChangeKind::Metadata).collect();
    if real.is_empty() {
        return None;
    }
    let names: Vec<String> = real.iter().map(|f| format!("{} {}", f.name, f.change.name())).collect();
    Some((format!("{} → {}: {}", a.label, b.label, names.join(", ")), Detail::Model(ModelDetail { files })))
}

/// Member files of two logged models, by name within the model.
fn members(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> Vec<MemberChange> {
    let (ma, mb) = (files_of(lineage, a), files_of(lineage, b));
    let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let (x, y) = (ma.get(name), mb.get(name));
        let (sa, sb) = (x.and_then(|v| v.1.clone()), y.and_then(|v| v.1.clone()));
        let change = match (x, y) {
            (None, Some(_)) => MemberChangeKind::Added,
            (Some(_), None) => MemberChangeKind::Removed,
            _ if sa.is_some() && sa == sb => continue,
            (Some((pa, _)), Some((pb, _))) if name == "MLmodel" && same_mlmodel(evidence, pa, pb) => MemberChangeKind::Metadata,
            _ => MemberChangeKind::Changed,
        };
        out.push(MemberChange { name: name.clone(), change, sha256_a: sa, sha256_b: sb });
    }
    out
}

/// The member files of a logged model: name within the model → (file, SHA-256).
fn files_of(lineage: &Lineage, n: &Node) -> BTreeMap<String, (String, Option<String>)> {
    let base = n.payload.logged_model().and_then(|m| m.local_path.as_deref()).unwrap_or("");
    lineage
        .outgoing(&n.id)
        .into_iter()
        .filter(|e| e.relation == Relation::HadMember)
        .filter_map(|e| lineage.node(&e.to))
        .map(|f| {
            let name = f.label.strip_prefix(base).map(|s| s.trim_start_matches('/')).unwrap_or(&f.label).to_string();
            (name, (f.label.clone(), f.payload.file().and_then(|f| f.sha256.clone())))
        })
        .collect()
}

/// Whether two `MLmodel` files say the same once the ids and times MLflow stamps on every
/// model are set aside.
fn same_mlmodel(evidence: &EvidenceSet, a: &str, b: &str) -> bool {
    let read = |p: &str| MlModel::read_in(evidence, p).ok();
    matches!((read(a), read(b)), (Some(x), Some(y)) if x.same_apart_from_stamps(&y))
}
