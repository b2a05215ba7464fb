//! The station: its identity and settings, and every operation a clerk, a supervisor or an
//! administrator performs, each one a single durable transaction with its audit entry.

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use schemas::bundle::{self, Payload, Signer};
use schemas::decision::{self, Decision, Verdict};
use schemas::manifest::{
    self, AuditHead as ManifestAudit, Bytes32, Manifest, Modality, PayloadKind, Position, Sample,
    StationRef, Times,
};
use serde::{Deserialize, Serialize};

use crate::capture::CapturePolicy;
use crate::operators::{self, LoginPolicy, OperatorError, Role, Session};
use crate::store::{
    AuditBreak, Store, StoreError, audit_append, audit_head, audit_verify, set_meta,
};
use crate::vault::{Key, VaultError};
use crate::workflow::*;
use station_text::messages::{Explain, Message};

/// Station settings an administrator can change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Config {
    /// Refuse new enrollments while this many await the supervisor (MOSIP: 100).
    pub max_awaiting_approval: u32,
    /// Refuse new enrollments while this many sealed bundles await sync.
    pub max_awaiting_sync: u32,
    /// Refuse new enrollments when the registry has not been heard from for this many days
    /// (MOSIP: 5 days without master-data sync).
    pub max_days_without_registry: u32,
    pub capture: CapturePolicy,
    pub consent_notice_version: String,
    /// Where the sync worker reaches the registry (empty: the embedded demo registry).
    #[serde(default)]
    pub registry_url: String,
    /// The most the sync worker may send, in kilobits a second (0: no limit), for links shared
    /// with the post office's counter.
    #[serde(default)]
    pub sync_limit_kbit: u32,
    /// Where devices are looked for, and which CAs vouch for SBI devices.
    #[serde(default)]
    pub devices: crate::devices::DeviceSettings,
    /// Refuse new enrollments while the station's clock is more than this many seconds off the
    /// registry's signed time (the times in a manifest are the station's).
    #[serde(default = "default_clock_offset")]
    pub max_clock_offset_s: u32,
    /// How clerks and supervisors prove who they are: password, finger, or both.
    #[serde(default)]
    pub officials: crate::fingers::OfficialsPolicy,
}

fn default_clock_offset() -> u32 {
    300
}

/// How far back the clock may step (an NTP correction) before the station stops enrolling:
/// further back than its own last recorded action means the clock was moved.
pub const CLOCK_BACK_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// What a station is for, set when it is set up and then by the registry's master data: the
/// registry knows each station's mode from onboarding, and its word wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Real people at a real counter: attached devices only, no scripts, no simulation.
    Production,
    /// Teaching clerks: simulated devices where none is attached; never an identity.
    Training,
    /// A demonstration with simulated devices and an embedded registry; never an identity.
    Demo,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Production => "production",
            Mode::Training => "training",
            Mode::Demo => "demo",
        }
    }
    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::Production, Mode::Training, Mode::Demo].into_iter().find(|m| m.as_str() == s)
    }
    /// Whether simulated devices and scripted enrollments may be used.
    pub fn allows_simulation(self) -> bool {
        self != Mode::Production
    }
}

impl Config {
    /// The upload limit in bytes a second, if any.
    pub fn sync_limit_bytes(&self) -> Option<u64> {
        (self.sync_limit_kbit > 0).then(|| u64::from(self.sync_limit_kbit) * 1000 / 8)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_awaiting_approval: 100,
            max_awaiting_sync: 1000,
            max_days_without_registry: 5,
            capture: CapturePolicy::default(),
            consent_notice_version: station_text::consent::CURRENT_VERSION.into(),
            registry_url: String::new(),
            sync_limit_kbit: 0,
            devices: crate::devices::DeviceSettings::default(),
            max_clock_offset_s: default_clock_offset(),
            officials: crate::fingers::OfficialsPolicy::default(),
        }
    }
}

/// Why an operation was refused. Every variant reads in Arabic and English through [`Explain`].
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Operator(#[from] OperatorError),
    #[error("stored secrets: {0}")]
    Vault(#[from] VaultError),
    #[error("the station is already set up in this data directory")]
    AlreadyInitialised,
    #[error(
        "{count} enrollments await the supervisor (limit {limit}): approve or reject them first"
    )]
    TooManyAwaitingApproval { count: u32, limit: u32 },
    #[error("{count} sealed bundles await sync (limit {limit}): sync the station first")]
    TooManyAwaitingSync { count: u32, limit: u32 },
    #[error(
        "the registry has not been heard from for {days} days (limit {limit}): connect and sync first"
    )]
    RegistryTooLongAgo { days: i64, limit: u32 },
    #[error("no enrollment {0}")]
    NoSuchEnrollment(String),
    #[error("enrollment {id} is at {found:?}, not {expected:?}")]
    WrongStage { id: String, expected: Stage, found: Stage },
    #[error("the supervisor who approves cannot be the operator who captured (four-eyes rule)")]
    FourEyes,
    #[error("a rejection needs a reason")]
    ReasonMissing,
    #[error("the applicant did not consent; nothing is recorded beyond the refusal")]
    NoConsent,
    #[error("the applicant did not confirm the review")]
    NotConfirmed,
    #[error("a draft of step {0:?} is missing or damaged")]
    DraftMissing(Stage),
    #[error("bundle: {0}")]
    Bundle(#[from] schemas::bundle::BundleError),
    #[error("decision: {0}")]
    Decision(#[from] schemas::decision::DecisionError),
    #[error("settings: {0}")]
    Config(String),
    #[error("the registry has revoked this station: it may not enroll")]
    StationRevoked,
    #[error(
        "the clock reads {behind_min} minutes before the station's last recorded action: set the date and time right"
    )]
    ClockWentBack { behind_min: i64 },
    #[error(
        "the clock is {offset_s} s off the registry's time (limit {limit_s} s): set the date and time right"
    )]
    ClockOff { offset_s: i64, limit_s: u32 },
    #[error(
        "this is a production station: enrollments are captured with the attached devices only, never scripted or simulated"
    )]
    SimulationOnProduction,
    #[error(
        "the registry's master data offered is version {got}, older than the version {have} this station holds: refused"
    )]
    StaleMasterData { have: u64, got: u64 },
    #[error("removable media: {0}")]
    RemovableMedia(String),
    #[error("finger: {0}")]
    Finger(#[from] station_quality::matching::MatchError),
    #[error("finger enrolment: {0}")]
    FingerEnrolment(String),
    #[error("this station requires the supervisor's finger to approve or reject")]
    FingerRequired,
    #[error("this station allows clerks and supervisors to log in by finger only")]
    PasswordLoginForbidden,
    #[error(
        "the applicant's finger (position {}) matches the enrolled finger of official '{}' (score {}): an official may not enroll themself; reject the enrollment and report it", .0.position, .0.official, .0.score
    )]
    ApplicantIsOfficial(crate::fingers::OfficialMatch),
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        CoreError::Store(StoreError::Sql(e))
    }
}

impl Explain for CoreError {
    fn explain(&self) -> Message {
        match self {
            CoreError::Store(e) => e.explain(),
            CoreError::Operator(e) => e.explain(),
            CoreError::Vault(e) => e.explain(),
            CoreError::AlreadyInitialised => Message::new("already-initialised"),
            CoreError::TooManyAwaitingApproval { count, limit } => {
                Message::new("too-many-awaiting-approval")
                    .number("count", i64::from(*count))
                    .number("limit", i64::from(*limit))
            }
            CoreError::TooManyAwaitingSync { count, limit } => {
                Message::new("too-many-awaiting-sync")
                    .number("count", i64::from(*count))
                    .number("limit", i64::from(*limit))
            }
            CoreError::RegistryTooLongAgo { days, limit } => Message::new("registry-too-long-ago")
                .number("days", *days)
                .number("limit", i64::from(*limit)),
            CoreError::NoSuchEnrollment(id) => Message::new("no-such-enrollment").with("id", id),
            CoreError::WrongStage { found, expected, .. } => Message::new("wrong-stage")
                .nested("found", found.message())
                .nested("expected", expected.message()),
            CoreError::FourEyes => Message::new("four-eyes"),
            CoreError::ReasonMissing => Message::new("reason-missing"),
            CoreError::NoConsent => Message::new("no-consent"),
            CoreError::NotConfirmed => Message::new("not-confirmed"),
            CoreError::DraftMissing(s) => {
                Message::new("draft-missing").nested("stage", s.message())
            }
            CoreError::Bundle(e) => crate::explain::bundle(e),
            CoreError::Decision(e) => crate::explain::decision(e),
            CoreError::Config(e) => Message::new("config-invalid").detail(e),
            CoreError::StationRevoked => Message::new("station-revoked"),
            CoreError::ClockWentBack { behind_min } => {
                Message::new("clock-went-back").number("minutes", *behind_min)
            }
            CoreError::ClockOff { offset_s, limit_s } => Message::new("clock-off")
                .number("offset", offset_s.abs())
                .number("limit", i64::from(*limit_s)),
            CoreError::SimulationOnProduction => Message::new("simulation-on-production"),
            CoreError::RemovableMedia(d) => Message::new("removable-media").detail(d),
            CoreError::Finger(e) => e.explain(),
            CoreError::FingerEnrolment(d) => Message::new("finger-enrolment").detail(d),
            CoreError::FingerRequired => Message::new("finger-required"),
            CoreError::PasswordLoginForbidden => Message::new("password-login-forbidden"),
            CoreError::ApplicantIsOfficial(m) => {
                Message::new("applicant-is-official").with("official", &m.official).nested(
                    "finger",
                    Message::new(
                        schemas::manifest::Position::from_iso_finger_code(m.position)
                            .map(|p| format!("pos-{}", crate::workflow::position_name(p)))
                            .unwrap_or_else(|| "pos-unknown".into()),
                    ),
                )
            }
            CoreError::StaleMasterData { have, got } => Message::new("stale-master-data")
                .number("have", *have as i64)
                .number("got", *got as i64),
        }
    }
}

/// The station, opened on its data directory.
pub struct Station {
    pub store: Store,
    pub config: Config,
    pub station_id: String,
    pub centre: String,
    /// What the station is for; see [`Mode`].
    pub mode: Mode,
    pub login_policy: LoginPolicy,
}

/// How a new station is set up.
pub struct InitParams<'a> {
    pub station_id: &'a str,
    pub centre: &'a str,
    pub registry_recipient: &'a str,
    pub admin: &'a str,
    pub admin_password: &'a str,
    pub mode: Mode,
}

/// One line of the supervisor's queue.
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    pub id: String,
    pub operator: String,
    pub sequence: u64,
    pub exceptions: u32,
    pub forced: u32,
    pub lowest_quality: Option<u8>,
    pub signed_at: i64,
}

/// One operator's line of the daily report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OperatorDay {
    pub operator: String,
    pub signed: u64,
    pub approved: u64,
    pub rejected: u64,
    pub awaiting: u64,
    pub exceptions: u64,
    pub forced: u64,
    pub mean_quality: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub bundle_id: String,
    pub sequence: u64,
    pub verdict: String,
    pub bytes: u64,
    pub ciphertext_sha256: String,
    pub manifest_sha256: String,
    pub sealed_at: i64,
    pub synced_at: Option<i64>,
    /// What the registry said when it did not take the bundle: code and detail (an operator
    /// awaiting approval, or a refusal).
    pub refusal: Option<(String, String)>,
    /// Refused for good and set aside: kept (`station outbox export` copies it out for the
    /// registry's staff), never erased, no longer holding up the others.
    pub set_aside_at: Option<i64>,
}

/// The completed steps of one enrollment, read back for signing.
struct Drafts {
    consent: ConsentData,
    demo: DemographicsData,
    docs: DocumentsData,
    review: ReviewData,
    captured: Vec<CapturedSample>,
}

/// The mode kept in the store. Stations set up before modes existed kept only whether they
/// were a demo; the others are production stations, the strict choice.
fn stored_mode(store: &Store) -> Result<Mode, CoreError> {
    if let Some(v) = store.meta("mode")? {
        let text = String::from_utf8(v).map_err(|_| StoreError::Corrupt("mode"))?;
        return Mode::parse(&text).ok_or(StoreError::Corrupt("mode").into());
    }
    Ok(if store.meta("demo")?.is_some_and(|v| v == b"1") { Mode::Demo } else { Mode::Production })
}

fn station_key_aad(station_id: &str) -> Vec<u8> {
    format!("station:{station_id}:signing-key").into_bytes()
}

fn draft_aad(id: &str, step: &str) -> Vec<u8> {
    format!("draft:{id}:{step}").into_bytes()
}

fn to_cbor<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("in-memory CBOR encoding of plain data");
    out
}

impl Station {
    /// Sets up a new station in `dir`: its identity, data key, signing key and first admin.
    pub fn init(dir: &Path, p: &InitParams<'_>, now_ms: i64) -> Result<(), CoreError> {
        let mut store = Store::open(dir)?;
        if store.meta("station_id")?.is_some() {
            return Err(CoreError::AlreadyInitialised);
        }
        schemas::keys::parse_recipient(p.registry_recipient)
            .map_err(|e| CoreError::Config(e.to_string()))?;
        let data_key = Key::random()?;
        let station_key =
            schemas::keys::new_signing_key().map_err(|e| VaultError::Random(e.to_string()))?;
        let min = if p.mode == Mode::Demo { 1 } else { operators::MIN_PASSWORD };
        let tx = store.conn.transaction()?;
        set_meta(&tx, "station_id", p.station_id.as_bytes())?;
        set_meta(&tx, "centre", p.centre.as_bytes())?;
        set_meta(&tx, "mode", p.mode.as_str().as_bytes())?;
        set_meta(&tx, "registry_recipient", p.registry_recipient.trim().as_bytes())?;
        set_meta(
            &tx,
            "station_signing_key",
            &data_key.wrap(&station_key_aad(p.station_id), &station_key.to_bytes())?,
        )?;
        set_meta(
            &tx,
            "station_public_key",
            hex::encode(station_key.verifying_key().to_bytes()).as_bytes(),
        )?;
        set_meta(&tx, "next_sequence", b"1")?;
        set_meta(&tx, "last_registry_contact", now_ms.to_string().as_bytes())?;
        set_meta(&tx, "config", &serde_json::to_vec(&Config::default()).expect("json"))?;
        set_meta(&tx, "created_at", now_ms.to_string().as_bytes())?;
        operators::add(&tx, p.admin, Role::Admin, p.admin_password, &data_key, min, now_ms)?;
        audit_append(&tx, now_ms, p.admin, "station:init", None)?;
        tx.commit()?;
        Ok(())
    }

    /// Opens an existing station.
    /// Opens the station set up in `dir`. A folder with no station in it is refused as it is:
    /// nothing is created there (a half-made database would make `init` and `demo-seed` take
    /// the folder for a used one).
    pub fn open(dir: &Path) -> Result<Station, CoreError> {
        if !dir.join(crate::store::DB_FILE).is_file() {
            return Err(StoreError::NotInitialised.into());
        }
        let store = Store::open(dir)?;
        if store.meta("station_id")?.is_none() {
            return Err(StoreError::NotInitialised.into());
        }
        let config: Config =
            serde_json::from_slice(&store.meta("config")?.ok_or(StoreError::Corrupt("config"))?)
                .map_err(|e| CoreError::Config(e.to_string()))?;
        store.checkpoint()?;
        let mode = stored_mode(&store)?;
        Ok(Station {
            station_id: store.meta_text("station_id")?,
            centre: store.meta_text("centre")?,
            mode,
            config,
            store,
            login_policy: LoginPolicy::default(),
        })
    }

    pub fn login(
        &mut self,
        username: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<Session, CoreError> {
        if !self.password_login_allowed(username)? {
            return Err(CoreError::PasswordLoginForbidden);
        }
        Ok(operators::login(&mut self.store, username, password, &self.login_policy, now_ms)?)
    }

    /// Adds an operator (administrators only).
    pub fn add_operator(
        &mut self,
        admin: &Session,
        username: &str,
        role: Role,
        password: &str,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        admin.require(Role::Admin)?;
        let min = if self.mode == Mode::Demo { 1 } else { operators::MIN_PASSWORD };
        let tx = self.store.conn.transaction()?;
        operators::add(&tx, username, role, password, &admin.data_key, min, now_ms)?;
        audit_append(
            &tx,
            now_ms,
            &admin.username,
            &format!("operator:add:{username}:{}", role.as_str()),
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A demo station: simulated devices and an embedded registry.
    pub fn is_demo(&self) -> bool {
        self.mode == Mode::Demo
    }

    /// The version of the registry's master data this station holds (0 before the first).
    pub fn master_version(&self) -> Result<u64, CoreError> {
        match self.store.meta("master_version")? {
            None => Ok(0),
            Some(v) => String::from_utf8(v)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or(StoreError::Corrupt("master_version").into()),
        }
    }

    fn count(&self, sql: &str) -> Result<u32, CoreError> {
        Ok(self.store.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u32)
    }

    /// Checks the limits that stop new enrollments.
    pub(crate) fn check_limits(&self, now_ms: i64) -> Result<(), CoreError> {
        if self.store.meta("station_revoked")?.is_some_and(|v| v == b"1") {
            return Err(CoreError::StationRevoked);
        }
        let awaiting =
            self.count("SELECT count(*) FROM enrollments WHERE stage = 'awaiting_approval'")?;
        if awaiting >= self.config.max_awaiting_approval {
            return Err(CoreError::TooManyAwaitingApproval {
                count: awaiting,
                limit: self.config.max_awaiting_approval,
            });
        }
        // A bundle the registry refused for good is set aside and counted apart: it will never
        // sync, and must not stop the station.
        let unsynced = self.count(
            "SELECT count(*) FROM outbox WHERE synced_at IS NULL AND set_aside_at IS NULL",
        )?;
        if unsynced >= self.config.max_awaiting_sync {
            return Err(CoreError::TooManyAwaitingSync {
                count: unsynced,
                limit: self.config.max_awaiting_sync,
            });
        }
        self.check_clock(now_ms)?;
        let last = self.store.meta_i64("last_registry_contact")?;
        let days = (now_ms - last) / 86_400_000;
        if days > i64::from(self.config.max_days_without_registry) {
            return Err(CoreError::RegistryTooLongAgo {
                days,
                limit: self.config.max_days_without_registry,
            });
        }
        Ok(())
    }

    /// The clock must not have gone back past what the station already recorded (its audit log,
    /// its last contact with the registry): otherwise the limit on days without the registry
    /// could be defeated by moving the date back. And it must agree with the registry's signed
    /// time, as last measured, within the configured limit.
    fn check_clock(&self, now_ms: i64) -> Result<(), CoreError> {
        let high_water = match self.store.meta("clock_high_water")? {
            Some(v) => String::from_utf8(v)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or(StoreError::Corrupt("clock_high_water"))?,
            None => {
                self.store.conn.query_row("SELECT coalesce(max(at), 0) FROM audit", [], |r| {
                    r.get::<_, i64>(0)
                })?
            }
        };
        let contact = self.store.meta_i64("last_registry_contact")?;
        let latest = high_water.max(contact);
        if now_ms < latest - CLOCK_BACK_TOLERANCE_MS {
            return Err(CoreError::ClockWentBack { behind_min: (latest - now_ms) / 60_000 });
        }
        if let Some(offset_ms) = self.clock_offset_ms()? {
            let offset_s = offset_ms / 1000;
            if offset_s.unsigned_abs() > u64::from(self.config.max_clock_offset_s) {
                return Err(CoreError::ClockOff {
                    offset_s,
                    limit_s: self.config.max_clock_offset_s,
                });
            }
        }
        Ok(())
    }

    /// How far the station's clock was behind the registry's signed time at the last contact
    /// (registry minus station, ms), if measured.
    pub fn clock_offset_ms(&self) -> Result<Option<i64>, CoreError> {
        Ok(self
            .store
            .meta("clock_offset_ms")?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok()))
    }

    /// Records contact with the registry (the sync worker calls this on a verified answer; a
    /// demo station's embedded registry counts as always reachable).
    pub fn registry_contact(&mut self, now_ms: i64) -> Result<(), CoreError> {
        let tx = self.store.conn.transaction()?;
        set_meta(&tx, "last_registry_contact", now_ms.to_string().as_bytes())?;
        tx.commit()?;
        Ok(())
    }

    /// Reads the settings again (another connection, the sync worker, may have changed them).
    pub fn reload_config(&mut self) -> Result<(), CoreError> {
        self.config = serde_json::from_slice(
            &self.store.meta("config")?.ok_or(StoreError::Corrupt("config"))?,
        )
        .map_err(|e| CoreError::Config(e.to_string()))?;
        Ok(())
    }

    pub fn set_config(
        &mut self,
        admin: &Session,
        config: Config,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        admin.require(Role::Admin)?;
        let tx = self.store.conn.transaction()?;
        set_meta(&tx, "config", &serde_json::to_vec(&config).expect("json"))?;
        audit_append(&tx, now_ms, &admin.username, "config:set", None)?;
        tx.commit()?;
        self.config = config;
        Ok(())
    }

    /// Starts an enrollment (clerks), after the limits allow it. `script` ties a headless run to
    /// its enrollment so that running it again resumes.
    pub fn start(
        &mut self,
        clerk: &Session,
        script: Option<&str>,
        now_ms: i64,
    ) -> Result<String, CoreError> {
        clerk.require(Role::Clerk)?;
        operators::not_revoked(&self.store, &clerk.username)?;
        self.check_limits(now_ms)?;
        let id = uuid::Uuid::now_v7().to_string();
        let tx = self.store.conn.transaction()?;
        tx.execute(
            "INSERT INTO enrollments (id, operator, script, stage, created_at, updated_at) VALUES (?1, ?2, ?3, 'consent', ?4, ?4)",
            params![id, clerk.username, script, now_ms],
        )?;
        // The latest time the station has acted at: a clock later set back before it is seen.
        let high_water: Option<i64> = tx
            .query_row("SELECT value FROM meta WHERE key = 'clock_high_water'", [], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .optional()?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok());
        let high_water = high_water.map_or(now_ms, |h| h.max(now_ms));
        set_meta(&tx, "clock_high_water", high_water.to_string().as_bytes())?;
        audit_append(&tx, now_ms, &clerk.username, "enrollment:start", Some(&id))?;
        tx.commit()?;
        Ok(id)
    }

    /// The enrollment a script started, if any, and its stage.
    pub(crate) fn find_by_script(
        &self,
        operator: &str,
        script: &str,
    ) -> Result<Option<(String, Stage)>, CoreError> {
        let row: Option<(String, String)> = self
            .store
            .conn
            .query_row("SELECT id, stage FROM enrollments WHERE operator = ?1 AND script = ?2 ORDER BY created_at DESC LIMIT 1", params![operator, script], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(id, s)| {
            Ok((id, Stage::parse(&s).ok_or(StoreError::Corrupt("enrollment stage"))?))
        })
        .transpose()
    }

    pub fn stage(&self, id: &str) -> Result<(Stage, String), CoreError> {
        let row: Option<(String, String)> = self
            .store
            .conn
            .query_row("SELECT stage, operator FROM enrollments WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (s, op) = row.ok_or_else(|| CoreError::NoSuchEnrollment(id.into()))?;
        Ok((Stage::parse(&s).ok_or(StoreError::Corrupt("enrollment stage"))?, op))
    }

    /// Enrollments this clerk started and has not signed yet (interrupted ones to resume), oldest
    /// first.
    pub fn in_progress(&self, clerk: &Session) -> Result<Vec<(String, Stage)>, CoreError> {
        let mut stmt = self.store.conn.prepare(
            "SELECT id, stage FROM enrollments WHERE operator = ?1 AND stage NOT IN ('awaiting_approval', 'approved', 'rejected') ORDER BY created_at",
        )?;
        let rows: Vec<(String, String)> = stmt
            .query_map([&clerk.username], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, s)| {
                Ok((id, Stage::parse(&s).ok_or(StoreError::Corrupt("enrollment stage"))?))
            })
            .collect()
    }

    /// The station sequence number an enrollment got when its operator signed.
    pub fn sequence_of(&self, id: &str) -> Result<Option<u64>, CoreError> {
        let seq: Option<Option<i64>> = self
            .store
            .conn
            .query_row("SELECT sequence FROM enrollments WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(seq.flatten().map(|s| s as u64))
    }

    /// Saves a completed step and moves the enrollment on, in one durable transaction.
    pub fn save_step<T: Serialize>(
        &mut self,
        clerk: &Session,
        id: &str,
        step: Stage,
        data: &T,
        face_only: bool,
        now_ms: i64,
    ) -> Result<Stage, CoreError> {
        let (current, operator) = self.stage(id)?;
        if current != step {
            return Err(CoreError::WrongStage { id: id.into(), expected: step, found: current });
        }
        if operator != clerk.username {
            return Err(
                OperatorError::NotAllowed("the operator who started this enrollment").into()
            );
        }
        let next = step.next(face_only).expect("capture steps have a next stage");
        let blob = clerk.data_key.seal(&draft_aad(id, step.as_str()), &to_cbor(data))?;
        let tx = self.store.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO drafts (enrollment, step, blob) VALUES (?1, ?2, ?3)",
            params![id, step.as_str(), blob],
        )?;
        tx.execute(
            "UPDATE enrollments SET stage = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, next.as_str(), now_ms],
        )?;
        audit_append(&tx, now_ms, &clerk.username, &format!("step:{}", step.as_str()), Some(id))?;
        tx.commit()?;
        Ok(next)
    }

    /// Reads back a saved step.
    pub fn load_step<T: for<'de> Deserialize<'de>>(
        &self,
        session: &Session,
        id: &str,
        step: Stage,
    ) -> Result<Option<T>, CoreError> {
        let blob: Option<Vec<u8>> = self
            .store
            .conn
            .query_row(
                "SELECT blob FROM drafts WHERE enrollment = ?1 AND step = ?2",
                params![id, step.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(blob) = blob else { return Ok(None) };
        let plain = session.data_key.open(&draft_aad(id, step.as_str()), &blob, "a draft")?;
        ciborium::from_reader(plain.as_slice()).map(Some).map_err(|_| CoreError::DraftMissing(step))
    }

    fn need<T: for<'de> Deserialize<'de>>(
        &self,
        s: &Session,
        id: &str,
        step: Stage,
    ) -> Result<T, CoreError> {
        self.load_step(s, id, step)?.ok_or(CoreError::DraftMissing(step))
    }

    pub fn station_signing_key(&self, session: &Session) -> Result<schemas::SigningKey, CoreError> {
        let wrapped = self
            .store
            .meta("station_signing_key")?
            .ok_or(StoreError::Corrupt("station_signing_key"))?;
        let seed = session.data_key.unwrap_key(
            &station_key_aad(&self.station_id),
            &wrapped,
            "the station signing key",
        )?;
        Ok(schemas::SigningKey::from_bytes(seed.bytes()))
    }

    /// The operator signs: the manifest is built from the drafts, numbered, signed by the station
    /// and the operator, and kept encrypted until the supervisor decides. Capture drafts are
    /// erased in the same transaction.
    pub fn sign(&mut self, clerk: &Session, id: &str, now_ms: i64) -> Result<u64, CoreError> {
        let (stage, operator) = self.stage(id)?;
        if stage != Stage::Sign {
            return Err(CoreError::WrongStage {
                id: id.into(),
                expected: Stage::Sign,
                found: stage,
            });
        }
        if operator != clerk.username {
            return Err(
                OperatorError::NotAllowed("the operator who captured this enrollment").into()
            );
        }
        operators::not_revoked(&self.store, &clerk.username)?;
        let drafts = self.gather(clerk, id)?;
        let sequence = self.store.meta_i64("next_sequence")? as u64;
        let (mut m, payloads) = self.build_manifest(clerk, id, sequence, drafts, now_ms)?;
        let signed = self.sign_manifest(clerk, &mut m, payloads, sequence)?;
        self.record_signed(clerk, id, &m, &signed, now_ms)?;
        Ok(sequence)
    }

    /// Every completed step's draft of enrollment `id`: a child's has the face only.
    fn gather(&self, clerk: &Session, id: &str) -> Result<Drafts, CoreError> {
        let consent: ConsentData = self.need(clerk, id, Stage::Consent)?;
        let demo: DemographicsData = self.need(clerk, id, Stage::Demographics)?;
        let docs: DocumentsData = self.need(clerk, id, Stage::Documents)?;
        let review: ReviewData = self.need(clerk, id, Stage::Review)?;
        let mut captured: Vec<CapturedSample> = Vec::new();
        let mut exception_photo = None;
        let steps: &[Stage] = if demo.age < crate::validate::FACE_ONLY_BELOW_AGE {
            &[Stage::Face]
        } else {
            &[Stage::Face, Stage::RightFour, Stage::LeftFour, Stage::Thumbs, Stage::Irises]
        };
        for step in steps {
            let c: CaptureData = self.need(clerk, id, *step)?;
            captured.extend(c.samples);
            if exception_photo.is_none() {
                exception_photo = c.exception_photo;
            }
        }
        captured.extend(exception_photo);
        Ok(Drafts { consent, demo, docs, review, captured })
    }

    /// The manifest of the gathered drafts (numbered `sequence`, chained to the audit head) and
    /// its payloads: every record, then every document page.
    fn build_manifest(
        &self,
        clerk: &Session,
        id: &str,
        sequence: u64,
        drafts: Drafts,
        now_ms: i64,
    ) -> Result<(Manifest, Vec<Payload>), CoreError> {
        let Drafts { consent, demo, docs, review, captured } = drafts;
        let mut payloads = Vec::new();
        let mut samples = Vec::new();
        for c in &captured {
            let payload = c.record.as_ref().map(|r| {
                payloads.push(Payload {
                    kind: PayloadKind::for_modality(c.position.modality()),
                    bytes: r.clone(),
                });
                (payloads.len() - 1) as u32
            });
            samples.push(Sample {
                modality: c.position.modality(),
                position: c.position,
                quality: c.quality.clone(),
                station_quality: c.station_quality.clone(),
                device: c.device.clone(),
                retries: c.retries,
                forced: c.forced,
                exception: c.exception.clone(),
                payload,
                captured_at: c.captured_at,
            });
        }
        let mut documents = Vec::new();
        for d in docs.documents {
            let mut images = Vec::new();
            for page in d.pages {
                payloads.push(Payload { kind: PayloadKind::Jpeg, bytes: page });
                images.push((payloads.len() - 1) as u32);
            }
            documents.push(manifest::IdentityDocument {
                kind: d.kind,
                number: d.number,
                issuing_state: d.issuing_state,
                expiry: d.expiry,
                mrz: d.mrz,
                images,
                device: d.device,
            });
        }
        let started: i64 = self.store.conn.query_row(
            "SELECT created_at FROM enrollments WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let audit = audit_head(&self.store.conn)?;
        let vouched = self
            .store
            .meta("registry_vouched_at")?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok());
        let m = Manifest {
            schema: manifest::SCHEMA_VERSION,
            bundle_id: id.to_string(),
            station: StationRef {
                id: self.station_id.clone(),
                sequence,
                centre: self.centre.clone(),
            },
            operator_id: clerk.username.clone(),
            signers: vec![],
            // Station clock. A clock set back mid-enrollment (an NTP step, a flat RTC battery)
            // must not make the record unsignable, so the times are kept in order.
            times: Times {
                capture_started_at: started,
                capture_ended_at: review.at.max(started),
                signed_at: now_ms.max(review.at).max(started),
                registry_vouched_at: vouched,
            },
            applicant: demo.applicant,
            documents,
            consent: manifest::Consent {
                notice_version: consent.notice_version,
                language: consent.language,
                accepted: consent.accepted,
                at: consent.at,
            },
            samples,
            payloads: vec![],
            audit: ManifestAudit { sequence: audit.sequence, head: Bytes32::new(audit.hash) },
            master_version: self.master_version()?,
        };
        Ok((m, payloads))
    }

    /// The station and the operator sign the manifest; what the supervisor will seal.
    fn sign_manifest(
        &self,
        clerk: &Session,
        m: &mut Manifest,
        payloads: Vec<Payload>,
        sequence: u64,
    ) -> Result<SignedData, CoreError> {
        let station_key = self.station_signing_key(clerk)?;
        let (cose, manifest_sha256) = bundle::sign_manifest(
            m,
            &payloads,
            &Signer { id: &self.station_id, key: &station_key },
            &Signer { id: &clerk.username, key: &clerk.signing_key },
        )?;
        Ok(SignedData {
            cose,
            manifest_sha256: manifest_sha256.to_vec(),
            sequence,
            operator: clerk.username.clone(),
            payload_kinds: payloads.iter().map(|p| p.kind).collect(),
            exceptions: m.samples.iter().filter(|s| s.exception.is_some()).count() as u32,
            forced: m.samples.iter().filter(|s| s.forced).count() as u32,
            lowest_quality: m
                .samples
                .iter()
                .filter(|s| s.modality != Modality::ExceptionPhoto)
                .filter_map(|s| s.quality.as_ref().map(|q| q.score))
                .min(),
            payloads: payloads.into_iter().map(|p| p.bytes).collect(),
        })
    }

    /// One transaction: the signed enrollment replaces its drafts (sealed under the data key),
    /// the enrollment awaits approval with its figures for the supervisor's queue, the sequence
    /// moves on, and the audit chain records it.
    fn record_signed(
        &mut self,
        clerk: &Session,
        id: &str,
        m: &Manifest,
        signed: &SignedData,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        let blob = clerk.data_key.seal(&draft_aad(id, Stage::Sign.as_str()), &to_cbor(signed))?;
        let tx = self.store.conn.transaction()?;
        tx.execute("DELETE FROM drafts WHERE enrollment = ?1", [id])?;
        tx.execute(
            "INSERT INTO drafts (enrollment, step, blob) VALUES (?1, 'sign', ?2)",
            params![id, blob],
        )?;
        let scores: Vec<f64> = m
            .samples
            .iter()
            .filter(|s| s.modality != Modality::ExceptionPhoto)
            .filter_map(|s| s.quality.as_ref().map(|q| f64::from(q.score)))
            .collect();
        let mean_quality =
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        tx.execute(
            "UPDATE enrollments SET stage = 'awaiting_approval', sequence = ?2, updated_at = ?3, signed_at = ?3, exceptions = ?4, forced = ?5, mean_quality = ?6 WHERE id = ?1",
            params![id, signed.sequence as i64, now_ms, signed.exceptions, signed.forced, mean_quality],
        )?;
        set_meta(&tx, "next_sequence", (signed.sequence + 1).to_string().as_bytes())?;
        audit_append(&tx, now_ms, &clerk.username, "enrollment:sign", Some(id))?;
        tx.commit()?;
        self.store.checkpoint()?;
        Ok(())
    }

    /// The supervisor's queue, riskiest first (exceptions, forced captures, lowest quality).
    pub fn pending(&self, supervisor: &Session) -> Result<Vec<Pending>, CoreError> {
        supervisor.require(Role::Supervisor)?;
        let mut stmt = self.store.conn.prepare("SELECT id, operator, sequence, updated_at FROM enrollments WHERE stage = 'awaiting_approval' ORDER BY sequence")?;
        let rows: Vec<(String, String, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (id, operator, sequence, at) in rows {
            let s: SignedData = self.need(supervisor, &id, Stage::Sign)?;
            out.push(Pending {
                id,
                operator,
                sequence: sequence as u64,
                exceptions: s.exceptions,
                forced: s.forced,
                lowest_quality: s.lowest_quality,
                signed_at: at,
            });
        }
        out.sort_by_key(|p| {
            (
                std::cmp::Reverse(p.exceptions),
                std::cmp::Reverse(p.forced),
                p.lowest_quality.unwrap_or(0),
                p.sequence,
            )
        });
        Ok(out)
    }

    /// An enrollment signed by its operator and not yet decided, opened from its encrypted draft
    /// with both signatures checked (the station's and the operator's keys): what the supervisor
    /// reviews and what the acknowledgement slip is printed from is exactly what was signed.
    pub fn signed_enrollment(
        &self,
        session: &Session,
        id: &str,
    ) -> Result<bundle::Opened, CoreError> {
        let (stage, operator) = self.stage(id)?;
        if stage != Stage::AwaitingApproval {
            return Err(CoreError::WrongStage {
                id: id.into(),
                expected: Stage::AwaitingApproval,
                found: stage,
            });
        }
        if session.role != Role::Supervisor && session.username != operator {
            return Err(OperatorError::NotAllowed(
                "a supervisor or the operator who captured this enrollment",
            )
            .into());
        }
        let signed: SignedData = self.need(session, id, Stage::Sign)?;
        let payloads: Vec<Payload> = signed
            .payload_kinds
            .iter()
            .zip(signed.payloads)
            .map(|(k, b)| Payload { kind: *k, bytes: b })
            .collect();
        let mut plain = zeroize::Zeroizing::new(Vec::new());
        bundle::write_plaintext(&mut *plain, &signed.cose, &payloads)?;
        let station_key = schemas::keys::parse_public_key(&self.station_public_key()?)
            .map_err(|e| CoreError::Config(e.to_string()))?;
        let trust = bundle::Trust {
            station: Some(station_key),
            operator: Some(operators::public_key(&self.store, &operator)?),
        };
        Ok(bundle::open_plaintext(plain.as_slice(), &trust)?)
    }

    /// The day's work per operator: enrollments signed between `from_ms` and `to_ms` (station
    /// clock), how many were approved, rejected or still wait, their exceptions and forced
    /// captures, and their average sample quality. For supervisors and administrators.
    pub fn daily_report(
        &self,
        session: &Session,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<OperatorDay>, CoreError> {
        if session.role == Role::Clerk {
            return Err(OperatorError::NotAllowed("a supervisor or an administrator").into());
        }
        let mut stmt = self.store.conn.prepare(
            "SELECT operator, count(*), sum(stage = 'approved'), sum(stage = 'rejected'), sum(stage = 'awaiting_approval'), \
             coalesce(sum(exceptions), 0), coalesce(sum(forced), 0), avg(mean_quality) \
             FROM enrollments WHERE signed_at >= ?1 AND signed_at < ?2 GROUP BY operator ORDER BY operator",
        )?;
        let rows = stmt.query_map(params![from_ms, to_ms], |r| {
            Ok(OperatorDay {
                operator: r.get(0)?,
                signed: r.get::<_, i64>(1)? as u64,
                approved: r.get::<_, i64>(2)? as u64,
                rejected: r.get::<_, i64>(3)? as u64,
                awaiting: r.get::<_, i64>(4)? as u64,
                exceptions: r.get::<_, i64>(5)? as u64,
                forced: r.get::<_, i64>(6)? as u64,
                mean_quality: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The supervisor approves or rejects: the decision is signed, the enrollment sealed to the
    /// registry into the outbox, and its draft erased, in one transaction.
    pub fn decide(
        &mut self,
        supervisor: &Session,
        id: &str,
        verdict: Verdict,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<OutboxEntry, CoreError> {
        self.decide_with_finger(supervisor, id, verdict, reason, None, now_ms)
    }

    /// [`Station::decide`] with the supervisor's finger, checked against theirs when given and
    /// required when the station's policy says so. Before an approval is sealed, the applicant's
    /// fingers are compared with every official's enrolled at this station: a match refuses the
    /// approval ([`CoreError::ApplicantIsOfficial`]), is recorded in the audit log, and leaves
    /// the supervisor to reject.
    pub fn decide_with_finger(
        &mut self,
        supervisor: &Session,
        id: &str,
        verdict: Verdict,
        reason: Option<&str>,
        finger: Option<&crate::fingers::FingerImage<'_>>,
        now_ms: i64,
    ) -> Result<OutboxEntry, CoreError> {
        supervisor.require(Role::Supervisor)?;
        operators::not_revoked(&self.store, &supervisor.username)?;
        let (stage, operator) = self.stage(id)?;
        if stage != Stage::AwaitingApproval {
            return Err(CoreError::WrongStage {
                id: id.into(),
                expected: Stage::AwaitingApproval,
                found: stage,
            });
        }
        if operator == supervisor.username {
            return Err(CoreError::FourEyes);
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if verdict == Verdict::Reject && reason.is_none() {
            return Err(CoreError::ReasonMissing);
        }
        match finger {
            Some(f) => self.confirm_finger(supervisor, f, now_ms)?,
            None if self.config.officials.approval_requires_finger => {
                return Err(CoreError::FingerRequired);
            }
            None => {}
        }
        let signed: SignedData = self.need(supervisor, id, Stage::Sign)?;
        if verdict == Verdict::Approve
            && let Some(m) = self.applicant_official_match(&signed)?
        {
            let tx = self.store.conn.transaction()?;
            audit_append(
                &tx,
                now_ms,
                &supervisor.username,
                &format!("enrollment:applicant-is-official:{}", m.official),
                Some(id),
            )?;
            tx.commit()?;
            return Err(CoreError::ApplicantIsOfficial(m));
        }
        let manifest_sha256: [u8; 32] = signed
            .manifest_sha256
            .as_slice()
            .try_into()
            .map_err(|_| CoreError::DraftMissing(Stage::Sign))?;
        let d = Decision {
            bundle_id: id.into(),
            manifest_sha256: Bytes32::new(manifest_sha256),
            verdict,
            reason: reason.map(str::to_string),
            decided_at: now_ms,
            supervisor_id: supervisor.username.clone(),
            supervisor_ed25519: Bytes32::new(supervisor.signing_key.verifying_key().to_bytes()),
            master_version: self.master_version()?,
        };
        let decision_bytes = decision::sign(&d, &supervisor.signing_key)?;
        let recipient =
            schemas::keys::parse_recipient(&self.store.meta_text("registry_recipient")?)
                .map_err(|e| CoreError::Config(e.to_string()))?;
        let payloads: Vec<Payload> = signed
            .payload_kinds
            .iter()
            .zip(signed.payloads)
            .map(|(k, b)| Payload { kind: *k, bytes: b })
            .collect();
        let mut bundle_bytes = Vec::new();
        let sealed = bundle::encrypt(
            &signed.cose,
            id.to_string(),
            manifest_sha256,
            &payloads,
            &recipient,
            &mut bundle_bytes,
        )?;
        let verdict_text = match verdict {
            Verdict::Approve => "approve",
            Verdict::Reject => "reject",
        };
        let tx = self.store.conn.transaction()?;
        tx.execute(
            "INSERT INTO outbox (bundle_id, sequence, verdict, bundle, ciphertext_sha256, manifest_sha256, decision, sealed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, signed.sequence as i64, verdict_text, bundle_bytes, &sealed.ciphertext_sha256[..], &manifest_sha256[..], decision_bytes, now_ms],
        )?;
        tx.execute("DELETE FROM drafts WHERE enrollment = ?1", [id])?;
        let final_stage =
            if verdict == Verdict::Approve { Stage::Approved } else { Stage::Rejected };
        tx.execute(
            "UPDATE enrollments SET stage = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, final_stage.as_str(), now_ms],
        )?;
        audit_append(
            &tx,
            now_ms,
            &supervisor.username,
            &format!("enrollment:{verdict_text}"),
            Some(id),
        )?;
        tx.commit()?;
        self.store.checkpoint()?;
        Ok(OutboxEntry {
            bundle_id: id.into(),
            sequence: signed.sequence,
            verdict: verdict_text.into(),
            bytes: sealed.ciphertext_len,
            ciphertext_sha256: hex::encode(sealed.ciphertext_sha256),
            manifest_sha256: hex::encode(manifest_sha256),
            sealed_at: now_ms,
            synced_at: None,
            refusal: None,
            set_aside_at: None,
        })
    }

    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, CoreError> {
        let mut stmt = self.store.conn.prepare("SELECT bundle_id, sequence, verdict, length(bundle), ciphertext_sha256, manifest_sha256, sealed_at, synced_at, refusal_code, refusal_detail, set_aside_at FROM outbox ORDER BY sequence")?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxEntry {
                bundle_id: r.get(0)?,
                sequence: r.get::<_, i64>(1)? as u64,
                verdict: r.get(2)?,
                bytes: r.get::<_, i64>(3)? as u64,
                ciphertext_sha256: hex::encode(r.get::<_, Vec<u8>>(4)?),
                manifest_sha256: hex::encode(r.get::<_, Vec<u8>>(5)?),
                sealed_at: r.get(6)?,
                synced_at: r.get(7)?,
                refusal: r
                    .get::<_, Option<String>>(8)?
                    .map(|c| {
                        Ok::<_, rusqlite::Error>((
                            c,
                            r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                        ))
                    })
                    .transpose()?,
                set_aside_at: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A sealed bundle's bytes and decision statement.
    pub fn outbox_bundle(&self, bundle_id: &str) -> Result<(Vec<u8>, Vec<u8>), CoreError> {
        self.store
            .conn
            .query_row(
                "SELECT bundle, decision FROM outbox WHERE bundle_id = ?1",
                [bundle_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| CoreError::NoSuchEnrollment(bundle_id.into()))
    }

    pub fn audit_verify(&self) -> Result<Result<crate::store::AuditHead, AuditBreak>, CoreError> {
        Ok(audit_verify(&self.store.conn)?)
    }

    /// The station's public key (hex), for the registry's register of stations.
    pub fn station_public_key(&self) -> Result<String, CoreError> {
        Ok(self.store.meta_text("station_public_key")?)
    }

    /// Counts for the start screen and `station status`.
    pub fn status(&self) -> Result<Status, CoreError> {
        Ok(Status {
            station_id: self.station_id.clone(),
            centre: self.centre.clone(),
            demo: self.is_demo(),
            mode: self.mode.as_str(),
            master_version: self.master_version()?,
            clock_offset_ms: self.clock_offset_ms()?,
            station_key: self.station_public_key()?,
            in_progress: self.count("SELECT count(*) FROM enrollments WHERE stage NOT IN ('awaiting_approval', 'approved', 'rejected')")?,
            awaiting_approval: self.awaiting_approval()?,
            outbox_unsynced: self.count("SELECT count(*) FROM outbox WHERE synced_at IS NULL AND set_aside_at IS NULL")?,
            outbox_set_aside: self.count("SELECT count(*) FROM outbox WHERE set_aside_at IS NOT NULL")?,
            last_registry_contact: self.store.meta_i64("last_registry_contact")?,
        })
    }

    /// How many enrollments are signed and wait for a supervisor.
    pub fn awaiting_approval(&self) -> Result<u32, CoreError> {
        self.count("SELECT count(*) FROM enrollments WHERE stage = 'awaiting_approval'")
    }
}

/// The station at a glance (`station status --json` prints it).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Status {
    pub station_id: String,
    pub centre: String,
    pub demo: bool,
    pub mode: &'static str,
    pub master_version: u64,
    pub clock_offset_ms: Option<i64>,
    /// What the registry's administrators onboard the station with.
    pub station_key: String,
    pub in_progress: u32,
    pub awaiting_approval: u32,
    pub outbox_unsynced: u32,
    pub outbox_set_aside: u32,
    pub last_registry_contact: i64,
}

/// Position helpers for building exception maps from text.
pub(crate) fn position_from_name(name: &str) -> Option<Position> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}
