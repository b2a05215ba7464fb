//! Writes the simulated images to PNG files for a look: `cargo run -p drivers --example draw -- OUT_DIR [SEED]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "sim-images".into()));
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    std::fs::create_dir_all(&out).expect("output folder");
    let save = |name: &str, img: drivers::raster::Image| {
        let colour = if img.channels == 3 {
            image::ExtendedColorType::Rgb8
        } else {
            image::ExtendedColorType::L8
        };
        image::save_buffer(out.join(name), &img.data, img.width, img.height, colour)
            .expect("write png");
    };
    for i in 0..5 {
        save(&format!("finger-{i}.png"), drivers::sim::fingerprint(seed * 31 + i, 352, 480));
    }
    save("iris.png", drivers::sim::iris(seed, true).0);
    save("face.png", drivers::sim::face(seed));
    save("id-front.png", drivers::sim::id_card(seed, false, None));
    let mrz = [
        "IDPSE4012345624<<<<<<<<<<<<<<<".to_string(),
        "9005125F3103012PSE<<<<<<<<<<<8".to_string(),
        "AL<KHATIB<<SALMA<<<<<<<<<<<<<<".to_string(),
    ];
    save("id-back.png", drivers::sim::id_card(seed, true, Some(&mrz)));
}
