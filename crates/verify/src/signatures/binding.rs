//! Which evidence files a signature or a statement's subjects bind to.
//!
//! Why: a signed statement names its subjects by digest (and often by a name relative to the
//! artifact's root); the evidence holds files at paths of its own, often several copies of the
//! same bytes. Before a subject can be checked, it must be bound to the files it speaks for:
//! the attested artifact set, not every file that happens to share a digest or a name.
//!
//! Guarantees:
//! * subjects are bound by digest first: where the same bytes are in several folders, to the
//!   folders that hold (nearly) all the statement's subjects, not to every copy;
//! * a same-named file with other bytes is bound too (in those folders, beside the
//!   attestation, or anywhere when no file holds the subject's digest) so that its change is
//!   reported: a name match with another digest is a mismatch, never a pass;
//! * a copy of a signed model folder is found by position (beside the signature, or named like
//!   the model) or by content wherever it lies; another version of the same model is not a
//!   copy.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::Cx;
use super::model_signing::resource_path;
use crate::DigestTable;
use custody_evidence::{EntryKind, RelPath};
use custody_signing::bundle::{ModelManifest, ModelResource};
use custody_signing::intoto::{Descriptor, Statement};
use custody_sources::Evidence;
use custody_sources::signatures::SignatureRecord;

/// Where files are, by digest, for binding subjects.
pub(super) struct DigestIndex<'a> {
    by_digest: HashMap<(&'static str, &'a str), Vec<&'a RelPath>>,
    pub(super) table: &'a DigestTable,
    /// Every folder that holds a hashed file, at any depth.
    folders: HashSet<RelPath>,
}

impl<'a> DigestIndex<'a> {
    pub(super) fn new(table: &'a DigestTable) -> DigestIndex<'a> {
        let mut by_digest: HashMap<(&'static str, &'a str), Vec<&'a RelPath>> = HashMap::new();
        for (rel, d) in &table.digests {
            if let Some(s) = &d.sha256 {
                by_digest.entry(("sha256", s.as_str())).or_default().push(rel);
            }
            if let Some(m) = &d.md5 {
                by_digest.entry(("md5", m.as_str())).or_default().push(rel);
            }
        }
        for v in by_digest.values_mut() {
            v.sort();
        }
        let mut folders = HashSet::new();
        for rel in table.digests.keys() {
            let mut dir = rel.parent();
            while !dir.is_root() && folders.insert(dir.clone()) {
                dir = dir.parent();
            }
        }
        DigestIndex { by_digest, table, folders }
    }

    /// Files whose bytes have one of the descriptor's digests (sha256 first, then md5).
    pub(super) fn files_with(&self, d: &Descriptor) -> Vec<&'a RelPath> {
        for alg in ["sha256", "md5"] {
            if let Some(v) = d.digest.get(alg) {
                if let Some(files) = self.by_digest.get(&(alg, v.as_str())) {
                    return files.clone();
                }
            }
        }
        Vec::new()
    }

    pub(super) fn sha256(&self, rel: &RelPath) -> Option<&'a str> {
        self.table.digests.get(rel).and_then(|d| d.sha256.as_deref())
    }

    /// Files whose bytes have this SHA-256.
    fn files_with_sha256<'s>(&'s self, hex: &'s str) -> &'s [&'a RelPath] {
        self.by_digest.get(&("sha256", hex)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a file (or folder holding files) is in the evidence.
    fn exists(&self, rel: &RelPath) -> bool {
        self.table.digests.contains_key(rel) || self.folders.contains(rel)
    }

    /// Folders of the evidence whose last component is `name`.
    fn folders_named(&self, name: &str) -> Vec<RelPath> {
        let mut out: Vec<RelPath> = self.folders.iter().filter(|f| f.file_name() == name).cloned().collect();
        out.sort();
        out
    }

    /// How many of the signed model's file names (`.` for the folder itself) exist under `dir`.
    fn named_in(&self, dir: &RelPath, names: &[String]) -> usize {
        names.iter().filter(|name| if name.as_str() == "." { self.exists(dir) } else { dir.join(name).is_ok_and(|f| self.exists(&f)) }).count()
    }
}

impl Cx<'_, '_> {
    /// The evidence files each subject of a statement is bound to. Subjects are matched by
    /// digest; when the same bytes are in several folders (a model copied from the registry
    /// to a server, files shared by several model versions), the statement is bound to the
    /// folders that hold (nearly) all its subjects (at least 80% of the best folder's count):
    /// the attested artifact set, not every file that happens to share one digest. In those
    /// folders a same-named file with other bytes is bound too, so its change is reported.
    pub(super) fn bind_subjects(&self, record: &SignatureRecord, st: &Statement) -> HashMap<usize, Vec<RelPath>> {
        let mut by_folder: HashMap<RelPath, BTreeSet<usize>> = HashMap::new();
        let mut matches: Vec<Vec<(RelPath, RelPath)>> = Vec::new();
        for (i, s) in st.subjects.iter().enumerate() {
            let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
            let found: Vec<(RelPath, RelPath)> = self.index.files_with(s).into_iter().map(|f| (folder_of(f, name), f.clone())).collect();
            for (folder, _) in &found {
                by_folder.entry(folder.clone()).or_default().insert(i);
            }
            matches.push(found);
        }
        let best = by_folder.values().map(BTreeSet::len).max().unwrap_or(0);
        let mut keep: BTreeSet<RelPath> = by_folder.iter().filter(|(_, v)| v.len() * 5 >= best * 4).map(|(k, _)| k.clone()).collect();
        let files: HashSet<&RelPath> = self.ev.entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel).collect();
        keep.extend(folders_beside(record, st, &files));
        let mut out: HashMap<usize, Vec<RelPath>> = HashMap::new();
        for (i, s) in st.subjects.iter().enumerate() {
            let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
            let mut bound: Vec<RelPath> = matches[i].iter().filter(|(folder, _)| keep.contains(folder)).map(|(_, f)| f.clone()).collect();
            if !name.is_empty() {
                for folder in &keep {
                    if by_folder.get(folder).is_some_and(|v| v.contains(&i)) {
                        continue;
                    }
                    if let Ok(candidate) = folder.join(name) {
                        if files.contains(&candidate) {
                            bound.push(candidate);
                        }
                    }
                }
            }
            bound.sort();
            bound.dedup();
            out.insert(i, bound);
        }
        out
    }

    /// Files named like a descriptor: relative to the attestation's folder first, then by
    /// path suffix anywhere.
    pub(super) fn named_like(&self, record: &SignatureRecord, d: &Descriptor) -> Vec<RelPath> {
        let Some(name) = d.name.as_deref().map(|n| n.trim_start_matches("./")).filter(|n| !n.is_empty()) else { return Vec::new() };
        let files = || self.ev.entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel);
        if let Ok(near) = record.file.parent().join(name) {
            if files().any(|f| f == &near) {
                return vec![near];
            }
        }
        let suffix = format!("/{name}");
        files().filter(|f| f.as_str() == name || f.as_str().ends_with(&suffix)).filter(|f| !f.as_str().contains("/.git/")).cloned().collect()
    }

    /// Every copy in the evidence of the model folder a model-signing manifest describes.
    ///
    /// By position: the signature's own folder or a sibling with the signed model's name
    /// (whichever holds more of the signed files by name), and any folder named like the
    /// signed model that holds at least half of them. By content, wherever it lies: a folder
    /// that holds every signed file by name and all but at most one of them with the signed
    /// bytes (a signature kept apart from the model, a signed folder copied to a server).
    /// A folder that lacks some signed files and differs in others (another version of the
    /// same model, which shares its environment files) is not a copy.
    pub(super) fn model_roots(&self, record: &SignatureRecord, m: &ModelManifest) -> Vec<RelPath> {
        let names: Vec<String> = m.resources.iter().map(resource_path).collect::<BTreeSet<_>>().into_iter().collect();
        let mut roots = self.model_roots_by_position(record, m, &names);
        let by_content: Vec<RelPath> = self.model_roots_by_content(m, &names).into_iter().filter(|dir| !roots.contains(dir)).collect();
        roots.extend(by_content);
        roots
    }

    /// The copies of a signed model found by where they sit: beside the signature, or in a
    /// folder named like the model.
    fn model_roots_by_position(&self, record: &SignatureRecord, m: &ModelManifest, names: &[String]) -> Vec<RelPath> {
        let mut roots: Vec<RelPath> = Vec::new();
        let parent = record.file.parent();
        let mut beside = vec![parent.clone()];
        if !m.model_name.is_empty() {
            if let Ok(sib) = parent.join(&m.model_name) {
                beside.push(sib);
            }
        }
        // the candidate holding the most of the signed files (a deleted or renamed file must
        // not hide the folder)
        if let Some((_, c)) = beside.into_iter().map(|c| (self.index.named_in(&c, names), c)).filter(|(n, _)| *n > 0).max_by_key(|(n, _)| *n) {
            roots.push(c);
        }
        if !m.model_name.is_empty() && !names.iter().any(|n| n == ".") {
            for dir in self.index.folders_named(&m.model_name) {
                if !roots.contains(&dir) && self.index.named_in(&dir, names) * 2 >= names.len().max(1) {
                    roots.push(dir);
                }
            }
        }
        roots
    }

    /// The copies of a signed model found by their bytes, wherever they sit, sorted.
    fn model_roots_by_content(&self, m: &ModelManifest, names: &[String]) -> Vec<RelPath> {
        // count, per folder, the signed files found there with their signed bytes
        let whole: Vec<&ModelResource> = m.resources.iter().filter(|r| !r.algorithm.contains("-sharded-") && r.name != ".").collect();
        let mut matched: HashMap<RelPath, usize> = HashMap::new();
        for r in &whole {
            let want = r.algorithm.trim_start_matches("file-").split('-').next().unwrap_or("sha256");
            if want != "sha256" {
                continue;
            }
            for f in self.index.files_with_sha256(&r.digest) {
                let folder = folder_of(f, &r.name);
                if folder.join(&r.name).is_ok_and(|p| &p == *f) {
                    *matched.entry(folder).or_default() += 1;
                }
            }
        }
        let mut by_content: Vec<RelPath> = matched
            .into_iter()
            .filter(|(dir, n)| !whole.is_empty() && *n + 1 >= whole.len() && *n >= 1 && self.index.named_in(dir, names) == names.len() && !dir.as_str().contains("/.git/"))
            .map(|(dir, _)| dir)
            .collect();
        by_content.sort();
        by_content
    }
}

/// The folders an attestation also speaks for because its artifacts are stored beside it
/// (under the folder that holds its own folder: `serving/attestations/x.intoto.jsonl` →
/// `serving/`), whatever their bytes now: a changed copy there must not escape because an
/// intact copy sits elsewhere.
fn folders_beside(record: &SignatureRecord, st: &Statement, files: &HashSet<&RelPath>) -> Vec<RelPath> {
    let mut out = Vec::new();
    let anchor = {
        let parent = record.file.parent();
        if parent.is_root() { parent } else { parent.parent() }
    };
    if anchor.is_root() {
        return out;
    }
    for s in &st.subjects {
        let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
        if name.is_empty() {
            continue;
        }
        let suffix = format!("/{name}");
        for f in files {
            if f.strip_prefix(&anchor).is_some() && f.as_str().ends_with(&suffix) && !f.as_str().contains("/.git/") {
                out.push(folder_of(f, name));
            }
        }
    }
    out
}

/// The folder a subject named `name` (a path relative to the attested artifact's root) sits
/// in: the file's path without the name's components.
pub(super) fn folder_of(file: &RelPath, name: &str) -> RelPath {
    let depth = if name.is_empty() { 1 } else { name.split('/').filter(|p| !p.is_empty()).count() };
    let suffix_matches = name.is_empty() || file.as_str() == name || file.as_str().ends_with(&format!("/{name}"));
    let mut folder = file.parent();
    if suffix_matches {
        for _ in 1..depth {
            folder = folder.parent();
        }
    }
    folder
}

/// The artifact a detached bundle signs: the sibling file named like the bundle without its
/// signature suffix.
pub(super) fn sibling_target(ev: &Evidence, sig: &RelPath) -> Option<RelPath> {
    let name = sig.file_name();
    let stem = [".sigstore.json", ".sigstore", ".bundle", ".sig"].iter().find_map(|s| name.strip_suffix(s))?;
    let t = sig.parent().join(stem).ok()?;
    ev.entries.iter().any(|e| e.rel == t).then_some(t)
}
