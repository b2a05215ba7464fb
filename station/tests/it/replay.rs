//! `station device replay`: a recorded U.are.U 4500 session decoded to its picture, for support
//! in the field; a file that is not a recording is refused in both languages.

use std::process::Command;

use crate::common::*;

#[test]
fn a_recording_replays_to_the_captured_picture() {
    let Some(rec) = fixtures::uru4500_recording() else { return };
    let d = tempdir("device-replay");
    let out = d.join("finger.png");
    let o = run(Command::new(STATION).args(["device", "replay", p(&rec), "--out", p(&out)]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["width"], 384);
    let png = image::open(&out).unwrap().to_luma8();
    assert_eq!(png.dimensions(), (384, 290));
    let direct = drivers::uru4500::replay(&fixtures::read(&rec)).unwrap();
    assert_eq!(png.as_raw(), &direct.data, "the PNG holds the driver's pixels exactly");

    let o = run(Command::new(STATION).args([
        "device",
        "replay",
        p(&out),
        "--out",
        p(&d.join("x.png")),
    ]));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a usbmon recording") && err.contains("ليس تسجيلًا"), "{err}");
}
