#!/usr/bin/env bash
# Builds and runs the station. Without arguments: the headless demo (simulated devices, a
# throw-away registry key). Any arguments go to the station, e.g. `bundle sample --out DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p station
exec "$CARGO_TARGET_DIR/release/station" "$@"
