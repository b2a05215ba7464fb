//! The registry's integration tests (one test binary): the intake through its HTTP API on both
//! storages, what it trusts tried as an attacker would, and the API fuzzed from its OpenAPI
//! description.

/// Runs each scenario on both storages: the embedded default (SQLite and a folder) and production
/// (PostgreSQL and an S3 server).
macro_rules! on_both {
    ($($name:ident),*) => {
        mod embedded {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                registry::install_tls_provider();
                super::$name(super::Storage::Embedded).await
            })*
        }
        mod postgres_s3 {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                registry::install_tls_provider();
                super::$name(super::Storage::PostgresS3).await
            })*
        }
    };
}

mod fuzz;
mod hostile;
mod intake;
mod limits;
mod operations;
mod trust;
mod world;
