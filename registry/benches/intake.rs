//! Intake throughput: 2 MB bundles announced and uploaded by several stations at once, on
//! PostgreSQL (durable commits) and the local filesystem store (every object fsynced with its
//! folder). Prints bundles a second and megabytes a second; the goal is 100 bundles a second.
//!
//! `cargo bench -p registry --bench intake` (PostgreSQL from `HUKUMATI_PG`, as the tests).

#[path = "../tests/it/world.rs"]
#[allow(dead_code)]
mod world;

use std::time::Instant;

use world::*;

const STATIONS: usize = 8;
const PER_STATION: usize = 40;
const DOCUMENT: usize = 2_000_000;

fn main() {
    registry::install_tls_provider();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let reg = Registry::start("bench-intake", Storage::PostgresFs).await;
        let mut stations = Vec::new();
        for i in 0..STATIONS {
            let st = Station::new(&format!("ST-B{i:03}"), &reg);
            st.join(&reg).await;
            stations.push(st);
        }
        let t = Instant::now();
        let batches: Vec<Vec<Sealed>> = stations.iter_mut().map(|st| (0..PER_STATION).map(|_| st.seal_with_document(DOCUMENT)).collect()).collect();
        let sealing = t.elapsed();
        let bytes: usize = batches.iter().flatten().map(|s| s.bundle.len()).sum();
        let n = STATIONS * PER_STATION;

        let t = Instant::now();
        let mut tasks = Vec::new();
        for (st, batch) in stations.into_iter().zip(batches) {
            let now = reg.now();
            tasks.push(tokio::spawn(async move {
                for s in &batch {
                    let (code, v) = st.announce(&[s], now).await;
                    assert_eq!(code, 200, "{v}");
                    assert_eq!(v["answers"][0]["action"], "send", "{v}");
                    let r = st.patch(s, 0, s.bundle.clone(), now).await;
                    assert_eq!(r.status(), 200);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let took = t.elapsed().as_secs_f64();
        println!("machine: {} cores", std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(0));
        println!("sealed {n} bundles of {:.2} MB in {:.1} s (the stations' side, not measured)", bytes as f64 / n as f64 / 1e6, sealing.as_secs_f64());
        println!(
            "intake, PostgreSQL + local fsynced folder, {STATIONS} stations at once: {n} bundles in {took:.2} s = {:.0} bundles/s, {:.0} MB/s (goal >= 100 bundles/s)",
            n as f64 / took,
            bytes as f64 / took / 1e6
        );
    });
}
