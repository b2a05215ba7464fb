#!/usr/bin/env bash
# Runs every test of the workspace, after installing what they need.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
echo "test: target dir $CARGO_TARGET_DIR"
cargo test --workspace --locked "$@"
