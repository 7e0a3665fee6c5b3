//! One module per evidence format, and the discovery of sources inside an evidence folder.
//!
//! Each format module keeps raw types that mirror the files and converts them into checked
//! domain types; the graph builder and the verifier only see checked types. Discovery decides
//! what a folder or file *is* from its content (a SQLite header and MLflow's tables, a git
//! directory's `HEAD`/`objects`/`refs`, a `.dvc/` folder, a Parquet magic number), never from
//! names alone.

pub mod dataset;
pub mod dvc;
pub mod git;
pub mod inference;
pub mod mlflow;
pub mod mlmodel;
pub mod signatures;
pub mod sqlite;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use custody_evidence::{EntryKind, RelPath, WalkedEntry};
use custody_evidence::progress::{Phase, Progress};

/// The kinds of source Custody reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SourceKind {
    /// An MLflow tracking/registry store in SQLite.
    MlflowSqlite,
    /// A git repository (work tree or bare).
    Git,
    /// A DVC project (the folder holding `.dvc/`).
    Dvc,
    /// A dataset snapshot (CSV or Parquet file).
    Dataset,
    /// A scoring service's log of decisions in JSON lines (CSV and Parquet logs are datasets
    /// too; `custody trace` finds the decisions in all three by their columns).
    InferenceLog,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] = [SourceKind::MlflowSqlite, SourceKind::Git, SourceKind::Dvc, SourceKind::Dataset, SourceKind::InferenceLog];

    pub fn name(self) -> &'static str {
        match self {
            SourceKind::MlflowSqlite => "mlflow-sqlite",
            SourceKind::Git => "git",
            SourceKind::Dvc => "dvc",
            SourceKind::Dataset => "dataset",
            SourceKind::InferenceLog => "inference-log",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == s || (s == "mlflow" && *k == SourceKind::MlflowSqlite))
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A source found in an evidence folder: what it is and where (relative to the root).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct SourceRef {
    pub kind: SourceKind,
    pub rel: RelPath,
}

/// Folders whose files are the insides of another source, never sources of their own.
fn is_internal(rel: &str) -> bool {
    rel.split('/').any(|part| part == ".git") || rel.contains(".dvc/cache/") || rel.starts_with(".dvc/cache")
}

/// Whether a file looks like a dataset snapshot Custody can read.
fn is_dataset_file(path: &Path, rel: &RelPath) -> bool {
    let name = rel.file_name().to_ascii_lowercase();
    if name.ends_with(".parquet") || name.ends_with(".pq") {
        use std::io::Read;
        let mut magic = [0u8; 4];
        return std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PAR1";
    }
    name.ends_with(".csv") || name.ends_with(".tsv")
}

/// Whether a file is an inference log in JSON lines: a JSON object per line whose fields
/// include a recognisable prediction id and a model identity or an output.
fn is_json_lines_log(path: &Path, rel: &RelPath) -> bool {
    let name = rel.file_name().to_ascii_lowercase();
    if !(name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") || name.ends_with(".log")) || name.ends_with(".intoto.jsonl") {
        return false;
    }
    crate::inference::LogFormat::detect(path) == Some(crate::inference::LogFormat::JsonLines)
        && crate::inference::InferenceLog::open(path, rel.as_str(), &Default::default()).is_ok_and(|log| log.is_decision_log())
}

/// Finds every source under `root` from the walked entries.
pub fn discover(root: &Path, entries: &[WalkedEntry], progress: &dyn Progress) -> Vec<SourceRef> {
    progress.start(Phase::Discover, entries.len() as u64);
    let mut found = BTreeSet::new();
    let mut git_dirs_seen = BTreeSet::new();
    for entry in entries {
        progress.advance(1);
        if entry.kind != EntryKind::File {
            continue;
        }
        let rel = &entry.rel;
        let parent = rel.parent();
        // A git directory announces itself with HEAD beside objects/ and refs/.
        if rel.file_name() == "HEAD" && git_dirs_seen.insert(parent.clone()) && git::is_git_dir(&parent.to_local(root)) {
            let repo_at = if parent.file_name() == ".git" { parent.parent() } else { parent.clone() };
            found.insert(SourceRef { kind: SourceKind::Git, rel: repo_at });
            continue;
        }
        if is_internal(rel.as_str()) {
            continue;
        }
        // `.dvc/config` marks a DVC project root.
        if rel.file_name() == "config" && parent.file_name() == ".dvc" {
            found.insert(SourceRef { kind: SourceKind::Dvc, rel: parent.parent() });
            continue;
        }
        let local = rel.to_local(root);
        if entry.size >= 512 && sqlite::looks_like_sqlite(&local) {
            if let Ok(db) = sqlite::open_evidence_db(&local) {
                if mlflow::is_tracking_store(&db.conn) {
                    found.insert(SourceRef { kind: SourceKind::MlflowSqlite, rel: rel.clone() });
                }
            }
            continue;
        }
        if is_dataset_file(&local, rel) {
            found.insert(SourceRef { kind: SourceKind::Dataset, rel: rel.clone() });
        } else if entry.size > 0 && is_json_lines_log(&local, rel) {
            found.insert(SourceRef { kind: SourceKind::InferenceLog, rel: rel.clone() });
        }
    }
    progress.finish();
    // Inside a bare repository's folder nothing else is a source.
    let git_roots: Vec<RelPath> = found.iter().filter(|s| s.kind == SourceKind::Git).map(|s| s.rel.clone()).collect();
    found
        .into_iter()
        .filter(|s| {
            s.kind == SourceKind::Git
                || !git_roots.iter().any(|g| git::is_git_dir(&g.to_local(root)) && s.rel.strip_prefix(g).is_some())
        })
        .collect()
}

/// Decides what a single path is, for `custody add --kind` left out. A folder that is not
/// itself a source is `None` (callers then discover inside it).
pub fn detect(path: &Path) -> Option<SourceKind> {
    if path.is_dir() {
        if path.join(".git").exists() || git::is_git_dir(path) {
            return Some(SourceKind::Git);
        }
        if dvc::is_dvc_project(path) {
            return Some(SourceKind::Dvc);
        }
        return None;
    }
    if sqlite::looks_like_sqlite(path) {
        let db = sqlite::open_evidence_db(path).ok()?;
        return mlflow::is_tracking_store(&db.conn).then_some(SourceKind::MlflowSqlite);
    }
    let rel = RelPath::new(path.file_name()?.to_str()?).ok()?;
    if is_dataset_file(path, &rel) {
        return Some(SourceKind::Dataset);
    }
    is_json_lines_log(path, &rel).then_some(SourceKind::InferenceLog)
}

/// Why a source could not be read. Each variant names the file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Mlflow(#[from] mlflow::MlflowError),
    #[error(transparent)]
    Git(#[from] git::GitError),
    #[error(transparent)]
    Dvc(#[from] dvc::DvcError),
    #[error(transparent)]
    InferenceLog(crate::inference::InferenceError),
    #[error("{path}: recorded as a {kind} source but no longer found in the evidence")]
    Gone { path: String, kind: SourceKind },
    #[error("reading sources was cancelled")]
    Cancelled,
}

impl SourceError {
    /// A source that cannot be read is an input problem; a cancelled read is the user's choice.
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        match self {
            SourceError::Cancelled => custody_evidence::ErrorKind::Cancelled,
            _ => custody_evidence::ErrorKind::Input,
        }
    }
}

/// Every source of one evidence folder, read and checked.
pub struct Evidence {
    /// The evidence folder (absolute).
    pub root: std::path::PathBuf,
    /// Every file and link under the root, sorted.
    pub entries: Vec<WalkedEntry>,
    pub mlflow: Vec<mlflow::TrackingStore>,
    pub git: Vec<git::GitRepo>,
    pub dvc: Vec<dvc::DvcProject>,
    pub datasets: Vec<RelPath>,
    /// Inference logs in JSON lines.
    pub inference_logs: Vec<RelPath>,
    /// Signatures, attestations and public keys found among the files.
    pub signatures: signatures::SignatureEvidence,
    /// Maps paths recorded on the tools' machine onto `root`.
    pub rerooter: custody_evidence::Rerooter,
}

impl Evidence {
    /// Reads every source in `sources` (found earlier under `root`).
    pub fn load(
        root: &Path,
        sources: &[SourceRef],
        entries: Vec<WalkedEntry>,
        progress: &dyn Progress,
    ) -> Result<Evidence, SourceError> {
        progress.start(Phase::Parse, sources.len() as u64);
        let files: Vec<RelPath> =
            entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| e.rel.clone()).collect();
        let mut ev = Evidence {
            root: root.to_path_buf(),
            entries,
            mlflow: Vec::new(),
            git: Vec::new(),
            dvc: Vec::new(),
            datasets: Vec::new(),
            inference_logs: Vec::new(),
            signatures: signatures::SignatureEvidence::default(),
            rerooter: custody_evidence::Rerooter::new(root),
        };
        for source in sources {
            if progress.is_cancelled() {
                return Err(SourceError::Cancelled);
            }
            progress.item(source.rel.as_str());
            let local = source.rel.to_local(root);
            if !local.exists() {
                return Err(SourceError::Gone { path: local.display().to_string(), kind: source.kind });
            }
            match source.kind {
                SourceKind::MlflowSqlite => ev.mlflow.push(mlflow::TrackingStore::read(&local, source.rel.clone())?),
                SourceKind::Git => ev.git.push(git::GitRepo::open(&local, root, source.rel.clone())?),
                SourceKind::Dvc => ev.dvc.push(dvc::DvcProject::read(root, source.rel.clone(), &files)?),
                SourceKind::Dataset => ev.datasets.push(source.rel.clone()),
                SourceKind::InferenceLog => {
                    crate::inference::InferenceLog::open(&local, source.rel.as_str(), &Default::default()).map_err(SourceError::InferenceLog)?;
                    ev.inference_logs.push(source.rel.clone())
                }
            }
            progress.advance(1);
        }
        ev.signatures = signatures::read(root, &ev.entries);
        progress.finish();
        Ok(ev)
    }
}

/// The evidence behind a lineage, loaded once per operation and shared by the analyses that
/// drill down into its bytes (diff, trace, slice). It is `Send + Sync`, so a desktop session
/// can keep one and let several queries read it at once.
pub struct EvidenceSet {
    pub roots: Vec<Evidence>,
}

/// The readers' errors can cross threads, as the use cases' errors do (the desktop app's
/// commands are async): checked at compile time.
const _: () = {
    const fn sendable<T: std::error::Error + Send + Sync + 'static>() {}
    sendable::<SourceError>();
    sendable::<inference::InferenceError>();
    sendable::<dataset::DatasetError>();
    sendable::<sqlite::EvidenceDbError>();
};

/// The loaded evidence can be shared between threads (checked at compile time).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<EvidenceSet>()
};

impl EvidenceSet {
    /// The local path of a root-relative file, in the first root that has it.
    pub fn local(&self, rel: &str) -> Option<PathBuf> {
        let rel = RelPath::new(rel).ok()?;
        self.roots.iter().map(|ev| rel.to_local(&ev.root)).find(|p| p.is_file())
    }

    pub fn read(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.local(rel)?).ok()
    }

    /// The repository at `rel`.
    pub fn repo(&self, rel: &str) -> Option<&git::GitRepo> {
        self.roots.iter().flat_map(|ev| ev.git.iter()).find(|g| g.rel.as_str() == rel)
    }

    /// Where the bytes of DVC content `digest` are, for a data version at root path `path`:
    /// the DVC cache object, else the work-tree file when it was claimed there.
    pub fn dvc_bytes(&self, path: &str, digest: &dvc::DvcDigest, in_work_tree: bool) -> Option<PathBuf> {
        let rel = RelPath::new(path).ok()?;
        for ev in &self.roots {
            for project in ev.dvc.iter().filter(|p| rel.strip_prefix(&p.rel).is_some()) {
                if let Some(obj) = project.cache_object(digest).map(|o| o.to_local(&ev.root)).filter(|p| p.is_file()) {
                    return Some(obj);
                }
            }
            let local = rel.to_local(&ev.root);
            if in_work_tree && local.is_file() && !digest.is_dir {
                return Some(local);
            }
        }
        None
    }
}
