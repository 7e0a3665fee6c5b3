//! Builds the [`Lineage`] graph from checked source types and the resolved links.
//!
//! Node ids (see [`id`]) come from the identities the tools assign: `run:<run id>`,
//! `commit:<sha>`, `model-version:<name>/<version>`, `data:<project>/<path>@<md5>` …, so the
//! same thing seen by two sources is one node, and rebuilding the same evidence gives the same
//! graph.

use std::collections::BTreeMap;

use super::payload::{AgentFacts, AliasFacts, CommitFacts, DataVersionFacts, DatasetFacts, FileFacts, LoggedModelFacts, ModelVersionFacts, RunFacts, StageFacts};
use super::resolve::{Links, git_display};
use super::{Lineage, Node, Relation, Witness};
use custody_evidence::{EntryKind, RelPath};
use custody_sources::Evidence;
use custody_sources::dvc::{DvcDigest, DvcProject, Entry, Location, Stage};
use custody_sources::mlflow::{GIT_COMMIT_TAG, ModelSource, Run, TrackingStore};

/// Node ids as text, for the graph's string-keyed API; every one is spelled by [`NodeId`].
pub mod id {
    use custody_evidence::RelPath;
    use custody_sources::dvc::DvcDigest;

    use crate::id::NodeId;

    pub fn commit(sha: &str) -> String {
        NodeId::commit(sha).to_string()
    }
    pub fn run(run_id: &str) -> String {
        NodeId::run(run_id).to_string()
    }
    pub fn dataset(uuid: &str) -> String {
        NodeId::Dataset(uuid.to_string()).to_string()
    }
    pub fn logged_model(model_id: &str) -> String {
        NodeId::LoggedModel(model_id.to_string()).to_string()
    }
    /// A 2.x model kept under a run's artifacts.
    pub fn run_model(run_id: &str, artifact_path: &str) -> String {
        NodeId::run_model(run_id, artifact_path).to_string()
    }
    pub fn model_version(name: &str, version: u32) -> String {
        NodeId::model_version(name, version).to_string()
    }
    pub fn alias(name: &str, alias: &str) -> String {
        NodeId::alias(name, alias).to_string()
    }
    pub fn data_version(project: &RelPath, path: &RelPath, digest: &DvcDigest) -> String {
        NodeId::DataVersion { path: project.join_rel(path).to_string(), digest: digest.value() }.to_string()
    }
    pub fn file(rel: &RelPath) -> String {
        NodeId::file(rel).to_string()
    }
    pub fn agent(who: &str) -> String {
        NodeId::Agent(who.to_string()).to_string()
    }
    /// A signature, by the place it was found (`file` or `file#L3`, or `repo@sha` for git).
    pub fn signature(place: &str) -> String {
        NodeId::Signature(place.to_string()).to_string()
    }
    /// The statement a signature carries.
    pub fn attestation(place: &str) -> String {
        NodeId::Attestation(place.to_string()).to_string()
    }
    /// A signing key, by its fingerprint (SHA-256 of its SubjectPublicKeyInfo).
    pub fn key(fingerprint: &str) -> String {
        NodeId::Key(fingerprint.to_string()).to_string()
    }
    /// A build described by provenance and not otherwise known.
    pub fn build(place: &str) -> String {
        NodeId::Build(place.to_string()).to_string()
    }
    pub fn source(kind: &str, rel: &RelPath) -> String {
        NodeId::Source { kind: kind.to_string(), path: rel.to_string() }.to_string()
    }
}

fn short(sha: &str) -> &str {
    custody_evidence::text::head(sha, 8)
}

/// Builds the graph of one evidence folder.
pub fn build(ev: &Evidence, links: &Links) -> Lineage {
    let mut g = Lineage::new();
    add_git(&mut g, ev);
    for (p, project) in ev.dvc.iter().enumerate() {
        add_dvc(&mut g, ev, links, p, project);
    }
    for (s, store) in ev.mlflow.iter().enumerate() {
        add_mlflow(&mut g, ev, links, s, store);
    }
    for rel in &ev.datasets {
        g.add(Node::new(id::file(rel), rel.as_str(), FileFacts { dataset: true, ..Default::default() }));
    }
    for rel in &ev.inference_logs {
        g.add(Node::new(id::file(rel), rel.as_str(), FileFacts { inference_log: true, ..Default::default() }));
    }
    g
}

fn add_git(g: &mut Lineage, ev: &Evidence) {
    for repo in &ev.git {
        let mut tags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for t in &repo.tags {
            tags.entry(t.commit.as_str()).or_default().push(t.name.as_str());
        }
        for c in &repo.commits {
            let facts = CommitFacts {
                sha: c.sha.clone(),
                repository: Some(repo.rel.clone()),
                author: Some(format!("{} <{}>", c.author.name, c.author.email)),
                authored: Some(c.author.time),
                committer: Some(format!("{} <{}>", c.committer.name, c.committer.email)),
                committed: Some(c.committer.time),
                tree: Some(c.tree.clone()),
                signed: Some(c.signed),
                tags: tags.get(c.sha.as_str()).map(|t| t.iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
                head: repo.head.as_deref() == Some(c.sha.as_str()),
                ..Default::default()
            };
            g.add(Node::new(id::commit(&c.sha), format!("{} {}", short(&c.sha), c.summary), facts));
            let who = id::agent(&c.author.email);
            g.add(Node::new(&who, format!("{} <{}>", c.author.name, c.author.email), AgentFacts::default()));
            g.link(&id::commit(&c.sha), Relation::WasAttributedTo, &who, Some("author"));
        }
        for c in &repo.commits {
            for p in &c.parents {
                g.link(&id::commit(&c.sha), Relation::WasDerivedFrom, &id::commit(p), Some("parent"));
            }
        }
    }
}

/// Where a claim made by the work tree's lock or `.dvc` file is said to be made (in a data
/// version's `claimed_at`, a stage's `locked_at`).
pub const WORK_TREE: &str = "work tree";

/// The stable id of a stage execution: a digest of what its lock entry records (name,
/// command, dependencies, parameters, outputs), so identical locks at several commits (and in
/// the work tree) are one activity. The fields are named here, in a fixed order, so a field
/// added to the stage type later does not change every id.
fn stage_id(project: &DvcProject, file: &RelPath, stage: &Stage) -> String {
    let body = serde_json::to_vec(&stage_identity(stage)).unwrap_or_default();
    let key = custody_evidence::hashing::sha256_hex(&body);
    crate::id::NodeId::Stage { file: project.rel.join_rel(file).to_string(), name: stage.name.clone(), key: key[..12].to_string() }.to_string()
}

/// What identifies a stage execution, field by field, in the order ids have always been
/// computed in (so ids are stable across versions of Custody): the stage's name and command,
/// each dependency and output (where, its digest, other hash, size, file count, exec bit,
/// whether cached, and the record that states it), and the locked parameters.
fn stage_identity(stage: &Stage) -> serde_json::Value {
    let entry = |e: &Entry| {
        serde_json::json!({
            "location": e.location,
            "digest": e.digest,
            "other_hash": e.other_hash,
            "size": e.size,
            "nfiles": e.nfiles,
            "isexec": e.isexec,
            "cached": e.cached,
            "record": e.record,
        })
    };
    serde_json::json!({
        "name": stage.name,
        "cmd": stage.cmd,
        "deps": stage.deps.iter().map(entry).collect::<Vec<_>>(),
        "outs": stage.outs.iter().map(entry).collect::<Vec<_>>(),
        "params": stage.params,
    })
}

/// The data version an entry names; `place` is the commit whose lock claims it, or the work
/// tree.
fn data_node(g: &mut Lineage, project: &DvcProject, entry: &Entry, digest: &DvcDigest, witness: Witness, place: Option<&str>) -> Option<String> {
    let Location::Local(path) = &entry.location else { return None };
    let nid = id::data_version(&project.rel, path, digest);
    let facts = DataVersionFacts {
        path: project.to_root(path),
        md5: digest.value(),
        hash: digest.kind.name().to_string(),
        size: entry.size,
        nfiles: entry.nfiles,
        claimed_at: vec![place.unwrap_or(WORK_TREE).to_string()],
        added_by: None,
    };
    g.add(Node::new(&nid, format!("{} @ {}", path, short(&digest.hex)), facts).claim("md5", digest.value(), witness));
    Some(nid)
}

fn add_stage(g: &mut Lineage, project: &DvcProject, file: &RelPath, display: &str, stage: &Stage, commit: Option<&str>) {
    let is_dvc_file = file.file_name().ends_with(".dvc");
    let sid = (!is_dvc_file).then(|| stage_id(project, file, stage));
    if let Some(sid) = &sid {
        let facts = StageFacts {
            stage: stage.name.clone(),
            lockfile: project.to_root(file).as_str().to_string(),
            params: stage.params.clone(),
            cmd: stage.cmd.clone(),
            locked_at: vec![commit.unwrap_or(WORK_TREE).to_string()],
        };
        g.add(Node::new(sid, format!("{} ({})", stage.name, project.to_root(file)), facts));
        if let Some(c) = commit {
            g.link(sid, Relation::Used, &id::commit(c), Some("code"));
        }
    }
    for dep in &stage.deps {
        let Some(d) = &dep.digest else { continue };
        if let Some(dv) = data_node(g, project, dep, d, Witness::new(display, dep.record.clone()), commit) {
            if let Some(sid) = &sid {
                g.link(sid, Relation::Used, &dv, Some("dep"));
            }
        }
    }
    for out in &stage.outs {
        let Some(d) = &out.digest else { continue };
        if let Some(dv) = data_node(g, project, out, d, Witness::new(display, out.record.clone()), commit) {
            match &sid {
                Some(sid) => g.link(&dv, Relation::WasGeneratedBy, sid, None),
                None => {
                    if let Some(d) = g.node_mut(&dv).and_then(|n| n.payload.data_version_mut()) {
                        d.added_by = Some(project.to_root(file).as_str().to_string());
                    }
                }
            }
        }
    }
}

fn add_dvc(g: &mut Lineage, ev: &Evidence, links: &Links, p: usize, project: &DvcProject) {
    for (file, stage) in project.workspace_stages() {
        add_stage(g, project, &file.file, project.to_root(&file.file).as_str(), stage, None);
    }
    for cl in links.commit_locks.iter().filter(|c| c.project == p) {
        let repo = &ev.git[cl.repo];
        let prefix = links.project_repo[p].as_ref().map(|l| l.prefix.as_str()).unwrap_or("");
        for f in &cl.files {
            let display = git_display(repo, &cl.commit, &format!("{prefix}{}", f.file));
            for stage in &f.stages {
                add_stage(g, project, &f.file, &display, stage, Some(&cl.commit));
            }
        }
    }
}

/// The data version a path refers to in the locks of the run's commit, if any.
pub fn data_version_at(links: &Links, ev: &Evidence, store: usize, run: usize, root_path: &RelPath) -> Option<String> {
    let repo = *links.run_repo.get(&(store, run))?;
    let sha = ev.mlflow[store].runs[run].git_commit()?.to_ascii_lowercase();
    let (p, _) = links.project_of_repo(repo)?;
    let project = &ev.dvc[p];
    let in_project = root_path.strip_prefix(&project.rel)?;
    let cl = links.locks_at(p, &sha)?;
    for f in &cl.files {
        for stage in &f.stages {
            for entry in stage.outs.iter().chain(stage.deps.iter()) {
                let (Location::Local(path), Some(d)) = (&entry.location, &entry.digest) else { continue };
                if path == &in_project || (d.is_dir && in_project.strip_prefix(path).is_some()) {
                    return Some(id::data_version(&project.rel, path, d));
                }
            }
        }
    }
    None
}

/// Where a dataset's recorded source is in the evidence (root-relative), trying the recorded
/// absolute path re-rooted, then a relative path against each DVC project and work tree.
pub fn locate_dataset_source(ev: &Evidence, uri: &str) -> Option<RelPath> {
    let path = custody_evidence::file_uri_to_path(uri)?;
    if path.starts_with('/') {
        return ev.rerooter.locate(uri, &RelPath::root()).map(|l| l.rel);
    }
    let bases = ev.dvc.iter().map(|p| p.rel.clone()).chain(ev.git.iter().filter_map(|g| g.workdir.clone()));
    for base in bases.chain(std::iter::once(RelPath::root())) {
        if let Ok(candidate) = base.join(&path) {
            if candidate.to_local(&ev.root).exists() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Files of the evidence under `dir` (root-relative), for a model's artifact folder.
pub fn files_under<'a>(ev: &'a Evidence, dir: &'a RelPath) -> impl Iterator<Item = &'a RelPath> + 'a {
    ev.entries.iter().filter(move |e| e.kind == EntryKind::File && e.rel.strip_prefix(dir).is_some_and(|r| !r.is_root())).map(|e| &e.rel)
}

fn add_model_files(g: &mut Lineage, ev: &Evidence, model: &str, location: Option<&str>) {
    let Some(loc) = location.and_then(|l| ev.rerooter.locate(l, &RelPath::root())) else { return };
    if let Some(m) = g.node_mut(model).and_then(|n| n.payload.logged_model_mut()) {
        m.local_path = Some(loc.rel.as_str().to_string());
        if loc.rerooted_from.is_some() {
            m.rerooted_from = loc.rerooted_from.clone();
        }
    }
    let files: Vec<RelPath> = files_under(ev, &loc.rel).cloned().collect();
    for f in files {
        let fid = id::file(&f);
        g.add(Node::new(&fid, f.as_str(), FileFacts::default()));
        g.link(model, Relation::HadMember, &fid, None);
    }
}

/// One tracking store as its nodes are added: the evidence, the resolved links, the store,
/// its index in the evidence and its path (the witness of every claim it makes).
struct StoreCx<'a> {
    ev: &'a Evidence,
    links: &'a Links,
    s: usize,
    store: &'a TrackingStore,
    db: &'a str,
}

fn add_mlflow(g: &mut Lineage, ev: &Evidence, links: &Links, s: usize, store: &TrackingStore) {
    let cx = StoreCx { ev, links, s, store, db: store.rel.as_str() };
    for (r, run) in store.runs.iter().enumerate() {
        let (rid, label) = add_run(g, &cx, run);
        add_run_datasets(g, &cx, r, run, &rid);
        add_run_models(g, &cx, run, &rid, &label);
    }
    add_logged_models(g, &cx);
    add_model_versions(g, &cx);
    add_aliases(g, &cx);
}

/// A run's node, the commit it records and the user who ran it; returns the run's id and label.
fn add_run(g: &mut Lineage, cx: &StoreCx, run: &Run) -> (String, String) {
    let db = cx.db;
    let rid = id::run(run.id.as_str());
    let exp = cx.store.experiment(&run.experiment_id);
    let label = match &run.name {
        Some(name) => format!("{name} ({})", short(run.id.as_str())),
        None => run.id.as_str().to_string(),
    };
    let facts = RunFacts {
        run_id: run.id.as_str().to_string(),
        experiment: exp.map(|e| e.name.as_str()).unwrap_or(run.experiment_id.as_str()).to_string(),
        params: run.params.clone(),
        metrics: run.metrics.iter().map(|(k, m)| (k.clone(), m.value.is_finite().then_some(m.value))).collect(),
        tags: run.tags.iter().filter(|(k, _)| k.starts_with("mlflow.source") || !k.starts_with("mlflow.")).map(|(k, v)| (k.clone(), v.clone())).collect(),
        store: db.to_string(),
        status: run.status.clone(),
        user: run.user.clone(),
        artifact_uri: run.artifact_uri.clone(),
        start_time: run.start_time,
        end_time: run.end_time,
    };
    let mut node = Node::new(&rid, label.clone(), facts);
    if let Some(c) = run.git_commit() {
        node = node.claim(
            "git.commit",
            c,
            Witness::new(db, format!("tags[run_uuid={}, key={GIT_COMMIT_TAG}]", run.id.as_str())),
        );
    }
    g.add(node);
    if let Some(c) = run.git_commit() {
        let cid = add_recorded_commit(g, cx.ev, c);
        g.link(&rid, Relation::Used, &cid, Some("code"));
    }
    if let Some(user) = &run.user {
        let who = id::agent(user);
        g.add(Node::new(&who, user.as_str(), AgentFacts::default()));
        g.link(&rid, Relation::WasAssociatedWith, &who, None);
    }
    (rid, label)
}

/// The node of a commit a run records, added when no repository's history holds it (so the
/// gap shows in the graph where the code should be); returns the commit's id.
fn add_recorded_commit(g: &mut Lineage, ev: &Evidence, c: &str) -> String {
    let cid = id::commit(c);
    if !g.contains(&cid) && (c.len() == 40 || c.len() == 64) && c.bytes().all(|b| b.is_ascii_hexdigit()) {
        // a repository that holds the commit but cannot read it is passed over here:
        // resolution met the same object when it looked for the run's repository, and
        // verification reports it from `links.problems`; the node says so
        let mut unreadable_in = None;
        let found = ev.git.iter().find_map(|repo| repo.try_find_commit_anywhere(c).unwrap_or_else(|_| {
            unreadable_in.get_or_insert_with(|| repo.rel.clone());
            None
        }));
        match (found, unreadable_in) {
            (Some(found), _) => g.add(Node::new(&cid, format!("{} {} (no branch or tag reaches it)", short(&found.sha), found.summary), CommitFacts { sha: found.sha.clone(), ..Default::default() })),
            (None, Some(repo)) => g.add(Node::new(&cid, format!("{} (in {repo}, but it cannot be read)", short(c)), CommitFacts { sha: c.to_ascii_lowercase(), ..Default::default() })),
            (None, None) => g.add(Node::new(&cid, format!("{} (not in the evidence)", short(c)), CommitFacts { sha: c.to_ascii_lowercase(), absent: true, ..Default::default() })),
        };
    }
    cid
}

/// The datasets a run used, each linked to the data version its source is in the run's commit.
fn add_run_datasets(g: &mut Lineage, cx: &StoreCx, r: usize, run: &Run, rid: &str) {
    let db = cx.db;
    for input in &run.dataset_inputs {
        let Some(ds) = cx.store.dataset(&input.dataset_uuid) else { continue };
        let did = id::dataset(&ds.uuid);
        let facts = DatasetFacts { name: ds.name.clone(), digest: ds.digest.clone(), source: ds.source.clone(), source_type: ds.source_type.clone(), profile: ds.profile.clone(), local_path: None };
        g.add(Node::new(&did, format!("{}@{}", ds.name, ds.digest), facts).claim("digest", ds.digest.as_str(), Witness::new(db, format!("datasets[dataset_uuid={}]", ds.uuid))));
        g.link(rid, Relation::Used, &did, input.context.as_deref().or(Some("input")));
        if let Some(local) = ds.source_uri().and_then(|u| locate_dataset_source(cx.ev, u)) {
            if let Some(d) = g.node_mut(&did).and_then(|n| n.payload.dataset_mut()) {
                d.local_path = Some(local.as_str().to_string());
            }
            if let Some(dv) = data_version_at(cx.links, cx.ev, cx.s, r, &local) {
                g.link(&did, Relation::WasDerivedFrom, &dv, None);
            }
        }
    }
}

/// The models a 2.x run logged, as its `mlflow.log-model.history` tag records them.
fn add_run_models(g: &mut Lineage, cx: &StoreCx, run: &Run, rid: &str, label: &str) {
    let Some(history) = run.tags.get("mlflow.log-model.history") else { return };
    let Ok(serde_json::Value::Array(entries)) = serde_json::from_str::<serde_json::Value>(history) else { return };
    for e in entries {
        let Some(path) = e.get("artifact_path").and_then(|v| v.as_str()) else { continue };
        if path.contains("://") || path.starts_with('/') {
            continue;
        }
        let mid = id::run_model(run.id.as_str(), path);
        let facts = LoggedModelFacts { artifact_path: Some(path.to_string()), model_uuid: e.get("model_uuid").and_then(|v| v.as_str()).map(str::to_string), ..Default::default() };
        g.add(Node::new(&mid, format!("{path} of run {label}"), facts));
        g.link(&mid, Relation::WasGeneratedBy, rid, None);
        let loc = run.artifact_uri.as_ref().map(|a| format!("{}/{}", a.trim_end_matches('/'), path));
        add_model_files(g, cx.ev, &mid, loc.as_deref());
    }
}

/// The store's logged models (3.x), each with the run that produced it and its files.
fn add_logged_models(g: &mut Lineage, cx: &StoreCx) {
    let db = cx.db;
    for lm in &cx.store.logged_models {
        let mid = id::logged_model(&lm.id);
        let facts = LoggedModelFacts { model_id: Some(lm.id.clone()), store: Some(db.to_string()), artifact_location: lm.artifact_location.clone(), ..Default::default() };
        let mut n = Node::new(&mid, format!("{} ({})", lm.name.as_deref().unwrap_or("model"), lm.id), facts);
        if let Some(run) = &lm.source_run_id {
            n = n.claim("source_run_id", run.as_str(), Witness::new(db, format!("logged_models[model_id={}]", lm.id)));
        }
        g.add(n);
        if let Some(run) = &lm.source_run_id {
            g.link(&mid, Relation::WasGeneratedBy, &id::run(run), None);
        }
        add_model_files(g, cx.ev, &mid, lm.artifact_location.as_deref());
    }
}

/// The registry's model versions, each linked to the model it was made from and its run.
fn add_model_versions(g: &mut Lineage, cx: &StoreCx) {
    let db = cx.db;
    for v in &cx.store.model_versions {
        let vid = id::model_version(&v.name, v.version);
        let witness = Witness::new(db, format!("model_versions[name={}, version={}]", v.name, v.version));
        let facts = ModelVersionFacts {
            name: v.name.clone(),
            version: v.version,
            tags: v.tags.clone(),
            status: v.status.clone(),
            stage: v.current_stage.clone(),
            storage_location: v.storage_location.clone(),
            deleted: v.is_deleted(),
        };
        let mut n = Node::new(&vid, format!("models:/{}/{}", v.name, v.version), facts);
        if let Some(src) = &v.source {
            n = n.claim("source", src.as_str(), witness.clone());
        }
        if let Some(run) = &v.run_id {
            n = n.claim("run_id", run.as_str(), witness.clone());
        }
        g.add(n);
        if v.is_deleted() {
            // the row of a deleted version: its source and run are redacted, nothing to link
            continue;
        }
        link_version_source(g, cx.store, &vid, v.parsed_source());
        if let Some(run) = &v.run_id {
            g.link(&vid, Relation::WasGeneratedBy, &id::run(run), None);
        }
    }
}

/// Links a model version to the model its recorded source names.
fn link_version_source(g: &mut Lineage, store: &TrackingStore, vid: &str, source: Option<ModelSource>) {
    match source {
        Some(ModelSource::LoggedModel { model_id }) => g.link(vid, Relation::WasDerivedFrom, &id::logged_model(&model_id), None),
        Some(ModelSource::RunArtifact { run_id, path }) => g.link(vid, Relation::WasDerivedFrom, &id::run_model(&run_id, &path), None),
        Some(ModelSource::Location { uri }) => {
            // 2.x: `<run artifact uri>/<artifact path>`.
            if let Some((run, path)) = run_artifact_of(store, &uri) {
                g.link(vid, Relation::WasDerivedFrom, &id::run_model(&run, &path), None);
            }
        }
        Some(ModelSource::Registry { name, version }) => {
            if let Ok(ver) = version.parse() {
                g.link(vid, Relation::WasDerivedFrom, &id::model_version(&name, ver), None);
            }
        }
        _ => {}
    }
}

/// The registry's aliases, each an alternate of the version it points to.
fn add_aliases(g: &mut Lineage, cx: &StoreCx) {
    for a in &cx.store.aliases {
        let aid = id::alias(&a.model, &a.alias);
        g.add(Node::new(&aid, format!("models:/{}@{}", a.model, a.alias), AliasFacts {}).claim(
            "version",
            a.version.to_string(),
            Witness::new(cx.db, format!("registered_model_aliases[name={}, alias={}]", a.model, a.alias)),
        ));
        g.link(&aid, Relation::AlternateOf, &id::model_version(&a.model, a.version), None);
    }
}

/// For a 2.x version source `…/<run_id>/artifacts/<path>`, the run whose artifact URI is its
/// prefix and the path below it.
pub fn run_artifact_of(store: &TrackingStore, uri: &str) -> Option<(String, String)> {
    let norm = |s: &str| custody_evidence::file_uri_to_path(s).unwrap_or_else(|| s.to_string());
    let target = norm(uri);
    store.runs.iter().find_map(|run| {
        let base = norm(run.artifact_uri.as_deref()?);
        let rest = target.strip_prefix(base.trim_end_matches('/'))?.strip_prefix('/')?;
        Some((run.id.as_str().to_string(), rest.to_string()))
    })
}
