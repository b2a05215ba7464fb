//! The registry's integration tests (one test binary): the intake through its HTTP API on both
//! storages, what it trusts tried as an attacker would, and the API fuzzed from its OpenAPI
//! description.

mod fuzz;
mod intake;
mod trust;
mod world;
