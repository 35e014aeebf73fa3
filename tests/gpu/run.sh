#!/usr/bin/env bash
# The whole GPU check of ccs, in two steps (the GPU machine has no package
# registry and no compiler toolchain for our dependencies, so we build here
# and carry):
#
#   tests/gpu/run.sh bundle [BUILD_DIR] [BUNDLE_DIR]
#       On the build machine: copies the GPU test binaries and every shared
#       library they load that is not part of a plain system (grpc++,
#       protobuf, absl, spdlog, fmt, yaml-cpp, cudart, ...; found with ldd)
#       into BUNDLE_DIR (default BUILD_DIR/gpu-bundle, git-ignored with the
#       build tree; carry it to the GPU machine).
#   tests/gpu/run.sh run [BUNDLE_DIR] [OUT_DIR]
#       On the GPU machine: runs every GPU test from the bundle with
#       LD_LIBRARY_PATH pointing at it, writes one log per test under
#       OUT_DIR (default $OUT, else /tmp/ccs-gpu) and prints a table last.
#       Exits non-zero if any test failed; a test that finds no GPU reports
#       SKIPPED (exit 77) with its reason.
#
# NCCL is not bundled (over 200 MiB): the backend's test runs single-rank
# NCCL with PyTorch's libnccl when python3 finds one (nvidia.nccl), or with
# $CCS_TEST_NCCL_LIBRARY; without either it skips its NCCL case.
#
# Not here yet: the integration test with 2, 4 and 8 client processes on one
# GPU and ccs-bench on GPU buffers (they need the CUDA engine wired into
# ccsd and the SDK's device buffers).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)

# Test binaries of the GPU check, in the order they run.
tests=(engine_cuda_logic_test engine_cuda_nccl_plan_test engine_cuda_registration_test
       engine_cuda_kernels_gpu_test engine_cuda_device_buffer_gpu_test
       engine_cuda_backend_gpu_test)

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
  for t in "${tests[@]}"; do
    if [[ ! -x $build/bin/$t ]]; then
      echo "missing $build/bin/$t: build with CUDA first" >&2
      exit 1
    fi
    cp "$build/bin/$t" "$dest/bin/"
    while read -r lib; do
      if [[ -n $lib ]] && ! is_system_lib "$lib"; then
        cp -L "$lib" "$dest/lib/"
      fi
    done < <(ldd "$build/bin/$t" | awk '/=> \// {print $3}')
  done
  du -sh "$dest"
  echo "bundle: $dest"
}

run() {
  local bundle_dir=${1:-$root/build/gpu-bundle}
  local out=${2:-${OUT:-/tmp/ccs-gpu}}
  mkdir -p "$out"
  export LD_LIBRARY_PATH="$bundle_dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,uuid,pci.bus_id,driver_version --format=csv,noheader \
      >"$out/gpu.txt" 2>&1 || true
  else
    echo "none (no nvidia-smi)" >"$out/gpu.txt"
  fi
  if [[ -z ${CCS_TEST_NCCL_LIBRARY:-} ]]; then
    local nccl
    nccl=$(python3 -c 'import os, nvidia.nccl as n; print(os.path.join(list(n.__path__)[0], "lib", "libnccl.so.2"))' 2>/dev/null || true)
    if [[ -n $nccl && -f $nccl ]]; then
      export CCS_TEST_NCCL_LIBRARY=$nccl
    fi
  fi
  echo "NCCL for the tests: ${CCS_TEST_NCCL_LIBRARY:-libnccl.so.2 if the loader finds it}" \
    >>"$out/gpu.txt"
  local t rc failed=0
  local -a rows=()
  for t in "${tests[@]}"; do
    local start=$SECONDS
    set +e
    "$bundle_dir/bin/$t" >"$out/$t.log" 2>&1
    rc=$?
    set -e
    local verdict=PASS
    if [[ $rc -eq 77 ]]; then
      verdict="SKIPPED ($(grep -m1 SKIPPED "$out/$t.log" || true))"
    elif [[ $rc -ne 0 ]]; then
      verdict="FAIL (exit $rc)"
      failed=1
    fi
    rows+=("$(printf '%-32s %5ss  %s' "$t" "$((SECONDS - start))" "$verdict")")
  done
  echo "== GPU: $(head -1 "$out/gpu.txt")"
  printf '%-32s %6s  %s\n' test time result
  printf '%s\n' "${rows[@]}"
  return "$failed"
}

case "${1:-}" in
  bundle) shift; bundle "$@" ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 bundle [BUILD_DIR] [BUNDLE_DIR] | run [BUNDLE_DIR] [OUT_DIR]" >&2; exit 2 ;;
esac
