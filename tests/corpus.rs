//! The scenario corpus (`fixtures/corpus/`): evidence in the shapes real teams leave behind,
//! made by the real tools, each a clean case and tampered variants.
//!
//! On every clean case: no failure finding (exit 0), the informational and not-collected
//! findings its `scenario.json` names, and coverage complete apart from the stores it lists
//! as unread. On every tampered variant: each failure its `truth.json` names, with that
//! status, on that node and file. One test walks the whole corpus and reports every
//! disagreement at once, so a regression in one scenario never hides another.

use std::path::{Path, PathBuf};

use custody::progress::Silent;
use custody::verify::{Finding, Status, VerdictClass};
use custody::workflow::{self, Investigation};
use serde_json::Value;

use crate::support::{copy_tree, fixtures};

fn corpus() -> PathBuf {
    fixtures().join("corpus")
}

/// Every scenario folder (one holding `scenario.json`), sorted.
fn scenarios() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("scenario.json").is_file()).collect();
    out.sort();
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Renames every `_git` folder to `.git` (the corpus stores work-tree repositories that way).
fn restore_git_dirs(dir: &Path) {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() && entry.file_name() == "_git" {
            found.push(entry.path().to_path_buf());
        }
    }
    for from in found.into_iter().rev() {
        std::fs::rename(&from, from.with_file_name(".git")).unwrap();
    }
}

/// A private copy of a scenario's case, with a variant's overlay applied when named.
fn materialise(scenario: &Path, variant: Option<&Path>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(scenario.file_name().unwrap());
    copy_tree(&scenario.join("case"), &root);
    if let Some(v) = variant {
        if v.join("files").is_dir() {
            copy_tree(&v.join("files"), &root);
        }
        for deleted in json(&v.join("truth.json"))["deleted"].as_array().into_iter().flatten() {
            let p = root.join(deleted.as_str().unwrap());
            if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) }.unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
    }
    restore_git_dirs(&root);
    (dir, root)
}

fn investigate(scenario: &Path, root: &Path, dir: &Path) -> Investigation {
    let keys: Vec<PathBuf> = json(&scenario.join("scenario.json"))["keys"].as_array().into_iter().flatten().map(|k| scenario.join(k.as_str().unwrap())).collect();
    workflow::investigate_with_keys(root, Some(&dir.join("case.custody")), &keys, &Silent).unwrap_or_else(|e| panic!("{}: {e}", root.display()))
}

fn describe(f: &Finding) -> String {
    format!("{} {} [{}] {}: {}", f.status.name(), f.node.id, f.check.name(), f.path.as_deref().unwrap_or("-"), f.detail)
}

/// What is wrong with a clean case's investigation (nothing, when it is right).
fn clean_problems(scenario: &Path, r: &Investigation) -> Vec<String> {
    let name = scenario.file_name().unwrap().to_string_lossy().to_string();
    let spec = json(&scenario.join("scenario.json"));
    let clean = &spec["clean"];
    let v = &r.verification;
    let mut problems: Vec<String> = v.findings.iter().filter(|f| f.status.is_failure()).map(|f| format!("{name} (clean): failure {}", describe(f))).collect();
    if !v.log.intact {
        problems.push(format!("{name} (clean): case log broken"));
    }
    for (key, class) in [("informational", VerdictClass::Informational), ("not_collected", VerdictClass::NotCollected)] {
        for want in clean[key].as_array().into_iter().flatten() {
            let node = want["node"].as_str().unwrap();
            if !v.findings.iter().any(|f| f.status.class() == class && f.node.id == node) {
                problems.push(format!("{name} (clean): no {} finding on {node} ({})", class.name(), want["why"].as_str().unwrap_or("")));
            }
        }
    }
    // coverage: every store Custody recognises and does not read is listed in `unread`
    let unread: Vec<&str> = clean["unread"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    for g in v.coverage.unread_formats() {
        if !unread.iter().any(|u| g.folder.starts_with(u.trim_end_matches('/')) || g.examples.iter().any(|e| e.starts_with(u.trim_end_matches('/')))) {
            problems.push(format!("{name} (clean): coverage names an unread store not listed in scenario.json: {} ({} files, e.g. {:?})", g.description, g.files, g.examples.first()));
        }
    }
    for u in &unread {
        let u = u.trim_end_matches('/');
        if !v.coverage.unread_formats().any(|g| g.folder.starts_with(u) || g.examples.iter().any(|e| e.starts_with(u))) {
            problems.push(format!("{name} (clean): scenario.json lists {u} as unread, but coverage does not report it"));
        }
    }
    problems
}

/// What a tampered variant's investigation misses of its truth.
fn variant_problems(scenario: &Path, variant: &Path, r: &Investigation) -> Vec<String> {
    let label = format!("{}/{}", scenario.file_name().unwrap().to_string_lossy(), variant.file_name().unwrap().to_string_lossy());
    let truth = json(&variant.join("truth.json"));
    let v = &r.verification;
    let mut problems = Vec::new();
    let expect = truth["expect"].as_array().cloned().unwrap_or_default();
    if expect.is_empty() {
        problems.push(format!("{label}: truth.json expects nothing"));
    }
    for want in &expect {
        let status = Status::parse(want["status"].as_str().unwrap()).unwrap_or_else(|| panic!("{label}: unknown status {}", want["status"]));
        assert!(status.is_failure(), "{label}: truth.json expects a status that is not a failure: {}", status.name());
        let node = want["node"].as_str().unwrap();
        let path = want["path"].as_str();
        let hit = v.findings.iter().any(|f| f.status == status && f.node.id == node && path.is_none_or(|p| f.path.as_deref() == Some(p)));
        if !hit {
            let near: Vec<String> = v.findings.iter().filter(|f| f.node.id == node || (path.is_some() && f.path.as_deref() == path)).map(describe).collect();
            problems.push(format!("{label}: expected {} on {node} ({}); found there: {near:#?}", status.name(), path.unwrap_or("a record")));
        }
    }
    if !v.has_failures() {
        problems.push(format!("{label}: the verdict is clean"));
    }
    problems
}

#[test]
fn every_corpus_scenario_gets_the_right_verdict() {
    let all = scenarios();
    assert!(all.len() >= 2, "the corpus holds scenarios: {}", corpus().display());
    let mut problems = Vec::new();
    let mut variants = 0;
    for scenario in &all {
        let before = crate::support::tree_digest(&scenario.join("case"));
        let (dir, root) = materialise(scenario, None);
        let r = investigate(scenario, &root, dir.path());
        problems.extend(clean_problems(scenario, &r));
        let mut tampered: Vec<PathBuf> = std::fs::read_dir(scenario.join("tampered")).map(|d| d.map(|e| e.unwrap().path()).filter(|p| p.join("truth.json").is_file()).collect()).unwrap_or_default();
        tampered.sort();
        if tampered.len() < 3 {
            problems.push(format!("{}: {} tampered variants, fewer than 3", scenario.display(), tampered.len()));
        }
        for variant in &tampered {
            let (dir, root) = materialise(scenario, Some(variant));
            let r = investigate(scenario, &root, dir.path());
            problems.extend(variant_problems(scenario, variant, &r));
            variants += 1;
        }
        assert_eq!(before, crate::support::tree_digest(&scenario.join("case")), "the committed case is never modified");
    }
    assert!(problems.is_empty(), "{} scenarios, {variants} variants; {} problems:\n{}", all.len(), problems.len(), problems.join("\n"));
}
