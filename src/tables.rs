//! Where the bytes of a data node are, and reading them as tables.
//!
//! Why: a lineage node names data by identity (a DVC path at an md5, a directory manifest, an
//! MLflow dataset record, an evidence file); comparing, slicing or tracing it needs the actual
//! bytes, which may be in the work tree, in the DVC cache, or only in git (a DVC dependency
//! that is also a git-tracked file). [`TableLocator`] finds them in the evidence and reads
//! them with polars.
//!
//! Guarantees: evidence is only read; a git blob is copied to a scratch file that lives as
//! long as the locator; a table larger than [`TABLE_LIMIT`] is not read (the caller is told
//! why).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use crate::diff::EvidenceSet;
use crate::evidence::RelPath;
use crate::lineage::{Lineage, Node, NodeKind, Relation};
use crate::sources::dataset::{self, Format};
use crate::sources::dvc::{DvcDigest, HashKind};

/// Tables larger than this are not read (memory: polars holds a table several times its
/// file size).
pub const TABLE_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

/// Finds the bytes of data nodes in the evidence of a case.
pub struct TableLocator<'a> {
    pub lineage: &'a Lineage,
    pub evidence: &'a EvidenceSet,
    /// Scratch copies of git blobs (deleted with the locator).
    scratch: std::cell::RefCell<Vec<tempfile::TempPath>>,
}

fn attr<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.attrs.get(key).and_then(|v| v.as_str())
}

/// The DVC digest a data-version node records.
pub fn digest_of(n: &Node) -> Option<DvcDigest> {
    let kind = if attr(n, "hash") == Some("md5-dos2unix") { HashKind::Md5Dos2unix } else { HashKind::Md5 };
    DvcDigest::parse(attr(n, "md5")?, kind)
}

fn claimed_in_work_tree(n: &Node) -> bool {
    n.attrs.get("claimed_at").and_then(|v| v.as_array()).is_some_and(|a| a.iter().any(|x| x.as_str() == Some("work tree")))
}

/// Whether a file starts with Parquet's magic number.
pub fn is_parquet(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PAR1"
}

/// Reads a local table file (CSV or Parquet, judged by name, else by magic number), refusing
/// files over [`TABLE_LIMIT`]. The error says which file and why.
pub fn read_local_table(local: &Path) -> Result<DataFrame, String> {
    let size = std::fs::metadata(local).map(|m| m.len()).unwrap_or(0);
    if size > TABLE_LIMIT {
        return Err(format!("{}: {size} bytes, larger than the {TABLE_LIMIT}-byte limit for reading a table", local.display()));
    }
    let format = Format::of(&local.to_string_lossy()).unwrap_or(if is_parquet(local) { Format::Parquet } else { Format::Csv });
    dataset::read_table(local, format).map_err(|e| e.to_string())
}

impl<'a> TableLocator<'a> {
    pub fn new(lineage: &'a Lineage, evidence: &'a EvidenceSet) -> TableLocator<'a> {
        TableLocator { lineage, evidence, scratch: std::cell::RefCell::new(Vec::new()) }
    }

    /// The tables of a data version: (member name, local file). Directories list their
    /// table members from the cached manifest.
    pub fn tables_of(&self, n: &Node, notes: &mut Vec<String>) -> Option<BTreeMap<String, (String, PathBuf)>> {
        let path = attr(n, "path").unwrap_or(&n.label).to_string();
        let mut out = BTreeMap::new();
        if n.kind == NodeKind::File {
            if Format::of(&path).is_some() {
                if let Some(local) = self.evidence.local(&path) {
                    out.insert(String::new(), (attr(n, "sha256").unwrap_or("").to_string(), local));
                }
            }
            return Some(out);
        }
        let digest = digest_of(n)?;
        if !digest.is_dir {
            if Format::of(&path).is_none() {
                return Some(out);
            }
            let local = self.evidence.dvc_bytes(&path, &digest, claimed_in_work_tree(n)).or_else(|| self.git_blob_copy(n, &path, &digest));
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
        let Ok(entries) = crate::sources::dvc::parse_manifest(&manifest, &path) else {
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
                if let Some(dep) = self.lineage.node(&e.to).filter(|d| d.kind == NodeKind::DataVersion && Format::of(attr(d, "path").unwrap_or("")).is_some()) {
                    if !out.iter().any(|o| o.id == dep.id) {
                        out.push(dep.clone());
                    }
                }
            }
        }
        out
    }

    /// A git-tracked file that DVC recorded as a dependency: its blob at a commit whose lock
    /// claimed it, if the blob has the recorded md5 (copied to a scratch file for reading).
    pub fn git_blob_copy(&self, n: &Node, path: &str, digest: &DvcDigest) -> Option<PathBuf> {
        if digest.kind != HashKind::Md5 {
            return None;
        }
        let commits: Vec<&str> = n.attrs.get("claimed_at").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
        let rel = RelPath::new(path).ok()?;
        for ev in &self.evidence.roots {
            let inner: Vec<String> = ev.dvc.iter().filter_map(|p| rel.strip_prefix(&p.rel)).map(|r| r.as_str().to_string()).chain([path.to_string()]).collect();
            for repo in &ev.git {
                for sha in commits.iter().filter(|c| repo.has_commit(c)) {
                    for candidate in &inner {
                        let Some(bytes) = repo.blob_at(sha, candidate) else { continue };
                        if crate::hashing::md5_hex(&bytes) != digest.hex {
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
