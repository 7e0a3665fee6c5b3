//! Identity resolution: which records in different sources talk about the same thing.
//!
//! * a DVC project ↔ the git repository that versions it (same work tree, or, for a bare
//!   repository copied beside the work tree, the same `dvc.yaml`/`dvc.lock` blob at HEAD);
//! * an MLflow run ↔ the repository that holds its `mlflow.source.git.commit`;
//! * the DVC lock files *at the commits that matter* (every run's commit, every tag, HEAD),
//!   read from git, so a run can be tied to the exact data versions and parameters of its
//!   commit rather than to whatever the work tree holds today.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use custody_evidence::RelPath;
use custody_sources::Evidence;
use custody_sources::dvc::{self, DvcError, LockFile};
use custody_sources::git::GitRepo;

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
    let mut links = Links { project_repo: vec![None; evidence.dvc.len()], ..Links::default() };

    for (p, project) in evidence.dvc.iter().enumerate() {
        links.project_repo[p] = link_project(evidence, project);
    }

    // Which repository holds each run's commit.
    for (s, store) in evidence.mlflow.iter().enumerate() {
        for (r, run) in store.runs.iter().enumerate() {
            let Some(sha) = run.git_commit() else { continue };
            if let Some(repo) = evidence.git.iter().position(|g| g.commit(sha).is_some() || g.has_commit(sha)) {
                links.run_repo.insert((s, r), repo);
            }
        }
    }

    // The commits that matter, per repository.
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

    for (repo_idx, commits) in wanted {
      let projects: Vec<(usize, ProjectRepo)> = links.projects_of_repo(repo_idx).into_iter().map(|(p, l)| (p, l.clone())).collect();
      for (project, link) in projects {
        let repo = &evidence.git[repo_idx];
        for commit in commits.iter().cloned() {
            let mut files = Vec::new();
            let prefix = link.prefix.clone();
            let paths = repo.paths_where(&commit, |p| {
                let Some(inner) = p.strip_prefix(prefix.as_str()) else { return false };
                !inner.starts_with(".dvc/") && (inner.ends_with("/dvc.lock") || inner == "dvc.lock" || (inner.ends_with(".dvc") && !inner.ends_with("/.dvc")))
            });
            for path in paths {
                let inner = &path[prefix.len()..];
                let Ok(rel) = RelPath::new(inner) else { continue };
                let Some(bytes) = repo.blob_at(&commit, &path) else { continue };
                let display = git_display(repo, &commit, &path);
                let parsed = if rel.file_name() == "dvc.lock" {
                    let yaml_path = format!("{}dvc.yaml", &path[..path.len() - "dvc.lock".len()]);
                    let specs = repo
                        .blob_at(&commit, &yaml_path)
                        .map(|y| dvc::stage_specs(&y, &git_display(repo, &commit, &yaml_path)).unwrap_or_default())
                        .unwrap_or_default();
                    dvc::parse_lock(&bytes, &rel, &display, &specs)
                } else {
                    dvc::parse_dvc_file(&bytes, &rel, &display)
                };
                match parsed {
                    Ok(f) => files.push(f),
                    Err(e) => links.unreadable.push((display, e)),
                }
            }
            links.commit_locks.push(CommitLocks { project, repo: repo_idx, commit, files });
        }
      }
    }
    links
}

/// Finds the repository that versions a DVC project.
fn link_project(evidence: &Evidence, project: &dvc::DvcProject) -> Option<ProjectRepo> {
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
            for path in repo.paths_where(head, |p| p == name || p.ends_with(&format!("/{name}"))) {
                if repo.blob_id_at(head, &path).as_deref() == Some(blob.as_str()) {
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
