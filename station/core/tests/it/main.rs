//! The core's integration tests (one test binary): the capture-quality checks on real-world
//! images from `../shared/fixtures`, with the capture rules that use them.

mod quality;
