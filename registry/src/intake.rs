//! The intake's logic, apart from HTTP: authenticating stations, announcing tickets, receiving
//! uploads, verifying bundles, issuing receipts, serving master data and the status feed, and
//! the administrators' operations. The HTTP handlers ([`crate::http`]) and the import of
//! removable media ([`crate::media::import`]) both call these.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use schemas::bundle::{self, Trust};
use schemas::manifest::{Bytes32, SignerRole};
use sync::Code;
use sync::api::{
    Action, AnnounceRequest, AnnounceResponse, Answer, LogEntry, NewStation, NewStatus,
    OperatorApproval, OperatorRegistration, b64, unb64,
};
use sync::master::{Centre, MasterData, OperatorInfo, Settings, StationInfo, StationMode};
use sync::receipt::Receipt;
use sync::status::StatusPage;
use sync::ticket::Ticket;
use sync::token::{self, RequestLine};

use crate::config::{Keys, Limits};
use crate::error::ApiError;
use crate::meta::{Announced, Meta, OperatorRow, Registered, StationRow, TicketRow, TicketState};
use crate::objects::Objects;

/// Parts of an upload cut off mid-way are kept in whole blocks of this size.
pub const BLOCK: usize = 64 * 1024;

/// An upload holds at most about this much in memory: each time this much has arrived, it is
/// written to the object store as a part (whole blocks), and only the completing request
/// gathers the bundle whole.
pub const PART: usize = 4 * BLOCK;

/// Milliseconds since the epoch.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
}

pub struct Intake<M: Meta> {
    pub meta: M,
    pub objects: Objects,
    pub keys: Keys,
    pub limits: Limits,
    pub centres: Vec<Centre>,
    pub settings: Settings,
    pub clock: Clock,
    pub gates: Gates,
    pub metrics: crate::monitor::Metrics,
}

/// What this process holds at once, within [`Limits`]: uploads running per station, bundles
/// being verified.
pub struct Gates {
    uploads: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    verifying: tokio::sync::Semaphore,
}

impl Gates {
    pub fn new(limits: &Limits) -> Gates {
        Gates {
            uploads: std::sync::Mutex::default(),
            verifying: tokio::sync::Semaphore::new(limits.verifications as usize),
        }
    }

    fn uploads(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, u32>> {
        self.uploads.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A place for one more upload of `station`, or `busy` when it has `max` running.
    fn upload_slot(&self, station: &str, max: u32) -> Result<UploadSlot<'_>, ApiError> {
        let mut running = self.uploads();
        let n = running.entry(station.to_string()).or_insert(0);
        if *n >= max {
            return Err(bad(
                Code::Busy,
                format!("this station already sends {max} uploads at once; send one at a time"),
            ));
        }
        *n += 1;
        Ok(UploadSlot { gates: self, station: station.to_string() })
    }
}

/// One running upload of a station; its place is given back when dropped.
struct UploadSlot<'a> {
    gates: &'a Gates,
    station: String,
}

impl Drop for UploadSlot<'_> {
    fn drop(&mut self) {
        let mut running = self.gates.uploads();
        if let Some(n) = running.get_mut(&self.station) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                running.remove(&self.station);
            }
        }
    }
}

/// How an upload request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// More is needed from this offset.
    Partial { offset: u64 },
    /// Complete, verified, stored: the receipt.
    Done { receipt: Vec<u8> },
}

fn bad(code: Code, detail: impl Into<String>) -> ApiError {
    ApiError::new(code, detail)
}

use sync::plain_id;

/// A UUID in its lower-case hyphenated form (a bundle id).
fn bundle_id_ok(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_digit() || ('a'..='f').contains(&c)
            }
        })
}

/// Free text a person wrote (a centre's name, a reason): no control characters, not too long.
fn plain_text(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(char::is_control)
}

fn key_of(bytes: &[u8; 32], what: &str) -> Result<schemas::VerifyingKey, ApiError> {
    schemas::VerifyingKey::from_bytes(bytes)
        .map_err(|e| bad(Code::Unavailable, format!("stored {what} key is not a curve point: {e}")))
}

impl<M: Meta> Intake<M> {
    fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Checks a station's request token against the request it came with; the token is then
    /// spent (a second request with it is a replay).
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
        line: &RequestLine<'_>,
    ) -> Result<StationRow, ApiError> {
        let station = self.authenticate_revoked(authorization, line).await?;
        if station.revoked_at.is_some() {
            return Err(bad(Code::RevokedStation, format!("station {} is revoked", station.id)));
        }
        Ok(station)
    }

    /// Like [`Intake::authenticate`], but a revoked station passes too: it may still fetch its
    /// master data, whose signed word that it is revoked stops it enrolling (a refusal code alone
    /// is not signed, and a station must not stop for a forged one).
    pub async fn authenticate_revoked(
        &self,
        authorization: Option<&str>,
        line: &RequestLine<'_>,
    ) -> Result<StationRow, ApiError> {
        let unverified =
            token::parse(authorization).map_err(|e| bad(Code::BadToken, e.to_string()))?;
        if !plain_id(&unverified.station) {
            return Err(bad(Code::BadToken, "the token's issuer is not a station id"));
        }
        // An unknown station gets the answer of a token that does not verify: before
        // authentication nobody learns which station ids are onboarded or revoked.
        let station = self
            .meta
            .station(&unverified.station)
            .await?
            .ok_or_else(|| bad(Code::BadToken, token::TokenError::BadSignature.to_string()))?;
        let now = self.now();
        let verified = unverified
            .verify(&key_of(&station.ed25519, "station")?, line, now / 1000)
            .map_err(|e| match e {
            token::TokenError::Stale { .. } => bad(Code::StaleToken, e.to_string()),
            other => bad(Code::BadToken, other.to_string()),
        })?;
        let expires = (verified.issued_at + 2 * token::MAX_SKEW_S) * 1000;
        if !self.meta.use_token(&station.id, &verified.token_id, expires, now).await? {
            return Err(bad(Code::ReplayedRequest, "this request token was used before"));
        }
        Ok(station)
    }

    /// Checks the administrators' bearer token (compared in constant time).
    pub fn check_admin(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        use subtle::ConstantTimeEq;
        let given = authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .ok_or_else(|| bad(Code::NotAdmin, "an administrator's bearer token is required"))?;
        let ok: bool =
            sync::sha256(given.trim().as_bytes()).ct_eq(&self.keys.admin_token_sha256).into();
        if ok { Ok(()) } else { Err(bad(Code::NotAdmin, "the administrator's token is not valid")) }
    }

    /// Answers each ticket: have it (with the receipt), send it (from an offset), or refused.
    pub async fn announce(
        &self,
        station: &StationRow,
        req: AnnounceRequest,
    ) -> Result<AnnounceResponse, ApiError> {
        if req.tickets.is_empty() || req.tickets.len() > sync::api::MAX_TICKETS {
            return Err(bad(
                Code::BadRequest,
                format!("an announce carries 1 to {} tickets", sync::api::MAX_TICKETS),
            ));
        }
        let key = key_of(&station.ed25519, "station")?;
        let mut answers = Vec::with_capacity(req.tickets.len());
        for text in req.tickets {
            answers.push(self.announce_one(station, &key, &text).await?);
        }
        Ok(AnnounceResponse { answers })
    }

    async fn announce_one(
        &self,
        station: &StationRow,
        key: &schemas::VerifyingKey,
        text: &str,
    ) -> Result<Answer, ApiError> {
        let refused = |bundle_id: String, code: Code, detail: String| Answer {
            bundle_id,
            action: Action::Refused,
            offset: None,
            receipt: None,
            refusal: Some(sync::api::Refusal { code, detail }),
        };
        let Ok(signed) = unb64(text) else {
            return Ok(refused(String::new(), Code::BadTicket, "a ticket is not base64url".into()));
        };
        let t = match Ticket::open(&signed, &station.id, key) {
            Ok(t) => t,
            Err(e) => return Ok(refused(String::new(), Code::BadTicket, e.to_string())),
        };
        if !bundle_id_ok(&t.bundle_id) {
            return Ok(refused(
                String::new(),
                Code::BadTicket,
                "the ticket's bundle id is not a UUID".into(),
            ));
        }
        let too_large = t.ciphertext_len == 0 || t.ciphertext_len > self.limits.max_bundle_bytes;
        let row = TicketRow {
            bundle_id: t.bundle_id.clone(),
            station: station.id.clone(),
            sequence: t.station_sequence,
            ciphertext_sha256: *t.ciphertext_sha256,
            ciphertext_len: t.ciphertext_len,
            manifest_sha256: *t.manifest_sha256,
            audit_sequence: t.audit.sequence,
            signed,
            announced_at: self.now(),
            state: TicketState::Announced,
            offset: 0,
            receipt: None,
            refusal: None,
        };
        let announced = self.meta.announce(row, self.limits.max_open_tickets).await?;
        if too_large && let Announced::New(r) = &announced {
            // Refused for good, but its number is used: the station sets it aside and the ones
            // after it go on.
            let detail = format!(
                "{} bytes; the registry takes 1 to {}",
                t.ciphertext_len, self.limits.max_bundle_bytes
            );
            self.meta.refuse(&r.ciphertext_sha256, Code::TooLarge, &detail).await?;
            return Ok(refused(t.bundle_id, Code::TooLarge, detail));
        }
        Ok(match announced {
            Announced::New(r) => Answer {
                bundle_id: r.bundle_id,
                action: Action::Send,
                offset: Some(0),
                receipt: None,
                refusal: None,
            },
            Announced::Known(r) => match r.state {
                TicketState::Received => Answer {
                    bundle_id: r.bundle_id,
                    action: Action::Have,
                    offset: None,
                    receipt: r.receipt.as_deref().map(b64),
                    refusal: None,
                },
                TicketState::Announced => Answer {
                    bundle_id: r.bundle_id,
                    action: Action::Send,
                    offset: Some(r.offset),
                    receipt: None,
                    refusal: None,
                },
                TicketState::Refused => {
                    let (code, detail) = r.refusal.unwrap_or((Code::BadBundle, String::new()));
                    refused(r.bundle_id, code, detail)
                }
            },
            Announced::Refused(code, detail) => refused(t.bundle_id, code, detail),
        })
    }

    async fn own_ticket(
        &self,
        station: &StationRow,
        sha: &[u8; 32],
    ) -> Result<TicketRow, ApiError> {
        match self.meta.ticket_by_hash(sha).await? {
            Some(t) if t.station == station.id => Ok(t),
            _ => Err(bad(
                Code::UnknownUpload,
                "no bundle with this content was announced by this station",
            )),
        }
    }

    /// Where an upload stands: bytes held, and the whole length.
    pub async fn upload_state(
        &self,
        station: &StationRow,
        sha: &[u8; 32],
    ) -> Result<(u64, u64), ApiError> {
        let t = self.own_ticket(station, sha).await?;
        Ok((t.offset, t.ciphertext_len))
    }

    /// Receives bytes of an announced bundle from `offset`. A body cut off mid-way keeps its whole
    /// blocks; the last bytes complete the bundle, which is then verified, stored and receipted.
    pub async fn upload<S, E>(
        self: &Arc<Self>,
        station: &StationRow,
        sha: [u8; 32],
        offset: u64,
        body: S,
    ) -> Result<UploadOutcome, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
        E: Send + 'static,
    {
        // The whole upload runs on its own task: when a link drops mid-body the HTTP server drops
        // the request's handler, but the bytes that did arrive must still be kept.
        let this = self.clone();
        let station = station.clone();
        tokio::spawn(async move { this.receive_upload(&station, sha, offset, body).await })
            .await
            .map_err(|e| bad(Code::Unavailable, format!("the upload's task failed: {e}")))?
    }

    async fn receive_upload<S, E>(
        &self,
        station: &StationRow,
        sha: [u8; 32],
        offset: u64,
        mut body: S,
    ) -> Result<UploadOutcome, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let target = async {
            let slot = self.gates.upload_slot(&station.id, self.limits.uploads_per_station)?;
            Ok::<_, ApiError>((slot, self.upload_target(station, &sha, offset).await?))
        }
        .await;
        let (_slot, t) = match target {
            Ok((slot, Ok(t))) => (slot, t),
            Ok((_, Err(done))) => {
                self.drain(&mut body).await;
                return Ok(done);
            }
            Err(e) => {
                // Read what the client sends anyway, so that it gets this answer, not a broken pipe.
                self.drain(&mut body).await;
                return Err(e);
            }
        };
        let len = t.ciphertext_len;
        let pause = std::time::Duration::from_secs(self.limits.body_timeout_s);
        // `at`: where the bytes in `buf` start; everything before is kept as parts.
        let mut at = offset;
        let mut buf = Vec::with_capacity(PART.min((len - offset) as usize));
        let mut cut = false;
        loop {
            let chunk = match tokio::time::timeout(pause, body.next()).await {
                Ok(Some(Ok(c))) => c,
                Ok(None) => break,
                // A broken link, or a client that stopped sending: what arrived is kept.
                Ok(Some(Err(_))) | Err(_) => {
                    cut = true;
                    break;
                }
            };
            if at + (buf.len() + chunk.len()) as u64 > len {
                return Err(bad(
                    Code::SizeMismatch,
                    format!("more than the {len} bytes announced"),
                ));
            }
            self.metrics.upload_bytes(chunk.len() as u64);
            buf.extend_from_slice(&chunk);
            if buf.len() >= PART && at + (buf.len() as u64) < len {
                let rest = buf.split_off(buf.len() / BLOCK * BLOCK);
                let whole = std::mem::replace(&mut buf, rest);
                match self.keep_part(&sha, at, whole).await? {
                    Ok(to) => at = to,
                    Err(now) => return Ok(UploadOutcome::Partial { offset: now }),
                }
            }
        }
        self.finish_upload(station, t, at, buf, cut).await
    }

    /// Writes bytes of an upload from `from` as a part and moves the offset past them:
    /// `Ok(new offset)`, or `Err(offset)` when another request moved the upload meanwhile (its
    /// offset stands).
    async fn keep_part(
        &self,
        sha: &[u8; 32],
        from: u64,
        bytes: Vec<u8>,
    ) -> Result<Result<u64, u64>, ApiError> {
        let to = from + bytes.len() as u64;
        self.objects.put_part(sha, from, Bytes::from(bytes)).await?;
        if self.meta.set_offset(sha, from, to).await? {
            Ok(Ok(to))
        } else {
            Ok(Err(self.meta.ticket_by_hash(sha).await?.map(|t| t.offset).unwrap_or(0)))
        }
    }

    /// Deletes the parts of uploads nobody has added to for `limits.parts_expire_s` and sets
    /// their offset back to 0 (the station sends the bundle again from the start). How many.
    pub async fn expire_parts(&self) -> Result<usize, ApiError> {
        let before = self.now() - (self.limits.parts_expire_s as i64).saturating_mul(1000);
        let stale = self.objects.parts_untouched_since(before).await?;
        for sha in &stale {
            // The offset first: no request continues onto parts about to go.
            if let Some(t) = self.meta.ticket_by_hash(sha).await?
                && t.state == TicketState::Announced
                && t.offset > 0
            {
                self.meta.set_offset(sha, t.offset, 0).await?;
            }
            self.objects.delete_parts(sha).await?;
        }
        Ok(stale.len())
    }

    /// The ticket an upload from `offset` continues, or the finished outcome if it is done.
    async fn upload_target(
        &self,
        station: &StationRow,
        sha: &[u8; 32],
        offset: u64,
    ) -> Result<Result<TicketRow, UploadOutcome>, ApiError> {
        let t = self.own_ticket(station, sha).await?;
        match t.state {
            TicketState::Received => {
                return Ok(Err(UploadOutcome::Done { receipt: t.receipt.unwrap_or_default() }));
            }
            TicketState::Refused => {
                let (code, detail) = t.refusal.unwrap_or((Code::BadBundle, String::new()));
                return Err(bad(code, detail));
            }
            TicketState::Announced => {}
        }
        if offset != t.offset {
            return Err(ApiError {
                offset: Some(t.offset),
                ..bad(
                    Code::OffsetMismatch,
                    format!("the registry holds {} bytes, not {offset}", t.offset),
                )
            });
        }
        Ok(Ok(t))
    }

    /// Reads and drops a body, up to the largest bundle accepted.
    async fn drain<S, E>(&self, body: &mut S)
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let mut n = 0u64;
        while let Some(Ok(c)) = body.next().await {
            n += c.len() as u64;
            if n > self.limits.max_bundle_bytes {
                break;
            }
        }
    }

    async fn finish_upload(
        &self,
        station: &StationRow,
        t: TicketRow,
        offset: u64,
        mut buf: Vec<u8>,
        cut: bool,
    ) -> Result<UploadOutcome, ApiError> {
        let sha = t.ciphertext_sha256;
        if cut || offset + (buf.len() as u64) < t.ciphertext_len {
            let keep = if cut { buf.len() / BLOCK * BLOCK } else { buf.len() };
            if keep == 0 {
                return Ok(UploadOutcome::Partial { offset });
            }
            buf.truncate(keep);
            return Ok(UploadOutcome::Partial {
                offset: match self.keep_part(&sha, offset, buf).await? {
                    Ok(to) | Err(to) => to,
                },
            });
        }
        // Gathering and verifying a bundle holds it whole (and its plaintext): only
        // `limits.verifications` at once.
        let _verifying = self
            .gates
            .verifying
            .acquire()
            .await
            .map_err(|e| bad(Code::Unavailable, format!("verification: {e}")))?;
        let mut all = if offset > 0 { self.objects.parts(&sha).await? } else { Vec::new() };
        if all.len() as u64 != offset {
            // The kept parts were lost: start the upload again.
            self.objects.delete_parts(&sha).await?;
            self.meta.set_offset(&sha, offset, 0).await?;
            return Err(ApiError {
                offset: Some(0),
                ..bad(
                    Code::OffsetMismatch,
                    "the parts kept of this upload are incomplete: send it again from 0",
                )
            });
        }
        all.extend_from_slice(&buf);
        drop(buf);
        if sync::sha256(&all) != sha {
            self.objects.delete_parts(&sha).await?;
            self.meta.set_offset(&sha, offset, 0).await?;
            return Err(bad(Code::HashMismatch, "the bytes received are not the announced bundle"));
        }
        let (verdict, all) = {
            let ticket =
                Ticket::open(&t.signed, &station.id, &key_of(&station.ed25519, "station")?)
                    .map_err(|e| bad(Code::BadTicket, e.to_string()))?;
            let operators = self.meta.operators(&station.id).await?;
            let identities: Vec<age::x25519::Identity> = self.keys.identities.clone();
            let station = station.clone();
            tokio::task::spawn_blocking(move || {
                let verdict = verify_bundle(&all, &ticket, &station, &operators, &identities);
                (verdict, all)
            })
            .await
            .map_err(|e| bad(Code::Unavailable, e.to_string()))?
        };
        if let Err((code, detail)) = verdict {
            self.metrics.bundle_refused(&station.id, &t.bundle_id, code);
            self.objects.delete_parts(&sha).await?;
            if code.is_permanent() {
                self.meta.refuse(&sha, code, &detail).await?;
            } else {
                // Not yet (an operator awaiting approval): the ticket stays announced, its number
                // used, and the station sends the bundle again later from the start.
                self.meta.set_offset(&sha, offset, 0).await?;
            }
            return Err(bad(code, detail));
        }
        self.objects.put_bundle(&sha, Bytes::from(all)).await?;
        let now = self.now();
        let (info, key) = self
            .keys
            .receipt_key(now)
            .ok_or_else(|| bad(Code::Unavailable, "no receipt key is valid now"))?;
        let (kid, key) = (info.kid.clone(), key.clone());
        let receipt = Receipt {
            bundle_id: t.bundle_id.clone(),
            station_id: station.id.clone(),
            station_sequence: t.sequence,
            ciphertext_sha256: Bytes32::new(sha),
            ciphertext_len: t.ciphertext_len,
            received_at: now,
            log_index: 0,
            log_prev: Bytes32::new([0; 32]),
        };
        let signed = self
            .meta
            .receive(
                &sha,
                now,
                Box::new(move |index, prev| {
                    Receipt { log_index: index, log_prev: Bytes32::new(prev), ..receipt }
                        .sign(&kid, &key)
                }),
            )
            .await?;
        self.objects.delete_parts(&sha).await?;
        self.metrics.received(&station.id, &t.bundle_id, t.ciphertext_len);
        Ok(UploadOutcome::Done { receipt: signed })
    }

    /// Registers an operator of the station (their key signs the station's bundles).
    pub async fn register_operator(
        &self,
        station: &StationRow,
        reg: OperatorRegistration,
    ) -> Result<(), ApiError> {
        if !matches!(reg.role.as_str(), "clerk" | "supervisor" | "admin") {
            return Err(bad(
                Code::BadRequest,
                format!("role {} is not clerk, supervisor or admin", reg.role),
            ));
        }
        let valid_name = (3..=32).contains(&reg.username.len())
            && reg.username.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c));
        if !valid_name {
            return Err(bad(
                Code::BadRequest,
                "a user name has 3 to 32 Latin letters, digits, or . - _",
            ));
        }
        let key = schemas::keys::parse_public_key(&reg.ed25519)
            .map_err(|e| bad(Code::BadRequest, e.to_string()))?;
        let row = OperatorRow {
            station: station.id.clone(),
            username: reg.username.clone(),
            role: reg.role,
            ed25519: key.to_bytes(),
            registered_at: self.now(),
            revoked_at: None,
            revoked_version: None,
            // A production station's operators wait for the registry's administrators; a training
            // or demo station's bundles are never identities, so nothing waits there.
            approved_at: (station.mode != StationMode::Production).then(|| self.now()),
        };
        match self.meta.register_operator(row).await? {
            Registered::New | Registered::Same => Ok(()),
            Registered::KeyChanged => Err(bad(
                Code::OperatorKeyChanged,
                format!("operator {} is registered with another key", reg.username),
            )),
        }
    }

    /// The station's master data, signed with the root key.
    pub async fn master_data(&self, station: &StationRow) -> Result<Vec<u8>, ApiError> {
        let operators = self.meta.operators(&station.id).await?;
        let m = MasterData {
            version: self.meta.version().await?,
            issued_at: self.now(),
            station: StationInfo {
                id: station.id.clone(),
                centre: station.centre.clone(),
                revoked: station.revoked_at.is_some(),
                mode: station.mode,
            },
            centre: self.centres.iter().find(|c| c.id == station.centre).cloned(),
            operators: operators
                .into_iter()
                .map(|o| OperatorInfo {
                    username: o.username,
                    role: o.role,
                    ed25519: Bytes32::new(o.ed25519),
                    revoked: o.revoked_at.is_some(),
                    approved: o.approved_at.is_some(),
                })
                .collect(),
            receipt_keys: self.keys.receipt_infos(),
            recipients: self.keys.recipients(),
            revoked_stations: self.meta.revoked_stations().await?,
            settings: self.settings.clone(),
        };
        Ok(m.sign(&self.keys.root))
    }

    /// A page of the station's status feed after `after`, signed with the current receipt key.
    pub async fn status_page(&self, station: &StationRow, after: u64) -> Result<Vec<u8>, ApiError> {
        let events = self.meta.status_after(&station.id, after, 200).await?;
        let now = self.now();
        let (info, key) = self
            .keys
            .receipt_key(now)
            .ok_or_else(|| bad(Code::Unavailable, "no receipt key is valid now"))?;
        Ok(StatusPage { station_id: station.id.clone(), after, events, issued_at: now }
            .sign(&info.kid, key))
    }

    // Administrators.

    pub async fn add_station(&self, s: NewStation) -> Result<bool, ApiError> {
        if !plain_id(&s.id) || s.centre.trim().is_empty() || !plain_text(&s.centre, 128) {
            return Err(bad(
                Code::BadRequest,
                "a station id is 1 to 64 Latin letters, digits, or - _ . and a centre is named",
            ));
        }
        let key = schemas::keys::parse_public_key(&s.ed25519)
            .map_err(|e| bad(Code::BadRequest, e.to_string()))?;
        let row = StationRow {
            id: s.id,
            ed25519: key.to_bytes(),
            centre: s.centre,
            onboarded_at: self.now(),
            revoked_at: None,
            last_sequence: 0,
            last_audit_sequence: 0,
            mode: s.mode,
        };
        Ok(self.meta.add_station(row).await?)
    }

    pub async fn revoke_station(&self, id: &str) -> Result<(), ApiError> {
        if !plain_id(id) || self.meta.station(id).await?.is_none() {
            return Err(bad(Code::UnknownStation, format!("no station {id}")));
        }
        self.meta.revoke_station(id, self.now()).await?;
        Ok(())
    }

    pub async fn revoke_operator(&self, station: &str, username: &str) -> Result<(), ApiError> {
        if !plain_id(station)
            || !plain_id(username)
            || !self.meta.operators(station).await?.iter().any(|o| o.username == username)
        {
            return Err(bad(
                Code::UnknownOperator,
                format!("no operator {username} at station {station}"),
            ));
        }
        self.meta.revoke_operator(station, username, self.now()).await?;
        Ok(())
    }

    /// Approves a station's operator, naming the key the administrator checked: from then on
    /// their signatures count (their bundles waiting at the station go).
    pub async fn approve_operator(&self, a: OperatorApproval) -> Result<(), ApiError> {
        let key = schemas::keys::parse_public_key(&a.ed25519)
            .map_err(|e| bad(Code::BadRequest, e.to_string()))?;
        if !plain_id(&a.station)
            || !plain_id(&a.username)
            || !self
                .meta
                .approve_operator(&a.station, &a.username, &key.to_bytes(), self.now())
                .await?
        {
            return Err(bad(
                Code::UnknownOperator,
                format!(
                    "no operator {} at station {} registered with that key",
                    a.username, a.station
                ),
            ));
        }
        Ok(())
    }

    pub async fn set_status(&self, bundle_id: &str, s: NewStatus) -> Result<u64, ApiError> {
        use sync::status::BundleStatus as B;
        if matches!(s.status, B::Received) {
            return Err(bad(Code::BadRequest, "`received` is recorded by the registry itself"));
        }
        if matches!(s.status, B::Rejected | B::Resend)
            && s.reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            return Err(bad(Code::BadRequest, "a rejection or a resend needs a reason"));
        }
        if s.reason.as_deref().is_some_and(|r| !plain_text(r, 1000)) {
            return Err(bad(
                Code::BadRequest,
                "a reason is at most 1000 characters, without control characters",
            ));
        }
        if !bundle_id_ok(bundle_id) {
            return Err(bad(Code::UnknownBundle, format!("{bundle_id:?} is not a bundle id")));
        }
        if matches!(s.status, B::Accepted) {
            let station = match self.meta.ticket_by_id(bundle_id).await? {
                Some(t) => self.meta.station(&t.station).await?,
                None => None,
            };
            if let Some(st) = station.filter(|st| st.mode != StationMode::Production) {
                return Err(bad(
                    Code::NotProduction,
                    format!(
                        "bundle {bundle_id} comes from {} station {}: never an identity",
                        st.mode.as_str(),
                        st.id
                    ),
                ));
            }
        }
        self.meta
            .add_status(bundle_id, s.status, s.reason.as_deref(), self.now())
            .await?
            .ok_or_else(|| bad(Code::UnknownBundle, format!("no received bundle {bundle_id}")))
    }

    pub async fn log(&self, from: u64) -> Result<Vec<LogEntry>, ApiError> {
        Ok(self
            .meta
            .log(from.max(1), 500)
            .await?
            .into_iter()
            .map(|(index, receipt, entry)| LogEntry {
                index,
                receipt: b64(&receipt),
                entry: hex::encode(entry),
            })
            .collect())
    }
}

/// Verifies a complete bundle against its ticket and the registry's records: it opens with a
/// registry identity; the station's signature is by the onboarded key; the manifest is the one
/// the ticket and the decision name, from the centre the station was onboarded at; every
/// biometric record passes the ISO/IEC 19794 checks; a production station's samples all come
/// from live devices; clerk and supervisor are two approved operators of that station, with the
/// keys that signed, not revoked in a master-data version the station already held.
///
/// A refusal with a code that is not [`Code::is_permanent`] (an operator not approved yet) leaves
/// the bundle to be sent again.
pub fn verify_bundle(
    bytes: &[u8],
    ticket: &Ticket,
    station: &StationRow,
    operators: &[OperatorRow],
    identities: &[age::x25519::Identity],
) -> Result<(), (Code, String)> {
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = identities
        .iter()
        .cloned()
        .map(|i| Box::new(i) as Box<dyn age::Identity + Send + Sync>)
        .collect();
    let station_key = schemas::VerifyingKey::from_bytes(&station.ed25519)
        .map_err(|e| (Code::Unavailable, e.to_string()))?;
    let opened = bundle::open(bytes, &ids, &Trust { station: Some(station_key), operator: None })
        .map_err(|e| (Code::BadBundle, e.to_string()))?;
    let m = &opened.manifest;
    let mismatch =
        |what: &str| (Code::BadBundle, format!("the manifest's {what} is not the ticket's"));
    if m.bundle_id != ticket.bundle_id {
        return Err(mismatch("bundle id"));
    }
    if m.station.id != station.id || m.station.sequence != ticket.station_sequence {
        return Err(mismatch("station or sequence"));
    }
    if opened.manifest_sha256 != *ticket.manifest_sha256 {
        return Err(mismatch("hash"));
    }
    if m.audit.sequence > ticket.audit.sequence {
        return Err((
            Code::BadTicket,
            format!(
                "the ticket's audit head ({}) is older than the manifest's ({})",
                ticket.audit.sequence, m.audit.sequence
            ),
        ));
    }
    if m.station.centre != station.centre {
        return Err((
            Code::WrongCentre,
            format!(
                "the manifest names centre {:?}; station {} was onboarded at {:?}",
                m.station.centre, station.id, station.centre
            ),
        ));
    }
    opened.check_records(false).map_err(|e| (Code::BadRecord, e.to_string()))?;
    if station.mode == StationMode::Production {
        live_captures(m)?;
    }
    let d = schemas::decision::verify(&ticket.decision, m, &opened.manifest_sha256, None)
        .map_err(|e| (Code::BadDecision, e.to_string()))?;
    let operator = m
        .signer(SignerRole::Operator)
        .ok_or_else(|| (Code::BadBundle, "no operator signature".to_string()))?;
    let clerk = Signed { username: &m.operator_id, role: "clerk", key: &operator.ed25519 };
    approved_signer(station, operators, &clerk, m.master_version)?;
    let supervisor =
        Signed { username: &d.supervisor_id, role: "supervisor", key: &d.supervisor_ed25519 };
    approved_signer(station, operators, &supervisor, d.master_version)
        .map_err(|(c, e)| (if c == Code::BadBundle { Code::BadDecision } else { c }, e))?;
    Ok(())
}

/// Every captured sample and every document photograph of a production station's bundle names
/// the live device that made it: not a simulator, not a recording, not nothing.
fn live_captures(m: &schemas::manifest::Manifest) -> Result<(), (Code, String)> {
    let samples = m
        .samples
        .iter()
        .filter(|s| s.payload.is_some())
        .map(|s| (format!("{:?}", s.position), s.device.as_ref()));
    let documents = m
        .documents
        .iter()
        .filter(|d| !d.images.is_empty())
        .map(|d| (format!("{:?} document", d.kind), d.device.as_ref()));
    for (what, device) in samples.chain(documents) {
        match device {
            None => {
                return Err((Code::SimulatedCapture, format!("{what}: no device is named")));
            }
            Some(d) if !d.kind.is_live() => {
                return Err((
                    Code::SimulatedCapture,
                    format!("{what}: captured by a {:?} device ({})", d.kind, d.model),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Who signed a bundle, in which role, with which key.
struct Signed<'a> {
    username: &'a str,
    role: &'a str,
    key: &'a [u8; 32],
}

/// The signer is an operator of the station, registered in that role with that key, approved
/// by the registry's administrators, and not revoked in a master-data version the station had
/// (`held`) when they signed. Revocation is judged by that version, which the registry issues,
/// not by any time the station's clock wrote.
fn approved_signer(
    station: &StationRow,
    operators: &[OperatorRow],
    s: &Signed<'_>,
    held: u64,
) -> Result<(), (Code, String)> {
    let o = operators.iter().find(|o| o.username == s.username).ok_or_else(|| {
        (
            Code::UnknownOperator,
            format!("{} is not a registered operator of station {}", s.username, station.id),
        )
    })?;
    if o.role != s.role {
        return Err((
            Code::BadBundle,
            format!("{} is registered as {}, not {}", s.username, o.role, s.role),
        ));
    }
    if &o.ed25519 != s.key {
        return Err((
            Code::BadBundle,
            format!("{} signed with a key other than the registered one", s.username),
        ));
    }
    if let Some(v) = o.revoked_version
        && held >= v
    {
        return Err((
            Code::RevokedOperator,
            format!(
                "{} was revoked in master data version {v}; the station held version {held} when they signed",
                s.username
            ),
        ));
    }
    if o.approved_at.is_none() {
        return Err((
            Code::OperatorNotApproved,
            format!("{} of station {} awaits the registry's approval", s.username, station.id),
        ));
    }
    Ok(())
}
