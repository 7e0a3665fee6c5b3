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

use std::collections::{BTreeSet, HashMap};

use serde_json::json;
use sha2::Digest as _;

use super::{Check, DigestTable, Finding, NodeRef, Status};
use custody_evidence::{EntryKind, RelPath};
use custody_lineage::build::id;
use custody_lineage::{Lineage, Node, NodeKind, Relation, Witness};
use custody_signing::bundle::{Bundle, Content, Material, ModelManifest};
use custody_signing::dsse::Envelope;
use custody_signing::gitsig::{self, GitSignatureKind, PgpOutcome, SshOutcome};
use custody_signing::intoto::{self, Descriptor, Statement};
use custody_signing::keys::{KeyRing, KnownKey, SignatureCheck};
use custody_sources::Evidence;
use custody_sources::signatures::{SignatureRecord, Signed};

/// The verdict on one signature, before it is applied to what it covers.
#[derive(Debug, Clone)]
struct Verdict {
    status: Status,
    /// Who signed, when a key verifies the signature.
    signer: Option<KnownKey>,
    detail: String,
}

impl Verdict {
    fn of(check: SignatureCheck, what: &str) -> Verdict {
        match check {
            SignatureCheck::Valid(k) if k.is_trusted() => Verdict { status: Status::SignatureValid, detail: format!("{what} verifies under {} ({})", k.label(), k.origin.describe()), signer: Some(k) },
            SignatureCheck::Valid(k) => Verdict {
                status: Status::UntrustedKey,
                detail: format!("{what} verifies under {} ({}); supply the signer's key with --trust if it is the expected signer", k.label(), k.origin.describe()),
                signer: Some(k),
            },
            SignatureCheck::Invalid { reason, .. } => Verdict { status: Status::SignatureInvalid, detail: format!("{what} is invalid: {reason}"), signer: None },
            SignatureCheck::NoKey { named } => Verdict {
                status: Status::Unverifiable,
                detail: if named.is_empty() {
                    format!("{what} cannot be checked: no supplied or evidence key verifies it; supply the signer's public key with --trust")
                } else {
                    format!("{what} cannot be checked: no key named {named} was supplied or found; supply the signer's public key with --trust")
                },
                signer: None,
            },
        }
    }

    /// A signature that verifies under `k`: valid when the investigator trusts `k`.
    fn by(k: KnownKey, detail: String) -> Verdict {
        let status = if k.is_trusted() { Status::SignatureValid } else { Status::UntrustedKey };
        Verdict { status, signer: Some(k), detail }
    }

    fn invalid(detail: String) -> Verdict {
        Verdict { status: Status::SignatureInvalid, signer: None, detail }
    }
}

/// Where files are, by digest, for binding subjects.
struct DigestIndex<'a> {
    by_digest: HashMap<(&'static str, &'a str), Vec<&'a RelPath>>,
    table: &'a DigestTable,
    /// Every folder that holds a hashed file, at any depth.
    folders: std::collections::HashSet<RelPath>,
}

impl<'a> DigestIndex<'a> {
    fn new(table: &'a DigestTable) -> DigestIndex<'a> {
        let mut by_digest: HashMap<(&'static str, &'a str), Vec<&'a RelPath>> = HashMap::new();
        for (rel, d) in &table.digests {
            if let Some(s) = &d.sha256 {
                by_digest.entry(("sha256", s.as_str())).or_default().push(rel);
            }
            if let Some(m) = &d.md5 {
                by_digest.entry(("md5", m.as_str())).or_default().push(rel);
            }
        }
        for v in by_digest.values_mut() {
            v.sort();
        }
        let mut folders = std::collections::HashSet::new();
        for rel in table.digests.keys() {
            let mut dir = rel.parent();
            while !dir.is_root() && folders.insert(dir.clone()) {
                dir = dir.parent();
            }
        }
        DigestIndex { by_digest, table, folders }
    }

    /// Files whose bytes have one of the descriptor's digests (sha256 first, then md5).
    fn files_with(&self, d: &Descriptor) -> Vec<&'a RelPath> {
        for alg in ["sha256", "md5"] {
            if let Some(v) = d.digest.get(alg) {
                if let Some(files) = self.by_digest.get(&(alg, v.as_str())) {
                    return files.clone();
                }
            }
        }
        Vec::new()
    }

    fn sha256(&self, rel: &RelPath) -> Option<&'a str> {
        self.table.digests.get(rel).and_then(|d| d.sha256.as_deref())
    }

    /// Files whose bytes have this SHA-256.
    fn files_with_sha256<'s>(&'s self, hex: &'s str) -> &'s [&'a RelPath] {
        self.by_digest.get(&("sha256", hex)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a file (or folder holding files) is in the evidence.
    fn exists(&self, rel: &RelPath) -> bool {
        self.table.digests.contains_key(rel) || self.folders.contains(rel)
    }

    /// Folders of the evidence whose last component is `name`.
    fn folders_named(&self, name: &str) -> Vec<RelPath> {
        let mut out: Vec<RelPath> = self.folders.iter().filter(|f| f.file_name() == name).cloned().collect();
        out.sort();
        out
    }
}

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
        let sid = id::signature(rel.as_str());
        cx.lineage.add(Node::new(&sid, NodeKind::Signature, rel.file_name()).attr("path", rel.as_str()).attr("format", "unreadable"));
        let f = Finding::new(Status::SignatureInvalid, Check::Signature, cx.node(&sid), format!("a signature file that cannot be read: {problem}")).at(rel).by(Witness::at(rel, ""));
        cx.out.push(f);
    }
    cx.commits();
    cx.out
}

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
        let n = self.lineage.add(Node::new(&fid, NodeKind::File, rel.as_str()));
        if let Some(s) = sha {
            n.attrs.entry("sha256".into()).or_insert(json!(s));
        }
        if let Some(s) = size {
            n.attrs.entry("size".into()).or_insert(json!(s));
        }
        fid
    }

    /// The agent node of a key.
    fn key_node(&mut self, k: &KnownKey) -> String {
        let kid = id::key(&k.key.fingerprint());
        let n = self.lineage.add(
            Node::new(&kid, NodeKind::Agent, k.label())
                .attr("signing_key", true)
                .attr("algorithm", k.key.algorithm().name())
                .attr("fingerprint", k.key.fingerprint())
                .attr("securesystemslib_keyid", k.key.securesystemslib_keyid()),
        );
        // a key the investigator trusts stays trusted whatever else says otherwise
        let trusted = n.attrs.get("trusted").and_then(|v| v.as_bool()).unwrap_or(false) || k.is_trusted();
        n.attrs.insert("trusted".into(), json!(trusted));
        let origins = n.attrs.entry("origins".into()).or_insert_with(|| json!([]));
        if let Some(list) = origins.as_array_mut() {
            let o = json!(k.origin.describe());
            if !list.contains(&o) {
                list.push(o);
            }
        }
        if !k.principals.is_empty() {
            n.attrs.insert("principals".into(), json!(k.principals));
        }
        kid
    }

    /// Adds a signature node with its verdict and signer, attributed to the signer's key.
    fn add_signature(&mut self, mut node: Node, verdict: &Verdict) {
        let sid = node.id.clone();
        node = node.attr("verdict", verdict.status.name());
        if let Some(k) = &verdict.signer {
            node = node.attr("signer", k.label()).attr("key_fingerprint", k.key.fingerprint()).attr("key_trusted", k.is_trusted()).attr("key_origin", k.origin.describe());
        }
        self.lineage.add(node);
        if let Some(k) = &verdict.signer {
            let kid = self.key_node(k);
            self.lineage.link(&sid, Relation::WasAttributedTo, &kid, None);
        }
    }

    fn signature_node(&mut self, sid: &str, label: &str, record: &SignatureRecord, format: &str, verdict: &Verdict) {
        let mut node = Node::new(sid, NodeKind::Signature, label).attr("path", record.file.as_str()).attr("format", format);
        if record.line > 0 {
            node = node.attr("line", record.line);
        }
        self.add_signature(node, verdict);
        let evidence_file = self.file_node(&record.file);
        self.lineage.link(sid, Relation::WasDerivedFrom, &evidence_file, Some("stored-in"));
        let f = Finding::new(verdict.status, Check::Signature, self.node(sid), verdict.detail.clone()).at(&record.file).by(Witness::new(record.file.as_str(), record_label(record)));
        self.out.push(f);
    }

    fn envelope_verdict(&self, env: &Envelope, key_hint: Option<&str>, legacy: bool, what: &str) -> Verdict {
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

    fn bundle(&mut self, record: &SignatureRecord, b: &Bundle) {
        let sid = id::signature(&record.place());
        match (&b.content, &b.material) {
            (Content::Dsse(env), Material::PublicKey { hint }) => {
                let verdict = self.envelope_verdict(env, Some(hint), true, "the bundle's DSSE signature");
                self.statement_of(record, &sid, env, verdict, "Sigstore bundle (DSSE, self-managed key)");
            }
            (Content::MessageSignature { .. }, Material::PublicKey { hint }) => {
                // a signature over an artifact's bytes: the artifact is the sibling named like the bundle
                let target = sibling_target(self.ev, &record.file);
                let verdict = match &target {
                    Some(t) => match std::fs::read(t.to_local(&self.ev.root)) {
                        Ok(bytes) => {
                            let Content::MessageSignature { signature, .. } = &b.content else { unreachable!() };
                            Verdict::of(self.ring.check(hint, &bytes, signature), "the bundle's message signature")
                        }
                        Err(e) => Verdict::invalid(format!("the signed file {t} cannot be read: {e}")),
                    },
                    None => Verdict { status: Status::Unverifiable, signer: None, detail: "a message-signature bundle whose artifact is not beside it".into() },
                };
                self.signature_node(&sid, record.file.file_name(), record, "Sigstore bundle (message signature)", &verdict);
                if let Some(t) = target {
                    self.cover(&sid, &t, None, &verdict, record);
                }
            }
            (content, Material::Certificates(certs)) => {
                use custody_signing::keyless::{self, Signed as KeylessSigned};
                let identity = keyless::certificate_identity(certs.first().map(Vec::as_slice).unwrap_or_default()).unwrap_or_else(|e| format!("unreadable certificate: {e}"));
                let (names, issuer) = keyless::certificate_names(certs.first().map(Vec::as_slice).unwrap_or_default()).unwrap_or_default();
                let trusted_identity = self.ring.identities.iter().any(|t| t.admits(&names, issuer.as_deref()));
                let verdict = |outcome: Option<keyless::KeylessOutcome>, artifact_present: bool| match outcome.map(|o| (o.unsupported, o.result)) {
                    Some((true, Err(problem))) => Verdict { status: Status::Unverifiable, signer: None, detail: format!("the keyless signature by {identity} cannot be checked: {problem}") },
                    None => Verdict {
                        status: Status::Unverifiable,
                        signer: None,
                        detail: format!("a keyless Sigstore bundle signed by {identity}; supply a Sigstore trusted_root.json with --trust to verify it offline"),
                    },
                    Some((_, Ok(summary))) if !artifact_present => Verdict {
                        status: Status::Unverifiable,
                        signer: None,
                        detail: format!("the keyless signature by {identity} verifies for the artifact digest the bundle states ({summary}), but the artifact itself is not in the evidence"),
                    },
                    Some((_, Ok(summary))) if trusted_identity => Verdict { status: Status::SignatureValid, signer: None, detail: format!("the keyless signature by {identity}, an identity the investigator trusts, verifies: {summary}") },
                    Some((_, Ok(summary))) => Verdict {
                        status: Status::UntrustedKey,
                        signer: None,
                        detail: format!("the keyless signature by {identity} verifies ({summary}), but that identity is not one the investigator trusts; trust it with --trust-identity if it is the expected signer"),
                    },
                    Some((false, Err(problem))) => Verdict::invalid(format!("the keyless signature by {identity} does not verify: {problem}")),
                };
                let roots = &self.ring.roots;
                match content {
                    Content::Dsse(env) => {
                        let result = (!roots.is_empty()).then(|| keyless::verify_keyless(b, KeylessSigned::Pae(&env.pae()), env.signatures.first().map(|s| s.sig.as_slice()).unwrap_or_default(), roots));
                        let mut v = verdict(result, true);
                        v.detail = v.detail.replace("signature by", "DSSE signature by");
                        self.statement_of(record, &sid, env, v, "Sigstore bundle (keyless, DSSE)");
                        self.keyless_signer(&sid, &identity, trusted_identity);
                    }
                    Content::MessageSignature { digest, signature, .. } => {
                        let target = sibling_target(self.ev, &record.file);
                        let bytes = target.as_ref().and_then(|t| std::fs::read(t.to_local(&self.ev.root)).ok());
                        let stated = match &bytes {
                            Some(b) => sha2::Sha256::digest(b).to_vec(),
                            None => digest.clone(),
                        };
                        let result = (!roots.is_empty()).then(|| keyless::verify_keyless(b, KeylessSigned::Artifact { bytes: bytes.as_deref(), digest: &stated }, signature, roots));
                        let v = verdict(result, bytes.is_some());
                        self.signature_node(&sid, record.file.file_name(), record, "Sigstore bundle (keyless)", &v);
                        self.keyless_signer(&sid, &identity, trusted_identity);
                        if let Some(t) = target {
                            self.cover(&sid, &t, None, &v, record);
                        }
                    }
                }
            }
        }
    }

    /// The certificate identity of a keyless signature, as the agent that signed.
    fn keyless_signer(&mut self, sid: &str, identity: &str, trusted: bool) {
        let agent = id::agent(identity);
        self.lineage.add(Node::new(&agent, NodeKind::Agent, identity).attr("keyless_identity", true).attr("trusted", trusted));
        self.lineage.link(sid, Relation::WasAttributedTo, &agent, None);
        if let Some(n) = self.lineage.node_mut(sid) {
            n.attrs.insert("signer".into(), json!(identity));
            n.attrs.insert("key_trusted".into(), json!(trusted));
        }
    }

    fn envelope(&mut self, record: &SignatureRecord, env: &Envelope) {
        let sid = id::signature(&record.place());
        let verdict = self.envelope_verdict(env, None, false, "the DSSE signature");
        self.statement_of(record, &sid, env, verdict, "DSSE envelope");
    }

    /// The signature node of an envelope, its statement, and the checks of what it covers.
    fn statement_of(&mut self, record: &SignatureRecord, sid: &str, env: &Envelope, verdict: Verdict, format: &str) {
        let label = match record.line {
            0 => record.file.file_name().to_string(),
            n => format!("{} line {n}", record.file.file_name()),
        };
        self.signature_node(sid, &label, record, format, &verdict);
        if env.payload_type != intoto::PAYLOAD_TYPE {
            return;
        }
        let statement = match Statement::from_payload(&env.payload) {
            Ok(s) => s,
            Err(e) => {
                let f = Finding::new(Status::SignatureInvalid, Check::Signature, self.node(sid), format!("the signed payload is not a usable in-toto statement: {e}")).at(&record.file);
                self.out.push(f);
                return;
            }
        };
        let aid = id::attestation(&record.place());
        self.lineage.add(
            Node::new(&aid, NodeKind::Attestation, predicate_label(&statement.predicate_type))
                .attr("statement_type", statement.statement_type.as_str())
                .attr("predicate_type", statement.predicate_type.as_str())
                .attr("subjects", statement.subjects.len())
                .attr("path", record.file.as_str()),
        );
        self.lineage.link(sid, Relation::WasDerivedFrom, &aid, Some("signs"));
        match ModelManifest::from_statement(&statement) {
            Some(Ok(manifest)) => self.model_manifest(record, &aid, &manifest, &verdict),
            Some(Err(problem)) => {
                let f = Finding::new(Status::SignatureInvalid, Check::SignedDigest, self.node(&aid), format!("the model-signing predicate cannot be read: {problem}")).at(&record.file);
                self.out.push(f);
            }
            None => self.subjects(record, &aid, &statement, &verdict),
        }
        if let Some(prov) = statement.provenance() {
            if verdict.status == Status::SignatureValid {
                self.provenance(record, &aid, &statement, &prov);
            } else {
                let f = Finding::new(
                    Status::Unverifiable,
                    Check::Provenance,
                    self.node(&aid),
                    format!("the provenance is not taken into the lineage: its signature is {}, so its claims are not evidence", verdict.status.name()),
                )
                .at(&record.file);
                self.out.push(f);
            }
        }
    }

    /// One finding on a covered file: the digest first, then the signature's status.
    fn cover(&mut self, from: &str, rel: &RelPath, expected: Option<(&str, &str)>, verdict: &Verdict, record: &SignatureRecord) {
        let fid = self.file_node(rel);
        self.lineage.link(from, Relation::WasDerivedFrom, &fid, Some("subject"));
        let witness = Witness::new(record.file.as_str(), record_label(record));
        let algorithm = match expected {
            Some(("md5", _)) => super::Algorithm::Md5,
            _ => super::Algorithm::Sha256,
        };
        let present = self.index.table.get(rel, super::Algorithm::Sha256).is_ok();
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
        self.out.push(f.at(rel).by(witness));
    }

    fn model_manifest(&mut self, record: &SignatureRecord, aid: &str, m: &ModelManifest, verdict: &Verdict) {
        let roots = self.model_roots(record, m);
        if roots.is_empty() {
            let f = Finding::new(
                Status::Missing,
                Check::SignedDigest,
                self.node(aid),
                format!(
                    "the signed model {:?} ({} files) is not in the evidence: no folder holds its files by name beside the signature or under that name, nor by content anywhere",
                    m.model_name,
                    m.resources.len()
                ),
            )
            .at(&record.file);
            self.out.push(f);
            return;
        }
        if let Some(n) = self.lineage.node_mut(aid) {
            n.attrs.insert("model_dir".into(), json!(roots[0].as_str()));
            if roots.len() > 1 {
                n.attrs.insert("model_copies".into(), json!(roots.iter().map(RelPath::as_str).collect::<Vec<_>>()));
            }
            n.attrs.insert("model_name".into(), json!(m.model_name));
            n.attrs.insert("hash_type".into(), json!(m.hash_type));
            n.attrs.insert("method".into(), json!(m.method));
        }
        match (m.computed_root(), &m.root_digest) {
            (Ok(computed), Some(signed)) if &computed != signed => {
                let f = Finding::new(Status::Mismatch, Check::SignedDigest, self.node(aid), "the listed file digests do not add up to the signed root digest: the manifest was edited")
                    .expect(signed.clone(), Some(computed))
                    .at(&record.file);
                self.out.push(f);
            }
            (Err(problem), _) => {
                let f = Finding::new(Status::SignatureInvalid, Check::SignedDigest, self.node(aid), problem.to_string()).at(&record.file);
                self.out.push(f);
            }
            _ => {}
        }
        for dir in &roots {
            self.model_copy(record, aid, m, verdict, dir);
        }
    }

    /// One copy of a signed model folder: every signed file against its digest, shards
    /// against their ranges, links and files the signature does not cover.
    fn model_copy(&mut self, record: &SignatureRecord, aid: &str, m: &ModelManifest, verdict: &Verdict, dir: &RelPath) {
        let mut covered = BTreeSet::new();
        for r in &m.resources {
            let (path, sharded) = (resource_path(r), r.algorithm.contains("-sharded-"));
            let rel = if path == "." { Some(dir.clone()) } else { dir.join(&path).ok() };
            let Some(rel) = rel else { continue };
            covered.insert(rel.clone());
            if sharded {
                self.shard(aid, &rel, r, verdict, record);
                continue;
            }
            self.cover(aid, &rel, Some((r.algorithm.as_str(), r.digest.as_str())), verdict, record);
        }
        // sharded files: the shards must cover the whole file (bytes appended after signing
        // fall outside every shard)
        let mut shard_ends: std::collections::BTreeMap<RelPath, u64> = std::collections::BTreeMap::new();
        for r in m.resources.iter().filter(|r| r.algorithm.contains("-sharded-")) {
            if let (Ok(rel), Some(end)) = (dir.join(&resource_path(r)), r.name.rsplit(':').next().and_then(|e| e.parse::<u64>().ok())) {
                let e = shard_ends.entry(rel).or_insert(0);
                *e = (*e).max(end);
            }
        }
        for (rel, end) in shard_ends {
            if let Some(size) = self.index.table.digests.get(&rel).map(|d| d.size) {
                if size != end {
                    let fid = self.file_node(&rel);
                    let f = Finding::new(Status::Mismatch, Check::SignedDigest, self.node(&fid), format!("the signed shards cover {end} bytes but the file has {size}: it was changed after signing"))
                        .expect(end.to_string(), Some(size.to_string()))
                        .at(&rel)
                        .by(Witness::new(record.file.as_str(), record_label(record)));
                    self.out.push(f);
                }
            }
        }
        // links in the model folder: model-signing refuses them unless allow_symlinks
        if !m.allow_symlinks {
            let links: Vec<RelPath> = self
                .ev
                .entries
                .iter()
                .filter(|e| matches!(e.kind, EntryKind::Symlink { .. }))
                .filter(|e| e.rel.strip_prefix(dir).is_some_and(|r| !r.is_root() && !m.is_ignored(r.as_str())))
                .map(|e| e.rel.clone())
                .collect();
            for rel in links {
                let fid = self.file_node(&rel);
                let f = Finding::new(Status::Mismatch, Check::SignedDigest, self.node(&fid), "a link inside the signed model folder, which was signed without allow_symlinks: model-signing refuses such a folder")
                    .at(&rel)
                    .by(Witness::new(record.file.as_str(), record_label(record)));
                self.out.push(f);
            }
        }
        // files in the model folder the signature does not cover
        let extra: Vec<RelPath> = self
            .ev
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .filter_map(|e| e.rel.strip_prefix(dir).filter(|r| !r.is_root()).map(|inner| (e.rel.clone(), inner)))
            .filter(|(full, inner)| !covered.contains(full) && full != &record.file && !m.is_ignored(inner.as_str()))
            .map(|(full, _)| full)
            .collect();
        for rel in extra {
            let fid = self.file_node(&rel);
            let f = Finding::new(
                Status::Mismatch,
                Check::SignedDigest,
                self.node(&fid),
                "a file inside the signed model folder that the signature does not cover: it was added after signing (model-signing refuses such a folder)",
            )
            .at(&rel)
            .by(Witness::new(record.file.as_str(), record_label(record)));
            self.out.push(f);
        }
    }

    /// One shard of a sharded model-signing manifest (`path:start:end`, SHA-256 of the bytes
    /// [start, end)).
    fn shard(&mut self, aid: &str, rel: &RelPath, r: &custody_signing::bundle::ModelResource, verdict: &Verdict, record: &SignatureRecord) {
        use std::io::{Read, Seek, SeekFrom};
        let fid = self.file_node(rel);
        self.lineage.link(aid, Relation::WasDerivedFrom, &fid, Some("subject"));
        let witness = Witness::new(record.file.as_str(), format!("{} {}", record_label(record), r.name).trim().to_string());
        let range: Vec<u64> = r.name.rsplitn(3, ':').take(2).filter_map(|x| x.parse().ok()).collect();
        let f = if !r.algorithm.starts_with("sha256-") || range.len() != 2 || range[0] < range[1] {
            Finding::new(Status::Unverifiable, Check::SignedDigest, self.node(&fid), format!("a shard signed with {}, which Custody does not recompute", r.algorithm))
        } else {
            let (end, start) = (range[0], range[1]);
            let digest = std::fs::File::open(rel.to_local(&self.ev.root)).and_then(|mut file| {
                file.seek(SeekFrom::Start(start))?;
                let mut h = sha2::Sha256::new();
                let mut left = end - start;
                let mut buf = vec![0u8; 1 << 20];
                while left > 0 {
                    let n = file.read(&mut buf[..left.min(1 << 20) as usize])?;
                    if n == 0 {
                        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than the shard"));
                    }
                    h.update(&buf[..n]);
                    left -= n as u64;
                }
                Ok(hex::encode(h.finalize()))
            });
            match digest {
                Ok(have) if have == r.digest => Finding::new(verdict.status, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} is the signed bytes; {}", verdict.detail)).expect(r.digest.clone(), Some(have)),
                Ok(have) => Finding::new(Status::Mismatch, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} differs from its signed digest: the file was changed after signing")).expect(r.digest.clone(), Some(have)),
                Err(e) => Finding::new(Status::Missing, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} cannot be read: {e}")).expect(r.digest.clone(), None),
            }
        };
        self.out.push(f.at(rel).by(witness));
    }

    /// Every copy in the evidence of the model folder a model-signing manifest describes.
    ///
    /// By position: the signature's own folder or a sibling with the signed model's name
    /// (whichever holds more of the signed files by name), and any folder named like the
    /// signed model that holds at least half of them. By content, wherever it lies: a folder
    /// that holds every signed file by name and all but at most one of them with the signed
    /// bytes (a signature kept apart from the model, a signed folder copied to a server).
    /// A folder that lacks some signed files and differs in others (another version of the
    /// same model, which shares its environment files) is not a copy.
    fn model_roots(&self, record: &SignatureRecord, m: &ModelManifest) -> Vec<RelPath> {
        let exists = |rel: &RelPath| self.index.exists(rel);
        let names: Vec<String> = m.resources.iter().map(resource_path).collect::<BTreeSet<_>>().into_iter().collect();
        let named_in = |c: &RelPath| names.iter().filter(|name| if name.as_str() == "." { exists(c) } else { c.join(name).is_ok_and(|f| exists(&f)) }).count();
        let mut roots: Vec<RelPath> = Vec::new();
        let parent = record.file.parent();
        let mut beside = vec![parent.clone()];
        if !m.model_name.is_empty() {
            if let Ok(sib) = parent.join(&m.model_name) {
                beside.push(sib);
            }
        }
        // the candidate holding the most of the signed files (a deleted or renamed file must
        // not hide the folder)
        if let Some((_, c)) = beside.into_iter().map(|c| (named_in(&c), c)).filter(|(n, _)| *n > 0).max_by_key(|(n, _)| *n) {
            roots.push(c);
        }
        if !m.model_name.is_empty() && !names.iter().any(|n| n == ".") {
            for dir in self.index.folders_named(&m.model_name) {
                if !roots.contains(&dir) && named_in(&dir) * 2 >= names.len().max(1) {
                    roots.push(dir);
                }
            }
        }
        // by content: count, per folder, the signed files found there with their signed bytes
        let whole: Vec<&custody_signing::bundle::ModelResource> = m.resources.iter().filter(|r| !r.algorithm.contains("-sharded-") && r.name != ".").collect();
        let mut matched: HashMap<RelPath, usize> = HashMap::new();
        for r in &whole {
            let want = r.algorithm.trim_start_matches("file-").split('-').next().unwrap_or("sha256");
            if want != "sha256" {
                continue;
            }
            for f in self.index.files_with_sha256(&r.digest) {
                let folder = folder_of(f, &r.name);
                if folder.join(&r.name).is_ok_and(|p| &p == *f) {
                    *matched.entry(folder).or_default() += 1;
                }
            }
        }
        let mut by_content: Vec<RelPath> = matched
            .into_iter()
            .filter(|(dir, n)| !whole.is_empty() && *n + 1 >= whole.len() && *n >= 1 && named_in(dir) == names.len() && !dir.as_str().contains("/.git/"))
            .map(|(dir, _)| dir)
            .filter(|dir| !roots.contains(dir))
            .collect();
        by_content.sort();
        roots.extend(by_content);
        roots
    }

    /// Generic statement subjects, bound by digest.
    fn subjects(&mut self, record: &SignatureRecord, aid: &str, st: &Statement, verdict: &Verdict) {
        let bound = self.bind_subjects(record, st);
        for (i, s) in st.subjects.iter().enumerate() {
            if let Some(sha) = s.digest.get("gitCommit").or_else(|| s.digest.get("sha1").filter(|_| s.uri.as_deref().is_some_and(|u| u.starts_with("git+")))) {
                let cid = id::commit(sha);
                if self.lineage.contains(&cid) {
                    self.lineage.link(aid, Relation::WasDerivedFrom, &cid, Some("subject"));
                    let f = Finding::new(verdict.status, Check::SignedDigest, self.node(&cid), format!("the commit is a subject of a signed attestation; {}", verdict.detail)).by(Witness::new(record.file.as_str(), record_label(record)));
                    self.out.push(f);
                }
                continue;
            }
            let files = bound.get(&i).cloned().unwrap_or_default();
            let want = subject_digest(s);
            if !files.is_empty() {
                for rel in &files {
                    self.cover(aid, rel, Some(want), verdict, record);
                }
                continue;
            }
            // no file has the digest: a same-named file is a changed subject
            let named = self.named_like(record, s);
            if named.is_empty() {
                let f = Finding::new(
                    Status::Unverifiable,
                    Check::SignedDigest,
                    self.node(aid),
                    format!("subject {} ({}) is not in the evidence", s.display(), digest_text(s)),
                )
                .at(&record.file);
                self.out.push(f);
            }
            for rel in named {
                self.cover(aid, &rel, Some(want), verdict, record);
            }
        }
    }

    /// The evidence files each subject of a statement is bound to. Subjects are matched by
    /// digest; when the same bytes are in several folders (a model copied from the registry
    /// to a server, files shared by several model versions), the statement is bound to the
    /// folders that hold (nearly) all its subjects (at least 80% of the best folder's count):
    /// the attested artifact set, not every file that happens to share one digest. In those
    /// folders a same-named file with other bytes is bound too, so its change is reported.
    fn bind_subjects(&self, record: &SignatureRecord, st: &Statement) -> HashMap<usize, Vec<RelPath>> {
        let mut by_folder: HashMap<RelPath, BTreeSet<usize>> = HashMap::new();
        let mut matches: Vec<Vec<(RelPath, RelPath)>> = Vec::new();
        for (i, s) in st.subjects.iter().enumerate() {
            let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
            let found: Vec<(RelPath, RelPath)> = self.index.files_with(s).into_iter().map(|f| (folder_of(f, name), f.clone())).collect();
            for (folder, _) in &found {
                by_folder.entry(folder.clone()).or_default().insert(i);
            }
            matches.push(found);
        }
        let best = by_folder.values().map(BTreeSet::len).max().unwrap_or(0);
        let mut keep: BTreeSet<RelPath> = by_folder.iter().filter(|(_, v)| v.len() * 5 >= best * 4).map(|(k, _)| k.clone()).collect();
        let files: std::collections::HashSet<&RelPath> = self.ev.entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel).collect();
        // An attestation also speaks for the artifacts stored beside it (under the folder
        // that holds its own folder: `serving/attestations/x.intoto.jsonl` → `serving/`),
        // whatever their bytes now: a changed copy there must not escape because an intact
        // copy sits elsewhere.
        let anchor = {
            let parent = record.file.parent();
            if parent.is_root() { parent } else { parent.parent() }
        };
        if !anchor.is_root() {
            for s in &st.subjects {
                let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
                if name.is_empty() {
                    continue;
                }
                let suffix = format!("/{name}");
                for f in &files {
                    if f.strip_prefix(&anchor).is_some() && f.as_str().ends_with(&suffix) && !f.as_str().contains("/.git/") {
                        keep.insert(folder_of(f, name));
                    }
                }
            }
        }
        let mut out: HashMap<usize, Vec<RelPath>> = HashMap::new();
        for (i, s) in st.subjects.iter().enumerate() {
            let name = s.name.as_deref().unwrap_or("").trim_start_matches("./");
            let mut bound: Vec<RelPath> = matches[i].iter().filter(|(folder, _)| keep.contains(folder)).map(|(_, f)| f.clone()).collect();
            if !name.is_empty() {
                for folder in &keep {
                    if by_folder.get(folder).is_some_and(|v| v.contains(&i)) {
                        continue;
                    }
                    if let Ok(candidate) = folder.join(name) {
                        if files.contains(&candidate) {
                            bound.push(candidate);
                        }
                    }
                }
            }
            bound.sort();
            bound.dedup();
            out.insert(i, bound);
        }
        out
    }

    /// Files named like a descriptor: relative to the attestation's folder first, then by
    /// path suffix anywhere.
    fn named_like(&self, record: &SignatureRecord, d: &Descriptor) -> Vec<RelPath> {
        let Some(name) = d.name.as_deref().map(|n| n.trim_start_matches("./")).filter(|n| !n.is_empty()) else { return Vec::new() };
        let files = || self.ev.entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel);
        if let Ok(near) = record.file.parent().join(name) {
            if files().any(|f| f == &near) {
                return vec![near];
            }
        }
        let suffix = format!("/{name}");
        files().filter(|f| f.as_str() == name || f.as_str().ends_with(&suffix)).filter(|f| !f.as_str().contains("/.git/")).cloned().collect()
    }

    /// SLSA provenance as lineage: build used dependencies, generated subjects, was run by the
    /// builder; a build that is a known run is that run.
    fn provenance(&mut self, record: &SignatureRecord, aid: &str, st: &Statement, prov: &intoto::Provenance) {
        let witness = Witness::new(record.file.as_str(), record_label(record));
        let run_id = prov.invocation_id.as_deref().map(id::run).filter(|r| self.lineage.contains(r));
        let bid = match &run_id {
            Some(r) => r.clone(),
            None => {
                let bid = id::build(&record.place());
                let label = prov.invocation_id.clone().unwrap_or_else(|| "build".into());
                self.lineage.add(Node::new(&bid, NodeKind::Build, label).attr("build_type", json!(prov.build_type)).attr("started", json!(prov.started_on)).attr("finished", json!(prov.finished_on)));
                bid
            }
        };
        if let Some(n) = self.lineage.node_mut(aid) {
            n.attrs.insert("builder".into(), json!(prov.builder_id));
            n.attrs.insert("build_type".into(), json!(prov.build_type));
            n.attrs.insert("invocation_id".into(), json!(prov.invocation_id));
        }
        self.lineage.link(aid, Relation::WasDerivedFrom, &bid, Some("describes"));
        if let Some(builder) = &prov.builder_id {
            let agent = id::agent(builder);
            self.lineage.add(Node::new(&agent, NodeKind::Agent, builder.as_str()).attr("builder", true));
            self.lineage.link(&bid, Relation::WasAssociatedWith, &agent, Some("builder"));
        }
        for files in self.bind_subjects(record, st).into_values() {
            for rel in files {
                let fid = self.file_node(&rel);
                self.lineage.link(&fid, Relation::WasGeneratedBy, &bid, None);
            }
        }
        let run_commit = run_id.as_deref().and_then(|r| self.lineage.node(r)).and_then(|n| n.attrs.get("tags").and_then(|t| t.get("mlflow.source.git.commit")).and_then(|c| c.as_str()).map(str::to_string));
        for dep in &prov.dependencies {
            if let Some(sha) = dep.digest.get("gitCommit") {
                let cid = id::commit(sha);
                if self.lineage.contains(&cid) {
                    self.lineage.link(&bid, Relation::Used, &cid, Some("code"));
                    let mut detail = format!("the provenance's source commit {sha} is in the evidence");
                    let mut status = Status::Verified;
                    if let Some(rc) = &run_commit {
                        if !rc.eq_ignore_ascii_case(sha) {
                            status = Status::Conflict;
                            detail = format!("the provenance says the build ran at commit {sha}, but the run it names records commit {rc}");
                        } else {
                            detail.push_str(" and is the commit its run records");
                        }
                    }
                    let f = Finding::new(status, Check::Provenance, self.node(&cid), detail).expect(sha.clone(), run_commit.clone()).by(witness.clone());
                    self.out.push(f);
                } else {
                    let f = Finding::new(Status::Missing, Check::Provenance, self.node(aid), format!("the provenance's source commit {sha} is not in any repository of the evidence")).by(witness.clone());
                    self.out.push(f);
                }
                continue;
            }
            let files = self.index.files_with(dep);
            if !files.is_empty() {
                for rel in files {
                    let fid = self.file_node(rel);
                    self.lineage.link(&bid, Relation::Used, &fid, Some("dependency"));
                }
                let f = Finding::new(Status::Verified, Check::Provenance, self.node(aid), format!("dependency {} ({}) is in the evidence with those bytes", dep.display(), digest_text(dep))).by(witness.clone());
                self.out.push(f);
                continue;
            }
            let named = self.named_like(record, dep);
            if named.is_empty() {
                let f = Finding::new(Status::Unverifiable, Check::Provenance, self.node(aid), format!("dependency {} ({}) is not in the evidence", dep.display(), digest_text(dep))).by(witness.clone());
                self.out.push(f);
            }
            for rel in named {
                let fid = self.file_node(&rel);
                self.lineage.link(&bid, Relation::Used, &fid, Some("dependency"));
                let have = self.index.sha256(&rel).map(str::to_string);
                let f = Finding::new(
                    Status::Conflict,
                    Check::Provenance,
                    self.node(&fid),
                    format!("the provenance says the build used {} with {}, but the evidence copy has other bytes", dep.display(), digest_text(dep)),
                )
                .expect(digest_text(dep), have.map(|h| format!("sha256:{h}")))
                .at(&rel)
                .by(witness.clone());
                self.out.push(f);
            }
        }
    }

    fn detached(&mut self, record: &SignatureRecord, signature: &[u8], target: &RelPath) {
        let sid = id::signature(&record.place());
        let verdict = match std::fs::read(target.to_local(&self.ev.root)) {
            Ok(bytes) => Verdict::of(self.ring.check("", &bytes, signature), "the detached Ed25519 signature"),
            Err(e) => Verdict::invalid(format!("the signed file cannot be read: {e}")),
        };
        self.signature_node(&sid, record.file.file_name(), record, "detached Ed25519 signature", &verdict);
        self.cover(&sid, target, None, &verdict, record);
    }

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
                PgpOutcome::NoKey { issuer } => Verdict { status: Status::Unverifiable, signer: None, detail: format!("an OpenPGP signature by key {issuer}; no such key was supplied (give its armored public key with --trust)") },
            },
            Err(e) => Verdict::invalid(format!("the signed file cannot be read: {e}")),
        };
        self.signature_node(&sid, record.file.file_name(), record, "OpenPGP detached signature", &verdict);
        self.cover(&sid, target, None, &verdict, record);
    }

    /// Signatures on the commits and tags of every repository.
    fn commits(&mut self) {
        for repo in &self.ev.git {
            let mut objects: Vec<(String, String, String, Vec<u8>, String)> = Vec::new(); // (commit sha, what, armour, signed, identity)
            for c in repo.commits.iter().filter(|c| c.signed) {
                if let Some((armour, signed)) = repo.signature_of(&c.sha) {
                    objects.push((c.sha.clone(), format!("commit {}", c.sha), armour, signed, c.committer.email.clone()));
                }
            }
            for t in repo.tags.iter().filter(|t| t.signed) {
                if let Some((armour, signed, tagger)) = repo.tag_signature_of(&t.name) {
                    objects.push((t.commit.clone(), format!("tag {}", t.name), armour, signed, tagger));
                }
            }
            for (sha, what, armour, signed, identity) in objects {
                let cid = id::commit(&sha);
                if !self.lineage.contains(&cid) {
                    continue;
                }
                let place = format!("{}@{}", repo.rel, what.replace(' ', ":"));
                let sid = id::signature(&place);
                let kind = GitSignatureKind::of(&armour);
                let witness = Witness::new(repo.rel.as_str(), format!("{what} signature"));
                let verdict = match kind {
                    GitSignatureKind::Ssh => match gitsig::check_ssh(&armour, &signed, Some(&identity), self.ring, repo.rel.as_str()) {
                        SshOutcome::Valid { signer, principal_matches } => {
                            let mut detail = format!("the {what}'s SSH signature verifies under {} ({})", signer.label(), signer.origin.describe());
                            if principal_matches == Some(false) {
                                detail.push_str(&format!("; note: the allowed-signers principals {:?} do not include {identity}", signer.principals));
                            }
                            Verdict::by(signer, detail)
                        }
                        SshOutcome::Invalid { reason, .. } => Verdict::invalid(reason),
                    },
                    GitSignatureKind::OpenPgp => match gitsig::check_openpgp(&armour, &signed, self.ring) {
                        PgpOutcome::Valid(signer) => {
                            let detail = format!("the {what}'s OpenPGP signature verifies under {} ({})", signer.label(), signer.origin.describe());
                            Verdict::by(signer, detail)
                        }
                        PgpOutcome::Invalid(reason) => Verdict::invalid(format!("the {what}'s OpenPGP signature is invalid: {reason}")),
                        PgpOutcome::NoKey { issuer } => Verdict {
                            status: Status::Unverifiable,
                            signer: None,
                            detail: format!("an OpenPGP signature by key {issuer} is present; no such key was supplied (give its armored public key with --trust)"),
                        },
                    },
                    other => Verdict { status: Status::Unverifiable, signer: None, detail: format!("an {} signature is present; Custody does not verify {} signatures", other.name(), other.name()) },
                };
                let (status, detail) = (verdict.status, verdict.detail.clone());
                self.add_signature(Node::new(&sid, NodeKind::Signature, format!("{} signature of {what}", kind.name())).attr("format", format!("git {} signature", kind.name())), &verdict);
                self.lineage.link(&sid, Relation::WasDerivedFrom, &cid, Some("signs"));
                if let Some(n) = self.lineage.node_mut(&cid) {
                    n.attrs.insert(if what.starts_with("tag") { "tag_signature".into() } else { "signature".into() }, json!(status.name()));
                }
                let f = Finding::new(status, Check::CommitSignature, self.node(&cid), detail).by(witness.clone());
                self.out.push(f.clone());
                let mut g = f;
                g.node = self.node(&sid);
                g.check = Check::Signature;
                self.out.push(g);
            }
        }
    }
}

/// The file a model-signing resource names (a shard is `path:start:end`).
fn resource_path(r: &custody_signing::bundle::ModelResource) -> String {
    if r.algorithm.contains("-sharded-") {
        let parts: Vec<&str> = r.name.rsplitn(3, ':').collect();
        if parts.len() == 3 {
            return parts[2].to_string();
        }
    }
    r.name.clone()
}

/// The digest a subject is checked by: SHA-256 when it has one, else MD5, else whatever it
/// names (reported as not recomputed).
fn subject_digest(d: &Descriptor) -> (&str, &str) {
    for alg in ["sha256", "md5"] {
        if let Some(v) = d.digest.get(alg) {
            return (alg, v.as_str());
        }
    }
    d.digest.iter().next().map(|(k, v)| (k.as_str(), v.as_str())).unwrap_or(("none", ""))
}

/// The folder a subject named `name` (a path relative to the attested artifact's root) sits
/// in: the file's path without the name's components.
fn folder_of(file: &RelPath, name: &str) -> RelPath {
    let depth = if name.is_empty() { 1 } else { name.split('/').filter(|p| !p.is_empty()).count() };
    let suffix_matches = name.is_empty() || file.as_str() == name || file.as_str().ends_with(&format!("/{name}"));
    let mut folder = file.parent();
    if suffix_matches {
        for _ in 1..depth {
            folder = folder.parent();
        }
    }
    folder
}

fn record_label(record: &SignatureRecord) -> String {
    if record.line > 0 { format!("line {}", record.line) } else { String::new() }
}

fn digest_text(d: &Descriptor) -> String {
    d.digest.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(", ")
}

fn predicate_label(predicate_type: &str) -> String {
    match predicate_type {
        intoto::SLSA_V1 | intoto::SLSA_V02 => "SLSA provenance".into(),
        intoto::MODEL_SIGNING_V1 | intoto::MODEL_SIGNING_V01 => "model-signing manifest".into(),
        "" => "in-toto statement".into(),
        other => format!("attestation {}", other.rsplit('/').next().unwrap_or(other)),
    }
}

/// The artifact a detached bundle signs: the sibling file named like the bundle without its
/// signature suffix.
fn sibling_target(ev: &Evidence, sig: &RelPath) -> Option<RelPath> {
    let name = sig.file_name();
    let stem = [".sigstore.json", ".sigstore", ".bundle", ".sig"].iter().find_map(|s| name.strip_suffix(s))?;
    let t = sig.parent().join(stem).ok()?;
    ev.entries.iter().any(|e| e.rel == t).then_some(t)
}
