//! The supervisor's decision: a COSE_Sign1 (RFC 9052, tag 18) statement, EdDSA, over
//! {bundle id, manifest hash, decision, reason, time, supervisor}.
//!
//! It is separate from the bundle because approval may come hours later (an end-of-day batch);
//! it binds to one exact manifest through the manifest's SHA-256.

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::cbor::{self, CborError};
use crate::cose;
use crate::manifest::{Bytes32, Manifest};

/// COSE content type of a decision statement.
pub const DECISION_CONTENT_TYPE: &str = "application/vnd.hukumati.decision+cbor";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub bundle_id: String,
    pub manifest_sha256: Bytes32,
    pub verdict: Verdict,
    /// Required for a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Milliseconds since the Unix epoch, UTC.
    pub decided_at: i64,
    pub supervisor_id: String,
    pub supervisor_ed25519: Bytes32,
    /// The version of the registry's master data the station held when the supervisor decided.
    pub master_version: u64,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DecisionError {
    #[error("decision: malformed COSE_Sign1: {0}")]
    Malformed(String),
    #[error("decision: {0}")]
    Cbor(#[from] CborError),
    #[error("decision: a rejection needs a reason")]
    ReasonMissing,
    #[error("decision: the supervisor signature does not verify")]
    BadSignature,
    #[error("decision: made for bundle {found}, not {expected}")]
    WrongBundle { expected: String, found: String },
    #[error("decision: made for a different manifest (hash differs)")]
    WrongManifest,
    #[error("decision: the supervisor is the operator who captured (four-eyes rule)")]
    SameAsOperator,
    #[error("decision: supervisor key is not the trusted one")]
    UntrustedSupervisor,
}

/// Signs a decision as a tagged COSE_Sign1.
pub fn sign(decision: &Decision, key: &SigningKey) -> Result<Vec<u8>, DecisionError> {
    if decision.verdict == Verdict::Reject
        && decision.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(DecisionError::ReasonMissing);
    }
    let payload = cbor::to_vec(decision)?;
    cose::sign1(DECISION_CONTENT_TYPE, decision.supervisor_id.as_bytes(), payload, key)
        .map_err(|e| DecisionError::Malformed(e.to_string()))
}

/// What a decision statement says, without verifying it: for its own maker (the station reading
/// back who decided), never for trust.
pub fn read_unverified(bytes: &[u8]) -> Result<Decision, DecisionError> {
    let s = cose::parse1(bytes, DECISION_CONTENT_TYPE)
        .map_err(|e| DecisionError::Malformed(e.to_string()))?;
    Ok(cbor::from_slice(&s.payload)?)
}

/// Verifies a decision statement against the manifest it must belong to.
pub fn verify(
    bytes: &[u8],
    manifest: &Manifest,
    manifest_sha256: &[u8; 32],
    trusted: Option<&VerifyingKey>,
) -> Result<Decision, DecisionError> {
    let s = cose::parse1(bytes, DECISION_CONTENT_TYPE)
        .map_err(|e| DecisionError::Malformed(e.to_string()))?;
    let d: Decision = cbor::from_slice(&s.payload)?;
    let key =
        VerifyingKey::from_bytes(&d.supervisor_ed25519).map_err(|_| DecisionError::BadSignature)?;
    if let Some(t) = trusted
        && *t != key
    {
        return Err(DecisionError::UntrustedSupervisor);
    }
    s.verify(&key).map_err(|_| DecisionError::BadSignature)?;
    if d.bundle_id != manifest.bundle_id {
        return Err(DecisionError::WrongBundle {
            expected: manifest.bundle_id.clone(),
            found: d.bundle_id,
        });
    }
    if *d.manifest_sha256 != *manifest_sha256 {
        return Err(DecisionError::WrongManifest);
    }
    let operator = manifest.signer(crate::manifest::SignerRole::Operator);
    if d.supervisor_id == manifest.operator_id
        || operator.is_some_and(|o| o.ed25519 == d.supervisor_ed25519)
    {
        return Err(DecisionError::SameAsOperator);
    }
    if d.verdict == Verdict::Reject && d.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(DecisionError::ReasonMissing);
    }
    Ok(d)
}
