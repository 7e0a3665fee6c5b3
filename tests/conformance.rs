//! The conformance stage: the keyless Sigstore checks against real keyless bundles from
//! sigstore-python's test assets (`kl_bundle.json`: public-good, no signed time;
//! `v2_bundle.json`: staging Rekor v2 with an RFC 3161 timestamp; `v01_bundle.json`: a staging
//! v0.1 bundle with a signed entry timestamp), as the project's research keeps them beside the
//! repository in `../shared/research/samples/signing`. They need Fulcio and Rekor to be made, so
//! `fixtures/make-samples` cannot regenerate them offline, and they are reference material that
//! is not copied into the repository. So every test here runs only when that folder is present;
//! when it is absent (a user's clone) the test prints
//! "conformance: ../shared/research/samples/signing not present, skipped" and passes without
//! asserting. `scripts/test` says which of the two happened.

use std::path::{Path, PathBuf};

use custody::progress::Silent;
use custody::verify::{Check, Status};
use custody::workflow::{self, Investigation};

use crate::support::fixtures;

/// Where the keyless bundles are, relative to the repository.
const RESEARCH_SIGNING: &str = "../shared/research/samples/signing";

/// The folder of the keyless bundles, or `None` (after saying so) when it is not beside the
/// repository.
fn research_signing() -> Option<PathBuf> {
    let dir = crate::support::repository().join(RESEARCH_SIGNING);
    if dir.join("kl_bundle.json").is_file() {
        Some(dir)
    } else {
        println!("conformance: {RESEARCH_SIGNING} not present, skipped");
        None
    }
}

// ---- keyless Sigstore bundles against the trusted roots sigstore-python ships ---------------

/// An evidence folder with the research's keyless bundles (in `s`), each beside its artifact as
/// `NAME.sigstore.json`: `a.txt` (public-good, no signed time), `b.txt` (staging Rekor v2, an
/// RFC 3161 timestamp), `c.txt.sigstore.json` (staging v0.1 bundle with a signed entry
/// timestamp; its artifact is not in the samples, so its stated digest is checked).
fn keyless_evidence(s: &Path, mutate: impl FnOnce(&Path)) -> (tempfile::TempDir, Investigation) {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    for (from, to) in [("kl_bundle.txt", "a.txt"), ("kl_bundle.json", "a.txt.sigstore.json"), ("v2_bundle.txt", "b.txt"), ("v2_bundle.json", "b.txt.sigstore.json"), ("v01_bundle.json", "c.txt.sigstore.json")] {
        std::fs::copy(s.join(from), ev.join(to)).unwrap();
    }
    mutate(&ev);
    let roots = ["public-good", "staging"].map(|r| fixtures().join(format!("keys/sigstore/{r}.trusted_root.json")));
    let r = workflow::investigate_with_keys(&ev, Some(&dir.path().join("c.custody")), &roots, &Silent).unwrap();
    (dir, r)
}

fn keyless_status(r: &Investigation, file: &str) -> (Status, String) {
    let f = r.verification.findings.iter().find(|f| f.check == Check::Signature && f.path.as_deref() == Some(file)).unwrap_or_else(|| panic!("no signature finding for {file}"));
    (f.status, f.detail.clone())
}

#[test]
fn keyless_bundles_are_verified_against_a_supplied_trusted_root() {
    let Some(s) = research_signing() else { return };
    let (_d, r) = keyless_evidence(&s, |_| {});
    // every check passes (chain, signed time, signature over the stated digest, log entry,
    // inclusion proof, signed checkpoint), but the artifact itself is not in the samples, and a
    // stated digest is not proof of the bytes: unverifiable, with what did verify
    let (st, detail) = keyless_status(&r, "c.txt.sigstore.json");
    assert_eq!(st, Status::Unverifiable, "{detail}");
    for part in ["a@tny.town", "https://fulcio.sigstage.dev", "index 7390977", "signed checkpoint verified", "not in the evidence"] {
        assert!(detail.contains(part), "{part}: {detail}");
    }
    // the conformance case: no source of signed time, so a client must reject it
    let (st, detail) = keyless_status(&r, "a.txt.sigstore.json");
    assert_eq!(st, Status::SignatureInvalid, "{detail}");
    assert!(detail.contains("william@yossarian.net") && detail.contains("no signed time"), "{detail}");
    // Rekor v2 with an RFC 3161 timestamp: Custody's limit, reported as such
    let (st, detail) = keyless_status(&r, "b.txt.sigstore.json");
    assert_eq!(st, Status::Unverifiable, "{detail}");
    assert!(detail.contains("RFC 3161"), "{detail}");
}

fn edit_bundle(ev: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let p = ev.join(name);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn flip_b64(v: &mut serde_json::Value) {
    let mut raw = custody::signing::b64::decode(v.as_str().unwrap()).unwrap();
    let at = raw.len() / 2;
    raw[at] ^= 0x01;
    *v = custody::signing::b64::encode_std(&raw).into();
}

#[test]
fn a_keyless_bundle_with_a_flipped_timestamp_proof_or_signature_is_invalid() {
    let cases: [(&str, fn(&mut serde_json::Value), &str); 3] = [
        ("signed entry timestamp", |v| flip_b64(&mut v["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"]["signedEntryTimestamp"]), "signed entry timestamp"),
        ("inclusion proof hash", |v| flip_b64(&mut v["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0]), "inclusion proof"),
        ("artifact signature", |v| flip_b64(&mut v["messageSignature"]["signature"]), "does not verify"),
    ];
    let Some(s) = research_signing() else { return };
    for (what, edit, expect) in cases {
        let (_d, r) = keyless_evidence(&s, |ev| edit_bundle(ev, "c.txt.sigstore.json", edit));
        let (st, detail) = keyless_status(&r, "c.txt.sigstore.json");
        assert_eq!(st, Status::SignatureInvalid, "{what}: {detail}");
        assert!(detail.contains(expect), "{what}: {detail}");
    }
}

#[test]
fn without_a_trusted_root_a_keyless_bundle_is_unverifiable_with_its_identity() {
    let Some(s) = research_signing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    std::fs::copy(s.join("v01_bundle.json"), ev.join("c.txt.sigstore.json")).unwrap();
    let r = workflow::investigate_with_keys(&ev, Some(&dir.path().join("c.custody")), &[], &Silent).unwrap();
    let (st, detail) = keyless_status(&r, "c.txt.sigstore.json");
    assert_eq!(st, Status::Unverifiable);
    assert!(detail.contains("a@tny.town") && detail.contains("trusted_root.json"), "{detail}");
}

#[test]
fn the_keyless_sample_bundles_inclusion_proof_checks_and_a_flipped_hash_does_not() {
    use custody::signing::b64::decode;
    use custody::signing::keyless::{certificate_identity, leaf_hash, parse_checkpoint, verify_inclusion};
    let Some(s) = research_signing() else { return };
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(s.join("kl_bundle.json")).unwrap()).unwrap();
    let entry = &b["verificationMaterial"]["tlogEntries"][0];
    let proof = &entry["inclusionProof"];
    let leaf = leaf_hash(&decode(entry["canonicalizedBody"].as_str().unwrap()).unwrap());
    let path: Vec<Vec<u8>> = proof["hashes"].as_array().unwrap().iter().map(|h| decode(h.as_str().unwrap()).unwrap()).collect();
    let root = decode(proof["rootHash"].as_str().unwrap()).unwrap();
    let index: u64 = proof["logIndex"].as_str().unwrap().parse().unwrap();
    let size: u64 = proof["treeSize"].as_str().unwrap().parse().unwrap();
    assert!(verify_inclusion(index, size, &leaf, &path, &root));
    let mut bad = path.clone();
    bad[0][0] ^= 1;
    assert!(!verify_inclusion(index, size, &leaf, &bad, &root), "a flipped proof hash");
    assert!(!verify_inclusion(index + 1, size, &leaf, &path, &root), "the wrong leaf index");
    let cp = parse_checkpoint(proof["checkpoint"]["envelope"].as_str().unwrap()).unwrap();
    assert_eq!(cp.root, root, "the checkpoint commits to the proof's root");
    assert_eq!(cp.size, size);
    let cert = decode(b["verificationMaterial"]["certificate"]["rawBytes"].as_str().unwrap()).unwrap();
    let who = certificate_identity(&cert).unwrap();
    assert!(who.contains("william@yossarian.net") && who.contains("https://github.com/login/oauth"), "{who}");
}
