#!/usr/bin/env bash
# The locked kiosk session of the installed station package, headless: sway with the packaged
# configuration and two virtual outputs, started by the packaged session script as the kiosk
# user; the station started by the session as it would be at a centre. Checks that the clerk's
# window is full screen on the first output and the applicant's on the second, that nothing else
# is shown and no key is bound, that the station comes back when it exits, and takes a
# screenshot of each output (into $CARGO_TARGET_DIR/kiosk-session/ or $1).
# Run by scripts/package-check.sh while the packages are installed; needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-${CARGO_TARGET_DIR:-/tmp}/kiosk-session}
mkdir -p "$shots"
user=hukumati-kiosk
fail() { echo "kiosk-session: $*" >&2; [ -f "${work:-/nonexistent}/sway.log" ] && tail -30 "$work/sway.log" >&2; exit 1; }
as_kiosk() { runuser -u "$user" -- env -i HOME=/var/lib/hukumati/kiosk PATH=/usr/bin:/bin "$@"; }

work=$(mktemp -d /tmp/hukumati-kiosk.XXXXXX)
chown "$user" "$work"
chmod 700 "$work"
cleanup() {
  [ -n "${sway_pid:-}" ] && kill "$sway_pid" 2>/dev/null || true
  pkill -u "$user" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

# A station to show: a training station set up from a throwaway registry's onboarding file.
as_kiosk registry init --dir "$work/registry" --listen 127.0.0.1:0 >/dev/null
as_kiosk registry station invite --config "$work/registry/registry.toml" --id ST-KIOSK-01 \
  --centre RAM-PO-01 --mode training --url http://127.0.0.1:9 --out "$work/onboarding" >/dev/null
echo "correct horse" | as_kiosk station init --data "$work/data" --admin admin1 \
  --onboarding "$work/onboarding" --roots "$work/no-roots" >/dev/null 2>&1 || fail "station init"
printf 'HUKUMATI_DATA=%s\nHUKUMATI_RESTART_DELAY=1\n' "$work/data" > "$work/kiosk.conf"

mkdir -p "$work/run"
chown "$user" "$work/run"
chmod 700 "$work/run"
# Starts the session as greetd would, with the settings file $1; waits for sway's IPC socket.
session() {
  runuser -u "$user" -- env -i HOME=/var/lib/hukumati/kiosk PATH=/usr/bin:/bin \
    XDG_RUNTIME_DIR="$work/run" WLR_BACKENDS=headless WLR_HEADLESS_OUTPUTS=2 WLR_RENDERER=pixman \
    WLR_LIBINPUT_NO_DEVICES=1 HUKUMATI_KIOSK_CONF="$1" \
    /usr/libexec/hukumati/kiosk-session >"$work/sway.log" 2>&1 &
  sway_pid=$!
  for _ in $(seq 100); do
    ls "$work"/run/sway-ipc.*.sock >/dev/null 2>&1 && return
    sleep 0.1
  done
  fail "sway did not start"
}
stop_session() {
  kill "$sway_pid" 2>/dev/null || true
  wait "$sway_pid" 2>/dev/null || true
  pkill -u "$user" -f kiosk-station 2>/dev/null || true
  pkill -u "$user" -f 'station ui' 2>/dev/null || true
  rm -f "$work"/run/sway-ipc.*.sock "$work"/run/wayland-*
  sleep 0.5
}
msg() { as_kiosk SWAYSOCK="$(ls "$work"/run/sway-ipc.*.sock 2>/dev/null | head -1)" swaymsg "$@"; }

# Where each window is: "app_id output fullscreen pid" lines.
windows() {
  msg -t get_tree | python3 -c '
import json, sys
def walk(node, output):
    if node.get("type") == "output":
        output = node["name"]
    if node.get("app_id") is not None or node.get("window") is not None:
        print(node.get("app_id"), output, node.get("fullscreen_mode"), node.get("pid"))
    for child in node.get("nodes", []) + node.get("floating_nodes", []):
        walk(child, output)
walk(json.load(sys.stdin), None)'
}
# Whether the clerk's window is full screen on $1 and the applicant's on $2.
placed() {
  local w
  w=$(windows 2>/dev/null) || return 1
  echo "$w" | grep -q "^ps.hukumati.station $1 1 " && echo "$w" | grep -q "^ps.hukumati.applicant $2 1 "
}
wait_placed() {
  for _ in $(seq 600); do
    placed "$1" "$2" && return
    kill -0 "$sway_pid" 2>/dev/null || fail "sway stopped"
    sleep 0.1
  done
  fail "the windows are not where they belong (clerk $1, applicant $2): $(windows)"
}

session "$work/kiosk.conf"
wait_placed HEADLESS-1 HEADLESS-2
[ "$(windows | wc -l)" = 2 ] || fail "other windows are shown: $(windows)"
outputs=$(msg -t get_outputs | python3 -c 'import json,sys; print(" ".join(o["name"] for o in json.load(sys.stdin)))')
[ "$outputs" = "HEADLESS-1 HEADLESS-2" ] || fail "outputs: $outputs"
# No key does anything: no binding in any mode.
if msg -t get_config | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"])' | grep -E '^\s*bind(sym|code)'; then
  fail "the session binds keys"
fi
sleep 2
display=$(basename "$(ls "$work"/run/wayland-? | head -1)")
for shot in HEADLESS-1:clerk HEADLESS-2:applicant; do
  as_kiosk XDG_RUNTIME_DIR="$work/run" WAYLAND_DISPLAY="$display" grim -o "${shot%%:*}" "$work/${shot#*:}.png"
  cp "$work/${shot#*:}.png" "$shots/"
done
[ -s "$shots/clerk.png" ] && [ -s "$shots/applicant.png" ] || fail "no screenshots"

# The station exits (a crash): the session starts it again, on the same outputs.
first=$(windows | awk '$1 == "ps.hukumati.station" {print $4}')
kill -9 "$first"
for _ in $(seq 300); do
  again=$(windows 2>/dev/null | awk '$1 == "ps.hukumati.station" {print $4}')
  [ -n "$again" ] && [ "$again" != "$first" ] && placed HEADLESS-1 HEADLESS-2 && break
  sleep 0.1
done
[ -n "${again:-}" ] && [ "$again" != "$first" ] || fail "the station was not started again"
wait_placed HEADLESS-1 HEADLESS-2
stop_session

# The administrator's choice of monitors (kiosk.conf) is followed: here the other way round.
printf 'HUKUMATI_CLERK_OUTPUT=HEADLESS-2\nHUKUMATI_APPLICANT_OUTPUT=HEADLESS-1\n' >> "$work/kiosk.conf"
session "$work/kiosk.conf"
wait_placed HEADLESS-2 HEADLESS-1
stop_session
echo "kiosk-session: both windows on their outputs, restarted after a crash, monitors as configured; screenshots in $shots"
