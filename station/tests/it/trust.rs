//! What a station must never do, tried as an attacker, a careless administrator and a flat
//! clock battery would (issue "Nothing forged, nothing stuck"): enroll with simulated devices in
//! production, let one refused bundle stop the outbox, go on enrolling once revoked, stop syncing
//! for good when its clock is off, or take back old master data. Each test failed on the code
//! before its fix.

use std::sync::Arc;

use schemas::decision::Verdict;
use station_core::operators::Role;
use station_core::script::{self, RunError, Script};
use station_core::station::{CoreError, InitParams, Mode, Station};
use station_text::messages::Explain;
use station_uplink::{Client, RemovableMedia, SyncState, UplinkError};
use sync::master::StationMode;

use crate::common::*;
use station_testkit::*;

const DAY: i64 = 86_400_000;

fn child_script(seed: u64) -> (Script, String) {
    let text = std::fs::read_to_string(script("child-under-5")).unwrap();
    Script::parse(&text.replacen("\"seed\": 303", &format!("\"seed\": {seed}"), 1)).unwrap()
}

fn admin_post(reg: &Reg, path: &str, body: serde_json::Value) -> u16 {
    let r = reg
        .admin()
        .post(format!("{}{path}", reg.server.url))
        .bearer_auth(&reg.made.admin_token)
        .json(&body)
        .send()
        .unwrap();
    r.status().as_u16()
}

/// A production station refuses a scripted enrollment (the simulated devices print whatever
/// the script says) on the library and on the command line, in both languages, and never hands
/// an enrollment a simulated device when none is attached.
#[test]
fn a_production_station_never_captures_with_simulated_devices() {
    let d = tempdir("trust-production");
    let data = d.join("data");
    let recipient = schemas::keys::new_registry_identity().to_public().to_string();
    Station::init(
        &data,
        &InitParams {
            station_id: "ST-PROD-1",
            centre: "RAM-PO-01",
            registry_recipient: &recipient,
            admin: "admin1",
            admin_password: "correct horse",
            mode: Mode::Production,
        },
        now(),
    )
    .unwrap();
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "correct horse", now()).unwrap();
    station.add_operator(&admin, "clerk1", Role::Clerk, "battery staple", now()).unwrap();
    let clerk = station.login("clerk1", "battery staple", now()).unwrap();
    let (s, hash) = child_script(7);
    let e = script::run(&mut station, &clerk, &s, &hash, &now).unwrap_err();
    assert!(matches!(e, RunError::Core(CoreError::SimulationOnProduction)), "{e}");
    let m = e.bilingual();
    assert!(m.ar.contains("محطة إنتاج") && m.en.contains("production station"), "{m:?}");
    // Nothing was sealed.
    assert!(station.outbox().unwrap().is_empty());
    // With nothing attached, each modality is absent, not simulated.
    let attached = station_core::devices::Attached::default();
    let kinds: Vec<&str> =
        attached.inventory(station.mode.allows_simulation()).iter().map(|e| e.kind).collect();
    assert!(!kinds.contains(&"simulated"), "{kinds:?}");

    // The command line: `station enroll --script` on a station set up without a mode.
    let cli = d.join("cli");
    let out = station_in(
        &[
            "init",
            "--data",
            p(&cli),
            "--station-id",
            "ST-PROD-2",
            "--centre",
            "RAM-PO-01",
            "--admin",
            "admin1",
            "--registry-recipient",
            &recipient,
        ],
        "correct horse\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["mode"], "production");
    let out = station_in(
        &[
            "operator",
            "add",
            "--data",
            p(&cli),
            "--operator",
            "admin1",
            "--username",
            "clerk1",
            "--role",
            "clerk",
        ],
        "correct horse\nbattery staple\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = script("child-under-5");
    let out = station_in(
        &["enroll", "--data", p(&cli), "--script", p(&path), "--operator", "clerk1"],
        "battery staple\n",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("محطة إنتاج") && err.contains("production station"),
        "{err}"
    );
}

/// A station set up for training but onboarded at the registry as a production station (a
/// careless administrator, or a station whose software lies): its operators wait for approval,
/// so its bundles are held (announced, not refused); once approved, the registry refuses its
/// simulated captures for good; the station sets them aside, and becomes a production station.
#[test]
fn a_training_station_onboarded_for_production_gets_no_simulated_identity_through() {
    let d = tempdir("trust-lying");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st =
        station_in_mode(&reg, &d, "ST-LIE-1", &url, Mode::Training, StationMode::Production);
    enroll(&mut st, 2, 40);
    let c = client(&st, &url);
    let first = cycle(&mut st, &c).unwrap();
    assert_eq!(
        (first.announced, first.receipted.len(), first.refused.len()),
        (2, 0, 0),
        "{first:?}"
    );
    assert_eq!(first.held.len(), 2, "held until the registry approves: {first:?}");
    assert_eq!(st.station.mode, Mode::Production, "the registry's word on the mode wins");
    let e = script::run(&mut st.station, &st.clerk, &child_script(99).0, "x", &now).unwrap_err();
    assert!(matches!(e, RunError::Core(CoreError::SimulationOnProduction)), "{e}");
    let held = st.station.outbox().unwrap();
    assert!(
        held.iter().all(|e| e.refusal.as_ref().is_some_and(|r| r.0 == "operator_not_approved")
            && e.set_aside_at.is_none()),
        "{held:?}"
    );

    for (name, session) in [("clerk1", &st.clerk), ("super1", &st.supervisor)] {
        let key = hex::encode(session.signing_key.verifying_key().to_bytes());
        let body = serde_json::json!({ "station": "ST-LIE-1", "username": name, "ed25519": key });
        assert_eq!(admin_post(&reg, "/v1/admin/operators/approve", body), 204);
    }
    let second = cycle(&mut st, &c).unwrap();
    assert_eq!(second.set_aside.len(), 2, "{second:?}");
    assert!(second.refused.iter().all(|r| r.1 == "simulated_capture"), "{second:?}");
    assert_eq!((second.receipted.len(), second.still_waiting), (0, 0), "{second:?}");
    assert!(reg.log().is_empty(), "the registry received nothing");
}

/// A bundle refused for good is set aside (kept, shown with the reason, counted apart,
/// exportable) and the bundles after it go on; it no longer counts towards the outbox limit.
#[test]
fn a_bundle_refused_for_good_never_blocks_the_ones_after_it() {
    let d = tempdir("trust-set-aside");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st = onboarded_station(&reg, &d, "ST-HEB-0002", &url);
    enroll(&mut st, 3, 50);
    // The first bundle's decision statement is replaced by the second's (damage, or tampering
    // with the station's disk): the registry can never accept it.
    let n = st.station.store.conn.execute(
        "UPDATE outbox SET decision = (SELECT decision FROM outbox WHERE sequence = 2) WHERE sequence = 1",
        [],
    ).unwrap();
    assert_eq!(n, 1);
    let c = client(&st, &url);
    let r = cycle(&mut st, &c).unwrap();
    assert_eq!(r.set_aside.len(), 1, "{r:?}");
    assert_eq!(r.refused[0].1, "bad_decision", "{r:?}");
    assert_eq!((r.receipted.len(), r.still_waiting), (2, 0), "the ones after it went: {r:?}");
    let entries = st.station.outbox().unwrap();
    let aside = &entries[0];
    assert!(aside.set_aside_at.is_some() && aside.bytes > 0, "kept, never erased: {aside:?}");
    let status = st.station.status().unwrap();
    assert_eq!((status.outbox_unsynced, status.outbox_set_aside), (0, 1));

    // It is not announced again, and the station keeps enrolling even at an outbox limit of 1.
    let admin = st.station.login("admin1", "correct horse", now()).unwrap();
    let mut config = st.station.config.clone();
    config.max_awaiting_sync = 1;
    st.station.set_config(&admin, config, now()).unwrap();
    enroll(&mut st, 1, 60);
    let r = cycle(&mut st, &c).unwrap();
    assert_eq!((r.announced, r.receipted.len()), (1, 1), "{r:?}");

    // The supervisor reads why, in both languages, and can copy it out for the registry's staff.
    let out = station(&["outbox", "list", "--data", p(&st.data)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("وُضعت جانبًا")
            && text.contains("set aside")
            && text.contains("supervisor's decision was not accepted"),
        "{text}"
    );
    let dir = d.join("out");
    let out =
        station(&["outbox", "export", "--data", p(&st.data), &aside.bundle_id, "--out", p(&dir)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(dir.join(format!("{}.age", aside.bundle_id))).unwrap().len() > 0);
}

/// The registry revokes the station: its next sync hears it in signed master data and it
/// stops enrolling at once, telling the administrator in both languages.
#[test]
fn a_station_revoked_online_stops_enrolling_at_once() {
    let d = tempdir("trust-revoked");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st = onboarded_station(&reg, &d, "ST-HEB-0003", &url);
    let c = client(&st, &url);
    cycle(&mut st, &c).unwrap();
    assert_eq!(
        admin_post(&reg, "/v1/admin/stations/ST-HEB-0003/revoke", serde_json::json!({})),
        204
    );
    let e = cycle(&mut st, &c).unwrap_err();
    assert!(matches!(e, UplinkError::Revoked), "{e}");
    let e = st.station.start(&st.clerk, None, now()).unwrap_err();
    assert!(matches!(e, CoreError::StationRevoked), "{e}");
    let m = e.bilingual();
    assert!(m.ar.contains("ألغى السجل المركزي") && m.en.contains("revoked this station"), "{m:?}");
}

/// A clock an hour slow still syncs (requests are signed with the registry's time), the
/// administrator is told, and enrollment waits until the clock is set right; moving the clock
/// back does not defeat the limit on days without the registry.
#[test]
fn a_clock_an_hour_off_still_syncs_and_stops_enrolling_until_set_right() {
    let d = tempdir("trust-clock");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st = onboarded_station(&reg, &d, "ST-HEB-0004", &url);
    let slow = || now() - 3_600_000;
    let c = Client::new(
        &url,
        st.id.clone(),
        st.station.registry_root_key().unwrap().unwrap(),
        None,
        Arc::new(slow),
    )
    .unwrap();
    let r = cycle_at(&mut st, &c, &slow).unwrap();
    assert!((r.clock_offset_ms - 3_600_000).abs() < 60_000, "{r:?}");
    let e = st.station.start(&st.clerk, None, slow()).unwrap_err();
    assert!(matches!(e, CoreError::ClockOff { .. }), "{e}");
    let m = e.bilingual();
    assert!(
        m.ar.contains("ساعة المحطة") && m.en.contains("seconds off the registry's time"),
        "{m:?}"
    );

    // The clock set right: the next sync measures it, and enrollment goes on.
    let c = client(&st, &url);
    let r = cycle(&mut st, &c).unwrap();
    assert!(r.clock_offset_ms.abs() < 60_000, "{r:?}");
    st.station.start(&st.clerk, None, now()).unwrap();

    // Four days without the registry: still enrolling. Six: refused. Set back to day three:
    // refused too, as a clock that went back.
    let t = now();
    st.station.start(&st.clerk, None, t + 4 * DAY).unwrap();
    let e = st.station.start(&st.clerk, None, t + 6 * DAY).unwrap_err();
    assert!(matches!(e, CoreError::RegistryTooLongAgo { .. }), "{e}");
    let e = st.station.start(&st.clerk, None, t + 3 * DAY).unwrap_err();
    assert!(matches!(e, CoreError::ClockWentBack { .. }), "{e}");
    let m = e.bilingual();
    assert!(
        m.ar.contains("أسبق") && m.en.contains("earlier than the station's last recorded action"),
        "{m:?}"
    );
}

/// Master data only moves forward: an older copy (from the link or from a stick) is refused and
/// changes nothing; an operator the registry revoked cannot be unlocked at the station, nor sign
/// in a session opened before.
#[test]
fn old_master_data_is_refused_and_a_registry_revocation_sticks() {
    let d = tempdir("trust-replay");
    let reg = Reg::start(&d);
    let url = reg.server.url.clone();
    let mut st = onboarded_station(&reg, &d, "ST-HEB-0005", &url);
    let c = client(&st, &url);
    cycle(&mut st, &c).unwrap();
    let old = c.master_data().unwrap();
    // A stick carried to the registry now brings back that version of the master data too.
    enroll(&mut st, 1, 90);
    let usb = d.join("usb");
    st.station.export_to(&st.id, &usb).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cfg = registry::config::Config::load(&reg.config).unwrap();
    rt.block_on(async {
        let i = registry::open(&cfg, registry::intake::system_clock()).await.unwrap();
        registry::with_intake!(&i, |x| registry::media::import(x, &usb).await.unwrap())
    });
    assert_eq!(
        admin_post(
            &reg,
            "/v1/admin/stations/ST-HEB-0005/operators/clerk1/revoke",
            serde_json::json!({})
        ),
        204
    );
    cycle(&mut st, &c).unwrap();
    let e = st.station.apply_master_data(&old, now()).unwrap_err();
    assert!(matches!(e, CoreError::StaleMasterData { .. }), "{e}");
    let m = e.bilingual();
    assert!(m.ar.contains("أقدم") && m.en.contains("older than version"), "{m:?}");
    assert!(st.station.login("clerk1", "battery staple", now()).is_err(), "still locked");
    assert!(st.station.master_version().unwrap() > old.version);
    // The stick, read back after the revocation arrived online (its bundle was receipted online
    // meanwhile): its older master data is not applied, and the import does not fail for it.
    let imported = st.station.import_receipts(&st.id, &usb, now()).unwrap();
    assert!(imported.rejected.is_empty(), "{imported:?}");
    assert!(imported.master_data_refused.is_some_and(|e| e.contains("older")));
    assert!(st.station.login("clerk1", "battery staple", now()).is_err(), "still locked");

    let admin = st.station.login("admin1", "correct horse", now()).unwrap();
    let e =
        station_core::operators::set_locked(&mut st.station.store, &admin, "clerk1", false, now())
            .unwrap_err();
    assert!(e.to_string().contains("only the registry"), "{e}");
    // The clerk's session from before the revocation signs nothing more.
    let (s, hash) = child_script(77);
    let e = script::run(&mut st.station, &st.clerk, &s, &hash, &now).unwrap_err();
    assert!(e.to_string().contains("revoked operator 'clerk1'"), "{e}");
    let _ = Verdict::Approve;
}
