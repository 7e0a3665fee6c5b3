//! Identity resolution: which records in different sources talk about the same thing.
//!
//! * a DVC project ↔ the git repository that versions it (same work tree, or, for a bare
//!   repository copied beside the work tree, the same `dvc.yaml`/`dvc.lock` blob at HEAD);
//! * an MLflow run ↔ the repository that holds its `mlflow.source.git.commit`;
//! * the DVC lock files *at the commits that matter* (every run's commit, every tag, HEAD),
//!   read from git, so a run can be tied to the exact data versions and parameters of its
//!   commit rather than to whatever the work tree holds today;
//! * the files git tracks at HEAD of every repository with a work tree or a project, so
//!   coverage can count them as read without opening git again.
//!
//! A git object resolution needs and cannot read (damaged, or named but absent from the object
//! database) does not stop it and is not taken for "not there": it is kept in
//! [`Links::problems`], which verification reports as findings, and resolution goes on with
//! what it could read. On undamaged evidence the links are what they always were.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use custody_evidence::RelPath;
use custody_sources::Evidence;
use custody_sources::dvc::{self, DvcError, LockFile};
use custody_sources::git::{GitError, GitRepo};

/// The lock and `.dvc` files of one project at one commit.
#[derive(Debug, Clone)]
pub struct CommitLocks {
    pub project: usize,
    pub repo: usize,
    pub commit: String,
    pub files: Vec<LockFile>,
}

/// Where a DVC project sits inside a repository.
#[derive(Debug, Clone)]
pub struct ProjectRepo {
    pub repo: usize,
    /// The project's folder inside the repository ("" at the top).
    pub prefix: String,
    /// How the link was made, for the record.
    pub via: String,
}

/// A git object identity resolution needed and could not read: damaged, or named but absent
/// from the object database. Resolution went on without it; verification reports it.
#[derive(Debug)]
pub struct GitProblem {
    /// The repository, by index into the evidence's repositories.
    pub repo: usize,
    /// The commit being read.
    pub commit: String,
    /// The file inside the repository being read, when the problem is about one (a folder
    /// on the way to it, or the file's own blob); none when the commit itself, or a folder
    /// met while listing its tree, cannot be read.
    pub path: Option<String>,
    pub error: GitError,
}

/// The results of identity resolution over one evidence folder.
#[derive(Debug, Default)]
pub struct Links {
    /// Per DVC project, the repository versioning it.
    pub project_repo: Vec<Option<ProjectRepo>>,
    /// Per (store, run) index: the repository that holds the run's commit.
    pub run_repo: HashMap<(usize, usize), usize>,
    /// Lock files read from git at the commits that matter.
    pub commit_locks: Vec<CommitLocks>,
    /// Lock files in git that could not be parsed (evidence problems, reported as findings).
    pub unreadable: Vec<(String, DvcError)>,
    /// Per repository, the file paths ('/'-separated) git tracks at HEAD, for a repository
    /// with a work tree or a DVC project (none for one without HEAD, or whose HEAD tree
    /// cannot be read: a problem then).
    pub tracked_at_head: Vec<Option<HashSet<String>>>,
    /// Git objects that could not be read (evidence problems, reported as findings).
    pub problems: Vec<GitProblem>,
}

impl Links {
    /// The locks of `project` at `commit`, if they were read.
    pub fn locks_at(&self, project: usize, commit: &str) -> Option<&CommitLocks> {
        self.commit_locks.iter().find(|c| c.project == project && c.commit == commit)
    }

    /// Every project versioned by `repo` (a monorepo holds several).
    pub fn projects_of_repo(&self, repo: usize) -> Vec<(usize, &ProjectRepo)> {
        self.project_repo.iter().enumerate().filter_map(|(p, link)| link.as_ref().filter(|l| l.repo == repo).map(|l| (p, l))).collect()
    }

    /// The project versioned by `repo`, if any.
    pub fn project_of_repo(&self, repo: usize) -> Option<(usize, &ProjectRepo)> {
        self.project_repo.iter().enumerate().find_map(|(p, link)| match link {
            Some(l) if l.repo == repo => Some((p, l)),
            _ => None,
        })
    }
}

/// How a git-held file is named in findings: `project.git@1a2b3c4:dvc.lock`.
pub fn git_display(repo: &GitRepo, commit: &str, path: &str) -> String {
    format!("{}@{}:{}", repo.rel, custody_evidence::text::head(commit, 12), path)
}

/// Resolves identities across the sources of `evidence`.
pub fn resolve(evidence: &Evidence) -> Links {
    let mut links = Links { project_repo: vec![None; evidence.dvc.len()], tracked_at_head: vec![None; evidence.git.len()], ..Links::default() };

    for (p, project) in evidence.dvc.iter().enumerate() {
        links.project_repo[p] = link_project(evidence, project, &mut links.problems);
    }
    read_tracked_at_head(evidence, &mut links);
    link_runs(evidence, &mut links);

    for (repo_idx, commits) in commits_that_matter(evidence, &links) {
        let projects: Vec<(usize, ProjectRepo)> = links.projects_of_repo(repo_idx).into_iter().map(|(p, l)| (p, l.clone())).collect();
        for (project, link) in projects {
            let repo = &evidence.git[repo_idx];
            for commit in commits.iter().cloned() {
                let files = read_locks_at(repo, repo_idx, &link.prefix, &commit, &mut links);
                links.commit_locks.push(CommitLocks { project, repo: repo_idx, commit, files });
            }
        }
    }
    links
}

/// What git tracks at HEAD, where coverage asks (a work tree, or a project's repository).
fn read_tracked_at_head(evidence: &Evidence, links: &mut Links) {
    for (g, repo) in evidence.git.iter().enumerate() {
        let Some(head) = &repo.head else { continue };
        if repo.workdir.is_none() && !links.project_repo.iter().flatten().any(|l| l.repo == g) {
            continue;
        }
        match repo.try_paths_where(head, |_| true) {
            Ok(paths) => links.tracked_at_head[g] = paths.map(|p| p.into_iter().collect()),
            Err(error) => add_problem(&mut links.problems, GitProblem { repo: g, commit: head.clone(), path: None, error }),
        }
    }
}

/// Which repository holds each run's commit: the first that can read it (one that holds it
/// but cannot read it is a problem, and the search goes on).
fn link_runs(evidence: &Evidence, links: &mut Links) {
    for (s, store) in evidence.mlflow.iter().enumerate() {
        for (r, run) in store.runs.iter().enumerate() {
            let Some(sha) = run.git_commit() else { continue };
            let holds = |(g, repo): (usize, &GitRepo), problems: &mut Vec<GitProblem>| {
                if repo.commit(sha).is_some() {
                    return true;
                }
                repo.try_has_commit(sha).unwrap_or_else(|error| {
                    add_problem(problems, GitProblem { repo: g, commit: sha.to_string(), path: None, error });
                    false
                })
            };
            if let Some(repo) = evidence.git.iter().enumerate().position(|g| holds(g, &mut links.problems)) {
                links.run_repo.insert((s, r), repo);
            }
        }
    }
}

/// The commits that matter, per repository: every linked run's commit, HEAD and every tag.
fn commits_that_matter(evidence: &Evidence, links: &Links) -> BTreeMap<usize, BTreeSet<String>> {
    let mut wanted: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (&(s, r), &repo) in &links.run_repo {
        if let Some(sha) = evidence.mlflow[s].runs[r].git_commit() {
            wanted.entry(repo).or_default().insert(sha.to_ascii_lowercase());
        }
    }
    for (g, repo) in evidence.git.iter().enumerate() {
        let set = wanted.entry(g).or_default();
        set.extend(repo.head.iter().cloned());
        set.extend(repo.tags.iter().map(|t| t.commit.clone()));
    }
    wanted
}

/// The lock and `.dvc` files of the project at `prefix` in `repo` at `commit`; a file that
/// cannot be parsed goes to [`Links::unreadable`], an object that cannot be read to
/// [`Links::problems`].
fn read_locks_at(repo: &GitRepo, repo_idx: usize, prefix: &str, commit: &str, links: &mut Links) -> Vec<LockFile> {
    let mut files = Vec::new();
    let listed = repo.try_paths_where(commit, |p| {
        let Some(inner) = p.strip_prefix(prefix) else { return false };
        !inner.starts_with(".dvc/") && (inner.ends_with("/dvc.lock") || inner == "dvc.lock" || (inner.ends_with(".dvc") && !inner.ends_with("/.dvc")))
    });
    let paths = listed.unwrap_or_else(|error| {
        add_problem(&mut links.problems, GitProblem { repo: repo_idx, commit: commit.to_string(), path: None, error });
        None
    });
    for path in paths.unwrap_or_default() {
        let inner = &path[prefix.len()..];
        let Ok(rel) = RelPath::new(inner) else { continue };
        match read_lock_file(repo, repo_idx, commit, &path, &rel, &mut links.problems) {
            Some(Ok(f)) => files.push(f),
            Some(Err((display, e))) => links.unreadable.push((display, e)),
            None => {}
        }
    }
    files
}

/// One lock or `.dvc` file at `path` in `repo` at `commit` (`rel` inside its project), parsed;
/// none when its blob cannot be read, the file's display name with the error when it cannot
/// be parsed.
fn read_lock_file(repo: &GitRepo, repo_idx: usize, commit: &str, path: &str, rel: &RelPath, problems: &mut Vec<GitProblem>) -> Option<Result<LockFile, (String, DvcError)>> {
    let mut blob_at = |path: &str| {
        repo.try_blob_at(commit, path).unwrap_or_else(|error| {
            add_problem(problems, GitProblem { repo: repo_idx, commit: commit.to_string(), path: Some(path.to_string()), error });
            None
        })
    };
    let bytes = blob_at(path)?;
    let display = git_display(repo, commit, path);
    let parsed = if rel.file_name() == "dvc.lock" {
        let yaml_path = format!("{}dvc.yaml", &path[..path.len() - "dvc.lock".len()]);
        // an unreadable dvc.yaml is a problem; the lock is still read, as without one
        let specs = blob_at(&yaml_path)
            .map(|y| dvc::stage_specs(&y, &git_display(repo, commit, &yaml_path)).unwrap_or_default())
            .unwrap_or_default();
        dvc::parse_lock(&bytes, rel, &display, &specs)
    } else {
        dvc::parse_dvc_file(&bytes, rel, &display)
    };
    Some(parsed.map_err(|e| (display, e)))
}

/// Keeps a problem once: the same object read again for the same commit and path (HEAD's
/// tree is listed for more than one purpose) is one problem.
fn add_problem(problems: &mut Vec<GitProblem>, problem: GitProblem) {
    let same = |p: &GitProblem| p.repo == problem.repo && p.commit == problem.commit && p.path == problem.path && p.error.describe() == problem.error.describe();
    if !problems.iter().any(same) {
        problems.push(problem);
    }
}

/// Finds the repository that versions a DVC project. A HEAD tree or entry that cannot be read
/// is a problem, and the search goes on as if it did not match.
fn link_project(evidence: &Evidence, project: &dvc::DvcProject, problems: &mut Vec<GitProblem>) -> Option<ProjectRepo> {
    // The project is the work tree of a repository, or a folder inside one.
    for (g, repo) in evidence.git.iter().enumerate() {
        if let Some(workdir) = &repo.workdir {
            if let Some(inner) = project.rel.strip_prefix(workdir) {
                let prefix = if inner.is_root() { String::new() } else { format!("{}/", inner.as_str()) };
                return Some(ProjectRepo { repo: g, prefix, via: format!("work tree of {}", repo.rel) });
            }
        }
    }
    // A bare repository copied beside the work tree: the same pipeline files at HEAD.
    for name in ["dvc.lock", "dvc.yaml"] {
        let local = project.rel.join(name).ok()?.to_local(&evidence.root);
        let Ok(bytes) = std::fs::read(&local) else { continue };
        let Some(blob) = GitRepo::blob_id_of(&bytes) else { continue };
        for (g, repo) in evidence.git.iter().enumerate() {
            let Some(head) = &repo.head else { continue };
            let listed = repo.try_paths_where(head, |p| p == name || p.ends_with(&format!("/{name}"))).unwrap_or_else(|error| {
                add_problem(problems, GitProblem { repo: g, commit: head.clone(), path: None, error });
                None
            });
            for path in listed.unwrap_or_default() {
                let id = repo.try_blob_id_at(head, &path).unwrap_or_else(|error| {
                    add_problem(problems, GitProblem { repo: g, commit: head.clone(), path: Some(path.clone()), error });
                    None
                });
                if id.as_deref() == Some(blob.as_str()) {
                    let prefix = path[..path.len() - name.len()].to_string();
                    return Some(ProjectRepo {
                        repo: g,
                        prefix,
                        via: format!("{name} in the work tree is blob {} at HEAD of {}", &blob[..12], repo.rel),
                    });
                }
            }
        }
    }
    None
}
