//! Protocol types shared by the station's sync worker and the registry's intake.
//!
//! For now: the ticket a station announces for each sealed bundle before uploading it. The
//! transport (signed requests, resumable uploads, receipts, status feed) comes with the sync issue.

use serde::{Deserialize, Serialize};

/// What a station tells the registry about one sealed bundle before sending it. The registry
/// answers per ticket: have it, send it, or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub bundle_id: String,
    pub station_id: String,
    pub station_sequence: u64,
    /// SHA-256 of the age file: the bundle's content address.
    pub ciphertext_sha256: String,
    pub ciphertext_len: u64,
    /// SHA-256 of the signed manifest, which the supervisor's decision binds to.
    pub manifest_sha256: String,
    /// The supervisor's COSE_Sign1 decision statement, hex.
    pub decision: String,
}

impl Ticket {
    /// The ticket for a bundle just sealed by [`schemas::bundle::seal`].
    pub fn for_sealed(sealed: &schemas::bundle::Sealed, station_id: &str, sequence: u64, decision: &[u8]) -> Ticket {
        Ticket {
            bundle_id: sealed.bundle_id.clone(),
            station_id: station_id.to_string(),
            station_sequence: sequence,
            ciphertext_sha256: hex::encode(sealed.ciphertext_sha256),
            ciphertext_len: sealed.ciphertext_len,
            manifest_sha256: hex::encode(sealed.manifest_sha256),
            decision: hex::encode(decision),
        }
    }

    /// Checks that `ciphertext` is the bundle this ticket announces.
    pub fn matches(&self, ciphertext: &[u8]) -> bool {
        use sha2::Digest;
        ciphertext.len() as u64 == self.ciphertext_len && hex::encode(sha2::Sha256::digest(ciphertext)) == self.ciphertext_sha256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_matches_only_its_ciphertext() {
        let data = b"an age file".to_vec();
        use sha2::Digest;
        let sealed = schemas::bundle::Sealed {
            bundle_id: "b".into(),
            manifest_sha256: [1; 32],
            ciphertext_sha256: sha2::Sha256::digest(&data).into(),
            ciphertext_len: data.len() as u64,
            plaintext_len: 0,
        };
        let t = Ticket::for_sealed(&sealed, "ST-1", 5, b"\xd2");
        assert!(t.matches(&data));
        assert!(!t.matches(b"an age filf"));
        assert!(!t.matches(b"an age file!"));
    }
}
