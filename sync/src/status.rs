//! The status feed: what the registry decided about bundles after it received them (accepted,
//! rejected with a reason, a duplicate identity found, asked to be sent again), in pages a
//! station pulls by cursor, each page signed with a receipt key.

use serde::{Deserialize, Serialize};

use crate::ProtocolError;
use crate::master::KeyInfo;

pub const CONTENT_TYPE: &str = "application/vnd.hukumati.status+cbor";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleStatus {
    /// Received and its receipt issued.
    Received,
    Accepted,
    Rejected,
    /// The registry found the applicant already enrolled.
    DuplicateIdentity,
    /// The registry asks for the enrollment again (the applicant may have to come back).
    Resend,
}

impl BundleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BundleStatus::Received => "received",
            BundleStatus::Accepted => "accepted",
            BundleStatus::Rejected => "rejected",
            BundleStatus::DuplicateIdentity => "duplicate_identity",
            BundleStatus::Resend => "resend",
        }
    }
    pub fn parse(s: &str) -> Option<BundleStatus> {
        [
            BundleStatus::Received,
            BundleStatus::Accepted,
            BundleStatus::Rejected,
            BundleStatus::DuplicateIdentity,
            BundleStatus::Resend,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEvent {
    pub cursor: u64,
    pub bundle_id: String,
    pub status: BundleStatus,
    #[serde(default)]
    pub reason: Option<String>,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusPage {
    pub station_id: String,
    /// The cursor the page starts after.
    pub after: u64,
    pub events: Vec<StatusEvent>,
    pub issued_at: i64,
}

impl StatusPage {
    pub fn sign(&self, kid: &str, key: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, CONTENT_TYPE, kid, key)
    }

    /// Opens a page for `station` that starts after `after`.
    pub fn open(
        bytes: &[u8],
        keys: &[KeyInfo],
        station: &str,
        after: u64,
    ) -> Result<StatusPage, ProtocolError> {
        let (p, _): (StatusPage, String) =
            crate::open_signed("status page", bytes, CONTENT_TYPE, &|kid| {
                keys.iter().find(|k| k.kid == kid).and_then(KeyInfo::key)
            })?;
        if p.station_id != station || p.after != after {
            return Err(ProtocolError::Mismatch(format!(
                "status page for {} after {}, asked for {station} after {after}",
                p.station_id, p.after
            )));
        }
        if p.events.iter().any(|e| e.cursor <= after)
            || p.events.windows(2).any(|w| w[0].cursor >= w[1].cursor)
        {
            return Err(ProtocolError::Mismatch("status events out of order".into()));
        }
        Ok(p)
    }
}
