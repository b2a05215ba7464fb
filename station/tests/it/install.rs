//! What a registration centre's installation relies on: the window under any session, the
//! onboarding file, data made by an earlier release, the udev rules the package ships.

use crate::common::*;

/// Under Wayland without libwayland-egl the window used to panic inside winit; the station now
/// says which package is missing, in both languages.
#[test]
fn a_wayland_session_without_libwayland_egl_is_told_what_to_install() {
    let gap = station_kiosk::wayland_gap(true, true, false).expect("a gap").both();
    let (ar, en) = (gap.ar, gap.en);
    assert!(en.contains("libwayland-egl1") && en.contains("libwayland-egl.so.1"), "{en}");
    assert!(ar.contains("libwayland-egl1") && ar.contains("Wayland"), "{ar}");
    // Nothing is missing with the library, outside a Wayland session, or where winit could not
    // use Wayland anyway (no libwayland-client: it falls back to X11).
    assert!(station_kiosk::wayland_gap(true, true, true).is_none());
    assert!(station_kiosk::wayland_gap(false, true, false).is_none());
    assert!(station_kiosk::wayland_gap(true, false, false).is_none());

    // The real command under a Wayland session that is not there: an error, never a panic.
    let d = demo_station("wayland");
    let out = run(std::process::Command::new(STATION)
        .args(["ui", "--data", p(&d.join("data"))])
        .env_remove("DISPLAY")
        .env("WAYLAND_DISPLAY", "hukumati-test-no-such-wayland-socket"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let egl = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]
        .iter()
        .any(|dir| std::path::Path::new(dir).join("libwayland-egl.so.1").exists());
    let client = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]
        .iter()
        .any(|dir| std::path::Path::new(dir).join("libwayland-client.so.0").exists());
    if client && !egl {
        assert!(err.contains("apt install libwayland-egl1"), "{err}");
    } else {
        assert!(err.contains("window could not be opened"), "{err}");
    }
}

/// A station set up from the registry's onboarding file, and onboarded at the registry from the
/// key file it wrote, syncs; nobody typed a key. Files that are damaged, from an untrusted
/// registry, or answered by someone else are refused, and leave no half-made station behind.
#[test]
fn a_station_is_onboarded_from_files_and_syncs() {
    use station_testkit::Reg;
    let d = tempdir("onboarding");
    let reg = Reg::start(&d);
    let config = registry::config::Config::load(&reg.config).unwrap();
    let invitation = |id: &'static str| registry::onboarding::Invitation {
        station_id: id,
        centre: "HEB-PO-03",
        mode: sync::master::StationMode::Training,
        url: &reg.server.url,
        days: 14,
    };
    let (file, o) =
        registry::onboarding::invite(&config, &invitation("ST-FILE-01"), now_ms()).unwrap();
    let onboarding = d.join("ST-FILE-01.onboarding");
    std::fs::write(&onboarding, &file).unwrap();
    let roots = d.join("registry-roots");
    let data = d.join("station");
    let init = |data: &std::path::Path, file: &std::path::Path, roots: &std::path::Path| {
        station_in(
            &[
                "init",
                "--data",
                p(data),
                "--admin",
                "admin1",
                "--onboarding",
                p(file),
                "--roots",
                p(roots),
            ],
            "correct horse\n",
        )
    };

    // A damaged file.
    let mut damaged = file.clone();
    let at = damaged.len() - 10;
    damaged[at] ^= 0x20;
    std::fs::write(d.join("damaged.onboarding"), &damaged).unwrap();
    let out = init(&data, &d.join("damaged.onboarding"), &roots);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("onboarding file is not valid") && err.contains("ملف الانضمام غير صالح"),
        "{err}"
    );
    assert!(!data.join(station_core::store::DB_FILE).exists());
    // A link where the file should be (a stick prepared by someone else): refused.
    std::os::unix::fs::symlink(&onboarding, d.join("link.onboarding")).unwrap();
    let out = init(&data, &d.join("link.onboarding"), &roots);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!data.join(station_core::store::DB_FILE).exists());
    // A registry the station does not trust (its roots file names another).
    std::fs::write(&roots, "# the national registry\n0000-1111-2222-3333-4444-5555-6666-7777\n")
        .unwrap();
    let out = init(&data, &onboarding, &roots);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&o.root_fingerprint()) && err.contains("does not trust"), "{err}");
    assert!(!data.join(station_core::store::DB_FILE).exists());

    // Trusted: the roots file lists it (as `registry keys` printed it).
    std::fs::write(
        &roots,
        format!("{}  # the national registry\n", o.root_fingerprint().to_lowercase()),
    )
    .unwrap();
    let out = init(&data, &onboarding, &roots);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made = json(&out);
    assert_eq!(made["station_id"], "ST-FILE-01");
    assert_eq!(made["mode"], "training");
    let key_file = data.join("station-key.hukumati");
    assert_eq!(made["station_key_file"], p(&key_file));
    let opened = station_core::station::Station::open(&data).unwrap();
    assert_eq!(opened.station_id, "ST-FILE-01");
    drop(opened);
    // The same file again: the folder holds a station already.
    assert_eq!(init(&data, &onboarding, &roots).status.code(), Some(2));

    // Before the registry imports the key file, the station is a stranger there.
    let sync_now =
        || station_in(&["sync", "--data", p(&data), "--operator", "admin1"], "correct horse\n");
    assert!(!sync_now().status.success());
    // A key file signed by someone else than the station it names is refused.
    let bytes = std::fs::read(&key_file).unwrap();
    let mut forged = bytes.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert!(registry::import_station_key(&reg.config, &forged).is_err());
    // Imported from its QR code's text.
    let text = made["station_key_text"].as_str().unwrap();
    let (imported, created) = registry::import_station_key(&reg.config, text.as_bytes()).unwrap();
    assert!(created);
    assert_eq!(
        (imported.station_id.as_str(), imported.centre.as_str()),
        ("ST-FILE-01", "HEB-PO-03")
    );
    // The station now syncs: its master data names it and its mode.
    let out = sync_now();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let status = json(&station(&["status", "--data", p(&data)]));
    assert_eq!(status["station_id"], "ST-FILE-01", "{status}");
    assert!(status["master_version"].as_u64().unwrap() > 0, "no master data: {status}");
    assert!(status["last_registry_contact"].as_i64().unwrap() > 0, "{status}");

    // Another registry's key file is refused here.
    let other = tempdir("onboarding-other");
    let other_reg = Reg::start(&other);
    assert!(registry::import_station_key(&other_reg.config, &bytes).is_err());
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The data directory release 0.1.0 left (fixtures/upgrade, made by
/// scripts/make-upgrade-fixture.sh): this version opens it, migrates it, and sends the bundles
/// that were waiting, every one receipted. A program older than the data refuses it with a clear
/// message and leaves it as it was.
#[test]
fn a_station_made_by_release_0_1_0_opens_and_sends_its_waiting_bundles() {
    let d = tempdir("upgrade");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/upgrade/station-0.1.0.tar.gz");
    let out = run(std::process::Command::new("tar").arg("-xzf").arg(&fixture).arg("-C").arg(&*d));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data = d.join("station");
    let made: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("upgrade-fixture.json")).unwrap()).unwrap();
    let waiting = made["waiting"].as_u64().unwrap();
    assert!(waiting > 0);

    let status = json(&station(&["status", "--data", p(&data)]));
    assert_eq!(status["outbox_unsynced"].as_u64(), Some(waiting), "{status}");
    let out = station(&["audit", "verify", "--data", p(&data)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = station_in(&["sync", "--data", p(&data), "--operator", "clerk1"], "demo\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    assert_eq!(report["receipted"].as_array().unwrap().len() as u64, waiting, "{report}");
    let status = json(&station(&["status", "--data", p(&data)]));
    assert_eq!(status["outbox_unsynced"], 0, "{status}");

    // As if a newer version had migrated it, then this one were installed again.
    let db = data.join(station_core::store::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let known: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        conn.pragma_update(None, "user_version", known + 1).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    for args in [&["status", "--data", p(&data)][..], &["ui", "--data", p(&data)]] {
        let out = run(std::process::Command::new(STATION)
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("comes from a newer version") && err.contains("من إصدار أحدث"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(std::fs::read(&db).unwrap() == before, "the newer database was changed");
}

/// The manuals' pictures are the kittest snapshots themselves (links into
/// station/tests/snapshots), so they change when the screens do and never go stale; every picture
/// a manual shows exists, and both manuals show the same screens.
#[test]
fn the_manuals_show_the_screens_the_tests_draw() {
    let manual = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/manual");
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut shown = Vec::new();
    for lang in ["en", "ar"] {
        let text = std::fs::read_to_string(manual.join(format!("{lang}.md"))).unwrap();
        let mut screens: Vec<String> = text
            .split("](screens/")
            .skip(1)
            .map(|rest| rest.split(')').next().unwrap().to_string())
            .collect();
        assert!(screens.len() >= 10, "{lang}: {screens:?}");
        for s in &screens {
            let link = manual.join("screens").join(s);
            let target = std::fs::read_link(&link)
                .unwrap_or_else(|e| panic!("{lang}: screens/{s} is not a link to a snapshot: {e}"));
            assert!(target.starts_with("../../../station/tests/snapshots"), "{s} -> {target:?}");
            assert!(snapshots.join(s).is_file(), "{lang}: no snapshot {s}");
        }
        screens.iter_mut().for_each(|s| *s = s.replace("_ar.png", "").replace("_en.png", ""));
        shown.push(screens);
    }
    assert_eq!(shown[0], shown[1], "the manuals show different screens");
}

/// The udev rule the package ships names the reader the driver opens, as a USB device (not each
/// of its interfaces), for the station's group and the seat's user.
#[test]
fn the_udev_rule_grants_the_reader_the_driver_opens() {
    let rules = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("packaging/60-hukumati-station.rules"),
    )
    .unwrap();
    let vendor = format!("ATTR{{idVendor}}==\"{:04x}\"", drivers::uru4500::VENDOR_ID);
    let product = format!("ATTR{{idProduct}}==\"{:04x}\"", drivers::uru4500::PRODUCT_ID);
    let rule = rules
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && l.contains(&vendor))
        .unwrap_or_else(|| panic!("no rule for {vendor}:\n{rules}"));
    for part in [
        product.as_str(),
        "SUBSYSTEM==\"usb\"",
        "ENV{DEVTYPE}==\"usb_device\"",
        "GROUP=\"hukumati\"",
        "MODE=\"0660\"",
        "TAG+=\"uaccess\"",
    ] {
        assert!(rule.contains(part), "{part} missing from {rule}");
    }
    // The group the rule names is the one the package's postinst makes.
    let postinst = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/debian/postinst"),
    )
    .unwrap();
    assert!(postinst.contains("addgroup --system --quiet hukumati"), "{postinst}");
}
