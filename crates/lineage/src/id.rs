//! Node ids: the one place an id is spelled or taken apart.
//!
//! Why: an id is derived from the identity a tool assigned (a run id, a commit SHA, a registered
//! model's name and version, a path at a content digest), so that the same thing seen by two
//! sources is one node and a rebuild of the same evidence gives the same graph. Every stage
//! needs to go from an id to that identity and back (a trace follows `run:` to its commit, the
//! app opens `file:` nodes); if each did it with its own `format!` and `trim_start_matches`, the
//! spellings would drift.
//!
//! Guarantees: [`NodeId`]'s `Display` is the id as stored in the case file and printed by the
//! CLI; `FromStr` takes exactly what `Display` writes (`parse(id.to_string()) == id`), and
//! refuses anything else with a [`BadNodeId`] naming the id.

use std::fmt;
use std::str::FromStr;

use crate::NodeKind;

/// A node's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeId {
    /// A git commit, by its full object name (lowercase hex).
    Commit(String),
    /// An MLflow run, by its run id (lowercase).
    Run(String),
    /// A dataset record MLflow logged as a run input, by its uuid.
    Dataset(String),
    /// An MLflow 3 logged model, by its model id (`m-…`).
    LoggedModel(String),
    /// An MLflow 2 model kept under a run's artifacts.
    RunModel { run: String, path: String },
    /// A registered model version.
    ModelVersion { name: String, version: u32 },
    /// A registry alias (`production`) of a registered model.
    Alias { name: String, alias: String },
    /// A path (from the evidence root, through its DVC project) at one content digest.
    DataVersion { path: String, digest: String },
    /// A DVC stage as one lock file records it: the lock's path (from the evidence root), the
    /// stage's name and a key that tells apart two records of the stage.
    Stage { file: String, name: String, key: String },
    /// A file in the evidence, by its path from the evidence root.
    File(String),
    /// A person or service identity.
    Agent(String),
    /// A signature, by the place it was found (`file`, `file#L3`, or `repo@sha` for git).
    Signature(String),
    /// The statement a signature carries, by the same place.
    Attestation(String),
    /// A signing key, by its fingerprint.
    Key(String),
    /// A build described by provenance and not otherwise known, by the place of the statement.
    Build(String),
    /// An evidence source (an MLflow store, a DVC project …), by kind and folder.
    Source { kind: String, path: String },
}

/// An id that is not one of the forms [`NodeId`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{id:?} is not a node id ({why})")]
pub struct BadNodeId {
    pub id: String,
    pub why: &'static str,
}

impl NodeId {
    pub fn commit(sha: &str) -> NodeId {
        NodeId::Commit(sha.to_ascii_lowercase())
    }
    pub fn run(run_id: &str) -> NodeId {
        NodeId::Run(run_id.to_ascii_lowercase())
    }
    pub fn run_model(run_id: &str, artifact_path: &str) -> NodeId {
        NodeId::RunModel { run: run_id.to_ascii_lowercase(), path: artifact_path.trim_matches('/').to_string() }
    }
    pub fn model_version(name: &str, version: u32) -> NodeId {
        NodeId::ModelVersion { name: name.to_string(), version }
    }
    pub fn alias(name: &str, alias: &str) -> NodeId {
        NodeId::Alias { name: name.to_string(), alias: alias.to_string() }
    }
    pub fn file(path: impl fmt::Display) -> NodeId {
        NodeId::File(path.to_string())
    }

    /// Parses an id; `None` when it is not one (see [`FromStr`] for the reason).
    pub fn parse(id: &str) -> Option<NodeId> {
        id.parse().ok()
    }

    /// The kind of node an id names.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeId::Commit(_) => NodeKind::Commit,
            NodeId::Run(_) => NodeKind::Run,
            NodeId::Dataset(_) => NodeKind::Dataset,
            NodeId::LoggedModel(_) | NodeId::RunModel { .. } => NodeKind::LoggedModel,
            NodeId::ModelVersion { .. } => NodeKind::ModelVersion,
            NodeId::Alias { .. } => NodeKind::Alias,
            NodeId::DataVersion { .. } => NodeKind::DataVersion,
            NodeId::Stage { .. } => NodeKind::Stage,
            NodeId::File(_) => NodeKind::File,
            NodeId::Key(_) => NodeKind::Key,
            NodeId::Agent(_) | NodeId::Source { .. } => NodeKind::Agent,
            NodeId::Signature(_) => NodeKind::Signature,
            NodeId::Attestation(_) => NodeKind::Attestation,
            NodeId::Build(_) => NodeKind::Build,
        }
    }

    /// The evidence path of a `file:` id.
    pub fn as_file(&self) -> Option<&str> {
        match self {
            NodeId::File(p) => Some(p),
            _ => None,
        }
    }

    /// The run id of a `run:` id.
    pub fn as_run(&self) -> Option<&str> {
        match self {
            NodeId::Run(r) => Some(r),
            _ => None,
        }
    }

    /// The SHA of a `commit:` id.
    pub fn as_commit(&self) -> Option<&str> {
        match self {
            NodeId::Commit(c) => Some(c),
            _ => None,
        }
    }

    /// `NAME/VERSION` of a model version, as MLflow's `models:/` URIs write it.
    pub fn model_version_text(&self) -> Option<String> {
        match self {
            NodeId::ModelVersion { name, version } => Some(format!("{name}/{version}")),
            _ => None,
        }
    }
}

/// The evidence path of a `file:` id given as text.
pub fn file_path(id: &str) -> Option<String> {
    match NodeId::parse(id)? {
        NodeId::File(p) => Some(p),
        _ => None,
    }
}

/// Whether the id text names a node of this kind.
pub fn is_kind(id: &str, kind: NodeKind) -> bool {
    NodeId::parse(id).is_some_and(|n| n.kind() == kind && !(kind == NodeKind::Agent && !matches!(n, NodeId::Agent(_))))
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Commit(sha) => write!(f, "commit:{sha}"),
            NodeId::Run(id) => write!(f, "run:{id}"),
            NodeId::Dataset(id) => write!(f, "dataset:{id}"),
            NodeId::LoggedModel(id) => write!(f, "logged-model:{id}"),
            NodeId::RunModel { run, path } => write!(f, "logged-model:{run}/{path}"),
            NodeId::ModelVersion { name, version } => write!(f, "model-version:{name}/{version}"),
            NodeId::Alias { name, alias } => write!(f, "alias:{name}@{alias}"),
            NodeId::DataVersion { path, digest } => write!(f, "data:{path}@{digest}"),
            NodeId::Stage { file, name, key } => write!(f, "stage:{file}:{name}@{key}"),
            NodeId::File(path) => write!(f, "file:{path}"),
            NodeId::Agent(who) => write!(f, "agent:{who}"),
            NodeId::Signature(place) => write!(f, "signature:{place}"),
            NodeId::Attestation(place) => write!(f, "attestation:{place}"),
            NodeId::Key(fingerprint) => write!(f, "key:{fingerprint}"),
            NodeId::Build(place) => write!(f, "build:{place}"),
            NodeId::Source { kind, path } => write!(f, "source:{kind}:{path}"),
        }
    }
}

impl FromStr for NodeId {
    type Err = BadNodeId;

    fn from_str(id: &str) -> Result<NodeId, BadNodeId> {
        let bad = |why| BadNodeId { id: id.to_string(), why };
        let (prefix, rest) = id.split_once(':').ok_or_else(|| bad("no kind before ':'"))?;
        let nonempty = |s: &str| if s.is_empty() { Err(bad("an empty part")) } else { Ok(s.to_string()) };
        Ok(match prefix {
            "commit" => NodeId::Commit(nonempty(rest)?),
            "run" => NodeId::Run(nonempty(rest)?),
            "dataset" => NodeId::Dataset(nonempty(rest)?),
            // an MLflow 3 model id has no '/'; a model under a run's artifacts is RUN/PATH
            "logged-model" => match rest.split_once('/') {
                Some((run, path)) => NodeId::RunModel { run: nonempty(run)?, path: nonempty(path)? },
                None => NodeId::LoggedModel(nonempty(rest)?),
            },
            // a registered model's name may hold '/', its version never does
            "model-version" => {
                let (name, version) = rest.rsplit_once('/').ok_or_else(|| bad("no '/' before the version"))?;
                NodeId::ModelVersion { name: nonempty(name)?, version: version.parse().map_err(|_| bad("a version that is not a number"))? }
            }
            "alias" => {
                let (name, alias) = rest.rsplit_once('@').ok_or_else(|| bad("no '@' before the alias"))?;
                NodeId::Alias { name: nonempty(name)?, alias: nonempty(alias)? }
            }
            "data" => {
                let (path, digest) = rest.rsplit_once('@').ok_or_else(|| bad("no '@' before the digest"))?;
                NodeId::DataVersion { path: nonempty(path)?, digest: nonempty(digest)? }
            }
            // a foreach stage's name holds '@' (`process@s001`), never ':'; the key is last
            "stage" => {
                let (file_name, key) = rest.rsplit_once('@').ok_or_else(|| bad("no '@' before the stage's key"))?;
                let (file, name) = file_name.rsplit_once(':').ok_or_else(|| bad("no ':' before the stage's name"))?;
                NodeId::Stage { file: nonempty(file)?, name: nonempty(name)?, key: nonempty(key)? }
            }
            "file" => NodeId::File(nonempty(rest)?),
            "agent" => NodeId::Agent(nonempty(rest)?),
            "signature" => NodeId::Signature(nonempty(rest)?),
            "attestation" => NodeId::Attestation(nonempty(rest)?),
            "key" => NodeId::Key(nonempty(rest)?),
            "build" => NodeId::Build(nonempty(rest)?),
            "source" => {
                let (kind, path) = rest.split_once(':').ok_or_else(|| bad("no ':' after the source's kind"))?;
                NodeId::Source { kind: nonempty(kind)?, path: nonempty(path)? }
            }
            _ => return Err(bad("an unknown kind")),
        })
    }
}

impl From<NodeId> for String {
    fn from(id: NodeId) -> String {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_back_as_written() {
        let ids = [
            NodeId::commit("0A90B199C1D2E3F4A5B6C7D8E9F0A1B2C3D4E5F6"),
            NodeId::run("C006E5C16BB94CA6A182449D8782FA5E"),
            NodeId::Dataset("4b5c".into()),
            NodeId::LoggedModel("m-0123abcd".into()),
            NodeId::run_model("c006e5c1", "/model/"),
            NodeId::model_version("team/fraud-detector", 3),
            NodeId::alias("fraud@detector", "production"),
            NodeId::DataVersion { path: "project/data/raw/a@b.csv".into(), digest: "d41d8cd98f00b204e9800998ecf8427e".into() },
            NodeId::Stage { file: "bench/s001/dvc.lock".into(), name: "process@s001".into(), key: "0123456789ab".into() },
            NodeId::Stage { file: "c:odd/dvc.lock".into(), name: "train".into(), key: "0123456789ab".into() },
            NodeId::file("serving/fraud-detector/model.pkl"),
            NodeId::Agent("priya@northwind.example".into()),
            NodeId::Signature("project.git@0a90b199".into()),
            NodeId::Attestation("provenance.intoto.jsonl#L2".into()),
            NodeId::Key("5c384f9c9a0b".into()),
            NodeId::Build("provenance.intoto.jsonl#L2".into()),
            NodeId::Source { kind: "dvc".into(), path: "project".into() },
        ];
        for id in ids {
            let text = id.to_string();
            assert_eq!(text.parse::<NodeId>().as_ref(), Ok(&id), "{text}");
        }
        assert_eq!(NodeId::commit("ABC").to_string(), "commit:abc");
        assert_eq!(NodeId::run_model("RUN", "/model/").to_string(), "logged-model:run/model");
        assert_eq!(NodeId::model_version("fraud-detector", 3).to_string(), "model-version:fraud-detector/3");
    }

    #[test]
    fn what_is_not_an_id_is_refused_with_the_reason() {
        for (text, why) in [
            ("run", "no kind before ':'"),
            ("model:x", "an unknown kind"),
            ("model-version:fraud", "no '/' before the version"),
            ("model-version:fraud/three", "a version that is not a number"),
            ("alias:fraud", "no '@' before the alias"),
            ("data:raw.csv", "no '@' before the digest"),
            ("stage:dvc.lock@abc", "no ':' before the stage's name"),
            ("file:", "an empty part"),
        ] {
            assert_eq!(text.parse::<NodeId>(), Err(BadNodeId { id: text.into(), why }), "{text}");
        }
    }

    #[test]
    fn kinds_follow_the_prefix() {
        assert_eq!(NodeId::parse("logged-model:run/model").map(|i| i.kind()), Some(NodeKind::LoggedModel));
        assert!(!is_kind("key:abc", NodeKind::Agent) && is_kind("key:abc", NodeKind::Key) && is_kind("agent:abc", NodeKind::Agent));
        assert_eq!(file_path("file:a/b.csv").as_deref(), Some("a/b.csv"));
        assert_eq!(file_path("data:a/b.csv@x"), None);
    }
}
