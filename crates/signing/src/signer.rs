//! The investigator's own signing key: creating it, reading it, signing with it.
//!
//! Custody signs what it reports with an Ed25519 key the investigator owns. The private key
//! is written as PKCS#8 PEM with file mode 0600 and never leaves the file it was written to;
//! the public key is written beside it (`FILE.pub`, SubjectPublicKeyInfo PEM) for whoever
//! must check the investigator's reports.

use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signer as _, SigningKey};

use super::keys::{KeyError, PublicKey};

/// An investigator's signing key.
pub struct InvestigatorKey {
    key: SigningKey,
}

#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
}

impl InvestigatorKey {
    /// Creates a new key at `path` (refusing to overwrite) and its public key at `path.pub`.
    pub fn create(path: &Path) -> Result<InvestigatorKey, SignerError> {
        let err = |p: &Path, problem: String| SignerError::File { path: p.display().to_string(), problem };
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).map_err(|e| err(path, format!("cannot encode the key: {e}")))?;
        let public_path = public_path_of(path);
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(err(p, "already exists; Custody never overwrites a key".into()));
            }
        }
        write_private(path, pem.as_bytes()).map_err(|e| err(path, format!("cannot write the key: {e}")))?;
        let ik = InvestigatorKey { key };
        std::fs::write(&public_path, ik.public().to_pem()).map_err(|e| err(&public_path, format!("cannot write the public key: {e}")))?;
        Ok(ik)
    }

    /// Reads a PKCS#8 PEM Ed25519 private key.
    pub fn read(path: &Path) -> Result<InvestigatorKey, SignerError> {
        let text = std::fs::read_to_string(path).map_err(|e| SignerError::File { path: path.display().to_string(), problem: format!("cannot read the key: {e}") })?;
        let key = SigningKey::from_pkcs8_pem(&text).map_err(|e| SignerError::File { path: path.display().to_string(), problem: format!("not an unencrypted PKCS#8 Ed25519 private key: {e}") })?;
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
pub fn public_of_private_pem(text: &str) -> Result<PublicKey, KeyError> {
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
    Err(KeyError::Unsupported("a private key that is not an unencrypted PKCS#8 or SEC1 Ed25519, P-256 or P-384 key".into()))
}
