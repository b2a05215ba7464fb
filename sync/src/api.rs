//! The HTTP API's paths, headers and JSON bodies, and the codes of its refusals.
//!
//! Signed documents travel in JSON as base64url text without padding ([`b64`], [`unb64`]).
//! Uploads follow the core of the tus 1.0 protocol at a content-addressed URL: `HEAD` tells how
//! many bytes the registry holds (`Upload-Offset`), `PATCH` sends more from that offset.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

pub const ANNOUNCE: &str = "/v1/announce";
pub const OPERATORS: &str = "/v1/operators";
pub const MASTER_DATA: &str = "/v1/master-data";
pub const STATUS: &str = "/v1/status";
pub const HEALTH: &str = "/v1/health";
/// Uploads: `/v1/uploads/{ciphertext SHA-256, hex}`.
pub const UPLOADS: &str = "/v1/uploads";

pub const UPLOAD_OFFSET: &str = "upload-offset";
pub const UPLOAD_LENGTH: &str = "upload-length";
pub const TUS_RESUMABLE: &str = "tus-resumable";
pub const TUS_VERSION: &str = "1.0.0";
/// Content type of an upload's body (tus).
pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// The most tickets one announce may carry.
pub const MAX_TICKETS: usize = 100;

pub fn upload_path(ciphertext_sha256: &[u8; 32]) -> String {
    format!("{UPLOADS}/{}", hex::encode(ciphertext_sha256))
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()).map_err(|e| e.to_string())
}

/// Why the registry refused something. The station shows each code to the supervisor in its
/// own words (translation files), with the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The request is not of the API's form (a body, a header, a parameter).
    BadRequest,
    /// No token, or a token that does not verify.
    BadToken,
    /// A token made too long ago or ahead of the registry's clock.
    StaleToken,
    /// A token already used: a replayed request.
    ReplayedRequest,
    UnknownStation,
    RevokedStation,
    /// A ticket that does not open with the station's key, or names another station.
    BadTicket,
    /// A sequence number already used by another bundle of the station.
    SequenceReused,
    /// A sequence number that skips (the one before it was not announced).
    SequenceGap,
    /// A bundle id already announced with other content.
    BundleIdReused,
    /// The same content announced under two bundle ids.
    ContentReused,
    /// Larger than the registry accepts.
    TooLarge,
    UnknownUpload,
    /// `Upload-Offset` is not where the registry is; the answer says where.
    OffsetMismatch,
    /// More bytes than the ticket announced.
    SizeMismatch,
    /// The uploaded bytes are not the announced ciphertext.
    HashMismatch,
    /// The bundle does not open, or its manifest or signatures do not hold.
    BadBundle,
    /// The supervisor's decision does not verify or does not belong to the bundle.
    BadDecision,
    UnknownOperator,
    RevokedOperator,
    /// An operator registered again with another key.
    OperatorKeyChanged,
    /// A signer the registry's administrators have not approved yet: the bundle waits (not a
    /// refusal for good).
    OperatorNotApproved,
    /// A production station's bundle with a sample from a simulated or replayed device, or from
    /// no named device: nobody was seen at a counter.
    SimulatedCapture,
    /// The manifest names a centre other than the one the station was onboarded at.
    WrongCentre,
    /// A biometric record of the bundle fails the ISO/IEC 19794 checks.
    BadRecord,
    /// Accepting a training or demo station's bundle as an identity (admin).
    NotProduction,
    /// No such bundle (admin).
    UnknownBundle,
    /// Not an administrator.
    NotAdmin,
    /// The registry holds as many of this station's open tickets or running uploads as it
    /// allows: try again later (not a refusal of the bundle).
    Busy,
    /// The registry failed; try again later.
    Unavailable,
}

impl Code {
    /// The code's name, as in JSON.
    pub fn as_str(self) -> &'static str {
        ALL.iter().find(|(c, _)| *c == self).map(|(_, s)| *s).unwrap_or("unavailable")
    }

    /// The code of a name, as in JSON.
    pub fn parse(name: &str) -> Option<Code> {
        ALL.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    /// Whether a bundle refused with this code can never be accepted, whatever the station does
    /// next: the station sets it aside (kept, shown, exportable) and sends the ones after it.
    /// The others (an operator not yet approved, a number not yet reached, the registry down,
    /// bytes damaged on the way) are tried again.
    pub fn is_permanent(self) -> bool {
        matches!(
            self,
            Code::BadTicket
                | Code::SequenceReused
                | Code::BundleIdReused
                | Code::ContentReused
                | Code::TooLarge
                | Code::BadBundle
                | Code::BadDecision
                | Code::RevokedOperator
                | Code::OperatorKeyChanged
                | Code::SimulatedCapture
                | Code::WrongCentre
                | Code::BadRecord
        )
    }
}

/// Every code with its name (as in JSON), for tables and translations.
pub const ALL: &[(Code, &str)] = &[
    (Code::BadRequest, "bad_request"),
    (Code::BadToken, "bad_token"),
    (Code::StaleToken, "stale_token"),
    (Code::ReplayedRequest, "replayed_request"),
    (Code::UnknownStation, "unknown_station"),
    (Code::RevokedStation, "revoked_station"),
    (Code::BadTicket, "bad_ticket"),
    (Code::SequenceReused, "sequence_reused"),
    (Code::SequenceGap, "sequence_gap"),
    (Code::BundleIdReused, "bundle_id_reused"),
    (Code::ContentReused, "content_reused"),
    (Code::TooLarge, "too_large"),
    (Code::UnknownUpload, "unknown_upload"),
    (Code::OffsetMismatch, "offset_mismatch"),
    (Code::SizeMismatch, "size_mismatch"),
    (Code::HashMismatch, "hash_mismatch"),
    (Code::BadBundle, "bad_bundle"),
    (Code::BadDecision, "bad_decision"),
    (Code::UnknownOperator, "unknown_operator"),
    (Code::RevokedOperator, "revoked_operator"),
    (Code::OperatorKeyChanged, "operator_key_changed"),
    (Code::OperatorNotApproved, "operator_not_approved"),
    (Code::SimulatedCapture, "simulated_capture"),
    (Code::WrongCentre, "wrong_centre"),
    (Code::BadRecord, "bad_record"),
    (Code::NotProduction, "not_production"),
    (Code::UnknownBundle, "unknown_bundle"),
    (Code::NotAdmin, "not_admin"),
    (Code::Busy, "busy"),
    (Code::Unavailable, "unavailable"),
];

/// A refusal: its code and, in English, what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    pub code: Code,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnounceRequest {
    /// Signed tickets (base64url), in sequence order.
    pub tickets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The registry holds the bundle: here is its receipt.
    Have,
    /// Send it from `offset`.
    Send,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub bundle_id: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnounceResponse {
    pub answers: Vec<Answer>,
}

/// The answer to an upload that completed the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadDone {
    pub receipt: String,
}

/// A station registers one of its operators (their public key) before sending their work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorRegistration {
    pub username: String,
    pub role: String,
    /// Ed25519 public key, hex.
    pub ed25519: String,
}

/// A signed document (master data, a status page), base64url.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    pub signed: String,
}

/// An administrator onboards a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStation {
    pub id: String,
    /// Ed25519 public key, hex.
    pub ed25519: String,
    pub centre: String,
    /// What the station is for; production when left out (the strict choice).
    #[serde(default)]
    pub mode: crate::master::StationMode,
}

/// An administrator approves a station's operator (their key as the station registered it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorApproval {
    pub station: String,
    pub username: String,
    /// The key the administrator checked (hex): approval names the key, not only the name.
    pub ed25519: String,
}

/// An administrator records a later decision about a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStatus {
    pub status: crate::status::BundleStatus,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One entry of the receipt log (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    pub index: u64,
    pub receipt: String,
    /// The entry's hash, hex.
    pub entry: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_json_name() {
        for (code, name) in ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(name.to_string())
            );
            assert_eq!(code.as_str(), *name);
        }
        assert_eq!(ALL.len(), 30);
        assert_eq!(Code::parse("simulated_capture"), Some(Code::SimulatedCapture));
        assert!(Code::RevokedOperator.is_permanent() && !Code::OperatorNotApproved.is_permanent());
        assert_eq!(unb64(&b64(b"\x00\xffabc")).unwrap(), b"\x00\xffabc");
        assert!(unb64("***").is_err());
    }
}
