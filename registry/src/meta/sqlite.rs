//! [`Meta`] on SQLite (rusqlite, bundled SQLite): the embedded default. WAL with
//! `synchronous=FULL`, so a commit is on disk when it returns; one connection behind a mutex,
//! used from Tokio's blocking pool. For one registry process (a demo station's, a test's).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sync::Code;
use sync::status::{BundleStatus, StatusEvent};

use super::*;

const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
    INSERT INTO counters VALUES ('version', 1);
    CREATE TABLE log_head (id INTEGER PRIMARY KEY CHECK (id = 1), idx INTEGER NOT NULL, entry BLOB NOT NULL) STRICT;
    INSERT INTO log_head VALUES (1, 0, zeroblob(32));
    CREATE TABLE stations (
        id TEXT PRIMARY KEY,
        ed25519 BLOB NOT NULL,
        centre TEXT NOT NULL,
        onboarded_at INTEGER NOT NULL,
        revoked_at INTEGER,
        last_sequence INTEGER NOT NULL DEFAULT 0,
        last_audit_sequence INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE TABLE operators (
        station TEXT NOT NULL REFERENCES stations(id),
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        ed25519 BLOB NOT NULL,
        registered_at INTEGER NOT NULL,
        revoked_at INTEGER,
        PRIMARY KEY (station, username)
    ) STRICT;
    CREATE TABLE tokens (station TEXT NOT NULL, token BLOB NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (station, token)) STRICT;
    CREATE INDEX tokens_expiry ON tokens(expires_at);
    CREATE TABLE tickets (
        bundle_id TEXT PRIMARY KEY,
        station TEXT NOT NULL REFERENCES stations(id),
        sequence INTEGER NOT NULL,
        ciphertext_sha256 BLOB NOT NULL UNIQUE,
        ciphertext_len INTEGER NOT NULL,
        manifest_sha256 BLOB NOT NULL,
        audit_sequence INTEGER NOT NULL,
        signed BLOB NOT NULL,
        announced_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        upload_offset INTEGER NOT NULL DEFAULT 0,
        receipt BLOB,
        refusal_code TEXT,
        refusal_detail TEXT,
        received_at INTEGER,
        UNIQUE (station, sequence)
    ) STRICT;
    CREATE TABLE receipt_log (idx INTEGER PRIMARY KEY, bundle_id TEXT NOT NULL UNIQUE REFERENCES tickets(bundle_id), receipt BLOB NOT NULL, entry BLOB NOT NULL) STRICT;
    CREATE TABLE status_events (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        station TEXT NOT NULL,
        bundle_id TEXT NOT NULL REFERENCES tickets(bundle_id),
        status TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX status_by_station ON status_events(station, cursor);
"#,
    r#"
    ALTER TABLE stations ADD COLUMN mode TEXT NOT NULL DEFAULT 'production';
    ALTER TABLE operators ADD COLUMN approved_at INTEGER;
    ALTER TABLE operators ADD COLUMN revoked_version INTEGER;
    -- Revoked before versions were recorded: refused whatever the station held.
    UPDATE operators SET revoked_version = 0 WHERE revoked_at IS NOT NULL;
    -- Operators registered before approvals existed were taken then: they stay approved, so
    -- that an upgrade does not stop every station (revoke the ones in doubt).
    UPDATE operators SET approved_at = registered_at WHERE revoked_at IS NULL;
"#,
    r#"
    -- Counting a station's open tickets at each announce (the limit of open uploads).
    CREATE INDEX tickets_open ON tickets(station) WHERE state = 'announced';
"#,
];

#[derive(Clone)]
pub struct SqliteMeta {
    conn: Arc<Mutex<Connection>>,
}

fn db(e: rusqlite::Error) -> MetaError {
    MetaError::Db(e.to_string())
}

const TICKET_COLUMNS: &str = "bundle_id, station, sequence, ciphertext_sha256, ciphertext_len, manifest_sha256, audit_sequence, signed, announced_at, state, upload_offset, receipt, refusal_code, refusal_detail";

fn ticket_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(TicketRowRaw,)> {
    Ok((TicketRowRaw {
        bundle_id: r.get(0)?,
        station: r.get(1)?,
        sequence: r.get(2)?,
        sha: r.get(3)?,
        len: r.get(4)?,
        manifest: r.get(5)?,
        audit: r.get(6)?,
        signed: r.get(7)?,
        announced_at: r.get(8)?,
        state: r.get(9)?,
        offset: r.get(10)?,
        receipt: r.get(11)?,
        code: r.get(12)?,
        detail: r.get(13)?,
    },))
}

struct TicketRowRaw {
    bundle_id: String,
    station: String,
    sequence: i64,
    sha: Vec<u8>,
    len: i64,
    manifest: Vec<u8>,
    audit: i64,
    signed: Vec<u8>,
    announced_at: i64,
    state: String,
    offset: i64,
    receipt: Option<Vec<u8>>,
    code: Option<String>,
    detail: Option<String>,
}

impl TicketRowRaw {
    fn into_row(self) -> Result<TicketRow, MetaError> {
        Ok(TicketRow {
            bundle_id: self.bundle_id,
            station: self.station,
            sequence: self.sequence as u64,
            ciphertext_sha256: hash32(self.sha, "ciphertext hash")?,
            ciphertext_len: self.len as u64,
            manifest_sha256: hash32(self.manifest, "manifest hash")?,
            audit_sequence: self.audit as u64,
            signed: self.signed,
            announced_at: self.announced_at,
            state: TicketState::parse(&self.state)?,
            offset: self.offset as u64,
            receipt: self.receipt,
            refusal: self.code.map(|c| (code_of(&c), self.detail.unwrap_or_default())),
        })
    }
}

fn ticket_where(
    tx: &Connection,
    clause: &str,
    arg: &dyn rusqlite::ToSql,
) -> Result<Option<TicketRow>, MetaError> {
    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {clause}");
    tx.query_row(&sql, [arg], ticket_row)
        .optional()
        .map_err(db)?
        .map(|(r,)| r.into_row())
        .transpose()
}

/// A station's columns as SQLite gives them.
type StationColumns = (String, Vec<u8>, String, i64, Option<i64>, i64, i64, String);

fn station_row(c: &Connection, id: &str) -> Result<Option<StationRow>, MetaError> {
    let row: Option<StationColumns> = c
        .query_row("SELECT id, ed25519, centre, onboarded_at, revoked_at, last_sequence, last_audit_sequence, mode FROM stations WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
        .optional()
        .map_err(db)?;
    row.map(|(id, key, centre, onboarded_at, revoked_at, last, audit, mode)| {
        Ok(StationRow {
            mode: mode_of(&mode)?,
            id,
            ed25519: hash32(key, "station key")?,
            centre,
            onboarded_at,
            revoked_at,
            last_sequence: last as u64,
            last_audit_sequence: audit as u64,
        })
    })
    .transpose()
}

/// A transaction that takes the write lock at its start. A deferred one that reads and then
/// writes fails at once with "database is locked" when another connection (another process:
/// `registry onboard` beside a running intake) wrote in between, since SQLite cannot wait for a
/// lock that a stale read snapshot would never be allowed to use; taken up front, the lock is
/// waited for (busy timeout).
fn write(c: &mut Connection) -> Result<Transaction<'_>, MetaError> {
    c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db)
}

fn bump_version(tx: &Transaction<'_>) -> Result<(), MetaError> {
    tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", []).map_err(db)?;
    Ok(())
}

impl SqliteMeta {
    /// Opens (creating) the database file at `path`.
    pub fn open(path: &Path) -> Result<SqliteMeta, MetaError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| MetaError::Db(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        Ok(SqliteMeta { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, MetaError> + Send + 'static,
    ) -> Result<T, MetaError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = conn
                .lock()
                .map_err(|_| MetaError::Db("the connection's lock is poisoned".into()))?;
            f(&mut c)
        })
        .await
        .map_err(|e| MetaError::Db(e.to_string()))?
    }
}

impl Meta for SqliteMeta {
    async fn migrate(&self) -> Result<(), MetaError> {
        self.with(|c| {
            // One migrating process at a time: the version is read under the write lock, so a
            // second process opening the same file waits and then finds nothing left to do.
            let tx = write(c)?;
            let have: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db)?;
            if have as usize > MIGRATIONS.len() {
                return Err(MetaError::Conflict(format!(
                    "the database is from a newer registry (schema {have}, this build knows {})",
                    MIGRATIONS.len()
                )));
            }
            for (i, m) in MIGRATIONS.iter().enumerate().skip(have as usize) {
                tx.execute_batch(m).map_err(db)?;
                tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(db)?;
            }
            tx.commit().map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn add_station(&self, row: StationRow) -> Result<bool, MetaError> {
        self.with(move |c| {
            let tx = write(c)?;
            if let Some(existing) = station_row(&tx, &row.id)? {
                return if existing.ed25519 == row.ed25519 {
                    Ok(false)
                } else {
                    Err(MetaError::Conflict(format!(
                        "station {} is onboarded with another key",
                        row.id
                    )))
                };
            }
            tx.execute(
                "INSERT INTO stations (id, ed25519, centre, onboarded_at, mode) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![row.id, &row.ed25519[..], row.centre, row.onboarded_at, row.mode.as_str()],
            )
            .map_err(db)?;
            bump_version(&tx)?;
            tx.commit().map_err(db)?;
            Ok(true)
        })
        .await
    }

    async fn revoke_station(&self, id: &str, at: i64) -> Result<bool, MetaError> {
        let id = id.to_string();
        self.with(move |c| {
            let tx = write(c)?;
            let n = tx
                .execute(
                    "UPDATE stations SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                    params![id, at],
                )
                .map_err(db)?;
            bump_version(&tx)?;
            tx.commit().map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn station(&self, id: &str) -> Result<Option<StationRow>, MetaError> {
        let id = id.to_string();
        self.with(move |c| station_row(c, &id)).await
    }

    async fn revoked_stations(&self) -> Result<Vec<String>, MetaError> {
        self.with(|c| {
            let mut st = c
                .prepare("SELECT id FROM stations WHERE revoked_at IS NOT NULL ORDER BY id")
                .map_err(db)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(db)
        })
        .await
    }

    async fn register_operator(&self, row: OperatorRow) -> Result<Registered, MetaError> {
        self.with(move |c| {
            let tx = write(c)?;
            let known: Option<Vec<u8>> = tx.query_row("SELECT ed25519 FROM operators WHERE station = ?1 AND username = ?2", params![row.station, row.username], |r| r.get(0)).optional().map_err(db)?;
            let out = match known {
                Some(k) if k == row.ed25519 => Registered::Same,
                Some(_) => Registered::KeyChanged,
                None => {
                    tx.execute(
                        "INSERT INTO operators (station, username, role, ed25519, registered_at, approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![row.station, row.username, row.role, &row.ed25519[..], row.registered_at, row.approved_at],
                    )
                    .map_err(db)?;
                    bump_version(&tx)?;
                    Registered::New
                }
            };
            tx.commit().map_err(db)?;
            Ok(out)
        })
        .await
    }

    async fn revoke_operator(
        &self,
        station: &str,
        username: &str,
        at: i64,
    ) -> Result<bool, MetaError> {
        let (station, username) = (station.to_string(), username.to_string());
        self.with(move |c| {
            let tx = write(c)?;
            bump_version(&tx)?;
            // The version the station will first hear of it in.
            let n = tx.execute("UPDATE operators SET revoked_at = ?3, revoked_version = (SELECT value FROM counters WHERE name = 'version') WHERE station = ?1 AND username = ?2 AND revoked_at IS NULL", params![station, username, at]).map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn operators(&self, station: &str) -> Result<Vec<OperatorRow>, MetaError> {
        let station = station.to_string();
        self.with(move |c| {
            let mut st = c.prepare("SELECT station, username, role, ed25519, registered_at, revoked_at, revoked_version, approved_at FROM operators WHERE station = ?1 ORDER BY username").map_err(db)?;
            let rows = st.query_map([&station], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, Vec<u8>>(3)?, r.get(4)?, r.get(5)?, r.get::<_, Option<i64>>(6)?, r.get(7)?))).map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (station, username, role, key, registered_at, revoked_at, revoked_version, approved_at) = row.map_err(db)?;
                out.push(OperatorRow { station, username, role, ed25519: hash32(key, "operator key")?, registered_at, revoked_at, revoked_version: revoked_version.map(|v| v as u64), approved_at });
            }
            Ok(out)
        })
        .await
    }

    async fn approve_operator(
        &self,
        station: &str,
        username: &str,
        ed25519: &[u8; 32],
        at: i64,
    ) -> Result<bool, MetaError> {
        let (station, username, key) =
            (station.to_string(), username.to_string(), ed25519.to_vec());
        self.with(move |c| {
            let tx = write(c)?;
            let known: Option<Option<i64>> = tx.query_row("SELECT approved_at FROM operators WHERE station = ?1 AND username = ?2 AND ed25519 = ?3", params![station, username, key], |r| r.get(0)).optional().map_err(db)?;
            let out = match known {
                None => false,
                Some(Some(_)) => true,
                Some(None) => {
                    tx.execute("UPDATE operators SET approved_at = ?3 WHERE station = ?1 AND username = ?2", params![station, username, at]).map_err(db)?;
                    bump_version(&tx)?;
                    true
                }
            };
            tx.commit().map_err(db)?;
            Ok(out)
        })
        .await
    }

    async fn use_token(
        &self,
        station: &str,
        token_id: &[u8],
        expires_at: i64,
        now: i64,
    ) -> Result<bool, MetaError> {
        let (station, token) = (station.to_string(), token_id.to_vec());
        self.with(move |c| {
            let tx = write(c)?;
            tx.execute("DELETE FROM tokens WHERE expires_at < ?1", [now]).map_err(db)?;
            let n = tx
                .execute(
                    "INSERT OR IGNORE INTO tokens (station, token, expires_at) VALUES (?1, ?2, ?3)",
                    params![station, token, expires_at],
                )
                .map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn announce(&self, row: TicketRow, max_open: u64) -> Result<Announced, MetaError> {
        self.with(move |c| {
            let tx = write(c)?;
            let Some(station) = station_row(&tx, &row.station)? else {
                return Ok(Announced::Refused(Code::UnknownStation, format!("no station {}", row.station)));
            };
            let by_id = ticket_where(&tx, "bundle_id = ?1", &row.bundle_id)?;
            let by_hash = ticket_where(&tx, "ciphertext_sha256 = ?1", &row.ciphertext_sha256.to_vec())?;
            let open: i64 = tx
                .query_row("SELECT COUNT(*) FROM tickets WHERE station = ?1 AND state = 'announced'", [&row.station], |r| r.get(0))
                .map_err(db)?;
            match announce_refusal(&station, &row, by_id.as_ref(), by_hash.as_ref(), (open as u64, max_open)) {
                Err((code, detail)) => return Ok(Announced::Refused(code, detail)),
                Ok(Some(known)) => return Ok(Announced::Known(known)),
                Ok(None) => {}
            }
            tx.execute(
                "INSERT INTO tickets (bundle_id, station, sequence, ciphertext_sha256, ciphertext_len, manifest_sha256, audit_sequence, signed, announced_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'announced')",
                params![row.bundle_id, row.station, row.sequence as i64, &row.ciphertext_sha256[..], row.ciphertext_len as i64, &row.manifest_sha256[..], row.audit_sequence as i64, row.signed, row.announced_at],
            )
            .map_err(db)?;
            tx.execute("UPDATE stations SET last_sequence = ?2, last_audit_sequence = ?3 WHERE id = ?1", params![row.station, row.sequence as i64, row.audit_sequence as i64]).map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(Announced::New(TicketRow { state: TicketState::Announced, offset: 0, receipt: None, refusal: None, ..row }))
        })
        .await
    }

    async fn ticket_by_id(&self, bundle_id: &str) -> Result<Option<TicketRow>, MetaError> {
        let id = bundle_id.to_string();
        self.with(move |c| ticket_where(c, "bundle_id = ?1", &id)).await
    }

    async fn ticket_by_hash(&self, sha256: &[u8; 32]) -> Result<Option<TicketRow>, MetaError> {
        let sha = sha256.to_vec();
        self.with(move |c| ticket_where(c, "ciphertext_sha256 = ?1", &sha)).await
    }

    async fn set_offset(&self, sha256: &[u8; 32], from: u64, to: u64) -> Result<bool, MetaError> {
        let sha = sha256.to_vec();
        self.with(move |c| {
            let n = c.execute("UPDATE tickets SET upload_offset = ?3 WHERE ciphertext_sha256 = ?1 AND upload_offset = ?2 AND state = 'announced'", params![sha, from as i64, to as i64]).map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn refuse(&self, sha256: &[u8; 32], code: Code, detail: &str) -> Result<(), MetaError> {
        let (sha, detail) = (sha256.to_vec(), detail.to_string());
        self.with(move |c| {
            c.execute("UPDATE tickets SET state = 'refused', upload_offset = 0, refusal_code = ?2, refusal_detail = ?3 WHERE ciphertext_sha256 = ?1 AND state = 'announced'", params![sha, code.as_str(), detail]).map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn receive(
        &self,
        sha256: &[u8; 32],
        at: i64,
        sign: ReceiptSigner,
    ) -> Result<Vec<u8>, MetaError> {
        let sha = sha256.to_vec();
        self.with(move |c| {
            let tx = write(c)?;
            let t = ticket_where(&tx, "ciphertext_sha256 = ?1", &sha)?.ok_or_else(|| MetaError::Conflict("no ticket for this content".into()))?;
            if let Some(r) = t.receipt {
                return Ok(r);
            }
            let (idx, prev): (i64, Vec<u8>) = tx.query_row("SELECT idx, entry FROM log_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db)?;
            let prev = hash32(prev, "log head")?;
            let index = idx as u64 + 1;
            let receipt = sign(index, prev);
            let entry = sync::receipt::log_entry(&prev, &receipt);
            tx.execute("INSERT INTO receipt_log (idx, bundle_id, receipt, entry) VALUES (?1, ?2, ?3, ?4)", params![index as i64, t.bundle_id, receipt, &entry[..]]).map_err(db)?;
            tx.execute("UPDATE log_head SET idx = ?1, entry = ?2 WHERE id = 1", params![index as i64, &entry[..]]).map_err(db)?;
            tx.execute("UPDATE tickets SET state = 'received', receipt = ?2, received_at = ?3, upload_offset = ciphertext_len WHERE bundle_id = ?1", params![t.bundle_id, receipt, at]).map_err(db)?;
            tx.execute("INSERT INTO status_events (station, bundle_id, status, at) VALUES (?1, ?2, 'received', ?3)", params![t.station, t.bundle_id, at]).map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(receipt)
        })
        .await
    }

    async fn add_status(
        &self,
        bundle_id: &str,
        status: BundleStatus,
        reason: Option<&str>,
        at: i64,
    ) -> Result<Option<u64>, MetaError> {
        let (bundle_id, reason) = (bundle_id.to_string(), reason.map(str::to_string));
        self.with(move |c| {
            let tx = write(c)?;
            let station: Option<String> = tx.query_row("SELECT station FROM tickets WHERE bundle_id = ?1 AND state = 'received'", [&bundle_id], |r| r.get(0)).optional().map_err(db)?;
            let Some(station) = station else { return Ok(None) };
            tx.execute("INSERT INTO status_events (station, bundle_id, status, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)", params![station, bundle_id, status.as_str(), reason, at]).map_err(db)?;
            let cursor = tx.last_insert_rowid() as u64;
            tx.commit().map_err(db)?;
            Ok(Some(cursor))
        })
        .await
    }

    async fn status_after(
        &self,
        station: &str,
        after: u64,
        limit: u32,
    ) -> Result<Vec<StatusEvent>, MetaError> {
        let station = station.to_string();
        self.with(move |c| {
            let mut st = c.prepare("SELECT cursor, bundle_id, status, reason, at FROM status_events WHERE station = ?1 AND cursor > ?2 ORDER BY cursor LIMIT ?3").map_err(db)?;
            let rows = st.query_map(params![station, after as i64, limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))).map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (cursor, bundle_id, status, reason, at) = row.map_err(db)?;
                out.push(StatusEvent { cursor: cursor as u64, bundle_id, status: status_of(&status)?, reason, at });
            }
            Ok(out)
        })
        .await
    }

    async fn log(&self, from: u64, limit: u32) -> Result<Vec<LogRow>, MetaError> {
        self.with(move |c| {
            let mut st = c.prepare("SELECT idx, receipt, entry FROM receipt_log WHERE idx >= ?1 ORDER BY idx LIMIT ?2").map_err(db)?;
            let rows = st.query_map(params![from as i64, limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?))).map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (i, receipt, entry) = row.map_err(db)?;
                out.push((i as u64, receipt, hash32(entry, "log entry")?));
            }
            Ok(out)
        })
        .await
    }

    async fn version(&self) -> Result<u64, MetaError> {
        self.with(|c| {
            c.query_row("SELECT value FROM counters WHERE name = 'version'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|v| v as u64)
            .map_err(db)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry upgraded from before approvals and versioned revocations: its operators stay
    /// approved (an upgrade stops no station), an operator revoked then is refused whatever
    /// version a station names, and its stations are production stations.
    #[tokio::test]
    async fn an_upgrade_keeps_operators_approved_and_old_revocations_binding() {
        let dir = fixtures::tempdir("registry-migrate");
        let path = dir.join("registry.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute("INSERT INTO stations (id, ed25519, centre, onboarded_at) VALUES ('ST-1', zeroblob(32), 'C-1', 1)", []).unwrap();
            for (name, revoked) in [("clerk1", None), ("clerk2", Some(50))] {
                c.execute(
                    "INSERT INTO operators (station, username, role, ed25519, registered_at, revoked_at) VALUES ('ST-1', ?1, 'clerk', zeroblob(32), 10, ?2)",
                    params![name, revoked],
                )
                .unwrap();
            }
        }
        let meta = SqliteMeta::open(&path).unwrap();
        meta.migrate().await.unwrap();
        let ops = meta.operators("ST-1").await.unwrap();
        assert_eq!(
            ops.iter()
                .map(|o| (o.username.as_str(), o.approved_at, o.revoked_version))
                .collect::<Vec<_>>(),
            [("clerk1", Some(10), None), ("clerk2", None, Some(0))]
        );
        let st = meta.station("ST-1").await.unwrap().unwrap();
        assert_eq!(st.mode, sync::master::StationMode::Production);
    }
}
