//! The station's side of sync, in its store: which sealed bundles still wait, their signed
//! tickets, receipts (verified, stored, and only then the bundle's bytes erased), refusals, the
//! registry's later decisions, the registry's master data applied, operators registered.
//! Each operation is one transaction with its audit entry.

use rusqlite::{OptionalExtension, params};
use schemas::manifest::{AuditHead, Bytes32};
use sync::master::{KeyInfo, MasterData};
use sync::receipt::Receipt;
use sync::status::StatusEvent;
use sync::ticket::Ticket;

use station_core::operators::{Role, Session};
use station_core::station::{CoreError, Mode, Station};
use station_core::store::{StoreError, audit_append, audit_head, set_meta};

/// What signing the station's requests needs: its id and key (open while an operator is logged
/// in: the key is sealed under the station's data key).
#[derive(Clone)]
pub struct SyncIdentity {
    pub station_id: String,
    pub key: schemas::SigningKey,
}

impl std::fmt::Debug for SyncIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SyncIdentity({})", self.station_id)
    }
}

/// A sealed bundle waiting to be sent.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub ticket: Ticket,
    pub bundle: Vec<u8>,
    /// Who captured and who decided: the registry accepts the bundle only once it has approved
    /// both.
    pub clerk: String,
    pub supervisor: String,
}

/// One outbox line as the supervisor sees it after sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistryView {
    pub bundle_id: String,
    pub sequence: u64,
    pub synced_at: Option<i64>,
    /// A refusal of the registry: code and detail.
    pub refusal: Option<(String, String)>,
    /// Refused for good and set aside (kept, never erased, no longer holding up the others).
    pub set_aside_at: Option<i64>,
    /// The registry's later decision and its reason.
    pub status: Option<(String, Option<String>)>,
}

/// An operator the registry has not been told about yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unregistered {
    pub username: String,
    pub role: Role,
    pub ed25519: String,
}

fn hash32(v: Vec<u8>, what: &'static str) -> Result<[u8; 32], CoreError> {
    v.try_into().map_err(|_| StoreError::Corrupt(what).into())
}

/// Sets the registry's address and root key as `actor`, in one audited transaction.
fn set_registry_as(
    station: &mut Station,
    actor: &str,
    url: &str,
    root_key_hex: &str,
    now_ms: i64,
) -> Result<(), CoreError> {
    let url = url.trim();
    if !url.is_empty() {
        crate::address_allowed(station.mode, url).map_err(CoreError::Config)?;
    }
    schemas::keys::parse_public_key(root_key_hex).map_err(|e| CoreError::Config(e.to_string()))?;
    let mut config = station.config.clone();
    config.registry_url = url.trim_end_matches('/').to_string();
    let tx = station.store.conn.transaction()?;
    set_meta(&tx, "registry_root_key", root_key_hex.trim().as_bytes())?;
    set_meta(&tx, "config", &serde_json::to_vec(&config).expect("json"))?;
    audit_append(&tx, now_ms, actor, "registry:set", None)?;
    tx.commit()?;
    station.config = config;
    Ok(())
}

/// The sync state a station keeps in its store: its identity towards the registry, the
/// registry's keys and master data, the bundles waiting and their receipts, refusals and later
/// decisions. Implemented for [`Station`] (whose store holds it); bring it into scope to use it.
pub trait SyncState {
    /// The station's id and key for signing sync requests, opened with `session`'s data key.
    fn sync_identity(&self, session: &Session) -> Result<SyncIdentity, CoreError>;
    /// Points the station at its registry: its address (empty: the embedded demo registry) and
    /// the public root key its master data must be signed with (administrators only).
    fn set_registry(
        &mut self,
        admin: &Session,
        url: &str,
        root_key_hex: &str,
        now_ms: i64,
    ) -> Result<(), CoreError>;
    /// The registry's root key, if the station was given one.
    fn registry_root_key(&self) -> Result<Option<schemas::VerifyingKey>, CoreError>;
    /// The registry's receipt keys from the last master data.
    fn receipt_keys(&self) -> Result<Vec<KeyInfo>, CoreError>;
    /// Sealed bundles not yet receipted nor set aside, in sequence order, each with its ticket signed by
    /// `id`; at most `limit`, and stopping before a number that is not there yet (sequence
    /// numbers must reach the registry without gaps).
    fn waiting(&self, id: &SyncIdentity, limit: usize) -> Result<Vec<Waiting>, CoreError>;
    /// How many sealed bundles wait (not receipted, not set aside), without reading them.
    fn count_waiting(&self) -> Result<u32, CoreError>;
    /// Verifies a receipt for a waiting bundle against its ticket and the registry's receipt
    /// keys, stores it, and erases the bundle's bytes, in one transaction.
    fn store_receipt(
        &mut self,
        ticket: &Ticket,
        receipt: &[u8],
        now_ms: i64,
    ) -> Result<Receipt, CoreError>;
    /// Records the registry's refusal of a bundle (shown to the supervisor; the bundle stays).
    fn record_refusal(
        &mut self,
        bundle_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), CoreError>;
    /// Sets a bundle the registry refused for good aside: kept (never erased), counted apart,
    /// shown with the registry's reason, and no longer holding up the bundles after it.
    fn set_aside(
        &mut self,
        bundle_id: &str,
        code: &str,
        detail: &str,
        now_ms: i64,
    ) -> Result<(), CoreError>;
    /// Operators the registry has not approved yet (their bundles wait at the station).
    fn unapproved_operators(&self) -> Result<Vec<String>, CoreError>;
    /// Records how far the station's clock is behind the registry's signed time (ms).
    fn record_clock_offset(&mut self, offset_ms: i64, now_ms: i64) -> Result<(), CoreError>;
    /// Operators the registry has not been told about.
    fn unregistered_operators(&self) -> Result<Vec<Unregistered>, CoreError>;
    /// Records that the registry now knows operator `username`.
    fn mark_registered(&mut self, username: &str, now_ms: i64) -> Result<(), CoreError>;
    /// Applies master data the registry signed (the caller verified it with the root key):
    /// receipt keys, the recipient in force, revoked operators locked, a revoked station barred,
    /// the capture settings the registry sets, and the registry's word on the time.
    fn apply_master_data(&mut self, m: &MasterData, now_ms: i64) -> Result<(), CoreError>;
    /// Where the status feed was read up to.
    fn status_cursor(&self) -> Result<u64, CoreError>;
    /// Records the registry's later decisions and moves the cursor past them.
    fn apply_status(&mut self, events: &[StatusEvent]) -> Result<(), CoreError>;
    /// What the registry said about each sealed bundle.
    fn registry_view(&self) -> Result<Vec<RegistryView>, CoreError>;
}

impl SyncState for Station {
    fn sync_identity(&self, session: &Session) -> Result<SyncIdentity, CoreError> {
        Ok(SyncIdentity {
            station_id: self.station_id.clone(),
            key: self.station_signing_key(session)?,
        })
    }

    fn set_registry(
        &mut self,
        admin: &Session,
        url: &str,
        root_key_hex: &str,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        admin.require(Role::Admin)?;
        set_registry_as(self, &admin.username, url, root_key_hex, now_ms)
    }

    fn registry_root_key(&self) -> Result<Option<schemas::VerifyingKey>, CoreError> {
        match self.store.meta("registry_root_key")? {
            None => Ok(None),
            Some(v) => {
                let text =
                    String::from_utf8(v).map_err(|_| StoreError::Corrupt("registry_root_key"))?;
                Ok(Some(
                    schemas::keys::parse_public_key(&text)
                        .map_err(|e| CoreError::Config(e.to_string()))?,
                ))
            }
        }
    }

    fn receipt_keys(&self) -> Result<Vec<KeyInfo>, CoreError> {
        match self.store.meta("receipt_keys")? {
            None => Ok(Vec::new()),
            Some(v) => {
                serde_json::from_slice(&v).map_err(|_| StoreError::Corrupt("receipt_keys").into())
            }
        }
    }

    fn waiting(&self, id: &SyncIdentity, limit: usize) -> Result<Vec<Waiting>, CoreError> {
        let mut stmt = self.store.conn.prepare("SELECT o.bundle_id, o.sequence, o.bundle, o.ciphertext_sha256, o.manifest_sha256, o.decision, o.sealed_at, e.operator FROM outbox o JOIN enrollments e ON e.id = o.bundle_id WHERE o.receipt IS NULL AND o.set_aside_at IS NULL ORDER BY o.sequence")?;
        type Row = (String, i64, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, i64, String);
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let unsealed_before: Option<i64> = self.store.conn.query_row(
            "SELECT min(sequence) FROM enrollments WHERE stage = 'awaiting_approval'",
            [],
            |r| r.get(0),
        )?;
        // Every ticket names the audit chain as it stands now: the registry sees the chain only
        // grow from one announcement to the next.
        let head = audit_head(&self.store.conn)?;
        let audit = AuditHead { sequence: head.sequence, head: Bytes32::new(head.hash) };
        // Every number sealed so far: between two waiting bundles, the ones receipted or set
        // aside are accounted for (the registry has them); one missing is not sealed yet.
        let sealed: std::collections::HashSet<i64> = self
            .store
            .conn
            .prepare("SELECT sequence FROM outbox")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        let mut previous: Option<i64> = None;
        for (bundle_id, sequence, bundle, sha, manifest, decision, sealed_at, clerk) in rows {
            if out.len() >= limit
                || unsealed_before.is_some_and(|u| u < sequence)
                || previous.is_some_and(|p| !(p + 1..sequence).all(|n| sealed.contains(&n)))
            {
                break;
            }
            previous = Some(sequence);
            let supervisor = schemas::decision::read_unverified(&decision)
                .map_err(|_| StoreError::Corrupt("outbox decision"))?
                .supervisor_id;
            let ticket = Ticket {
                bundle_id,
                station_id: id.station_id.clone(),
                station_sequence: sequence as u64,
                ciphertext_sha256: Bytes32::new(hash32(sha, "outbox ciphertext hash")?),
                ciphertext_len: bundle.len() as u64,
                manifest_sha256: Bytes32::new(hash32(manifest, "outbox manifest hash")?),
                decision,
                audit: audit.clone(),
                sealed_at,
            };
            out.push(Waiting { ticket, bundle, clerk, supervisor });
        }
        Ok(out)
    }

    fn count_waiting(&self) -> Result<u32, CoreError> {
        Ok(self.store.conn.query_row(
            "SELECT count(*) FROM outbox WHERE receipt IS NULL AND set_aside_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    fn store_receipt(
        &mut self,
        ticket: &Ticket,
        receipt: &[u8],
        now_ms: i64,
    ) -> Result<Receipt, CoreError> {
        let keys = self.receipt_keys()?;
        let r = Receipt::open(receipt, &keys).map_err(|e| {
            CoreError::Config(format!("the registry's receipt does not verify: {e}"))
        })?;
        r.check_for(ticket).map_err(|e| CoreError::Config(e.to_string()))?;
        let tx = self.store.conn.transaction()?;
        let n = tx.execute(
            "UPDATE outbox SET receipt = ?2, synced_at = ?3, bundle = X'', refusal_code = NULL, refusal_detail = NULL WHERE bundle_id = ?1 AND ciphertext_sha256 = ?4 AND receipt IS NULL",
            params![ticket.bundle_id, receipt, now_ms, &ticket.ciphertext_sha256[..]],
        )?;
        if n == 1 {
            audit_append(&tx, now_ms, "sync", "sync:receipt", Some(&ticket.bundle_id))?;
        }
        tx.commit()?;
        Ok(r)
    }

    fn record_refusal(
        &mut self,
        bundle_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), CoreError> {
        self.store.conn.execute("UPDATE outbox SET refusal_code = ?2, refusal_detail = ?3 WHERE bundle_id = ?1 AND receipt IS NULL", params![bundle_id, code, detail])?;
        Ok(())
    }

    fn set_aside(
        &mut self,
        bundle_id: &str,
        code: &str,
        detail: &str,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        let tx = self.store.conn.transaction()?;
        let n = tx.execute("UPDATE outbox SET refusal_code = ?2, refusal_detail = ?3, set_aside_at = ?4 WHERE bundle_id = ?1 AND receipt IS NULL AND set_aside_at IS NULL", params![bundle_id, code, detail, now_ms])?;
        if n == 1 {
            audit_append(&tx, now_ms, "sync", &format!("sync:set-aside:{code}"), Some(bundle_id))?;
        }
        tx.commit()?;
        Ok(())
    }

    fn unapproved_operators(&self) -> Result<Vec<String>, CoreError> {
        let mut stmt = self.store.conn.prepare(
            "SELECT username FROM operators WHERE approved_by_registry = 0 ORDER BY username",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn record_clock_offset(&mut self, offset_ms: i64, now_ms: i64) -> Result<(), CoreError> {
        let tx = self.store.conn.transaction()?;
        let old: Option<i64> = tx
            .query_row("SELECT value FROM meta WHERE key = 'clock_offset_ms'", [], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .optional()?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok());
        set_meta(&tx, "clock_offset_ms", offset_ms.to_string().as_bytes())?;
        // The registry's signed time vouches for the clock now: what the clock read before
        // (a fast clock since corrected) no longer counts against it.
        set_meta(&tx, "clock_high_water", now_ms.to_string().as_bytes())?;
        let limit = i64::from(self.config.max_clock_offset_s) * 1000;
        let was_off = old.is_some_and(|o| o.abs() > limit);
        if (offset_ms.abs() > limit) != was_off {
            let what = if was_off { "clock:right-again" } else { "clock:off" };
            audit_append(&tx, now_ms, "sync", &format!("{what}:{}s", offset_ms / 1000), None)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn unregistered_operators(&self) -> Result<Vec<Unregistered>, CoreError> {
        let mut stmt = self.store.conn.prepare("SELECT username, role, public_key FROM operators WHERE registered_at IS NULL ORDER BY username")?;
        let rows: Vec<(String, String, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(username, role, key)| {
                Ok(Unregistered {
                    username,
                    role: Role::parse(&role).ok_or(StoreError::Corrupt("operator role"))?,
                    ed25519: hex::encode(key),
                })
            })
            .collect()
    }

    fn mark_registered(&mut self, username: &str, now_ms: i64) -> Result<(), CoreError> {
        self.store.conn.execute(
            "UPDATE operators SET registered_at = ?2 WHERE username = ?1",
            params![username, now_ms],
        )?;
        Ok(())
    }

    fn apply_master_data(&mut self, m: &MasterData, now_ms: i64) -> Result<(), CoreError> {
        if m.station.id != self.station_id {
            return Err(CoreError::Config(format!(
                "master data for station {}, this is {}",
                m.station.id, self.station_id
            )));
        }
        let have = self.master_version()?;
        let vouched: Option<i64> = self
            .store
            .meta("registry_vouched_at")?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok());
        // Versions only move forward: an older copy (replayed online or from a stick) would
        // un-revoke, reset the offline limit, roll back keys.
        if m.version < have || (m.version == have && vouched.is_some_and(|v| m.issued_at < v)) {
            return Err(CoreError::StaleMasterData { have, got: m.version });
        }
        if m.version == have && vouched == Some(m.issued_at) {
            // The very copy already applied: nothing new, and no new contact.
            return Ok(());
        }
        let mode = Mode::parse(m.station.mode.as_str()).unwrap_or(Mode::Production);
        let mut config = self.config.clone();
        let s = &m.settings;
        let c = &mut config.capture;
        for (v, field) in [
            (s.finger_threshold, &mut c.finger_threshold),
            (s.thumb_threshold, &mut c.thumb_threshold),
            (s.iris_threshold, &mut c.iris_threshold),
            (s.face_threshold, &mut c.face_threshold),
            (s.max_retries, &mut c.max_retries),
        ] {
            if let Some(v) = v {
                *field = v;
            }
        }
        let tx = self.store.conn.transaction()?;
        set_meta(&tx, "receipt_keys", &serde_json::to_vec(&m.receipt_keys).expect("json"))?;
        set_meta(&tx, "master_version", m.version.to_string().as_bytes())?;
        set_meta(&tx, "registry_vouched_at", m.issued_at.to_string().as_bytes())?;
        set_meta(&tx, "last_registry_contact", now_ms.to_string().as_bytes())?;
        set_meta(&tx, "station_revoked", if m.station.revoked { b"1" } else { b"0" })?;
        if let Some(centre) = &m.centre {
            set_meta(&tx, "centre_info", &serde_json::to_vec(centre).expect("json"))?;
        }
        if let Some(r) = m.recipient_at(m.issued_at) {
            schemas::keys::parse_recipient(r)
                .map_err(|e| CoreError::Config(format!("master data: {e}")))?;
            let old: Option<Vec<u8>> = tx
                .query_row("SELECT value FROM meta WHERE key = 'registry_recipient'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if old.as_deref() != Some(r.as_bytes()) {
                set_meta(&tx, "registry_recipient", r.as_bytes())?;
                audit_append(&tx, now_ms, "sync", "registry:recipient", None)?;
            }
        }
        if mode != self.mode {
            set_meta(&tx, "mode", mode.as_str().as_bytes())?;
            audit_append(&tx, now_ms, "sync", &format!("station:mode:{}", mode.as_str()), None)?;
        }
        for o in &m.operators {
            // Approval names the key: a station operator re-created under the same name with
            // another key is not approved by it.
            tx.execute(
                "UPDATE operators SET approved_by_registry = ?2 WHERE username = ?1 AND public_key = ?3",
                params![o.username, o.approved && !o.revoked, &o.ed25519[..]],
            )?;
        }
        for o in m.operators.iter().filter(|o| o.revoked) {
            let n = tx.execute(
                "UPDATE operators SET locked = 1, revoked_by_registry = 1 WHERE username = ?1 AND revoked_by_registry = 0",
                [&o.username],
            )?;
            if n == 1 {
                audit_append(
                    &tx,
                    now_ms,
                    "sync",
                    &format!("operator:revoked-by-registry:{}", o.username),
                    None,
                )?;
            }
        }
        if config != self.config {
            set_meta(&tx, "config", &serde_json::to_vec(&config).expect("json"))?;
            audit_append(&tx, now_ms, "sync", "config:from-registry", None)?;
        }
        tx.commit()?;
        self.config = config;
        self.mode = mode;
        Ok(())
    }

    fn status_cursor(&self) -> Result<u64, CoreError> {
        Ok(self
            .store
            .meta("status_cursor")?
            .and_then(|v| String::from_utf8(v).ok()?.parse().ok())
            .unwrap_or(0))
    }

    fn apply_status(&mut self, events: &[StatusEvent]) -> Result<(), CoreError> {
        let Some(last) = events.last() else { return Ok(()) };
        let tx = self.store.conn.transaction()?;
        for e in events {
            tx.execute(
                "UPDATE outbox SET registry_status = ?2, registry_reason = ?3, registry_status_at = ?4 WHERE bundle_id = ?1",
                params![e.bundle_id, e.status.as_str(), e.reason, e.at],
            )?;
        }
        set_meta(&tx, "status_cursor", last.cursor.to_string().as_bytes())?;
        tx.commit()?;
        Ok(())
    }

    fn registry_view(&self) -> Result<Vec<RegistryView>, CoreError> {
        let mut stmt = self.store.conn.prepare("SELECT bundle_id, sequence, synced_at, refusal_code, refusal_detail, registry_status, registry_reason, set_aside_at FROM outbox ORDER BY sequence")?;
        let rows = stmt.query_map([], |r| {
            let code: Option<String> = r.get(3)?;
            let status: Option<String> = r.get(5)?;
            Ok(RegistryView {
                bundle_id: r.get(0)?,
                sequence: r.get::<_, i64>(1)? as u64,
                synced_at: r.get(2)?,
                refusal: code
                    .map(|c| (c, r.get::<_, Option<String>>(4).ok().flatten().unwrap_or_default())),
                status: status.map(|s| (s, r.get::<_, Option<String>>(6).ok().flatten())),
                set_aside_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
