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
//! builds the nodes every kind shares (the evidence file, the key, the signature itself).
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
use custody_evidence::RelPath;
use custody_lineage::build::id;
use custody_lineage::payload::{FileFacts, KeyFacts, SignatureFacts};
use custody_lineage::{Lineage, Node, NodeKind, Relation, Witness};
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
        cx.key_node(k);
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

    fn file_node(&mut self, rel: &RelPath) -> String {
        let fid = id::file(rel);
        let size = self.index.table.digests.get(rel).map(|d| d.size);
        let sha = self.index.sha256(rel).map(str::to_string);
        self.lineage.add(Node::new(&fid, rel.as_str(), FileFacts { sha256: sha, size, ..Default::default() }));
        fid
    }

    /// The agent node of a key.
    fn key_node(&mut self, k: &KnownKey) -> String {
        let kid = id::key(&k.key.fingerprint());
        // merged into the key's node when it is already there: a key the investigator trusts
        // stays trusted, whatever else says otherwise (see `Payload::absorb`)
        let facts = KeyFacts {
            algorithm: k.key.algorithm().name().to_string(),
            fingerprint: k.key.fingerprint(),
            securesystemslib_keyid: k.key.securesystemslib_keyid(),
            trusted: k.is_trusted(),
            origins: vec![k.origin.describe()],
            principals: k.principals.clone(),
        };
        self.lineage.add(Node::new(&kid, k.label(), facts));
        kid
    }

    /// Adds a signature node with its verdict and signer, attributed to the signer's key.
    fn add_signature(&mut self, mut node: Node, verdict: &Verdict) {
        let sid = node.id.clone();
        if let Some(s) = node.payload.signature_mut() {
            s.verdict = Some(verdict.status);
            if let Some(k) = &verdict.signer {
                s.signer = Some(k.label());
                s.key_fingerprint = Some(k.key.fingerprint());
                s.key_trusted = Some(k.is_trusted());
                s.key_origin = Some(k.origin.describe());
            }
        }
        self.lineage.add(node);
        if let Some(k) = &verdict.signer {
            let kid = self.key_node(k);
            self.lineage.link(&sid, Relation::WasAttributedTo, &kid, None);
        }
    }

    /// The node of a signature read from a signature file, stored in that file, and the
    /// finding of its own verdict.
    fn signature_node(&mut self, sid: &str, label: &str, record: &SignatureRecord, format: &str, verdict: &Verdict) {
        let facts = SignatureFacts { path: Some(record.file.as_str().to_string()), format: format.to_string(), line: (record.line > 0).then_some(record.line), ..Default::default() };
        self.add_signature(Node::new(sid, label, facts), verdict);
        let evidence_file = self.file_node(&record.file);
        self.lineage.link(sid, Relation::WasDerivedFrom, &evidence_file, Some("stored-in"));
        let f = Finding::new(verdict.status, Check::Signature, self.node(sid), verdict.detail.clone()).at(&record.file).by(Witness::new(record.file.as_str(), record_label(record)));
        self.out.push(f);
    }

    /// A signature file that could not be read: a signature node, and an invalid signature.
    fn unreadable(&mut self, rel: &RelPath, problem: &str) {
        let sid = id::signature(rel.as_str());
        self.lineage.add(Node::new(&sid, rel.file_name(), SignatureFacts { path: Some(rel.as_str().to_string()), format: "unreadable".into(), ..Default::default() }));
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
        let verdict = match std::fs::read(target.to_local(&self.ev.root)) {
            Ok(bytes) => Verdict::of(self.ring.check("", &bytes, signature), "the detached Ed25519 signature"),
            Err(e) => Verdict::invalid(format!("the signed file cannot be read: {e}")),
        };
        self.signature_node(&sid, record.file.file_name(), record, "detached Ed25519 signature", &verdict);
        self.cover(&Claim { from: &sid, record, verdict: &verdict }, target, None);
    }

    /// A detached OpenPGP signature over the bytes of one file.
    fn openpgp(&mut self, record: &SignatureRecord, target: &RelPath) {
        let sid = id::signature(&record.place());
        let armour = std::fs::read_to_string(record.file.to_local(&self.ev.root)).unwrap_or_default();
        let verdict = match std::fs::read(target.to_local(&self.ev.root)) {
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

/// Where in its file a record was read, for a witness: its line, when the file holds several.
fn record_label(record: &SignatureRecord) -> String {
    if record.line > 0 { format!("line {}", record.line) } else { String::new() }
}
