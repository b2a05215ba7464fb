//! Single-signer COSE statements: a tagged COSE_Sign1 (RFC 9052, tag 18) with EdDSA (-8), a
//! content type in the protected header and the signer's key id in the unprotected one.
//!
//! Used for the supervisor's decision and for the sync protocol's signed documents (tickets,
//! receipts, the registry's master data and status pages, request tokens). Parsing and verifying
//! are two steps because the verifier usually needs the key id to find the key.

use coset::{CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CoseError {
    #[error("not a tagged COSE_Sign1: {0}")]
    Malformed(String),
    #[error("the algorithm is not EdDSA (-8)")]
    Algorithm,
    #[error("the content type is not {expected}")]
    ContentType { expected: String },
    #[error("no payload")]
    NoPayload,
    #[error("the signature does not verify")]
    BadSignature,
}

/// A parsed, not yet verified statement.
#[derive(Debug, Clone)]
pub struct Signed1 {
    pub kid: Vec<u8>,
    pub payload: Vec<u8>,
    inner: CoseSign1,
}

impl Signed1 {
    /// The key id as text (ids are UTF-8 here); lossy for anything else.
    pub fn kid_text(&self) -> String {
        String::from_utf8_lossy(&self.kid).into_owned()
    }

    /// Checks the signature with `key` (strict Ed25519 verification).
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), CoseError> {
        self.inner.verify_signature(b"", |sig, data| {
            let sig = Signature::from_slice(sig).map_err(|_| CoseError::BadSignature)?;
            key.verify_strict(data, &sig).map_err(|_| CoseError::BadSignature)
        })
    }
}

/// Signs `payload` as a tagged COSE_Sign1 of `content_type`, with `kid` as the key id.
pub fn sign1(
    content_type: &str,
    kid: &[u8],
    payload: Vec<u8>,
    key: &SigningKey,
) -> Result<Vec<u8>, CoseError> {
    CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .content_type(content_type.to_string())
                .build(),
        )
        .unprotected(HeaderBuilder::new().key_id(kid.to_vec()).build())
        .payload(payload)
        .create_signature(b"", |data| key.sign(data).to_bytes().to_vec())
        .build()
        .to_tagged_vec()
        .map_err(|e| CoseError::Malformed(e.to_string()))
}

/// Parses a statement of `content_type`, checking its form and algorithm (not its signature).
pub fn parse1(bytes: &[u8], content_type: &str) -> Result<Signed1, CoseError> {
    let s = CoseSign1::from_tagged_slice(bytes).map_err(|e| CoseError::Malformed(e.to_string()))?;
    if s.protected.header.alg
        != Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA))
    {
        return Err(CoseError::Algorithm);
    }
    if s.protected.header.content_type != Some(coset::ContentType::Text(content_type.into())) {
        return Err(CoseError::ContentType { expected: content_type.into() });
    }
    let payload = s.payload.clone().ok_or(CoseError::NoPayload)?;
    Ok(Signed1 { kid: s.unprotected.key_id.clone(), payload, inner: s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_verifies_with_its_key_only_and_keeps_its_kid_and_type() {
        let key = crate::keys::new_signing_key().unwrap();
        let other = crate::keys::new_signing_key().unwrap();
        let bytes = sign1("application/x-test", b"kid-1", b"hello".to_vec(), &key).unwrap();
        let s = parse1(&bytes, "application/x-test").unwrap();
        assert_eq!((s.kid_text().as_str(), s.payload.as_slice()), ("kid-1", &b"hello"[..]));
        s.verify(&key.verifying_key()).unwrap();
        assert_eq!(s.verify(&other.verifying_key()), Err(CoseError::BadSignature));
        assert!(matches!(
            parse1(&bytes, "application/x-other"),
            Err(CoseError::ContentType { .. })
        ));
        let mut flipped = bytes.clone();
        let n = flipped.len();
        flipped[n - 70] ^= 1;
        assert!(
            parse1(&flipped, "application/x-test")
                .and_then(|s| s.verify(&key.verifying_key()))
                .is_err()
        );
        assert!(matches!(parse1(b"\x01\x02", "application/x-test"), Err(CoseError::Malformed(_))));
    }
}
