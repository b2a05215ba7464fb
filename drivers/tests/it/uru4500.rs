//! The U.are.U 4500 driver against the shared usbmon recording of a real reader capturing one
//! finger, played back in process.

use std::time::Duration;

use drivers::device::{DeviceError, FingerprintScanner};
use drivers::uru4500::{self, Uru4500, frame};
use drivers::usb::replay::Replay;
use drivers::usb::usbmon;

fn recording() -> Option<Vec<u8>> {
    fixtures::uru4500_recording().map(|p| fixtures::read(&p))
}

#[test]
fn the_recorded_session_decodes_to_a_fingerprint() {
    let Some(rec) = recording() else { return };
    let image = uru4500::replay(&rec).unwrap();
    assert_eq!(
        (image.width, image.height, image.channels, image.data.len()),
        (384, 290, 1, 384 * 290)
    );
    if let Ok(dir) = std::env::var("HUKUMATI_SAVE_IMAGES") {
        image::save_buffer(
            std::path::Path::new(&dir).join("uru4500.png"),
            &image.data,
            384,
            290,
            image::ExtendedColorType::L8,
        )
        .unwrap();
    }

    // Ridges dark on light: the raw sensor picture is faint (no enhancement here: the reference
    // driver's pixels, exactly), the background light, the finger in the upper half.
    let band = |y0: usize| {
        let px = &image.data[y0 * 384..(y0 + 20) * 384];
        let mean = px.iter().map(|p| f64::from(*p)).sum::<f64>() / px.len() as f64;
        (
            mean,
            (px.iter().map(|p| (f64::from(*p) - mean).powi(2)).sum::<f64>() / px.len() as f64)
                .sqrt(),
        )
    };
    let (finger, background) = (band(80), band(260));
    assert!(
        finger.1 > 2.0 * background.1 && finger.1 > 25.0,
        "contrast of the finger {finger:?}, of the background {background:?}"
    );
    assert!(background.0 > 230.0, "{background:?}");
    // Descrambled, the picture is smooth along its lines and between them; scrambled bytes are
    // not (neighbours then differ by some 85 levels on average).
    let rows = |y: usize| &image.data[y * 384..(y + 1) * 384];
    let along: f64 = (0..290)
        .map(|y| rows(y).windows(2).map(|w| (f64::from(w[0]) - f64::from(w[1])).abs()).sum::<f64>())
        .sum::<f64>()
        / (290.0 * 383.0);
    let across: f64 = (0..289)
        .map(|y| {
            rows(y)
                .iter()
                .zip(rows(y + 1))
                .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
                .sum::<f64>()
        })
        .sum::<f64>()
        / (289.0 * 384.0);
    assert!(
        along < 12.0 && across < 12.0,
        "mean differences of neighbours: along lines {along}, across {across}"
    );
}

#[test]
fn the_recorded_seed_is_the_one_of_the_readme_and_another_seed_does_not_decode() {
    let Some(rec) = recording() else { return };
    let events = usbmon::read(&rec).unwrap();
    assert_eq!(uru4500::recorded_seed(&events), Some(0x51EA_2124));
    // Another seed: the driver writes other bytes to 0x33 than the recording holds: refused by name.
    let mut dev = Uru4500::open(Replay::from_events(&events), Box::new(|| 0x1234_5678)).unwrap();
    let e = dev.capture(Duration::from_secs(5)).unwrap_err();
    assert!(
        matches!(&e, DeviceError::Protocol(m) if m.contains("not in the recording") && m.contains("4004330000000500")),
        "{e}"
    );
}

#[test]
fn the_driver_makes_exactly_the_recorded_transfers_and_says_what_it_is() {
    let Some(rec) = recording() else { return };
    let events = usbmon::read(&rec).unwrap();
    let mut dev = Uru4500::open(Replay::from_events(&events), Box::new(|| 0x51EA_2124)).unwrap();
    let info = dev.info();
    assert_eq!((info.make.as_str(), info.model.as_str()), ("DigitalPersona", "U.are.U 4500"));
    assert_eq!(info.serial, "1a0a1a0a01150000002000108b211130");
    let c =
        dev.capture_finger(drivers::device::Finger::RightIndex, Duration::from_secs(5)).unwrap();
    assert_eq!(c.ppi, 512);
    assert_eq!(dev.into_transport().remaining_controls(), 0);
}

/// The frame of the recording, as the device sent it.
fn recorded_frame(rec: &[u8]) -> Vec<u8> {
    usbmon::read(rec)
        .unwrap()
        .into_iter()
        .find(|e| e.what == b'C' && e.kind == usbmon::Kind::Bulk)
        .unwrap()
        .data
}

#[test]
fn the_recorded_frame_is_as_the_readme_says() {
    let Some(rec) = recording() else { return };
    let f = recorded_frame(&rec);
    assert_eq!(f.len(), 111_040);
    let h = frame::parse_header(&f).unwrap();
    assert_eq!((h.lines, h.key_number), (289, 0));
    let blocks: Vec<(u8, u8)> = h.blocks.iter().take(8).map(|b| (b.flags, b.lines)).collect();
    assert_eq!(
        blocks,
        [
            (0x02, 72),
            (0x00, 1),
            (0x02, 49),
            (0x01, 1),
            (0x00, 1),
            (0x02, 49),
            (0x00, 1),
            (0x02, 116)
        ]
    );
    assert!(frame::looks_scrambled(&f), "the raw frame is scrambled");
    // The key: the device's answer (read from 0x34) XOR the seed written to 0x33.
    let key = u32::from_le_bytes([0xf2, 0x28, 0xae, 0x05]) ^ 0x51EA_2124;
    let mut no_rekey = |_| panic!("no key change in this frame");
    assert!(frame::decode(f.clone(), key, &mut no_rekey).is_ok());
    assert_eq!(frame::decode(f, key ^ 1, &mut no_rekey), Err(frame::FrameError::StillScrambled));
}

#[test]
fn damaged_frames_and_device_replies_are_refused_not_crashed_on() {
    let Some(rec) = recording() else { return };
    let events = usbmon::read(&rec).unwrap();
    // A short frame, a frame with a wrong header: the bulk completion replaced.
    for damage in [
        |f: &mut Vec<u8>| f.truncate(30_000),
        |f: &mut Vec<u8>| f[4] = 0xff,
        |f: &mut Vec<u8>| f[5] = 0x02,
    ] {
        let mut ev = events.clone();
        let bulk = ev.iter_mut().find(|e| e.what == b'C' && e.kind == usbmon::Kind::Bulk).unwrap();
        damage(&mut bulk.data);
        let mut dev = Uru4500::open(Replay::from_events(&ev), Box::new(|| 0x51EA_2124)).unwrap();
        let e = dev.capture(Duration::from_secs(5)).unwrap_err();
        assert!(matches!(e, DeviceError::Protocol(_)), "{e}");
    }
    // An unknown interrupt word where the finger-on event should be.
    let mut ev = events.clone();
    let on = ev
        .iter_mut()
        .find(|e| {
            e.what == b'C' && e.kind == usbmon::Kind::Interrupt && e.data.starts_with(&[0x01, 0x01])
        })
        .unwrap();
    on.data[0] = 0x77;
    let mut dev = Uru4500::open(Replay::from_events(&ev), Box::new(|| 0x51EA_2124)).unwrap();
    assert!(
        matches!(dev.capture(Duration::from_secs(5)), Err(DeviceError::Protocol(m)) if m.contains("unknown interrupt word"))
    );
    // A stall on the bulk endpoint, and an unplug mid-transfer.
    for (status, want_disconnected) in [(-32, false), (-19, true)] {
        let mut ev = events.clone();
        let bulk = ev.iter_mut().find(|e| e.what == b'C' && e.kind == usbmon::Kind::Bulk).unwrap();
        bulk.status = status;
        let mut dev = Uru4500::open(Replay::from_events(&ev), Box::new(|| 0x51EA_2124)).unwrap();
        let e = dev.capture(Duration::from_secs(5)).unwrap_err();
        assert_eq!(matches!(e, DeviceError::Disconnected), want_disconnected, "{e}");
        assert_eq!(dev.status() == drivers::device::DeviceStatus::Disconnected, want_disconnected);
    }
}
