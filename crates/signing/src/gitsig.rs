//! Signatures on git commits and tags: which kind a signature is, and the SSH signature check.
//!
//! The signed bytes are the object with its signature removed (git2's `extract_signature`
//! gives both halves). SSH signatures (SSHSIG, namespace `git`) carry their public key, so
//! they can always be checked; whether the key is trusted is a separate question answered
//! only by the investigator's allowed-signers.

use super::keys::{KeyOrigin, KeyRing, KnownKey, PublicKey, KeyFormat};

/// The armour of a git signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GitSignatureKind {
    Ssh,
    OpenPgp,
    X509,
    Unknown,
}

impl GitSignatureKind {
    pub fn of(armour: &str) -> GitSignatureKind {
        if armour.contains("-----BEGIN SSH SIGNATURE-----") {
            GitSignatureKind::Ssh
        } else if armour.contains("-----BEGIN PGP SIGNATURE-----") {
            GitSignatureKind::OpenPgp
        } else if armour.contains("-----BEGIN SIGNED MESSAGE-----") {
            GitSignatureKind::X509
        } else {
            GitSignatureKind::Unknown
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            GitSignatureKind::Ssh => "SSH",
            GitSignatureKind::OpenPgp => "OpenPGP",
            GitSignatureKind::X509 => "X.509 (CMS)",
            GitSignatureKind::Unknown => "unknown",
        }
    }
}

/// The result of checking an SSH signature on a git object.
#[derive(Debug, Clone)]
pub enum SshOutcome {
    /// The signature verifies; `signer` is the key (with its allowed-signers entry when the
    /// investigator supplied one).
    Valid { signer: KnownKey, principal_matches: Option<bool> },
    /// The signature does not verify over the object under its own key.
    Invalid { reason: String, key: Option<PublicKey> },
}

/// Checks an SSHSIG armour over `signed` (namespace `git`). `identity` is the committer's or
/// tagger's email, compared with the allowed-signers principals of a trusted key.
pub fn check_ssh(armour: &str, signed: &[u8], identity: Option<&str>, ring: &KeyRing, file: &str) -> SshOutcome {
    let sig = match ssh_key::SshSig::from_pem(armour.trim()) {
        Ok(s) => s,
        Err(e) => return SshOutcome::Invalid { reason: format!("the SSH signature is malformed: {e}"), key: None },
    };
    let key = match PublicKey::from_ssh(sig.public_key()) {
        Ok(k) => k,
        Err(e) => return SshOutcome::Invalid { reason: format!("the SSH signature's key cannot be used: {e}"), key: None },
    };
    if sig.namespace() != "git" {
        return SshOutcome::Invalid { reason: format!("the SSH signature is for namespace {:?}, not \"git\"", sig.namespace()), key: Some(key) };
    }
    let ssh_pub = ssh_key::PublicKey::new(sig.public_key().clone(), "");
    if let Err(e) = ssh_pub.verify("git", signed, &sig) {
        return SshOutcome::Invalid { reason: format!("the SSH signature does not verify over the object: {e}"), key: Some(key) };
    }
    // Trusted only through a supplied key whose allowed-signers entry admits the git namespace.
    let trusted = ring.keys.iter().find(|k| k.key == key && k.is_trusted() && k.namespaces.as_ref().is_none_or(|ns| ns.iter().any(|n| n == "git")));
    match trusted {
        Some(k) => {
            let principal_matches = identity.filter(|_| !k.principals.is_empty()).map(|id| k.principals.iter().any(|p| principal_matches(p, id)));
            SshOutcome::Valid { signer: k.clone(), principal_matches }
        }
        None => {
            // an evidence copy of the key, or the key the signature carries: never trusted,
            // even when a trusted entry for the key exists but does not admit the git namespace
            let restricted = ring.keys.iter().any(|k| k.key == key && k.is_trusted());
            let known = ring.keys.iter().find(|k| k.key == key && !k.is_trusted()).cloned().unwrap_or(KnownKey {
                key,
                origin: KeyOrigin::Embedded { file: if restricted { format!("{file}; the investigator's allowed-signers entry for this key does not admit the git namespace") } else { file.to_string() } },
                principals: Vec::new(),
                namespaces: None,
                format: KeyFormat::Embedded,
                aliases: Vec::new(),
            });
            SshOutcome::Valid { signer: known, principal_matches: None }
        }
    }
}

/// allowed-signers principals may be wildcard patterns (`*@example.com`).
fn principal_matches(pattern: &str, identity: &str) -> bool {
    if let Some(suffix) = pattern.strip_prefix('*') {
        return identity.ends_with(suffix);
    }
    pattern.eq_ignore_ascii_case(identity)
}

/// The result of checking an OpenPGP signature on a git object.
#[derive(Debug, Clone)]
pub enum PgpOutcome {
    Valid(KnownKey),
    Invalid(String),
    /// No key named by the signature was supplied or found.
    NoKey { issuer: String },
}

/// Checks an OpenPGP armour over `signed` against the ring's OpenPGP keys, chosen by the
/// issuer the signature names.
pub fn check_openpgp(armour: &str, signed: &[u8], ring: &KeyRing) -> PgpOutcome {
    let sig = match super::openpgp::read_signature(armour) {
        Ok(s) => s,
        Err(e) => return PgpOutcome::Invalid(format!("the OpenPGP signature is malformed: {e}")),
    };
    let pgp_keys: Vec<&KnownKey> = ring.keys.iter().filter(|k| k.format == KeyFormat::OpenPgp).collect();
    let mut candidates: Vec<&KnownKey> = pgp_keys.iter().copied().filter(|k| sig.issuer.iter().any(|i| k.is_named_by(i))).collect();
    if candidates.is_empty() {
        // the issuer is only a hint: with trusted OpenPGP keys at hand, none of them may verify it
        candidates = pgp_keys.iter().copied().filter(|k| k.is_trusted()).collect();
    }
    candidates.sort_by_key(|k| !k.is_trusted());
    if candidates.is_empty() {
        return PgpOutcome::NoKey { issuer: sig.issuer.first().cloned().unwrap_or_else(|| "(no issuer subpacket)".into()) };
    }
    let mut reason = String::new();
    for k in candidates {
        match sig.verify(signed, &k.key) {
            Ok(()) => return PgpOutcome::Valid(k.clone()),
            Err(e) => reason = e.to_string(),
        }
    }
    PgpOutcome::Invalid(reason)
}
