#!/usr/bin/env bash
# Checks the Debian packages scripts/package.sh made, on this machine, as a technician and the
# operations team would use them:
#   1. lintian reports no error;
#   2. each package holds the files it must;
#   3. both install with dpkg -i (their dependencies from Debian first), the commands answer
#      --version, systemd-analyze verify passes on the unit, the users, folders and keys exist
#      with the right owners and modes, and the registry serves from its packaged configuration
#      as its service user (health, metrics, SIGTERM);
#   4. a station is set up in /var/lib/hukumati/station from the registry's onboarding file,
#      onboarded from its key file, enrolls and approves; a later revision of the package is
#      installed over it, the waiting bundle is still there and is sent and receipted;
#   5. the locked kiosk session runs headless on two outputs (scripts/kiosk-session-test.sh);
#   6. a purge leaves no file behind but the data directories.
# Needs root (or sudo): it installs and removes packages.
set -euo pipefail
cd "$(dirname "$0")/.."
station_deb=$(realpath "$1")
registry_deb=$(realpath "$2")
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
fail() { echo "package-check: $*" >&2; exit 1; }

echo "package-check: lintian"
lintian --fail-on error --suppress-tags-from-file /dev/null "$station_deb" "$registry_deb" \
  | tee /tmp/hukumati-lintian.txt || fail "lintian reports errors (above)"

echo "package-check: contents"
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
for f in /usr/bin/station /usr/lib/udev/rules.d/60-hukumati-station.rules /etc/hukumati/kiosk.conf \
  /usr/share/hukumati/kiosk/sway.conf /usr/libexec/hukumati/kiosk-session \
  /usr/libexec/hukumati/kiosk-station /usr/share/doc/hukumati-station/copyright \
  /usr/share/doc/hukumati-station/manual/ar.md /usr/share/doc/hukumati-station/manual/en.md \
  /usr/share/doc/hukumati-station/manual/screens/login_ar.png; do
  contents "$station_deb" | grep -qx "$f" || fail "$station_deb lacks $f"
done
for f in /usr/bin/registry /etc/hukumati/registry.toml /usr/share/doc/hukumati-registry/copyright \
  /usr/share/doc/hukumati-registry/operations.md; do
  contents "$registry_deb" | grep -qx "$f" || fail "$registry_deb lacks $f"
done
contents "$registry_deb" | grep -q "systemd/system/hukumati-registry.service$" || fail "no unit in $registry_deb"
# Nothing of a developer's machine inside.
if contents "$station_deb" "$registry_deb" | grep -E '/(root|home|tmp|var/cache)/'; then fail "stray paths"; fi

echo "package-check: install"
# Their dependencies from Debian, so that what the purge must remove is only theirs.
for deb in "$station_deb" "$registry_deb"; do
  $SUDO apt-get satisfy -y -qq --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >/dev/null
done
# This check installs, fills and purges the packages: never on a machine whose station or
# registry holds real data. Its own leftovers (a run that stopped half-way) are marked.
mark=/var/lib/hukumati/.package-check
for real in /var/lib/hukumati/station/station.db /var/lib/hukumati/registry/registry.db; do
  if [ -e "$real" ] && [ ! -e "$mark" ]; then
    fail "$real holds data this check did not make: run it on a test machine"
  fi
done
$SUDO dpkg --purge hukumati-station hukumati-registry >/dev/null 2>&1 || true
$SUDO rm -rf /var/lib/hukumati/station /var/lib/hukumati/registry/registry.db* \
  /var/lib/hukumati/registry/objects /var/lib/hukumati/registry/ST-PKG-01.onboarding
$SUDO mkdir -p /var/lib/hukumati
$SUDO touch "$mark"
before=$(mktemp)
find /etc /usr /var/lib -xdev 2>/dev/null | sort > "$before"
$SUDO dpkg -i "$station_deb" "$registry_deb"
station --version | grep -qx "station $(dpkg-deb -f "$station_deb" Version | sed 's/-[0-9]*$//')" || fail "station --version"
registry --version | grep -q "^registry " || fail "registry --version"
unit=$(dpkg -L hukumati-registry | grep 'hukumati-registry.service$')
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
getent passwd hukumati-kiosk >/dev/null || fail "no kiosk user"
getent passwd hukumati-registry >/dev/null || fail "no registry user"
[ "$(stat -c '%U:%G %a' /var/lib/hukumati/station)" = "hukumati-kiosk:hukumati 2770" ] || fail "station data folder: $(stat -c '%U:%G %a' /var/lib/hukumati/station)"
[ "$(stat -c '%U:%G %a' /etc/hukumati/registry.toml)" = "root:hukumati-registry 640" ] || fail "registry.toml: $(stat -c '%U:%G %a' /etc/hukumati/registry.toml)"
for k in registry.age root.key receipt-1.key admin.token; do
  [ "$(stat -c '%U %a' /var/lib/hukumati/registry/keys/$k)" = "hukumati-registry 600" ] || fail "key $k: $(stat -c '%U %a' /var/lib/hukumati/registry/keys/$k)"
done
[ -e /etc/systemd/system/multi-user.target.wants/hukumati-registry.service ] || fail "the service is not enabled"
grep -q 'ATTR{idVendor}=="05ba", ATTR{idProduct}=="000a"' /usr/lib/udev/rules.d/60-hukumati-station.rules || fail "udev rule"

echo "package-check: the registry as its service runs it"
# What systemd would start (ExecStart, User), without systemd: as the service user.
as_registry() { setpriv --reuid=hukumati-registry --regid=hukumati-registry --init-groups "$@"; }
as_kiosk() { runuser -u hukumati-kiosk -- "$@"; }
# (setpriv execs the registry: $! is the registry itself, which the SIGTERM below must reach.)
setpriv --reuid=hukumati-registry --regid=hukumati-registry --init-groups \
  /usr/bin/registry serve --config /etc/hukumati/registry.toml 2>/tmp/hukumati-registry.log &
serve=$!
trap 'kill "$serve" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS http://127.0.0.1:9464/health >/dev/null 2>&1 && break
  sleep 0.1
done
# The one answering must be this one (not another process on the same ports).
kill -0 "$serve" 2>/dev/null || fail "the registry did not start: $(cat /tmp/hukumati-registry.log)"
curl -fsS http://127.0.0.1:9464/health | grep -q '"ok":true' || fail "health: $(cat /tmp/hukumati-registry.log)"
curl -fsS http://127.0.0.1:9464/metrics | grep -q '^hukumati_registry_bundles_received_total 0$' || fail "metrics"
curl -fsS http://127.0.0.1:8443/v1/health >/dev/null || fail "the stations' API"

echo "package-check: a station onboarded from files, then upgraded with bundles waiting"
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"; kill "$serve" 2>/dev/null || true' EXIT
data=/var/lib/hukumati/station
as_registry /usr/bin/registry station invite --config /etc/hukumati/registry.toml --id ST-PKG-01 \
  --centre RAM-PO-01 --mode training --url http://127.0.0.1:8443 --out /var/lib/hukumati/registry/ST-PKG-01.onboarding >/dev/null
cp /var/lib/hukumati/registry/ST-PKG-01.onboarding "$tmp/onboarding"
chmod 644 "$tmp/onboarding"
printf 'correct horse\n' | as_kiosk station init --data "$data" --admin admin1 --onboarding "$tmp/onboarding" \
  --roots "$tmp/no-roots" >/dev/null 2>&1 || fail "station init --onboarding"
cp "$data/station-key.hukumati" "$tmp/station-key"
chmod 644 "$tmp/station-key"
as_registry /usr/bin/registry station import --config /etc/hukumati/registry.toml "$tmp/station-key" | grep -q '"onboarded":true' \
  || fail "registry station import"
printf 'correct horse\nbattery staple\n' | as_kiosk station operator add --data "$data" --operator admin1 --username clerk1 --role clerk >/dev/null
printf 'correct horse\ntr0ub4dor&3\n' | as_kiosk station operator add --data "$data" --operator admin1 --username super1 --role supervisor >/dev/null
printf 'battery staple\n' | as_kiosk station enroll --data "$data" --script fixtures/enrollments/child-under-5.json --operator clerk1 >/dev/null 2>&1 \
  || fail "a scripted enrollment on the training station"
printf 'tr0ub4dor&3\n' | as_kiosk station approve --all --data "$data" --operator super1 >/dev/null 2>&1 || fail "approve"
waiting() { as_kiosk station status --data "$data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["outbox_unsynced"])'; }
[ "$(waiting)" = 1 ] || fail "no bundle waiting before the upgrade"
# The same station, packaged as a later revision, installed over it.
# (cargo-deb deletes the package's earlier .deb in the target directory when it makes another:
# keep the one being checked.)
cp "$station_deb" "$tmp/checked.deb"
cargo deb --locked --no-build --strip -p station --no-default-features --deb-revision 2 --output "$tmp" --quiet >/dev/null
[ -f "$station_deb" ] || cp "$tmp/checked.deb" "$station_deb"
$SUDO dpkg -i "$tmp"/hukumati-station_*-2_*.deb >/dev/null
dpkg-query -W -f='${Version}' hukumati-station | grep -q -- '-2$' || fail "the upgrade was not installed"
[ "$(waiting)" = 1 ] || fail "the upgrade lost the waiting bundle"
printf 'battery staple\n' | as_kiosk station sync --data "$data" --operator clerk1 > "$tmp/sync.json" 2>/dev/null \
  || fail "sync after the upgrade: $(cat "$tmp/sync.json")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["receipted"]) == 1, r' "$tmp/sync.json" \
  || fail "the waiting bundle was not receipted"
curl -fsS http://127.0.0.1:9464/metrics | grep -q '^hukumati_registry_bundles_received_total 1$' || fail "metrics after the sync"
kill -TERM "$serve"
wait "$serve" || fail "the registry did not stop cleanly on SIGTERM: $(cat /tmp/hukumati-registry.log)"
grep -q "registry stopped" /tmp/hukumati-registry.log || fail "the registry did not say it stopped"

echo "package-check: the locked kiosk session"
bash scripts/kiosk-session-test.sh

echo "package-check: purge"
station_files=$(dpkg -L hukumati-station)
registry_files=$(dpkg -L hukumati-registry)
$SUDO dpkg --purge hukumati-station hukumati-registry
after=$(mktemp)
find /etc /usr /var/lib -xdev 2>/dev/null | sort > "$after"
left=$(comm -13 "$before" "$after" | grep -v -E '^/var/lib/hukumati($|/station|/registry)' \
  | grep -v -E '^/var/lib/(dpkg|apt|systemd/deb-systemd-helper-enabled|ucf)(/|$)' \
  | grep -v -E '^/usr/share/(man|doc|lintian|locale)/' || true)
[ -z "$left" ] || fail "the purge left these behind: $left"
for f in $station_files $registry_files; do
  if [ -f "$f" ]; then fail "$f is still there"; fi
done
[ ! -e /etc/hukumati ] || fail "/etc/hukumati is still there"
[ -d /var/lib/hukumati/registry/keys ] || fail "the purge removed the registry's data"
[ -f /var/lib/hukumati/station/station.db ] || fail "the purge removed the station's data"
# This check's own station and registry data go now (a centre's would stay).
$SUDO rm -rf /var/lib/hukumati/station /var/lib/hukumati/registry/ST-PKG-01.onboarding \
  /var/lib/hukumati/registry/registry.db* /var/lib/hukumati/registry/objects "$mark"
echo "package-check: both packages pass"
