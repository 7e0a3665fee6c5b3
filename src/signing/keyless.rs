//! The parts of keyless (Sigstore) verification that need no network: who a Fulcio
//! certificate names, and RFC 6962 / RFC 9162 Merkle inclusion proofs of transparency-log
//! entries.
//!
//! What is not here yet: checking the certificate chain and the checkpoint signature against
//! a trusted root the investigator supplies. Until then keyless bundles are reported as
//! `unverifiable`, with the certificate identity, never as valid.

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
    let who = if names.is_empty() { "no subject alternative name".to_string() } else { names.join(", ") };
    Ok(match issuer {
        Some(i) => format!("{who} (issuer {i})"),
        None => who,
    })
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
