//! The use cases, one function each, that the CLI and the desktop shell call.
//!
//! A use case composes the engine's parts (walk, discover, read, resolve, build, plan, hash,
//! check, record) and returns plain data; it never prints. Errors are [`Error`], whose
//! [`ErrorKind`] tells a caller how to present them (the CLI maps every kind to exit code 2).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use custody_case::{Case, CaseError, LogCheck, RegisterEntry};
use custody_evidence::clock::now;
use crate::evidence::{self, EntryKind, RelPath, WalkError, WalkedEntry};
use custody_evidence::hashing::{self, Algorithms, Digests};
use crate::lineage::{self, Lineage, NodeKind};
use custody_evidence::progress::{Phase, Progress};
use custody_signing::keys::{self, KeyOrigin, KeyRing};
use crate::sources::{self, Evidence, SourceError, SourceKind, SourceRef};
use crate::verify::{self, Check, DigestTable, Finding, NodeRef, Plan, Status, Summary, checks};

pub use custody_evidence::ErrorKind;

/// An error from a use case. Every message names the file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Walk(#[from] WalkError),
    #[error("{path}: cannot open evidence: {source}")]
    EvidenceUnopenable { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a source Custody recognises (MLflow SQLite store, CSV or Parquet dataset, JSON-lines inference log); give --kind")]
    UnrecognisedSource { path: PathBuf },
    #[error("{path}: no evidence sources found (looked for MLflow SQLite stores, git repositories, DVC projects, CSV and Parquet files, JSON-lines inference logs, signatures and attestations)")]
    NoSources { path: PathBuf },
    /// A file of the evidence that could not be read to fingerprint it (the hashing module's
    /// reason, as recorded in the digest table).
    #[error("{path}: cannot fingerprint evidence file: {reason}")]
    Unfingerprintable { path: PathBuf, reason: String },
    #[error("{case}: the case holds no evidence yet; add some with `custody add`")]
    NoEvidence { case: PathBuf },
    #[error("{path}: evidence folder recorded in the case is no longer there")]
    EvidenceGone { path: PathBuf },
    #[error("{path}: no current folder: {source}")]
    NoCurrentFolder { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot create case folder: {source}")]
    CaseFolder { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot read key file: {source}")]
    KeyFile { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    TrustFile { path: PathBuf, source: Box<custody_signing::keys::KeyError> },
    #[error("--trust-identity: {identity}: {source}")]
    TrustIdentity { identity: String, source: Box<custody_signing::keys::KeyError> },
    #[error("{path}: investigate needs a folder")]
    NotAFolder { path: PathBuf },
    #[error("{path}: the case file must not be inside the evidence folder (evidence is never written)")]
    CaseInEvidence { path: PathBuf },
    #[error("{case}: the case has no lineage yet; run `custody verify` first")]
    NoLineage { case: PathBuf },
    #[error("{repository}: no such repository in the case's evidence")]
    UnknownRepository { repository: String },
    #[error("{repository}: {repository} does not hold both commits {from} and {to}")]
    CommitsNotHeld { repository: String, from: String, to: String },
    #[error("{logs}: no such file in the case's evidence")]
    UnknownLog { logs: String },
    #[error("{path}: inside the evidence folder {} (evidence is never written)", root.display())]
    InsideEvidence { path: PathBuf, root: PathBuf },
    #[error("{path}: cannot write the dossier: {source}")]
    WriteDossier { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Reference(#[from] lineage::query::RefError),
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Report(#[from] custody_report::ReportError),
    #[error(transparent)]
    Key(#[from] custody_signing::signer::SignerError),
    #[error(transparent)]
    Table(#[from] custody_analysis::tables::TableError),
    #[error(transparent)]
    Slice(#[from] custody_analysis::slice::SliceError),
    #[error(transparent)]
    Inference(#[from] custody_sources::inference::InferenceError),
    #[error(transparent)]
    Trace(#[from] custody_analysis::trace::TraceError),
}

impl Error {
    /// How to present the error: each stage says what its own errors mean.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Case(e) => e.kind(),
            Error::Source(e) => e.kind(),
            Error::Walk(e) => e.kind(),
            Error::Reference(e) => e.kind(),
            Error::Report(e) => e.kind(),
            Error::Table(e) => e.kind(),
            Error::Slice(e) => e.kind(),
            Error::Inference(e) => e.kind(),
            Error::Trace(e) => e.kind(),
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Key(_) => ErrorKind::Usage,
            // the investigator named something that is not there or not allowed
            Error::EvidenceUnopenable { .. }
            | Error::UnrecognisedSource { .. }
            | Error::NoSources { .. }
            | Error::Unfingerprintable { .. }
            | Error::NoEvidence { .. }
            | Error::EvidenceGone { .. }
            | Error::NoCurrentFolder { .. }
            | Error::CaseFolder { .. }
            | Error::KeyFile { .. }
            | Error::TrustFile { .. }
            | Error::TrustIdentity { .. }
            | Error::NotAFolder { .. }
            | Error::CaseInEvidence { .. }
            | Error::NoLineage { .. }
            | Error::UnknownRepository { .. }
            | Error::CommitsNotHeld { .. }
            | Error::UnknownLog { .. }
            | Error::InsideEvidence { .. }
            | Error::WriteDossier { .. } => ErrorKind::Usage,
        }
    }
}

/// Digests computed earlier in this process, per evidence root, so an acquisition followed by a
/// verification does not compute the same digest twice. (Files DVC makes claims about are still
/// read a second time for MD5, since acquisition computes SHA-256 only; see BENCHMARKS.md.)
pub type DigestCache = HashMap<PathBuf, HashMap<RelPath, Digests>>;

/// The result of acquiring one evidence folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Acquired {
    pub root: PathBuf,
    pub sources: Vec<SourceRef>,
    pub files: usize,
    pub bytes: u64,
    pub register_sha256: String,
}

/// The result of a verification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub nodes: usize,
    pub edges: usize,
    /// The case log's chain check, run after recording this verification.
    pub log: LogCheck,
    /// What Custody made of every evidence file: read, checked, or not interpreted.
    pub coverage: verify::coverage::Coverage,
    /// The findings that are not successes, grouped by class and kind (indexes into
    /// `findings`).
    pub groups: Vec<verify::verdict::FindingGroup>,
    /// One sentence on what the evidence shows.
    pub verdict: String,
}

impl Verification {
    /// Whether anything indicates tampering, loss or contradiction (CLI exit code 1).
    pub fn has_failures(&self) -> bool {
        self.summary.has_failures() || !self.log.intact
    }
}

/// The result of `investigate`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Investigation {
    pub case: PathBuf,
    pub acquired: Acquired,
    pub verification: Verification,
}

/// Creates an empty case file.
pub fn new_case(path: &Path, title: &str) -> Result<Case, Error> {
    Ok(Case::create(path, title)?)
}

fn canonical(path: &Path) -> Result<PathBuf, Error> {
    path.canonicalize().map_err(|source| Error::EvidenceUnopenable { path: path.to_path_buf(), source })
}

/// Acquires an evidence folder (or a single file) into the case: finds its sources (or takes
/// `kind` for the folder itself), fingerprints every file into the register.
pub fn add_evidence(case: &mut Case, path: &Path, kind: Option<SourceKind>, progress: &dyn Progress, cache: &mut DigestCache) -> Result<Acquired, Error> {
    let target = canonical(path)?;
    let (root, entries) = if target.is_file() {
        let root = target.parent().map(Path::to_path_buf).unwrap_or_else(|| target.clone());
        (root, evidence::walk(&target, progress)?)
    } else {
        (target.clone(), evidence::walk(&target, progress)?)
    };
    let target_rel = RelPath::from_local(&root, &target).unwrap_or_else(RelPath::root);
    let sources = match kind {
        Some(kind) => vec![SourceRef { kind, rel: target_rel.clone() }],
        None if target.is_file() => match sources::detect(&target) {
            Some(kind) => vec![SourceRef { kind, rel: target_rel.clone() }],
            None => return Err(Error::UnrecognisedSource { path: target }),
        },
        None => sources::discover(&root, &entries, progress),
    };
    if sources.is_empty() && sources::signatures::read(&root, &entries).records.is_empty() {
        return Err(Error::NoSources { path: target });
    }
    // Sources must read before anything is recorded, so bad input leaves the case unchanged.
    Evidence::load(&root, &sources, entries.clone(), progress)?;

    let digests = hash_all(&root, &entries, &HashMap::new(), &register_only(&entries), progress)?;
    let at = now();
    let register: Vec<RegisterEntry> = entries
        .iter()
        .map(|e| RegisterEntry {
            rel: e.rel.clone(),
            kind: e.kind.clone(),
            size: e.size,
            sha256: digests.digests.get(&e.rel).and_then(|d| d.sha256.clone()),
            modified: e.modified.clone(),
            acquired_at: at.clone(),
        })
        .collect();
    if let Some((rel, err)) = digests.errors.iter().next() {
        return Err(Error::Unfingerprintable { path: rel.to_local(&root), reason: err.clone() });
    }
    let scope = target.is_file().then_some(&target_rel);
    case.record_acquisition(&root, scope, &sources, &register)?;
    cache.insert(root.clone(), digests.digests);
    Ok(Acquired {
        files: register.len(),
        bytes: register.iter().map(|e| e.size).sum(),
        register_sha256: custody_case::register_digest(&register),
        root,
        sources,
    })
}

/// Which files need which digests.
type Wanted = std::collections::BTreeMap<RelPath, Algorithms>;

fn register_only(entries: &[WalkedEntry]) -> Wanted {
    entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| (e.rel.clone(), Algorithms::SHA256)).collect()
}

/// Hashes what is wanted and not already known, in parallel, and returns the full table.
fn hash_all(root: &Path, entries: &[WalkedEntry], known: &HashMap<RelPath, Digests>, wanted: &Wanted, progress: &dyn Progress) -> Result<DigestTable, Error> {
    let sizes: HashMap<&RelPath, u64> = entries.iter().map(|e| (&e.rel, e.size)).collect();
    let mut table = DigestTable::default();
    let mut jobs = Vec::new();
    let mut job_paths = Vec::new();
    for (rel, algos) in wanted {
        let have = known.get(rel).cloned().unwrap_or_default();
        let missing = algos.missing_from(&have);
        if known.contains_key(rel) {
            table.digests.insert(rel.clone(), have);
        }
        if !missing.is_empty() {
            jobs.push((rel.to_local(root), missing));
            job_paths.push(rel.clone());
        }
    }
    let total: u64 = job_paths.iter().map(|p| sizes.get(p).copied().unwrap_or(0)).sum();
    progress.start(Phase::Hash, total);
    let results = hashing::hash_files(&jobs, progress);
    progress.finish();
    for (rel, result) in job_paths.into_iter().zip(results) {
        match result {
            Ok(d) => table.digests.entry(rel).or_default().merge(d),
            Err(hashing::HashError::Cancelled) => return Err(Error::Cancelled),
            Err(e) if e.is_not_found() => {
                table.errors.insert(rel, "file not found in the evidence".into());
            }
            Err(e) => {
                table.errors.insert(rel, e.to_string());
            }
        }
    }
    Ok(table)
}

/// Re-verifies everything in the case: re-reads every source, rebuilds the graph, re-hashes
/// every file, re-runs every check, and records the result.
pub fn verify(case: &mut Case, progress: &dyn Progress, cache: &mut DigestCache) -> Result<Verification, Error> {
    let started = now();
    let mut lineage = Lineage::new();
    let mut findings = Vec::new();
    let roots = case.roots()?;
    if roots.is_empty() {
        return Err(Error::NoEvidence { case: case.path().to_path_buf() });
    }
    let trusted = case.trusted_keys()?;
    let mut coverage = verify::coverage::Coverage::default();
    for root in &roots {
        let sources = case.sources(root.id)?;
        let register = case.register(root.id)?;
        let (root_lineage, root_findings, root_coverage) = verify_root(root, &sources, &register, &trusted, progress, cache.entry(root.path.clone()).or_default())?;
        lineage.absorb(root_lineage);
        findings.extend(root_findings);
        coverage.absorb(root_coverage);
    }
    findings.sort_by(|a, b| a.status.class().cmp(&b.status.class()).then_with(|| b.status.severity().cmp(&a.status.severity())).then_with(|| a.node.id.cmp(&b.node.id)).then_with(|| a.check.cmp(&b.check)).then_with(|| a.path.cmp(&b.path)));
    lineage.apply_statuses(findings.iter().map(|f| (f.node.id.as_str(), f.status)));
    progress.start(Phase::Store, 0);
    case.record_verification(&lineage, &findings, &coverage, &started)?;
    progress.finish();
    let log = case.check_log()?;
    let summary = Summary::of(&findings);
    let verdict = verify::verdict::sentence(&summary, log.intact, coverage.unread_formats().count());
    let groups = verify::verdict::group(&findings);
    Ok(Verification { summary, nodes: lineage.node_count(), edges: lineage.edge_count(), findings, log, coverage, groups, verdict })
}

fn verify_root(
    acquired: &custody_case::Root,
    sources: &[SourceRef],
    register: &[RegisterEntry],
    trusted: &KeyRing,
    progress: &dyn Progress,
    known: &mut HashMap<RelPath, Digests>,
) -> Result<(Lineage, Vec<Finding>, verify::coverage::Coverage), Error> {
    let root = acquired.path.as_path();
    if !root.is_dir() {
        return Err(Error::EvidenceGone { path: root.to_path_buf() });
    }
    // A root acquired as a single file walks only that file.
    let entries = match &acquired.scope {
        Some(file) => evidence::walk(&file.to_local(root), progress)?,
        None => evidence::walk(root, progress)?,
    };
    let ev = Evidence::load(root, sources, entries, progress)?;
    let links = lineage::resolve::resolve(&ev);
    let mut lineage = lineage::build::build(&ev, &links);

    progress.start(Phase::Check, 0);
    let mut plan = Plan::default();
    let mut findings = checks::plan(&ev, &links, &lineage, &mut plan);
    for e in &ev.entries {
        if e.kind == EntryKind::File {
            plan.want(&e.rel, verify::Algorithm::Sha256);
        }
    }
    progress.finish();

    let table = hash_all(root, &ev.entries, known, &plan.wanted, progress)?;
    for (rel, d) in &table.digests {
        known.insert(rel.clone(), d.clone());
        if let Some(file) = lineage.node_mut(&lineage::build::id::file(rel)).and_then(|n| n.payload.file_mut()) {
            file.size = Some(d.size);
            if d.sha256.is_some() {
                file.sha256 = d.sha256.clone();
            }
        }
    }

    progress.start(Phase::Check, 0);
    findings.extend(verify::evaluate_claims(&plan, &table));
    findings.extend(checks::evaluate_dirs(&plan, &table));
    checks::explain_table_changes(&ev, &mut findings);
    findings.extend(checks::cross_check(&ev, &links, &lineage));
    findings.extend(checks::check_datasets(&ev, &lineage));
    findings.extend(check_register(&acquired.label, root, &ev, register, &table));
    findings.extend(verify::signatures::check(&ev, trusted, &table, &mut lineage));
    findings.extend(verify::served::check(&ev, &lineage, &table));
    progress.finish();
    let coverage = verify::coverage::account(&ev, &links, &checked_files(&plan, &findings));
    Ok((lineage, findings, coverage))
}

/// The files whose bytes a check compared with a claim: planned file claims, the files of
/// directory outputs, and every file a finding (other than the register's) was about.
fn checked_files(plan: &Plan, findings: &[Finding]) -> std::collections::HashSet<RelPath> {
    let mut out: std::collections::HashSet<RelPath> = plan.claims.iter().map(|c| c.path.clone()).collect();
    for d in &plan.dirs {
        out.extend(d.files.iter().map(|f| d.dir.join_rel(f)));
    }
    for f in findings {
        if matches!(f.check, Check::EvidenceRegister | Check::EvidenceFile) || f.status == Status::Missing {
            continue;
        }
        if let Some(p) = f.path.as_deref().and_then(|p| RelPath::new(p).ok()) {
            out.insert(p);
        }
    }
    out
}

/// Every evidence file must still have the SHA-256 it had when acquired.
fn check_register(label: &str, root: &Path, ev: &Evidence, register: &[RegisterEntry], table: &DigestTable) -> Vec<Finding> {
    let mut out = Vec::new();
    let file_node = |rel: &RelPath| NodeRef { kind: NodeKind::File, id: custody_lineage::build::id::file(rel), label: rel.as_str().to_string() };
    let present: HashMap<&RelPath, &WalkedEntry> = ev.entries.iter().map(|e| (&e.rel, e)).collect();
    let mut unchanged = 0usize;
    for reg in register {
        let Some(sha) = &reg.sha256 else { continue };
        let witness = custody_lineage::Witness::new("evidence register", format!("acquired {}", reg.acquired_at));
        let f = match table.get(&reg.rel, verify::Algorithm::Sha256) {
            Ok(now) if now == sha => {
                unchanged += 1;
                continue;
            }
            Ok(now) => Finding::new(Status::Mismatch, Check::EvidenceRegister, file_node(&reg.rel), "the file changed after it was acquired")
                .expect(sha.clone(), Some(now.to_string())),
            Err(reason) => Finding::new(Status::Missing, Check::EvidenceRegister, file_node(&reg.rel), format!("the file was acquired but is gone: {reason}"))
                .expect(sha.clone(), None),
        };
        out.push(f.at(&reg.rel).by(witness));
    }
    let registered: std::collections::HashSet<&RelPath> = register.iter().map(|r| &r.rel).collect();
    for (rel, e) in &present {
        if e.kind == EntryKind::File && !registered.contains(rel) {
            let mut f = Finding::new(Status::Unverifiable, Check::EvidenceRegister, file_node(rel), "the file appeared after the evidence was acquired").at(rel);
            f.observed = table.get(rel, verify::Algorithm::Sha256).ok().map(str::to_string);
            out.push(f);
        }
    }
    if unchanged > 0 {
        let node = NodeRef { kind: NodeKind::File, id: format!("evidence:{label}"), label: root.display().to_string() };
        let detail = format!("{unchanged} evidence files still have the SHA-256 recorded when they were acquired");
        out.push(Finding::new(Status::Verified, Check::EvidenceRegister, node, detail).by(custody_lineage::Witness::new("evidence register", "")));
    }
    out
}

/// Chooses a case file name for `investigate DIR` when none is given: `<dir name>.custody` in
/// the current folder, unless that lies inside the evidence, then in the user's data folder.
pub fn default_case_path(dir: &Path) -> Result<PathBuf, Error> {
    let dir = canonical(dir)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "evidence".into());
    let cwd = std::env::current_dir().map_err(|source| Error::NoCurrentFolder { path: dir.clone(), source })?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let base = if cwd.starts_with(&dir) {
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(std::env::temp_dir);
        let folder = data.join("custody").join("cases");
        std::fs::create_dir_all(&folder).map_err(|source| Error::CaseFolder { path: folder.clone(), source })?;
        folder
    } else {
        cwd
    };
    let mut candidate = base.join(format!("{name}.custody"));
    let mut n = 2;
    while candidate.exists() {
        candidate = base.join(format!("{name}-{n}.custody"));
        n += 1;
    }
    Ok(candidate)
}

/// A key the investigator supplied, as recorded.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TrustedKeyInfo {
    pub label: String,
    pub algorithm: String,
    pub fingerprint: String,
    pub principals: Vec<String>,
    pub file: String,
}

impl TrustedKeyInfo {
    fn of(k: &keys::KnownKey) -> TrustedKeyInfo {
        TrustedKeyInfo {
            label: k.label(),
            algorithm: k.key.algorithm().name().to_string(),
            fingerprint: k.key.fingerprint(),
            principals: k.principals.clone(),
            file: k.origin.file().to_string(),
        }
    }
}

/// Reads key files the investigator trusts (PEM, OpenSSH public keys, allowed-signers, in-toto
/// key JSON, OpenPGP keys, Sigstore trusted roots) and keyless identities (`IDENTITY` or
/// `IDENTITY,ISSUER`), and records them in the case. Everything is read and checked before
/// anything is recorded, so a bad key file leaves the case unchanged. Returns what is newly
/// trusted.
pub fn trust(case: &mut Case, files: &[PathBuf], identities: &[String]) -> Result<Vec<TrustedKeyInfo>, Error> {
    let records = read_trust_inputs(files, identities)?;
    record_trust(case, &records)
}

/// Reads one trust file, naming it in any error.
fn read_trust_path(f: &Path) -> Result<(String, keys::TrustFile), Error> {
    let text = std::fs::read_to_string(f).map_err(|source| Error::KeyFile { path: f.to_path_buf(), source })?;
    let trust = keys::read_trust_file(&text, &KeyOrigin::Supplied { file: f.display().to_string() }).map_err(|source| Error::TrustFile { path: f.to_path_buf(), source: Box::new(source) })?;
    Ok((text, trust))
}

/// Reads and checks trust files and identities into the records the case keeps:
/// (as supplied, text). A private key file is kept as its public half only.
fn read_trust_inputs(files: &[PathBuf], identities: &[String]) -> Result<Vec<(String, String)>, Error> {
    let mut records = Vec::new();
    for f in files {
        let (text, trust) = read_trust_path(f)?;
        let text = if text.contains("PRIVATE KEY-----") { trust.keys.iter().map(|k| k.key.to_pem()).collect::<String>() } else { text };
        records.push((std::path::absolute(f).unwrap_or(f.clone()).display().to_string(), text));
    }
    for i in identities {
        let identity = keys::TrustedIdentity::parse(i).map_err(|source| Error::TrustIdentity { identity: i.clone(), source: Box::new(source) })?;
        records.push((format!("--trust-identity {i}"), identity.to_record()));
    }
    Ok(records)
}

/// Records checked trust records in the case; returns what is newly trusted.
fn record_trust(case: &mut Case, records: &[(String, String)]) -> Result<Vec<TrustedKeyInfo>, Error> {
    let before: std::collections::HashSet<(String, String, String)> = trusted_keys(case)?.into_iter().map(|k| (k.file, k.fingerprint, k.label)).collect();
    case.record_trusted_keys(records)?;
    Ok(trusted_keys(case)?.into_iter().filter(|k| !before.contains(&(k.file.clone(), k.fingerprint.clone(), k.label.clone()))).collect())
}

/// [`trust`] for key files only.
pub fn trust_keys(case: &mut Case, files: &[PathBuf]) -> Result<Vec<TrustedKeyInfo>, Error> {
    trust(case, files, &[])
}

/// The keys the case trusts, and its Sigstore trusted roots (one entry each).
pub fn trusted_keys(case: &Case) -> Result<Vec<TrustedKeyInfo>, Error> {
    let ring = case.trusted_keys()?;
    let mut out: Vec<TrustedKeyInfo> = ring.keys.iter().map(TrustedKeyInfo::of).collect();
    for r in &ring.roots {
        out.push(TrustedKeyInfo {
            label: format!("Sigstore trusted root ({} certificate authorities, {} logs)", r.authorities.len(), r.logs.len()),
            algorithm: "trusted root".into(),
            fingerprint: String::new(),
            principals: r.logs.iter().map(|l| l.base_url.clone()).collect(),
            file: r.file.clone(),
        });
    }
    for i in &ring.identities {
        out.push(TrustedKeyInfo {
            label: match &i.issuer {
                Some(iss) => format!("{} (issuer {iss})", i.identity),
                None => i.identity.clone(),
            },
            algorithm: "keyless identity".into(),
            fingerprint: String::new(),
            principals: vec![i.identity.clone()],
            file: "--trust-identity".into(),
        });
    }
    Ok(out)
}

/// Discovers every source under `dir`, acquires them into a new case, builds, verifies.
pub fn investigate(dir: &Path, case_path: Option<&Path>, progress: &dyn Progress) -> Result<Investigation, Error> {
    investigate_with_keys(dir, case_path, &[], progress)
}

/// [`investigate`], trusting the keys in `trust` (recorded in the case before verifying).
pub fn investigate_with_keys(dir: &Path, case_path: Option<&Path>, trust: &[PathBuf], progress: &dyn Progress) -> Result<Investigation, Error> {
    investigate_with_trust(dir, case_path, trust, &[], progress)
}

/// [`investigate`], trusting key files and keyless identities (recorded before verifying).
pub fn investigate_with_trust(dir: &Path, case_path: Option<&Path>, trust: &[PathBuf], identities: &[String], progress: &dyn Progress) -> Result<Investigation, Error> {
    let evidence_root = canonical(dir)?;
    if !evidence_root.is_dir() {
        return Err(Error::NotAFolder { path: evidence_root });
    }
    let case_path = match case_path {
        Some(p) => p.to_path_buf(),
        None => default_case_path(&evidence_root)?,
    };
    let absolute_case = std::path::absolute(&case_path).unwrap_or(case_path.clone());
    if absolute_case.starts_with(&evidence_root) {
        return Err(Error::CaseInEvidence { path: case_path });
    }
    let title = format!("Investigation of {}", evidence_root.display());
    // trust files are read and checked before the case file is created
    let records = read_trust_inputs(trust, identities)?;
    let mut case = if case_path.exists() { Case::open(&case_path)? } else { Case::create(&case_path, &title)? };
    record_trust(&mut case, &records)?;
    let mut cache = DigestCache::new();
    let acquired = add_evidence(&mut case, &evidence_root, None, progress, &mut cache)?;
    let verification = verify(&mut case, progress, &mut cache)?;
    Ok(Investigation { case: case_path, acquired, verification })
}

/// The stored lineage of a case, or the part of it around one reference.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GraphSelection {
    /// The node the reference resolved to, when one was given.
    pub focus: Option<String>,
    pub nodes: Vec<lineage::Node>,
    pub edges: Vec<lineage::Edge>,
}

/// Loads the case's lineage as last verified.
pub fn load_lineage(case: &Case) -> Result<Lineage, Error> {
    let (nodes, edges) = case.graph()?;
    if nodes.is_empty() {
        return Err(Error::NoLineage { case: case.path().to_path_buf() });
    }
    Ok(Lineage::from_parts(nodes, edges))
}

/// The whole graph, or the nodes within `depth` steps of `reference` (both directions).
pub fn graph(case: &Case, reference: Option<&str>, depth: usize) -> Result<GraphSelection, Error> {
    let lineage = load_lineage(case)?;
    let Some(reference) = reference else {
        return Ok(GraphSelection { focus: None, nodes: lineage.nodes().into_iter().cloned().collect(), edges: lineage.edges() });
    };
    let focus = lineage::query::resolve(&lineage, reference)?;
    let view = lineage::query::neighbourhood(&lineage, &focus, depth, usize::MAX, &[]).expect("resolved node exists");
    let nodes = view.nodes.iter().filter_map(|n| lineage.node(&n.id)).cloned().collect();
    let edges = view
        .edges
        .iter()
        .flat_map(|e| lineage.outgoing(&e.from).into_iter().filter(move |x| x.to == e.to && x.relation == e.relation))
        .collect();
    Ok(GraphSelection { focus: Some(focus), nodes, edges })
}

/// A new investigator key: its file, its public key file and its fingerprint.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewKey {
    pub private_key: PathBuf,
    pub public_key: PathBuf,
    pub fingerprint: String,
}

/// Creates an investigator Ed25519 key at `path` (mode 0600) and `path.pub`.
pub fn new_key(path: &Path) -> Result<NewKey, Error> {
    let key = custody_signing::signer::InvestigatorKey::create(path)?;
    Ok(NewKey { private_key: path.to_path_buf(), public_key: custody_signing::signer::public_path_of(path), fingerprint: key.public().fingerprint() })
}

/// Writes the case's evidence report into `out`, signed with the key at `sign` when given.
/// The export is recorded in the case log (after the report is written, so the report's
/// own log ends just before it).
pub fn report(case: &mut Case, out: &Path, sign: Option<&Path>, progress: &dyn Progress) -> Result<custody_report::ReportWritten, Error> {
    let key = sign.map(custody_signing::signer::InvestigatorKey::read).transpose()?;
    let written = custody_report::write_report(case, out, key.as_ref(), progress)?;
    case.log_action(
        "report.export",
        &serde_json::json!({"dir": written.dir, "signed_by": written.signed_by, "files": written.files}),
    )?;
    Ok(written)
}

/// Re-checks a report folder against the keys in `trust` (key files the caller supplies).
pub fn verify_report(dir: &Path, trust: &[PathBuf]) -> Result<custody_report::ReportCheck, Error> {
    let mut ring = KeyRing::default();
    for f in trust {
        ring.add_file(read_trust_path(f)?.1);
    }
    Ok(custody_report::verify_report(dir, &ring)?)
}

/// Loads the evidence of every root of the case (sources re-read, nothing hashed), for
/// drill-downs that need the bytes: git history, DVC caches, data files.
pub fn load_evidence(case: &Case, progress: &dyn Progress) -> Result<custody_sources::EvidenceSet, Error> {
    let mut roots = Vec::new();
    for root in case.roots()? {
        if !root.path.is_dir() {
            return Err(Error::EvidenceGone { path: root.path.clone() });
        }
        let entries = match &root.scope {
            Some(file) => evidence::walk(&file.to_local(&root.path), progress)?,
            None => evidence::walk(&root.path, progress)?,
        };
        roots.push(Evidence::load(&root.path, &case.sources(root.id)?, entries, progress)?);
    }
    Ok(custody_sources::EvidenceSet { roots })
}

/// Compares the lineages upstream of two references (see [`custody_analysis::diff`]): root causes first,
/// then what differs only because of them, with a drill-down of each. An unknown or
/// ambiguous reference is an error naming it.
pub fn diff(case: &Case, reference_a: &str, reference_b: &str, progress: &dyn Progress) -> Result<custody_analysis::diff::LineageDiff, Error> {
    diff_lineage(case, &load_lineage(case)?, reference_a, reference_b, progress)
}

/// [`diff`] over a lineage already loaded from `case`.
pub fn diff_lineage(case: &Case, lineage: &Lineage, reference_a: &str, reference_b: &str, progress: &dyn Progress) -> Result<custody_analysis::diff::LineageDiff, Error> {
    // the references first: a typo is an error before any evidence is read
    lineage::query::resolve(lineage, reference_a)?;
    lineage::query::resolve(lineage, reference_b)?;
    diff_over(lineage, &load_evidence(case, progress)?, reference_a, reference_b, progress)
}

/// [`diff`] over a lineage and its evidence already loaded.
pub fn diff_over(lineage: &Lineage, evidence: &custody_sources::EvidenceSet, reference_a: &str, reference_b: &str, progress: &dyn Progress) -> Result<custody_analysis::diff::LineageDiff, Error> {
    let a = lineage::query::resolve(lineage, reference_a)?;
    let b = lineage::query::resolve(lineage, reference_b)?;
    Ok(custody_analysis::diff::compare(lineage, evidence, &a, &b, progress))
}

/// The unified diff of one file between two commits of a repository of the case.
/// Opens only that repository (not the whole evidence).
pub fn code_file_diff(case: &Case, repository: &str, from: &str, to: &str, path: &str) -> Result<String, Error> {
    let unknown = || Error::UnknownRepository { repository: repository.to_string() };
    let rel = RelPath::new(repository).map_err(|_| unknown())?;
    for root in case.roots()? {
        let local = rel.to_local(&root.path);
        if !local.is_dir() {
            continue;
        }
        let Ok(repo) = custody_sources::git::GitRepo::open(&local, &root.path, rel.clone()) else { continue };
        // a commit or blob that is there but cannot be read is the evidence's problem, named
        return repo.try_file_diff(from, to, path).map_err(SourceError::Git)?.ok_or_else(|| Error::CommitsNotHeld { repository: repository.to_string(), from: from.to_string(), to: to.to_string() });
    }
    Err(unknown())
}

/// What `custody slice` slices: the table, and how (see [`custody_analysis::slice`]).
#[derive(Debug, Clone, Default)]
pub struct SliceRequest {
    /// The table: any reference [`custody_analysis::tables::TableLocator::locate`] takes.
    pub dataset: String,
    pub by: Vec<String>,
    /// Outcome specifications (`COL`, `COL=VALUE`, `COL>=X`).
    pub label: Option<String>,
    pub prediction: Option<String>,
    /// A second table to compare the group shares and base rates with.
    pub reference: Option<String>,
    /// `COL=VALUE` filters.
    pub filters: Vec<String>,
}

/// The groups of a table, with the identity of what was sliced.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SliceReport {
    pub dataset: custody_analysis::tables::TableIdentity,
    pub reference: Option<custody_analysis::tables::TableIdentity>,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub stats: custody_analysis::slice::SliceStats,
}

/// Slices a table of the case by attributes: shares, base rates, selection and error rates per
/// group, disparities, and where each group's rows came from (the raw sources of the stage
/// that made the table). Recorded in the case log.
pub fn slice(case: &mut Case, request: &SliceRequest, progress: &dyn Progress) -> Result<SliceReport, Error> {
    let lineage = load_lineage(case)?;
    let evidence = load_evidence(case, progress)?;
    let report = slice_in(&lineage, &evidence, request)?;
    record_slice(case, request, &report)?;
    Ok(report)
}

/// Records a slice in the case log: which table (by digest), by what, with which outcomes.
pub fn record_slice(case: &mut Case, request: &SliceRequest, report: &SliceReport) -> Result<(), Error> {
    case.log_action("slice", &serde_json::json!({
        "dataset": report.dataset.path, "sha256": report.dataset.sha256, "reference": report.reference.as_ref().map(|r| &r.path),
        "by": report.stats.by, "label": report.stats.label, "prediction": report.stats.prediction, "filters": request.filters,
    }))?;
    Ok(())
}

/// [`slice`] over a lineage and evidence already loaded (nothing recorded).
pub fn slice_in(lineage: &Lineage, evidence: &custody_sources::EvidenceSet, request: &SliceRequest) -> Result<SliceReport, Error> {
    let locator = custody_analysis::tables::TableLocator::new(lineage, evidence);
    let table = locator.locate(&request.dataset)?;
    let reference = request.reference.as_deref().map(|r| locator.locate(r)).transpose()?;
    let spec = custody_analysis::slice::SliceSpec {
        by: request.by.clone(),
        label: request.label.as_deref().map(custody_analysis::slice::Outcome::parse).transpose()?,
        prediction: request.prediction.as_deref().map(custody_analysis::slice::Outcome::parse).transpose()?,
        filters: request.filters.iter().map(|f| custody_analysis::slice::parse_filter(f)).collect::<Result<_, _>>()?,
    };
    let mut notes = Vec::new();
    let raw = table.data_version.as_deref().map(|v| locator.raw_tables(v, &mut notes)).unwrap_or_default();
    let sources: Vec<custody_analysis::diff::data::RawSource<'_>> = raw.iter().map(|(path, node, df)| custody_analysis::diff::data::RawSource { path: path.clone(), node: node.clone(), table: df }).collect();
    let mut stats = custody_analysis::slice::slice_table(&table.frame, reference.as_ref().map(|r| &r.frame), &spec, &sources)?;
    stats.notes.extend(notes);
    Ok(SliceReport { dataset: table.identity, reference: reference.map(|r| r.identity), stats })
}

/// Where to look for a prediction and how to read the logs.
#[derive(Debug, Clone, Default)]
pub struct TraceRequest {
    pub prediction: String,
    /// Logs to search (evidence paths); empty: every inference log in the evidence.
    pub logs: Vec<String>,
    /// `ROLE=COLUMN` names for columns recognition misses.
    pub fields: Vec<String>,
}

/// Traces one decision to the model version, run, commit, parameters, environment, datasets
/// and raw sources behind it, each link with its verification status (see [`custody_analysis::trace`]).
/// Recorded in the case log.
pub fn trace(case: &mut Case, request: &TraceRequest, progress: &dyn Progress) -> Result<custody_analysis::trace::Trace, Error> {
    let lineage = load_lineage(case)?;
    let evidence = load_evidence(case, progress)?;
    let findings = case.latest_findings()?;
    let t = trace_in(&custody_analysis::tables::TableLocator::new(&lineage, &evidence), &findings, request)?;
    record_trace(case, &t)?;
    Ok(t)
}

/// Records a trace in the case log: which decision, from which record, what it reached.
pub fn record_trace(case: &mut Case, t: &custody_analysis::trace::Trace) -> Result<(), Error> {
    case.log_action("trace", &serde_json::json!({
        "prediction": t.prediction.id, "log": t.prediction.log, "record": t.prediction.record,
        "model": t.model.node, "run": t.run.as_ref().map(|r| &r.id), "failures": t.failures,
    }))?;
    Ok(())
}

/// [`trace`] over a lineage and evidence already loaded (nothing recorded).
pub fn trace_in(tables: &custody_analysis::tables::TableLocator, findings: &[Finding], request: &TraceRequest) -> Result<custody_analysis::trace::Trace, Error> {
    let overrides = custody_sources::inference::FieldOverrides::parse(&request.fields)?;
    let logs = custody_analysis::trace::logs(tables.evidence, &request.logs, &overrides)?;
    if !request.logs.is_empty() && logs.is_empty() {
        return Err(Error::UnknownLog { logs: request.logs.join(", ") });
    }
    Ok(custody_analysis::trace::trace(tables, findings, &logs, &request.prediction)?)
}

/// Traces a decision (recorded in the case log) and profiles its group in the training data:
/// the dossier, written nowhere. One locator serves both, so the data are read and hashed once.
pub fn dossier(case: &mut Case, lineage: &Lineage, request: &TraceRequest, progress: &dyn Progress) -> Result<custody_analysis::dossier::Dossier, Error> {
    let evidence = load_evidence(case, progress)?;
    let findings = case.latest_findings()?;
    dossier_over(case, lineage, &evidence, &findings, request)
}

/// [`dossier`] over a lineage, evidence and findings already loaded (the desktop session keeps
/// them); the trace is recorded in `case`'s log.
pub fn dossier_over(case: &mut Case, lineage: &Lineage, evidence: &custody_sources::EvidenceSet, findings: &[Finding], request: &TraceRequest) -> Result<custody_analysis::dossier::Dossier, Error> {
    let tables = custody_analysis::tables::TableLocator::new(lineage, evidence);
    let t = trace_in(&tables, findings, request)?;
    record_trace(case, &t)?;
    Ok(dossier_in(&tables, t))
}

/// The dossier of a traced decision: the trace, and the decision's group in the training data
/// for each of its inputs that is a column of the training set (see [`custody_analysis::dossier`]).
pub fn dossier_in(locator: &custody_analysis::tables::TableLocator, trace: custody_analysis::trace::Trace) -> custody_analysis::dossier::Dossier {
    let mut notes = Vec::new();
    let training = trace.datasets.iter().find(|d| d.role == custody_sources::mlflow::DatasetRole::Training).or(trace.datasets.first());
    let Some(located) = training.and_then(|d| locator.locate(&d.node).map_err(|e| notes.push(format!("the training set could not be read: {e}"))).ok()) else {
        if training.is_none() {
            notes.push("the trace reaches no training dataset, so the decision's group cannot be profiled".into());
        }
        return custody_analysis::dossier::Dossier { trace, training: None, label: None, group_profile: Vec::new(), sources: Vec::new(), notes };
    };
    let df = &located.frame;
    let columns: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
    // the label: the training column named like the log's ground truth (`ground_truth.is_fraud`
    // → `is_fraud`), when it is 0/1
    let gt = trace.prediction.ground_truth_column.clone();
    let label = gt.as_deref().map(|g| g.rsplit('.').next().unwrap_or(g).to_string()).filter(|l| columns.contains(l));
    let raw = located.data_version.as_deref().map(|v| locator.raw_tables(v, &mut notes)).unwrap_or_default();
    let sources: Vec<custody_analysis::diff::data::RawSource<'_>> = raw.iter().map(|(path, node, df)| custody_analysis::diff::data::RawSource { path: path.clone(), node: node.clone(), table: df }).collect();
    let mut profile = Vec::new();
    let mut overall_sources = Vec::new();
    for (name, v) in &trace.prediction.inputs {
        let Ok(column) = df.column(name) else { continue };
        // categorical attributes only: text, or few distinct values
        let distinct = column.n_unique().unwrap_or(usize::MAX);
        if !(column.dtype().is_string() || distinct <= 12) || distinct > 50 {
            continue;
        }
        let spec = custody_analysis::slice::SliceSpec { by: vec![name.clone()], label: label.clone().map(custody_analysis::slice::Outcome::Column), prediction: None, filters: Vec::new() };
        match custody_analysis::slice::slice_table(df, None, &spec, &sources) {
            Ok(stats) => {
                let value = match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                };
                let number = |s: Option<&str>| s.and_then(|x| x.parse::<f64>().ok());
                let same = |key: Option<&str>| key == value.as_deref() || number(key).is_some() && number(key) == number(value.as_deref());
                let group = stats.groups.iter().find(|g| same(g.key.first().and_then(|k| k.as_deref()))).cloned();
                if overall_sources.is_empty() {
                    overall_sources = stats.sources.clone();
                }
                profile.push(custody_analysis::dossier::GroupProfile { attribute: name.clone(), value, group, overall: stats.overall });
            }
            Err(e) => notes.push(format!("{name}: {e}")),
        }
    }
    custody_analysis::dossier::Dossier { trace, training: Some(located.identity), label, group_profile: profile, sources: overall_sources, notes }
}

/// Refuses an output path (a dossier folder, an exported chart) inside an evidence folder of
/// the case: evidence is never written.
pub fn ensure_outside_evidence(case: &Case, out: &Path) -> Result<(), Error> {
    let absolute = std::path::absolute(out).unwrap_or(out.to_path_buf());
    // resolve links through the part of the path that exists
    let mut existing = absolute.as_path();
    while !existing.exists() {
        match existing.parent() {
            Some(p) => existing = p,
            None => break,
        }
    }
    let resolved = existing.canonicalize().map(|c| c.join(absolute.strip_prefix(existing).unwrap_or(Path::new("")))).unwrap_or(absolute.clone());
    for root in case.roots()? {
        if absolute.starts_with(&root.path) || resolved.starts_with(&root.path) {
            return Err(Error::InsideEvidence { path: out.to_path_buf(), root: root.path.clone() });
        }
    }
    Ok(())
}

/// Traces a decision and writes its dossier (`dossier.html`, `dossier.json`) into `dir`.
/// `dir` must lie outside the evidence.
pub fn write_dossier(case: &mut Case, request: &TraceRequest, dir: &Path, progress: &dyn Progress) -> Result<(custody_analysis::dossier::Dossier, custody_analysis::dossier::DossierWritten), Error> {
    ensure_outside_evidence(case, dir)?;
    let lineage = load_lineage(case)?;
    let d = dossier(case, &lineage, request, progress)?;
    record_dossier(case, d, dir)
}

/// Writes a dossier into `dir` and records it in the case log (with the digest of the JSON
/// written). `dir` must lie outside the evidence.
pub fn record_dossier(case: &mut Case, d: custody_analysis::dossier::Dossier, dir: &Path) -> Result<(custody_analysis::dossier::Dossier, custody_analysis::dossier::DossierWritten), Error> {
    ensure_outside_evidence(case, dir)?;
    let title = case.info()?.title;
    let written = custody_analysis::dossier::write(dir, &d, &title).map_err(|source| Error::WriteDossier { path: dir.to_path_buf(), source })?;
    case.log_action("dossier", &serde_json::json!({
        "prediction": d.trace.prediction.id, "dir": dir, "failures": d.trace.failures,
        "json_sha256": custody_evidence::hashing::hash_file(&written.json, Algorithms::SHA256, &custody_evidence::progress::Silent).ok().and_then(|x| x.sha256),
    }))?;
    Ok((d, written))
}
