//! UVC cameras through OpenCV, with virtual sources (an image sequence, a video file) opened by
//! the same code path as a V4L2 device.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use drivers::device::{Camera, DeviceError, DeviceStatus};
use drivers::uvc::{CameraConfig, Source, UvcCamera, enumerate_in};
use opencv::core::{CV_8UC3, Mat, Scalar, Size};
use opencv::prelude::*;
use opencv::videoio;

/// Frame `i` is a uniform grey of level 10 * i (a level survives JPEG compression within a step).
fn level(i: usize) -> u8 {
    (10 * i).min(250) as u8
}

fn sequence(dir: &Path, n: usize) -> PathBuf {
    for i in 0..n {
        let img = image::GrayImage::from_pixel(64, 48, image::Luma([level(i)]));
        img.save(dir.join(format!("f_{i:03}.png"))).expect("write a frame");
    }
    dir.join("f_%03d.png")
}

fn video(path: &Path, n: usize) {
    let fourcc = videoio::VideoWriter::fourcc('M', 'J', 'P', 'G').expect("fourcc");
    let mut w =
        videoio::VideoWriter::new_def(path, fourcc, 25.0, Size::new(64, 48)).expect("a writer");
    assert!(w.is_opened().expect("opened"), "OpenCV can write MJPG AVI");
    for i in 0..n {
        let m = Mat::new_rows_cols_with_default(48, 64, CV_8UC3, Scalar::all(f64::from(level(i))))
            .expect("a frame");
        w.write(&m).expect("write");
    }
    w.release().expect("close");
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hukumati-uvc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn wait_for(cam: &UvcCamera, status: DeviceStatus, within: Duration) {
    let start = Instant::now();
    while cam.status() != status {
        assert!(
            start.elapsed() < within,
            "the camera stayed {:?} (wanted {status:?}): {:?}",
            cam.status(),
            cam.last_error()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_image_sequence_is_read_in_order_as_rgb_or_grey() {
    let dir = tmp("seq");
    let pattern = sequence(&dir, 12);
    let mut cam = UvcCamera::open(
        Source::File(pattern.clone()),
        CameraConfig { fps: 100.0, ..CameraConfig::default() },
        "virtual",
    );
    let mut levels = Vec::new();
    for _ in 0..5 {
        let img = cam.capture(Duration::from_secs(5)).expect("a frame");
        assert_eq!((img.width, img.height, img.channels), (64, 48, 3));
        assert_eq!(img.data.len(), 64 * 48 * 3);
        // Grey in, grey RGB out.
        assert_eq!(img.data[0], img.data[1]);
        levels.push(img.data[0]);
    }
    assert!(levels.windows(2).all(|w| w[0] < w[1]), "each capture is a newer frame: {levels:?}");
    let n = cam.negotiated().expect("opened");
    assert_eq!((n.width, n.height), (64, 48));

    let mut iris = UvcCamera::open(
        Source::File(pattern),
        CameraConfig { fps: 100.0, grey: true, ..CameraConfig::default() },
        "virtual",
    );
    let img = iris.capture(Duration::from_secs(5)).expect("a frame");
    assert_eq!(img.channels, 1, "a near-infrared camera delivers grey");
    assert_eq!(img.data.len(), 64 * 48);
}

#[test]
fn a_slow_ui_gets_the_newest_frame_and_no_backlog() {
    let dir = tmp("slow");
    let path = dir.join("clip.avi");
    video(&path, 400);
    let mut cam = UvcCamera::open(
        Source::File(path),
        CameraConfig { fps: 200.0, ..CameraConfig::default() },
        "virtual",
    );
    cam.capture(Duration::from_secs(5)).expect("first frame");
    for _ in 0..4 {
        // The UI is busy for 100 ms: 20 frames come meanwhile.
        std::thread::sleep(Duration::from_millis(100));
        let f = cam.preview().expect("a frame");
        let put = cam.counts().put;
        assert!(
            f.sequence + 2 >= put,
            "the frame shown ({}) is at most a frame or two behind the camera ({put})",
            f.sequence
        );
        // Nothing else is waiting: the next frame is a new one, not an old one queued.
        let again = cam.preview().expect("a frame");
        assert_eq!(again.sequence, f.sequence, "no queued frame behind the one taken");
    }
    let c = cam.counts();
    assert!(
        c.dropped > c.put / 2,
        "frames the UI had no time for were replaced, not queued: {c:?}"
    );
}

#[test]
fn a_camera_that_goes_away_is_reported_and_reopened() {
    let dir = tmp("gone");
    let path = dir.join("clip.avi");
    let mut cam = UvcCamera::open(
        Source::File(path.clone()),
        CameraConfig { fps: 100.0, ..CameraConfig::default() },
        "virtual",
    );
    wait_for(&cam, DeviceStatus::Disconnected, Duration::from_secs(5));
    assert_eq!(cam.preview().map(|_| ()), Err(DeviceError::Disconnected));
    assert!(cam.last_error().is_some_and(|e| e.contains("clip.avi")), "{:?}", cam.last_error());

    // Plugged in: frames come without anyone asking.
    video(&path, 30);
    wait_for(&cam, DeviceStatus::Ready, Duration::from_secs(5));
    let first = cam.capture(Duration::from_secs(5)).expect("a frame");
    assert_eq!(first.width, 64);
    // The clip ends (an unplug); the camera is reported gone, then found again.
    wait_for(&cam, DeviceStatus::Disconnected, Duration::from_secs(5));
    let before = cam.counts().put;
    wait_for(&cam, DeviceStatus::Ready, Duration::from_secs(5));
    cam.capture(Duration::from_secs(5)).expect("frames again");
    assert!(cam.counts().put > before);

    // A file that is not a video: reported, never a panic.
    let junk = dir.join("junk.avi");
    std::fs::write(&junk, b"not a video").expect("write");
    let mut bad = UvcCamera::open(Source::File(junk), CameraConfig::default(), "virtual");
    wait_for(&bad, DeviceStatus::Disconnected, Duration::from_secs(5));
    assert!(matches!(bad.capture(Duration::from_millis(200)), Err(DeviceError::Disconnected)));
}

#[test]
fn a_file_source_can_loop_for_demos() {
    let dir = tmp("loop");
    let path = dir.join("clip.avi");
    video(&path, 5);
    let mut cam = UvcCamera::open(
        Source::File(path),
        CameraConfig { fps: 100.0, loop_file: true, ..CameraConfig::default() },
        "virtual",
    );
    cam.capture(Duration::from_secs(5)).expect("a frame");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(cam.status(), DeviceStatus::Ready);
    assert!(cam.counts().put > 10, "more frames than the clip has: {:?}", cam.counts());
}

#[test]
fn cameras_are_found_in_sysfs_without_their_metadata_nodes() {
    let root = tmp("sysfs");
    let usb = root.join("devices/usb1/1-1");
    std::fs::create_dir_all(usb.join("1-1:1.0")).expect("dirs");
    std::fs::write(usb.join("idVendor"), "046d\n").expect("write");
    std::fs::write(usb.join("idProduct"), "0825\n").expect("write");
    let class = root.join("class");
    for (node, index, name) in [
        ("video2", "0", "Document camera"),
        ("video0", "0", "HD Webcam C270"),
        ("video1", "1", "HD Webcam C270"),
    ] {
        let d = class.join(node);
        std::fs::create_dir_all(&d).expect("dir");
        std::fs::write(d.join("index"), format!("{index}\n")).expect("write");
        std::fs::write(d.join("name"), format!("{name}\n")).expect("write");
    }
    std::os::unix::fs::symlink(usb.join("1-1:1.0"), class.join("video0/device")).expect("symlink");
    let found = enumerate_in(&class, Path::new("/dev"));
    let nodes: Vec<String> = found.iter().map(|f| f.node.display().to_string()).collect();
    assert_eq!(nodes, ["/dev/video0", "/dev/video2"]);
    assert_eq!(found[0].name, "HD Webcam C270");
    assert_eq!(found[0].usb_id.as_deref(), Some("046d:0825"));
    assert_eq!(found[1].usb_id, None);
    assert!(enumerate_in(&root.join("missing"), Path::new("/dev")).is_empty());
}

/// The names of this process's threads (Linux truncates them to 15 bytes).
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .collect()
}

#[test]
fn dropping_a_camera_stops_its_thread() {
    let dir = tmp("stop");
    // One camera waiting for a file that is not there, one reading frames.
    let missing =
        UvcCamera::open(Source::File(dir.join("stopa.avi")), CameraConfig::default(), "virtual");
    let path = dir.join("stopb.avi");
    video(&path, 30);
    let mut running = UvcCamera::open(
        Source::File(path),
        CameraConfig { fps: 100.0, loop_file: true, ..CameraConfig::default() },
        "virtual",
    );
    running.capture(Duration::from_secs(5)).expect("a frame");
    wait_for(&missing, DeviceStatus::Disconnected, Duration::from_secs(5));
    let names = thread_names();
    assert!(
        names.iter().any(|n| n == "uvc-stopa.avi") && names.iter().any(|n| n == "uvc-stopb.avi"),
        "{names:?}"
    );

    let start = Instant::now();
    drop(missing);
    drop(running);
    // The waiting camera is not left sleeping out its reopen interval.
    assert!(start.elapsed() < drivers::uvc::REOPEN_EVERY, "{:?}", start.elapsed());
    let names = thread_names();
    assert!(
        !names.iter().any(|n| n.starts_with("uvc-stop")),
        "the capture threads are gone when the cameras are: {names:?}"
    );
}
