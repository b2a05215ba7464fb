//! Devices of the registration station: fingerprint and iris scanners, face and document cameras.
//!
//! This crate knows devices and nothing of enrollments:
//! - [`device`]: the traits every backend implements (identity, status, preview, capture, errors);
//! - [`raster`]: the pixels every backend delivers and every check reads;
//! - [`simdev`]: simulated devices behind those traits, driven by a scriptable fault list;
//! - [`sim`]: the deterministic synthetic images the simulated devices deliver;
//! - [`usb`]: devices spoken to directly over USB (nusb), and recordings played back;
//! - [`uru4500`]: the DigitalPersona U.are.U 4500 single-finger reader;
//! - [`uvc`]: document, face and iris cameras through OpenCV's V4L2 capture;
//! - [`sbi`]: certified slap scanners, iris and face cameras through MOSIP's SBI services;
//! - [`latest`]: the one-frame mailbox between capture threads and the UI.

#![forbid(unsafe_code)]

pub mod device;
pub mod latest;
pub mod raster;
pub mod sbi;
pub mod sim;
pub mod simdev;
pub mod uru4500;
pub mod usb;
pub mod uvc;
