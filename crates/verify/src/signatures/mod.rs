//! Signature and attestation checks, and their place in the lineage.
//!
//! Why: a signature is a claim about bytes by a key. Custody checks the signature, then checks
//! each digest the signed statement covers against the bytes in the evidence, and binds the
//! signature, its statement, its key and what it covers into the graph, so the inspector can
//! say for each file who signed it, with which key, and whether that still holds.
//!
//! Guarantees:
//! * a file covered by a signature gets one finding per signature: `mismatch` when its bytes
//!   differ from the signed digest, otherwise the signature's own status (`signature-valid`
//!   only under a key the investigator supplied; `untrusted-key` for a valid signature under
//!   any other key; `signature-invalid`; `unverifiable` when no key is at hand);
//! * subjects are bound by digest, never by name alone; a name match with another digest is a
//!   mismatch, not a binding;
//! * provenance (SLSA) becomes lineage: the build used its resolved dependencies, generated
//!   its subjects and was run by its builder; where the build is a known run, its claims are
//!   cross-checked against the run's.
//!
//! This module is the entry point ([`check`]) and the context every step shares ([`Cx`]): it
//! walks the signature records of the evidence, hands each to the step for its kind, and
//! hands the lineage crate (`custody_lineage::signed`) what it found of the nodes every kind
//! shares (the evidence file, the key, the signature itself): this module decides verdicts,
//! bindings and findings, and builds no graph node itself.
//! The steps are modules of one concern each:
//! * `verdict`: the verdict on one signature, and the finding it gives a covered file;
//! * `binding`: which evidence files a signature's subjects bind to;
//! * `model_signing`: Sigstore bundles and model-signing manifests;
//! * `provenance`: in-toto statements and SLSA provenance;
//! * `git`: the signatures of git commits and tags.

mod binding;
mod git;
mod model_signing;
mod provenance;
mod verdict;


use super::{Check, DigestTable, Finding, NodeRef, Status};
use binding::DigestIndex;
use custody_evidence::{RelPath, hashing};
use custody_lineage::build::id;
use custody_lineage::signed::{self, EvidenceFile, Signature, SigningKey};
use custody_lineage::{Lineage, NodeKind, Witness};
use custody_signing::dsse::Envelope;
use custody_signing::gitsig::{self, PgpOutcome};
use custody_signing::keys::{KeyRing, KnownKey};
use custody_sources::Evidence;
use custody_sources::signatures::{SignatureRecord, Signed};
use verdict::{Claim, Verdict};

/// Checks every signature and attestation of one evidence folder, adds them to the graph,
/// and returns the findings. `ring` holds the investigator's keys; evidence keys are added.
pub fn check(ev: &Evidence, trusted: &KeyRing, table: &DigestTable, lineage: &mut Lineage) -> Vec<Finding> {
    let mut ring = trusted.clone();
    for k in &ev.signatures.keys {
        ring.add(k.clone());
    }
    let index = DigestIndex::new(table);
    let mut cx = Cx { ev, ring: &ring, index: &index, lineage, out: Vec::new() };
    for k in &ev.signatures.keys {
        signed::add_key(cx.lineage, &signing_key(k));
    }
    for record in &ev.signatures.records {
        match &record.signed {
            Signed::Bundle(b) => cx.bundle(record, b),
            Signed::Envelope(e) => cx.envelope(record, e),
            Signed::Detached { signature, target } => cx.detached(record, signature, target),
            Signed::OpenPgp { target } => cx.openpgp(record, target),
        }
    }
    for (rel, problem) in &ev.signatures.unreadable {
        cx.unreadable(rel, problem);
    }
    cx.commits();
    cx.out
}

/// What every step of one verification shares: the evidence, the keys (the investigator's and
/// the evidence's), where files are by digest, the graph being built, and the findings so far.
struct Cx<'a, 'l> {
    ev: &'a Evidence,
    ring: &'a KeyRing,
    index: &'a DigestIndex<'a>,
    lineage: &'l mut Lineage,
    out: Vec<Finding>,
}

impl Cx<'_, '_> {
    fn node(&self, nid: &str) -> NodeRef {
        super::node_ref(self.lineage, nid, NodeKind::File, nid)
    }

    /// A file of the evidence as hashed for this verification.
    fn evidence_file<'r>(&self, rel: &'r RelPath) -> EvidenceFile<'r> {
        let size = self.index.table.digests.get(rel).map(|d| d.size);
        let sha256 = self.index.sha256(rel).map(str::to_string);
        EvidenceFile { rel, sha256, size }
    }

    /// The node of an evidence file (built by the lineage crate); returns its id.
    fn file_node(&mut self, rel: &RelPath) -> String {
        let file = self.evidence_file(rel);
        signed::add_file(self.lineage, &file)
    }

    /// The node of a signature read from a signature file, stored in that file, and the
    /// finding of its own verdict.
    fn signature_node(&mut self, sid: &str, label: &str, record: &SignatureRecord, format: &str, verdict: &Verdict) {
        let signature = Signature {
            id: sid,
            label: label.to_string(),
            format: format.to_string(),
            path: Some(&record.file),
            line: record.line,
            verdict: Some(verdict.status),
            key: verdict.key.as_ref().map(signing_key),
            stored_in: Some(self.evidence_file(&record.file)),
        };
        signed::add_signature(self.lineage, signature);
        let f = Finding::new(verdict.status, Check::Signature, self.node(sid), verdict.detail.clone())
            .at(&record.file)
            .by(Witness::new(record.file.as_str(), record_label(record)))
            .signed_by(verdict.signer.as_ref());
        self.out.push(f);
    }

    /// A signature file that could not be read: a signature node, and an invalid signature.
    fn unreadable(&mut self, rel: &RelPath, problem: &str) {
        let sid = id::signature(rel.as_str());
        let signature = Signature { id: &sid, label: rel.file_name().to_string(), format: "unreadable".into(), path: Some(rel), line: 0, verdict: None, key: None, stored_in: None };
        signed::add_signature(self.lineage, signature);
        let f = Finding::new(Status::SignatureInvalid, Check::Signature, self.node(&sid), format!("a signature file that cannot be read: {problem}")).at(rel).by(Witness::at(rel, ""));
        self.out.push(f);
    }

    /// A bare DSSE envelope: its signature, then its statement.
    fn envelope(&mut self, record: &SignatureRecord, env: &Envelope) {
        let sid = id::signature(&record.place());
        let verdict = self.envelope_verdict(env, None, false, "the DSSE signature");
        self.statement_of(record, &sid, env, verdict, "DSSE envelope");
    }

    /// A detached Ed25519 signature over the bytes of one file.
    fn detached(&mut self, record: &SignatureRecord, signature: &[u8], target: &RelPath) {
        let sid = id::signature(&record.place());
        // the whole file: an Ed25519 signature cannot be checked from a digest or a stream
        let verdict = match hashing::read_capped(&target.to_local(&self.ev.root), hashing::WHOLE_FILE_CAP) {
            Ok(bytes) => Verdict::of(self.ring.check("", &bytes, signature), "the detached Ed25519 signature"),
            Err(e) => Verdict::invalid(format!("the signed file cannot be read: {e}")),
        };
        self.signature_node(&sid, record.file.file_name(), record, "detached Ed25519 signature", &verdict);
        self.cover(&Claim { from: &sid, record, verdict: &verdict }, target, None);
    }

    /// A detached OpenPGP signature over the bytes of one file.
    fn openpgp(&mut self, record: &SignatureRecord, target: &RelPath) {
        let sid = id::signature(&record.place());
        let armour = hashing::read_capped(&record.file.to_local(&self.ev.root), hashing::WHOLE_FILE_CAP).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        // the whole file: the OpenPGP check takes the signed bytes, not a digest
        let verdict = match hashing::read_capped(&target.to_local(&self.ev.root), hashing::WHOLE_FILE_CAP) {
            Ok(bytes) => match gitsig::check_openpgp(&armour, &bytes, self.ring) {
                PgpOutcome::Valid(k) => {
                    let detail = format!("the OpenPGP signature verifies under {} ({})", k.label(), k.origin.describe());
                    Verdict::by(k, detail)
                }
                PgpOutcome::Invalid(reason) => Verdict::invalid(format!("the OpenPGP signature is invalid: {reason}")),
                PgpOutcome::NoKey { issuer } => Verdict::unverifiable(format!("an OpenPGP signature by key {issuer}; no such key was supplied (give its armored public key with --trust)")),
            },
            Err(e) => Verdict::invalid(format!("the signed file cannot be read: {e}")),
        };
        self.signature_node(&sid, record.file.file_name(), record, "OpenPGP detached signature", &verdict);
        self.cover(&Claim { from: &sid, record, verdict: &verdict }, target, None);
    }
}

/// A key as the graph gets it.
fn signing_key(k: &KnownKey) -> SigningKey {
    SigningKey {
        label: k.label(),
        algorithm: k.key.algorithm().name().to_string(),
        fingerprint: k.key.fingerprint(),
        securesystemslib_keyid: k.key.securesystemslib_keyid(),
        trusted: k.is_trusted(),
        origin: k.origin.describe(),
        principals: k.principals.clone(),
    }
}

/// Where in its file a record was read, for a witness: its line, when the file holds several.
fn record_label(record: &SignatureRecord) -> String {
    if record.line > 0 { format!("line {}", record.line) } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Signer, Trust};
    use custody_evidence::hashing::Digests;
    use custody_evidence::progress::Silent;
    use custody_lineage::Node;
    use custody_lineage::payload::CommitFacts;
    use custody_signing::keys::{KeyOrigin, read_key_file};
    use custody_signing::signer::InvestigatorKey;
    use custody_sources::git::{Commit, GitRepo, Person, Tag};
    use sha2::Digest as _;
    use std::path::Path;

    const SIGNED: &[u8] = b"model weights\n";

    /// An evidence folder holding `model.bin` and its detached Ed25519 signature (and, when
    /// `key_in_evidence`, the signer's public key); returns it, the key's folder and the key.
    fn signed_folder(key_in_evidence: bool) -> (tempfile::TempDir, tempfile::TempDir, InvestigatorKey) {
        let (evidence, keys) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let key = InvestigatorKey::create(&keys.path().join("signer.pem")).unwrap();
        std::fs::write(evidence.path().join("model.bin"), SIGNED).unwrap();
        std::fs::write(evidence.path().join("model.bin.sig"), key.sign(SIGNED)).unwrap();
        if key_in_evidence {
            std::fs::write(evidence.path().join("signer.pub"), key.public().to_pem()).unwrap();
        }
        (evidence, keys, key)
    }

    fn evidence(root: &Path) -> Evidence {
        let entries = custody_evidence::walk(root, &Silent).unwrap();
        Evidence::load(root, &[], entries, &Silent).unwrap()
    }

    /// Verifies the signatures of `root` with `ring`: the findings on the signature and on
    /// `model.bin`.
    fn verify(root: &Path, ring: &KeyRing) -> (Finding, Finding) {
        let ev = evidence(root);
        let mut table = DigestTable::default();
        let sha = hex::encode(sha2::Sha256::digest(SIGNED));
        table.digests.insert(RelPath::new("model.bin").unwrap(), Digests { size: SIGNED.len() as u64, sha256: Some(sha), ..Default::default() });
        let findings = check(&ev, ring, &table, &mut Lineage::new());
        let one = |check: Check, path: &str| {
            let found: Vec<&Finding> = findings.iter().filter(|f| f.check == check && f.path.as_deref() == Some(path)).collect();
            assert_eq!(found.len(), 1, "one {check:?} finding on {path}: {findings:#?}");
            found[0].clone()
        };
        (one(Check::Signature, "model.bin.sig"), one(Check::SignedDigest, "model.bin"))
    }

    #[test]
    fn a_key_the_investigator_supplied_is_the_trusted_signer_of_the_signature_and_what_it_covers() {
        let (ev, _keys, key) = signed_folder(false);
        let mut ring = KeyRing::default();
        for k in read_key_file(&key.public().to_pem(), &KeyOrigin::Supplied { file: "/keys/signer.pub".into() }).unwrap() {
            ring.add(k);
        }
        let (sig, file) = verify(ev.path(), &ring);
        let fingerprint = key.public().fingerprint();
        let want = Signer {
            label: format!("Ed25519 key {}", &fingerprint[..12]),
            key_fingerprint: Some(fingerprint),
            trusted: true,
            trust: Trust::SuppliedKey,
            origin: "trusted: supplied by the investigator (/keys/signer.pub)".into(),
        };
        assert_eq!((sig.status, file.status), (Status::SignatureValid, Status::SignatureValid));
        assert_eq!(sig.signer.as_ref(), Some(&want));
        assert_eq!(file.signer.as_ref(), Some(&want));
        // the words are as they were; the structure says the same
        assert_eq!(sig.detail, format!("the detached Ed25519 signature verifies under {} (trusted: supplied by the investigator (/keys/signer.pub))", want.label));
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["signer"]["trust"], "supplied-key");
        assert_eq!(json["signer"]["trusted"], true);
    }

    #[test]
    fn a_key_found_in_the_evidence_signs_untrusted_and_no_key_names_no_signer() {
        let (ev, _keys, key) = signed_folder(true);
        let (sig, file) = verify(ev.path(), &KeyRing::default());
        assert_eq!((sig.status, file.status), (Status::UntrustedKey, Status::UntrustedKey));
        for f in [&sig, &file] {
            let s = f.signer.as_ref().expect("the evidence key verifies the signature");
            assert_eq!((s.trust, s.trusted), (Trust::EvidenceKey, false));
            assert_eq!(s.key_fingerprint.as_deref(), Some(key.public().fingerprint().as_str()));
            assert_eq!(s.origin, "not trusted: found in the evidence (signer.pub)");
        }

        let (ev, _keys, _) = signed_folder(false);
        let (sig, file) = verify(ev.path(), &KeyRing::default());
        assert_eq!((sig.status, file.status), (Status::Unverifiable, Status::Unverifiable));
        assert_eq!((&sig.signer, &file.signer), (&None, &None));
        assert!(serde_json::to_value(&file).unwrap().get("signer").is_none(), "no signer is left out of the JSON");
    }

    #[test]
    fn a_keyless_identity_signs_without_a_key_and_is_trusted_only_when_the_investigator_named_it() {
        let identity = "a@example.org (issuer https://issuer.example)";
        let named = Verdict::by_identity(Signer::identity(identity, true), "d".into());
        assert_eq!(named.status, Status::SignatureValid);
        assert!(named.key.is_none(), "no key node for a certificate identity");
        let s = named.signer.expect("the identity signed");
        assert_eq!((s.label.as_str(), s.trusted, s.trust, s.key_fingerprint.as_deref()), (identity, true, Trust::TrustedIdentity, None));
        assert!(serde_json::to_value(&s).unwrap().get("key_fingerprint").is_none());

        let other = Verdict::by_identity(Signer::identity(identity, false), "d".into());
        assert_eq!(other.status, Status::UntrustedKey);
        let s = other.signer.expect("the identity signed");
        assert_eq!((s.trusted, s.trust), (false, Trust::UntrustedIdentity));
        assert!(s.origin.starts_with("not trusted: "), "{}", s.origin);
    }

    /// A bare repository with no commits; returns its folder.
    fn bare_repository(root: &Path) -> std::path::PathBuf {
        let git = root.join("repo.git");
        for d in ["objects", "refs/heads", "refs/tags"] {
            std::fs::create_dir_all(git.join(d)).unwrap();
        }
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(git.join("config"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n").unwrap();
        git
    }

    /// Writes a damaged loose object named `id`.
    fn damaged_object(git: &Path, id: &str) {
        let dir = git.join("objects").join(&id[..2]);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(&id[2..]), b"not zlib at all").unwrap();
    }

    #[test]
    fn a_signed_commit_or_tag_that_cannot_be_read_is_a_finding_on_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let git = bare_repository(dir.path());
        let mut repo = GitRepo::open(&git, dir.path(), RelPath::new("repo.git").unwrap()).unwrap();
        // listed as signed when the repository was read, damaged since
        let (commit, tag_object) = ("c0".repeat(20), "7a".repeat(20));
        damaged_object(&git, &commit);
        damaged_object(&git, &tag_object);
        std::fs::write(git.join("refs/tags/v1"), format!("{tag_object}\n")).unwrap();
        let who = Person { name: "T".into(), email: "t@example.org".into(), time: 0 };
        repo.commits.push(Commit { sha: commit.clone(), tree: "0".repeat(40), parents: Vec::new(), author: who.clone(), committer: who, summary: String::new(), message: String::new(), signed: true });
        repo.tags.push(Tag { name: "v1".into(), commit: commit.clone(), annotated: true, signed: true });
        let mut ev = Evidence::load(dir.path(), &[], Vec::new(), &Silent).unwrap();
        ev.git.push(repo);
        let mut lineage = Lineage::new();
        let cid = id::commit(&commit);
        lineage.add(Node::new(&cid, &commit, CommitFacts::default()));

        let findings = check(&ev, &KeyRing::default(), &DigestTable::default(), &mut lineage);
        let on_commit: Vec<&Finding> = findings.iter().filter(|f| f.check == Check::CommitSignature && f.node.id == cid).collect();
        assert_eq!(on_commit.len(), 2, "the commit's and the tag's: {findings:#?}");
        for (f, what, object) in [(on_commit[0], format!("commit {commit}"), format!("commit {commit}")), (on_commit[1], "tag v1".to_string(), format!("tag {tag_object}"))] {
            assert_eq!(f.status, Status::SignatureInvalid);
            assert!(f.detail.starts_with(&format!("the {what}'s signature cannot be read: {object} cannot be read")), "{}", f.detail);
            assert!(!f.detail.contains(&dir.path().display().to_string()), "no local path: {}", f.detail);
            assert_eq!(f.source.as_ref().map(|w| w.file.as_str()), Some("repo.git"));
            assert_eq!(f.signer, None);
        }
        let facts = lineage.node(&cid).and_then(|n| n.payload.commit()).unwrap();
        assert_eq!((facts.signature, facts.tag_signature), (Some(Status::SignatureInvalid), Some(Status::SignatureInvalid)));
    }
}
