//! The SBI client against our mock SBI service serving MOSIP's real mock device data: its device
//! keys and demo root CA, its registration-grade ISO records.

use std::time::{Duration, Instant};

use drivers::device::*;
use drivers::sbi::client::{chain_next, chain_start};
use drivers::sbi::devices::{SbiFace, SbiFingerprint, SbiIris, finger_name};
use drivers::sbi::stream::{Frames, StreamError, boundary};
use drivers::sbi::{Client, Identity, SbiError, TrustAnchors, TrustError, jws};
use fixtures::mock_sbi::{self, MockSbi};

fn anchors() -> TrustAnchors {
    TrustAnchors::from_bytes(
        &std::fs::read(mock_sbi::root_ca().expect("shared fixtures")).expect("root CA"),
    )
    .expect("a PEM certificate")
}

/// The mock's devices say they are registered for Staging, the environment asked for here.
fn staging_client(anchors: TrustAnchors) -> Client {
    Client::new(anchors).expect("client").with_env("Staging")
}

fn setup() -> Option<(MockSbi, Client)> {
    let mock = MockSbi::start()?;
    Some((mock, staging_client(anchors())))
}

fn identities(client: &Client, port: u16) -> Vec<Identity> {
    client
        .info(port)
        .expect("device info")
        .into_iter()
        .map(|r| r.expect("a trusted device"))
        .collect()
}

fn device(client: &Client, port: u16, kind: &str) -> Identity {
    identities(client, port)
        .into_iter()
        .find(|i| i.digital_id.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} device"))
}

/// The error of a capture expected to fail (without printing megabytes of records if it did not).
fn failure<T>(r: Result<Vec<T>, DeviceError>) -> DeviceError {
    match r {
        Ok(v) => panic!("the capture succeeded with {} images", v.len()),
        Err(e) => e,
    }
}

fn record(name: &str) -> Vec<u8> {
    std::fs::read(fixtures::mosip_registration_dir().expect("shared").join(name)).expect("record")
}

#[test]
fn discovery_scans_the_port_range_and_finds_the_service() {
    let Some((mock, client)) = setup() else { return };
    let found = client.discover(4501..=4600, "Biometric Device");
    let (_, devices) =
        found.iter().find(|(p, _)| *p == mock.port).expect("the mock's port is found");
    let mut codes: Vec<&str> = devices.iter().map(|d| d.device_code.as_str()).collect();
    codes.sort();
    assert_eq!(devices.len(), 3, "slap, iris and face");
    assert!(codes.iter().any(|c| c.contains("slap")), "{codes:?}");
    // Asking for one modality lists only that one.
    let fingers = client.discover_port(mock.port, "Finger").expect("discovery");
    assert_eq!(fingers.len(), 1);
    assert_eq!(fingers[0].device_sub_id, ["1", "2", "3"]);
    // A port with nothing on it is simply not listed.
    assert!(client.discover(1..=1, "Biometric Device").is_empty());
}

#[test]
fn device_identities_are_verified_against_the_root_ca() {
    let Some((mock, client)) = setup() else { return };
    let ids = identities(&client, mock.port);
    assert_eq!(ids.len(), 3);
    let slap = ids.iter().find(|i| i.digital_id.kind == "Finger").expect("slap");
    assert_eq!(slap.digital_id.device_sub_type, "Slap");
    assert_eq!(slap.digital_id.make, "MOSIP");
    assert_eq!(slap.firmware, "MOSIP.SLAP.1.0.0.0");
    assert!(slap.signer.contains("CN=mosipfingerslap"), "{}", slap.signer);
    assert!(slap.anchor.contains("CN=RootCA"), "{}", slap.anchor);
    let face = ids.iter().find(|i| i.digital_id.kind == "Face").expect("face");
    assert_ne!(face.signer_fingerprint, slap.signer_fingerprint, "each device has its own key");

    // Another CA (MOSIP's FTM root) does not vouch for these devices.
    let other = TrustAnchors::from_bytes(
        &std::fs::read(mock_sbi::other_ca().expect("shared")).expect("read"),
    )
    .expect("PEM");
    let strict = staging_client(other);
    for r in strict.info(mock.port).expect("info") {
        assert!(matches!(r, Err(SbiError::Untrusted(TrustError::UnknownAnchor(_)))), "{r:?}");
    }
    // In 2032 the demo certificates (valid 2021-2031) have expired.
    let later = staging_client(anchors()).with_clock(|| 1_956_528_000);
    let r = later.info(mock.port).expect("info").remove(0);
    assert!(matches!(r, Err(SbiError::Untrusted(TrustError::Expired { .. }))), "{r:?}");
    // No anchors: refused up front.
    assert!(matches!(Client::new(TrustAnchors::default()), Err(SbiError::NoAnchors)));
}

#[test]
fn a_slap_capture_returns_the_signed_records_chained() {
    let Some((mock, client)) = setup() else { return };
    let mut scanner = SbiFingerprint::new(client.clone(), device(&client, mock.port, "Finger"))
        .expect("a finger device");
    assert_eq!(scanner.info().backend, Backend::Sbi);
    assert_eq!(scanner.info().model, "SLAP01");
    let caps =
        scanner.capture_slap(Slap::RightFour, &[], Duration::from_secs(10)).expect("capture");
    let fingers: Vec<Finger> = caps.iter().map(|c| c.finger).collect();
    assert_eq!(fingers, Slap::RightFour.fingers());
    let mut previous = chain_start();
    for c in &caps {
        let s = c.signed.as_ref().expect("signed");
        let name = finger_name(c.finger).replace("Finger", "").replace(' ', "_");
        assert_eq!(
            s.record,
            record(&format!("0001{name}.iso")),
            "the record is MOSIP's, byte for byte"
        );
        assert_eq!(s.previous_hash, previous);
        assert_eq!(s.hash, chain_next(&previous, &s.record).expect("hex"));
        previous = s.hash.clone();
        assert_eq!(c.device_quality, Some(85));
        assert_eq!(c.ppi, 500);
        assert_eq!(
            c.image.data.len(),
            (c.image.width * c.image.height) as usize,
            "an 8-bit grey image"
        );
        assert!(c.image.width > 200 && c.image.height > 200);
        // The payload is the device's: a changed byte breaks the signature.
        let mut parts: Vec<String> = s.jws.split('.').map(str::to_string).collect();
        let tampered = if parts[1].ends_with('A') { 'B' } else { 'A' };
        parts[1].pop();
        parts[1].push(tampered);
        assert_eq!(
            jws::verify(&parts.join("."), &anchors(), 1_800_000_000).map(|_| ()),
            Err(TrustError::BadSignature)
        );
    }
    // The next capture of the transaction continues the chain; a new transaction starts afresh.
    let thumbs = scanner.capture_slap(Slap::Thumbs, &[], Duration::from_secs(10)).expect("thumbs");
    assert_eq!(thumbs[0].signed.as_ref().expect("signed").previous_hash, previous);
    scanner.new_transaction();
    let again = scanner.capture_slap(Slap::Thumbs, &[], Duration::from_secs(10)).expect("thumbs");
    assert_eq!(again[0].signed.as_ref().expect("signed").previous_hash, chain_start());
    // Missing fingers are sent as exceptions and not returned.
    let left = scanner
        .capture_slap(Slap::LeftFour, &[Finger::LeftRing], Duration::from_secs(10))
        .expect("left");
    assert_eq!(
        left.iter().map(|c| c.finger).collect::<Vec<_>>(),
        [Finger::LeftIndex, Finger::LeftMiddle, Finger::LeftLittle]
    );
    // A slap scanner takes no single finger.
    assert!(matches!(
        scanner.capture_finger(Finger::RightIndex, Duration::from_secs(1)),
        Err(DeviceError::Unsupported(_))
    ));
}

#[test]
fn irises_and_face_are_captured_signed() {
    let Some((mock, client)) = setup() else { return };
    let mut iris = SbiIris::new(client.clone(), device(&client, mock.port, "Iris")).expect("iris");
    let caps = iris.capture(&[Eye::Right, Eye::Left], Duration::from_secs(10)).expect("both eyes");
    let mut eyes: Vec<Eye> = caps.iter().map(|c| c.eye).collect();
    eyes.sort_by_key(|e| *e == Eye::Left);
    assert_eq!(eyes, [Eye::Right, Eye::Left]);
    for c in &caps {
        let name = if c.eye == Eye::Right { "0001Right_Iris.iso" } else { "0001Left_Iris.iso" };
        assert_eq!(c.signed.as_ref().expect("signed").record, record(name));
        assert_eq!(c.image.channels, 1);
    }
    let one = iris.capture(&[Eye::Left], Duration::from_secs(10)).expect("left eye");
    assert_eq!(one.iter().map(|c| c.eye).collect::<Vec<_>>(), [Eye::Left]);

    let mut face = SbiFace::new(client.clone(), device(&client, mock.port, "Face")).expect("face");
    let (img, signed) = face.capture_signed(Duration::from_secs(10)).expect("face");
    assert_eq!(signed.expect("signed").record, record("0001Face.iso"));
    assert_eq!(img.channels, 3, "a colour photograph");
    // A device of the wrong kind is refused by each adapter.
    assert!(SbiIris::new(client.clone(), device(&client, mock.port, "Face")).is_err());
}

#[test]
fn the_preview_stream_delivers_frames() {
    let Some((mock, client)) = setup() else { return };
    let mut face = SbiFace::new(client.clone(), device(&client, mock.port, "Face")).expect("face");
    let start = Instant::now();
    let frame = loop {
        match face.preview() {
            Ok(f) => break f,
            Err(DeviceError::NotReady(_)) if start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("no preview: {e}"),
        }
    };
    assert!(
        frame.image.width > 0
            && frame.image.data.len() == (frame.image.width * frame.image.height * 3) as usize
    );
    // Frames keep coming (the mock sends five a second).
    let first = frame.sequence;
    let start = Instant::now();
    while face.preview().expect("preview").sequence == first {
        assert!(start.elapsed() < Duration::from_secs(5), "no second frame");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn device_faults_give_clear_errors() {
    let Some((mock, client)) = setup() else { return };
    let id = device(&client, mock.port, "Finger");
    let mut scanner = SbiFingerprint::new(client.clone(), id).expect("scanner");
    let t = Duration::from_secs(10);

    mock.fault("busy");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(
        matches!(&e, DeviceError::NotReady(m) if m.contains("111") && m.contains("busy")),
        "{e}"
    );
    assert_eq!(scanner.status(), DeviceStatus::NotReady);

    mock.fault("error:109");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(
        matches!(&e, DeviceError::Protocol(m) if m.contains("109") && m.contains("number of biometrics")),
        "{e}"
    );

    mock.fault("bad-signature");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(
        matches!(&e, DeviceError::Untrusted { why: Distrust::BadSignature, detail } if detail.contains("signature")),
        "{e}"
    );

    mock.fault("bad-chain");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(
        matches!(&e, DeviceError::Untrusted { why: Distrust::BrokenChain, detail } if detail.contains("hash chain")),
        "{e}"
    );

    mock.fault("not-ready");
    let ids = identities(&client, mock.port);
    assert!(ids.iter().all(|i| i.status == "Not Ready"));

    // A device that does not answer in time: the station gives up after the timeout and a grace.
    mock.fault("slow");
    let start = Instant::now();
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], Duration::from_millis(500)));
    assert!(matches!(e, DeviceError::Timeout(_)), "{e}");
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());

    // The device disappears mid-capture: unplugged, and discovery no longer lists it.
    mock.fault("gone");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert_eq!(e, DeviceError::Disconnected);
    assert_eq!(scanner.status(), DeviceStatus::Disconnected);
    assert!(client.discover_port(mock.port, "Biometric Device").expect("answers").is_empty());

    // Back again: the same scanner works, and its chain went on from its last good capture.
    mock.fault("none");
    let caps = scanner.capture_slap(Slap::RightFour, &[], t).expect("works again");
    assert_eq!(caps.len(), 4);
    assert_eq!(scanner.status(), DeviceStatus::Ready);
    // A stopped service: unplugged.
    let port = mock.port;
    drop(mock);
    assert_eq!(failure(scanner.capture_slap(Slap::RightFour, &[], t)), DeviceError::Disconnected);
    assert!(client.info(port).is_err());
}

/// A capture signed by another device's key, or naming another serial number, than the device
/// identified at discovery is refused; so is a device registered for, or capturing in, another
/// SBI environment than the station's.
#[test]
fn a_capture_from_another_device_or_environment_is_refused() {
    let Some((mock, client)) = setup() else { return };
    let id = device(&client, mock.port, "Finger");
    let mut scanner = SbiFingerprint::new(client.clone(), id).expect("scanner");
    let t = Duration::from_secs(10);
    for fault in ["other-device", "other-serial"] {
        mock.fault(fault);
        let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
        assert!(
            matches!(&e, DeviceError::Untrusted { why: Distrust::NotTheDevice, .. }),
            "{fault}: {e}"
        );
    }
    mock.fault("env:Developer");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(matches!(&e, DeviceError::Untrusted { why: Distrust::WrongEnv, .. }), "{e}");
    for r in client.info(mock.port).expect("info") {
        assert!(
            matches!(&r, Err(SbiError::WrongEnv { found, .. }) if found == "Developer"),
            "{r:?}"
        );
    }
    // A production station (the default environment) refuses these Staging devices.
    mock.fault("none");
    let production = Client::new(anchors()).expect("client");
    assert_eq!(production.env(), "Production");
    for r in production.info(mock.port).expect("info") {
        assert!(matches!(&r, Err(SbiError::WrongEnv { found, .. }) if found == "Staging"), "{r:?}");
    }
    let caps = scanner.capture_slap(Slap::RightFour, &[], t).expect("the true device captures");
    assert_eq!(caps.len(), 4);
}

/// Certificate paths with one defect each, as a careless or dishonest device provider could
/// issue them, are refused with that defect named; a good path verifies, also when an expired
/// copy of its root comes first among the anchors.
#[test]
fn certificate_paths_are_checked_link_by_link() {
    use crate::pki::{CA, DEVICE, Pki};
    let p = Pki::new("sbi");
    for k in ["root", "int", "int2", "leaf", "other"] {
        p.key(k, "ed25519");
    }
    p.key("rsaroot", "rsa:2048");
    p.key("rsa1024", "rsa:1024");
    p.key("rsaleaf", "rsa:2048");
    p.cert("root", "root", "Device Provider Root", None, 3650, CA, None);
    // The same root renewed: the old copy expires after a day.
    p.cert("oldroot", "root", "Device Provider Root", None, 1, CA, None);
    p.cert("int", "int", "Device Provider Issuing", Some(("root", "root")), 3650, CA, None);
    p.cert("leaf", "leaf", "Slap Scanner 1", Some(("int", "int")), 3650, DEVICE, None);
    let payload = br#"{"serialNo":"1"}"#;
    // An hour ahead: the certificates made below are valid from the second they are made.
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
    let in_ten_days = now + 10 * 86_400;
    let anchors = |names: &[&str]| TrustAnchors::from_bytes(&p.pem(names)).expect("anchors");

    let good = p.jws("leaf", &["leaf", "int"], payload);
    let v = jws::verify(&good, &anchors(&["oldroot", "root"]), in_ten_days)
        .expect("the renewed root vouches, the expired copy before it notwithstanding");
    assert_eq!(v.payload, payload);
    assert!(v.anchor.contains("Device Provider Root"), "{}", v.anchor);
    assert!(v.signer.contains("Slap Scanner 1"), "{}", v.signer);

    let refused = |name: &str, x5c: &[&str], key: &str, anchor: &[&str]| {
        let r = jws::verify(&p.jws(key, x5c, payload), &anchors(anchor), now);
        r.expect_err(name)
    };
    // The device key may not sign: its key usage lacks digitalSignature.
    p.cert(
        "ku",
        "leaf",
        "Slap Scanner 2",
        Some(("int", "int")),
        3650,
        "keyUsage=critical,nonRepudiation
",
        None,
    );
    let e = refused("key usage", &["ku", "int"], "leaf", &["root"]);
    assert!(matches!(e, TrustError::KeyUsage { needs: "digitalSignature", .. }), "{e:?}");
    // An issuing CA whose key usage lacks keyCertSign.
    p.cert(
        "kuca",
        "int",
        "Issuing Without CertSign",
        Some(("root", "root")),
        3650,
        "basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature
",
        None,
    );
    p.cert("leafku", "leaf", "Slap Scanner 3", Some(("kuca", "int")), 3650, DEVICE, None);
    let e = refused("CA key usage", &["leafku", "kuca"], "leaf", &["root"]);
    assert!(matches!(e, TrustError::KeyUsage { needs: "keyCertSign", .. }), "{e:?}");
    // Path length: the first issuing CA may have no CA below it.
    p.cert(
        "int0",
        "int",
        "Issuing pathlen 0",
        Some(("root", "root")),
        3650,
        "basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign
",
        None,
    );
    p.cert("int2", "int2", "Issuing below", Some(("int0", "int")), 3650, CA, None);
    p.cert("leafdeep", "leaf", "Slap Scanner 4", Some(("int2", "int2")), 3650, DEVICE, None);
    let e = refused("path length", &["leafdeep", "int2", "int0"], "leaf", &["root"]);
    assert!(matches!(e, TrustError::Constraints(_)), "{e:?}");
    // A certificate that is not a CA issues the device's.
    p.cert("notca", "int", "Not A CA", Some(("root", "root")), 3650, DEVICE, None);
    p.cert("leafnotca", "leaf", "Slap Scanner 5", Some(("notca", "int")), 3650, DEVICE, None);
    let e = refused("not a CA", &["leafnotca", "notca"], "leaf", &["root"]);
    assert!(matches!(e, TrustError::Constraints(_) | TrustError::KeyUsage { .. }), "{e:?}");
    // A critical extension nobody here understands.
    p.cert(
        "crit",
        "leaf",
        "Slap Scanner 6",
        Some(("int", "int")),
        3650,
        &format!(
            "{DEVICE}1.3.6.1.4.1.99999.1=critical,ASN1:UTF8String:x
"
        ),
        None,
    );
    let e = refused("critical extension", &["crit", "int"], "leaf", &["root"]);
    assert_eq!(e, TrustError::CriticalExtension);
    // Names do not chain: the device's issuer is "Other Issuing", signed with the key of the
    // intermediate sent along (whose name differs); the signature alone would verify.
    p.cert("otherint", "int", "Other Issuing", Some(("root", "root")), 3650, CA, None);
    p.cert("leafname", "leaf", "Slap Scanner 7", Some(("otherint", "int")), 3650, DEVICE, None);
    let e = refused("name chaining", &["leafname", "int"], "leaf", &["root"]);
    assert!(matches!(e, TrustError::UnknownAnchor(_)), "{e:?}");
    // SHA-1, and RSA of 1024 bits.
    p.cert("rsaroot", "rsaroot", "RSA Root", None, 3650, CA, Some("sha256"));
    p.cert(
        "sha1",
        "rsaleaf",
        "Slap Scanner 8",
        Some(("rsaroot", "rsaroot")),
        3650,
        DEVICE,
        Some("sha1"),
    );
    let e = refused("SHA-1", &["sha1"], "rsaleaf", &["rsaroot"]);
    assert!(matches!(e, TrustError::WeakAlgorithm { .. }), "{e:?}");
    p.cert(
        "weak",
        "rsa1024",
        "Slap Scanner 9",
        Some(("rsaroot", "rsaroot")),
        3650,
        DEVICE,
        Some("sha256"),
    );
    let e = refused("RSA-1024", &["weak"], "rsa1024", &["rsaroot"]);
    assert!(matches!(e, TrustError::WeakKey { bits: 1024, .. }), "{e:?}");
    // Only the expired root: refused (not vouched for), not a crash or a pass.
    let e = jws::verify(&good, &anchors(&["oldroot"]), in_ten_days).expect_err("expired anchor");
    assert!(matches!(e, TrustError::UnknownAnchor(_)), "{e:?}");
}

#[test]
fn jws_checks_refuse_what_they_should() {
    let a = anchors();
    assert!(matches!(jws::verify("abc", &a, 0), Err(TrustError::Malformed(_))));
    assert!(matches!(jws::verify("a.b.c.d", &a, 0), Err(TrustError::Malformed(_))));
    // {"alg":"none"}
    assert!(
        matches!(jws::verify("eyJhbGciOiJub25lIn0.e30.", &a, 0), Err(TrustError::Algorithm(a)) if a == "none")
    );
    // {"alg":"RS256"} without x5c
    assert!(matches!(
        jws::verify("eyJhbGciOiJSUzI1NiJ9.e30.AAAA", &a, 0),
        Err(TrustError::NoCertificate)
    ));
    assert!(TrustAnchors::from_bytes(b"not a certificate").is_err());
    assert!(
        TrustAnchors::from_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .is_err()
    );
}

#[test]
fn mjpeg_parts_are_split_with_and_without_lengths() {
    assert_eq!(boundary("multipart/x-mixed-replace; boundary=frame").expect("b"), "frame");
    assert_eq!(boundary("multipart/x-mixed-replace;boundary=\"--x y\"").expect("b"), "x y");
    assert!(matches!(boundary("application/json"), Err(StreamError::NotMultipart(_))));
    let body = b"preamble\r\n--f\r\nContent-Type: image/jpeg\r\nContent-Length: 3\r\n\r\nabc\r\n--f\r\nContent-Type: image/jpeg\r\n\r\nde\r\nf\r\n--f--\r\n";
    let mut frames = Frames::new(&body[..], "f");
    assert_eq!(frames.next_frame().expect("1").as_deref(), Some(&b"abc"[..]));
    assert_eq!(frames.next_frame().expect("2").as_deref(), Some(&b"de\r\nf"[..]));
    assert_eq!(frames.next_frame().expect("end"), None);
    // Cut inside a frame, a length over the limit, a length that is not a number.
    assert!(Frames::new(&b"--f\r\nContent-Length: 10\r\n\r\nabc"[..], "f").next_frame().is_err());
    assert!(
        Frames::new(&b"--f\r\nContent-Length: 999999999\r\n\r\n"[..], "f").next_frame().is_err()
    );
    assert!(Frames::new(&b"--f\r\nContent-Length: x\r\n\r\n"[..], "f").next_frame().is_err());
}

proptest::proptest! {
    #[test]
    fn mjpeg_parser_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let mut frames = Frames::new(&body[..], "f");
        for _ in 0..10 {
            if !matches!(frames.next_frame(), Ok(Some(_))) { break }
        }
    }

    #[test]
    fn jws_verify_never_panics(s in "[A-Za-z0-9_.=-]{0,200}") {
        let _ = jws::verify(&s, &anchors(), 1_800_000_000);
    }
}
