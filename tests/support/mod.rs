//! Shared helpers: locating fixtures, materialising a case (clean or tampered) into a private
//! temporary folder, fingerprinting trees, and running the built CLI.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The shared research samples (`../shared/research/samples`), made by the real tools.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/research/samples")
}

/// The clean demo case as committed.
pub fn demo_case() -> PathBuf {
    fixtures().join("cases/fraud-detection")
}

/// The investigator's keys for the demo case (`fixtures/keys`): the release key, the CI's
/// attestation key, Marcus's SSH key (allowed-signers), Priya's OpenPGP key and the serving
/// log key. Never the attacker's, never a private key.
pub fn demo_keys() -> Vec<PathBuf> {
    ["release-p256.pub", "provenance-ed25519.intoto.json", "allowed_signers", "priya-openpgp.asc", "serving-ed25519.pub"].iter().map(|k| fixtures().join("keys").join(k)).collect()
}

/// `--trust FILE` for every demo key.
pub fn trust_args() -> Vec<String> {
    demo_keys().iter().flat_map(|k| ["--trust".to_string(), k.display().to_string()]).collect()
}

/// How a git repository appears in a materialised case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GitLayout {
    /// As committed: a bare `project.git` beside the `project/` work tree.
    BareBeside,
    /// As on the platform's machine: `project/.git` inside the work tree.
    WorkTree,
}

/// Copies a folder recursively (files and folders; links are recreated, not followed).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in walkdir::WalkDir::new(from).follow_links(false) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        let ft = entry.file_type();
        if ft.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
            let mut perms = std::fs::metadata(&dest).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&dest, perms).unwrap();
        }
    }
}

/// A private copy of the demo case, with a tampered variant's overlay applied when named.
pub struct Materialised {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub truth: Option<serde_json::Value>,
}

pub fn materialise(variant: Option<&str>, layout: GitLayout) -> Materialised {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("fraud-detection");
    copy_tree(&demo_case(), &root);
    let mut truth = None;
    if let Some(v) = variant {
        let vdir = fixtures().join("tampered").join(v);
        let t: serde_json::Value = serde_json::from_slice(&std::fs::read(vdir.join("truth.json")).unwrap()).unwrap();
        let files = vdir.join("files");
        if files.is_dir() {
            copy_tree(&files, &root);
        }
        for deleted in t["deleted"].as_array().into_iter().flatten() {
            let p = root.join(deleted.as_str().unwrap());
            std::fs::remove_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
        truth = Some(t);
    }
    if layout == GitLayout::WorkTree {
        let bare = root.join("project.git");
        let inner = root.join("project/.git");
        std::fs::rename(&bare, &inner).unwrap();
        let repo = git2::Repository::open(&inner).unwrap();
        repo.config().unwrap().set_bool("core.bare", false).unwrap();
    }
    Materialised { dir, root, truth }
}

/// SHA-256 of every file under `dir`, by relative path.
pub fn tree_digest(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, custody::hashing::sha256_hex(&std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

/// Runs the built `custody` binary.
pub fn custody(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custody")).args(args).output().expect("custody runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
