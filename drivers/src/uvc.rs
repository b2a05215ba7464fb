//! UVC cameras (document, face, near-infrared iris) through OpenCV's V4L2 capture.
//!
//! A [`UvcCamera`] owns a capture thread: it opens the source, asks for the configured format,
//! resolution, frame rate and (where the camera supports it) a fixed exposure, reads what the
//! camera actually chose, and then reads frames into a one-frame mailbox ([`crate::latest`]), so
//! the UI always gets the newest frame and never a backlog however slow it is. When the camera
//! goes away (unplugged, or a file source ends), the thread says so and tries to open it again
//! every [`REOPEN_EVERY`]. Dropping the camera stops the thread and waits for it (up to
//! [`STOP_WAIT`]), so no OpenCV call is still running while the process exits.
//!
//! A source is a V4L2 device (`/dev/videoN`) or, for tests and training, a video file or an image
//! sequence (`frame_%03d.png`) opened through the same code path, paced at the configured rate.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opencv::core::Mat;
use opencv::prelude::*;
use opencv::{imgproc, videoio};

use crate::device::*;
use crate::latest::{Counts, Latest};
use crate::raster::Image;

/// How often a camera that went away is looked for again.
pub const REOPEN_EVERY: Duration = Duration::from_millis(500);
/// How long dropping a camera waits for its thread to leave OpenCV (a V4L2 read that hangs is
/// left behind after this, rather than freezing the station).
pub const STOP_WAIT: Duration = Duration::from_secs(2);

/// Where frames come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A V4L2 device node (`/dev/video0`).
    Device(PathBuf),
    /// A video file or an image sequence pattern (`frames/%03d.png`): a virtual camera.
    File(PathBuf),
}

impl Source {
    fn open(&self) -> opencv::Result<videoio::VideoCapture> {
        match self {
            Source::Device(p) => videoio::VideoCapture::from_file(p, videoio::CAP_V4L2),
            // An image sequence names its frame number with a printf pattern; anything else is a
            // video file, read with FFmpeg (not probing every backend, which logs each refusal).
            Source::File(p) if p.to_string_lossy().contains('%') => {
                videoio::VideoCapture::from_file(p, videoio::CAP_IMAGES)
            }
            Source::File(p) => videoio::VideoCapture::from_file(p, videoio::CAP_FFMPEG),
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Device(p) | Source::File(p) => p.display().to_string(),
        }
    }
}

/// What the station asks of a camera. The camera may choose otherwise; [`Negotiated`] says what
/// it chose.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraConfig {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// A four-character pixel format (`MJPG`, `YUYV`); the camera's own when `None`.
    pub fourcc: Option<[u8; 4]>,
    /// A fixed exposure (V4L2 units of 100 µs), for iris and document cameras whose automatic
    /// exposure hunts; automatic when `None`.
    pub exposure: Option<f64>,
    /// Deliver 8-bit grey (near-infrared iris cameras) instead of RGB.
    pub grey: bool,
    /// Loop a file source at its end instead of treating the end as an unplug (demo, training).
    pub loop_file: bool,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            width: 1280,
            height: 720,
            fps: 30.0,
            fourcc: Some(*b"MJPG"),
            exposure: None,
            grey: false,
            loop_file: false,
        }
    }
}

/// What the camera agreed to, read back after opening.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Negotiated {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub fourcc: String,
    /// Whether the fixed exposure asked for was accepted.
    pub exposure_fixed: bool,
    pub backend: String,
}

/// A V4L2 video device found in sysfs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub node: PathBuf,
    pub name: String,
    /// USB vendor:product, when the device is on USB.
    pub usb_id: Option<String>,
}

/// The V4L2 capture devices under `sysfs` (normally `/sys/class/video4linux`), in node order.
/// Metadata nodes (`index` other than 0) are left out: a UVC camera shows two nodes, and only the
/// first captures images.
pub fn enumerate_in(sysfs: &Path, dev: &Path) -> Vec<Found> {
    let Ok(entries) = std::fs::read_dir(sysfs) else { return Vec::new() };
    let mut found: Vec<Found> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let dir = e.path();
            let node = e.file_name().to_string_lossy().to_string();
            if !node.starts_with("video") {
                return None;
            }
            let read =
                |f: &str| std::fs::read_to_string(dir.join(f)).ok().map(|s| s.trim().to_string());
            if read("index").is_some_and(|i| i != "0") {
                return None;
            }
            let usb = |f: &str| read(&format!("device/../{f}"));
            let usb_id = match (usb("idVendor"), usb("idProduct")) {
                (Some(v), Some(p)) => Some(format!("{v}:{p}")),
                _ => None,
            };
            Some(Found {
                node: dev.join(&node),
                name: read("name").unwrap_or_else(|| node.clone()),
                usb_id,
            })
        })
        .collect();
    found.sort_by_key(|f| {
        let n = f.node.file_name().map(|n| {
            n.to_string_lossy().trim_start_matches("video").parse::<u32>().unwrap_or(u32::MAX)
        });
        n.unwrap_or(u32::MAX)
    });
    found
}

/// The cameras of this machine.
pub fn enumerate() -> Vec<Found> {
    enumerate_in(Path::new("/sys/class/video4linux"), Path::new("/dev"))
}

const OPENING: u8 = 0;
const RUNNING: u8 = 1;
const GONE: u8 = 2;

struct Shared {
    frames: Latest<Frame>,
    state: AtomicU8,
    stop: AtomicBool,
    negotiated: Mutex<Option<Negotiated>>,
    last_error: Mutex<Option<String>>,
}

/// A camera read by a capture thread of its own.
pub struct UvcCamera {
    info: DeviceInfo,
    source: Source,
    shared: Arc<Shared>,
    last: Option<Frame>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Sleeps `d`, waking early when the camera is being stopped.
fn pause(shared: &Shared, d: Duration) {
    let until = Instant::now() + d;
    while !shared.stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= until {
            return;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(20)));
    }
}

fn fourcc_text(code: f64) -> String {
    let c = code as u32;
    let s: String = (0..4).map(|i| ((c >> (8 * i)) & 0xff) as u8 as char).collect();
    if s.chars().all(|c| c.is_ascii_graphic()) { s } else { String::new() }
}

/// Opens the source and applies the configuration.
fn open(
    source: &Source,
    cfg: &CameraConfig,
) -> Result<(videoio::VideoCapture, Negotiated), String> {
    let mut cap = source.open().map_err(|e| e.to_string())?;
    if !cap.is_opened().map_err(|e| e.to_string())? {
        return Err(format!("{} cannot be opened", source.describe()));
    }
    if matches!(source, Source::Device(_)) {
        if let Some(f) = cfg.fourcc {
            let code = videoio::VideoWriter::fourcc(
                f[0] as char,
                f[1] as char,
                f[2] as char,
                f[3] as char,
            )
            .map_err(|e| e.to_string())?;
            let _ = cap.set(videoio::CAP_PROP_FOURCC, f64::from(code));
        }
        let _ = cap.set(videoio::CAP_PROP_FRAME_WIDTH, f64::from(cfg.width));
        let _ = cap.set(videoio::CAP_PROP_FRAME_HEIGHT, f64::from(cfg.height));
        let _ = cap.set(videoio::CAP_PROP_FPS, cfg.fps);
        // Keep the driver's queue short: frames are taken as they come.
        let _ = cap.set(videoio::CAP_PROP_BUFFERSIZE, 1.0);
    }
    let mut exposure_fixed = false;
    if let (Source::Device(_), Some(e)) = (source, cfg.exposure) {
        // V4L2 through OpenCV: auto exposure 1 is manual, 3 is automatic.
        exposure_fixed = cap.set(videoio::CAP_PROP_AUTO_EXPOSURE, 1.0).unwrap_or(false)
            && cap.set(videoio::CAP_PROP_EXPOSURE, e).unwrap_or(false);
    }
    let get = |p| cap.get(p).unwrap_or(0.0);
    let negotiated = Negotiated {
        width: get(videoio::CAP_PROP_FRAME_WIDTH) as u32,
        height: get(videoio::CAP_PROP_FRAME_HEIGHT) as u32,
        fps: get(videoio::CAP_PROP_FPS),
        fourcc: fourcc_text(get(videoio::CAP_PROP_FOURCC)),
        exposure_fixed,
        backend: cap.get_backend_name().unwrap_or_default(),
    };
    Ok((cap, negotiated))
}

/// A BGR or grey OpenCV frame as an RGB (or grey) image.
fn to_image(mat: &Mat, grey: bool, scratch: &mut Mat) -> Result<Image, String> {
    let code = match (mat.channels(), grey) {
        (1, true) => None,
        (1, false) => Some(imgproc::COLOR_GRAY2RGB),
        (3, true) => Some(imgproc::COLOR_BGR2GRAY),
        (3, false) => Some(imgproc::COLOR_BGR2RGB),
        (4, true) => Some(imgproc::COLOR_BGRA2GRAY),
        (4, false) => Some(imgproc::COLOR_BGRA2RGB),
        (n, _) => return Err(format!("a frame with {n} channels")),
    };
    let m = match code {
        Some(c) => {
            imgproc::cvt_color_def(mat, scratch, c).map_err(|e| e.to_string())?;
            &*scratch
        }
        None => mat,
    };
    if m.depth() != opencv::core::CV_8U {
        return Err("a frame that is not 8-bit".into());
    }
    let data = if m.is_continuous() {
        m.data_bytes().map_err(|e| e.to_string())?.to_vec()
    } else {
        m.try_clone().map_err(|e| e.to_string())?.data_bytes().map_err(|e| e.to_string())?.to_vec()
    };
    Ok(Image {
        width: m.cols() as u32,
        height: m.rows() as u32,
        channels: m.channels() as u8,
        data,
    })
}

fn run(source: Source, cfg: CameraConfig, shared: Arc<Shared>) {
    let mut sequence = 0u64;
    let mut frame = Mat::default();
    let mut scratch = Mat::default();
    let period =
        if cfg.fps > 0.0 { Duration::from_secs_f64(1.0 / cfg.fps) } else { Duration::ZERO };
    let paced = matches!(source, Source::File(_));
    while !shared.stop.load(Ordering::Relaxed) {
        let mut cap = match open(&source, &cfg) {
            Ok((cap, n)) => {
                *shared.negotiated.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some(n);
                cap
            }
            Err(e) => {
                *shared.last_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some(e);
                shared.state.store(GONE, Ordering::Relaxed);
                pause(&shared, REOPEN_EVERY);
                continue;
            }
        };
        let mut next = Instant::now();
        loop {
            if shared.stop.load(Ordering::Relaxed) {
                return;
            }
            if paced {
                // A file has no sensor clock: deliver at the configured rate.
                let now = Instant::now();
                if next > now {
                    pause(&shared, next - now);
                }
                next = next.max(now) + period;
            }
            match cap.read(&mut frame) {
                Ok(true) if !frame.empty() => match to_image(&frame, cfg.grey, &mut scratch) {
                    Ok(image) => {
                        sequence += 1;
                        shared.frames.put(Frame { image, sequence });
                        shared.state.store(RUNNING, Ordering::Relaxed);
                    }
                    Err(e) => {
                        *shared
                            .last_error
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e)
                    }
                },
                _ => {
                    if paced && cfg.loop_file && sequence > 0 {
                        let _ = cap.set(videoio::CAP_PROP_POS_FRAMES, 0.0);
                        if cap.read(&mut frame).unwrap_or(false) {
                            let _ = cap.set(videoio::CAP_PROP_POS_FRAMES, 0.0);
                            continue;
                        }
                    }
                    // Unplugged (or the file ended): say so, then look for it again.
                    *shared.last_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                        Some(format!("{} stopped delivering frames", source.describe()));
                    shared.state.store(GONE, Ordering::Relaxed);
                    break;
                }
            }
        }
        drop(cap);
        pause(&shared, REOPEN_EVERY);
    }
}

impl UvcCamera {
    /// Starts reading `source`; `model` names the camera in the device list (the V4L2 card name).
    pub fn open(source: Source, cfg: CameraConfig, model: &str) -> UvcCamera {
        let shared = Arc::new(Shared {
            frames: Latest::new(),
            state: AtomicU8::new(OPENING),
            stop: AtomicBool::new(false),
            negotiated: Mutex::new(None),
            last_error: Mutex::new(None),
        });
        let (s, c, sh) = (source.clone(), cfg, shared.clone());
        let name = format!("uvc-{}", source.describe().rsplit('/').next().unwrap_or("camera"));
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || run(s, c, sh))
            .expect("a thread for the camera");
        let info = DeviceInfo {
            backend: Backend::Camera,
            make: "UVC".into(),
            model: model.into(),
            serial: source.describe(),
            firmware: String::new(),
        };
        UvcCamera { info, source, shared, last: None, thread: Some(thread) }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// What the camera agreed to (once it has been opened).
    pub fn negotiated(&self) -> Option<Negotiated> {
        self.shared.negotiated.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Frames delivered and frames replaced before the UI took them.
    pub fn counts(&self) -> Counts {
        self.shared.frames.counts()
    }

    pub fn last_error(&self) -> Option<String> {
        self.shared.last_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Drop for UvcCamera {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        let Some(thread) = self.thread.take() else { return };
        let until = Instant::now() + STOP_WAIT;
        while !thread.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

impl Camera for UvcCamera {
    fn info(&self) -> DeviceInfo {
        self.info.clone()
    }

    fn status(&self) -> DeviceStatus {
        match self.shared.state.load(Ordering::Relaxed) {
            RUNNING => DeviceStatus::Ready,
            OPENING => DeviceStatus::NotReady,
            _ => DeviceStatus::Disconnected,
        }
    }

    fn preview(&mut self) -> Result<Frame, DeviceError> {
        if let Some(f) = self.shared.frames.take() {
            self.last = Some(f);
        }
        if self.status() == DeviceStatus::Disconnected {
            return Err(DeviceError::Disconnected);
        }
        self.last.clone().ok_or_else(|| DeviceError::NotReady("waiting for the first frame".into()))
    }

    /// The next frame after the call (not one already shown), as the still.
    fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        let seen = self.last.as_ref().map(|f| f.sequence).unwrap_or(0);
        let until = Instant::now() + timeout;
        loop {
            if let Some(f) = self.shared.frames.take() {
                self.last = Some(f.clone());
                if f.sequence > seen {
                    return Ok(f.image);
                }
            }
            if self.status() == DeviceStatus::Disconnected {
                return Err(DeviceError::Disconnected);
            }
            if Instant::now() >= until {
                return Err(DeviceError::Timeout(timeout));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
