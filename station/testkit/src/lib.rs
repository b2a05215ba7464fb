//! Test support shared by the station's tests and benchmarks (as code, not copied): a registry
//! and stations to sync with it, for the sync tests and the sync benchmark: the
//! registry set up as `registry init` does and served in this process (SQLite and a folder),
//! stations set up, onboarded and given enrollments of children (face only: small bundles,
//! quick to make).

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemas::decision::Verdict;
use station_core::operators::{Role, Session};
use station_core::script::{self, Script};
use station_core::station::{InitParams, Mode, Station};
use station_uplink::{self as uplink, Client, SyncIdentity, SyncState};
use sync::master::StationMode;

pub fn now() -> i64 {
    uplink::system_ms()
}

/// A registry set up as `registry init` does, served in this process.
pub struct Reg {
    pub config: PathBuf,
    pub made: registry::config::Initialised,
    pub server: registry::Embedded,
}

impl Reg {
    pub fn start(dir: &Path) -> Reg {
        registry::install_tls_provider();
        let made = registry::config::init(&dir.join("registry"), "127.0.0.1:0").unwrap();
        let server = registry::Embedded::start(&made.config).unwrap();
        Reg { config: made.config.clone(), made, server }
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.url.trim_start_matches("http://").parse().unwrap()
    }

    pub fn admin(&self) -> reqwest::blocking::Client {
        reqwest::blocking::Client::new()
    }

    /// The whole receipt log, as the registry's administrators see it.
    pub fn log(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let page: Vec<sync::api::LogEntry> = self
                .admin()
                .get(format!("{}/v1/admin/log?from={}", self.server.url, out.len() + 1))
                .bearer_auth(&self.made.admin_token)
                .send()
                .unwrap()
                .json()
                .unwrap();
            if page.is_empty() {
                return out;
            }
            out.extend(page.into_iter().map(|e| sync::api::unb64(&e.receipt).unwrap()));
        }
    }
}

pub struct St {
    pub station: Station,
    pub clerk: Session,
    pub supervisor: Session,
    pub id: SyncIdentity,
    pub data: PathBuf,
}

/// A training station onboarded at `reg`, reaching it at `url`: its scripted enrollments use
/// simulated devices, its operators need no approval, and nothing it sends becomes an identity.
pub fn onboarded_station(reg: &Reg, dir: &Path, station_id: &str, url: &str) -> St {
    station_in_mode(reg, dir, station_id, url, Mode::Training, StationMode::Training)
}

/// A station set up in `mode` and onboarded at `reg` as `onboarded` (the two differ when a test
/// plays a station whose software lies about what it is).
pub fn station_in_mode(
    reg: &Reg,
    dir: &Path,
    station_id: &str,
    url: &str,
    mode: Mode,
    onboarded: StationMode,
) -> St {
    let data = dir.join(station_id);
    Station::init(
        &data,
        &InitParams {
            station_id,
            centre: "HEB-PO-03",
            registry_recipient: &reg.made.recipient,
            admin: "admin1",
            admin_password: "correct horse",
            mode,
        },
        now(),
    )
    .unwrap();
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "correct horse", now()).unwrap();
    station.add_operator(&admin, "clerk1", Role::Clerk, "battery staple", now()).unwrap();
    station.add_operator(&admin, "super1", Role::Supervisor, "tr0ub4dor&3", now()).unwrap();
    station.set_registry(&admin, url, &reg.made.root_public, now()).unwrap();
    assert!(
        registry::onboard(
            &reg.config,
            sync::api::NewStation {
                id: station_id.into(),
                ed25519: station.station_public_key().unwrap(),
                centre: "HEB-PO-03".into(),
                mode: onboarded,
            }
        )
        .unwrap()
    );
    let clerk = station.login("clerk1", "battery staple", now()).unwrap();
    let supervisor = station.login("super1", "tr0ub4dor&3", now()).unwrap();
    let id = station.sync_identity(&clerk).unwrap();
    St { station, clerk, supervisor, id, data }
}

/// Enrolls `n` children (face only: small bundles, quick to make) and approves them all.
pub fn enroll(st: &mut St, n: u64, seed: u64) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/enrollments/child-under-5.json");
    let text = std::fs::read_to_string(path).unwrap();
    for i in 0..n {
        let t = text.replacen("\"seed\": 303", &format!("\"seed\": {}", seed + i), 1);
        let (s, hash): (Script, String) = Script::parse(&t).unwrap();
        script::run(&mut st.station, &st.clerk, &s, &hash, &now).unwrap();
    }
    for p in st.station.pending(&st.supervisor).unwrap() {
        st.station.decide(&st.supervisor, &p.id, Verdict::Approve, None, now()).unwrap();
    }
}

pub fn client(st: &St, url: &str) -> Client {
    Client::new(
        url,
        st.id.clone(),
        st.station.registry_root_key().unwrap().unwrap(),
        st.station.config.sync_limit_bytes(),
        Arc::new(now),
    )
    .unwrap()
}

/// One sync cycle of `st` through `c`, with `at` as the station's clock.
pub fn cycle_at(
    st: &mut St,
    c: &Client,
    at: &dyn Fn() -> i64,
) -> Result<uplink::CycleSummary, uplink::UplinkError> {
    uplink::cycle(
        &mut st.station,
        c,
        &uplink::SharedProgress::default(),
        &std::sync::atomic::AtomicBool::new(false),
        at,
    )
}

/// One sync cycle of `st` through `c`, on the system clock.
pub fn cycle(st: &mut St, c: &Client) -> Result<uplink::CycleSummary, uplink::UplinkError> {
    cycle_at(st, c, &now)
}
