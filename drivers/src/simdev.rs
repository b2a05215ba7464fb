//! Simulated devices behind the real traits, for demo mode, training and tests.
//!
//! All of them draw one invented person (a seed) and obey one shared [`Faults`] script: a capture
//! can come out poor, a finger or eye can be absent, a device can be unplugged in the middle of a
//! capture (it stays unplugged until [`Faults::replug`]), or a capture can time out. Their
//! [`DeviceInfo`] says `Backend::Simulated` and "simulated" in the model name.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::device::*;
use crate::raster::Image;
use crate::sim::{self, Rng};

/// What a device should do wrong, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The capture succeeds but is poor (smudged, low contrast, low device quality).
    LowQuality,
    /// The finger or eye is not there (amputated, missing): nothing is captured for it.
    Absent,
    /// The device is unplugged during this capture.
    Unplug,
    /// Nothing is captured before the timeout.
    Timeout,
    /// The capture succeeds, after [`SLOW`] (a device slow to answer).
    Slow,
}

/// How long a [`Fault::Slow`] capture takes.
pub const SLOW: Duration = Duration::from_secs(5);

/// What a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Finger(Finger),
    Eye(Eye),
    Face,
    Document,
}

#[derive(Default)]
struct FaultState {
    queued: HashMap<Target, VecDeque<Fault>>,
    permanent: HashMap<Target, Fault>,
    unplugged: bool,
    attempts: HashMap<Target, u32>,
}

/// A fault script shared by all simulated devices of one station.
#[derive(Clone, Default)]
pub struct Faults(Arc<Mutex<FaultState>>);

impl Faults {
    /// Queues faults for the next captures of `target`, in order (one per capture attempt).
    pub fn queue(&self, target: Target, faults: &[Fault]) {
        self.lock().queued.entry(target).or_default().extend(faults.iter().copied());
    }

    /// Makes a fault apply to every capture of `target` (for example an amputated finger).
    pub fn always(&self, target: Target, fault: Fault) {
        self.lock().permanent.insert(target, fault);
    }

    /// Plugs an unplugged device back in.
    pub fn replug(&self) {
        self.lock().unplugged = false;
    }

    pub fn unplugged(&self) -> bool {
        self.lock().unplugged
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        // A poisoned lock only means another thread panicked mid-update of a test script.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The fault for the next capture of `target` (if any) and the attempt number.
    fn next(&self, target: Target) -> (Option<Fault>, u32) {
        let mut s = self.lock();
        let attempt = {
            let a = s.attempts.entry(target).or_insert(0);
            *a += 1;
            *a
        };
        let fault = s
            .queued
            .get_mut(&target)
            .and_then(std::collections::VecDeque::pop_front)
            .or_else(|| s.permanent.get(&target).copied());
        if fault == Some(Fault::Unplug) {
            s.unplugged = true;
        }
        (fault, attempt)
    }

    fn check_plugged(&self) -> Result<(), DeviceError> {
        if self.unplugged() { Err(DeviceError::Disconnected) } else { Ok(()) }
    }
}

fn info(model: &str, serial: &str) -> DeviceInfo {
    DeviceInfo {
        backend: Backend::Simulated,
        make: "Hukumati".into(),
        model: format!("simulated {model}"),
        serial: serial.into(),
        firmware: "sim-1".into(),
    }
}

fn status(faults: &Faults) -> DeviceStatus {
    if faults.unplugged() { DeviceStatus::Disconnected } else { DeviceStatus::Ready }
}

/// Lowers contrast and adds blotches: what a dry or smudged finger or a blurred eye gives.
/// Preview frame number `sequence`: the device's still scene (made on the first call) swayed.
fn live_frame(still: &mut Option<Image>, sequence: u64, make: impl FnOnce() -> Image) -> Frame {
    Frame { image: sim::sway(still.get_or_insert_with(make), sequence), sequence }
}

fn degrade(img: &mut Image, rng: &mut Rng) {
    for (i, v) in img.data.iter_mut().enumerate() {
        let blotch = ((i as f32 * 0.0007).sin() * 40.0) as i32;
        let noise = (rng.next_u64() % 21) as i32 - 10;
        *v = ((i32::from(*v) - 128) / 4 + 170 + blotch + noise).clamp(0, 255) as u8;
    }
}

fn good_quality(rng: &mut Rng) -> u8 {
    rng.range(62.0, 94.0) as u8
}

fn poor_quality(rng: &mut Rng) -> u8 {
    rng.range(8.0, 30.0) as u8
}

/// A simulated 4-4-2 slap scanner that also takes single fingers, 500 ppi.
pub struct SimFingerprintScanner {
    seed: u64,
    faults: Faults,
    frames: u64,
    /// The person's fingers, drawn once: the same finger has the same ridges on every attempt.
    drawn: HashMap<Finger, Image>,
    preview_still: Option<Image>,
}

impl SimFingerprintScanner {
    pub fn new(person_seed: u64, faults: Faults) -> Self {
        SimFingerprintScanner {
            seed: person_seed,
            faults,
            frames: 0,
            drawn: HashMap::new(),
            preview_still: None,
        }
    }

    fn one(
        &mut self,
        finger: Finger,
        timeout: Duration,
    ) -> Result<Option<FingerCapture>, DeviceError> {
        self.faults.check_plugged()?;
        let (fault, attempt) = self.faults.next(Target::Finger(finger));
        let mut rng =
            Rng::new(self.seed ^ (u64::from(finger.iso_code()) << 32) ^ u64::from(attempt));
        match fault {
            Some(Fault::Unplug) => return Err(DeviceError::Disconnected),
            Some(Fault::Timeout) => return Err(DeviceError::Timeout(timeout)),
            Some(Fault::Absent) => return Ok(None),
            _ => {}
        }
        let (w, h) = if finger.is_thumb() { (400, 500) } else { (352, 480) };
        let seed = self.seed.wrapping_mul(31).wrapping_add(u64::from(finger.iso_code()) - 1);
        let mut image =
            self.drawn.entry(finger).or_insert_with(|| sim::fingerprint(seed, w, h)).clone();
        let quality = if fault == Some(Fault::LowQuality) {
            degrade(&mut image, &mut rng);
            poor_quality(&mut rng)
        } else {
            good_quality(&mut rng)
        };
        Ok(Some(FingerCapture {
            finger,
            image,
            ppi: 500,
            device_quality: Some(quality),
            signed: None,
        }))
    }
}

impl FingerprintScanner for SimFingerprintScanner {
    fn info(&self) -> DeviceInfo {
        info("4-4-2 slap scanner", "SIM-FP-0001")
    }
    fn status(&self) -> DeviceStatus {
        status(&self.faults)
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.faults.check_plugged()?;
        self.frames += 1;
        let seed = self.seed;
        Ok(live_frame(&mut self.preview_still, self.frames, || sim::fingerprint(seed, 160, 200)))
    }
    fn capture_finger(
        &mut self,
        finger: Finger,
        timeout: Duration,
    ) -> Result<FingerCapture, DeviceError> {
        self.one(finger, timeout)?
            .ok_or_else(|| DeviceError::NotReady("no finger on the platen".into()))
    }
    fn capture_slap(
        &mut self,
        slap: Slap,
        absent: &[Finger],
        timeout: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError> {
        let mut out = Vec::new();
        for f in slap.fingers().iter().filter(|f| !absent.contains(f)) {
            if let Some(c) = self.one(*f, timeout)? {
                out.push(c);
            }
        }
        if out.is_empty() {
            return Err(DeviceError::NotReady("no fingers on the platen".into()));
        }
        Ok(out)
    }
}

/// A simulated dual-eye near-infrared iris camera.
pub struct SimIrisCamera {
    seed: u64,
    faults: Faults,
    frames: u64,
    preview_still: Option<Image>,
}

impl SimIrisCamera {
    pub fn new(person_seed: u64, faults: Faults) -> Self {
        SimIrisCamera { seed: person_seed, faults, frames: 0, preview_still: None }
    }
}

impl IrisCamera for SimIrisCamera {
    fn info(&self) -> DeviceInfo {
        info("dual iris camera", "SIM-IR-0001")
    }
    fn status(&self) -> DeviceStatus {
        status(&self.faults)
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.faults.check_plugged()?;
        self.frames += 1;
        let seed = self.seed;
        Ok(live_frame(&mut self.preview_still, self.frames, || sim::iris(seed, true).0))
    }
    fn capture(
        &mut self,
        eyes: &[Eye],
        timeout: Duration,
    ) -> Result<Vec<IrisCapture>, DeviceError> {
        self.faults.check_plugged()?;
        let mut out = Vec::new();
        for eye in eyes {
            let (fault, attempt) = self.faults.next(Target::Eye(*eye));
            let mut rng = Rng::new(
                self.seed ^ u64::from(attempt) ^ if *eye == Eye::Right { 0x77 } else { 0x99 },
            );
            match fault {
                Some(Fault::Unplug) => return Err(DeviceError::Disconnected),
                Some(Fault::Timeout) => return Err(DeviceError::Timeout(timeout)),
                Some(Fault::Absent) => continue,
                _ => {}
            }
            let (mut image, d) = sim::iris(self.seed, *eye == Eye::Right);
            let quality = if fault == Some(Fault::LowQuality) {
                degrade(&mut image, &mut rng);
                poor_quality(&mut rng)
            } else {
                good_quality(&mut rng)
            };
            out.push(IrisCapture {
                eye: *eye,
                image,
                iris_diameter: Some(d),
                device_quality: Some(quality),
                signed: None,
            });
        }
        Ok(out)
    }
}

/// A simulated face or document camera.
pub struct SimCamera {
    seed: u64,
    faults: Faults,
    target: Target,
    frames: u64,
    mrz: Option<Vec<String>>,
    /// The scene the preview shows, made once (a 1280x720 face scene, or the card's front).
    preview_still: Option<Image>,
}

impl SimCamera {
    pub fn face(person_seed: u64, faults: Faults) -> Self {
        SimCamera {
            seed: person_seed,
            faults,
            target: Target::Face,
            frames: 0,
            mrz: None,
            preview_still: None,
        }
    }
    /// A document camera photographing the person's ID card, front then back.
    pub fn document(person_seed: u64, faults: Faults) -> Self {
        SimCamera {
            seed: person_seed,
            faults,
            target: Target::Document,
            frames: 0,
            mrz: None,
            preview_still: None,
        }
    }
    /// The machine-readable zone printed on the back of the simulated card.
    pub fn with_mrz(mut self, lines: Vec<String>) -> Self {
        self.mrz = Some(lines);
        self
    }
}

impl Camera for SimCamera {
    fn info(&self) -> DeviceInfo {
        match self.target {
            Target::Face => info("face camera", "SIM-CAM-FACE"),
            _ => info("document camera", "SIM-CAM-DOC"),
        }
    }
    fn status(&self) -> DeviceStatus {
        status(&self.faults)
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        self.faults.check_plugged()?;
        self.frames += 1;
        let (seed, face) = (self.seed, self.target == Target::Face);
        Ok(live_frame(&mut self.preview_still, self.frames, || {
            if face { sim::face_scene(seed) } else { sim::id_card(seed, false, None) }
        }))
    }
    fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        self.faults.check_plugged()?;
        let (fault, attempt) = self.faults.next(self.target);
        if fault == Some(Fault::Slow) {
            std::thread::sleep(SLOW);
        }
        match fault {
            Some(Fault::Unplug) => Err(DeviceError::Disconnected),
            Some(Fault::Timeout) => Err(DeviceError::Timeout(timeout)),
            Some(Fault::Absent) => {
                Err(DeviceError::NotReady("nothing in front of the camera".into()))
            }
            _ if self.target == Target::Face => Ok(sim::face(self.seed)),
            // Document pages alternate front, back.
            _ => Ok(sim::id_card(self.seed, attempt % 2 == 0, self.mrz.as_deref())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(5);

    #[test]
    fn slaps_segment_into_their_fingers_and_respect_absent_ones() {
        let f = Faults::default();
        let mut s = SimFingerprintScanner::new(3, f.clone());
        assert_eq!(s.info().backend, Backend::Simulated);
        let caps = s.capture_slap(Slap::RightFour, &[], T).unwrap();
        assert_eq!(caps.iter().map(|c| c.finger).collect::<Vec<_>>(), Slap::RightFour.fingers());
        let caps = s.capture_slap(Slap::LeftFour, &[Finger::LeftRing], T).unwrap();
        assert_eq!(caps.len(), 3);
        f.always(Target::Finger(Finger::LeftLittle), Fault::Absent);
        let caps = s.capture_slap(Slap::LeftFour, &[], T).unwrap();
        assert!(!caps.iter().any(|c| c.finger == Finger::LeftLittle));
    }

    #[test]
    fn scripted_faults_happen_in_order() {
        let f = Faults::default();
        let mut s = SimFingerprintScanner::new(3, f.clone());
        f.queue(
            Target::Finger(Finger::RightThumb),
            &[Fault::LowQuality, Fault::Timeout, Fault::Unplug],
        );
        let poor = s.capture_finger(Finger::RightThumb, T).unwrap();
        assert!(poor.device_quality.unwrap() < 40);
        assert_eq!(s.capture_finger(Finger::RightThumb, T).unwrap_err(), DeviceError::Timeout(T));
        assert_eq!(s.capture_finger(Finger::RightThumb, T).unwrap_err(), DeviceError::Disconnected);
        assert_eq!(s.status(), DeviceStatus::Disconnected);
        assert_eq!(s.capture_finger(Finger::RightIndex, T).unwrap_err(), DeviceError::Disconnected);
        f.replug();
        let good = s.capture_finger(Finger::RightThumb, T).unwrap();
        assert!(good.device_quality.unwrap() >= 60);
    }

    #[test]
    fn iris_and_cameras_capture() {
        let f = Faults::default();
        let mut i = SimIrisCamera::new(9, f.clone());
        f.always(Target::Eye(Eye::Left), Fault::Absent);
        let caps = i.capture(&[Eye::Right, Eye::Left], T).unwrap();
        assert_eq!(caps.len(), 1);
        assert!(caps[0].iris_diameter.unwrap() >= 210);
        let mut face = SimCamera::face(9, f.clone());
        assert_eq!(face.capture(T).unwrap().channels, 3);
        let mut doc = SimCamera::document(9, f);
        assert_ne!(doc.capture(T).unwrap(), doc.capture(T).unwrap());
    }
}
