//! Power cuts, simulated with kill -9: a scripted enrollment and its approval are killed at
//! pseudo-random moments, many times. After every kill the database passes its integrity check,
//! the audit chain verifies, the enrollment exists at most once and resumes from its last
//! completed step, and in the end exactly one sealed bundle is in the outbox.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn spawn(args: &[&str]) -> std::process::Child {
    use std::io::Write;
    let mut child = Command::new(STATION)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(b"demo\n").unwrap();
    child
}

fn check_store(data: &std::path::Path) -> (i64, i64, Option<String>) {
    let conn = rusqlite::Connection::open(data.join("station.db")).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let enrollments: i64 =
        conn.query_row("SELECT count(*) FROM enrollments", [], |r| r.get(0)).unwrap();
    let outbox: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap();
    let stage: Option<String> =
        conn.query_row("SELECT stage FROM enrollments", [], |r| r.get(0)).ok();
    drop(conn);
    let audit = json(&station(&["audit", "verify", "--data", p(data)]));
    assert_eq!(audit["ok"], true, "{audit}");
    (enrollments, outbox, stage)
}

/// Kills at times spread over the run (a fixed pseudo-random sequence, so failures reproduce).
fn kill_times(n: usize, span_ms: u64) -> Vec<u64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % span_ms
        })
        .collect()
}

#[test]
fn kill_9_during_enrollment_and_approval_loses_nothing_and_duplicates_nothing() {
    let d = demo_station("crash");
    let data = d.join("data");
    let script_path = script("adult-missing-finger");
    let enroll_args =
        ["enroll", "--data", p(&data), "--script", p(&script_path), "--operator", "clerk1"];

    // How long an uninterrupted run takes here, to spread the kills over it.
    let probe = demo_station("crash-probe");
    let t = Instant::now();
    let out = station_in(
        &[
            "enroll",
            "--data",
            p(&probe.join("data")),
            "--script",
            p(&script_path),
            "--operator",
            "clerk1",
        ],
        "demo\n",
    );
    assert!(out.status.success());
    let span = (t.elapsed().as_millis() as u64).max(200);

    let mut stages_seen = Vec::new();
    for delay in kill_times(12, span) {
        let mut child = spawn(&enroll_args);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (enrollments, outbox, stage) = check_store(&data);
        assert!(enrollments <= 1, "the script's enrollment exists once");
        assert_eq!(outbox, 0);
        stages_seen.push(stage);
    }
    // Stages only move forward between kills.
    let order = |s: &Option<String>| {
        s.as_deref()
            .and_then(station_core::workflow::Stage::parse)
            .map(|st| station_core::workflow::Stage::ALL.iter().position(|x| *x == st).unwrap())
            .unwrap_or(0)
    };
    for w in stages_seen.windows(2) {
        assert!(order(&w[0]) <= order(&w[1]), "{stages_seen:?}");
    }

    // A clean run finishes the same enrollment from where it stopped.
    let out = station_in(&enroll_args, "demo\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outcome = json(&out);
    assert_eq!(outcome["stage"], "awaiting_approval");
    assert_eq!(outcome["sequence"], 1);
    if stages_seen.iter().any(std::option::Option::is_some) {
        assert!(!outcome["resumed_from"].is_null(), "{outcome}");
    }
    let id = outcome["enrollment"].as_str().unwrap().to_string();

    // Approval killed at random points: sealed once or not at all, never twice.
    let approve_args = ["approve", "--all", "--data", p(&data), "--operator", "super1"];
    for delay in kill_times(4, 400) {
        let mut child = spawn(&approve_args);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let (enrollments, outbox, _) = check_store(&data);
        assert_eq!(enrollments, 1);
        assert!(outbox <= 1);
    }
    let _ = station_in(&approve_args, "demo\n");
    let (_, outbox, stage) = check_store(&data);
    assert_eq!(outbox, 1);
    assert_eq!(stage.as_deref(), Some("approved"));
    let list = json(&station(&["outbox", "list", "--json", "--data", p(&data)]));
    assert_eq!(list[0]["bundle_id"], id.as_str());
    // Running the script again does not make a second enrollment.
    let again = json(&station_in(&enroll_args, "demo\n"));
    assert_eq!(again["enrollment"], id.as_str());
    assert_eq!(again["stage"], "approved");
    assert_eq!(check_store(&data).0, 1);
}
