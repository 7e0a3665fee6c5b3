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
//!
//! This module is the entry point ([`compare`]) and the walk every comparer shares (the
//! `Comparer`): it decides the state of each aligned pair from its own comparison and the
//! states of its inputs, hands each pair to the comparer for its kind, and orders what they
//! find. The model and the comparers are modules of one concern each:
//! * `model`: the types a comparison produces and serialises (re-exported here);
//! * `code`: commits, and the folding of a changed code file into its commit's divergence;
//! * `datasets`: data versions, files and MLflow datasets, down to the rows of their tables;
//! * `models`: the member files of logged models;
//! * `params`: the parameters of runs and stages;
//! * `stages`: the command of a DVC stage;
//! * `environment`: the package environments of runs;
//! * `metrics`: the metrics of aligned runs, side by side.

mod code;
mod datasets;
mod environment;
mod metrics;
mod model;
mod models;
mod params;
mod stages;

pub use model::{
    AlignedNode, CodeDetail, CommitLine, DataDetail, Detail, Divergence, DivergenceKind, EnvironmentDetail, EnvironmentFile, LineageDiff, MemberChange, MemberChangeKind, MetricPair, ModelDetail, PairState, ParamsDetail, TableProfile,
};

use super::align::{self, Alignment, Pair, Presence};
use crate::tables::TableLocator;
use custody_evidence::progress::Progress;
use custody_lineage::query::NodeSummary;
use custody_lineage::{Lineage, Node, NodeKind, Payload, Relation};
use custody_sources::EvidenceSet;
use custody_sources::dataset::Format;

/// Tables larger than this are not compared row by row (the divergence says so).
pub use custody_sources::dataset::TABLE_LIMIT;

/// A divergence a comparer found, before it is tied to its pair: its kind, one line for a
/// person, and its evidence.
type Leaf = (DivergenceKind, String, Detail);

fn short(sha: &str) -> &str {
    custody_evidence::text::head(sha, 8)
}

/// Compares the lineages upstream of `a` and `b` (node ids).
pub fn compare(lineage: &Lineage, evidence: &EvidenceSet, a: &str, b: &str, progress: &dyn Progress) -> LineageDiff {
    let alignment = align::align(lineage, a, b);
    progress.start(custody_evidence::progress::Phase::Compare, alignment.pairs.len() as u64);
    let mut cx = Comparer::new(lineage, evidence, &alignment, progress);
    for p in 0..alignment.pairs.len() {
        cx.state(p);
    }
    let Comparer { states, mut root_causes, mut downstream, .. } = cx;
    progress.finish();
    code::fold_witnesses(lineage, &mut root_causes);
    order(&alignment, &mut root_causes, &mut downstream);
    let pairs = aligned_nodes(lineage, &alignment, &states);
    let metrics = metrics::metric_pairs(lineage, &alignment);
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

/// Root causes most fundamental kind first, then nearest the roots; downstream divergences
/// from the farthest back to the roots.
fn order(alignment: &Alignment, root_causes: &mut [Divergence], downstream: &mut [Divergence]) {
    let order = |d: &Divergence| (d.kind, alignment.pairs[d.pair].depth, d.summary.clone());
    root_causes.sort_by_key(order);
    downstream.sort_by_key(|d| (std::cmp::Reverse(alignment.pairs[d.pair].depth), d.kind, d.summary.clone()));
}

/// Every aligned pair with its state, for drawing (a pair never decided is equal).
fn aligned_nodes(lineage: &Lineage, alignment: &Alignment, states: &[Option<PairState>]) -> Vec<AlignedNode> {
    let summary = |id: &Option<String>| id.as_deref().and_then(|i| lineage.node(i)).map(NodeSummary::from);
    alignment
        .pairs
        .iter()
        .zip(states)
        .map(|(p, s)| AlignedNode { slot: p.slot.clone(), a: summary(&p.a), b: summary(&p.b), presence: p.presence, state: s.unwrap_or(PairState::Equal), depth: p.depth })
        .collect()
}

/// The walk over the aligned pairs: the state of each, and the divergences found so far.
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

impl<'a> Comparer<'a> {
    fn new(lineage: &'a Lineage, evidence: &'a EvidenceSet, alignment: &'a Alignment, progress: &'a dyn Progress) -> Comparer<'a> {
        Comparer {
            lineage,
            evidence,
            al: alignment,
            inputs: alignment.input_lists(),
            parents: alignment.first_parents(),
            tables: TableLocator::new(lineage, evidence),
            states: vec![None; alignment.pairs.len()],
            root_causes: Vec::new(),
            downstream: Vec::new(),
            progress,
        }
    }
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
            Presence::Unrecorded => PairState::Unrecorded,
            Presence::Added | Presence::Removed => self.one_sided(p, pair),
            Presence::Both => self.both_sides(p, pair),
        }
    }

    /// An input only one side has: a root cause of its own, with a profile of its tables when
    /// it is data.
    fn one_sided(&mut self, p: usize, pair: &Pair) -> PairState {
        let node = self.node(&pair.a).or(self.node(&pair.b)).cloned().expect("one side exists");
        let kind = kind_of(self.lineage, &node);
        let word = if pair.presence == Presence::Added { "added" } else { "removed" };
        let parent = self.parents[p].and_then(|par| {
            let pp = &self.al.pairs[par];
            self.node(&pp.b).or(self.node(&pp.a)).map(|n| n.label.clone())
        });
        let summary = format!("{word} input{}: {}", parent.map(|l| format!(" of {l}")).unwrap_or_default(), node.label);
        let detail = match node.kind() {
            NodeKind::DataVersion | NodeKind::File => Detail::Data(datasets::detail(&self.tables, self.node(&pair.a), self.node(&pair.b), &[])),
            _ => Detail::Identity { a: pair.a.clone(), b: pair.b.clone() },
        };
        let d = self.divergence(p, pair, kind, summary, detail);
        self.root_causes.push(d);
        PairState::RootCause
    }

    /// A pair on both sides: its inputs are decided first, then its own leaves (each a root
    /// cause), then its content.
    fn both_sides(&mut self, p: usize, pair: &Pair) -> PairState {
        let mut inputs_changed = self.inputs_changed(p);
        let (Some(na), Some(nb)) = (self.node(&pair.a).cloned(), self.node(&pair.b).cloned()) else { return PairState::Equal };
        // leaves of their own: parameters, environment, a stage's command
        for (kind, summary, detail) in self.own_leaves(&na, &nb) {
            let d = self.divergence(p, pair, kind, summary, detail);
            self.root_causes.push(d);
            inputs_changed = true;
        }
        self.settle(p, pair, &na, &nb, inputs_changed)
    }

    /// Whether an input of pair `p` differs. Every input is decided, none is skipped.
    fn inputs_changed(&mut self, p: usize) -> bool {
        let inputs = self.inputs[p].clone();
        let mut changed = false;
        for c in inputs {
            if matches!(self.state(c), PairState::RootCause | PairState::Downstream) {
                changed = true;
            }
        }
        changed
    }

    /// The state of a pair on both sides from its content and whether its inputs changed: a
    /// content change is a root cause when the inputs are equal and downstream otherwise.
    fn settle(&mut self, p: usize, pair: &Pair, na: &Node, nb: &Node, inputs_changed: bool) -> PairState {
        let content = self.content(na, nb);
        let kind = kind_of(self.lineage, nb);
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
            (None, true) if has_content_identity(nb.kind()) => PairState::Equal,
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
    fn own_leaves(&self, a: &Node, b: &Node) -> Vec<Leaf> {
        let mut out = Vec::new();
        if !matches!(a.kind(), NodeKind::Run | NodeKind::Stage) || a.kind() != b.kind() {
            return out;
        }
        out.extend(params::compare(a, b));
        if a.kind() == NodeKind::Stage {
            out.extend(stages::compare_command(a, b));
        }
        if a.kind() == NodeKind::Run {
            out.extend(environment::compare(self.lineage, self.evidence, a, b));
        }
        out
    }

    /// How the content of two nodes of one part differs, if it does.
    fn content(&self, a: &Node, b: &Node) -> Option<(String, Detail)> {
        match b.kind() {
            NodeKind::Commit => code::compare(self.evidence, a, b),
            NodeKind::DataVersion | NodeKind::File | NodeKind::Dataset => datasets::compare(&self.tables, a, b),
            NodeKind::LoggedModel => models::compare(self.lineage, self.evidence, a, b),
            NodeKind::Agent | NodeKind::Key => Some((format!("{} → {}", a.label, b.label), Detail::Identity { a: Some(a.id.clone()), b: Some(b.id.clone()) })),
            _ => None,
        }
    }
}

fn has_content_identity(kind: NodeKind) -> bool {
    matches!(kind, NodeKind::Commit | NodeKind::DataVersion | NodeKind::File | NodeKind::Dataset | NodeKind::LoggedModel)
}

/// The kind of divergence a node stands for. A DVC dependency that no stage generated and no
/// `.dvc` file added is a file tracked by git: code (or configuration), not data. A signing
/// key is an agent, as a person is.
fn kind_of(lineage: &Lineage, n: &Node) -> DivergenceKind {
    match &n.payload {
        Payload::Commit(_) => DivergenceKind::Code,
        Payload::DataVersion(d) => {
            let generated = lineage.outgoing(&n.id).iter().any(|e| e.relation == Relation::WasGeneratedBy);
            if generated || d.added_by.is_some() || Format::of(d.path.as_str()).is_some() || d.is_dir() {
                DivergenceKind::Data
            } else {
                DivergenceKind::Code
            }
        }
        Payload::File(_) | Payload::Dataset(_) => DivergenceKind::Data,
        Payload::LoggedModel(_) | Payload::ModelVersion(_) | Payload::Alias(_) => DivergenceKind::Model,
        Payload::Run(_) | Payload::Build(_) => DivergenceKind::Run,
        Payload::Stage(_) => DivergenceKind::Stage,
        Payload::Agent(_) | Payload::Key(_) => DivergenceKind::Agent,
        Payload::Signature(_) | Payload::Attestation(_) => DivergenceKind::Other,
    }
}
