//! Coverage: what Custody made of every file in the evidence.
//!
//! Why: a verdict of "clean" is only as good as what it looked at. An MLflow FileStore or a
//! folder of OpenLineage events that no reader interprets would otherwise vanish from the
//! verdict without a word. Every evidence file is accounted for: read by a source reader,
//! covered by a check (its bytes compared with a claim), or not interpreted, and the files not
//! interpreted are grouped by what they look like, with the formats Custody recognises but
//! does not read yet named as such.
//!
//! Guarantees: every regular file of the walk is in exactly one class; looks are decided from
//! names and the first bytes of a file (at most [`SNIFF_BYTES`]), never from a full read.

use std::collections::{BTreeMap, HashSet};

use custody_evidence::{EntryKind, RelPath};
use custody_lineage::resolve::Links;
use custody_sources::Evidence;

/// How much of a file is read to tell what it looks like.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// What files not interpreted look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum UnreadKind {
    /// An MLflow FileStore (`mlruns/`: `meta.yaml` per experiment and run).
    MlflowFileStore,
    /// mlflow-export-import output (`run.json`, `model.json`, `manifest.json` with a `system` block).
    MlflowExport,
    /// OpenLineage run events (JSON or JSON lines with `eventType`, `run`, `job`).
    OpenLineage,
    /// An ML Metadata (MLMD) SQLite store.
    Mlmd,
    /// An SQLite database of another kind.
    OtherSqlite,
    /// JSON lines that no reader recognises.
    UnknownJsonLines,
    /// JSON that no reader recognises.
    UnknownJson,
    /// YAML that no reader recognises.
    UnknownYaml,
    /// Prose: Markdown, text, HTML, PDF.
    Document,
    /// Anything else.
    Other,
}

impl UnreadKind {
    /// Whether this is an evidence format Custody recognises but does not read yet (as
    /// opposed to files that are not records at all, or not recognised).
    pub fn is_known_format(self) -> bool {
        matches!(self, UnreadKind::MlflowFileStore | UnreadKind::MlflowExport | UnreadKind::OpenLineage | UnreadKind::Mlmd)
    }

    pub fn describe(self) -> &'static str {
        match self {
            UnreadKind::MlflowFileStore => "an MLflow FileStore (mlruns/): not read",
            UnreadKind::MlflowExport => "mlflow-export-import output: not read",
            UnreadKind::OpenLineage => "OpenLineage events: not read",
            UnreadKind::Mlmd => "an ML Metadata (MLMD) store: not read",
            UnreadKind::OtherSqlite => "an SQLite database that is not an MLflow store",
            UnreadKind::UnknownJsonLines => "unknown JSON lines",
            UnreadKind::UnknownJson => "unknown JSON",
            UnreadKind::UnknownYaml => "unknown YAML",
            UnreadKind::Document => "documents (prose, not records)",
            UnreadKind::Other => "other files",
        }
    }
}

/// Files not interpreted, of one look, under one folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct UnreadGroup {
    pub kind: UnreadKind,
    /// A sentence: "an MLflow FileStore (mlruns/): not read".
    pub description: String,
    /// Whether it is an evidence format Custody recognises and does not read yet.
    pub known_format: bool,
    /// The folder the files are under (root-relative; "" for the root).
    pub folder: String,
    pub files: usize,
    /// The first few files, root-relative.
    pub examples: Vec<String>,
}

/// What Custody made of the evidence files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Coverage {
    pub files: usize,
    /// Files a source reader parsed (or that belong to a source it read: a git directory, a
    /// store's artifacts, files git tracks).
    pub read: usize,
    /// Files whose bytes a check compared with a claim, and nothing read otherwise.
    pub checked: usize,
    /// Files no reader interpreted and no check covered.
    pub not_interpreted: usize,
    pub groups: Vec<UnreadGroup>,
}

impl Coverage {
    /// Adds another evidence root's coverage (multi-root cases).
    pub fn absorb(&mut self, other: Coverage) {
        self.files += other.files;
        self.read += other.read;
        self.checked += other.checked;
        self.not_interpreted += other.not_interpreted;
        self.groups.extend(other.groups);
    }

    /// The groups of formats Custody recognises but does not read.
    pub fn unread_formats(&self) -> impl Iterator<Item = &UnreadGroup> {
        self.groups.iter().filter(|g| g.known_format)
    }
}

/// Accounts for every file of one evidence root. `checked` holds the files whose bytes a
/// check compared with a claim.
pub fn account(ev: &Evidence, links: &Links, checked: &HashSet<RelPath>) -> Coverage {
    let read = read_by_sources(ev, links);
    let mut cov = Coverage::default();
    let mut groups: BTreeMap<(UnreadKind, String), Vec<&RelPath>> = BTreeMap::new();
    let filestores = filestore_roots(ev);
    for e in ev.entries.iter().filter(|e| e.kind == EntryKind::File) {
        cov.files += 1;
        if read.contains(&e.rel) {
            cov.read += 1;
        } else if checked.contains(&e.rel) {
            cov.checked += 1;
        } else {
            cov.not_interpreted += 1;
            let (kind, folder) = match filestores.iter().find(|r| e.rel.strip_prefix(r).is_some()) {
                Some(store) => (UnreadKind::MlflowFileStore, store.clone()),
                None => (look(ev, &e.rel), e.rel.parent()),
            };
            groups.entry((kind, folder.as_str().to_string())).or_default().push(&e.rel);
        }
    }
    for ((kind, folder), files) in groups {
        let description = if folder.is_empty() { kind.describe().to_string() } else { format!("{} in {folder}/", kind.describe()) };
        cov.groups.push(UnreadGroup { kind, description, known_format: kind.is_known_format(), folder, files: files.len(), examples: files.iter().take(5).map(|f| f.as_str().to_string()).collect() });
    }
    cov.groups.sort_by(|a, b| b.known_format.cmp(&a.known_format).then(a.kind.cmp(&b.kind)).then(a.folder.cmp(&b.folder)));
    cov
}

/// Files the source readers parsed, or that belong to a source they read.
fn read_by_sources(ev: &Evidence, links: &Links) -> HashSet<RelPath> {
    let mut read: HashSet<RelPath> = HashSet::new();
    let files: Vec<&RelPath> = ev.entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel).collect();
    let sorted = SortedFiles::new(&files);
    read_by_mlflow(ev, &sorted, &mut read);
    for repo in &ev.git {
        let git_dir = match &repo.workdir {
            Some(w) if w == &repo.rel => repo.rel.join(".git").unwrap_or_else(|_| repo.rel.clone()),
            _ => repo.rel.clone(),
        };
        sorted.mark_under(&git_dir, &mut read);
    }
    tracked_by_git(ev, links, &files, &mut read);
    read_by_dvc(ev, &sorted, &mut read);
    read.extend(ev.datasets.iter().cloned());
    read.extend(ev.inference_logs.iter().cloned());
    read.extend(ev.signatures.records.iter().map(|r| r.file.clone()));
    for k in &ev.signatures.keys {
        if let custody_signing::keys::KeyOrigin::Evidence { file } = &k.origin {
            if let Ok(p) = RelPath::new(file) {
                read.insert(p);
            }
        }
    }
    read
}

/// The evidence's files by path, so the files under a folder are one range (a binary search,
/// not a scan per folder).
struct SortedFiles<'a>(Vec<&'a RelPath>);

impl<'a> SortedFiles<'a> {
    fn new(files: &[&'a RelPath]) -> SortedFiles<'a> {
        let mut sorted: Vec<&RelPath> = files.to_vec();
        sorted.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        SortedFiles(sorted)
    }

    /// Counts as read every file under `dir`, and `dir` itself when it is a file.
    fn mark_under(&self, dir: &RelPath, read: &mut HashSet<RelPath>) {
        let sorted = &self.0;
        if dir.is_root() {
            read.extend(sorted.iter().map(|f| (*f).clone()));
            return;
        }
        if sorted.binary_search_by(|f| f.as_str().cmp(dir.as_str())).is_ok() {
            read.insert(dir.clone());
        }
        // "DIR/" up to "DIR0": '0' is the byte after '/'
        let (lo, hi) = (format!("{}/", dir.as_str()), format!("{}0", dir.as_str()));
        let start = sorted.partition_point(|f| f.as_str() < lo.as_str());
        for f in sorted[start..].iter().take_while(|f| f.as_str() < hi.as_str()) {
            read.insert((*f).clone());
        }
    }
}

/// Each MLflow store's database (with its SQLite side files) and the artifacts its records
/// locate (run folders, logged models).
fn read_by_mlflow(ev: &Evidence, sorted: &SortedFiles<'_>, read: &mut HashSet<RelPath>) {
    for store in &ev.mlflow {
        read.insert(store.rel.clone());
        for side in ["-wal", "-shm", "-journal"] {
            if let Ok(p) = RelPath::new(&format!("{}{side}", store.rel.as_str())) {
                read.insert(p);
            }
        }
        // the artifacts the store's records locate (run folders, logged models)
        let locations = store.runs.iter().filter_map(|r| r.artifact_uri.as_deref()).chain(store.logged_models.iter().filter_map(|m| m.artifact_location.as_deref()));
        for loc in locations {
            if let Some(found) = ev.rerooter.locate(loc, &RelPath::root()) {
                sorted.mark_under(&found.rel, read);
            }
        }
    }
}

/// Files git tracks at HEAD, in every work tree a repository versions (as listed by identity
/// resolution; a HEAD tree it could not read lists nothing here and is a finding of its own,
/// from `links.problems`).
fn tracked_by_git(ev: &Evidence, links: &Links, files: &[&RelPath], read: &mut HashSet<RelPath>) {
    let mut trees: Vec<(RelPath, usize)> = Vec::new();
    for (g, repo) in ev.git.iter().enumerate() {
        if let Some(w) = &repo.workdir {
            trees.push((w.clone(), g));
        }
    }
    for (p, link) in links.project_repo.iter().enumerate() {
        let Some(link) = link else { continue };
        let project = &ev.dvc[p].rel;
        let depth = link.prefix.trim_end_matches('/').split('/').filter(|s| !s.is_empty()).count();
        let mut top = project.clone();
        for _ in 0..depth {
            top = top.parent();
        }
        trees.push((top, link.repo));
    }
    for (top, g) in &trees {
        let Some(tracked) = links.tracked_at_head.get(*g).and_then(Option::as_ref) else { continue };
        for f in files.iter().filter_map(|f| f.strip_prefix(top).map(|inner| (f, inner))) {
            if tracked.contains(f.1.as_str()) {
                read.insert((*f.0).clone());
            }
        }
    }
}

/// Each DVC project's lock, `.dvc` and pipeline files, its configuration, and its run-cache.
fn read_by_dvc(ev: &Evidence, sorted: &SortedFiles<'_>, read: &mut HashSet<RelPath>) {
    for project in &ev.dvc {
        for f in project.locks.iter().chain(project.dvc_files.iter()) {
            read.insert(project.to_root(&f.file));
        }
        for p in &project.pipelines {
            read.insert(project.to_root(p));
        }
        for name in [".dvc/config", ".dvc/config.local", ".dvc/.gitignore", ".dvcignore"] {
            if let Ok(p) = project.rel.join(name) {
                read.insert(p);
            }
        }
        // DVC's run-cache: part of the project's cache (its entries restate locked stages;
        // the cache objects they name are checked through the locks)
        if let Some(runs) = project.cache.as_ref().and_then(|c| c.join("runs").ok()) {
            sorted.mark_under(&runs, read);
        }
    }
}

/// Roots of MLflow FileStores: a folder whose sub-folders are experiments (`N/meta.yaml`
/// naming `artifact_location` and `experiment_id`).
fn filestore_roots(ev: &Evidence) -> Vec<RelPath> {
    let mut roots: Vec<RelPath> = Vec::new();
    for e in ev.entries.iter().filter(|e| e.kind == EntryKind::File && e.rel.file_name() == "meta.yaml") {
        let text = sniff(ev, &e.rel);
        let text = String::from_utf8_lossy(&text);
        if text.contains("artifact_location:") && text.contains("experiment_id:") {
            let root = e.rel.parent().parent();
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    // a store inside another store's folder is the same store
    roots.sort();
    let mut out: Vec<RelPath> = Vec::new();
    for r in roots {
        if !out.iter().any(|o| r.strip_prefix(o).is_some()) {
            out.push(r);
        }
    }
    out
}

fn sniff(ev: &Evidence, rel: &RelPath) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = custody_evidence::open_regular(&rel.to_local(&ev.root)) {
        let _ = f.take(SNIFF_BYTES as u64).read_to_end(&mut buf);
    }
    buf
}

/// What a file not interpreted looks like.
fn look(ev: &Evidence, rel: &RelPath) -> UnreadKind {
    let name = rel.file_name().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(ext, "md" | "txt" | "rst" | "html" | "htm" | "pdf") || matches!(name.as_str(), "readme" | "license" | "notice") {
        return UnreadKind::Document;
    }
    let head = sniff(ev, rel);
    if head.starts_with(b"SQLite format 3\0") {
        let local = rel.to_local(&ev.root);
        let tables = custody_sources::sqlite::open_evidence_db(&local).ok().and_then(|db| custody_sources::sqlite::table_names(&db.conn).ok()).unwrap_or_default();
        let has = |t: &str| tables.iter().any(|x| x == t);
        return if has("Artifact") && has("Execution") && has("Event") && has("Context") { UnreadKind::Mlmd } else { UnreadKind::OtherSqlite };
    }
    let text = String::from_utf8_lossy(&head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let openlineage = text.contains("\"eventType\"") && text.contains("\"job\"") && text.contains("\"run\"");
        let export = text.contains("\"system\"") && (text.contains("\"mlflow\"") || text.contains("\"package_version\""));
        let lines = trimmed.lines().filter(|l| !l.trim().is_empty()).take(3).collect::<Vec<_>>();
        let json_lines = lines.len() > 1 && lines.iter().all(|l| l.trim_start().starts_with('{') && l.trim_end().ends_with('}'));
        return if openlineage {
            UnreadKind::OpenLineage
        } else if export {
            UnreadKind::MlflowExport
        } else if json_lines || matches!(ext, "jsonl" | "ndjson") {
            UnreadKind::UnknownJsonLines
        } else {
            UnreadKind::UnknownJson
        };
    }
    if matches!(ext, "yaml" | "yml") {
        return UnreadKind::UnknownYaml;
    }
    UnreadKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_json_and_other_files_are_told_apart_by_name_and_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
        write("CASE.md", b"# notes");
        write("other.jsonl", b"{\"a\": 1}\n{\"a\": 2}\n");
        write("thing.json", b"{\"a\": 1}");
        write("blob.bin", b"\x00\x01");
        let entries = custody_evidence::walk(dir.path(), &custody_evidence::progress::Silent).unwrap();
        let ev = custody_sources::Evidence::load(dir.path(), &[], entries, &custody_evidence::progress::Silent).unwrap();
        let kind = |name: &str| look(&ev, &RelPath::new(name).unwrap());
        assert_eq!(kind("CASE.md"), UnreadKind::Document);
        assert_eq!(kind("other.jsonl"), UnreadKind::UnknownJsonLines);
        assert_eq!(kind("thing.json"), UnreadKind::UnknownJson);
        assert_eq!(kind("blob.bin"), UnreadKind::Other);
        let cov = account(&ev, &Links::default(), &HashSet::new());
        assert_eq!((cov.files, cov.not_interpreted), (4, 4));
        // prose and unknown JSON are not formats Custody should read: nothing named as unread
        assert_eq!(cov.unread_formats().count(), 0, "{cov:#?}");
    }
}
