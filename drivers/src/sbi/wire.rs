//! The JSON of SBI 0.9.5 as it crosses the wire (field names as the specification spells them).
//! Unknown fields are ignored: vendors add their own.

use serde::{Deserialize, Serialize};

/// The error object every SBI answer carries (`errorCode` "0" is success). Vendors send the code
/// as a string or a number.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct WireError {
    #[serde(rename = "errorCode", deserialize_with = "code")]
    pub code: u32,
    #[serde(rename = "errorInfo", default)]
    pub info: String,
}

fn code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Number(u32),
        Text(String),
    }
    match Code::deserialize(d)? {
        Code::Number(n) => Ok(n),
        Code::Text(t) => t
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("error code {t:?} is not a number"))),
    }
}

/// One entry of a MOSIPDISC answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovered {
    pub device_id: String,
    pub device_status: String,
    #[serde(default)]
    pub certification: String,
    #[serde(default)]
    pub service_version: String,
    #[serde(default)]
    pub device_sub_id: Vec<String>,
    /// Base64url JSON, unsigned.
    #[serde(default)]
    pub digital_id: String,
    #[serde(default)]
    pub device_code: String,
    #[serde(default)]
    pub spec_version: Vec<String>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub error: Option<WireError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InfoEntry {
    #[serde(rename = "deviceInfo", default)]
    pub device_info: String,
    #[serde(default)]
    pub error: Option<WireError>,
}

/// The signed payload of a MOSIPDINFO entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedInfo {
    pub device_status: String,
    pub device_id: String,
    #[serde(default)]
    pub firmware: String,
    #[serde(default)]
    pub certification: String,
    #[serde(default)]
    pub service_version: String,
    #[serde(default)]
    pub device_sub_id: Vec<String>,
    /// A JWS over [`DigitalId`].
    pub digital_id: String,
    #[serde(default)]
    pub device_code: String,
    #[serde(default)]
    pub env: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub spec_version: Vec<String>,
}

/// Who made the device and what it is.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DigitalId {
    pub serial_no: String,
    pub make: String,
    pub model: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub device_sub_type: String,
    #[serde(default)]
    pub device_provider: String,
    #[serde(default)]
    pub device_provider_id: String,
    #[serde(default)]
    pub date_time: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureRequest {
    pub env: String,
    pub purpose: String,
    pub spec_version: String,
    /// Milliseconds.
    pub timeout: u64,
    pub capture_time: String,
    pub transaction_id: String,
    pub bio: Vec<BioRequest>,
    pub custom_opts: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BioRequest {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u8,
    pub bio_sub_type: Vec<String>,
    pub exception: Vec<String>,
    pub requested_score: u8,
    pub device_id: String,
    pub device_sub_id: String,
    pub previous_hash: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CaptureResponse {
    pub biometrics: Vec<CapturedEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapturedEntry {
    #[serde(default)]
    pub spec_version: String,
    #[serde(default)]
    pub data: String,
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub error: Option<WireError>,
}

/// The signed payload of one captured biometric.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureData {
    pub digital_id: String,
    pub bio_type: String,
    pub bio_sub_type: String,
    #[serde(default)]
    pub device_code: String,
    #[serde(default)]
    pub device_service_version: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub env: String,
    /// Base64url ISO/IEC 19794 record.
    pub bio_value: String,
    pub transaction_id: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default, deserialize_with = "score")]
    pub requested_score: Option<f64>,
    #[serde(default, deserialize_with = "score")]
    pub quality_score: Option<f64>,
}

fn score<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        Number(f64),
        Text(String),
    }
    match Option::<Score>::deserialize(d)? {
        None => Ok(None),
        Some(Score::Number(n)) => Ok(Some(n)),
        Some(Score::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Score::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("score {t:?} is not a number"))),
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamRequest {
    pub device_id: String,
    pub device_sub_id: String,
    pub timeout: u64,
}
