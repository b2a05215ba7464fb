//! `station quality` and `station document read`: every check printed as JSON, a failed check
//! exits 1, a file that is not an image is refused in both languages (exit 2).

use drivers::raster::Image;
use drivers::sim;

use crate::common::*;

fn save(img: &Image, path: &std::path::Path) {
    image::save_buffer(path, &img.data, img.width, img.height, image::ExtendedColorType::Rgb8)
        .unwrap();
}

#[test]
fn the_command_line_prints_every_check() {
    let dir = tempdir("quality-cli");
    let card = dir.join("card.png");
    let td1 = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]
    .map(String::from);
    save(&sim::id_card(7, true, Some(&td1)), &card);
    let out = station(&["document", "read", p(&card), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["mrz"]["parsed"]["format"], "TD1");
    assert_eq!(v["mrz"]["parsed"]["data"]["document_number"], "D23145890");
    assert_eq!(v["mrz"]["parsed"]["checks"].as_array().unwrap().len(), 4);
    assert!(v["mrz"]["parsed"]["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true));
    // A face blurred out of focus, not so far that its eyes are lost (then the first check to
    // fail would be the eye distance).
    let face = dir.join("face.png");
    let scene = sim::face_scene(2);
    let rgb = image::RgbImage::from_raw(scene.width, scene.height, scene.data).unwrap();
    image::imageops::blur(&rgb, 3.0).save(&face).unwrap();
    let out = station(&["quality", "face", p(&face), "--json"]);
    assert_eq!(out.status.code(), Some(1), "a failed check exits 1");
    let v = json(&out);
    assert_eq!(v["algorithm"], station_quality::face::ALGORITHM);
    assert_eq!(v["instruction"], "out-of-focus");
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "sharpness" && c["passed"] == false)
    );
    if let Some(dir) = fixtures::mosip_registration_dir() {
        let out = station(&["quality", "finger", p(&dir.join("0001Left_Index.iso")), "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(json(&out)["score"].as_u64().unwrap() >= 40);
        let out = station(&["quality", "iris", p(&dir.join("0001Right_Iris.iso")), "--json"]);
        assert!(json(&out)["iris"]["r"].as_f64().unwrap() > 105.0);
    }
    // Not an image: a clear error in both languages, exit 2.
    let junk = dir.join("junk.png");
    std::fs::write(&junk, b"not a picture").unwrap();
    let out = station(&["quality", "iris", p(&junk)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an image") && err.contains("ليس صورة"), "{err}");
}
