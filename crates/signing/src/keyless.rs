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

/// The identity a Fulcio certificate binds: its subject alternative names and OIDC issuer,
/// as `name (issuer)`.
pub fn certificate_identity(der_bytes: &[u8]) -> Result<String, String> {
    let (names, issuer) = certificate_names(der_bytes)?;
    let who = if names.is_empty() { "no subject alternative name".to_string() } else { names.join(", ") };
    Ok(match issuer {
        Some(i) => format!("{who} (issuer {i})"),
        None => who,
    })
}

/// A certificate's subject alternative names and Fulcio OIDC issuer.
pub fn certificate_names(der_bytes: &[u8]) -> Result<(Vec<String>, Option<String>), String> {
    let cert = Certificate::from_der(der_bytes).map_err(|e| format!("not an X.509 certificate: {e}"))?;
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

pub fn parse_checkpoint(note: &str) -> Result<Checkpoint, String> {
    let (body, sigs) = note.split_once("\n\n").ok_or("a checkpoint without the blank line before its signatures")?;
    let mut lines = body.lines();
    let origin = lines.next().ok_or("no origin line")?.to_string();
    let size = lines.next().ok_or("no tree size line")?.parse::<u64>().map_err(|e| format!("tree size: {e}"))?;
    let root = super::b64::decode(lines.next().ok_or("no root hash line")?)?;
    let mut signatures = Vec::new();
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let rest = line.strip_prefix("\u{2014} ").ok_or_else(|| format!("signature line without the em dash: {line:?}"))?;
        let (name, b64sig) = rest.rsplit_once(' ').ok_or("signature line without a name")?;
        let raw = super::b64::decode(b64sig)?;
        if raw.len() < 5 {
            return Err("signature too short".into());
        }
        signatures.push((name.to_string(), [raw[0], raw[1], raw[2], raw[3]], raw[4..].to_vec()));
    }
    Ok(Checkpoint { origin, size, root, signed: format!("{body}\n"), signatures })
}

// ---- keyless verification against a trusted root the investigator supplies ----------------

use super::keys::PublicKey;
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
    pub fn from_json(value: &serde_json::Value, file: &str) -> Result<TrustedRoot, String> {
        let mut logs = Vec::new();
        for t in value.get("tlogs").and_then(|t| t.as_array()).into_iter().flatten() {
            let der = t.pointer("/publicKey/rawBytes").and_then(|v| v.as_str()).ok_or("a tlog without publicKey.rawBytes")?;
            let key = PublicKey::from_spki_der(&super::b64::decode(der)?).map_err(|e| format!("tlog key: {e}"))?;
            let log_id = super::b64::decode(t.pointer("/logId/keyId").and_then(|v| v.as_str()).ok_or("a tlog without logId.keyId")?)?;
            logs.push(LogKey { base_url: t.get("baseUrl").and_then(|v| v.as_str()).unwrap_or_default().to_string(), log_id, key });
        }
        let mut authorities = Vec::new();
        for c in value.get("certificateAuthorities").and_then(|t| t.as_array()).into_iter().flatten() {
            let chain = c
                .pointer("/certChain/certificates")
                .and_then(|v| v.as_array())
                .ok_or("a certificate authority without certChain")?
                .iter()
                .map(|x| x.get("rawBytes").and_then(|r| r.as_str()).ok_or_else(|| "a certificate without rawBytes".to_string()).and_then(super::b64::decode))
                .collect::<Result<Vec<_>, _>>()?;
            let name = c.get("uri").and_then(|v| v.as_str()).map(str::to_string).unwrap_or_else(|| c.pointer("/subject/commonName").and_then(|v| v.as_str()).unwrap_or("CA").to_string());
            authorities.push(Authority { name, chain, valid_from: rfc3339(&c["validFor"]["start"]), valid_to: rfc3339(&c["validFor"]["end"]) });
        }
        if logs.is_empty() && authorities.is_empty() {
            return Err("a trusted root with neither transparency logs nor certificate authorities".into());
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

fn parse_cert(der_bytes: &[u8]) -> Result<Cert, String> {
    let c = Certificate::from_der(der_bytes).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    Ok(Cert {
        tbs: c.tbs_certificate.to_der().map_err(|e| e.to_string())?,
        sig_alg: c.signature_algorithm.oid.to_string(),
        signature: c.signature.raw_bytes().to_vec(),
        spki: c.tbs_certificate.subject_public_key_info.to_der().map_err(|e| e.to_string())?,
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
#[derive(Debug, Clone)]
pub struct KeylessOutcome {
    pub identity: String,
    /// `Ok(summary)` when every check passed, `Err(the first check that failed)` otherwise.
    pub result: Result<String, String>,
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
        return KeylessOutcome { identity: String::new(), result: Err("not a keyless bundle".into()), unsupported: false };
    };
    let leaf_der = certs.first().cloned().unwrap_or_default();
    let identity = certificate_identity(&leaf_der).unwrap_or_else(|e| format!("unreadable certificate: {e}"));
    let mut unsupported = false;
    let result = (|| -> Result<String, String> {
        let leaf = parse_cert(&leaf_der)?;
        // 1. the certificate chain (the time comes last)
        let authorities: Vec<&Authority> = roots
            .iter()
            .flat_map(|r| r.authorities.iter())
            .filter(|a| {
                let Ok(chain) = a.chain.iter().map(|c| parse_cert(c)).collect::<Result<Vec<_>, _>>() else { return false };
                let Some(first) = chain.first() else { return false };
                signed_by(&leaf, first) && chain.windows(2).all(|w| signed_by(&w[0], &w[1]))
            })
            .collect();
        if authorities.is_empty() {
            return Err("the certificate does not chain to a certificate authority of the trusted root".into());
        }
        // 2. the signature under the certificate's key
        let key = PublicKey::from_spki_der(&leaf.spki).map_err(|e| format!("certificate key: {e}"))?;
        let digest: Vec<u8> = match &signed {
            Signed::Pae(pae) => {
                if !key.verify(pae, signature) {
                    return Err("the signature does not verify under the certificate's key".into());
                }
                Sha256::digest(pae).to_vec()
            }
            Signed::Artifact { bytes, digest } => {
                let ok = match bytes {
                    Some(b) => key.verify(b, signature),
                    None => key.verify_prehash(digest, signature),
                };
                if !ok {
                    return Err("the signature does not verify under the certificate's key".into());
                }
                digest.to_vec()
            }
        };
        // 3. the log entry records this signature, certificate and digest
        let entry = bundle.tlog_entries.first().ok_or("the bundle has no transparency-log entry")?;
        let body_b64 = entry.canonicalized_body.as_deref().ok_or("the log entry has no canonicalized body")?;
        let body = super::b64::decode(body_b64)?;
        let log_id = super::b64::decode(&entry.log_id.as_ref().ok_or("the log entry has no log id")?.key_id)?;
        let log = roots.iter().flat_map(|r| r.logs.iter()).find(|l| l.log_id == log_id).ok_or("the entry's log is not in the trusted root")?;
        let rec: serde_json::Value = serde_json::from_slice(&body).map_err(|e| format!("log entry body: {e}"))?;
        if rec["kind"] == "hashedrekord" && rec["apiVersion"] == "0.0.1" {
            if rec.pointer("/spec/data/hash/value").and_then(|v| v.as_str()) != Some(hex::encode(&digest).as_str()) {
                return Err("the log entry records another artifact digest".into());
            }
            let logged_sig = rec.pointer("/spec/signature/content").and_then(|v| v.as_str()).map(super::b64::decode).transpose()?;
            if logged_sig.as_deref() != Some(signature) {
                return Err("the log entry records another signature".into());
            }
            let logged_cert = rec.pointer("/spec/signature/publicKey/content").and_then(|v| v.as_str()).map(super::b64::decode).transpose()?.unwrap_or_default();
            let pem = String::from_utf8_lossy(&logged_cert).into_owned();
            if super::keys::pem_block(&pem, "CERTIFICATE").as_deref() != Some(leaf_der.as_slice()) {
                return Err("the log entry records another certificate".into());
            }
        } else if rec["kind"] == "hashedrekord" && rec["apiVersion"] == "0.0.2" {
            let spec = &rec["spec"]["hashedRekordV002"];
            let field = |ptr: &str| spec.pointer(ptr).and_then(|v| v.as_str()).map(super::b64::decode).transpose();
            if field("/data/digest")?.as_deref() != Some(digest.as_slice()) {
                return Err("the log entry records another artifact digest".into());
            }
            if field("/signature/content")?.as_deref() != Some(signature) {
                return Err("the log entry records another signature".into());
            }
            if field("/signature/verifier/x509Certificate/rawBytes")?.as_deref() != Some(leaf_der.as_slice()) {
                return Err("the log entry records another certificate".into());
            }
        } else {
            unsupported = true;
            return Err(format!("its log entry is of kind {} {}, which Custody does not tie to the bundle yet", rec["kind"], rec["apiVersion"]));
        }
        // 4. inclusion in the log, and the checkpoint
        let proof = entry.inclusion_proof.as_ref().ok_or("the entry has no inclusion proof")?;
        let path: Vec<Vec<u8>> = proof.hashes.iter().map(|h| super::b64::decode(h)).collect::<Result<_, _>>()?;
        let root = super::b64::decode(&proof.root_hash)?;
        let index: u64 = proof.log_index.parse().map_err(|e| format!("proof index: {e}"))?;
        let size: u64 = proof.tree_size.parse().map_err(|e| format!("tree size: {e}"))?;
        if !verify_inclusion(index, size, &leaf_hash(&body), &path, &root) {
            return Err("the inclusion proof does not reach the recorded root".into());
        }
        let checkpoint = match &proof.checkpoint {
            Some(cp) => {
                let cp = parse_checkpoint(&cp.envelope)?;
                if cp.root != root || cp.size != size {
                    return Err("the checkpoint names another tree than the inclusion proof".into());
                }
                let Some(hint) = log.log_id.get(..4) else {
                    return Err("the trusted root's log id is shorter than the 4-byte key hint of a checkpoint signature".into());
                };
                if !cp.signatures.iter().any(|(_, h, sig)| h == hint && log.key.verify(cp.signed.as_bytes(), sig)) {
                    return Err("the checkpoint is not signed by the log's key".into());
                }
                "inclusion proof and signed checkpoint verified"
            }
            None => "inclusion proof verified; no checkpoint",
        };
        // 5. a signed time inside the certificate's and the authority's validity
        let Some(promise) = entry.inclusion_promise.as_ref() else {
            if bundle.has_rfc3161 {
                unsupported = true;
                return Err("everything else verifies, but its signed time is an RFC 3161 timestamp, which Custody does not check yet".into());
            }
            return Err("no signed time: neither a signed entry timestamp nor an RFC 3161 timestamp, so the certificate's ten-minute validity cannot be checked (Sigstore clients reject such bundles)".into());
        };
        let integrated: i64 = entry.integrated_time.as_deref().ok_or("no integrated time")?.parse().map_err(|e| format!("integrated time: {e}"))?;
        let log_index: i64 = entry.log_index.as_deref().ok_or("no log index")?.parse().map_err(|e| format!("log index: {e}"))?;
        let set_message = format!("{{\"body\":\"{body_b64}\",\"integratedTime\":{integrated},\"logID\":\"{}\",\"logIndex\":{log_index}}}", hex::encode(&log_id));
        if !log.key.verify(set_message.as_bytes(), &super::b64::decode(&promise.signed_entry_timestamp)?) {
            return Err("the signed entry timestamp does not verify under the log's key".into());
        }
        if integrated < leaf.not_before || integrated > leaf.not_after {
            return Err(format!("the certificate was not valid at the signed time {integrated}"));
        }
        let authority = authorities
            .into_iter()
            .find(|a| a.valid_from.is_none_or(|f| integrated >= f) && a.valid_to.is_none_or(|t| integrated <= t))
            .ok_or("the certificate authority was not valid at the signed time")?;
        let when = jiff::Timestamp::from_second(integrated).map(|t| t.to_string()).unwrap_or_else(|_| integrated.to_string());
        Ok(format!("certificate chains to {} in the trusted root; logged in {} at index {log_index} (signed time {when}; {checkpoint})", authority.name, log.base_url))
    })();
    KeylessOutcome { identity, result, unsupported }
}
