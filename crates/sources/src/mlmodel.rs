//! `MLmodel`: the YAML file MLflow writes beside every model it saves or logs.
//!
//! Why: three stages read it, each for something else. The verifier checks that the run (and,
//! in MLflow 3, the model id) it names agree with the tracking store and that the files its
//! flavours name are in the model folder; `trace` takes the input columns of the model's
//! signature; `diff` decides whether two models' `MLmodel` files differ only in the ids and
//! times MLflow stamps on every model. One reader makes them read the same file the same way,
//! through the same door.
//!
//! The format is `Model.to_dict()` written by `yaml.safe_dump` (mlflow/models/model.py): a
//! mapping with `artifact_path`, `run_id`, `model_uuid`, `model_id` (3.x), `utc_time_created`,
//! `mlflow_version`, `model_size_bytes`, `flavors` (flavour name → that flavour's own keys),
//! `signature` (`inputs`, `outputs`, `params`, each a JSON text inside the YAML) and
//! optional keys (`saved_input_example_info`, `metadata`, `prompts`, `resources`, `env_vars`,
//! `auth_policy`, …). [`RawMlModel`] mirrors it; [`MlModel`] is what the later stages see.
//!
//! Guarantees:
//! * the file is opened through `custody_evidence` (no link followed, no FIFO or device
//!   waited on) and never more than [`MAX_BYTES`] are read;
//! * YAML is resolved as before any typing (YAML 1.2 scalars), so a value reads the same here
//!   as in any other YAML-reading stage;
//! * a key MLflow writes with one type (a string id, a mapping of flavours) that holds
//!   something else is taken as not recorded: one odd key does not hide the rest of the file;
//! * a file the flavours name is placed inside the evidence with [`RelPath`]: a name that is
//!   a URI, absolute, or climbs out of the evidence is never a file of the model;
//! * every error names the file and carries its cause.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

use custody_evidence::hashing::{self, ReadError};
use custody_evidence::RelPath;

use crate::EvidenceSet;

/// The name MLflow gives the file in every model folder.
pub const FILE_NAME: &str = "MLmodel";

/// The most bytes of an `MLmodel` Custody reads (16 MiB): MLflow writes a few kilobytes; a
/// signature of thousands of columns stays far below.
pub const MAX_BYTES: u64 = 16 << 20;

/// The keys MLflow stamps on every model it writes (ids, times, where it was logged, its
/// size): two models that differ only there say the same.
pub const STAMPS: [&str; 6] = ["run_id", "model_uuid", "model_id", "utc_time_created", "artifact_path", "model_size_bytes"];

/// The keys with which a flavour names a file or folder of the model (`sklearn.pickled_model`,
/// `python_function.model_path`, `python_function.data`, `xgboost.data`,
/// `tensorflow.saved_model_dir`, `h2o.model_data`).
pub const FILE_KEYS: [&str; 5] = ["pickled_model", "model_path", "data", "model_data", "saved_model_dir"];

/// Why an `MLmodel` could not be read. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum MlModelError {
    /// The file is not in any evidence root.
    #[error("{path}: not in the evidence")]
    Absent { path: String },
    /// The file cannot be opened or read (a link, a folder, a permission …).
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any `MLmodel` Custody reads.
    #[error("{path}: {size} bytes, more than any MLmodel Custody reads ({MAX_BYTES})")]
    TooLarge { path: String, size: u64 },
    /// The file is not YAML.
    #[error("{path}: MLmodel is not valid YAML: {source}")]
    NotYaml {
        path: String,
        #[source]
        source: serde_norway::Error,
    },
    /// The file is YAML but not a mapping of keys (a list, a lone value, an empty file).
    #[error("{path}: MLmodel is {found}, not a mapping of keys")]
    NotAMapping { path: String, found: &'static str },
    /// The signature's `inputs` is not a JSON list of column (or tensor) specs.
    #[error("{path}: signature.inputs is not a JSON list of inputs: {source}")]
    SignatureInputs {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The reader's errors can cross threads, as the other readers' do (checked at compile time).
const _: () = {
    const fn sendable<T: std::error::Error + Send + Sync + 'static>() {}
    sendable::<MlModelError>();
};

/// An `MLmodel` as MLflow writes it (`Model.to_dict`). Keys this reader does not name are kept
/// in the document [`MlModel`] compares, not here.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawMlModel {
    /// Where the model was logged: a path inside the run's artifacts (2.x) or the model's
    /// artifact location (3.x).
    #[serde(default, deserialize_with = "lenient")]
    pub artifact_path: Option<String>,
    /// The run that logged the model (absent for a model saved outside a run).
    #[serde(default, deserialize_with = "lenient")]
    pub run_id: Option<String>,
    /// A fresh id per save (MLflow 3 writes the model id here too).
    #[serde(default, deserialize_with = "lenient")]
    pub model_uuid: Option<String>,
    /// The logged model's id (MLflow 3; `null` or absent before).
    #[serde(default, deserialize_with = "lenient")]
    pub model_id: Option<String>,
    /// When the file was written, UTC, as Python's `str(datetime)`.
    #[serde(default, deserialize_with = "lenient")]
    pub utc_time_created: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub mlflow_version: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub model_size_bytes: Option<u64>,
    /// Flavour name → that flavour's configuration. Each flavour has keys of its own, so a
    /// configuration is kept as written.
    #[serde(default, deserialize_with = "lenient")]
    pub flavors: Option<BTreeMap<String, Value>>,
    #[serde(default, deserialize_with = "lenient_mapping")]
    pub signature: Option<RawSignature>,
}

/// `signature`: `ModelSignature.to_dict`, each part a JSON text inside the YAML.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawSignature {
    /// A JSON list: columns (`{"type", "name", "required"}`) or tensors (`{"type": "tensor",
    /// "tensor-spec": …}`).
    #[serde(default, deserialize_with = "lenient")]
    pub inputs: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub outputs: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub params: Option<String>,
}

/// A key MLflow writes with one type: anything else is taken as not recorded.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// As [`lenient`], for a key that holds a mapping (a list is not read as one by position).
fn lenient_mapping<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(if v.is_object() { serde_json::from_value(v).ok() } else { None })
}

/// A file or folder a flavour names, placed in the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlavourFile {
    /// The flavour that names it (`sklearn`, `python_function` …).
    pub flavour: String,
    /// The key that names it (one of [`FILE_KEYS`]).
    pub key: String,
    /// The name as written, relative to the model folder.
    pub file: String,
    /// Where it is in the evidence (beside the `MLmodel`).
    pub rel: RelPath,
}

/// A checked `MLmodel`: the ids it records, the files its flavours name, its signature, and
/// what it says apart from the stamps MLflow puts on every model.
#[derive(Debug, Clone)]
pub struct MlModel {
    /// The file, relative to its evidence root.
    pub rel: RelPath,
    pub run_id: Option<String>,
    pub model_id: Option<String>,
    pub model_uuid: Option<String>,
    pub mlflow_version: Option<String>,
    /// The files the flavours name, sorted by flavour and key; a file two flavours name is
    /// listed once, under the first of them.
    pub files: Vec<FlavourFile>,
    /// `signature.inputs` as written (a JSON text), when recorded.
    signature_inputs: Option<String>,
    /// The document without [`STAMPS`].
    unstamped: Map<String, Value>,
}

impl MlModel {
    /// Reads the `MLmodel` at `rel` under the evidence root `root`.
    pub fn read(root: &Path, rel: &RelPath) -> Result<MlModel, MlModelError> {
        let path = rel.as_str().to_string();
        let bytes = hashing::read_capped(&rel.to_local(root), MAX_BYTES).map_err(|e| match e {
            ReadError::Io(source) => MlModelError::Io { path: path.clone(), source },
            ReadError::TooLarge { size, .. } => MlModelError::TooLarge { path: path.clone(), size },
        })?;
        MlModel::parse(rel, &bytes)
    }

    /// Reads the `MLmodel` at the root-relative path `rel` in the first evidence root that
    /// holds it.
    pub fn read_in(evidence: &EvidenceSet, rel: &str) -> Result<MlModel, MlModelError> {
        let absent = || MlModelError::Absent { path: rel.to_string() };
        let checked = RelPath::new(rel).map_err(|_| absent())?;
        let root = evidence.roots.iter().map(|ev| ev.root.as_path()).find(|root| checked.to_local(root).is_file()).ok_or_else(absent)?;
        MlModel::read(root, &checked)
    }

    /// Checks the bytes of the `MLmodel` at `rel`.
    pub fn parse(rel: &RelPath, bytes: &[u8]) -> Result<MlModel, MlModelError> {
        let path = || rel.as_str().to_string();
        let doc: Value = serde_norway::from_slice(bytes).map_err(|source| MlModelError::NotYaml { path: path(), source })?;
        let mut unstamped = match doc {
            Value::Object(map) => map,
            other => return Err(MlModelError::NotAMapping { path: path(), found: kind_of(&other) }),
        };
        // A mapping always deserializes: every key is optional and lenient.
        let raw: RawMlModel = serde_json::from_value(Value::Object(unstamped.clone())).unwrap_or_default();
        for k in STAMPS {
            unstamped.remove(k);
        }
        let files = flavour_files(&rel.parent(), raw.flavors.as_ref());
        Ok(MlModel {
            rel: rel.clone(),
            run_id: raw.run_id,
            model_id: raw.model_id,
            model_uuid: raw.model_uuid,
            mlflow_version: raw.mlflow_version,
            files,
            signature_inputs: raw.signature.and_then(|s| s.inputs),
            unstamped,
        })
    }

    /// The names of the signature's input columns, in order (empty when the model records no
    /// signature, or a signature of unnamed tensors).
    pub fn input_names(&self) -> Result<Vec<String>, MlModelError> {
        let Some(text) = &self.signature_inputs else { return Ok(Vec::new()) };
        let inputs: Vec<Value> = serde_json::from_str(text).map_err(|source| MlModelError::SignatureInputs { path: self.rel.as_str().to_string(), source })?;
        Ok(inputs.iter().filter_map(|c| c.get("name")?.as_str().map(str::to_string)).collect())
    }

    /// Whether two `MLmodel` files say the same once the [`STAMPS`] are set aside.
    pub fn same_apart_from_stamps(&self, other: &MlModel) -> bool {
        self.unstamped == other.unstamped
    }

    /// The files the flavours name that are not in the evidence under `root`.
    pub fn absent_files(&self, root: &Path) -> Vec<&FlavourFile> {
        self.files.iter().filter(|f| !f.rel.to_local(root).exists()).collect()
    }
}

/// What a YAML document that is not a mapping holds, for [`MlModelError::NotAMapping`].
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The files the flavours name under [`FILE_KEYS`], relative to the model folder `dir`:
/// sorted by (flavour, key, name), a name repeated by the next flavour listed once.
fn flavour_files(dir: &RelPath, flavours: Option<&BTreeMap<String, Value>>) -> Vec<FlavourFile> {
    let mut named: Vec<(String, String, String)> = Vec::new();
    for (flavour, config) in flavours.into_iter().flatten() {
        for key in FILE_KEYS {
            if let Some(file) = config.get(key).and_then(Value::as_str).filter(|s| !s.is_empty() && !s.contains("://") && !s.starts_with('/')) {
                named.push((flavour.clone(), key.to_string(), file.to_string()));
            }
        }
    }
    named.sort();
    named.dedup_by(|a, b| a.2 == b.2);
    named
        .into_iter()
        .filter_map(|(flavour, key, file)| {
            let rel = dir.join(&file).ok()?;
            Some(FlavourFile { flavour, key, file, rel })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's `fixtures/` folder.
    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
    }

    /// A model logged by MLflow 3.17.2 (the fraud-detection case).
    const MLFLOW3: &str = "cases/fraud-detection/mlflow/artifacts/models/m-06b89aa55ea840339e9ae178dbe18d4a/artifacts/MLmodel";
    /// A model logged by MLflow 2.22.5 (autolog, a tensor output).
    const MLFLOW2: &str = "corpus/autolog-mlflow2/case/mlflow/artifacts/71d4c2e6f06642d5bef54db08627e331/artifacts/model/MLmodel";
    /// A model logged without a signature (an MLflow FileStore).
    const UNSIGNED: &str = "corpus/filestore-only/case/mlruns/636466253589199717/models/m-3fe8e26afbae47858a28c728f71e19ea/artifacts/MLmodel";

    fn real(rel: &str) -> MlModel {
        MlModel::read(&fixtures(), &RelPath::new(rel).unwrap()).unwrap()
    }

    fn bytes_of(rel: &str) -> String {
        std::fs::read_to_string(fixtures().join(rel)).unwrap()
    }

    fn parse(text: &str) -> Result<MlModel, MlModelError> {
        MlModel::parse(&RelPath::new("model/MLmodel").unwrap(), text.as_bytes())
    }

    #[test]
    fn a_model_logged_by_mlflow_3_reads_whole() {
        let m = real(MLFLOW3);
        assert_eq!(m.run_id.as_deref(), Some("e5ea81f2fc294e738d21e109d4461213"));
        assert_eq!(m.model_id.as_deref(), Some("m-06b89aa55ea840339e9ae178dbe18d4a"));
        assert_eq!(m.model_uuid, m.model_id);
        assert_eq!(m.mlflow_version.as_deref(), Some("3.17.2"));
        // python_function and sklearn both name model.pkl: listed once, under the first
        let files: Vec<(&str, &str, &str)> = m.files.iter().map(|f| (f.flavour.as_str(), f.key.as_str(), f.rel.as_str())).collect();
        let dir = MLFLOW3.trim_end_matches("/MLmodel");
        assert_eq!(files, [("python_function", "model_path", format!("{dir}/model.pkl").as_str())]);
        assert!(m.absent_files(&fixtures()).is_empty());
        assert_eq!(m.input_names().unwrap(), ["amount", "merchant_category", "country", "customer_age_band", "customer_gender", "region", "card_present", "hour"]);
    }

    #[test]
    fn a_model_logged_by_mlflow_2_has_a_run_and_no_model_id() {
        let m = real(MLFLOW2);
        assert_eq!(m.run_id.as_deref(), Some("71d4c2e6f06642d5bef54db08627e331"));
        assert_eq!(m.model_id, None);
        assert_eq!(m.model_uuid.as_deref(), Some("3e6bad80914b41fd9df7f57d00f2ef87"));
        assert_eq!(m.input_names().unwrap(), ["amount", "hour", "tenure_months", "n_prev"]);
        let unsigned = real(UNSIGNED);
        assert_eq!(unsigned.input_names().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn every_mlmodel_in_the_fixtures_reads() {
        let mut seen = 0;
        for e in walk(&fixtures()) {
            if e.file_name().is_some_and(|n| n == FILE_NAME) {
                let rel = RelPath::from_local(&fixtures(), &e).unwrap();
                let m = MlModel::read(&fixtures(), &rel).unwrap_or_else(|err| panic!("{err}"));
                assert!(m.run_id.is_some() && !m.files.is_empty(), "{rel}");
                seen += 1;
            }
        }
        assert!(seen >= 30, "{seen} MLmodel files");
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                out.extend(walk(&e.path()));
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
        out
    }

    #[test]
    fn the_stamps_alone_do_not_make_two_models_differ() {
        let text = bytes_of(MLFLOW3);
        let a = parse(&text).unwrap();
        let restamped = text
            .replace("run_id: e5ea81f2fc294e738d21e109d4461213", "run_id: 00000000000000000000000000000000")
            .replace("m-06b89aa55ea840339e9ae178dbe18d4a", "m-ffffffffffffffffffffffffffffffff")
            .replace("2026-10-19 13:25:05.292825", "2027-01-01 00:00:00.000000")
            .replace("model_size_bytes: 78179", "model_size_bytes: 1");
        assert_ne!(text, restamped);
        assert!(a.same_apart_from_stamps(&parse(&restamped).unwrap()));
        let other_version = text.replace("sklearn_version: 1.9.1", "sklearn_version: 1.9.2");
        assert!(!a.same_apart_from_stamps(&parse(&other_version).unwrap()));
        let other_mlflow = text.replace("mlflow_version: 3.17.2", "mlflow_version: 3.17.3");
        assert!(!a.same_apart_from_stamps(&parse(&other_mlflow).unwrap()), "the MLflow version is not a stamp");
    }

    #[test]
    fn a_flavour_naming_a_missing_file_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model");
        std::fs::create_dir(&model).unwrap();
        std::fs::write(model.join("MLmodel"), bytes_of(MLFLOW3).replace("pickled_model: model.pkl", "pickled_model: weights.pkl")).unwrap();
        std::fs::write(model.join("model.pkl"), b"pickle").unwrap();
        let m = MlModel::read(dir.path(), &RelPath::new("model/MLmodel").unwrap()).unwrap();
        let absent: Vec<(&str, &str, &str)> = m.absent_files(dir.path()).into_iter().map(|f| (f.flavour.as_str(), f.key.as_str(), f.file.as_str())).collect();
        assert_eq!(absent, [("sklearn", "pickled_model", "weights.pkl")]);
        assert_eq!(m.files.iter().find(|f| f.file == "weights.pkl").unwrap().rel.as_str(), "model/weights.pkl");
    }

    #[test]
    fn names_that_leave_the_model_folder_are_not_its_files() {
        let m = parse("flavors:\n  a:\n    data: s3://bucket/x\n  b:\n    model_path: /abs/x\n  c:\n    pickled_model: ../../../x\n  d:\n    data: ''\n  e:\n    model_data: ../sibling/y\n").unwrap();
        let files: Vec<&str> = m.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(files, ["sibling/y"], "a URI, an absolute path, an escape and an empty name are dropped; a name inside the evidence stays");
    }

    #[test]
    fn not_yaml_is_a_named_error_with_its_cause() {
        let err = parse("run_id: [unclosed\n").unwrap_err();
        assert!(matches!(err, MlModelError::NotYaml { .. }), "{err}");
        assert!(err.to_string().starts_with("model/MLmodel: MLmodel is not valid YAML: "), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn yaml_that_is_not_a_mapping_is_a_named_error() {
        for (text, found) in [("- a\n- b\n", "a list"), ("just text\n", "a string"), ("", "empty"), ("42\n", "a number")] {
            match parse(text) {
                Err(MlModelError::NotAMapping { found: f, .. }) => assert_eq!(f, found, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn keys_of_another_type_are_not_recorded_and_hide_nothing_else() {
        let text = bytes_of(MLFLOW3).replace("run_id: e5ea81f2fc294e738d21e109d4461213", "run_id: [1, 2]").replace("model_size_bytes: 78179", "model_size_bytes: big");
        let m = parse(&text).unwrap();
        assert_eq!(m.run_id, None);
        assert_eq!(m.model_id.as_deref(), Some("m-06b89aa55ea840339e9ae178dbe18d4a"));
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.input_names().unwrap().len(), 8);
        // a signature written as a list is not read by position
        let m = parse("signature:\n- '[{\"name\": \"a\"}]'\n").unwrap();
        assert_eq!(m.input_names().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn signature_inputs_that_are_not_a_json_list_are_a_named_error() {
        let m = parse("signature:\n  inputs: '{\"name\": \"a\"}'\n").unwrap();
        let err = m.input_names().unwrap_err();
        assert!(matches!(err, MlModelError::SignatureInputs { .. }), "{err}");
        assert!(err.to_string().starts_with("model/MLmodel: signature.inputs is not a JSON list of inputs: "), "{err}");
        assert!(std::error::Error::source(&err).is_some());
        let m = parse("signature:\n  inputs: 'not json'\n").unwrap();
        assert!(m.input_names().is_err());
    }

    #[test]
    fn the_file_is_read_through_the_door() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("model")).unwrap();
        std::fs::write(dir.path().join("real"), bytes_of(MLFLOW3)).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("model/MLmodel")).unwrap();
        let rel = RelPath::new("model/MLmodel").unwrap();
        let err = MlModel::read(dir.path(), &rel).unwrap_err();
        assert!(matches!(err, MlModelError::Io { .. }) && err.to_string().contains("symbolic link"), "a link is not followed: {err}");
        let gone = MlModel::read(dir.path(), &RelPath::new("gone/MLmodel").unwrap()).unwrap_err();
        assert!(matches!(gone, MlModelError::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound), "{gone}");
        let big = dir.path().join("big");
        std::fs::create_dir(&big).unwrap();
        let f = std::fs::File::create(big.join("MLmodel")).unwrap();
        f.set_len(MAX_BYTES + 1).unwrap();
        let err = MlModel::read(dir.path(), &RelPath::new("big/MLmodel").unwrap()).unwrap_err();
        assert!(matches!(err, MlModelError::TooLarge { size, .. } if size == MAX_BYTES + 1), "{err}");
    }
}
