//! Sigstore bundles and model-signing manifests.
//!
//! Why: a Sigstore bundle signs either a DSSE statement or an artifact's bytes, under a
//! self-managed key or a short-lived certificate (keyless); the OpenSSF model-signing format
//! is such a bundle whose statement lists every file of a model folder, whole or in shards.
//! A model is signed as a folder, so it is checked as one: every signed file, every shard,
//! and whatever was added to the folder after signing.
//!
//! Guarantees:
//! * a keyless signature is `signature-valid` only for a certificate identity the
//!   investigator trusts; without a Sigstore trust root, or over an artifact that is not in
//!   the evidence, it is `unverifiable`, never valid;
//! * every copy of a signed model folder in the evidence is checked, each file against its
//!   signed digest, each shard against the SHA-256 of its byte range;
//! * bytes appended after the last shard, links (unless signed with `allow_symlinks`) and
//!   files the manifest neither lists nor ignores (the signature file aside) are `mismatch`:
//!   model-signing refuses such a folder;
//! * a manifest whose file digests do not add up to its signed root digest is `mismatch`;
//! * bytes are read only through `custody_evidence`: a shard is hashed by its streaming
//!   hashing (constant memory, no link followed); an artifact under a message signature, which
//!   the verifier needs whole, through its capped read, and one over the cap is `unverifiable`.

use std::collections::{BTreeMap, BTreeSet};

use super::binding::sibling_target;
use super::verdict::{Claim, Verdict};
use super::{Cx, record_label};
use crate::{Check, Finding, Signer, Status};
use custody_evidence::hashing::{self, ReadError};
use custody_evidence::{EntryKind, RelPath};
use custody_lineage::Witness;
use custody_lineage::build::id;
use custody_lineage::signed::{self, SignedModel};
use custody_signing::bundle::{Bundle, Content, Material, ModelManifest, ModelResource};
use custody_signing::keyless::{self, Signed as KeylessSigned};
use custody_signing::keys::KeyRing;
use custody_sources::signatures::SignatureRecord;

/// Who signed a keyless bundle: its certificate's identity, and whether the investigator
/// trusts that identity.
struct KeylessSigner {
    identity: String,
    trusted: bool,
}

impl KeylessSigner {
    /// The signer named by a certificate chain (leaf first).
    fn of(certs: &[Vec<u8>], ring: &KeyRing) -> KeylessSigner {
        let identity = keyless::certificate_identity(certs.first().map(Vec::as_slice).unwrap_or_default()).unwrap_or_else(|e| format!("unreadable certificate: {e}"));
        let (names, issuer) = keyless::certificate_names(certs.first().map(Vec::as_slice).unwrap_or_default()).unwrap_or_default();
        let trusted = ring.identities.iter().any(|t| t.admits(&names, issuer.as_deref()));
        KeylessSigner { identity, trusted }
    }

    /// The signer as findings name it.
    fn signer(&self) -> Signer {
        Signer::identity(&self.identity, self.trusted)
    }

    /// The verdict on a keyless signature: `outcome` is `None` when no trust root was
    /// supplied; `artifact_present` whether the signed artifact itself is in the evidence.
    fn verdict(&self, outcome: Option<keyless::KeylessOutcome>, artifact_present: bool) -> Verdict {
        let identity = &self.identity;
        match outcome.map(|o| (o.unsupported, o.result)) {
            Some((true, Err(problem))) => Verdict::unverifiable(format!("the keyless signature by {identity} cannot be checked: {problem}")),
            None => Verdict::unverifiable(format!("a keyless Sigstore bundle signed by {identity}; supply a Sigstore trusted_root.json with --trust to verify it offline")),
            Some((_, Ok(summary))) if !artifact_present => {
                Verdict::unverifiable(format!("the keyless signature by {identity} verifies for the artifact digest the bundle states ({summary}), but the artifact itself is not in the evidence"))
            }
            Some((_, Ok(summary))) if self.trusted => Verdict::by_identity(self.signer(), format!("the keyless signature by {identity}, an identity the investigator trusts, verifies: {summary}")),
            Some((_, Ok(summary))) => Verdict::by_identity(
                self.signer(),
                format!("the keyless signature by {identity} verifies ({summary}), but that identity is not one the investigator trusts; trust it with --trust-identity if it is the expected signer"),
            ),
            Some((false, Err(problem))) => Verdict::invalid(format!("the keyless signature by {identity} does not verify: {problem}")),
        }
    }
}

impl Cx<'_, '_> {
    /// A Sigstore bundle: by what it signs (a DSSE statement or an artifact's bytes) and under
    /// what (a self-managed key or a certificate).
    pub(super) fn bundle(&mut self, record: &SignatureRecord, b: &Bundle) {
        let sid = id::signature(&record.place());
        match (&b.content, &b.material) {
            (Content::Dsse(env), Material::PublicKey { hint }) => {
                let verdict = self.envelope_verdict(env, Some(hint), true, "the bundle's DSSE signature");
                self.statement_of(record, &sid, env, verdict, "Sigstore bundle (DSSE, self-managed key)");
            }
            (Content::MessageSignature { signature, .. }, Material::PublicKey { hint }) => self.message_bundle(record, &sid, signature, hint),
            (_, Material::Certificates(certs)) => self.keyless_bundle(record, &sid, b, certs),
        }
    }

    /// A bundle that signs an artifact's bytes under a self-managed key: the artifact is the
    /// sibling named like the bundle.
    fn message_bundle(&mut self, record: &SignatureRecord, sid: &str, signature: &[u8], hint: &str) {
        let target = sibling_target(self.ev, &record.file);
        let verdict = match &target {
            // The key ring checks a signature over the message itself (an Ed25519 signature
            // hashes the message twice and cannot take a stream), so the artifact is read
            // whole, through the evidence crate's capped door (no link followed).
            Some(t) => match hashing::read_capped(&t.to_local(&self.ev.root), hashing::WHOLE_FILE_CAP) {
                Ok(bytes) => Verdict::of(self.ring.check(hint, &bytes, signature), "the bundle's message signature"),
                Err(ReadError::TooLarge { size, cap }) => Verdict::unverifiable(too_large(t, size, cap)),
                Err(e) => Verdict::invalid(format!("the signed file {t} cannot be read: {e}")),
            },
            None => Verdict::unverifiable("a message-signature bundle whose artifact is not beside it".into()),
        };
        self.signature_node(sid, record.file.file_name(), record, "Sigstore bundle (message signature)", &verdict);
        if let Some(t) = target {
            self.cover(&Claim { from: sid, record, verdict: &verdict }, &t, None);
        }
    }

    /// A keyless bundle: a short-lived certificate's identity signed, checked against the
    /// Sigstore trust roots the investigator supplied.
    fn keyless_bundle(&mut self, record: &SignatureRecord, sid: &str, b: &Bundle, certs: &[Vec<u8>]) {
        let ring = self.ring;
        let signer = KeylessSigner::of(certs, ring);
        let roots = &ring.roots;
        match &b.content {
            Content::Dsse(env) => {
                let result = (!roots.is_empty()).then(|| keyless::verify_keyless(b, KeylessSigned::Pae(&env.pae()), env.signatures.first().map(|s| s.sig.as_slice()).unwrap_or_default(), roots));
                let mut v = signer.verdict(result, true);
                v.detail = v.detail.replace("signature by", "DSSE signature by");
                self.statement_of(record, sid, env, v, "Sigstore bundle (keyless, DSSE)");
                self.keyless_signer(sid, &signer);
            }
            Content::MessageSignature { digest, signature, .. } => {
                let target = sibling_target(self.ev, &record.file);
                // The certificate's key checks a signature over the artifact's bytes (which may
                // be Ed25519, which cannot take a stream), so the artifact is read whole,
                // through the evidence crate's capped door (no link followed); its digest is
                // taken from those same bytes.
                let read = target.as_ref().map(|t| hashing::read_capped(&t.to_local(&self.ev.root), hashing::WHOLE_FILE_CAP));
                let too_big = match (&target, &read) {
                    (Some(t), Some(Err(ReadError::TooLarge { size, cap }))) => Some(too_large(t, *size, *cap)),
                    _ => None,
                };
                let bytes = read.and_then(Result::ok);
                let stated = match &bytes {
                    Some(b) => hashing::sha256_digest(b).to_vec(),
                    None => digest.clone(),
                };
                let v = match too_big {
                    Some(why) => Verdict::unverifiable(format!("the keyless signature by {} cannot be checked: {why}", signer.identity)),
                    None => {
                        let result = (!roots.is_empty()).then(|| keyless::verify_keyless(b, KeylessSigned::Artifact { bytes: bytes.as_deref(), digest: &stated }, signature, roots));
                        signer.verdict(result, bytes.is_some())
                    }
                };
                self.signature_node(sid, record.file.file_name(), record, "Sigstore bundle (keyless)", &v);
                self.keyless_signer(sid, &signer);
                if let Some(t) = target {
                    self.cover(&Claim { from: sid, record, verdict: &v }, &t, None);
                }
            }
        }
    }

    /// The certificate identity of a keyless signature, as the agent that signed.
    fn keyless_signer(&mut self, sid: &str, signer: &KeylessSigner) {
        signed::add_keyless_signer(self.lineage, sid, &signer.identity, signer.trusted);
    }

    /// A model-signing manifest: where the signed model is in the evidence, whether its file
    /// digests add up to the signed root, and every copy of the folder.
    pub(super) fn model_manifest(&mut self, claim: &Claim, m: &ModelManifest) {
        let (record, aid) = (claim.record, claim.from);
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
        let model = SignedModel { folders: &roots, name: m.model_name.clone(), hash_type: m.hash_type.clone(), method: m.method.clone() };
        signed::describe_model(self.lineage, aid, model);
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
            self.model_copy(claim, m, dir);
        }
    }

    /// One copy of a signed model folder: every signed file against its digest, shards
    /// against their ranges, links and files the signature does not cover.
    fn model_copy(&mut self, claim: &Claim, m: &ModelManifest, dir: &RelPath) {
        let covered = self.signed_files(claim, m, dir);
        self.shard_lengths(claim, m, dir);
        if !m.allow_symlinks {
            self.links_in_model(claim, m, dir);
        }
        self.uncovered_files(claim, m, dir, &covered);
    }

    /// Every file (or shard) the manifest signs, in the copy at `dir`, against its digest;
    /// returns the files covered.
    fn signed_files(&mut self, claim: &Claim, m: &ModelManifest, dir: &RelPath) -> BTreeSet<RelPath> {
        let mut covered = BTreeSet::new();
        for r in &m.resources {
            let (path, sharded) = (resource_path(r), r.algorithm.contains("-sharded-"));
            let rel = if path == "." { Some(dir.clone()) } else { dir.join(&path).ok() };
            let Some(rel) = rel else { continue };
            covered.insert(rel.clone());
            if sharded {
                self.shard(claim, &rel, r);
                continue;
            }
            self.cover(claim, &rel, Some((r.algorithm.as_str(), r.digest.as_str())));
        }
        covered
    }

    /// Sharded files: the shards must cover the whole file (bytes appended after signing fall
    /// outside every shard).
    fn shard_lengths(&mut self, claim: &Claim, m: &ModelManifest, dir: &RelPath) {
        let mut shard_ends: BTreeMap<RelPath, u64> = BTreeMap::new();
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
                        .by(claim.witness());
                    self.out.push(f);
                }
            }
        }
    }

    /// Links in the model folder: model-signing refuses them unless `allow_symlinks`.
    fn links_in_model(&mut self, claim: &Claim, m: &ModelManifest, dir: &RelPath) {
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
                .by(claim.witness());
            self.out.push(f);
        }
    }

    /// Files in the model folder the signature does not cover.
    fn uncovered_files(&mut self, claim: &Claim, m: &ModelManifest, dir: &RelPath, covered: &BTreeSet<RelPath>) {
        let record = claim.record;
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
            .by(claim.witness());
            self.out.push(f);
        }
    }

    /// One shard of a sharded model-signing manifest (`path:start:end`, SHA-256 of the bytes
    /// [start, end)).
    fn shard(&mut self, claim: &Claim, rel: &RelPath, r: &ModelResource) {
        let (aid, verdict, record) = (claim.from, claim.verdict, claim.record);
        let fid = self.file_node(rel);
        signed::link_subject(self.lineage, aid, &fid);
        let witness = Witness::new(record.file.as_str(), format!("{} {}", record_label(record), r.name).trim().to_string());
        let range: Vec<u64> = r.name.rsplitn(3, ':').take(2).filter_map(|x| x.parse().ok()).collect();
        let f = if !r.algorithm.starts_with("sha256-") || range.len() != 2 || range[0] < range[1] {
            Finding::new(Status::Unverifiable, Check::SignedDigest, self.node(&fid), format!("a shard signed with {}, which Custody does not recompute", r.algorithm))
        } else {
            let (end, start) = (range[0], range[1]);
            match hashing::sha256_range(&rel.to_local(&self.ev.root), start, end) {
                Ok(have) if have == r.digest => Finding::new(verdict.status, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} is the signed bytes; {}", verdict.detail)).expect(r.digest.clone(), Some(have)),
                Ok(have) => Finding::new(Status::Mismatch, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} differs from its signed digest: the file was changed after signing")).expect(r.digest.clone(), Some(have)),
                Err(e) => Finding::new(Status::Missing, Check::SignedDigest, self.node(&fid), format!("shard {start}..{end} cannot be read: {e}")).expect(r.digest.clone(), None),
            }
        };
        self.out.push(f.at(rel).by(witness).signed_by(verdict.signer.as_ref()));
    }
}

/// Why a signed artifact is not checked: more bytes than Custody holds in memory at once.
fn too_large(target: &RelPath, size: u64, cap: u64) -> String {
    format!("the signed file {target} is {size} bytes, more than the {cap} bytes Custody reads into memory to check a signature over a whole file")
}

/// The file a model-signing resource names (a shard is `path:start:end`).
pub(super) fn resource_path(r: &ModelResource) -> String {
    if r.algorithm.contains("-sharded-") {
        let parts: Vec<&str> = r.name.rsplitn(3, ':').collect();
        if parts.len() == 3 {
            return parts[2].to_string();
        }
    }
    r.name.clone()
}
