//! Camera frames to the UI: a virtual 1280x720 camera at 30 frames a second (an MJPG clip read
//! through the same OpenCV path as a V4L2 device), and a UI that takes frames faster and slower
//! than the camera delivers them. Goal: at most one frame of queueing, and no growing backlog
//! when the UI is slower than the camera.
//!
//! `cargo bench -p drivers --bench camera`

use std::time::{Duration, Instant};

use drivers::device::Camera;
use drivers::uvc::{CameraConfig, Source, UvcCamera};
use opencv::core::{CV_8UC3, Mat, Point, Scalar, Size};
use opencv::prelude::*;
use opencv::{imgproc, videoio};

fn clip(path: &std::path::Path, frames: i32) {
    let fourcc = videoio::VideoWriter::fourcc('M', 'J', 'P', 'G').unwrap();
    let mut w = videoio::VideoWriter::new_def(path, fourcc, 30.0, Size::new(1280, 720)).unwrap();
    for i in 0..frames {
        let mut m = Mat::new_rows_cols_with_default(
            720,
            1280,
            CV_8UC3,
            Scalar::new(40.0, 90.0, 160.0, 0.0),
        )
        .unwrap();
        imgproc::circle_def(&mut m, Point::new(100 + i * 4, 360), 120, Scalar::all(230.0)).unwrap();
        w.write(&m).unwrap();
    }
    w.release().unwrap();
}

/// Runs a UI loop taking a frame every `ui_period` for `run`; returns (frames shown, the most
/// frames the shown one was behind the camera's newest, frames the camera delivered, frames
/// replaced unseen). "Behind" 0 means the UI always showed the newest frame: nothing queued.
fn ui(cam: &mut UvcCamera, ui_period: Duration, run: Duration) -> (u64, u64, u64, u64) {
    cam.capture(Duration::from_secs(10)).unwrap();
    let start_counts = cam.counts();
    let start = Instant::now();
    let (mut shown, mut behind, mut last) = (0, 0, 0);
    while start.elapsed() < run {
        std::thread::sleep(ui_period);
        if let Ok(f) = cam.preview() {
            let put = cam.counts().put;
            behind = behind.max(put.saturating_sub(f.sequence));
            if f.sequence != last {
                shown += 1;
                last = f.sequence;
            }
        }
    }
    let c = cam.counts();
    (shown, behind, c.put - start_counts.put, c.dropped - start_counts.dropped)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("hukumati-camera-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clip.avi");
    clip(&path, 120);
    println!(
        "virtual camera: 1280x720 MJPG at 30 frames/s, RGB frames to the UI through a one-frame mailbox"
    );
    println!(
        "{:<28} {:>8} {:>8} {:>10} {:>12}",
        "UI refresh", "camera", "shown", "replaced", "behind (max)"
    );
    for (label, period) in
        [("60 Hz (faster than camera)", 16), ("10 Hz (slower)", 100), ("2 Hz (stalled UI)", 500)]
    {
        let mut cam = UvcCamera::open(
            Source::File(path.clone()),
            CameraConfig { fps: 30.0, loop_file: true, ..CameraConfig::default() },
            "virtual",
        );
        let (shown, behind, put, dropped) =
            ui(&mut cam, Duration::from_millis(period), Duration::from_secs(4));
        println!("{label:<28} {put:>8} {shown:>8} {dropped:>10} {behind:>12}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
