#!/usr/bin/env bash
# The whole GPU check of ccs, in two steps (the GPU machine has no package
# registry and no compiler toolchain for our dependencies, so we build here
# and carry):
#
#   tests/gpu/run.sh bundle [BUILD_DIR] [BUNDLE_DIR]
#       On the build machine: copies the GPU test binaries, ccsd, ccs-bench
#       and every shared library they load that is not part of a plain
#       system (grpc++, protobuf, absl, spdlog, fmt, yaml-cpp, gloo, cudart,
#       ...; found with ldd) into BUNDLE_DIR (default BUILD_DIR/gpu-bundle,
#       git-ignored with the build tree; carry it to the GPU machine).
#       Build first: ninja <the unit tests below> ccs-gpu-collectives ccsd
#       ccs-bench.
#   tests/gpu/run.sh run [BUNDLE_DIR] [OUT_DIR]
#       On the GPU machine, in this order, each with a time limit so that
#       the whole run fits one 10-minute call:
#       1. the GPU unit tests;
#       2. ccs-gpu-collectives with 2, 4 and 8 client processes on GPU 0
#          (a real ccsd each; every collective on device buffers);
#       3. ccs-bench --memory device, 8 B..256 MiB all_reduce, with 1 rank
#          (against a device memcpy and a single-rank ncclAllReduce) and
#          with 4 ranks (against the memcpy), on a ccsd this script starts
#          and stops.
#       CCS_GPU_STEPS picks steps (default "unit collectives bench"), e.g.
#       CCS_GPU_STEPS=bench to rerun the bench alone in another call when
#       the whole run does not fit one call's limit.
#       Writes one log per step under OUT_DIR (default $OUT, else
#       /tmp/ccs-gpu) and prints a table last: the tests, then the bench
#       rows (size, daemon us, memcpy us, ratio, nccl us, ratio). Exits
#       non-zero if a test or a bench run failed; a test that finds no GPU
#       reports SKIPPED (exit 77) with its reason.
#
# NCCL is not bundled (over 200 MiB). The GPU machine's own libnccl.so.2
# (ldconfig, else PyTorch's nvidia-nccl wheel) is put on LD_LIBRARY_PATH
# for ccsd and handed to ccs-bench's baseline; without one, the NCCL
# column shows "-" and the bench header says why.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)

# Test binaries of the GPU check, in the order they run.
tests=(engine_cuda_logic_test engine_cuda_nccl_plan_test engine_cuda_registration_test
       engine_cuda_kernels_gpu_test engine_cuda_device_buffer_gpu_test
       engine_cuda_backend_gpu_test)
# Further binaries the bundle carries (run by the steps below).
tools=(ccs-gpu-collectives ccsd ccs-bench)
# Client processes of the integration runs, and each run's time limit (s).
collective_ranks=(2 4 8)
collective_timeout_s=130
# ccs-bench runs: ranks, then the arguments after the common ones.
bench_timeout_s=75
bench_sizes=(-b 8 -e 256M -f 2 -w 3 --iters 10)

# Libraries every Linux machine has, or that must come from the GPU
# machine's driver: never bundled.
is_system_lib() {
  case "$(basename "$1")" in
    linux-vdso.so*|ld-linux*|libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*) return 0 ;;
    libstdc++.so*|libgcc_s.so*|libcuda.so*|libnvidia-*) return 0 ;;
    *) return 1 ;;
  esac
}

bundle() {
  local build=${1:-$root/build}
  local dest=${2:-$build/gpu-bundle}
  rm -rf "$dest"
  mkdir -p "$dest/bin" "$dest/lib"
  local t lib
  for t in "${tests[@]}" "${tools[@]}"; do
    if [[ ! -x $build/bin/$t ]]; then
      echo "missing $build/bin/$t: build with CUDA first" >&2
      exit 1
    fi
    cp "$build/bin/$t" "$dest/bin/"
    # Debug info would take most of the 64 MiB a call may carry.
    strip --strip-debug "$dest/bin/$t"
    while read -r lib; do
      if [[ -n $lib ]] && ! is_system_lib "$lib"; then
        cp -L "$lib" "$dest/lib/"
      fi
    done < <(ldd "$build/bin/$t" | awk '/=> \// {print $3}')
  done
  du -sh "$dest"
  echo "bundle: $dest"
}

# The directory of the GPU machine's libnccl.so.2, or nothing.
find_nccl_dir() {
  local lib
  lib=$(ldconfig -p 2>/dev/null | awk '/libnccl\.so\.2 /{print $NF; exit}')
  if [[ -n $lib ]]; then
    dirname "$lib"
    return
  fi
  python3 - <<'PY' 2>/dev/null || true
import importlib, os
for name in ("nvidia.nccl", "torch"):
    try:
        mod = importlib.import_module(name)
    except Exception:
        continue
    for d in list(getattr(mod, "__path__", [])):
        lib = os.path.join(d, "lib")
        if os.path.exists(os.path.join(lib, "libnccl.so.2")):
            print(lib)
            raise SystemExit
PY
}

# verdict EXIT_CODE LOG: PASS, SKIPPED (reason) or FAIL (exit N).
verdict() {
  if [[ $1 -eq 0 ]]; then
    echo PASS
  elif [[ $1 -eq 77 ]]; then
    echo "SKIPPED ($(grep -m1 SKIPPED "$2" || true))"
  elif [[ $1 -eq 124 ]]; then
    echo "FAIL (timed out)"
  else
    echo "FAIL (exit $1)"
  fi
}

# run_bench BUNDLE OUT RANKS NCCL_LIB: one ccs-bench --memory device run on
# a ccsd of its own; prints ccs-bench's exit code.
run_bench() {
  local bundle_dir=$1 out=$2 ranks=$3 nccl_lib=$4
  local dir rc
  dir=$(mktemp -d /tmp/ccs-gpu-bench.XXXXXX)
  "$bundle_dir/bin/ccsd" --socket "$dir/ccs.sock" --log-level info \
    >"$out/bench-$ranks-ccsd.log" 2>&1 &
  local daemon=$!
  local waited=0
  while [[ ! -S $dir/ccs.sock && $waited -lt 100 ]]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  set +e
  timeout -k 5 "$bench_timeout_s" "$bundle_dir/bin/ccs-bench" --addr "unix://$dir/ccs.sock" \
    -n "$ranks" --memory device -c all_reduce "${bench_sizes[@]}" \
    --nccl-library "${nccl_lib:-libnccl.so.2}" --timeout "$bench_timeout_s" \
    >"$out/bench-$ranks.log" 2>&1
  rc=$?
  set -e
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  rm -rf "$dir"
  echo "$rc"
}

# bench_rows LOG: size, daemon us, memcpy us, ratio, nccl us, ratio of each
# row of a ccs-bench --memory device table.
bench_rows() {
  awk '!/^#/ && NF >= 12 {printf "%12s %12s %12s %8s %12s %8s\n", $1, $5, $9, $10, $11, $12}' "$1"
}

run() {
  local bundle_dir=${1:-$root/build/gpu-bundle}
  local out=${2:-${OUT:-/tmp/ccs-gpu}}
  mkdir -p "$out"
  local nccl_dir nccl_lib=""
  nccl_dir=$(find_nccl_dir)
  if [[ -n $nccl_dir ]]; then
    nccl_lib="$nccl_dir/libnccl.so.2"
    export LD_LIBRARY_PATH="$nccl_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    # The backend's GPU test runs single-rank NCCL with it.
    export CCS_TEST_NCCL_LIBRARY=${CCS_TEST_NCCL_LIBRARY:-$nccl_lib}
  fi
  export LD_LIBRARY_PATH="$bundle_dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,uuid,pci.bus_id,driver_version --format=csv,noheader \
      >"$out/gpu.txt" 2>&1 || true
  else
    echo "none (no nvidia-smi)" >"$out/gpu.txt"
  fi
  local t n rc start failed=0
  local -a rows=()
  local steps=" ${CCS_GPU_STEPS:-unit collectives bench} "
  local -a run_tests=() run_ranks=() run_bench_ranks=()
  [[ $steps == *" unit "* ]] && run_tests=("${tests[@]}")
  [[ $steps == *" collectives "* ]] && run_ranks=("${collective_ranks[@]}")
  [[ $steps == *" bench "* ]] && run_bench_ranks=(1 4)
  for t in "${run_tests[@]}"; do
    start=$SECONDS
    set +e
    timeout -k 5 240 "$bundle_dir/bin/$t" >"$out/$t.log" 2>&1
    rc=$?
    set -e
    [[ $rc -eq 0 || $rc -eq 77 ]] || failed=1
    rows+=("$(printf '%-32s %5ss  %s' "$t" "$((SECONDS - start))" "$(verdict "$rc" "$out/$t.log")")")
  done
  for n in "${run_ranks[@]}"; do
    t=gpu_collectives_$n
    start=$SECONDS
    set +e
    timeout -k 5 $((collective_timeout_s + 20)) "$bundle_dir/bin/ccs-gpu-collectives" \
      --ranks "$n" --ccsd "$bundle_dir/bin/ccsd" --log-dir "$out/$t" \
      --timeout-s "$collective_timeout_s" >"$out/$t.log" 2>&1
    rc=$?
    set -e
    [[ $rc -eq 0 || $rc -eq 77 ]] || failed=1
    rows+=("$(printf '%-32s %5ss  %s' "$t" "$((SECONDS - start))" "$(verdict "$rc" "$out/$t.log")")")
  done
  for n in "${run_bench_ranks[@]}"; do
    t="ccs-bench device, $n rank(s)"
    start=$SECONDS
    rc=$(run_bench "$bundle_dir" "$out" "$n" "$nccl_lib")
    [[ $rc -eq 0 ]] || failed=1
    rows+=("$(printf '%-32s %5ss  %s' "$t" "$((SECONDS - start))" "$(verdict "$rc" "$out/bench-$n.log")")")
  done
  echo "== GPU: $(head -1 "$out/gpu.txt")"
  echo "== NCCL for the baseline: ${nccl_lib:-none found}"
  printf '%-32s %6s  %s\n' test time result
  printf '%s\n' "${rows[@]}"
  for n in "${run_bench_ranks[@]}"; do
    echo "== ccs-bench --memory device all_reduce float32, $n rank(s) (logs: $out/bench-$n.log)"
    grep -m2 -E '^# (device memcpy|nccl) baseline' "$out/bench-$n.log" || true
    printf '%12s %12s %12s %8s %12s %8s\n' size daemon_us memcpy_us ratio nccl_us ratio
    bench_rows "$out/bench-$n.log"
  done
  return "$failed"
}

case "${1:-}" in
  bundle) shift; bundle "$@" ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 bundle [BUILD_DIR] [BUNDLE_DIR] | run [BUNDLE_DIR] [OUT_DIR]" >&2; exit 2 ;;
esac
