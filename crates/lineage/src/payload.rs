//! What the sources established about each kind of node, as typed facts.
//!
//! Why: the graph is where verify, diff, trace and slice read what the sources found: a run's
//! parameters, a data version's path and digest, the commits that claim it. Carried as typed
//! fields, those facts are read as the sources checked them; carried as a map of strings,
//! every reader would re-derive and re-check them, each a little differently.
//!
//! Guarantees:
//! * a node's kind is its payload's kind: a run cannot carry a data version's facts
//!   ([`Payload::kind`]); on the wire the payload is the node's `kind` and `attrs`, so the
//!   attributes the investigator reads are these facts, nothing else;
//! * the fields of each facts struct are declared in alphabetical order, so the attributes
//!   display in the same order as when they were a sorted map;
//! * when two sources describe the same node, [`Payload::absorb`] keeps what the first said
//!   and adds what only the second knows (lists are united, flags are or-ed), so the order the
//!   sources are read in never loses a fact.

use std::collections::BTreeMap;

use custody_evidence::RelPath;
use custody_sources::dvc::{DvcDigest, HashKind};
use serde_json::Value;

use crate::{NodeKind, Status};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The typed facts of one node; on the wire, its `kind` and `attrs`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "attrs", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Payload {
    Commit(CommitFacts),
    Run(RunFacts),
    Stage(StageFacts),
    Dataset(DatasetFacts),
    DataVersion(DataVersionFacts),
    File(FileFacts),
    LoggedModel(LoggedModelFacts),
    ModelVersion(ModelVersionFacts),
    Alias(AliasFacts),
    Agent(AgentFacts),
    Key(KeyFacts),
    Signature(SignatureFacts),
    Attestation(AttestationFacts),
    Build(BuildFacts),
}

/// A git commit: as its repository records it, or only as a run names it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CommitFacts {
    /// Recorded by a run, held by no repository of the evidence.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub absent: bool,
    /// `name <email>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub author: Option<String>,
    /// Seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub authored: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub committed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub committer: Option<String>,
    /// The repository's HEAD.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub head: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<String>"))]
    pub repository: Option<RelPath>,
    pub sha: String,
    /// Whether the commit object carries a signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signed: Option<bool>,
    /// The verdict on the commit's own signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signature: Option<Status>,
    /// The verdict on the signature of a tag that points at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tag_signature: Option<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<String>>"))]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tree: Option<String>,
}

/// An MLflow run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RunFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub artifact_uri: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub end_time: Option<i64>,
    /// The experiment's name (its id when the store does not name it).
    pub experiment: String,
    /// Each metric's latest value; `None` for a value that is not a finite number.
    pub metrics: BTreeMap<String, Option<f64>>,
    pub params: BTreeMap<String, String>,
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub start_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<String>,
    /// The tracking store that records it (evidence-relative).
    pub store: String,
    /// The run's own tags and MLflow's source tags (`mlflow.source.*`); MLflow's other
    /// bookkeeping tags are left out.
    pub tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub user: Option<String>,
}

impl RunFacts {
    /// The metrics with a finite value.
    pub fn finite_metrics(&self) -> BTreeMap<String, f64> {
        self.metrics.iter().filter_map(|(k, v)| Some((k.clone(), (*v)?))).collect()
    }
}

/// A DVC stage execution as locked.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StageFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cmd: Option<String>,
    /// The commits whose lock file records this execution (`work tree` for the work tree's).
    pub locked_at: Vec<String>,
    /// The lock file (evidence-relative).
    pub lockfile: String,
    /// The parameters the stage locked, by parameter file.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, Record<string, unknown>>"))]
    pub params: BTreeMap<String, BTreeMap<String, Value>>,
    /// The stage's name.
    pub stage: String,
}

/// A dataset MLflow logged as a run input.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DatasetFacts {
    pub digest: String,
    /// Where the recorded source is in the evidence, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub local_path: Option<String>,
    pub name: String,
    /// The profile MLflow computed (`num_rows`, …), as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub profile: Option<Value>,
    /// The source MLflow recorded, as recorded.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub source: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source_type: Option<String>,
}

impl DatasetFacts {
    /// The number of rows the recorded profile states.
    pub fn profiled_rows(&self) -> Option<u64> {
        self.profile.as_ref()?.get("num_rows")?.as_u64()
    }
}

/// A path at one content digest, as DVC records it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DataVersionFacts {
    /// The `.dvc` file that added it (data added, not produced by a stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub added_by: Option<String>,
    /// The commits whose lock or `.dvc` file claims it (`work tree` for the work tree's).
    pub claimed_at: Vec<String>,
    /// DVC's hash kind (`md5`, `md5-dos2unix`).
    pub hash: String,
    /// The digest as written (`hex`, or `hex.dir` for a directory).
    pub md5: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub nfiles: Option<u64>,
    /// Evidence-relative.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub path: RelPath,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub size: Option<u64>,
}

impl DataVersionFacts {
    /// Whether a lock or `.dvc` file at `place` (a commit, or `work tree`) claims it.
    pub fn claimed_at(&self, place: &str) -> bool {
        self.claimed_at.iter().any(|c| c == place)
    }
    /// A directory (its digest names a `.dir` manifest).
    pub fn is_dir(&self) -> bool {
        self.md5.ends_with(".dir")
    }
    /// The digest as DVC's type (the graph keeps it as written, as the lock file states it).
    pub fn digest(&self) -> Option<DvcDigest> {
        let kind = if self.hash == HashKind::Md5Dos2unix.name() { HashKind::Md5Dos2unix } else { HashKind::Md5 };
        DvcDigest::parse(&self.md5, kind)
    }
}

/// A file of the evidence.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FileFacts {
    /// A dataset snapshot the investigator or the evidence layout names.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub dataset: bool,
    /// An inference log.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub inference_log: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub size: Option<u64>,
}

/// A model logged by a run: a 2.x run artifact or a 3.x logged model.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LoggedModelFacts {
    /// 3.x: where the model's artifacts were stored, as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub artifact_location: Option<String>,
    /// 2.x: the path under the run's artifacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub artifact_path: Option<String>,
    /// Where the model's folder is in the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub local_path: Option<String>,
    /// 3.x: the logged model's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub model_id: Option<String>,
    /// 2.x: the model's uuid from the run's log-model history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub model_uuid: Option<String>,
    /// The recorded location the folder was found under, when it was re-rooted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rerooted_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub store: Option<String>,
}

/// A registered model version.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ModelVersionFacts {
    /// The registry row of a deleted version (its source and run redacted).
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub deleted: bool,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub storage_location: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub version: u32,
}

/// A registry alias: what it points at is a claim (`version`), checked, not a fact.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AliasFacts {}

/// A person or service: a commit's author, a run's user, a build's builder, a keyless
/// signer's certificate identity.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AgentFacts {
    /// Runs builds (named by provenance).
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub builder: bool,
    /// Signs with short-lived certificates (Sigstore keyless).
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub keyless_identity: bool,
    /// For a keyless identity: whether the investigator's policy trusts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub trusted: Option<bool>,
}

/// A signing key.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct KeyFacts {
    pub algorithm: String,
    /// SHA-256 of the SubjectPublicKeyInfo.
    pub fingerprint: String,
    /// Where the key came from: the investigator's keys, or a place in the evidence.
    pub origins: Vec<String>,
    /// The principals an allowed-signers file grants it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<String>>"))]
    pub principals: Vec<String>,
    pub securesystemslib_keyid: String,
    /// Supplied by the investigator (never by the evidence).
    pub trusted: bool,
}

/// A signature over bytes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SignatureFacts {
    /// What kind of signature (`DSSE envelope`, `Sigstore bundle (keyless)`, `git ssh
    /// signature`, …); `unreadable` for a signature file that could not be read.
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub key_fingerprint: Option<String>,
    /// How the key is known (the investigator's file, a place in the evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub key_origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub key_trusted: Option<bool>,
    /// The line of a signature file holding one signature a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub line: Option<usize>,
    /// The file it is stored in (evidence-relative); none for a git object's signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// Who signed: the key's label, or a keyless certificate's identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signer: Option<String>,
    /// The verdict on the signature itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub verdict: Option<Status>,
}

/// A signed statement about subjects named by digest.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AttestationFacts {
    /// Provenance: the build type it states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub build_type: Option<String>,
    /// Provenance: the builder it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub builder: Option<String>,
    /// A model-signing manifest: the manifest's hash type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub hash_type: Option<String>,
    /// Provenance: the invocation it states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub invocation_id: Option<String>,
    /// A model-signing manifest: the serialisation method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub method: Option<String>,
    /// A model-signing manifest: every folder of the evidence that holds the signed model,
    /// when there is more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<String>>"))]
    pub model_copies: Vec<String>,
    /// A model-signing manifest: the folder of the evidence that holds the signed model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub model_dir: Option<String>,
    /// A model-signing manifest: the model's name as signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub model_name: Option<String>,
    /// The file it was read from (evidence-relative).
    pub path: String,
    pub predicate_type: String,
    pub statement_type: String,
    /// How many subjects the statement names.
    pub subjects: usize,
}

/// A build that provenance describes and no run of the evidence is.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BuildFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub build_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub finished: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub started: Option<String>,
}

/// Keeps `into` when it is set, else takes `from`.
fn first<T>(into: &mut Option<T>, from: Option<T>) {
    if into.is_none() {
        *into = from;
    }
}

/// Adds to `into` what `from` has and it lacks, in `from`'s order.
fn unite<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for x in from {
        if !into.contains(&x) {
            into.push(x);
        }
    }
}

/// Fills the keys `into` lacks.
fn fill<K: Ord, V>(into: &mut BTreeMap<K, V>, from: BTreeMap<K, V>) {
    for (k, v) in from {
        into.entry(k).or_insert(v);
    }
}

macro_rules! accessors {
    ($($variant:ident => $facts:ident, $as:ident, $as_mut:ident;)*) => {
        impl Payload {
            /// The kind of node these facts describe.
            pub fn kind(&self) -> NodeKind {
                match self {
                    $(Payload::$variant(_) => NodeKind::$variant,)*
                }
            }
            $(
                pub fn $as(&self) -> Option<&$facts> {
                    match self {
                        Payload::$variant(f) => Some(f),
                        _ => None,
                    }
                }
                pub fn $as_mut(&mut self) -> Option<&mut $facts> {
                    match self {
                        Payload::$variant(f) => Some(f),
                        _ => None,
                    }
                }
            )*
        }
        $(
            impl From<$facts> for Payload {
                fn from(f: $facts) -> Payload {
                    Payload::$variant(f)
                }
            }
        )*
    };
}

accessors! {
    Commit => CommitFacts, commit, commit_mut;
    Run => RunFacts, run, run_mut;
    Stage => StageFacts, stage, stage_mut;
    Dataset => DatasetFacts, dataset, dataset_mut;
    DataVersion => DataVersionFacts, data_version, data_version_mut;
    File => FileFacts, file, file_mut;
    LoggedModel => LoggedModelFacts, logged_model, logged_model_mut;
    ModelVersion => ModelVersionFacts, model_version, model_version_mut;
    Alias => AliasFacts, alias, alias_mut;
    Agent => AgentFacts, agent, agent_mut;
    Key => KeyFacts, key, key_mut;
    Signature => SignatureFacts, signature, signature_mut;
    Attestation => AttestationFacts, attestation, attestation_mut;
    Build => BuildFacts, build, build_mut;
}

impl Payload {
    /// Takes in what another source says of the same node: what this payload says stays,
    /// what only `other` knows is added (lists united, flags or-ed, maps filled). Facts of
    /// another kind are not this node's and are ignored.
    pub fn absorb(&mut self, other: Payload) {
        match (self, other) {
            (Payload::Commit(a), Payload::Commit(b)) => a.absorb(b),
            (Payload::Run(a), Payload::Run(b)) => a.absorb(b),
            (Payload::Stage(a), Payload::Stage(b)) => a.absorb(b),
            (Payload::Dataset(a), Payload::Dataset(b)) => a.absorb(b),
            (Payload::DataVersion(a), Payload::DataVersion(b)) => a.absorb(b),
            (Payload::File(a), Payload::File(b)) => a.absorb(b),
            (Payload::LoggedModel(a), Payload::LoggedModel(b)) => a.absorb(b),
            (Payload::ModelVersion(a), Payload::ModelVersion(b)) => a.absorb(b),
            (Payload::Agent(a), Payload::Agent(b)) => a.absorb(b),
            (Payload::Key(a), Payload::Key(b)) => a.absorb(b),
            (Payload::Signature(a), Payload::Signature(b)) => a.absorb(b),
            (Payload::Attestation(a), Payload::Attestation(b)) => a.absorb(b),
            (Payload::Build(a), Payload::Build(b)) => a.absorb(b),
            // an alias has no facts of its own; another kind's facts are not this node's
            _ => {}
        }
    }

    /// The facts as the attributes shown to the investigator (the `attrs` of the wire form).
    pub fn attributes(&self) -> serde_json::Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut o)) => match o.remove("attrs") {
                Some(Value::Object(attrs)) => attrs,
                _ => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        }
    }
}

// What each kind keeps and adds when a second source describes the same node.

impl CommitFacts {
    fn absorb(&mut self, other: CommitFacts) {
        self.absent |= other.absent;
        self.head |= other.head;
        first(&mut self.author, other.author);
        first(&mut self.authored, other.authored);
        first(&mut self.committed, other.committed);
        first(&mut self.committer, other.committer);
        first(&mut self.repository, other.repository);
        first(&mut self.signed, other.signed);
        first(&mut self.signature, other.signature);
        first(&mut self.tag_signature, other.tag_signature);
        first(&mut self.tree, other.tree);
        unite(&mut self.tags, other.tags);
    }
}

impl RunFacts {
    fn absorb(&mut self, other: RunFacts) {
        first(&mut self.artifact_uri, other.artifact_uri);
        first(&mut self.end_time, other.end_time);
        first(&mut self.start_time, other.start_time);
        first(&mut self.status, other.status);
        first(&mut self.user, other.user);
        fill(&mut self.metrics, other.metrics);
        fill(&mut self.params, other.params);
        fill(&mut self.tags, other.tags);
    }
}

impl StageFacts {
    fn absorb(&mut self, other: StageFacts) {
        first(&mut self.cmd, other.cmd);
        unite(&mut self.locked_at, other.locked_at);
    }
}

impl DatasetFacts {
    fn absorb(&mut self, other: DatasetFacts) {
        first(&mut self.local_path, other.local_path);
        first(&mut self.profile, other.profile);
        first(&mut self.source_type, other.source_type);
    }
}

impl DataVersionFacts {
    fn absorb(&mut self, other: DataVersionFacts) {
        first(&mut self.added_by, other.added_by);
        first(&mut self.nfiles, other.nfiles);
        first(&mut self.size, other.size);
        unite(&mut self.claimed_at, other.claimed_at);
    }
}

impl FileFacts {
    fn absorb(&mut self, other: FileFacts) {
        self.dataset |= other.dataset;
        self.inference_log |= other.inference_log;
        first(&mut self.sha256, other.sha256);
        first(&mut self.size, other.size);
    }
}

impl LoggedModelFacts {
    fn absorb(&mut self, other: LoggedModelFacts) {
        first(&mut self.artifact_location, other.artifact_location);
        first(&mut self.artifact_path, other.artifact_path);
        first(&mut self.local_path, other.local_path);
        first(&mut self.model_id, other.model_id);
        first(&mut self.model_uuid, other.model_uuid);
        first(&mut self.rerooted_from, other.rerooted_from);
        first(&mut self.store, other.store);
    }
}

impl ModelVersionFacts {
    fn absorb(&mut self, other: ModelVersionFacts) {
        self.deleted |= other.deleted;
        first(&mut self.stage, other.stage);
        first(&mut self.status, other.status);
        first(&mut self.storage_location, other.storage_location);
        fill(&mut self.tags, other.tags);
    }
}

impl AgentFacts {
    fn absorb(&mut self, other: AgentFacts) {
        self.builder |= other.builder;
        self.keyless_identity |= other.keyless_identity;
        first(&mut self.trusted, other.trusted);
    }
}

impl KeyFacts {
    fn absorb(&mut self, other: KeyFacts) {
        // a key the investigator trusts stays trusted whatever else is said of it
        self.trusted |= other.trusted;
        unite(&mut self.origins, other.origins);
        if !other.principals.is_empty() {
            self.principals = other.principals;
        }
    }
}

impl SignatureFacts {
    fn absorb(&mut self, other: SignatureFacts) {
        first(&mut self.key_fingerprint, other.key_fingerprint);
        first(&mut self.key_origin, other.key_origin);
        first(&mut self.key_trusted, other.key_trusted);
        first(&mut self.line, other.line);
        first(&mut self.path, other.path);
        first(&mut self.signer, other.signer);
        first(&mut self.verdict, other.verdict);
    }
}

impl AttestationFacts {
    fn absorb(&mut self, other: AttestationFacts) {
        first(&mut self.build_type, other.build_type);
        first(&mut self.builder, other.builder);
        first(&mut self.hash_type, other.hash_type);
        first(&mut self.invocation_id, other.invocation_id);
        first(&mut self.method, other.method);
        first(&mut self.model_dir, other.model_dir);
        first(&mut self.model_name, other.model_name);
        unite(&mut self.model_copies, other.model_copies);
    }
}

impl BuildFacts {
    fn absorb(&mut self, other: BuildFacts) {
        first(&mut self.build_type, other.build_type);
        first(&mut self.finished, other.finished);
        first(&mut self.started, other.started);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_version(claimed_at: Vec<&str>) -> DataVersionFacts {
        let path = RelPath::new("data/train.csv").unwrap();
        DataVersionFacts { path, md5: "0".repeat(32), hash: "md5".into(), size: None, nfiles: None, claimed_at: claimed_at.into_iter().map(str::to_string).collect(), added_by: None }
    }

    fn every_kind() -> Vec<Payload> {
        vec![
            CommitFacts::default().into(),
            RunFacts::default().into(),
            StageFacts::default().into(),
            DatasetFacts::default().into(),
            data_version(vec![]).into(),
            FileFacts::default().into(),
            LoggedModelFacts::default().into(),
            ModelVersionFacts::default().into(),
            AliasFacts::default().into(),
            AgentFacts::default().into(),
            KeyFacts::default().into(),
            SignatureFacts::default().into(),
            AttestationFacts::default().into(),
            BuildFacts::default().into(),
        ]
    }

    #[test]
    fn the_wire_kind_of_every_payload_is_its_node_kind() {
        for p in every_kind() {
            let wire = serde_json::to_value(&p).unwrap();
            assert_eq!(wire["kind"], serde_json::to_value(p.kind()).unwrap(), "{p:?}");
            assert!(wire["attrs"].is_object(), "{wire}");
            let back: Payload = serde_json::from_value(wire).unwrap();
            assert_eq!(back, p);
        }
    }

    #[test]
    fn attributes_display_in_alphabetical_order() {
        let run = Payload::Run(RunFacts { run_id: "r".into(), experiment: "e".into(), store: "s".into(), user: Some("u".into()), start_time: Some(1), ..Default::default() });
        let keys: Vec<String> = run.attributes().keys().cloned().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys, ["experiment", "metrics", "params", "run_id", "start_time", "store", "tags", "user"]);
    }

    #[test]
    fn absorbing_keeps_the_first_source_and_adds_what_only_the_second_knows() {
        let mut a = Payload::DataVersion(DataVersionFacts { size: Some(3), ..data_version(vec!["c1"]) });
        a.absorb(Payload::DataVersion(DataVersionFacts { size: Some(4), nfiles: Some(2), ..data_version(vec!["c2", "c1"]) }));
        let d = a.data_version().unwrap();
        assert_eq!(d.claimed_at, ["c1", "c2"]);
        assert_eq!((d.size, d.nfiles), (Some(3), Some(2)));

        let mut k = Payload::Key(KeyFacts { trusted: true, origins: vec!["investigator".into()], ..Default::default() });
        k.absorb(Payload::Key(KeyFacts { trusted: false, origins: vec!["evidence".into()], ..Default::default() }));
        assert!(k.key().unwrap().trusted, "a trusted key stays trusted");
        assert_eq!(k.key().unwrap().origins, ["investigator", "evidence"]);

        let mut f = Payload::File(FileFacts::default());
        f.absorb(Payload::Run(RunFacts::default()));
        assert_eq!(f, Payload::File(FileFacts::default()), "another kind's facts are ignored");
    }
}
