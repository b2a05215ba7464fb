#!/usr/bin/env bash
# Builds and runs the station. Without arguments: the kiosk on a DEMO station (simulated
# devices, an embedded demo registry key) when a display is present, the headless demo
# otherwise. Any arguments go to the station, e.g. `bundle sample --out DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."
export HUKUMATI_SETUP_UI=1
source scripts/setup.sh
cargo build --release --locked -p station
exec "$CARGO_TARGET_DIR/release/station" "$@"
