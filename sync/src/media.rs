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

/// The most a ticket file may hold (a signed ticket is well under 2 KiB).
pub const MAX_TICKET: u64 = 64 * 1024;
/// The most a receipt file may hold.
pub const MAX_RECEIPT: u64 = 64 * 1024;
/// The most the signed operator list or master data may hold.
pub const MAX_SIGNED: u64 = 4 << 20;

/// Why a file on removable media was not used. Whoever wrote the stick may be hostile: a link
/// planted where a file is expected (to the station's database, the registry's root key,
/// `/dev/zero`), a device or pipe, a file too large to hold in memory.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{path}: a symbolic link, which is never followed on removable media")]
    Link { path: String },
    #[error("{path}: not a regular file")]
    NotAFile { path: String },
    #[error("{path}: {size} bytes or more, above the {max} a {what} may have")]
    TooLarge { path: String, size: u64, max: u64, what: &'static str },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl MediaError {
    /// The file is simply not there (nothing was written yet, say).
    pub fn is_missing(&self) -> bool {
        matches!(self, MediaError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

fn io_err(p: &Path, source: std::io::Error) -> MediaError {
    MediaError::Io { path: shown(p), source }
}

/// Every folder from `root` (the stick's folder as the operator named it, trusted) down to
/// `path`'s parent must be a real folder, not a link.
fn real_folders(root: &Path, path: &Path) -> Result<(), MediaError> {
    let rel = path.strip_prefix(root).map_err(|_| MediaError::NotAFile { path: shown(path) })?;
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for c in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(c);
        let m = std::fs::symlink_metadata(&at).map_err(|e| io_err(&at, e))?;
        if m.file_type().is_symlink() {
            return Err(MediaError::Link { path: shown(&at) });
        }
        if !m.is_dir() {
            return Err(MediaError::NotAFile { path: shown(&at) });
        }
    }
    Ok(())
}

/// Reads a file of removable media under `root`: never through a link (in the file or any
/// folder on the way), only a regular file, at most `max` bytes.
pub fn read(root: &Path, path: &Path, max: u64, what: &'static str) -> Result<Vec<u8>, MediaError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    real_folders(root, path)?;
    // No-follow: a link in the file's place fails here (ELOOP). Non-blocking: a pipe put there
    // does not hang the open; the regular-file check below then refuses it.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => MediaError::Link { path: shown(path) },
            _ => io_err(path, e),
        })?;
    let m = f.metadata().map_err(|e| io_err(path, e))?;
    if !m.is_file() {
        return Err(MediaError::NotAFile { path: shown(path) });
    }
    if m.len() > max {
        return Err(MediaError::TooLarge { path: shown(path), size: m.len(), max, what });
    }
    let mut out = Vec::with_capacity(m.len() as usize);
    // The file may grow while it is read: never more than the cap.
    f.take(max + 1).read_to_end(&mut out).map_err(|e| io_err(path, e))?;
    if out.len() as u64 > max {
        return Err(MediaError::TooLarge { path: shown(path), size: out.len() as u64, max, what });
    }
    Ok(out)
}

/// Writes `bytes` as a new regular file at `path` under `root`, made and synced to the medium:
/// folders on the way are made, and must not be links; whatever stood at `path` (a file of an
/// earlier export, or a planted link) is removed first (removing a link never touches what it
/// points to), and the file is created anew, never opened through a link.
pub fn write_new(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let rel = path.strip_prefix(root).map_err(|_| MediaError::NotAFile { path: shown(path) })?;
    // The folder the operator named is theirs to choose: made if it is not there yet.
    std::fs::create_dir_all(root).map_err(|e| io_err(root, e))?;
    let parts: Vec<_> = rel.components().collect();
    let mut at = root.to_path_buf();
    for c in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(MediaError::Link { path: shown(&at) });
            }
            Ok(m) if !m.is_dir() => return Err(MediaError::NotAFile { path: shown(&at) }),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&at).map_err(|e| io_err(&at, e))?;
            }
            Err(e) => return Err(io_err(&at, e)),
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => return Err(MediaError::NotAFile { path: shown(path) }),
        Ok(_) => std::fs::remove_file(path).map_err(|e| io_err(path, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(path, e)),
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| io_err(path, e))?;
    f.write_all(bytes).map_err(|e| io_err(path, e))?;
    f.sync_all().map_err(|e| io_err(path, e))?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io_err(dir, e))?;
    }
    Ok(())
}

/// The entries of folder `dir` under `root` that are real folders (`folders`) or regular files
/// ending in `ext`, sorted; links and anything else are left out. A missing folder is empty.
pub fn list(root: &Path, dir: &Path, folders: bool, ext: &str) -> Result<Vec<PathBuf>, MediaError> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(MediaError::Link { path: shown(dir) }),
        Ok(m) if !m.is_dir() => return Err(MediaError::NotAFile { path: shown(dir) }),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(dir, e)),
    }
    real_folders(root, &dir.join("x"))?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        // The entry's own type: a link reads as a link, not as what it points to.
        let t = entry.file_type().map_err(|e| io_err(&entry.path(), e))?;
        let p = entry.path();
        let keep = if folders {
            t.is_dir()
        } else {
            t.is_file() && p.extension().is_some_and(|x| x == ext)
        };
        if keep {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sync-media-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn links_devices_and_large_files_on_a_stick_are_refused() {
        let root = scratch("read");
        let precious = root.join("precious.db");
        std::fs::write(&precious, b"the station's database").unwrap();
        let sdir = station_dir(&root, "ST-1");
        std::fs::create_dir_all(&sdir).unwrap();
        let link = operators_path(&root, "ST-1");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        assert!(matches!(read(&root, &link, MAX_SIGNED, "list"), Err(MediaError::Link { .. })));
        let zero = master_data_path(&root, "ST-1");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read(&root, &zero, MAX_SIGNED, "master data"),
            Err(MediaError::Link { .. })
        ));
        // A link to a folder on the way.
        let elsewhere = scratch("read-elsewhere");
        std::fs::create_dir_all(elsewhere.join("receipts")).unwrap();
        std::fs::write(elsewhere.join("receipts/x.receipt"), b"r").unwrap();
        std::os::unix::fs::symlink(elsewhere.join("receipts"), sdir.join("receipts")).unwrap();
        let r = receipt_path(&root, "ST-1", "x");
        assert!(matches!(read(&root, &r, MAX_RECEIPT, "receipt"), Err(MediaError::Link { .. })));
        // A regular file over the cap.
        let big = ticket_path(&root, "ST-1", 1, "b");
        std::fs::create_dir_all(big.parent().unwrap()).unwrap();
        std::fs::write(&big, vec![0u8; MAX_TICKET as usize + 1]).unwrap();
        assert!(matches!(
            read(&root, &big, MAX_TICKET, "ticket"),
            Err(MediaError::TooLarge { .. })
        ));
        // A pipe does not hang the reader.
        let fifo = sdir.join("fifo.receipt");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(matches!(
            read(&root, &fifo, MAX_RECEIPT, "receipt"),
            Err(MediaError::NotAFile { .. })
        ));
        // Writing where a link stands removes the link, not its target.
        write_new(&root, &link, b"operators").unwrap();
        assert_eq!(std::fs::read(&precious).unwrap(), b"the station's database");
        assert_eq!(read(&root, &link, MAX_SIGNED, "list").unwrap(), b"operators");
        // Writing through a linked folder is refused.
        assert!(matches!(write_new(&root, &r, b"x"), Err(MediaError::Link { .. })));
        assert_eq!(std::fs::read(elsewhere.join("receipts/x.receipt")).unwrap(), b"r");
        // Listing leaves links out.
        let tickets = list(&root, big.parent().unwrap(), false, "ticket").unwrap();
        assert_eq!(tickets, std::slice::from_ref(&big));
        std::os::unix::fs::symlink(&precious, big.with_file_name("0000000002-c.ticket")).unwrap();
        assert_eq!(list(&root, big.parent().unwrap(), false, "ticket").unwrap(), [big]);
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&elsewhere);
    }
}
