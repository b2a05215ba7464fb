//! The enrollment manifest: everything about one enrollment except the payload bytes.
//!
//! Encoded in deterministic CBOR (see [`crate::cbor`]) with text keys, signed as a COSE_Sign by the
//! station and the operator (see [`crate::bundle`]). Times are milliseconds since the Unix epoch,
//! UTC. The CDDL is in `schemas/bundle.cddl`; `docs/bundle-format.md` explains each field.
//!
//! This module checks structure (required parts present, references in range, positions
//! consistent); the content rules of a form (ID check digits, ages) belong to the station core.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteArray;

/// The manifest schema this code writes and reads.
pub const SCHEMA_VERSION: u32 = 2;

/// A SHA-256 digest or an Ed25519 public key: 32 bytes, a CBOR byte string.
pub type Bytes32 = ByteArray<32>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema: u32,
    /// UUIDv7, canonical text form.
    pub bundle_id: String,
    pub station: StationRef,
    pub operator_id: String,
    /// Keys that sign the manifest; exactly one station and one operator.
    pub signers: Vec<SignerRef>,
    pub times: Times,
    pub applicant: Applicant,
    pub documents: Vec<IdentityDocument>,
    pub consent: Consent,
    pub samples: Vec<Sample>,
    /// One entry per payload item, in the order the items follow the manifest.
    pub payloads: Vec<PayloadRef>,
    pub audit: AuditHead,
    /// The version of the registry's master data the station held when the operator signed (0
    /// before the first). The registry judges revocations by it, not by the station's clock: an
    /// operator revoked in a version the station already had cannot sign.
    pub master_version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationRef {
    pub id: String,
    /// Per-station monotonic sequence number of this bundle (starts at 1, no gaps).
    pub sequence: u64,
    pub centre: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    Station,
    Operator,
    Supervisor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerRef {
    pub role: SignerRole,
    /// Station id or operator id; also the COSE `kid` of the signature.
    pub id: String,
    pub ed25519: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Times {
    pub capture_started_at: i64,
    pub capture_ended_at: i64,
    /// When the operator signed (station clock).
    pub signed_at: i64,
    /// Last time the registry vouched for the station's clock (a signed registry answer), if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_vouched_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    pub first: String,
    pub father: String,
    pub grandfather: String,
    pub family: String,
}

impl PersonName {
    /// The four parts in order, separated by single spaces, empty parts left out.
    pub fn full(&self) -> String {
        [&self.first, &self.father, &self.grandfather, &self.family]
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// ISO 3166-1 alpha-2; "PS" for Palestine.
    pub country: String,
    /// Governorate (Palestine only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governorate: Option<String>,
    /// Locality in Palestine, or city abroad.
    pub locality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
}

/// For children enrolled face only: who vouches for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guardian {
    pub relation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name_ar: PersonName,
    pub name_latin: PersonName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    /// ISO 8601 calendar date, YYYY-MM-DD.
    pub date_of_birth: String,
    pub sex: Sex,
    /// E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<Guardian>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    NationalIdCard,
    Passport,
    BirthCertificate,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityDocument {
    pub kind: DocumentKind,
    pub number: String,
    /// ISO 3166-1 alpha-3 as in ICAO 9303 ("PSE").
    pub issuing_state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// The MRZ lines as read, if the document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrz: Option<Vec<String>>,
    /// Payload indices of the document's images (pages, front and back).
    pub images: Vec<u32>,
    /// The camera that photographed the pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub notice_version: String,
    /// BCP 47 tag of the language the notice was shown in ("ar", "en").
    pub language: String,
    pub accepted: bool,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Finger,
    Iris,
    Face,
    ExceptionPhoto,
}

/// Where a sample comes from. Fingers carry their ISO/IEC 19794-4 position code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    RightThumb,
    RightIndex,
    RightMiddle,
    RightRing,
    RightLittle,
    LeftThumb,
    LeftIndex,
    LeftMiddle,
    LeftRing,
    LeftLittle,
    RightIris,
    LeftIris,
    Face,
    ExceptionPhoto,
}

impl Position {
    pub const FINGERS: [Position; 10] = [
        Position::RightThumb,
        Position::RightIndex,
        Position::RightMiddle,
        Position::RightRing,
        Position::RightLittle,
        Position::LeftThumb,
        Position::LeftIndex,
        Position::LeftMiddle,
        Position::LeftRing,
        Position::LeftLittle,
    ];

    pub fn modality(self) -> Modality {
        match self {
            Position::RightIris | Position::LeftIris => Modality::Iris,
            Position::Face => Modality::Face,
            Position::ExceptionPhoto => Modality::ExceptionPhoto,
            _ => Modality::Finger,
        }
    }

    /// ISO/IEC 19794-4 finger position (1-10), for fingers.
    pub fn iso_finger_code(self) -> Option<u8> {
        Self::FINGERS.iter().position(|p| *p == self).map(|i| i as u8 + 1)
    }

    pub fn from_iso_finger_code(code: u8) -> Option<Position> {
        Self::FINGERS.get((code as usize).checked_sub(1)?).copied()
    }
}

/// A quality score and the algorithm that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityScore {
    /// 0-100.
    pub score: u8,
    /// Algorithm name and version, e.g. "nfiq2.3" or "hukumati-finger/2".
    pub algorithm: String,
    /// CBEFF/IBIA vendor and algorithm ids as written into the ISO quality block.
    pub vendor_id: u16,
    pub algorithm_id: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A simulator (demo, training, tests): never a real person.
    Simulated,
    /// A native driver over USB, with the device's serial.
    Usb,
    /// A certified device behind an SBI service; `signed_payload` holds its signed identity.
    Sbi,
    /// A UVC camera.
    Camera,
    /// A recording of a real device played back (tests): never a real person at the counter.
    Replayed,
}

impl DeviceKind {
    /// Whether a capture by this kind of device can show a person present at the counter.
    pub fn is_live(self) -> bool {
        !matches!(self, DeviceKind::Simulated | DeviceKind::Replayed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRef {
    pub kind: DeviceKind,
    pub make: String,
    pub model: String,
    pub serial: String,
    /// The device's own signed statement (SBI `data` JWS), kept as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_payload: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    Missing,
    Amputated,
    Bandaged,
    Unusable,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BiometricException {
    pub kind: ExceptionKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub modality: Modality,
    pub position: Position,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<QualityScore>,
    /// The station's own score of a sample its device scored (NFIQ 2 from an SBI scanner,
    /// say): `quality` decides; this is a second opinion the registry can weigh it against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_quality: Option<QualityScore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceRef>,
    /// Captures attempted beyond the first.
    pub retries: u8,
    /// Accepted below the quality threshold after the retries ran out.
    pub forced: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<BiometricException>,
    /// Index of the payload holding this sample's ISO record (none for an exception without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<u32>,
    pub captured_at: i64,
}

/// What a payload item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayloadKind {
    #[serde(rename = "iso19794-4:2011")]
    FingerRecord,
    #[serde(rename = "iso19794-5:2011")]
    FaceRecord,
    #[serde(rename = "iso19794-6:2011")]
    IrisRecord,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

impl PayloadKind {
    /// The record kind a sample of this modality must use.
    pub fn for_modality(m: Modality) -> PayloadKind {
        match m {
            Modality::Finger => PayloadKind::FingerRecord,
            Modality::Iris => PayloadKind::IrisRecord,
            Modality::Face | Modality::ExceptionPhoto => PayloadKind::FaceRecord,
        }
    }
    pub fn is_iso_record(self) -> bool {
        matches!(
            self,
            PayloadKind::FingerRecord | PayloadKind::FaceRecord | PayloadKind::IrisRecord
        )
    }
    pub fn name(self) -> &'static str {
        match self {
            PayloadKind::FingerRecord => "iso19794-4:2011",
            PayloadKind::FaceRecord => "iso19794-5:2011",
            PayloadKind::IrisRecord => "iso19794-6:2011",
            PayloadKind::Jpeg => "image/jpeg",
            PayloadKind::Png => "image/png",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadRef {
    pub kind: PayloadKind,
    pub length: u64,
    pub sha256: Bytes32,
}

/// The station's audit hash chain at the moment of signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    pub sequence: u64,
    pub head: Bytes32,
}

/// A structural problem in a manifest, naming the field.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("manifest field '{field}': {problem}")]
pub struct ManifestError {
    pub field: String,
    pub problem: String,
}

fn bad(field: impl Into<String>, problem: impl Into<String>) -> ManifestError {
    ManifestError { field: field.into(), problem: problem.into() }
}

/// Largest payload the format admits (one image record): 64 MiB.
pub const MAX_PAYLOAD: u64 = 64 << 20;

impl Manifest {
    /// Structural checks a reader can make without the payloads.
    pub fn validate(&self) -> Result<(), ManifestError> {
        let id =
            uuid::Uuid::parse_str(&self.bundle_id).map_err(|e| bad("bundle_id", e.to_string()))?;
        if id.get_version_num() != 7 || id.hyphenated().to_string() != self.bundle_id {
            return Err(bad("bundle_id", "must be a UUIDv7 in lower-case hyphenated form"));
        }
        for (field, v) in [
            ("station.id", &self.station.id),
            ("station.centre", &self.station.centre),
            ("operator_id", &self.operator_id),
        ] {
            if v.trim().is_empty() {
                return Err(bad(field, "is empty"));
            }
        }
        if self.station.sequence == 0 {
            return Err(bad("station.sequence", "starts at 1"));
        }
        for role in [SignerRole::Station, SignerRole::Operator] {
            let n = self.signers.iter().filter(|s| s.role == role).count();
            if n != 1 {
                return Err(bad(
                    "signers",
                    format!("needs exactly one {role:?} signer, found {n}"),
                ));
            }
        }
        if self.signers.len() != 2 {
            return Err(bad("signers", "only the station and the operator sign the manifest"));
        }
        let station = self.signer(SignerRole::Station).expect("checked above");
        let operator = self.signer(SignerRole::Operator).expect("checked above");
        if station.id != self.station.id {
            return Err(bad("signers", "the station signer's id differs from station.id"));
        }
        if operator.id != self.operator_id {
            return Err(bad("signers", "the operator signer's id differs from operator_id"));
        }
        if station.ed25519 == operator.ed25519 {
            return Err(bad("signers", "station and operator use the same key"));
        }
        if self.times.capture_ended_at < self.times.capture_started_at
            || self.times.signed_at < self.times.capture_started_at
        {
            return Err(bad("times", "out of order"));
        }
        if !self.consent.accepted {
            return Err(bad("consent.accepted", "an enrollment needs the applicant's consent"));
        }
        time::Date::parse(
            &self.applicant.date_of_birth,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|e| bad("applicant.date_of_birth", e.to_string()))?;

        let n = self.payloads.len();
        let mut used = vec![false; n];
        let mut claim = |field: String,
                         idx: u32,
                         want: &dyn Fn(PayloadKind) -> bool|
         -> Result<(), ManifestError> {
            let i = idx as usize;
            if i >= n {
                return Err(bad(field, format!("refers to payload {idx}, but there are {n}")));
            }
            if used[i] {
                return Err(bad(field, format!("payload {idx} is already used by another entry")));
            }
            if !want(self.payloads[i].kind) {
                return Err(bad(
                    field,
                    format!(
                        "payload {idx} is {}, not what this entry needs",
                        self.payloads[i].kind.name()
                    ),
                ));
            }
            used[i] = true;
            Ok(())
        };
        let mut seen = std::collections::HashSet::new();
        for (i, s) in self.samples.iter().enumerate() {
            if s.position.modality() != s.modality {
                return Err(bad(
                    format!("samples[{i}].position"),
                    format!("{:?} is not a {:?} position", s.position, s.modality),
                ));
            }
            if !seen.insert(s.position) {
                return Err(bad(
                    format!("samples[{i}].position"),
                    format!("{:?} appears twice", s.position),
                ));
            }
            for (name, q) in [("quality", &s.quality), ("station_quality", &s.station_quality)] {
                if let Some(q) = q
                    && q.score > 100
                {
                    return Err(bad(format!("samples[{i}].{name}.score"), "above 100"));
                }
            }
            if s.station_quality.is_some() && s.quality.is_none() {
                return Err(bad(
                    format!("samples[{i}].station_quality"),
                    "a second opinion without the score it is beside",
                ));
            }
            match (s.payload, &s.exception) {
                (None, None) => {
                    return Err(bad(format!("samples[{i}]"), "neither a payload nor an exception"));
                }
                (Some(p), _) => {
                    let want = PayloadKind::for_modality(s.modality);
                    claim(format!("samples[{i}].payload"), p, &|k| k == want)?;
                }
                (None, Some(_)) => {}
            }
            if let Some(e) = &s.exception
                && e.reason.trim().is_empty()
            {
                return Err(bad(format!("samples[{i}].exception.reason"), "is empty"));
            }
        }
        for (d, doc) in self.documents.iter().enumerate() {
            for idx in &doc.images {
                claim(format!("documents[{d}].images"), *idx, &|k| {
                    matches!(k, PayloadKind::Jpeg | PayloadKind::Png)
                })?;
            }
        }
        if let Some(i) = used.iter().position(|u| !u) {
            return Err(bad(
                format!("payloads[{i}]"),
                "is not referred to by any sample or document",
            ));
        }
        for (i, p) in self.payloads.iter().enumerate() {
            if p.length == 0 || p.length > MAX_PAYLOAD {
                return Err(bad(
                    format!("payloads[{i}].length"),
                    format!("{} is outside 1..={MAX_PAYLOAD}", p.length),
                ));
            }
        }
        Ok(())
    }

    pub fn signer(&self, role: SignerRole) -> Option<&SignerRef> {
        self.signers.iter().find(|s| s.role == role)
    }
}
