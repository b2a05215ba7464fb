//! Sync with the central registry: the station's side.
//!
//! - [`outbox`]: the sync state in the station's store (waiting bundles and their tickets,
//!   receipts, refusals, the registry's decisions and master data);
//! - [`client`]: the signed HTTP client, with resumable, bandwidth-limited uploads;
//! - [`media`]: export to and receipts from removable media, for stations with no link;
//! - this module: one sync cycle ([`cycle`]) and the background [`Worker`] that runs cycles
//!   with backoff and jitter, and reports its progress (bytes, bundles, time left) to the UI.
//!
//! A bundle's bytes are erased only in the transaction that stores its verified receipt.
//! A cycle can be cut anywhere (power, link, a kill): the next one announces the same tickets,
//! the registry answers with the offset it holds, and the upload goes on from there.

#![forbid(unsafe_code)]

pub mod client;
pub mod media;
pub mod outbox;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use sync::api::{Action, unb64};

use station_core::station::Station;
use station_text::messages::{Bilingual, Explain};

pub use client::{Client, UplinkError, Uploaded};
pub use media::RemovableMedia;
pub use outbox::{SyncIdentity, SyncState};

/// The most tickets announced at once.
pub(crate) const BATCH: usize = 50;

/// The most upload requests for one bundle in one cycle (cuts resumed, partial answers).
pub(crate) const MAX_UPLOAD_REQUESTS: u32 = 16;

/// What the worker is doing, for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Idle,
    MasterData,
    Announcing,
    Uploading,
    Status,
    /// Waiting before trying again after a failure.
    Backoff,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub phase: Phase,
    /// The batch being sent: bundles in it, bundles done.
    pub batch_bundles: u32,
    pub batch_done: u32,
    pub batch_bytes: u64,
    pub bytes_sent: u64,
    /// Upload speed in this batch, bytes a second.
    pub rate: f64,
    /// Seconds left in this batch at that speed.
    pub eta_s: Option<u64>,
    /// Bundles the registry refused in the last cycle.
    pub refused: u32,
    /// Bundles waiting for the registry to approve their clerk or supervisor.
    pub held: u32,
    pub last_error: Option<Bilingual>,
    /// Station clock, ms.
    pub last_success_at: Option<i64>,
    /// How far the station's clock is behind the registry's signed time (ms), as last measured.
    pub clock_offset_ms: Option<i64>,
    pub cycles: u64,
}

pub type SharedProgress = Arc<Mutex<Progress>>;

fn update(p: &SharedProgress, f: impl FnOnce(&mut Progress)) {
    if let Ok(mut g) = p.lock() {
        f(&mut g);
    }
}

/// What one sync cycle did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CycleSummary {
    pub operators_registered: u32,
    pub announced: u32,
    pub receipted: Vec<String>,
    pub refused: Vec<(String, String, String)>,
    /// Of those, the ones refused for good: set aside, no longer holding up the others.
    pub set_aside: Vec<String>,
    /// Bundles announced but not sent: their clerk or supervisor awaits the registry's approval.
    pub held: Vec<(String, String)>,
    /// Bytes sent in upload bodies (some of them again after a cut).
    pub bytes_sent: u64,
    pub status_events: u32,
    /// Bundles left waiting (sequence gaps, the batch size, refusals, held).
    pub still_waiting: u32,
    /// How far the station's clock is behind the registry's signed time (ms).
    pub clock_offset_ms: i64,
}

/// Starts a demo station's embedded registry from its configuration file, and answers with the
/// address it serves and what keeps it running (dropped to stop it). The `station` binary hands
/// one in when it is built with the demo registry: this crate links no registry code.
pub type StartEmbedded =
    Arc<dyn Fn(&Path) -> Result<(String, Box<dyn std::any::Any + Send>), String> + Send + Sync>;

/// The registry a station syncs with: its address, and the embedded demo one kept running.
pub struct Target {
    pub url: String,
    _embedded: Option<Box<dyn std::any::Any + Send>>,
}

impl Target {
    /// The configured registry, or for a demo station without one, its embedded registry
    /// (started with `embedded`, stopped when this is dropped).
    pub fn of(station: &Station, embedded: Option<&StartEmbedded>) -> Result<Target, UplinkError> {
        if !station.config.registry_url.is_empty() {
            let url = &station.config.registry_url;
            // The mode may have changed since the address was set (the registry's word).
            address_allowed(station.mode, url).map_err(UplinkError::Address)?;
            return Ok(Target { url: url.clone(), _embedded: None });
        }
        let cfg = embedded_config(&station.store.dir);
        if let Some(start) = embedded.filter(|_| station.is_demo() && cfg.exists()) {
            let (url, running) = start(&cfg)
                .map_err(|e| UplinkError::Network(format!("the embedded demo registry: {e}")))?;
            return Ok(Target { url, _embedded: Some(running) });
        }
        Err(UplinkError::NotConfigured("no registry address (`station registry set`)"))
    }
}

/// Whether a station in `mode` may reach its registry at `url`: https always; plain http only
/// on training and demo stations, or to this machine itself (a registry or a TLS-terminating
/// proxy on the loopback interface). A production station's bundles and tokens never cross a
/// network in the clear, and answers there are not anybody's to forge.
pub fn address_allowed(mode: station_core::station::Mode, url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if mode.allows_simulation() || loopback => Ok(()),
        "http" => Err(format!("{url}: a production station reaches its registry over https only")),
        other => Err(format!("{url}: {other} is not http(s)")),
    }
}

/// Where a demo station keeps its embedded registry.
pub fn embedded_config(data: &Path) -> PathBuf {
    data.join("demo-registry").join("registry.toml")
}

/// One sync cycle: master data, operators, the waiting bundles (announce, upload, receipt), the
/// status feed. Stops at the first failure of the link; refusals are recorded and reported.
pub fn cycle(
    station: &mut Station,
    client: &Client,
    progress: &SharedProgress,
    stop: &AtomicBool,
    now: &dyn Fn() -> i64,
) -> Result<CycleSummary, UplinkError> {
    let mut c = Cycle { station, client, progress, stop, now, report: CycleSummary::default() };
    c.master_data()?;
    let id = client.identity().clone();
    while !stop.load(Ordering::SeqCst) {
        // Operators added since the cycle began are registered before any bundle needs them.
        c.register_operators()?;
        let done = c.report.refused.len() + c.report.held.len();
        let waiting = c.station.waiting(&id, BATCH + done)?;
        let fresh: Vec<_> =
            waiting.into_iter().filter(|w| !c.seen(&w.ticket.bundle_id)).take(BATCH).collect();
        if fresh.is_empty() || !c.send_batch(&id, fresh)? {
            break;
        }
    }
    c.status_feed()?;
    c.station.registry_contact(now())?;
    c.report.still_waiting = c.station.count_waiting()?;
    Ok(c.report)
}

/// What one cycle works with, and its report so far.
struct Cycle<'a> {
    station: &'a mut Station,
    client: &'a Client,
    progress: &'a SharedProgress,
    stop: &'a AtomicBool,
    now: &'a dyn Fn() -> i64,
    report: CycleSummary,
}

impl Cycle<'_> {
    /// The registry's master data: its signed time gives the clock's offset (requests are then
    /// signed with the corrected time, and the station told); a revoked station stops here.
    fn master_data(&mut self) -> Result<(), UplinkError> {
        update(self.progress, |p| p.phase = Phase::MasterData);
        let m = self.client.master_data()?;
        self.client.set_skew(m.issued_at - self.client.clock_ms());
        let now = (self.now)();
        let offset = m.issued_at - now;
        self.station.record_clock_offset(offset, now)?;
        self.report.clock_offset_ms = offset;
        self.station.apply_master_data(&m, now)?;
        if m.station.revoked {
            return Err(UplinkError::Revoked);
        }
        Ok(())
    }

    /// Registers the operators the registry does not know yet.
    fn register_operators(&mut self) -> Result<(), UplinkError> {
        for op in self.station.unregistered_operators()? {
            self.client.register_operator(&op.username, op.role.as_str(), &op.ed25519)?;
            self.station.mark_registered(&op.username, (self.now)())?;
            self.report.operators_registered += 1;
        }
        Ok(())
    }

    /// Whether this cycle already dealt with a bundle (refused, set aside or held).
    fn seen(&self, bundle_id: &str) -> bool {
        self.report.refused.iter().any(|r| r.0 == bundle_id)
            || self.report.held.iter().any(|h| h.0 == bundle_id)
    }

    /// Announces one batch of waiting bundles and sends what the registry asks for, storing each
    /// receipt as it comes. Whether any bundle was receipted (else the cycle stops sending).
    fn send_batch(
        &mut self,
        id: &SyncIdentity,
        fresh: Vec<outbox::Waiting>,
    ) -> Result<bool, UplinkError> {
        update(self.progress, |p| {
            p.phase = Phase::Announcing;
            p.batch_bundles = fresh.len() as u32;
            p.batch_done = 0;
            p.batch_bytes = fresh.iter().map(|w| w.bundle.len() as u64).sum();
            p.bytes_sent = 0;
            p.rate = 0.0;
            p.eta_s = None;
        });
        let signed: Vec<Vec<u8>> = fresh.iter().map(|w| w.ticket.sign(&id.key)).collect();
        let answers = self.client.announce(&signed)?;
        self.report.announced += answers.len() as u32;
        let started = Instant::now();
        let mut sent_before = 0u64;
        let mut progressed = false;
        let unapproved = self.station.unapproved_operators()?;
        for (w, a) in fresh.into_iter().zip(answers) {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            if a.bundle_id != w.ticket.bundle_id {
                return Err(UplinkError::Protocol(format!(
                    "an answer for {} where {} was announced",
                    a.bundle_id, w.ticket.bundle_id
                )));
            }
            // A production station's bundle waits for the registry to approve both signers.
            let held_by = (self.station.mode == station_core::station::Mode::Production)
                .then(|| [&w.clerk, &w.supervisor].into_iter().find(|n| unapproved.contains(n)))
                .flatten()
                .map(String::as_str);
            let receipt = match a.action {
                Action::Have => {
                    unb64(a.receipt.as_deref().unwrap_or("")).map_err(UplinkError::Protocol)?
                }
                Action::Refused => {
                    let r = a.refusal.unwrap_or(sync::api::Refusal {
                        code: sync::Code::BadTicket,
                        detail: String::new(),
                    });
                    self.refused(&w.ticket.bundle_id, &r)?;
                    if r.code.is_permanent() {
                        // Set aside: the bundles after it go on.
                        progressed = true;
                        continue;
                    }
                    // Later numbers cannot pass one the registry has not taken yet.
                    break;
                }
                Action::Send if held_by.is_some() => {
                    // Announced (its number is used) but held until the registry approves them.
                    self.hold(&w.ticket.bundle_id, held_by.unwrap_or_default())?;
                    progressed = true;
                    continue;
                }
                Action::Send => {
                    update(self.progress, |p| p.phase = Phase::Uploading);
                    self.upload(
                        &w.ticket,
                        Arc::new(w.bundle),
                        a.offset.unwrap_or(0),
                        (started, sent_before),
                    )?
                }
            };
            if receipt.is_empty() {
                // Refused for good (set aside) or held: the next one goes on.
                progressed = true;
                continue;
            }
            self.station.store_receipt(&w.ticket, &receipt, (self.now)())?;
            self.report.receipted.push(w.ticket.bundle_id.clone());
            progressed = true;
            sent_before += w.ticket.ciphertext_len;
            update(self.progress, |p| {
                p.batch_done += 1;
                p.bytes_sent = sent_before;
            });
        }
        Ok(progressed)
    }

    /// Uploads one bundle from `from`, going on after a cut (up to three tries) from the offset
    /// the registry holds. The receipt, or nothing when the registry refused the bundle
    /// (recorded). `batch`: when the batch started and the bytes sent in it before this bundle.
    fn upload(
        &mut self,
        ticket: &sync::ticket::Ticket,
        bundle: Arc<Vec<u8>>,
        mut from: u64,
        batch: (Instant, u64),
    ) -> Result<Vec<u8>, UplinkError> {
        let (batch_started, base) = batch;
        let len = bundle.len() as u64;
        let mut tries = 0;
        // Requests for this bundle in this cycle: a registry that answers "partial" without end
        // (or ever from the same place) does not keep the station sending.
        let mut requests = 0u32;
        loop {
            requests += 1;
            if from > len {
                return Err(UplinkError::Protocol(format!(
                    "the registry asks for bytes from {from} of a bundle of {len}"
                )));
            }
            if requests > MAX_UPLOAD_REQUESTS {
                return Err(UplinkError::Protocol(format!(
                    "the upload of {} does not end: {MAX_UPLOAD_REQUESTS} requests, the registry at {from} of {len} bytes",
                    ticket.bundle_id
                )));
            }
            let p2 = self.progress.clone();
            let start = from;
            let on_progress: Arc<dyn Fn(u64) + Send + Sync> = Arc::new(move |pos: u64| {
                update(&p2, |p| {
                    p.bytes_sent = base + (pos - start);
                    let secs = batch_started.elapsed().as_secs_f64();
                    if secs > 0.5 {
                        p.rate = p.bytes_sent as f64 / secs;
                        p.eta_s = (p.rate > 0.0).then(|| {
                            ((p.batch_bytes.saturating_sub(p.bytes_sent)) as f64 / p.rate) as u64
                        });
                    }
                });
            });
            let outcome =
                self.client.upload(&ticket.ciphertext_sha256, bundle.clone(), from, on_progress);
            if outcome.is_ok() {
                self.report.bytes_sent += len - from;
            }
            match outcome {
                Ok(Uploaded::Done(r)) => return Ok(r),
                Ok(Uploaded::Partial(at)) => from = at,
                Err(e) if e.transient() && tries < 3 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(300 * tries));
                    from = self.client.offset(&ticket.ciphertext_sha256)?;
                }
                Err(UplinkError::Refused(r)) if r.code == sync::Code::OperatorNotApproved => {
                    self.hold(&ticket.bundle_id, &r.detail)?;
                    return Ok(Vec::new());
                }
                Err(UplinkError::Refused(r)) if r.code.is_permanent() => {
                    self.refused(&ticket.bundle_id, &r)?;
                    return Ok(Vec::new());
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Records and reports the registry's refusal of a bundle; one refused for good is set
    /// aside.
    fn refused(&mut self, bundle_id: &str, r: &sync::api::Refusal) -> Result<(), UplinkError> {
        if r.code.is_permanent() {
            self.station.set_aside(bundle_id, r.code.as_str(), &r.detail, (self.now)())?;
            self.report.set_aside.push(bundle_id.to_string());
        } else {
            self.station.record_refusal(bundle_id, r.code.as_str(), &r.detail)?;
        }
        self.report.refused.push((bundle_id.to_string(), r.code.as_str().into(), r.detail.clone()));
        Ok(())
    }

    /// Records that a bundle waits for the registry to approve `who` (it stays in the outbox).
    fn hold(&mut self, bundle_id: &str, who: &str) -> Result<(), UplinkError> {
        let code = sync::Code::OperatorNotApproved.as_str();
        self.station.record_refusal(bundle_id, code, who)?;
        self.report.held.push((bundle_id.to_string(), who.to_string()));
        Ok(())
    }

    /// The registry's later decisions on this station's bundles, page by page from the cursor.
    fn status_feed(&mut self) -> Result<(), UplinkError> {
        update(self.progress, |p| p.phase = Phase::Status);
        let keys = self.station.receipt_keys()?;
        loop {
            let after = self.station.status_cursor()?;
            let page = self.client.status(&keys, after)?;
            if page.events.is_empty() {
                return Ok(());
            }
            self.report.status_events += page.events.len() as u32;
            self.station.apply_status(&page.events)?;
        }
    }
}

/// How long to wait before the `n`th try again (from 1): doubling from 2 s up to 5 minutes,
/// drawn at random below that (full jitter), so that stations coming back together spread out.
pub(crate) fn backoff(n: u32) -> Duration {
    let cap = 2_000u64.saturating_mul(1 << n.min(8)).min(300_000);
    let mut r = [0u8; 8];
    let _ = getrandom::fill(&mut r);
    Duration::from_millis(u64::from_le_bytes(r) % (cap + 1))
}

/// The sync worker: cycles in the background, every `interval` when all went well, after a
/// backoff when not; stops when asked (at the next step) or dropped.
pub struct Worker {
    pub progress: SharedProgress,
    stop: Arc<AtomicBool>,
    wake: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts syncing the station in `data` with its own connection to the store.
    pub fn start(
        data: PathBuf,
        id: SyncIdentity,
        interval: Duration,
        now: Arc<dyn Fn() -> i64 + Send + Sync>,
        embedded: Option<StartEmbedded>,
    ) -> Worker {
        let progress: SharedProgress = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        let job = Job {
            data,
            id,
            interval,
            now,
            embedded,
            progress: progress.clone(),
            stop: stop.clone(),
        };
        let thread =
            std::thread::Builder::new().name("sync".into()).spawn(move || job.run(&woken)).ok();
        Worker { progress, stop, wake, thread }
    }

    /// Asks for a cycle now (a bundle was just sealed).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }

    pub fn progress(&self) -> Progress {
        self.progress.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

impl Worker {
    /// Stops and waits until the current step is done.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    /// Asks the worker to stop after its current step, without waiting (an upload on a slow
    /// link must not freeze the screen of an operator logging out).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
    }
}

/// What the worker's thread syncs, how often, and where it tells its progress.
struct Job {
    data: PathBuf,
    id: SyncIdentity,
    interval: Duration,
    now: Arc<dyn Fn() -> i64 + Send + Sync>,
    embedded: Option<StartEmbedded>,
    progress: SharedProgress,
    stop: Arc<AtomicBool>,
}

impl Job {
    /// Cycles until stopped: every `interval` after a success, after a backoff after a failure,
    /// or at once when woken.
    fn run(&self, woken: &std::sync::mpsc::Receiver<()>) {
        let Job { data, id, interval, now, embedded, progress, stop } = self;
        let (interval, embedded, now) = (*interval, embedded.as_ref(), &**now);
        let mut failures = 0u32;
        let mut target: Option<(Target, Client)> = None;
        while !stop.load(Ordering::SeqCst) {
            let result = (|| -> Result<CycleSummary, UplinkError> {
                let mut station = Station::open(data)?;
                if target.is_none() {
                    let t = Target::of(&station, embedded)?;
                    let root = station.registry_root_key()?.ok_or(UplinkError::NotConfigured(
                        "no registry root key (`station registry set`)",
                    ))?;
                    let limit = station.config.sync_limit_bytes();
                    let clock: Arc<dyn Fn() -> i64 + Send + Sync> = Arc::new(crate::system_ms);
                    let c = Client::new(&t.url, id.clone(), root, limit, clock)?;
                    target = Some((t, c));
                }
                let (_, client) = target.as_ref().expect("set above");
                cycle(&mut station, client, progress, stop, now)
            })();
            let wait = match result {
                Ok(report) => {
                    failures = 0;
                    update(progress, |p| {
                        p.phase = Phase::Idle;
                        p.last_error = None;
                        p.last_success_at = Some(now());
                        p.refused = report.refused.len() as u32;
                        p.held = report.held.len() as u32;
                        p.clock_offset_ms = Some(report.clock_offset_ms);
                        p.cycles += 1;
                    });
                    interval
                }
                Err(e) => {
                    failures += 1;
                    if matches!(e, UplinkError::NotConfigured(_)) {
                        target = None;
                    }
                    update(progress, |p| {
                        p.phase = Phase::Backoff;
                        p.last_error = Some(e.bilingual());
                        p.cycles += 1;
                    });
                    backoff(failures)
                }
            };
            let _ = woken.recv_timeout(wait);
        }
    }
}

/// The system clock in ms since the epoch.
pub fn system_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_production_station_takes_no_plain_http_registry_but_this_machine() {
        use station_core::station::Mode;
        for ok in [
            "https://registry.gov.ps",
            "http://127.0.0.1:8443",
            "http://[::1]:80",
            "http://localhost:1",
        ] {
            assert!(address_allowed(Mode::Production, ok).is_ok(), "{ok}");
        }
        for bad in
            ["http://registry.gov.ps", "http://10.0.0.5:8443", "ftp://registry.gov.ps", "registry"]
        {
            assert!(address_allowed(Mode::Production, bad).is_err(), "{bad}");
        }
        assert!(address_allowed(Mode::Training, "http://10.0.0.5:8443").is_ok());
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes_and_is_spread_at_random() {
        for n in 1..20 {
            let cap = (2_000u64 << n.min(8)).min(300_000);
            for _ in 0..50 {
                assert!(backoff(n).as_millis() as u64 <= cap);
            }
        }
        // Full jitter: stations coming back together do not all wait the same.
        let waits: std::collections::HashSet<u128> =
            (0..20).map(|_| backoff(6).as_millis()).collect();
        assert!(waits.len() > 10, "{waits:?}");
        assert!(
            (0..200).map(|_| backoff(20).as_millis()).max().unwrap() > 150_000,
            "the cap is reached over time"
        );
    }
}
