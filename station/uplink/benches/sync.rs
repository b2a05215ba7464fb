//! Sync over a slow link: how much of a 1 Mbit/s line the station's uploads use, and how much
//! it sends again after the line is cut mid-upload. Registry: the embedded default (SQLite and a
//! folder), served in this process; the line: `fixtures::netem` (a serial link of 125,000
//! bytes a second towards the registry, cut at a chosen byte).
//!
//! `cargo bench -p station-uplink --bench sync`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use fixtures::netem::{Faults, Proxy};
use station_testkit::*;
use station_uplink::{self as uplink, SharedProgress, SyncState, Uploaded};

const LINK: u64 = 125_000;

fn main() {
    let dir = std::env::temp_dir().join(format!("hukumati-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let reg = Reg::start(&dir);
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(0)
    );

    // 1. A cycle sending 6 bundles over a 1 Mbit/s line.
    let proxy = Proxy::start(reg.addr(), Faults { rate: Some(LINK), ..Faults::none() }).unwrap();
    let mut st = onboarded_station(&reg, &dir, "ST-LINK-01", &proxy.url());
    enroll(&mut st, 6, 900);
    let bytes: u64 =
        st.station.waiting(&st.id, usize::MAX).unwrap().iter().map(|w| w.bundle.len() as u64).sum();
    let c = client(&st, &proxy.url());
    let t = Instant::now();
    let report = uplink::cycle(
        &mut st.station,
        &c,
        &SharedProgress::default(),
        &AtomicBool::new(false),
        &now,
    )
    .unwrap();
    let took = t.elapsed().as_secs_f64();
    assert_eq!(report.receipted.len(), 6);
    let on_line = proxy.stats.upstream.load(Ordering::SeqCst);
    println!(
        "1 Mbit/s line: {} bundles, {bytes} bytes in {took:.2} s for the whole cycle (master data, operators, announce, uploads, status) = {:.1} % of the line for bundle bytes; {on_line} bytes went up in all (goal >= 90 %)",
        report.receipted.len(),
        100.0 * bytes as f64 / (took * LINK as f64)
    );

    // 2. Cut mid-upload at chosen bytes, then resume: what is sent again.
    let mut st = onboarded_station(&reg, &dir, "ST-CUT-01", &reg.server.url);
    enroll(&mut st, 10, 950);
    let c = client(&st, &reg.server.url);
    uplink::cycle(&mut st.station, &c, &SharedProgress::default(), &AtomicBool::new(true), &now)
        .unwrap();
    let waiting = st.station.waiting(&st.id, usize::MAX).unwrap();
    let signed: Vec<Vec<u8>> = waiting.iter().map(|w| w.ticket.sign(&st.id.key)).collect();
    c.announce(&signed).unwrap();
    // The bytes of a PATCH request before its body, measured through a clean proxy.
    let clean = Proxy::start(reg.addr(), Faults::none()).unwrap();
    let first = &waiting[0];
    let cc = client(&st, &clean.url());
    let done = cc
        .upload(
            &first.ticket.ciphertext_sha256,
            Arc::new(first.bundle.clone()),
            0,
            Arc::new(|_| {}),
        )
        .unwrap();
    assert!(matches!(done, Uploaded::Done(_)));
    let head = clean.stats.upstream.load(Ordering::SeqCst) - first.bundle.len() as u64;
    let mut worst = 0u64;
    let mut total = 0u64;
    for (i, w) in waiting.iter().enumerate().skip(1) {
        let len = w.bundle.len() as u64;
        let cut_at =
            head + 1 + (len - 2) * i as u64 / waiting.len() as u64 + 977 * i as u64 % 50_000;
        let cut_at = cut_at.min(head + len - 1);
        let p = Proxy::start(
            reg.addr(),
            Faults { cut: 1.0, cut_from: cut_at, cut_within: cut_at + 1, ..Faults::none() },
        )
        .unwrap();
        let cutc = client(&st, &p.url());
        let bundle = Arc::new(w.bundle.clone());
        assert!(
            cutc.upload(&w.ticket.ciphertext_sha256, bundle.clone(), 0, Arc::new(|_| {})).is_err(),
            "the cut did not happen"
        );
        let kept = loop {
            let k = c.offset(&w.ticket.ciphertext_sha256).unwrap();
            if k > 0 || cut_at - head < 65_536 {
                break k;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let arrived = cut_at - head;
        let again = arrived - kept;
        worst = worst.max(again);
        total += again;
        let r = c.upload(&w.ticket.ciphertext_sha256, bundle, kept, Arc::new(|_| {})).unwrap();
        assert!(matches!(r, Uploaded::Done(_)));
    }
    let trials = waiting.len() as u64 - 1;
    println!(
        "cut mid-upload, {trials} times at spread bytes: sent again after resuming: at most {worst} bytes, {} on average (goal <= 65,536)",
        total / trials
    );
    let _ = std::fs::remove_dir_all(&dir);
}
