//! The verdict on one signature, and the finding it gives each file the signature covers.
//!
//! Why: whatever the format (DSSE, Sigstore bundle, detached, OpenPGP, git), a signature check
//! ends in one of four answers, and a covered file's finding follows from that answer and from
//! the file's bytes. Deciding both in one place keeps the statuses and their wording the same
//! for every format.
//!
//! Guarantees:
//! * `signature-valid` only under a key the investigator supplied; `untrusted-key` for a valid
//!   signature under any other key; `signature-invalid`; `unverifiable` when no key is at hand;
//! * of several signatures on one envelope the best decides (t-of-n with t = 1);
//! * a covered file is checked by its digest first: absent is `missing`, other bytes are
//!   `mismatch`, a digest Custody does not compute is `unverifiable`; only the signed bytes
//!   take the signature's own status;
//! * the signature's finding and every finding it gives a covered file name the signer
//!   ([`Finding::signer`]: label, key fingerprint, trust) whenever a key or certificate
//!   identity verifies the signature, trusted or not, and no signer otherwise; the detail
//!   says the same in words.

use super::{Cx, record_label};
use crate::{Algorithm, Check, Finding, Signer, Status};
use custody_evidence::RelPath;
use custody_lineage::Witness;
use custody_lineage::signed;
use custody_signing::dsse::Envelope;
use custody_signing::keys::{KnownKey, SignatureCheck};
use custody_sources::signatures::SignatureRecord;

/// The verdict on one signature, before it is applied to what it covers.
#[derive(Debug, Clone)]
pub(super) struct Verdict {
    pub(super) status: Status,
    /// The key that verifies the signature, when one does.
    pub(super) key: Option<KnownKey>,
    /// Who signed, as the findings name them: the key, or a keyless certificate identity,
    /// when either verifies the signature.
    pub(super) signer: Option<Signer>,
    pub(super) detail: String,
}

impl Verdict {
    pub(super) fn of(check: SignatureCheck, what: &str) -> Verdict {
        match check {
            SignatureCheck::Valid(k) if k.is_trusted() => {
                let detail = format!("{what} verifies under {} ({})", k.label(), k.origin.describe());
                Verdict::by(k, detail)
            }
            SignatureCheck::Valid(k) => {
                let detail = format!("{what} verifies under {} ({}); supply the signer's key with --trust if it is the expected signer", k.label(), k.origin.describe());
                Verdict::by(k, detail)
            }
            SignatureCheck::Invalid { reason, .. } => Verdict::invalid(format!("{what} is invalid: {reason}")),
            SignatureCheck::NoKey { named } => Verdict::unverifiable(if named.is_empty() {
                format!("{what} cannot be checked: no supplied or evidence key verifies it; supply the signer's public key with --trust")
            } else {
                format!("{what} cannot be checked: no key named {named} was supplied or found; supply the signer's public key with --trust")
            }),
        }
    }

    /// A signature that verifies under `k`: valid when the investigator trusts `k`.
    pub(super) fn by(k: KnownKey, detail: String) -> Verdict {
        let status = if k.is_trusted() { Status::SignatureValid } else { Status::UntrustedKey };
        Verdict { status, signer: Some(Signer::key(&k)), key: Some(k), detail }
    }

    /// A keyless signature that verifies for the certificate identity `signer`: valid when
    /// the investigator trusts that identity.
    pub(super) fn by_identity(signer: Signer, detail: String) -> Verdict {
        let status = if signer.trusted { Status::SignatureValid } else { Status::UntrustedKey };
        Verdict { status, key: None, signer: Some(signer), detail }
    }

    pub(super) fn invalid(detail: String) -> Verdict {
        Verdict { status: Status::SignatureInvalid, key: None, signer: None, detail }
    }

    /// A signature Custody cannot check (no key, no trust root, no artifact, a format it does
    /// not verify).
    pub(super) fn unverifiable(detail: String) -> Verdict {
        Verdict { status: Status::Unverifiable, key: None, signer: None, detail }
    }
}

/// A signed claim being applied to what it covers: the node that covers (the signature, or
/// the attestation it signs), the record it was read from, and the signature's verdict.
pub(super) struct Claim<'r> {
    pub(super) from: &'r str,
    pub(super) record: &'r SignatureRecord,
    pub(super) verdict: &'r Verdict,
}

impl Claim<'_> {
    /// Where the claim was read: the signature file (and line).
    pub(super) fn witness(&self) -> Witness {
        Witness::new(self.record.file.as_str(), record_label(self.record))
    }
}

impl Cx<'_, '_> {
    /// The verdict on a DSSE envelope: the best of its signatures. `legacy` also tries the
    /// pre-1.0 model-signing encoding of the signed bytes.
    pub(super) fn envelope_verdict(&self, env: &Envelope, key_hint: Option<&str>, legacy: bool, what: &str) -> Verdict {
        let pae = env.pae();
        let mut best: Option<Verdict> = None;
        for s in &env.signatures {
            let named = if s.keyid.is_empty() { key_hint.unwrap_or("") } else { s.keyid.as_str() };
            let mut check = self.ring.check(named, &pae, &s.sig);
            if legacy && !matches!(check, SignatureCheck::Valid(_)) {
                if let v @ SignatureCheck::Valid(_) = self.ring.check(named, &env.pae_model_signing_legacy(), &s.sig) {
                    check = v;
                }
            }
            let v = Verdict::of(check, what);
            // the best signature decides (t-of-n with t = 1)
            if best.as_ref().is_none_or(|b| v.status.severity() < b.status.severity() || b.status == Status::Unverifiable && v.status != Status::Unverifiable) {
                best = Some(v);
            }
        }
        best.unwrap_or_else(|| Verdict::invalid(format!("{what} has no signatures")))
    }

    /// One finding on a covered file: the digest first, then the signature's status.
    pub(super) fn cover(&mut self, claim: &Claim, rel: &RelPath, expected: Option<(&str, &str)>) {
        let (from, verdict) = (claim.from, claim.verdict);
        let fid = self.file_node(rel);
        signed::link_subject(self.lineage, from, &fid);
        let witness = claim.witness();
        let algorithm = match expected {
            Some(("md5", _)) => Algorithm::Md5,
            _ => Algorithm::Sha256,
        };
        let present = self.index.table.get(rel, Algorithm::Sha256).is_ok();
        let actual = if present { self.index.table.get(rel, algorithm).ok().map(str::to_string) } else { None };
        let f = match (expected, &actual) {
            (_, None) if !present => Finding::new(Status::Missing, Check::SignedDigest, self.node(&fid), "a file the signature covers is absent from the evidence"),
            (Some((alg, want)), _) if alg != "sha256" && !(alg == "md5" && actual.is_some()) => {
                Finding::new(Status::Unverifiable, Check::SignedDigest, self.node(&fid), format!("covered by a {alg} digest, which Custody does not compute for this file")).expect(want.to_string(), None)
            }
            (_, None) => Finding::new(Status::Unverifiable, Check::SignedDigest, self.node(&fid), "the file's digest could not be computed"),
            (Some((alg, want)), Some(have)) if want != have => Finding::new(
                Status::Mismatch,
                Check::SignedDigest,
                self.node(&fid),
                format!("the file's bytes differ from the {alg} digest the signature covers: it was changed after signing"),
            )
            .expect(want.to_string(), Some(have.clone())),
            (expected, Some(have)) => {
                let detail = match verdict.status {
                    Status::SignatureValid | Status::UntrustedKey => format!("the file's bytes are the signed bytes; {}", verdict.detail),
                    _ => format!("the file's digest matches the signed statement, but {}", verdict.detail),
                };
                let mut f = Finding::new(verdict.status, Check::SignedDigest, self.node(&fid), detail);
                if let Some((_, want)) = expected {
                    f = f.expect(want.to_string(), Some(have.clone()));
                }
                f
            }
        };
        self.out.push(f.at(rel).by(witness).signed_by(verdict.signer.as_ref()));
    }
}
