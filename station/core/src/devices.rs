//! The station's devices: which are attached, which capture each modality, and what the
//! administrator sees of them.
//!
//! [`discover`] looks for devices (SBI services on their ports, V4L2 cameras, U.are.U readers on
//! USB) without holding anything; [`Attached::apply`] takes what was found, keeps devices still
//! present (their threads and transactions intact), opens new ones and drops those gone. A
//! [`Watcher`] does both in the background, woken by USB hotplug, so devices appear and disappear
//! while the kiosk runs. [`Attached::assemble`] hands an enrollment one device per modality: the
//! attached one, else (training and demo stations only) the simulated one, else an [`Absent`] device whose
//! every capture says what is missing. Nothing here draws; the kiosk's admin screen shows
//! [`Attached::inventory`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use drivers::device::*;
use drivers::raster::Image;
use drivers::sbi::{self, SbiError};
use drivers::uvc::{self, CameraConfig, Source, UvcCamera};

use crate::capture::Devices;
use station_text::messages::{Bilingual, Message};

/// Where the station looks for devices (part of the station's configuration).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceSettings {
    /// The ports SBI services are looked for on, 127.0.0.1 (SBI: 4501-4600).
    pub sbi_ports: [u16; 2],
    /// PEM certificates of the device providers' CAs: an SBI device is used only when its
    /// signatures chain to one of these. No anchors, no SBI devices.
    pub sbi_trust_anchors: Vec<String>,
    /// The SBI environment captures are asked for (Staging, Developer, Pre-Production, Production).
    pub sbi_env: String,
    /// The V4L2 node of the face camera (empty: the first camera found, when no SBI face camera).
    pub face_camera: String,
    /// The V4L2 node of the document camera (empty: the next camera found).
    pub document_camera: String,
    /// Look for U.are.U 4500 readers on USB (operator login and spot checks).
    pub usb_readers: bool,
}

impl Default for DeviceSettings {
    fn default() -> Self {
        DeviceSettings {
            sbi_ports: [4501, 4600],
            sbi_trust_anchors: Vec::new(),
            sbi_env: "Production".into(),
            face_camera: String::new(),
            document_camera: String::new(),
            usb_readers: true,
        }
    }
}

impl DeviceSettings {
    fn anchors(&self) -> Result<sbi::TrustAnchors, sbi::TrustError> {
        let mut all = sbi::TrustAnchors::default();
        for pem in &self.sbi_trust_anchors {
            all.add(sbi::TrustAnchors::from_bytes(pem.as_bytes())?);
        }
        Ok(all)
    }
}

/// What a device is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Fingerprint,
    Iris,
    Face,
    Document,
    /// A single-finger reader: operator login and spot checks, not enrollment slaps.
    LoginReader,
}

impl Modality {
    pub const ENROLLMENT: [Modality; 4] =
        [Modality::Document, Modality::Face, Modality::Fingerprint, Modality::Iris];

    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Fingerprint => "fingerprint",
            Modality::Iris => "iris",
            Modality::Face => "face",
            Modality::Document => "document",
            Modality::LoginReader => "login_reader",
        }
    }
}

/// One line of the device list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entry {
    pub modality: Modality,
    /// simulated, sbi, usb, camera; or absent (nothing attached) and untrusted (found, refused).
    pub kind: &'static str,
    pub make: String,
    pub model: String,
    pub serial: String,
    pub firmware: String,
    /// ready, busy, not_ready, disconnected, absent, untrusted.
    pub status: &'static str,
    /// Where it is and who vouches for it (port and signer, node, bus address), or why it is
    /// refused; empty when there is nothing to say.
    pub detail: Bilingual,
}

fn none() -> Bilingual {
    Bilingual { ar: String::new(), en: String::new() }
}

/// The common name of a distinguished name (`CN=...`), or all of it.
fn common_name(dn: &str) -> &str {
    dn.split(',').map(str::trim).find_map(|p| p.strip_prefix("CN=")).unwrap_or(dn)
}

fn status_name(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Ready => "ready",
        DeviceStatus::Busy => "busy",
        DeviceStatus::NotReady => "not_ready",
        DeviceStatus::Disconnected => "disconnected",
    }
}

fn kind_name(b: Backend) -> &'static str {
    match b {
        Backend::Simulated => "simulated",
        Backend::Usb => "usb",
        Backend::Sbi => "sbi",
        Backend::Camera => "camera",
        Backend::Replayed => "replayed",
    }
}

/// What one look around found.
#[derive(Default)]
pub struct Discovery {
    /// Every SBI device found, trusted or not, by port.
    pub sbi: Vec<Result<sbi::Identity, (u16, SbiError)>>,
    pub cameras: Vec<uvc::Found>,
    pub readers: Vec<drivers::usb::live::Found>,
    /// Why a kind of device could not be looked for (no trust anchors, no USB access).
    pub problems: Vec<String>,
    client: Option<sbi::Client>,
}

/// Looks for devices. May take a few seconds when an SBI port answers slowly; holds no lock.
pub fn discover(settings: &DeviceSettings) -> Discovery {
    let mut d = Discovery::default();
    let [lo, hi] = settings.sbi_ports;
    match settings
        .anchors()
        .map_err(|e| e.to_string())
        .and_then(|a| sbi::Client::new(a).map_err(|e| e.to_string()))
        .map(|c| c.with_env(&settings.sbi_env))
    {
        Ok(client) => {
            for (port, _) in client.discover(lo..=hi, "Biometric Device") {
                match client.info(port) {
                    Ok(devices) => {
                        d.sbi.extend(devices.into_iter().map(|r| r.map_err(|e| (port, e))))
                    }
                    Err(e) => d.sbi.push(Err((port, e))),
                }
            }
            d.client = Some(client);
        }
        // Without anchors nothing an SBI device says could be checked: none is looked for.
        Err(e) => d.problems.push(format!("SBI: {e}")),
    }
    d.cameras = uvc::enumerate();
    if settings.usb_readers {
        match drivers::usb::live::find(drivers::uru4500::VENDOR_ID, drivers::uru4500::PRODUCT_ID) {
            Ok(r) => d.readers = r,
            Err(e) => d.problems.push(format!("USB: {e}")),
        }
    }
    d
}

/// A device shared between the station's enrollments (one handle, one capture thread).
type Shared<T> = Arc<Mutex<T>>;

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Slot<T: ?Sized> {
    /// What identifies it across looks (SBI signer and device id, camera node).
    key: String,
    detail: Bilingual,
    info: DeviceInfo,
    device: Shared<Box<T>>,
}

/// The devices attached now.
#[derive(Default)]
pub struct Attached {
    fingerprint: Option<Slot<dyn FingerprintScanner>>,
    iris: Option<Slot<dyn IrisCamera>>,
    face: Option<Slot<dyn Camera>>,
    document: Option<Slot<dyn Camera>>,
    readers: Vec<Entry>,
    refused: Vec<Entry>,
    problems: Vec<String>,
}

fn sbi_key(i: &sbi::Identity) -> String {
    format!("sbi:{}:{}:{}", i.port, i.device_id, i.signer_fingerprint)
}

fn sbi_detail(i: &sbi::Identity) -> Bilingual {
    Message::new("device-detail-sbi")
        .with("port", i.port)
        .with("id", &i.device_id)
        .with("level", format!("{} {}", i.certification, i.env))
        .with("signer", common_name(&i.signer))
        .with("anchor", common_name(&i.anchor))
        .both()
}

fn camera_detail(c: &uvc::Found) -> Bilingual {
    Message::new("device-detail-camera")
        .with("node", c.node.display())
        .with("usb", c.usb_id.as_deref().unwrap_or("-"))
        .both()
}

/// Keeps `slot` if `key` is what it holds, else opens anew with `open` (or empties it).
fn keep_or_open<T: ?Sized>(
    slot: &mut Option<Slot<T>>,
    want: Option<(String, Bilingual)>,
    open: impl FnOnce() -> Option<Box<T>>,
    info: impl Fn(&T) -> DeviceInfo,
) {
    match want {
        Some((key, detail)) => {
            if slot.as_ref().is_some_and(|s| s.key == key) {
                return;
            }
            *slot = open().map(|d| Slot {
                key,
                detail,
                info: info(&d),
                device: Arc::new(Mutex::new(d)),
            });
        }
        None => *slot = None,
    }
}

/// A device's status without waiting for it: one busy capturing holds its lock, and says so.
fn status_now<T: ?Sized>(slot: &Slot<T>, status: impl Fn(&T) -> DeviceStatus) -> DeviceStatus {
    match slot.device.try_lock() {
        Ok(d) => status(&d),
        Err(std::sync::TryLockError::Poisoned(p)) => status(&p.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => DeviceStatus::Busy,
    }
}

impl Attached {
    /// Takes in what a look found: devices still there are kept as they are, new ones opened,
    /// those gone dropped.
    pub fn apply(&mut self, found: Discovery, settings: &DeviceSettings) {
        let trusted: Vec<&sbi::Identity> =
            found.sbi.iter().filter_map(|r| r.as_ref().ok()).collect();
        let of = |kind: &str| {
            trusted
                .iter()
                .find(|i| {
                    i.digital_id.kind.eq_ignore_ascii_case(kind)
                        && i.purpose.eq_ignore_ascii_case("Registration")
                })
                .copied()
        };
        let client = found.client.clone();

        let finger = of("Finger");
        keep_or_open(
            &mut self.fingerprint,
            finger.map(|i| (sbi_key(i), sbi_detail(i))),
            || {
                let (c, i) = (client.clone()?, finger?.clone());
                sbi::devices::SbiFingerprint::new(c, i)
                    .ok()
                    .map(|d| Box::new(d) as Box<dyn FingerprintScanner>)
            },
            drivers::device::FingerprintScanner::info,
        );
        let iris = of("Iris");
        keep_or_open(
            &mut self.iris,
            iris.map(|i| (sbi_key(i), sbi_detail(i))),
            || {
                let (c, i) = (client.clone()?, iris?.clone());
                sbi::devices::SbiIris::new(c, i).ok().map(|d| Box::new(d) as Box<dyn IrisCamera>)
            },
            drivers::device::IrisCamera::info,
        );

        // Cameras: an SBI face camera first; else the configured node or the first camera found.
        let named = |node: &str| found.cameras.iter().find(|c| c.node.to_string_lossy() == node);
        let face_node = if settings.face_camera.is_empty() {
            found.cameras.first()
        } else {
            named(&settings.face_camera)
        };
        let sbi_face = of("Face");
        let face_want = match (sbi_face, face_node) {
            (Some(i), _) => Some((sbi_key(i), sbi_detail(i))),
            (None, Some(c)) => Some((format!("uvc:{}", c.node.display()), camera_detail(c))),
            (None, None) => None,
        };
        keep_or_open(
            &mut self.face,
            face_want,
            || match (sbi_face, face_node) {
                (Some(i), _) => sbi::devices::SbiFace::new(client.clone()?, i.clone())
                    .ok()
                    .map(|d| Box::new(d) as Box<dyn Camera>),
                (None, Some(c)) => Some(Box::new(UvcCamera::open(
                    Source::Device(c.node.clone()),
                    CameraConfig::default(),
                    &c.name,
                )) as Box<dyn Camera>),
                (None, None) => None,
            },
            drivers::device::Camera::info,
        );
        let face_uvc = if sbi_face.is_none() { face_node.map(|c| c.node.clone()) } else { None };
        let doc_node = if settings.document_camera.is_empty() {
            found.cameras.iter().find(|c| Some(&c.node) != face_uvc.as_ref())
        } else {
            named(&settings.document_camera)
        };
        keep_or_open(
            &mut self.document,
            doc_node.map(|c| (format!("uvc:{}", c.node.display()), camera_detail(c))),
            || {
                let c = doc_node?;
                // Documents: a still as sharp as the camera gives, exposure kept for the glare check.
                let cfg = CameraConfig {
                    width: 1920,
                    height: 1080,
                    fps: 15.0,
                    ..CameraConfig::default()
                };
                Some(Box::new(UvcCamera::open(Source::Device(c.node.clone()), cfg, &c.name))
                    as Box<dyn Camera>)
            },
            drivers::device::Camera::info,
        );

        self.readers = found
            .readers
            .iter()
            .map(|r| Entry {
                modality: Modality::LoginReader,
                kind: "usb",
                make: "DigitalPersona".into(),
                model: "U.are.U 4500".into(),
                serial: r.serial.clone(),
                firmware: String::new(),
                status: "ready",
                detail: Message::new("device-detail-usb")
                    .with("bus", r.info.busnum())
                    .with("address", r.info.device_address())
                    .both(),
            })
            .collect();
        self.refused = found
            .sbi
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|(port, e)| Entry {
                modality: Modality::Fingerprint,
                kind: "sbi",
                make: String::new(),
                model: String::new(),
                serial: String::new(),
                firmware: String::new(),
                status: "untrusted",
                detail: Message::new("device-detail-refused")
                    .with("port", port)
                    .nested("detail", crate::explain::device(&e.clone().into()))
                    .both(),
            })
            .collect();
        self.problems = found.problems;
    }

    fn attached(&self, m: Modality) -> Option<(DeviceInfo, DeviceStatus, Bilingual)> {
        match m {
            Modality::Fingerprint => self.fingerprint.as_ref().map(|s| {
                (
                    s.info.clone(),
                    status_now(s, drivers::device::FingerprintScanner::status),
                    s.detail.clone(),
                )
            }),
            Modality::Iris => self.iris.as_ref().map(|s| {
                (
                    s.info.clone(),
                    status_now(s, drivers::device::IrisCamera::status),
                    s.detail.clone(),
                )
            }),
            Modality::Face => self.face.as_ref().map(|s| {
                (s.info.clone(), status_now(s, drivers::device::Camera::status), s.detail.clone())
            }),
            Modality::Document => self.document.as_ref().map(|s| {
                (s.info.clone(), status_now(s, drivers::device::Camera::status), s.detail.clone())
            }),
            Modality::LoginReader => None,
        }
    }

    /// Every device, one line each: the one used per modality (attached, simulated where the
    /// station's mode allows it, or absent), the login readers, and the devices found but refused.
    pub fn inventory(&self, simulation: bool) -> Vec<Entry> {
        let mut out: Vec<Entry> = Modality::ENROLLMENT
            .iter()
            .map(|m| match self.attached(*m) {
                Some((i, st, detail)) => Entry {
                    modality: *m,
                    kind: kind_name(i.backend),
                    make: i.make,
                    model: i.model,
                    serial: i.serial,
                    firmware: i.firmware,
                    status: status_name(st),
                    detail,
                },
                None if simulation => Entry {
                    modality: *m,
                    kind: "simulated",
                    make: "Hukumati".into(),
                    model: "simulated".into(),
                    serial: String::new(),
                    firmware: String::new(),
                    status: "ready",
                    detail: Message::new("device-detail-simulated").both(),
                },
                None => Entry {
                    modality: *m,
                    kind: "absent",
                    make: String::new(),
                    model: String::new(),
                    serial: String::new(),
                    firmware: String::new(),
                    status: "absent",
                    detail: none(),
                },
            })
            .collect();
        out.extend(self.readers.iter().cloned());
        out.extend(self.refused.iter().cloned());
        out
    }

    /// Why some devices could not be looked for.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// One finger of an official from the attached reader: never a simulated one, on any
    /// station (simulated fingers share their pattern's ridge flow and match each other).
    pub fn read_official_finger(
        attached: &Mutex<Attached>,
        timeout: Duration,
    ) -> Result<drivers::device::FingerCapture, DeviceError> {
        let device = lock(attached)
            .fingerprint
            .as_ref()
            .map(|s| s.device.clone())
            .ok_or(DeviceError::Absent)?;
        let mut d = lock(&device);
        d.new_transaction();
        d.capture_finger(drivers::device::Finger::RightIndex, timeout)
    }

    /// One device per modality for an enrollment: attached, else simulated from `sims` where
    /// `simulation` is allowed (training and demo stations), else absent: a production station
    /// never falls back to a simulated device. Each attached device starts a new capture
    /// transaction.
    pub fn assemble(&self, simulation: bool, sims: Devices) -> Devices {
        let Devices { fingerprint, iris, face, document } = sims;
        Devices {
            fingerprint: match &self.fingerprint {
                Some(s) => {
                    lock(&s.device).new_transaction();
                    Box::new(SharedFinger(s.device.clone()))
                }
                None if simulation => fingerprint,
                None => Box::new(Absent(Modality::Fingerprint)),
            },
            iris: match &self.iris {
                Some(s) => {
                    lock(&s.device).new_transaction();
                    Box::new(SharedIris(s.device.clone()))
                }
                None if simulation => iris,
                None => Box::new(Absent(Modality::Iris)),
            },
            face: match &self.face {
                Some(s) => {
                    lock(&s.device).new_transaction();
                    Box::new(SharedCamera(s.device.clone()))
                }
                None if simulation => face,
                None => Box::new(Absent(Modality::Face)),
            },
            document: match &self.document {
                Some(s) => Box::new(SharedCamera(s.device.clone())),
                None if simulation => document,
                None => Box::new(Absent(Modality::Document)),
            },
        }
    }
}

/// The device list of a set of devices in hand (the simulated ones of a script).
pub fn inventory_of(d: &Devices) -> Vec<Entry> {
    let line = |m: Modality, i: DeviceInfo, st: DeviceStatus| Entry {
        modality: m,
        kind: kind_name(i.backend),
        make: i.make,
        model: i.model,
        serial: i.serial,
        firmware: i.firmware,
        status: status_name(st),
        detail: none(),
    };
    vec![
        line(Modality::Document, d.document.info(), d.document.status()),
        line(Modality::Face, d.face.info(), d.face.status()),
        line(Modality::Fingerprint, d.fingerprint.info(), d.fingerprint.status()),
        line(Modality::Iris, d.iris.info(), d.iris.status()),
    ]
}

struct SharedFinger(Shared<Box<dyn FingerprintScanner>>);
struct SharedIris(Shared<Box<dyn IrisCamera>>);
struct SharedCamera(Shared<Box<dyn Camera>>);

impl FingerprintScanner for SharedFinger {
    fn info(&self) -> DeviceInfo {
        lock(&self.0).info()
    }
    fn status(&self) -> DeviceStatus {
        lock(&self.0).status()
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        lock(&self.0).preview()
    }
    fn capture_finger(
        &mut self,
        finger: Finger,
        timeout: Duration,
    ) -> Result<FingerCapture, DeviceError> {
        lock(&self.0).capture_finger(finger, timeout)
    }
    fn capture_slap(
        &mut self,
        slap: Slap,
        absent: &[Finger],
        timeout: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError> {
        lock(&self.0).capture_slap(slap, absent, timeout)
    }
    fn new_transaction(&mut self) {
        lock(&self.0).new_transaction()
    }
}

impl IrisCamera for SharedIris {
    fn info(&self) -> DeviceInfo {
        lock(&self.0).info()
    }
    fn status(&self) -> DeviceStatus {
        lock(&self.0).status()
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        lock(&self.0).preview()
    }
    fn capture(
        &mut self,
        eyes: &[Eye],
        timeout: Duration,
    ) -> Result<Vec<IrisCapture>, DeviceError> {
        lock(&self.0).capture(eyes, timeout)
    }
    fn new_transaction(&mut self) {
        lock(&self.0).new_transaction()
    }
}

impl Camera for SharedCamera {
    fn info(&self) -> DeviceInfo {
        lock(&self.0).info()
    }
    fn status(&self) -> DeviceStatus {
        lock(&self.0).status()
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        lock(&self.0).preview()
    }
    fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        lock(&self.0).capture(timeout)
    }
    fn capture_signed(
        &mut self,
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        lock(&self.0).capture_signed(timeout)
    }
    fn capture_exception_photo(
        &mut self,
        fingers: &[Finger],
        eyes: &[Eye],
        timeout: Duration,
    ) -> Result<(Image, Option<Signed>), DeviceError> {
        lock(&self.0).capture_exception_photo(fingers, eyes, timeout)
    }
    fn new_transaction(&mut self) {
        lock(&self.0).new_transaction()
    }
}

/// No device of this modality is attached (and the station may not simulate one): every capture
/// says so.
pub struct Absent(pub Modality);

impl Absent {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            backend: Backend::Simulated,
            make: String::new(),
            model: format!("no {} device", self.0.as_str()),
            serial: String::new(),
            firmware: String::new(),
        }
    }
}

impl FingerprintScanner for Absent {
    fn info(&self) -> DeviceInfo {
        Absent::info(self)
    }
    fn status(&self) -> DeviceStatus {
        DeviceStatus::Disconnected
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        Err(DeviceError::Absent)
    }
    fn capture_finger(&mut self, _: Finger, _: Duration) -> Result<FingerCapture, DeviceError> {
        Err(DeviceError::Absent)
    }
    fn capture_slap(
        &mut self,
        _: Slap,
        _: &[Finger],
        _: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError> {
        Err(DeviceError::Absent)
    }
}

impl IrisCamera for Absent {
    fn info(&self) -> DeviceInfo {
        Absent::info(self)
    }
    fn status(&self) -> DeviceStatus {
        DeviceStatus::Disconnected
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        Err(DeviceError::Absent)
    }
    fn capture(&mut self, _: &[Eye], _: Duration) -> Result<Vec<IrisCapture>, DeviceError> {
        Err(DeviceError::Absent)
    }
}

impl Camera for Absent {
    fn info(&self) -> DeviceInfo {
        Absent::info(self)
    }
    fn status(&self) -> DeviceStatus {
        DeviceStatus::Disconnected
    }
    fn preview(&mut self) -> Result<Frame, DeviceError> {
        Err(DeviceError::Absent)
    }
    fn capture(&mut self, _: Duration) -> Result<Image, DeviceError> {
        Err(DeviceError::Absent)
    }
}

/// Looks for devices in the background: every `every`, and at once when a U.are.U reader is
/// plugged in or out.
pub struct Watcher {
    pub attached: Arc<Mutex<Attached>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    wake: std::sync::mpsc::Sender<()>,
    /// Looks completed (the admin screen shows when the list was last refreshed).
    pub looks: Arc<std::sync::atomic::AtomicU64>,
}

impl Watcher {
    pub fn start(settings: DeviceSettings, every: Duration) -> Watcher {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let attached = Arc::new(Mutex::new(Attached::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let looks = Arc::new(AtomicU64::new(0));
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        // USB hotplug wakes the watcher; without USB access it looks on its timer only.
        if settings.usb_readers
            && let Ok(events) =
                drivers::usb::live::watch(drivers::uru4500::VENDOR_ID, drivers::uru4500::PRODUCT_ID)
        {
            let w = wake.clone();
            std::thread::Builder::new()
                .name("device-hotplug".into())
                .spawn(move || {
                    while events.recv().is_ok() {
                        if w.send(()).is_err() {
                            return;
                        }
                    }
                })
                .ok();
        }
        let (a, s, l) = (attached.clone(), stop.clone(), looks.clone());
        std::thread::Builder::new()
            .name("device-watcher".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    let found = discover(&settings);
                    lock(&a).apply(found, &settings);
                    l.fetch_add(1, Ordering::Relaxed);
                    match woken.recv_timeout(every) {
                        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .expect("a thread for the device watcher");
        Watcher { attached, stop, wake, looks }
    }

    /// Looks again now.
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.wake.send(());
    }
}
