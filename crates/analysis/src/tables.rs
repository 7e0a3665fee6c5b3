//! Where the bytes of a data node are, and reading them as tables.
//!
//! Why: a lineage node names data by identity (a DVC path at an md5, a directory manifest, an
//! MLflow dataset record, an evidence file); comparing, slicing or tracing it needs the actual
//! bytes, which may be in the work tree, in the DVC cache, or only in git (a DVC dependency
//! that is also a git-tracked file). [`TableLocator`] finds them in the evidence and reads
//! them with polars.
//!
//! Guarantees: evidence is only read; a git blob is copied to a scratch file that lives as
//! long as the locator; a table larger than [`custody_sources::dataset::TABLE_LIMIT`] is not read (the caller is told
//! why).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use custody_sources::EvidenceSet;
use custody_evidence::RelPath;
use custody_lineage::{Lineage, Node, NodeKind, Relation};
use custody_sources::dataset::{Format, is_parquet, read_local_table};
use custody_sources::dvc::{DvcDigest, HashKind};

/// Finds the bytes of data nodes in the evidence of a case.
pub struct TableLocator<'a> {
    pub lineage: &'a Lineage,
    pub evidence: &'a EvidenceSet,
    /// Scratch copies of git blobs (deleted with the locator).
    scratch: std::cell::RefCell<Vec<tempfile::TempPath>>,
    /// SHA-256 of the files read so far, so a table traced and then profiled is hashed once.
    digests: std::cell::RefCell<BTreeMap<PathBuf, Option<String>>>,
}

/// The evidence path a node stands for: a data version's path, else its label (a file's).
fn path_of(n: &Node) -> &str {
    n.payload.data_version().map(|d| d.path.as_str()).unwrap_or(&n.label)
}

/// The DVC digest a data-version node records.
pub fn digest_of(n: &Node) -> Option<DvcDigest> {
    n.payload.data_version()?.digest()
}

fn claimed_in_work_tree(n: &Node) -> bool {
    n.payload.data_version().is_some_and(|d| d.claimed_at(custody_lineage::build::WORK_TREE))
}

impl<'a> TableLocator<'a> {
    pub fn new(lineage: &'a Lineage, evidence: &'a EvidenceSet) -> TableLocator<'a> {
        TableLocator { lineage, evidence, scratch: std::cell::RefCell::new(Vec::new()), digests: std::cell::RefCell::new(BTreeMap::new()) }
    }

    /// The SHA-256 of a local file (once per file per locator); None when it cannot be read.
    pub fn sha256(&self, local: &Path) -> Option<String> {
        if let Some(known) = self.digests.borrow().get(local) {
            return known.clone();
        }
        let digest = custody_evidence::hashing::hash_file(local, custody_evidence::hashing::Algorithms::SHA256, &custody_evidence::progress::Silent).ok().and_then(|d| d.sha256);
        self.digests.borrow_mut().insert(local.to_path_buf(), digest.clone());
        digest
    }

    /// The tables of a data version: (member name, local file). Directories list their
    /// table members from the cached manifest.
    pub fn tables_of(&self, n: &Node, notes: &mut Vec<String>) -> Option<BTreeMap<String, (String, PathBuf)>> {
        let path = path_of(n).to_string();
        let mut out = BTreeMap::new();
        if let Some(file) = n.payload.file() {
            if Format::of(&path).is_some() {
                if let Some(local) = self.evidence.local(&path) {
                    out.insert(String::new(), (file.sha256.clone().unwrap_or_default(), local));
                }
            }
            return Some(out);
        }
        let digest = digest_of(n)?;
        if !digest.is_dir {
            if Format::of(&path).is_none() {
                return Some(out);
            }
            let local = self.evidence.dvc_bytes(&path, &digest, claimed_in_work_tree(n)).or_else(|| self.git_blob_copy(n, &path, &digest, notes));
            if local.is_none() {
                notes.push(format!("{path} @ {}: the bytes are in neither the DVC cache, the work tree nor git", digest.value()));
            }
            // a version whose bytes are missing is still the same member (not an added one)
            out.insert(String::new(), (digest.hex.clone(), local.unwrap_or_default()));
            return Some(out);
        }
        let Some(manifest) = self.evidence.dvc_bytes(&path, &digest, false).and_then(|p| std::fs::read(p).ok()) else {
            notes.push(format!("{path} @ {}: the directory manifest is not in the DVC cache", digest.value()));
            return None;
        };
        let Ok(entries) = custody_sources::dvc::parse_manifest(&manifest, &path) else {
            notes.push(format!("{path} @ {}: the cached directory manifest cannot be read", digest.value()));
            return None;
        };
        for e in entries {
            let member_path = format!("{path}/{}", e.relpath);
            let Ok(d) = DvcDigest::parse_entry(&e.md5, digest.kind) else { continue };
            let local = if Format::of(&e.relpath).is_some() { self.evidence.dvc_bytes(&member_path, &d, false) } else { None };
            out.insert(e.relpath.clone(), (e.md5.clone(), local.unwrap_or_default()));
        }
        Some(out)
    }

    /// The tables (CSV, Parquet) a stage that generated `n` read: what added rows may come from.
    pub fn raw_sources_of(&self, n: &Node) -> Vec<Node> {
        let stages: Vec<String> = self.lineage.outgoing(&n.id).into_iter().filter(|e| e.relation == Relation::WasGeneratedBy).map(|e| e.to).collect();
        let mut out: Vec<Node> = Vec::new();
        for s in stages {
            for e in self.lineage.outgoing(&s).into_iter().filter(|e| e.relation == Relation::Used) {
                if let Some(dep) = self.lineage.node(&e.to).filter(|d| d.payload.data_version().is_some_and(|v| Format::of(v.path.as_str()).is_some())) {
                    if !out.iter().any(|o| o.id == dep.id) {
                        out.push(dep.clone());
                    }
                }
            }
        }
        out
    }

    /// A git-tracked file that DVC recorded as a dependency: its blob at a commit whose lock
    /// claimed it, if the blob has the recorded md5 (copied to a scratch file for reading). A
    /// commit or blob that is there but cannot be read is a note naming it, and the search
    /// goes on.
    pub fn git_blob_copy(&self, n: &Node, path: &str, digest: &DvcDigest, notes: &mut Vec<String>) -> Option<PathBuf> {
        if digest.kind != HashKind::Md5 {
            return None;
        }
        let commits: Vec<&str> = n.payload.data_version().map(|d| d.claimed_at.iter().map(String::as_str).collect()).unwrap_or_default();
        let rel = RelPath::new(path).ok()?;
        for ev in &self.evidence.roots {
            let inner: Vec<String> = ev.dvc.iter().filter_map(|p| rel.strip_prefix(&p.rel)).map(|r| r.as_str().to_string()).chain([path.to_string()]).collect();
            for repo in &ev.git {
                for sha in commits.iter() {
                    match repo.try_has_commit(sha) {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(e) => {
                            notes.push(format!("{path} @ {}: {}@{}: {}", digest.value(), repo.rel, custody_evidence::text::head(sha, 12), e.describe()));
                            continue;
                        }
                    }
                    for candidate in &inner {
                        let bytes = match repo.try_blob_at(sha, candidate) {
                            Ok(Some(bytes)) => bytes,
                            Ok(None) => continue,
                            Err(e) => {
                                notes.push(format!("{path} @ {}: {}: {}", digest.value(), custody_lineage::resolve::git_display(repo, sha, candidate), e.describe()));
                                continue;
                            }
                        };
                        if custody_evidence::hashing::md5_hex(&bytes) != digest.hex {
                            continue;
                        }
                        let name = rel.file_name().to_string();
                        let mut file = tempfile::Builder::new().suffix(&format!("-{name}")).tempfile().ok()?;
                        std::io::Write::write_all(&mut file, &bytes).ok()?;
                        let kept = file.into_temp_path();
                        let local = kept.to_path_buf();
                        self.scratch.borrow_mut().push(kept);
                        return Some(local);
                    }
                }
            }
        }
        None
    }
}

/// A table a reference names, as located in the evidence (what `custody slice` reads).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableIdentity {
    /// The reference as given.
    pub reference: String,
    /// The node it resolved to, when it is in the lineage.
    pub node: Option<String>,
    /// The table's path in the evidence (a DVC directory's member: `DIR/MEMBER`).
    pub path: String,
    /// Where its bytes were read: the evidence file, the DVC cache object, a git blob.
    pub read_from: String,
    pub md5: Option<String>,
    pub sha256: Option<String>,
    pub rows: usize,
    pub columns: Vec<String>,
}

/// A located table, read.
pub struct LocatedTable {
    pub identity: TableIdentity,
    pub frame: DataFrame,
    /// The data-version node the table belongs to, for finding the stage that made it.
    pub data_version: Option<String>,
}

/// Where a reference's table was found: what its identity records besides what the frame says.
struct Found<'p> {
    /// The node the reference resolved to, when it is in the lineage.
    node: Option<String>,
    /// The table's path in the evidence (a DVC directory's member: `DIR/MEMBER`).
    path: String,
    /// Where its bytes were read: the evidence file, the DVC cache object, a git blob.
    read_from: String,
    md5: Option<String>,
    /// The local file that was read (hashed for the identity).
    local: &'p Path,
    /// The data-version node the table belongs to.
    data_version: Option<String>,
}

/// Why a reference does not name a readable table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Reference(#[from] custody_lineage::query::RefError),
    #[error("`{reference}`: {problem}")]
    NotATable { reference: String, problem: TableProblem },
    #[error("`{reference}` is a directory of several tables; name one: {}", members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "))]
    SeveralTables { reference: String, members: Vec<String> },
    #[error("`{reference}`: {problem}")]
    Unreadable {
        reference: String,
        #[source]
        problem: ReadProblem,
    },
}

/// Why a reference names no table.
#[derive(Debug, thiserror::Error)]
pub enum TableProblem {
    #[error("no such node")]
    NoSuchNode,
    #[error("the run records no training dataset")]
    NoTrainingDataset,
    #[error("MLflow's dataset record is tied to no file in the evidence")]
    DatasetNotInEvidence,
    #[error("a {} is not a table", .0.name())]
    NotData(NodeKind),
    /// A node (by its label) from which no chain of links reaches data.
    #[error("{0} leads to no data in the lineage")]
    LeadsToNoData(String),
    #[error("{label} has no member `{member}` (members: {})", members.join(", "))]
    NoSuchMember { label: String, member: String, members: Vec<String> },
    /// A data version (by its label) with no readable member.
    #[error("{0} holds no CSV or Parquet table")]
    NoTable(String),
    #[error("{0} is not in the evidence")]
    NotInEvidence(String),
    #[error("{0} is neither CSV, Parquet nor JSON lines")]
    UnknownFormat(String),
}

/// Why the bytes of a table cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadProblem {
    /// The data version's tables cannot be listed; the notes say why.
    #[error("{}", .0.join("; "))]
    NotListed(Vec<String>),
    /// The bytes of the chosen table are not in the evidence, with the first note on why.
    #[error("{}", .0.as_deref().unwrap_or("the bytes of this version are not in the evidence"))]
    BytesMissing(Option<String>),
    #[error("{0}")]
    Table(#[source] Box<custody_sources::dataset::DatasetError>),
    #[error("{0}")]
    Log(#[source] Box<custody_sources::inference::InferenceError>),
}

impl TableError {
    /// A table whose bytes cannot be read is an input problem; a reference that names no
    /// table is the caller's to fix.
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        match self {
            TableError::Unreadable { .. } => custody_evidence::ErrorKind::Input,
            TableError::Reference(e) => e.kind(),
            TableError::NotATable { .. } | TableError::SeveralTables { .. } => custody_evidence::ErrorKind::Usage,
        }
    }
}

impl TableLocator<'_> {
    /// The table `reference` names: a node reference (`PATH@REV`, an MLflow dataset digest,
    /// a node id), a member of a DVC directory at a revision (`DIR/FILE@REV`), a model
    /// version, alias or run (its training dataset), or a file of the evidence by path
    /// (inference logs in JSON lines included).
    pub fn locate(&self, reference: &str) -> Result<LocatedTable, TableError> {
        let r = reference.trim();
        let (node, member) = match custody_lineage::query::resolve(self.lineage, r) {
            Ok(id) => (Some(id), None),
            Err(first) => match self.member_at_revision(r) {
                Some((id, member)) => (Some(id), Some(member)),
                None if self.evidence.local(r).is_some() => (None, None),
                None => return Err(first.into()),
            },
        };
        let Some(mut id) = node else { return self.read_file(r, r, None) };
        let mut member = member;
        // a model version, alias, logged model or run stands for its training data
        let mut hops = 0;
        loop {
            let n = self.lineage.node(&id).ok_or_else(|| TableError::NotATable { reference: r.into(), problem: TableProblem::NoSuchNode })?;
            let next = match n.kind() {
                NodeKind::Alias => self.follow(&id, Relation::AlternateOf, |_| true),
                NodeKind::ModelVersion | NodeKind::LoggedModel => self.follow(&id, Relation::WasGeneratedBy, |t| t.kind() == NodeKind::Run),
                NodeKind::Run => {
                    let training = self.lineage.outgoing(&id).into_iter().find(|e| e.relation == Relation::Used && custody_sources::mlflow::DatasetRole::of(e.role.as_deref()) == custody_sources::mlflow::DatasetRole::Training && self.lineage.node(&e.to).is_some_and(|t| t.kind() == NodeKind::Dataset));
                    match training {
                        Some(e) => Some(e.to),
                        None => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::NoTrainingDataset }),
                    }
                }
                NodeKind::Dataset => {
                    let local = n.payload.dataset().and_then(|d| d.local_path.clone());
                    match self.follow(&id, Relation::WasDerivedFrom, |t| t.kind() == NodeKind::DataVersion) {
                        Some(v) => {
                            let dir = self.lineage.node(&v).and_then(|d| d.payload.data_version()).map(|d| d.path.as_str().to_string()).unwrap_or_default();
                            if member.is_none() {
                                member = local.as_deref().and_then(|l| l.strip_prefix(&format!("{dir}/"))).map(str::to_string);
                            }
                            Some(v)
                        }
                        None => match local {
                            Some(l) if self.evidence.local(&l).is_some() => return self.read_file(r, &l, Some(id.clone())),
                            _ => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::DatasetNotInEvidence }),
                        },
                    }
                }
                NodeKind::DataVersion => return self.read_version(r, n, member.as_deref()),
                NodeKind::File => {
                    return self.read_file(r, &n.label, Some(id.clone()));
                }
                other => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::NotData(other) }),
            };
            hops += 1;
            match next {
                Some(t) if hops < 6 => id = t,
                _ => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::LeadsToNoData(n.label.clone()) }),
            }
        }
    }

    fn follow(&self, id: &str, relation: Relation, keep: impl Fn(&Node) -> bool) -> Option<String> {
        self.lineage.outgoing(id).into_iter().filter(|e| e.relation == relation).map(|e| e.to).find(|t| self.lineage.node(t).is_some_and(&keep))
    }

    /// `DIR/FILE@REV` where `DIR@REV` resolves to a DVC directory version.
    fn member_at_revision(&self, r: &str) -> Option<(String, String)> {
        let (path, rev) = r.rsplit_once('@')?;
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if let Ok(id) = custody_lineage::query::resolve(self.lineage, &format!("{parent}@{rev}")) {
                if self.lineage.node(&id).is_some_and(|n| n.kind() == NodeKind::DataVersion) {
                    return Some((id, path[parent.len() + 1..].to_string()));
                }
            }
            dir = parent;
        }
        None
    }

    fn read_version(&self, r: &str, n: &Node, member: Option<&str>) -> Result<LocatedTable, TableError> {
        let mut notes = Vec::new();
        let Some(tables) = self.tables_of(n, &mut notes) else { return Err(TableError::Unreadable { reference: r.into(), problem: ReadProblem::NotListed(notes) }) };
        let readable: Vec<&String> = tables.iter().filter(|(m, _)| Format::of(m).is_some() || m.is_empty()).map(|(m, _)| m).collect();
        let chosen = match member {
            Some(m) => tables.get_key_value(m).map(|(k, _)| k).ok_or_else(|| TableError::NotATable { reference: r.into(), problem: TableProblem::NoSuchMember { label: n.label.clone(), member: m.to_string(), members: tables.keys().cloned().collect() } })?,
            None if readable.len() == 1 => readable[0],
            None if readable.is_empty() => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::NoTable(n.label.clone()) }),
            None => {
                let dir = n.payload.data_version().map(|d| d.path.as_str()).unwrap_or("");
                let rev = r.rsplit_once('@').map(|(_, v)| format!("@{v}")).unwrap_or_default();
                return Err(TableError::SeveralTables { reference: r.into(), members: readable.iter().map(|m| format!("{dir}/{m}{rev}")).collect() });
            }
        };
        let (md5, local) = &tables[chosen];
        if local.as_os_str().is_empty() {
            return Err(TableError::Unreadable { reference: r.into(), problem: ReadProblem::BytesMissing(notes.first().cloned()) });
        }
        let frame = read_local_table(local).map_err(|e| TableError::Unreadable { reference: r.into(), problem: ReadProblem::Table(Box::new(e)) })?;
        let dir = path_of(n);
        let path = if chosen.is_empty() { dir.to_string() } else { format!("{dir}/{chosen}") };
        let read_from = self.evidence_rel(local).unwrap_or_else(|| "a copy of the git blob".into());
        let found = Found { node: Some(n.id.clone()), path, read_from, md5: Some(md5.clone()).filter(|m| !m.is_empty()), local, data_version: Some(n.id.clone()) };
        Ok(self.located(r, found, frame))
    }

    fn evidence_rel(&self, local: &Path) -> Option<String> {
        self.evidence.roots.iter().find_map(|ev| local.strip_prefix(&ev.root).ok()).map(|p| p.to_string_lossy().replace('\\', "/"))
    }

    fn read_file(&self, r: &str, rel: &str, node: Option<String>) -> Result<LocatedTable, TableError> {
        let local = self.evidence.local(rel).ok_or_else(|| TableError::NotATable { reference: r.into(), problem: TableProblem::NotInEvidence(rel.to_string()) })?;
        let frame = match custody_sources::inference::LogFormat::detect(&local) {
            Some(custody_sources::inference::LogFormat::JsonLines) => {
                let log = custody_sources::inference::InferenceLog::open(&local, rel, &Default::default()).map_err(|e| TableError::Unreadable { reference: r.into(), problem: ReadProblem::Log(Box::new(e)) })?;
                log.read_frame().map_err(|e| TableError::Unreadable { reference: r.into(), problem: ReadProblem::Log(Box::new(e)) })?
            }
            _ if Format::of(rel).is_some() || is_parquet(&local) => read_local_table(&local).map_err(|e| TableError::Unreadable { reference: r.into(), problem: ReadProblem::Table(Box::new(e)) })?,
            _ => return Err(TableError::NotATable { reference: r.into(), problem: TableProblem::UnknownFormat(rel.to_string()) }),
        };
        // the data version a work-tree file is the current copy of (for its stage)
        let version = self
            .lineage
            .nodes()
            .into_iter()
            .filter(|n| claimed_in_work_tree(n))
            .filter(|n| n.payload.data_version().is_some_and(|d| d.path.as_str() == rel || rel.strip_prefix(d.path.as_str()).is_some_and(|rest| rest.starts_with('/'))))
            .map(|n| n.id.clone())
            .next();
        let file = custody_lineage::NodeId::file(rel).to_string();
        let node = node.or_else(|| self.lineage.contains(&file).then_some(file));
        let found = Found { node, path: rel.to_string(), read_from: rel.to_string(), md5: None, local: &local, data_version: version };
        Ok(self.located(r, found, frame))
    }

    /// The table `r` names, read: its identity (hashing the file read) with its frame.
    fn located(&self, r: &str, found: Found<'_>, frame: DataFrame) -> LocatedTable {
        let Found { node, path, read_from, md5, local, data_version } = found;
        let sha256 = self.sha256(local);
        let columns = frame.get_column_names().iter().map(|c| c.to_string()).collect();
        LocatedTable { identity: TableIdentity { reference: r.to_string(), node, path, read_from, md5, sha256, rows: frame.height(), columns }, frame, data_version }
    }

    /// The raw tables the stage that made `data_version` read, read (for row origin). Tables
    /// that cannot be read are left out, with a note.
    pub fn raw_tables(&self, data_version: &str, notes: &mut Vec<String>) -> Vec<(String, String, DataFrame)> {
        let Some(n) = self.lineage.node(data_version) else { return Vec::new() };
        let mut out = Vec::new();
        for s in self.raw_sources_of(n) {
            let path = path_of(&s).to_string();
            let mut ignored = Vec::new();
            let Some((_, (_, local))) = self.tables_of(&s, &mut ignored).and_then(|t| t.into_iter().next()) else {
                notes.push(format!("{path}: the raw source's bytes are not in the evidence"));
                continue;
            };
            if local.as_os_str().is_empty() {
                notes.push(format!("{path}: the raw source's bytes are not in the evidence"));
                continue;
            }
            match read_local_table(&local) {
                Ok(df) => out.push((path, s.id.clone(), df)),
                Err(e) => notes.push(e.to_string()),
            }
        }
        out
    }
}
