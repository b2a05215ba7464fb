//! The enrollment workflow: its stages in order, and what each completed step records.
//!
//! consent → demographics → identity documents → face → fingerprints (right four, left four,
//! thumbs) → irises → review with the applicant → operator signs → awaiting the supervisor →
//! sealed (approved or rejected, both sealed into the outbox so the registry sees every decision).
//! Children under five skip fingerprints and irises.
//!
//! Each completed step is saved as one encrypted draft in one transaction, so a power cut loses at
//! most the step being captured.

use schemas::manifest::{
    Applicant, BiometricException, DeviceRef, DocumentKind, Position, QualityScore,
};
use serde::{Deserialize, Serialize};

/// Where an enrollment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Consent,
    Demographics,
    Documents,
    Face,
    RightFour,
    LeftFour,
    Thumbs,
    Irises,
    Review,
    Sign,
    AwaitingApproval,
    Approved,
    Rejected,
}

impl Stage {
    pub const ALL: [Stage; 13] = [
        Stage::Consent,
        Stage::Demographics,
        Stage::Documents,
        Stage::Face,
        Stage::RightFour,
        Stage::LeftFour,
        Stage::Thumbs,
        Stage::Irises,
        Stage::Review,
        Stage::Sign,
        Stage::AwaitingApproval,
        Stage::Approved,
        Stage::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Consent => "consent",
            Stage::Demographics => "demographics",
            Stage::Documents => "documents",
            Stage::Face => "face",
            Stage::RightFour => "right_four",
            Stage::LeftFour => "left_four",
            Stage::Thumbs => "thumbs",
            Stage::Irises => "irises",
            Stage::Review => "review",
            Stage::Sign => "sign",
            Stage::AwaitingApproval => "awaiting_approval",
            Stage::Approved => "approved",
            Stage::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stage's name as a message of the translation files (`stage-consent`, ...).
    pub fn message(self) -> station_text::messages::Message {
        station_text::messages::Message::new(format!("stage-{}", self.as_str()))
    }

    /// The stage after this one completes; `face_only` for children under five.
    pub fn next(self, face_only: bool) -> Option<Stage> {
        Some(match self {
            Stage::Consent => Stage::Demographics,
            Stage::Demographics => Stage::Documents,
            Stage::Documents => Stage::Face,
            Stage::Face if face_only => Stage::Review,
            Stage::Face => Stage::RightFour,
            Stage::RightFour => Stage::LeftFour,
            Stage::LeftFour => Stage::Thumbs,
            Stage::Thumbs => Stage::Irises,
            Stage::Irises => Stage::Review,
            Stage::Review => Stage::Sign,
            Stage::Sign => Stage::AwaitingApproval,
            Stage::AwaitingApproval | Stage::Approved | Stage::Rejected => return None,
        })
    }

    /// The steps an enrollment goes through at the counter, consent to signature: all ten for an
    /// adult, six for a child under five (`face_only`: no fingers, no irises).
    pub fn plan(face_only: bool) -> Vec<Stage> {
        let mut steps = vec![Stage::Consent];
        while let Some(next) = steps.last().and_then(|s| s.next(face_only)) {
            if next == Stage::AwaitingApproval {
                break;
            }
            steps.push(next);
        }
        steps
    }

    /// Stages that capture with a device (documents, face, fingers, irises).
    pub fn uses_devices(self) -> bool {
        matches!(
            self,
            Stage::Documents
                | Stage::Face
                | Stage::RightFour
                | Stage::LeftFour
                | Stage::Thumbs
                | Stage::Irises
        )
    }

    /// Stages whose data is captured from the applicant and kept as a draft.
    pub(crate) fn is_capture_step(self) -> bool {
        !matches!(self, Stage::Sign | Stage::AwaitingApproval | Stage::Approved | Stage::Rejected)
    }
}

/// The consent step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentData {
    pub notice_version: String,
    pub language: String,
    pub accepted: bool,
    pub at: i64,
}

/// The demographics step, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemographicsData {
    pub applicant: Applicant,
    pub age: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentData {
    pub kind: DocumentKind,
    pub number: String,
    pub issuing_state: String,
    pub expiry: Option<String>,
    pub mrz: Option<Vec<String>>,
    /// JPEG photographs of its pages.
    #[serde(with = "vec_of_bytes")]
    pub pages: Vec<Vec<u8>>,
    /// The camera that photographed them.
    #[serde(default)]
    pub device: Option<DeviceRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentsData {
    pub documents: Vec<DocumentData>,
}

/// One biometric position as captured (or excepted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedSample {
    pub position: Position,
    pub quality: Option<QualityScore>,
    /// The station's own score beside the device's, when the device scored it.
    #[serde(default)]
    pub station_quality: Option<QualityScore>,
    pub device: Option<DeviceRef>,
    pub retries: u8,
    pub forced: bool,
    pub exception: Option<BiometricException>,
    /// The ISO/IEC 19794 2011 record, if anything was captured.
    #[serde(with = "serde_bytes")]
    pub record: Option<Vec<u8>>,
    pub captured_at: i64,
}

/// A capture step (face, a slap, the irises): its samples, and the exception photo if this step
/// was the first to need one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureData {
    pub samples: Vec<CapturedSample>,
    pub exception_photo: Option<CapturedSample>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReviewData {
    pub confirmed: bool,
    pub language: String,
    pub at: i64,
}

/// What the operator signed, waiting for the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SignedData {
    #[serde(with = "serde_bytes")]
    pub cose: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub manifest_sha256: Vec<u8>,
    pub sequence: u64,
    pub operator: String,
    pub payload_kinds: Vec<schemas::manifest::PayloadKind>,
    #[serde(with = "vec_of_bytes")]
    pub payloads: Vec<Vec<u8>>,
    /// Counts for the supervisor's queue, ordered by risk.
    pub exceptions: u32,
    pub forced: u32,
    pub lowest_quality: Option<u8>,
}

mod vec_of_bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_bytes::ByteBuf;

    pub fn serialize<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|b| serde_bytes::Bytes::new(b)).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Ok(Vec::<ByteBuf>::deserialize(d)?.into_iter().map(ByteBuf::into_vec).collect())
    }
}

/// A position's name as the manifest and the translation ids spell it (`right_thumb`, ...).
pub fn position_name(p: schemas::manifest::Position) -> String {
    serde_json::to_value(p).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A position's name as a message of the translation files (`pos-right_thumb`, ...).
pub(crate) fn position_message(p: schemas::manifest::Position) -> station_text::messages::Message {
    station_text::messages::Message::new(format!("pos-{}", position_name(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adults_go_through_every_stage_children_skip_fingers_and_irises() {
        let mut s = Stage::Consent;
        let mut path = vec![s];
        while let Some(n) = s.next(false) {
            path.push(n);
            s = n;
        }
        assert_eq!(path.len(), 11);
        assert_eq!(path.last(), Some(&Stage::AwaitingApproval));
        assert_eq!(Stage::Face.next(true), Some(Stage::Review));
        assert_eq!(Stage::Face.next(false), Some(Stage::RightFour));
        assert_eq!(Stage::Approved.next(false), None);
        for st in Stage::ALL {
            assert_eq!(Stage::parse(st.as_str()), Some(st));
            let name = st.message().both();
            assert!(!name.ar.starts_with('[') && !name.en.starts_with('['), "{name:?}");
        }
    }

    #[test]
    fn the_counter_plan_has_ten_steps_for_an_adult_and_six_for_a_small_child() {
        let adult = Stage::plan(false);
        assert_eq!(adult.len(), 10);
        assert_eq!((adult[0], adult[9]), (Stage::Consent, Stage::Sign));
        let child = Stage::plan(true);
        assert_eq!(
            child,
            [
                Stage::Consent,
                Stage::Demographics,
                Stage::Documents,
                Stage::Face,
                Stage::Review,
                Stage::Sign
            ]
        );
    }
}
