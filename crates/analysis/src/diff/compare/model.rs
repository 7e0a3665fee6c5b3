//! What a comparison of two lineages produces: the divergence records and the aligned pairs,
//! as they are serialised.
//!
//! Why: the command line, the desktop app (through the TypeScript types generated from these)
//! and the evidence report all read one answer. Keeping the types apart from the comparers
//! that fill them makes the shape of that answer one place to read and one place to change.
//!
//! Guarantees: these are plain data (no evidence, no lineage behind them); the field names and
//! their order are the JSON that `custody diff --json` prints and the UI receives.

use custody_lineage::query::NodeSummary;
use custody_sources::git::FileChange;

use crate::diff::align::Presence;
use crate::diff::data::{self, TableComparison};
use crate::diff::{PackageChange, ParamChange};

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
