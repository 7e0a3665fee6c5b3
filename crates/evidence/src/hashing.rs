//! Streaming, parallel file hashing: the one place Custody reads evidence bytes for digests.
//!
//! Guarantees:
//! * constant memory per file (a 1 MiB buffer per worker), whatever the file size;
//! * every requested digest of a file is computed in a single read pass;
//! * files are hashed in parallel across the rayon pool, so verification is limited by disk
//!   and the CPU's hash speed rather than by this code;
//! * files are opened read-only and symbolic links are never followed;
//! * a byte range of a file (a shard of a model-signing manifest) is hashed the same way,
//!   streaming ([`sha256_range`]); the only whole-file read ([`read_capped`]), for a verifier
//!   that cannot take a stream, is capped and opens through [`crate::open_regular`].
//!
//! Besides plain MD5 and SHA-256 it implements DVC 2.x's legacy `md5-dos2unix` digest
//! (text files have CRLF folded to LF in each 1 MiB chunk before hashing), which DVC 3 still
//! uses for entries written without a `hash:` key.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use md5::Md5;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::progress::Progress;

/// DVC reads files in chunks of this size; the legacy dos2unix fold is applied per chunk.
const CHUNK: usize = 1024 * 1024;

/// Which digests to compute for one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Algorithms {
    pub sha256: bool,
    pub md5: bool,
    pub md5_dos2unix: bool,
}

impl Algorithms {
    pub const SHA256: Algorithms = Algorithms { sha256: true, md5: false, md5_dos2unix: false };
    pub const MD5: Algorithms = Algorithms { sha256: false, md5: true, md5_dos2unix: false };
    pub const MD5_DOS2UNIX: Algorithms =
        Algorithms { sha256: false, md5: false, md5_dos2unix: true };

    /// Both sets together.
    pub fn union(self, other: Algorithms) -> Algorithms {
        Algorithms {
            sha256: self.sha256 || other.sha256,
            md5: self.md5 || other.md5,
            md5_dos2unix: self.md5_dos2unix || other.md5_dos2unix,
        }
    }

    /// The algorithms in `self` that `have` does not already provide.
    pub fn missing_from(self, have: &Digests) -> Algorithms {
        Algorithms {
            sha256: self.sha256 && have.sha256.is_none(),
            md5: self.md5 && have.md5.is_none(),
            md5_dos2unix: self.md5_dos2unix && have.md5_dos2unix.is_none(),
        }
    }

    pub fn is_empty(self) -> bool {
        !(self.sha256 || self.md5 || self.md5_dos2unix)
    }
}

/// The digests of one file, as lowercase hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Digests {
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5_dos2unix: Option<String>,
}

impl Digests {
    /// Adds the digests of `other` that `self` lacks (both must describe the same bytes).
    pub fn merge(&mut self, other: Digests) {
        self.size = other.size;
        self.sha256 = self.sha256.take().or(other.sha256);
        self.md5 = self.md5.take().or(other.md5);
        self.md5_dos2unix = self.md5_dos2unix.take().or(other.md5_dos2unix);
    }
}

/// Why a file could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: is a symbolic link; Custody does not follow links in evidence")]
    Symlink { path: PathBuf },
    #[error("{path}: is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("hashing was cancelled")]
    Cancelled,
}

impl HashError {
    /// Whether the file is simply absent (as opposed to unreadable).
    pub fn is_not_found(&self) -> bool {
        matches!(self, HashError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// Hashes one file, streaming, computing all requested digests in one pass.
pub fn hash_file(path: &Path, algorithms: Algorithms, progress: &dyn Progress) -> Result<Digests, HashError> {
    let io_err = |source| HashError::Io { path: path.to_path_buf(), source };
    let meta = std::fs::symlink_metadata(path).map_err(io_err)?;
    if meta.file_type().is_symlink() {
        return Err(HashError::Symlink { path: path.to_path_buf() });
    }
    if !meta.is_file() {
        return Err(HashError::NotAFile { path: path.to_path_buf() });
    }
    let mut file = File::open(path).map_err(io_err)?;
    let mut sha256 = algorithms.sha256.then(Sha256::new);
    let mut md5 = algorithms.md5.then(Md5::new);
    let mut dos2unix = algorithms.md5_dos2unix.then(Md5::new);
    let mut is_text: Option<bool> = None;
    let mut buf = vec![0u8; CHUNK];
    let mut folded = Vec::new();
    let mut size = 0u64;
    loop {
        if progress.is_cancelled() {
            return Err(HashError::Cancelled);
        }
        let n = read_full(&mut file, &mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        size += n as u64;
        if let Some(h) = sha256.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = md5.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = dos2unix.as_mut() {
            // DVC 2.x decides text or binary once, from the first 512 bytes of the file.
            let text = *is_text.get_or_insert_with(|| is_text_block(&chunk[..chunk.len().min(512)]));
            if text {
                fold_crlf(chunk, &mut folded);
                h.update(&folded);
            } else {
                h.update(chunk);
            }
        }
        progress.advance(n as u64);
        if n < CHUNK {
            break;
        }
    }
    Ok(Digests {
        size,
        sha256: sha256.map(|h| hex::encode(h.finalize())),
        md5: md5.map(|h| hex::encode(h.finalize())),
        md5_dos2unix: dos2unix.map(|h| hex::encode(h.finalize())),
    })
}

/// Hashes many files in parallel. Results come back in the order of `jobs`.
pub fn hash_files(
    jobs: &[(PathBuf, Algorithms)],
    progress: &dyn Progress,
) -> Vec<Result<Digests, HashError>> {
    jobs.par_iter()
        .with_max_len(1)
        .map(|(path, algorithms)| hash_file(path, *algorithms, progress))
        .collect()
}

/// MD5 of a byte slice as hex (for small in-memory objects such as git blobs).
pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// SHA-256 of a byte slice as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// DVC 2.x's legacy digest of an in-memory byte string (same rules as for files).
pub fn md5_dos2unix_hex(bytes: &[u8]) -> String {
    let mut h = Md5::new();
    let text = is_text_block(&bytes[..bytes.len().min(512)]);
    let mut folded = Vec::new();
    for chunk in bytes.chunks(CHUNK) {
        if text {
            fold_crlf(chunk, &mut folded);
            h.update(&folded);
        } else {
            h.update(chunk);
        }
    }
    hex::encode(h.finalize())
}

/// SHA-256 of a byte slice, as raw bytes (for a verifier that takes a digest).
pub fn sha256_digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The SHA-256 (hex) of the bytes `[start, end)` of a file: one shard of a sharded
/// model-signing manifest. Streams in 1 MiB reads (constant memory whatever the shard's
/// size); the file is opened through [`crate::open_regular`], so a link is not followed. A
/// file that ends before `end` is an error, as is `start > end`.
pub fn sha256_range(path: &Path, start: u64, end: u64) -> io::Result<String> {
    if start > end {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("the range {start}..{end} ends before it starts")));
    }
    let mut file = crate::open_regular(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut h = Sha256::new();
    let mut left = end - start;
    let mut buf = vec![0u8; CHUNK];
    while left > 0 {
        let want = left.min(CHUNK as u64) as usize;
        let n = match file.read(&mut buf[..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file is shorter than the shard"));
        }
        h.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(hex::encode(h.finalize()))
}

/// The most bytes of one evidence file Custody holds in memory at once (1 GiB): for a
/// verifier that needs a whole file's bytes and cannot take them as a stream (an Ed25519
/// signature over an artifact, which hashes the message twice).
pub const WHOLE_FILE_CAP: u64 = 1 << 30;

/// Why [`read_capped`] returned no bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be opened or read (its message is the system's, unchanged).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The file is larger than the cap the caller set.
    #[error("{size} bytes, more than the {cap} bytes Custody reads into memory at once")]
    TooLarge { size: u64, cap: u64 },
}

/// Reads a whole evidence file into memory, for the few verifiers that need every byte at
/// once (a signature scheme without a streaming interface). The file is opened through
/// [`crate::open_regular`] (no link followed, no FIFO or device waited on) and never more
/// than `cap` bytes are read: a larger file is [`ReadError::TooLarge`], also when it grows
/// while being read. A digest never needs this: [`hash_file`] streams.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = crate::open_regular(path)?;
    let size = file.metadata()?.len();
    if size > cap {
        return Err(ReadError::TooLarge { size, cap });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, cap });
    }
    Ok(bytes)
}

/// Reads until `buf` is full or the file ends, as Python's `file.read(n)` does.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// dvc_data's `istextblock`: no NUL byte and at most 30% of bytes outside printable ASCII
/// plus `\n\r\t\f\b`. An empty block is text.
fn is_text_block(block: &[u8]) -> bool {
    if block.is_empty() {
        return true;
    }
    if block.contains(&0) {
        return false;
    }
    let nontext = block
        .iter()
        .filter(|&&b| !((32..127).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x08)))
        .count();
    (nontext as f64) / (block.len() as f64) <= 0.30
}

/// Replaces every `\r\n` in `chunk` with `\n` (a pair split across chunks is left alone, as
/// DVC 2.x did).
fn fold_crlf(chunk: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(chunk.len());
    let mut i = 0;
    while i < chunk.len() {
        if chunk[i] == b'\r' && i + 1 < chunk.len() && chunk[i + 1] == b'\n' {
            out.push(b'\n');
            i += 2;
        } else {
            out.push(chunk[i]);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos2unix_folds_crlf_only_in_text() {
        // DVC 3 (plain md5) of b"a,b\r\n1,2\r\n" is recorded in the DVC sample
        // (fixtures/samples/formats/dvc/crlf.csv.dvc, made by DVC 3.67.1) as
        // b202f333fba4fd38d4b8e5e693077aab; the legacy digest must equal md5 of the LF form.
        assert_eq!(md5_hex(b"a,b\r\n1,2\r\n"), "b202f333fba4fd38d4b8e5e693077aab");
        assert_eq!(md5_dos2unix_hex(b"a,b\r\n1,2\r\n"), md5_hex(b"a,b\n1,2\n"));
        let binary = b"\x00\x01\r\n";
        assert_eq!(md5_dos2unix_hex(binary), md5_hex(binary));
    }

    #[test]
    fn a_range_is_hashed_streaming_and_a_short_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("model.bin");
        let bytes: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        std::fs::write(&file, &bytes).unwrap();
        let (start, end) = (5u64, (2 * CHUNK + 9) as u64);
        assert_eq!(sha256_range(&file, start, end).unwrap(), sha256_hex(&bytes[start as usize..end as usize]));
        assert_eq!(sha256_range(&file, 0, bytes.len() as u64).unwrap(), sha256_hex(&bytes));
        assert_eq!(sha256_range(&file, 7, 7).unwrap(), sha256_hex(b""));
        let short = sha256_range(&file, 0, bytes.len() as u64 + 1).unwrap_err();
        assert_eq!(short.to_string(), "the file is shorter than the shard");
        assert!(sha256_range(&file, 9, 8).is_err());
        let link = dir.path().join("link.bin");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(sha256_range(&link, 0, 1).unwrap_err().to_string().contains("symbolic link"));
        assert!(sha256_range(&dir.path().join("gone.bin"), 0, 1).unwrap_err().kind() == io::ErrorKind::NotFound);
    }

    #[test]
    fn a_whole_read_is_capped_and_follows_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("artifact.bin");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read_capped(&file, 10).unwrap(), b"0123456789");
        let err = read_capped(&file, 9).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { size: 10, cap: 9 }), "{err}");
        assert_eq!(err.to_string(), "10 bytes, more than the 9 bytes Custody reads into memory at once");
        let link = dir.path().join("link.bin");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(read_capped(&link, 100).unwrap_err().to_string().contains("symbolic link"));
        // a missing file keeps the system's message, as a plain read gave it
        let gone = read_capped(&dir.path().join("gone.bin"), 100).unwrap_err();
        assert_eq!(gone.to_string(), std::fs::read(dir.path().join("gone.bin")).unwrap_err().to_string());
        assert_eq!(sha256_digest(b"abc").to_vec(), hex::decode(sha256_hex(b"abc")).unwrap());
    }

    #[test]
    fn text_detection_follows_dvc_thresholds() {
        assert!(is_text_block(b""));
        assert!(!is_text_block(b"abc\x00"));
        // 3 of 10 non-text bytes is exactly 30%: still text; 4 of 10 is not.
        assert!(is_text_block(b"\xff\xff\xffabcdefg"));
        assert!(!is_text_block(b"\xff\xff\xff\xffabcdef"));
    }
}
