//! OpenPGP (RFC 4880 / RFC 9580) signatures, as git and GnuPG write them, verified for the key
//! types modern setups use: EdDSA (Ed25519, legacy algorithm 22 and algorithm 27) and ECDSA on
//! P-256/P-384, over SHA-256/384/512.
//!
//! Why: GPG-signed commits and tags are common in ML repositories. Without the signer's key a
//! signature proves nothing, so Custody reports it as present and unverifiable; with a key
//! the investigator supplies (an armored public key block) it is verified like any other.
//!
//! Guarantees: only version 4 signatures over binary documents (type 0x00, git's) are accepted
//! as valid; SHA-1 and MD5 digests are refused; the two "left" digest bytes are checked; a key
//! is chosen by the issuer fingerprint or key id the signature names, then the cryptography
//! decides. RSA and DSA keys are read (for listing) but their signatures are reported as
//! unverifiable.

use sha2::{Digest, Sha256, Sha384, Sha512};

use super::b64;
use super::keys::{KeyAlgorithm, PublicKey, PublicKeyError};

/// Why an OpenPGP key block or signature cannot be read, a key cannot be used, or a signature
/// does not verify. The messages are the ones Custody's answers carry.
#[derive(Debug, thiserror::Error)]
pub enum OpenPgpError {
    /// The text has no `-----BEGIN PGP` line.
    #[error("no -----BEGIN PGP armour")]
    NoArmour,
    /// The armour begins but has no `-----END PGP` line.
    #[error("armour without an -----END PGP line")]
    UnterminatedArmour,
    /// The armour's body is not base64 (the decoder's message, as [`b64::decode`] words it).
    #[error("{source}")]
    Base64 {
        #[source]
        source: b64::NotBase64,
    },
    /// A byte that should begin a packet lacks the packet bit (0x80).
    #[error("not an OpenPGP packet")]
    NotAPacket,
    /// The data end inside `what` (a packet header, packet, MPI, key, subpacket or signature).
    #[error("truncated {what}")]
    Truncated { what: &'static str },
    /// A new-format packet with a partial body length, which Custody does not reassemble.
    #[error("partial-length packets are not supported")]
    PartialLength,
    /// An old-format packet of indeterminate length.
    #[error("indeterminate-length packets are not supported")]
    IndeterminateLength,
    /// A public-key packet of another version than 4 (0 when the packet is empty).
    #[error("OpenPGP key version {0} is not supported (only v4)")]
    UnsupportedKeyVersion(u8),
    /// An EdDSA (algorithm 22) point without its native-encoding prefix 0x40.
    #[error("EdDSA point without the 0x40 prefix")]
    EdDsaPointPrefix,
    /// An ECDSA or EdDSA key on a curve other than Ed25519, P-256 and P-384 (its OID).
    #[error("an elliptic curve Custody does not support")]
    UnsupportedCurve { oid: Vec<u8> },
    /// An RSA key (algorithms 1 to 3): listed, but its signatures are not verified.
    #[error("an RSA key (OpenPGP RSA signatures are not verified yet)")]
    RsaKey,
    /// A DSA key (algorithm 17).
    #[error("a DSA key (not supported)")]
    DsaKey,
    /// Any other public-key algorithm, by its number.
    #[error("OpenPGP public-key algorithm {0} (not supported)")]
    UnsupportedKeyAlgorithm(u8),
    /// The key material of a supported algorithm does not make a valid key (its message as is).
    #[error("{0}")]
    Key(#[source] PublicKeyError),
    /// A key block without a public-key or public-subkey packet.
    #[error("an OpenPGP block without a public key")]
    NoPublicKey,
    /// Signature armour without a signature packet (tag 2).
    #[error("no signature packet")]
    NoSignaturePacket,
    /// A signature packet of another version than 4 (0 when the packet is empty).
    #[error("OpenPGP signature version {0} is not supported (only v4)")]
    UnsupportedSignatureVersion(u8),
    /// A signature over an MD5 (1) or SHA-1 (2) digest, refused.
    #[error("the signature uses MD5 or SHA-1, which Custody does not accept")]
    WeakHash(u8),
    /// A signature over a hash algorithm other than SHA-256/384/512, by its number.
    #[error("OpenPGP hash algorithm {0} is not supported")]
    UnsupportedHash(u8),
    /// A signature of another type than 0x00 (a binary document, as git signs).
    #[error("signature type 0x{0:02x} is not a binary-document signature")]
    NotBinaryDocument(u8),
    /// The digest's first two bytes differ from those the signature records: the data changed.
    #[error("the signed data do not match the signature's digest prefix: the object was changed")]
    DigestPrefixMismatch,
    /// An ECDSA or legacy EdDSA signature without exactly two values r and s of the key's size.
    #[error("a malformed signature (expected two values r and s)")]
    ExpectedTwoValues,
    /// An Ed25519 (algorithm 27) signature without its 64-byte value.
    #[error("a malformed Ed25519 signature (expected 64 bytes)")]
    MalformedEd25519Signature,
    /// The signature's public-key algorithm (its number) is not the key's, or is not supported.
    #[error("OpenPGP public-key algorithm {0} does not match the key or is not supported")]
    AlgorithmMismatch(u8),
    /// The cryptographic check fails under the key.
    #[error("the OpenPGP signature does not verify under the key")]
    BadSignature,
}

fn truncated(what: &'static str) -> OpenPgpError {
    OpenPgpError::Truncated { what }
}

/// Removes ASCII armour: the base64 body between the header block and the CRC line.
pub fn dearmor(text: &str) -> Result<Vec<u8>, OpenPgpError> {
    let mut lines = text.lines().map(str::trim_end).skip_while(|l| !l.starts_with("-----BEGIN PGP"));
    lines.next().ok_or(OpenPgpError::NoArmour)?;
    let mut body = String::new();
    let mut in_headers = true;
    for line in lines {
        if line.starts_with("-----END PGP") {
            return b64::decode(&body).map_err(|source| OpenPgpError::Base64 { source });
        }
        if in_headers {
            if line.is_empty() {
                in_headers = false;
            } else if !line.contains(": ") {
                // armour without headers: this is already body
                in_headers = false;
                body.push_str(line);
            }
            continue;
        }
        if line.starts_with('=') && line.len() == 5 {
            continue; // CRC-24
        }
        body.push_str(line);
    }
    Err(OpenPgpError::UnterminatedArmour)
}

/// One packet: its tag and body.
fn packets(mut data: &[u8]) -> Result<Vec<(u8, &[u8])>, OpenPgpError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let h = data[0];
        if h & 0x80 == 0 {
            return Err(OpenPgpError::NotAPacket);
        }
        let (tag, len, hdr) = if h & 0x40 != 0 {
            let tag = h & 0x3f;
            let b = *data.get(1).ok_or(truncated("packet header"))? as usize;
            if b < 192 {
                (tag, b, 2)
            } else if b < 224 {
                let b2 = *data.get(2).ok_or(truncated("packet header"))? as usize;
                (tag, ((b - 192) << 8) + b2 + 192, 3)
            } else if b == 255 {
                let l = data.get(2..6).ok_or(truncated("packet header"))?;
                (tag, u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize, 6)
            } else {
                return Err(OpenPgpError::PartialLength);
            }
        } else {
            let tag = (h >> 2) & 0x0f;
            match h & 3 {
                0 => (tag, *data.get(1).ok_or(truncated("packet header"))? as usize, 2),
                1 => {
                    let l = data.get(1..3).ok_or(truncated("packet header"))?;
                    (tag, u16::from_be_bytes([l[0], l[1]]) as usize, 3)
                }
                2 => {
                    let l = data.get(1..5).ok_or(truncated("packet header"))?;
                    (tag, u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize, 5)
                }
                _ => return Err(OpenPgpError::IndeterminateLength),
            }
        };
        let body = data.get(hdr..hdr + len).ok_or(truncated("packet"))?;
        out.push((tag, body));
        data = &data[hdr + len..];
    }
    Ok(out)
}

/// Reads an MPI; returns its bytes (no leading zero bits) and the rest.
fn mpi(data: &[u8]) -> Result<(&[u8], &[u8]), OpenPgpError> {
    let bits = u16::from_be_bytes([*data.first().ok_or(truncated("MPI"))?, *data.get(1).ok_or(truncated("MPI"))?]) as usize;
    let n = bits.div_ceil(8);
    let v = data.get(2..2 + n).ok_or(truncated("MPI"))?;
    Ok((v, &data[2 + n..]))
}

const OID_ED25519: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];

/// A key from an OpenPGP public key block.
#[derive(Debug)]
pub struct PgpKey {
    /// v4 fingerprint, uppercase hex.
    pub fingerprint: String,
    /// The last 16 hex digits of the fingerprint.
    pub key_id: String,
    /// The usable key, when its algorithm is supported.
    pub key: Result<PublicKey, OpenPgpError>,
}

/// A public key block: its keys (primary and subkeys) and user ids.
#[derive(Debug)]
pub struct PgpCert {
    pub keys: Vec<PgpKey>,
    pub user_ids: Vec<String>,
}

fn parse_public_key(body: &[u8]) -> Result<PgpKey, OpenPgpError> {
    if body.first() != Some(&4) {
        return Err(OpenPgpError::UnsupportedKeyVersion(body.first().copied().unwrap_or(0)));
    }
    let mut h = sha1_smol_like(body);
    let fingerprint = hex::encode_upper(&mut h[..]);
    let key_id = fingerprint[24..].to_string();
    let algo = *body.get(5).ok_or(truncated("key"))?;
    let rest = body.get(6..).ok_or(truncated("key"))?;
    let key = (|| match algo {
        22 | 19 => {
            let oid_len = *rest.first().ok_or(truncated("key"))? as usize;
            let oid = rest.get(1..1 + oid_len).ok_or(truncated("key"))?;
            let (point, _) = mpi(&rest[1 + oid_len..])?;
            match (algo, oid) {
                (22, OID_ED25519) => PublicKey::ed25519(point.strip_prefix(&[0x40]).ok_or(OpenPgpError::EdDsaPointPrefix)?).map_err(OpenPgpError::Key),
                (19, OID_P256) => PublicKey::ecdsa_sec1(KeyAlgorithm::EcdsaP256, point).map_err(OpenPgpError::Key),
                (19, OID_P384) => PublicKey::ecdsa_sec1(KeyAlgorithm::EcdsaP384, point).map_err(OpenPgpError::Key),
                _ => Err(OpenPgpError::UnsupportedCurve { oid: oid.to_vec() }),
            }
        }
        27 => PublicKey::ed25519(rest.get(..32).ok_or(truncated("Ed25519 key"))?).map_err(OpenPgpError::Key),
        1..=3 => Err(OpenPgpError::RsaKey),
        17 => Err(OpenPgpError::DsaKey),
        other => Err(OpenPgpError::UnsupportedKeyAlgorithm(other)),
    })();
    Ok(PgpKey { fingerprint, key_id, key })
}

/// SHA-1 of the v4 fingerprint input (0x99, two length bytes, the key packet body). SHA-1 is
/// used here only as the identifier OpenPGP defines, never to verify anything.
fn sha1_smol_like(body: &[u8]) -> [u8; 20] {
    let mut input = vec![0x99, (body.len() >> 8) as u8, body.len() as u8];
    input.extend_from_slice(body);
    sha1(&input)
}

/// A minimal SHA-1 (FIPS 180-4), for OpenPGP v4 fingerprints only.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64) * 8;
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([chunk[4 * i], chunk[4 * i + 1], chunk[4 * i + 2], chunk[4 * i + 3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, v) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// Reads an armored (or binary) public key block.
pub fn read_cert(text: &str) -> Result<PgpCert, OpenPgpError> {
    let data = dearmor(text)?;
    let mut cert = PgpCert { keys: Vec::new(), user_ids: Vec::new() };
    for (tag, body) in packets(&data)? {
        match tag {
            6 | 14 => cert.keys.push(parse_public_key(body)?),
            13 => cert.user_ids.push(String::from_utf8_lossy(body).into_owned()),
            _ => {}
        }
    }
    if cert.keys.is_empty() {
        return Err(OpenPgpError::NoPublicKey);
    }
    Ok(cert)
}

/// A parsed v4 signature.
#[derive(Debug, Clone)]
pub struct PgpSignature {
    pub sig_type: u8,
    pub pubkey_algo: u8,
    pub hash_algo: u8,
    /// Issuer fingerprint (subpacket 33) or key id (subpacket 16), uppercase hex.
    pub issuer: Vec<String>,
    hashed_part: Vec<u8>,
    left16: [u8; 2],
    /// MPIs (algorithms 19, 22).
    values: Vec<Vec<u8>>,
    /// The native 64-byte value of algorithm 27 (Ed25519, RFC 9580).
    native: Option<Vec<u8>>,
}

fn subpackets(mut data: &[u8], out: &mut PgpSignature) -> Result<(), OpenPgpError> {
    while !data.is_empty() {
        let first = data[0] as usize;
        let (len, hdr) = if first < 192 {
            (first, 1)
        } else if first < 255 {
            ((((first - 192) << 8) + *data.get(1).ok_or(truncated("subpacket"))? as usize) + 192, 2)
        } else {
            let l = data.get(1..5).ok_or(truncated("subpacket"))?;
            (u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize, 5)
        };
        let sp = data.get(hdr..hdr + len).ok_or(truncated("subpacket"))?;
        if let Some((&kind, value)) = sp.split_first() {
            match kind & 0x7f {
                16 if value.len() == 8 => out.issuer.push(hex::encode_upper(value)),
                33 if value.len() > 1 => out.issuer.push(hex::encode_upper(&value[1..])),
                _ => {}
            }
        }
        data = &data[hdr + len..];
    }
    Ok(())
}

/// Reads an armored detached signature (the `gpgsig` of a commit).
pub fn read_signature(armour: &str) -> Result<PgpSignature, OpenPgpError> {
    let data = dearmor(armour)?;
    let (tag, body) = packets(&data)?.into_iter().find(|(t, _)| *t == 2).ok_or(OpenPgpError::NoSignaturePacket)?;
    debug_assert_eq!(tag, 2);
    if body.first() != Some(&4) {
        return Err(OpenPgpError::UnsupportedSignatureVersion(body.first().copied().unwrap_or(0)));
    }
    let hashed_len = u16::from_be_bytes([*body.get(4).ok_or(truncated("signature"))?, *body.get(5).ok_or(truncated("signature"))?]) as usize;
    let hashed_end = 6 + hashed_len;
    let hashed = body.get(6..hashed_end).ok_or(truncated("signature"))?;
    let unhashed_len = u16::from_be_bytes([*body.get(hashed_end).ok_or(truncated("signature"))?, *body.get(hashed_end + 1).ok_or(truncated("signature"))?]) as usize;
    let unhashed = body.get(hashed_end + 2..hashed_end + 2 + unhashed_len).ok_or(truncated("signature"))?;
    let after = hashed_end + 2 + unhashed_len;
    let left16 = [*body.get(after).ok_or(truncated("signature"))?, *body.get(after + 1).ok_or(truncated("signature"))?];
    let mut rest = body.get(after + 2..).ok_or(truncated("signature"))?;
    let mut values = Vec::new();
    let mut native = None;
    if body[2] == 27 {
        native = Some(rest.get(..64).ok_or(truncated("Ed25519 signature"))?.to_vec());
    } else {
        while !rest.is_empty() {
            let (v, r) = mpi(rest)?;
            values.push(v.to_vec());
            rest = r;
        }
    }
    let mut sig = PgpSignature { sig_type: body[1], pubkey_algo: body[2], hash_algo: body[3], issuer: Vec::new(), hashed_part: body[..hashed_end].to_vec(), left16, values, native };
    subpackets(hashed, &mut sig)?;
    subpackets(unhashed, &mut sig)?;
    Ok(sig)
}

impl PgpSignature {
    /// The digest the signature signs for `data`: H(data || hashed part || 0x04 0xFF || len).
    fn digest(&self, data: &[u8]) -> Result<Vec<u8>, OpenPgpError> {
        let mut trailer = self.hashed_part.clone();
        trailer.extend_from_slice(&[0x04, 0xff]);
        trailer.extend_from_slice(&(self.hashed_part.len() as u32).to_be_bytes());
        let d = match self.hash_algo {
            8 => Sha256::new().chain_update(data).chain_update(&trailer).finalize().to_vec(),
            9 => Sha384::new().chain_update(data).chain_update(&trailer).finalize().to_vec(),
            10 => Sha512::new().chain_update(data).chain_update(&trailer).finalize().to_vec(),
            weak @ (1 | 2) => return Err(OpenPgpError::WeakHash(weak)),
            other => return Err(OpenPgpError::UnsupportedHash(other)),
        };
        Ok(d)
    }

    /// Checks the signature over `data` with `key`.
    pub fn verify(&self, data: &[u8], key: &PublicKey) -> Result<(), OpenPgpError> {
        if self.sig_type != 0x00 {
            return Err(OpenPgpError::NotBinaryDocument(self.sig_type));
        }
        let digest = self.digest(data)?;
        if digest[..2] != self.left16 {
            return Err(OpenPgpError::DigestPrefixMismatch);
        }
        let pad = |v: &[u8], n: usize| -> Vec<u8> {
            let mut out = vec![0u8; n.saturating_sub(v.len())];
            out.extend_from_slice(v);
            out
        };
        let two = |n: usize| -> Result<Vec<u8>, OpenPgpError> {
            match self.values.as_slice() {
                [r, s] if r.len() <= n && s.len() <= n => Ok([pad(r, n), pad(s, n)].concat()),
                _ => Err(OpenPgpError::ExpectedTwoValues),
            }
        };
        let ok = match (self.pubkey_algo, key.algorithm()) {
            (22, KeyAlgorithm::Ed25519) => key.verify(&digest, &two(32)?),
            (27, KeyAlgorithm::Ed25519) => key.verify(&digest, self.native.as_deref().ok_or(OpenPgpError::MalformedEd25519Signature)?),
            (19, KeyAlgorithm::EcdsaP256) => key.verify_prehash_raw(&digest, &two(32)?),
            (19, KeyAlgorithm::EcdsaP384) => key.verify_prehash_raw(&digest, &two(48)?),
            (a, _) => return Err(OpenPgpError::AlgorithmMismatch(a)),
        };
        if ok { Ok(()) } else { Err(OpenPgpError::BadSignature) }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha1_matches_the_fips_vector() {
        assert_eq!(hex::encode(super::sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex::encode(super::sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    /// The messages are part of Custody's answers: each is the text it was before the errors
    /// were typed.
    #[test]
    fn messages_are_unchanged() {
        use super::OpenPgpError as E;
        let key = || crate::PublicKey::ed25519(&[0u8; 3]).unwrap_err();
        let not_base64 = crate::b64::decode("x").unwrap_err();
        let cases: Vec<(E, String)> = vec![
            (E::NoArmour, "no -----BEGIN PGP armour".into()),
            (E::UnterminatedArmour, "armour without an -----END PGP line".into()),
            (E::Base64 { source: not_base64.clone() }, format!("not base64: {}", not_base64.0)),
            (E::NotAPacket, "not an OpenPGP packet".into()),
            (super::truncated("packet header"), "truncated packet header".into()),
            (super::truncated("Ed25519 signature"), "truncated Ed25519 signature".into()),
            (E::PartialLength, "partial-length packets are not supported".into()),
            (E::IndeterminateLength, "indeterminate-length packets are not supported".into()),
            (E::UnsupportedKeyVersion(5), "OpenPGP key version 5 is not supported (only v4)".into()),
            (E::EdDsaPointPrefix, "EdDSA point without the 0x40 prefix".into()),
            (E::UnsupportedCurve { oid: vec![1] }, "an elliptic curve Custody does not support".into()),
            (E::RsaKey, "an RSA key (OpenPGP RSA signatures are not verified yet)".into()),
            (E::DsaKey, "a DSA key (not supported)".into()),
            (E::UnsupportedKeyAlgorithm(99), "OpenPGP public-key algorithm 99 (not supported)".into()),
            (E::Key(key()), key().to_string()),
            (E::NoPublicKey, "an OpenPGP block without a public key".into()),
            (E::NoSignaturePacket, "no signature packet".into()),
            (E::UnsupportedSignatureVersion(3), "OpenPGP signature version 3 is not supported (only v4)".into()),
            (E::WeakHash(2), "the signature uses MD5 or SHA-1, which Custody does not accept".into()),
            (E::UnsupportedHash(11), "OpenPGP hash algorithm 11 is not supported".into()),
            (E::NotBinaryDocument(0x1), format!("signature type 0x{:02x} is not a binary-document signature", 1)),
            (E::NotBinaryDocument(0x13), "signature type 0x13 is not a binary-document signature".into()),
            (E::DigestPrefixMismatch, "the signed data do not match the signature's digest prefix: the object was changed".into()),
            (E::ExpectedTwoValues, "a malformed signature (expected two values r and s)".into()),
            (E::MalformedEd25519Signature, "a malformed Ed25519 signature (expected 64 bytes)".into()),
            (E::AlgorithmMismatch(1), "OpenPGP public-key algorithm 1 does not match the key or is not supported".into()),
            (E::BadSignature, "the OpenPGP signature does not verify under the key".into()),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want, "{e:?}");
        }
        assert_eq!(key().to_string(), "malformed key: an Ed25519 key has 32 bytes, not 3");
    }

    #[test]
    fn readers_name_what_went_wrong() {
        use super::OpenPgpError as E;
        assert!(matches!(super::read_signature("nothing"), Err(E::NoArmour)));
        assert!(matches!(super::read_signature("-----BEGIN PGP SIGNATURE-----\n\niQ"), Err(E::UnterminatedArmour)));
        let e = super::read_signature("-----BEGIN PGP SIGNATURE-----\n\na$b\n-----END PGP SIGNATURE-----").unwrap_err();
        assert!(matches!(e, E::Base64 { .. }), "{e:?}");
        assert!(e.to_string().starts_with("not base64: "), "{e}");
        assert!(std::error::Error::source(&e).is_some_and(|c| c.is::<crate::b64::NotBase64>()), "the base64 error is the cause");
        // an old-format signature packet (tag 2) of length 3 with only 1 byte
        assert!(matches!(super::packets(&[0x88, 3, 4]), Err(E::Truncated { what: "packet" })));
        assert!(matches!(super::packets(&[0x01]), Err(E::NotAPacket)));
        assert!(matches!(super::mpi(&[0]), Err(E::Truncated { what: "MPI" })));
        assert!(matches!(super::parse_public_key(&[3]), Err(E::UnsupportedKeyVersion(3))));
    }
}
