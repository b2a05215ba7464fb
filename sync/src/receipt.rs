//! Receipts: the registry's signed statement that it holds a bundle and takes responsibility for
//! it. A station deletes a bundle only after it has verified and stored its receipt.
//!
//! Every receipt is appended to one hash chain (the receipt log): entry `i` is
//! `SHA-256(entry[i-1] || receipt[i])` with 32 zero bytes before the first, and each receipt names
//! its place (`log_index`) and the entry before it (`log_prev`). A hash chain was chosen over a
//! Merkle tree: appends are one row under a lock, a station's receipts each commit to the whole
//! log before them, and an auditor replays the log from the start to check it; inclusion proofs
//! for single receipts were not needed.

use schemas::manifest::Bytes32;
use serde::{Deserialize, Serialize};

use crate::ProtocolError;
use crate::master::KeyInfo;
use crate::ticket::Ticket;

pub const CONTENT_TYPE: &str = "application/vnd.hukumati.receipt+cbor";

/// The hash before the first entry of the log.
pub const LOG_GENESIS: [u8; 32] = [0; 32];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub bundle_id: String,
    pub station_id: String,
    pub station_sequence: u64,
    pub ciphertext_sha256: Bytes32,
    pub ciphertext_len: u64,
    /// Registry clock, ms since the epoch.
    pub received_at: i64,
    /// Place in the receipt log, from 1.
    pub log_index: u64,
    /// The log entry before this receipt's.
    pub log_prev: Bytes32,
}

impl Receipt {
    pub fn sign(&self, kid: &str, key: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, CONTENT_TYPE, kid, key)
    }

    /// Opens a receipt signed by one of the registry's receipt keys, valid when it was made.
    pub fn open(bytes: &[u8], keys: &[KeyInfo]) -> Result<Receipt, ProtocolError> {
        let (r, kid): (Receipt, String) =
            crate::open_signed("receipt", bytes, CONTENT_TYPE, &|kid| {
                keys.iter().find(|k| k.kid == kid).and_then(KeyInfo::key)
            })?;
        let key = keys.iter().find(|k| k.kid == kid).expect("found above");
        if !key.valid_at(r.received_at) {
            return Err(ProtocolError::Mismatch(format!(
                "receipt made at {} with key {kid}, valid from {} to {:?}",
                r.received_at, key.not_before, key.not_after
            )));
        }
        Ok(r)
    }

    /// Checks that this receipt is for the bundle `ticket` announced.
    pub fn check_for(&self, ticket: &Ticket) -> Result<(), ProtocolError> {
        let same = self.bundle_id == ticket.bundle_id
            && self.station_id == ticket.station_id
            && self.station_sequence == ticket.station_sequence
            && self.ciphertext_sha256 == ticket.ciphertext_sha256
            && self.ciphertext_len == ticket.ciphertext_len;
        if same {
            Ok(())
        } else {
            Err(ProtocolError::Mismatch(format!(
                "receipt for {} #{} does not match the ticket of {} #{}",
                self.bundle_id, self.station_sequence, ticket.bundle_id, ticket.station_sequence
            )))
        }
    }
}

/// The log entry a receipt makes after `prev`.
pub fn log_entry(prev: &[u8; 32], receipt: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(prev);
    h.update(receipt);
    h.finalize().into()
}

/// Replays a log from its start: each receipt's index and previous entry must follow on. Returns
/// the head (index, entry) or the first index that does not.
pub fn verify_log<'a>(
    receipts: impl IntoIterator<Item = &'a [u8]>,
    keys: &[KeyInfo],
) -> Result<(u64, [u8; 32]), (u64, String)> {
    let mut head = (0u64, LOG_GENESIS);
    for bytes in receipts {
        let i = head.0 + 1;
        let r = Receipt::open(bytes, keys).map_err(|e| (i, e.to_string()))?;
        if r.log_index != i || *r.log_prev != head.1 {
            return Err((
                i,
                format!(
                    "receipt says index {} after {}, the log is at {} after {}",
                    r.log_index,
                    hex::encode(*r.log_prev),
                    i,
                    hex::encode(head.1)
                ),
            ));
        }
        head = (i, log_entry(&head.1, bytes));
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_info(kid: &str, key: &schemas::SigningKey) -> KeyInfo {
        KeyInfo {
            kid: kid.into(),
            ed25519: Bytes32::new(key.verifying_key().to_bytes()),
            not_before: 0,
            not_after: None,
        }
    }

    #[test]
    fn receipts_verify_match_their_ticket_and_chain() {
        let key = schemas::keys::new_signing_key().unwrap();
        let keys = [key_info("r1", &key)];
        let t = crate::ticket::tests::ticket("ST-1", 1, b"bundle");
        let mut prev = LOG_GENESIS;
        let mut log = Vec::new();
        for i in 1..=3u64 {
            let r = Receipt {
                bundle_id: t.bundle_id.clone(),
                station_id: t.station_id.clone(),
                station_sequence: 1,
                ciphertext_sha256: t.ciphertext_sha256,
                ciphertext_len: t.ciphertext_len,
                received_at: 10,
                log_index: i,
                log_prev: Bytes32::new(prev),
            };
            let bytes = r.sign("r1", &key);
            assert_eq!(Receipt::open(&bytes, &keys).unwrap(), r);
            r.check_for(&t).unwrap();
            prev = log_entry(&prev, &bytes);
            log.push(bytes);
        }
        assert_eq!(verify_log(log.iter().map(std::vec::Vec::as_slice), &keys), Ok((3, prev)));
        // Dropping an entry breaks the chain at that place.
        let cut: Vec<&[u8]> = vec![&log[0], &log[2]];
        assert_eq!(verify_log(cut, &keys).unwrap_err().0, 2);
        // Another ticket, an unknown key, an expired key.
        let other = crate::ticket::tests::ticket("ST-1", 2, b"bundle");
        assert!(Receipt::open(&log[0], &keys).unwrap().check_for(&other).is_err());
        assert!(matches!(
            Receipt::open(&log[0], &[key_info("r2", &key)]),
            Err(ProtocolError::UnknownKey { .. })
        ));
        let expired = [KeyInfo { not_after: Some(5), ..key_info("r1", &key) }];
        assert!(matches!(Receipt::open(&log[0], &expired), Err(ProtocolError::Mismatch(_))));
    }
}
