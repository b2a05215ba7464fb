#!/usr/bin/env bash
# Runs every test of the workspace, after installing what they need.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The registry's tests use a PostgreSQL server (the machine's, or a private one made here).
source scripts/postgres.sh
echo "test: target dir $CARGO_TARGET_DIR; PostgreSQL $HUKUMATI_PG; tools $HUKUMATI_VENV"
cargo test --workspace --locked "$@"
