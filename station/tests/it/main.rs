//! The station's integration tests (one test binary): the command line checked with outside
//! tools, the core workflow through its library API, and crash safety with kill -9.

mod bundle_cli;
mod common;
mod core;
mod crash;
mod slip;
mod ui;
