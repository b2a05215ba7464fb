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

fn setup() -> Option<(MockSbi, Client)> {
    let mock = MockSbi::start()?;
    Some((mock, Client::new(anchors()).expect("client")))
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
    let strict = Client::new(other).expect("client");
    for r in strict.info(mock.port).expect("info") {
        assert!(
            matches!(
                r,
                Err(SbiError::Untrusted(
                    TrustError::UnknownAnchor(_) | TrustError::BrokenPath { .. }
                ))
            ),
            "{r:?}"
        );
    }
    // In 2032 the demo certificates (valid 2021-2031) have expired.
    let later = Client::new(anchors()).expect("client").with_clock(|| 1_956_528_000);
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
    assert!(matches!(&e, DeviceError::Untrusted(m) if m.contains("signature")), "{e}");

    mock.fault("bad-chain");
    let e = failure(scanner.capture_slap(Slap::RightFour, &[], t));
    assert!(matches!(&e, DeviceError::Untrusted(m) if m.contains("hash chain")), "{e}");

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
