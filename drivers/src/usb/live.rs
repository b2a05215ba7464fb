//! The [`Transport`] over nusb: a device on the bus, its interface claimed, one interrupt
//! transfer kept pending for events, bulk reads submitted before the control write that starts
//! them. And hotplug: devices of a given vendor and product arriving and leaving.

use std::sync::mpsc;
use std::time::Duration;

use nusb::MaybeFuture;
use nusb::transfer::{
    Buffer, Bulk, ControlIn, ControlOut, ControlType, In, Interrupt, Recipient, TransferError,
};

use super::{Transport, UsbError, Vendor};

fn err(e: TransferError) -> UsbError {
    match e {
        TransferError::Stall => UsbError::Stall,
        TransferError::Disconnected => UsbError::Disconnected,
        TransferError::Cancelled => UsbError::Timeout(Duration::ZERO),
        other => UsbError::Other(other.to_string()),
    }
}

fn open_err(e: nusb::Error) -> UsbError {
    UsbError::Other(e.to_string())
}

/// A device found on the bus.
#[derive(Debug, Clone)]
pub struct Found {
    pub info: nusb::DeviceInfo,
    pub serial: String,
}

/// The devices of `vendor:product` on the bus now.
pub fn find(vendor: u16, product: u16) -> Result<Vec<Found>, UsbError> {
    let list = nusb::list_devices().wait().map_err(open_err)?;
    Ok(list
        .filter(|d| d.vendor_id() == vendor && d.product_id() == product)
        .map(|info| Found { serial: info.serial_number().unwrap_or("").to_string(), info })
        .collect())
}

pub struct Live {
    interface: nusb::Interface,
    interrupt: Option<(u8, nusb::Endpoint<Interrupt, In>)>,
    bulk: Option<(u8, nusb::Endpoint<Bulk, In>)>,
}

impl Live {
    /// Opens a device and claims interface 0 (detaching a kernel driver if one holds it).
    pub fn open(found: &Found) -> Result<Live, UsbError> {
        let device = found.info.open().wait().map_err(open_err)?;
        let interface = device.detach_and_claim_interface(0).wait().map_err(open_err)?;
        Ok(Live { interface, interrupt: None, bulk: None })
    }

    fn interrupt_endpoint(
        &mut self,
        ep: u8,
        length: usize,
    ) -> Result<&mut nusb::Endpoint<Interrupt, In>, UsbError> {
        if self.interrupt.as_ref().is_none_or(|(e, _)| *e != ep) {
            let mut e = self.interface.endpoint::<Interrupt, In>(ep).map_err(open_err)?;
            e.submit(Buffer::new(length));
            self.interrupt = Some((ep, e));
        }
        Ok(&mut self.interrupt.as_mut().expect("set above").1)
    }
}

impl Transport for Live {
    fn control_in(
        &mut self,
        req: Vendor,
        length: u16,
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        let c = ControlIn {
            control_type: ControlType::Vendor,
            recipient: Recipient::Device,
            request: req.request,
            value: req.value,
            index: req.index,
            length,
        };
        self.interface.control_in(c, timeout).wait().map_err(err)
    }

    fn control_out(&mut self, req: Vendor, data: &[u8], timeout: Duration) -> Result<(), UsbError> {
        let c = ControlOut {
            control_type: ControlType::Vendor,
            recipient: Recipient::Device,
            request: req.request,
            value: req.value,
            index: req.index,
            data,
        };
        self.interface.control_out(c, timeout).wait().map_err(err)
    }

    fn interrupt_in(
        &mut self,
        ep: u8,
        length: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        let e = self.interrupt_endpoint(ep, length)?;
        let done = e.wait_next_complete(timeout).ok_or(UsbError::Timeout(timeout))?;
        // Keep one transfer pending, so that no event is missed between two reads.
        e.submit(Buffer::new(length));
        let buf = done.into_result().map_err(err)?;
        Ok(buf.to_vec())
    }

    fn bulk_in_after(
        &mut self,
        ep: u8,
        length: usize,
        then: (Vendor, &[u8]),
        timeout: Duration,
    ) -> Result<Vec<u8>, UsbError> {
        if self.bulk.as_ref().is_none_or(|(e, _)| *e != ep) {
            self.bulk = Some((ep, self.interface.endpoint::<Bulk, In>(ep).map_err(open_err)?));
        }
        let bulk = &mut self.bulk.as_mut().expect("set above").1;
        let packet = bulk.max_packet_size().max(1);
        bulk.submit(Buffer::new(length.div_ceil(packet) * packet));
        let c = ControlOut {
            control_type: ControlType::Vendor,
            recipient: Recipient::Device,
            request: then.0.request,
            value: then.0.value,
            index: then.0.index,
            data: then.1,
        };
        if let Err(e) = self.interface.control_out(c, timeout).wait() {
            let bulk = &mut self.bulk.as_mut().expect("set above").1;
            bulk.cancel_all();
            let _ = bulk.wait_next_complete(Duration::from_secs(1));
            return Err(err(e));
        }
        let bulk = &mut self.bulk.as_mut().expect("set above").1;
        if let Some(done) = bulk.wait_next_complete(timeout) {
            Ok(done.into_result().map_err(err)?.to_vec())
        } else {
            bulk.cancel_all();
            let _ = bulk.wait_next_complete(Duration::from_secs(1));
            Err(UsbError::Timeout(timeout))
        }
    }
}

/// A device of interest arriving or leaving.
#[derive(Debug, Clone)]
pub enum Hotplug {
    Arrived(Box<Found>),
    Left(nusb::DeviceId),
}

/// Devices of `vendor:product` arriving and leaving, from a thread that follows the system's
/// hotplug events (the ones already present are not reported: [`find`] lists them).
pub fn watch(vendor: u16, product: u16) -> Result<mpsc::Receiver<Hotplug>, UsbError> {
    let stream = nusb::watch_devices().map_err(open_err)?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("usb-hotplug".into())
        .spawn(move || {
            for event in futures_lite::stream::block_on(stream) {
                let sent = match event {
                    nusb::hotplug::HotplugEvent::Connected(info)
                        if info.vendor_id() == vendor && info.product_id() == product =>
                    {
                        tx.send(Hotplug::Arrived(Box::new(Found {
                            serial: info.serial_number().unwrap_or("").to_string(),
                            info,
                        })))
                    }
                    nusb::hotplug::HotplugEvent::Disconnected(id) => tx.send(Hotplug::Left(id)),
                    _ => Ok(()),
                };
                if sent.is_err() {
                    return;
                }
            }
        })
        .map_err(|e| UsbError::Other(e.to_string()))?;
    Ok(rx)
}
