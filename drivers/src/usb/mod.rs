//! USB devices spoken to directly: the transfers a driver makes, behind one [`Transport`] trait
//! with two implementations: [`nusb`](self::live) for a device on the bus, and [`replay`] which
//! plays back a usbmon recording (the only way to test a USB driver without the device:
//! umockdev cannot drive nusb, whose raw syscalls bypass its preload library).
//!
//! - [`usbmon`]: reading a Linux usbmon pcapng recording into URBs;
//! - [`replay`]: a transport answering from a recording, failing loudly on anything it lacks;
//! - [`live`]: the transport over nusb, and hotplug.

pub mod live;
pub mod replay;
pub mod usbmon;

use std::time::Duration;

/// Why a transfer failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum UsbError {
    #[error("the device is gone (unplugged)")]
    Disconnected,
    #[error("the endpoint stalled")]
    Stall,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// A replay's recording has no such transfer next, or has another.
    #[error("not in the recording: {0}")]
    NotRecorded(String),
    #[error("USB: {0}")]
    Other(String),
}

/// A vendor control request to the device (`bmRequestType` 0x40 out, 0xC0 in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vendor {
    pub request: u8,
    pub value: u16,
    pub index: u16,
}

/// The transfers a driver needs from a device with vendor registers, an interrupt endpoint for
/// events and a bulk endpoint for data.
pub trait Transport: Send {
    /// A vendor control read of `length` bytes.
    fn control_in(
        &mut self,
        req: Vendor,
        length: u16,
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError>;
    /// A vendor control write.
    fn control_out(&mut self, req: Vendor, data: &[u8], timeout: Duration) -> Result<(), UsbError>;
    /// The next packet of the interrupt IN endpoint `ep`.
    fn interrupt_in(
        &mut self,
        ep: u8,
        length: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError>;
    /// A bulk IN read of up to `length` bytes on `ep`, submitted before the control write
    /// `then` (the write that makes the device start sending), then waited for.
    fn bulk_in_after(
        &mut self,
        ep: u8,
        length: usize,
        then: (Vendor, &[u8]),
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError>;
    /// Whether this plays back a recording instead of talking to a device: a driver over it
    /// reports [`Backend::Replayed`](crate::device::Backend::Replayed), so that what it captures
    /// is never taken for a person at the counter.
    fn is_recording(&self) -> bool {
        false
    }
}
