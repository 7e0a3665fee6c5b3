//! Evidence reports: the case written out for people and for machines, and signed.
//!
//! Why: an investigator's findings leave the workbench as a report, and the report must be
//! as tamper-evident as the evidence it describes. A report folder holds `report.html` (for a
//! person, printable), `report.json` (everything: case, evidence register, graph, findings,
//! verification summary, trusted keys, the case log row by row) and `lineage.prov.json`
//! (W3C PROV-JSON), plus `report.intoto.json`: an in-toto Statement v1 whose subjects are
//! those files by SHA-256 and whose predicate pins the case log's head. With `--sign` the
//! statement is a DSSE envelope signed by the investigator's Ed25519 key.
//!
//! Guarantees: a report is written into a new or empty folder only (nothing is overwritten);
//! [`verify_report`] re-checks the signature against keys the caller trusts (never the key a
//! report carries), every file's digest, that no file was added, and the case log's hash
//! chain against the signed head, and names each thing that fails.

mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use custody_case::{Case, CaseError, LogRow, check_chain};
use custody_lineage::export;
use custody_evidence::progress::{Phase, Progress};
use custody_signing::dsse::{self, Envelope};
use custody_signing::intoto::{self, Statement};
use custody_signing::keys::{KeyRing, SignatureCheck};
use custody_signing::signer::InvestigatorKey;

/// The predicate type of Custody's report statements.
pub const PREDICATE_TYPE: &str = "https://custody.dev/evidence-report/v1";
/// The statement file of a report folder.
pub const STATEMENT_FILE: &str = "report.intoto.json";
const FILES: [&str; 3] = ["report.html", "report.json", "lineage.prov.json"];

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("{path}: cannot read folder: {source}")]
    ReadFolder { path: PathBuf, source: std::io::Error },
    #[error("{path}: the report folder is not empty; Custody never overwrites a report")]
    NotEmpty { path: PathBuf },
    #[error("{path}: the report folder is inside the evidence folder {} (evidence is never written)", root.display())]
    InsideEvidence { path: PathBuf, root: PathBuf },
    #[error("{path}: cannot create folder: {source}")]
    CreateFolder { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a Custody report folder (no {}): {source}", STATEMENT_FILE)]
    NotAReport { path: PathBuf, source: std::io::Error },
    #[error("{path}: malformed JSON: {source}")]
    StatementJson { path: PathBuf, source: serde_json::Error },
    #[error("{path}: not a readable DSSE envelope: {source}")]
    StatementEnvelope { path: PathBuf, source: custody_signing::dsse::EnvelopeError },
    #[error("the case has no verification yet; run `custody verify` first")]
    NotVerified,
}

impl ReportError {
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        match self {
            ReportError::Case(e) => e.kind(),
            _ => custody_evidence::ErrorKind::Usage,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportWritten {
    pub dir: String,
    pub files: Vec<ReportFile>,
    /// The signing key's fingerprint, when signed.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signed_by: Option<String>,
}

/// One file of a report, by digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportFile {
    pub name: String,
    pub sha256: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// Writes the case's report into `dir` (created; must be absent or empty), signed with
/// `signer` when given.
pub fn write_report(case: &Case, dir: &Path, signer: Option<&InvestigatorKey>, progress: &dyn Progress) -> Result<ReportWritten, ReportError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|source| ReportError::ReadFolder { path: dir.to_path_buf(), source })?;
        if entries.next().is_some() {
            return Err(ReportError::NotEmpty { path: dir.to_path_buf() });
        }
    }
    let absolute = std::path::absolute(dir).unwrap_or(dir.to_path_buf());
    for root in case.roots()? {
        if absolute.starts_with(&root.path) {
            return Err(ReportError::InsideEvidence { path: dir.to_path_buf(), root: root.path.clone() });
        }
    }
    progress.start(Phase::Report, FILES.len() as u64 + 1);
    let data = collect(case)?;
    std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateFolder { path: dir.to_path_buf(), source })?;

    let nodes: Vec<custody_lineage::Node> = serde_json::from_value(data["graph"]["nodes"].clone()).unwrap_or_default();
    let edges: Vec<custody_lineage::Edge> = serde_json::from_value(data["graph"]["edges"].clone()).unwrap_or_default();
    let node_refs: Vec<&custody_lineage::Node> = nodes.iter().collect();
    let contents: [(&str, Vec<u8>); 3] = [
        ("report.html", html::render(&data).into_bytes()),
        ("report.json", pretty(&data)),
        ("lineage.prov.json", pretty(&export::to_prov_json(&node_refs, &edges))),
    ];
    let mut files = Vec::new();
    for (name, bytes) in &contents {
        let path = dir.join(name);
        write_new(&path, bytes).map_err(|source| ReportError::Write { path: path.clone(), source })?;
        files.push(ReportFile { name: name.to_string(), sha256: custody_evidence::hashing::sha256_hex(bytes), size: bytes.len() as u64 });
        progress.advance(1);
    }
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": files.iter().map(|f| json!({"name": f.name, "digest": {"sha256": f.sha256}})).collect::<Vec<_>>(),
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "generator": {"name": "custody", "version": env!("CARGO_PKG_VERSION")},
            "case": data["case"].clone(),
            "created_at": custody_evidence::clock::now(),
            "summary": data["verification"]["summary"].clone(),
            "log": {"rows": data["log"]["rows"].as_array().map(Vec::len).unwrap_or(0), "head": data["log"]["head"].clone()},
        },
    });
    let payload = serde_json::to_vec(&statement).expect("statement serializes");
    let (out, signed_by) = match signer {
        Some(key) => {
            let public = key.public();
            let sig = key.sign(&dsse::pae(intoto::PAYLOAD_TYPE, &payload));
            let envelope = json!({
                "payloadType": intoto::PAYLOAD_TYPE,
                "payload": custody_signing::b64::encode_std(&payload),
                "signatures": [{"keyid": public.securesystemslib_keyid(), "sig": custody_signing::b64::encode_std(&sig)}],
            });
            (pretty(&envelope), Some(public.fingerprint()))
        }
        None => (pretty(&statement), None),
    };
    let path = dir.join(STATEMENT_FILE);
    write_new(&path, &out).map_err(|source| ReportError::Write { path: path.clone(), source })?;
    progress.advance(1);
    progress.finish();
    Ok(ReportWritten { dir: dir.display().to_string(), files, signed_by })
}

fn pretty(v: &serde_json::Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).expect("JSON serializes");
    s.push(b'\n');
    s
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Everything the report says, as one JSON value.
fn collect(case: &Case) -> Result<serde_json::Value, ReportError> {
    let info = case.info()?;
    let (nodes, edges) = case.graph()?;
    if nodes.is_empty() {
        return Err(ReportError::NotVerified);
    }
    let findings = case.latest_findings()?;
    let summary = custody_verify::Summary::of(&findings);
    let mut evidence = Vec::new();
    for root in case.roots()? {
        let register = case.register(root.id)?;
        let sources = case.sources(root.id)?;
        evidence.push(json!({
            "root": root.path,
            "label": root.label,
            "added_at": root.added_at,
            "sources": sources.iter().map(|s| json!({"kind": s.kind.name(), "path": s.rel.as_str()})).collect::<Vec<_>>(),
            "files": register.len(),
            "bytes": register.iter().map(|e| e.size).sum::<u64>(),
            "register_sha256": custody_case::register_digest(&register),
            "register": register,
        }));
    }
    let rows = case.log_rows()?;
    let (count, head) = case.log_head()?;
    let check = check_chain(&rows, count, &head);
    let keys: Vec<serde_json::Value> = case
        .trusted_keys()?
        .keys
        .iter()
        .map(|k| json!({"label": k.label(), "algorithm": k.key.algorithm().name(), "fingerprint": k.key.fingerprint(), "principals": k.principals, "file": k.origin.file()}))
        .collect();
    Ok(json!({
        "case": {"title": info.title, "created_at": info.created_at, "created_by": info.created_by, "file": case.path()},
        "evidence": evidence,
        "verification": {"summary": summary, "findings": findings},
        "graph": {"nodes": nodes, "edges": edges},
        "trusted_keys": keys,
        "log": {"rows": rows, "count": count, "head": head, "check": check},
    }))
}

/// The verdict on a report folder.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportCheck {
    pub dir: String,
    pub signature: ReportSignature,
    /// Who signed, when a trusted key verifies the signature.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signer: Option<String>,
    pub files: Vec<ReportFileCheck>,
    pub log_intact: bool,
    /// Every problem found, each naming the file or the part that fails.
    pub problems: Vec<String>,
    pub ok: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportFileCheck {
    pub name: String,
    pub expected: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub observed: Option<String>,
    pub ok: bool,
}

/// Re-checks a report folder: the signature under `trusted` keys, every file's digest, no
/// unlisted files, and the case log's chain against the signed head.
pub fn verify_report(dir: &Path, trusted: &KeyRing) -> Result<ReportCheck, ReportError> {
    let statement_path = dir.join(STATEMENT_FILE);
    let raw = std::fs::read(&statement_path).map_err(|source| ReportError::NotAReport { path: statement_path.clone(), source })?;
    let value: serde_json::Value = serde_json::from_slice(&raw).map_err(|source| ReportError::StatementJson { path: statement_path.clone(), source })?;
    let mut problems = Vec::new();
    let Signed { payload, signature, signer } = check_signature(&statement_path, raw, &value, trusted, &mut problems)?;
    let statement = match Statement::from_payload(&payload) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!("{STATEMENT_FILE}: the signed statement cannot be read ({e}): it was changed"));
            return Ok(ReportCheck { dir: dir.display().to_string(), signature, signer, files: Vec::new(), log_intact: false, problems, ok: false });
        }
    };
    check_statement(&statement, &mut problems);
    let files = check_files(dir, &statement, &mut problems)?;
    let log_intact = check_log(dir, &statement, &files, &mut problems);
    let ok = problems.is_empty();
    Ok(ReportCheck { dir: dir.display().to_string(), signature, signer, files, log_intact, problems, ok })
}

/// What a report's signature says under the keys the checker trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ReportSignature {
    /// A trusted key verifies it.
    SignatureValid,
    /// It verifies, under a key that is not trusted.
    UntrustedKey,
    /// No signature verifies under any key at hand.
    SignatureInvalid,
    /// The statement is not signed.
    Unsigned,
}

impl ReportSignature {
    pub fn name(self) -> &'static str {
        match self {
            ReportSignature::SignatureValid => "signature-valid",
            ReportSignature::UntrustedKey => "untrusted-key",
            ReportSignature::SignatureInvalid => "signature-invalid",
            ReportSignature::Unsigned => "unsigned",
        }
    }
}

impl std::fmt::Display for ReportSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The statement a report folder holds, and what its signature says.
struct Signed {
    /// The in-toto statement's bytes (the envelope's payload, or the file itself when unsigned).
    payload: Vec<u8>,
    /// [`ReportCheck::signature`].
    signature: ReportSignature,
    /// [`ReportCheck::signer`].
    signer: Option<String>,
}

/// Unwraps the statement file (`raw`, read as `value`) and checks its DSSE signature under
/// `trusted`; an unsigned statement or a signature that does not verify is a problem.
fn check_signature(statement_path: &Path, raw: Vec<u8>, value: &serde_json::Value, trusted: &KeyRing, problems: &mut Vec<String>) -> Result<Signed, ReportError> {
    if !dsse::looks_like_envelope(value) {
        problems.push(format!("{STATEMENT_FILE}: the report is not signed"));
        return Ok(Signed { payload: raw, signature: ReportSignature::Unsigned, signer: None });
    }
    let env = Envelope::from_json(value).map_err(|source| ReportError::StatementEnvelope { path: statement_path.to_path_buf(), source })?;
    let (signature, signer) = envelope_verdict(&env, trusted);
    match signature {
        ReportSignature::SignatureValid => {}
        ReportSignature::UntrustedKey => problems.push(format!("{STATEMENT_FILE}: signed by a key that is not trusted")),
        _ if trusted.trusted().next().is_none() => problems.push(format!("{STATEMENT_FILE}: no trusted key given (--trust KEY) to check the signature against")),
        _ => problems.push(format!("{STATEMENT_FILE}: the signature does not verify under any trusted key: the statement was changed or signed by someone else")),
    }
    if env.payload_type != intoto::PAYLOAD_TYPE {
        problems.push(format!("{STATEMENT_FILE}: payload type {} is not an in-toto statement", env.payload_type));
    }
    Ok(Signed { payload: env.payload, signature, signer })
}

/// What the envelope's signatures say under `trusted`, and who signed: `signature-valid` (the
/// first that verifies under a trusted key), else `untrusted-key` (the last that verifies under
/// a key of the ring that is not trusted), else `signature-invalid`.
fn envelope_verdict(env: &Envelope, trusted: &KeyRing) -> (ReportSignature, Option<String>) {
    let mut verdict = (ReportSignature::SignatureInvalid, None);
    for s in &env.signatures {
        match trusted.check(&s.keyid, &env.pae(), &s.sig) {
            SignatureCheck::Valid(k) if k.is_trusted() => {
                verdict = (ReportSignature::SignatureValid, Some(k.label()));
                break;
            }
            SignatureCheck::Valid(k) => verdict = (ReportSignature::UntrustedKey, Some(k.label())),
            _ => {}
        }
    }
    verdict
}

/// The statement lists every file of a report and is a Custody evidence report.
fn check_statement(statement: &Statement, problems: &mut Vec<String>) {
    for name in FILES {
        if !statement.subjects.iter().any(|s| s.name.as_deref() == Some(name)) {
            problems.push(format!("{name}: not listed in the signed statement"));
        }
    }
    if statement.predicate_type != PREDICATE_TYPE {
        problems.push(format!("{STATEMENT_FILE}: predicate type {} is not a Custody evidence report", statement.predicate_type));
    }
}

/// Every subject's digest against the file in `dir`, and no file in `dir` that the statement
/// does not list.
fn check_files(dir: &Path, statement: &Statement, problems: &mut Vec<String>) -> Result<Vec<ReportFileCheck>, ReportError> {
    let mut files = Vec::new();
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for s in &statement.subjects {
        let name = s.name.clone().unwrap_or_default();
        let expected = s.digest.get("sha256").cloned().unwrap_or_default();
        listed.insert(name.clone(), expected.clone());
        let safe = !name.is_empty() && !name.contains('/') && !name.contains('\\') && name != "..";
        let observed = if safe { std::fs::read(dir.join(&name)).ok().map(|b| custody_evidence::hashing::sha256_hex(&b)) } else { None };
        let ok = observed.as_deref() == Some(expected.as_str());
        if !ok {
            problems.push(match &observed {
                Some(_) => format!("{name}: changed after the report was written (sha256 differs from the signed statement)"),
                None => format!("{name}: listed in the signed statement but missing"),
            });
        }
        files.push(ReportFileCheck { name, expected, observed, ok });
    }
    for e in std::fs::read_dir(dir).map_err(|source| ReportError::ReadFolder { path: dir.to_path_buf(), source })?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name != STATEMENT_FILE && !listed.contains_key(&name) {
            problems.push(format!("{name}: not part of the signed report (added later)"));
        }
    }
    Ok(files)
}

/// The case log inside report.json against the head the statement pins; whether it is intact
/// (false when report.json itself does not match the statement).
fn check_log(dir: &Path, statement: &Statement, files: &[ReportFileCheck], problems: &mut Vec<String>) -> bool {
    if !files.iter().any(|f| f.name == "report.json" && f.ok) {
        problems.push("report.json: the case log cannot be checked because report.json does not match the statement".into());
        return false;
    }
    let data: serde_json::Value = std::fs::read(dir.join("report.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let rows: Vec<LogRow> = serde_json::from_value(data["log"]["rows"].clone()).unwrap_or_default();
    let head = statement.predicate.pointer("/log/head").and_then(|h| h.as_str()).unwrap_or_default();
    let count = statement.predicate.pointer("/log/rows").and_then(|h| h.as_i64()).unwrap_or(-1);
    let check = check_chain(&rows, count, head);
    for p in check.problems {
        problems.push(format!("report.json case log: {p}"));
    }
    check.intact
}
