//! Inference logs: the records a scoring service keeps of each automated decision.
//!
//! Why: an auditor starts from one decision ("why was this card payment declined?") and must
//! reach the model version, data and code behind it. Serving stacks log decisions as JSON
//! lines, CSV or Parquet, under names of their own (`prediction_id`, `request_id`,
//! `databricks_request_id`, `eventMetadata.inferenceId` …; a model as a `models:/` URI, a
//! registry version, an artifact digest). This module reads the three formats, flattens
//! nested JSON objects into dotted column names (`inputs.amount`, also inside a JSON document
//! that a field carries as a string, as Databricks inference tables and SageMaker data capture
//! do), recognises which column plays which [`Role`], and lets the investigator name the
//! columns where recognition fails ([`FieldOverrides`], `--field ROLE=COLUMN`).
//!
//! Guarantees: logs are opened read-only; nothing in them is executed. Finding one prediction
//! does not load the log: JSON lines and CSV are scanned for the id's bytes (memchr's `memmem`,
//! in bounded chunks) and only matching lines are parsed; Parquet is filtered by polars with
//! the predicate pushed into the scan. Every error names the file and the problem.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::{Map, Value};

/// The on-disk format of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum LogFormat {
    JsonLines,
    Csv,
    Parquet,
}

impl LogFormat {
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::JsonLines => "JSON lines",
            LogFormat::Csv => "CSV",
            LogFormat::Parquet => "Parquet",
        }
    }

    /// The format of a file, from its first bytes (Parquet magic, a JSON object) and, for the
    /// rest, its name; `None` for files that are none of the three.
    pub fn detect(path: &Path) -> Option<LogFormat> {
        let mut head = [0u8; 512];
        let n = custody_evidence::open_regular(path).and_then(|mut f| f.read(&mut head)).ok()?;
        let head = &head[..n];
        if head.starts_with(b"PAR1") {
            return Some(LogFormat::Parquet);
        }
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
        if first == Some(b'{') && (name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") || name.ends_with(".log")) {
            return Some(LogFormat::JsonLines);
        }
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            return Some(LogFormat::Csv);
        }
        None
    }
}

/// What a column of a log means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Role {
    /// The prediction's id.
    Id,
    /// When the decision was made.
    Time,
    /// The model as a URI: `models:/NAME@ALIAS`, `models:/NAME/VERSION`, `models:/m-…`, `runs:/RUN/PATH`.
    ModelUri,
    /// The registered model's name.
    ModelName,
    /// The registered model's version.
    ModelVersion,
    /// The digest of the model artifact that served (sha256, optionally `sha256:`-prefixed).
    ModelDigest,
    /// The MLflow run that trained the model.
    RunId,
    /// The model's output score or probability.
    Score,
    /// The decision or predicted label.
    Decision,
    /// The true outcome, where known.
    GroundTruth,
}

impl Role {
    pub const ALL: [Role; 10] = [Role::Id, Role::Time, Role::ModelUri, Role::ModelName, Role::ModelVersion, Role::ModelDigest, Role::RunId, Role::Score, Role::Decision, Role::GroundTruth];

    pub fn name(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::Time => "time",
            Role::ModelUri => "model_uri",
            Role::ModelName => "model_name",
            Role::ModelVersion => "model_version",
            Role::ModelDigest => "model_digest",
            Role::RunId => "run_id",
            Role::Score => "score",
            Role::Decision => "decision",
            Role::GroundTruth => "ground_truth",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.name() == s).or(match s.as_str() {
            "prediction_id" | "request_id" => Some(Role::Id),
            "timestamp" => Some(Role::Time),
            "model" | "uri" => Some(Role::ModelUri),
            "version" => Some(Role::ModelVersion),
            "digest" | "sha256" | "model_sha256" => Some(Role::ModelDigest),
            "run" => Some(Role::RunId),
            "label" | "truth" | "actual" => Some(Role::GroundTruth),
            "prediction" | "output" => Some(Role::Decision),
            _ => None,
        })
    }

    /// Column names (lower case, compared with the full dotted name and with its last part)
    /// that the usual serving stacks use, most specific first.
    fn candidates(self) -> &'static [&'static str] {
        match self {
            Role::Id => &[
                "prediction_id", "predictionid", "inference_id", "inferenceid", "eventmetadata.inferenceid", "decision_id", "request_id",
                "requestid", "databricks_request_id", "client_request_id", "eventmetadata.eventid", "event_id", "eventid", "trace_id", "id", "uuid",
            ],
            Role::Time => &[
                "timestamp", "eventmetadata.inferencetime", "inference_time", "prediction_time", "request_time", "event_time", "time", "ts",
                "@timestamp", "timestamp_ms", "created_at", "datetime",
            ],
            Role::ModelUri => &["model_uri", "modeluri", "model.uri", "served_model_uri", "model_url"],
            Role::ModelName => &["model_name", "model.name", "registered_model_name", "served_model_name", "request_metadata.model_name", "modelname"],
            Role::ModelVersion => &["model_version", "model.version", "served_model_version", "request_metadata.model_version", "modelversion", "model_version_id"],
            Role::ModelDigest => &[
                "model_sha256", "model_digest", "model.sha256", "model.digest", "artifact_digest", "artifact_sha256", "model_hash", "model.hash",
                "sha256", "digest",
            ],
            Role::RunId => &["run_id", "mlflow_run_id", "model.run_id", "runid", "request_metadata.run_id"],
            Role::Score => &["score", "probability", "proba", "prediction_score", "risk_score", "predicted_probability", "output.score", "response.score", "outputs.score"],
            Role::Decision => &[
                "decision", "predicted_label", "prediction", "predictions", "response.decision", "output.decision", "outputs.decision", "output",
                "response.predictions", "label_predicted",
            ],
            Role::GroundTruth => &["ground_truth", "groundtruth", "actual", "actual_label", "true_label", "y_true", "target", "label", "outcome"],
        }
    }
}

/// Columns the investigator named for roles, overriding recognition (`ROLE=COLUMN`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldOverrides(pub BTreeMap<Role, String>);

impl FieldOverrides {
    /// Parses `ROLE=COLUMN` specifications.
    pub fn parse(specs: &[String]) -> Result<FieldOverrides, InferenceError> {
        let mut map = BTreeMap::new();
        for spec in specs {
            let (role, column) = spec.split_once('=').ok_or_else(|| InferenceError::BadField { spec: spec.clone() })?;
            let role = Role::parse(role).ok_or_else(|| InferenceError::BadField { spec: spec.clone() })?;
            if column.trim().is_empty() {
                return Err(InferenceError::BadField { spec: spec.clone() });
            }
            map.insert(role, column.trim().to_string());
        }
        Ok(FieldOverrides(map))
    }
}

/// Which column plays which role in one log.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldMap {
    pub roles: BTreeMap<Role, String>,
    /// The model's input features: the members of an `inputs`/`features`/`request` object, or
    /// else every column that plays no role.
    pub features: Vec<String>,
}

impl FieldMap {
    pub fn get(&self, role: Role) -> Option<&str> {
        self.roles.get(&role).map(String::as_str)
    }
}

/// Containers whose members are the model's inputs.
const FEATURE_CONTAINERS: [&str; 9] = ["inputs", "input", "features", "feature", "request", "instances", "dataframe_records", "payload", "captureData.endpointInput.data"];
/// Containers whose members are the model's outputs.
const OUTPUT_CONTAINERS: [&str; 5] = ["outputs", "output", "response", "predictions", "captureData.endpointOutput.data"];

/// Recognises the roles of `columns` (flattened names), after applying `overrides`. A log
/// without a recognisable prediction id is an error that lists the columns, so the
/// investigator can name it.
pub fn recognise(columns: &[String], sample: Option<&Map<String, Value>>, overrides: &FieldOverrides, file: &str) -> Result<FieldMap, InferenceError> {
    let mut roles: BTreeMap<Role, String> = BTreeMap::new();
    for (role, column) in &overrides.0 {
        if !columns.iter().any(|c| c == column) {
            return Err(InferenceError::UnknownField { file: file.to_string(), role: role.name(), column: column.clone(), available: columns.to_vec() });
        }
        roles.insert(*role, column.clone());
    }
    let lower: Vec<String> = columns.iter().map(|c| c.to_ascii_lowercase()).collect();
    let taken = |roles: &BTreeMap<Role, String>, c: &str| roles.values().any(|v| v == c);
    for role in Role::ALL {
        if roles.contains_key(&role) {
            continue;
        }
        'find: for cand in role.candidates() {
            // the full dotted name first, then the last part of a name outside feature containers
            for (i, l) in lower.iter().enumerate() {
                if l == cand && !taken(&roles, &columns[i]) {
                    roles.insert(role, columns[i].clone());
                    break 'find;
                }
            }
            for (i, l) in lower.iter().enumerate() {
                let leaf = l.rsplit('.').next().unwrap_or(l);
                let in_features = FEATURE_CONTAINERS.iter().any(|c| l.starts_with(&format!("{}.", c.to_ascii_lowercase())));
                if leaf == *cand && !in_features && !taken(&roles, &columns[i]) {
                    roles.insert(role, columns[i].clone());
                    break 'find;
                }
            }
        }
    }
    // values that name themselves: a `models:/` URI, a 64-hex digest
    if let Some(sample) = sample {
        for (c, v) in sample {
            let Some(s) = v.as_str() else { continue };
            if !roles.contains_key(&Role::ModelUri) && (s.starts_with("models:/") || s.starts_with("runs:/")) && !taken(&roles, c) {
                roles.insert(Role::ModelUri, c.clone());
            }
            let hex = s.strip_prefix("sha256:").unwrap_or(s);
            if !roles.contains_key(&Role::ModelDigest) && hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && c.to_ascii_lowercase().contains("model") && !taken(&roles, c) {
                roles.insert(Role::ModelDigest, c.clone());
            }
        }
    }
    // ground truth given as an object (`ground_truth.is_fraud`, `ground_truth.labelled_at`):
    // its first member that is not a time
    if !roles.contains_key(&Role::GroundTruth) {
        for cand in Role::GroundTruth.candidates() {
            let prefix = format!("{cand}.");
            if let Some(i) = lower.iter().position(|l| l.starts_with(&prefix) && !l.ends_with("_at") && !l.ends_with("time") && !l.ends_with("timestamp")) {
                roles.insert(Role::GroundTruth, columns[i].clone());
                break;
            }
        }
    }
    if !roles.contains_key(&Role::Id) {
        return Err(InferenceError::NoPredictionId { file: file.to_string(), columns: columns.to_vec() });
    }
    let in_container = |c: &str, containers: &[&str]| containers.iter().any(|k| c.to_ascii_lowercase().starts_with(&format!("{}.", k.to_ascii_lowercase())));
    let mut features: Vec<String> = columns.iter().filter(|c| in_container(c, &FEATURE_CONTAINERS)).cloned().collect();
    if features.is_empty() {
        let gt_prefix = roles.get(&Role::GroundTruth).and_then(|g| g.split_once('.').map(|(p, _)| format!("{p}.")));
        features = columns
            .iter()
            .filter(|c| !taken(&roles, c) && !in_container(c, &OUTPUT_CONTAINERS) && !gt_prefix.as_ref().is_some_and(|p| c.starts_with(p.as_str())))
            .filter(|c| {
                let l = c.to_ascii_lowercase();
                !(l.ends_with("_id") || l.ends_with("_at") || l == "labelled_at" || l.contains("timestamp"))
            })
            .cloned()
            .collect();
    }
    Ok(FieldMap { roles, features })
}

/// Why a log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not an inference log Custody reads (JSON lines, CSV or Parquet)")]
    UnknownFormat { file: String },
    /// A line of a JSON-lines log that is not a JSON object (`line` counts from 1).
    #[error("{file}: line {line}: not a JSON object: {source}")]
    BadJson {
        file: String,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    /// A CSV or Parquet log (or a JSON-lines log made into a table) that cannot be read as a
    /// table; [`TableProblem`] says why.
    #[error("{file}: {source}")]
    BadTable {
        file: String,
        #[source]
        source: TableProblem,
    },
    #[error("{file}: no column recognised as the prediction id; name it with --field id=COLUMN (columns: {})", columns.join(", "))]
    NoPredictionId { file: String, columns: Vec<String> },
    #[error("{file}: --field {role}={column}: no such column (columns: {})", available.join(", "))]
    UnknownField { file: String, role: &'static str, column: String, available: Vec<String> },
    #[error("--field {spec}: expected ROLE=COLUMN with ROLE one of id, time, model_uri, model_name, model_version, model_digest, run_id, score, decision, ground_truth")]
    BadField { spec: String },
}

impl InferenceError {
    /// A log that is there but unreadable is an input problem; a file that is not a log, or a
    /// field the investigator named wrongly, is a usage problem.
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        match self {
            InferenceError::Io { .. } | InferenceError::BadJson { .. } | InferenceError::BadTable { .. } => custody_evidence::ErrorKind::Input,
            InferenceError::UnknownFormat { .. } | InferenceError::NoPredictionId { .. } | InferenceError::UnknownField { .. } | InferenceError::BadField { .. } => custody_evidence::ErrorKind::Usage,
        }
    }
}

/// Why a log cannot be read as a table ([`InferenceError::BadTable`]).
#[derive(Debug, thiserror::Error)]
pub enum TableProblem {
    /// A CSV log whose first line has fewer than two columns.
    #[error("no CSV header")]
    NoCsvHeader,
    /// polars could not read the Parquet file, filter it or build the table.
    #[error(transparent)]
    Polars(#[from] PolarsError),
    /// The log, read whole as a table, is unreadable or too large.
    #[error(transparent)]
    Table(#[from] crate::dataset::DatasetError),
}

/// One inference log in the evidence.
#[derive(Debug, Clone)]
pub struct InferenceLog {
    /// The file, relative to the evidence root.
    pub rel: String,
    pub local: PathBuf,
    pub format: LogFormat,
    /// Every column, flattened.
    pub columns: Vec<String>,
    pub fields: FieldMap,
}

/// One logged decision, with the place it was read from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LoggedPrediction {
    pub id: String,
    /// The log (relative to the evidence root) and the record in it (`line 17`, `row 16`).
    pub log: String,
    pub record: String,
    pub format: LogFormat,
    pub time: Option<String>,
    pub model_uri: Option<String>,
    pub model_name: Option<String>,
    pub model_version: Option<String>,
    pub model_digest: Option<String>,
    pub run_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub score: Option<Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub decision: Option<Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub ground_truth: Option<Value>,
    /// The column the ground truth was read from (`ground_truth.is_fraud`).
    pub ground_truth_column: Option<String>,
    /// The input features by name (the container prefix removed: `inputs.amount` → `amount`).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub inputs: Map<String, Value>,
    /// Every field of the record, flattened.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub fields: Map<String, Value>,
}

/// One model identity an inference log records, with how many of its records name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedModel {
    pub log: String,
    /// The first record that names it (`line 17`).
    pub first_record: String,
    pub records: usize,
    pub model_uri: Option<String>,
    pub model_name: Option<String>,
    pub model_version: Option<String>,
    /// The logged SHA-256 of the model file that served.
    pub model_digest: Option<String>,
    pub run_id: Option<String>,
}

/// Flattens a JSON object: nested objects become dotted names; a string that holds a JSON
/// object (Databricks' `request`, SageMaker's `data`) is parsed and flattened too; arrays of
/// one object (`dataframe_records: [{…}]`, `predictions: [0.93]`) are unwrapped; other arrays
/// stay as JSON text.
pub fn flatten(record: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    flatten_into("", record, &mut out, 0);
    out
}

fn flatten_into(prefix: &str, record: &Map<String, Value>, out: &mut Map<String, Value>, depth: usize) {
    for (k, v) in record {
        let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        flatten_value(name, v, out, depth);
    }
}

fn flatten_value(name: String, v: &Value, out: &mut Map<String, Value>, depth: usize) {
    if depth > 8 {
        out.insert(name, Value::String(v.to_string()));
        return;
    }
    match v {
        Value::Object(o) => flatten_into(&name, o, out, depth + 1),
        Value::String(s) if s.trim_start().starts_with('{') && s.trim_end().ends_with('}') => match serde_json::from_str::<Map<String, Value>>(s) {
            Ok(o) => flatten_into(&name, &o, out, depth + 1),
            Err(_) => {
                out.insert(name, v.clone());
            }
        },
        Value::Array(a) if a.len() == 1 && (a[0].is_object() || !a[0].is_array()) => flatten_value(name, &a[0], out, depth + 1),
        Value::Array(_) => {
            out.insert(name, Value::String(v.to_string()));
        }
        _ => {
            out.insert(name, v.clone());
        }
    }
}

fn io(file: &str) -> impl Fn(std::io::Error) -> InferenceError + '_ {
    move |source| InferenceError::Io { file: file.to_string(), source }
}

/// Lines of a JSON-lines file, read in bounded chunks; `visit(line_number, bytes)` for every
/// line whose bytes contain `needle` (every line when `needle` is empty). Stops when `visit`
/// returns false.
fn scan_lines(path: &Path, file: &str, needle: &[u8], mut visit: impl FnMut(usize, &[u8]) -> Result<bool, InferenceError>) -> Result<(), InferenceError> {
    const CHUNK: usize = 32 * 1024 * 1024;
    let mut f = custody_evidence::open_regular(path).map_err(io(file))?;
    let finder = memchr::memmem::Finder::new(needle);
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let mut line_base = 0usize; // line number of buf's first line (0-based)
    let mut eof = false;
    while !eof {
        let start = buf.len();
        buf.resize(start + CHUNK, 0);
        let mut filled = start;
        while filled < buf.len() {
            let n = f.read(&mut buf[filled..]).map_err(io(file))?;
            if n == 0 {
                eof = true;
                break;
            }
            filled += n;
        }
        buf.truncate(filled);
        if line_base == 0 && start == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3); // a UTF-8 byte-order mark is not part of the first record
        }
        // process complete lines only; keep the tail for the next round
        let end = if eof { buf.len() } else { memchr::memrchr(b'\n', &buf).map(|i| i + 1).unwrap_or(0) };
        if end == 0 && !eof {
            continue; // one line longer than the chunk: read more
        }
        let block = &buf[..end];
        if needle.is_empty() {
            for (i, line) in block.split(|&b| b == b'\n').enumerate() {
                if !line.iter().all(u8::is_ascii_whitespace) && !visit(line_base + i, line)? {
                    return Ok(());
                }
            }
        } else {
            let mut counted = 0usize; // bytes of block whose newlines were counted
            let mut lines_before = 0usize;
            let mut from = 0usize;
            while let Some(hit) = finder.find(&block[from..]).map(|h| h + from) {
                let ls = memchr::memrchr(b'\n', &block[..hit]).map(|i| i + 1).unwrap_or(0);
                let le = memchr::memchr(b'\n', &block[hit..]).map(|i| i + hit).unwrap_or(block.len());
                lines_before += memchr::memchr_iter(b'\n', &block[counted..ls]).count();
                counted = ls;
                if !visit(line_base + lines_before, &block[ls..le])? {
                    return Ok(());
                }
                from = le.min(block.len());
                if from >= block.len() {
                    break;
                }
            }
        }
        line_base += memchr::memchr_iter(b'\n', block).count();
        buf.drain(..end);
    }
    Ok(())
}

/// A minimal RFC 4180 record splitter for one CSV line (quoted fields, doubled quotes).
fn split_csv_line(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// A CSV cell as JSON: numbers and booleans as such, empty as null.
fn csv_value(s: &str) -> Value {
    if s.is_empty() {
        return Value::Null;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(f) = s.parse::<f64>() {
        if f.is_finite() {
            return Value::from(f);
        }
    }
    match s {
        "true" | "True" => Value::Bool(true),
        "false" | "False" => Value::Bool(false),
        _ => Value::String(s.to_string()),
    }
}

fn csv_separator(path: &Path) -> char {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv")) { '\t' } else { ',' }
}

fn first_line(path: &Path, file: &str) -> Result<String, InferenceError> {
    let mut f = custody_evidence::open_regular(path).map_err(io(file))?;
    let mut buf = vec![0u8; 64 * 1024];
    let n = f.read(&mut buf).map_err(io(file))?;
    let text = String::from_utf8_lossy(&buf[..n]);
    Ok(text.trim_start_matches('\u{feff}').lines().next().unwrap_or("").to_string())
}

/// A polars value as JSON.
fn any_to_json(v: AnyValue<'_>) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(x) => Value::from(x),
        AnyValue::Int16(x) => Value::from(x),
        AnyValue::Int32(x) => Value::from(x),
        AnyValue::Int64(x) => Value::from(x),
        AnyValue::UInt8(x) => Value::from(x),
        AnyValue::UInt16(x) => Value::from(x),
        AnyValue::UInt32(x) => Value::from(x),
        AnyValue::UInt64(x) => Value::from(x),
        AnyValue::Float32(x) => serde_json::Number::from_f64(x as f64).map(Value::Number).unwrap_or(Value::Null),
        AnyValue::Float64(x) => serde_json::Number::from_f64(x).map(Value::Number).unwrap_or(Value::Null),
        other => Value::String(other.to_string().trim_matches('"').to_string()),
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl InferenceLog {
    /// Opens `local` (evidence path `rel`) as an inference log: its format, its columns and
    /// their roles. Only the head of a JSON-lines or CSV log is read.
    pub fn open(local: &Path, rel: &str, overrides: &FieldOverrides) -> Result<InferenceLog, InferenceError> {
        let format = LogFormat::detect(local).ok_or_else(|| InferenceError::UnknownFormat { file: rel.to_string() })?;
        let (columns, sample) = match format {
            LogFormat::JsonLines => {
                let mut columns: Vec<String> = Vec::new();
                let mut sample = None;
                let mut seen = 0usize;
                scan_lines(local, rel, b"", |i, line| {
                    let record: Map<String, Value> = serde_json::from_slice(line).map_err(|source| InferenceError::BadJson { file: rel.to_string(), line: i + 1, source })?;
                    let flat = flatten(&record);
                    for k in flat.keys() {
                        if !columns.contains(k) {
                            columns.push(k.clone());
                        }
                    }
                    sample.get_or_insert(flat);
                    seen += 1;
                    Ok(seen < 50)
                })?;
                (columns, sample)
            }
            LogFormat::Csv => {
                let header = first_line(local, rel)?;
                let columns = split_csv_line(&header, csv_separator(local));
                if columns.len() < 2 {
                    return Err(InferenceError::BadTable { file: rel.to_string(), source: TableProblem::NoCsvHeader });
                }
                (columns, None)
            }
            LogFormat::Parquet => {
                let file = custody_evidence::open_regular(local).map_err(io(rel))?;
                let schema = ParquetReader::new(file).schema().map_err(|e| InferenceError::BadTable { file: rel.to_string(), source: e.into() })?;
                (schema.iter_names().map(|n| n.to_string()).collect(), None)
            }
        };
        let fields = recognise(&columns, sample.as_ref(), overrides, rel)?;
        Ok(InferenceLog { rel: rel.to_string(), local: local.to_path_buf(), format, columns, fields })
    }

    /// Whether a column names the model (URI, name, version, digest or run).
    pub fn names_model(&self) -> bool {
        [Role::ModelUri, Role::ModelVersion, Role::ModelDigest, Role::RunId, Role::ModelName].iter().any(|r| self.fields.get(*r).is_some())
    }

    /// Whether a column holds the model's output (a score or a decision).
    pub fn names_output(&self) -> bool {
        self.fields.get(Role::Score).is_some() || self.fields.get(Role::Decision).is_some()
    }

    /// Whether the log records decisions: a model identity and an output beside the id.
    pub fn is_decision_log(&self) -> bool {
        self.names_model() && self.names_output()
    }

    fn prediction(&self, record: String, fields: Map<String, Value>) -> LoggedPrediction {
        let text = |role: Role| self.fields.get(role).and_then(|c| fields.get(c)).and_then(value_text);
        let value = |role: Role| self.fields.get(role).and_then(|c| fields.get(c)).filter(|v| !v.is_null()).cloned();
        let mut inputs = Map::new();
        for f in &self.fields.features {
            if let Some(v) = fields.get(f) {
                let short = FEATURE_CONTAINERS.iter().find_map(|c| f.strip_prefix(&format!("{c}."))).unwrap_or(f);
                inputs.insert(short.to_string(), v.clone());
            }
        }
        LoggedPrediction {
            id: text(Role::Id).unwrap_or_default(),
            log: self.rel.clone(),
            record,
            format: self.format,
            time: text(Role::Time),
            model_uri: text(Role::ModelUri),
            model_name: text(Role::ModelName),
            model_version: text(Role::ModelVersion),
            model_digest: text(Role::ModelDigest),
            run_id: text(Role::RunId),
            score: value(Role::Score),
            decision: value(Role::Decision),
            ground_truth: value(Role::GroundTruth),
            ground_truth_column: self.fields.get(Role::GroundTruth).map(str::to_string),
            inputs,
            fields,
        }
    }

    /// What the log says about the models that served it: one entry per distinct (model URI,
    /// name, version, digest, run) with how many records say it and the first of them. One
    /// streaming pass over a JSON-lines log; CSV and Parquet copies are not read here.
    pub fn served_models(&self) -> Result<Vec<ServedModel>, InferenceError> {
        let mut by_claim: BTreeMap<[Option<String>; 5], ServedModel> = BTreeMap::new();
        if self.format != LogFormat::JsonLines {
            return Ok(Vec::new());
        }
        let column = |role: Role| self.fields.get(role).map(str::to_string);
        let roles = [Role::ModelUri, Role::ModelName, Role::ModelVersion, Role::ModelDigest, Role::RunId].map(column);
        scan_lines(&self.local, &self.rel, b"", |i, line| {
            let Ok(record) = serde_json::from_slice::<Map<String, Value>>(line) else { return Ok(true) };
            let flat = flatten(&record);
            let key = roles.clone().map(|c| c.and_then(|c| flat.get(&c).and_then(value_text)));
            if key.iter().all(Option::is_none) {
                return Ok(true);
            }
            let entry = by_claim.entry(key.clone()).or_insert_with(|| {
                let [uri, name, version, digest, run_id] = key;
                ServedModel { log: self.rel.clone(), first_record: format!("line {}", i + 1), records: 0, model_uri: uri, model_name: name, model_version: version, model_digest: digest, run_id }
            });
            entry.records += 1;
            Ok(true)
        })?;
        Ok(by_claim.into_values().collect())
    }

    /// Every record whose prediction id is `id` (a log may hold one id twice: the caller
    /// decides what that means). Reads only what it must (see the module docs).
    pub fn find(&self, id: &str) -> Result<Vec<LoggedPrediction>, InferenceError> {
        let id_col = self.fields.get(Role::Id).expect("recognise guarantees an id").to_string();
        let mut found = Vec::new();
        match self.format {
            LogFormat::JsonLines => {
                // the id as it appears in JSON text (plain ids need no escaping)
                let needle = serde_json::to_string(id).expect("a string serialises");
                let needle = if id.bytes().all(|b| b.is_ascii_digit()) { id.to_string() } else { needle };
                scan_lines(&self.local, &self.rel, needle.as_bytes(), |i, line| {
                    let Ok(record) = serde_json::from_slice::<Map<String, Value>>(line) else { return Ok(true) };
                    let flat = flatten(&record);
                    if flat.get(&id_col).and_then(value_text).as_deref() == Some(id) {
                        found.push(self.prediction(format!("line {}", i + 1), flat));
                    }
                    Ok(true)
                })?;
            }
            LogFormat::Csv => {
                let sep = csv_separator(&self.local);
                let at = self.columns.iter().position(|c| *c == id_col).expect("the id column is a column");
                scan_lines(&self.local, &self.rel, id.as_bytes(), |i, line| {
                    let text = String::from_utf8_lossy(line);
                    let cells = split_csv_line(&text, sep);
                    if i > 0 && cells.get(at).map(String::as_str) == Some(id) {
                        let flat: Map<String, Value> = self.columns.iter().cloned().zip(cells.iter().map(|c| csv_value(c))).collect();
                        found.push(self.prediction(format!("line {}", i + 1), flat));
                    }
                    Ok(true)
                })?;
            }
            LogFormat::Parquet => {
                let args = ScanArgsParquet::default();
                let path = PlRefPath::try_from_path(&self.local).map_err(|e| self.bad(e))?;
                let lf = LazyFrame::scan_parquet(path, args).map_err(|e| self.bad(e))?;
                let df = lf
                    .with_row_index("__custody_row", None)
                    .filter(col(id_col.as_str()).cast(DataType::String).eq(lit(id)))
                    .collect()
                    .map_err(|e| self.bad(e))?;
                for r in 0..df.height() {
                    let mut flat = Map::new();
                    let mut row = 0u64;
                    for c in df.columns() {
                        let v = c.get(r).map_err(|e| self.bad(e))?;
                        if c.name().as_str() == "__custody_row" {
                            row = any_to_json(v).as_u64().unwrap_or(0);
                            continue;
                        }
                        flat.insert(c.name().to_string(), any_to_json(v));
                    }
                    found.push(self.prediction(format!("row {row}"), flat));
                }
            }
        }
        Ok(found)
    }

    fn bad(&self, e: PolarsError) -> InferenceError {
        InferenceError::BadTable { file: self.rel.clone(), source: e.into() }
    }

    /// The whole log as a table with flattened column names (for slicing decisions).
    pub fn read_frame(&self) -> Result<DataFrame, InferenceError> {
        match self.format {
            LogFormat::Parquet | LogFormat::Csv => crate::dataset::read_local_table(&self.local).map_err(|e| InferenceError::BadTable { file: self.rel.clone(), source: e.into() }),
            LogFormat::JsonLines => {
                let mut columns: BTreeMap<String, usize> = BTreeMap::new();
                let mut order: Vec<String> = Vec::new();
                let mut cells: Vec<Vec<Value>> = Vec::new();
                let mut rows = 0usize;
                scan_lines(&self.local, &self.rel, b"", |i, line| {
                    let record: Map<String, Value> = serde_json::from_slice(line).map_err(|source| InferenceError::BadJson { file: self.rel.clone(), line: i + 1, source })?;
                    for (k, v) in flatten(&record) {
                        let at = *columns.entry(k.clone()).or_insert_with(|| {
                            order.push(k.clone());
                            cells.push(vec![Value::Null; rows]);
                            cells.len() - 1
                        });
                        let col = &mut cells[at];
                        col.resize(rows, Value::Null);
                        col.push(v);
                    }
                    rows += 1;
                    Ok(true)
                })?;
                let series: Vec<Column> = order.iter().zip(cells.iter_mut()).map(|(name, col)| {
                    col.resize(rows, Value::Null);
                    json_column(name, col)
                }).collect();
                DataFrame::new(rows, series).map_err(|e| self.bad(e))
            }
        }
    }
}

/// One column from JSON values: integers, floats, booleans or text (mixed: text).
fn json_column(name: &str, values: &[Value]) -> Column {
    let present = || values.iter().filter(|v| !v.is_null());
    if present().all(|v| v.is_i64() || v.is_u64()) {
        let v: Vec<Option<i64>> = values.iter().map(|v| v.as_i64()).collect();
        return Column::new(name.into(), v);
    }
    if present().all(Value::is_number) {
        let v: Vec<Option<f64>> = values.iter().map(|v| v.as_f64()).collect();
        return Column::new(name.into(), v);
    }
    if present().all(Value::is_boolean) {
        let v: Vec<Option<bool>> = values.iter().map(|v| v.as_bool()).collect();
        return Column::new(name.into(), v);
    }
    let v: Vec<Option<String>> = values.iter().map(value_text).collect();
    Column::new(name.into(), v)
}

/// The inference logs among the files of an evidence folder: JSON lines, CSV and Parquet files
/// whose columns include a recognisable prediction id and a model identity or an output.
///
/// A file that names none of the columns the investigator named is left out, and its error is
/// pushed to `rejected` (so "no log holds it" can say why).
pub fn discover(root: &Path, files: &[custody_evidence::RelPath], overrides: &FieldOverrides, rejected: &mut Vec<InferenceError>) -> Vec<InferenceLog> {
    let mut out = Vec::new();
    for rel in files {
        let s = rel.as_str();
        if s.contains(".dvc/cache") || s.split('/').any(|p| p == ".git") || s.contains("/mlflow/artifacts/") || s.starts_with("mlflow/artifacts/") {
            continue;
        }
        let local = rel.to_local(root);
        if LogFormat::detect(&local).is_none() {
            continue;
        }
        let log = match InferenceLog::open(&local, s, overrides) {
            Ok(log) => log,
            Err(e @ InferenceError::UnknownField { .. }) => {
                rejected.push(e);
                continue;
            }
            Err(_) => continue,
        };
        // with columns named by the investigator, one of the two is enough
        if log.is_decision_log() || !overrides.0.is_empty() && (log.names_model() || log.names_output()) {
            out.push(log);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn nested_objects_and_json_strings_flatten_to_dotted_names() {
        let flat = flatten(&map(serde_json::json!({
            "databricks_request_id": "r1",
            "request": "{\"dataframe_records\": [{\"amount\": 3.5, \"region\": \"north\"}]}",
            "response": "{\"predictions\": [0.93]}",
            "request_metadata": {"model_name": "fraud", "model_version": "7"}
        })));
        assert_eq!(flat.get("request.dataframe_records.amount"), Some(&Value::from(3.5)));
        assert_eq!(flat.get("response.predictions"), Some(&Value::from(0.93)));
        assert_eq!(flat.get("request_metadata.model_version"), Some(&Value::from("7")));
        let columns: Vec<String> = flat.keys().cloned().collect();
        let f = recognise(&columns, Some(&flat), &FieldOverrides::default(), "log").unwrap();
        assert_eq!(f.get(Role::Id), Some("databricks_request_id"));
        assert_eq!(f.get(Role::ModelName), Some("request_metadata.model_name"));
        assert_eq!(f.get(Role::ModelVersion), Some("request_metadata.model_version"));
        assert_eq!(f.get(Role::Decision), Some("response.predictions"));
        assert_eq!(f.features, vec!["request.dataframe_records.amount".to_string(), "request.dataframe_records.region".to_string()]);
    }

    #[test]
    fn an_unrecognised_id_is_an_error_until_the_investigator_names_it() {
        let columns: Vec<String> = ["txn", "served_by", "p"].iter().map(|s| s.to_string()).collect();
        let err = recognise(&columns, None, &FieldOverrides::default(), "log.csv").unwrap_err();
        assert!(err.to_string().contains("--field id=COLUMN") && err.to_string().contains("txn"), "{err}");
        let named = FieldOverrides::parse(&["id=txn".into(), "model_uri=served_by".into(), "score=p".into()]).unwrap();
        let f = recognise(&columns, None, &named, "log.csv").unwrap();
        assert_eq!((f.get(Role::Id), f.get(Role::ModelUri), f.get(Role::Score)), (Some("txn"), Some("served_by"), Some("p")));
        let wrong = FieldOverrides::parse(&["id=nope".into()]).unwrap();
        assert!(matches!(recognise(&columns, None, &wrong, "log.csv"), Err(InferenceError::UnknownField { .. })));
        assert!(FieldOverrides::parse(&["colour=txn".into()]).is_err());
    }

    #[test]
    fn csv_lines_split_with_quotes() {
        assert_eq!(split_csv_line("a,\"b,c\",\"d\"\"e\",\r\n", ','), vec!["a", "b,c", "d\"e", ""]);
    }

    #[test]
    fn scanning_finds_every_line_holding_the_needle_across_chunk_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!("{{\"prediction_id\": \"p-{i}\", \"model_version\": \"3\", \"score\": 0.{i}}}\n"));
        }
        text.push_str("{\"prediction_id\": \"p-17\", \"model_version\": \"4\", \"score\": 0.5}");
        std::fs::write(&path, &text).unwrap();
        let log = InferenceLog::open(&path, "log.jsonl", &FieldOverrides::default()).unwrap();
        let hits = log.find("p-17").unwrap();
        assert_eq!(hits.iter().map(|h| (h.record.as_str(), h.model_version.as_deref())).collect::<Vec<_>>(), vec![("line 18", Some("3")), ("line 5001", Some("4"))]);
        assert!(log.find("p-1").unwrap().len() == 1, "p-1 must not match p-17 or p-1xxx");
        assert_eq!(log.read_frame().unwrap().height(), 5001);
    }

    #[test]
    fn unreadable_logs_keep_their_messages_and_causes() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("log.csv");
        std::fs::write(&csv, "only\n1\n").unwrap();
        let err = InferenceLog::open(&csv, "log.csv", &FieldOverrides::default()).unwrap_err();
        assert!(matches!(err, InferenceError::BadTable { source: TableProblem::NoCsvHeader, .. }));
        assert_eq!(err.to_string(), "log.csv: no CSV header");
        let jsonl = dir.path().join("log.jsonl");
        std::fs::write(&jsonl, "{\"prediction_id\": 1}\n{oops\n").unwrap();
        let err = InferenceLog::open(&jsonl, "log.jsonl", &FieldOverrides::default()).unwrap_err();
        assert!(err.to_string().starts_with("log.jsonl: line 2: not a JSON object: "), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }
}
