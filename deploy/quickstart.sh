#!/usr/bin/env bash
# Quickstart on a fresh Debian 12 machine: installs what is missing, builds
# Release, starts ccsd on its embedded defaults (socket in a temp dir), runs a
# demo job of 4 client processes doing all_reduce, all_gather,
# reduce_scatter and broadcast on shared memory with verification, shows the
# live group with ccsctl, prints a short ccs-bench table, stops the daemon.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-release}
ranks=4

"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCCS_BUILD_TESTS=OFF -DCCS_WITH_CUDA="${CCS_WITH_CUDA:-AUTO}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target ccsd ccsctl ccs-bench ccs-demo-job
bin=$build_dir/bin

run_dir=$(mktemp -d /tmp/ccs-quickstart.XXXXXX)
addr="unix://$run_dir/ccs.sock"
daemon_pid=""
rank_pids=()
cleanup() {
  for p in "${rank_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$run_dir"
}
trap cleanup EXIT

echo "== starting ccsd (socket $run_dir/ccs.sock)"
"$bin/ccsd" --socket "$run_dir/ccs.sock" >"$run_dir/ccsd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do
  if "$bin/ccsctl" --addr "$addr" health >/dev/null 2>&1; then break; fi
  if ! kill -0 "$daemon_pid" 2>/dev/null; then cat "$run_dir/ccsd.log"; exit 1; fi
  sleep 0.1
done
"$bin/ccsctl" --addr "$addr" version

echo "== demo job: $ranks ranks, shared memory"
for r in $(seq 0 $((ranks - 1))); do
  "$bin/ccs-demo-job" --addr "$addr" --world "$ranks" --rank "$r" \
    --ready-file "$run_dir/ready" --linger-ms 2000 &
  rank_pids+=("$!")
done
for _ in $(seq 1 300); do
  [ -f "$run_dir/ready" ] && break
  sleep 0.1
done
echo "== ccsctl get groups (while the job runs)"
"$bin/ccsctl" --addr "$addr" get groups
failed=0
for p in "${rank_pids[@]}"; do wait "$p" || failed=1; done
rank_pids=()
if [ "$failed" -ne 0 ]; then
  echo "demo job FAILED; daemon log:"
  cat "$run_dir/ccsd.log"
  exit 1
fi

echo "== ccs-bench all_reduce, $ranks ranks"
"$bin/ccs-bench" --addr "$addr" -n "$ranks" -c all_reduce -b 1K -e 16M -f 4 --check \
  --baseline memcpy

kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=""
echo "== done: every result verified, daemon stopped"
