//! Git repositories, working copies and bare ones, read through libgit2.
//!
//! Why: the commit is the code side of every lineage. MLflow runs name the commit their code
//! was at; DVC's `dvc.lock` at that commit says which data and parameters the pipeline used.
//!
//! Guarantees: a repository is opened exactly where it was found (no search upwards, so a
//! repository outside the evidence is never picked up), owner checks are disabled because
//! evidence copied off another machine belongs to another user, and nothing is written: no
//! index refresh, no hooks, no filters are run. Object integrity is checked by re-hashing the
//! raw object bytes, not by trusting libgit2's caches.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

use git2::{ObjectType, Oid, Repository, RepositoryOpenFlags};

use custody_evidence::RelPath;

/// Why a repository could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path}: not a readable git repository: {message}")]
    Open { path: PathBuf, message: String },
    #[error("{path}: reading git history: {message}")]
    History { path: PathBuf, message: String },
}

/// A person as git records them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Seconds since the epoch.
    pub time: i64,
}

/// One commit, checked: ids are full 40-hex SHA-1 (or 64-hex SHA-256) object names.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Commit {
    pub sha: String,
    pub tree: String,
    pub parents: Vec<String>,
    pub author: Person,
    pub committer: Person,
    pub summary: String,
    pub message: String,
    /// Whether the commit carries a `gpgsig` header (verified in a later stage, not here).
    pub signed: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Tag {
    pub name: String,
    /// The commit the tag finally points at.
    pub commit: String,
    pub annotated: bool,
    pub signed: bool,
}

/// A file that differs between two commits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FileChange {
    pub path: String,
    pub status: FileChangeStatus,
    pub lines_added: usize,
    pub lines_removed: usize,
    pub binary: bool,
}

/// How a file differs between two commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FileChangeStatus {
    Added,
    Removed,
    Renamed,
    /// Its content or mode changed (anything else git reports: typechange, copy).
    Modified,
}

impl FileChangeStatus {
    pub fn name(self) -> &'static str {
        match self {
            FileChangeStatus::Added => "added",
            FileChangeStatus::Removed => "removed",
            FileChangeStatus::Renamed => "renamed",
            FileChangeStatus::Modified => "modified",
        }
    }
}

/// Result of re-hashing objects reachable from a commit.
#[derive(Debug, Clone, Default)]
pub struct Integrity {
    /// Objects re-hashed in this call (objects already checked earlier are skipped).
    pub checked: usize,
    /// Objects whose bytes do not hash to their name: (object id, kind, observed id or error).
    pub corrupt: Vec<(String, String, String)>,
    /// Objects referenced but absent.
    pub missing: Vec<String>,
}

/// An opened repository.
pub struct GitRepo {
    /// The folder the repository was found at (work tree or git dir), relative to the root.
    pub rel: RelPath,
    /// The work tree, relative to the evidence root, when there is one.
    pub workdir: Option<RelPath>,
    pub head: Option<String>,
    /// A shallow clone (`git clone --depth N`): history before its cut was not copied.
    pub shallow: bool,
    pub commits: Vec<Commit>,
    pub tags: Vec<Tag>,
    /// libgit2's handle is not safe to use from two threads at once; the lock makes the loaded
    /// evidence shareable (the desktop session keeps it for every query).
    repo: Mutex<Repository>,
    checked: Mutex<HashSet<Oid>>,
}

impl std::fmt::Debug for GitRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitRepo").field("rel", &self.rel).field("commits", &self.commits.len()).finish()
    }
}

static OWNER_CHECK_OFF: Once = Once::new();

/// Whether `dir` is a git directory itself (bare repository or a `.git` folder).
pub fn is_git_dir(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

impl GitRepo {
    /// The repository handle, for one method's use (poisoning is harmless: nothing is written).
    fn repo(&self) -> MutexGuard<'_, Repository> {
        self.repo.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens the repository at `path` (a work tree containing `.git`, or a git dir).
    pub fn open(path: &Path, root: &Path, rel: RelPath) -> Result<GitRepo, GitError> {
        OWNER_CHECK_OFF.call_once(|| {
            // SAFETY: called once, before any repository is opened by this process.
            unsafe {
                let _ = git2::opts::set_verify_owner_validation(false);
            }
        });
        let open_err = |e: git2::Error| GitError::Open { path: path.into(), message: e.message().to_string() };
        let repo = Repository::open_ext(path, RepositoryOpenFlags::NO_SEARCH, std::iter::empty::<&std::ffi::OsStr>())
            .map_err(open_err)?;
        let workdir = repo.workdir().and_then(|w| RelPath::from_local(root, w));
        let hist = |e: git2::Error| GitError::History { path: path.into(), message: e.message().to_string() };

        let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).map(|c| c.id().to_string());
        let mut tags = Vec::new();
        let mut walk = repo.revwalk().map_err(hist)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).map_err(hist)?;
        let mut any = false;
        for reference in repo.references().map_err(hist)? {
            let reference = reference.map_err(hist)?;
            let Ok(commit) = reference.peel_to_commit() else { continue };
            walk.push(commit.id()).map_err(hist)?;
            any = true;
            if reference.is_tag() {
                let name = reference.shorthand().unwrap_or_default().to_string();
                let tag_obj = reference.peel_to_tag().ok();
                let signed = tag_obj
                    .as_ref()
                    .and_then(|t| t.message().ok().flatten())
                    .is_some_and(|m| m.contains("-----BEGIN PGP SIGNATURE-----") || m.contains("-----BEGIN SSH SIGNATURE-----"));
                tags.push(Tag { name, commit: commit.id().to_string(), annotated: tag_obj.is_some(), signed });
            }
        }
        if let Some(h) = &head {
            if let Ok(oid) = Oid::from_str(h) {
                walk.push(oid).map_err(hist)?;
                any = true;
            }
        }
        let mut commits = Vec::new();
        if any {
            for oid in walk.by_ref() {
                let oid = oid.map_err(hist)?;
                let c = repo.find_commit(oid).map_err(hist)?;
                commits.push(convert_commit(&c));
            }
        }
        drop(walk);
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        let shallow = repo.is_shallow();
        Ok(GitRepo { rel, workdir, head, shallow, commits, tags, repo: Mutex::new(repo), checked: Mutex::new(HashSet::new()) })
    }

    /// The signature armour of a signed commit and the bytes it signs (the commit object
    /// without its `gpgsig` header).
    pub fn signature_of(&self, sha: &str) -> Option<(String, Vec<u8>)> {
        let repo = self.repo();
        let oid = Oid::from_str(sha).ok()?;
        let (sig, data) = repo.extract_signature(&oid, None).ok()?;
        Some((String::from_utf8_lossy(&sig).into_owned(), data.to_vec()))
    }

    /// The signature armour of a signed annotated tag, the bytes it signs (the tag object up
    /// to the armour) and the tagger's email.
    pub fn tag_signature_of(&self, name: &str) -> Option<(String, Vec<u8>, String)> {
        let repo = self.repo();
        let reference = repo.find_reference(&format!("refs/tags/{name}")).ok()?;
        let tag = reference.peel_to_tag().ok()?;
        let odb = repo.odb().ok()?;
        let obj = odb.read(tag.id()).ok()?;
        let data = obj.data();
        let text = std::str::from_utf8(data).ok()?;
        // git appends the signature to the tag body: the last armour that starts a line
        let at = ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"]
            .iter()
            .filter_map(|m| text.rfind(&format!("\n{m}")).map(|i| i + 1))
            .max()?;
        let tagger = tag.tagger().and_then(|t| t.email().ok().map(str::to_string)).unwrap_or_default();
        Some((text[at..].to_string(), data[..at].to_vec(), tagger))
    }

    /// The commit with this full object name, if the repository has it.
    pub fn commit(&self, sha: &str) -> Option<&Commit> {
        let sha = sha.to_ascii_lowercase();
        self.commits.iter().find(|c| c.sha == sha)
    }

    /// Whether the object database holds a commit with this id (even if unreachable from refs).
    pub fn has_commit(&self, sha: &str) -> bool {
        let repo = self.repo();
        Oid::from_str(sha).ok().and_then(|oid| repo.find_commit(oid).ok()).is_some()
    }

    /// Looks up a commit that no ref reaches (dangling) and converts it.
    pub fn find_commit_anywhere(&self, sha: &str) -> Option<Commit> {
        let repo = self.repo();
        let oid = Oid::from_str(sha).ok()?;
        repo.find_commit(oid).ok().map(|c| convert_commit(&c))
    }

    /// The bytes of the file at `path` in `commit`'s tree.
    pub fn blob_at(&self, commit: &str, path: &str) -> Option<Vec<u8>> {
        let repo = self.repo();
        let oid = Oid::from_str(commit).ok()?;
        let tree = repo.find_commit(oid).ok()?.tree().ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = repo.find_blob(entry.id()).ok()?;
        Some(blob.content().to_vec())
    }

    /// The blob id (git's name of the content) of the file at `path` in `commit`.
    pub fn blob_id_at(&self, commit: &str, path: &str) -> Option<String> {
        let repo = self.repo();
        let oid = Oid::from_str(commit).ok()?;
        let tree = repo.find_commit(oid).ok()?.tree().ok()?;
        tree.get_path(Path::new(path)).ok().map(|e| e.id().to_string())
    }

    /// Every file path ('/'-separated) in `commit`'s tree for which `keep` is true.
    pub fn paths_where(&self, commit: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let repo = self.repo();
        let mut out = Vec::new();
        let Some(tree) = Oid::from_str(commit).ok().and_then(|o| repo.find_commit(o).ok()).and_then(|c| c.tree().ok()) else {
            return out;
        };
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) {
                let path = format!("{dir}{}", entry.name().unwrap_or_default());
                if keep(&path) {
                    out.push(path);
                }
            }
            git2::TreeWalkResult::Ok
        });
        out
    }

    /// The commits reachable from `to` and not from `from`, newest first (what `git log
    /// from..to` lists). `None` when either commit is not in the repository.
    pub fn commits_between(&self, from: &str, to: &str) -> Option<Vec<Commit>> {
        let repo = self.repo();
        let (a, b) = (Oid::from_str(from).ok()?, Oid::from_str(to).ok()?);
        repo.find_commit(a).ok()?;
        repo.find_commit(b).ok()?;
        let mut walk = repo.revwalk().ok()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).ok()?;
        walk.push(b).ok()?;
        walk.hide(a).ok()?;
        let mut out = Vec::new();
        for oid in walk {
            out.push(convert_commit(&repo.find_commit(oid.ok()?).ok()?));
        }
        Some(out)
    }

    /// The files that differ between the trees of two commits, with line counts (binary
    /// files count no lines). `None` when either commit is not in the repository.
    pub fn changed_files(&self, from: &str, to: &str) -> Option<Vec<FileChange>> {
        let repo = self.repo();
        let tree = |sha: &str| Oid::from_str(sha).ok().and_then(|o| repo.find_commit(o).ok()).and_then(|c| c.tree().ok());
        let (a, b) = (tree(from)?, tree(to)?);
        let mut opts = git2::DiffOptions::new();
        opts.ignore_filemode(false);
        let diff = repo.diff_tree_to_tree(Some(&a), Some(&b), Some(&mut opts)).ok()?;
        let mut out = Vec::new();
        for (i, delta) in diff.deltas().enumerate() {
            let path = delta.new_file().path().or_else(|| delta.old_file().path()).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
            let (mut added, mut removed) = (0usize, 0usize);
            let binary = delta.new_file().is_binary() || delta.old_file().is_binary();
            if let Ok(Some(patch)) = git2::Patch::from_diff(&diff, i) {
                if let Ok((_, adds, dels)) = patch.line_stats() {
                    added = adds;
                    removed = dels;
                }
            }
            let status = match delta.status() {
                git2::Delta::Added => FileChangeStatus::Added,
                git2::Delta::Deleted => FileChangeStatus::Removed,
                git2::Delta::Renamed => FileChangeStatus::Renamed,
                _ => FileChangeStatus::Modified,
            };
            out.push(FileChange { path, status, lines_added: added, lines_removed: removed, binary });
        }
        Some(out)
    }

    /// The unified diff of one file between two commits (empty when it is the same).
    pub fn file_diff(&self, from: &str, to: &str, path: &str) -> Option<String> {
        let repo = self.repo();
        let tree = |sha: &str| Oid::from_str(sha).ok().and_then(|o| repo.find_commit(o).ok()).and_then(|c| c.tree().ok());
        let (a, b) = (tree(from)?, tree(to)?);
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(path).disable_pathspec_match(true);
        let diff = repo.diff_tree_to_tree(Some(&a), Some(&b), Some(&mut opts)).ok()?;
        let mut text = String::new();
        diff.print(git2::DiffFormat::Patch, |_, _, line| {
            if matches!(line.origin(), '+' | '-' | ' ') {
                text.push(line.origin());
            }
            text.push_str(&String::from_utf8_lossy(line.content()));
            true
        })
        .ok()?;
        Some(text)
    }

    /// The git blob id that a file with these bytes would have.
    pub fn blob_id_of(bytes: &[u8]) -> Option<String> {
        Oid::hash_object(ObjectType::Blob, bytes).ok().map(|o| o.to_string())
    }

    /// Re-hashes the commit object and every tree and blob reachable from its root tree.
    /// Objects checked by an earlier call are not checked again.
    pub fn verify_commit(&self, sha: &str) -> Integrity {
        let repo = self.repo();
        let mut report = Integrity::default();
        let Ok(oid) = Oid::from_str(sha) else {
            report.missing.push(sha.to_string());
            return report;
        };
        let Ok(odb) = repo.odb() else {
            report.missing.push(sha.to_string());
            return report;
        };
        let mut stack = vec![(oid, ObjectType::Commit)];
        while let Some((oid, expected_kind)) = stack.pop() {
            if !self.checked.lock().unwrap_or_else(|e| e.into_inner()).insert(oid) {
                continue;
            }
            let object = match odb.read(oid) {
                Ok(o) => o,
                Err(e) if e.code() == git2::ErrorCode::NotFound => {
                    report.missing.push(oid.to_string());
                    continue;
                }
                Err(e) => {
                    report.corrupt.push((oid.to_string(), kind_name(expected_kind).into(), e.message().to_string()));
                    continue;
                }
            };
            report.checked += 1;
            let kind = object.kind();
            match Oid::hash_object(kind, object.data()) {
                Ok(actual) if actual == oid => {}
                Ok(actual) => {
                    report.corrupt.push((oid.to_string(), kind_name(kind).into(), actual.to_string()));
                    continue;
                }
                Err(e) => {
                    report.corrupt.push((oid.to_string(), kind_name(kind).into(), e.message().to_string()));
                    continue;
                }
            }
            match kind {
                ObjectType::Commit => {
                    if let Ok(c) = repo.find_commit(oid) {
                        stack.push((c.tree_id(), ObjectType::Tree));
                    }
                }
                ObjectType::Tree => {
                    if let Ok(tree) = repo.find_tree(oid) {
                        for entry in tree.iter() {
                            match entry.kind() {
                                Some(ObjectType::Tree) => stack.push((entry.id(), ObjectType::Tree)),
                                Some(ObjectType::Blob) => stack.push((entry.id(), ObjectType::Blob)),
                                // Submodule links point into another repository.
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        report
    }
}

fn convert_commit(c: &git2::Commit<'_>) -> Commit {
    let person = |s: git2::Signature<'_>| Person {
        name: String::from_utf8_lossy(s.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(s.email_bytes()).into_owned(),
        time: s.when().seconds(),
    };
    Commit {
        sha: c.id().to_string(),
        tree: c.tree_id().to_string(),
        parents: c.parent_ids().map(|p| p.to_string()).collect(),
        author: person(c.author()),
        committer: person(c.committer()),
        summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
        message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
        signed: c.header_field_bytes("gpgsig").is_ok() || c.header_field_bytes("gpgsig-sha256").is_ok(),
    }
}

fn kind_name(kind: ObjectType) -> &'static str {
    match kind {
        ObjectType::Commit => "commit",
        ObjectType::Tree => "tree",
        ObjectType::Blob => "blob",
        ObjectType::Tag => "tag",
        _ => "object",
    }
}
