//! In-toto statements and SLSA provenance.
//!
//! Why: a signed DSSE envelope usually carries an in-toto statement: a list of subjects (files
//! or commits, by digest) and a predicate saying what is claimed of them. The subjects are
//! checked against the bytes in the evidence; a SLSA provenance predicate further says how the
//! subjects were built, which Custody takes into the lineage and cross-checks against the run
//! it names.
//!
//! Guarantees:
//! * each statement is an attestation node signed by its signature; each subject file gets one
//!   finding (through the verdict module), each subject commit in the evidence one finding;
//! * a file subject that no file holds by digest or by name is `unverifiable`, never
//!   silently dropped;
//! * provenance becomes lineage only under a signature the investigator trusts
//!   (`signature-valid`); otherwise it is reported `unverifiable` and its claims are not
//!   evidence;
//! * provenance becomes lineage (its nodes and edges built by `custody_lineage::signed`): the
//!   build used its resolved dependencies, generated its subjects and was run by its builder;
//!   a build that is a known run is that run, and a source commit other than the run's is a
//!   `conflict`.


use super::verdict::{Claim, Verdict};
use super::{Cx, record_label};
use crate::{Check, Finding, Status};
use custody_lineage::Witness;
use custody_lineage::build::id;
use custody_lineage::signed::{self, Attestation};
use custody_sources::mlflow::GIT_COMMIT_TAG;
use custody_signing::bundle::ModelManifest;
use custody_signing::dsse::Envelope;
use custody_signing::intoto::{self, Descriptor, Statement};
use custody_sources::signatures::SignatureRecord;

/// One provenance being taken into the lineage: the attestation that carries it, the build it
/// describes, where it was read, and the commit of the run it names (when it names one).
struct Build<'p> {
    aid: &'p str,
    bid: &'p str,
    record: &'p SignatureRecord,
    witness: Witness,
    run_commit: Option<String>,
}

impl Cx<'_, '_> {
    /// The signature node of an envelope, its statement, and the checks of what it covers.
    pub(super) fn statement_of(&mut self, record: &SignatureRecord, sid: &str, env: &Envelope, verdict: Verdict, format: &str) {
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
        let aid = self.attestation_node(record, sid, &statement);
        let claim = Claim { from: &aid, record, verdict: &verdict };
        match ModelManifest::from_statement(&statement) {
            Some(Ok(manifest)) => self.model_manifest(&claim, &manifest),
            Some(Err(problem)) => {
                let f = Finding::new(Status::SignatureInvalid, Check::SignedDigest, self.node(&aid), format!("the model-signing predicate cannot be read: {problem}")).at(&record.file);
                self.out.push(f);
            }
            None => self.subjects(&claim, &statement),
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

    /// The attestation node of a signed statement, signed by the signature `sid`.
    fn attestation_node(&mut self, record: &SignatureRecord, sid: &str, statement: &Statement) -> String {
        let place = record.place();
        let attestation = Attestation {
            place: &place,
            label: predicate_label(&statement.predicate_type),
            statement_type: statement.statement_type.clone(),
            predicate_type: statement.predicate_type.clone(),
            subjects: statement.subjects.len(),
            path: &record.file,
        };
        signed::add_attestation(self.lineage, sid, attestation)
    }

    /// Generic statement subjects, bound by digest.
    fn subjects(&mut self, claim: &Claim, st: &Statement) {
        let (record, aid, verdict) = (claim.record, claim.from, claim.verdict);
        let bound = self.bind_subjects(record, st);
        for (i, s) in st.subjects.iter().enumerate() {
            if let Some(sha) = s.digest.get("gitCommit").or_else(|| s.digest.get("sha1").filter(|_| s.uri.as_deref().is_some_and(|u| u.starts_with("git+")))) {
                let cid = id::commit(sha);
                if self.lineage.contains(&cid) {
                    signed::link_subject(self.lineage, aid, &cid);
                    let f = Finding::new(verdict.status, Check::SignedDigest, self.node(&cid), format!("the commit is a subject of a signed attestation; {}", verdict.detail)).by(claim.witness()).signed_by(verdict.signer.as_ref());
                    self.out.push(f);
                }
                continue;
            }
            let files = bound.get(&i).cloned().unwrap_or_default();
            let want = subject_digest(s);
            if !files.is_empty() {
                for rel in &files {
                    self.cover(claim, rel, Some(want));
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
                self.cover(claim, &rel, Some(want));
            }
        }
    }

    /// SLSA provenance as lineage: build used dependencies, generated subjects, was run by the
    /// builder; a build that is a known run is that run.
    fn provenance(&mut self, record: &SignatureRecord, aid: &str, st: &Statement, prov: &intoto::Provenance) {
        let witness = Witness::new(record.file.as_str(), record_label(record));
        let run_id = prov.invocation_id.as_deref().map(id::run).filter(|r| self.lineage.contains(r));
        let bid = self.build_node(record, aid, prov, run_id.as_deref());
        for files in self.bind_subjects(record, st).into_values() {
            for rel in files {
                let fid = self.file_node(&rel);
                signed::link_generated(self.lineage, &fid, &bid);
            }
        }
        let run_commit = run_id.as_deref().and_then(|r| self.lineage.node(r)).and_then(|n| n.payload.run()).and_then(|r| r.tags.get(GIT_COMMIT_TAG)).cloned();
        let build = Build { aid, bid: &bid, record, witness, run_commit };
        for dep in &prov.dependencies {
            match dep.digest.get("gitCommit") {
                Some(sha) => self.source_commit(&build, sha),
                None => self.dependency(&build, dep),
            }
        }
    }

    /// The build a provenance describes (the run it names when that run is in the evidence,
    /// else a build node of its own), described by the attestation and run by its builder.
    fn build_node(&mut self, record: &SignatureRecord, aid: &str, prov: &intoto::Provenance, run_id: Option<&str>) -> String {
        let place = record.place();
        let build = signed::Build {
            place: &place,
            run: run_id,
            invocation_id: prov.invocation_id.clone(),
            build_type: prov.build_type.clone(),
            started: prov.started_on.clone(),
            finished: prov.finished_on.clone(),
            builder: prov.builder_id.clone(),
        };
        signed::add_build(self.lineage, aid, build)
    }

    /// The source commit a provenance names: in the evidence, and the commit its run records.
    fn source_commit(&mut self, b: &Build, sha: &str) {
        let cid = id::commit(sha);
        if self.lineage.contains(&cid) {
            signed::link_source_commit(self.lineage, b.bid, &cid);
            let mut detail = format!("the provenance's source commit {sha} is in the evidence");
            let mut status = Status::Verified;
            if let Some(rc) = &b.run_commit {
                if !rc.eq_ignore_ascii_case(sha) {
                    status = Status::Conflict;
                    detail = format!("the provenance says the build ran at commit {sha}, but the run it names records commit {rc}");
                } else {
                    detail.push_str(" and is the commit its run records");
                }
            }
            let f = Finding::new(status, Check::Provenance, self.node(&cid), detail).expect(sha.to_string(), b.run_commit.clone()).by(b.witness.clone());
            self.out.push(f);
        } else {
            let f = Finding::new(Status::Missing, Check::Provenance, self.node(b.aid), format!("the provenance's source commit {sha} is not in any repository of the evidence")).by(b.witness.clone());
            self.out.push(f);
        }
    }

    /// A resolved dependency of a build: in the evidence with its bytes, with other bytes (a
    /// `conflict`), or not at all.
    fn dependency(&mut self, b: &Build, dep: &Descriptor) {
        let files = self.index.files_with(dep);
        if !files.is_empty() {
            for rel in files {
                let fid = self.file_node(rel);
                signed::link_dependency(self.lineage, b.bid, &fid);
            }
            let f = Finding::new(Status::Verified, Check::Provenance, self.node(b.aid), format!("dependency {} ({}) is in the evidence with those bytes", dep.display(), digest_text(dep))).by(b.witness.clone());
            self.out.push(f);
            return;
        }
        let named = self.named_like(b.record, dep);
        if named.is_empty() {
            let f = Finding::new(Status::Unverifiable, Check::Provenance, self.node(b.aid), format!("dependency {} ({}) is not in the evidence", dep.display(), digest_text(dep))).by(b.witness.clone());
            self.out.push(f);
        }
        for rel in named {
            let fid = self.file_node(&rel);
            signed::link_dependency(self.lineage, b.bid, &fid);
            let have = self.index.sha256(&rel).map(str::to_string);
            let f = Finding::new(
                Status::Conflict,
                Check::Provenance,
                self.node(&fid),
                format!("the provenance says the build used {} with {}, but the evidence copy has other bytes", dep.display(), digest_text(dep)),
            )
            .expect(digest_text(dep), have.map(|h| format!("sha256:{h}")))
            .at(&rel)
            .by(b.witness.clone());
            self.out.push(f);
        }
    }
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
