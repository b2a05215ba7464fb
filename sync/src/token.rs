//! Request tokens: how the registry knows that a request comes from a given station.
//!
//! Every request of a station carries `Authorization: CWT <token>`, the token being a CBOR Web
//! Token (RFC 8392): a COSE_Sign1 signed with the station's Ed25519 key (key id = station id)
//! over a claims set with the issuer (the station), the audience (the registry), the time it was
//! made, a random id used once, and three private claims binding it to this one request: the
//! method, the path with its query, and the SHA-256 of the body (left out only for uploads,
//! whose bytes are bound by the content hash in the signed ticket instead).
//!
//! Signed requests were chosen over mutual TLS with the station key: they pass through the load
//! balancers and TLS-terminating proxies in front of the registry unchanged, every instance can
//! verify them with nothing but the database, and the registry can keep what a station signed.

use base64::Engine as _;
use coset::cwt::{ClaimName, ClaimsSet, ClaimsSetBuilder, Timestamp};
use coset::{CborSerializable, cbor::value::Value};

pub const CONTENT_TYPE: &str = "application/cwt";
/// The audience every token names.
pub const AUDIENCE: &str = "hukumati-registry";
/// How far a token's time may be from the registry's clock, in seconds.
pub const MAX_SKEW_S: i64 = 300;

const HTM: i64 = -65537;
const HTU: i64 = -65538;
const BODY: i64 = -65539;

/// The request a token is made for, or checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine<'a> {
    pub method: &'a str,
    /// Path and query, as sent (`/v1/status?after=3`).
    pub path: &'a str,
    /// SHA-256 of the body; `None` for an upload.
    pub body_sha256: Option<[u8; 32]>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TokenError {
    #[error("no `Authorization: CWT ...` header")]
    Missing,
    #[error("the token is malformed: {0}")]
    Malformed(String),
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error(
        "the token was made at {issued_at} s, more than {MAX_SKEW_S} s from the registry's clock ({now} s)"
    )]
    Stale { issued_at: i64, now: i64 },
    #[error("the token was made for another request: {0}")]
    WrongRequest(String),
}

/// Makes the `Authorization` header value for one request of `station`.
pub fn make(
    station: &str,
    key: &schemas::SigningKey,
    request: &RequestLine<'_>,
    now_s: i64,
) -> String {
    let mut cti = [0u8; 16];
    // A token id that repeats would only get this request refused as a replay.
    let _ = getrandom::fill(&mut cti);
    let mut claims = ClaimsSetBuilder::new()
        .issuer(station.to_string())
        .audience(AUDIENCE.to_string())
        .issued_at(Timestamp::WholeSeconds(now_s))
        .cwt_id(cti.to_vec())
        .private_claim(HTM, Value::Text(request.method.to_string()))
        .private_claim(HTU, Value::Text(request.path.to_string()));
    if let Some(h) = request.body_sha256 {
        claims = claims.private_claim(BODY, Value::Bytes(h.to_vec()));
    }
    let payload = claims.build().to_vec().expect("CBOR of a claims set");
    let cose = schemas::cose::sign1(CONTENT_TYPE, station.as_bytes(), payload, key)
        .expect("COSE encoding");
    format!("CWT {}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(cose))
}

/// A token read but not yet verified: the station it claims to come from.
#[derive(Debug, Clone)]
pub struct Unverified {
    pub station: String,
    signed: schemas::cose::Signed1,
    claims: ClaimsSet,
}

/// What a verified token proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub station: String,
    /// The token's id: the registry refuses a second request with the same one.
    pub token_id: Vec<u8>,
    pub issued_at: i64,
}

/// Reads an `Authorization` header value.
pub fn parse(header: Option<&str>) -> Result<Unverified, TokenError> {
    let value = header.ok_or(TokenError::Missing)?;
    let b64 = value.strip_prefix("CWT ").ok_or(TokenError::Missing)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64.trim())
        .map_err(|e| TokenError::Malformed(e.to_string()))?;
    let signed = schemas::cose::parse1(&bytes, CONTENT_TYPE)
        .map_err(|e| TokenError::Malformed(e.to_string()))?;
    let claims = ClaimsSet::from_slice(&signed.payload)
        .map_err(|e| TokenError::Malformed(format!("claims: {e:?}")))?;
    let station = claims.issuer.clone().ok_or_else(|| TokenError::Malformed("no issuer".into()))?;
    if signed.kid_text() != station {
        return Err(TokenError::Malformed("the key id is not the issuer".into()));
    }
    Ok(Unverified { station, signed, claims })
}

impl Unverified {
    /// The SHA-256 of the body the token claims to be for, before anything is verified: the
    /// registry authenticates a request with it before reading the body, then compares.
    pub fn body_sha256(&self) -> Option<[u8; 32]> {
        let v = self.claims.rest.iter().find(|(n, _)| *n == ClaimName::PrivateUse(BODY))?;
        v.1.as_bytes()?.as_slice().try_into().ok()
    }

    /// Verifies the token with the station's key against the request it came with.
    pub fn verify(
        self,
        key: &schemas::VerifyingKey,
        request: &RequestLine<'_>,
        now_s: i64,
    ) -> Result<Verified, TokenError> {
        self.signed.verify(key).map_err(|_| TokenError::BadSignature)?;
        let c = &self.claims;
        if c.audience.as_deref() != Some(AUDIENCE) {
            return Err(TokenError::WrongRequest("audience".into()));
        }
        let issued_at = match c.issued_at {
            Some(Timestamp::WholeSeconds(t)) => t,
            _ => return Err(TokenError::Malformed("no issue time in whole seconds".into())),
        };
        if (issued_at - now_s).abs() > MAX_SKEW_S {
            return Err(TokenError::Stale { issued_at, now: now_s });
        }
        let token_id = c
            .cwt_id
            .clone()
            .filter(|id| id.len() >= 16)
            .ok_or_else(|| TokenError::Malformed("no token id of 16 bytes".into()))?;
        let claim =
            |id: i64| c.rest.iter().find(|(n, _)| *n == ClaimName::PrivateUse(id)).map(|(_, v)| v);
        if claim(HTM).and_then(Value::as_text) != Some(request.method) {
            return Err(TokenError::WrongRequest("method".into()));
        }
        if claim(HTU).and_then(Value::as_text) != Some(request.path) {
            return Err(TokenError::WrongRequest("path".into()));
        }
        let body = claim(BODY).and_then(Value::as_bytes).map(std::vec::Vec::as_slice);
        if body != request.body_sha256.as_ref().map(<[u8; 32]>::as_slice) {
            return Err(TokenError::WrongRequest("body".into()));
        }
        Ok(Verified { station: self.station, token_id, issued_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn line<'a>(path: &'a str, body: Option<[u8; 32]>) -> RequestLine<'a> {
        RequestLine { method: "POST", path, body_sha256: body }
    }

    #[test]
    fn a_token_proves_one_request_of_one_station_for_a_short_time() {
        let key = schemas::keys::new_signing_key().unwrap();
        let body = crate::sha256(b"{}");
        let req = line("/v1/announce", Some(body));
        let t = make("ST-1", &key, &req, NOW);
        let v = parse(Some(&t)).unwrap().verify(&key.verifying_key(), &req, NOW + 10).unwrap();
        assert_eq!(v.station, "ST-1");
        assert_eq!(v.token_id.len(), 16);
        // Each token has its own id.
        let t2 = make("ST-1", &key, &req, NOW);
        assert_ne!(
            parse(Some(&t2)).unwrap().verify(&key.verifying_key(), &req, NOW).unwrap().token_id,
            v.token_id
        );

        let other = schemas::keys::new_signing_key().unwrap();
        assert_eq!(
            parse(Some(&t)).unwrap().verify(&other.verifying_key(), &req, NOW).unwrap_err(),
            TokenError::BadSignature
        );
        assert!(matches!(
            parse(Some(&t)).unwrap().verify(&key.verifying_key(), &req, NOW + 301),
            Err(TokenError::Stale { .. })
        ));
        assert!(matches!(
            parse(Some(&t)).unwrap().verify(
                &key.verifying_key(),
                &line("/v1/operators", Some(body)),
                NOW
            ),
            Err(TokenError::WrongRequest(_))
        ));
        assert!(matches!(
            parse(Some(&t)).unwrap().verify(
                &key.verifying_key(),
                &line("/v1/announce", Some(crate::sha256(b"[]"))),
                NOW
            ),
            Err(TokenError::WrongRequest(_))
        ));
        assert!(matches!(
            parse(Some(&t)).unwrap().verify(
                &key.verifying_key(),
                &RequestLine { method: "GET", ..req.clone() },
                NOW
            ),
            Err(TokenError::WrongRequest(_))
        ));
        // An upload token binds no body; it does not pass for a request with one.
        let up = RequestLine { method: "PATCH", path: "/v1/uploads/ab", body_sha256: None };
        let t = make("ST-1", &key, &up, NOW);
        parse(Some(&t)).unwrap().verify(&key.verifying_key(), &up, NOW).unwrap();
        assert!(
            parse(Some(&t))
                .unwrap()
                .verify(&key.verifying_key(), &RequestLine { body_sha256: Some(body), ..up }, NOW)
                .is_err()
        );
    }

    #[test]
    fn bad_headers_are_refused_with_a_reason() {
        assert_eq!(parse(None).unwrap_err(), TokenError::Missing);
        assert_eq!(parse(Some("Bearer abc")).unwrap_err(), TokenError::Missing);
        assert!(matches!(parse(Some("CWT !!!")), Err(TokenError::Malformed(_))));
        assert!(matches!(parse(Some("CWT AAAA")), Err(TokenError::Malformed(_))));
    }
}
