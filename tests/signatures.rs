//! Signatures, attestations and signed reports, over the demo case signed by the real tools
//! (model-signing with a P-256 key, securesystemslib DSSE with Ed25519, an SSH-signed commit,
//! an OpenSSL Ed25519 signature over the inference log) and `fixtures/samples` (made by
//! `fixtures/make-samples`). Every negative case is a mutation of a real file, named by what it
//! breaks. The keyless Sigstore checks are in the conformance module (their bundles cannot be
//! regenerated offline).

use std::path::{Path, PathBuf};

use custody::progress::Silent;
use custody::signing::keys::{KeyOrigin, read_key_file};
use custody::verify::{Check, Finding, Status};
use custody::workflow::{self, Investigation};

use crate::support::{GitLayout, Materialised, custody, demo_keys, fixtures, materialise, sample_facts, samples, stderr, stdout, trust_args};

const MODEL_DIR: &str = "serving/fraud-detector";
const MODEL_SIG: &str = "serving/fraud-detector/model.sig";
const ATTESTATION: &str = "serving/attestations/fraud-detector-v3.intoto.jsonl";
const RELEASE_COMMIT: &str = "d4f7e3c4c70037aaa25323a49da41da3b62042ab";
/// Priya's model-card commit, signed with GnuPG (EdDSA).
const GPG_COMMIT: &str = "a031aab96b0c913edb1cc77eaa5e1bd7d0c88d4e";

fn commit_signature(r: &Investigation, sha: &str) -> Finding {
    r.verification.findings.iter().find(|f| f.check == Check::CommitSignature && f.node.id == format!("commit:{sha}")).cloned().unwrap_or_else(|| panic!("commit {sha}'s signature is checked"))
}

fn investigate(m: &Materialised, keys: &[PathBuf]) -> Investigation {
    workflow::investigate_with_keys(&m.root, Some(&m.dir.path().join("case.custody")), keys, &Silent).unwrap()
}

/// The files model.sig covers, as its manifest lists them (read here with serde_json only).
fn signed_model_files(root: &Path) -> Vec<String> {
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join(MODEL_SIG)).unwrap()).unwrap();
    let payload = custody::signing::b64::decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap()).unwrap();
    let st: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    st["predicate"]["resources"].as_array().unwrap().iter().map(|r| format!("{MODEL_DIR}/{}", r["name"].as_str().unwrap())).collect()
}

/// The finding of `check` from the signature stored in `sig_file` about the file `path`.
fn about<'a>(r: &'a Investigation, check: Check, path: &str, sig_file: &str) -> Vec<&'a Finding> {
    r.verification
        .findings
        .iter()
        .filter(|f| f.check == check && f.path.as_deref() == Some(path) && f.source.as_ref().is_some_and(|s| s.file == sig_file))
        .collect()
}

fn status_of(r: &Investigation, check: Check, path: &str, sig_file: &str) -> Status {
    let fs = about(r, check, path, sig_file);
    assert_eq!(fs.len(), 1, "expected one {check:?} finding on {path} from {sig_file}, got {fs:#?}");
    fs[0].status
}

fn signature_node_status(r: &Investigation, sig_file: &str) -> Status {
    let fs: Vec<&Finding> = r.verification.findings.iter().filter(|f| f.check == Check::Signature && f.path.as_deref() == Some(sig_file)).collect();
    assert_eq!(fs.len(), 1, "expected one signature finding for {sig_file}: {fs:#?}");
    fs[0].status
}

#[test]
fn with_the_investigators_keys_every_signature_of_the_demo_is_valid() {
    let m = materialise(None, GitLayout::BareBeside);
    let r = investigate(&m, &demo_keys());
    let files = signed_model_files(&m.root);
    assert!(files.len() >= 5, "the model folder has its files signed: {files:?}");
    for f in &files {
        assert_eq!(status_of(&r, Check::SignedDigest, f, MODEL_SIG), Status::SignatureValid, "{f} under model.sig");
        assert_eq!(status_of(&r, Check::SignedDigest, f, ATTESTATION), Status::SignatureValid, "{f} under the SLSA attestation");
    }
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureValid);
    assert_eq!(signature_node_status(&r, ATTESTATION), Status::SignatureValid);
    assert_eq!(signature_node_status(&r, "inference/predictions.jsonl.sig"), Status::SignatureValid);
    assert_eq!(status_of(&r, Check::SignedDigest, "inference/predictions.jsonl", "inference/predictions.jsonl.sig"), Status::SignatureValid);
    let commit = r.verification.findings.iter().find(|f| f.check == Check::CommitSignature && f.node.id == format!("commit:{RELEASE_COMMIT}")).expect("the release commit's signature is checked");
    assert_eq!(commit.status, Status::SignatureValid, "{}", commit.detail);
    assert!(commit.detail.contains("marcus.okafor@northwind-payments.example"), "{}", commit.detail);
    let gpg = commit_signature(&r, GPG_COMMIT);
    assert_eq!(gpg.status, Status::SignatureValid, "{}", gpg.detail);
    assert!(gpg.detail.contains("OpenPGP") && gpg.detail.contains("priya.nair@northwind-payments.example"), "{}", gpg.detail);
    assert!(!r.verification.has_failures(), "{:#?}", r.verification.findings.iter().filter(|f| f.status.is_failure()).collect::<Vec<_>>());
}

#[test]
fn the_slsa_provenance_becomes_lineage_bound_to_the_production_run() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("case.custody");
    workflow::investigate_with_keys(&m.root, Some(&case), &demo_keys(), &Silent).unwrap();
    let lineage = workflow::load_lineage(&custody::case::Case::open(&case).unwrap()).unwrap();
    let statement: serde_json::Value = {
        let line = std::fs::read_to_string(m.root.join(ATTESTATION)).unwrap();
        let env: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        serde_json::from_slice(&custody::signing::b64::decode(env["payload"].as_str().unwrap()).unwrap()).unwrap()
    };
    let run = format!("run:{}", statement["predicate"]["runDetails"]["metadata"]["invocationId"].as_str().unwrap());
    assert!(lineage.contains(&run), "the invocation id names a known MLflow run");
    let used: Vec<String> = lineage.outgoing(&run).into_iter().map(|e| e.to).collect();
    let source_commit = statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"].as_str().unwrap();
    assert!(used.contains(&format!("commit:{source_commit}")), "the run used the provenance's commit: {used:?}");
    assert!(used.iter().any(|u| u == "file:project/data/raw/internal_reviews.csv"), "the run used the raw data the provenance lists: {used:?}");
    let generated: Vec<String> = lineage.incoming(&run).into_iter().filter(|e| e.relation == custody::lineage::Relation::WasGeneratedBy).map(|e| e.from).collect();
    assert!(generated.contains(&format!("file:{MODEL_DIR}/model.pkl")), "the deployed model.pkl was generated by the run: {generated:?}");
    let builder = statement["predicate"]["runDetails"]["builder"]["id"].as_str().unwrap();
    assert!(lineage.outgoing(&run).iter().any(|e| e.to == format!("agent:{builder}")), "the run is associated with the builder");
}

#[test]
fn without_trusted_keys_valid_signatures_are_untrusted_and_the_case_fails_closed() {
    let m = materialise(None, GitLayout::BareBeside);
    let r = investigate(&m, &[]);
    // model.sig verifies under the public key published in the evidence, which is never trusted
    for f in signed_model_files(&m.root) {
        assert_eq!(status_of(&r, Check::SignedDigest, &f, MODEL_SIG), Status::UntrustedKey, "{f}");
    }
    // the SSH signature carries its key: valid, not trusted
    let commit = r.verification.findings.iter().find(|f| f.check == Check::CommitSignature && f.node.id == format!("commit:{RELEASE_COMMIT}")).unwrap();
    assert_eq!(commit.status, Status::UntrustedKey);
    // an OpenPGP signature is present but nobody supplied the key
    assert_eq!(commit_signature(&r, GPG_COMMIT).status, Status::Unverifiable);
    // no key at all for the attestation and the log signature
    assert_eq!(signature_node_status(&r, ATTESTATION), Status::Unverifiable);
    assert_eq!(signature_node_status(&r, "inference/predictions.jsonl.sig"), Status::Unverifiable);
    assert!(r.verification.has_failures(), "untrusted keys fail verification");
}

#[test]
fn a_byte_flipped_in_a_signed_model_file_is_a_mismatch_on_that_file_only() {
    let m = materialise(None, GitLayout::BareBeside);
    let victim = format!("{MODEL_DIR}/model.pkl");
    let path = m.root.join(&victim);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let r = investigate(&m, &demo_keys());
    assert_eq!(status_of(&r, Check::SignedDigest, &victim, MODEL_SIG), Status::Mismatch);
    assert_eq!(status_of(&r, Check::SignedDigest, &victim, ATTESTATION), Status::Mismatch, "the attestation names model.pkl too");
    for f in signed_model_files(&m.root).into_iter().filter(|f| f != &victim) {
        assert_eq!(status_of(&r, Check::SignedDigest, &f, MODEL_SIG), Status::SignatureValid, "{f} was not touched");
    }
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureValid, "the signature itself still verifies");
}

#[test]
fn a_file_added_to_the_signed_model_folder_is_reported() {
    let m = materialise(None, GitLayout::BareBeside);
    let extra = format!("{MODEL_DIR}/extra_layer.pkl");
    std::fs::write(m.root.join(&extra), b"not signed").unwrap();
    let r = investigate(&m, &demo_keys());
    let f = about(&r, Check::SignedDigest, &extra, MODEL_SIG);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Mismatch);
    assert!(f[0].detail.contains("does not cover"), "{}", f[0].detail);
}

/// Rewrites the first signature of a DSSE envelope (in a bundle or bare) with one bit flipped.
fn flip_signature_bit(envelope: &mut serde_json::Value) {
    let sig = envelope["signatures"][0]["sig"].as_str().unwrap();
    let mut raw = custody::signing::b64::decode(sig).unwrap();
    let at = raw.len() - 3;
    raw[at] ^= 0x10;
    envelope["signatures"][0]["sig"] = custody::signing::b64::encode_std(&raw).into();
}

#[test]
fn a_byte_flipped_in_a_signature_is_signature_invalid() {
    let m = materialise(None, GitLayout::BareBeside);
    let path = m.root.join(MODEL_SIG);
    let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    flip_signature_bit(&mut bundle["dsseEnvelope"]);
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let sig_path = m.root.join("inference/predictions.jsonl.sig");
    let mut raw = std::fs::read(&sig_path).unwrap();
    raw[10] ^= 0x01;
    std::fs::write(&sig_path, raw).unwrap();

    let r = investigate(&m, &demo_keys());
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureInvalid);
    for f in signed_model_files(&m.root) {
        assert_eq!(status_of(&r, Check::SignedDigest, &f, MODEL_SIG), Status::SignatureInvalid, "{f}");
        assert_eq!(status_of(&r, Check::SignedDigest, &f, ATTESTATION), Status::SignatureValid, "{f}: the other signature is intact");
    }
    assert_eq!(signature_node_status(&r, "inference/predictions.jsonl.sig"), Status::SignatureInvalid, "detached Ed25519");
}

#[test]
fn the_right_signature_by_an_untrusted_key_is_untrusted_key() {
    // the attacker re-signed the deployed model with model-signing and swapped the published key
    let m = materialise(Some("model-resigned-untrusted"), GitLayout::BareBeside);
    let r = investigate(&m, &demo_keys());
    let truth = m.truth.as_ref().unwrap();
    let expected: Vec<&serde_json::Value> = truth["expect"].as_array().unwrap().iter().collect();
    assert!(!expected.is_empty());
    for e in expected {
        let path = e["path"].as_str().unwrap();
        assert_eq!(e["status"], "untrusted-key");
        assert_eq!(status_of(&r, Check::SignedDigest, path, MODEL_SIG), Status::UntrustedKey, "{path}");
    }
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::UntrustedKey);
    assert!(r.verification.has_failures());
}

#[test]
fn payloads_swapped_between_two_envelopes_invalidate_both() {
    let m = materialise(None, GitLayout::BareBeside);
    let bundle_path = m.root.join(MODEL_SIG);
    let att_path = m.root.join(ATTESTATION);
    let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle_path).unwrap()).unwrap();
    let att_text = std::fs::read_to_string(&att_path).unwrap();
    let mut att: serde_json::Value = serde_json::from_str(att_text.lines().next().unwrap()).unwrap();
    let a = bundle["dsseEnvelope"]["payload"].clone();
    bundle["dsseEnvelope"]["payload"] = att["payload"].clone();
    att["payload"] = a;
    std::fs::write(&bundle_path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    std::fs::write(&att_path, format!("{}\n", serde_json::to_string(&att).unwrap())).unwrap();
    let r = investigate(&m, &demo_keys());
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureInvalid);
    assert_eq!(signature_node_status(&r, ATTESTATION), Status::SignatureInvalid);
}

#[test]
fn an_ssh_signature_checked_against_someone_elses_allowed_signers_is_untrusted() {
    let m = materialise(None, GitLayout::BareBeside);
    // the samples' allowed-signers lists a different person's key (dev@example.com's)
    let r = investigate(&m, &[samples().join("signing/allowed_signers")]);
    let commit = r.verification.findings.iter().find(|f| f.check == Check::CommitSignature && f.node.id == format!("commit:{RELEASE_COMMIT}")).unwrap();
    assert_eq!(commit.status, Status::UntrustedKey, "{}", commit.detail);
}

#[test]
fn a_changed_commit_object_fails_its_ssh_and_openpgp_signatures() {
    use custody::signing::gitsig::{PgpOutcome, SshOutcome, check_openpgp, check_ssh};
    use custody::signing::keys::KeyRing;
    let mut ring = KeyRing::default();
    for k in demo_keys() {
        for key in read_key_file(&std::fs::read_to_string(&k).unwrap(), &KeyOrigin::Supplied { file: k.display().to_string() }).unwrap() {
            ring.add(key);
        }
    }
    let repo = git2::Repository::open_bare(fixtures().join("cases/fraud-detection/project.git")).unwrap();
    for (sha, ssh) in [(RELEASE_COMMIT, true), (GPG_COMMIT, false)] {
        let (sig, data) = repo.extract_signature(&git2::Oid::from_str(sha).unwrap(), None).unwrap();
        let armour = std::str::from_utf8(&sig).unwrap();
        let mut changed = data.to_vec();
        // the author line's name: one letter's case changed, as if the commit were re-attributed
        let at = changed.windows(6).position(|w| w == b"author").unwrap() + 8;
        changed[at] ^= 0x20;
        if ssh {
            assert!(matches!(check_ssh(armour, &data, None, &ring, "project.git"), SshOutcome::Valid { .. }), "the real SSH signature verifies");
            assert!(matches!(check_ssh(armour, &changed, None, &ring, "project.git"), SshOutcome::Invalid { .. }), "a changed commit fails its SSH signature");
        } else {
            assert!(matches!(check_openpgp(armour, &data, &ring), PgpOutcome::Valid(_)), "the real OpenPGP signature verifies");
            assert!(matches!(check_openpgp(armour, &changed, &ring), PgpOutcome::Invalid(_)), "a changed commit fails its OpenPGP signature");
        }
    }
}

#[test]
fn a_key_id_names_candidates_but_never_decides() {
    // a garbage model-signing hint: the trusted key still verifies the untouched signature
    let m = materialise(None, GitLayout::BareBeside);
    let path = m.root.join(MODEL_SIG);
    let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    bundle["verificationMaterial"]["publicKey"]["hint"] = "x".into();
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let r = investigate(&m, &demo_keys());
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureValid);
    // and with the signature flipped as well, it is invalid, not merely uncheckable
    flip_signature_bit(&mut bundle["dsseEnvelope"]);
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let r = investigate(&m, &demo_keys());
    assert_eq!(signature_node_status(&r, MODEL_SIG), Status::SignatureInvalid);
}

#[test]
fn an_allowed_signers_entry_restricted_to_another_namespace_does_not_trust_git_signatures() {
    let m = materialise(None, GitLayout::BareBeside);
    let line = std::fs::read_to_string(fixtures().join("keys/allowed_signers")).unwrap();
    let (principal, key) = line.trim().split_once(' ').unwrap();
    let restricted = m.dir.path().join("allowed_signers_file_only");
    std::fs::write(&restricted, format!("{principal} namespaces=\"file\" {key}\n")).unwrap();
    let r = investigate(&m, &[restricted]);
    assert_eq!(commit_signature(&r, RELEASE_COMMIT).status, Status::UntrustedKey);
}

#[test]
fn a_changed_deployed_copy_is_caught_by_the_attestation_although_intact_copies_exist_elsewhere() {
    // three files of the deployed model changed: the MLflow copies still match the
    // attestation's digests better than the deployed folder does
    let m = materialise(None, GitLayout::BareBeside);
    for f in ["model.pkl", "MLmodel", "requirements.txt"] {
        let p = m.root.join(MODEL_DIR).join(f);
        let mut b = std::fs::read(&p).unwrap();
        b[0] ^= 0x01;
        std::fs::write(&p, b).unwrap();
    }
    let r = investigate(&m, &demo_keys());
    for f in ["model.pkl", "MLmodel", "requirements.txt"] {
        let path = format!("{MODEL_DIR}/{f}");
        assert_eq!(status_of(&r, Check::SignedDigest, &path, ATTESTATION), Status::Mismatch, "{path}");
    }
}

#[test]
fn a_private_key_given_to_trust_is_kept_as_its_public_half_only() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    workflow::investigate_with_keys(&m.root, Some(&case), &[fixtures().join("keys/release-p256.pem")], &Silent).unwrap();
    let conn = rusqlite::Connection::open(&case).unwrap();
    let texts: Vec<String> = conn.prepare("SELECT text FROM trusted_key_files").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains("BEGIN PUBLIC KEY") && !texts[0].contains("PRIVATE"), "{}", texts[0]);
}

#[test]
fn a_trusted_key_slipped_into_the_case_file_is_refused() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    workflow::investigate_with_keys(&m.root, Some(&case), &demo_keys(), &Silent).unwrap();
    let conn = rusqlite::Connection::open(&case).unwrap();
    // the attacker's key, inserted behind Custody's back (updates and deletes are refused by triggers)
    let attacker = std::fs::read_to_string(fixtures().join("keys/attacker-p256.pub")).unwrap();
    conn.execute("INSERT INTO trusted_key_files (supplied_as, sha256, text, added_at) VALUES ('x', 'y', ?1, 'now')", [&attacker]).unwrap();
    assert!(conn.execute("DELETE FROM trusted_key_files", []).is_err(), "trusted keys are append-only");
    drop(conn);
    let out = custody(&["verify", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("not recorded in the case log"), "{}", stderr(&out));
}

#[test]
fn trusted_keys_are_kept_in_the_case_and_logged() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let mut args = vec!["investigate".to_string(), m.root.display().to_string(), "--case".into(), case.display().to_string()];
    args.extend(trust_args());
    let out = custody(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    // a later verify without --trust still uses them
    let again = custody(&["verify", case.to_str().unwrap(), "--json"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    let v: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert!(v["summary"]["signature_valid"].as_u64().unwrap() > 0);
    let log = custody(&["log", case.to_str().unwrap(), "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&stdout(&log)).unwrap();
    let trusted = entries["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "keys.trust").count();
    assert_eq!(trusted, demo_keys().len(), "one log row per key file");
}

#[test]
fn a_key_file_that_is_not_a_key_is_exit_2_naming_it() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let bogus = m.dir.path().join("not-a-key.pub");
    std::fs::write(&bogus, "ssh-ed25519 AAAAnot-base64 x\n").unwrap();
    let out = custody(&["investigate", m.root.to_str().unwrap(), "--case", case.to_str().unwrap(), "--trust", bogus.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not-a-key.pub"), "{}", stderr(&out));
    assert!(!case.exists(), "a refused key file left a case behind");
}

// ---- key formats and ids against fixtures/samples (made by the real tools) --------------------

/// A sample's JSON file.
fn sample_json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(samples().join(rel)).unwrap()).unwrap()
}

/// The first key of a key file, as supplied by the investigator.
fn key_in(text: &str) -> custody::signing::keys::KnownKey {
    read_key_file(text, &KeyOrigin::Supplied { file: "k".into() }).unwrap().remove(0)
}

#[test]
fn key_ids_are_computed_as_the_tools_compute_them() {
    // model-signing's hint: SHA-256 of the PEM file, as model_signing 1.1.1 wrote it in its bundle
    let hint = sample_json("signing/tiny_model.sig")["verificationMaterial"]["publicKey"]["hint"].as_str().unwrap().to_string();
    assert_eq!(hint, sample_facts()["signing"]["model_signing_hint"].as_str().unwrap());
    let k = key_in(&std::fs::read_to_string(samples().join("keys/ec_p256.pub")).unwrap());
    assert!(k.key.is_named_by(&hint));
    assert!(!key_in(&std::fs::read_to_string(fixtures().join("keys/release-p256.pub")).unwrap()).key.is_named_by(&hint), "another P-256 key");
    // key files written by securesystemslib state their own key id (the samples' and the demo's)
    for file in [samples().join("keys/ed25519.sslib.json"), fixtures().join("keys/provenance-ed25519.intoto.json")] {
        let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(key_in(&written.to_string()).key.securesystemslib_keyid(), written["keyid"].as_str().unwrap(), "{}", file.display());
    }
    // SSH allowed-signers with principals
    let signers = std::fs::read_to_string(fixtures().join("keys/allowed_signers")).unwrap();
    let k = &read_key_file(&signers, &KeyOrigin::Supplied { file: "a".into() }).unwrap()[0];
    assert_eq!(k.principals, vec!["marcus.okafor@northwind-payments.example".to_string()]);
}

#[test]
fn the_sample_dsse_envelope_and_model_bundle_verify_and_fail_when_mutated() {
    use custody::signing::bundle::{Bundle, Content};
    use custody::signing::dsse::Envelope;
    // securesystemslib Ed25519 envelope with its key (as securesystemslib wrote the key file)
    let k = key_in(&std::fs::read_to_string(samples().join("keys/ed25519.sslib.json")).unwrap());
    let env = sample_json("signing/intoto_ed25519.dsse.json");
    assert_eq!(env["signatures"][0]["keyid"], sample_facts()["signing"]["securesystemslib_keyid"]);
    let e = Envelope::from_json(&env).unwrap();
    assert!(k.key.verify(&e.pae(), &e.signatures[0].sig), "the real envelope verifies");
    let mut tampered = e.clone();
    tampered.payload[20] ^= 1;
    assert!(!k.key.verify(&tampered.pae(), &tampered.signatures[0].sig), "a changed payload does not");
    // model-signing bundle over tiny_model, P-256 DER signature
    let k = key_in(&std::fs::read_to_string(samples().join("keys/ec_p256.pub")).unwrap());
    let Content::Dsse(env) = Bundle::from_json(&sample_json("signing/tiny_model.sig")).unwrap().content else { panic!("a DSSE bundle") };
    assert!(k.key.verify(&env.pae(), &env.signatures[0].sig));
    assert_eq!(env.pae(), std::fs::read(samples().join("signing/pae.bin")).unwrap(), "PAE bytes as openssl verified them");
    let mut sig = env.signatures[0].sig.clone();
    let n = sig.len() - 1;
    sig[n] ^= 1;
    assert!(!k.key.verify(&env.pae(), &sig));
}

// ---- signed evidence reports -------------------------------------------------------------------

struct Report {
    _m: Materialised,
    dir: PathBuf,
    public: PathBuf,
}

fn signed_report() -> Report {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let mut args = vec!["investigate".to_string(), m.root.display().to_string(), "--case".into(), case.display().to_string()];
    args.extend(trust_args());
    assert_eq!(custody(&args.iter().map(String::as_str).collect::<Vec<_>>()).status.code(), Some(0));
    let key = m.dir.path().join("investigator.pem");
    let made = custody(&["key", "new", key.to_str().unwrap()]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the private key is 0600");
    let dir = m.dir.path().join("report");
    let out = custody(&["report", case.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--sign", key.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = m.dir.path().join("investigator.pem.pub");
    Report { _m: m, dir, public }
}

fn report_verify(r: &Report, key: &Path) -> (Option<i32>, serde_json::Value) {
    let out = custody(&["report", "verify", r.dir.to_str().unwrap(), "--trust", key.to_str().unwrap(), "--json"]);
    (out.status.code(), serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out))))
}

#[test]
fn a_signed_report_verifies_and_holds_the_case() {
    let r = signed_report();
    let (code, v) = report_verify(&r, &r.public);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["signature"], "signature-valid");
    assert!(v["log_intact"].as_bool().unwrap());
    let data: serde_json::Value = serde_json::from_slice(&std::fs::read(r.dir.join("report.json")).unwrap()).unwrap();
    for k in ["evidence", "graph", "verification", "log", "trusted_keys"] {
        assert!(!data[k].is_null(), "report.json has {k}");
    }
    assert!(data["verification"]["findings"].as_array().unwrap().iter().any(|f| f["status"] == "signature-valid"));
    let html = std::fs::read_to_string(r.dir.join("report.html")).unwrap();
    assert!(html.contains("Evidence register") && html.contains("serving/fraud-detector/model.pkl") && !html.contains("<script"));
    let prov: serde_json::Value = serde_json::from_slice(&std::fs::read(r.dir.join("lineage.prov.json")).unwrap()).unwrap();
    assert!(prov["entity"].is_object(), "PROV-JSON entities");
}

#[test]
fn any_byte_of_a_signed_report_changed_fails_on_that_file() {
    for name in ["report.html", "report.json", "lineage.prov.json"] {
        let r = signed_report();
        let path = r.dir.join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() / 3;
        bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
        std::fs::write(&path, bytes).unwrap();
        let (code, v) = report_verify(&r, &r.public);
        assert_eq!(code, Some(1), "{name}: {v:#}");
        let problems = v["problems"].as_array().unwrap();
        assert!(problems.iter().any(|p| p.as_str().unwrap().starts_with(name)), "{name} named: {problems:?}");
    }
}

#[test]
fn a_report_statement_edited_or_checked_with_another_key_fails() {
    let r = signed_report();
    // another investigator's key: the signature is not by a trusted key
    let other = r._m.dir.path().join("other.pem");
    assert_eq!(custody(&["key", "new", other.to_str().unwrap()]).status.code(), Some(0));
    let (code, v) = report_verify(&r, &r._m.dir.path().join("other.pem.pub"));
    assert_eq!(code, Some(1));
    assert_ne!(v["signature"], "signature-valid");
    // a byte of the signed statement's payload changed
    let st = r.dir.join("report.intoto.json");
    let mut env: serde_json::Value = serde_json::from_slice(&std::fs::read(&st).unwrap()).unwrap();
    let mut payload = custody::signing::b64::decode(env["payload"].as_str().unwrap()).unwrap();
    let at = payload.len() - 5;
    payload[at] ^= 0x01;
    env["payload"] = custody::signing::b64::encode_std(&payload).into();
    std::fs::write(&st, serde_json::to_vec(&env).unwrap()).unwrap();
    let (code, v) = report_verify(&r, &r.public);
    assert_eq!(code, Some(1));
    assert_eq!(v["signature"], "signature-invalid", "{v:#}");
}

#[test]
fn a_report_is_never_written_into_the_evidence() {
    let r = signed_report();
    let case = r._m.dir.path().join("c.custody");
    let inside = r._m.root.join("report");
    let out = custody(&["report", case.to_str().unwrap(), "--out", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("inside the evidence"), "{}", stderr(&out));
    assert!(!inside.exists());
}

#[test]
fn a_report_with_a_file_added_or_removed_fails() {
    let r = signed_report();
    std::fs::write(r.dir.join("notes.txt"), "added later").unwrap();
    let (code, v) = report_verify(&r, &r.public);
    assert_eq!(code, Some(1));
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().starts_with("notes.txt")), "{v:#}");
    std::fs::remove_file(r.dir.join("notes.txt")).unwrap();
    std::fs::remove_file(r.dir.join("lineage.prov.json")).unwrap();
    let (code, v) = report_verify(&r, &r.public);
    assert_eq!(code, Some(1));
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("lineage.prov.json") && p.as_str().unwrap().contains("missing")), "{v:#}");
}

#[test]
fn a_report_is_never_written_over_an_existing_one() {
    let r = signed_report();
    let case = r._m.dir.path().join("c.custody");
    let out = custody(&["report", case.to_str().unwrap(), "--out", r.dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
}

// ---- sharded model-signing manifests (fixtures/signing, signed through the library's API) ----

fn sharded(mutate: impl FnOnce(&Path)) -> (tempfile::TempDir, Investigation) {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    crate::support::copy_tree(&fixtures().join("signing/sharded-model"), &ev);
    mutate(&ev.join("fraud-detector-shards"));
    let r = workflow::investigate_with_keys(&ev, Some(&dir.path().join("c.custody")), &[fixtures().join("keys/release-p256.pub")], &Silent).unwrap();
    (dir, r)
}

const SHARDED_SIG: &str = "fraud-detector-shards/model.sig";

#[test]
fn a_sharded_model_signature_is_checked_shard_by_shard() {
    let (_d, r) = sharded(|_| {});
    let pkl = about(&r, Check::SignedDigest, "fraud-detector-shards/model.pkl", SHARDED_SIG);
    assert!(pkl.len() >= 3, "model.pkl spans several 64 KiB shards: {pkl:#?}");
    assert!(pkl.iter().all(|f| f.status == Status::SignatureValid), "{pkl:#?}");
    assert!(!r.verification.has_failures());
}

#[test]
fn a_byte_flipped_in_one_shard_or_appended_is_a_mismatch() {
    let (_d, r) = sharded(|m| {
        let p = m.join("model.pkl");
        let mut b = std::fs::read(&p).unwrap();
        b[70_000] ^= 0x01; // inside model.pkl:65536:131072
        std::fs::write(&p, b).unwrap();
    });
    let pkl = about(&r, Check::SignedDigest, "fraud-detector-shards/model.pkl", SHARDED_SIG);
    assert_eq!(pkl.iter().filter(|f| f.status == Status::Mismatch).count(), 1, "exactly the changed shard: {pkl:#?}");
    assert!(pkl.iter().any(|f| f.status == Status::Mismatch && f.detail.contains("65536..131072")));
    let (_d, r) = sharded(|m| {
        let p = m.join("model.pkl");
        let mut b = std::fs::read(&p).unwrap();
        b.push(0);
        std::fs::write(&p, b).unwrap();
    });
    let pkl = about(&r, Check::SignedDigest, "fraud-detector-shards/model.pkl", SHARDED_SIG);
    assert!(pkl.iter().any(|f| f.status == Status::Mismatch && f.detail.contains("cover")), "an appended byte: {pkl:#?}");
}
