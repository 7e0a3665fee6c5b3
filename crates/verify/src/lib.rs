//! Verification: every claim a source makes is checked against the bytes or against what
//! another source claims, and each check yields a [`Finding`].
//!
//! Why: an investigator needs, for each thing in the lineage, a status with its evidence: the
//! claim, the record that made it, and what was observed. A check never stops at the first
//! problem; it reports every one and keeps going.
//!
//! How: checks first *plan* which files they need digests of ([`Plan`]); all those files are
//! hashed in one parallel pass ([`custody_evidence::hashing`]); then the planned file claims and the
//! cross-source checks are evaluated. No file is hashed twice in one verification.

pub mod checks;
pub mod coverage;
pub mod params;
pub mod served;
pub mod signatures;
pub mod verdict;

use std::collections::{BTreeMap, HashMap};

use custody_evidence::RelPath;
use custody_evidence::hashing::{Algorithms, Digests};
use custody_lineage::{Lineage, NodeKind, Witness};
use custody_signing::keys::{KeyOrigin, KnownKey};
pub use custody_lineage::status::{Status, VerdictClass};

/// Which check produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Check {
    /// An evidence file still has the SHA-256 it had when acquired.
    EvidenceRegister,
    /// A DVC-tracked file in the work tree has the digest its lock or `.dvc` file claims.
    DvcWorkspace,
    /// A DVC cache object is present and its bytes hash to its name.
    DvcCache,
    /// A lock file's dependency that git tracks has the claimed digest at that commit.
    DvcGitDependency,
    /// Git objects of a commit the case uses re-hash to their names.
    GitObjects,
    /// A run's recorded commit exists in a repository of the evidence.
    RunCommit,
    /// A run's parameters agree with `dvc.lock` at the run's commit.
    RunParams,
    /// A model version's source resolves and agrees with its run.
    ModelVersionSource,
    /// A registry alias points at an existing version.
    AliasTarget,
    /// An artifact location recorded by MLflow exists in the evidence.
    ArtifactLocation,
    /// A model's own `MLmodel` file agrees with the registry about its run and id.
    ModelMetadata,
    /// A dataset input's recorded source can be found in the evidence.
    DatasetSource,
    /// A file or link in the evidence is unusual (a link leaving the evidence, say).
    EvidenceFile,
    /// A record inside a source could not be read.
    SourceRecord,
    /// A signature (DSSE envelope, Sigstore bundle, detached signature) verifies under a key.
    Signature,
    /// A signed file still has the digest its signature or attestation covers.
    SignedDigest,
    /// A git commit's signature verifies under a key.
    CommitSignature,
    /// A provenance attestation's claims agree with the evidence (commit, data, run).
    Provenance,
    /// The model digest an inference log records is the SHA-256 of the served version's file.
    ServedModel,
}

impl Check {
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// The node a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NodeRef {
    pub kind: NodeKind,
    pub id: String,
    pub label: String,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Finding {
    pub status: Status,
    pub check: Check,
    pub node: NodeRef,
    /// The evidence file involved, relative to the evidence root.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// The record that made the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source: Option<Witness>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub observed: Option<String>,
    pub detail: String,
    /// Structured detail for a user interface (a table diff, say), when there is any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub explanation: Option<serde_json::Value>,
    /// Who signed the claim this finding checks, when it comes from a signature that verifies
    /// under a key or a certificate identity (trusted or not): the signature's own finding and
    /// those of the files and commits it covers. None when nothing verifies the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signer: Option<Signer>,
}

impl Finding {
    pub fn new(status: Status, check: Check, node: NodeRef, detail: impl Into<String>) -> Finding {
        Finding { status, check, node, path: None, source: None, expected: None, observed: None, detail: detail.into(), explanation: None, signer: None }
    }
    /// The evidence file involved.
    pub fn at(mut self, path: &RelPath) -> Finding {
        self.path = Some(path.as_str().to_string());
        self
    }
    /// The record that made the claim.
    pub fn by(mut self, w: Witness) -> Finding {
        self.source = Some(w);
        self
    }
    /// What was claimed and what was observed.
    pub fn expect(mut self, expected: impl Into<String>, observed: Option<String>) -> Finding {
        self.expected = Some(expected.into());
        self.observed = observed;
        self
    }
    /// Who signed the claim checked, when a key or certificate identity verifies its signature.
    pub fn signed_by(mut self, signer: Option<&Signer>) -> Finding {
        self.signer = signer.cloned();
        self
    }
}

/// Who signed: the key a signature verifies under, or the certificate identity of a keyless
/// (Sigstore) signature, and whether and why the investigator trusts it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Signer {
    /// A short name: a key's allowed-signers principal or its algorithm and fingerprint prefix
    /// ("ECDSA P-256 key 5c384f9c9a0b"), or a certificate identity.
    pub label: String,
    /// The key's fingerprint (hex SHA-256 of its SubjectPublicKeyInfo, the id of its `key:`
    /// node); none for a certificate identity, which has no lasting key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub key_fingerprint: Option<String>,
    /// Whether the investigator trusts the signer ([`Trust::is_trusted`]).
    pub trusted: bool,
    /// Why the signer is trusted or not: where the key came from, or whether the identity is
    /// one the investigator named.
    pub trust: Trust,
    /// The same in words, with the file the key came from ("trusted: supplied by the
    /// investigator (/keys/release-p256.pub)"), as the key's node lists its origins.
    pub origin: String,
}

/// Why the investigator trusts a signer, or does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Trust {
    /// A key the investigator supplied (`--trust`): trusted.
    SuppliedKey,
    /// A certificate identity the investigator trusts (`--trust-identity`): trusted.
    TrustedIdentity,
    /// A key found in the evidence: listed, never trusted.
    EvidenceKey,
    /// A key carried inside the signature itself (an SSH signature's): never trusted.
    EmbeddedKey,
    /// A certificate identity the investigator has not said to trust.
    UntrustedIdentity,
}

impl Trust {
    /// Only the investigator's own keys and identities are trusted.
    pub fn is_trusted(self) -> bool {
        matches!(self, Trust::SuppliedKey | Trust::TrustedIdentity)
    }
}

impl Signer {
    /// The key a signature verifies under.
    pub fn key(k: &KnownKey) -> Signer {
        let trust = match k.origin {
            KeyOrigin::Supplied { .. } => Trust::SuppliedKey,
            KeyOrigin::Evidence { .. } => Trust::EvidenceKey,
            KeyOrigin::Embedded { .. } => Trust::EmbeddedKey,
        };
        Signer { label: k.label(), key_fingerprint: Some(k.key.fingerprint()), trusted: trust.is_trusted(), trust, origin: k.origin.describe() }
    }

    /// A keyless signature's certificate identity (its names and OIDC issuer, as the detail
    /// gives them); `trusted` when the investigator named the identity.
    pub fn identity(identity: &str, trusted: bool) -> Signer {
        let (trust, origin) = if trusted {
            (Trust::TrustedIdentity, "trusted: a certificate identity the investigator trusts")
        } else {
            (Trust::UntrustedIdentity, "not trusted: a certificate identity the investigator has not said to trust")
        };
        Signer { label: identity.to_string(), key_fingerprint: None, trusted, trust, origin: origin.to_string() }
    }
}

/// Counts of findings by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Summary {
    pub verified: usize,
    pub signature_valid: usize,
    pub informational: usize,
    pub unverifiable: usize,
    pub not_collected: usize,
    pub untrusted_key: usize,
    pub missing: usize,
    pub conflict: usize,
    pub mismatch: usize,
    pub signature_invalid: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.status) += 1;
        }
        s
    }

    fn slot(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Verified => &mut self.verified,
            Status::SignatureValid => &mut self.signature_valid,
            Status::Informational => &mut self.informational,
            Status::Unverifiable => &mut self.unverifiable,
            Status::NotCollected => &mut self.not_collected,
            Status::UntrustedKey => &mut self.untrusted_key,
            Status::Missing => &mut self.missing,
            Status::Conflict => &mut self.conflict,
            Status::Mismatch => &mut self.mismatch,
            Status::SignatureInvalid => &mut self.signature_invalid,
        }
    }

    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Verified => self.verified,
            Status::SignatureValid => self.signature_valid,
            Status::Informational => self.informational,
            Status::Unverifiable => self.unverifiable,
            Status::NotCollected => self.not_collected,
            Status::UntrustedKey => self.untrusted_key,
            Status::Missing => self.missing,
            Status::Conflict => self.conflict,
            Status::Mismatch => self.mismatch,
            Status::SignatureInvalid => self.signature_invalid,
        }
    }

    /// Whether anything indicates tampering, loss or contradiction.
    pub fn has_failures(&self) -> bool {
        Status::ALL.into_iter().any(|s| s.is_failure() && self.count(s) > 0)
    }
}

/// Which digest a file claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Md5,
    Md5Dos2unix,
    Sha256,
}

impl Algorithm {
    fn wants(self) -> Algorithms {
        match self {
            Algorithm::Md5 => Algorithms::MD5,
            Algorithm::Md5Dos2unix => Algorithms::MD5_DOS2UNIX,
            Algorithm::Sha256 => Algorithms::SHA256,
        }
    }

    fn pick(self, d: &Digests) -> Option<&str> {
        match self {
            Algorithm::Md5 => d.md5.as_deref(),
            Algorithm::Md5Dos2unix => d.md5_dos2unix.as_deref(),
            Algorithm::Sha256 => d.sha256.as_deref(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Md5Dos2unix => "md5-dos2unix",
            Algorithm::Sha256 => "sha256",
        }
    }
}

/// "This file's bytes hash to this value", to be checked after hashing.
#[derive(Debug, Clone)]
pub struct FileClaim {
    pub node: NodeRef,
    pub check: Check,
    pub path: RelPath,
    pub algorithm: Algorithm,
    pub expected: String,
    pub source: Witness,
    /// What the file is, for the finding's text ("work-tree copy", "cache object").
    pub role: String,
    /// Set when the file's store was never part of the evidence (a DVC cache that was not
    /// copied): then the file's absence is `not-collected`, with this reason, not `missing`.
    pub not_collected: Option<String>,
}

/// What the checks need hashed, and the claims to evaluate afterwards.
#[derive(Debug, Default)]
pub struct Plan {
    pub wanted: BTreeMap<RelPath, Algorithms>,
    pub claims: Vec<FileClaim>,
    /// Deferred checks that need digests of several files (directory outputs).
    pub dirs: Vec<checks::DirClaim>,
    claimed: std::collections::HashSet<(String, RelPath, Algorithm)>,
}

impl Plan {
    pub fn want(&mut self, path: &RelPath, algorithm: Algorithm) {
        let entry = self.wanted.entry(path.clone()).or_default();
        *entry = entry.union(algorithm.wants());
    }

    pub fn claim(&mut self, claim: FileClaim) {
        if self.claimed.insert((claim.node.id.clone(), claim.path.clone(), claim.algorithm)) {
            self.want(&claim.path, claim.algorithm);
            self.claims.push(claim);
        }
    }
}

/// Digests of the evidence files, by root-relative path, plus what could not be hashed.
#[derive(Debug, Default)]
pub struct DigestTable {
    pub digests: HashMap<RelPath, Digests>,
    pub errors: HashMap<RelPath, String>,
}

/// Why [`DigestTable::get`] has no digest for a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// The file could not be hashed: the reason recorded in [`DigestTable::errors`].
    #[error("{reason}")]
    Unreadable { reason: String },
    /// No digest of the file under the algorithm was recorded.
    #[error("file not found in the evidence")]
    NotFound,
}

impl DigestTable {
    /// The digest of `path` under `algorithm`: `Ok(hex)`, or why there is none (absent or
    /// unreadable).
    pub fn get(&self, path: &RelPath, algorithm: Algorithm) -> Result<&str, DigestError> {
        if let Some(e) = self.errors.get(path) {
            return Err(DigestError::Unreadable { reason: e.clone() });
        }
        self.digests.get(path).and_then(|d| algorithm.pick(d)).ok_or(DigestError::NotFound)
    }
}

/// A reference to a lineage node for a finding.
pub fn node_ref(lineage: &Lineage, id: &str, kind: NodeKind, fallback_label: &str) -> NodeRef {
    match lineage.node(id) {
        Some(n) => NodeRef { kind: n.kind(), id: n.id.clone(), label: n.label.clone() },
        None => NodeRef { kind, id: id.to_string(), label: fallback_label.to_string() },
    }
}

/// Evaluates planned file claims against hashed digests.
pub fn evaluate_claims(plan: &Plan, table: &DigestTable) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &plan.claims {
        let (status, observed, detail) = match table.get(&c.path, c.algorithm) {
            Ok(actual) if actual == c.expected => (Status::Verified, Some(actual.to_string()), format!("{} matches its recorded {}", c.role, c.algorithm.name())),
            Ok(actual) => (
                Status::Mismatch,
                Some(actual.to_string()),
                format!("{} does not match its recorded {}: the bytes were changed after the claim was made", c.role, c.algorithm.name()),
            ),
            Err(_) if c.not_collected.is_some() => (Status::NotCollected, None, format!("{} was not collected: {}", c.role, c.not_collected.as_deref().unwrap_or_default())),
            Err(reason) => (Status::Missing, None, format!("{} is absent: {reason}", c.role)),
        };
        out.push(Finding::new(status, c.check, c.node.clone(), detail).at(&c.path).by(c.source.clone()).expect(c.expected.clone(), observed));
    }
    out
}
