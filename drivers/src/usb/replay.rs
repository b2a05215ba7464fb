//! A [`Transport`] that plays back a usbmon recording, in process: each control transfer the
//! driver makes must be the recording's next one (the same setup packet, the same data out) and
//! gets the recorded answer; interrupt and bulk reads get the recorded completions of their
//! endpoint in order. Standard requests (descriptors, configuration: the kernel's and the host
//! library's) are skipped. Anything the recording does not hold next is an error naming both.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use super::usbmon::{self, Event, Kind, RecordingError};
use super::{Transport, UsbError, Vendor};

#[derive(Debug, Clone)]
struct Done {
    status: i32,
    data: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Control {
    setup: [u8; 8],
    out: Vec<u8>,
    done: Done,
}

#[derive(Debug, Default)]
pub struct Replay {
    controls: VecDeque<Control>,
    interrupts: HashMap<u8, VecDeque<Done>>,
    bulks: HashMap<u8, VecDeque<Done>>,
}

/// An errno of a completion as the driver sees it.
fn status_error(status: i32) -> UsbError {
    match status {
        -32 => UsbError::Stall,
        -19 | -108 | -71 => UsbError::Disconnected,
        -110 => UsbError::Timeout(Duration::ZERO),
        other => UsbError::Other(format!("the transfer ended with errno {}", -other)),
    }
}

fn setup_of(request_type: u8, req: Vendor, length: u16) -> [u8; 8] {
    let mut s = [request_type, req.request, 0, 0, 0, 0, 0, 0];
    s[2..4].copy_from_slice(&req.value.to_le_bytes());
    s[4..6].copy_from_slice(&req.index.to_le_bytes());
    s[6..8].copy_from_slice(&length.to_le_bytes());
    s
}

impl Replay {
    /// Builds the replay of a recording (usbmon pcapng).
    pub fn from_recording(recording: &[u8]) -> Result<Replay, RecordingError> {
        Ok(Replay::from_events(&usbmon::read(recording)?))
    }

    pub fn from_events(events: &[Event]) -> Replay {
        let mut r = Replay::default();
        // Control submissions in order, each waiting for its completion. The kernel reuses a
        // URB's id once it completed, so a completion belongs to the oldest open submission
        // with its id.
        let mut slots: Vec<([u8; 8], Vec<u8>, Option<Done>)> = Vec::new();
        let mut open: HashMap<u64, VecDeque<usize>> = HashMap::new();
        for e in events {
            match (e.kind, e.what) {
                (Kind::Control, b'S') => {
                    let Some(setup) = e.setup else { continue };
                    // Standard requests (type bits 0) are the kernel's and the library's.
                    if setup[0] & 0x60 == 0 {
                        continue;
                    }
                    let out = if setup[0] & 0x80 == 0 { e.data.clone() } else { Vec::new() };
                    open.entry(e.urb).or_default().push_back(slots.len());
                    slots.push((setup, out, None));
                }
                (Kind::Control, b'C') => {
                    if let Some(i) = open.get_mut(&e.urb).and_then(VecDeque::pop_front) {
                        slots[i].2 = Some(Done { status: e.status, data: e.data.clone() });
                    }
                }
                (Kind::Interrupt, b'C') => r
                    .interrupts
                    .entry(e.endpoint)
                    .or_default()
                    .push_back(Done { status: e.status, data: e.data.clone() }),
                (Kind::Bulk, b'C') => r
                    .bulks
                    .entry(e.endpoint)
                    .or_default()
                    .push_back(Done { status: e.status, data: e.data.clone() }),
                _ => {}
            }
        }
        for (setup, out, done) in slots {
            if let Some(done) = done {
                r.controls.push_back(Control { setup, out, done });
            }
        }
        r
    }

    /// Control transfers of the recording the driver has not made.
    pub fn remaining_controls(&self) -> usize {
        self.controls.len()
    }

    fn control(&mut self, setup: [u8; 8], out: &[u8]) -> Result<Vec<u8>, UsbError> {
        let next = self.controls.front().ok_or_else(|| {
            UsbError::NotRecorded(format!(
                "control transfer {} after the recording's last one",
                hex(&setup)
            ))
        })?;
        if next.setup != setup || next.out != out {
            return Err(UsbError::NotRecorded(format!(
                "the driver sent control {} with data [{}]; the recording's next is {} with [{}]",
                hex(&setup),
                hex(out),
                hex(&next.setup),
                hex(&next.out)
            )));
        }
        let c = self.controls.pop_front().expect("checked above");
        if c.done.status != 0 {
            return Err(status_error(c.done.status));
        }
        Ok(c.done.data)
    }

    fn next_of(
        queue: Option<&mut VecDeque<Done>>,
        what: &str,
        ep: u8,
    ) -> Result<Vec<u8>, UsbError> {
        let q = queue.ok_or_else(|| {
            UsbError::NotRecorded(format!(
                "no {what} transfer on endpoint {ep:#04x} in the recording"
            ))
        })?;
        loop {
            let d = q.pop_front().ok_or_else(|| {
                UsbError::NotRecorded(format!(
                    "a {what} read on {ep:#04x} after the recording's last one"
                ))
            })?;
            match d.status {
                0 => return Ok(d.data),
                // A transfer the host cancelled (at close) answers nothing.
                -2 => continue,
                s => return Err(status_error(s)),
            }
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Transport for Replay {
    fn is_recording(&self) -> bool {
        true
    }

    fn control_in(
        &mut self,
        req: Vendor,
        length: u16,
        _timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        let data = self.control(setup_of(0xC0, req, length), &[])?;
        if data.len() > length as usize {
            return Err(UsbError::Other(format!(
                "{} bytes recorded for a read of {length}",
                data.len()
            )));
        }
        Ok(data)
    }

    fn control_out(
        &mut self,
        req: Vendor,
        data: &[u8],
        _timeout: Duration,
    ) -> Result<(), UsbError> {
        self.control(setup_of(0x40, req, data.len() as u16), data).map(|_| ())
    }

    fn interrupt_in(
        &mut self,
        ep: u8,
        length: usize,
        _timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        let d = Self::next_of(self.interrupts.get_mut(&ep), "interrupt", ep)?;
        Ok(d[..d.len().min(length)].to_vec())
    }

    fn bulk_in_after(
        &mut self,
        ep: u8,
        length: usize,
        then: (Vendor, &[u8]),
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        self.control_out(then.0, then.1, timeout)?;
        let d = Self::next_of(self.bulks.get_mut(&ep), "bulk", ep)?;
        if d.len() > length {
            return Err(UsbError::Other(format!(
                "{} bytes recorded for a read of {length}",
                d.len()
            )));
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(
        urb: u64,
        what: u8,
        kind: Kind,
        ep: u8,
        status: i32,
        setup: Option<[u8; 8]>,
        data: &[u8],
    ) -> Event {
        Event {
            urb,
            what,
            kind,
            endpoint: ep,
            device: 2,
            status,
            length: data.len() as u32,
            setup,
            data: data.to_vec(),
        }
    }

    #[test]
    fn transfers_come_back_as_recorded_and_anything_else_is_refused() {
        let read = setup_of(0xC0, Vendor { request: 4, value: 7, index: 0 }, 1);
        let write = setup_of(0x40, Vendor { request: 4, value: 0x4e, index: 0 }, 1);
        let events = vec![
            ev(1, b'S', Kind::Control, 0x80, -115, Some([0x80, 6, 0, 1, 0, 0, 18, 0]), &[]),
            ev(1, b'C', Kind::Control, 0x80, 0, None, &[0x12; 18]),
            ev(2, b'S', Kind::Control, 0x80, -115, Some(read), &[]),
            ev(2, b'C', Kind::Control, 0x80, 0, None, &[0x01]),
            ev(3, b'S', Kind::Control, 0x00, -115, Some(write), &[0x10]),
            ev(3, b'C', Kind::Control, 0x00, 0, None, &[]),
            ev(4, b'C', Kind::Interrupt, 0x81, 0, None, &[0x01, 0x01]),
            ev(5, b'C', Kind::Interrupt, 0x81, -2, None, &[]),
        ];
        let mut r = Replay::from_events(&events);
        assert_eq!(r.remaining_controls(), 2, "the standard request is skipped");
        let t = Duration::from_secs(1);
        // Out of order: the write comes before the read in the recording? No: refused by name.
        let e =
            r.control_out(Vendor { request: 4, value: 0x4e, index: 0 }, &[0x10], t).unwrap_err();
        assert!(matches!(&e, UsbError::NotRecorded(m) if m.contains("c004070000000100")), "{e}");
        assert_eq!(r.control_in(Vendor { request: 4, value: 7, index: 0 }, 1, t).unwrap(), [0x01]);
        // The write with other data is refused; with the recorded data it passes.
        assert!(r.control_out(Vendor { request: 4, value: 0x4e, index: 0 }, &[0x20], t).is_err());
        r.control_out(Vendor { request: 4, value: 0x4e, index: 0 }, &[0x10], t).unwrap();
        assert_eq!(r.interrupt_in(0x81, 64, t).unwrap(), [0x01, 0x01]);
        // The cancelled one is skipped; nothing is left.
        assert!(matches!(r.interrupt_in(0x81, 64, t), Err(UsbError::NotRecorded(_))));
        assert!(matches!(
            r.bulk_in_after(0x82, 64, (Vendor { request: 4, value: 0x4e, index: 0 }, &[0x20]), t),
            Err(UsbError::NotRecorded(_))
        ));
        assert_eq!(status_error(-32), UsbError::Stall);
        assert_eq!(status_error(-19), UsbError::Disconnected);
    }
}
