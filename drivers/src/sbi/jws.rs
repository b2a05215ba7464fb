//! Checking what an SBI device signs: JWS compact serialisation (RFC 7515) with the signer's
//! certificate path in the `x5c` header, verified against the trust anchors the station was
//! given (the device providers' CA certificates).
//!
//! Accepted algorithms are the two the SBI specification allows: RS256 (RSA 2048 or more,
//! PKCS#1 v1.5 with SHA-256) and EdDSA (Ed25519). The path is checked link by link: every
//! certificate valid at the given time, each signed by the next, every signer a CA, and the last
//! one either a trust anchor itself or signed by one.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use x509_parser::prelude::*;

/// Why a signed statement is not accepted.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TrustError {
    #[error("not a JWS in compact form: {0}")]
    Malformed(String),
    #[error("signature algorithm {0:?} is not one SBI allows (RS256, EdDSA)")]
    Algorithm(String),
    #[error("the JWS carries no certificate (x5c)")]
    NoCertificate,
    #[error("certificate {index} of the path cannot be read: {detail}")]
    Certificate { index: usize, detail: String },
    #[error("certificate {subject:?} is not valid now (valid {not_before} to {not_after})")]
    Expired { subject: String, not_before: String, not_after: String },
    #[error("certificate {subject:?} is not signed by {issuer:?}")]
    BrokenPath { subject: String, issuer: String },
    #[error("certificate {0:?} signs another but is not a certificate authority")]
    NotCa(String),
    #[error("the path ends at {0:?}, which is not one of the configured trust anchors")]
    UnknownAnchor(String),
    #[error("the signature does not match the signed content and the device certificate")]
    BadSignature,
    #[error("a trust anchor cannot be read: {0}")]
    Anchor(String),
}

/// The CA certificates a station trusts to vouch for devices (DER).
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    certs: Vec<Vec<u8>>,
}

impl TrustAnchors {
    /// Reads certificates in PEM (one or more blocks) or a single DER certificate.
    pub fn from_bytes(bytes: &[u8]) -> Result<TrustAnchors, TrustError> {
        let mut certs = Vec::new();
        if bytes.starts_with(b"-----BEGIN") || bytes.windows(10).any(|w| w == b"-----BEGIN") {
            for pem in Pem::iter_from_buffer(bytes) {
                let pem = pem.map_err(|e| TrustError::Anchor(e.to_string()))?;
                if pem.label == "CERTIFICATE" {
                    certs.push(pem.contents);
                }
            }
        } else {
            certs.push(bytes.to_vec());
        }
        for c in &certs {
            X509Certificate::from_der(c).map_err(|e| TrustError::Anchor(e.to_string()))?;
        }
        if certs.is_empty() {
            return Err(TrustError::Anchor("no certificate in the file".into()));
        }
        Ok(TrustAnchors { certs })
    }

    pub fn add(&mut self, other: TrustAnchors) {
        self.certs.extend(other.certs);
    }

    pub fn len(&self) -> usize {
        self.certs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// A verified statement: its payload and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub payload: Vec<u8>,
    /// Subject of the signing (device) certificate, in RFC 4514 form.
    pub signer: String,
    /// Subject of the trust anchor the path ends at.
    pub anchor: String,
    /// SHA-256 of the signing certificate (hex), to tell one device key from another.
    pub signer_fingerprint: String,
}

#[derive(serde::Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    x5c: Vec<String>,
}

fn b64url(part: &str, what: &str) -> Result<Vec<u8>, TrustError> {
    // Some services pad; the compact form does not, but accepting it costs nothing.
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| TrustError::Malformed(format!("{what}: {e}")))
}

/// Decodes the payload of a compact JWS without checking anything (for showing what an untrusted
/// device claims).
pub fn unverified_payload(jws: &str) -> Result<Vec<u8>, TrustError> {
    let mut parts = jws.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(p), Some(_), None) => b64url(p, "payload"),
        _ => Err(TrustError::Malformed("expected three parts separated by dots".into())),
    }
}

/// Verifies a compact JWS and its certificate path against `anchors` at `now` (Unix seconds).
pub fn verify(jws: &str, anchors: &TrustAnchors, now: i64) -> Result<Verified, TrustError> {
    let mut parts = jws.split('.');
    let (h, p, s) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => (h, p, s),
        _ => return Err(TrustError::Malformed("expected three parts separated by dots".into())),
    };
    let header: Header = serde_json::from_slice(&b64url(h, "header")?)
        .map_err(|e| TrustError::Malformed(format!("header: {e}")))?;
    let payload = b64url(p, "payload")?;
    let signature = b64url(s, "signature")?;
    let algorithm: &dyn ring::signature::VerificationAlgorithm = match header.alg.as_str() {
        "RS256" => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        "EdDSA" => &ring::signature::ED25519,
        other => return Err(TrustError::Algorithm(other.to_string())),
    };
    if header.x5c.is_empty() {
        return Err(TrustError::NoCertificate);
    }
    let ders: Vec<Vec<u8>> = header
        .x5c
        .iter()
        .enumerate()
        .map(|(index, c)| {
            STANDARD.decode(c).map_err(|e| TrustError::Certificate { index, detail: e.to_string() })
        })
        .collect::<Result<_, _>>()?;
    let path: Vec<X509Certificate<'_>> = ders
        .iter()
        .enumerate()
        .map(|(index, d)| {
            X509Certificate::from_der(d)
                .map(|(_, c)| c)
                .map_err(|e| TrustError::Certificate { index, detail: e.to_string() })
        })
        .collect::<Result<_, _>>()?;

    let leaf = &path[0];
    ring::signature::UnparsedPublicKey::new(
        algorithm,
        leaf.public_key().subject_public_key.data.as_ref(),
    )
    .verify(format!("{h}.{p}").as_bytes(), &signature)
    .map_err(|_| TrustError::BadSignature)?;

    let at = ASN1Time::from_timestamp(now).map_err(|e| TrustError::Malformed(e.to_string()))?;
    let valid = |c: &X509Certificate<'_>| {
        if c.validity().is_valid_at(at) {
            Ok(())
        } else {
            Err(TrustError::Expired {
                subject: c.subject().to_string(),
                not_before: c.validity().not_before.to_string(),
                not_after: c.validity().not_after.to_string(),
            })
        }
    };
    let signs = |child: &X509Certificate<'_>, issuer: &X509Certificate<'_>| {
        if !issuer.is_ca() {
            return Err(TrustError::NotCa(issuer.subject().to_string()));
        }
        child.verify_signature(Some(issuer.public_key())).map_err(|_| TrustError::BrokenPath {
            subject: child.subject().to_string(),
            issuer: issuer.subject().to_string(),
        })
    };
    for (i, c) in path.iter().enumerate() {
        valid(c)?;
        if let Some(issuer) = path.get(i + 1) {
            signs(c, issuer)?;
        }
    }

    let last = path.last().expect("non-empty");
    let mut anchor_name = None;
    for a in &anchors.certs {
        let Ok((_, anchor)) = X509Certificate::from_der(a) else { continue };
        if a.as_slice() == last.as_raw()
            || (last.issuer() == anchor.subject() && signs(last, &anchor).is_ok())
        {
            valid(&anchor)?;
            anchor_name = Some(anchor.subject().to_string());
            break;
        }
    }
    let anchor = anchor_name.ok_or_else(|| TrustError::UnknownAnchor(last.issuer().to_string()))?;
    use sha2::Digest;
    Ok(Verified {
        payload,
        signer: leaf.subject().to_string(),
        anchor,
        signer_fingerprint: hex::encode(sha2::Sha256::digest(leaf.as_raw())),
    })
}
