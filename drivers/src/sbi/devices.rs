//! SBI devices behind the station's device traits: a slap scanner ([`SbiFingerprint`]), an iris
//! camera ([`SbiIris`]) and a face camera ([`SbiFace`]).
//!
//! Each keeps one capture transaction (an id and the hash chain) until
//! [`crate::device::FingerprintScanner::new_transaction`] starts the next one, so the captures of
//! one enrollment are chained and those of two enrollments are not linked. Previews come from the
//! service's M-JPEG stream on a thread of their own, through a one-frame mailbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use schemas::iso19794::Record;

use super::client::{self, Client, Identity, SignedBiometric};
use super::wire::{BioRequest, CaptureRequest};
use crate::device::*;
use crate::latest::Latest;
use crate::raster::Image;

/// The score asked of a registration capture when none is configured (MOSIP's slap default).
pub const DEFAULT_REQUESTED_SCORE: u8 = 40;

/// SBI's name of a finger (`bioSubType`).
pub fn finger_name(f: Finger) -> &'static str {
    match f {
        Finger::RightThumb => "Right Thumb",
        Finger::RightIndex => "Right IndexFinger",
        Finger::RightMiddle => "Right MiddleFinger",
        Finger::RightRing => "Right RingFinger",
        Finger::RightLittle => "Right LittleFinger",
        Finger::LeftThumb => "Left Thumb",
        Finger::LeftIndex => "Left IndexFinger",
        Finger::LeftMiddle => "Left MiddleFinger",
        Finger::LeftRing => "Left RingFinger",
        Finger::LeftLittle => "Left LittleFinger",
    }
}

pub fn eye_name(e: Eye) -> &'static str {
    match e {
        Eye::Right => "Right",
        Eye::Left => "Left",
    }
}

fn new_transaction_id() -> String {
    let mut b = [0u8; 16];
    // No entropy means no capture: an id that repeats would let captures be replayed.
    getrandom::fill(&mut b).expect("the system's random source");
    hex::encode(b)
}

fn now_iso() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The preview thread of one device.
struct Preview {
    frames: Latest<Result<Frame, DeviceError>>,
    last: Option<Frame>,
    stop: Arc<AtomicBool>,
}

impl Preview {
    fn start(client: Client, port: u16, device_id: String, sub_id: String) -> Preview {
        let frames = Latest::new();
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, halt) = (frames.clone(), stop.clone());
        std::thread::Builder::new()
            .name(format!("sbi-preview-{port}-{device_id}"))
            .spawn(move || {
                let mut sequence = 0u64;
                while !halt.load(Ordering::Relaxed) {
                    match client.stream(port, &device_id, &sub_id, Duration::from_secs(20)) {
                        Ok(mut parts) => loop {
                            if halt.load(Ordering::Relaxed) {
                                return;
                            }
                            match parts.next_frame() {
                                Ok(Some(jpeg)) => match image::load_from_memory_with_format(
                                    &jpeg,
                                    image::ImageFormat::Jpeg,
                                ) {
                                    Ok(img) => {
                                        let rgb = img.to_rgb8();
                                        sequence += 1;
                                        tx.put(Ok(Frame {
                                            image: Image {
                                                width: rgb.width(),
                                                height: rgb.height(),
                                                channels: 3,
                                                data: rgb.into_raw(),
                                            },
                                            sequence,
                                        }));
                                    }
                                    Err(e) => tx.put(Err(DeviceError::Protocol(format!(
                                        "a preview frame is not a JPEG: {e}"
                                    )))),
                                },
                                Ok(None) => break,
                                Err(e) => {
                                    tx.put(Err(DeviceError::Protocol(e.to_string())));
                                    break;
                                }
                            }
                        },
                        Err(e) => tx.put(Err(e.into())),
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            })
            .expect("a thread for the preview");
        Preview { frames, last: None, stop }
    }

    fn latest(&mut self) -> Result<Frame, DeviceError> {
        match self.frames.take() {
            Some(Ok(f)) => {
                self.last = Some(f.clone());
                Ok(f)
            }
            Some(Err(e)) => Err(e),
            None => self
                .last
                .clone()
                .ok_or_else(|| DeviceError::NotReady("waiting for the first preview frame".into())),
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What the three adapters share: the service, the device, the transaction and its chain.
struct Link {
    client: Client,
    identity: Identity,
    purpose: String,
    env: String,
    requested_score: u8,
    transaction: String,
    previous: String,
    status: DeviceStatus,
    preview: Option<Preview>,
    preview_sub_id: String,
}

impl Link {
    fn new(client: Client, identity: Identity, preview_sub_id: &str) -> Link {
        let status = status_of(&identity.status);
        let env = client.env().to_string();
        Link {
            client,
            identity,
            purpose: "Registration".into(),
            env,
            requested_score: DEFAULT_REQUESTED_SCORE,
            transaction: new_transaction_id(),
            previous: client::chain_start(),
            status,
            preview: None,
            preview_sub_id: preview_sub_id.into(),
        }
    }

    fn info(&self) -> DeviceInfo {
        let d = &self.identity.digital_id;
        DeviceInfo {
            backend: Backend::Sbi,
            make: d.make.clone(),
            model: d.model.clone(),
            serial: d.serial_no.clone(),
            firmware: self.identity.firmware.clone(),
        }
    }

    fn new_transaction(&mut self) {
        self.transaction = new_transaction_id();
        self.previous = client::chain_start();
    }

    fn preview(&mut self) -> Result<Frame, DeviceError> {
        let (client, port, id, sub) =
            (&self.client, self.identity.port, &self.identity.device_id, &self.preview_sub_id);
        self.preview
            .get_or_insert_with(|| Preview::start(client.clone(), port, id.clone(), sub.clone()))
            .latest()
    }

    fn capture(
        &mut self,
        kind: &str,
        sub_id: &str,
        count: u8,
        exception: Vec<String>,
        timeout: Duration,
    ) -> Result<Vec<SignedBiometric>, DeviceError> {
        let request = CaptureRequest {
            env: self.env.clone(),
            purpose: self.purpose.clone(),
            spec_version: "0.9.5".into(),
            timeout: timeout.as_millis() as u64,
            capture_time: now_iso(),
            transaction_id: self.transaction.clone(),
            bio: vec![BioRequest {
                kind: kind.into(),
                count,
                bio_sub_type: Vec::new(),
                exception,
                requested_score: self.requested_score,
                device_id: self.identity.device_id.clone(),
                device_sub_id: sub_id.into(),
                previous_hash: self.previous.clone(),
            }],
            custom_opts: None,
        };
        // The preview stream holds the device; it resumes on the next preview call.
        self.preview = None;
        self.status = DeviceStatus::Busy;
        match self.client.capture(&self.identity, &request) {
            Ok(got) => {
                if let Some(last) = got.last() {
                    self.previous = last.hash.clone();
                }
                self.status = DeviceStatus::Ready;
                Ok(got)
            }
            Err(e) => {
                let e = DeviceError::from(e);
                self.status = match e {
                    DeviceError::Disconnected => DeviceStatus::Disconnected,
                    DeviceError::NotReady(_) => DeviceStatus::NotReady,
                    _ => DeviceStatus::Ready,
                };
                Err(e)
            }
        }
    }
}

fn status_of(s: &str) -> DeviceStatus {
    match s.to_ascii_lowercase().as_str() {
        "ready" => DeviceStatus::Ready,
        "busy" => DeviceStatus::Busy,
        _ => DeviceStatus::NotReady,
    }
}

fn signed(b: &SignedBiometric) -> Signed {
    Signed {
        record: b.record.clone(),
        jws: b.jws.clone(),
        previous_hash: b.previous_hash.clone(),
        hash: b.hash.clone(),
    }
}

fn quality(b: &SignedBiometric) -> Option<u8> {
    b.quality.filter(|q| q.is_finite()).map(|q| q.round().clamp(0.0, 100.0) as u8)
}

fn image_of(p: schemas::jp2k::Pixels) -> Image {
    Image { width: p.width, height: p.height, channels: p.channels, data: p.data }
}

fn bad_record(what: &str, e: impl std::fmt::Display) -> DeviceError {
    DeviceError::Protocol(format!("the signed {what} record cannot be read: {e}"))
}

/// A slap scanner (4-4-2) through SBI.
pub struct SbiFingerprint {
    link: Link,
}

impl SbiFingerprint {
    /// `identity` from [`Client::info`]; it must be a finger device.
    pub fn new(client: Client, identity: Identity) -> Result<SbiFingerprint, DeviceError> {
        if !identity.digital_id.kind.eq_ignore_ascii_case("Finger") {
            return Err(DeviceError::Unsupported(
                "capture fingerprints (it is not a finger device)",
            ));
        }
        Ok(SbiFingerprint { link: Link::new(client, identity, "1") })
    }

    pub fn identity(&self) -> &Identity {
        &self.link.identity
    }

    pub fn with_requested_score(mut self, score: u8) -> Self {
        self.link.requested_score = score.clamp(1, 100);
        self
    }

    fn to_capture(b: &SignedBiometric) -> Result<FingerCapture, DeviceError> {
        let Record::Finger(r) = Record::parse(&b.record).map_err(|e| bad_record("finger", e))?
        else {
            return Err(DeviceError::Protocol(format!(
                "asked for a finger, the device signed a {} record",
                String::from_utf8_lossy(&b.record[..3.min(b.record.len())])
            )));
        };
        let view = r.views.first().ok_or_else(|| bad_record("finger", "it holds no image"))?;
        let finger = Finger::from_iso_code(view.position)
            .ok_or_else(|| bad_record("finger", format!("finger position {}", view.position)))?;
        if finger_name(finger) != b.bio_sub_type {
            return Err(DeviceError::Protocol(format!(
                "the device labelled {} as {:?}",
                finger_name(finger),
                b.bio_sub_type
            )));
        }
        let rate = view.image_sampling_rate[0];
        let ppi =
            if view.scale_units == 2 { (f64::from(rate) * 2.54).round() as u16 } else { rate };
        let image = image_of(view.decode_image().map_err(|e| bad_record("finger", e))?);
        Ok(FingerCapture {
            finger,
            image,
            ppi,
            device_quality: quality(b),
            signed: Some(signed(b)),
        })
    }
}

impl FingerprintScanner for SbiFingerprint {
    fn info(&self) -> DeviceInfo {
        self.link.info()
    }
    fn status(&self) -> DeviceStatus {
        self.link.status
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.link.preview()
    }
    fn capture_finger(
        &mut self,
        _finger: Finger,
        _timeout: Duration,
    ) -> Result<FingerCapture, DeviceError> {
        Err(DeviceError::Unsupported("capture a single finger (it is a slap scanner)"))
    }
    fn capture_slap(
        &mut self,
        slap: Slap,
        absent: &[Finger],
        timeout: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError> {
        let sub_id = match slap {
            Slap::LeftFour => "1",
            Slap::RightFour => "2",
            Slap::Thumbs => "3",
        };
        let exception: Vec<String> = slap
            .fingers()
            .iter()
            .filter(|f| absent.contains(f))
            .map(|f| finger_name(*f).to_string())
            .collect();
        let count = (slap.fingers().len() - exception.len()) as u8;
        if count == 0 {
            return Ok(Vec::new());
        }
        self.link.preview_sub_id = sub_id.into();
        let got = self.link.capture("Finger", sub_id, count, exception, timeout)?;
        let caps: Vec<FingerCapture> =
            got.iter().map(Self::to_capture).collect::<Result<_, _>>()?;
        if let Some(c) =
            caps.iter().find(|c| !slap.fingers().contains(&c.finger) || absent.contains(&c.finger))
        {
            return Err(DeviceError::Protocol(format!(
                "the device returned {} for a {slap:?} capture",
                finger_name(c.finger)
            )));
        }
        Ok(caps)
    }
    fn new_transaction(&mut self) {
        self.link.new_transaction();
    }
}

/// An iris camera through SBI.
pub struct SbiIris {
    link: Link,
}

impl SbiIris {
    pub fn new(client: Client, identity: Identity) -> Result<SbiIris, DeviceError> {
        if !identity.digital_id.kind.eq_ignore_ascii_case("Iris") {
            return Err(DeviceError::Unsupported("capture irises (it is not an iris device)"));
        }
        Ok(SbiIris { link: Link::new(client, identity, "3") })
    }

    pub fn identity(&self) -> &Identity {
        &self.link.identity
    }

    pub fn with_requested_score(mut self, score: u8) -> Self {
        self.link.requested_score = score.clamp(1, 100);
        self
    }
}

impl IrisCamera for SbiIris {
    fn info(&self) -> DeviceInfo {
        self.link.info()
    }
    fn status(&self) -> DeviceStatus {
        self.link.status
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.link.preview()
    }
    fn capture(
        &mut self,
        eyes: &[Eye],
        timeout: Duration,
    ) -> Result<Vec<IrisCapture>, DeviceError> {
        let (sub_id, count) = match (eyes.contains(&Eye::Left), eyes.contains(&Eye::Right)) {
            (true, true) => ("3", 2),
            (true, false) => ("1", 1),
            (false, true) => ("2", 1),
            (false, false) => return Ok(Vec::new()),
        };
        let got = self.link.capture("Iris", sub_id, count, Vec::new(), timeout)?;
        let mut out = Vec::new();
        for b in &got {
            let Record::Iris(r) = Record::parse(&b.record).map_err(|e| bad_record("iris", e))?
            else {
                return Err(DeviceError::Protocol(
                    "asked for an iris, the device signed another kind of record".into(),
                ));
            };
            let img = r.images.first().ok_or_else(|| bad_record("iris", "it holds no image"))?;
            let eye = match img.eye {
                schemas::iso19794::iris::Eye::Right => Eye::Right,
                schemas::iso19794::iris::Eye::Left => Eye::Left,
                // Unlabelled: the device's sub-type names the eye.
                schemas::iso19794::iris::Eye::Unspecified => match b.bio_sub_type.as_str() {
                    "Right" => Eye::Right,
                    "Left" => Eye::Left,
                    other => {
                        return Err(DeviceError::Protocol(format!("an iris labelled {other:?}")));
                    }
                },
            };
            if eye_name(eye) != b.bio_sub_type || !eyes.contains(&eye) {
                return Err(DeviceError::Protocol(format!(
                    "the device returned the {} iris labelled {:?}",
                    eye_name(eye),
                    b.bio_sub_type
                )));
            }
            let diameter = img.iris_diameter.map(|[lo, hi]| if hi > 0 { hi } else { lo });
            let image = image_of(img.decode_image().map_err(|e| bad_record("iris", e))?);
            out.push(IrisCapture {
                eye,
                image,
                iris_diameter: diameter,
                device_quality: quality(b),
                signed: Some(signed(b)),
            });
        }
        Ok(out)
    }
    fn new_transaction(&mut self) {
        self.link.new_transaction();
    }
}

/// A face camera through SBI.
pub struct SbiFace {
    link: Link,
}

impl SbiFace {
    pub fn new(client: Client, identity: Identity) -> Result<SbiFace, DeviceError> {
        if !identity.digital_id.kind.eq_ignore_ascii_case("Face") {
            return Err(DeviceError::Unsupported(
                "take face photographs (it is not a face device)",
            ));
        }
        Ok(SbiFace { link: Link::new(client, identity, "0") })
    }

    pub fn identity(&self) -> &Identity {
        &self.link.identity
    }
}

impl Camera for SbiFace {
    fn info(&self) -> DeviceInfo {
        self.link.info()
    }
    fn status(&self) -> DeviceStatus {
        self.link.status
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.link.preview()
    }
    fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        self.capture_signed(timeout).map(|(i, _)| i)
    }
    fn capture_signed(
        &mut self,
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        self.face(Vec::new(), timeout)
    }
    fn capture_exception_photo(
        &mut self,
        fingers: &[Finger],
        eyes: &[Eye],
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        let excepted: Vec<String> = fingers
            .iter()
            .map(|f| finger_name(*f).to_string())
            .chain(eyes.iter().map(|e| eye_name(*e).to_string()))
            .collect();
        self.face(excepted, timeout)
    }
    fn new_transaction(&mut self) {
        self.link.new_transaction();
    }
}

impl SbiFace {
    /// A face capture; with `exception` filled, the exception photo for those biometrics.
    fn face(
        &mut self,
        exception: Vec<String>,
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        let got = self.link.capture("Face", "0", 1, exception, timeout)?;
        let b = match got.as_slice() {
            [b] => b,
            other => {
                return Err(DeviceError::Protocol(format!(
                    "a face capture returned {} images",
                    other.len()
                )));
            }
        };
        let Record::Face(r) = Record::parse(&b.record).map_err(|e| bad_record("face", e))? else {
            return Err(DeviceError::Protocol(
                "asked for a face, the device signed another kind of record".into(),
            ));
        };
        let img = r.images.first().ok_or_else(|| bad_record("face", "it holds no image"))?;
        Ok((image_of(img.decode_image().map_err(|e| bad_record("face", e))?), Some(signed(b))))
    }
}
