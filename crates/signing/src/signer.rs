//! The investigator's own signing key: creating it, reading it, signing with it.
//!
//! Custody signs what it reports with an Ed25519 key the investigator owns. The private key
//! is written as PKCS#8 PEM with file mode 0600 and never leaves the file it was written to;
//! the public key is written beside it (`FILE.pub`, SubjectPublicKeyInfo PEM) for whoever
//! must check the investigator's reports.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signer as _, SigningKey};

use super::keys::{PublicKey, PublicKeyError};

/// An investigator's signing key.
pub struct InvestigatorKey {
    key: SigningKey,
}

/// Why the investigator's key could not be created or read; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    /// The new key cannot be encoded as PKCS#8 PEM.
    #[error("{}: cannot encode the key: {source}", path.display())]
    Encode {
        path: PathBuf,
        #[source]
        source: ed25519_dalek::pkcs8::Error,
    },
    /// The key file, or its public key beside it, is already there.
    #[error("{}: already exists; Custody never overwrites a key", path.display())]
    Exists { path: PathBuf },
    /// The private key file cannot be written.
    #[error("{}: cannot write the key: {source}", path.display())]
    WriteKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The public key file cannot be written.
    #[error("{}: cannot write the public key: {source}", path.display())]
    WritePublicKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The key file cannot be read.
    #[error("{}: cannot read the key: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The key file is not an unencrypted PKCS#8 Ed25519 private key.
    #[error("{}: not an unencrypted PKCS#8 Ed25519 private key: {source}", path.display())]
    NotPkcs8Ed25519 {
        path: PathBuf,
        #[source]
        source: ed25519_dalek::pkcs8::Error,
    },
}

impl InvestigatorKey {
    /// Creates a new key at `path` (refusing to overwrite) and its public key at `path.pub`.
    pub fn create(path: &Path) -> Result<InvestigatorKey, SignerError> {
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).map_err(|source| SignerError::Encode { path: path.to_path_buf(), source })?;
        let public_path = public_path_of(path);
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(SignerError::Exists { path: p.to_path_buf() });
            }
        }
        write_private(path, pem.as_bytes()).map_err(|source| SignerError::WriteKey { path: path.to_path_buf(), source })?;
        let ik = InvestigatorKey { key };
        std::fs::write(&public_path, ik.public().to_pem()).map_err(|source| SignerError::WritePublicKey { path: public_path.clone(), source })?;
        Ok(ik)
    }

    /// Reads a PKCS#8 PEM Ed25519 private key.
    pub fn read(path: &Path) -> Result<InvestigatorKey, SignerError> {
        let text = std::fs::read_to_string(path).map_err(|source| SignerError::Read { path: path.to_path_buf(), source })?;
        let key = SigningKey::from_pkcs8_pem(&text).map_err(|source| SignerError::NotPkcs8Ed25519 { path: path.to_path_buf(), source })?;
        Ok(InvestigatorKey { key })
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::ed25519(&self.key.verifying_key().to_bytes()).expect("a generated key is valid")
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.key.sign(message).to_bytes().to_vec()
    }
}

/// `key.pem` → `key.pem.pub`.
pub fn public_path_of(path: &Path) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".pub");
    s.into()
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The public half of an unencrypted PKCS#8 private key (Ed25519, P-256 or P-384), for
/// `--trust` given a private key file by mistake or on purpose.
pub fn public_of_private_pem(text: &str) -> Result<PublicKey, PublicKeyError> {
    if let Ok(k) = SigningKey::from_pkcs8_pem(text) {
        return PublicKey::ed25519(&k.verifying_key().to_bytes());
    }
    if let Ok(k) = p256::SecretKey::from_pkcs8_pem(text) {
        return PublicKey::ecdsa_sec1(super::keys::KeyAlgorithm::EcdsaP256, k.public_key().to_sec1_bytes().as_ref());
    }
    if let Ok(k) = p384::SecretKey::from_pkcs8_pem(text) {
        return PublicKey::ecdsa_sec1(super::keys::KeyAlgorithm::EcdsaP384, k.public_key().to_sec1_bytes().as_ref());
    }
    // SEC1 `EC PRIVATE KEY`, as `openssl ecparam -genkey` writes it
    if let Ok(k) = p256::SecretKey::from_sec1_pem(text) {
        return PublicKey::ecdsa_sec1(super::keys::KeyAlgorithm::EcdsaP256, k.public_key().to_sec1_bytes().as_ref());
    }
    if let Ok(k) = p384::SecretKey::from_sec1_pem(text) {
        return PublicKey::ecdsa_sec1(super::keys::KeyAlgorithm::EcdsaP384, k.public_key().to_sec1_bytes().as_ref());
    }
    Err(PublicKeyError::UnsupportedPrivateKey)
}

#[cfg(test)]
mod tests {
    use super::{InvestigatorKey, SignerError};
    use std::error::Error as _;

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct Scratch(std::path::PathBuf);
    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("custody-signer-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Each way the investigator's key cannot be created or read has its variant, names the
    /// file, carries its cause, and keeps the message it had when the problem was a string.
    #[test]
    fn key_file_errors_name_the_file_and_what_went_wrong() {
        let dir = Scratch::new("errors");
        let key = dir.0.join("key.pem");

        let e = InvestigatorKey::read(&key).err().unwrap();
        let SignerError::Read { path, source } = &e else { panic!("{e:?}") };
        assert_eq!((path, source.kind()), (&key, std::io::ErrorKind::NotFound));
        assert_eq!(e.to_string(), format!("{}: cannot read the key: {source}", key.display()));
        assert!(e.source().is_some_and(|c| c.is::<std::io::Error>()));

        std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap();
        let e = InvestigatorKey::read(&key).err().unwrap();
        let SignerError::NotPkcs8Ed25519 { path, source } = &e else { panic!("{e:?}") };
        assert_eq!(path, &key);
        assert_eq!(e.to_string(), format!("{}: not an unencrypted PKCS#8 Ed25519 private key: {source}", key.display()));
        assert!(e.source().is_some_and(|c| c.is::<ed25519_dalek::pkcs8::Error>()));

        let e = InvestigatorKey::create(&key).err().unwrap();
        assert!(matches!(&e, SignerError::Exists { path } if path == &key), "{e:?}");
        assert_eq!(e.to_string(), format!("{}: already exists; Custody never overwrites a key", key.display()));

        let missing = dir.0.join("no such folder").join("key.pem");
        let e = InvestigatorKey::create(&missing).err().unwrap();
        let SignerError::WriteKey { path, source } = &e else { panic!("{e:?}") };
        assert_eq!((path, source.kind()), (&missing, std::io::ErrorKind::NotFound));
        assert_eq!(e.to_string(), format!("{}: cannot write the key: {source}", missing.display()));
        assert!(e.source().is_some_and(|c| c.is::<std::io::Error>()));
    }

    /// The public key beside a new key cannot be written: `key.pem.pub` is a link into a
    /// folder that does not exist (not there to `exists()`, not writable either).
    #[cfg(unix)]
    #[test]
    fn an_unwritable_public_key_is_named() {
        let dir = Scratch::new("public");
        let key = dir.0.join("key.pem");
        let public = super::public_path_of(&key);
        std::os::unix::fs::symlink(dir.0.join("no such folder").join("x"), &public).unwrap();
        let e = InvestigatorKey::create(&key).err().unwrap();
        let SignerError::WritePublicKey { path, source } = &e else { panic!("{e:?}") };
        assert_eq!((path, source.kind()), (&public, std::io::ErrorKind::NotFound));
        assert_eq!(e.to_string(), format!("{}: cannot write the public key: {source}", public.display()));
        assert!(key.exists(), "the private key was written first");
    }

    #[test]
    fn a_created_key_reads_back() {
        let dir = Scratch::new("roundtrip");
        let key = dir.0.join("key.pem");
        let created = InvestigatorKey::create(&key).unwrap();
        let read = InvestigatorKey::read(&key).unwrap();
        assert_eq!(created.public(), read.public());
        assert_eq!(std::fs::read_to_string(super::public_path_of(&key)).unwrap(), read.public().to_pem());
    }
}
