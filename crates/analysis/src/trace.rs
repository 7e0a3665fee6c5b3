//! Tracing one automated decision back to what made it: `custody trace`.
//!
//! Why: an auditor must say, for one decision, which model version made it and what that
//! model was built from. The chain is: the logged prediction → the model version the log
//! names (and the alias it was served under) → the digest of the model artifact → the MLflow
//! run that trained it → its commit, parameters and environment → its training and validation
//! datasets → the raw sources those were built from. Each link carries the verification status
//! of what it rests on (the case's findings) and the trace's own checks: does the logged
//! artifact digest match the bytes of the version's model file, does the logged run match the
//! version's run, is the log itself intact and signed.
//!
//! Guarantees: a prediction whose model matches nothing known is a failing check in the
//! trace, not an error; the only errors are a prediction id no log holds, and unreadable logs.
//! Evidence is only read.

use std::collections::BTreeMap;

use serde_json::Value;

use custody_sources::EvidenceSet;
use custody_sources::inference::{FieldOverrides, InferenceLog, LoggedPrediction};
use custody_sources::mlflow::DatasetRole;
use custody_sources::mlmodel::MlModel;
use custody_lineage::id::{file_path, is_kind};
use custody_lineage::{Lineage, Node, NodeId, NodeKind, Relation};
use crate::tables::TableLocator;
use custody_verify::{Finding, Status};

/// The model version that made the decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TracedModel {
    pub name: Option<String>,
    pub version: Option<String>,
    /// The sha256 of the artifact that served: the logged digest when the log records one,
    /// else the digest of the version's model file.
    pub digest: Option<String>,
    pub node: Option<String>,
    /// The alias the log says served it (`models:/NAME@ALIAS`), with the version the registry
    /// gives that alias now (MLflow keeps no alias history).
    pub alias: Option<String>,
    pub alias_now: Option<String>,
    /// The alias's node, when the registry has that alias.
    pub alias_node: Option<String>,
    pub logged_model: Option<String>,
    /// Every evidence file whose bytes have the logged digest.
    pub artifacts: Vec<String>,
}

/// The run that trained the model.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TracedRun {
    pub id: String,
    pub name: String,
    pub node: String,
    pub user: Option<String>,
    /// Start time, milliseconds since the epoch, as MLflow records it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub start_time: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number>"))]
    pub metrics: BTreeMap<String, f64>,
}

/// The code the run was trained from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TracedCommit {
    pub sha: String,
    pub summary: String,
    pub repository: Option<String>,
    pub tags: Vec<String>,
    pub node: String,
}

/// A file of the model's environment, or a data file: where, which digest, which status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TracedFile {
    pub path: String,
    pub sha256: Option<String>,
    pub md5: Option<String>,
    pub node: Option<String>,
    pub status: Option<Status>,
}

/// A dataset the run used.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TracedDataset {
    pub path: String,
    pub sha256: Option<String>,
    pub md5: Option<String>,
    /// What the run used it for, as MLflow's input context records it (`training`, `testing`,
    /// `validation` …; `input` when none is recorded).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub role: DatasetRole,
    /// MLflow's name and digest of the dataset record.
    pub name: Option<String>,
    pub digest: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub rows: Option<u64>,
    /// The dataset node, and the DVC data version it was tied to.
    pub node: String,
    pub data_version: Option<String>,
    pub status: Option<Status>,
}

/// One check along the chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LinkCheck {
    pub link: Link,
    pub node: Option<String>,
    pub status: Status,
    pub detail: String,
}

/// A link of the chain behind a decision, from the log to the raw data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Link {
    /// The inference log and its record of the decision.
    Log,
    /// The model version that served it.
    Model,
    /// The model's files and their digest.
    Artifact,
    /// The training run.
    Run,
    /// The code commit of the run.
    Commit,
    /// The environment files (requirements, conda).
    Environment,
    /// The datasets the run used.
    Dataset,
    /// The raw sources of those datasets.
    Source,
}

impl Link {
    pub fn name(self) -> &'static str {
        match self {
            Link::Log => "log",
            Link::Model => "model",
            Link::Artifact => "artifact",
            Link::Run => "run",
            Link::Commit => "commit",
            Link::Environment => "environment",
            Link::Dataset => "dataset",
            Link::Source => "source",
        }
    }
}

/// The whole chain behind one decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Trace {
    pub prediction: LoggedPrediction,
    /// The log's node, when the log is in the case's evidence.
    pub log_node: Option<String>,
    /// Other records of the same id (copies of the log in other formats, duplicates).
    pub also_logged: Vec<String>,
    pub model: TracedModel,
    pub run: Option<TracedRun>,
    pub commit: Option<TracedCommit>,
    pub params: BTreeMap<String, String>,
    pub environment: Vec<TracedFile>,
    pub datasets: Vec<TracedDataset>,
    pub sources: Vec<TracedFile>,
    pub verification: Vec<LinkCheck>,
    /// The node ids of the chain, prediction side first (for highlighting in a graph).
    pub chain: Vec<String>,
    /// How many checks fail (status `untrusted-key` or worse).
    pub failures: usize,
}

/// Why a trace could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("no inference log in the case records prediction `{id}` (logs searched: {})", if searched.is_empty() { "none found; name one with --log".to_string() } else { searched.join(", ") })]
    UnknownPrediction { id: String, searched: Vec<String> },
    #[error(transparent)]
    Log(#[from] custody_sources::inference::InferenceError),
}

impl TraceError {
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        match self {
            TraceError::UnknownPrediction { .. } => custody_evidence::ErrorKind::Usage,
            // the logs searched could not be read: the evidence is at fault, whatever the cause
            TraceError::Log(_) => custody_evidence::ErrorKind::Input,
        }
    }
}

/// The SHA-256 of a file node's bytes, when they were hashed.
fn file_sha256(n: &Node) -> Option<&str> {
    n.payload.file()?.sha256.as_deref()
}

fn out_edges(lineage: &Lineage, id: &str, relation: Relation) -> Vec<custody_lineage::Edge> {
    lineage.outgoing(id).into_iter().filter(|e| e.relation == relation).collect()
}

/// Every inference log of the evidence (or the logs named), opened with `overrides`.
pub fn logs(evidence: &EvidenceSet, named: &[String], overrides: &FieldOverrides) -> Result<Vec<InferenceLog>, custody_sources::inference::InferenceError> {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for ev in &evidence.roots {
        if named.is_empty() {
            let files: Vec<custody_evidence::RelPath> = ev.entries.iter().filter(|e| e.kind == custody_evidence::EntryKind::File).map(|e| e.rel.clone()).collect();
            out.extend(custody_sources::inference::discover(&ev.root, &files, overrides, &mut rejected));
        } else {
            for name in named {
                let Ok(rel) = custody_evidence::RelPath::new(name) else { continue };
                let local = rel.to_local(&ev.root);
                if local.is_file() && !out.iter().any(|l: &InferenceLog| l.rel == rel.as_str()) {
                    out.push(InferenceLog::open(&local, rel.as_str(), overrides)?);
                }
            }
        }
    }
    // the investigator named a column no log has: say so rather than "not found"
    if out.is_empty() {
        if let Some(e) = rejected.into_iter().next() {
            return Err(e);
        }
    }
    Ok(out)
}

/// Traces prediction `id` through the locator's lineage, reading the logs in `logs` and the
/// data through `tables`.
pub fn trace(tables: &TableLocator, findings: &[Finding], logs: &[InferenceLog], id: &str) -> Result<Trace, TraceError> {
    let mut found: Vec<LoggedPrediction> = Vec::new();
    for log in logs {
        found.extend(log.find(id)?);
    }
    if found.is_empty() {
        return Err(TraceError::UnknownPrediction { id: id.to_string(), searched: logs.iter().map(|l| l.rel.clone()).collect() });
    }
    // the JSON-lines record first (the richest), then CSV, then Parquet; in log order
    found.sort_by_key(|p| p.format as u8);
    let prediction = found[0].clone();
    let mut t = Tracer { lineage: tables.lineage, evidence: tables.evidence, tables, findings, checks: Vec::new(), chain: Vec::new(), log_node: None };
    t.check_log(&prediction, &found);
    let also_logged = found[1..].iter().map(|p| format!("{} {}", p.log, p.record)).collect();
    let model = t.model(&prediction);
    let mut prediction = prediction;
    if let Some(signature) = model.logged_model.as_deref().and_then(|lm| t.signature_inputs(lm)) {
        let roles = logs.iter().find(|l| l.rel == prediction.log).map(|l| l.fields.roles.values().cloned().collect::<Vec<_>>()).unwrap_or_default();
        apply_signature(&mut prediction, &signature, &roles);
    }
    let run = model.node.as_deref().and_then(|v| t.run(v, &prediction));
    let mut params = BTreeMap::new();
    let mut commit = None;
    let mut environment = Vec::new();
    let mut datasets = Vec::new();
    let mut sources = Vec::new();
    if let Some(r) = &run {
        let node = tables.lineage.node(&r.node).expect("the run is a node");
        if let Some(run) = node.payload.run() {
            params = run.params.clone();
        }
        commit = t.commit(&r.node);
        environment = t.environment(&model);
        datasets = t.datasets(&r.node, commit.as_ref().map(|c| c.sha.as_str()));
        sources = t.sources(&datasets);
    }
    let failures = t.checks.iter().filter(|c| c.status.is_failure()).count();
    Ok(Trace { prediction, log_node: t.log_node, also_logged, model, run, commit, params, environment, datasets, sources, failures, verification: t.checks, chain: t.chain })
}

/// What the log claims served: the version node it names, or the name of a version the
/// registry cannot hold (a version that is not a number).
struct Claim {
    claimed: Option<String>,
    unheld: Option<String>,
}

struct Tracer<'a> {
    lineage: &'a Lineage,
    evidence: &'a EvidenceSet,
    tables: &'a TableLocator<'a>,
    findings: &'a [Finding],
    checks: Vec<LinkCheck>,
    chain: Vec<String>,
    log_node: Option<String>,
}

impl Tracer<'_> {
    fn check(&mut self, link: Link, node: Option<&str>, status: Status, detail: String) {
        self.checks.push(LinkCheck { link, node: node.map(str::to_string), status, detail });
    }

    fn visit(&mut self, id: &str) {
        if !self.chain.iter().any(|c| c == id) {
            self.chain.push(id.to_string());
        }
    }

    /// The case's verdict on a node: its status and the worst finding's detail.
    fn node_check(&mut self, link: Link, id: &str, what: &str) {
        let Some(n) = self.lineage.node(id) else { return };
        let worst = self.findings.iter().filter(|f| f.node.id == id).max_by_key(|f| f.status.severity());
        let status = n.status.or(worst.map(|f| f.status)).unwrap_or(Status::Unverifiable);
        let detail = match worst {
            Some(f) => format!("{what}: {}", f.detail),
            None => format!("{what}: no check applies"),
        };
        self.check(link, Some(id), status, detail);
    }

    fn check_log(&mut self, p: &LoggedPrediction, all: &[LoggedPrediction]) {
        let id = NodeId::file(&p.log).to_string();
        if self.lineage.contains(&id) {
            self.visit(&id);
            self.node_check(Link::Log, &id, &format!("the log {}", p.log));
            self.log_node = Some(id.clone());
        } else {
            self.check(Link::Log, None, Status::Missing, format!("{} is not in the case's evidence register", p.log));
        }
        let same_log: Vec<&LoggedPrediction> = all.iter().filter(|q| q.log == p.log).collect();
        if same_log.len() > 1 {
            self.check(Link::Log, Some(&id), Status::Conflict, format!("{} records prediction {} {} times ({})", p.log, p.id, same_log.len(), same_log.iter().map(|q| q.record.as_str()).collect::<Vec<_>>().join(", ")));
        }
        for q in all.iter().filter(|q| q.log != p.log) {
            let differs: Vec<&str> = [
                ("model version", &p.model_version, &q.model_version),
                ("model digest", &p.model_digest, &q.model_digest),
                ("model URI", &p.model_uri, &q.model_uri),
                ("run id", &p.run_id, &q.run_id),
            ]
            .into_iter()
            .filter(|(_, a, b)| a.is_some() && b.is_some() && a != b)
            .map(|(what, _, _)| what)
            .collect();
            let decision_differs = p.decision.is_some() && q.decision.is_some() && p.decision.as_ref().map(value_text) != q.decision.as_ref().map(value_text);
            if !differs.is_empty() || decision_differs {
                let mut what: Vec<&str> = differs;
                if decision_differs {
                    what.push("decision");
                }
                self.check(Link::Log, Some(&NodeId::file(&q.log).to_string()), Status::Conflict, format!("{} {} records prediction {} with a different {} than {} {}", q.log, q.record, p.id, what.join(", "), p.log, p.record));
            }
        }
    }

    /// Sha256 of every file node whose bytes have `digest`, and which logged models hold one.
    fn files_with_digest(&self, digest: &str) -> Vec<&Node> {
        self.lineage.nodes().into_iter().filter(|n| file_sha256(n) == Some(digest)).collect()
    }

    fn model_file_of(&self, logged_model: &str) -> Option<&Node> {
        let members: Vec<&Node> = out_edges(self.lineage, logged_model, Relation::HadMember).iter().filter_map(|e| self.lineage.node(&e.to)).collect();
        // the model's weights: the largest member that is not MLmodel or an environment file
        members
            .into_iter()
            .filter(|n| custody_lineage::served::is_weights(&n.label))
            .max_by_key(|n| n.payload.file().and_then(|f| f.size).unwrap_or(0))
    }

    fn model(&mut self, p: &LoggedPrediction) -> TracedModel {
        let digest = p.model_digest.as_deref().map(|d| d.trim().trim_start_matches("sha256:").to_ascii_lowercase());
        let mut m = TracedModel { name: p.model_name.clone(), version: p.model_version.clone(), digest: digest.clone(), node: None, alias: None, alias_now: None, alias_node: None, logged_model: None, artifacts: Vec::new() };
        // 1. what the log names: a models:/ URI, else a name and version
        let claim = self.log_claim(p, &mut m);
        // 2. the artifact digest: which files carry it, which versions hold those files
        let digest_versions = match &digest {
            Some(d) => self.digest_versions(d, &mut m),
            None => Vec::new(),
        };
        // 3. reconcile the claim with the digest
        let version_node = self.reconcile(claim, digest.is_some(), &digest_versions);
        if let Some(v) = &version_node {
            self.served_version(v, digest.as_deref(), &mut m);
        }
        m
    }

    /// What the log names: a `runs:/` or `models:/` URI, else a name and a version, else only
    /// an alias (whose version now is assumed). Notes on `m` the name, version and alias it gives.
    fn log_claim(&mut self, p: &LoggedPrediction, m: &mut TracedModel) -> Claim {
        let mut claimed = p.model_uri.as_deref().and_then(|uri| self.uri_claim(uri, m));
        let mut unheld = None;
        if claimed.is_some() {
            // named by a run or a logged model
        } else if let (Some(name), Some(version)) = (&m.name, &m.version) {
            match version.parse() {
                Ok(v) => claimed = Some(NodeId::model_version(name, v).to_string()),
                Err(_) => unheld = Some(format!("{name}/{version}")),
            }
        } else if let (Some(name), Some(alias)) = (&m.name, &m.alias) {
            // only the alias is known: the version it points to now is the best evidence left
            let alias_id = NodeId::alias(name, alias).to_string();
            claimed = out_edges(self.lineage, &alias_id, Relation::AlternateOf).first().map(|e| e.to.clone());
            if claimed.is_some() {
                self.check(Link::Model, None, Status::Unverifiable, format!("the log names only alias `{alias}`; the version it points to now is assumed (MLflow keeps no alias history)"));
            }
        }
        if let (Some(alias), Some(now), Some(version)) = (&m.alias, &m.alias_now, &m.version) {
            if now != version {
                self.check(Link::Model, None, Status::Unverifiable, format!("the log says alias `{alias}` served version {version}; the registry gives `{alias}` to version {now} now (it was moved since)"));
            }
        }
        Claim { claimed, unheld }
    }

    /// The version the log's model URI names by its run (`runs:/`) or logged model
    /// (`models:/m-…`); a `models:/NAME/VERSION` or `models:/NAME@ALIAS` URI is noted on `m`.
    fn uri_claim(&mut self, uri: &str, m: &mut TracedModel) -> Option<String> {
        if let Some(rest) = uri.strip_prefix("runs:/") {
            // `runs:/RUN_ID/ARTIFACT_PATH`: the version registered from that run's model
            let run = NodeId::run(rest.split('/').next().unwrap_or(rest)).to_string();
            if !self.lineage.contains(&run) {
                self.check(Link::Model, None, Status::Missing, format!("the log's model URI {uri} names a run the tracking store does not hold"));
            }
            return self.versions_from(&run, Relation::WasGeneratedBy, uri);
        }
        let rest = uri.strip_prefix("models:/")?;
        if let Some((name, alias)) = rest.split_once('@') {
            self.uri_alias(uri, name, alias, m);
            None
        } else if rest.starts_with("m-") && !rest.contains('/') {
            // an MLflow 3 logged model: the version registered from it
            let lm = NodeId::LoggedModel(rest.to_string()).to_string();
            if !self.lineage.contains(&lm) {
                self.check(Link::Model, None, Status::Missing, format!("the log's model URI {uri} names a logged model the tracking store does not hold"));
            }
            let claimed = self.versions_from(&lm, Relation::WasDerivedFrom, uri);
            m.logged_model = Some(lm);
            claimed
        } else {
            if let Some((name, version)) = rest.rsplit_once('/') {
                m.name.get_or_insert(name.to_string());
                m.version.get_or_insert(version.to_string());
            }
            None
        }
    }

    /// Notes on `m` the alias a `models:/NAME@ALIAS` URI names and the version the registry
    /// gives it now.
    fn uri_alias(&mut self, uri: &str, name: &str, alias: &str, m: &mut TracedModel) {
        m.name.get_or_insert(name.to_string());
        m.alias = Some(alias.to_string());
        let alias_id = NodeId::alias(name, alias).to_string();
        m.alias_now = out_edges(self.lineage, &alias_id, Relation::AlternateOf).first().and_then(|e| self.lineage.node(&e.to)).and_then(|n| n.payload.model_version()).map(|v| v.version.to_string());
        if self.lineage.contains(&alias_id) {
            self.visit(&alias_id);
            m.alias_node = Some(alias_id.clone());
        } else {
            self.check(Link::Model, None, Status::Missing, format!("the log's model URI {uri} names alias `{alias}`, which the registry does not have"));
        }
    }

    /// The model versions whose files carry the logged `digest`; the files are noted on `m`.
    fn digest_versions(&mut self, d: &str, m: &mut TracedModel) -> Vec<String> {
        let mut digest_versions: Vec<String> = Vec::new();
        let files: Vec<String> = self.files_with_digest(d).into_iter().map(|n| n.id.clone()).collect();
        m.artifacts = files.iter().map(|f| file_path(f).unwrap_or_else(|| f.clone())).collect();
        for f in &files {
            for e in self.lineage.incoming(f).into_iter().filter(|e| e.relation == Relation::HadMember) {
                for v in self.lineage.incoming(&e.from).into_iter().filter(|v| v.relation == Relation::WasDerivedFrom) {
                    if self.lineage.node(&v.from).is_some_and(|n| n.kind() == NodeKind::ModelVersion) && !digest_versions.contains(&v.from) {
                        digest_versions.push(v.from.clone());
                    }
                }
            }
        }
        if files.is_empty() {
            self.check(Link::Artifact, None, Status::Missing, format!("the logged model digest {d} matches no file in the evidence: the model that made this decision is not among the known artifacts"));
        }
        digest_versions
    }

    /// The version that served, from what the log claims and the versions the digest
    /// identifies (`digest_versions`, empty when the log records no digest).
    fn reconcile(&mut self, claim: Claim, has_digest: bool, digest_versions: &[String]) -> Option<String> {
        let Claim { claimed, unheld } = claim;
        let unheld = unheld.or_else(|| claimed.as_ref().filter(|c| !self.lineage.contains(c)).map(|c| version_text(c)));
        match (&claimed, digest_versions) {
            _ if unheld.is_some() => {
                self.check(Link::Model, None, Status::Missing, format!("the log names {}, which the registry does not hold", unheld.as_deref().unwrap_or_default()));
                digest_versions.first().cloned()
            }
            (Some(c), dv) if has_digest && !dv.is_empty() && !dv.contains(c) => {
                let names: Vec<String> = dv.iter().map(|v| version_text(v)).collect();
                self.check(Link::Artifact, Some(c), Status::Conflict, format!("the log says {} served, but the logged digest is that of {}", version_text(c), names.join(", ")));
                Some(c.clone())
            }
            (Some(c), _) => Some(c.clone()),
            (None, [one]) => {
                self.check(Link::Model, Some(one), Status::Verified, format!("the log names no version; the digest identifies {}", version_text(one)));
                Some(one.clone())
            }
            (None, []) => None,
            (None, many) => {
                self.check(Link::Model, None, Status::Unverifiable, format!("the log names no version and the digest is that of several: {}", many.join(", ")));
                None
            }
        }
    }

    /// Notes on `m` the version `v` that served and checks it, with the logged model it was
    /// made from and that model's file.
    fn served_version(&mut self, v: &str, digest: Option<&str>, m: &mut TracedModel) {
        let node = self.lineage.node(v).expect("exists").clone();
        if let Some(facts) = node.payload.model_version() {
            m.name = Some(facts.name.clone());
            m.version = Some(facts.version.to_string());
        }
        m.node = Some(v.to_string());
        self.visit(v);
        self.node_check(Link::Model, v, &format!("model version {}", version_text(v)));
        let lm = out_edges(self.lineage, v, Relation::WasDerivedFrom).into_iter().map(|e| e.to).find(|t| is_kind(t, NodeKind::LoggedModel));
        if let Some(lm) = lm {
            self.visit(&lm);
            m.logged_model = Some(lm.clone());
            if let Some(file) = self.model_file_of(&lm).cloned() {
                self.check_model_file(&file, digest, m);
            }
        }
    }

    /// Checks the logged digest against the SHA-256 of the served version's model `file`
    /// (which gives `m` its digest when the log records none).
    fn check_model_file(&mut self, file: &Node, digest: Option<&str>, m: &mut TracedModel) {
        self.visit(&file.id);
        let file_digest = file_sha256(file);
        match (digest, file_digest) {
            (Some(d), Some(f)) if d == f => {
                self.check(Link::Artifact, Some(&file.id), Status::Verified, format!("the logged digest {} is the SHA-256 of {} (re-hashed from the bytes)", short(d), file.label));
                self.node_check(Link::Artifact, &file.id, &file.label);
            }
            // a conflict already names the version whose digest the log has
            (Some(d), Some(f)) if !self.checks.iter().any(|c| c.link == Link::Artifact && c.status == Status::Conflict) => {
                self.check(Link::Artifact, Some(&file.id), Status::Mismatch, format!("the logged digest {} is not the SHA-256 of {} ({})", short(d), file.label, short(f)));
            }
            (None, f) => {
                m.digest = f.map(str::to_string);
                self.check(Link::Artifact, Some(&file.id), Status::Unverifiable, format!("the log records no artifact digest; {} is the version's model file", file.label));
            }
            _ => {}
        }
    }

    /// The model version registered from `from` (a run or a logged model), when exactly one is.
    fn versions_from(&mut self, from: &str, relation: Relation, uri: &str) -> Option<String> {
        let versions: Vec<String> = self.lineage.incoming(from).into_iter().filter(|e| e.relation == relation && is_kind(&e.from, NodeKind::ModelVersion)).map(|e| e.from).collect();
        match versions.as_slice() {
            [one] => Some(one.clone()),
            [] => None,
            many => {
                self.check(Link::Model, None, Status::Unverifiable, format!("{uri} was registered as several versions: {}", many.join(", ")));
                None
            }
        }
    }

    /// The input names of a logged model's signature (`MLmodel`'s `signature.inputs`, a JSON
    /// list of columns), when it records one; an `MLmodel` that cannot be read records none.
    fn signature_inputs(&self, logged_model: &str) -> Option<Vec<String>> {
        let mlmodel = out_edges(self.lineage, logged_model, Relation::HadMember).into_iter().map(|e| e.to).find(|m| m.ends_with("/MLmodel"))?;
        let names = MlModel::read_in(self.evidence, &file_path(&mlmodel)?).ok()?.input_names().ok()?;
        (!names.is_empty()).then_some(names)
    }

    fn run(&mut self, version: &str, p: &LoggedPrediction) -> Option<TracedRun> {
        let run_id = out_edges(self.lineage, version, Relation::WasGeneratedBy).into_iter().map(|e| e.to).find(|t| is_kind(t, NodeKind::Run))?;
        let n = self.lineage.node(&run_id)?.clone();
        self.visit(&run_id);
        let facts = n.payload.run();
        let id = facts.map(|r| r.run_id.clone()).or_else(|| NodeId::parse(&run_id).and_then(|r| r.as_run().map(str::to_string))).unwrap_or_default();
        self.node_check(Link::Run, &run_id, &format!("run {id}"));
        if let Some(logged) = &p.run_id {
            if *logged != id {
                self.check(Link::Run, Some(&run_id), Status::Conflict, format!("the log records run {logged}, but {} was produced by run {id}", version_text(version)));
            } else {
                self.check(Link::Run, Some(&run_id), Status::Verified, format!("the log's run id is the run that produced {}", version_text(version)));
            }
        }
        let metrics = facts.map(|r| r.finite_metrics()).unwrap_or_default();
        let (user, start_time) = (facts.and_then(|r| r.user.clone()), facts.and_then(|r| r.start_time));
        Some(TracedRun { id, name: n.label.rsplit_once(" (").map(|(name, _)| name.to_string()).unwrap_or_else(|| n.label.clone()), node: run_id, user, start_time, metrics })
    }

    fn commit(&mut self, run: &str) -> Option<TracedCommit> {
        let id = out_edges(self.lineage, run, Relation::Used).into_iter().find(|e| is_kind(&e.to, NodeKind::Commit))?.to;
        let n = self.lineage.node(&id)?.clone();
        self.visit(&id);
        let facts = n.payload.commit();
        let sha = facts.map(|c| c.sha.clone()).or_else(|| NodeId::parse(&id).and_then(|c| c.as_commit().map(str::to_string))).unwrap_or_default();
        self.node_check(Link::Commit, &id, &format!("commit {}", short(&sha)));
        let summary = n.label.split_once(' ').map(|(_, s)| s.to_string()).unwrap_or_default();
        let tags = facts.map(|c| c.tags.clone()).unwrap_or_default();
        let repository = facts.and_then(|c| c.repository.as_ref()).map(|r| r.as_str().to_string());
        Some(TracedCommit { sha, summary, repository, tags, node: id })
    }

    fn environment(&mut self, m: &TracedModel) -> Vec<TracedFile> {
        let Some(lm) = &m.logged_model else { return Vec::new() };
        let mut out = Vec::new();
        for e in out_edges(self.lineage, lm, Relation::HadMember) {
            let Some(n) = self.lineage.node(&e.to).cloned() else { continue };
            let name = n.label.rsplit('/').next().unwrap_or("");
            if matches!(name, "requirements.txt" | "conda.yaml" | "python_env.yaml") {
                self.node_check(Link::Environment, &n.id, &n.label);
                out.push(TracedFile { path: n.label.clone(), sha256: file_sha256(&n).map(str::to_string), md5: None, node: Some(n.id.clone()), status: n.status });
            }
        }
        out
    }

    fn datasets(&mut self, run: &str, commit: Option<&str>) -> Vec<TracedDataset> {
        let mut out = Vec::new();
        for e in out_edges(self.lineage, run, Relation::Used) {
            let Some(n) = self.lineage.node(&e.to).cloned() else { continue };
            let Some(facts) = n.payload.dataset() else { continue };
            self.visit(&n.id);
            let path = facts.local_path.clone().unwrap_or_else(|| n.label.clone());
            // a dataset record shared by several runs is tied to a data version per commit:
            // the one locked at this run's commit
            let versions: Vec<String> = out_edges(self.lineage, &n.id, Relation::WasDerivedFrom).into_iter().map(|e| e.to).filter(|t| is_kind(t, NodeKind::DataVersion)).collect();
            let at_commit = |v: &String| self.lineage.node(v).and_then(|d| d.payload.data_version()).is_some_and(|d| commit.is_some_and(|c| d.claimed_at(c)));
            let version = versions.iter().find(|v| at_commit(v)).or(versions.first()).cloned();
            let (mut sha256, mut md5) = (None, None);
            if let Some(v) = version.as_deref().and_then(|v| self.lineage.node(v)).cloned() {
                self.visit(&v.id);
                let mut notes = Vec::new();
                let facts = v.payload.data_version();
                let dir = facts.map(|d| d.path.as_str().to_string()).unwrap_or_default();
                let member = path.strip_prefix(&format!("{dir}/")).unwrap_or("").to_string();
                if let Some(tables) = self.tables.tables_of(&v, &mut notes) {
                    if let Some((digest, local)) = tables.get(&member).or_else(|| tables.get("")) {
                        md5 = Some(digest.clone()).filter(|d| !d.is_empty());
                        if !local.as_os_str().is_empty() {
                            sha256 = self.tables.sha256(local);
                        }
                    }
                }
                self.node_check(Link::Dataset, &v.id, &format!("{} (DVC data version {})", path, facts.map(|d| d.md5.as_str()).unwrap_or("")));
                if let (Some(m), Some(s)) = (&md5, &sha256) {
                    self.check(Link::Dataset, Some(&v.id), Status::Verified, format!("{path}: bytes found for md5 {m} (sha256 {})", short(s)));
                } else if md5.is_some() {
                    self.check(Link::Dataset, Some(&v.id), Status::Missing, format!("{path}: the bytes of this version are not in the evidence{}", notes.first().map(|n| format!(" ({n})")).unwrap_or_default()));
                }
            } else {
                self.check(Link::Dataset, Some(&n.id), Status::Unverifiable, format!("{path}: MLflow's dataset record is tied to no data version in the evidence"));
            }
            self.node_check(Link::Dataset, &n.id, &format!("dataset {}", n.label));
            let rows = facts.profiled_rows();
            out.push(TracedDataset {
                path,
                sha256,
                md5,
                role: DatasetRole::of(e.role.as_deref()),
                name: Some(facts.name.clone()),
                digest: Some(facts.digest.clone()),
                rows,
                node: n.id.clone(),
                data_version: version,
                status: n.status,
            });
        }
        out.sort_by_key(|d| (d.role != DatasetRole::Training, d.path.clone()));
        out
    }

    /// The raw data upstream of the datasets: data versions no stage generated, reached
    /// through the stages that built the datasets (code files excluded).
    fn sources(&mut self, datasets: &[TracedDataset]) -> Vec<TracedFile> {
        let mut out: Vec<TracedFile> = Vec::new();
        let mut queue: Vec<String> = datasets.iter().filter_map(|d| d.data_version.clone()).collect();
        let mut seen: Vec<String> = Vec::new();
        while let Some(id) = queue.pop() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id.clone());
            let stages: Vec<String> = out_edges(self.lineage, &id, Relation::WasGeneratedBy).into_iter().map(|e| e.to).collect();
            if stages.is_empty() && !datasets.iter().any(|d| d.data_version.as_deref() == Some(&id)) {
                let Some(n) = self.lineage.node(&id).cloned() else { continue };
                let facts = n.payload.data_version();
                let path = facts.map(|d| d.path.as_str()).unwrap_or(&n.label).to_string();
                if is_code(&path) && facts.is_none_or(|d| d.added_by.is_none()) {
                    continue;
                }
                self.visit(&id);
                self.node_check(Link::Source, &id, &format!("raw source {path}"));
                let sha256 = self.sha256_of_version(&n);
                out.push(TracedFile { path, sha256, md5: facts.map(|d| d.md5.clone()), node: Some(id.clone()), status: n.status });
                continue;
            }
            for s in stages {
                self.visit(&s);
                for e in out_edges(self.lineage, &s, Relation::Used) {
                    if is_kind(&e.to, NodeKind::DataVersion) {
                        queue.push(e.to);
                    }
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    fn sha256_of_version(&self, n: &Node) -> Option<String> {
        let tables = self.tables.tables_of(n, &mut Vec::new())?;
        let (_, local) = tables.get("")?;
        if local.as_os_str().is_empty() {
            return None;
        }
        self.tables.sha256(local)
    }
}

/// With the model's signature known, the decision's inputs are the fields the signature names
/// (by their last name: `inputs.amount` is `amount`); and when the log names no ground truth,
/// the one field left that is neither an input, a role, an id nor a time is taken as it (a
/// flat log's `is_fraud` beside `labelled_at`).
fn apply_signature(p: &mut LoggedPrediction, signature: &[String], roles: &[String]) {
    let leaf = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    let mut inputs = serde_json::Map::new();
    let mut used: Vec<String> = Vec::new();
    for name in signature {
        if let Some((k, v)) = p.fields.iter().find(|(k, _)| leaf(k) == *name && !roles.contains(k)) {
            inputs.insert(name.clone(), v.clone());
            used.push(k.clone());
        }
    }
    if inputs.is_empty() {
        return;
    }
    p.inputs = inputs;
    if p.ground_truth_column.is_none() {
        let left: Vec<&String> = p
            .fields
            .keys()
            .filter(|k| !used.contains(k) && !roles.contains(k))
            .filter(|k| {
                let l = k.to_ascii_lowercase();
                !(l.ends_with("_id") || l == "id" || l.ends_with("_at") || l.contains("time") || l.contains("date"))
            })
            .collect();
        if let [one] = left.as_slice() {
            p.ground_truth = p.fields.get(*one).filter(|v| !v.is_null()).cloned();
            p.ground_truth_column = Some((*one).clone());
        }
    }
}

fn is_code(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "py" | "r" | "sh" | "ipynb" | "sql" | "scala" | "java" | "jl" | "js" | "ts" | "rs" | "go" | "yaml" | "yml" | "toml" | "cfg" | "ini")
}

fn short(s: &str) -> &str {
    custody_evidence::text::head(s, 12)
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `NAME/VERSION` of a model version id, as MLflow's `models:/` URIs write it (the id itself
/// when it is not one).
fn version_text(id: &str) -> String {
    NodeId::parse(id).and_then(|v| v.model_version_text()).unwrap_or_else(|| id.to_string())
}
