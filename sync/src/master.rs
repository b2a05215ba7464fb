//! Master data: what the registry tells a station about itself and the world, signed with the
//! registry's root key, which the station pinned when it was set up. It names the keys that sign
//! receipts and status pages (with their validity, so they can be rotated), the recipients
//! bundles are sealed to (rotation too), the station's operators and their keys, revocations,
//! the centre's details, and settings the registry manages.

use schemas::manifest::Bytes32;
use serde::{Deserialize, Serialize};

use crate::ProtocolError;

pub const CONTENT_TYPE: &str = "application/vnd.hukumati.master-data+cbor";
/// The key id of the registry's root key.
pub const ROOT_KID: &str = "root";

/// A registry signing key and when it may be used (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyInfo {
    pub kid: String,
    pub ed25519: Bytes32,
    pub not_before: i64,
    #[serde(default)]
    pub not_after: Option<i64>,
}

impl KeyInfo {
    pub fn key(&self) -> Option<schemas::VerifyingKey> {
        schemas::VerifyingKey::from_bytes(&self.ed25519).ok()
    }
    pub fn valid_at(&self, t: i64) -> bool {
        t >= self.not_before && self.not_after.is_none_or(|end| t <= end)
    }
}

/// An age recipient the registry decrypts, and since when stations should seal to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientInfo {
    pub recipient: String,
    pub from: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorInfo {
    pub username: String,
    /// `clerk`, `supervisor` or `admin`.
    pub role: String,
    pub ed25519: Bytes32,
    pub revoked: bool,
    /// Approved by the registry's administrators: only then are their bundles accepted (on
    /// training and demo stations, approved when registered).
    pub approved: bool,
}

/// What a station is for, as the registry onboarded it. Only a production station's bundles
/// can become identities; training and demo stations enroll nobody real.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationMode {
    /// The strict default: a station onboarded without a mode is a production station.
    #[default]
    Production,
    Training,
    Demo,
}

impl StationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StationMode::Production => "production",
            StationMode::Training => "training",
            StationMode::Demo => "demo",
        }
    }
    pub fn parse(s: &str) -> Option<StationMode> {
        [StationMode::Production, StationMode::Training, StationMode::Demo]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    pub id: String,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationInfo {
    pub id: String,
    pub centre: String,
    pub revoked: bool,
    pub mode: StationMode,
}

/// Capture settings the registry sets for every station; a missing one leaves the station's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub finger_threshold: Option<u8>,
    #[serde(default)]
    pub thumb_threshold: Option<u8>,
    #[serde(default)]
    pub iris_threshold: Option<u8>,
    #[serde(default)]
    pub face_threshold: Option<u8>,
    #[serde(default)]
    pub max_retries: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterData {
    /// Grows whenever anything here changes.
    pub version: u64,
    pub issued_at: i64,
    pub station: StationInfo,
    #[serde(default)]
    pub centre: Option<Centre>,
    pub operators: Vec<OperatorInfo>,
    pub receipt_keys: Vec<KeyInfo>,
    pub recipients: Vec<RecipientInfo>,
    pub revoked_stations: Vec<String>,
    pub settings: Settings,
}

impl MasterData {
    pub fn sign(&self, root: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, CONTENT_TYPE, ROOT_KID, root)
    }

    /// Opens master data signed by the pinned root key.
    pub fn open(bytes: &[u8], root: &schemas::VerifyingKey) -> Result<MasterData, ProtocolError> {
        let (m, _): (MasterData, String) =
            crate::open_signed("master data", bytes, CONTENT_TYPE, &|kid| {
                (kid == ROOT_KID).then_some(*root)
            })?;
        Ok(m)
    }

    /// The recipient to seal to at `now`: the newest one already in force.
    pub fn recipient_at(&self, now: i64) -> Option<&str> {
        self.recipients
            .iter()
            .filter(|r| r.from <= now)
            .max_by_key(|r| r.from)
            .map(|r| r.recipient.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_data_opens_only_with_the_root_key_and_names_the_current_recipient() {
        let root = schemas::keys::new_signing_key().unwrap();
        let m = MasterData {
            version: 3,
            issued_at: 100,
            station: StationInfo {
                id: "ST-1".into(),
                centre: "C-1".into(),
                revoked: false,
                mode: StationMode::Production,
            },
            centre: None,
            operators: vec![],
            receipt_keys: vec![],
            recipients: vec![
                RecipientInfo { recipient: "age1old".into(), from: 0 },
                RecipientInfo { recipient: "age1new".into(), from: 50 },
                RecipientInfo { recipient: "age1later".into(), from: 500 },
            ],
            revoked_stations: vec![],
            settings: Settings::default(),
        };
        let bytes = m.sign(&root);
        assert_eq!(MasterData::open(&bytes, &root.verifying_key()).unwrap(), m);
        let other = schemas::keys::new_signing_key().unwrap();
        assert!(MasterData::open(&bytes, &other.verifying_key()).is_err());
        assert_eq!(m.recipient_at(10), Some("age1old"));
        assert_eq!(m.recipient_at(100), Some("age1new"));
        assert_eq!(m.recipient_at(-1), None);
    }
}
