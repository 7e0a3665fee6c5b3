//! Signatures and attestations, verified offline.
//!
//! Why: a lineage is only as good as the proof that its artifacts are the ones that were
//! produced and approved. This module reads the signature formats ML tooling writes (DSSE
//! envelopes with in-toto statements, SLSA provenance, Sigstore bundles from model-signing,
//! SSH and OpenPGP signatures on git commits, detached Ed25519 signatures) and checks them
//! against the bytes, without a network.
//!
//! Guarantees: trust comes only from keys the investigator supplies ([`keys::KeyOrigin::Supplied`]);
//! keys found in the evidence or carried inside a signature are used to *attribute* a valid
//! signature to a signer, never to trust it. Signed bytes are always the bytes as stored,
//! never a re-serialisation.

pub mod b64;
pub mod bundle;
pub mod dsse;
pub mod gitsig;
pub mod intoto;
pub mod keys;
pub mod keyless;
pub mod openpgp;

pub mod signer;

pub use keys::{KeyOrigin, KeyRing, KnownKey, PublicKey};
