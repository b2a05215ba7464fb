//! Checking what an SBI device signs: JWS compact serialisation (RFC 7515) with the signer's
//! certificate path in the `x5c` header, verified against the trust anchors the station was
//! given (the device providers' CA certificates).
//!
//! The JWS is RS256 (RSA of 2048 bits or more, PKCS#1 v1.5 with SHA-256) or EdDSA (Ed25519), the
//! two SBI allows. The certificate path is judged by webpki, the RFC 5280 path validation rustls
//! uses: names chain from subject to issuer, every certificate is valid at the given time, basic
//! constraints and path lengths hold, no critical extension it does not understand is present,
//! and every link is signed with SHA-2 and RSA of 2048 bits or more, ECDSA P-256 or P-384, or
//! Ed25519 (never SHA-1, never RSA-1024). What webpki leaves to its caller is checked here: key
//! usage (the device key may sign, each CA may sign certificates), and anchors that are not valid
//! at the time are left out, so that an expired one does not stop the search for another. Every
//! certificate of the path is first read for a clear reason to give a person (which certificate
//! is expired, too weak, or used beyond its key usage).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, UnixTime};
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
    #[error("certificate {subject:?} is signed with {algorithm}, which is too weak (SHA-1 or MD5)")]
    WeakAlgorithm { subject: String, algorithm: String },
    #[error("certificate {subject:?} has an RSA key of {bits} bits; at least 2048 are required")]
    WeakKey { subject: String, bits: usize },
    #[error("certificate {subject:?} may not be used for this: its key usage lacks {needs}")]
    KeyUsage { subject: String, needs: &'static str },
    #[error("a certificate of the path has a critical extension the station does not understand")]
    CriticalExtension,
    #[error("the path's constraints do not hold: {0}")]
    Constraints(String),
    #[error("the path does not lead to one of the configured trust anchors (it names {0:?})")]
    UnknownAnchor(String),
    #[error("the certificate path is not valid: {0}")]
    Path(String),
    #[error("the signature does not match the signed content and the device certificate")]
    BadSignature,
    #[error("a trust anchor cannot be read: {0}")]
    Anchor(String),
}

impl TrustError {
    /// Why, in the terms the station explains to people.
    pub fn distrust(&self) -> crate::device::Distrust {
        use crate::device::Distrust as D;
        match self {
            TrustError::Expired { .. } => D::Expired,
            TrustError::WeakAlgorithm { .. } | TrustError::WeakKey { .. } => D::Weak,
            TrustError::KeyUsage { .. }
            | TrustError::CriticalExtension
            | TrustError::Constraints(_) => D::Misused,
            TrustError::UnknownAnchor(_) | TrustError::Anchor(_) => D::UnknownAnchor,
            TrustError::Malformed(_)
            | TrustError::Algorithm(_)
            | TrustError::NoCertificate
            | TrustError::Certificate { .. }
            | TrustError::Path(_)
            | TrustError::BadSignature => D::BadSignature,
        }
    }
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

/// The algorithms a link of the path may be signed with.
static PATH_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
];

/// Signature algorithms of certificates refused by name, for a clear reason (webpki refuses them
/// too): MD5 and SHA-1 with RSA, ECDSA and DSA.
const WEAK_SIGNATURES: &[&str] = &[
    "1.2.840.113549.1.1.4",
    "1.2.840.113549.1.1.5",
    "1.3.14.3.2.29",
    "1.2.840.10045.4.1",
    "1.2.840.10040.4.3",
];

/// SBI names no extended key usage for device keys: none is required, and a malformed list is
/// still refused.
struct AnyPurpose;

impl webpki::ExtendedKeyUsageValidator for AnyPurpose {
    fn validate(&self, iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for id in iter {
            id?;
        }
        Ok(())
    }
}

fn validity(c: &X509Certificate<'_>, at: ASN1Time) -> Result<(), TrustError> {
    if c.validity().is_valid_at(at) {
        Ok(())
    } else {
        Err(TrustError::Expired {
            subject: c.subject().to_string(),
            not_before: c.validity().not_before.to_string(),
            not_after: c.validity().not_after.to_string(),
        })
    }
}

/// What webpki does not judge, or judges without saying which certificate: validity, weak
/// signatures and keys, key usage. `leaf`: the device's certificate (it signs), else a CA.
fn read_certificate(c: &X509Certificate<'_>, at: ASN1Time, leaf: bool) -> Result<(), TrustError> {
    let subject = || c.subject().to_string();
    validity(c, at)?;
    let algorithm = c.signature_algorithm.algorithm.to_id_string();
    if WEAK_SIGNATURES.contains(&algorithm.as_str()) {
        return Err(TrustError::WeakAlgorithm { subject: subject(), algorithm });
    }
    if let Ok(x509_parser::public_key::PublicKey::RSA(k)) = c.public_key().parsed()
        && k.key_size() < 2048
    {
        return Err(TrustError::WeakKey { subject: subject(), bits: k.key_size() });
    }
    match c.key_usage() {
        Ok(Some(ku)) if leaf && !ku.value.digital_signature() => {
            Err(TrustError::KeyUsage { subject: subject(), needs: "digitalSignature" })
        }
        Ok(Some(ku)) if !leaf && !ku.value.key_cert_sign() => {
            Err(TrustError::KeyUsage { subject: subject(), needs: "keyCertSign" })
        }
        Ok(_) => Ok(()),
        Err(e) => Err(TrustError::Path(format!("{}: key usage: {e}", subject()))),
    }
}

/// What a webpki refusal means for a person, naming the path's last certificate's issuer when
/// no anchor is found.
fn path_error(e: &webpki::Error, last_issuer: &str) -> TrustError {
    use webpki::Error as W;
    match e {
        W::UnknownIssuer => TrustError::UnknownAnchor(last_issuer.to_string()),
        W::UnsupportedCriticalExtension => TrustError::CriticalExtension,
        W::CaUsedAsEndEntity => {
            TrustError::Constraints("a CA certificate signs as a device".into())
        }
        W::EndEntityUsedAsCa => {
            TrustError::Constraints("a certificate that is not a CA signs another".into())
        }
        W::PathLenConstraintViolated => {
            TrustError::Constraints("a CA's path length constraint is exceeded".into())
        }
        W::NameConstraintViolation => {
            TrustError::Constraints("a CA's name constraints are violated".into())
        }
        W::UnsupportedSignatureAlgorithmContext(_)
        | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            TrustError::Path(format!("a link is signed with an algorithm not allowed ({e})"))
        }
        W::InvalidSignatureForPublicKey => TrustError::Path(
            "a certificate's signature does not verify with its issuer's key".into(),
        ),
        other => TrustError::Path(other.to_string()),
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
    let algorithm: &dyn SignatureVerificationAlgorithm = match header.alg.as_str() {
        "RS256" => webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        "EdDSA" => webpki::ring::ED25519,
        other => return Err(TrustError::Algorithm(other.to_string())),
    };
    if header.x5c.is_empty() {
        return Err(TrustError::NoCertificate);
    }
    let ders: Vec<CertificateDer<'static>> = header
        .x5c
        .iter()
        .enumerate()
        .map(|(index, c)| {
            STANDARD
                .decode(c)
                .map(CertificateDer::from)
                .map_err(|e| TrustError::Certificate { index, detail: e.to_string() })
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
    let time = u64::try_from(now)
        .map_err(|_| TrustError::Malformed(format!("the time {now} is before 1970")))?;
    let at = ASN1Time::from_timestamp(now).map_err(|e| TrustError::Malformed(e.to_string()))?;
    for (i, c) in path.iter().enumerate() {
        read_certificate(c, at, i == 0)?;
    }

    let last_issuer = path.last().map(|c| c.issuer().to_string()).unwrap_or_default();
    let leaf =
        webpki::EndEntityCert::try_from(&ders[0]).map_err(|e| path_error(&e, &last_issuer))?;
    leaf.verify_signature(algorithm, format!("{h}.{p}").as_bytes(), &signature)
        .map_err(|_| TrustError::BadSignature)?;

    // Anchors valid now and fit to sign certificates; the others are left out, not fatal.
    let parsed: Vec<X509Certificate<'_>> = anchors
        .certs
        .iter()
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .filter(|c| c.is_ca() && read_certificate(c, at, false).is_ok())
        .collect();
    let anchor_ders: Vec<CertificateDer<'_>> =
        parsed.iter().map(|c| CertificateDer::from(c.as_raw())).collect();
    let (names, trusted): (Vec<String>, Vec<rustls_pki_types::TrustAnchor<'_>>) = parsed
        .iter()
        .zip(&anchor_ders)
        .filter_map(|(c, d)| {
            webpki::anchor_from_trusted_cert(d).ok().map(|a| (c.subject().to_string(), a))
        })
        .unzip();
    let verified = leaf
        .verify_for_usage(
            PATH_ALGORITHMS,
            &trusted,
            &ders[1..],
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(time)),
            AnyPurpose,
            None,
            None,
        )
        .map_err(|e| path_error(&e, &last_issuer))?;
    let anchor = trusted
        .iter()
        .position(|a| std::ptr::eq(a, verified.anchor()))
        .map(|i| names[i].clone())
        .unwrap_or_default();
    use sha2::Digest;
    Ok(Verified {
        payload,
        signer: path[0].subject().to_string(),
        anchor,
        signer_fingerprint: hex::encode(sha2::Sha256::digest(&ders[0])),
    })
}
