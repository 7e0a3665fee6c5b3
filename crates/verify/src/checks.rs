//! The checks themselves: what each source claims and how the claim is tested.
//!
//! Planning ([`plan`]) turns DVC's digest claims and the evidence register into file claims;
//! [`cross_check`] compares sources with each other (run ↔ commit, run params ↔ `dvc.lock`,
//! model version ↔ logged model ↔ run, alias ↔ version, recorded locations ↔ evidence);
//! [`evaluate_dirs`] finishes directory outputs once their files are hashed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Algorithm, Check, DigestTable, FileClaim, Finding, NodeRef, Plan, Status, node_ref};
use custody_evidence::{EntryKind, RelPath};
use custody_evidence::hashing;
use custody_lineage::build::{self, id};
use custody_lineage::resolve::{Links, git_display};
use custody_lineage::{Lineage, NodeKind, Witness};
use custody_sources::Evidence;
use custody_sources::dvc::{self, DvcDigest, DvcProject, Entry, HashKind, Location, ManifestEntry};
use custody_sources::mlflow::{Alias, GIT_COMMIT_TAG, ModelSource, ModelVersion, TrackingStore};

/// A directory output to check once the files under it are hashed.
#[derive(Debug, Clone)]
pub struct DirClaim {
    pub node: NodeRef,
    /// The directory, root-relative.
    pub dir: RelPath,
    pub digest: DvcDigest,
    /// The manifest from the cache, when it could be read.
    pub manifest: Option<Vec<ManifestEntry>>,
    /// Every file now under the directory in the work tree (relative to the directory).
    pub files: Vec<RelPath>,
    pub source: Witness,
}

fn algorithm_of(kind: HashKind) -> Algorithm {
    match kind {
        HashKind::Md5 => Algorithm::Md5,
        HashKind::Md5Dos2unix => Algorithm::Md5Dos2unix,
    }
}

/// Plans the digest claims of every DVC project, and the findings that need no hashing
/// (manifests that cannot be read, git-held dependencies).
pub fn plan(ev: &Evidence, links: &Links, lineage: &Lineage, plan: &mut Plan) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (p, project) in ev.dvc.iter().enumerate() {
        let cx = ProjectCx::new(ev, lineage, project);
        for (file, stage) in project.workspace_stages() {
            let display = project.to_root(&file.file);
            for (entry, is_out) in stage.outs.iter().map(|e| (e, true)).chain(stage.deps.iter().map(|e| (e, false))) {
                plan_entry(&cx, entry, is_out, true, Witness::new(display.as_str(), entry.record.clone()), plan, &mut findings);
            }
        }
        let prefix = links.project_repo[p].as_ref().map(|l| l.prefix.clone()).unwrap_or_default();
        for cl in links.commit_locks.iter().filter(|c| c.project == p) {
            let repo = &ev.git[cl.repo];
            let at = LocksAt { lineage, project, repo, commit: &cl.commit, prefix: &prefix };
            for f in &cl.files {
                let display = git_display(repo, &cl.commit, &format!("{prefix}{}", f.file));
                for stage in &f.stages {
                    for entry in &stage.outs {
                        plan_entry(&cx, entry, true, false, Witness::new(&display, entry.record.clone()), plan, &mut findings);
                    }
                    for entry in &stage.deps {
                        check_git_dependency(&at, entry, Witness::new(&display, entry.record.clone()), &mut findings);
                    }
                }
            }
        }
    }
    for project in &ev.dvc {
        plan_unclaimed_cache_objects(ev, project, plan);
    }
    for (display, err) in &links.unreadable {
        let node = NodeRef { kind: NodeKind::Commit, id: String::new(), label: display.clone() };
        findings.push(Finding::new(Status::Unverifiable, Check::SourceRecord, node, format!("lock file in git history could not be read: {err}")));
    }
    for problem in &links.problems {
        findings.push(git_problem_finding(ev, lineage, problem));
    }
    findings
}

/// What planning needs to know about one DVC project, worked out once for all its entries.
struct ProjectCx<'a> {
    ev: &'a Evidence,
    lineage: &'a Lineage,
    project: &'a DvcProject,
    /// Why the project's data was not collected, when its cache holds no file at all (a cache
    /// that was not copied into the evidence): its objects, and work-tree data only it or a
    /// remote holds, are then not collected rather than lost.
    uncollected: Option<String>,
    /// The work-tree paths DVC manages (cached outputs of its stages and `.dvc` files): DVC,
    /// not git, keeps their bytes.
    managed: std::collections::HashSet<&'a RelPath>,
}

impl<'a> ProjectCx<'a> {
    fn new(ev: &'a Evidence, lineage: &'a Lineage, project: &'a DvcProject) -> ProjectCx<'a> {
        let cache_absent = project.cache.as_ref().is_none_or(|c| build::files_under(ev, c).next().is_none());
        let managed = project
            .workspace_stages()
            .flat_map(|(_, s)| s.outs.iter())
            .filter(|o| o.cached)
            .filter_map(|o| match &o.location {
                Location::Local(p) => Some(p),
                _ => None,
            })
            .collect();
        ProjectCx { ev, lineage, project, uncollected: cache_absent.then(|| not_collected_reason(project)), managed }
    }
}

/// One DVC entry being planned: the data version it names and what it claims of it.
struct EntryPlan<'e> {
    node: NodeRef,
    digest: &'e DvcDigest,
    witness: Witness,
    /// The entry's path, root-relative.
    root_path: RelPath,
    /// Whether DVC, not git, keeps the entry's bytes.
    dvc_managed: bool,
}

fn plan_entry(cx: &ProjectCx<'_>, entry: &Entry, is_out: bool, in_workspace: bool, witness: Witness, plan: &mut Plan, findings: &mut Vec<Finding>) {
    let (Location::Local(path), Some(digest)) = (&entry.location, &entry.digest) else { return };
    let nid = id::data_version(&cx.project.rel, path, digest);
    let e = EntryPlan {
        node: node_ref(cx.lineage, &nid, NodeKind::DataVersion, path.as_str()),
        digest,
        witness,
        root_path: cx.project.to_root(path),
        dvc_managed: (is_out && entry.cached) || cx.managed.contains(path),
    };
    // The cache object: for outputs DVC caches.
    let manifest = if is_out && entry.cached { plan_cache_object(cx, &e, plan, findings) } else { None };
    if in_workspace {
        plan_work_tree(cx, e, manifest, plan, findings);
    }
}

/// The cache object of an output DVC caches and, for a directory, the objects its manifest
/// names; returns the manifest, when it could be read.
fn plan_cache_object(cx: &ProjectCx<'_>, e: &EntryPlan<'_>, plan: &mut Plan, findings: &mut Vec<Finding>) -> Option<Vec<ManifestEntry>> {
    let digest = e.digest;
    let obj = cx.project.cache_object(digest)?;
    plan.claim(FileClaim {
        node: e.node.clone(),
        check: Check::DvcCache,
        path: obj.clone(),
        algorithm: Algorithm::Md5,
        expected: digest.hex.clone(),
        source: e.witness.clone(),
        role: if digest.is_dir { "cache manifest object".into() } else { "cache object".into() },
        not_collected: cx.uncollected.clone(),
    });
    if !digest.is_dir {
        return None;
    }
    // Absence is reported by the claim on the object itself.
    let bytes = std::fs::read(obj.to_local(&cx.ev.root)).ok()?;
    match dvc::parse_manifest(&bytes, obj.as_str()) {
        Ok(entries) => {
            plan_manifest_members(cx, e, &obj, &entries, plan);
            Some(entries)
        }
        Err(err) => {
            findings.push(Finding::new(Status::Mismatch, Check::DvcCache, e.node.clone(), err.to_string()).at(&obj).by(e.witness.clone()));
            None
        }
    }
}

/// The cache object of every member a directory's manifest (the cache object `obj`) names.
fn plan_manifest_members(cx: &ProjectCx<'_>, e: &EntryPlan<'_>, obj: &RelPath, entries: &[ManifestEntry], plan: &mut Plan) {
    for m in entries {
        let Ok(d) = DvcDigest::parse_entry(&m.md5, e.digest.kind) else { continue };
        if let Some(member) = cx.project.cache_object(&d) {
            plan.claim(FileClaim {
                node: e.node.clone(),
                check: Check::DvcCache,
                path: member,
                algorithm: Algorithm::Md5,
                expected: d.hex.clone(),
                source: Witness::new(obj.as_str(), format!("relpath={}", m.relpath)),
                role: format!("cache object of `{}`", m.relpath),
                not_collected: None,
            });
        }
    }
}

/// The work-tree copy of an entry: its file, or the files now under its directory (checked
/// against the cached `manifest` once hashed).
fn plan_work_tree(cx: &ProjectCx<'_>, e: EntryPlan<'_>, manifest: Option<Vec<ManifestEntry>>, plan: &mut Plan, findings: &mut Vec<Finding>) {
    let ev = cx.ev;
    let EntryPlan { node, digest, witness, root_path, dvc_managed } = e;
    let algorithm = algorithm_of(digest.kind);
    let uncollected = cx.uncollected.clone();
    if digest.is_dir {
        let files: Vec<RelPath> = build::files_under(ev, &root_path).filter_map(|f| f.strip_prefix(&root_path)).collect();
        for f in &files {
            plan.want(&root_path.join_rel(f), algorithm);
        }
        if files.is_empty() && !root_path.to_local(&ev.root).is_dir() {
            let (status, detail) = match &uncollected {
                Some(reason) if dvc_managed => (Status::NotCollected, format!("the work-tree directory was not collected: {reason}")),
                _ => (Status::Missing, "the work-tree directory is absent".to_string()),
            };
            findings.push(
                Finding::new(status, Check::DvcWorkspace, node, detail)
                    .at(&root_path)
                    .by(witness)
                    .expect(digest.value(), None),
            );
            return;
        }
        // The same directory version is often both one stage's output and another's input.
        if !plan.dirs.iter().any(|d| d.node.id == node.id && d.dir == root_path) {
            plan.dirs.push(DirClaim { node, dir: root_path, digest: digest.clone(), manifest, files, source: witness });
        }
    } else {
        plan.claim(FileClaim {
            node,
            check: Check::DvcWorkspace,
            path: root_path,
            algorithm,
            expected: digest.hex.clone(),
            source: witness,
            role: "work-tree copy".into(),
            not_collected: if dvc_managed { uncollected } else { None },
        });
    }
}

/// Every object of a DVC cache that no lock or `.dvc` file claims (older versions, outputs
/// the run-cache kept) is still named by its content: it must hash to its name.
fn plan_unclaimed_cache_objects(ev: &Evidence, project: &DvcProject, plan: &mut Plan) {
    let Some(cache) = &project.cache else { return };
    let claimed: std::collections::HashSet<RelPath> = plan.claims.iter().map(|c| c.path.clone()).collect();
    for file in build::files_under(ev, cache) {
        if claimed.contains(file) {
            continue;
        }
        let Some(inner) = file.strip_prefix(cache) else { continue };
        let parts: Vec<&str> = inner.as_str().split('/').collect();
        // DVC 3: files/md5/AB/CDEF…; DVC 2: AB/CDEF… (named by the dos2unix md5)
        let (algorithm, name) = match parts.as_slice() {
            ["files", "md5", ab, rest] => (Algorithm::Md5, format!("{ab}{rest}")),
            [ab, rest] if ab.len() == 2 => (Algorithm::Md5Dos2unix, format!("{ab}{rest}")),
            _ => continue,
        };
        let hex = name.strip_suffix(".dir").unwrap_or(&name).to_string();
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        // a `.dir` manifest is hashed as stored, whatever the layout
        let algorithm = if name.ends_with(".dir") { Algorithm::Md5 } else { algorithm };
        plan.claim(FileClaim {
            node: NodeRef { kind: NodeKind::File, id: id::file(file), label: file.as_str().to_string() },
            check: Check::DvcCache,
            path: file.clone(),
            algorithm,
            expected: hex,
            source: Witness::new(file.as_str(), "the cache object's name (its content digest)"),
            role: "cache object no record claims (named by its content)".into(),
            not_collected: None,
        });
    }
}

/// Why a DVC project's data was not collected: its cache is not in the evidence, and the
/// data lives in its remote (named when the project configures one).
fn not_collected_reason(project: &DvcProject) -> String {
    let cache = project.cache.as_ref().map(|c| c.as_str().to_string()).unwrap_or_else(|| "configured outside the evidence".into());
    match project.remotes.first() {
        Some(r) => format!("the DVC cache ({cache}) is not part of the evidence; the data lives in the project's remote `{}` ({}), which was not collected", r.name, r.url),
        None => format!("the DVC cache ({cache}) is not part of the evidence, and the project names no remote"),
    }
}

/// The lock files of a DVC project read from git at one commit: where their dependencies are
/// looked up.
struct LocksAt<'a> {
    lineage: &'a Lineage,
    project: &'a DvcProject,
    repo: &'a custody_sources::git::GitRepo,
    commit: &'a str,
    /// The project's folder inside the repository ("" at the top).
    prefix: &'a str,
}

/// A dependency that git tracks at the lock's commit (code, params) must have the claimed
/// digest in that commit's tree.
fn check_git_dependency(at: &LocksAt<'_>, entry: &Entry, witness: Witness, findings: &mut Vec<Finding>) {
    let LocksAt { lineage, project, repo, commit, prefix } = *at;
    let (Location::Local(path), Some(digest)) = (&entry.location, &entry.digest) else { return };
    if digest.is_dir {
        return;
    }
    let in_repo = format!("{prefix}{path}");
    let nid = id::data_version(&project.rel, path, digest);
    let bytes = match repo.try_blob_at(commit, &in_repo) {
        Ok(Some(bytes)) => bytes,
        // not in git at this commit: nothing to compare (a DVC-managed dependency)
        Ok(None) => return,
        Err(err) => {
            let node = node_ref(lineage, &nid, NodeKind::DataVersion, path.as_str());
            let detail = format!("`{in_repo}` at commit {commit} of {} cannot be compared with the lock's {}: {}", repo.rel, digest.kind.name(), err.describe());
            let mut f = Finding::new(unreadable_git_status(&err), Check::DvcGitDependency, node, detail).by(witness).expect(digest.hex.clone(), None);
            f.path = Some(git_display(repo, commit, &in_repo));
            findings.push(f);
            return;
        }
    };
    let observed = match digest.kind {
        HashKind::Md5 => hashing::md5_hex(&bytes),
        HashKind::Md5Dos2unix => hashing::md5_dos2unix_hex(&bytes),
    };
    let node = node_ref(lineage, &nid, NodeKind::DataVersion, path.as_str());
    let display = git_display(repo, commit, &in_repo);
    let crlf = (observed != digest.hex).then(|| crlf_checkout(&bytes)).flatten().map(|b| match digest.kind {
        HashKind::Md5 => hashing::md5_hex(&b),
        HashKind::Md5Dos2unix => hashing::md5_dos2unix_hex(&b),
    });
    let (status, detail) = if observed == digest.hex {
        (Status::Verified, format!("`{path}` in git at this commit matches the lock's {}", digest.kind.name()))
    } else if crlf.as_deref() == Some(digest.hex.as_str()) {
        (Status::Verified, format!("`{path}` in git at this commit matches the lock's {} once git's checkout conversion gives it CRLF line endings (the repository stores LF; DVC hashed the work tree's CRLF bytes)", digest.kind.name()))
    } else {
        (Status::Mismatch, format!("`{path}` in git at this commit differs from what the lock file recorded for it"))
    };
    let mut f = Finding::new(status, Check::DvcGitDependency, node, detail).by(witness).expect(digest.hex.clone(), Some(observed));
    f.path = Some(display);
    findings.push(f);
}

/// The status of a git object that cannot be read, whichever reader meets it: a damaged object
/// (there, but unreadable or no longer hashing to its name) is a mismatch, and one that is
/// named but absent from the object database is missing, as [`check_commit_objects`] reports
/// the same objects when it re-hashes a commit. Not `Unverifiable`, which says there is nothing
/// to check a claim against: here the evidence itself is damaged, and that must weigh in the
/// verdict as it does when the re-hash finds it.
fn unreadable_git_status(err: &custody_sources::git::GitError) -> Status {
    if err.is_missing() { Status::Missing } else { Status::Mismatch }
}

/// A git object identity resolution needed and could not read (see
/// [`custody_lineage::resolve::GitProblem`]), on the commit's node, located at
/// `repository@commit:path` (or `repository@commit` when no one file was being read).
fn git_problem_finding(ev: &Evidence, lineage: &Lineage, problem: &custody_lineage::resolve::GitProblem) -> Finding {
    let repo = &ev.git[problem.repo];
    let commit = problem.commit.as_str();
    let node = node_ref(lineage, &id::commit(commit), NodeKind::Commit, commit);
    let (place, what) = match &problem.path {
        Some(path) => (git_display(repo, commit, path), format!("`{path}` at commit {commit} of {}", repo.rel)),
        None => (format!("{}@{}", repo.rel, custody_evidence::text::head(commit, 12)), format!("commit {commit} of {}", repo.rel)),
    };
    let mut f = Finding::new(unreadable_git_status(&problem.error), Check::GitObjects, node, format!("reading {what}: {}", problem.error.describe()));
    f.path = Some(place);
    f
}

/// A text blob as git checks it out with `eol=crlf` (or `core.autocrlf`): LF line endings
/// become CRLF. `None` for binary bytes, or text that already holds a CR.
fn crlf_checkout(blob: &[u8]) -> Option<Vec<u8>> {
    if blob.contains(&0) || blob.contains(&b'\r') || !blob.contains(&b'\n') {
        return None;
    }
    let mut out = Vec::with_capacity(blob.len() + blob.len() / 16);
    for &b in blob {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    Some(out)
}

/// Evaluates directory outputs: each file against the manifest, and the whole directory's
/// digest recomputed the way DVC computes it.
pub fn evaluate_dirs(plan: &Plan, table: &DigestTable) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &plan.dirs {
        let algorithm = algorithm_of(d.digest.kind);
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        for f in &d.files {
            match table.get(&d.dir.join_rel(f), algorithm) {
                Ok(h) => entries.push(ManifestEntry { relpath: f.as_str().to_string(), md5: h.to_string() }),
                Err(e) => unreadable.push(format!("{f}: {e}")),
            }
        }
        if let Some(manifest) = &d.manifest {
            let recorded: BTreeMap<&str, &str> = manifest.iter().map(|e| (e.relpath.as_str(), e.md5.as_str())).collect();
            let present: BTreeMap<&str, &str> = entries.iter().map(|e| (e.relpath.as_str(), e.md5.as_str())).collect();
            for (rel, want) in &recorded {
                let path = d.dir.join(rel).unwrap_or_else(|_| d.dir.clone());
                let f = match present.get(rel) {
                    Some(have) if have == want => continue,
                    Some(have) => Finding::new(Status::Mismatch, Check::DvcWorkspace, d.node.clone(), format!("`{rel}` in the work-tree directory differs from the directory's recorded manifest"))
                        .expect(*want, Some(have.to_string())),
                    None => Finding::new(Status::Missing, Check::DvcWorkspace, d.node.clone(), format!("`{rel}` is listed in the directory's manifest but absent from the work tree"))
                        .expect(*want, None),
                };
                out.push(f.at(&path).by(d.source.clone()));
            }
            for (rel, have) in &present {
                if !recorded.contains_key(rel) {
                    let path = d.dir.join(rel).unwrap_or_else(|_| d.dir.clone());
                    out.push(
                        Finding::new(Status::Mismatch, Check::DvcWorkspace, d.node.clone(), format!("`{rel}` is in the work-tree directory but not in its recorded manifest"))
                            .at(&path)
                            .by(d.source.clone())
                            .expect("(absent)", Some(have.to_string())),
                    );
                }
            }
        }
        let observed = hashing::md5_hex(&dvc::manifest_json(&entries));
        let (status, detail) = if !unreadable.is_empty() {
            (Status::Missing, format!("files of the work-tree directory could not be read: {}", unreadable.join("; ")))
        } else if observed == d.digest.hex {
            (Status::Verified, format!("work-tree directory ({} files) matches its recorded manifest digest", entries.len()))
        } else {
            (Status::Mismatch, format!("work-tree directory ({} files) no longer hashes to its recorded manifest digest", entries.len()))
        };
        out.push(
            Finding::new(status, Check::DvcWorkspace, d.node.clone(), detail)
                .at(&d.dir)
                .by(d.source.clone())
                .expect(d.digest.value(), Some(format!("{observed}.dir"))),
        );
    }
    out
}

/// Compares sources with each other; needs no file digests.
pub fn cross_check(ev: &Evidence, links: &Links, lineage: &Lineage) -> Vec<Finding> {
    let mut out = Vec::new();
    for (s, store) in ev.mlflow.iter().enumerate() {
        check_runs(ev, links, lineage, s, store, &mut out);
        check_registry(ev, lineage, store, &mut out);
    }
    check_symlinks(ev, &mut out);
    out
}

fn is_object_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The runs (lowercase ids) that registered models come from: by a version's `run_id`, or
/// by its source (a logged model of the run, or a path in the run's artifacts). Such a run
/// claims to be the run that made a released model.
fn registered_runs(store: &TrackingStore) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for v in store.model_versions.iter().filter(|v| !v.is_deleted()) {
        if let Some(r) = &v.run_id {
            out.insert(r.to_ascii_lowercase());
        }
        match v.parsed_source() {
            Some(ModelSource::LoggedModel { model_id }) => {
                if let Some(r) = store.logged_model(&model_id).and_then(|lm| lm.source_run_id.as_deref()) {
                    out.insert(r.to_ascii_lowercase());
                }
            }
            Some(ModelSource::Location { uri }) => {
                if let Some((r, _)) = build::run_artifact_of(store, &uri) {
                    out.insert(r.to_ascii_lowercase());
                }
            }
            Some(ModelSource::RunArtifact { run_id, .. }) => {
                out.insert(run_id.to_ascii_lowercase());
            }
            _ => {}
        }
    }
    out
}

fn check_runs(ev: &Evidence, links: &Links, lineage: &Lineage, s: usize, store: &TrackingStore, out: &mut Vec<Finding>) {
    let db = store.rel.as_str();
    let mut integrity_done = BTreeSet::new();
    let registered = registered_runs(store);
    for (r, run) in store.runs.iter().enumerate() {
        let rid = id::run(run.id.as_str());
        let node = node_ref(lineage, &rid, NodeKind::Run, run.id.as_str());
        let witness = Witness::new(db, format!("tags[run_uuid={}, key={GIT_COMMIT_TAG}]", run.id.as_str()));
        check_model_commit_tags(store, run, &node, out);
        let Some(sha) = run.git_commit() else {
            out.push(Finding::new(Status::Unverifiable, Check::RunCommit, node, "the run records no git commit (`mlflow.source.git.commit`)"));
            continue;
        };
        if !is_object_id(sha) {
            out.push(
                Finding::new(Status::Conflict, Check::RunCommit, node, "the recorded commit is not a git object id")
                    .by(witness)
                    .expect("40 or 64 hexadecimal digits", Some(sha.to_string())),
            );
            continue;
        }
        let Some(&repo_idx) = links.run_repo.get(&(s, r)) else {
            let shallow: Vec<&str> = ev.git.iter().filter(|g| g.shallow).map(|g| g.rel.as_str()).collect();
            let (status, detail) = if ev.git.is_empty() {
                (Status::Unverifiable, "no git repository in the evidence to check the run's commit against".to_string())
            } else if !shallow.is_empty() {
                (Status::NotCollected, format!("the run's commit is in none of the repositories of the evidence, and {} is a shallow clone whose history before its cut was not collected", shallow.join(", ")))
            } else {
                let repos: Vec<&str> = ev.git.iter().map(|g| g.rel.as_str()).collect();
                (Status::Missing, format!("the run's commit is in none of the repositories of the evidence ({})", repos.join(", ")))
            };
            let commit = node_ref(lineage, &id::commit(sha), NodeKind::Commit, sha);
            out.push(Finding::new(status, Check::RunCommit, commit, format!("{detail} (recorded by run {})", run.id.as_str())).by(witness).expect(sha.to_string(), None));
            continue;
        };
        let repo = &ev.git[repo_idx];
        let reachable = repo.commit(sha).is_some();
        out.push(
            Finding::new(
                Status::Verified,
                Check::RunCommit,
                node.clone(),
                if reachable {
                    format!("commit found in {}", repo.rel)
                } else {
                    format!("commit found in {} but no branch or tag reaches it", repo.rel)
                },
            )
            .by(witness)
            .expect(sha.to_string(), Some(sha.to_string())),
        );
        if integrity_done.insert(sha.to_ascii_lowercase()) {
            out.push(check_commit_objects(lineage, repo, sha));
        }
        let claims_pipeline = registered.contains(&run.id.as_str().to_ascii_lowercase());
        check_params(ParamsCheck { ev, links, store, run: r, node, repo: repo_idx, commit: sha, claims_pipeline }, out);
    }
}

/// MLflow 3 copies the run's source tags onto each model the run logs; the two copies of the
/// commit must agree.
fn check_model_commit_tags(store: &TrackingStore, run: &custody_sources::mlflow::Run, node: &NodeRef, out: &mut Vec<Finding>) {
    for lm in store.logged_models.iter().filter(|m| m.source_run_id.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(run.id.as_str()))) {
        let Some(model_commit) = lm.git_commit() else { continue };
        let witness = Witness::new(store.rel.as_str(), format!("logged_model_tags[model_id={}, tag_key={GIT_COMMIT_TAG}]", lm.id));
        match run.git_commit() {
            Some(run_commit) if run_commit.eq_ignore_ascii_case(model_commit) => out.push(
                Finding::new(Status::Verified, Check::RunCommit, node.clone(), format!("the run's logged model {} records the same commit", lm.id)).by(witness),
            ),
            run_commit => out.push(
                Finding::new(
                    Status::Conflict,
                    Check::RunCommit,
                    node.clone(),
                    format!("the run's logged model {} records commit {model_commit}, but the run's own tag says {}", lm.id, run_commit.unwrap_or("nothing")),
                )
                .by(witness)
                .expect(model_commit.to_string(), run_commit.map(str::to_string)),
            ),
        }
    }
}

/// Re-hashes the objects of a commit the case uses.
fn check_commit_objects(lineage: &Lineage, repo: &custody_sources::git::GitRepo, sha: &str) -> Finding {
    let node = node_ref(lineage, &id::commit(sha), NodeKind::Commit, sha);
    let report = repo.verify_commit(sha);
    let mut f = if !report.corrupt.is_empty() {
        let list: Vec<String> = report.corrupt.iter().map(|(o, k, seen)| format!("{k} {o} (re-hashes to {seen})")).collect();
        Finding::new(Status::Mismatch, Check::GitObjects, node, format!("corrupt git objects: {}", list.join(", ")))
    } else if !report.missing.is_empty() {
        Finding::new(Status::Missing, Check::GitObjects, node, format!("git objects absent from the repository: {}", report.missing.join(", ")))
    } else {
        Finding::new(Status::Verified, Check::GitObjects, node, format!("commit, trees and blobs re-hash to their ids ({} objects newly checked)", report.checked))
    };
    f.path = Some(repo.rel.as_str().to_string());
    f
}

/// Python's `str()` of a YAML scalar, which is what MLflow stores for a logged param.
fn python_str(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Null => "None".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One run's params against the locks at its commit.
struct ParamsCheck<'a> {
    ev: &'a Evidence,
    links: &'a Links,
    store: &'a TrackingStore,
    /// The run, by index in the store.
    run: usize,
    node: NodeRef,
    /// The repository holding the run's commit, by index in the evidence.
    repo: usize,
    commit: &'a str,
    /// Whether the run claims to be the pipeline's run (a registered model comes from it):
    /// then a param that differs from the lock contradicts the records; otherwise the run is
    /// an exploratory one (a sweep, a command-line override) and the difference is noted.
    claims_pipeline: bool,
}

/// Every parameter the locks at a commit record: key → (value, witness). In a repository
/// that holds several DVC projects (a monorepo), the project the run belongs to: the one
/// that holds the run's dataset inputs, else the one whose folder holds the run's entry point
/// (`mlflow.source.name`), else the one whose locks alone name the most of the run's params.
fn locked_params(cx: &ParamsCheck<'_>) -> BTreeMap<String, Vec<(serde_json::Value, Witness)>> {
    let projects = cx.links.projects_of_repo(cx.repo);
    let commit = cx.commit.to_ascii_lowercase();
    let candidates: Vec<BTreeMap<String, Vec<(serde_json::Value, Witness)>>> =
        projects.iter().map(|(p, link)| project_params(cx, *p, link, &commit)).collect();
    if candidates.len() <= 1 {
        return candidates.into_iter().next().unwrap_or_default();
    }
    let run = &cx.store.runs[cx.run];
    // the project holding the run's dataset inputs
    let by_data: BTreeSet<usize> = run
        .dataset_inputs
        .iter()
        .filter_map(|i| cx.store.dataset(&i.dataset_uuid))
        .filter_map(|d| d.source_uri().and_then(|u| build::locate_dataset_source(cx.ev, u)))
        .filter_map(|local| projects.iter().position(|(p, _)| local.strip_prefix(&cx.ev.dvc[*p].rel).is_some()))
        .collect();
    if by_data.len() == 1 {
        let one = *by_data.iter().next().expect("one");
        return candidates.into_iter().nth(one).unwrap_or_default();
    }
    let entry = run.tags.get("mlflow.source.name").map(|s| s.replace('\\', "/"));
    if let Some(entry) = &entry {
        let by_folder: Vec<usize> = projects
            .iter()
            .enumerate()
            .filter(|(_, (_, link))| !link.prefix.is_empty() && (entry.starts_with(&link.prefix) || entry.contains(&format!("/{}", link.prefix))))
            .map(|(i, _)| i)
            .collect();
        if let [one] = by_folder.as_slice() {
            return candidates.into_iter().nth(*one).unwrap_or_default();
        }
    }
    let named = |c: &BTreeMap<String, Vec<(serde_json::Value, Witness)>>| run.params.keys().filter(|k| c.contains_key(*k) || c.keys().any(|l| l.rsplit('.').next() == Some(k.as_str()))).count();
    let best = candidates.iter().map(named).max().unwrap_or(0);
    let mut top = candidates.into_iter().filter(|c| named(c) == best && best > 0);
    match (top.next(), top.next()) {
        (Some(one), None) => one,
        _ => BTreeMap::new(),
    }
}

fn project_params(cx: &ParamsCheck<'_>, p: usize, link: &custody_lineage::resolve::ProjectRepo, commit: &str) -> BTreeMap<String, Vec<(serde_json::Value, Witness)>> {
    let mut locked: BTreeMap<String, Vec<(serde_json::Value, Witness)>> = BTreeMap::new();
    let Some(cl) = cx.links.locks_at(p, commit) else { return locked };
    let repo = &cx.ev.git[cx.repo];
    for f in &cl.files {
        let display = git_display(repo, &cl.commit, &format!("{}{}", link.prefix, f.file));
        for stage in &f.stages {
            for (pfile, values) in &stage.params {
                for (k, v) in values {
                    locked.entry(k.clone()).or_default().push((v.clone(), Witness::new(&display, format!("stages.{}.params.{pfile}.{k}", stage.name))));
                }
            }
        }
    }
    locked
}

fn check_params(cx: ParamsCheck<'_>, out: &mut Vec<Finding>) {
    let locked = locked_params(&cx);
    if locked.is_empty() {
        return;
    }
    let run = &cx.store.runs[cx.run];
    let db = cx.store.rel.as_str();
    let mut agreed = Vec::new();
    let mut differing: Vec<(String, String, String, Witness)> = Vec::new();
    for (key, value) in &run.params {
        // The same dotted key, or a unique leaf name (`max_depth` for `train.max_depth`).
        let candidates: Vec<&(serde_json::Value, Witness)> = match locked.get(key) {
            Some(v) => v.iter().collect(),
            None => {
                let leaf: Vec<&Vec<_>> = locked.iter().filter(|(k, _)| k.rsplit('.').next() == Some(key.as_str())).map(|(_, v)| v).collect();
                if leaf.len() != 1 {
                    continue;
                }
                leaf[0].iter().collect()
            }
        };
        let conflicting: Vec<&&(serde_json::Value, Witness)> = candidates.iter().filter(|(v, _)| !super::params::agree(value, v)).collect();
        if conflicting.is_empty() {
            agreed.push(key.as_str());
        }
        for (v, w) in conflicting {
            differing.push((key.clone(), value.clone(), python_str(v), w.clone()));
        }
    }
    if cx.claims_pipeline {
        for (key, value, locked_value, w) in &differing {
            let mut f = Finding::new(
                Status::Conflict,
                Check::RunParams,
                cx.node.clone(),
                format!("param `{key}`: MLflow records `{value}` but the lock file at the run's commit records `{locked_value}` ({w}); a registered model comes from this run, so it claims to be the pipeline's run"),
            )
            .by(Witness::new(db, format!("params[run_uuid={}, key={key}]", run.id.as_str())))
            .expect(locked_value.clone(), Some(value.clone()));
            f.path = Some(w.file.clone());
            out.push(f);
        }
    } else if !differing.is_empty() {
        let list: Vec<String> = differing.iter().map(|(k, v, l, _)| format!("`{k}` {v} (lock: {l})")).collect();
        let mut f = Finding::new(
            Status::Informational,
            Check::RunParams,
            cx.node.clone(),
            format!(
                "the run's params differ from the pipeline at its commit ({}): an exploratory run (a sweep or a command-line override), not reproducible from that commit; no registered model comes from it",
                list.join(", ")
            ),
        )
        .by(Witness::new(db, format!("params[run_uuid={}]", run.id.as_str())));
        f.path = differing.first().map(|d| d.3.file.clone());
        out.push(f);
    }
    if !agreed.is_empty() {
        out.push(
            Finding::new(Status::Verified, Check::RunParams, cx.node, format!("{} params agree with dvc.lock at the run's commit: {}", agreed.len(), agreed.join(", ")))
                .by(Witness::new(db, format!("params[run_uuid={}]", run.id.as_str()))),
        );
    }
}

fn check_registry(ev: &Evidence, lineage: &Lineage, store: &TrackingStore, out: &mut Vec<Finding>) {
    for v in &store.model_versions {
        check_model_version(ev, lineage, store, v, out);
    }
    for a in &store.aliases {
        check_alias(lineage, store, a, out);
    }
    for run in &store.runs {
        check_run_artifacts(ev, lineage, store, run, out);
    }
}

/// One registered model version whose source is being checked, with the evidence and the
/// store it is checked against.
struct VersionCheck<'a> {
    ev: &'a Evidence,
    lineage: &'a Lineage,
    store: &'a TrackingStore,
    v: &'a ModelVersion,
    vid: String,
    node: NodeRef,
    witness: Witness,
}

/// A model version's run must be in the store and its source must be what the store and the
/// evidence hold; a deleted version has nothing left to check.
fn check_model_version(ev: &Evidence, lineage: &Lineage, store: &TrackingStore, v: &ModelVersion, out: &mut Vec<Finding>) {
    let vid = id::model_version(&v.name, v.version);
    let node = node_ref(lineage, &vid, NodeKind::ModelVersion, &vid);
    let witness = Witness::new(store.rel.as_str(), format!("model_versions[name={}, version={}]", v.name, v.version));
    if v.is_deleted() {
        out.push(
            Finding::new(
                Status::Informational,
                Check::ModelVersionSource,
                node,
                "the version was deleted from the registry: MLflow keeps its row with the source and run redacted (`REDACTED-SOURCE-PATH`, `REDACTED-RUN-ID`), so there is nothing left to check",
            )
            .by(witness),
        );
        return;
    }
    if let Some(run) = &v.run_id {
        if store.run(run).is_none() {
            out.push(Finding::new(Status::Missing, Check::ModelVersionSource, node.clone(), "the version's run is not in the tracking store").by(witness.clone()).expect(run.clone(), None));
        }
    }
    let Some(source) = v.parsed_source() else {
        out.push(Finding::new(Status::Unverifiable, Check::ModelVersionSource, node, "the version records no source").by(witness));
        return;
    };
    let cx = VersionCheck { ev, lineage, store, v, vid, node, witness };
    match source {
        ModelSource::LoggedModel { model_id } => check_logged_model_source(cx, &model_id, out),
        ModelSource::Location { uri } => check_location_source(cx, &uri, out),
        ModelSource::RunArtifact { run_id, path } => {
            let consistent = v.run_id.as_deref().is_none_or(|c| c.eq_ignore_ascii_case(&run_id));
            let status = if store.run(&run_id).is_none() { Status::Missing } else if consistent { Status::Verified } else { Status::Conflict };
            out.push(Finding::new(status, Check::ModelVersionSource, cx.node, format!("source is `{path}` of run {run_id}")).by(cx.witness).expect(v.run_id.clone().unwrap_or_default(), Some(run_id)));
        }
        ModelSource::Registry { name, version } => {
            let exists = version.parse().ok().and_then(|n| store.model_version(&name, n)).is_some();
            let status = if exists { Status::Verified } else { Status::Missing };
            out.push(Finding::new(status, Check::ModelVersionSource, cx.node, format!("source is registry entry {name}/{version}")).by(cx.witness));
        }
        ModelSource::Remote { uri } => out.push(Finding::new(Status::Unverifiable, Check::ModelVersionSource, cx.node, format!("source {uri} is outside the evidence")).by(cx.witness)),
    }
}

/// A version whose source is a logged model (3.x): the model must be in the store, made by the
/// version's run and stored where the version says, and its folder and `MLmodel` must agree.
fn check_logged_model_source(cx: VersionCheck<'_>, model_id: &str, out: &mut Vec<Finding>) {
    let VersionCheck { ev, lineage, store, v, node, witness, .. } = cx;
    let db = store.rel.as_str();
    let src = v.source.clone().unwrap_or_default();
    let Some(lm) = store.logged_model(model_id) else {
        out.push(Finding::new(Status::Missing, Check::ModelVersionSource, node, format!("source names logged model {model_id}, which the store does not hold")).by(witness).expect(src, None));
        return;
    };
    match (&lm.source_run_id, &v.run_id) {
        (Some(made_by), Some(claimed)) if !made_by.eq_ignore_ascii_case(claimed) => out.push(
            Finding::new(
                Status::Conflict,
                Check::ModelVersionSource,
                node.clone(),
                format!("the version says it comes from run {claimed}, but its source {src} is a model logged by run {made_by}"),
            )
            .by(witness.clone())
            .expect(claimed.clone(), Some(made_by.clone())),
        ),
        _ => out.push(Finding::new(Status::Verified, Check::ModelVersionSource, node.clone(), format!("source {src} is a model logged by the version's run")).by(witness.clone())),
    }
    let as_path = |s: &str| custody_evidence::file_uri_to_path(s).map(|p| p.trim_end_matches('/').to_string());
    if let (Some(stored), Some(logged)) = (v.storage_location.as_deref().and_then(as_path), lm.artifact_location.as_deref().and_then(as_path)) {
        if stored != logged {
            out.push(
                Finding::new(Status::Conflict, Check::ModelVersionSource, node.clone(), format!("the version's storage_location is not the artifact folder of its source {src}"))
                    .by(witness.clone())
                    .expect(logged, Some(stored)),
            );
        }
    }
    check_location(ev, lineage, &id::logged_model(&lm.id), NodeKind::LoggedModel, lm.artifact_location.as_deref(), Witness::new(db, format!("logged_models[model_id={}]", lm.id)), out);
    check_mlmodel(ev, lineage, &id::logged_model(&lm.id), lm.artifact_location.as_deref(), lm.source_run_id.as_deref(), Some(&lm.id), out);
}

/// A version whose source is a location (2.x): inside the artifacts of the version's run, with
/// the model's folder and `MLmodel` there, or else a location the evidence must hold.
fn check_location_source(cx: VersionCheck<'_>, uri: &str, out: &mut Vec<Finding>) {
    let VersionCheck { ev, lineage, store, v, vid, node, witness } = cx;
    let Some((run, path)) = build::run_artifact_of(store, uri) else {
        check_location(ev, lineage, &vid, NodeKind::ModelVersion, Some(uri), witness, out);
        return;
    };
    let consistent = v.run_id.as_deref().is_none_or(|c| c.eq_ignore_ascii_case(&run));
    if consistent {
        out.push(Finding::new(Status::Verified, Check::ModelVersionSource, node.clone(), format!("source is `{path}` in the artifacts of the version's run")).by(witness.clone()));
    } else {
        out.push(
            Finding::new(Status::Conflict, Check::ModelVersionSource, node.clone(), format!("the version says it comes from run {}, but its source lies in the artifacts of run {run}", v.run_id.clone().unwrap_or_default()))
                .by(witness.clone())
                .expect(v.run_id.clone().unwrap_or_default(), Some(run.clone())),
        );
    }
    let mid = id::run_model(&run, &path);
    check_location(ev, lineage, &mid, NodeKind::LoggedModel, Some(uri), witness.clone(), out);
    check_mlmodel(ev, lineage, &mid, Some(uri), Some(&run), None, out);
}

/// An alias must point at a version the registry holds and has not deleted.
fn check_alias(lineage: &Lineage, store: &TrackingStore, a: &Alias, out: &mut Vec<Finding>) {
    let aid = id::alias(&a.model, &a.alias);
    let node = node_ref(lineage, &aid, NodeKind::Alias, &aid);
    let witness = Witness::new(store.rel.as_str(), format!("registered_model_aliases[name={}, alias={}]", a.model, a.alias));
    let (status, detail) = match store.model_version(&a.model, a.version) {
        Some(v) if v.is_deleted() => (Status::Missing, format!("alias points at version {}, which was deleted from the registry", a.version)),
        Some(_) => (Status::Verified, format!("alias points at version {}", a.version)),
        None => (Status::Missing, format!("alias points at version {}, which the registry does not hold", a.version)),
    };
    out.push(Finding::new(status, Check::AliasTarget, node, detail).by(witness).expect(a.version.to_string(), None));
}

/// Whether any record names an artifact inside the run's own artifact folder: a model
/// version whose source lies there, a 2.x model logged under it (`mlflow.log-model.history`),
/// a logged model stored there.
fn names_run_artifacts(store: &TrackingStore, run: &custody_sources::mlflow::Run) -> bool {
    let rid = run.id.as_str();
    let under = |loc: &str| build::run_artifact_of(store, loc).is_some_and(|(r, _)| r.eq_ignore_ascii_case(rid));
    run.tags.contains_key("mlflow.log-model.history")
        || store.model_versions.iter().any(|v| match v.parsed_source() {
            Some(ModelSource::Location { uri }) => under(&uri),
            Some(ModelSource::RunArtifact { run_id, .. }) => run_id.eq_ignore_ascii_case(rid),
            _ => false,
        })
        || store.logged_models.iter().any(|lm| lm.artifact_location.as_deref().is_some_and(under))
}

/// A run's artifact folder. MLflow creates it only when the run logs its first artifact, so
/// its absence is a loss only when a record names something inside it; and when the whole
/// artifact store is absent from the evidence, it was not collected.
fn check_run_artifacts(ev: &Evidence, lineage: &Lineage, store: &TrackingStore, run: &custody_sources::mlflow::Run, out: &mut Vec<Finding>) {
    let Some(uri) = run.artifact_uri.as_deref() else { return };
    let rid = id::run(run.id.as_str());
    let witness = Witness::new(store.rel.as_str(), format!("runs[run_uuid={}].artifact_uri", run.id.as_str()));
    let located = custody_evidence::file_uri_to_path(uri).and_then(|_| ev.rerooter.locate(uri, &RelPath::root()));
    let present = located.as_ref().is_some_and(|f| f.rel.to_local(&ev.root).exists());
    if present || custody_evidence::file_uri_to_path(uri).is_none() {
        check_location(ev, lineage, &rid, NodeKind::Run, Some(uri), witness, out);
        return;
    }
    let node = node_ref(lineage, &rid, NodeKind::Run, run.id.as_str());
    let at = located.as_ref().map(|f| f.rel.clone());
    // the store's artifact root: the folder that holds the run folders of its experiments
    let store_present = at.as_ref().is_some_and(|rel| {
        let mut dir = rel.parent();
        if dir.file_name() == run.id.as_str() {
            dir = dir.parent();
        }
        !dir.is_root() && dir.to_local(&ev.root).is_dir()
    });
    let f = if !names_run_artifacts(store, run) {
        Finding::new(
            Status::Informational,
            Check::ArtifactLocation,
            node,
            "the run has no artifact folder: MLflow creates it only when the run logs its first artifact, and no record names an artifact of this run",
        )
    } else if store_present {
        Finding::new(Status::Missing, Check::ArtifactLocation, node, "the run's artifact folder is absent, but records name artifacts inside it (a registered version's source or a logged model)")
    } else {
        Finding::new(Status::NotCollected, Check::ArtifactLocation, node, format!("the artifact store holding {uri} is not part of the evidence: the run's artifacts were not collected"))
    };
    let mut f = f.by(witness).expect(uri.to_string(), None);
    if let Some(rel) = &at {
        f = f.at(rel);
    }
    out.push(f);
}

/// A recorded artifact location must be found in the evidence; the finding says when it was
/// re-rooted from the machine that recorded it.
fn check_location(ev: &Evidence, lineage: &Lineage, nid: &str, kind: NodeKind, location: Option<&str>, witness: Witness, out: &mut Vec<Finding>) {
    let Some(loc) = location else { return };
    let node = node_ref(lineage, nid, kind, nid);
    if custody_evidence::file_uri_to_path(loc).is_none() {
        out.push(Finding::new(Status::NotCollected, Check::ArtifactLocation, node, format!("artifact location {loc} is in a remote store, which is not part of the evidence")).by(witness));
        return;
    }
    match ev.rerooter.locate(loc, &RelPath::root()) {
        Some(found) => {
            let exists = found.rel.to_local(&ev.root).exists();
            let reroot = found.rerooted_from.as_ref().map(|p| format!(" (recorded under {p} on the machine that wrote it; re-rooted onto the evidence folder)")).unwrap_or_default();
            let (status, detail) = if exists {
                (Status::Verified, format!("artifact location found at {}{reroot}", found.rel))
            } else {
                (Status::Missing, format!("artifact location should be at {}{reroot} but is absent", found.rel))
            };
            out.push(Finding::new(status, Check::ArtifactLocation, node, detail).at(&found.rel).by(witness).expect(loc.to_string(), exists.then(|| found.rel.as_str().to_string())));
        }
        None => out.push(Finding::new(Status::Missing, Check::ArtifactLocation, node, format!("artifact location {loc} matches nothing in the evidence")).by(witness).expect(loc.to_string(), None)),
    }
}

/// The `MLmodel` file written with a model names the run (and, in 3.x, the model id) that
/// logged it; both must agree with the registry's records. An `MLmodel` that cannot be read
/// (absent, a link, too large) or is not a mapping is not checked here.
fn check_mlmodel(ev: &Evidence, lineage: &Lineage, nid: &str, location: Option<&str>, run_id: Option<&str>, model_id: Option<&str>, out: &mut Vec<Finding>) {
    use custody_sources::mlmodel::{MlModel, MlModelError};
    let Some(found) = location.and_then(|l| ev.rerooter.locate(l, &RelPath::root())) else { return };
    let Ok(mlmodel) = found.rel.join(custody_sources::mlmodel::FILE_NAME) else { return };
    let node = || node_ref(lineage, nid, NodeKind::LoggedModel, nid);
    let doc = match MlModel::read(&ev.root, &mlmodel) {
        Ok(doc) => doc,
        Err(MlModelError::NotYaml { source, .. }) => {
            out.push(Finding::new(Status::Mismatch, Check::ModelMetadata, node(), format!("MLmodel is not valid YAML: {source}")).at(&mlmodel));
            return;
        }
        Err(_) => return,
    };
    let node = node();
    let mut problems = Vec::new();
    let mut agreed = Vec::new();
    if let (Some(want), Some(have)) = (run_id, doc.run_id.as_deref()) {
        if want.eq_ignore_ascii_case(have) { agreed.push("run_id") } else { problems.push(("run_id", want.to_string(), have.to_string())) }
    }
    if let (Some(want), Some(have)) = (model_id, doc.model_id.as_deref()) {
        if want == have { agreed.push("model_id") } else { problems.push(("model_id", want.to_string(), have.to_string())) }
    }
    for (key, want, have) in problems {
        out.push(
            Finding::new(Status::Conflict, Check::ModelMetadata, node.clone(), format!("MLmodel's `{key}` disagrees with the tracking store"))
                .at(&mlmodel)
                .by(Witness::at(&mlmodel, key))
                .expect(want, Some(have)),
        );
    }
    if !agreed.is_empty() {
        out.push(Finding::new(Status::Verified, Check::ModelMetadata, node.clone(), format!("MLmodel agrees with the tracking store on {}", agreed.join(", "))).at(&mlmodel));
    }
    // the files MLmodel's flavours name (the pickled model, a model data folder) must be there
    for f in doc.absent_files(&ev.root) {
        let (flavour, key, file) = (&f.flavour, &f.key, &f.file);
        out.push(
            Finding::new(Status::Missing, Check::ModelMetadata, node.clone(), format!("MLmodel's `{flavour}` flavour names `{file}` ({key}), which is absent from the model folder"))
                .at(&f.rel)
                .by(Witness::at(&mlmodel, format!("flavors.{flavour}.{key}")))
                .expect(file.clone(), None),
        );
    }
}

fn check_symlinks(ev: &Evidence, out: &mut Vec<Finding>) {
    for e in &ev.entries {
        if let EntryKind::Symlink { target, escapes: true } = &e.kind {
            let node = NodeRef { kind: NodeKind::File, id: id::file(&e.rel), label: e.rel.as_str().to_string() };
            out.push(Finding::new(Status::Unverifiable, Check::EvidenceFile, node, format!("symbolic link to {target}, outside the evidence; not followed")).at(&e.rel));
        }
    }
}

/// Dataset inputs: MLflow's digest cannot be recomputed from bytes (it hashes pandas'
/// in-memory representation), so the best evidence is the recorded source found in the
/// evidence and tied to a DVC data version.
pub fn check_datasets(ev: &Evidence, lineage: &Lineage) -> Vec<Finding> {
    let mut out = Vec::new();
    for store in &ev.mlflow {
        let used: BTreeSet<&str> = store.runs.iter().flat_map(|r| r.dataset_inputs.iter().map(|i| i.dataset_uuid.as_str())).collect();
        for ds in store.datasets.iter().filter(|d| used.contains(d.uuid.as_str())) {
            let did = id::dataset(&ds.uuid);
            let node = node_ref(lineage, &did, NodeKind::Dataset, &ds.name);
            let witness = Witness::new(store.rel.as_str(), format!("datasets[dataset_uuid={}].dataset_source", ds.uuid));
            let Some(uri) = ds.source_uri() else {
                out.push(Finding::new(Status::Unverifiable, Check::DatasetSource, node, "the dataset records no source location").by(witness));
                continue;
            };
            let tied = lineage.outgoing(&did).iter().any(|e| custody_lineage::id::is_kind(&e.to, NodeKind::DataVersion));
            match build::locate_dataset_source(ev, uri) {
                Some(local) if local.to_local(&ev.root).exists() => {
                    let detail = if tied {
                        format!("source found at {local} and tied to the DVC data version locked at the run's commit; MLflow's digest {} hashes pandas' in-memory form and cannot be recomputed from the file", ds.digest)
                    } else {
                        format!("source found at {local}; MLflow's digest {} hashes pandas' in-memory form and cannot be recomputed from the file", ds.digest)
                    };
                    out.push(Finding::new(Status::Unverifiable, Check::DatasetSource, node, detail).at(&local).by(witness).expect(uri.to_string(), Some(local.as_str().to_string())));
                }
                _ => out.push(Finding::new(Status::NotCollected, Check::DatasetSource, node, format!("source {uri} is not part of the evidence")).by(witness).expect(uri.to_string(), None)),
            }
        }
    }
    out
}

/// Tables larger than this are not compared row by row (the digest finding stands alone).
const TABLE_DIFF_LIMIT: u64 = 512 * 1024 * 1024;

/// For every changed CSV or Parquet file whose original bytes survive in a DVC cache, says
/// which rows and columns changed.
pub fn explain_table_changes(ev: &Evidence, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        if f.status != Status::Mismatch || f.check != Check::DvcWorkspace {
            continue;
        }
        let (Some(path), Some(expected)) = (f.path.as_deref(), f.expected.as_deref()) else { continue };
        let Some(format) = custody_sources::dataset::Format::of(path) else { continue };
        let Ok(current) = RelPath::new(path) else { continue };
        let Some(project) = ev.dvc.iter().find(|p| current.strip_prefix(&p.rel).is_some()) else { continue };
        let original = [HashKind::Md5, HashKind::Md5Dos2unix]
            .into_iter()
            .filter_map(|kind| DvcDigest::parse_entry(expected, kind).ok())
            .filter_map(|d| project.cache_object(&d))
            .find(|p| p.to_local(&ev.root).is_file());
        let Some(original) = original else { continue };
        let too_big = [&original, &current].iter().any(|p| std::fs::metadata(p.to_local(&ev.root)).map(|m| m.len() > TABLE_DIFF_LIMIT).unwrap_or(true));
        if too_big {
            continue;
        }
        match custody_sources::dataset::diff_files(&original.to_local(&ev.root), &current.to_local(&ev.root), format) {
            Ok(diff) => {
                f.detail = format!("{}; compared with the original in the DVC cache ({original}): {}", f.detail, diff.describe());
                f.explanation = serde_json::to_value(&diff).ok().map(|d| serde_json::json!({ "table_diff": d, "original": original.as_str() }));
            }
            Err(e) => f.detail = format!("{}; the table could not be compared with the cached original: {e}", f.detail),
        }
    }
}
