#!/usr/bin/env bash
# Makes the upgrade fixture of this release: a DEMO station's data directory as this version of
# the station leaves it, with enrollments sealed, approved and waiting to be sent (and its
# embedded registry), packed as fixtures/upgrade/station-VERSION.tar.gz. Every later version's
# tests open it, migrate it and sync its waiting bundles (station/tests/it/install.rs).
#
# Run once per release, from that release's checkout; never edit the result by hand.
#   bash scripts/make-upgrade-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh >/dev/null
cargo build --locked -p station --quiet
station="$CARGO_TARGET_DIR/debug/station"
version=$("$station" --version | awk '{print $2}')
out="fixtures/upgrade/station-$version.tar.gz"
[ ! -e "$out" ] || { echo "$out exists: a release's fixture is made once" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$station" demo-seed --data "$work/station" >/dev/null
# A child (face only: a small bundle) and an adult with a missing finger, both approved.
for script in child-under-5 adult-missing-finger; do
  echo demo | "$station" enroll --data "$work/station" --script "fixtures/enrollments/$script.json" --operator clerk1 >/dev/null
done
echo demo | "$station" approve --all --data "$work/station" --operator super1 >/dev/null
"$station" status --data "$work/station" > "$work/status.json"
python3 - "$work/status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["outbox_unsynced"] == 2 and s["awaiting_approval"] == 0, s
PY
# What the test checks against, beside the data.
printf '{"version": "%s", "waiting": 2}\n' "$version" > "$work/station/upgrade-fixture.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -czf "$out" station
echo "$out: $(du -h "$out" | cut -f1)"
