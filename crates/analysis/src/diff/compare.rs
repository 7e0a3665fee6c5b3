//! Where two lineages diverge: root causes, what follows from them, and a drill-down of each.
//!
//! Why: an aligned pair of nodes that differs is either a *root cause* (it differs while every
//! one of its own inputs is equal: a commit, a raw data file, a hyperparameter) or *downstream*
//! (it differs because an input does: the training set rebuilt from changed data, the model
//! trained on it). Investigators need the root causes first, each with the evidence of what
//! changed down to the line, row or package.
//!
//! How each kind of node is compared:
//! * commits: by tree (two commits with the same tree carry the same code); drill-down: the
//!   commits between them, files changed with line counts, a file's diff (git2);
//! * data versions, files, MLflow datasets: by content digest; drill-down for CSV and Parquet:
//!   [`super::data`], with the added rows attributed to the raw sources of the stage that made
//!   the table;
//! * runs: parameters (added, removed, changed) and environment (the requirements, conda and
//!   python_env files of the models the run logged, and the repository's requirements at the
//!   run's commit) are leaves of their own: a change there is a root cause even when other
//!   inputs changed too; metrics are shown side by side;
//! * stages: the command and parameters DVC locked; logged models: their member files by
//!   digest (`MLmodel` without the ids and times MLflow stamps on every model).
//!
//! A code file that a DVC stage depends on (`src/prepare.py`) and that changed between the two
//! commits of a code divergence is the same change seen by two tools: it is folded into that
//! divergence (`also_seen`) rather than reported twice.
//!
//! Guarantees: evidence is only read; a drill-down that cannot be made (bytes not in the
//! evidence, a table too large) says why in its detail rather than failing the comparison.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::align::{self, Alignment, Pair, Presence};
use super::data::{self, RawSource, TableComparison};
use crate::tables::TableLocator;
use super::{PackageChange, ParamChange};
use custody_lineage::query::NodeSummary;
use custody_lineage::{Lineage, Node, NodeKind, Relation};
use custody_evidence::progress::Progress;
use custody_sources::EvidenceSet;
use custody_sources::dataset::Format;
use custody_sources::git::FileChange;

/// Tables larger than this are not compared row by row (the divergence says so).
pub use custody_sources::dataset::TABLE_LIMIT;

/// What kind of thing diverges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DivergenceKind {
    Code,
    Data,
    Params,
    Environment,
    Model,
    Run,
    Stage,
    Agent,
    Other,
}

impl DivergenceKind {
    pub fn name(self) -> &'static str {
        match self {
            DivergenceKind::Code => "code",
            DivergenceKind::Data => "data",
            DivergenceKind::Params => "params",
            DivergenceKind::Environment => "environment",
            DivergenceKind::Model => "model",
            DivergenceKind::Run => "run",
            DivergenceKind::Stage => "stage",
            DivergenceKind::Agent => "agent",
            DivergenceKind::Other => "other",
        }
    }
}

/// How an aligned pair compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PairState {
    Equal,
    /// Differs while all its own inputs are equal (or is an added or removed input).
    RootCause,
    /// Differs because an input differs.
    Downstream,
    /// On one side only, where the other side records nothing of its kind.
    Unrecorded,
}

/// A commit, briefly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CommitLine {
    pub sha: String,
    pub summary: String,
}

/// Code between two commits.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeDetail {
    /// The repository (folder in the evidence), when the commits were found in one.
    pub repository: Option<String>,
    pub from: String,
    pub to: String,
    /// Commits in `to` and not in `from`, newest first.
    pub commits: Vec<CommitLine>,
    /// Commits in `from` and not in `to` (when the two are on diverging branches).
    pub commits_only_in_from: Vec<CommitLine>,
    pub files: Vec<FileChange>,
    /// Other nodes that witness the same change (a DVC dependency on a changed file).
    pub also_seen: Vec<NodeSummary>,
    pub note: Option<String>,
}

/// Parameters of two runs or stages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ParamsDetail {
    /// Added, removed and changed parameters, by name.
    pub changes: Vec<ParamChange>,
    /// Parameters with the same value on both sides (hidden by default).
    pub unchanged: Vec<ParamChange>,
}

/// One environment file on both sides.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct EnvironmentFile {
    /// What the file is: `model requirements.txt`, `model conda.yaml`, `repository requirements.txt` …
    pub role: String,
    pub a: Option<String>,
    pub b: Option<String>,
    pub changes: Vec<PackageChange>,
}

/// The environments of two runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct EnvironmentDetail {
    pub files: Vec<EnvironmentFile>,
}

/// One data version, briefly (for an added or removed input).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableProfile {
    pub member: String,
    pub rows: usize,
    pub columns: Vec<(String, data::ColumnSummary)>,
}

/// Two versions of data.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DataDetail {
    pub path_a: Option<String>,
    pub path_b: Option<String>,
    pub digest_a: Option<String>,
    pub digest_b: Option<String>,
    /// Files of a directory version: added, removed, changed (by digest).
    pub members_added: Vec<String>,
    pub members_removed: Vec<String>,
    pub members_changed: Vec<String>,
    /// Row-level comparison of each changed table.
    pub tables: Vec<TableComparison>,
    /// The tables of a data version that has no counterpart.
    pub profiles: Vec<TableProfile>,
    /// Why a drill-down could not be made.
    pub notes: Vec<String>,
}

/// A file of two models.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MemberChange {
    pub name: String,
    pub change: MemberChangeKind,
    pub sha256_a: Option<String>,
    pub sha256_b: Option<String>,
}

/// How a file of two models differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum MemberChangeKind {
    Added,
    Removed,
    Changed,
    /// An `MLmodel` that differs only in the ids and times MLflow stamps on every model.
    Metadata,
}

impl MemberChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            MemberChangeKind::Added => "added",
            MemberChangeKind::Removed => "removed",
            MemberChangeKind::Changed => "changed",
            MemberChangeKind::Metadata => "metadata",
        }
    }
}

/// Two logged models.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ModelDetail {
    pub files: Vec<MemberChange>,
}

/// The evidence of one divergence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Detail {
    Code(CodeDetail),
    Params(ParamsDetail),
    Environment(EnvironmentDetail),
    Data(DataDetail),
    Model(ModelDetail),
    /// Two nodes whose identity differs, with nothing more to drill into.
    Identity { a: Option<String>, b: Option<String> },
}

/// A point where the lineages differ.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Divergence {
    pub kind: DivergenceKind,
    /// The aligned pair (index into [`LineageDiff::pairs`]).
    pub pair: usize,
    pub node_a: Option<String>,
    pub node_b: Option<String>,
    /// One line for a person.
    pub summary: String,
    pub detail: Detail,
}

/// An aligned pair with its state, for drawing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AlignedNode {
    pub slot: String,
    pub a: Option<NodeSummary>,
    pub b: Option<NodeSummary>,
    pub presence: Presence,
    pub state: PairState,
    pub depth: usize,
}

/// A metric of two runs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MetricPair {
    pub run_a: String,
    pub run_b: String,
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
}

/// Two lineages compared.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LineageDiff {
    pub a: NodeSummary,
    pub b: NodeSummary,
    /// Root causes, most fundamental kinds first.
    pub divergences: Vec<Divergence>,
    /// Nodes that differ only because of the root causes.
    pub downstream: Vec<Divergence>,
    pub metrics: Vec<MetricPair>,
    pub pairs: Vec<AlignedNode>,
    /// (pair, input pair), by index into `pairs`.
    pub edges: Vec<(usize, usize)>,
}

impl LineageDiff {
    pub fn is_same(&self) -> bool {
        self.divergences.is_empty() && self.downstream.is_empty()
    }
}

fn attr<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.attrs.get(key).and_then(|v| v.as_str())
}

/// Compares the lineages upstream of `a` and `b` (node ids).
pub fn compare(lineage: &Lineage, evidence: &EvidenceSet, a: &str, b: &str, progress: &dyn Progress) -> LineageDiff {
    let alignment = align::align(lineage, a, b);
    progress.start(custody_evidence::progress::Phase::Compare, alignment.pairs.len() as u64);
    let mut cx = Comparer {
        lineage,
        evidence,
        al: &alignment,
        inputs: alignment.input_lists(),
        parents: alignment.first_parents(),
        tables: TableLocator::new(lineage, evidence),
        states: vec![None; alignment.pairs.len()],
        root_causes: Vec::new(),
        downstream: Vec::new(),
        progress,
    };
    for p in 0..alignment.pairs.len() {
        cx.state(p);
    }
    let Comparer { states, mut root_causes, mut downstream, .. } = cx;
    progress.finish();
    fold_code_witnesses(lineage, &mut root_causes);
    let order = |d: &Divergence| (d.kind, alignment.pairs[d.pair].depth, d.summary.clone());
    root_causes.sort_by_key(order);
    downstream.sort_by_key(|d| (std::cmp::Reverse(alignment.pairs[d.pair].depth), d.kind, d.summary.clone()));
    let summary = |id: &Option<String>| id.as_deref().and_then(|i| lineage.node(i)).map(NodeSummary::from);
    let pairs = alignment
        .pairs
        .iter()
        .zip(&states)
        .map(|(p, s)| AlignedNode { slot: p.slot.clone(), a: summary(&p.a), b: summary(&p.b), presence: p.presence, state: s.unwrap_or(PairState::Equal), depth: p.depth })
        .collect();
    let metrics = metric_pairs(lineage, &alignment);
    LineageDiff {
        a: lineage.node(a).map(NodeSummary::from).expect("resolved"),
        b: lineage.node(b).map(NodeSummary::from).expect("resolved"),
        divergences: root_causes,
        downstream,
        metrics,
        pairs,
        edges: alignment.inputs.clone(),
    }
}

struct Comparer<'a> {
    lineage: &'a Lineage,
    evidence: &'a EvidenceSet,
    al: &'a Alignment,
    inputs: Vec<Vec<usize>>,
    parents: Vec<Option<usize>>,
    /// Where the bytes of data nodes are (keeps scratch copies of git blobs until the end).
    tables: TableLocator<'a>,
    states: Vec<Option<PairState>>,
    root_causes: Vec<Divergence>,
    downstream: Vec<Divergence>,
    progress: &'a dyn Progress,
}

impl Comparer<'_> {
    fn node(&self, id: &Option<String>) -> Option<&Node> {
        id.as_deref().and_then(|i| self.lineage.node(i))
    }

    fn state(&mut self, p: usize) -> PairState {
        if let Some(s) = self.states[p] {
            return s;
        }
        // provisional, so a cycle ends here
        self.states[p] = Some(PairState::Equal);
        let pair = self.al.pairs[p].clone();
        let s = self.evaluate(p, &pair);
        self.states[p] = Some(s);
        self.progress.advance(1);
        s
    }

    fn divergence(&self, p: usize, pair: &Pair, kind: DivergenceKind, summary: String, detail: Detail) -> Divergence {
        Divergence { kind, pair: p, node_a: pair.a.clone(), node_b: pair.b.clone(), summary, detail }
    }

    fn evaluate(&mut self, p: usize, pair: &Pair) -> PairState {
        if pair.is_shared() {
            return PairState::Equal;
        }
        match pair.presence {
            Presence::Unrecorded => return PairState::Unrecorded,
            Presence::Added | Presence::Removed => {
                let node = self.node(&pair.a).or(self.node(&pair.b)).cloned().expect("one side exists");
                let kind = kind_of(self.lineage, &node);
                let word = if pair.presence == Presence::Added { "added" } else { "removed" };
                let parent = self.parents[p].and_then(|par| {
                    let pp = &self.al.pairs[par];
                    self.node(&pp.b).or(self.node(&pp.a)).map(|n| n.label.clone())
                });
                let summary = format!("{word} input{}: {}", parent.map(|l| format!(" of {l}")).unwrap_or_default(), node.label);
                let detail = match node.kind {
                    NodeKind::DataVersion | NodeKind::File => Detail::Data(self.data_detail(pair, &[])),
                    _ => Detail::Identity { a: pair.a.clone(), b: pair.b.clone() },
                };
                let d = self.divergence(p, pair, kind, summary, detail);
                self.root_causes.push(d);
                return PairState::RootCause;
            }
            Presence::Both => {}
        }
        let inputs = self.inputs[p].clone();
        let mut inputs_changed = false;
        for c in inputs {
            if matches!(self.state(c), PairState::RootCause | PairState::Downstream) {
                inputs_changed = true;
            }
        }
        let (Some(na), Some(nb)) = (self.node(&pair.a).cloned(), self.node(&pair.b).cloned()) else { return PairState::Equal };
        // leaves of their own: parameters, environment, a stage's command
        for (kind, summary, detail) in self.own_leaves(&na, &nb) {
            let d = self.divergence(p, pair, kind, summary, detail);
            self.root_causes.push(d);
            inputs_changed = true;
        }
        let content = self.content(pair, &na, &nb);
        let kind = kind_of(self.lineage, &nb);
        match (content, inputs_changed) {
            (Some((summary, detail)), false) => {
                let d = self.divergence(p, pair, kind, summary, detail);
                self.root_causes.push(d);
                PairState::RootCause
            }
            (Some((summary, detail)), true) => {
                let d = self.divergence(p, pair, kind, summary, detail);
                self.downstream.push(d);
                PairState::Downstream
            }
            (None, true) if has_content_identity(nb.kind) => PairState::Equal,
            (None, true) => {
                let summary = format!("{} → {}: differs because its inputs do", na.label, nb.label);
                let d = self.divergence(p, pair, kind, summary, Detail::Identity { a: pair.a.clone(), b: pair.b.clone() });
                self.downstream.push(d);
                PairState::Downstream
            }
            (None, false) => PairState::Equal,
        }
    }

    /// Parameter and environment changes of runs, command and parameter changes of stages.
    fn own_leaves(&self, a: &Node, b: &Node) -> Vec<(DivergenceKind, String, Detail)> {
        let mut out = Vec::new();
        if !matches!(a.kind, NodeKind::Run | NodeKind::Stage) || a.kind != b.kind {
            return out;
        }
        let params = |n: &Node| -> BTreeMap<String, String> {
            n.attrs.get("params").and_then(|p| p.as_object()).map(|o| flatten("", o)).unwrap_or_default()
        };
        let all = super::params(&params(a), &params(b));
        let (changes, unchanged): (Vec<ParamChange>, Vec<ParamChange>) = all.into_iter().partition(ParamChange::is_change);
        if !changes.is_empty() {
            let listed: Vec<String> = changes.iter().map(describe_param).collect();
            let summary = format!("{} → {}: {} ({} unchanged)", a.label, b.label, listed.join(", "), unchanged.len());
            out.push((DivergenceKind::Params, summary, Detail::Params(ParamsDetail { changes, unchanged })));
        }
        if a.kind == NodeKind::Stage && attr(a, "cmd") != attr(b, "cmd") {
            let summary = format!("{} → {}: command `{}` → `{}`", a.label, b.label, attr(a, "cmd").unwrap_or(""), attr(b, "cmd").unwrap_or(""));
            out.push((DivergenceKind::Code, summary, Detail::Identity { a: attr(a, "cmd").map(str::to_string), b: attr(b, "cmd").map(str::to_string) }));
        }
        if a.kind == NodeKind::Run {
            let env = self.environment(a, b);
            let changed: Vec<String> = env.files.iter().filter(|f| !f.changes.is_empty()).map(|f| format!("{} ({} packages)", f.role, f.changes.len())).collect();
            if !changed.is_empty() {
                let summary = format!("{} → {}: {}", a.label, b.label, changed.join(", "));
                out.push((DivergenceKind::Environment, summary, Detail::Environment(env)));
            }
        }
        out
    }

    /// How the content of two nodes of one part differs, if it does.
    fn content(&self, pair: &Pair, a: &Node, b: &Node) -> Option<(String, Detail)> {
        match b.kind {
            NodeKind::Commit => {
                if attr(a, "tree").is_some() && attr(a, "tree") == attr(b, "tree") {
                    return None;
                }
                let detail = self.code_detail(a, b);
                let summary = format!(
                    "commit {} → {}{}: {} commits, {} files changed",
                    short(attr(a, "sha").unwrap_or(&a.id)),
                    short(attr(b, "sha").unwrap_or(&b.id)),
                    detail.repository.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                    detail.commits.len(),
                    detail.files.len()
                );
                Some((summary, Detail::Code(detail)))
            }
            NodeKind::DataVersion | NodeKind::File | NodeKind::Dataset => {
                let key = match b.kind {
                    NodeKind::DataVersion => "md5",
                    NodeKind::Dataset => "digest",
                    _ => "sha256",
                };
                if attr(a, key).is_some() && attr(a, key) == attr(b, key) {
                    return None;
                }
                if b.kind == NodeKind::Dataset {
                    let summary = format!("{} → {} (MLflow dataset digest)", a.label, b.label);
                    return Some((summary, Detail::Identity { a: attr(a, key).map(str::to_string), b: attr(b, key).map(str::to_string) }));
                }
                let sources = self.tables.raw_sources_of(b);
                let detail = self.data_detail(pair, &sources);
                let tables: Vec<String> = detail.tables.iter().map(TableComparison::describe).collect();
                let mut summary = format!("{} → {}", a.label, b.label);
                if !tables.is_empty() {
                    summary = format!("{summary}: {}", tables.join("; "));
                } else if !detail.members_changed.is_empty() || !detail.members_added.is_empty() || !detail.members_removed.is_empty() {
                    summary = format!("{summary}: {} files changed, {} added, {} removed", detail.members_changed.len(), detail.members_added.len(), detail.members_removed.len());
                }
                Some((summary, Detail::Data(detail)))
            }
            NodeKind::LoggedModel => {
                let files = self.model_members(a, b);
                let real: Vec<&MemberChange> = files.iter().filter(|f| f.change != MemberChangeKind::Metadata).collect();
                if real.is_empty() {
                    return None;
                }
                let names: Vec<String> = real.iter().map(|f| format!("{} {}", f.name, f.change.name())).collect();
                Some((format!("{} → {}: {}", a.label, b.label, names.join(", ")), Detail::Model(ModelDetail { files })))
            }
            NodeKind::Agent => Some((format!("{} → {}", a.label, b.label), Detail::Identity { a: Some(a.id.clone()), b: Some(b.id.clone()) })),
            _ => None,
        }
    }

    fn code_detail(&self, a: &Node, b: &Node) -> CodeDetail {
        let (from, to) = (attr(a, "sha").unwrap_or("").to_string(), attr(b, "sha").unwrap_or("").to_string());
        let mut detail = CodeDetail { repository: None, from: from.clone(), to: to.clone(), commits: Vec::new(), commits_only_in_from: Vec::new(), files: Vec::new(), also_seen: Vec::new(), note: None };
        let repo_name = attr(b, "repository").or(attr(a, "repository"));
        let Some(repo) = repo_name.and_then(|r| self.evidence.repo(r)) else {
            detail.note = Some("the commits are not both in a repository of the evidence".into());
            return detail;
        };
        detail.repository = Some(repo.rel.as_str().to_string());
        let line = |c: custody_sources::git::Commit| CommitLine { sha: c.sha, summary: c.summary };
        match (repo.commits_between(&from, &to), repo.changed_files(&from, &to)) {
            (Some(commits), Some(files)) => {
                detail.commits = commits.into_iter().map(line).collect();
                detail.commits_only_in_from = repo.commits_between(&to, &from).unwrap_or_default().into_iter().map(line).collect();
                detail.files = files;
            }
            _ => detail.note = Some(format!("{} does not hold both commits", repo.rel)),
        }
        detail
    }

    fn data_detail(&self, pair: &Pair, sources: &[Node]) -> DataDetail {
        let (na, nb) = (self.node(&pair.a), self.node(&pair.b));
        let mut detail = DataDetail {
            path_a: na.map(|n| attr(n, "path").unwrap_or(&n.label).to_string()),
            path_b: nb.map(|n| attr(n, "path").unwrap_or(&n.label).to_string()),
            digest_a: na.and_then(|n| attr(n, "md5").or(attr(n, "sha256"))).map(str::to_string),
            digest_b: nb.and_then(|n| attr(n, "md5").or(attr(n, "sha256"))).map(str::to_string),
            members_added: Vec::new(),
            members_removed: Vec::new(),
            members_changed: Vec::new(),
            tables: Vec::new(),
            profiles: Vec::new(),
            notes: Vec::new(),
        };
        let mut notes = Vec::new();
        let ta = na.and_then(|n| self.tables.tables_of(n, &mut notes));
        let tb = nb.and_then(|n| self.tables.tables_of(n, &mut notes));
        let read = |local: &PathBuf, notes: &mut Vec<String>| -> Option<polars::prelude::DataFrame> { custody_sources::dataset::read_local_table(local).map_err(|e| notes.push(e.to_string())).ok() };
        // raw sources, read once
        let mut raw_tables = Vec::new();
        for s in sources {
            let mut ignored = Vec::new();
            if let Some(t) = self.tables.tables_of(s, &mut ignored) {
                if let Some((_, (_, local))) = t.into_iter().next() {
                    if let Some(df) = read(&local, &mut ignored) {
                        raw_tables.push((attr(s, "path").unwrap_or(&s.label).to_string(), s.id.clone(), df));
                    }
                }
            }
        }
        let raw: Vec<RawSource<'_>> = raw_tables.iter().map(|(path, node, df)| RawSource { path: path.clone(), node: node.clone(), table: df }).collect();
        match (ta, tb) {
            (Some(ta), Some(tb)) => {
                for (member, (digest_b, local_b)) in &tb {
                    match ta.get(member) {
                        None => detail.members_added.push(member.clone()),
                        Some((digest_a, _)) if digest_a == digest_b && !digest_a.is_empty() => {}
                        Some((_, local_a)) => {
                            if !member.is_empty() {
                                detail.members_changed.push(member.clone());
                            }
                            if local_a.as_os_str().is_empty() || local_b.as_os_str().is_empty() {
                                continue;
                            }
                            if let (Some(a), Some(b)) = (read(local_a, &mut notes), read(local_b, &mut notes)) {
                                match data::compare_tables(member, &a, &b, &raw) {
                                    Ok(t) => detail.tables.push(t),
                                    Err(e) => notes.push(format!("{member}: {e}")),
                                }
                            }
                        }
                    }
                }
                detail.members_removed = ta.keys().filter(|m| !tb.contains_key(*m)).cloned().collect();
            }
            (one_a, one_b) => {
                for (member, (_, local)) in one_a.into_iter().chain(one_b).flatten() {
                    if local.as_os_str().is_empty() {
                        continue;
                    }
                    if let Some(df) = read(&local, &mut notes) {
                        let columns = df.columns().iter().map(|c| (c.name().to_string(), data::summarise(c))).collect();
                        detail.profiles.push(TableProfile { member, rows: df.height(), columns });
                    }
                }
            }
        }
        detail.notes = notes;
        detail
    }

    /// Member files of two logged models, by name within the model.
    fn model_members(&self, a: &Node, b: &Node) -> Vec<MemberChange> {
        let members = |n: &Node| -> BTreeMap<String, (String, Option<String>)> {
            let base = attr(n, "local_path").unwrap_or("");
            self.lineage
                .outgoing(&n.id)
                .into_iter()
                .filter(|e| e.relation == Relation::HadMember)
                .filter_map(|e| self.lineage.node(&e.to))
                .map(|f| {
                    let name = f.label.strip_prefix(base).map(|s| s.trim_start_matches('/')).unwrap_or(&f.label).to_string();
                    (name, (f.label.clone(), attr(f, "sha256").map(str::to_string)))
                })
                .collect()
        };
        let (ma, mb) = (members(a), members(b));
        let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            let (x, y) = (ma.get(name), mb.get(name));
            let (sa, sb) = (x.and_then(|v| v.1.clone()), y.and_then(|v| v.1.clone()));
            let change = match (x, y) {
                (None, Some(_)) => MemberChangeKind::Added,
                (Some(_), None) => MemberChangeKind::Removed,
                _ if sa.is_some() && sa == sb => continue,
                (Some((pa, _)), Some((pb, _))) if name == "MLmodel" && self.same_mlmodel(pa, pb) => MemberChangeKind::Metadata,
                _ => MemberChangeKind::Changed,
            };
            out.push(MemberChange { name: name.clone(), change, sha256_a: sa, sha256_b: sb });
        }
        out
    }

    /// Whether two `MLmodel` files say the same once the ids and times MLflow stamps on every
    /// model are set aside.
    fn same_mlmodel(&self, a: &str, b: &str) -> bool {
        let parse = |p: &str| -> Option<Value> {
            let mut v: Value = serde_norway::from_slice(&self.evidence.read(p)?).ok()?;
            if let Some(o) = v.as_object_mut() {
                for k in ["run_id", "model_uuid", "model_id", "utc_time_created", "artifact_path", "model_size_bytes"] {
                    o.remove(k);
                }
            }
            Some(v)
        };
        matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
    }

    /// The environment files of two runs: those of the models each logged, and the
    /// repository's at each run's commit.
    fn environment(&self, a: &Node, b: &Node) -> EnvironmentDetail {
        let model_files = |run: &Node| -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            for e in self.lineage.incoming(&run.id).into_iter().filter(|e| e.relation == Relation::WasGeneratedBy) {
                let Some(m) = self.lineage.node(&e.from).filter(|m| m.kind == NodeKind::LoggedModel) else { continue };
                for f in self.lineage.outgoing(&m.id).into_iter().filter(|e| e.relation == Relation::HadMember) {
                    let Some(path) = custody_lineage::id::file_path(&f.to) else { continue };
                    let name = path.rsplit('/').next().unwrap_or("").to_string();
                    if matches!(name.as_str(), "requirements.txt" | "conda.yaml" | "python_env.yaml") {
                        out.entry(format!("model {name}")).or_insert(path);
                    }
                }
            }
            out
        };
        let (fa, fb) = (model_files(a), model_files(b));
        let mut roles: Vec<&String> = fa.keys().chain(fb.keys()).collect();
        roles.sort();
        roles.dedup();
        let mut files = Vec::new();
        for role in roles {
            let packages = |p: Option<&String>| -> BTreeMap<String, String> {
                let Some(text) = p.and_then(|p| self.evidence.read(p)).and_then(|b| String::from_utf8(b).ok()) else { return BTreeMap::new() };
                environment_packages(role, &text)
            };
            let changes = super::packages(&packages(fa.get(role)), &packages(fb.get(role)));
            files.push(EnvironmentFile { role: role.clone(), a: fa.get(role).cloned(), b: fb.get(role).cloned(), changes });
        }
        // the repository's requirements at each run's commit
        let commit_of = |run: &Node| -> Option<(String, String)> {
            let c = self.lineage.outgoing(&run.id).into_iter().find(|e| e.relation == Relation::Used && e.role.as_deref() == Some("code"))?;
            let n = self.lineage.node(&c.to)?;
            Some((attr(n, "repository")?.to_string(), attr(n, "sha")?.to_string()))
        };
        if let (Some((ra, ca)), Some((rb, cb))) = (commit_of(a), commit_of(b)) {
            for name in ["requirements.txt", "environment.yml", "environment.yaml", "conda.yaml"] {
                let text = |r: &str, c: &str| self.evidence.repo(r).and_then(|g| g.blob_at(c, name)).and_then(|b| String::from_utf8(b).ok());
                let (ta, tb) = (text(&ra, &ca), text(&rb, &cb));
                if ta.is_none() && tb.is_none() {
                    continue;
                }
                let role = format!("repository {name}");
                let parse = |t: Option<String>| t.map(|t| environment_packages(name, &t)).unwrap_or_default();
                let changes = super::packages(&parse(ta.clone()), &parse(tb.clone()));
                files.push(EnvironmentFile { role, a: ta.map(|_| format!("{ra}@{}:{name}", short(&ca))), b: tb.map(|_| format!("{rb}@{}:{name}", short(&cb))), changes });
            }
        }
        EnvironmentDetail { files }
    }
}

/// The packages of an environment file, by its name.
fn environment_packages(name: &str, text: &str) -> BTreeMap<String, String> {
    if name.ends_with("python_env.yaml") {
        let Ok(doc) = serde_norway::from_str::<Value>(text) else { return BTreeMap::new() };
        let mut out = BTreeMap::new();
        if let Some(py) = doc.get("python").and_then(|v| v.as_str()) {
            out.insert("python".to_string(), format!("=={py}"));
        }
        for key in ["build_dependencies", "dependencies"] {
            let lines: Vec<&str> = doc.get(key).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
            out.extend(super::requirement_lines(lines));
        }
        return out;
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return super::conda_packages(text).unwrap_or_default();
    }
    super::requirement_lines(text.lines())
}

/// Parameters as flat names: nested maps (DVC's `train: {max_depth: 3}`) become dotted names.
fn flatten(prefix: &str, o: &serde_json::Map<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            Value::Object(inner) => out.extend(flatten(&name, inner)),
            Value::String(s) => {
                out.insert(name, s.clone());
            }
            other => {
                out.insert(name, other.to_string());
            }
        }
    }
    out
}

fn describe_param(c: &ParamChange) -> String {
    match c {
        ParamChange::Added { name, b } => format!("{name} added ({b})"),
        ParamChange::Removed { name, a } => format!("{name} removed (was {a})"),
        ParamChange::Changed { name, a, b } => format!("{name} {a} → {b}"),
        ParamChange::Unchanged { name, value } => format!("{name} {value}"),
    }
}

fn short(sha: &str) -> &str {
    custody_evidence::text::head(sha, 8)
}

fn has_content_identity(kind: NodeKind) -> bool {
    matches!(kind, NodeKind::Commit | NodeKind::DataVersion | NodeKind::File | NodeKind::Dataset | NodeKind::LoggedModel)
}

/// The kind of divergence a node stands for. A DVC dependency that no stage generated and no
/// `.dvc` file added is a file tracked by git: code (or configuration), not data.
fn kind_of(lineage: &Lineage, n: &Node) -> DivergenceKind {
    match n.kind {
        NodeKind::Commit => DivergenceKind::Code,
        NodeKind::DataVersion => {
            let generated = lineage.outgoing(&n.id).iter().any(|e| e.relation == Relation::WasGeneratedBy);
            if generated || n.attrs.contains_key("added_by") || Format::of(attr(n, "path").unwrap_or("")).is_some() || attr(n, "md5").is_some_and(|m| m.ends_with(".dir")) {
                DivergenceKind::Data
            } else {
                DivergenceKind::Code
            }
        }
        NodeKind::File | NodeKind::Dataset => DivergenceKind::Data,
        NodeKind::LoggedModel | NodeKind::ModelVersion | NodeKind::Alias => DivergenceKind::Model,
        NodeKind::Run | NodeKind::Build => DivergenceKind::Run,
        NodeKind::Stage => DivergenceKind::Stage,
        NodeKind::Agent => DivergenceKind::Agent,
        _ => DivergenceKind::Other,
    }
}

/// Folds a code-file dependency that changed into the commit divergence whose diff holds the
/// same file (one change, two witnesses).
fn fold_code_witnesses(lineage: &Lineage, root_causes: &mut Vec<Divergence>) {
    let changed_files: Vec<(usize, Vec<String>)> = root_causes
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match &d.detail {
            Detail::Code(c) => Some((i, c.files.iter().map(|f| f.path.clone()).collect())),
            _ => None,
        })
        .collect();
    if changed_files.is_empty() {
        return;
    }
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (j, d) in root_causes.iter().enumerate() {
        if d.kind != DivergenceKind::Code || matches!(d.detail, Detail::Code(_)) {
            continue;
        }
        let Some(node) = d.node_b.as_deref().or(d.node_a.as_deref()).and_then(|id| lineage.node(id)) else { continue };
        if node.kind != NodeKind::DataVersion {
            continue;
        }
        let path = attr(node, "path").unwrap_or("");
        if let Some((i, _)) = changed_files.iter().find(|(_, files)| files.iter().any(|f| path == f || path.ends_with(&format!("/{f}")))) {
            folded.push((*i, j));
        }
    }
    let mut drop: Vec<usize> = Vec::new();
    for (i, j) in folded {
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

/// The metrics of every aligned pair of runs, side by side.
fn metric_pairs(lineage: &Lineage, al: &Alignment) -> Vec<MetricPair> {
    let mut out = Vec::new();
    for p in &al.pairs {
        let (Some(a), Some(b)) = (p.a.as_deref().and_then(|i| lineage.node(i)), p.b.as_deref().and_then(|i| lineage.node(i))) else { continue };
        if a.kind != NodeKind::Run || b.kind != NodeKind::Run {
            continue;
        }
        let metrics = |n: &Node| -> BTreeMap<String, f64> { n.attrs.get("metrics").and_then(|m| m.as_object()).map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()).unwrap_or_default() };
        let (ma, mb) = (metrics(a), metrics(b));
        let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            out.push(MetricPair { run_a: a.id.clone(), run_b: b.id.clone(), name: name.clone(), a: ma.get(name).copied(), b: mb.get(name).copied() });
        }
    }
    out
}
