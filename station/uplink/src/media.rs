//! Removable media for stations with no link (layout in [`sync::media`]): the waiting bundles
//! and their signed tickets are written to a folder; after the registry imported it, the
//! receipts it wrote there are verified (with the master data it left beside them) and only
//! then are the bundles erased from the station.

use std::path::Path;

use serde::Serialize;
use sync::master::MasterData;

use station_core::station::{CoreError, Station};

use super::outbox::{SyncIdentity, SyncState};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Exported {
    pub bundles: u32,
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Imported {
    /// Bundles whose receipt verified: erased from the station.
    pub receipted: Vec<String>,
    /// Receipts that did not verify, with why: their bundles stay.
    pub rejected: Vec<(String, String)>,
    /// The stick's master data was older than the station's and was not applied (a replayed
    /// copy): why, in English. Its receipts still count, verified with the keys held.
    pub master_data_refused: Option<String>,
}

fn media(e: sync::media::MediaError) -> CoreError {
    CoreError::RemovableMedia(e.to_string())
}

/// Sync without a link: bundles exported to removable media, and the registry's receipts
/// imported from it. Implemented for [`Station`].
pub trait RemovableMedia {
    /// Writes every waiting bundle (in sequence order, up to the first gap) with its ticket.
    fn export_to(&self, id: &SyncIdentity, dir: &Path) -> Result<Exported, CoreError>;
    /// Reads back the receipts the registry wrote into `dir`: the master data beside them is
    /// verified with the pinned root key and applied; each receipt is verified against its
    /// bundle's ticket, stored, and its bundle erased.
    fn import_receipts(
        &mut self,
        id: &SyncIdentity,
        dir: &Path,
        now_ms: i64,
    ) -> Result<Imported, CoreError>;
}

impl RemovableMedia for Station {
    fn export_to(&self, id: &SyncIdentity, dir: &Path) -> Result<Exported, CoreError> {
        let mut out = Exported::default();
        let operators = station_core::operators::list(&self.store)
            .map_err(CoreError::from)?
            .into_iter()
            .map(|o| sync::api::OperatorRegistration {
                username: o.username,
                role: o.role.as_str().into(),
                ed25519: o.public_key,
            })
            .collect();
        let list = sync::media::OperatorList { station_id: id.station_id.clone(), operators };
        // Only new regular files inside the export folder: a link planted on the stick where a
        // file goes is removed, never written through.
        let write =
            |path: &Path, bytes: &[u8]| sync::media::write_new(dir, path, bytes).map_err(media);
        write(&sync::media::operators_path(dir, &id.station_id), &list.sign(&id.key))?;
        for w in self.waiting(id, usize::MAX)? {
            let t = &w.ticket;
            write(
                &sync::media::bundle_path(dir, &t.station_id, t.station_sequence, &t.bundle_id),
                &w.bundle,
            )?;
            write(
                &sync::media::ticket_path(dir, &t.station_id, t.station_sequence, &t.bundle_id),
                &t.sign(&id.key),
            )?;
            out.bundles += 1;
            out.bytes += w.bundle.len() as u64;
        }
        Ok(out)
    }

    fn import_receipts(
        &mut self,
        id: &SyncIdentity,
        dir: &Path,
        now_ms: i64,
    ) -> Result<Imported, CoreError> {
        let root = self.registry_root_key()?.ok_or_else(|| {
            CoreError::Config("no registry root key: `station registry set` first".into())
        })?;
        let mpath = sync::media::master_data_path(dir, &id.station_id);
        let bytes = sync::media::read(dir, &mpath, sync::media::MAX_SIGNED, "master data")
            .map_err(media)?;
        let m = MasterData::open(&bytes, &root)
            .map_err(|e| CoreError::Config(format!("{}: {e}", mpath.display())))?;
        let mut out = Imported::default();
        match self.apply_master_data(&m, now_ms) {
            Ok(()) => {}
            Err(e @ CoreError::StaleMasterData { .. }) => {
                out.master_data_refused = Some(e.to_string())
            }
            Err(e) => return Err(e),
        }
        for w in self.waiting(id, usize::MAX)? {
            let rpath = sync::media::receipt_path(dir, &id.station_id, &w.ticket.bundle_id);
            let receipt = match sync::media::read(dir, &rpath, sync::media::MAX_RECEIPT, "receipt")
            {
                Ok(r) => r,
                Err(e) if e.is_missing() => continue,
                Err(e) => {
                    out.rejected.push((w.ticket.bundle_id.clone(), e.to_string()));
                    continue;
                }
            };
            match self.store_receipt(&w.ticket, &receipt, now_ms) {
                Ok(_) => out.receipted.push(w.ticket.bundle_id.clone()),
                Err(e) => out.rejected.push((w.ticket.bundle_id.clone(), e.to_string())),
            }
        }
        Ok(out)
    }
}
