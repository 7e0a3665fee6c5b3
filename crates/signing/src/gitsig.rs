//! Signatures on git commits and tags: which kind a signature is, and the SSH signature check.
//!
//! The signed bytes are the object with its signature removed (git2's `extract_signature`
//! gives both halves). SSH signatures (SSHSIG, namespace `git`) carry their public key, so
//! they can always be checked; whether the key is trusted is a separate question answered
//! only by the investigator's allowed-signers.

use super::keys::{KeyFormat, KeyOrigin, KeyRing, KnownKey, PublicKey, PublicKeyError};
use super::openpgp::OpenPgpError;

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
#[derive(Debug)]
pub enum SshOutcome {
    /// The signature verifies; `signer` is the key (with its allowed-signers entry when the
    /// investigator supplied one).
    Valid { signer: KnownKey, principal_matches: Option<bool> },
    /// The signature does not verify over the object under its own key.
    Invalid { reason: SshInvalid, key: Option<PublicKey> },
}

/// Why an SSH signature on a git object is invalid. The messages are the ones Custody's
/// answers carry.
#[derive(Debug, thiserror::Error)]
pub enum SshInvalid {
    /// The armour is not an SSHSIG signature.
    #[error("the SSH signature is malformed: {0}")]
    Malformed(#[source] ssh_key::Error),
    /// The key the signature carries is not one Custody can use.
    #[error("the SSH signature's key cannot be used: {0}")]
    UnusableKey(#[source] PublicKeyError),
    /// The signature is for another namespace than `git` (the one it names).
    #[error("the SSH signature is for namespace {namespace:?}, not \"git\"")]
    WrongNamespace { namespace: String },
    /// The signature does not verify over the object under its own key.
    #[error("the SSH signature does not verify over the object: {0}")]
    DoesNotVerify(#[source] ssh_key::Error),
}

/// Checks an SSHSIG armour over `signed` (namespace `git`). `identity` is the committer's or
/// tagger's email, compared with the allowed-signers principals of a trusted key.
pub fn check_ssh(armour: &str, signed: &[u8], identity: Option<&str>, ring: &KeyRing, file: &str) -> SshOutcome {
    let sig = match ssh_key::SshSig::from_pem(armour.trim()) {
        Ok(s) => s,
        Err(e) => return SshOutcome::Invalid { reason: SshInvalid::Malformed(e), key: None },
    };
    let key = match PublicKey::from_ssh(sig.public_key()) {
        Ok(k) => k,
        Err(e) => return SshOutcome::Invalid { reason: SshInvalid::UnusableKey(e), key: None },
    };
    if sig.namespace() != "git" {
        return SshOutcome::Invalid { reason: SshInvalid::WrongNamespace { namespace: sig.namespace().to_string() }, key: Some(key) };
    }
    let ssh_pub = ssh_key::PublicKey::new(sig.public_key().clone(), "");
    if let Err(e) = ssh_pub.verify("git", signed, &sig) {
        return SshOutcome::Invalid { reason: SshInvalid::DoesNotVerify(e), key: Some(key) };
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
#[derive(Debug)]
pub enum PgpOutcome {
    Valid(KnownKey),
    Invalid(PgpInvalid),
    /// No key named by the signature was supplied or found.
    NoKey { issuer: String },
}

/// Why an OpenPGP signature is invalid. The messages are the ones Custody's answers carry.
#[derive(Debug, thiserror::Error)]
pub enum PgpInvalid {
    /// The armour cannot be read as an OpenPGP signature.
    #[error("the OpenPGP signature is malformed: {0}")]
    Malformed(#[source] OpenPgpError),
    /// No candidate key verifies it: why the last key tried refused it (its message as is).
    #[error("{0}")]
    DoesNotVerify(#[source] OpenPgpError),
}

/// Checks an OpenPGP armour over `signed` against the ring's OpenPGP keys, chosen by the
/// issuer the signature names.
pub fn check_openpgp(armour: &str, signed: &[u8], ring: &KeyRing) -> PgpOutcome {
    let sig = match super::openpgp::read_signature(armour) {
        Ok(s) => s,
        Err(e) => return PgpOutcome::Invalid(PgpInvalid::Malformed(e)),
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
    let mut refused = None;
    for k in candidates {
        match sig.verify(signed, &k.key) {
            Ok(()) => return PgpOutcome::Valid(k.clone()),
            Err(e) => refused = Some(e),
        }
    }
    // candidates is not empty, so at least one key refused it
    PgpOutcome::Invalid(PgpInvalid::DoesNotVerify(refused.unwrap_or(OpenPgpError::BadSignature)))
}

#[cfg(test)]
mod tests {
    use super::{PgpInvalid, PgpOutcome, SshInvalid, SshOutcome, check_openpgp, check_ssh};
    use crate::keys::{KeyFormat, KeyOrigin, KeyRing, KnownKey, PublicKey, PublicKeyError};
    use crate::openpgp::OpenPgpError;
    use std::error::Error as _;

    /// `ssh-keygen -Y sign -n git` of [`SIGNED`] with a throwaway Ed25519 key.
    const GIT_SIG: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgeN3mcKoDtEGHoG3fE1cXcqRW1G
ynme8kBrM0fzg3qmsAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5
AAAAQGmi4+6+IXWW2S1LNnQMDLu0iKYL/Ar+zn81W5deRmzW1RSG8yXWjR73+xSp0bUbAC
r17nx3crNIVh9jdVEc8wA=
-----END SSH SIGNATURE-----
";
    /// The same key and bytes, in the namespace `file`.
    const FILE_SIG: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgeN3mcKoDtEGHoG3fE1cXcqRW1G
ynme8kBrM0fzg3qmsAAAAEZmlsZQAAAAAAAAAGc2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUx
OQAAAEBYKKxhpPDMGgmKt+g6B4Mml07Elyorqk7mX5QVQ/bWsCCZExo3RWCBbppq/LfIUq
9Ap7rPjB+JRe1aWn8HzI0G
-----END SSH SIGNATURE-----
";
    /// The same bytes in the namespace `git`, signed with a throwaway RSA key.
    const RSA_SIG: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAAJcAAAAHc3NoLXJzYQAAAAMBAAEAAACBALkx0DULy7lGPFyTidNSJF
7EAUonpIN9z8ILTCJ/wfsNa3JJdiWja0qbe2Cmhe9Nxne2/qJiZ0zzzu/aQBUghy+YCu15
A1Kzm/2X34sI/Xdb6dDI/9BSCxdVyabqya3did2z8T/eB5TvVrt7QvL1mPD939rhDlpiAX
OI2sDF+373AAAAA2dpdAAAAAAAAAAGc2hhNTEyAAAAlAAAAAxyc2Etc2hhMi01MTIAAACA
khTQRt94Yw4SD7LvPYT1WpXuOuVVBvFbPb9FgYdlXvdIcME8Sm5o0fH4h5/mWB54YnyY2M
bV8/WVlGfoOn/Cfd9wXwvJ84lEliu71wMMT7YXO2TeKob6s8+qwW7eH+qgKw0HiBCtMDVl
L3rkWqrBzGwVvVk3h38gBSlMEeNle6g=
-----END SSH SIGNATURE-----
";
    const SIGNED: &[u8] = b"tree x\n";

    fn ssh_invalid(armour: &str, signed: &[u8]) -> SshInvalid {
        match check_ssh(armour, signed, None, &KeyRing::default(), "repo") {
            SshOutcome::Invalid { reason, .. } => reason,
            other => panic!("{other:?}"),
        }
    }

    /// Each way an SSH signature is invalid has its variant, its cause and the message it had
    /// when the reason was a string.
    #[test]
    fn invalid_ssh_signatures_name_what_went_wrong() {
        assert!(matches!(check_ssh(GIT_SIG, SIGNED, None, &KeyRing::default(), "repo"), SshOutcome::Valid { .. }), "the signature these are cut from verifies");

        let e = ssh_invalid("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----", SIGNED);
        let SshInvalid::Malformed(cause) = &e else { panic!("{e:?}") };
        assert_eq!(e.to_string(), format!("the SSH signature is malformed: {cause}"));
        assert!(e.source().is_some_and(|c| c.is::<ssh_key::Error>()));

        let e = ssh_invalid(RSA_SIG, SIGNED);
        assert!(matches!(e, SshInvalid::UnusableKey(PublicKeyError::UnsupportedSshKey { .. })), "{e:?}");
        assert_eq!(e.to_string(), "the SSH signature's key cannot be used: not a public key Custody can use (SSH key type ssh-rsa)");
        assert!(e.source().is_some_and(|c| c.is::<PublicKeyError>()));

        let e = ssh_invalid(FILE_SIG, SIGNED);
        assert!(matches!(&e, SshInvalid::WrongNamespace { namespace } if namespace == "file"), "{e:?}");
        assert_eq!(e.to_string(), "the SSH signature is for namespace \"file\", not \"git\"");

        let e = ssh_invalid(GIT_SIG, b"tree y\n");
        let SshInvalid::DoesNotVerify(cause) = &e else { panic!("{e:?}") };
        assert_eq!(e.to_string(), format!("the SSH signature does not verify over the object: {cause}"));
        assert!(e.source().is_some_and(|c| c.is::<ssh_key::Error>()));
    }

    /// Each way an OpenPGP signature is invalid has its variant, its cause and the message it
    /// had when the reason was a string.
    #[test]
    fn invalid_openpgp_signatures_name_what_went_wrong() {
        let key = KnownKey {
            key: PublicKey::ed25519(&[1u8; 32]).unwrap(),
            origin: KeyOrigin::Supplied { file: "k.asc".into() },
            principals: Vec::new(),
            namespaces: None,
            format: KeyFormat::OpenPgp,
            aliases: Vec::new(),
        };
        let ring = KeyRing { keys: vec![key], ..KeyRing::default() };

        let PgpOutcome::Invalid(e) = check_openpgp("no armour", SIGNED, &ring) else { panic!("a malformed signature is invalid") };
        assert!(matches!(e, PgpInvalid::Malformed(OpenPgpError::NoArmour)), "{e:?}");
        assert_eq!(e.to_string(), "the OpenPGP signature is malformed: no -----BEGIN PGP armour");
        assert!(e.source().is_some_and(|c| c.is::<OpenPgpError>()));

        // a v4 EdDSA signature packet over a SHA-1 digest, without an issuer: the trusted
        // OpenPGP key is tried, and the digest refused
        let armour = format!("-----BEGIN PGP SIGNATURE-----\n\n{}\n-----END PGP SIGNATURE-----\n", crate::b64::encode_std(&[0x88, 16, 4, 0, 22, 2, 0, 0, 0, 0, 0, 0, 0, 8, 1, 0, 8, 1]));
        let PgpOutcome::Invalid(e) = check_openpgp(&armour, SIGNED, &ring) else { panic!("a SHA-1 signature is invalid") };
        assert!(matches!(e, PgpInvalid::DoesNotVerify(OpenPgpError::WeakHash(2))), "{e:?}");
        assert_eq!(e.to_string(), "the signature uses MD5 or SHA-1, which Custody does not accept");
        assert!(e.source().is_some_and(|c| c.is::<OpenPgpError>()));
    }
}
