//! DigitalPersona U.are.U 4500 (USB 05ba:000a): a single-finger optical reader, for operator
//! log-in and spot captures. Written from the protocol facts of the shared recording's README:
//! vendor requests read and write the device's registers, an interrupt endpoint reports power
//! and finger events, a bulk endpoint delivers a frame whose lines are scrambled with a key the
//! driver and the device agree on through a random seed.
//!
//! The driver runs over any [`Transport`]: nusb for the device ([`crate::usb::live`]) or a
//! recording ([`crate::usb::replay`]); the seed comes from a function given to it, so that a
//! replay uses the recording's.

pub mod frame;

use std::time::Duration;

use crate::device::{
    Backend, DeviceError, DeviceInfo, DeviceStatus, Finger, FingerCapture, FingerprintScanner,
    Frame, Slap,
};
use crate::raster::Image;
use crate::usb::{Transport, UsbError, Vendor};

pub const VENDOR_ID: u16 = 0x05ba;
pub const PRODUCT_ID: u16 = 0x000a;
/// The sensor's resolution.
pub const PPI: u16 = 512;

const REQUEST: u8 = 0x04;
const REG_HWSTAT: u16 = 0x07;
const REG_SCRAMBLE_INDEX: u16 = 0x33;
const REG_SCRAMBLE_KEY: u16 = 0x34;
const REG_MODE: u16 = 0x4e;
const REG_DEVICE_INFO: u16 = 0xf0;

const MODE_AWAIT_FINGER_ON: u8 = 0x10;
const MODE_CAPTURE: u8 = 0x20;
const MODE_AWAIT_FINGER_OFF: u8 = 0x12;
const MODE_OFF: u8 = 0x70;

const IRQ_POWER_UP: u16 = 0x56aa;
const IRQ_FINGER_ON: u16 = 0x0101;
const IRQ_FINGER_OFF: u16 = 0x0200;

const EP_INTERRUPT: u8 = 0x81;
const EP_DATA: u8 = 0x82;
/// The bulk read of one frame (a whole number of 64-byte packets, larger than any frame).
const FRAME_READ: usize = 111_424;

const CONTROL_TIMEOUT: Duration = Duration::from_secs(1);

fn usb(e: UsbError) -> DeviceError {
    match e {
        UsbError::Disconnected => DeviceError::Disconnected,
        UsbError::Timeout(t) => DeviceError::Timeout(t),
        other => DeviceError::Protocol(other.to_string()),
    }
}

fn bad_frame(e: frame::FrameError) -> DeviceError {
    DeviceError::Protocol(e.to_string())
}

/// A random seed from the operating system, for a real device.
pub fn random_seed() -> Box<dyn FnMut() -> u32 + Send> {
    Box::new(|| {
        let mut b = [0u8; 4];
        // The seed only makes the scrambling key differ from one capture to the next.
        let _ = getrandom::fill(&mut b);
        u32::from_le_bytes(b)
    })
}

pub struct Uru4500<T: Transport> {
    t: T,
    seed: Box<dyn FnMut() -> u32 + Send>,
    info: DeviceInfo,
    status: DeviceStatus,
}

impl<T: Transport> Uru4500<T> {
    /// Powers the reader up and reads its identity.
    pub fn open(mut t: T, seed: Box<dyn FnMut() -> u32 + Send>) -> Result<Uru4500<T>, DeviceError> {
        let hw = read_reg(&mut t, REG_HWSTAT, 1)?;
        let hw =
            *hw.first().ok_or_else(|| DeviceError::Protocol("empty hardware status".into()))?;
        // Power down first if it is up, then up: the device answers with a power-up event.
        if hw & 0x80 == 0 {
            write_reg(&mut t, REG_HWSTAT, &[hw | 0x80])?;
        }
        write_reg(&mut t, REG_HWSTAT, &[hw & 0x0f])?;
        wait_for(&mut t, IRQ_POWER_UP, Duration::from_secs(3))?;
        read_reg(&mut t, REG_HWSTAT, 1)?;
        let info = read_reg(&mut t, REG_DEVICE_INFO, 16)?;
        let serial: String = info.iter().map(|b| format!("{b:02x}")).collect();
        let info = DeviceInfo {
            backend: if t.is_recording() { Backend::Replayed } else { Backend::Usb },
            make: "DigitalPersona".into(),
            model: "U.are.U 4500".into(),
            serial,
            firmware: String::new(),
        };
        Ok(Uru4500 { t, seed, info, status: DeviceStatus::Ready })
    }

    /// Waits for a finger, reads its frame, descrambles it, waits for the finger to leave:
    /// the 384x290 picture, ridges dark on light.
    pub fn capture(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        self.status = DeviceStatus::Busy;
        let result = self.capture_inner(timeout);
        self.status = match &result {
            Err(DeviceError::Disconnected) => DeviceStatus::Disconnected,
            _ => DeviceStatus::Ready,
        };
        if result.is_err() && self.status != DeviceStatus::Disconnected {
            // Leave the reader idle, ready for the next attempt.
            let _ = write_reg(&mut self.t, REG_MODE, &[MODE_OFF]);
        }
        result
    }

    fn capture_inner(&mut self, timeout: Duration) -> Result<Image, DeviceError> {
        write_reg(&mut self.t, REG_MODE, &[MODE_AWAIT_FINGER_ON])?;
        wait_for(&mut self.t, IRQ_FINGER_ON, timeout)?;
        let mode = Vendor { request: REQUEST, value: REG_MODE, index: 0 };
        let raw = self
            .t
            .bulk_in_after(EP_DATA, FRAME_READ, (mode, &[MODE_CAPTURE]), Duration::from_secs(5))
            .map_err(usb)?;
        let header = frame::parse_header(&raw).map_err(bad_frame)?;
        let key = exchange(&mut self.t, &mut self.seed, header.key_number)?;
        let (t, seed) = (&mut self.t, &mut self.seed);
        let pixels = frame::decode(raw, key, &mut |n| {
            exchange(t, seed, n).map_err(|e| frame::FrameError::Rekey(e.to_string()))
        })
        .map_err(bad_frame)?;
        write_reg(&mut self.t, REG_MODE, &[MODE_AWAIT_FINGER_OFF])?;
        wait_for(&mut self.t, IRQ_FINGER_OFF, Duration::from_secs(30))?;
        write_reg(&mut self.t, REG_MODE, &[MODE_OFF])?;
        Ok(Image {
            width: frame::WIDTH as u32,
            height: frame::HEIGHT as u32,
            channels: 1,
            data: pixels,
        })
    }

    /// The transport, back (a replay checks that the whole recording was used).
    pub fn into_transport(self) -> T {
        self.t
    }
}

fn read_reg(t: &mut dyn Transport, reg: u16, len: u16) -> Result<Vec<u8>, DeviceError> {
    let v = t
        .control_in(Vendor { request: REQUEST, value: reg, index: 0 }, len, CONTROL_TIMEOUT)
        .map_err(usb)?;
    if v.len() != len as usize {
        return Err(DeviceError::Protocol(format!(
            "register {reg:#04x}: {} bytes, {len} asked",
            v.len()
        )));
    }
    Ok(v)
}

fn write_reg(t: &mut dyn Transport, reg: u16, data: &[u8]) -> Result<(), DeviceError> {
    t.control_out(Vendor { request: REQUEST, value: reg, index: 0 }, data, CONTROL_TIMEOUT)
        .map_err(usb)
}

/// The key of `key_number`: a fresh seed written, the device's answer read, the two combined.
fn exchange(
    t: &mut dyn Transport,
    seed: &mut Box<dyn FnMut() -> u32 + Send>,
    key_number: u8,
) -> Result<u32, DeviceError> {
    let s = seed();
    let mut msg = vec![key_number];
    msg.extend_from_slice(&s.to_le_bytes());
    write_reg(t, REG_SCRAMBLE_INDEX, &msg)?;
    let k = read_reg(t, REG_SCRAMBLE_KEY, 4)?;
    Ok(u32::from_le_bytes([k[0], k[1], k[2], k[3]]) ^ s)
}

/// Waits for the interrupt event `word`; other known events pass (a power-up reported again),
/// an unknown one is an error.
fn wait_for(t: &mut dyn Transport, word: u16, timeout: Duration) -> Result<(), DeviceError> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(DeviceError::Timeout(timeout));
        }
        let p = t.interrupt_in(EP_INTERRUPT, 64, left).map_err(usb)?;
        if p.len() < 2 {
            return Err(DeviceError::Protocol(format!("an interrupt packet of {} bytes", p.len())));
        }
        match u16::from_be_bytes([p[0], p[1]]) {
            w if w == word => return Ok(()),
            IRQ_POWER_UP | IRQ_FINGER_ON | IRQ_FINGER_OFF => continue,
            other => {
                return Err(DeviceError::Protocol(format!("unknown interrupt word {other:#06x}")));
            }
        }
    }
}

impl<T: Transport> FingerprintScanner for Uru4500<T> {
    fn info(&self) -> DeviceInfo {
        self.info.clone()
    }

    fn status(&self) -> DeviceStatus {
        self.status
    }

    fn preview(&mut self) -> Result<Frame, DeviceError> {
        Err(DeviceError::Unsupported("show a live preview (it delivers one frame per finger)"))
    }

    fn capture_finger(
        &mut self,
        finger: Finger,
        timeout: Duration,
    ) -> Result<FingerCapture, DeviceError> {
        let image = self.capture(timeout)?;
        Ok(FingerCapture { finger, image, ppi: PPI, device_quality: None, signed: None })
    }

    fn capture_slap(
        &mut self,
        _slap: Slap,
        _absent: &[Finger],
        _timeout: Duration,
    ) -> Result<Vec<FingerCapture>, DeviceError> {
        Err(DeviceError::Unsupported("capture slaps (a single-finger reader)"))
    }
}

/// The seed a recorded session wrote to the device (its first write of the scramble index).
pub fn recorded_seed(events: &[crate::usb::usbmon::Event]) -> Option<u32> {
    events.iter().find_map(|e| {
        let s = e.setup?;
        (e.what == b'S'
            && s[0] == 0x40
            && s[1] == REQUEST
            && u16::from_le_bytes([s[2], s[3]]) == REG_SCRAMBLE_INDEX
            && e.data.len() == 5)
            .then(|| u32::from_le_bytes([e.data[1], e.data[2], e.data[3], e.data[4]]))
    })
}

/// Decodes a recorded session: the driver runs against the recording (with the seed it wrote)
/// and must make exactly the recorded transfers; the captured picture.
pub fn replay(recording: &[u8]) -> Result<Image, DeviceError> {
    let events =
        crate::usb::usbmon::read(recording).map_err(|e| DeviceError::Protocol(e.to_string()))?;
    let seed = recorded_seed(&events).ok_or_else(|| {
        DeviceError::Protocol("the recording writes no seed: it holds no capture".into())
    })?;
    let transport = crate::usb::replay::Replay::from_events(&events);
    let mut dev = Uru4500::open(transport, Box::new(move || seed))?;
    let image = dev.capture(Duration::from_secs(30))?;
    let left = dev.into_transport().remaining_controls();
    if left != 0 {
        return Err(DeviceError::Protocol(format!(
            "the driver stopped with {left} recorded control transfers not made"
        )));
    }
    Ok(image)
}
