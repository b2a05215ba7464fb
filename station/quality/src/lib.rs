//! Capture quality: what the station measures of a face, a fingerprint, an iris or an identity
//! document before the person leaves the counter, and the one thing to fix first.
//!
//! Every modality gives an [`Assessment`]: a 0-100 score from a named, versioned algorithm, and
//! the list of [`Check`]s it is made of (the value measured, the limit it was held to, whether it
//! passed, and the [`Instruction`] a failure maps to). The checks are listed in the order a person
//! should fix them, so the first failed one is what the kiosk shows. Thresholds come from
//! [`QualityConfig`], part of the station's configuration, each with its documented source.
//!
//! The image work uses OpenCV (Debian's 4.6: imgproc, objdetect and the contrib quality module
//! for BRISQUE); the cascades come from Debian's opencv-data. Nothing here touches the disk
//! except to load those models, and nothing knows of the UI.

#![forbid(unsafe_code)]

mod config;
pub mod cv;
pub mod document;
pub mod face;
pub mod finger;
pub mod iris;
mod live;
pub mod matching;
pub mod ocr;

pub use config::{
    DocumentThresholds, FaceThresholds, FingerThresholds, IrisThresholds, QualityConfig,
};
pub use live::{
    BRIGHT_ABOVE, Box2, DARK_BELOW, Judge, JudgeStopped, Judged, MOVING_ABOVE, Verdict, icao_guide,
    judge, judge_face,
};

use serde::Serialize;

/// One instruction for the person in front of the device (or the clerk holding a document);
/// each has a text in the translation files (`instr-` + [`Instruction::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Instruction {
    TooDark,
    TooBright,
    HoldStill,
    Ready,
    // Face.
    NoFace,
    OneFaceOnly,
    LookAtCamera,
    MoveCloser,
    MoveBack,
    MoveToCentre,
    HeadStraight,
    OutOfFocus,
    RemoveGlare,
    PlainBackground,
    // Fingers.
    PlaceFinger,
    PressFirmly,
    CleanFinger,
    WrongHand,
    SameFinger,
    // Irises.
    OpenEyes,
    LookAtIrisCamera,
    IrisCloser,
    IrisFurther,
    // Documents.
    ShowDocument,
    DocumentGlare,
    HoldDocumentStill,
    MrzUnreadable,
}

impl Instruction {
    pub fn key(self) -> &'static str {
        use Instruction::*;
        match self {
            TooDark => "too-dark",
            TooBright => "too-bright",
            HoldStill => "hold-still",
            Ready => "ready",
            NoFace => "no-face",
            OneFaceOnly => "one-face-only",
            LookAtCamera => "look-at-camera",
            MoveCloser => "move-closer",
            MoveBack => "move-back",
            MoveToCentre => "move-to-centre",
            HeadStraight => "head-straight",
            OutOfFocus => "out-of-focus",
            RemoveGlare => "remove-glare",
            PlainBackground => "plain-background",
            PlaceFinger => "place-finger",
            PressFirmly => "press-firmly",
            CleanFinger => "clean-finger",
            WrongHand => "wrong-hand",
            SameFinger => "same-finger",
            OpenEyes => "open-eyes",
            LookAtIrisCamera => "look-at-iris-camera",
            IrisCloser => "iris-closer",
            IrisFurther => "iris-further",
            ShowDocument => "show-document",
            DocumentGlare => "document-glare",
            HoldDocumentStill => "hold-document-still",
            MrzUnreadable => "mrz-unreadable",
        }
    }

    /// Every instruction (the translation test checks each has a text).
    pub const ALL: [Instruction; 27] = {
        use Instruction::*;
        [
            TooDark,
            TooBright,
            HoldStill,
            Ready,
            NoFace,
            OneFaceOnly,
            LookAtCamera,
            MoveCloser,
            MoveBack,
            MoveToCentre,
            HeadStraight,
            OutOfFocus,
            RemoveGlare,
            PlainBackground,
            PlaceFinger,
            PressFirmly,
            CleanFinger,
            WrongHand,
            SameFinger,
            OpenEyes,
            LookAtIrisCamera,
            IrisCloser,
            IrisFurther,
            ShowDocument,
            DocumentGlare,
            HoldDocumentStill,
            MrzUnreadable,
        ]
    };
}

/// One measured property and the limit it was held to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    pub passed: bool,
    /// What to tell the person when it fails.
    pub instruction: Instruction,
}

/// Checks in the order they should be fixed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checks(pub Vec<Check>);

impl Checks {
    pub fn range(
        &mut self,
        name: &'static str,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
        instruction: Instruction,
    ) -> bool {
        let passed =
            value.is_finite() && min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m);
        self.0.push(Check { name, value, min, max, passed, instruction });
        passed
    }
    pub fn min(
        &mut self,
        name: &'static str,
        value: f64,
        min: f64,
        instruction: Instruction,
    ) -> bool {
        self.range(name, value, Some(min), None, instruction)
    }
    pub fn max(
        &mut self,
        name: &'static str,
        value: f64,
        max: f64,
        instruction: Instruction,
    ) -> bool {
        self.range(name, value, None, Some(max), instruction)
    }
    /// The first failed check's instruction, or [`Instruction::Ready`].
    pub fn instruction(&self) -> Instruction {
        self.0.iter().find(|c| !c.passed).map_or(Instruction::Ready, |c| c.instruction)
    }
    pub fn passed(&self) -> bool {
        self.0.iter().all(|c| c.passed)
    }
    pub fn get(&self, name: &str) -> Option<&Check> {
        self.0.iter().find(|c| c.name == name)
    }
}

/// A modality's verdict on one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The algorithm and its version, as recorded with the score in the bundle.
    pub algorithm: &'static str,
    pub score: u8,
    pub passed: bool,
    pub instruction: Instruction,
    pub checks: Checks,
}

impl Assessment {
    pub fn new(algorithm: &'static str, score: u8, checks: Checks) -> Self {
        Assessment {
            algorithm,
            score,
            passed: checks.passed(),
            instruction: checks.instruction(),
            checks,
        }
    }
}

/// CBEFF algorithm ids of our own scores (vendor 0xFFFF).
pub const FACE_ALGORITHM_ID: u16 = 0x0010;
pub const FINGER_ALGORITHM_ID: u16 = 0x0013;
pub const IRIS_ALGORITHM_ID: u16 = 0x0012;

/// Why an image could not be judged at all (as opposed to judged poor).
#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    #[error("OpenCV: {0}")]
    OpenCv(#[from] opencv::Error),
    #[error("the model file {path} is missing or unreadable (install Debian's opencv-data)")]
    Model { path: String },
    #[error("the image is {0}: not an 8-bit grey or RGB image of that size")]
    BadImage(String),
}

impl station_text::messages::Explain for QualityError {
    fn explain(&self) -> station_text::messages::Message {
        match self {
            QualityError::Model { path } => {
                station_text::messages::Message::new("quality-model-missing").with("path", path)
            }
            other => station_text::messages::Message::new("quality-failed").detail(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use station_text::messages::Explain;

    #[test]
    fn a_missing_model_is_named_in_both_languages() {
        let m = QualityError::Model {
            path: "/usr/share/opencv4/haarcascades/haarcascade_eye.xml".into(),
        }
        .explain()
        .both();
        for text in [&m.ar, &m.en] {
            assert!(text.contains("haarcascade_eye.xml") && text.contains("opencv-data"), "{text}");
        }
    }

    #[test]
    fn every_instruction_has_a_text_in_both_languages() {
        for i in Instruction::ALL {
            let (ar, en) = station_text::i18n::both(&format!("instr-{}", i.key()), &[]);
            assert!(!ar.starts_with('[') && !en.starts_with('['), "{i:?}: {ar} / {en}");
        }
    }
}
