#!/usr/bin/env bash
# Runs the benchmark set recorded in docs/BENCHMARKS.md: starts a private
# ccsd, runs ccs-bench for each collective with verification and the memcpy
# baseline, stops the daemon. Output goes to stdout.
#
#   tests/perf/run_bench.sh [BIN_DIR] [RANKS] [MAX_BYTES] [COLLECTIVES...]
set -euo pipefail

bin=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
ranks=${2:-4}
max=${3:-64M}
shift $(( $# > 3 ? 3 : $# ))
collectives=("$@")
[ ${#collectives[@]} -gt 0 ] || collectives=(all_reduce)

dir=$(mktemp -d /tmp/ccs-bench.XXXXXX)
"$bin/ccsd" --socket "$dir/ccs.sock" --log-level warn >"$dir/ccsd.log" 2>&1 &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  "$bin/ccsctl" --addr "unix://$dir/ccs.sock" health >/dev/null 2>&1 && break
  sleep 0.1
done

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
for c in "${collectives[@]}"; do
  "$bin/ccs-bench" --addr "unix://$dir/ccs.sock" -n "$ranks" -c "$c" -b 1K -e "$max" -f 4 \
    --check --baseline memcpy
done
