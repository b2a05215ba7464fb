//! The ticket: what a station announces about one sealed bundle before sending it, signed with
//! the station's key. The registry answers per ticket (have it, send it, refused) and keeps the
//! signed ticket as evidence of what the station declared.

use schemas::manifest::{AuditHead, Bytes32};
use serde::{Deserialize, Serialize};

use crate::ProtocolError;

pub const CONTENT_TYPE: &str = "application/vnd.hukumati.ticket+cbor";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub bundle_id: String,
    pub station_id: String,
    /// The station's sequence number of this enrollment: 1, 2, 3, ... without gaps.
    pub station_sequence: u64,
    /// SHA-256 of the age file: the bundle's content address.
    pub ciphertext_sha256: Bytes32,
    pub ciphertext_len: u64,
    /// SHA-256 of the signed manifest, which the supervisor's decision binds to.
    pub manifest_sha256: Bytes32,
    /// The supervisor's decision statement (COSE_Sign1), as signed.
    #[serde(with = "serde_bytes")]
    pub decision: Vec<u8>,
    /// The station's audit chain head when the ticket was made (at sending): the registry
    /// checks that it never goes back, and that it is past the manifest's.
    pub audit: AuditHead,
    /// When the bundle was sealed (station clock, ms since the epoch).
    pub sealed_at: i64,
}

impl Ticket {
    /// Signs the ticket with the station's key (the key id is the station id).
    pub fn sign(&self, key: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, CONTENT_TYPE, &self.station_id, key)
    }

    /// Opens a signed ticket of `station` with that station's key.
    pub fn open(
        bytes: &[u8],
        station: &str,
        key: &schemas::VerifyingKey,
    ) -> Result<Ticket, ProtocolError> {
        let (t, kid): (Ticket, String) =
            crate::open_signed("ticket", bytes, CONTENT_TYPE, &|kid| {
                (kid == station).then_some(*key)
            })?;
        if t.station_id != kid {
            return Err(ProtocolError::Mismatch(format!(
                "ticket of station {} signed as {kid}",
                t.station_id
            )));
        }
        Ok(t)
    }

    /// Checks that `ciphertext` is the bundle this ticket announces.
    pub fn matches(&self, ciphertext: &[u8]) -> bool {
        ciphertext.len() as u64 == self.ciphertext_len
            && crate::sha256(ciphertext) == *self.ciphertext_sha256
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn ticket(station: &str, sequence: u64, data: &[u8]) -> Ticket {
        Ticket {
            bundle_id: format!("b-{sequence}"),
            station_id: station.into(),
            station_sequence: sequence,
            ciphertext_sha256: Bytes32::new(crate::sha256(data)),
            ciphertext_len: data.len() as u64,
            manifest_sha256: Bytes32::new([7; 32]),
            decision: vec![0xd2],
            audit: AuditHead { sequence: 3, head: Bytes32::new([9; 32]) },
            sealed_at: 1,
        }
    }

    #[test]
    fn a_ticket_opens_with_its_station_key_and_matches_only_its_ciphertext() {
        let key = schemas::keys::new_signing_key().unwrap();
        let other = schemas::keys::new_signing_key().unwrap();
        let t = ticket("ST-1", 5, b"an age file");
        let signed = t.sign(&key);
        assert_eq!(Ticket::open(&signed, "ST-1", &key.verifying_key()).unwrap(), t);
        assert!(matches!(
            Ticket::open(&signed, "ST-1", &other.verifying_key()),
            Err(ProtocolError::BadSignature { .. })
        ));
        assert!(matches!(
            Ticket::open(&signed, "ST-2", &key.verifying_key()),
            Err(ProtocolError::UnknownKey { .. })
        ));
        // A ticket naming another station, signed with this station's key, is refused.
        let forged = Ticket { station_id: "ST-2".into(), ..t.clone() };
        let bytes = crate::sign(&forged, CONTENT_TYPE, "ST-1", &key);
        assert!(matches!(
            Ticket::open(&bytes, "ST-1", &key.verifying_key()),
            Err(ProtocolError::Mismatch(_))
        ));
        assert!(t.matches(b"an age file"));
        assert!(!t.matches(b"an age filf") && !t.matches(b"an age file!"));
    }
}
