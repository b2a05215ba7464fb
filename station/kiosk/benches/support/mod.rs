//! What the kiosk's benchmarks share: a demo station in a fresh folder.

use std::path::PathBuf;

use station_core::operators::Role;
use station_core::station::{InitParams, Mode, Station};

/// The benches' clock.
pub const T0: i64 = 1_795_000_000_000;

/// A demo station in a fresh temporary folder named after `bench`, with the administrator
/// `admin1` and the clerk `clerk1` (both with the password "bench"); returns its folder.
pub fn demo_station(bench: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hukumati-bench-{bench}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let registry = schemas::keys::new_registry_identity().to_public().to_string();
    Station::init(
        &dir,
        &InitParams {
            station_id: "ST-BENCH",
            centre: "C",
            registry_recipient: &registry,
            admin: "admin1",
            admin_password: "bench",
            mode: Mode::Demo,
        },
        T0,
    )
    .unwrap();
    let mut s = Station::open(&dir).unwrap();
    let admin = s.login("admin1", "bench", T0).unwrap();
    s.add_operator(&admin, "clerk1", Role::Clerk, "bench", T0).unwrap();
    dir
}
