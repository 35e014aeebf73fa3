#!/usr/bin/env bash
# The test command: installs what is missing, builds (warnings are errors)
# and runs the whole suite through ctest. Exits non-zero on any failure.
#
#   ./tests/run.sh                 # everything
#   ./tests/run.sh -L unit         # extra arguments go to ctest
#
# BUILD_DIR (default build) and CCS_WITH_CUDA (default AUTO) may be set.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

"$root/deploy/install-deps.sh"

cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCCS_WERROR=ON \
  -DCCS_WITH_CUDA="${CCS_WITH_CUDA:-AUTO}"
cmake --build "$build_dir" -j "$jobs"

cd "$build_dir"
ctest --output-on-failure --timeout 900 "$@"
