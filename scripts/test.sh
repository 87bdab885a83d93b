#!/usr/bin/env bash
# Installs dependencies, then builds and runs every test three times:
#   build/          release build, -Werror (gcc)
#   build-asan/     AddressSanitizer + UndefinedBehaviorSanitizer (clang)
#   build-tsan/     ThreadSanitizer (clang)
# Usage: scripts/test.sh [release|asan|tsan]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(release asan tsan)

# The release build skips debug info (a faster build; the sanitizer builds
# carry line tables for their reports).
# Sanitizer builds: -O1 and line tables only (what the sanitizers' reports
# need) compile about a third faster than -O2 -g; no benchmarks.
sanitizer_flags=(-DKAIC_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG")

run_variant() {
  local name=$1 dir cc cxx extra=()
  case "$name" in
    release) dir=build;      cc=gcc;   cxx=g++; extra=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG") ;;
    asan)    dir=build-asan; cc=clang; cxx=clang++; extra=(-DKAIC_SANITIZER=address "${sanitizer_flags[@]}") ;;
    tsan)    dir=build-tsan; cc=clang; cxx=clang++; extra=(-DKAIC_SANITIZER=thread "${sanitizer_flags[@]}") ;;
    *) echo "unknown variant: $name" >&2; exit 2 ;;
  esac
  echo "=== $name: configure + build ($dir)"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DKAIC_WERROR=ON "${extra[@]}" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "=== $name: test"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
  (cd "$dir" && ctest -j "$jobs" --output-on-failure --timeout 300)
}

for v in "${variants[@]}"; do run_variant "$v"; done
echo "=== all tests passed: ${variants[*]}"
