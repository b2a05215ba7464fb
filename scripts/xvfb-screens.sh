#!/usr/bin/env bash
# The kiosk in a real window (glow, Mesa) under Xvfb at 1366x768, driven with xdotool like a clerk:
# log in, read the ID card, type what it does not give, go through the captures (the face camera
# captures by itself, the space bar takes the others) to the review. Screenshots of the clerk's
# window at each step and of the applicant's window at the review go to OUT (default
# /tmp/hukumati-screens). Not part of the tests: the clicks are at the 1366x768 layout's places,
# and a layout change moves them. Usage: bash scripts/xvfb-screens.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/hukumati-screens}
PACKAGES=(xvfb xdotool x11-apps netpbm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
export HUKUMATI_SETUP_UI=1
source scripts/setup.sh
cargo build -p station --locked
BIN="$CARGO_TARGET_DIR/debug/station"
WORK=$(mktemp -d)
export DISPLAY=:99
mkdir -p "$OUT"
$BIN demo-seed --data "$WORK/data" > /dev/null
Xvfb :99 -screen 0 1366x768x24 > "$WORK/xvfb.log" 2>&1 &
XVFB=$!
sleep 1
chmod 700 "$WORK"; XDG_RUNTIME_DIR=$WORK $BIN ui --kiosk --data "$WORK/data" > "$WORK/station.log" 2>&1 &
STATION=$!
trap 'kill $STATION $XVFB 2>/dev/null || true' EXIT
sleep 8
C=$(xdotool search --name '^Hukumati$' | head -1); A=$(xdotool search --name 'applicant' | head -1)
xdotool windowmove $A 1366 0; xdotool windowsize $C 1366 768; sleep 1
shot(){ xwd -silent -id $1 | xwdtopnm 2>/dev/null | pnmtopng > "$OUT/$2.png"; }
click(){ xdotool mousemove --window $C $1 $2 click 1; sleep ${3:-1}; }
f(){ click $1 $2 0.3; xdotool key ctrl+a; xdotool type --delay 200 "$3"; sleep 0.3; }
click 1198 360 0.5; xdotool type --delay 50 clerk1; click 1198 447 0.3; xdotool type --delay 50 demo; xdotool key Return; sleep 2
click 1290 170 1.5; click 1290 280 1.5; click 1275 210 2.5
f 1197 381 "سلمى"; f 854 381 "يوسف"; f 169 381 "الخطيب"; f 854 555 "1990-05-12"; f 511 555 "+970599123456"
f 511 381 "محمود"; f 511 468 "Mahmoud"; f 1197 555 "401234562"; f 854 642 "رام الله والبيرة"; f 511 642 "البيرة"; shot $C demographics
xdotool key Return; sleep 2; click 1290 436 1; shot $C face; sleep 6; shot $C right_four
xdotool key space; sleep 3; shot $C left_four
for i in 1 2 3; do xdotool key space; sleep 3; done; sleep 3; shot $C review
xdotool windowmove $A 0 0; xdotool windowraise $A; sleep 1.5; shot $A applicant_review; xdotool windowmove $A 1366 0
echo "screenshots in $OUT"
