//! The station's integration tests (one test binary): the command line checked with outside
//! tools, the core workflow through its library API, crash safety with kill -9, and the kiosk
//! (its text field on its own, then whole screens).

mod bundle_cli;
mod common;
mod core;
mod crash;
mod device;
mod devices;
mod field;
mod quality;
mod slip;
mod sync;
mod syncworld;
mod ui;
