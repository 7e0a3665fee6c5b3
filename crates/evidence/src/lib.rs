//! The one door to evidence, and what every later stage needs from it.
//!
//! This crate is the bottom of Custody's one-way pipeline (evidence → sources → lineage →
//! verify → analysis → case and report → use cases → CLI and app): it depends on no other
//! Custody crate. It holds:
//! * evidence on disk ([`RelPath`], the read-only walk, [`open_regular`]);
//! * [`hashing`]: the streaming, parallel digests of evidence files;
//! * [`progress`]: the sink through which long work reports (the engine never prints);
//! * [`text`] and [`clock`]: the small shared helpers.
//!
//! # Evidence on disk
//!
//! Root-relative paths, the read-only walk of an evidence folder, and the
//! re-rooting of absolute paths recorded on the machine where the tools ran.
//!
//! Guarantees:
//! * a [`RelPath`] never escapes its root (no absolute paths, no `..`), so joining it onto the
//!   root always stays inside the evidence;
//! * the walk never follows symbolic links; a link is recorded as a link, with whether its
//!   target leaves the evidence root;
//! * nothing here writes anywhere.

pub mod clock;
pub mod error_kind;
pub mod hashing;
pub mod progress;
pub mod text;

pub use error_kind::ErrorKind;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::progress::{Phase, Progress};

/// Opens an evidence file for reading without following a link in its last component and
/// without blocking on a FIFO or a device: a file that is not a regular file is refused with
/// an error that says what it is.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC).open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "a symbolic link, not followed")
        } else {
            e
        }
    })?;
    let ft = file.metadata()?.file_type();
    if !ft.is_file() {
        let what = if ft.is_dir() {
            "a folder"
        } else if ft.is_fifo() {
            "a FIFO (named pipe)"
        } else if ft.is_socket() {
            "a socket"
        } else if ft.is_block_device() || ft.is_char_device() {
            "a device"
        } else {
            "not a regular file"
        };
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}, not read")));
    }
    Ok(file)
}

/// A '/'-separated path relative to an evidence root that cannot escape it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RelPath(String);

/// Why a recorded path cannot be used as a path inside the evidence.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    #[error("path `{0}` is absolute where a relative path is required")]
    Absolute(String),
    #[error("path `{0}` climbs out of its folder with `..`")]
    Escapes(String),
}

impl RelPath {
    /// Checks and normalises a relative path (`./a//b` becomes `a/b`, `a/../b` becomes `b`).
    pub fn new(path: &str) -> Result<RelPath, PathError> {
        RelPath::root().join(path)
    }

    /// The root itself.
    pub fn root() -> RelPath {
        RelPath(String::new())
    }

    /// Builds a path from a local path under `root`.
    pub fn from_local(root: &Path, local: &Path) -> Option<RelPath> {
        let rel = local.strip_prefix(root).ok()?;
        let mut parts = Vec::new();
        for c in rel.components() {
            match c {
                Component::Normal(s) => parts.push(s.to_str()?.to_string()),
                Component::CurDir => {}
                _ => return None,
            }
        }
        Some(RelPath(parts.join("/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// `self/other`, normalised; `..` may climb within `self` but never above the root.
    pub fn join(&self, other: &str) -> Result<RelPath, PathError> {
        if other.starts_with('/') || other.starts_with('\\') || Path::new(other).has_root() {
            return Err(PathError::Absolute(other.to_string()));
        }
        let mut parts: Vec<&str> = self.0.split('/').filter(|p| !p.is_empty()).collect();
        for part in other.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(PathError::Escapes(other.to_string()));
                    }
                }
                p if p.len() == 2 && p.ends_with(':') && p.as_bytes()[0].is_ascii_alphabetic() => {
                    return Err(PathError::Absolute(other.to_string()));
                }
                p => parts.push(p),
            }
        }
        Ok(RelPath(parts.join("/")))
    }

    pub fn join_rel(&self, other: &RelPath) -> RelPath {
        match (self.is_root(), other.is_root()) {
            (true, _) => other.clone(),
            (_, true) => self.clone(),
            _ => RelPath(format!("{}/{}", self.0, other.0)),
        }
    }

    /// The path of this one on disk under `root`.
    pub fn to_local(&self, root: &Path) -> PathBuf {
        let mut p = root.to_path_buf();
        for part in self.0.split('/').filter(|s| !s.is_empty()) {
            p.push(part);
        }
        p
    }

    /// The part of `self` below `prefix`, if `self` is under it.
    pub fn strip_prefix(&self, prefix: &RelPath) -> Option<RelPath> {
        if prefix.is_root() {
            return Some(self.clone());
        }
        if self.0 == prefix.0 {
            return Some(RelPath::root());
        }
        self.0.strip_prefix(&prefix.0)?.strip_prefix('/').map(|s| RelPath(s.to_string()))
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }

    pub fn parent(&self) -> RelPath {
        match self.0.rfind('/') {
            Some(i) => RelPath(self.0[..i].to_string()),
            None => RelPath::root(),
        }
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str(".") } else { f.write_str(&self.0) }
    }
}

/// What one walked entry is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntryKind {
    File,
    /// A symbolic link, never followed. `escapes` is true when its target lies outside the root.
    Symlink { target: String, escapes: bool },
}

/// One entry of an evidence folder.
#[derive(Debug, Clone)]
pub struct WalkedEntry {
    pub rel: RelPath,
    pub kind: EntryKind,
    pub size: u64,
    /// Modification time as RFC 3339, when the file system reports one.
    pub modified: Option<String>,
}

/// Why an evidence folder cannot be walked.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: cannot read evidence: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: file name is not valid UTF-8; Custody cannot name it in findings")]
    NonUtf8 { path: PathBuf },
    #[error("walk cancelled")]
    Cancelled,
}

impl WalkError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            WalkError::Cancelled => ErrorKind::Cancelled,
            WalkError::Io { .. } | WalkError::NonUtf8 { .. } => ErrorKind::Input,
        }
    }
}

/// Walks `root` (a folder or a single file) without following links. Directories are not
/// returned; files and links are, sorted by path.
pub fn walk(root: &Path, progress: &dyn Progress) -> Result<Vec<WalkedEntry>, WalkError> {
    progress.start(Phase::Discover, 0);
    let mut out = Vec::new();
    let base = if root.is_file() { root.parent().unwrap_or(root) } else { root };
    for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        if progress.is_cancelled() {
            return Err(WalkError::Cancelled);
        }
        let entry = entry.map_err(|e| WalkError::Io {
            path: e.path().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf()),
            source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk error")),
        })?;
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let path = entry.path();
        let rel = RelPath::from_local(base, path)
            .ok_or_else(|| WalkError::NonUtf8 { path: path.to_path_buf() })?;
        let meta = entry
            .metadata()
            .map_err(|e| WalkError::Io { path: path.to_path_buf(), source: e.into() })?;
        let modified = meta.modified().ok().and_then(|t| jiff::Timestamp::try_from(t).ok()).map(|t| t.to_string());
        let kind = if ft.is_symlink() {
            let target = std::fs::read_link(path)
                .map_err(|source| WalkError::Io { path: path.to_path_buf(), source })?;
            let escapes = link_escapes(base, path, &target);
            EntryKind::Symlink { target: target.to_string_lossy().into_owned(), escapes }
        } else if ft.is_file() {
            EntryKind::File
        } else {
            // Sockets, fifos and devices carry no evidence bytes; skip them.
            continue;
        };
        out.push(WalkedEntry { rel, kind, size: meta.len(), modified });
        progress.advance(1);
    }
    progress.finish();
    Ok(out)
}

/// Whether a link at `link` pointing to `target` resolves outside `root`, judged lexically
/// (the target is not touched).
fn link_escapes(root: &Path, link: &Path, target: &Path) -> bool {
    let joined = if target.is_absolute() {
        target.to_path_buf()
    } else {
        link.parent().unwrap_or(root).join(target)
    };
    let mut stack: Vec<Component> = Vec::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                if stack.pop().is_none() {
                    return true;
                }
            }
            Component::CurDir => {}
            c => stack.push(c),
        }
    }
    let normal: PathBuf = stack.iter().collect();
    !normal.starts_with(root)
}

/// Strips a `file:` scheme and returns a plain local path string, or `None` for other
/// schemes (`s3://`, `mlflow-artifacts:`, `dbfs:` …).
pub fn file_uri_to_path(uri: &str) -> Option<String> {
    let decoded = percent_decode(uri);
    if let Some(rest) = decoded.strip_prefix("file://") {
        // file:///abs or file://host/abs: the path starts at the first '/'.
        return Some(rest.find('/').map(|i| rest[i..].to_string()).unwrap_or_default());
    }
    if let Some(rest) = decoded.strip_prefix("file:") {
        return Some(rest.to_string());
    }
    if decoded.contains("://") || has_scheme(&decoded) {
        return None;
    }
    Some(decoded)
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 1 => s[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)),
        _ => false,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a recorded path was found inside the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The path relative to the evidence root.
    pub rel: RelPath,
    /// Set when the recorded path was absolute on another machine and was mapped onto the
    /// evidence root: the recorded prefix that was replaced.
    pub rerooted_from: Option<String>,
}

/// Maps absolute paths recorded on the tools' machine (`/srv/ml-platform/mlflow/artifacts/…`)
/// onto the folder where the evidence lives now.
///
/// The first recorded path whose tail exists under the root fixes an *anchor*: the recorded
/// prefix that stands for the evidence root. Later paths under the same prefix map through the
/// anchor even when the file itself is gone, so a deleted artifact is reported as missing at
/// the right place rather than as unresolvable.
pub struct Rerooter {
    root: PathBuf,
    anchors: Mutex<BTreeMap<String, RelPath>>,
}

impl Rerooter {
    pub fn new(root: &Path) -> Rerooter {
        Rerooter { root: root.to_path_buf(), anchors: Mutex::new(BTreeMap::new()) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Locates a recorded absolute path (or `file:` URI). Relative paths are resolved against
    /// `relative_to` (a folder inside the evidence). Returns `None` when nothing in the
    /// evidence corresponds to it.
    pub fn locate(&self, recorded: &str, relative_to: &RelPath) -> Option<Located> {
        let path = file_uri_to_path(recorded)?;
        if path.is_empty() {
            return None;
        }
        if !path.starts_with('/') {
            let rel = relative_to.join(&path).ok()?;
            return Some(Located { rel, rerooted_from: None });
        }
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        if parts.iter().any(|p| *p == "..") {
            return None;
        }
        // The evidence may still be where the tools wrote it.
        if let Ok(rel_local) = Path::new(&path).strip_prefix(&self.root) {
            if let Some(rel) = RelPath::from_local(&self.root, &self.root.join(rel_local)) {
                return Some(Located { rel, rerooted_from: None });
            }
        }
        // A known anchor: the longest recorded prefix that maps onto the root.
        {
            let anchors = self.anchors.lock().expect("anchor lock");
            for (prefix, at) in anchors.iter().rev() {
                if let Some(rest) = path.strip_prefix(prefix.as_str()) {
                    if rest.is_empty() || rest.starts_with('/') {
                        let rel = at.join(rest.trim_start_matches('/')).ok()?;
                        return Some(Located { rel, rerooted_from: Some(prefix.clone()) });
                    }
                }
            }
        }
        // Find the longest tail of the path that exists under the root (at least two
        // components, so that a bare file name never anchors by chance).
        for start in 0..parts.len().saturating_sub(1) {
            let tail = parts[start..].join("/");
            let candidate = RelPath::new(&tail).ok()?;
            if candidate.to_local(&self.root).exists() {
                let prefix = format!("/{}", parts[..start].join("/"));
                let prefix = if prefix == "/" { String::from("") } else { prefix };
                self.anchors.lock().expect("anchor lock").insert(prefix.clone(), RelPath::root());
                return Some(Located {
                    rel: candidate,
                    rerooted_from: Some(if prefix.is_empty() { "/".into() } else { prefix }),
                });
            }
        }
        None
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_regular_refuses_links_fifos_and_devices_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log.jsonl");
        std::fs::write(&file, b"{}\n").unwrap();
        assert!(open_regular(&file).is_ok());
        let link = dir.path().join("zero.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(open_regular(&link).unwrap_err().to_string().contains("symbolic link"));
        let fifo = dir.path().join("fifo.jsonl");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(open_regular(&fifo).unwrap_err().to_string().contains("FIFO"), "a FIFO is refused, not waited on");
        assert!(open_regular(Path::new("/dev/zero")).unwrap_err().to_string().contains("device"));
        assert!(open_regular(dir.path()).unwrap_err().to_string().contains("folder"));
    }

    #[test]
    fn relpath_rejects_escapes_and_absolute() {
        assert_eq!(RelPath::new("./a//b/").unwrap().as_str(), "a/b");
        assert!(matches!(RelPath::new("../x"), Err(PathError::Escapes(_))));
        assert!(matches!(RelPath::new("a/../../x"), Err(PathError::Escapes(_))));
        assert_eq!(RelPath::new("a/b").unwrap().join("../c").unwrap().as_str(), "a/c");
        assert!(matches!(RelPath::new("/etc/passwd"), Err(PathError::Absolute(_))));
        assert!(matches!(RelPath::new("C:/x"), Err(PathError::Absolute(_))));
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(file_uri_to_path("file:///srv/a%20b/c").as_deref(), Some("/srv/a b/c"));
        assert_eq!(file_uri_to_path("file:/srv/x").as_deref(), Some("/srv/x"));
        assert_eq!(file_uri_to_path("/srv/x").as_deref(), Some("/srv/x"));
        assert_eq!(file_uri_to_path("s3://bucket/x"), None);
        assert_eq!(file_uri_to_path("mlflow-artifacts:/1/abc"), None);
        assert_eq!(file_uri_to_path("./mlruns").as_deref(), Some("./mlruns"));
    }

    #[test]
    fn rerooter_anchors_on_the_longest_existing_tail() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("mlflow/artifacts/1")).unwrap();
        let r = Rerooter::new(dir.path());
        let found = r.locate("file:///srv/ml/mlflow/artifacts/1", &RelPath::root()).unwrap();
        assert_eq!(found.rel.as_str(), "mlflow/artifacts/1");
        assert_eq!(found.rerooted_from.as_deref(), Some("/srv/ml"));
        // A missing file under the same recorded prefix maps through the anchor.
        let gone = r.locate("/srv/ml/project/data/x.csv", &RelPath::root()).unwrap();
        assert_eq!(gone.rel.as_str(), "project/data/x.csv");
        assert!(r.locate("/elsewhere/x", &RelPath::root()).is_none());
    }
}
