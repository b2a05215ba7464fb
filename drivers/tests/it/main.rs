//! The drivers' integration tests (one test binary): real devices' protocols against
//! recordings of them (U.are.U 4500), a mock service on real device data (SBI), and virtual
//! camera sources opened like real ones (UVC).

mod pki;
mod sbi;
mod uru4500;
mod uvc;
