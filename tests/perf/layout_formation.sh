#!/usr/bin/env bash
# Formation time of vLLM's model-parallel groups (tp 2 x pp 2 x dp 2, world
# 8) over 2 ccsd on loopback with 4 ranks each: as subgroups of the world
# group (SplitModelParallelGroups: no rendezvous round per group) against
# joining each group by name (JoinModelParallelGroups: one round each), in
# one run, alternating. Prints per repetition the slowest rank's formation
# time (ms) of each way, then the medians and their ratio.
#
#   tests/perf/layout_formation.sh [BIN_DIR] [REPETITIONS]
set -euo pipefail

bin=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
reps=${2:-5}
dir=$(mktemp -d /tmp/ccs-layout.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
for k in 0 1; do
  mkdir -p "$dir/n$k"
  "$bin/ccsd" --socket "$dir/n$k/s.sock" --node-name "n$k" --log-level warn \
    --peer-listen "127.0.0.1:$((port + k))" --rendezvous "ccs://127.0.0.1:$port" \
    >"$dir/n$k.log" 2>&1 &
  pids+=($!)
done
for k in 0 1; do
  for _ in $(seq 1 100); do
    "$bin/ccsctl" --addr "unix://$dir/n$k/s.sock" health >/dev/null 2>&1 && break
    sleep 0.1
  done
done

# The slowest rank's layout time of one formation, in ms.
form() {  # form NAME [--by-name]
  local name=$1
  shift
  local out=()
  for r in $(seq 0 7); do
    "$bin/ccs-test-rank" model-parallel --addr "unix://$dir/n$((r / 4))/s.sock" --group "$name" \
      --world 8 --rank "$r" "$@" >"$dir/r$r.out" 2>&1 &
    out+=($!)
  done
  for p in "${out[@]}"; do wait "$p"; done
  grep -h "RESULT step=layout code=OK" "$dir"/r*.out | sed 's/.*elapsed_ms=\([0-9]*\).*/\1/' |
    sort -n | tail -1
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "rep split_ms by_name_ms"
split=()
named=()
for i in $(seq 1 "$reps"); do
  s=$(form "split$i")
  n=$(form "named$i" --by-name)
  split+=("$s")
  named+=("$n")
  echo "$i $s $n"
done
ms=$(printf '%s\n' "${split[@]}" | median)
mn=$(printf '%s\n' "${named[@]}" | median)
echo "median split ${ms} ms, by name ${mn} ms, split/by_name $(awk -v a="$ms" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')"
