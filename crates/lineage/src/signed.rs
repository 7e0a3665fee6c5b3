//! The graph nodes of signatures, keys, attestations and provenance.
//!
//! Why: whether a signature holds is decided by the verifier, which checks the bytes; what the
//! graph gets from that decision (a signature node, the file it is stored in, the key or
//! keyless identity that signed, the statement it signs, the build a provenance describes, and
//! the edges between them) is the graph's business. The verifier hands the plain facts it
//! established to the functions here, and these alone build the nodes and edges, so that every
//! node of the graph is built in this crate (`custody-verify` yields findings only).
//!
//! Guarantees:
//! * node ids are spelled by [`id`]: a key by its fingerprint, a file by its path, an agent by
//!   its identity, an attestation and a build by the place the signature was read;
//! * a node that is already there is merged with ([`Lineage::add`], [`Payload::absorb`]), so a
//!   key the investigator trusts stays trusted, whatever else says otherwise;
//! * a signature verified by a key names that key (label, fingerprint, trust, origin) and is
//!   attributed to its node; one verified by a keyless certificate names that identity and is
//!   attributed to its agent;
//! * edges run from the dependent to what it depends on: a signature `signs` its statement or
//!   commit and is `stored-in` its file; a signature or statement has its `subject`s; a
//!   statement `describes` its build; a build `used` its `code` and `dependency`s, was run by
//!   its `builder`, and generated its subjects;
//! * nothing here decides a verdict: a status given is recorded as given.
//!
//! [`Payload::absorb`]: crate::Payload::absorb

use custody_evidence::RelPath;

use crate::build::id;
use crate::payload::{AgentFacts, AttestationFacts, BuildFacts, FileFacts, KeyFacts, SignatureFacts};
use crate::{Lineage, Node, Relation, Status};

/// A file of the evidence as the verifier hashed it.
#[derive(Debug, Clone)]
pub struct EvidenceFile<'a> {
    pub rel: &'a RelPath,
    pub sha256: Option<String>,
    pub size: Option<u64>,
}

/// A signing key, as the verifier knows it.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// How the key is named (`Ed25519 key 0123abcd…`).
    pub label: String,
    pub algorithm: String,
    /// SHA-256 of the SubjectPublicKeyInfo.
    pub fingerprint: String,
    pub securesystemslib_keyid: String,
    /// Supplied by the investigator (never by the evidence).
    pub trusted: bool,
    /// Where the key came from, in words.
    pub origin: String,
    /// The principals an allowed-signers file grants it.
    pub principals: Vec<String>,
}

/// A signature and what the verifier found of it.
#[derive(Debug, Clone)]
pub struct Signature<'a> {
    /// Its node id ([`id::signature`] of the place it was read).
    pub id: &'a str,
    pub label: String,
    /// What kind of signature (`DSSE envelope`, `git ssh signature`, `unreadable` …).
    pub format: String,
    /// The file it is read from (none for a git object's signature).
    pub path: Option<&'a RelPath>,
    /// The line of a signature file holding one signature a line (0: the whole file).
    pub line: usize,
    /// The verdict on the signature itself, when it was checked.
    pub verdict: Option<Status>,
    /// The key that verifies it, when one does.
    pub key: Option<SigningKey>,
    /// The evidence file it is stored in, linked `stored-in`.
    pub stored_in: Option<EvidenceFile<'a>>,
}

/// An in-toto statement carried by a signature.
#[derive(Debug, Clone)]
pub struct Attestation<'a> {
    /// Where it was read (the signature record's place).
    pub place: &'a str,
    pub label: String,
    pub statement_type: String,
    pub predicate_type: String,
    pub subjects: usize,
    /// The file it was read from.
    pub path: &'a RelPath,
}

/// The model folder a model-signing manifest signs.
#[derive(Debug, Clone)]
pub struct SignedModel<'a> {
    /// Every folder of the evidence that holds it, the first preferred.
    pub folders: &'a [RelPath],
    pub name: String,
    pub hash_type: String,
    pub method: String,
}

/// A build a provenance describes.
#[derive(Debug, Clone)]
pub struct Build<'a> {
    /// Where the provenance was read (the signature record's place).
    pub place: &'a str,
    /// The node of the run it names, when that run is in the lineage: the build is that run.
    pub run: Option<&'a str>,
    pub invocation_id: Option<String>,
    pub build_type: Option<String>,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub builder: Option<String>,
}

/// Adds (or merges into) the node of an evidence file; returns its id.
pub fn add_file(g: &mut Lineage, file: &EvidenceFile) -> String {
    let fid = id::file(file.rel);
    g.add(Node::new(&fid, file.rel.as_str(), FileFacts { sha256: file.sha256.clone(), size: file.size, ..Default::default() }));
    fid
}

/// Adds (or merges into) the agent node of a signing key; returns its id.
pub fn add_key(g: &mut Lineage, key: &SigningKey) -> String {
    let kid = id::key(&key.fingerprint);
    let facts = KeyFacts {
        algorithm: key.algorithm.clone(),
        fingerprint: key.fingerprint.clone(),
        securesystemslib_keyid: key.securesystemslib_keyid.clone(),
        trusted: key.trusted,
        origins: vec![key.origin.clone()],
        principals: key.principals.clone(),
    };
    g.add(Node::new(&kid, key.label.as_str(), facts));
    kid
}

/// Adds a signature node with its verdict and signer, attributed to the signer's key and
/// stored in its file.
pub fn add_signature(g: &mut Lineage, s: Signature) {
    let mut facts = SignatureFacts { path: s.path.map(|p| p.as_str().to_string()), format: s.format, line: (s.line > 0).then_some(s.line), verdict: s.verdict, ..Default::default() };
    if let Some(k) = &s.key {
        facts.signer = Some(k.label.clone());
        facts.key_fingerprint = Some(k.fingerprint.clone());
        facts.key_trusted = Some(k.trusted);
        facts.key_origin = Some(k.origin.clone());
    }
    g.add(Node::new(s.id, s.label, facts));
    if let Some(k) = &s.key {
        let kid = add_key(g, k);
        g.link(s.id, Relation::WasAttributedTo, &kid, None);
    }
    if let Some(file) = &s.stored_in {
        let fid = add_file(g, file);
        g.link(s.id, Relation::WasDerivedFrom, &fid, Some("stored-in"));
    }
}

/// Adds the signature of a git commit or tag: it signs the commit, whose signature status
/// becomes its verdict.
pub fn add_commit_signature(g: &mut Lineage, s: Signature, commit: &str, is_tag: bool) {
    let (sid, verdict) = (s.id.to_string(), s.verdict);
    add_signature(g, s);
    g.link(&sid, Relation::WasDerivedFrom, commit, Some("signs"));
    if let Some(status) = verdict {
        mark_commit_signature(g, commit, status, is_tag);
    }
}

/// Records the status of a commit's own signature, or of a tag's on it.
pub fn mark_commit_signature(g: &mut Lineage, commit: &str, status: Status, is_tag: bool) {
    if let Some(c) = g.node_mut(commit).and_then(|n| n.payload.commit_mut()) {
        if is_tag {
            c.tag_signature = Some(status);
        } else {
            c.signature = Some(status);
        }
    }
}

/// The certificate identity of a keyless signature, as the agent that signed it: the
/// signature is attributed to it and names it.
pub fn add_keyless_signer(g: &mut Lineage, signature: &str, identity: &str, trusted: bool) {
    let agent = id::agent(identity);
    g.add(Node::new(&agent, identity, AgentFacts { keyless_identity: true, trusted: Some(trusted), ..Default::default() }));
    g.link(signature, Relation::WasAttributedTo, &agent, None);
    if let Some(s) = g.node_mut(signature).and_then(|n| n.payload.signature_mut()) {
        s.signer = Some(identity.to_string());
        s.key_trusted = Some(trusted);
    }
}

/// Adds the attestation node of a statement, signed by `signature`; returns its id.
pub fn add_attestation(g: &mut Lineage, signature: &str, a: Attestation) -> String {
    let aid = id::attestation(a.place);
    let facts = AttestationFacts { statement_type: a.statement_type, predicate_type: a.predicate_type, subjects: a.subjects, path: a.path.as_str().to_string(), ..Default::default() };
    g.add(Node::new(&aid, a.label, facts));
    g.link(signature, Relation::WasDerivedFrom, &aid, Some("signs"));
    aid
}

/// Records on an attestation the model folder its model-signing manifest signs (nothing when
/// no folder holds it).
pub fn describe_model(g: &mut Lineage, attestation: &str, m: SignedModel) {
    let Some(first) = m.folders.first() else { return };
    if let Some(a) = g.node_mut(attestation).and_then(|n| n.payload.attestation_mut()) {
        a.model_dir = Some(first.as_str().to_string());
        if m.folders.len() > 1 {
            a.model_copies = m.folders.iter().map(|r| r.as_str().to_string()).collect();
        }
        a.model_name = Some(m.name);
        a.hash_type = Some(m.hash_type);
        a.method = Some(m.method);
    }
}

/// `from` (a signature or an attestation) has `subject` (a file or a commit) as a subject.
pub fn link_subject(g: &mut Lineage, from: &str, subject: &str) {
    g.link(from, Relation::WasDerivedFrom, subject, Some("subject"));
}

/// The build a provenance describes: the run it names when there is one, else a build node of
/// its own; described by the attestation and run by its builder. Returns the build's id.
pub fn add_build(g: &mut Lineage, attestation: &str, b: Build) -> String {
    let bid = match b.run {
        Some(r) => r.to_string(),
        None => {
            let bid = id::build(b.place);
            let label = b.invocation_id.clone().unwrap_or_else(|| "build".into());
            let facts = BuildFacts { build_type: b.build_type.clone(), started: b.started, finished: b.finished };
            g.add(Node::new(&bid, label, facts));
            bid
        }
    };
    if let Some(a) = g.node_mut(attestation).and_then(|n| n.payload.attestation_mut()) {
        a.builder = b.builder.clone();
        a.build_type = b.build_type;
        a.invocation_id = b.invocation_id;
    }
    g.link(attestation, Relation::WasDerivedFrom, &bid, Some("describes"));
    if let Some(builder) = &b.builder {
        let agent = id::agent(builder);
        g.add(Node::new(&agent, builder.as_str(), AgentFacts { builder: true, ..Default::default() }));
        g.link(&bid, Relation::WasAssociatedWith, &agent, Some("builder"));
    }
    bid
}

/// A subject file of a provenance was generated by its build.
pub fn link_generated(g: &mut Lineage, file: &str, build: &str) {
    g.link(file, Relation::WasGeneratedBy, build, None);
}

/// A build used its source commit.
pub fn link_source_commit(g: &mut Lineage, build: &str, commit: &str) {
    g.link(build, Relation::Used, commit, Some("code"));
}

/// A build used a resolved dependency (a file).
pub fn link_dependency(g: &mut Lineage, build: &str, file: &str) {
    g.link(build, Relation::Used, file, Some("dependency"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(trusted: bool) -> SigningKey {
        SigningKey { label: "Ed25519 key ab".into(), algorithm: "ed25519".into(), fingerprint: "ab".into(), securesystemslib_keyid: "k".into(), trusted, origin: format!("origin {trusted}"), principals: Vec::new() }
    }

    #[test]
    fn a_signature_names_its_key_is_attributed_to_it_and_a_trusted_key_stays_trusted() {
        let mut g = Lineage::new();
        let kid = add_key(&mut g, &key(true));
        let rel = RelPath::new("m.sig").unwrap();
        let sid = id::signature("m.sig");
        let stored_in = Some(EvidenceFile { rel: &rel, sha256: Some("00".into()), size: Some(1) });
        add_signature(&mut g, Signature { id: &sid, label: "m.sig".into(), format: "detached".into(), path: Some(&rel), line: 0, verdict: Some(Status::UntrustedKey), key: Some(key(false)), stored_in });
        let s = g.node(&sid).and_then(|n| n.payload.signature()).unwrap();
        assert_eq!((s.signer.as_deref(), s.key_trusted, s.verdict, s.line), (Some("Ed25519 key ab"), Some(false), Some(Status::UntrustedKey), None));
        assert!(g.node(&kid).and_then(|n| n.payload.key()).unwrap().trusted, "the investigator's trust is kept");
        let out: Vec<(Relation, String, Option<String>)> = g.outgoing(&sid).into_iter().map(|e| (e.relation, e.to, e.role)).collect();
        assert_eq!(out, vec![(Relation::WasDerivedFrom, id::file(&rel), Some("stored-in".into())), (Relation::WasAttributedTo, kid, None)]);
    }
}
