//! The station's store: one SQLite file (`station.db` in the data directory), in WAL mode with
//! `synchronous=FULL`, so every committed state change survives a power cut, with one fsync of the
//! write-ahead log per commit.
//!
//! No plaintext of an enrollment is stored: drafts and signed enrollments are blobs sealed under
//! the station data key ([`crate::vault`]); sealed bundles are age files only the registry opens;
//! the audit log records who did what to which enrollment id, never personal data.
//! `secure_delete` overwrites freed pages, so erased drafts leave no ciphertext behind either.
//!
//! Migrations are numbered SQL scripts tracked in `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("data directory {path}: {problem}")]
    Dir { path: String, problem: String },
    #[error(
        "the database is from a newer version of the station (schema {found}, this build knows {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error("the station is not set up: run `station init` or `station demo-seed` first")]
    NotInitialised,
    #[error("stored value '{0}' is missing or malformed")]
    Corrupt(&'static str),
}

impl station_text::messages::Explain for StoreError {
    fn explain(&self) -> station_text::messages::Message {
        use station_text::messages::Message;
        match self {
            StoreError::Sql(e) => Message::new("store-sql").detail(e),
            StoreError::Dir { path, problem } => {
                Message::new("store-dir").with("path", path).detail(problem)
            }
            StoreError::TooNew { found, known } => {
                Message::new("store-too-new").number("found", *found).number("known", *known)
            }
            StoreError::NotInitialised => Message::new("store-not-initialised"),
            StoreError::Corrupt(what) => Message::new("store-corrupt").detail(what),
        }
    }
}

/// Schema migrations, applied in order; `user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
    CREATE TABLE operators (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        kek_salt BLOB NOT NULL,
        wrapped_data_key BLOB NOT NULL,
        signing_key BLOB NOT NULL,
        public_key BLOB NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        locked INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE enrollments (
        id TEXT PRIMARY KEY,
        operator TEXT NOT NULL REFERENCES operators(username),
        script TEXT,
        stage TEXT NOT NULL,
        sequence INTEGER UNIQUE,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX enrollments_stage ON enrollments(stage);
    CREATE INDEX enrollments_script ON enrollments(script);
    CREATE TABLE drafts (
        enrollment TEXT NOT NULL REFERENCES enrollments(id),
        step TEXT NOT NULL,
        blob BLOB NOT NULL,
        PRIMARY KEY (enrollment, step)
    ) STRICT;
    CREATE TABLE outbox (
        bundle_id TEXT PRIMARY KEY REFERENCES enrollments(id),
        sequence INTEGER NOT NULL UNIQUE,
        verdict TEXT NOT NULL,
        bundle BLOB NOT NULL,
        ciphertext_sha256 BLOB NOT NULL,
        manifest_sha256 BLOB NOT NULL,
        decision BLOB NOT NULL,
        sealed_at INTEGER NOT NULL,
        synced_at INTEGER
    ) STRICT;
    CREATE INDEX outbox_unsynced ON outbox(synced_at);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        enrollment TEXT,
        prev BLOB NOT NULL,
        hash BLOB NOT NULL
    ) STRICT;
    "#,
    // 2: per-enrollment figures for the supervisor's daily report (counts and a score, nothing
    // of the person), recorded when the operator signs.
    r#"
    ALTER TABLE enrollments ADD COLUMN signed_at INTEGER;
    ALTER TABLE enrollments ADD COLUMN exceptions INTEGER;
    ALTER TABLE enrollments ADD COLUMN forced INTEGER;
    ALTER TABLE enrollments ADD COLUMN mean_quality REAL;
    CREATE INDEX enrollments_signed_at ON enrollments(signed_at);
    "#,
    // 3: sync with the registry. Each sealed bundle keeps its receipt once the registry has it
    // (the bundle's bytes are then erased), a refusal if the registry refused it, and the
    // registry's later decision. Operators are registered with the registry once.
    r#"
    ALTER TABLE outbox ADD COLUMN receipt BLOB;
    ALTER TABLE outbox ADD COLUMN refusal_code TEXT;
    ALTER TABLE outbox ADD COLUMN refusal_detail TEXT;
    ALTER TABLE outbox ADD COLUMN registry_status TEXT;
    ALTER TABLE outbox ADD COLUMN registry_reason TEXT;
    ALTER TABLE outbox ADD COLUMN registry_status_at INTEGER;
    ALTER TABLE operators ADD COLUMN registered_at INTEGER;
    "#,
    // 4: what the registry decides for the station, not the station: an operator the registry
    // revoked (an administrator here cannot unlock them), an operator's approval at the registry
    // (their bundles wait until then), and a bundle the registry refused for good (set aside: it
    // no longer heads the queue, and is never erased).
    r#"
    ALTER TABLE operators ADD COLUMN revoked_by_registry INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE operators ADD COLUMN approved_by_registry INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN set_aside_at INTEGER;
    "#,
    // 5: officials' fingers. Each row is one enrolled impression: an ISO/IEC 19794-2 minutiae
    // record sealed under the station's machine key. An operator's signing key is also kept
    // wrapped under the station data key, so that a finger log-in can open it.
    r#"
    CREATE TABLE operator_fingers (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL REFERENCES operators(username),
        position INTEGER NOT NULL,
        template BLOB NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX operator_fingers_username ON operator_fingers(username);
    ALTER TABLE operators ADD COLUMN station_wrapped_signing_key BLOB;
    "#,
];

pub const DB_FILE: &str = "station.db";

pub struct Store {
    pub conn: Connection,
    pub dir: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Dir {
            path: dir.display().to_string(),
            problem: e.to_string(),
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let mut conn = Connection::open(dir.join(DB_FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        // No automatic checkpoints: a checkpoint inside a capture step would add fsyncs to it.
        // The station checkpoints at moments that are not capture steps ([`Store::checkpoint`]).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        migrate(&mut conn)?;
        Ok(Store { conn, dir: dir.to_path_buf() })
    }

    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn meta_text(&self, key: &'static str) -> Result<String, StoreError> {
        let v = self.meta(key)?.ok_or(StoreError::NotInitialised)?;
        String::from_utf8(v).map_err(|_| StoreError::Corrupt(key))
    }

    pub(crate) fn meta_i64(&self, key: &'static str) -> Result<i64, StoreError> {
        self.meta_text(key)?.parse().map_err(|_| StoreError::Corrupt(key))
    }

    /// Copies the write-ahead log into the database file (PASSIVE: never waits for another
    /// process, so a busy station just checkpoints later). Called at start-up,
    /// after signing and after sealing, never inside a capture step.
    pub(crate) fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

pub fn set_meta(tx: &Transaction<'_>, key: &str, value: &[u8]) -> Result<(), StoreError> {
    tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew { found: version, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The audit log: an append-only hash chain.

/// The chain's head: the last entry's number and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    pub sequence: u64,
    #[serde(serialize_with = "hex_bytes")]
    pub hash: [u8; 32],
}

fn hex_bytes<S: serde::Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}

impl AuditHead {
    pub(crate) const GENESIS: AuditHead = AuditHead { sequence: 0, hash: [0; 32] };
}

/// hash(n) = SHA-256("hukumati-audit-v1" || hash(n-1) || CBOR[n, at, actor, action, enrollment]).
pub(crate) fn audit_hash(
    prev: &[u8; 32],
    seq: u64,
    at: i64,
    actor: &str,
    action: &str,
    enrollment: Option<&str>,
) -> [u8; 32] {
    let body =
        schemas::cbor::to_vec(&(seq, at, actor, action, enrollment)).expect("plain values encode");
    let mut h = Sha256::new();
    h.update(b"hukumati-audit-v1");
    h.update(prev);
    h.update(&body);
    h.finalize().into()
}

fn current_head(tx: &Transaction<'_>) -> Result<AuditHead, StoreError> {
    let row: Option<(i64, Vec<u8>)> = tx
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match row {
        None => Ok(AuditHead::GENESIS),
        Some((seq, hash)) => Ok(AuditHead {
            sequence: seq as u64,
            hash: hash.try_into().map_err(|_| StoreError::Corrupt("audit hash"))?,
        }),
    }
}

/// Appends an entry inside the caller's transaction (so the action and its record commit
/// together) and returns the new head, which is also kept in `meta` to catch a cut-off tail.
pub fn audit_append(
    tx: &Transaction<'_>,
    at: i64,
    actor: &str,
    action: &str,
    enrollment: Option<&str>,
) -> Result<AuditHead, StoreError> {
    let head = current_head(tx)?;
    let seq = head.sequence + 1;
    let hash = audit_hash(&head.hash, seq, at, actor, action, enrollment);
    tx.execute(
        "INSERT INTO audit (seq, at, actor, action, enrollment, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq as i64, at, actor, action, enrollment, &head.hash[..], &hash[..]],
    )?;
    let new = AuditHead { sequence: seq, hash };
    set_meta(tx, "audit_head", format!("{}:{}", seq, hex::encode(hash)).as_bytes())?;
    Ok(new)
}

/// The head as of now (read-only).
pub fn audit_head(conn: &Connection) -> Result<AuditHead, StoreError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match row {
        None => Ok(AuditHead::GENESIS),
        Some((seq, hash)) => Ok(AuditHead {
            sequence: seq as u64,
            hash: hash.try_into().map_err(|_| StoreError::Corrupt("audit hash"))?,
        }),
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("audit entry {sequence}: {problem}")]
pub struct AuditBreak {
    pub sequence: u64,
    pub problem: String,
}

/// Walks the whole chain: numbers contiguous from 1, each entry linked to the one before, each
/// hash recomputed, and the last entry equal to the head recorded beside it.
pub fn audit_verify(conn: &Connection) -> Result<Result<AuditHead, AuditBreak>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, action, enrollment, prev, hash FROM audit ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut head = AuditHead::GENESIS;
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let brk = |problem: &str| Ok(Err(AuditBreak { sequence: seq, problem: problem.into() }));
        if seq != head.sequence + 1 {
            return Ok(Err(AuditBreak {
                sequence: head.sequence + 1,
                problem: format!("missing (next present is {seq})"),
            }));
        }
        let prev: Vec<u8> = r.get(5)?;
        let hash: Vec<u8> = r.get(6)?;
        if prev != head.hash {
            return brk("does not link to the entry before it");
        }
        let actor: String = r.get(2)?;
        let action: String = r.get(3)?;
        let enrollment: Option<String> = r.get(4)?;
        let expected =
            audit_hash(&head.hash, seq, r.get(1)?, &actor, &action, enrollment.as_deref());
        if hash != expected {
            return brk("was changed after it was written (hash mismatch)");
        }
        head = AuditHead { sequence: seq, hash: expected };
    }
    let recorded = conn
        .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .optional()?;
    let expected = format!("{}:{}", head.sequence, hex::encode(head.hash));
    match recorded {
        None if head.sequence == 0 => {}
        Some(v) if v == expected.as_bytes() => {}
        Some(v) => {
            return Ok(Err(AuditBreak {
                sequence: head.sequence,
                problem: format!(
                    "the chain ends here but the recorded head is {}",
                    String::from_utf8_lossy(&v)
                ),
            }));
        }
        None => {
            return Ok(Err(AuditBreak {
                sequence: head.sequence,
                problem: "no recorded head".into(),
            }));
        }
    }
    Ok(Ok(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> (Store, PathBuf) {
        let d = std::env::temp_dir().join(format!(
            "hukumati-store-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7()
        ));
        (Store::open(&d).unwrap(), d)
    }

    #[test]
    fn migrations_apply_once_and_pragmas_hold() {
        let (s, d) = temp();
        let v: i64 = s.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = s.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = s.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2); // FULL
        drop(s);
        let s = Store::open(&d).unwrap();
        assert_eq!(s.integrity_check().unwrap(), "ok");
        s.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(s);
        assert!(matches!(Store::open(&d), Err(StoreError::TooNew { found: 99, .. })));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn audit_chain_detects_edits_deletions_and_a_cut_tail() {
        let (mut s, d) = temp();
        let tx = s.conn.transaction().unwrap();
        for i in 0..5 {
            audit_append(&tx, 1000 + i, "clerk1", "step:face", Some("e-1")).unwrap();
        }
        tx.commit().unwrap();
        let head = audit_verify(&s.conn).unwrap().unwrap();
        assert_eq!(head.sequence, 5);
        assert_eq!(head, audit_head(&s.conn).unwrap());

        s.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 3", []).unwrap();
        assert_eq!(audit_verify(&s.conn).unwrap().unwrap_err().sequence, 3);
        s.conn.execute("UPDATE audit SET actor = 'clerk1' WHERE seq = 3", []).unwrap();
        assert!(audit_verify(&s.conn).unwrap().is_ok());

        s.conn.execute("DELETE FROM audit WHERE seq = 2", []).unwrap();
        let b = audit_verify(&s.conn).unwrap().unwrap_err();
        assert_eq!(b.sequence, 2);
        assert!(b.problem.contains("missing"));

        let (mut s, d2) = temp();
        let tx = s.conn.transaction().unwrap();
        for i in 0..3 {
            audit_append(&tx, i, "a", "x", None).unwrap();
        }
        tx.commit().unwrap();
        s.conn.execute("DELETE FROM audit WHERE seq = 3", []).unwrap();
        assert!(audit_verify(&s.conn).unwrap().unwrap_err().problem.contains("recorded head"));
        std::fs::remove_dir_all(d).unwrap();
        std::fs::remove_dir_all(d2).unwrap();
    }
}
