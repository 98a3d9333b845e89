#!/usr/bin/env bash
# Build sttkit three ways and run the whole CTest suite in each:
#   build/       release-ish build, warnings as errors
#   build-asan/  ASan + UBSan
#   build-noio/  without the Linux I/O backends (the portable fallback)
# Usage: scripts/test-all.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
run() {
  local dir=$1; shift
  echo "== configure $dir: $*"
  cmake -S . -B "$dir" -DSTT_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "${CTEST_ARGS[@]}")
}
CTEST_ARGS=("$@")
run build
run build-asan -DSTT_SANITIZE=ON
run build-noio -DSTT_LINUX_IO=OFF
echo "== all builds passed"
