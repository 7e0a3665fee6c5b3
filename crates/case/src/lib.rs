//! The case file: one SQLite file that holds an investigation.
//!
//! Why: an investigation must be reproducible and its record must be tamper-evident. The case
//! file keeps the evidence register (every acquired file with its size and SHA-256), the
//! sources found, the rebuilt graph, every verification's findings, and an append-only log of
//! every action.
//!
//! Guarantees:
//! * the schema is versioned (`PRAGMA user_version`) and migrated forward in one transaction; a
//!   file from a newer Custody is refused rather than damaged;
//! * each action writes its data and its log row in the same transaction, so the file is never
//!   left half-updated (an interrupted import leaves the previous state);
//! * the log is hash-chained: each row stores SHA-256 over its content and the previous row's
//!   hash, and the head (count and last hash) is kept beside it, so an edited, inserted or
//!   deleted row is detected by [`Case::check_log`]. Triggers refuse updates and deletes made
//!   through SQLite itself.

mod schema;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use custody_evidence::clock::now;
use custody_evidence::{EntryKind, RelPath};
use custody_lineage::{Edge, Lineage, Node};
use custody_sources::{SourceKind, SourceRef};
use custody_signing::keys::{self, KeyOrigin, KeyRing, KnownKey};
use custody_verify::{Finding, Summary};

/// `PRAGMA application_id` of case files: "CUST".
pub const APPLICATION_ID: i32 = 0x4355_5354;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Why the case file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{path}: cannot open case file: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: already exists; choose another case file name")]
    Exists { path: PathBuf },
    #[error("{path}: no such case file")]
    NotFound { path: PathBuf },
    #[error("{path}: not a Custody case file")]
    NotACase { path: PathBuf },
    #[error("{path}: case file schema version {found} is newer than this Custody understands ({supported}); upgrade Custody")]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("{path}: case file: {source}")]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: case file holds a malformed record: {source}")]
    RecordPath { path: PathBuf, source: custody_evidence::PathError },
    #[error("{path}: case file holds a malformed record: unknown source kind `{kind}`")]
    UnknownSourceKind { path: PathBuf, kind: String },
    #[error("{path}: case file holds a malformed record: unknown register entry kind `{kind}`")]
    UnknownEntryKind { path: PathBuf, kind: String },
    #[error("{path}: case file holds a malformed record: unknown relation `{relation}`")]
    UnknownRelation { path: PathBuf, relation: String },
    /// A stored record (a node, a finding, the coverage) that does not read back.
    #[error("{path}: case file holds a malformed record: {what}: {source}")]
    Record { path: PathBuf, what: &'static str, source: serde_json::Error },
    /// A trust file given to be recorded that does not read as keys.
    #[error("{supplied_as}: case file holds a malformed record: {source}")]
    TrustInput { supplied_as: String, source: Box<custody_signing::keys::KeyError> },
    #[error("{path}: case file holds a malformed record: trusted key file {supplied_as} is not recorded in the case log: the case file was edited")]
    TrustNotLogged { path: PathBuf, supplied_as: String },
    #[error("{path}: case file holds a malformed record: trusted key file {supplied_as}: {source}")]
    TrustRecord { path: PathBuf, supplied_as: String, source: Box<custody_signing::keys::KeyError> },
}

impl CaseError {
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        custody_evidence::ErrorKind::Case
    }
}

/// One acquired evidence folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Root {
    pub id: i64,
    pub path: PathBuf,
    pub label: String,
    /// When a single file was acquired: that file (the root is its folder).
    pub scope: Option<RelPath>,
    pub added_at: String,
}

/// One file of the evidence register.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegisterEntry {
    pub rel: RelPath,
    pub kind: EntryKind,
    pub size: u64,
    /// SHA-256 at acquisition (`None` for links, which are never followed).
    pub sha256: Option<String>,
    pub modified: Option<String>,
    pub acquired_at: String,
}

/// What a check of the log found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogCheck {
    pub rows: usize,
    pub intact: bool,
    pub problems: Vec<String>,
}

/// One row of the log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogEntry {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub detail: serde_json::Value,
    pub hash: String,
}

/// Case metadata.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseInfo {
    pub title: String,
    pub created_at: String,
    pub created_by: String,
}

/// An open case file.
pub struct Case {
    conn: Connection,
    path: PathBuf,
}

impl Case {
    /// Creates a new, empty case file. Refuses to overwrite anything.
    pub fn create(path: &Path, title: &str) -> Result<Case, CaseError> {
        if path.exists() {
            return Err(CaseError::Exists { path: path.into() });
        }
        let conn = Connection::open(path).map_err(|source| CaseError::Open { path: path.into(), source })?;
        let mut case = Case { conn, path: path.to_path_buf() };
        let sql = |source| CaseError::Sql { path: path.into(), source };
        case.conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(sql)?;
        case.configure()?;
        schema::migrate(&mut case.conn).map_err(sql)?;
        let at = now();
        let tx = case.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO case_info (id, title, created_at, created_by, log_count, log_head) VALUES (1, ?1, ?2, ?3, 0, ?4)",
            params![title, at, concat!("custody ", env!("CARGO_PKG_VERSION")), GENESIS],
        )
        .map_err(sql)?;
        append_log(&tx, "case.create", &serde_json::json!({ "title": title })).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(case)
    }

    /// Opens an existing case file, migrating it forward if it is older.
    pub fn open(path: &Path) -> Result<Case, CaseError> {
        if !path.is_file() {
            return Err(CaseError::NotFound { path: path.into() });
        }
        if !custody_sources::sqlite::looks_like_sqlite(path) {
            return Err(CaseError::NotACase { path: path.into() });
        }
        let conn = Connection::open(path).map_err(|source| CaseError::Open { path: path.into(), source })?;
        let mut case = Case { conn, path: path.to_path_buf() };
        let sql = |source| CaseError::Sql { path: path.into(), source };
        let app: i32 = case.conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(sql)?;
        if app != APPLICATION_ID {
            return Err(CaseError::NotACase { path: path.into() });
        }
        let version: i64 = case.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(sql)?;
        if version > schema::LATEST {
            return Err(CaseError::TooNew { path: path.into(), found: version, supported: schema::LATEST });
        }
        case.configure()?;
        schema::migrate(&mut case.conn).map_err(sql)?;
        Ok(case)
    }

    fn configure(&self) -> Result<(), CaseError> {
        let sql = |source| CaseError::Sql { path: self.path.clone(), source };
        self.conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(sql)?;
        self.conn.pragma_update(None, "foreign_keys", true).map_err(sql)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> CaseError + '_ {
        |source| CaseError::Sql { path: self.path.clone(), source }
    }

    pub fn info(&self) -> Result<CaseInfo, CaseError> {
        self.conn
            .query_row("SELECT title, created_at, created_by FROM case_info WHERE id = 1", [], |r| {
                Ok(CaseInfo { title: r.get(0)?, created_at: r.get(1)?, created_by: r.get(2)? })
            })
            .map_err(self.sql())
    }

    /// The evidence folders of the case.
    pub fn roots(&self) -> Result<Vec<Root>, CaseError> {
        let mut stmt = self.conn.prepare("SELECT id, path, label, scope, added_at FROM evidence_roots ORDER BY id").map_err(self.sql())?;
        let rows: Vec<(i64, String, String, Option<String>, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        rows.into_iter()
            .map(|(id, path, label, scope, added_at)| {
                let scope = scope
                    .map(|s| RelPath::new(&s).map_err(|source| CaseError::RecordPath { path: self.path.clone(), source }))
                    .transpose()?;
                Ok(Root { id, path: PathBuf::from(path), label, scope, added_at })
            })
            .collect()
    }

    /// The sources found under a root when it was acquired.
    pub fn sources(&self, root: i64) -> Result<Vec<SourceRef>, CaseError> {
        let mut stmt = self.conn.prepare("SELECT kind, rel_path FROM sources WHERE root_id = ?1 ORDER BY id").map_err(self.sql())?;
        let rows: Vec<(String, String)> =
            stmt.query_map([root], |r| Ok((r.get(0)?, r.get(1)?))).map_err(self.sql())?.collect::<Result<_, _>>().map_err(self.sql())?;
        rows.into_iter()
            .map(|(kind, rel)| {
                let kind = SourceKind::parse(&kind).ok_or_else(|| CaseError::UnknownSourceKind { path: self.path.clone(), kind: kind.clone() })?;
                let rel = RelPath::new(&rel).map_err(|source| CaseError::RecordPath { path: self.path.clone(), source })?;
                Ok(SourceRef { kind, rel })
            })
            .collect()
    }

    /// The evidence register of a root, sorted by path.
    pub fn register(&self, root: i64) -> Result<Vec<RegisterEntry>, CaseError> {
        let mut stmt = self
            .conn
            .prepare("SELECT rel_path, kind, size, sha256, link_target, modified, acquired_at FROM evidence_files WHERE root_id = ?1 ORDER BY rel_path")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([root], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let (rel, kind, size, sha256, target, modified, acquired_at) = row.map_err(self.sql())?;
            let rel = RelPath::new(&rel).map_err(|source| CaseError::RecordPath { path: self.path.clone(), source })?;
            let kind = match kind.as_str() {
                "file" => EntryKind::File,
                "symlink" => EntryKind::Symlink { target: target.unwrap_or_default(), escapes: false },
                other => return Err(CaseError::UnknownEntryKind { path: self.path.clone(), kind: other.to_string() }),
            };
            out.push(RegisterEntry { rel, kind, size: size as u64, sha256, modified, acquired_at });
        }
        Ok(out)
    }

    /// Records an acquired evidence folder: the root, its sources and its register, in one
    /// transaction with its log row. Re-acquiring a root replaces its sources and register.
    /// `scope` is the single file acquired, when not a whole folder.
    pub fn record_acquisition(&mut self, root: &Path, scope: Option<&RelPath>, sources: &[SourceRef], register: &[RegisterEntry]) -> Result<i64, CaseError> {
        let path = self.path.clone();
        let sql = |source| CaseError::Sql { path: path.clone(), source };
        let root_str = root.to_string_lossy().into_owned();
        let tx = self.conn.transaction().map_err(sql)?;
        let existing: Option<i64> = tx.query_row("SELECT id FROM evidence_roots WHERE path = ?1", [&root_str], |r| r.get(0)).optional().map_err(sql)?;
        let root_id = match existing {
            Some(id) => {
                tx.execute("UPDATE evidence_roots SET scope = ?2 WHERE id = ?1", params![id, scope.map(RelPath::as_str)]).map_err(sql)?;
                tx.execute("DELETE FROM sources WHERE root_id = ?1", [id]).map_err(sql)?;
                tx.execute("DELETE FROM evidence_files WHERE root_id = ?1", [id]).map_err(sql)?;
                id
            }
            None => {
                let base = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "evidence".into());
                let taken: i64 = tx.query_row("SELECT count(*) FROM evidence_roots WHERE label = ?1 OR label LIKE ?1 || '-%'", [&base], |r| r.get(0)).map_err(sql)?;
                let label = if taken == 0 { base } else { format!("{base}-{}", taken + 1) };
                tx.execute(
                    "INSERT INTO evidence_roots (path, label, scope, added_at) VALUES (?1, ?2, ?3, ?4)",
                    params![root_str, label, scope.map(RelPath::as_str), now()],
                )
                .map_err(sql)?;
                tx.last_insert_rowid()
            }
        };
        {
            let mut ins = tx.prepare("INSERT INTO sources (root_id, kind, rel_path) VALUES (?1, ?2, ?3)").map_err(sql)?;
            for s in sources {
                ins.execute(params![root_id, s.kind.name(), s.rel.as_str()]).map_err(sql)?;
            }
            let mut ins = tx
                .prepare("INSERT INTO evidence_files (root_id, rel_path, kind, size, sha256, link_target, modified, acquired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(sql)?;
            for e in register {
                let (kind, target) = match &e.kind {
                    EntryKind::File => ("file", None),
                    EntryKind::Symlink { target, .. } => ("symlink", Some(target.as_str())),
                };
                ins.execute(params![root_id, e.rel.as_str(), kind, e.size as i64, e.sha256, target, e.modified, e.acquired_at]).map_err(sql)?;
            }
        }
        let total: u64 = register.iter().map(|e| e.size).sum();
        let digest = register_digest(register);
        let detail = serde_json::json!({
            "root": root_str,
            "sources": sources.iter().map(|s| format!("{} {}", s.kind, s.rel)).collect::<Vec<_>>(),
            "files": register.len(),
            "bytes": total,
            "register_sha256": digest,
        });
        append_log(&tx, "evidence.acquire", &detail).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(root_id)
    }

    /// Stores a verification: the rebuilt graph (replacing the previous one), the findings and
    /// the log row, in one transaction. Returns the verification's id.
    pub fn record_verification(&mut self, lineage: &Lineage, findings: &[Finding], coverage: &custody_verify::coverage::Coverage, started_at: &str) -> Result<i64, CaseError> {
        let path = self.path.clone();
        let sql = |source| CaseError::Sql { path: path.clone(), source };
        let summary = Summary::of(findings);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM edges", []).map_err(sql)?;
        tx.execute("DELETE FROM nodes", []).map_err(sql)?;
        {
            let mut ins = tx.prepare("INSERT INTO nodes (id, kind, label, status, body) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(sql)?;
            for n in lineage.nodes() {
                let body = serde_json::to_string(n).expect("nodes serialize");
                ins.execute(params![n.id, n.kind().name(), n.label, n.status.map(|s| s.name()), body]).map_err(sql)?;
            }
            let mut ins = tx.prepare("INSERT INTO edges (src, relation, dst, role) VALUES (?1, ?2, ?3, ?4)").map_err(sql)?;
            for e in lineage.edges() {
                ins.execute(params![e.from, e.relation.name(), e.to, e.role]).map_err(sql)?;
            }
        }
        let finished = now();
        tx.execute(
            "INSERT INTO verifications (started_at, finished_at, summary, coverage) VALUES (?1, ?2, ?3, ?4)",
            params![started_at, finished, serde_json::to_string(&summary).expect("summary serializes"), serde_json::to_string(coverage).expect("coverage serializes")],
        )
        .map_err(sql)?;
        let vid = tx.last_insert_rowid();
        {
            let mut ins = tx.prepare("INSERT INTO findings (verification_id, seq, status, node_id, check_name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").map_err(sql)?;
            for (i, f) in findings.iter().enumerate() {
                let body = serde_json::to_string(f).expect("findings serialize");
                ins.execute(params![vid, i as i64, f.status.name(), f.node.id, f.check.name(), body]).map_err(sql)?;
            }
        }
        let findings_digest = custody_evidence::hashing::sha256_hex(serde_json::to_string(findings).expect("findings serialize").as_bytes());
        let detail = serde_json::json!({
            "verification": vid,
            "nodes": lineage.node_count(),
            "edges": lineage.edge_count(),
            "summary": summary,
            "findings_sha256": findings_digest,
        });
        append_log(&tx, "case.verify", &detail).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(vid)
    }

    /// The coverage of the latest verification (none when none ran yet, or it was recorded
    /// before coverage was kept).
    pub fn latest_coverage(&self) -> Result<Option<custody_verify::coverage::Coverage>, CaseError> {
        let body: Option<String> = self.conn.query_row("SELECT coverage FROM verifications ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).optional().map_err(self.sql())?.flatten();
        body.map(|b| serde_json::from_str(&b).map_err(|source| CaseError::Record { path: self.path.clone(), what: "coverage", source })).transpose()
    }

    /// The findings of the latest verification (empty when none ran yet).
    pub fn latest_findings(&self) -> Result<Vec<Finding>, CaseError> {
        let Some(vid): Option<i64> = self.conn.query_row("SELECT max(id) FROM verifications", [], |r| r.get(0)).map_err(self.sql())? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare("SELECT body FROM findings WHERE verification_id = ?1 ORDER BY seq").map_err(self.sql())?;
        let rows = stmt.query_map([vid], |r| r.get::<_, String>(0)).map_err(self.sql())?;
        let mut out = Vec::new();
        for body in rows {
            let body = body.map_err(self.sql())?;
            out.push(serde_json::from_str(&body).map_err(|source| CaseError::Record { path: self.path.clone(), what: "finding", source })?);
        }
        Ok(out)
    }

    /// The stored graph: nodes and edges.
    pub fn graph(&self) -> Result<(Vec<Node>, Vec<Edge>), CaseError> {
        let mut stmt = self.conn.prepare("SELECT body FROM nodes ORDER BY id").map_err(self.sql())?;
        let mut nodes = Vec::new();
        for body in stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.sql())? {
            let body = body.map_err(self.sql())?;
            nodes.push(serde_json::from_str(&body).map_err(|source| CaseError::Record { path: self.path.clone(), what: "node", source })?);
        }
        let mut stmt = self.conn.prepare("SELECT src, relation, dst, role FROM edges ORDER BY src, relation, dst").map_err(self.sql())?;
        let mut edges = Vec::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))).map_err(self.sql())? {
            let (from, relation, to, role) = row.map_err(self.sql())?;
            let relation = serde_json::from_value(serde_json::Value::String(relation.clone()))
                .map_err(|_| CaseError::UnknownRelation { path: self.path.clone(), relation: relation.clone() })?;
            edges.push(Edge { from, relation, to, role });
        }
        Ok((nodes, edges))
    }

    /// The whole log, oldest first.
    pub fn log(&self) -> Result<Vec<LogEntry>, CaseError> {
        let mut stmt = self.conn.prepare("SELECT seq, at, action, detail, hash FROM log ORDER BY seq").map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    action: r.get(2)?,
                    detail: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or(serde_json::Value::Null),
                    hash: r.get(4)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The log rows exactly as stored (the detail as its JSON text), for export.
    pub fn log_rows(&self) -> Result<Vec<LogRow>, CaseError> {
        let mut stmt = self.conn.prepare("SELECT seq, at, action, detail, prev_hash, hash FROM log ORDER BY seq").map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| Ok(LogRow { seq: r.get(0)?, at: r.get(1)?, action: r.get(2)?, detail: r.get(3)?, prev_hash: r.get(4)?, hash: r.get(5)? }))
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// The recorded head of the log: (row count, hash of the last row).
    pub fn log_head(&self) -> Result<(i64, String), CaseError> {
        self.conn.query_row("SELECT log_count, log_head FROM case_info WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(self.sql())
    }

    /// Re-computes the log's hash chain and compares it with the recorded head.
    pub fn check_log(&self) -> Result<LogCheck, CaseError> {
        let rows = self.log_rows()?;
        let (count, head) = self.log_head()?;
        Ok(check_chain(&rows, count, &head))
    }

    /// Records key files the investigator trusts, with one log row naming each key. A file
    /// already recorded (same bytes) is not recorded twice. Returns the keys added.
    pub fn record_trusted_keys(&mut self, files: &[(String, String)]) -> Result<Vec<KnownKey>, CaseError> {
        let path = self.path.clone();
        let sql = |source| CaseError::Sql { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut added = Vec::new();
        for (supplied_as, text) in files {
            let trust = keys::read_trust_file(text, &KeyOrigin::Supplied { file: supplied_as.clone() })
                .map_err(|source| CaseError::TrustInput { supplied_as: supplied_as.clone(), source: Box::new(source) })?;
            let keys = trust.keys;
            let sha = custody_evidence::hashing::sha256_hex(text.as_bytes());
            let n = tx
                .execute("INSERT OR IGNORE INTO trusted_key_files (supplied_as, sha256, text, added_at) VALUES (?1, ?2, ?3, ?4)", params![supplied_as, sha, text, now()])
                .map_err(sql)?;
            if n == 0 {
                continue;
            }
            let detail = serde_json::json!({
                "file": supplied_as,
                "sha256": sha,
                "keys": keys.iter().map(|k| serde_json::json!({"label": k.label(), "algorithm": k.key.algorithm().name(), "fingerprint": k.key.fingerprint(), "principals": k.principals})).collect::<Vec<_>>(),
                "trusted_roots": trust.roots.iter().map(|r| serde_json::json!({"logs": r.logs.iter().map(|l| l.base_url.clone()).collect::<Vec<_>>(), "authorities": r.authorities.iter().map(|a| a.name.clone()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            });
            append_log(&tx, "keys.trust", &detail).map_err(sql)?;
            added.extend(keys);
        }
        tx.commit().map_err(sql)?;
        Ok(added)
    }

    /// The keys the investigator trusts, read back from the files recorded.
    pub fn trusted_keys(&self) -> Result<KeyRing, CaseError> {
        let mut stmt = self.conn.prepare("SELECT supplied_as, text FROM trusted_key_files ORDER BY id").map_err(self.sql())?;
        let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(self.sql())?.collect::<Result<_, _>>().map_err(self.sql())?;
        // every trusted file must have been recorded through the hash-chained log: a row
        // slipped into the table by editing the case file is refused, not trusted
        let logged: std::collections::HashSet<String> = self
            .log_rows()?
            .into_iter()
            .filter(|r| r.action == "keys.trust")
            .filter_map(|r| serde_json::from_str::<serde_json::Value>(&r.detail).ok().and_then(|d| d["sha256"].as_str().map(str::to_string)))
            .collect();
        let mut ring = KeyRing::default();
        for (supplied_as, text) in rows {
            if !logged.contains(&custody_evidence::hashing::sha256_hex(text.as_bytes())) {
                return Err(CaseError::TrustNotLogged { path: self.path.clone(), supplied_as: supplied_as.clone() });
            }
            let trust = keys::read_trust_file(&text, &KeyOrigin::Supplied { file: supplied_as.clone() })
                .map_err(|source| CaseError::TrustRecord { path: self.path.clone(), supplied_as: supplied_as.clone(), source: Box::new(source) })?;
            ring.add_file(trust);
        }
        Ok(ring)
    }

    /// Appends an action to the log on its own (for actions that change nothing else).
    pub fn log_action(&mut self, action: &str, detail: &serde_json::Value) -> Result<(), CaseError> {
        let path = self.path.clone();
        let sql = |source| CaseError::Sql { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        append_log(&tx, action, detail).map_err(sql)?;
        tx.commit().map_err(sql)
    }
}

/// One log row as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogRow {
    pub seq: i64,
    pub at: String,
    pub action: String,
    /// The detail's JSON text, byte for byte as hashed.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Checks a hash chain of log rows against a recorded head (`count` rows ending in `head`).
pub fn check_chain(rows: &[LogRow], count: i64, head: &str) -> LogCheck {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if row.seq != expected_seq {
            problems.push(format!("row {expected_seq} is missing (next row is {}): a row was deleted", row.seq));
        }
        if row.prev_hash != prev {
            problems.push(format!("row {} does not follow the row before it: the chain was broken", row.seq));
        }
        let recomputed = chain_hash(&prev, row.seq, &row.at, &row.action, &row.detail);
        if recomputed != row.hash {
            problems.push(format!("row {} ({}) was edited: its content no longer hashes to its recorded hash", row.seq, row.action));
        }
        prev = row.hash.clone();
    }
    if count != rows.len() as i64 {
        problems.push(format!("the log has {} rows but the case recorded {count}: rows were removed or added", rows.len()));
    }
    if head != prev {
        problems.push("the last log row is not the recorded head of the chain".to_string());
    }
    LogCheck { rows: rows.len(), intact: problems.is_empty(), problems }
}

/// SHA-256 over the register's sorted (path, size, sha256) lines: one digest for a whole
/// acquisition.
pub fn register_digest(register: &[RegisterEntry]) -> String {
    let mut lines: Vec<String> = register
        .iter()
        .map(|e| format!("{}\t{}\t{}", e.rel, e.size, e.sha256.as_deref().unwrap_or("-")))
        .collect();
    lines.sort();
    custody_evidence::hashing::sha256_hex(lines.join("\n").as_bytes())
}

fn chain_hash(prev: &str, seq: i64, at: &str, action: &str, detail: &str) -> String {
    let content = format!("{prev}\n{seq}\n{at}\n{action}\n{detail}");
    custody_evidence::hashing::sha256_hex(content.as_bytes())
}

fn append_log(tx: &Transaction<'_>, action: &str, detail: &serde_json::Value) -> rusqlite::Result<()> {
    let (count, head): (i64, String) = tx.query_row("SELECT log_count, log_head FROM case_info WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let seq = count + 1;
    let at = now();
    let detail = serde_json::to_string(detail).expect("log detail serializes");
    let hash = chain_hash(&head, seq, &at, action, &detail);
    tx.execute(
        "INSERT INTO log (seq, at, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![seq, at, action, detail, head, hash],
    )?;
    tx.execute("UPDATE case_info SET log_count = ?1, log_head = ?2 WHERE id = 1", params![seq, hash])?;
    Ok(())
}
