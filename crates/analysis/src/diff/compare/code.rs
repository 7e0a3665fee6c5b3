//! Commits: the code of two commits, compared by tree and drilled down to the history between.
//!
//! Why: two commits with the same tree carry the same code whatever their history, so the tree
//! decides whether the code differs; when it does, investigators need the commits between the
//! two and the files changed with their line counts. A code file that a DVC stage depends on
//! (`src/prepare.py`) and that changed between the two commits is the same change seen by two
//! tools: it is folded into the commit's divergence (`also_seen`) rather than reported twice.
//!
//! Guarantees: repositories are only read (git2); commits that are not both in a repository of
//! the evidence give a divergence whose note says so, never a failed comparison, and so does a
//! history or a changed file that is in the repository but cannot be read (the note names the
//! object; what could be read is kept); folding drops a witness only when a commit
//! divergence's changed files name its path.

use custody_lineage::query::NodeSummary;
use custody_lineage::{Lineage, Node};
use custody_sources::EvidenceSet;

use super::{CodeDetail, CommitLine, Detail, Divergence, DivergenceKind, short};

/// How the code of two commits differs, if it does: a one-line summary and the drill-down.
pub(super) fn compare(evidence: &EvidenceSet, a: &Node, b: &Node) -> Option<(String, Detail)> {
    if tree(a).is_some() && tree(a) == tree(b) {
        return None;
    }
    let detail = detail(evidence, a, b);
    let summary = format!(
        "commit {} → {}{}: {} commits, {} files changed",
        short(sha(a).unwrap_or(&a.id)),
        short(sha(b).unwrap_or(&b.id)),
        detail.repository.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
        detail.commits.len(),
        detail.files.len()
    );
    Some((summary, Detail::Code(detail)))
}

/// The tree a commit records.
fn tree(n: &Node) -> Option<&str> {
    n.payload.commit()?.tree.as_deref()
}

/// The SHA of a commit.
fn sha(n: &Node) -> Option<&str> {
    Some(n.payload.commit()?.sha.as_str())
}

/// The repository of the evidence that holds a commit.
fn repository(n: &Node) -> Option<&str> {
    Some(n.payload.commit()?.repository.as_ref()?.as_str())
}

/// The commits between two commits (both ways) and the files changed, from the repository of
/// the evidence that holds them.
fn detail(evidence: &EvidenceSet, a: &Node, b: &Node) -> CodeDetail {
    let (from, to) = (sha(a).unwrap_or("").to_string(), sha(b).unwrap_or("").to_string());
    let mut detail = CodeDetail { repository: None, from: from.clone(), to: to.clone(), commits: Vec::new(), commits_only_in_from: Vec::new(), files: Vec::new(), also_seen: Vec::new(), note: None };
    let repo_name = repository(b).or(repository(a));
    let Some(repo) = repo_name.and_then(|r| evidence.repo(r)) else {
        detail.note = Some("the commits are not both in a repository of the evidence".into());
        return detail;
    };
    detail.repository = Some(repo.rel.as_str().to_string());
    let line = |c: custody_sources::git::Commit| CommitLine { sha: c.sha, summary: c.summary };
    let mut unreadable: Vec<String> = Vec::new();
    let (between, changed) = (readable(repo.try_commits_between(&from, &to), &mut unreadable), readable(repo.try_changed_files(&from, &to), &mut unreadable));
    let held = between.is_some() || changed.is_some() || !unreadable.is_empty();
    if held {
        detail.commits = between.unwrap_or_default().into_iter().map(line).collect();
        detail.commits_only_in_from = readable(repo.try_commits_between(&to, &from), &mut unreadable).unwrap_or_default().into_iter().map(line).collect();
        detail.files = changed.unwrap_or_default();
    }
    detail.note = match (held, unreadable.is_empty()) {
        (_, false) => Some(format!("{} cannot be read in full: {}", repo.rel, unreadable.join("; "))),
        (false, true) => Some(format!("{} does not hold both commits", repo.rel)),
        (true, true) => None,
    };
    detail
}

/// What a reader answered, with an object that cannot be read noted (once) and read as none.
fn readable<T>(found: Result<Option<T>, custody_sources::git::GitError>, unreadable: &mut Vec<String>) -> Option<T> {
    found.unwrap_or_else(|e| {
        let why = e.describe();
        if !unreadable.contains(&why) {
            unreadable.push(why);
        }
        None
    })
}

/// Folds a code-file dependency that changed into the commit divergence whose diff holds the
/// same file (one change, two witnesses).
pub(super) fn fold_witnesses(lineage: &Lineage, root_causes: &mut Vec<Divergence>) {
    let mut drop: Vec<usize> = Vec::new();
    for (i, j) in witnesses(lineage, root_causes) {
        let witnesses: Vec<NodeSummary> = [&root_causes[j].node_a, &root_causes[j].node_b].into_iter().flatten().filter_map(|id| lineage.node(id)).map(NodeSummary::from).collect();
        if let Detail::Code(c) = &mut root_causes[i].detail {
            c.also_seen.extend(witnesses);
        }
        drop.push(j);
    }
    drop.sort_unstable();
    for j in drop.into_iter().rev() {
        root_causes.remove(j);
    }
}

/// (commit divergence, code-file divergence that witnesses it), by index into `root_causes`.
fn witnesses(lineage: &Lineage, root_causes: &[Divergence]) -> Vec<(usize, usize)> {
    let changed_files: Vec<(usize, Vec<String>)> = root_causes
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match &d.detail {
            Detail::Code(c) => Some((i, c.files.iter().map(|f| f.path.clone()).collect())),
            _ => None,
        })
        .collect();
    if changed_files.is_empty() {
        return Vec::new();
    }
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (j, d) in root_causes.iter().enumerate() {
        if d.kind != DivergenceKind::Code || matches!(d.detail, Detail::Code(_)) {
            continue;
        }
        let Some(node) = d.node_b.as_deref().or(d.node_a.as_deref()).and_then(|id| lineage.node(id)) else { continue };
        let Some(version) = node.payload.data_version() else { continue };
        let path = version.path.as_str();
        if let Some((i, _)) = changed_files.iter().find(|(_, files)| files.iter().any(|f| path == f || path.ends_with(&format!("/{f}")))) {
            folded.push((*i, j));
        }
    }
    folded
}
