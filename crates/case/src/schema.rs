//! The case file's schema and its migrations, applied in order in one transaction.
//!
//! Migrations are append-only: a released migration is never edited, a change is a new one.

use rusqlite::Connection;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE case_info (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        log_count INTEGER NOT NULL,
        log_head TEXT NOT NULL
    );
    CREATE TABLE evidence_roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL UNIQUE,
        scope TEXT,
        added_at TEXT NOT NULL
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES evidence_roots(id),
        kind TEXT NOT NULL,
        rel_path TEXT NOT NULL,
        UNIQUE (root_id, kind, rel_path)
    );
    CREATE TABLE evidence_files (
        root_id INTEGER NOT NULL REFERENCES evidence_roots(id),
        rel_path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('file', 'symlink')),
        size INTEGER NOT NULL,
        sha256 TEXT,
        link_target TEXT,
        modified TEXT,
        acquired_at TEXT NOT NULL,
        PRIMARY KEY (root_id, rel_path)
    );
    CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        status TEXT,
        body TEXT NOT NULL
    );
    CREATE TABLE edges (
        src TEXT NOT NULL,
        relation TEXT NOT NULL,
        dst TEXT NOT NULL,
        role TEXT,
        PRIMARY KEY (src, relation, dst)
    );
    CREATE INDEX edges_dst ON edges (dst);
    CREATE TABLE verifications (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE TABLE findings (
        verification_id INTEGER NOT NULL REFERENCES verifications(id),
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        node_id TEXT NOT NULL,
        check_name TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (verification_id, seq)
    );
    CREATE INDEX findings_node ON findings (node_id);
    CREATE TABLE log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER log_is_append_only_update BEFORE UPDATE ON log
        BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;
    CREATE TRIGGER log_is_append_only_delete BEFORE DELETE ON log
        BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;
    ",
    // 2: keys the investigator trusts, kept as the files were supplied (the text is what
    // model-signing's key hint and the key ids are computed from).
    "
    CREATE TABLE trusted_key_files (
        id INTEGER PRIMARY KEY,
        supplied_as TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    ",
    // 3: what the investigator trusted is as append-only as the log that records it.
    "
    CREATE TRIGGER trusted_keys_append_only_update BEFORE UPDATE ON trusted_key_files
        BEGIN SELECT RAISE(ABORT, 'trusted keys are append-only'); END;
    CREATE TRIGGER trusted_keys_append_only_delete BEFORE DELETE ON trusted_key_files
        BEGIN SELECT RAISE(ABORT, 'trusted keys are append-only'); END;
    ",
    // What the verification made of every evidence file (verify::coverage::Coverage, JSON).
    "ALTER TABLE verifications ADD COLUMN coverage TEXT;",
];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to [`LATEST`].
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()
}
