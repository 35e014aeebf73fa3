#!/usr/bin/env bash
# systemd-analyze verify on deploy/systemd/ccsd.service, with ExecStart
# pointed at the ccsd just built. Usage: verify_unit.sh SOURCE_DIR CCSD
set -euo pipefail
src=$1
ccsd=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed on this machine"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/local/bin/ccsd#$ccsd#" "$src/deploy/systemd/ccsd.service" >"$dir/ccsd.service"
systemd-analyze verify "$dir/ccsd.service"
echo "ccsd.service verified"
