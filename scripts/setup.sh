#!/usr/bin/env bash
# Installs what building and testing the station needs on Debian or Ubuntu, skipping what is
# already there. Safe to run again. Used by scripts/test.sh, scripts/station.sh and .ci/run.
set -euo pipefail

# System packages:
#   curl                    fetches rustup when Rust is missing
#   libopencv-dev, clang,   Debian's OpenCV 4.6 for cameras and capture quality; the opencv crate
#   libclang-dev            generates its bindings with libclang
#   opencv-data             OpenCV's trained face and eye cascades (capture quality)
#   gcc, pkg-config         build OpenJPEG's C sources (openjpeg-sys) and other -sys crates
#   age                     the reference age CLI: decrypts our bundles in the interop tests
#   python3-cbor2/-nacl     the independent bundle verifier (tests/independent/verify_bundle.py)
#   libopenjp2-tools        opj_decompress: a second JPEG 2000 decoder in the tests
#   mesa-vulkan-drivers     software Vulkan (lavapipe): the kiosk's snapshot tests render with it
#   poppler-utils           pdftotext/pdftoppm: the tests read the printed slip back
#   zbar-tools              zbarimg: the tests decode the slip's QR code from the rendered page
#   python3-cryptography    the mock SBI service (tests/mock-sbi) signs as MOSIP's demo devices
#   python3-venv            a Python environment for moto (an S3 server) and schemathesis (an API fuzzer)
#   openssl                 makes the certificates of the registry's PostgreSQL-over-TLS test
PACKAGES=(curl libopencv-dev opencv-data clang libclang-dev gcc pkg-config age python3 python3-cbor2 python3-nacl python3-cryptography python3-venv libopenjp2-tools ca-certificates mesa-vulkan-drivers poppler-utils zbar-tools openssl)
# What the kiosk window needs at run time (OpenGL through Mesa, X11 input): scripts/station.sh
# asks for these with HUKUMATI_SETUP_UI=1.
if [ "${HUKUMATI_SETUP_UI:-0}" = 1 ]; then
  PACKAGES+=(libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
fi

# What building and checking the Debian packages needs (scripts/package.sh asks for these with
# HUKUMATI_SETUP_PACKAGING=1; scripts/test.sh does): lintian checks them; sway and grim run the
# locked kiosk session headless and take its screenshots; the window's run-time libraries are
# the station package's dependencies.
if [ "${HUKUMATI_SETUP_PACKAGING:-0}" = 1 ]; then
  PACKAGES+=(lintian dpkg-dev sway grim libgl1 libegl1 libgl1-mesa-dri libwayland-client0 libwayland-egl1 libxkbcommon0 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  elif command -v curl >/dev/null 2>&1; then
    echo "setup: installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: Rust is missing and curl is not installed. Install Rust with rustup, then run this again." >&2
    exit 1
  fi
fi

# rustfmt and clippy check every change (scripts/test.sh); rustup's minimal profile leaves them out.
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component" \
      || echo "setup: could not add $component with rustup; scripts/test.sh needs it" >&2
  done
fi

# Python tools the registry's tests run, in their own environment outside the checkout:
# moto's S3 server (the object store of the PostgreSQL + S3 tests), schemathesis (fuzzes the
# intake from its OpenAPI description) with cbor2 and PyNaCl (it signs requests as a station),
# nbis-py (NIST's NFIQ 2) and iris-iqm (MITRE's BIQT-Iris metrics), the outside references the
# quality tests compare the station's finger and iris measures with.
# Versions pinned; installed once.
PY_TOOLS=("moto[server]==5.2.5" "schemathesis==4.32.5" "cbor2==6.3.0" "pynacl==1.6.2" "nbis-py==0.1.3" "iris-iqm==1.1.0")
if [ -z "${HUKUMATI_VENV:-}" ]; then
  if mkdir -p /var/cache/hukumati-venv 2>/dev/null && [ -w /var/cache/hukumati-venv ]; then
    export HUKUMATI_VENV=/var/cache/hukumati-venv
  else
    export HUKUMATI_VENV="$HOME/.cache/hukumati-venv"
  fi
fi
if [ ! -x "$HUKUMATI_VENV/bin/moto_server" ] || [ ! -x "$HUKUMATI_VENV/bin/schemathesis" ] || [ "$(cat "$HUKUMATI_VENV/.tools" 2>/dev/null)" != "${PY_TOOLS[*]}" ]; then
  echo "setup: installing ${PY_TOOLS[*]} into $HUKUMATI_VENV"
  /usr/bin/python3 -m venv "$HUKUMATI_VENV"
  "$HUKUMATI_VENV/bin/pip" install -q "${PY_TOOLS[@]}"
  echo "${PY_TOOLS[*]}" > "$HUKUMATI_VENV/.tools"
fi

# Build output lives outside the checkout so that clones and CI runs share it.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/hukumati-target 2>/dev/null && [ -w /var/cache/hukumati-target ]; then
    export CARGO_TARGET_DIR=/var/cache/hukumati-target
  else
    export CARGO_TARGET_DIR="$HOME/.cache/hukumati-target"
  fi
fi

# cargo-deb makes the Debian packages (scripts/package.sh); installed once, pinned.
if [ "${HUKUMATI_SETUP_PACKAGING:-0}" = 1 ] && [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb 3.8.0" ]; then
  echo "setup: installing cargo-deb 3.8.0"
  cargo install --locked --quiet cargo-deb --version 3.8.0
fi
