#!/usr/bin/env bash
# Build sttkit several ways and run the CTest suite in each:
#   build/       gcc, warnings as errors: the whole suite
#   build-asan/  ASan + UBSan: the whole suite
#   build-noio/  without the Linux I/O backends (the portable fallback): the whole suite
#   build-fuzz/  clang with libFuzzer (when clang is present): every target fuzzed
#                for a bounded time, plus the corpus replays
# Usage: scripts/test-all.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
start=$SECONDS

configure_build() {
  local dir=$1; shift
  echo "== configure $dir: $*"
  cmake -S . -B "$dir" -DSTT_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

run_tests() {
  local dir=$1; shift
  echo "== test $dir ($((SECONDS - start)) s so far)"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@")
}

configure_build build
run_tests build "$@"
configure_build build-asan -DSTT_SANITIZE=ON
run_tests build-asan "$@"
configure_build build-noio -DSTT_LINUX_IO=OFF
run_tests build-noio "$@"
if command -v clang >/dev/null 2>&1; then
  configure_build build-fuzz -DCMAKE_C_COMPILER=clang -DSTT_FUZZ=ON
  run_tests build-fuzz -L fuzz "$@"
else
  echo "== no clang: skipping the libFuzzer build"
fi
echo "== all builds passed in $((SECONDS - start)) s"
