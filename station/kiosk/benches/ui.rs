//! Kiosk benchmark: `cargo bench -p station-kiosk --bench ui`.
//!
//! 1. Reaching the login screen: opening the station, loading the translations, installing the
//!    fonts and drawing the first frame (everything the app does before the clerk can type; the
//!    window itself is the platform's).
//! 2. A frame of the face step with a 1280x720 preview that changes every frame, as at 30 fps:
//!    the UI's own work (layout through the bidi path, converting the frame into the preview
//!    texture, the verdict overlay, tessellation), apart from taking the frame from the device
//!    and judging it (timed on its own: waiting for each verdict, and as the kiosk does, drawing
//!    at once with the newest verdict the judging thread has). Percentiles over 600 frames.
//! 3. Peak memory (VmHWM) of the process after a full enrollment driven through the kiosk's
//!    model with those frames drawn along the way.
//!
//! Goals (issue 4): UI work <= 8 ms at the 95th percentile; login screen in < 1 s; < 300 MB.

use std::time::{Duration, Instant};

use egui::{Pos2, RawInput, Rect, vec2};
use station_core::station::Station;
use station_core::workflow::Stage;
use station_kiosk::{Action, App, Model, Screen};
use station_text::i18n::Translations;

mod support;
use support::T0;

fn input(frame: u64) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
        time: Some(frame as f64 / 30.0),
        ..Default::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn vm_hwm_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Draws one frame and tessellates it; returns the time taken.
fn frame(ctx: &egui::Context, app: &mut App, n: u64) -> Duration {
    let t = Instant::now();
    let out = ctx.run_ui(input(n), |ui| app.draw(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
    t.elapsed()
}

fn main() {
    let dir = support::demo_station("ui");
    {
        let mut s = Station::open(&dir).unwrap();
        let admin = s.login("admin1", "bench", T0).unwrap();
        // Auto-capture off: the face step's frames are measured until the bench moves on (the
        // still simulated face is judged ready, and would be captured after five frames).
        let mut config = s.config.clone();
        config.capture.quality.auto_capture_frames = 0;
        s.set_config(&admin, config, T0).unwrap();
    }
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(0),
        std::env::consts::ARCH
    );

    // 1. To the login screen.
    let t = Instant::now();
    let station = Station::open(&dir).unwrap();
    let tr = Translations::load().unwrap();
    let ctx = egui::Context::default();
    App::setup(&ctx);
    let mut app = App::new(Model::new(station, Box::new(|| T0)), tr);
    frame(&ctx, &mut app, 0);
    let to_login = t.elapsed();
    assert_eq!(app.model.screen, Screen::Login);
    println!("login screen ready: {:.1} ms (goal < 1000 ms)", to_login.as_secs_f64() * 1e3);

    // To the face step.
    app.model.username = "clerk1".into();
    app.model.password = "bench".into();
    app.model.apply(Action::LogIn);
    app.model.apply(Action::NewEnrollment);
    app.model.apply(Action::Consent(true));
    let f = &mut app.model.form;
    f.name_ar = ["سلمى", "يوسف", "محمود", "الخطيب"].map(String::from);
    f.name_latin = ["Salma", "Yousef", "Mahmoud", "Al-Khatib"].map(String::from);
    f.national_id = "401234562".into();
    f.date_of_birth = "1990-05-12".into();
    f.sex = "female".into();
    f.locality = "Al-Bireh".into();
    f.governorate = "رام الله والبيرة".into();
    f.document_expiry = "2031-03-01".into();
    app.model.apply(Action::Advance);
    app.model.apply(Action::Advance);
    assert_eq!(
        app.model.enrolling.as_ref().map(|e| e.stage),
        Some(Stage::Face),
        "{:?} {:?}",
        app.model.refusal,
        app.model.field_errors
    );

    // 2. Frames with a fresh 720p preview each.
    let (mut ui_times, mut device_times) = (Vec::new(), Vec::new());
    for n in 1..=660 {
        let t = Instant::now();
        app.model.poll_live();
        let device = t.elapsed();
        let ui = frame(&ctx, &mut app, n);
        if n > 60 {
            device_times.push(device);
            ui_times.push(ui);
        }
    }
    let live = app.model.live.as_ref().unwrap();
    assert_eq!((live.frame.image.width, live.frame.image.height), (1280, 720));
    ui_times.sort();
    device_times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "face step, 1280x720 preview, UI work per frame: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (goal p95 <= 8 ms)",
        ms(percentile(&ui_times, 0.5)),
        ms(percentile(&ui_times, 0.95)),
        ms(*ui_times.last().unwrap())
    );
    println!(
        "  taking the frame and waiting for its verdict (simulated camera, exposure, motion and face checks on the judging thread): p50 {:.2} ms, p95 {:.2} ms",
        ms(percentile(&device_times, 0.5)),
        ms(percentile(&device_times, 0.95))
    );
    // As the kiosk runs: the frame is drawn at once, the verdict is whatever the thread has.
    app.model.services.wait_for_verdict = false;
    let (mut kiosk_times, mut verdicts, mut last) = (Vec::new(), 0u32, 0u64);
    for n in 661..=1260 {
        let t = Instant::now();
        app.model.poll_live();
        kiosk_times.push(t.elapsed());
        frame(&ctx, &mut app, n);
        let judged = app.model.live.as_ref().map_or(0, |l| l.judged);
        if judged != last {
            verdicts += 1;
            last = judged;
        }
    }
    kiosk_times.sort();
    println!(
        "  the same without waiting (the kiosk): p50 {:.3} ms, p95 {:.3} ms; {verdicts} new verdicts over {} frames drawn",
        ms(percentile(&kiosk_times, 0.5)),
        ms(percentile(&kiosk_times, 0.95)),
        kiosk_times.len()
    );
    app.model.services.wait_for_verdict = true;

    // 2b. While the face camera takes five seconds to capture (on its own thread): the frames
    // the kiosk draws meanwhile (the seconds counted, the spinner, the cancel button).
    app.model.services.captures_in_background = true;
    if let Some(f) = app.model.faults() {
        f.queue(drivers::simdev::Target::Face, &[drivers::simdev::Fault::Slow]);
    }
    app.model.apply(Action::Advance);
    let mut capturing_times = Vec::new();
    let mut n = 2000;
    while app.model.services.capturing.is_some() {
        let t = Instant::now();
        let out = ctx.run_ui(input(n), |ui| app.frame(ui));
        std::hint::black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
        capturing_times.push(t.elapsed());
        n += 1;
        std::thread::sleep(Duration::from_millis(33));
    }
    capturing_times.sort();
    println!(
        "  while a 5 s face capture runs on its thread: UI work per frame p50 {:.2} ms, p95 {:.2} ms over {} frames (goal p95 <= 8 ms)",
        ms(percentile(&capturing_times, 0.5)),
        ms(percentile(&capturing_times, 0.95)),
        capturing_times.len()
    );
    app.model.services.captures_in_background = false;
    assert_eq!(app.model.enrolling.as_ref().map(|e| e.stage), Some(Stage::RightFour));

    // 3. The rest of the enrollment, a few frames per step.
    let mut n = 1000;
    while let Some(stage) = app.model.enrolling.as_ref().map(|e| e.stage) {
        for _ in 0..30 {
            app.model.poll_live();
            frame(&ctx, &mut app, n);
            n += 1;
        }
        app.model.apply(Action::Advance);
        if app.model.enrolling.as_ref().map(|e| e.stage) == Some(stage) {
            panic!("stuck at {stage:?}: {:?}", app.model.refusal);
        }
    }
    frame(&ctx, &mut app, n);
    assert_eq!(app.model.screen, Screen::Slip);
    println!(
        "peak memory after a full enrollment through the kiosk: {:.0} MB (VmHWM, goal < 300 MB)",
        vm_hwm_mb()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
