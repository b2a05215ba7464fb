//! Device management: an enrollment captured with certified SBI devices (our mock serving MOSIP's
//! mock device data) seals their signed records and statements into the bundle; devices appear
//! and disappear as the station looks again; simulated devices stand in only on demo stations;
//! the command line lists devices and takes a provider's CA.

use schemas::bundle::Trust;
use schemas::manifest::{DeviceKind, Modality as M};
use station_core::devices::{Attached, DeviceSettings, Modality, discover};
use station_core::operators::Role;
use station_core::script::{self, RunError, Script};
use station_core::station::{InitParams, Mode, Station};
use station_text::messages::Explain;

use crate::common::*;
use fixtures::mock_sbi::{self, MockSbi};

const T0: i64 = 1_795_000_000_000;

fn settings(port: u16, anchor: &std::path::Path) -> DeviceSettings {
    DeviceSettings {
        sbi_ports: [port, port],
        sbi_trust_anchors: vec![std::fs::read_to_string(anchor).unwrap()],
        usb_readers: false,
        // The mock's devices are registered for Staging.
        sbi_env: "Staging".into(),
        ..DeviceSettings::default()
    }
}

fn new_station(dir: &std::path::Path, demo: bool) -> (Station, age::x25519::Identity) {
    let data = dir.join("data");
    let registry = schemas::keys::new_registry_identity();
    let recipient = registry.to_public().to_string();
    let pw = if demo { "demo" } else { "correct horse" };
    Station::init(
        &data,
        &InitParams {
            station_id: "ST-DEV-01",
            centre: "RAM-PO-01",
            registry_recipient: &recipient,
            admin: "admin1",
            admin_password: pw,
            mode: if demo { Mode::Demo } else { Mode::Production },
        },
        T0,
    )
    .unwrap();
    let mut st = Station::open(&data).unwrap();
    let admin = st.login("admin1", pw, T0).unwrap();
    st.add_operator(&admin, "clerk1", Role::Clerk, "clerk password", T0).unwrap();
    (st, registry)
}

fn adult() -> (Script, String) {
    Script::parse(&std::fs::read_to_string(script("adult")).unwrap()).unwrap()
}

#[test]
fn an_enrollment_with_sbi_devices_seals_their_signed_records() {
    let (Some(mock), Some(anchor)) = (MockSbi::start(), mock_sbi::root_ca()) else { return };
    let d = tempdir("devices-sbi");
    let (mut st, registry) = new_station(&d, false);
    let cfg = settings(mock.port, &anchor);
    let mut attached = Attached::default();
    attached.apply(discover(&cfg), &cfg);
    let list = attached.inventory(false);
    let kinds: Vec<(Modality, &str)> = list.iter().map(|e| (e.modality, e.kind)).collect();
    assert!(
        kinds.contains(&(Modality::Fingerprint, "sbi"))
            && kinds.contains(&(Modality::Iris, "sbi"))
            && kinds.contains(&(Modality::Face, "sbi")),
        "{list:?}"
    );
    // No document camera on this machine, and this is no demo station: absent, not simulated.
    assert!(kinds.contains(&(Modality::Document, "absent")), "{list:?}");
    let finger = list.iter().find(|e| e.modality == Modality::Fingerprint).unwrap();
    let plain = |t: &str| t.replace(['\u{2068}', '\u{2069}'], "");
    assert!(
        plain(&finger.detail.en).contains("key of mosipfingerslap issued by RootCA")
            && plain(&finger.detail.en).contains(&format!("port {}", mock.port)),
        "{:?}",
        finger.detail
    );
    assert!(plain(&finger.detail.ar).contains("صادر عن RootCA"), "{:?}", finger.detail);

    // The document step needs a camera: without one the enrollment stops there, saying why.
    let clerk = st.login("clerk1", "clerk password", T0).unwrap();
    let (sc, hash) = adult();
    let e = script::run_with(&mut st, &clerk, &sc, &hash, &|| T0 + 60_000, Some(&attached))
        .unwrap_err();
    let RunError::Capture { source, .. } = &e else { panic!("{e}") };
    let b = source.bilingual();
    assert!(b.en.contains("no device for this step") && b.ar.contains("لا يوجد جهاز"), "{b:?}");

    // With the script's documents photographed some other way (none listed), the rest is SBI.
    let (mut sc, _) = adult();
    sc.documents.clear();
    let hash = "sbi-run";
    let out =
        script::run_with(&mut st, &clerk, &sc, hash, &|| T0 + 60_000, Some(&attached)).unwrap();
    let sup_admin = st.login("admin1", "correct horse", T0).unwrap();
    st.add_operator(&sup_admin, "super1", Role::Supervisor, "super password", T0).unwrap();
    let sup = st.login("super1", "super password", T0).unwrap();
    st.decide(&sup, &out.enrollment, schemas::decision::Verdict::Approve, None, T0 + 120_000)
        .unwrap();
    let (bundle, _) = st.outbox_bundle(&out.enrollment).unwrap();
    let trust = Trust {
        station: Some(schemas::keys::parse_public_key(&st.station_public_key().unwrap()).unwrap()),
        operator: Some(station_core::operators::public_key(&st.store, "clerk1").unwrap()),
    };
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(registry)];
    let opened = schemas::bundle::open(&bundle[..], &ids, &trust).unwrap();
    opened.check_records(true).expect("MOSIP's registration records pass the registration checks");
    let anchors = drivers::sbi::TrustAnchors::from_bytes(&std::fs::read(&anchor).unwrap()).unwrap();
    let mut signed = 0;
    for s in &opened.manifest.samples {
        let Some(p) = s.payload else { continue };
        let dev = s.device.as_ref().expect("a device");
        assert_eq!(dev.kind, DeviceKind::Sbi, "{:?}", s.position);
        let jws = dev.signed_payload.as_ref().expect("the device's signed statement is kept");
        // Anyone can check it: the signature holds, and the record it signs is the sample's.
        let v = drivers::sbi::jws::verify(jws, &anchors, T0 / 1000).expect("a valid signature");
        let data: serde_json::Value = serde_json::from_slice(&v.payload).unwrap();
        use base64::Engine;
        let record = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(data["bioValue"].as_str().unwrap())
            .unwrap();
        assert_eq!(record, opened.payloads[p as usize], "{:?}", s.position);
        signed += 1;
        // The manifest repeats the quality the signed record states (check_records compared them).
        assert!(
            s.quality.as_ref().unwrap().algorithm.starts_with("device-signed"),
            "{:?}",
            s.quality
        );
        if s.modality == M::Finger {
            assert!(
                data["qualityScore"].as_f64().is_some(),
                "the device's NFIQ-style score is in its statement"
            );
        }
    }
    assert_eq!(signed, 13, "ten fingers, two irises and the face");
}

#[test]
fn an_exception_is_documented_by_the_sbi_face_cameras_exception_photo() {
    let (Some(mock), Some(anchor)) = (MockSbi::start(), mock_sbi::root_ca()) else { return };
    let d = tempdir("devices-sbi-exception");
    let (mut st, _) = new_station(&d, false);
    let cfg = settings(mock.port, &anchor);
    let mut attached = Attached::default();
    attached.apply(discover(&cfg), &cfg);
    let clerk = st.login("clerk1", "clerk password", T0).unwrap();
    let (mut sc, hash) =
        Script::parse(&std::fs::read_to_string(script("adult-missing-finger")).unwrap()).unwrap();
    sc.documents.clear();
    let out =
        script::run_with(&mut st, &clerk, &sc, &hash, &|| T0 + 60_000, Some(&attached)).unwrap();
    let m = st.signed_enrollment(&clerk, &out.enrollment).unwrap();
    let photo = m
        .manifest
        .samples
        .iter()
        .find(|s| s.position == schemas::manifest::Position::ExceptionPhoto)
        .expect("an exception photo");
    let ring = m
        .manifest
        .samples
        .iter()
        .find(|s| s.position == schemas::manifest::Position::LeftRing)
        .unwrap();
    assert!(
        ring.exception.is_some() && ring.payload.is_none(),
        "the amputated finger is not captured"
    );
    let jws = photo.device.as_ref().unwrap().signed_payload.as_ref().expect("signed by the device");
    let data: serde_json::Value =
        serde_json::from_slice(&drivers::sbi::jws::unverified_payload(jws).unwrap()).unwrap();
    use base64::Engine;
    let record = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data["bioValue"].as_str().unwrap())
        .unwrap();
    let exception_photo =
        std::fs::read(fixtures::mosip_registration_dir().unwrap().join("0001Exception_Photo.iso"))
            .unwrap();
    assert_eq!(
        record, exception_photo,
        "the device was told of the exception and returned its exception photo"
    );
}

#[test]
fn devices_come_and_go_and_simulated_ones_stand_in_only_in_demo() {
    let (Some(mock), Some(anchor)) = (MockSbi::start(), mock_sbi::root_ca()) else { return };
    let cfg = settings(mock.port, &anchor);
    let mut attached = Attached::default();
    attached.apply(discover(&cfg), &cfg);
    let kind = |a: &Attached, demo: bool, m: Modality| {
        a.inventory(demo).into_iter().find(|e| e.modality == m).map(|e| e.kind).unwrap()
    };
    assert_eq!(kind(&attached, false, Modality::Iris), "sbi");

    // The service stops: the next look finds nothing.
    drop(mock);
    attached.apply(discover(&cfg), &cfg);
    assert_eq!(kind(&attached, false, Modality::Iris), "absent");
    assert_eq!(kind(&attached, true, Modality::Iris), "simulated");

    // Demo station with nothing attached: the script's simulated devices capture.
    let d = tempdir("devices-demo");
    let (mut st, _) = new_station(&d, true);
    let clerk = st.login("clerk1", "clerk password", T0).unwrap();
    let (sc, hash) = adult();
    let out =
        script::run_with(&mut st, &clerk, &sc, &hash, &|| T0 + 60_000, Some(&attached)).unwrap();
    assert_eq!(out.stage, station_core::workflow::Stage::AwaitingApproval);

    // Devices whose signatures do not chain to the configured CA are listed as refused, unused.
    let Some(mock) = MockSbi::start() else { return };
    let other = settings(mock.port, &mock_sbi::other_ca().unwrap());
    attached.apply(discover(&other), &other);
    let list = attached.inventory(false);
    assert_eq!(list.iter().filter(|e| e.status == "untrusted").count(), 3, "{list:?}");
    // Each says why in both languages: no device provider this station trusts vouches for it.
    for e in list.iter().filter(|e| e.status == "untrusted") {
        assert!(e.detail.en.contains("not vouched for by any device provider"), "{}", e.detail.en);
        assert!(e.detail.ar.contains("لا يضمن الجهازَ"), "{}", e.detail.ar);
    }
    assert_eq!(kind(&attached, false, Modality::Fingerprint), "absent");
    // No CA at all: SBI is not looked for, and the station says why.
    let none = DeviceSettings {
        sbi_ports: [mock.port, mock.port],
        usb_readers: false,
        // The mock's devices are registered for Staging.
        sbi_env: "Staging".into(),
        ..DeviceSettings::default()
    };
    attached.apply(discover(&none), &none);
    assert!(
        attached.problems().iter().any(|p| p.contains("trust anchors")),
        "{:?}",
        attached.problems()
    );
}

#[test]
fn the_command_line_lists_devices_and_takes_a_providers_ca() {
    let (Some(mock), Some(anchor)) = (MockSbi::start(), mock_sbi::root_ca()) else { return };
    let d = demo_station("devices-cli");
    let data = d.join("data");
    let o = station_in(
        &["device", "trust", "--data", p(&data), "--operator", "admin1", p(&anchor)],
        "demo\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A file that is not a certificate is refused in both languages.
    let o = station_in(
        &["device", "trust", "--data", p(&data), "--operator", "admin1", p(&script("adult"))],
        "demo\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a PEM certificate") && err.contains("ليست شهادة"), "{err}");

    let o = station(&["device", "list", "--data", p(&data)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["demo"], true);
    let devices = v["devices"].as_array().unwrap();
    // The demo station's ports are the whole SBI range: the mock is found among them.
    let sbi: Vec<&serde_json::Value> = devices
        .iter()
        .filter(|e| {
            e["kind"] == "sbi"
                && e["detail"]["en"]
                    .as_str()
                    .unwrap()
                    .replace(['\u{2068}', '\u{2069}'], "")
                    .contains(&format!("port {}", mock.port))
        })
        .collect();
    assert!(!sbi.is_empty(), "{devices:?}");
    // The mock's devices are registered for Staging, and a station captures for Production unless
    // configured otherwise: they are listed as refused, saying why in both languages.
    for e in &sbi {
        assert_eq!(e["status"], "untrusted", "{e}");
        assert!(e["detail"]["en"].as_str().unwrap().contains("another SBI environment"), "{e}");
        assert!(e["detail"]["ar"].as_str().unwrap().contains("لبيئة SBI غير بيئة"), "{e}");
    }
    assert!(
        devices.iter().any(|e| e["modality"] == "document" && e["kind"] == "simulated"),
        "{devices:?}"
    );
}
