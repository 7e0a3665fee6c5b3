//! The verification status a finding gives a node, and the verdict class each status belongs
//! to.
//!
//! Why here: the lineage graph carries each node's status (the worst finding about it), so the
//! status is part of the graph's vocabulary; verification produces the findings that set it.

/// The verification status of a check, from best to worst.
///
/// Each status belongs to one [`VerdictClass`]; only the tamper-indicating, contradiction and
/// loss classes are failures (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Status {
    /// The claim holds against the bytes or the other source.
    Verified,
    /// A signature verifies under a key the investigator trusts, over these very bytes.
    SignatureValid,
    /// Worth knowing, not a failure: an exploratory run whose params differ from the
    /// pipeline at its commit, a run that never logged an artifact.
    Informational,
    /// Nothing to check the claim against.
    Unverifiable,
    /// The claim is about bytes whose store was never part of the evidence (a DVC remote, a
    /// cache that was not copied, a remote artifact store): not collected, not lost.
    NotCollected,
    /// A signature verifies, but under a key the investigator did not supply (found in the
    /// evidence or carried by the signature): it proves who signed only if that key is
    /// trusted, so it fails verification until it is (`--trust`).
    UntrustedKey,
    /// Something a record says exists, and that should be in the evidence, is absent.
    Missing,
    /// Two sources claim things that cannot both be true.
    Conflict,
    /// The bytes contradict the claim.
    Mismatch,
    /// A signature does not verify: the signed bytes or the signature were changed, or the
    /// signature is malformed.
    SignatureInvalid,
}

/// What a status means for the verdict, in the order an investigator reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum VerdictClass {
    /// The bytes or a signature say something was changed: `mismatch`, `signature-invalid`,
    /// and `untrusted-key` (a valid signature by a key nobody vouched for, as a re-signing
    /// attacker leaves it).
    Tamper,
    /// Two records that cannot both be true: `conflict`.
    Contradiction,
    /// Something a record says exists, and that should be in the evidence, is not: `missing`.
    Loss,
    /// A claim about bytes whose store was never part of the evidence: `not-collected`.
    NotCollected,
    /// Worth knowing, or nothing to check against: `informational`, `unverifiable`.
    Informational,
    /// The claim holds: `verified`, `signature-valid`.
    Verified,
}

impl VerdictClass {
    pub const ALL: [VerdictClass; 6] =
        [VerdictClass::Tamper, VerdictClass::Contradiction, VerdictClass::Loss, VerdictClass::NotCollected, VerdictClass::Informational, VerdictClass::Verified];

    pub fn name(self) -> &'static str {
        match self {
            VerdictClass::Tamper => "tamper",
            VerdictClass::Contradiction => "contradiction",
            VerdictClass::Loss => "loss",
            VerdictClass::NotCollected => "not-collected",
            VerdictClass::Informational => "informational",
            VerdictClass::Verified => "verified",
        }
    }

    /// A heading for a list of findings of this class.
    pub fn heading(self) -> &'static str {
        match self {
            VerdictClass::Tamper => "Tamper-indicating",
            VerdictClass::Contradiction => "Contradictions",
            VerdictClass::Loss => "Loss",
            VerdictClass::NotCollected => "Not collected",
            VerdictClass::Informational => "Informational",
            VerdictClass::Verified => "Verified",
        }
    }

    /// Whether findings of this class fail verification (exit code 1).
    pub fn is_failure(self) -> bool {
        matches!(self, VerdictClass::Tamper | VerdictClass::Contradiction | VerdictClass::Loss)
    }
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Verified,
        Status::SignatureValid,
        Status::Informational,
        Status::Unverifiable,
        Status::NotCollected,
        Status::UntrustedKey,
        Status::Missing,
        Status::Conflict,
        Status::Mismatch,
        Status::SignatureInvalid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::SignatureValid => "signature-valid",
            Status::Informational => "informational",
            Status::Unverifiable => "unverifiable",
            Status::NotCollected => "not-collected",
            Status::UntrustedKey => "untrusted-key",
            Status::Missing => "missing",
            Status::Conflict => "conflict",
            Status::Mismatch => "mismatch",
            Status::SignatureInvalid => "signature-invalid",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.name() == s)
    }

    /// Higher is worse.
    pub fn severity(self) -> u8 {
        Status::ALL.iter().position(|s| *s == self).unwrap_or(0) as u8
    }

    /// The verdict class this status belongs to.
    pub fn class(self) -> VerdictClass {
        match self {
            Status::Verified | Status::SignatureValid => VerdictClass::Verified,
            Status::Informational | Status::Unverifiable => VerdictClass::Informational,
            Status::NotCollected => VerdictClass::NotCollected,
            Status::Missing => VerdictClass::Loss,
            Status::Conflict => VerdictClass::Contradiction,
            Status::UntrustedKey | Status::Mismatch | Status::SignatureInvalid => VerdictClass::Tamper,
        }
    }

    /// Whether this status indicates tampering, loss or contradiction (exit code 1).
    pub fn is_failure(self) -> bool {
        self.class().is_failure()
    }
}
