//! The station's integration tests (one test binary): the command line checked with outside
//! tools, the core workflow through its library API, sync with a registry, what a station must never
//! do (trust), crash safety with kill -9, and the kiosk (its text field on its own, then whole screens).

mod bundle_cli;
mod common;
mod crash;
mod devices;
mod field;
mod fingers_cli;
mod hostile;
mod install;
mod layering;
mod quality_cli;
mod replay;
mod slip;
mod sync;
mod trust;
mod ui;
mod workflow;
