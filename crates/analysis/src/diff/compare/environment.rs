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
//! A repository file that is in git but cannot be read is never taken for a missing one: it
//! is listed with no package changes and the side it is on says that it cannot be read and
//! why, naming the object; it is a divergence of its own unless git names the same content on
//! both sides (then it is equal whatever its bytes).

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
    let (env, unreadable) = detail(lineage, evidence, a, b);
    let mut changed: Vec<String> = env.files.iter().filter(|f| !f.changes.is_empty()).map(|f| format!("{} ({} packages)", f.role, f.changes.len())).collect();
    changed.extend(unreadable.iter().map(|role| format!("{role} (cannot be read)")));
    if changed.is_empty() {
        return None;
    }
    let summary = format!("{} → {}: {}", a.label, b.label, changed.join(", "));
    Some((DivergenceKind::Environment, summary, Detail::Environment(env)))
}

/// The environment files of two runs: those of the models each logged, and the
/// repository's at each run's commit; with the roles of repository files that cannot be read
/// and may differ.
fn detail(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> (EnvironmentDetail, Vec<String>) {
    let mut files = model_environments(evidence, &model_files(lineage, a), &model_files(lineage, b));
    let (repository, unreadable) = repository_environments(lineage, evidence, a, b);
    files.extend(repository);
    (EnvironmentDetail { files }, unreadable)
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

/// A repository environment file at one run's commit.
enum Side {
    Text(String),
    /// Not in the commit's tree (or not text).
    Absent,
    /// In git but unreadable: why, naming the object.
    Unreadable(String),
}

/// The repository file `name` at commit `c` of repository `r`.
fn side(evidence: &EvidenceSet, r: &str, c: &str, name: &str) -> Side {
    let Some(repo) = evidence.repo(r) else { return Side::Absent };
    match repo.try_blob_at(c, name) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map(Side::Text).unwrap_or(Side::Absent),
        Ok(None) => Side::Absent,
        Err(e) => Side::Unreadable(e.describe()),
    }
}

/// Whether git names the same content for `name` at both commits (read from the trees, not
/// the blobs, so it holds for a blob that cannot be read).
fn same_blob(evidence: &EvidenceSet, (ra, ca): (&str, &str), (rb, cb): (&str, &str), name: &str) -> bool {
    let id = |r: &str, c: &str| evidence.repo(r).and_then(|g| g.try_blob_id_at(c, name).ok().flatten());
    id(ra, ca).is_some_and(|x| Some(x) == id(rb, cb))
}

/// The repository's environment files at each run's commit, compared name by name (none
/// when either run records no commit), and the roles of those that cannot be read on a side
/// and may differ.
fn repository_environments(lineage: &Lineage, evidence: &EvidenceSet, a: &Node, b: &Node) -> (Vec<EnvironmentFile>, Vec<String>) {
    let (mut files, mut unreadable) = (Vec::new(), Vec::new());
    let (Some((ra, ca)), Some((rb, cb))) = (commit_of(lineage, a), commit_of(lineage, b)) else { return (files, unreadable) };
    for name in REPOSITORY_FILES {
        let (sa, sb) = (side(evidence, &ra, &ca, name), side(evidence, &rb, &cb, name));
        let role = format!("repository {name}");
        let place = |r: &str, c: &str| format!("{r}@{}:{name}", short(c));
        let (ta, tb) = match (sa, sb) {
            (Side::Absent, Side::Absent) => continue,
            (Side::Text(ta), Side::Text(tb)) => (Some(ta), Some(tb)),
            (Side::Text(ta), Side::Absent) => (Some(ta), None),
            (Side::Absent, Side::Text(tb)) => (None, Some(tb)),
            (sa, sb) => {
                // not compared: one side, or both, cannot be read
                let located = |s: Side, r: &str, c: &str| match s {
                    Side::Text(_) => Some(place(r, c)),
                    Side::Absent => None,
                    Side::Unreadable(why) => Some(format!("{} (cannot be read: {why})", place(r, c))),
                };
                if !same_blob(evidence, (&ra, &ca), (&rb, &cb), name) {
                    unreadable.push(role.clone());
                }
                files.push(EnvironmentFile { role, a: located(sa, &ra, &ca), b: located(sb, &rb, &cb), changes: Vec::new() });
                continue;
            }
        };
        let parse = |t: Option<String>| t.map(|t| packages_of(name, &t)).unwrap_or_default();
        let changes = crate::diff::packages(&parse(ta.clone()), &parse(tb.clone()));
        files.push(EnvironmentFile { role, a: ta.map(|_| place(&ra, &ca)), b: tb.map(|_| place(&rb, &cb)), changes });
    }
    (files, unreadable)
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
