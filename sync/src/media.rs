//! Removable media, for stations with no link at all: the station writes its signed tickets and
//! sealed bundles into a folder (a USB stick), the registry imports that folder and writes a
//! receipt beside each bundle it took, and the station reads the receipts back, verifies them and
//! only then deletes its copies.
//!
//! Layout, under the folder chosen: `hukumati-export/<station id>/tickets/<sequence>-<bundle
//! id>.ticket`, `.../bundles/<sequence>-<bundle id>.age`, and `.../receipts/<bundle id>.receipt`.
//! Sequence numbers are written with 10 digits so that names sort in order.

use std::path::{Path, PathBuf};

pub const ROOT: &str = "hukumati-export";

pub fn station_dir(dir: &Path, station: &str) -> PathBuf {
    dir.join(ROOT).join(station)
}

pub fn ticket_path(dir: &Path, station: &str, sequence: u64, bundle_id: &str) -> PathBuf {
    station_dir(dir, station).join("tickets").join(format!("{sequence:010}-{bundle_id}.ticket"))
}

pub fn bundle_path(dir: &Path, station: &str, sequence: u64, bundle_id: &str) -> PathBuf {
    station_dir(dir, station).join("bundles").join(format!("{sequence:010}-{bundle_id}.age"))
}

pub fn receipt_path(dir: &Path, station: &str, bundle_id: &str) -> PathBuf {
    station_dir(dir, station).join("receipts").join(format!("{bundle_id}.receipt"))
}

/// The bundle file beside a ticket file.
pub fn bundle_for_ticket(ticket: &Path) -> Option<PathBuf> {
    let name = ticket.file_name()?.to_str()?.strip_suffix(".ticket")?;
    Some(ticket.parent()?.parent()?.join("bundles").join(format!("{name}.age")))
}

/// The station's master data as the registry signed it at import, for verifying the receipts.
pub fn master_data_path(dir: &Path, station: &str) -> PathBuf {
    station_dir(dir, station).join("master-data.cose")
}

/// The station's operators, signed by the station, for the registry to register before it
/// verifies their bundles (a station with no link never registered them).
pub fn operators_path(dir: &Path, station: &str) -> PathBuf {
    station_dir(dir, station).join("operators.cose")
}

pub const OPERATORS_CONTENT_TYPE: &str = "application/vnd.hukumati.operators+cbor";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorList {
    pub station_id: String,
    pub operators: Vec<crate::api::OperatorRegistration>,
}

impl OperatorList {
    pub fn sign(&self, key: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, OPERATORS_CONTENT_TYPE, &self.station_id, key)
    }

    pub fn open(
        bytes: &[u8],
        station: &str,
        key: &schemas::VerifyingKey,
    ) -> Result<OperatorList, crate::ProtocolError> {
        let (l, _): (OperatorList, String) =
            crate::open_signed("operator list", bytes, OPERATORS_CONTENT_TYPE, &|kid| {
                (kid == station).then_some(*key)
            })?;
        if l.station_id != station {
            return Err(crate::ProtocolError::Mismatch(format!(
                "operators of {} in the folder of {station}",
                l.station_id
            )));
        }
        Ok(l)
    }
}
