//! The registry's integration tests (one test binary): the intake through its HTTP API on both
//! storages, and the API fuzzed from its OpenAPI description.

mod fuzz;
mod intake;
mod world;
