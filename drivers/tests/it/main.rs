//! The drivers' integration tests (one test binary): real devices' protocols against
//! recordings of them.

mod sbi;
mod uru4500;
