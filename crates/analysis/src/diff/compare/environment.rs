//! Environments: the packages two runs were set up with, compared file by file.
//!
//! Why: a run trained with another version of a library is another run even with the same
//! code, data and parameters, so the environment is a leaf of its own: a change there is a
//! root cause even when other inputs changed too. The packages come from the environment files
//! of the models each run logged (`requirements.txt`, `conda.yaml`, `python_env.yaml`) and from
//! the repository's environment files at each run's commit.
//!
//! Guarantees: files are only read; one missing on a side compares as no packages (every
//! package of the other side added or removed); a repository file is listed only when at least
//! one side has it; packages are compared as pip names them ([`crate::diff::normalize_package`]).

use std::collections::BTreeMap;

use serde_json::Value;

use custody_lineage::{Lineage, Node, NodeKind, Relation};
use custody_sources::EvidenceSet;

use super::{Detail, DivergenceKind, EnvironmentDetail, EnvironmentFile, Leaf, short};

/// The environment files of a model that name its packages.
const MODEL_FILES: [&str; 3] = ["requirements.txt", "conda.yaml", "python_env.yaml"];

/// The environment files of a repository, looked up at a run's commit.
const REPOSITORY_FILES: [&str; 4] = ["requirements.txt", "environment.yml", "environment.yaml", "conda.yaml"];

/// The environment divergence of two runs, if a file of theirs lists a changed package.
pub(super) fn compare(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> Option<Leaf> {
    let env = detail(lineage, evidence, a, b);
    let changed: Vec<String> = env.files.iter().filter(|f| !f.changes.is_empty()).map(|f| format!("{} ({} packages)", f.role, f.changes.len())).collect();
    if changed.is_empty() {
        return None;
    }
    let summary = format!("{} → {}: {}", a.label, b.label, changed.join(", "));
    Some((DivergenceKind::Environment, summary, Detail::Environment(env)))
}

/// The environment files of two runs: those of the models each logged, and the
/// repository's at each run's commit.
fn detail(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> EnvironmentDetail {
    let mut files = model_environments(evidence, &model_files(lineage, a), &model_files(lineage, b));
    files.extend(repository_environments(lineage, evidence, a, b));
    EnvironmentDetail { files }
}

/// The environment files of the models a run logged: role (`model requirements.txt`) → path.
fn model_files(lineage: &Lineage, run: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in lineage.incoming(&run.id).into_iter().filter(|e| e.relation == Relation::WasGeneratedBy) {
        let Some(m) = lineage.node(&e.from).filter(|m| m.kind() == NodeKind::LoggedModel) else { continue };
        for f in lineage.outgoing(&m.id).into_iter().filter(|e| e.relation == Relation::HadMember) {
            let Some(path) = custody_lineage::id::file_path(&f.to) else { continue };
            let name = path.rsplit('/').next().unwrap_or("").to_string();
            if MODEL_FILES.contains(&name.as_str()) {
                out.entry(format!("model {name}")).or_insert(path);
            }
        }
    }
    out
}

/// The model environment files of two runs compared, role by role.
fn model_environments(evidence: &EvidenceSet, fa: &BTreeMap<String, String>, fb: &BTreeMap<String, String>) -> Vec<EnvironmentFile> {
    let mut roles: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    roles.sort();
    roles.dedup();
    let mut files = Vec::new();
    for role in roles {
        let packages = |p: Option<&String>| -> BTreeMap<String, String> {
            let Some(text) = p.and_then(|p| evidence.read(p)).and_then(|b| String::from_utf8(b).ok()) else { return BTreeMap::new() };
            packages_of(role, &text)
        };
        let changes = crate::diff::packages(&packages(fa.get(role)), &packages(fb.get(role)));
        files.push(EnvironmentFile { role: role.clone(), a: fa.get(role).cloned(), b: fb.get(role).cloned(), changes });
    }
    files
}

/// The repository's environment files at each run's commit, compared name by name (none
/// when either run records no commit).
fn repository_environments(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> Vec<EnvironmentFile> {
    let mut files = Vec::new();
    let (Some((ra, ca)), Some((rb, cb))) = (commit_of(lineage, a), commit_of(lineage, b)) else { return files };
    for name in REPOSITORY_FILES {
        let text = |r: &str, c: &str| evidence.repo(r).and_then(|g| g.blob_at(c, name)).and_then(|b| String::from_utf8(b).ok());
        let (ta, tb) = (text(&ra, &ca), text(&rb, &cb));
        if ta.is_none() && tb.is_none() {
            continue;
        }
        let role = format!("repository {name}");
        let parse = |t: Option<String>| t.map(|t| packages_of(name, &t)).unwrap_or_default();
        let changes = crate::diff::packages(&parse(ta.clone()), &parse(tb.clone()));
        files.push(EnvironmentFile { role, a: ta.map(|_| format!("{ra}@{}:{name}", short(&ca))), b: tb.map(|_| format!("{rb}@{}:{name}", short(&cb))), changes });
    }
    files
}

/// The repository and commit a run used as its code: (repository, sha).
fn commit_of(lineage: &Lineage, run: &Node) -> Option<(String, String)> {
    let c = lineage.outgoing(&run.id).into_iter().find(|e| e.relation == Relation::Used && e.role.as_deref() == Some("code"))?;
    let commit = lineage.node(&c.to)?.payload.commit()?;
    Some((commit.repository.as_ref()?.as_str().to_string(), commit.sha.clone()))
}

/// The packages of an environment file, by its name.
fn packages_of(name: &str, text: &str) -> BTreeMap<String, String> {
    if name.ends_with("python_env.yaml") {
        let Ok(doc) = serde_norway::from_str::<Value>(text) else { return BTreeMap::new() };
        let mut out = BTreeMap::new();
        if let Some(py) = doc.get("python").and_then(|v| v.as_str()) {
            out.insert("python".to_string(), format!("=={py}"));
        }
        for key in ["build_dependencies", "dependencies"] {
            let lines: Vec<&str> = doc.get(key).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
            out.extend(crate::diff::requirement_lines(lines));
        }
        return out;
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return crate::diff::conda_packages(text).unwrap_or_default();
    }
    crate::diff::requirement_lines(text.lines())
}
