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
//!
//! "Not there" and "there but unreadable" are told apart. The `try_` readers
//! ([`GitRepo::try_blob_at`] and its siblings) answer `Ok(None)` only when the repository does
//! not hold what was asked for (no such commit, no such path in its tree) and an error when it
//! does but cannot be read: an object another object names that is absent from the object
//! database ([`GitError::MissingObject`]), or one that is there but damaged or no longer hashes
//! to its name ([`GitError::UnreadableObject`]). Every reader of objects is a `try_` reader.
//! [`GitRepo::verify_commit`] reports damaged objects in its [`Integrity`] instead of failing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

use git2::{ErrorCode, ObjectType, Oid, Repository, RepositoryOpenFlags, Tree, TreeEntry};

use custody_evidence::RelPath;

/// Why a repository, or something in it, could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// libgit2 cannot open the folder as a repository.
    #[error("{path}: not a readable git repository: {}", .source.message())]
    Open {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    /// The refs, `HEAD`, or the walk of the history cannot be read.
    #[error("{path}: reading git history: {}", .source.message())]
    History {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    /// An object that the repository names (a commit's tree, a tree's entry, a commit in the
    /// history) is not in its object database.
    #[error("{path}: {kind} {id} is named in the repository but absent from its object database")]
    MissingObject { path: PathBuf, kind: &'static str, id: String },
    /// An object is in the object database but cannot be read: damaged, or its bytes no longer
    /// hash to its name.
    #[error("{path}: {kind} {id} cannot be read: {}", .source.message())]
    UnreadableObject {
        path: PathBuf,
        kind: &'static str,
        id: String,
        #[source]
        source: git2::Error,
    },
    /// Two commits' trees cannot be compared (their diff, or the patch of one file in it).
    #[error("{path}: comparing {from} with {to}: {}", .source.message())]
    Diff {
        path: PathBuf,
        from: String,
        to: String,
        #[source]
        source: git2::Error,
    },
}

impl GitError {
    /// What cannot be read, without the local path of the repository (a finding or a note
    /// names the repository by its place in the evidence): `blob 1a2b… cannot be read: …`.
    pub fn describe(&self) -> String {
        match self {
            GitError::Open { source, .. } => format!("not a readable git repository: {}", source.message()),
            GitError::History { source, .. } => format!("reading git history: {}", source.message()),
            GitError::MissingObject { kind, id, .. } => format!("{kind} {id} is named in the repository but absent from its object database"),
            GitError::UnreadableObject { kind, id, source, .. } => format!("{kind} {id} cannot be read: {}", source.message()),
            GitError::Diff { from, to, source, .. } => format!("comparing {from} with {to}: {}", source.message()),
        }
    }

    /// Whether an object is named but absent from the object database (as opposed to there
    /// but damaged, or a history or diff that cannot be read).
    pub fn is_missing(&self) -> bool {
        matches!(self, GitError::MissingObject { .. })
    }
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
    /// Where the repository was opened (for errors).
    path: PathBuf,
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
    ///
    /// Refs that lead to no commit (a dangling ref, a tag of a tree or a blob, an unborn
    /// `HEAD`) are passed over; a ref whose object is there but cannot be read is an error.
    pub fn open(path: &Path, root: &Path, rel: RelPath) -> Result<GitRepo, GitError> {
        OWNER_CHECK_OFF.call_once(|| {
            // SAFETY: called once, before any repository is opened by this process.
            unsafe {
                let _ = git2::opts::set_verify_owner_validation(false);
            }
        });
        let repo = Repository::open_ext(path, RepositoryOpenFlags::NO_SEARCH, std::iter::empty::<&std::ffi::OsStr>())
            .map_err(|source| GitError::Open { path: path.into(), source })?;
        let workdir = repo.workdir().and_then(|w| RelPath::from_local(root, w));
        let hist = |source| GitError::History { path: path.into(), source };
        let head = head_commit(&repo).map_err(hist)?;
        let mut walk = repo.revwalk().map_err(hist)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).map_err(hist)?;
        let (mut tags, mut any) = push_refs(&repo, &mut walk).map_err(hist)?;
        if let Some(oid) = head {
            walk.push(oid).map_err(hist)?;
            any = true;
        }
        let mut commits = Vec::new();
        if any {
            for oid in walk.by_ref() {
                let c = repo.find_commit(oid.map_err(hist)?).map_err(hist)?;
                commits.push(convert_commit(&c));
            }
        }
        drop(walk);
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        let shallow = repo.is_shallow();
        Ok(GitRepo {
            rel,
            workdir,
            head: head.map(|h| h.to_string()),
            shallow,
            commits,
            tags,
            path: path.into(),
            repo: Mutex::new(repo),
            checked: Mutex::new(HashSet::new()),
        })
    }

    // --- the readers that tell "not there" from "there but unreadable"

    /// The bytes of the file at `path` in `commit`'s tree: `Ok(None)` when the repository has no
    /// such commit or its tree no such file (a folder or a submodule is no file), an error when
    /// a tree on the way or the blob is absent or unreadable.
    pub fn try_blob_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let repo = self.repo();
        let Some(entry) = self.entry_at_commit(&repo, commit, path)? else { return Ok(None) };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self.referenced("blob", entry.id(), repo.find_blob(entry.id()))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// The object id (for a file, git's name of its content) of the entry at `path` in `commit`:
    /// `Ok(None)` when there is no such commit or path, an error when a tree on the way is
    /// absent or unreadable.
    pub fn try_blob_id_at(&self, commit: &str, path: &str) -> Result<Option<String>, GitError> {
        let repo = self.repo();
        Ok(self.entry_at_commit(&repo, commit, path)?.map(|e| e.id().to_string()))
    }

    /// Every file path ('/'-separated) in `commit`'s tree for which `keep` is true, in tree
    /// order: `Ok(None)` when there is no such commit, an error when a tree in it is absent or
    /// unreadable. Names that are not UTF-8 cannot be asked for by path and are not listed.
    pub fn try_paths_where(&self, commit: &str, keep: impl Fn(&str) -> bool) -> Result<Option<Vec<String>>, GitError> {
        let repo = self.repo();
        let Some(tree) = self.tree_of(&repo, commit)? else { return Ok(None) };
        let mut out = Vec::new();
        self.collect_paths(&repo, &tree, "", &keep, &mut out)?;
        Ok(Some(out))
    }

    /// Whether the object database holds a commit with this id (even if unreachable from
    /// refs); an error when it holds the object but cannot read it.
    pub fn try_has_commit(&self, sha: &str) -> Result<bool, GitError> {
        let repo = self.repo();
        Ok(self.commit_in(&repo, sha)?.is_some())
    }

    /// Looks up a commit that no ref reaches (dangling) and converts it: `Ok(None)` when the
    /// object database has no such commit, an error when it cannot read it.
    pub fn try_find_commit_anywhere(&self, sha: &str) -> Result<Option<Commit>, GitError> {
        let repo = self.repo();
        Ok(self.commit_in(&repo, sha)?.map(|c| convert_commit(&c)))
    }

    /// The commits reachable from `to` and not from `from`, newest first (what `git log
    /// from..to` lists): `Ok(None)` when either commit is not in the repository, an error when
    /// a commit on the way cannot be read.
    pub fn try_commits_between(&self, from: &str, to: &str) -> Result<Option<Vec<Commit>>, GitError> {
        let repo = self.repo();
        let (a, b) = (self.commit_in(&repo, from)?, self.commit_in(&repo, to)?);
        let (Some(a), Some(b)) = (a, b) else { return Ok(None) };
        let hist = |source| GitError::History { path: self.path.clone(), source };
        let mut walk = repo.revwalk().map_err(hist)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).map_err(hist)?;
        walk.push(b.id()).map_err(hist)?;
        walk.hide(a.id()).map_err(hist)?;
        let mut out = Vec::new();
        for oid in walk {
            let oid = oid.map_err(hist)?;
            out.push(convert_commit(&self.referenced("commit", oid, repo.find_commit(oid))?));
        }
        Ok(Some(out))
    }

    /// The files that differ between the trees of two commits, with line counts (binary
    /// files count no lines): `Ok(None)` when either commit is not in the repository, an error
    /// when the trees or a changed file's blobs cannot be read (naming the blob when libgit2's
    /// failure comes from one).
    pub fn try_changed_files(&self, from: &str, to: &str) -> Result<Option<Vec<FileChange>>, GitError> {
        let repo = self.repo();
        let (a, b) = (self.tree_of(&repo, from)?, self.tree_of(&repo, to)?);
        let (Some(a), Some(b)) = (a, b) else { return Ok(None) };
        let diff_err = |source| GitError::Diff { path: self.path.clone(), from: from.to_string(), to: to.to_string(), source };
        let mut opts = git2::DiffOptions::new();
        opts.ignore_filemode(false);
        let diff = repo.diff_tree_to_tree(Some(&a), Some(&b), Some(&mut opts)).map_err(diff_err)?;
        let mut out = Vec::new();
        for (i, delta) in diff.deltas().enumerate() {
            let patch = git2::Patch::from_diff(&diff, i).map_err(|source| self.unreadable_blob_of(&repo, &delta).unwrap_or_else(|| diff_err(source)))?;
            let (lines_added, lines_removed) = match patch {
                Some(patch) => patch.line_stats().map(|(_, adds, dels)| (adds, dels)).map_err(diff_err)?,
                None => (0, 0),
            };
            out.push(file_change(&delta, lines_added, lines_removed));
        }
        Ok(Some(out))
    }

    /// The unified diff of one file between two commits (empty when it is the same):
    /// `Ok(None)` when either commit is not in the repository, an error when the trees or the
    /// file's blobs cannot be read.
    pub fn try_file_diff(&self, from: &str, to: &str, path: &str) -> Result<Option<String>, GitError> {
        let repo = self.repo();
        let (a, b) = (self.tree_of(&repo, from)?, self.tree_of(&repo, to)?);
        let (Some(a), Some(b)) = (a, b) else { return Ok(None) };
        let diff_err = |source| GitError::Diff { path: self.path.clone(), from: from.to_string(), to: to.to_string(), source };
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(path).disable_pathspec_match(true);
        let diff = repo.diff_tree_to_tree(Some(&a), Some(&b), Some(&mut opts)).map_err(diff_err)?;
        let mut text = String::new();
        diff.print(git2::DiffFormat::Patch, |_, _, line| {
            if matches!(line.origin(), '+' | '-' | ' ') {
                text.push(line.origin());
            }
            text.push_str(&String::from_utf8_lossy(line.content()));
            true
        })
        .map_err(|source| diff.deltas().find_map(|delta| self.unreadable_blob_of(&repo, &delta)).unwrap_or_else(|| diff_err(source)))?;
        Ok(Some(text))
    }

    /// The signature armour of a signed commit and the bytes it signs (the commit object
    /// without its `gpgsig` header): `Ok(None)` for an unsigned commit or one the repository
    /// does not hold, an error when the commit cannot be read or its signature header is
    /// malformed.
    pub fn try_signature_of(&self, sha: &str) -> Result<Option<(String, Vec<u8>)>, GitError> {
        let repo = self.repo();
        let Ok(oid) = Oid::from_str(sha) else { return Ok(None) };
        let found = self.named("commit", oid, repo.extract_signature(&oid, None))?;
        Ok(found.map(|(sig, data)| (String::from_utf8_lossy(&sig).into_owned(), data.to_vec())))
    }

    /// The signature armour of a signed annotated tag, the bytes it signs (the tag object up
    /// to the armour) and the tagger's email: `Ok(None)` when there is no such tag, it is a
    /// lightweight tag, or its text carries no signature; an error when the tag object cannot
    /// be read.
    pub fn try_tag_signature_of(&self, name: &str) -> Result<Option<(String, Vec<u8>, String)>, GitError> {
        let repo = self.repo();
        let hist = |source| GitError::History { path: self.path.clone(), source };
        let Some(reference) = absent_as_none(repo.find_reference(&format!("refs/tags/{name}"))).map_err(hist)? else {
            return Ok(None);
        };
        let target = reference.target().map(|o| o.to_string()).unwrap_or_default();
        let tag = match absent_as_none(reference.peel_to_tag()) {
            Ok(Some(tag)) => tag,
            Ok(None) => return Ok(None),
            Err(source) => return Err(GitError::UnreadableObject { path: self.path.clone(), kind: "tag", id: target, source }),
        };
        let odb = repo.odb().map_err(hist)?;
        let obj = self.referenced("tag", tag.id(), odb.read(tag.id()))?;
        let data = obj.data();
        let Ok(text) = std::str::from_utf8(data) else { return Ok(None) };
        // git appends the signature to the tag body: the last armour that starts a line
        let Some(at) = ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"]
            .iter()
            .filter_map(|m| text.rfind(&format!("\n{m}")).map(|i| i + 1))
            .max()
        else {
            return Ok(None);
        };
        let tagger = tag.tagger().and_then(|t| t.email().ok().map(str::to_string)).unwrap_or_default();
        Ok(Some((text[at..].to_string(), data[..at].to_vec(), tagger)))
    }

    /// The commit with this full object name, if the repository has it.
    pub fn commit(&self, sha: &str) -> Option<&Commit> {
        let sha = sha.to_ascii_lowercase();
        self.commits.iter().find(|c| c.sha == sha)
    }

    /// The git blob id that a file with these bytes would have.
    pub fn blob_id_of(bytes: &[u8]) -> Option<String> {
        Oid::hash_object(ObjectType::Blob, bytes).ok().map(|o| o.to_string())
    }

    // --- integrity

    /// Re-hashes the commit object and every tree and blob reachable from its root tree.
    /// Objects checked by an earlier call are not checked again. An object that cannot be
    /// read, or that re-hashes to its name but cannot be parsed (so what it names cannot be
    /// followed), is reported as corrupt; one that is named but absent, as missing.
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
                Err(e) if e.code() == ErrorCode::NotFound => {
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
            match named_objects(&repo, oid, kind) {
                Ok(named) => stack.extend(named),
                Err(e) => report.corrupt.push((oid.to_string(), kind_name(kind).into(), format!("cannot be parsed: {}", e.message()))),
            }
        }
        report
    }

    // --- lookups shared by the readers

    /// An object the caller asked for: `Ok(None)` when the repository does not hold it.
    fn named<T>(&self, kind: &'static str, id: Oid, found: Result<T, git2::Error>) -> Result<Option<T>, GitError> {
        match found {
            Ok(object) => Ok(Some(object)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(source) => Err(GitError::UnreadableObject { path: self.path.clone(), kind, id: id.to_string(), source }),
        }
    }

    /// An object another object names: its absence is an error too.
    fn referenced<T>(&self, kind: &'static str, id: Oid, found: Result<T, git2::Error>) -> Result<T, GitError> {
        self.named(kind, id, found)?.ok_or_else(|| GitError::MissingObject { path: self.path.clone(), kind, id: id.to_string() })
    }

    /// The blob of a file of `delta` that cannot be read, if one cannot: asked when a patch
    /// could not be made, since libgit2 then says only that loading failed, not of which
    /// object. (A submodule's entry names a commit of another repository and is no blob.)
    fn unreadable_blob_of(&self, repo: &Repository, delta: &git2::DiffDelta<'_>) -> Option<GitError> {
        [delta.old_file(), delta.new_file()]
            .into_iter()
            .filter(|f| !f.id().is_zero() && f.mode() != git2::FileMode::Commit)
            .find_map(|f| self.referenced("blob", f.id(), repo.find_blob(f.id())).err())
    }

    /// The commit `sha` names: `Ok(None)` when `sha` is no object name or the repository has no
    /// such commit.
    fn commit_in<'r>(&self, repo: &'r Repository, sha: &str) -> Result<Option<git2::Commit<'r>>, GitError> {
        let Ok(oid) = Oid::from_str(sha) else { return Ok(None) };
        self.named("commit", oid, repo.find_commit(oid))
    }

    /// The root tree of the commit `sha` names: `Ok(None)` when there is no such commit, an
    /// error when its tree is absent or unreadable.
    fn tree_of<'r>(&self, repo: &'r Repository, sha: &str) -> Result<Option<Tree<'r>>, GitError> {
        let Some(commit) = self.commit_in(repo, sha)? else { return Ok(None) };
        self.referenced("tree", commit.tree_id(), commit.tree()).map(Some)
    }

    /// The entry at `path` in the tree of commit `sha` (see [`GitRepo::entry_at`]).
    fn entry_at_commit(&self, repo: &Repository, sha: &str, path: &str) -> Result<Option<TreeEntry<'static>>, GitError> {
        match self.tree_of(repo, sha)? {
            Some(tree) => self.entry_at(repo, &tree, path),
            None => Ok(None),
        }
    }

    /// The entry at the '/'-separated `path` under `root`, one folder at a time, as libgit2's
    /// `git_tree_entry_bypath` finds it (an empty part, or a file where a folder is needed,
    /// is no entry; a trailing '/' after a folder names the folder). `Ok(None)` when the path
    /// is not in the tree; an error when a folder on the way is absent or unreadable.
    fn entry_at<'r>(&self, repo: &'r Repository, root: &Tree<'r>, path: &str) -> Result<Option<TreeEntry<'static>>, GitError> {
        if path.contains('\0') {
            return Ok(None);
        }
        let parts: Vec<&str> = path.split('/').collect();
        let mut folder: Option<Tree<'r>> = None;
        for (i, name) in parts.iter().enumerate() {
            if name.is_empty() {
                return Ok(None);
            }
            let tree = folder.as_ref().unwrap_or(root);
            let Some(entry) = tree.get_name(name).map(|e| e.to_owned()) else { return Ok(None) };
            let rest = &parts[i + 1..];
            if rest.is_empty() {
                return Ok(Some(entry));
            }
            if entry.kind() != Some(ObjectType::Tree) {
                return Ok(None);
            }
            if rest == [""] {
                return Ok(Some(entry));
            }
            folder = Some(self.referenced("tree", entry.id(), repo.find_tree(entry.id()))?);
        }
        Ok(None)
    }

    /// Adds the file paths under `tree` (at `dir`, '/'-terminated or empty) that `keep`
    /// accepts, in the order of a pre-order tree walk.
    fn collect_paths(&self, repo: &Repository, tree: &Tree<'_>, dir: &str, keep: &dyn Fn(&str) -> bool, out: &mut Vec<String>) -> Result<(), GitError> {
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            match entry.kind() {
                Some(ObjectType::Blob) => {
                    let path = format!("{dir}{name}");
                    if keep(&path) {
                        out.push(path);
                    }
                }
                Some(ObjectType::Tree) => {
                    let sub = self.referenced("tree", entry.id(), repo.find_tree(entry.id()))?;
                    self.collect_paths(repo, &sub, &format!("{dir}{name}/"), keep, out)?;
                }
                // Submodule links point into another repository.
                _ => {}
            }
        }
        Ok(())
    }
}

/// Whether a failed lookup or peel means "nothing of that kind there" (no such object or ref,
/// an unborn branch, a ref that does not lead to the kind asked for) rather than "there but
/// unreadable".
fn is_absent(e: &git2::Error) -> bool {
    matches!(e.code(), ErrorCode::NotFound | ErrorCode::UnbornBranch | ErrorCode::InvalidSpec | ErrorCode::Peel)
}

/// A lookup or peel with "nothing there" as `Ok(None)` (see [`is_absent`]).
fn absent_as_none<T>(found: Result<T, git2::Error>) -> Result<Option<T>, git2::Error> {
    match found {
        Ok(found) => Ok(Some(found)),
        Err(e) if is_absent(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The commit `HEAD` leads to, if any (an unborn or dangling `HEAD` leads nowhere).
fn head_commit(repo: &Repository) -> Result<Option<Oid>, git2::Error> {
    let Some(head) = absent_as_none(repo.head())? else { return Ok(None) };
    Ok(absent_as_none(head.peel_to_commit())?.map(|c| c.id()))
}

/// Pushes the commit of every ref onto `walk` and lists the tags; returns the tags and whether
/// any commit was pushed. Refs that lead to no commit are passed over.
fn push_refs(repo: &Repository, walk: &mut git2::Revwalk<'_>) -> Result<(Vec<Tag>, bool), git2::Error> {
    let mut tags = Vec::new();
    let mut any = false;
    for reference in repo.references()? {
        let reference = reference?;
        let Some(commit) = absent_as_none(reference.peel_to_commit())? else { continue };
        walk.push(commit.id())?;
        any = true;
        if reference.is_tag() {
            let name = reference.shorthand().unwrap_or_default().to_string();
            let tag_obj = absent_as_none(reference.peel_to_tag())?;
            let signed = tag_obj
                .as_ref()
                .and_then(|t| t.message().ok().flatten())
                .is_some_and(|m| m.contains("-----BEGIN PGP SIGNATURE-----") || m.contains("-----BEGIN SSH SIGNATURE-----"));
            tags.push(Tag { name, commit: commit.id().to_string(), annotated: tag_obj.is_some(), signed });
        }
    }
    Ok((tags, any))
}

/// The objects a commit or tree names (its tree; its entries), for [`GitRepo::verify_commit`].
/// Submodule links point into another repository and are not followed.
fn named_objects(repo: &Repository, oid: Oid, kind: ObjectType) -> Result<Vec<(Oid, ObjectType)>, git2::Error> {
    Ok(match kind {
        ObjectType::Commit => vec![(repo.find_commit(oid)?.tree_id(), ObjectType::Tree)],
        ObjectType::Tree => repo
            .find_tree(oid)?
            .iter()
            .filter_map(|entry| match entry.kind() {
                Some(k @ (ObjectType::Tree | ObjectType::Blob)) => Some((entry.id(), k)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// One delta of a diff as a [`FileChange`].
fn file_change(delta: &git2::DiffDelta<'_>, lines_added: usize, lines_removed: usize) -> FileChange {
    let path = delta.new_file().path().or_else(|| delta.old_file().path()).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let binary = delta.new_file().is_binary() || delta.old_file().is_binary();
    let status = match delta.status() {
        git2::Delta::Added => FileChangeStatus::Added,
        git2::Delta::Deleted => FileChangeStatus::Removed,
        git2::Delta::Renamed => FileChangeStatus::Renamed,
        _ => FileChangeStatus::Modified,
    };
    FileChange { path, status, lines_added, lines_removed, binary }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with `a.txt` and `dir/b.txt` in one commit; returns the commit, the blob
    /// of `a.txt` and the tree of `dir`.
    fn repository(dir: &Path) -> (String, Oid, Oid) {
        let repo = Repository::init(dir).unwrap();
        let a = repo.blob(b"a\n").unwrap();
        let b = repo.blob(b"b\n").unwrap();
        let mut sub = repo.treebuilder(None).unwrap();
        sub.insert("b.txt", b, 0o100644).unwrap();
        let sub = sub.write().unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("a.txt", a, 0o100644).unwrap();
        root.insert("dir", sub, 0o040000).unwrap();
        let tree = repo.find_tree(root.write().unwrap()).unwrap();
        let who = git2::Signature::new("T", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        let commit = repo.commit(Some("HEAD"), &who, &who, "one", &tree, &[]).unwrap();
        (commit.to_string(), a, sub)
    }

    /// The loose object file of `id`, made writable.
    fn object_file(dir: &Path, id: Oid) -> PathBuf {
        let hex = id.to_string();
        let file = dir.join(".git/objects").join(&hex[..2]).join(&hex[2..]);
        let mut perms = std::fs::metadata(&file).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&file, perms).unwrap();
        file
    }

    fn open(dir: &Path) -> GitRepo {
        GitRepo::open(dir, dir, RelPath::root()).unwrap()
    }

    #[test]
    fn absent_is_none_and_present_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let (commit, _, _) = repository(dir.path());
        let repo = open(dir.path());
        assert_eq!(repo.try_blob_at(&commit, "a.txt").unwrap().as_deref(), Some(&b"a\n"[..]));
        assert_eq!(repo.try_blob_at(&commit, "dir/b.txt").unwrap().as_deref(), Some(&b"b\n"[..]));
        assert_eq!(repo.try_blob_at(&commit, "nope.txt").unwrap(), None);
        assert_eq!(repo.try_blob_at(&commit, "a.txt/x").unwrap(), None, "a file is no folder");
        assert_eq!(repo.try_blob_at(&commit, "dir").unwrap(), None, "a folder is no file");
        assert_eq!(repo.try_blob_at(&"0".repeat(40), "a.txt").unwrap(), None, "no such commit");
        assert_eq!(repo.try_blob_at("not hex", "a.txt").unwrap(), None);
        assert_eq!(repo.try_paths_where(&commit, |_| true).unwrap(), Some(vec!["a.txt".to_string(), "dir/b.txt".to_string()]));
        assert_eq!(repo.try_paths_where(&"0".repeat(40), |_| true).unwrap(), None);
        assert!(!repo.try_has_commit(&"0".repeat(40)).unwrap());
        assert!(repo.try_has_commit(&commit).unwrap());
    }

    #[test]
    fn a_damaged_blob_is_an_error_not_an_absence() {
        let dir = tempfile::tempdir().unwrap();
        let (commit, a, _) = repository(dir.path());
        std::fs::write(object_file(dir.path(), a), b"not zlib at all").unwrap();
        let repo = open(dir.path());
        let err = repo.try_blob_at(&commit, "a.txt").unwrap_err();
        assert!(matches!(&err, GitError::UnreadableObject { kind: "blob", id, .. } if *id == a.to_string()), "{err:?}");
        assert!(err.to_string().contains(&format!("blob {a} cannot be read")), "{err}");
        assert_eq!(err.to_string(), format!("{}: {}", dir.path().display(), err.describe()), "described as displayed, without the local path");
        assert!(!err.is_missing());
        assert!(std::error::Error::source(&err).is_some(), "the cause is kept");
        // the blob's id is in its tree, readable as ever; the other file too
        assert_eq!(repo.try_blob_id_at(&commit, "a.txt").unwrap(), Some(a.to_string()));
        assert!(repo.try_blob_at(&commit, "dir/b.txt").unwrap().is_some());
        // the integrity check reports it too
        let integrity = repo.verify_commit(&commit);
        assert!(integrity.corrupt.iter().any(|(id, kind, _)| *id == a.to_string() && kind == "blob"), "{integrity:?}");
    }

    #[test]
    fn a_blob_or_folder_absent_from_the_object_database_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (commit, a, sub) = repository(dir.path());
        std::fs::remove_file(object_file(dir.path(), a)).unwrap();
        std::fs::remove_file(object_file(dir.path(), sub)).unwrap();
        let repo = open(dir.path());
        let err = repo.try_blob_at(&commit, "a.txt").unwrap_err();
        assert!(matches!(&err, GitError::MissingObject { kind: "blob", id, .. } if *id == a.to_string()), "{err:?}");
        let err = repo.try_blob_at(&commit, "dir/b.txt").unwrap_err();
        assert!(matches!(&err, GitError::MissingObject { kind: "tree", id, .. } if *id == sub.to_string()), "{err:?}");
        assert!(repo.try_blob_id_at(&commit, "dir/b.txt").is_err());
        assert!(matches!(repo.try_paths_where(&commit, |_| true), Err(GitError::MissingObject { kind: "tree", .. })));
        assert!(err.is_missing() && err.describe() == format!("tree {sub} is named in the repository but absent from its object database"), "{err}");
        let integrity = repo.verify_commit(&commit);
        assert!(integrity.missing.contains(&a.to_string()) && integrity.missing.contains(&sub.to_string()), "{integrity:?}");
    }

    /// A second commit on HEAD over `parent` whose `a.txt` is `text`; returns it and the blob.
    fn change_a(dir: &Path, parent: &str, text: &[u8]) -> (String, Oid) {
        let repo = Repository::open(dir).unwrap();
        let parent = repo.find_commit(Oid::from_str(parent).unwrap()).unwrap();
        let blob = repo.blob(text).unwrap();
        let mut root = repo.treebuilder(Some(&parent.tree().unwrap())).unwrap();
        root.insert("a.txt", blob, 0o100644).unwrap();
        let tree = repo.find_tree(root.write().unwrap()).unwrap();
        let who = git2::Signature::new("T", "t@example.org", &git2::Time::new(60, 0)).unwrap();
        let commit = repo.commit(Some("HEAD"), &who, &who, "two", &tree, &[&parent]).unwrap();
        (commit.to_string(), blob)
    }

    #[test]
    fn the_diff_readers_tell_a_damaged_blob_from_an_absent_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (one, _, _) = repository(dir.path());
        let (two, blob) = change_a(dir.path(), &one, b"a\nmore\n");
        let nowhere = "0".repeat(40);
        {
            let repo = open(dir.path());
            assert_eq!(repo.try_commits_between(&one, &two).unwrap().unwrap().iter().map(|c| c.sha.clone()).collect::<Vec<_>>(), [two.clone()]);
            let files = repo.try_changed_files(&one, &two).unwrap().unwrap();
            assert_eq!((files.len(), files[0].path.as_str(), files[0].lines_added, files[0].lines_removed), (1, "a.txt", 1, 0));
            assert!(repo.try_file_diff(&one, &two, "a.txt").unwrap().unwrap().contains("+more"));
            assert_eq!(repo.try_commits_between(&one, &nowhere).unwrap().map(|c| c.len()), None);
            assert_eq!(repo.try_changed_files(&nowhere, &two).unwrap(), None);
            assert_eq!(repo.try_file_diff(&one, &nowhere, "a.txt").unwrap(), None);
        }
        std::fs::write(object_file(dir.path(), blob), b"not zlib at all").unwrap();
        let repo = open(dir.path());
        // the history is intact; the changed file's content is not
        assert_eq!(repo.try_commits_between(&one, &two).unwrap().map(|c| c.len()), Some(1));
        let err = repo.try_changed_files(&one, &two).unwrap_err();
        assert!(matches!(&err, GitError::UnreadableObject { kind: "blob", id, .. } if *id == blob.to_string()), "the damaged blob is named: {err:?}");
        let err = repo.try_file_diff(&one, &two, "a.txt").unwrap_err();
        assert!(matches!(&err, GitError::UnreadableObject { kind: "blob", id, .. } if *id == blob.to_string()), "{err:?}");
        // a file the damage does not touch is still compared
        assert_eq!(repo.try_file_diff(&one, &two, "dir/b.txt").unwrap().as_deref(), Some(""));
        assert_eq!(repo.try_changed_files(&nowhere, &two).unwrap(), None, "an absent commit is still no error");
    }

    #[test]
    fn a_damaged_dangling_commit_is_an_error_not_an_absence() {
        let dir = tempfile::tempdir().unwrap();
        let (one, _, _) = repository(dir.path());
        // a commit no ref reaches
        let dangling = {
            let raw = Repository::open(dir.path()).unwrap();
            let parent = raw.find_commit(Oid::from_str(&one).unwrap()).unwrap();
            let who = git2::Signature::new("T", "t@example.org", &git2::Time::new(120, 0)).unwrap();
            raw.commit(None, &who, &who, "dangling", &parent.tree().unwrap(), &[&parent]).unwrap()
        };
        {
            let repo = open(dir.path());
            assert!(repo.commit(&dangling.to_string()).is_none(), "no ref reaches it");
            assert!(repo.try_has_commit(&dangling.to_string()).unwrap());
            assert_eq!(repo.try_find_commit_anywhere(&dangling.to_string()).unwrap().map(|c| c.summary), Some("dangling".to_string()));
            assert!(repo.try_find_commit_anywhere(&"0".repeat(40)).unwrap().is_none());
            assert!(repo.try_find_commit_anywhere("not hex").unwrap().is_none());
        }
        std::fs::write(object_file(dir.path(), dangling), b"not zlib at all").unwrap();
        let repo = open(dir.path());
        let err = repo.try_has_commit(&dangling.to_string()).unwrap_err();
        assert!(matches!(&err, GitError::UnreadableObject { kind: "commit", id, .. } if *id == dangling.to_string()), "{err:?}");
        assert!(matches!(repo.try_find_commit_anywhere(&dangling.to_string()), Err(GitError::UnreadableObject { kind: "commit", .. })));
        assert!(matches!(repo.try_commits_between(&one, &dangling.to_string()), Err(GitError::UnreadableObject { kind: "commit", .. })));
        assert!(!repo.try_has_commit(&"0".repeat(40)).unwrap());
    }

    #[test]
    fn errors_keep_their_messages_and_causes() {
        let dir = tempfile::tempdir().unwrap();
        let err = GitRepo::open(dir.path(), dir.path(), RelPath::root()).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(&format!("{}: not a readable git repository: ", dir.path().display())), "{text}");
        assert!(!text.contains("class="), "libgit2's message only, as before: {text}");
        assert!(std::error::Error::source(&err).is_some());
    }

    /// The path walk answers what libgit2's `git_tree_entry_bypath` (the reader before it)
    /// answered, odd paths included.
    #[test]
    fn paths_are_found_as_libgit2_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let (commit, _, _) = repository(dir.path());
        let repo = open(dir.path());
        let raw = Repository::open(dir.path()).unwrap();
        let tree = raw.find_commit(Oid::from_str(&commit).unwrap()).unwrap().tree().unwrap();
        let probes = ["a.txt", "dir", "dir/", "dir//b.txt", "dir/b.txt", "dir/b.txt/", "./a.txt", "/a.txt", "a.txt/", "a.txt/x", "", "/", "dir/nope", "nope/b.txt", "a\0b"];
        for p in probes {
            let before = tree.get_path(Path::new(p)).ok().map(|e| e.id().to_string());
            assert_eq!(repo.try_blob_id_at(&commit, p).unwrap(), before, "{p:?}");
            let bytes = tree.get_path(Path::new(p)).ok().and_then(|e| raw.find_blob(e.id()).ok()).map(|b| b.content().to_vec());
            assert_eq!(repo.try_blob_at(&commit, p).unwrap(), bytes, "{p:?}");
        }
    }
}
