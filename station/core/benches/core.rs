//! Station core benchmark: `cargo bench -p station-core --bench core`.
//!
//! 1. Persisting a completed capture step (encrypt + durable commit): time per step, and the
//!    number of fsync/fdatasync calls per step counted by strace on this same binary.
//! 2. A complete scripted enrollment with simulated devices, consent to sealed bundle: CPU time
//!    of this process (user + system, from /proc/self/stat), login excluded.
//! 3. Start-up of the core (open, migrations check, settings, status counts) with 10,000
//!    enrollments in the store.
//! 4. An official's finger log-in, from the finger's image to the open session: the template,
//!    the 1:1 comparison with their two impressions, the machine key, the keys, the audit entry.
//!
//! Goals (issues 3 and 19): at most one fsync per step; under 2 s of CPU per enrollment; start-up
//! under 200 ms with 10,000 enrollments; a finger log-in under 1 s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemas::decision::Verdict;
use station_core::operators::Role;
use station_core::script::{self, Script};
use station_core::station::{InitParams, Mode, Station};
use station_core::workflow::{CaptureData, CapturedSample, Stage};

const T0: i64 = 1_795_000_000_000;

fn new_station(dir: &Path) -> Station {
    let registry = schemas::keys::new_registry_identity().to_public().to_string();
    Station::init(
        dir,
        &InitParams {
            station_id: "ST-BENCH",
            centre: "C",
            registry_recipient: &registry,
            admin: "admin1",
            admin_password: "bench",
            mode: Mode::Demo,
        },
        T0,
    )
    .unwrap();
    let mut s = Station::open(dir).unwrap();
    let admin = s.login("admin1", "bench", T0).unwrap();
    s.add_operator(&admin, "clerk1", Role::Clerk, "bench", T0).unwrap();
    s.add_operator(&admin, "super1", Role::Supervisor, "bench", T0).unwrap();
    s
}

fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime), counted from after the command name.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn ticks_per_second() -> f64 {
    100.0 // USER_HZ on Linux
}

/// A realistic capture step: four finger records of about 80 KB each.
fn slap_step() -> CaptureData {
    let samples = (0..4)
        .map(|i| CapturedSample {
            position: schemas::manifest::Position::FINGERS[i + 1],
            quality: None,
            station_quality: None,
            device: None,
            retries: 0,
            forced: false,
            exception: None,
            record: Some(
                (0..80_000u32).map(|b| (b.wrapping_mul(2_654_435_761) >> 24) as u8).collect(),
            ),
            captured_at: T0,
        })
        .collect();
    CaptureData { samples, exception_photo: None }
}

/// Persists `n` capture steps (a fresh enrollment each, saved at its face step).
fn persist_steps(dir: &Path, n: usize) -> Vec<Duration> {
    let mut station = Station::open(dir).unwrap();
    let clerk = station.login("clerk1", "bench", T0).unwrap();
    let data = slap_step();
    // Enrollments waiting at their face step, made in one transaction, so that what is timed and
    // counted below is the capture step alone.
    let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    {
        let tx = station.store.conn.transaction().unwrap();
        for id in &ids {
            tx.execute("INSERT INTO enrollments (id, operator, stage, created_at, updated_at) VALUES (?1, 'clerk1', 'face', ?2, ?2)", rusqlite::params![id, T0]).unwrap();
        }
        tx.commit().unwrap();
    }
    let mut times = Vec::with_capacity(n);
    for id in ids {
        let t = Instant::now();
        station.save_step(&clerk, &id, Stage::Face, &data, false, T0).unwrap();
        times.push(t.elapsed());
    }
    times
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: only the persisting loop, so strace counts nothing else.
    if let Some(i) = args.iter().position(|a| a == "--persist-only") {
        let dir = PathBuf::from(&args[i + 1]);
        let n: usize = args[i + 2].parse().unwrap();
        persist_steps(&dir, n);
        return;
    }

    // 1. Persisting a capture step.
    let dir = fixtures::tempdir("bench-persist");
    drop(new_station(&dir));
    let times = persist_steps(&dir, 40);
    let step_median = median(times);
    let fsync_dir = fixtures::tempdir("bench-persist-strace");
    drop(new_station(&fsync_dir));
    // Count fsyncs for 1 step and for 21 steps; the difference over 20 is the cost of one step
    // (start-up and login are the same in both runs).
    let count = |n: usize| -> Option<u64> {
        let out = Command::new("strace")
            .args(["-f", "-c", "-e", "trace=fsync,fdatasync", "-o", "/dev/stdout"])
            .arg(std::env::current_exe().ok()?)
            .args(["--persist-only", fsync_dir.to_str()?, &n.to_string()])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        Some(
            text.lines()
                .filter(|l| l.trim_end().ends_with("fsync") || l.trim_end().ends_with("fdatasync"))
                .filter_map(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
                .sum(),
        )
    };
    let fsyncs_per_step = match (count(1), count(21)) {
        (Some(a), Some(b)) => format!("{:.2}", (b as f64 - a as f64) / 20.0),
        _ => "not measured (strace missing)".into(),
    };
    // The cost of a bare fsync of the same amount of data, for scale.
    let probe = dir.join("probe.bin");
    let payload = vec![7u8; 330_000];
    let mut raw = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        use std::io::Write;
        let mut f = std::fs::File::create(&probe).unwrap();
        f.write_all(&payload).unwrap();
        f.sync_data().unwrap();
        raw.push(t.elapsed());
    }
    let raw_median = median(raw);

    // 2. Complete scripted enrollments, CPU time.
    let edir = fixtures::tempdir("bench-enroll");
    let mut station = new_station(&edir);
    let clerk = station.login("clerk1", "bench", T0).unwrap();
    let supervisor = station.login("super1", "bench", T0).unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/enrollments/adult.json"),
    )
    .unwrap();
    let runs = 5;
    let c0 = cpu_ticks();
    let w0 = Instant::now();
    for i in 0..runs {
        // A distinct script text per run (its hash identifies the enrollment).
        let (sc, hash): (Script, String) =
            Script::parse(&text.replacen("\"seed\": 101", &format!("\"seed\": {}", 1000 + i), 1))
                .unwrap();
        let out = script::run(&mut station, &clerk, &sc, &hash, &|| T0 + 1000).unwrap();
        station.decide(&supervisor, &out.enrollment, Verdict::Approve, None, T0 + 2000).unwrap();
    }
    let cpu = (cpu_ticks() - c0) as f64 / ticks_per_second() / f64::from(runs);
    let wall = w0.elapsed().as_secs_f64() / f64::from(runs);
    drop(station);

    // 3. Start-up with 10,000 enrollments.
    let sdir = fixtures::tempdir("bench-startup");
    let mut station = new_station(&sdir);
    {
        let tx = station.store.conn.transaction().unwrap();
        let bundle = vec![0u8; 1024];
        for i in 0..10_000i64 {
            let id = uuid::Uuid::now_v7().to_string();
            tx.execute("INSERT INTO enrollments (id, operator, stage, sequence, created_at, updated_at) VALUES (?1, 'clerk1', 'approved', ?2, ?3, ?3)", rusqlite::params![id, i + 1, T0 + i]).unwrap();
            tx.execute(
                "INSERT INTO outbox (bundle_id, sequence, verdict, bundle, ciphertext_sha256, manifest_sha256, decision, sealed_at, synced_at) VALUES (?1, ?2, 'approve', ?3, ?4, ?4, ?4, ?5, ?6)",
                rusqlite::params![id, i + 1, bundle, vec![1u8; 32], T0 + i, if i < 9_900 { Some(T0 + i) } else { None }],
            )
            .unwrap();
            for step in 0..12 {
                station_core::store::audit_append(
                    &tx,
                    T0 + i,
                    "clerk1",
                    &format!("step:{step}"),
                    Some(&id),
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    drop(station);
    let size = std::fs::metadata(sdir.join("station.db")).map(|m| m.len()).unwrap_or(0);
    let mut startups = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let s = Station::open(&sdir).unwrap();
        std::hint::black_box(s.status().unwrap());
        startups.push(t.elapsed());
    }
    let startup = median(startups);

    // 4. Finger log-in, end to end.
    let fdir = fixtures::tempdir("bench-finger");
    let mut station = new_station(&fdir);
    let admin = station.login("admin1", "bench", T0).unwrap();
    // MOSIP's real fingers from the shared fixtures; simulated ones (slower to compare: about
    // 150 minutiae each) without them.
    let real = |name: &str| -> Option<drivers::raster::Image> {
        let dir = fixtures::mosip_registration_dir().filter(|d| d.is_dir())?;
        let r = schemas::iso19794::Record::parse(&fixtures::read(&dir.join(name))).ok()?;
        Some(drivers::raster::Image::from(r.decode_images().ok()?.remove(0)))
    };
    let (a, b, source) = match (real("0001Right_Index.iso"), real("0001Right_Thumb.iso")) {
        (Some(a), Some(b)) => (a, b, "MOSIP's real fingers"),
        _ => (
            drivers::sim::fingerprint(9, 320, 400),
            drivers::sim::fingerprint(10, 320, 400),
            "simulated fingers",
        ),
    };
    let fi = |image| station_core::fingers::FingerImage { image, ppi: 500, position: 2 };
    station.enrol_fingers(&admin, "clerk1", &[fi(&a), fi(&b)], T0).unwrap();
    let mut logins = Vec::new();
    for i in 0..21 {
        let t = Instant::now();
        std::hint::black_box(station.login_finger("clerk1", &fi(&a), T0 + i).unwrap());
        logins.push(t.elapsed());
    }
    let finger_login = median(logins);
    drop(station);

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "persist one capture step (4 records, {} KB, encrypt + commit): {:.2} ms median of 40",
        slap_step().samples.iter().map(|s| s.record.as_ref().unwrap().len()).sum::<usize>() / 1000,
        ms(step_median)
    );
    println!(
        "  bare write + fdatasync of 330 KB            : {:.2} ms  (ratio step/bare {:.2})",
        ms(raw_median),
        step_median.as_secs_f64() / raw_median.as_secs_f64()
    );
    println!("  fsync + fdatasync calls per step (strace)   : {fsyncs_per_step}   (goal <= 1)");
    println!(
        "scripted enrollment, consent to sealed bundle : {cpu:.2} s CPU, {wall:.2} s wall (mean of {runs}; goal < 2 s CPU)"
    );
    println!(
        "start-up with 10,000 enrollments (120,000 audit entries, {} MB file): {:.1} ms median of 10 (goal < 200 ms)",
        size / 1_000_000,
        ms(startup)
    );
    println!(
        "finger log-in, image to session (2 impressions enrolled, {source}): {:.1} ms median of 21 (goal < 1000 ms)",
        ms(finger_login)
    );
    // The scratch folders go when `dir`, `fsync_dir`, `edir`, `sdir` and `fdir` are dropped.
}
