//! DVC projects: `dvc.yaml` pipelines, `dvc.lock` files, `.dvc` files, the cache and `.dir`
//! manifests, as DVC 2.x and 3.x write them.
//!
//! Why: DVC is where data versions get content hashes. A lock entry claims "this path had this
//! md5", the cache holds the bytes under that md5, and the lock at a git commit says exactly
//! which data and parameters the pipeline used at that commit.
//!
//! Rules followed (DVC 3.67, dvc-data 3.18):
//! * an entry with `hash: md5` is DVC 3: plain MD5 of the raw bytes, cached under
//!   `cache/files/md5/xx/…`;
//! * an entry with `md5` and no `hash` key is legacy 2.x `md5-dos2unix`, cached under
//!   `cache/xx/…`;
//! * a value ending in `.dir` names a directory manifest: the MD5 of the manifest's JSON;
//! * paths are relative to the file that names them (and the stage's `wdir`); a path that
//!   climbs out of the project is rejected with a named error, never followed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use custody_evidence::{PathError, RelPath};

/// Why a DVC file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DvcError {
    /// The file is in the evidence but cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not YAML.
    #[error("{path}: not valid YAML: {source}")]
    Yaml {
        path: String,
        #[source]
        source: serde_norway::Error,
    },
    /// The file is YAML but its stages do not have the shape DVC writes (a list where a map
    /// belongs, a path that is not a string …).
    #[error("{path}: not valid YAML: {source}")]
    Shape {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: unsupported lock file schema `{schema}` (DVC 2 and 3 write '2.0')")]
    LockSchema { path: String, schema: String },
    /// A recorded path (at `record`) climbs out of the DVC project with `..`; it is never
    /// followed.
    #[error("{path}: {record}: path `{}` climbs out of the DVC project; Custody will not follow it", escaped(.source))]
    Escapes {
        path: String,
        record: String,
        #[source]
        source: PathError,
    },
    /// A recorded path (at `record`) that cannot be a path inside the project (absolute where a
    /// relative one is required).
    #[error("{path}: {record}: {source}")]
    BadPath {
        path: String,
        record: String,
        #[source]
        source: PathError,
    },
    /// An entry's `md5` that is not 32 hexadecimal digits (with `.dir` for a directory).
    #[error("{path}: {record}: md5 `{value}` is not 32 hex digits")]
    Md5 { path: String, record: String, value: String },
    /// An entry's `hash` names a hash other than `md5`.
    #[error("{path}: {record}: unknown hash name `{name}`")]
    HashName { path: String, record: String, name: String },
    /// A `.dir` cache object that is not a JSON list of `{md5, relpath}`.
    #[error("{path}: manifest: not a DVC directory manifest: {source}")]
    Manifest {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    /// A manifest entry's `md5` (entry `index`) that is not 32 hexadecimal digits.
    #[error("{path}: [{index}].md5: `{value}` is not 32 hex digits")]
    ManifestMd5 { path: String, index: usize, value: String },
}

/// The path that climbed out, as [`DvcError::Escapes`] words it.
fn escaped(e: &PathError) -> &str {
    match e {
        PathError::Escapes(p) | PathError::Absolute(p) => p,
    }
}

/// How DVC hashed the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashKind {
    /// DVC 3: plain MD5 of the bytes.
    Md5,
    /// DVC 2.x: MD5 after folding CRLF to LF in text files.
    Md5Dos2unix,
}

impl HashKind {
    pub fn name(self) -> &'static str {
        match self {
            HashKind::Md5 => "md5",
            HashKind::Md5Dos2unix => "md5-dos2unix",
        }
    }
}

/// A content hash DVC recorded: 32 lowercase hex, with `.dir` for directory manifests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct DvcDigest {
    pub kind: HashKind,
    pub hex: String,
    pub is_dir: bool,
}

impl DvcDigest {
    /// A recorded value (`hex` or `hex.dir`).
    pub fn parse(value: &str, kind: HashKind) -> Option<DvcDigest> {
        let (hex, is_dir) = match value.strip_suffix(".dir") {
            Some(h) => (h, true),
            None => (value, false),
        };
        let ok = hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| DvcDigest { kind, hex: hex.to_ascii_lowercase(), is_dir })
    }

    /// A manifest entry's md5 (never `.dir`), of the same hash kind as its directory.
    pub fn parse_entry(hex: &str, kind: HashKind) -> Result<DvcDigest, ()> {
        let ok = hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        if ok { Ok(DvcDigest { kind, hex: hex.to_ascii_lowercase(), is_dir: false }) } else { Err(()) }
    }

    /// As written in lock files: `hex` or `hex.dir`.
    pub fn value(&self) -> String {
        if self.is_dir { format!("{}.dir", self.hex) } else { self.hex.clone() }
    }

    /// The cache object's path relative to the cache directory.
    pub fn cache_path(&self) -> String {
        let name = format!("{}{}", &self.hex[2..], if self.is_dir { ".dir" } else { "" });
        match self.kind {
            HashKind::Md5 => format!("files/md5/{}/{}", &self.hex[..2], name),
            HashKind::Md5Dos2unix => format!("{}/{}", &self.hex[..2], name),
        }
    }
}

/// Where an output or dependency lives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", content = "path", rename_all = "kebab-case")]
pub enum Location {
    /// Inside the project (relative to the project root).
    Local(RelPath),
    /// An external location (absolute path or remote URL) that is not part of the evidence.
    External(String),
}

/// One dependency or output entry, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub location: Location,
    pub digest: Option<DvcDigest>,
    /// A non-MD5 hash (`etag`, `checksum`) that cannot be recomputed from local bytes.
    pub other_hash: Option<(String, String)>,
    pub size: Option<u64>,
    pub nfiles: Option<u64>,
    pub isexec: bool,
    /// Whether DVC keeps the bytes in its cache (`cache: false` for metrics, say).
    pub cached: bool,
    /// Where the claim was made: `stages.train.outs[0]` or `outs[0]`.
    pub record: String,
}

/// One stage as locked (or a `.dvc` file, which is a stage with outputs only).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stage {
    pub name: String,
    pub cmd: Option<String>,
    pub deps: Vec<Entry>,
    pub outs: Vec<Entry>,
    /// Parameter values per params file, keys flattened with dots (`train.max_depth`).
    pub params: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A lock file or `.dvc` file: where it is and what it claims.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LockFile {
    /// Relative to the project root.
    pub file: RelPath,
    pub stages: Vec<Stage>,
}

/// A DVC project in the evidence, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DvcProject {
    /// The project folder (the one holding `.dvc/`), relative to the evidence root.
    pub rel: RelPath,
    /// The cache folder relative to the evidence root (`.dvc/cache` unless configured).
    pub cache: Option<RelPath>,
    /// `dvc.lock` files of the work tree.
    pub locks: Vec<LockFile>,
    /// `.dvc` files of the work tree.
    pub dvc_files: Vec<LockFile>,
    /// `dvc.yaml` files of the work tree, relative to the project.
    pub pipelines: Vec<RelPath>,
    /// The remotes `.dvc/config` names (the default first): where the data lives when the
    /// cache was not collected.
    pub remotes: Vec<Remote>,
}

/// A DVC remote as `.dvc/config` names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

/// One entry of a `.dir` manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ManifestEntry {
    pub relpath: String,
    pub md5: String,
}

mod raw {
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    pub struct Entry {
        pub path: String,
        pub md5: Option<String>,
        pub hash: Option<String>,
        pub etag: Option<String>,
        pub checksum: Option<String>,
        pub size: Option<u64>,
        pub nfiles: Option<u64>,
        pub isexec: Option<bool>,
        pub cache: Option<bool>,
    }

    #[derive(Deserialize)]
    pub struct Stage {
        pub cmd: Option<serde_json::Value>,
        #[serde(default)]
        pub deps: Vec<Entry>,
        #[serde(default)]
        pub outs: Vec<Entry>,
        #[serde(default)]
        pub params: BTreeMap<String, serde_json::Value>,
    }

    /// A `.dvc` file (from `dvc add`, or a legacy single-stage file).
    #[derive(Deserialize)]
    pub struct DvcFile {
        #[serde(default)]
        pub outs: Vec<Entry>,
        #[serde(default)]
        pub deps: Vec<Entry>,
        pub cmd: Option<serde_json::Value>,
        pub wdir: Option<String>,
    }

    /// The `stages` of a `dvc.yaml`, only as far as the lock needs (`wdir`, `cache: false`).
    #[derive(Deserialize)]
    pub struct Pipeline {
        #[serde(default)]
        pub stages: BTreeMap<String, serde_json::Value>,
    }
}

fn yaml_err(path: &str) -> impl FnOnce(serde_norway::Error) -> DvcError + '_ {
    move |source| DvcError::Yaml { path: path.to_string(), source }
}

fn cmd_text(cmd: Option<serde_json::Value>) -> Option<String> {
    match cmd? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Array(items) => {
            Some(items.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect::<Vec<_>>().join(" && "))
        }
        other => Some(other.to_string()),
    }
}

/// Where an entry's `path` is: outside the evidence (a URL or an absolute path), or inside the
/// project relative to `base`. A relative path that climbs out of the project is an error.
fn entry_location(path: &str, base: &RelPath, file: &str, record: &str) -> Result<Location, DvcError> {
    if path.contains("://") || path.starts_with('/') || Path::new(path).has_root() {
        return Ok(Location::External(path.to_string()));
    }
    base.join(path).map(Location::Local).map_err(|source| {
        let (path, record) = (file.to_string(), record.to_string());
        match source {
            PathError::Escapes(_) => DvcError::Escapes { path, record, source },
            PathError::Absolute(_) => DvcError::BadPath { path, record, source },
        }
    })
}

/// An entry's digest: `md5` with `hash: md5` is DVC 3's, `md5` alone is legacy 2.x's.
fn entry_digest(md5: Option<&str>, hash: Option<&str>, file: &str, record: &str) -> Result<Option<DvcDigest>, DvcError> {
    let kind = match (md5, hash) {
        (None, _) => return Ok(None),
        (Some(_), Some("md5")) => HashKind::Md5,
        (Some(_), None) => HashKind::Md5Dos2unix,
        (Some(_), Some(other)) => {
            return Err(DvcError::HashName { path: file.to_string(), record: record.to_string(), name: other.to_string() });
        }
    };
    let value = md5.unwrap_or_default();
    DvcDigest::parse(value, kind)
        .map(Some)
        .ok_or_else(|| DvcError::Md5 { path: file.to_string(), record: record.to_string(), value: value.to_string() })
}

/// Converts one raw entry. `base` is the folder the paths are relative to (project-relative).
fn check_entry(raw: raw::Entry, base: &RelPath, record: String, file: &str) -> Result<Entry, DvcError> {
    let location = entry_location(&raw.path, base, file, &record)?;
    let digest = entry_digest(raw.md5.as_deref(), raw.hash.as_deref(), file, &record)?;
    let other_hash = raw
        .etag
        .map(|v| ("etag".to_string(), v))
        .or_else(|| raw.checksum.map(|v| ("checksum".to_string(), v)));
    Ok(Entry {
        location,
        digest,
        other_hash,
        size: raw.size,
        nfiles: raw.nfiles,
        isexec: raw.isexec.unwrap_or(false),
        cached: raw.cache.unwrap_or(true),
        record,
    })
}

/// Flattens nested parameter maps into dotted keys, as DVC names them.
fn flatten_params(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten_params(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

/// What `dvc.yaml` says about its stages that `dvc.lock` does not record.
#[derive(Debug, Clone, Default)]
pub struct StageSpecs {
    /// Each stage's `wdir`, by the name the lock uses (`NAME@KEY` for `foreach` stages).
    pub wdirs: BTreeMap<String, String>,
    /// Each stage's outputs declared with `cache: false` (outs, metrics, plots), relative to
    /// its `wdir`: DVC keeps no cache object for them, and the lock does not say so.
    pub uncached: BTreeMap<String, std::collections::BTreeSet<String>>,
}

/// Reads the `wdir` and the uncached outputs of every stage of a `dvc.yaml`.
pub fn stage_specs(pipeline_yaml: &[u8], file: &str) -> Result<StageSpecs, DvcError> {
    let raw: raw::Pipeline = serde_norway::from_slice(pipeline_yaml).map_err(yaml_err(file))?;
    let mut out = StageSpecs::default();
    for (name, v) in raw.stages {
        // `foreach: … do: {…}`: one stage per item, named `NAME@KEY` in the lock, with
        // `${item}`, `${item.FIELD}` and `${key}` substituted
        let (body, expansions): (&serde_json::Value, Vec<(String, String, serde_json::Value)>) = match (v.get("foreach"), v.get("do")) {
            (Some(items), Some(body)) => {
                let list: Vec<(String, serde_json::Value)> = match items {
                    serde_json::Value::Array(list) => list
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (if item.is_object() || item.is_array() { i.to_string() } else { scalar_text(item) }, item.clone()))
                        .collect(),
                    serde_json::Value::Object(map) => map.iter().map(|(k, item)| (k.clone(), item.clone())).collect(),
                    _ => Vec::new(),
                };
                (body, list.into_iter().map(|(key, item)| (format!("{name}@{key}"), key, item)).collect())
            }
            _ => (&v, vec![(name.clone(), String::new(), serde_json::Value::Null)]),
        };
        for (stage, key, item) in expansions {
            let expand = |t: &str| if key.is_empty() && item.is_null() { Some(t.to_string()) } else { substitute(t, &key, &item) };
            if let Some(w) = body.get("wdir").and_then(|w| w.as_str()).and_then(expand) {
                out.wdirs.insert(stage.clone(), w);
            }
            for section in ["outs", "metrics", "plots"] {
                for o in body.get(section).and_then(|x| x.as_array()).into_iter().flatten() {
                    let Some((path, opts)) = o.as_object().and_then(|m| m.iter().next()) else { continue };
                    if opts.get("cache").and_then(|c| c.as_bool()) == Some(false) {
                        if let Some(p) = expand(path) {
                            out.uncached.entry(stage.clone()).or_default().insert(p);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

fn scalar_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `${item}`, `${item.FIELD}` and `${key}` in a `foreach` template; `None` when it uses a
/// variable this cannot resolve (`vars`, nested fields that are absent).
fn substitute(template: &str, key: &str, item: &serde_json::Value) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}')? + at;
        let var = rest[at + 2..end].trim();
        let value = match var {
            "key" => key.to_string(),
            "item" if !item.is_object() && !item.is_array() => scalar_text(item),
            v => {
                let field = v.strip_prefix("item.")?;
                let mut cur = item;
                for part in field.split('.') {
                    cur = cur.get(part)?;
                }
                scalar_text(cur)
            }
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Parses a `dvc.lock`. `file` is its project-relative path; `display` names it in errors;
/// `specs` comes from the `dvc.yaml` beside it.
pub fn parse_lock(bytes: &[u8], file: &RelPath, display: &str, specs: &StageSpecs) -> Result<LockFile, DvcError> {
    let wdirs = &specs.wdirs;
    let doc: serde_json::Value = serde_norway::from_slice(bytes).map_err(yaml_err(display))?;
    let dir = file.parent();
    let stages_value = match doc.get("schema") {
        Some(serde_json::Value::String(s)) if s == "2.0" => doc.get("stages").cloned().unwrap_or(serde_json::Value::Null),
        Some(other) => {
            let schema = other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string());
            return Err(DvcError::LockSchema { path: display.to_string(), schema });
        }
        // DVC 1.x lock files: the stages are the top-level keys.
        None => doc.clone(),
    };
    let stages_map: BTreeMap<String, raw::Stage> = match stages_value {
        serde_json::Value::Null => BTreeMap::new(),
        v => serde_json::from_value(v).map_err(|source| DvcError::Shape { path: display.to_string(), source })?,
    };
    let mut stages = Vec::new();
    for (name, raw) in stages_map {
        let base = match wdirs.get(&name).or_else(|| wdirs.get(name.split('@').next().unwrap_or(&name))) {
            Some(w) => dir.join(w).map_err(|source| DvcError::BadPath { path: display.into(), record: format!("stages.{name}.wdir"), source })?,
            None => dir.clone(),
        };
        let mut deps = Vec::new();
        for (i, d) in raw.deps.into_iter().enumerate() {
            deps.push(check_entry(d, &base, format!("stages.{name}.deps[{i}]"), display)?);
        }
        let mut outs = Vec::new();
        let uncached = specs.uncached.get(&name);
        for (i, o) in raw.outs.into_iter().enumerate() {
            let declared_uncached = uncached.is_some_and(|u| u.contains(o.path.as_str()));
            let mut entry = check_entry(o, &base, format!("stages.{name}.outs[{i}]"), display)?;
            if declared_uncached {
                entry.cached = false;
            }
            outs.push(entry);
        }
        let mut params = BTreeMap::new();
        for (params_file, values) in raw.params {
            let mut flat = BTreeMap::new();
            flatten_params("", &values, &mut flat);
            params.insert(params_file, flat);
        }
        stages.push(Stage { name, cmd: cmd_text(raw.cmd), deps, outs, params });
    }
    Ok(LockFile { file: file.clone(), stages })
}

/// Parses a `.dvc` file. Its paths are relative to its own folder (and its `wdir`).
pub fn parse_dvc_file(bytes: &[u8], file: &RelPath, display: &str) -> Result<LockFile, DvcError> {
    let raw: raw::DvcFile = serde_norway::from_slice(bytes).map_err(yaml_err(display))?;
    let mut base = file.parent();
    if let Some(w) = &raw.wdir {
        base = base.join(w).map_err(|source| DvcError::BadPath { path: display.into(), record: "wdir".into(), source })?;
    }
    let mut outs = Vec::new();
    for (i, o) in raw.outs.into_iter().enumerate() {
        outs.push(check_entry(o, &base, format!("outs[{i}]"), display)?);
    }
    let mut deps = Vec::new();
    for (i, d) in raw.deps.into_iter().enumerate() {
        deps.push(check_entry(d, &base, format!("deps[{i}]"), display)?);
    }
    Ok(LockFile {
        file: file.clone(),
        stages: vec![Stage { name: file.as_str().to_string(), cmd: cmd_text(raw.cmd), deps, outs, params: BTreeMap::new() }],
    })
}

/// Parses a `.dir` manifest (a JSON list of `{md5, relpath}`), checking every entry.
pub fn parse_manifest(bytes: &[u8], display: &str) -> Result<Vec<ManifestEntry>, DvcError> {
    let entries: Vec<ManifestEntry> = serde_json::from_slice(bytes).map_err(|source| DvcError::Manifest { path: display.into(), source })?;
    for (i, e) in entries.iter().enumerate() {
        RelPath::new(&e.relpath).map_err(|source| DvcError::BadPath { path: display.into(), record: format!("[{i}].relpath"), source })?;
        if DvcDigest::parse(&e.md5, HashKind::Md5).is_none() {
            return Err(DvcError::ManifestMd5 { path: display.into(), index: i, value: e.md5.clone() });
        }
    }
    Ok(entries)
}

/// The bytes DVC hashes for a directory: `json.dumps(entries, sort_keys=True)` with Python's
/// default separators and ASCII escaping, entries sorted by `relpath`.
pub fn manifest_json(entries: &[ManifestEntry]) -> Vec<u8> {
    let mut sorted: Vec<&ManifestEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.relpath.cmp(&b.relpath));
    let mut out = String::from("[");
    for (i, e) in sorted.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("{\"md5\": ");
        python_json_string(&e.md5, &mut out);
        out.push_str(", \"relpath\": ");
        python_json_string(&e.relpath, &mut out);
        out.push('}');
    }
    out.push(']');
    out.into_bytes()
}

/// A JSON string as Python's `json.dumps` (ensure_ascii=True) writes it.
fn python_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e && (c as u32) != 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What `.dvc/config` and `.dvc/config.local` say (INI; the local file wins).
#[derive(Debug, Default)]
struct Config {
    cache_dir: Option<String>,
    default_remote: Option<String>,
    remotes: Vec<Remote>,
}

fn read_config(dvc_dir: &Path) -> Config {
    let mut cfg = Config::default();
    for name in ["config", "config.local"] {
        let Ok(text) = std::fs::read_to_string(dvc_dir.join(name)) else { continue };
        let mut section = String::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') && line.ends_with(']') {
                section = line[1..line.len() - 1].trim().trim_matches('\'').to_string();
                continue;
            }
            let Some((k, v)) = line.split_once('=') else { continue };
            let (k, v) = (k.trim(), v.trim().to_string());
            match (section.as_str(), k) {
                ("cache", "dir") => cfg.cache_dir = Some(v),
                ("core", "remote") => cfg.default_remote = Some(v),
                (s, "url") if s.starts_with("remote ") => {
                    let name = s["remote ".len()..].trim().trim_matches('"').to_string();
                    cfg.remotes.retain(|r| r.name != name);
                    cfg.remotes.push(Remote { name, url: v });
                }
                _ => {}
            }
        }
    }
    if let Some(default) = &cfg.default_remote {
        if let Some(i) = cfg.remotes.iter().position(|r| &r.name == default) {
            let r = cfg.remotes.remove(i);
            cfg.remotes.insert(0, r);
        }
    }
    cfg
}

impl DvcProject {
    /// Reads the project at `rel` under `root`. `files` are the root-relative paths of every
    /// file under the project (from the evidence walk), so nothing is walked twice.
    pub fn read(root: &Path, rel: RelPath, files: &[RelPath]) -> Result<DvcProject, DvcError> {
        let project_dir = rel.to_local(root);
        let display = |p: &RelPath| p.to_local(root).display().to_string();
        let read = |p: &RelPath| -> Result<Vec<u8>, DvcError> {
            std::fs::read(p.to_local(root)).map_err(|source| DvcError::Io { path: display(p), source })
        };
        let config = read_config(&project_dir.join(".dvc"));
        let cache = match config.cache_dir {
            None => Some(rel.join_rel(&RelPath::new(".dvc/cache").expect("static path"))),
            // The cache dir is relative to `.dvc/`; one outside the evidence is not available.
            Some(dir) => rel.join(".dvc").ok().and_then(|d| d.join(&dir).ok()),
        };
        let mut locks = Vec::new();
        let mut dvc_files = Vec::new();
        let mut pipelines = Vec::new();
        for file in files {
            let Some(in_project) = file.strip_prefix(&rel) else { continue };
            let s = in_project.as_str();
            if s.starts_with(".dvc/") || s.starts_with(".git/") || s.contains("/.git/") {
                continue;
            }
            match in_project.file_name() {
                "dvc.lock" => {
                    let yaml = in_project.parent().join_rel(&RelPath::new("dvc.yaml").expect("static"));
                    let specs = match std::fs::read(yaml.to_local(&project_dir)) {
                        Ok(bytes) => stage_specs(&bytes, &display(&rel.join_rel(&yaml)))?,
                        Err(_) => StageSpecs::default(),
                    };
                    locks.push(parse_lock(&read(file)?, &in_project, &display(file), &specs)?);
                }
                "dvc.yaml" => pipelines.push(in_project),
                name if name.ends_with(".dvc") && name != ".dvc" => {
                    dvc_files.push(parse_dvc_file(&read(file)?, &in_project, &display(file))?);
                }
                _ => {}
            }
        }
        Ok(DvcProject { rel, cache, locks, dvc_files, pipelines, remotes: config.remotes })
    }

    /// The cache object for `digest`, relative to the evidence root.
    pub fn cache_object(&self, digest: &DvcDigest) -> Option<RelPath> {
        self.cache.as_ref().and_then(|c| c.join(&digest.cache_path()).ok())
    }

    /// A project-relative location as an evidence-root-relative path.
    pub fn to_root(&self, p: &RelPath) -> RelPath {
        self.rel.join_rel(p)
    }

    /// Every stage of the work tree: lock stages first, then `.dvc` files.
    pub fn workspace_stages(&self) -> impl Iterator<Item = (&LockFile, &Stage)> {
        self.locks.iter().chain(self.dvc_files.iter()).flat_map(|f| f.stages.iter().map(move |s| (f, s)))
    }
}

/// The local folder of a DVC project (holding `.dvc/`).
pub fn is_dvc_project(dir: &Path) -> bool {
    dir.join(".dvc").is_dir()
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreach_stages_get_their_expanded_wdir() {
        let yaml = b"stages:\n  featurize:\n    foreach: [eu, us]\n    do:\n      wdir: regions/${item}\n      cmd: python ../../f.py\n  fit:\n    foreach:\n      small: {dir: s}\n      large: {dir: l}\n    do:\n      wdir: models/${item.dir}-${key}\n      cmd: x\n  plain:\n    wdir: sub\n    cmd: y\n";
        let w = stage_specs(yaml, "dvc.yaml").unwrap().wdirs;
        assert_eq!(w.get("featurize@eu").map(String::as_str), Some("regions/eu"));
        assert_eq!(w.get("featurize@us").map(String::as_str), Some("regions/us"));
        assert_eq!(w.get("fit@small").map(String::as_str), Some("models/s-small"));
        assert_eq!(w.get("fit@large").map(String::as_str), Some("models/l-large"));
        assert_eq!(w.get("plain").map(String::as_str), Some("sub"));
        assert_eq!(w.len(), 5);
        let specs = stage_specs(b"stages:\n  train:\n    cmd: x\n    outs:\n    - model.pkl\n    metrics:\n    - metrics.json:\n        cache: false\n    plots:\n    - plots/roc.csv:\n        cache: false\n", "dvc.yaml").unwrap();
        let uncached: Vec<&str> = specs.uncached["train"].iter().map(String::as_str).collect();
        assert_eq!(uncached, ["metrics.json", "plots/roc.csv"]);
    }

    #[test]
    fn manifest_json_matches_dvc_bytes() {
        // The DVC sample's manifest (fixtures/samples/formats/dvc, made by DVC 3.67.1) is 200
        // bytes with md5 808fd139b143ec14355f9ede6b204078.
        let entries = vec![
            ManifestEntry { relpath: "x.txt".into(), md5: "b1946ac92492d2347c6235b4d2611184".into() },
            ManifestEntry { relpath: "run.sh".into(), md5: "46bbbe8aa98cc0714426e948474eaaf4".into() },
            ManifestEntry { relpath: "sub/y.txt".into(), md5: "591785b794601e212b260e25925636fd".into() },
        ];
        let bytes = manifest_json(&entries);
        assert_eq!(bytes.len(), 200);
        assert_eq!(custody_evidence::hashing::md5_hex(&bytes), "808fd139b143ec14355f9ede6b204078");
    }

    #[test]
    fn python_escaping_of_non_ascii() {
        let mut s = String::new();
        python_json_string("é\u{1F600}\"", &mut s);
        assert_eq!(s, "\"\\u00e9\\ud83d\\ude00\\\"\"");
    }

    #[test]
    fn lock_paths_are_checked() {
        let lock = b"schema: '2.0'\nstages:\n  s:\n    cmd: x\n    deps:\n    - path: ../../etc/passwd\n      hash: md5\n      md5: b202f333fba4fd38d4b8e5e693077aab\n";
        let err = parse_lock(lock, &RelPath::new("dvc.lock").unwrap(), "dvc.lock", &StageSpecs::default()).unwrap_err();
        assert!(err.to_string().contains("climbs out"), "{err}");
    }

    #[test]
    fn invalid_records_are_named_errors_with_the_messages_they_had() {
        let rel = RelPath::new("dvc.lock").unwrap();
        let lock = |entry: &str| parse_lock(format!("schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - {entry}\n").as_bytes(), &rel, "dvc.lock", &StageSpecs::default());
        let err = lock("path: a\n      hash: md5\n      md5: zz").unwrap_err();
        assert!(matches!(err, DvcError::Md5 { .. }));
        assert_eq!(err.to_string(), "dvc.lock: stages.s.outs[0]: md5 `zz` is not 32 hex digits");
        let err = lock("path: a\n      hash: sha256\n      md5: b202f333fba4fd38d4b8e5e693077aab").unwrap_err();
        assert_eq!(err.to_string(), "dvc.lock: stages.s.outs[0]: unknown hash name `sha256`");
        let err = lock("path: ../../x").unwrap_err();
        assert!(matches!(err, DvcError::Escapes { .. }));
        assert!(err.to_string().starts_with("dvc.lock: stages.s.outs[0]: path `") && err.to_string().ends_with("` climbs out of the DVC project; Custody will not follow it"), "{err}");
        assert!(std::error::Error::source(&err).is_some());

        let err = parse_lock(b"schema: '2.0'\nstages:\n  s: [1, 2]\n", &rel, "dvc.lock", &StageSpecs::default()).unwrap_err();
        assert!(matches!(err, DvcError::Shape { .. }) && err.to_string().starts_with("dvc.lock: not valid YAML: "), "{err}");
        let err = parse_lock(b"schema: [\n", &rel, "dvc.lock", &StageSpecs::default()).unwrap_err();
        assert!(matches!(err, DvcError::Yaml { .. }) && err.to_string().starts_with("dvc.lock: not valid YAML: "), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn invalid_manifests_are_named_errors_with_the_messages_they_had() {
        let err = parse_manifest(b"{}", "m.dir").unwrap_err();
        assert!(matches!(err, DvcError::Manifest { .. }) && err.to_string().starts_with("m.dir: manifest: not a DVC directory manifest: "), "{err}");
        let err = parse_manifest(br#"[{"md5": "x", "relpath": "a"}]"#, "m.dir").unwrap_err();
        assert_eq!(err.to_string(), "m.dir: [0].md5: `x` is not 32 hex digits");
        let err = parse_manifest(br#"[{"md5": "b202f333fba4fd38d4b8e5e693077aab", "relpath": "../a"}]"#, "m.dir").unwrap_err();
        assert!(matches!(err, DvcError::BadPath { .. }) && err.to_string().starts_with("m.dir: [0].relpath: path `"), "{err}");
    }
}
