//! Keyless (Sigstore) verification, offline: who a Fulcio certificate names, RFC 6962 /
//! RFC 9162 Merkle inclusion proofs, C2SP checkpoints, and the whole check of a keyless bundle
//! against a trusted root the investigator supplies (`trusted_root.json`).
//!
//! Guarantees: a keyless bundle is valid only when its certificate chains to a certificate
//! authority of a supplied trusted root, a signed time from the log (the signed entry
//! timestamp) lies inside the certificate's validity, the signature verifies under the
//! certificate's key, the log entry records this signature, certificate and digest, the
//! inclusion proof reaches its root and the checkpoint naming that root is signed by the log's
//! key. Without a trusted root, a keyless bundle is `unverifiable` with its identity, never
//! valid. Not checked (yet): RFC 3161 timestamps (bundles that rely on them are reported as
//! unverifiable), embedded SCTs, identity policies (the identity is reported for the
//! investigator to judge), and anything that needs a network (log consistency, TUF freshness).

use x509_cert::der::{self, Decode};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// Fulcio's OIDC issuer extensions (v1 raw string, v2 DER UTF8String).
const OID_ISSUER_V1: &str = "1.3.6.1.4.1.57264.1.1";
const OID_ISSUER_V2: &str = "1.3.6.1.4.1.57264.1.8";

/// Why a keyless (Sigstore) bundle, certificate, checkpoint or trusted root cannot be read, or
/// which check of a keyless bundle failed. The messages are the ones Custody's answers carry.
#[derive(Debug, thiserror::Error)]
pub enum KeylessError {
    /// The bytes are not a DER X.509 certificate.
    #[error("not an X.509 certificate: {0}")]
    NotACertificate(#[source] der::Error),
    /// A certificate's part cannot be encoded back to DER (its message as is).
    #[error(transparent)]
    Encoding(der::Error),
    /// A field is not base64 (the decoder's message, as [`super::b64::decode`] words it).
    #[error("{source}")]
    Base64 {
        #[source]
        source: super::b64::NotBase64,
    },
    /// A number (`what`: tree size, proof index, integrated time, log index) is not an integer.
    #[error("{what}: {source}")]
    Number {
        what: &'static str,
        #[source]
        source: std::num::ParseIntError,
    },
    /// A checkpoint without the blank line that ends its signed text.
    #[error("a checkpoint without the blank line before its signatures")]
    CheckpointWithoutBlankLine,
    /// A checkpoint without its `line` (origin, tree size, root hash).
    #[error("no {line} line")]
    CheckpointLineMissing { line: &'static str },
    /// A checkpoint signature line that does not begin with an em dash and a space.
    #[error("signature line without the em dash: {line:?}")]
    SignatureLineWithoutEmDash { line: String },
    /// A checkpoint signature line without a signer name before the signature.
    #[error("signature line without a name")]
    SignatureLineWithoutName,
    /// A checkpoint signature shorter than its 4-byte key hint and one byte.
    #[error("signature too short")]
    SignatureTooShort,
    /// A trusted root's transparency log without `publicKey.rawBytes`.
    #[error("a tlog without publicKey.rawBytes")]
    TlogWithoutKey,
    /// A trusted root's transparency-log key that Custody cannot use.
    #[error("tlog key: {0}")]
    TlogKey(#[source] PublicKeyError),
    /// A trusted root's transparency log without `logId.keyId`.
    #[error("a tlog without logId.keyId")]
    TlogWithoutLogId,
    /// A trusted root's certificate authority without `certChain.certificates`.
    #[error("a certificate authority without certChain")]
    AuthorityWithoutChain,
    /// A certificate authority's certificate without `rawBytes`.
    #[error("a certificate without rawBytes")]
    CertificateWithoutRawBytes,
    /// A trusted root with neither transparency logs nor certificate authorities.
    #[error("a trusted root with neither transparency logs nor certificate authorities")]
    EmptyTrustedRoot,
    /// The bundle's verification material is a public key, not a certificate.
    #[error("not a keyless bundle")]
    NotKeyless,
    /// No certificate authority of the trusted roots issued the certificate.
    #[error("the certificate does not chain to a certificate authority of the trusted root")]
    UntrustedChain,
    /// The certificate's key is not one Custody can use.
    #[error("certificate key: {0}")]
    CertificateKey(#[source] PublicKeyError),
    /// The signature does not verify under the certificate's key.
    #[error("the signature does not verify under the certificate's key")]
    BadSignature,
    /// The bundle has no transparency-log entry.
    #[error("the bundle has no transparency-log entry")]
    NoTlogEntry,
    /// The log entry has no canonicalized body.
    #[error("the log entry has no canonicalized body")]
    NoCanonicalizedBody,
    /// The log entry has no log id.
    #[error("the log entry has no log id")]
    NoLogId,
    /// The entry's log id names no transparency log of the trusted roots.
    #[error("the entry's log is not in the trusted root")]
    UnknownLog,
    /// The log entry's body is not JSON.
    #[error("log entry body: {0}")]
    LogEntryBody(#[source] serde_json::Error),
    /// The log entry records another artifact digest than the bundle's.
    #[error("the log entry records another artifact digest")]
    LoggedDigestDiffers,
    /// The log entry records another signature than the bundle's.
    #[error("the log entry records another signature")]
    LoggedSignatureDiffers,
    /// The log entry records another certificate than the bundle's.
    #[error("the log entry records another certificate")]
    LoggedCertificateDiffers,
    /// A log entry of a kind and API version (each as its JSON text, `null` when absent) that
    /// Custody does not tie to the bundle: Custody's limit, not evidence against the bundle.
    #[error("its log entry is of kind {kind} {api_version}, which Custody does not tie to the bundle yet")]
    UnsupportedLogEntry { kind: String, api_version: String },
    /// The log entry has no inclusion proof.
    #[error("the entry has no inclusion proof")]
    NoInclusionProof,
    /// The inclusion proof does not hash to the root it records.
    #[error("the inclusion proof does not reach the recorded root")]
    InclusionProofFails,
    /// The checkpoint's root or size differ from the inclusion proof's.
    #[error("the checkpoint names another tree than the inclusion proof")]
    CheckpointTreeDiffers,
    /// The trusted root's log id is shorter than a checkpoint signature's key hint.
    #[error("the trusted root's log id is shorter than the 4-byte key hint of a checkpoint signature")]
    ShortLogId,
    /// No signature of the checkpoint verifies under the log's key.
    #[error("the checkpoint is not signed by the log's key")]
    CheckpointNotSigned,
    /// Everything else verifies, but the only signed time is an RFC 3161 timestamp: Custody's
    /// limit, not evidence against the bundle.
    #[error("everything else verifies, but its signed time is an RFC 3161 timestamp, which Custody does not check yet")]
    Rfc3161Unsupported,
    /// Neither a signed entry timestamp nor an RFC 3161 timestamp.
    #[error("no signed time: neither a signed entry timestamp nor an RFC 3161 timestamp, so the certificate's ten-minute validity cannot be checked (Sigstore clients reject such bundles)")]
    NoSignedTime,
    /// The log entry has no integrated time.
    #[error("no integrated time")]
    NoIntegratedTime,
    /// The log entry has no log index.
    #[error("no log index")]
    NoLogIndex,
    /// The signed entry timestamp does not verify under the log's key.
    #[error("the signed entry timestamp does not verify under the log's key")]
    BadSignedEntryTimestamp,
    /// The signed time (Unix seconds) lies outside the certificate's validity.
    #[error("the certificate was not valid at the signed time {time}")]
    CertificateNotValidAt { time: i64 },
    /// No certificate authority the certificate chains to was valid at the signed time.
    #[error("the certificate authority was not valid at the signed time")]
    AuthorityNotValidAt,
}

fn b64(text: &str) -> Result<Vec<u8>, KeylessError> {
    super::b64::decode(text).map_err(|source| KeylessError::Base64 { source })
}

fn number<T: std::str::FromStr<Err = std::num::ParseIntError>>(what: &'static str, text: &str) -> Result<T, KeylessError> {
    text.parse().map_err(|source| KeylessError::Number { what, source })
}

/// The identity a Fulcio certificate binds: its subject alternative names and OIDC issuer,
/// as `name (issuer)`.
pub fn certificate_identity(der_bytes: &[u8]) -> Result<String, KeylessError> {
    let (names, issuer) = certificate_names(der_bytes)?;
    let who = if names.is_empty() { "no subject alternative name".to_string() } else { names.join(", ") };
    Ok(match issuer {
        Some(i) => format!("{who} (issuer {i})"),
        None => who,
    })
}

/// A certificate's subject alternative names and Fulcio OIDC issuer.
pub fn certificate_names(der_bytes: &[u8]) -> Result<(Vec<String>, Option<String>), KeylessError> {
    let cert = Certificate::from_der(der_bytes).map_err(KeylessError::NotACertificate)?;
    let mut names = Vec::new();
    let mut issuer = None;
    for ext in cert.tbs_certificate.extensions.as_deref().unwrap_or_default() {
        let oid = ext.extn_id.to_string();
        if oid == "2.5.29.17" {
            if let Ok(san) = SubjectAltName::from_der(ext.extn_value.as_bytes()) {
                for n in san.0 {
                    match n {
                        GeneralName::Rfc822Name(s) => names.push(s.to_string()),
                        GeneralName::UniformResourceIdentifier(s) => names.push(s.to_string()),
                        GeneralName::DnsName(s) => names.push(s.to_string()),
                        _ => {}
                    }
                }
            }
        } else if oid == OID_ISSUER_V2 {
            issuer = der::asn1::Utf8StringRef::from_der(ext.extn_value.as_bytes()).ok().map(|s| s.to_string());
        } else if oid == OID_ISSUER_V1 && issuer.is_none() {
            issuer = std::str::from_utf8(ext.extn_value.as_bytes()).ok().map(str::to_string);
        }
    }
    Ok((names, issuer))
}

/// RFC 6962 leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Verifies an RFC 9162 §2.1.3.2 inclusion proof: the leaf at `index` of a tree of `size`
/// leaves, with audit `path` (leaf to root), hashes to `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &[u8; 32], path: &[Vec<u8>], root: &[u8]) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ != 0 && fn_ & 1 == 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r.as_slice() == root
}

/// A transparency-log checkpoint (C2SP signed note): origin, size, root, and the signature
/// lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Vec<u8>,
    /// The signed text: every line up to and including the one before the blank line.
    pub signed: String,
    /// (signer name, 4-byte key hint, signature)
    pub signatures: Vec<(String, [u8; 4], Vec<u8>)>,
}

pub fn parse_checkpoint(note: &str) -> Result<Checkpoint, KeylessError> {
    let (body, sigs) = note.split_once("\n\n").ok_or(KeylessError::CheckpointWithoutBlankLine)?;
    let mut lines = body.lines();
    let origin = lines.next().ok_or(KeylessError::CheckpointLineMissing { line: "origin" })?.to_string();
    let size: u64 = number("tree size", lines.next().ok_or(KeylessError::CheckpointLineMissing { line: "tree size" })?)?;
    let root = b64(lines.next().ok_or(KeylessError::CheckpointLineMissing { line: "root hash" })?)?;
    let mut signatures = Vec::new();
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let rest = line.strip_prefix("\u{2014} ").ok_or_else(|| KeylessError::SignatureLineWithoutEmDash { line: line.to_string() })?;
        let (name, b64sig) = rest.rsplit_once(' ').ok_or(KeylessError::SignatureLineWithoutName)?;
        let raw = b64(b64sig)?;
        if raw.len() < 5 {
            return Err(KeylessError::SignatureTooShort);
        }
        signatures.push((name.to_string(), [raw[0], raw[1], raw[2], raw[3]], raw[4..].to_vec()));
    }
    Ok(Checkpoint { origin, size, root, signed: format!("{body}\n"), signatures })
}

// ---- keyless verification against a trusted root the investigator supplies ----------------

use super::keys::{PublicKey, PublicKeyError};
use x509_cert::der::Encode;

/// A Sigstore trusted root (`trusted_root.json`): transparency-log keys and certificate
/// authorities, each with its validity window.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    /// Where the investigator supplied it.
    pub file: String,
    pub logs: Vec<LogKey>,
    pub authorities: Vec<Authority>,
}

#[derive(Debug, Clone)]
pub struct LogKey {
    pub base_url: String,
    pub log_id: Vec<u8>,
    pub key: PublicKey,
}

#[derive(Debug, Clone)]
pub struct Authority {
    pub name: String,
    /// DER certificates, the issuing one first, the root last.
    pub chain: Vec<Vec<u8>>,
    pub valid_from: Option<i64>,
    pub valid_to: Option<i64>,
}

/// Whether a JSON document is a Sigstore trusted root.
pub fn looks_like_trusted_root(value: &serde_json::Value) -> bool {
    value.get("mediaType").and_then(|m| m.as_str()).is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.trustedroot"))
}

fn rfc3339(v: &serde_json::Value) -> Option<i64> {
    v.as_str().and_then(|s| s.parse::<jiff::Timestamp>().ok()).map(|t| t.as_second())
}

impl TrustedRoot {
    pub fn from_json(value: &serde_json::Value, file: &str) -> Result<TrustedRoot, KeylessError> {
        let mut logs = Vec::new();
        for t in value.get("tlogs").and_then(|t| t.as_array()).into_iter().flatten() {
            let der = t.pointer("/publicKey/rawBytes").and_then(|v| v.as_str()).ok_or(KeylessError::TlogWithoutKey)?;
            let key = PublicKey::from_spki_der(&b64(der)?).map_err(KeylessError::TlogKey)?;
            let log_id = b64(t.pointer("/logId/keyId").and_then(|v| v.as_str()).ok_or(KeylessError::TlogWithoutLogId)?)?;
            logs.push(LogKey { base_url: t.get("baseUrl").and_then(|v| v.as_str()).unwrap_or_default().to_string(), log_id, key });
        }
        let mut authorities = Vec::new();
        for c in value.get("certificateAuthorities").and_then(|t| t.as_array()).into_iter().flatten() {
            let chain = c
                .pointer("/certChain/certificates")
                .and_then(|v| v.as_array())
                .ok_or(KeylessError::AuthorityWithoutChain)?
                .iter()
                .map(|x| x.get("rawBytes").and_then(|r| r.as_str()).ok_or(KeylessError::CertificateWithoutRawBytes).and_then(b64))
                .collect::<Result<Vec<_>, _>>()?;
            let name = c.get("uri").and_then(|v| v.as_str()).map(str::to_string).unwrap_or_else(|| c.pointer("/subject/commonName").and_then(|v| v.as_str()).unwrap_or("CA").to_string());
            authorities.push(Authority { name, chain, valid_from: rfc3339(&c["validFor"]["start"]), valid_to: rfc3339(&c["validFor"]["end"]) });
        }
        if logs.is_empty() && authorities.is_empty() {
            return Err(KeylessError::EmptyTrustedRoot);
        }
        Ok(TrustedRoot { file: file.to_string(), logs, authorities })
    }
}

/// A certificate's parts that verification needs.
struct Cert {
    tbs: Vec<u8>,
    sig_alg: String,
    signature: Vec<u8>,
    spki: Vec<u8>,
    not_before: i64,
    not_after: i64,
}

fn parse_cert(der_bytes: &[u8]) -> Result<Cert, KeylessError> {
    let c = Certificate::from_der(der_bytes).map_err(KeylessError::NotACertificate)?;
    Ok(Cert {
        tbs: c.tbs_certificate.to_der().map_err(KeylessError::Encoding)?,
        sig_alg: c.signature_algorithm.oid.to_string(),
        signature: c.signature.raw_bytes().to_vec(),
        spki: c.tbs_certificate.subject_public_key_info.to_der().map_err(KeylessError::Encoding)?,
        not_before: c.tbs_certificate.validity.not_before.to_unix_duration().as_secs() as i64,
        not_after: c.tbs_certificate.validity.not_after.to_unix_duration().as_secs() as i64,
    })
}

/// Whether `child` was signed by the key of `issuer`.
fn signed_by(child: &Cert, issuer: &Cert) -> bool {
    let Ok(key) = PublicKey::from_spki_der(&issuer.spki) else { return false };
    let digest: Vec<u8> = match child.sig_alg.as_str() {
        "1.2.840.10045.4.3.2" => Sha256::digest(&child.tbs).to_vec(),
        "1.2.840.10045.4.3.3" => sha2::Sha384::digest(&child.tbs).to_vec(),
        "1.2.840.10045.4.3.4" => sha2::Sha512::digest(&child.tbs).to_vec(),
        "1.3.101.112" => return key.verify(&child.tbs, &child.signature),
        _ => return false,
    };
    key.verify_prehash(&digest, &child.signature)
}

/// The outcome of a keyless verification.
#[derive(Debug)]
pub struct KeylessOutcome {
    pub identity: String,
    /// `Ok(summary)` when every check passed, `Err(the first check that failed)` otherwise.
    pub result: Result<String, KeylessError>,
    /// The bundle needs a check Custody does not implement (RFC 3161 timestamps): the failure
    /// is Custody's limit, not evidence against the bundle.
    pub unsupported: bool,
}

/// What a keyless bundle signs, for the signature check.
pub enum Signed<'a> {
    /// DSSE: the PAE bytes.
    Pae(&'a [u8]),
    /// A message signature over an artifact's bytes, or only its stated SHA-256 digest when
    /// the artifact is not at hand.
    Artifact { bytes: Option<&'a [u8]>, digest: &'a [u8] },
}

/// Verifies a keyless bundle offline against `roots`: the certificate chains to a trusted
/// authority; the signature verifies under the certificate's key; the log entry records this
/// signature, certificate and digest; the inclusion proof reaches its root and the checkpoint
/// naming that root is signed by the log's key; and a signed time (the log's signed entry
/// timestamp) lies inside the certificate's and the authority's validity.
pub fn verify_keyless(bundle: &super::bundle::Bundle, signed: Signed<'_>, signature: &[u8], roots: &[TrustedRoot]) -> KeylessOutcome {
    let super::bundle::Material::Certificates(certs) = &bundle.material else {
        return KeylessOutcome { identity: String::new(), result: Err(KeylessError::NotKeyless), unsupported: false };
    };
    let leaf_der = certs.first().cloned().unwrap_or_default();
    let identity = certificate_identity(&leaf_der).unwrap_or_else(|e| format!("unreadable certificate: {e}"));
    let result = Keyless { bundle, roots, signature, leaf_der: &leaf_der }.verify(&signed);
    // These two failures, and only they, are Custody's limits rather than evidence against the bundle.
    let unsupported = matches!(result, Err(KeylessError::UnsupportedLogEntry { .. } | KeylessError::Rfc3161Unsupported));
    KeylessOutcome { identity, result, unsupported }
}

/// What the checks of one keyless bundle share: the bundle, its signature, its leaf
/// certificate (DER) and the trusted roots.
struct Keyless<'a> {
    bundle: &'a super::bundle::Bundle,
    roots: &'a [TrustedRoot],
    signature: &'a [u8],
    leaf_der: &'a [u8],
}

/// The bundle's first transparency-log entry, its canonicalized body (as base64 and decoded),
/// and the log of the trusted roots its log id names.
struct Logged<'a> {
    entry: &'a super::bundle::TlogEntry,
    body_b64: &'a str,
    body: Vec<u8>,
    log_id: Vec<u8>,
    log: &'a LogKey,
}

impl<'a> Keyless<'a> {
    /// Runs every check in order: the summary, or the first check that failed.
    fn verify(&self, signed: &Signed<'_>) -> Result<String, KeylessError> {
        let leaf = parse_cert(self.leaf_der)?;
        // 1. the certificate chain (the time comes last)
        let authorities = self.chained_authorities(&leaf)?;
        // 2. the signature under the certificate's key
        let digest = self.check_signature(&leaf, signed)?;
        // 3. the log entry records this signature, certificate and digest
        let logged = self.log_entry()?;
        self.check_logged_record(&logged.body, &digest)?;
        // 4. inclusion in the log, and the checkpoint
        let checkpoint = check_inclusion(&logged)?;
        // 5. a signed time inside the certificate's and the authority's validity
        let (integrated, log_index) = self.check_signed_entry_timestamp(&logged)?;
        let authority = authority_valid_at(&leaf, authorities, integrated)?;
        let when = jiff::Timestamp::from_second(integrated).map(|t| t.to_string()).unwrap_or_else(|_| integrated.to_string());
        Ok(format!("certificate chains to {} in the trusted root; logged in {} at index {log_index} (signed time {when}; {checkpoint})", authority.name, logged.log.base_url))
    }

    /// The certificate authorities of the trusted roots whose chain issued `leaf` (none is an error).
    fn chained_authorities(&self, leaf: &Cert) -> Result<Vec<&'a Authority>, KeylessError> {
        let authorities: Vec<&Authority> = self
            .roots
            .iter()
            .flat_map(|r| r.authorities.iter())
            .filter(|a| {
                let Ok(chain) = a.chain.iter().map(|c| parse_cert(c)).collect::<Result<Vec<_>, _>>() else { return false };
                let Some(first) = chain.first() else { return false };
                signed_by(leaf, first) && chain.windows(2).all(|w| signed_by(&w[0], &w[1]))
            })
            .collect();
        if authorities.is_empty() {
            return Err(KeylessError::UntrustedChain);
        }
        Ok(authorities)
    }

    /// Checks the signature under `leaf`'s key and returns the SHA-256 digest of what it signs.
    fn check_signature(&self, leaf: &Cert, signed: &Signed<'_>) -> Result<Vec<u8>, KeylessError> {
        let key = PublicKey::from_spki_der(&leaf.spki).map_err(KeylessError::CertificateKey)?;
        let signature = self.signature;
        let digest: Vec<u8> = match signed {
            Signed::Pae(pae) => {
                if !key.verify(pae, signature) {
                    return Err(KeylessError::BadSignature);
                }
                Sha256::digest(pae).to_vec()
            }
            Signed::Artifact { bytes, digest } => {
                let ok = match bytes {
                    Some(b) => key.verify(b, signature),
                    None => key.verify_prehash(digest, signature),
                };
                if !ok {
                    return Err(KeylessError::BadSignature);
                }
                digest.to_vec()
            }
        };
        Ok(digest)
    }

    /// Reads the bundle's first log entry and finds the trusted log its log id names.
    fn log_entry(&self) -> Result<Logged<'a>, KeylessError> {
        let entry = self.bundle.tlog_entries.first().ok_or(KeylessError::NoTlogEntry)?;
        let body_b64 = entry.canonicalized_body.as_deref().ok_or(KeylessError::NoCanonicalizedBody)?;
        let body = b64(body_b64)?;
        let log_id = b64(&entry.log_id.as_ref().ok_or(KeylessError::NoLogId)?.key_id)?;
        let log = self.roots.iter().flat_map(|r| r.logs.iter()).find(|l| l.log_id == log_id).ok_or(KeylessError::UnknownLog)?;
        Ok(Logged { entry, body_b64, body, log_id, log })
    }

    /// Checks that the log entry's body records this bundle's digest, signature and certificate.
    fn check_logged_record(&self, body: &[u8], digest: &[u8]) -> Result<(), KeylessError> {
        let rec: serde_json::Value = serde_json::from_slice(body).map_err(KeylessError::LogEntryBody)?;
        if rec["kind"] == "hashedrekord" && rec["apiVersion"] == "0.0.1" {
            self.check_hashedrekord_v001(&rec, digest)
        } else if rec["kind"] == "hashedrekord" && rec["apiVersion"] == "0.0.2" {
            self.check_hashedrekord_v002(&rec, digest)
        } else {
            Err(KeylessError::UnsupportedLogEntry { kind: rec["kind"].to_string(), api_version: rec["apiVersion"].to_string() })
        }
    }

    /// [`Self::check_logged_record`] for a hashedrekord 0.0.1 entry (hex digest, PEM certificate).
    fn check_hashedrekord_v001(&self, rec: &serde_json::Value, digest: &[u8]) -> Result<(), KeylessError> {
        if rec.pointer("/spec/data/hash/value").and_then(|v| v.as_str()) != Some(hex::encode(digest).as_str()) {
            return Err(KeylessError::LoggedDigestDiffers);
        }
        let logged_sig = rec.pointer("/spec/signature/content").and_then(|v| v.as_str()).map(b64).transpose()?;
        if logged_sig.as_deref() != Some(self.signature) {
            return Err(KeylessError::LoggedSignatureDiffers);
        }
        let logged_cert = rec.pointer("/spec/signature/publicKey/content").and_then(|v| v.as_str()).map(b64).transpose()?.unwrap_or_default();
        let pem = String::from_utf8_lossy(&logged_cert).into_owned();
        if super::keys::pem_block(&pem, "CERTIFICATE").as_deref() != Some(self.leaf_der) {
            return Err(KeylessError::LoggedCertificateDiffers);
        }
        Ok(())
    }

    /// [`Self::check_logged_record`] for a hashedrekord 0.0.2 entry (base64 digest, DER certificate).
    fn check_hashedrekord_v002(&self, rec: &serde_json::Value, digest: &[u8]) -> Result<(), KeylessError> {
        let spec = &rec["spec"]["hashedRekordV002"];
        let field = |ptr: &str| spec.pointer(ptr).and_then(|v| v.as_str()).map(b64).transpose();
        if field("/data/digest")?.as_deref() != Some(digest) {
            return Err(KeylessError::LoggedDigestDiffers);
        }
        if field("/signature/content")?.as_deref() != Some(self.signature) {
            return Err(KeylessError::LoggedSignatureDiffers);
        }
        if field("/signature/verifier/x509Certificate/rawBytes")?.as_deref() != Some(self.leaf_der) {
            return Err(KeylessError::LoggedCertificateDiffers);
        }
        Ok(())
    }

    /// Checks the log's signed entry timestamp over the entry and returns its integrated time
    /// and log index; without one, says why there is no signed time Custody can check.
    fn check_signed_entry_timestamp(&self, logged: &Logged<'_>) -> Result<(i64, i64), KeylessError> {
        let entry = logged.entry;
        let Some(promise) = entry.inclusion_promise.as_ref() else {
            if self.bundle.has_rfc3161 {
                return Err(KeylessError::Rfc3161Unsupported);
            }
            return Err(KeylessError::NoSignedTime);
        };
        let integrated: i64 = number("integrated time", entry.integrated_time.as_deref().ok_or(KeylessError::NoIntegratedTime)?)?;
        let log_index: i64 = number("log index", entry.log_index.as_deref().ok_or(KeylessError::NoLogIndex)?)?;
        let set_message = format!("{{\"body\":\"{}\",\"integratedTime\":{integrated},\"logID\":\"{}\",\"logIndex\":{log_index}}}", logged.body_b64, hex::encode(&logged.log_id));
        if !logged.log.key.verify(set_message.as_bytes(), &b64(&promise.signed_entry_timestamp)?) {
            return Err(KeylessError::BadSignedEntryTimestamp);
        }
        Ok((integrated, log_index))
    }
}

/// Checks the entry's inclusion proof and, when present, its checkpoint; returns which were verified.
fn check_inclusion(logged: &Logged<'_>) -> Result<&'static str, KeylessError> {
    let proof = logged.entry.inclusion_proof.as_ref().ok_or(KeylessError::NoInclusionProof)?;
    let path: Vec<Vec<u8>> = proof.hashes.iter().map(|h| b64(h)).collect::<Result<_, _>>()?;
    let root = b64(&proof.root_hash)?;
    let index: u64 = number("proof index", &proof.log_index)?;
    let size: u64 = number("tree size", &proof.tree_size)?;
    if !verify_inclusion(index, size, &leaf_hash(&logged.body), &path, &root) {
        return Err(KeylessError::InclusionProofFails);
    }
    Ok(match &proof.checkpoint {
        Some(cp) => {
            check_checkpoint(&cp.envelope, &root, size, logged.log)?;
            "inclusion proof and signed checkpoint verified"
        }
        None => "inclusion proof verified; no checkpoint",
    })
}

/// Checks that the checkpoint `envelope` names the tree (`root`, `size`) and is signed by `log`'s key.
fn check_checkpoint(envelope: &str, root: &[u8], size: u64, log: &LogKey) -> Result<(), KeylessError> {
    let cp = parse_checkpoint(envelope)?;
    if cp.root != root || cp.size != size {
        return Err(KeylessError::CheckpointTreeDiffers);
    }
    let Some(hint) = log.log_id.get(..4) else {
        return Err(KeylessError::ShortLogId);
    };
    if !cp.signatures.iter().any(|(_, h, sig)| h == hint && log.key.verify(cp.signed.as_bytes(), sig)) {
        return Err(KeylessError::CheckpointNotSigned);
    }
    Ok(())
}

/// Checks that the signed time lies inside `leaf`'s validity and returns the first of
/// `authorities` valid at that time.
fn authority_valid_at<'a>(leaf: &Cert, authorities: Vec<&'a Authority>, integrated: i64) -> Result<&'a Authority, KeylessError> {
    if integrated < leaf.not_before || integrated > leaf.not_after {
        return Err(KeylessError::CertificateNotValidAt { time: integrated });
    }
    authorities
        .into_iter()
        .find(|a| a.valid_from.is_none_or(|f| integrated >= f) && a.valid_to.is_none_or(|t| integrated <= t))
        .ok_or(KeylessError::AuthorityNotValidAt)
}

#[cfg(test)]
mod tests {
    use super::KeylessError as E;
    use x509_cert::der::Decode;

    /// The messages are part of Custody's answers: each is the text it was before the errors
    /// were typed.
    #[test]
    fn messages_are_unchanged() {
        let der_error = x509_cert::Certificate::from_der(b"not der").unwrap_err();
        let int_error = "x".parse::<u64>().unwrap_err();
        let key_error = || crate::PublicKey::from_spki_der(b"x").unwrap_err();
        let not_base64 = crate::b64::decode("x").unwrap_err();
        let body_error = serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err();
        let body_text = body_error.to_string();
        let rec = serde_json::json!({"kind": "intoto", "apiVersion": "0.0.2"});
        let cases: Vec<(E, String)> = vec![
            (E::NotACertificate(der_error), format!("not an X.509 certificate: {der_error}")),
            (E::Encoding(der_error), der_error.to_string()),
            (E::Base64 { source: not_base64.clone() }, format!("not base64: {}", not_base64.0)),
            (E::Number { what: "tree size", source: int_error.clone() }, format!("tree size: {int_error}")),
            (E::CheckpointWithoutBlankLine, "a checkpoint without the blank line before its signatures".into()),
            (E::CheckpointLineMissing { line: "tree size" }, "no tree size line".into()),
            (E::SignatureLineWithoutEmDash { line: "- x \"y\"".into() }, format!("signature line without the em dash: {:?}", "- x \"y\"")),
            (E::SignatureLineWithoutName, "signature line without a name".into()),
            (E::SignatureTooShort, "signature too short".into()),
            (E::TlogWithoutKey, "a tlog without publicKey.rawBytes".into()),
            (E::TlogKey(key_error()), format!("tlog key: {}", key_error())),
            (E::TlogWithoutLogId, "a tlog without logId.keyId".into()),
            (E::AuthorityWithoutChain, "a certificate authority without certChain".into()),
            (E::CertificateWithoutRawBytes, "a certificate without rawBytes".into()),
            (E::EmptyTrustedRoot, "a trusted root with neither transparency logs nor certificate authorities".into()),
            (E::NotKeyless, "not a keyless bundle".into()),
            (E::UntrustedChain, "the certificate does not chain to a certificate authority of the trusted root".into()),
            (E::CertificateKey(key_error()), format!("certificate key: {}", key_error())),
            (E::BadSignature, "the signature does not verify under the certificate's key".into()),
            (E::NoTlogEntry, "the bundle has no transparency-log entry".into()),
            (E::NoCanonicalizedBody, "the log entry has no canonicalized body".into()),
            (E::NoLogId, "the log entry has no log id".into()),
            (E::UnknownLog, "the entry's log is not in the trusted root".into()),
            (E::LogEntryBody(body_error), format!("log entry body: {body_text}")),
            (E::LoggedDigestDiffers, "the log entry records another artifact digest".into()),
            (E::LoggedSignatureDiffers, "the log entry records another signature".into()),
            (E::LoggedCertificateDiffers, "the log entry records another certificate".into()),
            (
                E::UnsupportedLogEntry { kind: rec["kind"].to_string(), api_version: rec["apiVersion"].to_string() },
                format!("its log entry is of kind {} {}, which Custody does not tie to the bundle yet", rec["kind"], rec["apiVersion"]),
            ),
            (
                E::UnsupportedLogEntry { kind: rec["missing"].to_string(), api_version: rec["apiVersion"].to_string() },
                "its log entry is of kind null \"0.0.2\", which Custody does not tie to the bundle yet".into(),
            ),
            (E::NoInclusionProof, "the entry has no inclusion proof".into()),
            (E::InclusionProofFails, "the inclusion proof does not reach the recorded root".into()),
            (E::CheckpointTreeDiffers, "the checkpoint names another tree than the inclusion proof".into()),
            (E::ShortLogId, "the trusted root's log id is shorter than the 4-byte key hint of a checkpoint signature".into()),
            (E::CheckpointNotSigned, "the checkpoint is not signed by the log's key".into()),
            (E::Rfc3161Unsupported, "everything else verifies, but its signed time is an RFC 3161 timestamp, which Custody does not check yet".into()),
            (
                E::NoSignedTime,
                "no signed time: neither a signed entry timestamp nor an RFC 3161 timestamp, so the certificate's ten-minute validity cannot be checked (Sigstore clients reject such bundles)".into(),
            ),
            (E::NoIntegratedTime, "no integrated time".into()),
            (E::NoLogIndex, "no log index".into()),
            (E::BadSignedEntryTimestamp, "the signed entry timestamp does not verify under the log's key".into()),
            (E::CertificateNotValidAt { time: -5 }, "the certificate was not valid at the signed time -5".into()),
            (E::AuthorityNotValidAt, "the certificate authority was not valid at the signed time".into()),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want, "{e:?}");
        }
    }

    #[test]
    fn checkpoints_and_roots_name_what_went_wrong() {
        assert!(matches!(super::parse_checkpoint("origin"), Err(E::CheckpointWithoutBlankLine)));
        assert!(matches!(super::parse_checkpoint("origin\n\n"), Err(E::CheckpointLineMissing { line: "tree size" })));
        let e = super::parse_checkpoint("origin\nten\nAA==\n\n").unwrap_err();
        assert!(matches!(e, E::Number { what: "tree size", .. }));
        assert!(std::error::Error::source(&e).is_some(), "the integer error is the cause");
        assert!(matches!(super::parse_checkpoint("origin\n1\nAA==\n\n- x AAAAAAA=\n"), Err(E::SignatureLineWithoutEmDash { line }) if line == "- x AAAAAAA="));
        assert!(matches!(super::parse_checkpoint("origin\n1\nAA==\n\n\u{2014} x AAAA\n"), Err(E::SignatureTooShort)));
        assert!(matches!(super::certificate_identity(b"x"), Err(E::NotACertificate(_))));
        assert!(matches!(super::TrustedRoot::from_json(&serde_json::json!({}), "root.json"), Err(E::EmptyTrustedRoot)));
        assert!(matches!(super::TrustedRoot::from_json(&serde_json::json!({"tlogs": [{}]}), "root.json"), Err(E::TlogWithoutKey)));
        let e = super::TrustedRoot::from_json(&serde_json::json!({"tlogs": [{"publicKey": {"rawBytes": "a$bc"}}]}), "root.json").unwrap_err();
        assert!(matches!(e, E::Base64 { .. }), "{e:?}");
        assert_eq!(e.to_string(), "not base64: Invalid symbol 36, offset 1.");
        assert!(std::error::Error::source(&e).is_some_and(|c| c.is::<crate::b64::NotBase64>()), "the base64 error is the cause");
        let e = super::TrustedRoot::from_json(&serde_json::json!({"tlogs": [{"publicKey": {"rawBytes": "AAAA"}}]}), "root.json").unwrap_err();
        assert!(matches!(e, E::TlogKey(crate::keys::PublicKeyError::UnsupportedSpki)), "{e:?}");
    }
}
