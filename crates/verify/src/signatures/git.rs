//! The signatures of git commits and tags.
//!
//! Why: a signed commit or tag is a claim by a key that the code at that commit is what its
//! author meant; the runs and builds that name the commit inherit that claim. Custody checks
//! each signature (SSH or OpenPGP) over the object's bytes as stored in the repository.
//!
//! Guarantees:
//! * every signed commit and tag whose commit is in the lineage gets a signature node that
//!   signs the commit (built by `custody_lineage::signed`), and two findings: one on the commit (`commit-signature`), one on the
//!   signature (`signature`);
//! * an SSH signature is valid only under a key the investigator supplied (allowed signers);
//!   a principal that does not name the committer is noted, not hidden;
//! * a signature in a format Custody does not verify (X.509, unknown armour) is
//!   `unverifiable`, never valid;
//! * a signed commit or tag whose object the repository names but cannot read gets a
//!   `signature-invalid` finding on its commit saying so, never a silent pass;
//! * both findings name the signer (key, fingerprint, trust) when a key verifies the
//!   signature.


use super::verdict::Verdict;
use super::{Cx, signing_key};
use crate::{Check, Finding, Status};
use custody_lineage::Witness;
use custody_lineage::build::id;
use custody_lineage::signed::{self, Signature};
use custody_signing::gitsig::{self, GitSignatureKind, PgpOutcome, SshOutcome};
use custody_sources::git::{GitError, GitRepo};

/// A signed git object: a commit, or a tag (which signs the commit it points at).
struct SignedObject {
    /// The commit signed (for a tag, the commit it points at).
    commit: String,
    /// "commit <sha>" or "tag <name>".
    what: String,
    armour: String,
    /// The bytes the signature covers.
    signed: Vec<u8>,
    /// Who the object says signed it: the committer's or the tagger's identity.
    identity: String,
}

/// A commit or tag listed as signed whose object cannot be read.
struct UnreadableObject {
    /// The commit (for a tag, the commit it points at).
    commit: String,
    /// "commit <sha>" or "tag <name>".
    what: String,
    error: GitError,
}

impl Cx<'_, '_> {
    /// Signatures on the commits and tags of every repository.
    pub(super) fn commits(&mut self) {
        for repo in &self.ev.git {
            for object in signed_objects(repo) {
                match object {
                    Ok(object) => self.git_signature(repo, &object),
                    Err(unreadable) => self.unreadable_object(repo, &unreadable),
                }
            }
        }
    }

    /// A signed commit or tag whose object cannot be read: a finding on the commit, whose
    /// signature could not be checked.
    fn unreadable_object(&mut self, repo: &GitRepo, object: &UnreadableObject) {
        let cid = id::commit(&object.commit);
        if !self.lineage.contains(&cid) {
            return;
        }
        let what = &object.what;
        let status = Status::SignatureInvalid;
        signed::mark_commit_signature(self.lineage, &cid, status, what.starts_with("tag"));
        let detail = format!("the {what}'s signature cannot be read: {}", object.error.describe());
        let f = Finding::new(status, Check::CommitSignature, self.node(&cid), detail).by(Witness::new(repo.rel.as_str(), format!("{what} signature")));
        self.out.push(f);
    }

    /// One signed commit or tag: its signature node, and the findings on the commit and on
    /// the signature.
    fn git_signature(&mut self, repo: &GitRepo, object: &SignedObject) {
        let what = &object.what;
        let cid = id::commit(&object.commit);
        if !self.lineage.contains(&cid) {
            return;
        }
        let place = format!("{}@{}", repo.rel, what.replace(' ', ":"));
        let sid = id::signature(&place);
        let kind = GitSignatureKind::of(&object.armour);
        let witness = Witness::new(repo.rel.as_str(), format!("{what} signature"));
        let verdict = self.git_verdict(repo, object, kind);
        let (status, detail) = (verdict.status, verdict.detail.clone());
        let signature = Signature {
            id: &sid,
            label: format!("{} signature of {what}", kind.name()),
            format: format!("git {} signature", kind.name()),
            path: None,
            line: 0,
            verdict: Some(status),
            key: verdict.key.as_ref().map(signing_key),
            stored_in: None,
        };
        signed::add_commit_signature(self.lineage, signature, &cid, what.starts_with("tag"));
        let f = Finding::new(status, Check::CommitSignature, self.node(&cid), detail).by(witness.clone()).signed_by(verdict.signer.as_ref());
        self.out.push(f.clone());
        let mut g = f;
        g.node = self.node(&sid);
        g.check = Check::Signature;
        self.out.push(g);
    }

    /// The verdict on a git object's signature, by its armour.
    fn git_verdict(&self, repo: &GitRepo, object: &SignedObject, kind: GitSignatureKind) -> Verdict {
        let SignedObject { what, armour, signed, identity, .. } = object;
        match kind {
            GitSignatureKind::Ssh => match gitsig::check_ssh(armour, signed, Some(identity), self.ring, repo.rel.as_str()) {
                SshOutcome::Valid { signer, principal_matches } => {
                    let mut detail = format!("the {what}'s SSH signature verifies under {} ({})", signer.label(), signer.origin.describe());
                    if principal_matches == Some(false) {
                        detail.push_str(&format!("; note: the allowed-signers principals {:?} do not include {identity}", signer.principals));
                    }
                    Verdict::by(signer, detail)
                }
                SshOutcome::Invalid { reason, .. } => Verdict::invalid(reason.to_string()),
            },
            GitSignatureKind::OpenPgp => match gitsig::check_openpgp(armour, signed, self.ring) {
                PgpOutcome::Valid(signer) => {
                    let detail = format!("the {what}'s OpenPGP signature verifies under {} ({})", signer.label(), signer.origin.describe());
                    Verdict::by(signer, detail)
                }
                PgpOutcome::Invalid(reason) => Verdict::invalid(format!("the {what}'s OpenPGP signature is invalid: {reason}")),
                PgpOutcome::NoKey { issuer } => Verdict::unverifiable(format!("an OpenPGP signature by key {issuer} is present; no such key was supplied (give its armored public key with --trust)")),
            },
            other => Verdict::unverifiable(format!("an {} signature is present; Custody does not verify {} signatures", other.name(), other.name())),
        }
    }
}

/// The signed commits, then the signed tags, of one repository, with the bytes each signs;
/// an object that cannot be read is kept as such, with why.
fn signed_objects(repo: &GitRepo) -> Vec<Result<SignedObject, UnreadableObject>> {
    let mut objects = Vec::new();
    for c in repo.commits.iter().filter(|c| c.signed) {
        let what = format!("commit {}", c.sha);
        match repo.try_signature_of(&c.sha) {
            Ok(Some((armour, signed))) => objects.push(Ok(SignedObject { commit: c.sha.clone(), what, armour, signed, identity: c.committer.email.clone() })),
            Ok(None) => {}
            Err(error) => objects.push(Err(UnreadableObject { commit: c.sha.clone(), what, error })),
        }
    }
    for t in repo.tags.iter().filter(|t| t.signed) {
        let what = format!("tag {}", t.name);
        match repo.try_tag_signature_of(&t.name) {
            Ok(Some((armour, signed, tagger))) => objects.push(Ok(SignedObject { commit: t.commit.clone(), what, armour, signed, identity: tagger })),
            Ok(None) => {}
            Err(error) => objects.push(Err(UnreadableObject { commit: t.commit.clone(), what, error })),
        }
    }
    objects
}
