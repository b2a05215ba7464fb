//! Capturing with retries: drives the devices for one workflow step and turns what they deliver
//! into ISO/IEC 19794 records with their quality, retries, and exceptions.
//!
//! Per position: capture, score, and retry up to the configured number of retries while below the
//! threshold, keeping the best. Then, if still below, the clerk decides: accept the best (marked
//! as forced) or record an exception with a reason and an exception photo. Positions known to be
//! missing (amputated) are declared up front and not captured.

use std::collections::HashMap;
use std::time::Duration;

use drivers::device::{
    Camera, DeviceError, DeviceInfo, Eye, Finger, FingerCapture, FingerprintScanner, IrisCamera,
    IrisCapture, Signed, Slap,
};
use drivers::raster::Image;
use schemas::iso19794::{
    CaptureDevice, CaptureTime, Quality, face::FaceImage, finger::FingerView, iris::IrisImage,
};
use schemas::jp2k::Pixels;
use schemas::manifest::{BiometricException, DeviceKind, DeviceRef, Position, QualityScore};

use crate::workflow::CapturedSample;
use station_quality::{self as quality, QualityConfig, QualityError};
use station_text::messages::{Explain, Message};

/// The devices of one station.
pub struct Devices {
    pub fingerprint: Box<dyn FingerprintScanner>,
    pub iris: Box<dyn IrisCamera>,
    pub face: Box<dyn Camera>,
    pub document: Box<dyn Camera>,
}

/// Quality thresholds and retries (MOSIP's registration defaults: slaps and thumbs 40, iris 60,
/// 3 retries), and the thresholds of the station's own quality checks.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct CapturePolicy {
    pub finger_threshold: u8,
    pub thumb_threshold: u8,
    pub iris_threshold: u8,
    pub face_threshold: u8,
    pub max_retries: u8,
    pub timeout_ms: u64,
    #[serde(default)]
    pub quality: QualityConfig,
}

impl Default for CapturePolicy {
    fn default() -> Self {
        CapturePolicy {
            finger_threshold: 40,
            thumb_threshold: 40,
            iris_threshold: 60,
            face_threshold: 30,
            max_retries: 3,
            timeout_ms: 10_000,
            quality: QualityConfig::default(),
        }
    }
}

impl CapturePolicy {
    /// The quality a sample of `position` needs (the exception photo has no threshold: 0).
    pub fn threshold(&self, position: Position) -> u8 {
        match position {
            Position::RightThumb | Position::LeftThumb => self.thumb_threshold,
            Position::RightIris | Position::LeftIris => self.iris_threshold,
            Position::Face => self.face_threshold,
            Position::ExceptionPhoto => 0,
            _ => self.finger_threshold,
        }
    }
}

/// What the clerk decides for a position still below the threshold after the last retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterRetries {
    AcceptBest,
    Exception(BiometricException),
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{0}")]
    Device(#[from] DeviceError),
    #[error("{position:?} was not captured and no exception was recorded for it")]
    Undecided { position: Position },
    #[error("building the record: {0}")]
    Record(#[from] schemas::iso19794::IsoError),
    #[error("encoding a document image: {0}")]
    Image(#[from] image::ImageError),
    #[error("judging quality: {0}")]
    Quality(#[from] QualityError),
    #[error("{first:?} and {second:?} look like one finger placed twice (correlation {score:.2})")]
    SameFinger { first: Position, second: Position, score: f64 },
}

impl Explain for CaptureError {
    fn explain(&self) -> Message {
        match self {
            CaptureError::Device(e) => crate::explain::device(e),
            CaptureError::Undecided { position } => Message::new("capture-undecided")
                .nested("position", crate::workflow::position_message(*position)),
            CaptureError::Record(e) => Message::new("capture-record").detail(e),
            CaptureError::Image(e) => Message::new("capture-image").detail(e),
            CaptureError::Quality(e) => e.explain(),
            CaptureError::SameFinger { first, second, .. } => Message::new("capture-same-finger")
                .nested("first", crate::workflow::position_message(*first))
                .nested("second", crate::workflow::position_message(*second)),
        }
    }
}

pub(crate) fn finger_position(f: Finger) -> Position {
    Position::from_iso_finger_code(f.iso_code()).expect("fingers 1-10")
}

pub(crate) fn eye_position(e: Eye) -> Position {
    match e {
        Eye::Right => Position::RightIris,
        Eye::Left => Position::LeftIris,
    }
}

fn pixels(img: &Image) -> Pixels {
    Pixels { width: img.width, height: img.height, channels: img.channels, data: img.data.clone() }
}

/// The device as recorded with a sample; `signed` is what a certified device signed about it.
pub(crate) fn device_ref(info: &DeviceInfo, signed: Option<&Signed>) -> DeviceRef {
    DeviceRef {
        kind: match info.backend {
            drivers::device::Backend::Simulated => DeviceKind::Simulated,
            drivers::device::Backend::Usb => DeviceKind::Usb,
            drivers::device::Backend::Sbi => DeviceKind::Sbi,
            drivers::device::Backend::Camera => DeviceKind::Camera,
            drivers::device::Backend::Replayed => DeviceKind::Replayed,
        },
        make: info.make.clone(),
        model: info.model.clone(),
        serial: info.serial.clone(),
        signed_payload: signed.map(|s| s.jws.clone()),
    }
}

/// The device's own score, recorded as such (vendor 0xFFFF: not an IBIA-registered algorithm).
fn device_quality(score: u8) -> (QualityScore, Vec<Quality>) {
    (
        QualityScore {
            score,
            algorithm: "device-reported".into(),
            vendor_id: 0xffff,
            algorithm_id: 0x0001,
        },
        vec![Quality { score, algorithm_vendor: 0xffff, algorithm_id: 0x0001 }],
    )
}

/// The quality a signed record states for itself (its first quality block): a signed record
/// cannot change, so the manifest repeats what it says, naming where the score came from.
fn signed_quality(record: &[u8]) -> Option<QualityScore> {
    let q = match schemas::iso19794::Record::parse(record).ok()? {
        schemas::iso19794::Record::Finger(r) => r.views.first()?.quality.first().copied(),
        schemas::iso19794::Record::Iris(r) => r.images.first()?.quality.first().copied(),
        schemas::iso19794::Record::Face(r) => r.images.first()?.quality.first().copied(),
    }?;
    Some(QualityScore {
        score: q.score,
        algorithm: format!(
            "device-signed record quality block (vendor {:#06x}, algorithm {:#06x})",
            q.algorithm_vendor, q.algorithm_id
        ),
        vendor_id: q.algorithm_vendor,
        algorithm_id: q.algorithm_id,
    })
}

/// A contrast-based score, for the sample bundles `station sample` writes (captures are judged
/// by [`station_quality`]).
pub(crate) fn contrast_score(samples: &[u8]) -> u8 {
    let n = samples.len().max(1) as f64;
    let mean = samples.iter().map(|v| f64::from(*v)).sum::<f64>() / n;
    let var = samples.iter().map(|v| (f64::from(*v) - mean).powi(2)).sum::<f64>() / n;
    (var.sqrt() * 1.4).clamp(1.0, 100.0) as u8
}

fn timeout(p: &CapturePolicy) -> Duration {
    Duration::from_millis(p.timeout_ms)
}

/// The station's own score of a position's best capture: it decides when the device gave
/// none; otherwise it is kept beside the device's as a second opinion (`station_quality`).
#[derive(Debug, Clone, Copy)]
struct Own {
    score: u8,
    algorithm: &'static str,
    id: u16,
    decides: bool,
}

impl Own {
    fn quality(self) -> QualityScore {
        QualityScore {
            score: self.score,
            algorithm: self.algorithm.into(),
            vendor_id: 0xffff,
            algorithm_id: self.id,
        }
    }
}

/// Builds the ISO record of a position's best capture, given its quality blocks.
type RecordBuilder<'a> = &'a dyn Fn(Vec<Quality>) -> Result<Vec<u8>, CaptureError>;

/// Turns what was captured of one position into its sample: the declared exception if there is
/// one; otherwise, below the threshold, the clerk's decision (an exception, or the best capture
/// marked forced); otherwise the record. `record` builds the ISO record of the best capture.
#[allow(clippy::too_many_arguments)]
fn finish(
    position: Position,
    declared: Option<&BiometricException>,
    score: Option<u8>,
    threshold: u8,
    retries: u8,
    decide: &mut dyn FnMut(Position, Option<u8>) -> AfterRetries,
    info: &DeviceInfo,
    signed: Option<&Signed>,
    now_ms: i64,
    record: Option<RecordBuilder<'_>>,
    own: Option<Own>,
) -> Result<CapturedSample, CaptureError> {
    let excepted = |exception: BiometricException, retries| CapturedSample {
        position,
        quality: None,
        station_quality: None,
        device: None,
        retries,
        forced: false,
        exception: Some(exception),
        record: None,
        captured_at: now_ms,
    };
    if let Some(e) = declared {
        return Ok(excepted(e.clone(), 0));
    }
    let decision =
        if score.is_none_or(|s| s < threshold) { Some(decide(position, score)) } else { None };
    match (record, decision) {
        (_, Some(AfterRetries::Exception(e))) => Ok(excepted(e, retries)),
        (None, _) => Err(CaptureError::Undecided { position }),
        (Some(record), decision) => {
            let (mut q, mut iq) = device_quality(score.unwrap_or(0));
            let mut second = None;
            match own {
                // The device gave no score: ours stands, named as ours.
                Some(o) if o.decides => {
                    q = o.quality();
                    iq = vec![Quality {
                        score: o.score,
                        algorithm_vendor: 0xffff,
                        algorithm_id: o.id,
                    }];
                }
                Some(o) => second = Some(o.quality()),
                None => {}
            }
            if let Some(sq) = signed.and_then(|s| signed_quality(&s.record)) {
                q = sq;
            }
            Ok(CapturedSample {
                position,
                quality: Some(q),
                station_quality: second,
                device: Some(device_ref(info, signed)),
                retries,
                forced: decision == Some(AfterRetries::AcceptBest),
                exception: None,
                // A signed record is kept byte for byte, so its signature still holds.
                record: Some(match signed {
                    Some(s) => s.record.clone(),
                    None => record(iq)?,
                }),
                captured_at: now_ms,
            })
        }
    }
}

/// Captures one slap of the 4-4-2 sequence.
pub fn slap(
    dev: &mut Devices,
    slap: Slap,
    policy: &CapturePolicy,
    declared: &HashMap<Position, BiometricException>,
    decide: &mut dyn FnMut(Position, Option<u8>) -> AfterRetries,
    now_ms: i64,
) -> Result<Vec<CapturedSample>, CaptureError> {
    let info = dev.fingerprint.info();
    let mut best: HashMap<Finger, FingerCapture> = HashMap::new();
    let mut tries: HashMap<Finger, u8> = HashMap::new();
    let threshold =
        |f: Finger| if f.is_thumb() { policy.thumb_threshold } else { policy.finger_threshold };
    let excepted: Vec<Finger> = slap
        .fingers()
        .iter()
        .copied()
        .filter(|f| declared.contains_key(&finger_position(*f)))
        .collect();
    // Our score of each finger's best capture.
    let mut own: HashMap<Finger, Own> = HashMap::new();
    for attempt in 0..=policy.max_retries {
        // Only fingers still short of the threshold go back on the platen.
        let done: Vec<Finger> = slap
            .fingers()
            .iter()
            .copied()
            .filter(|f| {
                excepted.contains(f)
                    || best.get(f).is_some_and(|c| c.device_quality.unwrap_or(0) >= threshold(*f))
            })
            .collect();
        if done.len() == slap.fingers().len() {
            break;
        }
        let wanted: Vec<Finger> =
            slap.fingers().iter().copied().filter(|f| !done.contains(f)).collect();
        for f in &wanted {
            tries.insert(*f, attempt);
        }
        let caps = match dev.fingerprint.capture_slap(slap, &done, timeout(policy)) {
            Ok(c) => c,
            // Nothing on the platen: every wanted finger is missing this time.
            Err(DeviceError::NotReady(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        for mut c in caps {
            // Judged even when the device scored it: a second opinion on NFIQ 2, which cannot
            // stop a capture the device scored.
            let decides = c.device_quality.is_none();
            let score = match quality::finger::assess(&c.image, c.ppi, &policy.quality.finger) {
                Ok(a) => Some(a.assessment.score),
                Err(_) if !decides => None,
                Err(e) => return Err(e.into()),
            };
            if decides {
                c.device_quality = score;
            }
            let better = best
                .get(&c.finger)
                .is_none_or(|b| c.device_quality.unwrap_or(0) > b.device_quality.unwrap_or(0));
            if better {
                match score {
                    Some(score) => own.insert(
                        c.finger,
                        Own {
                            score,
                            algorithm: quality::finger::ALGORITHM,
                            id: quality::FINGER_ALGORITHM_ID,
                            decides,
                        },
                    ),
                    None => own.remove(&c.finger),
                };
                best.insert(c.finger, c);
            }
        }
    }
    let t = Some(CaptureTime::from_unix_millis(now_ms));
    let mut out = Vec::new();
    for f in slap.fingers() {
        let position = finger_position(*f);
        let got = best.get(f);
        let build = |iq: Vec<Quality>| -> Result<Vec<u8>, CaptureError> {
            let c = got.expect("only called with a capture");
            Ok(FingerView::new_500ppi(
                f.iso_code(),
                &pixels(&c.image),
                iq,
                CaptureDevice::default(),
                t,
            )?
            .to_record()?)
        };
        let record: Option<RecordBuilder<'_>> = if got.is_some() { Some(&build) } else { None };
        let signed = got.and_then(|c| c.signed.as_ref());
        out.push(finish(
            position,
            declared.get(&position),
            got.and_then(|c| c.device_quality),
            threshold(*f),
            tries.get(f).copied().unwrap_or(0),
            decide,
            &info,
            signed,
            now_ms,
            record,
            own.get(f).copied(),
        )?);
    }
    Ok(out)
}

/// Captures both irises.
pub fn irises(
    dev: &mut Devices,
    policy: &CapturePolicy,
    declared: &HashMap<Position, BiometricException>,
    decide: &mut dyn FnMut(Position, Option<u8>) -> AfterRetries,
    now_ms: i64,
) -> Result<Vec<CapturedSample>, CaptureError> {
    let info = dev.iris.info();
    let eyes = [Eye::Right, Eye::Left];
    let mut best: HashMap<Eye, IrisCapture> = HashMap::new();
    let mut tries: HashMap<Eye, u8> = HashMap::new();
    let mut own: HashMap<Eye, Own> = HashMap::new();
    for attempt in 0..=policy.max_retries {
        let wanted: Vec<Eye> = eyes
            .iter()
            .copied()
            .filter(|e| {
                !declared.contains_key(&eye_position(*e))
                    && best
                        .get(e)
                        .is_none_or(|c| c.device_quality.unwrap_or(0) < policy.iris_threshold)
            })
            .collect();
        if wanted.is_empty() {
            break;
        }
        for e in &wanted {
            tries.insert(*e, attempt);
        }
        for mut c in dev.iris.capture(&wanted, timeout(policy))? {
            // Judged even when the device scored it (a second opinion, which cannot stop a
            // capture the device scored), and unsigned images cropped to K3 (a signed record
            // stays as it is).
            let decides = c.device_quality.is_none();
            let judged = match quality::iris::assess(&c.image, &policy.quality.iris) {
                Ok(a) => Some(a),
                Err(_) if !decides => None,
                Err(e) => return Err(e.into()),
            };
            if c.signed.is_none()
                && let Some(i) = judged.as_ref().and_then(|a| a.iris)
            {
                c.image = quality::iris::k3_crop(&c.image, i)?;
                c.iris_diameter.get_or_insert((2.0 * i.r).round() as u16);
            }
            let score = judged.map(|a| a.assessment.score);
            if decides {
                c.device_quality = score;
            }
            if best
                .get(&c.eye)
                .is_none_or(|b| c.device_quality.unwrap_or(0) > b.device_quality.unwrap_or(0))
            {
                match score {
                    Some(score) => own.insert(
                        c.eye,
                        Own {
                            score,
                            algorithm: quality::iris::ALGORITHM,
                            id: quality::IRIS_ALGORITHM_ID,
                            decides,
                        },
                    ),
                    None => own.remove(&c.eye),
                };
                best.insert(c.eye, c);
            }
        }
    }
    let t = Some(CaptureTime::from_unix_millis(now_ms));
    let mut out = Vec::new();
    for e in eyes {
        let position = eye_position(e);
        let got = best.get(&e);
        let build = |iq: Vec<Quality>| -> Result<Vec<u8>, CaptureError> {
            let c = got.expect("only called with a capture");
            Ok(IrisImage::new_k3(
                e == Eye::Right,
                &pixels(&c.image),
                iq,
                CaptureDevice::default(),
                t,
                c.iris_diameter,
            )?
            .to_record()?)
        };
        let record: Option<RecordBuilder<'_>> = if got.is_some() { Some(&build) } else { None };
        let signed = got.and_then(|c| c.signed.as_ref());
        out.push(finish(
            position,
            declared.get(&position),
            got.and_then(|c| c.device_quality),
            policy.iris_threshold,
            tries.get(&e).copied().unwrap_or(0),
            decide,
            &info,
            signed,
            now_ms,
            record,
            own.get(&e).copied(),
        )?);
    }
    Ok(out)
}

/// Captures the face (or, with `position` ExceptionPhoto, the photo documenting the exceptions
/// of the `excepted` positions).
pub fn face(
    dev: &mut Devices,
    policy: &CapturePolicy,
    position: Position,
    excepted: &[Position],
    decide: &mut dyn FnMut(Position, Option<u8>) -> AfterRetries,
    now_ms: i64,
) -> Result<CapturedSample, CaptureError> {
    let info = dev.face.info();
    let fingers: Vec<Finger> = excepted
        .iter()
        .filter_map(|p| p.iso_finger_code().and_then(Finger::from_iso_code))
        .collect();
    let eyes: Vec<Eye> = excepted
        .iter()
        .filter_map(|p| match p {
            Position::RightIris => Some(Eye::Right),
            Position::LeftIris => Some(Eye::Left),
            _ => None,
        })
        .collect();
    let mut best: Option<(Image, u8, Option<Signed>, Option<quality::Box2>)> = None;
    let mut retries = 0;
    for attempt in 0..=policy.max_retries {
        retries = attempt;
        let (img, signed) = if position == Position::ExceptionPhoto {
            dev.face.capture_exception_photo(&fingers, &eyes, timeout(policy))?
        } else {
            dev.face.capture_signed(timeout(policy))?
        };
        // A certified camera's signed record carries its own score, which the registry will
        // see: it decides, and the record is kept as signed (no crop), so ours is not computed.
        let (score, token) =
            if let Some(q) = signed.as_ref().and_then(|s| signed_quality(&s.record)) {
                (q.score, None)
            } else {
                let a = quality::face::assess(&img, &policy.quality.face, true)?;
                (a.assessment.score, a.token)
            };
        if best.as_ref().is_none_or(|(_, s, _, _)| score > *s) {
            best = Some((img, score, signed, token));
        }
        if best.as_ref().is_some_and(|(_, s, _, _)| *s >= policy.face_threshold) {
            break;
        }
    }
    let (img, score, signed, token) = best.expect("at least one capture");
    let forced = if score < policy.face_threshold {
        match decide(position, Some(score)) {
            AfterRetries::AcceptBest => true,
            // A face cannot be excepted: without one there is no enrollment.
            AfterRetries::Exception(_) => return Err(CaptureError::Undecided { position }),
        }
    } else {
        false
    };
    let q = QualityScore {
        score,
        algorithm: quality::face::ALGORITHM.into(),
        vendor_id: 0xffff,
        algorithm_id: quality::FACE_ALGORITHM_ID,
    };
    let iq =
        vec![Quality { score, algorithm_vendor: 0xffff, algorithm_id: quality::FACE_ALGORITHM_ID }];
    let q = signed.as_ref().and_then(|s| signed_quality(&s.record)).unwrap_or(q);
    let record = if let Some(s) = &signed {
        s.record.clone()
    } else {
        // The face is cut to the ICAO token geometry (eyes 120 px apart in 480 x 640); an
        // exception photo shows more than the face and is kept whole.
        let img = match token {
            Some(t) if position == Position::Face => quality::face::token_crop(&img, t)?,
            _ => img,
        };
        FaceImage::new_full_frontal(
            &pixels(&img),
            iq,
            CaptureDevice::default(),
            Some(CaptureTime::from_unix_millis(now_ms)),
        )?
        .to_record()?
    };
    Ok(CapturedSample {
        position,
        quality: Some(q),
        station_quality: None,
        device: Some(device_ref(&info, signed.as_ref())),
        retries,
        forced,
        exception: None,
        record: Some(record),
        captured_at: now_ms,
    })
}

/// A document's photographed pages (JPEG) and its machine-readable zone, when a page shows one
/// whose every check digit holds.
pub(crate) struct DocumentPhotos {
    pub pages: Vec<Vec<u8>>,
    pub mrz: Option<quality::ocr::MrzRead>,
}

/// Photographs `pages` pages of a document, as JPEG, reading the MRZ from the first page that
/// has a readable one.
pub(crate) fn document_pages(
    dev: &mut Devices,
    policy: &CapturePolicy,
    pages: u8,
) -> Result<DocumentPhotos, CaptureError> {
    let mut out = DocumentPhotos { pages: Vec::new(), mrz: None };
    for _ in 0..pages {
        let img = dev.document.capture(timeout(policy))?;
        let mut jpeg = Vec::new();
        let colour = if img.channels == 3 {
            image::ExtendedColorType::Rgb8
        } else {
            image::ExtendedColorType::L8
        };
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode(&img.data, img.width, img.height, colour)?;
        out.pages.push(jpeg);
        if out.mrz.is_none() {
            out.mrz = trusted_zone(&img, policy)?;
        }
    }
    Ok(out)
}

/// The machine-readable zone of a document photograph, if it shows one that can be taken as
/// read (every check digit holding, every character clearly matched).
fn trusted_zone(
    img: &Image,
    policy: &CapturePolicy,
) -> Result<Option<quality::ocr::MrzRead>, CaptureError> {
    let read = quality::document::read(img, &policy.quality.document)?;
    Ok(read.mrz.filter(|m| m.trustworthy(policy.quality.document.min_character_match as f32)))
}

/// Reads the zone of the document on the camera, for the form to be filled from it: up to
/// `tries` photographs (the clerk may have put the other side up first), none kept.
pub(crate) fn document_zone(
    dev: &mut Devices,
    policy: &CapturePolicy,
    tries: u8,
) -> Result<Option<quality::ocr::MrzRead>, CaptureError> {
    for _ in 0..tries {
        let img = dev.document.capture(timeout(policy))?;
        if let Some(zone) = trusted_zone(&img, policy)? {
            return Ok(Some(zone));
        }
    }
    Ok(None)
}

/// The finger image of a captured sample (its ISO record decoded), if it has one.
fn finger_image(s: &CapturedSample) -> Option<Image> {
    let record = schemas::iso19794::Record::parse(s.record.as_ref()?).ok()?;
    Some(Image::from(record.decode_images().ok()?.into_iter().next()?))
}

/// Refuses a slap whose fingers look like a finger already captured in this enrollment (in
/// this slap or an earlier one): the same finger placed twice would enroll one finger as two.
pub fn check_same_finger(
    new: &[CapturedSample],
    earlier: &[CapturedSample],
    policy: &CapturePolicy,
) -> Result<(), CaptureError> {
    let images = |v: &[CapturedSample]| {
        v.iter().filter_map(|s| finger_image(s).map(|i| (s.position, i))).collect::<Vec<_>>()
    };
    let (new, old) = (images(new), images(earlier));
    for (i, (pa, a)) in new.iter().enumerate() {
        for (pb, b) in new[i + 1..].iter().chain(old.iter()) {
            let score = quality::finger::similarity(a, b)?;
            if score >= policy.quality.finger.duplicate_correlation {
                return Err(CaptureError::SameFinger { first: *pb, second: *pa, score });
            }
        }
    }
    Ok(())
}
