//! The sync protocol between a station and the central registry: the types both sides share.
//!
//! Everything either side relies on is signed (COSE_Sign1, Ed25519, see [`schemas::cose`]):
//! - [`ticket`]: what a station announces about one sealed bundle (signed by the station);
//! - [`token`]: the per-request proof that a request comes from a station (a CWT, RFC 8392,
//!   bound to the method, the path and the body's SHA-256, fresh and used once);
//! - [`receipt`]: the registry's signed acknowledgement that it holds a bundle, and the hash
//!   chain its receipts are appended to;
//! - [`master`]: the registry's signed master data (operators, keys, revocations, settings);
//! - [`status`]: the registry's signed pages of later decisions about bundles;
//! - [`onboarding`]: the signed onboarding file a registry issues for a new station, and the
//!   station key file that comes back;
//! - [`media`]: the folder layout of bundles carried on removable media;
//! - [`api`]: the JSON bodies, paths and headers of the HTTP API, and the refusal codes.
//!
//! The HTTP API is described in `docs/openapi.json`; `docs/sync-protocol.md` explains it.

#![forbid(unsafe_code)]

pub mod api;
pub mod master;
pub mod media;
pub mod onboarding;
pub mod receipt;
pub mod status;
pub mod ticket;
pub mod token;

pub use api::Code;

/// Why a signed document of the protocol could not be read or trusted.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("{what}: {problem}")]
    Malformed { what: &'static str, problem: String },
    #[error("{what}: signed by an unknown key ({kid})")]
    UnknownKey { what: &'static str, kid: String },
    #[error("{what}: the signature does not verify")]
    BadSignature { what: &'static str },
    #[error("{0}")]
    Mismatch(String),
}

impl ProtocolError {
    pub(crate) fn malformed(what: &'static str, problem: impl ToString) -> ProtocolError {
        ProtocolError::Malformed { what, problem: problem.to_string() }
    }
}

/// Parses and verifies a signed document of `content_type` whose key is found from its key id.
pub(crate) fn open_signed<T: serde::de::DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
    content_type: &str,
    key_of: &dyn Fn(&str) -> Option<schemas::VerifyingKey>,
) -> Result<(T, String), ProtocolError> {
    let s = schemas::cose::parse1(bytes, content_type)
        .map_err(|e| ProtocolError::malformed(what, e))?;
    let kid = s.kid_text();
    let key = key_of(&kid).ok_or_else(|| ProtocolError::UnknownKey { what, kid: kid.clone() })?;
    s.verify(&key).map_err(|_| ProtocolError::BadSignature { what })?;
    let value =
        schemas::cbor::from_slice(&s.payload).map_err(|e| ProtocolError::malformed(what, e))?;
    Ok((value, kid))
}

/// Encodes and signs a document.
pub(crate) fn sign<T: serde::Serialize>(
    value: &T,
    content_type: &str,
    kid: &str,
    key: &schemas::SigningKey,
) -> Vec<u8> {
    let payload = schemas::cbor::to_vec(value).expect("protocol documents are plain data");
    schemas::cose::sign1(content_type, kid.as_bytes(), payload, key)
        .expect("COSE encoding of plain data")
}

/// An identifier as the registry keeps them (a station id, a username): 1 to 64 Latin letters,
/// digits, `.`, `-` or `_`.
pub fn plain_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
