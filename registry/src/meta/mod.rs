//! The registry's metadata: stations, operators, tickets, the receipt log, the status feed,
//! used request tokens. One trait, [`Meta`], with two implementations tested against the same
//! suite: PostgreSQL for production ([`postgres`], several registry instances share one
//! database) and SQLite for the embedded default ([`sqlite`], demo stations and tests).
//!
//! Every method is one transaction; the ones that decide (announcing a ticket, receiving a
//! bundle) lock what they depend on, so that instances behind a load balancer agree.

#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

use std::future::Future;

use sync::Code;
use sync::status::{BundleStatus, StatusEvent};

#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("database: {0}")]
    Db(String),
    #[error("stored value is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRow {
    pub id: String,
    pub ed25519: [u8; 32],
    pub centre: String,
    pub onboarded_at: i64,
    pub revoked_at: Option<i64>,
    /// The highest sequence number announced (0 before the first).
    pub last_sequence: u64,
    /// The audit chain position of the last ticket.
    pub last_audit_sequence: u64,
    pub mode: sync::master::StationMode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub station: String,
    pub username: String,
    pub role: String,
    pub ed25519: [u8; 32],
    pub registered_at: i64,
    pub revoked_at: Option<i64>,
    /// The master-data version that first told the station of the revocation: a bundle whose
    /// manifest (or decision) names this version or a later one was signed knowing it.
    pub revoked_version: Option<u64>,
    /// When the registry's administrators approved the operator (their key).
    pub approved_at: Option<i64>,
}

/// Where a ticket's bundle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketState {
    /// Announced; bytes may be arriving.
    Announced,
    /// Stored and its receipt issued.
    Received,
    /// Uploaded but refused (it did not verify); nothing of it is kept but the refusal.
    Refused,
}

impl TicketState {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Announced => "announced",
            TicketState::Received => "received",
            TicketState::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Result<TicketState, MetaError> {
        match s {
            "announced" => Ok(TicketState::Announced),
            "received" => Ok(TicketState::Received),
            "refused" => Ok(TicketState::Refused),
            other => Err(MetaError::Corrupt(format!("ticket state {other}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRow {
    pub bundle_id: String,
    pub station: String,
    pub sequence: u64,
    pub ciphertext_sha256: [u8; 32],
    pub ciphertext_len: u64,
    pub manifest_sha256: [u8; 32],
    pub audit_sequence: u64,
    /// The ticket as the station signed it.
    pub signed: Vec<u8>,
    pub announced_at: i64,
    pub state: TicketState,
    /// Bytes held so far (tus `Upload-Offset`).
    pub offset: u64,
    pub receipt: Option<Vec<u8>>,
    pub refusal: Option<(Code, String)>,
}

/// What announcing a ticket came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    New(TicketRow),
    /// Announced before (the same ticket): as it stands now.
    Known(TicketRow),
    /// Refused; nothing was stored.
    Refused(Code, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    New,
    Same,
    KeyChanged,
}

/// One entry of the receipt log: its index, the receipt, the entry's hash.
pub type LogRow = (u64, Vec<u8>, [u8; 32]);

/// Signs the receipt for a bundle given its place in the log (index, previous entry).
pub type ReceiptSigner = Box<dyn FnOnce(u64, [u8; 32]) -> Vec<u8> + Send>;

pub trait Meta: Send + Sync + 'static {
    /// Creates or brings up to date the schema.
    fn migrate(&self) -> impl Future<Output = Result<(), MetaError>> + Send;

    /// Onboards a station; `false` when it exists with the same key (a conflict with another).
    fn add_station(&self, row: StationRow) -> impl Future<Output = Result<bool, MetaError>> + Send;
    fn revoke_station(
        &self,
        id: &str,
        at: i64,
    ) -> impl Future<Output = Result<bool, MetaError>> + Send;
    fn station(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<StationRow>, MetaError>> + Send;
    fn revoked_stations(&self) -> impl Future<Output = Result<Vec<String>, MetaError>> + Send;

    fn register_operator(
        &self,
        row: OperatorRow,
    ) -> impl Future<Output = Result<Registered, MetaError>> + Send;
    fn revoke_operator(
        &self,
        station: &str,
        username: &str,
        at: i64,
    ) -> impl Future<Output = Result<bool, MetaError>> + Send;
    fn operators(
        &self,
        station: &str,
    ) -> impl Future<Output = Result<Vec<OperatorRow>, MetaError>> + Send;
    /// Approves an operator registered with `ed25519`; `false` when there is no such operator
    /// with that key. Approving twice changes nothing.
    fn approve_operator(
        &self,
        station: &str,
        username: &str,
        ed25519: &[u8; 32],
        at: i64,
    ) -> impl Future<Output = Result<bool, MetaError>> + Send;

    /// Records a request token as used; `false` if it was used before (a replay). Tokens past
    /// `expires_at` are forgotten.
    fn use_token(
        &self,
        station: &str,
        token_id: &[u8],
        expires_at: i64,
        now: i64,
    ) -> impl Future<Output = Result<bool, MetaError>> + Send;

    /// Announces a ticket: checks it against what the station announced before (bundle id,
    /// content, sequence number strictly next, audit chain not going back) and records it,
    /// unless the station has `max_open` tickets announced and not yet delivered (`busy`).
    fn announce(
        &self,
        row: TicketRow,
        max_open: u64,
    ) -> impl Future<Output = Result<Announced, MetaError>> + Send;
    fn ticket_by_id(
        &self,
        bundle_id: &str,
    ) -> impl Future<Output = Result<Option<TicketRow>, MetaError>> + Send;
    fn ticket_by_hash(
        &self,
        sha256: &[u8; 32],
    ) -> impl Future<Output = Result<Option<TicketRow>, MetaError>> + Send;
    /// Moves the upload offset, only from `from` (another instance may have moved it).
    fn set_offset(
        &self,
        sha256: &[u8; 32],
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<bool, MetaError>> + Send;
    fn refuse(
        &self,
        sha256: &[u8; 32],
        code: Code,
        detail: &str,
    ) -> impl Future<Output = Result<(), MetaError>> + Send;
    /// Marks a bundle received: appends its receipt to the log (made by `sign` from its place)
    /// and a `received` event to the feed, in one transaction. Receiving again returns the first
    /// receipt.
    fn receive(
        &self,
        sha256: &[u8; 32],
        at: i64,
        sign: ReceiptSigner,
    ) -> impl Future<Output = Result<Vec<u8>, MetaError>> + Send;

    /// Adds an event to a bundle's status feed; `None` if there is no such bundle.
    fn add_status(
        &self,
        bundle_id: &str,
        status: BundleStatus,
        reason: Option<&str>,
        at: i64,
    ) -> impl Future<Output = Result<Option<u64>, MetaError>> + Send;
    fn status_after(
        &self,
        station: &str,
        after: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StatusEvent>, MetaError>> + Send;

    /// Log entries from index `from` (1 is the first): index, receipt, entry hash.
    fn log(
        &self,
        from: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<LogRow>, MetaError>> + Send;
    /// Grows whenever stations or operators change (the master data version).
    fn version(&self) -> impl Future<Output = Result<u64, MetaError>> + Send;
}

/// The checks of [`Meta::announce`] that do not depend on the database's dialect: given the
/// station and any rows already holding this bundle id or content, the refusal, if any.
/// `open`: how many tickets the station has announced and not delivered; `max_open` the limit.
pub(crate) fn announce_refusal(
    station: &StationRow,
    row: &TicketRow,
    by_id: Option<&TicketRow>,
    by_hash: Option<&TicketRow>,
    (open, max_open): (u64, u64),
) -> Result<Option<TicketRow>, (Code, String)> {
    if let Some(known) = by_id {
        let same = known.ciphertext_sha256 == row.ciphertext_sha256
            && known.sequence == row.sequence
            && known.station == row.station;
        return if same {
            Ok(Some(known.clone()))
        } else {
            Err((
                Code::BundleIdReused,
                format!("bundle {} was announced with other content or number", row.bundle_id),
            ))
        };
    }
    if let Some(other) = by_hash {
        return Err((
            Code::ContentReused,
            format!("this content was announced as bundle {}", other.bundle_id),
        ));
    }
    if station.revoked_at.is_some() {
        return Err((Code::RevokedStation, format!("station {} is revoked", station.id)));
    }
    if row.sequence <= station.last_sequence {
        return Err((
            Code::SequenceReused,
            format!(
                "sequence {} is already used (the last is {})",
                row.sequence, station.last_sequence
            ),
        ));
    }
    if row.sequence != station.last_sequence + 1 {
        return Err((
            Code::SequenceGap,
            format!("sequence {} skips: the next is {}", row.sequence, station.last_sequence + 1),
        ));
    }
    if row.audit_sequence < station.last_audit_sequence {
        return Err((
            Code::BadTicket,
            format!(
                "the audit chain went back from {} to {}",
                station.last_audit_sequence, row.audit_sequence
            ),
        ));
    }
    if open >= max_open {
        // Not recorded: the number stays free and the station announces it again later.
        return Err((
            Code::Busy,
            format!(
                "the station has {open} bundles announced and not sent (the limit is {max_open})"
            ),
        ));
    }
    Ok(None)
}

pub(crate) fn hash32(v: Vec<u8>, what: &str) -> Result<[u8; 32], MetaError> {
    v.try_into().map_err(|_| MetaError::Corrupt(format!("{what} is not 32 bytes")))
}

pub(crate) fn code_of(name: &str) -> Code {
    Code::parse(name).unwrap_or(Code::Unavailable)
}

pub(crate) fn mode_of(name: &str) -> Result<sync::master::StationMode, MetaError> {
    sync::master::StationMode::parse(name)
        .ok_or_else(|| MetaError::Corrupt(format!("station mode {name}")))
}

pub(crate) fn status_of(name: &str) -> Result<BundleStatus, MetaError> {
    BundleStatus::parse(name).ok_or_else(|| MetaError::Corrupt(format!("status {name}")))
}
