//! Operators: clerks, supervisors and centre administrators; their passwords, keys and sessions.
//!
//! A password is stored only as an Argon2id hash (PHC string, OWASP parameters). Each operator's
//! Ed25519 signing key and a copy of the station data key are sealed under a key derived from the
//! password ([`crate::vault`]), so a session (and a signature by that operator) exists only after
//! the right password was given. Repeated failures lock the account for a while; an administrator
//! can lock and unlock it; an idle session locks itself.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{OptionalExtension, Transaction, params};
use schemas::SigningKey;
use serde::Serialize;

use crate::store::{Store, StoreError, audit_append};
use crate::vault::{self, ARGON2_LANES, ARGON2_MEMORY_KIB, ARGON2_PASSES, Key, VaultError};
use station_text::messages::{Explain, Message};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "clerk" => Some(Role::Clerk),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn name_ar(self) -> &'static str {
        match self {
            Role::Clerk => "موظف تسجيل",
            Role::Supervisor => "مشرف",
            Role::Admin => "مدير المركز",
        }
    }
}

/// Lockout rules.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub max_failures: u32,
    pub lockout_ms: i64,
    pub idle_lock_ms: i64,
}

impl Default for LoginPolicy {
    /// Five failures lock for 15 minutes; 15 idle minutes lock the session (MOSIP's registration
    /// client logs out after 900 s idle).
    fn default() -> Self {
        LoginPolicy { max_failures: 5, lockout_ms: 15 * 60 * 1000, idle_lock_ms: 15 * 60 * 1000 }
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum OperatorError {
    #[error("wrong user name or password")]
    BadCredentials,
    #[error(
        "the account is locked after repeated failures until {until_ms} (ms since epoch), {minutes_left} more minutes"
    )]
    LockedOut { until_ms: i64, minutes_left: i64 },
    #[error("the account is locked by an administrator")]
    LockedByAdmin,
    #[error("the registry revoked operator '{0}': only the registry can restore them")]
    RevokedByRegistry(String),
    #[error("the user name must be 3-32 letters, digits, '.', '-' or '_'")]
    BadUsername,
    #[error("the password must have at least {min} characters")]
    WeakPassword { min: usize },
    #[error("an operator named '{0}' already exists")]
    Exists(String),
    #[error("no operator named '{0}'")]
    Unknown(String),
    #[error("this needs the {0} role")]
    NotAllowed(&'static str),
    #[error("the session is locked after inactivity; log in again")]
    Idle,
    #[error("the finger does not match this user's enrolled fingers")]
    FingerNoMatch,
    #[error(
        "'{0}' has no finger enrolled at this station: log in with the password, or ask an administrator to enrol fingers"
    )]
    NoFingers(String),
    #[error("'{0}' must log in once with the password before the finger can open their keys")]
    PasswordOnceFirst(String),
    #[error("key storage: {0}")]
    Vault(#[from] VaultError),
    #[error("{0}")]
    Store(String),
}

impl From<StoreError> for OperatorError {
    fn from(e: StoreError) -> Self {
        OperatorError::Store(e.to_string())
    }
}

impl From<rusqlite::Error> for OperatorError {
    fn from(e: rusqlite::Error) -> Self {
        OperatorError::Store(e.to_string())
    }
}

impl Explain for OperatorError {
    fn explain(&self) -> Message {
        match self {
            OperatorError::BadCredentials => Message::new("op-bad-credentials"),
            OperatorError::LockedOut { minutes_left, .. } => {
                Message::new("op-locked-out").number("minutes", *minutes_left)
            }
            OperatorError::LockedByAdmin => Message::new("op-locked-by-admin"),
            OperatorError::RevokedByRegistry(n) => {
                Message::new("op-revoked-by-registry").with("name", n)
            }
            OperatorError::BadUsername => Message::new("op-bad-username"),
            OperatorError::WeakPassword { min } => {
                Message::new("op-weak-password").number("min", *min as i64)
            }
            OperatorError::Exists(n) => Message::new("op-exists").with("name", n),
            OperatorError::Unknown(n) => Message::new("op-unknown").with("name", n),
            OperatorError::NotAllowed(role) => {
                Message::new("op-not-allowed").nested("role", Message::new(format!("role-{role}")))
            }
            OperatorError::Idle => Message::new("op-idle"),
            OperatorError::FingerNoMatch => Message::new("op-finger-no-match"),
            OperatorError::NoFingers(n) => Message::new("op-no-fingers").with("name", n),
            OperatorError::PasswordOnceFirst(n) => {
                Message::new("op-password-once-first").with("name", n)
            }
            OperatorError::Vault(e) => Message::new("op-key-storage").detail(e),
            OperatorError::Store(e) => Message::new("store-sql").detail(e),
        }
    }
}

/// A logged-in operator: their keys are open for as long as the session lives.
pub struct Session {
    pub username: String,
    pub role: Role,
    pub data_key: Key,
    pub signing_key: SigningKey,
    pub last_activity_ms: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({}, {:?})", self.username, self.role)
    }
}

impl Session {
    /// Refuses if idle too long (and then the session must be dropped); otherwise records activity.
    pub fn touch(&mut self, now_ms: i64, policy: &LoginPolicy) -> Result<(), OperatorError> {
        if now_ms - self.last_activity_ms > policy.idle_lock_ms {
            return Err(OperatorError::Idle);
        }
        self.last_activity_ms = now_ms;
        Ok(())
    }

    pub fn require(&self, role: Role) -> Result<(), OperatorError> {
        if self.role == role { Ok(()) } else { Err(OperatorError::NotAllowed(role.as_str())) }
    }
}

fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
            .expect("valid parameters"),
    )
}

fn aad(username: &str, what: &str) -> Vec<u8> {
    format!("operator:{username}:{what}").into_bytes()
}

pub(crate) fn check_username(u: &str) -> Result<(), OperatorError> {
    let ok = (3..=32).contains(&u.len())
        && u.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok { Ok(()) } else { Err(OperatorError::BadUsername) }
}

/// Minimum password length (demo stations accept the demo password).
pub(crate) const MIN_PASSWORD: usize = 8;

/// Creates an operator with a fresh signing key; `data_key` is the station's, wrapped for them.
pub fn add(
    tx: &Transaction<'_>,
    username: &str,
    role: Role,
    password: &str,
    data_key: &Key,
    min_password: usize,
    now_ms: i64,
) -> Result<(), OperatorError> {
    check_username(username)?;
    if password.chars().count() < min_password {
        return Err(OperatorError::WeakPassword { min: min_password });
    }
    let exists: Option<String> = tx
        .query_row("SELECT username FROM operators WHERE username = ?1", [username], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        return Err(OperatorError::Exists(username.into()));
    }
    let salt = SaltString::encode_b64(&vault::random_bytes::<16>()?)
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    let hash = hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| VaultError::Kdf(e.to_string()))?
        .to_string();
    let kek_salt: [u8; 16] = vault::random_bytes()?;
    let kek = Key::from_password(password, &kek_salt)?;
    let signing =
        schemas::keys::new_signing_key().map_err(|e| VaultError::Random(e.to_string()))?;
    tx.execute(
        "INSERT INTO operators (username, role, password_hash, kek_salt, wrapped_data_key, signing_key, public_key, created_at, station_wrapped_signing_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            username,
            role.as_str(),
            hash,
            &kek_salt[..],
            kek.wrap(&aad(username, "data-key"), data_key.bytes())?,
            kek.wrap(&aad(username, "signing-key"), &signing.to_bytes())?,
            &signing.verifying_key().to_bytes()[..],
            now_ms,
            data_key.wrap(&aad(username, "signing-key-station"), &signing.to_bytes())?,
        ],
    )?;
    Ok(())
}

/// What log-in needs of an operator's row.
pub(crate) struct LoginRow {
    role: String,
    hash: String,
    kek_salt: Vec<u8>,
    wrapped_dk: Vec<u8>,
    wrapped_sk: Vec<u8>,
    failures: i64,
    station_wrapped_sk: Option<Vec<u8>>,
}

/// The operator's row, refused when the account is locked (by an administrator, by the registry
/// or after repeated failures). `None`: no such operator.
pub(crate) fn login_row(
    store: &Store,
    username: &str,
    now_ms: i64,
) -> Result<Option<LoginRow>, OperatorError> {
    type Row =
        (String, String, Vec<u8>, Vec<u8>, Vec<u8>, i64, Option<i64>, i64, i64, Option<Vec<u8>>);
    let row: Option<Row> = store
        .conn
        .query_row(
            "SELECT role, password_hash, kek_salt, wrapped_data_key, signing_key, failed_logins, locked_until, locked, revoked_by_registry, station_wrapped_signing_key FROM operators WHERE username = ?1",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?)),
        )
        .optional()?;
    let Some((
        role,
        hash,
        kek_salt,
        wrapped_dk,
        wrapped_sk,
        failures,
        locked_until,
        locked,
        by_registry,
        station_wrapped_sk,
    )) = row
    else {
        return Ok(None);
    };
    if locked != 0 {
        return Err(if by_registry == 1 {
            OperatorError::RevokedByRegistry(username.into())
        } else {
            OperatorError::LockedByAdmin
        });
    }
    if let Some(until) = locked_until
        && until > now_ms
    {
        return Err(OperatorError::LockedOut {
            until_ms: until,
            minutes_left: (until - now_ms + 59_999) / 60_000,
        });
    }
    Ok(Some(LoginRow {
        role,
        hash,
        kek_salt,
        wrapped_dk,
        wrapped_sk,
        failures,
        station_wrapped_sk,
    }))
}

/// Counts a failed attempt (a wrong password or a finger that does not match) towards the
/// lockout, and records it in the audit log as `what` (`login:failed`, `login:finger-failed`).
pub(crate) fn count_failure(
    store: &mut Store,
    username: &str,
    failures_before: i64,
    policy: &LoginPolicy,
    what: &str,
    now_ms: i64,
) -> Result<(), OperatorError> {
    let failures = failures_before + 1;
    let tx = store.conn.transaction()?;
    if failures >= i64::from(policy.max_failures) {
        tx.execute(
            "UPDATE operators SET failed_logins = 0, locked_until = ?2 WHERE username = ?1",
            params![username, now_ms + policy.lockout_ms],
        )?;
        audit_append(&tx, now_ms, username, "login:locked-out", None)?;
    } else {
        tx.execute(
            "UPDATE operators SET failed_logins = ?2 WHERE username = ?1",
            params![username, failures],
        )?;
        audit_append(&tx, now_ms, username, what, None)?;
    }
    tx.commit()?;
    Ok(())
}

/// A successful log-in: the failure count is reset and the log-in recorded as `what`.
pub(crate) fn record_login(
    store: &mut Store,
    username: &str,
    what: &str,
    now_ms: i64,
) -> Result<(), OperatorError> {
    let tx = store.conn.transaction()?;
    tx.execute(
        "UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE username = ?1",
        [username],
    )?;
    audit_append(&tx, now_ms, username, what, None)?;
    tx.commit()?;
    Ok(())
}

impl LoginRow {
    pub(crate) fn role(&self) -> Result<Role, OperatorError> {
        Role::parse(&self.role).ok_or(OperatorError::Store("unknown role in the database".into()))
    }

    pub(crate) fn failures(&self) -> i64 {
        self.failures
    }

    /// The session of a log-in that passed, holding the keys it opened.
    pub(crate) fn session(
        &self,
        username: &str,
        data_key: Key,
        signing_key: SigningKey,
        now_ms: i64,
    ) -> Result<Session, OperatorError> {
        Ok(Session {
            username: username.into(),
            role: self.role()?,
            data_key,
            signing_key,
            last_activity_ms: now_ms,
        })
    }

    /// The operator's signing key, opened with the station data key (a finger log-in): `None`
    /// for an operator made before finger log-in existed who has not logged in by password since.
    pub(crate) fn signing_key_by_data_key(
        &self,
        username: &str,
        data_key: &Key,
    ) -> Result<Option<SigningKey>, OperatorError> {
        let Some(w) = &self.station_wrapped_sk else { return Ok(None) };
        let seed = data_key.unwrap_key(
            &aad(username, "signing-key-station"),
            w,
            "the operator's signing key",
        )?;
        Ok(Some(SigningKey::from_bytes(seed.bytes())))
    }
}

/// Checks the password and opens the operator's keys. Failures count towards a lockout.
pub fn login(
    store: &mut Store,
    username: &str,
    password: &str,
    policy: &LoginPolicy,
    now_ms: i64,
) -> Result<Session, OperatorError> {
    let Some(row) = login_row(store, username, now_ms)? else {
        // Spend the same time as a real check, so a wrong name is not told apart by timing.
        let _ = Key::from_password(password, b"no-such-operator");
        return Err(OperatorError::BadCredentials);
    };
    let parsed = PasswordHash::new(&row.hash)
        .map_err(|e| OperatorError::Store(format!("stored password hash: {e}")))?;
    if hasher().verify_password(password.as_bytes(), &parsed).is_err() {
        count_failure(store, username, row.failures, policy, "login:failed", now_ms)?;
        return Err(OperatorError::BadCredentials);
    }
    let kek = Key::from_password(password, &row.kek_salt)?;
    let data_key =
        kek.unwrap_key(&aad(username, "data-key"), &row.wrapped_dk, "the station data key")?;
    let seed = kek.unwrap_key(
        &aad(username, "signing-key"),
        &row.wrapped_sk,
        "the operator's signing key",
    )?;
    let signing_key = SigningKey::from_bytes(seed.bytes());
    if row.station_wrapped_sk.is_none() {
        // Made before finger log-in existed: keep the key where a finger log-in can open it.
        store.conn.execute(
            "UPDATE operators SET station_wrapped_signing_key = ?2 WHERE username = ?1",
            params![
                username,
                data_key.wrap(&aad(username, "signing-key-station"), &signing_key.to_bytes())?
            ],
        )?;
    }
    record_login(store, username, "login", now_ms)?;
    row.session(username, data_key, signing_key, now_ms)
}

/// Refuses an operator the registry revoked, even in a session opened before the station heard
/// of it: their signature would be refused at the registry.
pub fn not_revoked(store: &Store, username: &str) -> Result<(), OperatorError> {
    let revoked: Option<i64> = store
        .conn
        .query_row(
            "SELECT revoked_by_registry FROM operators WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?;
    if revoked == Some(1) {
        return Err(OperatorError::RevokedByRegistry(username.into()));
    }
    Ok(())
}

/// Locks (`true`) or unlocks an account, by an administrator. An operator the registry revoked
/// stays locked: only the registry can restore them.
pub fn set_locked(
    store: &mut Store,
    admin: &Session,
    username: &str,
    locked: bool,
    now_ms: i64,
) -> Result<(), OperatorError> {
    admin.require(Role::Admin)?;
    let tx = store.conn.transaction()?;
    let revoked: Option<i64> = tx
        .query_row(
            "SELECT revoked_by_registry FROM operators WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?;
    if !locked && revoked == Some(1) {
        return Err(OperatorError::RevokedByRegistry(username.into()));
    }
    let n = tx.execute("UPDATE operators SET locked = ?2, failed_logins = 0, locked_until = NULL WHERE username = ?1", params![username, i64::from(locked)])?;
    if n == 0 {
        return Err(OperatorError::Unknown(username.into()));
    }
    audit_append(
        &tx,
        now_ms,
        &admin.username,
        if locked { "operator:lock" } else { "operator:unlock" },
        None,
    )?;
    tx.commit()?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct OperatorInfo {
    pub username: String,
    pub role: Role,
    pub public_key: String,
    pub locked: bool,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// The registry's administrators approved this operator's key (from master data).
    pub approved_by_registry: bool,
    /// The registry revoked this operator: locked for good here.
    pub revoked_by_registry: bool,
    /// Finger impressions enrolled for log-in and sign-off.
    pub fingers: usize,
}

pub fn list(store: &Store) -> Result<Vec<OperatorInfo>, OperatorError> {
    let mut stmt = store.conn.prepare("SELECT username, role, public_key, locked, locked_until, created_at, approved_by_registry, revoked_by_registry, (SELECT count(*) FROM operator_fingers f WHERE f.username = operators.username) FROM operators ORDER BY username")?;
    let rows = stmt.query_map([], |r| {
        Ok(OperatorInfo {
            username: r.get(0)?,
            role: Role::parse(&r.get::<_, String>(1)?).ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(1, "role".into(), rusqlite::types::Type::Text)
            })?,
            public_key: hex::encode(r.get::<_, Vec<u8>>(2)?),
            locked: r.get::<_, i64>(3)? != 0,
            locked_until: r.get(4)?,
            created_at: r.get(5)?,
            approved_by_registry: r.get::<_, i64>(6)? != 0,
            revoked_by_registry: r.get::<_, i64>(7)? != 0,
            fingers: r.get::<_, i64>(8)? as usize,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An operator's public key, for checking their signatures.
pub fn public_key(store: &Store, username: &str) -> Result<schemas::VerifyingKey, OperatorError> {
    let bytes: Vec<u8> = store
        .conn
        .query_row("SELECT public_key FROM operators WHERE username = ?1", [username], |r| r.get(0))
        .optional()?
        .ok_or_else(|| OperatorError::Unknown(username.into()))?;
    let arr: [u8; 32] =
        bytes.try_into().map_err(|_| OperatorError::Store("public key length".into()))?;
    schemas::VerifyingKey::from_bytes(&arr).map_err(|e| OperatorError::Store(e.to_string()))
}
