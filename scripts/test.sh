#!/usr/bin/env bash
# Runs every test of the workspace, after installing what they need.
set -euo pipefail
cd "$(dirname "$0")/.."
# The packages are built and checked too (lintian, cargo-deb, sway and grim for the kiosk session).
export HUKUMATI_SETUP_PACKAGING=1
source scripts/setup.sh
# The registry's tests use a PostgreSQL server (the machine's, or a private one made here).
source scripts/postgres.sh
echo "test: target dir $CARGO_TARGET_DIR; PostgreSQL $HUKUMATI_PG; tools $HUKUMATI_VENV"
# Format, lints and documentation first: a change that is not formatted, or that clippy (the
# workspace's [workspace.lints]) objects to, fails here like a failing test.
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The station binary also builds without the embedded demo registry (a production build).
cargo clippy -p station --no-default-features --locked -- -D warnings
# The documentation builds, every intra-doc link resolving (the rustdoc lints of [workspace.lints]).
cargo doc --workspace --no-deps --locked --quiet
cargo test --workspace --locked "$@"
# The Debian packages: built (release), checked with lintian, installed, their kiosk session run
# headless on two outputs, purged (scripts/package-check.sh). Not when only some tests were asked
# for.
if [ "$#" -eq 0 ]; then
  bash scripts/package.sh --check
fi
