//! Sync between stations and a registry (the embedded default: SQLite and a folder), through a
//! proxy that makes the link as bad as a post office's: cuts at random byte offsets, refused
//! connections, delays, a slow line. Nothing may be lost, nothing accepted twice, and no bundle
//! may leave a station's disk before its receipt is there.

use std::time::Duration;

use fixtures::netem::{Faults, Proxy};
use station_core::station::Station;
use station_uplink::{RemovableMedia, SyncState, UplinkError};
use sync::master::KeyInfo;
use sync::receipt::Receipt;

use crate::common::*;
use station_testkit::*;

/// No bundle's bytes are gone without a verified receipt stored beside them.
fn nothing_deleted_before_its_receipt(st: &St) {
    let keys: Vec<KeyInfo> = st.station.receipt_keys().unwrap();
    let mut q = st
        .station
        .store
        .conn
        .prepare("SELECT bundle_id, length(bundle), receipt FROM outbox")
        .unwrap();
    let rows: Vec<(String, i64, Option<Vec<u8>>)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, len, receipt) in rows {
        match receipt {
            None => assert!(len > 0, "{id}: bundle erased without a receipt"),
            Some(r) => {
                assert_eq!(len, 0, "{id}: receipted but still on disk");
                assert_eq!(Receipt::open(&r, &keys).unwrap().bundle_id, id);
            }
        }
    }
}

fn waiting(st: &St) -> usize {
    st.station.waiting(&st.id, usize::MAX).unwrap().len()
}

#[test]
fn a_station_syncs_and_hears_back_from_the_registry() {
    let d = tempdir("sync-basic");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st = onboarded_station(&reg, &d, "ST-HEB-0001", &url);
    enroll(&mut st, 3, 1);
    assert_eq!(waiting(&st), 3);
    let c = client(&st, &url);
    let report = cycle(&mut st, &c).unwrap();
    assert_eq!(
        (report.operators_registered, report.receipted.len(), report.still_waiting),
        (3, 3, 0),
        "{report:?}"
    );
    nothing_deleted_before_its_receipt(&st);
    // Again: nothing to send, nothing registered twice.
    let again = cycle(&mut st, &c).unwrap();
    assert_eq!((again.operators_registered, again.announced), (0, 0));

    // The registry decides about one bundle; the station hears of it.
    let first = st.station.registry_view().unwrap()[0].bundle_id.clone();
    let r = reg.admin().post(format!("{url}/v1/admin/bundles/{first}/status")).bearer_auth(&reg.made.admin_token).json(&serde_json::json!({ "status": "rejected", "reason": "photo does not match the document" })).send().unwrap();
    assert_eq!(r.status(), 200);
    cycle(&mut st, &c).unwrap();
    let view = st.station.registry_view().unwrap();
    assert_eq!(
        view[0].status,
        Some(("rejected".into(), Some("photo does not match the document".into())))
    );
    assert_eq!(view[1].status.as_ref().map(|s| s.0.as_str()), Some("received"));

    // The registry revokes the clerk: the station locks the account at its next sync.
    let r = reg
        .admin()
        .post(format!("{url}/v1/admin/stations/ST-HEB-0001/operators/clerk1/revoke"))
        .bearer_auth(&reg.made.admin_token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    cycle(&mut st, &c).unwrap();
    let e = st.station.login("clerk1", "battery staple", now()).unwrap_err();
    assert!(e.to_string().contains("registry revoked operator 'clerk1'"), "{e}");

    // A revoked station hears it in its signed master data and says so, in both languages.
    let r = reg
        .admin()
        .post(format!("{url}/v1/admin/stations/ST-HEB-0001/revoke"))
        .bearer_auth(&reg.made.admin_token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let e = cycle(&mut st, &c).unwrap_err();
    assert!(matches!(&e, UplinkError::Revoked), "{e}");
    use station_text::messages::Explain;
    let m = e.bilingual();
    assert!(
        m.ar.contains("ألغى السجل المركزي اعتماد هذه المحطة")
            && m.en.contains("revoked this station"),
        "{m:?}"
    );
}

#[test]
fn two_hundred_bundles_from_three_stations_arrive_exactly_once_over_a_bad_link() {
    let d = tempdir("sync-faults");
    let reg = Reg::start(&d);
    // Every connection is cut at a random byte in its first 800 kB (a station reuses one
    // connection for many requests), some are refused outright, every chunk waits a little.
    let proxy = Proxy::start(
        reg.addr(),
        Faults {
            seed: 20261201,
            cut: 1.0,
            cut_from: 0,
            cut_within: 800_000,
            refuse: 0.05,
            max_delay: Duration::from_millis(3),
            rate: None,
        },
    )
    .unwrap();
    let url = proxy.url();
    let counts = [67u64, 67, 66];
    let stations: Vec<St> = std::thread::scope(|scope| {
        let made: Vec<_> = counts
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (reg, d, url) = (&reg, &d, &url);
                scope.spawn(move || {
                    let mut st = onboarded_station(reg, d, &format!("ST-{:04}", i + 1), url);
                    enroll(&mut st, *n, 1000 * (i as u64 + 1));
                    st
                })
            })
            .collect();
        made.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let threads: Vec<_> = stations
        .into_iter()
        .map(|mut st| {
            let url = url.clone();
            std::thread::spawn(move || {
                let c = client(&st, &url);
                let mut cycles = 0;
                while waiting(&st) > 0 {
                    cycles += 1;
                    assert!(
                        cycles < 400,
                        "{} still has {} bundles after 400 cycles",
                        st.id.station_id,
                        waiting(&st)
                    );
                    let _ = cycle(&mut st, &c);
                    nothing_deleted_before_its_receipt(&st);
                    // A station that lost power starts again with a fresh connection to its store.
                    if cycles % 7 == 0 {
                        let data = st.data.clone();
                        st.station = Station::open(&data).unwrap();
                    }
                }
                st
            })
        })
        .collect();
    let stations: Vec<St> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    let stats = &proxy.stats;
    let cut = stats.cut.load(std::sync::atomic::Ordering::SeqCst);
    eprintln!(
        "faulty link: {} connections, {} cut, {} refused, {} bytes up",
        stats.connections.load(std::sync::atomic::Ordering::SeqCst),
        cut,
        stats.refused.load(std::sync::atomic::Ordering::SeqCst),
        stats.upstream.load(std::sync::atomic::Ordering::SeqCst)
    );
    assert!(cut >= 20, "the link was not bad enough: {cut} cuts");
    // Every bundle is in the registry's log exactly once, and the log is one chain.
    let log = reg.log();
    assert_eq!(log.len(), 200);
    let keys = stations[0].station.receipt_keys().unwrap();
    let (n, _) = sync::receipt::verify_log(log.iter().map(std::vec::Vec::as_slice), &keys).unwrap();
    assert_eq!(n, 200);
    let mut ids: Vec<String> =
        log.iter().map(|r| Receipt::open(r, &keys).unwrap().bundle_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "a bundle was accepted twice");
    // Each station holds exactly its receipts, as the registry logged them.
    for st in &stations {
        nothing_deleted_before_its_receipt(st);
        let mine: Vec<Vec<u8>> = st
            .station
            .store
            .conn
            .prepare("SELECT receipt FROM outbox ORDER BY sequence")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for r in &mine {
            assert!(log.contains(r), "a station's receipt is not in the registry's log");
        }
    }
}

#[test]
fn a_sync_killed_mid_upload_resumes_where_the_registry_stopped() {
    let d = tempdir("sync-kill");
    let reg = Reg::start(&d);
    let proxy = Proxy::start(reg.addr(), Faults::none()).unwrap();
    let mut st = onboarded_station(&reg, &d, "ST-KILL-01", &proxy.url());
    enroll(&mut st, 1, 77);
    // The station sends no faster than 1,280 kbit/s (its administrator's limit), so the kill
    // falls inside the upload of its one bundle.
    let admin = st.station.login("admin1", "correct horse", now()).unwrap();
    let mut config = st.station.config.clone();
    config.sync_limit_kbit = 1280;
    st.station.set_config(&admin, config, now()).unwrap();
    let bundle_len = st.station.waiting(&st.id, 1).unwrap()[0].bundle.len() as u64;
    let sha = *st.station.waiting(&st.id, 1).unwrap()[0].ticket.ciphertext_sha256;
    drop(st.station);
    let up = |p: &Proxy| p.stats.upstream.load(std::sync::atomic::Ordering::SeqCst);

    use std::io::Write;
    let mut child = std::process::Command::new(STATION)
        .args(["sync", "--data", p(&st.data), "--operator", "clerk1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"battery staple\n").unwrap();
    let before = up(&proxy);
    while up(&proxy) < before + 150_000 {
        std::thread::sleep(Duration::from_millis(20));
        assert!(child.try_wait().unwrap().is_none(), "sync ended before it could be killed");
    }
    child.kill().unwrap();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(300));

    let mut st = St { station: Station::open(&st.data).unwrap(), ..st };
    let c = client(&st, &proxy.url());
    let kept = c.offset(&sha).unwrap();
    assert!(
        kept >= 65_536 && kept.is_multiple_of(65_536) && kept < bundle_len,
        "the registry kept {kept} of {bundle_len}"
    );
    proxy.set_faults(Faults::none());
    let at_restart = up(&proxy);
    let report = cycle(&mut st, &c).unwrap();
    assert_eq!(report.receipted.len(), 1);
    let resent = up(&proxy) - at_restart;
    // The rest of the bundle and the requests around it: nothing of what the registry kept.
    assert!(
        resent < bundle_len - kept + 16_384,
        "sent {resent} after a restart; {} were missing",
        bundle_len - kept
    );
    nothing_deleted_before_its_receipt(&st);
}

#[test]
fn removable_media_carry_bundles_one_way_and_receipts_the_other() {
    let d = tempdir("sync-media");
    let reg = Reg::start(&d);
    let mut st = onboarded_station(&reg, &d, "ST-USB-01", "https://registry.invalid");
    enroll(&mut st, 2, 500);
    let usb = d.join("usb");
    let exported = st.station.export_to(&st.id, &usb).unwrap();
    assert_eq!(exported.bundles, 2);
    // Receipts cannot come before the registry's import: nothing is erased.
    assert!(st.station.import_receipts(&st.id, &usb, now()).is_err());
    nothing_deleted_before_its_receipt(&st);
    // The registry imports the folder (its operators' `registry import` command).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cfg = registry::config::Config::load(&reg.config).unwrap();
    let report = rt.block_on(async {
        let i = registry::open(&cfg, registry::intake::system_clock()).await.unwrap();
        registry::with_intake!(&i, |x| registry::media::import(x, &usb).await.unwrap())
    });
    assert_eq!(report.received.len(), 2, "{report:?}");
    // A receipt damaged on the stick is refused; its bundle stays.
    let one = st.station.waiting(&st.id, 1).unwrap()[0].ticket.bundle_id.clone();
    let rp = sync::media::receipt_path(&usb, &st.id.station_id, &one);
    let mut bytes = std::fs::read(&rp).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&rp, &bytes).unwrap();
    let imported = st.station.import_receipts(&st.id, &usb, now()).unwrap();
    assert_eq!((imported.receipted.len(), imported.rejected.len()), (1, 1), "{imported:?}");
    nothing_deleted_before_its_receipt(&st);
    assert_eq!(waiting(&st), 1);
}
