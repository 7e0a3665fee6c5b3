//! Public keys: parsing the formats investigators hold them in, the identifiers each tool
//! derives from a key, and raw signature verification.
//!
//! Why: every signature format names its key differently (a securesystemslib key id, a
//! model-signing hint, a cosign hint, an SSH fingerprint, or the key itself embedded in the
//! signature). One key type that knows all its identifiers lets the verifier pick candidate
//! keys by whatever the signature says, and then decide by the cryptography alone.
//!
//! Guarantees: a key parses only if it is a well-formed Ed25519, ECDSA P-256 or P-384 public
//! key; `verify` never accepts a signature of the wrong length or encoding; an identifier is
//! only ever used to choose candidates, never to grant trust.

use std::fmt;

use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use sha2::{Digest, Sha256};

use super::b64;

/// The signature algorithm a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    Ed25519,
    EcdsaP256,
    EcdsaP384,
}

impl KeyAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
            KeyAlgorithm::EcdsaP384 => "ECDSA P-384",
        }
    }
}

#[derive(Clone)]
enum Material {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// A public key, with every identifier the signing tools derive from it.
#[derive(Clone)]
pub struct PublicKey {
    material: Material,
    /// DER SubjectPublicKeyInfo.
    spki_der: Vec<u8>,
    /// The PEM text exactly as it was read, when the key came from a PEM file (model-signing
    /// hashes the file's text for its hint).
    pem_as_read: Option<String>,
}

/// Why bytes are not a public key Custody can use: malformed key material, or a key type
/// Custody does not verify. The messages are the ones Custody's answers carry.
#[derive(Debug, thiserror::Error)]
pub enum PublicKeyError {
    /// Raw Ed25519 key bytes of another length than 32.
    #[error("malformed key: an Ed25519 key has 32 bytes, not {len}")]
    Ed25519Length { len: usize },
    /// 32 bytes that are not an Ed25519 point.
    #[error("malformed key: Ed25519 key: {0}")]
    Ed25519(#[source] ed25519_dalek::SignatureError),
    /// A SEC1 encoding that is not a point of `curve` (`P-256` or `P-384`).
    #[error("malformed key: {curve} point: {source}")]
    EcPoint {
        curve: &'static str,
        #[source]
        source: p256::ecdsa::Error,
    },
    /// DER that is no Ed25519, P-256 or P-384 SubjectPublicKeyInfo (RSA, P-521, or not DER).
    #[error("not a public key Custody can use (a SubjectPublicKeyInfo that is not Ed25519, P-256 or P-384 (RSA and P-521 keys are not supported))")]
    UnsupportedSpki,
    /// Text without a readable `-----BEGIN PUBLIC KEY-----` block.
    #[error("malformed key: no -----BEGIN PUBLIC KEY----- block")]
    NoPemBlock,
    /// An SSH key of a type other than Ed25519, ECDSA P-256 or P-384 (RSA, DSA, security keys …).
    #[error("not a public key Custody can use (SSH key type {algorithm})")]
    UnsupportedSshKey { algorithm: ssh_key::Algorithm },
    /// The key cannot be written as an SSH key.
    #[error("malformed key: {0}")]
    SshEncoding(#[source] ssh_key::Error),
    /// A private key that is not an unencrypted PKCS#8 or SEC1 Ed25519, P-256 or P-384 key.
    #[error("not a public key Custody can use (a private key that is not an unencrypted PKCS#8 or SEC1 Ed25519, P-256 or P-384 key)")]
    UnsupportedPrivateKey,
}

/// Why a key file, a trust file or a trusted identity could not be read. The messages are
/// the ones Custody's answers carry.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key in the file is not one Custody can use (its message as is).
    #[error("{0}")]
    Key(#[from] PublicKeyError),
    /// An OpenPGP public key block that cannot be read.
    #[error("malformed key: {0}")]
    OpenPgp(#[source] super::openpgp::OpenPgpError),
    /// An OpenPGP public key block none of whose keys Custody can use: (key id, why) for each.
    #[error("not a public key Custody can use (an OpenPGP key with no usable key ({}))", key_problems(.problems))]
    NoUsableOpenPgpKey { problems: Vec<(String, super::openpgp::OpenPgpError)> },
    /// A key file that begins with `{` but is not JSON.
    #[error("malformed key: key JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// JSON without a securesystemslib / in-toto key in it.
    #[error("malformed key: JSON without keytype/scheme/keyval")]
    JsonWithoutKey,
    /// An in-toto `ed25519` key whose `keyval.public` is not hex.
    #[error("malformed key: ed25519 keyval.public is not hex: {0}")]
    IntotoKeyNotHex(#[source] hex::FromHexError),
    /// An in-toto key of a type other than `ed25519` and `ecdsa`.
    #[error("not a public key Custody can use (in-toto keytype {keytype})")]
    UnsupportedIntotoKeytype { keytype: String },
    /// An encrypted private key, or one in a format other than PKCS#8 and SEC1.
    #[error("not a public key Custody can use (an encrypted or non-PKCS#8 private key; give the public key instead)")]
    EncryptedPrivateKey,
    /// A line of an allowed-signers file (numbered from 1) that cannot be read.
    #[error("malformed key: line {line}: {source}")]
    AllowedSigners {
        line: usize,
        #[source]
        source: AllowedSignerError,
    },
    /// Text with no key of any format Custody reads.
    #[error("not a public key Custody can use (no PEM, OpenSSH, allowed-signers or in-toto key found)")]
    NoKey,
    /// A Sigstore trusted root that cannot be read.
    #[error("malformed key: {0}")]
    TrustedRoot(#[source] super::keyless::KeylessError),
    /// A trusted-identity record without its `identity`.
    #[error("malformed key: a trusted identity without `identity`")]
    IdentityRecordWithoutIdentity,
    /// `--trust-identity` with nothing before the comma.
    #[error("malformed key: an empty identity")]
    EmptyIdentity,
}

/// `key id: why; key id: why`.
fn key_problems(problems: &[(String, super::openpgp::OpenPgpError)]) -> String {
    problems.iter().map(|(id, e)| format!("{id}: {e}")).collect::<Vec<_>>().join("; ")
}

/// Why a line of an SSH allowed-signers file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AllowedSignerError {
    /// No field is a key type (`ssh-…`, `ecdsa-sha2-…`, `sk-…`).
    #[error("no key type (ssh-ed25519, ecdsa-sha2-nistp256 …)")]
    NoKeyType,
    /// The key type is the first field: no principals before it.
    #[error("expected `principals [options] keytype key`")]
    NoPrincipals,
    /// The key type is the last field: no key after it.
    #[error("expected `principals [options] keytype key`")]
    NoKeyAfterType,
    /// A `cert-authority` entry, which trusts SSH certificates Custody does not read.
    #[error("cert-authority entries (SSH certificates) are not supported")]
    CertAuthority,
    /// The key type and key do not make an OpenSSH public key.
    #[error("SSH key: {0}")]
    SshKey(#[source] ssh_key::Error),
    /// An SSH key Custody cannot use (its message as is).
    #[error("{0}")]
    Key(#[source] PublicKeyError),
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.spki_der == other.spki_der
    }
}
impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {})", self.algorithm().name(), &self.fingerprint()[..16])
    }
}

impl PublicKey {
    fn from_material(material: Material) -> PublicKey {
        let spki_der = match &material {
            Material::Ed25519(k) => k.to_public_key_der().map(|d| d.as_bytes().to_vec()).unwrap_or_default(),
            Material::P256(k) => p256::PublicKey::from(k).to_public_key_der().map(|d| d.as_bytes().to_vec()).unwrap_or_default(),
            Material::P384(k) => p384::PublicKey::from(k).to_public_key_der().map(|d| d.as_bytes().to_vec()).unwrap_or_default(),
        };
        PublicKey { material, spki_der, pem_as_read: None }
    }

    /// An Ed25519 key from its 32 raw bytes.
    pub fn ed25519(raw: &[u8]) -> Result<PublicKey, PublicKeyError> {
        let bytes: [u8; 32] = raw.try_into().map_err(|_| PublicKeyError::Ed25519Length { len: raw.len() })?;
        let k = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(PublicKeyError::Ed25519)?;
        Ok(PublicKey::from_material(Material::Ed25519(k)))
    }

    /// An ECDSA key from its SEC1 point encoding, on the curve given.
    pub fn ecdsa_sec1(algorithm: KeyAlgorithm, sec1: &[u8]) -> Result<PublicKey, PublicKeyError> {
        let material = match algorithm {
            KeyAlgorithm::EcdsaP256 => Material::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|source| PublicKeyError::EcPoint { curve: "P-256", source })?),
            KeyAlgorithm::EcdsaP384 => Material::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|source| PublicKeyError::EcPoint { curve: "P-384", source })?),
            KeyAlgorithm::Ed25519 => return PublicKey::ed25519(sec1),
        };
        Ok(PublicKey::from_material(material))
    }

    /// A key from DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, PublicKeyError> {
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::from_material(Material::Ed25519(k)));
        }
        if let Ok(k) = p256::PublicKey::from_public_key_der(der) {
            return Ok(PublicKey::from_material(Material::P256(k.into())));
        }
        if let Ok(k) = p384::PublicKey::from_public_key_der(der) {
            return Ok(PublicKey::from_material(Material::P384(k.into())));
        }
        Err(PublicKeyError::UnsupportedSpki)
    }

    /// A key from a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo). The text is kept as read,
    /// since model-signing's key hint is the SHA-256 of the PEM file's text.
    pub fn from_pem(text: &str) -> Result<PublicKey, PublicKeyError> {
        let der = pem_block(text, "PUBLIC KEY").ok_or(PublicKeyError::NoPemBlock)?;
        let mut key = PublicKey::from_spki_der(&der)?;
        key.pem_as_read = Some(text.to_string());
        Ok(key)
    }

    /// A key from an OpenSSH public key (`ssh-ed25519 AAAA… comment`).
    pub fn from_ssh(key: &ssh_key::public::KeyData) -> Result<PublicKey, PublicKeyError> {
        use ssh_key::public::{EcdsaPublicKey, KeyData};
        match key {
            KeyData::Ed25519(k) => PublicKey::ed25519(&k.0),
            KeyData::Ecdsa(EcdsaPublicKey::NistP256(p)) => PublicKey::ecdsa_sec1(KeyAlgorithm::EcdsaP256, p.as_bytes()),
            KeyData::Ecdsa(EcdsaPublicKey::NistP384(p)) => PublicKey::ecdsa_sec1(KeyAlgorithm::EcdsaP384, p.as_bytes()),
            other => Err(PublicKeyError::UnsupportedSshKey { algorithm: other.algorithm() }),
        }
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.material {
            Material::Ed25519(_) => KeyAlgorithm::Ed25519,
            Material::P256(_) => KeyAlgorithm::EcdsaP256,
            Material::P384(_) => KeyAlgorithm::EcdsaP384,
        }
    }

    /// Custody's own identifier of a key: hex SHA-256 of its DER SubjectPublicKeyInfo (the
    /// same key read from PEM, SSH or in-toto JSON has the same fingerprint).
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(&self.spki_der))
    }

    /// The key as a PEM SubjectPublicKeyInfo, LF line endings, as OpenSSL and `cryptography`
    /// write it.
    pub fn to_pem(&self) -> String {
        let body = b64::encode_std(&self.spki_der);
        let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
        for chunk in body.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str("-----END PUBLIC KEY-----\n");
        out
    }

    /// The securesystemslib / in-toto key id: SHA-256 of the canonical JSON of
    /// `{keytype, scheme, keyval: {public}}`.
    pub fn securesystemslib_keyid(&self) -> String {
        let (keytype, scheme, public) = match &self.material {
            Material::Ed25519(k) => ("ed25519", "ed25519", hex::encode(k.to_bytes())),
            Material::P256(_) => ("ecdsa", "ecdsa-sha2-nistp256", self.to_pem()),
            Material::P384(_) => ("ecdsa", "ecdsa-sha2-nistp384", self.to_pem()),
        };
        securesystemslib_keyid(keytype, scheme, &public)
    }

    /// Every identifier a signature may use to name this key.
    pub fn identifiers(&self) -> Vec<String> {
        let mut ids = vec![self.fingerprint(), self.securesystemslib_keyid(), hex::encode(Sha256::digest(self.to_pem().as_bytes())), b64::encode_std(&Sha256::digest(&self.spki_der))];
        if let Some(pem) = &self.pem_as_read {
            ids.push(hex::encode(Sha256::digest(pem.as_bytes())));
        }
        if let Material::P256(_) | Material::P384(_) = self.material {
            // the legacy securesystemslib keytype equal to the scheme
            let scheme = if self.algorithm() == KeyAlgorithm::EcdsaP256 { "ecdsa-sha2-nistp256" } else { "ecdsa-sha2-nistp384" };
            ids.push(securesystemslib_keyid(scheme, scheme, &self.to_pem()));
        }
        if let Ok(ssh) = self.to_ssh() {
            ids.push(ssh.fingerprint(ssh_key::HashAlg::Sha256).to_string());
        }
        ids
    }

    /// Whether `id` names this key under any tool's convention.
    pub fn is_named_by(&self, id: &str) -> bool {
        let id = id.trim();
        !id.is_empty() && self.identifiers().iter().any(|k| k.eq_ignore_ascii_case(id))
    }

    /// The key as an SSH public key, for SSH signature checks.
    pub fn to_ssh(&self) -> Result<ssh_key::PublicKey, PublicKeyError> {
        use ssh_key::public::{EcdsaPublicKey, Ed25519PublicKey, KeyData};
        let data = match &self.material {
            Material::Ed25519(k) => KeyData::Ed25519(Ed25519PublicKey(k.to_bytes())),
            Material::P256(k) => KeyData::Ecdsa(EcdsaPublicKey::from_sec1_bytes(k.to_encoded_point(false).as_bytes()).map_err(PublicKeyError::SshEncoding)?),
            Material::P384(k) => KeyData::Ecdsa(EcdsaPublicKey::from_sec1_bytes(k.to_encoded_point(false).as_bytes()).map_err(PublicKeyError::SshEncoding)?),
        };
        Ok(ssh_key::PublicKey::new(data, ""))
    }

    /// Checks `signature` over `message`. Ed25519: 64 raw bytes (PureEdDSA). ECDSA: ASN.1 DER
    /// or fixed-size r||s, with the curve's hash (SHA-256 for P-256, SHA-384 for P-384).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::Verifier;
        match &self.material {
            Material::Ed25519(k) => {
                let Ok(bytes) = <[u8; 64]>::try_from(signature) else { return false };
                k.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&bytes)).is_ok()
            }
            Material::P256(k) => {
                let sig = p256::ecdsa::Signature::from_der(signature).or_else(|_| p256::ecdsa::Signature::from_slice(signature));
                sig.is_ok_and(|s| k.verify(message, &s).is_ok() || s.normalize_s().is_some_and(|n| k.verify(message, &n).is_ok()))
            }
            Material::P384(k) => {
                let sig = p384::ecdsa::Signature::from_der(signature).or_else(|_| p384::ecdsa::Signature::from_slice(signature));
                sig.is_ok_and(|s| k.verify(message, &s).is_ok() || s.normalize_s().is_some_and(|n| k.verify(message, &n).is_ok()))
            }
        }
    }

    /// Checks a fixed-size (r||s) ECDSA signature over a digest computed elsewhere (OpenPGP).
    pub fn verify_prehash_raw(&self, prehash: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        match &self.material {
            Material::Ed25519(_) => false,
            Material::P256(k) => p256::ecdsa::Signature::from_slice(signature).is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
            Material::P384(k) => p384::ecdsa::Signature::from_slice(signature).is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
        }
    }

    /// Checks an ECDSA signature made over a digest computed elsewhere (`prehash`), used where
    /// the signed message is a hash (RFC 3161, X.509 with a different digest).
    pub fn verify_prehash(&self, prehash: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        match &self.material {
            Material::Ed25519(_) => false,
            Material::P256(k) => p256::ecdsa::Signature::from_der(signature).is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
            Material::P384(k) => p384::ecdsa::Signature::from_der(signature).is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
        }
    }
}

/// securesystemslib's key id: hex SHA-256 of the OLPC canonical JSON of the key dict.
pub fn securesystemslib_keyid(keytype: &str, scheme: &str, public: &str) -> String {
    let canonical = format!(
        "{{\"keytype\":{},\"keyval\":{{\"public\":{}}},\"scheme\":{}}}",
        canonical_json_string(keytype),
        canonical_json_string(public),
        canonical_json_string(scheme)
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// A string in OLPC canonical JSON: only `"` and `\` are escaped, everything else is raw.
pub fn canonical_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The DER bytes of the first PEM block labelled `label` in `text`.
pub fn pem_block(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let body: String = text[start..stop].lines().filter(|l| !l.contains(':')).collect::<Vec<_>>().concat();
    b64::decode(body.trim()).ok()
}

/// Every PEM block labelled `label` in `text`, in order.
pub fn pem_blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&begin) {
        let block = &rest[i..];
        if let Some(der) = pem_block(block, label) {
            out.push(der);
        }
        rest = &block[begin.len()..];
    }
    out
}

/// Where a key in the key ring came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum KeyOrigin {
    /// Supplied by the investigator (`--trust FILE`): the only source of trust.
    Supplied { file: String },
    /// Found in the evidence: listed, never trusted.
    Evidence { file: String },
    /// Carried inside the signature itself (SSH signatures, certificates): never trusted.
    Embedded { file: String },
}

impl KeyOrigin {
    pub fn is_trusted(&self) -> bool {
        matches!(self, KeyOrigin::Supplied { .. })
    }
    pub fn file(&self) -> &str {
        match self {
            KeyOrigin::Supplied { file } | KeyOrigin::Evidence { file } | KeyOrigin::Embedded { file } => file,
        }
    }
    pub fn describe(&self) -> String {
        match self {
            KeyOrigin::Supplied { file } => format!("trusted: supplied by the investigator ({file})"),
            KeyOrigin::Evidence { file } => format!("not trusted: found in the evidence ({file})"),
            KeyOrigin::Embedded { file } => format!("not trusted: carried inside the signature ({file})"),
        }
    }
}

/// A key with its origin and the identities it is bound to (SSH allowed-signers principals,
/// in-toto key ids as written).
#[derive(Debug, Clone)]
pub struct KnownKey {
    pub key: PublicKey,
    pub origin: KeyOrigin,
    /// Principals the key may sign as (allowed-signers), empty when unrestricted.
    pub principals: Vec<String>,
    /// SSH allowed-signers `namespaces=` restriction, when present.
    pub namespaces: Option<Vec<String>>,
    /// The format the key was read from.
    pub format: KeyFormat,
    /// Identifiers that do not derive from the key material alone (OpenPGP fingerprints and
    /// key ids, which include the key's creation time).
    pub aliases: Vec<String>,
}

impl KnownKey {
    /// Whether `id` names this key (any tool's key id, or an alias).
    pub fn is_named_by(&self, id: &str) -> bool {
        let id = id.trim();
        !id.is_empty() && (self.key.is_named_by(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
    }

    pub fn is_trusted(&self) -> bool {
        self.origin.is_trusted()
    }

    /// A short human name: the principal, or the algorithm and fingerprint prefix.
    pub fn label(&self) -> String {
        match self.principals.first() {
            Some(p) => format!("{p} ({} {})", self.key.algorithm().name(), &self.key.fingerprint()[..12]),
            None => format!("{} key {}", self.key.algorithm().name(), &self.key.fingerprint()[..12]),
        }
    }
}

/// The file formats keys are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyFormat {
    /// PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    Pem,
    /// An OpenSSH public key line.
    SshPublicKey,
    /// An OpenSSH allowed-signers file.
    AllowedSigners,
    /// A securesystemslib / in-toto public key JSON.
    IntotoJson,
    /// An OpenPGP public key block (armored).
    OpenPgp,
    /// A key carried in a signature (SSHSIG, certificate).
    Embedded,
}

/// Reads every public key in a key file, recognising the format from the content: PEM public
/// keys (one or several), PEM private keys (their public half), an OpenSSH public key, an SSH
/// allowed-signers file, or a securesystemslib / in-toto key JSON (a single key, or a map of
/// key ids to keys as in in-toto layouts).
pub fn read_key_file(text: &str, origin: &KeyOrigin) -> Result<Vec<KnownKey>, KeyError> {
    let simple = |key: PublicKey, format: KeyFormat| KnownKey { key, origin: origin.clone(), principals: Vec::new(), namespaces: None, format, aliases: Vec::new() };
    let trimmed = text.trim_start();
    if text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
        let cert = super::openpgp::read_cert(text).map_err(KeyError::OpenPgp)?;
        let emails: Vec<String> = cert.user_ids.iter().map(|u| u.rsplit_once('<').and_then(|(_, e)| e.strip_suffix('>')).unwrap_or(u).to_string()).collect();
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for k in cert.keys {
            match k.key {
                Ok(key) => out.push(KnownKey { key, origin: origin.clone(), principals: emails.clone(), namespaces: None, format: KeyFormat::OpenPgp, aliases: vec![k.fingerprint, k.key_id] }),
                Err(e) => problems.push((k.key_id, e)),
            }
        }
        if out.is_empty() {
            return Err(KeyError::NoUsableOpenPgpKey { problems });
        }
        return Ok(out);
    }
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).map_err(KeyError::Json)?;
        let keys = intoto_keys(&value)?;
        if keys.is_empty() {
            return Err(KeyError::JsonWithoutKey);
        }
        return Ok(keys.into_iter().map(|k| simple(k, KeyFormat::IntotoJson)).collect());
    }
    if text.contains("-----BEGIN PUBLIC KEY-----") {
        let blocks = pem_blocks(text, "PUBLIC KEY");
        let mut out = Vec::new();
        for der in blocks {
            let mut key = PublicKey::from_spki_der(&der)?;
            if text.matches("-----BEGIN PUBLIC KEY-----").count() == 1 {
                key.pem_as_read = Some(text.to_string());
            }
            out.push(simple(key, KeyFormat::Pem));
        }
        return Ok(out);
    }
    if text.contains("-----BEGIN PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----") {
        return Ok(vec![simple(super::signer::public_of_private_pem(text)?, KeyFormat::Pem)]);
    }
    if text.contains("PRIVATE KEY-----") {
        return Err(KeyError::EncryptedPrivateKey);
    }
    // OpenSSH: a single public key line, or allowed-signers lines.
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Ok(k) = ssh_key::PublicKey::from_openssh(line) {
            out.push(simple(PublicKey::from_ssh(k.key_data())?, KeyFormat::SshPublicKey));
            continue;
        }
        let AllowedSigner { key, principals, namespaces } = parse_allowed_signer(line).map_err(|source| KeyError::AllowedSigners { line: n + 1, source })?;
        out.push(KnownKey { key, origin: origin.clone(), principals, namespaces, format: KeyFormat::AllowedSigners, aliases: Vec::new() });
    }
    if out.is_empty() {
        return Err(KeyError::NoKey);
    }
    Ok(out)
}

/// An allowed-signers entry: the key, the principals it may sign as, its `namespaces=`.
struct AllowedSigner {
    key: PublicKey,
    principals: Vec<String>,
    namespaces: Option<Vec<String>>,
}

/// One allowed-signers line: `principals [options] keytype base64 [comment]`.
fn parse_allowed_signer(line: &str) -> Result<AllowedSigner, AllowedSignerError> {
    let tokens = split_quoted(line);
    let key_at = tokens
        .iter()
        .position(|t| t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") || t.starts_with("sk-"))
        .ok_or(AllowedSignerError::NoKeyType)?;
    if key_at == 0 {
        return Err(AllowedSignerError::NoPrincipals);
    }
    if key_at + 1 >= tokens.len() {
        return Err(AllowedSignerError::NoKeyAfterType);
    }
    let principals: Vec<String> = tokens[0].split(',').map(|p| p.trim_matches('"').to_string()).collect();
    let mut namespaces = None;
    for opt in &tokens[1..key_at] {
        for part in split_options(opt) {
            if let Some(v) = part.strip_prefix("namespaces=") {
                namespaces = Some(v.trim_matches('"').split(',').map(str::to_string).collect());
            } else if part.eq_ignore_ascii_case("cert-authority") {
                return Err(AllowedSignerError::CertAuthority);
            }
        }
    }
    let text = format!("{} {}", tokens[key_at], tokens[key_at + 1]);
    let key = ssh_key::PublicKey::from_openssh(&text).map_err(AllowedSignerError::SshKey)?;
    let key = PublicKey::from_ssh(key.key_data()).map_err(AllowedSignerError::Key)?;
    Ok(AllowedSigner { key, principals, namespaces })
}

/// Splits `text` at separators outside double quotes (quotes are kept); empty parts are
/// dropped when `skip_empty`.
fn split_outside_quotes(text: &str, is_separator: impl Fn(char) -> bool, skip_empty: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if is_separator(c) && !quoted {
            if !(skip_empty && cur.is_empty()) {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !(skip_empty && cur.is_empty()) {
        out.push(cur);
    }
    out
}

/// The whitespace-separated fields of an allowed-signers line.
fn split_quoted(line: &str) -> Vec<String> {
    split_outside_quotes(line, char::is_whitespace, true)
}

/// The comma-separated options of an allowed-signers line.
fn split_options(opts: &str) -> Vec<String> {
    split_outside_quotes(opts, |c| c == ',', false)
}

/// Keys in a securesystemslib key dict, or in a map of key id → key dict.
fn intoto_keys(value: &serde_json::Value) -> Result<Vec<PublicKey>, KeyError> {
    let one = |v: &serde_json::Value| -> Result<Option<PublicKey>, KeyError> {
        let (Some(keytype), Some(public)) = (v.get("keytype").and_then(|x| x.as_str()), v.pointer("/keyval/public").and_then(|x| x.as_str())) else {
            return Ok(None);
        };
        let key = match keytype {
            "ed25519" => PublicKey::ed25519(&hex::decode(public.trim()).map_err(KeyError::IntotoKeyNotHex)?)?,
            "ecdsa" | "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" => PublicKey::from_pem(public)?,
            other => return Err(KeyError::UnsupportedIntotoKeytype { keytype: other.to_string() }),
        };
        Ok(Some(key))
    };
    if let Some(k) = one(value)? {
        return Ok(vec![k]);
    }
    let mut out = Vec::new();
    if let Some(map) = value.as_object() {
        for v in map.values() {
            if let Some(k) = one(v)? {
                out.push(k);
            } else if let Some(inner) = v.as_object() {
                for w in inner.values() {
                    if let Some(k) = one(w)? {
                        out.push(k);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What a trust file holds: keys, a Sigstore trusted root (for keyless signatures), or an
/// identity trusted to sign keylessly.
#[derive(Debug, Clone, Default)]
pub struct TrustFile {
    pub keys: Vec<KnownKey>,
    pub roots: Vec<super::keyless::TrustedRoot>,
    pub identities: Vec<TrustedIdentity>,
}

/// A keyless signer the investigator trusts: a certificate identity (e-mail or URI) and,
/// optionally, the OIDC issuer that must have vouched for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIdentity {
    pub identity: String,
    pub issuer: Option<String>,
}

/// The media type of Custody's trusted-identity records (what `--trust-identity` stores).
pub const TRUSTED_IDENTITY_MEDIA_TYPE: &str = "application/vnd.custody.trusted-identity+json;version=1";

impl TrustedIdentity {
    /// `IDENTITY` or `IDENTITY,ISSUER`.
    pub fn parse(text: &str) -> Result<TrustedIdentity, KeyError> {
        let (identity, issuer) = match text.split_once(',') {
            Some((i, s)) => (i.trim(), Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            None => (text.trim(), None),
        };
        if identity.is_empty() {
            return Err(KeyError::EmptyIdentity);
        }
        Ok(TrustedIdentity { identity: identity.to_string(), issuer })
    }

    /// The record stored in the case for this identity.
    pub fn to_record(&self) -> String {
        serde_json::json!({"mediaType": TRUSTED_IDENTITY_MEDIA_TYPE, "identity": self.identity, "issuer": self.issuer}).to_string()
    }

    /// Whether a certificate naming `names`, vouched for by `issuer`, is this identity.
    pub fn admits(&self, names: &[String], issuer: Option<&str>) -> bool {
        names.iter().any(|n| n == &self.identity) && self.issuer.as_deref().is_none_or(|want| issuer == Some(want))
    }
}

/// Reads a file the investigator trusts: any key file [`read_key_file`] reads, or a Sigstore
/// `trusted_root.json` (certificate authorities and transparency-log keys, used only for
/// keyless bundles, never as signing keys).
pub fn read_trust_file(text: &str, origin: &KeyOrigin) -> Result<TrustFile, KeyError> {
    if text.trim_start().starts_with('{') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            if super::keyless::looks_like_trusted_root(&v) {
                let root = super::keyless::TrustedRoot::from_json(&v, origin.file()).map_err(KeyError::TrustedRoot)?;
                return Ok(TrustFile { roots: vec![root], ..TrustFile::default() });
            }
            if v.get("mediaType").and_then(|m| m.as_str()) == Some(TRUSTED_IDENTITY_MEDIA_TYPE) {
                let identity = v.get("identity").and_then(|i| i.as_str()).ok_or(KeyError::IdentityRecordWithoutIdentity)?;
                let issuer = v.get("issuer").and_then(|i| i.as_str()).map(str::to_string);
                return Ok(TrustFile { identities: vec![TrustedIdentity { identity: identity.to_string(), issuer }], ..TrustFile::default() });
            }
        }
    }
    Ok(TrustFile { keys: read_key_file(text, origin)?, ..TrustFile::default() })
}

/// The keys a verification may use: the investigator's (trusted) and those found in the
/// evidence (listed, never trusted), and the Sigstore trusted roots the investigator supplied.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    pub keys: Vec<KnownKey>,
    pub roots: Vec<super::keyless::TrustedRoot>,
    pub identities: Vec<TrustedIdentity>,
}

impl KeyRing {
    /// Adds everything a trust file holds.
    pub fn add_file(&mut self, file: TrustFile) {
        for k in file.keys {
            self.add(k);
        }
        self.roots.extend(file.roots);
        self.identities.extend(file.identities);
    }

    pub fn add(&mut self, key: KnownKey) {
        if let Some(existing) = self.keys.iter_mut().find(|k| k.key == key.key && k.origin == key.origin) {
            for p in key.principals {
                if !existing.principals.contains(&p) {
                    existing.principals.push(p);
                }
            }
            for a in key.aliases {
                if !existing.aliases.contains(&a) {
                    existing.aliases.push(a);
                }
            }
            return;
        }
        self.keys.push(key);
    }

    pub fn trusted(&self) -> impl Iterator<Item = &KnownKey> {
        self.keys.iter().filter(|k| k.is_trusted())
    }
}

/// Which key made a signature, when one did.
#[derive(Debug, Clone)]
pub enum SignatureCheck {
    /// A known key verifies the signature.
    Valid(KnownKey),
    /// Keys named by the signature (or the only ones that could apply) do not verify it.
    Invalid { reason: SignatureInvalid },
    /// No key is available to check it against.
    NoKey { named: String },
}

/// Why a signature that keys were there to check is invalid. The messages are the ones
/// Custody's answers carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureInvalid {
    /// The key the signature names (its label) does not verify it.
    #[error("the signature does not verify under the key it names ({key})")]
    NamedKeyRefuses { key: String },
    /// It names none of the `trusted` keys (`named`: the key id it names, `None` when it names
    /// none), and none of them verifies it.
    #[error("it {} and none of the {trusted} trusted keys verifies it: the signed bytes or the signature were changed, or a key that was not supplied signed it", names(.named))]
    NoTrustedKeyVerifies { named: Option<String>, trusted: usize },
}

/// `names no key` or `names key ID, which is none of them,`.
fn names(named: &Option<String>) -> String {
    match named {
        None => "names no key".to_string(),
        Some(id) => format!("names key {id}, which is none of them,"),
    }
}

impl KeyRing {
    /// Verifies `signature` over `message` against the ring. Keys the signature names (by any
    /// identifier) are tried first; then every key, so a signature is attributed to its
    /// signer even when its key id is empty or wrong (key ids are unauthenticated). A
    /// signature no key verifies is invalid when a named key exists (or `accountable` keys
    /// were tried), and unverifiable otherwise.
    pub fn check(&self, key_id: &str, message: &[u8], signature: &[u8]) -> SignatureCheck {
        // SSH keys (allowed-signers, OpenSSH public keys) are trusted for SSH signatures in
        // their namespaces only, never for other formats.
        let mut order: Vec<&KnownKey> = self.keys.iter().filter(|k| !matches!(k.format, KeyFormat::AllowedSigners | KeyFormat::SshPublicKey)).collect();
        order.sort_by_key(|k| (!k.is_named_by(key_id), !k.is_trusted()));
        for k in &order {
            if k.key.verify(message, signature) {
                // the investigator's entry for the same key wins over an evidence copy of it
                let trusted = order.iter().find(|x| x.key == k.key && x.is_trusted());
                return SignatureCheck::Valid(trusted.copied().unwrap_or(*k).clone());
            }
        }
        if let Some(named) = order.iter().find(|k| k.is_named_by(key_id)) {
            return SignatureCheck::Invalid { reason: SignatureInvalid::NamedKeyRefuses { key: named.label() } };
        }
        // A key id is not signed, so it must not decide the outcome: a signature that no
        // trusted key verifies is invalid as far as the investigator's trust goes (the bytes
        // or the signature were changed, or a key that was not supplied signed it), whatever
        // key it names. Only with no trusted key at all is it merely uncheckable.
        let trusted = order.iter().filter(|k| k.is_trusted()).count();
        if trusted > 0 {
            let named = Some(key_id.to_string()).filter(|id| !id.trim().is_empty());
            return SignatureCheck::Invalid { reason: SignatureInvalid::NoTrustedKeyVerifies { named, trusted } };
        }
        SignatureCheck::NoKey { named: key_id.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJxz1eJ9+kM7/jHb347aivMUtR2rHmXEvGBSKfuAShT";

    #[test]
    fn allowed_signers_lines_with_options_and_quotes() {
        let text = format!("# team\nalice@example.com,bob@example.com namespaces=\"git,file\",valid-after=\"20260101\" {KEY} laptop\n\"carol x@example.com\" {KEY}\n");
        let keys = read_key_file(&text, &KeyOrigin::Supplied { file: "a".into() }).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].principals, vec!["alice@example.com", "bob@example.com"]);
        assert_eq!(keys[0].namespaces.as_deref(), Some(&["git".to_string(), "file".to_string()][..]));
        assert_eq!(keys[1].principals, vec!["carol x@example.com"]);
        assert!(
            matches!(read_key_file(&format!("x@example.com cert-authority {KEY}"), &KeyOrigin::Supplied { file: "a".into() }), Err(KeyError::AllowedSigners { line: 1, source: AllowedSignerError::CertAuthority })),
            "CA entries are refused, not misread"
        );
    }

    /// An RSA key as `ssh-keygen -t rsa` writes it: read, but not one Custody verifies with.
    const RSA_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC2ZJd97egTVYrKLbK+0By3bfBZr4AzpwN13FZJaV5BUByhBiSLmCZ+f/LlxY54r4a6LS/t4NSq8/V8vH326bvp2Ev4Slgt/2lXZ3qAoRzzkeMn73bEltT5Ra3P5ilpPJCc+iM5hjrwWy1WMKFuGJWWpRJosKjshYEUfM/KYyd3gw==";

    fn has_cause<T: std::error::Error + 'static>(e: &dyn std::error::Error) -> bool {
        e.source().is_some_and(|c| c.is::<T>())
    }

    /// Each way key material is unusable has its variant, its cause and the message it had
    /// when they were `Unsupported(String)` and `Malformed(String)`.
    #[test]
    fn unusable_key_material_names_what_went_wrong() {
        use PublicKeyError as E;
        let e = PublicKey::ed25519(&[0u8; 3]).unwrap_err();
        assert!(matches!(e, E::Ed25519Length { len: 3 }), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: an Ed25519 key has 32 bytes, not 3");

        // 32 bytes of 2 are no point's compressed y coordinate
        let e = PublicKey::ed25519(&[2u8; 32]).unwrap_err();
        assert!(matches!(e, E::Ed25519(_)), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: Ed25519 key: signature error: Cannot decompress Edwards point");
        assert!(has_cause::<ed25519_dalek::SignatureError>(&e));

        for (algorithm, curve) in [(KeyAlgorithm::EcdsaP256, "P-256"), (KeyAlgorithm::EcdsaP384, "P-384")] {
            let e = PublicKey::ecdsa_sec1(algorithm, &[4, 1, 2]).unwrap_err();
            assert!(matches!(e, E::EcPoint { curve: c, .. } if c == curve), "{e:?}");
            assert_eq!(e.to_string(), format!("malformed key: {curve} point: signature error"));
            assert!(has_cause::<p256::ecdsa::Error>(&e));
        }

        let e = PublicKey::from_spki_der(b"not der").unwrap_err();
        assert!(matches!(e, E::UnsupportedSpki), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (a SubjectPublicKeyInfo that is not Ed25519, P-256 or P-384 (RSA and P-521 keys are not supported))");

        let e = PublicKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap_err();
        assert!(matches!(e, E::NoPemBlock), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: no -----BEGIN PUBLIC KEY----- block");

        let rsa = ssh_key::PublicKey::from_openssh(RSA_KEY).unwrap();
        let e = PublicKey::from_ssh(rsa.key_data()).unwrap_err();
        assert!(matches!(e, E::UnsupportedSshKey { algorithm: ssh_key::Algorithm::Rsa { .. } }), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (SSH key type ssh-rsa)");

        let e = crate::signer::public_of_private_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap_err();
        assert!(matches!(e, E::UnsupportedPrivateKey), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (a private key that is not an unencrypted PKCS#8 or SEC1 Ed25519, P-256 or P-384 key)");
    }

    /// Each way a key or trust file is unreadable has its variant, its cause and the message
    /// it had when they were `Unsupported(String)` and `Malformed(String)`.
    #[test]
    fn unreadable_key_files_name_what_went_wrong() {
        use KeyError as E;
        let read = |text: &str| read_key_file(text, &KeyOrigin::Supplied { file: "k".into() }).unwrap_err();
        let trust = |text: &str| read_trust_file(text, &KeyOrigin::Supplied { file: "k".into() }).unwrap_err();

        let e = read("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assert!(matches!(e, E::Key(PublicKeyError::UnsupportedSpki)), "{e:?}");
        assert_eq!(e.to_string(), PublicKeyError::UnsupportedSpki.to_string());
        assert!(has_cause::<PublicKeyError>(&e));

        let e = read("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\na$bc\n-----END PGP PUBLIC KEY BLOCK-----\n");
        assert!(matches!(e, E::OpenPgp(crate::openpgp::OpenPgpError::Base64 { .. })), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: not base64: Invalid symbol 36, offset 1.");
        assert!(has_cause::<crate::openpgp::OpenPgpError>(&e));

        // one v4 public-key packet (old format, tag 6) of an RSA key: read, but not usable
        let e = read("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmAYEAAAAAAE=\n-----END PGP PUBLIC KEY BLOCK-----\n");
        let E::NoUsableOpenPgpKey { problems } = &e else { panic!("{e:?}") };
        assert!(matches!(problems.as_slice(), [(_, crate::openpgp::OpenPgpError::RsaKey)]), "{problems:?}");
        assert_eq!(e.to_string(), format!("not a public key Custody can use (an OpenPGP key with no usable key ({}: an RSA key (OpenPGP RSA signatures are not verified yet)))", problems[0].0));

        let json_error = serde_json::from_str::<serde_json::Value>("{ not json").unwrap_err().to_string();
        let e = read("{ not json");
        assert!(matches!(e, E::Json(_)), "{e:?}");
        assert_eq!(e.to_string(), format!("malformed key: key JSON: {json_error}"));
        assert!(has_cause::<serde_json::Error>(&e));

        let e = read("{}");
        assert!(matches!(e, E::JsonWithoutKey), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: JSON without keytype/scheme/keyval");

        let e = read(r#"{"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "zz"}}"#);
        assert!(matches!(e, E::IntotoKeyNotHex(hex::FromHexError::InvalidHexCharacter { c: 'z', index: 0 })), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: ed25519 keyval.public is not hex: Invalid character 'z' at position 0");
        assert!(has_cause::<hex::FromHexError>(&e));

        let e = read(r#"{"keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": {"public": "x"}}"#);
        assert!(matches!(&e, E::UnsupportedIntotoKeytype { keytype } if keytype == "rsa"), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (in-toto keytype rsa)");

        let e = read("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assert!(matches!(e, E::EncryptedPrivateKey), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (an encrypted or non-PKCS#8 private key; give the public key instead)");

        let e = read("# nothing but a comment\n\n");
        assert!(matches!(e, E::NoKey), "{e:?}");
        assert_eq!(e.to_string(), "not a public key Custody can use (no PEM, OpenSSH, allowed-signers or in-toto key found)");

        let e = trust(r#"{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#);
        assert!(matches!(e, E::TrustedRoot(crate::keyless::KeylessError::EmptyTrustedRoot)), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: a trusted root with neither transparency logs nor certificate authorities");
        assert!(has_cause::<crate::keyless::KeylessError>(&e));

        let e = trust(&serde_json::json!({"mediaType": TRUSTED_IDENTITY_MEDIA_TYPE, "issuer": "https://accounts.google.com"}).to_string());
        assert!(matches!(e, E::IdentityRecordWithoutIdentity), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: a trusted identity without `identity`");

        let e = TrustedIdentity::parse(" , https://accounts.google.com").unwrap_err();
        assert!(matches!(e, E::EmptyIdentity), "{e:?}");
        assert_eq!(e.to_string(), "malformed key: an empty identity");
    }

    /// Each way a signature is invalid has its variant and the message it had when the
    /// reason was a string; a signature no key could check is not invalid.
    #[test]
    fn invalid_signatures_name_why() {
        use ed25519_dalek::Signer as _;
        let signer = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let key = PublicKey::ed25519(&signer.verifying_key().to_bytes()).unwrap();
        let known = KnownKey { key: key.clone(), origin: KeyOrigin::Supplied { file: "k.pem".into() }, principals: Vec::new(), namespaces: None, format: KeyFormat::Pem, aliases: Vec::new() };
        let ring = KeyRing { keys: vec![known.clone()], ..KeyRing::default() };
        let signature = signer.sign(b"signed").to_bytes();
        assert!(matches!(ring.check("", b"signed", &signature), SignatureCheck::Valid(_)), "the signature these are cut from verifies");

        let reason = |id: &str| match ring.check(id, b"changed", &signature) {
            SignatureCheck::Invalid { reason } => reason,
            other => panic!("{other:?}"),
        };
        let e = reason(&key.fingerprint());
        assert_eq!(e, SignatureInvalid::NamedKeyRefuses { key: known.label() });
        assert_eq!(e.to_string(), format!("the signature does not verify under the key it names ({})", known.label()));

        let tail = "the signed bytes or the signature were changed, or a key that was not supplied signed it";
        let e = reason(" ");
        assert_eq!(e, SignatureInvalid::NoTrustedKeyVerifies { named: None, trusted: 1 });
        assert_eq!(e.to_string(), format!("it names no key and none of the 1 trusted keys verifies it: {tail}"));
        let e = reason("other-key");
        assert_eq!(e, SignatureInvalid::NoTrustedKeyVerifies { named: Some("other-key".into()), trusted: 1 });
        assert_eq!(e.to_string(), format!("it names key other-key, which is none of them, and none of the 1 trusted keys verifies it: {tail}"));

        let evidence_only = KeyRing { keys: vec![KnownKey { origin: KeyOrigin::Evidence { file: "k.pem".into() }, ..known }], ..KeyRing::default() };
        assert!(matches!(evidence_only.check("other-key", b"changed", &signature), SignatureCheck::NoKey { named } if named == "other-key"));
    }

    /// Each way an allowed-signers line is unreadable has its variant, and the line number
    /// (counted from 1, comments and blank lines included) is kept.
    #[test]
    fn unreadable_allowed_signers_lines_name_what_went_wrong() {
        use AllowedSignerError as A;
        let read = |line: &str| match read_key_file(&format!("# team\n\n{line}\n"), &KeyOrigin::Supplied { file: "a".into() }).unwrap_err() {
            KeyError::AllowedSigners { line: 3, source } => source,
            other => panic!("{other:?}"),
        };
        let message = |line: &str| read_key_file(&format!("# team\n\n{line}\n"), &KeyOrigin::Supplied { file: "a".into() }).unwrap_err().to_string();

        assert!(matches!(read("alice@example.com laptop"), A::NoKeyType));
        assert_eq!(message("alice@example.com laptop"), "malformed key: line 3: no key type (ssh-ed25519, ecdsa-sha2-nistp256 …)");
        assert!(matches!(read("ssh-ed25519 not-a-key"), A::NoPrincipals));
        assert_eq!(message("ssh-ed25519 not-a-key"), "malformed key: line 3: expected `principals [options] keytype key`");
        assert!(matches!(read("alice@example.com ssh-ed25519"), A::NoKeyAfterType));
        assert_eq!(message("alice@example.com ssh-ed25519"), "malformed key: line 3: expected `principals [options] keytype key`");
        assert!(matches!(read(&format!("alice@example.com cert-authority {KEY}")), A::CertAuthority));
        assert_eq!(message(&format!("alice@example.com cert-authority {KEY}")), "malformed key: line 3: cert-authority entries (SSH certificates) are not supported");

        let e = read("alice@example.com ssh-ed25519 AAAA");
        assert!(matches!(e, A::SshKey(_)), "{e:?}");
        let ssh_error = ssh_key::PublicKey::from_openssh("ssh-ed25519 AAAA").unwrap_err();
        assert_eq!(message("alice@example.com ssh-ed25519 AAAA"), format!("malformed key: line 3: SSH key: {ssh_error}"));
        assert!(has_cause::<ssh_key::Error>(&e));

        let e = read(&format!("alice@example.com {RSA_KEY}"));
        assert!(matches!(e, A::Key(PublicKeyError::UnsupportedSshKey { .. })), "{e:?}");
        assert_eq!(message(&format!("alice@example.com {RSA_KEY}")), "malformed key: line 3: not a public key Custody can use (SSH key type ssh-rsa)");
        assert!(has_cause::<PublicKeyError>(&e));
    }

    #[test]
    fn a_trusted_identity_admits_only_its_name_and_issuer() {
        let names = vec!["a@tny.town".to_string()];
        let any_issuer = TrustedIdentity::parse("a@tny.town").unwrap();
        assert!(any_issuer.admits(&names, Some("https://github.com/login/oauth")));
        let pinned = TrustedIdentity::parse("a@tny.town, https://accounts.google.com").unwrap();
        assert!(!pinned.admits(&names, Some("https://github.com/login/oauth")), "another issuer");
        assert!(!any_issuer.admits(&["b@tny.town".to_string()], None), "another identity");
        assert!(!TrustedIdentity::parse("a@tny").unwrap().admits(&names, None), "no prefix matching");
        let back = read_trust_file(&pinned.to_record(), &KeyOrigin::Supplied { file: "i".into() }).unwrap();
        assert_eq!(back.identities, vec![pinned]);
    }
}
