//! Linux usbmon recordings: a pcapng file (read with the `pcap-file` crate) whose packets, of
//! link type 220 (LINKTYPE_USB_LINUX_MMAPPED), each start with the kernel's 64-byte usbmon
//! header: the URB's id, whether it is a submission ('S'), a completion ('C') or an error
//! ('E'), the transfer type, endpoint, device, status, lengths, the setup packet of a control
//! submission, then the data captured.

/// Transfer types as usbmon numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Isochronous,
    Interrupt,
    Control,
    Bulk,
}

/// One usbmon event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub urb: u64,
    /// b'S', b'C' or b'E'.
    pub what: u8,
    pub kind: Kind,
    /// Endpoint address, 0x80 set for IN.
    pub endpoint: u8,
    pub device: u8,
    /// 0, or a negative errno (-115 pending on a submission, -2 cancelled, -32 stall, ...).
    pub status: i32,
    /// Requested (submission) or actual (completion) length.
    pub length: u32,
    /// The setup packet of a control submission.
    pub setup: Option<[u8; 8]>,
    pub data: Vec<u8>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RecordingError {
    #[error("not a pcapng recording: {0}")]
    Pcapng(String),
    #[error("the recording's link type is {0}, not usbmon's (220, USB Linux mmapped)")]
    LinkType(u32),
    #[error("packet {index}: {problem}")]
    Packet { index: usize, problem: String },
}

const HEADER: usize = 64;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads every usbmon event of a recording, in order.
pub fn read(recording: &[u8]) -> Result<Vec<Event>, RecordingError> {
    use pcap_file::pcapng::{Block, PcapNgReader};
    let mut reader =
        PcapNgReader::new(recording).map_err(|e| RecordingError::Pcapng(e.to_string()))?;
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(block) = reader.next_block() {
        let block = block.map_err(|e| RecordingError::Pcapng(e.to_string()))?;
        match block {
            Block::InterfaceDescription(idb) => {
                let lt: u32 = idb.linktype.into();
                if lt != 220 {
                    return Err(RecordingError::LinkType(lt));
                }
            }
            Block::EnhancedPacket(p) => {
                out.push(
                    parse(&p.data).map_err(|problem| RecordingError::Packet { index, problem })?,
                );
                index += 1;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// One packet: the usbmon header and what follows it.
pub fn parse(p: &[u8]) -> Result<Event, String> {
    if p.len() < HEADER {
        return Err(format!("{} bytes, shorter than the usbmon header", p.len()));
    }
    let kind = match p[9] {
        0 => Kind::Isochronous,
        1 => Kind::Interrupt,
        2 => Kind::Control,
        3 => Kind::Bulk,
        other => return Err(format!("transfer type {other}")),
    };
    let what = p[8];
    if !matches!(what, b'S' | b'C' | b'E') {
        return Err(format!("event type {what:#04x}"));
    }
    let captured = u32_at(p, 36) as usize;
    let data = p
        .get(HEADER..HEADER + captured)
        .ok_or_else(|| format!("{captured} bytes of data announced, {} present", p.len() - HEADER))?
        .to_vec();
    let setup = (p[14] == 0).then(|| p[40..48].try_into().expect("8 bytes"));
    Ok(Event {
        urb: u64::from_le_bytes(p[0..8].try_into().expect("8 bytes")),
        what,
        kind,
        endpoint: p[10],
        device: p[11],
        status: u32_at(p, 28) as i32,
        length: u32_at(p, 32),
        setup,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(what: u8, kind: u8, ep: u8, status: i32, data: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 64];
        p[8] = what;
        p[9] = kind;
        p[10] = ep;
        p[14] = b'-';
        p[28..32].copy_from_slice(&status.to_le_bytes());
        p[32..36].copy_from_slice(&(data.len() as u32).to_le_bytes());
        p[36..40].copy_from_slice(&(data.len() as u32).to_le_bytes());
        p.extend_from_slice(data);
        p
    }

    #[test]
    fn packets_parse_and_bad_ones_say_why() {
        let e = parse(&header(b'C', 1, 0x81, 0, &[0x56, 0xaa])).unwrap();
        assert_eq!(
            (e.what, e.kind, e.endpoint, e.status, e.data.as_slice()),
            (b'C', Kind::Interrupt, 0x81, 0, &[0x56, 0xaa][..])
        );
        assert!(parse(&[0; 10]).unwrap_err().contains("shorter"));
        let mut p = header(b'C', 3, 0x82, 0, &[1, 2, 3]);
        p.truncate(65);
        assert!(parse(&p).unwrap_err().contains("announced"));
        assert!(parse(&header(b'X', 3, 0x82, 0, &[])).is_err());
        assert!(parse(&header(b'S', 9, 0x82, 0, &[])).is_err());
        assert!(matches!(read(b"not a recording"), Err(RecordingError::Pcapng(_))));
    }
}
