#!/usr/bin/env bash
# Builds the Debian packages of the station and the registry (cargo-deb, release builds) into
# $CARGO_TARGET_DIR/debian/ and prints their paths, one per line. The station is built without
# the embedded demo registry: an installed station syncs with a real registry.
#   bash scripts/package.sh             build both
#   bash scripts/package.sh --check     build both, then check them (scripts/package-check.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export HUKUMATI_SETUP_PACKAGING=1
source scripts/setup.sh >&2
out="$CARGO_TARGET_DIR/debian"
mkdir -p "$out"
cargo deb --locked --strip -p registry --output "$out" --quiet >&2
cargo deb --locked --strip -p station --no-default-features --output "$out" --quiet >&2
version=$(cargo metadata --format-version 1 --no-deps --locked \
  | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "station"))')
arch=$(dpkg --print-architecture)
debs=("$out/hukumati-station_${version}-1_${arch}.deb" "$out/hukumati-registry_${version}-1_${arch}.deb")
for d in "${debs[@]}"; do
  [ -f "$d" ] || { echo "package: $d was not made" >&2; exit 1; }
done
if [ "${1:-}" = --check ]; then
  bash scripts/package-check.sh "${debs[@]}"
  for d in "${debs[@]}"; do
    [ -f "$d" ] || { echo "package: $d is gone after the check" >&2; exit 1; }
  done
fi
printf '%s\n' "${debs[@]}"
