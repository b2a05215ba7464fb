//! Quality benchmarks: the face verdict on a 1280 x 720 preview frame (goal 15 ms on one
//! core), both with a full search and as the preview runs it (near the last frame's face); one
//! 500 ppi finger (30 ms); iris segmentation and score on 640 x 480 (30 ms); the MRZ read
//! from a document photograph (300 ms); an official's finger log-in: the minutiae template of
//! the finger on the glass and its comparison with the official's enrolled impressions (1 s
//! from the glass to the home screen). The preview sequence is also timed through the kiosk's
//! judging thread. Prints the median of repeated runs and its share of the
//! goal; run with `cargo bench -p station-quality --bench quality`.

use std::time::{Duration, Instant};

use drivers::sim;
use station_quality::{self as quality, document, face, finger, iris, matching};

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn main() {
    let scene = sim::face_scene(3);
    let finger_img = sim::fingerprint(5, 320, 400);
    let (eye, _) = sim::iris(4, true);
    let k3 = iris::k3_crop(
        &eye,
        iris::assess(&eye, &quality::IrisThresholds::default()).unwrap().iris.unwrap(),
    )
    .unwrap();
    let td1 = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]
    .map(String::from);
    let card = sim::id_card(2, true, Some(&td1));
    // A swaying applicant, as the simulated camera streams: the preview judges each frame near
    // the last one's face, with a full search every tenth.
    let frames: Vec<_> = (0..30).map(|n| sim::sway(&scene, n)).collect();
    let preview = median(7, || {
        let mut track = face::Track::default();
        for f in &frames {
            drop(
                face::assess_tracked(f, &quality::FaceThresholds::default(), false, &mut track)
                    .unwrap(),
            );
        }
    }) / frames.len() as u32;
    // The same frames as the kiosk judges them: given to the judging thread, the verdict waited
    // for (exposure and motion on top of the face checks, and the hand-over between threads).
    let judge = quality::Judge::start().unwrap();
    let mut sequence = 0;
    let through_thread = median(7, || {
        judge.restart();
        for f in &frames {
            sequence += 1;
            judge.give(f, sequence, true, &quality::FaceThresholds::default());
            drop(judge.wait(sequence, Duration::from_secs(10)).unwrap().unwrap());
        }
    }) / frames.len() as u32;
    // An official's finger: a real one (MOSIP's right index, from the shared fixtures), enrolled
    // with another of their fingers; the touch at log-in is the same finger. Without the shared
    // fixtures, a simulated finger stands in (slower: simulated fingers carry about 150
    // minutiae, real ones 50-110).
    let real = |name: &str| -> Option<drivers::raster::Image> {
        let dir = fixtures::mosip_registration_dir().filter(|d| d.is_dir())?;
        let r = schemas::iso19794::Record::parse(&fixtures::read(&dir.join(name))).ok()?;
        Some(drivers::raster::Image::from(r.decode_images().ok()?.remove(0)))
    };
    let (official, other, source) = match (real("0001Right_Index.iso"), real("0001Right_Thumb.iso"))
    {
        (Some(a), Some(b)) => (a, b, "MOSIP's real fingers"),
        _ => (sim::fingerprint(9, 320, 400), sim::fingerprint(10, 320, 400), "simulated fingers"),
    };
    println!("finger log-in measured on {source}");
    let enrolled =
        [matching::extract(&official, 500, 0).unwrap(), matching::extract(&other, 500, 0).unwrap()];
    let probe = matching::extract(&official, 500, 0).unwrap();
    let (sim_a, sim_b) = (
        matching::extract(&sim::fingerprint(9, 320, 400), 500, 0).unwrap(),
        matching::extract(&sim::fingerprint(10, 320, 400), 500, 0).unwrap(),
    );
    let rows = [
        (
            "face verdict, full search, 1280x720 frame",
            15.0,
            median(31, || {
                drop(face::assess(&scene, &quality::FaceThresholds::default(), false).unwrap())
            }),
        ),
        ("face verdict, preview sequence (mean per frame)", 15.0, preview),
        ("the same through the judging thread, with exposure and motion", 15.0, through_thread),
        (
            "face capture with BRISQUE, 1280x720",
            f64::NAN,
            median(11, || {
                drop(face::assess(&scene, &quality::FaceThresholds::default(), true).unwrap())
            }),
        ),
        (
            "finger score, 320x400 at 500 ppi",
            30.0,
            median(31, || {
                drop(
                    finger::assess(&finger_img, 500, &quality::FingerThresholds::default())
                        .unwrap(),
                )
            }),
        ),
        (
            "finger template (MINDTCT), the official's finger",
            f64::NAN,
            median(31, || drop(matching::extract(&official, 500, 0).unwrap())),
        ),
        (
            "one finger comparison (BOZORTH3), the same finger",
            f64::NAN,
            median(101, || {
                std::hint::black_box(matching::score(&probe, &enrolled[0]));
            }),
        ),
        (
            "one finger comparison (BOZORTH3), another finger",
            f64::NAN,
            median(101, || {
                std::hint::black_box(matching::score(&probe, &enrolled[1]));
            }),
        ),
        (
            "one comparison of two simulated fingers (150 minutiae each)",
            f64::NAN,
            median(11, || {
                std::hint::black_box(matching::score(&sim_a, &sim_b));
            }),
        ),
        (
            "finger log-in: template and 1:1 against two impressions",
            1000.0,
            median(31, || {
                let t = matching::extract(&official, 500, 0).unwrap();
                std::hint::black_box(matching::compare(&t, &enrolled, 40));
            }),
        ),
        (
            "iris segmentation and score, 640x480",
            30.0,
            median(31, || drop(iris::assess(&k3, &quality::IrisThresholds::default()).unwrap())),
        ),
        (
            "MRZ read, ID-1 card 1012x638",
            300.0,
            median(11, || {
                drop(document::read(&card, &quality::DocumentThresholds::default()).unwrap())
            }),
        ),
    ];
    println!("| measure | median ms | goal ms | share of goal |\n|---|---|---|---|");
    for (name, goal, t) in rows {
        let ms = t.as_secs_f64() * 1000.0;
        if goal.is_nan() {
            println!("| {name} | {ms:.2} | — | — |");
        } else {
            println!("| {name} | {ms:.2} | {goal} | {:.2} |", ms / goal);
        }
    }
}
