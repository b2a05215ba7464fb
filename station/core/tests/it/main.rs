//! The core's integration tests (one test binary): the capture-quality checks on real-world
//! images from `../shared/fixtures`, with the capture rules that use them; officials' fingers:
//! the matcher's error rates, finger log-in and sign-off, and the applicant-is-an-official check.

mod fingers;
mod quality;
