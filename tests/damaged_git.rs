//! A damaged git object is a finding or an error, never a silent "not there": named mutations of
//! the demo case's repository, in a private copy, where one blob object no longer reads.
//!
//! The demo's `project.git` is packed; the copy is unpacked into loose objects first (the
//! same objects, so the same repository), and then the loose file of one blob is overwritten
//! with bytes that are not an object. The evidence in `fixtures/` is never touched.

use std::path::Path;

use custody::progress::Silent;
use custody::verify::{Check, Finding, Status};
use custody::workflow::{self, Investigation};

use crate::support::{GitLayout, Materialised, demo_case, demo_keys, materialise, tree_digest};

/// `src/prepare.py` as the pipeline's last change left it (HEAD, v2.0): a dependency that
/// `dvc.lock` records with its md5 at the commits since, and a file that changed between the
/// staging (v1.1) and production (v2.0) runs.
const PREPARE_PY: &str = "a90159fa04b3b81f5680f69794de7eda8722b803";
/// `dvc.lock` at HEAD (and at every commit since "Train: deeper trees").
const DVC_LOCK: &str = "ab19c4b294a73c35a89206c80764c729fe903493";
/// HEAD of the demo repository, and the commits of the staging and production runs.
const HEAD: &str = "a031aab96b0c913edb1cc77eaa5e1bd7d0c88d4e";
const STAGING: &str = "43659e4a7ddb4c35ffa43fa1e828fd4987e435c9";
const PRODUCTION: &str = "0a90b199aada753eb54ef1c1a6e94b6d40cccb06";

/// Rewrites every object of the repository at `git_dir` as a loose object and drops its packs.
fn unpack(git_dir: &Path) {
    let objects: Vec<(git2::ObjectType, Vec<u8>)> = {
        let repo = git2::Repository::open_bare(git_dir).unwrap();
        let odb = repo.odb().unwrap();
        let mut ids = Vec::new();
        odb.foreach(|id| {
            ids.push(*id);
            true
        })
        .unwrap();
        ids.iter()
            .map(|id| {
                let o = odb.read(*id).unwrap();
                (o.kind(), o.data().to_vec())
            })
            .collect()
    };
    assert!(objects.len() > 50, "the demo repository holds its history: {} objects", objects.len());
    let pack = git_dir.join("objects/pack");
    for entry in std::fs::read_dir(&pack).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let _ = std::fs::remove_file(git_dir.join("objects/info/packs"));
    let repo = git2::Repository::open_bare(git_dir).unwrap();
    let odb = repo.odb().unwrap();
    for (kind, data) in &objects {
        odb.write(*kind, data).unwrap();
    }
}

/// A private copy of the demo case (bare `project.git` beside the work tree) in which the blob
/// `id` cannot be read: its loose object holds bytes that are not zlib data.
fn with_damaged_blob(id: &str) -> Materialised {
    let m = materialise(None, GitLayout::BareBeside);
    let git_dir = m.root.join("project.git");
    unpack(&git_dir);
    let object = git_dir.join("objects").join(&id[..2]).join(&id[2..]);
    assert!(object.is_file(), "{} is a loose object after unpacking", object.display());
    std::fs::write(&object, b"this is not a git object").unwrap();
    let repo = git2::Repository::open_bare(&git_dir).unwrap();
    assert!(repo.find_blob(git2::Oid::from_str(id).unwrap()).is_err(), "the blob no longer reads");
    m
}

fn investigate(m: &Materialised) -> Investigation {
    let before = tree_digest(&demo_case());
    let r = workflow::investigate_with_keys(&m.root, Some(&m.dir.path().join("case.custody")), &demo_keys(), &Silent).unwrap();
    assert_eq!(tree_digest(&demo_case()), before, "the fixture is never modified, only its copy");
    r
}

fn describe(fs: &[&Finding]) -> String {
    fs.iter().map(|f| format!("{} {:?} {} {:?} {}", f.status.name(), f.check, f.node.id, f.path, f.detail)).collect::<Vec<_>>().join("\n")
}

/// The place a finding gives a git-held file: `project.git@<12 hex>:<path>`.
fn place(commit: &str, path: &str) -> String {
    format!("project.git@{}:{path}", &commit[..12])
}

#[test]
fn a_damaged_dependency_blob_is_a_finding_at_every_commit_whose_lock_claims_it_and_an_error_in_a_diff() {
    let m = with_damaged_blob(PREPARE_PY);
    let r = investigate(&m);
    let findings = &r.verification.findings;
    let on_prepare: Vec<&Finding> = findings.iter().filter(|f| f.check == Check::DvcGitDependency && f.path.as_deref().is_some_and(|p| p.ends_with(":src/prepare.py"))).collect();
    // the lock at HEAD claims it: before, the unreadable blob was skipped without a word
    let at_head = on_prepare.iter().find(|f| f.path.as_deref() == Some(place(HEAD, "src/prepare.py").as_str())).unwrap_or_else(|| panic!("no finding on src/prepare.py at HEAD:\n{}", describe(&on_prepare)));
    assert_eq!(at_head.status, Status::Mismatch, "{}", describe(&[at_head]));
    assert!(at_head.detail.contains(&format!("blob {PREPARE_PY} cannot be read")) && at_head.detail.contains(HEAD), "names the object and the commit: {}", at_head.detail);
    assert!(at_head.node.id.starts_with("data:project/src/prepare.py@"), "{}", at_head.node.id);
    assert_eq!(at_head.expected.as_deref(), Some("de98774e7da9bd23b87c26232b19c68e"), "the lock's claim");
    assert_eq!(at_head.observed, None, "nothing was observed");
    // wherever the damaged blob is the one claimed, nothing is verified
    assert!(on_prepare.iter().all(|f| f.status != Status::Verified || !f.detail.contains(PREPARE_PY)), "{}", describe(&on_prepare));
    assert!(!r.verification.verdict.starts_with("Clean"), "{}", r.verification.verdict);

    // the code between staging and production: the note of the commit divergence names the blob
    let case = custody::case::Case::open(&m.dir.path().join("case.custody")).unwrap();
    let d = workflow::diff(&case, "models:/fraud-detector@staging", "models:/fraud-detector@production", &Silent).unwrap();
    let code = d.divergences.iter().chain(&d.downstream).find_map(|x| match &x.detail {
        custody::diff::Detail::Code(c) if c.from == STAGING && c.to == PRODUCTION => Some(c),
        _ => None,
    });
    let code = code.unwrap_or_else(|| panic!("no commit divergence: {:#?}", d.divergences));
    let note = code.note.as_deref().unwrap_or_default();
    assert!(note.contains(&format!("blob {PREPARE_PY} cannot be read")) && note.starts_with("project.git"), "{code:?}");
    assert!(!code.commits.is_empty(), "the history between them still reads: {code:?}");

    // and the diff of that one file is an error naming it, not an empty diff
    let err = workflow::code_file_diff(&case, "project.git", STAGING, PRODUCTION, "src/prepare.py").unwrap_err();
    assert!(err.to_string().contains(&format!("blob {PREPARE_PY} cannot be read")), "{err}");
    assert_eq!(err.kind(), custody::ErrorKind::Input, "{err}");
    // a file the damage does not touch still diffs
    let params = workflow::code_file_diff(&case, "project.git", STAGING, PRODUCTION, "params.yaml").unwrap();
    assert!(params.contains("+  max_depth: 5"), "{params}");
}

#[test]
fn a_damaged_lock_file_blob_is_a_finding_naming_the_repository_commit_and_path() {
    let m = with_damaged_blob(DVC_LOCK);
    let r = investigate(&m);
    let findings = &r.verification.findings;
    let on_lock: Vec<&Finding> = findings.iter().filter(|f| f.check == Check::GitObjects && f.path.as_deref().is_some_and(|p| p.ends_with(":dvc.lock"))).collect();
    // identity resolution reads the lock at HEAD, at the tags and at the runs' commits; each
    // read that met the damaged blob is reported once, on its commit
    let at_head = on_lock.iter().find(|f| f.path.as_deref() == Some(place(HEAD, "dvc.lock").as_str())).unwrap_or_else(|| panic!("no finding on dvc.lock at HEAD:\n{}", describe(&on_lock)));
    assert_eq!(at_head.status, Status::Mismatch, "{}", describe(&[at_head]));
    assert_eq!(at_head.node.id, format!("commit:{HEAD}"));
    assert!(at_head.detail.contains(&format!("blob {DVC_LOCK} cannot be read")) && at_head.detail.contains(HEAD) && at_head.detail.contains("project.git"), "{}", at_head.detail);
    assert!(on_lock.iter().any(|f| f.path.as_deref() == Some(place(PRODUCTION, "dvc.lock").as_str())), "the production run's commit holds the same blob:\n{}", describe(&on_lock));
    assert!(!on_lock.iter().any(|f| f.path.as_deref() == Some(place(STAGING, "dvc.lock").as_str())), "staging's lock is another blob, and reads:\n{}", describe(&on_lock));
    let paths: Vec<_> = on_lock.iter().map(|f| f.path.clone()).collect();
    assert_eq!(paths.len(), paths.iter().collect::<std::collections::BTreeSet<_>>().len(), "once per commit: {paths:?}");
    assert!(!r.verification.verdict.starts_with("Clean"), "{}", r.verification.verdict);
}
