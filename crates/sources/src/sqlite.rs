//! Opening a SQLite file that is evidence, without ever writing to it.
//!
//! SQLite normally creates `-shm`/`-journal` files and may replay a write-ahead log into the
//! database. Evidence must not change, so:
//! * a database with no `-wal` beside it is opened read-only with `immutable=1` (no locks, no
//!   side files);
//! * a database with a `-wal` beside it is copied, with its log, into a private temporary
//!   folder and opened there, so the committed transactions in the log are seen while the
//!   evidence stays untouched.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

/// An open read-only view of an evidence database. Keeps the temporary copy alive.
pub struct EvidenceDb {
    pub conn: Connection,
    _copy: Option<tempfile::TempDir>,
}

/// SQLite files start with this header.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` starts with the SQLite header.
pub fn looks_like_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == SQLITE_MAGIC
}

/// Why an evidence database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceDbError {
    /// SQLite refused the file (not a database, damaged, unreadable).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// No private temporary folder could be made for the copy of a database with a log.
    #[error("cannot make a temporary folder to read {path} with its write-ahead log: {source}")]
    TempDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database or its write-ahead log could not be copied aside (`path` is the file).
    #[error("{path}: cannot copy it aside to read it with its write-ahead log: {source}")]
    Copy {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Opens `path` read-only as described in the module docs.
pub fn open_evidence_db(path: &Path) -> Result<EvidenceDb, EvidenceDbError> {
    let wal = sidecar(path, "-wal");
    if wal.exists() {
        let dir = tempfile::tempdir().map_err(|source| EvidenceDbError::TempDir { path: path.into(), source })?;
        let copy = dir.path().join("evidence.db");
        std::fs::copy(path, &copy).map_err(|source| EvidenceDbError::Copy { path: path.into(), source })?;
        std::fs::copy(&wal, sidecar(&copy, "-wal")).map_err(|source| EvidenceDbError::Copy { path: wal.clone(), source })?;
        let conn = Connection::open_with_flags(
            &copy,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        return Ok(EvidenceDb { conn, _copy: Some(dir) });
    }
    let uri = format!("file:{}?immutable=1", uri_escape(path));
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Fails here, not later, when the file is not a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(EvidenceDb { conn, _copy: None })
}

/// Names of the tables in the database.
pub fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// Names of the columns of `table`.
pub fn column_names(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let rows = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    rows.collect()
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn uri_escape(path: &Path) -> String {
    let mut out = String::new();
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii() && !matches!(b, b'?' | b'#' | b'%' | b' ') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
