//! What every capture device offers the station, whatever its backend (simulated, USB, SBI,
//! camera): identity, status, live preview frames, capture, and errors that say what went wrong.

use std::time::Duration;

use crate::raster::Image;

/// How a device is reached. A simulated device says so wherever it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Simulated,
    Usb,
    Sbi,
    Camera,
    /// A recording of a real device played back (tests, training): never a person present.
    Replayed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub backend: Backend,
    pub make: String,
    pub model: String,
    pub serial: String,
    pub firmware: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Ready,
    Busy,
    NotReady,
    Disconnected,
}

/// Why a device operation failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DeviceError {
    #[error("the device was unplugged")]
    Disconnected,
    #[error("no capture within {0:?}")]
    Timeout(Duration),
    #[error("the device is not ready: {0}")]
    NotReady(String),
    #[error("the device answered something unexpected: {0}")]
    Protocol(String),
    #[error("this device cannot {0}")]
    Unsupported(&'static str),
    #[error("the device cannot be trusted: {detail}")]
    Untrusted { why: Distrust, detail: String },
    #[error("no such device is attached")]
    Absent,
}

/// Why a device is not trusted, for the station to say in each language (the detail says it
/// exactly, in English).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Distrust {
    /// The device itself reports it is not registered, tampered with, or its key expired.
    Device,
    /// A certificate of its path is expired or not yet valid.
    Expired,
    /// A certificate is signed with SHA-1 or MD5, or has an RSA key under 2048 bits.
    Weak,
    /// A certificate is used beyond its key usage or constraints, or carries a critical
    /// extension the station does not understand.
    Misused,
    /// Its certificates lead to none of the configured trust anchors.
    UnknownAnchor,
    /// A signature, or the certificate path, does not verify.
    BadSignature,
    /// It is registered for another SBI environment than the one the station captures for.
    WrongEnv,
    /// A capture is signed by another key, or names another device, than the one identified.
    NotTheDevice,
    /// The hash chain of a capture is broken.
    BrokenChain,
    /// No trust anchors are configured, so nothing it signs can be checked.
    NoAnchors,
}

impl Distrust {
    pub const ALL: [Distrust; 10] = [
        Distrust::Device,
        Distrust::Expired,
        Distrust::Weak,
        Distrust::Misused,
        Distrust::UnknownAnchor,
        Distrust::BadSignature,
        Distrust::WrongEnv,
        Distrust::NotTheDevice,
        Distrust::BrokenChain,
        Distrust::NoAnchors,
    ];

    /// A stable name (messages are keyed by it).
    pub fn as_str(self) -> &'static str {
        match self {
            Distrust::Device => "device",
            Distrust::Expired => "expired",
            Distrust::Weak => "weak",
            Distrust::Misused => "misused",
            Distrust::UnknownAnchor => "unknown-anchor",
            Distrust::BadSignature => "bad-signature",
            Distrust::WrongEnv => "wrong-env",
            Distrust::NotTheDevice => "not-the-device",
            Distrust::BrokenChain => "broken-chain",
            Distrust::NoAnchors => "no-anchors",
        }
    }
}

/// What a certified device signed about one capture (SBI): the ISO/IEC 19794 record exactly as
/// signed, the signed statement (a JWS whose payload carries the record), and the capture's link
/// in the hash chain of its transaction. Kept in the bundle as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub record: Vec<u8>,
    pub jws: String,
    pub previous_hash: String,
    pub hash: String,
}

/// Fingers, in ISO/IEC 19794-4 position order (1 right thumb ... 10 left little).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finger {
    RightThumb = 1,
    RightIndex,
    RightMiddle,
    RightRing,
    RightLittle,
    LeftThumb,
    LeftIndex,
    LeftMiddle,
    LeftRing,
    LeftLittle,
}

impl Finger {
    pub const ALL: [Finger; 10] = [
        Finger::RightThumb,
        Finger::RightIndex,
        Finger::RightMiddle,
        Finger::RightRing,
        Finger::RightLittle,
        Finger::LeftThumb,
        Finger::LeftIndex,
        Finger::LeftMiddle,
        Finger::LeftRing,
        Finger::LeftLittle,
    ];

    /// ISO/IEC 19794-4 finger position code.
    pub fn iso_code(self) -> u8 {
        self as u8
    }

    pub fn from_iso_code(code: u8) -> Option<Finger> {
        Self::ALL.get((code as usize).checked_sub(1)?).copied()
    }

    pub fn is_thumb(self) -> bool {
        matches!(self, Finger::RightThumb | Finger::LeftThumb)
    }
}

/// The three placements of a 4-4-2 slap capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slap {
    RightFour,
    LeftFour,
    Thumbs,
}

impl Slap {
    pub const ALL: [Slap; 3] = [Slap::RightFour, Slap::LeftFour, Slap::Thumbs];

    pub fn fingers(self) -> &'static [Finger] {
        match self {
            Slap::RightFour => {
                &[Finger::RightIndex, Finger::RightMiddle, Finger::RightRing, Finger::RightLittle]
            }
            Slap::LeftFour => {
                &[Finger::LeftIndex, Finger::LeftMiddle, Finger::LeftRing, Finger::LeftLittle]
            }
            Slap::Thumbs => &[Finger::RightThumb, Finger::LeftThumb],
        }
    }

    /// The fingers from the image's left to its right, as the hands lie on the platen seen
    /// from above: the right hand's index on the left, the left hand's little finger on the
    /// left, the left thumb left of the right.
    pub fn left_to_right(self) -> &'static [Finger] {
        match self {
            Slap::RightFour => {
                &[Finger::RightIndex, Finger::RightMiddle, Finger::RightRing, Finger::RightLittle]
            }
            Slap::LeftFour => {
                &[Finger::LeftLittle, Finger::LeftRing, Finger::LeftMiddle, Finger::LeftIndex]
            }
            Slap::Thumbs => &[Finger::LeftThumb, Finger::RightThumb],
        }
    }
}

/// One finger image as a scanner delivers it: 8-bit grey at `ppi`, with the device's own quality
/// score (NFIQ 2 for certified devices) when it gives one.
#[derive(Debug, Clone)]
pub struct FingerCapture {
    pub finger: Finger,
    pub image: Image,
    pub ppi: u16,
    pub device_quality: Option<u8>,
    /// The device's signed record, when it signs (SBI).
    pub signed: Option<Signed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Eye {
    Right,
    Left,
}

#[derive(Debug, Clone)]
pub struct IrisCapture {
    pub eye: Eye,
    /// Near-infrared 8-bit grey, cropped to K3 (iris centred with margins).
    pub image: Image,
    pub iris_diameter: Option<u16>,
    pub device_quality: Option<u8>,
    pub signed: Option<Signed>,
}

/// A live preview frame (8-bit grey or RGB).
#[derive(Debug, Clone)]
pub struct Frame {
    pub image: Image,
    pub sequence: u64,
}

/// A fingerprint scanner: single fingers, 4-4-2 slaps, or both.
pub trait FingerprintScanner: Send {
    fn info(&self) -> DeviceInfo;
    fn status(&self) -> DeviceStatus;
    fn preview(&mut self) -> Result<Frame, DeviceError>;
    /// One finger on a single-finger platen.
    fn capture_finger(
        &mut self,
        finger: Finger,
        timeout: Duration,
    ) -> Result<FingerCapture, DeviceError>;
    /// A slap, segmented into its fingers; `absent` fingers are known missing and not expected.
    fn capture_slap(
        &mut self,
        slap: Slap,
        absent: &[Finger],
        timeout: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError>;
    /// Starts a new capture transaction (one enrollment). Devices that chain their captures
    /// (SBI) start a new chain, so that two enrollments are never linked.
    fn new_transaction(&mut self) {}
}

/// An iris camera, one or both eyes per capture.
pub trait IrisCamera: Send {
    fn info(&self) -> DeviceInfo;
    fn status(&self) -> DeviceStatus;
    fn preview(&mut self) -> Result<Frame, DeviceError>;
    fn capture(&mut self, eyes: &[Eye], timeout: Duration)
    -> Result<Vec<IrisCapture>, DeviceError>;
    /// Starts a new capture transaction (one enrollment). Devices that chain their captures
    /// (SBI) start a new chain, so that two enrollments are never linked.
    fn new_transaction(&mut self) {}
}

/// A face or document camera.
pub trait Camera: Send {
    fn info(&self) -> DeviceInfo;
    fn status(&self) -> DeviceStatus;
    /// The latest live frame, without waiting for the sensor (a real camera keeps a capture
    /// thread; the UI calls this once per screen refresh).
    fn preview(&mut self) -> Result<Frame, DeviceError>;
    fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError>;
    /// A capture with what the device signed about it, if it signs (SBI face cameras).
    fn capture_signed(
        &mut self,
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        Ok((self.capture(timeout)?, None))
    }
    /// The photograph documenting exceptions (the fingers and eyes that could not be captured):
    /// an SBI face camera is told which, and signs the photo as an exception photo.
    fn capture_exception_photo(
        &mut self,
        _fingers: &[Finger],
        _eyes: &[Eye],
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        self.capture_signed(timeout)
    }
    /// Starts a new capture transaction (one enrollment). Devices that chain their captures
    /// (SBI) start a new chain, so that two enrollments are never linked.
    fn new_transaction(&mut self) {}
}
