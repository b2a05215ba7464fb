//! [`Meta`] on PostgreSQL (tokio-postgres with a deadpool pool): the production store, shared by
//! every registry instance. Decisions lock the rows they depend on (`FOR UPDATE` on the station
//! when a ticket is announced, on the log head when a bundle is received), so instances behind a
//! load balancer never give one sequence number or one log index twice. Commits are durable
//! with PostgreSQL's default `synchronous_commit = on`.

use deadpool_postgres::{Pool, Runtime};
use sync::Code;
use sync::status::{BundleStatus, StatusEvent};
use tokio_postgres::Row;

use super::*;

const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO counters VALUES ('version', 1);
    CREATE TABLE log_head (id INT PRIMARY KEY CHECK (id = 1), idx BIGINT NOT NULL, entry BYTEA NOT NULL);
    INSERT INTO log_head VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
    CREATE TABLE stations (
        id TEXT PRIMARY KEY,
        ed25519 BYTEA NOT NULL,
        centre TEXT NOT NULL,
        onboarded_at BIGINT NOT NULL,
        revoked_at BIGINT,
        last_sequence BIGINT NOT NULL DEFAULT 0,
        last_audit_sequence BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE operators (
        station TEXT NOT NULL REFERENCES stations(id),
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        ed25519 BYTEA NOT NULL,
        registered_at BIGINT NOT NULL,
        revoked_at BIGINT,
        PRIMARY KEY (station, username)
    );
    CREATE TABLE tokens (station TEXT NOT NULL, token BYTEA NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (station, token));
    CREATE INDEX tokens_expiry ON tokens(expires_at);
    CREATE TABLE tickets (
        bundle_id TEXT PRIMARY KEY,
        station TEXT NOT NULL REFERENCES stations(id),
        sequence BIGINT NOT NULL,
        ciphertext_sha256 BYTEA NOT NULL UNIQUE,
        ciphertext_len BIGINT NOT NULL,
        manifest_sha256 BYTEA NOT NULL,
        audit_sequence BIGINT NOT NULL,
        signed BYTEA NOT NULL,
        announced_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        upload_offset BIGINT NOT NULL DEFAULT 0,
        receipt BYTEA,
        refusal_code TEXT,
        refusal_detail TEXT,
        received_at BIGINT,
        UNIQUE (station, sequence)
    );
    CREATE TABLE receipt_log (idx BIGINT PRIMARY KEY, bundle_id TEXT NOT NULL UNIQUE REFERENCES tickets(bundle_id), receipt BYTEA NOT NULL, entry BYTEA NOT NULL);
    CREATE TABLE status_events (
        cursor BIGSERIAL PRIMARY KEY,
        station TEXT NOT NULL,
        bundle_id TEXT NOT NULL REFERENCES tickets(bundle_id),
        status TEXT NOT NULL,
        reason TEXT,
        at BIGINT NOT NULL
    );
    CREATE INDEX status_by_station ON status_events(station, cursor);
"#,
    r#"
    ALTER TABLE stations ADD COLUMN mode TEXT NOT NULL DEFAULT 'production';
    ALTER TABLE operators ADD COLUMN approved_at BIGINT;
    ALTER TABLE operators ADD COLUMN revoked_version BIGINT;
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
pub struct PgMeta {
    pool: Pool,
}

fn db(e: impl std::error::Error + 'static) -> MetaError {
    // tokio-postgres shows only "db error"; the server's own message says what.
    let any: &(dyn std::error::Error + 'static) = &e;
    if let Some(d) = any.downcast_ref::<tokio_postgres::Error>().and_then(|p| p.as_db_error()) {
        return MetaError::Db(format!("{}: {}", d.code().code(), d.message()));
    }
    // The causes too: "error performing TLS handshake" alone does not say that the server's
    // certificate is not trusted.
    let mut text = e.to_string();
    let mut cause = any.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    MetaError::Db(text)
}

const TICKET_COLUMNS: &str = "bundle_id, station, sequence, ciphertext_sha256, ciphertext_len, manifest_sha256, audit_sequence, signed, announced_at, state, upload_offset, receipt, refusal_code, refusal_detail";

fn ticket(r: &Row) -> Result<TicketRow, MetaError> {
    let code: Option<String> = r.get(12);
    Ok(TicketRow {
        bundle_id: r.get(0),
        station: r.get(1),
        sequence: r.get::<_, i64>(2) as u64,
        ciphertext_sha256: hash32(r.get(3), "ciphertext hash")?,
        ciphertext_len: r.get::<_, i64>(4) as u64,
        manifest_sha256: hash32(r.get(5), "manifest hash")?,
        audit_sequence: r.get::<_, i64>(6) as u64,
        signed: r.get(7),
        announced_at: r.get(8),
        state: TicketState::parse(r.get(9))?,
        offset: r.get::<_, i64>(10) as u64,
        receipt: r.get(11),
        refusal: code.map(|c| (code_of(&c), r.get::<_, Option<String>>(13).unwrap_or_default())),
    })
}

fn station(r: &Row) -> Result<StationRow, MetaError> {
    Ok(StationRow {
        id: r.get(0),
        ed25519: hash32(r.get(1), "station key")?,
        centre: r.get(2),
        onboarded_at: r.get(3),
        revoked_at: r.get(4),
        last_sequence: r.get::<_, i64>(5) as u64,
        last_audit_sequence: r.get::<_, i64>(6) as u64,
        mode: mode_of(r.get(7))?,
    })
}

const STATION_COLUMNS: &str =
    "id, ed25519, centre, onboarded_at, revoked_at, last_sequence, last_audit_sequence, mode";

/// The TLS the connections use when the URL says `sslmode=require`: rustls, the server's
/// certificate checked against `ca` (PEM certificates) or the system's roots, and its name
/// against the URL's host; a server without TLS is refused.
fn tls(
    ca: Option<&std::path::Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, MetaError> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| MetaError::Db(format!("{}: {e}", path.display())))?;
            for cert in certs {
                let cert = cert.map_err(|e| MetaError::Db(format!("{}: {e}", path.display())))?;
                roots.add(cert).map_err(|e| MetaError::Db(format!("{}: {e}", path.display())))?;
            }
            if roots.is_empty() {
                return Err(MetaError::Db(format!("{}: no certificate", path.display())));
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                // A system certificate rustls cannot use is left out, as rustls' own loader does.
                let _ = roots.add(cert);
            }
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| MetaError::Db(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl PgMeta {
    /// Connects a pool of `size` connections to `url` (`postgres://user@host/db`, with
    /// `?sslmode=require` for TLS), checking the server's certificate against `ca`.
    pub fn connect(
        url: &str,
        size: usize,
        ca: Option<&std::path::Path>,
    ) -> Result<PgMeta, MetaError> {
        let mut cfg = deadpool_postgres::Config::new();
        cfg.url = Some(url.to_string());
        cfg.pool = Some(deadpool_postgres::PoolConfig::new(size));
        let mode = url.parse::<tokio_postgres::Config>().map_err(db)?.get_ssl_mode();
        // TLS when the URL requires it, and then always with the certificate checked (stricter
        // than libpq's `require`, which checks nothing). Otherwise none: a TLS attempt that
        // checks no certificate would protect nothing and only look as if it did.
        let pool = if mode == tokio_postgres::config::SslMode::Require {
            cfg.create_pool(Some(Runtime::Tokio1), tls(ca)?).map_err(db)?
        } else {
            cfg.create_pool(Some(Runtime::Tokio1), tokio_postgres::NoTls).map_err(db)?
        };
        Ok(PgMeta { pool })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, MetaError> {
        self.pool.get().await.map_err(db)
    }
}

impl Meta for PgMeta {
    async fn migrate(&self) -> Result<(), MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        // One instance migrates at a time; the others wait here, then find nothing to do.
        tx.execute("SELECT pg_advisory_xact_lock(7020261)", &[]).await.map_err(db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)")
            .await
            .map_err(db)?;
        let have: i32 = if let Some(r) =
            tx.query_opt("SELECT version FROM schema_version", &[]).await.map_err(db)?
        {
            r.get(0)
        } else {
            tx.execute("INSERT INTO schema_version VALUES (0)", &[]).await.map_err(db)?;
            0
        };
        if have as usize > MIGRATIONS.len() {
            return Err(MetaError::Conflict(format!(
                "the database is from a newer registry (schema {have}, this build knows {})",
                MIGRATIONS.len()
            )));
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(have as usize) {
            tx.batch_execute(m).await.map_err(db)?;
            tx.execute("UPDATE schema_version SET version = $1", &[&((i + 1) as i32)])
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn add_station(&self, row: StationRow) -> Result<bool, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        let n = tx
            .execute("INSERT INTO stations (id, ed25519, centre, onboarded_at, mode) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING", &[&row.id, &row.ed25519.as_slice(), &row.centre, &row.onboarded_at, &row.mode.as_str()])
            .await
            .map_err(db)?;
        if n == 0 {
            let r = tx
                .query_one("SELECT ed25519 FROM stations WHERE id = $1", &[&row.id])
                .await
                .map_err(db)?;
            let key: Vec<u8> = r.get(0);
            return if key == row.ed25519 {
                Ok(false)
            } else {
                Err(MetaError::Conflict(format!(
                    "station {} is onboarded with another key",
                    row.id
                )))
            };
        }
        tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", &[])
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn revoke_station(&self, id: &str, at: i64) -> Result<bool, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        let n = tx
            .execute(
                "UPDATE stations SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id, &at],
            )
            .await
            .map_err(db)?;
        tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", &[])
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(n == 1)
    }

    async fn station(&self, id: &str) -> Result<Option<StationRow>, MetaError> {
        let c = self.client().await?;
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE id = $1");
        c.query_opt(&sql, &[&id]).await.map_err(db)?.map(|r| station(&r)).transpose()
    }

    async fn revoked_stations(&self) -> Result<Vec<String>, MetaError> {
        let c = self.client().await?;
        Ok(c.query("SELECT id FROM stations WHERE revoked_at IS NOT NULL ORDER BY id", &[])
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    async fn register_operator(&self, row: OperatorRow) -> Result<Registered, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        let n = tx
            .execute(
                "INSERT INTO operators (station, username, role, ed25519, registered_at, approved_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (station, username) DO NOTHING",
                &[&row.station, &row.username, &row.role, &row.ed25519.as_slice(), &row.registered_at, &row.approved_at],
            )
            .await
            .map_err(db)?;
        let out = if n == 1 {
            tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", &[])
                .await
                .map_err(db)?;
            Registered::New
        } else {
            let r = tx
                .query_one(
                    "SELECT ed25519 FROM operators WHERE station = $1 AND username = $2",
                    &[&row.station, &row.username],
                )
                .await
                .map_err(db)?;
            if r.get::<_, Vec<u8>>(0) == row.ed25519 {
                Registered::Same
            } else {
                Registered::KeyChanged
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(out)
    }

    async fn revoke_operator(
        &self,
        station: &str,
        username: &str,
        at: i64,
    ) -> Result<bool, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", &[])
            .await
            .map_err(db)?;
        // The version the station will first hear of it in.
        let n = tx.execute("UPDATE operators SET revoked_at = $3, revoked_version = (SELECT value FROM counters WHERE name = 'version') WHERE station = $1 AND username = $2 AND revoked_at IS NULL", &[&station, &username, &at]).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(n == 1)
    }

    async fn operators(&self, station: &str) -> Result<Vec<OperatorRow>, MetaError> {
        let c = self.client().await?;
        let rows = c.query("SELECT station, username, role, ed25519, registered_at, revoked_at, revoked_version, approved_at FROM operators WHERE station = $1 ORDER BY username", &[&station]).await.map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(OperatorRow {
                    station: r.get(0),
                    username: r.get(1),
                    role: r.get(2),
                    ed25519: hash32(r.get(3), "operator key")?,
                    registered_at: r.get(4),
                    revoked_at: r.get(5),
                    revoked_version: r.get::<_, Option<i64>>(6).map(|v| v as u64),
                    approved_at: r.get(7),
                })
            })
            .collect()
    }

    async fn approve_operator(
        &self,
        station: &str,
        username: &str,
        ed25519: &[u8; 32],
        at: i64,
    ) -> Result<bool, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        let known = tx
            .query_opt(
                "SELECT approved_at FROM operators WHERE station = $1 AND username = $2 AND ed25519 = $3 FOR UPDATE",
                &[&station, &username, &ed25519.as_slice()],
            )
            .await
            .map_err(db)?;
        let out = match known.map(|r| r.get::<_, Option<i64>>(0)) {
            None => false,
            Some(Some(_)) => true,
            Some(None) => {
                tx.execute(
                    "UPDATE operators SET approved_at = $3 WHERE station = $1 AND username = $2",
                    &[&station, &username, &at],
                )
                .await
                .map_err(db)?;
                tx.execute("UPDATE counters SET value = value + 1 WHERE name = 'version'", &[])
                    .await
                    .map_err(db)?;
                true
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(out)
    }

    async fn use_token(
        &self,
        station: &str,
        token_id: &[u8],
        expires_at: i64,
        now: i64,
    ) -> Result<bool, MetaError> {
        let c = self.client().await?;
        c.execute("DELETE FROM tokens WHERE expires_at < $1", &[&now]).await.map_err(db)?;
        let n = c.execute("INSERT INTO tokens (station, token, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &[&station, &token_id, &expires_at]).await.map_err(db)?;
        Ok(n == 1)
    }

    async fn announce(&self, row: TicketRow, max_open: u64) -> Result<Announced, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE id = $1 FOR UPDATE");
        let Some(st) = tx.query_opt(&sql, &[&row.station]).await.map_err(db)? else {
            return Ok(Announced::Refused(
                Code::UnknownStation,
                format!("no station {}", row.station),
            ));
        };
        let st = station(&st)?;
        let by_id = tx
            .query_opt(
                &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE bundle_id = $1"),
                &[&row.bundle_id],
            )
            .await
            .map_err(db)?
            .map(|r| ticket(&r))
            .transpose()?;
        let by_hash = tx
            .query_opt(
                &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE ciphertext_sha256 = $1"),
                &[&row.ciphertext_sha256.as_slice()],
            )
            .await
            .map_err(db)?
            .map(|r| ticket(&r))
            .transpose()?;
        let open: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM tickets WHERE station = $1 AND state = 'announced'",
                &[&row.station],
            )
            .await
            .map_err(db)?
            .get(0);
        let limit = (open as u64, max_open);
        match announce_refusal(&st, &row, by_id.as_ref(), by_hash.as_ref(), limit) {
            Err((code, detail)) => return Ok(Announced::Refused(code, detail)),
            Ok(Some(known)) => return Ok(Announced::Known(known)),
            Ok(None) => {}
        }
        tx.execute(
            "INSERT INTO tickets (bundle_id, station, sequence, ciphertext_sha256, ciphertext_len, manifest_sha256, audit_sequence, signed, announced_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'announced')",
            &[&row.bundle_id, &row.station, &(row.sequence as i64), &row.ciphertext_sha256.as_slice(), &(row.ciphertext_len as i64), &row.manifest_sha256.as_slice(), &(row.audit_sequence as i64), &row.signed, &row.announced_at],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "UPDATE stations SET last_sequence = $2, last_audit_sequence = $3 WHERE id = $1",
            &[&row.station, &(row.sequence as i64), &(row.audit_sequence as i64)],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Announced::New(TicketRow {
            state: TicketState::Announced,
            offset: 0,
            receipt: None,
            refusal: None,
            ..row
        }))
    }

    async fn ticket_by_id(&self, bundle_id: &str) -> Result<Option<TicketRow>, MetaError> {
        let c = self.client().await?;
        c.query_opt(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE bundle_id = $1"),
            &[&bundle_id],
        )
        .await
        .map_err(db)?
        .map(|r| ticket(&r))
        .transpose()
    }

    async fn ticket_by_hash(&self, sha256: &[u8; 32]) -> Result<Option<TicketRow>, MetaError> {
        let c = self.client().await?;
        c.query_opt(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE ciphertext_sha256 = $1"),
            &[&sha256.as_slice()],
        )
        .await
        .map_err(db)?
        .map(|r| ticket(&r))
        .transpose()
    }

    async fn set_offset(&self, sha256: &[u8; 32], from: u64, to: u64) -> Result<bool, MetaError> {
        let c = self.client().await?;
        let n = c
            .execute("UPDATE tickets SET upload_offset = $3 WHERE ciphertext_sha256 = $1 AND upload_offset = $2 AND state = 'announced'", &[&sha256.as_slice(), &(from as i64), &(to as i64)])
            .await
            .map_err(db)?;
        Ok(n == 1)
    }

    async fn refuse(&self, sha256: &[u8; 32], code: Code, detail: &str) -> Result<(), MetaError> {
        let c = self.client().await?;
        c.execute(
            "UPDATE tickets SET state = 'refused', upload_offset = 0, refusal_code = $2, refusal_detail = $3 WHERE ciphertext_sha256 = $1 AND state = 'announced'",
            &[&sha256.as_slice(), &code.as_str(), &detail],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn receive(
        &self,
        sha256: &[u8; 32],
        at: i64,
        sign: ReceiptSigner,
    ) -> Result<Vec<u8>, MetaError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        // The log head's lock orders every receipt of every instance.
        let head = tx
            .query_one("SELECT idx, entry FROM log_head WHERE id = 1 FOR UPDATE", &[])
            .await
            .map_err(db)?;
        let t = tx
            .query_opt(
                &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE ciphertext_sha256 = $1"),
                &[&sha256.as_slice()],
            )
            .await
            .map_err(db)?
            .map(|r| ticket(&r))
            .transpose()?
            .ok_or_else(|| MetaError::Conflict("no ticket for this content".into()))?;
        if let Some(r) = t.receipt {
            return Ok(r);
        }
        let prev = hash32(head.get(1), "log head")?;
        let index = head.get::<_, i64>(0) as u64 + 1;
        let receipt = sign(index, prev);
        let entry = sync::receipt::log_entry(&prev, &receipt);
        tx.execute(
            "INSERT INTO receipt_log (idx, bundle_id, receipt, entry) VALUES ($1, $2, $3, $4)",
            &[&(index as i64), &t.bundle_id, &receipt, &entry.as_slice()],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "UPDATE log_head SET idx = $1, entry = $2 WHERE id = 1",
            &[&(index as i64), &entry.as_slice()],
        )
        .await
        .map_err(db)?;
        tx.execute("UPDATE tickets SET state = 'received', receipt = $2, received_at = $3, upload_offset = ciphertext_len WHERE bundle_id = $1", &[&t.bundle_id, &receipt, &at]).await.map_err(db)?;
        tx.execute("INSERT INTO status_events (station, bundle_id, status, at) VALUES ($1, $2, 'received', $3)", &[&t.station, &t.bundle_id, &at]).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(receipt)
    }

    async fn add_status(
        &self,
        bundle_id: &str,
        status: BundleStatus,
        reason: Option<&str>,
        at: i64,
    ) -> Result<Option<u64>, MetaError> {
        let c = self.client().await?;
        let r = c
            .query_opt(
                "INSERT INTO status_events (station, bundle_id, status, reason, at) SELECT station, bundle_id, $2, $3, $4 FROM tickets WHERE bundle_id = $1 AND state = 'received' RETURNING cursor",
                &[&bundle_id, &status.as_str(), &reason, &at],
            )
            .await
            .map_err(db)?;
        Ok(r.map(|r| r.get::<_, i64>(0) as u64))
    }

    async fn status_after(
        &self,
        station: &str,
        after: u64,
        limit: u32,
    ) -> Result<Vec<StatusEvent>, MetaError> {
        let c = self.client().await?;
        let rows = c
            .query("SELECT cursor, bundle_id, status, reason, at FROM status_events WHERE station = $1 AND cursor > $2 ORDER BY cursor LIMIT $3", &[&station, &(after as i64), &i64::from(limit)])
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(StatusEvent {
                    cursor: r.get::<_, i64>(0) as u64,
                    bundle_id: r.get(1),
                    status: status_of(r.get(2))?,
                    reason: r.get(3),
                    at: r.get(4),
                })
            })
            .collect()
    }

    async fn log(&self, from: u64, limit: u32) -> Result<Vec<LogRow>, MetaError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT idx, receipt, entry FROM receipt_log WHERE idx >= $1 ORDER BY idx LIMIT $2",
                &[&(from as i64), &i64::from(limit)],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.get::<_, i64>(0) as u64, r.get(1), hash32(r.get(2), "log entry")?)))
            .collect()
    }

    async fn version(&self) -> Result<u64, MetaError> {
        let c = self.client().await?;
        Ok(c.query_one("SELECT value FROM counters WHERE name = 'version'", &[])
            .await
            .map_err(db)?
            .get::<_, i64>(0) as u64)
    }
}
