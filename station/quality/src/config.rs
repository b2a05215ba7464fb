//! The thresholds of every quality check, part of the station's configuration. Each default
//! says where it comes from; docs/quality.md lists them with their sources and how the
//! calibrated ones were measured.

use serde::{Deserialize, Serialize};

/// All quality thresholds (`Config.quality`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QualityConfig {
    pub face: FaceThresholds,
    pub finger: FingerThresholds,
    pub iris: IrisThresholds,
    pub document: DocumentThresholds,
    /// Consecutive good preview frames before the face camera captures by itself (0: never; the
    /// clerk presses capture). Five frames are a sixth of a second at 30 fps: long enough that a
    /// blink or a passing movement is not captured.
    pub auto_capture_frames: u32,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            face: FaceThresholds::default(),
            finger: FingerThresholds::default(),
            iris: IrisThresholds::default(),
            document: DocumentThresholds::default(),
            auto_capture_frames: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaceThresholds {
    /// Distance between the eye centres, in pixels (ICAO 9303 part 3 and ISO/IEC 19794-5: at
    /// least 90 px for a full frontal image; MOSIP's face quality checks use the same figure).
    pub min_eye_distance_px: f64,
    /// Head roll from the eye line, in degrees (ICAO 9303 / ISO/IEC 19794-5 full frontal: 5).
    pub max_roll_deg: f64,
    /// How far the eye midpoint may be from the frame's vertical centre line, as a share of the
    /// frame width (ISO/IEC 19794-5 full frontal: the face centred; we allow 10 %).
    pub max_centre_offset: f64,
    /// Variance of the Laplacian on the face scaled to 256 px wide (calibrated: sharp faces of
    /// the test set measure 150-900, a 5 px blur under 60; see docs/quality.md).
    pub min_sharpness: f64,
    /// Share of burnt-out pixels on the face, in percent (ICAO 9303: no over-exposure; 1 %).
    pub max_clipped_percent: f64,
    /// Mean grey level of the face (ISO/IEC 29794-5 illumination; MOSIP's defaults are 70-215
    /// in the same scale).
    pub min_brightness: f64,
    pub max_brightness: f64,
    /// Share of burnt-out pixels around each eye, in percent: glare on glasses (ICAO 9303: no
    /// reflections on glasses).
    pub max_eye_glare_percent: f64,
    /// Standard deviation of the grey level of the background beside and above the head (ICAO
    /// 9303: a plain, uniform background; calibrated: a plain wall measures under 15).
    pub max_background_deviation: f64,
    /// BRISQUE on the ICAO crop, 0 best to 100 worst (OpenCV's live model; secondary, only at
    /// capture, not on preview frames).
    pub max_brisque: f64,
    /// The folder of OpenCV's trained models: the Haar cascades and BRISQUE's model, as Debian's
    /// opencv-data lays them out (`haarcascades/`, `quality/`). None: `HUKUMATI_OPENCV_DATA`
    /// if set, else Debian's `/usr/share/opencv4`.
    pub models: Option<std::path::PathBuf>,
}

impl Default for FaceThresholds {
    fn default() -> Self {
        FaceThresholds {
            min_eye_distance_px: 90.0,
            max_roll_deg: 5.0,
            max_centre_offset: 0.10,
            min_sharpness: 80.0,
            max_clipped_percent: 1.0,
            min_brightness: 70.0,
            max_brightness: 215.0,
            max_eye_glare_percent: 2.0,
            max_background_deviation: 30.0,
            max_brisque: 60.0,
            models: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FingerThresholds {
    /// Foreground (finger) pixels of one finger at 500 ppi (NFIQ 2's actionable feedback flags
    /// fewer than 50,000).
    pub min_foreground_px: f64,
    /// Mean local standard deviation of the grey level on the finger (NFIQ 2 flags a uniform
    /// image below 1; calibrated: a pressed finger measures over 20, a faint one under 12).
    pub min_contrast: f64,
    /// Mean orientation coherence of the ridges, 0-1 (calibrated on MOSIP's registration
    /// fingers: 0.55-0.8; smudged or blurred under 0.4).
    pub min_coherence: f64,
    /// Share of finger blocks whose ridge period lies in the 500 ppi band (5-15 px: 0.25-0.75 mm
    /// between ridges, the band of Hong, Wan and Jain's ridge-frequency estimate).
    pub min_ridge_band_share: f64,
    /// Normalised correlation above which two captured fingers are taken as the same finger.
    pub duplicate_correlation: f64,
}

impl Default for FingerThresholds {
    fn default() -> Self {
        FingerThresholds {
            min_foreground_px: 50_000.0,
            min_contrast: 12.0,
            min_coherence: 0.4,
            min_ridge_band_share: 0.6,
            duplicate_correlation: 0.6,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IrisThresholds {
    /// Iris diameter in pixels (ISO/IEC 19794-6 and MOSIP: 210 or more for registration).
    pub min_iris_diameter_px: f64,
    /// Pupil to iris radius ratio (ISO/IEC 29794-6: 0.20-0.70).
    pub min_pupil_ratio: f64,
    pub max_pupil_ratio: f64,
    /// Distance between pupil and iris centres over the iris radius (ISO/IEC 29794-6
    /// concentricity: 90 or more, i.e. at most 0.10 here).
    pub max_centre_offset: f64,
    /// Share of the iris not hidden by eyelids, lashes or reflections (ISO/IEC 29794-6: 70 %).
    pub min_usable_area: f64,
    /// Margins around the iris as a share of its radius (ISO/IEC 29794-6: 0.6 left and right,
    /// 0.2 above and below).
    pub min_margin_side: f64,
    pub min_margin_vertical: f64,
    /// Variance of the Laplacian on the iris (calibrated: MOSIP's irises measure over 60, a 3 px
    /// blur under 20).
    pub min_sharpness: f64,
}

impl Default for IrisThresholds {
    fn default() -> Self {
        IrisThresholds {
            min_iris_diameter_px: 210.0,
            min_pupil_ratio: 0.20,
            max_pupil_ratio: 0.70,
            max_centre_offset: 0.10,
            min_usable_area: 0.70,
            min_margin_side: 0.6,
            min_margin_vertical: 0.2,
            min_sharpness: 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentThresholds {
    /// Burnt-out share of the corrected document, in percent (glare on the laminate).
    pub max_glare_percent: f64,
    /// Variance of the Laplacian on the corrected document at 300 dpi (calibrated: a sharp
    /// photograph measures over 150, a 3 px blur under 60).
    pub min_sharpness: f64,
    /// The least template match (normalised correlation) a character of the MRZ may have before
    /// the zone is called unreadable (calibrated: zones on the test photographs match 0.6 or
    /// more at their weakest character; a card's front-page print, once bent by look-alike swaps
    /// to satisfy every check digit, was turned away by this floor and the calendar-date check).
    pub min_character_match: f64,
    /// The least match of the zone's weakest character for the document check to pass. A zone
    /// read between `min_character_match` and this is still offered to the form, its
    /// characters the check digits cannot vouch for marked as doubts, but the photograph is not
    /// reported as passed (`ocr::CERTAIN_MATCH`, the calibrated level of a clear reading).
    pub certain_character_match: f64,
}

impl Default for DocumentThresholds {
    fn default() -> Self {
        DocumentThresholds {
            max_glare_percent: 2.0,
            min_sharpness: 40.0,
            min_character_match: 0.45,
            certain_character_match: f64::from(crate::ocr::CERTAIN_MATCH),
        }
    }
}
