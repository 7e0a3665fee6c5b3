//! Signature, attestation and key files found in an evidence folder.
//!
//! Why: signatures are not a tool's store but loose files next to what they sign (a
//! `model.sig` in a model folder, an `.intoto.jsonl` beside a release, a `.sig` beside a log,
//! a public key a team published). Discovery looks at small files whose names suggest a
//! signature or a key and decides what they are from their content.
//!
//! Guarantees: a file is only read, never executed; keys found here are evidence keys (listed,
//! never trusted); a file that claims to be a signature (by name or shape) but cannot be read
//! is reported, not silently skipped.

use std::collections::HashSet;
use std::path::Path;

use custody_evidence::{EntryKind, RelPath, WalkedEntry};
use custody_signing::bundle::{self, Bundle};
use custody_signing::dsse::{self, Envelope};
use custody_signing::keys::{self, KeyOrigin, KnownKey};

/// Signature files larger than this are not signatures.
const MAX_SIGNATURE_FILE: u64 = 8 << 20;

/// A signed object found in a file.
#[derive(Debug, Clone)]
pub enum Signed {
    /// A bare DSSE envelope (one line of an `.intoto.jsonl`, or a whole JSON file).
    Envelope(Envelope),
    /// A Sigstore bundle (model-signing writes these).
    Bundle(Bundle),
    /// A detached Ed25519 signature over a sibling file's raw bytes.
    Detached { signature: Vec<u8>, target: RelPath },
    /// A detached OpenPGP signature (`.asc`, `.sig` armour) over a sibling file.
    OpenPgp { target: RelPath },
}

/// One signed object and where it is.
#[derive(Debug, Clone)]
pub struct SignatureRecord {
    pub file: RelPath,
    /// Line (1-based) in a JSON-lines file, 0 for a whole file.
    pub line: usize,
    pub signed: Signed,
}

impl SignatureRecord {
    /// The record's place, for witnesses and node ids.
    pub fn place(&self) -> String {
        if self.line == 0 { self.file.as_str().to_string() } else { format!("{}#L{}", self.file.as_str(), self.line) }
    }
}

/// Everything signature-related in one evidence folder.
#[derive(Debug, Clone, Default)]
pub struct SignatureEvidence {
    pub records: Vec<SignatureRecord>,
    /// Public keys found in the evidence (never trusted).
    pub keys: Vec<KnownKey>,
    /// Files that look like signatures but could not be read: (file, problem).
    pub unreadable: Vec<(RelPath, String)>,
}

fn extension(rel: &RelPath) -> String {
    let name = rel.file_name().to_ascii_lowercase();
    name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default()
}

fn is_internal(rel: &str) -> bool {
    rel.split('/').any(|p| p == ".git") || rel.contains(".dvc/cache/") || rel.contains(".dvc/tmp/")
}

const SIGNATURE_EXTENSIONS: [&str; 6] = ["sig", "dsse", "intoto", "sigstore", "bundle", "asc"];
/// Words that mark a `.json`/`.jsonl` file as an attestation by name.
const ATTESTATION_WORDS: [&str; 6] = ["intoto", "in-toto", "dsse", "sigstore", "attestation", "provenance"];
const KEY_EXTENSIONS: [&str; 4] = ["pub", "pem", "key", "asc"];

/// Reads the signature and key files under `root`.
pub fn read(root: &Path, entries: &[WalkedEntry]) -> SignatureEvidence {
    let files: HashSet<&RelPath> = entries.iter().filter(|e| e.kind == EntryKind::File).map(|e| &e.rel).collect();
    let mut out = SignatureEvidence::default();
    for e in entries {
        if e.kind != EntryKind::File || is_internal(e.rel.as_str()) {
            continue;
        }
        let ext = extension(&e.rel);
        let name = e.rel.file_name();
        let json_like = ext == "json" || ext == "jsonl";
        let lower = name.to_ascii_lowercase();
        let named_sig = SIGNATURE_EXTENSIONS.contains(&ext.as_str()) || (json_like && ATTESTATION_WORDS.iter().any(|w| lower.contains(w)));
        let named_key = KEY_EXTENSIONS.contains(&ext.as_str()) || name.contains("allowed_signers") || name == ".gitsigners";
        if !(json_like || named_sig || named_key) {
            continue;
        }
        if e.size > MAX_SIGNATURE_FILE {
            if named_sig {
                out.unreadable.push((e.rel.clone(), format!("named like a signature but {} bytes long, more than any signature Custody reads ({MAX_SIGNATURE_FILE})", e.size)));
            }
            continue;
        }
        let Ok(bytes) = std::fs::read(e.rel.to_local(root)) else {
            out.unreadable.push((e.rel.clone(), "cannot be read".into()));
            continue;
        };
        read_one(&e.rel, &bytes, named_sig, named_key, &files, &mut out);
    }
    out
}

/// Reads one candidate file: JSON (bundles, envelopes, keys) or text (armour, keys, a detached
/// signature).
fn read_one(rel: &RelPath, bytes: &[u8], named_sig: bool, named_key: bool, files: &HashSet<&RelPath>, out: &mut SignatureEvidence) {
    let text = std::str::from_utf8(bytes).ok();
    let trimmed = text.map(str::trim_start).unwrap_or("");
    if trimmed.starts_with('{') {
        read_json(rel, trimmed, named_sig, out);
    } else {
        read_text(rel, bytes, text, named_sig, named_key, files, out);
    }
}

/// JSON: a bundle, an envelope, a key, or JSON lines of those.
fn read_json(rel: &RelPath, trimmed: &str, named_sig: bool, out: &mut SignatureEvidence) {
    if !named_sig && !trimmed.contains("\"payloadType\"") && !trimmed.contains("application/vnd.dev.sigstore.bundle") && !trimmed.contains("\"keytype\"") {
        return;
    }
    let values: Vec<(usize, Result<serde_json::Value, serde_json::Error>)> = match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(v) => vec![(0, Ok(v))],
        Err(whole) => {
            let lines: Vec<(usize, Result<serde_json::Value, serde_json::Error>)> = trimmed
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, serde_json::from_str(l)))
                .collect();
            if lines.len() > 1 { lines } else { vec![(0, Err(whole))] }
        }
    };
    for (line, value) in values {
        match value {
            Ok(v) if bundle::looks_like_bundle(&v) => match Bundle::from_json(&v) {
                Ok(b) => out.records.push(SignatureRecord { file: rel.clone(), line, signed: Signed::Bundle(b) }),
                Err(e) => out.unreadable.push((rel.clone(), at_line(line, &e.to_string()))),
            },
            Ok(v) if dsse::looks_like_envelope(&v) => match Envelope::from_json(&v) {
                Ok(env) => out.records.push(SignatureRecord { file: rel.clone(), line, signed: Signed::Envelope(env) }),
                Err(e) => out.unreadable.push((rel.clone(), at_line(line, &e.to_string()))),
            },
            Ok(v) if v.get("keytype").is_some() && v.get("keyval").is_some() => {
                match keys::read_key_file(&v.to_string(), &KeyOrigin::Evidence { file: rel.as_str().to_string() }) {
                    Ok(ks) => out.keys.extend(ks),
                    Err(e) => out.unreadable.push((rel.clone(), format!("a key file Custody cannot use: {e}"))),
                }
            }
            Ok(_) => {
                if named_sig {
                    out.unreadable.push((rel.clone(), at_line(line, "JSON that is neither a DSSE envelope nor a Sigstore bundle")));
                }
            }
            Err(e) if named_sig => out.unreadable.push((rel.clone(), at_line(line, &format!("malformed JSON: {e}")))),
            Err(_) => {}
        }
    }
}

/// Text: an OpenPGP key or signature armour, a public (or private) key, or a detached
/// signature beside the file it signs.
fn read_text(rel: &RelPath, bytes: &[u8], text: Option<&str>, named_sig: bool, named_key: bool, files: &HashSet<&RelPath>, out: &mut SignatureEvidence) {
    let trimmed = text.map(str::trim_start).unwrap_or("");
    let sibling = || {
        let name = rel.file_name();
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
        rel.parent().join(stem).ok().filter(|t| files.contains(t))
    };
    if trimmed.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
        if let Ok(ks) = keys::read_key_file(trimmed, &KeyOrigin::Evidence { file: rel.as_str().to_string() }) {
            out.keys.extend(ks);
        }
        return;
    }
    if trimmed.starts_with("-----BEGIN PGP SIGNATURE-----") {
        match sibling() {
            Some(target) => out.records.push(SignatureRecord { file: rel.clone(), line: 0, signed: Signed::OpenPgp { target } }),
            None => out.unreadable.push((rel.clone(), "an OpenPGP signature without the file it signs beside it".into())),
        }
        return;
    }
    if named_key || trimmed.starts_with("-----BEGIN PUBLIC KEY-----") {
        if trimmed.contains("PRIVATE KEY-----") {
            // a private key in the evidence: listed as a key only by its public half
            if let Ok(k) = custody_signing::signer::public_of_private_pem(trimmed) {
                out.keys.push(KnownKey { key: k, origin: KeyOrigin::Evidence { file: rel.as_str().to_string() }, principals: Vec::new(), namespaces: None, format: keys::KeyFormat::Pem, aliases: Vec::new() });
            }
            return;
        }
        if let Some(t) = text {
            if let Ok(ks) = keys::read_key_file(t, &KeyOrigin::Evidence { file: rel.as_str().to_string() }) {
                out.keys.extend(ks);
            }
        }
        return;
    }
    if named_sig {
        let raw = if bytes.len() == 64 { Some(bytes.to_vec()) } else { text.and_then(|t| custody_signing::b64::decode(t.trim()).ok()).filter(|b| b.len() == 64) };
        match (raw, sibling()) {
            (Some(signature), Some(target)) => out.records.push(SignatureRecord { file: rel.clone(), line: 0, signed: Signed::Detached { signature, target } }),
            (Some(_), None) => out.unreadable.push((rel.clone(), "a detached signature without the file it signs beside it".into())),
            (None, _) => out.unreadable.push((rel.clone(), format!("not a signature format Custody reads ({} bytes; expected a DSSE envelope, a Sigstore bundle, an OpenPGP armour or a 64-byte Ed25519 signature)", bytes.len()))),
        }
    }
}

fn at_line(line: usize, problem: &str) -> String {
    if line == 0 { problem.to_string() } else { format!("line {line}: {problem}") }
}
