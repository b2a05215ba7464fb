//! U.are.U 4500: descrambling and decoding one frame, and replaying the whole shared recording
//! (parsing the pcapng, the driver's session, the decoding). Goals: under 2 ms and under 50 ms.
//!
//! `cargo bench -p drivers --bench uru4500`

use std::time::Instant;

use drivers::uru4500::{self, frame};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Some(path) = fixtures::uru4500_recording() else { return };
    let rec = fixtures::read(&path);
    let events = drivers::usb::usbmon::read(&rec).unwrap();
    let raw = events
        .iter()
        .find(|e| e.what == b'C' && e.kind == drivers::usb::usbmon::Kind::Bulk)
        .unwrap()
        .data
        .clone();
    let key =
        u32::from_le_bytes([0xf2, 0x28, 0xae, 0x05]) ^ uru4500::recorded_seed(&events).unwrap();
    let runs = 200;
    let decode: Vec<f64> = (0..runs)
        .map(|_| {
            let f = raw.clone();
            let t = Instant::now();
            let img = frame::decode(f, key, &mut |_| unreachable!()).unwrap();
            std::hint::black_box(img);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let replay: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(uru4500::replay(&rec).unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(0)
    );
    println!(
        "descramble + assemble + orient one frame ({} bytes): median {:.3} ms, max {:.3} ms over {runs} (goal < 2 ms)",
        raw.len(),
        median(decode.clone()),
        decode.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "replay of the whole recording ({} bytes, {} usbmon events): median {:.2} ms, max {:.2} ms over {runs} (goal < 50 ms)",
        rec.len(),
        events.len(),
        median(replay.clone()),
        replay.iter().cloned().fold(0.0, f64::max)
    );
}
