//! `station operator finger add|verify`, as support staff and tests use them: MOSIP's real
//! finger records enrolled for an official, checked against a new touch of the same finger and
//! against another finger; files someone else prepared refused.

use crate::common::*;

fn png_of_record(record: &std::path::Path, out: &std::path::Path, degrees: f32) {
    let r = schemas::iso19794::Record::parse(&fixtures::read(record)).unwrap();
    let px = r.decode_images().unwrap().remove(0);
    let img = image::GrayImage::from_raw(px.width, px.height, px.data).unwrap();
    // A new touch: turned a little about the centre, the background light.
    let turned = image::GrayImage::from_fn(px.width, px.height, |x, y| {
        let (cx, cy) = (px.width as f32 / 2.0, px.height as f32 / 2.0);
        let (s, c) = degrees.to_radians().sin_cos();
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (sx, sy) = (c * dx + s * dy + cx, -s * dx + c * dy + cy);
        if sx >= 0.0 && sy >= 0.0 && (sx as u32) < px.width && (sy as u32) < px.height {
            *img.get_pixel(sx as u32, sy as u32)
        } else {
            image::Luma([255])
        }
    });
    turned.save(out).unwrap();
}

#[test]
fn officials_fingers_from_the_command_line() {
    let Some(reg) = fixtures::mosip_registration_dir().filter(|d| d.is_dir()) else {
        eprintln!("skipped: ../shared/fixtures (MOSIP's registration records) is absent");
        return;
    };
    let d = demo_station("fingers-cli");
    let data = d.join("data");
    let index = reg.join("0001Right_Index.iso");
    let thumb = reg.join("0001Right_Thumb.iso");
    let add = |images: &[&str], password: &str| {
        let mut args = vec![
            "operator",
            "finger",
            "add",
            "--data",
            p(&data),
            "--operator",
            "admin1",
            "--username",
            "clerk1",
        ];
        args.extend_from_slice(images);
        station_in(&args, &format!("{password}\n"))
    };
    // A wrong administrator's password enrols nothing.
    let out = add(&[p(&index), p(&thumb)], "wrong");
    assert!(!out.status.success());
    // Two ISO/IEC 19794-4 records: position and resolution come from the record.
    let out = add(&[p(&index), p(&thumb)], "demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let enrolled = json(&out);
    assert_eq!(enrolled[0]["position"], 2);
    assert_eq!(enrolled[1]["position"], 1);
    assert!(enrolled[0]["minutiae"].as_u64().unwrap() >= 20);
    assert!(String::from_utf8_lossy(&out.stderr).contains("clerk1"));

    let verify = |image: &std::path::Path| {
        station(&[
            "operator",
            "finger",
            "verify",
            "--data",
            p(&data),
            "--username",
            "clerk1",
            p(image),
            "--json",
        ])
    };
    // The same finger touched again (a PNG, turned 7 degrees): a match, exit 0.
    let touch = d.join("touch.png");
    png_of_record(&index, &touch, 7.0);
    let out = verify(&touch);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["match"], true, "{v}");
    assert!(v["score"].as_u64().unwrap() >= v["threshold"].as_u64().unwrap());
    assert_eq!(v["templates"], 2);
    // Another finger of the same person: no match, exit 1, still JSON.
    let other = d.join("other.png");
    png_of_record(&reg.join("0001Left_Middle.iso"), &other, 0.0);
    let out = verify(&other);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["match"], false, "{v}");
    assert!(v["score"].as_u64().unwrap() < v["threshold"].as_u64().unwrap());

    // An official with no finger enrolled, in both languages.
    let out = station(&[
        "operator",
        "finger",
        "verify",
        "--data",
        p(&data),
        "--username",
        "super1",
        p(&touch),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no finger enrolled") && err.contains("لا بصمة مسجّلة"), "{err}");

    // Files someone else prepared: a link in the image's place, a pipe, a blank image, a
    // record of the wrong kind, a non-image. Each refused with a reason, nothing enrolled.
    let link = d.join("link.png");
    std::os::unix::fs::symlink(&touch, &link).unwrap();
    let fifo = d.join("fifo.png");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo");
    let blank = d.join("blank.png");
    image::GrayImage::from_pixel(300, 400, image::Luma([250])).save(&blank).unwrap();
    let iris = fixtures::mosip_2005_dir().unwrap().join("Sample_IRIS.iso");
    let text = d.join("notes.png");
    std::fs::write(&text, b"not an image at all").unwrap();
    for (bad, says) in [
        (&link, "link"),
        (&fifo, "regular file"),
        (&blank, "points"),
        (&iris, "another modality"),
        (&text, ""),
    ] {
        let t = std::time::Instant::now();
        let out = add(&[p(bad), p(&touch)], "demo");
        assert!(t.elapsed().as_secs() < 20, "{bad:?} took {:?}", t.elapsed());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stdout));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{bad:?}: {err}");
    }
    let list = json(&station(&["operator", "list", "--data", p(&data)]));
    assert!(list.as_array().unwrap().iter().any(|o| o["username"] == "clerk1"));
    let out = verify(&touch);
    assert_eq!(json(&out)["templates"], 2, "nothing more was enrolled");
}
